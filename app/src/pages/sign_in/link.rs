//! `/sign-in/link/{token}`: the link from the email. Opening it only shows a confirm page
//! (mail scanners open links too); the page's button posts the token and signs in.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;

use super::{audit, complete_sign_in, mask_email, private};
use crate::AppState;
use crate::auth::token;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html};
use crate::store::unix_now;
use crate::ui::{Button, Crumb, Form, NavArea, Page, PageHeading, render_document};

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let pending = match token::parse_token(&raw) {
        Some(link) => {
            state
                .store
                .sign_in_request_by_token(&link.digest(), unix_now())
                .await?
        }
        None => None,
    };
    let Some(pending) = pending else {
        return Ok(expired(&ctx));
    };
    let masked = mask_email(&pending.email);
    let page = render_document(&ctx.page(), move || confirm_page(masked, raw));
    Ok(private(html(StatusCode::OK, page)))
}

pub async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, AppError> {
    let consumed = match token::parse_token(form.text("token")) {
        Some(link) => {
            state
                .store
                .consume_sign_in_token(&link.digest(), unix_now())
                .await?
        }
        None => None,
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
    private(html(
        StatusCode::GONE,
        render_document(&ctx.page(), expired_page),
    ))
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
