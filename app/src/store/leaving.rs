//! Leaving Quorum: deactivating an account (memberships and sessions end; signing in again
//! brings the person back) and deleting it (the account row goes, and with it everything that
//! names the person, while what they wrote stays with the group as "Deleted account").
//!
//! Deletion erases, in one transaction with the deletion itself:
//! - the row in `accounts` (name, email, password hash, handle), which cascades to sessions,
//!   memberships, join requests, email changes, reactions, read marks, kept answers and named
//!   voter lists, and sets authors, editors and voters of what stays to NULL;
//! - sign-in requests and invitations to the address, which have no link to the account;
//! - the person's identity, email hash and IP addresses in the audit log: the one place where
//!   an audit row is changed, as the right to erasure outranks the record;
//! - mail to the address, blanked, and the person's name in other people's mail, replaced.

use super::engine::{Guarded, LockRow};
use super::{Conn, NewMail, Store, StoreError};

/// A group the person is the only admin of: they must hand it over before they leave.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SoleAdminGroup {
    pub handle: String,
    pub name: String,
}

/// What an attempt to leave came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leaving {
    Done,
    /// Refused, and nothing changed: these groups would be left without an admin.
    SoleAdmin(Vec<SoleAdminGroup>),
}

/// The groups `account_id` is the only admin of, by name.
const SOLE_ADMIN: &str = "SELECT g.handle, g.name FROM memberships m \
     JOIN groups g ON g.id = m.group_id \
     WHERE m.account_id = $1 AND m.role = 'admin' \
     AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.group_id = m.group_id \
        AND o.role = 'admin' AND o.account_id <> m.account_id) \
     ORDER BY g.name, g.handle";

/// The groups `account_id` is an admin of, to lock before counting their admins.
const ADMIN_OF: &str =
    "SELECT group_id FROM memberships WHERE account_id = $1 AND role = 'admin' ORDER BY group_id";

/// In the write transaction `$tx`: locks the groups `$account` is an admin of, then gives
/// those it is the only admin of, so that admins leaving at once cannot leave a group without
/// one.
macro_rules! sole_admins_locked {
    ($tx:ident, $account:expr) => {{
        let groups: Vec<String> = sqlx::query_scalar(ADMIN_OF)
            .bind($account)
            .fetch_all(&mut *$tx)
            .await?;
        for group in &groups {
            $tx.lock_row(Guarded::Group, group).await?;
        }
        let sole: Vec<SoleAdminGroup> = sqlx::query_as(SOLE_ADMIN)
            .bind($account)
            .fetch_all(&mut *$tx)
            .await?;
        sole
    }};
}

impl Store {
    /// The groups that `account_id` must hand over before leaving Quorum.
    pub async fn sole_admin_groups(
        &self,
        account_id: &str,
    ) -> Result<Vec<SoleAdminGroup>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(SOLE_ADMIN)
                .bind(account_id)
                .fetch_all(pool)
                .await?)
        })
    }

    /// Deactivates `account_id`: its memberships, pending join requests, sessions and kept
    /// answers end, and `mail` (the confirmation) is queued. Signing in again undoes it.
    pub async fn deactivate_account(
        &self,
        account_id: &str,
        now: i64,
        mail: &NewMail,
    ) -> Result<Leaving, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let sole = sole_admins_locked!(tx, account_id);
                if !sole.is_empty() {
                    return Ok(Leaving::SoleAdmin(sole));
                }
                for statement in [
                    "DELETE FROM memberships WHERE account_id = $1",
                    "DELETE FROM join_requests WHERE account_id = $1",
                    "DELETE FROM sessions WHERE account_id = $1",
                    "DELETE FROM kept_answers WHERE account_id = $1",
                ] {
                    sqlx::query(statement)
                        .bind(account_id)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE accounts SET deactivated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                Self::enqueue_mail_in(Conn::from(&mut *tx), mail).await?;
                tx.commit().await?;
                Ok(Leaving::Done)
            })
        })
    }

    /// Deletes `account_id` and erases what names its owner (see the module's notes); queues
    /// `mail`, the confirmation, to forget its recipient once delivered. `email_hash` is the
    /// audit log's keyed hash of the account's address.
    pub async fn delete_account(
        &self,
        account_id: &str,
        email_hash: &str,
        mail: &NewMail,
    ) -> Result<Leaving, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let sole = sole_admins_locked!(tx, account_id);
                if !sole.is_empty() {
                    return Ok(Leaving::SoleAdmin(sole));
                }
                let found: Option<(String, Option<String>)> =
                    sqlx::query_as("SELECT email, display_name FROM accounts WHERE id = $1")
                        .bind(account_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((email, name)) = found else {
                    return Ok(Leaving::Done);
                };
                for statement in [
                    "DELETE FROM sign_in_requests WHERE email = $1",
                    "DELETE FROM invitations WHERE email = $1",
                    // Mail to the address: nothing of it is kept, and what is unsent never goes.
                    "UPDATE outbox SET recipient = '', subject = '', body_text = '', \
                     body_html = '', calendar = NULL, last_error = NULL, \
                     failed_at = COALESCE(sent_at, failed_at, next_attempt_at) \
                     WHERE recipient = $1",
                ] {
                    sqlx::query(statement)
                        .bind(&email)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(name) = name.filter(|name| !name.is_empty()) {
                    // Other people's mail that names them ("… mentioned you"), sent or not.
                    let escaped = crate::mail::templates::escape(&name);
                    sqlx::query(
                        "UPDATE outbox SET subject = REPLACE(subject, $1, 'Deleted account'), \
                         body_text = REPLACE(body_text, $1, 'Deleted account'), \
                         body_html = REPLACE(REPLACE(body_html, $1, 'Deleted account'), $2, \
                            'Deleted account') \
                         WHERE subject LIKE $3 ESCAPE '\\' OR body_text LIKE $3 ESCAPE '\\' \
                            OR body_html LIKE $3 ESCAPE '\\' OR body_html LIKE $4 ESCAPE '\\'",
                    )
                    .bind(&name)
                    .bind(&escaped)
                    .bind(containing(&name))
                    .bind(containing(&escaped))
                    .execute(&mut *tx)
                    .await?;
                }
                // The addresses the person was seen at, taken from their own audit lines.
                sqlx::query(
                    "UPDATE audit_events SET account_id = NULL, email_hash = NULL, ip = NULL \
                     WHERE account_id = $1 OR email_hash = $2",
                )
                .bind(account_id)
                .bind(email_hash)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE audit_events SET subject_id = NULL WHERE subject_id = $1")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM accounts WHERE id = $1")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                let id = Self::enqueue_mail_in(Conn::from(&mut *tx), mail).await?;
                sqlx::query("UPDATE outbox SET erase_when_sent = TRUE WHERE id = $1")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Leaving::Done)
            })
        })
    }

    /// Signing in again undoes a deactivation. Returns whether the account was deactivated.
    pub async fn reactivate_account(&self, account_id: &str) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query(
                "UPDATE accounts SET deactivated_at = NULL \
                 WHERE id = $1 AND deactivated_at IS NOT NULL",
            )
            .bind(account_id)
            .execute(pool)
            .await?
            .rows_affected()
                == 1)
        })
    }
}

/// A LIKE pattern (with `ESCAPE '\'`) for text containing `text` literally.
fn containing(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}
