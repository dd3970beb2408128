//! `quorum seed`: a made-up but realistic data set, the same for the same `--seed`, written
//! into an empty database, for measuring how Quorum behaves at scale (`scripts/bench`).
//!
//! Shapes, at `--scale 1` (each figure times the scale, up to 10):
//! - 1,000 people (`person-00001@example.org`, …), with names and handles, and no passwords:
//!   they sign in by email like anyone else.
//! - 10 groups, a Zipf-like spread: the first holds everyone, the next a third of them, and the
//!   sizes fall off quickly to a long tail of small groups; open, closed and secret ones, and a
//!   fifth of them subgroups (closed or secret) of the large groups, with members of their
//!   parent.
//! - 500 threads, in groups by their size; some private to members. Their 10,000 comments
//!   have a heavy tail: many threads are short or empty, a few are long, and the largest
//!   group's first thread has 240 comments at any scale (the thread page the budgets speak
//!   of). About a third are replies; some are edited (with both versions kept) and some
//!   deleted where replies hang on them, as the store leaves them.
//! - `150 + 50 × scale` polls of every kind, mostly in the large groups, holding 100,000
//!   ballots between them: the largest group's long thread has an open proposal that
//!   everyone voted on and may change (1,000 ballots; 10,000 at scale 10). A fifth are secret ballots, written
//!   as the store casts them (no voter, no time, who voted kept apart, in an order of random
//!   keys); some are closed with an outcome.
//! - The group activity lines and the search index that the same actions in the app leave.
//!
//! Strategy: everything is planned in memory from one seeded generator (ids and times aside:
//! ids are random, times count back from now), then written in one transaction with multi-row
//! inserts ([`crate::store::Bulk`]), so a run that fails leaves nothing behind. A database
//! that holds anyone already is refused, as the data is for empty databases only.

mod people;
mod polls;
mod rng;
mod threads;
mod words;

use std::time::Instant;

use anyhow::bail;
use clap::Args;

use crate::config::Settings;
use crate::store::{Bulk, Store, Value};
use rng::{Ids, Rng};

/// `quorum seed`'s flags.
#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// How much to make: 1 is about 1,000 people, 500 threads, 10,000 comments and 100,000
    /// votes; 10 is ten times as much.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub scale: u32,
    /// Makes the same data set again for the same number.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// `quorum seed`.
pub async fn seed(settings: Settings, args: SeedArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let store = crate::server::open_store(&settings).await?;
    let written = write(&store, &args, started).await;
    store.close().await;
    let counts = written?;
    println!(
        "seed: made {} people, {} groups, {} threads, {} comments, {} polls and {} votes in {:.1} s",
        grouped(counts.people),
        grouped(counts.groups),
        grouped(counts.threads),
        grouped(counts.comments),
        grouped(counts.polls),
        grouped(counts.ballots),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// How many of each were made.
#[derive(Debug, Default)]
struct Counts {
    people: usize,
    groups: usize,
    threads: usize,
    comments: usize,
    polls: usize,
    ballots: usize,
}

async fn write(store: &Store, args: &SeedArgs, started: Instant) -> anyhow::Result<Counts> {
    let scale = usize::try_from(args.scale).unwrap_or(1);
    let mut out = Writer {
        bulk: store.bulk().await?,
        ids: Ids::new()?,
        now: crate::store::unix_now(),
        activity_seq: 0,
    };
    if out.bulk.has_accounts().await? {
        bail!(
            "the database already holds people, and seed only writes into an empty one (nothing was changed)"
        );
    }
    let rng = Rng::new(args.seed);
    let mut counts = Counts::default();
    let mut stage = Instant::now();

    let people = people::write_people(&mut out, rng.fork(1), scale).await?;
    counts.people = people.len();
    progress(
        &mut stage,
        "people",
        &format!("{} accounts", grouped(people.len())),
    );

    let groups = people::write_groups(&mut out, rng.fork(2), scale, &people).await?;
    counts.groups = groups.len();
    let memberships: usize = groups.iter().map(|g| g.members.len()).sum();
    progress(
        &mut stage,
        "groups",
        &format!(
            "{} groups with {} memberships",
            grouped(groups.len()),
            grouped(memberships)
        ),
    );

    let mut threads = threads::plan(&mut out, rng.fork(3), scale, &groups);
    let polls = polls::plan(&mut out, rng.fork(4), scale, &groups, &mut threads);
    let comments = threads::write(&mut out, rng.fork(5), &groups, &people, &threads).await?;
    counts.threads = threads.len();
    counts.comments = comments;
    progress(
        &mut stage,
        "threads",
        &format!(
            "{} threads with {} comments",
            grouped(threads.len()),
            grouped(comments)
        ),
    );

    let ballots = polls::write(&mut out, rng.fork(6), &groups, &people, &threads, &polls).await?;
    counts.polls = polls.len();
    counts.ballots = ballots;
    progress(
        &mut stage,
        "polls",
        &format!(
            "{} polls with {} votes",
            grouped(polls.len()),
            grouped(ballots)
        ),
    );

    out.bulk.commit().await?;
    progress(
        &mut stage,
        "saved",
        &format!("after {:.1} s", started.elapsed().as_secs_f64()),
    );
    Ok(counts)
}

/// Where the rows go, and what every stage shares.
pub(crate) struct Writer {
    bulk: Bulk,
    ids: Ids,
    now: i64,
    /// Keeps activity lines of one second in the order they were made.
    activity_seq: u64,
}

/// A group as planned: its members are indexes into the people.
pub(crate) struct Group {
    id: String,
    handle: String,
    open: bool,
    members: Vec<usize>,
    /// Member numbers (indexes into `members`) of its admins: the first few.
    admins: usize,
}

/// A thread as planned.
pub(crate) struct Thread {
    id: String,
    group: usize,
    author: usize,
    title: String,
    context: String,
    private: bool,
    created_at: i64,
    comments: usize,
    /// When its last comment was written.
    talk_until: i64,
    last_activity_at: i64,
}

/// A line of group activity, as `record_activity` writes it.
pub(crate) struct Activity<'a> {
    group_id: &'a str,
    actor_id: &'a str,
    kind: &'static str,
    at: i64,
    subgroup: Option<&'a str>,
    thread: Option<&'a str>,
    comment: Option<&'a str>,
    poll: Option<&'a str>,
}

pub(crate) const ACTIVITY_COLUMNS: &[&str] = &[
    "id",
    "group_id",
    "at",
    "actor_id",
    "kind",
    "subject_group_id",
    "thread_id",
    "comment_id",
    "poll_id",
];

impl Writer {
    /// An activity row; its id starts with the time, as the store's do, so lines read in order.
    fn activity(&mut self, line: &Activity<'_>) -> Vec<Value> {
        self.activity_seq += 1;
        let nanos = u128::try_from(line.at).unwrap_or(0) * 1_000_000_000
            + u128::from(self.activity_seq % 1_000_000_000);
        let id = format!("{nanos:024x}{}", &self.ids.next()[..8]);
        vec![
            id.into(),
            line.group_id.into(),
            line.at.into(),
            line.actor_id.into(),
            line.kind.into(),
            line.subgroup.map(str::to_string).into(),
            line.thread.map(str::to_string).into(),
            line.comment.map(str::to_string).into(),
            line.poll.map(str::to_string).into(),
        ]
    }
}

fn progress(stage: &mut Instant, name: &str, what: &str) {
    println!(
        "seed: {name}: {what} ({:.1} s)",
        stage.elapsed().as_secs_f64()
    );
    *stage = Instant::now();
}

/// A count as people read it: "1,000".
fn grouped(n: usize) -> String {
    crate::domain::grouped(i64::try_from(n).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1000), "1,000");
        assert_eq!(super::grouped(1_234_567), "1,234,567");
    }
}
