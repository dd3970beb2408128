//! The permission matrix, through the real server: for every privacy and join mode a group may
//! have, with the default member permissions and with every permission on, each kind of
//! person (signed out, outsider, someone who asked to join, member, admin) tries every action
//! that has a page, and gets exactly what the table below says. A secret group answers "not
//! found" to everyone outside it for every URL under it.
//!
//! Strategy: one server, four accounts, twelve groups. Each group is made asking to join, so
//! that the member can be approved and the requester's request left waiting, and is then set to
//! the privacy and join mode under test. The table is written out by hand, independently of the
//! code that decides; "Y" is the page or action itself, "S" a redirect to sign in, "." a 404.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use support::browser::{Browser, Reply};
use support::journey::{comment_id, post_comment, signed_in_browser_named, start_with_mail};

/// The probes, in the order of the table's letters: the action and how it is tried.
const PROBES: [(&str, Probe); 11] = [
    ("view", Probe::Get("")),
    ("content", Probe::Get("/subgroups")),
    ("members", Probe::Get("/members")),
    ("ask", Probe::Get("/ask")),
    ("leave", Probe::Get("/leave")),
    ("invite", Probe::Get("/invitations")),
    ("review", Probe::Get("/requests")),
    ("manage", Probe::RemoveMemberPage),
    ("edit", Probe::Get("/settings")),
    ("subgroup", Probe::Get("/subgroups/new")),
    ("join", Probe::PostJoin),
];

#[derive(Clone, Copy)]
enum Probe {
    Get(&'static str),
    /// The confirm page for removing the member: an admin's power over members.
    RemoveMemberPage,
    /// Joining at once; tried last, as it changes who is a member.
    PostJoin,
}

/// privacy/join mode, permissions, relation, then one letter per probe.
const EXPECTED: &str = "
open/open         default signed-out  YY........S
open/open         default outsider    YY........Y
open/open         default requester   YY........Y
open/open         default member      YYY.Y......
open/open         default admin       YYY.YYYYYY.
open/request      default signed-out  YY.S.......
open/request      default outsider    YY.Y.......
open/request      default requester   YY.........
open/request      default member      YYY.Y......
open/request      default admin       YYY.YYYYYY.
open/invitation   default signed-out  YY.........
open/invitation   default outsider    YY.........
open/invitation   default requester   YY.........
open/invitation   default member      YYY.Y......
open/invitation   default admin       YYY.YYYYYY.
closed/request    default signed-out  Y..S.......
closed/request    default outsider    Y..Y.......
closed/request    default requester   Y..........
closed/request    default member      YYY.Y......
closed/request    default admin       YYY.YYYYYY.
closed/invitation default signed-out  Y..........
closed/invitation default outsider    Y..........
closed/invitation default requester   Y..........
closed/invitation default member      YYY.Y......
closed/invitation default admin       YYY.YYYYYY.
secret/invitation default signed-out  ...........
secret/invitation default outsider    ...........
secret/invitation default requester   ...........
secret/invitation default member      YYY.Y......
secret/invitation default admin       YYY.YYYYYY.
open/open         all     signed-out  YY........S
open/open         all     outsider    YY........Y
open/open         all     requester   YY........Y
open/open         all     member      YYY.YY...Y.
open/open         all     admin       YYY.YYYYYY.
open/request      all     signed-out  YY.S.......
open/request      all     outsider    YY.Y.......
open/request      all     requester   YY.........
open/request      all     member      YYY.YY...Y.
open/request      all     admin       YYY.YYYYYY.
open/invitation   all     signed-out  YY.........
open/invitation   all     outsider    YY.........
open/invitation   all     requester   YY.........
open/invitation   all     member      YYY.YY...Y.
open/invitation   all     admin       YYY.YYYYYY.
closed/request    all     signed-out  Y..S.......
closed/request    all     outsider    Y..Y.......
closed/request    all     requester   Y..........
closed/request    all     member      YYY.YY...Y.
closed/request    all     admin       YYY.YYYYYY.
closed/invitation all     signed-out  Y..........
closed/invitation all     outsider    Y..........
closed/invitation all     requester   Y..........
closed/invitation all     member      YYY.YY...Y.
closed/invitation all     admin       YYY.YYYYYY.
secret/invitation all     signed-out  ...........
secret/invitation all     outsider    ...........
secret/invitation all     requester   ...........
secret/invitation all     member      YYY.YY...Y.
secret/invitation all     admin       YYY.YYYYYY.
";

const RELATIONS: [&str; 5] = ["signed-out", "outsider", "requester", "member", "admin"];
const DEFAULT_PERMISSIONS: &[&str] = &[
    "start_threads",
    "start_polls",
    "edit_own_comments",
    "delete_own_comments",
];
const ALL_PERMISSIONS: &[&str] = &[
    "start_threads",
    "start_polls",
    "add_members",
    "edit_own_comments",
    "delete_own_comments",
    "create_subgroups",
    "admins_edit_member_content",
];

struct People {
    signed_out: Browser,
    outsider: Browser,
    requester: Browser,
    member: Browser,
    admin: Browser,
    member_id: String,
}

impl People {
    fn by_relation(&self, relation: &str) -> &Browser {
        match relation {
            "signed-out" => &self.signed_out,
            "outsider" => &self.outsider,
            "requester" => &self.requester,
            "member" => &self.member,
            "admin" => &self.admin,
            other => panic!("unknown relation {other}"),
        }
    }
}

/// Makes the group `handle` with the member approved and the requester waiting, then gives it
/// the privacy, join mode and permissions under test.
async fn make_group(people: &People, handle: &str, kind: &str, permissions: &[&str]) {
    let (privacy, join_mode) = kind.split_once('/').unwrap();
    let made = people
        .admin
        .submit(
            "/groups/new",
            "/groups/new",
            &[
                ("name", handle),
                ("handle", handle),
                ("privacy", "open"),
                ("join_mode", "request"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let ask = format!("/g/{handle}/ask");
    for who in [&people.member, &people.requester] {
        let asked = who.submit(&ask, &ask, &[("introduction", "Hello.")]).await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    }
    let requests = people.admin.get(&format!("/g/{handle}/requests")).await;
    let item = requests
        .body
        .split("<li")
        .find(|item| item.contains("Mia Member"))
        .unwrap();
    let action = support::browser::form_tags(item)
        .into_iter()
        .map(|(action, _)| action)
        .find(|action| action.contains("/requests/"))
        .unwrap();
    let approved = people
        .admin
        .submit_from(&requests.body, &action, &[("decision", "approve")])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);

    let settings = format!("/g/{handle}/settings");
    let page = people.admin.get(&settings).await;
    let mut body = people.admin.form_body(
        &page.body,
        &settings,
        &[
            ("name", handle),
            ("handle", handle),
            ("privacy", privacy),
            ("join_mode", join_mode),
        ],
    );
    for permission in permissions {
        body.push_str(&format!("&permissions={permission}"));
    }
    let saved = people.admin.post_raw(&settings, body).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

/// What one probe answered, as a table letter.
async fn try_probe(people: &People, browser: &Browser, handle: &str, probe: Probe) -> char {
    let reply: Reply = match probe {
        Probe::Get(path) => browser.get(&format!("/g/{handle}{path}")).await,
        Probe::RemoveMemberPage => {
            browser
                .get(&format!("/g/{handle}/members/{}/remove", people.member_id))
                .await
        }
        Probe::PostJoin => {
            let token = browser.csrf_token("/design/forms").await;
            browser
                .send_and_read(browser.post_with_token(&format!("/g/{handle}/join"), &token, ""))
                .await
        }
    };
    match reply.status {
        StatusCode::OK => 'Y',
        StatusCode::SEE_OTHER if reply.location().unwrap_or("").starts_with("/sign-in") => 'S',
        StatusCode::SEE_OTHER => 'Y',
        StatusCode::NOT_FOUND => '.',
        other => panic!(
            "{handle} {probe:?} answered {other}: {}",
            reply.body,
            probe = probe_name(probe)
        ),
    }
}

fn probe_name(probe: Probe) -> &'static str {
    PROBES
        .iter()
        .find(|(_, p)| std::mem::discriminant(p) == std::mem::discriminant(&probe))
        .map_or("?", |(name, _)| *name)
}

#[tokio::test]
async fn every_person_gets_exactly_what_the_table_says_for_every_kind_of_group() {
    let (app, sink) = start_with_mail().await;
    let people = People {
        signed_out: app.browser(),
        outsider: signed_in_browser_named(&app, &sink, "olive@example.org", "Olive Out").await,
        requester: signed_in_browser_named(&app, &sink, "rex@example.org", "Rex Asks").await,
        member: signed_in_browser_named(&app, &sink, "mia@example.org", "Mia Member").await,
        admin: signed_in_browser_named(&app, &sink, "ada@example.org", "Ada Admin").await,
        member_id: String::new(),
    };
    let db = app.database().await;
    let member_id: String =
        sqlx::query_scalar("SELECT id FROM accounts WHERE email = 'mia@example.org'")
            .fetch_one(&db)
            .await
            .unwrap();
    let people = People {
        member_id,
        ..people
    };

    let rows: Vec<Vec<&str>> = EXPECTED
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.split_whitespace().collect())
        .collect();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for (index, group_rows) in rows.chunks(RELATIONS.len()).enumerate() {
        let (kind, permissions) = (group_rows[0][0], group_rows[0][1]);
        let handle = format!("matrix-{index}");
        let ticked = if permissions == "all" {
            ALL_PERMISSIONS
        } else {
            DEFAULT_PERMISSIONS
        };
        make_group(&people, &handle, kind, ticked).await;
        // Every probe but joining, for everyone; then joining, members first, as it changes
        // who belongs.
        let mut actual: Vec<String> = vec![String::new(); RELATIONS.len()];
        for (r, relation) in RELATIONS.iter().enumerate() {
            for (_, probe) in PROBES.iter().filter(|(name, _)| *name != "join") {
                actual[r]
                    .push(try_probe(&people, people.by_relation(relation), &handle, *probe).await);
            }
        }
        for r in (0..RELATIONS.len()).rev() {
            actual[r].push(
                try_probe(
                    &people,
                    people.by_relation(RELATIONS[r]),
                    &handle,
                    Probe::PostJoin,
                )
                .await,
            );
        }
        for (r, row) in group_rows.iter().enumerate() {
            assert_eq!(
                (row[0], row[1], row[2]),
                (kind, permissions, RELATIONS[r]),
                "table order"
            );
            if actual[r] != row[3] {
                mismatches.push(format!(
                    "{kind} {permissions} {}: expected {} got {}",
                    row[2], row[3], actual[r]
                ));
            }
            checked += row[3].len();
        }
    }
    assert!(
        mismatches.is_empty(),
        "probes: {:?}\n{}",
        PROBES.map(|(n, _)| n),
        mismatches.join("\n")
    );
    assert_eq!(checked, 6 * 2 * 5 * PROBES.len());
}

/// Every page and every form under a secret group, as outsiders reach for them.
const SECRET_URLS: [(&str, &str); 24] = [
    ("GET", ""),
    ("GET", "/subgroups"),
    ("GET", "/subgroups/new"),
    ("POST", "/subgroups/new"),
    ("GET", "/members"),
    ("POST", "/members/role"),
    ("GET", "/members/x/remove"),
    ("POST", "/members/x/remove"),
    ("GET", "/ask"),
    ("POST", "/ask"),
    ("POST", "/join"),
    ("GET", "/leave"),
    ("POST", "/leave"),
    ("GET", "/invitations"),
    ("POST", "/invitations"),
    ("POST", "/invitations/x/resend"),
    ("POST", "/invitations/x/revoke"),
    ("GET", "/requests"),
    ("POST", "/requests/x"),
    ("GET", "/threads"),
    ("GET", "/threads/new"),
    ("POST", "/threads/new"),
    ("GET", "/threads/deleted"),
    ("POST", "/threads/deleted/x/restore"),
];

/// Every page and form of a thread (`/t/<id>…`; `{c}` is one of its comments).
const THREAD_URLS: [(&str, &str); 27] = [
    ("GET", "/polls/new"),
    ("GET", "/polls/new?kind=choose"),
    ("POST", "/polls/new?kind=choose"),
    ("GET", ""),
    ("GET", "/edit"),
    ("POST", "/edit"),
    ("GET", "/history"),
    ("GET", "/print"),
    ("GET", "/move"),
    ("POST", "/move"),
    ("GET", "/delete"),
    ("POST", "/delete"),
    ("POST", "/close"),
    ("POST", "/reopen"),
    ("POST", "/pin"),
    ("POST", "/unpin"),
    ("POST", "/comments"),
    ("GET", "/comments/new"),
    ("GET", "/comments/new?reply_to={c}"),
    ("GET", "/comments/{c}"),
    ("GET", "/comments/{c}/edit"),
    ("POST", "/comments/{c}/edit"),
    ("GET", "/comments/{c}/delete"),
    ("POST", "/comments/{c}/delete"),
    ("POST", "/comments/{c}/react"),
    ("GET", "/comments/{c}/history"),
    ("GET", "/comments/x/history"),
];

/// Every page and form of a poll (`/p/<id>…`).
const POLL_URLS: [(&str, &str); 6] = [
    ("GET", ""),
    ("POST", "/vote"),
    ("GET", "/close"),
    ("POST", "/close"),
    ("GET", "/outcome"),
    ("POST", "/outcome"),
];

#[tokio::test]
async fn a_secret_group_is_not_found_by_anyone_outside_it_at_any_url() {
    let (app, sink) = start_with_mail().await;
    let admin = signed_in_browser_named(&app, &sink, "ada@example.org", "Ada Admin").await;
    let outsider = signed_in_browser_named(&app, &sink, "olive@example.org", "Olive Out").await;
    let made = admin
        .submit(
            "/groups/new",
            "/groups/new",
            &[
                ("name", "Hidden"),
                ("handle", "hidden"),
                ("privacy", "secret"),
                ("join_mode", "invitation"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let started = admin
        .submit(
            "/g/hidden/threads/new",
            "/g/hidden/threads/new",
            &[("title", "Hidden plans"), ("context", "Clandestine words")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let thread = started
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let commented = post_comment(&admin, &thread, "Clandestine comment", None).await;
    let comment = comment_id(&commented);
    for browser in [&app.browser(), &outsider] {
        let token = browser.csrf_token("/design/forms").await;
        for (method, path) in SECRET_URLS {
            for handle in ["hidden", "HIDDEN", "no-such-group"] {
                let url = format!("/g/{handle}{path}");
                let reply = if method == "GET" {
                    browser.get(&url).await
                } else {
                    browser
                        .send_and_read(browser.post_with_token(
                            &url,
                            &token,
                            "introduction=hi&decision=approve&role=admin&account=x",
                        ))
                        .await
                };
                assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {url}");
                assert!(
                    !reply.body.contains("Hidden"),
                    "{method} {url} named the group"
                );
            }
        }
    }
    let poll_form = format!("{thread}/polls/new?kind=choose");
    let start_poll = |closes: String| {
        let (admin, poll_form) = (&admin, &poll_form);
        async move {
            admin
                .submit(
                    poll_form,
                    poll_form,
                    &[
                        ("title", "Clandestine choice"),
                        ("options", "Hidden one\nHidden two"),
                        ("time_zone", "UTC"),
                        ("closes_at", &closes),
                        ("hide_results", "never"),
                        ("reason", "optional"),
                        ("min_choices", "1"),
                        ("max_choices", "1"),
                    ],
                )
                .await
        }
    };
    // Too far ahead: the form says so, and the answers stay on the admin's page.
    let too_far = start_poll("2099-01-01T10:00".into()).await;
    assert_eq!(too_far.status, StatusCode::UNPROCESSABLE_ENTITY);
    let closes = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let polled = start_poll(closes).await;
    assert_eq!(polled.status, StatusCode::SEE_OTHER, "{}", polled.body);
    let poll = polled
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(admin.get(&poll).await.status, StatusCode::OK);
    for browser in [&app.browser(), &outsider] {
        let token = browser.csrf_token("/design/forms").await;
        let poll_urls = POLL_URLS.map(|(method, path)| (method, format!("{poll}{path}")));
        let thread_urls = THREAD_URLS
            .map(|(method, path)| (method, format!("{thread}{}", path.replace("{c}", &comment))));
        for (method, url) in poll_urls.iter().chain(thread_urls.iter()) {
            let reply = if *method == "GET" {
                browser.get(url).await
            } else {
                browser
                    .send_and_read(browser.post_with_token(
                        url,
                        &token,
                        "title=x&body=x&reaction=agree&group=hidden&choice=0&intent=cast&statement=x",
                    ))
                    .await
            };
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {url}");
            assert!(
                !reply.body.contains("Hidden") && !reply.body.contains("Clandestine"),
                "{method} {url} showed the thread or its poll"
            );
        }
        let found = browser.get("/search?q=clandestine").await;
        assert!(
            found.body.contains("No threads or comments match"),
            "search"
        );
        assert!(!found.body.contains("Clandestine"));
    }
    assert!(
        admin
            .get("/search?q=clandestine")
            .await
            .body
            .contains("2 results")
    );
    // The directory and dashboards never list it either.
    assert!(!outsider.get("/groups").await.body.contains("Hidden"));
    assert!(!outsider.get("/dashboard").await.body.contains("Hidden"));
    assert!(admin.get("/dashboard").await.body.contains("Hidden"));
}
