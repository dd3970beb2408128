//! `quorum backup` and `quorum restore`, run as an operator runs them, against the real database
//! of the engine under test (SQLite, or PostgreSQL when the suite runs there).
//!
//! Strategy: a backup is taken while members vote and comment through a running server, then
//! restored into a new database, which must pass its checks and serve the group. Backups that are
//! damaged, cut short, for another key or from a newer release are refused with one sentence,
//! and a marker written into the database after the backup proves that nothing was changed.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use support::journey::{
    create_group, members_who_joined, post_comment, signed_in_browser_named, start_poll,
    start_thread, start_with_mail,
};
use support::{
    Finished, TestApp, assert_no_panic, assert_stopped_with_one_clear_line, new_postgres_database,
    on_postgres,
};

const MEMBERS: usize = 4;

/// Runs `quorum ARGS` against the database at `url` until it exits.
fn quorum(url: &str, args: &[&str]) -> Finished {
    quorum_with(url, args, &[])
}

fn quorum_with(url: &str, args: &[&str], env: &[(&str, &str)]) -> Finished {
    let mut builder = TestApp::builder()
        .without_default_flags()
        .env("DATABASE_URL", url);
    for (name, value) in env {
        builder = builder.env(*name, *value);
    }
    for arg in args {
        builder = builder.arg(*arg);
    }
    builder.run_to_exit()
}

/// A key pair made by `quorum backup-key`: the key file and the public key.
fn new_key(dir: &Path, name: &str) -> (PathBuf, String) {
    let file = dir.join(name);
    let made = quorum("sqlite://unused.db", &["backup-key", "--out", path(&file)]);
    assert!(made.status.success(), "{made:?}");
    assert_no_panic(&made);
    let public = made.stdout.trim().to_string();
    assert!(public.starts_with("age1"), "{made:?}");
    (file, public)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A new, empty database of the engine under test, migrated, and its URL.
fn new_database(dir: &Path) -> String {
    let url = if on_postgres() {
        new_postgres_database()
    } else {
        let folder = dir.join(format!("db-{}", std::process::id()));
        let folder = unique(folder);
        std::fs::create_dir_all(&folder).unwrap();
        format!("sqlite://{}", folder.join("quorum.db").display())
    };
    let migrated = quorum(&url, &["migrate"]);
    assert!(migrated.status.success(), "{migrated:?}");
    url
}

fn unique(base: PathBuf) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let mut name = base.into_os_string();
    name.push(format!("-{}", NEXT.fetch_add(1, Ordering::Relaxed)));
    PathBuf::from(name)
}

/// Takes a backup of `url` into `folder`, and returns the file written.
fn backup(url: &str, folder: &Path, public: &str) -> (PathBuf, Finished) {
    let before = backups_in(folder);
    let done = quorum(
        url,
        &["backup", "--to", path(folder), "--recipient", public],
    );
    assert!(done.status.success(), "{done:?}");
    assert_no_panic(&done);
    let new: Vec<PathBuf> = backups_in(folder)
        .into_iter()
        .filter(|file| !before.contains(file))
        .collect();
    assert_eq!(new.len(), 1, "one new backup file: {done:?}");
    (new[0].clone(), done)
}

fn backups_in(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

async fn pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap()
}

async fn scalar(url: &str, sql: &'static str) -> i64 {
    let db = pool(url).await;
    let value: i64 = sqlx::query_scalar(sql).fetch_one(&db).await.unwrap();
    db.close().await;
    value
}

async fn set_marker(url: &str, value: i64) {
    let db = pool(url).await;
    sqlx::query("UPDATE instance SET created_at = $1")
        .bind(value)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
}

async fn marker(url: &str) -> i64 {
    scalar(url, "SELECT created_at FROM instance").await
}

/// SQLite's own integrity and foreign-key checks, or for PostgreSQL (which keeps its
/// constraints itself) a look for ballots and comments without their poll or thread.
async fn assert_whole(url: &str) {
    let db = pool(url).await;
    if url.starts_with("sqlite:") {
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(integrity, "ok");
        let orphans = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&db)
            .await
            .unwrap();
        assert!(
            orphans.is_empty(),
            "{} rows fail the foreign-key check",
            orphans.len()
        );
    }
    let orphans: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM ballots WHERE poll_id NOT IN (SELECT id FROM polls)) \
              + (SELECT count(*) FROM comments WHERE thread_id NOT IN (SELECT id FROM threads))",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(orphans, 0);
    db.close().await;
}

#[tokio::test]
async fn a_backup_taken_while_members_vote_restores_to_a_whole_database_that_serves() {
    let (app, sink) = start_with_mail().await;
    let sink = Arc::new(sink);
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Allotment", "allotment", "open").await;
    let thread = start_thread(&ann, "allotment", "Water butts", "Where should they go?").await;
    let poll = start_poll(
        &ann,
        &thread,
        "choose",
        &[
            ("title", "Which corner?"),
            ("options", "North\nSouth\nEast"),
            ("settings", "allow_change"),
        ],
    )
    .await;
    let emails = (0..MEMBERS).map(|n| format!("grower{n}@example.org"));
    let members = members_who_joined(&app, &sink, "allotment", emails).await;

    // Members vote and comment without pause until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let mut voting = Vec::new();
    for (n, browser) in members.into_iter().enumerate() {
        let (thread, poll) = (thread.clone(), poll.clone());
        let (stop, acknowledged) = (Arc::clone(&stop), Arc::clone(&acknowledged));
        voting.push(tokio::spawn(async move {
            let token = browser.csrf_token(&poll).await;
            let mut i = 0usize;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let reply = if i.is_multiple_of(2) {
                    post_comment(&browser, &thread, &format!("Grower {n}, note {i}"), None).await
                } else {
                    let body = format!("choice={}&intent=cast", i % 3);
                    let request = browser.post_with_token(&format!("{poll}/vote"), &token, body);
                    browser.send_and_read(request).await
                };
                assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
                acknowledged.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let before_backup = acknowledged.load(Ordering::Relaxed);
    let dir = tempfile::tempdir().unwrap();
    let (key, public) = new_key(dir.path(), "key.txt");
    let folder = dir.path().join("backups");
    let url = app.database_url().to_string();
    let (file, taken) = {
        let (url, folder, public) = (url.clone(), folder.clone(), public.clone());
        tokio::task::spawn_blocking(move || backup(&url, &folder, &public))
            .await
            .unwrap()
    };
    let after_backup = acknowledged.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    for task in voting {
        task.await.unwrap();
    }
    let total = acknowledged.load(Ordering::Relaxed);
    assert!(
        after_backup > before_backup && total > after_backup,
        "writes went on during the backup ({before_backup}, {after_backup}, {total})"
    );
    let checked = if on_postgres() {
        "every row read back out of the dump: ok"
    } else {
        "integrity check: ok; foreign-key check: ok"
    };
    assert!(taken.stdout.contains(checked), "{taken:?}");

    // Restored into a new database: whole, and holding what was acknowledged before the backup
    // began, and nothing acknowledged after it ended.
    let restored = if on_postgres() {
        new_postgres_database()
    } else {
        let folder = dir.path().join("restored");
        std::fs::create_dir_all(&folder).unwrap();
        format!("sqlite://{}", folder.join("quorum.db").display())
    };
    let done = quorum(
        &restored,
        &["restore", path(&file), "--identity", path(&key)],
    );
    assert!(done.status.success(), "{done:?}");
    assert_no_panic(&done);
    assert!(done.stdout.contains(checked), "{done:?}");
    eprintln!(
        "backup under load: {}\nrestore: {}",
        taken.stdout.trim(),
        done.stdout.trim()
    );
    assert_whole(&restored).await;
    let writes = "SELECT (SELECT count(*) FROM comments) + (SELECT count(*) FROM ballots)";
    let (kept, live) = (scalar(&restored, writes).await, scalar(&url, writes).await);
    let first_comment_and_ballots_before = i64::try_from(before_backup).unwrap();
    assert!(
        kept >= first_comment_and_ballots_before && kept < live,
        "the copy holds {kept} comments and ballots; {before_backup} were acknowledged before the backup, {live} exist now"
    );
    let current = "SELECT count(*) FROM ballots WHERE replaced_at IS NULL";
    assert!(scalar(&restored, current).await <= i64::try_from(MEMBERS).unwrap());

    // A server runs on the restored database and shows the group's poll.
    let again = TestApp::builder().env("DATABASE_URL", &restored).start();
    let page = again.browser().get(&poll).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Which corner?"), "{}", page.body);
}

#[tokio::test]
async fn damaged_cut_short_wrongly_keyed_and_newer_backups_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = new_database(dir.path());
    let (key, public) = new_key(dir.path(), "key.txt");
    let (other_key, _) = new_key(dir.path(), "other.txt");
    let folder = dir.path().join("backups");
    let (good, _) = backup(&url, &folder, &public);
    let original = marker(&url).await;
    set_marker(&url, 42).await;

    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("cut.age");
    std::fs::write(&cut, &bytes[..bytes.len() * 3 / 4]).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let damaged = dir.path().join("damaged.age");
    std::fs::write(&damaged, flipped).unwrap();
    let not_a_backup = dir.path().join("notes.txt");
    std::fs::write(&not_a_backup, "shopping list").unwrap();

    let files_before = files_beside(&url);
    for (file, identity, expected) in [
        (&cut, &key, "damaged"),
        (&damaged, &key, "damaged"),
        (&good, &other_key, "was not encrypted to the given key"),
        (&not_a_backup, &key, "is not a Quorum backup"),
    ] {
        let refused = quorum(&url, &["restore", path(file), "--identity", path(identity)]);
        assert_stopped_with_one_clear_line(&refused, expected);
        assert_eq!(marker(&url).await, 42, "{refused:?}");
        assert_eq!(files_beside(&url), files_before, "no working copy is left");
    }

    // A backup of a database a newer release has upgraded.
    let db = pool(&url).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, $1, 0)",
    )
    .bind(vec![0u8; 48])
    .execute(&db)
    .await
    .unwrap();
    db.close().await;
    let (newer, _) = backup(&url, &folder, &public);
    let refused = quorum(&url, &["restore", path(&newer), "--identity", path(&key)]);
    assert_stopped_with_one_clear_line(&refused, "made by a newer release of Quorum");
    assert_eq!(marker(&url).await, 42);

    // The good backup still restores, and takes the database back to when it was taken.
    let restored = quorum(&url, &["restore", path(&good), "--identity", path(&key)]);
    assert!(restored.status.success(), "{restored:?}");
    assert_eq!(marker(&url).await, original);
    let future = scalar(
        &url,
        "SELECT count(*) FROM _sqlx_migrations WHERE version = 9999",
    )
    .await;
    assert_eq!(future, 0);
    assert_whole(&url).await;
}

/// The files in the SQLite database's folder (none for PostgreSQL).
fn files_beside(url: &str) -> Vec<PathBuf> {
    match url.strip_prefix("sqlite://") {
        Some(file) => backups_in(Path::new(file).parent().unwrap()),
        None => Vec::new(),
    }
}

#[tokio::test]
async fn a_restore_is_refused_while_a_server_uses_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = new_database(dir.path());
    let (key, public) = new_key(dir.path(), "key.txt");
    let (file, _) = backup(&url, &dir.path().join("backups"), &public);
    set_marker(&url, 42).await;
    let server = TestApp::builder().env("DATABASE_URL", &url).start();
    let refused = quorum(&url, &["restore", path(&file), "--identity", path(&key)]);
    let expected = if on_postgres() {
        "a Quorum server is connected to this database; stop it before restoring"
    } else {
        "stop it before restoring (nothing was changed)"
    };
    assert_stopped_with_one_clear_line(&refused, expected);
    assert_eq!(marker(&url).await, 42);
    assert_eq!(server.get("/healthz").await.status(), StatusCode::OK);

    let stopped = server.stop();
    assert!(stopped.status.success(), "{stopped:?}");
    let restored = quorum(&url, &["restore", path(&file), "--identity", path(&key)]);
    assert!(restored.status.success(), "{restored:?}");
    assert_ne!(marker(&url).await, 42);
    let again = TestApp::builder().env("DATABASE_URL", &url).start();
    assert_eq!(again.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn keep_leaves_the_newest_backups_and_nothing_else_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let url = new_database(dir.path());
    let (_, public) = new_key(dir.path(), "key.txt");
    let folder = dir.path().join("backups");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("README.txt"), "Quorum's backups").unwrap();
    // An unencrypted working copy left by a backup that was killed part-way (its process id
    // cannot be a running one's).
    let abandoned = match url.strip_prefix("sqlite://") {
        Some(file) => PathBuf::from(format!("{file}.backup-999999999-0")),
        None => std::env::temp_dir().join("quorum-backup-999999999-0.dump"),
    };
    std::fs::write(&abandoned, "secret ballots").unwrap();
    let mut made = Vec::new();
    for _ in 0..4 {
        let done = quorum(
            &url,
            &[
                "backup",
                "--to",
                path(&folder),
                "--recipient",
                &public,
                "--keep",
                "2",
            ],
        );
        assert!(done.status.success(), "{done:?}");
        made = backups_in(&folder);
        // Names carry the time to the millisecond.
        std::thread::sleep(Duration::from_millis(5));
    }
    let names: Vec<String> = made
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "two backups and the readme: {names:?}");
    assert!(!abandoned.exists(), "the abandoned working copy is removed");
    assert!(names.contains(&"README.txt".to_string()), "{names:?}");
    for name in names.iter().filter(|n| *n != "README.txt") {
        assert!(
            name.starts_with("quorum-backup-") && name.ends_with(".age"),
            "{name}"
        );
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(folder.join(name)).unwrap().permissions(),
        );
        assert_eq!(mode & 0o077, 0, "only its owner may read a backup");
    }
}

#[tokio::test]
async fn command_line_mistakes_get_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let url = new_database(dir.path());
    let (key, public) = new_key(dir.path(), "key.txt");
    let to = dir.path().join("b");
    let (good, _) = backup(&url, &to, &public);
    let not_a_key = dir.path().join("not-a-key.txt");
    std::fs::write(&not_a_key, "# nothing here\n").unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &["backup", "--to", path(&to)],
            "give at least one --recipient",
        ),
        (
            &["backup", "--to", path(&to), "--recipient", "age1nope"],
            "is not an age public key",
        ),
        (&["restore", path(&good)], "--identity"),
        (
            &["restore", path(&good), "--identity", path(&not_a_key)],
            "does not hold an age private key",
        ),
        (
            &[
                "restore",
                "/nonexistent/backup.age",
                "--identity",
                path(&key),
            ],
            "cannot read /nonexistent/backup.age",
        ),
        (&["backup-key", "--out", path(&key)], "cannot write the key"),
    ];
    for (args, expected) in cases {
        assert_stopped_with_one_clear_line(&quorum(&url, args), expected);
    }
}

#[tokio::test]
async fn without_pg_dump_a_postgresql_backup_says_what_to_install() {
    if !on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = new_database(dir.path());
    let (_, public) = new_key(dir.path(), "key.txt");
    let to = dir.path().join("b");
    let args = ["backup", "--to", path(&to), "--recipient", &public];
    let finished = quorum_with(&url, &args, &[("PATH", "/nonexistent")]);
    assert_stopped_with_one_clear_line(&finished, "pg_dump was not found on PATH");
    assert!(backups_in(&to).is_empty());
}

#[tokio::test]
async fn a_restore_killed_at_any_moment_leaves_the_old_database_or_the_new_one_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let url = new_database(dir.path());
    let (key, public) = new_key(dir.path(), "key.txt");
    let (file, _) = backup(&url, &dir.path().join("backups"), &public);
    let original = marker(&url).await;
    // The kills are spread over a little more than a whole restore takes,
    // and go on later while none has come after the switch: a restore run
    // while other tests share the cores can take several times as long as
    // the one measured here.
    let started = std::time::Instant::now();
    let whole = quorum(&url, &["restore", path(&file), "--identity", path(&key)]);
    assert!(whole.status.success(), "{whole:?}");
    let step = started.elapsed().mul_f64(1.3) / 20;
    let (mut old, mut new) = (0, 0);
    for n in 0..100 {
        if n >= 20 && old > 0 && new > 0 {
            break;
        }
        let delay = step * n;
        set_marker(&url, 42).await;
        let mut restore = std::process::Command::new(env!("CARGO_BIN_EXE_quorum"))
            .args(["restore", path(&file), "--identity", path(&key)])
            .env("DATABASE_URL", &url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = restore.kill(); // SIGKILL
        restore.wait().unwrap();
        assert_whole(&url).await;
        match marker(&url).await {
            42 => old += 1,
            m if m == original => new += 1,
            other => panic!("the database holds neither version (marker {other})"),
        }
    }
    eprintln!("restores killed part-way: {old} left the old database, {new} had finished");
    assert!(
        old > 0 && new > 0,
        "the kills came both before and after the switch"
    );
    let again = TestApp::builder().env("DATABASE_URL", &url).start();
    assert_eq!(again.get("/healthz").await.status(), StatusCode::OK);
}
