//! `/sign-in/…`: signing in by email link, by code, or by password, and `/sign-out`.
//!
//! The flow: `/sign-in` takes an address and always answers the same way ("Check your email"),
//! whether or not it has an account, doing the same work either way. The email carries a link
//! and a code. Opening the link shows a confirm page, which uses nothing up (mail scanners open
//! links); its button posts and signs in. The code can be typed on the "Check your email" page
//! of the browser that asked. Either way the request is used up in one database update.

pub mod check;
pub mod edge;
pub mod link;
pub mod password;
pub mod request;
pub mod sign_out;
pub mod welcome;

use std::net::IpAddr;
use std::time::Duration;

use axum::http::header::{HeaderValue, REFERRER_POLICY, RETRY_AFTER, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

use super::{AppError, Ctx, html, see_other};
use crate::AppState;
use crate::auth::session::{
    CSRF_COOKIE, SESSION_COOKIE, SESSION_COOKIE_AGE, SIGN_IN_COOKIE, append_cookie, device_hint,
};
use crate::auth::token;
use crate::store::{AuditEvent, PendingSignIn, unix_now};
use crate::ui::{ButtonLink, Crumb, NavArea, Page, PageContext, PageHeading, render_document};

/// Argon2 hashes run at most two at a time (each takes 19 MiB and tens of milliseconds of a
/// core), so a burst of password requests queues instead of exhausting memory.
static ARGON2_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Runs password hashing work off the async threads, within the argon2 slots.
pub async fn with_argon2<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _slot = ARGON2_SLOTS.acquire().await.map_err(anyhow::Error::from)?;
    Ok(tokio::task::spawn_blocking(work)
        .await
        .map_err(anyhow::Error::from)?)
}

/// How long a sign-in link and code work.
pub const SIGN_IN_LIFETIME: i64 = 10 * 60;

/// An address as stored and compared: trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// "ann@example.org" as "a…@example.org": enough to recognise, little to leak.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".to_string(),
    }
}

/// What a sign-in link shows on its confirm page: the masked address, shortened to fit the
/// link's 64-byte hint when a domain is very long.
pub fn link_hint(email: &str) -> String {
    let masked = mask_email(email);
    if masked.len() <= magic_link::HINT_MAX {
        return masked;
    }
    let mut hint = String::new();
    for c in masked.chars() {
        if hint.len() + c.len_utf8() + '…'.len_utf8() > magic_link::HINT_MAX {
            break;
        }
        hint.push(c);
    }
    hint.push('…');
    hint
}

/// Where to go after signing in: a path on this site only, never another site.
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/sign-in")
        && !next.starts_with("/sign-out")
        && next.len() <= 500
        && next.chars().all(|c| c.is_ascii_graphic());
    if ok {
        next.to_string()
    } else {
        "/".to_string()
    }
}

/// Writes one audit line. The email is kept only as an HMAC under the instance's key. A failure
/// to write is logged and does not stop the person's request.
pub async fn audit(
    state: &AppState,
    action: &str,
    outcome: &str,
    account_id: Option<&str>,
    email: Option<&str>,
    ip: IpAddr,
) {
    let email_hash = email.map(|email| crate::auth::keyed_hash(&state.config.audit_key, email));
    let ip = ip.to_string();
    write_audit(
        state,
        &AuditEvent {
            action,
            outcome,
            account_id,
            email_hash: email_hash.as_deref(),
            ip: Some(&ip),
            group_id: None,
            subject_id: None,
            detail: None,
        },
    )
    .await;
}

/// Writes one audit line that names nobody and no address: an account's deletion, recorded
/// after everything that named its owner was erased.
pub async fn audit_unnamed(state: &AppState, action: &str) {
    write_audit(
        state,
        &AuditEvent {
            action,
            outcome: "ok",
            account_id: None,
            email_hash: None,
            ip: None,
            group_id: None,
            subject_id: None,
            detail: None,
        },
    )
    .await;
}

/// Writes one audit line for a privileged action in a group, by `account_id`, with whom it was
/// done to (`subject_id`, an account) and a short `detail` in words.
pub async fn audit_group_with(
    state: &AppState,
    action: &str,
    account_id: &str,
    group_id: &str,
    ip: IpAddr,
    subject_id: Option<&str>,
    detail: Option<&str>,
) {
    let ip = ip.to_string();
    write_audit(
        state,
        &AuditEvent {
            action,
            outcome: "ok",
            account_id: Some(account_id),
            email_hash: None,
            ip: Some(&ip),
            group_id: Some(group_id),
            subject_id,
            detail,
        },
    )
    .await;
}

async fn write_audit(state: &AppState, event: &AuditEvent<'_>) {
    let written = match audit_id() {
        Ok(id) => state
            .store
            .record_audit(&id, unix_now(), event)
            .await
            .map_err(anyhow::Error::from),
        Err(error) => Err(error.into()),
    };
    if let Err(error) = written {
        tracing::error!(cause = %error, action = event.action, "could not write the audit log");
    }
    tracing::info!(action = event.action, outcome = event.outcome, "audited");
}

/// An audit line's id: the time in microseconds (fixed-width hex) then a random id, so that
/// lines written in the same second still read newest first when sorted by time and id, on
/// both engines (hex digits sort alike in every collation).
fn audit_id() -> Result<String, token::RandomError> {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    Ok(format!("{micros:014x}{}", token::new_id()?))
}

/// Sign-in pages are never cached and never tell another site where the visitor came from.
pub fn private(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// Starts a session for the address of a used-up sign-in request, and sends the person on.
pub async fn complete_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    pending: PendingSignIn,
    method: &str,
    ip: IpAddr,
) -> Result<Response, AppError> {
    let now = unix_now();
    let account = state
        .store
        .find_or_create_account(
            &token::new_id().map_err(anyhow::Error::from)?,
            &pending.email,
            now,
        )
        .await?;
    let session = token::new_token().map_err(anyhow::Error::from)?;
    let csrf = token::new_token().map_err(anyhow::Error::from)?;
    let device = device_hint(
        headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
    let public_id = token::new_id().map_err(anyhow::Error::from)?;
    state
        .store
        .create_session(&session.digest(), &public_id, &account.id, &device, now)
        .await?;
    if state.store.reactivate_account(&account.id).await? {
        audit(
            state,
            "account_reactivated",
            "ok",
            Some(&account.id),
            None,
            ip,
        )
        .await;
    }
    audit(
        state,
        method,
        "ok",
        Some(&account.id),
        Some(&pending.email),
        ip,
    )
    .await;
    let next = safe_next(&pending.next_path);
    let location = if account.display_name.is_none() {
        let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        format!("/welcome?next={encoded}")
    } else {
        next
    };
    let mut response = see_other(&location);
    let cookies = state.config.cookies;
    let headers = response.headers_mut();
    append_cookie(
        headers,
        cookies.set(SESSION_COOKIE, session.expose(), Some(SESSION_COOKIE_AGE)),
    );
    // A new CSRF token at sign-in: one planted before it is worthless after it.
    append_cookie(
        headers,
        cookies.set(CSRF_COOKIE, csrf.expose(), Some(SESSION_COOKIE_AGE)),
    );
    append_cookie(headers, cookies.remove(SIGN_IN_COOKIE));
    Ok(private(response))
}

/// A page that says a sign-in link or request can no longer be used, and how to start again.
pub fn expired_page(
    title: &'static str,
    body: &'static str,
    button: &'static str,
) -> impl IntoView {
    view! {
        <Page title=title area=NavArea::SignIn breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::link("Sign in", "/sign-in"), Crumb::current(title)]>
            <PageHeading text=title/>
            <p>{body}</p>
            <ButtonLink href="/sign-in" text=button/>
        </Page>
    }
}

/// The answer when a rate limit is reached: status 429, `Retry-After`, and a page that says how
/// long to wait and what else to do.
pub fn too_many_attempts(ctx: &Ctx, wait: Duration) -> Response {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let when = if minutes == 1 {
        "1 minute".to_string()
    } else {
        format!("{minutes} minutes")
    };
    let page = too_many_document(&ctx.page(), when);
    let mut response = private(html(StatusCode::TOO_MANY_REQUESTS, page));
    if let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response.into_response()
}

/// The page of a reached rate limit; `when` says how long to wait ("2 minutes").
pub fn too_many_document(page: &PageContext, when: String) -> String {
    let body = format!(
        "To keep accounts safe, Quorum limits how often anyone can try to sign in. Wait {when}, then try again."
    );
    render_document(page, move || {
        view! {
            <Page title="Too many attempts" area=NavArea::SignIn breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::current("Too many attempts")]>
                <PageHeading text="Too many attempts"/>
                <p>{body}</p>
                <p>"If you did not make these attempts, nobody can get into your account without access to your email."</p>
                <ButtonLink href="/sign-in" text="Go back to sign in"/>
            </Page>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_paths_stay_on_this_site() {
        assert_eq!(safe_next("/groups/a?tab=b"), "/groups/a?tab=b");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "",
            "groups",
            "/sign-in/check",
            "/a b",
            "/é",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad}");
        }
    }

    #[test]
    fn addresses_are_masked_and_normalised() {
        assert_eq!(mask_email("ann@example.org"), "a…@example.org");
        assert_eq!(normalize_email("  Ann@Example.ORG "), "ann@example.org");
        assert_eq!(link_hint("ann@example.org"), "a…@example.org");
        let long = format!("ann@{}.example", "sub".repeat(40));
        let hint = link_hint(&long);
        assert!(hint.len() <= magic_link::HINT_MAX, "{hint}");
        assert!(
            hint.starts_with("a…@subsub") && hint.ends_with('…'),
            "{hint}"
        );
    }
}
