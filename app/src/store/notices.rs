//! Notices to everyone (`quorum notify-all`): the notice, who has been given it, and who is
//! still to get it.
//!
//! Strategy: a notice is one row, found again by the digest of its subject and text, so a run
//! started again after a crash carries on with the same notice. Each recipient is queued in one
//! transaction that writes both their `notice_recipients` row and their outbox row, and only
//! when the first is new: however a run ends, a person has both rows or neither, and a second
//! run (or two at once) never queues them again. The recipients are fixed when the notice is
//! made: every account that existed then, read in the order of their ids, one page at a time.
//! Every account is a person who proved their address by signing in (an account is made only
//! then, and a new address replaces the old only once confirmed), so all of them are active.

use super::{Conn, NewMail, Store, StoreError, random_id};

/// A notice, as recorded when it was first started.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Notice {
    pub id: String,
    pub subject: String,
    pub created_at: i64,
    /// When every recipient had it in the outbox; `None` while some are still to get it.
    pub finished_at: Option<i64>,
}

/// A person still to be given a notice.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NoticeRecipient {
    pub account_id: String,
    pub email: String,
}

/// How far a notice has come: people who have it, and people still to get it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeProgress {
    pub queued: i64,
    pub remaining: i64,
}

/// The accounts a notice made at the time bound to `?1` goes to, as `a`, that do not have the
/// notice `?2` yet. Deactivated accounts are included: Quorum still holds their data, so a
/// breach notice is owed to them too (deleted accounts are gone, and their mail with them).
const STILL_TO_GET: &str = "FROM accounts a WHERE a.created_at <= ?1 AND NOT EXISTS \
    (SELECT 1 FROM notice_recipients r WHERE r.notice_id = ?2 AND r.account_id = a.id)";

impl Store {
    /// The notice with this digest of its subject and text, if one was started.
    pub async fn notice_by_content(
        &self,
        content_sha256: &str,
    ) -> Result<Option<Notice>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, subject, created_at, finished_at FROM notices \
                 WHERE content_sha256 = $1",
            )
            .bind(content_sha256)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// The notice with this digest: the one started before, or a new one made now. Two runs
    /// started at once get the same notice.
    pub async fn start_notice(
        &self,
        subject: &str,
        body: &str,
        content_sha256: &str,
        now: i64,
    ) -> Result<Notice, StoreError> {
        let id = random_id()?;
        on_engine!(self, |pool| {
            sqlx::query(
                "INSERT INTO notices (id, subject, body, content_sha256, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (content_sha256) DO NOTHING",
            )
            .bind(&id)
            .bind(subject)
            .bind(body)
            .bind(content_sha256)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(sqlx::query_as(
                "SELECT id, subject, created_at, finished_at FROM notices \
                 WHERE content_sha256 = $1",
            )
            .bind(content_sha256)
            .fetch_one(pool)
            .await?)
        })
    }

    /// How many people a notice made at `made_at` would go to now: everyone with an account.
    pub async fn notice_audience(&self, made_at: i64) -> Result<i64, StoreError> {
        on_engine!(self, |pool| {
            Ok(
                sqlx::query_scalar("SELECT count(*) FROM accounts WHERE created_at <= $1")
                    .bind(made_at)
                    .fetch_one(pool)
                    .await?,
            )
        })
    }

    /// How many people have `notice`, and how many are still to get it.
    pub async fn notice_progress(&self, notice: &Notice) -> Result<NoticeProgress, StoreError> {
        on_engine!(self, |pool| {
            let queued: i64 =
                sqlx::query_scalar("SELECT count(*) FROM notice_recipients WHERE notice_id = $1")
                    .bind(&notice.id)
                    .fetch_one(pool)
                    .await?;
            let remaining: i64 = sqlx::query_scalar(sql!("SELECT count(*) {STILL_TO_GET}"))
                .bind(notice.created_at)
                .bind(&notice.id)
                .fetch_one(pool)
                .await?;
            Ok(NoticeProgress { queued, remaining })
        })
    }

    /// Up to `limit` people still to get `notice`, in the order of their account ids, after
    /// the id `after` (empty for the first page).
    pub async fn notice_recipients_due(
        &self,
        notice: &Notice,
        after: &str,
        limit: i64,
    ) -> Result<Vec<NoticeRecipient>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sql!(
                "SELECT a.id AS account_id, a.email {STILL_TO_GET} AND a.id > ?3 \
                 ORDER BY a.id LIMIT ?4"
            ))
            .bind(notice.created_at)
            .bind(&notice.id)
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Puts `mail` in the outbox for `account_id`, recording that they have `notice_id`, in one
    /// transaction; does nothing when they have it already. Returns whether it queued the mail.
    /// The caller wakes no sender: the servers' senders find the mail on their own.
    pub async fn queue_notice_mail(
        &self,
        notice_id: &str,
        account_id: &str,
        mail: &NewMail,
        now: i64,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let recorded = sqlx::query(
                    "INSERT INTO notice_recipients (notice_id, account_id, queued_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (notice_id, account_id) DO NOTHING",
                )
                .bind(notice_id)
                .bind(account_id)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if recorded == 0 {
                    return Ok(false);
                }
                Self::enqueue_mail_in(Conn::from(&mut *tx), mail).await?;
                tx.commit().await?;
                Ok(true)
            })
        })
    }

    /// Marks `notice_id` as given to everyone.
    pub async fn finish_notice(&self, notice_id: &str, now: i64) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(
                "UPDATE notices SET finished_at = $1 WHERE id = $2 AND finished_at IS NULL",
            )
            .bind(now)
            .bind(notice_id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support;

    fn mail(to: &str) -> NewMail {
        NewMail {
            recipient: to.into(),
            subject: "About your data".into(),
            body_text: "What happened.\n".into(),
            body_html: "<p>What happened.</p>".into(),
            message_id_domain: "example.org".into(),
            calendar: None,
            headers: Vec::new(),
        }
    }

    async fn outbox_rows(store: &Store) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM outbox")
            .fetch_one(store.sqlite())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn each_person_is_queued_once_and_a_second_start_finds_the_same_notice() {
        let (_dir, store) = test_support::store().await;
        store
            .find_or_create_account("a2", "bo@example.org", 1)
            .await
            .unwrap();
        let notice = store
            .start_notice("About your data", "What happened.", "d1", 10)
            .await
            .unwrap();
        let again = store
            .start_notice("About your data", "What happened.", "d1", 20)
            .await
            .unwrap();
        assert_eq!(again, notice, "the notice started first is found again");
        let due = store.notice_recipients_due(&notice, "", 1).await.unwrap();
        assert_eq!(due.len(), 1);
        let first = &due[0];
        assert!(
            store
                .queue_notice_mail(&notice.id, &first.account_id, &mail(&first.email), 11)
                .await
                .unwrap()
        );
        assert!(
            !store
                .queue_notice_mail(&notice.id, &first.account_id, &mail(&first.email), 12)
                .await
                .unwrap(),
            "a second queueing of the same person does nothing"
        );
        assert_eq!(outbox_rows(&store).await, 1);
        let progress = store.notice_progress(&notice).await.unwrap();
        assert_eq!((progress.queued, progress.remaining), (1, 1));
        let rest = store.notice_recipients_due(&notice, "", 10).await.unwrap();
        assert_eq!(rest.len(), 1);
        assert_ne!(rest[0].account_id, first.account_id);
    }

    #[tokio::test]
    async fn people_who_came_after_the_notice_was_made_are_not_its_recipients() {
        let (_dir, store) = test_support::store().await;
        let notice = store.start_notice("S", "B", "d2", 5).await.unwrap();
        store
            .find_or_create_account("a2", "late@example.org", 6)
            .await
            .unwrap();
        assert_eq!(store.notice_audience(notice.created_at).await.unwrap(), 1);
        let due = store.notice_recipients_due(&notice, "", 10).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].email, "ann@example.org");
        store.finish_notice(&notice.id, 7).await.unwrap();
        let again = store.notice_by_content("d2").await.unwrap().unwrap();
        assert_eq!(again.finished_at, Some(7));
    }
}
