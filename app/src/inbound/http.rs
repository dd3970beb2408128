//! `POST /inbound/email`: a mail server that takes Quorum's reply addresses pipes each message
//! here, raw (RFC 5322), with `Authorization: Bearer <QUORUM_INBOUND_SECRET>`.
//!
//! Answers: 202 once the message is handled (posted, bounced or dropped: the sending server has
//! nothing more to do), 401 for a missing or wrong secret, 413 for a message over
//! [`MESSAGE_LIMIT`], 405 for another method, 503 when the database is busy (try again later),
//! and 404, as for an unknown address, when no secret is set. The envelope recipient may be
//! given as `?to=<address>` (repeatable); otherwise the reply address is found in the headers.
//! The route sits outside the layers that read sessions and set cookies: no cookie is read or
//! set and no CSRF token asked for, as no browser ever calls it; the secret is the only key.

use std::fmt;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Arrival, MESSAGE_LIMIT, receive};
use crate::AppState;
use crate::pages;

/// The shared secret that opens `/inbound/email`, kept as its SHA-256 digest: comparing digests
/// takes the same time whatever the guess and however long it is, and `Debug` shows nothing.
#[derive(Clone)]
pub struct InboundSecret([u8; 32]);

/// An inbound secret too short to be a secret.
#[derive(Debug, thiserror::Error)]
#[error(
    "QUORUM_INBOUND_SECRET must be at least {} characters long; make one with `openssl rand -hex 32`",
    InboundSecret::SHORTEST
)]
pub struct ShortInboundSecret;

impl InboundSecret {
    /// The fewest characters a secret may have: a short one could be guessed over HTTP.
    pub const SHORTEST: usize = 16;

    /// The secret of the setting; none when it is absent or empty, so the endpoint stays off.
    pub fn from_setting(setting: Option<&str>) -> Result<Option<Self>, ShortInboundSecret> {
        match setting.map(str::trim) {
            None | Some("") => Ok(None),
            Some(secret) if secret.chars().count() < Self::SHORTEST => Err(ShortInboundSecret),
            Some(secret) => Ok(Some(Self(Sha256::digest(secret.as_bytes()).into()))),
        }
    }

    /// Whether `headers` carry `Authorization: Bearer <this secret>` (the scheme in any case).
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim())
            .filter(|secret| !secret.is_empty());
        given.is_some_and(|secret| {
            let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
            digest[..].ct_eq(&self.0[..]).into()
        })
    }
}

impl fmt::Debug for InboundSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InboundSecret(…)")
    }
}

/// `/inbound/email`, any method (see the module's doc).
pub async fn serve(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(secret) = state.config.inbound_secret.as_ref() else {
        return pages::not_found();
    };
    if method != Method::POST {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "Use POST.\n");
    }
    if !secret.admits(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "The secret is missing or wrong.\n",
        )
            .into_response();
    }
    let Ok(raw) = axum::body::to_bytes(body, MESSAGE_LIMIT).await else {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The message is larger than 1 MB.\n",
        );
    };
    // A `+` is taken as itself, not as a space: mail servers put addresses in unencoded, and
    // every reply address has one.
    let recipients: Vec<String> = uri
        .query()
        .map(|query| {
            form_urlencoded::parse(query.replace('+', "%2B").as_bytes())
                .filter(|(name, _)| name == "to")
                .map(|(_, value)| value.trim().to_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let arrival = Arrival {
        raw: &raw,
        sender: None,
        recipients: &recipients,
    };
    match receive(&state, arrival).await {
        Ok(_) => plain(StatusCode::ACCEPTED, "Handled.\n"),
        Err(cause) => {
            tracing::warn!(%cause, "inbound mail: a message could not be handled; the sender may try again");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "60")],
                "Quorum is busy: send the message again later.\n",
            )
                .into_response()
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_a_bearer_token_compared_whole() {
        let secret = InboundSecret::from_setting(Some("0123456789abcdef0123"))
            .unwrap()
            .unwrap();
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            secret.admits(&headers)
        };
        assert!(with("Bearer 0123456789abcdef0123"));
        assert!(with("bearer 0123456789abcdef0123"));
        for refused in [
            "Bearer 0123456789abcdef012",
            "Basic 0123456789abcdef0123",
            "0123456789abcdef0123",
            "Bearer ",
        ] {
            assert!(!with(refused), "{refused:?} was let in");
        }
        assert!(!secret.admits(&HeaderMap::new()));
        assert_eq!(format!("{secret:?}"), "InboundSecret(…)");
    }

    #[test]
    fn an_empty_secret_turns_the_endpoint_off_and_a_short_one_is_refused() {
        assert!(InboundSecret::from_setting(None).unwrap().is_none());
        assert!(InboundSecret::from_setting(Some(" ")).unwrap().is_none());
        assert!(InboundSecret::from_setting(Some("fifteen-chars!!")).is_err());
        assert!(InboundSecret::from_setting(Some("sixteen-chars!!!")).is_ok());
    }
}
