//! The worker: requests in, the origin or the Cache API behind. Every decision is made by
//! `policy`; this module only moves requests, responses and headers.
//!
//! Bindings (see the README's "Caching and the edge"): `ORIGIN` (the Quorum server's URL),
//! `LINK_KEYS` (a secret: the same `id:key,…` as the server's `QUORUM_LINK_KEYS`), `RATE_LIMIT`
//! (a KV namespace), and optionally `SIGN_IN_LIMIT` and `SIGN_IN_WINDOW` (sign-in posts allowed
//! per client IP per window of seconds; 20 per 600 by default).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use magic_link::KeyRing;
use worker::{
    Cache, Context, Date, Env, Fetch, Headers, Method, Request, RequestInit, RequestRedirect,
    Response, Result, Url, console_error, event,
};

use crate::policy::{self, Freshness, RateLimit};

/// The origin's own sign-in pages, written by `quorum edge-pages` when the worker is built.
const CONFIRM: &str = include_str!(concat!(env!("QUORUM_EDGE_PAGES"), "/confirm.html"));
const EXPIRED: &str = include_str!(concat!(env!("QUORUM_EDGE_PAGES"), "/expired.html"));
const TOO_MANY: &str = include_str!(concat!(env!("QUORUM_EDGE_PAGES"), "/too-many.html"));
/// The headers the origin gives its sign-in pages, one `name: value` a line.
const PAGE_HEADERS: &str = include_str!(concat!(env!("QUORUM_EDGE_PAGES"), "/headers.txt"));

/// The placeholders of those pages (as `quorum::pages::sign_in::edge` writes them).
const HINT: &str = "QUORUM-EDGE-HINT";
const TOKEN: &str = "QUORUM-EDGE-TOKEN";
const CSRF: &str = "QUORUM-EDGE-CSRF";
const WAIT: &str = "QUORUM-EDGE-WAIT";

/// Kept with a stored copy: when it was stored, and the origin's `Cache-Control`.
const STORED_AT: &str = "x-quorum-edge-stored-at";
const ORIGIN_CACHE_CONTROL: &str = "x-quorum-edge-cache-control";

/// Headers that belong to one connection, never passed on.
const HOP_BY_HOP: [&str; 6] = [
    "connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "te",
    "host",
];

#[event(fetch)]
async fn fetch(mut request: Request, env: Env, ctx: Context) -> Result<Response> {
    let url = request.url()?;
    let method = request.method();
    let path = url.path().to_string();
    if method == Method::Get
        && let Some(token) = path.strip_prefix("/sign-in/link/")
        && let Some(keys) = link_keys(&env)
    {
        return sign_in_link(&request, &keys, token, &url);
    }
    if method == Method::Post
        && (path == "/sign-in" || path.starts_with("/sign-in/"))
        && let Some(refused) = rate_limited(&request, &env).await?
    {
        // Read what was sent before answering, or the connection is reset under the client.
        let _ = request.bytes().await;
        return Ok(refused);
    }
    let cookies = request.headers().get("cookie")?;
    if policy::bypass(method.as_ref(), &path, cookies.as_deref()).is_some() {
        // Passed on as the origin answered: nothing added, nothing taken away.
        return forward(&request, &env, &url).await;
    }
    from_cache(&request, &env, &ctx, &url).await
}

/// The signing keys, or none when they are missing or unusable: then the origin, which holds
/// them too, answers sign-in links itself.
fn link_keys(env: &Env) -> Option<KeyRing> {
    let spec = env
        .secret("LINK_KEYS")
        .map(|s| s.to_string())
        .or_else(|_| env.var("LINK_KEYS").map(|v| v.to_string()))
        .ok()?;
    match KeyRing::parse(&spec) {
        Ok(keys) => Some(keys),
        Err(error) => {
            console_error!("LINK_KEYS cannot be used ({error}); sign-in links go to the origin");
            None
        }
    }
}

fn now() -> u64 {
    Date::now().as_millis() / 1000
}

/// `GET /sign-in/link/{token}`, answered here: the expired page for anything but a genuine,
/// unexpired link, else the confirm page that posts the token to the origin.
fn sign_in_link(request: &Request, keys: &KeyRing, token: &str, url: &Url) -> Result<Response> {
    let Ok(link) = keys.verify(token, now()) else {
        return page(EXPIRED, &[], 410);
    };
    let secure = url.scheme() == "https";
    let cookie_name = if secure {
        "__Host-quorum_csrf"
    } else {
        "quorum_csrf"
    };
    let existing = request
        .headers()
        .get("cookie")?
        .and_then(|header| policy::cookie_value(&header, cookie_name))
        .filter(|value| {
            value.len() == 43
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    let (csrf, new) = match existing {
        Some(csrf) => (csrf, false),
        None => (new_csrf_token()?, true),
    };
    let response = page(
        CONFIRM,
        &[(HINT, link.hint()), (TOKEN, token), (CSRF, &csrf)],
        200,
    )?;
    if new {
        // As the origin writes it: Lax, whole site, HttpOnly, Secure over HTTPS, a year.
        let mut cookie = format!("{cookie_name}={csrf}; Path=/; Max-Age=31536000; SameSite=Lax");
        if secure {
            cookie.push_str("; Secure");
        }
        cookie.push_str("; HttpOnly");
        response.headers().append("set-cookie", &cookie)?;
    }
    Ok(response)
}

fn new_csrf_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| worker::Error::RustError(format!("no random bytes: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// One of the origin's sign-in pages, filled in, with the origin's headers for it.
fn page(template: &str, values: &[(&str, &str)], status: u16) -> Result<Response> {
    let headers = Headers::new();
    for line in PAGE_HEADERS.lines() {
        if let Some((name, value)) = line.split_once(": ") {
            headers.append(name, value)?;
        }
    }
    Ok(Response::from_html(policy::fill(template, values))?
        .with_status(status)
        .with_headers(headers))
}

fn client_ip(request: &Request) -> String {
    request
        .headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".to_string())
}

/// Counts a sign-in post against its client's limit; the 429 page when it is over.
async fn rate_limited(request: &Request, env: &Env) -> Result<Option<Response>> {
    let number = |name: &str, default: u64| {
        env.var(name)
            .ok()
            .and_then(|v| v.to_string().parse::<u64>().ok())
            .unwrap_or(default)
    };
    let limit = RateLimit {
        limit: u32::try_from(number("SIGN_IN_LIMIT", 20)).unwrap_or(u32::MAX),
        window: number("SIGN_IN_WINDOW", 600),
    };
    let kv = env.kv("RATE_LIMIT")?;
    let (key, left) = limit.slot(&client_ip(request), now());
    let count: u32 = kv
        .get(&key)
        .text()
        .await?
        .and_then(|text| text.parse().ok())
        .unwrap_or(0);
    if !limit.allows(count) {
        let response = page(TOO_MANY, &[(WAIT, &policy::wait_words(left))], 429)?;
        response
            .headers()
            .set("retry-after", &left.max(1).to_string())?;
        return Ok(Some(response));
    }
    // Workers KV keeps a key at least 60 seconds.
    kv.put(&key, (count + 1).to_string())?
        .expiration_ttl(left.max(60))
        .execute()
        .await?;
    Ok(None)
}

/// The origin's URL for a request: its path, and its query without tracking parameters.
fn origin_url(env: &Env, url: &Url) -> Result<String> {
    let origin = env.var("ORIGIN")?.to_string();
    let query = policy::strip_tracking(url.query().unwrap_or(""));
    let separator = if query.is_empty() { "" } else { "?" };
    Ok(format!(
        "{}{}{separator}{query}",
        origin.trim_end_matches('/'),
        url.path()
    ))
}

fn copy_headers(from: &Headers) -> Result<Headers> {
    let to = Headers::new();
    for (name, value) in from.entries() {
        to.append(&name, &value)?;
    }
    Ok(to)
}

/// Sends a request on to the origin, redirects and all, with the client's address in
/// `X-Forwarded-For` (replacing any the client sent).
async fn forward(request: &Request, env: &Env, url: &Url) -> Result<Response> {
    let headers = copy_headers(request.headers())?;
    for name in HOP_BY_HOP {
        headers.delete(name)?;
    }
    headers.set("x-forwarded-for", &client_ip(request))?;
    headers.set("x-forwarded-proto", url.scheme())?;
    // Bodies come from the origin uncompressed: the runtime would otherwise pass a compressed
    // body on to a client that never asked for it. Compressing for the client is the edge
    // network's work (Cloudflare does it for every response), close to the client.
    headers.set("accept-encoding", "identity")?;
    let mut init = RequestInit::new();
    init.with_method(request.method())
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual);
    if request.method() != Method::Get && request.method() != Method::Head {
        init.with_body(request.inner().body().map(Into::into));
    }
    let outgoing = Request::new_with_init(&origin_url(env, url)?, &init)?;
    Fetch::Request(outgoing).send().await
}

/// A GET anyone may be given: from the Cache API when a usable copy is there (refreshed in the
/// background once stale), else from the origin, stored when its headers allow.
async fn from_cache(request: &Request, env: &Env, ctx: &Context, url: &Url) -> Result<Response> {
    let key = origin_url(env, url)?;
    let mut status = "MISS";
    if let Some(stored) = Cache::default().get(key.as_str(), false).await? {
        let stored_at = stored
            .headers()
            .get(STORED_AT)?
            .and_then(|text| text.parse::<u64>().ok());
        let original = stored.headers().get(ORIGIN_CACHE_CONTROL)?;
        if let (Some(stored_at), Some(original)) = (stored_at, original)
            && let Some(lifetime) = policy::lifetime(&original)
        {
            let age = now().saturating_sub(stored_at);
            match lifetime.freshness(age) {
                Freshness::Fresh => return served(stored, &original, age, "HIT"),
                Freshness::Stale => {
                    let (request, env, url) = (request.clone()?, env.clone(), url.clone());
                    let key = key.clone();
                    ctx.wait_until(async move {
                        if let Err(error) =
                            fetch_and_store(&request, &env, &url, &key, "MISS").await
                        {
                            console_error!("could not refresh a stale page: {error}");
                        }
                    });
                    return served(stored, &original, age, "UPDATING");
                }
                Freshness::Expired => status = "EXPIRED",
            }
        }
    }
    fetch_and_store(request, env, url, &key, status).await
}

/// Fetches from the origin and, when the answer may be shared, stores it under `key`. Returns
/// the answer for the visitor: with `status` when it was stored, untouched when not.
async fn fetch_and_store(
    request: &Request,
    env: &Env,
    url: &Url,
    key: &str,
    status: &str,
) -> Result<Response> {
    let mut response = forward(request, env, url).await?;
    let cache_control = response.headers().get("cache-control")?;
    let lifetime = policy::storable(
        response.status_code(),
        response.headers().has("set-cookie")?,
        cache_control.as_deref(),
    );
    let (Some(lifetime), Some(cache_control)) = (lifetime, cache_control) else {
        return Ok(response);
    };
    let body = response.bytes().await?;
    let headers = copy_headers(response.headers())?;
    headers.delete("content-length")?;
    let kept = copy_headers(&headers)?;
    kept.set(STORED_AT, &now().to_string())?;
    kept.set(ORIGIN_CACHE_CONTROL, &cache_control)?;
    // The cache keeps the copy as long as it can be served, fresh or stale.
    kept.set(
        "cache-control",
        &format!("public, max-age={}", lifetime.kept_for()),
    )?;
    Cache::default()
        .put(key, Response::from_bytes(body.clone())?.with_headers(kept))
        .await?;
    mark(&headers, 0, status)?;
    Ok(Response::from_bytes(body)?.with_headers(headers))
}

/// A stored copy as the visitor gets it: the origin's headers as they were, and how old it is.
fn served(stored: Response, cache_control: &str, age: u64, status: &str) -> Result<Response> {
    let headers = copy_headers(stored.headers())?;
    headers.delete(STORED_AT)?;
    headers.delete(ORIGIN_CACHE_CONTROL)?;
    headers.set("cache-control", cache_control)?;
    mark(&headers, age, status)?;
    Ok(stored.with_headers(headers))
}

/// What the edge adds to an answer from its cache: how old the copy is, and the cache status.
fn mark(headers: &Headers, age: u64, status: &str) -> Result<()> {
    headers.set("age", &age.to_string())?;
    headers.set("cf-cache-status", status)
}
