//! Cross-site request forgery: every form post needs the page's token (matching the browser's
//! cookie) and, when the browser says where the post comes from, this site as its origin. A
//! refused post gets a 403 page and changes nothing: no email, no session ended, no sign-out.
//!
//! Strategy: a real browser session (`support::browser`) makes each forged post by hand, then
//! the test checks the database and the pages for any change.

mod support;

use reqwest::StatusCode;
use support::browser::{Browser, Reply};
use support::journey::{is_signed_in, signed_in_browser, start_with_mail};

const CSRF: &str = "quorum_csrf";

fn assert_refused(reply: &Reply, what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "{what}: {}",
        reply.body
    );
    assert_eq!(
        reply.title(),
        Some("Your form could not be sent – Quorum"),
        "{what}"
    );
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(reply.set_cookie("quorum_session").is_none(), "{what}");
}

/// The three forgeries of a post to `path` with `fields`: no token, a wrong token, and the
/// right token sent from another site (by `Origin`, and by `Referer` alone).
async fn forge(browser: &Browser, page: &str, path: &str, fields: &str) {
    let token = browser.csrf_token(page).await;
    let without = browser.post_raw(path, fields.to_string()).await;
    assert_refused(&without, &format!("{path} without a token"));

    let wrong = "A".repeat(43);
    let wrong_token = browser
        .post_raw(path, format!("csrf_token={wrong}&{fields}"))
        .await;
    assert_refused(&wrong_token, &format!("{path} with a wrong token"));

    let body = format!("csrf_token={token}&{fields}");
    let from_evil = browser
        .send_and_read(
            browser
                .request(reqwest::Method::POST, path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", "https://evil.example")
                .body(body.clone()),
        )
        .await;
    assert_refused(&from_evil, &format!("{path} from another origin"));

    let referred = browser
        .send_and_read(
            browser
                .request(reqwest::Method::POST, path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("referer", "https://evil.example/page")
                .body(body.clone()),
        )
        .await;
    assert_refused(&referred, &format!("{path} referred by another site"));

    let look_alike = format!("{}.evil.example", browser.origin());
    let prefixed = browser
        .send_and_read(
            browser
                .request(reqwest::Method::POST, path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", look_alike)
                .body(body),
        )
        .await;
    assert_refused(&prefixed, &format!("{path} from a look-alike host"));
}

#[tokio::test]
async fn forged_sign_in_requests_are_refused_and_send_no_email() {
    let (app, _sink) = start_with_mail().await;
    let browser = app.browser();
    forge(
        &browser,
        "/sign-in",
        "/sign-in",
        "email=victim%40example.org",
    )
    .await;

    let db = app.database().await;
    let mails: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(&db)
        .await
        .unwrap();
    let requests: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_requests")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!((mails, requests), (0, 0), "a refused post did something");

    // The same browser, posting the page's form as it is, gets through.
    let honest = browser
        .submit("/sign-in", "/sign-in", &[("email", "victim@example.org")])
        .await;
    assert_eq!(honest.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forged_account_changes_and_sign_outs_change_nothing() {
    let (app, sink) = start_with_mail().await;
    let laptop = signed_in_browser(&app, &sink, "ro@example.org").await;
    let phone = signed_in_browser(&app, &sink, "ro@example.org").await;

    forge(&phone, "/account", "/account/sessions/end-others", "").await;
    forge(&phone, "/account", "/sign-out", "").await;
    forge(&phone, "/account", "/account/name", "name=Mallory").await;
    forge(
        &phone,
        "/account",
        "/account/email",
        "new_email=mallory%40example.org",
    )
    .await;
    forge(
        &phone,
        "/account",
        "/account/password",
        "new_password=correct+horse+battery",
    )
    .await;

    assert!(is_signed_in(&laptop).await, "the other session was ended");
    assert!(is_signed_in(&phone).await, "the session was signed out");
    let account = phone.get("/account").await;
    assert!(!account.body.contains("Mallory"));
    assert!(
        account
            .body
            .contains("You sign in with links sent to your email")
    );
    let db = app.database().await;
    let (changes, to_mallory): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM email_changes), \
                (SELECT COUNT(*) FROM outbox WHERE recipient LIKE '%mallory%')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((changes, to_mallory), (0, 0));
}

#[tokio::test]
async fn the_token_from_before_sign_in_is_worthless_after_it() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    let before = browser.csrf_token("/sign-in").await;
    let cookie_before = browser.cookie(CSRF).unwrap();
    support::journey::sign_in_as(&browser, &sink, "su@example.org").await;
    let cookie_after = browser.cookie(CSRF).unwrap();
    assert_ne!(
        cookie_before, cookie_after,
        "the CSRF cookie is replaced at sign-in"
    );

    let stale = browser
        .post_raw("/account/name", format!("csrf_token={before}&name=Planted"))
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    let fresh = browser
        .submit("/account", "/account/name", &[("name", "Su")])
        .await;
    assert_eq!(fresh.status, StatusCode::SEE_OTHER);
    assert_eq!(fresh.location(), Some("/account?done=name"));
}
