//! The performance budget, measured on what the server really sends: a page's HTML plus the
//! stylesheet, brotli-compressed as a browser receives them, fit in the first TCP round trip.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use support::{TestApp, between};

/// At most 14 KB for HTML and CSS together (DESIGN: performance budgets).
const BUDGET_BYTES: usize = 14 * 1024;

/// The number of bytes `path` takes on the wire with brotli.
async fn brotli_size(app: &TestApp, path: &str) -> usize {
    let response = app.get_brotli(path).await;
    assert_eq!(response.headers()["content-encoding"], "br", "{path}");
    response.bytes().await.unwrap().len()
}

#[tokio::test]
async fn every_page_with_its_stylesheet_fits_in_14_kb_of_brotli() {
    let app = TestApp::start();
    let (status, home) = app.get_text("/").await;
    assert_eq!(status, StatusCode::OK);
    let stylesheet = between(&home, r#"<link rel="stylesheet" href=""#, "\"").unwrap();
    let css = brotli_size(&app, stylesheet).await;

    let mut report = vec![format!("stylesheet: {css} bytes")];
    let mut over = Vec::new();
    for path in [
        "/",
        "/accessibility",
        "/privacy",
        "/design",
        "/design/components",
        "/design/forms",
        "/design/forms/done",
        "/no-such-page",
        "/design/errors/server-error",
    ] {
        let total = brotli_size(&app, path).await + css;
        report.push(format!("{path}: {total} bytes with the stylesheet"));
        if total > BUDGET_BYTES {
            over.push(path);
        }
    }
    let browser = app.browser();
    let token = browser.csrf_token("/design/forms").await;
    let form_with_errors = browser
        .post_with_token("/design/forms", &token, "")
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(
        form_with_errors.status(),
        422,
        "the form comes back with errors"
    );
    assert_eq!(form_with_errors.headers()["content-encoding"], "br");
    let total = form_with_errors.bytes().await.unwrap().len() + css;
    report.push(format!(
        "/design/forms with every error: {total} bytes with the stylesheet"
    ));
    if total > BUDGET_BYTES {
        over.push("/design/forms with every error");
    }

    println!("{}", report.join("\n"));
    assert!(
        over.is_empty(),
        "over {BUDGET_BYTES} bytes: {over:?}\n{}",
        report.join("\n")
    );
}
