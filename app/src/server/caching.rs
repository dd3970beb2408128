//! What a shared cache (Quorum's edge worker, or any CDN) may keep, and for how long.
//!
//! Only pages that anyone may read, asked for by someone not signed in, are shared: the same
//! URL then always gives the same page. Such a response must set no cookie and carry no form
//! token, so the CSRF cookie a first visit would get waits for a page with a form. Everything
//! else stays `no-store` (the default in `headers`), and hashed assets cache themselves.
//!
//! - Fixed pages (about, privacy, design examples) change with a release:
//!   `s-maxage=3600, stale-while-revalidate=86400`.
//! - Public content (groups, threads, polls, search) changes as people write: a shared copy is
//!   at most a minute old, and may be served a minute longer while a fresh one is fetched.
//!
//! Browsers keep none of it (`max-age=0`), so a person who signs in never sees their own
//! anonymous copy. `Vary: Cookie` tells any standard cache to keep signed-in requests apart.

use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::Response;

/// `Cache-Control` of a fixed page.
pub const FIXED: &str = "public, max-age=0, s-maxage=3600, stale-while-revalidate=86400";
/// `Cache-Control` of a page of public content.
pub const CONTENT: &str = "public, max-age=0, s-maxage=60, stale-while-revalidate=60";

/// Put on a response whose page holds a form with the browser's CSRF token: never shared.
#[derive(Debug, Clone, Copy)]
pub struct CarriesCsrfToken;

/// The `Cache-Control` a shared copy of the answer to `method path` may have, when it is a GET
/// (or HEAD) of a page anyone may read.
pub fn shared_policy(method: &Method, path: &str) -> Option<&'static str> {
    if method != Method::GET && method != Method::HEAD {
        return None;
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        [""]
        | ["accessibility"]
        | ["privacy"]
        | ["privacy", "facts"]
        | ["design"]
        | ["design", "components"] => Some(FIXED),
        ["groups"]
        | ["search"]
        | ["g", _]
        | ["g", _, "threads"]
        | ["g", _, "subgroups"]
        | ["t", _]
        | ["t", _, "history"]
        | ["t", _, "print"]
        | ["t", _, "comments", _, "history"]
        | ["p", _] => Some(CONTENT),
        _ => None,
    }
}

/// Whether the answer to a request for a shareable page may be kept by a shared cache: a whole
/// page, without a form token, a cookie or a cache header of its handler's own.
pub fn may_share(response: &Response) -> bool {
    response.status() == StatusCode::OK
        && response.extensions().get::<CarriesCsrfToken>().is_none()
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CACHE_CONTROL)
}

/// Marks `response` as shared with `policy`.
pub fn share(response: &mut Response, policy: &'static str) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    headers.append(header::VARY, HeaderValue::from_static("Cookie"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_anyone_may_read_are_shared() {
        for path in ["/", "/privacy", "/design/components"] {
            assert_eq!(shared_policy(&Method::GET, path), Some(FIXED), "{path}");
        }
        for path in [
            "/groups",
            "/g/garden",
            "/g/garden/threads",
            "/t/abc",
            "/t/abc/history",
            "/t/abc/comments/def/history",
            "/p/abc",
            "/search",
        ] {
            assert_eq!(shared_policy(&Method::GET, path), Some(CONTENT), "{path}");
        }
        for path in [
            "/sign-in",
            "/sign-in/link/abc",
            "/account",
            "/dashboard",
            "/welcome",
            "/design/forms",
            "/g/garden/members",
            "/g/garden/settings",
            "/g/garden/threads/deleted",
            "/g/garden/threads/new",
            "/t/abc/edit",
            "/t/abc/comments/new",
            "/p/abc/close",
            "/p/abc/outcome",
            "/invitations/abc",
            "/assets/style.css",
        ] {
            assert_eq!(shared_policy(&Method::GET, path), None, "{path}");
        }
    }

    fn page() -> Response {
        Response::new(axum::body::Body::empty())
    }

    #[test]
    fn a_response_with_a_cookie_a_form_token_or_an_error_is_not_shared() {
        assert_eq!(shared_policy(&Method::HEAD, "/t/a"), Some(CONTENT));
        assert!(may_share(&page()));
        assert_eq!(shared_policy(&Method::POST, "/t/a"), None);
        let mut with_cookie = page();
        with_cookie
            .headers_mut()
            .insert(header::SET_COOKIE, HeaderValue::from_static("a=b"));
        assert!(!may_share(&with_cookie));
        let mut with_form = page();
        with_form.extensions_mut().insert(CarriesCsrfToken);
        assert!(!may_share(&with_form));
        let mut missing = page();
        *missing.status_mut() = StatusCode::NOT_FOUND;
        assert!(!may_share(&missing));
        let mut private = page();
        private
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        assert!(!may_share(&private));
    }
}
