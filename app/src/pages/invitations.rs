//! `/invitations/<token>`: the link in an invitation email. It shows who invited the person to
//! which group; the button posts, and only the post uses the invitation up (mail scanners open
//! links). Someone who is signed out signs in (or makes an account) first: the token waits in a
//! short-lived cookie meanwhile and comes back at `/invitations/accept`, so it never travels in
//! a URL other than the email's own.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;

use super::sign_in::{mask_email, private};
use super::{AppError, Ctx, FormData, html, see_other};
use crate::AppState;
use crate::auth::session::{INVITATION_COOKIE, append_cookie};
use crate::auth::token;
use crate::store::{InvitationLink, unix_now};
use crate::ui::{Button, ButtonLink, Crumb, Form, NavArea, Page, PageHeading, render_document};

const EXPIRED_TITLE: &str = "This invitation has expired";
/// How long a signed-out person has to sign in and come back.
const WAIT_FOR_SIGN_IN: Duration = Duration::from_secs(24 * 60 * 60);
const ACCEPT_PATH: &str = "/invitations/accept";

/// `GET /invitations/<token>`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some((token, invitation)) = live(&state, &token).await? else {
        return Ok(expired(&ctx));
    };
    let mut response = render(&ctx, &token, &invitation);
    if ctx.viewer.is_none() {
        append_cookie(
            response.headers_mut(),
            state
                .config
                .cookies
                .set(INVITATION_COOKIE, &token, Some(WAIT_FOR_SIGN_IN)),
        );
    }
    Ok(response)
}

/// `GET /invitations/accept`: where a person lands after signing in from an invitation.
pub async fn show_kept(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    ctx.require_viewer()?;
    let kept = state
        .config
        .cookies
        .read(&headers, INVITATION_COOKIE)
        .unwrap_or_default();
    match live(&state, &kept).await? {
        Some((token, invitation)) => Ok(render(&ctx, &token, &invitation)),
        None => Ok(forget_kept(&state, expired(&ctx))),
    }
}

/// `POST /invitations/accept`: uses the invitation up and makes the person a member.
pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let Some(token) = token::parse_token(form.text("token")) else {
        return Ok(forget_kept(&state, expired(&ctx)));
    };
    let Some(handle) = state
        .store
        .accept_invitation(&token.digest(), &viewer.account_id, unix_now())
        .await?
    else {
        return Ok(forget_kept(&state, expired(&ctx)));
    };
    Ok(forget_kept(
        &state,
        see_other(&format!("/g/{handle}?done=joined")),
    ))
}

/// Removes the cookie that kept an invitation's token during sign-in: it is used up or dead.
fn forget_kept(state: &AppState, mut response: Response) -> Response {
    append_cookie(
        response.headers_mut(),
        state.config.cookies.remove(INVITATION_COOKIE),
    );
    response
}

/// The invitation behind a token, if it is still live.
async fn live(state: &AppState, token: &str) -> Result<Option<(String, InvitationLink)>, AppError> {
    let Some(secret) = token::parse_token(token) else {
        return Ok(None);
    };
    let found = state
        .store
        .invitation_by_token(&secret.digest(), unix_now())
        .await?;
    Ok(found.map(|invitation| (secret.expose().to_string(), invitation)))
}

fn render(ctx: &Ctx, token: &str, invitation: &InvitationLink) -> Response {
    let title = format!("Join {}", invitation.group_name);
    let lead = format!(
        "{} invited you to join {} on Quorum.",
        invitation.inviter_name, invitation.group_name
    );
    let message = (!invitation.message.is_empty()).then(|| {
        let heading = format!("Message from {}", invitation.inviter_name);
        let text = invitation.message.clone();
        view! { <h2>{heading}</h2><blockquote class="q-quote">{text}</blockquote> }
    });
    let sent_to = mask_email(&invitation.email);
    let viewer = ctx.viewer.clone();
    let token = token.to_string();
    let email = invitation.email.clone();
    let group_name = invitation.group_name.clone();
    // Made inside the document, where the form finds the page's CSRF token.
    let action = move || match &viewer {
        Some(viewer) => {
            let note = (viewer.email != email).then(|| {
                format!(
                    "The invitation was sent to {sent_to}. You are signed in as {}, and that is the account that will join.",
                    viewer.email
                )
            });
            let button = format!("Join {group_name}");
            let token = token.clone();
            view! {
                {note.map(|note| view! { <p>{note}</p> })}
                <Form action=ACCEPT_PATH>
                    <input type="hidden" name="token" value=token/>
                    <Button text=button/>
                </Form>
            }
            .into_any()
        }
        None => {
            let next: String = form_urlencoded::byte_serialize(ACCEPT_PATH.as_bytes()).collect();
            view! {
                <p>"To join, sign in to Quorum. If you have no account yet, signing in makes one: we email you a link, and no password is needed."</p>
                <p>{format!("The invitation was sent to {sent_to}.")}</p>
                <ButtonLink href=format!("/sign-in?next={next}") text="Sign in to join"/>
            }
            .into_any()
        }
    };
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::current(title.clone())];
    private(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title.clone() area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=title lead=lead/>
                    {message}
                    {action()}
                </Page>
            }
        }),
    ))
}

fn expired(ctx: &Ctx) -> Response {
    private(html(
        StatusCode::GONE,
        render_document(&ctx.page(), || {
            view! {
                <Page title=EXPIRED_TITLE breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::current(EXPIRED_TITLE)]>
                    <PageHeading text=EXPIRED_TITLE/>
                    <p>"The link may have been used already, replaced by a newer invitation, revoked, or it is more than 30 days old."</p>
                    <p>"Ask the person who invited you to send a new invitation."</p>
                </Page>
            }
        }),
    ))
}
