//! What an auditor checks after sign-ins: the server's log holds none of the secrets that went
//! through it (link tokens, codes, session and CSRF cookies, passwords), the database holds
//! secrets only hashed, and the audit log records sign-in events with the address only as a
//! keyed hash.
//!
//! Strategy: one server runs every kind of sign-in while the test collects each secret it sees;
//! then the captured stdout (the log) and the SQLite file are searched for them.

mod support;

use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use support::journey::{confirm_link, request_sign_in, signed_in_browser, start_with_mail};

const PASSWORD: &str = "copper kettle morning fog";

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether the 6-digit `code` stands alone in `log` (not inside a longer number, nor as the
/// fraction of a timestamp, where any six digits can turn up by chance).
fn code_in(log: &str, code: &str) -> bool {
    log.match_indices(code).any(|(at, _)| {
        let before = log[..at].chars().next_back();
        let after = log[at + code.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ':')
            && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

#[tokio::test]
async fn the_log_and_the_database_hold_no_secret_and_the_audit_log_no_address() {
    let (app, sink) = start_with_mail().await;
    let mut secrets: Vec<String> = vec![PASSWORD.to_string()];
    // Link tokens: checked in the database here, in the log by the (ignored) test below.
    let mut link_tokens: Vec<String> = Vec::new();
    let mut codes = Vec::new();

    // By link, naming a new account, then setting a password.
    let browser = app.browser();
    let (_, mail) = request_sign_in(&browser, &sink, "audit@example.org", None).await;
    link_tokens.push(mail.link_token("/sign-in/link/"));
    secrets.push(browser.cookie("quorum_sign_in").unwrap());
    codes.push(mail.code());
    let signed_in = confirm_link(&browser, &mail).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let named = browser
        .submit(
            signed_in.location().unwrap(),
            "/welcome",
            &[("name", "Audit")],
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    let set = browser
        .submit(
            "/account",
            "/account/password",
            &[("new_password", PASSWORD)],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    secrets.push(browser.cookie("quorum_session").unwrap());
    secrets.push(browser.cookie("quorum_csrf").unwrap());

    // By code, after a wrong one.
    let typist = app.browser();
    let (_, mail) = request_sign_in(&typist, &sink, "audit@example.org", None).await;
    link_tokens.push(mail.link_token("/sign-in/link/"));
    codes.push(mail.code());
    let wrong = if mail.code() == "000000" {
        "111111"
    } else {
        "000000"
    };
    let refused = typist
        .submit("/sign-in/check", "/sign-in/check", &[("code", wrong)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let accepted = typist
        .submit(
            "/sign-in/check",
            "/sign-in/check",
            &[("code", &mail.code())],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    secrets.push(typist.cookie("quorum_session").unwrap());

    // By password, once wrong and once right.
    let keyboard = app.browser();
    for password in ["not the password at all", PASSWORD] {
        keyboard
            .submit(
                "/sign-in/password",
                "/sign-in/password",
                &[("email", "audit@example.org"), ("password", password)],
            )
            .await;
    }
    secrets.push("not the password at all".to_string());
    secrets.push(keyboard.cookie("quorum_session").unwrap());

    // A change of address, whose link is a secret too.
    let changer = signed_in_browser(&app, &sink, "second@example.org").await;
    changer
        .submit(
            "/account",
            "/account/email",
            &[("new_email", "third@example.org")],
        )
        .await;
    let change = sink.wait_for_mail_to("third@example.org", 1).await;
    link_tokens.push(change.link_token("/account/email/confirm/"));
    changer.submit("/account", "/sign-out", &[]).await;

    app.wait_for_log("/sign-out");
    let log = app.logs();
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "the log holds {secret:?}:\n{log}"
        );
    }
    for code in &codes {
        assert!(
            !code_in(&log, code),
            "the log holds the code {code}:\n{log}"
        );
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(!log.contains(&spaced), "the log holds the code {spaced}");
    }
    assert!(
        !log.contains("audit@example.org"),
        "the log holds an address:\n{log}"
    );

    // The database: every secret only as a digest, no secret in any text column we know of.
    let db = app.database().await;
    let mut stored: Vec<String> = Vec::new();
    for query in [
        "SELECT id_hash FROM sessions",
        "SELECT token_hash FROM sign_in_requests",
        "SELECT code_hash FROM sign_in_requests",
        "SELECT handle_hash FROM sign_in_requests",
        "SELECT token_hash FROM email_changes",
        "SELECT COALESCE(password_hash, '') FROM accounts",
    ] {
        stored.extend(
            sqlx::query_scalar::<_, String>(query)
                .fetch_all(&db)
                .await
                .unwrap(),
        );
    }
    for secret in secrets.iter().chain(&link_tokens) {
        assert!(
            !stored.iter().any(|value| value.contains(secret.as_str())),
            "{secret:?} is stored as it is"
        );
    }
    let sessions: Vec<String> = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(
        sessions.contains(&sha256_hex(&keyboard.cookie("quorum_session").unwrap())),
        "sessions are stored as the SHA-256 of their id"
    );

    // The audit log: sign-in events, each address as a keyed hash.
    let events: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT action, outcome, email_hash, account_id FROM audit_events ORDER BY at, id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let has = |action: &str, outcome: &str| {
        events
            .iter()
            .any(|(a, o, _, _)| a == action && o == outcome)
    };
    for (action, outcome) in [
        ("sign_in_requested", "ok"),
        ("sign_in_link", "ok"),
        ("sign_in_code", "wrong_code"),
        ("sign_in_code", "ok"),
        ("sign_in_password", "wrong"),
        ("sign_in_password", "ok"),
        ("password_set", "ok"),
        ("sign_out", "ok"),
    ] {
        assert!(has(action, outcome), "no {action}/{outcome} in {events:?}");
    }
    let hashes: Vec<&String> = events
        .iter()
        .filter(|(action, _, _, _)| action.starts_with("sign_in"))
        .filter_map(|(_, _, hash, _)| hash.as_ref())
        .collect();
    assert!(hashes.len() >= 6, "{events:?}");
    let audit_hash = hashes[0];
    assert_eq!(audit_hash.len(), 64);
    assert!(audit_hash.chars().all(|c| c.is_ascii_hexdigit()));
    for email in ["audit@example.org", "second@example.org"] {
        for (_, _, hash, _) in &events {
            let hash = hash.as_deref().unwrap_or("");
            assert!(
                !hash.contains(email),
                "an address is stored in the audit log"
            );
            assert_ne!(
                hash,
                sha256_hex(email),
                "a plain SHA-256 of an address is reversible"
            );
        }
    }
    // Two requests for one address and one for another, in whatever order they were written
    // within the same second: one hash twice, another once.
    let mut per_address: std::collections::BTreeMap<&String, usize> = Default::default();
    for (_, _, hash, _) in events
        .iter()
        .filter(|(action, outcome, _, _)| action == "sign_in_requested" && outcome == "ok")
    {
        if let Some(hash) = hash {
            *per_address.entry(hash).or_default() += 1;
        }
    }
    let mut counts: Vec<usize> = per_address.values().copied().collect();
    counts.sort();
    assert_eq!(
        counts,
        [1, 2],
        "one address has one hash, so repeated attempts show; another address, another hash"
    );
}

#[tokio::test]
async fn link_tokens_never_reach_the_log() {
    let (app, sink) = start_with_mail().await;
    let browser = app.browser();
    let (_, mail) = request_sign_in(&browser, &sink, "links@example.org", None).await;
    let token = mail.link_token("/sign-in/link/");
    let signed_in = confirm_link(&browser, &mail).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let named = browser
        .submit(
            signed_in.location().unwrap(),
            "/welcome",
            &[("name", "Links")],
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    browser
        .submit(
            "/account",
            "/account/email",
            &[("new_email", "moved@example.org")],
        )
        .await;
    let change = sink.wait_for_mail_to("moved@example.org", 1).await;
    let change_token = change.link_token("/account/email/confirm/");
    let page = browser
        .get(&change.link_path("/account/email/confirm/"))
        .await;
    assert_eq!(page.status, StatusCode::OK);

    let log = app.wait_for_log("/account/email/confirm");
    for secret in [token, change_token] {
        assert!(
            !log.contains(&secret),
            "the log holds the link token {secret:?}:\n{log}"
        );
    }
}
