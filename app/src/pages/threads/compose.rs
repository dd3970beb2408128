//! Writing a comment or a reply: `POST /t/<id>/comments` (from the form under a thread, or from
//! this page) and `GET /t/<id>/comments/new` (the page to write a reply, or a comment again
//! after a preview or an error). A reply quotes the start of the comment it answers, so the
//! writer can see what they reply to without the thread.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use leptos::prelude::*;

use super::{MARKDOWN_HINT, Preview, ThreadAccess, comment_anchor, wants_preview};
use crate::AppState;
use crate::domain::markdown;
use crate::domain::permissions::Action;
use crate::domain::threads::{COMMENT_MAX, COMMENTS_PER_PAGE, check_comment, mentions};
use crate::domain::validation::FormErrors;
use crate::pages::attachments::{AttachFields, Attaching, AttachmentList, Target};
use crate::pages::{AppError, Ctx, FormData, html, see_other};
use crate::store::{Comment, CommentProblem, NewComment, new_content_id, unix_now};
use crate::ui::{
    Button, ButtonStyle, ErrorSummary, Form, NavArea, Page, PageHeading, Textarea, page_href,
    render_document,
};

const PARENT_GONE: &str =
    "The comment you replied to has been deleted. Post your words as a new comment instead";

#[derive(Debug, Default, serde::Deserialize)]
pub struct ReplyQuery {
    #[serde(default)]
    pub reply_to: String,
}

/// `GET /t/<id>/comments/new[?reply_to=<comment>]`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<ReplyQuery>,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    access.group.permit(&ctx, Action::Participate)?;
    if access.thread.is_closed() {
        return Err(AppError::NotFound);
    }
    let parent = reply_target(&state, &ctx, &access, &query.reply_to).await?;
    let attaching = Attaching::empty(&state, &access.group.group.id).await?;
    render(
        &ctx,
        &state,
        &access,
        parent,
        String::new(),
        FormErrors::new(),
        attaching,
        false,
    )
    .await
}

/// `POST /t/<id>/comments`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    let permit = access.group.permit(&ctx, Action::Participate)?;
    let viewer = ctx.require_viewer()?;
    let body = form.text("body").to_string();
    let mut errors = check_comment(&body);
    // A comment deleted while the reply was written: the words are kept, to post on their own.
    let parent = match reply_target(&state, &ctx, &access, form.text("reply_to")).await {
        Err(AppError::NotFound) => {
            errors.add("body", PARENT_GONE);
            None
        }
        found => found?,
    };
    if access.thread.is_closed() {
        errors.add(
            "body",
            "This thread has been closed, so it takes no new comments",
        );
    }
    let attaching = Attaching::take(
        &state,
        &ctx,
        &access.group.group.id,
        Target::New { thread: Some(&id) },
        &form,
        &mut errors,
    )
    .await?;
    if !errors.is_empty() || wants_preview(&form) {
        let preview = wants_preview(&form);
        return render(
            &ctx, &state, &access, parent, body, errors, attaching, preview,
        )
        .await;
    }
    let comment_id = new_content_id()?;
    let claims = attaching.claims();
    let posted = state
        .store
        .post_comment(
            &permit,
            &NewComment {
                id: &comment_id,
                thread_id: &id,
                author_id: &viewer.account_id,
                reply_to: parent.as_ref().map(|p| p.id.as_str()),
                body: body.trim_end(),
                now: unix_now(),
                attachments: &claims,
            },
            &mentions(&body),
        )
        .await?;
    state.mailer.wake();
    match posted {
        Ok(_) => {
            let posted = state
                .store
                .comment(&access.read_permit(&ctx)?, &comment_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let href = comment_href(&state, &access, &posted, "?done=commented").await?;
            Ok(see_other(&href))
        }
        Err(problem) => {
            let mut errors = FormErrors::new();
            let (message, parent) = match problem {
                CommentProblem::ThreadClosed => (
                    "This thread has been closed, so it takes no new comments",
                    parent,
                ),
                CommentProblem::ParentGone => (PARENT_GONE, None),
            };
            errors.add("body", message);
            render(
                &ctx, &state, &access, parent, body, errors, attaching, false,
            )
            .await
        }
    }
}

/// `GET /t/<id>/comments/<comment>`: sends the reader to the page of the thread the comment is
/// on (links in emails and search results use this, since pages shift as people reply).
pub async fn go_to(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, comment_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    let comment = state
        .store
        .comment(&access.read_permit(&ctx)?, &comment_id)
        .await?
        .filter(|c| c.thread_id == id)
        .ok_or(AppError::NotFound)?;
    Ok(see_other(
        &comment_href(&state, &access, &comment, "").await?,
    ))
}

/// The address of a comment on its page of the thread, with `query` (such as `?done=…`).
pub async fn comment_href(
    state: &AppState,
    access: &ThreadAccess,
    comment: &Comment,
    query: &str,
) -> Result<String, AppError> {
    let before = state.store.comments_before(comment).await?;
    let page = before / COMMENTS_PER_PAGE + 1;
    let base = format!("{}{query}", access.href());
    Ok(page_href(
        &base,
        page,
        &format!("#{}", comment_anchor(&comment.id)),
    ))
}

/// The comment replied to, when `reply_to` names one of this thread that can take replies.
async fn reply_target(
    state: &AppState,
    ctx: &Ctx,
    access: &ThreadAccess,
    reply_to: &str,
) -> Result<Option<Comment>, AppError> {
    if reply_to.is_empty() {
        return Ok(None);
    }
    let comment = state
        .store
        .comment(&access.read_permit(ctx)?, reply_to)
        .await?
        .filter(|c| c.thread_id == access.thread.id && !c.deleted)
        .ok_or(AppError::NotFound)?;
    Ok(Some(comment))
}

#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one form, each kept as sent"
)]
async fn render(
    ctx: &Ctx,
    state: &AppState,
    access: &ThreadAccess,
    parent: Option<Comment>,
    body: String,
    errors: FormErrors,
    attaching: Attaching,
    preview: bool,
) -> Result<Response, AppError> {
    let title = match &parent {
        Some(p) => format!("Reply to {}", p.author_name),
        None => "Add a comment".to_string(),
    };
    let handle = match &ctx.viewer {
        Some(v) => state.store.mention_handle(&v.account_id).await?,
        None => None,
    };
    let crumbs = access.crumbs(&title);
    let action = format!("{}/comments", access.href());
    let thread_title = access.thread.title.clone();
    let members = format!("{}/members", access.group.href());
    let status = crate::pages::form_status(!errors.is_empty());
    let has_errors = !errors.is_empty();
    let own = handle
        .map(|h| format!(" Your own handle is @{h}."))
        .unwrap_or_default();
    let hint = format!(
        "{MARKDOWN_HINT} To mention a member, type @ and their handle, like @ada-lovelace; they get an email.{own}"
    );
    let quoted = parent.as_ref().map(|p| {
        let excerpt = markdown::plain_text(&p.body, 400);
        let who = format!("{} wrote:", p.author_name);
        view! {
            <h2>"The comment you are replying to"</h2>
            <p>{who}</p>
            <blockquote class="q-quote">{excerpt}</blockquote>
        }
    });
    let reply_to = parent.map(|p| p.id).unwrap_or_default();
    let back = access.href();
    Ok(html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title.clone() has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=title caption=thread_title/>
                    {quoted}
                    {(preview && !has_errors).then(|| view! {
                        <Preview heading="Preview of your comment" source=body.clone() level=2/>
                        <AttachmentList files=attaching.files.clone()/>
                    })}
                    <Form action=action files=true>
                        <input type="hidden" name="reply_to" value=reply_to/>
                        <Textarea name="body" label="Your comment" hint=hint value=body.clone()
                            error=errors.for_field("body") rows=8 max_chars=COMMENT_MAX/>
                        <p class="q-hint"><a href=members>"Members and their handles"</a></p>
                        <AttachFields attaching=attaching.clone() errors=errors.clone()/>
                        <div class="q-button-group">
                            <Button text="Post comment"/>
                            <Button text="Preview" style=ButtonStyle::Secondary name="intent" value="preview"/>
                        </div>
                    </Form>
                    <p><a href=back>"Back to the thread"</a></p>
                </Page>
            }
        }),
    ))
}
