//! The versions that stored renderings of pages anyone may read are kept under (migration
//! 0023). The database raises them itself, in the transaction of any change to what a public
//! page shows, so nothing that writes can forget to.

use super::{Store, StoreError};

/// What a page anyone may read is about, found from its address.
#[derive(Debug, Clone, Copy)]
pub enum PageSubject<'a> {
    /// `/t/<id>…`
    Thread(&'a str),
    /// `/p/<id>`
    Poll(&'a str),
    /// `/g/<handle>…`
    Group(&'a str),
    /// A page that shows no group's content (the home and information pages).
    Nothing,
}

/// The state of what a page shows: its family's version and the version of everything (names).
/// Two readings are equal only when nothing the page shows has changed between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentVersion {
    pub family: i64,
    pub everywhere: i64,
}

/// A page's subject, found, with the version of what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageVersion {
    /// The top-level group whose family the page shows; `None` for a page of no group.
    pub family: Option<String>,
    pub version: ContentVersion,
}

/// The statement reading, for the one row `$from … $where` finds, its family, the family's
/// version and the version of everything: `$from` names the row's group `g`. Written out whole
/// at compile time, as it is read on every request for a page anyone may read.
macro_rules! versions_of {
    ($from:literal, $where:literal) => {
        concat!(
            "SELECT COALESCE(g.parent_id, g.id), COALESCE(f.version, 0), \
             COALESCE((SELECT e.version FROM content_versions e WHERE e.family = ''), 0) ",
            $from,
            " LEFT JOIN content_versions f ON f.family = COALESCE(g.parent_id, g.id) ",
            $where
        )
    };
}

impl Store {
    /// The version of what a page about `subject` shows, or `None` when there is no such
    /// thread, poll or group (the page then answers for itself).
    pub async fn page_version(
        &self,
        subject: PageSubject<'_>,
    ) -> Result<Option<PageVersion>, StoreError> {
        let (sql, key) = match subject {
            PageSubject::Thread(id) => (
                versions_of!(
                    "FROM threads t JOIN groups g ON g.id = t.group_id",
                    "WHERE t.id = $1"
                ),
                id,
            ),
            PageSubject::Poll(id) => (
                versions_of!(
                    "FROM polls p JOIN threads t ON t.id = p.thread_id \
                     JOIN groups g ON g.id = t.group_id",
                    "WHERE p.id = $1"
                ),
                id,
            ),
            PageSubject::Group(handle) => {
                (versions_of!("FROM groups g", "WHERE g.handle = $1"), handle)
            }
            PageSubject::Nothing => {
                let everywhere = on_engine!(self, |pool| {
                    let version: Option<i64> = sqlx::query_scalar(
                        "SELECT version FROM content_versions WHERE family = ''",
                    )
                    .fetch_optional(pool)
                    .await?;
                    Ok::<_, StoreError>(version.unwrap_or(0))
                })?;
                return Ok(Some(PageVersion {
                    family: None,
                    version: ContentVersion {
                        family: 0,
                        everywhere,
                    },
                }));
            }
        };
        let row: Option<(String, i64, i64)> = on_engine!(self, |pool| {
            Ok::<_, StoreError>(sqlx::query_as(sql).bind(key).fetch_optional(pool).await?)
        })?;
        Ok(row.map(|(family, version, everywhere)| PageVersion {
            family: Some(family),
            version: ContentVersion {
                family: version,
                everywhere,
            },
        }))
    }

    /// When the next open poll that a page about `subject` may show closes after `now`: the
    /// page may show it as open until then, and closed after, with nothing written in between.
    /// A thread's pages (and a poll's) show the thread's polls; a group's pages, any of its
    /// family's.
    pub async fn next_poll_closing(
        &self,
        subject: PageSubject<'_>,
        family: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let (sql, key) = match subject {
            PageSubject::Nothing => return Ok(None),
            PageSubject::Thread(id) => (
                "SELECT MIN(p.closes_at) FROM polls p \
                 WHERE p.thread_id = $1 AND p.closed_at IS NULL AND p.closes_at > $2",
                id,
            ),
            PageSubject::Poll(id) => (
                "SELECT MIN(o.closes_at) FROM polls p JOIN polls o ON o.thread_id = p.thread_id \
                 WHERE p.id = $1 AND o.closed_at IS NULL AND o.closes_at > $2",
                id,
            ),
            PageSubject::Group(_) => (
                "SELECT MIN(p.closes_at) FROM polls p \
                 JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id \
                 WHERE p.closed_at IS NULL AND p.closes_at > $2 \
                 AND (g.id = $1 OR g.parent_id = $1)",
                family,
            ),
        };
        on_engine!(self, |pool| {
            Ok(sqlx::query_scalar(sql)
                .bind(key)
                .bind(now)
                .fetch_one(pool)
                .await?)
        })
    }
}
