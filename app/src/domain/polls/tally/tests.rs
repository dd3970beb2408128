//! Checks of the counts for every kind of poll: worked examples (among them the Tennessee
//! capital example of voting theory, counted by Borda and by instant runoff), ties, empty polls,
//! and properties of random ballots: totals add up, instant runoff eliminates last place each
//! round and a winner has a majority, and no stored marks can make a count panic.

use super::*;
use crate::domain::polls::{COUNT_OPTIONS, NONE_OF_THE_ABOVE, SENSE_CHECK_OPTIONS};
use proptest::prelude::*;

fn rules(kind: PollKind, option_count: usize) -> PollRules {
    PollRules::new(kind, option_count)
}

fn runoff(option_count: usize) -> PollRules {
    PollRules {
        method: RankedMethod::InstantRunoff,
        ..rules(PollKind::Ranked, option_count)
    }
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

fn abc(count: usize) -> Vec<String> {
    ["A", "B", "C", "D", "E", "F"]
        .iter()
        .take(count)
        .map(|l| (*l).to_owned())
        .collect()
}

fn ballot(marks: &[Mark]) -> Ballot {
    Ballot {
        marks: marks.to_vec(),
    }
}

/// `times` copies of a ballot choosing `option`.
fn votes_for(option: usize, times: usize) -> Vec<Ballot> {
    vec![ballot(&[(option, 1)]); times]
}

/// `times` copies of a ranked ballot listing `order`, first place first.
fn ranking(order: &[usize], times: usize) -> Vec<Ballot> {
    let marks: Vec<Mark> = order
        .iter()
        .zip(1..)
        .map(|(option, rank)| (*option, rank))
        .collect();
    vec![ballot(&marks); times]
}

fn cells(results: &Results) -> Vec<Vec<&str>> {
    results
        .rows
        .iter()
        .map(|row| row.cells.iter().map(String::as_str).collect())
        .collect()
}

fn values(results: &Results) -> Vec<i64> {
    results.rows.iter().map(|row| row.value).collect()
}

fn shares(results: &Results) -> Vec<u32> {
    results.rows.iter().map(|row| row.share_permille).collect()
}

#[test]
fn a_proposal_counts_votes_and_their_share() {
    let ballots = [votes_for(0, 7), votes_for(1, 2), votes_for(2, 3)].concat();
    let results = tally(&rules(PollKind::Proposal, 4), &consensus(), &ballots);
    assert_eq!(results.counted, 12);
    assert_eq!(results.columns, ["Votes", "Share"]);
    assert_eq!(
        cells(&results),
        [["7", "58%"], ["2", "17%"], ["3", "25%"], ["0", "0%"]]
    );
    assert_eq!(values(&results), [7, 2, 3, 0]);
    assert_eq!(shares(&results), [583, 167, 250, 0]);
    assert_eq!(results.leaders, [0]);
    assert_eq!(results.summary, "Agree leads with 7 of 12 votes");
    assert!(results.rounds.is_empty());
}

#[test]
fn two_and_three_way_ties_name_every_leader() {
    let ballots = [votes_for(0, 3), votes_for(2, 3)].concat();
    let results = tally(&rules(PollKind::Proposal, 4), &consensus(), &ballots);
    assert_eq!(results.leaders, [0, 2]);
    assert_eq!(
        results.summary,
        "Agree and Disagree are tied with 3 of 6 votes each"
    );

    let ballots = [votes_for(0, 1), votes_for(1, 1), votes_for(2, 1)].concat();
    let results = tally(&rules(PollKind::Choose, 4), &abc(4), &ballots);
    assert_eq!(results.leaders, [0, 1, 2]);
    assert_eq!(
        results.summary,
        "\u{201c}A\u{201d}, \u{201c}B\u{201d} and \u{201c}C\u{201d} are tied with 1 of 3 votes each"
    );
}

#[test]
fn a_block_in_a_consensus_proposal_is_in_the_summary() {
    let poll = rules(PollKind::Proposal, 4);
    let one = [votes_for(0, 2), votes_for(3, 1)].concat();
    assert_eq!(
        tally(&poll, &consensus(), &one).summary,
        "Agree leads with 2 of 3 votes. 1 person blocked."
    );
    let two = [votes_for(0, 3), votes_for(3, 2)].concat();
    assert_eq!(
        tally(&poll, &consensus(), &two).summary,
        "Agree leads with 3 of 5 votes. 2 people blocked."
    );
    // Other templates have no block; a choose poll is never a proposal.
    let consent = names(Template::Consent.options());
    assert_eq!(
        tally(&rules(PollKind::Proposal, 2), &consent, &votes_for(1, 2)).summary,
        "Objection leads with 2 of 2 votes"
    );
    assert_eq!(
        tally(&rules(PollKind::Choose, 4), &consensus(), &one).summary,
        "\u{201c}Agree\u{201d} leads with 2 of 3 votes"
    );
}

#[test]
fn one_vote_is_one_vote() {
    let sense = names(&SENSE_CHECK_OPTIONS);
    let results = tally(&rules(PollKind::SenseCheck, 3), &sense, &votes_for(2, 1));
    assert_eq!(results.summary, "Concerned leads with 1 of 1 vote");
    assert_eq!(cells(&results), [["0", "0%"], ["0", "0%"], ["1", "100%"]]);
    assert_eq!(shares(&results), [0, 0, 1000]);
}

#[test]
fn multiple_choice_shares_are_of_people_and_can_add_up_past_100_percent() {
    let poll = PollRules {
        max_choices: 3,
        ..rules(PollKind::Choose, 3)
    };
    let ballots = [
        ballot(&[(0, 1), (1, 1)]),
        ballot(&[(0, 1), (2, 1)]),
        ballot(&[(0, 1)]),
        ballot(&[(1, 1)]),
    ];
    let results = tally(&poll, &lunch(), &ballots);
    assert_eq!(results.counted, 4);
    assert_eq!(cells(&results), [["3", "75%"], ["2", "50%"], ["1", "25%"]]);
    assert_eq!(
        results.summary,
        "\u{201c}Lunch\u{201d} leads with 3 of 4 votes"
    );
}

#[test]
fn none_of_the_above_is_counted_as_its_own_row() {
    let poll = PollRules {
        none_of_the_above: true,
        min_choices: 1,
        max_choices: 2,
        ..rules(PollKind::Choose, 3)
    };
    let labels = names(&["Lunch", "Dinner", NONE_OF_THE_ABOVE]);
    let ballots = [
        ballot(&[(2, 1)]),
        ballot(&[(2, 1)]),
        ballot(&[(0, 1), (1, 1)]),
    ];
    let results = tally(&poll, &labels, &ballots);
    assert_eq!(values(&results), [1, 1, 2]);
    assert_eq!(results.rows.len(), 3);
    assert_eq!(results.leaders, [2]);
    assert_eq!(
        results.summary,
        "\u{201c}None of the above\u{201d} leads with 2 of 3 votes"
    );
}

#[test]
fn a_count_is_against_its_target() {
    let poll = rules(PollKind::Count, 2);
    let labels = names(&COUNT_OPTIONS);
    let results = tally(&poll, &labels, &[votes_for(0, 7), votes_for(1, 2)].concat());
    assert_eq!(results.columns, ["People", "Share"]);
    assert_eq!(cells(&results), [["7", "78%"], ["2", "22%"]]);
    assert_eq!(results.summary, "7 people are in, of a target of 10");
    assert_eq!(
        tally(&poll, &labels, &votes_for(0, 10)).summary,
        "10 people are in, of a target of 10. The target is reached."
    );
    assert_eq!(
        tally(&poll, &labels, &votes_for(0, 1)).summary,
        "1 person is in, of a target of 10"
    );
    assert_eq!(
        tally(&poll, &labels, &votes_for(1, 3)).summary,
        "No one is in yet, of a target of 10"
    );
    let no_target = PollRules {
        count_target: 0,
        ..poll
    };
    assert_eq!(
        tally(&no_target, &labels, &votes_for(0, 2)).summary,
        "2 people are in"
    );
}

#[test]
fn a_question_counts_answers_only() {
    let poll = rules(PollKind::Question, 0);
    let results = tally(&poll, &[], &vec![Ballot::default(); 3]);
    assert_eq!(results.counted, 3);
    assert!(results.columns.is_empty());
    assert!(results.rows.is_empty());
    assert!(results.leaders.is_empty());
    assert_eq!(results.summary, "3 people answered");
    assert_eq!(
        tally(&poll, &[], &[Ballot::default()]).summary,
        "1 person answered"
    );
}

#[test]
fn empty_polls_lead_nowhere_and_divide_by_nothing() {
    for kind in PollKind::ALL {
        for method in RankedMethod::ALL {
            let poll = PollRules {
                method,
                ..rules(kind, if kind == PollKind::Question { 0 } else { 3 })
            };
            let results = tally(&poll, &lunch(), &[]);
            assert_eq!(results.counted, 0, "{kind:?}");
            assert!(results.leaders.is_empty(), "{kind:?}");
            assert!(results.rounds.is_empty(), "{kind:?}");
            let expected = if kind == PollKind::Question {
                "No answers yet"
            } else {
                "No votes yet"
            };
            assert_eq!(results.summary, expected, "{kind:?}");
            for row in &results.rows {
                assert_eq!(row.value, 0, "{kind:?}");
                assert_eq!(row.share_permille, 0, "{kind:?}");
                assert_eq!(row.cells.len(), results.columns.len(), "{kind:?}");
                assert!(
                    row.cells.iter().all(|c| c.starts_with('0')),
                    "{kind:?} {:?}",
                    row.cells
                );
            }
        }
    }
}

#[test]
fn scores_have_totals_averages_and_the_highest_average_leads() {
    let poll = rules(PollKind::Score, 3);
    let ballots = [
        ballot(&[(0, 5), (1, 5), (2, 0)]),
        ballot(&[(0, 4), (1, 5), (2, 1)]),
        ballot(&[(0, 4), (1, 5), (2, 0)]),
        ballot(&[(0, 4), (1, 0), (2, 0)]),
        ballot(&[(0, 4), (1, 0), (2, 1)]),
    ];
    let results = tally(&poll, &lunch(), &ballots);
    assert_eq!(results.columns, ["Total score", "Average score", "Votes"]);
    assert_eq!(
        cells(&results),
        [["21", "4.2", "5"], ["15", "3.0", "5"], ["2", "0.4", "5"]]
    );
    assert_eq!(values(&results), [21, 15, 2]);
    // Shares of the 38 points given: 552.6, 394.7, 52.6 tenths of a percent.
    assert_eq!(shares(&results), [553, 395, 53]);
    assert_eq!(results.leaders, [0]);
    assert_eq!(
        results.summary,
        "\u{201c}Lunch\u{201d} has the highest average score, 4.2 out of 5, from 5 votes"
    );
}

#[test]
fn the_highest_average_leads_even_with_fewer_votes() {
    // Stored ballots may miss an option (marks are never trusted); the average is what counts.
    let poll = rules(PollKind::Score, 2);
    let ballots = [
        ballot(&[(0, 5), (1, 4)]),
        ballot(&[(1, 4)]),
        ballot(&[(1, 4)]),
    ];
    let results = tally(&poll, &lunch(), &ballots);
    assert_eq!(cells(&results), [["5", "5.0", "1"], ["12", "4.0", "3"]]);
    assert_eq!(results.leaders, [0]);
    assert_eq!(
        results.summary,
        "\u{201c}Lunch\u{201d} has the highest average score, 5.0 out of 5, from 1 vote"
    );
}

#[test]
fn equal_average_scores_share_the_lead() {
    let poll = rules(PollKind::Score, 3);
    let ballots = [
        ballot(&[(0, 4), (1, 3), (2, 1)]),
        ballot(&[(0, 3), (1, 4), (2, 1)]),
    ];
    let results = tally(&poll, &lunch(), &ballots);
    assert_eq!(results.leaders, [0, 1]);
    assert_eq!(
        results.summary,
        "\u{201c}Lunch\u{201d} and \u{201c}Dinner\u{201d} share the highest average score, 3.5 out of 5"
    );
}

#[test]
fn averages_round_half_up_to_one_decimal() {
    assert_eq!(average_tenths(17, 4), 43);
    assert_eq!(average_tenths(1, 20), 1);
    assert_eq!(average_tenths(1, 21), 0);
    assert_eq!(average_tenths(2, 3), 7);
    assert_eq!(average_tenths(-17, 4), -42);
    assert_eq!(average_tenths(5, 0), 0);
    assert_eq!(tenths_text(42), "4.2");
    assert_eq!(tenths_text(50), "5.0");
    assert_eq!(tenths_text(-5), "-0.5");
    assert_eq!(tenths_text(12_345), "1,234.5");
    assert_eq!(percent_text(1, 8), "13%");
    assert_eq!(percent_text(1, 3), "33%");
    assert_eq!(percent_text(5, 0), "0%");
    assert_eq!(permille(1, 3), 333);
    assert_eq!(permille(2, 3), 667);
    assert_eq!(permille(-1, 3), 0);
    assert_eq!(permille(i64::MAX, 1), 1000);
}

#[test]
fn scores_off_the_scale_are_brought_onto_it() {
    let poll = rules(PollKind::Score, 1);
    let results = tally(&poll, &lunch(), &[ballot(&[(0, 99)]), ballot(&[(0, -4)])]);
    assert_eq!(cells(&results), [["5", "2.5", "2"]]);
}

#[test]
fn dots_are_added_up_and_shared_out_of_all_dots() {
    let poll = rules(PollKind::DotVote, 3);
    let ballots = [
        ballot(&[(0, 5), (2, 3)]),
        ballot(&[(0, 4), (1, 4)]),
        ballot(&[(0, 5), (1, 3)]),
    ];
    let results = tally(&poll, &lunch(), &ballots);
    assert_eq!(results.columns, ["Dots", "Share"]);
    assert_eq!(cells(&results), [["14", "58%"], ["7", "29%"], ["3", "13%"]]);
    assert_eq!(
        results.summary,
        "\u{201c}Lunch\u{201d} leads with 14 of 24 dots"
    );
    let tied = tally(
        &poll,
        &lunch(),
        &[ballot(&[(0, 2), (1, 2)]), ballot(&[(2, 1)])],
    );
    assert_eq!(tied.leaders, [0, 1]);
    assert_eq!(
        tied.summary,
        "\u{201c}Lunch\u{201d} and \u{201c}Dinner\u{201d} are tied with 2 of 5 dots each"
    );
}

/// The Tennessee capital example (Wikipedia, "Instant-runoff voting" and "Borda count"): 100
/// voters, options 0 Memphis, 1 Nashville, 2 Chattanooga, 3 Knoxville.
fn tennessee() -> (Vec<String>, Vec<Ballot>) {
    let labels = names(&["Memphis", "Nashville", "Chattanooga", "Knoxville"]);
    let ballots = [
        ranking(&[0, 1, 2, 3], 42),
        ranking(&[1, 2, 3, 0], 26),
        ranking(&[2, 3, 1, 0], 15),
        ranking(&[3, 2, 1, 0], 17),
    ]
    .concat();
    (labels, ballots)
}

#[test]
fn borda_counts_the_tennessee_example_as_by_hand() {
    // With 4 options, ranks 1, 2, 3, 4 earn 4, 3, 2, 1 points (Loomio's n - r + 1).
    // Memphis:     42×4 + 26×1 + 15×1 + 17×1           = 168 + 58            = 226
    // Nashville:   42×3 + 26×4 + 15×2 + 17×2           = 126 + 104 + 30 + 34 = 294
    // Chattanooga: 42×2 + 26×3 + 15×4 + 17×3           = 84 + 78 + 60 + 51   = 273
    // Knoxville:   42×1 + 26×2 + 15×3 + 17×4           = 42 + 52 + 45 + 68   = 207
    // All points: 100 ballots × (4 + 3 + 2 + 1) = 1,000, so shares are the points in tenths.
    let (labels, ballots) = tennessee();
    let results = tally(&rules(PollKind::Ranked, 4), &labels, &ballots);
    assert_eq!(results.columns, ["Points", "Share"]);
    assert_eq!(values(&results), [226, 294, 273, 207]);
    assert_eq!(shares(&results), [226, 294, 273, 207]);
    assert_eq!(
        cells(&results),
        [
            ["226", "23%"],
            ["294", "29%"],
            ["273", "27%"],
            ["207", "21%"]
        ]
    );
    assert_eq!(results.leaders, [1]);
    assert_eq!(
        results.summary,
        "\u{201c}Nashville\u{201d} leads with 294 points"
    );
    assert!(results.rounds.is_empty());
}

#[test]
fn instant_runoff_elects_knoxville_in_the_tennessee_example() {
    // Round 1: Memphis 42, Nashville 26, Chattanooga 15, Knoxville 17: no one has more than
    // 50, Chattanooga is last. Its 15 go to Knoxville: Memphis 42, Nashville 26, Knoxville 32.
    // Nashville is last; its 26 go to Chattanooga (out), then Knoxville: Memphis 42,
    // Knoxville 58, a majority in round 3.
    let (labels, ballots) = tennessee();
    let results = tally(&runoff(4), &labels, &ballots);
    assert_eq!(
        results.rounds,
        [
            Round {
                counts: vec![(0, 42), (1, 26), (2, 15), (3, 17)],
                eliminated: vec![2],
                exhausted: 0
            },
            Round {
                counts: vec![(0, 42), (1, 26), (3, 32)],
                eliminated: vec![1],
                exhausted: 0
            },
            Round {
                counts: vec![(0, 42), (3, 58)],
                eliminated: vec![],
                exhausted: 0
            },
        ]
    );
    assert_eq!(results.leaders, [3]);
    assert_eq!(results.columns, ["Votes in the last round", "Share"]);
    assert_eq!(
        cells(&results),
        [
            ["42", "42%"],
            ["Eliminated in round 2", ""],
            ["Eliminated in round 1", ""],
            ["58", "58%"]
        ]
    );
    assert_eq!(
        results.summary,
        "\u{201c}Knoxville\u{201d} wins in round 3 with 58 of 100 votes"
    );
}

#[test]
fn a_closed_poll_says_who_won_and_who_tied() {
    let closed = |rules: &PollRules, labels: &[String], ballots: &[Ballot]| {
        count_at(Stage::Closed, rules, labels, ballots).summary
    };
    let two_to_one = [votes_for(0, 2), votes_for(1, 1)].concat();
    assert_eq!(
        closed(&rules(PollKind::Choose, 3), &lunch(), &two_to_one),
        "\u{201c}Lunch\u{201d} won with 2 of 3 votes"
    );
    assert_eq!(
        closed(
            &rules(PollKind::Proposal, 4),
            &consensus(),
            &[votes_for(0, 1), votes_for(1, 1)].concat()
        ),
        "Agree and Abstain tied with 1 of 2 votes each"
    );
    let borda = [ranking(&[0, 1, 2], 2), ranking(&[1, 0, 2], 1)].concat();
    assert_eq!(
        closed(&rules(PollKind::Ranked, 3), &lunch(), &borda),
        "\u{201c}Lunch\u{201d} won with 8 points"
    );
    let level = [ranking(&[0, 1], 1), ranking(&[1, 0], 1)].concat();
    assert_eq!(
        closed(&rules(PollKind::Ranked, 2), &lunch()[..2], &level),
        "\u{201c}Lunch\u{201d} and \u{201c}Dinner\u{201d} tied with 3 points each"
    );
    let scores = [
        vec![ballot(&[(0, 5), (1, 3)])],
        vec![ballot(&[(0, 3), (1, 3)])],
    ]
    .concat();
    assert_eq!(
        closed(&rules(PollKind::Score, 3), &lunch(), &scores),
        "\u{201c}Lunch\u{201d} won with the highest average score, 4.0 out of 5, from 2 votes"
    );
    let even = vec![ballot(&[(0, 4), (1, 4)])];
    assert_eq!(
        closed(&rules(PollKind::Score, 3), &lunch(), &even),
        "\u{201c}Lunch\u{201d} and \u{201c}Dinner\u{201d} tied for the highest average score, 4.0 out of 5"
    );
    let majority = [ranking(&[0, 1], 2), ranking(&[1, 0], 1)].concat();
    assert_eq!(
        closed(&runoff(2), &lunch()[..2], &majority),
        "\u{201c}Lunch\u{201d} won in round 1 with 2 of 3 votes"
    );
    // Open, the same count still leads.
    assert_eq!(
        tally(&rules(PollKind::Choose, 3), &lunch(), &two_to_one).summary,
        "\u{201c}Lunch\u{201d} leads with 2 of 3 votes"
    );
}

#[test]
fn instant_runoff_eliminates_last_place_each_round() {
    let ballots = [
        ranking(&[0], 5),
        ranking(&[1], 4),
        ranking(&[2, 1], 3),
        ranking(&[3, 2], 2),
        ranking(&[4, 0], 1),
    ]
    .concat();
    let results = tally(&runoff(5), &abc(5), &ballots);
    let eliminated: Vec<Vec<usize>> = results
        .rounds
        .iter()
        .map(|r| r.eliminated.clone())
        .collect();
    // E (1), then D (2), then B (4, its ballots then exhausted), then A wins 6 to 5.
    assert_eq!(eliminated, [vec![4], vec![3], vec![1], vec![]]);
    assert_eq!(
        results
            .rounds
            .last()
            .map(|r| (r.counts.clone(), r.exhausted)),
        Some((vec![(0, 6), (2, 5)], 4))
    );
    assert_eq!(results.leaders, [0]);
    assert_eq!(
        results.summary,
        "\u{201c}A\u{201d} wins in round 4 with 6 of 11 votes"
    );
}

#[test]
fn exhausted_ballots_leave_the_majority_to_the_continuing_ones() {
    let ballots = [ranking(&[0], 4), ranking(&[1], 3), ranking(&[2], 2)].concat();
    let results = tally(&runoff(3), &abc(3), &ballots);
    assert_eq!(results.rounds.len(), 2);
    assert_eq!(
        results.rounds.get(1),
        Some(&Round {
            counts: vec![(0, 4), (1, 3)],
            eliminated: vec![],
            exhausted: 2
        })
    );
    // 4 of 9 is no majority, but 4 of the 7 still counting is.
    assert_eq!(
        results.summary,
        "\u{201c}A\u{201d} wins in round 2 with 4 of 7 votes"
    );
    assert_eq!(shares(&results), [571, 429, 0]);
}

#[test]
fn options_tied_for_last_are_eliminated_together() {
    let ballots = [
        ranking(&[0], 4),
        ranking(&[1], 3),
        ranking(&[2, 1], 1),
        ranking(&[3, 1], 1),
    ]
    .concat();
    let results = tally(&runoff(4), &abc(4), &ballots);
    assert_eq!(
        results.rounds.first().map(|r| r.eliminated.clone()),
        Some(vec![2, 3])
    );
    assert_eq!(results.leaders, [1]);
    assert_eq!(
        results.summary,
        "\u{201c}B\u{201d} wins in round 2 with 5 of 9 votes"
    );
}

#[test]
fn options_no_one_put_first_go_in_round_one() {
    let ballots = [
        ranking(&[0, 3], 2),
        ranking(&[1, 4], 2),
        ranking(&[2, 0], 1),
    ]
    .concat();
    let results = tally(&runoff(5), &abc(5), &ballots);
    let eliminated: Vec<Vec<usize>> = results
        .rounds
        .iter()
        .map(|r| r.eliminated.clone())
        .collect();
    assert_eq!(eliminated, [vec![3, 4], vec![2], vec![]]);
    assert_eq!(
        results.summary,
        "\u{201c}A\u{201d} wins in round 3 with 3 of 5 votes"
    );
}

#[test]
fn instant_runoff_ends_in_a_tie_when_all_that_are_left_are_level() {
    let two = [ranking(&[0, 1], 2), ranking(&[1, 0], 2)].concat();
    let results = tally(&runoff(2), &abc(2), &two);
    assert_eq!(results.leaders, [0, 1]);
    assert_eq!(results.rounds.len(), 1);
    assert_eq!(
        results.summary,
        "\u{201c}A\u{201d} and \u{201c}B\u{201d} are tied in the last round with 2 votes each"
    );

    let three = [ranking(&[0], 1), ranking(&[1], 1), ranking(&[2], 1)].concat();
    let results = tally(&runoff(3), &abc(3), &three);
    assert_eq!(results.leaders, [0, 1, 2]);
    assert_eq!(
        results.summary,
        "\u{201c}A\u{201d}, \u{201c}B\u{201d} and \u{201c}C\u{201d} are tied in the last round with 1 vote each"
    );

    // A tie reached after an elimination, with exhausted ballots.
    let later = [ranking(&[0], 3), ranking(&[1], 3), ranking(&[2], 2)].concat();
    let results = tally(&runoff(3), &abc(3), &later);
    assert_eq!(results.leaders, [0, 1]);
    assert_eq!(
        results.rounds.last(),
        Some(&Round {
            counts: vec![(0, 3), (1, 3)],
            eliminated: vec![],
            exhausted: 2
        })
    );
}

#[test]
fn meeting_times_are_led_by_who_can_come_then_by_yes() {
    let poll = rules(PollKind::Meeting, 3);
    let times = names(&["Tuesday 10:00", "Wednesday 14:00", "Friday 09:30"]);
    let (y, i, n) = (MEETING_YES, MEETING_IF_NEED_BE, MEETING_NO);
    let ballots = [
        ballot(&[(0, y), (1, y), (2, n)]),
        ballot(&[(0, y), (1, i), (2, n)]),
        ballot(&[(0, i), (1, y), (2, y)]),
        ballot(&[(0, n), (1, y), (2, i)]),
    ];
    let results = tally(&poll, &times, &ballots);
    assert_eq!(results.columns, ["Yes", "If need be", "No"]);
    assert_eq!(
        cells(&results),
        [["2", "1", "1"], ["3", "1", "0"], ["1", "1", "2"]]
    );
    assert_eq!(values(&results), [2, 3, 1]);
    assert_eq!(shares(&results), [500, 750, 250]);
    assert_eq!(results.leaders, [1]);
    assert_eq!(
        results.summary,
        "\u{201c}Wednesday 14:00\u{201d} suits the most people: 3 yes and 1 if need be"
    );

    // As many can come to either; more said yes to Tuesday.
    let by_yes = [ballot(&[(0, y), (1, i)]), ballot(&[(0, y), (1, i)])];
    assert_eq!(tally(&poll, &times, &by_yes).leaders, [0]);

    let tied = [ballot(&[(0, y), (1, i)]), ballot(&[(0, i), (1, y)])];
    let results = tally(&poll, &times, &tied);
    assert_eq!(results.leaders, [0, 1]);
    assert_eq!(
        results.summary,
        "\u{201c}Tuesday 10:00\u{201d} and \u{201c}Wednesday 14:00\u{201d} suit the most people: 1 yes and 1 if need be each"
    );

    let none = [ballot(&[(0, n), (1, n), (2, n)])];
    let results = tally(&poll, &times, &none);
    assert!(results.leaders.is_empty());
    assert_eq!(results.summary, "No time suits anyone yet");
}

#[test]
fn a_changed_vote_is_counted_once_as_its_new_choice() {
    let poll = rules(PollKind::Proposal, 4);
    // Ada, Ben and Cat vote; Ben changes from Disagree to Agree. The store keeps the latest
    // ballot of each person, so the list to count holds Ben's new ballot in place of the old.
    let before = [ballot(&[(0, 1)]), ballot(&[(2, 1)]), ballot(&[(0, 1)])];
    let after = [ballot(&[(0, 1)]), ballot(&[(0, 1)]), ballot(&[(0, 1)])];
    let first = tally(&poll, &consensus(), &before);
    assert_eq!(values(&first), [2, 0, 1, 0]);
    let again = tally(&poll, &consensus(), &after);
    assert_eq!(again.counted, 3);
    assert_eq!(values(&again), [3, 0, 0, 0]);
    assert_eq!(again.summary, "Agree leads with 3 of 3 votes");
}

#[test]
fn marks_of_options_the_poll_does_not_have_are_ignored() {
    let poll = rules(PollKind::Proposal, 4);
    let results = tally(
        &poll,
        &consensus(),
        &[
            ballot(&[(9, 1)]),
            ballot(&[(1, 1), (1, 1), (usize::MAX, 1)]),
        ],
    );
    assert_eq!(results.counted, 2);
    assert_eq!(values(&results), [0, 1, 0, 0]);
    assert_eq!(results.rows.len(), 4);

    let dots = tally(
        &rules(PollKind::DotVote, 2),
        &lunch(),
        &[ballot(&[(0, -5), (1, 2), (7, 100)])],
    );
    assert_eq!(values(&dots), [0, 2]);

    let borda = tally(
        &rules(PollKind::Ranked, 3),
        &lunch(),
        &[ballot(&[(0, 0), (1, 4), (2, 1)])],
    );
    assert_eq!(values(&borda), [0, 0, 3]);
}

#[test]
fn ballots_with_nothing_to_count_lead_nowhere() {
    let results = tally(&runoff(3), &abc(3), &[Ballot::default(), ballot(&[(5, 1)])]);
    assert_eq!(results.counted, 2);
    assert!(results.leaders.is_empty());
    assert!(results.rounds.is_empty());
    assert_eq!(results.summary, "No votes yet");
}

/// A number of options and ballots made within the rules of `kind` for that many options.
fn valid_ballots(kind: PollKind) -> impl Strategy<Value = (usize, Vec<Ballot>)> {
    (1usize..8).prop_flat_map(move |count| {
        let one = valid_ballot(kind, count);
        (Just(count), prop::collection::vec(one, 0..40))
    })
}

fn valid_ballot(kind: PollKind, count: usize) -> BoxedStrategy<Ballot> {
    let options: Vec<usize> = (0..count).collect();
    match kind {
        PollKind::Choose => prop::sample::subsequence(options, 1..=count)
            .prop_map(|chosen| Ballot {
                marks: chosen.into_iter().map(|o| (o, 1)).collect(),
            })
            .boxed(),
        PollKind::DotVote => prop::collection::vec(0i64..6, count)
            .prop_map(|dots| Ballot {
                marks: dots
                    .into_iter()
                    .enumerate()
                    .filter(|(_, d)| *d > 0)
                    .collect(),
            })
            .boxed(),
        PollKind::Ranked => (Just(options).prop_shuffle(), 1..=count)
            .prop_map(|(order, ranked)| {
                let mut marks: Vec<Mark> = order.into_iter().take(ranked).zip(1..).collect();
                marks.sort_unstable();
                Ballot { marks }
            })
            .boxed(),
        _ => (0..count)
            .prop_map(|option| Ballot {
                marks: vec![(option, 1)],
            })
            .boxed(),
    }
}

fn any_rules() -> impl Strategy<Value = PollRules> {
    (
        prop::sample::select(PollKind::ALL.to_vec()),
        0usize..25,
        (-3i64..6, -3i64..6),
        (
            prop_oneof![Just(i64::MIN), -10i64..10],
            prop_oneof![Just(i64::MAX), -10i64..10],
        ),
        prop::sample::select(RankedMethod::ALL.to_vec()),
        -3i64..20,
    )
        .prop_map(
            |(kind, option_count, (min, max), (low, high), method, target)| PollRules {
                kind,
                option_count,
                min_choices: min,
                max_choices: max,
                score_min: low,
                score_max: high,
                method,
                count_target: target,
                ..rules(kind, option_count)
            },
        )
}

fn any_marks() -> impl Strategy<Value = Vec<Mark>> {
    prop::collection::vec(
        (
            prop_oneof![0usize..30, any::<usize>()],
            prop_oneof![-3i64..8, any::<i64>()],
        ),
        0..12,
    )
}

fn ranked_points(option_count: usize, ballots: &[Ballot]) -> i64 {
    let n = i64::try_from(option_count).unwrap_or(0);
    ballots
        .iter()
        .flat_map(|b| &b.marks)
        .map(|(_, rank)| n - rank + 1)
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn single_choice_votes_add_up_to_the_ballots((count, ballots) in valid_ballots(PollKind::Proposal)) {
        for kind in [PollKind::Proposal, PollKind::SenseCheck, PollKind::Count, PollKind::Choose] {
            let results = tally(&rules(kind, count), &abc(count), &ballots);
            let votes: i64 = values(&results).iter().sum();
            prop_assert_eq!(votes, i64::from(results.counted));
            prop_assert_eq!(results.rows.len(), count);
            if !ballots.is_empty() {
                let shares: u32 = shares(&results).iter().sum();
                // Each share is rounded to the nearest tenth of a percent.
                let slack = u32::try_from(count).unwrap_or(0);
                prop_assert!((1000 - slack..=1000 + slack).contains(&shares), "{}", shares);
            }
            let most = values(&results).into_iter().max().unwrap_or(0);
            for leader in &results.leaders {
                prop_assert_eq!(results.rows.get(*leader).map(|r| r.value), Some(most));
            }
        }
    }

    #[test]
    fn multiple_choice_votes_add_up_to_the_marks((count, ballots) in valid_ballots(PollKind::Choose)) {
        let poll = PollRules { max_choices: 8, ..rules(PollKind::Choose, count) };
        let results = tally(&poll, &abc(count), &ballots);
        let votes: i64 = values(&results).iter().sum();
        let marks = ballots.iter().map(|b| b.marks.len()).sum::<usize>();
        prop_assert_eq!(votes, i64::try_from(marks).unwrap_or(-1));
        prop_assert!(results.rows.iter().all(|r| r.value <= i64::from(results.counted)));
    }

    #[test]
    fn dots_add_up_to_the_dots_given((count, ballots) in valid_ballots(PollKind::DotVote)) {
        let results = tally(&rules(PollKind::DotVote, count), &abc(count), &ballots);
        let dots: i64 = values(&results).iter().sum();
        let given: i64 = ballots.iter().flat_map(|b| &b.marks).map(|(_, d)| d).sum();
        prop_assert_eq!(dots, given);
        prop_assert_eq!(results.leaders.is_empty(), given == 0);
    }

    #[test]
    fn borda_points_add_up_to_the_points_of_each_ballot((count, ballots) in valid_ballots(PollKind::Ranked)) {
        let results = tally(&rules(PollKind::Ranked, count), &abc(count), &ballots);
        let points: i64 = values(&results).iter().sum();
        prop_assert_eq!(points, ranked_points(count, &ballots));
    }

    #[test]
    fn instant_runoff_rounds_hold_together((count, ballots) in valid_ballots(PollKind::Ranked)) {
        let results = tally(&runoff(count), &abc(count), &ballots);
        let counted = i64::from(results.counted);
        prop_assert!(results.rounds.len() <= count);
        prop_assert_eq!(results.rounds.is_empty(), ballots.is_empty());
        let mut gone: Vec<usize> = Vec::new();
        let mut previous: Option<&Round> = None;
        for round in &results.rounds {
            let votes: i64 = round.counts.iter().map(|(_, v)| v).sum();
            // Every ballot counts once: for an option, or as exhausted.
            prop_assert_eq!(votes + i64::from(round.exhausted), counted);
            // No eliminated option comes back.
            prop_assert!(round.counts.iter().all(|(o, _)| !gone.contains(o)));
            // The options continuing are exactly those before, less those eliminated.
            if let Some(before) = previous {
                let expected: Vec<usize> = before
                    .counts
                    .iter()
                    .map(|(o, _)| *o)
                    .filter(|o| !before.eliminated.contains(o))
                    .collect();
                let now: Vec<usize> = round.counts.iter().map(|(o, _)| *o).collect();
                prop_assert_eq!(now, expected);
                prop_assert!(round.exhausted >= before.exhausted);
            }
            let fewest = round.counts.iter().map(|(_, v)| *v).min().unwrap_or(0);
            if !round.eliminated.is_empty() {
                // No majority yet, and all of last place (and only last place) goes.
                prop_assert!(round.counts.iter().all(|(_, v)| v * 2 <= votes));
                let last: Vec<usize> = round
                    .counts
                    .iter()
                    .filter(|(_, v)| *v == fewest)
                    .map(|(o, _)| *o)
                    .collect();
                prop_assert_eq!(&round.eliminated, &last);
                prop_assert!(round.eliminated.len() < round.counts.len());
            }
            gone.extend(&round.eliminated);
            previous = Some(round);
        }
        if let Some(last) = results.rounds.last() {
            prop_assert!(last.eliminated.is_empty());
            let votes: i64 = last.counts.iter().map(|(_, v)| v).sum();
            match results.leaders.as_slice() {
                [winner] => {
                    let won = last.counts.iter().find(|(o, _)| o == winner).map(|(_, v)| *v);
                    prop_assert!(won.is_some_and(|v| v * 2 > votes));
                }
                tied => {
                    prop_assert!(tied.len() > 1);
                    let level: Vec<usize> = last.counts.iter().map(|(o, _)| *o).collect();
                    prop_assert_eq!(tied, level.as_slice());
                    let first = last.counts.first().map(|(_, v)| *v);
                    prop_assert!(last.counts.iter().all(|(_, v)| Some(*v) == first));
                }
            }
            // Rows show the last round's votes, nothing for the eliminated.
            for row in &results.rows {
                let in_last = last.counts.iter().find(|(o, _)| *o == row.option).map_or(0, |(_, v)| *v);
                prop_assert_eq!(row.value, in_last);
            }
        }
    }

    #[test]
    fn no_stored_marks_make_a_count_panic(
        poll in any_rules(),
        labels in prop::collection::vec("[A-Za-z]{0,6}", 0..25),
        marks in prop::collection::vec(any_marks(), 0..20),
    ) {
        let ballots: Vec<Ballot> = marks.into_iter().map(|marks| Ballot { marks }).collect();
        let results = tally(&poll, &labels, &ballots);
        prop_assert_eq!(results.counted, u32::try_from(ballots.len()).unwrap_or(u32::MAX));
        prop_assert!(!results.summary.is_empty());
        if poll.kind == PollKind::Question {
            prop_assert!(results.rows.is_empty());
        } else {
            prop_assert_eq!(results.rows.len(), poll.option_count);
        }
        for (option, row) in results.rows.iter().enumerate() {
            prop_assert_eq!(row.option, option);
            prop_assert_eq!(row.cells.len(), results.columns.len());
            prop_assert!(row.share_permille <= 1000);
        }
        prop_assert!(results.leaders.iter().all(|o| *o < poll.option_count));
        prop_assert!(results.leaders.windows(2).all(|w| matches!(w, [a, b] if a < b)));
        prop_assert_eq!(results.rounds.is_empty() || poll.kind == PollKind::Ranked, true);
    }
}
