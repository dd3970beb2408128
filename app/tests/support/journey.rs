//! Whole sign-in journeys as a person makes them, for tests whose subject is what comes after:
//! ask for an email, open the link, confirm, and name a new account.
//!
//! Strategy: every step goes through the pages (`Browser::submit` loads a page, then posts its
//! form), and every step checks its status, so a broken step fails where it breaks.

use reqwest::StatusCode;

use super::browser::{Browser, Reply};
use super::inbox::Mail;
use super::smtp::SmtpSink;
use super::{TestApp, TestAppBuilder};

/// The name new accounts get in these journeys.
pub const TEST_NAME: &str = "Test Person";

/// People at `emails` sign in by email, all at once, and join the open group `handle`; their
/// browsers, in the order of `emails`.
pub async fn members_who_joined(
    app: &TestApp,
    sink: &std::sync::Arc<SmtpSink>,
    handle: &str,
    emails: impl IntoIterator<Item = String>,
) -> Vec<Browser> {
    let mut signing_in = Vec::new();
    for email in emails {
        let browser = app.browser();
        let sink = std::sync::Arc::clone(sink);
        let (page, join) = (format!("/g/{handle}"), format!("/g/{handle}/join"));
        signing_in.push(tokio::spawn(async move {
            sign_in_as(&browser, &sink, &email).await;
            let joined = browser.submit(&page, &join, &[]).await;
            assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
            browser
        }));
    }
    let mut members = Vec::new();
    for task in signing_in {
        members.push(task.await.expect("a member signs in and joins"));
    }
    members
}

/// A server that delivers its mail to a fresh SMTP sink.
pub async fn start_with_mail() -> (TestApp, SmtpSink) {
    start_with_mail_and(TestApp::builder()).await
}

/// A server built by `builder`, delivering its mail to a fresh SMTP sink.
pub async fn start_with_mail_and(builder: TestAppBuilder) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let app = builder.env("QUORUM_SMTP_URL", sink.url()).start();
    (app, sink)
}

/// Asks for a sign-in email for `email` on `/sign-in?next=…` in `browser`, and returns the
/// answer and the email that arrived for it.
pub async fn request_sign_in(
    browser: &Browser,
    sink: &SmtpSink,
    email: &str,
    next: Option<&str>,
) -> (Reply, Mail) {
    let before = sink.mail_to(email).len();
    let page = match next {
        Some(next) => {
            let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
            format!("/sign-in?next={encoded}")
        }
        None => "/sign-in".to_string(),
    };
    let reply = browser.submit(&page, "/sign-in", &[("email", email)]).await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "asking for a sign-in email: {}",
        reply.body
    );
    let mail = sink.wait_for_mail_to(email, before + 1).await;
    (reply, mail)
}

/// Opens the link of a sign-in `mail` in `browser` and presses "Continue": the answer is the
/// redirect that signs in (or whatever refused it).
pub async fn confirm_link(browser: &Browser, mail: &Mail) -> Reply {
    let link = mail.link_path("/sign-in/link/");
    let page = browser.get(&link).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the confirm page: {}",
        page.body
    );
    browser.submit_from(&page.body, "/sign-in/link", &[]).await
}

/// Signs in as `email` in `browser` by email link, naming the account when it is new, and
/// returns the redirect that ended the journey.
pub async fn sign_in_as(browser: &Browser, sink: &SmtpSink, email: &str) -> Reply {
    let (_, mail) = request_sign_in(browser, sink, email, None).await;
    let signed_in = confirm_link(browser, &mail).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "confirming the link: {}",
        signed_in.body
    );
    let location = signed_in.location().unwrap_or_default().to_string();
    if location.starts_with("/welcome") {
        let named = browser
            .submit(&location, "/welcome", &[("name", TEST_NAME)])
            .await;
        assert_eq!(named.status, StatusCode::SEE_OTHER, "{}", named.body);
        return named;
    }
    signed_in
}

/// A new browser, signed in as `email`.
pub async fn signed_in_browser(app: &TestApp, sink: &SmtpSink, email: &str) -> Browser {
    let browser = app.browser();
    sign_in_as(&browser, sink, email).await;
    browser
}

/// Whether `browser` is signed in, by what `/account` answers.
pub async fn is_signed_in(browser: &Browser) -> bool {
    let reply = browser.get("/account").await;
    match reply.status {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => {
            assert_eq!(reply.location(), Some("/sign-in?next=%2Faccount"));
            false
        }
        other => panic!("/account answered {other}"),
    }
}

/// A new browser, signed in as `email` with the display name `name`.
pub async fn signed_in_browser_named(
    app: &TestApp,
    sink: &SmtpSink,
    email: &str,
    name: &str,
) -> Browser {
    let browser = signed_in_browser(app, sink, email).await;
    let named = browser
        .submit("/account", "/account/name", &[("name", name)])
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER, "{}", named.body);
    browser
}

/// Creates a group through its form: open groups let anyone join, others are by invitation.
pub async fn create_group(browser: &Browser, name: &str, handle: &str, privacy: &str) -> Reply {
    let join_mode = if privacy == "open" {
        "open"
    } else {
        "invitation"
    };
    let created = browser
        .submit(
            "/groups/new",
            "/groups/new",
            &[
                ("name", name),
                ("handle", handle),
                ("privacy", privacy),
                ("join_mode", join_mode),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created
}

/// Starts a thread and returns its path, `/t/<id>`.
pub async fn start_thread(browser: &Browser, handle: &str, title: &str, context: &str) -> String {
    let page = format!("/g/{handle}/threads/new");
    let started = browser
        .submit(
            &page,
            &page,
            &[
                ("title", title),
                ("context", context),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let location = started.location().unwrap_or_default();
    location.split('?').next().unwrap_or_default().to_string()
}

/// A time `days` from now as a `datetime-local` value in UTC.
pub fn days_ahead(days: i64) -> String {
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days);
    at.to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Starts a poll of `kind` in `thread` with the usual answers plus `fields`; returns `/p/<id>`.
pub async fn start_poll(
    browser: &Browser,
    thread: &str,
    kind: &str,
    fields: &[(&str, &str)],
) -> String {
    let page = format!("{thread}/polls/new?kind={kind}");
    let closes = days_ahead(7);
    let mut all: Vec<(&str, &str)> = vec![
        ("title", "What shall we do?"),
        ("min_choices", "1"),
        ("max_choices", "1"),
        ("score_min", "0"),
        ("score_max", "5"),
        ("dot_total", "8"),
        ("count_target", "3"),
        ("time_zone", "UTC"),
        ("closes_at", &closes),
        ("hide_results", "never"),
        ("reason", "optional"),
    ];
    all.retain(|(name, _)| !fields.iter().any(|(f, _)| f == name));
    all.extend_from_slice(fields);
    let started = browser.submit(&page, &page, &all).await;
    assert_eq!(
        started.status,
        StatusCode::SEE_OTHER,
        "{kind}: {}",
        started.body
    );
    let location = started.location().unwrap_or_default();
    location.split('?').next().unwrap_or_default().to_string()
}

/// Posts a comment on the thread at `thread` (`/t/<id>`), or a reply to the comment `reply_to`,
/// through its form, and returns the answer (a redirect to the new comment when it worked).
pub async fn post_comment(
    browser: &Browser,
    thread: &str,
    body: &str,
    reply_to: Option<&str>,
) -> Reply {
    let from = match reply_to {
        Some(id) => format!("{thread}/comments/new?reply_to={id}"),
        None => thread.to_string(),
    };
    browser
        .submit(&from, &format!("{thread}/comments"), &[("body", body)])
        .await
}

/// The comment id in a redirect to `…#comment-<id>`.
pub fn comment_id(reply: &Reply) -> String {
    let location = reply.location().unwrap_or_default();
    location
        .split("#comment-")
        .nth(1)
        .unwrap_or_else(|| panic!("no comment in the redirect: {location:?}"))
        .to_string()
}

/// The id of the account with this email address, read from the server's database.
pub async fn account_id(app: &TestApp, email: &str) -> String {
    let db = app.database().await;
    sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&db)
        .await
        .expect("the account exists")
}
