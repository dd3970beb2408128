//! Outgoing email: the outbox, text + HTML bodies, and delivery over SMTP or to files.
//!
//! Strategy: sending an email only writes a row to the outbox (in the caller's transaction when
//! it has one) and wakes the background sender; delivery happens apart from the request, with
//! retries, so a slow or absent mail server never slows a page or loses a message. Without an
//! SMTP server in the settings, messages are written as `.eml` files to `<data>/mail/`, so a
//! self-hoster can sign in on the first day.
//!
//! Delivery is *at least once*, never knowingly twice: a row is marked sent right after the SMTP
//! server accepts the message. If Quorum dies in the short window between that acceptance and
//! the row being marked (or the database refuses the mark), the message is sent again after a
//! restart, once its claim has run out (at most five minutes). The copy carries the same
//! `Message-ID`, so mail programs and people can recognise it as a duplicate. A row not yet
//! accepted is never lost: it stays in the outbox across restarts until delivered, or until it
//! is marked failed after three days of trying, and is never deleted.
//!
//! Emails carry no images, no tracking pixels, no external resources and no tracked links.

mod delivery;
mod message;
mod sender;
pub mod templates;

use std::sync::Arc;

use lettre::message::Mailbox;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

pub use delivery::{Delivery, SmtpUrlError};
pub use templates::{Block, escape};

use crate::config::Settings;
use crate::metrics::Metrics;
use crate::store::{NewMail, Store, StoreError};

/// An email to send: the recipient's address, the subject, and the same content as plain text
/// (complete on its own) and as simple HTML. [`Email::compose`] makes both from one
/// description; any text a user typed must be escaped ([`escape`]) before it goes in `html`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// How mail leaves Quorum: the sender address and where messages go.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub from: Mailbox,
    pub delivery: Delivery,
}

/// A mail setting that cannot be used. The message is one sentence and never repeats a
/// password.
#[derive(Debug, thiserror::Error)]
pub enum MailSettingsError {
    #[error(transparent)]
    SmtpUrl(#[from] SmtpUrlError),
    #[error(
        "the sender address (QUORUM_MAIL_FROM) cannot be used; write it like \
         Quorum <quorum@example.org>"
    )]
    MailFrom,
}

impl MailConfig {
    /// SMTP when `smtp_url` is set, otherwise `.eml` files in the `mail` folder of the data
    /// folder.
    pub fn from_settings(settings: &Settings) -> Result<Self, MailSettingsError> {
        let delivery = match settings.smtp_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => Delivery::smtp(url)?,
            _ => Delivery::files(settings.data_dir.join("mail")),
        };
        Self::new(&settings.mail_from, delivery)
    }

    pub fn new(from: &str, delivery: Delivery) -> Result<Self, MailSettingsError> {
        let from = from.parse().map_err(|_| MailSettingsError::MailFrom)?;
        Ok(Self { from, delivery })
    }
}

/// The way to send email: cheap to clone, shared by every request.
#[derive(Debug, Clone)]
pub struct Mailer {
    store: Store,
    wake: Arc<Notify>,
    /// Wakes the job that writes notification emails.
    notifications: Arc<Notify>,
    message_id_domain: Arc<str>,
}

/// Owns the background sender; [`MailerHandle::shutdown`] stops it cleanly.
#[derive(Debug)]
pub struct MailerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Mailer {
    /// Starts the background sender on `store` (which must be migrated) and returns the handle
    /// for sending and the one for stopping. Mail left in the outbox by an earlier run is
    /// delivered straight away. Each delivery attempt is counted in `metrics`.
    pub fn start(store: Store, config: MailConfig, metrics: Arc<Metrics>) -> (Self, MailerHandle) {
        let wake = Arc::new(Notify::new());
        let (stop, stop_receiver) = watch::channel(false);
        let message_id_domain: Arc<str> = config.from.email.domain().into();
        let sender = sender::Sender {
            store: store.clone(),
            from: config.from,
            delivery: config.delivery,
            wake: wake.clone(),
            stop: stop_receiver,
            metrics,
        };
        let task = tokio::spawn(sender.run());
        let mailer = Self {
            store,
            wake,
            notifications: Arc::new(Notify::new()),
            message_id_domain,
        };
        (mailer, MailerHandle { stop, task })
    }

    /// Puts `email` in the outbox and wakes the sender. Returns once the email is stored, not
    /// once it is delivered.
    pub async fn send(&self, email: Email) -> Result<(), StoreError> {
        self.store.enqueue_mail(&self.prepare(email)).await?;
        self.wake();
        Ok(())
    }

    /// The outbox row for `email`, for store code that enqueues inside its own transaction
    /// (`Store::enqueue_mail_in`).
    pub fn prepare(&self, email: Email) -> NewMail {
        NewMail {
            recipient: email.to,
            subject: email.subject,
            body_text: email.text,
            body_html: email.html,
            message_id_domain: self.message_id_domain.to_string(),
            calendar: None,
            headers: Vec::new(),
        }
    }

    /// Tells the sender there is new mail, and the notification job that there may be new
    /// notifications to email. Harmless when there is none.
    pub fn wake(&self) {
        self.wake.notify_one();
        self.notifications.notify_one();
    }

    /// Tells the sender alone there is new mail.
    pub fn wake_sender(&self) {
        self.wake.notify_one();
    }

    /// What the notification job waits on.
    pub fn notifications_woken(&self) -> Arc<Notify> {
        self.notifications.clone()
    }
}

impl MailerHandle {
    /// Lets the message in flight, if any, finish and be recorded, then stops the sender.
    pub async fn shutdown(self) {
        // The sender may have stopped already; then there is nothing to tell.
        let _ = self.stop.send(true);
        if let Err(cause) = self.task.await {
            tracing::error!(%cause, "the mail sender ended abnormally");
        }
    }
}
