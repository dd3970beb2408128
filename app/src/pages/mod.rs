//! One module per area of the site. A route's handler lives where its URL says
//! (`/design/forms` → `pages/design/forms.rs`), and each page's words sit in that one module.
//!
//! Every handler loads what it needs first and then renders the whole page in one go, through
//! the component kit. Forms follow one pattern (see `design/forms.rs`): the POST handler on the
//! same URL either redirects with 303 or renders the same page again with the errors and the
//! answers, with status 422.

pub mod account;
pub mod attachments;
mod client_ip;
mod context;
pub mod dashboard;
pub mod design;
mod error;
mod form;
pub mod groups;
pub mod home;
pub mod info;
pub mod invitations;
pub mod kept_answers;
pub mod notifications;
pub mod operator;
pub mod polls;
pub mod search;
pub mod sign_in;
pub mod threads;

pub use client_ip::ClientIp;
pub use context::Ctx;
pub use error::{
    AppError, Busy, KeptForm, busy, busy_page, is_secret_field, method_not_allowed, not_found,
};
pub use form::{FormData, Upload, UploadLimit};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::AppState;

/// Every page route of the site.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/accessibility", get(info::accessibility::show))
        .route("/privacy", get(info::privacy::show))
        .route("/privacy/facts", get(info::privacy_facts::show))
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
        .route(
            "/design/errors/busy",
            get(design::index::busy_example).post(design::index::busy_example_sent),
        )
        .route(
            "/sign-in",
            get(sign_in::request::show).post(sign_in::request::submit),
        )
        .route(
            "/sign-in/check",
            get(sign_in::check::show).post(sign_in::check::submit_code),
        )
        .route("/sign-in/resend", post(sign_in::check::resend))
        .route("/sign-in/link/{token}", get(sign_in::link::show))
        .route("/sign-in/link", post(sign_in::link::confirm))
        .route(
            "/welcome",
            get(sign_in::welcome::show).post(sign_in::welcome::submit),
        )
        .route(
            "/sign-in/password",
            get(sign_in::password::show).post(sign_in::password::submit),
        )
        .route("/sign-out", post(sign_in::sign_out::submit))
        .route("/account", get(account::show))
        .route("/operator", get(operator::show))
        .route("/account/name", post(account::save_name))
        .route("/account/time-zone", post(account::save_time_zone))
        .route("/account/email", post(account::email::request))
        .route(
            "/account/email/confirm/{token}",
            get(account::email::show_confirm),
        )
        .route("/account/email/confirm", post(account::email::confirm))
        .route("/account/export", post(account::export::request))
        .route("/account/export/{token}", get(account::export::download))
        .route("/account/password", post(account::password::set))
        .route("/account/password/remove", post(account::password::remove))
        .route("/account/sessions/end", post(account::sessions::end))
        .route(
            "/account/leave",
            get(account::leave::show).post(account::leave::choose),
        )
        .route("/account/leave/confirm", post(account::leave::confirm))
        .route("/account/left", get(account::leave::left))
        .route(
            "/account/sessions/end-others",
            post(account::sessions::end_others),
        )
        .route("/signed-out", get(sign_in::sign_out::show))
        .route("/dashboard", get(dashboard::show))
        .route("/files/{id}/{name}", get(attachments::show_file))
        .route("/downloads/{id}/{name}", get(attachments::download))
        .route("/previews/{id}", get(attachments::preview))
        .route("/notifications", get(notifications::list))
        .route("/notifications/read", post(notifications::mark_read))
        .route(
            "/notifications/settings",
            get(notifications::settings).post(notifications::save_settings),
        )
        .route(
            "/t/{id}/notifications",
            get(notifications::thread_settings).post(notifications::save_thread_settings),
        )
        .route(
            "/unsubscribe/{token}",
            get(notifications::show_unsubscribe).post(notifications::unsubscribe),
        )
        .route("/answers/{id}", get(kept_answers::show))
        .merge(group_routes())
        .merge(thread_routes())
        .merge(poll_routes())
}

/// Groups, their pages and invitations.
fn group_routes() -> Router<AppState> {
    use groups::{
        audit, directory, export, invitations, members, membership, new, requests, settings, show,
        subgroups, support,
    };
    Router::new()
        .route("/groups", get(directory::show))
        .route("/groups/new", get(new::show).post(new::submit))
        .route("/g/{handle}", get(show::show))
        .route(
            "/g/{handle}/settings",
            get(settings::show).post(settings::submit),
        )
        .route("/g/{handle}/settings/release", post(settings::release))
        .route("/g/{handle}/settings/support", post(support::grant))
        .route("/g/{handle}/settings/support/revoke", post(support::revoke))
        .route("/g/{handle}/audit", get(audit::show))
        .route("/g/{handle}/export.json", get(export::json))
        .route("/g/{handle}/export.zip", get(export::zip))
        .route("/g/{handle}/join", post(membership::join))
        .route(
            "/g/{handle}/ask",
            get(membership::show_ask).post(membership::ask),
        )
        .route(
            "/g/{handle}/leave",
            get(membership::show_leave).post(membership::leave),
        )
        .route("/g/{handle}/members", get(members::show))
        .route("/g/{handle}/members/role", post(members::change_role))
        .route(
            "/g/{handle}/members/{account}/remove",
            get(members::show_remove).post(members::remove),
        )
        .route("/g/{handle}/requests", get(requests::show))
        .route("/g/{handle}/requests/{id}", post(requests::decide))
        .route(
            "/g/{handle}/invitations",
            get(invitations::show).post(invitations::invite),
        )
        .route(
            "/g/{handle}/invitations/{id}/resend",
            post(invitations::resend),
        )
        .route(
            "/g/{handle}/invitations/{id}/revoke",
            post(invitations::revoke),
        )
        .route("/g/{handle}/subgroups", get(subgroups::show))
        .route(
            "/g/{handle}/subgroups/new",
            get(new::show_subgroup).post(new::submit_subgroup),
        )
        .route(
            "/invitations/accept",
            get(self::invitations::show_kept).post(self::invitations::accept),
        )
        .route("/invitations/{token}", get(self::invitations::show))
}

/// Threads, comments and search.
/// Decisions: starting a poll in a thread, and the poll's own pages.
fn poll_routes() -> Router<AppState> {
    use polls::{edit, history, lists, manage, new, reopen, show, vote};
    Router::new()
        .route("/t/{id}/polls/new", get(new::show).post(new::submit))
        .route("/p/{id}", get(show::show))
        .route(
            "/p/{id}/vote",
            get(vote::check_from_link).post(vote::submit),
        )
        .route("/p/{id}/edit", get(edit::show).post(edit::submit))
        .route("/p/{id}/history", get(history::show))
        .route("/p/{id}/votes", get(lists::votes))
        .route("/p/{id}/not-voted", get(lists::not_voted))
        .route("/p/{id}/close", get(manage::show_close).post(manage::close))
        .route("/p/{id}/reopen", get(reopen::show).post(reopen::submit))
        .route(
            "/p/{id}/outcome",
            get(manage::show_outcome).post(manage::submit_outcome),
        )
}

fn thread_routes() -> Router<AppState> {
    use threads::{comments, compose, edit, history, list, manage, new, print, show};
    Router::new()
        .route("/search", get(search::show))
        .route("/g/{handle}/threads", get(list::show))
        .route("/g/{handle}/threads/new", get(new::show).post(new::submit))
        .route("/g/{handle}/threads/deleted", get(manage::deleted))
        .route(
            "/g/{handle}/threads/deleted/{id}/restore",
            post(manage::restore),
        )
        .route("/t/{id}", get(show::show))
        .route("/t/{id}/edit", get(edit::show).post(edit::submit))
        .route("/t/{id}/history", get(history::thread))
        .route("/t/{id}/print", get(print::show))
        .route(
            "/t/{id}/move",
            get(manage::show_move).post(manage::submit_move),
        )
        .route(
            "/t/{id}/delete",
            get(manage::show_delete).post(manage::delete),
        )
        .route("/t/{id}/{action}", post(manage::set_state))
        .route("/t/{id}/comments", post(compose::submit))
        .route("/t/{id}/comments/new", get(compose::show))
        .route("/t/{id}/comments/{comment}", get(compose::go_to))
        .route(
            "/t/{id}/comments/{comment}/edit",
            get(comments::show_edit).post(comments::edit),
        )
        .route(
            "/t/{id}/comments/{comment}/delete",
            get(comments::show_delete).post(comments::delete),
        )
        .route("/t/{id}/comments/{comment}/react", post(comments::react))
        .route("/t/{id}/comments/{comment}/history", get(history::comment))
}

/// The query of a page reached by the redirect that ends a form post: which status message,
/// from the page's own list, to show.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: String,
}

/// The status of a form page: 422 when it shows errors, 200 otherwise (a first view or a
/// preview).
pub fn form_status(has_errors: bool) -> StatusCode {
    if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// A rendered document as an HTML response.
pub fn html(status: StatusCode, document: String) -> Response {
    // A page with a form carries this browser's CSRF token, so no shared cache may keep it.
    let carries_token = document.contains(r#"name="csrf_token""#);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        document,
    )
        .into_response();
    if carries_token {
        response
            .extensions_mut()
            .insert(crate::server::caching::CarriesCsrfToken);
    }
    response
}

/// The redirect that ends a successful form post (post/redirect/get): reloading the next page
/// never posts the form again.
pub fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}
