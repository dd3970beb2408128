//! The words of a notification, in the app and by email.
//!
//! Every email is complete as plain text: what happened and where (in the subject too), the
//! words posted, a link to the item, and the way to change or stop such email. Headers let mail
//! programs act for the person: `List-Unsubscribe` with `List-Unsubscribe-Post` (RFC 8058, one
//! click, no sign-in), `List-Id` naming the group, `In-Reply-To` and `References` naming the
//! thread so its emails group together, and, when reply by email is on, a `Reply-To` address
//! that belongs to this person and this notification alone. Nothing tracks the reader: links are
//! plain addresses of the items, with no per-email parameters.

use crate::domain::markdown;
use crate::domain::polls::PollKind;
use crate::domain::time::zones;
use crate::mail::{Block, Email, Mailer};
use crate::notify::Kind;
use crate::notify::digest;
use crate::notify::tokens::{Scope, reply_local_part, unsubscribe_token};
use crate::store::{DigestContent, DueDigest, NewMail, NotificationItem, PendingEmail};

/// The longest excerpt of posted words an email carries.
const EXCERPT_CHARS: usize = 2_000;

/// One sentence saying what happened, for the list and the email: "Ann Lee replied to your
/// comment in “Seeds” (Tea Club)".
pub fn describe(item: &NotificationItem) -> String {
    let who = item.actor_name.as_deref().unwrap_or("Someone");
    let thread = quoted(item.thread_title.as_deref());
    let poll = quoted(item.poll_title.as_deref());
    let group = &item.group_name;
    let noun = poll_noun(item);
    match item.kind {
        Kind::NewThread => format!("{who} started the thread {thread} in {group}"),
        Kind::NewComment => format!("{who} commented in {thread} in {group}"),
        Kind::NewPoll => format!("{who} started the {noun} {poll} in {group}"),
        Kind::Outcome => format!("The outcome of the {noun} {poll} in {group}"),
        Kind::Mention => format!("{who} mentioned you in {thread} in {group}"),
        Kind::Reply => format!("{who} replied to your comment in {thread} in {group}"),
        Kind::PollClosing => format!("The {noun} {poll} in {group} closes within 24 hours"),
        Kind::PollClosed => format!("Your {noun} {poll} in {group} has closed"),
        Kind::MembershipRequest => format!("{who} asked to join {group}"),
        Kind::RequestApproved => format!("Your request to join {group} was approved"),
        Kind::InvitationAccepted => format!("{who} accepted your invitation to {group}"),
        Kind::Reaction => format!("{who} reacted to your comment in {thread} in {group}"),
    }
}

/// Where a notification leads, as a path.
pub fn href(item: &NotificationItem) -> String {
    match (item.kind, &item.thread_id, &item.comment_id, &item.poll_id) {
        (Kind::PollClosed, _, _, Some(poll)) => format!("/p/{poll}/outcome"),
        (Kind::MembershipRequest, ..) => format!("/g/{}/requests", item.group_handle),
        (_, Some(thread), Some(comment), _) => format!("/t/{thread}/comments/{comment}"),
        (_, _, _, Some(poll)) => format!("/p/{poll}"),
        (_, Some(thread), None, None) => format!("/t/{thread}"),
        _ => format!("/g/{}", item.group_handle),
    }
}

fn quoted(title: Option<&str>) -> String {
    format!("\u{201c}{}\u{201d}", title.unwrap_or("a deleted item"))
}

fn poll_noun(item: &NotificationItem) -> &'static str {
    item.poll_kind
        .as_deref()
        .and_then(PollKind::parse)
        .map_or("poll", crate::pages::polls::noun)
}

/// What a person needs to write notification emails: the mailer, the public address, the
/// instance's mail key, and the domain replies go to when reply by email is on.
#[derive(Debug, Clone, Copy)]
pub struct Composer<'a> {
    pub mailer: &'a Mailer,
    pub public_url: &'a str,
    pub mail_key: &'a str,
    pub reply_domain: Option<&'a str>,
}

impl<'a> Composer<'a> {
    /// The composer of a running server: its mailer, address, mail key and reply domain.
    pub fn of(state: &'a crate::AppState) -> Self {
        Self {
            mailer: &state.mailer,
            public_url: &state.config.public_url,
            mail_key: &state.config.mail_key,
            reply_domain: state.config.reply_domain.as_deref(),
        }
    }

    /// The email for `pending`; `None` for a kind that is never emailed.
    pub fn compose(&self, pending: &PendingEmail) -> Option<NewMail> {
        let item = &pending.item;
        if item.kind == Kind::Reaction {
            return None;
        }
        let url = self.public_url;
        let zone = zones::zone(&pending.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let where_ = match (&item.thread_title, &item.poll_title) {
            (_, Some(poll))
                if matches!(
                    item.kind,
                    Kind::NewPoll | Kind::Outcome | Kind::PollClosing | Kind::PollClosed
                ) =>
            {
                format!("{poll} ({})", item.group_name)
            }
            (Some(thread), _) => format!("\u{201c}{thread}\u{201d} ({})", item.group_name),
            _ => item.group_name.clone(),
        };
        let who = item.actor_name.as_deref().unwrap_or("Someone");
        let subject = match item.kind {
            Kind::NewThread => format!("New thread: {where_}"),
            Kind::NewComment => format!("{who} commented in {where_}"),
            Kind::NewPoll => format!("Your vote is asked: {where_}"),
            Kind::Outcome => format!("Outcome: {where_}"),
            Kind::Mention => format!("{who} mentioned you in {where_}"),
            Kind::Reply => format!("{who} replied to you in {where_}"),
            Kind::PollClosing => format!("Closes within 24 hours: {where_}"),
            Kind::PollClosed => format!("Your poll has closed: {where_}"),
            Kind::MembershipRequest => format!("{who} asked to join {}", item.group_name),
            Kind::RequestApproved => format!("You have joined {}", item.group_name),
            Kind::InvitationAccepted => {
                format!("{who} accepted your invitation to {}", item.group_name)
            }
            Kind::Reaction => return None,
        };
        let mut blocks = vec![Block::Paragraph(format!("{}.", describe(item)))];
        if let Some(body) = &item.comment_body {
            blocks.push(Block::Paragraph(markdown::plain_text(body, EXCERPT_CHARS)));
        }
        if item.kind == Kind::Outcome
            && let Some(outcome) = &pending.poll_outcome
        {
            if let Some(start) = pending.outcome_starts_at {
                blocks.push(Block::Paragraph(format!(
                    "The meeting is on {}. The attached invite.ics adds it to your calendar.",
                    zones::format_in_zone(start, &zone)
                )));
            }
            blocks.push(Block::Paragraph(markdown::plain_text(
                outcome,
                EXCERPT_CHARS,
            )));
        }
        if let (Kind::NewPoll | Kind::PollClosing, Some(closes)) = (item.kind, item.poll_closes_at)
        {
            blocks.push(Block::Paragraph(format!(
                "Voting closes on {}.",
                zones::format_in_zone(closes, &zone)
            )));
        }
        if matches!(item.kind, Kind::NewPoll | Kind::PollClosing)
            && let Some(poll) = &item.poll_id
            && !pending.poll_options.is_empty()
        {
            blocks.push(Block::Paragraph(
                "Choose an answer below. Each link opens \u{201c}Check your vote\u{201d} on \
                 Quorum with that answer filled in; nothing is counted until you press \
                 \u{201c}Cast vote\u{201d} there."
                    .into(),
            ));
            for (number, label) in &pending.poll_options {
                blocks.push(Block::Link {
                    text: format!("Answer \u{201c}{label}\u{201d}"),
                    href: format!("{url}/p/{poll}/vote?answer={number}"),
                });
            }
        }
        let link_text = match item.kind {
            Kind::NewPoll | Kind::PollClosing => "Read the poll and vote on Quorum",
            Kind::Outcome => "See the results and the outcome on Quorum",
            Kind::PollClosed => "Write the outcome on Quorum",
            Kind::MembershipRequest => "Answer the request on Quorum",
            Kind::RequestApproved | Kind::InvitationAccepted => "Go to the group on Quorum",
            Kind::NewThread => "Read the thread on Quorum",
            _ => "Read the comment on Quorum",
        };
        blocks.push(Block::Link {
            text: link_text.into(),
            href: format!("{url}{}", href(item)),
        });
        let reply_to = match (self.reply_domain, &item.thread_id) {
            (Some(domain), Some(_)) if item.kind != Kind::MembershipRequest => {
                blocks.push(Block::Paragraph(
                    "Reply to this email to add a comment to the thread. Write above the quoted \
                     text; the quoted text and your signature are left out."
                        .into(),
                ));
                Some(format!(
                    "{}@{domain}",
                    reply_local_part(self.mail_key, &item.id)
                ))
            }
            _ => None,
        };
        // Why this came, and how to hear less.
        let (scope, scope_name) = if pending.by_thread_volume {
            (
                Scope::Thread(item.thread_id.clone().unwrap_or_default()),
                "this thread".to_string(),
            )
        } else {
            (Scope::Group(item.group_id.clone()), item.group_name.clone())
        };
        blocks.push(Block::Paragraph(format!(
            "You get this email because {}, and your notifications for {scope_name} are set \
             to {}: {}",
            reason(item.kind),
            pending.volume.label(),
            pending.volume.explanation()
        )));
        blocks.push(Block::Link {
            text: "Change your notification settings".into(),
            href: format!("{url}/notifications/settings"),
        });
        let unsubscribe = format!(
            "{url}/unsubscribe/{}",
            unsubscribe_token(self.mail_key, &pending.account_id, &scope)
        );
        blocks.push(Block::Link {
            text: format!("Stop email from {scope_name}"),
            href: unsubscribe.clone(),
        });
        let mut mail = self
            .mailer
            .prepare(Email::compose(&pending.email, subject, &blocks));
        let domain = mail.message_id_domain.clone();
        mail.headers
            .push(("List-Unsubscribe".into(), format!("<{unsubscribe}>")));
        mail.headers.push((
            "List-Unsubscribe-Post".into(),
            "List-Unsubscribe=One-Click".into(),
        ));
        mail.headers.push((
            "List-Id".into(),
            format!(
                "{} <{}.{domain}>",
                ascii_words(&item.group_name),
                item.group_handle
            ),
        ));
        if let Some(thread) = &item.thread_id {
            let root = format!("<thread-{thread}@{domain}>");
            mail.headers.push(("In-Reply-To".into(), root.clone()));
            mail.headers.push(("References".into(), root));
        }
        if let Some(reply_to) = reply_to {
            mail.headers.push(("Reply-To".into(), reply_to));
        }
        if let (Kind::Outcome, Some(start), Some(poll)) =
            (item.kind, pending.outcome_starts_at, &item.poll_id)
        {
            let link = format!("{url}/p/{poll}");
            mail.calendar = Some(crate::domain::polls::calendar::ics(
                &crate::domain::polls::calendar::Event {
                    uid: &format!("poll-{poll}@{domain}"),
                    stamp: item.created_at,
                    start,
                    duration_minutes: 60,
                    summary: item.poll_title.as_deref().unwrap_or_default(),
                    description: &format!(
                        "{}\n\n{link}",
                        markdown::plain_text(
                            pending.poll_outcome.as_deref().unwrap_or_default(),
                            EXCERPT_CHARS
                        )
                    ),
                    url: &link,
                },
            ));
        }
        Some(mail)
    }
}

impl Composer<'_> {
    /// The catch-up digest for `due`: what is in `content`, grouped by group and thread, and
    /// the polls waiting for their vote. `None` when there is nothing to tell.
    pub fn compose_digest(&self, due: &DueDigest, content: &DigestContent) -> Option<NewMail> {
        if content.is_empty() {
            return None;
        }
        let url = self.public_url;
        let zone = zones::zone(&due.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let new = content.items.len();
        let polls = content.polls.len();
        let mut counts = Vec::new();
        if new > 0 {
            counts.push(format!(
                "{new} new {}",
                if new == 1 {
                    "notification"
                } else {
                    "notifications"
                }
            ));
        }
        if polls > 0 {
            counts.push(format!(
                "{polls} {} waiting for your vote",
                if polls == 1 { "poll" } else { "polls" }
            ));
        }
        let subject = format!("Your Quorum digest: {}", counts.join(" and "));
        let mut blocks = vec![Block::Paragraph(format!(
            "Here is what you have not read on Quorum since your last digest: {}.",
            counts.join(" and ")
        ))];
        let mut group = None;
        let mut thread = None;
        for item in &content.items {
            if group != Some(&item.group_id) {
                group = Some(&item.group_id);
                thread = None;
                blocks.push(Block::Heading(item.group_name.clone()));
            }
            if thread != Some(&item.thread_id) {
                thread = Some(&item.thread_id);
                if let Some(title) = &item.thread_title {
                    blocks.push(Block::Paragraph(format!("In \u{201c}{title}\u{201d}:")));
                }
            }
            blocks.push(Block::Link {
                text: format!(
                    "{} ({})",
                    describe(item),
                    zones::format_short_in_zone(item.created_at, &zone)
                ),
                href: format!("{url}{}", href(item)),
            });
        }
        if polls > 0 {
            blocks.push(Block::Heading("Polls waiting for your vote".into()));
            for poll in &content.polls {
                blocks.push(Block::Link {
                    text: format!(
                        "\u{201c}{}\u{201d} in {}, closes {}",
                        poll.title,
                        poll.group_name,
                        zones::format_in_zone(poll.closes_at, &zone)
                    ),
                    href: format!("{url}/p/{}", poll.id),
                });
            }
        }
        let frequency = digest::Frequency::parse(&due.digest).map_or("", digest::Frequency::label);
        blocks.push(Block::Paragraph(format!(
            "You get this digest because you asked for one in your notification settings ({}), at 06:00 in your time zone. It is not sent when there is nothing new.",
            frequency.to_lowercase()
        )));
        blocks.push(Block::Link {
            text: "Change your notification settings".into(),
            href: format!("{url}/notifications/settings"),
        });
        let unsubscribe = format!(
            "{url}/unsubscribe/{}",
            unsubscribe_token(self.mail_key, &due.account_id, &Scope::Digest)
        );
        blocks.push(Block::Link {
            text: "Stop the digest".into(),
            href: unsubscribe.clone(),
        });
        let mut mail = self
            .mailer
            .prepare(Email::compose(&due.email, subject, &blocks));
        mail.headers
            .push(("List-Unsubscribe".into(), format!("<{unsubscribe}>")));
        mail.headers.push((
            "List-Unsubscribe-Post".into(),
            "List-Unsubscribe=One-Click".into(),
        ));
        Some(mail)
    }
}

/// Why a person hears of `kind`.
fn reason(kind: Kind) -> &'static str {
    match kind {
        Kind::Mention => "someone mentioned you",
        Kind::Reply => "someone replied to your comment",
        Kind::PollClosed => "you started the poll",
        Kind::MembershipRequest => "you are an admin of the group",
        Kind::RequestApproved => "you asked to join the group",
        Kind::InvitationAccepted => "you sent the invitation",
        _ => "you are a member of the group",
    }
}

/// A group's name as a header phrase: printable ASCII letters, digits and spaces only (the
/// `List-Id` phrase is only a label; the handle identifies the list).
fn ascii_words(name: &str) -> String {
    let words: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        "Group".into()
    } else {
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Volume;

    #[test]
    fn a_list_id_phrase_is_plain_ascii() {
        assert_eq!(ascii_words("Tea Club"), "Tea Club");
        assert_eq!(ascii_words("Café \"Zürich\" <b>"), "Caf Z rich b");
        assert_eq!(ascii_words("——"), "Group");
    }

    #[test]
    fn every_volume_says_what_it_means() {
        for volume in Volume::ALL {
            assert!(volume.explanation().ends_with('.'));
        }
    }
}
