//! A small SMTP listener for replies (`QUORUM_INBOUND_SMTP_ADDR`), for a mail server (or the
//! internet, behind a firewall's port 25) to deliver reply addresses to.
//!
//! It speaks what a sending mail server needs (RFC 5321): the greeting, EHLO/HELO, MAIL FROM
//! (with `SIZE=`), RCPT TO, DATA (with dot-unstuffing), RSET, NOOP and QUIT; no TLS and no
//! AUTH, so it belongs behind a mail server or on a trusted network, like Quorum's own port.
//! RCPT TO takes only reply addresses at the reply domain (`550` for anything else), so it
//! relays nothing and accepts no mail for anyone. A message over [`MESSAGE_LIMIT`] is read to
//! its end and refused with `552`.
//!
//! Strategy: one task per connection, so a slow or hostile client holds only its own; each
//! command must come within [`COMMAND_TIMEOUT`] and a message within [`DATA_TIMEOUT`], lines
//! are read in bounded pieces so no line can fill the memory, at most [`MAX_SESSIONS`]
//! connections are served at once (`421` beyond), and a client making mistake after mistake is
//! sent away. The message is handled ([`receive`]) before DATA is answered: `250` once it is
//! posted, bounced or dropped, `451` (try again later) when Quorum could not handle it now, so
//! a message is never lost between the sending server and Quorum. When the server stops,
//! connections waiting for a command are told `421` and closed, and a message being handled is
//! finished first.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};
use tracing::{debug, info, warn};

use super::{Arrival, MESSAGE_LIMIT, is_reply_address, receive};
use crate::AppState;

/// How long the listener waits for each command (and each line of a message).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a whole message may take to arrive after DATA.
pub const DATA_TIMEOUT: Duration = Duration::from_secs(600);
/// Connections served at once.
pub const MAX_SESSIONS: usize = 64;
/// Recipients of one message.
const MAX_RECIPIENTS: usize = 20;
/// The longest command line (RFC 5321 allows 512 octets; some clients send a little more).
const COMMAND_LINE_LIMIT: usize = 2_048;
/// The piece a message is read in.
const DATA_CHUNK: usize = 64 * 1024;
/// Mistakes a client may make before it is sent away.
const MAX_ERRORS: u32 = 10;
/// How long a stopping server waits for messages being handled.
const FINISH_WITHIN: Duration = Duration::from_secs(20);

/// The listening socket, bound at start-up so that a taken address stops start-up.
#[derive(Debug)]
pub struct Listener {
    socket: TcpListener,
}

/// The listener at work; [`Running::finish`] waits for it to stop.
#[derive(Debug)]
pub struct Running {
    task: JoinHandle<()>,
}

impl Listener {
    pub async fn bind(address: SocketAddr) -> std::io::Result<Self> {
        Ok(Self {
            socket: TcpListener::bind(address).await?,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Serves connections until `stop` turns true.
    pub fn start(self, state: AppState, stop: watch::Receiver<bool>) -> Running {
        Running {
            task: tokio::spawn(accept(self.socket, state, stop)),
        }
    }
}

impl Running {
    /// Waits until the listener has stopped and its connections have ended.
    pub async fn finish(self) {
        if let Err(cause) = self.task.await {
            warn!(%cause, "the inbound SMTP listener ended abnormally");
        }
    }
}

async fn accept(socket: TcpListener, state: AppState, mut stop: watch::Receiver<bool>) {
    let slots = Arc::new(Semaphore::new(MAX_SESSIONS));
    let mut sessions = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|stopped| *stopped) => break,
            Some(_) = sessions.join_next(), if !sessions.is_empty() => continue,
            accepted = socket.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => match Arc::clone(&slots).try_acquire_owned() {
                Ok(slot) => {
                    sessions.spawn(session(stream, state.clone(), stop.clone(), slot));
                }
                Err(_) => {
                    sessions.spawn(turn_away(stream));
                }
            },
            Err(cause) => {
                // Out of file descriptors, most likely: pause rather than spin.
                warn!(%cause, "the inbound SMTP listener could not accept a connection");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    drop(socket);
    let finished = tokio::time::timeout(FINISH_WITHIN, async {
        while sessions.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        sessions.abort_all();
    }
    info!("the inbound SMTP listener has stopped");
}

async fn turn_away(mut stream: TcpStream) {
    let _ = tokio::time::timeout(
        Duration::from_secs(5),
        stream.write_all(b"421 4.3.2 Too many connections, try again later\r\n"),
    )
    .await;
}

/// What one connection has said about the message it is sending.
#[derive(Debug, Default)]
struct Envelope {
    sender: Option<String>,
    recipients: Vec<String>,
}

/// A line read, or why there is none.
enum Read {
    Line(Vec<u8>),
    TooLong,
    Closed,
}

async fn session(
    stream: TcpStream,
    state: AppState,
    mut stop: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let mut session = Session::new(state.config.reply_domain.clone().unwrap_or_default());
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    macro_rules! say {
        ($reply:expr) => {
            if write.write_all($reply.as_bytes()).await.is_err() {
                return;
            }
        };
    }
    say!(format!("220 {} Quorum ESMTP ready\r\n", session.domain));
    loop {
        let read = tokio::select! {
            read = tokio::time::timeout(
                COMMAND_TIMEOUT,
                read_line(&mut reader, COMMAND_LINE_LIMIT),
            ) => Some(read),
            _ = stop.wait_for(|stopped| *stopped) => None,
        };
        let line = match read {
            None => {
                say!(format!("421 4.3.2 {} is shutting down\r\n", session.domain));
                return;
            }
            Some(Err(_)) => {
                say!("421 4.4.2 Timeout, closing\r\n");
                return;
            }
            Some(Ok(Err(_) | Ok(Read::Closed))) => return,
            Some(Ok(Ok(Read::TooLong))) => None,
            Some(Ok(Ok(Read::Line(line)))) => Some(line),
        };
        let next = match line {
            Some(line) => session.command(String::from_utf8_lossy(&line).trim_end()),
            None => session.mistake("500 5.5.2 Line too long\r\n"),
        };
        match next {
            Next::Reply(reply) => say!(reply),
            Next::Close(reply) => {
                say!(reply);
                return;
            }
            Next::Data => {
                say!("354 End the message with a line holding only a dot\r\n");
                let reply = match tokio::time::timeout(DATA_TIMEOUT, read_data(&mut reader)).await {
                    Err(_) => {
                        say!("421 4.4.2 Timeout, closing\r\n");
                        return;
                    }
                    Ok(None) => return,
                    Ok(Some(None)) => {
                        format!("552 5.3.4 Messages are limited to {MESSAGE_LIMIT} bytes\r\n")
                    }
                    Ok(Some(Some(raw))) => handle(&state, &session.envelope, &raw).await,
                };
                session.envelope = Envelope::default();
                say!(reply);
            }
        }
    }
}

/// What the conversation does next.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Reply(String),
    /// Read the message (DATA was accepted).
    Data,
    /// Say this and hang up.
    Close(String),
}

/// One connection's side of the conversation, apart from reading and writing.
#[derive(Debug)]
struct Session {
    domain: String,
    greeted: bool,
    envelope: Envelope,
    errors: u32,
}

impl Session {
    fn new(domain: String) -> Self {
        Self {
            domain,
            greeted: false,
            envelope: Envelope::default(),
            errors: 0,
        }
    }

    /// A refused command, counted: too many and the client is sent away.
    fn mistake(&mut self, reply: &str) -> Next {
        self.errors += 1;
        if self.errors >= MAX_ERRORS {
            return Next::Close("421 4.7.0 Too many errors, closing\r\n".into());
        }
        Next::Reply(reply.into())
    }

    /// The answer to one command line.
    fn command(&mut self, line: &str) -> Next {
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        let ok = |reply: &str| Next::Reply(reply.into());
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                self.greeted = true;
                self.envelope = Envelope::default();
                let domain = &self.domain;
                Next::Reply(format!(
                    "250-{domain}\r\n250-8BITMIME\r\n250 SIZE {MESSAGE_LIMIT}\r\n"
                ))
            }
            "HELO" => {
                self.greeted = true;
                self.envelope = Envelope::default();
                Next::Reply(format!("250 {}\r\n", self.domain))
            }
            "MAIL" if !self.greeted || self.envelope.sender.is_some() => {
                self.mistake("503 5.5.1 Say EHLO first, and MAIL once per message\r\n")
            }
            "MAIL" => match path(rest, "FROM:") {
                None => self.mistake("501 5.5.4 Write MAIL FROM:<address>\r\n"),
                Some((_, parameters))
                    if declared_size(parameters).is_some_and(|size| size > MESSAGE_LIMIT) =>
                {
                    Next::Reply(format!(
                        "552 5.3.4 Messages are limited to {MESSAGE_LIMIT} bytes\r\n"
                    ))
                }
                Some((sender, _)) => {
                    self.envelope.sender = Some(sender);
                    ok("250 2.1.0 OK\r\n")
                }
            },
            "RCPT" if self.envelope.sender.is_none() => self.mistake("503 5.5.1 MAIL first\r\n"),
            "RCPT" => match path(rest, "TO:") {
                None => self.mistake("501 5.5.4 Write RCPT TO:<address>\r\n"),
                Some((recipient, _)) if !is_reply_address(&recipient, &self.domain) => {
                    self.mistake("550 5.1.1 No such reply address here\r\n")
                }
                Some(_) if self.envelope.recipients.len() >= MAX_RECIPIENTS => {
                    ok("452 4.5.3 Too many recipients\r\n")
                }
                Some((recipient, _)) => {
                    self.envelope.recipients.push(recipient);
                    ok("250 2.1.5 OK\r\n")
                }
            },
            "DATA" if self.envelope.recipients.is_empty() => {
                self.mistake("503 5.5.1 RCPT first\r\n")
            }
            "DATA" => Next::Data,
            "RSET" => {
                self.envelope = Envelope::default();
                ok("250 2.0.0 OK\r\n")
            }
            "NOOP" => ok("250 2.0.0 OK\r\n"),
            "QUIT" => Next::Close("221 2.0.0 Bye\r\n".into()),
            "VRFY" => ok("252 2.5.0 Send the message and see\r\n"),
            _ => self.mistake("502 5.5.1 Command not implemented\r\n"),
        }
    }
}

/// Handles a whole message and says how it went.
async fn handle(state: &AppState, envelope: &Envelope, raw: &[u8]) -> String {
    let arrival = Arrival {
        raw,
        sender: envelope.sender.as_deref(),
        recipients: &envelope.recipients,
    };
    match receive(state, arrival).await {
        Ok(_) => "250 2.0.0 OK: handled\r\n".into(),
        Err(cause) => {
            warn!(%cause, "inbound mail: a message could not be handled; the sender will try again");
            "451 4.3.0 Quorum cannot take the message now; try again later\r\n".into()
        }
    }
}

/// The address in `rest` after `keyword` (`FROM:<a@b> SIZE=10`), without its angle brackets,
/// in lower case, and the parameters after it. `<>` is the empty address.
fn path<'a>(rest: &'a str, keyword: &str) -> Option<(String, &'a str)> {
    let rest = rest.trim_start();
    let head = rest.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = rest[keyword.len()..].trim_start();
    let (address, parameters) = match rest.strip_prefix('<') {
        Some(inner) => inner.split_once('>')?,
        None => rest.split_once(' ').unwrap_or((rest, "")),
    };
    if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Some((address.to_lowercase(), parameters))
}

/// The `SIZE=` a client declared in MAIL FROM.
fn declared_size(parameters: &str) -> Option<usize> {
    parameters.split_whitespace().find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.eq_ignore_ascii_case("SIZE")
            .then(|| value.parse().ok())
            .flatten()
    })
}

/// One line of at most `limit` bytes; a longer one is read to its end and reported.
async fn read_line<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    limit: usize,
) -> std::io::Result<Read> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let mut piece = Vec::new();
        let read = (&mut *reader)
            .take(limit as u64)
            .read_until(b'\n', &mut piece)
            .await?;
        if read == 0 {
            return Ok(Read::Closed);
        }
        let ended = piece.ends_with(b"\n");
        if !too_long && line.len() + piece.len() <= limit {
            line.extend_from_slice(&piece);
        } else {
            too_long = true;
            line.clear();
        }
        if ended {
            return Ok(if too_long {
                Read::TooLong
            } else {
                Read::Line(line)
            });
        }
    }
}

/// The message after DATA, up to the line holding only a dot, with leading dots unstuffed:
/// `None` when the connection closed first, `Some(None)` when it was over the limit.
async fn read_data<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Option<Option<Vec<u8>>> {
    let mut message = Vec::new();
    let mut too_large = false;
    let mut line_start = true;
    loop {
        let mut piece = Vec::new();
        let read = tokio::time::timeout(
            COMMAND_TIMEOUT,
            (&mut *reader)
                .take(DATA_CHUNK as u64)
                .read_until(b'\n', &mut piece),
        )
        .await
        .ok()?
        .ok()?;
        if read == 0 {
            return None;
        }
        if line_start && (piece == b".\r\n" || piece == b".\n") {
            return Some((!too_large).then_some(message));
        }
        let content = match piece.strip_prefix(b".") {
            Some(unstuffed) if line_start => unstuffed,
            _ => &piece[..],
        };
        line_start = piece.ends_with(b"\n");
        if too_large {
            continue;
        }
        if message.len() + content.len() > MESSAGE_LIMIT {
            too_large = true;
            message = Vec::new();
            debug!("inbound mail: a message over the limit is being read to its end");
        } else {
            message.extend_from_slice(content);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_sizes_are_read_leniently() {
        assert_eq!(
            path("FROM:<Bob@Example.org> SIZE=100 BODY=8BITMIME", "FROM:"),
            Some(("bob@example.org".into(), " SIZE=100 BODY=8BITMIME"))
        );
        assert_eq!(path("from: <>", "FROM:"), Some((String::new(), "")));
        assert_eq!(path("TO:a@b.org", "TO:"), Some(("a@b.org".into(), "")));
        assert_eq!(path("TO <a@b.org>", "TO:"), None);
        assert_eq!(declared_size(" SIZE=100 BODY=8BITMIME"), Some(100));
        assert_eq!(declared_size(" BODY=8BITMIME"), None);
    }

    #[test]
    fn the_conversation_takes_only_reply_addresses_in_order() {
        let mut session = Session::new("quorum.example".into());
        let reply = |next: Next| match next {
            Next::Reply(reply) | Next::Close(reply) => reply,
            Next::Data => "DATA".into(),
        };
        assert!(reply(session.command("MAIL FROM:<a@b.org>")).starts_with("503 "));
        assert!(reply(session.command("EHLO client")).contains("250 SIZE 1048576"));
        assert!(reply(session.command("RCPT TO:<reply+a.b@quorum.example>")).starts_with("503 "));
        assert!(reply(session.command("DATA")).starts_with("503 "));
        assert!(reply(session.command("MAIL FROM:<a@b.org> SIZE=2000000")).starts_with("552 "));
        assert!(reply(session.command("mail from:<a@b.org> SIZE=20")).starts_with("250 "));
        assert!(reply(session.command("RCPT TO:<postmaster@quorum.example>")).starts_with("550 "));
        assert!(
            reply(session.command("RCPT TO:<reply+a.b@elsewhere.example>")).starts_with("550 ")
        );
        assert!(reply(session.command("RCPT TO:<Reply+A.B@Quorum.Example>")).starts_with("250 "));
        assert_eq!(session.command("DATA"), Next::Data);
        assert_eq!(session.envelope.recipients, ["reply+a.b@quorum.example"]);
        assert!(reply(session.command("RSET")).starts_with("250 "));
        assert!(session.envelope.sender.is_none());
        assert!(reply(session.command("QUIT")).starts_with("221 "));
        let mut noisy = Session::new("quorum.example".into());
        let last = (0..MAX_ERRORS).map(|_| noisy.command("HACK")).last();
        assert!(matches!(last, Some(Next::Close(reply)) if reply.starts_with("421 ")));
    }

    #[tokio::test]
    async fn data_is_unstuffed_and_bounded() {
        let input: &[u8] = b"Subject: x\r\n\r\n..leading dot\r\n.\r\nNOOP\r\n";
        let mut reader = BufReader::new(input);
        let message = read_data(&mut reader).await.unwrap().unwrap();
        assert_eq!(message, b"Subject: x\r\n\r\n.leading dot\r\n");
        let mut rest = String::new();
        reader.read_to_string(&mut rest).await.unwrap();
        assert_eq!(rest, "NOOP\r\n");

        let big = format!("{}\r\n.\r\n", "a".repeat(MESSAGE_LIMIT + 10));
        let mut reader = BufReader::new(big.as_bytes());
        assert_eq!(read_data(&mut reader).await, Some(None));

        let mut reader = BufReader::new(&b"no end"[..]);
        assert_eq!(read_data(&mut reader).await, None);
    }

    #[tokio::test]
    async fn a_long_command_line_is_read_to_its_end_and_refused() {
        let input = format!("{}\r\nNOOP\r\n", "x".repeat(5_000));
        let mut reader = BufReader::new(input.as_bytes());
        assert!(matches!(
            read_line(&mut reader, COMMAND_LINE_LIMIT).await.unwrap(),
            Read::TooLong
        ));
        assert!(matches!(
            read_line(&mut reader, COMMAND_LINE_LIMIT).await.unwrap(),
            Read::Line(line) if line == b"NOOP\r\n"
        ));
    }
}
