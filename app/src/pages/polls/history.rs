//! `/p/<id>/history`: every version of a poll, newest first, for anyone who can read it, as
//! `threads/history.rs` shows a thread's. Each version is a section whose heading says which
//! version, what made it (started, edited, reopened), who and when; then the title, closing
//! time, details, options and counting as they were. Ballots and results are never shown here,
//! so hidden results stay hidden and a secret ballot stays secret.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{PollAccess, noun};
use crate::AppState;
use crate::domain::markdown;
use crate::domain::polls::{PollKind, PollRules, Template};
use crate::domain::time::zones;
use crate::domain::time::{format_utc, iso_utc};
use crate::pages::{AppError, Ctx, html};
use crate::store::{PollVersion, VersionChange};
use crate::ui::{NavArea, Page, PageHeading, render_document};

/// `GET /p/<id>/history`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    let versions = state.store.poll_versions(&access.read, &id).await?;
    Ok(render(&ctx, &access, versions))
}

/// How a poll's options are counted, in a sentence, for the kinds that have a choice in it.
pub fn counting_in_words(
    kind: PollKind,
    template: Option<Template>,
    rules: &PollRules,
) -> Option<String> {
    match kind {
        PollKind::Proposal => template.map(|t| format!("How people respond: {}.", t.label())),
        PollKind::Choose if rules.min_choices == rules.max_choices => Some(format!(
            "Each person chooses {} {}.",
            rules.min_choices,
            if rules.min_choices == 1 {
                "option"
            } else {
                "options"
            }
        )),
        PollKind::Choose => Some(format!(
            "Each person chooses from {} to {} options.",
            rules.min_choices, rules.max_choices
        )),
        PollKind::Score => Some(format!(
            "People score each option from {} to {}.",
            rules.score_min, rules.score_max
        )),
        PollKind::DotVote => Some(format!("Each person shares out {} dots.", rules.dot_total)),
        PollKind::Ranked => Some(format!("Counted by {}.", rules.method.label())),
        PollKind::Count => Some(format!(
            "The target is {} {}.",
            rules.count_target,
            if rules.count_target == 1 {
                "person"
            } else {
                "people"
            }
        )),
        PollKind::SenseCheck | PollKind::Question | PollKind::Meeting => None,
    }
}

fn render(ctx: &Ctx, access: &PollAccess, versions: Vec<PollVersion>) -> Response {
    let title = format!("History of the {}", noun(access.poll.kind));
    let crumbs = access.crumbs("History");
    let caption = access.poll.title.clone();
    let newest = versions.first().map(|v| v.version).unwrap_or(0);
    let lead = match versions.len() {
        1 => "There is one version: it has not been changed.".to_string(),
        n => format!("{n} versions, newest first."),
    };
    let kind = access.poll.kind;
    let zone = access.zone.clone();
    let sections = versions
        .into_iter()
        .map(|v| {
            let what = match v.change {
                VersionChange::Started => "started",
                VersionChange::Edited => "edited",
                VersionChange::Reopened => "reopened",
            };
            let current = if v.version == newest {
                " (current)"
            } else {
                ""
            };
            let heading = format!(
                "Version {}{current}: {what} by {}, ",
                v.version, v.editor_name
            );
            let closes = format!(
                "Closing time: {}",
                zones::format_in_zone(v.closes_at, &zone)
            );
            let details = (!v.details.trim().is_empty()).then(|| {
                let html = markdown::render(&v.details, 2);
                view! { <div class="q-prose" inner_html=html></div> }
            });
            let options = (!v.options.is_empty()).then(|| {
                let items = v
                    .options
                    .iter()
                    .map(|o| view! { <li>{o.clone()}</li> })
                    .collect_view();
                view! { <p><strong>"Options:"</strong></p><ul class="q-list">{items}</ul> }
            });
            let counting =
                counting_in_words(kind, v.template, &v.rules).map(|c| view! { <p>{c}</p> });
            view! {
                <section class="q-version">
                    <h2>{heading}<time datetime=iso_utc(v.at)>{format_utc(v.at)}</time></h2>
                    <p><strong>"Title: "</strong>{v.title.clone()}</p>
                    <p>{closes}</p>
                    {details}
                    {options}
                    {counting}
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
                    <p><a href=back>"Back to the poll"</a></p>
                </Page>
            }
        }),
    )
}
