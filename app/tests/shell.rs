//! The page shell, as served: every route answers with a complete, accessible HTML document
//! (language, one `h1`, a title of its own, the skip link first, the main landmark), and the
//! error pages answer with the right status and reveal nothing about the server.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::collections::HashMap;

use quorum::pages::info::accessibility::derived as statement;
use reqwest::StatusCode;
use support::{TestApp, assert_ids_unique_and_references_resolve, between, count};

/// Every page route of the site.
const PAGES: [&str; 8] = [
    "/",
    "/accessibility",
    "/privacy",
    "/privacy/facts",
    "/design",
    "/design/components",
    "/design/forms",
    "/design/forms/done",
];

/// Every page, with the error pages and the status each must answer with.
const DOCUMENTS: [(&str, StatusCode); 10] = [
    ("/", StatusCode::OK),
    ("/accessibility", StatusCode::OK),
    ("/privacy", StatusCode::OK),
    ("/privacy/facts", StatusCode::OK),
    ("/design", StatusCode::OK),
    ("/design/components", StatusCode::OK),
    ("/design/forms", StatusCode::OK),
    ("/design/forms/done", StatusCode::OK),
    ("/no/such/page", StatusCode::NOT_FOUND),
    (
        "/design/errors/server-error",
        StatusCode::INTERNAL_SERVER_ERROR,
    ),
];

/// Fetches every document, checking its status and content type on the way.
async fn documents(app: &TestApp) -> Vec<(&'static str, String)> {
    let mut pages = Vec::new();
    for (path, status) in DOCUMENTS {
        let response = app.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8",
            "{path}"
        );
        pages.push((path, response.text().await.unwrap()));
    }
    pages
}

/// The page's own name: its `<title>` without the " – Quorum" every title ends with.
fn page_name(html: &str) -> &str {
    let title = between(html, "<title>", "</title>").unwrap();
    title.strip_suffix(" – Quorum").unwrap_or(title)
}

/// The text of the `h1`, which in Quorum has no markup inside.
fn h1_text(html: &str) -> &str {
    let h1 = between(html, "<h1", "</h1>").unwrap();
    &h1[h1.find('>').unwrap() + 1..]
}

#[tokio::test]
async fn every_page_answers_200_with_a_complete_english_document() {
    let app = TestApp::start();
    for path in PAGES {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8",
            "{path}"
        );
        let html = response.text().await.unwrap();
        assert!(
            html.starts_with(r#"<!DOCTYPE html><html lang="en">"#),
            "{path} does not start with the doctype and lang: {}",
            &html[..html.len().min(80)]
        );
        assert!(html.trim_end().ends_with("</html>"), "{path} is cut short");
    }
}

#[tokio::test]
async fn no_document_carries_hydration_markers_the_html_checker_rejects() {
    let app = TestApp::start();
    for (path, html) in documents(&app).await {
        assert!(!html.contains("<!>"), "{path} has a bogus comment <!>");
    }
    let response = app.post_form("/design/forms", "").await;
    assert_eq!(response.status(), 422, "the form comes back with errors");
    assert!(
        !response.text().await.unwrap().contains("<!>"),
        "the form with errors"
    );
}

#[tokio::test]
async fn every_document_has_one_h1_and_one_main_landmark_the_skip_link_reaches() {
    let app = TestApp::start();
    for (path, html) in documents(&app).await {
        assert_eq!(count(&html, "<h1"), 1, "{path} must have exactly one h1");
        assert_eq!(count(&html, "<main"), 1, "{path} must have one main");
        assert!(html.contains(r#"<main id="main""#), "{path}: {html}");
    }
}

#[tokio::test]
async fn the_skip_link_is_the_first_link_on_every_document() {
    let app = TestApp::start();
    for (path, html) in documents(&app).await {
        let first_link = html.find("<a ").unwrap();
        let tag = &html[first_link..first_link + html[first_link..].find('>').unwrap()];
        assert!(
            tag.contains(r##"href="#main""##),
            "{path}: the first link is {tag}, not the skip link"
        );
        assert!(
            html[first_link..]
                .starts_with(r##"<a class="q-skip-link" href="#main">Skip to main content</a>"##),
            "{path}: the skip link does not say where it goes"
        );
    }
}

#[tokio::test]
async fn every_document_has_a_title_of_its_own_that_names_its_h1() {
    let app = TestApp::start();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (path, html) in documents(&app).await {
        assert_eq!(count(&html, "<title>"), 1, "{path}");
        let name = page_name(&html);
        assert!(!name.is_empty(), "{path} has an empty title");
        assert!(
            between(&html, "<title>", "</title>")
                .unwrap()
                .ends_with(" – Quorum"),
            "{path}: the title does not end with the service name"
        );
        assert_eq!(
            name,
            h1_text(&html),
            "{path}: the title and the h1 name different things"
        );
        if let Some(other) = seen.insert(name.to_string(), path) {
            panic!("{path} and {other} have the same title {name:?}");
        }
    }
}

#[tokio::test]
async fn inner_pages_show_breadcrumbs_and_every_page_links_the_statements() {
    let app = TestApp::start();
    for path in PAGES {
        let (_, html) = app.get_text(path).await;
        let has_breadcrumbs = html.contains(r#"<nav aria-label="Breadcrumb""#);
        assert_eq!(
            has_breadcrumbs,
            path != "/",
            "{path}: breadcrumbs (WCAG 2.4.8)"
        );
        assert!(html.contains(r#"<nav aria-label="Primary""#), "{path}");
        assert!(html.contains(r#"<a href="/accessibility">"#), "{path}");
        assert!(html.contains(r#"<a href="/privacy">"#), "{path}");
    }
}

#[tokio::test]
async fn the_statement_and_the_facts_say_what_their_data_records() {
    let app = TestApp::start();
    let (_, page) = app.get_text("/accessibility").await;
    // Everything the statement says of conformance comes from docs/accessibility/criteria.json,
    // through statement.rs; no hand-written claim of "no failures" contradicts it.
    let status = format!(
        "Quorum {} with the Web Content Accessibility Guidelines (WCAG) version 2.1 at level AA.",
        statement::STATUS
    );
    assert!(page.contains(&status), "{page}");
    let mut said = vec![statement::STATUS_REASON, statement::MANUAL_RUNS];
    said.extend(statement::EVIDENCE);
    said.extend(statement::NOT_FULLY_CHECKED);
    for criterion in statement::EXCEPTIONS {
        said.push(criterion.criterion);
        for exception in criterion.exceptions {
            said.extend([exception.problem, exception.workaround]);
        }
    }
    for text in said {
        assert!(page.contains(text), "the statement leaves out: {text}");
    }
    assert!(!page.contains("We know of no failures"));

    let (_, notice) = app.get_text("/privacy").await;
    assert!(notice.contains(r#"<a href="/privacy/facts">"#));
    let (_, facts) = app.get_text("/privacy/facts").await;
    assert!(facts.contains("The accounts table"), "{facts}");
    assert!(facts.contains("SMTP relay"), "{facts}");
}

#[tokio::test]
async fn the_current_area_is_marked_in_the_primary_navigation() {
    let app = TestApp::start();
    let (_, home) = app.get_text("/").await;
    assert!(home.contains(r#"<a href="/" aria-current="page" class="q-nav__link">Home</a>"#));
    for path in ["/design", "/design/components", "/design/forms"] {
        let (_, html) = app.get_text(path).await;
        assert!(
            html.contains(r#"<a href="/design" aria-current="page" class="q-nav__link">"#),
            "{path}"
        );
        assert_eq!(
            count(&html, r#"aria-current="page""#),
            2,
            "{path}: nav and breadcrumb"
        );
    }
}

#[tokio::test]
async fn ids_are_unique_and_every_label_hint_and_same_page_link_finds_its_target() {
    let app = TestApp::start();
    for (path, html) in documents(&app).await {
        assert_ids_unique_and_references_resolve(&html, path);
    }
}

#[tokio::test]
async fn an_unknown_address_answers_404_with_the_page_not_found_page() {
    let app = TestApp::start();
    for path in [
        "/no-such-page",
        "/design/no-such-page",
        "/design/forms/",
        "/%ff",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        let html = response.text().await.unwrap();
        assert!(html.starts_with(r#"<!DOCTYPE html><html lang="en">"#));
        assert!(
            html.contains("<title>Page not found – Quorum</title>"),
            "{path}"
        );
        assert_eq!(h1_text(&html), "Page not found");
        assert!(html.contains(r#"<a href="/">Go to the Quorum home page</a>"#));
    }
}

#[tokio::test]
async fn the_server_error_page_answers_500_and_reveals_nothing_internal() {
    let app = TestApp::start();
    let response = app.get("/design/errors/server-error").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>Sorry, there is a problem with Quorum – Quorum</title>"));
    assert_eq!(h1_text(&html), "Sorry, there is a problem with Quorum");
    assert!(html.contains("Try again in a few minutes"));
    let visible = html.to_lowercase();
    for leak in [
        "panic",
        "anyhow",
        "sqlx",
        "sqlite",
        "internal error",
        "backtrace",
        "stack",
        ".rs:",
        "src/",
        "/work",
        "thread",
        "error:",
    ] {
        assert!(
            !visible.contains(leak),
            "the 500 page mentions {leak:?}: {html}"
        );
    }
}
