//! `/groups`: the public directory of open groups, a page of 25 at a time, with the way to
//! create a group. Closed and secret groups are never listed.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

use super::group_href;
use crate::AppState;
use crate::domain::markdown;
use crate::pages::{AppError, Ctx, html};
use crate::ui::{ButtonLink, Crumb, NavArea, Page, PageHeading, render_document};

const TITLE: &str = "Groups";
const PAGE_SIZE: i64 = 25;
/// How much of a description the directory shows.
const EXCERPT_CHARS: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
}

/// `GET /groups`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let page = query.page.unwrap_or(1);
    if page < 1 {
        return Err(AppError::NotFound);
    }
    let (groups, total) = state
        .store
        .open_groups((page - 1).saturating_mul(PAGE_SIZE), PAGE_SIZE)
        .await?;
    let pages = crate::ui::page_count(total, PAGE_SIZE);
    if page > pages {
        return Err(AppError::NotFound);
    }
    let names = super::distinct_names(&groups);
    let items = groups
        .into_iter()
        .zip(names)
        .map(|(group, name)| {
            let excerpt = markdown::plain_text(&group.description, EXCERPT_CHARS);
            let parent = group
                .parent_name
                .map(|p| view! { <p>{format!("A subgroup of {p}.")}</p> });
            view! {
                <li class="q-session">
                    <h2 class="q-heading-s"><a href=group_href(&group.handle)>{name}</a></h2>
                    {parent}
                    {(!excerpt.is_empty()).then(|| view! { <p>{excerpt}</p> })}
                </li>
            }
        })
        .collect_view();
    let lead = match total {
        0 => "No open groups yet.".to_string(),
        1 => "1 open group. Anyone can read an open group.".to_string(),
        n => format!("{n} open groups. Anyone can read an open group."),
    };
    let pagination = (pages > 1).then(|| {
        let previous = (page > 1).then(|| view! { <li><a href=format!("/groups?page={}", page - 1) rel="prev">"Previous page"</a></li> });
        let next = (page < pages).then(|| view! { <li><a href=format!("/groups?page={}", page + 1) rel="next">"Next page"</a></li> });
        view! {
            <nav class="q-pagination" aria-label="Pages of groups">
                <p>{format!("Page {page} of {pages}")}</p>
                <ul class="q-pagination__list">{previous}{next}</ul>
            </nav>
        }
    });
    let title = if page > 1 {
        format!("{TITLE} (page {page})")
    } else {
        TITLE.to_string()
    };
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::current(TITLE)];
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=TITLE lead=lead/>
                    <ButtonLink href="/groups/new" text="Create a group"/>
                    <ul class="q-list">{items}</ul>
                    {pagination}
                </Page>
            }
        }),
    ))
}
