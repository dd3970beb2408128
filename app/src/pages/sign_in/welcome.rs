//! `/welcome`: after a first sign-in, asks for the name other members will see.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::request::NextQuery;
use super::safe_next;
use crate::AppState;
use crate::domain::validation::{FormErrors, required_text};
use crate::pages::{AppError, Ctx, FormData, html, see_other};
use crate::ui::{
    Button, ErrorSummary, Form, NavArea, Page, PageHeading, TextInput, render_document,
};

const TITLE: &str = "What should we call you?";
pub const NAME_MAX: usize = 60;

/// Checks a display name: present and at most 60 characters.
pub fn check_name(name: &str) -> FormErrors {
    let mut errors = FormErrors::new();
    required_text(
        &mut errors,
        "name",
        name,
        "Enter your name",
        NAME_MAX,
        "Your name must be 60 characters or fewer",
    );
    errors
}

pub async fn show(ctx: Ctx, Query(query): Query<NextQuery>) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let name = viewer.display_name.clone().unwrap_or_default();
    let next = safe_next(&query.next);
    let page = render_document(&ctx.page(), move || {
        welcome_page(name, next, FormErrors::new())
    });
    Ok(html(StatusCode::OK, page))
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let name = form.text("name").to_string();
    let next = safe_next(form.text("next"));
    let errors = check_name(&name);
    if !errors.is_empty() {
        let page = render_document(&ctx.page(), move || welcome_page(name, next, errors));
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    state
        .store
        .set_display_name(&viewer.account_id, name.trim())
        .await?;
    Ok(see_other(&next))
}

fn welcome_page(name: String, next: String, errors: FormErrors) -> impl IntoView {
    view! {
        <Page title=TITLE has_errors=!errors.is_empty() area=NavArea::Account>
            <ErrorSummary errors=errors.clone()/>
            <PageHeading text=TITLE lead="Welcome to Quorum. Choose the name other members of your groups will see."/>
            <Form action="/welcome">
                <input type="hidden" name="next" value=next/>
                <TextInput name="name" label="Your name" hint="For example, your first and last name. You can change it later on your account page."
                    value=name autocomplete="name" error=errors.for_field("name") max_chars=NAME_MAX/>
                <Button text="Save and continue"/>
            </Form>
        </Page>
    }
}
