//! Changing a poll after it started: editing it while it is open, reopening it once closed, and
//! the versions both leave behind (see `migrations/*/0010_poll_versions.sql`).
//!
//! Strategy: each change is one write transaction that first takes the poll's row lock, the
//! same one `cast_ballot` takes, and then decides on the poll as it now is: open or closed,
//! the version the person's form was made from, and whether anyone has voted. So an edit and a
//! first vote cannot cross (options change only while nobody has voted), and two edits made
//! from the same version cannot both land: the second is refused as stale, never applied over
//! the first. Like closing, a `Moderate` permit reaches any poll of the group and a
//! `Participate` permit only the person's own.
//!
//! Nothing here reads or writes ballots or who voted, beyond asking whether anyone has: a
//! secret ballot stays as unlinkable as `cast_ballot` left it.

use super::Conn;
use super::engine::{Guarded, LockRow};
use super::threads::{read_scope, thread_scope};
use super::{Store, StoreError};
use crate::domain::permissions::Permit;
use crate::domain::polls::setup::PollEdit;
use crate::domain::polls::{PollKind, PollRules, RankedMethod, ReasonMode, Template};

/// What made a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionChange {
    Started,
    Edited,
    Reopened,
}

impl VersionChange {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Started => "started",
            Self::Edited => "edited",
            Self::Reopened => "reopened",
        }
    }

    fn parse(value: &str) -> Self {
        match value {
            "edited" => Self::Edited,
            "reopened" => Self::Reopened,
            _ => Self::Started,
        }
    }
}

/// One version of a poll, as its history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollVersion {
    pub version: i64,
    pub change: VersionChange,
    pub title: String,
    pub details: String,
    pub closes_at: i64,
    pub options: Vec<String>,
    pub template: Option<Template>,
    /// The counting rules in force in this version (the reason setting is the poll's own).
    pub rules: PollRules,
    pub editor_name: String,
    pub at: i64,
}

/// An outcome a reopening set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierOutcome {
    pub statement: String,
    /// A meeting poll's chosen time.
    pub option: Option<usize>,
    pub by_name: String,
    pub written_at: i64,
    pub reopened_at: i64,
}

/// Why a change was not saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeProblem {
    /// Someone saved another version after the person's form was made.
    Stale { current: i64 },
    /// An edit of the options or counting, and someone has voted since the form was made.
    Voted,
    /// An edit, and the poll has closed since the form was made.
    Closed,
    /// A reopening, and the poll is open again already.
    Open,
}

/// Adds the poll's current state as its version `polls.version`, on the caller's transaction:
/// `options` is the options' names, one a line. A reopening also sets the poll's outcome aside
/// in it (the caller then clears it from the poll).
pub(super) async fn record_version(
    conn: Conn<'_>,
    poll_id: &str,
    change: VersionChange,
    editor_id: &str,
    options: &str,
    now: i64,
) -> Result<(), StoreError> {
    let reopened = change == VersionChange::Reopened;
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO poll_versions (poll_id, version, change, title, details, closes_at, \
             options, template, none_of_the_above, min_choices, max_choices, score_min, \
             score_max, dot_total, method, count_target, editor_id, at, earlier_outcome, \
             earlier_outcome_option, earlier_outcome_by, earlier_outcome_at) \
             SELECT p.id, p.version, $1, p.title, p.details, p.closes_at, $2, p.template, \
             p.none_of_the_above, p.min_choices, p.max_choices, p.score_min, p.score_max, \
             p.dot_total, p.method, p.count_target, $3, $4, \
             CASE WHEN $5 THEN p.outcome END, CASE WHEN $6 THEN p.outcome_option END, \
             CASE WHEN $7 THEN p.outcome_by END, CASE WHEN $8 THEN p.outcome_at END \
             FROM polls p WHERE p.id = $9",
        )
        .bind(change.as_str())
        .bind(options)
        .bind(editor_id)
        .bind(now)
        .bind(reopened)
        .bind(reopened)
        .bind(reopened)
        .bind(reopened)
        .bind(poll_id)
        .execute(&mut *c)
        .await?;
        Ok(())
    })
}

/// The poll as a change finds it once it holds the poll's lock.
struct Found {
    version: i64,
    open: bool,
    voted: bool,
}

async fn find_locked(
    conn: Conn<'_>,
    permit: &Permit,
    poll_id: &str,
    account_id: &str,
    now: i64,
) -> Result<Found, StoreError> {
    let (group_id, own_only) = thread_scope(permit)?;
    let found: Option<(i64, bool, bool)> = on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT p.version, p.closed_at IS NULL AND p.closes_at > $1, \
             EXISTS (SELECT 1 FROM poll_participants pp WHERE pp.poll_id = p.id) \
             FROM polls p JOIN threads t ON t.id = p.thread_id \
             WHERE p.id = $2 AND t.group_id = $3 AND t.deleted_at IS NULL \
             AND (NOT $4 OR p.author_id = $5)",
        )
        .bind(now)
        .bind(poll_id)
        .bind(group_id)
        .bind(own_only)
        .bind(account_id)
        .fetch_optional(&mut *c)
        .await?
    });
    let (version, open, voted) = found.ok_or(StoreError::NotPermitted)?;
    Ok(Found {
        version,
        open,
        voted,
    })
}

async fn option_labels(conn: Conn<'_>, poll_id: &str) -> Result<String, StoreError> {
    let labels: Vec<String> = on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT label FROM poll_options WHERE poll_id = $1 ORDER BY number")
            .bind(poll_id)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(labels.join("\n"))
}

impl Store {
    /// Saves a change to an open poll as its next version, when the poll is still at
    /// `expected_version`. New options and counting (`edit.setup`) are kept only while nobody
    /// has voted. Returns the new version. `StoreError::NotPermitted` when the permit does not
    /// reach the poll.
    #[expect(clippy::too_many_arguments, reason = "one edit, each part named")]
    pub async fn edit_poll(
        &self,
        permit: &Permit,
        poll_id: &str,
        editor_id: &str,
        expected_version: i64,
        edit: &PollEdit,
        attachments: &[super::Claim],
        now: i64,
    ) -> Result<Result<i64, ChangeProblem>, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                tx.lock_row(Guarded::Poll, poll_id).await?;
                let found =
                    find_locked(Conn::from(&mut *tx), permit, poll_id, editor_id, now).await?;
                if !found.open {
                    return Ok(Err(ChangeProblem::Closed));
                }
                if found.version != expected_version {
                    return Ok(Err(ChangeProblem::Stale {
                        current: found.version,
                    }));
                }
                if edit.setup.is_some() && found.voted {
                    return Ok(Err(ChangeProblem::Voted));
                }
                let version = found.version + 1;
                sqlx::query(
                    "UPDATE polls SET title = $1, details = $2, closes_at = $3, edited_at = $4, \
                     version = $5 WHERE id = $6",
                )
                .bind(&edit.title)
                .bind(&edit.details)
                .bind(edit.closes_at)
                .bind(now)
                .bind(version)
                .bind(poll_id)
                .execute(&mut *tx)
                .await?;
                if let Some(setup) = &edit.setup {
                    let r = &setup.rules;
                    sqlx::query(
                        "UPDATE polls SET options_version = $1, template = $2, \
                         none_of_the_above = $3, min_choices = $4, max_choices = $5, \
                         score_min = $6, score_max = $7, dot_total = $8, method = $9, \
                         count_target = $10 WHERE id = $11",
                    )
                    .bind(version)
                    .bind(setup.template.map(Template::as_str))
                    .bind(r.none_of_the_above)
                    .bind(r.min_choices)
                    .bind(r.max_choices)
                    .bind(r.score_min)
                    .bind(r.score_max)
                    .bind(r.dot_total)
                    .bind(r.method.as_str())
                    .bind(r.count_target)
                    .bind(poll_id)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM poll_options WHERE poll_id = $1")
                        .bind(poll_id)
                        .execute(&mut *tx)
                        .await?;
                    for (number, label) in setup.options.iter().enumerate() {
                        sqlx::query(
                            "INSERT INTO poll_options (poll_id, number, label, starts_at) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(poll_id)
                        .bind(i64::try_from(number).unwrap_or(i64::MAX))
                        .bind(label)
                        .bind(setup.times.get(number).copied())
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                let thread_id: String =
                    sqlx::query_scalar("SELECT thread_id FROM polls WHERE id = $1")
                        .bind(poll_id)
                        .fetch_one(&mut *tx)
                        .await?;
                super::attachments::claim_in(
                    Conn::from(&mut *tx),
                    permit.group_id(),
                    editor_id,
                    super::Owner::Poll {
                        thread: &thread_id,
                        poll: poll_id,
                    },
                    attachments,
                    Some(now),
                )
                .await?;
                let options = option_labels(Conn::from(&mut *tx), poll_id).await?;
                record_version(
                    Conn::from(&mut *tx),
                    poll_id,
                    VersionChange::Edited,
                    editor_id,
                    &options,
                    now,
                )
                .await?;
                tx.commit().await?;
                Ok(Ok(version))
            })
        })
    }

    /// Opens a closed poll again until `closes_at`, when it is still at `expected_version`.
    /// Every ballot and who voted stay as they are; the outcome, if any, is set aside in the
    /// new version, and the next close asks for a new one. Returns the new version.
    /// `StoreError::NotPermitted` when the permit does not reach the poll.
    pub async fn reopen_poll(
        &self,
        permit: &Permit,
        poll_id: &str,
        editor_id: &str,
        expected_version: i64,
        closes_at: i64,
        now: i64,
    ) -> Result<Result<i64, ChangeProblem>, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                tx.lock_row(Guarded::Poll, poll_id).await?;
                let found =
                    find_locked(Conn::from(&mut *tx), permit, poll_id, editor_id, now).await?;
                if found.open {
                    return Ok(Err(ChangeProblem::Open));
                }
                if found.version != expected_version {
                    return Ok(Err(ChangeProblem::Stale {
                        current: found.version,
                    }));
                }
                let version = found.version + 1;
                sqlx::query(
                    "UPDATE polls SET closed_at = NULL, closes_at = $1, reopened_at = $2, \
                     version = $3 WHERE id = $4",
                )
                .bind(closes_at)
                .bind(now)
                .bind(version)
                .bind(poll_id)
                .execute(&mut *tx)
                .await?;
                let options = option_labels(Conn::from(&mut *tx), poll_id).await?;
                record_version(
                    Conn::from(&mut *tx),
                    poll_id,
                    VersionChange::Reopened,
                    editor_id,
                    &options,
                    now,
                )
                .await?;
                sqlx::query(
                    "UPDATE polls SET outcome = NULL, outcome_option = NULL, outcome_by = NULL, \
                     outcome_at = NULL WHERE id = $1",
                )
                .bind(poll_id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Ok(version))
            })
        })
    }

    /// Every version of a poll the permit may read, newest first.
    pub async fn poll_versions(
        &self,
        permit: &Permit,
        poll_id: &str,
    ) -> Result<Vec<PollVersion>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            let rows: Vec<VersionRow> = sqlx::query_as(
                "SELECT v.version, v.change, v.title, v.details, v.closes_at, v.options, \
                 v.template, v.none_of_the_above, v.min_choices, v.max_choices, v.score_min, \
                 v.score_max, v.dot_total, v.method, v.count_target, p.kind, p.reason_mode, \
                 COALESCE(a.display_name, 'Deleted account') AS editor_name, v.at \
                 FROM poll_versions v JOIN polls p ON p.id = v.poll_id \
                 JOIN threads t ON t.id = p.thread_id \
                 LEFT JOIN accounts a ON a.id = v.editor_id \
                 WHERE v.poll_id = $1 AND t.group_id = $2 AND t.deleted_at IS NULL \
                 AND (NOT t.private OR $3) ORDER BY v.version DESC",
            )
            .bind(poll_id)
            .bind(group_id)
            .bind(private_too)
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(VersionRow::into_version).collect())
        })
    }

    /// The outcomes reopenings set aside, newest first.
    pub async fn earlier_outcomes(
        &self,
        permit: &Permit,
        poll_id: &str,
    ) -> Result<Vec<EarlierOutcome>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            let rows: Vec<(String, Option<i64>, String, i64, i64)> = sqlx::query_as(
                "SELECT v.earlier_outcome, v.earlier_outcome_option, \
                 COALESCE(a.display_name, 'Deleted account'), v.earlier_outcome_at, v.at \
                 FROM poll_versions v JOIN polls p ON p.id = v.poll_id \
                 JOIN threads t ON t.id = p.thread_id \
                 LEFT JOIN accounts a ON a.id = v.earlier_outcome_by \
                 WHERE v.poll_id = $1 AND v.earlier_outcome IS NOT NULL \
                 AND v.earlier_outcome_at IS NOT NULL AND t.group_id = $2 \
                 AND t.deleted_at IS NULL AND (NOT t.private OR $3) ORDER BY v.version DESC",
            )
            .bind(poll_id)
            .bind(group_id)
            .bind(private_too)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(
                    |(statement, option, by_name, written_at, reopened_at)| EarlierOutcome {
                        statement,
                        option: option.and_then(|n| usize::try_from(n).ok()),
                        by_name,
                        written_at,
                        reopened_at,
                    },
                )
                .collect())
        })
    }
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    change: String,
    title: String,
    details: String,
    closes_at: i64,
    options: String,
    template: Option<String>,
    none_of_the_above: bool,
    min_choices: i64,
    max_choices: i64,
    score_min: i64,
    score_max: i64,
    dot_total: i64,
    method: String,
    count_target: i64,
    kind: String,
    reason_mode: String,
    editor_name: String,
    at: i64,
}

impl VersionRow {
    fn into_version(self) -> PollVersion {
        let options: Vec<String> = self
            .options
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let kind = PollKind::parse(&self.kind).unwrap_or(PollKind::Question);
        let rules = PollRules {
            none_of_the_above: self.none_of_the_above,
            min_choices: self.min_choices,
            max_choices: self.max_choices,
            score_min: self.score_min,
            score_max: self.score_max,
            dot_total: self.dot_total,
            method: RankedMethod::parse(&self.method).unwrap_or(RankedMethod::Borda),
            count_target: self.count_target,
            reason: ReasonMode::parse(&self.reason_mode).unwrap_or(ReasonMode::Optional),
            ..PollRules::new(kind, options.len())
        };
        PollVersion {
            version: self.version,
            change: VersionChange::parse(&self.change),
            title: self.title,
            details: self.details,
            closes_at: self.closes_at,
            options,
            template: self.template.as_deref().and_then(Template::parse),
            rules,
            editor_name: self.editor_name,
            at: self.at,
        }
    }
}
