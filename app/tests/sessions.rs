//! Sessions as their owner and an auditor see them: a new id at every sign-in, a list of where
//! one is signed in (with a device hint), ending one or all other sessions from the account
//! page, signing out on the server, and the optional idle timeout.
//!
//! Strategy: several `Browser`s signed in to one account on one server; "is this browser still
//! signed in" is asked of `/account`, and the database is read or edited where time must pass.

mod support;

use reqwest::StatusCode;
use support::TestApp;
use support::browser::{FIREFOX_ON_LINUX, form_tags};
use support::journey::{
    is_signed_in, sign_in_as, signed_in_browser, start_with_mail, start_with_mail_and,
};

const SESSION: &str = "quorum_session";
const CHROME_ON_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

/// The `session` fields of the "Sign out …" forms on the account page: the other sessions.
fn other_sessions(html: &str) -> Vec<String> {
    form_tags(html)
        .into_iter()
        .filter(|(action, _)| action == "/account/sessions/end")
        .filter_map(|(_, fields)| {
            fields
                .into_iter()
                .find(|(name, _)| name == "session")
                .map(|(_, value)| value)
        })
        .collect()
}

#[tokio::test]
async fn every_sign_in_makes_a_new_session_id() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    // A session id planted before sign-in (session fixation) is not taken over.
    browser.set_cookie(SESSION, &"P".repeat(43));
    sign_in_as(&browser, &sink, "ma@example.org").await;
    let first = browser.cookie(SESSION).unwrap();
    assert_ne!(first, "P".repeat(43));
    assert_eq!(first.len(), 43, "256 bits, URL-safe base64");

    let out = browser.submit("/account", "/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    sign_in_as(&browser, &sink, "ma@example.org").await;
    let second = browser.cookie(SESSION).unwrap();
    assert_ne!(first, second);

    let db = app.database().await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1, "the signed-out session is gone");
    assert!(!stored.contains(&second), "the id is stored only hashed");
    assert_eq!(stored[0].len(), 64);
}

#[tokio::test]
async fn the_account_page_lists_sessions_and_ends_another_one() {
    let (app, sink) = start_with_mail().await;
    let laptop = signed_in_browser(&app, &sink, "na@example.org").await;
    let desktop = app.browser().with_user_agent(CHROME_ON_WINDOWS);
    sign_in_as(&desktop, &sink, "na@example.org").await;

    let page = laptop.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Firefox on Linux (this device)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Chrome on Windows"), "{}", page.body);
    assert!(
        !page.body.contains(FIREFOX_ON_LINUX),
        "only the family is shown"
    );
    let others = other_sessions(&page.body);
    assert_eq!(others.len(), 1, "one other session to end");
    assert!(page.body.contains("Sign out Chrome on Windows (signed in "));

    let ended = laptop
        .submit_from(&page.body, "/account/sessions/end", &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert_eq!(ended.location(), Some("/account?done=session-ended"));
    let after = laptop.get("/account?done=session-ended").await;
    assert!(after.body.contains("That session has been ended."));
    assert!(other_sessions(&after.body).is_empty());

    assert!(
        !is_signed_in(&desktop).await,
        "the ended session still works"
    );
    assert!(is_signed_in(&laptop).await);

    // Ending it again, or another account's session, is not found.
    let again = laptop
        .submit_from(&page.body, "/account/sessions/end", &[])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let stranger = signed_in_browser(&app, &sink, "ot@example.org").await;
    let db = app.database().await;
    let stranger_session: String = sqlx::query_scalar(
        "SELECT s.public_id FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = $1",
    )
    .bind("ot@example.org")
    .fetch_one(&db)
    .await
    .unwrap();
    let foreign = laptop
        .submit_from(
            &page.body,
            "/account/sessions/end",
            &[("session", &stranger_session)],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert!(is_signed_in(&stranger).await);
}

#[tokio::test]
async fn signing_out_everywhere_else_keeps_only_this_session() {
    let (app, sink) = start_with_mail().await;
    let keeper = signed_in_browser(&app, &sink, "ol@example.org").await;
    let second = signed_in_browser(&app, &sink, "ol@example.org").await;
    let third = signed_in_browser(&app, &sink, "ol@example.org").await;
    let someone_else = signed_in_browser(&app, &sink, "pe@example.org").await;

    let ended = keeper
        .submit("/account", "/account/sessions/end-others", &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert_eq!(ended.location(), Some("/account?done=sessions-ended"));
    assert!(is_signed_in(&keeper).await);
    assert!(!is_signed_in(&second).await);
    assert!(!is_signed_in(&third).await);
    assert!(
        is_signed_in(&someone_else).await,
        "another account's session ended"
    );
    let page = keeper.get("/account?done=sessions-ended").await;
    assert!(
        page.body
            .contains("All your other sessions have been ended.")
    );
    assert!(
        !page
            .body
            .contains(r#"action="/account/sessions/end-others""#)
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let (app, sink) = start_with_mail().await;
    let browser = signed_in_browser(&app, &sink, "qi@example.org").await;
    let cookie = browser.cookie(SESSION).unwrap();

    let out = browser.submit("/account", "/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/signed-out"));
    let removal = out.set_cookie(SESSION).unwrap();
    assert!(removal.contains("Max-Age=0"), "{removal}");
    assert!(browser.cookie(SESSION).is_none());
    let page = browser.get("/signed-out").await;
    assert_eq!(page.h1().as_deref(), Some("You have signed out"));

    // Someone who copied the cookie before sign-out gets nothing with it.
    let thief = app.browser();
    thief.set_cookie(SESSION, &cookie);
    let account = thief.get("/account").await;
    assert_eq!(account.status, StatusCode::SEE_OTHER);
    assert_eq!(account.location(), Some("/sign-in?next=%2Faccount"));
    assert!(
        account
            .set_cookie(SESSION)
            .is_some_and(|c| c.contains("Max-Age=0")),
        "the stale cookie is removed"
    );
    let home = app.browser();
    home.set_cookie(SESSION, &cookie);
    assert!(!home.get("/").await.body.contains(r#"action="/sign-out""#));
}

#[tokio::test]
async fn with_an_idle_timeout_a_session_unused_for_longer_ends() {
    let (app, sink) =
        start_with_mail_and(TestApp::builder().env("QUORUM_SESSION_IDLE_TIMEOUT", "1")).await;
    let idle = signed_in_browser(&app, &sink, "ry@example.org").await;
    let busy = signed_in_browser(&app, &sink, "ry@example.org").await;
    assert!(is_signed_in(&idle).await);

    let db = app.database().await;
    let idle_hash = support_digest(&idle.cookie(SESSION).unwrap());
    let pushed =
        sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 120 WHERE id_hash = $1")
            .bind(&idle_hash)
            .execute(&db)
            .await
            .unwrap();
    assert_eq!(pushed.rows_affected(), 1);

    assert!(
        !is_signed_in(&idle).await,
        "a session idle for 2 minutes still works"
    );
    assert!(is_signed_in(&busy).await, "the other session is not idle");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE id_hash = $1")
        .bind(&idle_hash)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(left, 0, "the idle session is deleted, not just refused");
}

#[tokio::test]
async fn without_an_idle_timeout_an_old_session_still_works() {
    let (app, sink) = start_with_mail().await;
    let browser = signed_in_browser(&app, &sink, "si@example.org").await;
    let db = app.database().await;
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 90 * 24 * 60 * 60")
        .execute(&db)
        .await
        .unwrap();
    assert!(is_signed_in(&browser).await);
}

/// SHA-256 as lowercase hex: how Quorum stores a session id.
fn support_digest(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
