//! `/sign-in/password`: signing in with an email address and a password, for people who have
//! set one. The answer to a wrong address and to a wrong password is the same, and takes the same
//! time (a dummy hash is checked when there is no account), so it reveals no accounts. Attempts
//! are rate limited per address and per IP; the email link stays open when they are.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use leptos::prelude::*;

use super::request::NextQuery;
use super::{
    audit, complete_sign_in, normalize_email, private, safe_next, too_many_attempts, with_argon2,
};
use crate::AppState;
use crate::auth::password::{Password, dummy_verify, verify_password};
use crate::auth::rate_limit::Action;
use crate::domain::validation::FormErrors;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::PendingSignIn;
use crate::ui::{
    Button, Crumb, ErrorSummary, Form, InputKind, NavArea, Page, PageHeading, TextInput,
    render_document,
};

const TITLE: &str = "Sign in with a password";

pub async fn show(ctx: Ctx, Query(query): Query<NextQuery>) -> Response {
    if ctx.viewer.is_some() {
        return see_other(&safe_next(&query.next));
    }
    let next = safe_next(&query.next);
    private(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            password_page(String::new(), next, FormErrors::new())
        }),
    ))
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, AppError> {
    let typed = form.text("email").to_string();
    let next = safe_next(form.text("next"));
    let password = Password::new(form.text("password").to_string());
    let mut errors = FormErrors::new();
    if typed.trim().is_empty() {
        errors.add("email", "Enter your email address");
    }
    if password.expose().is_empty() {
        errors.add("password", "Enter your password");
    }
    if errors.is_empty() {
        let email = normalize_email(&typed);
        if let Err(wait) = state
            .limits
            .check(Action::SignInPassword, ip, Some(&email))
            .await?
        {
            audit(
                &state,
                "sign_in_password",
                "rate_limited",
                None,
                Some(&email),
                ip,
            )
            .await;
            return Ok(too_many_attempts(&ctx, wait));
        }
        let stored = state
            .store
            .account_by_email(&email)
            .await?
            .and_then(|account| account.password_hash);
        let matches = with_argon2(move || match stored {
            Some(hash) => verify_password(&password, &hash),
            None => {
                dummy_verify(&password);
                false
            }
        })
        .await?;
        if matches {
            return complete_sign_in(
                &state,
                &headers,
                PendingSignIn {
                    email,
                    next_path: next,
                },
                "sign_in_password",
                ip,
            )
            .await;
        }
        audit(&state, "sign_in_password", "wrong", None, Some(&email), ip).await;
        errors.add("email", "The email address or the password is not right. Check both and try again, or sign in with an email link");
    }
    let page = render_document(&ctx.page(), move || password_page(typed, next, errors));
    Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, page)))
}

fn password_page(email: String, next: String, errors: FormErrors) -> impl IntoView {
    view! {
        <Page title=TITLE has_errors=!errors.is_empty() area=NavArea::SignIn breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::link("Sign in", "/sign-in"), Crumb::current("Password")]>
            <ErrorSummary errors=errors.clone()/>
            <PageHeading text=TITLE lead="If you have set a password on your account page, you can use it here."/>
            <Form action="/sign-in/password">
                <input type="hidden" name="next" value=next/>
                <TextInput name="email" label="Email address" kind=InputKind::Email autocomplete="username" value=email
                    error=errors.for_field("email")/>
                <TextInput name="password" label="Password" kind=InputKind::Password autocomplete="current-password"
                    error=errors.for_field("password")/>
                <Button text="Sign in"/>
            </Form>
            <p><a href="/sign-in">"Sign in with an email link instead"</a>"; it works whether or not you have a password."</p>
        </Page>
    }
}
