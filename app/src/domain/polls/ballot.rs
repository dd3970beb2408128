//! Checking a ballot form: turning what a person typed into the marks of a [`Ballot`], or into
//! every problem at once, and turning a ballot back into words for the "Check your vote" page.
//!
//! Strategy: the form sends option numbers and one text value per option as typed; nothing is
//! trusted. Each kind of poll reads only the answers it uses ([`BallotAnswers::choice`] for a
//! single choice, [`BallotAnswers::chosen`] for several, [`BallotAnswers::values`] for scores,
//! dots, ranks and meeting times), checks each option's value on its own first (an error per
//! option, linked to that option's field), and only then the rules that span options (the dot
//! total, gaps in ranks), so a message never blames a total for one mistyped box. The reason
//! comes last, as on the page. Option labels appear in messages between curly quotes.
//!
//! The small text helpers (labels, lists, numbers with thousands separators) are shared with
//! [`super::tally`].

use std::collections::{BTreeMap, BTreeSet};

use super::{
    Ballot, MEETING_IF_NEED_BE, MEETING_NO, MEETING_YES, Mark, OPTION_FIELDS, PollKind, PollRules,
    ReasonMode,
};
use crate::domain::validation::FormErrors;

/// The answers of a ballot form, as typed.
#[derive(Debug, Clone, Default)]
pub struct BallotAnswers {
    /// The chosen option's number as typed ("0", "1", …): proposal, sense check, count, single
    /// choice.
    pub choice: Option<String>,
    /// The ticked options' numbers as typed: multiple choice.
    pub chosen: Vec<String>,
    /// One value per option as typed, by option number: score ("0".."5"), dots ("" = 0),
    /// rank ("" = not ranked, "1" = first), meeting answer ("yes", "if-need-be", "no").
    pub values: Vec<String>,
    /// The reason for the vote; for a question, the answer itself.
    pub reason: String,
}

/// The field of the single-choice radios.
pub const CHOICE_FIELD: &str = "choice";
/// The field of the multiple-choice checkboxes.
pub const CHOSEN_FIELD: &str = "chosen";
/// The field that a dot vote's total problems link to (the group of dot inputs).
pub const DOTS_FIELD: &str = "dots";
/// The field of the reason, and of a question's answer.
pub const REASON_FIELD: &str = "reason";

/// Checks a ballot against the poll's rules. `labels` are the options' names (for messages).
/// Returns the ballot's marks, sorted by option, or every problem at once, in page order.
///
/// A multiple-choice ballot must choose at least one option even when the poll's
/// `min_choices` is 0: an empty ballot says nothing. A question's ballot has no marks: its
/// answer is the reason, which is then required whatever `rules.reason` says.
pub fn check_ballot(
    rules: &PollRules,
    labels: &[String],
    answers: &BallotAnswers,
) -> Result<Ballot, FormErrors> {
    let mut errors = FormErrors::new();
    let marks = match rules.kind {
        PollKind::Question => Vec::new(),
        PollKind::Proposal | PollKind::SenseCheck | PollKind::Count => {
            single_choice(rules, labels, answers, &mut errors)
        }
        PollKind::Choose if rules.max_choices <= 1 => {
            single_choice(rules, labels, answers, &mut errors)
        }
        PollKind::Choose => multiple_choice(rules, answers, &mut errors),
        PollKind::Score => scores(rules, labels, answers, &mut errors),
        PollKind::DotVote => dots(rules, labels, answers, &mut errors),
        PollKind::Ranked => ranks(rules, labels, answers, &mut errors),
        PollKind::Meeting => meeting(rules, labels, answers, &mut errors),
    };
    check_reason(rules, answers, &mut errors);
    if errors.is_empty() {
        Ok(Ballot { marks })
    } else {
        Err(errors)
    }
}

/// The reason as stored: trimmed, or None when empty or reasons are off. A question's answer
/// is always kept, as it is the ballot's whole content.
pub fn reason_of(rules: &PollRules, answers: &BallotAnswers) -> Option<String> {
    let reason = answers.reason.trim();
    let kept = rules.kind == PollKind::Question || rules.reason != ReasonMode::Off;
    (kept && !reason.is_empty()).then(|| reason.to_owned())
}

/// A ballot in words for the "Check your vote" page: one plain sentence per line, such as
/// "Agree", "Lunch: 4 out of 5", "Lunch: 3 dots", "1. Lunch" or "Tuesday 10:00: Yes".
/// Ranks are listed first place first; everything else in option order. A question's ballot
/// has no lines (its answer is the reason). Marks of options the poll does not have are left out.
pub fn describe(rules: &PollRules, labels: &[String], ballot: &Ballot) -> Vec<String> {
    let mut marks: Vec<Mark> = ballot
        .marks
        .iter()
        .copied()
        .filter(|(option, _)| *option < rules.option_count)
        .collect();
    marks.sort_unstable();
    let name = |option: usize| label(labels, option);
    match rules.kind {
        PollKind::Question => Vec::new(),
        PollKind::Proposal | PollKind::SenseCheck | PollKind::Count | PollKind::Choose => {
            marks.iter().map(|(option, _)| name(*option)).collect()
        }
        PollKind::Score => marks
            .iter()
            .map(|(option, score)| {
                format!(
                    "{}: {} out of {}",
                    name(*option),
                    grouped(*score),
                    grouped(rules.score_max)
                )
            })
            .collect(),
        PollKind::DotVote => marks
            .iter()
            .filter(|(_, dots)| *dots > 0)
            .map(|(option, dots)| format!("{}: {}", name(*option), counted(*dots, "dot", "dots")))
            .collect(),
        PollKind::Ranked => {
            marks.sort_unstable_by_key(|(option, rank)| (*rank, *option));
            marks
                .iter()
                .filter(|(_, rank)| *rank >= 1)
                .map(|(option, rank)| format!("{}. {}", grouped(*rank), name(*option)))
                .collect()
        }
        PollKind::Meeting => marks
            .iter()
            .filter_map(|(option, answer)| {
                let words = match *answer {
                    MEETING_YES => "Yes",
                    MEETING_IF_NEED_BE => "If need be",
                    MEETING_NO => "No",
                    _ => return None,
                };
                Some(format!("{}: {words}", name(*option)))
            })
            .collect(),
    }
}

/// Proposal, sense check, count and single choice: exactly one option.
fn single_choice(
    rules: &PollRules,
    labels: &[String],
    answers: &BallotAnswers,
    errors: &mut FormErrors,
) -> Vec<Mark> {
    let typed = answers.choice.as_deref().map(str::trim).unwrap_or_default();
    if typed.is_empty() {
        let message = match rules.kind {
            PollKind::Proposal | PollKind::SenseCheck if rules.option_count > 0 => {
                let names: Vec<String> = (0..rules.option_count)
                    .map(|option| label(labels, option))
                    .collect();
                format!("Choose {}", join_words(&names, "or"))
            }
            _ => "Choose one option".to_owned(),
        };
        errors.add(CHOICE_FIELD, message);
        return Vec::new();
    }
    match option_number(rules, typed) {
        Some(option) => vec![(option, 1)],
        None => {
            errors.add(CHOICE_FIELD, "Choose one of the options");
            Vec::new()
        }
    }
}

/// Multiple choice: between the poll's bounds, "none of the above" only alone.
fn multiple_choice(
    rules: &PollRules,
    answers: &BallotAnswers,
    errors: &mut FormErrors,
) -> Vec<Mark> {
    let mut chosen = BTreeSet::new();
    for typed in answers.chosen.iter().map(|t| t.trim()) {
        if typed.is_empty() {
            continue;
        }
        match option_number(rules, typed) {
            Some(option) => {
                chosen.insert(option);
            }
            None => {
                errors.add(CHOSEN_FIELD, "Choose from the options given");
                return Vec::new();
            }
        }
    }
    let none_of_the_above = rules
        .none_of_the_above
        .then(|| rules.option_count.checked_sub(1))
        .flatten();
    let count = i64::try_from(chosen.len()).unwrap_or(i64::MAX);
    let least = rules.min_choices.max(1);
    if let Some(last) = none_of_the_above.filter(|last| chosen.contains(last)) {
        if count > 1 {
            errors.add(
                CHOSEN_FIELD,
                format!(
                    "\u{201c}{}\u{201d} cannot be chosen with other options",
                    super::NONE_OF_THE_ABOVE
                ),
            );
            return Vec::new();
        }
        return vec![(last, 1)];
    }
    if count < least {
        errors.add(
            CHOSEN_FIELD,
            format!("Choose at least {}", counted(least, "option", "options")),
        );
        return Vec::new();
    }
    if count > rules.max_choices {
        errors.add(
            CHOSEN_FIELD,
            format!(
                "Choose no more than {}",
                counted(rules.max_choices, "option", "options")
            ),
        );
        return Vec::new();
    }
    chosen.into_iter().map(|option| (option, 1)).collect()
}

/// Score: every option a whole number on the scale.
fn scores(
    rules: &PollRules,
    labels: &[String],
    answers: &BallotAnswers,
    errors: &mut FormErrors,
) -> Vec<Mark> {
    let mut marks = Vec::new();
    for option in 0..rules.option_count {
        let score = typed_value(answers, option)
            .parse::<i64>()
            .ok()
            .filter(|score| (rules.score_min..=rules.score_max).contains(score));
        match score {
            Some(score) => marks.push((option, score)),
            None => errors.add(
                option_field(option),
                format!(
                    "Give {} a score from {} to {}",
                    quoted(labels, option),
                    grouped(rules.score_min),
                    grouped(rules.score_max)
                ),
            ),
        }
    }
    marks
}

/// Dot vote: each option a whole number of dots, at least one dot and no more than the total.
fn dots(
    rules: &PollRules,
    labels: &[String],
    answers: &BallotAnswers,
    errors: &mut FormErrors,
) -> Vec<Mark> {
    let mut marks = Vec::new();
    let mut total: i64 = 0;
    let mut each_ok = true;
    for option in 0..rules.option_count {
        let typed = typed_value(answers, option);
        let dots = if typed.is_empty() {
            Some(0)
        } else {
            whole_number(typed)
        };
        match dots {
            Some(dots) => {
                total = total.saturating_add(dots);
                if dots > 0 {
                    marks.push((option, dots));
                }
            }
            None => {
                each_ok = false;
                errors.add(
                    option_field(option),
                    format!(
                        "Give {} a whole number of dots, 0 or more",
                        quoted(labels, option)
                    ),
                );
            }
        }
    }
    if each_ok {
        if total < 1 {
            errors.add(DOTS_FIELD, "Give at least one dot to an option");
        } else if total > rules.dot_total {
            errors.add(
                DOTS_FIELD,
                format!(
                    "You have given {}; share out no more than {}",
                    counted(total, "dot", "dots"),
                    grouped(rules.dot_total)
                ),
            );
        }
    }
    marks
}

/// Ranked: some options ranked 1, 2, 3… with no repeats and no gaps; the rest left blank.
fn ranks(
    rules: &PollRules,
    labels: &[String],
    answers: &BallotAnswers,
    errors: &mut FormErrors,
) -> Vec<Mark> {
    let most = i64::try_from(rules.option_count).unwrap_or(i64::MAX);
    let mut marks = Vec::new();
    let mut each_ok = true;
    for option in 0..rules.option_count {
        let typed = typed_value(answers, option);
        if typed.is_empty() {
            continue;
        }
        match whole_number(typed).filter(|rank| (1..=most).contains(rank)) {
            Some(rank) => marks.push((option, rank)),
            None => {
                each_ok = false;
                errors.add(
                    option_field(option),
                    format!(
                        "Give {} a rank from 1 to {}, or leave it blank",
                        quoted(labels, option),
                        grouped(most)
                    ),
                );
            }
        }
    }
    if !each_ok {
        return marks;
    }
    if marks.is_empty() {
        errors.add(option_field(0), "Rank at least one option");
        return marks;
    }
    // Repeats: reported once per repeated rank, on the second option that has it.
    let mut holders: BTreeMap<i64, usize> = BTreeMap::new();
    let mut repeated = false;
    for (option, rank) in &marks {
        let seen = holders.entry(*rank).or_insert(0);
        *seen += 1;
        if *seen == 2 {
            repeated = true;
            errors.add(
                option_field(*option),
                format!("Only one option can be ranked {}", grouped(*rank)),
            );
        }
    }
    if repeated {
        return marks;
    }
    // No repeats, so the ranks are 1..=k exactly unless one is missing.
    let ranked = i64::try_from(marks.len()).unwrap_or(i64::MAX);
    let missing = (1..=ranked).find(|rank| !holders.contains_key(rank));
    let too_high = marks.iter().find(|(_, rank)| *rank > ranked);
    if let (Some(missing), Some((option, _))) = (missing, too_high) {
        let message = if ranked == 1 {
            format!(
                "Rank {} 1, as it is the only option you have ranked",
                quoted(labels, *option)
            )
        } else {
            format!(
                "Rank options {} without gaps: there is no {}",
                rank_sequence(ranked),
                grouped(missing)
            )
        };
        errors.add(option_field(*option), message);
    }
    marks
}

/// Meeting: every time answered yes, if need be, or no.
fn meeting(
    rules: &PollRules,
    labels: &[String],
    answers: &BallotAnswers,
    errors: &mut FormErrors,
) -> Vec<Mark> {
    let mut marks = Vec::new();
    for option in 0..rules.option_count {
        let answer = match typed_value(answers, option) {
            "yes" => MEETING_YES,
            "if-need-be" => MEETING_IF_NEED_BE,
            "no" => MEETING_NO,
            _ => {
                errors.add(
                    option_field(option),
                    format!("Say whether {} suits you", quoted(labels, option)),
                );
                continue;
            }
        };
        marks.push((option, answer));
    }
    marks
}

/// The reason (a question's answer): required or optional, and within its length.
fn check_reason(rules: &PollRules, answers: &BallotAnswers, errors: &mut FormErrors) {
    let reason = answers.reason.trim();
    let (noun, required) = match (rules.kind, rules.reason) {
        (PollKind::Question, _) => ("answer", true),
        (_, ReasonMode::Off) => return,
        (_, ReasonMode::Optional) => ("reason", false),
        (_, ReasonMode::Required) => ("reason", true),
    };
    if reason.is_empty() {
        if required {
            let message = if rules.kind == PollKind::Question {
                "Write your answer"
            } else {
                "Give a reason for your vote"
            };
            errors.add(REASON_FIELD, message);
        }
    } else if reason.chars().count() > rules.reason_max {
        errors.add(
            REASON_FIELD,
            format!(
                "Your {noun} must be {} characters or fewer",
                grouped(i64::try_from(rules.reason_max).unwrap_or(i64::MAX))
            ),
        );
    }
}

/// The value typed for an option, trimmed; "" when the form sent none.
fn typed_value(answers: &BallotAnswers, option: usize) -> &str {
    answers.values.get(option).map_or("", |v| v.trim())
}

/// An option's number as typed, if it is one of the poll's options.
fn option_number(rules: &PollRules, typed: &str) -> Option<usize> {
    typed
        .parse::<usize>()
        .ok()
        .filter(|option| *option < rules.option_count)
}

/// A whole number 0 or more written in digits only; too large to hold counts as the largest.
fn whole_number(typed: &str) -> Option<i64> {
    if typed.is_empty() || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(typed.parse().unwrap_or(i64::MAX))
}

/// The form field of an option's input. Polls never have more options than there are fields;
/// were one to, its errors would link to the last field rather than be lost.
fn option_field(option: usize) -> &'static str {
    OPTION_FIELDS
        .get(option)
        .or(OPTION_FIELDS.last())
        .copied()
        .unwrap_or("option-0")
}

/// "1 and 2", "1, 2, 3", "1, 2, 3, 4", then "1 to 5" and beyond.
fn rank_sequence(ranked: i64) -> String {
    match ranked {
        ..=2 => "1 and 2".to_owned(),
        3..=4 => (1..=ranked)
            .map(|rank| rank.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        _ => format!("1 to {}", grouped(ranked)),
    }
}

/// An option's name, or "Option 3" should the labels be short.
pub(super) fn label(labels: &[String], option: usize) -> String {
    labels
        .get(option)
        .cloned()
        .unwrap_or_else(|| format!("Option {}", option.saturating_add(1)))
}

/// An option's name between curly quotes, for messages.
pub(super) fn quoted(labels: &[String], option: usize) -> String {
    format!("\u{201c}{}\u{201d}", label(labels, option))
}

/// "A", "A and B", "A, B and C" (or with "or").
pub(super) fn join_words(words: &[String], last_joint: &str) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {last_joint} {last}", rest.join(", ")),
    }
}

pub(super) use crate::domain::grouped;

/// "1 dot", "3 dots", "1,200 dots".
pub(super) fn counted(number: i64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        grouped(number),
        if number == 1 { one } else { many }
    )
}

#[cfg(test)]
mod tests;
