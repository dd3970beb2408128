//! `/g/<handle>/threads`: a group's threads that the person may read, pinned first, then the
//! most recently active, 25 a page; each with its comment count and, for a returning reader,
//! how many comments are new.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::show::{ThreadQuery, page_number};
use super::thread_href;
use crate::AppState;
use crate::domain::permissions::Action;
use crate::domain::threads::{ReadRanges, THREADS_PER_PAGE};
use crate::domain::time::{format_utc, iso_utc};
use crate::pages::groups::GroupAccess;
use crate::pages::{AppError, Ctx, html};
use crate::store::ThreadListing;
use crate::ui::{
    ButtonLink, NavArea, Page, PageHeading, Pagination, SuccessBanner, render_document,
};

const TITLE: &str = "Threads";

/// `GET /g/<handle>/threads`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    Query(query): Query<ThreadQuery>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::ViewContent)?;
    let page = page_number(query.page.as_deref());
    let reader = ctx.viewer.as_ref().map(|v| v.account_id.as_str());
    let (threads, total) = state
        .store
        .threads_page(
            &permit,
            reader,
            (page - 1).saturating_mul(THREADS_PER_PAGE),
            THREADS_PER_PAGE,
        )
        .await?;
    let pages = crate::ui::page_count(total, THREADS_PER_PAGE);
    if page > pages {
        return Err(AppError::NotFound);
    }
    let mut threads = threads;
    count_unread(&state, &ctx, &access, &mut threads).await?;
    let done = (query.done == "thread-deleted").then_some("The thread has been deleted.");
    let crumbs = access.crumbs(TITLE);
    let caption = access.group.name.clone();
    let href = access.href();
    let start = access
        .can(Action::StartThread)
        .then(|| view! { <ButtonLink href=format!("{href}/threads/new") text="Start a thread"/> });
    let deleted = access.can(Action::Moderate).then(|| {
        view! { <p><a href=format!("{href}/threads/deleted")>"Deleted threads"</a></p> }
    });
    let title = if page > 1 {
        format!("{TITLE} (page {page})")
    } else {
        TITLE.to_string()
    };
    let lead = match total {
        0 => "No threads yet.".to_string(),
        1 => "1 thread.".to_string(),
        n => format!("{n} threads."),
    };
    let list = ThreadList(ThreadListProps { threads, level: 2 });
    let list_href = format!("{href}/threads");
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title area=NavArea::Groups breadcrumbs=crumbs>
                    <SuccessBanner message=done.map(Into::into)/>
                    <PageHeading text=TITLE caption=caption lead=lead/>
                    {start}
                    {list}
                    <Pagination href=list_href page=page pages=pages label="Pages of threads"/>
                    {deleted}
                </Page>
            }
        }),
    ))
}

/// Fills in how many comments of each thread the reader has not read, for threads they have
/// opened before (comments deleted since are not counted).
pub async fn count_unread(
    state: &AppState,
    ctx: &Ctx,
    access: &GroupAccess,
    threads: &mut [ThreadListing],
) -> Result<(), AppError> {
    let permit = match access.permit(ctx, Action::Participate) {
        Ok(permit) => permit,
        Err(_) => access.permit(ctx, Action::ViewContent)?,
    };
    for thread in threads.iter_mut() {
        let Some(ranges) = thread.ranges.as_deref().map(ReadRanges::parse) else {
            continue;
        };
        thread.unread = state
            .store
            .unread_count(&permit, &thread.id, thread.comment_seq, &ranges)
            .await?;
    }
    Ok(())
}

/// Threads as a list of headed items: title (a link), who started it, when it was last active,
/// its comments, and whether it is pinned, closed or members only.
#[component]
pub fn ThreadList(
    threads: Vec<ThreadListing>,
    /// The level of each thread's heading: 2 on the list page, 3 under a section heading.
    #[prop(default = 2)]
    level: u8,
) -> impl IntoView {
    let items = threads
        .into_iter()
        .map(|t| {
            let mut notes = Vec::new();
            if t.pinned {
                notes.push("Pinned".to_string());
            }
            if t.closed {
                notes.push("Closed".to_string());
            }
            if t.private {
                notes.push("Members only".to_string());
            }
            let comments = match t.comment_count {
                1 => "1 comment".to_string(),
                n => format!("{n} comments"),
            };
            let unread = (t.unread > 0)
                .then(|| format!(", {} new since you last read it", t.unread));
            let notes = (!notes.is_empty()).then(|| format!("{}. ", notes.join(". ")));
            let link = view! { <a href=thread_href(&t.id)>{t.title.clone()}</a> };
            let heading = if level == 2 {
                view! { <h2 class="q-heading-s">{link}</h2> }.into_any()
            } else {
                view! { <h3 class="q-heading-s">{link}</h3> }.into_any()
            };
            view! {
                <li class="q-session">
                    {heading}
                    <p>
                        {notes}
                        {format!("Started by {}. {comments}", t.author_name)}{unread}
                        ". Last active " <time datetime=iso_utc(t.last_activity_at)>{format_utc(t.last_activity_at)}</time> "."
                    </p>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="q-list">{items}</ul> }
}
