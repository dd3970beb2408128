//! Serving the embedded stylesheet and public files.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::assets::{PUBLIC_FILES, STYLESHEET};
use crate::pages;

/// A file whose name changes with its content can be kept for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Files with fixed names are revalidated daily.
const DAILY: &str = "public, max-age=86400";

pub fn router() -> Router<AppState> {
    let mut router = Router::new().route("/assets/{file}", get(stylesheet));
    for file in &PUBLIC_FILES {
        router = router.route(
            file.path,
            get(move || async move {
                (
                    StatusCode::OK,
                    [
                        (header::CONTENT_TYPE, file.content_type),
                        (header::CACHE_CONTROL, DAILY),
                    ],
                    file.body,
                )
                    .into_response()
            }),
        );
    }
    router
}

/// Only the current stylesheet name is served; an old or made-up name is a 404, so a stale name
/// can never be cached for a year with the wrong content.
async fn stylesheet(Path(file): Path<String>) -> Response {
    if STYLESHEET.path.strip_prefix("/assets/") != Some(file.as_str()) {
        return pages::not_found();
    }
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        STYLESHEET.body.as_str(),
    )
        .into_response()
}
