//! Decisions as groups make them: every kind of poll started through its form (errors first),
//! voted on through "Check your vote" and "Cast vote", closed, and given an outcome that is
//! emailed (with a calendar event for a meeting); secret ballots that nothing links to a voter;
//! hidden results; polls for named voters; polls closing on time; and 200 people voting and
//! changing their votes at once.
//!
//! Strategy: every step goes through the pages with `support::browser`, against the real server
//! and SQLite file, with mail read from a real SMTP sink. The 200 voters are given accounts and
//! sessions straight in the database file (signing 200 people in by email would only test the
//! sign-in rate limits); everything they do after that is HTTP.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use support::browser::{Browser, Reply, strip_tags};
use support::journey::{
    create_group, days_ahead, signed_in_browser_named, start_poll, start_thread, start_with_mail,
};
use support::on_postgres;

fn text(reply: &Reply) -> String {
    strip_tags(&reply.body)
}

/// Votes through "Check your vote": the answers, then "Cast vote". Returns the check page.
async fn vote(browser: &Browser, poll: &str, fields: &[(&str, &str)]) -> Reply {
    let action = format!("{poll}/vote");
    let check = browser.submit(poll, &action, fields).await;
    assert_eq!(check.status, StatusCode::OK, "{}", text(&check));
    assert_eq!(check.h1().as_deref(), Some("Check your vote"));
    let cast = browser
        .submit_from(&check.body, &action, &[("intent", "cast")])
        .await;
    assert_eq!(cast.status, StatusCode::SEE_OTHER, "{}", text(&cast));
    assert_eq!(cast.location().unwrap(), format!("{poll}?done=voted"));
    check
}

/// Closes the poll early, through its confirm page.
async fn close(browser: &Browser, poll: &str) {
    let closed = browser
        .submit(&format!("{poll}/close"), &format!("{poll}/close"), &[])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", text(&closed));
}

struct Case {
    kind: &'static str,
    setup: &'static [(&'static str, &'static str)],
    ann: &'static [(&'static str, &'static str)],
    bob: &'static [(&'static str, &'static str)],
    /// What Ann's "Check your vote" page says.
    ann_check: &'static str,
    /// The results' one-sentence summary, after both votes.
    summary: &'static str,
}

const TEA: (&str, &str) = ("options", "Tea\nCoffee\nCake");

const CASES: &[Case] = &[
    Case {
        kind: "proposal",
        setup: &[("template", "consensus")],
        ann: &[("choice", "0"), ("reason", "Good for everyone")],
        bob: &[("choice", "3")],
        ann_check: "Agree",
        summary: "Agree and Block are tied with 1 of 2 votes each. 1 person blocked.",
    },
    Case {
        kind: "proposal",
        setup: &[("template", "consent")],
        ann: &[("choice", "0")],
        bob: &[("choice", "0")],
        ann_check: "Consent",
        summary: "Consent leads with 2 of 2 votes",
    },
    Case {
        kind: "sense-check",
        setup: &[],
        ann: &[("choice", "1")],
        bob: &[("choice", "1")],
        ann_check: "Not sure",
        summary: "Not sure leads with 2 of 2 votes",
    },
    Case {
        kind: "count",
        setup: &[("count_target", "2")],
        ann: &[("choice", "0")],
        bob: &[("choice", "0")],
        ann_check: "Count me in",
        summary: "2 people are in, of a target of 2. The target is reached.",
    },
    Case {
        kind: "question",
        setup: &[],
        ann: &[("reason", "Tuesday evenings")],
        bob: &[("reason", "Any evening")],
        ann_check: "Tuesday evenings",
        summary: "2 people answered",
    },
    Case {
        kind: "choose",
        setup: &[TEA],
        ann: &[("choice", "2")],
        bob: &[("choice", "2")],
        ann_check: "Cake",
        summary: "\u{201c}Cake\u{201d} leads with 2 of 2 votes",
    },
    Case {
        kind: "choose",
        setup: &[TEA, ("max_choices", "2"), ("none_of_the_above", "yes")],
        ann: &[("chosen", "0"), ("chosen", "1")],
        bob: &[("chosen", "1")],
        ann_check: "Coffee",
        summary: "\u{201c}Coffee\u{201d} leads with 2 of 2 votes",
    },
    Case {
        kind: "score",
        setup: &[TEA],
        ann: &[("option-0", "5"), ("option-1", "1"), ("option-2", "2")],
        bob: &[("option-0", "3"), ("option-1", "2"), ("option-2", "2")],
        ann_check: "Tea: 5 out of 5",
        summary: "\u{201c}Tea\u{201d} has the highest average score, 4.0 out of 5, from 2 votes",
    },
    Case {
        kind: "dot-vote",
        setup: &[TEA],
        ann: &[("option-0", "8")],
        bob: &[("option-0", "2"), ("option-1", "6")],
        ann_check: "Tea: 8 dots",
        summary: "\u{201c}Tea\u{201d} leads with 10 of 16 dots",
    },
    Case {
        kind: "ranked",
        setup: &[TEA, ("method", "borda")],
        ann: &[("option-0", "1"), ("option-1", "2"), ("option-2", "3")],
        bob: &[("option-0", "1"), ("option-2", "2")],
        ann_check: "1. Tea",
        summary: "\u{201c}Tea\u{201d} leads with 6 points",
    },
    Case {
        kind: "ranked",
        setup: &[TEA, ("method", "instant-runoff")],
        ann: &[("option-0", "1"), ("option-1", "2")],
        bob: &[("option-1", "1")],
        ann_check: "2. Coffee",
        summary: "\u{201c}Tea\u{201d} and \u{201c}Coffee\u{201d} are tied in the last round with 1 vote each",
    },
];

#[tokio::test]
async fn every_kind_of_poll_is_started_voted_on_closed_and_given_an_outcome() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Tea Club", "tea", "open").await;
    bob.submit("/g/tea", "/g/tea/join", &[]).await;
    let thread = start_thread(&ann, "tea", "Next meeting", "Let us decide.").await;

    // The thread offers "Start a poll", which asks for the kind first.
    let thread_page = ann.get(&thread).await;
    assert!(
        thread_page
            .body
            .contains(&format!(r#"href="{thread}/polls/new""#))
    );
    let kinds = ann.get(&format!("{thread}/polls/new")).await;
    assert_eq!(kinds.status, StatusCode::OK);
    for label in [
        "Proposal",
        "Sense check",
        "Count",
        "Question",
        "Choose",
        "Score",
        "Dot vote",
        "Ranked choice",
        "Meeting time",
    ] {
        assert!(text(&kinds).contains(label), "{label}");
    }
    let unknown = ann.get(&format!("{thread}/polls/new?kind=lottery")).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&unknown).contains("Choose the kind of poll"));

    // Every problem at once, answers kept.
    let form = format!("{thread}/polls/new?kind=choose");
    let wrong = ann
        .submit(
            &form,
            &form,
            &[
                ("title", ""),
                ("options", "Only <b>one</b>"),
                ("time_zone", "UTC"),
                ("closes_at", "2020-01-01T10:00"),
                ("settings", "anonymous"),
                ("settings", "allow_change"),
                ("hide_results", "never"),
                ("reason", "optional"),
                ("min_choices", "1"),
                ("max_choices", "1"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let words = text(&wrong);
    for message in [
        "Enter a title for the poll",
        "Write at least 2 options, one on each line",
        "The closing time must be in the future",
        "A secret ballot cannot be changed once cast",
    ] {
        assert!(words.contains(message), "{message}: {words}");
    }
    assert!(
        wrong
            .body
            .contains("Only &lt;b&gt;one&lt;/b&gt;</textarea>")
    );

    for case in CASES {
        let mut setup: Vec<(&str, &str)> = case.setup.to_vec();
        setup.push(("settings", "allow_change"));
        let poll = start_poll(&ann, &thread, case.kind, &setup).await;
        let page = ann.get(&poll).await;
        assert_eq!(page.status, StatusCode::OK, "{}", app.logs());
        assert!(
            text(&page).contains("0 of 2 people have voted"),
            "{}",
            case.kind
        );

        // A ballot with nothing filled in is refused with the form kept.
        let empty = ann.submit(&poll, &format!("{poll}/vote"), &[]).await;
        assert_eq!(
            empty.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            case.kind
        );
        assert!(empty.title().unwrap().starts_with("Error: "));

        let check = vote(&ann, &poll, case.ann).await;
        assert!(
            text(&check).contains(case.ann_check),
            "{}: {}",
            case.kind,
            text(&check)
        );
        vote(&bob, &poll, case.bob).await;
        let results = bob.get(&poll).await;
        let words = text(&results);
        assert!(words.contains(case.summary), "{}: {words}", case.kind);
        assert!(words.contains("2 of 2 people have voted"));
        let not_voted = text(&bob.get(&format!("{poll}/not-voted")).await);
        assert!(
            not_voted.contains("Everyone who can vote has voted"),
            "{not_voted}"
        );
        if case.kind != "question" {
            assert!(results.body.contains("<caption"), "{}", case.kind);
        }
        assert!(
            words.contains("Ann Lee"),
            "who voted what is shown: {words}"
        );

        // Only the author or an admin closes, and writes the outcome once closed.
        assert_eq!(
            bob.get(&format!("{poll}/close")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            ann.get(&format!("{poll}/outcome")).await.status,
            StatusCode::NOT_FOUND
        );
        close(&ann, &poll).await;
        let closed_page = bob.get(&poll).await;
        assert!(
            !closed_page
                .body
                .contains(&format!(r#"action="{poll}/vote""#)),
            "no ballot once closed"
        );
        let token = bob.csrf_token(&thread).await;
        let late = bob
            .send_and_read(bob.post_with_token(
                &format!("{poll}/vote"),
                &token,
                "choice=0&intent=cast",
            ))
            .await;
        assert!(
            late.status == StatusCode::CONFLICT || late.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            case.kind,
            late.status
        );
        let outcome = ann
            .submit(
                &format!("{poll}/outcome"),
                &format!("{poll}/outcome"),
                &[("statement", "We go with the group.")],
            )
            .await;
        assert_eq!(outcome.status, StatusCode::SEE_OTHER, "{}", text(&outcome));
        let done = ann.get(&poll).await;
        assert!(text(&done).contains("We go with the group."));
    }
    // Each outcome reached both members by email.
    let mail = sink
        .wait_for_mail_about("bob@example.org", "Outcome: ", CASES.len())
        .await;
    assert!(mail.subject.starts_with("Outcome: "), "{}", mail.subject);
}

#[tokio::test]
async fn a_meeting_poll_shows_times_in_each_persons_zone_and_sends_the_chosen_time_as_an_event() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Tea Club", "tea", "open").await;
    bob.submit("/g/tea", "/g/tea/join", &[]).await;
    let zone = bob
        .submit(
            "/account",
            "/account/time-zone",
            &[("time_zone", "Asia/Tokyo")],
        )
        .await;
    assert_eq!(zone.status, StatusCode::SEE_OTHER);
    let odd = bob
        .submit(
            "/account",
            "/account/time-zone",
            &[("time_zone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&odd).contains("Choose your time zone from the list"));
    let thread = start_thread(&ann, "tea", "Next meeting", "").await;
    let first = format!("{}T10:00", &days_ahead(20)[..10]);
    let second = format!("{}T10:00", &days_ahead(21)[..10]);
    let poll = start_poll(
        &ann,
        &thread,
        "meeting",
        &[
            ("time-0", &first),
            ("time-3", &second),
            ("time_zone", "Europe/London"),
            ("settings", "allow_change"),
        ],
    )
    .await;
    // The group page lists the open decision, closing time in the reader's zone.
    let group_page = text(&bob.get("/g/tea").await);
    assert!(group_page.contains("Open decisions"), "{group_page}");
    assert!(group_page.contains("Meeting time, closes"), "{group_page}");
    assert!(group_page.contains("(Asia/Tokyo)"), "{group_page}");
    // Ann reads the times as written (London is UTC in winter, or an hour ahead in summer);
    // Bob reads them nine hours ahead of UTC.
    let ann_words = text(&ann.get(&poll).await);
    let bob_words = text(&bob.get(&poll).await);
    assert!(
        bob_words.contains(", 18:00") || bob_words.contains(", 19:00"),
        "{bob_words}"
    );
    assert!(
        ann_words.contains(", 10:00") || ann_words.contains(", 09:00"),
        "{ann_words}"
    );

    let missing = ann
        .submit(&poll, &format!("{poll}/vote"), &[("option-0", "yes")])
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&missing).contains("suits you"));
    // The answer given is kept.
    assert!(
        missing.body.contains(r#"value="yes" checked"#),
        "{}",
        missing.body
    );
    vote(
        &ann,
        &poll,
        &[("option-0", "yes"), ("option-1", "if-need-be")],
    )
    .await;
    // The ballot form starts from the vote cast, ready to change.
    let again = ann.get(&poll).await;
    assert!(
        again.body.contains(r#"value="if-need-be" checked"#),
        "{}",
        again.body
    );
    vote(
        &bob,
        &poll,
        &[("option-0", "if-need-be"), ("option-1", "yes")],
    )
    .await;
    // Ann changes her mind; the change is kept in the record.
    vote(&ann, &poll, &[("option-0", "yes"), ("option-1", "no")]).await;
    let words = text(&bob.get(&poll).await);
    assert!(
        words.contains("suits the most people: 1 yes and 1 if need be")
            || words.contains("suits the most people"),
        "{words}"
    );
    assert!(words.contains("(changed once)"), "{words}");

    close(&ann, &poll).await;
    let no_time = ann
        .submit(
            &format!("{poll}/outcome"),
            &format!("{poll}/outcome"),
            &[("statement", "See you")],
        )
        .await;
    assert_eq!(no_time.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&no_time).contains("Choose the time of the meeting"));
    let saved = ann
        .submit(
            &format!("{poll}/outcome"),
            &format!("{poll}/outcome"),
            &[("chosen", "0"), ("statement", "See you then.")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let mail = sink
        .wait_for_mail_about("bob@example.org", "Outcome: ", 1)
        .await;
    assert!(mail.raw.contains("invite.ics"), "{}", mail.raw);
    assert!(mail.raw.contains("text/calendar"), "{}", mail.raw);
    assert!(mail.raw.contains("BEGIN:VCALENDAR"), "{}", mail.raw);
    // Correcting the outcome does not email everyone again.
    let fixed = ann
        .submit(
            &format!("{poll}/outcome"),
            &format!("{poll}/outcome"),
            &[("chosen", "0"), ("statement", "See you then, with cake.")],
        )
        .await;
    assert_eq!(fixed.status, StatusCode::SEE_OTHER);
    assert!(text(&bob.get(&poll).await).contains("with cake"));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let outcomes = sink
        .mail_to("bob@example.org")
        .into_iter()
        .filter(|mail| mail.subject.starts_with("Outcome: "))
        .count();
    assert_eq!(outcomes, 1);
}

#[tokio::test]
async fn a_secret_ballot_links_no_voter_to_a_ballot_in_pages_database_or_log() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Tea Club", "tea", "open").await;
    bob.submit("/g/tea", "/g/tea/join", &[]).await;
    let thread = start_thread(&ann, "tea", "Chair", "").await;
    let poll = start_poll(
        &ann,
        &thread,
        "choose",
        &[TEA, ("settings", "anonymous"), ("reason", "optional")],
    )
    .await;
    let check = vote(&bob, &poll, &[("choice", "2"), ("reason", "Cake is kind")]).await;
    assert!(text(&check).contains("secret ballot"));
    vote(&ann, &poll, &[("choice", "0")]).await;

    // A secret ballot is cast once.
    let again = bob.get(&poll).await;
    assert!(
        !again.body.contains(r#"name="choice""#),
        "no ballot form after a secret vote"
    );
    let token = bob.csrf_token(&poll).await;
    let forced = bob
        .send_and_read(bob.post_with_token(&format!("{poll}/vote"), &token, "choice=1&intent=cast"))
        .await;
    assert_eq!(forced.status, StatusCode::CONFLICT);
    assert!(text(&forced).contains("You have already voted"));

    // The admin's page shows who voted and what was voted, never together.
    let page = ann.get(&poll).await;
    let words = text(&page);
    assert!(words.contains("Secret ballot"));
    assert!(words.contains("Cake is kind"));
    assert!(!words.contains("Bob Roe"), "{words}");
    assert!(!words.contains("Ann Lee:"), "{words}");
    assert!(words.contains("2 of 2 people have voted"));
    // All the reasons, at their own address, still without names.
    let reasons = text(&ann.get(&format!("{poll}/votes")).await);
    assert!(reasons.contains("Cake is kind"), "{reasons}");
    assert!(
        reasons.contains("reasons are shown without names"),
        "{reasons}"
    );
    assert!(!reasons.contains("Bob Roe"), "{reasons}");
    // All the reasons, at their own address, still without names.
    let reasons = text(&ann.get(&format!("{poll}/votes")).await);
    assert!(reasons.contains("Cake is kind"), "{reasons}");
    assert!(
        reasons.contains("reasons are shown without names"),
        "{reasons}"
    );
    assert!(!reasons.contains("Bob Roe"), "{reasons}");

    // In the file: ballots have no voter and no time, and share no column with who voted but
    // the poll; the rows keep no order of casting.
    let db = app.database().await;
    let rows: Vec<(Option<String>, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT voter_id, cast_at, replaced_at FROM ballots")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(rows, [(None, None, None), (None, None, None)]);
    let columns_of = |table: &str| {
        let query = if on_postgres() {
            format!(
                "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
                 WHERE table_name = '{table}'"
            )
        } else {
            format!("SELECT name FROM pragma_table_info('{table}')")
        };
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(query))
                .fetch_all(&db)
                .await
                .unwrap()
        }
    };
    let ballots = columns_of("ballots").await;
    let participants = columns_of("poll_participants").await;
    let shared: Vec<&String> = ballots
        .iter()
        .filter(|c| participants.contains(c))
        .collect();
    assert_eq!(shared, ["poll_id"]);
    if on_postgres() {
        // PostgreSQL keeps the writing transaction's id on every row and rows in the order
        // written: neither may pair a voter with a ballot.
        let paired: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM poll_participants p JOIN ballots b ON b.xmin = p.xmin",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(
            paired, 0,
            "a participant shares a transaction id with a ballot"
        );
        let writers: i64 = sqlx::query_scalar("SELECT count(DISTINCT xmin::text) FROM ballots")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(
            writers, 1,
            "all ballots carry the last vote's transaction id"
        );
        let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM ballots ORDER BY ctid")
            .fetch_all(&db)
            .await
            .unwrap();
        let mut by_key = stored.clone();
        by_key.sort();
        assert_eq!(
            stored, by_key,
            "ballots lie in key order, not in the order cast"
        );
    }
    let linked = sqlx::query("UPDATE ballots SET voter_id = (SELECT id FROM accounts LIMIT 1)")
        .execute(&db)
        .await;
    assert!(
        linked.is_err(),
        "the schema refuses to link a secret ballot"
    );

    // The server's log names neither voter nor reason.
    let log = app.logs();
    for secret in ["Cake is kind", "bob@example.org"] {
        assert!(!log.contains(secret), "{secret} was logged");
    }
}

#[tokio::test]
async fn hidden_results_named_voters_and_outsiders() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let eve = signed_in_browser_named(&app, &sink, "eve@example.org", "Eve Out").await;
    create_group(&ann, "Quiet Room", "quiet", "closed").await;
    let thread = start_thread(&ann, "quiet", "Private matters", "").await;
    let handle: String = {
        let db = app.database().await;
        sqlx::query_scalar("SELECT handle FROM accounts WHERE email = 'ann@example.org'")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let unknown = ann
        .submit(
            &format!("{thread}/polls/new?kind=choose"),
            &format!("{thread}/polls/new?kind=choose"),
            &[
                TEA,
                ("title", "Who?"),
                ("time_zone", "UTC"),
                ("closes_at", &days_ahead(3)),
                ("hide_results", "until-closed"),
                ("reason", "off"),
                ("voters", "@nobody-here"),
                ("min_choices", "1"),
                ("max_choices", "1"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&unknown).contains("No member of Quiet Room has the handle @nobody-here"));
    let voters = format!("@{handle}");
    let poll = start_poll(
        &ann,
        &thread,
        "choose",
        &[
            TEA,
            ("hide_results", "until-closed"),
            ("reason", "off"),
            ("voters", &voters),
        ],
    )
    .await;

    // Outsiders and signed-out people find nothing at any of the poll's addresses.
    let anonymous = Browser::new(&app.url(""));
    for path in [
        poll.clone(),
        format!("{poll}/close"),
        format!("{poll}/outcome"),
        format!("{poll}/votes"),
        format!("{poll}/not-voted"),
        format!("{thread}/polls/new"),
    ] {
        for (who, browser) in [("outsider", &eve), ("signed out", &anonymous)] {
            let reply = browser.get(&path).await;
            assert!(
                reply.status == StatusCode::NOT_FOUND || reply.status == StatusCode::SEE_OTHER,
                "{who} {path}: {}",
                reply.status
            );
            assert!(!reply.body.contains("Tea"), "{who} {path}");
        }
    }
    let token = eve.csrf_token("/account").await;
    let forced = eve
        .send_and_read(eve.post_with_token(&format!("{poll}/vote"), &token, "choice=0&intent=cast"))
        .await;
    assert_eq!(forced.status, StatusCode::NOT_FOUND);

    vote(&ann, &poll, &[("choice", "1")]).await;
    let hidden = ann.get(&poll).await;
    assert!(text(&hidden).contains("Results are hidden until the poll closes"));
    assert!(!hidden.body.contains("<caption"));
    // The votes are hidden with the results, at their own address too.
    assert_eq!(
        ann.get(&format!("{poll}/votes")).await.status,
        StatusCode::NOT_FOUND
    );
    close(&ann, &poll).await;
    let votes = ann.get(&format!("{poll}/votes")).await;
    assert_eq!(votes.status, StatusCode::OK);
    assert!(text(&votes).contains("Ann Lee: Coffee"), "{}", text(&votes));
    let shown = ann.get(&poll).await;
    // Closed, the summary says who won.
    assert!(
        text(&shown).contains("\u{201c}Coffee\u{201d} won with 1 of 1 vote"),
        "{}",
        text(&shown)
    );
}

#[tokio::test]
async fn two_hundred_voters_casting_and_changing_at_once_are_each_counted_exactly_once() {
    const VOTERS: usize = 200;
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Town Hall", "town", "open").await;
    let thread = start_thread(&ann, "town", "Budget", "").await;
    let poll = start_poll(
        &ann,
        &thread,
        "choose",
        &[TEA, ("settings", "allow_change")],
    )
    .await;

    // The results are read once before anyone votes: what is kept of that count must not be
    // shown after the votes below.
    assert!(text(&ann.get(&poll).await).contains("No votes yet"));

    // Members with sessions, written straight into the database file.
    let db = app.database().await;
    let group: String = sqlx::query_scalar("SELECT id FROM groups WHERE handle = 'town'")
        .fetch_one(&db)
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for n in 0..VOTERS {
        let id = format!("voter{n:03}");
        let token = format!("{:A>43}", format!("v{n}"));
        let hash: String = Sha256::digest(token.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        sqlx::query("INSERT INTO accounts (id, email, display_name, handle, created_at) VALUES ($1, $2, $3, $4, 1)")
            .bind(&id)
            .bind(format!("{id}@example.org"))
            .bind(format!("Voter {n}"))
            .bind(&id)
            .execute(&db)
            .await
            .unwrap();
        sqlx::query("INSERT INTO memberships (group_id, account_id, role, joined_at) VALUES ($1, $2, 'member', 1)")
            .bind(&group)
            .bind(&id)
            .execute(&db)
            .await
            .unwrap();
        sqlx::query("INSERT INTO sessions (id_hash, public_id, account_id, device, created_at, last_seen_at) VALUES ($1, $2, $3, 'test', $4, $5)")
            .bind(hash)
            .bind(format!("public-{id}"))
            .bind(&id)
            .bind(jiff::Timestamp::now().as_second())
            .bind(jiff::Timestamp::now().as_second())
            .execute(&db)
            .await
            .unwrap();
        tokens.push(token);
    }

    // Everyone votes Tea, and at the same time every other person changes to Cake, twice over.
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for (n, token) in tokens.into_iter().enumerate() {
        let base = app.url("");
        let poll = poll.clone();
        tasks.push(tokio::spawn(async move {
            let browser = Browser::new(&base);
            browser.set_cookie("quorum_session", &token);
            let csrf = browser.csrf_token(&poll).await;
            let mut statuses = Vec::new();
            let choices: &[&str] = if n % 2 == 0 { &["0", "2", "2"] } else { &["0"] };
            for choice in choices {
                let reply = browser
                    .send_and_read(browser.post_with_token(
                        &format!("{poll}/vote"),
                        &csrf,
                        format!("choice={choice}&intent=cast"),
                    ))
                    .await;
                statuses.push(reply.status);
            }
            statuses
        }));
    }
    let mut requests = 0;
    for task in tasks {
        for status in task.await.unwrap() {
            assert_eq!(status, StatusCode::SEE_OTHER);
            requests += 1;
        }
    }
    let elapsed = started.elapsed();
    println!(
        "{requests} ballots from {VOTERS} voters in {:.2} s ({:.0} a second)",
        elapsed.as_secs_f64(),
        f64::from(requests) / elapsed.as_secs_f64()
    );

    let current: Vec<(String, String)> = sqlx::query_as(
        "SELECT voter_id, marks FROM ballots WHERE replaced_at IS NULL ORDER BY voter_id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(current.len(), VOTERS, "one current ballot per voter");
    let cake = current.iter().filter(|(_, m)| m == "2=1").count();
    let tea = current.iter().filter(|(_, m)| m == "0=1").count();
    assert_eq!((tea, cake), (VOTERS / 2, VOTERS / 2));
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ballots")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(all, i64::from(requests), "every change kept as history");
    let participants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM poll_participants")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(participants, i64::try_from(VOTERS).unwrap());
    let reply = ann.get(&poll).await;
    let page = text(&reply);
    assert!(page.contains("200 of 201 people have voted"), "{page}");
    assert!(
        page.contains(
            "\u{201c}Tea\u{201d} and \u{201c}Cake\u{201d} are tied with 100 of 200 votes each"
        ) || page.contains("are tied"),
        "{page}"
    );

    // The poll page lists the newest 20 votes and links to all of them, a hundred a page; who
    // has not voted (Ann alone) is a page of its own too.
    let listed = |body: &str| {
        body.split(r#"<ul class="q-list q-votes">"#)
            .nth(1)
            .map_or(0, |list| {
                list.split("</ul>")
                    .next()
                    .unwrap_or("")
                    .matches("<li>")
                    .count()
            })
    };
    assert_eq!(listed(&reply.body), 20, "{page}");
    assert!(page.contains("All 200 votes"), "{page}");
    let first = ann.get(&format!("{poll}/votes")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.h1().as_deref(), Some("Votes"));
    assert_eq!(listed(&first.body), 100);
    assert!(text(&first).contains("Page 1 of 2"), "{}", text(&first));
    let second = ann.get(&format!("{poll}/votes?page=2")).await;
    assert_eq!(listed(&second.body), 100);
    let names = |body: &str| -> Vec<String> {
        strip_tags(body)
            .split("Voter ")
            .skip(1)
            .filter_map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .map(String::from)
            })
            .collect()
    };
    let mut everyone = names(&first.body);
    everyone.extend(names(&second.body));
    everyone.sort();
    everyone.dedup();
    assert_eq!(
        everyone.len(),
        VOTERS,
        "every voter is listed once across the pages"
    );
    assert_eq!(
        ann.get(&format!("{poll}/votes?page=3")).await.status,
        StatusCode::NOT_FOUND
    );
    let not_voted = ann.get(&format!("{poll}/not-voted")).await;
    assert_eq!(not_voted.status, StatusCode::OK);
    let words = text(&not_voted);
    assert!(
        words.contains("1 person who can vote has not voted yet"),
        "{words}"
    );
    assert!(words.contains("Ann Lee"), "{words}");
    assert!(!words.contains("Voter 1"), "{words}");
}

#[tokio::test]
async fn a_poll_past_its_time_takes_no_votes_and_the_job_asks_the_author_for_the_outcome() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Tea Club", "tea", "open").await;
    let thread = start_thread(&ann, "tea", "Soon", "").await;
    let poll = start_poll(&ann, &thread, "sense-check", &[]).await;
    let db = app.database().await;
    sqlx::query("UPDATE polls SET closes_at = closes_at - 30 * 86400")
        .execute(&db)
        .await
        .unwrap();
    let page = ann.get(&poll).await;
    assert!(text(&page).contains("Closed "), "{}", text(&page));
    assert!(!page.body.contains(r#"name="choice""#));
    let token = ann.csrf_token(&poll).await;
    let late = ann
        .send_and_read(ann.post_with_token(&format!("{poll}/vote"), &token, "choice=0&intent=cast"))
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(text(&late).contains("Voting has closed"));
    let mail = sink.wait_for_mail_to("ann@example.org", 2).await;
    assert!(
        mail.subject.starts_with("Your poll has closed"),
        "{}",
        mail.subject
    );
    assert!(mail.text.contains("/outcome"), "{}", mail.text);
    let closed_at: Option<i64> = sqlx::query_scalar("SELECT closed_at FROM polls")
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(closed_at.is_some());
}
