//! The outbox: email waiting to be delivered, and the record of what was sent.
//!
//! Strategy: a message is a row, written in the same transaction as the change that causes it
//! (`enqueue_mail_in`), so a sign-in request and its email commit together or not at all. The
//! sender takes a due row by *claiming* it: one `UPDATE … RETURNING` sets a lease
//! (`claimed_until`) on rows whose lease is free, so two senders never hold the same row, and a
//! sender that dies mid-delivery only delays the row until its lease ends. After delivery the
//! row is marked sent and its bodies are blanked, because sign-in emails carry single-use tokens
//! that must not stay readable in the database; recipient, subject, Message-ID and time stay as
//! the record. Rows are never deleted: one that cannot be delivered is marked failed.

use sqlx::Row;

use super::Conn;

use super::{Store, StoreError, random_id, unix_now};

/// An email to put in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// The domain part of the Message-ID, such as the sender's domain.
    pub message_id_domain: String,
    /// An iCalendar event to attach as `invite.ics`, such as a meeting's chosen time.
    pub calendar: Option<String>,
    /// Extra headers, such as `List-Unsubscribe` or `In-Reply-To`, as (name, value).
    pub headers: Vec<(String, String)>,
}

/// The mail still to deliver: rows neither sent nor given up on, and when the oldest was
/// written. Monitoring reads it; a backlog that grows, or grows old, means mail is stuck.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxBacklog {
    pub waiting: i64,
    /// Unix seconds; `None` when nothing waits.
    pub oldest_created_at: Option<i64>,
}

/// An email claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// `<id@domain>`: the same on every attempt.
    pub message_id: String,
    pub created_at: i64,
    /// Attempts so far, this one included.
    pub attempts: i64,
    pub calendar: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl Store {
    /// Puts an email in the outbox, due now, and returns its id.
    pub async fn enqueue_mail(&self, mail: &NewMail) -> Result<String, StoreError> {
        on_engine!(self, |pool| {
            let mut conn = pool.acquire().await?;
            Self::enqueue_mail_in(Conn::from(&mut *conn), mail).await
        })
    }

    /// Puts an email in the outbox on a connection the caller holds, typically inside its own
    /// transaction, so the email exists exactly when the caller's change commits. The caller
    /// wakes the sender (`Mailer::wake`) after committing.
    pub(crate) async fn enqueue_mail_in(
        conn: Conn<'_>,
        mail: &NewMail,
    ) -> Result<String, StoreError> {
        on_conn!(conn, |c| {
            let id = random_id()?;
            let message_id = format!("<{id}@{}>", mail.message_id_domain);
            let now = unix_now();
            let headers = if mail.headers.is_empty() {
                None
            } else {
                // A list of string pairs always serialises.
                serde_json::to_string(&mail.headers).ok()
            };
            sqlx::query(
            "INSERT INTO outbox (id, recipient, subject, body_text, body_html, message_id, \
             created_at, next_attempt_at, attempts, calendar, headers) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10)",
        )
        .bind(&id)
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.body_text)
        .bind(&mail.body_html)
        .bind(&message_id)
        .bind(now)
        .bind(now)
        .bind(&mail.calendar)
        .bind(&headers)
        .execute(&mut *c)
        .await?;
            Ok(id)
        })
    }

    /// Claims up to `limit` due messages for `lease_secs` seconds and counts the attempt. One
    /// statement: the outer condition repeats the lease check so that, even on a database that
    /// re-evaluates only the outer condition of a concurrent update, no row is claimed twice.
    pub async fn claim_due_mail(
        &self,
        now: i64,
        lease_secs: i64,
        limit: i64,
    ) -> Result<Vec<OutboxMail>, StoreError> {
        on_engine!(self, |pool| {
            let rows = sqlx::query(
                "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox \
                 WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2 \
                   AND (claimed_until IS NULL OR claimed_until <= $2) \
                 ORDER BY next_attempt_at, created_at LIMIT $3) \
               AND sent_at IS NULL AND failed_at IS NULL \
               AND (claimed_until IS NULL OR claimed_until <= $2) \
             RETURNING id, recipient, subject, body_text, body_html, message_id, created_at, \
                 attempts, calendar, headers",
            )
            .bind(now.saturating_add(lease_secs))
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            let mut claimed = rows
                .iter()
                .map(|row| {
                    Ok(OutboxMail {
                        id: row.try_get("id")?,
                        recipient: row.try_get("recipient")?,
                        subject: row.try_get("subject")?,
                        body_text: row.try_get("body_text")?,
                        body_html: row.try_get("body_html")?,
                        message_id: row.try_get("message_id")?,
                        created_at: row.try_get("created_at")?,
                        attempts: row.try_get("attempts")?,
                        calendar: row.try_get("calendar")?,
                        headers: row
                            .try_get::<Option<String>, _>("headers")?
                            .and_then(|json| serde_json::from_str(&json).ok())
                            .unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            // RETURNING gives no order guarantee; deliver oldest first.
            claimed.sort_by_key(|mail| mail.created_at);
            Ok(claimed)
        })
    }

    /// Records delivery and blanks the bodies, which may hold single-use tokens, and the
    /// recipient of an email that confirms an account's deletion.
    pub async fn mark_mail_sent(&self, id: &str, now: i64) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(
                "UPDATE outbox SET sent_at = $1, body_text = '', body_html = '', calendar = NULL, headers = NULL, \
             claimed_until = NULL, last_error = NULL, \
             recipient = CASE WHEN erase_when_sent THEN '' ELSE recipient END \
             WHERE id = $2 AND sent_at IS NULL",
            )
            .bind(now)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Records a failed attempt and when to try again; frees the claim.
    pub async fn record_mail_failure(
        &self,
        id: &str,
        error: &str,
        next_attempt_at: i64,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(
                "UPDATE outbox SET next_attempt_at = $2, claimed_until = NULL, \
             last_error = CASE WHEN erase_when_sent THEN '' ELSE $1 END \
             WHERE id = $3 AND sent_at IS NULL",
            )
            .bind(error)
            .bind(next_attempt_at)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Gives up on a message: it stays in the outbox, marked failed, with the last error, so an
    /// operator can see what was not delivered and why.
    pub async fn mark_mail_failed(
        &self,
        id: &str,
        error: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(
                "UPDATE outbox SET failed_at = $1, claimed_until = NULL, \
             last_error = CASE WHEN erase_when_sent THEN '' ELSE $2 END, \
             recipient = CASE WHEN erase_when_sent THEN '' ELSE recipient END, \
             body_text = CASE WHEN erase_when_sent THEN '' ELSE body_text END, \
             body_html = CASE WHEN erase_when_sent THEN '' ELSE body_html END \
             WHERE id = $3 AND sent_at IS NULL",
            )
            .bind(now)
            .bind(error)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// How much mail waits for delivery, claimed or not, and since when. Only unsent rows are
    /// read, through the index the sender uses (`outbox_due`).
    pub async fn outbox_backlog(&self) -> Result<OutboxBacklog, StoreError> {
        on_engine!(self, |pool| {
            let (waiting, oldest_created_at): (i64, Option<i64>) = sqlx::query_as(
                "SELECT count(*), min(created_at) FROM outbox \
                 WHERE sent_at IS NULL AND failed_at IS NULL",
            )
            .fetch_one(pool)
            .await?;
            Ok(OutboxBacklog {
                waiting,
                oldest_created_at,
            })
        })
    }

    /// When the next unsent message becomes claimable, if there is one.
    pub async fn next_mail_due_at(&self) -> Result<Option<i64>, StoreError> {
        on_engine!(self, |pool| {
            let due: Option<i64> = sqlx::query_scalar(
                "SELECT MIN(CASE WHEN claimed_until > next_attempt_at THEN claimed_until \
                 ELSE next_attempt_at END) \
             FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
            )
            .fetch_one(pool)
            .await?;
            Ok(due)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("q.db").display());
        let store = Store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        (dir, store)
    }

    fn mail(to: &str) -> NewMail {
        NewMail {
            recipient: to.into(),
            subject: "Hello".into(),
            body_text: "text with token abc".into(),
            body_html: "<p>html with token abc</p>".into(),
            message_id_domain: "example.org".into(),
            calendar: None,
            headers: Vec::new(),
        }
    }

    #[tokio::test]
    async fn a_claimed_message_is_not_claimed_again_until_its_lease_ends() {
        let (_dir, store) = store().await;
        let id = store.enqueue_mail(&mail("a@example.org")).await.unwrap();
        let now = unix_now();
        let first = store.claim_due_mail(now, 60, 10).await.unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].id, id);
        assert_eq!(first[0].attempts, 1);
        assert_eq!(first[0].message_id, format!("<{id}@example.org>"));
        assert!(store.claim_due_mail(now, 60, 10).await.unwrap().is_empty());
        assert_eq!(store.next_mail_due_at().await.unwrap(), Some(now + 60));
        let after_lease = store.claim_due_mail(now + 60, 60, 10).await.unwrap();
        assert_eq!(after_lease.len(), 1);
        assert_eq!(after_lease[0].attempts, 2);
    }

    #[tokio::test]
    async fn concurrent_claims_never_share_a_message() {
        let (_dir, store) = store().await;
        for i in 0..20 {
            store
                .enqueue_mail(&mail(&format!("{i}@example.org")))
                .await
                .unwrap();
        }
        let now = unix_now();
        let claims = (0..8).map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.claim_due_mail(now, 60, 3).await.unwrap() })
        });
        let mut ids = Vec::new();
        for claim in claims {
            ids.extend(claim.await.unwrap().into_iter().map(|m| m.id));
        }
        let total = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), total, "a message was claimed twice");
        assert_eq!(total, 20);
    }

    #[tokio::test]
    async fn a_failure_frees_the_claim_until_the_next_attempt_time() {
        let (_dir, store) = store().await;
        let id = store.enqueue_mail(&mail("a@example.org")).await.unwrap();
        let now = unix_now();
        store.claim_due_mail(now, 600, 1).await.unwrap();
        store
            .record_mail_failure(&id, "connection refused", now + 4)
            .await
            .unwrap();
        assert_eq!(store.next_mail_due_at().await.unwrap(), Some(now + 4));
        assert!(
            store
                .claim_due_mail(now + 3, 600, 1)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.claim_due_mail(now + 4, 600, 1).await.unwrap().len(),
            1
        );
    }

    #[tokio::test]
    async fn sent_and_failed_messages_are_kept_but_never_claimed() {
        let (_dir, store) = store().await;
        let sent = store.enqueue_mail(&mail("a@example.org")).await.unwrap();
        let failed = store.enqueue_mail(&mail("b@example.org")).await.unwrap();
        let now = unix_now();
        store.claim_due_mail(now, 60, 10).await.unwrap();
        store.mark_mail_sent(&sent, now).await.unwrap();
        store
            .mark_mail_failed(&failed, "gave up", now)
            .await
            .unwrap();
        assert!(
            store
                .claim_due_mail(now + 3600, 60, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(store.next_mail_due_at().await.unwrap(), None);

        let (text, html, subject, sent_at): (String, String, String, Option<i64>) = sqlx::query_as(
            "SELECT body_text, body_html, subject, sent_at FROM outbox WHERE id = $1",
        )
        .bind(&sent)
        .fetch_one(store.sqlite())
        .await
        .unwrap();
        assert_eq!((text.as_str(), html.as_str()), ("", ""));
        assert_eq!(subject, "Hello");
        assert_eq!(sent_at, Some(now));
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(store.sqlite())
            .await
            .unwrap();
        assert_eq!(rows, 2);
    }

    #[tokio::test]
    async fn the_backlog_counts_mail_still_to_deliver_and_the_oldest_time() {
        let (_dir, store) = store().await;
        let empty = store.outbox_backlog().await.unwrap();
        assert_eq!((empty.waiting, empty.oldest_created_at), (0, None));
        let sent = store.enqueue_mail(&mail("a@example.org")).await.unwrap();
        let failed = store.enqueue_mail(&mail("b@example.org")).await.unwrap();
        let claimed = store.enqueue_mail(&mail("c@example.org")).await.unwrap();
        store.enqueue_mail(&mail("d@example.org")).await.unwrap();
        let now = unix_now();
        store.mark_mail_sent(&sent, now).await.unwrap();
        store
            .mark_mail_failed(&failed, "gave up", now)
            .await
            .unwrap();
        sqlx::query("UPDATE outbox SET created_at = 1000, claimed_until = $1 WHERE id = $2")
            .bind(now + 60)
            .bind(&claimed)
            .execute(store.sqlite())
            .await
            .unwrap();
        let backlog = store.outbox_backlog().await.unwrap();
        assert_eq!(backlog.waiting, 2, "sent and failed mail is not waiting");
        assert_eq!(
            backlog.oldest_created_at,
            Some(1000),
            "claimed mail still waits"
        );
    }

    #[tokio::test]
    async fn an_email_enqueued_in_a_rolled_back_transaction_does_not_exist() {
        let (_dir, store) = store().await;
        let mut tx = store.sqlite().begin().await.unwrap();
        Store::enqueue_mail_in(Conn::from(&mut *tx), &mail("a@example.org"))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(store.next_mail_due_at().await.unwrap(), None);

        let mut tx = store.sqlite().begin().await.unwrap();
        Store::enqueue_mail_in(Conn::from(&mut *tx), &mail("a@example.org"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(store.next_mail_due_at().await.unwrap().is_some());
    }
}
