//! Where messages go: an SMTP server, or `.eml` files in a folder when none is set.
//!
//! Strategy: the SMTP settings are one URL. `smtp://` means STARTTLS is required (credentials
//! and mail never cross the network in the clear), `smtps://` means TLS from the first byte, and
//! `smtp://…?tls=none` is plain SMTP for a relay on the same machine. lettre reads the URL once
//! it is normalised to its own spelling. Without SMTP, each message becomes one file named by
//! the time it was written and its id; it is written under a temporary name and renamed, so a
//! half-written file is never mistaken for mail, and writing the same message again replaces
//! the same file rather than making a second one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::store::OutboxMail;

/// How long lettre waits for each step of an SMTP conversation.
const SMTP_COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

/// The SMTP URL setting cannot be used. The message never repeats the URL, which may hold a
/// password.
#[derive(Debug, thiserror::Error)]
#[error(
    "the SMTP server setting (QUORUM_SMTP_URL) cannot be used; write it like \
     smtp://user:password@mail.example.org:587, smtps://mail.example.org:465 or \
     smtp://localhost:25?tls=none"
)]
pub struct SmtpUrlError;

/// Where outgoing mail goes.
#[derive(Clone)]
pub enum Delivery {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// Scheme, host and port, without credentials: safe to log.
        server: String,
    },
    Files {
        folder: PathBuf,
    },
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A failed attempt: whether trying again could help, and what happened (for the outbox row
/// and the log; it holds no body text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryError {
    pub permanent: bool,
    pub reason: String,
}

impl DeliveryError {
    pub fn temporary(reason: impl Into<String>) -> Self {
        Self {
            permanent: false,
            reason: reason.into(),
        }
    }

    pub fn permanent(reason: impl Into<String>) -> Self {
        Self {
            permanent: true,
            reason: reason.into(),
        }
    }
}

impl Delivery {
    /// SMTP delivery to the server named by `url` (see the module notes for the forms).
    pub fn smtp(url: &str) -> Result<Self, SmtpUrlError> {
        let (normalised, server) = normalise_smtp_url(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&normalised)
            .map_err(|_| SmtpUrlError)?
            .timeout(Some(SMTP_COMMAND_TIMEOUT))
            .build();
        Ok(Self::Smtp { transport, server })
    }

    /// `.eml` files in `folder`, which is created when the first message is written.
    pub fn files(folder: impl Into<PathBuf>) -> Self {
        Self::Files {
            folder: folder.into(),
        }
    }

    /// Where mail goes, in words fit for the log.
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp { server, .. } => format!("the SMTP server {server}"),
            Self::Files { folder } => format!("files in {}", folder.display()),
        }
    }

    /// Hands `message` over. `Ok` means the SMTP server accepted it, or the file is complete.
    pub async fn deliver(&self, message: &Message, mail: &OutboxMail) -> Result<(), DeliveryError> {
        match self {
            Self::Smtp { transport, .. } => match transport.send(message.clone()).await {
                Ok(_) => Ok(()),
                Err(error) if error.is_permanent() => {
                    Err(DeliveryError::permanent(error.to_string()))
                }
                Err(error) => Err(DeliveryError::temporary(error.to_string())),
            },
            Self::Files { folder } => {
                let path = folder.join(eml_file_name(mail));
                let folder = folder.clone();
                let bytes = message.formatted();
                let written = path.clone();
                tokio::task::spawn_blocking(move || write_atomically(&folder, &written, &bytes))
                    .await
                    .map_err(|_| DeliveryError::temporary("the file writer stopped"))?
                    .map_err(|e| {
                        DeliveryError::temporary(format!(
                            "cannot write {}: {}",
                            path.display(),
                            crate::config::plain_io_reason(&e)
                        ))
                    })?;
                tracing::info!(id = %mail.id, "email written to {}", path.display());
                Ok(())
            }
        }
    }
}

fn write_atomically(folder: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let partial = path.with_extension("eml.partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}

/// `20251122T082640Z-<id>.eml`: sorts by the time the email was written.
fn eml_file_name(mail: &OutboxMail) -> String {
    format!("{}-{}.eml", utc_stamp(mail.created_at), mail.id)
}

/// Unix seconds as `YYYYMMDDTHHMMSSZ` (proleptic Gregorian, UTC).
fn utc_stamp(unix: i64) -> String {
    let (year, month, day, secs) = crate::domain::time::utc_date(unix);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Rewrites Quorum's SMTP URL into lettre's spelling and names the server without credentials.
/// lettre reads a bare `smtp://` as plain text and does not know `tls=none`; Quorum reads a
/// bare `smtp://` as STARTTLS required, so that forgetting a parameter never sends a password in
/// the clear.
fn normalise_smtp_url(url: &str) -> Result<(String, String), SmtpUrlError> {
    let (scheme, rest) = url.split_once("://").ok_or(SmtpUrlError)?;
    let (base, query) = match rest.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (rest, None),
    };
    let mut tls = None;
    let mut others = Vec::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("tls", value)) => tls = Some(value),
            _ => others.push(pair),
        }
    }
    let tls_parameter = match (scheme, tls) {
        ("smtp", None | Some("required")) => Some("tls=required"),
        ("smtp", Some("opportunistic")) => Some("tls=opportunistic"),
        ("smtp", Some("none")) => None,
        ("smtps", None) => None,
        _ => return Err(SmtpUrlError),
    };
    others.extend(tls_parameter);
    let authority = base.split('/').next().unwrap_or("");
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host_and_port.is_empty() || host_and_port.starts_with(':') {
        return Err(SmtpUrlError);
    }
    let normalised = if others.is_empty() {
        format!("{scheme}://{base}")
    } else {
        format!("{scheme}://{base}?{}", others.join("&"))
    };
    Ok((normalised, format!("{scheme}://{host_and_port}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_are_read_the_quorum_way() {
        let cases = [
            (
                "smtp://user:pa%40ss@mail.example.org:587",
                "smtp://user:pa%40ss@mail.example.org:587?tls=required",
                "smtp://mail.example.org:587",
            ),
            (
                "smtps://mail.example.org:465",
                "smtps://mail.example.org:465",
                "smtps://mail.example.org:465",
            ),
            (
                "smtp://localhost:25?tls=none",
                "smtp://localhost:25",
                "smtp://localhost:25",
            ),
            (
                "smtp://localhost/quorum.example.org?tls=opportunistic",
                "smtp://localhost/quorum.example.org?tls=opportunistic",
                "smtp://localhost",
            ),
        ];
        for (given, lettre, logged) in cases {
            let (normalised, server) = normalise_smtp_url(given).unwrap();
            assert_eq!((normalised.as_str(), server.as_str()), (lettre, logged));
            assert!(Delivery::smtp(given).is_ok(), "{given}");
        }
    }

    #[test]
    fn unusable_smtp_urls_are_refused_without_repeating_the_password() {
        for url in [
            "mail.example.org",
            "http://user:hunter2@mail.example.org",
            "smtp://user:hunter2@mail.example.org?tls=sometimes",
            "smtps://user:hunter2@mail.example.org?tls=none",
            "smtp://user:hunter2@:25",
            "smtp://user:hunter2@mail.example.org:notaport",
        ] {
            let error = Delivery::smtp(url).err().map(|e| e.to_string());
            let error = error.unwrap_or_else(|| panic!("{url} was accepted"));
            assert!(!error.contains("hunter2"), "{error}");
            assert!(error.contains("QUORUM_SMTP_URL"), "{error}");
        }
    }

    #[test]
    fn eml_files_are_named_by_time_and_id() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(1_763_800_000), "20251122T082640Z");
        assert_eq!(utc_stamp(951_782_400), "20000229T000000Z");
    }
}
