//! Attached files' records (migration 0022). The bytes are in the file storage
//! (`crate::storage`); a row says what they belong to, what they are and who may read them.

use super::engine::Conn;
use super::{Store, StoreError};

/// An attached file as the pages list it and the file routes check it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attachment {
    pub id: String,
    pub group_id: String,
    pub uploader_id: Option<String>,
    pub part: String,
    pub thread_id: Option<String>,
    pub comment_id: Option<String>,
    pub poll_id: Option<String>,
    pub name: String,
    pub file_type: String,
    pub size: i64,
    pub sha256: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub preview_size: Option<i64>,
    pub preview_width: Option<i64>,
    pub preview_height: Option<i64>,
    pub alt: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, group_id, uploader_id, part, thread_id, comment_id, poll_id, name, \
     file_type, size, sha256, width, height, preview_size, preview_width, preview_height, alt, \
     created_at";

impl Attachment {
    /// The storage name of the preview.
    pub fn preview_key(&self) -> String {
        format!("{}.preview", self.id)
    }

    pub fn is_image(&self) -> bool {
        self.preview_size.is_some()
    }

    /// The bytes it takes in its group's quota.
    pub fn weight(&self) -> i64 {
        self.size + self.preview_size.unwrap_or(0)
    }
}

/// A file just stored, waiting in a form not yet posted.
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub id: &'a str,
    pub group_id: &'a str,
    pub uploader_id: &'a str,
    pub thread_id: Option<&'a str>,
    pub name: &'a str,
    pub file_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub image: Option<ImageSizes>,
    pub now: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct ImageSizes {
    pub width: i64,
    pub height: i64,
    pub preview_size: i64,
    pub preview_width: i64,
    pub preview_height: i64,
}

/// A pending file a post takes, with its image's text alternative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub id: String,
    /// `Some("")` for a decorative image, `None` for a file that is not an image.
    pub alt: Option<String>,
}

/// What a post's files belong to, once posted.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    Context { thread: &'a str },
    Comment { thread: &'a str, comment: &'a str },
    Poll { thread: &'a str, poll: &'a str },
    Outcome { thread: &'a str, poll: &'a str },
}

impl<'a> Owner<'a> {
    /// The thread the post is in.
    pub fn thread(&self) -> &'a str {
        match *self {
            Self::Context { thread }
            | Self::Comment { thread, .. }
            | Self::Poll { thread, .. }
            | Self::Outcome { thread, .. } => thread,
        }
    }

    fn columns(&self) -> (&'static str, &str, Option<&str>, Option<&str>) {
        match *self {
            Self::Context { thread } => ("context", thread, None, None),
            Self::Comment { thread, comment } => ("comment", thread, Some(comment), None),
            Self::Poll { thread, poll } => ("poll", thread, None, Some(poll)),
            Self::Outcome { thread, poll } => ("outcome", thread, None, Some(poll)),
        }
    }
}

/// Gives a post its files, in the transaction that writes the post: the uploader's pending files
/// in the group, and the post's own files again (with their new text alternatives and order).
/// With `replace`, the post's files not among `claims` are taken off it (the file job deletes
/// them). Files of anyone else's form, of another post or of another group are left alone.
pub(super) async fn claim_in(
    conn: Conn<'_>,
    group_id: &str,
    uploader_id: &str,
    owner: Owner<'_>,
    claims: &[Claim],
    replace: Option<i64>,
) -> Result<(), StoreError> {
    let (part, thread, comment, poll) = owner.columns();
    let (comment, poll) = (comment.unwrap_or(""), poll.unwrap_or(""));
    on_conn!(conn, |c| {
        if let Some(now) = replace {
            sqlx::query(
                "UPDATE attachments SET removed_at = $1 WHERE part = $2 AND thread_id = $3 \
                 AND COALESCE(comment_id, '') = $4 AND COALESCE(poll_id, '') = $5 \
                 AND removed_at IS NULL",
            )
            .bind(now)
            .bind(part)
            .bind(thread)
            .bind(comment)
            .bind(poll)
            .execute(&mut *c)
            .await?;
        }
        for (position, claim) in claims.iter().enumerate() {
            sqlx::query(
                "UPDATE attachments SET part = $1, thread_id = $2, comment_id = $3, poll_id = $4, \
                 position = $5, alt = CASE WHEN preview_size IS NULL THEN NULL ELSE $6 END, \
                 removed_at = NULL \
                 WHERE id = $7 AND group_id = $8 AND ((part = 'pending' AND uploader_id = $9) \
                 OR (part = $1 AND thread_id = $2 AND COALESCE(comment_id, '') = $10 \
                     AND COALESCE(poll_id, '') = $11))",
            )
            .bind(part)
            .bind(thread)
            .bind((!comment.is_empty()).then_some(comment))
            .bind((!poll.is_empty()).then_some(poll))
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(claim.alt.as_deref())
            .bind(&claim.id)
            .bind(group_id)
            .bind(uploader_id)
            .bind(comment)
            .bind(poll)
            .execute(&mut *c)
            .await?;
        }
        Ok(())
    })
}

/// The words the search index keeps for a post's files: their names and text alternatives.
pub(super) fn search_words(claims: &[Claim]) -> String {
    claims
        .iter()
        .filter_map(|c| c.alt.as_deref())
        .filter(|alt| !alt.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` with the words of its files' text alternatives after it, for the search index.
pub(super) fn with_search_words(text: &str, claims: &[Claim]) -> String {
    let alt = search_words(claims);
    if alt.is_empty() {
        text.to_string()
    } else {
        format!("{text}\n{alt}")
    }
}

/// The text alternatives of a thread's context (`comment` `None`) or of a comment, joined, for
/// re-indexing a post whose files did not change.
pub(super) async fn alt_words_in(
    conn: Conn<'_>,
    thread_id: &str,
    comment_id: Option<&str>,
) -> Result<String, StoreError> {
    let part = if comment_id.is_some() {
        "comment"
    } else {
        "context"
    };
    let alts: Vec<String> = on_conn!(conn, |c| {
        sqlx::query_scalar(
            "SELECT alt FROM attachments WHERE thread_id = $1 AND part = $2 \
             AND COALESCE(comment_id, '') = $3 AND removed_at IS NULL AND alt <> '' \
             ORDER BY position, id",
        )
        .bind(thread_id)
        .bind(part)
        .bind(comment_id.unwrap_or(""))
        .fetch_all(&mut *c)
        .await
    })?;
    Ok(alts.join("\n"))
}

impl Store {
    /// Records a file just stored, pending until a post takes it; returns the record written.
    pub async fn add_pending_attachment(
        &self,
        new: &NewAttachment<'_>,
    ) -> Result<Attachment, StoreError> {
        let image = new.image;
        on_engine!(self, |pool| {
            sqlx::query(
                "INSERT INTO attachments (id, group_id, uploader_id, part, thread_id, name, \
                 file_type, size, sha256, width, height, preview_size, preview_width, \
                 preview_height, created_at) \
                 VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(new.id)
            .bind(new.group_id)
            .bind(new.uploader_id)
            .bind(new.thread_id)
            .bind(new.name)
            .bind(new.file_type)
            .bind(new.size)
            .bind(new.sha256)
            .bind(image.map(|i| i.width))
            .bind(image.map(|i| i.height))
            .bind(image.map(|i| i.preview_size))
            .bind(image.map(|i| i.preview_width))
            .bind(image.map(|i| i.preview_height))
            .bind(new.now)
            .execute(pool)
            .await?;
            Ok::<(), StoreError>(())
        })?;
        Ok(Attachment {
            id: new.id.to_string(),
            group_id: new.group_id.to_string(),
            uploader_id: Some(new.uploader_id.to_string()),
            part: "pending".into(),
            thread_id: new.thread_id.map(str::to_string),
            comment_id: None,
            poll_id: None,
            name: new.name.to_string(),
            file_type: new.file_type.to_string(),
            size: new.size,
            sha256: new.sha256.to_string(),
            width: image.map(|i| i.width),
            height: image.map(|i| i.height),
            preview_size: image.map(|i| i.preview_size),
            preview_width: image.map(|i| i.preview_width),
            preview_height: image.map(|i| i.preview_height),
            alt: None,
            created_at: new.now,
        })
    }

    /// The pending files among `ids` that are `uploader`'s in `group`, in the order asked.
    pub async fn pending_attachments(
        &self,
        group_id: &str,
        uploader_id: &str,
        ids: &[String],
    ) -> Result<Vec<Attachment>, StoreError> {
        let mut found = Vec::new();
        for id in ids {
            let one: Option<Attachment> = on_engine!(self, |pool| {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM attachments WHERE id = $1 AND part = 'pending' \
                     AND uploader_id = $2 AND group_id = $3"
                )))
                .bind(id)
                .bind(uploader_id)
                .bind(group_id)
                .fetch_optional(pool)
                .await
            })?;
            found.extend(one);
        }
        Ok(found)
    }

    /// One file, whatever it belongs to (the caller checks who may read that), unless removed.
    pub async fn attachment(&self, id: &str) -> Result<Option<Attachment>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM attachments WHERE id = $1 AND removed_at IS NULL"
            )))
            .bind(id)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Every posted file of a thread (its context, comments, polls and outcomes), in order.
    pub async fn thread_attachments(&self, thread_id: &str) -> Result<Vec<Attachment>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM attachments WHERE thread_id = $1 AND part <> 'pending' \
                 AND removed_at IS NULL ORDER BY part, position, id"
            )))
            .bind(thread_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The files of one post, in order.
    pub async fn post_attachments(&self, owner: Owner<'_>) -> Result<Vec<Attachment>, StoreError> {
        let (part, thread, comment, poll) = owner.columns();
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM attachments WHERE thread_id = $1 AND part = $2 \
                 AND COALESCE(comment_id, '') = $3 AND COALESCE(poll_id, '') = $4 \
                 AND removed_at IS NULL ORDER BY position, id"
            )))
            .bind(thread)
            .bind(part)
            .bind(comment.unwrap_or(""))
            .bind(poll.unwrap_or(""))
            .fetch_all(pool)
            .await?)
        })
    }

    /// Every posted file of a group and its subgroups, for the group export: only with the
    /// permit of an admin of the group (`EditSettings`).
    pub async fn group_export_files(
        &self,
        permit: &crate::domain::permissions::Permit,
    ) -> Result<Vec<Attachment>, StoreError> {
        if !permit.is_for(crate::domain::permissions::Action::EditSettings) {
            return Err(StoreError::NotPermitted);
        }
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM attachments WHERE part <> 'pending' AND removed_at IS NULL \
                 AND thread_id IN (SELECT id FROM threads WHERE group_id IN \
                     (SELECT id FROM groups WHERE id = $1 OR parent_id = $1)) \
                 ORDER BY created_at, id"
            )))
            .bind(permit.group_id())
            .fetch_all(pool)
            .await?)
        })
    }

    /// The bytes a group's files take, pending ones included.
    pub async fn group_files_usage(&self, group_id: &str) -> Result<i64, StoreError> {
        on_engine!(self, |pool| {
            let used: Option<i64> = sqlx::query_scalar(
                "SELECT CAST(SUM(size + COALESCE(preview_size, 0)) AS BIGINT) FROM attachments \
                 WHERE group_id = $1 AND removed_at IS NULL",
            )
            .bind(group_id)
            .fetch_one(pool)
            .await?;
            Ok(used.unwrap_or(0))
        })
    }

    /// Files whose bytes should go: taken off their post, left pending for a day, or whose
    /// thread, comment or poll is gone (a deleted comment's at once; a thread's once purged).
    pub async fn unwanted_attachments(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<Vec<Attachment>, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM attachments a WHERE a.removed_at IS NOT NULL \
                 OR (a.part = 'pending' AND a.created_at < $1) \
                 OR (a.part <> 'pending' AND NOT EXISTS \
                     (SELECT 1 FROM threads t WHERE t.id = a.thread_id AND t.group_id = a.group_id)) \
                 OR (a.part = 'comment' AND NOT EXISTS \
                     (SELECT 1 FROM comments c WHERE c.id = a.comment_id AND c.deleted_at IS NULL)) \
                 OR (a.part IN ('poll', 'outcome') AND NOT EXISTS \
                     (SELECT 1 FROM polls p WHERE p.id = a.poll_id)) \
                 OR (a.part = 'pending' AND NOT EXISTS \
                     (SELECT 1 FROM groups g WHERE g.id = a.group_id)) \
                 ORDER BY a.created_at LIMIT $2"
            )))
            .bind(now - 24 * 60 * 60)
            .bind(limit)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Forgets a file whose bytes are gone from storage.
    pub async fn forget_attachment(&self, id: &str) -> Result<(), StoreError> {
        on_engine!(self, |pool| {
            sqlx::query("DELETE FROM attachments WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?;
            Ok(())
        })
    }
}
