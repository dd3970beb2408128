//! Changing a comment: `/t/<id>/comments/<comment>/edit` (with a preview; the comment is then
//! marked "edited" and its history kept), `/…/delete` (asks to confirm first, WCAG 3.3.6) and
//! `POST /…/react` (gives or takes back a reaction).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::compose::comment_href;
use super::{MARKDOWN_HINT, Preview, ThreadAccess, wants_preview};
use crate::AppState;
use crate::domain::markdown;
use crate::domain::permissions::{Action, Permit};
use crate::domain::threads::{COMMENT_MAX, Reaction, check_comment};
use crate::domain::validation::FormErrors;
use crate::pages::attachments::{AttachFields, Attaching, AttachmentList, Target};
use crate::pages::sign_in::audit_group_with;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::{Comment, Owner, unix_now};
use crate::ui::{
    Button, ButtonStyle, ErrorSummary, Form, NavArea, Page, PageHeading, Textarea, render_document,
};

/// The thread and the comment, when the person may read both.
async fn load(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    comment_id: &str,
) -> Result<(ThreadAccess, Comment), AppError> {
    let access = ThreadAccess::load(state, ctx, id).await?;
    let comment = state
        .store
        .comment(&access.read_permit(ctx)?, comment_id)
        .await?
        .filter(|c| c.thread_id == id && !c.deleted)
        .ok_or(AppError::NotFound)?;
    Ok((access, comment))
}

fn is_own(ctx: &Ctx, comment: &Comment) -> bool {
    matches!((&ctx.viewer, &comment.author_id), (Some(v), Some(a)) if &v.account_id == a)
}

/// The permit to edit the comment: the author's own, or an admin's when the group lets admins
/// edit members' content. Nobody edits in a closed thread.
fn edit_permit(ctx: &Ctx, access: &ThreadAccess, comment: &Comment) -> Result<Permit, AppError> {
    if access.thread.is_closed() {
        return Err(AppError::NotFound);
    }
    if is_own(ctx, comment)
        && let Ok(permit) = access.group.permit(ctx, Action::EditOwnComments)
    {
        return Ok(permit);
    }
    access
        .group
        .permit(ctx, Action::EditMembersContent)
        .map_err(|_| AppError::NotFound)
}

/// The permit to delete the comment: the author's own (when the group allows it), or an
/// admin's for anyone's.
fn delete_permit(ctx: &Ctx, access: &ThreadAccess, comment: &Comment) -> Result<Permit, AppError> {
    if let Ok(permit) = access.group.permit(ctx, Action::Moderate) {
        return Ok(permit);
    }
    if is_own(ctx, comment) {
        return access
            .group
            .permit(ctx, Action::DeleteOwnComments)
            .map_err(|_| AppError::NotFound);
    }
    Err(AppError::NotFound)
}

const EDIT_TITLE: &str = "Edit comment";

/// `GET /t/<id>/comments/<comment>/edit`.
pub async fn show_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, comment_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (access, comment) = load(&state, &ctx, &id, &comment_id).await?;
    edit_permit(&ctx, &access, &comment)?;
    let body = comment.body.clone();
    let attaching = Attaching::of_post(
        &state,
        &access.group.group.id,
        Owner::Comment {
            thread: &id,
            comment: &comment_id,
        },
    )
    .await?;
    Ok(render_edit(
        &ctx,
        &access,
        &comment,
        body,
        FormErrors::new(),
        attaching,
        false,
    ))
}

/// A comment as an audit line's detail names it: its number and its thread's title.
fn comment_words(access: &ThreadAccess, comment: &Comment) -> String {
    format!(
        "Comment {} on \u{201c}{}\u{201d}",
        comment.seq, access.thread.title
    )
}

/// `POST /t/<id>/comments/<comment>/edit`.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path((id, comment_id)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, AppError> {
    let (access, comment) = load(&state, &ctx, &id, &comment_id).await?;
    let permit = edit_permit(&ctx, &access, &comment)?;
    let viewer = ctx.require_viewer()?;
    let body = form.text("body").to_string();
    let mut errors = check_comment(&body);
    let attaching = Attaching::take(
        &state,
        &ctx,
        &access.group.group.id,
        Target::Edit(Owner::Comment {
            thread: &id,
            comment: &comment_id,
        }),
        &form,
        &mut errors,
    )
    .await?;
    if !errors.is_empty() || wants_preview(&form) {
        let preview = wants_preview(&form);
        return Ok(render_edit(
            &ctx, &access, &comment, body, errors, attaching, preview,
        ));
    }
    let claims = attaching.claims();
    if body.trim_end() != comment.body || attaching.changes_post() {
        state
            .store
            .edit_comment(
                &permit,
                &comment_id,
                &viewer.account_id,
                body.trim_end(),
                Some(&claims),
                unix_now(),
            )
            .await?
            .ok_or(AppError::NotFound)?;
        if !is_own(&ctx, &comment) {
            audit_group_with(
                &state,
                "comment_edited",
                &viewer.account_id,
                &access.group.group.id,
                ip,
                comment.author_id.as_deref(),
                Some(&comment_words(&access, &comment)),
            )
            .await;
        }
    }
    Ok(see_other(
        &comment_href(&state, &access, &comment, "?done=edited").await?,
    ))
}

fn render_edit(
    ctx: &Ctx,
    access: &ThreadAccess,
    comment: &Comment,
    body: String,
    errors: FormErrors,
    attaching: Attaching,
    preview: bool,
) -> Response {
    let crumbs = access.crumbs(EDIT_TITLE);
    let action = format!("{}/comments/{}/edit", access.href(), comment.id);
    let caption = access.thread.title.clone();
    let lead = if is_own(ctx, comment) {
        "Your comment will be marked as edited, and anyone who can read the thread can see the earlier version.".to_string()
    } else {
        format!(
            "You are editing the comment by {}. It will be marked as edited, and anyone who can read the thread can see the earlier version.",
            comment.author_name
        )
    };
    let status = crate::pages::form_status(!errors.is_empty());
    let has_errors = !errors.is_empty();
    let back = access.href();
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=EDIT_TITLE has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=EDIT_TITLE caption=caption lead=lead/>
                    {(preview && !has_errors).then(|| view! {
                        <Preview heading="Preview of the comment" source=body.clone() level=2/>
                        <AttachmentList files=attaching.files.clone()/>
                    })}
                    <Form action=action files=true>
                        <Textarea name="body" label="Comment" hint=MARKDOWN_HINT value=body.clone()
                            error=errors.for_field("body") rows=8 max_chars=COMMENT_MAX/>
                        <AttachFields attaching=attaching.clone() errors=errors.clone()/>
                        <div class="q-button-group">
                            <Button text="Save changes"/>
                            <Button text="Preview" style=ButtonStyle::Secondary name="intent" value="preview"/>
                        </div>
                    </Form>
                    <p><a href=back>"Back to the thread without saving"</a></p>
                </Page>
            }
        }),
    )
}

const DELETE_TITLE: &str = "Delete comment";

/// `GET /t/<id>/comments/<comment>/delete`: asks to confirm, showing the comment.
pub async fn show_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, comment_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (access, comment) = load(&state, &ctx, &id, &comment_id).await?;
    delete_permit(&ctx, &access, &comment)?;
    let crumbs = access.crumbs(DELETE_TITLE);
    let action = format!("{}/comments/{}/delete", access.href(), comment.id);
    let caption = access.thread.title.clone();
    let whose = if is_own(&ctx, &comment) {
        "your comment".to_string()
    } else {
        format!("the comment by {}", comment.author_name)
    };
    let lead = format!(
        "Are you sure you want to delete {whose}? Its words and its earlier versions will be gone for good. If people replied to it, their replies stay, under \u{201c}This comment was deleted\u{201d}."
    );
    let excerpt = markdown::plain_text(&comment.body, 400);
    let back = access.href();
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=DELETE_TITLE area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=DELETE_TITLE caption=caption lead=lead/>
                    <blockquote class="q-quote">{excerpt}</blockquote>
                    <Form action=action label="Delete comment">
                        <Button text="Delete the comment" style=ButtonStyle::Warning/>
                    </Form>
                    <p><a href=back>"Keep it and go back to the thread"</a></p>
                </Page>
            }
        }),
    ))
}

/// `POST /t/<id>/comments/<comment>/delete`.
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path((id, comment_id)): Path<(String, String)>,
    _form: FormData,
) -> Result<Response, AppError> {
    let (access, comment) = load(&state, &ctx, &id, &comment_id).await?;
    let permit = delete_permit(&ctx, &access, &comment)?;
    let viewer = ctx.require_viewer()?;
    state
        .store
        .delete_comment(&permit, &comment_id, &viewer.account_id, unix_now())
        .await?;
    if !is_own(&ctx, &comment) {
        audit_group_with(
            &state,
            "comment_deleted",
            &viewer.account_id,
            &access.group.group.id,
            ip,
            comment.author_id.as_deref(),
            Some(&comment_words(&access, &comment)),
        )
        .await;
    }
    Ok(see_other(&format!(
        "{}?done=comment-deleted#comments",
        access.href()
    )))
}

/// `POST /t/<id>/comments/<comment>/react`.
pub async fn react(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, comment_id)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, AppError> {
    let (access, comment) = load(&state, &ctx, &id, &comment_id).await?;
    let permit = access.group.permit(&ctx, Action::Participate)?;
    let viewer = ctx.require_viewer()?;
    let reaction = Reaction::parse(form.text("reaction")).ok_or(AppError::NotFound)?;
    let taken = state
        .store
        .toggle_reaction(
            &permit,
            &comment_id,
            &viewer.account_id,
            reaction,
            unix_now(),
        )
        .await?;
    if !taken {
        return Err(AppError::NotFound);
    }
    Ok(see_other(
        &comment_href(&state, &access, &comment, "?done=reacted").await?,
    ))
}
