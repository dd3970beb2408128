//! `/dashboard`: a signed-in person's own groups and what happened in them lately.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::groups::{ActivityList, ActivityQuery, group_href};
use super::{AppError, Ctx, html};
use crate::AppState;
use crate::ui::{ButtonLink, Crumb, NavArea, Page, PageHeading, SuccessBanner, render_document};

const TITLE: &str = "Your groups";
/// How many lines of activity the dashboard shows.
const ACTIVITY_SHOWN: i64 = 20;

/// `GET /dashboard`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ActivityQuery>,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let groups = state.store.groups_of(&viewer.account_id).await?;
    let cursor = crate::store::ActivityCursor::parse(&query.before);
    let later = cursor.is_some();
    let activity = state
        .store
        .activity_for(&viewer.account_id, cursor.as_ref(), ACTIVITY_SHOWN)
        .await?;
    let done = (query.done == "left").then_some("You have left the group.");
    let lead = match groups.len() {
        0 => "You are not in any group yet. Create one, or find an open group to join.".to_string(),
        1 => "You are in 1 group.".to_string(),
        n => format!("You are in {n} groups."),
    };
    let names = super::groups::distinct_names(&groups);
    let items = groups
        .into_iter()
        .zip(names)
        .map(|(group, name)| {
            let role = if group.role == "admin" {
                "Admin"
            } else {
                "Member"
            };
            let detail = match &group.parent_name {
                Some(parent) => format!("{role}. A subgroup of {parent}."),
                None => format!("{role}."),
            };
            view! {
                <li><a href=group_href(&group.handle)>{name}</a> " " {detail}</li>
            }
        })
        .collect_view();
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::current(TITLE)];
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=TITLE area=NavArea::Dashboard breadcrumbs=crumbs>
                    <SuccessBanner message=done.map(Into::into)/>
                    <PageHeading text=TITLE lead=lead/>
                    <ul class="q-list">{items}</ul>
                    <ButtonLink href="/groups/new" text="Create a group"/>
                    <p><a href="/groups">"Find an open group"</a></p>
                    <h2 id="activity">"Recent activity in your groups"</h2>
                    <ActivityList page=activity in_group=true href="/dashboard" later=later/>
                </Page>
            }
        }),
    ))
}
