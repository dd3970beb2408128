//! Answers kept through a busy moment: when the database is too busy to take a form, the person
//! gets the 503 "Quorum is busy" page with everything they sent kept in it, ready to send again,
//! instead of an error that loses what they wrote.
//!
//! Strategy: a form post's body is read here once (within the same limit as everywhere) and
//! handed on unchanged; only a response marked [`Busy`] is replaced, by the same page with the
//! answers. Handlers need do nothing: a busy store error becomes that response by itself.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::session::RequestAuth;
use crate::pages::{AppError, Busy, FormData, KeptForm, busy_page};
use crate::ui::PageContext;

pub async fn keep(request: Request, next: Next) -> Response {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if request.method() != Method::POST || !is_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, super::BODY_LIMIT).await else {
        return AppError::PayloadTooLarge.into_response();
    };
    let action = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_string(), |p| p.as_str().to_string());
    let page = parts
        .extensions
        .get::<RequestAuth>()
        .map(|auth| PageContext {
            signed_in_as: auth.viewer.as_ref().map(|v| v.name().to_string()),
            csrf_token: auth.csrf.expose().to_string(),
            path: parts.uri.path().to_string(),
        })
        .unwrap_or_default();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    if response.extensions().get::<Busy>().is_none() {
        return response;
    }
    busy_page(Some(KeptForm {
        action,
        fields: FormData::parse(&bytes).into_pairs(),
        page,
    }))
}
