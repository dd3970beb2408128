//! Signing in by email, over HTTP against the real binary, a real SQLite file and a real SMTP
//! sink: the link (with its confirm page, which signs nobody in by itself), the typed code, and
//! everything that must be refused: used, expired, replaced and made-up links, malformed and
//! wrong codes, codes from another browser, unsafe `next` addresses, and too many emails. Also
//! that the answer to "send me a link" does not tell whether the address has an account.
//!
//! Strategy: each test starts its own server (rate limits live in the server process), drives
//! it with `support::browser::Browser`, which loads each page and posts its form like a browser,
//! and reads the mail the sink received. Times are moved by editing the database file.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use support::browser::{Browser, Reply, cookie_attributes};
use support::journey::{
    TEST_NAME, confirm_link, is_signed_in, request_sign_in, sign_in_as, start_with_mail,
};

const SESSION: &str = "quorum_session";
const SIGN_IN: &str = "quorum_sign_in";
const CSRF: &str = "quorum_csrf";

/// Asserts the headers every sign-in response must carry.
fn assert_private(reply: &Reply, what: &str) {
    assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}");
    assert_eq!(
        reply.header("referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
}

/// A wrong code: the right one with its first digit changed.
fn wrong_code(code: &str) -> String {
    let first = code.chars().next().unwrap();
    let other = if first == '9' {
        '0'
    } else {
        char::from(first as u8 + 1)
    };
    format!("{other}{}", &code[1..])
}

/// Submits `code` on the "Check your email" page of `browser`.
async fn type_code(browser: &Browser, code: &str) -> Reply {
    browser
        .submit("/sign-in/check", "/sign-in/check", &[("code", code)])
        .await
}

/// The inline error of the code field, without its hidden "Error: " prefix.
fn code_error(html: &str) -> String {
    let error = support::between(html, r#" id="code-error""#, "</p>").unwrap();
    error.split_once("Error: </span>").unwrap().1.to_string()
}

#[tokio::test]
async fn the_email_link_shows_a_confirm_page_and_only_its_button_signs_in() {
    let (app, sink) = start_with_mail().await;
    let asker = app.browser();
    let sign_in_page = asker.get("/sign-in").await;
    assert_eq!(sign_in_page.status, StatusCode::OK);
    assert_private(&sign_in_page, "GET /sign-in");

    let (asked, mail) = request_sign_in(&asker, &sink, "ann@example.org", None).await;
    assert_eq!(asked.location(), Some("/sign-in/check"));
    assert_private(&asked, "POST /sign-in");
    assert!(
        asked.set_cookie(SIGN_IN).is_some(),
        "the browser that asked is marked"
    );
    assert_eq!(mail.subject, "Create your Quorum account");
    let link = mail.link_path("/sign-in/link/");
    assert!(
        mail.text.contains(&format!("{}{link}", app.url(""))),
        "the link is absolute: {}",
        mail.text
    );
    // Version, key id, expiry, a 128-bit request id, the masked address and a 256-bit HMAC.
    let token_length = mail.link_token("/sign-in/link/").len();
    assert!((79..=164).contains(&token_length), "{token_length}");
    assert_eq!(mail.code().len(), 6);
    assert!(mail.text.contains("10 minutes"), "{}", mail.text);

    let check = asker.get("/sign-in/check").await;
    assert_eq!(check.status, StatusCode::OK);
    assert_private(&check, "GET /sign-in/check");
    assert!(check.body.contains("a…@example.org"), "{}", check.body);

    // Opened elsewhere (a phone, or a mail scanner): a page, and nobody signed in.
    let phone = app.browser();
    let confirm = phone.get(&link).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert_private(&confirm, "the confirm page");
    assert!(
        confirm.body.contains("Continue as a…@example.org"),
        "{}",
        confirm.body
    );
    assert!(
        !confirm.body.contains("ann@example.org"),
        "the address is masked"
    );
    assert!(
        confirm.set_cookie(SESSION).is_none(),
        "opening the link signed in"
    );
    assert!(!is_signed_in(&phone).await);
    let opened_twice = phone.get(&link).await;
    assert_eq!(
        opened_twice.status,
        StatusCode::OK,
        "opening uses nothing up"
    );

    let signed_in = phone.submit_from(&confirm.body, "/sign-in/link", &[]).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_private(&signed_in, "POST /sign-in/link");
    assert_eq!(signed_in.location(), Some("/welcome?next=%2F"));
    let cookie = signed_in.set_cookie(SESSION).unwrap();
    let flags = cookie_attributes(cookie);
    for flag in ["httponly", "samesite=lax", "path=/"] {
        assert!(flags.iter().any(|f| f == flag), "{flag} missing: {cookie}");
    }
    assert!(
        signed_in.set_cookie(CSRF).is_some(),
        "a new CSRF token at sign-in"
    );

    let welcome = phone.get("/welcome?next=%2F").await;
    assert_eq!(welcome.status, StatusCode::OK);
    assert_eq!(welcome.h1().as_deref(), Some("What should we call you?"));
    let named = phone
        .submit_from(&welcome.body, "/welcome", &[("name", "Ann Lee")])
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    assert_eq!(named.location(), Some("/"));

    let account = phone.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("ann@example.org"), "{}", account.body);
    assert!(account.body.contains("Ann Lee"));
}

#[tokio::test]
async fn a_used_link_is_gone_and_offers_a_new_one() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    let (_, mail) = request_sign_in(&browser, &sink, "bo@example.org", None).await;
    let confirm = browser.get(&mail.link_path("/sign-in/link/")).await;
    let first = browser
        .submit_from(&confirm.body, "/sign-in/link", &[])
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);

    let again = app.browser();
    let page = again.get(&mail.link_path("/sign-in/link/")).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert_private(&page, "the gone page");
    assert_eq!(page.h1().as_deref(), Some("This sign-in link has expired"));
    assert!(
        page.body.contains(r#"href="/sign-in""#),
        "a way to a new link"
    );
    assert!(page.body.contains("Send a new link"));

    // Posting the confirm form a second time (a double click, or a replay) does nothing.
    let token = again.csrf_token("/sign-in").await;
    let body = format!(
        "csrf_token={token}&token={}",
        mail.link_token("/sign-in/link/")
    );
    let replay = again.post_raw("/sign-in/link", body).await;
    assert_eq!(replay.status, StatusCode::GONE);
    assert!(replay.set_cookie(SESSION).is_none());
}

#[tokio::test]
async fn an_expired_link_and_an_expired_code_are_refused() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    let (_, mail) = request_sign_in(&browser, &sink, "cy@example.org", None).await;
    let confirm = browser.get(&mail.link_path("/sign-in/link/")).await;
    assert_eq!(confirm.status, StatusCode::OK);

    let db = app.database().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let changed = sqlx::query("UPDATE sign_in_requests SET expires_at = $1 WHERE email = $2")
        .bind(i64::try_from(now).unwrap() - 1)
        .bind("cy@example.org")
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 1);

    let page = browser.get(&mail.link_path("/sign-in/link/")).await;
    assert_eq!(page.status, StatusCode::GONE);
    let posted = browser
        .submit_from(&confirm.body, "/sign-in/link", &[])
        .await;
    assert_eq!(posted.status, StatusCode::GONE);
    assert!(posted.set_cookie(SESSION).is_none());

    let token = browser.csrf_token("/sign-in").await;
    let typed = browser
        .post_raw(
            "/sign-in/check",
            format!("csrf_token={token}&code={}", mail.code()),
        )
        .await;
    assert_eq!(typed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(typed.h1().as_deref(), Some("Your sign-in has expired"));
    assert!(!is_signed_in(&browser).await);
}

#[tokio::test]
async fn a_newer_request_replaces_the_older_link_and_code() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    let (_, older) = request_sign_in(&browser, &sink, "di@example.org", None).await;
    let older_page = browser.get(&older.link_path("/sign-in/link/")).await;
    assert_eq!(older_page.status, StatusCode::OK);

    let resent = browser
        .submit("/sign-in/check", "/sign-in/resend", &[])
        .await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER);
    assert_eq!(resent.location(), Some("/sign-in/check?sent=again"));
    let newer = sink.wait_for_mail_to("di@example.org", 2).await;
    assert_ne!(
        newer.link_token("/sign-in/link/"),
        older.link_token("/sign-in/link/")
    );
    let banner = browser.get("/sign-in/check?sent=again").await;
    assert!(banner.body.contains("Email sent again"));

    assert_eq!(
        browser.get(&older.link_path("/sign-in/link/")).await.status,
        StatusCode::GONE
    );
    let old_post = browser
        .submit_from(&older_page.body, "/sign-in/link", &[])
        .await;
    assert_eq!(old_post.status, StatusCode::GONE);
    if older.code() != newer.code() {
        let typed = type_code(&browser, &older.code()).await;
        assert_eq!(typed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(typed.set_cookie(SESSION).is_none());
    }

    let signed_in = confirm_link(&browser, &newer).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert!(signed_in.set_cookie(SESSION).is_some());
}

#[tokio::test]
async fn made_up_and_tampered_links_are_gone() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    let (_, mail) = request_sign_in(&browser, &sink, "ed@example.org", None).await;
    let real = mail.link_token("/sign-in/link/");
    let mut tampered: Vec<char> = real.chars().collect();
    tampered[10] = if tampered[10] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    for token in [
        tampered.as_str(),
        &real[..42],
        &format!("{real}A"),
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "not-a-token",
        "%3Cscript%3E",
    ] {
        let page = browser.get(&format!("/sign-in/link/{token}")).await;
        assert_eq!(page.status, StatusCode::GONE, "{token}");
        assert!(!page.body.contains("<script>"), "{token}");
        let csrf = browser.csrf_token("/sign-in").await;
        let posted = browser
            .post_raw("/sign-in/link", format!("csrf_token={csrf}&token={token}"))
            .await;
        assert_eq!(posted.status, StatusCode::GONE, "POST {token}");
        assert!(posted.set_cookie(SESSION).is_none());
    }
    // None of that used up the real link.
    let signed_in = confirm_link(&browser, &mail).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_code_typed_with_a_space_or_a_hyphen_signs_in_the_browser_that_asked() {
    let (app, sink) = start_with_mail().await;
    for (email, separator) in [("fa@example.org", " "), ("fb@example.org", "-")] {
        let browser = app.browser();
        let (_, mail) = request_sign_in(&browser, &sink, email, Some("/design/forms")).await;
        let code = mail.code();
        let typed = format!("{}{separator}{}", &code[..3], &code[3..]);
        let reply = type_code(&browser, &typed).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{typed}: {}",
            reply.body
        );
        assert_private(&reply, "POST /sign-in/check");
        assert_eq!(reply.location(), Some("/welcome?next=%2Fdesign%2Fforms"));
        assert!(reply.set_cookie(SESSION).is_some());
        assert!(is_signed_in(&browser).await);
        // The code and the link were one request: both are used up now.
        let link = browser.get(&mail.link_path("/sign-in/link/")).await;
        assert_eq!(link.status, StatusCode::GONE);
    }
}

#[tokio::test]
async fn the_right_code_from_another_browser_does_not_sign_in() {
    let (app, sink) = start_with_mail().await;
    let asker = app.browser();
    let (_, mail) = request_sign_in(&asker, &sink, "gi@example.org", None).await;

    let stranger = app.browser();
    let expired = stranger.get("/sign-in/check").await;
    assert_eq!(expired.h1().as_deref(), Some("Your sign-in has expired"));
    let token = stranger.csrf_token("/sign-in").await;
    let reply = stranger
        .post_raw(
            "/sign-in/check",
            format!("csrf_token={token}&code={}", mail.code()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.set_cookie(SESSION).is_none());
    assert!(!is_signed_in(&stranger).await);

    let reply = type_code(&asker, &mail.code()).await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "the asker's code still works"
    );
}

#[tokio::test]
async fn a_malformed_code_is_explained_and_not_counted() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    let (_, mail) = request_sign_in(&browser, &sink, "hu@example.org", None).await;
    for typed in ["abcdef", "12345", "1234567", "12a456"] {
        let reply = type_code(&browser, typed).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert_private(&reply, "a malformed code");
        assert_eq!(
            code_error(&reply.body),
            "Enter the 6 digits of the code from the email, like 123 456",
            "{typed}"
        );
        assert!(reply.title().unwrap().starts_with("Error: "));
        assert!(
            reply.body.contains(&format!(r#"value="{typed}""#)),
            "the answer is kept"
        );
    }
    let empty = type_code(&browser, "").await;
    assert_eq!(code_error(&empty.body), "Enter the code from the email");
    let reply = type_code(&browser, &mail.code()).await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "malformed codes used no tries"
    );
}

#[tokio::test]
async fn five_wrong_codes_use_up_the_request_even_for_the_right_code() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    let (_, mail) = request_sign_in(&browser, &sink, "ida@example.org", None).await;
    let right = mail.code();
    let wrong = wrong_code(&right);
    for left in [
        "4 more times",
        "3 more times",
        "2 more times",
        "1 more time",
    ] {
        let reply = type_code(&browser, &wrong).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            code_error(&reply.body),
            format!("The code is not right. Check the email and type it again. You can try {left}")
        );
    }
    let fifth = type_code(&browser, &wrong).await;
    assert!(
        code_error(&fifth.body).contains("wrong code 5 times"),
        "{}",
        code_error(&fifth.body)
    );
    let sixth = type_code(&browser, &right).await;
    assert_eq!(sixth.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(code_error(&sixth.body).contains("wrong code 5 times"));
    assert!(code_error(&sixth.body).contains("Send the email again"));
    assert!(sixth.set_cookie(SESSION).is_none());
    assert!(!is_signed_in(&browser).await);
}

#[tokio::test]
async fn asking_for_a_link_does_not_tell_whether_the_address_has_an_account() {
    let (app, sink) = start_with_mail().await;
    sign_in_as(&app.browser(), &sink, "sam@example.org").await;

    // Same first letter and domain, so even the masked address on the next page is the same.
    let mut answers = Vec::new();
    for email in ["sam@example.org", "sue@example.org"] {
        let browser = app.browser();
        let (asked, mail) = request_sign_in(&browser, &sink, email, None).await;
        let csrf = browser.cookie(CSRF).unwrap();
        let check = browser.get("/sign-in/check").await;
        assert_eq!(check.status, StatusCode::OK);
        answers.push((
            asked.status,
            asked.location().map(str::to_string),
            asked.set_cookie_names(),
            asked.body.replace(&csrf, "TOKEN"),
            check.body.replace(&csrf, "TOKEN"),
        ));
        assert!(
            !mail.link_token("/sign-in/link/").is_empty(),
            "both get an email"
        );
    }
    assert_eq!(answers[0], answers[1]);

    // A malformed address gets the same error either way too (and no email).
    let known = app.browser();
    let unknown = app.browser();
    let a = known
        .submit("/sign-in", "/sign-in", &[("email", "sam@")])
        .await;
    let b = unknown
        .submit("/sign-in", "/sign-in", &[("email", "sam@")])
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        a.body.replace(&known.cookie(CSRF).unwrap(), "T"),
        b.body.replace(&unknown.cookie(CSRF).unwrap(), "T")
    );
}

#[tokio::test]
async fn next_is_honoured_on_this_site_and_replaced_when_it_leads_away() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    let (_, mail) =
        request_sign_in(&browser, &sink, "jo@example.org", Some("/design/forms?x=1")).await;
    let signed_in = confirm_link(&browser, &mail).await;
    assert_eq!(
        signed_in.location(),
        Some("/welcome?next=%2Fdesign%2Fforms%3Fx%3D1")
    );
    let named = browser
        .submit(
            signed_in.location().unwrap(),
            "/welcome",
            &[("name", TEST_NAME)],
        )
        .await;
    assert_eq!(named.location(), Some("/design/forms?x=1"));

    for evil in ["https://evil.example", "//evil.example", "/\\evil.example"] {
        let other = app.browser();
        let encoded: String = form_urlencoded::byte_serialize(evil.as_bytes()).collect();
        let page = other.get(&format!("/sign-in?next={encoded}")).await;
        assert!(
            !page.body.contains("evil.example"),
            "the form carries {evil}"
        );
        // A forged form that posts the address anyway.
        let before = sink.mail_to("jo@example.org").len();
        let asked = other
            .submit(
                "/sign-in",
                "/sign-in",
                &[("email", "jo@example.org"), ("next", evil)],
            )
            .await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER);
        let mail = sink.wait_for_mail_to("jo@example.org", before + 1).await;
        let signed_in = confirm_link(&other, &mail).await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
        assert_eq!(signed_in.location(), Some("/"), "{evil}");
    }
}

#[tokio::test]
async fn the_sixth_email_for_one_address_within_minutes_waits() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    for n in 1..=5 {
        let (asked, _) = request_sign_in(&browser, &sink, "ko@example.org", None).await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER, "request {n}");
    }
    let sixth = browser
        .submit("/sign-in", "/sign-in", &[("email", "ko@example.org")])
        .await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert_private(&sixth, "the 429 page");
    let wait: u64 = sixth.header("retry-after").unwrap().parse().unwrap();
    assert!((60..=12 * 60).contains(&wait), "Retry-After {wait}");
    assert_eq!(sixth.title(), Some("Too many attempts – Quorum"));
    assert_eq!(sixth.h1().as_deref(), Some("Too many attempts"));
    assert!(sixth.body.contains("minutes"), "{}", sixth.body);

    // Another address from the same browser is not held up.
    let (other, _) = request_sign_in(&browser, &sink, "lu@example.org", None).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    assert_eq!(sink.mail_to("ko@example.org").len(), 5, "no sixth email");
}
