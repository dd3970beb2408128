//! The one error type of request handling, and the pages people see when something goes wrong.
//! Causes are logged; a page only ever says what the user can do next. No error text from a
//! library, query or file path reaches a response.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

use super::html;
use crate::store::StoreError;
use crate::ui::{Button, Form, Page, PageContext, PageHeading, render_document};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist, or this user may not know that it does.
    #[error("not found")]
    NotFound,
    /// The request body was larger than a form can be.
    #[error("payload too large")]
    PayloadTooLarge,
    /// A form's body could not be read as a form (a broken multipart body).
    #[error("bad request")]
    BadRequest,
    /// A form post failed the CSRF or origin check.
    #[error("forbidden: {0}")]
    Forbidden(crate::auth::csrf::CsrfFailure),
    /// The page needs a signed-in person; carries the path to come back to.
    #[error("sign-in required")]
    SignInRequired(String),
    /// The database was too busy to answer in time and nothing was changed: the person is
    /// asked to try again, with their answers kept. The cause is logged.
    #[error("database busy: {0}")]
    Busy(StoreError),
    /// Anything else; the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotPermitted => Self::NotFound,
            busy if busy.is_busy() => Self::Busy(busy),
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
                    "The form you sent was larger than Quorum accepts. Go back, shorten your answers or attach fewer or smaller files, and send them again.",
                ),
            ),
            Self::BadRequest => html(
                StatusCode::BAD_REQUEST,
                message_page(
                    "Your form could not be read",
                    "What arrived was not a complete form: the connection may have dropped while it was sent. Go back and send it again.",
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
            Self::Busy(cause) => {
                tracing::warn!(cause = %cause, "the database was too busy: asked to try again");
                busy()
            }
            Self::Internal(cause) => {
                // A store error that reached here wrapped in context is still only "busy".
                if cause.chain().any(|e| {
                    e.downcast_ref::<StoreError>()
                        .is_some_and(StoreError::is_busy)
                }) {
                    tracing::warn!(cause = %format!("{cause:#}"), "the database was too busy: asked to try again");
                    return busy();
                }
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

/// Marks the 503 "busy" answer, so that the layer that kept a form's answers
/// (`server::kept_answers`) can show them in it.
#[derive(Clone, Copy, Debug)]
pub struct Busy;

/// How long people (and their browsers) are asked to wait before trying again.
const RETRY_AFTER_SECONDS: &str = "5";

/// A form that reached the server while the database was too busy to take it: where it posts
/// and everything it sent, to be sent again.
#[derive(Debug, Clone)]
pub struct KeptForm {
    pub action: String,
    pub fields: Vec<(String, String)>,
    /// The page context of the person who sent it (their name, their CSRF token).
    pub page: PageContext,
}

impl KeptForm {
    /// A password or a sign-in code or token is never copied into a page, even back to the
    /// person who typed it; a form that had one is sent again from its own page instead.
    fn resendable(&self) -> bool {
        !self
            .fields
            .iter()
            .any(|(name, value)| is_secret_field(name) && !value.is_empty())
    }
}

pub fn is_secret_field(name: &str) -> bool {
    name.contains("password") || name == "code" || name == "token"
}

/// The 503 page for a request the busy database could not answer in time, with `Retry-After`.
/// Without a form, it asks people to reload in a few seconds.
pub fn busy() -> Response {
    busy_page(None)
}

/// The 503 page with the answers of `kept` kept in it, ready to be sent again with one button.
///
/// Accessibility: an ordinary page (one h1, plain words), whose one form is the "Send again"
/// button with the answers as hidden fields, so a screen-reader or keyboard user does not have
/// to find and fill the form again; the browser's Back button keeps the answers too.
pub fn busy_page(kept: Option<KeptForm>) -> Response {
    const TITLE: &str = "Quorum is busy";
    let ctx = kept.as_ref().map(|k| k.page.clone()).unwrap_or_default();
    let document = render_document(&ctx, move || {
        let next = match kept {
            None => view! {
                <p>"Wait a few seconds, then reload this page."</p>
                <p><a href="/">"Go to the Quorum home page"</a></p>
            }
            .into_any(),
            Some(kept) if kept.resendable() => {
                let hidden = kept
                    .fields
                    .into_iter()
                    .filter(|(name, _)| name != crate::auth::csrf::FIELD)
                    .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
                    .collect_view();
                view! {
                    <p>"Nothing you sent has been saved yet, and nothing is lost: your answers are kept in this page. Wait a few seconds, then send them again."</p>
                    <Form action=kept.action>
                        {hidden}
                        <Button text="Send again"/>
                    </Form>
                }
                .into_any()
            }
            Some(_) => view! {
                <p>"Nothing you sent has been saved yet. Quorum does not copy passwords or sign-in codes into a page, so go back to the form, where your browser still shows what you typed, and send it again in a few seconds."</p>
            }
            .into_any(),
        };
        view! {
            <Page title=TITLE>
                <PageHeading text=TITLE/>
                <p>"So many people are using Quorum at this moment that it could not answer in time."</p>
                {next}
            </Page>
        }
    });
    let mut response = html(StatusCode::SERVICE_UNAVAILABLE, document);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    response.extensions_mut().insert(Busy);
    response
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
