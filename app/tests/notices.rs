//! `quorum notify-all`, run as an operator runs it, against the engine under test (SQLite, or
//! PostgreSQL when the suite runs there), and the mail it queues as people receive it.
//!
//! Strategy: people sign in by email on a server that delivers to an SMTP sink, and one more
//! asks for a link but never follows it (so has no account); that server is stopped, the
//! command runs against its database, and a server started again on the same database delivers
//! what was queued to a fresh sink. (A server that keeps running finds mail queued by another
//! process within a minute; one starting delivers it at once, which keeps the tests short.)
//! The runs are read by what they print and by counting rows; a run is killed with SIGKILL
//! after its first progress lines, and started again, to prove that nobody gets a second copy
//! and nobody is left out.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use support::inbox::{Mail, header};
use support::journey::{request_sign_in, signed_in_browser, start_with_mail_and};
use support::smtp::SmtpSink;
use support::{
    Finished, TestApp, assert_no_panic, assert_stopped_with_one_clear_line, new_postgres_database,
    on_postgres,
};
use tempfile::TempDir;

const SUBJECT: &str = "About your data on Quorum at example.org";
const BODY: &str = "Dear member,\n\nOn 1 December someone copied part of our database: your \
    email address and your name.\nNo passwords were in it.\n\nYou need do nothing. Write to \
    privacy@example.org with any question.\n";
/// Who asked for a sign-in link and never followed it: no account, no notice.
const NEVER_CONFIRMED: &str = "never-confirmed@example.org";
/// How long the delivering server may take to send everything queued.
const DELIVERY_TIME: Duration = Duration::from_secs(30);

/// A Quorum's database with people in it, while no server runs on it.
struct Instance {
    dir: TempDir,
    data_dir: PathBuf,
    database_url: String,
    people: Vec<String>,
}

impl Instance {
    /// `count` people sign in by email (and one never confirms), then the server stops.
    async fn with_people(count: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        let (app, sink) = start_with_mail_and(TestApp::builder().data_dir(&data_dir)).await;
        let people: Vec<String> = (1..=count)
            .map(|n| format!("person-{n}@example.org"))
            .collect();
        for email in &people {
            signed_in_browser(&app, &sink, email).await;
        }
        request_sign_in(&app.browser(), &sink, NEVER_CONFIRMED, None).await;
        let database_url = app.database_url().to_string();
        // The sink answers on this test's runtime, which `stop` blocks: the server must be done
        // talking to it (every email recorded as sent) before it is told to stop.
        let deadline = Instant::now() + DELIVERY_TIME;
        while crate::count(
            &database_url,
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .await
            > 0
        {
            assert!(Instant::now() < deadline, "the sign-in mail was never sent");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let stopped = app.stop();
        assert!(stopped.status.success(), "{stopped:?}");
        let instance = Self {
            dir,
            data_dir,
            database_url,
            people,
        };
        std::fs::write(instance.body_file(), BODY).unwrap();
        instance
    }

    fn body_file(&self) -> PathBuf {
        self.dir.path().join("notice.txt")
    }

    /// `--subject SUBJECT --body-file <the notice> ARGS…`
    fn args<'a>(&'a self, body_file: &'a Path, more: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec![
            "--subject",
            SUBJECT,
            "--body-file",
            body_file.to_str().unwrap(),
        ];
        args.extend_from_slice(more);
        args
    }

    /// Runs `quorum notify-all ARGS` on this database until it exits.
    fn notify_all(&self, args: &[&str]) -> Finished {
        notify_all(&self.database_url, args)
    }

    /// Starts `quorum notify-all ARGS` on this database, reading what it prints as it goes.
    fn spawn_notify_all(&self, args: &[&str]) -> (Child, BufReader<ChildStdout>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quorum"))
            .env("DATABASE_URL", &self.database_url)
            .arg("notify-all")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        (child, stdout)
    }

    /// A server on this database that delivers to a fresh SMTP sink.
    async fn deliver(&self) -> (TestApp, SmtpSink) {
        start_with_mail_and(
            TestApp::builder()
                .data_dir(&self.data_dir)
                .env("DATABASE_URL", &self.database_url),
        )
        .await
    }

    async fn count(&self, query: &'static str) -> i64 {
        count(&self.database_url, query).await
    }

    /// Checks that every person got exactly one copy of the notice, as written, and nobody
    /// else got one; waits until the outbox holds no more of it, so that a second copy would
    /// have been seen.
    async fn assert_each_person_got_one_copy(&self, sink: &SmtpSink) {
        sink.wait_for(self.people.len(), DELIVERY_TIME).await;
        let deadline = Instant::now() + DELIVERY_TIME;
        while self
            .count("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
            .await
            > 0
        {
            assert!(Instant::now() < deadline, "the outbox was never emptied");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let messages = sink.messages();
        assert_eq!(messages.len(), self.people.len(), "one email per person");
        for person in &self.people {
            let mail: Vec<Mail> = sink.mail_to(person);
            assert_eq!(mail.len(), 1, "{person} got {} copies", mail.len());
            let mail = &mail[0];
            assert_eq!(mail.subject, SUBJECT);
            assert_eq!(mail.text.replace("\r\n", "\n").trim_end(), BODY.trim_end());
            assert_eq!(
                header(&mail.raw, "Auto-Submitted").as_deref(),
                Some("auto-generated")
            );
            assert!(
                header(&mail.raw, "Content-Type")
                    .is_some_and(|kind| kind.starts_with("multipart/alternative")),
                "{}",
                mail.raw
            );
            assert!(!mail.raw.contains("<img"), "{}", mail.raw);
        }
        assert!(sink.mail_to(NEVER_CONFIRMED).is_empty());
    }
}

fn notify_all(database_url: &str, args: &[&str]) -> Finished {
    let mut builder = TestApp::builder()
        .without_default_flags()
        .env("DATABASE_URL", database_url)
        .arg("notify-all");
    for arg in args {
        builder = builder.arg(*arg);
    }
    builder.run_to_exit()
}

async fn count(database_url: &str, query: &'static str) -> i64 {
    sqlx::any::install_default_drivers();
    let db = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .unwrap();
    let n = sqlx::query_scalar::<_, i64>(query)
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    n
}

/// Reads lines until one satisfies `wanted` and returns it, with everything read so far kept in
/// `seen`. Panics, with what was read, when the output ends first.
fn read_until(
    stdout: &mut BufReader<ChildStdout>,
    seen: &mut String,
    wanted: impl Fn(&str) -> bool,
) -> String {
    loop {
        let mut line = String::new();
        let read = stdout.read_line(&mut line).unwrap();
        assert!(read > 0, "the run ended before the line wanted:\n{seen}");
        seen.push_str(&line);
        if wanted(&line) {
            return line;
        }
    }
}

/// The number of people queued so far, from a line like "Queued 2 of 5 (40%)".
fn queued_in(line: &str) -> i64 {
    line.trim_start_matches("Queued ")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a progress line: {line:?}"))
}

#[tokio::test]
async fn a_dry_run_counts_people_and_a_run_sends_each_one_email_with_the_subject_and_body() {
    let instance = Instance::with_people(3).await;
    let body = instance.body_file();

    let dry = instance.notify_all(&instance.args(&body, &["--dry-run"]));
    assert!(dry.status.success(), "{dry:?}");
    assert_no_panic(&dry);
    assert!(dry.stdout.contains("Would send to 3 people."), "{dry:?}");
    assert_eq!(instance.count("SELECT count(*) FROM notices").await, 0);
    assert_eq!(
        instance
            .count("SELECT count(*) FROM outbox WHERE subject LIKE 'About your data%'")
            .await,
        0,
        "a dry run queues nothing"
    );

    // Two gaps of half a second at 120 a minute: the throttle holds the pace.
    let started = Instant::now();
    let run = instance.notify_all(&instance.args(&body, &["--per-minute", "120"]));
    assert!(run.status.success(), "{run:?}");
    assert_no_panic(&run);
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    assert!(run.stdout.contains("Queued 3 of 3 (100%)"), "{run:?}");
    assert!(run.stdout.contains("Done:"), "{run:?}");
    assert_eq!(
        instance
            .count(
                "SELECT count(*) FROM audit_events WHERE action = 'notify_all' \
                 AND outcome = 'ok' AND detail LIKE '%sent to 3 people'"
            )
            .await,
        1
    );

    let again = instance.notify_all(&instance.args(&body, &[]));
    assert!(again.status.success(), "{again:?}");
    assert!(
        again.stdout.contains("already sent to 3 people"),
        "{again:?}"
    );
    let dry_after = instance.notify_all(&instance.args(&body, &["--dry-run"]));
    assert!(
        dry_after.stdout.contains("running it again sends nothing"),
        "{dry_after:?}"
    );
    assert_eq!(
        instance
            .count("SELECT count(*) FROM outbox WHERE subject LIKE 'About your data%'")
            .await,
        3
    );

    let (_app, sink) = instance.deliver().await;
    instance.assert_each_person_got_one_copy(&sink).await;
}

#[tokio::test]
async fn notify_all_killed_half_way_and_restarted_sends_each_person_exactly_one_email() {
    let instance = Instance::with_people(5).await;
    let body = instance.body_file();
    let slow = instance.args(&body, &["--per-minute", "60"]);

    // One a second: killed straight after the first progress line, it has queued one or two.
    let (mut first, mut stdout) = instance.spawn_notify_all(&slow);
    let mut seen = String::new();
    let line = read_until(&mut stdout, &mut seen, |line| line.starts_with("Queued "));
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(queued_in(&line) < 5, "{seen}");
    let after_first = instance
        .count("SELECT count(*) FROM notice_recipients")
        .await;
    assert!(
        (1..5).contains(&after_first),
        "{after_first} queued\n{seen}"
    );
    assert_eq!(
        instance
            .count("SELECT count(*) FROM outbox WHERE subject LIKE 'About your data%'")
            .await,
        after_first,
        "each person recorded has exactly one email queued, and nobody else has one"
    );

    // Started again, it carries on; killed again after it has queued one more.
    let (mut second, mut stdout) = instance.spawn_notify_all(&slow);
    let mut seen = String::new();
    read_until(&mut stdout, &mut seen, |line| line.starts_with("Resuming"));
    let line = read_until(&mut stdout, &mut seen, |line| line.starts_with("Queued "));
    second.kill().unwrap();
    second.wait().unwrap();
    assert!(queued_in(&line) > after_first, "{seen}");
    let after_second = instance
        .count("SELECT count(*) FROM notice_recipients")
        .await;
    assert!(after_second > after_first, "{seen}");

    let last = instance.notify_all(&instance.args(&body, &[]));
    assert!(last.status.success(), "{last:?}");
    assert!(last.stdout.contains("Resuming"), "{last:?}");
    assert!(last.stdout.contains("Queued 5 of 5 (100%)"), "{last:?}");
    assert!(
        last.stdout
            .contains(&format!("({} in this run)", 5 - after_second)),
        "{last:?}"
    );
    assert_eq!(
        instance
            .count("SELECT count(*) FROM outbox WHERE subject LIKE 'About your data%'")
            .await,
        5
    );

    let (_app, sink) = instance.deliver().await;
    instance.assert_each_person_got_one_copy(&sink).await;
}

#[tokio::test]
async fn command_line_mistakes_get_one_sentence_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = if on_postgres() {
        new_postgres_database()
    } else {
        format!("sqlite://{}", dir.path().join("quorum.db").display())
    };
    let migrated = TestApp::builder()
        .without_default_flags()
        .env("DATABASE_URL", &url)
        .arg("migrate")
        .run_to_exit();
    assert!(migrated.status.success(), "{migrated:?}");
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    };
    let good = file("notice.txt", BODY.as_bytes());
    let empty = file("empty.txt", b"\n \n");
    let latin1 = file("latin1.txt", b"Caf\xe9\n");
    let missing = dir.path().join("missing.txt").display().to_string();
    let folder = dir.path().display().to_string();
    let cases: [(&[&str], &str); 6] = [
        (
            &["--subject", SUBJECT, "--body-file", &missing],
            "does not exist",
        ),
        (
            &["--subject", SUBJECT, "--body-file", &folder],
            "is a folder",
        ),
        (&["--subject", SUBJECT, "--body-file", &empty], "is empty"),
        (
            &["--subject", SUBJECT, "--body-file", &latin1],
            "is not UTF-8 text",
        ),
        (
            &["--subject", " ", "--body-file", &good],
            "the subject is empty",
        ),
        (
            &[
                "--subject",
                SUBJECT,
                "--body-file",
                &good,
                "--per-minute",
                "0",
            ],
            "--per-minute must be at least 1",
        ),
    ];
    for (args, expected) in cases {
        assert_stopped_with_one_clear_line(&notify_all(&url, args), expected);
    }
    assert_eq!(count(&url, "SELECT count(*) FROM notices").await, 0);

    // Settings that name no database: nothing is made in its place.
    let nowhere = dir.path().join("elsewhere").join("quorum.db");
    let unreachable = notify_all(
        &format!("sqlite://{}", nowhere.display()),
        &["--subject", SUBJECT, "--body-file", &good],
    );
    assert_stopped_with_one_clear_line(&unreachable, "there is no database at");
    assert!(!nowhere.exists());
}
