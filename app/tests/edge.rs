//! The edge worker under workerd in front of the real server: sign-in links answered at the
//! edge, the confirm post signing in through the origin, the Cache API, its bypasses, and the
//! per-IP limit of sign-in posts.
//!
//! Strategy: each test starts a server (SQLite file, SMTP sink) and the built worker under
//! Miniflare in front of it (`support::edge`), and talks only to the edge, as a visitor would.
//! What reached the origin is read from the server's own log, one "served" line per request.

mod support;

use reqwest::StatusCode;
use support::browser::Reply;
use support::edge::EdgeSetup;
use support::journey::{TEST_NAME, is_signed_in, request_sign_in, sign_in_as};

/// Headers whose values are made afresh for each response.
const PER_RESPONSE: [&str; 7] = [
    "set-cookie",
    "date",
    "x-request-id",
    "content-length",
    "transfer-encoding",
    "age",
    "cf-cache-status",
];

/// The security and caching headers of a reply, as sorted `name: value` lines, the values of a
/// header sent more than once joined by commas (which HTTP makes the same thing).
fn lasting_headers(reply: &Reply) -> Vec<String> {
    let mut names: Vec<&str> = reply
        .headers
        .keys()
        .map(|name| name.as_str())
        .filter(|name| !PER_RESPONSE.contains(name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let values: Vec<&str> = reply
                .headers
                .get_all(name)
                .iter()
                .map(|value| value.to_str().unwrap_or("?"))
                .collect();
            format!("{name}: {}", values.join(", "))
        })
        .collect()
}

fn assert_expired_page(reply: &Reply, what: &str) {
    assert_eq!(reply.status, StatusCode::GONE, "{what}: {}", reply.body);
    assert_eq!(
        reply.h1().as_deref(),
        Some("This sign-in link has expired"),
        "{what}"
    );
    assert!(reply.body.contains(r#"href="/sign-in""#), "{what}");
    assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}");
    assert_eq!(
        reply.header("referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
}

#[tokio::test]
async fn forged_altered_and_expired_links_are_answered_at_the_edge_alone() {
    let setup = EdgeSetup::start(20).await;
    let browser = setup.browser();
    let (_, mail) = request_sign_in(&browser, &setup.sink, "ann@example.org", None).await;
    let token = mail.link_token("/sign-in/link/");

    let mut altered = token.clone().into_bytes();
    let middle = altered.len() / 2;
    altered[middle] = if altered[middle] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();

    // Signed with a key the edge does not hold, under the id it does.
    let stranger =
        magic_link::KeyRing::new(magic_link::Key::new(7, &[9; 32]).unwrap(), vec![]).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let link = |expiry: u64| magic_link::Link::new([1; 16], expiry, "a…@example.org").unwrap();
    let forged = stranger.sign(&link(now + 600));
    // Genuinely signed with the shared key, but past its time.
    let keys = magic_link::KeyRing::parse(&setup.keys).unwrap();
    let expired = keys.sign(&link(now - 1));

    for (what, token) in [
        ("altered", altered.as_str()),
        ("forged", forged.as_str()),
        ("expired", expired.as_str()),
        ("made up", "not-a-link"),
        ("oversized", &"A".repeat(5000)),
    ] {
        let reply = browser.get(&format!("/sign-in/link/{token}")).await;
        assert_expired_page(&reply, what);
    }
    assert_eq!(
        setup
            .origin
            .logs()
            .lines()
            .filter(|line| line.contains("path=\"/sign-in/link"))
            .count(),
        0,
        "no link request reached the origin:\n{}",
        setup.origin.logs()
    );
}

#[tokio::test]
async fn a_genuine_link_is_confirmed_at_the_edge_and_used_up_by_the_origin() {
    let setup = EdgeSetup::start(20).await;
    let browser = setup.browser();
    let (_, mail) = request_sign_in(&browser, &setup.sink, "ann@example.org", None).await;
    let link = mail.link_path("/sign-in/link/");
    assert!(
        mail.text.contains(&format!("{}{link}", setup.edge.url)),
        "the link goes through the edge: {}",
        mail.text
    );

    // Opened elsewhere (a phone): the edge alone answers, with the origin's own page.
    let phone = setup.browser();
    let confirm = phone.get(&link).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("Continue as a…@example.org"));
    assert!(!confirm.body.contains("ann@example.org"));
    assert!(
        confirm.set_cookie("quorum_csrf").is_some(),
        "a CSRF cookie for the form"
    );
    assert_eq!(
        setup
            .origin
            .logs()
            .matches("path=\"/sign-in/link/{token}\"")
            .count(),
        0,
        "the origin saw the link"
    );

    // The same markup and headers as the origin's page for the same link and CSRF cookie.
    let direct = support::browser::Browser::new(&setup.origin.url(""));
    direct.set_cookie("quorum_csrf", &phone.cookie("quorum_csrf").unwrap());
    let from_origin = direct.get(&link).await;
    assert_eq!(from_origin.status, StatusCode::OK);
    assert_eq!(confirm.body, from_origin.body, "same markup");
    // All but `Vary: accept-encoding`, which the origin's compression adds to everything.
    let without_vary = |reply: &Reply| {
        let mut lines = lasting_headers(reply);
        lines.retain(|line| line != "vary: accept-encoding");
        lines
    };
    assert_eq!(
        without_vary(&confirm),
        without_vary(&from_origin),
        "same headers"
    );

    // The button posts through the edge; the origin uses the request up and signs in.
    let signed_in = phone.submit_from(&confirm.body, "/sign-in/link", &[]).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(signed_in.location(), Some("/welcome?next=%2F"));
    assert_eq!(
        signed_in.set_cookie_names(),
        ["quorum_csrf", "quorum_session", "quorum_sign_in"],
        "every cookie the origin set came through"
    );
    assert!(is_signed_in(&phone).await);
    assert_eq!(setup.origin_saw("POST", "/sign-in/link"), 1);

    // Used up: the edge cannot know, so the confirm page shows, and the origin refuses the post.
    let again = setup.browser();
    let page = again.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    let refused = again.submit_from(&page.body, "/sign-in/link", &[]).await;
    assert_expired_page(&refused, "used link");
    assert!(!is_signed_in(&again).await);
}

#[tokio::test]
async fn a_public_page_is_served_from_the_edge_cache_after_its_first_request() {
    let setup = EdgeSetup::start(20).await;
    let visitor = setup.browser();
    let first = visitor.get("/privacy").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("cf-cache-status"), Some("MISS"));
    let second = visitor.get("/privacy").await;
    assert_eq!(second.header("cf-cache-status"), Some("HIT"));
    assert!(second.header("age").is_some(), "a hit says its age");
    assert_eq!(second.body, first.body);
    // Tracking parameters do not make a new copy, and a new visitor gets the same copy.
    let tracked = setup
        .browser()
        .get("/privacy?utm_source=newsletter&fbclid=abc")
        .await;
    assert_eq!(tracked.header("cf-cache-status"), Some("HIT"));
    assert_eq!(
        setup.origin_saw("GET", "/privacy"),
        1,
        "one request reached the origin"
    );

    // Nothing of the origin's headers is lost or changed on the way.
    let direct = setup.origin.browser().get("/privacy").await;
    assert_eq!(lasting_headers(&second), lasting_headers(&direct));
    assert!(second.set_cookies().is_empty());

    // The stylesheet (hashed) is kept too.
    let stylesheet = support::between(&first.body, r#"<link rel="stylesheet" href=""#, "\"")
        .unwrap()
        .to_string();
    visitor.get(&stylesheet).await;
    let kept = visitor.get(&stylesheet).await;
    assert_eq!(kept.status, StatusCode::OK);
    assert_eq!(kept.header("cf-cache-status"), Some("HIT"));
    assert_eq!(setup.origin_saw("GET", &stylesheet), 1);
}

#[tokio::test]
async fn signed_in_visitors_and_posts_always_reach_the_origin() {
    let setup = EdgeSetup::start(20).await;
    // An anonymous visit puts the home page in the cache.
    setup.browser().get("/").await;
    let cached = setup.browser().get("/").await;
    assert_eq!(cached.header("cf-cache-status"), Some("HIT"));
    assert_eq!(setup.origin_saw("GET", "/"), 1);

    let member = setup.browser();
    sign_in_as(&member, &setup.sink, "bob@example.org").await;
    for _ in 0..2 {
        let home = member.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert_eq!(home.header("cf-cache-status"), None);
        assert_eq!(home.header("cache-control"), Some("no-store"));
        assert!(
            home.body.contains(TEST_NAME),
            "the member's own page, not the anonymous copy"
        );
    }
    assert_eq!(setup.origin_saw("GET", "/"), 3);

    // Sign-in and account pages are never kept, for anyone.
    let before = setup.origin_saw("GET", "/sign-in");
    let visitor = setup.browser();
    for _ in 0..2 {
        let page = visitor.get("/sign-in").await;
        assert_eq!(page.header("cf-cache-status"), None);
    }
    assert_eq!(setup.origin_saw("GET", "/sign-in"), before + 2);
}

#[tokio::test]
async fn a_response_that_sets_a_cookie_is_never_stored() {
    let setup = EdgeSetup::start(20).await;
    // A first visit to a page with a form gets a CSRF cookie; its page is not stored.
    for _ in 0..2 {
        let fresh = setup.browser();
        let page = fresh.get("/design/forms").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.set_cookie("quorum_csrf").is_some());
        assert_ne!(page.header("cf-cache-status"), Some("HIT"));
    }
    assert_eq!(setup.origin_saw("GET", "/design/forms"), 2);
}

#[tokio::test]
async fn sign_in_posts_are_limited_per_address_at_the_edge() {
    let setup = EdgeSetup::start(3).await;
    let browser = setup.browser();
    for n in 0..3 {
        let email = format!("person{n}@example.org");
        request_sign_in(&browser, &setup.sink, &email, None).await;
    }
    let page = browser.get("/sign-in").await;
    let refused = browser
        .submit_from(&page.body, "/sign-in", &[("email", "person3@example.org")])
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.h1().as_deref(), Some("Too many attempts"));
    assert!(refused.body.contains("Wait "), "{}", refused.body);
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    assert_eq!(refused.header("cache-control"), Some("no-store"));
    assert_eq!(
        setup.origin_saw("POST", "/sign-in"),
        3,
        "the fourth never left the edge"
    );
    assert!(setup.sink.mail_to("person3@example.org").is_empty());

    // Another address is counted on its own. (Under Miniflare the client's own
    // CF-Connecting-IP header stands for its address; Cloudflare sets it itself.)
    let elsewhere = browser
        .send_and_read(
            browser
                .form_request(
                    "/sign-in",
                    browser.form_body(&page.body, "/sign-in", &[("email", "person4@example.org")]),
                )
                .header("cf-connecting-ip", "203.0.113.9"),
        )
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::SEE_OTHER,
        "{}",
        elsewhere.body
    );
}
