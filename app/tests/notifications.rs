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
    // As if a week had passed since it was started.
    sqlx::query("UPDATE polls SET closes_at = $1, created_at = $2 WHERE id = $3")
        .bind(unix_now() + 3_600)
        .bind(unix_now() - 7 * 86_400)
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

/// Ann runs "Tea Club"; Bob is a member at the usual volume.
async fn ann_and_bob() -> (TestApp, SmtpSink, Browser, Browser) {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Tea Club", "tea", "open").await;
    let joined = bob.submit("/g/tea", "/g/tea/join", &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    (app, sink, ann, bob)
}

/// The text of the header's link to the notifications.
fn header_link(reply: &Reply) -> String {
    let at = reply.body.find("href=\"/notifications\"").unwrap();
    let rest = &reply.body[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest.find("</a>").unwrap();
    strip_tags(&rest[start..end])
}

#[tokio::test]
async fn the_list_says_read_and_unread_in_words_and_the_header_link_counts_them() {
    let (app, sink, ann, bob) = ann_and_bob().await;
    let thread = start_thread(&ann, "tea", "Which teas?", "Let us choose.").await;
    let other = start_thread(&ann, "tea", "Which cups?", "Mugs or cups.").await;
    notifications_settled(&app).await;

    // The count is part of the link's text, for a screen reader to say.
    assert_eq!(
        header_link(&bob.get("/dashboard").await),
        "Notifications, 2 unread"
    );
    let list = bob.get("/notifications").await;
    assert_eq!(list.status, StatusCode::OK);
    let words = text(&list);
    assert!(words.contains("2 are unread"), "{words}");
    assert!(
        words.contains("Unread: Ann Lee started the thread “Which teas?” in Tea Club"),
        "{words}"
    );
    assert!(
        list.body.contains(&format!("href=\"{thread}\"")),
        "{}",
        list.body
    );
    assert!(list.body.contains("action=\"/notifications/read\""));

    // Reading a thread reads what one was told of it, and nothing else.
    assert_eq!(bob.get(&thread).await.status, StatusCode::OK);
    assert_eq!(
        header_link(&bob.get("/dashboard").await),
        "Notifications, 1 unread"
    );
    let words = text(&bob.get("/notifications").await);
    assert!(
        words.contains("Read: Ann Lee started the thread “Which teas?”"),
        "{words}"
    );
    assert!(
        words.contains("Unread: Ann Lee started the thread “Which cups?”"),
        "{words}"
    );

    // "Mark all as read" is a form.
    let marked = bob
        .submit("/notifications", "/notifications/read", &[])
        .await;
    assert_eq!(marked.location(), Some("/notifications?done=read"));
    let list = bob.get("/notifications?done=read").await;
    assert!(text(&list).contains("All your notifications are marked as read."));
    assert!(!text(&list).contains("Unread:"));
    assert!(!list.body.contains("action=\"/notifications/read\""));
    assert_eq!(header_link(&list), "Notifications");

    // A deleted thread takes its notifications with it, and so does leaving the group.
    let deleted = ann
        .submit(&format!("{other}/delete"), &format!("{other}/delete"), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    let words = text(&bob.get("/notifications").await);
    assert!(!words.contains("Which cups?"), "{words}");
    assert!(words.contains("Which teas?"), "{words}");
    let left = bob.submit("/g/tea/leave", "/g/tea/leave", &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.body);
    let words = text(&bob.get("/notifications").await);
    assert!(words.contains("You have no notifications yet"), "{words}");

    // Signed out, the list asks for signing in; beyond its last page there is nothing.
    let stranger = app.browser();
    let asked = stranger.get("/notifications").await;
    assert_eq!(asked.location(), Some("/sign-in?next=%2Fnotifications"));
    assert_eq!(
        bob.get("/notifications?page=2").await.status,
        StatusCode::NOT_FOUND
    );
    drop(sink);
}

#[tokio::test]
async fn a_threads_own_volume_comes_before_the_groups() {
    let (app, sink, ann, bob) = ann_and_bob().await;
    set_group_volume(&bob, "tea", "quiet").await;
    let thread = start_thread(&ann, "tea", "Which teas?", "Let us choose.").await;
    let settings = format!("{thread}/notifications");

    // The thread's page offers it, and the form says what the group's setting is.
    assert!(
        bob.get(&thread)
            .await
            .body
            .contains(&format!("href=\"{settings}\""))
    );
    let page = bob.get(&settings).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        text(&page).contains("As the group (Quiet)"),
        "{}",
        text(&page)
    );

    // Loud for the thread: every comment is emailed, though the group is quiet.
    let saved = bob
        .submit(&settings, &settings, &[("volume", "loud")])
        .await;
    assert_eq!(
        saved.location(),
        Some(format!("{thread}?done=volume").as_str())
    );
    post_comment(&ann, &thread, "Green, I think.", None).await;
    notifications_settled(&app).await;
    assert_eq!(mails(&sink, "bob@example.org", "commented in").len(), 1);

    // Mute for the thread: not even a mention is heard.
    bob.submit(&settings, &settings, &[("volume", "mute")])
        .await;
    let handle = handle_of(&app, "bob@example.org").await;
    post_comment(&ann, &thread, &format!("Any thoughts, @{handle}?"), None).await;
    notifications_settled(&app).await;
    assert_eq!(in_app(&app, "bob@example.org", "mention").await, 0);

    // Back to the group's: a mention is in the app only, as quiet says.
    bob.submit(&settings, &settings, &[("volume", "group")])
        .await;
    post_comment(&ann, &thread, &format!("Again, @{handle}?"), None).await;
    notifications_settled(&app).await;
    assert_eq!(in_app(&app, "bob@example.org", "mention").await, 1);
    assert!(mails(&sink, "bob@example.org", "mentioned you").is_empty());

    // A made-up choice is refused with the error summary; outsiders are not shown the page.
    let refused = bob
        .submit(&settings, &settings, &[("volume", "blaring")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.title().unwrap().starts_with("Error: "));
    assert!(text(&refused).contains("Choose how much you hear of this thread"));
    let otto = signed_in_browser_named(&app, &sink, "otto@example.org", "Otto Out").await;
    assert_eq!(otto.get(&settings).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_settings_form_says_what_is_wrong_and_keeps_the_answers() {
    let (_app, _sink, _ann, bob) = ann_and_bob().await;
    let page = bob.get("/notifications/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(text(&page).contains("Tea Club"));
    let refused = bob
        .submit(
            "/notifications/settings",
            "/notifications/settings",
            &[
                ("group-tea", "loud"),
                ("default_volume", "blaring"),
                ("digest", "hourly"),
                ("digest_day", "9"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.title().unwrap().starts_with("Error: "));
    let words = text(&refused);
    for message in [
        "Choose mute, quiet, normal or loud",
        "Choose how often you want a digest, or no digest",
        "Choose the day of the week for a weekly digest",
    ] {
        assert!(words.contains(message), "{message}: {words}");
    }
    assert!(
        refused.body.contains(r#"<option value="loud" selected>"#),
        "{}",
        refused.body
    );
    let saved = bob
        .submit(
            "/notifications/settings",
            "/notifications/settings",
            &[
                ("group-tea", "loud"),
                ("default_volume", "quiet"),
                ("digest", "weekly"),
                ("digest_day", "5"),
            ],
        )
        .await;
    assert_eq!(saved.location(), Some("/notifications/settings?done=saved"));
    let page = bob.get("/notifications/settings?done=saved").await;
    assert!(text(&page).contains("Your notification settings are saved."));
    assert!(page.body.contains(r#"<option value="loud" selected>"#));
    assert!(
        page.body.contains(r#"value="weekly" checked"#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"<option value="5" selected>Friday</option>"#)
    );
}

/// Every URL in `text`.
fn urls(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
        .map(|word| word.trim_end_matches(['.', ',', ')']).to_string())
        .collect()
}

#[tokio::test]
async fn emails_are_whole_in_plain_text_and_stop_in_one_click_without_a_cookie() {
    let (app, sink, ann, bob) = ann_and_bob().await;
    let thread = start_thread(&ann, "tea", "Which teas?", "Let us choose.").await;
    let poll = start_poll(
        &ann,
        &thread,
        "proposal",
        &[("title", "Green tea for all"), ("template", "consensus")],
    )
    .await;
    notifications_settled(&app).await;
    let asked = mails(&sink, "bob@example.org", "Your vote is asked");
    assert_eq!(asked.len(), 1);
    let mail = &asked[0];
    assert_eq!(
        mail.subject,
        "Your vote is asked: Green tea for all (Tea Club)"
    );
    let header = |name: &str| support::inbox::header(&mail.raw, name).unwrap_or_default();
    assert_eq!(header("Auto-Submitted"), "auto-generated");
    assert_eq!(
        header("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    let unsubscribe = header("List-Unsubscribe");
    assert!(
        unsubscribe.starts_with(&format!("<{}", app.url("/unsubscribe/"))),
        "{unsubscribe}"
    );
    let thread_id = thread.trim_start_matches("/t/");
    assert!(header("References").contains(&format!("<thread-{thread_id}@")));
    assert_eq!(header("In-Reply-To"), header("References"));
    assert!(
        header("List-Id").starts_with("Tea Club <tea."),
        "{}",
        header("List-Id")
    );
    assert!(mail.raw.contains("multipart/alternative"));
    // The plain text is enough to act on: what, where, when it closes, each answer, and how
    // to hear less; and no link carries anything that could tell who opened it.
    for words in [
        "Ann Lee started the proposal “Green tea for all” in Tea Club.",
        "Voting closes on",
        "Answer “Agree”",
        "Read the poll and vote on Quorum",
        "your notifications for Tea Club are set to Normal",
        "Stop email from Tea Club",
    ] {
        assert!(mail.text.contains(words), "{words}:\n{}", mail.text);
    }
    assert!(!mail.raw.contains("<img"));
    let poll_id = poll.trim_start_matches("/p/");
    for url in urls(&mail.text) {
        let query = url.split_once('?').map(|(_, q)| q);
        assert!(
            query.is_none() || url.contains(&format!("/p/{poll_id}/vote?answer=")),
            "{url}"
        );
    }

    // An answer link opens "Check your vote" and counts nothing until "Cast vote".
    let answer = urls(&mail.text)
        .into_iter()
        .find(|url| url.ends_with("/vote?answer=0"))
        .unwrap();
    let answer_path = answer.trim_start_matches(app.url("").trim_end_matches('/'));
    let check = bob.get(answer_path).await;
    assert_eq!(check.status, StatusCode::OK);
    assert_eq!(check.h1().as_deref(), Some("Check your vote"));
    assert!(text(&check).contains("Agree"), "{}", text(&check));
    let voted: i64 = sqlx::query_scalar("SELECT voted_count FROM polls WHERE id = $1")
        .bind(poll_id)
        .fetch_one(&app.database().await)
        .await
        .unwrap();
    assert_eq!(voted, 0);
    let cast = bob
        .submit_from(&check.body, &format!("{poll}/vote"), &[("intent", "cast")])
        .await;
    assert_eq!(cast.location(), Some(format!("{poll}?done=voted").as_str()));
    // Signed out, the link asks for signing in and comes back to it.
    let stranger = app.browser();
    let asked = stranger.get(answer_path).await;
    let next: String = form_urlencoded::byte_serialize(answer_path.as_bytes()).collect();
    assert_eq!(
        asked.location(),
        Some(format!("/sign-in?next={next}").as_str())
    );

    // The unsubscribe page works with no cookie at all: a GET asks, a POST acts.
    let address = unsubscribe.trim_matches(['<', '>']).to_string();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client.get(&address).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "{address}");
    let body = page.text().await.unwrap();
    assert!(body.contains("Stop email from Tea Club?"), "{body}");
    assert!(!body.contains("csrf_token"));
    // Someone else's token does not check out.
    let ann_id: String =
        sqlx::query_scalar("SELECT id FROM accounts WHERE email = 'ann@example.org'")
            .fetch_one(&app.database().await)
            .await
            .unwrap();
    let bob_id: String =
        sqlx::query_scalar("SELECT id FROM accounts WHERE email = 'bob@example.org'")
            .fetch_one(&app.database().await)
            .await
            .unwrap();
    let forged = address.replace(&bob_id, &ann_id);
    let refused = client
        .post(&forged)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    // A mail program's one click (RFC 8058).
    let stopped = client
        .post(&address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.status(), StatusCode::OK);
    let body = stopped.text().await.unwrap();
    assert!(body.contains("Email from Tea Club stopped"), "{body}");
    assert!(body.contains("now set to quiet"), "{body}");
    let page = bob.get("/notifications/settings").await;
    assert!(
        page.body.contains(r#"<option value="quiet" selected>"#),
        "{}",
        page.body
    );
    let ann_page = ann.get("/notifications/settings").await;
    assert!(!ann_page.body.contains(r#"<option value="quiet" selected>"#));

    // From now on Bob hears of Tea Club in the app only.
    start_poll(
        &ann,
        &thread,
        "proposal",
        &[("title", "Mint tea for all"), ("template", "consensus")],
    )
    .await;
    notifications_settled(&app).await;
    assert_eq!(in_app(&app, "bob@example.org", "new_poll").await, 2);
    assert_eq!(
        mails(&sink, "bob@example.org", "Your vote is asked").len(),
        1
    );
}

#[tokio::test]
async fn a_digest_brings_unread_news_and_waiting_polls_at_six_and_never_comes_empty() {
    let (app, sink, ann, bob) = ann_and_bob().await;
    let saved = bob
        .submit(
            "/notifications/settings",
            "/notifications/settings",
            &[
                ("group-tea", "quiet"),
                ("default_volume", "normal"),
                ("digest", "daily"),
                ("digest_day", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let db = app.database().await;
    let due: i64 =
        sqlx::query_scalar("SELECT digest_due_at FROM accounts WHERE email = 'bob@example.org'")
            .fetch_one(&db)
            .await
            .unwrap();
    // Bob reads times in UTC: the next 06:00 there.
    assert_eq!(due.rem_euclid(86_400), 6 * 3_600);
    assert!(due > unix_now() && due <= unix_now() + 86_400);

    let thread = start_thread(&ann, "tea", "Which teas?", "Let us choose.").await;
    start_poll(
        &ann,
        &thread,
        "proposal",
        &[("title", "Green tea for all"), ("template", "consensus")],
    )
    .await;
    notifications_settled(&app).await;
    // Quiet sends no email of its own; the digest still comes.
    assert!(mails(&sink, "bob@example.org", "Your vote is asked").is_empty());
    sqlx::query("UPDATE accounts SET digest_due_at = $1 WHERE email = 'bob@example.org'")
        .bind(unix_now() - 1)
        .execute(&db)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let digest = loop {
        if let Some(mail) = mails(&sink, "bob@example.org", "Your Quorum digest").pop() {
            break mail;
        }
        assert!(Instant::now() < deadline, "no digest came");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        digest.subject,
        "Your Quorum digest: 2 new notifications and 1 poll waiting for your vote"
    );
    for words in [
        "Tea Club",
        "In “Which teas?”:",
        "Ann Lee started the thread “Which teas?” in Tea Club",
        "Polls waiting for your vote",
        "“Green tea for all” in Tea Club, closes",
        "Stop the digest",
    ] {
        assert!(digest.text.contains(words), "{words}:\n{}", digest.text);
    }
    assert_eq!(
        support::inbox::header(&digest.raw, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let next: i64 =
        sqlx::query_scalar("SELECT digest_due_at FROM accounts WHERE email = 'bob@example.org'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(next.rem_euclid(86_400), 6 * 3_600);
    assert!(next > unix_now());

    // With everything read and voted, the next digest has nothing to say and is not sent.
    bob.submit("/notifications", "/notifications/read", &[])
        .await;
    let poll_page = format!(
        "/p/{}",
        sqlx::query_scalar::<_, String>("SELECT id FROM polls")
            .fetch_one(&db)
            .await
            .unwrap()
    );
    let voted = bob
        .submit(
            &poll_page,
            &format!("{poll_page}/vote"),
            &[("choice", "0"), ("intent", "cast")],
        )
        .await;
    assert_eq!(voted.status, StatusCode::SEE_OTHER, "{}", voted.body);
    let past = unix_now() - 1;
    sqlx::query("UPDATE accounts SET digest_due_at = $1 WHERE email = 'bob@example.org'")
        .bind(past)
        .execute(&db)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let due: i64 = sqlx::query_scalar(
            "SELECT digest_due_at FROM accounts WHERE email = 'bob@example.org'",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        if due > past {
            break;
        }
        assert!(Instant::now() < deadline, "the digest job did not run");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    notifications_settled(&app).await;
    assert_eq!(
        mails(&sink, "bob@example.org", "Your Quorum digest").len(),
        1
    );
}

#[tokio::test]
async fn a_moved_thread_takes_its_notifications_away_from_the_old_groups_members() {
    let (app, sink, ann, bob) = ann_and_bob().await;
    let board = ann
        .submit(
            "/groups/new",
            "/groups/new",
            &[
                ("name", "Tea Board"),
                ("handle", "board"),
                ("privacy", "secret"),
                ("join_mode", "invitation"),
            ],
        )
        .await;
    assert_eq!(board.status, StatusCode::SEE_OTHER, "{}", board.body);
    let thread = start_thread(&ann, "tea", "Budget for next year", "Only for the board.").await;
    notifications_settled(&app).await;
    assert!(text(&bob.get("/notifications").await).contains("Budget for next year"));
    let moved = ann
        .submit(
            &format!("{thread}/move"),
            &format!("{thread}/move"),
            &[("group", "board")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    // Bob may no longer read it: the list, the count and the digest forget it.
    let list = bob.get("/notifications").await;
    assert!(
        !text(&list).contains("Budget for next year"),
        "{}",
        text(&list)
    );
    assert_eq!(header_link(&list), "Notifications");
    let db = app.database().await;
    let digest = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM notifications n JOIN memberships m \
         ON m.group_id = n.group_id AND m.account_id = n.account_id \
         JOIN accounts a ON a.id = n.account_id WHERE a.email = 'bob@example.org'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(digest, 0);
    drop(sink);
}

#[tokio::test]
async fn stopping_a_groups_email_stops_its_threads_set_to_email_too() {
    let (app, sink, ann, bob) = ann_and_bob().await;
    let thread = start_thread(&ann, "tea", "Which teas?", "Let us choose.").await;
    let settings = format!("{thread}/notifications");
    bob.submit(&settings, &settings, &[("volume", "loud")])
        .await;
    post_comment(&ann, &thread, "Green, I think.", None).await;
    notifications_settled(&app).await;
    let first = mails(&sink, "bob@example.org", "commented in");
    assert_eq!(first.len(), 1);
    // The thread's email carries the thread's own unsubscribe; the group's stops the thread too.
    let group_stop = sqlx::query_scalar::<_, String>("SELECT id FROM groups WHERE handle = 'tea'")
        .fetch_one(&app.database().await)
        .await
        .unwrap();
    let bob_id =
        sqlx::query_scalar::<_, String>("SELECT id FROM accounts WHERE email = 'bob@example.org'")
            .fetch_one(&app.database().await)
            .await
            .unwrap();
    let thread_stop = support::inbox::header(&first[0].raw, "List-Unsubscribe").unwrap();
    assert!(
        thread_stop.contains(&format!("{bob_id}.t-")),
        "{thread_stop}"
    );
    // A poll email in another thread, by the group's volume, carries the group's.
    let other = start_thread(&ann, "tea", "Which cups?", "Mugs or cups.").await;
    start_poll(
        &ann,
        &other,
        "proposal",
        &[("title", "Green tea for all"), ("template", "consensus")],
    )
    .await;
    notifications_settled(&app).await;
    let asked = mails(&sink, "bob@example.org", "Your vote is asked");
    let stop = support::inbox::header(&asked[0].raw, "List-Unsubscribe").unwrap();
    assert!(
        stop.contains(&format!("{bob_id}.g-{group_stop}.")),
        "{stop}"
    );
    let address = stop.trim_matches(['<', '>']).to_string();
    let stopped = reqwest::Client::new()
        .post(&address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.status(), StatusCode::OK);
    post_comment(&ann, &thread, "Or mint.", None).await;
    notifications_settled(&app).await;
    assert_eq!(mails(&sink, "bob@example.org", "commented in").len(), 1);
    assert_eq!(in_app(&app, "bob@example.org", "new_comment").await, 1);
}
