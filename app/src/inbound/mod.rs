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
mod settings;
pub mod smtp;

use sha2::{Digest, Sha256};
use tracing::info;

use crate::AppState;
use crate::auth::keyed_hash;
use crate::domain::permissions::{self, Action, Permit, Relation};
use crate::domain::threads::{COMMENT_MAX, mentions};
use crate::notify::tokens::check_reply_local_part;
use crate::store::{
    CommentProblem, InboundOutcome, NewComment, ReplyTarget, Role, StoreError, Thread,
    new_content_id, unix_now,
};
use message::Incoming;
pub use settings::{InboundConfig, InboundSettingsError};

/// How long a reply address works after its email was written: long enough for someone back
/// from a holiday to answer, short enough that an old email lying in a mailbox stops being a
/// way in.
pub const REPLY_LIFETIME: i64 = 60 * 86_400;
/// The largest inbound message taken, in bytes: a reply's words are far shorter, and pictures
/// pasted in a reply are not kept anyway.
pub const MESSAGE_LIMIT: usize = 1024 * 1024;

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
    let Some((target, thread_id)) = owners_address(state, arrival, incoming).await? else {
        return Ok(Err((Refusal::NotValid, None)));
    };
    // Everything below is said to the person the address belongs to, and to nobody else.
    let refuse = |refusal| Ok(Err((refusal, Some(thread_id.clone()))));
    if unix_now() - target.created_at > REPLY_LIFETIME {
        return refuse(Refusal::Expired);
    }
    if !state
        .store
        .spend_reply_address(claim, &target.notification_id)
        .await?
    {
        return refuse(Refusal::Replayed);
    }
    let (thread, permit) = match may_comment(state, &target, &thread_id).await? {
        Ok(allowed) => allowed,
        Err(Refusal::ThreadGone) => return Ok(Err((Refusal::ThreadGone, None))),
        Err(refusal) => return refuse(refusal),
    };
    let body = reply_text::reply_words(incoming.text.as_deref().unwrap_or_default());
    if body.trim().is_empty() {
        return refuse(Refusal::Empty);
    }
    if body.chars().count() > COMMENT_MAX {
        return refuse(Refusal::TooLong);
    }
    let Some(comment_id) = post(state, &permit, &target, &thread, &body).await? else {
        return refuse(Refusal::Closed);
    };
    let posted = InboundOutcome::Posted {
        comment_id: &comment_id,
    };
    record(state, claim, posted).await;
    Ok(Ok(()))
}

/// Step 3: the notification the reply address names, with its thread, when its token checks
/// out and the message is from the address's owner.
async fn owners_address(
    state: &AppState,
    arrival: Arrival<'_>,
    incoming: &Incoming,
) -> Result<Option<(ReplyTarget, String)>, StoreError> {
    let Some(domain) = state.config.reply_domain.as_deref() else {
        return Ok(None);
    };
    let notification = arrival
        .recipients
        .iter()
        .chain(&incoming.addressed_to)
        .find_map(|address| reply_local_part(address, domain))
        .and_then(|local| check_reply_local_part(&state.config.mail_key, local));
    let Some(notification) = notification else {
        return Ok(None);
    };
    let Some(target) = state.store.reply_target(&notification).await? else {
        return Ok(None);
    };
    let owner = incoming.from.as_deref() == Some(target.email.to_lowercase().as_str());
    Ok(match (owner, target.thread_id.clone()) {
        (true, Some(thread)) => Some((target, thread)),
        _ => None,
    })
}

/// Step 5: the thread, and the permit of the address's owner to comment in it, as the pages
/// decide it for the group the thread is in now.
async fn may_comment(
    state: &AppState,
    target: &ReplyTarget,
    thread_id: &str,
) -> Result<Result<(Thread, Permit), Refusal>, StoreError> {
    let Some(thread) = state.store.thread_by_id(thread_id).await? else {
        return Ok(Err(Refusal::ThreadGone));
    };
    let Some(group) = state.store.group_by_id(&thread.group_id).await? else {
        return Ok(Err(Refusal::ThreadGone));
    };
    let standing = state.store.standing(&group.id, &target.account_id).await?;
    let relation = match standing.role {
        Some(Role::Admin) => Relation::Admin,
        Some(Role::Member) => Relation::Member,
        None => Relation::Outsider,
    };
    let Ok(permit) = permissions::permit(&group.id, &group.rules(), relation, Action::Participate)
    else {
        return Ok(Err(Refusal::NotMember));
    };
    if thread.is_closed() {
        return Ok(Err(Refusal::Closed));
    }
    Ok(Ok((thread, permit)))
}

/// Step 7: posts `body` as the owner's reply to the comment the email was about (or on its own
/// when that comment is gone), and returns its id; `None` when the thread closed meanwhile.
async fn post(
    state: &AppState,
    permit: &Permit,
    target: &ReplyTarget,
    thread: &Thread,
    body: &str,
) -> Result<Option<String>, StoreError> {
    let comment_id = new_content_id()?;
    let mut reply_to = target.comment_id.as_deref();
    loop {
        let comment = NewComment {
            id: &comment_id,
            thread_id: &thread.id,
            author_id: &target.account_id,
            reply_to,
            body,
            now: unix_now(),
            attachments: &[],
        };
        match state
            .store
            .post_comment(permit, &comment, &mentions(body))
            .await?
        {
            Ok(_) => break,
            Err(CommentProblem::ParentGone) if reply_to.is_some() => reply_to = None,
            Err(_) => return Ok(None),
        }
    }
    state.mailer.wake();
    Ok(Some(comment_id))
}

#[cfg(test)]
mod tests {
    use super::*;

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
