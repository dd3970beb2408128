//! Races: requests that arrive at the same moment and may not both have their way. A group
//! keeps an admin when its two admins demote each other or leave together; a voter keeps one
//! current ballot when two votes of theirs cross; a sign-in link and an invitation work once
//! when pressed in two browsers at once; and a subgroup never becomes more visible than its
//! group when both change their privacy together. The request that loses gets a clear answer
//! (a form error, "already voted", "expired"), never a server error.
//!
//! Strategy: each round first does everything the racing requests need (pages loaded, CSRF
//! tokens read, bodies encoded), then fires them together with `tokio::join!` and checks the
//! guarantee through the answers and the database. No sleeps: a round whose requests happen
//! not to overlap must keep the guarantee too, and several rounds make an overlap all but
//! certain (the tests print how often the guard inside the write was the one that refused).
//! On SQLite the single writer orders the requests; on PostgreSQL the row locks of
//! `store::engine::LockRow` and the single conditional UPDATEs must.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use sqlx::AnyPool;
use support::browser::{Browser, Reply, strip_tags};
use support::journey::{
    confirm_link, create_group, is_signed_in, request_sign_in, signed_in_browser,
    signed_in_browser_named, start_poll, start_thread, start_with_mail,
};

/// How many times each race is run.
const ROUNDS: usize = 5;
const MEMBERS: &str = "/g/garden/members";
const ROLE: &str = "/g/garden/members/role";
const LEAVE: &str = "/g/garden/leave";
/// The permissions a new group starts with, as the settings form's ticked boxes.
const DEFAULT_PERMISSIONS: [&str; 4] = [
    "start_threads",
    "start_polls",
    "edit_own_comments",
    "delete_own_comments",
];
/// Privacy from most to least visible, as `domain::groups::Privacy` orders it.
const VISIBILITY: [&str; 3] = ["open", "closed", "secret"];

fn text(reply: &Reply) -> String {
    strip_tags(&reply.body)
}

/// Of two racing answers, the one that went through (a redirect) and the other. Fails on a
/// server error, or unless exactly one went through.
fn split<'a>(a: &'a Reply, b: &'a Reply, what: &str) -> (&'a Reply, &'a Reply) {
    for reply in [a, b] {
        let status = reply.status;
        assert!(
            !status.is_server_error(),
            "{what}: {status}:\n{}",
            text(reply)
        );
    }
    match (a.status, b.status) {
        (StatusCode::SEE_OTHER, other) if other != StatusCode::SEE_OTHER => (a, b),
        (other, StatusCode::SEE_OTHER) if other != StatusCode::SEE_OTHER => (b, a),
        (x, y) => panic!("{what}: expected one request through and one refused, got {x} and {y}"),
    }
}

/// Checks that `reply` was refused with `status` and says `words`.
fn assert_refused(reply: &Reply, status: StatusCode, words: &str, what: &str) {
    assert!(
        reply.status == status && text(reply).contains(words),
        "{what}: expected {status} saying {words:?}, got {}:\n{}",
        reply.status,
        text(reply)
    );
}

async fn count(db: &AnyPool, sql: &'static str, binds: &[&str]) -> i64 {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    query.fetch_one(db).await.unwrap()
}

async fn account_id(db: &AnyPool, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(db)
        .await
        .unwrap()
}

/// The roles of a group's members, sorted: `["admin", "member"]` for an admin and a member.
async fn roles(db: &AnyPool, handle: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT m.role FROM memberships m JOIN groups g ON g.id = m.group_id \
         WHERE g.handle = $1 ORDER BY m.role",
    )
    .bind(handle)
    .fetch_all(db)
    .await
    .unwrap()
}

/// `browser` joins the open group `garden`.
async fn join_garden(browser: &Browser) {
    let joined = browser.submit("/g/garden", "/g/garden/join", &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", text(&joined));
}

/// Makes `account` an admin of `garden` through the members page, as `admin`.
async fn promote(admin: &Browser, account: &str) {
    let fields = [("account", account), ("role", "admin")];
    let made = admin.submit(MEMBERS, ROLE, &fields).await;
    let done = Some("/g/garden/members?done=admin");
    assert_eq!(made.location(), done, "{}", text(&made));
}

#[tokio::test]
async fn two_admins_demoting_each_other_or_leaving_at_once_leave_the_group_an_admin() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Open Garden", "garden", "open").await;
    join_garden(&bob).await;
    let db = app.database().await;
    let ids = [
        account_id(&db, "ann@example.org").await,
        account_id(&db, "bob@example.org").await,
    ];
    let admins = [&ann, &bob];
    promote(&ann, &ids[1]).await;
    let mut guarded = 0;
    for round in 0..ROUNDS {
        // Each demotes the other.
        let demote = |page: &Reply, browser: &Browser, other: &str| {
            browser.form_body(&page.body, ROLE, &[("account", other), ("role", "member")])
        };
        let by_ann = demote(&ann.get(MEMBERS).await, &ann, &ids[1]);
        let by_bob = demote(&bob.get(MEMBERS).await, &bob, &ids[0]);
        let (a, b) = tokio::join!(ann.post_raw(ROLE, by_ann), bob.post_raw(ROLE, by_bob));
        let what = format!("demoting, round {round}");
        let (done, refused) = split(&a, &b, &what);
        assert_eq!(done.location(), Some("/g/garden/members?done=member"));
        assert_eq!(roles(&db, "garden").await, ["admin", "member"], "{what}");
        // Refused by the guard inside the write when both were admins as they asked; "not
        // found" when the other's demotion was already saved as the request was read.
        if refused.status != StatusCode::NOT_FOUND {
            let words = "A group must keep at least one admin";
            assert_refused(refused, StatusCode::UNPROCESSABLE_ENTITY, words, &what);
            guarded += 1;
        }
        let winner = usize::from(std::ptr::eq(done, &b));
        promote(admins[winner], &ids[1 - winner]).await;

        // Both leave.
        let (ann_page, bob_page) = (ann.get(LEAVE).await, bob.get(LEAVE).await);
        let (a, b) = tokio::join!(
            ann.submit_from(&ann_page.body, LEAVE, &[]),
            bob.submit_from(&bob_page.body, LEAVE, &[])
        );
        let what = format!("leaving, round {round}");
        let (left, stayed) = split(&a, &b, &what);
        assert_eq!(left.location(), Some("/dashboard?done=left"), "{what}");
        let words = "You are the only admin, so you cannot leave yet";
        assert_refused(stayed, StatusCode::UNPROCESSABLE_ENTITY, words, &what);
        assert_eq!(roles(&db, "garden").await, ["admin"], "{what}");
        let gone = usize::from(std::ptr::eq(left, &b));
        join_garden(admins[gone]).await;
        promote(admins[1 - gone], &ids[gone]).await;
    }
    println!("demoting: the last-admin guard refused in {guarded} of {ROUNDS} rounds");
}

/// Starts a poll choosing one of Tea, Coffee and Cake in `thread`, with `fields` added;
/// returns its id.
async fn start_tea_poll(browser: &Browser, thread: &str, fields: &[(&str, &str)]) -> String {
    let mut all = vec![
        ("options", "Tea\nCoffee\nCake"),
        ("title", "What shall we have?"),
    ];
    all.extend_from_slice(fields);
    let path = start_poll(browser, thread, "choose", &all).await;
    path.trim_start_matches("/p/").to_string()
}

/// Casts `choice` as "Cast vote" on the check page does, with the poll page's CSRF `token`.
async fn cast(browser: &Browser, poll_id: &str, token: &str, choice: &str) -> Reply {
    let path = format!("/p/{poll_id}/vote");
    let body = format!("choice={choice}&intent=cast");
    browser
        .send_and_read(browser.post_with_token(&path, token, body))
        .await
}

#[tokio::test]
async fn two_votes_of_one_voter_at_once_leave_one_current_ballot() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Tea Club", "tea", "open").await;
    let thread = start_thread(&ann, "tea", "Biscuits", "").await;
    let db = app.database().await;
    let ann_id = account_id(&db, "ann@example.org").await;
    let ballots = "SELECT count(*) FROM ballots WHERE poll_id = $1";

    // A poll that allows changing: both votes count, one after the other.
    let poll = start_tea_poll(&ann, &thread, &[("settings", "allow_change")]).await;
    let token = ann.csrf_token(&format!("/p/{poll}")).await;
    for round in 0..ROUNDS {
        let (tea, cake) = tokio::join!(
            cast(&ann, &poll, &token, "0"),
            cast(&ann, &poll, &token, "2")
        );
        let what = format!("changing, round {round}");
        for reply in [&tea, &cake] {
            let status = reply.status;
            assert_eq!(status, StatusCode::SEE_OTHER, "{what}: {}", text(reply));
        }
        let current: Vec<String> = sqlx::query_scalar(
            "SELECT marks FROM ballots WHERE poll_id = $1 AND voter_id = $2 AND replaced_at IS NULL",
        )
        .bind(&poll)
        .bind(&ann_id)
        .fetch_all(&db)
        .await
        .unwrap();
        let one_of_the_two =
            matches!(current.as_slice(), [marks] if marks == "0=1" || marks == "2=1");
        assert!(one_of_the_two, "{what}: current ballots {current:?}");
    }
    let all = count(&db, ballots, &[&poll]).await;
    assert_eq!(all, i64::try_from(2 * ROUNDS).unwrap(), "every vote kept");

    // A poll that does not: the first vote counts and the other is told they have voted.
    for round in 0..ROUNDS {
        let poll = start_tea_poll(&ann, &thread, &[]).await;
        let token = ann.csrf_token(&format!("/p/{poll}")).await;
        let (tea, cake) = tokio::join!(
            cast(&ann, &poll, &token, "0"),
            cast(&ann, &poll, &token, "2")
        );
        let what = format!("no changes, round {round}");
        let (counted, refused) = split(&tea, &cake, &what);
        let voted = format!("/p/{poll}?done=voted");
        assert_eq!(counted.location(), Some(voted.as_str()), "{what}");
        let words = "You have already voted";
        assert_refused(refused, StatusCode::CONFLICT, words, &what);
        assert_eq!(count(&db, ballots, &[&poll]).await, 1, "{what}: one ballot");
    }
}

#[tokio::test]
async fn a_sign_in_link_continued_in_two_browsers_at_once_signs_in_one() {
    let (app, sink) = start_with_mail().await;
    let db = app.database().await;
    for round in 0..ROUNDS {
        // A new address each round: the rate limit allows five emails to one address.
        let email = format!("reader{round}@example.org");
        let (first, second) = (app.browser(), app.browser());
        let (_, mail) = request_sign_in(&first, &sink, &email, None).await;
        let link = mail.link_path("/sign-in/link/");
        let (first_page, second_page) = (first.get(&link).await, second.get(&link).await);
        for page in [&first_page, &second_page] {
            assert_eq!(page.status, StatusCode::OK, "{}", text(page));
        }
        let (a, b) = tokio::join!(
            first.submit_from(&first_page.body, "/sign-in/link", &[]),
            second.submit_from(&second_page.body, "/sign-in/link", &[])
        );
        let what = format!("round {round}");
        let (signed_in, refused) = split(&a, &b, &what);
        assert!(signed_in.set_cookie("quorum_session").is_some(), "{what}");
        let welcome = signed_in.location().unwrap_or_default();
        assert!(welcome.starts_with("/welcome"), "{what}: {welcome}");
        let words = "This sign-in link has expired";
        assert_refused(refused, StatusCode::GONE, words, &what);
        assert!(refused.set_cookie("quorum_session").is_none(), "{what}");
        let signed = [is_signed_in(&first).await, is_signed_in(&second).await];
        assert!(signed[0] != signed[1], "{what}: signed in: {signed:?}");
        let sessions = count(
            &db,
            "SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE a.email = $1",
            &[&email],
        )
        .await;
        assert_eq!(sessions, 1, "{what}: one session from one link");
    }
}

/// The settings form of `handle` (named `name`), loaded by `browser`, with `privacy` and
/// `join_mode` chosen and the default permissions ticked.
async fn settings(
    browser: &Browser,
    handle: &str,
    name: &str,
    privacy: &str,
    join: &str,
) -> String {
    let page = format!("/g/{handle}/settings");
    let loaded = browser.get(&page).await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", text(&loaded));
    let fields = [
        ("name", name),
        ("handle", handle),
        ("privacy", privacy),
        ("join_mode", join),
    ];
    let mut body = browser.form_body(&loaded.body, &page, &fields);
    for permission in DEFAULT_PERMISSIONS {
        body.push_str(&format!("&permissions={permission}"));
    }
    body
}

#[tokio::test]
async fn a_group_closing_while_its_subgroup_opens_never_leaves_the_subgroup_more_visible() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Union", "union", "open").await;
    let new_subgroup = "/g/union/subgroups/new";
    let fields = [
        ("name", "Stewards"),
        ("handle", "stewards"),
        ("privacy", "closed"),
        ("join_mode", "invitation"),
    ];
    let made = ann.submit(new_subgroup, new_subgroup, &fields).await;
    assert_eq!(made.location(), Some("/g/stewards?done=created"));
    let db = app.database().await;
    let privacy_of = async |handle: &str| -> usize {
        let privacy: String = sqlx::query_scalar("SELECT privacy FROM groups WHERE handle = $1")
            .bind(handle)
            .fetch_one(&db)
            .await
            .unwrap();
        VISIBILITY.iter().position(|p| *p == privacy).unwrap()
    };
    let mut guarded = 0;
    for round in 0..ROUNDS {
        // Each change is allowed on its own: the group closes, or the subgroup opens.
        let closing = settings(&ann, "union", "Union", "closed", "request").await;
        let opening = settings(&ann, "stewards", "Stewards", "open", "invitation").await;
        let (a, b) = tokio::join!(
            ann.post_raw("/g/union/settings", closing),
            ann.post_raw("/g/stewards/settings", opening)
        );
        let what = format!("round {round}");
        let (_, refused) = split(&a, &b, &what);
        // Refused by the form's check when the other change was saved as the request was
        // read, otherwise by the check inside the write.
        let words = text(refused);
        let in_the_write = words.contains("changed while you were editing");
        assert!(
            in_the_write || words.contains("more visible than"),
            "{what}: {words}"
        );
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        guarded += usize::from(in_the_write);
        let (parent, child) = (privacy_of("union").await, privacy_of("stewards").await);
        assert!(
            child >= parent,
            "{what}: a {} subgroup of a {} group",
            VISIBILITY[child],
            VISIBILITY[parent]
        );
        // Back to an open group with a closed subgroup, in an order that is always allowed.
        for (handle, body) in [
            (
                "stewards",
                settings(&ann, "stewards", "Stewards", "closed", "invitation").await,
            ),
            (
                "union",
                settings(&ann, "union", "Union", "open", "open").await,
            ),
        ] {
            let back = ann.post_raw(&format!("/g/{handle}/settings"), body).await;
            assert_eq!(
                back.status,
                StatusCode::SEE_OTHER,
                "{what}: {}",
                text(&back)
            );
        }
    }
    println!("privacy: the check inside the write refused in {guarded} of {ROUNDS} rounds");
}

#[tokio::test]
async fn an_invitation_accepted_in_two_browsers_at_once_makes_one_membership() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let dee = "dee@example.org";
    let first = signed_in_browser(&app, &sink, dee).await;
    let second = signed_in_browser(&app, &sink, dee).await;
    let db = app.database().await;
    for round in 0..ROUNDS {
        let handle = format!("night-{round}");
        create_group(&ann, &format!("Night Shift {round}"), &handle, "secret").await;
        let invitations = format!("/g/{handle}/invitations");
        let before = sink.mail_to(dee).len();
        let fields = [("addresses", dee)];
        let sent = ann.submit(&invitations, &invitations, &fields).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", text(&sent));
        let mail = sink.wait_for_mail_to(dee, before + 1).await;
        let link = mail.link_path("/invitations/");
        let (first_page, second_page) = (first.get(&link).await, second.get(&link).await);
        let (a, b) = tokio::join!(
            first.submit_from(&first_page.body, "/invitations/accept", &[]),
            second.submit_from(&second_page.body, "/invitations/accept", &[])
        );
        let what = format!("round {round}");
        let (joined, refused) = split(&a, &b, &what);
        let done = format!("/g/{handle}?done=joined");
        assert_eq!(joined.location(), Some(done.as_str()), "{what}");
        let words = "This invitation has expired";
        assert_refused(refused, StatusCode::GONE, words, &what);
        assert_eq!(roles(&db, &handle).await, ["admin", "member"], "{what}");
        let accepted = count(
            &db,
            "SELECT count(*) FROM invitations i JOIN groups g ON g.id = i.group_id \
             WHERE g.handle = $1 AND i.accepted_at IS NOT NULL",
            &[&handle],
        )
        .await;
        assert_eq!(accepted, 1, "{what}: the invitation is used once");
    }
}

#[tokio::test]
async fn a_group_made_at_the_handle_another_is_giving_up_never_takes_its_address() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let eve = signed_in_browser_named(&app, &sink, "eve@example.org", "Eve Doe").await;
    create_group(&ann, "The Mill", "mill", "open").await;
    let mut handles = ["mill", "mill-house"];
    for round in 0..ROUNDS {
        let [from, to] = handles;
        // Ann moves the group from `from` to `to` while Eve makes a group at `from`.
        let page = format!("/g/{from}/settings");
        let loaded = ann.get(&page).await;
        let fields = [
            ("name", "The Mill"),
            ("handle", to),
            ("privacy", "open"),
            ("join_mode", "open"),
        ];
        let mut rename = ann.form_body(&loaded.body, &page, &fields);
        for permission in DEFAULT_PERMISSIONS {
            rename.push_str(&format!("&permissions={permission}"));
        }
        let new = eve.get("/groups/new").await;
        let fields = [
            ("name", "The Mill"),
            ("handle", from),
            ("privacy", "open"),
            ("join_mode", "open"),
        ];
        let impostor = eve.form_body(&new.body, "/groups/new", &fields);
        let (renamed, made) = tokio::join!(
            ann.post_raw(&page, rename),
            eve.post_raw("/groups/new", impostor)
        );
        let what = format!("round {round}");
        assert_eq!(
            renamed.status,
            StatusCode::SEE_OTHER,
            "{what}: {}",
            text(&renamed)
        );
        assert_refused(
            &made,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Another group already uses that handle",
            &what,
        );
        let old = eve.get(&format!("/g/{from}")).await;
        assert_eq!(old.location(), Some(format!("/g/{to}").as_str()), "{what}");
        handles = [to, from];
    }
}

#[tokio::test]
async fn people_naming_themselves_alike_at_once_each_get_a_handle_of_their_own() {
    // Each handle is made from the name ("sam-lee", "sam-lee-2", …): people who name themselves
    // alike at the same moment must not pick the same one, on either engine.
    let (app, sink) = start_with_mail().await;
    // Three rounds of eight: within the 30 sign-in emails one address may ask for.
    const NAMING_ROUNDS: usize = 3;
    for round in 0..NAMING_ROUNDS {
        let mut naming = Vec::new();
        for n in 0..8 {
            let browser = app.browser();
            let email = format!("namesake-{round}-{n}@example.org");
            let (_, mail) = request_sign_in(&browser, &sink, &email, None).await;
            let signed_in = confirm_link(&browser, &mail).await;
            let welcome = signed_in.location().unwrap_or_default().to_string();
            assert!(welcome.starts_with("/welcome"), "{welcome}");
            naming.push((browser, welcome));
        }
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(naming.len()));
        let mut named = Vec::new();
        for (browser, welcome) in naming {
            let start = std::sync::Arc::clone(&start);
            named.push(tokio::spawn(async move {
                let page = browser.get(&welcome).await;
                start.wait().await;
                browser
                    .submit_from(&page.body, "/welcome", &[("name", "Sam Lee")])
                    .await
                    .status
            }));
        }
        for task in named {
            assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER);
        }
    }
    let db = app.database().await;
    let people = count(
        &db,
        "SELECT COUNT(DISTINCT handle) FROM accounts WHERE display_name = 'Sam Lee'",
        &[],
    )
    .await;
    assert_eq!(people, i64::try_from(NAMING_ROUNDS * 8).unwrap());
}
