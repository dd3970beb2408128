//! `quorum seed`, run as an operator runs it, against the engine under test (SQLite, or
//! PostgreSQL when the suite runs there).
//!
//! Strategy: a data set of scale 1 is made in an empty database and counted table by table
//! against the targets; a server then starts on it and a seeded person, signed in by email,
//! reads the largest group, both ends of the long thread, the poll with the most ballots, a
//! secret ballot's count and a search. Two runs with one seed make the same data (two with
//! different seeds do not); a database with people in it is refused unchanged; and scales out
//! of bounds are usage errors.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::path::Path;

use reqwest::StatusCode;
use sqlx::Row;
use support::journey::{signed_in_browser, start_with_mail_and};
use support::{
    Finished, TestApp, assert_no_panic, assert_stopped_with_one_clear_line, new_postgres_database,
    on_postgres,
};

/// The tables whose rows are counted before and after.
const TABLES: &[&str] = &[
    "accounts",
    "groups",
    "memberships",
    "threads",
    "comments",
    "comment_versions",
    "polls",
    "poll_options",
    "poll_participants",
    "ballots",
    "group_activity",
    "search_text",
];

/// Runs `quorum seed ARGS` against the database at `url` until it exits.
fn seed(url: &str, args: &[&str]) -> Finished {
    let mut builder = TestApp::builder()
        .without_default_flags()
        .env("DATABASE_URL", url)
        .arg("seed");
    for arg in args {
        builder = builder.arg(*arg);
    }
    builder.run_to_exit()
}

/// A new, empty database of the engine under test, and its URL.
fn new_database(dir: &Path) -> String {
    if on_postgres() {
        new_postgres_database()
    } else {
        new_sqlite_database(dir, "quorum.db")
    }
}

fn new_sqlite_database(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

async fn database(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap()
}

async fn count(db: &sqlx::AnyPool, query: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(query.to_string()))
        .fetch_one(db)
        .await
        .unwrap()
}

async fn table(db: &sqlx::AnyPool, name: &str) -> i64 {
    count(db, &format!("SELECT count(*) FROM {name}")).await
}

async fn counts(db: &sqlx::AnyPool) -> Vec<(String, i64)> {
    let mut counts = Vec::new();
    for table in TABLES {
        let n = count(db, &format!("SELECT count(*) FROM {table}")).await;
        counts.push(((*table).to_string(), n));
    }
    counts
}

fn assert_seeded(finished: &Finished) {
    assert!(finished.status.success(), "{finished:?}");
    assert_no_panic(finished);
    for stage in [
        "seed: people:",
        "seed: groups:",
        "seed: threads:",
        "seed: polls:",
    ] {
        assert!(finished.stdout.contains(stage), "{finished:?}");
    }
    let summary = finished.stdout.lines().last().unwrap_or_default();
    assert!(
        summary.contains("1,000 people") && summary.contains(" s"),
        "{summary}"
    );
}

#[tokio::test]
async fn scale_1_makes_the_stated_shapes_and_every_page_serves_them() {
    let dir = tempfile::tempdir().unwrap();
    let url = new_database(dir.path());
    let finished = seed(&url, &["--scale", "1"]);
    assert_seeded(&finished);

    let db = database(&url).await;
    assert_eq!(table(&db, "accounts").await, 1_000);
    assert_eq!(table(&db, "threads").await, 500);
    assert_eq!(table(&db, "groups").await, 10);
    let comments = table(&db, "comments").await;
    assert!((9_500..=10_500).contains(&comments), "{comments} comments");
    let ballots = table(&db, "ballots").await;
    assert!((95_000..=105_000).contains(&ballots), "{ballots} ballots");
    assert_eq!(table(&db, "poll_participants").await, ballots);
    // Each poll's stored count of who voted, which lists of polls show, matches who voted.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM polls p WHERE p.voted_count <> \
             (SELECT count(*) FROM poll_participants pp WHERE pp.poll_id = p.id)"
        )
        .await,
        0
    );
    assert_eq!(
        count(&db, "SELECT count(DISTINCT kind) FROM polls").await,
        9
    );
    for (what, query) in [
        (
            "subgroups",
            "SELECT count(*) FROM groups WHERE parent_id IS NOT NULL",
        ),
        (
            "secret groups",
            "SELECT count(*) FROM groups WHERE privacy = 'secret'",
        ),
        (
            "private threads",
            "SELECT count(*) FROM threads WHERE private",
        ),
        (
            "replies",
            "SELECT count(*) FROM comments WHERE parent_id IS NOT NULL",
        ),
        (
            "edits",
            "SELECT count(*) FROM comment_versions WHERE version = 2",
        ),
        (
            "deleted comments",
            "SELECT count(*) FROM comments WHERE deleted_at IS NOT NULL",
        ),
        (
            "secret ballots",
            "SELECT count(*) FROM ballots WHERE voter_id IS NULL",
        ),
        (
            "outcomes",
            "SELECT count(*) FROM polls WHERE outcome IS NOT NULL AND closed_at IS NOT NULL",
        ),
        (
            "thread activity",
            "SELECT count(*) FROM group_activity WHERE kind = 'thread'",
        ),
        (
            "poll activity",
            "SELECT count(*) FROM group_activity WHERE kind = 'poll'",
        ),
    ] {
        assert!(count(&db, query).await > 0, "no {what}");
    }
    // A secret ballot is written as the store casts one: no voter and no time.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM ballots b JOIN polls p ON p.id = b.poll_id \
             WHERE p.anonymous AND (b.voter_id IS NOT NULL OR b.cast_at IS NOT NULL)"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM group_activity WHERE kind = 'comment'"
        )
        .await,
        comments
    );
    // Every thread and every comment with words is in the search index.
    assert_eq!(
        table(&db, "search_text").await,
        500 + count(
            &db,
            "SELECT count(*) FROM comments WHERE deleted_at IS NULL"
        )
        .await
    );

    let long_thread: String = sqlx::query_scalar(
        "SELECT t.id FROM threads t JOIN groups g ON g.id = t.group_id \
         WHERE g.handle = 'group-1' ORDER BY t.comment_seq DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(
        count(
            &db,
            &format!("SELECT count(*) FROM comments WHERE thread_id = '{long_thread}'")
        )
        .await
            >= 200
    );
    let biggest_poll = sqlx::query(
        "SELECT poll_id, count(*) AS n FROM ballots GROUP BY poll_id ORDER BY n DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let (biggest_poll, biggest_count): (String, i64) = (biggest_poll.get(0), biggest_poll.get(1));
    assert_eq!(biggest_count, 1_000);
    let secret_poll = sqlx::query(
        "SELECT p.id, count(*) AS n FROM polls p JOIN ballots b ON b.poll_id = p.id \
         WHERE p.anonymous AND p.hide_results = 'never' \
         GROUP BY p.id ORDER BY n DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let (secret_poll, secret_count): (String, i64) = (secret_poll.get(0), secret_poll.get(1));
    db.close().await;

    let (app, sink) = start_with_mail_and(TestApp::builder().env("DATABASE_URL", &url)).await;
    let browser = signed_in_browser(&app, &sink, "person-00001@example.org").await;
    let group = browser.get("/g/group-1").await;
    assert_eq!(group.status, StatusCode::OK, "{}", group.body);

    let first = browser.get(&format!("/t/{long_thread}")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let last_page = first
        .body
        .split(&format!("/t/{long_thread}?page="))
        .skip(1)
        .filter_map(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .max()
        .unwrap_or(1u32);
    assert!(last_page > 1, "the long thread has several pages");
    let last = browser
        .get(&format!("/t/{long_thread}?page={last_page}"))
        .await;
    assert_eq!(last.status, StatusCode::OK, "{}", last.body);

    let poll = browser.get(&format!("/p/{biggest_poll}")).await;
    assert_eq!(poll.status, StatusCode::OK, "{}", poll.body);
    // A thousand votes make a page no longer than ten do: twenty of them, then a link to all
    // of them, ten pages of a hundred.
    assert!(poll.body.contains("All 1,000 votes"), "{}", poll.body);
    assert!(poll.body.len() < 40_000, "{} bytes", poll.body.len());
    let votes = browser
        .get(&format!("/p/{biggest_poll}/votes?page=10"))
        .await;
    assert_eq!(votes.status, StatusCode::OK, "{}", votes.body);
    assert!(votes.body.contains("Page 10 of 10"), "{}", votes.body);
    let past = browser
        .get(&format!("/p/{biggest_poll}/votes?page=11"))
        .await;
    assert_eq!(past.status, StatusCode::NOT_FOUND);
    let secret = browser.get(&format!("/p/{secret_poll}")).await;
    assert_eq!(secret.status, StatusCode::OK, "{}", secret.body);
    assert!(
        secret
            .body
            .contains(&format!("{secret_count} votes counted")),
        "the secret ballot's count shows its {secret_count} ballots"
    );

    let search = browser.get("/search?q=volunteers").await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.body);
    assert!(
        search.body.matches("/t/").count() > 5,
        "search finds seeded comments: {}",
        search.body
    );
}

#[tokio::test]
async fn one_seed_makes_the_same_data_and_another_seed_other_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for (name, seed_number) in [("a.db", "7"), ("b.db", "7"), ("c.db", "8")] {
        let url = new_sqlite_database(dir.path(), name);
        let finished = seed(&url, &["--scale", "1", "--seed", seed_number]);
        assert_seeded(&finished);
        let db = database(&url).await;
        let titles: Vec<String> =
            sqlx::query_scalar("SELECT title FROM threads ORDER BY created_at, title")
                .fetch_all(&db)
                .await
                .unwrap();
        runs.push((counts(&db).await, titles));
        db.close().await;
    }
    assert_eq!(runs[0], runs[1], "the same seed makes the same data");
    assert_ne!(runs[0].1, runs[2].1, "another seed makes other titles");
}

#[tokio::test]
async fn a_database_with_people_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let url = new_database(dir.path());
    assert_seeded(&seed(&url, &["--scale", "1", "--seed", "3"]));
    let db = database(&url).await;
    let before = counts(&db).await;

    let again = seed(&url, &["--scale", "1", "--seed", "4"]);
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    assert_stopped_with_one_clear_line(&again, "already holds people");
    assert!(again.stderr.contains("nothing was changed"), "{again:?}");
    assert_eq!(counts(&db).await, before);
    db.close().await;
}

#[tokio::test]
async fn scales_out_of_bounds_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let url = new_sqlite_database(dir.path(), "quorum.db");
    for scale in ["0", "11", "x", "2.5"] {
        let finished = seed(&url, &["--scale", scale]);
        assert_eq!(finished.status.code(), Some(2), "{finished:?}");
        let first_line = finished.stderr.lines().next().unwrap_or_default();
        assert!(
            first_line.contains("invalid value") && first_line.contains("--scale"),
            "{finished:?}"
        );
        assert_no_panic(&finished);
    }
    assert!(
        !dir.path().join("quorum.db").exists(),
        "nothing was made for a refused scale"
    );
}
