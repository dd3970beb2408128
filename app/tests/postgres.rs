//! Running on PostgreSQL, as an organisation does: a database that cannot be reached, a role
//! that does not exist, or a database upgraded by a newer release stops start-up with one plain
//! sentence; a database that goes away while serving is answered "busy" (503) and the server
//! recovers by itself when it comes back.
//!
//! Strategy: the real binary against the test cluster (`QUORUM_TEST_POSTGRES_URL`, which
//! `scripts/test` starts), and for the restart, a throwaway cluster of the test's own
//! (`scripts/postgres`) so that no other test loses its database. These tests run in the
//! suite's PostgreSQL pass (`QUORUM_TEST_DATABASE=postgres`); in the SQLite pass they say so
//! and do nothing.

#![expect(
    clippy::unwrap_used,
    reason = "test code: a failed step is a failed test"
)]

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use support::{
    TestApp, assert_stopped_with_one_clear_line, migration_count, new_postgres_database,
    on_postgres,
};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/postgres");

fn skipped() -> bool {
    if !on_postgres() {
        println!("runs in the PostgreSQL pass of scripts/test only");
    }
    !on_postgres()
}

#[tokio::test]
async fn an_unreachable_database_or_an_unknown_role_stops_start_up_in_one_sentence() {
    if skipped() {
        return;
    }
    let port = support::smtp::free_port();
    let finished = TestApp::builder()
        .env(
            "DATABASE_URL",
            format!("postgres://quorum:hunter2@127.0.0.1:{port}/quorum"),
        )
        .run_to_exit();
    assert_stopped_with_one_clear_line(&finished, "the database cannot be opened");
    assert!(
        !finished.stderr.contains("hunter2"),
        "the password was printed"
    );

    let mut url = reqwest::Url::parse(&new_postgres_database()).unwrap();
    url.set_username("nobody_here").unwrap();
    url.set_password(Some("hunter2")).unwrap();
    let finished = TestApp::builder()
        .env("DATABASE_URL", url.as_str())
        .run_to_exit();
    assert_stopped_with_one_clear_line(&finished, "the database cannot be opened");
    assert!(
        finished.stderr.contains("nobody_here"),
        "{}",
        finished.stderr
    );
    assert!(
        !finished.stderr.contains("hunter2"),
        "the password was printed"
    );
}

#[tokio::test]
async fn a_database_upgraded_by_a_newer_release_stops_start_up_and_says_so() {
    if skipped() {
        return;
    }
    let app = TestApp::start();
    let url = app.database_url().to_string();
    let db = app.database().await;
    drop(app.stop());
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, '\\x00', 1)",
    )
    .execute(&db)
    .await
    .unwrap();
    db.close().await;
    let finished = TestApp::builder().env("DATABASE_URL", url).run_to_exit();
    assert_stopped_with_one_clear_line(&finished, "upgraded by a newer release of Quorum");
}

/// A throwaway cluster of this test's own, stopped when dropped.
struct OwnCluster {
    dir: tempfile::TempDir,
}

impl OwnCluster {
    fn start() -> (Self, String) {
        let dir = tempfile::tempdir().unwrap();
        let url = Self::run(&dir, "start");
        (Self { dir }, url)
    }

    fn run(dir: &tempfile::TempDir, command: &str) -> String {
        let output = Command::new(SCRIPT)
            .arg(command)
            .arg(dir.path().join("cluster"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "scripts/postgres {command}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    }

    fn pause(&self) {
        Self::run(&self.dir, "pause");
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = Command::new(SCRIPT)
            .arg("stop")
            .arg(self.dir.path().join("cluster"))
            .output();
    }
}

#[tokio::test]
async fn a_database_that_goes_away_is_answered_busy_and_the_server_recovers_when_it_is_back() {
    if skipped() {
        return;
    }
    let (cluster, url) = OwnCluster::start();
    let app = TestApp::builder().env("DATABASE_URL", &url).start();
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(app.get("/groups").await.status(), StatusCode::OK);

    cluster.pause();
    let (status, body) = app.get_text("/groups").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("Quorum is busy"), "{body}");
    assert_eq!(
        app.get("/healthz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );

    // The same data folder and port: the cluster comes back as it was.
    let again = OwnCluster::run(&cluster.dir, "restart");
    assert_eq!(again, url);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = app.get("/groups").await.status();
        if status == StatusCode::OK {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not recover: {status}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn servers_starting_at_once_on_one_database_migrate_it_once_and_all_serve() {
    if skipped() {
        return;
    }
    let url = new_postgres_database();
    let apps: Vec<TestApp> = std::thread::scope(|scope| {
        let starting: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| TestApp::builder().env("DATABASE_URL", &url).start()))
            .collect();
        starting.into_iter().map(|s| s.join().unwrap()).collect()
    });
    for app in &apps {
        assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    }
    let db = apps[0].database().await;
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(
        applied,
        migration_count("postgres"),
        "each migration applied once"
    );
}
