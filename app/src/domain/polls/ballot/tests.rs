//! Checks of ballot forms for every kind of poll, in words and by property: every ballot made
//! within the rules is accepted as the marks it stands for, and no typing can cause a panic.

use super::*;
use crate::domain::polls::{COUNT_OPTIONS, RankedMethod, SENSE_CHECK_OPTIONS, Template};
use proptest::prelude::*;

fn rules(kind: PollKind, option_count: usize) -> PollRules {
    PollRules::new(kind, option_count)
}

fn names(labels: &[&str]) -> Vec<String> {
    labels.iter().map(|l| (*l).to_owned()).collect()
}

fn consensus() -> Vec<String> {
    names(Template::Consensus.options())
}

fn lunch() -> Vec<String> {
    names(&["Lunch", "Dinner", "Breakfast"])
}

fn choice(typed: &str) -> BallotAnswers {
    BallotAnswers {
        choice: Some(typed.to_owned()),
        ..BallotAnswers::default()
    }
}

fn chosen(typed: &[&str]) -> BallotAnswers {
    BallotAnswers {
        chosen: names(typed),
        ..BallotAnswers::default()
    }
}

fn values(typed: &[&str]) -> BallotAnswers {
    BallotAnswers {
        values: names(typed),
        ..BallotAnswers::default()
    }
}

fn marks(result: Result<Ballot, FormErrors>) -> Vec<Mark> {
    match result {
        Ok(ballot) => ballot.marks,
        Err(errors) => panic!("refused: {errors:?}"),
    }
}

/// Every problem as (field, message), in order.
fn problems(result: Result<Ballot, FormErrors>) -> Vec<(&'static str, String)> {
    match result {
        Ok(ballot) => panic!("accepted: {ballot:?}"),
        Err(errors) => errors
            .iter()
            .map(|e| match e.field {
                std::borrow::Cow::Borrowed(field) => (field, e.message.clone()),
                std::borrow::Cow::Owned(ref field) => panic!("a ballot field is named {field}"),
            })
            .collect(),
    }
}

fn one_problem(result: Result<Ballot, FormErrors>) -> (&'static str, String) {
    let mut all = problems(result);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

#[test]
fn a_proposal_vote_is_one_mark() {
    let poll = rules(PollKind::Proposal, 4);
    assert_eq!(
        marks(check_ballot(&poll, &consensus(), &choice("3"))),
        [(3, 1)]
    );
    assert_eq!(
        marks(check_ballot(&poll, &consensus(), &choice(" 0 "))),
        [(0, 1)]
    );
}

#[test]
fn a_missing_proposal_vote_names_the_options() {
    let poll = rules(PollKind::Proposal, 4);
    for answers in [BallotAnswers::default(), choice(""), choice("  ")] {
        assert_eq!(
            one_problem(check_ballot(&poll, &consensus(), &answers)),
            (
                "choice",
                "Choose Agree, Abstain, Disagree or Block".to_owned()
            )
        );
    }
    let consent = names(Template::Consent.options());
    assert_eq!(
        one_problem(check_ballot(
            &rules(PollKind::Proposal, 2),
            &consent,
            &BallotAnswers::default()
        ))
        .1,
        "Choose Consent or Objection"
    );
    let sense = names(&SENSE_CHECK_OPTIONS);
    assert_eq!(
        one_problem(check_ballot(
            &rules(PollKind::SenseCheck, 3),
            &sense,
            &BallotAnswers::default()
        ))
        .1,
        "Choose Looks good, Not sure or Concerned"
    );
}

#[test]
fn sense_checks_counts_and_single_choices_take_one_option() {
    let sense = names(&SENSE_CHECK_OPTIONS);
    assert_eq!(
        marks(check_ballot(
            &rules(PollKind::SenseCheck, 3),
            &sense,
            &choice("2")
        )),
        [(2, 1)]
    );
    let count = names(&COUNT_OPTIONS);
    let poll = rules(PollKind::Count, 2);
    assert_eq!(marks(check_ballot(&poll, &count, &choice("0"))), [(0, 1)]);
    assert_eq!(
        one_problem(check_ballot(&poll, &count, &BallotAnswers::default())),
        ("choice", "Choose one option".to_owned())
    );
    let poll = rules(PollKind::Choose, 3);
    assert_eq!(marks(check_ballot(&poll, &lunch(), &choice("1"))), [(1, 1)]);
    assert_eq!(
        one_problem(check_ballot(&poll, &lunch(), &BallotAnswers::default())),
        ("choice", "Choose one option".to_owned())
    );
}

#[test]
fn a_choice_that_is_not_an_option_is_refused() {
    let poll = rules(PollKind::Proposal, 4);
    for typed in ["4", "-1", "x", "1.0", "0x1", "99999999999999999999999"] {
        assert_eq!(
            one_problem(check_ballot(&poll, &consensus(), &choice(typed))),
            ("choice", "Choose one of the options".to_owned()),
            "{typed}"
        );
    }
}

fn multiple(min: i64, max: i64, none_of_the_above: bool) -> PollRules {
    PollRules {
        min_choices: min,
        max_choices: max,
        none_of_the_above,
        ..rules(PollKind::Choose, 5)
    }
}

fn five() -> Vec<String> {
    names(&["A", "B", "C", "D", NONE_OF_THE_ABOVE_LABEL])
}

const NONE_OF_THE_ABOVE_LABEL: &str = crate::domain::polls::NONE_OF_THE_ABOVE;

#[test]
fn multiple_choices_are_deduplicated_and_sorted() {
    let poll = multiple(1, 3, false);
    assert_eq!(
        marks(check_ballot(
            &poll,
            &five(),
            &chosen(&["3", "0", "3", " 0", ""])
        )),
        [(0, 1), (3, 1)]
    );
}

#[test]
fn multiple_choices_keep_within_the_bounds() {
    let poll = multiple(2, 3, false);
    assert_eq!(
        one_problem(check_ballot(&poll, &five(), &chosen(&["1"]))),
        ("chosen", "Choose at least 2 options".to_owned())
    );
    assert_eq!(
        one_problem(check_ballot(&poll, &five(), &chosen(&[]))).1,
        "Choose at least 2 options"
    );
    assert_eq!(
        one_problem(check_ballot(&poll, &five(), &chosen(&["0", "1", "2", "3"]))),
        ("chosen", "Choose no more than 3 options".to_owned())
    );
    assert_eq!(
        marks(check_ballot(&poll, &five(), &chosen(&["0", "1", "2"]))).len(),
        3
    );
    // A minimum of 0 still needs one choice: an empty ballot says nothing.
    assert_eq!(
        one_problem(check_ballot(&multiple(0, 2, false), &five(), &chosen(&[]))).1,
        "Choose at least 1 option"
    );
}

#[test]
fn multiple_choices_refuse_numbers_that_are_not_options() {
    let poll = multiple(1, 3, false);
    for typed in ["5", "a", "-0"] {
        assert_eq!(
            one_problem(check_ballot(&poll, &five(), &chosen(&["0", typed]))),
            ("chosen", "Choose from the options given".to_owned()),
            "{typed}"
        );
    }
}

#[test]
fn none_of_the_above_may_be_chosen_alone_even_below_the_minimum() {
    let poll = multiple(2, 3, true);
    assert_eq!(
        marks(check_ballot(&poll, &five(), &chosen(&["4"]))),
        [(4, 1)]
    );
    assert_eq!(
        marks(check_ballot(&poll, &five(), &chosen(&["4", "4"]))),
        [(4, 1)]
    );
}

#[test]
fn none_of_the_above_cannot_be_chosen_with_other_options() {
    let poll = multiple(1, 3, true);
    assert_eq!(
        one_problem(check_ballot(&poll, &five(), &chosen(&["0", "4"]))),
        (
            "chosen",
            "\u{201c}None of the above\u{201d} cannot be chosen with other options".to_owned()
        )
    );
    // Without the option offered, the last option is an ordinary one.
    let plain = multiple(1, 3, false);
    assert_eq!(
        marks(check_ballot(&plain, &five(), &chosen(&["0", "4"]))),
        [(0, 1), (4, 1)]
    );
}

#[test]
fn a_single_choice_poll_with_none_of_the_above_takes_it_like_any_option() {
    let poll = multiple(1, 1, true);
    assert_eq!(marks(check_ballot(&poll, &five(), &choice("4"))), [(4, 1)]);
}

#[test]
fn a_question_needs_an_answer_whatever_the_reason_setting() {
    for mode in ReasonMode::ALL {
        let poll = PollRules {
            reason: mode,
            ..rules(PollKind::Question, 0)
        };
        assert_eq!(
            one_problem(check_ballot(&poll, &[], &BallotAnswers::default())),
            ("reason", "Write your answer".to_owned())
        );
        let answers = BallotAnswers {
            reason: "  Thursdays suit me  ".into(),
            ..BallotAnswers::default()
        };
        assert_eq!(marks(check_ballot(&poll, &[], &answers)), []);
        assert_eq!(
            reason_of(&poll, &answers).as_deref(),
            Some("Thursdays suit me")
        );
        let long = BallotAnswers {
            reason: "é".repeat(501),
            ..BallotAnswers::default()
        };
        assert_eq!(
            one_problem(check_ballot(&poll, &[], &long)),
            (
                "reason",
                "Your answer must be 500 characters or fewer".to_owned()
            )
        );
    }
}

#[test]
fn every_option_gets_a_score_on_the_scale() {
    let poll = rules(PollKind::Score, 3);
    assert_eq!(
        marks(check_ballot(&poll, &lunch(), &values(&["4", " 0 ", "5"]))),
        [(0, 4), (1, 0), (2, 5)]
    );
    assert_eq!(
        problems(check_ballot(&poll, &lunch(), &values(&["6", "3", "x"]))),
        [
            (
                "option-0",
                "Give \u{201c}Lunch\u{201d} a score from 0 to 5".to_owned()
            ),
            (
                "option-2",
                "Give \u{201c}Breakfast\u{201d} a score from 0 to 5".to_owned()
            ),
        ]
    );
    for bad in ["", "-1", "4.5", "four"] {
        assert_eq!(
            one_problem(check_ballot(&poll, &lunch(), &values(&["1", bad, "1"]))).0,
            "option-1",
            "{bad}"
        );
    }
    let signed = PollRules {
        score_min: -2,
        score_max: 2,
        ..poll
    };
    assert_eq!(
        marks(check_ballot(&signed, &lunch(), &values(&["-2", "0", "2"]))),
        [(0, -2), (1, 0), (2, 2)]
    );
    assert_eq!(
        one_problem(check_ballot(&signed, &lunch(), &values(&["-3", "0", "2"]))).1,
        "Give \u{201c}Lunch\u{201d} a score from -2 to 2"
    );
}

#[test]
fn dots_are_whole_numbers_within_the_total() {
    let poll = rules(PollKind::DotVote, 3);
    assert_eq!(
        marks(check_ballot(&poll, &lunch(), &values(&["5", "", "3"]))),
        [(0, 5), (2, 3)]
    );
    assert_eq!(
        marks(check_ballot(&poll, &lunch(), &values(&["0", "1"]))),
        [(1, 1)]
    );
    assert_eq!(
        one_problem(check_ballot(&poll, &lunch(), &values(&["6", "4", ""]))),
        (
            "dots",
            "You have given 10 dots; share out no more than 8".to_owned()
        )
    );
    assert_eq!(
        one_problem(check_ballot(&poll, &lunch(), &values(&["", "0", ""]))),
        ("dots", "Give at least one dot to an option".to_owned())
    );
    assert_eq!(
        one_problem(check_ballot(
            &poll,
            &lunch(),
            &values(&["99999999999999999999999", "1", ""])
        ))
        .0,
        "dots"
    );
}

#[test]
fn a_mistyped_dot_box_is_reported_on_its_own_not_as_a_total() {
    let poll = rules(PollKind::DotVote, 3);
    assert_eq!(
        problems(check_ballot(&poll, &lunch(), &values(&["-1", "2.5", "0"]))),
        [
            (
                "option-0",
                "Give \u{201c}Lunch\u{201d} a whole number of dots, 0 or more".to_owned()
            ),
            (
                "option-1",
                "Give \u{201c}Dinner\u{201d} a whole number of dots, 0 or more".to_owned()
            ),
        ]
    );
}

fn ranked(count: usize) -> PollRules {
    rules(PollKind::Ranked, count)
}

#[test]
fn some_or_all_options_are_ranked_from_one() {
    assert_eq!(
        marks(check_ballot(&ranked(3), &lunch(), &values(&["2", "", "1"]))),
        [(0, 2), (2, 1)]
    );
    assert_eq!(
        marks(check_ballot(
            &ranked(3),
            &lunch(),
            &values(&["3", "1", "2"])
        )),
        [(0, 3), (1, 1), (2, 2)]
    );
    assert_eq!(
        one_problem(check_ballot(&ranked(3), &lunch(), &values(&["", " ", ""]))),
        ("option-0", "Rank at least one option".to_owned())
    );
}

#[test]
fn ranks_are_whole_numbers_no_larger_than_the_options() {
    for bad in ["0", "4", "-1", "first", "1.5"] {
        assert_eq!(
            one_problem(check_ballot(&ranked(3), &lunch(), &values(&["1", bad, ""]))),
            (
                "option-1",
                "Give \u{201c}Dinner\u{201d} a rank from 1 to 3, or leave it blank".to_owned()
            ),
            "{bad}"
        );
    }
}

#[test]
fn only_one_option_can_have_each_rank() {
    let labels = names(&["A", "B", "C", "D", "E"]);
    assert_eq!(
        problems(check_ballot(
            &ranked(5),
            &labels,
            &values(&["2", "1", "2", "2", "1"])
        )),
        [
            ("option-2", "Only one option can be ranked 2".to_owned()),
            ("option-4", "Only one option can be ranked 1".to_owned()),
        ]
    );
}

#[test]
fn ranks_have_no_gaps() {
    let labels = names(&["A", "B", "C", "D", "E", "F"]);
    assert_eq!(
        one_problem(check_ballot(&ranked(6), &labels, &values(&["1", "4", "3"]))),
        (
            "option-1",
            "Rank options 1, 2, 3 without gaps: there is no 2".to_owned()
        )
    );
    assert_eq!(
        one_problem(check_ballot(&ranked(6), &labels, &values(&["", "3", "1"]))).1,
        "Rank options 1 and 2 without gaps: there is no 2"
    );
    assert_eq!(
        one_problem(check_ballot(
            &ranked(6),
            &labels,
            &values(&["1", "2", "3", "4", "6"])
        )),
        (
            "option-4",
            "Rank options 1 to 5 without gaps: there is no 5".to_owned()
        )
    );
    assert_eq!(
        one_problem(check_ballot(&ranked(6), &labels, &values(&["", "2"]))),
        (
            "option-1",
            "Rank \u{201c}B\u{201d} 1, as it is the only option you have ranked".to_owned()
        )
    );
}

#[test]
fn every_meeting_time_is_answered() {
    let poll = rules(PollKind::Meeting, 3);
    let times = names(&["Tuesday 10:00", "Wednesday 14:00", "Friday 09:30"]);
    assert_eq!(
        marks(check_ballot(
            &poll,
            &times,
            &values(&["yes", "if-need-be", "no"])
        )),
        [(0, MEETING_YES), (1, MEETING_IF_NEED_BE), (2, MEETING_NO)]
    );
    assert_eq!(
        problems(check_ballot(&poll, &times, &values(&["Yes", "no"]))),
        [
            (
                "option-0",
                "Say whether \u{201c}Tuesday 10:00\u{201d} suits you".to_owned()
            ),
            (
                "option-2",
                "Say whether \u{201c}Friday 09:30\u{201d} suits you".to_owned()
            ),
        ]
    );
}

#[test]
fn values_beyond_the_options_are_ignored() {
    let poll = rules(PollKind::Score, 2);
    assert_eq!(
        marks(check_ballot(
            &poll,
            &lunch(),
            &values(&["1", "2", "nonsense", "9"])
        )),
        [(0, 1), (1, 2)]
    );
    let dots = rules(PollKind::DotVote, 2);
    assert_eq!(
        marks(check_ballot(&dots, &lunch(), &values(&["3", "", "x"]))),
        [(0, 3)]
    );
}

#[test]
fn reasons_follow_the_poll_setting() {
    let vote = choice("0");
    let with_reason = |reason: &str| BallotAnswers {
        reason: reason.to_owned(),
        ..vote.clone()
    };
    let poll = |reason| PollRules {
        reason,
        reason_max: 1000,
        ..rules(PollKind::Proposal, 4)
    };
    let labels = consensus();

    // Off: ignored, however long.
    let off = poll(ReasonMode::Off);
    let long = with_reason(&"a".repeat(1001));
    assert!(check_ballot(&off, &labels, &long).is_ok());
    assert_eq!(reason_of(&off, &long), None);

    // Optional: may be empty, else kept trimmed.
    let optional = poll(ReasonMode::Optional);
    assert!(check_ballot(&optional, &labels, &with_reason("   ")).is_ok());
    assert_eq!(reason_of(&optional, &with_reason("   ")), None);
    assert_eq!(
        reason_of(&optional, &with_reason(" Because ")).as_deref(),
        Some("Because")
    );
    assert_eq!(
        one_problem(check_ballot(&optional, &labels, &long)),
        (
            "reason",
            "Your reason must be 1,000 characters or fewer".to_owned()
        )
    );

    // Required: needed, and within the limit (counted in characters, after trimming).
    let required = poll(ReasonMode::Required);
    assert_eq!(
        one_problem(check_ballot(&required, &labels, &with_reason(" \n "))),
        ("reason", "Give a reason for your vote".to_owned())
    );
    assert!(
        check_ballot(
            &required,
            &labels,
            &with_reason(&format!(" {} ", "é".repeat(1000)))
        )
        .is_ok()
    );
    assert_eq!(
        one_problem(check_ballot(&required, &labels, &long)).1,
        "Your reason must be 1,000 characters or fewer"
    );
}

#[test]
fn problems_come_in_page_order() {
    let poll = PollRules {
        reason: ReasonMode::Required,
        ..rules(PollKind::Score, 3)
    };
    let fields: Vec<_> = problems(check_ballot(&poll, &lunch(), &values(&["9", "1", "9"])))
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert_eq!(fields, ["option-0", "option-2", "reason"]);

    let dots = PollRules {
        reason: ReasonMode::Required,
        ..rules(PollKind::DotVote, 3)
    };
    let fields: Vec<_> = problems(check_ballot(&dots, &lunch(), &values(&["9", "", ""])))
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert_eq!(fields, ["dots", "reason"]);

    let proposal = PollRules {
        reason: ReasonMode::Required,
        ..rules(PollKind::Proposal, 4)
    };
    let fields: Vec<_> = problems(check_ballot(
        &proposal,
        &consensus(),
        &BallotAnswers::default(),
    ))
    .into_iter()
    .map(|(field, _)| field)
    .collect();
    assert_eq!(fields, ["choice", "reason"]);
}

#[test]
fn short_labels_fall_back_to_option_numbers() {
    let poll = rules(PollKind::Meeting, 2);
    assert_eq!(
        problems(check_ballot(&poll, &names(&["Monday"]), &values(&["yes"]))),
        [(
            "option-1",
            "Say whether \u{201c}Option 2\u{201d} suits you".to_owned()
        )]
    );
}

#[test]
fn ballots_are_described_in_words() {
    let ballot = |marks: &[Mark]| Ballot {
        marks: marks.to_vec(),
    };
    assert_eq!(
        describe(
            &rules(PollKind::Proposal, 4),
            &consensus(),
            &ballot(&[(0, 1)])
        ),
        ["Agree"]
    );
    assert_eq!(
        describe(
            &multiple(1, 3, false),
            &five(),
            &ballot(&[(3, 1), (0, 1), (9, 1)])
        ),
        ["A", "D"]
    );
    assert_eq!(
        describe(
            &rules(PollKind::Score, 3),
            &lunch(),
            &ballot(&[(0, 4), (1, 0), (2, 5)])
        ),
        [
            "Lunch: 4 out of 5",
            "Dinner: 0 out of 5",
            "Breakfast: 5 out of 5"
        ]
    );
    assert_eq!(
        describe(
            &rules(PollKind::DotVote, 3),
            &lunch(),
            &ballot(&[(2, 1), (0, 3)])
        ),
        ["Lunch: 3 dots", "Breakfast: 1 dot"]
    );
    assert_eq!(
        describe(&ranked(3), &lunch(), &ballot(&[(0, 2), (1, 3), (2, 1)])),
        ["1. Breakfast", "2. Lunch", "3. Dinner"]
    );
    let times = names(&["Tuesday 10:00", "Wednesday 14:00", "Friday 09:30"]);
    assert_eq!(
        describe(
            &rules(PollKind::Meeting, 3),
            &times,
            &ballot(&[(0, MEETING_YES), (1, MEETING_IF_NEED_BE), (2, MEETING_NO)])
        ),
        [
            "Tuesday 10:00: Yes",
            "Wednesday 14:00: If need be",
            "Friday 09:30: No"
        ]
    );
    assert!(describe(&rules(PollKind::Question, 0), &[], &Ballot::default()).is_empty());
}

#[test]
fn numbers_are_written_with_thousands_separators() {
    assert_eq!(grouped(0), "0");
    assert_eq!(grouped(999), "999");
    assert_eq!(grouped(1000), "1,000");
    assert_eq!(grouped(20_000), "20,000");
    assert_eq!(grouped(1_234_567), "1,234,567");
    assert_eq!(grouped(-1000), "-1,000");
    assert_eq!(grouped(i64::MIN), "-9,223,372,036,854,775,808");
    assert_eq!(counted(1, "dot", "dots"), "1 dot");
    assert_eq!(counted(0, "dot", "dots"), "0 dots");
    assert_eq!(join_words(&names(&["A", "B", "C"]), "or"), "A, B or C");
}

/// A poll's rules, a ballot form filled in within them, and the marks it stands for.
type Case = (PollRules, BallotAnswers, Vec<Mark>);

fn with_values(poll: PollRules, typed: Vec<String>, marks: Vec<Mark>) -> Case {
    let answers = BallotAnswers {
        values: typed,
        ..BallotAnswers::default()
    };
    (poll, answers, marks)
}

fn single_choice_case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(vec![
            (PollKind::Proposal, 4usize),
            (PollKind::Proposal, 2),
            (PollKind::SenseCheck, 3),
            (PollKind::Count, 2),
            (PollKind::Choose, 1),
            (PollKind::Choose, 7),
        ]),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(|((kind, count), pick, padded)| {
            let option = pick.index(count);
            let typed = if padded {
                format!(" {option} ")
            } else {
                option.to_string()
            };
            (rules(kind, count), choice(&typed), vec![(option, 1)])
        })
}

fn multiple_choice_case() -> impl Strategy<Value = Case> {
    (3usize..10, any::<bool>())
        .prop_flat_map(|(count, none_of_the_above)| {
            let real = if none_of_the_above { count - 1 } else { count };
            let most = i64::try_from(real).unwrap_or(2);
            (Just(count), Just(none_of_the_above), 2..=most)
        })
        .prop_flat_map(|(count, none_of_the_above, max)| {
            (
                Just(count),
                Just(none_of_the_above),
                Just(max),
                0..=max,
                any::<bool>(),
            )
        })
        .prop_flat_map(|(count, none_of_the_above, max, min, alone)| {
            let real = if none_of_the_above { count - 1 } else { count };
            let least = usize::try_from(min.max(1)).unwrap_or(1);
            let most = usize::try_from(max).unwrap_or(2);
            (
                Just(count),
                Just(none_of_the_above),
                Just(max),
                Just(min),
                Just(alone && none_of_the_above),
                prop::sample::subsequence((0..real).collect::<Vec<_>>(), least..=most)
                    .prop_shuffle(),
                any::<bool>(),
            )
        })
        .prop_map(
            |(count, none_of_the_above, max, min, alone, picks, twice)| {
                let poll = PollRules {
                    none_of_the_above,
                    min_choices: min,
                    max_choices: max,
                    ..rules(PollKind::Choose, count)
                };
                let mut picks = if alone { vec![count - 1] } else { picks };
                let mut typed: Vec<String> = picks.iter().map(ToString::to_string).collect();
                if twice && let Some(first) = typed.first().cloned() {
                    typed.push(first);
                }
                picks.sort_unstable();
                let answers = BallotAnswers {
                    chosen: typed,
                    ..BallotAnswers::default()
                };
                (poll, answers, picks.into_iter().map(|o| (o, 1)).collect())
            },
        )
}

fn score_case() -> impl Strategy<Value = Case> {
    (1usize..9, -3i64..=1, 1i64..=10)
        .prop_flat_map(|(count, low, span)| {
            (
                Just(low),
                Just(low + span),
                prop::collection::vec(low..=low + span, count),
            )
        })
        .prop_map(|(low, high, scores)| {
            let poll = PollRules {
                score_min: low,
                score_max: high,
                ..rules(PollKind::Score, scores.len())
            };
            let typed = scores.iter().map(ToString::to_string).collect();
            let marks = scores.into_iter().enumerate().collect();
            with_values(poll, typed, marks)
        })
}

fn dot_vote_case() -> impl Strategy<Value = Case> {
    prop::collection::vec((0i64..=4, any::<bool>()), 1..9)
        .prop_filter("at least one dot", |dots| dots.iter().any(|(d, _)| *d > 0))
        .prop_flat_map(|dots| (Just(dots), 0i64..5))
        .prop_map(|(dots, spare)| {
            let given: i64 = dots.iter().map(|(d, _)| d).sum();
            let poll = PollRules {
                dot_total: given + spare,
                ..rules(PollKind::DotVote, dots.len())
            };
            let typed = dots
                .iter()
                .map(|(d, blank)| {
                    if *d == 0 && *blank {
                        String::new()
                    } else {
                        d.to_string()
                    }
                })
                .collect();
            let marks = dots
                .iter()
                .enumerate()
                .filter(|(_, (d, _))| *d > 0)
                .map(|(option, (d, _))| (option, *d))
                .collect();
            with_values(poll, typed, marks)
        })
}

fn ranked_case() -> impl Strategy<Value = Case> {
    (1usize..9)
        .prop_flat_map(|count| {
            (
                Just((0..count).collect::<Vec<_>>()).prop_shuffle(),
                1..=count,
            )
        })
        .prop_map(|(order, ranked_count)| {
            let count = order.len();
            let mut typed = vec![String::new(); count];
            let mut marks = Vec::new();
            for (place, option) in order.iter().take(ranked_count).enumerate() {
                let rank = i64::try_from(place).unwrap_or(0) + 1;
                if let Some(slot) = typed.get_mut(*option) {
                    *slot = rank.to_string();
                }
                marks.push((*option, rank));
            }
            marks.sort_unstable();
            with_values(ranked(count), typed, marks)
        })
}

fn meeting_case() -> impl Strategy<Value = Case> {
    prop::collection::vec(0i64..=2, 1..9).prop_map(|answers| {
        let typed = answers
            .iter()
            .map(|a| match *a {
                MEETING_YES => "yes",
                MEETING_IF_NEED_BE => "if-need-be",
                _ => "no",
            })
            .map(str::to_owned)
            .collect();
        let poll = rules(PollKind::Meeting, answers.len());
        let marks = answers.into_iter().enumerate().collect();
        with_values(poll, typed, marks)
    })
}

fn question_case() -> impl Strategy<Value = Case> {
    "[a-z]{1,20}".prop_map(|answer| {
        let answers = BallotAnswers {
            reason: answer,
            ..BallotAnswers::default()
        };
        (rules(PollKind::Question, 0), answers, Vec::new())
    })
}

fn any_valid_case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![
            single_choice_case(),
            multiple_choice_case(),
            score_case(),
            dot_vote_case(),
            ranked_case(),
            meeting_case(),
            question_case(),
        ],
        prop::sample::select(ReasonMode::ALL.to_vec()),
        "[a-z ]{0,12}",
    )
        .prop_map(|((poll, mut answers, marks), reason, words)| {
            let poll = PollRules { reason, ..poll };
            if poll.kind != PollKind::Question {
                answers.reason = if reason == ReasonMode::Required {
                    format!("because {words}")
                } else {
                    words
                };
            }
            (poll, answers, marks)
        })
}

fn any_rules() -> impl Strategy<Value = PollRules> {
    (
        prop::sample::select(PollKind::ALL.to_vec()),
        0usize..25,
        any::<bool>(),
        (-3i64..6, -3i64..6),
        (-10i64..10, -10i64..10),
        -5i64..30,
        prop::sample::select(RankedMethod::ALL.to_vec()),
        prop::sample::select(ReasonMode::ALL.to_vec()),
        0usize..50,
    )
        .prop_map(
            |(kind, option_count, nota, (min, max), (low, high), dots, method, reason, most)| {
                PollRules {
                    kind,
                    option_count,
                    none_of_the_above: nota,
                    min_choices: min,
                    max_choices: max,
                    score_min: low,
                    score_max: high,
                    dot_total: dots,
                    method,
                    count_target: 3,
                    reason,
                    reason_max: most,
                }
            },
        )
}

/// Text a person might type or a form might be forged to send.
fn any_typed() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?[0-9 ]{0,6}",
        Just("yes".to_owned()),
        Just("if-need-be".to_owned()),
        Just("no".to_owned()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_ballot_within_the_rules_is_accepted_as_its_marks((poll, answers, expected) in any_valid_case()) {
        let labels: Vec<String> = (0..poll.option_count).map(|o| format!("Option {o}")).collect();
        let ballot = check_ballot(&poll, &labels, &answers);
        prop_assert_eq!(&ballot, &Ok(Ballot { marks: expected.clone() }));
        let lines = describe(&poll, &labels, &Ballot { marks: expected.clone() });
        prop_assert_eq!(lines.len(), expected.len());
    }

    #[test]
    fn no_typing_makes_the_check_panic(
        poll in any_rules(),
        labels in prop::collection::vec("[A-Za-z ]{0,8}", 0..25),
        choice in prop::option::of(any_typed()),
        chosen in prop::collection::vec(any_typed(), 0..8),
        values in prop::collection::vec(any_typed(), 0..30),
        reason in any::<String>(),
    ) {
        let answers = BallotAnswers { choice, chosen, values, reason };
        match check_ballot(&poll, &labels, &answers) {
            Ok(ballot) => {
                prop_assert!(ballot.marks.iter().all(|(option, _)| *option < poll.option_count));
                prop_assert!(ballot.marks.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)));
                let lines = describe(&poll, &labels, &ballot);
                prop_assert!(lines.len() <= ballot.marks.len());
            }
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
        let _ = reason_of(&poll, &answers);
    }
}
