//! Stored renderings of pages anyone may read, served until what they show changes.
//!
//! A page anyone may read, asked for by someone not signed in, is the same for everyone (see
//! `caching`). Its first rendering is kept in memory, with its brotli bytes made once, under the
//! version of what it shows: its family's (a top-level group and its subgroups) and that of
//! everything (people's names). The database raises those versions itself in the transaction of
//! any change to what such a page shows (migration 0023), so every server, however many share
//! the database, sees a change as soon as it is committed. Each request reads the version (one
//! indexed query) before anything else: a stored rendering whose version is not the current one
//! is never sent, and a new one is stored under the version read *before* the page was read, so
//! it is never newer than its key says.
//!
//! Time changes one thing without a write: a poll whose closing time passes is shown closed.
//! A rendering is kept only until the next open poll it may show closes (of its thread, for a
//! thread's or a poll's page; of its family, for a group's).
//!
//! Only GETs of a page with no query, or only `?page=N`, are stored (anything else is rendered
//! each time), at most [`STORED_BYTES`] in all, the oldest going first. `/groups` and `/search`
//! show many families and are rendered each time.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::{Body, Bytes};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;

use crate::store::{ContentVersion, PageSubject, Store, unix_now};

/// How much stored rendering (plain and brotli bytes) is kept in memory at most.
pub const STORED_BYTES: usize = 32 * 1024 * 1024;

/// A rendering larger than this (the printable page of a very long thread) is not stored.
const LARGEST: usize = 2 * 1024 * 1024;

/// The brotli quality a stored page is compressed at, once per version of its content: one
/// step above the quality pages rendered each time get (`server::BROTLI_QUALITY`), for about 9 %
/// fewer bytes at 0.2 ms more, once (the scale benchmark prints each quality's cost).
pub const STORED_BROTLI_QUALITY: i32 = 5;

/// A stored rendering.
pub struct Stored {
    /// The family whose version it was rendered at: a thread moved to another group is of
    /// another family, whose version may by chance be the same number.
    family: Option<String>,
    version: ContentVersion,
    /// The rendering is stale from this time (a poll it shows as open closes then).
    fresh_until: Option<i64>,
    headers: HeaderMap,
    plain: Bytes,
    brotli: Bytes,
}

impl Stored {
    fn size(&self) -> usize {
        self.plain.len() + self.brotli.len()
    }
}

/// What to do with a request: send a stored rendering, or render the page (and store it).
pub enum Lookup {
    /// Not a page that is stored: render it as usual.
    Pass,
    Hit(Arc<Stored>),
    /// Render it, then [`StoredPages::keep`] the rendering.
    Miss(Pending),
}

/// A rendering to store: under which address and version, read before the page was.
pub struct Pending {
    key: String,
    /// What the page is about (`/t/<id>` is about thread `<id>`), by its address.
    path: String,
    family: Option<String>,
    version: ContentVersion,
    asked_at: i64,
}

#[derive(Default)]
struct Kept {
    map: HashMap<String, Arc<Stored>>,
    order: VecDeque<String>,
    bytes: usize,
}

/// The stored renderings of one server.
#[derive(Default)]
pub struct StoredPages {
    kept: Mutex<Kept>,
}

impl std::fmt::Debug for StoredPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.kept();
        f.debug_struct("StoredPages")
            .field("pages", &kept.map.len())
            .field("bytes", &kept.bytes)
            .finish()
    }
}

/// What a stored page's address is about, when its rendering may be stored.
fn subject(path: &str) -> Option<PageSubject<'_>> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    Some(match segments.as_slice() {
        [""]
        | ["accessibility"]
        | ["privacy"]
        | ["privacy", "facts"]
        | ["design"]
        | ["design", "components"] => PageSubject::Nothing,
        ["t", id]
        | ["t", id, "history"]
        | ["t", id, "print"]
        | ["t", id, "comments", _, "history"] => PageSubject::Thread(id),
        ["p", id] => PageSubject::Poll(id),
        ["g", handle] | ["g", handle, "threads"] | ["g", handle, "subgroups"] => {
            PageSubject::Group(handle)
        }
        _ => return None,
    })
}

/// No query, or only a page number: the addresses whose renderings are stored.
fn plain_query(query: Option<&str>) -> bool {
    match query {
        None | Some("") => true,
        Some(query) => query.strip_prefix("page=").is_some_and(|n| {
            !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit())
        }),
    }
}

impl StoredPages {
    fn kept(&self) -> MutexGuard<'_, Kept> {
        // An entry and its size are written together, so a lock poisoned by a panic elsewhere
        // holds nothing half-written.
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a request for `uri`, a GET of a page anyone may read from someone not signed in, can be
    /// answered from storage, should be stored once rendered, or neither.
    pub async fn look_up(&self, store: &Store, method: &Method, uri: &Uri) -> Lookup {
        if method != Method::GET || !plain_query(uri.query()) {
            return Lookup::Pass;
        }
        let path = uri.path();
        let Some(subject) = subject(path) else {
            return Lookup::Pass;
        };
        let asked_at = unix_now();
        let found = match store.page_version(subject).await {
            Ok(Some(found)) => found,
            // No such thread, poll or group: the page says so itself.
            Ok(None) => return Lookup::Pass,
            Err(error) => {
                tracing::debug!(cause = %error, "the version of a public page could not be read: rendered instead");
                return Lookup::Pass;
            }
        };
        let key = uri.to_string();
        if let Some(stored) = self.kept().map.get(&key)
            && stored.family == found.family
            && stored.version == found.version
            && stored.fresh_until.is_none_or(|until| asked_at < until)
        {
            return Lookup::Hit(stored.clone());
        }
        Lookup::Miss(Pending {
            key,
            path: path.to_string(),
            family: found.family,
            version: found.version,
            asked_at,
        })
    }

    /// Stores `response`, the rendering `pending` waited for, when it is a shared page, and
    /// sends it as a stored one is.
    pub async fn keep(
        &self,
        store: &Store,
        metrics: &crate::metrics::Metrics,
        pending: Pending,
        response: Response,
        request_headers: &HeaderMap,
    ) -> Response {
        let (parts, body) = response.into_parts();
        let plain = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => bytes,
            Err(error) => {
                tracing::error!(cause = %error, "a page's body could not be read to store it");
                return axum::response::IntoResponse::into_response(
                    crate::pages::AppError::Internal(anyhow::anyhow!("unreadable page body")),
                );
            }
        };
        let subject = subject(&pending.path).unwrap_or(PageSubject::Nothing);
        let fresh_until = match &pending.family {
            Some(family) => match store
                .next_poll_closing(subject, family, pending.asked_at)
                .await
            {
                Ok(until) => until,
                Err(error) => {
                    tracing::debug!(cause = %error, "when the next poll closes could not be read: the page is not stored");
                    return Response::from_parts(parts, Body::from(plain));
                }
            },
            None => None,
        };
        let brotli = Bytes::from(crate::assets::brotli_of(&plain, STORED_BROTLI_QUALITY));
        let mut headers = parts.headers;
        headers.remove(header::CONTENT_LENGTH);
        let stored = Arc::new(Stored {
            family: pending.family,
            version: pending.version,
            fresh_until,
            headers,
            plain,
            brotli,
        });
        if stored.size() <= LARGEST {
            self.insert(pending.key, stored.clone());
            metrics.record_stored("stored");
        }
        answer(&stored, request_headers)
    }

    fn insert(&self, key: String, stored: Arc<Stored>) {
        let mut kept = self.kept();
        let size = stored.size();
        match kept.map.insert(key.clone(), stored) {
            Some(old) => kept.bytes = kept.bytes.saturating_sub(old.size()),
            None => kept.order.push_back(key),
        }
        kept.bytes += size;
        while kept.bytes > STORED_BYTES {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some(old) = kept.map.remove(&oldest) {
                kept.bytes = kept.bytes.saturating_sub(old.size());
            }
        }
    }
}

/// A stored rendering as a response: its brotli bytes to a browser that takes them, else the
/// page itself (which the compression layer may still compress as it would any page).
pub fn answer(stored: &Stored, request_headers: &HeaderMap) -> Response {
    let brotli = super::assets::accepts(request_headers, "br");
    let body = if brotli {
        stored.brotli.clone()
    } else {
        stored.plain.clone()
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::OK;
    *response.headers_mut() = stored.headers.clone();
    if brotli {
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_pages_of_one_subject_with_at_most_a_page_number_are_stored() {
        assert!(matches!(subject("/"), Some(PageSubject::Nothing)));
        assert!(matches!(
            subject("/t/abc"),
            Some(PageSubject::Thread("abc"))
        ));
        assert!(matches!(
            subject("/t/abc/comments/def/history"),
            Some(PageSubject::Thread("abc"))
        ));
        assert!(matches!(subject("/p/abc"), Some(PageSubject::Poll("abc"))));
        assert!(matches!(
            subject("/g/garden/threads"),
            Some(PageSubject::Group("garden"))
        ));
        for path in [
            "/groups",
            "/search",
            "/t/abc/edit",
            "/g/garden/members",
            "/dashboard",
        ] {
            assert!(subject(path).is_none(), "{path}");
        }
        assert!(plain_query(None));
        assert!(plain_query(Some("page=3")));
        for query in [
            "page=",
            "page=3&x=1",
            "done=commented",
            "page=-1",
            "page=12345678",
        ] {
            assert!(!plain_query(Some(query)), "{query}");
        }
    }

    fn stored(size: usize) -> Arc<Stored> {
        Arc::new(Stored {
            family: None,
            version: ContentVersion {
                family: 1,
                everywhere: 0,
            },
            fresh_until: None,
            headers: HeaderMap::new(),
            plain: Bytes::from(vec![b'a'; size]),
            brotli: Bytes::new(),
        })
    }

    #[test]
    fn the_oldest_renderings_go_first_when_the_store_is_full() {
        let pages = StoredPages::default();
        let third = STORED_BYTES / 3 + 1;
        pages.insert("/t/a".into(), stored(third));
        pages.insert("/t/b".into(), stored(third));
        // A new version of the same page replaces it in place.
        pages.insert("/t/a".into(), stored(third));
        assert_eq!(pages.kept().bytes, 2 * third);
        pages.insert("/t/c".into(), stored(third));
        let kept = pages.kept();
        assert!(!kept.map.contains_key("/t/a"));
        assert!(kept.map.contains_key("/t/b") && kept.map.contains_key("/t/c"));
        assert_eq!(kept.bytes, 2 * third);
    }
}
