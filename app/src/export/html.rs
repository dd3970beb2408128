//! The export's HTML file: one complete page that reads offline, in any browser, with a screen
//! reader, and printed. Accessibility criteria: `lang` and a title; one `h1`, then an `h2` per
//! kind of data, each listed in a contents list at the top so that a screen reader's headings
//! list and the keyboard reach any part; every table has a caption and `th` with `scope`; no
//! script, no image, no outside resource; the small inline stylesheet keeps 7:1 contrast,
//! wraps long words instead of scrolling sideways at 320 px, and leaves forced colours alone.
//! Everything a person wrote is escaped and shown as the text they typed (Markdown source).

use std::fmt::Write;

use crate::domain::time::format_utc;
use crate::mail::templates::escape;
use crate::store::{PersonalData, TextVersion};

const STYLE: &str = "body{font-family:system-ui,sans-serif;line-height:1.5;color:#0b0c0c;\
background:#fff;margin:0 auto;padding:1rem;max-width:80rem;overflow-wrap:anywhere}\
p,li{max-width:80ch}a{color:#1d4b8f}a:focus{outline:3px solid #0b0c0c;outline-offset:2px}\
table{border-collapse:collapse;margin:0 0 2rem;width:100%;table-layout:fixed}\
caption{text-align:left;font-weight:bold;padding:.5rem 0}\
th,td{border:1px solid #505a5f;padding:.25rem .5rem;text-align:left;vertical-align:top;\
overflow-wrap:anywhere}td.q-text{white-space:pre-wrap}\
@media (max-width:30em){body{padding:.5rem}th,td{padding:.25rem}}";

/// A table: caption, column headings, and rows of cells already escaped; the first cell of
/// each row heads it.
struct Table<'a> {
    caption: &'a str,
    headings: &'a [&'a str],
    rows: Vec<Vec<String>>,
    /// Columns holding text people wrote, which keeps its line breaks.
    text_columns: &'a [usize],
}

fn t(unix: i64) -> String {
    escape(&format_utc(unix))
}

fn maybe(unix: Option<i64>) -> String {
    unix.map(t).unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.to_string()
}

impl Table<'_> {
    fn write(&self, out: &mut String, empty: &str) {
        if self.rows.is_empty() {
            if empty.is_empty() {
                return;
            }
            let _ = writeln!(out, "<p>{}</p>", escape(empty));
            return;
        }
        let _ = write!(
            out,
            "<table>\n<caption>{}</caption>\n<thead><tr>",
            escape(self.caption)
        );
        for heading in self.headings {
            let _ = write!(out, "<th scope=\"col\">{}</th>", escape(heading));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                if i == 0 {
                    let _ = write!(out, "<th scope=\"row\">{cell}</th>");
                } else if self.text_columns.contains(&i) {
                    let _ = write!(out, "<td class=\"q-text\">{cell}</td>");
                } else {
                    let _ = write!(out, "<td>{cell}</td>");
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
}

/// The sections, in order: their ids and headings, for the contents list.
const SECTIONS: [(&str, &str); 17] = [
    ("profile", "Your profile"),
    ("groups", "Your groups"),
    ("threads", "Threads you started"),
    ("comments", "Your comments"),
    ("polls", "Polls you started"),
    ("votes", "Your votes"),
    ("secret-ballots", "Secret ballots you cast"),
    ("reactions", "Your reactions"),
    ("reading", "Threads you have read"),
    ("sessions", "Where you are signed in"),
    ("sign-ins", "Sign-in history"),
    ("email", "Your email address"),
    ("kept", "Answers kept for you"),
    ("mail", "Email we sent you"),
    ("notifications", "Notification settings"),
    ("notified", "Notifications you were given"),
    ("files", "Files you attached"),
];

fn heading(out: &mut String, index: usize) {
    let (id, text) = SECTIONS[index];
    let _ = writeln!(out, "<h2 id=\"{id}\">{text}</h2>");
}

/// The whole page.
pub fn document(data: &PersonalData, instance: &str, now: i64) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let who = data
        .profile
        .name
        .clone()
        .unwrap_or_else(|| data.profile.email.clone());
    let title = format!("Your data from Quorum, {}", format_utc(now));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>Your data from Quorum</h1>\n\
         <p>Everything the Quorum at {} holds about {} ({}), as it was on {}. \
         The same data is in <code>{}</code>, for programs.</p>\n",
        escape(&title),
        escape(instance),
        escape(&who),
        escape(&data.profile.email),
        t(now),
        super::JSON_FILE,
    );
    out.push_str("<nav aria-label=\"Contents\">\n<h2>Contents</h2>\n<ul>\n");
    for (id, text) in SECTIONS {
        let _ = writeln!(out, "<li><a href=\"#{id}\">{text}</a></li>");
    }
    out.push_str("</ul>\n</nav>\n");
    profile(&mut out, data);
    groups(&mut out, data);
    writing(&mut out, data);
    decisions(&mut out, data);
    activity(&mut out, data);
    notifications(&mut out, data);
    files(&mut out, data);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn notifications(out: &mut String, data: &PersonalData) {
    let settings = &data.notification_settings;
    heading(out, 14);
    let day = WEEKDAYS
        .get(usize::try_from(settings.digest_day - 1).unwrap_or(0))
        .copied()
        .unwrap_or("Monday");
    let _ = writeln!(
        out,
        "<p>Your default: {}. Catch-up digest: {}{}.</p>",
        escape(&settings.default_volume),
        escape(&settings.digest),
        if settings.digest == "weekly" {
            format!(", on {day}")
        } else {
            String::new()
        }
    );
    Table {
        caption: "Your setting for each of your groups",
        headings: &["Group", "Setting"],
        rows: settings
            .groups
            .iter()
            .map(|g| {
                vec![
                    escape(&g.group_name),
                    escape(g.volume.as_deref().unwrap_or("your default")),
                ]
            })
            .collect(),
        text_columns: &[],
    }
    .write(out, "You are not in any group.");
    Table {
        caption: "Threads with a setting of their own",
        headings: &["Thread", "Setting"],
        rows: settings
            .threads
            .iter()
            .map(|t| vec![escape(&t.thread_title), escape(&t.volume)])
            .collect(),
        text_columns: &[],
    }
    .write(out, "No thread has a setting of its own.");
    heading(out, 15);
    Table {
        caption: "Notifications, oldest first",
        headings: &["What", "Group", "When", "Read", "Email"],
        rows: data
            .notifications
            .iter()
            .map(|n| {
                vec![
                    escape(&n.kind.replace('_', " ")),
                    escape(&n.group_handle),
                    t(n.created_at),
                    maybe(n.read_at),
                    escape(&n.email),
                ]
            })
            .collect(),
        text_columns: &[],
    }
    .write(out, "You have not been given any notifications.");
}

fn files(out: &mut String, data: &PersonalData) {
    heading(out, 16);
    Table {
        caption: "Files you attached, oldest first; each is in this copy's files folder",
        headings: &[
            "File",
            "Group",
            "Attached to",
            "Size in bytes",
            "Text alternative",
            "When",
        ],
        rows: data
            .files
            .iter()
            .map(|f| {
                let href = crate::zip::relative_href(&f.path);
                vec![
                    format!("<a href=\"{}\">{}</a>", escape(&href), escape(&f.name)),
                    escape(f.group_handle.as_deref().unwrap_or("a deleted group")),
                    escape(match f.attached_to.as_str() {
                        "context" => "a thread",
                        "comment" => "a comment",
                        "poll" => "a poll",
                        _ => "an outcome",
                    }),
                    f.size.to_string(),
                    escape(match f.alt.as_deref() {
                        None => "",
                        Some("") => "decorative",
                        Some(alt) => alt,
                    }),
                    t(f.created_at),
                ]
            })
            .collect(),
        text_columns: &[4],
    }
    .write(out, "You have not attached any files.");
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn profile(out: &mut String, data: &PersonalData) {
    let p = &data.profile;
    heading(out, 0);
    let rows = vec![
        vec!["Name".into(), escape(p.name.as_deref().unwrap_or(""))],
        vec!["Email address".into(), escape(&p.email)],
        vec!["Handle".into(), escape(p.handle.as_deref().unwrap_or(""))],
        vec!["Time zone".into(), escape(&p.time_zone)],
        vec!["Password set".into(), yes_no(p.has_password)],
        vec!["Account created".into(), t(p.created_at)],
        vec!["Deactivated".into(), maybe(p.deactivated_at)],
        vec!["Account id".into(), escape(&p.id)],
    ];
    Table {
        caption: "Your profile",
        headings: &["What", "Value"],
        rows,
        text_columns: &[],
    }
    .write(out, "");
}

fn groups(out: &mut String, data: &PersonalData) {
    heading(out, 1);
    Table {
        caption: "Groups you are a member of",
        headings: &["Group", "Handle", "Role", "Joined"],
        rows: data
            .memberships
            .iter()
            .map(|m| {
                vec![
                    escape(&m.group_name),
                    escape(&m.group_handle),
                    escape(&m.role),
                    t(m.joined_at),
                ]
            })
            .collect(),
        text_columns: &[],
    }
    .write(out, "You are not a member of any group.");
    Table {
        caption: "Your requests to join groups",
        headings: &["Group", "Handle", "Introduction", "Asked", "Ignored"],
        rows: data
            .join_requests
            .iter()
            .map(|j| {
                vec![
                    escape(&j.group_name),
                    escape(&j.group_handle),
                    escape(&j.introduction),
                    t(j.created_at),
                    maybe(j.ignored_at),
                ]
            })
            .collect(),
        text_columns: &[2],
    }
    .write(out, "You have no requests to join a group.");
    Table {
        caption: "Invitations to your address",
        headings: &[
            "Group",
            "Handle",
            "Message",
            "Sent",
            "Expires",
            "Accepted",
            "Withdrawn",
        ],
        rows: data
            .invitations
            .iter()
            .map(|i| {
                vec![
                    escape(&i.group_name),
                    escape(&i.group_handle),
                    escape(&i.message),
                    t(i.sent_at),
                    t(i.expires_at),
                    maybe(i.accepted_at),
                    maybe(i.revoked_at),
                ]
            })
            .collect(),
        text_columns: &[2],
    }
    .write(out, "There are no invitations to your address.");
}

fn versions<'a>(
    label: impl Fn(usize) -> String,
    lists: impl Iterator<Item = &'a Vec<TextVersion>>,
) -> Vec<Vec<String>> {
    lists
        .enumerate()
        .flat_map(|(i, list)| {
            let label = label(i);
            list.iter().map(move |v| {
                let text = match &v.title {
                    Some(title) => format!("{title}\n\n{}", v.text),
                    None => v.text.clone(),
                };
                vec![
                    escape(&label),
                    v.version.to_string(),
                    t(v.at),
                    yes_no(v.edited_by_you),
                    escape(&text),
                ]
            })
        })
        .collect()
}

fn writing(out: &mut String, data: &PersonalData) {
    heading(out, 2);
    Table {
        caption: "Threads you started",
        headings: &[
            "Title", "Group", "Private", "Started", "Edited", "Closed", "Deleted", "Context",
        ],
        rows: data
            .threads
            .iter()
            .map(|th| {
                vec![
                    escape(&th.title),
                    escape(&th.group_handle),
                    yes_no(th.private),
                    t(th.created_at),
                    maybe(th.edited_at),
                    maybe(th.closed_at),
                    maybe(th.deleted_at),
                    escape(&th.context),
                ]
            })
            .collect(),
        text_columns: &[7],
    }
    .write(out, "You have not started a thread.");
    let threads = &data.threads;
    Table {
        caption: "Every version of your threads (title, then context)",
        headings: &["Thread", "Version", "Saved", "Saved by you", "Text"],
        rows: versions(
            |i| {
                threads
                    .get(i)
                    .map(|th| th.title.clone())
                    .unwrap_or_default()
            },
            threads.iter().map(|th| &th.versions),
        ),
        text_columns: &[4],
    }
    .write(out, "");
    heading(out, 3);
    let comments = &data.comments;
    let name = |i: usize| {
        comments
            .get(i)
            .map(|c| format!("{} #{}", c.thread_title, c.number))
            .unwrap_or_default()
    };
    Table {
        caption: "Your comments (the thread and the comment's number in it)",
        headings: &["Comment", "Group", "Written", "Edited", "Deleted", "Text"],
        rows: comments
            .iter()
            .enumerate()
            .map(|(i, c)| {
                vec![
                    escape(&name(i)),
                    escape(&c.group_handle),
                    t(c.created_at),
                    maybe(c.edited_at),
                    maybe(c.deleted_at),
                    escape(&c.body),
                ]
            })
            .collect(),
        text_columns: &[5],
    }
    .write(out, "You have not written a comment.");
    Table {
        caption: "Every version of your comments",
        headings: &["Comment", "Version", "Saved", "Saved by you", "Text"],
        rows: versions(name, comments.iter().map(|c| &c.versions)),
        text_columns: &[4],
    }
    .write(out, "");
}

fn decisions(out: &mut String, data: &PersonalData) {
    heading(out, 4);
    Table {
        caption: "Polls you started",
        headings: &[
            "Title",
            "Thread",
            "Group",
            "Kind",
            "Secret ballot",
            "Started",
            "Closes",
            "Closed",
            "Options",
            "Details",
            "Outcome",
        ],
        rows: data
            .polls
            .iter()
            .map(|p| {
                let options: Vec<&str> = p.options.iter().map(|o| o.label.as_str()).collect();
                vec![
                    escape(&p.title),
                    escape(&p.thread_title),
                    escape(&p.group_handle),
                    escape(&p.kind),
                    yes_no(p.secret_ballot),
                    t(p.created_at),
                    t(p.closes_at),
                    maybe(p.closed_at),
                    escape(&options.join("\n")),
                    escape(&p.details),
                    escape(p.outcome.as_deref().unwrap_or("")),
                ]
            })
            .collect(),
        text_columns: &[8, 9, 10],
    }
    .write(out, "You have not started a poll.");
    Table {
        caption: "Every version of your polls (title, details, then options)",
        headings: &[
            "Poll",
            "Version",
            "Change",
            "Saved",
            "Saved by you",
            "Closes",
            "Text",
        ],
        rows: data
            .polls
            .iter()
            .flat_map(|p| {
                p.versions.iter().map(move |v| {
                    let text = format!("{}\n\n{}\n\n{}", v.title, v.details, v.options.join("\n"));
                    vec![
                        escape(&p.title),
                        v.version.to_string(),
                        escape(&v.change),
                        t(v.at),
                        yes_no(v.edited_by_you),
                        t(v.closes_at),
                        escape(&text),
                    ]
                })
            })
            .collect(),
        text_columns: &[6],
    }
    .write(out, "");
    heading(out, 5);
    Table {
        caption: "Your votes in polls that are not secret (earlier votes you changed show when they were replaced)",
        headings: &["Poll", "Thread", "Group", "Kind", "Cast", "Replaced", "Your marks", "Reason"],
        rows: data
            .votes
            .iter()
            .map(|v| {
                let marks: Vec<String> = v
                    .marks
                    .iter()
                    .map(|m| format!("{}: {}", m.label, m.value))
                    .collect();
                vec![
                    escape(&v.poll_title),
                    escape(&v.thread_title),
                    escape(&v.group_handle),
                    escape(&v.poll_kind),
                    maybe(v.cast_at),
                    maybe(v.replaced_at),
                    escape(&marks.join("\n")),
                    escape(v.reason.as_deref().unwrap_or("")),
                ]
            })
            .collect(),
        text_columns: &[6, 7],
    }
    .write(out, "You have not voted in a poll that is not secret.");
    heading(out, 6);
    let _ = writeln!(out, "<p>{}</p>", escape(super::SECRET_BALLOT_NOTE));
    Table {
        caption: "Secret ballots you cast: only that you voted, and when",
        headings: &["Poll", "Thread", "Group", "Voted"],
        rows: data
            .secret_ballots
            .iter()
            .map(|s| {
                vec![
                    escape(&s.poll_title),
                    escape(&s.thread_title),
                    escape(&s.group_handle),
                    t(s.voted_at),
                ]
            })
            .collect(),
        text_columns: &[],
    }
    .write(out, "You have not voted in a secret ballot.");
}

fn activity(out: &mut String, data: &PersonalData) {
    heading(out, 7);
    Table {
        caption: "Your reactions to comments",
        headings: &["Reaction", "Thread", "Group", "Comment id", "When"],
        rows: data
            .reactions
            .iter()
            .map(|r| {
                vec![
                    escape(&r.kind),
                    escape(&r.thread_title),
                    escape(&r.group_handle),
                    escape(&r.comment_id),
                    t(r.created_at),
                ]
            })
            .collect(),
        text_columns: &[],
    }
    .write(out, "You have not reacted to a comment.");
    heading(out, 8);
    Table {
        caption: "Threads you have read, and when you last read each",
        headings: &["Thread", "Group", "Last read"],
        rows: data
            .thread_reads
            .iter()
            .map(|r| {
                vec![
                    escape(&r.thread_title),
                    escape(&r.group_handle),
                    t(r.read_at),
                ]
            })
            .collect(),
        text_columns: &[],
    }
    .write(out, "There is no record of threads you have read.");
    heading(out, 9);
    Table {
        caption: "Your sessions",
        headings: &["Device", "Signed in", "Last used"],
        rows: data
            .sessions
            .iter()
            .map(|s| vec![escape(&s.device), t(s.signed_in_at), t(s.last_used_at)])
            .collect(),
        text_columns: &[],
    }
    .write(out, "You are not signed in anywhere.");
    heading(out, 10);
    Table {
        caption: "Sign-ins and account changes recorded in the audit log",
        headings: &["When", "What", "Outcome", "IP address"],
        rows: data
            .sign_in_history
            .iter()
            .map(|e| {
                vec![
                    t(e.at),
                    escape(&e.action),
                    escape(&e.outcome),
                    escape(e.ip.as_deref().unwrap_or("")),
                ]
            })
            .collect(),
        text_columns: &[],
    }
    .write(out, "There is no sign-in history.");
    heading(out, 11);
    Table {
        caption: "Changes of email address you asked for",
        headings: &["New address", "Asked", "Confirmed"],
        rows: data
            .email_changes
            .iter()
            .map(|c| {
                vec![
                    escape(&c.new_email),
                    t(c.requested_at),
                    maybe(c.confirmed_at),
                ]
            })
            .collect(),
        text_columns: &[],
    }
    .write(out, "You have not asked to change your email address.");
    heading(out, 12);
    Table {
        caption: "Forms you sent after your session had ended, kept for a day",
        headings: &["Form", "Kept", "What you had written (form-encoded)"],
        rows: data
            .kept_answers
            .iter()
            .map(|k| vec![escape(&k.form_action), t(k.kept_at), escape(&k.fields)])
            .collect(),
        text_columns: &[2],
    }
    .write(out, "No answers are kept for you.");
    heading(out, 13);
    Table {
        caption: "Email to your address (the text is not kept once sent)",
        headings: &["Subject", "Queued", "Sent"],
        rows: data
            .emails
            .iter()
            .map(|m| vec![escape(&m.subject), t(m.queued_at), maybe(m.sent_at)])
            .collect(),
        text_columns: &[],
    }
    .write(out, "There is no record of email to your address.");
}
