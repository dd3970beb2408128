//! `/g/<handle>/subgroups`: the subgroups of a group that the person may see (secret ones only
//! for their members), for everyone who may read the group's content.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{GroupAccess, group_href};
use crate::AppState;
use crate::domain::markdown;
use crate::domain::permissions::Action;
use crate::pages::{AppError, Ctx, html};
use crate::ui::{ButtonLink, NavArea, Page, PageHeading, render_document};

const TITLE: &str = "Subgroups";
/// How much of a description the list shows.
const EXCERPT_CHARS: usize = 200;

/// `GET /g/<handle>/subgroups`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::ViewContent)?;
    let viewer = ctx.viewer.as_ref().map(|v| v.account_id.as_str());
    let subgroups = state.store.subgroups(&permit, viewer).await?;
    let lead = match (access.group.parent_id.is_some(), subgroups.len()) {
        (true, _) => "This is a subgroup itself, so it has no subgroups.".to_string(),
        (false, 0) => "This group has no subgroups yet.".to_string(),
        (false, 1) => "1 subgroup.".to_string(),
        (false, n) => format!("{n} subgroups."),
    };
    let items = subgroups
        .into_iter()
        .map(|group| {
            let excerpt = markdown::plain_text(&group.description, EXCERPT_CHARS);
            view! {
                <li class="q-session">
                    <h2 class="q-heading-s"><a href=group_href(&group.handle)>{group.name}</a></h2>
                    {(!excerpt.is_empty()).then(|| view! { <p>{excerpt}</p> })}
                </li>
            }
        })
        .collect_view();
    let create = access.can(Action::CreateSubgroup).then(|| {
        view! { <ButtonLink href=format!("{}/subgroups/new", access.href()) text="Create a subgroup"/> }
    });
    let crumbs = access.crumbs(TITLE);
    let name = access.group.name.clone();
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=TITLE area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=TITLE caption=name lead=lead/>
                    <ul class="q-list">{items}</ul>
                    {create}
                </Page>
            }
        }),
    ))
}
