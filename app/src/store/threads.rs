//! Threads: starting, listing, editing (with every version kept), closing, pinning, moving,
//! deleting (hidden at once, purged later) and restoring, and each person's read state.
//!
//! As in `groups`, every function that reads or changes a thread takes a [`Permit`] and works
//! only on threads of the permit's group. Changing a thread takes either a `Moderate` permit
//! (any thread of the group) or a `Participate` permit, which reaches only the person's own
//! threads: the author check is part of each statement. [`Store::thread_by_id`] alone reads
//! without a permit: it is how a page finds the group to decide with.

use super::Conn;

use super::groups::{About, group_of, record_activity};
use super::{Store, StoreError, random_id};
use crate::domain::permissions::{Action, Permit};
use crate::domain::threads::{PURGE_AFTER_SECS, ReadRanges};

/// A thread as stored, with its author's name looked up now.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Thread {
    pub id: String,
    pub group_id: String,
    pub author_id: Option<String>,
    pub author_name: String,
    pub title: String,
    pub context: String,
    pub private: bool,
    pub version: i64,
    pub comment_seq: i64,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub last_activity_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
    pub pinned_at: Option<i64>,
}

impl Thread {
    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }
}

/// A thread in a group's list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ThreadListing {
    pub id: String,
    pub title: String,
    pub author_name: String,
    pub private: bool,
    pub last_activity_at: i64,
    pub closed: bool,
    pub pinned: bool,
    pub comment_count: i64,
    pub comment_seq: i64,
    /// The reader's read ranges, when they have opened the thread.
    pub ranges: Option<String>,
    /// How many of its comments the reader has not read (filled in by the page).
    #[sqlx(skip)]
    pub unread: i64,
}

/// A deleted thread an admin can still restore.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeletedThread {
    pub id: String,
    pub title: String,
    pub deleted_at: i64,
    pub deleted_by_name: String,
}

/// One version of a thread's title and context, or of a comment (title empty).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Version {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub editor_name: String,
    pub at: i64,
}

/// A new thread as the form gave it.
#[derive(Debug, Clone)]
pub struct NewThread<'a> {
    pub id: &'a str,
    pub author_id: &'a str,
    pub title: &'a str,
    pub context: &'a str,
    /// Members only. Ignored (always true) outside open groups.
    pub private: bool,
    pub now: i64,
    /// Pending files of the author's that the context takes.
    pub attachments: &'a [super::Claim],
}

/// A thread's new title and context, from the edit form.
#[derive(Debug, Clone, Copy)]
pub struct ThreadEdit<'a> {
    pub editor_id: &'a str,
    pub title: &'a str,
    pub context: &'a str,
    /// Members only: `None` leaves it as it is (and outside open groups it is always true).
    pub private: Option<bool>,
    pub now: i64,
    /// The context's files from now on; `None` leaves them as they are.
    pub attachments: Option<&'a [super::Claim]>,
}

const THREAD: &str = "SELECT t.id, t.group_id, t.author_id, \
    COALESCE(a.display_name, 'Deleted account') AS author_name, t.title, t.context, t.private, \
    t.version, t.comment_seq, t.created_at, t.edited_at, t.last_activity_at, t.closed_at, t.closed_by, t.pinned_at \
    FROM threads t LEFT JOIN accounts a ON a.id = t.author_id";

/// Which threads of the permit's group a change may reach: `(group, only the author's own)`.
pub(super) fn thread_scope(permit: &Permit) -> Result<(&str, bool), StoreError> {
    if permit.is_for(Action::Moderate) {
        Ok((permit.group_id(), false))
    } else {
        Ok((group_of(permit, Action::Participate)?, true))
    }
}

/// What a read of thread content may reach: `(group, private threads too)`. `ViewContent`
/// reads public threads; `Participate` (members) reads private ones as well.
pub(super) fn read_scope(permit: &Permit) -> Result<(&str, bool), StoreError> {
    if permit.is_for(Action::Participate) || permit.reads_private() {
        Ok((permit.group_id(), true))
    } else {
        Ok((group_of(permit, Action::ViewContent)?, false))
    }
}

/// Which of a group's threads a list shows: members see them all, and anyone who may read the
/// group's content those that are not private; a reading permit that reaches private threads
/// (a support reader's) lists them too (binds: whether it does, then the reader).
const LISTED: &str = "(? OR NOT t.private OR EXISTS \
    (SELECT 1 FROM memberships rm WHERE rm.group_id = t.group_id AND rm.account_id = ?))";

/// A group's threads as its list shows them (binds: the reader, the group), to be followed by
/// `AND {LISTED}` (whether private threads are listed, the reader again) and an order.
const THREAD_LISTING: &str = "SELECT t.id, t.title, COALESCE(a.display_name, 'Deleted account') AS author_name, \
     t.private, t.last_activity_at, t.closed_at IS NOT NULL AS closed, \
     t.pinned_at IS NOT NULL AS pinned, \
     (SELECT count(*) FROM comments c WHERE c.thread_id = t.id AND c.deleted_at IS NULL) AS comment_count, \
     t.comment_seq, r.ranges \
     FROM threads t LEFT JOIN accounts a ON a.id = t.author_id \
     LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.account_id = ? \
     WHERE t.group_id = ? AND t.deleted_at IS NULL";

impl Store {
    /// The thread `id` unless it is deleted, for a page to decide who may see it. Nothing is
    /// shown from it before that decision.
    pub async fn thread_by_id(&self, id: &str) -> Result<Option<Thread>, StoreError> {
        on_engine!(self, |pool| {
            Ok(
                sqlx::query_as(sql!("{THREAD} WHERE t.id = ? AND t.deleted_at IS NULL"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?,
            )
        })
    }

    /// Starts a thread, its first version and its search entry together.
    pub async fn create_thread(
        &self,
        permit: &Permit,
        thread: &NewThread<'_>,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::StartThread)?;
            write_tx!(pool, |tx| {
                sqlx::query(
            "INSERT INTO threads (id, group_id, author_id, title, context, private, created_at, last_activity_at) \
             SELECT $1, g.id, $2, $3, $4, CASE WHEN g.privacy = 'open' THEN $5 ELSE TRUE END, $6, $7 \
             FROM groups g WHERE g.id = $8",
        )
        .bind(thread.id)
        .bind(thread.author_id)
        .bind(thread.title)
        .bind(thread.context)
        .bind(thread.private)
        .bind(thread.now)
        .bind(thread.now)
        .bind(group_id)
        .execute(&mut *tx)
        .await?;
                sqlx::query(
            "INSERT INTO thread_versions (thread_id, version, title, context, editor_id, at) VALUES ($1, 1, $2, $3, $4, $5)",
        )
        .bind(thread.id)
        .bind(thread.title)
        .bind(thread.context)
        .bind(thread.author_id)
        .bind(thread.now)
        .execute(&mut *tx)
        .await?;
                super::attachments::claim_in(
                    Conn::from(&mut *tx),
                    group_id,
                    thread.author_id,
                    super::Owner::Context { thread: thread.id },
                    thread.attachments,
                    None,
                )
                .await?;
                super::search::index_thread(
                    Conn::from(&mut *tx),
                    thread.id,
                    thread.title,
                    &super::attachments::with_search_words(thread.context, thread.attachments),
                )
                .await?;
                record_activity(
                    Conn::from(&mut *tx),
                    group_id,
                    thread.author_id,
                    "thread",
                    About::Thread(thread.id),
                    thread.now,
                )
                .await?;
                super::notifications::notify_in(
                    Conn::from(&mut *tx),
                    &super::notifications::Event::new(
                        crate::notify::Kind::NewThread,
                        group_id,
                        thread.now,
                    )
                    .by(thread.author_id)
                    .thread(thread.id),
                )
                .await?;
                tx.commit().await?;
                Ok(())
            })
        })
    }

    /// A page of the group's threads the reader may read: pinned first, then the most recently
    /// active; and how many there are in all.
    pub async fn threads_page(
        &self,
        permit: &Permit,
        reader: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ThreadListing>, i64), StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::ViewContent)?;
            let reader = reader.unwrap_or_default();
            let private_too = permit.reads_private();
            // Pinned threads first (a few, along `threads_pinned`), then the others along the
            // group's index by last activity: a page reads its own rows, however many threads
            // the group has, and comments are counted for those rows alone.
            let mut threads: Vec<ThreadListing> = sqlx::query_as(sql!(
                "{THREAD_LISTING} AND {LISTED} AND t.pinned_at IS NOT NULL \
                 ORDER BY t.pinned_at DESC, t.last_activity_at DESC, t.id"
            ))
            .bind(reader)
            .bind(group_id)
            .bind(private_too)
            .bind(reader)
            .fetch_all(pool)
            .await?;
            let pinned = i64::try_from(threads.len()).unwrap_or(i64::MAX);
            threads.drain(..usize::try_from(offset.min(pinned)).unwrap_or(0));
            threads.truncate(usize::try_from(limit).unwrap_or(0));
            let wanted = limit - i64::try_from(threads.len()).unwrap_or(0);
            if wanted > 0 {
                let others: Vec<ThreadListing> = sqlx::query_as(sql!(
                    "{THREAD_LISTING} AND {LISTED} AND t.pinned_at IS NULL \
                     ORDER BY t.last_activity_at DESC, t.id LIMIT ? OFFSET ?"
                ))
                .bind(reader)
                .bind(group_id)
                .bind(private_too)
                .bind(reader)
                .bind(wanted)
                .bind((offset - pinned).max(0))
                .fetch_all(pool)
                .await?;
                threads.extend(others);
            }
            let total = sqlx::query_scalar(sql!(
            "SELECT count(*) FROM threads t WHERE t.group_id = ? AND t.deleted_at IS NULL AND {LISTED}"
        ))
        .bind(group_id)
        .bind(private_too)
        .bind(reader)
        .fetch_one(pool)
        .await?;
            Ok((threads, total))
        })
    }

    /// Saves a new title and context as the next version. `None` when the thread is not one
    /// the permit reaches (or is closed).
    pub async fn edit_thread(
        &self,
        permit: &Permit,
        thread_id: &str,
        edit: &ThreadEdit<'_>,
    ) -> Result<Option<i64>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, own_only) = thread_scope(permit)?;
            let ThreadEdit {
                editor_id,
                title,
                context,
                private,
                now,
                attachments,
            } = *edit;
            write_tx!(pool, |tx| {
                let version: Option<i64> = sqlx::query_scalar(
            "UPDATE threads SET title = $1, context = $2, version = version + 1, edited_at = $3, \
             private = CASE WHEN (SELECT privacy FROM groups WHERE id = group_id) = 'open' THEN COALESCE($4, private) ELSE TRUE END \
             WHERE id = $5 AND group_id = $6 AND deleted_at IS NULL AND closed_at IS NULL \
             AND (NOT $7 OR author_id = $8) RETURNING version",
        )
        .bind(title)
        .bind(context)
        .bind(now)
        .bind(private)
        .bind(thread_id)
        .bind(group_id)
        .bind(own_only)
        .bind(editor_id)
        .fetch_optional(&mut *tx)
        .await?;
                let Some(version) = version else {
                    return Ok(None);
                };
                sqlx::query(
            "INSERT INTO thread_versions (thread_id, version, title, context, editor_id, at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(thread_id)
        .bind(version)
        .bind(title)
        .bind(context)
        .bind(editor_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
                if let Some(claims) = attachments {
                    super::attachments::claim_in(
                        Conn::from(&mut *tx),
                        group_id,
                        editor_id,
                        super::Owner::Context { thread: thread_id },
                        claims,
                        Some(now),
                    )
                    .await?;
                }
                let alt =
                    super::attachments::alt_words_in(Conn::from(&mut *tx), thread_id, None).await?;
                let words = if alt.is_empty() {
                    context.to_string()
                } else {
                    format!("{context}\n{alt}")
                };
                super::search::index_thread(Conn::from(&mut *tx), thread_id, title, &words).await?;
                tx.commit().await?;
                Ok(Some(version))
            })
        })
    }

    /// Every version of a thread, newest first.
    pub async fn thread_versions(
        &self,
        permit: &Permit,
        thread_id: &str,
    ) -> Result<Vec<Version>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(sqlx::query_as(
                "SELECT v.version, v.title, v.context AS body, \
             COALESCE(a.display_name, 'Deleted account') AS editor_name, v.at \
             FROM thread_versions v JOIN threads t ON t.id = v.thread_id \
             LEFT JOIN accounts a ON a.id = v.editor_id \
             WHERE v.thread_id = $1 AND t.group_id = $2 AND (NOT t.private OR $3) \
             AND t.deleted_at IS NULL ORDER BY v.version DESC",
            )
            .bind(thread_id)
            .bind(group_id)
            .bind(private_too)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Closes (no more comments, replies, reactions or edits) or reopens a thread. With a
    /// `Participate` permit, authors close their own threads and reopen them only when they
    /// closed them themselves: a thread an admin closed stays closed until an admin reopens it.
    /// Whether it changed.
    pub async fn set_thread_closed(
        &self,
        permit: &Permit,
        thread_id: &str,
        actor_id: &str,
        closed: bool,
        now: i64,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, own_only) = thread_scope(permit)?;
            let statement = if closed {
                "UPDATE threads SET closed_at = $1, closed_by = $2 \
             WHERE id = $3 AND group_id = $4 AND deleted_at IS NULL AND closed_at IS NULL \
             AND (NOT $5 OR author_id = $2)"
            } else {
                "UPDATE threads SET closed_at = NULL, closed_by = NULL \
             WHERE id = $3 AND group_id = $4 AND deleted_at IS NULL AND closed_at IS NOT NULL \
             AND (NOT $5 OR (author_id = $2 AND closed_by = $2)) AND $1 IS NOT NULL"
            };
            let done = sqlx::query(statement)
                .bind(now)
                .bind(actor_id)
                .bind(thread_id)
                .bind(group_id)
                .bind(own_only)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Pins a thread to the top of the group's list, or unpins it.
    pub async fn set_thread_pinned(
        &self,
        permit: &Permit,
        thread_id: &str,
        pinned: bool,
        now: i64,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Moderate)?;
            let done = sqlx::query(
                "UPDATE threads SET pinned_at = CASE WHEN $1 THEN $2 ELSE NULL END \
             WHERE id = $3 AND group_id = $4 AND deleted_at IS NULL",
            )
            .bind(pinned)
            .bind(now)
            .bind(thread_id)
            .bind(group_id)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Moves a thread (with its comments) to another group, where the mover is an admin
    /// (`to` is a `Moderate` permit there). A thread moved out of an open group becomes
    /// members only.
    pub async fn move_thread(
        &self,
        from: &Permit,
        to: &Permit,
        thread_id: &str,
        actor_id: &str,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, own_only) = thread_scope(from)?;
            let to_group = group_of(to, Action::Moderate)?;
            write_tx!(pool, |tx| {
                let done = sqlx::query(
            "UPDATE threads SET group_id = $1, pinned_at = NULL, \
             private = CASE WHEN (SELECT privacy FROM groups WHERE id = $1) = 'open' THEN private ELSE TRUE END \
             WHERE id = $2 AND group_id = $3 AND deleted_at IS NULL AND (NOT $4 OR author_id = $5)",
        )
        .bind(to_group)
        .bind(thread_id)
        .bind(group_id)
        .bind(own_only)
        .bind(actor_id)
        .execute(&mut *tx)
        .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                // Its story goes with it: the new group's activity tells of it, the old one's no
                // longer does.
                sqlx::query("UPDATE group_activity SET group_id = $1 WHERE thread_id = $2")
                    .bind(to_group)
                    .bind(thread_id)
                    .execute(&mut *tx)
                    .await?;
                // What people were told of the thread now belongs to its new group, so only
                // that group's members keep it (in the list, the digest and unsent email).
                sqlx::query("UPDATE notifications SET group_id = $1 WHERE thread_id = $2")
                    .bind(to_group)
                    .bind(thread_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            })
        })
    }

    /// Deletes a thread: it disappears at once (pages answer "not found", search forgets it)
    /// and can be restored by an admin until it is purged.
    pub async fn delete_thread(
        &self,
        permit: &Permit,
        thread_id: &str,
        actor_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, own_only) = thread_scope(permit)?;
            write_tx!(pool, |tx| {
                let done = sqlx::query(
                    "UPDATE threads SET deleted_at = $1, deleted_by = $2 \
             WHERE id = $3 AND group_id = $4 AND deleted_at IS NULL AND (NOT $5 OR author_id = $6)",
                )
                .bind(now)
                .bind(actor_id)
                .bind(thread_id)
                .bind(group_id)
                .bind(own_only)
                .bind(actor_id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 1 {
                    sqlx::query("DELETE FROM search_text WHERE thread_id = $1")
                        .bind(thread_id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            })
        })
    }

    /// Deleted threads of the group not yet purged, most recent first.
    pub async fn deleted_threads(&self, permit: &Permit) -> Result<Vec<DeletedThread>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Moderate)?;
            Ok(sqlx::query_as(
            "SELECT t.id, t.title, t.deleted_at, COALESCE(a.display_name, 'Deleted account') AS deleted_by_name \
             FROM threads t LEFT JOIN accounts a ON a.id = t.deleted_by \
             WHERE t.group_id = $1 AND t.deleted_at IS NOT NULL ORDER BY t.deleted_at DESC",
        )
        .bind(group_id)
        .fetch_all(pool)
        .await?)
        })
    }

    /// Brings a deleted thread back, with its comments in the search index again.
    pub async fn restore_thread(
        &self,
        permit: &Permit,
        thread_id: &str,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Moderate)?;
            write_tx!(pool, |tx| {
                let restored: Option<(String, String)> = sqlx::query_as(
                    "UPDATE threads SET deleted_at = NULL, deleted_by = NULL \
             WHERE id = $1 AND group_id = $2 AND deleted_at IS NOT NULL RETURNING title, context",
                )
                .bind(thread_id)
                .bind(group_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((title, context)) = restored else {
                    return Ok(false);
                };
                super::search::index_thread(Conn::from(&mut *tx), thread_id, &title, &context)
                    .await?;
                let comments: Vec<(String, String)> = sqlx::query_as(
                    "SELECT id, body FROM comments WHERE thread_id = $1 AND deleted_at IS NULL",
                )
                .bind(thread_id)
                .fetch_all(&mut *tx)
                .await?;
                for (id, body) in comments {
                    super::search::index_comment(Conn::from(&mut *tx), thread_id, &id, &body)
                        .await?;
                }
                tx.commit().await?;
                Ok(true)
            })
        })
    }

    /// Removes for good the threads deleted more than [`PURGE_AFTER_SECS`] before `now`, with
    /// everything in them. How many went.
    pub async fn purge_deleted_threads(&self, now: i64) -> Result<u64, StoreError> {
        on_engine!(self, |pool| {
            let done =
                sqlx::query("DELETE FROM threads WHERE deleted_at IS NOT NULL AND deleted_at < $1")
                    .bind(now - PURGE_AFTER_SECS)
                    .execute(pool)
                    .await?;
            Ok(done.rows_affected())
        })
    }

    /// The comments of a thread a person has seen.
    pub async fn read_ranges(
        &self,
        permit: &Permit,
        thread_id: &str,
        account_id: &str,
    ) -> Result<ReadRanges, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, _) = read_scope(permit)?;
            let text: Option<String> = sqlx::query_scalar(
                "SELECT r.ranges FROM thread_reads r JOIN threads t ON t.id = r.thread_id \
             WHERE r.thread_id = $1 AND r.account_id = $2 AND t.group_id = $3",
            )
            .bind(thread_id)
            .bind(account_id)
            .bind(group_id)
            .fetch_optional(pool)
            .await?;
            Ok(text.map(|t| ReadRanges::parse(&t)).unwrap_or_default())
        })
    }

    /// Records that a person has now seen the comments numbered `seqs`.
    pub async fn mark_read(
        &self,
        permit: &Permit,
        thread_id: &str,
        account_id: &str,
        seqs: &[i64],
        now: i64,
    ) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            write_tx!(pool, |tx| {
                let readable: Option<i64> = sqlx::query_scalar(
                    "SELECT comment_seq FROM threads WHERE id = $1 AND group_id = $2 AND (NOT private OR $3)",
                )
                .bind(thread_id)
                .bind(group_id)
                .bind(private_too)
                .fetch_optional(&mut *tx)
                .await?;
                if readable.is_none() {
                    return Err(StoreError::NotPermitted);
                }
                mark_read_in(Conn::from(&mut *tx), thread_id, account_id, seqs, now).await?;
                tx.commit().await?;
                Ok(())
            })
        })
    }
}

/// [`Store::mark_read`] inside the caller's transaction.
pub(super) async fn mark_read_in(
    conn: Conn<'_>,
    thread_id: &str,
    account_id: &str,
    seqs: &[i64],
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(conn, |c| {
        let text: Option<String> = sqlx::query_scalar(
            "SELECT ranges FROM thread_reads WHERE thread_id = $1 AND account_id = $2",
        )
        .bind(thread_id)
        .bind(account_id)
        .fetch_optional(&mut *c)
        .await?;
        let mut ranges = text.as_deref().map(ReadRanges::parse).unwrap_or_default();
        if ranges.is_empty() && text.as_deref().is_some_and(|t| !t.is_empty()) {
            // Stored ranges that cannot be read are left alone rather than overwritten.
            return Ok(());
        }
        let before = ranges.clone();
        ranges.add_all(seqs.iter().copied());
        if text.is_some() && ranges == before {
            return Ok(());
        }
        sqlx::query(
        "INSERT INTO thread_reads (thread_id, account_id, ranges, read_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (thread_id, account_id) DO UPDATE SET ranges = excluded.ranges, read_at = excluded.read_at",
    )
    .bind(thread_id)
    .bind(account_id)
    .bind(ranges.to_string())
    .bind(now)
    .execute(&mut *c)
    .await?;
        Ok(())
    })
}

/// Makes a new id for a thread or comment.
pub fn new_content_id() -> Result<String, StoreError> {
    random_id()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::groups::Privacy;
    use crate::store::NewComment;
    use crate::store::test_support::{admin_permit, settings, store};

    async fn thread_with_comment(store: &Store) -> (String, String) {
        store
            .create_group("g", &settings("garden", Privacy::Open), None, "a1", 1)
            .await
            .unwrap()
            .unwrap();
        let start = admin_permit(store, "garden", Action::StartThread).await;
        let thread = NewThread {
            id: "t1",
            author_id: "a1",
            title: "Seeds",
            context: "Tomato seeds",
            private: false,
            now: 10,
            attachments: &[],
        };
        store.create_thread(&start, &thread).await.unwrap();
        let participate = admin_permit(store, "garden", Action::Participate).await;
        let comment = NewComment {
            id: "c1",
            thread_id: "t1",
            author_id: "a1",
            reply_to: None,
            body: "Cucumber too",
            now: 11,
            attachments: &[],
        };
        store
            .post_comment(&participate, &comment, &[])
            .await
            .unwrap()
            .unwrap();
        ("t1".into(), "c1".into())
    }

    #[tokio::test]
    async fn a_permit_for_another_action_reads_and_changes_nothing() {
        let (_dir, store) = store().await;
        let (thread, comment) = thread_with_comment(&store).await;
        let members = admin_permit(&store, "garden", Action::ViewMembers).await;
        assert!(matches!(
            store.comments_page(&members, &thread, 0, 25).await,
            Err(StoreError::NotPermitted)
        ));
        assert!(matches!(
            store.delete_thread(&members, &thread, "a1", 12).await,
            Err(StoreError::NotPermitted)
        ));
        assert!(matches!(
            store
                .edit_comment(&members, &comment, "a1", "x", None, 12)
                .await,
            Err(StoreError::NotPermitted)
        ));
        let read = admin_permit(&store, "garden", Action::ViewContent).await;
        assert_eq!(
            store
                .comments_page(&read, &thread, 0, 25)
                .await
                .unwrap()
                .len(),
            1
        );
    }

    #[tokio::test]
    async fn a_deleted_thread_is_purged_with_everything_in_it_once_it_cannot_be_restored() {
        let (_dir, store) = store().await;
        let (thread, _) = thread_with_comment(&store).await;
        let moderate = admin_permit(&store, "garden", Action::Moderate).await;
        assert!(
            store
                .delete_thread(&moderate, &thread, "a1", 100)
                .await
                .unwrap()
        );
        let indexed: i64 = sqlx::query_scalar("SELECT count(*) FROM search_text")
            .fetch_one(store.sqlite())
            .await
            .unwrap();
        assert_eq!(indexed, 0, "search forgets it at once");
        assert_eq!(
            store
                .purge_deleted_threads(100 + PURGE_AFTER_SECS)
                .await
                .unwrap(),
            0
        );
        assert!(store.restore_thread(&moderate, &thread).await.unwrap());
        let indexed: i64 = sqlx::query_scalar("SELECT count(*) FROM search_text")
            .fetch_one(store.sqlite())
            .await
            .unwrap();
        assert_eq!(indexed, 2, "restored with its comment");
        store
            .delete_thread(&moderate, &thread, "a1", 200)
            .await
            .unwrap();
        assert_eq!(
            store
                .purge_deleted_threads(201 + PURGE_AFTER_SECS)
                .await
                .unwrap(),
            1
        );
        for table in [
            "threads",
            "comments",
            "comment_versions",
            "thread_versions",
            "thread_reads",
        ] {
            let left: i64 = sqlx::query_scalar(sql!("SELECT count(*) FROM {table}"))
                .fetch_one(store.sqlite())
                .await
                .unwrap();
            assert_eq!(left, 0, "{table}");
        }
    }

    #[tokio::test]
    async fn reading_adds_to_what_was_read() {
        let (_dir, store) = store().await;
        let (thread, _) = thread_with_comment(&store).await;
        // Posting marks the author's own comment read.
        let read = admin_permit(&store, "garden", Action::ViewContent).await;
        assert_eq!(
            store
                .read_ranges(&read, &thread, "a1")
                .await
                .unwrap()
                .to_string(),
            "1"
        );
        store
            .mark_read(&read, &thread, "a1", &[3, 2], 20)
            .await
            .unwrap();
        assert_eq!(
            store
                .read_ranges(&read, &thread, "a1")
                .await
                .unwrap()
                .to_string(),
            "1-3"
        );
    }
}
