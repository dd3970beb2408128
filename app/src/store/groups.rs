//! Groups, memberships, requests to join, invitations and group activity.
//!
//! Every function that reads or changes what is inside a group takes a [`Permit`] for the
//! matching action (made only by `domain::permissions`), and works on the permit's group. The
//! functions without one read only what decisions are made from (a group's settings and a
//! person's relation to it), what is public (the directory of open groups), or a person's own
//! memberships.
//!
//! "A group keeps an admin" is enforced inside the statement that removes or demotes one, so two
//! admins stepping down at once cannot leave the group without any.

use super::Conn;
use super::engine::{Guarded, LockRow};
use super::notifications::{Audience, Event, notify_in};
use crate::notify::Kind;

use super::{NewMail, Store, StoreError, random_id};
use crate::domain::groups::{JoinMode, MemberPermissions, Privacy, Settings};
use crate::domain::permissions::{Action, GroupRules, Permit};

/// A group as stored, with its parent's name and handle when it is a subgroup.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Group {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub description: String,
    pub parent_id: Option<String>,
    pub parent_handle: Option<String>,
    pub parent_name: Option<String>,
    parent_privacy: Option<String>,
    privacy: String,
    join_mode: String,
    members_start_threads: bool,
    members_start_polls: bool,
    members_add_members: bool,
    members_edit_own_comments: bool,
    members_delete_own_comments: bool,
    members_create_subgroups: bool,
    admins_edit_member_content: bool,
}

impl Group {
    /// Rows only ever hold valid values (the table checks them); an unknown one reads as the
    /// most private, so a damaged row hides rather than shows.
    pub fn privacy(&self) -> Privacy {
        Privacy::parse(&self.privacy).unwrap_or(Privacy::Secret)
    }

    /// A subgroup's parent's privacy, read with the group.
    pub fn parent_privacy(&self) -> Option<Privacy> {
        self.parent_privacy
            .as_deref()
            .map(|p| Privacy::parse(p).unwrap_or(Privacy::Secret))
    }

    pub fn join_mode(&self) -> JoinMode {
        JoinMode::parse(&self.join_mode).unwrap_or(JoinMode::Invitation)
    }

    pub fn permissions(&self) -> MemberPermissions {
        MemberPermissions {
            start_threads: self.members_start_threads,
            start_polls: self.members_start_polls,
            add_members: self.members_add_members,
            edit_own_comments: self.members_edit_own_comments,
            delete_own_comments: self.members_delete_own_comments,
            create_subgroups: self.members_create_subgroups,
            admins_edit_member_content: self.admins_edit_member_content,
        }
    }

    pub fn rules(&self) -> GroupRules {
        GroupRules {
            privacy: self.privacy(),
            join_mode: self.join_mode(),
            permissions: self.permissions(),
            is_subgroup: self.parent_id.is_some(),
        }
    }
}

const GROUP_COLUMNS: &str = "g.id, g.handle, g.name, g.description, g.parent_id, \
    p.handle AS parent_handle, p.name AS parent_name, p.privacy AS parent_privacy, g.privacy, g.join_mode, \
    g.members_start_threads, g.members_start_polls, g.members_add_members, \
    g.members_edit_own_comments, g.members_delete_own_comments, g.members_create_subgroups, \
    g.admins_edit_member_content";

/// Where a person stands with a group, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub role: Option<Role>,
    /// A request to join exists (waiting, or ignored: either way they have asked).
    pub has_asked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    fn parse(value: &str) -> Self {
        if value == "admin" {
            Self::Admin
        } else {
            Self::Member
        }
    }
}

/// Why a group's settings were not saved, although they passed the form's checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveProblem {
    /// The handle is already used by another group.
    HandleTaken,
    /// Meanwhile the parent became more private, or a subgroup more visible, than these
    /// settings allow. Checked inside the write, so two admins cannot race past the rule.
    PrivacyConflict,
}

/// How long a handle a group gave up stays its own: old links keep leading to it, and nobody
/// else may take the handle.
pub const HANDLE_RESERVED_FOR: i64 = 366 * 24 * 60 * 60;

/// Two handles in one order, so that two renames lock them in the same order.
fn sorted_pair<'a>(a: &'a str, b: &'a str) -> [&'a str; 2] {
    if a <= b { [a, b] } else { [b, a] }
}

/// Whether `handle` was given up by a group other than `group_id` and is still reserved for it.
async fn reserved_for_another(
    conn: Conn<'_>,
    handle: &str,
    group_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    on_conn!(conn, |c| {
        let reserved: Option<String> = sqlx::query_scalar(
            "SELECT group_id FROM former_handles WHERE handle = $1 AND group_id <> $2 \
             AND reserved_until > $3",
        )
        .bind(handle)
        .bind(group_id)
        .bind(now)
        .fetch_optional(&mut *c)
        .await?;
        Ok(reserved.is_some())
    })
}

/// Keeps `old` for the group that gave it up, and frees `new` of any reservation (the group's
/// own, taken back, or another's that has run out).
async fn keep_former_handle(
    conn: Conn<'_>,
    old: &str,
    new: &str,
    group_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(conn, |c| {
        sqlx::query("DELETE FROM former_handles WHERE handle = $1")
            .bind(new)
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "INSERT INTO former_handles (handle, group_id, reserved_until) VALUES ($1, $2, $3) \
             ON CONFLICT (handle) DO UPDATE SET group_id = $2, reserved_until = $3",
        )
        .bind(old)
        .bind(group_id)
        .bind(now + HANDLE_RESERVED_FOR)
        .execute(&mut *c)
        .await?;
        Ok(())
    })
}

/// Whether `privacy` keeps a group between its parent and its subgroups, as stored now.
async fn privacy_fits(
    conn: Conn<'_>,
    group_id: &str,
    privacy: Privacy,
) -> Result<bool, StoreError> {
    on_conn!(conn, |c| {
        let parent: Option<String> = sqlx::query_scalar(
            "SELECT p.privacy FROM groups g JOIN groups p ON p.id = g.parent_id WHERE g.id = $1",
        )
        .bind(group_id)
        .fetch_optional(&mut *c)
        .await?;
        let children: Vec<String> =
            sqlx::query_scalar("SELECT privacy FROM groups WHERE parent_id = $1")
                .bind(group_id)
                .fetch_all(&mut *c)
                .await?;
        let parent_ok = parent
            .and_then(|p| Privacy::parse(&p))
            .is_none_or(|parent| privacy >= parent);
        let children_ok = children
            .iter()
            .filter_map(|c| Privacy::parse(c))
            .all(|child| child >= privacy);
        Ok(parent_ok && children_ok)
    })
}

/// What became of a change of role or a removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipChange {
    Done,
    /// Refused: the person is the group's only admin.
    LastAdmin,
    /// The person is not (or no longer) a member.
    NotMember,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Member {
    pub account_id: String,
    pub name: String,
    /// What others type to mention them, once they have a name.
    pub handle: Option<String>,
    role: String,
    pub joined_at: i64,
}

impl Member {
    pub fn role(&self) -> Role {
        Role::parse(&self.role)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JoinRequest {
    pub id: String,
    pub name: String,
    pub introduction: String,
    pub created_at: i64,
}

pub struct NewInvitation<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub token_hash: &'a str,
    pub message: &'a str,
    pub invited_by: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub message: String,
    pub inviter_name: String,
    pub sent_at: i64,
    pub expires_at: i64,
}

/// A live invitation, as its link shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationLink {
    pub group_handle: String,
    pub group_name: String,
    pub email: String,
    pub message: String,
    pub inviter_name: String,
}

/// A group in a list: the directory, a dashboard, a group's subgroups.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GroupListing {
    pub handle: String,
    pub name: String,
    pub description: String,
    pub parent_name: Option<String>,
    /// The viewer's role, in their own list; empty elsewhere.
    pub role: String,
}

/// One line of a group's activity.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Activity {
    pub id: String,
    pub group_handle: String,
    pub group_name: String,
    pub at: i64,
    pub actor_name: String,
    pub kind: String,
    /// The subgroup a line names, if any.
    pub subject: String,
    /// The thread a line is about (a new thread, comment or poll, or an outcome), with its
    /// title now.
    pub thread_id: Option<String>,
    pub thread_title: Option<String>,
    /// A new comment's number in its thread.
    pub comment_id: Option<String>,
    pub comment_seq: Option<i64>,
    /// The poll a new poll's or an outcome's line is about, with its title now.
    pub poll_id: Option<String>,
    pub poll_title: Option<String>,
}

/// Where a page of activity starts: after the line at `at` with `id` (lines run newest first,
/// by time and then by id). It travels in a link as `<at>.<id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityCursor {
    at: i64,
    id: String,
}

impl ActivityCursor {
    /// The cursor a link carried, or `None` for anything that is not one (the newest page).
    pub fn parse(text: &str) -> Option<Self> {
        let (at, id) = text.split_once('.')?;
        let at = at.parse().ok()?;
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        id_ok.then(|| Self {
            at,
            id: id.to_string(),
        })
    }

    /// The newest page's: before every line.
    fn newest() -> Self {
        Self {
            at: i64::MAX,
            id: String::new(),
        }
    }
}

impl std::fmt::Display for ActivityCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.at, self.id)
    }
}

/// A page of activity lines, and where the next (older) page starts when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityPage {
    pub items: Vec<Activity>,
    pub older: Option<ActivityCursor>,
}

impl ActivityPage {
    /// `limit` lines from `rows`, fetched with one more than `limit` to learn whether there
    /// are older ones.
    fn from_rows(mut rows: Vec<Activity>, limit: i64) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        let older = (rows.len() > limit).then(|| {
            rows.truncate(limit);
            rows.last().map(|last| ActivityCursor {
                at: last.at,
                id: last.id.clone(),
            })
        });
        Self {
            items: rows,
            older: older.flatten(),
        }
    }
}

/// How the name of someone who took part is shown: their name, or the words for a person
/// without one (not yet named, or whose account is gone).
const ACTOR_NAME: &str = "COALESCE(a.display_name, 'Deleted account')";

/// A group's live invitations (the group id and the time now bound, in that order).
const PENDING_INVITATIONS: &str = "SELECT i.id, i.email, i.message, \
    COALESCE(a.display_name, 'Deleted account') AS inviter_name, i.sent_at, i.expires_at \
    FROM invitations i LEFT JOIN accounts a ON a.id = i.invited_by \
    WHERE i.group_id = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?";

/// Lines of activity with the names and titles they mention, looked up now.
const ACTIVITY: &str = "SELECT e.id, g.handle AS group_handle, g.name AS group_name, e.at, \
    COALESCE(a.display_name, 'Deleted account') AS actor_name, e.kind, COALESCE(s.name, '') AS subject, \
    e.thread_id, t.title AS thread_title, e.comment_id, c.seq AS comment_seq, e.poll_id, p.title AS poll_title \
    FROM group_activity e JOIN groups g ON g.id = e.group_id \
    LEFT JOIN accounts a ON a.id = e.actor_id LEFT JOIN groups s ON s.id = e.subject_group_id \
    LEFT JOIN threads t ON t.id = e.thread_id LEFT JOIN comments c ON c.id = e.comment_id \
    LEFT JOIN polls p ON p.id = e.poll_id";

/// An event that names a subgroup is shown only to those who may see that subgroup now: a
/// secret subgroup only to its members (the account bound to the `?`).
const SUBJECT_VISIBLE: &str = "(s.id IS NULL OR s.privacy <> 'secret' OR EXISTS \
    (SELECT 1 FROM memberships sm WHERE sm.group_id = s.id AND sm.account_id = ?))";

/// A line about content is shown only while the reader may read it: to those who may read the
/// group's content (the first `?`, a boolean), while the thread is in the group and not deleted,
/// and, for a private thread, to its group's members (the account bound to the second `?`); a
/// comment's line goes when the comment is deleted.
const CONTENT_VISIBLE: &str = "(e.thread_id IS NULL OR (? AND t.deleted_at IS NULL AND t.group_id = e.group_id \
    AND (NOT t.private OR EXISTS (SELECT 1 FROM memberships rm WHERE rm.group_id = t.group_id AND rm.account_id = ?)) \
    AND (e.comment_id IS NULL OR c.deleted_at IS NULL)))";

/// How many groups' lines [`Store::activity_for`] reads in one statement (SQLite takes at most
/// 500 parts of a compound statement).
pub const GROUPS_A_READ: usize = 50;

/// The lines older than a cursor (its time bound to the first two `?`, its id to the third).
const OLDER_THAN: &str = "(e.at < ? OR (e.at = ? AND e.id < ?))";

pub(super) fn group_of(permit: &Permit, action: Action) -> Result<&str, StoreError> {
    if permit.is_for(action) {
        Ok(permit.group_id())
    } else {
        Err(StoreError::NotPermitted)
    }
}

pub(super) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// What a line of a group's activity is about, beyond the group itself.
#[derive(Debug, Clone, Copy)]
pub(super) enum About<'a> {
    /// The group: its creation, settings and members.
    Group,
    /// A new subgroup.
    Subgroup(&'a str),
    Thread(&'a str),
    Comment {
        thread: &'a str,
        comment: &'a str,
    },
    /// A poll in a thread, for a new poll and for its outcome.
    Poll {
        thread: &'a str,
        poll: &'a str,
    },
}

pub(super) async fn record_activity(
    conn: Conn<'_>,
    group_id: &str,
    actor_id: &str,
    kind: &str,
    about: About<'_>,
    now: i64,
) -> Result<(), StoreError> {
    let (subgroup, thread, comment, poll) = match about {
        About::Group => (None, None, None, None),
        About::Subgroup(id) => (Some(id), None, None, None),
        About::Thread(thread) => (None, Some(thread), None, None),
        About::Comment { thread, comment } => (None, Some(thread), Some(comment), None),
        About::Poll { thread, poll } => (None, Some(thread), None, Some(poll)),
    };
    // Lines of one second keep the order they happened in: the id starts with the time to the
    // nanosecond (lines are read newest first, then by id, newest first too).
    let id = super::time_ordered_id()?;
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO group_activity (id, group_id, at, actor_id, kind, subject_group_id, thread_id, comment_id, poll_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(group_id)
        .bind(now)
        .bind(actor_id)
        .bind(kind)
        .bind(subgroup)
        .bind(thread)
        .bind(comment)
        .bind(poll)
        .execute(&mut *c)
        .await?;
        Ok(())
    })
}

/// Makes `account_id` a member (if not already) and clears any request of theirs.
async fn add_member(
    conn: Conn<'_>,
    group_id: &str,
    account_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    on_conn!(conn, |c| {
        let added = sqlx::query(
        "INSERT INTO memberships (group_id, account_id, role, joined_at) VALUES ($1, $2, 'member', $3) \
         ON CONFLICT (group_id, account_id) DO NOTHING",
    )
    .bind(group_id)
    .bind(account_id)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected()
        == 1;
        sqlx::query("DELETE FROM join_requests WHERE group_id = $1 AND account_id = $2")
            .bind(group_id)
            .bind(account_id)
            .execute(&mut *c)
            .await?;
        if added {
            record_activity(
                Conn::from(&mut *c),
                group_id,
                account_id,
                "joined",
                About::Group,
                now,
            )
            .await?;
        }
        Ok(added)
    })
}

impl Store {
    /// Creates a group with `creator` as its admin. A subgroup needs a permit to create
    /// subgroups in its parent.
    pub async fn create_group(
        &self,
        id: &str,
        settings: &Settings,
        parent: Option<&Permit>,
        creator: &str,
        now: i64,
    ) -> Result<Result<(), SaveProblem>, StoreError> {
        on_engine!(self, |pool| {
            let parent_id = parent
                .map(|permit| group_of(permit, Action::CreateSubgroup))
                .transpose()?;
            let p = &settings.permissions;
            write_tx!(pool, |tx| {
                // A subgroup is checked against its parent's privacy as the parent is now.
                if let Some(parent_id) = parent_id {
                    tx.lock_row(Guarded::Group, parent_id).await?;
                }
                tx.lock_row(Guarded::Handle, &settings.handle).await?;
                if reserved_for_another(Conn::from(&mut *tx), &settings.handle, id, now).await? {
                    return Ok(Err(SaveProblem::HandleTaken));
                }
                let inserted = sqlx::query(
            "INSERT INTO groups (id, handle, name, description, parent_id, privacy, join_mode, \
             members_start_threads, members_start_polls, members_add_members, \
             members_edit_own_comments, members_delete_own_comments, members_create_subgroups, \
             admins_edit_member_content, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(id)
        .bind(&settings.handle)
        .bind(&settings.name)
        .bind(&settings.description)
        .bind(parent_id)
        .bind(settings.privacy.as_str())
        .bind(settings.join_mode.as_str())
        .bind(p.start_threads)
        .bind(p.start_polls)
        .bind(p.add_members)
        .bind(p.edit_own_comments)
        .bind(p.delete_own_comments)
        .bind(p.create_subgroups)
        .bind(p.admins_edit_member_content)
        .bind(creator)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await;
                match inserted {
                    Err(error) if is_unique_violation(&error) => {
                        return Ok(Err(SaveProblem::HandleTaken));
                    }
                    other => other?,
                };
                if !privacy_fits(Conn::from(&mut *tx), id, settings.privacy).await? {
                    return Ok(Err(SaveProblem::PrivacyConflict));
                }
                sqlx::query(
            "INSERT INTO memberships (group_id, account_id, role, joined_at) VALUES ($1, $2, 'admin', $3)",
        )
        .bind(id)
        .bind(creator)
        .bind(now)
        .execute(&mut *tx)
        .await?;
                record_activity(
                    Conn::from(&mut *tx),
                    id,
                    creator,
                    "created",
                    About::Group,
                    now,
                )
                .await?;
                if let Some(parent_id) = parent_id {
                    record_activity(
                        Conn::from(&mut *tx),
                        parent_id,
                        creator,
                        "subgroup",
                        About::Subgroup(id),
                        now,
                    )
                    .await?;
                }
                tx.commit().await?;
                Ok(Ok(()))
            })
        })
    }

    /// The handle a group now has, when `handle` is one it gave up and still holds, and the
    /// group is one anybody may know of (a secret group's new handle is never revealed).
    pub async fn moved_group(&self, handle: &str, now: i64) -> Result<Option<String>, StoreError> {
        on_engine!(self, |pool| {
            sqlx::query_scalar(
                "SELECT g.handle FROM former_handles f JOIN groups g ON g.id = f.group_id \
                 WHERE f.handle = $1 AND f.reserved_until > $2 AND g.privacy <> 'secret'",
            )
            .bind(handle)
            .bind(now)
            .fetch_optional(pool)
            .await
        })
        .map_err(StoreError::from)
    }

    /// The handles the permit's group gave up and still holds, with when each is released,
    /// soonest first.
    pub async fn former_handles(
        &self,
        permit: &Permit,
        now: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::EditSettings)?;
            Ok(sqlx::query_as(
                "SELECT handle, reserved_until FROM former_handles \
                 WHERE group_id = $1 AND reserved_until > $2 ORDER BY reserved_until, handle",
            )
            .bind(group_id)
            .bind(now)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Gives up a handle the permit's group still holds, before its time: old links to it stop
    /// leading to the group, and any group may take it. Whether there was one to release.
    pub async fn release_former_handle(
        &self,
        permit: &Permit,
        handle: &str,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::EditSettings)?;
            let done =
                sqlx::query("DELETE FROM former_handles WHERE handle = $1 AND group_id = $2")
                    .bind(handle)
                    .bind(group_id)
                    .execute(pool)
                    .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// A group by its handle, to decide what the person asking may do with it.
    pub async fn group_by_handle(&self, handle: &str) -> Result<Option<Group>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sql!(
            "SELECT {GROUP_COLUMNS} FROM groups g LEFT JOIN groups p ON p.id = g.parent_id WHERE g.handle = ?"
        ))
        .bind(handle)
        .fetch_optional(pool)
        .await?)
        })
    }

    /// The group `id`, for a page that reached it through something inside it (a thread).
    pub async fn group_by_id(&self, id: &str) -> Result<Option<Group>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sql!(
            "SELECT {GROUP_COLUMNS} FROM groups g LEFT JOIN groups p ON p.id = g.parent_id WHERE g.id = ?"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await?)
        })
    }

    /// How `account_id` stands with a group.
    pub async fn standing(&self, group_id: &str, account_id: &str) -> Result<Standing, StoreError> {
        on_engine!(self, |pool| {
            let role: Option<String> = sqlx::query_scalar(
                "SELECT role FROM memberships WHERE group_id = $1 AND account_id = $2",
            )
            .bind(group_id)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
            let asked: Option<String> = sqlx::query_scalar(
                "SELECT id FROM join_requests WHERE group_id = $1 AND account_id = $2",
            )
            .bind(group_id)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
            Ok(Standing {
                role: role.as_deref().map(Role::parse),
                has_asked: asked.is_some(),
            })
        })
    }

    /// The privacy settings of a group's subgroups, for the rule that a group stays at least as
    /// visible as they are.
    pub async fn subgroup_privacies(&self, permit: &Permit) -> Result<Vec<Privacy>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::EditSettings)?;
            let values: Vec<String> =
                sqlx::query_scalar("SELECT privacy FROM groups WHERE parent_id = $1")
                    .bind(group_id)
                    .fetch_all(pool)
                    .await?;
            Ok(values.iter().filter_map(|v| Privacy::parse(v)).collect())
        })
    }

    pub async fn update_group_settings(
        &self,
        permit: &Permit,
        settings: &Settings,
        actor: &str,
        now: i64,
    ) -> Result<Result<(), SaveProblem>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::EditSettings)?;
            let p = &settings.permissions;
            write_tx!(pool, |tx| {
                // A group and its subgroups take turns through the top group's row, so that
                // the privacy bounds between them hold.
                let top: Option<String> =
                    sqlx::query_scalar("SELECT COALESCE(parent_id, id) FROM groups WHERE id = $1")
                        .bind(group_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                tx.lock_row(Guarded::Group, top.as_deref().unwrap_or(group_id))
                    .await?;
                let old: Option<String> =
                    sqlx::query_scalar("SELECT handle FROM groups WHERE id = $1")
                        .bind(group_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let renamed = old.as_deref().filter(|old| *old != settings.handle);
                if let Some(old) = renamed {
                    for handle in sorted_pair(old, &settings.handle) {
                        tx.lock_row(Guarded::Handle, handle).await?;
                    }
                    let conn = Conn::from(&mut *tx);
                    if reserved_for_another(conn, &settings.handle, group_id, now).await? {
                        return Ok(Err(SaveProblem::HandleTaken));
                    }
                }
                let updated = sqlx::query(
            "UPDATE groups SET handle = $1, name = $2, description = $3, privacy = $4, join_mode = $5, \
             members_start_threads = $6, members_start_polls = $7, members_add_members = $8, \
             members_edit_own_comments = $9, members_delete_own_comments = $10, \
             members_create_subgroups = $11, admins_edit_member_content = $12, updated_at = $13 WHERE id = $14",
        )
        .bind(&settings.handle)
        .bind(&settings.name)
        .bind(&settings.description)
        .bind(settings.privacy.as_str())
        .bind(settings.join_mode.as_str())
        .bind(p.start_threads)
        .bind(p.start_polls)
        .bind(p.add_members)
        .bind(p.edit_own_comments)
        .bind(p.delete_own_comments)
        .bind(p.create_subgroups)
        .bind(p.admins_edit_member_content)
        .bind(now)
        .bind(group_id)
        .execute(&mut *tx)
        .await;
                match updated {
                    Err(error) if is_unique_violation(&error) => {
                        return Ok(Err(SaveProblem::HandleTaken));
                    }
                    other => other?,
                };
                if !privacy_fits(Conn::from(&mut *tx), group_id, settings.privacy).await? {
                    return Ok(Err(SaveProblem::PrivacyConflict));
                }
                if let Some(old) = renamed {
                    keep_former_handle(Conn::from(&mut *tx), old, &settings.handle, group_id, now)
                        .await?;
                }
                record_activity(
                    Conn::from(&mut *tx),
                    group_id,
                    actor,
                    "settings",
                    About::Group,
                    now,
                )
                .await?;
                tx.commit().await?;
                Ok(Ok(()))
            })
        })
    }

    /// The members, admins first, then by name.
    pub async fn members(&self, permit: &Permit) -> Result<Vec<Member>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::ViewMembers)?;
            Ok(sqlx::query_as(sql!(
                "SELECT m.account_id, {ACTOR_NAME} AS name, a.handle, m.role, m.joined_at \
             FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.group_id = ? \
             ORDER BY m.role = 'admin' DESC, lower({ACTOR_NAME}), m.joined_at"
            ))
            .bind(group_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Makes a member an admin or an admin a member. Demoting the only admin is refused.
    pub async fn change_role(
        &self,
        permit: &Permit,
        account_id: &str,
        role: Role,
    ) -> Result<MembershipChange, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::ManageMembers)?;
            let changed = write_tx!(pool, |tx| {
                // Admins demoting each other at once must not leave the group without one.
                tx.lock_row(Guarded::Group, group_id).await?;
                let changed = sqlx::query(
                    "UPDATE memberships SET role = $1 WHERE group_id = $2 AND account_id = $3 \
                     AND ($4 = 'admin' OR role = 'member' \
                     OR (SELECT COUNT(*) FROM memberships WHERE group_id = $5 AND role = 'admin') > 1)",
                )
                .bind(role.as_str())
                .bind(group_id)
                .bind(account_id)
                .bind(role.as_str())
                .bind(group_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                Ok(changed)
            })?;
            self.membership_change(group_id, account_id, changed).await
        })
    }

    /// Removes a member (an admin's action), never the only admin.
    pub async fn remove_member(
        &self,
        permit: &Permit,
        account_id: &str,
        now: i64,
    ) -> Result<MembershipChange, StoreError> {
        let group_id = group_of(permit, Action::ManageMembers)?;
        self.end_membership(group_id, account_id, "removed", now)
            .await
    }

    /// The person with the permit leaves, unless they are the only admin.
    pub async fn leave_group(
        &self,
        permit: &Permit,
        account_id: &str,
        now: i64,
    ) -> Result<MembershipChange, StoreError> {
        let group_id = group_of(permit, Action::Leave)?;
        self.end_membership(group_id, account_id, "left", now).await
    }

    async fn end_membership(
        &self,
        group_id: &str,
        account_id: &str,
        kind: &str,
        now: i64,
    ) -> Result<MembershipChange, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                // Admins leaving at once must not leave the group without one.
                tx.lock_row(Guarded::Group, group_id).await?;
                let removed = sqlx::query(
            "DELETE FROM memberships WHERE group_id = $1 AND account_id = $2 \
             AND (role = 'member' \
                  OR (SELECT COUNT(*) FROM memberships WHERE group_id = $3 AND role = 'admin') > 1)",
        )
        .bind(group_id)
        .bind(account_id)
        .bind(group_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
                if removed == 1 {
                    record_activity(
                        Conn::from(&mut *tx),
                        group_id,
                        account_id,
                        kind,
                        About::Group,
                        now,
                    )
                    .await?;
                }
                tx.commit().await?;
                self.membership_change(group_id, account_id, removed).await
            })
        })
    }

    async fn membership_change(
        &self,
        group_id: &str,
        account_id: &str,
        rows: u64,
    ) -> Result<MembershipChange, StoreError> {
        on_engine!(self, |pool| {
            if rows == 1 {
                return Ok(MembershipChange::Done);
            }
            let still: Option<String> = sqlx::query_scalar(
                "SELECT role FROM memberships WHERE group_id = $1 AND account_id = $2",
            )
            .bind(group_id)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
            Ok(if still.is_some() {
                MembershipChange::LastAdmin
            } else {
                MembershipChange::NotMember
            })
        })
    }

    /// Joins a group that anyone may join.
    pub async fn join_group(
        &self,
        permit: &Permit,
        account_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Join)?;
            write_tx!(pool, |tx| {
                add_member(Conn::from(&mut *tx), group_id, account_id, now).await?;
                tx.commit().await?;
                Ok(())
            })
        })
    }

    /// Records a request to join and tells the group's admins, together. Asking twice keeps
    /// the first request, and tells no one again.
    pub async fn ask_to_join(
        &self,
        permit: &Permit,
        account_id: &str,
        introduction: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::AskToJoin)?;
            write_tx!(pool, |tx| {
                let asked = sqlx::query(
                    "INSERT INTO join_requests (id, group_id, account_id, introduction, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (group_id, account_id) DO NOTHING",
                )
                .bind(random_id()?)
                .bind(group_id)
                .bind(account_id)
                .bind(introduction)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if asked == 1 {
                    notify_in(
                        Conn::from(&mut *tx),
                        &Event::new(Kind::MembershipRequest, group_id, now)
                            .by(account_id)
                            .to(Audience::Admins),
                    )
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            })
        })
    }

    /// Requests waiting for an admin, oldest first.
    pub async fn join_requests(&self, permit: &Permit) -> Result<Vec<JoinRequest>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::ReviewRequests)?;
            Ok(sqlx::query_as(sql!(
                "SELECT r.id, {ACTOR_NAME} AS name, r.introduction, r.created_at \
             FROM join_requests r JOIN accounts a ON a.id = r.account_id \
             WHERE r.group_id = ? AND r.ignored_at IS NULL ORDER BY r.created_at, r.id"
            ))
            .bind(group_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// How many requests are waiting for an admin.
    pub async fn waiting_request_count(&self, permit: &Permit) -> Result<i64, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::ReviewRequests)?;
            Ok(sqlx::query_scalar(
                "SELECT COUNT(*) FROM join_requests WHERE group_id = $1 AND ignored_at IS NULL",
            )
            .bind(group_id)
            .fetch_one(pool)
            .await?)
        })
    }

    /// Approves (the person becomes a member, and is told) or ignores a waiting request, as
    /// `admin_id`. Returns the requester's account id, or `None` when there is no such waiting
    /// request.
    pub async fn decide_join_request(
        &self,
        permit: &Permit,
        request_id: &str,
        approve: bool,
        admin_id: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::ReviewRequests)?;
            write_tx!(pool, |tx| {
                let account_id: Option<String> = if approve {
                    sqlx::query_scalar(
                "DELETE FROM join_requests WHERE id = $1 AND group_id = $2 AND ignored_at IS NULL RETURNING account_id",
            )
            .bind(request_id)
            .bind(group_id)
            .fetch_optional(&mut *tx)
            .await?
                } else {
                    sqlx::query_scalar(
                "UPDATE join_requests SET ignored_at = $1 WHERE id = $2 AND group_id = $3 AND ignored_at IS NULL RETURNING account_id",
            )
            .bind(now)
            .bind(request_id)
            .bind(group_id)
            .fetch_optional(&mut *tx)
            .await?
                };
                let Some(account_id) = account_id else {
                    return Ok(None);
                };
                if approve {
                    add_member(Conn::from(&mut *tx), group_id, &account_id, now).await?;
                    let people = [account_id.clone()];
                    notify_in(
                        Conn::from(&mut *tx),
                        &Event::new(Kind::RequestApproved, group_id, now)
                            .by(admin_id)
                            .to(Audience::People(&people)),
                    )
                    .await?;
                }
                tx.commit().await?;
                Ok(Some(account_id))
            })
        })
    }

    /// Whether the account with this address is already a member.
    pub async fn is_member_by_email(
        &self,
        permit: &Permit,
        email: &str,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Invite)?;
            let found: Option<String> = sqlx::query_scalar(
                "SELECT m.account_id FROM memberships m JOIN accounts a ON a.id = m.account_id \
             WHERE m.group_id = $1 AND a.email = $2",
            )
            .bind(group_id)
            .bind(email)
            .fetch_optional(pool)
            .await?;
            Ok(found.is_some())
        })
    }

    /// Stores an invitation and its email together. A newer invitation to the same address
    /// replaces a pending one, so only the newest link works.
    pub async fn invite(
        &self,
        permit: &Permit,
        invitation: &NewInvitation<'_>,
        mail: &NewMail,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Invite)?;
            write_tx!(pool, |tx| {
                sqlx::query(
                    "UPDATE invitations SET revoked_at = $1 \
             WHERE group_id = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
                )
                .bind(invitation.now)
                .bind(group_id)
                .bind(invitation.email)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
            "INSERT INTO invitations (id, group_id, email, token_hash, message, invited_by, created_at, sent_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(invitation.id)
        .bind(group_id)
        .bind(invitation.email)
        .bind(invitation.token_hash)
        .bind(invitation.message)
        .bind(invitation.invited_by)
        .bind(invitation.now)
        .bind(invitation.now)
        .bind(invitation.expires_at)
        .execute(&mut *tx)
        .await?;
                Self::enqueue_mail_in(Conn::from(&mut *tx), mail).await?;
                tx.commit().await?;
                Ok(())
            })
        })
    }

    /// Invitations not yet accepted, revoked or expired, newest first.
    pub async fn pending_invitations(
        &self,
        permit: &Permit,
        now: i64,
    ) -> Result<Vec<PendingInvitation>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Invite)?;
            Ok(sqlx::query_as(sql!(
                "{PENDING_INVITATIONS} ORDER BY i.sent_at DESC, i.email"
            ))
            .bind(group_id)
            .bind(now)
            .fetch_all(pool)
            .await?)
        })
    }

    /// A pending invitation of this group, by id.
    pub async fn pending_invitation(
        &self,
        permit: &Permit,
        id: &str,
        now: i64,
    ) -> Result<Option<PendingInvitation>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Invite)?;
            Ok(sqlx::query_as(sql!("{PENDING_INVITATIONS} AND i.id = ?"))
                .bind(group_id)
                .bind(now)
                .bind(id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Sends a pending invitation again with a new link (the old link stops working) and a
    /// new expiry. Returns false when it is no longer pending.
    pub async fn resend_invitation(
        &self,
        permit: &Permit,
        id: &str,
        token_hash: &str,
        now: i64,
        expires_at: i64,
        mail: &NewMail,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Invite)?;
            write_tx!(pool, |tx| {
                let updated = sqlx::query(
            "UPDATE invitations SET token_hash = $1, sent_at = $2, expires_at = $3 \
             WHERE id = $4 AND group_id = $5 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $6",
        )
        .bind(token_hash)
        .bind(now)
        .bind(expires_at)
        .bind(id)
        .bind(group_id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
                if updated == 1 {
                    Self::enqueue_mail_in(Conn::from(&mut *tx), mail).await?;
                }
                tx.commit().await?;
                Ok(updated == 1)
            })
        })
    }

    /// Revokes a pending invitation: its link stops working. Returns the address, or `None`
    /// when it was not pending.
    pub async fn revoke_invitation(
        &self,
        permit: &Permit,
        id: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Invite)?;
            Ok(sqlx::query_scalar(
            "UPDATE invitations SET revoked_at = $1 \
             WHERE id = $2 AND group_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING email",
        )
        .bind(now)
        .bind(id)
        .bind(group_id)
        .fetch_optional(pool)
        .await?)
        })
    }

    /// The live invitation behind a link. Holding the link is what lets a person see it.
    pub async fn invitation_by_token(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<InvitationLink>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sql!(
            "SELECT g.handle AS group_handle, g.name AS group_name, i.email, i.message, \
             {ACTOR_NAME} AS inviter_name \
             FROM invitations i JOIN groups g ON g.id = i.group_id LEFT JOIN accounts a ON a.id = i.invited_by \
             WHERE i.token_hash = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await?)
        })
    }

    /// Uses up an invitation link and makes `account_id` a member, in one transaction. Returns
    /// the group's handle, or `None` when the link is not live (used, revoked or expired).
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        account_id: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let accepted: Option<(String, Option<String>)> = sqlx::query_as(
            "UPDATE invitations SET accepted_at = $1, accepted_by = $2 \
             WHERE token_hash = $3 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $4 \
             RETURNING group_id, invited_by",
        )
        .bind(now)
        .bind(account_id)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
                let Some((group_id, inviter)) = accepted else {
                    return Ok(None);
                };
                add_member(Conn::from(&mut *tx), &group_id, account_id, now).await?;
                let people: Vec<String> = inviter.into_iter().collect();
                notify_in(
                    Conn::from(&mut *tx),
                    &Event::new(Kind::InvitationAccepted, &group_id, now)
                        .by(account_id)
                        .to(Audience::People(&people)),
                )
                .await?;
                let handle: String = sqlx::query_scalar("SELECT handle FROM groups WHERE id = $1")
                    .bind(&group_id)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(handle))
            })
        })
    }

    /// The subgroups of a group that `viewer` may see: all but secret ones, which only their
    /// members see.
    pub async fn subgroups(
        &self,
        permit: &Permit,
        viewer: Option<&str>,
    ) -> Result<Vec<GroupListing>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::ViewContent)?;
            Ok(sqlx::query_as(
            "SELECT g.handle, g.name, g.description, NULL AS parent_name, '' AS role FROM groups g \
             WHERE g.parent_id = $1 AND (g.privacy <> 'secret' OR EXISTS \
                (SELECT 1 FROM memberships m WHERE m.group_id = g.id AND m.account_id = $2)) \
             ORDER BY lower(g.name)",
        )
        .bind(group_id)
        .bind(viewer)
        .fetch_all(pool)
        .await?)
        })
    }

    /// What happened in a group, newest first, from `cursor` on (the newest when `None`): for
    /// those who may see its members (`viewer` is one). Lines about threads, comments and polls
    /// are included when `content` is set (the viewer may read the group's content), and then
    /// only those the viewer may read.
    pub async fn group_activity(
        &self,
        permit: &Permit,
        viewer: &str,
        content: bool,
        cursor: Option<&ActivityCursor>,
        limit: i64,
    ) -> Result<ActivityPage, StoreError> {
        let group_id = group_of(permit, Action::ViewMembers)?;
        let rows = self
            .lines_of(&[group_id], viewer, content, cursor, limit + 1)
            .await?;
        Ok(ActivityPage::from_rows(rows, limit))
    }

    /// Up to `limit` of each group's lines older than `cursor` (the newest when `None`), newest
    /// first along the group's index, as `viewer` may see them (see [`Store::group_activity`]):
    /// one statement, a `UNION ALL` of one read a group.
    async fn lines_of(
        &self,
        groups: &[&str],
        viewer: &str,
        content: bool,
        cursor: Option<&ActivityCursor>,
        limit: i64,
    ) -> Result<Vec<Activity>, StoreError> {
        let newest = ActivityCursor::newest();
        let cursor = cursor.unwrap_or(&newest);
        let statement = (0..groups.len())
            .map(|n| {
                format!(
                    "SELECT * FROM ({ACTIVITY} WHERE e.group_id = ? AND {SUBJECT_VISIBLE} \
                     AND {CONTENT_VISIBLE} AND {OLDER_THAN} \
                     ORDER BY e.at DESC, e.id DESC LIMIT ?) AS lines_{n}"
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        on_engine!(self, |pool| {
            let mut query = sqlx::query_as(sql!("{statement}"));
            for group_id in groups {
                query = query
                    .bind(*group_id)
                    .bind(viewer)
                    .bind(content)
                    .bind(viewer)
                    .bind(cursor.at)
                    .bind(cursor.at)
                    .bind(&cursor.id)
                    .bind(limit);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// A person's own groups, top-level groups first by name, each followed by its subgroups.
    /// A subgroup's parent is named only when the person may see the parent.
    pub async fn groups_of(&self, account_id: &str) -> Result<Vec<GroupListing>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
            "SELECT g.handle, g.name, g.description,              CASE WHEN p.privacy <> 'secret' OR EXISTS                  (SELECT 1 FROM memberships pm WHERE pm.group_id = p.id AND pm.account_id = m.account_id)              THEN p.name END AS parent_name, m.role              FROM memberships m JOIN groups g ON g.id = m.group_id LEFT JOIN groups p ON p.id = g.parent_id              WHERE m.account_id = $1 ORDER BY lower(COALESCE(p.name, g.name)), g.parent_id IS NOT NULL, lower(g.name)",
        )
        .bind(account_id)
        .fetch_all(pool)
        .await?)
        })
    }

    /// What happened in a person's own groups, newest first, from `cursor` on (the newest when
    /// `None`): only what they may read.
    ///
    /// Each group's lines are read on their own, newest first along the group's index, at most
    /// `limit + 1` of them, and the newest of all are kept: one query over all the groups
    /// would read every line of every group to sort them, which grows with the groups' whole
    /// history, while this reads the same few lines a group however old it is. The groups' reads
    /// are one statement (a `UNION ALL` of one read a group, for up to [`GROUPS_A_READ`] groups),
    /// so a person in many groups costs one round trip to the database, not one a group.
    pub async fn activity_for(
        &self,
        account_id: &str,
        cursor: Option<&ActivityCursor>,
        limit: i64,
    ) -> Result<ActivityPage, StoreError> {
        let groups: Vec<String> = on_engine!(self, |pool| {
            sqlx::query_scalar("SELECT group_id FROM memberships WHERE account_id = $1")
                .bind(account_id)
                .fetch_all(pool)
                .await?
        });
        let mut rows: Vec<Activity> = Vec::new();
        for chunk in groups.chunks(GROUPS_A_READ) {
            let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
            // A member reads the group's content.
            rows.extend(
                self.lines_of(&chunk, account_id, true, cursor, limit + 1)
                    .await?,
            );
        }
        rows.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
        rows.truncate(usize::try_from(limit + 1).unwrap_or(0));
        Ok(ActivityPage::from_rows(rows, limit))
    }

    /// One page of the public directory: open groups by name, and how many there are.
    pub async fn open_groups(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<GroupListing>, i64), StoreError> {
        on_engine!(self, |pool| {
            let groups = sqlx::query_as(
                "SELECT g.handle, g.name, g.description, p.name AS parent_name, '' AS role \
             FROM groups g LEFT JOIN groups p ON p.id = g.parent_id \
             WHERE g.privacy = 'open' AND (p.id IS NULL OR p.privacy = 'open') \
             ORDER BY lower(g.name), g.handle LIMIT $1 OFFSET $2",
            )
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let total = sqlx::query_scalar(
                "SELECT COUNT(*) FROM groups g LEFT JOIN groups p ON p.id = g.parent_id \
             WHERE g.privacy = 'open' AND (p.id IS NULL OR p.privacy = 'open')",
            )
            .fetch_one(pool)
            .await?;
            Ok((groups, total))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::{admin_permit, settings, store};

    #[tokio::test]
    async fn privacy_bounds_hold_inside_the_write_whatever_the_form_checked() {
        let (_dir, store) = store().await;
        store
            .create_group("p", &settings("parent", Privacy::Open), None, "a1", 1)
            .await
            .unwrap()
            .unwrap();
        let create_sub = admin_permit(&store, "parent", Action::CreateSubgroup).await;
        store
            .create_group(
                "c",
                &settings("child", Privacy::Open),
                Some(&create_sub),
                "a1",
                2,
            )
            .await
            .unwrap()
            .unwrap();
        // The parent's form was checked against a stale view: the write itself refuses.
        let edit = admin_permit(&store, "parent", Action::EditSettings).await;
        let hidden = store
            .update_group_settings(&edit, &settings("parent", Privacy::Secret), "a1", 3)
            .await
            .unwrap();
        assert_eq!(hidden, Err(SaveProblem::PrivacyConflict));
        let parent = store.group_by_handle("parent").await.unwrap().unwrap();
        assert_eq!(parent.privacy(), Privacy::Open, "nothing was saved");
        // Nor can a subgroup be made more visible than its parent.
        let edit_child = admin_permit(&store, "child", Action::EditSettings).await;
        store
            .update_group_settings(&edit_child, &settings("child", Privacy::Closed), "a1", 4)
            .await
            .unwrap()
            .unwrap();
        store
            .update_group_settings(&edit, &settings("parent", Privacy::Closed), "a1", 5)
            .await
            .unwrap()
            .unwrap();
        let opened = store
            .create_group(
                "d",
                &settings("open-child", Privacy::Open),
                Some(&create_sub),
                "a1",
                6,
            )
            .await
            .unwrap();
        assert_eq!(opened, Err(SaveProblem::PrivacyConflict));
        assert!(store.group_by_handle("open-child").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_permit_for_another_action_reads_nothing() {
        let (_dir, store) = store().await;
        store
            .create_group("p", &settings("parent", Privacy::Secret), None, "a1", 1)
            .await
            .unwrap()
            .unwrap();
        let view = admin_permit(&store, "parent", Action::ViewGroup).await;
        assert!(matches!(
            store.members(&view).await,
            Err(StoreError::NotPermitted)
        ));
        assert!(matches!(
            store.pending_invitations(&view, 0).await,
            Err(StoreError::NotPermitted)
        ));
        let members = admin_permit(&store, "parent", Action::ViewMembers).await;
        assert_eq!(store.members(&members).await.unwrap().len(), 1);
    }
}
