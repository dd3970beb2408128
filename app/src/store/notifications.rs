//! Notifications: the fan-out that writes who hears of an event, the in-app list, volumes, and
//! the pending emails the notification mailer turns into outbox rows.
//!
//! Strategy: [`notify_in`] runs in the transaction of the action it tells of and writes every
//! row with one `INSERT … SELECT`, however large the group: the rule of who hears what
//! (`notify::delivery`) is turned into a `CASE` on the volume, so the rule is written once, in
//! Rust. A person's volume for an item is the thread's, else the group's, else their default.
//! Only members of the item's group are ever told, never the person who acted; and every read
//! (the list, the count, the email) checks again that the person is still a member and the
//! item is not deleted, so a notice never outlives the right to read its item.

use super::engine::Conn;
use super::{Store, StoreError};
use crate::notify::{Kind, Volume, delivery};

/// An event to tell people of.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub kind: Kind,
    pub group_id: &'a str,
    /// Who acted: never told of it.
    pub actor_id: Option<&'a str>,
    pub thread_id: Option<&'a str>,
    pub poll_id: Option<&'a str>,
    pub comment_id: Option<&'a str>,
    pub audience: Audience<'a>,
    pub now: i64,
}

impl<'a> Event<'a> {
    /// An event of `kind` in `group_id` at `now`, told to its members until said otherwise.
    pub fn new(kind: Kind, group_id: &'a str, now: i64) -> Self {
        Self {
            kind,
            group_id,
            actor_id: None,
            thread_id: None,
            poll_id: None,
            comment_id: None,
            audience: Audience::Members,
            now,
        }
    }

    pub fn by(self, actor_id: &'a str) -> Self {
        Self {
            actor_id: Some(actor_id),
            ..self
        }
    }

    pub fn thread(self, thread_id: &'a str) -> Self {
        Self {
            thread_id: Some(thread_id),
            ..self
        }
    }

    pub fn poll(self, poll_id: &'a str) -> Self {
        Self {
            poll_id: Some(poll_id),
            ..self
        }
    }

    pub fn comment(self, comment_id: &'a str) -> Self {
        Self {
            comment_id: Some(comment_id),
            ..self
        }
    }

    pub fn to(self, audience: Audience<'a>) -> Self {
        Self { audience, ..self }
    }
}

/// Who may hear of an event (each still at their own volume).
#[derive(Debug, Clone, Copy)]
pub enum Audience<'a> {
    /// Every member of the group.
    Members,
    /// The group's admins.
    Admins,
    /// These accounts, if they are members of the group.
    People(&'a [String]),
}

/// The kinds of poll where one answer is a whole ballot, so an email can offer each answer
/// as a link to vote with.
pub const ONE_ANSWER_KINDS: [&str; 3] = ["proposal", "sense-check", "choose"];

/// The effective volume of the person whose id is `m.account_id` for thread `?`, as SQL.
const VOLUME_SQL: &str = "COALESCE(tv.volume, m.volume, a.default_volume)";

/// `CASE` of the volume column giving what `delivery` says for `kind`, as SQL literals.
fn case_of(kind: Kind, pick: impl Fn(crate::notify::Delivery) -> String) -> String {
    let arms: String = Volume::ALL
        .iter()
        .map(|v| format!(" WHEN '{}' THEN {}", v.as_str(), pick(delivery(kind, *v))))
        .collect();
    format!("CASE {VOLUME_SQL}{arms} END")
}

/// Writes a notification for each person who hears of `event`, in the caller's transaction.
/// A new comment tells each person once: one who was told it replies to them is not told again
/// that it mentions them, nor that it was posted.
/// Returns how many were told; the caller wakes the mailer after committing.
pub(crate) async fn notify_in(conn: Conn<'_>, event: &Event<'_>) -> Result<u64, StoreError> {
    let kind = event.kind;
    let in_app = case_of(kind, |d| if d.in_app { "TRUE" } else { "FALSE" }.into());
    let email = case_of(kind, |d| {
        if d.email { "'pending'" } else { "'none'" }.into()
    });
    let heard: Vec<String> = Volume::ALL
        .iter()
        .filter(|v| delivery(kind, **v).any())
        .map(|v| format!("'{}'", v.as_str()))
        .collect();
    if heard.is_empty() {
        return Ok(0);
    }
    let heard = heard.join(", ");
    let (who, people): (String, &[String]) = match event.audience {
        Audience::Members => (String::new(), &[]),
        Audience::Admins => (" AND m.role = 'admin'".into(), &[]),
        Audience::People([]) => return Ok(0),
        Audience::People(people) => (
            format!(
                " AND m.account_id IN ({})",
                vec!["?"; people.len()].join(", ")
            ),
            people,
        ),
    };
    // A comment tells each person once: the check is made only for comments, along the
    // index of a comment's notifications.
    let once_per_comment = matches!(kind, Kind::Reply | Kind::Mention | Kind::NewComment);
    let once = if once_per_comment {
        " AND NOT EXISTS (SELECT 1 FROM notifications n \
             WHERE n.comment_id = ? AND n.account_id = m.account_id \
             AND n.kind IN ('reply', 'mention', 'new_comment'))"
    } else {
        ""
    };
    // An id starts with the time to the nanosecond, so that a person's notifications of one
    // second keep the order they happened in; random digits make each row's its own.
    let time_prefix = super::time_prefix();
    let new_id = match &conn {
        Conn::Sqlite(_) => "? || lower(hex(randomblob(4)))",
        Conn::Postgres(_) => "? || substr(md5(random()::text), 1, 8)",
    };
    let statement = sql!(
        "INSERT INTO notifications (id, account_id, group_id, kind, actor_id, thread_id, \
             poll_id, comment_id, created_at, in_app, email) \
         SELECT {new_id}, m.account_id, m.group_id, ?, ?, ?, ?, ?, ?, {in_app}, {email} \
         FROM memberships m JOIN accounts a ON a.id = m.account_id \
         LEFT JOIN thread_volumes tv ON tv.account_id = m.account_id AND tv.thread_id = ? \
         WHERE m.group_id = ? AND m.account_id <> ? AND {VOLUME_SQL} IN ({heard}){who}{once}"
    );
    on_conn!(conn, |c| {
        let mut query = sqlx::query(statement)
            .bind(&time_prefix)
            .bind(kind.as_str())
            .bind(event.actor_id)
            .bind(event.thread_id)
            .bind(event.poll_id)
            .bind(event.comment_id)
            .bind(event.now)
            .bind(event.thread_id)
            .bind(event.group_id)
            .bind(event.actor_id.unwrap_or(""));
        for person in people {
            query = query.bind(person);
        }
        if once_per_comment {
            query = query.bind(event.comment_id);
        }
        Ok(query.execute(&mut *c).await?.rows_affected())
    })
}

/// The condition, on a notification `n` joined to `m` (the person's membership of its group,
/// left-joined), `t` (its thread) and `c` (its comment), that its person may still read it.
const READABLE_SQL: &str = "m.account_id IS NOT NULL \
     AND (n.thread_id IS NULL OR (t.id IS NOT NULL AND t.deleted_at IS NULL)) \
     AND (n.comment_id IS NULL OR (c.id IS NOT NULL AND c.deleted_at IS NULL)) \
     AND (n.kind <> 'membership_request' OR m.role = 'admin')";

/// The joins [`READABLE_SQL`] and the item's words need.
const ITEM_JOINS_SQL: &str = "JOIN groups g ON g.id = n.group_id \
     LEFT JOIN memberships m ON m.group_id = n.group_id AND m.account_id = n.account_id \
     LEFT JOIN threads t ON t.id = n.thread_id \
     LEFT JOIN comments c ON c.id = n.comment_id \
     LEFT JOIN polls p ON p.id = n.poll_id \
     LEFT JOIN accounts x ON x.id = n.actor_id";

/// The columns describing a notification's item, for [`ITEM_JOINS_SQL`].
const ITEM_COLUMNS_SQL: &str = "n.id, n.kind, n.created_at, n.read_at, \
     g.id AS group_id, g.name AS group_name, g.handle AS group_handle, \
     n.thread_id, t.title AS thread_title, n.poll_id, p.title AS poll_title, \
     p.kind AS poll_kind, p.closes_at AS poll_closes_at, \
     n.comment_id, c.body AS comment_body, c.seq AS comment_seq, \
     x.display_name AS actor_name";

/// What a notification is about, with the words to describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationItem {
    pub id: String,
    pub kind: Kind,
    pub created_at: i64,
    pub read: bool,
    pub group_id: String,
    pub group_name: String,
    pub group_handle: String,
    pub thread_id: Option<String>,
    pub thread_title: Option<String>,
    pub poll_id: Option<String>,
    pub poll_title: Option<String>,
    pub poll_kind: Option<String>,
    pub poll_closes_at: Option<i64>,
    pub comment_id: Option<String>,
    pub comment_body: Option<String>,
    pub comment_seq: Option<i64>,
    /// The name of who acted; `None` for a deleted account or one without a name yet.
    pub actor_name: Option<String>,
}

/// A notification's row as read, before its kind is checked.
#[derive(sqlx::FromRow)]
struct ItemRow {
    id: String,
    kind: String,
    created_at: i64,
    read_at: Option<i64>,
    group_id: String,
    group_name: String,
    group_handle: String,
    thread_id: Option<String>,
    thread_title: Option<String>,
    poll_id: Option<String>,
    poll_title: Option<String>,
    poll_kind: Option<String>,
    poll_closes_at: Option<i64>,
    comment_id: Option<String>,
    comment_body: Option<String>,
    comment_seq: Option<i64>,
    actor_name: Option<String>,
}

impl ItemRow {
    /// The item; `None` for a kind this release does not know (written by a newer one).
    fn item(self) -> Option<NotificationItem> {
        Some(NotificationItem {
            kind: Kind::parse(&self.kind)?,
            id: self.id,
            created_at: self.created_at,
            read: self.read_at.is_some(),
            group_id: self.group_id,
            group_name: self.group_name,
            group_handle: self.group_handle,
            thread_id: self.thread_id,
            thread_title: self.thread_title,
            poll_id: self.poll_id,
            poll_title: self.poll_title,
            poll_kind: self.poll_kind,
            poll_closes_at: self.poll_closes_at,
            comment_id: self.comment_id,
            comment_body: self.comment_body,
            comment_seq: self.comment_seq,
            actor_name: self.actor_name,
        })
    }
}

/// A notification whose email may be due, as read.
#[derive(sqlx::FromRow)]
struct PendingRow {
    #[sqlx(flatten)]
    item: ItemRow,
    account_id: String,
    email: String,
    thread_volume: Option<String>,
    volume: String,
    readable: i32,
    time_zone: String,
    poll_outcome: Option<String>,
    outcome_starts_at: Option<i64>,
}

/// A notification whose email is due, with what the email needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEmail {
    pub item: NotificationItem,
    pub account_id: String,
    pub email: String,
    /// Whether the thread's own volume (not the group's) asked for this email.
    pub by_thread_volume: bool,
    /// The person's volume for the item, as chosen.
    pub volume: Volume,
    /// The zone the person reads times in.
    pub time_zone: String,
    /// A poll's outcome statement, and a meeting's chosen time.
    pub poll_outcome: Option<String>,
    pub outcome_starts_at: Option<i64>,
    /// A poll's options as (number, label), for the kinds where one answer is a whole ballot.
    pub poll_options: Vec<(i64, String)>,
}

/// A page of someone's notifications, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationsPage {
    pub items: Vec<NotificationItem>,
    /// Whether older ones follow.
    pub more: bool,
}

/// A group and the volume a person chose for it (`None`: their default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupVolume {
    pub group_id: String,
    pub name: String,
    pub handle: String,
    pub volume: Option<Volume>,
}

/// What an unsubscribe link turned off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsubscribed {
    /// Email from this group stopped (its volume is now quiet, or was mute already).
    Group { name: String, handle: String },
    /// Email from this thread stopped.
    Thread { title: String, id: String },
    /// The digest stopped.
    Digest,
}

impl Store {
    /// A page of `account_id`'s notifications, newest first, skipping `offset`: only the ones
    /// for the app, and only about what the person may still read.
    pub async fn notifications_page(
        &self,
        account_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<NotificationsPage, StoreError> {
        on_engine!(self, |pool| {
            let rows: Vec<ItemRow> = sqlx::query_as(sql!(
                "SELECT {ITEM_COLUMNS_SQL} FROM notifications n {ITEM_JOINS_SQL} \
                 WHERE n.account_id = ? AND n.in_app AND {READABLE_SQL} \
                 ORDER BY n.created_at DESC, n.id DESC LIMIT ? OFFSET ?"
            ))
            .bind(account_id)
            .bind(limit + 1)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let mut items: Vec<NotificationItem> =
                rows.into_iter().filter_map(ItemRow::item).collect();
            let more = usize::try_from(limit).is_ok_and(|limit| items.len() > limit);
            items.truncate(usize::try_from(limit).unwrap_or(0));
            Ok(NotificationsPage { items, more })
        })
    }

    /// Marks every notification of `account_id` read.
    pub async fn mark_all_notifications_read(
        &self,
        account_id: &str,
        now: i64,
    ) -> Result<u64, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE account_id = $2 AND in_app \
                 AND read_at IS NULL",
            )
            .bind(now)
            .bind(account_id)
            .execute(pool)
            .await?
            .rows_affected())
        })
    }

    /// Marks `account_id`'s notifications about `thread_id` read: they have seen the thread.
    /// One indexed statement that writes nothing when there is nothing unread.
    pub async fn mark_thread_notifications_read(
        &self,
        account_id: &str,
        thread_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE account_id = $2 AND thread_id = $3 \
                 AND in_app AND read_at IS NULL",
            )
            .bind(now)
            .bind(account_id)
            .bind(thread_id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The groups `account_id` belongs to with the volume chosen for each, by name, and their
    /// default volume.
    pub async fn group_volumes(
        &self,
        account_id: &str,
    ) -> Result<(Volume, Vec<GroupVolume>), StoreError> {
        on_engine!(self, |pool| {
            let default: Option<String> =
                sqlx::query_scalar("SELECT default_volume FROM accounts WHERE id = $1")
                    .bind(account_id)
                    .fetch_optional(pool)
                    .await?;
            let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
                "SELECT g.id, g.name, g.handle, m.volume FROM memberships m \
                 JOIN groups g ON g.id = m.group_id WHERE m.account_id = $1 \
                 ORDER BY lower(g.name), g.handle",
            )
            .bind(account_id)
            .fetch_all(pool)
            .await?;
            let default = default
                .as_deref()
                .and_then(Volume::parse)
                .unwrap_or(Volume::Normal);
            Ok((
                default,
                rows.into_iter()
                    .map(|(group_id, name, handle, volume)| GroupVolume {
                        group_id,
                        name,
                        handle,
                        volume: volume.as_deref().and_then(Volume::parse),
                    })
                    .collect(),
            ))
        })
    }

    /// Saves `account_id`'s default volume and the volume of each of their groups named in
    /// `groups` (`None`: follow the default). Groups they do not belong to are left alone.
    pub async fn set_volumes(
        &self,
        account_id: &str,
        default: Volume,
        groups: &[(String, Option<Volume>)],
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                sqlx::query("UPDATE accounts SET default_volume = $1 WHERE id = $2")
                    .bind(default.as_str())
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                for (group_id, volume) in groups {
                    sqlx::query(
                        "UPDATE memberships SET volume = $1 WHERE account_id = $2 AND group_id = $3",
                    )
                    .bind(volume.map(Volume::as_str))
                    .bind(account_id)
                    .bind(group_id)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            })
        })
    }

    /// How often `account_id` wants a digest (`digest`), and on which weekday (1 = Monday).
    pub async fn digest_setting(&self, account_id: &str) -> Result<(String, i16), StoreError> {
        on_engine!(self, |pool| {
            let row: Option<(String, i16)> =
                sqlx::query_as("SELECT digest, digest_day FROM accounts WHERE id = $1")
                    .bind(account_id)
                    .fetch_optional(pool)
                    .await?;
            Ok(row.unwrap_or_else(|| ("off".into(), 1)))
        })
    }

    /// Saves how often `account_id` wants a digest and when the next one is due (`None` when
    /// off).
    pub async fn set_digest(
        &self,
        account_id: &str,
        digest: &str,
        day: i16,
        due_at: Option<i64>,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query(
                "UPDATE accounts SET digest = $1, digest_day = $2, digest_due_at = $3 WHERE id = $4",
            )
            .bind(digest)
            .bind(day)
            .bind(due_at)
            .bind(account_id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The volume `account_id` chose for `thread_id`, if any.
    pub async fn thread_volume(
        &self,
        account_id: &str,
        thread_id: &str,
    ) -> Result<Option<Volume>, StoreError> {
        on_engine!(self, |pool| {
            let volume: Option<String> = sqlx::query_scalar(
                "SELECT volume FROM thread_volumes WHERE account_id = $1 AND thread_id = $2",
            )
            .bind(account_id)
            .bind(thread_id)
            .fetch_optional(pool)
            .await?;
            Ok(volume.as_deref().and_then(Volume::parse))
        })
    }

    /// Sets (or, with `None`, clears) `account_id`'s volume for `thread_id`.
    pub async fn set_thread_volume(
        &self,
        account_id: &str,
        thread_id: &str,
        volume: Option<Volume>,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            match volume {
                None => {
                    sqlx::query(
                        "DELETE FROM thread_volumes WHERE account_id = $1 AND thread_id = $2",
                    )
                    .bind(account_id)
                    .bind(thread_id)
                    .execute(pool)
                    .await?;
                }
                Some(volume) => {
                    sqlx::query(
                        "INSERT INTO thread_volumes (account_id, thread_id, volume) \
                         VALUES ($1, $2, $3) ON CONFLICT (account_id, thread_id) \
                         DO UPDATE SET volume = excluded.volume",
                    )
                    .bind(account_id)
                    .bind(thread_id)
                    .bind(volume.as_str())
                    .execute(pool)
                    .await?;
                }
            }
            Ok(())
        })
    }

    /// What the unsubscribe token for `account_id` and `scope` stops, without stopping it:
    /// `None` when the person is no longer in that group or thread's group (then nothing is
    /// sent to them from it anyway).
    pub async fn unsubscribe_target(
        &self,
        account_id: &str,
        scope: &crate::notify::tokens::Scope,
    ) -> Result<Option<Unsubscribed>, StoreError> {
        use crate::notify::tokens::Scope;
        on_engine!(self, |pool| {
            Ok(match scope {
                Scope::Group(group_id) => sqlx::query_as::<_, (String, String)>(
                    "SELECT g.name, g.handle FROM memberships m JOIN groups g ON g.id = m.group_id \
                     WHERE m.account_id = $1 AND m.group_id = $2",
                )
                .bind(account_id)
                .bind(group_id)
                .fetch_optional(pool)
                .await?
                .map(|(name, handle)| Unsubscribed::Group { name, handle }),
                Scope::Thread(thread_id) => sqlx::query_as::<_, (String, String)>(
                    "SELECT t.title, t.id FROM threads t \
                     JOIN memberships m ON m.group_id = t.group_id AND m.account_id = $1 \
                     WHERE t.id = $2 AND t.deleted_at IS NULL",
                )
                .bind(account_id)
                .bind(thread_id)
                .fetch_optional(pool)
                .await?
                .map(|(title, id)| Unsubscribed::Thread { title, id }),
                Scope::Digest => {
                    sqlx::query_scalar::<_, String>("SELECT id FROM accounts WHERE id = $1")
                        .bind(account_id)
                        .fetch_optional(pool)
                        .await?
                        .map(|_| Unsubscribed::Digest)
                }
            })
        })
    }

    /// Stops the email that `scope` names for `account_id`: a group's or thread's volume
    /// becomes quiet (in the app only; mute stays mute), or the digest goes off. Doing it twice
    /// changes nothing more.
    pub async fn unsubscribe(
        &self,
        account_id: &str,
        scope: &crate::notify::tokens::Scope,
    ) -> Result<Option<Unsubscribed>, StoreError> {
        use crate::notify::tokens::Scope;
        let Some(target) = self.unsubscribe_target(account_id, scope).await? else {
            return Ok(None);
        };
        on_engine!(self, |pool| {
            match scope {
                Scope::Group(group_id) => {
                    write_tx!(pool, |tx| {
                        sqlx::query(
                            "UPDATE memberships SET volume = 'quiet' WHERE account_id = $1 \
                             AND group_id = $2 AND COALESCE(volume, \
                                 (SELECT default_volume FROM accounts WHERE id = $1)) <> 'mute'",
                        )
                        .bind(account_id)
                        .bind(group_id)
                        .execute(&mut *tx)
                        .await?;
                        // Its threads set to email stop too: "stop email from the group" means
                        // all of it.
                        sqlx::query(
                            "UPDATE thread_volumes SET volume = 'quiet' WHERE account_id = $1 \
                             AND volume IN ('normal', 'loud') \
                             AND thread_id IN (SELECT id FROM threads WHERE group_id = $2)",
                        )
                        .bind(account_id)
                        .bind(group_id)
                        .execute(&mut *tx)
                        .await?;
                        tx.commit().await?;
                        Ok::<(), StoreError>(())
                    })?;
                }
                Scope::Thread(thread_id) => {
                    sqlx::query(
                        "INSERT INTO thread_volumes (account_id, thread_id, volume) \
                         VALUES ($1, $2, 'quiet') ON CONFLICT (account_id, thread_id) \
                         DO UPDATE SET volume = CASE WHEN thread_volumes.volume = 'mute' \
                             THEN 'mute' ELSE 'quiet' END",
                    )
                    .bind(account_id)
                    .bind(thread_id)
                    .execute(pool)
                    .await?;
                }
                Scope::Digest => {
                    sqlx::query(
                        "UPDATE accounts SET digest = 'off', digest_due_at = NULL WHERE id = $1",
                    )
                    .bind(account_id)
                    .execute(pool)
                    .await?;
                }
            }
            Ok(Some(target))
        })
    }

    /// Takes up to `limit` notifications whose email is due and, for each one its person may
    /// still read, puts the email `compose` writes into the outbox; the others are marked
    /// dropped. Each row is claimed by an update of its state, so two servers never write the
    /// same email. Returns how many notifications were handled: 0 when none was due.
    pub async fn queue_notification_emails(
        &self,
        limit: i64,
        compose: impl Fn(&PendingEmail) -> Option<super::NewMail>,
    ) -> Result<usize, StoreError> {
        on_engine!(self, |pool| {
            // Most runs find nothing: a read says so without taking the write lock.
            let waiting: Option<String> =
                sqlx::query_scalar("SELECT id FROM notifications WHERE email = 'pending' LIMIT 1")
                    .fetch_optional(pool)
                    .await?;
            if waiting.is_none() {
                return Ok(0);
            }
            write_tx!(pool, |tx| {
                let rows: Vec<PendingRow> = sqlx::query_as(sql!(
                    "SELECT {ITEM_COLUMNS_SQL}, n.account_id, a.email, tv.volume AS thread_volume, \
                         COALESCE(tv.volume, m.volume, a.default_volume) AS volume, \
                         CASE WHEN {READABLE_SQL} THEN 1 ELSE 0 END AS readable, \
                         a.time_zone, p.outcome AS poll_outcome, \
                         (SELECT o.starts_at FROM poll_options o WHERE o.poll_id = p.id \
                             AND o.number = p.outcome_option) AS outcome_starts_at \
                     FROM notifications n JOIN accounts a ON a.id = n.account_id {ITEM_JOINS_SQL} \
                     LEFT JOIN thread_volumes tv ON tv.account_id = n.account_id \
                         AND tv.thread_id = n.thread_id \
                     WHERE n.email = 'pending' ORDER BY n.created_at, n.id LIMIT ?"
                ))
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
                let handled = rows.len();
                for row in rows {
                    let id = row.item.id.clone();
                    let readable = row.readable == 1;
                    let volume = Volume::parse(&row.volume).unwrap_or(Volume::Normal);
                    let pending = match row.item.item() {
                        // Still readable, and still wanted: a volume lowered since the event
                        // (or a one-click unsubscribe) stops email not yet written.
                        Some(item) if readable && delivery(item.kind, volume).email => {
                            let poll_options = match (&item.poll_id, item.kind) {
                                (Some(poll), Kind::NewPoll | Kind::PollClosing)
                                    if item
                                        .poll_kind
                                        .as_deref()
                                        .is_some_and(|kind| ONE_ANSWER_KINDS.contains(&kind)) =>
                                {
                                    sqlx::query_as(
                                        "SELECT o.number, o.label FROM poll_options o \
                                         JOIN polls p ON p.id = o.poll_id WHERE o.poll_id = $1 \
                                         AND (p.kind <> 'choose' OR p.max_choices <= 1) \
                                         AND p.reason_mode <> 'required' ORDER BY o.number",
                                    )
                                    .bind(poll)
                                    .fetch_all(&mut *tx)
                                    .await?
                                }
                                _ => Vec::new(),
                            };
                            Some(PendingEmail {
                                item,
                                account_id: row.account_id,
                                email: row.email,
                                by_thread_volume: row.thread_volume.is_some(),
                                volume,
                                time_zone: row.time_zone,
                                poll_outcome: row.poll_outcome,
                                outcome_starts_at: row.outcome_starts_at,
                                poll_options,
                            })
                        }
                        _ => None,
                    };
                    let mail = pending.as_ref().and_then(&compose);
                    let state = if mail.is_some() { "sent" } else { "dropped" };
                    let claimed = sqlx::query(
                        "UPDATE notifications SET email = $1 WHERE id = $2 AND email = 'pending'",
                    )
                    .bind(state)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if let (1, Some(mail)) = (claimed, mail) {
                        Store::enqueue_mail_in(Conn::from(&mut *tx), &mail).await?;
                    }
                }
                tx.commit().await?;
                Ok(handled)
            })
        })
    }
}

/// A person whose catch-up digest is due.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueDigest {
    pub account_id: String,
    pub email: String,
    pub time_zone: String,
    pub digest: String,
    pub digest_due_at: i64,
    /// When the last one was sent; what is newer goes in this one.
    pub digest_sent_at: Option<i64>,
}

/// An open poll someone has not voted in, for their digest.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WaitingPoll {
    pub id: String,
    pub title: String,
    pub group_name: String,
    pub closes_at: i64,
}

/// What a digest tells: unread notifications newer than the last digest, by group and thread,
/// and the open polls waiting for the person's vote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DigestContent {
    pub items: Vec<NotificationItem>,
    pub polls: Vec<WaitingPoll>,
}

impl DigestContent {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.polls.is_empty()
    }
}

impl Store {
    /// Up to `limit` people whose digest is due at `now`.
    pub async fn due_digests(&self, now: i64, limit: i64) -> Result<Vec<DueDigest>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id AS account_id, email, time_zone, digest, digest_due_at, digest_sent_at \
                 FROM accounts WHERE digest_due_at IS NOT NULL AND digest_due_at <= $1 \
                 AND digest <> 'off' ORDER BY digest_due_at LIMIT $2",
            )
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?)
        })
    }

    /// What `account_id`'s digest holds: unread notifications made after `since` (all unread
    /// ones when `None`), about what they may still read, grouped by group then thread; and
    /// the open polls of their groups (but muted ones) they may vote in and have not, by
    /// closing time.
    pub async fn digest_content(
        &self,
        account_id: &str,
        since: Option<i64>,
        now: i64,
    ) -> Result<DigestContent, StoreError> {
        on_engine!(self, |pool| {
            let rows: Vec<ItemRow> = sqlx::query_as(sql!(
                "SELECT {ITEM_COLUMNS_SQL} FROM notifications n {ITEM_JOINS_SQL} \
                 WHERE n.account_id = ? AND n.in_app AND n.read_at IS NULL \
                   AND n.created_at > ? AND {READABLE_SQL} \
                 ORDER BY lower(g.name), g.id, t.title, n.thread_id, n.created_at LIMIT 200"
            ))
            .bind(account_id)
            .bind(since.unwrap_or(i64::MIN))
            .fetch_all(pool)
            .await?;
            let polls: Vec<WaitingPoll> = sqlx::query_as(
                "SELECT p.id, p.title, g.name AS group_name, p.closes_at FROM polls p \
                 JOIN threads t ON t.id = p.thread_id AND t.deleted_at IS NULL \
                 JOIN groups g ON g.id = t.group_id \
                 JOIN memberships m ON m.group_id = g.id AND m.account_id = $1 \
                 JOIN accounts a ON a.id = m.account_id \
                 WHERE p.closed_at IS NULL AND p.closes_at > $2 \
                   AND COALESCE(m.volume, a.default_volume) <> 'mute' \
                   AND (NOT p.voters_only OR EXISTS (SELECT 1 FROM poll_voters v \
                       WHERE v.poll_id = p.id AND v.account_id = $1)) \
                   AND NOT EXISTS (SELECT 1 FROM poll_participants pp \
                       WHERE pp.poll_id = p.id AND pp.account_id = $1) \
                 ORDER BY p.closes_at, p.id LIMIT 50",
            )
            .bind(account_id)
            .bind(now)
            .fetch_all(pool)
            .await?;
            Ok(DigestContent {
                items: rows.into_iter().filter_map(ItemRow::item).collect(),
                polls,
            })
        })
    }

    /// Records that the digest due at `due_at` was handled: the next is due at `next` (none
    /// when `None`), and `mail`, if any, goes in the outbox in the same transaction. Only one
    /// server handles each digest: `false` when another one already did.
    pub async fn finish_digest(
        &self,
        account_id: &str,
        due_at: i64,
        next: Option<i64>,
        now: i64,
        mail: Option<&super::NewMail>,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            write_tx!(pool, |tx| {
                let claimed = sqlx::query(
                    "UPDATE accounts SET digest_due_at = $1, \
                     digest_sent_at = CASE WHEN $2 THEN $3 ELSE digest_sent_at END \
                     WHERE id = $4 AND digest_due_at = $5",
                )
                .bind(next)
                .bind(mail.is_some())
                .bind(now)
                .bind(account_id)
                .bind(due_at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if claimed != 1 {
                    return Ok(false);
                }
                if let Some(mail) = mail {
                    Store::enqueue_mail_in(Conn::from(&mut *tx), mail).await?;
                }
                tx.commit().await?;
                Ok(true)
            })
        })
    }
}
