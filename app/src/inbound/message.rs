//! What Quorum reads of an inbound message: its `Message-ID`, who it is from, where it was
//! addressed, whether a machine sent it, and the reply's words.
//!
//! Strategy: `mail-parser` reads the message (MIME, encodings, RFC 2047 words, charsets);
//! this module only picks from it. Nothing here decides whether the reply is posted.

use mail_parser::{Message, MessageParser, MimeHeaders};

use super::html;

/// A message as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The `Message-ID`, without its angle brackets.
    pub message_id: Option<String>,
    /// The `From` address, in lower case.
    pub from: Option<String>,
    /// Why a machine, not a person, sent it (see [`machine_sent`]); `None` for a person.
    pub automatic: Option<&'static str>,
    /// The addresses it was delivered to, as the headers say, most telling first:
    /// `Delivered-To`, `X-Original-To`, `To`, `Cc`.
    pub addressed_to: Vec<String>,
    /// The text of the reply: the plain-text part, or else the HTML part as Markdown.
    pub text: Option<String>,
}

/// Reads `raw`; `None` when it is not a message at all.
pub fn read(raw: &[u8]) -> Option<Incoming> {
    let message = MessageParser::default().parse(raw)?;
    let header = |name: &str| -> Vec<String> {
        message
            .headers_raw()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| unfold(value))
            .collect()
    };
    let mut addressed_to = Vec::new();
    for name in ["Delivered-To", "X-Original-To"] {
        addressed_to.extend(header(name).iter().filter_map(|value| bare_address(value)));
    }
    for list in [message.to(), message.cc()].into_iter().flatten() {
        addressed_to.extend(
            list.iter()
                .filter_map(|addr| addr.address())
                .map(str::to_lowercase),
        );
    }
    let from = message
        .from()
        .and_then(|from| from.first())
        .and_then(|addr| addr.address())
        .map(str::to_lowercase);
    Some(Incoming {
        message_id: message.message_id().map(str::to_string),
        automatic: machine_sent(&message, &header),
        from,
        addressed_to,
        text: reply_text(&message),
    })
}

/// Why a machine sent the message, when one did: an auto-reply by its headers (RFC 3834
/// `Auto-Submitted`, the `X-Autoreply` family, `Precedence`), a delivery report, or an
/// out-of-office by its subject's first words.
fn machine_sent(
    message: &Message<'_>,
    header: &dyn Fn(&str) -> Vec<String>,
) -> Option<&'static str> {
    let first = |name: &str| header(name).into_iter().next();
    if let Some(value) = first("Auto-Submitted") {
        let value = value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if value != "no" {
            return Some("auto_submitted");
        }
    }
    if ["X-Autoreply", "X-Autorespond", "X-Autoresponder"]
        .iter()
        .any(|name| first(name).is_some())
    {
        return Some("autoreply_header");
    }
    if let Some(value) = first("Precedence") {
        let value = value.trim().to_ascii_lowercase();
        if matches!(value.as_str(), "bulk" | "junk" | "auto_reply" | "list") {
            return Some("precedence");
        }
    }
    if message.content_type().is_some_and(|kind| {
        kind.subtype()
            .is_some_and(|sub| sub.eq_ignore_ascii_case("report"))
    }) {
        return Some("report");
    }
    if message.subject().is_some_and(is_out_of_office) {
        return Some("out_of_office");
    }
    None
}

/// How out-of-office subjects start (compared in lower case). Only the start: a reply's
/// subject holds the thread's title, which may say anything.
const OUT_OF_OFFICE: [&str; 16] = [
    "out of office",
    "out of the office",
    "automatic reply",
    "auto:",
    "autoreply",
    "auto-reply",
    "auto reply",
    "auto response",
    "abwesenheit",
    "automatische antwort",
    "réponse automatique",
    "respuesta automática",
    "automatisch antwoord",
    "risposta automatica",
    "autosvar",
    "absence",
];

pub fn is_out_of_office(subject: &str) -> bool {
    let subject = subject.trim_start().to_lowercase();
    OUT_OF_OFFICE.iter().any(|start| subject.starts_with(start))
}

/// The reply's text: the first plain-text body part; else (or when it is blank, as some
/// programs send it) the first HTML part, as Markdown.
fn reply_text(message: &Message<'_>) -> Option<String> {
    let plain = message
        .text_bodies()
        .find(|part| part.is_text() && !part.is_text_html())
        .and_then(|part| part.text_contents());
    if let Some(plain) = plain.filter(|plain| !plain.trim().is_empty()) {
        return Some(plain.to_string());
    }
    let html = message.html_bodies().find(|part| part.is_text_html());
    html.and_then(|part| part.text_contents())
        .map(html::to_markdown)
        .or_else(|| plain.map(str::to_string))
}

/// A header value on one line.
fn unfold(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The address in a header such as `Delivered-To: <a@b>` or `X-Original-To: a@b`, lower case.
pub fn bare_address(value: &str) -> Option<String> {
    let value = value.trim();
    let inner = match (value.rfind('<'), value.rfind('>')) {
        (Some(open), Some(close)) if open < close => &value[open + 1..close],
        _ => value,
    };
    let inner = inner.trim();
    (inner.contains('@') && !inner.contains(char::is_whitespace)).then(|| inner.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(headers: &str, body: &str) -> Vec<u8> {
        format!("{headers}\r\n\r\n{body}").into_bytes()
    }

    #[test]
    fn a_plain_reply_is_read_with_its_addresses() {
        let raw = message(
            "From: Bob Roe <Bob@Example.org>\r\nTo: \"Quorum\" <reply+ABC.def@quorum.example>\r\n\
             Cc: other@example.org\r\nDelivered-To: reply+abc.def@quorum.example\r\n\
             Message-ID: <123@mail.example.org>\r\nSubject: Re: Bob replied\r\n\
             Content-Type: text/plain; charset=utf-8",
            "Yes \u{2014} count me in.\r\n> quoted\r\n",
        );
        let incoming = read(&raw).unwrap();
        assert_eq!(incoming.message_id.as_deref(), Some("123@mail.example.org"));
        assert_eq!(incoming.from.as_deref(), Some("bob@example.org"));
        assert_eq!(incoming.automatic, None);
        assert_eq!(
            incoming.addressed_to,
            [
                "reply+abc.def@quorum.example",
                "reply+abc.def@quorum.example",
                "other@example.org"
            ]
        );
        assert_eq!(
            incoming.text.as_deref(),
            Some("Yes \u{2014} count me in.\r\n> quoted\r\n")
        );
    }

    #[test]
    fn plain_text_is_preferred_and_html_alone_becomes_markdown() {
        let both = message(
            "From: b@example.org\r\nContent-Type: multipart/alternative; boundary=\"b1\"",
            "--b1\r\nContent-Type: text/plain\r\n\r\nplain words\r\n--b1\r\n\
             Content-Type: text/html\r\n\r\n<p>html words</p>\r\n--b1--\r\n",
        );
        assert_eq!(
            read(&both).unwrap().text.as_deref().map(str::trim),
            Some("plain words")
        );
        let html = message(
            "From: b@example.org\r\nContent-Type: text/html; charset=utf-8\r\n\
             Content-Transfer-Encoding: quoted-printable",
            "<p>Hi <a href=3D\"https://example.org\">there</a></p><script>x()</script>",
        );
        assert_eq!(
            read(&html).unwrap().text.as_deref(),
            Some("Hi [there](https://example.org)")
        );
        let blank_plain = message(
            "From: b@example.org\r\nContent-Type: multipart/alternative; boundary=\"b1\"",
            "--b1\r\nContent-Type: text/plain\r\n\r\n \r\n--b1\r\n\
             Content-Type: text/html\r\n\r\n<p>html words</p>\r\n--b1--\r\n",
        );
        assert_eq!(
            read(&blank_plain).unwrap().text.as_deref(),
            Some("html words")
        );
    }

    #[test]
    fn machines_are_told_apart_from_people() {
        let with = |headers: &str| {
            read(&message(&format!("From: b@example.org\r\n{headers}"), "x"))
                .unwrap()
                .automatic
        };
        assert_eq!(with("Auto-Submitted: auto-replied"), Some("auto_submitted"));
        assert_eq!(with("Auto-Submitted: no"), None);
        assert_eq!(with("X-Autoreply: yes"), Some("autoreply_header"));
        assert_eq!(with("Precedence: bulk"), Some("precedence"));
        assert_eq!(
            with("Subject: Automatic reply: Bob replied"),
            Some("out_of_office")
        );
        assert_eq!(
            with("Subject: Out of Office: back Monday"),
            Some("out_of_office")
        );
        assert_eq!(with("Subject: Abwesenheitsnotiz"), Some("out_of_office"));
        assert_eq!(with("Subject: Re: Out of office plans"), None);
        assert_eq!(
            with("Content-Type: multipart/report; report-type=delivery-status; boundary=x"),
            Some("report")
        );
    }

    #[test]
    fn bare_addresses() {
        assert_eq!(bare_address(" <A@B.org> ").as_deref(), Some("a@b.org"));
        assert_eq!(bare_address("a@b.org").as_deref(), Some("a@b.org"));
        assert_eq!(bare_address("nobody"), None);
    }
}
