//! Checking the form that starts a poll: its question, options and settings, every problem at
//! once, and turning the answers into a [`PollSpec`] the store can keep.
//!
//! Settings that contradict each other are refused with a way out rather than silently fixed:
//! a secret ballot cannot be changed once cast (nothing links a person to their ballot, so
//! there is nothing to change), so "anonymous" with "people may change their vote" is an error.

use jiff::tz::TimeZone;

use super::{
    COUNT_OPTIONS, HideResults, NONE_OF_THE_ABOVE, OPTIONS_MAX, PollKind, PollRules, RankedMethod,
    ReasonMode, SENSE_CHECK_OPTIONS, Template,
};
use crate::domain::time::zones;
use crate::domain::validation::FormErrors;

/// The longest poll title, in characters.
pub const TITLE_MAX: usize = 150;
/// The longest poll details and outcome statement, in characters.
pub const DETAILS_MAX: usize = 10_000;
/// The longest option, in characters.
pub const OPTION_MAX: usize = 100;
/// The longest reason a voter may give, in characters.
pub const REASON_MAX: usize = 500;
/// How many times a meeting poll offers, at most.
pub const TIMES_MAX: usize = 8;
/// How far ahead a poll may close, in seconds (a year).
pub const CLOSES_WITHIN_SECS: i64 = 366 * 24 * 60 * 60;
/// The most people a specified-voters list may name.
pub const VOTERS_MAX: usize = 500;

/// The poll form, as typed.
#[derive(Debug, Clone, Default)]
pub struct PollAnswers {
    pub title: String,
    pub details: String,
    pub template: String,
    /// Written options, one per line.
    pub options: String,
    /// Meeting times as `datetime-local` values, blanks allowed.
    pub times: Vec<String>,
    /// The zone the closing time and meeting times are written in.
    pub time_zone: String,
    pub closes_at: String,
    pub anonymous: bool,
    pub hide_results: String,
    pub reason: String,
    pub allow_change: bool,
    /// Handles of the only people who may vote, separated by spaces, commas or lines; empty
    /// for every member.
    pub voters: String,
    pub min_choices: String,
    pub max_choices: String,
    pub none_of_the_above: bool,
    pub score_min: String,
    pub score_max: String,
    pub dot_total: String,
    pub method: String,
    pub count_target: String,
    /// Who is reminded a day before it closes: `undecided` (blank means it too), `voters`,
    /// `author` or `nobody`.
    pub remind: String,
}

impl PollAnswers {
    /// A fresh form with the usual defaults.
    pub fn defaults(time_zone: &str) -> Self {
        Self {
            template: Template::Consensus.as_str().into(),
            time_zone: time_zone.into(),
            hide_results: HideResults::Never.as_str().into(),
            reason: ReasonMode::Optional.as_str().into(),
            allow_change: true,
            min_choices: "1".into(),
            max_choices: "1".into(),
            score_min: "0".into(),
            score_max: "5".into(),
            dot_total: "8".into(),
            method: RankedMethod::Borda.as_str().into(),
            count_target: "5".into(),
            remind: REMIND[0].0.into(),
            times: vec![String::new(); TIMES_MAX],
            ..Self::default()
        }
    }
}

/// A poll ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollSpec {
    pub kind: PollKind,
    pub template: Option<Template>,
    pub title: String,
    pub details: String,
    /// The options' names, "none of the above" last when offered. For a meeting poll each is
    /// the time in words in the author's zone; `times` holds the instants.
    pub options: Vec<String>,
    /// A meeting poll's times, as Unix seconds, in the options' order.
    pub times: Vec<i64>,
    pub closes_at: i64,
    pub anonymous: bool,
    pub hide_results: HideResults,
    pub allow_change: bool,
    /// Handles of the only people who may vote; empty for every member.
    pub voters: Vec<String>,
    pub rules: PollRules,
    /// Who is reminded a day before it closes (one of [`REMIND`]).
    pub remind: &'static str,
}

/// Who can be reminded a day before a poll closes, the default first: value, label, hint.
pub const REMIND: [(&str, &str, &str); 4] = [
    (
        "undecided",
        "Members who have not voted",
        "Everyone who can vote and has not yet.",
    ),
    (
        "voters",
        "Everyone who can vote",
        "Whether they have voted or not.",
    ),
    ("author", "Only me", "You are told it is about to close."),
    ("nobody", "Nobody", "No reminder is sent."),
];

fn number(
    errors: &mut FormErrors,
    field: &'static str,
    value: &str,
    range: std::ops::RangeInclusive<i64>,
    message: &str,
) -> i64 {
    match value.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            errors.add(field, message);
            *range.start()
        }
    }
}

/// The title (trimmed) and details, checked; problems go in `errors`.
fn check_title_and_details(
    kind: PollKind,
    answers: &PollAnswers,
    errors: &mut FormErrors,
) -> String {
    let title = answers.title.trim();
    if title.is_empty() {
        errors.add(
            "title",
            match kind {
                PollKind::Question => "Enter the question",
                PollKind::Proposal => "Enter a title for the proposal",
                _ => "Enter a title for the poll",
            },
        );
    } else if title.chars().count() > TITLE_MAX {
        errors.add("title", "The title must be 150 characters or fewer");
    }
    if answers.details.chars().count() > DETAILS_MAX {
        errors.add("details", "The details must be 10,000 characters or fewer");
    }
    title.to_string()
}

/// The zone the form's times are written in; UTC (with a problem in `errors`) when unknown.
fn check_zone(name: &str, errors: &mut FormErrors) -> TimeZone {
    zones::zone(name.trim()).unwrap_or_else(|| {
        errors.add("time_zone", "Choose the time zone the times are in");
        TimeZone::UTC
    })
}

/// A closing time written in `zone`: in the future and within [`CLOSES_WITHIN_SECS`], the
/// same limits whether a poll starts, changes or reopens.
fn check_closes_at(value: &str, zone: &TimeZone, now: i64, errors: &mut FormErrors) -> i64 {
    match zones::local_to_unix(value, zone) {
        Some(at) if at <= now => {
            errors.add("closes_at", "The closing time must be in the future");
            now
        }
        Some(at) if at > now + CLOSES_WITHIN_SECS => {
            errors.add("closes_at", "The closing time must be within a year");
            now
        }
        Some(at) => at,
        None if value.trim().is_empty() => {
            errors.add("closes_at", "Enter when the poll closes");
            now
        }
        None => {
            errors.add(
                "closes_at",
                "Enter the closing time as a date and time, like 3 December 2026 at 17:00",
            );
            now
        }
    }
}

/// Checks the poll form for `kind`. `now` is the current Unix time.
pub fn check_poll(kind: PollKind, answers: &PollAnswers, now: i64) -> Result<PollSpec, FormErrors> {
    let mut errors = FormErrors::new();
    let title = check_title_and_details(kind, answers, &mut errors);

    let template = if kind == PollKind::Proposal {
        let template = Template::parse(&answers.template);
        if template.is_none() {
            errors.add(
                "template",
                "Choose how people respond: consensus, consent or advice",
            );
        }
        template
    } else {
        None
    };

    let zone = check_zone(&answers.time_zone, &mut errors);

    let mut options: Vec<String> = match (kind, template) {
        (PollKind::Proposal, Some(t)) => t.options().iter().map(|o| (*o).to_string()).collect(),
        (PollKind::SenseCheck, _) => SENSE_CHECK_OPTIONS
            .iter()
            .map(|o| (*o).to_string())
            .collect(),
        (PollKind::Count, _) => COUNT_OPTIONS.iter().map(|o| (*o).to_string()).collect(),
        _ => Vec::new(),
    };
    let mut times = Vec::new();
    if kind == PollKind::Meeting {
        for value in answers.times.iter().take(TIMES_MAX) {
            if value.trim().is_empty() {
                continue;
            }
            match zones::local_to_unix(value, &zone) {
                Some(at) if at > now => {
                    if !times.contains(&at) {
                        times.push(at);
                    }
                }
                Some(_) => errors.add("time-0", "Every time must be in the future"),
                None => errors.add(
                    "time-0",
                    "Enter each time as a date and time, like 3 December 2026 at 10:00",
                ),
            }
        }
        times.sort_unstable();
        if times.is_empty() {
            errors.add("time-0", "Enter at least one time for the meeting");
        }
        options = times
            .iter()
            .map(|at| zones::format_short_in_zone(*at, &zone))
            .collect();
    } else if kind.has_written_options() {
        let mut written: Vec<String> = Vec::new();
        for line in answers.options.lines() {
            let option = line.trim();
            if option.is_empty() {
                continue;
            }
            if option.chars().count() > OPTION_MAX {
                errors.add(
                    "options",
                    format!("Each option must be {OPTION_MAX} characters or fewer. Shorten \u{201c}{}…\u{201d}", option.chars().take(30).collect::<String>()),
                );
            } else if written.iter().any(|w| w.eq_ignore_ascii_case(option)) {
                errors.add(
                    "options",
                    format!("\u{201c}{option}\u{201d} is written twice. Write each option once"),
                );
            } else {
                written.push(option.to_string());
            }
        }
        if written.len() < 2 {
            errors.add("options", "Write at least 2 options, one on each line");
        } else if written.len() > OPTIONS_MAX {
            errors.add(
                "options",
                format!("Write no more than {OPTIONS_MAX} options"),
            );
        }
        options = written;
    }

    let closes_at = check_closes_at(&answers.closes_at, &zone, now, &mut errors);
    let remind = match answers.remind.trim() {
        "" => REMIND[0].0,
        chosen => REMIND
            .iter()
            .find(|(value, ..)| *value == chosen)
            .map_or_else(
                || {
                    errors.add("remind", "Choose who is reminded before the poll closes");
                    REMIND[0].0
                },
                |(value, ..)| *value,
            ),
    };

    let hide_results = HideResults::parse(&answers.hide_results).unwrap_or_else(|| {
        errors.add("hide_results", "Choose when people can see the results");
        HideResults::Never
    });
    let reason = if kind == PollKind::Question {
        ReasonMode::Required
    } else {
        ReasonMode::parse(&answers.reason).unwrap_or_else(|| {
            errors.add("reason", "Choose whether people give a reason");
            ReasonMode::Optional
        })
    };
    if answers.anonymous && answers.allow_change {
        errors.add(
            "settings",
            "A secret ballot cannot be changed once cast, because nothing links a person to their ballot. Untick \u{201c}People can change their vote\u{201d}, or untick \u{201c}Secret ballot\u{201d}",
        );
    }

    let voters: Vec<String> = answers
        .voters
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|h| h.trim().trim_start_matches('@').to_lowercase())
        .filter(|h| !h.is_empty())
        .fold(Vec::new(), |mut all, h| {
            if !all.contains(&h) {
                all.push(h);
            }
            all
        });
    if voters.len() > VOTERS_MAX {
        errors.add("voters", format!("Name no more than {VOTERS_MAX} people"));
    }

    let written = options.len();
    let mut rules = PollRules {
        count_target: 1,
        reason,
        ..PollRules::new(kind, written)
    };
    let written_i64 = i64::try_from(written).unwrap_or(0).max(1);
    match kind {
        PollKind::Choose => {
            let min = number(
                &mut errors,
                "min_choices",
                &answers.min_choices,
                1..=written_i64,
                &format!(
                    "Enter the fewest options a person chooses, a number from 1 to {written_i64}"
                ),
            );
            let max = number(
                &mut errors,
                "max_choices",
                &answers.max_choices,
                1..=written_i64,
                &format!(
                    "Enter the most options a person chooses, a number from 1 to {written_i64}"
                ),
            );
            if max < min && errors.for_field("max_choices").is_none() {
                errors.add(
                    "max_choices",
                    "The most options a person chooses cannot be fewer than the fewest",
                );
            }
            rules.min_choices = min;
            rules.max_choices = max.max(min);
            if answers.none_of_the_above {
                rules.none_of_the_above = true;
                options.push(NONE_OF_THE_ABOVE.to_string());
                rules.option_count = options.len();
            }
        }
        PollKind::Score => {
            rules.score_min = number(
                &mut errors,
                "score_min",
                &answers.score_min,
                -10..=10,
                "Enter the lowest score, a whole number from -10 to 10",
            );
            rules.score_max = number(
                &mut errors,
                "score_max",
                &answers.score_max,
                -10..=10,
                "Enter the highest score, a whole number from -10 to 10",
            );
            if rules.score_max <= rules.score_min && errors.for_field("score_max").is_none() {
                errors.add(
                    "score_max",
                    "The highest score must be more than the lowest",
                );
            }
        }
        PollKind::DotVote => {
            rules.dot_total = number(
                &mut errors,
                "dot_total",
                &answers.dot_total,
                1..=100,
                "Enter how many dots each person shares out, a number from 1 to 100",
            );
        }
        PollKind::Ranked => {
            rules.method = RankedMethod::parse(&answers.method).unwrap_or_else(|| {
                errors.add("method", "Choose how the rankings are counted");
                RankedMethod::Borda
            });
        }
        PollKind::Count => {
            rules.count_target = number(
                &mut errors,
                "count_target",
                &answers.count_target,
                1..=100_000,
                "Enter how many people are needed, a number from 1 to 100,000",
            );
        }
        _ => {}
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PollSpec {
        kind,
        template,
        title,
        details: answers.details.clone(),
        options,
        times,
        closes_at,
        anonymous: answers.anonymous,
        hide_results,
        allow_change: answers.allow_change && !answers.anonymous,
        voters,
        rules,
        remind,
    })
}

/// A change to an open poll, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollEdit {
    pub title: String,
    pub details: String,
    pub closes_at: i64,
    /// New options and counting, or `None` when they are fixed because someone has voted.
    pub setup: Option<PollSetup>,
}

/// A poll's options and how they are counted: what a vote means, so fixed once anyone votes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollSetup {
    pub template: Option<Template>,
    pub options: Vec<String>,
    pub times: Vec<i64>,
    pub rules: PollRules,
}

/// Checks the form that changes an open poll of `kind`. With `options_fixed` only the title,
/// details and closing time are read; otherwise the options and counting are checked as when
/// the poll started (`answers` carries the poll's voting settings, which never change here).
pub fn check_edit(
    kind: PollKind,
    answers: &PollAnswers,
    options_fixed: bool,
    now: i64,
) -> Result<PollEdit, FormErrors> {
    if !options_fixed {
        return check_poll(kind, answers, now).map(|spec| PollEdit {
            title: spec.title,
            details: spec.details,
            closes_at: spec.closes_at,
            setup: Some(PollSetup {
                template: spec.template,
                options: spec.options,
                times: spec.times,
                rules: spec.rules,
            }),
        });
    }
    let mut errors = FormErrors::new();
    let title = check_title_and_details(kind, answers, &mut errors);
    let zone = check_zone(&answers.time_zone, &mut errors);
    let closes_at = check_closes_at(&answers.closes_at, &zone, now, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PollEdit {
        title,
        details: answers.details.clone(),
        closes_at,
        setup: None,
    })
}

/// Checks the new closing time of a poll being reopened, written in the zone named `time_zone`.
pub fn check_reopen(time_zone: &str, closes_at: &str, now: i64) -> Result<i64, FormErrors> {
    let mut errors = FormErrors::new();
    let zone = check_zone(time_zone, &mut errors);
    let at = check_closes_at(closes_at, &zone, now, &mut errors);
    if errors.is_empty() {
        Ok(at)
    } else {
        Err(errors)
    }
}

/// The longest outcome statement, in characters.
pub const OUTCOME_MAX: usize = DETAILS_MAX;

/// Checks an outcome: a statement, and for a meeting poll the chosen time's option number.
pub fn check_outcome(
    kind: PollKind,
    statement: &str,
    chosen: Option<&str>,
    option_count: usize,
) -> Result<Option<usize>, FormErrors> {
    let mut errors = FormErrors::new();
    let chosen_option = if kind == PollKind::Meeting {
        let option = chosen
            .and_then(|c| c.parse::<usize>().ok())
            .filter(|n| *n < option_count);
        if option.is_none() {
            errors.add("chosen", "Choose the time of the meeting");
        }
        option
    } else {
        None
    };
    if statement.trim().is_empty() {
        errors.add(
            "statement",
            "Write the outcome: what was decided, and what happens next",
        );
    } else if statement.chars().count() > OUTCOME_MAX {
        errors.add(
            "statement",
            "The outcome must be 10,000 characters or fewer",
        );
    }
    if errors.is_empty() {
        Ok(chosen_option)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests;
