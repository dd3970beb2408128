//! Cross-site request forgery protection, two checks on every form post:
//!
//! 1. A token: every page that has a form puts the browser's CSRF token (a 256-bit random value
//!    also held in an HttpOnly cookie) in a hidden field; a post whose field does not match its
//!    cookie is refused. Another site can make a browser post, but cannot read the token.
//! 2. The origin: when the browser says where the post came from (`Origin`, or failing that
//!    `Referer`), it must be this host. Text browsers that send neither still pass check 1, and
//!    so does `Origin: null`, which browsers send from pages with `Referrer-Policy: no-referrer`
//!    (Quorum's own sign-in pages): it names no site, so only the token can decide.
//!
//! The token is replaced at sign-in, so a token planted before sign-in is useless after it.

use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN, REFERER};

use super::token::digests_match;

/// The name of the hidden field.
pub const FIELD: &str = "csrf_token";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CsrfFailure {
    #[error("the form's token does not match")]
    Token,
    #[error("the form was sent from another site")]
    Origin,
}

/// Checks a post: `cookie_token` from the request's cookie, `form_token` from its body.
/// `public_authority` is the host (and port) of the public URL, also accepted as the origin.
pub fn check(
    headers: &HeaderMap,
    public_authority: &str,
    cookie_token: Option<&str>,
    form_token: &str,
) -> Result<(), CsrfFailure> {
    check_origin(headers, public_authority)?;
    match cookie_token {
        Some(expected) if !form_token.is_empty() && digests_match(expected, form_token) => Ok(()),
        _ => Err(CsrfFailure::Token),
    }
}

fn check_origin(headers: &HeaderMap, public_authority: &str) -> Result<(), CsrfFailure> {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let origin = headers
        .get(ORIGIN)
        .and_then(|value| value.to_str().ok())
        .filter(|o| *o != "null");
    let claimed = origin.or_else(|| headers.get(REFERER).and_then(|value| value.to_str().ok()));
    let Some(claimed) = claimed else {
        return Ok(());
    };
    let authority = claimed
        .strip_prefix("https://")
        .or_else(|| claimed.strip_prefix("http://"))
        .map(|rest| rest.split('/').next().unwrap_or(""));
    match authority {
        Some(authority)
            if (!host.is_empty() && authority.eq_ignore_ascii_case(host))
                || (!public_authority.is_empty()
                    && authority.eq_ignore_ascii_case(public_authority)) =>
        {
            Ok(())
        }
        _ => Err(CsrfFailure::Origin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn a_matching_token_from_this_host_passes() {
        let h = headers(&[
            ("host", "q.example.org"),
            ("origin", "https://q.example.org"),
        ]);
        assert_eq!(check(&h, "", Some("abc"), "abc"), Ok(()));
    }

    #[test]
    fn a_wrong_or_missing_token_is_refused() {
        let h = headers(&[("host", "q.example.org")]);
        assert_eq!(check(&h, "", Some("abc"), "abd"), Err(CsrfFailure::Token));
        assert_eq!(check(&h, "", None, "abc"), Err(CsrfFailure::Token));
        assert_eq!(check(&h, "", Some(""), ""), Err(CsrfFailure::Token));
    }

    #[test]
    fn another_origin_is_refused_even_with_the_token() {
        let h = headers(&[
            ("host", "q.example.org"),
            ("origin", "https://evil.example"),
        ]);
        assert_eq!(check(&h, "", Some("abc"), "abc"), Err(CsrfFailure::Origin));
        let h = headers(&[
            ("host", "q.example.org"),
            ("referer", "https://q.example.org.evil.example/x"),
        ]);
        assert_eq!(check(&h, "", Some("abc"), "abc"), Err(CsrfFailure::Origin));
    }

    #[test]
    fn the_public_url_is_an_accepted_origin_behind_a_proxy_that_rewrites_host() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "https://q.example.org"),
        ]);
        assert_eq!(check(&h, "q.example.org", Some("t"), "t"), Ok(()));
        assert_eq!(check(&h, "", Some("t"), "t"), Err(CsrfFailure::Origin));
    }

    #[test]
    fn a_null_origin_leaves_the_decision_to_the_token() {
        let h = headers(&[("host", "q.example.org"), ("origin", "null")]);
        assert_eq!(check(&h, "", Some("abc"), "abc"), Ok(()));
        assert_eq!(check(&h, "", Some("abc"), "xyz"), Err(CsrfFailure::Token));
        let h = headers(&[
            ("host", "q.example.org"),
            ("origin", "null"),
            ("referer", "https://evil.example/"),
        ]);
        assert_eq!(check(&h, "", Some("abc"), "abc"), Err(CsrfFailure::Origin));
    }

    #[test]
    fn a_referer_from_this_host_passes_when_there_is_no_origin() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("referer", "http://127.0.0.1:3000/sign-in"),
        ]);
        assert_eq!(check(&h, "", Some("t"), "t"), Ok(()));
    }
}
