//! `GET /metrics`: the counts of [`crate::metrics`] for a monitoring system such as
//! Prometheus, and the layers that count every request.
//!
//! The page is only for whoever holds `QUORUM_METRICS_TOKEN`. To anyone else, and always when
//! the setting is absent, it is the ordinary "Page not found", served behind the same layers as
//! an unknown address (same headers, same cookie), so nothing says that it exists.

mod route;
mod token;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use route::name_route;
pub use token::{MetricsToken, ShortMetricsToken};

use crate::AppState;
use crate::metrics::{CONTENT_TYPE, Gauges, Metrics, UNMATCHED};
use crate::pages;
use crate::store::unix_now;

/// `/metrics`, any method: the page for a `GET` with the right token, the ordinary 404 page for
/// everything else (another method included, as an unknown address answers every method so).
pub async fn serve(State(state): State<AppState>, method: Method, headers: HeaderMap) -> Response {
    let admitted = method == Method::GET
        && state
            .config
            .metrics_token
            .as_ref()
            .is_some_and(|token| token.admits(&headers));
    if !admitted {
        return pages::not_found();
    }
    let outbox = match state.store.outbox_backlog().await {
        Ok(backlog) => Some(backlog),
        Err(cause) => {
            tracing::warn!(%cause, "metrics: cannot read the outbox; its figures are left out");
            None
        }
    };
    let gauges = Gauges {
        outbox,
        pool: state.store.pool_usage(),
        now: unix_now(),
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.metrics.render(&gauges),
    )
        .into_response()
}

/// Counts every request, with its status and the time until its response was ready (a page is
/// rendered whole by then; only compression streams after). Runs around every route and the
/// fallback; the route's name is left for it by [`name_route`], which runs only when a route
/// matched.
pub async fn record(
    State(metrics): State<Arc<Metrics>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = route::Slot::default();
    request.extensions_mut().insert(route.clone());
    let response = next.run(request).await;
    let route = route.take();
    let route = route.as_deref().unwrap_or(UNMATCHED);
    metrics.record_request(&method, route, response.status(), started.elapsed());
    response
}
