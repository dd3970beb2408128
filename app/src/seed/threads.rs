//! Threads and their comments, with versions, search entries and activity lines.

use super::rng::Rng;
use super::{ACTIVITY_COLUMNS, Activity, Group, Thread, Writer, words};
use crate::domain::markdown;
use crate::store::{StoreError, Value};

const DAY: i64 = 86_400;
/// The long thread's comments, at any scale: the thread page the performance budgets name.
pub(super) const LONG_THREAD_COMMENTS: usize = 240;

/// Plans `500 × scale` threads, spread over the groups by their size, and how many comments
/// each has (`10,000 × scale` in all, with a heavy tail). The first is the largest group's
/// long thread.
pub(super) fn plan(out: &mut Writer, mut rng: Rng, scale: usize, groups: &[Group]) -> Vec<Thread> {
    let now = out.now;
    let count = 500 * scale;
    let members: usize = groups.iter().map(|g| g.members.len()).sum();
    let mut homes = vec![0usize];
    for (g, group) in groups.iter().enumerate() {
        let share = (count * group.members.len())
            .div_ceil(members.max(1))
            .max(1);
        homes.extend(std::iter::repeat_n(g, share));
    }
    homes.truncate(count);
    let mut threads: Vec<Thread> = homes
        .into_iter()
        .enumerate()
        .map(|(n, g)| {
            let group = &groups[g];
            let created_at = if n == 0 {
                now - 30 * DAY
            } else {
                now - rng.between(DAY, 360 * DAY)
            };
            let sentences = rng.below(3) + 1;
            Thread {
                id: out.ids.next(),
                group: g,
                author: *rng.pick(&group.members),
                title: words::thread_title(&mut rng),
                context: words::sentences(&mut rng, sentences),
                private: n != 0 && rng.chance(if group.open { 0.15 } else { 0.05 }),
                created_at,
                comments: 0,
                talk_until: created_at,
                last_activity_at: created_at,
            }
        })
        .collect();
    // Comments: a heavy tail over the threads, the long thread apart.
    let total = 10_000 * scale - LONG_THREAD_COMMENTS;
    let weights: Vec<f64> = (1..threads.len())
        .map(|_| {
            let u = rng.unit();
            if u < 0.15 { 0.0 } else { (u + 0.01).powf(-0.8) }
        })
        .collect();
    let sum: f64 = weights.iter().sum::<f64>().max(1.0);
    let mut given = 0;
    for (thread, weight) in threads.iter_mut().skip(1).zip(&weights) {
        thread.comments = (total as f64 * weight / sum).floor() as usize;
        given += thread.comments;
    }
    while given < total && threads.len() > 1 {
        let n = 1 + rng.below(threads.len() - 1);
        threads[n].comments += 1;
        given += 1;
    }
    if let Some(long) = threads.first_mut() {
        long.comments = LONG_THREAD_COMMENTS;
    }
    // Talk goes on for a while after a thread starts, from minutes to hours between comments.
    for thread in &mut threads {
        let count = i64::try_from(thread.comments).unwrap_or(0);
        let life = count * rng.between(600, 4 * 3_600);
        thread.talk_until = thread.created_at + life.min(now - thread.created_at - 60);
        thread.last_activity_at = thread.talk_until;
    }
    threads
}

/// A comment as planned within its thread.
struct Comment {
    id: String,
    seq: usize,
    root_seq: usize,
    parent: Option<usize>,
    author: usize,
    body: String,
    earlier_body: Option<String>,
    created_at: i64,
    edited_at: Option<i64>,
    deleted: bool,
}

/// Writes the threads and their comments; how many comments.
pub(super) async fn write(
    out: &mut Writer,
    mut rng: Rng,
    groups: &[Group],
    people: &[String],
    threads: &[Thread],
) -> Result<usize, StoreError> {
    let mut thread_rows = Vec::new();
    let mut version_rows = Vec::new();
    let mut search_rows = Vec::new();
    let mut activity_rows = Vec::new();
    for thread in threads {
        let group = &groups[thread.group];
        let author = people[thread.author].as_str();
        thread_rows.push(vec![
            thread.id.clone().into(),
            group.id.clone().into(),
            author.into(),
            thread.title.clone().into(),
            thread.context.clone().into(),
            thread.private.into(),
            Value::Int(i64::try_from(thread.comments).unwrap_or(0)),
            thread.created_at.into(),
            thread.last_activity_at.into(),
        ]);
        version_rows.push(vec![
            thread.id.clone().into(),
            Value::Int(1),
            thread.title.clone().into(),
            thread.context.clone().into(),
            author.into(),
            thread.created_at.into(),
        ]);
        search_rows.push(vec![
            thread.title.clone().into(),
            markdown::plain_text(&thread.context, usize::MAX).into(),
            thread.id.clone().into(),
            "".into(),
        ]);
        activity_rows.push(out.activity(&Activity {
            group_id: &group.id,
            actor_id: author,
            kind: "thread",
            at: thread.created_at,
            subgroup: None,
            thread: Some(&thread.id),
            comment: None,
            poll: None,
        }));
    }
    out.bulk
        .insert(
            "threads",
            &[
                "id",
                "group_id",
                "author_id",
                "title",
                "context",
                "private",
                "comment_seq",
                "created_at",
                "last_activity_at",
            ],
            &thread_rows,
        )
        .await?;
    out.bulk
        .insert(
            "thread_versions",
            &[
                "thread_id",
                "version",
                "title",
                "context",
                "editor_id",
                "at",
            ],
            &version_rows,
        )
        .await?;

    let mut comment_rows = Vec::new();
    let mut comment_versions = Vec::new();
    let mut written = 0;
    for thread in threads {
        let group = &groups[thread.group];
        let comments = plan_comments(out, &mut rng, group, thread);
        written += comments.len();
        for c in &comments {
            let author = people[c.author].as_str();
            comment_rows.push(vec![
                c.id.clone().into(),
                thread.id.clone().into(),
                Value::from(c.seq),
                Value::from(c.root_seq),
                c.parent.map(|p| comments[p].id.clone()).into(),
                author.into(),
                c.body.clone().into(),
                Value::Int(if c.earlier_body.is_some() { 2 } else { 1 }),
                c.created_at.into(),
                c.edited_at.into(),
                c.deleted.then_some(thread.talk_until).into(),
            ]);
            if !c.deleted {
                let mut versions = vec![(1, c.body.as_str(), c.created_at)];
                if let (Some(earlier), Some(edited_at)) = (&c.earlier_body, c.edited_at) {
                    versions = vec![(1, earlier.as_str(), c.created_at), (2, &c.body, edited_at)];
                }
                for (version, body, at) in versions {
                    comment_versions.push(vec![
                        c.id.clone().into(),
                        Value::Int(version),
                        body.into(),
                        author.into(),
                        at.into(),
                    ]);
                }
                search_rows.push(vec![
                    "".into(),
                    markdown::plain_text(&c.body, usize::MAX).into(),
                    thread.id.clone().into(),
                    c.id.clone().into(),
                ]);
            }
            activity_rows.push(out.activity(&Activity {
                group_id: &group.id,
                actor_id: author,
                kind: "comment",
                at: c.created_at,
                subgroup: None,
                thread: Some(&thread.id),
                comment: Some(&c.id),
                poll: None,
            }));
        }
        // Rows go out in batches, so memory stays small at any scale.
        if comment_rows.len() >= 20_000 {
            flush_comments(out, &mut comment_rows, &mut comment_versions).await?;
        }
    }
    flush_comments(out, &mut comment_rows, &mut comment_versions).await?;
    out.bulk
        .insert(
            "search_text",
            &["title", "body", "thread_id", "comment_id"],
            &search_rows,
        )
        .await?;
    out.bulk
        .insert("group_activity", ACTIVITY_COLUMNS, &activity_rows)
        .await?;
    Ok(written)
}

async fn flush_comments(
    out: &mut Writer,
    comments: &mut Vec<Vec<Value>>,
    versions: &mut Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    out.bulk
        .insert(
            "comments",
            &[
                "id",
                "thread_id",
                "seq",
                "root_seq",
                "parent_id",
                "author_id",
                "body",
                "version",
                "created_at",
                "edited_at",
                "deleted_at",
            ],
            comments,
        )
        .await?;
    out.bulk
        .insert(
            "comment_versions",
            &["comment_id", "version", "body", "editor_id", "at"],
            versions,
        )
        .await?;
    comments.clear();
    versions.clear();
    Ok(())
}

/// A thread's comments in order: about a third replies to one of the latest top-level
/// comments (a reply hangs on the top-level comment, as the store keeps them), one in
/// twelve edited, and a few top-level ones with replies deleted.
fn plan_comments(out: &mut Writer, rng: &mut Rng, group: &Group, thread: &Thread) -> Vec<Comment> {
    let span = (thread.talk_until - thread.created_at).max(60);
    let step = span / i64::try_from(thread.comments.max(1)).unwrap_or(1);
    let mut at = thread.created_at;
    let mut comments: Vec<Comment> = Vec::with_capacity(thread.comments);
    let mut roots: Vec<usize> = Vec::new();
    for n in 0..thread.comments {
        at += rng.between(1, step.max(2));
        let parent = if !roots.is_empty() && rng.chance(0.35) {
            let recent = &roots[roots.len().saturating_sub(5)..];
            Some(*rng.pick(recent))
        } else {
            None
        };
        let body = words::comment(rng);
        let edited = rng.chance(1.0 / 12.0);
        let earlier_body = edited.then(|| words::comment(rng));
        let edited_at = edited.then(|| at + rng.between(60, 3_600));
        comments.push(Comment {
            id: out.ids.next(),
            seq: n + 1,
            root_seq: parent.map_or(n + 1, |p| comments[p].seq),
            parent,
            author: *rng.pick(&group.members),
            body,
            earlier_body,
            created_at: at,
            edited_at,
            deleted: false,
        });
        if parent.is_none() {
            roots.push(n);
        }
    }
    // Deleting a comment with replies leaves a placeholder without words or versions.
    let with_replies: Vec<usize> = comments.iter().filter_map(|c| c.parent).collect();
    for root in with_replies {
        if !comments[root].deleted && rng.chance(0.04) {
            let c = &mut comments[root];
            c.deleted = true;
            c.body.clear();
            c.earlier_body = None;
            c.edited_at = None;
        }
    }
    comments
}
