//! The ballot form of every kind of poll, and the same answers carried as hidden fields on the
//! "Check your vote" page.
//!
//! Accessibility: every kind is native form controls, never drag and drop. One choice is radios
//! in a fieldset whose legend is the question; several choices are tick boxes; a score or a
//! meeting time is a fieldset of radios per option whose legend is the option, so a screen
//! reader hears "Lunch, group, 3, radio button, 4 of 6"; dots are a labelled number box per
//! option; ranks are a labelled select per option ("Rank for Lunch: 1st"). Each option's field
//! id is `option-<n>`, where the error summary's links land.
//!
//! The dot vote's fieldset carries its total as `data-dot-total`. Where scripts run,
//! `public/enhance.js` adds a running total after the boxes ("5 of 8 dots used", "9 of 8 dots
//! used: 1 too many") in a polite status region, so a screen reader hears it as numbers change.
//! Without scripts the legend states the total, and the server checks the sum as always.

use leptos::prelude::*;

use crate::domain::polls::ballot::{
    BallotAnswers, CHOICE_FIELD, CHOSEN_FIELD, DOTS_FIELD, REASON_FIELD,
};
use crate::domain::polls::{Ballot, OPTION_FIELDS, PollKind, PollRules, ReasonMode};
use crate::domain::validation::FormErrors;
use crate::pages::FormData;
use crate::ui::{CheckboxGroup, Choice, RadioGroup, Select, TextInput, Textarea};

/// The answers of a ballot form as posted.
pub fn answers_from(form: &FormData, option_count: usize) -> BallotAnswers {
    BallotAnswers {
        choice: form.choice(CHOICE_FIELD),
        chosen: form.all(CHOSEN_FIELD),
        values: OPTION_FIELDS
            .iter()
            .take(option_count)
            .map(|f| form.text(f).to_string())
            .collect(),
        reason: form.text(REASON_FIELD).to_string(),
    }
}

/// A stored ballot as form answers, to fill the form when changing a vote.
pub fn answers_of(rules: &PollRules, ballot: &Ballot, reason: Option<String>) -> BallotAnswers {
    let mut answers = BallotAnswers {
        reason: reason.unwrap_or_default(),
        ..BallotAnswers::default()
    };
    match rules.kind {
        PollKind::Question => {}
        PollKind::Choose if rules.max_choices > 1 => {
            answers.chosen = ballot.marks.iter().map(|(o, _)| o.to_string()).collect();
        }
        PollKind::Proposal | PollKind::SenseCheck | PollKind::Count | PollKind::Choose => {
            answers.choice = ballot.marks.first().map(|(o, _)| o.to_string());
        }
        PollKind::Score | PollKind::DotVote | PollKind::Ranked | PollKind::Meeting => {
            answers.values = vec![String::new(); rules.option_count];
            for (option, value) in &ballot.marks {
                if let Some(slot) = answers.values.get_mut(*option) {
                    *slot = match rules.kind {
                        PollKind::Meeting => meeting_value(*value).to_string(),
                        _ => value.to_string(),
                    };
                }
            }
        }
    }
    answers
}

fn meeting_value(value: i64) -> &'static str {
    match value {
        crate::domain::polls::MEETING_YES => "yes",
        crate::domain::polls::MEETING_IF_NEED_BE => "if-need-be",
        _ => "no",
    }
}

fn value_of(answers: &BallotAnswers, option: usize) -> String {
    answers.values.get(option).cloned().unwrap_or_default()
}

/// The fields of the ballot for the poll's kind, then the reason.
#[component]
pub fn BallotFields(
    rules: PollRules,
    labels: Vec<String>,
    answers: BallotAnswers,
    errors: FormErrors,
    /// The question the choice answers, for the legend of single and multiple choice.
    legend: String,
) -> impl IntoView {
    let numbered = |labels: &[String]| -> Vec<Choice> {
        labels
            .iter()
            .enumerate()
            .map(|(n, label)| Choice::new(n.to_string(), label.clone()))
            .collect()
    };
    let fields = match rules.kind {
        PollKind::Question => None,
        PollKind::Choose if rules.max_choices > 1 => {
            let hint = if rules.min_choices == rules.max_choices {
                format!("Choose {} options.", rules.max_choices)
            } else {
                format!(
                    "Choose from {} to {} options.",
                    rules.min_choices, rules.max_choices
                )
            };
            Some(view! {
                <CheckboxGroup name=CHOSEN_FIELD legend=legend.clone() hint=hint choices=numbered(&labels)
                    selected=answers.chosen.clone() error=errors.for_field(CHOSEN_FIELD)/>
            }.into_any())
        }
        PollKind::Proposal | PollKind::SenseCheck | PollKind::Count | PollKind::Choose => Some(
            view! {
                <RadioGroup name=CHOICE_FIELD legend=legend.clone() choices=numbered(&labels)
                    selected=answers.choice.clone() error=errors.for_field(CHOICE_FIELD)/>
            }
            .into_any(),
        ),
        PollKind::Score => {
            let scale: Vec<Choice> = (rules.score_min..=rules.score_max)
                .map(|s| Choice::new(s.to_string(), s.to_string()))
                .collect();
            let hint = format!(
                "{} is the lowest score and {} the highest.",
                rules.score_min, rules.score_max
            );
            let groups = radios_per_option(&labels, &answers, &errors, &scale);
            Some(
                view! {
                    <fieldset class="q-fieldset q-scale">
                        <legend class="q-fieldset__legend">"Give each option a score"</legend>
                        <p class="q-hint">{hint}</p>
                        {groups}
                    </fieldset>
                }
                .into_any(),
            )
        }
        PollKind::DotVote => {
            let boxes = OPTION_FIELDS
                .iter()
                .zip(labels.iter())
                .enumerate()
                .map(|(n, (field, label))| {
                    view! {
                        <TextInput name=field label=label.clone() inputmode="numeric"
                            value=value_of(&answers, n) error=errors.for_field(field)/>
                    }
                })
                .collect_view();
            let total_error = errors.for_field(DOTS_FIELD);
            let class = if total_error.is_some() {
                "q-form-group q-form-group--error"
            } else {
                "q-form-group"
            };
            let legend = format!("Share out up to {} dots", rules.dot_total);
            // The summary's link lands on the group, and its error is read with the legend.
            let described = if total_error.is_some() {
                format!("{DOTS_FIELD}-hint {DOTS_FIELD}-error")
            } else {
                format!("{DOTS_FIELD}-hint")
            };
            Some(view! {
                <div class=class id=DOTS_FIELD tabindex="-1">
                    <fieldset class="q-fieldset" aria-describedby=described data-dot-total=rules.dot_total>
                        <legend class="q-fieldset__legend">{legend}</legend>
                        <p class="q-hint" id=format!("{DOTS_FIELD}-hint")>"Give more dots to the options you like most. Leave a box empty for none."</p>
                        {total_error.map(|e| view! {
                            <p class="q-error-message" id=format!("{DOTS_FIELD}-error")><span class="q-visually-hidden">"Error: "</span>{e}</p>
                        })}
                        {boxes}
                    </fieldset>
                </div>
            }.into_any())
        }
        PollKind::Ranked => {
            let mut places: Vec<(String, String)> = vec![(String::new(), "Not ranked".into())];
            places.extend((1..=labels.len()).map(|r| (r.to_string(), ordinal(r))));
            let selects = OPTION_FIELDS
                .iter()
                .zip(labels.iter())
                .enumerate()
                .map(|(n, (field, label))| {
                    view! {
                        <Select name=field label=format!("Rank for {label}") options=places.clone()
                            selected=value_of(&answers, n) error=errors.for_field(field)/>
                    }
                })
                .collect_view();
            Some(view! {
                <fieldset class="q-fieldset">
                    <legend class="q-fieldset__legend">"Rank the options"</legend>
                    <p class="q-hint">"Give your favourite 1st, the next 2nd, and so on. You may leave options unranked, but not skip a place."</p>
                    {selects}
                </fieldset>
            }.into_any())
        }
        PollKind::Meeting => {
            let answers_for = vec![
                Choice::new("yes", "Yes"),
                Choice::new("if-need-be", "If need be"),
                Choice::new("no", "No"),
            ];
            let groups = radios_per_option(&labels, &answers, &errors, &answers_for);
            Some(
                view! {
                    <fieldset class="q-fieldset">
                        <legend class="q-fieldset__legend">"Can you come?"</legend>
                        <p class="q-hint">"Times are in your time zone. Answer for every time."</p>
                        {groups}
                    </fieldset>
                }
                .into_any(),
            )
        }
    };
    let reason = match (rules.kind, rules.reason) {
        (PollKind::Question, _) => Some(
            view! {
                <Textarea name=REASON_FIELD label="Your answer" hint="Up to 500 characters."
                    value=answers.reason.clone() error=errors.for_field(REASON_FIELD) rows=4
                    max_chars=rules.reason_max/>
            }
            .into_any(),
        ),
        (_, ReasonMode::Off) => None,
        (_, mode) => {
            let label = if mode == ReasonMode::Required {
                "Your reason"
            } else {
                "Your reason (optional)"
            };
            Some(view! {
                <Textarea name=REASON_FIELD label=label hint="Up to 500 characters. Others see it with your vote."
                    value=answers.reason.clone() error=errors.for_field(REASON_FIELD) rows=3
                    max_chars=rules.reason_max/>
            }.into_any())
        }
    };
    view! { {fields} {reason} }
}

/// One fieldset of radios per option, its legend the option: a score's scale, or a meeting
/// time's yes, if need be and no.
fn radios_per_option(
    labels: &[String],
    answers: &BallotAnswers,
    errors: &FormErrors,
    choices: &[Choice],
) -> impl IntoView + use<> {
    OPTION_FIELDS
        .iter()
        .zip(labels.iter())
        .enumerate()
        .map(|(n, (field, label))| {
            let selected = Some(value_of(answers, n)).filter(|v| !v.is_empty());
            view! {
                <RadioGroup name=field legend=label.clone() choices=choices.to_vec()
                    selected=selected error=errors.for_field(field)/>
            }
        })
        .collect_view()
}

/// "1st", "2nd", "3rd", "4th", … "11th", "21st".
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The hidden field that names the version of the options a ballot form was shown with.
pub const OPTIONS_VERSION_FIELD: &str = "options_version";

/// The answers as hidden fields, so "Cast vote" sends exactly what was checked.
#[component]
pub fn HiddenAnswers(answers: BallotAnswers) -> impl IntoView {
    let choice = answers
        .choice
        .map(|c| view! { <input type="hidden" name=CHOICE_FIELD value=c/> });
    let chosen = answers
        .chosen
        .into_iter()
        .map(|c| view! { <input type="hidden" name=CHOSEN_FIELD value=c/> })
        .collect_view();
    let values = OPTION_FIELDS
        .iter()
        .zip(answers.values)
        .map(|(field, value)| view! { <input type="hidden" name=*field value=value/> })
        .collect_view();
    view! {
        {choice}
        {chosen}
        {values}
        <input type="hidden" name=REASON_FIELD value=answers.reason/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_as_places() {
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal).to_vec();
        assert_eq!(
            words,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"
            ]
        );
    }
}
