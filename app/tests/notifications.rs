//! Notifications as members meet them: who hears of each event at each volume, in Quorum and
//! by email (the table test); the list with its unread count in the header; a thread's volume
//! over its group's; emails complete in plain text with the headers mail programs act on; one
//! click unsubscribe with no cookie; answer links that open "Check your vote"; and the digest.
//!
//! Strategy: every step goes through the pages of the real server, on SQLite or PostgreSQL,
//! with mail read from a real SMTP sink. Times are moved by writing to the database, as a
//! clock would, and the server's own jobs do the rest.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use support::TestApp;
use support::browser::{Browser, Reply, strip_tags};
use support::inbox::Mail;
use support::journey::{
    comment_id, create_group, post_comment, signed_in_browser_named, start_poll, start_thread,
    start_with_mail,
};
use support::smtp::SmtpSink;

fn text(reply: &Reply) -> String {
    strip_tags(&reply.body)
}

fn unix_now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

const VOLUMES: [&str; 4] = ["mute", "quiet", "normal", "loud"];

/// Sets `browser`'s volume for the group `handle` through the settings form.
async fn set_group_volume(browser: &Browser, handle: &str, volume: &str) {
    let field = format!("group-{handle}");
    let saved = browser
        .submit(
            "/notifications/settings",
            "/notifications/settings",
            &[
                (field.as_str(), volume),
                ("default_volume", "normal"),
                ("digest", "off"),
                ("digest_day", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

async fn handle_of(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT handle FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&app.database().await)
        .await
        .unwrap()
}

/// Waits until the notification job has written every email due, so that what the sink holds
/// a moment later is all there will be.
async fn notifications_settled(app: &TestApp) {
    let db = app.database().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let pending: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE email = 'pending'")
                .fetch_one(&db)
                .await
                .unwrap();
        let unsent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        if pending == 0 && unsent == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} notifications and {unsent} emails still wait"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How many notifications of `kind` `email`'s person has in the app.
async fn in_app(app: &TestApp, email: &str, kind: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications n JOIN accounts a ON a.id = n.account_id \
         WHERE a.email = $1 AND n.kind = $2 AND n.in_app",
    )
    .bind(email)
    .bind(kind)
    .fetch_one(&app.database().await)
    .await
    .unwrap()
}

/// The emails to `address` whose subject contains `about`.
fn mails(sink: &SmtpSink, address: &str, about: &str) -> Vec<Mail> {
    sink.messages()
        .iter()
        .map(|raw| Mail::parse(raw))
        .filter(|mail| mail.to == address && mail.subject.contains(about))
        .collect()
}

/// The people of the table test: one member at each volume.
struct Members {
    browsers: Vec<Browser>,
    emails: Vec<String>,
}

async fn members_at_each_volume(app: &TestApp, sink: &SmtpSink, handle: &str) -> Members {
    let mut browsers = Vec::new();
    let mut emails = Vec::new();
    for volume in VOLUMES {
        let email = format!("{volume}@example.org");
        let name = format!("{}{} Member", volume[..1].to_uppercase(), &volume[1..]);
        let browser = signed_in_browser_named(app, sink, &email, &name).await;
        let joined = browser
            .submit(&format!("/g/{handle}"), &format!("/g/{handle}/join"), &[])
            .await;
        assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
        set_group_volume(&browser, handle, volume).await;
        browsers.push(browser);
        emails.push(email);
    }
    Members { browsers, emails }
}

/// What the table says a person at each volume (mute, quiet, normal, loud) gets: (in the app,
/// by email). Written out here, apart from the code, as the issue states it.
const AIMED: [(i64, usize); 4] = [(0, 0), (1, 0), (1, 1), (1, 1)];
const GROUP_NEWS: [(i64, usize); 4] = [(0, 0), (1, 0), (1, 0), (1, 1)];
const EVERY_COMMENT: [(i64, usize); 4] = [(0, 0), (0, 0), (0, 0), (1, 1)];
const IN_APP_ONLY: [(i64, usize); 4] = [(0, 0), (1, 0), (1, 0), (1, 0)];

async fn assert_table(
    app: &TestApp,
    sink: &SmtpSink,
    members: &Members,
    kind: &str,
    subject: &str,
    expected: [(i64, usize); 4],
) {
    notifications_settled(app).await;
    let mut table = String::new();
    let mut wrong = false;
    for (i, email) in members.emails.iter().enumerate() {
        let got = (
            in_app(app, email, kind).await,
            mails(sink, email, subject).len(),
        );
        wrong |= got != expected[i];
        table.push_str(&format!(
            "{kind} at {}: in app {} email {} (expected {:?})\n",
            VOLUMES[i], got.0, got.1, expected[i]
        ));
    }
    assert!(!wrong, "{table}");
}

#[tokio::test]
async fn every_event_reaches_exactly_the_people_the_table_says_and_never_outsiders_or_the_actor() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let otto = signed_in_browser_named(&app, &sink, "otto@example.org", "Otto Out").await;
    create_group(&ann, "Tea Club", "tea", "open").await;
    let members = members_at_each_volume(&app, &sink, "tea").await;

    // A new thread is news of the group.
    let thread = start_thread(&ann, "tea", "Which teas?", "Let us choose.").await;
    assert_table(
        &app,
        &sink,
        &members,
        "new_thread",
        "New thread",
        GROUP_NEWS,
    )
    .await;

    // A comment is emailed to those who hear of everything.
    let plain = post_comment(&ann, &thread, "Green tea is my first choice.", None).await;
    assert_eq!(plain.status, StatusCode::SEE_OTHER);
    assert_table(
        &app,
        &sink,
        &members,
        "new_comment",
        "commented in",
        EVERY_COMMENT,
    )
    .await;

    // A mention is aimed at the person: one comment naming all four.
    let mut handles = Vec::new();
    for email in &members.emails {
        handles.push(format!("@{}", handle_of(&app, email).await));
    }
    let named = post_comment(
        &ann,
        &thread,
        &format!("What do {} think?", handles.join(" ")),
        None,
    )
    .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    assert_table(&app, &sink, &members, "mention", "mentioned you", AIMED).await;
    // Nobody heard of that comment twice (as a mention and as a comment).
    let told_twice: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT account_id FROM notifications WHERE comment_id = $1 \
         GROUP BY account_id HAVING COUNT(*) > 1) twice",
    )
    .bind(comment_id(&named))
    .fetch_one(&app.database().await)
    .await
    .unwrap();
    assert_eq!(told_twice, 0);

    // A reply to your comment is aimed at you; a reaction is only ever in the app.
    for member in &members.browsers {
        let own = post_comment(member, &thread, "I like oolong.", None).await;
        let own = comment_id(&own);
        let replied = post_comment(&ann, &thread, "So do I.", Some(&own)).await;
        assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.body);
        let reacted = ann
            .submit(
                &thread,
                &format!("{thread}/comments/{own}/react"),
                &[("reaction", "agree")],
            )
            .await;
        assert_eq!(reacted.status, StatusCode::SEE_OTHER, "{}", reacted.body);
    }
    assert_table(&app, &sink, &members, "reply", "replied to you", AIMED).await;
    assert_table(&app, &sink, &members, "reaction", "reacted", IN_APP_ONLY).await;

    // A poll needs each member's vote.
    let poll = start_poll(
        &ann,
        &thread,
        "proposal",
        &[("title", "Green tea for all"), ("template", "consensus")],
    )
    .await;
    assert_table(
        &app,
        &sink,
        &members,
        "new_poll",
        "Your vote is asked",
        AIMED,
    )
    .await;

    // A day before it closes, those who have not voted (the default) are reminded: the job
    // runs every ten seconds. The one who voted is not.
    let quiet_voted = members.browsers[1]
        .submit(
            &poll,
            &format!("{poll}/vote"),
            &[("choice", "0"), ("intent", "cast")],
        )
        .await;
    assert_eq!(
        quiet_voted.status,
        StatusCode::SEE_OTHER,
        "{}",
        quiet_voted.body
    );
    let poll_id = poll.trim_start_matches("/p/").to_string();
    sqlx::query("UPDATE polls SET closes_at = $1 WHERE id = $2")
        .bind(unix_now() + 3_600)
        .bind(&poll_id)
        .execute(&app.database().await)
        .await
        .unwrap();
    wait_for_sql(
        &app,
        "SELECT COUNT(*) FROM polls WHERE reminded_at IS NOT NULL",
        1,
    )
    .await;
    assert_table(
        &app,
        &sink,
        &members,
        "poll_closing",
        "Closes within 24 hours",
        [(0, 0), (0, 0), (1, 1), (1, 1)],
    )
    .await;

    // Closed by the job at its time: its author is asked for the outcome.
    sqlx::query("UPDATE polls SET closes_at = $1 WHERE id = $2")
        .bind(unix_now() - 1)
        .bind(&poll_id)
        .execute(&app.database().await)
        .await
        .unwrap();
    wait_for_sql(
        &app,
        "SELECT COUNT(*) FROM polls WHERE closed_at IS NOT NULL",
        1,
    )
    .await;
    notifications_settled(&app).await;
    assert_eq!(in_app(&app, "ann@example.org", "poll_closed").await, 1);
    assert_eq!(
        mails(&sink, "ann@example.org", "Your poll has closed").len(),
        1
    );

    // The outcome goes to the group, the first time only.
    for statement in ["Green tea it is.", "Green tea it is, and mint."] {
        let outcome = ann
            .submit(
                &format!("{poll}/outcome"),
                &format!("{poll}/outcome"),
                &[("statement", statement)],
            )
            .await;
        assert_eq!(outcome.status, StatusCode::SEE_OTHER, "{}", outcome.body);
    }
    assert_table(&app, &sink, &members, "outcome", "Outcome:", AIMED).await;

    // Ann never heard of her own actions, and Otto, outside the group, of nothing at all.
    let db = app.database().await;
    for (email, kinds) in [
        (
            "ann@example.org",
            "'new_thread', 'new_comment', 'new_poll', 'outcome'",
        ),
        (
            "otto@example.org",
            "'new_thread', 'new_comment', 'new_poll', 'outcome', 'poll_closing', 'mention'",
        ),
    ] {
        let told: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM notifications n JOIN accounts a ON a.id = n.account_id \
             WHERE a.email = $1 AND n.kind IN ({kinds})"
        )))
        .bind(email)
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(told, 0, "{email}");
    }
    assert!(mails(&sink, "otto@example.org", "Tea Club").is_empty());
    let list = otto.get("/notifications").await;
    assert!(
        text(&list).contains("You have no notifications yet"),
        "{}",
        text(&list)
    );

    // A request to join goes to the admins; its approval to the person who asked.
    let board = ann
        .submit(
            "/groups/new",
            "/groups/new",
            &[
                ("name", "Tea Board"),
                ("handle", "board"),
                ("privacy", "closed"),
                ("join_mode", "request"),
            ],
        )
        .await;
    assert_eq!(board.status, StatusCode::SEE_OTHER, "{}", board.body);
    let asked = otto
        .submit(
            "/g/board/ask",
            "/g/board/ask",
            &[("introduction", "I brew.")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    notifications_settled(&app).await;
    assert_eq!(
        in_app(&app, "ann@example.org", "membership_request").await,
        1
    );
    let request = mails(&sink, "ann@example.org", "Otto Out asked to join Tea Board");
    assert_eq!(request.len(), 1);
    assert!(
        request[0].text.contains("/g/board/requests"),
        "{}",
        request[0].text
    );
    let requests = ann.get("/g/board/requests").await;
    let decided = ann
        .submit_from(
            &requests.body,
            &requests
                .body
                .split("action=\"")
                .find_map(|rest| {
                    let action = rest.split('"').next()?;
                    action
                        .starts_with("/g/board/requests/")
                        .then(|| action.to_string())
                })
                .unwrap(),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    notifications_settled(&app).await;
    assert_eq!(
        in_app(&app, "otto@example.org", "request_approved").await,
        1
    );
    assert_eq!(
        mails(&sink, "otto@example.org", "You have joined Tea Board").len(),
        1
    );

    // An accepted invitation goes to whoever sent it.
    let invited = ann
        .submit(
            "/g/board/invitations",
            "/g/board/invitations",
            &[("addresses", "ivy@example.org"), ("message", "")],
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER, "{}", invited.body);
    let invitation = sink.wait_for_mail_to("ivy@example.org", 1).await;
    let link = invitation.link_path("/invitations/");
    let ivy = signed_in_browser_named(&app, &sink, "ivy@example.org", "Ivy Green").await;
    let accept = ivy.get(&link).await;
    assert_eq!(accept.status, StatusCode::OK);
    let joined = ivy
        .submit_from(&accept.body, "/invitations/accept", &[])
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    notifications_settled(&app).await;
    assert_eq!(
        in_app(&app, "ann@example.org", "invitation_accepted").await,
        1
    );
    assert_eq!(
        mails(
            &sink,
            "ann@example.org",
            "Ivy Green accepted your invitation to Tea Board"
        )
        .len(),
        1
    );
}

/// Waits until `query` (a count) gives `expected`: the jobs run on their own timers.
async fn wait_for_sql(app: &TestApp, query: &'static str, expected: i64) {
    let db = app.database().await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let got: i64 = sqlx::query_scalar(query).fetch_one(&db).await.unwrap();
        if got == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{query} gave {got}, not {expected}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
