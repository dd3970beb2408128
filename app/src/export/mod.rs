//! The personal export: everything Quorum holds about one person, as one zip of two files,
//! `quorum-export.json` (for programs; its schema is `docs/export-schema.md`) and
//! `quorum-export.html` (for people: one complete, accessible page that reads offline).
//!
//! Strategy: the store reads the person's data once ([`crate::store::PersonalData`]); the JSON
//! is that data as serde writes it, inside a versioned envelope, and the HTML is written from
//! the same values, so the two never disagree. A change to the JSON's shape that a reader could
//! trip on raises [`VERSION`] and is described in the schema document.

mod html;

use serde::Serialize;

use crate::store::PersonalData;
use crate::store::when;

/// The JSON's `format`.
pub const FORMAT: &str = "quorum-personal-export";
/// The JSON's `version`: 2 since `notification_settings` is an object and `notifications` is
/// listed; 3 since `files` lists the files the person attached, kept beside it in the zip.
pub const VERSION: u32 = 3;
/// The names of the files in the zip.
pub const JSON_FILE: &str = "quorum-export.json";
pub const HTML_FILE: &str = "quorum-export.html";

/// Why a secret ballot shows only that the person voted.
pub const SECRET_BALLOT_NOTE: &str = "For a secret ballot, Quorum records that you voted and \
    when, and, separately, what was chosen, with no link between the two: by design, nobody, \
    not even Quorum, can tell what you chose, so this copy cannot include it.";
#[derive(Serialize)]
struct Notes {
    secret_ballots: &'static str,
}

#[derive(Serialize)]
struct Envelope<'a> {
    format: &'static str,
    version: u32,
    #[serde(serialize_with = "when::at")]
    exported_at: i64,
    instance: &'a str,
    notes: Notes,
    #[serde(flatten)]
    data: &'a PersonalData,
}

/// Why an export could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the export's JSON could not be written: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Zip(#[from] crate::zip::TooLarge),
}

/// The JSON file.
pub fn json(data: &PersonalData, instance: &str, now: i64) -> Result<String, serde_json::Error> {
    let envelope = Envelope {
        format: FORMAT,
        version: VERSION,
        exported_at: now,
        instance,
        notes: Notes {
            secret_ballots: SECRET_BALLOT_NOTE,
        },
        data,
    };
    let mut text = serde_json::to_string_pretty(&envelope)?;
    text.push('\n');
    Ok(text)
}

/// The HTML file.
pub fn html(data: &PersonalData, instance: &str, now: i64) -> String {
    html::document(data, instance, now)
}

/// The zip: both files, and the bytes of the files the person attached (each at the `path` its
/// entry names), dated `now`.
pub fn build(
    data: &PersonalData,
    instance: &str,
    now: i64,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, BuildError> {
    let mut archive = crate::zip::ZipWriter::new(now);
    archive.add(JSON_FILE, json(data, instance, now)?.as_bytes())?;
    archive.add(HTML_FILE, html(data, instance, now).as_bytes())?;
    for (path, bytes) in files {
        archive.add(path, bytes)?;
    }
    Ok(archive.finish()?)
}

/// The name a downloaded copy is saved under: `quorum-export-YYYY-MM-DD.zip`.
pub fn file_name(ready_at: i64) -> String {
    let date = when::text(ready_at);
    format!("quorum-export-{}.zip", date.get(..10).unwrap_or("copy"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::personal_data::Profile;

    fn someone(name: &str) -> PersonalData {
        PersonalData {
            profile: Profile {
                id: "a1".into(),
                email: "ann@example.org".into(),
                name: Some(name.into()),
                handle: Some("ann".into()),
                time_zone: "UTC".into(),
                has_password: false,
                created_at: 1_800_000_000,
                deactivated_at: None,
            },
            memberships: vec![],
            join_requests: vec![],
            invitations: vec![],
            threads: vec![],
            comments: vec![],
            polls: vec![],
            votes: vec![],
            secret_ballots: vec![],
            reactions: vec![],
            thread_reads: vec![],
            sessions: vec![],
            sign_in_history: vec![],
            email_changes: vec![],
            kept_answers: vec![],
            emails: vec![],
            notification_settings: crate::store::personal_data::NotificationSettings {
                default_volume: "normal".into(),
                digest: "off".into(),
                digest_day: 1,
                digest_due_at: None,
                groups: vec![],
                threads: vec![],
            },
            notifications: vec![],
            files: vec![],
        }
    }

    #[test]
    fn the_json_is_versioned_with_times_in_utc() {
        let text = json(&someone("Ann"), "https://q.example", 1_800_000_000).unwrap();
        assert!(
            text.starts_with("{\n  \"format\": \"quorum-personal-export\",\n  \"version\": 3,")
        );
        assert!(
            text.contains("\"exported_at\": \"2027-01-15T08:00:00Z\""),
            "{text}"
        );
        assert!(text.contains("\"deactivated_at\": null"));
        assert!(text.contains("\"default_volume\": \"normal\""), "{text}");
    }

    #[test]
    fn what_people_wrote_is_escaped_in_the_page() {
        let page = html(
            &someone("<script>x</script>"),
            "https://q.example",
            1_800_000_000,
        );
        assert!(!page.contains("<script"), "{page}");
        assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(page.contains("You are not a member of any group."));
        assert_eq!(file_name(1_800_000_000), "quorum-export-2027-01-15.zip");
    }
}
