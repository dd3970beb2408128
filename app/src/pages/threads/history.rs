//! `/t/<id>/history` and `/t/<id>/comments/<comment>/history`: every version of a thread or a
//! comment, newest first, for anyone who can read the thread. Each version is a section with a
//! heading naming it and its time, and the text as it was.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::ThreadAccess;
use crate::AppState;
use crate::domain::markdown;
use crate::domain::time::{format_utc, iso_utc};
use crate::pages::{AppError, Ctx, html};
use crate::store::Version;
use crate::ui::{NavArea, Page, PageHeading, render_document};

/// `GET /t/<id>/history`.
pub async fn thread(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    let versions = state
        .store
        .thread_versions(&access.read_permit(&ctx)?, &id)
        .await?;
    Ok(render(&ctx, &access, "Thread history", versions, true))
}

/// `GET /t/<id>/comments/<comment>/history`.
pub async fn comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, comment_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    let permit = access.read_permit(&ctx)?;
    let comment = state
        .store
        .comment(&permit, &comment_id)
        .await?
        .filter(|c| c.thread_id == id && !c.deleted)
        .ok_or(AppError::NotFound)?;
    let versions = state.store.comment_versions(&permit, &comment_id).await?;
    let title = format!("History of the comment by {}", comment.author_name);
    Ok(render(&ctx, &access, &title, versions, false))
}

fn render(
    ctx: &Ctx,
    access: &ThreadAccess,
    title: &str,
    versions: Vec<Version>,
    with_titles: bool,
) -> Response {
    let title = title.to_string();
    let crumbs = access.crumbs(&title);
    let caption = access.thread.title.clone();
    let newest = versions.first().map(|v| v.version).unwrap_or(0);
    let lead = match versions.len() {
        1 => "There is one version: it has not been edited.".to_string(),
        n => format!("{n} versions, newest first."),
    };
    let sections = versions
        .into_iter()
        .map(|v| {
            let heading = if v.version == newest {
                format!("Version {} (current), by {}, ", v.version, v.editor_name)
            } else {
                format!("Version {}, by {}, ", v.version, v.editor_name)
            };
            let body = markdown::render(&v.body, 2);
            let version_title =
                (with_titles).then(|| view! { <p><strong>"Title: "</strong>{v.title.clone()}</p> });
            view! {
                <section class="q-version">
                    <h2>{heading}<time datetime=iso_utc(v.at)>{format_utc(v.at)}</time></h2>
                    {version_title}
                    <div class="q-prose" inner_html=body></div>
                </section>
            }
        })
        .collect_view();
    let back = access.href();
    html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title.clone() area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=title caption=caption lead=lead/>
                    {sections}
                    <p><a href=back>"Back to the thread"</a></p>
                </Page>
            }
        }),
    )
}
