//! `/groups/new` and `/g/<handle>/subgroups/new`: creating a group or a subgroup. The creator
//! becomes its admin. A subgroup may not be more visible than its group.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::settings_form::{SettingsFields, answers_from};
use super::{GroupAccess, group_href};
use crate::AppState;
use crate::auth::token;
use crate::domain::groups::{PrivacyBounds, SettingsAnswers, check_settings};
use crate::domain::permissions::{Action, Permit};
use crate::domain::validation::FormErrors;
use crate::pages::sign_in::audit_group_with;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::{SaveProblem, unix_now};
use crate::ui::{Button, Crumb, ErrorSummary, Form, NavArea, Page, PageHeading, render_document};

const TITLE: &str = "Create a group";
const SUBGROUP_TITLE: &str = "Create a subgroup";

/// The errors to show when the store refused settings that passed the form's checks.
pub fn save_problem(problem: SaveProblem) -> FormErrors {
    let mut errors = FormErrors::new();
    match problem {
        SaveProblem::HandleTaken => {
            errors.add("handle", "Another group already uses that handle. Choose another");
        }
        SaveProblem::PrivacyConflict => errors.add(
            "privacy",
            "Who can see this group or the groups around it changed while you were editing. Choose again who can see the group",
        ),
    }
    errors
}

/// `GET /groups/new`.
pub async fn show(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_viewer()?;
    Ok(render(
        &ctx,
        None,
        fresh_answers(),
        FormErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /groups/new`.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    create(&state, &ctx, ip, None, &form).await
}

/// `GET /g/<handle>/subgroups/new`.
pub async fn show_subgroup(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    access.permit(&ctx, Action::CreateSubgroup)?;
    let answers = SettingsAnswers {
        privacy: access.group.privacy().as_str().to_string(),
        ..fresh_answers()
    };
    Ok(render(
        &ctx,
        Some(&access),
        answers,
        FormErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /g/<handle>/subgroups/new`.
pub async fn submit_subgroup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(handle): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    create(&state, &ctx, ip, Some(&access), &form).await
}

fn fresh_answers() -> SettingsAnswers {
    SettingsAnswers {
        privacy: String::new(),
        join_mode: String::new(),
        ..SettingsAnswers::default()
    }
}

async fn create(
    state: &AppState,
    ctx: &Ctx,
    ip: std::net::IpAddr,
    parent: Option<&GroupAccess>,
    form: &FormData,
) -> Result<Response, AppError> {
    let permit: Option<Permit> = parent
        .map(|access| access.permit(ctx, Action::CreateSubgroup))
        .transpose()?;
    let viewer = ctx.require_viewer()?;
    let answers = answers_from(form, false);
    let bounds = PrivacyBounds {
        parent: parent.map(|access| access.group.privacy()),
        most_visible_subgroup: None,
    };
    let settings = match check_settings(&answers, bounds) {
        Ok(settings) => settings,
        Err(errors) => {
            return Ok(render(
                ctx,
                parent,
                answers,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let id = token::new_id().map_err(anyhow::Error::from)?;
    let created = state
        .store
        .create_group(
            &id,
            &settings,
            permit.as_ref(),
            &viewer.account_id,
            unix_now(),
        )
        .await?;
    if let Err(problem) = created {
        let errors = save_problem(problem);
        return Ok(render(
            ctx,
            parent,
            answers,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let detail = format!(
        "Privacy: {}; Joining: {}",
        settings.privacy.label(),
        settings.join_mode.label()
    );
    audit_group_with(
        state,
        "group_created",
        &viewer.account_id,
        &id,
        ip,
        None,
        Some(&detail),
    )
    .await;
    Ok(see_other(&format!(
        "{}?done=created",
        group_href(&settings.handle)
    )))
}

fn render(
    ctx: &Ctx,
    parent: Option<&GroupAccess>,
    answers: SettingsAnswers,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let (title, action, crumbs, lead) = match parent {
        Some(access) => (
            SUBGROUP_TITLE,
            format!("{}/subgroups/new", access.href()),
            access.crumbs(SUBGROUP_TITLE),
            format!(
                "A subgroup of {} for part of its work. You will be its admin. It cannot be more visible than {}.",
                access.group.name, access.group.name
            ),
        ),
        None => (
            TITLE,
            "/groups/new".to_string(),
            vec![
                Crumb::link("Home", "/"),
                Crumb::link("Groups", "/groups"),
                Crumb::current(TITLE),
            ],
            "A place for people to discuss and decide together. You will be its admin, and can change all of this later.".to_string(),
        ),
    };
    let has_errors = !errors.is_empty();
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=title lead=lead/>
                    <Form action=action>
                        <SettingsFields answers=answers errors=errors/>
                        <Button text=title/>
                    </Form>
                </Page>
            }
        }),
    )
}
