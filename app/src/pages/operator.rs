//! `/operator`: the instance page for the people who run this Quorum (`quorum operator add`).
//! Counts of people and groups and the health of the outbox: no content, and no group's name,
//! so a private group stays private from operators too. Everyone else, signed in or not, gets
//! "not found", as for a page that does not exist.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{AppError, Ctx, html};
use crate::AppState;
use crate::domain::grouped;
use crate::store::unix_now;
use crate::ui::{Crumb, NavArea, Page, PageHeading, Table, render_document};

const TITLE: &str = "Instance overview";

/// `GET /operator`.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let viewer = ctx.viewer.as_ref().ok_or(AppError::NotFound)?;
    if !state.store.is_operator(&viewer.account_id).await? {
        return Err(AppError::NotFound);
    }
    let figures = state.store.instance_figures().await?;
    let oldest = figures
        .oldest_queued_at
        .map_or_else(|| "None waiting".to_string(), |at| age(unix_now() - at));
    let rows = vec![
        vec!["People".to_string(), grouped(figures.people)],
        vec!["Groups".to_string(), grouped(figures.groups)],
    ];
    let mail = vec![
        vec![
            "Waiting to be sent".to_string(),
            grouped(figures.mail_queued),
        ],
        vec![
            "Given up on after three days".to_string(),
            grouped(figures.mail_failed),
        ],
        vec!["Oldest waiting".to_string(), oldest],
    ];
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Your account", "/account"),
        Crumb::current(TITLE),
    ];
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=TITLE area=NavArea::Account breadcrumbs=crumbs.clone()>
                    <PageHeading text=TITLE lead="For the people who run this Quorum. Groups\u{2019} content is not shown here: a group\u{2019}s admins can grant support access from its settings when they want help."/>
                    <Table caption="People and groups" head=vec!["What".into(), "How many".into()]
                        rows=rows.clone() row_headers=true numeric=vec![1]/>
                    <Table caption="Email" head=vec!["Email".into(), "How many".into()]
                        rows=mail.clone() row_headers=true numeric=vec![1]/>
                </Page>
            }
        }),
    ))
}

/// How long ago, in the largest whole unit: "3 minutes", "2 hours", "1 day".
fn age(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (count, unit) = match seconds {
        s if s < 60 => (s, "second"),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural} ago")
}

#[cfg(test)]
mod tests {
    use super::age;

    #[test]
    fn ages_are_said_in_the_largest_whole_unit() {
        assert_eq!(age(0), "0 seconds ago");
        assert_eq!(age(61), "1 minute ago");
        assert_eq!(age(7300), "2 hours ago");
        assert_eq!(age(86_400 * 3), "3 days ago");
    }
}
