//! `quorum notify-all`: one email to every person with an account, such as a breach notice,
//! queued through the outbox for the running servers to deliver.
//!
//! Strategy: the notice is recorded once and known again by its subject and text, so running
//! the same command again after a crash, a kill or a lost connection resumes it: each person's
//! outbox row is written in one transaction with the record that they have the notice
//! (`Store::queue_notice_mail`), so nobody is queued twice and nobody is skipped. Queueing is
//! throttled to `--per-minute` (never faster, with no catching up in bursts after a pause),
//! which paces delivery too, as the servers' senders send what is queued one message at a
//! time. The email's text part is the body file as written, complete on its own; the HTML part
//! says the same in paragraphs, escaped; nothing in it tracks. Every mistake in the command is
//! one plain sentence and a failing exit, before anything is changed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use tokio::time::Instant;

use crate::config::Settings;
use crate::domain::time::format_utc;
use crate::mail::MailConfig;
use crate::mail::templates::{Block, html};
use crate::store::{AuditEvent, NewMail, Notice, Store, unix_now};

/// Longest body file taken: a notice must be short enough to read in an email, and every
/// recipient's outbox row holds a copy until it is sent.
const LONGEST_BODY: u64 = 100 * 1024;
/// People read from the database at a time.
const PAGE: i64 = 500;
/// Progress is printed at most this often, and at the end.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// `quorum notify-all`'s flags.
#[derive(Debug, Clone, Args)]
pub struct NotifyAllArgs {
    /// The email's subject, which says what happened and where, such as "Your data on Quorum
    /// at example.org".
    #[arg(long)]
    pub subject: String,
    /// A plain-text file (UTF-8) holding the email's text, complete on its own.
    #[arg(long)]
    pub body_file: PathBuf,
    /// The most emails to queue in a minute, so that the mail server and the recipients' mail
    /// providers take them in their stride.
    #[arg(long, default_value_t = 600)]
    pub per_minute: u32,
    /// Say how many people it would go to, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// The notice as given on the command line, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Letter {
    subject: String,
    body: String,
}

impl Letter {
    /// The subject and body file of `args`, checked, or the one sentence that says what to fix.
    fn read(args: &NotifyAllArgs) -> anyhow::Result<Self> {
        // A line break would end the header; control characters become spaces, as in every
        // email Quorum writes.
        let subject: String = args
            .subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .trim()
            .to_string();
        if subject.is_empty() {
            bail!("the subject is empty; give the email a subject with --subject");
        }
        let body = read_body(&args.body_file)?;
        Ok(Self { subject, body })
    }

    /// What names the notice: the same subject and text always give the same digest.
    fn digest(&self) -> String {
        crate::auth::token::digest(&format!(
            "{}:{}\n{}",
            self.subject.len(),
            self.subject,
            self.body
        ))
    }

    /// The HTML part: the text's paragraphs (split at blank lines), escaped by the template.
    fn html(&self) -> String {
        let paragraphs: Vec<Block> = self
            .body
            .split("\n\n")
            .map(str::trim)
            .filter(|paragraph| !paragraph.is_empty())
            .map(|paragraph| Block::Paragraph(paragraph.to_string()))
            .collect();
        html(&self.subject, &paragraphs)
    }
}

/// The body file's text with Unix line ends and one final line end.
fn read_body(path: &Path) -> anyhow::Result<String> {
    let shown = path.display();
    let unreadable = |error: std::io::Error| match error.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!("the body file {shown} does not exist"),
        std::io::ErrorKind::IsADirectory => {
            anyhow::anyhow!("the body file {shown} is a folder, not a file")
        }
        _ => anyhow::anyhow!(
            "cannot read the body file {shown}: {}",
            crate::config::plain_io_reason(&error)
        ),
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > LONGEST_BODY {
        bail!(
            "the body file {shown} is longer than 100 KB; a notice must be short enough to read in an email"
        );
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let Ok(text) = String::from_utf8(bytes) else {
        bail!("the body file {shown} is not UTF-8 text; save it as plain text in UTF-8");
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = text.replace("\r\n", "\n");
    let text = text.trim_end();
    if text.trim().is_empty() {
        bail!("the body file {shown} is empty; write the notice's text in it");
    }
    Ok(format!("{text}\n"))
}

/// `quorum notify-all`.
pub async fn notify_all(settings: Settings, args: NotifyAllArgs) -> anyhow::Result<()> {
    if args.per_minute == 0 {
        bail!("--per-minute must be at least 1 (the most emails to queue in a minute)");
    }
    let letter = Letter::read(&args)?;
    let from = MailConfig::from_settings(&settings)?.from;
    refuse_missing_database(&settings)?;
    let store = crate::server::open_store(&settings).await?;
    let outcome = if args.dry_run {
        dry_run(&store, &letter).await
    } else {
        let domain = from.email.domain().to_string();
        send(&store, &letter, args.per_minute, &domain).await
    };
    store.close().await;
    outcome
}

/// A SQLite file that does not exist yet would be made empty, and the notice would go to nobody:
/// the command was surely run with other settings than the server's.
fn refuse_missing_database(settings: &Settings) -> anyhow::Result<()> {
    let url = settings.database_url()?;
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(());
    };
    let file = Path::new(rest.split('?').next().unwrap_or(rest));
    if !file.exists() {
        bail!(
            "there is no database at {}; run notify-all with the server's settings \
             (QUORUM_DATA_DIR or DATABASE_URL)",
            file.display()
        );
    }
    Ok(())
}

async fn dry_run(store: &Store, letter: &Letter) -> anyhow::Result<()> {
    match store.notice_by_content(&letter.digest()).await? {
        None => {
            let audience = store.notice_audience(unix_now()).await?;
            println!("Would send to {}. Nothing was queued.", people(audience));
        }
        Some(notice) => {
            let progress = store.notice_progress(&notice).await?;
            match notice.finished_at {
                Some(finished) => println!(
                    "This notice was sent to {} on {}; running it again sends nothing.",
                    people(progress.queued),
                    format_utc(finished)
                ),
                None => println!(
                    "Would send to {} more ({} {} it already). Nothing was queued.",
                    people(progress.remaining),
                    progress.queued,
                    if progress.queued == 1 { "has" } else { "have" }
                ),
            }
        }
    }
    Ok(())
}

async fn send(
    store: &Store,
    letter: &Letter,
    per_minute: u32,
    message_id_domain: &str,
) -> anyhow::Result<()> {
    let digest = letter.digest();
    let now = unix_now();
    if store.notice_by_content(&digest).await?.is_none() && store.notice_audience(now).await? == 0 {
        println!("Nobody has an account yet, so there is nobody to send to. Nothing was queued.");
        return Ok(());
    }
    let notice = store
        .start_notice(&letter.subject, &letter.body, &digest, now)
        .await?;
    let progress = store.notice_progress(&notice).await?;
    if let Some(finished) = notice.finished_at {
        println!(
            "This notice was already sent to {} on {}; nothing more was queued.",
            people(progress.queued),
            format_utc(finished)
        );
        return Ok(());
    }
    let total = progress.queued + progress.remaining;
    if progress.queued > 0 {
        println!(
            "Resuming the notice started on {}: {} of {} {} it already.",
            format_utc(notice.created_at),
            progress.queued,
            total,
            if progress.queued == 1 { "has" } else { "have" }
        );
    }
    println!(
        "Sending to {}, at most {per_minute} a minute.",
        people(progress.remaining)
    );
    audit(
        store,
        "started",
        &format!(
            "\"{}\": {} of {total} still to send",
            letter.subject, progress.remaining
        ),
    )
    .await?;
    let template = NewMail {
        recipient: String::new(),
        subject: letter.subject.clone(),
        body_text: letter.body.clone(),
        body_html: letter.html(),
        message_id_domain: message_id_domain.to_string(),
        calendar: None,
        headers: Vec::new(),
    };
    let pace = Duration::from_secs(60) / per_minute;
    let queued_now =
        queue_everyone(store, &notice, &template, pace, progress.queued, total).await?;
    store.finish_notice(&notice.id, unix_now()).await?;
    audit(
        store,
        "ok",
        &format!("\"{}\": sent to {}", letter.subject, people(total)),
    )
    .await?;
    println!(
        "Done: the notice is in the outbox for all {} ({queued_now} in this run). Running \
         Quorum servers deliver it; each looks for mail queued by other processes every minute.",
        people(total)
    );
    Ok(())
}

/// Queues the notice for everyone still to get it, one every `pace` at most, printing progress;
/// returns how many it queued.
async fn queue_everyone(
    store: &Store,
    notice: &Notice,
    template: &NewMail,
    pace: Duration,
    already: i64,
    total: i64,
) -> anyhow::Result<i64> {
    let mut done = already;
    let mut queued_now = 0;
    let mut after = String::new();
    let mut next_at = Instant::now();
    let mut printed_at: Option<Instant> = None;
    loop {
        let page = store.notice_recipients_due(notice, &after, PAGE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.account_id.clone();
        for person in page {
            tokio::time::sleep_until(next_at).await;
            let mail = NewMail {
                recipient: person.email,
                ..template.clone()
            };
            let queued = store
                .queue_notice_mail(&notice.id, &person.account_id, &mail, unix_now())
                .await
                .with_context(|| format!("stopped after queueing {done} of {total}"))?;
            if !queued {
                // Another run queued them meanwhile; no pause is owed.
                continue;
            }
            done += 1;
            queued_now += 1;
            // Never faster than the pace; after a slow moment, no burst to catch up.
            next_at = (next_at + pace).max(Instant::now());
            if printed_at.is_none_or(|at| at.elapsed() >= PROGRESS_EVERY) || done >= total {
                println!("Queued {done} of {total} ({}%)", percent(done, total));
                printed_at = Some(Instant::now());
            }
        }
    }
    Ok(queued_now)
}

/// One audit line for the run, by the operator (no account, no address).
async fn audit(store: &Store, outcome: &str, detail: &str) -> anyhow::Result<()> {
    let id = crate::auth::token::new_id()?;
    store
        .record_audit(
            &id,
            unix_now(),
            &AuditEvent {
                action: "notify_all",
                outcome,
                account_id: None,
                email_hash: None,
                ip: None,
                group_id: None,
                subject_id: None,
                detail: Some(detail),
            },
        )
        .await
        .context("cannot write the audit log")
}

fn people(count: i64) -> String {
    if count == 1 {
        "1 person".into()
    } else {
        format!("{count} people")
    }
}

/// `part` of `whole` in whole percent, rounded down, so 100% means all.
fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        100
    } else {
        part.saturating_mul(100) / whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(subject: &str, body_file: &Path) -> NotifyAllArgs {
        NotifyAllArgs {
            subject: subject.into(),
            body_file: body_file.into(),
            per_minute: 600,
            dry_run: false,
        }
    }

    #[test]
    fn the_text_is_taken_as_written_with_unix_line_ends_and_the_html_says_the_same_escaped() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notice.txt");
        std::fs::write(
            &file,
            "\u{feff}Dear member,\r\n\r\nWe found <script> & more.\r\nSorry.\r\n\r\n\r\n",
        )
        .unwrap();
        let letter = Letter::read(&args(" About\nyour data ", &file)).unwrap();
        assert_eq!(letter.subject, "About your data");
        assert_eq!(
            letter.body,
            "Dear member,\n\nWe found <script> & more.\nSorry.\n"
        );
        let html = letter.html();
        assert!(html.contains(">Dear member,</p>"), "{html}");
        assert!(
            html.contains(">We found &lt;script&gt; &amp; more.\nSorry.</p>"),
            "{html}"
        );
        assert!(html.contains("<title>About your data</title>"), "{html}");
    }

    #[test]
    fn the_same_words_make_the_same_digest_and_other_words_another() {
        let letter = |subject: &str, body: &str| Letter {
            subject: subject.into(),
            body: body.into(),
        };
        let one = letter("A", "B\n").digest();
        assert_eq!(one, letter("A", "B\n").digest());
        assert_ne!(one, letter("A", "C\n").digest());
        assert_ne!(
            letter("A:1", "\nB").digest(),
            letter("A", "1\n\nB").digest()
        );
    }

    #[test]
    fn mistakes_in_the_body_file_are_said_in_one_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&str, &[u8], &str); 3] = [
            ("empty.txt", b" \n\n", "is empty"),
            ("latin1.txt", b"caf\xe9\n", "is not UTF-8 text"),
            ("big.txt", &[b'a'; 100 * 1024 + 1], "longer than 100 KB"),
        ];
        for (name, bytes, expected) in cases {
            let file = dir.path().join(name);
            std::fs::write(&file, bytes).unwrap();
            let error = Letter::read(&args("S", &file)).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
        let missing = Letter::read(&args("S", &dir.path().join("nope.txt")));
        assert!(missing.unwrap_err().to_string().contains("does not exist"));
        let folder = Letter::read(&args("S", dir.path()));
        assert!(folder.unwrap_err().to_string().contains("is a folder"));
        let file = dir.path().join("empty.txt");
        let untitled = Letter::read(&args(" \t", &file));
        assert!(
            untitled
                .unwrap_err()
                .to_string()
                .contains("subject is empty")
        );
    }

    #[test]
    fn progress_is_in_whole_percent_rounded_down() {
        assert_eq!(percent(120, 480), 25);
        assert_eq!(percent(479, 480), 99);
        assert_eq!(percent(480, 480), 100);
        assert_eq!(percent(0, 0), 100);
    }
}
