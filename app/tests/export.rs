//! The personal export: a person with every kind of data asks for a copy on the account page,
//! gets an email with a link, and fetches one zip holding a versioned JSON file and an HTML
//! page with all of it; a secret ballot shows only that they voted. The link works once, for
//! them, for 24 hours: used twice, by someone else or too late, it answers 404.
//!
//! Strategy: people act through the pages with `support::browser` against the real server,
//! with mail read from a real SMTP sink and the zip read with flate2, on SQLite, and on
//! PostgreSQL in the suite's second pass. The HTML page is written to
//! `target/export-sample.html`, for a look by eye (the browser suite builds its own through
//! the server to check with axe and the Nu checker, `a11y-tests/export.spec.ts`).

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use serde_json::Value;
use support::TestApp;
use support::browser::{Browser, Reply, strip_tags};
use support::inbox::Mail;
use support::journey::{
    comment_id, create_group, post_comment, sign_in_as, signed_in_browser_named, start_poll,
    start_thread, start_with_mail, start_with_mail_and,
};
use support::smtp::SmtpSink;

const ZEB: &str = "zebedee@example.org";
const ZEB_NAME: &str = "Zebedee Quillfeather";
const LINK: &str = "/account/export/";
const SUBJECT: &str = "Your copy of your Quorum data is ready";

fn text(reply: &Reply) -> String {
    strip_tags(&reply.body)
}

/// Asks for a copy on the account page; returns the email with its link.
async fn ask_for_a_copy(browser: &Browser, sink: &SmtpSink, nth_mail: usize) -> Mail {
    let asked = browser.submit("/account", "/account/export", &[]).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", text(&asked));
    assert_eq!(asked.location(), Some("/account?done=export-requested"));
    let page = text(&browser.get("/account?done=export-requested").await);
    assert!(
        page.contains("We are preparing a copy of your data"),
        "{page}"
    );
    let mail = sink.wait_for_mail_to(ZEB, nth_mail).await;
    assert_eq!(mail.subject, SUBJECT);
    mail
}

/// Fetches `path` as raw bytes.
async fn fetch(browser: &Browser, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let request = browser
        .request(reqwest::Method::GET, path)
        .header("accept-encoding", "br, gzip");
    let response = browser.send(request).await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap();
    (status, headers, body.to_vec())
}

fn strings(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| item[field].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_person_gets_everything_quorum_holds_about_them_once_by_a_link_only_they_can_use() {
    let (app, sink) = start_with_mail().await;
    let db = app.database().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Garden", "garden", "open").await;
    create_group(&ann, "Orchard", "orchard", "open").await;

    // Zebedee signs in on two devices, joins both groups, writes, edits, reacts and votes.
    let zeb = signed_in_browser_named(&app, &sink, ZEB, ZEB_NAME).await;
    let phone = app.browser();
    sign_in_as(&phone, &sink, ZEB).await;
    for group in ["garden", "orchard"] {
        let joined = zeb
            .submit(&format!("/g/{group}"), &format!("/g/{group}/join"), &[])
            .await;
        assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    }
    let thread = start_thread(&zeb, "garden", "Seed swap", "Bring **seeds**.").await;
    let posted = post_comment(&zeb, &thread, "I have beans.", None).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let mine = comment_id(&posted);
    let edit = format!("{thread}/comments/{mine}/edit");
    let edited = zeb
        .submit(&edit, &edit, &[("body", "I have broad beans.")])
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let anns = comment_id(&post_comment(&ann, &thread, "Lovely idea.", None).await);
    let token = zeb.csrf_token(&thread).await;
    let reacted = zeb
        .send_and_read(zeb.post_with_token(
            &format!("{thread}/comments/{anns}/react"),
            &token,
            "reaction=thanks",
        ))
        .await;
    assert_eq!(reacted.status, StatusCode::SEE_OTHER, "{}", reacted.body);
    let named = start_poll(
        &ann,
        &thread,
        "choose",
        &[("title", "Which drink?"), ("options", "Tea\nCoffee\nCake")],
    )
    .await;
    let secret = start_poll(
        &ann,
        &thread,
        "choose",
        &[
            ("title", "Which day?"),
            ("options", "Monday\nTuesday\nWednesday"),
            ("settings", "anonymous"),
        ],
    )
    .await;
    let own = start_poll(
        &zeb,
        &thread,
        "proposal",
        &[("title", "Swap on Saturday"), ("template", "consensus")],
    )
    .await;
    assert!(own.starts_with("/p/"), "{own}");
    for (poll, choice, reason) in [(&named, "2", "Cake is kind"), (&secret, "2", "Midweek")] {
        let action = format!("{poll}/vote");
        let check = zeb
            .submit(poll, &action, &[("choice", choice), ("reason", reason)])
            .await;
        assert_eq!(check.status, StatusCode::OK, "{}", text(&check));
        let cast = zeb
            .submit_from(&check.body, &action, &[("intent", "cast")])
            .await;
        assert_eq!(cast.status, StatusCode::SEE_OTHER, "{}", text(&cast));
    }

    // He asks, twice: one copy is prepared, and the account page says what will happen.
    let account = text(&zeb.get("/account").await);
    assert!(account.contains("Your data"), "{account}");
    let asked = zeb.submit("/account", "/account/export", &[]).await;
    assert_eq!(asked.location(), Some("/account?done=export-requested"));
    let again = zeb.submit("/account", "/account/export", &[]).await;
    assert_eq!(again.location(), Some("/account?done=export-waiting"));
    let mail = sink.wait_for_mail_about(ZEB, SUBJECT, 1).await;
    assert_eq!(mail.subject, SUBJECT);
    let again = zeb.submit("/account", "/account/export", &[]).await;
    assert_eq!(again.location(), Some("/account?done=export-waiting"));
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exports")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(
        rows, 1,
        "asking again while a copy is prepared or ready makes no second"
    );
    for words in ["works once", "24 hours", "signed in", "quorum-export.html"] {
        assert!(mail.text.contains(words), "{words}: {}", mail.text);
    }
    let link = mail.link_path(LINK);

    // Nobody else can use the link, and it does not get used up by them.
    let (status, _, _) = fetch(&ann, &link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let stranger = app.browser();
    let (status, headers, _) = fetch(&stranger, &link).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers["location"].to_str().unwrap();
    assert!(location.starts_with("/sign-in?next="), "{location}");

    // He fetches it.
    let (status, headers, zip) = fetch(&zeb, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/zip");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers.get("content-encoding").is_none(),
        "a zip is not compressed again"
    );
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"quorum-export-20")
            && disposition.ends_with(".zip\""),
        "{disposition}"
    );
    let files = support::zip::unzip(&zip);
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["quorum-export.json", "quorum-export.html"]);

    // The JSON holds each kind of data.
    let json: Value = serde_json::from_slice(&files[0].1).expect("the JSON parses");
    assert_eq!(json["format"], "quorum-personal-export");
    assert_eq!(json["version"], 3);
    assert!(json["exported_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(json["profile"]["email"], ZEB);
    assert_eq!(json["profile"]["name"], ZEB_NAME);
    let mut groups = strings(&json["memberships"], "group_handle");
    groups.sort();
    assert_eq!(groups, ["garden", "orchard"]);
    assert_eq!(strings(&json["threads"], "title"), ["Seed swap"]);
    assert_eq!(json["threads"][0]["context"], "Bring **seeds**.");
    let comments = &json["comments"];
    assert_eq!(strings(comments, "body"), ["I have broad beans."]);
    let versions = strings(&comments[0]["versions"], "text");
    assert_eq!(versions, ["I have beans.", "I have broad beans."]);
    assert_eq!(strings(&json["reactions"], "kind"), ["thanks"]);
    let polls = &json["polls"];
    assert_eq!(strings(polls, "title"), ["Swap on Saturday"]);
    assert_eq!(polls[0]["kind"], "proposal");
    assert!(!polls[0]["options"].as_array().unwrap().is_empty());
    assert_eq!(strings(&polls[0]["versions"], "change"), ["started"]);
    let votes = &json["votes"];
    assert_eq!(strings(votes, "poll_title"), ["Which drink?"]);
    assert_eq!(votes[0]["reason"], "Cake is kind");
    assert_eq!(votes[0]["marks"][0]["label"], "Cake");
    assert_eq!(votes[0]["marks"][0]["value"], 1);
    // The secret ballot: only that he voted.
    let ballots = &json["secret_ballots"];
    assert_eq!(strings(ballots, "poll_title"), ["Which day?"]);
    assert_eq!(ballots[0]["voted"], true);
    let mut fields: Vec<&str> = ballots[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "group_handle",
            "poll_id",
            "poll_title",
            "thread_title",
            "voted",
            "voted_at"
        ]
    );
    let whole = String::from_utf8(files[0].1.clone()).unwrap();
    for never in ["Wednesday", "Midweek"] {
        assert!(
            !whole.contains(never),
            "the secret choice {never} is in the export"
        );
    }
    assert!(
        json["notes"]["secret_ballots"]
            .as_str()
            .unwrap()
            .contains("no link")
    );
    assert_eq!(json["sessions"].as_array().unwrap().len(), 2);
    let history = strings(&json["sign_in_history"], "action");
    assert!(
        history.iter().any(|a| a == "personal_export"),
        "{history:?}"
    );
    assert!(history.len() >= 3, "{history:?}");
    // How much they hear of each of their groups, and what they were told.
    let settings = &json["notification_settings"];
    assert_eq!(settings["default_volume"], "normal");
    assert_eq!(settings["digest"], "off");
    let mut heard_of = strings(&settings["groups"], "group_handle");
    heard_of.sort();
    let mut member_of = strings(&json["memberships"], "group_handle");
    member_of.sort();
    assert_eq!(heard_of, member_of);
    assert!(json["notifications"].is_array());
    assert!(!json["thread_reads"].as_array().unwrap().is_empty());

    // The HTML page holds the same, as one complete document.
    let html = String::from_utf8(files[1].1.clone()).expect("UTF-8");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<h1>").count(), 1);
    assert!(!html.contains("<script"));
    assert_eq!(
        html.matches("<table>").count(),
        html.matches("<caption>").count()
    );
    assert_eq!(
        html.matches("<table>").count(),
        html.matches("</table>").count()
    );
    for words in [
        ZEB_NAME,
        "Seed swap",
        "I have beans.",
        "Cake is kind",
        "Which day?",
    ] {
        assert!(html.contains(words), "{words}");
    }
    assert!(!html.contains("Wednesday") && !html.contains("Midweek"));
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/export-sample.html");
    std::fs::write(&sample, &html).unwrap();

    // The link worked once; the file is gone; both steps are in the audit log.
    let (status, _, _) = fetch(&zeb, &link).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a second use");
    let left: Vec<_> = std::fs::read_dir(app.data_dir().join("exports"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "the fetched file is deleted: {left:?}");
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT outcome FROM audit_events WHERE action = 'personal_export' ORDER BY at, outcome",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(audited, ["requested", "downloaded"]);
    // The token is in no log line.
    let token = &link[LINK.len()..];
    assert!(!app.logs().contains(token), "the link's token was logged");

    // A made-up link answers the same.
    let (status, _, _) = fetch(&zeb, &format!("{LINK}{}", "A".repeat(43))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = fetch(&zeb, &format!("{LINK}nonsense")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_export_link_answers_404_after_24_hours() {
    let (app, sink) = start_with_mail().await;
    let db = app.database().await;
    let zeb = signed_in_browser_named(&app, &sink, ZEB, ZEB_NAME).await;
    let before = sink.mail_to(ZEB).len();
    let mail = ask_for_a_copy(&zeb, &sink, before + 1).await;
    let link = mail.link_path(LINK);
    let day_ago = jiff::Timestamp::now().as_second() - 24 * 60 * 60;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE exports SET expires_at = {day_ago}"
    )))
    .execute(&db)
    .await
    .unwrap();
    let (status, _, _) = fetch(&zeb, &link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Once that one is ready, he may ask for another, and that link works.
    let mail = ask_for_a_copy(&zeb, &sink, before + 2).await;
    let (status, _, zip) = fetch(&zeb, &mail.link_path(LINK)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(support::zip::unzip(&zip).len(), 2);
}

#[tokio::test]
async fn expired_copies_and_files_without_a_row_are_deleted_by_housekeeping() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    let (app, sink) = start_with_mail_and(TestApp::builder().data_dir(&data_dir)).await;
    let zeb = signed_in_browser_named(&app, &sink, ZEB, ZEB_NAME).await;
    let before = sink.mail_to(ZEB).len();
    ask_for_a_copy(&zeb, &sink, before + 1).await;
    let exports = data_dir.join("exports");
    let files = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        files(&exports).len(),
        1,
        "the copy waits in the data folder"
    );
    // A file left by a deleted account, and one being written as the job looks.
    let old = exports.join("0123456789abcdef0123456789abcdef.zip");
    std::fs::write(&old, b"old").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    std::fs::write(exports.join("fedcba9876543210fedcba9876543210.zip"), b"new").unwrap();
    let db = app.database().await;
    let now = jiff::Timestamp::now().as_second();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE exports SET expires_at = {now}"
    )))
    .execute(&db)
    .await
    .unwrap();
    db.close().await;
    let database_url = app.database_url().to_string();
    let stopped = app.stop();
    assert!(stopped.status.success(), "{stopped:?}");

    // Housekeeping runs as a server starts.
    let again = TestApp::builder()
        .data_dir(&data_dir)
        .env("DATABASE_URL", &database_url)
        .start();
    let db = again.database().await;
    for _ in 0..200 {
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exports")
            .fetch_one(&db)
            .await
            .unwrap();
        if rows == 0 && files(&exports).len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        files(&exports),
        ["fedcba9876543210fedcba9876543210.zip"],
        "the expired copy and the old file without a row are deleted, the new file kept"
    );
}
