//! Reply by email: a reply to a notification email becomes a comment in its thread, by the
//! person the email was for, if they may still comment there.
//!
//! Mail arrives by SMTP ([`smtp`], on `QUORUM_INBOUND_SMTP_ADDR`) or from a mail server that
//! pipes it to `POST /inbound/email` ([`http`], with `QUORUM_INBOUND_SECRET`); both hand the
//! raw message to [`receive`], and answer once it is handled, so that a message Quorum could
//! not handle (its database busy) stays with the sending server, which tries again.
//!
//! Strategy, in order, each step stopping at the first "no":
//! 1. The message is read (`mail-parser`) and claimed by a keyed hash of its `Message-ID`
//!    (of its bytes when it has none): a copy sent again is handled once, so it posts once and
//!    is bounced once.
//! 2. A machine's message is dropped without an answer: an auto-reply (`Auto-Submitted`
//!    other than `no`, `X-Autoreply`, `X-Autorespond`, `Precedence: bulk/junk/list/auto_reply`,
//!    an out-of-office subject), a delivery report, one from the null sender (`<>`) or from
//!    `MAILER-DAEMON`. Answering those could start a loop of mail.
//! 3. The reply address is found among the envelope recipients, `Delivered-To`,
//!    `X-Original-To`, `To` and `Cc`, and its token checked: the HMAC of the notification it
//!    names (`notify::tokens`). The notification says whose it is, and the `From` address must
//!    be that person's (compared in lower case); otherwise the address is "not valid for you",
//!    and the bounce says no more, so that it tells a stranger nothing of the person or the
//!    thread. The `From` header is never trusted alone: the token is the key, and the mail
//!    server in front of Quorum is expected to refuse forged senders (SPF, DKIM, DMARC).
//! 4. A reply address works for [`REPLY_LIFETIME`] after its email was written, and for one
//!    reply: a second message through it is a replay (the `inbound_mail` row that holds it is
//!    unique per notification).
//! 5. The person must still be allowed to comment: a member with the `Participate` permit,
//!    decided by the same rules as on the pages (`domain::permissions`) for the group the
//!    thread is in now, and the thread must be open and not deleted.
//! 6. The words are taken from the reply (`reply_text`: the plain-text part, or the HTML part
//!    as safe Markdown, `html`), without quoted text, the line introducing it, or a signature;
//!    nothing left is a refusal too.
//! 7. The comment is posted as on the page (`Store::post_comment`, mentions included), as a
//!    reply to the comment the email was about when that comment is still there.
//!
//! Every refusal after step 2 sends the sender one short email saying why nothing was posted
//! and what to do instead ([`bounce`]), at most a few an hour to one address. Logs say what
//! happened (`posted`, `refused` and why, `dropped` and why), never an address, a token or a
//! word of the message.

pub mod bounce;
pub mod html;
pub mod http;
pub mod message;
pub mod reply_text;
pub mod smtp;

use sha2::{Digest, Sha256};
use tracing::info;

use crate::AppState;
use crate::auth::keyed_hash;
use crate::domain::permissions::{self, Action, Relation};
use crate::domain::threads::{COMMENT_MAX, mentions};
use crate::notify::tokens::check_reply_local_part;
use crate::store::{
    CommentProblem, InboundOutcome, NewComment, Role, StoreError, new_content_id, unix_now,
};
use message::Incoming;

/// How long a reply address works after its email was written: long enough for someone back
/// from a holiday to answer, short enough that an old email lying in a mailbox stops being a
/// way in.
pub const REPLY_LIFETIME: i64 = 60 * 86_400;
/// The largest inbound message taken, in bytes: a reply's words are far shorter, and pictures
/// pasted in a reply are not kept anyway.
pub const MESSAGE_LIMIT: usize = 1024 * 1024;

/// The settings of reply by email, checked at start-up.
#[derive(Debug)]
pub struct InboundConfig {
    pub smtp_addr: Option<std::net::SocketAddr>,
    pub secret: Option<http::InboundSecret>,
    /// The domain of reply addresses; `Some` (reply by email on) only when mail can come in,
    /// by SMTP or by the endpoint.
    pub reply_domain: Option<String>,
}

/// A reply-by-email setting that cannot be used, in one sentence.
#[derive(Debug, thiserror::Error)]
pub enum InboundSettingsError {
    #[error(transparent)]
    ShortSecret(#[from] http::ShortInboundSecret),
    #[error("QUORUM_REPLY_DOMAIN must be a domain name, like quorum.example.org")]
    ReplyDomain,
}

impl InboundConfig {
    /// The settings of `settings`, the reply domain defaulting to `mail_from_domain` (the
    /// domain of `QUORUM_MAIL_FROM`).
    pub fn from_settings(
        settings: &crate::config::Settings,
        mail_from_domain: &str,
    ) -> Result<Self, InboundSettingsError> {
        let secret = http::InboundSecret::from_setting(settings.inbound_secret.as_deref())?;
        let domain = match settings.reply_domain.as_deref().map(str::trim) {
            Some(domain) if !domain.is_empty() => domain,
            _ => mail_from_domain,
        }
        .trim_end_matches('.')
        .to_ascii_lowercase();
        if !is_domain(&domain) {
            return Err(InboundSettingsError::ReplyDomain);
        }
        let on = secret.is_some() || settings.inbound_smtp_addr.is_some();
        Ok(Self {
            smtp_addr: settings.inbound_smtp_addr,
            secret,
            reply_domain: on.then_some(domain),
        })
    }
}

/// Whether `name` is a domain name: dot-separated labels of letters, digits and hyphens.
fn is_domain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// A message as it arrived, with its envelope when the way it came has one.
#[derive(Debug, Clone, Copy)]
pub struct Arrival<'a> {
    pub raw: &'a [u8],
    /// The envelope sender (`MAIL FROM`): `Some("")` for the null sender `<>`.
    pub sender: Option<&'a str>,
    /// The envelope recipients (`RCPT TO`, or `?to=` on the HTTP endpoint).
    pub recipients: &'a [String],
}

/// How a message was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Posted,
    /// Nothing posted, for this reason; the sender was told when they could be.
    Refused(Refusal),
    /// A machine's message, left unanswered, for this reason.
    Dropped(&'static str),
    /// A copy of a message handled already.
    Duplicate,
}

/// Why a reply was not posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No reply address, a forged or mangled token, or a token of someone else's.
    NotValid,
    /// The reply address is older than [`REPLY_LIFETIME`].
    Expired,
    /// The reply address has been used for a reply already.
    Replayed,
    /// The thread was deleted.
    ThreadGone,
    /// The thread is closed.
    Closed,
    /// The person is no longer a member of the thread's group.
    NotMember,
    /// Nothing of the person's own was left once quotes and signature went.
    Empty,
    /// Longer than a comment may be.
    TooLong,
}

impl Refusal {
    /// The short code recorded and logged.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotValid => "not_valid",
            Self::Expired => "expired",
            Self::Replayed => "replayed",
            Self::ThreadGone => "thread_gone",
            Self::Closed => "closed",
            Self::NotMember => "not_member",
            Self::Empty => "empty",
            Self::TooLong => "too_long",
        }
    }
}

impl Handled {
    /// The word the log and the metrics use.
    pub fn outcome(self) -> &'static str {
        match self {
            Self::Posted => "posted",
            Self::Refused(_) => "refused",
            Self::Dropped(_) => "dropped",
            Self::Duplicate => "duplicate",
        }
    }
}

/// Whether `address` is shaped like a reply address at `domain` (its token is not checked).
pub fn is_reply_address(address: &str, domain: &str) -> bool {
    reply_local_part(address, domain).is_some()
}

/// The local part of `address` when it is a reply address at `domain`.
fn reply_local_part<'a>(address: &'a str, domain: &str) -> Option<&'a str> {
    let (local, at) = address.trim().rsplit_once('@')?;
    let reply = local.len() > "reply+".len()
        && local
            .get(..6)
            .is_some_and(|start| start.eq_ignore_ascii_case("reply+"));
    (reply && at.eq_ignore_ascii_case(domain)).then_some(local)
}

/// Handles one inbound message (see the module's doc). An error is Quorum's own (the database
/// did not answer): nothing was posted or sent, and the message may be sent again.
pub async fn receive(state: &AppState, arrival: Arrival<'_>) -> Result<Handled, StoreError> {
    let Some(incoming) = message::read(arrival.raw) else {
        return Ok(finish(state, Handled::Dropped("unreadable")));
    };
    let claim = message_hash(&state.config.mail_key, &incoming, arrival.raw);
    if !state.store.claim_inbound(&claim, unix_now()).await? {
        return Ok(finish(state, Handled::Duplicate));
    }
    let handled = match handle(state, arrival, &incoming, &claim).await {
        Ok(handled) => handled,
        Err(error) => {
            // Nothing was posted or sent: the claim goes, so the sender's retry is handled.
            if let Err(cause) = state.store.release_inbound(&claim).await {
                tracing::warn!(%cause, "inbound mail: could not give up the claim of a message");
            }
            return Err(error);
        }
    };
    let recorded = match handled {
        // Recorded with its comment as it was posted.
        Handled::Posted | Handled::Duplicate => None,
        Handled::Refused(refusal) => Some(InboundOutcome::Refused {
            reason: refusal.code(),
        }),
        Handled::Dropped(reason) => Some(InboundOutcome::Dropped { reason }),
    };
    if let Some(recorded) = recorded {
        record(state, &claim, recorded).await;
    }
    Ok(finish(state, handled))
}

/// Records how a claimed message ended. The comment is posted or the bounce written by then,
/// so a failure here is only logged: the claim, left unfinished, still keeps a copy of the
/// message from acting twice until the housekeeping job forgets it.
async fn record(state: &AppState, claim: &str, outcome: InboundOutcome<'_>) {
    if let Err(cause) = state.store.finish_inbound(claim, outcome).await {
        tracing::warn!(%cause, "inbound mail: could not record how a message ended");
    }
}

/// Logs and counts how a message was handled.
fn finish(state: &AppState, handled: Handled) -> Handled {
    let reason = match handled {
        Handled::Refused(refusal) => refusal.code(),
        Handled::Dropped(reason) => reason,
        Handled::Posted | Handled::Duplicate => "",
    };
    info!(outcome = handled.outcome(), reason, "inbound mail handled");
    state.metrics.record_inbound(handled.outcome());
    handled
}

/// The name a message is remembered by: a keyed hash of its `Message-ID`, or of its bytes
/// when it has none.
fn message_hash(key: &str, incoming: &Incoming, raw: &[u8]) -> String {
    match incoming.message_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => keyed_hash(key, &format!("inbound-message-id:{id}")),
        _ => {
            let digest: String = Sha256::digest(raw)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            keyed_hash(key, &format!("inbound-message-bytes:{digest}"))
        }
    }
}

/// Steps 2 to 7 of the module's doc, for a claimed message.
async fn handle(
    state: &AppState,
    arrival: Arrival<'_>,
    incoming: &Incoming,
    claim: &str,
) -> Result<Handled, StoreError> {
    if let Some(reason) = machine_sender(arrival, incoming) {
        return Ok(Handled::Dropped(reason));
    }
    match decide(state, arrival, incoming, claim).await? {
        Ok(()) => Ok(Handled::Posted),
        Err((refusal, thread)) => {
            bounce::send(state, incoming, refusal, thread.as_deref()).await?;
            Ok(Handled::Refused(refusal))
        }
    }
}

/// Why the message came from a machine, when it did.
fn machine_sender(arrival: Arrival<'_>, incoming: &Incoming) -> Option<&'static str> {
    if let Some(reason) = incoming.automatic {
        return Some(reason);
    }
    if arrival
        .sender
        .is_some_and(|sender| sender.trim().is_empty())
    {
        return Some("null_sender");
    }
    let daemon = |address: &str| {
        let local = address.split('@').next().unwrap_or("").trim();
        local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
    };
    if arrival.sender.is_some_and(daemon) || incoming.from.as_deref().is_some_and(daemon) {
        return Some("mailer_daemon");
    }
    None
}

/// A refusal and, when the sender is the person the address belongs to, the thread it was
/// about (for the bounce's link).
type Refused = (Refusal, Option<String>);

/// Steps 3 to 7: `Ok(Ok(()))` once posted (and recorded), or the refusal.
async fn decide(
    state: &AppState,
    arrival: Arrival<'_>,
    incoming: &Incoming,
    claim: &str,
) -> Result<Result<(), Refused>, StoreError> {
    let Some(domain) = state.config.reply_domain.as_deref() else {
        return Ok(Err((Refusal::NotValid, None)));
    };
    let address = arrival
        .recipients
        .iter()
        .chain(&incoming.addressed_to)
        .find_map(|address| reply_local_part(address, domain));
    let notification =
        address.and_then(|local| check_reply_local_part(&state.config.mail_key, local));
    let Some(notification) = notification else {
        return Ok(Err((Refusal::NotValid, None)));
    };
    let target = state.store.reply_target(&notification).await?;
    let Some((target, thread_id)) = target.and_then(|t| {
        let thread = t.thread_id.clone()?;
        Some((t, thread))
    }) else {
        return Ok(Err((Refusal::NotValid, None)));
    };
    // Everything below is said to the person the address belongs to, and to nobody else.
    if incoming.from.as_deref() != Some(target.email.to_lowercase().as_str()) {
        return Ok(Err((Refusal::NotValid, None)));
    }
    let now = unix_now();
    let refuse = |refusal| Ok(Err((refusal, Some(thread_id.clone()))));
    if now - target.created_at > REPLY_LIFETIME {
        return refuse(Refusal::Expired);
    }
    if !state
        .store
        .spend_reply_address(claim, &target.notification_id)
        .await?
    {
        return refuse(Refusal::Replayed);
    }
    let Some(thread) = state.store.thread_by_id(&thread_id).await? else {
        return Ok(Err((Refusal::ThreadGone, None)));
    };
    let Some(group) = state.store.group_by_id(&thread.group_id).await? else {
        return Ok(Err((Refusal::ThreadGone, None)));
    };
    let standing = state.store.standing(&group.id, &target.account_id).await?;
    let relation = match standing.role {
        Some(Role::Admin) => Relation::Admin,
        Some(Role::Member) => Relation::Member,
        None => Relation::Outsider,
    };
    let Ok(permit) = permissions::permit(&group.id, &group.rules(), relation, Action::Participate)
    else {
        return refuse(Refusal::NotMember);
    };
    if thread.is_closed() {
        return refuse(Refusal::Closed);
    }
    let body = reply_text::reply_words(incoming.text.as_deref().unwrap_or_default());
    if body.trim().is_empty() {
        return refuse(Refusal::Empty);
    }
    if body.chars().count() > COMMENT_MAX {
        return refuse(Refusal::TooLong);
    }
    let comment_id = new_content_id()?;
    let mut reply_to = target.comment_id.as_deref();
    loop {
        let comment = NewComment {
            id: &comment_id,
            thread_id: &thread.id,
            author_id: &target.account_id,
            reply_to,
            body: &body,
            now,
        };
        match state
            .store
            .post_comment(&permit, &comment, &mentions(&body))
            .await?
        {
            Ok(_) => break,
            // The comment the email was about was deleted: the words stand on their own.
            Err(CommentProblem::ParentGone) if reply_to.is_some() => reply_to = None,
            Err(_) => return refuse(Refusal::Closed),
        }
    }
    state.mailer.wake();
    let posted = InboundOutcome::Posted {
        comment_id: &comment_id,
    };
    record(state, claim, posted).await;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_domains_are_domain_names() {
        for good in ["localhost", "quorum.example.org", "mail-1.example"] {
            assert!(is_domain(good), "{good}");
        }
        for bad in ["", "a..b", "-a.org", "a b.org", "a@b.org", "a.org/x"] {
            assert!(!is_domain(bad), "{bad}");
        }
    }

    #[test]
    fn reply_addresses_are_told_by_their_shape_and_domain() {
        assert!(is_reply_address(
            "reply+abc.def@quorum.example",
            "quorum.example"
        ));
        assert!(is_reply_address(
            "REPLY+abc.def@Quorum.Example",
            "quorum.example"
        ));
        assert!(!is_reply_address("reply+@quorum.example", "quorum.example"));
        assert!(!is_reply_address(
            "reply+abc@other.example",
            "quorum.example"
        ));
        assert!(!is_reply_address(
            "postmaster@quorum.example",
            "quorum.example"
        ));
        assert!(!is_reply_address("nonsense", "quorum.example"));
    }

    #[test]
    fn a_message_is_named_by_its_id_or_else_its_bytes() {
        let mut incoming = message::read(b"From: a@example.org\r\n\r\nhi").unwrap();
        let by_bytes = message_hash("k", &incoming, b"one");
        assert_ne!(by_bytes, message_hash("k", &incoming, b"two"));
        incoming.message_id = Some("1@example.org".into());
        assert_eq!(
            message_hash("k", &incoming, b"one"),
            message_hash("k", &incoming, b"two")
        );
        assert_ne!(
            message_hash("k", &incoming, b"one"),
            message_hash("other key", &incoming, b"one")
        );
    }
}
