//! A busy group: many members and visitors using one group at once, as a town meeting or a
//! lively team does. Nobody may get an error page, and everything Quorum said it saved must be
//! there afterwards.
//!
//! Strategy: the real server (the release build when `QUORUM_LOAD_BIN` names it, as
//! `scripts/test` does) on a real SQLite file, 24 members signed in by email and 4 visitors who
//! are not, each in a loop for a bounded time (`QUORUM_LOAD_SECONDS`, 12 by default) mixing
//! thread reads, comments, replies, reactions, votes, group pages, poll pages, search and
//! sign-in requests, all on 127.0.0.1. Every answer's status and time is recorded; writes that
//! were acknowledged (a redirect) are checked in the database file at the end. It prints the
//! requests, their rate, the 5xx count and the p50/p99 times.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use support::TestApp;
use support::browser::{Browser, Reply};
use support::journey::{
    comment_id, create_group, members_who_joined, post_comment, signed_in_browser_named,
    start_poll, start_thread, start_with_mail_and,
};

const MEMBERS: usize = 24;
const VISITORS: usize = 4;
const CHOICES: [&str; 3] = ["0", "1", "2"];

/// One request's outcome, for the figures and the failure report.
struct Sample {
    what: &'static str,
    status: StatusCode,
    took: Duration,
    /// The start of the body of an answer that was not the one expected.
    unexpected: Option<String>,
}

/// What one member had acknowledged by the end.
#[derive(Default)]
struct Acknowledged {
    comments: Vec<String>,
    last_vote: Option<&'static str>,
    reaction_toggles: usize,
}

fn run_for() -> Duration {
    let seconds = std::env::var("QUORUM_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    Duration::from_secs(seconds)
}

/// Sends one request, timing it, and checks its status against `expected`.
async fn timed(
    samples: &mut Vec<Sample>,
    what: &'static str,
    expected: StatusCode,
    request: impl std::future::Future<Output = Reply>,
) -> Reply {
    let started = Instant::now();
    let reply = request.await;
    let took = started.elapsed();
    let unexpected = (reply.status != expected).then(|| reply.body.chars().take(400).collect());
    samples.push(Sample {
        what,
        status: reply.status,
        took,
        unexpected,
    });
    reply
}

/// Prints a figure even when the test passes and `cargo test` keeps its output: straight to
/// the process's standard error, which the test harness does not capture.
fn report(line: String) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread")]
async fn a_busy_group_answers_everyone_and_keeps_every_acknowledged_write() {
    let mut builder = TestApp::builder()
        // Everyone here shares 127.0.0.1, as an office behind one address does.
        .env("QUORUM_RATE_LIMIT_IP_FACTOR", "1000");
    if let Some(binary) = std::env::var_os("QUORUM_LOAD_BIN").filter(|b| !b.is_empty()) {
        builder = builder.binary(binary);
    }
    let (app, sink) = start_with_mail_and(builder).await;
    let sink = Arc::new(sink);
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Busy Street", "busy", "open").await;
    let thread = start_thread(&ann, "busy", "Street party", "Plans for the street party.").await;
    let first = post_comment(&ann, &thread, "Who can bring chairs?", None).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let first = comment_id(&first);
    let poll = start_poll(
        &ann,
        &thread,
        "choose",
        &[
            ("title", "Which day?"),
            ("options", "Friday\nSaturday\nSunday"),
            ("settings", "allow_change"),
        ],
    )
    .await;

    // Members sign in by email, all at once, and join.
    let emails = (0..MEMBERS).map(|n| format!("member{n}@example.org"));
    let members = members_who_joined(&app, &sink, "busy", emails).await;

    let deadline = Instant::now() + run_for();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (n, browser) in members.into_iter().enumerate() {
        let (thread, poll, first) = (thread.clone(), poll.clone(), first.clone());
        tasks.push(tokio::spawn(async move {
            let csrf = browser.csrf_token("/account").await;
            let post = |path: String, body: String| browser.post_with_token(&path, &csrf, body);
            let mut samples = Vec::new();
            let mut done = Acknowledged::default();
            let mut i = n;
            while Instant::now() < deadline {
                i += 1;
                match i % 8 {
                    0 => {
                        timed(&mut samples, "thread", StatusCode::OK, browser.get(&thread)).await;
                    }
                    1 | 4 => {
                        let body = format!("Member {n} says {i}");
                        let reply_to = if i % 8 == 4 { first.as_str() } else { "" };
                        let form = form_urlencoded::Serializer::new(String::new())
                            .append_pair("body", &body)
                            .append_pair("reply_to", reply_to)
                            .finish();
                        let sent = browser.send_and_read(post(format!("{thread}/comments"), form));
                        let reply =
                            timed(&mut samples, "comment", StatusCode::SEE_OTHER, sent).await;
                        if reply.status == StatusCode::SEE_OTHER {
                            done.comments.push(body);
                        }
                    }
                    2 => {
                        timed(
                            &mut samples,
                            "group",
                            StatusCode::OK,
                            browser.get("/g/busy"),
                        )
                        .await;
                    }
                    3 => {
                        let choice = CHOICES[i % CHOICES.len()];
                        let body = format!("choice={choice}&intent=cast");
                        let sent = browser.send_and_read(post(format!("{poll}/vote"), body));
                        let reply = timed(&mut samples, "vote", StatusCode::SEE_OTHER, sent).await;
                        if reply.status == StatusCode::SEE_OTHER {
                            done.last_vote = Some(choice);
                        }
                    }
                    5 => {
                        let path = format!("{thread}/comments/{first}/react");
                        let sent = browser.send_and_read(post(path, "reaction=agree".into()));
                        let reply =
                            timed(&mut samples, "reaction", StatusCode::SEE_OTHER, sent).await;
                        if reply.status == StatusCode::SEE_OTHER {
                            done.reaction_toggles += 1;
                        }
                    }
                    6 => {
                        let search = browser.get("/search?q=party");
                        timed(&mut samples, "search", StatusCode::OK, search).await;
                    }
                    _ => {
                        timed(&mut samples, "poll", StatusCode::OK, browser.get(&poll)).await;
                    }
                }
            }
            (samples, Some((n, done)))
        }));
    }
    for n in 0..VISITORS {
        let base = app.url("");
        let thread = thread.clone();
        tasks.push(tokio::spawn(async move {
            let browser = Browser::new(&base);
            let csrf = browser.csrf_token("/sign-in").await;
            let mut samples = Vec::new();
            let mut i = 0;
            while Instant::now() < deadline {
                i += 1;
                match i % 4 {
                    0 => {
                        let email = format!("visitor{n}-{i}@example.org");
                        let body = form_urlencoded::Serializer::new(String::new())
                            .append_pair("email", &email)
                            .finish();
                        let sent =
                            browser.send_and_read(browser.post_with_token("/sign-in", &csrf, body));
                        timed(&mut samples, "sign-in", StatusCode::SEE_OTHER, sent).await;
                    }
                    1 => {
                        timed(
                            &mut samples,
                            "thread (visitor)",
                            StatusCode::OK,
                            browser.get(&thread),
                        )
                        .await;
                    }
                    2 => {
                        timed(
                            &mut samples,
                            "group (visitor)",
                            StatusCode::OK,
                            browser.get("/g/busy"),
                        )
                        .await;
                    }
                    _ => {
                        let search = browser.get("/search?q=chairs");
                        timed(&mut samples, "search (visitor)", StatusCode::OK, search).await;
                    }
                }
            }
            (samples, None)
        }));
    }
    let mut samples = Vec::new();
    let mut acknowledged = BTreeMap::new();
    for task in tasks {
        let (mut some, done) = task.await.unwrap();
        samples.append(&mut some);
        if let Some((n, done)) = done {
            acknowledged.insert(n, done);
        }
    }
    let elapsed = started.elapsed();

    let mut times: Vec<Duration> = samples.iter().map(|s| s.took).collect();
    times.sort();
    let errors = samples
        .iter()
        .filter(|s| s.status.is_server_error())
        .count();
    report(format!(
        "load on {}: {} requests in {:.1} s ({:.0} a second) from {MEMBERS} members and {VISITORS} visitors; 5xx: {errors}; p50 {:.1} ms, p99 {:.1} ms, slowest {:.1} ms",
        if support::on_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        samples.len(),
        elapsed.as_secs_f64(),
        samples.len() as f64 / elapsed.as_secs_f64(),
        percentile(&times, 0.50).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    ));
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for sample in &samples {
        let entry = by_kind.entry(sample.what).or_default();
        entry.0 += 1;
        entry.1 += usize::from(sample.unexpected.is_some());
    }
    report(format!(
        "load: by kind (requests, unexpected answers): {by_kind:?}"
    ));
    let unexpected: Vec<String> = samples
        .iter()
        .filter_map(|s| {
            s.unexpected
                .as_ref()
                .map(|body| format!("{} answered {}: {body}", s.what, s.status))
        })
        .take(5)
        .collect();
    assert!(
        samples.len() > MEMBERS * 10,
        "too few requests to mean anything"
    );
    assert_eq!(
        errors, 0,
        "no answer may be a server error: {unexpected:#?}"
    );
    assert!(
        unexpected.is_empty(),
        "every answer as expected: {unexpected:#?}"
    );

    // Everything acknowledged is there.
    let db = app.database().await;
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM comments")
        .fetch_all(&db)
        .await
        .unwrap();
    let poll_id = poll.trim_start_matches("/p/");
    for (n, done) in &acknowledged {
        for body in &done.comments {
            assert_eq!(
                bodies.iter().filter(|b| *b == body).count(),
                1,
                "member {n}'s comment {body:?} is there once"
            );
        }
        let email = format!("member{n}@example.org");
        let marks: Vec<String> = sqlx::query_scalar(
            "SELECT b.marks FROM ballots b JOIN accounts a ON a.id = b.voter_id \
             WHERE a.email = $1 AND b.poll_id = $2 AND b.replaced_at IS NULL",
        )
        .bind(&email)
        .bind(poll_id)
        .fetch_all(&db)
        .await
        .unwrap();
        let expected: Vec<String> = done
            .last_vote
            .map(|choice| format!("{choice}=1"))
            .into_iter()
            .collect();
        assert_eq!(
            marks, expected,
            "member {n}'s current vote is their last one"
        );
        let reacted: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM reactions r JOIN accounts a ON a.id = r.account_id \
             WHERE a.email = $1 AND r.comment_id = $2 AND r.kind = 'agree'",
        )
        .bind(&email)
        .bind(&first)
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(
            reacted,
            i64::from(done.reaction_toggles % 2 == 1),
            "member {n}'s reaction matches the {} toggles acknowledged",
            done.reaction_toggles
        );
    }
    let written: usize = acknowledged.values().map(|d| d.comments.len()).sum();
    report(format!(
        "load: {written} acknowledged comments, all present"
    ));
}
