//! Several servers on one database are one Quorum: a limit counted on one counts on the other,
//! every queued email goes out exactly once whichever server sends it, and someone signed in
//! through one is signed in on the other.
//!
//! Strategy: two real server processes on one database (one PostgreSQL database, or one SQLite
//! file in a shared data folder), one SMTP sink, and requests spread over both.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::StatusCode;
use support::browser::Browser;
use support::journey::sign_in_as;
use support::smtp::SmtpSink;
use support::{TestApp, TestAppBuilder, new_postgres_database, on_postgres};

/// Two builders for servers that share one database.
fn two_on_one_database(temp: &tempfile::TempDir) -> (TestAppBuilder, TestAppBuilder) {
    if on_postgres() {
        let url = new_postgres_database();
        (
            TestApp::builder().env("DATABASE_URL", &url),
            TestApp::builder().env("DATABASE_URL", &url),
        )
    } else {
        let data = temp.path().join("data");
        (
            TestApp::builder().data_dir(&data),
            TestApp::builder().data_dir(&data),
        )
    }
}

#[tokio::test]
async fn a_burst_of_sign_in_requests_spread_over_two_servers_meets_one_limit() {
    let temp = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start().await;
    let (a, b) = two_on_one_database(&temp);
    let a = a.env("QUORUM_SMTP_URL", sink.url()).start();
    let b = b.env("QUORUM_SMTP_URL", sink.url()).start();
    let (on_a, on_b) = (a.browser(), b.browser());
    let token_a = on_a.csrf_token("/sign-in").await;
    let token_b = on_b.csrf_token("/sign-in").await;

    // One address asks 8 times, turn about: 5 an address may ask from one place, then it waits.
    let mut answers = Vec::new();
    for n in 0..8 {
        let (browser, token) = if n % 2 == 0 {
            (&on_a, &token_a)
        } else {
            (&on_b, &token_b)
        };
        let reply = browser
            .send_and_read(browser.post_with_token("/sign-in", token, "email=ann%40example.org"))
            .await;
        answers.push(reply.status);
    }
    let allowed = answers
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((allowed, refused), (5, 3), "{answers:?}");
    assert_eq!(
        &answers[..5],
        &[StatusCode::SEE_OTHER; 5],
        "the first five pass"
    );
    let mails = sink.wait_for(5, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.messages().len(), 5, "{}", mails.len());
}

#[tokio::test]
async fn fifty_queued_emails_are_each_delivered_once_and_a_session_works_on_both() {
    const EMAILS: usize = 50;
    let temp = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start().await;
    let (a, b) = two_on_one_database(&temp);
    let a = a
        .env("QUORUM_SMTP_URL", sink.url())
        .env("QUORUM_RATE_LIMIT_IP_FACTOR", "100")
        .start();
    let b = b
        .env("QUORUM_SMTP_URL", sink.url())
        .env("QUORUM_RATE_LIMIT_IP_FACTOR", "100")
        .start();

    // Fifty people ask to sign in at once, half through each server; both servers send mail.
    let mut asking = Vec::new();
    for n in 0..EMAILS {
        let base = if n % 2 == 0 { a.url("") } else { b.url("") };
        asking.push(tokio::spawn(async move {
            let browser = Browser::new(&base);
            let token = browser.csrf_token("/sign-in").await;
            let body = format!("email=person{n}%40example.org");
            browser
                .send_and_read(browser.post_with_token("/sign-in", &token, body))
                .await
                .status
        }));
    }
    for task in asking {
        assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER);
    }
    sink.wait_for(EMAILS, Duration::from_secs(30)).await;
    // Time for a second delivery of anything, were one to happen.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut per_address: BTreeMap<String, usize> = BTreeMap::new();
    for message in sink.messages() {
        let to = support::inbox::header(&message, "To").unwrap_or_default();
        *per_address.entry(to).or_default() += 1;
    }
    assert_eq!(per_address.len(), EMAILS, "{per_address:?}");
    assert!(
        per_address.values().all(|n| *n == 1),
        "each email exactly once: {per_address:?}"
    );
    let log = format!("{}{}", a.logs(), b.logs());
    assert!(log.contains("email accepted by the SMTP server"));

    // Signed in through one server, signed in on the other: sessions live in the database.
    let browser = a.browser();
    sign_in_as(&browser, &sink, "carol@example.org").await;
    let session = browser.cookie("quorum_session").unwrap();
    let other = b.browser();
    other.set_cookie("quorum_session", &session);
    let account = other.get("/account").await;
    assert_eq!(account.status, StatusCode::OK, "{}", account.body);
    assert!(account.body.contains("carol@example.org"));
}
