//! `POST /sign-out` ends the session on the server, then `/signed-out` says so.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;

use super::{audit, private};
use crate::AppState;
use crate::auth::session::{SESSION_COOKIE, append_cookie};
use crate::auth::token;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::ui::{ButtonLink, NavArea, NotificationBanner, Page, PageHeading, render_document};

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    headers: HeaderMap,
    _form: FormData,
) -> Result<Response, AppError> {
    let cookies = state.config.cookies;
    if let Some(id) = cookies
        .read(&headers, SESSION_COOKIE)
        .and_then(|v| token::parse_token(&v))
    {
        state.store.end_session_by_hash(&id.digest()).await?;
    }
    if let Some(viewer) = &ctx.viewer {
        audit(&state, "sign_out", "ok", Some(&viewer.account_id), None, ip).await;
    }
    let mut response = see_other("/signed-out");
    append_cookie(response.headers_mut(), cookies.remove(SESSION_COOKIE));
    Ok(private(response))
}

pub async fn show(ctx: Ctx) -> Response {
    let title = "You have signed out";
    let page = render_document(&ctx.page(), move || {
        view! {
            <Page title=title area=NavArea::SignIn>
                <NotificationBanner title="Signed out" success=true><p>"Your session has ended on this device."</p></NotificationBanner>
                <PageHeading text=title/>
                <p>"Anyone using this device after you cannot see your groups. Other devices where you are signed in stay signed in; you can end those sessions from your account page."</p>
                <ButtonLink href="/sign-in" text="Sign in again"/>
            </Page>
        }
    });
    html(StatusCode::OK, page)
}
