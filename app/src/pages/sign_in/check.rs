//! `/sign-in/check`: "Check your email", where the code from the email can be typed instead of
//! following the link, and the email can be sent again.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

use super::request::start_sign_in;
use super::{audit, complete_sign_in, mask_email, private, too_many_attempts};
use crate::AppState;
use crate::auth::rate_limit::Action;
use crate::auth::session::SIGN_IN_COOKIE;
use crate::auth::token;
use crate::domain::validation::FormErrors;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::{CodeOutcome, MAX_CODE_ATTEMPTS, unix_now};
use crate::ui::{
    Button, ButtonStyle, Crumb, ErrorSummary, Form, NavArea, NotificationBanner, Page, PageHeading,
    TextInput, render_document,
};

#[derive(Debug, Default, Deserialize)]
pub struct CheckQuery {
    #[serde(default)]
    sent: Option<String>,
}

/// The digest of this browser's sign-in cookie, if it has one.
fn handle_hash(state: &AppState, headers: &HeaderMap) -> Option<String> {
    state
        .config
        .cookies
        .read(headers, SIGN_IN_COOKIE)
        .and_then(|value| token::parse_token(&value))
        .map(|handle| handle.digest())
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(query): Query<CheckQuery>,
) -> Result<Response, AppError> {
    let pending = match handle_hash(&state, &headers) {
        Some(hash) => {
            state
                .store
                .sign_in_email_by_handle(&hash, unix_now())
                .await?
        }
        None => None,
    };
    let page = match pending {
        Some(pending) => {
            let masked = mask_email(&pending.email);
            let sent_again = query.sent.is_some();
            render_document(&ctx.page(), move || {
                check_page(masked, String::new(), FormErrors::new(), sent_again)
            })
        }
        None => render_document(&ctx.page(), expired_page),
    };
    Ok(private(html(StatusCode::OK, page)))
}

pub async fn submit_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, AppError> {
    let typed = form.text("code").to_string();
    let Some(hash) = handle_hash(&state, &headers) else {
        return Ok(expired(&ctx));
    };
    let pending = state
        .store
        .sign_in_email_by_handle(&hash, unix_now())
        .await?;
    let Some(pending) = pending else {
        return Ok(expired(&ctx));
    };
    let mut errors = FormErrors::new();
    let code = token::parse_code(&typed);
    match &code {
        _ if typed.trim().is_empty() => errors.add("code", "Enter the code from the email"),
        None => errors.add(
            "code",
            "Enter the 6 digits of the code from the email, like 123 456",
        ),
        Some(_) => {}
    }
    if let Some(code) = code.filter(|_| errors.is_empty()) {
        if let Err(wait) = state.limits.check(Action::SignInCode, ip, None).await? {
            audit(
                &state,
                "sign_in_code",
                "rate_limited",
                None,
                Some(&pending.email),
                ip,
            )
            .await;
            return Ok(too_many_attempts(&ctx, wait));
        }
        let outcome = state
            .store
            .try_sign_in_code(&hash, unix_now(), |id, stored| {
                token::digests_match(&token::code_digest(id, code.expose()), stored)
            })
            .await?;
        match outcome {
            CodeOutcome::Accepted(pending) => {
                return complete_sign_in(&state, &headers, pending, "sign_in_code", ip).await;
            }
            CodeOutcome::Wrong { tries_left } => {
                audit(
                    &state,
                    "sign_in_code",
                    "wrong_code",
                    None,
                    Some(&pending.email),
                    ip,
                )
                .await;
                let times = if tries_left == 1 {
                    "1 more time".to_string()
                } else {
                    format!("{tries_left} more times")
                };
                errors.add("code", format!("The code is not right. Check the email and type it again. You can try {times}"));
            }
            CodeOutcome::TooManyTries => {
                audit(
                    &state,
                    "sign_in_code",
                    "too_many_tries",
                    None,
                    Some(&pending.email),
                    ip,
                )
                .await;
                errors.add("code", format!("You have typed a wrong code {MAX_CODE_ATTEMPTS} times. Send the email again to get a new code"));
            }
            CodeOutcome::NoRequest => {
                return Ok(expired(&ctx));
            }
        }
    }
    let masked = mask_email(&pending.email);
    let page = render_document(&ctx.page(), move || {
        check_page(masked, typed, errors, false)
    });
    Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, page)))
}

/// `POST /sign-in/resend`: a new link and code for the same address (replacing the old ones).
pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    headers: HeaderMap,
    _form: FormData,
) -> Result<Response, AppError> {
    let pending = match handle_hash(&state, &headers) {
        Some(hash) => state.store.sign_in_request_for_resend(&hash).await?,
        None => None,
    };
    let Some(pending) = pending else {
        return Ok(see_other("/sign-in"));
    };
    let mut response = start_sign_in(&state, &ctx, &pending.email, &pending.next_path, ip).await?;
    if response.status() == StatusCode::SEE_OTHER {
        response.headers_mut().insert(
            axum::http::header::LOCATION,
            axum::http::HeaderValue::from_static("/sign-in/check?sent=again"),
        );
    }
    Ok(response)
}

fn check_page(masked: String, code: String, errors: FormErrors, sent_again: bool) -> impl IntoView {
    let title = "Check your email";
    view! {
        <Page title=title has_errors=!errors.is_empty() area=NavArea::SignIn breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::link("Sign in", "/sign-in"), Crumb::current(title)]>
            <ErrorSummary errors=errors.clone()/>
            {sent_again.then(|| view! {
                <NotificationBanner title="Email sent again" success=true>
                    <p>"We have sent a new email. Use the newest one: the earlier link and code no longer work."</p>
                </NotificationBanner>
            })}
            <PageHeading text=title lead=format!("We have sent a link and a code to {masked}. Open the link, or type the code here. Both work once, for 10 minutes.")/>
            <Form action="/sign-in/check" label="Sign in with the code">
                <TextInput name="code" label="Code from the email" hint="6 digits, for example 123 456" value=code
                    autocomplete="one-time-code" inputmode="numeric" error=errors.for_field("code")/>
                <Button text="Sign in"/>
            </Form>
            <h2>"Not received the email?"</h2>
            <p>"It can take a few minutes to arrive. Check your spam or junk folder."</p>
            <Form action="/sign-in/resend" label="Send the email again">
                <Button text="Send the email again" style=ButtonStyle::Secondary/>
            </Form>
            <p><a href="/sign-in">"Use a different email address"</a></p>
        </Page>
    }
}

/// A code sent when this browser has no live request: the expired page, as a failed form (422).
fn expired(ctx: &Ctx) -> Response {
    private(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        render_document(&ctx.page(), expired_page),
    ))
}

fn expired_page() -> impl IntoView {
    super::expired_page(
        "Your sign-in has expired",
        "Sign-in links and codes work once, for 10 minutes. This one has been used, has expired, or was started in another browser.",
        "Start signing in again",
    )
}
