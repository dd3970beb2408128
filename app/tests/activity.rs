//! A group's recent activity and the dashboard tell of what members wrote and decided: new
//! threads, comments, polls and outcomes, each a link that says where it leads; only what the
//! reader may read (never a private thread to an outsider, never a deleted comment or thread);
//! and in pages, older lines a link away.
//!
//! Strategy: people act through the pages with `support::browser`, against the real server and
//! database, and each list is read as its reader gets it.

mod support;

use reqwest::StatusCode;
use support::browser::{Reply, strip_tags};
use support::journey::{
    comment_id, create_group, post_comment, signed_in_browser_named, start_poll, start_thread,
    start_with_mail,
};

fn text(reply: &Reply) -> String {
    strip_tags(&reply.body)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The activity section of a page: from its heading to the end of the page's main content.
fn activity(reply: &Reply) -> String {
    let words = text(reply);
    let start = words
        .find("Recent activity")
        .unwrap_or_else(|| panic!("no activity on the page: {words}"));
    words[start..].to_string()
}

#[tokio::test]
async fn threads_comments_polls_and_outcomes_show_as_activity_to_those_who_may_read_them() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Ray").await;
    let eve = signed_in_browser_named(&app, &sink, "eve@example.org", "Eve Doe").await;
    create_group(&ann, "Open Garden", "garden", "open").await;
    let joined = bob.submit("/g/garden", "/g/garden/join", &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);

    let thread = start_thread(&ann, "garden", "Seed swap", "Bring seeds.").await;
    let comment = comment_id(&post_comment(&bob, &thread, "I have beans.", None).await);
    let page = "/g/garden/threads/new";
    let private = ann
        .submit(
            page,
            page,
            &[
                ("title", "Members only plans"),
                ("context", "Not for everyone."),
                ("visibility", "private"),
            ],
        )
        .await;
    assert_eq!(private.status, StatusCode::SEE_OTHER, "{}", private.body);
    let poll = start_poll(
        &ann,
        &thread,
        "proposal",
        &[("title", "Swap in May?"), ("template", "consensus")],
    )
    .await;
    let closed = ann
        .submit(&format!("{poll}/close"), &format!("{poll}/close"), &[])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let outcome = format!("{poll}/outcome");
    let decided = ann
        .submit(&outcome, &outcome, &[("statement", "We swap in May.")])
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", text(&decided));

    // A member's dashboard tells all of it, newest first, each line with its group.
    let dashboard = bob.get("/dashboard").await;
    let lines = activity(&dashboard);
    let expected = [
        "Ann Lee shared the outcome of \u{201c}Swap in May?\u{201d} in Open Garden.",
        "Ann Lee started the poll \u{201c}Swap in May?\u{201d} in \u{201c}Seed swap\u{201d} in Open Garden.",
        "Ann Lee started the thread \u{201c}Members only plans\u{201d} in Open Garden.",
        "Bob Ray wrote comment 1 on \u{201c}Seed swap\u{201d} in Open Garden.",
        "Ann Lee started the thread \u{201c}Seed swap\u{201d} in Open Garden.",
        "Bob Ray joined in Open Garden.",
        "Ann Lee created the group in Open Garden.",
    ];
    let mut from = 0;
    for line in expected {
        let at = lines[from..]
            .find(line)
            .unwrap_or_else(|| panic!("{line:?} not found in order in: {lines}"));
        from += at + line.len();
    }
    // Each line links to what it tells of, with words that say so.
    for link in [
        format!(r#"<a href="{thread}">“Seed swap”</a>"#),
        format!(r#"<a href="{thread}/comments/{comment}">comment 1 on “Seed swap”</a>"#),
        format!(r#"<a href="{poll}">“Swap in May?”</a>"#),
    ] {
        assert!(
            dashboard.body.contains(&link),
            "{link} in {}",
            dashboard.body
        );
    }
    // The group page tells the same, without naming the group on every line.
    let group = activity(&bob.get("/g/garden").await);
    assert!(
        group.contains("Bob Ray wrote comment 1 on \u{201c}Seed swap\u{201d}."),
        "{group}"
    );

    // Someone outside the group never learns of its private thread, wherever activity shows.
    let outside = eve.get("/g/garden").await;
    assert_eq!(outside.status, StatusCode::OK);
    assert!(!text(&outside).contains("Members only plans"));
    assert!(!text(&app.browser().get("/g/garden").await).contains("Members only plans"));
    assert!(!text(&eve.get("/dashboard").await).contains("Seed swap"));

    // A deleted comment's line goes with it; a deleted thread takes all its lines.
    let delete = format!("{thread}/comments/{comment}/delete");
    let deleted = bob.submit(&delete, &delete, &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    let lines = activity(&bob.get("/dashboard").await);
    assert!(!lines.contains("wrote comment 1"), "{lines}");
    assert!(lines.contains("started the thread \u{201c}Seed swap\u{201d}"));
    let delete = format!("{thread}/delete");
    let deleted = ann.submit(&delete, &delete, &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    let lines = activity(&bob.get("/dashboard").await);
    assert!(!lines.contains("Seed swap"), "{lines}");
    assert!(!lines.contains("Swap in May?"), "{lines}");
    assert!(lines.contains("Members only plans"), "{lines}");
}

#[tokio::test]
async fn long_activity_comes_in_pages_with_older_lines_a_link_away() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Busy Group", "busy", "closed").await;
    let thread = start_thread(&ann, "busy", "Long talk", "Many words.").await;
    for n in 1..=25 {
        let posted = post_comment(&ann, &thread, &format!("Point number {n}."), None).await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    }

    // 27 lines: the group, the thread, 25 comments. The dashboard shows 20 at a time.
    let first = ann.get("/dashboard").await;
    let lines = activity(&first);
    assert!(lines.contains("wrote comment 25 on"), "{lines}");
    assert!(lines.contains("wrote comment 6 on"), "{lines}");
    assert!(!lines.contains("wrote comment 5 on"), "{lines}");
    assert!(!first.body.contains("Newest activity"));
    let older_link = first
        .body
        .split("<a ")
        .find(|tag| tag.contains(">Older activity<"))
        .unwrap_or_else(|| panic!("no link to older activity: {}", first.body));
    let older = support::browser::attribute(&format!("<a {older_link}"), "href").unwrap();
    let second = ann.get(&older).await;
    assert_eq!(second.status, StatusCode::OK);
    let lines = activity(&second);
    for n in 1..=5 {
        assert!(lines.contains(&format!("wrote comment {n} on")), "{lines}");
    }
    assert!(
        !lines.contains("wrote comment 6 on"),
        "no line twice: {lines}"
    );
    assert!(lines.contains("started the thread"), "{lines}");
    assert!(lines.contains("created the group"), "{lines}");
    assert!(!second.body.contains(">Older activity<"), "the last page");
    assert!(second.body.contains(">Newest activity<"));

    // The group page pages the same way, ten lines at a time.
    let group = ann.get("/g/busy").await;
    assert!(group.body.contains(">Older activity<"));
    assert!(activity(&group).contains("wrote comment 16 on"));
    assert!(!activity(&group).contains("wrote comment 15 on"));

    // A link made by hand that is not a place in the list shows the newest lines.
    for bad in ["x", "1.", ".abc", "12.a%20b", "99999999999999999999.abc"] {
        let reply = ann.get(&format!("/dashboard?before={bad}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{bad}");
        assert!(activity(&reply).contains("wrote comment 25 on"), "{bad}");
    }
}
