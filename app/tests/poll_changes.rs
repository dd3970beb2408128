//! Changing a poll after it started, as its author and the group's admins do it through the
//! pages: editing an open poll (every version kept and shown), options fixed once anyone has
//! voted (and the form saying why), a stale edit refused rather than applied over another,
//! closing early and reopening with the ballots kept, what happens to an outcome, the secret
//! ballot and hidden results across a reopening, and nobody else finding any of it.
//!
//! Strategy: every step goes through the pages with `support::browser`, against the real server
//! and database (SQLite, or PostgreSQL with `QUORUM_TEST_DATABASE=postgres`), with mail read from
//! a real SMTP sink. `Browser::submit` sends a form's hidden fields (its CSRF token and the
//! version it was made from) and the answers given here, as a person's browser would.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::sync::Arc;

use reqwest::StatusCode;
use support::TestApp;
use support::browser::{Browser, Reply, strip_tags};
use support::journey::{
    create_group, days_ahead, members_who_joined, signed_in_browser_named, start_poll,
    start_thread, start_with_mail,
};
use support::smtp::SmtpSink;

const TEA: (&str, &str) = ("options", "Tea\nCoffee\nCake");

fn text(reply: &Reply) -> String {
    strip_tags(&reply.body)
}

/// Ann, who made the group "tea" and is its admin; Bob and Cy, members; and a thread.
struct Club {
    app: TestApp,
    sink: Arc<SmtpSink>,
    ann: Browser,
    bob: Browser,
    cy: Browser,
    thread: String,
}

async fn club() -> Club {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Tea Club", "tea", "open").await;
    let sink = Arc::new(sink);
    let mut members = members_who_joined(
        &app,
        &sink,
        "tea",
        ["bob@example.org".to_string(), "cy@example.org".to_string()],
    )
    .await;
    let cy = members.pop().unwrap();
    let bob = members.pop().unwrap();
    let thread = start_thread(&ann, "tea", "Next meeting", "").await;
    Club {
        app,
        sink,
        ann,
        bob,
        cy,
        thread,
    }
}

/// Votes through "Check your vote" and "Cast vote".
async fn vote(browser: &Browser, poll: &str, fields: &[(&str, &str)]) {
    let action = format!("{poll}/vote");
    let check = browser.submit(poll, &action, fields).await;
    assert_eq!(check.status, StatusCode::OK, "{}", text(&check));
    let cast = browser
        .submit_from(&check.body, &action, &[("intent", "cast")])
        .await;
    assert_eq!(cast.status, StatusCode::SEE_OTHER, "{}", text(&cast));
}

/// Closes the poll through its confirm page.
async fn close(browser: &Browser, poll: &str) {
    let page = format!("{poll}/close");
    let closed = browser.submit(&page, &page, &[]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", text(&closed));
}

/// Writes the outcome of the closed poll at `poll`.
async fn write_outcome(browser: &Browser, poll: &str, statement: &str) {
    let page = format!("{poll}/outcome");
    let written = browser
        .submit(&page, &page, &[("statement", statement)])
        .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
}

/// Reopens the poll through its confirm page, until `days` from now (UTC).
async fn reopen(browser: &Browser, poll: &str, days: i64) -> Reply {
    let page = format!("{poll}/reopen");
    let closes = days_ahead(days);
    browser
        .submit(
            &page,
            &page,
            &[("time_zone", "UTC"), ("closes_at", closes.as_str())],
        )
        .await
}

/// The answers of the edit form of a choose poll, with `changes` in place of the usual ones.
fn edit_fields<'a>(changes: &[(&'a str, &'a str)], closes: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("title", "What shall we do?"),
        ("details", ""),
        TEA,
        ("time_zone", "UTC"),
        ("closes_at", closes),
        ("min_choices", "1"),
        ("max_choices", "1"),
    ];
    fields.retain(|(name, _)| !changes.iter().any(|(c, _)| c == name));
    fields.extend_from_slice(changes);
    fields
}

async fn edit(browser: &Browser, poll: &str, changes: &[(&str, &str)]) -> Reply {
    let page = format!("{poll}/edit");
    let closes = days_ahead(7);
    browser
        .submit(&page, &page, &edit_fields(changes, &closes))
        .await
}

#[tokio::test]
async fn an_open_poll_is_edited_and_every_version_is_shown() {
    let club = club().await;
    let (ann, bob) = (&club.ann, &club.bob);
    let poll = start_poll(ann, &club.thread, "choose", &[TEA]).await;

    // Nobody has voted: the form has the options, filled in, and the closing time.
    let form = ann.get(&format!("{poll}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.h1().as_deref(), Some("Edit the poll"));
    assert!(form.body.contains(r#"name="options""#));
    assert!(form.body.contains("Tea\nCoffee\nCake"), "{}", form.body);
    assert!(form.body.contains(r#"name="closes_at""#));
    assert!(
        !form.body.contains(r#"name="settings""#),
        "voting settings stay"
    );

    let later = days_ahead(10);
    let edited = edit(
        ann,
        &poll,
        &[
            ("title", "Where shall we have tea?"),
            ("details", "Bring a *cup*."),
            ("options", "Tea\nCoffee\nCake\nBiscuits"),
            ("closes_at", &later),
        ],
    )
    .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", text(&edited));
    assert_eq!(edited.location().unwrap(), format!("{poll}?done=edited"));

    // Everyone sees the poll as it now is, marked as edited, with a link to its history.
    let page = bob.get(&poll).await;
    let words = text(&page);
    assert_eq!(page.h1().as_deref(), Some("Where shall we have tea?"));
    assert!(words.contains("Biscuits"), "{words}");
    assert!(words.contains("Bring a cup."), "{words}");
    assert!(words.contains("Edited "), "{words}");
    assert!(page.body.contains(&format!(r#"href="{poll}/history""#)));
    assert!(
        words.contains("History of the poll (2 versions)"),
        "{words}"
    );
    assert!(
        !page.body.contains(&format!(r#"href="{poll}/edit""#)),
        "members do not edit"
    );

    let history = bob.get(&format!("{poll}/history")).await;
    assert_eq!(history.status, StatusCode::OK);
    assert_eq!(history.h1().as_deref(), Some("History of the poll"));
    let words = text(&history);
    assert!(words.contains("2 versions, newest first."), "{words}");
    assert!(
        words.contains("Version 2 (current): edited by Ann Lee"),
        "{words}"
    );
    assert!(words.contains("Version 1: started by Ann Lee"), "{words}");
    assert!(words.contains("Title: Where shall we have tea?"), "{words}");
    assert!(words.contains("Title: What shall we do?"), "{words}");
    let (newer, older) = words.split_at(words.find("Version 1").unwrap());
    assert!(newer.contains("Biscuits") && !older.contains("Biscuits"));
    assert!(older.contains("Each person chooses 1 option."), "{words}");

    // An admin edits a member's poll too.
    let bobs = start_poll(bob, &club.thread, "question", &[("title", "Any ideas?")]).await;
    let page = format!("{bobs}/edit");
    let closes = days_ahead(3);
    let by_admin = ann
        .submit(
            &page,
            &page,
            &[
                ("title", "Any ideas for the summer?"),
                ("time_zone", "UTC"),
                ("closes_at", &closes),
            ],
        )
        .await;
    assert_eq!(
        by_admin.status,
        StatusCode::SEE_OTHER,
        "{}",
        text(&by_admin)
    );
    let history = bob.get(&format!("{bobs}/history")).await;
    assert!(text(&history).contains("Version 2 (current): edited by Ann Lee"));
}

#[tokio::test]
async fn once_anyone_has_voted_the_options_are_fixed_and_the_form_says_why() {
    let club = club().await;
    let (ann, bob, cy) = (&club.ann, &club.bob, &club.cy);
    let poll = start_poll(ann, &club.thread, "choose", &[TEA]).await;

    // Cy opens the ballot before the options change: her marks would name other options, so
    // her vote is not taken; she chooses again from the options as they now are.
    let stale_ballot = cy.get(&poll).await;
    let changed = edit(ann, &poll, &[("options", "Cake\nTea\nCoffee")]).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", text(&changed));
    let refused = cy
        .submit_from(
            &stale_ballot.body,
            &format!("{poll}/vote"),
            &[("choice", "0")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(&refused).contains("The options were changed after you opened the poll"),
        "{}",
        text(&refused)
    );

    // Ann opens the form while nobody has voted; Bob votes before she saves.
    let form = ann.get(&format!("{poll}/edit")).await;
    assert!(form.body.contains(r#"name="options""#));
    vote(bob, &poll, &[("choice", "0")]).await;
    let raced = ann
        .submit_from(
            &form.body,
            &format!("{poll}/edit"),
            &edit_fields(
                &[("title", "Cake or not?"), ("options", "Cake\nNo cake")],
                &days_ahead(7),
            ),
        )
        .await;
    assert_eq!(raced.status, StatusCode::UNPROCESSABLE_ENTITY);
    let words = text(&raced);
    assert!(raced.title().unwrap().starts_with("Error: "));
    assert!(
        words.contains("Someone voted while you were changing the poll"),
        "{words}"
    );
    assert!(raced.body.contains(r##"href="#options-fixed""##));
    assert!(
        raced.body.contains(r#"value="Cake or not?""#),
        "the title is kept"
    );
    assert!(words.contains("1 person has voted"), "{words}");
    assert_eq!(
        bob.get(&poll).await.h1().as_deref(),
        Some("What shall we do?")
    );

    // Now the form says why in words, lists the options, and has no control for them.
    let fixed = ann.get(&format!("{poll}/edit")).await;
    assert!(!fixed.body.contains(r#"name="options""#));
    assert!(!fixed.body.contains(r#"name="max_choices""#));
    let words = text(&fixed);
    assert!(
        words.contains("The options and how they are counted cannot change any more: 1 person has voted, and changing them would change what those votes mean."),
        "{words}"
    );
    assert!(words.contains("Each person chooses 1 option."), "{words}");

    // The title and closing time still change; options sent anyway are not read.
    let saved = edit(
        ann,
        &poll,
        &[("title", "Cake or not?"), ("options", "Cake\nNo cake")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", text(&saved));
    let page = ann.get(&poll).await;
    let words = text(&page);
    assert_eq!(page.h1().as_deref(), Some("Cake or not?"));
    assert!(!words.contains("No cake"), "{words}");
    assert!(
        words.contains("\u{201c}Cake\u{201d} leads with 1 of 1 vote"),
        "{words}"
    );
}

#[tokio::test]
async fn a_poll_closed_early_is_reopened_with_its_ballots_kept_and_its_outcome_set_aside() {
    let club = club().await;
    let (ann, bob, cy) = (&club.ann, &club.bob, &club.cy);
    let poll = start_poll(
        ann,
        &club.thread,
        "choose",
        &[TEA, ("settings", "allow_change")],
    )
    .await;
    vote(bob, &poll, &[("choice", "1")]).await;

    // The close page no longer says it cannot be undone, and reopening is offered only once
    // the poll is closed (and editing only while it is open).
    let confirm = ann.get(&format!("{poll}/close")).await;
    assert!(text(&confirm).contains("You can reopen the poll later"));
    let early = ann.get(&format!("{poll}/reopen")).await;
    assert_eq!(early.status, StatusCode::SEE_OTHER);
    close(ann, &poll).await;
    let late = ann.get(&format!("{poll}/edit")).await;
    assert_eq!(late.status, StatusCode::SEE_OTHER);
    let closed = ann.get(&poll).await;
    assert!(closed.body.contains(&format!(r#"href="{poll}/reopen""#)));
    assert!(!closed.body.contains(&format!(r#"href="{poll}/edit""#)));

    write_outcome(ann, &poll, "Coffee it is.").await;
    let outcome_mail = club
        .sink
        .wait_for_mail_about("bob@example.org", "Outcome: ", 1)
        .await;
    assert!(
        outcome_mail.subject.starts_with("Outcome: "),
        "{}",
        outcome_mail.subject
    );

    // The confirm page says what happens, this poll's way.
    let page = ann.get(&format!("{poll}/reopen")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.h1().as_deref(), Some("Reopen the poll?"));
    let words = text(&page);
    assert!(
        words.contains("The 1 vote already cast is kept and still counts."),
        "{words}"
    );
    assert!(
        words.contains("People who have voted can change their vote."),
        "{words}"
    );
    assert!(
        words.contains("The outcome Ann Lee wrote on") && words.contains("is set aside"),
        "{words}"
    );
    assert!(page.body.contains(r#"type="datetime-local""#));

    let reopened = reopen(ann, &poll, 5).await;
    assert_eq!(
        reopened.status,
        StatusCode::SEE_OTHER,
        "{}",
        text(&reopened)
    );
    assert_eq!(
        reopened.location().unwrap(),
        format!("{poll}?done=reopened")
    );

    // Open again: Bob's vote still counts, Cy votes, and the old outcome is shown as earlier.
    let page = cy.get(&poll).await;
    let words = text(&page);
    assert!(words.contains("Closes "), "{words}");
    assert!(words.contains("Reopened "), "{words}");
    assert!(words.contains("Earlier outcome"), "{words}");
    assert!(words.contains("Coffee it is."), "{words}");
    assert!(words.contains("1 of 3 people have voted"), "{words}");
    vote(cy, &poll, &[("choice", "1")]).await;
    vote(bob, &poll, &[("choice", "2")]).await;
    let page = ann.get(&poll).await;
    let words = text(&page);
    assert!(words.contains("2 of 3 people have voted"), "{words}");
    assert!(
        words.contains("(changed once)"),
        "Bob's first vote is in the record: {words}"
    );

    // Closed again, the author writes a new outcome and members are emailed it.
    close(ann, &poll).await;
    let page = ann.get(&poll).await;
    assert!(
        page.body.contains("Write the outcome"),
        "asked for a new outcome"
    );
    write_outcome(ann, &poll, "A tie: we ask again.").await;
    let second = club
        .sink
        .wait_for_mail_about("bob@example.org", "Outcome: ", 2)
        .await;
    assert!(
        second.subject.starts_with("Outcome: "),
        "{}",
        second.subject
    );
    let words = text(&ann.get(&poll).await);
    assert!(words.contains("A tie: we ask again.") && words.contains("Coffee it is."));

    let history = text(&ann.get(&format!("{poll}/history")).await);
    assert!(
        history.contains("Version 2 (current): reopened by Ann Lee"),
        "{history}"
    );
}

#[tokio::test]
async fn nobody_but_the_author_and_admins_finds_the_forms_or_can_post_them() {
    let club = club().await;
    let (ann, bob) = (&club.ann, &club.bob);
    let eve = signed_in_browser_named(&club.app, &club.sink, "eve@example.org", "Eve Out").await;
    let signed_out = Browser::new(&club.app.url(""));
    let open = start_poll(ann, &club.thread, "choose", &[TEA]).await;
    let closed = start_poll(ann, &club.thread, "choose", &[TEA]).await;
    close(ann, &closed).await;

    for (who, browser) in [
        ("member", bob),
        ("outsider", &eve),
        ("signed out", &signed_out),
    ] {
        for path in [
            format!("{open}/edit"),
            format!("{open}/close"),
            format!("{closed}/reopen"),
            format!("{closed}/outcome"),
        ] {
            let reply = browser.get(&path).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{who} GET {path}");
        }
    }
    // With a valid CSRF token of their own, posts find nothing either, and change nothing.
    let later = days_ahead(5);
    for (who, browser) in [("member", bob), ("outsider", &eve)] {
        let token = browser.csrf_token("/account").await;
        for (path, body) in [
            (
                format!("{open}/edit"),
                format!("title=Mine&version=1&time_zone=UTC&closes_at={later}"),
            ),
            (format!("{open}/close"), String::new()),
            (
                format!("{closed}/reopen"),
                format!("version=1&time_zone=UTC&closes_at={later}"),
            ),
        ] {
            let reply = browser
                .send_and_read(browser.post_with_token(&path, &token, body))
                .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{who} POST {path}");
        }
    }
    assert_eq!(
        ann.get(&open).await.h1().as_deref(),
        Some("What shall we do?")
    );
    assert!(text(&ann.get(&open).await).contains("Closes "));
    assert!(text(&ann.get(&closed).await).contains("Closed "));

    // The author's own forms without the CSRF token are refused before anything is read.
    for path in [
        format!("{open}/edit"),
        format!("{open}/close"),
        format!("{closed}/reopen"),
    ] {
        let reply = ann
            .post_raw(
                &path,
                format!("title=Forged&version=1&time_zone=UTC&closes_at={later}"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }
    let after = ann.get(&open).await;
    assert_eq!(after.h1().as_deref(), Some("What shall we do?"));
    assert!(text(&after).contains("Closes "), "still open");
    assert!(
        text(&ann.get(&closed).await).contains("Closed "),
        "still closed"
    );
}

#[tokio::test]
async fn mistakes_are_reported_all_at_once_with_the_answers_kept() {
    let club = club().await;
    let ann = &club.ann;
    let poll = start_poll(ann, &club.thread, "choose", &[TEA]).await;

    let wrong = edit(
        ann,
        &poll,
        &[
            ("title", ""),
            ("details", "Keep *these* words"),
            ("options", "Tea\nTea"),
            ("closes_at", "2020-01-01T10:00"),
        ],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.title().unwrap().starts_with("Error: "));
    let words = text(&wrong);
    for message in [
        "There is a problem",
        "Enter a title for the poll",
        "is written twice",
        "The closing time must be in the future",
    ] {
        assert!(words.contains(message), "{message}: {words}");
    }
    assert!(wrong.body.contains("Keep *these* words"), "details kept");
    assert!(wrong.body.contains("Tea\nTea"), "options kept");
    assert!(
        wrong.body.contains(r#"value="2020-01-01T10:00""#),
        "closing time kept"
    );
    let far = edit(ann, &poll, &[("closes_at", &days_ahead(400))]).await;
    assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&far).contains("The closing time must be within a year"));

    close(ann, &poll).await;
    let page = format!("{poll}/reopen");
    let blank = ann.submit(&page, &page, &[("time_zone", "UTC")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.title().unwrap().starts_with("Error: "));
    assert!(text(&blank).contains("Enter when the poll closes"));
    let garbled = ann
        .submit(
            &page,
            &page,
            &[
                ("time_zone", "Nowhere/Atlantis"),
                ("closes_at", "next tuesday"),
            ],
        )
        .await;
    assert_eq!(garbled.status, StatusCode::UNPROCESSABLE_ENTITY);
    let words = text(&garbled);
    assert!(
        words.contains("Choose the time zone the times are in"),
        "{words}"
    );
    assert!(
        words.contains("Enter the closing time as a date and time"),
        "{words}"
    );
    assert!(
        garbled.body.contains(r#"value="next tuesday""#),
        "answer kept"
    );
    let too_far = ann
        .submit(
            &page,
            &page,
            &[("time_zone", "UTC"), ("closes_at", &days_ahead(400))],
        )
        .await;
    assert!(text(&too_far).contains("The closing time must be within a year"));
    assert!(
        text(&ann.get(&poll).await).contains("Closed "),
        "still closed"
    );
}

#[tokio::test]
async fn an_edit_made_from_an_older_version_is_refused_not_applied_over_the_newer() {
    let club = club().await;
    let ann = &club.ann;
    let poll = start_poll(ann, &club.thread, "choose", &[TEA]).await;
    let action = format!("{poll}/edit");
    let closes = days_ahead(7);

    // Two tabs open on version 1; the first saves.
    let first_tab = ann.get(&action).await;
    let second_tab = ann.get(&action).await;
    let first = ann
        .submit_from(
            &first_tab.body,
            &action,
            &edit_fields(&[("title", "First title")], &closes),
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);

    // The second is refused: its answers come back beside the poll as it now is.
    let second = ann
        .submit_from(
            &second_tab.body,
            &action,
            &edit_fields(&[("title", "Second title")], &closes),
        )
        .await;
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(second.title().unwrap().starts_with("Error: "));
    let words = text(&second);
    assert!(
        words.contains("Someone else changed this poll after you opened this page"),
        "{words}"
    );
    assert!(second.body.contains(r##"href="#version""##));
    assert!(words.contains("The poll as it is now"), "{words}");
    assert!(words.contains("Title: First title"), "{words}");
    assert!(
        second.body.contains(r#"value="Second title""#),
        "answers kept"
    );
    assert_eq!(ann.get(&poll).await.h1().as_deref(), Some("First title"));

    // Saving again from there is a knowing choice, and it lands.
    let again = ann
        .submit_from(
            &second.body,
            &action,
            &edit_fields(&[("title", "Second title")], &closes),
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", text(&again));
    assert_eq!(ann.get(&poll).await.h1().as_deref(), Some("Second title"));
    assert!(text(&ann.get(&format!("{poll}/history")).await).contains("3 versions"));

    // Two reopen pages of one closed poll: the second finds it open already.
    close(ann, &poll).await;
    let page = format!("{poll}/reopen");
    let one = ann.get(&page).await;
    let two = ann.get(&page).await;
    let later = days_ahead(3);
    let fields = [("time_zone", "UTC"), ("closes_at", later.as_str())];
    let reopened = ann.submit_from(&one.body, &page, &fields).await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    let twice = ann.submit_from(&two.body, &page, &fields).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&twice).contains("Someone else has reopened this poll already"));
}

#[tokio::test]
async fn a_reopened_secret_ballot_stays_secret_and_hidden_results_hide_again() {
    let club = club().await;
    let (ann, bob, cy) = (&club.ann, &club.bob, &club.cy);
    let poll = start_poll(
        ann,
        &club.thread,
        "choose",
        &[
            TEA,
            ("settings", "anonymous"),
            ("hide_results", "until-closed"),
        ],
    )
    .await;
    vote(bob, &poll, &[("choice", "2"), ("reason", "Cake is kind")]).await;
    close(ann, &poll).await;
    let shown = text(&ann.get(&poll).await);
    assert!(
        shown.contains("\u{201c}Cake\u{201d} won with 1 of 1 vote"),
        "{shown}"
    );
    write_outcome(ann, &poll, "Cake won the day.").await;

    let confirm = text(&ann.get(&format!("{poll}/reopen")).await);
    assert!(confirm.contains("This is a secret ballot: people who have voted cannot vote again"));
    assert!(confirm.contains("The results are hidden again until the poll closes."));
    assert!(confirm.contains("shown when the results are"), "{confirm}");
    let reopened = reopen(ann, &poll, 4).await;
    assert_eq!(
        reopened.status,
        StatusCode::SEE_OTHER,
        "{}",
        text(&reopened)
    );

    // Hidden again, results and the earlier outcome that tells them alike, for everyone.
    for browser in [ann, bob, cy] {
        let page = browser.get(&poll).await;
        let words = text(&page);
        assert!(
            words.contains("Results are hidden until the poll closes"),
            "{words}"
        );
        assert!(!page.body.contains("<caption"), "{words}");
        assert!(!words.contains("Cake won the day"), "{words}");
        assert!(!words.contains("Cake is kind"), "{words}");
    }
    // Bob's secret ballot was cast once and stays cast once.
    let again = bob.get(&poll).await;
    assert!(!again.body.contains(r#"name="choice""#));
    let token = bob.csrf_token(&poll).await;
    let forced = bob
        .send_and_read(bob.post_with_token(&format!("{poll}/vote"), &token, "choice=0&intent=cast"))
        .await;
    assert_eq!(forced.status, StatusCode::CONFLICT);
    vote(cy, &poll, &[("choice", "2")]).await;

    // Nothing in the database links a voter to a ballot, after the reopening as before it.
    let db = club.app.database().await;
    let rows: Vec<(Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT voter_id, cast_at FROM ballots ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(rows, [(None, None), (None, None)]);
    if support::on_postgres() {
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
    }

    close(ann, &poll).await;
    let words = text(&cy.get(&poll).await);
    assert!(
        words.contains("\u{201c}Cake\u{201d} won with 2 of 2 votes"),
        "{words}"
    );
    assert!(
        words.contains("Earlier outcome") && words.contains("Cake won the day"),
        "{words}"
    );
    assert!(
        !words.contains("Test Person:"),
        "no name beside a ballot: {words}"
    );
}

#[tokio::test]
async fn an_options_edit_and_a_first_vote_sent_at_once_never_both_land() {
    let club = club().await;
    let (ann, bob) = (&club.ann, &club.bob);
    for round in 0..6 {
        let poll = start_poll(ann, &club.thread, "choose", &[TEA]).await;
        let edit_page = format!("{poll}/edit");
        let vote_action = format!("{poll}/vote");
        let form = ann.get(&edit_page).await;
        let check = bob.submit(&poll, &vote_action, &[("choice", "0")]).await;
        assert_eq!(check.status, StatusCode::OK);
        let closes = days_ahead(7);
        let fields = edit_fields(&[("options", "Cake\nTea")], &closes);
        let (edited, cast) = tokio::join!(
            ann.submit_from(&form.body, &edit_page, &fields),
            bob.submit_from(&check.body, &vote_action, &[("intent", "cast")]),
        );
        let edit_landed = edited.status == StatusCode::SEE_OTHER;
        let vote_landed = cast.status == StatusCode::SEE_OTHER;
        assert!(
            edit_landed != vote_landed,
            "round {round}: edit {} and vote {}",
            edited.status,
            cast.status
        );
        let words = text(&ann.get(&poll).await);
        if vote_landed {
            assert!(
                words.contains("\u{201c}Tea\u{201d} leads with 1 of 1 vote"),
                "{words}"
            );
        } else {
            assert!(words.contains("0 of 3 people have voted"), "{words}");
            assert!(
                text(&cast).contains("The options were changed"),
                "{}",
                text(&cast)
            );
        }
    }
}
