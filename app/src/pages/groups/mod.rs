//! `/groups…` and `/g/<handle>/…`: creating groups, their pages, settings, members, requests
//! to join, invitations and the audit log.
//!
//! Every handler under `/g/<handle>` starts with [`GroupAccess::load`], which answers "not
//! found" unless the person may see the group at all, and then asks
//! [`GroupAccess::permit`] for the action it is about to do. The store only reads or changes
//! group content with the permit that gives, so there is no other way in.
//!
//! Support access: an instance operator who is not a member reads a closed or secret group
//! while one of its admins grants it (`settings/support`). [`GroupAccess::for_group`] then
//! marks the access `support`, and [`GroupAccess::permit`] gives such a reader the two reading
//! permits a member has (`ViewGroup`, `ViewContent`) and nothing else: every other action is
//! decided for their real relation, an outsider's, so they cannot post, vote, join in or change
//! anything, and they are never a member. Private threads (every thread of a closed or secret
//! group) are read with [`permissions::support_read_permit`], a `ViewContent` permit that
//! reaches them, which nothing that writes accepts. Each page read this way writes `support_access_read` to the
//! group's audit log, with the page's path.

pub mod audit;
pub mod directory;
pub mod export;
pub mod invitations;
pub mod members;
pub mod membership;
pub mod new;
pub mod requests;
pub mod settings;
pub mod settings_form;
pub mod show;
pub mod subgroups;
pub mod support;

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{AppError, Ctx, html};
use crate::AppState;
use crate::domain::permissions::{self, Action, Decision, Permit, Relation};
use crate::store::{Group, Role};
use crate::ui::{Crumb, ErrorSummary, NavArea, Page, PageHeading, render_document};

/// A group and how the person asking stands with it, once they may see it.
#[derive(Debug, Clone)]
pub struct GroupAccess {
    pub group: Group,
    pub relation: Relation,
    /// For a subgroup: whether the person may see its parent (a secret parent stays unnamed
    /// to people who are only in the subgroup).
    pub parent_visible: bool,
    /// Read by an operator under the group's support grant (see the module's doc).
    pub support: bool,
}

/// What support access lets an operator do: read, as a member reads.
const SUPPORT_ACTIONS: [Action; 2] = [Action::ViewGroup, Action::ViewContent];

impl GroupAccess {
    /// The group at `/g/<handle>`, if the person asking may see it; otherwise "not found",
    /// exactly as for a handle no group has.
    pub async fn load(state: &AppState, ctx: &Ctx, handle: &str) -> Result<Self, AppError> {
        let group = state
            .store
            .group_by_handle(&handle.to_lowercase())
            .await?
            .ok_or(AppError::NotFound)?;
        Self::for_group(state, ctx, group).await
    }

    /// [`GroupAccess::load`] for a group already read (by id, through something inside it).
    pub async fn for_group(state: &AppState, ctx: &Ctx, group: Group) -> Result<Self, AppError> {
        let relation = match &ctx.viewer {
            None => Relation::SignedOut,
            Some(viewer) => {
                let standing = state.store.standing(&group.id, &viewer.account_id).await?;
                match (standing.role, standing.has_asked) {
                    (Some(Role::Admin), _) => Relation::Admin,
                    (Some(Role::Member), _) => Relation::Member,
                    (None, true) => Relation::Requester,
                    (None, false) => Relation::Outsider,
                }
            }
        };
        let parent_visible = parent_visible(state, ctx, &group).await?;
        let support = support_reader(state, ctx, &group, relation).await?;
        let access = Self {
            group,
            relation,
            parent_visible,
            support,
        };
        access.permit(ctx, Action::ViewGroup)?;
        if support && ctx.reading {
            // The reader is an operator (signed in) whenever `support` holds.
            let reader = ctx.viewer.as_ref().map_or("", |v| v.account_id.as_str());
            crate::pages::sign_in::audit_group_with(
                state,
                "support_access_read",
                reader,
                &access.group.id,
                ctx.ip,
                None,
                Some(&ctx.path),
            )
            .await;
        }
        Ok(access)
    }

    /// A permit for `action`, or the answer to give instead: sign in first when that would
    /// help, "not found" otherwise.
    pub fn permit(&self, ctx: &Ctx, action: Action) -> Result<Permit, AppError> {
        if action == Action::ViewContent
            && let Some(permit) = self.support_read_permit()
        {
            return Ok(permit);
        }
        permissions::permit(
            &self.group.id,
            &self.group.rules(),
            self.relation_for(action),
            action,
        )
        .map_err(|decision| match decision {
            Decision::SignInFirst => AppError::SignInRequired(ctx.path.clone()),
            _ => AppError::NotFound,
        })
    }

    /// The reading permit of an operator under the group's support grant, private threads
    /// included; `None` for everyone else.
    pub fn support_read_permit(&self) -> Option<Permit> {
        self.support
            .then(|| permissions::support_read_permit(&self.group.id))
    }

    /// Whether the person may do `action` now (to decide what to offer on a page).
    pub fn can(&self, action: Action) -> bool {
        permissions::decide(&self.group.rules(), self.relation_for(action), action)
            == Decision::Allow
    }

    /// The relation `action` is decided for: a member's for a support reader's reading,
    /// their own for everything else.
    fn relation_for(&self, action: Action) -> Relation {
        if self.support && SUPPORT_ACTIONS.contains(&action) {
            Relation::Member
        } else {
            self.relation
        }
    }

    /// The group's own URL.
    pub fn href(&self) -> String {
        group_href(&self.group.handle)
    }

    /// The parent's handle and name, when there is one the person may see.
    pub fn visible_parent(&self) -> Option<(&str, &str)> {
        match (&self.group.parent_handle, &self.group.parent_name) {
            (Some(handle), Some(name)) if self.parent_visible => Some((handle, name)),
            _ => None,
        }
    }

    /// Breadcrumbs from the home page to this group (without a link to it when it is the
    /// current page), then a page of it called `current`.
    pub fn crumbs(&self, current: &str) -> Vec<Crumb> {
        let mut crumbs = vec![Crumb::link("Home", "/")];
        if let Some((handle, name)) = self.visible_parent() {
            crumbs.push(Crumb::link(name, group_href(handle)));
        }
        crumbs.push(Crumb::link(self.group.name.clone(), self.href()));
        crumbs.push(Crumb::current(current));
        crumbs
    }
}

/// Whether the person asking reads the group under support access: an operator who is not a
/// member of a closed or secret group that has an active support grant. Open groups are public
/// anyway, and members read as members.
async fn support_reader(
    state: &AppState,
    ctx: &Ctx,
    group: &Group,
    relation: Relation,
) -> Result<bool, AppError> {
    let Some(viewer) = &ctx.viewer else {
        return Ok(false);
    };
    if matches!(relation, Relation::Member | Relation::Admin)
        || group.privacy() == crate::domain::groups::Privacy::Open
    {
        return Ok(false);
    }
    Ok(state
        .store
        .may_read_for_support(&group.id, &viewer.account_id, crate::store::unix_now())
        .await?)
}

/// Whether the person asking may see a subgroup's parent: anyone may see one that is not
/// secret, and only its members a secret one.
async fn parent_visible(state: &AppState, ctx: &Ctx, group: &Group) -> Result<bool, AppError> {
    match (&group.parent_id, group.parent_privacy(), &ctx.viewer) {
        (Some(_), Some(privacy), _) if privacy != crate::domain::groups::Privacy::Secret => {
            Ok(true)
        }
        (Some(parent_id), Some(_), Some(viewer)) => Ok(state
            .store
            .standing(parent_id, &viewer.account_id)
            .await?
            .role
            .is_some()),
        _ => Ok(false),
    }
}

pub fn group_href(handle: &str) -> String {
    format!("/g/{handle}")
}

/// A page of a group made of a heading and a short explanation: used when an action cannot be
/// done for a reason the person can act on (such as being the only admin).
pub fn explain(
    ctx: &Ctx,
    access: &GroupAccess,
    title: &'static str,
    status: StatusCode,
    message: String,
    errors: crate::domain::validation::FormErrors,
) -> Response {
    let crumbs = access.crumbs(title);
    let back = access.href();
    let group_name = access.group.name.clone();
    let has_errors = !errors.is_empty();
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors/>
                    <PageHeading text=title caption=group_name/>
                    <p>{message}</p>
                    <p><a href=back>"Back to the group"</a></p>
                </Page>
            }
        }),
    )
}

/// The name to show for each group of a list: its name, and where two groups of the list share
/// a name (names need not be unique), its handle too, so that each link says which group it
/// leads to (WCAG 2.4.9).
pub fn distinct_names(groups: &[crate::store::GroupListing]) -> Vec<String> {
    groups
        .iter()
        .map(|group| {
            let shared = groups
                .iter()
                .filter(|other| other.name.to_lowercase() == group.name.to_lowercase())
                .count()
                > 1;
            if shared {
                format!("{} ({})", group.name, group.handle)
            } else {
                group.name.clone()
            }
        })
        .collect()
}

/// One line of activity in words, with a link to what it is about. `in_group` names the group
/// too, for lists that mix groups. Link text names the thing itself (a thread's or poll's title,
/// a comment's number and thread), so that a list of links read out of context still says
/// where each leads.
pub fn activity_sentence(activity: &crate::store::Activity, in_group: bool) -> AnyView {
    use crate::pages::{polls::poll_href, threads::thread_href};
    let who = activity.actor_name.clone();
    let quoted =
        |title: &Option<String>| format!("\u{201c}{}\u{201d}", title.as_deref().unwrap_or(""));
    let thread = activity
        .thread_id
        .as_deref()
        .map(thread_href)
        .unwrap_or_default();
    let poll = activity
        .poll_id
        .as_deref()
        .map(poll_href)
        .unwrap_or_default();
    let what = match activity.kind.as_str() {
        "created" => view! { "created the group" }.into_any(),
        "joined" => view! { "joined" }.into_any(),
        "left" => view! { "left" }.into_any(),
        "removed" => view! { "was removed" }.into_any(),
        "settings" => view! { "changed the group\u{2019}s settings" }.into_any(),
        "subgroup" => format!("created the subgroup {}", activity.subject).into_any(),
        "thread" => {
            view! { "started the thread " <a href=thread>{quoted(&activity.thread_title)}</a> }
                .into_any()
        }
        "comment" => {
            let href = format!(
                "{thread}/comments/{}",
                activity.comment_id.as_deref().unwrap_or("")
            );
            let text = format!(
                "comment {} on {}",
                activity.comment_seq.unwrap_or(0),
                quoted(&activity.thread_title)
            );
            view! { "wrote " <a href=href>{text}</a> }.into_any()
        }
        "poll" => {
            let place = format!(" in {}", quoted(&activity.thread_title));
            view! { "started the poll " <a href=poll>{quoted(&activity.poll_title)}</a>{place} }
                .into_any()
        }
        "outcome" => {
            view! { "shared the outcome of " <a href=poll>{quoted(&activity.poll_title)}</a> }
                .into_any()
        }
        other => other.to_string().into_any(),
    };
    let end = if in_group {
        format!(" in {}.", activity.group_name)
    } else {
        ".".to_string()
    };
    view! { {who} " " {what} {end} }.into_any()
}

/// A page of activity, newest first, each line with its time, and links to older lines and
/// back to the newest. `href` is the page the list is on; its heading has the id `activity`.
#[component]
pub fn ActivityList(
    page: crate::store::ActivityPage,
    in_group: bool,
    #[prop(into)] href: String,
    /// Whether this is a later page (it offers a way back to the newest).
    later: bool,
) -> impl IntoView {
    if page.items.is_empty() && !later {
        return view! { <p>"Nothing has happened yet."</p> }.into_any();
    }
    let items = page
        .items
        .into_iter()
        .map(|item| {
            let sentence = activity_sentence(&item, in_group);
            let when = crate::domain::time::format_utc(item.at);
            let iso = crate::domain::time::iso_utc(item.at);
            let href = group_href(&item.group_handle);
            let link = in_group
                .then(|| view! { " " <a href=href>{format!("Go to {}", item.group_name)}</a> });
            view! { <li>{sentence} " " <time datetime=iso>{when}</time>{link}</li> }
        })
        .collect_view();
    let older = page.older.map(|cursor| {
        let older = format!("{href}?before={cursor}#activity");
        view! { <li><a href=older rel="next">"Older activity"</a></li> }
    });
    let newest = later.then(|| {
        let newest = format!("{href}#activity");
        view! { <li><a href=newest>"Newest activity"</a></li> }
    });
    let pages = (older.is_some() || newest.is_some()).then(|| {
        view! {
            <nav class="q-pagination" aria-label="Pages of activity">
                <ul class="q-pagination__list">{newest}{older}</ul>
            </nav>
        }
    });
    view! { <ul class="q-list">{items}</ul>{pages} }.into_any()
}

/// The query of a page with activity: where its list of activity starts.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ActivityQuery {
    #[serde(default)]
    pub before: String,
    #[serde(default)]
    pub done: String,
}

#[cfg(test)]
mod tests {
    use super::distinct_names;
    use crate::store::GroupListing;

    fn listing(name: &str, handle: &str) -> GroupListing {
        GroupListing {
            handle: handle.to_string(),
            name: name.to_string(),
            description: String::new(),
            parent_name: None,
            role: String::new(),
        }
    }

    #[test]
    fn groups_that_share_a_name_are_told_apart_by_their_handles() {
        let groups = [
            listing("Book club", "books"),
            listing("Tenants", "tenants"),
            listing("book club", "books-north"),
        ];
        assert_eq!(
            distinct_names(&groups),
            ["Book club (books)", "Tenants", "book club (books-north)"]
        );
    }
}
