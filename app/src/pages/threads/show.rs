//! `/t/<id>`: a thread. The page is an `article`: the title (`h1`), who started it and when, its
//! context, then "Comments" (`h2`) with one `article` and heading (`h3`) per comment, naming its
//! author and time in `<time datetime>`, and its replies under it (`h4`). Comments come 25 a
//! page with numbered pages; a returning reader gets "Jump to first unread". Members get the
//! comment form at the foot of every page.
//!
//! Opening a page records which comments the reader has now seen. This is the one change a
//! GET makes: it only concerns the reader, repeating it changes nothing, and a forged request
//! could at most mark comments as read.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{MARKDOWN_HINT, ThreadAccess, comment_anchor};
use crate::AppState;
use crate::domain::markdown;
use crate::domain::permissions::Action;
use crate::domain::polls::PollKind;
use crate::domain::threads::{COMMENT_MAX, COMMENTS_PER_PAGE, Reaction};
use crate::domain::time::{format_utc, iso_utc};
use crate::pages::attachments::{AttachFields, Attaching, AttachmentList};
use crate::pages::{AppError, Ctx, html};
use crate::store::{Attachment, Comment, ReactionCount, unix_now};
use crate::ui::{
    Button, ButtonStyle, Crumb, Form, NavArea, Page, Pagination, SuccessBanner, Textarea,
    render_document,
};

#[derive(Debug, Default, serde::Deserialize)]
pub struct ThreadQuery {
    #[serde(default)]
    pub done: String,
    #[serde(default)]
    pub page: Option<String>,
}

/// The status messages a redirect back to the thread can show.
fn done_message(key: &str) -> Option<&'static str> {
    Some(match key {
        "started" => "Your thread has been started.",
        "commented" => "Your comment has been posted.",
        "edited" => "Your changes have been saved.",
        "comment-deleted" => "The comment has been deleted.",
        "closed" => "The thread is closed. No one can comment until it is reopened.",
        "reopened" => "The thread is open again.",
        "pinned" => "The thread is pinned to the top of the group\u{2019}s threads.",
        "unpinned" => "The thread is no longer pinned.",
        "moved" => "The thread has been moved.",
        "reacted" => "Your reaction has been saved.",
        "restored" => "The thread has been restored.",
        "volume" => "Your notification setting for this thread is saved.",
        _ => return None,
    })
}

/// The page number asked for: a whole number from 1, or 1 for anything else.
pub fn page_number(text: Option<&str>) -> i64 {
    text.and_then(|p| p.parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// What a person may do with the comments on the page.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommentPowers {
    /// Comment, reply and react (a member, thread open).
    pub participate: bool,
    pub edit_own: bool,
    pub delete_own: bool,
    /// Edit anyone's comment.
    pub edit_any: bool,
    /// Delete anyone's comment.
    pub delete_any: bool,
}

impl CommentPowers {
    fn of(access: &ThreadAccess) -> Self {
        let open = !access.thread.is_closed();
        let can = |action| access.group.can(action);
        Self {
            participate: open && can(Action::Participate),
            edit_own: open && can(Action::EditOwnComments),
            delete_own: can(Action::DeleteOwnComments),
            edit_any: open && can(Action::EditMembersContent),
            delete_any: can(Action::Moderate),
        }
    }
}

/// Everything the page shows, loaded before rendering.
struct ThreadPage {
    access: ThreadAccess,
    comments: Vec<Comment>,
    reactions: HashMap<String, Vec<ReactionCount>>,
    /// Files of the comments on the page, by comment id, and of the thread's context.
    files: HashMap<String, Vec<Attachment>>,
    context_files: Vec<Attachment>,
    /// The comment form's file fields, for a member.
    attaching: Option<Attaching>,
    page: i64,
    pages: i64,
    total: i64,
    /// The link to the first unread comment and how many are unread, for a returning reader.
    unread: Option<(String, i64)>,
    viewer_id: Option<String>,
    viewer_handle: Option<String>,
    powers: CommentPowers,
    can_change: bool,
    can_moderate: bool,
    /// Admins reopen any thread; authors only one they closed themselves.
    can_reopen: bool,
    /// The thread's polls, newest first, and whether the person may start one.
    polls: Vec<crate::store::PollListing>,
    can_start_poll: bool,
    /// About how large the printable version is to download, in KB.
    print_kb: i64,
    done: Option<&'static str>,
}

/// `GET /t/<id>`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<ThreadQuery>,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    let permit = access.read_permit(&ctx)?;
    let page = page_number(query.page.as_deref());
    let viewer_id = ctx.viewer.as_ref().map(|v| v.account_id.clone());
    let store = &state.store;
    // What the page shows does not depend on itself: asked for at once, so that the database
    // answers them side by side (PostgreSQL's round trips overlap, SQLite's connections each
    // work on their own thread). A page past the last is refused once the count is known.
    let participant = viewer_id
        .as_deref()
        .filter(|_| access.group.can(Action::Participate));
    let (totals, comments, ranges, thread_files, polls, viewer_handle) = tokio::try_join!(
        store.comment_total(&permit, &id),
        store.comments_page(
            &permit,
            &id,
            (page - 1).saturating_mul(COMMENTS_PER_PAGE),
            COMMENTS_PER_PAGE
        ),
        async {
            match &viewer_id {
                Some(viewer) => store.read_ranges(&permit, &id, viewer).await.map(Some),
                None => Ok(None),
            }
        },
        store.thread_attachments(&id),
        store.thread_polls(&permit, &id),
        async {
            match participant {
                Some(viewer) => store.mention_handle(viewer).await,
                None => Ok(None),
            }
        },
    )?;
    let (places, total) = (totals.places, totals.comments);
    let context_length = i64::try_from(access.thread.context.chars().count()).unwrap_or(i64::MAX);
    let print_kb = crate::domain::threads::print_size_kb(
        totals.text_length.saturating_add(context_length),
        totals.places,
    );
    let pages = crate::ui::page_count(places, COMMENTS_PER_PAGE);
    if page > pages {
        return Err(AppError::NotFound);
    }
    let ids: Vec<String> = comments.iter().map(|c| c.id.clone()).collect();
    let first_unread = async {
        let Some(ranges) = ranges.as_ref().filter(|r| !r.is_empty()) else {
            return Ok(None);
        };
        let seq = access.thread.comment_seq;
        let Some(first) = store.first_unread(&permit, &id, seq, ranges).await? else {
            return Ok(None);
        };
        let (count, href) = tokio::try_join!(
            async {
                store
                    .unread_count(&permit, &id, seq, ranges)
                    .await
                    .map_err(AppError::from)
            },
            super::compose::comment_href(&state, &access, &first, ""),
        )?;
        Ok::<_, AppError>(Some((href, count)))
    };
    let (given, unread) = tokio::try_join!(
        async {
            store
                .reactions(&permit, &ids, viewer_id.as_deref())
                .await
                .map_err(AppError::from)
        },
        first_unread,
    )?;
    let mut reactions: HashMap<String, Vec<ReactionCount>> = HashMap::new();
    for r in given {
        reactions.entry(r.comment_id.clone()).or_default().push(r);
    }
    if let (Some(viewer), Some(ranges)) = (&viewer_id, &ranges) {
        // Only what is new to the reader is written: a page read again costs no write.
        let seen: Vec<i64> = comments
            .iter()
            .map(|c| c.seq)
            .filter(|seq| !ranges.contains(*seq))
            .collect();
        // An operator reading under a support grant leaves no trace but the audit line.
        if !seen.is_empty() && !access.group.support {
            // The page is what the reader came for: a read mark the busy database cannot take
            // now is left for their next visit rather than failing the page.
            let marked = store
                .mark_read(&permit, &id, viewer, &seen, unix_now())
                .await;
            match marked {
                Err(error) if error.is_busy() => {
                    tracing::warn!(cause = %error, "comments were not marked read: the database is busy");
                }
                other => other?,
            }
        }
        // Seeing the thread reads what one was told of it; nothing is written when nothing
        // is unread.
        let unread_notices = ctx
            .viewer
            .as_ref()
            .is_some_and(|v| v.unread_notifications > 0);
        if unread_notices && !access.group.support {
            let marked = store
                .mark_thread_notifications_read(viewer, &id, unix_now())
                .await;
            match marked {
                Err(error) if error.is_busy() => {
                    tracing::warn!(cause = %error, "notifications were not marked read: the database is busy");
                }
                other => other?,
            }
        }
    }
    let powers = CommentPowers::of(&access);
    let mut files: HashMap<String, Vec<Attachment>> = HashMap::new();
    let mut context_files = Vec::new();
    for file in thread_files {
        match (file.part.as_str(), &file.comment_id) {
            ("context", _) => context_files.push(file),
            ("comment", Some(comment)) if ids.contains(comment) => {
                files.entry(comment.clone()).or_default().push(file);
            }
            _ => {}
        }
    }
    let attaching = powers.participate.then(|| Attaching::blank(&state));
    let can_start_poll = access.group.can(Action::StartPoll) && !access.thread.is_closed();
    let data = ThreadPage {
        print_kb,
        polls,
        can_start_poll,
        can_change: access.can_change(&ctx),
        can_moderate: access.group.can(Action::Moderate),
        can_reopen: access.group.can(Action::Moderate)
            || (access.is_author(&ctx)
                && access.thread.closed_by.is_some()
                && access.thread.closed_by == viewer_id),
        access,
        comments,
        reactions,
        files,
        context_files,
        attaching,
        page,
        pages,
        total,
        unread,
        viewer_id,
        viewer_handle,
        powers,
        done: done_message(&query.done),
    };
    let document = render_document(&ctx.page(), move || thread_page(data));
    Ok(html(StatusCode::OK, document))
}

fn thread_page(data: ThreadPage) -> impl IntoView {
    let thread = data.access.thread.clone();
    let href = data.access.href();
    let mut crumbs = data.access.group_crumbs();
    crumbs.push(Crumb::current(thread.title.clone()));
    let title = if data.page > 1 {
        format!("{} (page {})", thread.title, data.page)
    } else {
        thread.title.clone()
    };
    let started = format!("Started by {} on ", thread.author_name);
    let started_at = (iso_utc(thread.created_at), format_utc(thread.created_at));
    let context = (!thread.context.trim().is_empty()).then(|| {
        let rendered = markdown::render(&thread.context, 1);
        view! { <div class="q-prose" inner_html=rendered></div> }
    });
    let edited = (thread.version > 1).then(|| {
        let versions = thread.version;
        view! {
            <p class="q-meta">
                {format!("Edited {}. ", thread.edited_at.map(format_utc).unwrap_or_default())}
                <a href=format!("{href}/history")>{format!("Thread history ({versions} versions)")}</a>
            </p>
        }
    });
    let status = thread_status(&data);
    let context_files = data.context_files.clone();
    let tools = thread_tools(&data);
    let comments_heading = match data.total {
        0 => "No comments yet.".to_string(),
        1 => "1 comment.".to_string(),
        n if data.pages > 1 => format!("{n} comments. Page {} of {}.", data.page, data.pages),
        n => format!("{n} comments."),
    };
    let unread = data.unread.clone().map(|(link, count)| {
        let text = if count == 1 {
            "1 unread comment.".to_string()
        } else {
            format!("{count} unread comments.")
        };
        view! { <p>{text} " " <a href=link>"Jump to first unread"</a></p> }
    });
    let list = comment_list(&data);
    let pagination = view! {
        <Pagination href=href.clone() page=data.page pages=data.pages label="Pages of comments" fragment="#comments"/>
    };
    let form = comment_form(&data);
    let decisions = decisions(&data);
    let group_name = data.access.group.group.name.clone();
    view! {
        <Page title=title area=NavArea::Groups breadcrumbs=crumbs>
            <SuccessBanner message=data.done.map(Into::into)/>
            <article class="q-thread" aria-labelledby="thread-title">
                <p class="q-caption">{group_name}</p>
                <h1 class="q-heading-xl" id="thread-title">{thread.title.clone()}</h1>
                <p class="q-meta">{started}<time datetime=started_at.0>{started_at.1}</time></p>
                {status}
                {context}
                <AttachmentList files=context_files/>
                {edited}
                {tools}
                {decisions}
                <h2 id="comments">"Comments"</h2>
                <p>{comments_heading}</p>
                {unread}
                {list}
                {pagination}
                {form}
            </article>
        </Page>
    }
}

/// Closed, pinned and members-only, in words.
fn thread_status(data: &ThreadPage) -> Option<AnyView> {
    let thread = &data.access.thread;
    let mut notes = Vec::new();
    if thread.pinned_at.is_some() {
        notes.push("Pinned to the top of the group\u{2019}s threads.".to_string());
    }
    if thread.private && data.access.group.group.privacy() == crate::domain::groups::Privacy::Open {
        notes.push("Only members can read this thread.".to_string());
    }
    if let Some(closed) = thread.closed_at {
        notes.push(format!(
            "Closed on {}. No one can comment or react until it is reopened.",
            format_utc(closed)
        ));
    }
    (!notes.is_empty()).then(|| {
        let items = notes
            .into_iter()
            .map(|n| view! { <p>{n}</p> })
            .collect_view();
        view! { <div class="q-inset">{items}</div> }.into_any()
    })
}

/// The thread's own tools: edit, close, pin, move, delete, print.
fn thread_tools(data: &ThreadPage) -> AnyView {
    let href = data.access.href();
    let thread = &data.access.thread;
    let title = thread.title.clone();
    let of = |text: &str| {
        view! { {text.to_string()}<span class="q-visually-hidden">{format!(" \u{2013} {title}")}</span> }
    };
    let mut links = Vec::new();
    if data.can_change && !thread.is_closed() {
        links.push(
            view! { <li><a href=format!("{href}/edit")>{of("Edit the thread")}</a></li> }
                .into_any(),
        );
    }
    if data.can_moderate {
        links.push(
            view! { <li><a href=format!("{href}/move")>{of("Move to another group")}</a></li> }
                .into_any(),
        );
    }
    if data.can_change {
        links.push(
            view! { <li><a href=format!("{href}/delete")>{of("Delete the thread")}</a></li> }
                .into_any(),
        );
    }
    // The whole thread is one page to print, however long: its size is said before it is
    // fetched, for people on slow or metered connections.
    let print = format!("Printable version, about {} KB", data.print_kb);
    links.push(view! { <li><a href=format!("{href}/print")>{of(&print)}</a></li> }.into_any());
    if data.viewer_handle.is_some() {
        links.push(
            view! { <li><a href=format!("{href}/notifications")>{of("Notifications for this thread")}</a></li> }
                .into_any(),
        );
    }
    let may_toggle = if thread.is_closed() {
        data.can_reopen
    } else {
        data.can_change
    };
    let buttons = may_toggle.then(|| {
        let (close_path, close_text) = if thread.is_closed() {
            ("reopen", "Reopen the thread")
        } else {
            ("close", "Close the thread")
        };
        let pin = data.can_moderate.then(|| {
            let (path, text) = if thread.pinned_at.is_some() {
                ("unpin", "Unpin the thread")
            } else {
                ("pin", "Pin the thread")
            };
            view! {
                <Form action=format!("{href}/{path}") label=text>
                    <Button text=text style=ButtonStyle::Secondary/>
                </Form>
            }
        });
        view! {
            <div class="q-button-group">
                <Form action=format!("{href}/{close_path}") label=close_text>
                    <Button text=close_text style=ButtonStyle::Secondary/>
                </Form>
                {pin}
            </div>
        }
    });
    view! {
        <ul class="q-list q-list--inline">{links}</ul>
        {buttons}
    }
    .into_any()
}

/// The comments of the page, each reply inside the comment it answers when both are here.
fn comment_list(data: &ThreadPage) -> Option<AnyView> {
    if data.comments.is_empty() {
        return None;
    }
    let mut items: Vec<AnyView> = Vec::new();
    let mut i = 0;
    while i < data.comments.len() {
        let comment = &data.comments[i];
        let mut j = i + 1;
        if comment.parent_id.is_none() {
            while j < data.comments.len()
                && data.comments[j].parent_id.as_deref() == Some(comment.id.as_str())
            {
                j += 1;
            }
        }
        let replies: Vec<AnyView> = data.comments[i + 1..j]
            .iter()
            .map(|reply| comment_view(data, reply, 4))
            .collect();
        let replies =
            (!replies.is_empty()).then(|| view! { <div class="q-replies">{replies}</div> });
        items.push(
            view! {
                <div class="q-comment-group">{comment_view(data, comment, 3)}{replies}</div>
            }
            .into_any(),
        );
        i = j;
    }
    Some(items.into_view().into_any())
}

/// One comment: an `article` headed by its author and time.
fn comment_view(data: &ThreadPage, comment: &Comment, level: u8) -> AnyView {
    let anchor = comment_anchor(&comment.id);
    let heading_id = format!("{anchor}-heading");
    let when = (iso_utc(comment.created_at), format_utc(comment.created_at));
    let heading_text = if comment.deleted {
        "Deleted comment".to_string()
    } else {
        format!("{}, ", comment.author_name)
    };
    let time =
        (!comment.deleted).then(|| view! { <time datetime=when.0.clone()>{when.1.clone()}</time> });
    let heading = if level == 3 {
        view! { <h3 id=heading_id.clone() class="q-comment__heading">{heading_text}{time}</h3> }
            .into_any()
    } else {
        view! { <h4 id=heading_id.clone() class="q-comment__heading">{heading_text}{time}</h4> }
            .into_any()
    };
    if comment.deleted {
        return view! {
            <article class="q-comment q-comment--deleted" id=anchor aria-labelledby=heading_id>
                {heading}
                <p>"This comment was deleted."</p>
            </article>
        }
        .into_any();
    }
    // A reply whose comment is on an earlier page says which comment it answers.
    let in_reply = (level == 3)
        .then_some(comment.parent_id.as_ref())
        .flatten()
        .map(|_| match &comment.parent_author_name {
            Some(parent) => format!("the comment by {parent}"),
            None => "a deleted comment".to_string(),
        })
        .map(|parent| {
            let parent_href = format!(
                "{}/comments/{}",
                super::thread_href(&comment.thread_id),
                comment.parent_id.clone().unwrap_or_default()
            );
            view! { <p class="q-meta">"In reply to " <a href=parent_href>{parent}</a></p> }
        });
    let body = markdown::render(&comment.body, level);
    let edited = comment.edited_at.map(|at| {
        let history = format!(
            "{}/comments/{}/history",
            super::thread_href(&comment.thread_id),
            comment.id
        );
        view! {
            <p class="q-meta">
                {format!("Edited {}. ", format_utc(at))}
                <a href=history>"History"<span class="q-visually-hidden">{format!(" of comment {}, by {}", comment.seq, comment.author_name)}</span></a>
            </p>
        }
    });
    let reactions = reactions_view(data, comment);
    let actions = comment_actions(data, comment);
    let files = data.files.get(&comment.id).cloned().unwrap_or_default();
    view! {
        <article class="q-comment" id=anchor aria-labelledby=heading_id>
            {heading}
            {in_reply}
            <div class="q-prose" inner_html=body></div>
            <AttachmentList files=files/>
            {edited}
            {reactions}
            {actions}
        </article>
    }
    .into_any()
}

/// The reactions given, in words, and (for members) a disclosure with a button per reaction.
fn reactions_view(data: &ThreadPage, comment: &Comment) -> Option<AnyView> {
    let given = data.reactions.get(&comment.id).cloned().unwrap_or_default();
    let summary: Vec<String> = Reaction::ALL
        .into_iter()
        .filter_map(|r| {
            given
                .iter()
                .find(|g| g.kind == r.as_str())
                .map(|g| format!("{} {}", r.label(), g.count))
        })
        .collect();
    let summary = (!summary.is_empty()).then(|| {
        let items = Reaction::ALL
            .into_iter()
            .filter_map(|r| given.iter().find(|g| g.kind == r.as_str()).map(|g| (r, g.count)))
            .map(|(r, count)| {
                view! { <li><span aria-hidden="true">{r.emoji()}" "</span>{format!("{} {count}", r.label())}</li> }
            })
            .collect_view();
        view! { <ul class="q-reactions" aria-label="Reactions">{items}</ul> }
    });
    let picker = data.powers.participate.then(|| {
        let action = format!(
            "{}/comments/{}/react",
            super::thread_href(&comment.thread_id),
            comment.id
        );
        let buttons = Reaction::ALL
            .into_iter()
            .map(|r| {
                let mine = given.iter().any(|g| g.kind == r.as_str() && g.mine);
                let pressed = if mine { "true" } else { "false" };
                view! {
                    <button type="submit" class="q-button q-button--secondary q-reaction" name="reaction"
                        value=r.as_str() aria-pressed=pressed>
                        <span aria-hidden="true">{r.emoji()}" "</span>{r.label()}
                    </button>
                }
            })
            .collect_view();
        view! {
            <details class="q-details">
                <summary>"React"<span class="q-visually-hidden">{format!(" to comment {}, by {}", comment.seq, comment.author_name)}</span></summary>
                <crate::ui::Form action=action label=format!("Reactions to comment {}, by {}", comment.seq, comment.author_name)>
                    <div class="q-button-group">{buttons}</div>
                </crate::ui::Form>
            </details>
        }
    });
    if summary.is_none() && picker.is_none() {
        return None;
    }
    Some(view! { {summary}{picker} }.into_any())
}

/// Reply, edit and delete links a person may use on a comment.
fn comment_actions(data: &ThreadPage, comment: &Comment) -> Option<AnyView> {
    let base = format!(
        "{}/comments/{}",
        super::thread_href(&comment.thread_id),
        comment.id
    );
    let own = data.viewer_id.is_some() && data.viewer_id == comment.author_id;
    // Each link names its comment by number as well as author, so that no two links on the
    // page say the same and lead to different places (WCAG 2.4.9).
    let whose = if own {
        format!(" your comment, number {}", comment.seq)
    } else {
        format!(" comment {}, by {}", comment.seq, comment.author_name)
    };
    let mut links = Vec::new();
    if data.powers.participate {
        links.push(view! {
            <li><a href=format!("{}/comments/new?reply_to={}", super::thread_href(&comment.thread_id), comment.id)>
                "Reply"<span class="q-visually-hidden">{format!(" to{whose}")}</span></a></li>
        }.into_any());
    }
    if (own && data.powers.edit_own) || data.powers.edit_any {
        links.push(view! {
            <li><a href=format!("{base}/edit")>"Edit"<span class="q-visually-hidden">{whose.clone()}</span></a></li>
        }.into_any());
    }
    if (own && data.powers.delete_own) || data.powers.delete_any {
        links.push(view! {
            <li><a href=format!("{base}/delete")>"Delete"<span class="q-visually-hidden">{whose.clone()}</span></a></li>
        }.into_any());
    }
    (!links.is_empty()).then(|| view! { <ul class="q-list q-list--inline">{links}</ul> }.into_any())
}

/// The form at the foot of the page: for members while the thread is open.
fn comment_form(data: &ThreadPage) -> Option<AnyView> {
    if data.access.thread.is_closed() {
        return Some(
            view! { <p>"This thread is closed, so it takes no new comments."</p> }.into_any(),
        );
    }
    if !data.powers.participate {
        let group = data.access.group.href();
        let name = data.access.group.group.name.clone();
        return Some(match data.viewer_id {
            None => {
                let next: String =
                    form_urlencoded::byte_serialize(data.access.href().as_bytes()).collect();
                view! { <p><a href=format!("/sign-in?next={next}")>"Sign in to take part"</a>" if you are a member of " {name} "."</p> }
                    .into_any()
            }
            Some(_) => view! { <p>"Only members of " <a href=group>{name}</a> " can comment."</p> }
                .into_any(),
        });
    }
    let action = format!("{}/comments", data.access.href());
    let members = format!("{}/members", data.access.group.href());
    let own = data
        .viewer_handle
        .clone()
        .map(|h| format!(" Your own handle is @{h}."))
        .unwrap_or_default();
    let hint = format!(
        "{MARKDOWN_HINT} To mention a member, type @ and their handle, like @ada-lovelace; they get an email.{own}"
    );
    let attaching = data.attaching.clone().unwrap_or_default();
    view! {
        <h2 id="add-comment">"Add a comment"</h2>
        <Form action=action files=true>
            <Textarea name="body" label="Your comment" hint=hint rows=6 max_chars=COMMENT_MAX/>
            <p class="q-hint"><a href=members>"Members and their handles"</a></p>
            <AttachFields attaching=attaching errors=Default::default()/>
            <div class="q-button-group">
                <Button text="Post comment"/>
                <Button text="Preview" style=ButtonStyle::Secondary name="intent" value="preview"/>
            </div>
        </Form>
    }
    .into_any()
    .into()
}

/// The thread's polls, each with its kind, state and turnout, and "Start a poll" for those who
/// may. Shown only when there is something to list or do.
fn decisions(data: &ThreadPage) -> Option<impl IntoView + use<>> {
    if data.polls.is_empty() && !data.can_start_poll {
        return None;
    }
    let now = unix_now();
    let items = data
        .polls
        .iter()
        .map(|p| {
            let kind = PollKind::parse(&p.kind).map_or("Poll", PollKind::label);
            let state = if p.closed_at.is_some() || p.closes_at <= now {
                "closed"
            } else {
                "open"
            };
            let voted = match p.voted {
                1 => "1 vote".to_string(),
                n => format!("{n} votes"),
            };
            let href = crate::pages::polls::poll_href(&p.id);
            view! { <li><a href=href>{p.title.clone()}</a>" " <span class="q-meta">{format!("{kind}, {state}, {voted}")}</span></li> }
        })
        .collect_view();
    let list = (!data.polls.is_empty()).then(|| view! { <ul class="q-list">{items}</ul> });
    let start = data.can_start_poll.then(|| {
        let href = format!("{}/polls/new", data.access.href());
        view! { <p><a href=href>"Start a poll"</a></p> }
    });
    Some(view! {
        <h2 id="decisions">"Decisions"</h2>
        {list}
        {start}
    })
}
