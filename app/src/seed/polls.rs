//! Polls of every kind, their options and versions, who voted, and the ballots.

use super::rng::Rng;
use super::{ACTIVITY_COLUMNS, Activity, Group, Thread, Writer, words};
use crate::domain::polls::{
    Ballot, COUNT_OPTIONS, HideResults, NONE_OF_THE_ABOVE, PollKind, RankedMethod, ReasonMode,
    SENSE_CHECK_OPTIONS, Template, setup::REASON_MAX,
};
use crate::store::{StoreError, Value, encode_marks};

const DAY: i64 = 86_400;

/// A poll as planned.
pub(super) struct Poll {
    id: String,
    thread: usize,
    kind: PollKind,
    template: Option<Template>,
    title: String,
    details: String,
    options: Vec<String>,
    times: Vec<i64>,
    created_at: i64,
    closes_at: i64,
    closed: bool,
    anonymous: bool,
    hide_results: HideResults,
    reason: ReasonMode,
    allow_change: bool,
    none_of_the_above: bool,
    min_choices: i64,
    max_choices: i64,
    dot_total: i64,
    method: RankedMethod,
    count_target: i64,
    ballots: usize,
}

/// Plans `150 + 50 × scale` polls, mostly in the large groups (a group's chance grows with the
/// square of its size), and shares `100,000 × scale` ballots among them. The first is the
/// long thread's open proposal that everyone voted on and may change; the second a secret ballot in the
/// largest group.
pub(super) fn plan(
    out: &mut Writer,
    mut rng: Rng,
    scale: usize,
    groups: &[Group],
    threads: &mut [Thread],
) -> Vec<Poll> {
    let count = 150 + 50 * scale;
    let now = out.now;
    let mut by_group: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for (n, thread) in threads.iter().enumerate() {
        by_group[thread.group].push(n);
    }
    let weights: Vec<f64> = groups
        .iter()
        .zip(&by_group)
        .map(|(g, t)| {
            if t.is_empty() {
                0.0
            } else {
                (g.members.len() as f64).powi(2)
            }
        })
        .collect();
    let total_weight: f64 = weights.iter().sum();
    let mut polls = Vec::with_capacity(count);
    for n in 0..count {
        let thread = if n == 0 {
            0
        } else {
            let mut target = rng.unit() * total_weight;
            let mut group = 0;
            for (g, w) in weights.iter().enumerate() {
                if target < *w {
                    group = g;
                    break;
                }
                target -= w;
            }
            *rng.pick(&by_group[group])
        };
        let kind = match n {
            0 => PollKind::Proposal,
            1 => PollKind::Choose,
            _ => PollKind::ALL[n % PollKind::ALL.len()],
        };
        let mut poll = new_poll(out, &mut rng, kind, thread);
        poll.anonymous = n == 1 || (n > 1 && rng.chance(0.2));
        // Everyone may change their vote on the first, as the benchmark's vote does.
        poll.allow_change = !poll.anonymous && (rng.chance(0.3) || n == 0);
        poll.hide_results = match rng.below(10) {
            _ if n < 2 => HideResults::Never,
            0 => HideResults::UntilClosed,
            1..=2 => HideResults::UntilVoted,
            _ => HideResults::Never,
        };
        let started = threads[thread].created_at;
        poll.closed = n > 1 && started < now - 10 * DAY && rng.chance(0.3);
        if poll.closed {
            poll.created_at = started + rng.between(3_600, 2 * DAY);
            poll.closes_at = poll.created_at + 7 * DAY;
        } else {
            poll.created_at = (started + 3_600).max(now - rng.between(1, 20) * DAY);
            poll.closes_at = now + rng.between(3, 30) * DAY;
        }
        if poll.kind == PollKind::Meeting {
            let first_day = (poll.created_at / DAY + rng.between(3, 12)) * DAY;
            poll.times = (0..poll.options.len())
                .map(|i| first_day + i64::try_from(i).unwrap_or(0) * DAY + 10 * 3_600)
                .collect();
            poll.options = poll.times.iter().map(|t| time_label(*t)).collect();
        }
        let thread = &mut threads[thread];
        thread.last_activity_at = thread
            .last_activity_at
            .max(poll.created_at)
            .max(outcome_at(&poll).unwrap_or(0));
        polls.push(poll);
    }
    share_ballots(&mut rng, scale, groups, threads, &mut polls);
    polls
}

/// The options and settings of a new poll of `kind`.
fn new_poll(out: &mut Writer, rng: &mut Rng, kind: PollKind, thread: usize) -> Poll {
    let template = (kind == PollKind::Proposal).then(|| *rng.pick(&Template::ALL));
    let none_of_the_above = kind == PollKind::Choose && rng.chance(0.3);
    let mut options: Vec<String> = match kind {
        PollKind::Proposal => template
            .map(|t| t.options().iter().map(|o| o.to_string()).collect())
            .unwrap_or_default(),
        PollKind::SenseCheck => SENSE_CHECK_OPTIONS.iter().map(|o| o.to_string()).collect(),
        PollKind::Count => COUNT_OPTIONS.iter().map(|o| o.to_string()).collect(),
        PollKind::Question => Vec::new(),
        _ => {
            let n = rng.below(4) + 3;
            words::options(rng, n)
        }
    };
    if none_of_the_above {
        options.push(NONE_OF_THE_ABOVE.to_string());
    }
    let written = options.len() - usize::from(none_of_the_above);
    let max_choices = if kind == PollKind::Choose && rng.chance(0.4) {
        rng.between(2, i64::try_from(written).unwrap_or(2))
    } else {
        1
    };
    let reason = match kind {
        PollKind::Question => ReasonMode::Required,
        _ => *rng.pick(&[ReasonMode::Off, ReasonMode::Optional, ReasonMode::Optional]),
    };
    Poll {
        id: out.ids.next(),
        thread,
        kind,
        template,
        title: words::poll_title(rng),
        details: words::sentences(rng, 2),
        options,
        times: Vec::new(),
        created_at: 0,
        closes_at: 0,
        closed: false,
        anonymous: false,
        hide_results: HideResults::Never,
        reason,
        allow_change: false,
        none_of_the_above,
        min_choices: 1,
        max_choices,
        dot_total: 8,
        method: *rng.pick(&RankedMethod::ALL),
        count_target: rng.between(5, 50),
        ballots: 0,
    }
}

fn time_label(at: i64) -> String {
    jiff::Timestamp::from_second(at).map_or_else(
        |_| at.to_string(),
        |t| t.strftime("%A %-d %B %Y, %H:%M UTC").to_string(),
    )
}

fn outcome_at(poll: &Poll) -> Option<i64> {
    poll.closed.then_some(poll.closes_at + 3_600)
}

/// Gives the first poll a ballot from every member, then shares the rest of the target among
/// the others in proportion to their group's size (turnout varies), none above its group.
fn share_ballots(
    rng: &mut Rng,
    scale: usize,
    groups: &[Group],
    threads: &[Thread],
    polls: &mut [Poll],
) {
    let cap = |poll: &Poll| groups[threads[poll.thread].group].members.len();
    let Some((first, rest)) = polls.split_first_mut() else {
        return;
    };
    first.ballots = cap(first);
    let target = (100_000 * scale).saturating_sub(first.ballots);
    let weights: Vec<f64> = rest
        .iter()
        .map(|p| cap(p) as f64 * (0.2 + 0.8 * rng.unit()))
        .collect();
    let sum: f64 = weights.iter().sum::<f64>().max(1.0);
    let mut given = 0;
    for (poll, weight) in rest.iter_mut().zip(&weights) {
        poll.ballots = ((target as f64 * weight / sum) as usize).min(cap(poll));
        given += poll.ballots;
    }
    for poll in rest.iter_mut() {
        if given >= target {
            break;
        }
        let more = (cap(poll) - poll.ballots).min(target - given);
        poll.ballots += more;
        given += more;
    }
}

/// Writes the polls, their options, versions, activity, who voted and the ballots; how many
/// ballots.
pub(super) async fn write(
    out: &mut Writer,
    mut rng: Rng,
    groups: &[Group],
    people: &[String],
    threads: &[Thread],
    polls: &[Poll],
) -> Result<usize, StoreError> {
    let mut poll_rows = Vec::new();
    let mut option_rows = Vec::new();
    let mut version_rows = Vec::new();
    let mut activity_rows = Vec::new();
    for poll in polls {
        let thread = &threads[poll.thread];
        let group = &groups[thread.group];
        let author = people[thread.author].as_str();
        let outcome = outcome_at(poll);
        let outcome_option = (poll.closed && poll.kind == PollKind::Meeting).then_some(0i64);
        poll_rows.push(vec![
            poll.id.clone().into(),
            thread.id.clone().into(),
            author.into(),
            poll.kind.as_str().into(),
            poll.template.map(|t| t.as_str().to_string()).into(),
            poll.title.clone().into(),
            poll.details.clone().into(),
            poll.created_at.into(),
            poll.closes_at.into(),
            poll.closed.then_some(poll.closes_at).into(),
            poll.anonymous.into(),
            poll.hide_results.as_str().into(),
            poll.reason.as_str().into(),
            Value::from(REASON_MAX),
            poll.allow_change.into(),
            false.into(),
            poll.none_of_the_above.into(),
            poll.min_choices.into(),
            poll.max_choices.into(),
            Value::Int(0),
            Value::Int(5),
            poll.dot_total.into(),
            poll.method.as_str().into(),
            poll.count_target.into(),
            poll.closed.then(|| words::sentences(&mut rng, 2)).into(),
            outcome_option.into(),
            poll.closed.then(|| author.to_string()).into(),
            outcome.into(),
            Value::from(poll.ballots),
        ]);
        for (number, label) in poll.options.iter().enumerate() {
            option_rows.push(vec![
                poll.id.clone().into(),
                Value::from(number),
                label.clone().into(),
                poll.times.get(number).copied().into(),
            ]);
        }
        version_rows.push(vec![
            poll.id.clone().into(),
            Value::Int(1),
            "started".into(),
            poll.title.clone().into(),
            poll.details.clone().into(),
            poll.closes_at.into(),
            poll.options.join("\n").into(),
            poll.template.map(|t| t.as_str().to_string()).into(),
            poll.none_of_the_above.into(),
            poll.min_choices.into(),
            poll.max_choices.into(),
            Value::Int(0),
            Value::Int(5),
            poll.dot_total.into(),
            poll.method.as_str().into(),
            poll.count_target.into(),
            author.into(),
            poll.created_at.into(),
        ]);
        for (kind, at) in [("poll", Some(poll.created_at)), ("outcome", outcome)] {
            if let Some(at) = at {
                activity_rows.push(out.activity(&Activity {
                    group_id: &group.id,
                    actor_id: author,
                    kind,
                    at,
                    subgroup: None,
                    thread: Some(&thread.id),
                    comment: None,
                    poll: Some(&poll.id),
                }));
            }
        }
    }
    out.bulk.insert("polls", POLL_COLUMNS, &poll_rows).await?;
    out.bulk
        .insert(
            "poll_options",
            &["poll_id", "number", "label", "starts_at"],
            &option_rows,
        )
        .await?;
    out.bulk
        .insert("poll_versions", VERSION_COLUMNS, &version_rows)
        .await?;
    out.bulk
        .insert("group_activity", ACTIVITY_COLUMNS, &activity_rows)
        .await?;

    let mut written = 0;
    let mut participants = Vec::new();
    let mut ballots = Vec::new();
    for poll in polls {
        let group = &groups[threads[poll.thread].group];
        let voters = rng.sample(&group.members, poll.ballots);
        let last = poll.closes_at.min(out.now) - 1;
        let mut secret = Vec::new();
        for voter in voters {
            let at = rng.between(poll.created_at, last.max(poll.created_at));
            let voter_id = people[voter].as_str();
            participants.push(vec![poll.id.clone().into(), voter_id.into(), at.into()]);
            let marks = encode_marks(&marks(&mut rng, poll));
            let reason = match poll.reason {
                ReasonMode::Required => Some(words::sentences(&mut rng, 1)),
                ReasonMode::Optional if rng.chance(0.3) => Some(words::sentences(&mut rng, 1)),
                _ => None,
            };
            let id = out.ids.next();
            if poll.anonymous {
                // As the store casts a secret ballot: no voter, no time.
                secret.push((
                    id.clone(),
                    vec![
                        id.into(),
                        poll.id.clone().into(),
                        Value::NoText,
                        Value::NoInt,
                        marks.into(),
                        reason.into(),
                    ],
                ));
            } else {
                ballots.push(vec![
                    id.into(),
                    poll.id.clone().into(),
                    voter_id.into(),
                    at.into(),
                    marks.into(),
                    reason.into(),
                ]);
            }
        }
        // Secret ballots lie in the order of their random keys, which says nothing of who
        // cast them (see `SecretBallots` in the store).
        secret.sort_by(|a, b| a.0.cmp(&b.0));
        ballots.extend(secret.into_iter().map(|(_, row)| row));
        written += poll.ballots;
        if ballots.len() >= 20_000 {
            flush_ballots(out, &mut participants, &mut ballots).await?;
        }
    }
    flush_ballots(out, &mut participants, &mut ballots).await?;
    Ok(written)
}

async fn flush_ballots(
    out: &mut Writer,
    participants: &mut Vec<Vec<Value>>,
    ballots: &mut Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    out.bulk
        .insert(
            "poll_participants",
            &["poll_id", "account_id", "voted_at"],
            participants,
        )
        .await?;
    out.bulk
        .insert(
            "ballots",
            &["id", "poll_id", "voter_id", "cast_at", "marks", "reason"],
            ballots,
        )
        .await?;
    participants.clear();
    ballots.clear();
    Ok(())
}

/// One person's marks on `poll`, as a ballot the form would accept.
fn marks(rng: &mut Rng, poll: &Poll) -> Ballot {
    let n = poll.options.len();
    let written = n - usize::from(poll.none_of_the_above);
    // Earlier options are a little more popular, so results are not all ties.
    let favoured = |rng: &mut Rng, n: usize| rng.below(n).min(rng.below(n));
    let marks = match poll.kind {
        PollKind::Question => Vec::new(),
        PollKind::Choose if poll.max_choices > 1 => {
            let k = usize::try_from(rng.between(1, poll.max_choices)).unwrap_or(1);
            let all: Vec<usize> = (0..written).collect();
            let mut chosen = rng.sample(&all, k);
            chosen.sort_unstable();
            chosen.into_iter().map(|o| (o, 1)).collect()
        }
        PollKind::Proposal | PollKind::SenseCheck | PollKind::Count | PollKind::Choose => {
            vec![(favoured(rng, n), 1)]
        }
        PollKind::Score => (0..n).map(|o| (o, rng.between(0, 5))).collect(),
        PollKind::DotVote => {
            let mut dots = vec![0i64; n];
            for _ in 0..poll.dot_total {
                dots[favoured(rng, n)] += 1;
            }
            dots.into_iter()
                .enumerate()
                .filter(|(_, d)| *d > 0)
                .collect()
        }
        PollKind::Ranked => {
            let all: Vec<usize> = (0..n).collect();
            let order = rng.sample(&all, n);
            let mut marks: Vec<(usize, i64)> = order
                .into_iter()
                .enumerate()
                .map(|(place, option)| (option, i64::try_from(place + 1).unwrap_or(1)))
                .collect();
            marks.sort_unstable();
            marks
        }
        PollKind::Meeting => (0..n).map(|o| (o, rng.between(0, 2))).collect(),
    };
    Ballot { marks }
}

const POLL_COLUMNS: &[&str] = &[
    "id",
    "thread_id",
    "author_id",
    "kind",
    "template",
    "title",
    "details",
    "created_at",
    "closes_at",
    "closed_at",
    "anonymous",
    "hide_results",
    "reason_mode",
    "reason_max",
    "allow_change",
    "voters_only",
    "none_of_the_above",
    "min_choices",
    "max_choices",
    "score_min",
    "score_max",
    "dot_total",
    "method",
    "count_target",
    "outcome",
    "outcome_option",
    "outcome_by",
    "outcome_at",
    "voted_count",
];

const VERSION_COLUMNS: &[&str] = &[
    "poll_id",
    "version",
    "change",
    "title",
    "details",
    "closes_at",
    "options",
    "template",
    "none_of_the_above",
    "min_choices",
    "max_choices",
    "score_min",
    "score_max",
    "dot_total",
    "method",
    "count_target",
    "editor_id",
    "at",
];
