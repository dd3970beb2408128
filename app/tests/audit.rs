//! The group audit log: what admins read at `/g/<handle>/audit` (who did what to whom, in
//! words, never an IP address), the filter by action kept across pages, who may read it (a
//! group's admins only; everyone else is told "not found"), and the retention setting whose
//! purge is the only deletion of audit lines.
//!
//! Strategy: actions go through the pages, as people make them; for paging and retention, lines
//! are written straight into the database (of whichever engine the suite runs on), then read
//! through the page or left to the housekeeping job of a second server on the same database.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use support::TestApp;
use support::browser::{Browser, Reply, strip_tags, unescape};
use support::journey::{account_id, signed_in_browser_named, start_with_mail};

/// The permissions a new group starts with, as the settings form's ticked boxes.
const DEFAULT_PERMISSIONS: [&str; 4] = [
    "start_threads",
    "start_polls",
    "edit_own_comments",
    "delete_own_comments",
];

fn text(reply: &Reply) -> String {
    unescape(&strip_tags(&reply.body))
}

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// Whether the page's table has a cell that reads `words`.
fn has_cell(reply: &Reply, words: &str) -> bool {
    reply
        .body
        .contains(&format!(r#"<td class="q-table__cell">{words}</td>"#))
}

/// The rows of the page's table, header row left out.
fn rows(reply: &Reply) -> usize {
    reply.body.matches("<tr>").count().saturating_sub(1)
}

async fn create_open_group(browser: &Browser, name: &str, handle: &str) {
    let created = browser
        .submit(
            "/groups/new",
            "/groups/new",
            &[
                ("name", name),
                ("handle", handle),
                ("privacy", "open"),
                ("join_mode", "open"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
}

async fn join(browser: &Browser, handle: &str) {
    let page = format!("/g/{handle}");
    let joined = browser.submit(&page, &format!("{page}/join"), &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
}

async fn group_id(app: &TestApp, handle: &str) -> String {
    let db = app.database().await;
    sqlx::query_scalar("SELECT id FROM groups WHERE handle = $1")
        .bind(handle)
        .fetch_one(&db)
        .await
        .unwrap()
}

/// Writes `count` lines of `action` by `actor` in `group`, `at` seconds apart going back from
/// `newest`, as the app would have.
async fn write_lines(
    app: &TestApp,
    group: Option<&str>,
    actor: &str,
    action: &str,
    count: i64,
    newest: i64,
) {
    let db = app.database().await;
    for n in 0..count {
        sqlx::query(
            "INSERT INTO audit_events (id, at, action, outcome, account_id, ip, group_id, detail) \
             VALUES ($1, $2, $3, 'ok', $4, '192.0.2.7', $5, $6)",
        )
        .bind(format!(
            "test-{}-{action}-{newest}-{n}",
            group.unwrap_or("none")
        ))
        .bind(newest - n)
        .bind(action)
        .bind(actor)
        .bind(group)
        .bind(format!("Line {n}"))
        .execute(&db)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn an_admin_reads_who_did_what_to_whom_in_words() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    let cat = signed_in_browser_named(&app, &sink, "cat@example.org", "Cat Poe").await;
    create_open_group(&ann, "Open Garden", "garden").await;
    join(&bob, "garden").await;
    join(&cat, "garden").await;

    // Bob is made an admin, Cat is removed, and the settings change.
    let token = ann.csrf_token("/g/garden/members").await;
    let bob_id = account_id(&app, "bob@example.org").await;
    let made = ann
        .send_and_read(ann.post_with_token(
            "/g/garden/members/role",
            &token,
            format!("account={bob_id}&role=admin"),
        ))
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let cat_id = account_id(&app, "cat@example.org").await;
    let remove = format!("/g/garden/members/{cat_id}/remove");
    let removed = ann.submit(&remove, &remove, &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let settings = ann.get("/g/garden/settings").await;
    assert!(
        settings.body.contains(r#"href="/g/garden/audit""#),
        "the settings page links to the audit log"
    );
    let mut body = ann.form_body(
        &settings.body,
        "/g/garden/settings",
        &[
            ("name", "Open Garden"),
            ("handle", "garden-club"),
            ("description", ""),
            ("privacy", "closed"),
            ("join_mode", "request"),
        ],
    );
    for permission in DEFAULT_PERMISSIONS {
        body.push_str(&format!("&permissions={permission}"));
    }
    let saved = ann.post_raw("/g/garden/settings", body).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let log = ann.get("/g/garden-club/audit").await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    assert!(
        log.title().unwrap().starts_with("Audit log"),
        "{:?}",
        log.title()
    );
    let words = text(&log);
    for expected in [
        "When",
        "Who",
        "Action",
        "Done to",
        "Detail",
        "Changed a member\u{2019}s role",
        "Member \u{2192} Admin",
        "Removed a member",
        "Cat Poe",
        "Bob Roe",
        "Ann Lee",
        "Changed the group\u{2019}s settings",
        "Handle: garden \u{2192} garden-club",
        "Privacy: Open \u{2192} Closed",
        "Created the group",
    ] {
        assert!(words.contains(expected), "{expected} in {words}");
    }
    for action in [
        "Changed a member\u{2019}s role",
        "Removed a member",
        "Changed the group\u{2019}s settings",
        "Created the group",
    ] {
        assert!(has_cell(&log, action), "{action} in a cell of {words}");
    }
    assert!(log.body.contains("<caption"), "an accessible table");
    assert!(log.body.contains(r#"<th scope="col""#));
    for hidden in ["127.0.0.1", "member_role_changed", "email_hash"] {
        assert!(!words.contains(hidden), "{hidden} is not shown: {words}");
    }
    // The newest first: the settings change comes before the role change.
    let cell_at = |words: &str| {
        log.body
            .find(&format!(r#"<td class="q-table__cell">{words}</td>"#))
            .unwrap()
    };
    // Lines of the same second keep the order they were written in.
    let settings_at = cell_at("Changed the group\u{2019}s settings");
    let removal_at = cell_at("Removed a member");
    let role_at = cell_at("Changed a member\u{2019}s role");
    assert!(settings_at < removal_at && removal_at < role_at, "{words}");

    // Bob, an admin now, reads it too.
    assert_eq!(bob.get("/g/garden-club/audit").await.status, StatusCode::OK);

    // One kind of action, chosen with the form.
    let removals = ann.get("/g/garden-club/audit?action=member_removed").await;
    assert_eq!(removals.status, StatusCode::OK);
    let words = text(&removals);
    assert!(has_cell(&removals, "Removed a member"), "{words}");
    assert!(
        !has_cell(&removals, "Changed a member\u{2019}s role"),
        "{words}"
    );
    assert!(words.contains("Cat Poe"), "{words}");
    assert!(!words.contains("Member \u{2192} Admin"), "{words}");
    assert_eq!(rows(&removals), 1);
    assert!(
        removals
            .body
            .contains(r#"<option value="member_removed" selected"#),
        "the filter shows what is chosen"
    );

    // Someone whose account is gone is named as such (written straight into the log, as
    // accounts cannot be deleted through the pages yet).
    let db = app.database().await;
    sqlx::query(
        "INSERT INTO audit_events (id, at, action, outcome, account_id, group_id, subject_id) \
         VALUES ('gone', $1, 'member_removed', 'ok', 'gone-admin', $2, 'gone-member')",
    )
    .bind(now() + 60)
    .bind(group_id(&app, "garden-club").await)
    .execute(&db)
    .await
    .unwrap();
    let gone = ann.get("/g/garden-club/audit?action=member_removed").await;
    assert_eq!(rows(&gone), 2);
    assert_eq!(
        gone.body
            .matches(r#"<td class="q-table__cell">Deleted account</td>"#)
            .count(),
        2,
        "{}",
        text(&gone)
    );

    // An action the filter does not offer is an error to fix, said in words.
    let unknown = ann.get("/g/garden-club/audit?action=drop_tables").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.title().unwrap().starts_with("Error: "));
    assert!(text(&unknown).contains("Choose an action from the list"));
    assert!(unknown.body.contains(r##"href="#action""##));
}

#[tokio::test]
async fn only_the_groups_admins_may_read_the_audit_log() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    let cat = signed_in_browser_named(&app, &sink, "cat@example.org", "Cat Poe").await;
    create_open_group(&ann, "Open Garden", "garden").await;
    join(&bob, "garden").await;

    assert_eq!(ann.get("/g/garden/audit").await.status, StatusCode::OK);
    for (who, browser) in [("a member", &bob), ("an outsider", &cat)] {
        let reply = browser.get("/g/garden/audit").await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{who}");
        let filtered = browser.get("/g/garden/audit?action=member_removed").await;
        assert_eq!(filtered.status, StatusCode::NOT_FOUND, "{who}");
    }
    let signed_out = app.browser();
    assert_eq!(
        signed_out.get("/g/garden/audit").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ann.get("/g/no-such-group/audit").await.status,
        StatusCode::NOT_FOUND
    );
    // A member's settings page does not exist for them, and neither does the link.
    assert_eq!(
        bob.get("/g/garden/settings").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_log_is_paged_newest_first_and_the_filter_is_kept_in_the_links() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_open_group(&ann, "Open Garden", "garden").await;
    let group = group_id(&app, "garden").await;
    let ann_id = account_id(&app, "ann@example.org").await;
    let newest = now() - 60;
    write_lines(&app, Some(&group), &ann_id, "member_removed", 60, newest).await;
    write_lines(
        &app,
        Some(&group),
        &ann_id,
        "thread_pinned",
        5,
        newest - 1000,
    )
    .await;
    // Another group's lines are not this group's.
    write_lines(
        &app,
        Some("another-group"),
        &ann_id,
        "member_removed",
        5,
        newest,
    )
    .await;

    let first = ann.get("/g/garden/audit?action=member_removed").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(rows(&first), 50);
    assert!(
        first
            .body
            .contains(r##"href="/g/garden/audit?action=member_removed&amp;page=2#entries" rel="next">Older entries"##),
        "{}",
        first.body
    );
    assert!(!text(&first).contains("Newer entries"));
    assert!(!has_cell(&first, "Pinned a thread"));
    assert!(
        text(&first).contains("Line 0"),
        "the newest line comes first"
    );

    let second = ann
        .get("/g/garden/audit?action=member_removed&page=2")
        .await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(rows(&second), 10);
    assert!(second.title().unwrap().contains("page 2"));
    assert!(
        second.body.contains(
            r##"href="/g/garden/audit?action=member_removed#entries" rel="prev">Newer entries"##
        ),
        "{}",
        second.body
    );
    assert!(!text(&second).contains("Older entries"));
    assert!(text(&second).contains("Line 59"));
    assert_eq!(
        ann.get("/g/garden/audit?action=member_removed&page=3")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Unfiltered: the group's creation (the newest), 60 removals and 5 pins make two pages.
    let all = ann.get("/g/garden/audit").await;
    assert_eq!(rows(&all), 50);
    assert!(has_cell(&all, "Created the group"));
    let all = ann.get("/g/garden/audit?page=2").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(rows(&all), 16);
    assert!(has_cell(&all, "Pinned a thread"));
    assert_eq!(
        ann.get("/g/garden/audit?page=3").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ann.get("/g/garden/audit?page=9223372036854775807")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A filter with no lines says so, and has no pages after the first.
    let none = ann.get("/g/garden/audit?action=invitation_revoked").await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(text(&none).contains("There are no entries of this kind."));
    assert_eq!(
        ann.get("/g/garden/audit?action=invitation_revoked&page=2")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn lines_past_the_retention_setting_are_purged_and_newer_ones_kept() {
    let app = TestApp::start();
    let day = 86_400;
    let now = now();
    write_lines(&app, None, "someone", "sign_in_link", 3, now - 40 * day).await;
    write_lines(&app, None, "someone", "sign_in_code", 2, now - 10 * day).await;

    // A second server on the same database runs the housekeeping job as it starts.
    let second = TestApp::builder()
        .env("DATABASE_URL", app.database_url())
        .env("QUORUM_AUDIT_RETENTION_DAYS", "30")
        .start();
    let db = app.database().await;
    let count = |action: &'static str| {
        let db = db.clone();
        async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM audit_events WHERE action = $1 AND account_id = 'someone'",
            )
            .bind(action)
            .fetch_one(&db)
            .await
            .unwrap();
            n
        }
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while count("sign_in_link").await > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "lines older than 30 days were not purged:\n{}",
            second.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count("sign_in_code").await, 2, "newer lines are kept");
    assert!(
        second.logs().contains("purged 3 audit log lines"),
        "{}",
        second.logs()
    );
}

#[tokio::test]
async fn the_retention_setting_must_be_a_whole_number_of_days() {
    let refused = TestApp::builder()
        .env("QUORUM_AUDIT_RETENTION_DAYS", "0")
        .run_to_exit();
    assert!(!refused.status.success(), "{refused:?}");
    assert!(
        refused.stderr.contains("QUORUM_AUDIT_RETENTION_DAYS")
            || refused.stderr.contains("audit-retention-days"),
        "{refused:?}"
    );
}

/// Nothing in Quorum changes an audit line, and only the retention purge deletes them.
#[test]
fn only_the_retention_purge_deletes_audit_lines_and_only_account_deletion_changes_them() {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut writers = Vec::new();
    let mut folders = vec![source];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let code = std::fs::read_to_string(&path).unwrap().to_lowercase();
                let squeezed: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
                for statement in ["update audit_events", "delete from audit_events"] {
                    if squeezed.contains(statement) {
                        writers.push(format!(
                            "{} {statement}",
                            path.file_name().unwrap().to_string_lossy()
                        ));
                    }
                }
            }
        }
    }
    // Deleting an account erases its owner's identity and addresses from their lines (the
    // right to erasure), and changes nothing else in them.
    writers.sort();
    assert_eq!(
        writers,
        [
            "audit.rs delete from audit_events",
            "leaving.rs update audit_events"
        ]
    );
}

#[tokio::test]
async fn invitations_name_the_invitee_only_by_their_account_and_moderation_is_recorded() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_open_group(&ann, "Open Garden", "garden").await;
    let sent = ann
        .submit(
            "/g/garden/invitations",
            "/g/garden/invitations",
            &[("addresses", "bob@example.org\nnew.person@example.org")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    // Bob joins and starts a thread, which Ann pins and deletes.
    join(&bob, "garden").await;
    let thread = support::journey::start_thread(&bob, "garden", "Seed swap", "Bring seeds.").await;
    let pinned = thread_action(&ann, &thread, "pin").await;
    assert_eq!(pinned.status, StatusCode::SEE_OTHER, "{}", pinned.body);
    let delete = format!("{thread}/delete");
    let deleted = ann.submit(&delete, &delete, &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);

    let log = ann.get("/g/garden/audit").await;
    let words = text(&log);
    assert!(has_cell(&log, "Sent an invitation"), "{words}");
    assert!(has_cell(&log, "Pinned a thread"), "{words}");
    assert!(has_cell(&log, "Deleted a thread"), "{words}");
    assert!(has_cell(&log, "\u{201c}Seed swap\u{201d}"), "{words}");
    // Bob had an account, so his invitation names him; the other address is not shown at all.
    let invitations = ann.get("/g/garden/audit?action=invitations_sent").await;
    assert_eq!(rows(&invitations), 2);
    assert!(has_cell(&invitations, "Bob Roe"), "{}", text(&invitations));
    assert!(has_cell(&invitations, "None"), "{}", text(&invitations));
    assert!(!text(&invitations).contains("@example.org"));
    let db = app.database().await;
    let addresses: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE detail LIKE '%@%' OR subject_id LIKE '%@%'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(addresses, 0, "no address is written to the audit log");
}

/// Presses the thread page's button that posts to `<thread>/<action>`.
async fn thread_action(browser: &Browser, thread: &str, action: &str) -> Reply {
    browser
        .submit(thread, &format!("{thread}/{action}"), &[])
        .await
}

#[tokio::test]
async fn a_thread_moved_into_a_secret_group_does_not_name_it_in_the_other_groups_log() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_open_group(&ann, "Open Garden", "garden").await;
    let secret = support::journey::create_group(&ann, "Night Shift", "night", "secret").await;
    assert_eq!(secret.status, StatusCode::SEE_OTHER);
    let thread = support::journey::start_thread(&ann, "garden", "Rota", "Who works when.").await;
    let move_page = format!("{thread}/move");
    let moved = ann
        .submit(&move_page, &move_page, &[("group", "night")])
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);

    let garden = ann.get("/g/garden/audit?action=thread_moved").await;
    assert!(
        has_cell(&garden, "\u{201c}Rota\u{201d} moved to another group"),
        "{}",
        text(&garden)
    );
    assert!(!text(&garden).contains("Night Shift"));
    let night = ann.get("/g/night/audit?action=thread_moved").await;
    assert!(
        has_cell(&night, "\u{201c}Rota\u{201d} moved here from Open Garden"),
        "{}",
        text(&night)
    );
}
