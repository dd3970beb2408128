//! Polls: starting one in a thread, casting and changing ballots, who has and has not voted,
//! closing (by hand or when the time comes) and the outcome.
//!
//! As for threads, every read and change takes a [`Permit`] and reaches only polls in threads of
//! the permit's group; private threads need the members' permit. Casting a ballot is one
//! `BEGIN IMMEDIATE` transaction whose statements carry their own conditions (the poll is open,
//! the person may vote, a secret ballot is cast once), so two requests from the same person
//! cannot both count, however they interleave.
//!
//! Secret ballots: see `migrations/0006_polls.sql`. Nothing here selects from `ballots` and
//! `poll_participants` together, and a secret ballot is written with no voter and no time.

use super::notifications::{Audience, Event, notify_in};
use crate::notify::Kind;
use sqlx::Row;

use super::Conn;
use super::engine::{Guarded, LockRow, SecretBallots};
use super::groups::{About, group_of, record_activity};
use super::threads::read_scope;
use super::{Store, StoreError, VersionChange, random_id};
use crate::domain::permissions::{Action, Permit};
use crate::domain::polls::setup::PollSpec;
use crate::domain::polls::{
    Ballot, HideResults, PollKind, PollRules, RankedMethod, ReasonMode, Template,
};

/// A poll as stored, with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    pub id: String,
    pub thread_id: String,
    pub author_id: Option<String>,
    pub author_name: String,
    pub kind: PollKind,
    pub template: Option<Template>,
    pub title: String,
    pub details: String,
    pub created_at: i64,
    pub closes_at: i64,
    pub closed_at: Option<i64>,
    pub anonymous: bool,
    pub hide_results: HideResults,
    pub allow_change: bool,
    pub voters_only: bool,
    pub rules: PollRules,
    pub options: Vec<PollOption>,
    pub outcome: Option<Outcome>,
    /// The newest version of its title, details, closing time and options (see
    /// `poll_changes.rs`), named by an edit form so that a stale edit is refused.
    pub version: i64,
    /// The version its options and counting were last set in, named by a ballot form.
    pub options_version: i64,
    /// How many votes have been cast in it: results counted at one value stay right until
    /// the next vote.
    pub ballot_version: i64,
    pub edited_at: Option<i64>,
    pub reopened_at: Option<i64>,
}

impl Poll {
    /// Closed by hand, by the job, or past its time and waiting for the job.
    pub fn is_closed(&self, now: i64) -> bool {
        self.closed_at.is_some() || self.closes_at <= now
    }

    pub fn labels(&self) -> Vec<String> {
        self.options.iter().map(|o| o.label.clone()).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollOption {
    pub number: usize,
    pub label: String,
    /// A meeting poll's time.
    pub starts_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub statement: String,
    /// A meeting poll's chosen time.
    pub option: Option<usize>,
    pub by_name: String,
    pub at: i64,
}

/// A poll in a thread's list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PollListing {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub closes_at: i64,
    pub closed_at: Option<i64>,
    pub voted: i64,
}

/// One person's current ballot in an open (not secret) poll, or a secret ballot's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownBallot {
    /// `None` in a secret ballot.
    pub voter_name: Option<String>,
    pub ballot: Ballot,
    pub reason: Option<String>,
    pub cast_at: Option<i64>,
    /// How many times the person changed their vote.
    pub changes: i64,
}

/// Why a ballot was not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastProblem {
    Closed,
    /// The poll is for named people only, and this person is not one of them.
    NotAVoter,
    /// A secret ballot, or a poll that does not allow changes, and the person has voted.
    AlreadyVoted,
    /// The options or counting were changed after the person's ballot form was shown.
    OptionsChanged,
}

/// Why an outcome was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeProblem {
    StillOpen,
}

/// A poll closed by the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedPoll {
    pub id: String,
    pub title: String,
}

/// Marks as stored: "option=value" pairs separated by ";".
pub fn encode_marks(ballot: &Ballot) -> String {
    ballot
        .marks
        .iter()
        .map(|(option, value)| format!("{option}={value}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// Marks read back; anything unreadable is skipped (it cannot be written by [`encode_marks`]).
pub fn decode_marks(text: &str) -> Ballot {
    Ballot {
        marks: text
            .split(';')
            .filter_map(|pair| {
                let (option, value) = pair.split_once('=')?;
                Some((option.parse().ok()?, value.parse().ok()?))
            })
            .collect(),
    }
}

pub(super) const POLL: &str = "SELECT p.id, p.thread_id, p.author_id, \
    COALESCE(a.display_name, 'Deleted account') AS author_name, p.kind, p.template, p.title, \
    p.details, p.created_at, p.closes_at, p.closed_at, p.anonymous, p.hide_results, \
    p.reason_mode, p.reason_max, p.allow_change, p.voters_only, p.none_of_the_above, \
    p.min_choices, p.max_choices, p.score_min, p.score_max, p.dot_total, p.method, \
    p.count_target, p.outcome, p.outcome_option, p.outcome_at, p.version, p.options_version, \
    p.ballot_version, p.edited_at, p.reopened_at, COALESCE(o.display_name, 'Deleted account') AS outcome_by_name \
    FROM polls p JOIN threads t ON t.id = p.thread_id \
    LEFT JOIN accounts a ON a.id = p.author_id LEFT JOIN accounts o ON o.id = p.outcome_by";

/// Polls in threads of the group, readable under the permit: `{VISIBLE}` binds the group.
pub(super) const VISIBLE: &str = "t.group_id = ? AND t.deleted_at IS NULL";

/// The current ballots of a poll the reader may read: [`SHOWN_BALLOTS_FROM`], any other
/// joins, then [`SHOWN_BALLOTS`] (binds: poll, group, private too).
const SHOWN_BALLOTS_FROM: &str =
    "FROM ballots b JOIN polls p ON p.id = b.poll_id JOIN threads t ON t.id = p.thread_id";

/// See [`SHOWN_BALLOTS_FROM`].
const SHOWN_BALLOTS: &str = "WHERE b.poll_id = ? AND b.replaced_at IS NULL \
     AND t.group_id = ? AND t.deleted_at IS NULL AND (NOT t.private OR ?)";

/// Of those, the ones listed under a secret ballot's results: those that give a reason.
const WITH_REASON: &str = "AND (NOT p.anonymous OR b.reason IS NOT NULL)";

/// Those who may vote in a poll and have not (binds: poll, group, private too).
const NOT_VOTED: &str = "FROM polls p \
     JOIN threads t ON t.id = p.thread_id \
     JOIN memberships m ON m.group_id = t.group_id \
     JOIN accounts a ON a.id = m.account_id \
     WHERE p.id = ? AND t.group_id = ? AND t.deleted_at IS NULL AND (NOT t.private OR ?) \
     AND (NOT p.voters_only OR EXISTS (SELECT 1 FROM poll_voters v \
         WHERE v.poll_id = p.id AND v.account_id = a.id)) \
     AND NOT EXISTS (SELECT 1 FROM poll_participants pp \
         WHERE pp.poll_id = p.id AND pp.account_id = a.id)";

fn poll_from_row<R: Row>(row: &R) -> Result<Poll, sqlx::Error>
where
    for<'n> &'n str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let kind: String = row.try_get("kind")?;
    let kind = PollKind::parse(&kind).unwrap_or(PollKind::Question);
    let template: Option<String> = row.try_get("template")?;
    let hide: String = row.try_get("hide_results")?;
    let reason: String = row.try_get("reason_mode")?;
    let method: String = row.try_get("method")?;
    let reason_max: i64 = row.try_get("reason_max")?;
    let outcome: Option<String> = row.try_get("outcome")?;
    let outcome_option: Option<i64> = row.try_get("outcome_option")?;
    let outcome_at: Option<i64> = row.try_get("outcome_at")?;
    Ok(Poll {
        id: row.try_get("id")?,
        thread_id: row.try_get("thread_id")?,
        author_id: row.try_get("author_id")?,
        author_name: row.try_get("author_name")?,
        kind,
        template: template.as_deref().and_then(Template::parse),
        title: row.try_get("title")?,
        details: row.try_get("details")?,
        created_at: row.try_get("created_at")?,
        closes_at: row.try_get("closes_at")?,
        closed_at: row.try_get("closed_at")?,
        anonymous: row.try_get("anonymous")?,
        hide_results: HideResults::parse(&hide).unwrap_or(HideResults::UntilClosed),
        allow_change: row.try_get("allow_change")?,
        voters_only: row.try_get("voters_only")?,
        rules: PollRules {
            kind,
            option_count: 0,
            none_of_the_above: row.try_get("none_of_the_above")?,
            min_choices: row.try_get("min_choices")?,
            max_choices: row.try_get("max_choices")?,
            score_min: row.try_get("score_min")?,
            score_max: row.try_get("score_max")?,
            dot_total: row.try_get("dot_total")?,
            method: RankedMethod::parse(&method).unwrap_or(RankedMethod::Borda),
            count_target: row.try_get("count_target")?,
            reason: ReasonMode::parse(&reason).unwrap_or(ReasonMode::Optional),
            reason_max: usize::try_from(reason_max).unwrap_or(0),
        },
        options: Vec::new(),
        outcome: match (outcome, outcome_at) {
            (Some(statement), Some(at)) => Some(Outcome {
                statement,
                option: outcome_option.and_then(|n| usize::try_from(n).ok()),
                by_name: row.try_get("outcome_by_name")?,
                at,
            }),
            _ => None,
        },
        version: row.try_get("version")?,
        options_version: row.try_get("options_version")?,
        ballot_version: row.try_get("ballot_version")?,
        edited_at: row.try_get("edited_at")?,
        reopened_at: row.try_get("reopened_at")?,
    })
}

impl Store {
    /// The thread a poll is in, to find the group to decide with. Reads nothing else.
    pub async fn poll_thread_id(&self, poll_id: &str) -> Result<Option<String>, StoreError> {
        on_engine!(self, |pool| {
            Ok(
                sqlx::query_scalar("SELECT thread_id FROM polls WHERE id = $1")
                    .bind(poll_id)
                    .fetch_optional(pool)
                    .await?,
            )
        })
    }

    /// The poll, if it is in a thread the permit may read.
    pub async fn poll(&self, permit: &Permit, poll_id: &str) -> Result<Option<Poll>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            let row = sqlx::query(sql!(
                "{POLL} WHERE p.id = ? AND {VISIBLE} AND (NOT t.private OR ?)"
            ))
            .bind(poll_id)
            .bind(group_id)
            .bind(private_too)
            .fetch_optional(pool)
            .await?;
            let Some(row) = row else { return Ok(None) };
            let mut poll = poll_from_row(&row)?;
            let options: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT number, label, starts_at FROM poll_options WHERE poll_id = $1 ORDER BY number",
        )
        .bind(poll_id)
        .fetch_all(pool)
        .await?;
            poll.options = options
                .into_iter()
                .map(|(number, label, starts_at)| PollOption {
                    number: usize::try_from(number).unwrap_or(0),
                    label,
                    starts_at,
                })
                .collect();
            poll.rules.option_count = poll.options.len();
            Ok(Some(poll))
        })
    }

    /// The polls of a thread, newest first, with how many people have voted.
    pub async fn thread_polls(
        &self,
        permit: &Permit,
        thread_id: &str,
    ) -> Result<Vec<PollListing>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(sqlx::query_as(sql!(
                "SELECT p.id, p.kind, p.title, p.closes_at, p.closed_at, \
             p.voted_count AS voted \
             FROM polls p JOIN threads t ON t.id = p.thread_id \
             WHERE p.thread_id = ? AND {VISIBLE} AND (NOT t.private OR ?) \
             ORDER BY p.created_at DESC, p.id"
            ))
            .bind(thread_id)
            .bind(group_id)
            .bind(private_too)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The group's open polls that the permit may read, closing soonest first.
    pub async fn open_polls(
        &self,
        permit: &Permit,
        now: i64,
        limit: i64,
    ) -> Result<Vec<PollListing>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(sqlx::query_as(sql!(
                "SELECT p.id, p.kind, p.title, p.closes_at, p.closed_at, p.voted_count AS voted \
             FROM polls p JOIN threads t ON t.id = p.thread_id \
             WHERE {VISIBLE} AND (NOT t.private OR ?) AND p.closed_at IS NULL AND p.closes_at > ? \
             ORDER BY p.closes_at, p.id LIMIT ?"
            ))
            .bind(group_id)
            .bind(private_too)
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Starts a poll in an open thread of the permit's group. Returns the handles in
    /// `spec.voters` that are not members of the group, and stores nothing, when there are any.
    #[expect(clippy::too_many_arguments, reason = "one new poll, each part named")]
    pub async fn create_poll(
        &self,
        permit: &Permit,
        id: &str,
        thread_id: &str,
        author_id: &str,
        spec: &PollSpec,
        attachments: &[super::Claim],
        now: i64,
    ) -> Result<Result<(), Vec<String>>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::StartPoll)?;
            write_tx!(pool, |tx| {
                let mut voter_ids = Vec::new();
                let mut unknown = Vec::new();
                for handle in &spec.voters {
                    let id: Option<String> = sqlx::query_scalar(
                        "SELECT a.id FROM accounts a JOIN memberships m ON m.account_id = a.id \
                 WHERE a.handle = $1 AND m.group_id = $2",
                    )
                    .bind(handle)
                    .bind(group_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    match id {
                        Some(id) => voter_ids.push(id),
                        None => unknown.push(handle.clone()),
                    }
                }
                if !unknown.is_empty() {
                    return Ok(Err(unknown));
                }
                let r = &spec.rules;
                let inserted = sqlx::query(
            "INSERT INTO polls (id, thread_id, author_id, kind, template, title, details, \
             created_at, closes_at, anonymous, hide_results, reason_mode, reason_max, \
             allow_change, voters_only, none_of_the_above, min_choices, max_choices, score_min, \
             score_max, dot_total, method, count_target, remind) \
             SELECT $1, t.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $25 \
             FROM threads t WHERE t.id = $23 AND t.group_id = $24 AND t.deleted_at IS NULL \
             AND t.closed_at IS NULL",
        )
        .bind(id)
        .bind(author_id)
        .bind(spec.kind.as_str())
        .bind(spec.template.map(Template::as_str))
        .bind(&spec.title)
        .bind(&spec.details)
        .bind(now)
        .bind(spec.closes_at)
        .bind(spec.anonymous)
        .bind(spec.hide_results.as_str())
        .bind(r.reason.as_str())
        .bind(i64::try_from(r.reason_max).unwrap_or(i64::MAX))
        .bind(spec.allow_change)
        .bind(!voter_ids.is_empty())
        .bind(r.none_of_the_above)
        .bind(r.min_choices)
        .bind(r.max_choices)
        .bind(r.score_min)
        .bind(r.score_max)
        .bind(r.dot_total)
        .bind(r.method.as_str())
        .bind(r.count_target)
        .bind(thread_id)
        .bind(group_id)
        .bind(spec.remind)
        .execute(&mut *tx)
        .await?;
                if inserted.rows_affected() == 0 {
                    return Err(StoreError::NotPermitted);
                }
                for (number, label) in spec.options.iter().enumerate() {
                    sqlx::query(
                "INSERT INTO poll_options (poll_id, number, label, starts_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(i64::try_from(number).unwrap_or(i64::MAX))
            .bind(label)
            .bind(spec.times.get(number).copied())
            .execute(&mut *tx)
            .await?;
                }
                for voter in &voter_ids {
                    sqlx::query(
                "INSERT INTO poll_voters (poll_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(voter)
            .execute(&mut *tx)
            .await?;
                }
                super::poll_changes::record_version(
                    Conn::from(&mut *tx),
                    id,
                    VersionChange::Started,
                    author_id,
                    &spec.options.join("\n"),
                    now,
                )
                .await?;
                sqlx::query("UPDATE threads SET last_activity_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(thread_id)
                    .execute(&mut *tx)
                    .await?;
                record_activity(
                    Conn::from(&mut *tx),
                    group_id,
                    author_id,
                    "poll",
                    About::Poll {
                        thread: thread_id,
                        poll: id,
                    },
                    now,
                )
                .await?;
                // A poll for named people asks only them.
                let audience = if voter_ids.is_empty() {
                    Audience::Members
                } else {
                    Audience::People(&voter_ids)
                };
                notify_in(
                    Conn::from(&mut *tx),
                    &Event::new(Kind::NewPoll, group_id, now)
                        .by(author_id)
                        .thread(thread_id)
                        .poll(id)
                        .to(audience),
                )
                .await?;
                super::attachments::claim_in(
                    Conn::from(&mut *tx),
                    group_id,
                    author_id,
                    super::Owner::Poll {
                        thread: thread_id,
                        poll: id,
                    },
                    attachments,
                    None,
                )
                .await?;
                tx.commit().await?;
                Ok(Ok(()))
            })
        })
    }

    /// Whether the person may vote in the poll: a member (the permit), and named when the poll
    /// is for named people only.
    pub async fn may_vote(
        &self,
        permit: &Permit,
        poll_id: &str,
        account_id: &str,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Participate)?;
            Ok(sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM polls p JOIN threads t ON t.id = p.thread_id \
             WHERE p.id = $1 AND t.group_id = $2 AND (NOT p.voters_only OR EXISTS \
             (SELECT 1 FROM poll_voters v WHERE v.poll_id = p.id AND v.account_id = $3)))",
            )
            .bind(poll_id)
            .bind(group_id)
            .bind(account_id)
            .fetch_one(pool)
            .await?)
        })
    }

    /// Whether the person has voted (in any poll, secret or not).
    pub async fn has_voted(
        &self,
        permit: &Permit,
        poll_id: &str,
        account_id: &str,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let _ = group_of(permit, Action::Participate)?;
            Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM poll_participants WHERE poll_id = $1 AND account_id = $2)",
        )
        .bind(poll_id)
        .bind(account_id)
        .fetch_one(pool)
        .await?)
        })
    }

    /// The person's current ballot and reason in a poll that is not secret.
    pub async fn own_ballot(
        &self,
        permit: &Permit,
        poll_id: &str,
        account_id: &str,
    ) -> Result<Option<(Ballot, Option<String>)>, StoreError> {
        on_engine!(self, |pool| {
            let _ = group_of(permit, Action::Participate)?;
            let row: Option<(String, Option<String>)> = sqlx::query_as(
                "SELECT marks, reason FROM ballots WHERE poll_id = $1 AND voter_id = $2 \
             AND replaced_at IS NULL",
            )
            .bind(poll_id)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
            Ok(row.map(|(marks, reason)| (decode_marks(&marks), reason)))
        })
    }

    /// Casts, or changes, the person's ballot: counted exactly once whatever else happens at
    /// the same time. `ballot` must have been checked against the poll's rules; when the
    /// ballot form named the options' version it was shown with, `options_version`, the vote
    /// counts only if the options are still those.
    #[expect(clippy::too_many_arguments, reason = "one ballot, each part named")]
    pub async fn cast_ballot(
        &self,
        permit: &Permit,
        poll_id: &str,
        account_id: &str,
        ballot: &Ballot,
        reason: Option<&str>,
        options_version: Option<i64>,
        now: i64,
    ) -> Result<Result<(), CastProblem>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Participate)?;
            write_tx!(pool, |tx| {
                // Voters of one poll take turns: one current ballot each.
                tx.lock_row(Guarded::Poll, poll_id).await?;
                let poll: Option<(bool, bool, bool, bool, i64)> = sqlx::query_as(
                    "SELECT p.anonymous, p.allow_change, \
             p.closed_at IS NULL AND p.closes_at > $1, \
             NOT p.voters_only OR EXISTS (SELECT 1 FROM poll_voters v \
                 WHERE v.poll_id = p.id AND v.account_id = $2), p.options_version \
             FROM polls p JOIN threads t ON t.id = p.thread_id \
             WHERE p.id = $3 AND t.group_id = $4 AND t.deleted_at IS NULL",
                )
                .bind(now)
                .bind(account_id)
                .bind(poll_id)
                .bind(group_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((anonymous, allow_change, open, eligible, current_options)) = poll else {
                    return Err(StoreError::NotPermitted);
                };
                if !open {
                    return Ok(Err(CastProblem::Closed));
                }
                if options_version.is_some_and(|shown| shown != current_options) {
                    return Ok(Err(CastProblem::OptionsChanged));
                }
                if !eligible {
                    return Ok(Err(CastProblem::NotAVoter));
                }
                // Who voted is written in a savepoint of its own: on PostgreSQL its row then
                // carries another transaction id than the ballots (`hide_ballot_order`).
                let mut who = sqlx::Connection::begin(&mut *tx).await?;
                let first_vote = sqlx::query(
                    "INSERT INTO poll_participants (poll_id, account_id, voted_at) \
                     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(poll_id)
                .bind(account_id)
                .bind(now)
                .execute(&mut *who)
                .await?
                .rows_affected()
                    == 1;
                who.commit().await?;
                if !first_vote && (anonymous || !allow_change) {
                    return Ok(Err(CastProblem::AlreadyVoted));
                }
                let marks = encode_marks(ballot);
                if anonymous {
                    sqlx::query(
                        "INSERT INTO ballots (id, poll_id, voter_id, cast_at, marks, reason) \
                 VALUES ($1, $2, NULL, NULL, $3, $4)",
                    )
                    .bind(random_id()?)
                    .bind(poll_id)
                    .bind(&marks)
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
                    tx.hide_ballot_order(poll_id).await?;
                } else {
                    sqlx::query(
                        "UPDATE ballots SET replaced_at = $1 \
                 WHERE poll_id = $2 AND voter_id = $3 AND replaced_at IS NULL",
                    )
                    .bind(now)
                    .bind(poll_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                    // A named ballot's id starts with the time to the nanosecond, so ballots
                    // cast in one second are listed in the order they came. (A secret one's
                    // stays wholly random: it must say nothing of when, nor whose.)
                    let id = super::time_ordered_id()?;
                    sqlx::query(
                        "INSERT INTO ballots (id, poll_id, voter_id, cast_at, marks, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id)
                    .bind(poll_id)
                    .bind(account_id)
                    .bind(now)
                    .bind(&marks)
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "UPDATE polls SET ballot_version = ballot_version + 1, \
                     voted_count = voted_count + $2 WHERE id = $1",
                )
                .bind(poll_id)
                .bind(i64::from(first_vote))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Ok(()))
            })
        })
    }

    /// The choices of every current ballot of a poll the permit may read, for its count, and
    /// nothing else (no name, reason or time).
    pub async fn current_ballots(
        &self,
        permit: &Permit,
        poll_id: &str,
    ) -> Result<Vec<Ballot>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            let marks: Vec<String> = sqlx::query_scalar(sql!(
                "SELECT b.marks FROM ballots b JOIN polls p ON p.id = b.poll_id \
             JOIN threads t ON t.id = p.thread_id \
             WHERE b.poll_id = ? AND b.replaced_at IS NULL AND {VISIBLE} AND (NOT t.private OR ?)"
            ))
            .bind(poll_id)
            .bind(group_id)
            .bind(private_too)
            .fetch_all(pool)
            .await?;
            Ok(marks.iter().map(|m| decode_marks(m)).collect())
        })
    }

    /// A page of the votes listed under a poll's results, `limit` from `offset`: who voted
    /// what, newest first; in a secret ballot only the reasons given, with no name and no time,
    /// in the order of their random keys, which says nothing of who cast them. Read along the
    /// `ballots_recent` index, a page costs the same however many ballots there are.
    pub async fn shown_ballots(
        &self,
        permit: &Permit,
        poll_id: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ShownBallot>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            let rows = sqlx::query(sql!(
                "SELECT CASE WHEN p.anonymous THEN NULL \
                ELSE COALESCE(a.display_name, 'Deleted account') END AS voter_name, \
             b.marks, b.reason, b.cast_at, \
             CASE WHEN p.anonymous THEN 0 ELSE (SELECT COUNT(*) FROM ballots old \
                WHERE old.poll_id = b.poll_id AND old.voter_id = b.voter_id \
                AND old.replaced_at IS NOT NULL) END AS changes \
             {SHOWN_BALLOTS_FROM} \
             LEFT JOIN accounts a ON a.id = b.voter_id AND NOT p.anonymous \
             {SHOWN_BALLOTS} {WITH_REASON} \
             ORDER BY b.cast_at DESC, b.id DESC LIMIT ? OFFSET ?"
            ))
            .bind(poll_id)
            .bind(group_id)
            .bind(private_too)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let marks: String = row.try_get("marks")?;
                    Ok(ShownBallot {
                        voter_name: row.try_get("voter_name")?,
                        ballot: decode_marks(&marks),
                        reason: row.try_get("reason")?,
                        cast_at: row.try_get("cast_at")?,
                        changes: row.try_get("changes")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }

    /// How many votes [`Store::shown_ballots`] lists in all. An open ballot's are counted
    /// along an index alone; a secret ballot's rows are read for their reasons.
    pub async fn shown_ballot_count(
        &self,
        permit: &Permit,
        poll_id: &str,
        anonymous: bool,
    ) -> Result<i64, StoreError> {
        let reasons_only = if anonymous { WITH_REASON } else { "" };
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(sqlx::query_scalar(sql!(
                "SELECT COUNT(*) {SHOWN_BALLOTS_FROM} {SHOWN_BALLOTS} {reasons_only}"
            ))
            .bind(poll_id)
            .bind(group_id)
            .bind(private_too)
            .fetch_one(pool)
            .await?)
        })
    }

    /// A page of the names of those who may vote and have not, in alphabetical order, `limit`
    /// from `offset`.
    pub async fn not_voted(
        &self,
        permit: &Permit,
        poll_id: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<String>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(sqlx::query_scalar(sql!(
                "SELECT COALESCE(a.display_name, a.email) AS name {NOT_VOTED} \
                 ORDER BY name, a.id LIMIT ? OFFSET ?"
            ))
            .bind(poll_id)
            .bind(group_id)
            .bind(private_too)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?)
        })
    }

    /// How many [`Store::not_voted`] lists in all.
    pub async fn not_voted_count(&self, permit: &Permit, poll_id: &str) -> Result<i64, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(sqlx::query_scalar(sql!("SELECT COUNT(*) {NOT_VOTED}"))
                .bind(poll_id)
                .bind(group_id)
                .bind(private_too)
                .fetch_one(pool)
                .await?)
        })
    }

    /// How many people may vote, and how many have.
    pub async fn turnout(&self, permit: &Permit, poll_id: &str) -> Result<(i64, i64), StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(sqlx::query_as(sql!(
                "SELECT \
             CASE WHEN p.voters_only THEN (SELECT COUNT(*) FROM poll_voters v \
                JOIN memberships m ON m.group_id = t.group_id AND m.account_id = v.account_id \
                WHERE v.poll_id = p.id) \
             ELSE (SELECT COUNT(*) FROM memberships m WHERE m.group_id = t.group_id) END, \
             p.voted_count \
             FROM polls p JOIN threads t ON t.id = p.thread_id \
             WHERE p.id = ? AND {VISIBLE} AND (NOT t.private OR ?)"
            ))
            .bind(poll_id)
            .bind(group_id)
            .bind(private_too)
            .fetch_optional(pool)
            .await?
            .unwrap_or((0, 0)))
        })
    }

    /// Closes a poll now. A `Moderate` permit closes any poll of the group; a `Participate`
    /// permit only the person's own. Returns whether it was open.
    pub async fn close_poll(
        &self,
        permit: &Permit,
        poll_id: &str,
        account_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, own_only) = super::threads::thread_scope(permit)?;
            let closed = sqlx::query(
                "UPDATE polls SET closed_at = $1, \
             closes_at = CASE WHEN closes_at < $2 THEN closes_at ELSE $2 END \
             WHERE id = $3 AND closed_at IS NULL \
             AND (NOT $4 OR author_id = $5) \
             AND thread_id IN (SELECT id FROM threads WHERE group_id = $6 AND deleted_at IS NULL)",
            )
            .bind(now)
            .bind(now)
            .bind(poll_id)
            .bind(own_only)
            .bind(account_id)
            .bind(group_id)
            .execute(pool)
            .await?;
            Ok(closed.rows_affected() == 1)
        })
    }

    /// Closes every open poll whose time has come and tells each author, in the same
    /// transaction, so that they write the outcome.
    pub async fn close_due_polls(&self, now: i64) -> Result<Vec<ClosedPoll>, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let rows: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
                    "UPDATE polls SET closed_at = closes_at WHERE closed_at IS NULL AND closes_at <= $1 \
                     RETURNING id, title, author_id, thread_id",
                )
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
                let mut closed = Vec::new();
                for (id, title, author_id, thread_id) in rows {
                    let group_id: Option<String> =
                        sqlx::query_scalar("SELECT group_id FROM threads WHERE id = $1")
                            .bind(&thread_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if let (Some(author), Some(group_id)) = (author_id, group_id) {
                        let people = [author];
                        notify_in(
                            Conn::from(&mut *tx),
                            &Event::new(Kind::PollClosed, &group_id, now)
                                .thread(&thread_id)
                                .poll(&id)
                                .to(Audience::People(&people)),
                        )
                        .await?;
                    }
                    closed.push(ClosedPoll { id, title });
                }
                tx.commit().await?;
                Ok(closed)
            })
        })
    }

    /// Tells people that a poll closes within 24 hours, once per poll, as each poll's author
    /// chose: its undecided voters, all its voters, or the author. Returns how many polls.
    pub async fn remind_closing_polls(&self, now: i64) -> Result<usize, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let rows: Vec<(String, String, Option<String>, String, String, bool)> =
                    sqlx::query_as(
                        "UPDATE polls SET reminded_at = $1 WHERE closed_at IS NULL \
                         AND reminded_at IS NULL AND closes_at > $2 AND closes_at <= $3 \
                         AND remind <> 'nobody' AND closes_at - created_at > 86400 \
                         AND thread_id IN (SELECT id FROM threads WHERE deleted_at IS NULL) \
                         RETURNING id, thread_id, author_id, remind, \
                             (SELECT group_id FROM threads t WHERE t.id = polls.thread_id) AS group_id, \
                             voters_only",
                    )
                    .bind(now)
                    .bind(now)
                    .bind(now + 24 * 3600)
                    .fetch_all(&mut *tx)
                    .await?;
                for (poll_id, thread_id, author_id, remind, group_id, voters_only) in &rows {
                    let people: Vec<String> = match remind.as_str() {
                        "author" => author_id.iter().cloned().collect(),
                        _ => {
                            let undecided = remind == "undecided";
                            sqlx::query_scalar(
                                "SELECT m.account_id FROM memberships m WHERE m.group_id = $1 \
                                 AND (NOT $2 OR m.account_id IN \
                                     (SELECT v.account_id FROM poll_voters v WHERE v.poll_id = $3)) \
                                 AND (NOT $4 OR m.account_id NOT IN \
                                     (SELECT pp.account_id FROM poll_participants pp WHERE pp.poll_id = $3))",
                            )
                            .bind(group_id)
                            .bind(*voters_only)
                            .bind(poll_id)
                            .bind(undecided)
                            .fetch_all(&mut *tx)
                            .await?
                        }
                    };
                    notify_in(
                        Conn::from(&mut *tx),
                        &Event::new(Kind::PollClosing, group_id, now)
                            .thread(thread_id)
                            .poll(poll_id)
                            .to(Audience::People(&people)),
                    )
                    .await?;
                }
                tx.commit().await?;
                Ok(rows.len())
            })
        })
    }

    /// Writes (or rewrites) the outcome of a closed poll: the author's or an admin's. The group
    /// is told in the same transaction, the first time only.
    #[expect(clippy::too_many_arguments, reason = "one outcome, each part named")]
    pub async fn set_outcome(
        &self,
        permit: &Permit,
        poll_id: &str,
        account_id: &str,
        statement: &str,
        option: Option<usize>,
        attachments: &[super::Claim],
        now: i64,
    ) -> Result<Result<(), OutcomeProblem>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, own_only) = super::threads::thread_scope(permit)?;
            write_tx!(pool, |tx| {
                // Whether this is the first outcome is read under the poll's lock, so that two
                // outcomes written at once (or within one second) tell the group once.
                tx.lock_row(Guarded::Poll, poll_id).await?;
                let unwritten: Option<bool> =
                    sqlx::query_scalar("SELECT outcome_at IS NULL FROM polls WHERE id = $1")
                        .bind(poll_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let written: Option<String> = sqlx::query_scalar(
                    "UPDATE polls SET closed_at = COALESCE(closed_at, closes_at), \
             outcome_at = COALESCE(outcome_at, $1), outcome = $2, outcome_option = $3, \
             outcome_by = COALESCE(outcome_by, $4) \
             WHERE id = $5 AND (closed_at IS NOT NULL OR closes_at <= $6) \
             AND (NOT $7 OR author_id = $8) \
             AND thread_id IN (SELECT id FROM threads WHERE group_id = $9 AND deleted_at IS NULL) \
             RETURNING thread_id",
                )
                .bind(now)
                .bind(statement)
                .bind(option.and_then(|n| i64::try_from(n).ok()))
                .bind(account_id)
                .bind(poll_id)
                .bind(now)
                .bind(own_only)
                .bind(account_id)
                .bind(group_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(thread_id) = written else {
                    return Ok(Err(OutcomeProblem::StillOpen));
                };
                super::attachments::claim_in(
                    Conn::from(&mut *tx),
                    group_id,
                    account_id,
                    super::Owner::Outcome {
                        thread: &thread_id,
                        poll: poll_id,
                    },
                    attachments,
                    Some(now),
                )
                .await?;
                let first = unwritten.unwrap_or(false);
                if first {
                    notify_in(
                        Conn::from(&mut *tx),
                        &Event::new(Kind::Outcome, group_id, now)
                            .by(account_id)
                            .thread(&thread_id)
                            .poll(poll_id),
                    )
                    .await?;
                    record_activity(
                        Conn::from(&mut *tx),
                        group_id,
                        account_id,
                        "outcome",
                        About::Poll {
                            thread: &thread_id,
                            poll: poll_id,
                        },
                        now,
                    )
                    .await?;
                }
                tx.commit().await?;
                Ok(Ok(()))
            })
        })
    }
}

#[cfg(test)]
mod tests;
