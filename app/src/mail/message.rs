//! Turns an outbox row into the message put on the wire.
//!
//! Strategy: one `multipart/alternative` with the plain-text part first and the HTML part last
//! (mail programs show the last part they understand, so HTML readers get HTML and everyone else
//! gets complete text), both UTF-8. The headers come from the row, not from the moment of
//! sending: `Date` is when the email was written and `Message-ID` is the stored one, so every
//! attempt produces the same message and a duplicate is recognisable; the row's extra headers
//! (unsubscribe, reply address, thread references) are added as they are. Every message says
//! `Auto-Submitted: auto-generated` (RFC 3834), so that out-of-office replies are not sent to it.

use std::time::{Duration, UNIX_EPOCH};

use lettre::Message;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};

use crate::store::OutboxMail;

/// Why a row cannot become a message. Retrying cannot help.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the recipient is not a valid email address")]
    Recipient,
    #[error("the message could not be assembled")]
    Assemble,
}

/// The message for `mail`, sent by `from`.
pub fn build(from: &Mailbox, mail: &OutboxMail) -> Result<Message, BuildError> {
    let to: Mailbox = mail.recipient.parse().map_err(|_| BuildError::Recipient)?;
    let written = UNIX_EPOCH + Duration::from_secs(u64::try_from(mail.created_at).unwrap_or(0));
    let mut message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.as_str())
        .date(written)
        .message_id(Some(mail.message_id.clone()))
        .header(AutoSubmitted);
    for (name, value) in &mail.headers {
        let name = HeaderName::new_from_ascii(name.clone()).map_err(|_| BuildError::Assemble)?;
        message = message.raw_header(HeaderValue::new(name, value.clone()));
    }
    let alternative =
        MultiPart::alternative_plain_html(mail.body_text.clone(), mail.body_html.clone());
    let body = match &mail.calendar {
        // The event goes after the text as an attachment, so every mail program shows the
        // message as usual and offers the event to add to a calendar.
        Some(calendar) => MultiPart::mixed().multipart(alternative).singlepart(
            Attachment::new("invite.ics".to_string()).body(
                calendar.clone(),
                ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                    .map_err(|_| BuildError::Assemble)?,
            ),
        ),
        None => alternative,
    };
    message.multipart(body).map_err(|_| BuildError::Assemble)
}

/// `Auto-Submitted: auto-generated`: written by Quorum, not by a person (RFC 3834).
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(recipient: &str) -> OutboxMail {
        OutboxMail {
            id: "0123".into(),
            recipient: recipient.into(),
            subject: "Sign in to Quorum — ça marche".into(),
            body_text: "Plain words, complete on their own.\n".into(),
            body_html: "<!DOCTYPE html><html lang=\"en\"><p>Rich words</p></html>\n".into(),
            message_id: "<0123@example.org>".into(),
            created_at: 1_763_800_000,
            attempts: 1,
            calendar: None,
            headers: Vec::new(),
        }
    }

    fn formatted(recipient: &str) -> String {
        let from: Mailbox = "Quorum <quorum@example.org>".parse().unwrap();
        String::from_utf8(build(&from, &row(recipient)).unwrap().formatted()).unwrap()
    }

    #[test]
    fn text_comes_first_then_html_in_one_alternative() {
        let raw = formatted("ana@example.org");
        assert!(
            raw.contains("Content-Type: multipart/alternative;"),
            "{raw}"
        );
        let text = raw.find("Content-Type: text/plain; charset=utf-8").unwrap();
        let html = raw.find("Content-Type: text/html; charset=utf-8").unwrap();
        assert!(text < html, "{raw}");
        assert!(raw.contains("Plain words, complete on their own."));
    }

    #[test]
    fn headers_come_from_the_row() {
        let raw = formatted("ana@example.org");
        let headers = &raw[..raw.find("\r\n\r\n").unwrap()];
        assert!(
            headers.contains("From: Quorum <quorum@example.org>"),
            "{headers}"
        );
        assert!(headers.contains("To: ana@example.org"), "{headers}");
        assert!(
            headers.contains("Message-ID: <0123@example.org>"),
            "{headers}"
        );
        assert!(
            headers.contains("Date: Sat, 22 Nov 2025 08:26:40 +0000"),
            "{headers}"
        );
        assert!(headers.contains("MIME-Version: 1.0"), "{headers}");
        assert!(
            headers.contains("Auto-Submitted: auto-generated"),
            "{headers}"
        );
        // The non-ASCII words of the subject are encoded, not sent raw.
        assert!(
            headers.contains("Subject: Sign in to Quorum =?utf-8?"),
            "{headers}"
        );
        assert!(headers.is_ascii(), "{headers}");
    }

    #[test]
    fn a_malformed_recipient_is_refused() {
        let from: Mailbox = "quorum@example.org".parse().unwrap();
        assert!(matches!(
            build(&from, &row("not an address")),
            Err(BuildError::Recipient)
        ));
    }
}
