//! Several servers on one database are one Quorum: a limit counted on one counts on the other,
//! every queued email goes out exactly once whichever server sends it, and someone signed in
//! through one is signed in on the other; and a page one stored is never stale after a change
//! through the other.
//!
//! Strategy: two real server processes on one database (one PostgreSQL database, or one SQLite
//! file in a shared data folder), one SMTP sink, and requests spread over both.

#![expect(clippy::unwrap_used, reason = "tests stop at the first surprise")]

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::StatusCode;
use support::browser::Browser;
use support::journey::{
    create_group, post_comment, sign_in_as, signed_in_browser_named, start_poll, start_thread,
};
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

const METRICS_TOKEN: &str = "metrics-5e0c2b7a9d41f638";

/// `quorum_stored_pages_total` for `outcome`, from the server's metrics.
async fn stored_pages(app: &TestApp, outcome: &str) -> u64 {
    let page = app
        .client()
        .get(app.url("/metrics"))
        .header("authorization", format!("Bearer {METRICS_TOKEN}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let name = format!("quorum_stored_pages_total{{outcome=\"{outcome}\"}} ");
    page.lines()
        .find_map(|line| line.strip_prefix(&name))
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        .parse()
        .unwrap()
}

/// A page anyone may read, as a browser not signed in asks for it (with brotli): its status,
/// `Content-Encoding` and text.
async fn read_signed_out(app: &TestApp, path: &str) -> (StatusCode, Option<String>, String) {
    let response = app.get_brotli(path).await;
    let status = response.status();
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = response.bytes().await.unwrap();
    let text = if encoding.as_deref() == Some("br") {
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &bytes[..], &mut plain).unwrap();
        String::from_utf8(plain).unwrap()
    } else {
        String::from_utf8(bytes.to_vec()).unwrap()
    };
    (status, encoding, text)
}

/// Pages anyone may read are stored by the server that rendered them and sent again while what
/// they show is unchanged. A change made through another server, or straight into the database,
/// shows on the next request, and a poll whose closing time passes shows closed with nothing
/// written: a stored page is never stale, and never shows what has become private.
#[tokio::test]
async fn a_public_page_stored_on_one_server_shows_a_change_made_anywhere_at_once() {
    let temp = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start().await;
    let (a, b) = two_on_one_database(&temp);
    let a = a
        .env("QUORUM_SMTP_URL", sink.url())
        .env("QUORUM_METRICS_TOKEN", METRICS_TOKEN)
        .start();
    let b = b.env("QUORUM_SMTP_URL", sink.url()).start();
    let ann = signed_in_browser_named(&b, &sink, "ann@example.org", "Ann Archer").await;
    create_group(&ann, "Garden", "garden", "open").await;
    let thread = start_thread(&ann, "garden", "Compost bins", "Where shall they go?").await;
    post_comment(&ann, &thread, "By the shed.", None).await;

    // Read on A twice: the same page, compressed once, each time.
    let (status, encoding, first) = read_signed_out(&a, &thread).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(encoding.as_deref(), Some("br"));
    assert!(
        first.contains("By the shed.") && first.contains("Ann Archer"),
        "{first}"
    );
    let (_, _, again) = read_signed_out(&a, &thread).await;
    assert_eq!(again, first);
    // The second was sent as stored: the operator's figures say how often that happens.
    assert_eq!(
        (
            stored_pages(&a, "stored").await,
            stored_pages(&a, "sent").await
        ),
        (1, 1)
    );
    let (_, plain_encoding, plain) = {
        let response = a.get(&thread).await;
        (
            response.status(),
            response.headers().get("content-encoding").cloned(),
            response.text().await.unwrap(),
        )
    };
    assert_eq!(
        (plain_encoding, plain),
        (None, first.clone()),
        "asked for no compression"
    );
    let (_, _, group_page) = read_signed_out(&a, "/g/garden").await;
    assert!(group_page.contains("Compost bins"), "{group_page}");

    // A comment through B shows on A at once, on the thread and on the group's page.
    let posted = post_comment(&ann, &thread, "Or behind the greenhouse.", None).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let (_, _, after_comment) = read_signed_out(&a, &thread).await;
    assert!(
        after_comment.contains("Or behind the greenhouse."),
        "{after_comment}"
    );
    assert!(after_comment.contains("2 comments."), "{after_comment}");

    // So does a new name, which pages of every group show.
    let renamed = ann
        .submit("/account", "/account/name", &[("name", "Ann Baker")])
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    let (_, _, after_name) = read_signed_out(&a, &thread).await;
    assert!(
        after_name.contains("Ann Baker") && !after_name.contains("Ann Archer"),
        "{after_name}"
    );

    // A poll shown open is shown closed once its closing time passes, though nothing is written
    // then (the job that records it has not run). Its closing time is set straight in the
    // database, as an operator might: that change shows at once too.
    let poll = start_poll(&ann, &thread, "proposal", &[("template", "consensus")]).await;
    let db = a.database().await;
    let closes = unix_now() + 5;
    sqlx::query("UPDATE polls SET closes_at = $1 WHERE id = $2")
        .bind(closes)
        .bind(poll.trim_start_matches("/p/"))
        .execute(&db)
        .await
        .unwrap();
    let (_, _, open) = read_signed_out(&a, &poll).await;
    assert!(open.contains("Closes "), "{open}");
    let (_, _, open_again) = read_signed_out(&a, &poll).await;
    assert_eq!(open_again, open);
    while unix_now() <= closes {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, _, closed) = read_signed_out(&a, &poll).await;
    assert!(
        closed.contains("Closed ") && !closed.contains("Closes "),
        "{closed}"
    );

    // A thread moved to another group belongs to another family: it shows its new group at
    // once, even when that family's version is by chance the number the page was stored at.
    create_group(&ann, "Orchard", "orchard", "open").await;
    let (_, _, in_garden) = read_signed_out(&a, &thread).await;
    assert!(in_garden.contains("Garden"), "{in_garden}");
    let stored_at: i64 = sqlx::query_scalar(
        "SELECT version FROM content_versions \
         WHERE family = (SELECT id FROM groups WHERE handle = 'garden')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE threads SET group_id = (SELECT id FROM groups WHERE handle = 'orchard') \
         WHERE id = $1",
    )
    .bind(thread.trim_start_matches("/t/"))
    .execute(&db)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE content_versions SET version = $1 \
         WHERE family = (SELECT id FROM groups WHERE handle = 'orchard')",
    )
    .bind(stored_at)
    .execute(&db)
    .await
    .unwrap();
    let (_, _, moved) = read_signed_out(&a, &thread).await;
    assert!(
        moved.contains("Orchard") && !moved.contains("Garden"),
        "{moved}"
    );

    // Groups made secret straight in the database are gone from A's pages at once.
    sqlx::query("UPDATE groups SET privacy = 'secret', join_mode = 'invitation'")
        .execute(&db)
        .await
        .unwrap();
    for path in [thread.as_str(), "/g/garden", "/g/orchard", poll.as_str()] {
        let (status, _, page) = read_signed_out(&a, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {page}");
        assert!(!page.contains("Compost bins"), "{path}: {page}");
    }
}

fn unix_now() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(now.as_secs()).unwrap()
}
