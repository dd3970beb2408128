//! Reading the mail Quorum delivered to the SMTP sink as a person would: who it is to, its
//! subject, its plain-text part decoded, and the sign-in link and code in it.
//!
//! Strategy: a message is parsed just enough to find its headers and its `text/plain` part,
//! undoing quoted-printable or base64, whichever lettre chose. Waiting is by count of messages
//! to one address, polled with a deadline, so tests never sleep a fixed time.

use std::time::{Duration, Instant};

use base64::Engine;

use super::smtp::SmtpSink;

/// How long mail may take to arrive: the outbox is written, then a sender task delivers it.
pub const MAIL_TIMEOUT: Duration = Duration::from_secs(20);

/// One delivered message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub raw: String,
    pub to: String,
    pub subject: String,
    /// The plain-text part, decoded.
    pub text: String,
}

impl Mail {
    pub fn parse(raw: &str) -> Self {
        let to = header(raw, "To").unwrap_or_default();
        let to = to
            .rsplit_once('<')
            .map_or(to.as_str(), |(_, address)| address.trim_end_matches('>'))
            .trim()
            .to_string();
        Self {
            raw: raw.to_string(),
            to,
            subject: header(raw, "Subject").unwrap_or_default(),
            text: text_part(raw),
        }
    }

    /// The path of the link in the mail that starts with `prefix` (such as `/sign-in/link/`),
    /// from the full URL in the text.
    pub fn link_path(&self, prefix: &str) -> String {
        let at = self
            .text
            .find(prefix)
            .unwrap_or_else(|| panic!("no {prefix} link in the mail:\n{}", self.text));
        let token: String = self.text[at + prefix.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        format!("{prefix}{token}")
    }

    /// The token of the link that starts with `prefix`.
    pub fn link_token(&self, prefix: &str) -> String {
        self.link_path(prefix)[prefix.len()..].to_string()
    }

    /// The 6-digit code, as written in the mail ("123 456"), without the space.
    pub fn code(&self) -> String {
        let chars: Vec<char> = self.text.chars().collect();
        for start in 0..chars.len().saturating_sub(6) {
            let window = &chars[start..start + 7];
            let shaped = window.iter().enumerate().all(|(i, c)| {
                if i == 3 {
                    *c == ' '
                } else {
                    c.is_ascii_digit()
                }
            });
            let before_ok = start == 0 || !chars[start - 1].is_ascii_digit();
            let after_ok = chars.get(start + 7).is_none_or(|c| !c.is_ascii_digit());
            if shaped && before_ok && after_ok {
                return window.iter().filter(|c| c.is_ascii_digit()).collect();
            }
        }
        panic!("no code like 123 456 in the mail:\n{}", self.text)
    }
}

impl SmtpSink {
    /// Every message delivered so far to `address`, in order.
    pub fn mail_to(&self, address: &str) -> Vec<Mail> {
        self.messages()
            .iter()
            .map(|raw| Mail::parse(raw))
            .filter(|mail| mail.to.eq_ignore_ascii_case(address))
            .collect()
    }

    /// Waits until `count` messages whose subject contains `about` have reached `address`, and
    /// returns the last of them: for a test that reads one kind of mail among notifications.
    pub async fn wait_for_mail_about(&self, address: &str, about: &str, count: usize) -> Mail {
        let deadline = Instant::now() + MAIL_TIMEOUT;
        loop {
            let mut mail: Vec<Mail> = self
                .mail_to(address)
                .into_iter()
                .filter(|mail| mail.subject.contains(about))
                .collect();
            if mail.len() >= count {
                return mail.swap_remove(count - 1);
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} messages about {about:?} to {address}; {} came. All to them: {:?}",
                mail.len(),
                self.mail_to(address)
                    .iter()
                    .map(|mail| mail.subject.clone())
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until `count` messages have reached `address`, and returns the last of them.
    pub async fn wait_for_mail_to(&self, address: &str, count: usize) -> Mail {
        let deadline = Instant::now() + MAIL_TIMEOUT;
        loop {
            let mut mail = self.mail_to(address);
            if mail.len() >= count {
                return mail.swap_remove(count - 1);
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} messages to {address}; {} came. All mail: {:?}",
                mail.len(),
                self.messages()
                    .iter()
                    .map(|raw| Mail::parse(raw).to)
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The headers of a message, unfolded.
fn headers(raw: &str) -> String {
    let end = raw.find("\r\n\r\n").unwrap_or(raw.len());
    raw[..end].replace("\r\n ", " ").replace("\r\n\t", " ")
}

/// A header of the message (the first one of that name).
pub fn header(raw: &str, name: &str) -> Option<String> {
    headers(raw).lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}

/// The decoded `text/plain` part of a message (or its body, when it is not multipart), found
/// inside nested multiparts too.
pub fn text_part(raw: &str) -> String {
    let Some(boundary) = header(raw, "Content-Type").and_then(|content_type| {
        let after = &content_type[content_type.find("boundary=")? + "boundary=".len()..];
        Some(
            after
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .to_string(),
        )
    }) else {
        let body = raw.split_once("\r\n\r\n").map_or("", |(_, body)| body);
        return decode(body, header(raw, "Content-Transfer-Encoding").as_deref());
    };
    let delimiter = format!("--{boundary}");
    for part in raw.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.trim_start_matches("\r\n");
        let Some((part_headers, content)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let part_headers = format!("{part_headers}\r\n\r\n");
        // A message with an attachment nests the text in a multipart/alternative part.
        if header(&part_headers, "Content-Type")
            .is_some_and(|kind| kind.to_ascii_lowercase().starts_with("multipart/"))
        {
            return text_part(part);
        }
        let is_text = header(&part_headers, "Content-Type")
            .is_some_and(|kind| kind.to_ascii_lowercase().starts_with("text/plain"));
        if is_text {
            let encoding = header(&part_headers, "Content-Transfer-Encoding");
            return decode(content, encoding.as_deref());
        }
    }
    panic!("no text/plain part in the message:\n{raw}")
}

fn decode(content: &str, encoding: Option<&str>) -> String {
    match encoding.map(str::to_ascii_lowercase).as_deref() {
        Some("quoted-printable") => quoted_printable(content),
        Some("base64") => {
            let compact: String = content.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .expect("the base64 part decodes");
            String::from_utf8(bytes).expect("the part is UTF-8")
        }
        _ => content.to_string(),
    }
}

/// Quoted-printable (RFC 2045 §6.7): soft line breaks removed, `=XX` turned back into bytes.
pub fn quoted_printable(encoded: &str) -> String {
    let unfolded = encoded.replace("=\r\n", "").replace("=\n", "");
    let bytes = unfolded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'=')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("the decoded part is UTF-8")
}
