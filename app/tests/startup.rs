//! Running the binary, as a self-hoster does: it creates and migrates its SQLite file (in WAL
//! mode) in the data folder, takes settings from flags or the environment, stops start-up on a
//! bad setting with one plain sentence, stops cleanly on SIGTERM, and keeps its data across a
//! restart. These are the self-hoster's SQLite file, so they run on SQLite whatever engine the
//! rest of the suite runs on.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use support::{
    TestApp, assert_no_panic, assert_stopped_with_one_clear_line, migration_count, open_database,
};

async fn assert_healthy(app: &TestApp) {
    let (status, body) = app.get_text("/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok\n"));
}

/// When the instance was set up, as recorded in its database.
async fn created_at(database_path: &Path) -> i64 {
    let database = open_database(database_path).await;
    let created_at = sqlx::query_scalar("SELECT created_at FROM instance WHERE id = 1")
        .fetch_one(&database)
        .await
        .unwrap();
    database.close().await;
    created_at
}

fn unix_now() -> i64 {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(seconds).unwrap()
}

#[tokio::test]
async fn the_database_is_created_migrated_and_in_wal_mode() {
    let before = unix_now();
    let app = TestApp::builder().sqlite().start();
    assert_healthy(&app).await;
    assert!(app.database_path().is_file());

    let database = open_database(&app.database_path()).await;
    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&database)
        .await
        .unwrap();
    assert_eq!(
        journal_mode, "wal",
        "readers must never wait for the writer"
    );
    let failed_migrations: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE NOT success")
            .fetch_one(&database)
            .await
            .unwrap();
    assert_eq!(failed_migrations, 0);
    database.close().await;

    let created_at = created_at(&app.database_path()).await;
    assert!(
        (before..=unix_now()).contains(&created_at),
        "created_at {created_at} is not the time of set-up"
    );
}

#[tokio::test]
async fn a_missing_data_folder_is_created_with_its_parents() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("srv").join("quorum").join("data");
    let app = TestApp::builder().sqlite().data_dir(&data_dir).start();
    assert_healthy(&app).await;
    assert!(data_dir.join("quorum.db").is_file());
    let left: Vec<_> = std::fs::read_dir(&data_dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".quorum-write-check"))
        .collect();
    assert!(
        left.is_empty(),
        "the write check leaves nothing behind: {left:?}"
    );
}

#[tokio::test]
async fn help_names_every_setting_and_its_environment_variable() {
    let finished = TestApp::builder()
        .sqlite()
        .without_default_flags()
        .arg("--help")
        .run_to_exit();
    assert!(finished.status.success(), "{finished:?}");
    for words in [
        "--addr",
        "QUORUM_ADDR",
        "--data-dir",
        "QUORUM_DATA_DIR",
        "--database-url",
        "DATABASE_URL",
        "QUORUM_LOG",
        "QUORUM_LOG_FORMAT",
        "--audit-retention-days",
        "QUORUM_AUDIT_RETENTION_DAYS",
        "migrate",
        "serve",
    ] {
        assert!(
            finished.stdout.contains(words),
            "--help does not mention {words}"
        );
    }
}

#[tokio::test]
async fn settings_come_from_the_environment_and_flags_win() {
    let temp = tempfile::tempdir().unwrap();
    let from_env = temp.path().join("from-env");
    let app = TestApp::builder()
        .sqlite()
        .without_default_flags()
        .env("QUORUM_ADDR", "127.0.0.1:0")
        .env("QUORUM_DATA_DIR", &from_env)
        .start();
    assert_healthy(&app).await;
    assert!(from_env.join("quorum.db").is_file());
    drop(app);

    let from_flag = temp.path().join("from-flag");
    let ignored = temp.path().join("ignored");
    let app = TestApp::builder()
        .sqlite()
        .data_dir(&from_flag)
        .env("QUORUM_DATA_DIR", &ignored)
        .env("QUORUM_ADDR", "not an address")
        .start();
    assert_healthy(&app).await;
    assert!(from_flag.join("quorum.db").is_file());
    assert!(!ignored.exists(), "the environment won over the flag");
}

#[tokio::test]
async fn database_url_puts_the_database_where_it_says() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("elsewhere.db");
    let app = TestApp::builder()
        .sqlite()
        .env("DATABASE_URL", format!("sqlite://{}", file.display()))
        .start();
    assert_healthy(&app).await;
    assert!(file.is_file());
    assert!(!app.database_path().exists());
}

#[tokio::test]
async fn an_unparseable_address_stops_start_up_with_a_usage_message() {
    for finished in [
        TestApp::builder().sqlite().addr("nonsense").run_to_exit(),
        TestApp::builder()
            .sqlite()
            .without_default_flags()
            .env("QUORUM_ADDR", "nonsense")
            .run_to_exit(),
    ] {
        assert_eq!(
            finished.status.code(),
            Some(2),
            "a usage error: {finished:?}"
        );
        let first_line = finished.stderr.lines().next().unwrap_or_default();
        assert!(
            first_line.contains("invalid value 'nonsense'") && first_line.contains("--addr"),
            "{finished:?}"
        );
        assert_no_panic(&finished);
    }
}

#[tokio::test]
async fn a_file_in_the_way_of_the_data_folder_stops_start_up() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("a-file");
    std::fs::write(&file, b"not a folder").unwrap();
    let finished = TestApp::builder()
        .sqlite()
        .data_dir(file.join("data"))
        .run_to_exit();
    assert_stopped_with_one_clear_line(&finished, "cannot be used: a file is in the way");
    assert!(
        finished
            .stderr
            .contains(&file.join("data").display().to_string())
    );
}

#[tokio::test]
async fn a_database_url_of_another_kind_is_refused_in_plain_words() {
    let finished = TestApp::builder()
        .sqlite()
        .env(
            "DATABASE_URL",
            "mysql://quorum:hunter2@db.example.org/quorum",
        )
        .run_to_exit();
    assert_stopped_with_one_clear_line(
        &finished,
        "DATABASE_URL must start with sqlite:// or postgres://",
    );
    assert!(
        !finished.stderr.contains("hunter2"),
        "the password in the URL was printed"
    );
}

#[tokio::test]
async fn a_sqlite_file_in_a_missing_folder_is_reported_as_unreachable() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("missing-folder").join("quorum.db");
    let finished = TestApp::builder()
        .sqlite()
        .env("DATABASE_URL", format!("sqlite://{}", file.display()))
        .run_to_exit();
    assert_stopped_with_one_clear_line(&finished, "the database cannot be opened");
    assert!(!file.exists());
}

#[tokio::test]
async fn a_port_in_use_stops_start_up_and_names_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let finished = TestApp::builder().sqlite().addr(&addr).run_to_exit();
    assert_stopped_with_one_clear_line(&finished, &format!("cannot listen on {addr}"));
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly_and_checkpoints_the_database() {
    let app = TestApp::builder().sqlite().start();
    assert_healthy(&app).await;
    let database_path = app.database_path();
    let finished = app.stop();
    assert_eq!(finished.status.code(), Some(0), "{finished:?}");
    assert!(
        finished.stdout.contains("Quorum has stopped"),
        "{finished:?}"
    );
    assert!(finished.stderr.trim().is_empty(), "{finished:?}");
    assert!(!finished.stdout.contains("panicked"), "{finished:?}");
    assert!(
        !database_path.with_extension("db-wal").exists(),
        "the database file is not complete on its own: the WAL was left behind"
    );
}

#[tokio::test]
async fn migrate_creates_the_database_and_exits() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    for run in ["first", "second"] {
        let finished = TestApp::builder()
            .sqlite()
            .data_dir(&data_dir)
            .arg("migrate")
            .run_to_exit();
        assert!(finished.status.success(), "{run} run: {finished:?}");
        assert!(
            finished.stdout.contains("the database is up to date"),
            "{run}"
        );
        assert!(
            !finished.stdout.contains("Quorum is running"),
            "migrate must not serve"
        );
    }
    let database = data_dir.join("quorum.db");
    assert!(database.is_file());
    let set_up_at = created_at(&database).await;

    let app = TestApp::builder().sqlite().data_dir(&data_dir).start();
    assert_healthy(&app).await;
    assert_eq!(
        created_at(&database).await,
        set_up_at,
        "serving re-created the instance"
    );
}

#[tokio::test]
async fn data_survives_a_restart() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    let database = data_dir.join("quorum.db");

    let first = TestApp::builder().sqlite().data_dir(&data_dir).start();
    assert_healthy(&first).await;
    assert!(first.stop().status.success());
    let set_up_at = created_at(&database).await;

    let second = TestApp::builder().sqlite().data_dir(&data_dir).start();
    assert_healthy(&second).await;
    assert_eq!(
        created_at(&database).await,
        set_up_at,
        "the second start did not keep the first one's data"
    );
}

#[tokio::test]
async fn sigterm_right_after_start_up_still_stops_cleanly() {
    for _ in 0..20 {
        let finished = TestApp::builder().sqlite().start().stop();
        assert_eq!(finished.status.code(), Some(0), "{finished:?}");
        assert!(
            finished.stdout.contains("Quorum has stopped"),
            "{finished:?}"
        );
    }
}

#[tokio::test]
async fn servers_starting_at_once_on_one_database_file_migrate_it_once_and_all_serve() {
    // Several rounds, each on a new file, so that the starts overlap in the migration itself.
    for round in 0..8 {
        let temp = tempfile::tempdir().unwrap();
        let data = temp.path().join("data");
        let apps: Vec<TestApp> = std::thread::scope(|scope| {
            let starting: Vec<_> = (0..3)
                .map(|_| scope.spawn(|| TestApp::builder().sqlite().data_dir(&data).start()))
                .collect();
            starting.into_iter().map(|s| s.join().unwrap()).collect()
        });
        for app in &apps {
            assert_healthy(app).await;
        }
        let database = open_database(&data.join("quorum.db")).await;
        let applied: i64 =
            sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(&database)
                .await
                .unwrap();
        assert_eq!(
            applied,
            migration_count("sqlite"),
            "round {round}: each migration applied once"
        );
        database.close().await;
        for app in apps {
            assert!(app.stop().status.success());
        }
    }
}
