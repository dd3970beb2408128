//! The name a request is counted under: the template of the route it matched, such as
//! `/g/{handle}/t/{id}`, never the path itself (paths hold ids and, for links, tokens).
//!
//! [`name_route`] runs only when a route matched (it is a `route_layer`), and leaves axum's
//! `MatchedPath` in a [`Slot`] that the recording layer, which runs around every request, put in
//! the request. A request with no name in its slot matched no route.

use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Where [`name_route`] leaves the route's name for the recording layer.
#[derive(Debug, Clone, Default)]
pub(super) struct Slot(Arc<Mutex<Option<String>>>);

impl Slot {
    fn fill(&self, route: String) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(route);
    }

    pub(super) fn take(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Names the request by the template of the route it matched. Put on the router with
/// `route_layer`, so that it never runs for the fallback.
pub async fn name_route(request: Request, next: Next) -> Response {
    let extensions = request.extensions();
    if let (Some(slot), Some(matched)) = (extensions.get::<Slot>(), extensions.get::<MatchedPath>())
    {
        slot.fill(matched.as_str().to_string());
    }
    next.run(request).await
}
