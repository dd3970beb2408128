//! Behind a reverse proxy: the client's address comes from `X-Forwarded-For` only when the
//! request comes from the proxy named by `QUORUM_TRUSTED_PROXY`, and then only its last entry.

mod support;

use reqwest::StatusCode;
use support::TestApp;
use support::browser::Browser;
use support::journey::start_with_mail_and;

/// Asks for a sign-in email with an `X-Forwarded-For` header and returns the IP the audit log
/// recorded for it.
#[expect(
    clippy::expect_used,
    reason = "a test helper: no audit line fails the test"
)]
async fn recorded_ip(app: &TestApp, forwarded: &str) -> String {
    let browser = Browser::new(&app.url(""));
    let page = browser.get("/sign-in").await;
    let body = browser.form_body(&page.body, "/sign-in", &[("email", "proxy@example.org")]);
    let reply = browser
        .send_and_read(
            browser
                .form_request("/sign-in", body)
                .header("x-forwarded-for", forwarded),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    // The audit lines are read and then cleared, so each call finds its own request's line.
    let db = app.database().await;
    let ip = sqlx::query_scalar("SELECT ip FROM audit_events WHERE action = 'sign_in_requested'")
        .fetch_one(&db)
        .await
        .expect("one audit line");
    sqlx::query("DELETE FROM audit_events")
        .execute(&db)
        .await
        .expect("the audit lines are cleared");
    ip
}

#[tokio::test]
async fn the_trusted_proxy_names_the_client_with_the_last_forwarded_entry() {
    let (app, _sink) =
        start_with_mail_and(TestApp::builder().env("QUORUM_TRUSTED_PROXY", "127.0.0.1")).await;
    assert_eq!(
        recorded_ip(&app, "6.6.6.6, 203.0.113.9").await,
        "203.0.113.9"
    );
}

#[tokio::test]
async fn without_a_trusted_proxy_forwarded_headers_are_ignored() {
    let (app, _sink) = start_with_mail_and(TestApp::builder()).await;
    assert_eq!(recorded_ip(&app, "203.0.113.9").await, "127.0.0.1");
}
