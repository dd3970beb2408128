//! Leaving Quorum: deactivating an account (memberships and sessions end, signing in brings the
//! person back) and deleting it (everything that names the person is erased, what they wrote
//! stays with the group as "Deleted account"), both in two steps, refused for a group's only
//! admin, with a confirmation email.
//!
//! Strategy: people act through the pages with `support::browser` against the real server,
//! with mail read from a real SMTP sink; the deletion test then reads every text column of
//! every table of the real database (SQLite, or PostgreSQL in the suite's second pass) for the
//! deleted person's email address, name and IP address.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use support::TestApp;
use support::browser::{Browser, Reply, strip_tags};
use support::journey::{
    create_group, is_signed_in, post_comment, sign_in_as, signed_in_browser_named, start_poll,
    start_thread, start_with_mail, start_with_mail_and,
};
use support::on_postgres;

const ZEB: &str = "zebedee@example.org";
const ZEB_NAME: &str = "Zebedee Quillfeather";
const ZEB_IP: &str = "203.0.113.77";

fn text(reply: &Reply) -> String {
    strip_tags(&reply.body)
}

/// Leaves Quorum through both steps; returns the last answer.
async fn leave(browser: &Browser, choice: &str) -> Reply {
    let confirm = browser
        .submit("/account/leave", "/account/leave", &[("choice", choice)])
        .await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", text(&confirm));
    assert!(text(&confirm).contains("Nothing has changed yet"));
    browser
        .submit_from(&confirm.body, "/account/leave/confirm", &[])
        .await
}

async fn account_count(db: &sqlx::AnyPool, email: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM accounts WHERE email = '{email}'"
    )))
    .fetch_one(db)
    .await
    .unwrap()
}

/// Every text column of every table, as (table, column).
async fn text_columns(db: &sqlx::AnyPool) -> Vec<(String, String)> {
    let query = if on_postgres() {
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
         WHERE table_schema = current_schema() \
         AND data_type IN ('text', 'character varying', 'character') \
         ORDER BY 1, 2"
    } else {
        // Columns without a declared type (a full-text index's content) hold text too.
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND (upper(p.type) LIKE '%TEXT%' OR p.type = '') \
         ORDER BY 1, 2"
    };
    sqlx::query_as(query).fetch_all(db).await.unwrap()
}

/// Waits until the outbox has delivered (or given up on) everything.
async fn outbox_settled(db: &sqlx::AnyPool) {
    for _ in 0..500 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(db)
        .await
        .unwrap();
        if waiting == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the outbox did not empty");
}

/// Where the deleted person's email address, name or IP address is found, as
/// "table.column holds needle".
async fn traces(db: &sqlx::AnyPool, columns: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (table, column) in columns {
        for needle in [ZEB, ZEB_NAME, "Quillfeather", ZEB_IP] {
            let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM \"{table}\" WHERE lower(CAST(\"{column}\" AS TEXT)) LIKE '%{}%'",
                needle.to_lowercase()
            )))
            .fetch_one(db)
            .await
            .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
            if count > 0 {
                found.push(format!("{table}.{column} holds {needle}"));
            }
        }
    }
    found
}

#[tokio::test]
async fn deleting_an_account_erases_its_owner_everywhere_and_keeps_what_they_wrote() {
    let (app, sink) =
        start_with_mail_and(TestApp::builder().env("QUORUM_TRUSTED_PROXY", "127.0.0.1")).await;
    let db = app.database().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Garden", "garden", "open").await;
    create_group(&ann, "Council", "council", "secret").await;
    let thread = start_thread(&ann, "garden", "Spring planting", "What shall we grow?").await;
    let poll = start_poll(
        &ann,
        &thread,
        "proposal",
        &[("title", "Grow beans"), ("template", "consensus")],
    )
    .await;

    // Zebedee comes through the proxy from an address of his own, joins, writes, mentions Ann,
    // reacts, votes and sets a password; Ann invites him to a second group.
    let zeb = app.browser().with_forwarded_for(ZEB_IP);
    sign_in_as(&zeb, &sink, ZEB).await;
    let named = zeb
        .submit("/account", "/account/name", &[("name", ZEB_NAME)])
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    let joined = zeb.submit("/g/garden", "/g/garden/join", &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let ann_handle: String =
        sqlx::query_scalar("SELECT handle FROM accounts WHERE email = 'ann@example.org'")
            .fetch_one(&db)
            .await
            .unwrap();
    let comment = format!("Broad beans do well here, @{ann_handle}.");
    let posted = post_comment(&zeb, &thread, &comment, None).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let mention = sink.wait_for_mail_to("ann@example.org", 2).await;
    assert!(mention.subject.contains(ZEB_NAME), "{}", mention.subject);
    let check = zeb
        .submit(&poll, &format!("{poll}/vote"), &[("choice", "0")])
        .await;
    assert_eq!(check.status, StatusCode::OK, "{}", text(&check));
    let cast = zeb
        .submit_from(&check.body, &format!("{poll}/vote"), &[("intent", "cast")])
        .await;
    assert_eq!(cast.status, StatusCode::SEE_OTHER, "{}", text(&cast));
    let password = zeb
        .submit(
            "/account",
            "/account/password",
            &[("new_password", "correct horse battery staple 42")],
        )
        .await;
    assert_eq!(
        password.status,
        StatusCode::SEE_OTHER,
        "{}",
        text(&password)
    );
    let invited = ann
        .submit(
            "/g/council/invitations",
            "/g/council/invitations",
            &[("addresses", ZEB), ("message", "")],
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER, "{}", text(&invited));
    sink.wait_for_mail_to(ZEB, 2).await;
    let seen: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM audit_events WHERE ip = '{ZEB_IP}'"
    )))
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(seen > 0, "the audit log saw Zebedee's address");

    // Before, the scan finds him where he is.
    let before = traces(&db, &text_columns(&db).await).await;
    for trace in [
        format!("accounts.email holds {ZEB}"),
        format!("accounts.display_name holds {ZEB_NAME}"),
        format!("audit_events.ip holds {ZEB_IP}"),
        format!("invitations.email holds {ZEB}"),
        format!("outbox.subject holds {ZEB_NAME}"),
    ] {
        assert!(before.contains(&trace), "{trace}: {before:#?}");
    }

    // The first page says what goes and what stays; choosing changes nothing yet.
    let page = zeb.get("/account/leave").await;
    assert_eq!(page.status, StatusCode::OK);
    let words = text(&page);
    assert!(words.contains("If you delete your account"), "{words}");
    assert!(words.contains("Deleted account"), "{words}");
    let confirm = zeb
        .submit("/account/leave", "/account/leave", &[("choice", "delete")])
        .await;
    assert_eq!(confirm.h1().as_deref(), Some("Delete your account?"));
    assert!(is_signed_in(&zeb).await, "choosing alone deletes nothing");
    let deleted = zeb
        .submit_from(&confirm.body, "/account/leave/confirm", &[])
        .await;
    assert_eq!(deleted.location(), Some("/account/left?done=deleted"));
    let left = zeb.get("/account/left?done=deleted").await;
    assert_eq!(left.h1().as_deref(), Some("Your account is deleted"));
    assert!(!is_signed_in(&zeb).await);
    assert_eq!(account_count(&db, ZEB).await, 0);

    // One last email, complete in plain text, and then no record of the address.
    let last = sink.wait_for_mail_to(ZEB, 3).await;
    assert_eq!(last.subject, "Your Quorum account is deleted");
    assert!(last.text.contains("Deleted account"), "{}", last.text);
    outbox_settled(&db).await;

    // What he wrote stays with the group, under "Deleted account".
    let thread_page = text(&ann.get(&thread).await);
    assert!(
        thread_page.contains("Broad beans do well here"),
        "{thread_page}"
    );
    assert!(thread_page.contains("Deleted account"), "{thread_page}");
    assert!(!thread_page.contains("Zebedee"), "{thread_page}");
    let votes = text(&ann.get(&format!("{poll}/votes")).await);
    assert!(votes.contains("Deleted account"), "{votes}");
    assert!(votes.contains("1 vote"), "{votes}");

    // Nothing in any text column of any table names him.
    let columns = text_columns(&db).await;
    let tables: std::collections::BTreeSet<&str> =
        columns.iter().map(|(table, _)| table.as_str()).collect();
    assert!(tables.len() > 20, "{tables:?}");
    let found = traces(&db, &columns).await;
    assert!(found.is_empty(), "{found:#?}");
    println!(
        "scanned {} text columns of {} tables for the email, name and IP",
        columns.len(),
        tables.len()
    );

    // The address can start again, as a new and empty account.
    let again = app.browser();
    sign_in_as(&again, &sink, ZEB).await;
    let dashboard = text(&again.get("/dashboard").await);
    assert!(!dashboard.contains("Garden"), "{dashboard}");
}

#[tokio::test]
async fn deactivating_ends_memberships_and_sessions_and_signing_in_brings_the_person_back() {
    let (app, sink) = start_with_mail().await;
    let db = app.database().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Garden", "garden", "open").await;
    let thread = start_thread(&ann, "garden", "Spring planting", "What shall we grow?").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    let phone = app.browser();
    sign_in_as(&phone, &sink, "bob@example.org").await;
    let joined = bob.submit("/g/garden", "/g/garden/join", &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    let posted = post_comment(&bob, &thread, "Potatoes, please.", None).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    let before = sink.mail_to("bob@example.org").len();

    let done = leave(&bob, "deactivate").await;
    assert_eq!(done.location(), Some("/account/left?done=deactivated"));
    let left = bob.get("/account/left?done=deactivated").await;
    assert_eq!(left.h1().as_deref(), Some("Your account is deactivated"));
    assert!(!is_signed_in(&bob).await);
    assert!(!is_signed_in(&phone).await, "signed out on every device");
    let mail = sink.wait_for_mail_to("bob@example.org", before + 1).await;
    assert_eq!(mail.subject, "Your Quorum account is deactivated");
    assert!(mail.text.contains("/sign-in"), "{}", mail.text);
    let members = text(&ann.get("/g/garden/members").await);
    assert!(!members.contains("Bob Roe"), "{members}");
    // What he wrote keeps his name.
    assert!(text(&ann.get(&thread).await).contains("Bob Roe"));

    // Signing in again brings him back, with no memberships, to rejoin as anyone would.
    sign_in_as(&bob, &sink, "bob@example.org").await;
    assert!(is_signed_in(&bob).await);
    let deactivated: Option<i64> =
        sqlx::query_scalar("SELECT deactivated_at FROM accounts WHERE email = 'bob@example.org'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(deactivated, None);
    let garden = text(&bob.get("/g/garden").await);
    assert!(garden.contains("Join"), "{garden}");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action IN ('account_deactivated', 'account_reactivated')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn an_only_admin_hands_over_first_and_mistakes_change_nothing() {
    let (app, sink) = start_with_mail().await;
    let db = app.database().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Garden", "garden", "open").await;

    // The only admin is shown what to do first, and no form.
    let page = ann.get("/account/leave").await;
    let words = text(&page);
    assert!(words.contains("Hand over your groups first"), "{words}");
    assert!(page.body.contains(r#"href="/g/garden/members""#));
    assert!(!page.body.contains(r#"action="/account/leave""#));

    // A forged confirmation is refused with an error, and nothing changes.
    let token = ann.csrf_token("/account").await;
    let forced = ann
        .send_and_read(ann.post_with_token("/account/leave/confirm", &token, "choice=delete"))
        .await;
    assert_eq!(forced.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(forced.title().unwrap().starts_with("Error: "));
    assert!(text(&forced).contains("You are the only admin of a group"));
    assert!(is_signed_in(&ann).await);
    assert_eq!(account_count(&db, "ann@example.org").await, 1);

    // No choice is an error in the summary; so is an unknown one at the last step.
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    let none = bob.submit("/account/leave", "/account/leave", &[]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(&none).contains("Choose whether to deactivate or delete your account"),
        "{}",
        text(&none)
    );
    let token = bob.csrf_token("/account").await;
    let unknown = bob
        .send_and_read(bob.post_with_token("/account/leave/confirm", &token, "choice=vanish"))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(is_signed_in(&bob).await);

    // Signed out, the pages ask to sign in; a made-up ending is not found.
    let stranger = app.browser();
    let asked = stranger.get("/account/leave").await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        stranger.get("/account/left?done=vanished").await.status,
        StatusCode::NOT_FOUND
    );

    // With Bob made an admin, Ann may delete her account.
    let joined = bob.submit("/g/garden", "/g/garden/join", &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    let bob_id: String =
        sqlx::query_scalar("SELECT id FROM accounts WHERE email = 'bob@example.org'")
            .fetch_one(&db)
            .await
            .unwrap();
    let token = ann.csrf_token("/g/garden").await;
    let made = ann
        .send_and_read(ann.post_with_token(
            "/g/garden/members/role",
            &token,
            format!("account={bob_id}&role=admin"),
        ))
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let done = leave(&ann, "delete").await;
    assert_eq!(done.location(), Some("/account/left?done=deleted"));
    assert_eq!(account_count(&db, "ann@example.org").await, 0);
}
