//! `/g/<handle>`: a group's page. Everyone who may see the group gets its name, description
//! and how to join; those who may read its content get its subgroups; members get its tools
//! and recent activity.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{ActivityList, ActivityQuery, GroupAccess, group_href};
use crate::AppState;
use crate::domain::markdown;
use crate::domain::permissions::{Action, Decision, Relation, decide};
use crate::pages::{AppError, Ctx, html};
use crate::store::{ActivityCursor, ActivityPage, GroupListing};
use crate::ui::{
    Button, ButtonLink, ButtonStyle, Crumb, Form, NavArea, Page, PageHeading, SuccessBanner,
    render_document,
};

/// The status messages a redirect back to the group can show, in one place.
fn done_message(key: &str) -> Option<&'static str> {
    Some(match key {
        "created" => "Your group has been created. You are its admin.",
        "joined" => "You have joined the group.",
        "asked" => "Your request has been sent. An admin will look at it.",
        "settings" => "The group\u{2019}s settings have been saved.",
        _ => return None,
    })
}

/// How many threads the group page lists (the rest are on the threads page).
const THREADS_SHOWN: i64 = 5;

/// How many lines of activity the group page shows.
const ACTIVITY_SHOWN: i64 = 10;

/// What the page shows beyond the group's own settings.
struct Extras {
    threads: Option<(Vec<crate::store::ThreadListing>, i64)>,
    /// Polls open now, closing soonest first.
    /// With when each closes, in the person's time zone.
    decisions: Vec<(crate::store::PollListing, String)>,
    subgroups: Option<Vec<GroupListing>>,
    /// A page of activity, and whether it is a later one.
    activity: Option<(ActivityPage, bool)>,
    waiting_requests: Option<i64>,
}

/// `GET /g/<handle>`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    Query(query): Query<ActivityQuery>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let viewer_id = ctx.viewer.as_ref().map(|v| v.account_id.clone());
    let subgroups = match access.permit(&ctx, Action::ViewContent) {
        Ok(permit) if access.group.parent_id.is_none() => {
            Some(state.store.subgroups(&permit, viewer_id.as_deref()).await?)
        }
        _ => None,
    };
    let activity = match access.permit(&ctx, Action::ViewMembers) {
        Ok(permit) => {
            let viewer = viewer_id.as_deref().unwrap_or_default();
            let cursor = ActivityCursor::parse(&query.before);
            let content = access.can(Action::ViewContent);
            let page = state
                .store
                .group_activity(&permit, viewer, content, cursor.as_ref(), ACTIVITY_SHOWN)
                .await?;
            Some((page, cursor.is_some()))
        }
        Err(_) => None,
    };
    let waiting_requests = match access.permit(&ctx, Action::ReviewRequests) {
        Ok(permit) => Some(state.store.waiting_request_count(&permit).await?),
        Err(_) => None,
    };
    let mut decisions = Vec::new();
    let threads = match access.permit(&ctx, Action::ViewContent) {
        Ok(permit) => {
            let zone = crate::pages::polls::viewer_zone(&ctx);
            decisions = state
                .store
                .open_polls(&permit, crate::store::unix_now(), THREADS_SHOWN)
                .await?
                .into_iter()
                .map(|p| {
                    let closes = crate::domain::time::zones::format_in_zone(p.closes_at, &zone);
                    (p, closes)
                })
                .collect();
            let (mut threads, total) = state
                .store
                .threads_page(&permit, viewer_id.as_deref(), 0, THREADS_SHOWN)
                .await?;
            crate::pages::threads::list::count_unread(&state, &ctx, &access, &mut threads).await?;
            Some((threads, total))
        }
        Err(_) => None,
    };
    let extras = Extras {
        threads,
        decisions,
        subgroups,
        activity,
        waiting_requests,
    };
    let done = done_message(&query.done);
    let page = render_document(&ctx.page(), move || group_page(access, extras, done));
    Ok(html(StatusCode::OK, page))
}

fn group_page(access: GroupAccess, extras: Extras, done: Option<&'static str>) -> impl IntoView {
    let group = &access.group;
    let mut crumbs = vec![Crumb::link("Home", "/")];
    if let Some((handle, name)) = access.visible_parent() {
        crumbs.push(Crumb::link(name, group_href(handle)));
    }
    crumbs.push(Crumb::current(group.name.clone()));
    let kind = format!(
        "{} group. {}.",
        group.privacy().label(),
        group.join_mode().label()
    );
    let caption = access
        .visible_parent()
        .map(|(_, parent)| format!("Subgroup of {parent}"));
    let description = (!group.description.is_empty()).then(|| {
        let rendered = markdown::render(&group.description, 2);
        view! {
            <h2>"About this group"</h2>
            <div class="q-prose" inner_html=rendered></div>
        }
    });
    let joining = joining(&access);
    let tools = tools(&access, extras.waiting_requests);
    let subgroups = extras.subgroups.filter(|s| !s.is_empty()).map(|subgroups| {
        let items = subgroups
            .into_iter()
            .map(|s| view! { <li><a href=group_href(&s.handle)>{s.name}</a></li> })
            .collect_view();
        view! { <h2>"Subgroups"</h2><ul class="q-list">{items}</ul> }
    });
    let decisions = (!extras.decisions.is_empty()).then(|| {
        let items = extras
            .decisions
            .iter()
            .map(|(p, closes)| {
                let kind = crate::domain::polls::PollKind::parse(&p.kind)
                    .map_or("Poll", crate::domain::polls::PollKind::label);
                view! {
                    <li>
                        <a href=crate::pages::polls::poll_href(&p.id)>{p.title.clone()}</a>
                        " " <span class="q-meta">{format!("{kind}, closes {closes}")}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <h2>"Open decisions"</h2><ul class="q-list">{items}</ul> }
    });
    let threads = extras
        .threads
        .map(|(threads, total)| threads_section(&access, threads, total));
    let href = access.href();
    let activity = extras.activity.map(|(page, later)| {
        view! {
            <h2 id="activity">"Recent activity"</h2>
            <ActivityList page=page in_group=false href=href later=later/>
        }
    });
    let title = group.name.clone();
    view! {
        <Page title=title.clone() area=NavArea::Groups breadcrumbs=crumbs>
            <SuccessBanner message=done.map(Into::into)/>
            {match caption {
                Some(caption) => view! { <PageHeading text=title lead=kind caption=caption/> }.into_any(),
                None => view! { <PageHeading text=title lead=kind/> }.into_any(),
            }}
            {description}
            {joining}
            {decisions}
            {threads}
            {tools}
            {subgroups}
            {activity}
        </Page>
    }
}

/// The latest threads, with links to all of them, to start one and to search the group.
fn threads_section(
    access: &GroupAccess,
    threads: Vec<crate::store::ThreadListing>,
    total: i64,
) -> AnyView {
    use crate::pages::threads::list::{ThreadList, ThreadListProps};
    let href = access.href();
    let name = access.group.name.clone();
    let start = access.can(Action::StartThread).then(|| {
        view! { <ButtonLink href=format!("{href}/threads/new") text="Start a thread"/> }
    });
    let list = (!threads.is_empty()).then(|| ThreadList(ThreadListProps { threads, level: 3 }));
    let all = match total {
        0 => view! { <p>"No threads yet."</p> }.into_any(),
        n => view! {
            <p><a href=format!("{href}/threads")>{format!("All threads ({n})")}<span class="q-visually-hidden">{format!(" in {name}")}</span></a></p>
        }
        .into_any(),
    };
    let search = format!("/search?group={}", access.group.handle);
    view! {
        <h2>"Threads"</h2>
        {start}
        {list}
        {all}
        <p><a href=search>"Search this group"<span class="q-visually-hidden">{format!(" in {}", access.group.name)}</span></a></p>
    }
    .into_any()
}

/// How the person can join, or why they cannot, for everyone who is not a member.
fn joining(access: &GroupAccess) -> Option<AnyView> {
    let rules = access.group.rules();
    let name = access.group.name.clone();
    let href = access.href();
    let sign_in = |then: &str| {
        let next: String = form_urlencoded::byte_serialize(href.as_bytes()).collect();
        let text = format!("Sign in to {then}");
        view! { <ButtonLink href=format!("/sign-in?next={next}") text=text/> }.into_any()
    };
    let view = match access.relation {
        Relation::Member | Relation::Admin => return None,
        Relation::Requester => view! {
            <p>"You have asked to join. An admin will look at your request."</p>
        }
        .into_any(),
        relation => {
            if decide(&rules, relation, Action::Join) == Decision::Allow {
                view! {
                    <Form action=format!("{href}/join") label="Join">
                        <Button text=format!("Join {name}")/>
                    </Form>
                }
                .into_any()
            } else if decide(&rules, relation, Action::Join) == Decision::SignInFirst {
                sign_in("join")
            } else if decide(&rules, relation, Action::AskToJoin) == Decision::Allow {
                view! { <ButtonLink href=format!("{href}/ask") text=format!("Ask to join {name}")/> }
                    .into_any()
            } else if decide(&rules, relation, Action::AskToJoin) == Decision::SignInFirst {
                sign_in("ask to join")
            } else {
                view! { <p>"People join this group by invitation from its members."</p> }.into_any()
            }
        }
    };
    Some(view! { <h2>"Membership"</h2>{view} }.into_any())
}

/// The links to what a member may do with the group.
fn tools(access: &GroupAccess, waiting_requests: Option<i64>) -> Option<AnyView> {
    if !access.can(Action::Leave) {
        return None;
    }
    let href = access.href();
    let name = access.group.name.clone();
    let top_level = access.group.parent_id.is_none();
    let requests = waiting_requests.map(|count| match count {
        0 => "Requests to join (none waiting)".to_string(),
        1 => "Requests to join (1 waiting)".to_string(),
        n => format!("Requests to join ({n} waiting)"),
    });
    let links: Vec<(String, String)> = [
        (Action::ViewMembers, "/members", Some("Members".to_string())),
        (
            Action::Invite,
            "/invitations",
            Some("Invite people".to_string()),
        ),
        (Action::ReviewRequests, "/requests", requests),
        (
            Action::EditSettings,
            "/settings",
            Some("Settings".to_string()),
        ),
        (
            Action::ViewContent,
            "/subgroups",
            Some("Subgroups".to_string()),
        ),
    ]
    .into_iter()
    .filter(|(action, path, _)| access.can(*action) && (*path != "/subgroups" || top_level))
    .filter_map(|(_, path, text)| text.map(|text| (format!("{href}{path}"), text)))
    .collect();
    // The group's name, hidden visually, makes each link's text enough on its own (WCAG 2.4.9).
    let of_group = format!(" \u{2013} {name}");
    let items = links
        .into_iter()
        .map(|(href, text)| {
            view! { <li><a href=href>{text}<span class="q-visually-hidden">{of_group.clone()}</span></a></li> }
        })
        .collect_view();
    let role = if access.relation == Relation::Admin {
        "You are an admin of this group."
    } else {
        "You are a member of this group."
    };
    Some(
        view! {
            <h2>"Your membership"</h2>
            <p>{role}</p>
            <ul class="q-list">{items}</ul>
            <ButtonLink href=format!("{href}/leave") text=format!("Leave {name}") style=ButtonStyle::Secondary/>
        }
        .into_any(),
    )
}
