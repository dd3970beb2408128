//! Comments and replies (one level), their versions, reactions, and the mentions that send
//! email.
//!
//! Reading order is `(root_seq, seq)`: comments in the order posted, each followed by its
//! replies, so a page of a thread is one range of an index. A deleted comment that has replies
//! stays as a blank placeholder so that the replies keep their place; one without replies is
//! removed, and so is a placeholder whose last reply goes.

use super::Conn;

use super::groups::{About, group_of, record_activity};
use super::threads::{mark_read_in, read_scope};
use super::{Store, StoreError};
use crate::domain::permissions::{Action, Permit};
use crate::domain::threads::{Reaction, ReadRanges};

/// A comment as shown, with its author's name (and for a reply, its parent's author's) looked
/// up now.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Comment {
    pub id: String,
    pub thread_id: String,
    pub seq: i64,
    pub root_seq: i64,
    pub parent_id: Option<String>,
    pub parent_author_name: Option<String>,
    pub author_id: Option<String>,
    pub author_name: String,
    pub body: String,
    pub version: i64,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
}

/// A thread's comments counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct CommentTotals {
    /// Places in reading order: comments, and placeholders of deleted ones.
    pub places: i64,
    /// Comments not deleted.
    pub comments: i64,
    /// Characters in the comments not deleted.
    pub text_length: i64,
}

/// How many of one reaction a comment has, and whether the reader gave it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReactionCount {
    pub comment_id: String,
    pub kind: String,
    pub count: i64,
    pub mine: bool,
}

/// A member's name and mention handle, for the hint under a comment box.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberHandle {
    pub name: String,
    pub handle: String,
}

/// A new comment or reply.
#[derive(Debug, Clone)]
pub struct NewComment<'a> {
    pub id: &'a str,
    pub thread_id: &'a str,
    pub author_id: &'a str,
    /// The comment replied to; a reply to a reply joins its parent's replies.
    pub reply_to: Option<&'a str>,
    pub body: &'a str,
    pub now: i64,
    /// Pending files of the author's that the comment takes, with their text alternatives.
    pub attachments: &'a [super::Claim],
}

/// Why a comment could not be posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentProblem {
    /// The thread was closed (or deleted) in the meantime.
    ThreadClosed,
    /// The comment replied to was deleted in the meantime.
    ParentGone,
}

/// How many stretches of unread comment numbers a search for the first unread looks at: each
/// is two bound values, well within SQLite's limit.
const UNREAD_STRETCHES: usize = 400;

const COMMENT: &str = "SELECT c.id, c.thread_id, c.seq, c.root_seq, c.parent_id, \
    CASE WHEN c.parent_id IS NULL OR p.deleted_at IS NOT NULL THEN NULL \
    ELSE COALESCE(pa.display_name, 'Deleted account') END AS parent_author_name, \
    c.author_id, COALESCE(a.display_name, 'Deleted account') AS author_name, c.body, c.version, \
    c.created_at, c.edited_at, c.deleted_at IS NOT NULL AS deleted \
    FROM comments c JOIN threads t ON t.id = c.thread_id \
    LEFT JOIN accounts a ON a.id = c.author_id \
    LEFT JOIN comments p ON p.id = c.parent_id LEFT JOIN accounts pa ON pa.id = p.author_id";

/// The part of every read that keeps it inside what the permit may read (binds: group, whether
/// private threads too).
const IN_SCOPE: &str = "t.group_id = ? AND (NOT t.private OR ?) AND t.deleted_at IS NULL";

/// The condition of a comment of the thread, not deleted, whose number falls in one of
/// `stretches` unread stretches, within what the permit reads. Bound by `bind_unread!`.
fn unread_filter(stretches: usize) -> String {
    let within = vec!["(c.seq BETWEEN ? AND ?)"; stretches].join(" OR ");
    format!("c.thread_id = ? AND c.deleted_at IS NULL AND ({within}) AND {IN_SCOPE}")
}

/// Binds the values of [`unread_filter`] to `query`, in its order: the thread, each stretch's
/// first and last number, then the read scope.
macro_rules! bind_unread {
    ($query:expr, $thread_id:expr, $gaps:expr, $scope:expr) => {{
        let mut query = $query.bind($thread_id);
        for (first, last) in $gaps {
            query = query.bind(*first).bind(*last);
        }
        query.bind($scope.0).bind($scope.1)
    }};
}

impl Store {
    /// Comments of a thread in reading order, `limit` of them from `offset`.
    pub async fn comments_page(
        &self,
        permit: &Permit,
        thread_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Comment>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(sqlx::query_as(sql!(
            "{COMMENT} WHERE c.thread_id = ? AND {IN_SCOPE} ORDER BY c.root_seq, c.seq LIMIT ? OFFSET ?"
        ))
        .bind(thread_id)
        .bind(group_id)
        .bind(private_too)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?)
        })
    }

    /// How many places a thread's comments take and how many comments it has, and the length
    /// of their text.
    pub async fn comment_total(
        &self,
        permit: &Permit,
        thread_id: &str,
    ) -> Result<CommentTotals, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(sqlx::query_as(sql!(
                "SELECT count(*) AS places, \
                 COALESCE(sum(CASE WHEN c.deleted_at IS NULL THEN 1 ELSE 0 END), 0) AS comments, \
                 COALESCE(sum(CASE WHEN c.deleted_at IS NULL THEN length(c.body) ELSE 0 END), 0) AS text_length \
                 FROM comments c JOIN threads t ON t.id = c.thread_id WHERE c.thread_id = ? AND {IN_SCOPE}"
            ))
            .bind(thread_id)
            .bind(group_id)
            .bind(private_too)
            .fetch_one(pool)
            .await?)
        })
    }

    /// One comment of the permit's group, placeholders included.
    pub async fn comment(
        &self,
        permit: &Permit,
        comment_id: &str,
    ) -> Result<Option<Comment>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(
                sqlx::query_as(sql!("{COMMENT} WHERE c.id = ? AND {IN_SCOPE}"))
                    .bind(comment_id)
                    .bind(group_id)
                    .bind(private_too)
                    .fetch_optional(pool)
                    .await?,
            )
        })
    }

    /// How many comments come before `comment` in reading order (to find its page).
    pub async fn comments_before(&self, comment: &Comment) -> Result<i64, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_scalar(
                "SELECT count(*) FROM comments WHERE thread_id = $1 \
             AND (root_seq < $2 OR (root_seq = $3 AND seq < $4))",
            )
            .bind(&comment.thread_id)
            .bind(comment.root_seq)
            .bind(comment.root_seq)
            .bind(comment.seq)
            .fetch_one(pool)
            .await?)
        })
    }

    /// How many comments of a thread the reader has not seen (looking at most at the first
    /// [`UNREAD_STRETCHES`] unread stretches); deleted comments are not counted.
    pub async fn unread_count(
        &self,
        permit: &Permit,
        thread_id: &str,
        comment_seq: i64,
        ranges: &ReadRanges,
    ) -> Result<i64, StoreError> {
        on_engine!(self, |pool| {
            let scope = read_scope(permit)?;
            let gaps = ranges.gaps(comment_seq, UNREAD_STRETCHES);
            if gaps.is_empty() {
                return Ok(0);
            }
            let filter = unread_filter(gaps.len());
            let query = sqlx::query_scalar(sql!(
                "SELECT count(*) FROM comments c JOIN threads t ON t.id = c.thread_id WHERE {filter}"
            ));
            let query = bind_unread!(query, thread_id, &gaps, scope);
            Ok(query.fetch_one(pool).await?)
        })
    }

    /// The first comment in reading order that the reader has not seen.
    pub async fn first_unread(
        &self,
        permit: &Permit,
        thread_id: &str,
        comment_seq: i64,
        ranges: &ReadRanges,
    ) -> Result<Option<Comment>, StoreError> {
        on_engine!(self, |pool| {
            let scope = read_scope(permit)?;
            let gaps = ranges.gaps(comment_seq, UNREAD_STRETCHES);
            if gaps.is_empty() {
                return Ok(None);
            }
            let filter = unread_filter(gaps.len());
            let query = sqlx::query_as(sql!(
                "{COMMENT} WHERE {filter} ORDER BY c.root_seq, c.seq LIMIT 1"
            ));
            let query = bind_unread!(query, thread_id, &gaps, scope);
            Ok(query.fetch_optional(pool).await?)
        })
    }

    /// Every comment of a thread in reading order (for the printable view).
    pub async fn all_comments(
        &self,
        permit: &Permit,
        thread_id: &str,
    ) -> Result<Vec<Comment>, StoreError> {
        self.comments_page(permit, thread_id, 0, i64::MAX).await
    }

    /// Posts a comment or reply and tells people of it, all in one transaction: the author of
    /// the comment replied to, each member `mentioned` (by handle), and the members who hear of
    /// every comment (once each). The caller wakes the mailer after.
    pub async fn post_comment(
        &self,
        permit: &Permit,
        comment: &NewComment<'_>,
        mentioned: &[String],
    ) -> Result<Result<i64, CommentProblem>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Participate)?;
            write_tx!(pool, |tx| {
                let seq: Option<i64> = sqlx::query_scalar(
                    "UPDATE threads SET comment_seq = comment_seq + 1, last_activity_at = $1 \
             WHERE id = $2 AND group_id = $3 AND deleted_at IS NULL AND closed_at IS NULL \
             RETURNING comment_seq",
                )
                .bind(comment.now)
                .bind(comment.thread_id)
                .bind(group_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(seq) = seq else {
                    return Ok(Err(CommentProblem::ThreadClosed));
                };
                let (parent_id, root_seq) = match comment.reply_to {
                    None => (None, seq),
                    Some(reply_to) => {
                        let parent: Option<(String, i64)> = sqlx::query_as(
                            "SELECT COALESCE(p.parent_id, p.id), p.root_seq FROM comments p \
                     WHERE p.id = $1 AND p.thread_id = $2 AND p.deleted_at IS NULL",
                        )
                        .bind(reply_to)
                        .bind(comment.thread_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                        match parent {
                            Some((id, root)) => (Some(id), root),
                            None => return Ok(Err(CommentProblem::ParentGone)),
                        }
                    }
                };
                sqlx::query(
            "INSERT INTO comments (id, thread_id, seq, root_seq, parent_id, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(comment.id)
        .bind(comment.thread_id)
        .bind(seq)
        .bind(root_seq)
        .bind(&parent_id)
        .bind(comment.author_id)
        .bind(comment.body)
        .bind(comment.now)
        .execute(&mut *tx)
        .await?;
                sqlx::query(
            "INSERT INTO comment_versions (comment_id, version, body, editor_id, at) VALUES ($1, 1, $2, $3, $4)",
        )
        .bind(comment.id)
        .bind(comment.body)
        .bind(comment.author_id)
        .bind(comment.now)
        .execute(&mut *tx)
        .await?;
                super::attachments::claim_in(
                    Conn::from(&mut *tx),
                    group_id,
                    comment.author_id,
                    super::Owner::Comment {
                        thread: comment.thread_id,
                        comment: comment.id,
                    },
                    comment.attachments,
                    None,
                )
                .await?;
                let alt = super::attachments::search_words(comment.attachments);
                let words = if alt.is_empty() {
                    std::borrow::Cow::Borrowed(comment.body)
                } else {
                    std::borrow::Cow::Owned(format!("{}\n{alt}", comment.body))
                };
                super::search::index_comment(
                    Conn::from(&mut *tx),
                    comment.thread_id,
                    comment.id,
                    &words,
                )
                .await?;
                record_activity(
                    Conn::from(&mut *tx),
                    group_id,
                    comment.author_id,
                    "comment",
                    About::Comment {
                        thread: comment.thread_id,
                        comment: comment.id,
                    },
                    comment.now,
                )
                .await?;
                mark_read_in(
                    Conn::from(&mut *tx),
                    comment.thread_id,
                    comment.author_id,
                    &[seq],
                    comment.now,
                )
                .await?;
                tell_of_comment(Conn::from(&mut *tx), group_id, comment, mentioned).await?;
                tx.commit().await?;
                Ok(Ok(seq))
            })
        })
    }

    /// Saves a new text for a comment as its next version: with an `EditOwnComments` permit
    /// only the person's own, with `EditMembersContent` anyone's. `None` when the comment is
    /// not one the permit reaches, is deleted, or its thread is closed.
    pub async fn edit_comment(
        &self,
        permit: &Permit,
        comment_id: &str,
        editor_id: &str,
        body: &str,
        attachments: Option<&[super::Claim]>,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, own_only) = if permit.is_for(Action::EditMembersContent) {
                (permit.group_id(), false)
            } else {
                (group_of(permit, Action::EditOwnComments)?, true)
            };
            write_tx!(pool, |tx| {
                let edited: Option<(i64, String)> = sqlx::query_as(
            "UPDATE comments SET body = $1, version = version + 1, edited_at = $2 \
             WHERE id = $3 AND deleted_at IS NULL AND (NOT $4 OR author_id = $5) \
             AND thread_id IN (SELECT id FROM threads WHERE group_id = $6 AND deleted_at IS NULL AND closed_at IS NULL) \
             RETURNING version, thread_id",
        )
        .bind(body)
        .bind(now)
        .bind(comment_id)
        .bind(own_only)
        .bind(editor_id)
        .bind(group_id)
        .fetch_optional(&mut *tx)
        .await?;
                let Some((version, thread_id)) = edited else {
                    return Ok(None);
                };
                sqlx::query(
            "INSERT INTO comment_versions (comment_id, version, body, editor_id, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(comment_id)
        .bind(version)
        .bind(body)
        .bind(editor_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
                if let Some(claims) = attachments {
                    super::attachments::claim_in(
                        Conn::from(&mut *tx),
                        group_id,
                        editor_id,
                        super::Owner::Comment {
                            thread: &thread_id,
                            comment: comment_id,
                        },
                        claims,
                        Some(now),
                    )
                    .await?;
                }
                let alt = super::attachments::alt_words_in(
                    Conn::from(&mut *tx),
                    &thread_id,
                    Some(comment_id),
                )
                .await?;
                let words = if alt.is_empty() {
                    body.to_string()
                } else {
                    format!("{body}\n{alt}")
                };
                super::search::index_comment(Conn::from(&mut *tx), &thread_id, comment_id, &words)
                    .await?;
                tx.commit().await?;
                Ok(Some(version))
            })
        })
    }

    /// Every version of a comment, newest first (placeholders have none left).
    pub async fn comment_versions(
        &self,
        permit: &Permit,
        comment_id: &str,
    ) -> Result<Vec<Version>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            Ok(sqlx::query_as(sql!(
                "SELECT v.version, '' AS title, v.body, \
             COALESCE(a.display_name, 'Deleted account') AS editor_name, v.at \
             FROM comment_versions v JOIN comments c ON c.id = v.comment_id \
             JOIN threads t ON t.id = c.thread_id LEFT JOIN accounts a ON a.id = v.editor_id \
             WHERE v.comment_id = ? AND {IN_SCOPE} ORDER BY v.version DESC"
            ))
            .bind(comment_id)
            .bind(group_id)
            .bind(private_too)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Deletes a comment: with a `DeleteOwnComments` permit only the person's own, with
    /// `Moderate` anyone's. Its words, versions and reactions go; a placeholder stays where
    /// replies hang. Whether it was deleted.
    pub async fn delete_comment(
        &self,
        permit: &Permit,
        comment_id: &str,
        actor_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, own_only) = if permit.is_for(Action::Moderate) {
                (permit.group_id(), false)
            } else {
                (group_of(permit, Action::DeleteOwnComments)?, true)
            };
            write_tx!(pool, |tx| {
                let target: Option<(Option<String>, bool)> = sqlx::query_as(
            "SELECT c.parent_id, EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = c.id) \
             FROM comments c JOIN threads t ON t.id = c.thread_id \
             WHERE c.id = $1 AND c.deleted_at IS NULL AND t.group_id = $2 AND t.deleted_at IS NULL \
             AND (NOT $3 OR c.author_id = $4)",
        )
        .bind(comment_id)
        .bind(group_id)
        .bind(own_only)
        .bind(actor_id)
        .fetch_optional(&mut *tx)
        .await?;
                let Some((parent_id, has_replies)) = target else {
                    return Ok(false);
                };
                if has_replies {
                    sqlx::query("UPDATE comments SET body = '', deleted_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(comment_id)
                        .execute(&mut *tx)
                        .await?;
                    for table in ["comment_versions", "reactions"] {
                        sqlx::query(sql!("DELETE FROM {table} WHERE comment_id = ?"))
                            .bind(comment_id)
                            .execute(&mut *tx)
                            .await?;
                    }
                } else {
                    sqlx::query("DELETE FROM comments WHERE id = $1")
                        .bind(comment_id)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("DELETE FROM search_text WHERE comment_id = $1")
                    .bind(comment_id)
                    .execute(&mut *tx)
                    .await?;
                if let Some(parent_id) = parent_id {
                    sqlx::query(
                        "DELETE FROM comments WHERE id = $1 AND deleted_at IS NOT NULL \
                 AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = $2)",
                    )
                    .bind(&parent_id)
                    .bind(&parent_id)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(true)
            })
        })
    }

    /// Gives a reaction, or takes it back when the person had given it. Whether the comment
    /// could take it (not deleted, thread open).
    pub async fn toggle_reaction(
        &self,
        permit: &Permit,
        comment_id: &str,
        account_id: &str,
        reaction: Reaction,
        now: i64,
    ) -> Result<bool, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Participate)?;
            write_tx!(pool, |tx| {
                let open: Option<(i64, Option<String>, String)> = sqlx::query_as(
                    "SELECT c.seq, c.author_id, c.thread_id FROM comments c JOIN threads t ON t.id = c.thread_id \
             WHERE c.id = $1 AND c.deleted_at IS NULL AND t.group_id = $2 \
             AND t.deleted_at IS NULL AND t.closed_at IS NULL",
                )
                .bind(comment_id)
                .bind(group_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((_, author, thread_id)) = open else {
                    return Ok(false);
                };
                let removed = sqlx::query(
                    "DELETE FROM reactions WHERE comment_id = $1 AND account_id = $2 AND kind = $3",
                )
                .bind(comment_id)
                .bind(account_id)
                .bind(reaction.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if removed == 0 {
                    sqlx::query(
                "INSERT INTO reactions (comment_id, account_id, kind, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(comment_id)
            .bind(account_id)
            .bind(reaction.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
                    // Taking a reaction back and giving it again tells its author once.
                    let told_before: Option<String> = sqlx::query_scalar(
                        "SELECT id FROM notifications WHERE comment_id = $1 AND actor_id = $2 \
                         AND kind = 'reaction' LIMIT 1",
                    )
                    .bind(comment_id)
                    .bind(account_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let people: Vec<String> = author
                        .into_iter()
                        .filter(|_| told_before.is_none())
                        .collect();
                    super::notifications::notify_in(
                        Conn::from(&mut *tx),
                        &super::notifications::Event::new(
                            crate::notify::Kind::Reaction,
                            group_id,
                            now,
                        )
                        .by(account_id)
                        .thread(&thread_id)
                        .comment(comment_id)
                        .to(super::notifications::Audience::People(&people)),
                    )
                    .await?;
                }
                tx.commit().await?;
                Ok(true)
            })
        })
    }

    /// The reactions to the comments `comment_ids` (all of one thread the permit reads).
    pub async fn reactions(
        &self,
        permit: &Permit,
        comment_ids: &[String],
        reader: Option<&str>,
    ) -> Result<Vec<ReactionCount>, StoreError> {
        on_engine!(self, |pool| {
            let (group_id, private_too) = read_scope(permit)?;
            if comment_ids.is_empty() {
                return Ok(Vec::new());
            }
            let places = vec!["?"; comment_ids.len()].join(", ");
            let mut query = sqlx::query_as(sql!(
            "SELECT r.comment_id, r.kind, count(*) AS count, \
             max(CASE WHEN r.account_id = ? THEN 1 ELSE 0 END) = 1 AS mine \
             FROM reactions r JOIN comments c ON c.id = r.comment_id JOIN threads t ON t.id = c.thread_id \
             WHERE r.comment_id IN ({places}) AND {IN_SCOPE} GROUP BY r.comment_id, r.kind"
        ))
        .bind(reader.unwrap_or_default());
            for id in comment_ids {
                query = query.bind(id);
            }
            Ok(query
                .bind(group_id)
                .bind(private_too)
                .fetch_all(pool)
                .await?)
        })
    }

    /// The members of the group who can be mentioned, by name.
    pub async fn member_handles(&self, permit: &Permit) -> Result<Vec<MemberHandle>, StoreError> {
        on_engine!(self, |pool| {
            let group_id = group_of(permit, Action::Participate)?;
            Ok(sqlx::query_as(
            "SELECT a.display_name AS name, a.handle FROM memberships m JOIN accounts a ON a.id = m.account_id \
             WHERE m.group_id = $1 AND a.handle IS NOT NULL AND a.display_name IS NOT NULL \
             ORDER BY lower(a.display_name) LIMIT 200",
        )
        .bind(group_id)
        .fetch_all(pool)
        .await?)
        })
    }
}

use super::threads::Version;

/// Tells of a new comment: a reply to its parent's author, a mention to each member named, and
/// the news to every member who hears of all comments; each person once, in that order.
async fn tell_of_comment(
    mut conn: Conn<'_>,
    group_id: &str,
    comment: &NewComment<'_>,
    mentioned: &[String],
) -> Result<(), StoreError> {
    use super::notifications::{Audience, Event, notify_in};
    use crate::notify::Kind;
    let event = |kind| {
        Event::new(kind, group_id, comment.now)
            .by(comment.author_id)
            .thread(comment.thread_id)
            .comment(comment.id)
    };
    if let Some(reply_to) = comment.reply_to {
        let author: Option<String> = on_conn!(conn.reborrow(), |c| {
            sqlx::query_scalar("SELECT author_id FROM comments WHERE id = $1")
                .bind(reply_to)
                .fetch_optional(&mut *c)
                .await?
                .flatten()
        });
        if let Some(author) = author {
            let people = [author];
            notify_in(
                conn.reborrow(),
                &event(Kind::Reply).to(Audience::People(&people)),
            )
            .await?;
        }
    }
    if !mentioned.is_empty() {
        let places = vec!["?"; mentioned.len()].join(", ");
        let statement = sql!("SELECT id FROM accounts WHERE handle IN ({places})");
        let people: Vec<String> = on_conn!(conn.reborrow(), |c| {
            let mut query = sqlx::query_scalar(statement);
            for handle in mentioned {
                query = query.bind(handle);
            }
            query.fetch_all(&mut *c).await?
        });
        notify_in(
            conn.reborrow(),
            &event(Kind::Mention).to(Audience::People(&people)),
        )
        .await?;
    }
    notify_in(conn, &event(Kind::NewComment)).await?;
    Ok(())
}
