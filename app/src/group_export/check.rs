//! Reading a group export for `quorum import`: the whole file is checked before anything is
//! written (format and version, every list and field with its type, group handles, and that
//! every reference names a row or a person in the file), so that a file refused changes
//! nothing. Each refusal is one sentence that says what is wrong.

use std::collections::{HashMap, HashSet};

use anyhow::{anyhow, bail};
use serde_json::{Map, Value as Json};

use super::{FORMAT, VERSION};
use crate::domain::groups::{handle_problem, normalize_handle};
use crate::store::{EXPORT_TABLES, ExportTable, Kind};

/// A person the export names.
pub(super) struct Person {
    pub(super) reference: String,
    pub(super) name: Option<String>,
    pub(super) handle: Option<String>,
    pub(super) email: Option<String>,
}

/// An export read and checked, not yet written.
pub(super) struct Checked {
    pub(super) people: Vec<Person>,
    /// Each exported table's rows, in the order of `EXPORT_TABLES`.
    pub(super) tables: Vec<(&'static ExportTable, Vec<Map<String, Json>>)>,
}

/// The export in `bytes`, checked through and through, or why it cannot be imported.
pub(super) fn check(bytes: &[u8]) -> anyhow::Result<Checked> {
    let document: Json = serde_json::from_slice(bytes).map_err(|error| {
        if error.is_eof() {
            anyhow!("the file ends too early, so it is not a whole group export")
        } else {
            anyhow!("it is not a group export (it is not valid JSON)")
        }
    })?;
    let Json::Object(mut document) = document else {
        bail!("it is not a Quorum group export");
    };
    if document.get("format").and_then(Json::as_str) != Some(FORMAT) {
        bail!("it is not a Quorum group export (its format is not \"{FORMAT}\")");
    }
    match document.get("version") {
        Some(Json::Number(n)) if n.as_i64() == Some(VERSION) => {}
        Some(other) => bail!(
            "it is a group export of version {other}, which this release of Quorum cannot read (it reads version {VERSION})"
        ),
        None => bail!("it has no version number"),
    }
    let people = check_people(document.remove("people"))?;
    let mut groups = vec![object(document.remove("group"), "the group")?];
    groups.extend(rows(document.remove("subgroups"), "subgroups")?);
    let mut tables = vec![(&EXPORT_TABLES[0], groups)];
    for table in EXPORT_TABLES.iter().skip(1) {
        tables.push((table, rows(document.remove(table.name), table.name)?));
    }
    check_references(&people, &tables)?;
    Ok(Checked { people, tables })
}

fn object(value: Option<Json>, what: &str) -> anyhow::Result<Map<String, Json>> {
    match value {
        Some(Json::Object(map)) => Ok(map),
        _ => Err(anyhow!("{what} is missing from it")),
    }
}

fn rows(value: Option<Json>, name: &str) -> anyhow::Result<Vec<Map<String, Json>>> {
    let Some(Json::Array(items)) = value else {
        bail!("its list of {name} is missing");
    };
    items
        .into_iter()
        .enumerate()
        .map(|(n, item)| match item {
            Json::Object(map) => Ok(map),
            _ => Err(anyhow!("row {} of {name} is not a record", n + 1)),
        })
        .collect()
}

fn check_people(value: Option<Json>) -> anyhow::Result<Vec<Person>> {
    let mut people = Vec::new();
    let mut references = HashSet::new();
    let mut emails = HashSet::new();
    for (n, row) in rows(value, "people")?.into_iter().enumerate() {
        let text = |name: &str| -> anyhow::Result<Option<String>> {
            match row.get(name) {
                None | Some(Json::Null) => Ok(None),
                Some(Json::String(text)) => Ok(Some(text.clone())),
                Some(_) => Err(anyhow!("the {name} of person {} is not text", n + 1)),
            }
        };
        let Some(reference) = text("id")? else {
            bail!("person {} has no id", n + 1);
        };
        let email = text("email")?.map(|e| e.trim().to_lowercase());
        if let Some(email) = &email
            && (!email.contains('@') || !emails.insert(email.clone()))
        {
            bail!(
                "the email address of person {} is not one a person may have",
                n + 1
            );
        }
        if !references.insert(reference.clone()) {
            bail!("the id {reference} is given to two people");
        }
        people.push(Person {
            reference,
            name: text("name")?,
            handle: text("handle")?,
            email,
        });
    }
    Ok(people)
}

/// Checks every row's fields and their types, and that every reference names a row of the
/// right kind or a person in the file.
fn check_references(
    people: &[Person],
    tables: &[(&'static ExportTable, Vec<Map<String, Json>>)],
) -> anyhow::Result<()> {
    // Every row's own reference first, so that any row may name any other.
    let mut own: HashMap<String, &'static str> = HashMap::new();
    for (table, rows) in tables {
        for (n, row) in rows.iter().enumerate() {
            for column in table.columns.iter() {
                if let Kind::Id(prefix) = column.kind {
                    let Some(reference) = row.get(column.name).and_then(Json::as_str) else {
                        bail!("row {} of {} has no id", n + 1, table.name);
                    };
                    if own.insert(reference.to_string(), prefix).is_some() {
                        bail!("the id {reference} is given to two rows");
                    }
                }
            }
        }
    }
    for (n, group) in tables[0].1.iter().enumerate() {
        let handle = group
            .get("handle")
            .and_then(Json::as_str)
            .unwrap_or_default();
        if normalize_handle(handle) != handle || handle_problem(handle).is_some() {
            bail!("the handle of group {} is not one a group may have", n + 1);
        }
    }
    let known_people: HashSet<&str> = people.iter().map(|p| p.reference.as_str()).collect();
    for (table, rows) in tables {
        for (n, row) in rows.iter().enumerate() {
            let place = || format!("row {} of {}", n + 1, table.name);
            for column in table.columns.iter() {
                let Some(value) = row.get(column.name) else {
                    bail!("{} has no {}", place(), column.name);
                };
                let fits = match (column.kind, value) {
                    (Kind::Bool, value) => value.is_boolean(),
                    (_, Json::Null) => true,
                    (Kind::Text, value) => value.is_string(),
                    (Kind::Int, value) => value.is_i64(),
                    (Kind::Id(_), value) => value.is_string(),
                    (Kind::Ref(prefix), Json::String(reference)) => {
                        own.get(reference.as_str()) == Some(&prefix)
                    }
                    (Kind::Person, Json::String(reference)) => {
                        known_people.contains(reference.as_str())
                    }
                    _ => false,
                };
                if !fits {
                    bail!(
                        "the {} of {} is not what a group export holds there",
                        column.name,
                        place()
                    );
                }
            }
        }
    }
    Ok(())
}
