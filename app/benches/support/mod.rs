//! What the page benchmarks share: the whole router in process on a store, one request at a
//! time through `tower::ServiceExt::oneshot` (no socket and no HTTP parsing, so the figures are
//! the server's own work), and the arithmetic of their tables.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Result, ensure};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use quorum::auth::rate_limit::Limits;
use quorum::auth::session::CookiePolicy;
use quorum::mail::{Delivery, MailConfig, Mailer, MailerHandle};
use quorum::metrics::Metrics;
use quorum::store::Store;
use quorum::{AppState, RuntimeConfig};

/// The `Host` every request names, which is also the public URL's.
pub const HOST: &str = "127.0.0.1:3000";

/// The whole router on `store`, as `quorum serve` builds it, with mail written to files in
/// `mail_dir`. The sender must be shut down when the benchmark is done.
pub fn app(store: &Store, mail_dir: &Path) -> Result<(Router, MailerHandle)> {
    let metrics = Arc::new(Metrics::default());
    let (mailer, sender) = Mailer::start(
        store.clone(),
        MailConfig::new("Quorum <quorum@localhost>", Delivery::files(mail_dir))?,
        metrics.clone(),
    );
    let app = quorum::server::app(AppState {
        store: store.clone(),
        mailer,
        config: Arc::new(RuntimeConfig {
            public_url: format!("http://{HOST}"),
            cookies: CookiePolicy { secure: false },
            session_idle_timeout: None,
            trusted_proxy: None,
            audit_key: "benchmark".into(),
            audit_retention: 400 * 86_400,
            link_keys: magic_link::KeyRing::new(magic_link::Key::new(0, &[7; 32])?, Vec::new())?,
            exports_dir: mail_dir.join("exports"),
            mail_key: "benchmark".into(),
            reply_domain: None,
            inbound_secret: None,
            metrics_token: None,
            files: quorum::storage::FileStorage::folder(&mail_dir.join("files"))?,
            file_limits: quorum::domain::files::Limits::default(),
        }),
        limits: Limits::new(store.clone(), "benchmark".into(), 1),
        metrics,
        stored: Arc::default(),
    });
    Ok((app, sender))
}

/// GETs `path` through the router, with brotli asked for or not, and returns the body as sent
/// (compressed when asked), after checking the status and the encoding.
pub async fn fetch(app: &Router, path: &str, cookie: Option<&str>, brotli: bool) -> Result<Bytes> {
    let mut request = Request::get(path).header(header::HOST, HOST);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    if brotli {
        request = request.header(header::ACCEPT_ENCODING, "br");
    }
    let response = app.clone().oneshot(request.body(Body::empty())?).await?;
    ensure!(
        response.status() == StatusCode::OK,
        "{path} answered {}",
        response.status()
    );
    ensure!(
        !brotli
            || response
                .headers()
                .get(header::CONTENT_ENCODING)
                .is_some_and(|value| value == "br"),
        "{path} was not sent with brotli"
    );
    Ok(axum::body::to_bytes(response.into_body(), usize::MAX).await?)
}

/// CPU time used so far by every thread of this process (the SQLite workers included), from
/// `/proc/self/stat` on Linux, in its ticks of 1/100 s. Unlike wall-clock time it does not grow
/// while the process waits for a core that others are using, so on a busy machine it is the
/// better guide to the cost on one core.
pub fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let (_, fields) = stat.rsplit_once(')')?;
    let mut fields = fields.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 10))
}

/// The nearest-rank quantile of sorted times.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.saturating_sub(1).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
