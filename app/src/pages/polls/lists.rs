//! `/p/<id>/votes` and `/p/<id>/not-voted`: the whole of the two lists the poll page starts
//! (it shows the first [`super::show::SHOWN_HERE`] of each), a hundred to a page, so that a poll of 10,000
//! voters never makes a page of 10,000 lines.
//!
//! Who may see them is who may see them on the poll page: the votes only while its results are
//! shown to this person (hidden results stay hidden, and a secret ballot lists reasons alone,
//! with no name); those who have not voted to members only. Anyone else, and a page number
//! past the end, gets "not found".

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::PollAccess;
use super::show::votes_list;
use crate::AppState;
use crate::domain::grouped;
use crate::pages::threads::show::page_number;
use crate::pages::{AppError, Ctx, html};
use crate::ui::{NavArea, Page, PageHeading, Pagination, page_count, render_document};

/// Names or votes a page.
const PER_PAGE: i64 = 100;

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub page: Option<String>,
}

/// `GET /p/<id>/votes`.
pub async fn votes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    let voted = match (&ctx.viewer, access.vote_permit(&ctx)) {
        (Some(viewer), Ok(permit)) => {
            state
                .store
                .has_voted(&permit, &id, &viewer.account_id)
                .await?
        }
        _ => false,
    };
    if !access.poll.hide_results.shows(voted, access.is_closed()) {
        return Err(AppError::NotFound);
    }
    let total = state
        .store
        .shown_ballot_count(&access.read, &id, access.poll.anonymous)
        .await?;
    let (page, pages) = page_of(query.page.as_deref(), total)?;
    let ballots = state
        .store
        .shown_ballots(&access.read, &id, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let poll = &access.poll;
    let (title, lead) = match (poll.anonymous, total) {
        (true, 1) => (
            "Reasons given",
            "1 reason given. This is a secret ballot: reasons are shown without names.".to_string(),
        ),
        (true, n) => (
            "Reasons given",
            format!(
                "{} reasons given, in no particular order. This is a secret ballot: reasons are shown without names.",
                grouped(n)
            ),
        ),
        (false, 1) => ("Votes", "1 vote.".to_string()),
        (false, n) => ("Votes", format!("{} votes, newest first.", grouped(n))),
    };
    let list = votes_list(&ballots, &poll.rules, &access.labels());
    Ok(render(
        &ctx,
        &access,
        Listing {
            heading: title,
            lead,
            path: "votes",
            pages_label: "Pages of votes",
            list: list.map(IntoAny::into_any),
        },
        (page, pages),
    ))
}

/// `GET /p/<id>/not-voted`.
pub async fn not_voted(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    access.vote_permit(&ctx)?;
    let total = state.store.not_voted_count(&access.read, &id).await?;
    let (page, pages) = page_of(query.page.as_deref(), total)?;
    let names = state
        .store
        .not_voted(&access.read, &id, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let lead = match total {
        0 => "Everyone who can vote has voted.".to_string(),
        1 => "1 person who can vote has not voted yet.".to_string(),
        n => format!(
            "{} people who can vote have not voted yet, in alphabetical order.",
            grouped(n)
        ),
    };
    let list = (!names.is_empty()).then(|| {
        let items = names
            .into_iter()
            .map(|n| view! { <li>{n}</li> })
            .collect_view();
        view! { <ul class="q-list">{items}</ul> }.into_any()
    });
    Ok(render(
        &ctx,
        &access,
        Listing {
            heading: "Not voted yet",
            lead,
            path: "not-voted",
            pages_label: "Pages of names",
            list,
        },
        (page, pages),
    ))
}

/// The page asked for and how many there are; a page past the end is not found.
fn page_of(asked: Option<&str>, total: i64) -> Result<(i64, i64), AppError> {
    let pages = page_count(total, PER_PAGE);
    let page = page_number(asked);
    if page > pages {
        return Err(AppError::NotFound);
    }
    Ok((page, pages))
}

/// One of the two lists, as the page shows it.
struct Listing {
    heading: &'static str,
    lead: String,
    /// After `/p/<id>/`.
    path: &'static str,
    /// Names the pagination's navigation.
    pages_label: &'static str,
    list: Option<AnyView>,
}

fn render(ctx: &Ctx, access: &PollAccess, listing: Listing, (page, pages): (i64, i64)) -> Response {
    let Listing {
        heading,
        lead,
        path,
        pages_label,
        list,
    } = listing;
    let title = if page > 1 {
        format!("{heading} (page {page})")
    } else {
        heading.to_string()
    };
    let crumbs = access.crumbs(heading);
    let caption = access.poll.title.clone();
    let here = format!("{}/{path}", access.href());
    let back = access.href();
    html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title.clone() area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=title caption=caption lead=lead/>
                    {list}
                    <Pagination href=here page=page pages=pages label=pages_label/>
                    <p><a href=back>"Back to the poll"</a></p>
                </Page>
            }
        }),
    )
}
