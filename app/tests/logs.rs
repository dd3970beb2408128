//! What the server writes to its log, as a privacy auditor reads it: one line per request with
//! its id, method, path and status, and never a query string, a form answer, a cookie or an
//! authorization header. The privacy notice (`/privacy`) promises exactly this.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use support::TestApp;

const SECRETS: [&str; 4] = [
    "secret-value",
    "secret-answer",
    "secret-cookie",
    "secret-credentials",
];

/// Sends requests that carry a secret in every place a careless log would print it.
async fn send_secrets(app: &TestApp) -> String {
    let response = app
        .client()
        .get(app.url("/design/forms?token=secret-value&next=%2F"))
        .header("cookie", "session=secret-cookie")
        .header("authorization", "Bearer secret-credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    let response = app
        .post_form(
            "/design/forms?token=secret-value",
            "name=secret-answer&email=secret-answer",
        )
        .await;
    assert_eq!(response.status(), 422);
    request_id
}

#[tokio::test]
async fn requests_are_logged_by_path_without_query_strings_answers_or_credentials() {
    let app = TestApp::start();
    let request_id = send_secrets(&app).await;
    app.wait_for_log("status=422");
    let log = app.logs();

    let get_line = log
        .lines()
        .find(|line| line.contains(&request_id))
        .unwrap_or_else(|| panic!("the request {request_id} was not logged:\n{log}"));
    assert!(get_line.contains("method=GET"), "{get_line}");
    assert!(get_line.contains(r#"path="/design/forms""#), "{get_line}");
    assert!(get_line.contains("status=200"), "{get_line}");
    for secret in SECRETS {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
    assert!(!log.contains("token="), "{log}");
}

#[tokio::test]
async fn json_logs_are_one_object_a_line_and_keep_the_same_secrets() {
    let app = TestApp::builder().env("QUORUM_LOG_FORMAT", "json").start();
    let request_id = send_secrets(&app).await;
    app.wait_for_log(r#""status":422"#);
    let log = app.logs();

    for line in log.lines() {
        assert!(
            line.starts_with('{') && line.ends_with('}'),
            "not a JSON object: {line}"
        );
        assert!(line.contains(r#""level":"#), "{line}");
    }
    let get_line = log
        .lines()
        .find(|line| line.contains(&request_id))
        .unwrap_or_else(|| panic!("the request {request_id} was not logged:\n{log}"));
    assert!(get_line.contains(r#""path":"/design/forms""#), "{get_line}");
    for secret in SECRETS {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
}
