//! `/g/<handle>/settings`: an admin changes the group's name, handle, description, privacy,
//! join mode and what members may do, all in one form.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::settings_form::{SettingsFields, answers_from};
use super::{GroupAccess, group_href};
use crate::AppState;
use crate::domain::groups::{PrivacyBounds, SettingsAnswers, check_settings};
use crate::domain::permissions::Action;
use crate::domain::validation::FormErrors;
use crate::pages::sign_in::audit_group;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::unix_now;
use crate::ui::{Button, ErrorSummary, Form, NavArea, Page, PageHeading, render_document};

const TITLE: &str = "Group settings";

/// `GET /g/<handle>/settings`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    access.permit(&ctx, Action::EditSettings)?;
    let group = &access.group;
    let answers = SettingsAnswers {
        name: group.name.clone(),
        handle: group.handle.clone(),
        description: group.description.clone(),
        privacy: group.privacy().as_str().to_string(),
        join_mode: group.join_mode().as_str().to_string(),
        permissions: Some(group.permissions().ticked()),
    };
    Ok(render(
        &ctx,
        &access,
        answers,
        FormErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /g/<handle>/settings`.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(handle): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::EditSettings)?;
    let viewer = ctx.require_viewer()?;
    let answers = answers_from(&form, true);
    let bounds = PrivacyBounds {
        parent: access.group.parent_privacy(),
        most_visible_subgroup: state
            .store
            .subgroup_privacies(&permit)
            .await?
            .into_iter()
            .min(),
    };
    let settings = match check_settings(&answers, bounds) {
        Ok(settings) => settings,
        Err(errors) => {
            return Ok(render(
                &ctx,
                &access,
                answers,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let saved = state
        .store
        .update_group_settings(&permit, &settings, &viewer.account_id, unix_now())
        .await?;
    if let Err(problem) = saved {
        let errors = super::new::save_problem(problem);
        return Ok(render(
            &ctx,
            &access,
            answers,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    audit_group(
        &state,
        "group_settings_changed",
        &viewer.account_id,
        &access.group.id,
        ip,
    )
    .await;
    Ok(see_other(&format!(
        "{}?done=settings",
        group_href(&settings.handle)
    )))
}

fn render(
    ctx: &Ctx,
    access: &GroupAccess,
    answers: SettingsAnswers,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let crumbs = access.crumbs(TITLE);
    let action = format!("{}/settings", access.href());
    let caption = access.group.name.clone();
    let has_errors = !errors.is_empty();
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=TITLE has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=TITLE caption=caption/>
                    <Form action=action>
                        <SettingsFields answers=answers errors=errors/>
                        <Button text="Save settings"/>
                    </Form>
                </Page>
            }
        }),
    )
}
