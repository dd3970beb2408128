//! Answers kept when a form cannot be taken, so that nobody loses what they wrote:
//!
//! - Through a busy moment: when the database is too busy to take a form, the person gets the
//!   503 "Quorum is busy" page with everything they sent kept in it, ready to send again.
//! - Across an ended session (WCAG 2.2.5; DESIGN.md "Time limits must not cost work"): a form
//!   sent after the person's session ended (idle, signed out, or ended from another device) is
//!   kept in the store for a day, under a one-time id, bound to this browser by a secret in a
//!   cookie and to the person whose session it was; they are sent to sign in, and afterwards
//!   `/answers/<id>` shows them their answers with a "Send your answers" button
//!   (`pages::kept_answers`). Nothing is sent without that button.
//!
//! Strategy: a form post's body is read here once (within the same limit as everywhere) and
//! handed on unchanged; only a response marked [`Busy`], or one that would send a person whose
//! session has ended to sign in (or, not knowing them, answer 404), is replaced. Handlers need
//! do nothing. Forms with a password, code or token are never kept or copied into a page.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::session::{KEPT_COOKIE, RequestAuth, append_cookie};
use crate::auth::{csrf, token};
use crate::pages::{AppError, Busy, FormData, KeptForm, busy_page, is_secret_field, see_other};
use crate::store::{KEPT_FOR, NewKeptAnswers, unix_now};
use crate::ui::PageContext;

pub async fn keep(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    // A form with files: its words are kept as any form's are (its files are not, but those
    // the form already held are named in its fields, and so kept with them).
    let boundary = content_type
        .starts_with("multipart/form-data")
        .then(|| multer::parse_boundary(content_type).ok())
        .flatten();
    if request.method() != Method::POST || !(is_form || boundary.is_some()) {
        return next.run(request).await;
    }
    let limit = if boundary.is_some() {
        super::upload_limit(&state).0
    } else {
        super::BODY_LIMIT
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return AppError::PayloadTooLarge.into_response();
    };
    let action = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_string(), |p| p.as_str().to_string());
    let auth = parts.extensions.get::<RequestAuth>();
    let ended_session_of = auth
        .filter(|auth| auth.viewer.is_none())
        .and_then(|auth| auth.ended_session_of.clone());
    let page = auth
        .map(|auth| PageContext {
            signed_in_as: auth.viewer.as_ref().map(|v| v.name().to_string()),
            csrf_token: auth.csrf.expose().to_string(),
            path: parts.uri.path().to_string(),
            unread_notifications: auth.viewer.as_ref().map_or(0, |v| v.unread_notifications),
        })
        .unwrap_or_default();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    let fields = match boundary {
        Some(boundary) => FormData::read_multipart(bytes, boundary, limit)
            .await
            .unwrap_or_default()
            .into_pairs(),
        None => FormData::parse(&bytes).into_pairs(),
    };
    if response.extensions().get::<Busy>().is_some() {
        return busy_page(Some(KeptForm {
            action,
            fields,
            page,
        }));
    }
    match ended_session_of {
        Some(account) if needs_sign_in(&response) && keepable(&action, &fields) => {
            keep_for_later(&state, &account, &action, &fields)
                .await
                .unwrap_or(response)
        }
        _ => response,
    }
}

/// Whether the answer would send the person to sign in, or, not knowing who they are, answer
/// that the place is not found (as pages do for what only members may do).
fn needs_sign_in(response: &Response) -> bool {
    let to_sign_in = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|location| location.starts_with("/sign-in?"));
    response.status() == StatusCode::NOT_FOUND
        || (response.status() == StatusCode::SEE_OTHER && to_sign_in)
}

/// Forms of signing in and out are never kept, nor any with a secret in it.
fn keepable(action: &str, fields: &[(String, String)]) -> bool {
    !action.starts_with("/sign-in")
        && !action.starts_with("/sign-out")
        && !fields
            .iter()
            .any(|(name, value)| is_secret_field(name) && !value.is_empty())
}

/// Keeps the answers and sends the person to sign in, to come back to them; `None` (and the
/// ordinary answer) when they cannot be kept, which is logged.
async fn keep_for_later(
    state: &AppState,
    account: &str,
    action: &str,
    fields: &[(String, String)],
) -> Option<Response> {
    let secret = token::new_token()
        .inspect_err(|error| tracing::error!(cause = %error, "answers could not be kept"))
        .ok()?;
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter().filter(|(name, _)| name != csrf::FIELD))
        .finish();
    let kept = NewKeptAnswers {
        account_id: account,
        secret_hash: &secret.digest(),
        action,
        fields: &encoded,
        now: unix_now(),
    };
    let id = state
        .store
        .keep_answers(&kept)
        .await
        .inspect_err(|error| tracing::warn!(cause = %error, "answers could not be kept"))
        .ok()?;
    let mut response = see_other(&format!("/sign-in?next=/answers/{id}"));
    let age = std::time::Duration::from_secs(KEPT_FOR.unsigned_abs());
    append_cookie(
        response.headers_mut(),
        state
            .config
            .cookies
            .set(KEPT_COOKIE, secret.expose(), Some(age)),
    );
    Some(response)
}
