//! Keeping a thread in order: close and reopen, pin and unpin (`POST /t/<id>/<action>`), move
//! to another group the person runs (`/t/<id>/move`), delete (`/t/<id>/delete`, after a page that
//! asks to confirm), and for admins the deleted threads that can still be restored
//! (`/g/<handle>/threads/deleted`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::ThreadAccess;
use crate::AppState;
use crate::domain::groups::Privacy;
use crate::domain::permissions::Action;
use crate::domain::threads::PURGE_AFTER_SECS;
use crate::domain::time::format_utc;
use crate::domain::validation::FormErrors;
use crate::pages::groups::GroupAccess;
use crate::pages::sign_in::audit_group_with;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::unix_now;
use crate::ui::{
    Button, ButtonStyle, Choice, ErrorSummary, Form, NavArea, Page, PageHeading, RadioGroup,
    render_document,
};

/// `POST /t/<id>/close`, `/reopen`, `/pin` and `/unpin`.
pub async fn set_state(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path((id, action)): Path<(String, String)>,
    _form: FormData,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    let viewer = ctx.require_viewer()?;
    let now = unix_now();
    let changed = match action.as_str() {
        "close" | "reopen" => {
            let permit = access.change_permit(&ctx)?;
            let close = action == "close";
            state
                .store
                .set_thread_closed(&permit, &id, &viewer.account_id, close, now)
                .await?
        }
        "pin" | "unpin" => {
            let permit = access.group.permit(&ctx, Action::Moderate)?;
            state
                .store
                .set_thread_pinned(&permit, &id, action == "pin", now)
                .await?
        }
        _ => return Err(AppError::NotFound),
    };
    if !changed {
        // Already so (a second press), or an author reopening what an admin closed: the page
        // shows the thread as it is.
        return Ok(see_other(&access.href()));
    }
    let done = match action.as_str() {
        "close" => "closed",
        "reopen" => "reopened",
        "pin" => "pinned",
        _ => "unpinned",
    };
    // An author closing their own thread is taking part; anything else is an admin's power.
    if !(access.is_author(&ctx) && matches!(done, "closed" | "reopened")) {
        audit_group_with(
            &state,
            &format!("thread_{done}"),
            &viewer.account_id,
            &access.group.group.id,
            ip,
            access.thread.author_id.as_deref(),
            Some(&quoted(&access.thread.title)),
        )
        .await;
    }
    Ok(see_other(&format!("{}?done={done}", access.href())))
}

/// A thread's title in quotation marks, for an audit line's detail.
fn quoted(title: &str) -> String {
    format!("\u{201c}{title}\u{201d}")
}

const MOVE_TITLE: &str = "Move the thread";

/// `GET /t/<id>/move`.
pub async fn show_move(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    access.group.permit(&ctx, Action::Moderate)?;
    render_move(&state, &ctx, &access, None, FormErrors::new()).await
}

/// `POST /t/<id>/move`.
pub async fn submit_move(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    // Moving takes everyone's comments elsewhere, so it is for admins of both groups.
    let from = access.group.permit(&ctx, Action::Moderate)?;
    let viewer = ctx.require_viewer()?;
    let chosen = form.text("group").to_string();
    let destination = if chosen.is_empty() || chosen == access.group.group.handle {
        None
    } else {
        match GroupAccess::load(&state, &ctx, &chosen).await {
            Ok(group) => group
                .permit(&ctx, Action::Moderate)
                .ok()
                .map(|p| (group, p)),
            Err(_) => None,
        }
    };
    let Some((group, to)) = destination else {
        let mut errors = FormErrors::new();
        errors.add("group", "Choose the group to move the thread to");
        return render_move(&state, &ctx, &access, Some(chosen), errors).await;
    };
    if !state
        .store
        .move_thread(&from, &to, &id, &viewer.account_id)
        .await?
    {
        return Err(AppError::NotFound);
    }
    // Each group's log names the other group, unless it is secret: admins of one group need
    // not be admins of the other, and a secret group's name is for its members only.
    let (old_group, new_group) = (&access.group.group, &group.group);
    let name_of = |g: &crate::store::Group| {
        if g.privacy() == Privacy::Secret {
            "another group".to_string()
        } else {
            g.name.clone()
        }
    };
    let title = quoted(&access.thread.title);
    let lines = [
        (
            &old_group.id,
            format!("{title} moved to {}", name_of(new_group)),
        ),
        (
            &new_group.id,
            format!("{title} moved here from {}", name_of(old_group)),
        ),
    ];
    for (group_id, detail) in lines {
        audit_group_with(
            &state,
            "thread_moved",
            &viewer.account_id,
            group_id,
            ip,
            access.thread.author_id.as_deref(),
            Some(&detail),
        )
        .await;
    }
    Ok(see_other(&format!("{}?done=moved", access.href())))
}

async fn render_move(
    state: &AppState,
    ctx: &Ctx,
    access: &ThreadAccess,
    chosen: Option<String>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let groups: Vec<Choice> = state
        .store
        .groups_of(&viewer.account_id)
        .await?
        .into_iter()
        .filter(|g| g.role == "admin" && g.handle != access.group.group.handle)
        .map(|g| match g.parent_name {
            Some(parent) => Choice::new(g.handle, format!("{} (subgroup of {parent})", g.name)),
            None => Choice::new(g.handle, g.name),
        })
        .collect();
    let crumbs = access.crumbs(MOVE_TITLE);
    let caption = access.thread.title.clone();
    let action = format!("{}/move", access.href());
    let back = access.href();
    let has_errors = !errors.is_empty();
    let status = crate::pages::form_status(has_errors);
    let from = access.group.group.name.clone();
    Ok(html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=MOVE_TITLE has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=MOVE_TITLE caption=caption lead=format!("The thread is in {from} now.")/>
                    {if groups.is_empty() {
                        view! {
                            <p>"You can move a thread only to another group where you are an admin, and you are not an admin of any other group."</p>
                        }
                        .into_any()
                    } else {
                        view! {
                            <Form action=action.clone()>
                                <RadioGroup name="group" legend="Which group should it move to?"
                                    hint="Groups where you are an admin. The thread keeps its comments and its address. Moved into a group that is not open, it can be read by that group\u{2019}s members only."
                                    choices=groups.clone() selected=chosen.clone() error=errors.for_field("group")/>
                                <Button text="Move the thread"/>
                            </Form>
                        }
                        .into_any()
                    }}
                    <p><a href=back>"Back to the thread"</a></p>
                </Page>
            }
        }),
    ))
}

const DELETE_TITLE: &str = "Delete the thread";

/// `GET /t/<id>/delete`: asks to confirm (WCAG 3.3.6).
pub async fn show_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    access.change_permit(&ctx)?;
    let crumbs = access.crumbs(DELETE_TITLE);
    let caption = access.thread.title.clone();
    let action = format!("{}/delete", access.href());
    let back = access.href();
    let days = PURGE_AFTER_SECS / 86_400;
    let lead = format!(
        "The thread and all its comments will disappear at once. An admin of the group can restore it for {days} days; after that it is gone for good."
    );
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=DELETE_TITLE area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=DELETE_TITLE caption=caption lead=lead/>
                    <Form action=action label="Delete the thread">
                        <Button text="Delete the thread" style=ButtonStyle::Warning/>
                    </Form>
                    <p><a href=back>"Keep it and go back to the thread"</a></p>
                </Page>
            }
        }),
    ))
}

/// `POST /t/<id>/delete`.
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    _form: FormData,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    let permit = access.change_permit(&ctx)?;
    let viewer = ctx.require_viewer()?;
    if !state
        .store
        .delete_thread(&permit, &id, &viewer.account_id, unix_now())
        .await?
    {
        return Err(AppError::NotFound);
    }
    audit_group_with(
        &state,
        "thread_deleted",
        &viewer.account_id,
        &access.group.group.id,
        ip,
        access.thread.author_id.as_deref(),
        Some(&quoted(&access.thread.title)),
    )
    .await;
    Ok(see_other(&format!(
        "{}/threads?done=thread-deleted",
        access.group.href()
    )))
}

const DELETED_TITLE: &str = "Deleted threads";

/// `GET /g/<handle>/threads/deleted`: for admins.
pub async fn deleted(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::Moderate)?;
    let threads = state.store.deleted_threads(&permit).await?;
    let items_empty = threads.is_empty();
    let crumbs = access.crumbs(DELETED_TITLE);
    let caption = access.group.name.clone();
    let href = access.href();
    let days = PURGE_AFTER_SECS / 86_400;
    let lead =
        format!("A deleted thread can be restored for {days} days, then it is gone for good.");
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            let items = threads
            .into_iter()
            .map(|t| {
                let purge = format_utc(t.deleted_at + PURGE_AFTER_SECS);
                let text = format!("Restore \u{201c}{}\u{201d}", t.title);
                view! {
                    <li class="q-session">
                        <h2 class="q-heading-s">{t.title.clone()}</h2>
                        <p>{format!("Deleted by {} on {}. Gone for good after {purge}.", t.deleted_by_name, format_utc(t.deleted_at))}</p>
                        <Form action=format!("{href}/threads/deleted/{}/restore", t.id) label=text.clone()>
                            <Button text=text style=ButtonStyle::Secondary/>
                        </Form>
                    </li>
                }
            })
            .collect_view();
            let items = if items_empty {
                view! { <p>"There are no deleted threads."</p> }.into_any()
            } else {
                view! { <ul class="q-list">{items}</ul> }.into_any()
            };
            view! {
                <Page title=DELETED_TITLE area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=DELETED_TITLE caption=caption lead=lead/>
                    {items}
                </Page>
            }
        }),
    ))
}

/// `POST /g/<handle>/threads/deleted/<id>/restore`.
pub async fn restore(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path((handle, id)): Path<(String, String)>,
    _form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::Moderate)?;
    let viewer = ctx.require_viewer()?;
    let title = state
        .store
        .deleted_threads(&permit)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .map(|t| quoted(&t.title));
    if !state.store.restore_thread(&permit, &id).await? {
        return Err(AppError::NotFound);
    }
    audit_group_with(
        &state,
        "thread_restored",
        &viewer.account_id,
        &access.group.id,
        ip,
        None,
        title.as_deref(),
    )
    .await;
    Ok(see_other(&format!(
        "{}?done=restored",
        super::thread_href(&id)
    )))
}
