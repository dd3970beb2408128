//! The jobs a server runs on a timer, apart from requests: closing polls at their closing time
//! (every ten seconds), building the personal exports people asked for (every few seconds),
//! and every ten minutes pruning spent rate-limit buckets, purging deleted threads that can no
//! longer be restored, purging answers kept across an ended session once their day is over,
//! purging audit log lines older than the retention setting (`QUORUM_AUDIT_RETENTION_DAYS`),
//! deleting personal exports (rows and files) once their day is over, and forgetting inbound
//! replies after 90 days (`store::inbound`); and every ten
//! seconds telling a group's admins that a support grant ran out (once per grant), so that they
//! hear it close to its end; and every ten seconds deleting from the file storage the files no
//! longer wanted (`pages::attachments::remove_unwanted`).
//!
//! Strategy: one task per timer, started with the server. A run that fails is logged and
//! counted (`quorum_job_failures_total`), and the job simply runs again at its next tick; every
//! run is counted too, so monitoring can tell a job that stopped from one that has nothing to do.

use std::time::Duration;

use tracing::{info, warn};

use crate::AppState;
use crate::metrics::Job;
use crate::pages::account::export;
use crate::store::unix_now;

const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);
const POLL_CLOSING_EVERY: Duration = Duration::from_secs(10);
/// Often enough that the email follows the request within seconds; a run with nothing to
/// build is one indexed query.
const EXPORT_BUILDING_EVERY: Duration = Duration::from_secs(3);
/// How often due digests are looked for: they go out within a minute of 06:00.
const DIGESTS_EVERY: Duration = Duration::from_secs(30);
/// How many notification emails are written in one transaction.
const NOTIFICATION_BATCH: i64 = 200;

/// Starts the timed jobs; they run until the process ends.
pub fn start(state: &AppState) {
    tokio::spawn(housekeeping(state.clone()));
    tokio::spawn(close_polls(state.clone()));
    tokio::spawn(end_support_grants(state.clone()));
    tokio::spawn(build_exports(state.clone()));
    tokio::spawn(notification_emails(state.clone()));
    tokio::spawn(send_digests(state.clone()));
    tokio::spawn(remove_files(state.clone()));
}

/// Sends the catch-up digests that are due, each at 06:00 in its person's zone, and works out
/// when each person's next one is due. A digest with nothing in it is not sent.
async fn send_digests(state: AppState) {
    let mut every = tokio::time::interval(DIGESTS_EVERY);
    loop {
        every.tick().await;
        let sent = digests_due(&state).await;
        state.metrics.record_job(Job::SendDigests, &sent);
        match sent {
            Ok(0) => {}
            Ok(n) => {
                info!("sent {n} digests");
                state.mailer.wake_sender();
            }
            Err(e) => warn!("sending digests failed: {e}"),
        }
    }
}

async fn digests_due(state: &AppState) -> Result<usize, crate::store::StoreError> {
    use crate::notify::digest::{Frequency, following};
    let composer = crate::notify::emails::Composer::of(state);
    let mut sent = 0;
    loop {
        let now = unix_now();
        let due = state.store.due_digests(now, 50).await?;
        if due.is_empty() {
            return Ok(sent);
        }
        for person in due {
            let zone = crate::domain::time::zones::zone(&person.time_zone)
                .unwrap_or(jiff::tz::TimeZone::UTC);
            let frequency = Frequency::parse(&person.digest).unwrap_or(Frequency::Off);
            let next = following(person.digest_due_at, now, frequency, &zone);
            let content = state
                .store
                .digest_content(&person.account_id, person.digest_sent_at, now)
                .await?;
            let mail = composer.compose_digest(&person, &content);
            let finished = state
                .store
                .finish_digest(
                    &person.account_id,
                    person.digest_due_at,
                    next,
                    now,
                    mail.as_ref(),
                )
                .await?;
            if finished && mail.is_some() {
                sent += 1;
            }
        }
    }
}

/// Writes the emails of new notifications into the outbox: woken with the mailer after every
/// change that tells people something, and every few seconds in case a wake was missed (or
/// another server made the notifications).
async fn notification_emails(state: AppState) {
    let mut every = tokio::time::interval(EXPORT_BUILDING_EVERY);
    let woken = state.mailer.notifications_woken();
    loop {
        tokio::select! {
            _ = every.tick() => {}
            () = woken.notified() => {}
        }
        loop {
            let composer = crate::notify::emails::Composer::of(&state);
            let queued = state
                .store
                .queue_notification_emails(NOTIFICATION_BATCH, |pending| composer.compose(pending))
                .await;
            state.metrics.record_job(Job::NotificationEmails, &queued);
            match queued {
                Ok(0) => break,
                Ok(_) => state.mailer.wake_sender(),
                Err(e) => {
                    warn!("writing notification emails failed: {e}");
                    break;
                }
            }
        }
    }
}

/// Support grants end by themselves at their time (`GroupAccess` reads only active ones); this
/// job tells the group's admins, once.
async fn end_support_grants(state: AppState) {
    let mut every = tokio::time::interval(POLL_CLOSING_EVERY);
    loop {
        every.tick().await;
        let mail_for = |grant: &crate::store::SupportGrant, notice: &crate::store::GrantNotice| {
            crate::pages::groups::support::ended_mail(
                &state.mailer,
                &state.config.public_url,
                grant,
                notice,
                None,
            )
        };
        let ended = state
            .store
            .end_due_support_grants(unix_now(), mail_for)
            .await;
        state.metrics.record_job(Job::EndSupportGrants, &ended);
        match ended {
            Ok(0) => {}
            Ok(n) => {
                info!("told admins that {n} support grants ran out");
                state.mailer.wake();
            }
            Err(e) => warn!("ending support grants failed: {e}"),
        }
    }
}

/// A file goes from storage soon after its post: a deleted comment's file must not stay
/// readable in a bucket for long.
async fn remove_files(state: AppState) {
    let mut every = tokio::time::interval(POLL_CLOSING_EVERY);
    loop {
        every.tick().await;
        let removed = crate::pages::attachments::remove_unwanted(&state).await;
        state.metrics.record_job(Job::RemoveFiles, &removed);
        match removed {
            Ok(0) => {}
            Ok(n) => info!("deleted {n} files no longer wanted from storage"),
            Err(e) => warn!("deleting unwanted files failed: {e:#}"),
        }
    }
}

async fn housekeeping(state: AppState) {
    let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        every.tick().await;
        let pruned = state.limits.prune().await;
        state.metrics.record_job(Job::PruneRateLimits, &pruned);
        if let Err(e) = pruned {
            warn!("pruning rate-limit buckets failed: {e}");
        }
        // Deleted threads are purged for good once they can no longer be restored.
        let purged = state.store.purge_deleted_threads(unix_now()).await;
        state.metrics.record_job(Job::PurgeDeletedThreads, &purged);
        match purged {
            Ok(0) => {}
            Ok(n) => info!("purged {n} deleted threads"),
            Err(e) => warn!("purging deleted threads failed: {e}"),
        }
        // Kept answers hold private words: they go when their day is over, unclaimed or not.
        let purged = state.store.purge_kept_answers(unix_now()).await;
        state.metrics.record_job(Job::PurgeKeptAnswers, &purged);
        if let Err(e) = purged {
            warn!("purging kept answers failed: {e}");
        }
        // The audit log is kept as long as the instance's setting says, and no longer.
        let before = unix_now() - state.config.audit_retention;
        let purged = state.store.purge_audit(before).await;
        state.metrics.record_job(Job::PurgeAuditLog, &purged);
        match purged {
            Ok(0) => {}
            Ok(n) => info!("purged {n} audit log lines past their retention"),
            Err(e) => warn!("purging the audit log failed: {e}"),
        }
        // Inbound replies are remembered (by a hash) only as long as a copy could come again.
        match state.store.purge_inbound(unix_now()).await {
            Ok(0) => {}
            Ok(n) => info!("forgot {n} inbound messages"),
            Err(e) => warn!("forgetting old inbound messages failed: {e}"),
        }
        // A personal export holds everything about a person: it goes when its day is over.
        let purged = export::purge(&state).await;
        state.metrics.record_job(Job::PurgeExports, &purged);
        match purged {
            Ok(0) => {}
            Ok(n) => info!("deleted {n} expired personal exports"),
            Err(e) => warn!("deleting expired personal exports failed: {e}"),
        }
    }
}

/// Polls close on time: the page already treats a poll past its time as closed, and this job
/// records it and asks the author for the outcome by email.
async fn close_polls(state: AppState) {
    let mut every = tokio::time::interval(POLL_CLOSING_EVERY);
    loop {
        every.tick().await;
        let reminded = state.store.remind_closing_polls(unix_now()).await;
        state.metrics.record_job(Job::RemindPolls, &reminded);
        match reminded {
            Ok(0) => {}
            Ok(n) => {
                info!("reminded voters of {n} polls closing within a day");
                state.mailer.wake();
            }
            Err(e) => warn!("reminding voters of closing polls failed: {e}"),
        }
        let closed = state.store.close_due_polls(unix_now()).await;
        state.metrics.record_job(Job::ClosePolls, &closed);
        match closed {
            Ok(closed) if closed.is_empty() => {}
            Ok(closed) => {
                info!("closed {} polls at their closing time", closed.len());
                state.mailer.wake();
            }
            Err(e) => warn!("closing polls failed: {e}"),
        }
    }
}

/// Builds the personal exports asked for, one at a time, oldest first.
async fn build_exports(state: AppState) {
    let mut every = tokio::time::interval(EXPORT_BUILDING_EVERY);
    loop {
        every.tick().await;
        let built = export::build_waiting(&state).await;
        state.metrics.record_job(Job::BuildExports, &built);
        match built {
            Ok(0) => {}
            Ok(n) => info!("built {n} personal exports"),
            Err(e) => warn!("building a personal export failed: {e}"),
        }
    }
}
