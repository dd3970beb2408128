//! `/healthz`, as a load balancer or service manager uses it: "ok" while the database answers and
//! is set up, 503 "unavailable" otherwise, and never a word about why (that goes to the log).

mod support;

use reqwest::StatusCode;
use support::TestApp;

#[tokio::test]
async fn healthz_answers_ok_in_plain_text() {
    let app = TestApp::start();
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.text().await.unwrap(), "ok\n");
}

#[tokio::test]
async fn healthz_says_unavailable_when_the_database_is_not_set_up_and_logs_why() {
    let app = TestApp::start();
    let database = app.database().await;
    sqlx::query("DELETE FROM instance")
        .execute(&database)
        .await
        .unwrap();
    database.close().await;

    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(
        response.text().await.unwrap(),
        "unavailable\n",
        "the cause is for the log, not for whoever asks"
    );
    let log = app.wait_for_log("served status=503");
    assert!(log.contains("health check failed"), "{log}");

    let (status, _) = app.get_text("/").await;
    assert_eq!(status, StatusCode::OK, "pages that need no data still work");
}
