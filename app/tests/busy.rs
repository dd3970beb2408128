//! When the database is genuinely too busy: a reader still gets the thread page, and a form
//! sent at that moment is answered "Quorum is busy" (503, `Retry-After`) with everything that
//! was typed kept, ready to send again; never the 500 page, and never lost work.
//!
//! Strategy: the real server on its real database, made busy for real by a connection of the
//! test's own that holds the write lock (SQLite) or locks the tables (PostgreSQL) for longer
//! than the server waits.

mod support;

use std::time::Instant;

use reqwest::StatusCode;
use support::browser::{hidden_fields, strip_tags};
use support::journey::{
    create_group, post_comment, signed_in_browser_named, start_thread, start_with_mail,
};
use support::{TestApp, on_postgres};

#[tokio::test]
async fn a_busy_database_answers_try_again_with_the_answers_kept_and_never_fails_a_reader() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Busy Street", "busy", "open").await;
    let thread = start_thread(&ann, "busy", "Street party", "Plans.").await;
    let first = post_comment(&ann, &thread, "Chairs?", None).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let page = ann.get(&thread).await;
    // Bob has not read it yet: his visit must write his read marks.
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    let joined = bob.submit("/g/busy", "/g/busy/join", &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);

    // Another program holds the write lock of the database file (on PostgreSQL, of the tables
    // that comments and read marks are written to) past the server's waiting time.
    let db = app.database().await;
    let mut holder = db.acquire().await.unwrap();
    if on_postgres() {
        sqlx::query("BEGIN").execute(&mut *holder).await.unwrap();
        sqlx::query("LOCK TABLE comments, thread_reads IN EXCLUSIVE MODE")
            .execute(&mut *holder)
            .await
            .unwrap();
    } else {
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *holder)
            .await
            .unwrap();
    }

    // Reading the thread needs a write (the read marks): the page comes all the same.
    let started = Instant::now();
    let read = bob.get(&thread).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.h1().as_deref(), Some("Street party"));
    println!(
        "the thread page took {:?} while the database was held",
        started.elapsed()
    );

    // A comment cannot be saved now: 503, try again, and what she wrote is in the page.
    let words = "I can bring chairs & a table.\nAnd \"lemonade\" <too>.";
    let sent = ann
        .submit_from(
            &page.body,
            &format!("{thread}/comments"),
            &[("body", words)],
        )
        .await;
    assert_eq!(
        sent.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        sent.body
    );
    assert_eq!(sent.header("retry-after"), Some("5"));
    assert_eq!(sent.h1().as_deref(), Some("Quorum is busy"));
    assert_eq!(sent.title(), Some("Quorum is busy – Quorum"));
    assert!(sent.header("cache-control").unwrap().contains("no-store"));
    assert!(!sent.body.contains("Sorry, there is a problem"));
    assert!(
        strip_tags(&sent.body).contains("Ann Lee"),
        "still shown as signed in"
    );
    let kept = hidden_fields(&sent.body, &format!("{thread}/comments"))
        .expect("a form that sends the answers again");
    assert!(
        kept.iter()
            .any(|(name, value)| name == "body" && value == words),
        "{kept:?}"
    );
    // The log is read as the server writes it, which may be a moment behind the page.
    app.wait_for_log("the database was too busy");
    let logs = app.wait_for_log("comments were not marked read");
    assert!(!logs.contains("lemonade"), "the log holds no answer");

    // The lock is gone: "Send again" saves it, once.
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    drop(holder);
    let again = ann
        .submit_from(&sent.body, &format!("{thread}/comments"), &[])
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let saved: i64 = sqlx::query_scalar("SELECT count(*) FROM comments WHERE body = $1")
        .bind(words)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(saved, 1);
}

#[tokio::test]
async fn the_busy_page_example_keeps_what_was_sent() {
    let app = TestApp::start();
    let browser = app.browser();
    let example = browser.get("/design/errors/busy").await;
    assert_eq!(example.status, StatusCode::OK);
    let sent = browser
        .submit_from(
            &example.body,
            "/design/errors/busy",
            &[("comment", "Line one\nLine two")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(sent.header("retry-after"), Some("5"));
    let kept = hidden_fields(&sent.body, "/design/errors/busy").unwrap();
    assert!(kept.contains(&("comment".to_string(), "Line one\nLine two".to_string())));
    // Sent again, it is checked like any form: the same answer, the same answers.
    let again = browser
        .submit_from(&sent.body, "/design/errors/busy", &[])
        .await;
    assert_eq!(again.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(again.body.contains("Line one"));
    // A password or a sign-in code is never copied into a page: go back instead.
    let secret = browser
        .submit_from(
            &example.body,
            "/design/errors/busy",
            &[
                ("comment", "Line one"),
                ("password", "correct horse 42"),
                ("code", "123456"),
            ],
        )
        .await;
    assert_eq!(secret.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(!secret.body.contains("correct horse"));
    assert!(!secret.body.contains("123456"));
    assert!(hidden_fields(&secret.body, "/design/errors/busy").is_none());
    assert!(strip_tags(&secret.body).contains("go back to the form"));
    let refused = browser.post_raw("/design/errors/busy", "comment=x").await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "the CSRF check comes first"
    );
}
