//! The one error type of request handling, and the pages people see when something goes wrong.
//! Causes are logged; a page only ever says what the user can do next. No error text from a
//! library, query or file path reaches a response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

use super::html;
use crate::ui::{Page, PageContext, PageHeading, render_document};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist, or this user may not know that it does.
    #[error("not found")]
    NotFound,
    /// The request body was larger than a form can be.
    #[error("payload too large")]
    PayloadTooLarge,
    /// A form post failed the CSRF or origin check.
    #[error("forbidden: {0}")]
    Forbidden(crate::auth::csrf::CsrfFailure),
    /// The page needs a signed-in person; carries the path to come back to.
    #[error("sign-in required")]
    SignInRequired(String),
    /// Anything else; the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl From<crate::store::StoreError> for AppError {
    fn from(error: crate::store::StoreError) -> Self {
        match error {
            crate::store::StoreError::NotPermitted => Self::NotFound,
            other => Self::Internal(other.into()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            Self::NotFound => not_found(),
            Self::PayloadTooLarge => html(
                StatusCode::PAYLOAD_TOO_LARGE,
                message_page(
                    "What you sent is too large",
                    "The form you sent was larger than Quorum accepts. Go back, shorten your answers and send them again.",
                ),
            ),
            Self::Forbidden(failure) => {
                tracing::warn!(reason = %failure, "form post refused");
                html(
                    StatusCode::FORBIDDEN,
                    message_page(
                        "Your form could not be sent",
                        "Quorum could not confirm that the form came from this site. This happens when cookies are turned off or a form is sent from another website. Go back, reload the page, and send the form again.",
                    ),
                )
            }
            Self::SignInRequired(path) => {
                let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
                super::see_other(&format!("/sign-in?next={next}"))
            }
            Self::Internal(cause) => {
                tracing::error!(cause = %format!("{cause:#}"), "request failed");
                server_error()
            }
        }
    }
}

/// The 404 page: also the answer for anything a user may not see, so that private things do not
/// reveal that they exist.
pub fn not_found() -> Response {
    html(
        StatusCode::NOT_FOUND,
        message_page(
            "Page not found",
            "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address. If you followed a link, the page may have moved or you may need to sign in to see it.",
        ),
    )
}

/// The 405 page: a form or link used a method this address does not take (an old bookmark of a
/// form's result, or a hand-made request).
pub async fn method_not_allowed() -> Response {
    html(
        StatusCode::METHOD_NOT_ALLOWED,
        message_page(
            "This page cannot do that",
            "The address you used does not accept that kind of request. Go back and try again from the page you were on.",
        ),
    )
}

/// The 500 page.
pub fn server_error() -> Response {
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        message_page(
            "Sorry, there is a problem with Quorum",
            "Something went wrong on our side and your last action may not have been saved. Try again in a few minutes. If it keeps happening, tell the people who run this Quorum.",
        ),
    )
}

fn message_page(title: &'static str, body: &'static str) -> String {
    render_document(&PageContext::default(), move || {
        view! {
            <Page title=title>
                <PageHeading text=title/>
                <p>{body}</p>
                <p><a href="/">"Go to the Quorum home page"</a></p>
            </Page>
        }
    })
}
