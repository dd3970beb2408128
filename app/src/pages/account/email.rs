//! Changing the email address: `POST /account/email` sends a link to the new address and a
//! notice to the old one; `/account/email/confirm/{token}` shows a confirm page (link scanners
//! open links) whose button makes the change. Whether the new address already has an account is
//! only told to whoever opens the link, so the form cannot be used to find out who has one.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{AccountView, render};
use crate::AppState;
use crate::auth::emails;
use crate::auth::rate_limit::Action;
use crate::auth::token;
use crate::domain::validation::{FormErrors, is_email_address};
use crate::pages::sign_in::{audit, mask_email, normalize_email, private, too_many_attempts};
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::{EmailChangeOutcome, NewEmailChange, unix_now};
use crate::ui::{Button, ButtonLink, Crumb, Form, NavArea, Page, PageHeading, render_document};

/// How long an email change link works: a day, as mail to a new address can be slow.
const CHANGE_LIFETIME: i64 = 24 * 60 * 60;

pub async fn request(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let typed = form.text("new_email").to_string();
    let new_email = normalize_email(&typed);
    let mut errors = FormErrors::new();
    if typed.trim().is_empty() {
        errors.add("new_email", "Enter your new email address");
    } else if !is_email_address(&typed) {
        errors.add(
            "new_email",
            "Enter an email address in the correct format, like name@example.org",
        );
    } else if new_email == viewer.email {
        errors.add(
            "new_email",
            "This is already your email address. Enter a different one",
        );
    }
    if !errors.is_empty() {
        let view = AccountView {
            new_email: typed,
            errors,
            ..AccountView::default()
        };
        return render(&state, &ctx, view, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    // Each change sends two emails: limited like sign-in emails, so an account cannot be used
    // to send mail to any address at will.
    if let Err(wait) = state
        .limits
        .check(Action::SignInEmail, ip, Some(&new_email))
        .await?
    {
        audit(
            &state,
            "email_change_requested",
            "rate_limited",
            Some(&viewer.account_id),
            Some(&new_email),
            ip,
        )
        .await;
        return Ok(too_many_attempts(&ctx, wait));
    }
    let link_token = token::new_token().map_err(anyhow::Error::from)?;
    let now = unix_now();
    state
        .store
        .create_email_change(&NewEmailChange {
            id: &token::new_id().map_err(anyhow::Error::from)?,
            account_id: &viewer.account_id,
            new_email: &new_email,
            token_hash: &link_token.digest(),
            now,
            expires_at: now + CHANGE_LIFETIME,
        })
        .await?;
    let href = format!(
        "{}/account/email/confirm/{}",
        state.config.public_url,
        link_token.expose()
    );
    state
        .mailer
        .send(emails::confirm_new_email(&new_email, &href))
        .await?;
    state
        .mailer
        .send(emails::email_change_notice(
            &viewer.email,
            &mask_email(&new_email),
        ))
        .await?;
    audit(
        &state,
        "email_change_requested",
        "ok",
        Some(&viewer.account_id),
        Some(&new_email),
        ip,
    )
    .await;
    Ok(see_other("/account?done=email-sent"))
}

pub async fn show_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let new_email = match token::parse_token(&raw) {
        Some(link) => {
            state
                .store
                .email_change_by_token(&link.digest(), unix_now())
                .await?
        }
        None => None,
    };
    let Some(new_email) = new_email else {
        return Ok(expired(&ctx));
    };
    let page = render_document(&ctx.page(), move || confirm_page(new_email, raw));
    Ok(private(html(StatusCode::OK, page)))
}

pub async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let outcome = match token::parse_token(form.text("token")) {
        Some(link) => {
            state
                .store
                .consume_email_change(&link.digest(), unix_now())
                .await?
        }
        None => EmailChangeOutcome::Invalid,
    };
    match &outcome {
        EmailChangeOutcome::Changed { account_id, .. } => {
            audit(&state, "email_changed", "ok", Some(account_id), None, ip).await
        }
        EmailChangeOutcome::Taken => audit(&state, "email_changed", "taken", None, None, ip).await,
        EmailChangeOutcome::Invalid => {
            audit(&state, "email_changed", "invalid_or_used", None, None, ip).await
        }
    }
    match outcome {
        // Only the account whose address changed is sent to its account page; anyone else
        // signed in on this browser sees the plain confirmation.
        EmailChangeOutcome::Changed { account_id, .. }
            if ctx.viewer.as_ref().is_some_and(|viewer| viewer.account_id == account_id) =>
        {
            Ok(see_other("/account?done=email-changed"))
        }
        EmailChangeOutcome::Changed { new_email, .. } => Ok(private(html(StatusCode::OK, message(&ctx, "Your email address has been changed", format!("From now on, sign in with {new_email}."))))),
        EmailChangeOutcome::Taken => Ok(private(html(
            StatusCode::CONFLICT,
            message(&ctx, "That email address belongs to another account", "Nothing has changed. To use this address, sign in with it and delete or change that other account first.".to_string()),
        ))),
        EmailChangeOutcome::Invalid => Ok(expired(&ctx)),
    }
}

fn expired(ctx: &Ctx) -> Response {
    private(html(
        StatusCode::GONE,
        message(ctx, "This link has expired", "Links to confirm a new email address work once, for 24 hours. Ask for a new one on your account page.".to_string()),
    ))
}

fn message(ctx: &Ctx, title: &'static str, body: String) -> String {
    render_document(&ctx.page(), move || {
        view! {
            <Page title=title area=NavArea::Account breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::link("Your account", "/account"), Crumb::current(title)]>
                <PageHeading text=title/>
                <p>{body}</p>
                <ButtonLink href="/account" text="Go to your account"/>
            </Page>
        }
    })
}

fn confirm_page(new_email: String, link_token: String) -> impl IntoView {
    let title = "Confirm your new email address";
    view! {
        <Page title=title area=NavArea::Account breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::link("Your account", "/account"), Crumb::current(title)]>
            <PageHeading text=title lead=format!("Your Quorum account will use {new_email} from now on.")/>
            <Form action="/account/email/confirm">
                <input type="hidden" name="token" value=link_token/>
                <Button text="Use this email address"/>
            </Form>
        </Page>
    }
}
