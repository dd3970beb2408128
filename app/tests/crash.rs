//! Crash safety: a server killed in the middle of a stream of writes (SIGKILL, as the OOM killer
//! or a crash would end it, with no chance to finish anything) comes back on the same database
//! with every write it acknowledged there exactly once and nothing it did not: each comment once,
//! one current vote per voter that is the last one they were told was counted (or the one in
//! flight), and a database whose rows agree with each other.
//!
//! Strategy: the real server on its real database (a SQLite file in a data folder the test
//! keeps, or a PostgreSQL database of its own). Six members each send, one request at a time, a
//! comment with a unique body and then a changed vote, in a loop, noting every write answered
//! with a redirect (the acknowledgement) and the one write whose answer never came. Once there
//! has been at least 1.5 s of traffic and 30 acknowledgements the server gets SIGKILL, and a
//! second server starts on the same data. The test then reads the database directly and the
//! rendered thread: acknowledged comments once, the one in flight at most once, no other; each
//! ballot history one row per acknowledged vote (plus the one in flight, if saved); the counter,
//! versions and search rows written in the same transaction as each comment in step with the
//! comments; no orphaned rows; on SQLite, `PRAGMA integrity_check` and `foreign_key_check`
//! clean. It prints its figures, and the restarted server must take a new comment.
//!
//! A killed process is not a power cut: SQLite's `synchronous = NORMAL` may lose the last
//! commits to one, by choice (`store/mod.rs`), and nothing here pretends otherwise.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sqlx::AnyPool;
use support::browser::Browser;
use support::journey::{
    create_group, members_who_joined, post_comment, signed_in_browser_named, start_poll,
    start_thread, start_with_mail_and,
};
use support::smtp::SmtpSink;
use support::{TestApp, TestAppBuilder, on_postgres};
use tokio::sync::watch;

const CLIENTS: usize = 6;
const CHOICES: [&str; 3] = ["0", "1", "2"];
/// The kill comes no sooner than this after the writes begin…
const MIN_TRAFFIC: Duration = Duration::from_millis(1500);
/// …and not before this many writes have been acknowledged.
const MIN_ACKNOWLEDGED: usize = 30;
/// How long a slow machine may take to reach `MIN_ACKNOWLEDGED`.
const ACKNOWLEDGED_TIMEOUT: Duration = Duration::from_secs(20);
const SESSION: &str = "quorum_session";
const THREAD_TITLE: &str = "Power cut";
const BODY_PREFIX: &str = "crash-test c";

/// One write a member sends.
#[derive(Debug)]
enum Write {
    Comment(String),
    Vote(&'static str),
}

/// What one member knows of their writes when the server died.
#[derive(Debug, Default)]
struct Ledger {
    email: String,
    /// Comment bodies the server acknowledged, in order.
    comments: Vec<String>,
    votes: usize,
    last_vote: Option<&'static str>,
    /// The write sent when the connection broke: it may or may not have been saved.
    in_flight: Option<Write>,
    /// Answers that were neither an acknowledgement nor a broken connection.
    unexpected: Vec<String>,
}

impl Ledger {
    fn in_flight_comment(&self) -> Option<&str> {
        match &self.in_flight {
            Some(Write::Comment(body)) => Some(body),
            _ => None,
        }
    }

    fn in_flight_vote(&self) -> Option<&'static str> {
        match self.in_flight {
            Some(Write::Vote(choice)) => Some(choice),
            _ => None,
        }
    }
}

/// A server on the data folder `data` and, on PostgreSQL, the database at `database`: the same
/// for the first server and the one restarted after the crash.
fn server_on(data: &Path, database: Option<&str>) -> TestAppBuilder {
    let builder = TestApp::builder()
        .data_dir(data)
        // Everyone here shares 127.0.0.1, as an office behind one address does.
        .env("QUORUM_RATE_LIMIT_IP_FACTOR", "1000");
    match database {
        Some(url) => builder.env("DATABASE_URL", url),
        None => builder,
    }
}

/// Ann's group with a thread and an open poll that allows changing a vote, and `CLIENTS`
/// members who joined. Returns Ann, the thread's path, the poll's path and the members.
async fn set_up(app: &TestApp, sink: &Arc<SmtpSink>) -> (Browser, String, String, Vec<Browser>) {
    let ann = signed_in_browser_named(app, sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Night Shift", "night", "open").await;
    let thread = start_thread(&ann, "night", THREAD_TITLE, "What if the lights go out?").await;
    let poll = start_poll(
        &ann,
        &thread,
        "choose",
        &[
            ("title", "Who keeps the torch?"),
            ("options", "Ann\nBob\nCai"),
            ("settings", "allow_change"),
        ],
    )
    .await;
    let members = members_who_joined(app, sink, "night", (0..CLIENTS).map(member_email)).await;
    (ann, thread, poll, members)
}

fn member_email(n: usize) -> String {
    format!("member{n}@example.org")
}

/// Member `client` alternately comments and changes their vote, one request at a time, until a
/// request gets no answer; each acknowledgement is counted in `acknowledged` as it comes.
async fn write_until_the_server_dies(
    client: usize,
    browser: Browser,
    thread: String,
    poll: String,
    acknowledged: Arc<watch::Sender<usize>>,
) -> Ledger {
    let token = browser.csrf_token(&thread).await;
    let mut ledger = Ledger {
        email: member_email(client),
        ..Ledger::default()
    };
    for k in 0.. {
        // Votes are every other write, so two votes in a row never make the same choice: the
        // current ballot then tells which of them was saved.
        let (path, body, write) = if k % 2 == 0 {
            let text = format!("{BODY_PREFIX}{client} n{k}");
            let body = form_urlencoded::Serializer::new(String::new())
                .append_pair("body", &text)
                .finish();
            (format!("{thread}/comments"), body, Write::Comment(text))
        } else {
            let choice = CHOICES[(client + k) % CHOICES.len()];
            let body = format!("choice={choice}&intent=cast");
            (format!("{poll}/vote"), body, Write::Vote(choice))
        };
        let Ok(response) = browser.post_with_token(&path, &token, body).send().await else {
            ledger.in_flight = Some(write);
            return ledger;
        };
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_string();
        match write {
            Write::Comment(text) if status == StatusCode::SEE_OTHER => {
                assert!(location.contains("#comment-"), "{path}: {location}");
                ledger.comments.push(text);
            }
            Write::Vote(choice) if status == StatusCode::SEE_OTHER => {
                assert_eq!(location, format!("{poll}?done=voted"), "{path}");
                ledger.votes += 1;
                ledger.last_vote = Some(choice);
            }
            _ => {
                let page = response.text().await.unwrap_or_default();
                let start: String = page.chars().take(300).collect();
                ledger
                    .unexpected
                    .push(format!("{path} answered {status}: {start}"));
                continue;
            }
        }
        acknowledged.send_modify(|n| *n += 1);
    }
    unreachable!("the loop ends when the server dies")
}

/// Sets the members writing, then kills the server with SIGKILL once there has been
/// `MIN_TRAFFIC` of it and `MIN_ACKNOWLEDGED` acknowledgements (or time ran out for them).
/// Returns what each member knows of their writes, and how long the traffic lasted.
async fn write_then_kill(
    app: TestApp,
    members: Vec<Browser>,
    thread: &str,
    poll: &str,
) -> (Vec<Ledger>, Duration) {
    let (acknowledged, mut acknowledgements) = watch::channel(0);
    let acknowledged = Arc::new(acknowledged);
    let started = Instant::now();
    let mut writers = Vec::new();
    for (client, browser) in members.into_iter().enumerate() {
        writers.push(tokio::spawn(write_until_the_server_dies(
            client,
            browser,
            thread.to_string(),
            poll.to_string(),
            Arc::clone(&acknowledged),
        )));
    }
    tokio::time::sleep(MIN_TRAFFIC).await;
    let enough = acknowledgements.wait_for(|n| *n >= MIN_ACKNOWLEDGED);
    let _ = tokio::time::timeout(ACKNOWLEDGED_TIMEOUT, enough).await;
    let traffic = started.elapsed();
    // Dropping a `TestApp` is SIGKILL (`Child::kill`): no graceful shutdown, no request finished.
    drop(app);
    let mut ledgers = Vec::new();
    for writer in writers {
        ledgers.push(
            writer
                .await
                .unwrap_or_else(|e| panic!("a member's writes: {e}")),
        );
    }
    (ledgers, traffic)
}

/// Prints a figure even when the test passes and `cargo test` keeps its output.
fn report(line: String) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

async fn count(db: &AnyPool, sql: &'static str, binds: &[&str]) -> i64 {
    let mut query = sqlx::query_scalar(sql);
    for value in binds {
        query = query.bind(*value);
    }
    query
        .fetch_one(db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Each acknowledged comment is saved once, the one in flight at most once, and no other.
/// Returns how many of the comments in flight were saved.
async fn assert_comments_kept(db: &AnyPool, thread_id: &str, ledgers: &[Ledger]) -> usize {
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM comments WHERE thread_id = $1")
        .bind(thread_id)
        .fetch_all(db)
        .await
        .unwrap_or_else(|e| panic!("reading the comments: {e}"));
    let mut saved: BTreeMap<&str, usize> = BTreeMap::new();
    for body in bodies.iter().filter(|b| b.starts_with(BODY_PREFIX)) {
        *saved.entry(body.as_str()).or_default() += 1;
    }
    let mut in_flight_saved = 0;
    for ledger in ledgers {
        for body in &ledger.comments {
            let times = saved.remove(body.as_str()).unwrap_or(0);
            assert_eq!(times, 1, "the acknowledged comment {body:?} is saved once");
        }
        if let Some(body) = ledger.in_flight_comment() {
            let times = saved.remove(body).unwrap_or(0);
            assert!(
                times <= 1,
                "the comment in flight {body:?} is saved {times} times"
            );
            in_flight_saved += times;
        }
    }
    assert!(saved.is_empty(), "comments nobody sent: {saved:?}");
    in_flight_saved
}

/// Each member has one current ballot, their last acknowledged vote or the one in flight, and a
/// history of one ballot per vote saved. Returns how many of the votes in flight were saved.
async fn assert_votes_kept(db: &AnyPool, poll_id: &str, ledgers: &[Ledger]) -> usize {
    let mut in_flight_saved = 0;
    for ledger in ledgers {
        let email = ledger.email.as_str();
        let current: Vec<String> = sqlx::query_scalar(
            "SELECT b.marks FROM ballots b JOIN accounts a ON a.id = b.voter_id \
             WHERE a.email = $1 AND b.poll_id = $2 AND b.replaced_at IS NULL",
        )
        .bind(email)
        .bind(poll_id)
        .fetch_all(db)
        .await
        .unwrap_or_else(|e| panic!("reading {email}'s ballot: {e}"));
        let marks = |choice: Option<&str>| choice.map(|c| format!("{c}=1"));
        let (acknowledged, in_flight) = (marks(ledger.last_vote), marks(ledger.in_flight_vote()));
        let saved = match current.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            more => panic!("{email} has {} current ballots: {more:?}", more.len()),
        };
        let flight_saved = saved.is_some() && saved == in_flight;
        assert!(
            saved == acknowledged || flight_saved,
            "{email}'s current vote {saved:?} is neither the last acknowledged one \
             {acknowledged:?} nor the one in flight {in_flight:?}"
        );
        in_flight_saved += usize::from(flight_saved);
        let history = count(
            db,
            "SELECT count(*) FROM ballots b JOIN accounts a ON a.id = b.voter_id \
             WHERE a.email = $1 AND b.poll_id = $2",
            &[email, poll_id],
        )
        .await;
        let votes_saved = ledger.votes + usize::from(flight_saved);
        assert_eq!(
            usize::try_from(history).ok(),
            Some(votes_saved),
            "{email}: one ballot per vote saved ({} acknowledged, in flight {in_flight:?})",
            ledger.votes
        );
        let participant = count(
            db,
            "SELECT count(*) FROM poll_participants p JOIN accounts a ON a.id = p.account_id \
             WHERE a.email = $1 AND p.poll_id = $2",
            &[email, poll_id],
        )
        .await;
        assert_eq!(participant, i64::from(votes_saved > 0), "{email} voted");
    }
    in_flight_saved
}

/// What each comment's transaction wrote besides the comment agrees with the comments: the
/// thread's counter, the first version and the search row; and no row lost what it refers to.
async fn assert_rows_agree(db: &AnyPool, thread_id: &str) {
    let seqs: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM comments WHERE thread_id = $1 ORDER BY seq")
            .bind(thread_id)
            .fetch_all(db)
            .await
            .unwrap_or_else(|e| panic!("reading the comments' numbers: {e}"));
    let comments = i64::try_from(seqs.len()).unwrap_or(i64::MAX);
    let numbered: Vec<i64> = (1..=comments).collect();
    assert_eq!(seqs, numbered, "comments are numbered 1, 2, 3… with no gap");
    let counter = "SELECT comment_seq FROM threads WHERE id = $1";
    assert_eq!(
        count(db, counter, &[thread_id]).await,
        comments,
        "{counter}"
    );
    let in_step = [
        "SELECT count(*) FROM comment_versions v JOIN comments c ON c.id = v.comment_id \
         WHERE c.thread_id = $1 AND v.version = 1 AND v.body = c.body",
        "SELECT count(*) FROM comment_versions v JOIN comments c ON c.id = v.comment_id \
         WHERE c.thread_id = $1",
        "SELECT count(*) FROM search_text s JOIN comments c ON c.id = s.comment_id \
         WHERE s.thread_id = $1",
        "SELECT count(*) FROM search_text WHERE thread_id = $1 AND comment_id <> ''",
    ];
    for sql in in_step {
        assert_eq!(count(db, sql, &[thread_id]).await, comments, "{sql}");
    }
    let orphans = [
        "SELECT count(*) FROM comments c LEFT JOIN threads t ON t.id = c.thread_id \
         WHERE t.id IS NULL",
        "SELECT count(*) FROM comments c LEFT JOIN accounts a ON a.id = c.author_id \
         WHERE c.author_id IS NOT NULL AND a.id IS NULL",
        "SELECT count(*) FROM comment_versions v LEFT JOIN comments c ON c.id = v.comment_id \
         WHERE c.id IS NULL",
        "SELECT count(*) FROM ballots b LEFT JOIN polls p ON p.id = b.poll_id WHERE p.id IS NULL",
        "SELECT count(*) FROM ballots b LEFT JOIN accounts a ON a.id = b.voter_id \
         WHERE b.voter_id IS NOT NULL AND a.id IS NULL",
        "SELECT count(*) FROM poll_participants p LEFT JOIN polls q ON q.id = p.poll_id \
         WHERE q.id IS NULL",
        "SELECT count(*) FROM thread_reads r LEFT JOIN threads t ON t.id = r.thread_id \
         WHERE t.id IS NULL",
    ];
    for sql in orphans {
        assert_eq!(count(db, sql, &[]).await, 0, "{sql}");
    }
}

/// SQLite's own checks of the file: every page and index sound, every foreign key kept.
async fn assert_sqlite_file_sound(path: &Path) {
    use sqlx::Row;
    let file = support::open_database(path).await;
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&file)
        .await
        .unwrap_or_else(|e| panic!("PRAGMA integrity_check: {e}"));
    assert_eq!(integrity, ["ok"], "PRAGMA integrity_check");
    let broken: Vec<String> = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&file)
        .await
        .unwrap_or_else(|e| panic!("PRAGMA foreign_key_check: {e}"))
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect();
    assert!(broken.is_empty(), "foreign keys broken in {broken:?}");
}

/// Reads every page of the thread as `browser` and returns how many times each comment body
/// is shown.
async fn shown_comments(browser: &Browser, thread: &str) -> BTreeMap<String, usize> {
    let mut shown = BTreeMap::new();
    for page in 1.. {
        let reply = browser.get(&format!("{thread}?page={page}")).await;
        assert_eq!(reply.status, StatusCode::OK, "page {page}: {}", reply.body);
        let mut rest = reply.body.as_str();
        while let Some(at) = rest.find(&format!(">{BODY_PREFIX}")) {
            rest = &rest[at + 1..];
            let body = &rest[..rest.find('<').unwrap_or(rest.len())];
            *shown.entry(body.to_string()).or_default() += 1;
        }
        if !reply.body.contains(r#"rel="next""#) {
            break;
        }
    }
    shown
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_killed_mid_write_comes_back_with_every_acknowledged_write_once() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let database = on_postgres().then(support::new_postgres_database);
    let (app, sink) = start_with_mail_and(server_on(&data, database.as_deref())).await;
    let sink = Arc::new(sink);
    let (ann, thread, poll, members) = set_up(&app, &sink).await;

    let (ledgers, traffic) = write_then_kill(app, members, &thread, &poll).await;

    let comments: usize = ledgers.iter().map(|l| l.comments.len()).sum();
    let votes: usize = ledgers.iter().map(|l| l.votes).sum();
    let comments_in_flight = ledgers.iter().filter_map(Ledger::in_flight_comment).count();
    let votes_in_flight = ledgers.iter().filter_map(Ledger::in_flight_vote).count();
    let engine = if on_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    report(format!(
        "crash on {engine}: killed after {:.1} s of traffic from {CLIENTS} members; \
         acknowledged {comments} comments and {votes} votes; unanswered at the kill: \
         {comments_in_flight} comments, {votes_in_flight} votes",
        traffic.as_secs_f64()
    ));
    let unexpected: Vec<&String> = ledgers.iter().flat_map(|l| &l.unexpected).collect();
    assert!(unexpected.is_empty(), "unexpected answers: {unexpected:#?}");
    assert!(
        comments + votes >= MIN_ACKNOWLEDGED,
        "too few acknowledged writes before the kill to mean anything"
    );

    let restarting = Instant::now();
    let app = server_on(&data, database.as_deref())
        .env("QUORUM_SMTP_URL", sink.url())
        .start();
    let restart = restarting.elapsed();
    let reader = Browser::new(&app.url(""));
    let session = ann.cookie(SESSION).unwrap();
    reader.set_cookie(SESSION, &session);
    let page = reader.get(&thread).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.h1().as_deref(), Some(THREAD_TITLE));

    let db = app.database().await;
    let thread_id = thread.trim_start_matches("/t/");
    let poll_id = poll.trim_start_matches("/p/");
    let comments_saved = assert_comments_kept(&db, thread_id, &ledgers).await;
    let votes_saved = assert_votes_kept(&db, poll_id, &ledgers).await;
    assert_rows_agree(&db, thread_id).await;
    if !on_postgres() {
        assert_sqlite_file_sound(&app.database_path()).await;
    }
    let shown = shown_comments(&reader, &thread).await;
    for ledger in &ledgers {
        for body in &ledger.comments {
            assert_eq!(shown.get(body), Some(&1), "{body:?} is shown once");
        }
    }
    let shown_total: usize = shown.values().sum();
    assert_eq!(shown_total, comments + comments_saved, "shown: {shown:?}");
    report(format!(
        "crash on {engine}: restarted in {} ms; all {comments} comments and {votes} votes \
         acknowledged are there once; of the unanswered ones, {comments_saved} comments and \
         {votes_saved} votes were saved",
        restart.as_millis()
    ));

    // The restarted server writes on where the first one stopped.
    let after = post_comment(&reader, &thread, "Back on after the crash.", None).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "{}", after.body);
    assert_rows_agree(&db, thread_id).await;
}
