//! Everything Quorum holds about one person, read for their personal export
//! (`docs/export-schema.md` describes each field as it appears in the export's JSON).
//!
//! Strategy: one query per kind of data, each keyed by the person's account id (or, for mail
//! and invitations, which name only an address, by their address), read outside any write
//! transaction: a copy a moment out of date is fine. Secret ballots are read from
//! `poll_participants` alone: what was chosen is stored with no link to the person, so it
//! cannot be, and is not, part of the copy. Times are Unix seconds here and RFC 3339 (UTC) in
//! the JSON.

use serde::Serialize;

use super::{Store, StoreError, decode_marks};

/// Unix seconds written as RFC 3339 text in UTC, such as `2026-12-07T05:57:28Z`.
pub mod when {
    use serde::Serializer;

    pub fn text(unix: i64) -> String {
        jiff::Timestamp::from_second(unix).map_or_else(|_| unix.to_string(), |t| t.to_string())
    }

    pub fn at<S: Serializer>(unix: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&text(*unix))
    }

    pub fn maybe<S: Serializer>(unix: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match unix {
            Some(unix) => s.serialize_str(&text(*unix)),
            None => s.serialize_none(),
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Profile {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    pub handle: Option<String>,
    pub time_zone: String,
    pub has_password: bool,
    #[serde(serialize_with = "when::at")]
    pub created_at: i64,
    #[serde(serialize_with = "when::maybe")]
    pub deactivated_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Membership {
    pub group_handle: String,
    pub group_name: String,
    pub role: String,
    #[serde(serialize_with = "when::at")]
    pub joined_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct JoinRequest {
    pub group_handle: String,
    pub group_name: String,
    pub introduction: String,
    #[serde(serialize_with = "when::at")]
    pub created_at: i64,
    #[serde(serialize_with = "when::maybe")]
    pub ignored_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Invitation {
    pub group_handle: String,
    pub group_name: String,
    pub message: String,
    #[serde(serialize_with = "when::at")]
    pub sent_at: i64,
    #[serde(serialize_with = "when::at")]
    pub expires_at: i64,
    #[serde(serialize_with = "when::maybe")]
    pub accepted_at: Option<i64>,
    #[serde(serialize_with = "when::maybe")]
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TextVersion {
    #[serde(skip)]
    pub of: String,
    pub version: i64,
    pub title: Option<String>,
    pub text: String,
    pub edited_by_you: bool,
    #[serde(serialize_with = "when::at")]
    pub at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Thread {
    pub id: String,
    pub group_handle: String,
    pub title: String,
    pub context: String,
    pub private: bool,
    #[serde(serialize_with = "when::at")]
    pub created_at: i64,
    #[serde(serialize_with = "when::maybe")]
    pub edited_at: Option<i64>,
    #[serde(serialize_with = "when::maybe")]
    pub closed_at: Option<i64>,
    #[serde(serialize_with = "when::maybe")]
    pub deleted_at: Option<i64>,
    #[sqlx(skip)]
    pub versions: Vec<TextVersion>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Comment {
    pub id: String,
    pub thread_id: String,
    pub thread_title: String,
    pub group_handle: String,
    pub number: i64,
    pub reply_to: Option<String>,
    pub body: String,
    #[serde(serialize_with = "when::at")]
    pub created_at: i64,
    #[serde(serialize_with = "when::maybe")]
    pub edited_at: Option<i64>,
    #[serde(serialize_with = "when::maybe")]
    pub deleted_at: Option<i64>,
    #[sqlx(skip)]
    pub versions: Vec<TextVersion>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PollOption {
    #[serde(skip)]
    pub poll_id: String,
    pub number: i64,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Poll {
    pub id: String,
    pub thread_id: String,
    pub thread_title: String,
    pub group_handle: String,
    pub kind: String,
    pub title: String,
    pub details: String,
    pub secret_ballot: bool,
    #[serde(serialize_with = "when::at")]
    pub created_at: i64,
    #[serde(serialize_with = "when::at")]
    pub closes_at: i64,
    #[serde(serialize_with = "when::maybe")]
    pub closed_at: Option<i64>,
    pub outcome: Option<String>,
    #[serde(serialize_with = "when::maybe")]
    pub outcome_at: Option<i64>,
    #[sqlx(skip)]
    pub options: Vec<PollOption>,
    #[sqlx(skip)]
    pub versions: Vec<PollVersion>,
}

/// A version of a poll: as started, then after each edit or reopening.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PollVersion {
    #[serde(skip)]
    pub poll_id: String,
    pub version: i64,
    pub change: String,
    pub title: String,
    pub details: String,
    #[serde(skip)]
    pub options_text: String,
    #[sqlx(skip)]
    pub options: Vec<String>,
    #[serde(serialize_with = "when::at")]
    pub closes_at: i64,
    pub edited_by_you: bool,
    #[serde(serialize_with = "when::at")]
    pub at: i64,
}

/// One mark of a named vote: an option and the value given it (1 for a choice, or a score,
/// a number of dots, a rank).
#[derive(Debug, Clone, Serialize)]
pub struct VoteMark {
    pub option: i64,
    pub label: String,
    pub value: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Vote {
    pub poll_id: String,
    pub poll_title: String,
    pub poll_kind: String,
    pub thread_title: String,
    pub group_handle: String,
    #[serde(skip)]
    pub marks_text: String,
    pub reason: Option<String>,
    #[serde(serialize_with = "when::maybe")]
    pub cast_at: Option<i64>,
    #[serde(serialize_with = "when::maybe")]
    pub replaced_at: Option<i64>,
    #[sqlx(skip)]
    pub marks: Vec<VoteMark>,
}

/// A secret ballot the person cast: only that they voted, and when.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SecretBallot {
    pub poll_id: String,
    pub poll_title: String,
    pub thread_title: String,
    pub group_handle: String,
    pub voted: bool,
    #[serde(serialize_with = "when::at")]
    pub voted_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Reaction {
    pub comment_id: String,
    pub thread_title: String,
    pub group_handle: String,
    pub kind: String,
    #[serde(serialize_with = "when::at")]
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ThreadRead {
    pub thread_id: String,
    pub thread_title: String,
    pub group_handle: String,
    #[serde(serialize_with = "when::at")]
    pub read_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Session {
    pub device: String,
    #[serde(serialize_with = "when::at")]
    pub signed_in_at: i64,
    #[serde(serialize_with = "when::at")]
    pub last_used_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SignInEvent {
    pub action: String,
    pub outcome: String,
    pub ip: Option<String>,
    #[serde(serialize_with = "when::at")]
    pub at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EmailChange {
    pub new_email: String,
    #[serde(serialize_with = "when::at")]
    pub requested_at: i64,
    #[serde(serialize_with = "when::maybe")]
    pub confirmed_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct KeptAnswer {
    pub form_action: String,
    pub fields: String,
    #[serde(serialize_with = "when::at")]
    pub kept_at: i64,
}

/// How much the person hears, and of what: their default, each group's and thread's choice, and
/// the digest.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationSettings {
    pub default_volume: String,
    pub digest: String,
    /// 1 = Monday; used when the digest is weekly.
    pub digest_day: i16,
    #[serde(serialize_with = "when::maybe")]
    pub digest_due_at: Option<i64>,
    pub groups: Vec<GroupVolume>,
    pub threads: Vec<ThreadVolume>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct GroupVolume {
    pub group_handle: String,
    pub group_name: String,
    /// `null`: the default.
    pub volume: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ThreadVolume {
    pub thread_id: String,
    pub thread_title: String,
    pub volume: String,
}

/// A file the person attached, with its bytes beside the JSON in the zip at `path`.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FileAttached {
    pub id: String,
    /// `null` when its group has since been deleted.
    pub group_handle: Option<String>,
    /// `context`, `comment`, `poll` or `outcome`.
    pub attached_to: String,
    pub thread_id: Option<String>,
    pub comment_id: Option<String>,
    pub poll_id: Option<String>,
    pub name: String,
    pub file_type: String,
    pub size: i64,
    pub sha256: String,
    /// An image's text alternative: "" when marked decorative, `null` for other files.
    pub alt: Option<String>,
    #[serde(serialize_with = "when::at")]
    pub created_at: i64,
    pub path: String,
}

/// One notification the person was given.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NotificationGiven {
    pub kind: String,
    pub group_handle: String,
    pub thread_id: Option<String>,
    pub poll_id: Option<String>,
    pub comment_id: Option<String>,
    pub in_app: bool,
    /// `none`, `pending`, `sent` or `dropped`.
    pub email: String,
    #[serde(serialize_with = "when::at")]
    pub created_at: i64,
    #[serde(serialize_with = "when::maybe")]
    pub read_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EmailSent {
    pub subject: String,
    #[serde(serialize_with = "when::at")]
    pub queued_at: i64,
    #[serde(serialize_with = "when::maybe")]
    pub sent_at: Option<i64>,
}

/// Everything about one person, in the order the export shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PersonalData {
    pub profile: Profile,
    pub memberships: Vec<Membership>,
    pub join_requests: Vec<JoinRequest>,
    pub invitations: Vec<Invitation>,
    pub threads: Vec<Thread>,
    pub comments: Vec<Comment>,
    pub polls: Vec<Poll>,
    pub votes: Vec<Vote>,
    pub secret_ballots: Vec<SecretBallot>,
    pub reactions: Vec<Reaction>,
    pub thread_reads: Vec<ThreadRead>,
    pub sessions: Vec<Session>,
    pub sign_in_history: Vec<SignInEvent>,
    pub email_changes: Vec<EmailChange>,
    pub kept_answers: Vec<KeptAnswer>,
    pub emails: Vec<EmailSent>,
    pub notification_settings: NotificationSettings,
    pub notifications: Vec<NotificationGiven>,
    pub files: Vec<FileAttached>,
}

const PROFILE: &str = "SELECT id, email, display_name AS name, handle, time_zone, \
    password_hash IS NOT NULL AS has_password, created_at, deactivated_at \
    FROM accounts WHERE id = $1";
const MEMBERSHIPS: &str = "SELECT g.handle AS group_handle, g.name AS group_name, m.role, \
    m.joined_at FROM memberships m JOIN groups g ON g.id = m.group_id \
    WHERE m.account_id = $1 ORDER BY m.joined_at, g.handle";
const JOIN_REQUESTS: &str = "SELECT g.handle AS group_handle, g.name AS group_name, \
    j.introduction, j.created_at, j.ignored_at FROM join_requests j \
    JOIN groups g ON g.id = j.group_id WHERE j.account_id = $1 ORDER BY j.created_at, g.handle";
const INVITATIONS: &str = "SELECT g.handle AS group_handle, g.name AS group_name, i.message, \
    i.sent_at, i.expires_at, i.accepted_at, i.revoked_at FROM invitations i \
    JOIN groups g ON g.id = i.group_id WHERE i.email = $1 OR i.accepted_by = $2 \
    ORDER BY i.sent_at, i.id";
const THREADS: &str = "SELECT t.id, g.handle AS group_handle, t.title, t.context, t.private, \
    t.created_at, t.edited_at, t.closed_at, t.deleted_at FROM threads t \
    JOIN groups g ON g.id = t.group_id WHERE t.author_id = $1 ORDER BY t.created_at, t.id";
const THREAD_VERSIONS: &str = "SELECT v.thread_id AS of, v.version, v.title, \
    v.context AS text, COALESCE(v.editor_id = $1, FALSE) AS edited_by_you, v.at \
    FROM thread_versions v JOIN threads t ON t.id = v.thread_id \
    WHERE t.author_id = $1 ORDER BY v.thread_id, v.version";
const COMMENTS: &str = "SELECT c.id, c.thread_id, t.title AS thread_title, \
    g.handle AS group_handle, c.seq AS number, c.parent_id AS reply_to, c.body, c.created_at, \
    c.edited_at, c.deleted_at FROM comments c JOIN threads t ON t.id = c.thread_id \
    JOIN groups g ON g.id = t.group_id WHERE c.author_id = $1 ORDER BY c.created_at, c.id";
const COMMENT_VERSIONS: &str = "SELECT v.comment_id AS of, v.version, NULL AS title, \
    v.body AS text, COALESCE(v.editor_id = $1, FALSE) AS edited_by_you, v.at \
    FROM comment_versions v JOIN comments c ON c.id = v.comment_id \
    WHERE c.author_id = $1 ORDER BY v.comment_id, v.version";
const POLLS: &str = "SELECT p.id, p.thread_id, t.title AS thread_title, \
    g.handle AS group_handle, p.kind, p.title, p.details, p.anonymous AS secret_ballot, \
    p.created_at, p.closes_at, p.closed_at, p.outcome, p.outcome_at FROM polls p \
    JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id \
    WHERE p.author_id = $1 ORDER BY p.created_at, p.id";
const POLL_VERSIONS: &str = "SELECT v.poll_id, v.version, v.change, v.title, v.details, \
    v.options AS options_text, v.closes_at, COALESCE(v.editor_id = $1, FALSE) AS edited_by_you, \
    v.at FROM poll_versions v JOIN polls p ON p.id = v.poll_id \
    WHERE p.author_id = $1 ORDER BY v.poll_id, v.version";
/// The options of the polls the person started or voted in by name.
const POLL_OPTIONS: &str = "SELECT poll_id, number, label FROM poll_options \
    WHERE poll_id IN (SELECT id FROM polls WHERE author_id = $1 \
        UNION SELECT poll_id FROM ballots WHERE voter_id = $1) \
    ORDER BY poll_id, number";
const VOTES: &str = "SELECT b.poll_id, p.title AS poll_title, p.kind AS poll_kind, \
    t.title AS thread_title, g.handle AS group_handle, b.marks AS marks_text, b.reason, \
    b.cast_at, b.replaced_at FROM ballots b JOIN polls p ON p.id = b.poll_id \
    JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id \
    WHERE b.voter_id = $1 ORDER BY b.cast_at, b.id";
const SECRET_BALLOTS: &str = "SELECT v.poll_id, p.title AS poll_title, \
    t.title AS thread_title, g.handle AS group_handle, TRUE AS voted, v.voted_at \
    FROM poll_participants v JOIN polls p ON p.id = v.poll_id \
    JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id \
    WHERE v.account_id = $1 AND p.anonymous = TRUE ORDER BY v.voted_at, v.poll_id";
const REACTIONS: &str = "SELECT r.comment_id, t.title AS thread_title, \
    g.handle AS group_handle, r.kind, r.created_at FROM reactions r \
    JOIN comments c ON c.id = r.comment_id JOIN threads t ON t.id = c.thread_id \
    JOIN groups g ON g.id = t.group_id WHERE r.account_id = $1 \
    ORDER BY r.created_at, r.comment_id, r.kind";
const THREAD_READS: &str = "SELECT r.thread_id, t.title AS thread_title, \
    g.handle AS group_handle, r.read_at FROM thread_reads r \
    JOIN threads t ON t.id = r.thread_id JOIN groups g ON g.id = t.group_id \
    WHERE r.account_id = $1 ORDER BY r.read_at, r.thread_id";
const SESSIONS: &str = "SELECT device, created_at AS signed_in_at, last_seen_at AS last_used_at \
    FROM sessions WHERE account_id = $1 ORDER BY created_at, public_id";
const SIGN_IN_HISTORY: &str = "SELECT action, outcome, ip, at FROM audit_events \
    WHERE account_id = $1 ORDER BY at, id";
const EMAIL_CHANGES: &str = "SELECT new_email, created_at AS requested_at, \
    used_at AS confirmed_at FROM email_changes WHERE account_id = $1 ORDER BY created_at, id";
const GROUP_VOLUMES: &str = "SELECT g.handle AS group_handle, g.name AS group_name, m.volume \
    FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.account_id = $1 \
    ORDER BY g.handle";
const THREAD_VOLUMES: &str = "SELECT v.thread_id, t.title AS thread_title, v.volume \
    FROM thread_volumes v JOIN threads t ON t.id = v.thread_id AND t.deleted_at IS NULL \
    JOIN memberships m ON m.group_id = t.group_id AND m.account_id = v.account_id \
    WHERE v.account_id = $1 ORDER BY v.thread_id";
const NOTIFICATIONS: &str = "SELECT n.kind, g.handle AS group_handle, n.thread_id, n.poll_id, \
    n.comment_id, n.in_app, n.email, n.created_at, n.read_at FROM notifications n \
    JOIN groups g ON g.id = n.group_id WHERE n.account_id = $1 ORDER BY n.created_at, n.id";
const FILES: &str = "SELECT a.id, g.handle AS group_handle, a.part AS attached_to, a.thread_id, \
    a.comment_id, a.poll_id, a.name, a.file_type, a.size, a.sha256, a.alt, a.created_at, \
    'files/' || a.id || '/' || a.name AS path FROM attachments a \
    LEFT JOIN groups g ON g.id = a.group_id \
    WHERE a.uploader_id = $1 AND a.part <> 'pending' AND a.removed_at IS NULL \
    ORDER BY a.created_at, a.id";
const KEPT_ANSWERS: &str = "SELECT action AS form_action, fields, kept_at FROM kept_answers \
    WHERE account_id = $1 ORDER BY kept_at, id";
const EMAILS: &str = "SELECT subject, created_at AS queued_at, sent_at FROM outbox \
    WHERE recipient = $1 ORDER BY created_at, id";

/// Puts each version under the item it is a version of (both lists are in the same order).
fn attach_versions<T>(
    items: &mut [T],
    versions: Vec<TextVersion>,
    id: impl Fn(&T) -> &str,
    list: impl Fn(&mut T) -> &mut Vec<TextVersion>,
) {
    for version in versions {
        if let Some(item) = items.iter_mut().find(|item| id(item) == version.of) {
            list(item).push(version);
        }
    }
}

impl Store {
    /// Everything Quorum holds about `account_id`, or `None` when there is no such account.
    pub async fn personal_data(
        &self,
        account_id: &str,
    ) -> Result<Option<PersonalData>, StoreError> {
        on_engine!(self, |pool| {
            let profile: Option<Profile> = sqlx::query_as(PROFILE)
                .bind(account_id)
                .fetch_optional(pool)
                .await?;
            let Some(profile) = profile else {
                return Ok(None);
            };
            macro_rules! all {
                ($sql:expr) => {
                    sqlx::query_as($sql)
                        .bind(account_id)
                        .fetch_all(pool)
                        .await?
                };
            }
            let mut threads: Vec<Thread> = all!(THREADS);
            attach_versions(
                &mut threads,
                all!(THREAD_VERSIONS),
                |t| &t.id,
                |t| &mut t.versions,
            );
            let mut comments: Vec<Comment> = all!(COMMENTS);
            attach_versions(
                &mut comments,
                all!(COMMENT_VERSIONS),
                |c| &c.id,
                |c| &mut c.versions,
            );
            let options: Vec<PollOption> = all!(POLL_OPTIONS);
            let mut polls: Vec<Poll> = all!(POLLS);
            for poll in &mut polls {
                poll.options = options
                    .iter()
                    .filter(|o| o.poll_id == poll.id)
                    .cloned()
                    .collect();
            }
            let versions: Vec<PollVersion> = all!(POLL_VERSIONS);
            for mut version in versions {
                version.options = version.options_text.lines().map(str::to_string).collect();
                if let Some(poll) = polls.iter_mut().find(|p| p.id == version.poll_id) {
                    poll.versions.push(version);
                }
            }
            let mut votes: Vec<Vote> = all!(VOTES);
            for vote in &mut votes {
                vote.marks = decode_marks(&vote.marks_text)
                    .marks
                    .into_iter()
                    .map(|(number, value)| {
                        let option = i64::try_from(number).unwrap_or(i64::MAX);
                        let label = options
                            .iter()
                            .find(|o| o.poll_id == vote.poll_id && o.number == option)
                            .map(|o| o.label.clone())
                            .unwrap_or_default();
                        VoteMark {
                            option,
                            label,
                            value,
                        }
                    })
                    .collect();
            }
            let invitations: Vec<Invitation> = sqlx::query_as(INVITATIONS)
                .bind(&profile.email)
                .bind(account_id)
                .fetch_all(pool)
                .await?;
            let emails: Vec<EmailSent> = sqlx::query_as(EMAILS)
                .bind(&profile.email)
                .fetch_all(pool)
                .await?;
            let (default_volume, digest, digest_day, digest_due_at): (
                String,
                String,
                i16,
                Option<i64>,
            ) = sqlx::query_as(
                "SELECT default_volume, digest, digest_day, digest_due_at FROM accounts WHERE id = $1",
            )
            .bind(account_id)
            .fetch_one(pool)
            .await?;
            let notification_settings = NotificationSettings {
                default_volume,
                digest,
                digest_day,
                digest_due_at,
                groups: all!(GROUP_VOLUMES),
                threads: all!(THREAD_VOLUMES),
            };
            Ok(Some(PersonalData {
                notification_settings,
                notifications: all!(NOTIFICATIONS),
                files: all!(FILES),
                memberships: all!(MEMBERSHIPS),
                join_requests: all!(JOIN_REQUESTS),
                invitations,
                threads,
                comments,
                polls,
                votes,
                secret_ballots: all!(SECRET_BALLOTS),
                reactions: all!(REACTIONS),
                thread_reads: all!(THREAD_READS),
                sessions: all!(SESSIONS),
                sign_in_history: all!(SIGN_IN_HISTORY),
                email_changes: all!(EMAIL_CHANGES),
                kept_answers: all!(KEPT_ANSWERS),
                emails,
                profile,
            }))
        })
    }
}
