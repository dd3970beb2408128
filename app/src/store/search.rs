//! Search of threads and comments by words, within what the searcher may read.
//!
//! `search_text` keeps the plain text of each thread and comment, written in the same
//! transactions as the content: an FTS5 table on SQLite, a table with a `tsvector` column and a
//! GIN index on PostgreSQL. Matching, ranking and excerpts are the one place where the engines'
//! SQL differs ([`FullText`]); the permission rule is shared and part of the one query: a hit
//! counts only when its thread is not deleted and is either public in an open group or in a
//! group the searcher is a member of, so no hit the searcher may not read is ever counted or
//! shown.

use super::{Conn, Store, StoreError};
use crate::domain::markdown;

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

/// Where a hit comes from and whether the searcher may read it: the same on both engines.
/// `?2` binds the searcher, `?3` the group handle or "".
const SEARCH_JOINS: &str = "FROM search_text s \
    JOIN threads t ON t.id = s.thread_id AND t.deleted_at IS NULL \
    JOIN groups g ON g.id = t.group_id \
    LEFT JOIN comments c ON c.id = s.comment_id AND s.comment_id <> '' \
    LEFT JOIN accounts a ON a.id = CASE WHEN s.comment_id = '' THEN t.author_id ELSE c.author_id END";
const SEARCH_READABLE: &str = "((g.privacy = 'open' AND NOT t.private) OR EXISTS \
        (SELECT 1 FROM memberships m WHERE m.group_id = g.id AND m.account_id = ?2)) \
    AND (?3 = '' OR g.handle = ?3)";
const HIT_COLUMNS: &str = "s.thread_id, s.comment_id, t.title AS thread_title, \
    g.name AS group_name, g.handle AS group_handle, \
    COALESCE(a.display_name, 'Deleted account') AS author_name, \
    COALESCE(c.created_at, t.created_at) AS at";

/// How each engine matches, ranks and cuts excerpts; `?1` binds the words.
///
/// Ranking reads every row it ranks, so a common word would cost as much as it has matches.
/// Only the newest [`COUNTED_RESULTS`] readable matches are ranked (`found`, read newest first
/// along the index, so reading them stops there), and the page of them is then read again with
/// its excerpts, which cost most: a search costs about the same at any size of data.
struct FullText {
    matches: &'static str,
    excerpt: &'static str,
    best_first: &'static str,
    /// The columns `found` names a match by (and its rank as `score`, where ranking is cheap).
    found: &'static str,
    newest_first: &'static str,
    /// The rows of the page: those of `found` at `?4` from `?5`, best first.
    in_page: &'static str,
}

/// SQLite's FTS5: every word quoted, so nothing typed is read as search syntax. An FTS5 table
/// gives its matches in rowid order (the order they were indexed in) at no cost.
const FTS5: FullText = FullText {
    matches: "search_text MATCH ?1",
    excerpt: "snippet(search_text, -1, char(2), char(3), '\u{2026}', 24)",
    best_first: "rank, s.rowid",
    found: "s.rowid AS hit, rank AS score",
    newest_first: "s.rowid DESC",
    in_page: "s.rowid IN (SELECT hit FROM found ORDER BY score, hit LIMIT ?4 OFFSET ?5)",
};

/// PostgreSQL's `tsvector` (see the migration): `plainto_tsquery` reads the words as plain
/// words that must all be there, and `ts_headline` marks them as `snippet` does.
const TSVECTOR: FullText = FullText {
    matches: "s.document @@ plainto_tsquery('simple', ?1)",
    excerpt: "ts_headline('simple', concat_ws(' ', s.title, s.body), plainto_tsquery('simple', ?1), \
        'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=24, MinWords=12')",
    best_first: "ts_rank(s.document, plainto_tsquery('simple', ?1)) DESC, s.thread_id, s.comment_id",
    // Ranked once cut to the newest: PostgreSQL computes what a query selects before it sorts.
    found: "s.thread_id AS hit_thread, s.comment_id AS hit_comment",
    newest_first: "COALESCE(c.created_at, t.created_at) DESC, s.thread_id, s.comment_id",
    in_page: "(s.thread_id, s.comment_id) IN (SELECT f.hit_thread, f.hit_comment FROM found f \
        JOIN search_text r ON r.thread_id = f.hit_thread AND r.comment_id = f.hit_comment \
        ORDER BY ts_rank(r.document, plainto_tsquery('simple', ?1)) DESC, f.hit_thread, \
        f.hit_comment LIMIT ?4 OFFSET ?5)",
};

/// How many results a search counts at most: past it, the page says there are more, and
/// offers no pages beyond it.
pub const COUNTED_RESULTS: i64 = 1_000;

impl Store {
    /// The threads and comments matching every one of `words` that the searcher may read,
    /// the best of the newest [`COUNTED_RESULTS`] first, `limit` from `offset`; and how many
    /// there are in all, counted up to one more than [`COUNTED_RESULTS`].
    pub async fn search(
        &self,
        scope: SearchScope<'_>,
        words: &[String],
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<SearchHit>, i64), StoreError> {
        on_engine!(self, |pool| {
            if words.is_empty() {
                return Ok((Vec::new(), 0));
            }
            let (full_text, query) = match self.pool {
                super::engine::Pool::Sqlite(_) => (
                    FTS5,
                    words
                        .iter()
                        .map(|w| format!("\"{w}\""))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                super::engine::Pool::Postgres(_) => (TSVECTOR, words.join(" ")),
            };
            let FullText {
                matches,
                excerpt,
                best_first,
                found,
                newest_first,
                in_page,
            } = full_text;
            let reader = scope.reader.unwrap_or_default();
            let group = scope.group_handle.unwrap_or_default();
            let hits = sqlx::query_as(sql!(
                "WITH found AS (SELECT {found} {SEARCH_JOINS} \
                 WHERE {matches} AND {SEARCH_READABLE} ORDER BY {newest_first} LIMIT ?6) \
                 SELECT {HIT_COLUMNS}, {excerpt} AS excerpt {SEARCH_JOINS} \
                 WHERE {matches} AND {in_page} ORDER BY {best_first}"
            ))
            .bind(&query)
            .bind(reader)
            .bind(group)
            .bind(limit)
            .bind(offset)
            .bind(COUNTED_RESULTS + 1)
            .fetch_all(pool)
            .await?;
            // Counted up to one past the cap: a common word's every match need not be read
            // to say that there are more than the cap.
            let total = sqlx::query_scalar(sql!(
                "SELECT count(*) FROM (SELECT 1 {SEARCH_JOINS} WHERE {matches} AND {SEARCH_READABLE} \
                 LIMIT ?4) capped"
            ))
            .bind(&query)
            .bind(reader)
            .bind(group)
            .bind(COUNTED_RESULTS + 1)
            .fetch_one(pool)
            .await?;
            Ok((hits, total))
        })
    }
}

/// Puts a thread's own words in the search index (replacing what was there).
pub(super) async fn index_thread(
    conn: Conn<'_>,
    thread_id: &str,
    title: &str,
    context: &str,
) -> Result<(), StoreError> {
    on_conn!(conn, |c| {
        sqlx::query("DELETE FROM search_text WHERE thread_id = $1 AND comment_id = ''")
            .bind(thread_id)
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "INSERT INTO search_text (title, body, thread_id, comment_id) VALUES ($1, $2, $3, '')",
        )
        .bind(title)
        .bind(markdown::plain_text(context, usize::MAX))
        .bind(thread_id)
        .execute(&mut *c)
        .await?;
        Ok(())
    })
}

/// Puts a comment's words in the search index (replacing what was there).
pub(super) async fn index_comment(
    conn: Conn<'_>,
    thread_id: &str,
    comment_id: &str,
    body: &str,
) -> Result<(), StoreError> {
    on_conn!(conn, |c| {
        sqlx::query("DELETE FROM search_text WHERE comment_id = $1")
            .bind(comment_id)
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "INSERT INTO search_text (title, body, thread_id, comment_id) VALUES ('', $1, $2, $3)",
        )
        .bind(markdown::plain_text(body, usize::MAX))
        .bind(thread_id)
        .bind(comment_id)
        .execute(&mut *c)
        .await?;
        Ok(())
    })
}
