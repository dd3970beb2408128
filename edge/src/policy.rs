//! The edge's decisions, as plain functions of the request and response (no worker types), so
//! they are tested natively: what bypasses the cache, how a cache key is made, what may be
//! stored and for how long, and how the sign-in rate limit counts.

/// Paths that are always passed to the origin: sign-in, the account, administration, and every
/// page that only makes sense to one person.
const PRIVATE_PREFIXES: [&str; 6] = [
    "/sign-in",
    "/sign-out",
    "/account",
    "/admin",
    "/welcome",
    "/dashboard",
];

/// Query parameters that only track where a visitor came from: they never change a page, so
/// they are left out of the cache key and the request to the origin.
const TRACKING_PARAMETERS: [&str; 14] = [
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "yclid",
    "igshid", "_ga", "_gl", "twclid", "ttclid",
];

/// The session cookie's name without and with the `__Host-` prefix Quorum uses over HTTPS.
const SESSION_COOKIES: [&str; 2] = ["quorum_session", "__Host-quorum_session"];

/// Why a request is not answered from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bypass {
    /// Not a GET.
    Method,
    /// A sign-in, account or admin path.
    PrivatePath,
    /// The visitor is signed in.
    Session,
}

/// Whether a request must go to the origin whatever the cache holds.
pub fn bypass(method: &str, path: &str, cookie_header: Option<&str>) -> Option<Bypass> {
    if method != "GET" {
        return Some(Bypass::Method);
    }
    if PRIVATE_PREFIXES.iter().any(|prefix| {
        path == *prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    }) {
        return Some(Bypass::PrivatePath);
    }
    if cookie_header.is_some_and(has_session_cookie) {
        return Some(Bypass::Session);
    }
    None
}

fn has_session_cookie(header: &str) -> bool {
    SESSION_COOKIES
        .iter()
        .any(|name| cookie_value(header, name).is_some())
}

/// The value of the cookie `name` in a `Cookie` header.
pub fn cookie_value(header: &str, name: &str) -> Option<String> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then(|| value.to_string())
    })
}

/// `query` without tracking parameters (`utm_*` and the click ids above), in the same order.
pub fn strip_tracking(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            let name = name.to_ascii_lowercase();
            !(name.starts_with("utm_") || TRACKING_PARAMETERS.contains(&name.as_str()))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A response's shared-cache lifetime, read from its `Cache-Control`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    /// Seconds the copy is fresh: `s-maxage`, or `max-age` when there is none.
    pub fresh: u64,
    /// Seconds after that it may still be served while a fresh copy is fetched.
    pub stale_while_revalidate: u64,
}

/// The lifetime a shared cache may keep a response with this `Cache-Control` for: only
/// `public` responses with a positive lifetime, and never `private`, `no-store` or `no-cache`.
pub fn lifetime(cache_control: &str) -> Option<Lifetime> {
    let mut public = false;
    let (mut max_age, mut s_maxage, mut swr) = (None, None, 0);
    for directive in cache_control.split(',') {
        let directive = directive.trim().to_ascii_lowercase();
        let (name, value) = match directive.split_once('=') {
            Some((name, value)) => (
                name.trim().to_string(),
                Some(value.trim().trim_matches('"')),
            ),
            None => (directive.clone(), None),
        };
        let seconds = value.and_then(|v| v.parse::<u64>().ok());
        match name.as_str() {
            "public" => public = true,
            "private" | "no-store" | "no-cache" => return None,
            "max-age" => max_age = seconds,
            "s-maxage" => s_maxage = seconds,
            "stale-while-revalidate" => swr = seconds.unwrap_or(0),
            _ => {}
        }
    }
    let fresh = s_maxage.or(max_age)?;
    (public && fresh > 0).then_some(Lifetime {
        fresh,
        stale_while_revalidate: swr,
    })
}

/// How a stored copy may be used `age` seconds after it was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Serve it.
    Fresh,
    /// Serve it, and fetch a fresh copy in the background.
    Stale,
    /// Do not serve it.
    Expired,
}

impl Lifetime {
    pub fn freshness(&self, age: u64) -> Freshness {
        if age < self.fresh {
            Freshness::Fresh
        } else if age < self.fresh.saturating_add(self.stale_while_revalidate) {
            Freshness::Stale
        } else {
            Freshness::Expired
        }
    }

    /// How long the cache must keep a copy for it to be usable, stale or fresh.
    pub fn kept_for(&self) -> u64 {
        self.fresh.saturating_add(self.stale_while_revalidate)
    }
}

/// Whether a response may be stored at all: a whole 200 with a shared lifetime and no cookie.
pub fn storable(
    status: u16,
    has_set_cookie: bool,
    cache_control: Option<&str>,
) -> Option<Lifetime> {
    if status != 200 || has_set_cookie {
        return None;
    }
    lifetime(cache_control?)
}

/// A fixed window rate limit: `limit` requests per `window` seconds per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u32,
    pub window: u64,
}

impl RateLimit {
    /// The counter's key for a client at `now`, and the seconds left in its window.
    pub fn slot(&self, client: &str, now: u64) -> (String, u64) {
        let window = self.window.max(1);
        let start = now - now % window;
        (format!("sign-in:{client}:{start}"), start + window - now)
    }

    /// Whether one more request is allowed after `count` in this window.
    pub fn allows(&self, count: u32) -> bool {
        count < self.limit
    }
}

/// How long to wait, in the words the origin's "Too many attempts" page uses.
pub fn wait_words(seconds: u64) -> String {
    match seconds.div_ceil(60).max(1) {
        1 => "1 minute".to_string(),
        minutes => format!("{minutes} minutes"),
    }
}

/// Text made safe to put in HTML, in an element or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page from `template` with each placeholder replaced by its value, escaped.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_string(), |page, (placeholder, value)| {
            page.replace(placeholder, &escape_html(value))
        })
}

#[cfg(test)]
mod tests;
