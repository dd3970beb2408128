//! The background sender: takes due messages from the outbox one at a time and delivers them.
//!
//! Strategy: claim one due row (a lease in the database, so no other sender takes it), build
//! the message, deliver it, then record the outcome. A temporary failure (server down, timeout)
//! sets the next attempt after an exponential backoff: 1 s, 2 s, 4 s, … capped at 10 minutes,
//! for at least three days from when the email was written; after that, or at once for a
//! permanent refusal (a 5xx answer, an address that cannot be parsed), the row is marked failed
//! and kept. Between messages the sender sleeps until the next row is due, a new email wakes it
//! (`Notify`), or it is told to stop; it also looks again every minute for mail written by
//! another process. Stopping never interrupts a delivery: the message in flight is finished and
//! recorded first.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lettre::message::Mailbox;
use tokio::sync::{Notify, watch};
use tracing::{error, info, warn};

use super::delivery::{Delivery, DeliveryError};
use super::message;
use crate::metrics::{Job, Metrics};
use crate::store::{OutboxMail, Store, unix_now};

/// How long a claim holds a row: longer than any delivery may take (`DELIVERY_TIME_LIMIT`), so a
/// live sender never loses its row; a sender that died frees it after this long.
const LEASE_SECS: i64 = 300;
/// A whole delivery (connect, TLS, every SMTP step) gives up after this long and is retried.
const DELIVERY_TIME_LIMIT: Duration = Duration::from_secs(120);
const FIRST_RETRY_SECS: u64 = 1;
const LONGEST_RETRY_SECS: u64 = 600;
/// Temporary failures are retried for at least this long after the email was written.
const KEEP_TRYING_SECS: i64 = 3 * 24 * 60 * 60;
/// The longest sleep between two looks at the outbox.
const IDLE_RECHECK: Duration = Duration::from_secs(60);
/// The pause after the database itself failed to answer.
const STORE_RETRY: Duration = Duration::from_secs(5);

pub(super) struct Sender {
    pub store: Store,
    pub from: Mailbox,
    pub delivery: Delivery,
    pub wake: Arc<Notify>,
    pub stop: watch::Receiver<bool>,
    /// Counts every delivery attempt, and the failed ones.
    pub metrics: Arc<Metrics>,
}

enum Woken {
    Work,
    Stop,
}

impl Sender {
    pub async fn run(mut self) {
        info!("outgoing mail goes to {}", self.delivery.describe());
        loop {
            if *self.stop.borrow() {
                break;
            }
            let pause = match self.store.claim_due_mail(unix_now(), LEASE_SECS, 1).await {
                Ok(claimed) if !claimed.is_empty() => {
                    for mail in claimed {
                        self.deliver(mail).await;
                    }
                    continue;
                }
                Ok(_) => self.until_next_due().await,
                Err(cause) => {
                    error!(%cause, "cannot read the outbox; trying again shortly");
                    STORE_RETRY
                }
            };
            if let Woken::Stop = self.wait(pause).await {
                break;
            }
        }
        info!("the mail sender has stopped");
    }

    async fn wait(&mut self, pause: Duration) -> Woken {
        tokio::select! {
            () = self.wake.notified() => Woken::Work,
            () = tokio::time::sleep(pause) => Woken::Work,
            changed = self.stop.changed() => match changed {
                Ok(()) if !*self.stop.borrow() => Woken::Work,
                // Told to stop, or the handle that could tell us is gone.
                _ => Woken::Stop,
            },
        }
    }

    async fn until_next_due(&self) -> Duration {
        match self.store.next_mail_due_at().await {
            Ok(Some(due)) => {
                let due = UNIX_EPOCH + Duration::from_secs(u64::try_from(due).unwrap_or(0));
                due.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO)
                    .clamp(Duration::from_millis(10), IDLE_RECHECK)
            }
            Ok(None) => IDLE_RECHECK,
            Err(cause) => {
                error!(%cause, "cannot read the outbox; trying again shortly");
                STORE_RETRY
            }
        }
    }

    async fn deliver(&self, mail: OutboxMail) {
        let outcome = match message::build(&self.from, &mail) {
            Ok(message) => {
                tokio::time::timeout(DELIVERY_TIME_LIMIT, self.delivery.deliver(&message, &mail))
                    .await
                    .unwrap_or_else(|_| Err(DeliveryError::temporary("delivery timed out")))
            }
            Err(cause) => Err(DeliveryError::permanent(cause.to_string())),
        };
        self.metrics.record_job(Job::SendMail, &outcome);
        let now = unix_now();
        match outcome {
            Ok(()) => self.record_sent(&mail, now).await,
            Err(failure) if failure.permanent || now - mail.created_at >= KEEP_TRYING_SECS => {
                error!(
                    id = %mail.id,
                    attempts = mail.attempts,
                    reason = %failure.reason,
                    "gave up on an email; it stays in the outbox marked failed"
                );
                if let Err(cause) = self
                    .store
                    .mark_mail_failed(&mail.id, &failure.reason, now)
                    .await
                {
                    error!(id = %mail.id, %cause, "cannot record a failed email");
                }
            }
            Err(failure) => {
                let delay = retry_delay(mail.attempts);
                warn!(
                    id = %mail.id,
                    attempts = mail.attempts,
                    retry_in_secs = delay,
                    reason = %failure.reason,
                    "email not delivered yet; will try again"
                );
                let next = now.saturating_add(i64::try_from(delay).unwrap_or(i64::MAX));
                if let Err(cause) = self
                    .store
                    .record_mail_failure(&mail.id, &failure.reason, next)
                    .await
                {
                    error!(id = %mail.id, %cause, "cannot record a failed attempt");
                }
            }
        }
    }

    /// Marks a delivered email sent. This is the at-least-once window: if the record cannot be
    /// written, the email is delivered again once its claim runs out, with the same Message-ID.
    /// A busy database is retried a few times first to keep that rare.
    async fn record_sent(&self, mail: &OutboxMail, now: i64) {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.store.mark_mail_sent(&mail.id, now).await {
                Ok(()) => {
                    if matches!(self.delivery, Delivery::Smtp { .. }) {
                        info!(id = %mail.id, "email accepted by the SMTP server");
                    }
                    return;
                }
                Err(cause) if tries < 5 => {
                    warn!(id = %mail.id, %cause, "cannot yet record a delivered email");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(cause) => {
                    error!(
                        id = %mail.id,
                        %cause,
                        "cannot record a delivered email; it may be delivered twice"
                    );
                    return;
                }
            }
        }
    }
}

/// Seconds to wait after the `attempts`-th failed attempt: 1, 2, 4, … up to 10 minutes.
pub(super) fn retry_delay(attempts: i64) -> u64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    FIRST_RETRY_SECS
        .saturating_mul(1u64 << doublings)
        .min(LONGEST_RETRY_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_from_one_second_up_to_ten_minutes() {
        let delays: Vec<u64> = (1..=12).map(retry_delay).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]);
        assert_eq!(retry_delay(0), 1);
        assert_eq!(retry_delay(10_000), 600);
    }

    #[test]
    fn three_days_of_retries_is_hundreds_of_attempts_not_a_handful() {
        let mut elapsed = 0u64;
        let mut attempts = 0i64;
        while elapsed < u64::try_from(KEEP_TRYING_SECS).unwrap() {
            attempts += 1;
            elapsed += retry_delay(attempts);
        }
        assert!(attempts > 400, "{attempts}");
    }
}
