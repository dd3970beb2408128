//! Poll results, counted once for each state of the ballots and kept in memory, so that a
//! poll page read a thousand times between two votes counts its ballots once, not a thousand
//! times (10,000 ranked ballots take milliseconds to count).
//!
//! Results are kept under the poll, the version of its options and counting, the number of
//! votes cast in it (`ballot_version`, which a vote raises in the same transaction as its
//! ballot), and whether it is open or closed: the poll row every page loads anyway names all
//! four, so no vote or edit, on this server or another one on the same database, can leave
//! the results shown stale. The key holds no person, and results are only ever read after the
//! page's own permission check. At most [`KEPT`] results are kept; the oldest goes first.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex};

use crate::domain::permissions::Permit;
use crate::domain::polls::tally::{Results, Stage, count_at};
use crate::store::{Poll, Store, StoreError};

/// How many polls' results are kept at once.
const KEPT: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    poll: String,
    options_version: i64,
    ballot_version: i64,
    closed: bool,
}

#[derive(Default)]
struct Kept {
    results: HashMap<Key, Arc<Results>>,
    order: VecDeque<Key>,
}

static KEPT_RESULTS: LazyLock<Mutex<Kept>> = LazyLock::new(Mutex::default);

/// The results of `poll` at `stage`, counted from its current ballots unless they are kept.
/// `read` is the permit the page checked the poll with.
pub async fn results(
    store: &Store,
    read: &Permit,
    poll: &Poll,
    stage: Stage,
    labels: &[String],
) -> Result<Arc<Results>, StoreError> {
    let key = Key {
        poll: poll.id.clone(),
        options_version: poll.options_version,
        ballot_version: poll.ballot_version,
        closed: stage == Stage::Closed,
    };
    if let Some(results) = lock().results.get(&key) {
        return Ok(results.clone());
    }
    let ballots = store.current_ballots(read, &poll.id).await?;
    let results = Arc::new(count_at(stage, &poll.rules, labels, &ballots));
    let mut kept = lock();
    if kept.results.insert(key.clone(), results.clone()).is_none() {
        kept.order.push_back(key);
        while kept.order.len() > KEPT {
            if let Some(oldest) = kept.order.pop_front() {
                kept.results.remove(&oldest);
            }
        }
    }
    Ok(results)
}

/// The kept results; a panic elsewhere while holding the lock leaves nothing half-written (an
/// insert and its order entry are made together), so a poisoned lock is used as it is.
fn lock() -> std::sync::MutexGuard<'static, Kept> {
    KEPT_RESULTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
