//! Mail delivery, end to end over real sockets and a real SQLite file: what arrives at an SMTP
//! server, what happens while it is down, across a restart of the sender, and without SMTP.
//!
//! Strategy: most tests drive the library (`Store` on a temporary file, `Mailer` with an SMTP
//! sink from `support::smtp`), because no page sends mail yet; the start-up tests run the real
//! binary. Every wait polls with a generous deadline; no fixed sleep decides a result.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quorum::mail::{Block, Delivery, Email, MailConfig, Mailer, MailerHandle};
use quorum::metrics::Metrics;
use quorum::store::Store;
use support::smtp::{SmtpSink, free_port, smtp_url};
use support::{TestApp, open_database};

const WAIT: Duration = Duration::from_secs(30);
const FROM: &str = "Quorum <quorum@quorum.example.org>";

async fn open_store(dir: &Path) -> Store {
    let url = format!("sqlite://{}", dir.join("quorum.db").display());
    let store = Store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn start_mailer(store: &Store, delivery: Delivery) -> (Mailer, MailerHandle) {
    Mailer::start(
        store.clone(),
        MailConfig::new(FROM, delivery).unwrap(),
        Arc::new(Metrics::default()),
    )
}

fn sign_in_email(to: &str, subject: &str, token: &str) -> Email {
    Email::compose(
        to,
        subject,
        &[
            Block::Paragraph("Someone asked to sign in to Quorum with this address.".into()),
            Block::Link {
                text: "Sign in to Quorum".into(),
                href: format!("https://quorum.example.org/sign-in/{token}"),
            },
        ],
    )
}

/// One outbox row as the database holds it.
#[derive(Debug)]
struct Row {
    subject: String,
    body_text: String,
    body_html: String,
    message_id: String,
    attempts: i64,
    sent_at: Option<i64>,
    last_error: Option<String>,
}

type OutboxTuple = (
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
);

async fn rows(database: &Path) -> Vec<Row> {
    let pool = open_database(database).await;
    let rows: Vec<OutboxTuple> = sqlx::query_as(
        "SELECT subject, body_text, body_html, message_id, attempts, sent_at, last_error \
         FROM outbox ORDER BY created_at, subject",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.into_iter()
        .map(
            |(subject, body_text, body_html, message_id, attempts, sent_at, last_error)| Row {
                subject,
                body_text,
                body_html,
                message_id,
                attempts,
                sent_at,
                last_error,
            },
        )
        .collect()
}

/// Polls the outbox until `done` holds for the row with `subject`, and returns that row.
async fn wait_for_row(database: &Path, subject: &str, done: impl Fn(&Row) -> bool) -> Row {
    let deadline = Instant::now() + WAIT;
    loop {
        let row = rows(database)
            .await
            .into_iter()
            .find(|row| row.subject == subject);
        match row {
            Some(row) if done(&row) => return row,
            other => assert!(
                Instant::now() < deadline,
                "the outbox row {subject:?} never reached the state wanted: {other:?}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn headers(raw: &str) -> &str {
    &raw[..raw.find("\r\n\r\n").expect("a blank line ends the headers")]
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    headers(raw).lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// The parts of a `multipart/alternative` message: each part's content type and its body,
/// decoded from its transfer encoding.
fn parts(raw: &str) -> Vec<(String, String)> {
    let content_type = header(raw, "Content-Type").expect("a content type");
    let after = &raw[raw.find("boundary=").expect("a boundary") + "boundary=".len()..];
    let boundary = after
        .split(['\r', ';'])
        .next()
        .unwrap()
        .trim_matches('"')
        .to_string();
    assert!(content_type.starts_with("multipart/alternative"), "{raw}");
    let body = &raw[raw.find("\r\n\r\n").unwrap() + 4..];
    let delimiter = format!("--{boundary}");
    body.split(delimiter.as_str())
        .skip(1)
        .take_while(|part| !part.starts_with("--"))
        .map(|part| {
            let part = part.trim_start_matches("\r\n");
            let (part_headers, content) = part.split_once("\r\n\r\n").unwrap();
            let field = |name: &str| {
                part_headers.lines().find_map(|line| {
                    let (key, value) = line.split_once(':')?;
                    key.eq_ignore_ascii_case(name)
                        .then(|| value.trim().to_string())
                })
            };
            let kind = field("Content-Type").unwrap_or_default();
            let decoded = match field("Content-Transfer-Encoding").as_deref() {
                Some("quoted-printable") => quoted_printable(content),
                Some("base64") => {
                    use base64::Engine;
                    let compact: String = content.split_whitespace().collect();
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(compact)
                        .unwrap();
                    String::from_utf8(bytes).unwrap()
                }
                _ => content.to_string(),
            };
            (kind, decoded)
        })
        .collect()
}

fn quoted_printable(encoded: &str) -> String {
    let unfolded = encoded.replace("=\r\n", "");
    let bytes = unfolded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn subject_of(raw: &str) -> &str {
    header(raw, "Subject").unwrap_or("")
}

#[tokio::test]
async fn a_message_arrives_over_smtp_as_text_then_html_with_proper_headers() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path()).await;
    let sink = SmtpSink::start().await;
    let (mailer, sender) = start_mailer(&store, Delivery::smtp(&sink.url()).unwrap());

    mailer
        .send(sign_in_email(
            "ana@example.org",
            "Sign in to Quorum",
            "tok123",
        ))
        .await
        .unwrap();
    let raw = sink.wait_for(1, WAIT).await.remove(0);

    assert_eq!(header(&raw, "From"), Some(FROM));
    assert_eq!(header(&raw, "To"), Some("ana@example.org"));
    assert_eq!(header(&raw, "Subject"), Some("Sign in to Quorum"));
    assert!(
        header(&raw, "Date").is_some_and(|d| d.ends_with("+0000")),
        "{raw}"
    );
    assert_eq!(header(&raw, "MIME-Version"), Some("1.0"));
    assert!(
        header(&raw, "Content-Type").is_some_and(|t| t.starts_with("multipart/alternative")),
        "{raw}"
    );
    let parts = parts(&raw);
    let types: Vec<&str> = parts.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(
        types,
        ["text/plain; charset=utf-8", "text/html; charset=utf-8"],
        "one text part first, then one HTML part:\n{raw}"
    );
    let (text, html) = (&parts[0].1, &parts[1].1);
    assert!(text.contains("Sign in to Quorum:\r\nhttps://quorum.example.org/sign-in/tok123"));
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(html.contains("<title>Sign in to Quorum</title>"), "{html}");
    assert!(html.contains(">Sign in to Quorum</a>"), "{html}");
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<img", "<script", "<link", "<iframe", "<table", "url(", "src=",
    ] {
        assert!(
            !lower.contains(banned),
            "{banned} in the HTML part:\n{html}"
        );
    }

    // The stored Message-ID is the one sent; once sent, the bodies are gone from the database.
    let row = wait_for_row(&dir.path().join("quorum.db"), "Sign in to Quorum", |row| {
        row.sent_at.is_some()
    })
    .await;
    assert_eq!(header(&raw, "Message-ID"), Some(row.message_id.as_str()));
    assert!(row.message_id.ends_with("@quorum.example.org>"), "{row:?}");
    assert_eq!((row.body_text.as_str(), row.body_html.as_str()), ("", ""));
    assert_eq!(row.attempts, 1);

    sender.shutdown().await;
    store.close().await;
}

#[tokio::test]
async fn mail_waits_while_the_server_is_down_and_arrives_once_when_it_comes_up() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("quorum.db");
    let store = open_store(dir.path()).await;
    let port = free_port();
    let (mailer, sender) = start_mailer(&store, Delivery::smtp(&smtp_url(port)).unwrap());

    mailer
        .send(sign_in_email("ana@example.org", "First", "tok1"))
        .await
        .unwrap();
    let waiting = wait_for_row(&database, "First", |row| {
        row.attempts >= 1 && row.last_error.is_some()
    })
    .await;
    assert_eq!(waiting.sent_at, None);
    assert!(
        waiting.body_text.contains("tok1"),
        "unsent mail keeps its body"
    );

    let sink = SmtpSink::start_on(port).await;
    let first = sink.wait_for(1, WAIT).await;
    assert_eq!(subject_of(&first[0]), "First");
    wait_for_row(&database, "First", |row| row.sent_at.is_some()).await;

    // The sender delivers in order, so if the first message were sent again it would arrive
    // before the second.
    mailer
        .send(sign_in_email("ana@example.org", "Second", "tok2"))
        .await
        .unwrap();
    let all = sink.wait_for(2, WAIT).await;
    let subjects: Vec<&str> = all.iter().map(|raw| subject_of(raw)).collect();
    assert_eq!(subjects, ["First", "Second"]);

    sender.shutdown().await;
    assert_eq!(sink.messages().len(), 2);
    store.close().await;
}

#[tokio::test]
async fn after_a_restart_waiting_mail_is_delivered_and_sent_mail_is_not_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("quorum.db");

    // First run: one message is delivered, a second cannot be (the server is down).
    let store = open_store(dir.path()).await;
    let first_sink = SmtpSink::start().await;
    let (mailer, sender) = start_mailer(&store, Delivery::smtp(&first_sink.url()).unwrap());
    mailer
        .send(sign_in_email("ana@example.org", "Delivered", "tok1"))
        .await
        .unwrap();
    first_sink.wait_for(1, WAIT).await;
    wait_for_row(&database, "Delivered", |row| row.sent_at.is_some()).await;
    sender.shutdown().await;

    let (mailer, sender) = start_mailer(&store, Delivery::smtp(&smtp_url(free_port())).unwrap());
    mailer
        .send(sign_in_email("ana@example.org", "Waiting", "tok2"))
        .await
        .unwrap();
    let waiting = wait_for_row(&database, "Waiting", |row| row.attempts >= 1).await;
    sender.shutdown().await;
    store.close().await;
    assert_eq!(
        wait_for_row(&database, "Waiting", |_| true).await.sent_at,
        None
    );

    // Second run on the same database, with the server up.
    let store = open_store(dir.path()).await;
    let sink = SmtpSink::start().await;
    let (mailer, sender) = start_mailer(&store, Delivery::smtp(&sink.url()).unwrap());
    let arrived = sink.wait_for(1, WAIT).await;
    assert_eq!(subject_of(&arrived[0]), "Waiting");
    assert_eq!(
        header(&arrived[0], "Message-ID"),
        Some(waiting.message_id.as_str()),
        "a retried message keeps its Message-ID"
    );
    mailer
        .send(sign_in_email("ana@example.org", "After restart", "tok3"))
        .await
        .unwrap();
    let all = sink.wait_for(2, WAIT).await;
    let subjects: Vec<&str> = all.iter().map(|raw| subject_of(raw)).collect();
    assert_eq!(subjects, ["Waiting", "After restart"]);

    sender.shutdown().await;
    store.close().await;
    assert_eq!(first_sink.messages().len(), 1);
}

/// Log lines written while the guard lives, on this thread (the test runtime runs the sender
/// on this thread too).
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl LogBuffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn without_smtp_mail_becomes_an_eml_file_and_the_log_says_where_but_not_what() {
    let log = LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(log.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("quorum.db");
    let folder = dir.path().join("mail");
    let store = open_store(dir.path()).await;
    let (mailer, sender) = start_mailer(&store, Delivery::files(&folder));
    mailer
        .send(sign_in_email(
            "ana@example.org",
            "Sign in to Quorum",
            "SECRET-TOKEN-42",
        ))
        .await
        .unwrap();
    wait_for_row(&database, "Sign in to Quorum", |row| row.sent_at.is_some()).await;
    sender.shutdown().await;
    store.close().await;

    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let file = &files[0];
    assert_eq!(file.extension().and_then(|e| e.to_str()), Some("eml"));
    let raw = std::fs::read_to_string(file).unwrap();
    assert!(raw.contains("multipart/alternative"), "{raw}");
    assert!(
        raw.contains("SECRET-TOKEN-42"),
        "the file is the whole email"
    );

    let log = log.text();
    let line = log
        .lines()
        .find(|line| line.contains("email written to"))
        .unwrap_or_else(|| panic!("no line says where the email went:\n{log}"));
    assert!(line.contains(&folder.display().to_string()), "{line}");
    assert!(!log.contains("SECRET-TOKEN-42"), "{log}");
    assert!(!log.contains("Someone asked to sign in"), "{log}");

    let row = rows(&database).await.remove(0);
    assert_eq!((row.body_text.as_str(), row.body_html.as_str()), ("", ""));
}

#[test]
fn the_server_says_at_start_up_where_mail_goes() {
    let app = TestApp::start();
    let folder = app.data_dir().join("mail");
    app.wait_for_log(&format!(
        "outgoing mail goes to files in {}",
        folder.display()
    ));

    let port = free_port();
    let app = TestApp::builder()
        .env(
            "QUORUM_SMTP_URL",
            format!("smtp://quorum:hunter2@127.0.0.1:{port}?tls=none"),
        )
        .start();
    let log = app.wait_for_log(&format!(
        "outgoing mail goes to the SMTP server smtp://127.0.0.1:{port}"
    ));
    assert!(!log.contains("hunter2"), "{log}");
    let finished = app.stop();
    assert!(finished.status.success(), "{finished:?}");
    assert!(
        finished.stdout.contains("the mail sender has stopped"),
        "{finished:?}"
    );
}

#[test]
fn an_unusable_smtp_url_stops_start_up_in_one_sentence_without_the_password() {
    let finished = TestApp::builder()
        .env(
            "QUORUM_SMTP_URL",
            "smtp://quorum:hunter2@mail.example.org?tls=sometimes",
        )
        .run_to_exit();
    assert!(!finished.status.success(), "{finished:?}");
    let stderr = finished.stderr.trim();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("QUORUM_SMTP_URL"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(!finished.stdout.contains("hunter2"), "{finished:?}");
}
