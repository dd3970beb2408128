//! Threads and their comments: `/g/<handle>/threads…` for a group's list and new threads, and
//! `/t/<id>…` for a thread itself, so that its address stays the same when it moves to another
//! group.
//!
//! Every handler under `/t/<id>` starts with [`ThreadAccess::load`]: the thread, its group and
//! how the person stands with it, or "not found" unless they may read it (a private thread only
//! by members). Changes then ask for a permit: `Moderate` (admins) reaches any thread or
//! comment of the group; `Participate` reaches a person's own thread, and the store's
//! statements check the author.

pub mod comments;
pub mod compose;
pub mod edit;
pub mod history;
pub mod list;
pub mod manage;
pub mod new;
pub mod print;
pub mod show;

use leptos::prelude::*;

use super::groups::GroupAccess;
use super::{AppError, Ctx};
use crate::AppState;
use crate::domain::markdown;
use crate::domain::permissions::{Action, Permit};
use crate::store::Thread;
use crate::ui::Crumb;

/// A thread and the person's access to its group, once they may read it.
#[derive(Debug, Clone)]
pub struct ThreadAccess {
    pub thread: Thread,
    pub group: GroupAccess,
}

impl ThreadAccess {
    /// The thread `id` if the person may read it; otherwise "not found", as for an id no
    /// thread has.
    pub async fn load(state: &AppState, ctx: &Ctx, id: &str) -> Result<Self, AppError> {
        let thread = state
            .store
            .thread_by_id(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let group = state
            .store
            .group_by_id(&thread.group_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let group = GroupAccess::for_group(state, ctx, group).await?;
        let access = Self { thread, group };
        access.read_permit(ctx)?;
        Ok(access)
    }

    /// The permit to read this thread: any reader of the group's content for a public thread,
    /// members for a private one; and an operator under a support grant either (reading only).
    pub fn read_permit(&self, ctx: &Ctx) -> Result<Permit, AppError> {
        if let Some(permit) = self.group.support_read_permit() {
            return Ok(permit);
        }
        let action = if self.thread.private {
            Action::Participate
        } else {
            Action::ViewContent
        };
        self.group
            .permit(ctx, action)
            .map_err(|_| AppError::NotFound)
    }

    /// Whether the person signed in wrote the thread.
    pub fn is_author(&self, ctx: &Ctx) -> bool {
        match (&ctx.viewer, &self.thread.author_id) {
            (Some(viewer), Some(author)) => &viewer.account_id == author,
            _ => false,
        }
    }

    /// The permit to change the thread (edit, close, move, delete): an admin's `Moderate`, or
    /// the author's own `Participate`; "not found" for anyone else.
    pub fn change_permit(&self, ctx: &Ctx) -> Result<Permit, AppError> {
        if let Ok(permit) = self.group.permit(ctx, Action::Moderate) {
            return Ok(permit);
        }
        if self.is_author(ctx) {
            return self.group.permit(ctx, Action::Participate);
        }
        Err(AppError::NotFound)
    }

    pub fn can_change(&self, ctx: &Ctx) -> bool {
        self.change_permit(ctx).is_ok()
    }

    pub fn href(&self) -> String {
        thread_href(&self.thread.id)
    }

    /// Breadcrumbs to the thread (a link), then `current`.
    pub fn crumbs(&self, current: &str) -> Vec<Crumb> {
        let mut crumbs = self.group_crumbs();
        crumbs.push(Crumb::link(self.thread.title.clone(), self.href()));
        crumbs.push(Crumb::current(current));
        crumbs
    }

    /// Breadcrumbs to the thread's group (a link).
    pub fn group_crumbs(&self) -> Vec<Crumb> {
        let mut crumbs = vec![Crumb::link("Home", "/")];
        if let Some((handle, name)) = self.group.visible_parent() {
            crumbs.push(Crumb::link(name, super::groups::group_href(handle)));
        }
        crumbs.push(Crumb::link(
            self.group.group.name.clone(),
            self.group.href(),
        ));
        crumbs
    }
}

pub fn thread_href(id: &str) -> String {
    format!("/t/{id}")
}

/// The id an element of a comment starts with: `comment-<id>`.
pub fn comment_anchor(id: &str) -> String {
    format!("comment-{id}")
}

/// Whether the form was sent with its "Preview" button.
pub fn wants_preview(form: &super::FormData) -> bool {
    form.text("intent") == "preview"
}

/// A preview of markdown as it will be shown: a region with a heading, above the form.
#[component]
pub fn Preview(
    /// Names the preview, such as "Preview of your comment".
    heading: &'static str,
    #[prop(optional, into)] title: Option<String>,
    source: String,
    /// The heading level the preview's heading takes.
    level: u8,
) -> impl IntoView {
    let rendered = markdown::render(&source, level);
    let empty = source.trim().is_empty();
    let heading = match level {
        1 | 2 => view! { <h2 id="preview">{heading}</h2> }.into_any(),
        _ => view! { <h3 id="preview">{heading}</h3> }.into_any(),
    };
    view! {
        <section class="q-preview" aria-labelledby="preview">
            {heading}
            <p class="q-hint">"This is how it will look. It is not saved until you post it."</p>
            {title.map(|t| view! { <p class="q-preview__title"><strong>{t}</strong></p> })}
            {if empty {
                view! { <p>"(Nothing written yet.)"</p> }.into_any()
            } else {
                view! { <div class="q-prose" inner_html=rendered></div> }.into_any()
            }}
        </section>
    }
}

/// The hint under every box that takes markdown.
pub const MARKDOWN_HINT: &str = "You can use Markdown: *italic*, **bold**, [a link](https://example.org), lists, quotes and headings.";
