//! A group's export, for its admins (`/g/<handle>/export.json`), and `quorum import`, which
//! loads one into an instance. The format is documented in docs/group-export-schema.md.
//!
//! Strategy: the store describes each exported table once (`store::EXPORT_TABLES`); the
//! export reads the rows through it and replaces every database id by a reference of the
//! export's own (`thread-3`, `person-7`), so that nothing in the file can be used against the
//! instance it came from and an import gives every row a new id. People are listed once: a
//! member with name, handle and email (the email is how an import finds them again), anyone
//! else the group's content names (a former member, a voter, a reactor) by name only.

pub mod archive;
mod check;
pub mod import;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value as Json, json};

use crate::domain::permissions::Permit;
use crate::store::{EXPORT_TABLES, Kind, Store, StoreError, Value};

/// The `format` field of every group export.
pub const FORMAT: &str = "quorum-group-export";
/// The one version of the format this release writes and reads.
pub const VERSION: i64 = 1;

/// Gives each database id its export reference, in the order they are met.
#[derive(Default)]
struct References {
    rows: HashMap<String, String>,
    counts: HashMap<&'static str, usize>,
    people: Vec<String>,
    person_refs: HashMap<String, String>,
    /// Each listed file's path in the archive and its storage name.
    files: Vec<(String, String)>,
}

impl References {
    fn own(&mut self, prefix: &'static str, id: &str) -> String {
        let n = self.counts.entry(prefix).or_default();
        *n += 1;
        let reference = format!("{prefix}-{n}");
        self.rows
            .insert(format!("{prefix}:{id}"), reference.clone());
        reference
    }

    fn row(&self, prefix: &str, id: &str) -> Json {
        self.rows
            .get(&format!("{prefix}:{id}"))
            .map_or(Json::Null, |r| Json::String(r.clone()))
    }

    fn person(&mut self, id: &str) -> Json {
        if let Some(reference) = self.person_refs.get(id) {
            return Json::String(reference.clone());
        }
        let reference = format!("person-{}", self.people.len() + 1);
        self.people.push(id.to_string());
        self.person_refs.insert(id.to_string(), reference.clone());
        Json::String(reference)
    }
}

fn plain(value: &Value) -> Json {
    match value {
        Value::Text(text) => Json::String(text.clone()),
        Value::Int(n) => json!(n),
        Value::Bool(b) => Json::Bool(*b),
        Value::NoText | Value::NoInt => Json::Null,
    }
}

/// The whole export of the permit's group (an admin's settings permit), as JSON.
pub async fn build(store: &Store, permit: &Permit, now: i64) -> Result<Export, StoreError> {
    let mut refs = References::default();
    let mut tables: BTreeMap<&'static str, Vec<Json>> = BTreeMap::new();
    let mut members: HashSet<String> = HashSet::new();
    for table in EXPORT_TABLES {
        let rows = store.group_export_rows(permit, table).await?;
        // Own references first, so that a row may name one later in the same table.
        for row in &rows {
            for (column, value) in table.columns.iter().zip(row) {
                if let (Kind::Id(prefix), Value::Text(id)) = (column.kind, value) {
                    refs.own(prefix, id);
                }
            }
        }
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut object = Map::new();
            for (column, value) in table.columns.iter().zip(row) {
                let json = match (column.kind, value) {
                    (Kind::Id(prefix) | Kind::Ref(prefix), Value::Text(id)) => refs.row(prefix, id),
                    (Kind::Person, Value::Text(id)) => {
                        if table.name == "memberships" {
                            members.insert(id.clone());
                        }
                        refs.person(id)
                    }
                    (_, value) => plain(value),
                };
                object.insert(column.name.to_string(), json);
            }
            out.push(Json::Object(object));
        }
        tables.insert(table.name, out);
    }
    // Files are listed, not written by an import (the JSON cannot hold their bytes): after
    // the tables, so each names its thread, comment or poll by the same references.
    let mut files = Vec::new();
    for (n, file) in store.group_export_files(permit).await?.iter().enumerate() {
        let reference = format!("file-{}", n + 1);
        let path = format!("files/{reference}/{}", file.name);
        files.push(json!({
            "id": reference,
            "attached_to": file.part,
            "thread_id": file.thread_id.as_deref().map_or(Json::Null, |id| refs.row("thread", id)),
            "comment_id": file.comment_id.as_deref().map_or(Json::Null, |id| refs.row("comment", id)),
            "poll_id": file.poll_id.as_deref().map_or(Json::Null, |id| refs.row("poll", id)),
            "uploader_id": file.uploader_id.as_deref().map_or(Json::Null, |id| refs.person(id)),
            "name": file.name,
            "file_type": file.file_type,
            "size": file.size,
            "sha256": file.sha256,
            "alt": file.alt,
            "created_at": file.created_at,
            "path": path,
        }));
        refs.files.push((path, file.id.clone()));
    }
    let mut people = Vec::with_capacity(refs.people.len());
    for (n, id) in refs.people.iter().enumerate() {
        let found = store.export_person(id).await?;
        let mut person = Map::new();
        person.insert("id".into(), json!(format!("person-{}", n + 1)));
        // An account deleted while the export was read is named by nothing.
        let name = found.as_ref().and_then(|f| f.display_name.clone());
        person.insert("name".into(), json!(name));
        if let Some(found) = found.filter(|_| members.contains(id)) {
            person.insert("handle".into(), json!(found.handle));
            person.insert("email".into(), json!(found.email));
        }
        people.push(Json::Object(person));
    }
    let mut groups = tables.remove("groups").unwrap_or_default().into_iter();
    let mut document = Map::new();
    document.insert("format".into(), json!(FORMAT));
    document.insert("version".into(), json!(VERSION));
    document.insert("exported_at".into(), json!(now));
    document.insert("group".into(), groups.next().unwrap_or(Json::Null));
    document.insert("subgroups".into(), Json::Array(groups.collect()));
    document.insert("people".into(), Json::Array(people));
    for table in EXPORT_TABLES.iter().skip(1) {
        let rows = tables.remove(table.name).unwrap_or_default();
        document.insert(table.name.into(), Json::Array(rows));
    }
    document.insert("files".into(), Json::Array(files));
    Ok(Export {
        document: Json::Object(document),
        files: refs.files,
    })
}

/// A group export: the document, and where each listed file's bytes are kept (its path in the
/// archive, and its storage name), for the zip.
pub struct Export {
    pub document: Json,
    pub files: Vec<(String, String)>,
}

/// The export as the file people download: pretty-printed, with `format`, `version`,
/// `exported_at`, `group`, `subgroups` and `people` first and the lists in the order of
/// `EXPORT_TABLES`, so that a reader (or a tool sniffing the file) meets what it is first.
pub fn to_file(document: &Json) -> Vec<u8> {
    let head = [
        "format",
        "version",
        "exported_at",
        "group",
        "subgroups",
        "people",
    ];
    let keys = head
        .into_iter()
        .chain(EXPORT_TABLES.iter().skip(1).map(|table| table.name))
        .chain(["files"]);
    let fields: Vec<String> = keys
        .filter_map(|key| {
            let value = document.get(key)?;
            let pretty = serde_json::to_string_pretty(value).ok()?;
            Some(format!(
                "  {}: {}",
                Json::from(key),
                pretty.replace('\n', "\n  ")
            ))
        })
        .collect();
    format!("{{\n{}\n}}\n", fields.join(",\n")).into_bytes()
}
