//! Instance operators and support access (migration 0015).
//!
//! An operator is a person the instance's runners named with `quorum operator add`. The role
//! shows counts and mail health only: it gives no way into a group. A group's admin can let
//! operators read the group for a while with a *support grant*; a grant is active while it is
//! neither revoked nor past its end. Admins hear when a grant starts and when it ends: a revoke
//! tells them at once, and a grant that runs out is told once by a timed job, which claims it by
//! setting `end_notified_at` in the same transaction as the emails it writes.

use super::{Conn, NewMail, Store, StoreError, random_id};

/// A support grant, as the settings page and the emails describe it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SupportGrant {
    pub id: String,
    pub group_id: String,
    pub granted_at: i64,
    pub ends_at: i64,
}

/// What the operators' page shows: counts and mail health, never content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceFigures {
    pub people: i64,
    pub groups: i64,
    /// Emails neither sent nor given up on.
    pub mail_queued: i64,
    /// Emails given up on after three days of trying.
    pub mail_failed: i64,
    /// When the oldest queued email was written (Unix seconds).
    pub oldest_queued_at: Option<i64>,
}

/// An admin to tell about a grant's end, and the group's name and handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantNotice {
    pub email: String,
    pub group_name: String,
    pub group_handle: String,
}

/// One operator, for `quorum operator list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub email: String,
    pub added_at: i64,
}

const ACTIVE: &str = "revoked_at IS NULL AND ends_at > $2";

impl Store {
    /// Gives `account_id` the operator role; false when it held it already.
    pub async fn add_operator(&self, account_id: &str, now: i64) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let added = sqlx::query(
                "INSERT INTO operators (account_id, added_at) VALUES ($1, $2) \
                 ON CONFLICT (account_id) DO NOTHING",
            )
            .bind(account_id)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(added.rows_affected() == 1)
        })
    }

    /// Takes the operator role from `account_id`; false when it did not hold it.
    pub async fn remove_operator(&self, account_id: &str) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let removed = sqlx::query("DELETE FROM operators WHERE account_id = $1")
                .bind(account_id)
                .execute(pool)
                .await?;
            Ok(removed.rows_affected() == 1)
        })
    }

    /// Everyone with the operator role, by email.
    pub async fn operators(&self) -> Result<Vec<Operator>, StoreError> {
        on_engine!(self, |pool| {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT a.email, o.added_at FROM operators o \
                 JOIN accounts a ON a.id = o.account_id ORDER BY a.email",
            )
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(email, added_at)| Operator { email, added_at })
                .collect())
        })
    }

    pub async fn is_operator(&self, account_id: &str) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let found: Option<String> =
                sqlx::query_scalar("SELECT account_id FROM operators WHERE account_id = $1")
                    .bind(account_id)
                    .fetch_optional(pool)
                    .await?;
            Ok(found.is_some())
        })
    }

    /// The counts the operators' page shows.
    pub async fn instance_figures(&self) -> Result<InstanceFigures, StoreError> {
        on_engine!(self, |pool| {
            let (people, groups): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM groups)",
            )
            .fetch_one(pool)
            .await?;
            let mail_failed: i64 =
                sqlx::query_scalar("SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL")
                    .fetch_one(pool)
                    .await?;
            let backlog = self.outbox_backlog().await?;
            Ok(InstanceFigures {
                people,
                groups,
                mail_queued: backlog.waiting,
                mail_failed,
                oldest_queued_at: backlog.oldest_created_at,
            })
        })
    }

    /// The group's active support grant, if any.
    pub async fn active_support_grant(
        &self,
        group_id: &str,
        now: i64,
    ) -> Result<Option<SupportGrant>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sql!(
                "SELECT id, group_id, granted_at, ends_at FROM support_grants \
                 WHERE group_id = $1 AND {ACTIVE} ORDER BY ends_at DESC LIMIT 1"
            ))
            .bind(group_id)
            .bind(now)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Whether `account_id` is an operator and the group has an active support grant: then
    /// they may read it.
    pub async fn may_read_for_support(
        &self,
        group_id: &str,
        account_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let found: Option<String> = sqlx::query_scalar(sql!(
                "SELECT g.id FROM support_grants g \
                 JOIN operators o ON o.account_id = $3 \
                 WHERE g.group_id = $1 AND {ACTIVE} LIMIT 1"
            ))
            .bind(group_id)
            .bind(now)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
            Ok(found.is_some())
        })
    }

    /// Starts a support grant until `ends_at`, unless one is active already (a second press):
    /// the new grant, or `None`.
    pub async fn grant_support(
        &self,
        group_id: &str,
        granted_by: &str,
        now: i64,
        ends_at: i64,
    ) -> Result<Option<SupportGrant>, StoreError> {
        let id = random_id()?;
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let active: Option<String> = sqlx::query_scalar(sql!(
                    "SELECT id FROM support_grants WHERE group_id = $1 AND {ACTIVE}"
                ))
                .bind(group_id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                if active.is_some() {
                    return Ok(None);
                }
                sqlx::query(
                    "INSERT INTO support_grants (id, group_id, granted_by, granted_at, ends_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&id)
                .bind(group_id)
                .bind(granted_by)
                .bind(now)
                .bind(ends_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some(SupportGrant {
                    id: id.clone(),
                    group_id: group_id.to_string(),
                    granted_at: now,
                    ends_at,
                }))
            })
        })
    }

    /// Ends the group's active support grant now; the grant ended, or `None` when none was
    /// active. Its end counts as told: the caller tells the admins.
    pub async fn revoke_support(
        &self,
        group_id: &str,
        revoked_by: &str,
        now: i64,
    ) -> Result<Option<SupportGrant>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sql!(
                "UPDATE support_grants SET revoked_at = $2, revoked_by = $3, end_notified_at = $2 \
                 WHERE group_id = $1 AND {ACTIVE} RETURNING id, group_id, granted_at, ends_at"
            ))
            .bind(group_id)
            .bind(now)
            .bind(revoked_by)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// The email addresses of a group's admins, with the group's name.
    pub async fn group_admin_emails(&self, group_id: &str) -> Result<Vec<String>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_scalar(
                "SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id \
                 WHERE m.group_id = $1 AND m.role = 'admin' ORDER BY a.email",
            )
            .bind(group_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Marks the grants that ran out by `now` and were not yet told as told, and writes the
    /// emails `mail_for` makes for each (to each admin of its group) in the same transaction;
    /// how many grants ended.
    pub async fn end_due_support_grants(
        &self,
        now: i64,
        mail_for: impl Fn(&SupportGrant, &GrantNotice) -> NewMail,
    ) -> Result<usize, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let grants: Vec<SupportGrant> = sqlx::query_as(
                    "UPDATE support_grants SET end_notified_at = $1 \
                     WHERE end_notified_at IS NULL AND revoked_at IS NULL AND ends_at <= $1 \
                     RETURNING id, group_id, granted_at, ends_at",
                )
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
                for grant in &grants {
                    let admins: Vec<(String, String, String)> = sqlx::query_as(
                        "SELECT a.email, g.name, g.handle FROM memberships m \
                         JOIN accounts a ON a.id = m.account_id \
                         JOIN groups g ON g.id = m.group_id \
                         WHERE m.group_id = $1 AND m.role = 'admin'",
                    )
                    .bind(&grant.group_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    for (email, group_name, group_handle) in admins {
                        let notice = GrantNotice {
                            email,
                            group_name,
                            group_handle,
                        };
                        Store::enqueue_mail_in(Conn::from(&mut *tx), &mail_for(grant, &notice))
                            .await?;
                    }
                }
                tx.commit().await?;
                Ok(grants.len())
            })
        })
    }
}
