//! Sessions and the cookies that carry them.
//!
//! A session id is a 256-bit token in an HttpOnly, SameSite=Lax cookie, stored only as its
//! digest, and made anew at every sign-in. When Quorum is served over HTTPS the cookie is
//! `__Host-quorum_session` and Secure, so it is bound to this host and never sent in clear. For
//! development over plain `http://127.0.0.1` the Secure flag (and with it the `__Host-` prefix,
//! which requires it) is left off: browsers would otherwise refuse or withhold the cookie.

use std::time::Duration;

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use cookie::Cookie;

/// The signed-in person, as every page sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub account_id: String,
    pub email: String,
    pub display_name: Option<String>,
    pub has_password: bool,
    /// The public id of the session in use, to mark "this device" on the account page.
    pub session_id: String,
    /// The zone the person reads times in (IANA name, "UTC" until they choose one).
    pub time_zone: String,
    /// How many of their notifications are unread, for the header (at most 100).
    pub unread_notifications: i64,
}

impl Viewer {
    /// The name to show: the display name, or the email until one is chosen.
    pub fn name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.email)
    }
}

/// Who is asking, and the CSRF token their forms must carry: read once per request by the
/// server's middleware and left in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestAuth {
    pub viewer: Option<Viewer>,
    pub csrf: super::token::Secret,
    /// The host and port of `QUORUM_PUBLIC_URL`, which form posts may come from too (a proxy
    /// in front of Quorum may rewrite the Host header).
    pub public_authority: String,
    /// For a form post sent with a session that has ended (within the last day): whose it was,
    /// so that what the form sent can be kept for them (`server::kept_answers`).
    pub ended_session_of: Option<String>,
}

pub const SESSION_COOKIE: &str = "quorum_session";
pub const CSRF_COOKIE: &str = "quorum_csrf";
/// Ties a pending sign-in request to the browser that asked, for the typed-code path.
pub const SIGN_IN_COOKIE: &str = "quorum_sign_in";
/// Keeps an invitation link's token while its holder signs in, so the token never has to
/// travel in a URL (such as the `next` of the sign-in page).
pub const INVITATION_COOKIE: &str = "quorum_invitation";
/// Binds answers kept across an ended session to the browser that sent them.
pub const KEPT_COOKIE: &str = "quorum_kept";

/// How cookies are named and flagged on this instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookiePolicy {
    pub secure: bool,
}

impl CookiePolicy {
    pub fn name(&self, base: &str) -> String {
        if self.secure {
            format!("__Host-{base}")
        } else {
            base.to_string()
        }
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, whole site, Secure over HTTPS, lasting
    /// `max_age` (or until the browser closes). The attributes with values come first and the
    /// bare flags last: Lynx stops reading a cookie correctly after a bare flag that is followed
    /// by more attributes, and text-browser users must be able to sign in. Values are tokens
    /// made of URL-safe characters, so they need no quoting.
    pub fn set(&self, base: &str, value: &str, max_age: Option<Duration>) -> HeaderValue {
        let mut text = format!("{}={value}; Path=/", self.name(base));
        if let Some(age) = max_age {
            text.push_str(&format!("; Max-Age={}", age.as_secs()));
        }
        text.push_str("; SameSite=Lax");
        if self.secure {
            text.push_str("; Secure");
        }
        text.push_str("; HttpOnly");
        header_value(&text)
    }

    /// A `Set-Cookie` value that removes the cookie.
    pub fn remove(&self, base: &str) -> HeaderValue {
        self.set(base, "", Some(Duration::ZERO))
    }

    /// The cookie's value in a request, if sent.
    pub fn read(&self, headers: &HeaderMap, base: &str) -> Option<String> {
        let name = self.name(base);
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| Cookie::split_parse(value.to_string()))
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == name)
            .map(|cookie| cookie.value().to_string())
    }
}

/// Session cookies last a year in the browser; the server decides when a session ends.
pub const SESSION_COOKIE_AGE: Duration = Duration::from_secs(365 * 24 * 60 * 60);

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Adds a `Set-Cookie` header.
pub fn append_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

/// A short description of the browser and system from the User-Agent, for the sessions list.
/// Only the family names are kept, never the full string.
pub fn device_hint(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("Lynx/", "Lynx"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map_or("A browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| *name);
    match system {
        Some(system) => format!("{browser} on {system}"),
        None => browser.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_instances_use_host_prefixed_secure_cookies() {
        let value =
            CookiePolicy { secure: true }.set(SESSION_COOKIE, "abc", Some(SESSION_COOKIE_AGE));
        let text = value.to_str().unwrap();
        assert!(text.starts_with("__Host-quorum_session=abc"), "{text}");
        for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(text.contains(part), "{text}");
        }
        assert!(!text.contains("Domain"), "{text}");
        assert!(
            text.ends_with("; Secure; HttpOnly"),
            "bare flags last, for Lynx: {text}"
        );
    }

    #[test]
    fn plain_http_development_drops_secure_and_the_prefix() {
        let text = CookiePolicy { secure: false }
            .set(CSRF_COOKIE, "x", None)
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            text.starts_with("quorum_csrf=x") && !text.contains("Secure"),
            "{text}"
        );
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("other=1; quorum_session=s1; quorum_sessionx=2"),
        );
        let policy = CookiePolicy { secure: false };
        assert_eq!(policy.read(&headers, SESSION_COOKIE).as_deref(), Some("s1"));
        assert_eq!(
            CookiePolicy { secure: true }.read(&headers, SESSION_COOKIE),
            None
        );
    }

    #[test]
    fn device_hints_name_only_families() {
        let ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(device_hint(ua), "Chrome on Linux");
        assert_eq!(device_hint("Lynx/2.9.0dev.12 libwww-FM/2.14"), "Lynx");
        assert_eq!(device_hint(""), "A browser");
    }
}
