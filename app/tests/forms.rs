//! The form pattern (`/design/forms`) over HTTP, as a browser without JavaScript uses it: a form
//! with problems comes back with status 422, an `Error:` title, an error summary linking to each
//! field, inline errors and every answer kept (escaped); a good one redirects with 303 to a
//! confirmation; an oversized or garbled body gets a page, never a crash.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use support::{
    TestApp, assert_ids_unique_and_references_resolve, attribute_values, between, count,
    tag_with_id,
};

const FORM: &str = "/design/forms";

fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Answers that pass every check, with `changes` put in place of the same-named answers.
fn valid_with(changes: &[(&'static str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("name", "Ann Lee"),
        ("email", "ann@example.org"),
        ("contact", "email"),
        ("topics", "decisions"),
        ("message", "Hello"),
    ];
    for (name, value) in changes {
        for pair in pairs.iter_mut().filter(|(key, _)| key == name) {
            pair.1 = value;
        }
    }
    encode(&pairs)
}

/// Posts `body` and returns the page that comes back, which must be the form with errors.
async fn post_expecting_errors(app: &TestApp, body: impl AsRef<[u8]>) -> String {
    let response = app.post_form(FORM, body).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    response.text().await.unwrap()
}

/// Where the error summary's links go, in order.
fn summary_links(html: &str) -> Vec<&str> {
    let summary = between(html, r#"<ul class="q-error-summary__list">"#, "</ul>").unwrap();
    attribute_values(summary, "href")
}

/// The message of the inline error of `field`, without its visually hidden "Error: " prefix.
fn inline_error<'a>(html: &'a str, field: &str) -> Option<&'a str> {
    let error = between(html, &format!(r#" id="{field}-error""#), "</p>")?;
    error
        .split_once("Error: </span>")
        .map(|(_, message)| message)
}

fn is_checked(html: &str, id: &str) -> bool {
    let tag = tag_with_id(html, id).unwrap_or_else(|| panic!("no #{id}"));
    tag.contains(" checked")
}

#[tokio::test]
async fn the_empty_form_asks_and_shows_no_errors() {
    let app = TestApp::start();
    let (status, html) = app.get_text(FORM).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<title>Form pattern – Quorum</title>"));
    assert!(html.contains(r#"<form method="post" action="/design/forms" novalidate>"#));
    assert!(!html.contains(r#"role="alert""#));
    assert!(!html.contains("aria-invalid"));
    assert!(!html.contains("q-error-message"));
}

#[tokio::test]
async fn an_empty_form_comes_back_with_every_problem_in_page_order() {
    let app = TestApp::start();
    let html = post_expecting_errors(&app, "").await;

    assert!(
        html.contains("<title>Error: Form pattern – Quorum</title>"),
        "the title must start with Error: so a screen reader says so first"
    );
    let summary = html
        .find(r#"<div role="alert">"#)
        .expect("an error summary");
    assert!(html[summary..].starts_with(
        r#"<div role="alert"><h2 class="q-error-summary__title">There is a problem</h2>"#
    ));
    let main = html.find("<main").unwrap();
    let h1 = html.find("<h1").unwrap();
    assert!(
        main < summary && summary < h1,
        "the summary is at the top of main"
    );
    assert_eq!(
        summary_links(&html),
        ["#name", "#email", "#contact", "#message"]
    );

    for (field, message) in [
        ("name", "Enter your full name"),
        ("email", "Enter your email address"),
        ("contact", "Select how you would like us to contact you"),
        ("message", "Enter your message"),
    ] {
        assert_eq!(inline_error(&html, field), Some(message), "{field}");
        assert!(
            html.contains(&format!(r##"<a href="#{field}">{message}</a>"##)),
            "the summary says the same as the inline error of {field}"
        );
    }
    assert_eq!(inline_error(&html, "topics"), None, "topics are optional");

    for field in ["name", "email", "message"] {
        let tag = tag_with_id(&html, field).unwrap();
        assert!(tag.contains(r#"aria-invalid="true""#), "{tag}");
        let described_by = between(tag, r#"aria-describedby=""#, "\"").unwrap();
        assert!(
            described_by
                .split(' ')
                .any(|id| id == format!("{field}-error")),
            "{field}'s error is not read with it: {tag}"
        );
    }
    assert!(
        html.contains(r#"<fieldset aria-describedby="contact-error" class="q-fieldset">"#),
        "the radio group's error is not read with its legend"
    );
    assert_eq!(count(&html, "q-form-group--error"), 4);
    assert_ids_unique_and_references_resolve(&html, "the form with errors");
}

#[tokio::test]
async fn answers_come_back_as_typed_and_safely_escaped() {
    let app = TestApp::start();
    let message = "Hello</textarea><script>alert(1)</script> &amp; <!> bye";
    let body = encode(&[
        ("name", r#"Zoë "Ann" <b>Lee</b>"#),
        ("email", "ann@example"),
        ("contact", "post"),
        ("topics", "decisions"),
        ("topics", "accessibility"),
        ("message", message),
    ]);
    let html = post_expecting_errors(&app, body).await;

    assert_eq!(summary_links(&html), ["#email"], "only the email is wrong");
    assert_eq!(
        inline_error(&html, "email"),
        Some("Enter an email address in the correct format, like name@example.org")
    );
    assert!(
        tag_with_id(&html, "name")
            .unwrap()
            .contains(r#"value="Zoë &quot;Ann&quot; &lt;b&gt;Lee&lt;/b&gt;""#),
        "{html}"
    );
    assert!(
        tag_with_id(&html, "email")
            .unwrap()
            .contains(r#"value="ann@example""#)
    );

    assert!(is_checked(&html, "contact-2"), "Post stays chosen");
    assert!(!is_checked(&html, "contact") && !is_checked(&html, "contact-3"));
    assert!(is_checked(&html, "topics-2") && is_checked(&html, "topics-3"));
    assert!(!is_checked(&html, "topics"));

    let textarea = between(&html, "<textarea", "</textarea>").unwrap();
    let kept = &textarea[textarea.find('>').unwrap() + 1..];
    assert_eq!(
        kept,
        "\nHello&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &lt;!&gt; bye"
    );
    assert_eq!(
        count(&html, "</textarea>"),
        1,
        "the answer closed the textarea"
    );
    // The page's one script is its own enhancement script, linked in the head.
    assert_eq!(
        count(&html, "<script"),
        1,
        "the answer was sent back as markup"
    );
    assert!(!html.contains("<b>Lee"));
    assert!(
        !html.contains("<!>"),
        "markup typed into an answer must stay text"
    );
}

#[tokio::test]
async fn tampered_choices_get_messages_that_say_what_to_do() {
    let app = TestApp::start();
    let body = valid_with(&[("contact", "fax"), ("topics", "weather")]);
    let html = post_expecting_errors(&app, body).await;
    assert_eq!(summary_links(&html), ["#contact", "#topics"]);
    assert_eq!(
        inline_error(&html, "contact"),
        Some("Select one of the ways to contact you shown")
    );
    assert_eq!(
        inline_error(&html, "topics"),
        Some("Select only topics from the list")
    );
    assert!(!html.contains("fax") && !html.contains("weather"));
    assert_ids_unique_and_references_resolve(&html, "the form with tampered choices");
}

#[tokio::test]
async fn answers_are_limited_in_characters_not_bytes() {
    let app = TestApp::start();
    let longest_name = "é".repeat(100);
    let longest_message = "é".repeat(500);
    let response = app
        .post_form(
            FORM,
            valid_with(&[("name", &longest_name), ("message", &longest_message)]),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "answers at the limit pass"
    );

    let html = post_expecting_errors(
        &app,
        valid_with(&[
            ("name", &format!("{longest_name}é")),
            ("message", &format!("{longest_message}é")),
        ]),
    )
    .await;
    assert_eq!(
        inline_error(&html, "name"),
        Some("Full name must be 100 characters or fewer")
    );
    assert_eq!(
        inline_error(&html, "message"),
        Some("Message must be 500 characters or fewer")
    );

    let html = post_expecting_errors(&app, valid_with(&[("name", "   \t ")])).await;
    assert_eq!(inline_error(&html, "name"), Some("Enter your full name"));
}

#[tokio::test]
async fn a_good_form_redirects_to_a_confirmation_that_is_announced() {
    let app = TestApp::start();
    let response = app.post_form(FORM, valid_with(&[])).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/design/forms/done");

    let (status, html) = app.get_text("/design/forms/done").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<title>Message sent – Quorum</title>"));
    let banner = html.find(r#"role="status""#).expect("a status message");
    assert!(html[banner..].contains("Your message passed every check"));
    assert!(
        html.contains(r#"href="/design/forms""#),
        "a way back to the form"
    );
}

#[tokio::test]
async fn a_body_over_256_kib_gets_a_page_and_the_server_carries_on() {
    let app = TestApp::start();
    let just_under = valid_with(&[("message", &"x".repeat(250 * 1024))]);
    let html = post_expecting_errors(&app, just_under).await;
    assert_eq!(
        inline_error(&html, "message"),
        Some("Message must be 500 characters or fewer")
    );

    let too_large = valid_with(&[("message", &"x".repeat(257 * 1024))]);
    let response = app.post_form(FORM, too_large).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let html = response.text().await.unwrap();
    assert!(html.starts_with(r#"<!DOCTYPE html><html lang="en">"#));
    assert!(html.contains("<title>What you sent is too large – Quorum</title>"));
    assert!(html.contains("shorten your answers"));

    let (status, body) = app.get_text("/healthz").await;
    assert_eq!((status, body.trim()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn a_garbled_body_is_read_as_missing_answers_not_a_crash() {
    let app = TestApp::start();
    let garbled: &'static [u8] = b"%%%&&==\xff\xfe=%zz&name=%ff%fe&contact";
    let html = post_expecting_errors(&app, garbled).await;
    assert_eq!(summary_links(&html), ["#email", "#contact", "#message"]);
    assert!(
        tag_with_id(&html, "name")
            .unwrap()
            .contains("value=\"\u{fffd}\u{fffd}\""),
        "bytes that are not UTF-8 come back as replacement characters"
    );
}
