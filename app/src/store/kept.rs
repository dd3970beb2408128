//! Answers kept across an ended session: a form sent with a session that had ended, kept for
//! the person whose session it was, in the browser that sent it, for a day (see migration
//! 0011 and `server::kept_answers`); and the record of whose a session was, for a day after it
//! ended, that lets it be kept.

use super::{Store, StoreError, random_id};

/// How long kept answers, and the record of an ended session, last.
pub const KEPT_FOR: i64 = 24 * 60 * 60;

/// Answers to keep.
#[derive(Debug, Clone)]
pub struct NewKeptAnswers<'a> {
    pub account_id: &'a str,
    /// SHA-256 of the secret the browser holds in its cookie.
    pub secret_hash: &'a str,
    pub action: &'a str,
    /// The form's fields, form-encoded, its token left out.
    pub fields: &'a str,
    pub now: i64,
}

/// Kept answers, taken out of the store to be shown once.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KeptAnswers {
    pub secret_hash: String,
    pub account_id: String,
    pub action: String,
    pub fields: String,
    pub expires_at: i64,
}

impl Store {
    /// Whose the session with this id hash was, when it ended within the last day.
    pub async fn ended_session_account(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_scalar(
                "SELECT account_id FROM ended_sessions WHERE id_hash = $1 AND ended_at > $2",
            )
            .bind(id_hash)
            .bind(now - KEPT_FOR)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Keeps answers; returns the id that names them.
    pub async fn keep_answers(&self, kept: &NewKeptAnswers<'_>) -> Result<String, StoreError> {
        let id = random_id()?;
        on_engine!(self, |pool| {
            sqlx::query(
                "INSERT INTO kept_answers (id, secret_hash, account_id, action, fields, kept_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(kept.secret_hash)
            .bind(kept.account_id)
            .bind(kept.action)
            .bind(kept.fields)
            .bind(kept.now)
            .bind(kept.now + KEPT_FOR)
            .execute(pool)
            .await?;
            Ok(id)
        })
    }

    /// Takes kept answers out of the store: they are shown once, or discarded, whoever asks.
    pub async fn take_kept_answers(&self, id: &str) -> Result<Option<KeptAnswers>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "DELETE FROM kept_answers WHERE id = $1 \
                 RETURNING secret_hash, account_id, action, fields, expires_at",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Removes kept answers and records of ended sessions older than a day; how many.
    pub async fn purge_kept_answers(&self, now: i64) -> Result<u64, StoreError> {
        on_engine!(self, |pool| {
            let answers = sqlx::query("DELETE FROM kept_answers WHERE expires_at <= $1")
                .bind(now)
                .execute(pool)
                .await?;
            let sessions = sqlx::query("DELETE FROM ended_sessions WHERE ended_at <= $1")
                .bind(now - KEPT_FOR)
                .execute(pool)
                .await?;
            Ok(answers.rows_affected() + sessions.rows_affected())
        })
    }
}
