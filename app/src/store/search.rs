//! Search of threads and comments by words, within what the searcher may read.
//!
//! SQLite's FTS5 keeps the plain text of each thread and comment (`search_text`), written in
//! the same transactions as the content. The permission rule is part of the one query: a hit
//! counts only when its thread is not deleted and is either public in an open group or in a
//! group the searcher is a member of, so no hit the searcher may not read is ever counted or
//! shown. On PostgreSQL the same function would match a `tsvector` column with
//! `websearch_to_tsquery` and rank with `ts_rank`, and cut excerpts with `ts_headline`.

use super::{Store, StoreError};

/// Marks the start and end of a matched word in an excerpt (control characters, which stored
/// text never holds as markup, so the page can escape the rest and highlight between them).
pub const MATCH_START: char = '\u{2}';
pub const MATCH_END: char = '\u{3}';

/// One thread or comment that matched.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SearchHit {
    pub thread_id: String,
    /// Empty when the thread itself matched.
    pub comment_id: String,
    pub thread_title: String,
    pub group_name: String,
    pub group_handle: String,
    /// Plain text around the match, with matched words between [`MATCH_START`] and
    /// [`MATCH_END`].
    pub excerpt: String,
    pub author_name: String,
    pub at: i64,
}

/// Where the search looks.
#[derive(Debug, Clone, Copy)]
pub struct SearchScope<'a> {
    /// The signed-in searcher, if any.
    pub reader: Option<&'a str>,
    /// Only this group (by handle), when given.
    pub group_handle: Option<&'a str>,
}

const SEARCH_FROM: &str = "FROM search_text s \
    JOIN threads t ON t.id = s.thread_id AND t.deleted_at IS NULL \
    JOIN groups g ON g.id = t.group_id \
    LEFT JOIN comments c ON c.id = s.comment_id AND s.comment_id <> '' \
    LEFT JOIN accounts a ON a.id = CASE WHEN s.comment_id = '' THEN t.author_id ELSE c.author_id END \
    WHERE search_text MATCH ?1 \
    AND ((g.privacy = 'open' AND t.private = 0) OR EXISTS \
        (SELECT 1 FROM memberships m WHERE m.group_id = g.id AND m.account_id = ?2)) \
    AND (?3 = '' OR g.handle = ?3)";

impl Store {
    /// The threads and comments matching every one of `words` that the searcher may read,
    /// best first, `limit` from `offset`; and how many there are in all.
    pub async fn search(
        &self,
        scope: SearchScope<'_>,
        words: &[String],
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<SearchHit>, i64), StoreError> {
        if words.is_empty() {
            return Ok((Vec::new(), 0));
        }
        // Each word quoted: the words hold only letters and digits, so nothing typed can be
        // read as search syntax.
        let query = words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" ");
        let reader = scope.reader.unwrap_or_default();
        let group = scope.group_handle.unwrap_or_default();
        let hits = sqlx::query_as(sql!(
            "SELECT s.thread_id, s.comment_id, t.title AS thread_title, g.name AS group_name, \
             g.handle AS group_handle, \
             snippet(search_text, -1, char(2), char(3), '\u{2026}', 24) AS excerpt, \
             COALESCE(a.display_name, 'Deleted account') AS author_name, \
             COALESCE(c.created_at, t.created_at) AS at \
             {SEARCH_FROM} ORDER BY rank LIMIT ?4 OFFSET ?5"
        ))
        .bind(&query)
        .bind(reader)
        .bind(group)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let total = sqlx::query_scalar(sql!("SELECT count(*) {SEARCH_FROM}"))
            .bind(&query)
            .bind(reader)
            .bind(group)
            .fetch_one(&self.pool)
            .await?;
        Ok((hits, total))
    }
}
