//! `/sign-in`: asks for an email address and sends a sign-in link and code to it.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

use super::{
    SIGN_IN_LIFETIME, audit, link_hint, normalize_email, private, safe_next, too_many_attempts,
};
use crate::AppState;
use crate::auth::emails;
use crate::auth::rate_limit::Action;
use crate::auth::session::{SIGN_IN_COOKIE, append_cookie};
use crate::auth::token;
use crate::domain::validation::{FormErrors, is_email_address};
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::{NewSignInRequest, unix_now};
use crate::ui::{
    Button, Crumb, ErrorSummary, Form, InputKind, NavArea, Page, PageHeading, TextInput,
    render_document,
};

const TITLE: &str = "Sign in to Quorum";

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    pub next: String,
}

pub async fn show(ctx: Ctx, Query(query): Query<NextQuery>) -> Response {
    if ctx.viewer.is_some() {
        return see_other(&safe_next(&query.next));
    }
    let page = render_document(&ctx.page(), move || {
        sign_in_page(String::new(), safe_next(&query.next), FormErrors::new())
    });
    private(html(StatusCode::OK, page))
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let typed = form.text("email").to_string();
    let next = safe_next(form.text("next"));
    let mut errors = FormErrors::new();
    if typed.trim().is_empty() {
        errors.add("email", "Enter your email address");
    } else if !is_email_address(&typed) {
        errors.add(
            "email",
            "Enter an email address in the correct format, like name@example.org",
        );
    }
    if !errors.is_empty() {
        let page = render_document(&ctx.page(), move || sign_in_page(typed, next, errors));
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, page)));
    }
    start_sign_in(&state, &ctx, &normalize_email(&typed), &next, ip).await
}

/// Makes a sign-in request for `email`, sends the email, and sends the browser to "Check your
/// email" with a cookie that ties the request to it. The same work and the same answer whether
/// or not the address has an account.
pub async fn start_sign_in(
    state: &AppState,
    ctx: &Ctx,
    email: &str,
    next: &str,
    ip: std::net::IpAddr,
) -> Result<Response, AppError> {
    if let Err(wait) = state
        .limits
        .check(Action::SignInEmail, ip, Some(email))
        .await?
    {
        audit(
            state,
            "sign_in_requested",
            "rate_limited",
            None,
            Some(email),
            ip,
        )
        .await;
        return Ok(too_many_attempts(ctx, wait));
    }
    let fail = |e: token::RandomError| AppError::Internal(e.into());
    let (id, request_id, code, handle) = (
        token::new_id().map_err(fail)?,
        token::new_request_id().map_err(fail)?,
        token::new_code().map_err(fail)?,
        token::new_token().map_err(fail)?,
    );
    let now = unix_now();
    let link = magic_link::Link::new(
        request_id,
        (now + SIGN_IN_LIFETIME).unsigned_abs(),
        &link_hint(email),
    )
    .map_err(anyhow::Error::from)?;
    let new_account = state.store.account_by_email(email).await?.is_none();
    state
        .store
        .create_sign_in_request(&NewSignInRequest {
            id: &id,
            email,
            token_hash: &token::link_digest(&link),
            code_hash: &token::code_digest(&id, code.expose()),
            handle_hash: &handle.digest(),
            next_path: next,
            now,
            expires_at: now + SIGN_IN_LIFETIME,
        })
        .await?;
    let link = format!(
        "{}/sign-in/link/{}",
        state.config.public_url,
        state.config.link_keys.sign(&link)
    );
    state
        .mailer
        .send(emails::sign_in(email, &link, code.expose(), new_account))
        .await?;
    audit(state, "sign_in_requested", "ok", None, Some(email), ip).await;
    let mut response = see_other("/sign-in/check");
    let lifetime = std::time::Duration::from_secs(SIGN_IN_LIFETIME.unsigned_abs() * 6);
    append_cookie(
        response.headers_mut(),
        state
            .config
            .cookies
            .set(SIGN_IN_COOKIE, handle.expose(), Some(lifetime)),
    );
    Ok(private(response))
}

fn sign_in_page(email: String, next: String, errors: FormErrors) -> impl IntoView {
    // Someone whose session ended as they sent a form is told their answers wait for them.
    let kept = next.starts_with("/answers/").then(|| {
        view! {
            <div class="q-inset">
                <p>"Your session ended before your answers could be sent. They are kept for 24 hours, in this browser: sign in again to send them."</p>
            </div>
        }
    });
    // The other way in leads to the same place afterwards.
    let password = if next == "/" {
        "/sign-in/password".to_string()
    } else {
        let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        format!("/sign-in/password?next={encoded}")
    };
    view! {
        <Page title=TITLE has_errors=!errors.is_empty() area=NavArea::SignIn breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::current("Sign in")]>
            <ErrorSummary errors=errors.clone()/>
            <PageHeading text=TITLE lead="Enter your email address and we will send you a link and a code to sign in. If you are new to Quorum, this creates your account."/>
            {kept}
            <Form action="/sign-in">
                <input type="hidden" name="next" value=next/>
                <TextInput name="email" label="Email address" kind=InputKind::Email autocomplete="email"
                    hint="We only use it to sign you in and to send you what your groups share." value=email
                    error=errors.for_field("email")/>
                <Button text="Continue"/>
            </Form>
            <h2>"Other ways to sign in"</h2>
            <p><a href=password>"Sign in with a password"</a>", if you have set one on your account page."</p>
        </Page>
    }
}
