//! The group archive (`/g/<handle>/export.zip`): the export as one CSV file per list, for
//! spreadsheets, and `index.html`, one page a person can read offline in any browser.
//!
//! Strategy: both are made from the JSON export itself, so they hold the same rows, with the
//! same references, and nothing the JSON leaves out. The page is a standalone document (no
//! script, no external files, styles inline) with one `h1`, a contents list, headings for each
//! thread, comment lists, and tables with captions and column headers; Markdown is rendered
//! through the same sanitiser as the app's pages. A CSV cell of text that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return is given a leading `'`, so that a spreadsheet
//! shows it instead of running it as a formula.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::Value as Json;

use crate::domain::markdown::render;
use crate::domain::time::format_utc;
use crate::store::EXPORT_TABLES;
use crate::zip::{TooLarge, ZipWriter};

/// The archive of the export `document`, made at `now`, with the bytes of its files (each at
/// the path its entry in `files` names).
pub fn zip(document: &Json, now: i64, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, TooLarge> {
    let mut zip = ZipWriter::new(now);
    zip.add("index.html", page(document).as_bytes())?;
    for (name, csv) in csv_files(document) {
        zip.add(&format!("csv/{name}.csv"), csv.as_bytes())?;
    }
    for (path, bytes) in files {
        zip.add(path, bytes)?;
    }
    zip.finish()
}

/// The columns of the files' list, as the JSON names them.
const FILE_COLUMNS: [&str; 13] = [
    "id",
    "attached_to",
    "thread_id",
    "comment_id",
    "poll_id",
    "uploader_id",
    "name",
    "file_type",
    "size",
    "sha256",
    "alt",
    "created_at",
    "path",
];

/// One CSV file per list of the export: its name and its text.
fn csv_files(document: &Json) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let people = ["id", "name", "handle", "email"];
    files.push(("people".to_string(), csv(&people, list(document, "people"))));
    for table in EXPORT_TABLES {
        let columns: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        let rows: Vec<&Json> = if table.name == "groups" {
            std::iter::once(&document["group"])
                .chain(list(document, "subgroups"))
                .collect()
        } else {
            list(document, table.name).collect()
        };
        files.push((table.name.to_string(), csv(&columns, rows)));
    }
    files.push((
        "files".to_string(),
        csv(&FILE_COLUMNS, list(document, "files")),
    ));
    files
}

fn list<'a>(document: &'a Json, name: &str) -> impl Iterator<Item = &'a Json> {
    document[name].as_array().into_iter().flatten()
}

fn csv<'a>(columns: &[&str], rows: impl IntoIterator<Item = &'a Json>) -> String {
    let mut out = columns.join(",");
    out.push_str("\r\n");
    for row in rows {
        let cells: Vec<String> = columns.iter().map(|c| cell(&row[*c])).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn cell(value: &Json) -> String {
    let text = match value {
        Json::Null => return String::new(),
        Json::String(text) if text.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
            format!("'{text}")
        }
        Json::String(text) => text.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn text<'a>(row: &'a Json, name: &str) -> &'a str {
    row[name].as_str().unwrap_or_default()
}

fn when(row: &Json, name: &str) -> Option<String> {
    row[name].as_i64().map(format_utc)
}

/// The people's names by reference.
struct Names(HashMap<String, String>);

impl Names {
    fn of(&self, reference: &Json) -> String {
        match reference.as_str() {
            None => "Deleted account".to_string(),
            Some(r) => self
                .0
                .get(r)
                .cloned()
                .unwrap_or_else(|| "Someone".to_string()),
        }
    }
}

const STYLE: &str = "body{max-width:75ch;margin:0 auto;padding:1rem;font:1rem/1.5 system-ui,\
sans-serif;color:#111;background:#fff;overflow-wrap:anywhere}a{color:#0b3d91}\
table{border-collapse:collapse;margin:1rem 0;width:100%;table-layout:fixed}\
th,td{border:1px solid #444;padding:.25rem .5rem;text-align:left;vertical-align:top;\
overflow-wrap:anywhere}@media (max-width:30em){body{padding:.5rem}th,td{padding:.25rem}}\
caption{text-align:left;font-weight:bold}li{margin:.5rem 0}";

/// The page: the group, its members, threads with their comments and polls, and the audit log.
fn page(document: &Json) -> String {
    let group = &document["group"];
    let names = Names(
        list(document, "people")
            .filter_map(|p| {
                let name = p["name"].as_str().unwrap_or("Someone");
                Some((p["id"].as_str()?.to_string(), name.to_string()))
            })
            .collect(),
    );
    let title = escape(text(group, "name"));
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}: group archive</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>{title}</h1>\n<p>The archive of the group /g/{}, exported on {}. The same rows, \
         for spreadsheets, are in the <code>csv</code> folder beside this page.</p>\n\
         <nav aria-label=\"Contents\"><ul><li><a href=\"#about\">About the group</a></li>\
         <li><a href=\"#members\">Members</a></li><li><a href=\"#threads\">Threads</a></li>\
         <li><a href=\"#files\">Files</a></li><li><a href=\"#audit\">Audit log</a></li></ul></nav>\n",
        escape(text(group, "handle")),
        document["exported_at"]
            .as_i64()
            .map(format_utc)
            .unwrap_or_default()
    );
    let _ = write!(
        out,
        "<h2 id=\"about\">About the group</h2>\n{}\n",
        render(text(group, "description"), 2)
    );
    let subgroups: Vec<&Json> = list(document, "subgroups").collect();
    if !subgroups.is_empty() {
        out.push_str("<h3>Subgroups</h3>\n<ul>\n");
        for subgroup in subgroups {
            let _ = writeln!(
                out,
                "<li>{} (/g/{})</li>",
                escape(text(subgroup, "name")),
                escape(text(subgroup, "handle"))
            );
        }
        out.push_str("</ul>\n");
    }
    members(&mut out, document, &names);
    threads(&mut out, document, &names);
    files(&mut out, document, &names);
    audit(&mut out, document, &names);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn group_names(document: &Json) -> HashMap<String, String> {
    std::iter::once(&document["group"])
        .chain(list(document, "subgroups"))
        .filter_map(|g| Some((g["id"].as_str()?.to_string(), text(g, "name").to_string())))
        .collect()
}

fn members(out: &mut String, document: &Json, names: &Names) {
    let groups = group_names(document);
    out.push_str(
        "<h2 id=\"members\">Members</h2>\n<table>\n<caption>Members of the group and its \
         subgroups</caption>\n<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Group</th>\
         <th scope=\"col\">Role</th><th scope=\"col\">Joined</th></tr></thead>\n<tbody>\n",
    );
    for member in list(document, "memberships") {
        let group = groups
            .get(text(member, "group_id"))
            .cloned()
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&names.of(&member["account_id"])),
            escape(&group),
            escape(text(member, "role")),
            when(member, "joined_at").unwrap_or_default()
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn threads(out: &mut String, document: &Json, names: &Names) {
    out.push_str("<h2 id=\"threads\">Threads</h2>\n");
    let live = |row: &&Json| row["deleted_at"].is_null();
    let threads: Vec<&Json> = list(document, "threads").filter(live).collect();
    if threads.is_empty() {
        out.push_str("<p>No threads.</p>\n");
    }
    for thread in threads {
        let id = &thread["id"];
        let _ = write!(
            out,
            "<article>\n<h3>{}</h3>\n<p>Started by {} on {}.</p>\n{}\n",
            escape(text(thread, "title")),
            escape(&names.of(&thread["author_id"])),
            when(thread, "created_at").unwrap_or_default(),
            render(text(thread, "context"), 3)
        );
        let comments: Vec<&Json> = list(document, "comments")
            .filter(|c| &c["thread_id"] == id)
            .filter(live)
            .collect();
        if !comments.is_empty() {
            out.push_str("<h4>Comments</h4>\n<ol>\n");
            for comment in comments {
                let edited = if comment["edited_at"].is_null() {
                    ""
                } else {
                    " (edited)"
                };
                let reactions: Vec<String> = list(document, "reactions")
                    .filter(|r| r["comment_id"] == comment["id"])
                    .map(|r| format!("{} ({})", names.of(&r["account_id"]), text(r, "kind")))
                    .collect();
                let _ = write!(
                    out,
                    "<li>\n<p><strong>{}</strong>, {}{edited}:</p>\n{}\n",
                    escape(&names.of(&comment["author_id"])),
                    when(comment, "created_at").unwrap_or_default(),
                    render(text(comment, "body"), 4)
                );
                if !reactions.is_empty() {
                    let _ = writeln!(out, "<p>Reactions: {}.</p>", escape(&reactions.join(", ")));
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ol>\n");
        }
        for poll in list(document, "polls").filter(|p| &p["thread_id"] == id) {
            poll_section(out, document, poll, names);
        }
        out.push_str("</article>\n");
    }
}

fn poll_section(out: &mut String, document: &Json, poll: &Json, names: &Names) {
    let secret = if poll["anonymous"] == true {
        " It was a secret ballot."
    } else {
        ""
    };
    let closing = match when(poll, "closed_at") {
        Some(at) => format!("Closed on {at}."),
        None => format!("Closes on {}.", when(poll, "closes_at").unwrap_or_default()),
    };
    let voted = list(document, "poll_participants")
        .filter(|p| p["poll_id"] == poll["id"])
        .count();
    let _ = write!(
        out,
        "<h4>Poll: {}</h4>\n<p>A {} poll started by {}. {closing} {voted} voted.{secret}</p>\n{}\n",
        escape(text(poll, "title")),
        escape(text(poll, "kind")),
        escape(&names.of(&poll["author_id"])),
        render(text(poll, "details"), 4)
    );
    let options: Vec<String> = list(document, "poll_options")
        .filter(|o| o["poll_id"] == poll["id"])
        .map(|o| format!("<li>{}</li>", escape(text(o, "label"))))
        .collect();
    if !options.is_empty() {
        let _ = writeln!(out, "<p>Options:</p>\n<ol>{}</ol>", options.concat());
    }
    let reasons: Vec<String> = list(document, "ballots")
        .filter(|b| b["poll_id"] == poll["id"] && b["replaced_at"].is_null())
        .filter_map(|b| {
            let reason = b["reason"].as_str().filter(|r| !r.is_empty())?;
            let who = if b["voter_id"].is_null() {
                "A voter".to_string()
            } else {
                names.of(&b["voter_id"])
            };
            Some(format!("<li>{}: {}</li>", escape(&who), escape(reason)))
        })
        .collect();
    if !reasons.is_empty() {
        let _ = writeln!(out, "<p>Reasons given:</p>\n<ul>{}</ul>", reasons.concat());
    }
    if let Some(outcome) = poll["outcome"].as_str() {
        let _ = write!(
            out,
            "<p>Outcome, by {} on {}:</p>\n{}\n",
            escape(&names.of(&poll["outcome_by"])),
            when(poll, "outcome_at").unwrap_or_default(),
            render(outcome, 4)
        );
    }
}

/// The files attached in the group, each a link to its copy in the archive.
fn files(out: &mut String, document: &Json, names: &Names) {
    out.push_str("<h2 id=\"files\">Files</h2>\n");
    let files: Vec<&Json> = list(document, "files").collect();
    if files.is_empty() {
        out.push_str("<p>No files are attached in the group.</p>\n");
        return;
    }
    out.push_str(
        "<table>\n<caption>Files attached to threads, comments, polls and outcomes; each is \
         in the files folder beside this page</caption>\n<thead><tr><th scope=\"col\">File</th>\
         <th scope=\"col\">Attached to</th><th scope=\"col\">By</th><th scope=\"col\">Size in \
         bytes</th><th scope=\"col\">Text alternative</th><th scope=\"col\">When</th></tr>\
         </thead>\n<tbody>\n",
    );
    for file in files {
        let href = crate::zip::relative_href(text(file, "path"));
        let alt = match file["alt"].as_str() {
            None => "",
            Some("") => "decorative",
            Some(alt) => alt,
        };
        let _ = writeln!(
            out,
            "<tr><td><a href=\"{}\">{}</a></td><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&href),
            escape(text(file, "name")),
            escape(text(file, "attached_to")),
            escape(
                [&file["comment_id"], &file["poll_id"], &file["thread_id"]]
                    .into_iter()
                    .find_map(Json::as_str)
                    .unwrap_or_default()
            ),
            escape(&names.of(&file["uploader_id"])),
            file["size"].as_i64().unwrap_or(0),
            escape(alt),
            when(file, "created_at").unwrap_or_default(),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn audit(out: &mut String, document: &Json, names: &Names) {
    out.push_str(
        "<h2 id=\"audit\">Audit log</h2>\n<table>\n<caption>What admins and members did that \
         the group keeps a record of</caption>\n<thead><tr><th scope=\"col\">When</th>\
         <th scope=\"col\">Action</th><th scope=\"col\">Outcome</th><th scope=\"col\">By</th>\
         <th scope=\"col\">To whom</th><th scope=\"col\">Detail</th></tr></thead>\n<tbody>\n",
    );
    for event in list(document, "audit_events") {
        let subject = if event["subject_id"].is_null() {
            String::new()
        } else {
            names.of(&event["subject_id"])
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            when(event, "at").unwrap_or_default(),
            escape(&text(event, "action").replace('_', " ")),
            escape(text(event, "outcome")),
            escape(&names.of(&event["account_id"])),
            escape(&subject),
            escape(text(event, "detail"))
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_are_not_run() {
        assert_eq!(cell(&Json::from("plain")), "plain");
        assert_eq!(cell(&Json::from("a, \"b\"")), "\"a, \"\"b\"\"\"");
        assert_eq!(cell(&Json::from("=HYPERLINK(1)")), "'=HYPERLINK(1)");
        assert_eq!(cell(&Json::from(-2)), "-2");
        assert_eq!(cell(&Json::Null), "");
        assert_eq!(cell(&Json::from(true)), "true");
    }

    #[test]
    fn the_page_escapes_what_people_wrote() {
        let document = serde_json::json!({
            "exported_at": 1_765_000_000,
            "group": {"id": "group-1", "name": "<b>Garden</b>", "handle": "garden",
                      "description": "<script>x</script>\n\n**Hello**"},
            "people": [{"id": "person-1", "name": "Ann <Lee>"}],
            "memberships": [{"group_id": "group-1", "account_id": "person-1",
                             "role": "admin", "joined_at": 1}],
        });
        let html = page(&document);
        assert!(html.contains("<h1>&lt;b&gt;Garden&lt;/b&gt;</h1>"));
        assert!(html.contains("Ann &lt;Lee&gt;"));
        assert!(html.contains("<strong>Hello</strong>"));
        assert!(!html.contains("<script>"));
    }
}
