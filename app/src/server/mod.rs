//! The HTTP server: routes, the middleware every response passes through, start-up and
//! graceful shutdown.

mod assets;
mod auth_layer;
pub mod caching;
mod headers;
mod jobs;
mod kept_answers;
pub mod metrics;
mod moved_groups;
pub mod stored;

use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::{Span, info, info_span};

use crate::auth::rate_limit::Limits;
use crate::auth::session::CookiePolicy;
use crate::config::Settings;
use crate::mail::{MailConfig, Mailer};
use crate::pages;
use crate::store::Store;
use crate::{AppState, RuntimeConfig};
use std::net::SocketAddr;
use std::sync::Arc;

/// The largest request body accepted: far more than any form needs.
const BODY_LIMIT: usize = 256 * 1024;
/// A request taking longer than this is answered with 408 instead of holding a connection.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The brotli quality (gzip level) pages are compressed at as they are sent. Chosen by
/// measurement (`cargo bench --bench scale` prints each quality's time and size on a member's
/// thread page): hashed assets are compressed once, at the best quality, instead.
pub const BROTLI_QUALITY: u8 = 4;

/// The whole application: pages, assets, health check, metrics, and the middleware around them.
pub fn app(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    let middleware = ServiceBuilder::new()
        .layer(tower::util::MapRequestLayer::new(drop_client_request_id))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(log_response),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(CatchPanicLayer::custom(|_| {
            pages::AppError::Internal(anyhow::anyhow!("a handler panicked")).into_response()
        }))
        .layer(tower::util::MapResponseLayer::new(
            headers::security_headers,
        ))
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(BROTLI_QUALITY.into()))
                // A personal export is a zip: compressed already.
                .compress_when(
                    DefaultPredicate::new().and(NotForContentType::const_new("application/zip")),
                ),
        )
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ));
    pages::router()
        // Among the pages, behind the same layers as the fallback: refused, it is the same
        // "Page not found" as an unknown address, down to the headers and the cookie.
        .route("/metrics", any(metrics::serve))
        .fallback(fallback)
        .method_not_allowed_fallback(pages::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            kept_answers::keep,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            moved_groups::follow,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth_layer::load,
        ))
        .merge(assets::router())
        .route("/healthz", get(healthz))
        // Outside the layers that read sessions and set cookies: only a mail server calls it.
        .route("/inbound/email", any(crate::inbound::http::serve))
        // Only for a matched route: a request without a name here matched none.
        .route_layer(axum::middleware::from_fn(metrics::name_route))
        .layer(axum::Extension(upload_limit(&state)))
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware)
        // Outermost, so it counts what the other layers answer too (a timeout, a panic).
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::record,
        ))
}

/// The largest form with files: as many files as a post may carry, each as large as a file may
/// be, and room for the words.
pub(crate) fn upload_limit(state: &AppState) -> pages::UploadLimit {
    let limits = state.config.file_limits;
    let files = usize::try_from(limits.file_bytes)
        .unwrap_or(usize::MAX)
        .saturating_mul(limits.per_post);
    pages::UploadLimit(files.saturating_add(BODY_LIMIT * 4))
}

/// Request ids are always made here: one sent by a client could be chosen to collide with
/// another request's, or to smuggle text into the logs.
fn drop_client_request_id<B>(mut request: Request<B>) -> Request<B> {
    request.headers_mut().remove("x-request-id");
    request
}

/// One span per request: its id, method and path. Never the query string, a header or a cookie,
/// and never a token that is part of a path (sign-in and email-change links): a segment shaped
/// like a token is logged as `{token}`, and so is whatever follows a link route (sign-in,
/// email-change, personal export and invitation links).
fn request_span<B>(request: &Request<B>) -> Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-")
        .to_string();
    let path = loggable_path(request.uri().path());
    info_span!("request", id, method = %request.method(), path)
}

fn loggable_path(path: &str) -> String {
    // Whatever follows a link route is the token, however it was mangled on the way.
    for route in [
        "/sign-in/link/",
        "/account/email/confirm/",
        "/account/export/",
        "/invitations/",
        "/unsubscribe/",
    ] {
        if path.starts_with(route) && path.len() > route.len() {
            return format!("{route}{{token}}");
        }
    }
    path.split('/')
        .map(|segment| {
            if crate::auth::token::parse_token(segment).is_some() {
                "{token}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn log_response<B>(response: &axum::http::Response<B>, latency: Duration, _span: &Span) {
    info!(
        status = response.status().as_u16(),
        micros = latency.as_micros() as u64,
        "served"
    );
}

/// The headers of a sign-in page (`no-store`, `no-referrer`, and every security header), as
/// `name: value` lines, for an edge worker that serves these pages itself.
pub fn sign_in_page_headers() -> String {
    let page = pages::sign_in::private(pages::html(StatusCode::OK, String::new()));
    let page = headers::security_headers(page);
    let mut lines: Vec<String> = page
        .headers()
        .iter()
        .filter(|(name, _)| *name != header::CONTENT_LENGTH)
        .filter_map(|(name, value)| Some(format!("{name}: {}", value.to_str().ok()?)))
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
}

async fn fallback() -> Response {
    pages::not_found()
}

/// `GET /healthz`: 200 when the database answers and is migrated, 503 otherwise. Says no more.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.check().await {
        Ok(()) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "ok\n",
        )
            .into_response(),
        Err(error) => {
            tracing::error!(cause = %error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "unavailable\n",
            )
                .into_response()
        }
    }
}

/// Opens and migrates the database named by the settings.
pub(crate) async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let url = settings.database_url()?;
    if settings.database_url.is_none() {
        settings.prepare_data_dir()?;
    }
    let store = Store::open(&url).await?;
    store.migrate().await?;
    Ok(store)
}

/// Settings worked out from the command line, the address listened on and the database.
async fn runtime_config(
    settings: &Settings,
    address: SocketAddr,
    store: &Store,
    metrics_token: Option<metrics::MetricsToken>,
) -> anyhow::Result<RuntimeConfig> {
    let public_url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"))
        .trim_end_matches('/')
        .to_string();
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        anyhow::bail!("QUORUM_PUBLIC_URL must start with https:// (or http:// for local use)");
    }
    let files = file_storage(settings)?;
    let fresh_key = crate::auth::token::new_token()?;
    let link_keys = match &settings.link_keys {
        // The key error names the entry at fault, never a key.
        Some(spec) => magic_link::KeyRing::parse(spec)
            .map_err(|error| anyhow::anyhow!("QUORUM_LINK_KEYS cannot be used: {error}"))?,
        None => {
            let fresh = crate::auth::token::new_token()?;
            let kept = store.instance_secret("link_key", fresh.expose()).await?;
            magic_link::KeyRing::new(magic_link::Key::new(0, kept.as_bytes())?, Vec::new())?
        }
    };
    Ok(RuntimeConfig {
        cookies: CookiePolicy {
            secure: public_url.starts_with("https://"),
        },
        public_url,
        trusted_proxy: settings.trusted_proxy,
        session_idle_timeout: settings
            .session_idle_timeout
            .map(|minutes| i64::from(minutes) * 60),
        audit_key: store
            .instance_secret("audit_key", fresh_key.expose())
            .await?,
        audit_retention: i64::from(settings.audit_retention_days) * 86_400,
        mail_key: store
            .instance_secret("mail_key", crate::auth::token::new_token()?.expose())
            .await?,
        reply_domain: None,
        inbound_secret: None,
        link_keys,
        exports_dir: settings.data_dir.join("exports"),
        metrics_token,
        files,
        file_limits: crate::domain::files::Limits {
            file_bytes: i64::from(settings.file_max_mb) * 1024 * 1024,
            per_post: usize::try_from(settings.files_per_post).unwrap_or(10),
            group_bytes: i64::from(settings.group_files_quota_mb) * 1024 * 1024,
        },
    })
}

/// The file storage the settings name: an S3-compatible store, or `files` in the data folder.
pub fn file_storage(settings: &Settings) -> anyhow::Result<crate::storage::FileStorage> {
    Ok(match &settings.storage_url {
        Some(url) => crate::storage::FileStorage::from_url(
            url,
            &crate::storage::S3Settings {
                endpoint: settings.s3_endpoint.clone(),
                region: settings.s3_region.clone(),
                access_key_id: settings.s3_access_key_id.clone(),
                secret_access_key: settings.s3_secret_access_key.clone(),
            },
        )?,
        None => crate::storage::FileStorage::folder(&settings.data_dir.join("files"))?,
    })
}

/// `quorum migrate`.
pub async fn migrate_only(settings: Settings) -> anyhow::Result<()> {
    let store = open_store(&settings).await?;
    store.close().await;
    info!("the database is up to date");
    Ok(())
}

/// `quorum serve`: listens until SIGTERM or Ctrl-C, finishes the requests under way, then
/// closes the database cleanly.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    // Mail and metrics settings are checked before anything is opened, so a bad one stops
    // start-up at once.
    let mail_config = MailConfig::from_settings(&settings)?;
    let metrics_token = metrics::MetricsToken::from_setting(settings.metrics_token.as_deref())?;
    let inbound =
        crate::inbound::InboundConfig::from_settings(&settings, mail_config.from.email.domain())?;
    let store = open_store(&settings).await?;
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .with_context(|| format!("cannot listen on {}", settings.addr))?;
    let inbound_smtp = match inbound.smtp_addr {
        Some(addr) => Some(
            crate::inbound::smtp::Listener::bind(addr)
                .await
                .with_context(|| format!("cannot listen for SMTP on {addr}"))?,
        ),
        None => None,
    };
    let address = listener
        .local_addr()
        .context("cannot read the address listened on")?;
    // Signal handlers are in place before anyone is told the server is up, so a stop request
    // that arrives straight after start-up still shuts down cleanly.
    let stop = shutdown_signal().context("cannot listen for stop signals")?;
    let metrics = Arc::new(crate::metrics::Metrics::default());
    let (mailer, mail_sender) = Mailer::start(store.clone(), mail_config, metrics.clone());
    let mut config = runtime_config(&settings, address, &store, metrics_token).await?;
    config.reply_domain = inbound.reply_domain;
    config.inbound_secret = inbound.secret;
    let config = Arc::new(config);
    let limits = Limits::new(
        store.clone(),
        config.audit_key.clone(),
        settings.rate_limit_ip_factor,
    );
    let state = AppState {
        config,
        store: store.clone(),
        mailer,
        limits,
        metrics,
        stored: Arc::default(),
    };
    // The SMTP listener stops with the server, finishing the messages it is handling.
    let (stopping, stopped) = tokio::sync::watch::channel(false);
    if let Some(smtp) = &inbound_smtp {
        let smtp_address = smtp
            .local_addr()
            .context("cannot read the SMTP address listened on")?;
        info!("receiving replies by SMTP on {smtp_address}");
    }
    let inbound_smtp = inbound_smtp.map(|smtp| smtp.start(state.clone(), stopped));
    info!("Quorum is running at http://{address}/");
    jobs::start(&state);
    let served = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        stop.await;
        let _ = stopping.send(true);
    })
    .await
    .context("the server stopped unexpectedly");
    if let Some(smtp) = inbound_smtp {
        smtp.finish().await;
    }
    // The sender finishes the email in flight before the database closes, whether the server
    // stopped cleanly or not.
    mail_sender.shutdown().await;
    store.close().await;
    served?;
    info!("Quorum has stopped");
    Ok(())
}

/// Registers for SIGTERM and SIGINT (Ctrl-C) now, and returns a future that completes when either
/// arrives. Registration happens here, not on first poll, so no signal is missed in between.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        info!("stopping: finishing requests under way");
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_in_paths_are_masked_in_logs() {
        let token = "A".repeat(43);
        assert_eq!(
            super::loggable_path(&format!("/sign-in/link/{token}")),
            "/sign-in/link/{token}"
        );
        assert_eq!(super::loggable_path("/design/forms"), "/design/forms");
        assert_eq!(
            super::loggable_path(&format!("/sign-in/link/{token}.")),
            "/sign-in/link/{token}"
        );
        assert_eq!(
            super::loggable_path(&format!("/account/email/confirm/{token}%20")),
            "/account/email/confirm/{token}"
        );
        assert_eq!(
            super::loggable_path(&format!("/account/export/{token}x")),
            "/account/export/{token}"
        );
    }
}

#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        info!("stopping: finishing requests under way");
    })
}
