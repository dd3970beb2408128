//! Reply by email: the notification a reply address names, and the record of inbound
//! messages that makes each one handled once (`inbound_mail`).
//!
//! Strategy: a message is claimed by inserting its row (keyed by a hash of its Message-ID)
//! before anything else is done, so a copy sent again, or the same message arriving by two
//! ways at once, finds the row and is left alone; the row then says how it ended. A reply
//! address is spent by the same row once its token checks out: a unique index lets one row
//! hold a notification while it is being posted or once posted, so two messages through one
//! address cannot both post, on either engine. A claim is given up (the row deleted) when
//! handling failed for a reason of Quorum's own, so that the sender's retry is handled anew.

use super::{Store, StoreError};

/// The notification a reply address names, with what deciding on the reply needs.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReplyTarget {
    pub notification_id: String,
    /// Whose notification it is: the only person who may reply through it.
    pub account_id: String,
    pub email: String,
    pub group_id: String,
    pub thread_id: Option<String>,
    /// The comment the notification is about; the reply answers it.
    pub comment_id: Option<String>,
    pub created_at: i64,
}

/// How handling an inbound message ended, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundOutcome<'a> {
    Posted {
        comment_id: &'a str,
    },
    /// Refused, for `reason` (a short code such as `expired`).
    Refused {
        reason: &'static str,
    },
    /// An auto-reply or a report, for `reason`.
    Dropped {
        reason: &'static str,
    },
}

/// How long inbound messages are remembered: longer than a reply address lives, so that a
/// copy sent again is always recognised while its address could still post.
pub const INBOUND_KEPT_FOR: i64 = 90 * 86_400;
/// How long a claim may stay unfinished before the housekeeping job gives it up (a server
/// stopped while handling the message).
pub const INBOUND_CLAIM_STALE_AFTER: i64 = 3_600;

impl Store {
    /// The notification `notification_id` with its person's address.
    pub async fn reply_target(
        &self,
        notification_id: &str,
    ) -> Result<Option<ReplyTarget>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT n.id AS notification_id, n.account_id, a.email, n.group_id, n.thread_id, \
                     n.comment_id, n.created_at \
                 FROM notifications n JOIN accounts a ON a.id = n.account_id WHERE n.id = $1",
            )
            .bind(notification_id)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Claims the inbound message `message_hash`: `false` when it was handled (or is being
    /// handled) already.
    pub async fn claim_inbound(&self, message_hash: &str, now: i64) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query(
                "INSERT INTO inbound_mail (message_hash, received_at, outcome) \
                 VALUES ($1, $2, 'processing') ON CONFLICT (message_hash) DO NOTHING",
            )
            .bind(message_hash)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
                == 1)
        })
    }

    /// Spends the reply address of `notification_id` for the claimed message `message_hash`:
    /// `false` when another message posted through it, or is posting through it now.
    pub async fn spend_reply_address(
        &self,
        message_hash: &str,
        notification_id: &str,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let spent = sqlx::query(
                "UPDATE inbound_mail SET notification_id = $1 WHERE message_hash = $2 \
                 AND NOT EXISTS (SELECT 1 FROM inbound_mail o WHERE o.notification_id = $1 \
                     AND o.outcome IN ('processing', 'posted') AND o.message_hash <> $2)",
            )
            .bind(notification_id)
            .bind(message_hash)
            .execute(pool)
            .await;
            match spent {
                Ok(done) => Ok(done.rows_affected() == 1),
                // Two at once on PostgreSQL: the index lets one through.
                Err(error) if super::groups::is_unique_violation(&error) => Ok(false),
                Err(error) => Err(error.into()),
            }
        })
    }

    /// Records how the claimed message `message_hash` ended.
    pub async fn finish_inbound(
        &self,
        message_hash: &str,
        outcome: InboundOutcome<'_>,
    ) -> Result<(), StoreError> {
        let (state, reason, comment_id) = match outcome {
            InboundOutcome::Posted { comment_id } => ("posted", None, Some(comment_id)),
            InboundOutcome::Refused { reason } => ("refused", Some(reason), None),
            InboundOutcome::Dropped { reason } => ("dropped", Some(reason), None),
        };
        on_engine!(self, |pool| {
            sqlx::query(
                "UPDATE inbound_mail SET outcome = $1, reason = $2, comment_id = $3 \
                 WHERE message_hash = $4",
            )
            .bind(state)
            .bind(reason)
            .bind(comment_id)
            .bind(message_hash)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Gives up the claim of `message_hash`, unfinished, so that the message is handled anew
    /// when it comes again.
    pub async fn release_inbound(&self, message_hash: &str) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(
                "DELETE FROM inbound_mail WHERE message_hash = $1 AND outcome = 'processing'",
            )
            .bind(message_hash)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Forgets inbound messages older than [`INBOUND_KEPT_FOR`], and claims left unfinished
    /// for longer than [`INBOUND_CLAIM_STALE_AFTER`]. Returns how many rows went.
    pub async fn purge_inbound(&self, now: i64) -> Result<u64, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query(
                "DELETE FROM inbound_mail WHERE received_at < $1 \
                 OR (outcome = 'processing' AND received_at < $2)",
            )
            .bind(now - INBOUND_KEPT_FOR)
            .bind(now - INBOUND_CLAIM_STALE_AFTER)
            .execute(pool)
            .await?
            .rows_affected())
        })
    }
}
