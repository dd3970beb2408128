//! Notifications: who hears of what, in the app and by email, at the volume each person chose.
//!
//! Strategy: an action that others should hear of (a new thread, a comment, a poll, an
//! outcome…) calls the store's fan-out in its own transaction, which writes one row per person
//! told (`notifications`), so a notice exists exactly when the change commits. Who is told, and
//! how, is decided here from the event's kind and the person's volume for the thread (which
//! overrides the group's); the store only finds the people and their volumes. Emails are not
//! written in that transaction: the rows wait as `pending`, and the notification mailer
//! (`emails`) writes each email into the outbox shortly after, checking again that the person
//! may still read the item, so a post deleted or a member removed in between sends nothing.
//!
//! Nobody is told of their own actions, and only members of the item's group are told at all.

pub mod digest;
pub mod emails;
pub mod tokens;

use std::fmt;

/// How much a person hears of a group or a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Volume {
    /// Nothing at all.
    Mute,
    /// In the app only.
    Quiet,
    /// In the app, and email for what is aimed at the person.
    Normal,
    /// In the app, and email for everything.
    Loud,
}

impl Volume {
    pub const ALL: [Self; 4] = [Self::Mute, Self::Quiet, Self::Normal, Self::Loud];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mute => "mute",
            Self::Quiet => "quiet",
            Self::Normal => "normal",
            Self::Loud => "loud",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == value)
    }

    /// The name people choose from.
    pub fn label(self) -> &'static str {
        match self {
            Self::Mute => "Mute",
            Self::Quiet => "Quiet",
            Self::Normal => "Normal",
            Self::Loud => "Loud",
        }
    }

    /// What the volume means, in one sentence.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Mute => "Nothing: no notifications and no email.",
            Self::Quiet => "Notifications in Quorum only, no email.",
            Self::Normal => {
                "Notifications in Quorum, and email for what is aimed at you: mentions, \
                 replies, decisions that need your vote and outcomes."
            }
            Self::Loud => "Notifications in Quorum, and email for everything.",
        }
    }
}

impl fmt::Display for Volume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A thread was started (to the group).
    NewThread,
    /// A comment was posted (to the group, at loud only).
    NewComment,
    /// A poll was started (to the group): a decision that needs your vote.
    NewPoll,
    /// A poll's outcome was written (to the group).
    Outcome,
    /// You were @mentioned.
    Mention,
    /// Someone replied to your comment.
    Reply,
    /// A poll closes within 24 hours (to whom its author chose).
    PollClosing,
    /// Your poll has closed (to its author).
    PollClosed,
    /// Someone asked to join (to the group's admins).
    MembershipRequest,
    /// Your request to join was approved (to the person).
    RequestApproved,
    /// Someone accepted your invitation (to the inviter).
    InvitationAccepted,
    /// Someone reacted to your comment (in the app only).
    Reaction,
}

impl Kind {
    pub const ALL: [Self; 12] = [
        Self::NewThread,
        Self::NewComment,
        Self::NewPoll,
        Self::Outcome,
        Self::Mention,
        Self::Reply,
        Self::PollClosing,
        Self::PollClosed,
        Self::MembershipRequest,
        Self::RequestApproved,
        Self::InvitationAccepted,
        Self::Reaction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewThread => "new_thread",
            Self::NewComment => "new_comment",
            Self::NewPoll => "new_poll",
            Self::Outcome => "outcome",
            Self::Mention => "mention",
            Self::Reply => "reply",
            Self::PollClosing => "poll_closing",
            Self::PollClosed => "poll_closed",
            Self::MembershipRequest => "membership_request",
            Self::RequestApproved => "request_approved",
            Self::InvitationAccepted => "invitation_accepted",
            Self::Reaction => "reaction",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Whether the event is aimed at the person (so a normal volume emails it), rather than
    /// news of the group's activity (emailed at loud only).
    pub fn aimed_at_you(self) -> bool {
        !matches!(self, Self::NewThread | Self::NewComment | Self::Reaction)
    }
}

/// How a person hears of one event: in the app, by email, both or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub in_app: bool,
    pub email: bool,
}

impl Delivery {
    pub const NONE: Self = Self {
        in_app: false,
        email: false,
    };

    pub fn any(self) -> bool {
        self.in_app || self.email
    }
}

/// The rule of the whole feature: how someone at `volume` hears of `kind`.
///
/// - mute: nothing;
/// - quiet: in the app only;
/// - normal: in the app, and email for what is aimed at you;
/// - loud: in the app and email for everything.
///
/// Two exceptions: a reaction is only ever in the app, and a comment that is neither a reply
/// to you nor mentions you is told only at loud (in the app too), so that a busy thread does
/// not fill everyone's list; the thread's unread marks show it.
pub fn delivery(kind: Kind, volume: Volume) -> Delivery {
    let in_app = match (kind, volume) {
        (_, Volume::Mute) => false,
        (Kind::NewComment, v) => v == Volume::Loud,
        _ => true,
    };
    let email = match (kind, volume) {
        (Kind::Reaction, _) | (_, Volume::Mute | Volume::Quiet) => false,
        (_, Volume::Loud) => true,
        (k, Volume::Normal) => k.aimed_at_you(),
    };
    Delivery { in_app, email }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for volume in Volume::ALL {
            assert_eq!(Volume::parse(volume.as_str()), Some(volume));
        }
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Volume::parse("LOUD"), None);
    }

    #[test]
    fn mute_hears_nothing_and_quiet_gets_no_email() {
        for kind in Kind::ALL {
            assert_eq!(delivery(kind, Volume::Mute), Delivery::NONE, "{kind:?}");
            assert!(!delivery(kind, Volume::Quiet).email, "{kind:?}");
        }
    }

    #[test]
    fn normal_emails_only_what_is_aimed_at_you_and_loud_everything_but_reactions() {
        for kind in Kind::ALL {
            assert_eq!(
                delivery(kind, Volume::Normal).email,
                kind.aimed_at_you(),
                "{kind:?}"
            );
            assert_eq!(
                delivery(kind, Volume::Loud).email,
                kind != Kind::Reaction,
                "{kind:?}"
            );
        }
    }
}
