//! The audit log: one line per privileged or privacy-relevant action, written as it happens and
//! never changed afterwards.
//!
//! Strategy: the store only inserts lines ([`Store::record_audit`]), reads a group's lines for
//! its admins ([`Store::audit_page`], with a permit) and deletes lines older than the retention
//! setting ([`Store::purge_audit`], the housekeeping job). No method updates a line, and the
//! purge is the only deletion. People are shown by their account's current name, joined at
//! reading time, so a line never holds a copy of a name or an address.

use super::groups::group_of;
use super::{Store, StoreError};
use crate::domain::permissions::{Action, Permit};

/// One line of the audit log, to be written.
pub struct AuditEvent<'a> {
    pub action: &'a str,
    pub outcome: &'a str,
    pub account_id: Option<&'a str>,
    pub email_hash: Option<&'a str>,
    pub ip: Option<&'a str>,
    /// The group the action concerns, for group administration.
    pub group_id: Option<&'a str>,
    /// The account the action was done to, such as a member removed.
    pub subject_id: Option<&'a str>,
    /// A short description in words, such as the old and new setting.
    pub detail: Option<&'a str>,
}

/// One line of a group's audit log as its admins read it: never the IP address or the hash of
/// an email address.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditLine {
    pub id: String,
    pub at: i64,
    pub action: String,
    /// Who acted, by their name now ("Deleted account" once the account is gone).
    pub actor_name: Option<String>,
    /// Whom it was done to, by their name now, when it was done to a person.
    pub subject_name: Option<String>,
    pub detail: Option<String>,
}

/// A page of a group's audit log, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    /// Whether older lines follow this page.
    pub more: bool,
}

/// A person's name as the log shows it: their name now, or what is left when there is none.
const NAME_OF_A: &str = "CASE WHEN e.account_id IS NULL THEN NULL WHEN a.id IS NULL THEN 'Deleted account' \
     ELSE COALESCE(a.display_name, 'Someone without a name yet') END";
const NAME_OF_S: &str = "CASE WHEN e.subject_id IS NULL THEN NULL WHEN s.id IS NULL THEN 'Deleted account' \
     ELSE COALESCE(s.display_name, 'Someone without a name yet') END";

impl Store {
    /// Writes one line. Lines are only ever added: nothing in Quorum changes one afterwards.
    pub async fn record_audit(
        &self,
        id: &str,
        now: i64,
        event: &AuditEvent<'_>,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(
                "INSERT INTO audit_events \
                 (id, at, action, outcome, account_id, email_hash, ip, group_id, subject_id, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(now)
            .bind(event.action)
            .bind(event.outcome)
            .bind(event.account_id)
            .bind(event.email_hash)
            .bind(event.ip)
            .bind(event.group_id)
            .bind(event.subject_id)
            .bind(event.detail)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The group's lines, newest first: `limit` of them after skipping `offset`, only of
    /// `action` when one is given. Read along `audit_events_group (group_id, at, id)`.
    pub async fn audit_page(
        &self,
        permit: &Permit,
        action: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<AuditPage, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::ViewAuditLog)?;
            let filter = if action.is_some() {
                "AND e.action = ?"
            } else {
                ""
            };
            let query = sql!(
                "SELECT e.id, e.at, e.action, {NAME_OF_A} AS actor_name, {NAME_OF_S} AS subject_name, \
                 e.detail FROM audit_events e \
                 LEFT JOIN accounts a ON a.id = e.account_id \
                 LEFT JOIN accounts s ON s.id = e.subject_id \
                 WHERE e.group_id = ? {filter} \
                 ORDER BY e.at DESC, e.id DESC LIMIT ? OFFSET ?"
            );
            let mut query = sqlx::query_as::<_, AuditLine>(query).bind(group_id);
            if let Some(action) = action {
                query = query.bind(action);
            }
            let mut lines = query.bind(limit + 1).bind(offset).fetch_all(pool).await?;
            let more = lines.len() > usize::try_from(limit).unwrap_or(usize::MAX);
            lines.truncate(usize::try_from(limit).unwrap_or(0));
            Ok(AuditPage { lines, more })
        })
    }

    /// Deletes the lines written before `before` (a Unix time), for the retention setting; the
    /// number deleted. The only deletion of audit lines there is.
    pub async fn purge_audit(&self, before: i64) -> Result<u64, StoreError> {
        on_engine!(self, |pool| {
            let done = sqlx::query("DELETE FROM audit_events WHERE at < $1")
                .bind(before)
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        })
    }
}
