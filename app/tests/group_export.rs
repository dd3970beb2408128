//! A group's export (`/g/<handle>/export.json`) and `quorum import`, against the real binary on
//! the engine under test (SQLite, or PostgreSQL when the suite runs there).
//!
//! Strategy: a group is built through its pages as people build one (members, a subgroup, a
//! thread with an edited comment, a reply and a reaction, a named proposal with votes and an
//! outcome, a secret poll, a member who wrote and then left, an invitation still pending); its
//! admin downloads the export; the export is imported with the command into a new, empty
//! instance, and exported again there by the same admin, found again by email. The two
//! documents must hold the same content once the export's own references (which name rows
//! only within one file) and the time of export are set aside. The import is run twice, and
//! on a cut-off file and a file of an unknown version, and the rows of every table are counted
//! before and after: the refused and repeated runs change nothing.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::Value as Json;
use support::browser::Browser;
use support::journey::{
    comment_id, create_group, post_comment, signed_in_browser_named, start_poll, start_thread,
    start_with_mail, start_with_mail_and,
};
use support::{
    Finished, TestApp, assert_no_panic, assert_stopped_with_one_clear_line, new_postgres_database,
    on_postgres,
};

const PENDING: &str = "pending-invitee@example.org";
const LEFT: &str = "carol@example.org";

/// Tables an import writes to, counted to show what a run changed.
const TABLES: &[&str] = &[
    "accounts",
    "groups",
    "memberships",
    "threads",
    "thread_versions",
    "comments",
    "comment_versions",
    "reactions",
    "polls",
    "poll_options",
    "poll_participants",
    "ballots",
    "poll_versions",
    "group_activity",
    "audit_events",
    "imports",
];

async fn cast(browser: &Browser, poll: &str, fields: &[(&str, &str)]) {
    let action = format!("{poll}/vote");
    let check = browser.submit(poll, &action, fields).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    let cast = browser
        .submit_from(&check.body, &action, &[("intent", "cast")])
        .await;
    assert_eq!(cast.status, StatusCode::SEE_OTHER, "{}", cast.body);
}

async fn ok(reply: support::browser::Reply) {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

/// Builds the group "garden" with everything an export holds; the admin's browser and the app.
async fn build_group() -> (TestApp, Browser, Browser) {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Ray").await;
    let carol = signed_in_browser_named(&app, &sink, LEFT, "Carol Day").await;
    create_group(&ann, "Open Garden", "garden", "open").await;
    for who in [&bob, &carol] {
        ok(who.submit("/g/garden", "/g/garden/join", &[]).await).await;
    }
    let subgroup = "/g/garden/subgroups/new";
    ok(ann
        .submit(
            subgroup,
            subgroup,
            &[
                ("name", "Tool Shed"),
                ("handle", "tool-shed"),
                ("privacy", "open"),
                ("join_mode", "open"),
            ],
        )
        .await)
    .await;
    let invite = "/g/garden/invitations";
    ok(ann
        .submit(
            invite,
            invite,
            &[("addresses", PENDING), ("message", "Come.")],
        )
        .await)
    .await;

    let thread = start_thread(&ann, "garden", "Seed swap", "Bring **seeds**.").await;
    let first = comment_id(&post_comment(&bob, &thread, "I can bring seeds.", None).await);
    let edit = format!("{thread}/comments/{first}/edit");
    ok(bob
        .submit(&edit, &edit, &[("body", "I can bring seeds and tools.")])
        .await)
    .await;
    post_comment(&ann, &thread, "Thank you, Bob.", Some(&first)).await;
    post_comment(&carol, &thread, "Count me in.", None).await;
    let react = format!("{thread}/comments/{first}/react");
    ok(ann.submit(&thread, &react, &[("reaction", "agree")]).await).await;
    ok(carol
        .submit(&thread, &react, &[("reaction", "thanks")])
        .await)
    .await;

    let named = start_poll(
        &ann,
        &thread,
        "proposal",
        &[("title", "Swap in May?"), ("template", "consensus")],
    )
    .await;
    cast(
        &ann,
        &named,
        &[("choice", "0"), ("reason", "Spring is best")],
    )
    .await;
    cast(&bob, &named, &[("choice", "1")]).await;
    let close = format!("{named}/close");
    ok(ann.submit(&close, &close, &[]).await).await;
    let outcome = format!("{named}/outcome");
    ok(ann
        .submit(&outcome, &outcome, &[("statement", "We swap in May.")])
        .await)
    .await;
    let secret = start_poll(
        &ann,
        &thread,
        "choose",
        &[
            ("title", "Which drink?"),
            ("options", "Tea\nCoffee\nCake"),
            ("settings", "anonymous"),
        ],
    )
    .await;
    cast(
        &bob,
        &secret,
        &[("choice", "2"), ("reason", "Cake is kind")],
    )
    .await;
    cast(&ann, &secret, &[("choice", "0")]).await;
    cast(&carol, &secret, &[("choice", "1")]).await;
    // An open poll whose results are hidden until it closes: nobody reads its votes yet.
    let hidden = start_poll(
        &ann,
        &thread,
        "choose",
        &[
            ("title", "Which day?"),
            ("options", "Friday\nSaturday"),
            ("hide_results", "until-closed"),
        ],
    )
    .await;
    cast(&bob, &hidden, &[("choice", "1")]).await;
    ok(carol
        .submit("/g/garden/leave", "/g/garden/leave", &[])
        .await)
    .await;
    (app, ann, bob)
}

/// The export's content without what names rows only within one file (its references) and
/// without the time it was made; lists in a fixed order; the import's own audit line left out.
fn content(document: &Json) -> Json {
    fn is_reference(text: &str) -> bool {
        let Some((prefix, n)) = text.rsplit_once('-') else {
            return false;
        };
        ["group", "thread", "comment", "poll", "person"].contains(&prefix)
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
    }
    fn strip(value: &Json) -> Json {
        match value {
            Json::Object(map) => Json::Object(
                map.iter()
                    .filter(|(key, value)| {
                        key.as_str() != "exported_at"
                            && !value.as_str().is_some_and(is_reference)
                            && value.get("action").and_then(Json::as_str) != Some("group_imported")
                    })
                    .map(|(key, value)| (key.clone(), strip(value)))
                    .collect(),
            ),
            Json::Array(items) => {
                let mut items: Vec<Json> = items
                    .iter()
                    .filter(|item| {
                        item.get("action").and_then(Json::as_str) != Some("group_imported")
                    })
                    .map(strip)
                    .collect();
                items.sort_by_key(|item| item.to_string());
                Json::Array(items)
            }
            other => other.clone(),
        }
    }
    strip(document)
}

/// The files of a ZIP archive, each as text.
fn unzip(zip: &[u8]) -> Vec<(String, String)> {
    let files: Vec<(String, String)> = support::zip::unzip(zip)
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect();
    assert!(!files.is_empty(), "a ZIP archive");
    files
}

/// Every key anywhere in `value`.
fn keys(value: &Json, out: &mut Vec<String>) {
    match value {
        Json::Object(map) => {
            for (key, value) in map {
                out.push(key.clone());
                keys(value, out);
            }
        }
        Json::Array(items) => items.iter().for_each(|item| keys(item, out)),
        _ => {}
    }
}

/// A Quorum with no server running yet: its data folder and, on PostgreSQL, its database.
struct Target {
    _dir: tempfile::TempDir,
    data_dir: PathBuf,
    postgres: Option<String>,
}

impl Target {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        std::fs::create_dir_all(&data_dir).unwrap();
        Self {
            _dir: dir,
            data_dir,
            postgres: on_postgres().then(new_postgres_database),
        }
    }

    fn url(&self) -> String {
        self.postgres
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("quorum.db").display()))
    }

    fn import(&self, file: &Path) -> Finished {
        let mut builder = TestApp::builder()
            .without_default_flags()
            .arg("--data-dir")
            .arg(&self.data_dir);
        if let Some(url) = &self.postgres {
            builder = builder.env("DATABASE_URL", url);
        }
        builder.arg("import").arg(file).run_to_exit()
    }

    async fn counts(&self) -> Vec<(&'static str, i64)> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(&self.url())
            .await
            .unwrap();
        let mut counts = Vec::new();
        for table in TABLES {
            let query = format!("SELECT count(*) FROM {table}");
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(query))
                .fetch_one(&pool)
                .await
                .unwrap();
            counts.push((*table, n));
        }
        pool.close().await;
        counts
    }
}

#[tokio::test]
async fn an_export_imported_into_an_empty_instance_exports_the_same_content() {
    let (app, ann, bob) = build_group().await;

    // Only an admin may download it; everyone else is told it does not exist.
    assert_eq!(
        bob.get("/g/garden/export.json").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.browser().get("/g/garden/export.json").await.status,
        StatusCode::NOT_FOUND
    );
    // The archive: a CSV file per list and a page to read offline, in one ZIP.
    assert_eq!(
        bob.get("/g/garden/export.zip").await.status,
        StatusCode::NOT_FOUND
    );
    let archive = ann
        .send(ann.request(reqwest::Method::GET, "/g/garden/export.zip"))
        .await;
    assert_eq!(archive.status(), StatusCode::OK);
    assert_eq!(archive.headers()["content-type"], "application/zip");
    let files = unzip(&archive.bytes().await.unwrap());
    let file = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.clone())
            .unwrap_or_else(|| panic!("no {name} in the archive"))
    };
    let page = file("index.html");
    for words in [
        "<html lang=\"en\">",
        "<h1>Open Garden</h1>",
        "Seed swap",
        "Carol Day",
        "I can bring seeds and tools.",
        "A voter: Cake is kind",
        "We swap in May.",
    ] {
        assert!(page.contains(words), "{words} in {page}");
    }
    assert!(file("csv/people.csv").starts_with("id,name,handle,email\r\n"));
    assert_eq!(file("csv/ballots.csv").lines().count(), 1 + 5);
    assert_eq!(file("csv/comments.csv").lines().count(), 1 + 3);
    for (name, text) in &files {
        for email in [PENDING, LEFT] {
            assert!(!text.contains(email), "{email} in {name}");
        }
    }
    let settings = ann.get("/g/garden/settings").await;
    assert!(settings.body.contains(r#"href="/g/garden/export.zip""#));
    assert!(settings.body.contains(r#"href="/g/garden/export.json""#));
    let exported = ann.get("/g/garden/export.json").await;
    assert_eq!(exported.status, StatusCode::OK, "{}", exported.body);
    assert!(
        exported
            .headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("attachment"))
    );
    assert!(
        exported
            .body
            .starts_with("{\n  \"format\": \"quorum-group-export\",\n  \"version\": 1,"),
        "the format and version come first"
    );
    let first: Json = serde_json::from_str(&exported.body).unwrap();
    assert_eq!(first["format"], "quorum-group-export");
    assert_eq!(first["version"], 1);
    assert_eq!(first["group"]["handle"], "garden");
    assert_eq!(first["subgroups"][0]["handle"], "tool-shed");
    let len = |name: &str| first[name].as_array().map_or(0, Vec::len);
    assert_eq!(len("comments"), 3);
    assert!(
        len("comment_versions") > len("comments"),
        "the edit is kept"
    );
    assert_eq!(len("reactions"), 2);
    assert_eq!(len("polls"), 3);
    assert_eq!(
        len("memberships"),
        3,
        "Ann and Bob, and Ann in the subgroup"
    );
    assert!(len("audit_events") > 0 && len("group_activity") > 0);
    assert!(
        first["polls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["outcome"] == "We swap in May.")
    );

    // Nothing in it that only the instance should hold.
    for email in [PENDING, LEFT] {
        assert!(!exported.body.contains(email), "{email} in the export");
    }
    assert!(exported.body.contains("bob@example.org"));
    assert!(
        exported.body.contains("Carol Day"),
        "a former member by name"
    );
    let mut all = Vec::new();
    keys(&first, &mut all);
    for key in &all {
        assert!(
            !key.contains("token") && !key.contains("hash") && key != "ip",
            "{key} in the export"
        );
    }
    // An open poll's hidden results stay hidden: no ballots, though who voted is listed.
    let hidden = first["polls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Which day?")
        .unwrap()["id"]
        .clone();
    assert!(
        !first["ballots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["poll_id"] == hidden)
    );
    assert!(
        first["poll_participants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["poll_id"] == hidden)
    );
    // A secret poll's ballots name no voter and no time; its voters are listed apart.
    let secret = first["polls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["anonymous"] == true)
        .unwrap()["id"]
        .clone();
    let ballots: Vec<&Json> = first["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["poll_id"] == secret)
        .collect();
    assert_eq!(ballots.len(), 3);
    assert!(
        ballots
            .iter()
            .all(|b| b["voter_id"].is_null() && b["cast_at"].is_null())
    );
    let voted = first["poll_participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["poll_id"] == secret)
        .count();
    assert_eq!(voted, 3);
    // The download is in the audit log.
    let db = app.database().await;
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'group_exported' AND outcome = 'ok'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(audited, 2, "the archive and the JSON file");
    db.close().await;

    // Into a new, empty instance.
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("garden.json");
    std::fs::write(&file, &exported.body).unwrap();
    let target = Target::new();
    let imported = target.import(&file);
    assert!(imported.status.success(), "{imported:?}");
    assert_no_panic(&imported);
    assert!(
        imported.stdout.contains("Imported the group as /g/garden"),
        "{imported:?}"
    );
    let after = target.counts().await;

    // Again: recognised, and nothing changes.
    let again = target.import(&file);
    assert!(again.status.success(), "{again:?}");
    assert!(again.stdout.contains("imported already"), "{again:?}");
    assert_eq!(target.counts().await, after);

    // A cut-off file and an unknown version are refused with one sentence, changing nothing.
    let cut = files.path().join("cut.json");
    std::fs::write(&cut, &exported.body[..exported.body.len() / 2]).unwrap();
    assert_stopped_with_one_clear_line(&target.import(&cut), "ends too early");
    let newer = files.path().join("newer.json");
    let mut document = first.clone();
    document["version"] = Json::from(99);
    std::fs::write(&newer, document.to_string()).unwrap();
    assert_stopped_with_one_clear_line(&target.import(&newer), "version 99");
    let mut dangling = first.clone();
    dangling["comments"][0]["thread_id"] = Json::from("thread-999");
    let broken = files.path().join("broken.json");
    std::fs::write(&broken, dangling.to_string()).unwrap();
    assert_stopped_with_one_clear_line(&target.import(&broken), "thread_id");
    let mut bad_handle = first.clone();
    bad_handle["group"]["handle"] = Json::from("No Such Handle!");
    std::fs::write(&broken, bad_handle.to_string()).unwrap();
    assert_stopped_with_one_clear_line(&target.import(&broken), "handle of group 1");
    let missing = files.path().join("missing.json");
    assert_stopped_with_one_clear_line(&target.import(&missing), "does not exist");
    assert_eq!(target.counts().await, after);

    // The same admin, found again by email, exports the same content.
    let mut builder = TestApp::builder().data_dir(&target.data_dir);
    if let Some(url) = &target.postgres {
        builder = builder.env("DATABASE_URL", url);
    }
    let (copy, sink) = start_with_mail_and(builder).await;
    let ann_again = signed_in_browser_named(&copy, &sink, "ann@example.org", "Ann Lee").await;
    let second = ann_again.get("/g/garden/export.json").await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let second: Json = serde_json::from_str(&second.body).unwrap();
    let imported_line = second["audit_events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "group_imported")
        .count();
    assert_eq!(imported_line, 1, "the import is in the group's audit log");
    assert_eq!(content(&second), content(&first));
}

#[tokio::test]
async fn an_import_takes_a_new_handle_when_the_group_handle_is_taken() {
    let (app, ann, _bob) = build_group().await;
    let exported = ann.get("/g/garden/export.json").await;
    assert_eq!(exported.status, StatusCode::OK);
    drop(app);
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("garden.json");
    std::fs::write(&file, &exported.body).unwrap();
    // A second copy of the same group, changed by one byte, is another file.
    let other = files.path().join("garden-again.json");
    std::fs::write(&other, format!("{}\n", exported.body)).unwrap();
    let target = Target::new();
    assert!(target.import(&file).status.success());
    let second = target.import(&other);
    assert!(second.status.success(), "{second:?}");
    assert!(
        second
            .stdout
            .contains("The handle garden was taken, so the group is at /g/garden-2."),
        "{second:?}"
    );
    assert!(second.stdout.contains("/g/tool-shed-2"), "{second:?}");
    assert!(
        second.stdout.contains("2 of them found by email"),
        "{second:?}"
    );
}
