//! Personal exports: a person asks for a copy of their data, a background job builds it (a
//! zip file in the data folder, never in the database) and emails a link, and the link works
//! once, for that person, for a day.
//!
//! Strategy: one row per request. A server claims an unbuilt row for a few minutes
//! (`claimed_until`), so that several servers never build the same copy and a server that died
//! half-way leaves it to another; the link's token is made when the copy is ready and stored
//! only as its SHA-256. Fetching marks the row used in the same statement that checks it, so
//! a link cannot be used twice, even by two requests at once; it is looked up first without
//! being used, so that a server that cannot find the file leaves the link as it was.

use super::engine::{Guarded, LockRow};
use super::{Store, StoreError, random_id};

/// How long a ready copy's link works, and how long an unbuilt request is kept.
pub const EXPORT_KEPT_FOR: i64 = 24 * 60 * 60;
/// How long a server may take to build one copy before another may try.
const CLAIM_FOR: i64 = 5 * 60;

/// A request a server has claimed and must now build.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportJob {
    pub id: String,
    pub account_id: String,
    pub email: String,
}

/// A copy whose link was just used: its file is to be served, then deleted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TakenExport {
    pub id: String,
    pub ready_at: i64,
}

impl Store {
    /// Records a request for a copy of `account_id`'s data, unless one is being built or its
    /// link is still good (unused and unexpired). Returns whether a new request was recorded.
    pub async fn request_export(&self, account_id: &str, now: i64) -> Result<bool, StoreError> {
        let id = random_id()?;
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                tx.lock_row(Guarded::Account, account_id).await?;
                let pending: Option<String> = sqlx::query_scalar(
                    "SELECT id FROM exports WHERE account_id = $1 AND used_at IS NULL \
                     AND (ready_at IS NULL OR expires_at > $2)",
                )
                .bind(account_id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                if pending.is_some() {
                    return Ok(false);
                }
                sqlx::query(
                    "INSERT INTO exports (id, account_id, requested_at) VALUES ($1, $2, $3)",
                )
                .bind(&id)
                .bind(account_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(true)
            })
        })
    }

    /// Claims the oldest request that nobody is building, for this server to build.
    pub async fn claim_export(&self, now: i64) -> Result<Option<ExportJob>, StoreError> {
        on_engine!(self, |pool| {
            let claimed: Option<(String, String)> = sqlx::query_as(
                "UPDATE exports SET claimed_until = $1 \
                 WHERE id = (SELECT id FROM exports WHERE ready_at IS NULL \
                    AND (claimed_until IS NULL OR claimed_until < $2) \
                    ORDER BY requested_at, id LIMIT 1) \
                 AND ready_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2) \
                 RETURNING id, account_id",
            )
            .bind(now + CLAIM_FOR)
            .bind(now)
            .fetch_optional(pool)
            .await?;
            let Some((id, account_id)) = claimed else {
                return Ok(None);
            };
            let email: Option<String> =
                sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1")
                    .bind(&account_id)
                    .fetch_optional(pool)
                    .await?;
            Ok(email.map(|email| ExportJob {
                id,
                account_id,
                email,
            }))
        })
    }

    /// Marks a built copy ready, with the digest of its link's token, and queues `mail`,
    /// which carries the link.
    pub async fn finish_export(
        &self,
        id: &str,
        token_hash: &str,
        now: i64,
        mail: &super::NewMail,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                sqlx::query(
                    "UPDATE exports SET ready_at = $1, token_hash = $2, expires_at = $3, \
                     claimed_until = NULL WHERE id = $4",
                )
                .bind(now)
                .bind(token_hash)
                .bind(now + EXPORT_KEPT_FOR)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                Self::enqueue_mail_in(super::Conn::from(&mut *tx), mail).await?;
                tx.commit().await?;
                Ok(())
            })
        })
    }

    /// The copy whose link's token has this digest, if it belongs to `account_id`, is unused
    /// and has not expired; changes nothing (see [`Store::take_export`]).
    pub async fn find_export(
        &self,
        token_hash: &str,
        account_id: &str,
        now: i64,
    ) -> Result<Option<TakenExport>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, ready_at FROM exports \
                 WHERE token_hash = $2 AND account_id = $3 AND used_at IS NULL \
                 AND ready_at IS NOT NULL AND expires_at > $1",
            )
            .bind(now)
            .bind(token_hash)
            .bind(account_id)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Uses the link whose token has this digest, if it belongs to `account_id`, is unused
    /// and has not expired; anything else changes nothing and finds nothing.
    pub async fn take_export(
        &self,
        token_hash: &str,
        account_id: &str,
        now: i64,
    ) -> Result<Option<TakenExport>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "UPDATE exports SET used_at = $1 \
                 WHERE token_hash = $2 AND account_id = $3 AND used_at IS NULL \
                 AND ready_at IS NOT NULL AND expires_at > $1 \
                 RETURNING id, ready_at",
            )
            .bind(now)
            .bind(token_hash)
            .bind(account_id)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// The ids of every copy the store still has a row for: a file without one belonged to
    /// an account since deleted, or to a row since purged.
    pub async fn export_ids(&self) -> Result<Vec<String>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_scalar("SELECT id FROM exports")
                .fetch_all(pool)
                .await?)
        })
    }

    /// Deletes the rows of copies whose day is over (ready a day ago, or asked for a day ago
    /// and never built), and returns their ids, whose files are to be deleted too.
    pub async fn purge_exports(&self, now: i64) -> Result<Vec<String>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_scalar(
                "DELETE FROM exports WHERE expires_at <= $1 \
                 OR (ready_at IS NULL AND requested_at <= $2) RETURNING id",
            )
            .bind(now)
            .bind(now - EXPORT_KEPT_FOR)
            .fetch_all(pool)
            .await?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewMail;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("q.db").display());
        let store = Store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        (dir, store)
    }

    fn mail() -> NewMail {
        NewMail {
            recipient: "a@example.org".into(),
            subject: "Your copy".into(),
            body_text: "link".into(),
            body_html: "<p>link</p>".into(),
            message_id_domain: "example.org".into(),
            calendar: None,
            headers: Vec::new(),
        }
    }

    #[tokio::test]
    async fn a_copy_is_built_once_fetched_once_by_its_owner_and_purged_after_a_day() {
        let (_dir, store) = store().await;
        let now = 1_800_000_000;
        let ann = store
            .find_or_create_account("ann", "a@example.org", now)
            .await
            .unwrap();
        store
            .find_or_create_account("bob", "b@example.org", now)
            .await
            .unwrap();
        assert!(store.request_export(&ann.id, now).await.unwrap());
        assert!(
            !store.request_export(&ann.id, now).await.unwrap(),
            "one at a time"
        );

        let job = store.claim_export(now).await.unwrap().unwrap();
        assert_eq!(job.email, "a@example.org");
        assert!(store.claim_export(now).await.unwrap().is_none(), "claimed");
        assert!(
            store
                .claim_export(now + CLAIM_FOR + 1)
                .await
                .unwrap()
                .is_some(),
            "a claim that ran out is taken over"
        );
        store
            .finish_export(&job.id, "digest", now, &mail())
            .await
            .unwrap();
        assert!(
            store.claim_export(now + 9999).await.unwrap().is_none(),
            "built"
        );
        assert!(
            !store.request_export(&ann.id, now + 1).await.unwrap(),
            "its link is good"
        );

        assert!(
            store
                .take_export("digest", "bob", now)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .take_export("other", &ann.id, now)
                .await
                .unwrap()
                .is_none()
        );
        let late = now + EXPORT_KEPT_FOR;
        assert!(
            store
                .find_export("digest", &ann.id, late)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .find_export("digest", &ann.id, now)
                .await
                .unwrap()
                .is_some()
        );
        let taken = store
            .take_export("digest", &ann.id, now)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(taken.id, job.id);
        assert!(
            store
                .take_export("digest", &ann.id, now)
                .await
                .unwrap()
                .is_none(),
            "once"
        );
        assert!(
            store.request_export(&ann.id, now + 2).await.unwrap(),
            "used: ask again"
        );

        assert!(store.purge_exports(late - 1).await.unwrap().is_empty());
        assert_eq!(store.purge_exports(late).await.unwrap(), [job.id]);
        // The unbuilt request goes a day after it was asked for.
        assert_eq!(
            store
                .purge_exports(now + 2 + EXPORT_KEPT_FOR)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}
