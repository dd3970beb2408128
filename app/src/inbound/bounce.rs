//! The one short email that tells a sender their reply was not posted, why, and what to do.
//!
//! Strategy: the bounce goes to the message's `From` address, through the outbox like every
//! email. To a sender who is not the reply address's owner (a forged or mangled token, or
//! someone else's) it says only that the address was not valid for them: nothing of the
//! person, the group or the thread. The other reasons are only ever given to the owner (the
//! `From` address matched theirs), and link to the thread or to signing in. Bounces to one
//! address are limited to a few an hour, so that mail with a forged `From` cannot turn Quorum
//! into a source of unwanted mail. Like every email from Quorum it says
//! `Auto-Submitted: auto-generated`, so that mail programs do not answer it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lettre::Address;

use super::message::Incoming;
use super::{REPLY_LIFETIME, Refusal};
use crate::AppState;
use crate::auth::keyed_hash;
use crate::mail::{Block, Email};
use crate::store::{Bucket, StoreError};

pub const SUBJECT: &str = "Your reply was not posted";

/// Bounces to one address: this many at once, then one an hour.
const BOUNCES: Bucket = Bucket {
    burst: 5,
    every_ms: 3_600_000,
};

/// What the bounce for `refusal` says: why nothing was posted, then what to do.
pub fn explanation(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::NotValid => {
            "Nothing was posted: the address you wrote to is not valid for you. To comment by \
             email, reply to an email Quorum sent to you, from the address it was sent to."
        }
        Refusal::Expired => {
            "Nothing was posted: the email you replied to is more than 60 days old, and its \
             reply address no longer works. Reply to a newer email from Quorum, or write your \
             comment on Quorum."
        }
        Refusal::Replayed => {
            "Nothing was posted: you have replied to this email already, and each email takes \
             one reply. Reply to a newer email from Quorum, or write your comment on Quorum."
        }
        Refusal::ThreadGone => "Nothing was posted: the thread you replied to has been deleted.",
        Refusal::Closed => "Nothing was posted: the thread is closed, so it takes no new comments.",
        Refusal::NotMember => {
            "Nothing was posted: you are no longer a member of the group. Sign in and ask to \
             rejoin it if you want to take part again."
        }
        Refusal::Empty => {
            "Nothing was posted: your reply held only quoted text or a signature. Write your \
             comment above the quoted text, and reply again."
        }
        Refusal::TooLong => {
            "Nothing was posted: your reply is longer than 10,000 characters. Split it into \
             two replies, or write it on Quorum."
        }
    }
}

/// Sends the bounce for `refusal` to the sender of `incoming`, unless they cannot take one (no
/// usable `From`) or have had their share of bounces. `thread` is the thread's id, given only
/// when the sender is the reply address's owner.
pub async fn send(
    state: &AppState,
    incoming: &Incoming,
    refusal: Refusal,
    thread: Option<&str>,
) -> Result<(), StoreError> {
    let Some(to) = incoming
        .from
        .as_deref()
        .filter(|from| from.parse::<Address>().is_ok())
    else {
        return Ok(());
    };
    let bucket = keyed_hash(&state.config.audit_key, &format!("bounce {to}"));
    if state
        .store
        .take_token(&bucket, BOUNCES, now_ms())
        .await?
        .is_err()
    {
        tracing::info!("inbound mail: a bounce was held back, too many to one address");
        return Ok(());
    }
    let url = &state.config.public_url;
    let mut blocks = vec![Block::Paragraph(explanation(refusal).into())];
    let link = match (refusal, thread) {
        (Refusal::NotMember, _) => Some(("Sign in to Quorum", format!("{url}/sign-in"))),
        (
            Refusal::Expired
            | Refusal::Replayed
            | Refusal::Closed
            | Refusal::Empty
            | Refusal::TooLong,
            Some(id),
        ) => Some(("Read the thread on Quorum", format!("{url}/t/{id}"))),
        _ => None,
    };
    if let Some((text, href)) = link {
        blocks.push(Block::Link {
            text: text.into(),
            href,
        });
    }
    let mut mail = state.mailer.prepare(Email::compose(to, SUBJECT, &blocks));
    if let Some(id) = incoming.message_id.as_deref().filter(|id| header_safe(id)) {
        mail.headers.push(("In-Reply-To".into(), format!("<{id}>")));
        mail.headers.push(("References".into(), format!("<{id}>")));
    }
    state.store.enqueue_mail(&mail).await?;
    state.mailer.wake_sender();
    Ok(())
}

/// Whether a `Message-ID` the sender chose may go into a header as it is: printable ASCII,
/// no space or angle bracket, not too long.
fn header_safe(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 250
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis()
        .try_into()
        .unwrap_or(i64::MAX)
}

/// The lifetime the "expired" bounce speaks of, in days (kept in step by a test).
pub const REPLY_LIFETIME_DAYS: i64 = REPLY_LIFETIME / 86_400;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounces_are_short_and_say_what_to_do() {
        for refusal in [
            Refusal::NotValid,
            Refusal::Expired,
            Refusal::Replayed,
            Refusal::ThreadGone,
            Refusal::Closed,
            Refusal::NotMember,
            Refusal::Empty,
            Refusal::TooLong,
        ] {
            let words = explanation(refusal);
            assert!(words.starts_with("Nothing was posted: "), "{words}");
            assert!(words.split(". ").count() <= 2, "{words}");
        }
        assert!(explanation(Refusal::Expired).contains(&format!("{REPLY_LIFETIME_DAYS} days")));
    }

    #[test]
    fn only_plain_message_ids_go_into_headers() {
        assert!(header_safe("abc.123@mail.example.org"));
        assert!(!header_safe("abc>\r\nBcc: x@example.org"));
        assert!(!header_safe("a b@example.org"));
        assert!(!header_safe(""));
    }
}
