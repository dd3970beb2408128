//! Instance operators and support access, through the real binary: `quorum operator
//! add|remove|list` and its mistakes, the `/operator` page for operators only, and support
//! access to a secret group: "not found" without a grant, readable with one (each page read in
//! the group's audit log), never a way to post, and "not found" again after a revoke and after
//! the grant runs out, with the group's admins emailed when it starts and ends.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use support::browser::Browser;
use support::journey::{
    create_group, signed_in_browser, signed_in_browser_named, start_poll, start_thread,
    start_with_mail,
};
use support::{Finished, TestApp};

const ADMIN: &str = "admin@example.org";
const OPERATOR: &str = "operator@example.org";

/// Runs `quorum operator <args>` on the app's database, to the end.
fn operator_command(app: &TestApp, args: &[&str]) -> Finished {
    let mut builder = TestApp::builder()
        .without_default_flags()
        .arg("--data-dir")
        .arg(app.data_dir())
        .env("DATABASE_URL", app.database_url())
        .arg("operator");
    for arg in args {
        builder = builder.arg(*arg);
    }
    builder.run_to_exit()
}

async fn audit_count(app: &TestApp, action: &str, detail: &str) -> i64 {
    let db = app.database().await;
    sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = $1 AND detail LIKE $2")
        .bind(action)
        .bind(format!("%{detail}%"))
        .fetch_one(&db)
        .await
        .unwrap()
}

fn assert_refused(finished: &Finished, words: &str) {
    assert_eq!(finished.status.code(), Some(1), "{finished:?}");
    let lines: Vec<&str> = finished.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one sentence: {finished:?}");
    assert!(lines[0].contains(words), "{finished:?}");
}

async fn make_operator(app: &TestApp) {
    let added = operator_command(app, &["add", OPERATOR]);
    assert!(added.status.success(), "{added:?}");
}

#[tokio::test]
async fn operator_commands_add_list_and_remove_and_refuse_mistakes() {
    let (app, sink) = start_with_mail().await;
    signed_in_browser(&app, &sink, OPERATOR).await;

    let malformed = operator_command(&app, &["add", "not-an-address"]);
    assert_refused(&malformed, "is not an email address");
    let unknown = operator_command(&app, &["add", "nobody@example.org"]);
    assert_refused(&unknown, "no account has the address nobody@example.org");
    let listed = operator_command(&app, &["list"]);
    assert!(listed.stdout.contains("No operators yet"), "{listed:?}");

    let added = operator_command(&app, &["add", "Operator@Example.org"]);
    assert!(added.status.success(), "{added:?}");
    assert!(
        added
            .stdout
            .contains("operator@example.org is now an operator"),
        "{added:?}"
    );
    let again = operator_command(&app, &["add", OPERATOR]);
    assert!(again.status.success(), "{again:?}");
    assert!(again.stdout.contains("an operator already"), "{again:?}");
    let listed = operator_command(&app, &["list"]);
    assert!(listed.stdout.contains(OPERATOR), "{listed:?}");
    assert_eq!(
        audit_count(&app, "operator_added", "from the command line").await,
        1
    );
    // The line names the account by its id, never its address.
    assert_eq!(audit_count(&app, "operator_added", OPERATOR).await, 0);

    let removed = operator_command(&app, &["remove", OPERATOR]);
    assert!(removed.status.success(), "{removed:?}");
    assert!(
        removed.stdout.contains("is no longer an operator"),
        "{removed:?}"
    );
    let again = operator_command(&app, &["remove", OPERATOR]);
    assert!(again.stdout.contains("was not an operator"), "{again:?}");
    assert_eq!(
        audit_count(&app, "operator_removed", "from the command line").await,
        1
    );
    let listed = operator_command(&app, &["list"]);
    assert!(!listed.stdout.contains(OPERATOR), "{listed:?}");
}

#[tokio::test]
async fn the_operator_page_shows_counts_to_operators_and_is_not_found_for_anyone_else() {
    let (app, sink) = start_with_mail().await;
    let admin = signed_in_browser(&app, &sink, ADMIN).await;
    create_group(&admin, "Hidden circle", "hidden-circle", "secret").await;
    let operator = signed_in_browser(&app, &sink, OPERATOR).await;

    assert_eq!(
        app.browser().get("/operator").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        operator.get("/operator").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !operator
            .get("/account")
            .await
            .body
            .contains("href=\"/operator\"")
    );

    make_operator(&app).await;
    let page = operator.get("/operator").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let text = support::browser::strip_tags(&page.body);
    assert!(text.contains("People") && text.contains("Groups"), "{text}");
    assert!(text.contains("Waiting to be sent"), "{text}");
    assert!(!text.contains("Hidden circle"), "no group names: {text}");
    assert!(
        operator
            .get("/account")
            .await
            .body
            .contains("href=\"/operator\"")
    );
    assert_eq!(admin.get("/operator").await.status, StatusCode::NOT_FOUND);
}

/// The support access form of the group's settings page, sent with `duration`.
async fn grant(admin: &Browser, handle: &str, duration: &str) -> support::browser::Reply {
    admin
        .submit(
            &format!("/g/{handle}/settings"),
            &format!("/g/{handle}/settings/support"),
            &[("duration", duration)],
        )
        .await
}

async fn revoke(admin: &Browser, handle: &str) -> support::browser::Reply {
    admin
        .submit(
            &format!("/g/{handle}/settings"),
            &format!("/g/{handle}/settings/support/revoke"),
            &[],
        )
        .await
}

#[tokio::test]
async fn support_access_is_not_found_without_a_grant_readable_and_logged_with_one_and_not_found_after_revoke_or_expiry()
 {
    let (app, sink) = start_with_mail().await;
    let admin = signed_in_browser_named(&app, &sink, ADMIN, "Ada Admin").await;
    create_group(&admin, "Vault", "vault", "secret").await;
    let thread = start_thread(&admin, "vault", "Budget worries", "The roof leaks.").await;
    let poll = start_poll(&admin, &thread, "proposal", &[("template", "consensus")]).await;
    let operator = signed_in_browser_named(&app, &sink, OPERATOR, "Otto Operator").await;
    make_operator(&app).await;

    // Without a grant: exactly as for anyone outside a secret group.
    assert_eq!(operator.get(&thread).await.status, StatusCode::NOT_FOUND);
    assert_eq!(operator.get(&poll).await.status, StatusCode::NOT_FOUND);
    assert_eq!(operator.get("/g/vault").await.status, StatusCode::NOT_FOUND);

    // A duration not offered: the error summary, and the answer kept.
    let wrong = grant(&admin, "vault", "99d").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("q-error-summary"), "{}", wrong.body);
    assert!(
        wrong.body.contains("Select how long support access lasts"),
        "{}",
        wrong.body
    );
    assert_eq!(operator.get(&thread).await.status, StatusCode::NOT_FOUND);

    let granted = grant(&admin, "vault", "1d").await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.body);
    let started = sink.wait_for_mail_to(ADMIN, 2).await;
    assert!(
        started
            .subject
            .contains("Support access to Vault has started"),
        "{started:?}"
    );
    let settings = admin.get("/g/vault/settings").await;
    assert!(
        settings.body.contains("Revoke support access"),
        "{}",
        settings.body
    );

    // With the grant: the thread and the group read, each read logged with its path.
    let read = operator.get(&format!("{thread}?sort=newest")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert!(read.body.contains("The roof leaks."), "{}", read.body);
    let group = operator.get("/g/vault").await;
    assert_eq!(group.status, StatusCode::OK);
    assert!(
        group.body.contains("Budget worries"),
        "listed: {}",
        group.body
    );
    assert_eq!(audit_count(&app, "support_access_read", &thread).await, 1);
    let db = app.database().await;
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE action = 'support_access_read' AND detail LIKE '/t/%'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(detail, thread, "the path without its query");

    // Reading only: no posting, no settings, not a member.
    let token = operator.csrf_token("/account").await;
    let comment = operator
        .send_and_read(operator.post_with_token(
            &format!("{thread}/comments"),
            &token,
            "body=Hello",
        ))
        .await;
    assert_eq!(comment.status, StatusCode::NOT_FOUND, "{}", comment.body);
    let new_thread = operator
        .send_and_read(operator.post_with_token(
            "/g/vault/threads/new",
            &token,
            "title=Mine&context=x&visibility=public",
        ))
        .await;
    assert_eq!(new_thread.status, StatusCode::NOT_FOUND);
    let poll_page = operator.get(&poll).await;
    assert_eq!(poll_page.status, StatusCode::OK, "{}", poll_page.body);
    assert!(!poll_page.body.contains(&format!("action=\"{poll}/vote\"")));
    let vote = operator
        .send_and_read(operator.post_with_token(&format!("{poll}/vote"), &token, "choice=0"))
        .await;
    assert_eq!(vote.status, StatusCode::NOT_FOUND);
    assert_eq!(audit_count(&app, "support_access_read", &poll).await, 1);
    assert_eq!(
        operator.get("/g/vault/settings").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        operator.get("/g/vault/members").await.status,
        StatusCode::NOT_FOUND
    );
    let members = admin.get("/g/vault/members").await;
    assert!(!members.body.contains("Otto Operator"), "{}", members.body);

    // Revoked: not found again, and the admins told.
    let revoked = revoke(&admin, "vault").await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    assert_eq!(operator.get(&thread).await.status, StatusCode::NOT_FOUND);
    let ended = sink.wait_for_mail_to(ADMIN, 3).await;
    assert!(
        ended.subject.contains("Support access to Vault has ended"),
        "{ended:?}"
    );
    assert!(ended.text.contains("Ada Admin ended"), "{}", ended.text);

    // Run out: not found again, and the admins told once by the timed job.
    let granted = grant(&admin, "vault", "1h").await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.body);
    sink.wait_for_mail_to(ADMIN, 4).await;
    assert_eq!(operator.get(&thread).await.status, StatusCode::OK);
    sqlx::query("UPDATE support_grants SET ends_at = ends_at - 7200 WHERE revoked_at IS NULL")
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(operator.get(&thread).await.status, StatusCode::NOT_FOUND);
    let expired = sink.wait_for_mail_to(ADMIN, 5).await;
    assert!(expired.subject.contains("has ended"), "{expired:?}");
    assert!(expired.text.contains("ran out"), "{}", expired.text);
    let notified: i64 =
        sqlx::query_scalar("SELECT count(*) FROM support_grants WHERE end_notified_at IS NOT NULL")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(notified, 2);
    let audited = audit_count(&app, "support_access_granted", "until").await
        + audit_count(&app, "support_access_revoked", "ended early").await;
    assert_eq!(audited, 3);
}

#[tokio::test]
async fn a_member_who_is_not_an_admin_cannot_grant_support_access() {
    let (app, sink) = start_with_mail().await;
    let admin = signed_in_browser(&app, &sink, ADMIN).await;
    create_group(&admin, "Commons", "commons", "open").await;
    let member = signed_in_browser(&app, &sink, "member@example.org").await;
    let joined = member.submit("/g/commons", "/g/commons/join", &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);

    let token = member.csrf_token("/account").await;
    let tried = member
        .send_and_read(member.post_with_token("/g/commons/settings/support", &token, "duration=1h"))
        .await;
    assert_eq!(tried.status, StatusCode::NOT_FOUND);
    let db = app.database().await;
    let grants: i64 = sqlx::query_scalar("SELECT count(*) FROM support_grants")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(grants, 0);
}
