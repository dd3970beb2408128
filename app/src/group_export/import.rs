//! `quorum import FILE`: loads a group export (docs/group-export-schema.md) into this instance.
//!
//! Strategy: the whole file is read and checked before the database is opened: the format and
//! version, every row's fields and their types, and that every reference names a row or a
//! person in the file. Anything wrong is one plain sentence and a failing exit, and nothing is
//! changed. Then everything is written in one transaction (the bulk writer's), every row with
//! a new random id: people are found by email among existing accounts, or added (without a
//! password; someone the export names only by name is added as a deactivated account no one
//! can sign in to, so that what they wrote keeps its author); a handle already taken gets
//! `-2`, `-3`… and the change is reported. The file's SHA-256 is recorded with the new group,
//! so the same file imported again is recognised and changes nothing.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use clap::Args;
use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};

use super::check::{Checked, Person, check};
use crate::auth::token::digest;
use crate::config::Settings;
use crate::domain::groups::HANDLE_MAX;
use crate::domain::markdown::plain_text;
use crate::store::{Bulk, ExportTable, Kind, Store, Value, unix_now};

/// `quorum import`'s arguments.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The group export (a JSON file downloaded from a group's settings page) to load.
    pub file: PathBuf,
}

/// `quorum import FILE`.
pub async fn import(settings: Settings, args: ImportArgs) -> anyhow::Result<()> {
    let shown = args.file.display();
    let bytes = std::fs::read(&args.file).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => anyhow!("the file {shown} does not exist"),
        std::io::ErrorKind::IsADirectory => anyhow!("{shown} is a folder, not a group export"),
        _ => anyhow!("the file {shown} cannot be read: {error}"),
    })?;
    let checked = check(&bytes).with_context(|| format!("{shown} cannot be imported"))?;
    let source_digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let store = crate::server::open_store(&settings).await?;
    let report = write(&store, &checked, &source_digest).await;
    store.close().await;
    let report = report.context("the database refused the export, so nothing was imported")?;
    for line in report {
        println!("{line}");
    }
    let files = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|document| document["files"].as_array().map(Vec::len))
        .unwrap_or(0);
    if files > 0 {
        println!(
            "{files} attached files were not imported: the export's JSON lists them but cannot hold their bytes. They are in the group's ZIP archive, in its files folder; attach them again where they belong."
        );
    }
    Ok(())
}

/// Writes the checked export in one transaction; the lines to print.
async fn write(
    store: &Store,
    checked: &Checked,
    source_digest: &str,
) -> anyhow::Result<Vec<String>> {
    let mut bulk = store.bulk().await?;
    if let Some(handle) = bulk.imported_as(source_digest).await? {
        return Ok(vec![format!(
            "This export was imported already, as the group /g/{handle}; nothing was changed."
        )]);
    }
    let now = unix_now();
    let mut report = Vec::new();
    let (people, matched) = write_people(&mut bulk, &checked.people, now, &mut report).await?;
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut first_group = None;
    for (table, rows) in &checked.tables {
        for row in rows {
            for column in table.columns.iter() {
                if let (Kind::Id(_), Some(reference)) =
                    (column.kind, row.get(column.name).and_then(Json::as_str))
                {
                    ids.insert(reference.to_string(), crate::store::random_id()?);
                }
            }
        }
    }
    let refs = Refs {
        ids: &ids,
        people: &people,
    };
    for (table, rows) in &checked.tables {
        match table.name {
            "groups" => {
                for row in rows {
                    let (id, handle) =
                        write_group(&mut bulk, table, row, &refs, &mut report).await?;
                    first_group.get_or_insert((id, handle));
                }
            }
            "former_handles" => {
                for row in rows {
                    let handle = row.get("handle").and_then(Json::as_str).unwrap_or_default();
                    if !bulk.group_handle_taken(handle).await? {
                        let values = refs.values(table, row);
                        bulk.insert(table.name, &names(table), &[values]).await?;
                    }
                }
            }
            _ => write_rows(&mut bulk, table, rows, &refs).await?,
        }
    }
    write_search_index(&mut bulk, checked, &ids).await?;
    let Some((group_id, handle)) = first_group else {
        bail!("the export holds no group");
    };
    bulk.insert(
        "imports",
        &["source_digest", "group_id", "imported_at"],
        &[vec![
            source_digest.into(),
            group_id.clone().into(),
            now.into(),
        ]],
    )
    .await?;
    bulk.insert(
        "audit_events",
        &["id", "at", "action", "outcome", "group_id", "detail"],
        &[vec![
            crate::store::random_id()?.into(),
            now.into(),
            "group_imported".into(),
            "ok".into(),
            group_id.into(),
            format!("imported with quorum import as /g/{handle}").into(),
        ]],
    )
    .await?;
    bulk.commit().await?;
    let count = |name: &str| {
        checked
            .tables
            .iter()
            .find(|(t, _)| t.name == name)
            .map_or(0, |(_, rows)| rows.len())
    };
    report.insert(
        0,
        format!(
            "Imported the group as /g/{handle}: {} subgroups, {} threads, {} comments, {} polls; {} people, {matched} of them found by email among existing accounts.",
            count("groups").saturating_sub(1),
            count("threads"),
            count("comments"),
            count("polls"),
            checked.people.len(),
        ),
    );
    Ok(report)
}

/// New ids for the export's references.
struct Refs<'a> {
    ids: &'a HashMap<String, String>,
    people: &'a HashMap<String, String>,
}

impl Refs<'_> {
    /// A row's values in the order of `table.columns`, with the new ids.
    fn values(&self, table: &ExportTable, row: &Map<String, Json>) -> Vec<Value> {
        table
            .columns
            .iter()
            .map(|column| {
                let value = row.get(column.name).unwrap_or(&Json::Null);
                let text = value.as_str();
                match column.kind {
                    Kind::Text => text.map(str::to_string).into(),
                    Kind::Int => value.as_i64().into(),
                    Kind::Bool => Value::Bool(value.as_bool().unwrap_or(false)),
                    Kind::Id(_) | Kind::Ref(_) => {
                        text.and_then(|r| self.ids.get(r)).cloned().into()
                    }
                    Kind::Person => text.and_then(|r| self.people.get(r)).cloned().into(),
                }
            })
            .collect()
    }
}

fn names(table: &ExportTable) -> Vec<&'static str> {
    table.columns.iter().map(|c| c.name).collect()
}

/// Finds or adds every person; their new account ids by reference, and how many were found.
async fn write_people(
    bulk: &mut Bulk,
    people: &[Person],
    now: i64,
    report: &mut Vec<String>,
) -> anyhow::Result<(HashMap<String, String>, usize)> {
    let mut accounts = HashMap::new();
    let mut matched = 0;
    for person in people {
        if let Some(email) = &person.email
            && let Some(id) = bulk.account_by_email(email).await?
        {
            matched += 1;
            accounts.insert(person.reference.clone(), id);
            continue;
        }
        let id = crate::store::random_id()?;
        let handle = match &person.handle {
            Some(wanted) => {
                let mut handle = wanted.clone();
                let mut n = 1;
                while bulk.person_handle_taken(&handle).await? {
                    n += 1;
                    handle = format!("{wanted}-{n}");
                }
                if &handle != wanted {
                    report.push(format!(
                        "The handle @{wanted} was taken, so the person imported with it is @{handle}."
                    ));
                }
                Some(handle)
            }
            None => None,
        };
        // Someone named by name only gets an address no mail goes to, and cannot sign in.
        let (email, deactivated) = match &person.email {
            Some(email) => (email.clone(), None),
            None => (format!("imported-{id}@import.invalid"), Some(now)),
        };
        bulk.insert(
            "accounts",
            &[
                "id",
                "email",
                "display_name",
                "handle",
                "created_at",
                "deactivated_at",
            ],
            &[vec![
                id.clone().into(),
                email.into(),
                person.name.clone().into(),
                handle.into(),
                now.into(),
                deactivated.into(),
            ]],
        )
        .await?;
        accounts.insert(person.reference.clone(), id);
    }
    Ok((accounts, matched))
}

/// Writes one group with a free handle; its new id and handle.
async fn write_group(
    bulk: &mut Bulk,
    table: &ExportTable,
    row: &Map<String, Json>,
    refs: &Refs<'_>,
    report: &mut Vec<String>,
) -> anyhow::Result<(String, String)> {
    let wanted = row.get("handle").and_then(Json::as_str).unwrap_or_default();
    let mut handle = wanted.to_string();
    let mut n = 1;
    while bulk.group_handle_taken(&handle).await? {
        n += 1;
        // Within the longest handle allowed, and never ending in a hyphen before the number.
        let suffix = format!("-{n}");
        let keep = HANDLE_MAX.saturating_sub(suffix.len()).min(wanted.len());
        handle = format!("{}{suffix}", wanted[..keep].trim_end_matches('-'));
    }
    if handle != wanted {
        report.push(format!(
            "The handle {wanted} was taken, so the group is at /g/{handle}."
        ));
    }
    let mut values = refs.values(table, row);
    let mut id = String::new();
    for (column, value) in table.columns.iter().zip(values.iter_mut()) {
        match column.name {
            "handle" => *value = Value::Text(handle.clone()),
            "id" => {
                id = if let Value::Text(text) = value {
                    text.clone()
                } else {
                    id
                }
            }
            _ => {}
        }
    }
    bulk.insert(table.name, &names(table), &[values]).await?;
    Ok((id, handle))
}

/// Writes the rows of a table; rows the export gives no id get a new one.
async fn write_rows(
    bulk: &mut Bulk,
    table: &ExportTable,
    rows: &[Map<String, Json>],
    refs: &Refs<'_>,
) -> anyhow::Result<()> {
    let mut columns = names(table);
    if table.fresh_id {
        columns.push("id");
    }
    if table.name == "invitations" {
        // A used invitation's address and token are not exported: an empty address and the
        // digest of a fresh random id, which no link carries, stand in.
        columns.extend(["email", "token_hash"]);
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut values = refs.values(table, row);
        if table.fresh_id {
            values.push(crate::store::random_id()?.into());
        }
        if table.name == "invitations" {
            values.push("".into());
            values.push(digest(&crate::store::random_id()?).into());
        }
        out.push(values);
    }
    bulk.insert(table.name, &columns, &out).await?;
    Ok(())
}

/// Puts the threads' and comments' words in the search index, as posting them does.
async fn write_search_index(
    bulk: &mut Bulk,
    checked: &Checked,
    ids: &HashMap<String, String>,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    let new_id = |row: &Map<String, Json>, name: &str| {
        row.get(name)
            .and_then(Json::as_str)
            .and_then(|r| ids.get(r))
            .cloned()
            .unwrap_or_default()
    };
    let text = |row: &Map<String, Json>, name: &str| {
        row.get(name)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    for (table, table_rows) in &checked.tables {
        for row in table_rows {
            if row.get("deleted_at").is_some_and(|d| !d.is_null()) {
                continue;
            }
            match table.name {
                "threads" => rows.push(vec![
                    text(row, "title").into(),
                    plain_text(&text(row, "context"), usize::MAX).into(),
                    new_id(row, "id").into(),
                    "".into(),
                ]),
                "comments" => rows.push(vec![
                    "".into(),
                    plain_text(&text(row, "body"), usize::MAX).into(),
                    new_id(row, "thread_id").into(),
                    new_id(row, "id").into(),
                ]),
                _ => {}
            }
        }
    }
    bulk.insert(
        "search_text",
        &["title", "body", "thread_id", "comment_id"],
        &rows,
    )
    .await?;
    Ok(())
}
