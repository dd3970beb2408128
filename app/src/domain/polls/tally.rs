//! Counting a poll's ballots into the results table, a one-sentence summary, the leaders and,
//! for instant runoff, the rounds.
//!
//! Strategy: [`tally`] is a pure function of the rules, the labels and the ballots as stored
//! (one per person, the latest; a changed vote simply replaces the old ballot in the list).
//! Each ballot is first cleaned (marks of options the poll does not have are dropped, and an
//! option marked twice keeps its first mark), so stored data that breaks the rules can never
//! make a count panic or go wrong by more than that ballot. Everything is whole numbers:
//! shares and averages are rounded half up with integer arithmetic, sums saturate.
//!
//! Conventions the pages rely on:
//! - rows are in option order for every kind, one per option (none for a question);
//! - a summary of one sentence has no full stop; when a second sentence follows ("1 person
//!   blocked", "The target is reached") both end with one;
//! - fixed options (proposal, sense check, count) are named bare ("Agree leads…"); options an
//!   author wrote are named between curly quotes ("“Lunch” leads…");
//! - instant runoff rows show each option's votes in the last round, or for an option
//!   eliminated earlier the round it went in (its votes round by round are in
//!   [`Results::rounds`]); the share is of the ballots still continuing in the last round;
//! - an open poll's summary says who leads, a closed one's who won ([`Stage`]).

use std::collections::BTreeSet;

use super::ballot::{counted as counted_words, grouped, join_words, label, quoted};
use super::{
    Ballot, MEETING_IF_NEED_BE, MEETING_NO, MEETING_YES, Mark, PollKind, PollRules, RankedMethod,
    Template,
};

/// A poll's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    /// Ballots counted.
    pub counted: u32,
    /// The table's column headings after "Option", e.g. ["Votes", "Share"].
    pub columns: Vec<&'static str>,
    /// One row per option, in option order.
    pub rows: Vec<Row>,
    /// One plain sentence for the text summary, e.g. "Agree leads with 7 of 12 votes".
    pub summary: String,
    /// The option(s) in the lead: empty when nothing counted; several when tied.
    pub leaders: Vec<usize>,
    /// Instant runoff only: each round.
    pub rounds: Vec<Round>,
}

/// One option's line of the results table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub option: usize,
    /// The figures of the row, one per column, already as the text to show ("7", "58%", "4.2").
    pub cells: Vec<String>,
    /// The main figure (votes, total score, dots, points, final-round votes, yes answers), for
    /// charts.
    pub value: i64,
    /// value's share of the whole, in tenths of a percent (0..=1000), for charts.
    pub share_permille: u32,
}

/// One round of an instant runoff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    /// Votes of each continuing option this round: (option, votes), in option order.
    pub counts: Vec<(usize, i64)>,
    /// Options eliminated after this round.
    pub eliminated: Vec<usize>,
    /// Ballots with no continuing option left.
    pub exhausted: u32,
}

/// Whether a poll is still open, so that its summary says who leads, or closed, so that it
/// says who won.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Open,
    Closed,
}

impl Stage {
    fn leads(self) -> &'static str {
        match self {
            Self::Open => "leads",
            Self::Closed => "won",
        }
    }

    fn are_tied(self) -> &'static str {
        match self {
            Self::Open => "are tied",
            Self::Closed => "tied",
        }
    }
}

/// Counts the ballots of an open poll (see [`count_at`]).
pub fn tally(rules: &PollRules, labels: &[String], ballots: &[Ballot]) -> Results {
    count_at(Stage::Open, rules, labels, ballots)
}

/// Counts `ballots` under `rules` at `stage`. `labels` are the options' names, for the
/// summary; a proposal's labels also tell its template, since a block in a consensus proposal
/// is reported in the summary.
pub fn count_at(stage: Stage, rules: &PollRules, labels: &[String], ballots: &[Ballot]) -> Results {
    let counted = u32::try_from(ballots.len()).unwrap_or(u32::MAX);
    let cleaned: Vec<Vec<Mark>> = ballots
        .iter()
        .map(|ballot| clean(ballot, rules.option_count))
        .collect();
    let mut results = match rules.kind {
        PollKind::Question => Results {
            counted,
            columns: Vec::new(),
            rows: Vec::new(),
            summary: match counted {
                0 => "No answers yet".to_owned(),
                1 => "1 person answered".to_owned(),
                n => format!("{} people answered", grouped(i64::from(n))),
            },
            leaders: Vec::new(),
            rounds: Vec::new(),
        },
        PollKind::Proposal | PollKind::SenseCheck | PollKind::Choose => {
            choices(stage, rules, labels, &cleaned)
        }
        PollKind::Count => count(rules, &cleaned),
        PollKind::Score => score(stage, rules, labels, &cleaned),
        PollKind::DotVote => dots(stage, rules, labels, &cleaned),
        PollKind::Ranked => match rules.method {
            RankedMethod::Borda => borda(stage, rules, labels, &cleaned),
            RankedMethod::InstantRunoff => instant_runoff(stage, rules, labels, &cleaned),
        },
        PollKind::Meeting => meeting(stage, rules, labels, &cleaned),
    };
    results.counted = counted;
    results
}

/// A ballot's marks of options the poll has, the first mark of each option only, in option
/// order.
fn clean(ballot: &Ballot, option_count: usize) -> Vec<Mark> {
    let mut seen = BTreeSet::new();
    let mut marks: Vec<Mark> = ballot
        .marks
        .iter()
        .copied()
        .filter(|(option, _)| *option < option_count && seen.insert(*option))
        .collect();
    marks.sort_unstable_by_key(|(option, _)| *option);
    marks
}

/// A results value with nothing filled in but the columns.
fn empty(columns: Vec<&'static str>) -> Results {
    Results {
        counted: 0,
        columns,
        rows: Vec::new(),
        summary: String::new(),
        leaders: Vec::new(),
        rounds: Vec::new(),
    }
}

/// Proposal, sense check, single and multiple choice: a vote for each option marked. Shares
/// are of ballots, so those of a multiple-choice poll can add up to more than 100%.
fn choices(stage: Stage, rules: &PollRules, labels: &[String], ballots: &[Vec<Mark>]) -> Results {
    let votes = votes_per_option(rules.option_count, ballots);
    let whole = ballot_count(ballots);
    let mut results = empty(vec!["Votes", "Share"]);
    results.rows = votes_rows(&votes, whole);
    results.leaders = top(&votes);
    let names = names(rules, labels, &results.leaders);
    let lead = votes_of(&votes, &results.leaders);
    let mut summary = match results.leaders.len() {
        0 => "No votes yet".to_owned(),
        1 => format!(
            "{} {} with {} of {}",
            join_words(&names, "and"),
            stage.leads(),
            grouped(lead),
            counted_words(whole, "vote", "votes")
        ),
        _ => format!(
            "{} {} with {} of {} each",
            join_words(&names, "and"),
            stage.are_tied(),
            grouped(lead),
            counted_words(whole, "vote", "votes")
        ),
    };
    if rules.kind == PollKind::Proposal && is_consensus(labels) {
        let blocks = votes.get(3).copied().unwrap_or(0);
        if blocks > 0 {
            let people = if blocks == 1 {
                "1 person".to_owned()
            } else {
                format!("{} people", grouped(blocks))
            };
            summary = format!("{summary}. {people} blocked.");
        }
    }
    results.summary = summary;
    results
}

/// Whether a proposal's options are the consensus template's, whose fourth is "Block".
fn is_consensus(labels: &[String]) -> bool {
    labels
        .iter()
        .map(String::as_str)
        .eq(Template::Consensus.options().iter().copied())
}

/// Count: people in (the first option) against the target; both options get a row.
fn count(rules: &PollRules, ballots: &[Vec<Mark>]) -> Results {
    let votes = votes_per_option(rules.option_count, ballots);
    let whole = ballot_count(ballots);
    let mut results = empty(vec!["People", "Share"]);
    results.rows = votes_rows(&votes, whole);
    results.leaders = top(&votes);
    let people_in = votes.first().copied().unwrap_or(0);
    results.summary = if whole == 0 {
        "No votes yet".to_owned()
    } else {
        let who = match people_in {
            0 => "No one is in yet".to_owned(),
            1 => "1 person is in".to_owned(),
            n => format!("{} people are in", grouped(n)),
        };
        if rules.count_target <= 0 {
            who
        } else if people_in >= rules.count_target {
            format!(
                "{who}, of a target of {}. The target is reached.",
                grouped(rules.count_target)
            )
        } else {
            format!("{who}, of a target of {}", grouped(rules.count_target))
        }
    };
    results
}

/// Score: total and average score of each option; the lead is the highest average. Scores
/// outside the scale are brought onto it. Shares are of the sum of totals, negative totals
/// counting as nothing.
fn score(stage: Stage, rules: &PollRules, labels: &[String], ballots: &[Vec<Mark>]) -> Results {
    let low = rules.score_min.min(rules.score_max);
    let high = rules.score_min.max(rules.score_max);
    let mut totals = vec![0i64; rules.option_count];
    let mut votes = vec![0i64; rules.option_count];
    for (option, score) in ballots.iter().flatten() {
        if let (Some(total), Some(count)) = (totals.get_mut(*option), votes.get_mut(*option)) {
            *total = total.saturating_add((*score).clamp(low, high));
            *count = count.saturating_add(1);
        }
    }
    let whole = totals
        .iter()
        .map(|t| (*t).max(0))
        .fold(0i64, i64::saturating_add);
    let mut results = empty(vec!["Total score", "Average score", "Votes"]);
    results.rows = totals
        .iter()
        .zip(&votes)
        .enumerate()
        .map(|(option, (total, count))| Row {
            option,
            cells: vec![
                grouped(*total),
                tenths_text(average_tenths(*total, *count)),
                grouped(*count),
            ],
            value: *total,
            share_permille: permille(*total, whole),
        })
        .collect();
    // The highest average, compared exactly: a/b > c/d as a·d > c·b (counts are positive).
    let mut best: Option<(i64, i64)> = None;
    for (total, count) in totals.iter().zip(&votes).filter(|(_, c)| **c > 0) {
        let beats = best.is_none_or(|(t, c)| {
            i128::from(*total) * i128::from(c) > i128::from(t) * i128::from(*count)
        });
        if beats {
            best = Some((*total, *count));
        }
    }
    if let Some((best_total, best_count)) = best {
        results.leaders = (0..rules.option_count)
            .filter(|option| {
                let total = totals.get(*option).copied().unwrap_or(0);
                let count = votes.get(*option).copied().unwrap_or(0);
                count > 0
                    && i128::from(total) * i128::from(best_count)
                        == i128::from(best_total) * i128::from(count)
            })
            .collect();
    }
    let names = names(rules, labels, &results.leaders);
    let average = tenths_text(best.map_or(0, |(total, count)| average_tenths(total, count)));
    results.summary = match results.leaders.as_slice() {
        [] => "No votes yet".to_owned(),
        [only] => format!(
            "{} {} the highest average score, {average} out of {}, from {}",
            join_words(&names, "and"),
            match stage {
                Stage::Open => "has",
                Stage::Closed => "won with",
            },
            grouped(rules.score_max),
            counted_words(votes.get(*only).copied().unwrap_or(0), "vote", "votes")
        ),
        _ => format!(
            "{} {} the highest average score, {average} out of {}",
            join_words(&names, "and"),
            match stage {
                Stage::Open => "share",
                Stage::Closed => "tied for",
            },
            grouped(rules.score_max)
        ),
    };
    results
}

/// Dot vote: the dots given to each option; shares are of all dots given.
fn dots(stage: Stage, rules: &PollRules, labels: &[String], ballots: &[Vec<Mark>]) -> Results {
    let mut dots = vec![0i64; rules.option_count];
    for (option, given) in ballots.iter().flatten() {
        if let Some(sum) = dots.get_mut(*option) {
            *sum = sum.saturating_add((*given).max(0));
        }
    }
    let columns = vec!["Dots", "Share"];
    points_like(stage, rules, labels, &dots, columns, ("dot", "dots"))
}

/// Ranked, counted as Loomio does: with `n` options, rank `r` earns `n − r + 1` points;
/// unranked options and ranks outside 1..=n earn nothing.
fn borda(stage: Stage, rules: &PollRules, labels: &[String], ballots: &[Vec<Mark>]) -> Results {
    let options = i64::try_from(rules.option_count).unwrap_or(i64::MAX);
    let mut points = vec![0i64; rules.option_count];
    for (option, rank) in ballots.iter().flatten() {
        if let Some(sum) = points.get_mut(*option)
            && (1..=options).contains(rank)
        {
            *sum = sum.saturating_add(options - rank + 1);
        }
    }
    let columns = vec!["Points", "Share"];
    points_like(stage, rules, labels, &points, columns, ("point", "points"))
}

/// Dots and Borda points: a figure per option, shares of their sum, the most leads.
fn points_like(
    stage: Stage,
    rules: &PollRules,
    labels: &[String],
    values: &[i64],
    columns: Vec<&'static str>,
    (one, many): (&str, &str),
) -> Results {
    let whole = values.iter().copied().fold(0i64, i64::saturating_add);
    let mut results = empty(columns);
    results.rows = votes_rows(values, whole);
    results.leaders = top(values);
    let names = names(rules, labels, &results.leaders);
    let lead = votes_of(values, &results.leaders);
    let dots = rules.kind == PollKind::DotVote;
    results.summary = match (results.leaders.len(), dots) {
        (0, _) => "No votes yet".to_owned(),
        (1, true) => format!(
            "{} {} with {} of {}",
            join_words(&names, "and"),
            stage.leads(),
            grouped(lead),
            counted_words(whole, one, many)
        ),
        (1, false) => format!(
            "{} {} with {}",
            join_words(&names, "and"),
            stage.leads(),
            counted_words(lead, one, many)
        ),
        (_, true) => format!(
            "{} {} with {} of {} each",
            join_words(&names, "and"),
            stage.are_tied(),
            grouped(lead),
            counted_words(whole, one, many)
        ),
        (_, false) => format!(
            "{} {} with {} each",
            join_words(&names, "and"),
            stage.are_tied(),
            counted_words(lead, one, many)
        ),
    };
    results
}

/// Ranked, counted by instant runoff. Each round, every ballot counts for its highest-ranked
/// continuing option (ranks outside 1.. are ignored; equal ranks go to the lower option
/// number), or is exhausted. An option with more than half of the continuing ballots wins.
/// Otherwise every option with the fewest votes is eliminated together (so all options no
/// one ranked first go in round one), unless that would eliminate every continuing option:
/// then those options are tied.
fn instant_runoff(
    stage: Stage,
    rules: &PollRules,
    labels: &[String],
    ballots: &[Vec<Mark>],
) -> Results {
    let preferences: Vec<Vec<usize>> = ballots
        .iter()
        .map(|marks| {
            let mut ranked: Vec<Mark> = marks.iter().copied().filter(|(_, r)| *r >= 1).collect();
            ranked.sort_unstable_by_key(|(option, rank)| (*rank, *option));
            ranked.into_iter().map(|(option, _)| option).collect()
        })
        .collect();
    let mut continuing: BTreeSet<usize> = (0..rules.option_count).collect();
    let mut rounds = Vec::new();
    let mut leaders = Vec::new();
    let mut final_counts: Vec<(usize, i64)> = Vec::new();
    loop {
        let mut counts: Vec<(usize, i64)> = continuing.iter().map(|o| (*o, 0)).collect();
        let mut exhausted: u32 = 0;
        for preference in &preferences {
            let first = preference.iter().find(|o| continuing.contains(o));
            let slot = first.and_then(|o| counts.iter_mut().find(|(c, _)| c == o));
            match slot {
                Some((_, votes)) => *votes = votes.saturating_add(1),
                None => exhausted = exhausted.saturating_add(1),
            }
        }
        let active: i64 = counts.iter().map(|(_, v)| *v).fold(0, i64::saturating_add);
        if active == 0 {
            // Nothing to count: no ballot ranks any option.
            break;
        }
        final_counts.clone_from(&counts);
        if let Some((winner, _)) = counts.iter().find(|(_, v)| v.saturating_mul(2) > active) {
            leaders = vec![*winner];
            rounds.push(Round {
                counts,
                eliminated: Vec::new(),
                exhausted,
            });
            break;
        }
        let fewest = counts.iter().map(|(_, v)| *v).min().unwrap_or(0);
        let bottom: Vec<usize> = counts
            .iter()
            .filter(|(_, v)| *v == fewest)
            .map(|(o, _)| *o)
            .collect();
        if bottom.len() == counts.len() {
            leaders = bottom;
            rounds.push(Round {
                counts,
                eliminated: Vec::new(),
                exhausted,
            });
            break;
        }
        for option in &bottom {
            continuing.remove(option);
        }
        rounds.push(Round {
            counts,
            eliminated: bottom,
            exhausted,
        });
    }
    let whole: i64 = final_counts
        .iter()
        .map(|(_, v)| *v)
        .fold(0, i64::saturating_add);
    let final_votes: Vec<i64> = (0..rules.option_count)
        .map(|option| {
            final_counts
                .iter()
                .find(|(o, _)| *o == option)
                .map_or(0, |(_, v)| *v)
        })
        .collect();
    let mut results = empty(vec!["Votes in the last round", "Share"]);
    results.rows = votes_rows(&final_votes, whole);
    // An option out of the count says when it went, not "0" and "0%".
    for (round, out) in rounds.iter().enumerate() {
        for option in &out.eliminated {
            if let Some(row) = results.rows.get_mut(*option) {
                row.cells = vec![format!("Eliminated in round {}", round + 1), String::new()];
            }
        }
    }
    let names = names(rules, labels, &leaders);
    let lead = votes_of(&final_votes, &leaders);
    let round = rounds.len();
    results.summary = match leaders.len() {
        0 => "No votes yet".to_owned(),
        1 => format!(
            "{} {} in round {round} with {} of {}",
            join_words(&names, "and"),
            match stage {
                Stage::Open => "wins",
                Stage::Closed => "won",
            },
            grouped(lead),
            counted_words(whole, "vote", "votes")
        ),
        _ => format!(
            "{} {} in the last round with {} each",
            join_words(&names, "and"),
            stage.are_tied(),
            counted_words(lead, "vote", "votes")
        ),
    };
    results.leaders = leaders;
    results.rounds = rounds;
    results
}

/// Meeting: yes, if need be and no for each time. The time that suits most people (yes or
/// if need be) leads; among those, the one with the most yes.
fn meeting(stage: Stage, rules: &PollRules, labels: &[String], ballots: &[Vec<Mark>]) -> Results {
    // (yes, if need be, no) per time.
    let mut answers = vec![(0i64, 0i64, 0i64); rules.option_count];
    for (option, answer) in ballots.iter().flatten() {
        if let Some((yes, if_need_be, no)) = answers.get_mut(*option) {
            match *answer {
                MEETING_YES => *yes = yes.saturating_add(1),
                MEETING_IF_NEED_BE => *if_need_be = if_need_be.saturating_add(1),
                MEETING_NO => *no = no.saturating_add(1),
                _ => {}
            }
        }
    }
    let whole = ballot_count(ballots);
    let mut results = empty(vec!["Yes", "If need be", "No"]);
    results.rows = answers
        .iter()
        .enumerate()
        .map(|(option, (yes, if_need_be, no))| Row {
            option,
            cells: vec![grouped(*yes), grouped(*if_need_be), grouped(*no)],
            value: *yes,
            share_permille: permille(*yes, whole),
        })
        .collect();
    let suits = |(yes, if_need_be, _): &(i64, i64, i64)| (yes.saturating_add(*if_need_be), *yes);
    let best = answers
        .iter()
        .map(suits)
        .max()
        .filter(|(either, _)| *either > 0);
    if let Some(best) = best {
        results.leaders = answers
            .iter()
            .enumerate()
            .filter(|(_, a)| suits(a) == best)
            .map(|(option, _)| option)
            .collect();
    }
    let names = names(rules, labels, &results.leaders);
    let (yes, if_need_be) = best.map_or((0, 0), |(either, yes)| (yes, either - yes));
    results.summary = match results.leaders.len() {
        0 if whole == 0 => "No votes yet".to_owned(),
        0 => "No time suits anyone yet".to_owned(),
        1 => format!(
            "{} {} the most people: {} yes and {} if need be",
            join_words(&names, "and"),
            match stage {
                Stage::Open => "suits",
                Stage::Closed => "suited",
            },
            grouped(yes),
            grouped(if_need_be)
        ),
        _ => format!(
            "{} {} the most people: {} yes and {} if need be each",
            join_words(&names, "and"),
            match stage {
                Stage::Open => "suit",
                Stage::Closed => "suited",
            },
            grouped(yes),
            grouped(if_need_be)
        ),
    };
    results
}

/// How many ballots mark each option.
fn votes_per_option(option_count: usize, ballots: &[Vec<Mark>]) -> Vec<i64> {
    let mut votes = vec![0i64; option_count];
    for (option, _) in ballots.iter().flatten() {
        if let Some(count) = votes.get_mut(*option) {
            *count = count.saturating_add(1);
        }
    }
    votes
}

fn ballot_count(ballots: &[Vec<Mark>]) -> i64 {
    i64::try_from(ballots.len()).unwrap_or(i64::MAX)
}

/// Rows of a figure and its share of `whole` as a whole percent.
fn votes_rows(values: &[i64], whole: i64) -> Vec<Row> {
    values
        .iter()
        .enumerate()
        .map(|(option, value)| {
            let share = permille(*value, whole);
            Row {
                option,
                cells: vec![grouped(*value), percent_text(*value, whole)],
                value: *value,
                share_permille: share,
            }
        })
        .collect()
}

/// The options with the largest value, when it is above 0.
fn top(values: &[i64]) -> Vec<usize> {
    let Some(most) = values.iter().copied().max().filter(|m| *m > 0) else {
        return Vec::new();
    };
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v == most)
        .map(|(option, _)| option)
        .collect()
}

/// The value of the first leader (all leaders share it).
fn votes_of(values: &[i64], leaders: &[usize]) -> i64 {
    leaders
        .first()
        .and_then(|option| values.get(*option))
        .copied()
        .unwrap_or(0)
}

/// Leaders' names as the summary shows them: bare for fixed options, quoted for written ones.
fn names(rules: &PollRules, labels: &[String], options: &[usize]) -> Vec<String> {
    options
        .iter()
        .map(|option| {
            if rules.kind.has_written_options() {
                quoted(labels, *option)
            } else {
                label(labels, *option)
            }
        })
        .collect()
}

/// `value / whole` rounded half up to `scale` parts; 0 when either is 0 or less.
fn rounded_share(value: i64, whole: i64, scale: i128) -> i128 {
    if value <= 0 || whole <= 0 {
        return 0;
    }
    let (value, whole) = (i128::from(value), i128::from(whole));
    ((value * scale * 2 + whole) / (whole * 2)).min(scale)
}

/// `value`'s share of `whole` in tenths of a percent, 0..=1000.
fn permille(value: i64, whole: i64) -> u32 {
    u32::try_from(rounded_share(value, whole, 1000)).unwrap_or(0)
}

/// `value`'s share of `whole` as a whole percent: "58%".
fn percent_text(value: i64, whole: i64) -> String {
    format!("{}%", rounded_share(value, whole, 100))
}

/// An average in tenths, rounded half up; 0 when there is nothing to average.
fn average_tenths(total: i64, count: i64) -> i64 {
    if count <= 0 {
        return 0;
    }
    let (total, count) = (i128::from(total), i128::from(count));
    i64::try_from((total * 20 + count).div_euclid(count * 2)).unwrap_or(0)
}

/// Tenths as a number with one decimal: "4.2", "-0.5", "5.0".
fn tenths_text(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let size = tenths.unsigned_abs();
    format!(
        "{sign}{}.{}",
        grouped(i64::try_from(size / 10).unwrap_or(i64::MAX)),
        size % 10
    )
}

#[cfg(test)]
mod tests;
