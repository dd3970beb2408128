//! The account page's optional password and change of email address, and signing in with a
//! password: the rules a new password meets, how it is stored, that a wrong password and an
//! unknown address look the same, throttling that never locks the owner out of email sign-in,
//! and an address change that needs the new inbox and warns the old one.
//!
//! Strategy: real journeys through the pages with `support::browser`, the stored hash read from
//! the SQLite file, and the mail read from the SMTP sink. Each test has its own server, so the
//! in-memory rate limits start full.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use support::browser::{Browser, Reply};
use support::journey::{
    TEST_NAME, confirm_link, is_signed_in, request_sign_in, sign_in_as, signed_in_browser,
    start_with_mail,
};

const GOOD_PASSWORD: &str = "violet tractor harbour lamp";
const CSRF: &str = "quorum_csrf";

async fn set_password(browser: &Browser, password: &str) -> Reply {
    browser
        .submit(
            "/account",
            "/account/password",
            &[("new_password", password)],
        )
        .await
}

fn password_error(html: &str) -> String {
    let error = support::between(html, r#" id="new_password-error""#, "</p>").unwrap();
    error.split_once("Error: </span>").unwrap().1.to_string()
}

async fn password_sign_in(browser: &Browser, email: &str, password: &str) -> Reply {
    browser
        .submit(
            "/sign-in/password",
            "/sign-in/password",
            &[("email", email), ("password", password)],
        )
        .await
}

async fn stored_hash(app: &support::TestApp, email: &str) -> Option<String> {
    let db = app.database().await;
    sqlx::query_scalar("SELECT password_hash FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_password_must_be_long_enough_and_not_common_and_is_stored_as_argon2id() {
    let (app, sink) = start_with_mail().await;
    let browser = signed_in_browser(&app, &sink, "pw@example.org").await;

    for common in ["password1", "iloveyou1", "password"] {
        let reply = set_password(&browser, common).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{common}");
        let message = password_error(&reply.body);
        assert!(
            message.starts_with("This password is one of the 10,000 most used"),
            "{common}: {message}"
        );
        assert!(
            !reply.body.contains(&format!(r#"value="{common}""#)),
            "the password is never sent back"
        );
    }
    let short = set_password(&browser, "abcdefg").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        password_error(&short.body),
        "Password must be 8 characters or more"
    );
    assert!(short.title().unwrap().starts_with("Error: "));
    assert_eq!(stored_hash(&app, "pw@example.org").await, None);

    let accepted = set_password(&browser, GOOD_PASSWORD).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(accepted.location(), Some("/account?done=password-set"));
    let hash = stored_hash(&app, "pw@example.org").await.unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains(GOOD_PASSWORD));
    let page = browser.get("/account?done=password-set").await;
    assert!(page.body.contains("Your password has been saved."));
    assert!(page.body.contains(r#"action="/account/password/remove""#));
}

#[tokio::test]
async fn password_sign_in_works_fails_alike_and_stops_when_the_password_is_removed() {
    let (app, sink) = start_with_mail().await;
    let owner = signed_in_browser(&app, &sink, "pa@example.org").await;
    assert_eq!(
        set_password(&owner, GOOD_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    let laptop = app.browser();
    let form = laptop.get("/sign-in/password?next=%2Fdesign").await;
    assert_eq!(form.header("referrer-policy"), Some("no-referrer"));
    let signed_in = laptop
        .submit_from(
            &form.body,
            "/sign-in/password",
            &[("email", " PA@Example.org "), ("password", GOOD_PASSWORD)],
        )
        .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(signed_in.location(), Some("/design"));
    assert!(signed_in.set_cookie("quorum_session").is_some());
    assert!(is_signed_in(&laptop).await);

    // A wrong password and an address with no account get the same page.
    let mut pages = Vec::new();
    for (email, password) in [
        ("pb@example.org", "wrong password here"),
        ("pa@example.org", "wrong password here"),
    ] {
        let browser = app.browser();
        let reply = password_sign_in(&browser, email, password).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.set_cookie("quorum_session").is_none());
        assert!(!reply.body.contains(password));
        let csrf = browser.cookie(CSRF).unwrap();
        pages.push(reply.body.replace(&csrf, "TOKEN").replace(email, "ADDRESS"));
    }
    assert_eq!(pages[0], pages[1]);
    assert!(pages[0].contains("The email address or the password is not right"));

    let removed = owner
        .submit("/account", "/account/password/remove", &[])
        .await;
    assert_eq!(removed.location(), Some("/account?done=password-removed"));
    assert_eq!(stored_hash(&app, "pa@example.org").await, None);
    let refused = password_sign_in(&app.browser(), "pa@example.org", GOOD_PASSWORD).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.set_cookie("quorum_session").is_none());
}

#[tokio::test]
async fn wrong_passwords_are_throttled_but_the_email_link_still_works() {
    let (app, sink) = start_with_mail().await;
    let owner = signed_in_browser(&app, &sink, "th@example.org").await;
    assert_eq!(
        set_password(&owner, GOOD_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    let attacker = app.browser();
    for n in 1..=10 {
        let reply =
            password_sign_in(&attacker, "th@example.org", &format!("guess number {n}")).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {n}"
        );
    }
    let throttled = password_sign_in(&attacker, "th@example.org", GOOD_PASSWORD).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        throttled.set_cookie("quorum_session").is_none(),
        "the right password got through"
    );
    let wait: u64 = throttled.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert_eq!(throttled.title(), Some("Too many attempts – Quorum"));
    assert_eq!(throttled.h1().as_deref(), Some("Too many attempts"));
    assert_eq!(support::count(&throttled.body, "<h1"), 1);
    assert!(throttled.body.contains(r#"<main id="main""#));

    // The owner, on another device, signs in by email link meanwhile.
    let phone = app.browser();
    let (_, mail) = request_sign_in(&phone, &sink, "th@example.org", None).await;
    let signed_in = confirm_link(&phone, &mail).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(
        signed_in.location(),
        Some("/"),
        "a named account goes straight on"
    );
    assert!(is_signed_in(&phone).await);
    // Another address is not held up by this one's bucket.
    let other = password_sign_in(&attacker, "nobody@example.org", "guess again").await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn changing_the_email_address_needs_the_new_inbox_and_warns_the_old_one() {
    let (app, sink) = start_with_mail().await;
    let browser = signed_in_browser(&app, &sink, "old@example.org").await;

    let asked = browser
        .submit(
            "/account",
            "/account/email",
            &[("new_email", "New@Example.org")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    assert_eq!(asked.location(), Some("/account?done=email-sent"));
    let confirm_mail = sink.wait_for_mail_to("new@example.org", 1).await;
    let notice = sink.wait_for_mail_to("old@example.org", 2).await;
    assert_eq!(notice.subject, "Your Quorum email address is being changed");
    assert!(notice.text.contains("n…@example.org"), "{}", notice.text);
    assert!(
        !notice.text.contains("/account/email/confirm/"),
        "the old inbox gets no link"
    );
    let link = confirm_mail.link_path("/account/email/confirm/");

    // Opening the link (as a mail scanner does) changes nothing.
    let page = browser.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("new@example.org"));
    let account = browser.get("/account").await;
    assert!(
        account
            .body
            .contains("You are signed in as old@example.org.")
    );

    let changed = browser
        .submit_from(&page.body, "/account/email/confirm", &[])
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(changed.location(), Some("/account?done=email-changed"));
    let account = browser.get("/account?done=email-changed").await;
    assert!(
        account
            .body
            .contains("You are signed in as new@example.org.")
    );
    assert!(
        account
            .body
            .contains("Your email address has been changed.")
    );
    let used = browser.get(&link).await;
    assert_eq!(used.status, StatusCode::GONE, "the link works once");

    // Signing in with the new address finds the same, already named account.
    let elsewhere = app.browser();
    let arrived = sign_in_as(&elsewhere, &sink, "new@example.org").await;
    assert_eq!(
        arrived.location(),
        Some("/"),
        "no welcome: it is not a new account"
    );
    let account = elsewhere.get("/account").await;
    assert!(account.body.contains(TEST_NAME));
    assert!(account.body.contains("Firefox on Linux (this device)"));
    assert_eq!(
        support::count(&account.body, r#"action="/account/sessions/end""#),
        1,
        "the session from before the change is listed on the same account"
    );
}

#[tokio::test]
async fn an_address_change_is_refused_with_messages_that_say_what_to_do() {
    let (app, sink) = start_with_mail().await;
    let browser = signed_in_browser(&app, &sink, "me@example.org").await;
    for (typed, message) in [
        ("", "Enter your new email address"),
        (
            "me@",
            "Enter an email address in the correct format, like name@example.org",
        ),
        (
            "ME@example.org",
            "This is already your email address. Enter a different one",
        ),
    ] {
        let reply = browser
            .submit("/account", "/account/email", &[("new_email", typed)])
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(reply.body.contains(message), "{typed}: {message}");
        assert!(reply.title().unwrap().starts_with("Error: "));
    }
    let unsigned = app.browser();
    let token = unsigned.csrf_token("/sign-in").await;
    let refused = unsigned
        .post_raw(
            "/account/email",
            format!("csrf_token={token}&new_email=x%40example.org"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert_eq!(refused.location(), Some("/sign-in?next=%2Faccount%2Femail"));
}
