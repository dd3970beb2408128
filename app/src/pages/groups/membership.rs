//! Becoming and stopping being a member: `POST /g/<handle>/join` (groups anyone may join),
//! `/g/<handle>/ask` (ask to join, with an introduction) and `/g/<handle>/leave` (a page that
//! asks to confirm, then the post that leaves).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{GroupAccess, explain};
use crate::AppState;
use crate::domain::permissions::{Action, Relation, may_lose_admin};
use crate::domain::validation::{FormErrors, required_text};
use crate::pages::{AppError, Ctx, FormData, html, see_other};
use crate::store::{MembershipChange, Role, unix_now};
use crate::ui::{
    Button, ButtonStyle, ErrorSummary, Form, NavArea, Page, PageHeading, Textarea, render_document,
};

const ASK_TITLE: &str = "Ask to join";
const LEAVE_TITLE: &str = "Leave the group";
/// The longest introduction, in characters.
const INTRODUCTION_MAX: usize = 500;

/// `POST /g/<handle>/join`.
pub async fn join(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    _form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::Join)?;
    let viewer = ctx.require_viewer()?;
    state
        .store
        .join_group(&permit, &viewer.account_id, unix_now())
        .await?;
    Ok(see_other(&format!("{}?done=joined", access.href())))
}

/// `GET /g/<handle>/ask`.
pub async fn show_ask(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    access.permit(&ctx, Action::AskToJoin)?;
    Ok(render_ask(
        &ctx,
        &access,
        String::new(),
        FormErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /g/<handle>/ask`.
pub async fn ask(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::AskToJoin)?;
    let viewer = ctx.require_viewer()?;
    let introduction = form.text("introduction").to_string();
    let mut errors = FormErrors::new();
    required_text(
        &mut errors,
        "introduction",
        &introduction,
        "Write a short introduction, so the admins know who you are",
        INTRODUCTION_MAX,
        "Your introduction must be 500 characters or fewer",
    );
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(render_ask(&ctx, &access, introduction, errors, status));
    }
    state
        .store
        .ask_to_join(&permit, &viewer.account_id, introduction.trim(), unix_now())
        .await?;
    Ok(see_other(&format!("{}?done=asked", access.href())))
}

fn render_ask(
    ctx: &Ctx,
    access: &GroupAccess,
    introduction: String,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let crumbs = access.crumbs(ASK_TITLE);
    let action = format!("{}/ask", access.href());
    let name = access.group.name.clone();
    let lead = format!("The admins of {name} will read your introduction and decide.");
    let has_errors = !errors.is_empty();
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=ASK_TITLE has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=ASK_TITLE caption=name lead=lead/>
                    <Form action=action>
                        <Textarea name="introduction" label="Introduce yourself"
                            hint="Who you are and why you would like to join, in 500 characters or fewer. The admins see it with your name."
                            value=introduction error=errors.for_field("introduction") max_chars=INTRODUCTION_MAX/>
                        <Button text="Send my request"/>
                    </Form>
                </Page>
            }
        }),
    )
}

/// `GET /g/<handle>/leave`: asks to confirm (WCAG 3.3.6), or explains why the only admin
/// cannot leave yet.
pub async fn show_leave(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    access.permit(&ctx, Action::Leave)?;
    if access.relation == Relation::Admin {
        let permit = access.permit(&ctx, Action::ViewMembers)?;
        let members = state.store.members(&permit).await?;
        let admins = members.iter().filter(|m| m.role() == Role::Admin).count();
        if !may_lose_admin(u64::try_from(admins).unwrap_or(0)) {
            let message = ONLY_ADMIN_HELP.to_string();
            let errors = FormErrors::new();
            return Ok(explain(
                &ctx,
                &access,
                LEAVE_TITLE,
                StatusCode::OK,
                message,
                errors,
            ));
        }
    }
    Ok(render_leave(&ctx, &access))
}

/// `POST /g/<handle>/leave`.
pub async fn leave(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    _form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::Leave)?;
    let viewer = ctx.require_viewer()?;
    match state
        .store
        .leave_group(&permit, &viewer.account_id, unix_now())
        .await?
    {
        MembershipChange::LastAdmin => {
            let mut errors = FormErrors::new();
            errors.add("main", ONLY_ADMIN);
            Ok(explain(
                &ctx,
                &access,
                LEAVE_TITLE,
                StatusCode::UNPROCESSABLE_ENTITY,
                ONLY_ADMIN_HELP.to_string(),
                errors,
            ))
        }
        MembershipChange::Done | MembershipChange::NotMember => {
            Ok(see_other("/dashboard?done=left"))
        }
    }
}

const ONLY_ADMIN: &str = "You are the only admin, so you cannot leave yet";
const ONLY_ADMIN_HELP: &str = "A group always needs an admin. Make another member an admin on the members page, then you can leave.";

fn render_leave(ctx: &Ctx, access: &GroupAccess) -> Response {
    let crumbs = access.crumbs(LEAVE_TITLE);
    let action = format!("{}/leave", access.href());
    let back = access.href();
    let name = access.group.name.clone();
    let admin = access.relation == Relation::Admin;
    let consequence = if access.group.privacy() == crate::domain::groups::Privacy::Open {
        format!("You will no longer be a member of {name}. You can still read it, as anyone can.")
    } else {
        format!(
            "You will no longer be a member of {name} and will not be able to read it. To come back, you will need to join again."
        )
    };
    let button = format!("Leave {name}");
    let stay = format!("Stay in {name}");
    let note = admin.then_some("You are an admin. Another admin will keep running the group.");
    html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=LEAVE_TITLE area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=LEAVE_TITLE caption=name/>
                    <p>{consequence}</p>
                    {note.map(|note| view! { <p>{note}</p> })}
                    <Form action=action label="Leave the group">
                        <Button text=button style=ButtonStyle::Warning/>
                    </Form>
                    <p><a href=back>{stay}</a></p>
                </Page>
            }
        }),
    )
}
