use super::*;
use crate::domain::groups::Privacy;
use crate::domain::polls::setup::{PollAnswers, check_poll};
use crate::store::NewThread;
use crate::store::test_support::{admin_permit, settings, store};

const NOW: i64 = 1_796_000_000;

async fn thread(store: &Store) {
    store
        .create_group("g", &settings("garden", Privacy::Open), None, "a1", 1)
        .await
        .unwrap()
        .unwrap();
    let start = admin_permit(store, "garden", Action::StartThread).await;
    let thread = NewThread {
        id: "t1",
        author_id: "a1",
        title: "Seeds",
        context: "",
        private: false,
        now: 10,
        attachments: &[],
    };
    store.create_thread(&start, &thread).await.unwrap();
}

fn spec(anonymous: bool) -> PollSpec {
    let answers = PollAnswers {
        title: "Which seeds?".into(),
        options: "Tomato\nCucumber\nBean".into(),
        closes_at: "2026-12-10T17:00".into(),
        anonymous,
        allow_change: !anonymous,
        ..PollAnswers::defaults("UTC")
    };
    check_poll(PollKind::Choose, &answers, NOW).unwrap()
}

async fn poll(store: &Store, id: &str, anonymous: bool) -> Permit {
    let start = admin_permit(store, "garden", Action::StartPoll).await;
    store
        .create_poll(&start, id, "t1", "a1", &spec(anonymous), &[], NOW)
        .await
        .unwrap()
        .unwrap();
    admin_permit(store, "garden", Action::Participate).await
}

async fn told(store: &Store, kind: &str, account: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE kind = $1 AND account_id = $2")
        .bind(kind)
        .bind(account)
        .fetch_one(store.sqlite())
        .await
        .unwrap()
}

fn choice(option: usize) -> Ballot {
    Ballot {
        marks: vec![(option, 1)],
    }
}

#[tokio::test]
async fn a_changed_vote_counts_once_and_keeps_its_history() {
    let (_dir, store) = store().await;
    thread(&store).await;
    let member = poll(&store, "p1", false).await;
    for (option, at) in [(0, NOW + 1), (2, NOW + 2)] {
        store
            .cast_ballot(
                &member,
                "p1",
                "a1",
                &choice(option),
                Some("why not"),
                None,
                at,
            )
            .await
            .unwrap()
            .unwrap();
    }
    let shown = store.shown_ballots(&member, "p1", 100, 0).await.unwrap();
    assert_eq!(
        shown.iter().map(|b| b.ballot.clone()).collect::<Vec<_>>(),
        [choice(2)]
    );
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].changes, 1);
    assert!(shown[0].voter_name.is_some());
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ballots WHERE poll_id = 'p1'")
        .fetch_one(store.sqlite())
        .await
        .unwrap();
    assert_eq!(all, 2, "the replaced ballot stays as history");
    assert_eq!(store.turnout(&member, "p1").await.unwrap(), (1, 1));
    // The count reads the current ballot alone, and each vote moved the results' version on.
    assert_eq!(
        store.current_ballots(&member, "p1").await.unwrap(),
        [choice(2)]
    );
    let poll = store.poll(&member, "p1").await.unwrap().unwrap();
    assert_eq!(poll.ballot_version, 2);
}

#[tokio::test]
async fn a_secret_ballot_has_no_voter_no_time_and_is_cast_once() {
    let (_dir, store) = store().await;
    thread(&store).await;
    let member = poll(&store, "p1", true).await;
    store
        .cast_ballot(
            &member,
            "p1",
            "a1",
            &choice(1),
            Some("quietly"),
            None,
            NOW + 5,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .cast_ballot(&member, "p1", "a1", &choice(0), None, None, NOW + 6)
            .await
            .unwrap(),
        Err(CastProblem::AlreadyVoted)
    );
    let (voter, cast_at): (Option<String>, Option<i64>) =
        sqlx::query_as("SELECT voter_id, cast_at FROM ballots WHERE poll_id = 'p1'")
            .fetch_one(store.sqlite())
            .await
            .unwrap();
    assert_eq!((voter, cast_at), (None, None));
    let shown = store.shown_ballots(&member, "p1", 100, 0).await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].voter_name, None);
    assert_eq!(shown[0].cast_at, None);
    assert_eq!(shown[0].reason.as_deref(), Some("quietly"));
    assert!(store.has_voted(&member, "p1", "a1").await.unwrap());

    // The schema itself refuses to link a secret ballot to a person or a time, and to make a
    // secret poll open after the fact.
    let linked = sqlx::query(
        "INSERT INTO ballots (id, poll_id, voter_id, cast_at, marks) VALUES ('b', 'p1', 'a1', NULL, '0=1')",
    )
    .execute(store.sqlite())
    .await;
    assert!(linked.is_err());
    let timed = sqlx::query(
        "INSERT INTO ballots (id, poll_id, voter_id, cast_at, marks) VALUES ('b', 'p1', NULL, 5, '0=1')",
    )
    .execute(store.sqlite())
    .await;
    assert!(timed.is_err());
    let relink = sqlx::query("UPDATE ballots SET voter_id = 'a1' WHERE poll_id = 'p1'")
        .execute(store.sqlite())
        .await;
    assert!(relink.is_err());
    let reveal = sqlx::query("UPDATE polls SET anonymous = 0 WHERE id = 'p1'")
        .execute(store.sqlite())
        .await;
    assert!(reveal.is_err());
    let stricter = sqlx::query("UPDATE polls SET hide_results = 'until-closed' WHERE id = 'p1'")
        .execute(store.sqlite())
        .await;
    assert!(stricter.is_ok(), "results can be hidden more");
    let relaxed = sqlx::query("UPDATE polls SET hide_results = 'until-voted' WHERE id = 'p1'")
        .execute(store.sqlite())
        .await;
    assert!(relaxed.is_err(), "hidden results are never relaxed");
    let change = sqlx::query("UPDATE polls SET allow_change = 1 WHERE id = 'p1'")
        .execute(store.sqlite())
        .await;
    assert!(change.is_err());
}

#[tokio::test]
async fn the_ballot_and_participant_tables_share_nothing_to_join_on() {
    let (_dir, store) = store().await;
    let columns = |table: &'static str| {
        let pool = store.sqlite().clone();
        async move {
            let names: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT name FROM pragma_table_info('{table}')"
            )))
            .fetch_all(&pool)
            .await
            .unwrap();
            names
        }
    };
    let ballots = columns("ballots").await;
    let participants = columns("poll_participants").await;
    let shared: Vec<&String> = ballots
        .iter()
        .filter(|c| participants.contains(c))
        .collect();
    assert_eq!(shared, ["poll_id"]);
    // Neither table keeps the order rows were written in.
    for table in ["ballots", "poll_participants"] {
        let sql: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = ?")
            .bind(table)
            .fetch_one(store.sqlite())
            .await
            .unwrap();
        assert!(sql.contains("WITHOUT ROWID"), "{table}: {sql}");
    }
}

#[tokio::test]
async fn closed_polls_take_no_ballots_and_the_job_closes_them_once_with_one_email() {
    let (_dir, store) = store().await;
    thread(&store).await;
    let member = poll(&store, "p1", false).await;
    let closes_at = spec(false).closes_at;
    assert_eq!(
        store
            .cast_ballot(&member, "p1", "a1", &choice(0), None, None, closes_at)
            .await
            .unwrap(),
        Err(CastProblem::Closed)
    );
    assert!(
        store
            .close_due_polls(closes_at - 1)
            .await
            .unwrap()
            .is_empty()
    );
    let closed = store.close_due_polls(closes_at).await.unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].title, "Which seeds?");
    assert!(
        store
            .close_due_polls(closes_at + 60)
            .await
            .unwrap()
            .is_empty()
    );
    // The author is told once.
    assert_eq!(told(&store, "poll_closed", "a1").await, 1);
}

#[tokio::test]
async fn an_outcome_waits_for_the_close_and_mails_only_the_first_time() {
    let (_dir, store) = store().await;
    thread(&store).await;
    let member = poll(&store, "p1", false).await;
    store
        .find_or_create_account("a2", "bea@example.org", 1)
        .await
        .unwrap();
    sqlx::query("INSERT INTO memberships (group_id, account_id, role, joined_at) VALUES ('g', 'a2', 'member', 1)")
        .execute(store.sqlite())
        .await
        .unwrap();
    assert_eq!(
        store
            .set_outcome(&member, "p1", "a1", "Tomatoes", None, &[], NOW + 1)
            .await
            .unwrap(),
        Err(OutcomeProblem::StillOpen)
    );
    assert!(
        store
            .close_poll(&member, "p1", "a1", NOW + 2)
            .await
            .unwrap()
    );
    assert!(
        !store
            .close_poll(&member, "p1", "a1", NOW + 3)
            .await
            .unwrap()
    );
    for (text, at) in [("Tomatoes", NOW + 4), ("Tomatoes, and beans", NOW + 5)] {
        store
            .set_outcome(&member, "p1", "a1", text, None, &[], at)
            .await
            .unwrap()
            .unwrap();
    }
    let read = admin_permit(&store, "garden", Action::ViewContent).await;
    let poll = store.poll(&read, "p1").await.unwrap().unwrap();
    let outcome = poll.outcome.unwrap();
    assert_eq!(outcome.statement, "Tomatoes, and beans");
    assert_eq!(outcome.at, NOW + 4);
    // The other member is told once, and its writer not at all.
    assert_eq!(told(&store, "outcome", "a2").await, 1);
    assert_eq!(told(&store, "outcome", "a1").await, 0);
}

#[tokio::test]
async fn a_permit_for_another_group_reads_and_casts_nothing() {
    let (_dir, store) = store().await;
    thread(&store).await;
    poll(&store, "p1", false).await;
    store
        .create_group("h", &settings("other", Privacy::Open), None, "a1", 1)
        .await
        .unwrap()
        .unwrap();
    let elsewhere = admin_permit(&store, "other", Action::Participate).await;
    assert!(store.poll(&elsewhere, "p1").await.unwrap().is_none());
    assert!(
        store
            .shown_ballots(&elsewhere, "p1", 100, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .current_ballots(&elsewhere, "p1")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store
            .cast_ballot(&elsewhere, "p1", "a1", &choice(0), None, None, NOW + 1)
            .await,
        Err(StoreError::NotPermitted)
    ));
    let wrong_action = admin_permit(&store, "garden", Action::ViewContent).await;
    assert!(matches!(
        store
            .cast_ballot(&wrong_action, "p1", "a1", &choice(0), None, None, NOW + 1)
            .await,
        Err(StoreError::NotPermitted)
    ));
}

#[test]
fn marks_survive_the_round_trip() {
    let ballot = Ballot {
        marks: vec![(0, 3), (4, -2), (12, 1)],
    };
    assert_eq!(decode_marks(&encode_marks(&ballot)), ballot);
    assert_eq!(decode_marks(""), Ballot::default());
}
