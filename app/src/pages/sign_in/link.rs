//! `/sign-in/link/{token}`: the link from the email. Opening it only shows a confirm page
//! (mail scanners open links too); the page's button posts the token and signs in.
//!
//! The token is a `magic_link` token: its signature and expiry are checked first, so a forged or
//! expired link costs no database work. An edge worker holding the same keys answers these GETs
//! itself with the same pages (`quorum edge-pages` writes them); only the POST, which uses the
//! request up, needs this server.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;

use super::{audit, complete_sign_in, private};
use crate::AppState;
use crate::auth::token;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html};
use crate::store::unix_now;
use crate::ui::{Button, Crumb, Form, NavArea, Page, PageContext, PageHeading, render_document};

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let now = unix_now();
    let Ok(link) = state.config.link_keys.verify(&raw, now.unsigned_abs()) else {
        return Ok(expired(&ctx));
    };
    // Here, unlike at the edge, a used or replaced link is caught before its confirm page.
    let digest = token::link_digest(&link);
    if state
        .store
        .sign_in_request_by_token(&digest, now)
        .await?
        .is_none()
    {
        return Ok(expired(&ctx));
    }
    let page = confirm_document(&ctx.page(), link.hint().to_string(), raw);
    Ok(private(html(StatusCode::OK, page)))
}

pub async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, AppError> {
    let now = unix_now();
    let consumed = match state
        .config
        .link_keys
        .verify(form.text("token"), now.unsigned_abs())
    {
        Ok(link) => {
            state
                .store
                .consume_sign_in_token(&token::link_digest(&link), now)
                .await?
        }
        Err(_) => None,
    };
    match consumed {
        Some(pending) => complete_sign_in(&state, &headers, pending, "sign_in_link", ip).await,
        None => {
            audit(&state, "sign_in_link", "invalid_or_used", None, None, ip).await;
            Ok(expired(&ctx))
        }
    }
}

/// Used, expired, replaced or made-up links all get the same page: nothing tells them apart.
fn expired(ctx: &Ctx) -> Response {
    private(html(StatusCode::GONE, expired_document(&ctx.page())))
}

/// The page a link that cannot be used gets, status 410.
pub fn expired_document(page: &PageContext) -> String {
    render_document(page, expired_page)
}

/// The confirm page of a valid link: `hint` is the masked address, `link_token` the token.
pub fn confirm_document(page: &PageContext, hint: String, link_token: String) -> String {
    render_document(page, move || confirm_page(hint, link_token))
}

fn confirm_page(masked: String, link_token: String) -> impl IntoView {
    let title = "Confirm it is you";
    view! {
        <Page title=title area=NavArea::SignIn breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::link("Sign in", "/sign-in"), Crumb::current(title)]>
            <PageHeading text=title lead=format!("You are signing in to Quorum as {masked}.")/>
            <Form action="/sign-in/link">
                <input type="hidden" name="token" value=link_token/>
                <Button text=format!("Continue as {masked}")/>
            </Form>
            <p>"If this is not your address, close this page: nothing happens until you continue."</p>
        </Page>
    }
}

fn expired_page() -> impl IntoView {
    super::expired_page(
        "This sign-in link has expired",
        "Sign-in links work once, for 10 minutes, and only the newest link sent to an address works.",
        "Send a new link",
    )
}
