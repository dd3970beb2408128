//! Decisions: `/t/<id>/polls/new` starts a poll in a thread, and `/p/<id>…` is the poll
//! itself: its ballot, the "Check your vote" page, results, closing and the outcome, editing
//! it while it is open, its history, reopening it, and the whole lists of votes and of those
//! who have not voted.
//!
//! Every handler under `/p/<id>` starts with [`PollAccess::load`]: the poll is found through its
//! thread, so a person who may not read the thread gets "not found" for the poll too. Voting
//! takes the members' `Participate` permit; editing, closing, reopening and the outcome take the
//! thread-change permit of the author or an admin (`Moderate`), and the store checks the author
//! again.

pub mod ballot;
mod counted;
pub mod edit;
pub mod history;
pub mod lists;
pub mod manage;
pub mod new;
pub mod reopen;
pub mod show;
pub mod vote;

use std::net::IpAddr;

use jiff::tz::TimeZone;

use super::threads::ThreadAccess;
use super::{AppError, Ctx};
use crate::AppState;
use crate::domain::permissions::{Action, Permit};
use crate::domain::polls::PollKind;
use crate::domain::time::zones;
use crate::store::{Poll, unix_now};
use crate::ui::Crumb;

/// A poll and the person's access to its thread, once they may read it.
#[derive(Debug, Clone)]
pub struct PollAccess {
    pub poll: Poll,
    pub thread: ThreadAccess,
    pub read: Permit,
    /// The zone to show times in: the person's own, or UTC when signed out.
    pub zone: TimeZone,
    pub now: i64,
}

impl PollAccess {
    pub async fn load(state: &AppState, ctx: &Ctx, id: &str) -> Result<Self, AppError> {
        let thread_id = state
            .store
            .poll_thread_id(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let thread = ThreadAccess::load(state, ctx, &thread_id).await?;
        let read = thread.read_permit(ctx)?;
        let poll = state
            .store
            .poll(&read, id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(Self {
            poll,
            thread,
            read,
            zone: viewer_zone(ctx),
            now: unix_now(),
        })
    }

    pub fn href(&self) -> String {
        poll_href(&self.poll.id)
    }

    pub fn is_closed(&self) -> bool {
        self.poll.is_closed(self.now)
    }

    /// The members' permit, for voting.
    pub fn vote_permit(&self, ctx: &Ctx) -> Result<Permit, AppError> {
        self.thread.group.permit(ctx, Action::Participate)
    }

    pub fn is_author(&self, ctx: &Ctx) -> bool {
        match (&ctx.viewer, &self.poll.author_id) {
            (Some(viewer), Some(author)) => &viewer.account_id == author,
            _ => false,
        }
    }

    /// Writes the audit line of a change to the poll (`poll_closed`, `poll_reopened`,
    /// `poll_edited`) when an admin made it to someone else's poll; an author changing their
    /// own poll is taking part, not using an admin's power.
    pub async fn audit_change(&self, state: &AppState, ctx: &Ctx, action: &str, ip: IpAddr) {
        let Some(viewer) = ctx.viewer.as_ref().filter(|_| !self.is_author(ctx)) else {
            return;
        };
        let detail = format!("\u{201c}{}\u{201d}", self.poll.title);
        crate::pages::sign_in::audit_group_with(
            state,
            action,
            &viewer.account_id,
            &self.thread.group.group.id,
            ip,
            self.poll.author_id.as_deref(),
            Some(&detail),
        )
        .await;
    }

    /// The permit to edit, close or reopen the poll and write its outcome: an admin's, or the
    /// author's own.
    pub fn change_permit(&self, ctx: &Ctx) -> Result<Permit, AppError> {
        if let Ok(permit) = self.thread.group.permit(ctx, Action::Moderate) {
            return Ok(permit);
        }
        if self.is_author(ctx) {
            return self.thread.group.permit(ctx, Action::Participate);
        }
        Err(AppError::NotFound)
    }

    /// The options' names as this person reads them: a meeting poll's times in their zone.
    pub fn labels(&self) -> Vec<String> {
        self.poll
            .options
            .iter()
            .map(|o| match o.starts_at {
                Some(at) => zones::format_short_in_zone(at, &self.zone),
                None => o.label.clone(),
            })
            .collect()
    }

    /// Breadcrumbs to the poll (a link), then `current`.
    pub fn crumbs(&self, current: &str) -> Vec<Crumb> {
        let mut crumbs = self.thread.group_crumbs();
        crumbs.push(Crumb::link(
            self.thread.thread.title.clone(),
            self.thread.href(),
        ));
        crumbs.push(Crumb::link(self.poll.title.clone(), self.href()));
        crumbs.push(Crumb::current(current));
        crumbs
    }

    /// "Closes on …" or "Closed on …", in the person's zone.
    pub fn status_line(&self) -> String {
        match (self.poll.closed_at, self.is_closed()) {
            (Some(at), _) => format!("Closed {}", zones::format_in_zone(at, &self.zone)),
            (None, true) => format!(
                "Closed {}",
                zones::format_in_zone(self.poll.closes_at, &self.zone)
            ),
            (None, false) => format!(
                "Closes {}",
                zones::format_in_zone(self.poll.closes_at, &self.zone)
            ),
        }
    }
}

/// The zone a person reads times in.
pub fn viewer_zone(ctx: &Ctx) -> TimeZone {
    ctx.viewer
        .as_ref()
        .and_then(|v| zones::zone(&v.time_zone))
        .unwrap_or(TimeZone::UTC)
}

pub fn poll_href(id: &str) -> String {
    format!("/p/{id}")
}

/// What the poll is called in sentences: "proposal", "poll", "question".
pub fn noun(kind: PollKind) -> &'static str {
    match kind {
        PollKind::Proposal => "proposal",
        PollKind::Question => "question",
        PollKind::SenseCheck => "sense check",
        _ => "poll",
    }
}
