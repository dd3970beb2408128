//! One module per area of the site. A route's handler lives where its URL says
//! (`/design/forms` → `pages/design/forms.rs`), and each page's words sit in that one module.
//!
//! Every handler loads what it needs first and then renders the whole page in one go, through
//! the component kit. Forms follow one pattern (see `design/forms.rs`): the POST handler on the
//! same URL either redirects with 303 or renders the same page again with the errors and the
//! answers, with status 422.

pub mod design;
mod error;
mod form;
pub mod home;
pub mod info;

pub use error::{AppError, method_not_allowed, not_found};
pub use form::FormData;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// Every page route of the site.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/accessibility", get(info::accessibility::show))
        .route("/privacy", get(info::privacy::show))
        .route("/design", get(design::index::show))
        .route("/design/components", get(design::components::show))
        .route(
            "/design/forms",
            get(design::forms::show).post(design::forms::submit),
        )
        .route("/design/forms/done", get(design::forms::done))
        .route(
            "/design/errors/server-error",
            get(design::index::server_error_example),
        )
}

/// A rendered document as an HTML response.
pub fn html(status: StatusCode, document: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        document,
    )
        .into_response()
}

/// The redirect that ends a successful form post (post/redirect/get): reloading the next page
/// never posts the form again.
pub fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}
