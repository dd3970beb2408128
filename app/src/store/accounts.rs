//! Accounts, sign-in requests, sessions and email changes.
//!
//! Single use is enforced by the database, not by reading then writing: consuming a token is
//! one `UPDATE … WHERE used_at IS NULL … RETURNING`, so of two simultaneous uses exactly one
//! wins. A code attempt is counted before it is compared, in the same way, so parallel guesses
//! cannot exceed the limit.

use super::engine::{Guarded, LockRow};
use super::{Store, StoreError, random_id, unix_now};

/// Wrong codes allowed for one sign-in request.
pub const MAX_CODE_ATTEMPTS: i64 = 5;
/// A session's last-seen time is written at most this often (seconds), not on every request.
const LAST_SEEN_RESOLUTION: i64 = 60;

/// Notes whose the sessions about to end were (the time bound to the first `?`), so that a form
/// sent with one of them can be kept for its person (see `store::kept`).
const REMEMBER_ENDED: &str = "INSERT INTO ended_sessions (id_hash, account_id, ended_at) \
    SELECT id_hash, account_id, ? FROM sessions";

pub struct NewSignInRequest<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub token_hash: &'a str,
    pub code_hash: &'a str,
    pub handle_hash: &'a str,
    pub next_path: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

/// A sign-in request that was valid when read or consumed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingSignIn {
    pub email: String,
    pub next_path: String,
}

/// What became of a typed code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeOutcome {
    Accepted(PendingSignIn),
    Wrong {
        tries_left: i64,
    },
    TooManyTries,
    /// No live request for this browser: never made, expired, or already used.
    NoRequest,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub display_name: Option<String>,
    pub password_hash: Option<String>,
}

/// The account behind a live session.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionAccount {
    pub public_id: String,
    pub account_id: String,
    pub email: String,
    pub display_name: Option<String>,
    pub has_password: bool,
    /// The zone the person reads times in (IANA name).
    pub time_zone: String,
    /// How many of their notifications in the app are unread (at most 100).
    pub unread_notifications: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionSummary {
    pub public_id: String,
    pub device: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub struct NewEmailChange<'a> {
    pub id: &'a str,
    pub account_id: &'a str,
    pub new_email: &'a str,
    pub token_hash: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailChangeOutcome {
    Changed {
        account_id: String,
        new_email: String,
    },
    /// The new address belongs to another account by now.
    Taken,
    Invalid,
}

impl Store {
    /// Sets the zone a person reads and writes times in. `zone` must be a known IANA name.
    pub async fn set_time_zone(&self, account_id: &str, zone: &str) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query("UPDATE accounts SET time_zone = $1 WHERE id = $2")
                .bind(zone)
                .bind(account_id)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// A named secret of this instance, made on first use and kept in the database.
    pub async fn instance_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        on_engine!(self, |pool| {
            sqlx::query("INSERT INTO instance_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(fresh)
            .execute(pool)
            .await?;
            Ok(
                sqlx::query_scalar("SELECT value FROM instance_secrets WHERE name = $1")
                    .bind(name)
                    .fetch_one(pool)
                    .await?,
            )
        })
    }

    /// Stores a new sign-in request, replacing any earlier unused one for the same address.
    pub async fn create_sign_in_request(
        &self,
        request: &NewSignInRequest<'_>,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                sqlx::query("DELETE FROM sign_in_requests WHERE email = $1 AND used_at IS NULL")
                    .bind(request.email)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO sign_in_requests \
             (id, email, token_hash, code_hash, handle_hash, next_path, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(request.id)
                .bind(request.email)
                .bind(request.token_hash)
                .bind(request.code_hash)
                .bind(request.handle_hash)
                .bind(request.next_path)
                .bind(request.now)
                .bind(request.expires_at)
                .execute(&mut *tx)
                .await?;
                // Old requests are kept only as long as they could matter.
                sqlx::query("DELETE FROM sign_in_requests WHERE expires_at < $1")
                    .bind(request.now - 24 * 60 * 60)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            })
        })
    }

    /// The live request behind a link, without using it up (for the confirm page).
    pub async fn sign_in_request_by_token(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<PendingSignIn>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT email, next_path FROM sign_in_requests \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Uses up the request behind a link: succeeds once.
    pub async fn consume_sign_in_token(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<PendingSignIn>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "UPDATE sign_in_requests SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 \
             RETURNING email, next_path",
            )
            .bind(now)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// The address of the live request made by this browser, if any (for the check page).
    pub async fn sign_in_email_by_handle(
        &self,
        handle_hash: &str,
        now: i64,
    ) -> Result<Option<PendingSignIn>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT email, next_path FROM sign_in_requests \
             WHERE handle_hash = $1 AND used_at IS NULL AND expires_at > $2",
            )
            .bind(handle_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// The address of this browser's unused request, even if expired: "send again" needs it.
    pub async fn sign_in_request_for_resend(
        &self,
        handle_hash: &str,
    ) -> Result<Option<PendingSignIn>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as("SELECT email, next_path FROM sign_in_requests WHERE handle_hash = $1 AND used_at IS NULL")
            .bind(handle_hash)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Tries a typed code against this browser's request. `digest_of` turns the request id and
    /// the code into the stored digest (see `auth::token::code_digest`).
    pub async fn try_sign_in_code(
        &self,
        handle_hash: &str,
        now: i64,
        digest_matches: impl FnOnce(&str, &str) -> bool,
    ) -> Result<CodeOutcome, StoreError> {
        on_engine!(self, |pool| {
            let counted: Option<(String, String, i64)> = sqlx::query_as(
                "UPDATE sign_in_requests SET code_attempts = code_attempts + 1 \
             WHERE handle_hash = $1 AND used_at IS NULL AND expires_at > $2 AND code_attempts < $3 \
             RETURNING id, code_hash, code_attempts",
            )
            .bind(handle_hash)
            .bind(now)
            .bind(MAX_CODE_ATTEMPTS)
            .fetch_optional(pool)
            .await?;
            let Some((id, code_hash, attempts)) = counted else {
                let exhausted: Option<i64> = sqlx::query_scalar(
                    "SELECT code_attempts FROM sign_in_requests \
                 WHERE handle_hash = $1 AND used_at IS NULL AND expires_at > $2",
                )
                .bind(handle_hash)
                .bind(now)
                .fetch_optional(pool)
                .await?;
                return Ok(if exhausted.is_some() {
                    CodeOutcome::TooManyTries
                } else {
                    CodeOutcome::NoRequest
                });
            };
            if !digest_matches(&id, &code_hash) {
                let tries_left = MAX_CODE_ATTEMPTS - attempts;
                return Ok(if tries_left > 0 {
                    CodeOutcome::Wrong { tries_left }
                } else {
                    CodeOutcome::TooManyTries
                });
            }
            let consumed: Option<PendingSignIn> = sqlx::query_as(
                "UPDATE sign_in_requests SET used_at = $1 WHERE id = $2 AND used_at IS NULL \
             RETURNING email, next_path",
            )
            .bind(now)
            .bind(&id)
            .fetch_optional(pool)
            .await?;
            Ok(consumed.map_or(CodeOutcome::NoRequest, CodeOutcome::Accepted))
        })
    }

    /// The account for an address, made on first sign-in.
    pub async fn find_or_create_account(
        &self,
        new_id: &str,
        email: &str,
        now: i64,
    ) -> Result<Account, StoreError> {
        on_engine!(self, |pool| {
            sqlx::query("INSERT INTO accounts (id, email, created_at) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING")
            .bind(new_id)
            .bind(email)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(sqlx::query_as(
                "SELECT id, email, display_name, password_hash FROM accounts WHERE email = $1",
            )
            .bind(email)
            .fetch_one(pool)
            .await?)
        })
    }

    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, email, display_name, password_hash FROM accounts WHERE email = $1",
            )
            .bind(email)
            .fetch_optional(pool)
            .await?)
        })
    }

    pub async fn account_by_id(&self, id: &str) -> Result<Option<Account>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, email, display_name, password_hash FROM accounts WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Sets the name shown for an account. The first time, the account also gets the handle it
    /// is `@mentioned` by, made from the name ("ada-lovelace", then "ada-lovelace-2", …); the
    /// handle then stays, so that mentions already written keep working.
    pub async fn set_display_name(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let handle: Option<Option<String>> = sqlx::query_scalar(
                    "UPDATE accounts SET display_name = $1 WHERE id = $2 RETURNING handle",
                )
                .bind(name)
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
                if matches!(handle, Some(None)) {
                    let base = crate::domain::threads::handle_from_name(name);
                    // People naming themselves alike at once take turns to pick a free handle,
                    // as PostgreSQL would otherwise let both pick the same one.
                    tx.lock_row(Guarded::Handle, &format!("@{base}")).await?;
                    let taken: Vec<String> = sqlx::query_scalar(
                        "SELECT handle FROM accounts WHERE handle = $1 OR handle LIKE $2",
                    )
                    .bind(&base)
                    .bind(format!("{base}-%"))
                    .fetch_all(&mut *tx)
                    .await?;
                    let handle = match (1..=99u32)
                        .map(|n| {
                            if n == 1 {
                                base.clone()
                            } else {
                                format!("{base}-{n}")
                            }
                        })
                        .find(|h| !taken.contains(h))
                    {
                        Some(free) => free,
                        None => format!("{base}-{}", &random_id()?[..6]),
                    };
                    sqlx::query("UPDATE accounts SET handle = $1 WHERE id = $2")
                        .bind(handle)
                        .bind(account_id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            })
        })
    }

    /// The handle an account is `@mentioned` by, once it has a name.
    pub async fn mention_handle(&self, account_id: &str) -> Result<Option<String>, StoreError> {
        on_engine!(self, |pool| {
            Ok(
                sqlx::query_scalar("SELECT handle FROM accounts WHERE id = $1")
                    .bind(account_id)
                    .fetch_optional(pool)
                    .await?
                    .flatten(),
            )
        })
    }

    pub async fn set_password_hash(
        &self,
        account_id: &str,
        hash: Option<&str>,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
                .bind(hash)
                .bind(account_id)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    pub async fn create_session(
        &self,
        id_hash: &str,
        public_id: &str,
        account_id: &str,
        device: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(
            "INSERT INTO sessions (id_hash, public_id, account_id, device, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_hash)
        .bind(public_id)
        .bind(account_id)
        .bind(device)
        .bind(now)
        .bind(now)
        .execute(pool)
        .await?;
            Ok(())
        })
    }

    /// The account behind a session id, if the session is live. A session idle for longer than
    /// `idle_limit` seconds is ended here. Last-seen is updated at most once a minute.
    pub async fn session_account(
        &self,
        id_hash: &str,
        now: i64,
        idle_limit: Option<i64>,
    ) -> Result<Option<SessionAccount>, StoreError> {
        on_engine!(self, |pool| {
            #[derive(sqlx::FromRow)]
            struct Row {
                public_id: String,
                account_id: String,
                email: String,
                display_name: Option<String>,
                password_hash: Option<String>,
                last_seen_at: i64,
                time_zone: String,
                unread: i64,
            }
            let row: Option<Row> = sqlx::query_as(
            "SELECT s.public_id, a.id AS account_id, a.email, a.display_name, a.password_hash, s.last_seen_at, a.time_zone, \
                 (SELECT COUNT(*) FROM (SELECT 1 FROM notifications n \
                     JOIN memberships m ON m.group_id = n.group_id AND m.account_id = n.account_id \
                     LEFT JOIN threads t ON t.id = n.thread_id \
                     LEFT JOIN comments c ON c.id = n.comment_id \
                     WHERE n.account_id = a.id AND n.in_app AND n.read_at IS NULL \
                       AND (n.thread_id IS NULL OR t.deleted_at IS NULL) \
                       AND (n.comment_id IS NULL OR c.deleted_at IS NULL) LIMIT 100) AS unread_rows) AS unread \
             FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(pool)
        .await?;
            let Some(Row {
                public_id,
                account_id,
                email,
                display_name,
                password_hash,
                last_seen_at,
                time_zone,
                unread,
            }) = row
            else {
                return Ok(None);
            };
            if idle_limit.is_some_and(|limit| now - last_seen_at > limit) {
                self.end_session_by_hash(id_hash).await?;
                return Ok(None);
            }
            if now - last_seen_at >= LAST_SEEN_RESOLUTION {
                // Only the session list shows it, to the minute: a database too busy to note it
                // now must not cost the person the page they asked for.
                let noted = sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                    .bind(now)
                    .bind(id_hash)
                    .execute(pool)
                    .await;
                if let Err(error) = noted.map_err(StoreError::from) {
                    if !error.is_busy() {
                        return Err(error);
                    }
                    tracing::warn!(cause = %error, "a session's last use was not noted: the database is busy");
                }
            }
            Ok(Some(SessionAccount {
                public_id,
                account_id,
                email,
                display_name,
                has_password: password_hash.is_some(),
                time_zone,
                unread_notifications: unread,
            }))
        })
    }

    pub async fn end_session_by_hash(&self, id_hash: &str) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(sql!(
                "{REMEMBER_ENDED} WHERE id_hash = ? ON CONFLICT (id_hash) DO NOTHING"
            ))
            .bind(unix_now())
            .bind(id_hash)
            .execute(pool)
            .await?;
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Ends one of the account's sessions; false when there is no such session of this account.
    pub async fn end_session(&self, account_id: &str, public_id: &str) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(sql!(
                "{REMEMBER_ENDED} WHERE account_id = ? AND public_id = ? ON CONFLICT (id_hash) DO NOTHING"
            ))
            .bind(unix_now())
            .bind(account_id)
            .bind(public_id)
            .execute(pool)
            .await?;
            let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND public_id = $2")
                .bind(account_id)
                .bind(public_id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Ends every session of the account but `keep`; returns how many ended.
    pub async fn end_other_sessions(
        &self,
        account_id: &str,
        keep: &str,
    ) -> Result<u64, StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(sql!(
                "{REMEMBER_ENDED} WHERE account_id = ? AND public_id <> ? ON CONFLICT (id_hash) DO NOTHING"
            ))
            .bind(unix_now())
            .bind(account_id)
            .bind(keep)
            .execute(pool)
            .await?;
            let done =
                sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND public_id <> $2")
                    .bind(account_id)
                    .bind(keep)
                    .execute(pool)
                    .await?;
            Ok(done.rows_affected())
        })
    }

    pub async fn sessions_of(&self, account_id: &str) -> Result<Vec<SessionSummary>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT public_id, device, created_at, last_seen_at FROM sessions \
             WHERE account_id = $1 ORDER BY last_seen_at DESC LIMIT 100",
            )
            .bind(account_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Records a pending change of address, replacing any earlier one for the account.
    pub async fn create_email_change(&self, change: &NewEmailChange<'_>) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                sqlx::query("DELETE FROM email_changes WHERE account_id = $1 AND used_at IS NULL")
                    .bind(change.account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
            "INSERT INTO email_changes (id, account_id, new_email, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(change.id)
        .bind(change.account_id)
        .bind(change.new_email)
        .bind(change.token_hash)
        .bind(change.now)
        .bind(change.expires_at)
        .execute(&mut *tx)
        .await?;
                tx.commit().await?;
                Ok(())
            })
        })
    }

    /// The new address a live change link would set (for the confirm page).
    pub async fn email_change_by_token(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_scalar(
            "SELECT new_email FROM email_changes WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await?)
        })
    }

    /// Uses a change link: sets the new address once, in one transaction.
    pub async fn consume_email_change(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<EmailChangeOutcome, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let change: Option<(String, String)> = sqlx::query_as(
            "UPDATE email_changes SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 RETURNING account_id, new_email",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
                let Some((account_id, new_email)) = change else {
                    return Ok(EmailChangeOutcome::Invalid);
                };
                let taken: Option<String> =
                    sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1 AND id <> $2")
                        .bind(&new_email)
                        .bind(&account_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if taken.is_some() {
                    tx.commit().await?;
                    return Ok(EmailChangeOutcome::Taken);
                }
                sqlx::query("UPDATE accounts SET email = $1 WHERE id = $2")
                    .bind(&new_email)
                    .bind(&account_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(EmailChangeOutcome::Changed {
                    account_id,
                    new_email,
                })
            })
        })
    }
}
