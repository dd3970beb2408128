//! The token that opens `/metrics` (`QUORUM_METRICS_TOKEN`), and how a request shows it:
//! `Authorization: Bearer <token>`, the standard way to hand a secret to an HTTP endpoint, which
//! Prometheus sends with `authorization: { credentials_file: … }`.

use std::fmt;

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The token that opens `/metrics`, kept as its SHA-256 digest: comparing digests takes the
/// same time whatever the guess and however long it is, and `Debug` has nothing to show.
#[derive(Clone)]
pub struct MetricsToken([u8; 32]);

/// A metrics token too short to be a secret.
#[derive(Debug, thiserror::Error)]
#[error(
    "QUORUM_METRICS_TOKEN must be at least {} characters long; make one with `openssl rand -hex 32`",
    MetricsToken::SHORTEST
)]
pub struct ShortMetricsToken;

impl MetricsToken {
    /// The fewest characters a token may have: a short one could be guessed over HTTP.
    pub const SHORTEST: usize = 16;

    /// The token of the setting; none when it is absent or empty (as an empty variable in an
    /// environment file means "not set"), so `/metrics` stays closed.
    pub fn from_setting(setting: Option<&str>) -> Result<Option<Self>, ShortMetricsToken> {
        match setting.map(str::trim) {
            None | Some("") => Ok(None),
            Some(token) if token.chars().count() < Self::SHORTEST => Err(ShortMetricsToken),
            Some(token) => Ok(Some(Self(Sha256::digest(token.as_bytes()).into()))),
        }
    }

    /// Whether `headers` carry `Authorization: Bearer <this token>` (the scheme in any case).
    pub(super) fn admits(&self, headers: &HeaderMap) -> bool {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty());
        given.is_some_and(|token| {
            let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            digest[..].ct_eq(&self.0[..]).into()
        })
    }
}

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_a_bearer_token_compared_whole() {
        let token = MetricsToken::from_setting(Some("0123456789abcdef0123"))
            .unwrap()
            .unwrap();
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            token.admits(&headers)
        };
        assert!(with("Bearer 0123456789abcdef0123"));
        assert!(with("bearer 0123456789abcdef0123"));
        for refused in [
            "Bearer 0123456789abcdef012",
            "Bearer 0123456789abcdef01234",
            "Basic 0123456789abcdef0123",
            "0123456789abcdef0123",
            "Bearer",
            "Bearer ",
        ] {
            assert!(!with(refused), "{refused:?} was let in");
        }
        assert!(!token.admits(&HeaderMap::new()));
        assert_eq!(format!("{token:?}"), "MetricsToken(…)");
    }

    #[test]
    fn an_empty_token_closes_the_page_and_a_short_one_is_refused() {
        assert!(MetricsToken::from_setting(None).unwrap().is_none());
        assert!(MetricsToken::from_setting(Some("  ")).unwrap().is_none());
        assert!(MetricsToken::from_setting(Some("fifteen-chars!!")).is_err());
        assert!(MetricsToken::from_setting(Some("sixteen-chars!!!")).is_ok());
    }
}
