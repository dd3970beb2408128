//! `/g/<handle>/audit`: the group's audit log, for its admins only (anyone else is told "not
//! found", as for every admin page). Newest first, 50 entries a page, with links to older and
//! newer entries; a plain `GET` form narrows it to one kind of action, and the choice is kept in
//! the page links. Works without JavaScript.
//!
//! Each entry says when (in the reader's time zone), who acted, what they did in words, whom it
//! was done to and a short detail. People are named by their account's name now, or "Deleted
//! account". IP addresses and email hashes, which the log also holds for investigating misuse,
//! are never shown here.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

use super::GroupAccess;
use crate::AppState;
use crate::domain::permissions::Action;
use crate::domain::time::zones;
use crate::domain::validation::FormErrors;
use crate::pages::polls::viewer_zone;
use crate::pages::threads::show::page_number;
use crate::pages::{AppError, Ctx, form_status, html};
use crate::store::{AuditLine, AuditPage};
use crate::ui::{
    Button, ErrorSummary, NavArea, Page, PageHeading, Select, Table, page_href, render_document,
};

const TITLE: &str = "Audit log";
/// Entries a page.
pub const PER_PAGE: i64 = 50;
const ALL_ACTIONS: &str = "All actions";
const UNKNOWN_ACTION: &str = "Choose an action from the list";

/// The group actions the log records, in words, in the order the filter lists them.
pub const ACTIONS: [(&str, &str); 23] = [
    ("group_created", "Created the group"),
    (
        "group_settings_changed",
        "Changed the group\u{2019}s settings",
    ),
    ("group_handle_released", "Released an old address"),
    ("member_role_changed", "Changed a member\u{2019}s role"),
    ("member_removed", "Removed a member"),
    ("join_request_approved", "Approved a request to join"),
    ("join_request_ignored", "Ignored a request to join"),
    ("invitations_sent", "Sent an invitation"),
    ("invitation_resent", "Sent an invitation again"),
    ("invitation_revoked", "Revoked an invitation"),
    ("thread_pinned", "Pinned a thread"),
    ("thread_unpinned", "Unpinned a thread"),
    ("thread_closed", "Closed a member\u{2019}s thread"),
    ("thread_reopened", "Reopened a member\u{2019}s thread"),
    ("thread_edited", "Edited a member\u{2019}s thread"),
    ("thread_moved", "Moved a thread"),
    ("thread_deleted", "Deleted a thread"),
    ("thread_restored", "Restored a thread"),
    ("poll_edited", "Edited a member\u{2019}s poll"),
    ("poll_closed", "Closed a member\u{2019}s poll"),
    ("poll_reopened", "Reopened a member\u{2019}s poll"),
    ("comment_edited", "Edited a member\u{2019}s comment"),
    ("comment_deleted", "Deleted a member\u{2019}s comment"),
];

/// An action in words; one this release does not know is never shown by its code.
pub fn action_words(code: &str) -> &'static str {
    ACTIONS
        .iter()
        .find(|(known, _)| *known == code)
        .map_or("Another action", |(_, words)| words)
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    page: Option<String>,
}

/// `GET /g/<handle>/audit[?action=<code>][&page=<n>]`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::ViewAuditLog)?;
    let action = query.action.trim();
    let known = action.is_empty() || ACTIONS.iter().any(|(code, _)| *code == action);
    let mut errors = FormErrors::new();
    let page = page_number(query.page.as_deref());
    let log = if known {
        let filter = (!action.is_empty()).then_some(action);
        let log = state
            .store
            .audit_page(
                &permit,
                filter,
                (page - 1).saturating_mul(PER_PAGE),
                PER_PAGE,
            )
            .await?;
        if page > 1 && log.lines.is_empty() {
            return Err(AppError::NotFound);
        }
        Some(log)
    } else {
        errors.add("action", UNKNOWN_ACTION);
        None
    };
    let shown = Shown {
        action: if known {
            action.to_string()
        } else {
            String::new()
        },
        page,
        log,
        errors,
    };
    Ok(render(&ctx, &access, shown))
}

struct Shown {
    /// The action the log is narrowed to, or empty for all.
    action: String,
    page: i64,
    /// The entries, unless the filter could not be used.
    log: Option<AuditPage>,
    errors: FormErrors,
}

fn render(ctx: &Ctx, access: &GroupAccess, shown: Shown) -> Response {
    let Shown {
        action,
        page,
        log,
        errors,
    } = shown;
    let zone = viewer_zone(ctx);
    let zone_name = zone.iana_name().unwrap_or("UTC").to_string();
    let filtered = (!action.is_empty()).then(|| action_words(&action));
    let title = match (filtered, page) {
        (None, 1) => TITLE.to_string(),
        (None, n) => format!("{TITLE} (page {n})"),
        (Some(words), 1) => format!("{TITLE}: {words}"),
        (Some(words), n) => format!("{TITLE}: {words} (page {n})"),
    };
    let crumbs = access.crumbs(TITLE);
    let group = access.group.name.clone();
    let here = format!("{}/audit", access.href());
    let base = if action.is_empty() {
        here.clone()
    } else {
        format!("{here}?action={action}")
    };
    let has_errors = !errors.is_empty();
    let status = form_status(has_errors);
    let lead = "Privileged actions in this group: changes to its settings, roles and membership, invitations, requests to join, and moderation. Newest first.";
    let mut options = vec![(String::new(), ALL_ACTIONS.to_string())];
    options.extend(
        ACTIONS
            .iter()
            .map(|(code, words)| ((*code).to_string(), (*words).to_string())),
    );
    let entries = log.map(|log| entries(log, page, &base, &zone, &zone_name, &group, filtered));
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=TITLE caption=group lead=lead/>
                    <form method="get" action=here.clone() novalidate aria-label="Show one kind of action">
                        <Select name="action" label="Action" options=options selected=action.clone()
                            hint="Show only the entries of one kind of action, or all of them."
                            error=errors.for_field("action")/>
                        <Button text="Show"/>
                    </form>
                    {entries}
                </Page>
            }
        }),
    )
}

/// The table of a page of entries and the links to the pages around it.
fn entries(
    log: AuditPage,
    page: i64,
    base: &str,
    zone: &jiff::tz::TimeZone,
    zone_name: &str,
    group: &str,
    filtered: Option<&str>,
) -> AnyView {
    if log.lines.is_empty() {
        let nothing = match filtered {
            Some(_) => "There are no entries of this kind.",
            None => "Nothing has been recorded yet.",
        };
        return view! { <p id="entries">{nothing}</p> }.into_any();
    }
    let first = (page - 1) * PER_PAGE + 1;
    let last = first + i64::try_from(log.lines.len()).unwrap_or(0) - 1;
    let kind = filtered.map_or(String::new(), |words| format!(" ({words})"));
    let caption = format!(
        "Audit log of {group}{kind}, entries {first} to {last}, newest first. Times are in {zone_name}."
    );
    let head = ["When", "Who", "Action", "Done to", "Detail"]
        .map(String::from)
        .to_vec();
    let rows = log.lines.into_iter().map(|line| row(line, zone)).collect();
    let newer = (page > 1).then(|| {
        let href = page_href(base, page - 1, "#entries");
        view! { <li><a href=href rel="prev">"Newer entries"</a></li> }
    });
    let older = log.more.then(|| {
        let href = page_href(base, page + 1, "#entries");
        view! { <li><a href=href rel="next">"Older entries"</a></li> }
    });
    let pages = (newer.is_some() || older.is_some()).then(|| {
        view! {
            <nav class="q-pagination" aria-label="Pages of the audit log">
                <ul class="q-pagination__list">{newer}{older}</ul>
            </nav>
        }
    });
    view! {
        <h2 id="entries">"Entries"</h2>
        <Table caption=caption head=head rows=rows/>
        {pages}
    }
    .into_any()
}

fn row(line: AuditLine, zone: &jiff::tz::TimeZone) -> Vec<String> {
    let none = || "None".to_string();
    vec![
        zones::format_short_in_zone(line.at, zone),
        line.actor_name.unwrap_or_else(none),
        action_words(&line.action).to_string(),
        line.subject_name.unwrap_or_else(none),
        line.detail.filter(|d| !d.is_empty()).unwrap_or_else(none),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_words_and_unknown_codes_are_not_shown() {
        for (code, words) in ACTIONS {
            assert_eq!(action_words(code), words);
            assert!(!words.contains('_'), "{words}");
        }
        assert_eq!(action_words("sign_in_link"), "Another action");
    }
}
