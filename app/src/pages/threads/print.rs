//! `/t/<id>/print`: the whole thread on one page, every comment in reading order, for printing
//! or saving. No forms and no links but back to the thread; the print style sheet hides the
//! site's header and navigation.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::ThreadAccess;
use crate::AppState;
use crate::domain::markdown;
use crate::domain::time::{format_utc, iso_utc};
use crate::pages::{AppError, Ctx, html};
use crate::ui::{NavArea, Page, render_document};

/// `GET /t/<id>/print`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    let permit = access.read_permit(&ctx)?;
    let comments = state.store.all_comments(&permit, &id).await?;
    let thread = access.thread.clone();
    let crumbs = access.crumbs("Printable version");
    let title = format!("{} (printable version)", thread.title);
    let count = match comments.len() {
        1 => "1 comment".to_string(),
        n => format!("{n} comments"),
    };
    let context = markdown::render(&thread.context, 1);
    let items = comments
        .into_iter()
        .map(|c| {
            let level = if c.parent_id.is_some() { 4 } else { 3 };
            let who = if c.deleted {
                "Deleted comment".to_string()} else if let Some(parent) = &c.parent_author_name {
                format!("{} (reply to {parent}), ", c.author_name)
            } else if c.parent_id.is_some() {
                format!("{} (reply to a deleted comment), ", c.author_name)
            } else {
                format!("{}, ", c.author_name)
            };
            let time = (!c.deleted).then(|| view! { <time datetime=iso_utc(c.created_at)>{format_utc(c.created_at)}</time> });
            let heading = if level == 3 {
                view! { <h3>{who}{time}</h3> }.into_any()
            } else {
                view! { <h4>{who}{time}</h4> }.into_any()
            };
            let body = if c.deleted {
                "<p>This comment was deleted.</p>".to_string()
            } else {
                markdown::render(&c.body, level)
            };
            let class = if level == 4 { "q-comment q-comment--reply" } else { "q-comment" };
            view! { <article class=class>{heading}<div class="q-prose" inner_html=body></div></article> }
        })
        .collect_view();
    let group = access.group.group.name.clone();
    let back = access.href();
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title area=NavArea::Groups breadcrumbs=crumbs>
                    <article class="q-thread">
                        <p class="q-caption">{group}</p>
                        <h1 class="q-heading-xl">{thread.title.clone()}</h1>
                        <p class="q-meta">
                            {format!("Started by {} on ", thread.author_name)}
                            <time datetime=iso_utc(thread.created_at)>{format_utc(thread.created_at)}</time>
                            {format!(". {count}.")}
                        </p>
                        <div class="q-prose" inner_html=context></div>
                        <h2>"Comments"</h2>
                        {items}
                    </article>
                    <p class="q-no-print"><a href=back>"Back to the thread"</a></p>
                </Page>
            }
        }),
    ))
}
