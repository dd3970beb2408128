//! The optional password: set, change or remove it from the account page. Passwords are never
//! put back into a form after an error (unlike other answers), so they never sit in a page that a
//! browser might cache or a person might leave open.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{AccountView, render};
use crate::AppState;
use crate::auth::password::{Password, check_new_password, hash_password};
use crate::domain::validation::FormErrors;
use crate::pages::sign_in::{audit, with_argon2};
use crate::pages::{AppError, ClientIp, Ctx, FormData, see_other};
use crate::ui::{Button, ButtonStyle, Form, InputKind, TextInput};

/// The password part of the account page.
pub fn section(has_password: bool, error: Option<String>) -> impl IntoView {
    let (intro, label, button) = if has_password {
        (
            "You can sign in with your password or with a link sent to your email.",
            "Change password",
            "Change password",
        )
    } else {
        (
            "You sign in with links sent to your email. You can also set a password; it is optional.",
            "Set a password",
            "Set password",
        )
    };
    view! {
        <p>{intro}</p>
        <Form action="/account/password" label=label>
            <TextInput name="new_password" label="New password" kind=InputKind::Password autocomplete="new-password"
                hint="At least 8 characters, with no other rules. A few unrelated words make a strong password that is easy to remember. You can paste it from a password manager."
                error=error/>
            <Button text=button style=ButtonStyle::Secondary/>
        </Form>
        {has_password.then(|| view! {
            <Form action="/account/password/remove" label="Remove password">
                <Button text="Remove password" style=ButtonStyle::Warning/>
            </Form>
        })}
    }
}

pub async fn set(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let password = Password::new(form.text("new_password").to_string());
    if let Err(problem) = check_new_password(&password) {
        let mut errors = FormErrors::new();
        errors.add("new_password", problem.message());
        return render(
            &state,
            &ctx,
            AccountView {
                errors,
                ..AccountView::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    // argon2 takes tens of milliseconds of CPU: off the async threads.
    let hash = with_argon2(move || hash_password(&password))
        .await?
        .map_err(anyhow::Error::from)?;
    state
        .store
        .set_password_hash(&viewer.account_id, Some(hash.as_str()))
        .await?;
    audit(
        &state,
        "password_set",
        "ok",
        Some(&viewer.account_id),
        None,
        ip,
    )
    .await;
    Ok(see_other("/account?done=password-set"))
}

pub async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    _form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    state
        .store
        .set_password_hash(&viewer.account_id, None)
        .await?;
    audit(
        &state,
        "password_removed",
        "ok",
        Some(&viewer.account_id),
        None,
        ip,
    )
    .await;
    Ok(see_other("/account?done=password-removed"))
}
