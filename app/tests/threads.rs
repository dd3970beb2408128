//! Discussions as people hold them: starting a thread (errors and preview first), comments,
//! replies, mentions by email, edits with their history, reactions, deleting with the
//! placeholder left for replies, closing, pages of comments with "Jump to first unread",
//! moving, deleting and restoring a thread, and search; and that nobody reads or finds what
//! they may not see.
//!
//! Strategy: every step goes through the pages with `support::browser`, against the real
//! server and SQLite file, with mail read from a real SMTP sink.

mod support;

use reqwest::StatusCode;
use support::browser::{Reply, strip_tags};
use support::journey::{
    comment_id, create_group, post_comment, signed_in_browser_named, start_thread, start_with_mail,
};

fn text(reply: &Reply) -> String {
    strip_tags(&reply.body)
}

#[tokio::test]
async fn members_hold_a_discussion_with_comments_replies_mentions_edits_and_reactions() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Open Garden", "garden", "open").await;
    bob.submit("/g/garden", "/g/garden/join", &[]).await;

    // Every problem at once, answers kept; a preview saves nothing.
    let form = "/g/garden/threads/new";
    let empty = ann
        .submit(form, form, &[("title", " "), ("context", "kept *words*")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.title().unwrap().starts_with("Error: "));
    assert!(text(&empty).contains("Enter a title for the thread"));
    assert!(empty.body.contains("kept *words*</textarea>"));
    let preview = ann
        .submit(
            form,
            form,
            &[
                ("title", "Spring planting"),
                ("context", "# Plan\n\nWe *plant* in May."),
                ("visibility", "public"),
                ("intent", "preview"),
            ],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("<h3>Plan</h3>"), "{}", preview.body);
    assert!(preview.body.contains("<em>plant</em>"));
    assert!(preview.body.contains(r#"value="Spring planting""#));
    let db = app.database().await;
    let threads: i64 = sqlx::query_scalar("SELECT count(*) FROM threads")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(threads, 0, "a preview saves nothing");

    let thread = start_thread(
        &ann,
        "garden",
        "Spring planting",
        "# Plan\n\nWe *plant* in May.",
    )
    .await;
    let page = ann.get(&thread).await;
    assert_eq!(page.h1().as_deref(), Some("Spring planting"));
    // The context's heading sits under the page's h1; comments under "Comments" (h2).
    assert!(page.body.contains("<h2>Plan</h2>"), "{}", page.body);
    assert!(text(&page).contains("No comments yet."));
    assert!(text(&ann.get("/g/garden").await).contains("Spring planting"));

    // Bob comments and mentions Ann by her handle; she gets an email with a link to it.
    let handle: String =
        sqlx::query_scalar("SELECT handle FROM accounts WHERE email = 'ann@example.org'")
            .fetch_one(&db)
            .await
            .unwrap();
    let posted = post_comment(
        &bob,
        &thread,
        &format!("I can bring seeds, @{handle}. <script>alert(1)</script>"),
        None,
    )
    .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    assert!(posted.location().unwrap().contains("done=commented"));
    let first = comment_id(&posted);
    let mail = sink.wait_for_mail_to("ann@example.org", 2).await;
    assert!(
        mail.subject.contains("Bob Roe mentioned you in"),
        "{}",
        mail.subject
    );
    assert!(
        mail.text
            .contains(&format!("/t/{}/comments/{first}", &thread[3..])),
        "{}",
        mail.text
    );
    let page = ann.get(&thread).await;
    assert!(
        page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "raw HTML shows as text"
    );
    assert!(!page.body.contains("<script>alert"));
    assert!(page.body.contains(r#"<time datetime=""#));

    // Ann replies; the reply sits inside the comment it answers, one heading level down.
    let reply_page = ann
        .get(&format!("{thread}/comments/new?reply_to={first}"))
        .await;
    assert_eq!(reply_page.h1().as_deref(), Some("Reply to Bob Roe"));
    assert!(text(&reply_page).contains("I can bring seeds"));
    let replied = post_comment(&ann, &thread, "Thank you!", Some(&first)).await;
    let reply = comment_id(&replied);
    let page = bob.get(&thread).await;
    assert!(
        page.body.contains(r#"<div class="q-replies">"#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!(r#"<h4 id="comment-{reply}-heading""#))
    );

    // An empty comment is refused with the error pattern; a preview comes back unposted.
    let blank = post_comment(&bob, &thread, "  ", None).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&blank).contains("Write your comment"));
    let previewed = bob
        .submit(
            &thread,
            &format!("{thread}/comments"),
            &[("body", "**Soon**"), ("intent", "preview")],
        )
        .await;
    assert_eq!(previewed.status, StatusCode::OK);
    assert!(previewed.body.contains("<strong>Soon</strong>"));
    assert!(previewed.body.contains("**Soon**</textarea>"));

    // Bob edits his comment: marked edited, both versions in its history.
    let edit = format!("{thread}/comments/{first}/edit");
    assert_eq!(
        ann.get(&edit).await.status,
        StatusCode::NOT_FOUND,
        "not Ann's to edit"
    );
    let edited = bob
        .submit(&edit, &edit, &[("body", "I can bring seeds and tools.")])
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let page = bob.get(&thread).await;
    assert!(text(&page).contains("Edited"));
    let history = ann.get(&format!("{thread}/comments/{first}/history")).await;
    assert!(text(&history).contains("2 versions, newest first."));
    assert!(text(&history).contains("I can bring seeds and tools."));
    assert!(text(&history).contains("I can bring seeds,"));

    // Reactions are named in words, toggled by the same button.
    let react = format!("{thread}/comments/{first}/react");
    let reacted = ann.submit(&thread, &react, &[("reaction", "agree")]).await;
    assert_eq!(reacted.status, StatusCode::SEE_OTHER, "{}", reacted.body);
    let page = bob.get(&thread).await;
    assert!(text(&page).contains("Agree 1"), "{}", text(&page));
    ann.submit(&thread, &react, &[("reaction", "agree")]).await;
    assert!(!text(&bob.get(&thread).await).contains("Agree 1"));
    assert_eq!(
        ann.submit(&thread, &react, &[("reaction", "love")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Deleting a comment with a reply leaves a placeholder; deleting the reply removes both.
    let delete = format!("{thread}/comments/{first}/delete");
    assert!(text(&bob.get(&delete).await).contains("Are you sure"));
    bob.submit(&delete, &delete, &[]).await;
    let page = ann.get(&thread).await;
    assert!(text(&page).contains("This comment was deleted."));
    assert!(!text(&page).contains("seeds"));
    assert!(text(&page).contains("Thank you!"));
    let delete_reply = format!("{thread}/comments/{reply}/delete");
    ann.submit(&delete_reply, &delete_reply, &[]).await;
    let page = ann.get(&thread).await;
    assert!(text(&page).contains("No comments yet."), "{}", text(&page));
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM comments")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(left, 0);

    // Closed: no comments; reopened: comments again.
    let closed = ann.submit(&thread, &format!("{thread}/close"), &[]).await;
    assert_eq!(
        closed.location(),
        Some(format!("{thread}?done=closed").as_str())
    );
    let token = bob.csrf_token(&thread).await;
    let refused = bob
        .send_and_read(bob.post_with_token(&format!("{thread}/comments"), &token, "body=late"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&refused).contains("This thread has been closed"));
    assert!(text(&bob.get(&thread).await).contains("This thread is closed"));
    ann.submit(&thread, &format!("{thread}/reopen"), &[]).await;
    assert_eq!(
        post_comment(&bob, &thread, "Back again", None).await.status,
        StatusCode::SEE_OTHER
    );

    // The thread's own edits are versions too.
    let edit_thread = format!("{thread}/edit");
    assert_eq!(bob.get(&edit_thread).await.status, StatusCode::NOT_FOUND);
    ann.submit(
        &edit_thread,
        &edit_thread,
        &[
            ("title", "Spring planting day"),
            ("context", "We plant on 3 May."),
            ("visibility", "public"),
        ],
    )
    .await;
    let history = bob.get(&format!("{thread}/history")).await;
    assert!(text(&history).contains("Title: Spring planting day"));
    assert!(text(&history).contains("Title: Spring planting"));
}

#[tokio::test]
async fn closed_and_private_threads_are_not_found_by_outsiders_and_search_respects_it() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let eve = signed_in_browser_named(&app, &sink, "eve@example.org", "Eve Doe").await;
    let anonymous = app.browser();
    create_group(&ann, "Closed Kitchen", "kitchen", "closed").await;
    create_group(&ann, "Open Garden", "garden", "open").await;
    let closed = start_thread(&ann, "kitchen", "Zucchini secrets", "Our zucchini recipe.").await;
    post_comment(&ann, &closed, "More zucchini in comments", None).await;
    let public = start_thread(&ann, "garden", "Public zucchini swap", "Bring zucchini.").await;
    let page = "/g/garden/threads/new";
    let private_started = ann
        .submit(
            page,
            page,
            &[
                ("title", "Members zucchini plans"),
                ("context", "x"),
                ("visibility", "private"),
            ],
        )
        .await;
    let private = private_started
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();

    for who in [&eve, &anonymous] {
        for path in [
            closed.clone(),
            format!("{closed}/print"),
            format!("{closed}/history"),
            format!("{closed}/comments/new"),
            format!("{closed}/edit"),
            private.clone(),
            format!("{private}/print"),
            "/g/kitchen/threads".to_string(),
            "/t/00000000000000000000000000000000".to_string(),
        ] {
            let reply = who.get(&path).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!reply.body.contains("zucchini"), "{path}");
        }
    }
    assert_eq!(anonymous.get(&public).await.status, StatusCode::OK);

    // Search finds only what the searcher may read, and counts nothing else.
    let results = |reply: &Reply| text(reply);
    let eve_search = eve.get("/search?q=zucchini").await;
    assert!(
        results(&eve_search).contains("1 result."),
        "{}",
        results(&eve_search)
    );
    assert!(results(&eve_search).contains("Public zucchini swap"));
    assert!(!results(&eve_search).contains("secrets"));
    assert!(!results(&eve_search).contains("Members zucchini"));
    let anonymous_search = anonymous.get("/search?q=ZUCCHINI").await;
    assert!(results(&anonymous_search).contains("1 result."));
    let ann_search = ann.get("/search?q=zucchini").await;
    assert!(
        results(&ann_search).contains("4 results"),
        "{}",
        results(&ann_search)
    );
    assert!(ann_search.body.contains("<mark>"), "matches are marked");
    let in_kitchen = ann.get("/search?q=zucchini&group=kitchen").await;
    assert!(
        results(&in_kitchen).contains("2 results"),
        "{}",
        results(&in_kitchen)
    );
    assert!(
        results(&eve.get("/search?q=zucchini&group=kitchen").await)
            .contains("No threads or comments match")
    );
    // Search syntax is never interpreted, and empty searches get the error pattern.
    let syntax = ann.get("/search?q=zucchini%22%20OR%20NEAR(").await;
    assert_eq!(syntax.status, StatusCode::OK);
    let blank = ann.get("/search?q=%20%2A%20").await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&blank).contains("Enter one or more words to search for"));

    // A deleted thread leaves search at once; a restored one comes back.
    let delete = format!("{closed}/delete");
    ann.submit(&delete, &delete, &[]).await;
    assert_eq!(ann.get(&closed).await.status, StatusCode::NOT_FOUND);
    assert!(results(&ann.get("/search?q=zucchini").await).contains("2 results"));
    let deleted = ann.get("/g/kitchen/threads/deleted").await;
    assert!(
        text(&deleted).contains("Zucchini secrets"),
        "{}",
        deleted.body
    );
    let id = &closed[3..];
    let restored = ann
        .submit(
            "/g/kitchen/threads/deleted",
            &format!("/g/kitchen/threads/deleted/{id}/restore"),
            &[],
        )
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
    assert!(results(&ann.get("/search?q=zucchini").await).contains("4 results"));
    assert_eq!(
        eve.get("/g/kitchen/threads/deleted").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn comments_come_in_pages_and_a_returning_reader_can_jump_to_the_first_unread() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Open Garden", "garden", "open").await;
    bob.submit("/g/garden", "/g/garden/join", &[]).await;
    let thread = start_thread(&ann, "garden", "Long talk", "").await;
    let mut first = String::new();
    for n in 1..=30 {
        let posted = post_comment(&ann, &thread, &format!("Comment number {n}"), None).await;
        if n == 1 {
            first = comment_id(&posted);
        }
    }
    let page = bob.get(&thread).await;
    assert!(text(&page).contains("30 comments. Page 1 of 2."));
    assert!(text(&page).contains("Comment number 25"));
    assert!(!text(&page).contains("Comment number 26"));
    assert!(page.body.contains(r#"aria-label="Pages of comments""#));
    let second = bob.get(&format!("{thread}?page=2")).await;
    assert!(text(&second).contains("Comment number 30"));
    assert_eq!(
        bob.get(&format!("{thread}?page=3")).await.status,
        StatusCode::NOT_FOUND
    );

    // Bob has read both pages. A reply to the first comment lands on page 1, a new comment
    // on page 2: the first unread in reading order is the reply.
    let replied = post_comment(&ann, &thread, "A late reply", Some(&first)).await;
    let reply = comment_id(&replied);
    post_comment(&ann, &thread, "Comment number 31", None).await;
    let back = bob.get(&thread).await;
    assert!(
        text(&back).contains("2 unread comments."),
        "{}",
        text(&back)
    );
    assert!(
        back.body.contains(&format!(
            r##"href="/t/{}#comment-{reply}">Jump to first unread"##,
            &thread[3..]
        )),
        "{}",
        back.body
    );
    // Links to a comment find its page.
    let go = bob.get(&format!("{thread}/comments/{first}")).await;
    assert_eq!(go.status, StatusCode::SEE_OTHER);
    assert_eq!(
        go.location(),
        Some(format!("{thread}#comment-{first}").as_str())
    );
    let list = bob.get("/g/garden/threads").await;
    assert!(
        text(&list).contains("1 new since you last read it"),
        "{}",
        text(&list)
    );
}

#[tokio::test]
async fn admins_pin_move_and_authors_delete_their_threads() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Open Garden", "garden", "open").await;
    create_group(&ann, "Closed Kitchen", "kitchen", "closed").await;
    bob.submit("/g/garden", "/g/garden/join", &[]).await;
    let older = start_thread(&bob, "garden", "Bob's question", "").await;
    start_thread(&ann, "garden", "Newer news", "").await;

    // Pinning is for admins; the pinned thread comes first.
    let token = bob.csrf_token(&older).await;
    let pin = bob
        .send_and_read(bob.post_with_token(&format!("{older}/pin"), &token, ""))
        .await;
    assert_eq!(pin.status, StatusCode::NOT_FOUND);
    ann.submit(&older, &format!("{older}/pin"), &[]).await;
    let list = text(&bob.get("/g/garden/threads").await);
    assert!(
        list.find("Bob's question").unwrap() < list.find("Newer news").unwrap(),
        "{list}"
    );

    // A thread an admin closed stays closed until an admin reopens it, even for its author.
    ann.submit(&older, &format!("{older}/close"), &[]).await;
    let closed_page = bob.get(&older).await;
    assert!(!closed_page.body.contains("Reopen the thread"));
    let token = bob.csrf_token(&older).await;
    bob.send_and_read(bob.post_with_token(&format!("{older}/reopen"), &token, ""))
        .await;
    assert!(text(&bob.get(&older).await).contains("This thread is closed"));
    ann.submit(&older, &format!("{older}/reopen"), &[]).await;

    // Moving takes everyone's comments elsewhere, so it is for admins of both groups. Ann
    // moves it to her closed group, where it becomes members only: same address, and Bob, who
    // is not a member there, can no longer read it.
    assert_eq!(
        bob.get(&format!("{older}/move")).await.status,
        StatusCode::NOT_FOUND
    );
    let nowhere = ann
        .submit(&format!("{older}/move"), &format!("{older}/move"), &[])
        .await;
    assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&nowhere).contains("Choose the group to move the thread to"));
    let moved = ann
        .submit(
            &format!("{older}/move"),
            &format!("{older}/move"),
            &[("group", "kitchen")],
        )
        .await;
    assert_eq!(
        moved.location(),
        Some(format!("{older}?done=moved").as_str())
    );
    assert!(text(&ann.get(&older).await).contains("Closed Kitchen"));
    assert_eq!(bob.get(&older).await.status, StatusCode::NOT_FOUND);

    // Authors delete their own threads, after a page that asks to confirm.
    let own = start_thread(&bob, "garden", "Mistake", "").await;
    let delete = format!("{own}/delete");
    assert!(text(&bob.get(&delete).await).contains("can restore it for 30 days"));
    let deleted = bob.submit(&delete, &delete, &[]).await;
    assert_eq!(
        deleted.location(),
        Some("/g/garden/threads?done=thread-deleted")
    );
    assert_eq!(bob.get(&own).await.status, StatusCode::NOT_FOUND);
    let db = app.database().await;
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action IN ('thread_moved', 'thread_deleted')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(audited, 3, "a move is logged in both groups");
}

#[tokio::test]
async fn a_handle_shown_as_code_mentions_nobody() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Code Club", "code", "open").await;
    bob.submit("/g/code", "/g/code/join", &[]).await;
    let thread = start_thread(&ann, "code", "Commit messages", "").await;
    let db = app.database().await;
    let handle: String =
        sqlx::query_scalar("SELECT handle FROM accounts WHERE email = 'ann@example.org'")
            .fetch_one(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    let signed_in_mail = sink.mail_to("ann@example.org").len();

    let code = format!("Try `git log --author=@{handle}`, or:\n\n```\n@{handle} wrote this\n```");
    let shown = post_comment(&bob, &thread, &code, None).await;
    assert_eq!(shown.status, StatusCode::SEE_OTHER, "{}", shown.body);
    let meant = post_comment(&bob, &thread, &format!("Thanks, @{handle}!"), None).await;
    assert_eq!(meant.status, StatusCode::SEE_OTHER, "{}", meant.body);
    let meant = comment_id(&meant);

    // Mail goes out in the order written: the one email is for the comment that meant it.
    let mail = sink
        .wait_for_mail_to("ann@example.org", signed_in_mail + 1)
        .await;
    assert!(
        mail.text.contains(&format!("/comments/{meant}")),
        "{}",
        mail.text
    );
    let page = ann.get(&thread).await;
    assert!(
        page.body
            .contains(&format!("<code>git log --author=@{handle}</code>"))
    );
    assert_eq!(sink.mail_to("ann@example.org").len(), signed_in_mail + 1);
}
