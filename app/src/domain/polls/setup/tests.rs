use super::*;

const NOW: i64 = 1_796_000_000; // 30 November 2026

fn answers() -> PollAnswers {
    PollAnswers {
        title: "Where shall we meet?".into(),
        options: "Library\n\n  Town hall \nCafé\n".into(),
        closes_at: "2026-12-10T17:00".into(),
        ..PollAnswers::defaults("Europe/London")
    }
}

#[test]
fn a_choose_poll_keeps_its_written_options_in_order() {
    let spec = check_poll(PollKind::Choose, &answers(), NOW).unwrap();
    assert_eq!(spec.options, ["Library", "Town hall", "Café"]);
    assert_eq!(spec.rules.option_count, 3);
    assert_eq!((spec.rules.min_choices, spec.rules.max_choices), (1, 1));
    assert_eq!(spec.closes_at, 1_796_922_000);
    assert!(spec.allow_change);
}

#[test]
fn none_of_the_above_is_the_last_option() {
    let spec = check_poll(
        PollKind::Choose,
        &PollAnswers {
            none_of_the_above: true,
            max_choices: "2".into(),
            ..answers()
        },
        NOW,
    )
    .unwrap();
    assert_eq!(spec.options.last().unwrap(), NONE_OF_THE_ABOVE);
    assert_eq!(spec.rules.option_count, 4);
    assert!(spec.rules.none_of_the_above);
}

#[test]
fn fixed_options_come_from_the_kind_and_template() {
    let consent = PollAnswers {
        template: "consent".into(),
        ..answers()
    };
    let spec = check_poll(PollKind::Proposal, &consent, NOW).unwrap();
    assert_eq!(spec.options, ["Consent", "Objection"]);
    assert_eq!(spec.template, Some(Template::Consent));
    let sense = check_poll(PollKind::SenseCheck, &answers(), NOW).unwrap();
    assert_eq!(sense.options, SENSE_CHECK_OPTIONS);
    let question = check_poll(PollKind::Question, &answers(), NOW).unwrap();
    assert!(question.options.is_empty());
    assert_eq!(question.rules.reason, ReasonMode::Required);
}

#[test]
fn every_problem_is_reported_at_once_in_page_order() {
    let bad = PollAnswers {
        title: " ".into(),
        options: "Only one".into(),
        closes_at: "2026-11-01T10:00".into(),
        anonymous: true,
        allow_change: true,
        min_choices: "3".into(),
        max_choices: "x".into(),
        ..answers()
    };
    let errors = check_poll(PollKind::Choose, &bad, NOW).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
    assert_eq!(
        fields,
        [
            "title",
            "options",
            "closes_at",
            "settings",
            "min_choices",
            "max_choices"
        ]
    );
    assert_eq!(
        errors.for_field("closes_at").unwrap(),
        "The closing time must be in the future"
    );
}

#[test]
fn options_must_be_distinct_and_short() {
    let twice = PollAnswers {
        options: "Tea\ntea\nCoffee".into(),
        ..answers()
    };
    let errors = check_poll(PollKind::Ranked, &twice, NOW).unwrap_err();
    assert!(
        errors
            .for_field("options")
            .unwrap()
            .contains("written twice")
    );
    let long = PollAnswers {
        options: format!("{}\nShort", "x".repeat(OPTION_MAX + 1)),
        ..answers()
    };
    assert!(check_poll(PollKind::Score, &long, NOW).is_err());
    let many = PollAnswers {
        options: (0..=OPTIONS_MAX).map(|n| format!("Option {n}\n")).collect(),
        ..answers()
    };
    assert_eq!(
        check_poll(PollKind::DotVote, &many, NOW)
            .unwrap_err()
            .for_field("options")
            .unwrap(),
        "Write no more than 20 options"
    );
}

#[test]
fn meeting_times_are_read_in_the_chosen_zone_sorted_and_future_only() {
    let mut meeting = PollAnswers {
        time_zone: "Asia/Tokyo".into(),
        ..answers()
    };
    meeting.times[0] = "2026-12-04T19:00".into();
    meeting.times[3] = "2026-12-03T19:00".into();
    let spec = check_poll(PollKind::Meeting, &meeting, NOW).unwrap();
    assert_eq!(spec.times, [1_796_292_000, 1_796_378_400]);
    assert_eq!(spec.options[0], "Thu 3 Dec 2026, 19:00");
    meeting.times[1] = "2020-01-01T10:00".into();
    let errors = check_poll(PollKind::Meeting, &meeting, NOW).unwrap_err();
    assert_eq!(
        errors.for_field("time-0").unwrap(),
        "Every time must be in the future"
    );
    let none = PollAnswers {
        time_zone: "Nowhere/Else".into(),
        ..answers()
    };
    let errors = check_poll(PollKind::Meeting, &none, NOW).unwrap_err();
    assert!(errors.for_field("time_zone").is_some());
    assert!(errors.for_field("time-0").is_some());
}

#[test]
fn secret_ballots_cannot_be_changed_and_settings_must_be_known() {
    let secret = PollAnswers {
        anonymous: true,
        allow_change: false,
        hide_results: "until-closed".into(),
        ..answers()
    };
    let spec = check_poll(PollKind::Choose, &secret, NOW).unwrap();
    assert!(spec.anonymous && !spec.allow_change);
    assert_eq!(spec.hide_results, HideResults::UntilClosed);
    let odd = PollAnswers {
        hide_results: "sometimes".into(),
        reason: "maybe".into(),
        ..answers()
    };
    let errors = check_poll(PollKind::Choose, &odd, NOW).unwrap_err();
    assert!(errors.for_field("hide_results").is_some());
    assert!(errors.for_field("reason").is_some());
}

#[test]
fn kind_settings_are_bounded() {
    let score = PollAnswers {
        score_min: "5".into(),
        score_max: "5".into(),
        ..answers()
    };
    assert_eq!(
        check_poll(PollKind::Score, &score, NOW)
            .unwrap_err()
            .for_field("score_max")
            .unwrap(),
        "The highest score must be more than the lowest"
    );
    let dots = PollAnswers {
        dot_total: "0".into(),
        ..answers()
    };
    assert!(check_poll(PollKind::DotVote, &dots, NOW).is_err());
    let count = PollAnswers {
        count_target: "12".into(),
        ..answers()
    };
    assert_eq!(
        check_poll(PollKind::Count, &count, NOW)
            .unwrap()
            .rules
            .count_target,
        12
    );
    let voters = PollAnswers {
        voters: "@Ann, bob\n@ann".into(),
        ..answers()
    };
    assert_eq!(
        check_poll(PollKind::Choose, &voters, NOW).unwrap().voters,
        ["ann", "bob"]
    );
}

#[test]
fn an_outcome_needs_words_and_a_meeting_needs_its_time() {
    assert_eq!(
        check_outcome(PollKind::Choose, "We chose tea", None, 3),
        Ok(None)
    );
    assert_eq!(
        check_outcome(PollKind::Meeting, "See you then", Some("1"), 2),
        Ok(Some(1))
    );
    let errors = check_outcome(PollKind::Meeting, " ", Some("2"), 2).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
    assert_eq!(fields, ["chosen", "statement"]);
}

#[test]
fn an_edit_with_fixed_options_reads_only_the_title_details_and_closing_time() {
    let fixed = PollAnswers {
        // Options a vote was cast for are never read again, however they are sent.
        options: "Only one".into(),
        details: "More *context*".into(),
        ..answers()
    };
    let edit = check_edit(PollKind::Choose, &fixed, true, NOW).unwrap();
    assert_eq!(edit.title, "Where shall we meet?");
    assert_eq!(edit.details, "More *context*");
    assert_eq!(edit.closes_at, 1_796_922_000);
    assert_eq!(edit.setup, None);

    // Before anyone votes the options are checked as when the poll started.
    let open = check_edit(PollKind::Choose, &fixed, false, NOW).unwrap_err();
    assert!(open.for_field("options").is_some());
    let setup = check_edit(PollKind::Choose, &answers(), false, NOW)
        .unwrap()
        .setup
        .unwrap();
    assert_eq!(setup.options, ["Library", "Town hall", "Café"]);
}

#[test]
fn a_new_closing_time_keeps_the_limits_of_a_new_poll() {
    let past = PollAnswers {
        title: String::new(),
        closes_at: "2026-11-01T10:00".into(),
        ..answers()
    };
    let errors = check_edit(PollKind::Choose, &past, true, NOW).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
    assert_eq!(fields, ["title", "closes_at"]);
    assert_eq!(
        errors.for_field("closes_at").unwrap(),
        "The closing time must be in the future"
    );

    assert_eq!(
        check_reopen("Europe/London", "2026-12-10T17:00", NOW),
        Ok(1_796_922_000)
    );
    let far = check_reopen("Europe/London", "2028-12-10T17:00", NOW).unwrap_err();
    assert_eq!(
        far.for_field("closes_at").unwrap(),
        "The closing time must be within a year"
    );
    let nothing = check_reopen("Mars/Olympus", "", NOW).unwrap_err();
    let fields: Vec<&str> = nothing.iter().map(|e| e.field.as_ref()).collect();
    assert_eq!(fields, ["time_zone", "closes_at"]);
}
