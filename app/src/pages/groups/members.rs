//! `/g/<handle>/members`: who is in the group (members only), and for admins the buttons to
//! make or remove admins and to remove members. Removing someone asks to confirm first
//! (WCAG 3.3.6); a group never loses its last admin.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{GroupAccess, explain};
use crate::AppState;
use crate::domain::permissions::Action;
use crate::domain::time::{format_utc, iso_utc};
use crate::domain::validation::FormErrors;
use crate::pages::sign_in::audit_group_with;
use crate::pages::{AppError, ClientIp, Ctx, DoneQuery, FormData, html, see_other};
use crate::store::{Member, MembershipChange, Role, unix_now};
use crate::ui::{
    Button, ButtonStyle, ErrorSummary, Form, NavArea, Page, PageHeading, SuccessBanner,
    render_document,
};

const TITLE: &str = "Members";
const REMOVE_TITLE: &str = "Remove a member";
const LAST_ADMIN: &str = "A group must keep at least one admin. Make another member an admin first";

fn done_message(key: &str) -> Option<&'static str> {
    Some(match key {
        "admin" => "They are now an admin.",
        "member" => "They are no longer an admin.",
        "removed" => "They have been removed from the group.",
        _ => return None,
    })
}

/// `GET /g/<handle>/members`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let done = done_message(&query.done);
    render(
        &state,
        &ctx,
        &access,
        done,
        FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    access: &GroupAccess,
    done: Option<&'static str>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let permit = access.permit(ctx, Action::ViewMembers)?;
    let members = state.store.members(&permit).await?;
    let manage = access.can(Action::ManageMembers);
    let me = ctx
        .viewer
        .as_ref()
        .map(|v| v.account_id.clone())
        .unwrap_or_default();
    let crumbs = access.crumbs(TITLE);
    let base = access.href();
    let name = access.group.name.clone();
    let lead = match members.len() {
        1 => "1 member.".to_string(),
        n => format!("{n} members."),
    };
    let has_errors = !errors.is_empty();
    let list_error = errors.for_field("members");
    Ok(html(
        status,
        render_document(&ctx.page(), move || {
            // Made inside the document, where the forms find the page's CSRF token.
            let items = members
                .into_iter()
                .map(|member| member_item(member, &base, manage, &me))
                .collect_view();
            view! {
                <Page title=TITLE has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors/>
                    <SuccessBanner message=done.map(Into::into)/>
                    <PageHeading text=TITLE caption=name lead=lead/>
                    {list_error.map(|error| view! {
                        <p class="q-error-message" id="members-error"><span class="q-visually-hidden">"Error: "</span>{error}</p>
                    })}
                    <ul class="q-list" id="members" tabindex="-1" aria-describedby=has_errors.then_some("members-error")>{items}</ul>
                </Page>
            }
        }),
    ))
}

/// A role in words.
fn role_words(role: Role) -> &'static str {
    match role {
        Role::Admin => "Admin",
        Role::Member => "Member",
    }
}

fn member_item(member: Member, base: &str, manage: bool, me: &str) -> impl IntoView + use<> {
    let role = member.role();
    let you = (member.account_id == me).then_some(" (you)");
    let role_text = role_words(role);
    let since = format_utc(member.joined_at);
    let iso = iso_utc(member.joined_at);
    let actions = manage.then(|| {
        let (new_role, label) = match role {
            Role::Admin => ("member", format!("Remove {} as admin", member.name)),
            Role::Member => ("admin", format!("Make {} an admin", member.name)),
        };
        let remove_href = format!("{base}/members/{}/remove", member.account_id);
        let remove_text = format!("Remove {} from the group", member.name);
        view! {
            <Form action=format!("{base}/members/role") label=label.clone()>
                <input type="hidden" name="account" value=member.account_id.clone()/>
                <input type="hidden" name="role" value=new_role/>
                <Button text=label style=ButtonStyle::Secondary/>
            </Form>
            <p><a href=remove_href>{remove_text}</a></p>
        }
    });
    view! {
        <li class="q-session">
            <h2 class="q-heading-s">{member.name.clone()}{you}</h2>
            <p>{role_text} ". Joined " <time datetime=iso>{since}</time> "."
                {member.handle.clone().map(|h| format!(" Mention them with @{h}."))}</p>
            {actions}
        </li>
    }
}

/// `POST /g/<handle>/members/role`.
pub async fn change_role(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(handle): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::ManageMembers)?;
    let viewer = ctx.require_viewer()?;
    let role = match form.text("role") {
        "admin" => Role::Admin,
        "member" => Role::Member,
        _ => return Err(AppError::NotFound),
    };
    let account = form.text("account");
    let before = state.store.standing(&access.group.id, account).await?.role;
    match state.store.change_role(&permit, account, role).await? {
        MembershipChange::Done => {
            let detail = match before {
                Some(before) => format!("{} \u{2192} {}", role_words(before), role_words(role)),
                None => role_words(role).to_string(),
            };
            audit_group_with(
                &state,
                "member_role_changed",
                &viewer.account_id,
                &access.group.id,
                ip,
                Some(account),
                Some(&detail),
            )
            .await;
            Ok(see_other(&format!(
                "{}/members?done={}",
                access.href(),
                role.as_str()
            )))
        }
        MembershipChange::LastAdmin => {
            let mut errors = FormErrors::new();
            errors.add("members", LAST_ADMIN);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&state, &ctx, &access, None, errors, status).await
        }
        MembershipChange::NotMember => Err(AppError::NotFound),
    }
}

/// `GET /g/<handle>/members/<account>/remove`: asks to confirm.
pub async fn show_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((handle, account)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    access.permit(&ctx, Action::ManageMembers)?;
    let members = state
        .store
        .members(&access.permit(&ctx, Action::ViewMembers)?)
        .await?;
    let member = members
        .into_iter()
        .find(|m| m.account_id == account)
        .ok_or(AppError::NotFound)?;
    let crumbs = access.crumbs(REMOVE_TITLE);
    let question = format!("Remove {} from {}?", member.name, access.group.name);
    let action = format!("{}/members/{}/remove", access.href(), member.account_id);
    let back = format!("{}/members", access.href());
    let group = access.group.name.clone();
    let text = format!(
        "{} will no longer be a member of {group}. Their threads and comments stay in the group. They can be invited again.",
        member.name
    );
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=question.clone() area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=question/>
                    <p>{text}</p>
                    <Form action=action label="Remove the member">
                        <Button text=format!("Remove {}", member.name) style=ButtonStyle::Warning/>
                    </Form>
                    <p><a href=back>"Keep them and go back to the members"</a></p>
                </Page>
            }
        }),
    ))
}

/// `POST /g/<handle>/members/<account>/remove`.
pub async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path((handle, account)): Path<(String, String)>,
    _form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::ManageMembers)?;
    let viewer = ctx.require_viewer()?;
    match state
        .store
        .remove_member(&permit, &account, unix_now())
        .await?
    {
        MembershipChange::Done => {
            let detail = if account == viewer.account_id {
                "Removed themselves from the group"
            } else {
                "Removed from the group"
            };
            audit_group_with(
                &state,
                "member_removed",
                &viewer.account_id,
                &access.group.id,
                ip,
                Some(&account),
                Some(detail),
            )
            .await;
            if account == viewer.account_id {
                return Ok(see_other("/dashboard?done=left"));
            }
            Ok(see_other(&format!(
                "{}/members?done=removed",
                access.href()
            )))
        }
        MembershipChange::LastAdmin => {
            let mut errors = FormErrors::new();
            errors.add("main", LAST_ADMIN);
            Ok(explain(
                &ctx,
                &access,
                REMOVE_TITLE,
                StatusCode::UNPROCESSABLE_ENTITY,
                "Nobody was removed.".to_string(),
                errors,
            ))
        }
        MembershipChange::NotMember => Err(AppError::NotFound),
    }
}
