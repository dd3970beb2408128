//! No lost answers when a session ends (WCAG 2.2.5): a comment, a vote or a new thread sent
//! after the person's session was ended elsewhere is kept; they sign in again, in the same
//! browser, and are shown their answers with a "Send your answers" button, which sends them.
//! Nothing is sent before that; another person, another browser, a second look or a day's wait
//! finds nothing; and a form with a password in it is never kept.
//!
//! Strategy: two browsers of one person, the second ending the first's session as "sign out
//! everywhere else" does; every step through the real pages and the real sign-in by email.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test where a step goes wrong"
)]

mod support;

use reqwest::StatusCode;
use support::browser::{Browser, Reply, strip_tags};
use support::journey::{
    confirm_link, create_group, request_sign_in, signed_in_browser_named, start_poll, start_thread,
    start_with_mail,
};
use support::smtp::SmtpSink;

fn text(reply: &Reply) -> String {
    strip_tags(&reply.body)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Ends every session of the person signed in on `phone` but the phone's own.
async fn end_other_sessions(phone: &Browser) {
    let ended = phone
        .submit("/account", "/account/sessions/end-others", &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
}

/// Sends the form for `action` on `page` (read while signed in) from `browser`, whose session
/// has since ended: the answers are kept, and the browser is sent to sign in to come back to
/// them. Returns the path of the kept answers, `/answers/<id>`.
async fn send_after_session_ended(
    browser: &Browser,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> String {
    let sent = browser.submit_from(page, action, fields).await;
    kept_after_session_ended(browser, sent).await
}

/// Where a form sent after the session ended was kept (`/answers/<id>`), once the answer
/// `sent` to it has been checked: a redirect to sign in, with the browser's kept cookie.
async fn kept_after_session_ended(browser: &Browser, sent: Reply) -> String {
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let location = sent.location().unwrap().to_string();
    let kept = location
        .strip_prefix("/sign-in?next=")
        .unwrap_or_else(|| panic!("not sent to sign in: {location}"))
        .to_string();
    assert!(kept.starts_with("/answers/"), "{kept}");
    assert!(
        sent.set_cookie_names().iter().any(|n| n == "quorum_kept"),
        "{:?}",
        sent.set_cookies()
    );
    let sign_in = browser.get(&location).await;
    assert!(
        text(&sign_in).contains("Your session ended before your answers could be sent"),
        "{}",
        text(&sign_in)
    );
    kept
}

/// Signs `email` in again in `browser`, by the emailed link, on the way to `next`; returns
/// where the sign-in sent the browser.
async fn sign_in_again(browser: &Browser, sink: &SmtpSink, email: &str, next: &str) -> String {
    let (_, mail) = request_sign_in(browser, sink, email, Some(next)).await;
    let confirmed = confirm_link(browser, &mail).await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    confirmed.location().unwrap().to_string()
}

#[tokio::test]
async fn a_comment_sent_after_the_session_ended_is_kept_and_sent_once_signed_in_again() {
    let (app, sink) = start_with_mail().await;
    let laptop = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let phone = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&laptop, "Tenants", "tenants", "closed").await;
    let thread = start_thread(&laptop, "tenants", "Heating", "The boiler failed.").await;
    let page = laptop.get(&thread).await.body;
    end_other_sessions(&phone).await;

    let words = "I wrote to the landlord.\nThey have not answered.";
    let kept = send_after_session_ended(
        &laptop,
        &page,
        &format!("{thread}/comments"),
        &[("body", words)],
    )
    .await;
    assert!(
        !text(&phone.get(&thread).await).contains("I wrote to the landlord"),
        "nothing is sent before the person says so"
    );

    let back = sign_in_again(&laptop, &sink, "ann@example.org", &kept).await;
    assert_eq!(back, kept);
    let answers = laptop.get(&kept).await;
    assert_eq!(answers.status, StatusCode::OK, "{}", answers.body);
    assert_eq!(answers.h1().as_deref(), Some("Send your answers"));
    let shown = text(&answers);
    assert!(shown.contains("Your comment"), "{shown}");
    assert!(shown.contains("I wrote to the landlord."), "{shown}");
    assert!(shown.contains("They have not answered."), "{shown}");
    assert_eq!(
        answers.header("cache-control"),
        Some("no-store"),
        "kept words are not cached"
    );

    let sent = laptop
        .submit_from(&answers.body, &format!("{thread}/comments"), &[])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let thread_page = text(&phone.get(&thread).await);
    assert_eq!(
        thread_page.matches("I wrote to the landlord.").count(),
        1,
        "{thread_page}"
    );
    assert!(thread_page.contains("1 comment."), "{thread_page}");
    // Shown once: a second look finds nothing.
    assert_eq!(laptop.get(&kept).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_vote_and_a_new_thread_are_kept_for_their_person_in_their_browser_only() {
    let (app, sink) = start_with_mail().await;
    let laptop = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let phone = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Ray").await;
    create_group(&laptop, "Tenants", "tenants", "closed").await;
    let thread = start_thread(&laptop, "tenants", "Heating", "The boiler failed.").await;
    let poll = start_poll(
        &laptop,
        &thread,
        "proposal",
        &[
            ("title", "Write to the council?"),
            ("template", "consensus"),
        ],
    )
    .await;
    let poll_page = laptop.get(&poll).await.body;
    let new_thread = "/g/tenants/threads/new";
    let thread_form = phone.get(new_thread).await.body;
    end_other_sessions(&phone).await;

    // A vote: kept, and cast only when Ann sends it after signing in again.
    let vote = format!("{poll}/vote");
    let kept = send_after_session_ended(
        &laptop,
        &poll_page,
        &vote,
        &[("choice", "0"), ("intent", "cast")],
    )
    .await;
    sign_in_again(&laptop, &sink, "ann@example.org", &kept).await;
    let answers = laptop.get(&kept).await;
    assert!(text(&answers).contains("The choices you made in the form are kept too."));
    assert!(
        text(&phone.get(&poll).await).contains("0 of 1 person has voted"),
        "not cast before the button"
    );
    let cast = laptop.submit_from(&answers.body, &vote, &[]).await;
    assert_eq!(cast.status, StatusCode::SEE_OTHER, "{}", cast.body);
    assert!(text(&phone.get(&poll).await).contains("1 of 1 person has voted"));

    // A new thread the phone had open, kept when the laptop ends the phone's session; but Bob
    // signs in on the phone: for him there is nothing, and the answers are gone for Ann too.
    end_other_sessions(&laptop).await;
    let phone_kept = send_after_session_ended(
        &phone,
        &thread_form,
        new_thread,
        &[("title", "Rent rise"), ("context", "It is too much.")],
    )
    .await;
    sign_in_again(&phone, &sink, "bob@example.org", &phone_kept).await;
    assert_eq!(phone.get(&phone_kept).await.status, StatusCode::NOT_FOUND);
    let signed_out = phone.submit("/account", "/sign-out", &[]).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    sign_in_again(&phone, &sink, "ann@example.org", &phone_kept).await;
    assert_eq!(phone.get(&phone_kept).await.status, StatusCode::NOT_FOUND);
    assert!(!text(&phone.get("/g/tenants/threads").await).contains("Rent rise"));
}

#[tokio::test]
async fn kept_answers_need_the_same_browser_and_last_a_day_and_passwords_are_never_kept() {
    let (app, sink) = start_with_mail().await;
    let laptop = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let phone = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&laptop, "Tenants", "tenants", "closed").await;
    let thread = start_thread(&laptop, "tenants", "Heating", "The boiler failed.").await;
    let page = laptop.get(&thread).await.body;
    end_other_sessions(&phone).await;
    let comments = format!("{thread}/comments");

    // Another browser of the same person does not hold the key.
    let kept = send_after_session_ended(&laptop, &page, &comments, &[("body", "First.")]).await;
    let elsewhere = app.browser();
    sign_in_again(&elsewhere, &sink, "ann@example.org", &kept).await;
    assert_eq!(elsewhere.get(&kept).await.status, StatusCode::NOT_FOUND);

    // After a day, kept answers are gone.
    sign_in_again(&laptop, &sink, "ann@example.org", "/").await;
    let page = laptop.get(&thread).await.body;
    end_other_sessions(&phone).await;
    let kept = send_after_session_ended(&laptop, &page, &comments, &[("body", "Second.")]).await;
    let database = app.database().await;
    sqlx::query("UPDATE kept_answers SET expires_at = 1")
        .execute(&database)
        .await
        .unwrap();
    sign_in_again(&laptop, &sink, "ann@example.org", &kept).await;
    assert_eq!(laptop.get(&kept).await.status, StatusCode::NOT_FOUND);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM kept_answers")
        .fetch_one(&database)
        .await
        .unwrap();
    assert_eq!(
        stored, 0,
        "shown or not, kept answers are taken out when asked for"
    );

    // A form with a password is sent to sign in as before, and nothing of it is kept.
    let account = laptop.get("/account").await.body;
    end_other_sessions(&phone).await;
    let password = laptop
        .submit_from(
            &account,
            "/account/password",
            &[
                ("password", "correct horse battery staple"),
                ("confirm", "correct horse battery staple"),
            ],
        )
        .await;
    assert_eq!(password.status, StatusCode::SEE_OTHER);
    assert_eq!(
        password.location(),
        Some("/sign-in?next=%2Faccount%2Fpassword")
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM kept_answers")
        .fetch_one(&database)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn the_words_of_a_form_with_files_are_kept_too() {
    let (app, sink) = start_with_mail().await;
    let laptop = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let phone = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&laptop, "Tenants", "tenants", "closed").await;
    let thread = start_thread(&laptop, "tenants", "Heating", "The boiler failed.").await;
    let page = laptop.get(&thread).await.body;
    end_other_sessions(&phone).await;

    let action = format!("{thread}/comments");
    let sent = laptop
        .submit_files_from(
            &page,
            &action,
            &[("body", "The quote for the boiler is attached.")],
            &[("files", "quote.txt", b"Boiler: 900\n")],
        )
        .await;
    let kept = kept_after_session_ended(&laptop, sent).await;
    sign_in_again(&laptop, &sink, "ann@example.org", &kept).await;
    let answers = laptop.get(&kept).await;
    assert_eq!(answers.status, StatusCode::OK, "{}", answers.body);
    assert!(text(&answers).contains("The quote for the boiler is attached."));
    let posted = laptop.submit_from(&answers.body, &action, &[]).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    assert!(text(&phone.get(&thread).await).contains("The quote for the boiler is attached."));
}
