//! Security, caching and compression headers, as a browser and an auditor see them: every kind
//! of response carries the security headers, pages are never stored, the hashed stylesheet and
//! enhancement script are cached for a year and only under their real names, and compressed
//! pages decode to the same HTML.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::io::Read;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use support::{TestApp, between};

/// A valid answer to the form pattern.
const VALID_FORM: &str =
    "name=Ann+Lee&email=ann%40example.org&contact=email&topics=decisions&message=Hello";

/// The stylesheet's address, as the home page links it.
async fn stylesheet_path(app: &TestApp) -> String {
    let (_, home) = app.get_text("/").await;
    let path = between(&home, r#"<link rel="stylesheet" href=""#, "\"")
        .unwrap()
        .to_string();
    let hash = path
        .strip_prefix("/assets/quorum-")
        .and_then(|rest| rest.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("unexpected stylesheet address {path}"));
    assert!(
        hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "the stylesheet name carries no content hash: {path}"
    );
    path
}

/// The enhancement script's address, as the home page links it in its head: the only script,
/// external (the CSP allows no inline script) and deferred (it never holds up the page).
async fn script_path(app: &TestApp, page: &str) -> String {
    let (_, html) = app.get_text(page).await;
    let head = between(&html, "<head>", "</head>").unwrap();
    let tag = between(head, "<script ", "</script>")
        .unwrap_or_else(|| panic!("{page} links no script: {head}"));
    assert_eq!(html.matches("<script").count(), 1, "{page}: {html}");
    let path = between(tag, r#"src=""#, "\"").unwrap().to_string();
    assert!(
        tag.split(['"', ' ', '>']).any(|word| word == "defer"),
        "{page}: the script is not deferred: {tag}"
    );
    let hash = path
        .strip_prefix("/assets/quorum-")
        .and_then(|rest| rest.strip_suffix(".js"))
        .unwrap_or_else(|| panic!("unexpected script address {path}"));
    assert!(
        hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "the script name carries no content hash: {path}"
    );
    path
}

fn header<'a>(headers: &'a HeaderMap, name: &str, what: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("{what}: no {name} header"))
        .to_str()
        .unwrap()
}

fn assert_security_headers(headers: &HeaderMap, what: &str) {
    let csp = header(headers, "content-security-policy", what);
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for required in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(
            directives.contains(&required),
            "{what}: CSP lacks {required}: {csp}"
        );
    }
    for unsafe_source in ["'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:"] {
        assert!(
            !csp.split_whitespace()
                .any(|token| token.trim_end_matches(';') == unsafe_source),
            "{what}: CSP allows {unsafe_source}: {csp}"
        );
    }

    let hsts = header(headers, "strict-transport-security", what);
    let max_age: u64 = between(&format!("{hsts};"), "max-age=", ";")
        .and_then(|age| age.trim().parse().ok())
        .unwrap_or_else(|| panic!("{what}: HSTS without max-age: {hsts}"));
    assert!(
        max_age >= 31_536_000,
        "{what}: HSTS shorter than a year: {hsts}"
    );

    assert_eq!(
        header(headers, "x-content-type-options", what),
        "nosniff",
        "{what}"
    );
    assert_eq!(
        header(headers, "referrer-policy", what),
        "strict-origin-when-cross-origin",
        "{what}"
    );
    assert_eq!(header(headers, "x-frame-options", what), "DENY", "{what}");
    let permissions = header(headers, "permissions-policy", what);
    for feature in [
        "camera=()",
        "microphone=()",
        "geolocation=()",
        "interest-cohort=()",
    ] {
        assert!(permissions.contains(feature), "{what}: {permissions}");
    }
    assert_eq!(
        header(headers, "cross-origin-opener-policy", what),
        "same-origin",
        "{what}"
    );
    assert!(
        !header(headers, "x-request-id", what).is_empty(),
        "{what}: empty request id"
    );
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::start();
    let stylesheet = stylesheet_path(&app).await;
    let requests = [
        (Method::GET, "/".to_string(), None, StatusCode::OK),
        (Method::GET, "/design/forms".into(), None, StatusCode::OK),
        (
            Method::GET,
            "/no-such-page".into(),
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/design/errors/server-error".into(),
            None,
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
        (Method::GET, "/healthz".into(), None, StatusCode::OK),
        (Method::GET, stylesheet, None, StatusCode::OK),
        (Method::GET, "/robots.txt".into(), None, StatusCode::OK),
        (Method::GET, "/favicon.svg".into(), None, StatusCode::OK),
        (Method::HEAD, "/".into(), None, StatusCode::OK),
        (
            Method::POST,
            "/design/forms".into(),
            Some(String::new()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/design/forms".into(),
            Some(VALID_FORM.to_string()),
            StatusCode::SEE_OTHER,
        ),
        (
            Method::POST,
            "/design/forms".into(),
            Some(format!("message={}", "x".repeat(300 * 1024))),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            Method::POST,
            "/".into(),
            Some(String::new()),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    let browser = app.browser();
    let token = browser.csrf_token("/design/forms").await;
    for (method, path, body, status) in requests {
        let what = format!("{method} {path}");
        let request = match body {
            Some(body) if method == Method::POST => browser.post_with_token(&path, &token, body),
            Some(_) => unreachable!("only posts have bodies here"),
            None => app.client().request(method, app.url(&path)),
        };
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{what}");
        assert_security_headers(response.headers(), &what);
    }
    let refused = browser.post_raw("/design/forms", VALID_FORM).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a post without a token"
    );
    assert_security_headers(&refused.headers, "the refused post");
}

#[tokio::test]
async fn every_response_has_its_own_request_id() {
    let app = TestApp::start();
    let first = app.get("/").await;
    let second = app.get("/").await;
    let first = header(first.headers(), "x-request-id", "first");
    let second = header(second.headers(), "x-request-id", "second");
    assert_ne!(first, second);
}

#[tokio::test]
async fn a_request_id_sent_by_a_client_is_replaced() {
    let app = TestApp::start();
    let response = app
        .client()
        .get(app.url("/"))
        .header("x-request-id", "chosen-by-client")
        .send()
        .await
        .unwrap();
    let id = header(response.headers(), "x-request-id", "home");
    assert_ne!(id, "chosen-by-client");
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[tokio::test]
async fn pages_with_forms_errors_and_form_answers_are_never_stored_in_a_cache() {
    let app = TestApp::start();
    for path in ["/design/forms", "/design/forms/done", "/no-such-page"] {
        let response = app.get(path).await;
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    for body in ["", VALID_FORM] {
        let response = app.post_form("/design/forms", body).await;
        assert_eq!(
            response.headers()["cache-control"],
            "no-store",
            "POST {body:?}"
        );
    }
}

#[tokio::test]
async fn fixed_pages_asked_for_without_a_session_may_be_shared_and_set_no_cookie() {
    let app = TestApp::start();
    for path in ["/", "/privacy", "/privacy/facts", "/accessibility"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=0, s-maxage=3600, stale-while-revalidate=86400",
            "{path}"
        );
        assert!(
            response.headers().get_all("vary").iter().any(|v| v
                .to_str()
                .unwrap()
                .to_ascii_lowercase()
                .contains("cookie")),
            "{path}"
        );
        assert!(response.headers().get("set-cookie").is_none(), "{path}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("csrf_token"), "{path}");
    }
}

#[tokio::test]
async fn the_hashed_stylesheet_is_cached_for_a_year() {
    let app = TestApp::start();
    let path = stylesheet_path(&app).await;
    let response = app.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let vary = header(response.headers(), "vary", "stylesheet").to_lowercase();
    assert!(
        vary.contains("accept-encoding"),
        "a shared cache could hand compressed CSS to a client that cannot decode it"
    );
    let css = response.text().await.unwrap();
    assert!(
        css.contains(".q-skip-link"),
        "the stylesheet is empty or wrong"
    );
    assert!(
        !css.contains("/*"),
        "comments are sent to every first visitor"
    );
}

#[tokio::test]
async fn the_enhancement_script_is_hashed_deferred_compressed_and_cached_for_a_year() {
    let app = TestApp::start();
    let path = script_path(&app, "/").await;
    for page in ["/design/forms", "/no-such-page"] {
        assert_eq!(script_path(&app, page).await, path, "{page}");
    }
    let response = app
        .client()
        .get(app.url(&path))
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "br");
    let vary = header(response.headers(), "vary", "script").to_lowercase();
    assert!(vary.contains("accept-encoding"), "{vary}");
    assert_security_headers(response.headers(), "the script");
    let compressed = response.bytes().await.unwrap();
    let mut script = String::new();
    brotli::Decompressor::new(compressed.as_ref(), 4096)
        .read_to_string(&mut script)
        .unwrap();
    assert!(
        script.contains("data-maxlength"),
        "not the script: {script}"
    );
    assert!(
        compressed.len() <= 30 * 1024,
        "{} bytes of brotli, over the 30 KB budget",
        compressed.len()
    );
    assert!(
        !script.contains("eval(") && !script.contains("new Function"),
        "the script needs what the CSP forbids"
    );
    let (plain, _, encoding) = plain_and_encoded(&app, &path, "gzip").await;
    assert_eq!(encoding, "gzip");
    assert_eq!(plain, script);
    for stale in [
        "/assets/quorum-0000000000.js",
        "/assets/quorum.js",
        "/enhance.js",
        &format!("{path}x"),
    ] {
        let response = app.get(stale).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{stale}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{stale}");
    }
}

#[tokio::test]
async fn a_stylesheet_name_that_is_not_current_is_not_found_and_not_cached() {
    let app = TestApp::start();
    let current = stylesheet_path(&app).await;
    for path in [
        "/assets/quorum-0000000000.css",
        "/assets/quorum.css",
        "/assets/%2e%2e%2fCargo.toml",
        &format!("{current}x"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
        assert!(response.text().await.unwrap().contains("Page not found"));
    }
}

#[tokio::test]
async fn public_files_are_served_with_their_type_and_revalidated_daily() {
    let app = TestApp::start();
    for (path, content_type, starts) in [
        ("/robots.txt", "text/plain; charset=utf-8", "User-agent"),
        ("/favicon.svg", "image/svg+xml", "<svg"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["content-type"], content_type, "{path}");
        assert_eq!(response.headers()["cache-control"], "public, max-age=86400");
        let body = response.text().await.unwrap();
        assert!(body.trim_start().starts_with(starts), "{path}: {body}");
    }
}

/// GETs `path` uncompressed and with `encoding`, returning the plain body, the encoded body and
/// the `Content-Encoding` of the second response.
async fn plain_and_encoded(app: &TestApp, path: &str, encoding: &str) -> (String, Vec<u8>, String) {
    let plain = app.get(path).await;
    assert!(plain.headers().get("content-encoding").is_none(), "{path}");
    let plain = plain.text().await.unwrap();
    let encoded = app
        .client()
        .get(app.url(path))
        .header("accept-encoding", encoding)
        .send()
        .await
        .unwrap();
    assert_eq!(encoded.status(), StatusCode::OK);
    let content_encoding = header(encoded.headers(), "content-encoding", path).to_string();
    let bytes = encoded.bytes().await.unwrap().to_vec();
    (plain, bytes, content_encoding)
}

#[tokio::test]
async fn pages_and_styles_are_sent_with_brotli_when_the_browser_accepts_it() {
    let app = TestApp::start();
    let stylesheet = stylesheet_path(&app).await;
    for path in ["/", "/design/components", stylesheet.as_str()] {
        let (plain, compressed, encoding) = plain_and_encoded(&app, path, "br").await;
        assert_eq!(encoding, "br", "{path}");
        assert!(compressed.len() < plain.len(), "{path} did not get smaller");
        let mut decoded = String::new();
        brotli::Decompressor::new(compressed.as_slice(), 4096)
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, plain, "{path}");
    }
}

#[tokio::test]
async fn the_stylesheet_is_compressed_once_at_the_best_quality_in_either_encoding() {
    let app = TestApp::start();
    let stylesheet = stylesheet_path(&app).await;
    let (plain, first, _) = plain_and_encoded(&app, &stylesheet, "br").await;
    let (_, again, _) = plain_and_encoded(&app, &stylesheet, "gzip, deflate, br").await;
    assert_eq!(first, again, "the same stored bytes each time");
    let mut best = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut plain.as_bytes(), &mut best, &params).unwrap();
    assert!(
        first.len() <= best.len(),
        "{} bytes sent, {} at brotli's best quality",
        first.len(),
        best.len()
    );
    let (_, gzipped, encoding) = plain_and_encoded(&app, &stylesheet, "gzip").await;
    assert_eq!(encoding, "gzip");
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(gzipped.as_slice())
        .read_to_string(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);
}

#[tokio::test]
async fn pages_are_sent_with_gzip_to_browsers_without_brotli() {
    let app = TestApp::start();
    let (plain, compressed, encoding) =
        plain_and_encoded(&app, "/accessibility", "gzip, deflate").await;
    assert_eq!(encoding, "gzip");
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_string(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);
}

#[tokio::test]
async fn error_pages_and_form_errors_are_compressed_too() {
    let app = TestApp::start();
    let browser = app.browser();
    let token = browser.csrf_token("/design/forms").await;
    let response = browser
        .post_with_token("/design/forms", &token, "")
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.headers()["content-encoding"], "br");
    let mut decoded = String::new();
    brotli::Decompressor::new(response.bytes().await.unwrap().as_ref(), 4096)
        .read_to_string(&mut decoded)
        .unwrap();
    assert!(decoded.contains("There is a problem"));
}
