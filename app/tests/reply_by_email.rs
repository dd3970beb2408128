//! Reply by email, as people and mail servers use it: a notification email carries a reply
//! address of its own; a reply sent to it over real SMTP (lettre as the sending server) or
//! piped to `POST /inbound/email` becomes a comment by that person in that thread, with only
//! their own words; a copy sent again posts once; an HTML-only reply becomes safe Markdown;
//! every refusal (a forged token, someone else's, an old one, a used one, a closed thread, a
//! lost membership) gets one short bounce and posts nothing; auto-replies get nothing.
//!
//! Strategy: each test starts the real server with reply by email on and a real SMTP sink for
//! what Quorum sends. Inbound mail is handled before the SMTP `250` or the HTTP `202` is
//! answered, so once `send` returns, the comment is posted or the bounce is in the outbox:
//! what was posted is read from the thread page and the database, bounces from the sink.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use reqwest::StatusCode;
use sqlx::Row;
use support::browser::{Browser, strip_tags};
use support::inbox::{Mail, header};
use support::journey::{
    comment_id, create_group, post_comment, signed_in_browser_named, start_thread,
    start_with_mail_and,
};
use support::smtp::SmtpSink;
use support::{TestApp, count};

const SECRET: &str = "a-test-secret-of-enough-length";
const BOB: &str = "bob@example.org";
const ANN: &str = "ann@example.org";
const BOUNCE_SUBJECT: &str = "Your reply was not posted";
const TITLE: &str = "Spring planting";

/// A server with reply by email on, two members of an open group, a thread by Ann with a
/// comment by Bob that Ann replied to, and the email that told Bob.
struct Scene {
    app: TestApp,
    sink: SmtpSink,
    ann: Browser,
    thread: String,
    /// Bob's comment, which Ann replied to (Bob's email is about her reply).
    bob_comment: String,
    /// The reply address of Bob's email.
    reply_to: String,
    smtp_port: u16,
}

async fn scene() -> Scene {
    let builder = TestApp::builder()
        .env("QUORUM_MAIL_FROM", "Quorum <quorum@quorum.test>")
        .env("QUORUM_INBOUND_SMTP_ADDR", "127.0.0.1:0")
        .env("QUORUM_INBOUND_SECRET", SECRET);
    let (app, sink) = start_with_mail_and(builder).await;
    let log = app.wait_for_log("receiving replies by SMTP on ");
    let smtp_port = support::between(&log, "receiving replies by SMTP on 127.0.0.1:", "\n")
        .and_then(|port| port.trim().parse().ok())
        .unwrap();
    let ann = signed_in_browser_named(&app, &sink, ANN, "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, BOB, "Bob Roe").await;
    create_group(&ann, "Open Garden", "garden", "open").await;
    let joined = bob.submit("/g/garden", "/g/garden/join", &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let thread = start_thread(&ann, "garden", TITLE, "Who brings what?").await;
    let bob_comment = comment_id(&post_comment(&bob, &thread, "I have a spade.", None).await);
    let replied = post_comment(&ann, &thread, "Seeds too?", Some(&bob_comment)).await;
    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.body);
    let mail = mail_with_reply_to(&sink, BOB).await;
    assert!(
        mail.subject.contains("Ann Lee replied to you"),
        "{}",
        mail.subject
    );
    assert!(
        mail.text.contains("Reply to this email to add a comment"),
        "{}",
        mail.text
    );
    let reply_to = header(&mail.raw, "Reply-To").unwrap();
    assert!(
        reply_to.starts_with("reply+") && reply_to.ends_with("@quorum.test"),
        "{reply_to}"
    );
    Scene {
        app,
        sink,
        ann,
        thread,
        bob_comment,
        reply_to,
        smtp_port,
    }
}

/// Waits for an email to `address` that carries a reply address.
async fn mail_with_reply_to(sink: &SmtpSink, address: &str) -> Mail {
    let deadline = Instant::now() + support::inbox::MAIL_TIMEOUT;
    loop {
        if let Some(mail) = sink
            .mail_to(address)
            .into_iter()
            .find(|mail| header(&mail.raw, "Reply-To").is_some())
        {
            return mail;
        }
        assert!(Instant::now() < deadline, "no email with a Reply-To came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn transport(port: u16) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .timeout(Some(Duration::from_secs(20)))
        .build()
}

/// A raw message: `headers` (CRLF line ends added) and a body.
fn raw(headers: &[&str], body: &str) -> String {
    let mut message = headers.join("\r\n");
    message.push_str("\r\n\r\n");
    message.push_str(&body.replace("\r\n", "\n").replace('\n', "\r\n"));
    message
}

/// A plain-text reply from `from` to `to`.
fn reply(from: &str, to: &str, id: &str, body: &str) -> String {
    raw(
        &[
            &format!("From: Someone <{from}>"),
            &format!("To: <{to}>"),
            &format!("Message-ID: <{id}>"),
            "Subject: Re: Ann Lee replied to you",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ],
        body,
    )
}

/// Sends `message` by SMTP with the envelope `from` → `to` (`from` empty: the null sender).
async fn send_smtp(port: u16, from: &str, to: &str, message: &str) -> Result<(), String> {
    let sender = (!from.is_empty()).then(|| from.parse::<Address>().unwrap());
    let envelope = Envelope::new(sender, vec![to.parse().unwrap()]).unwrap();
    transport(port)
        .send_raw(&envelope, message.as_bytes())
        .await
        .map(|_| ())
        .map_err(|error| error.to_string())
}

async fn post_http(app: &TestApp, secret: Option<&str>, query: &str, body: &str) -> StatusCode {
    let mut request = app
        .client()
        .post(app.url(&format!("/inbound/email{query}")))
        .header("content-type", "message/rfc822")
        .body(body.to_string());
    if let Some(secret) = secret {
        request = request.bearer_auth(secret);
    }
    request.send().await.unwrap().status()
}

/// The thread's comments as (author's email, body, parent id), in order.
async fn comments(app: &TestApp, thread: &str) -> Vec<(String, String, Option<String>)> {
    let db = app.database().await;
    sqlx::query(
        "SELECT a.email, c.body, c.parent_id FROM comments c JOIN accounts a ON a.id = c.author_id \
         WHERE c.thread_id = $1 ORDER BY c.seq",
    )
    .bind(thread.trim_start_matches("/t/"))
    .fetch_all(&db)
    .await
    .unwrap()
    .into_iter()
    .map(|row| (row.get(0), row.get(1), row.get(2)))
    .collect()
}

/// How each inbound message ended, as `outcome:reason`, sorted.
async fn outcomes(app: &TestApp) -> Vec<String> {
    let db = app.database().await;
    let mut found: Vec<String> = sqlx::query("SELECT outcome, reason FROM inbound_mail")
        .fetch_all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let (outcome, reason): (String, Option<String>) = (row.get(0), row.get(1));
            format!("{outcome}:{}", reason.unwrap_or_default())
        })
        .collect();
    found.sort();
    found
}

/// Emails written to `address` so far (sent or waiting): a bounce is written before the
/// inbound message is answered, so this counts it at once.
async fn outbox_count(app: &TestApp, address: &str) -> i64 {
    let db = app.database().await;
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE recipient = $1")
        .bind(address)
        .fetch_one(&db)
        .await
        .unwrap()
}

fn bounces(sink: &SmtpSink, address: &str) -> Vec<Mail> {
    sink.mail_to(address)
        .into_iter()
        .filter(|mail| mail.subject == BOUNCE_SUBJECT)
        .collect()
}

/// Waits for the `n`th bounce to `address` and returns it.
async fn nth_bounce(sink: &SmtpSink, address: &str, n: usize) -> Mail {
    let deadline = Instant::now() + support::inbox::MAIL_TIMEOUT;
    loop {
        let mut found = bounces(sink, address);
        if found.len() >= n {
            return found.swap_remove(n - 1);
        }
        assert!(
            Instant::now() < deadline,
            "bounce {n} to {address} never came"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The reply address with its token's last character changed.
fn forged(reply_to: &str) -> String {
    let (local, domain) = reply_to.split_once('@').unwrap();
    let last = local.chars().last().unwrap();
    let other = if last == '0' { '1' } else { '0' };
    format!("{}{other}@{domain}", &local[..local.len() - 1])
}

#[tokio::test]
async fn a_reply_by_smtp_posts_only_the_persons_words_once_as_their_comment() {
    let scene = scene().await;
    let (app, port, to) = (&scene.app, scene.smtp_port, scene.reply_to.as_str());
    let before = comments(app, &scene.thread).await.len();
    let words = "I can bring the seeds.  \nAnd a rake.";
    let body = format!(
        "{words}\n\nOn Mon, 3 Jun 2024 at 10:02, Quorum <{to}> wrote:\n\
         > Ann Lee replied to your comment in \u{201c}{TITLE}\u{201d}\n> Seeds too?\n\n\
         -- \nBob Roe\nThe Allotment Society\n"
    );
    let message = reply(BOB, to, "first@mail.example.org", &body);
    send_smtp(port, BOB, to, &message).await.unwrap();

    let posted = comments(app, &scene.thread).await;
    assert_eq!(posted.len(), before + 1, "{posted:?}");
    let (author, text, parent) = posted.last().unwrap().clone();
    assert_eq!(author, BOB);
    assert_eq!(text, "I can bring the seeds.\nAnd a rake.");
    // A reply to the comment the email was about, among the replies to Bob's comment.
    assert_eq!(parent.as_deref(), Some(scene.bob_comment.as_str()));
    let page = scene.ann.get(&scene.thread).await;
    let page_text = strip_tags(&page.body);
    assert!(page_text.contains("I can bring the seeds."), "{page_text}");
    assert!(page_text.contains("Bob Roe"));
    for gone in ["The Allotment Society", "On Mon, 3 Jun 2024", "reply+"] {
        assert!(!page.body.contains(gone), "{gone:?} is on the page");
    }

    // The same message again (an MTA retrying), by SMTP and through the endpoint: once.
    send_smtp(port, BOB, to, &message).await.unwrap();
    assert_eq!(
        post_http(app, Some(SECRET), "", &message).await,
        StatusCode::ACCEPTED
    );
    assert_eq!(comments(app, &scene.thread).await.len(), before + 1);
    assert_eq!(
        count(
            &scene.ann.get(&scene.thread).await.body,
            "I can bring the seeds."
        ),
        1
    );
    assert!(bounces(&scene.sink, BOB).is_empty());

    // A second, new message through the same address is a replay: one bounce, nothing posted.
    let again = reply(BOB, to, "second@mail.example.org", "One more thing.");
    send_smtp(port, BOB, to, &again).await.unwrap();
    assert_eq!(comments(app, &scene.thread).await.len(), before + 1);
    let bounce = nth_bounce(&scene.sink, BOB, 1).await;
    assert!(
        bounce.text.contains("replied to this email already"),
        "{}",
        bounce.text
    );
    assert!(bounce.text.contains("newer email"), "{}", bounce.text);
    assert_eq!(
        header(&bounce.raw, "In-Reply-To").as_deref(),
        Some("<second@mail.example.org>")
    );
    assert_eq!(outcomes(app).await, ["posted:", "refused:replayed"]);

    // Only reply addresses are taken.
    for stranger in ["someone@quorum.test", "reply+abc.def@elsewhere.test"] {
        let refused = send_smtp(port, BOB, stranger, &reply(BOB, stranger, "x@y", "hi")).await;
        let error = refused.unwrap_err();
        assert!(error.contains("550"), "{error}");
    }

    // The log says what happened, never who, to which address, or what they wrote.
    let log = app.logs();
    assert!(log.contains("inbound mail handled"), "{log}");
    let token = to.split('@').next().unwrap();
    for secret in [token, "I can bring the seeds", "first@mail.example.org"] {
        assert!(!log.contains(secret), "the log holds {secret:?}");
    }
}

#[tokio::test]
async fn an_html_only_reply_through_the_endpoint_becomes_safe_markdown() {
    let scene = scene().await;
    let (app, to) = (&scene.app, scene.reply_to.as_str());
    let html = "<html><head><style>p{color:red}</style></head><body>\
        <p>Yes, <b>let's</b> <a href=\"https://example.org/plan\">see the plan</a>.</p>\
        <p><a href=\"javascript:alert(1)\">harmless</a> &lt;script&gt;x&lt;/script&gt;</p>\
        <script>alert('gotcha')</script><img src=x onerror=alert(2)>\
        <div class=\"gmail_quote\">On Mon, Quorum wrote:<blockquote>Words of the quoted email</blockquote></div>\
        </body></html>";
    let message = raw(
        &[
            &format!("From: Bob Roe <{BOB}>"),
            // Only `?to=` names the reply address (as for a copy sent by Bcc).
            "To: Quorum <quorum@quorum.test>",
            "Message-ID: <html@mail.example.org>",
            "Subject: Re: Ann Lee replied to you",
            "MIME-Version: 1.0",
            "Content-Type: text/html; charset=utf-8",
        ],
        html,
    );
    // The secret is needed, and must be right.
    assert_eq!(
        post_http(app, None, "", &message).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post_http(app, Some("a-wrong-secret-of-some-length"), "", &message).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(comments(app, &scene.thread).await.len(), 2);
    let too_big = format!("{message}{}", "x".repeat(1024 * 1024));
    assert_eq!(
        post_http(app, Some(SECRET), "", &too_big).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );

    // As a mail server writes it: the `+` unencoded.
    let query = format!("?to={to}");
    assert_eq!(
        post_http(app, Some(SECRET), &query, &message).await,
        StatusCode::ACCEPTED
    );
    let posted = comments(app, &scene.thread).await;
    assert_eq!(posted.len(), 3, "{posted:?}");
    let (author, body, _) = posted.last().unwrap();
    assert_eq!(author, BOB);
    assert_eq!(
        body,
        "Yes, let's [see the plan](https://example.org/plan).\n\n\
         harmless &lt;script&gt;x&lt;/script&gt;"
    );
    let page = scene.ann.get(&scene.thread).await;
    assert!(
        page.body.contains(r#"<a href="https://example.org/plan""#),
        "{}",
        page.body
    );
    for unsafe_bit in [
        "<script>x",
        "alert",
        "javascript:",
        "onerror",
        "Words of the quoted",
    ] {
        assert!(!page.body.contains(unsafe_bit), "{unsafe_bit:?} survived");
    }
    assert!(
        page.body
            .contains("harmless &lt;script&gt;x&lt;/script&gt;"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn each_refusal_gets_one_short_bounce_and_posts_nothing() {
    let scene = scene().await;
    let (app, sink, port, to) = (
        &scene.app,
        &scene.sink,
        scene.smtp_port,
        scene.reply_to.as_str(),
    );
    let db = app.database().await;
    let before = comments(app, &scene.thread).await.len();
    let mut bounced = 0;
    let notification_id = to
        .trim_start_matches("reply+")
        .split('.')
        .next()
        .unwrap()
        .to_string();

    // A forged token.
    let forged = forged(to);
    send_smtp(
        port,
        BOB,
        &forged,
        &reply(BOB, &forged, "forged@m", "Sneaky"),
    )
    .await
    .unwrap();
    bounced += 1;
    let bounce = nth_bounce(sink, BOB, bounced).await;
    assert!(bounce.text.contains("not valid for you"), "{}", bounce.text);

    // Bob's token from someone else's address: told only that it is not valid for them.
    let carol = "carol@example.net";
    send_smtp(port, carol, to, &reply(carol, to, "carol@m", "Me too"))
        .await
        .unwrap();
    let bounce = nth_bounce(sink, carol, 1).await;
    assert!(bounce.text.contains("not valid for you"), "{}", bounce.text);
    for secret in [TITLE, "Garden", "Bob", "/t/"] {
        assert!(
            !bounce.text.contains(secret),
            "the bounce tells a stranger {secret:?}"
        );
    }

    // An expired address (its email written 61 days ago).
    sqlx::query("UPDATE notifications SET created_at = created_at - $1 WHERE id = $2")
        .bind(61_i64 * 86_400)
        .bind(&notification_id)
        .execute(&db)
        .await
        .unwrap();
    send_smtp(port, BOB, to, &reply(BOB, to, "expired@m", "Late words"))
        .await
        .unwrap();
    bounced += 1;
    let bounce = nth_bounce(sink, BOB, bounced).await;
    assert!(
        bounce.text.contains("more than 60 days old"),
        "{}",
        bounce.text
    );
    assert!(
        bounce.text.contains("Reply to a newer email"),
        "{}",
        bounce.text
    );
    sqlx::query("UPDATE notifications SET created_at = created_at + $1 WHERE id = $2")
        .bind(61_i64 * 86_400)
        .bind(&notification_id)
        .execute(&db)
        .await
        .unwrap();

    // A closed thread.
    let closed = scene
        .ann
        .submit(&scene.thread, &format!("{}/close", scene.thread), &[])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    send_smtp(port, BOB, to, &reply(BOB, to, "closed@m", "Closed words"))
        .await
        .unwrap();
    bounced += 1;
    let bounce = nth_bounce(sink, BOB, bounced).await;
    assert!(
        bounce.text.contains("the thread is closed"),
        "{}",
        bounce.text
    );
    assert!(bounce.text.contains(&scene.thread), "links to the thread");
    scene
        .ann
        .submit(&scene.thread, &format!("{}/reopen", scene.thread), &[])
        .await;

    // Nothing of Bob's own: only the quote and a signature.
    let quoted_only = "> Seeds too?\n\n-- \nBob";
    send_smtp(port, BOB, to, &reply(BOB, to, "empty@m", quoted_only))
        .await
        .unwrap();
    bounced += 1;
    let bounce = nth_bounce(sink, BOB, bounced).await;
    assert!(bounce.text.contains("only quoted text"), "{}", bounce.text);

    // Auto-replies and machines: dropped, no bounce.
    let outbox_before = outbox_count(app, BOB).await;
    let auto = raw(
        &[
            &format!("From: {BOB}"),
            &format!("To: {to}"),
            "Message-ID: <auto@m>",
            "Auto-Submitted: auto-replied",
            "Subject: Automatic reply: Ann Lee replied to you",
        ],
        "I am away until Monday.",
    );
    send_smtp(port, BOB, to, &auto).await.unwrap();
    let away = raw(
        &[
            &format!("From: {BOB}"),
            &format!("To: {to}"),
            "Message-ID: <away@m>",
            "Subject: Out of Office: back Monday",
        ],
        "Away.",
    );
    assert_eq!(
        post_http(app, Some(SECRET), "", &away).await,
        StatusCode::ACCEPTED
    );
    let null_sender = reply(BOB, to, "null@m", "Delivery report");
    send_smtp(port, "", to, &null_sender).await.unwrap();

    // A member removed from the group.
    let bob_id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
        .bind(BOB)
        .fetch_one(&db)
        .await
        .unwrap();
    let remove = format!("/g/garden/members/{bob_id}/remove");
    let removed = scene.ann.submit(&remove, &remove, &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let outbox_before_removal = outbox_count(app, BOB).await;
    assert_eq!(
        outbox_before_removal, outbox_before,
        "machines were not answered"
    );
    send_smtp(port, BOB, to, &reply(BOB, to, "removed@m", "Still here?"))
        .await
        .unwrap();
    bounced += 1;
    let bounce = nth_bounce(sink, BOB, bounced).await;
    assert!(
        bounce.text.contains("no longer a member"),
        "{}",
        bounce.text
    );
    assert!(bounce.text.contains("Sign in"), "{}", bounce.text);

    // Nothing was posted, and copies of refused messages are not bounced twice.
    assert_eq!(comments(app, &scene.thread).await.len(), before);
    let outbox_after = outbox_count(app, BOB).await;
    send_smtp(
        port,
        BOB,
        &forged,
        &reply(BOB, &forged, "forged@m", "Sneaky"),
    )
    .await
    .unwrap();
    send_smtp(port, BOB, to, &reply(BOB, to, "removed@m", "Still here?"))
        .await
        .unwrap();
    assert_eq!(outbox_count(app, BOB).await, outbox_after);
    assert_eq!(bounces(sink, BOB).len(), bounced);
    assert_eq!(
        outcomes(app).await,
        [
            "dropped:auto_submitted",
            "dropped:null_sender",
            "dropped:out_of_office",
            "refused:closed",
            "refused:empty",
            "refused:expired",
            "refused:not_member",
            "refused:not_valid",
            "refused:not_valid",
        ]
    );
}

#[tokio::test]
async fn without_a_secret_the_endpoint_is_not_there() {
    let app = TestApp::start();
    let message = reply(BOB, "reply+abc.def@localhost", "x@m", "hi");
    assert_eq!(
        post_http(&app, Some(SECRET), "", &message).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_http(&app, None, "", &message).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_silent_client_holds_up_nobody_and_the_listener_stops_with_the_server() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let app = TestApp::builder()
        .env("QUORUM_INBOUND_SMTP_ADDR", "127.0.0.1:0")
        .start();
    let log = app.wait_for_log("receiving replies by SMTP on ");
    let port: u16 = support::between(&log, "receiving replies by SMTP on 127.0.0.1:", "\n")
        .and_then(|port| port.trim().parse().ok())
        .unwrap();
    // One client connects and says nothing; another is served all the same.
    let silent = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut silent = BufReader::new(silent);
    let mut greeting = String::new();
    silent.read_line(&mut greeting).await.unwrap();
    assert!(greeting.starts_with("220 "), "{greeting}");
    assert!(transport(port).test_connection().await.unwrap());

    // Stopping the server tells the waiting client so, and the server exits cleanly.
    let finished = tokio::task::spawn_blocking(move || app.stop())
        .await
        .unwrap();
    assert!(finished.status.success(), "{finished:?}");
    assert!(
        finished
            .stdout
            .contains("the inbound SMTP listener has stopped")
    );
    let mut goodbye = String::new();
    tokio::time::timeout(Duration::from_secs(10), silent.read_line(&mut goodbye))
        .await
        .unwrap()
        .unwrap();
    assert!(goodbye.starts_with("421 "), "{goodbye:?}");
}

#[tokio::test]
async fn replies_racing_through_one_address_post_once() {
    let scene = scene().await;
    let (app, to) = (&scene.app, scene.reply_to.as_str());
    let before = comments(app, &scene.thread).await.len();
    // The same message by four ways at once, and four different messages at once.
    let same = reply(BOB, to, "same@m", "Said once.");
    let mut racing = Vec::new();
    for n in 0..8 {
        let message = if n < 4 {
            same.clone()
        } else {
            reply(BOB, to, &format!("different-{n}@m"), &format!("Said {n}."))
        };
        let (url, client) = (app.url("/inbound/email"), app.client().clone());
        racing.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(SECRET)
                .body(message)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for answer in racing {
        assert_eq!(answer.await.unwrap(), StatusCode::ACCEPTED);
    }
    assert_eq!(comments(app, &scene.thread).await.len(), before + 1);
    let found = outcomes(app).await;
    assert_eq!(
        found.iter().filter(|o| *o == "posted:").count(),
        1,
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .all(|o| o == "posted:" || o == "refused:replayed"),
        "{found:?}"
    );
}

#[test]
fn a_short_secret_or_a_bad_reply_domain_stops_start_up_in_one_sentence() {
    let finished = TestApp::builder()
        .env("QUORUM_INBOUND_SECRET", "too-short")
        .run_to_exit();
    support::assert_stopped_with_one_clear_line(
        &finished,
        "QUORUM_INBOUND_SECRET must be at least 16 characters long",
    );
    let finished = TestApp::builder()
        .env("QUORUM_INBOUND_SECRET", SECRET)
        .env("QUORUM_REPLY_DOMAIN", "not a domain")
        .run_to_exit();
    support::assert_stopped_with_one_clear_line(&finished, "QUORUM_REPLY_DOMAIN must be a domain");
}
