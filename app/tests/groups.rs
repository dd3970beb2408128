//! Groups as people use them: creating one (and the errors a settings form can show), joining,
//! asking to join and being approved or ignored, invitations by email from the line-by-line
//! address list to the invitee's first sign-in, leaving, and a group that always keeps an admin.
//!
//! Strategy: every step goes through the pages with `support::browser`, against the real
//! server and SQLite file, with mail read from a real SMTP sink.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use reqwest::StatusCode;
use support::browser::{Browser, Reply, strip_tags};
use support::journey::{
    TEST_NAME, confirm_link, request_sign_in, signed_in_browser_named, start_with_mail,
};

/// The permissions a new group starts with, as the settings form's ticked boxes.
const DEFAULT_PERMISSIONS: [&str; 4] = [
    "start_threads",
    "start_polls",
    "edit_own_comments",
    "delete_own_comments",
];

async fn create_group(
    browser: &Browser,
    name: &str,
    handle: &str,
    privacy: &str,
    join_mode: &str,
) -> Reply {
    browser
        .submit(
            "/groups/new",
            "/groups/new",
            &[
                ("name", name),
                ("handle", handle),
                ("description", "We *meet* monthly."),
                ("privacy", privacy),
                ("join_mode", join_mode),
            ],
        )
        .await
}

/// Saves a group's settings as an admin would, with `permissions` ticked.
async fn save_settings(
    browser: &Browser,
    handle: &str,
    fields: &[(&str, &str)],
    permissions: &[&str],
) -> Reply {
    let page = format!("/g/{handle}/settings");
    let loaded = browser.get(&page).await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.body);
    let mut body = browser.form_body(&loaded.body, &page, fields);
    for permission in permissions {
        body.push_str(&format!("&permissions={permission}"));
    }
    browser.post_raw(&page, body).await
}

/// The action of the (first) form on the page whose action ends with `suffix`.
fn action_ending(html: &str, suffix: &str) -> String {
    support::browser::form_tags(html)
        .into_iter()
        .map(|(action, _)| action)
        .find(|action| action.ends_with(suffix))
        .unwrap_or_else(|| panic!("no form ending {suffix} in {html}"))
}

fn text(reply: &Reply) -> String {
    strip_tags(&reply.body)
}

#[tokio::test]
async fn a_new_group_makes_its_creator_admin_and_bad_settings_come_back_with_every_error() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;

    // Everything missing: one error per field, in form order, answers kept.
    let empty = ann
        .submit(
            "/groups/new",
            "/groups/new",
            &[("description", "kept words")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.title().unwrap().starts_with("Error: "));
    for message in [
        "Enter the group",
        "Choose who can see the group",
        "Choose how people join the group",
    ] {
        assert!(
            text(&empty).contains(message),
            "{message} in {}",
            text(&empty)
        );
    }
    assert!(empty.body.contains("kept words</textarea>"));

    // A secret group open to anyone is refused with a way out, and the answers stay.
    let secret_open = create_group(&ann, "Quiet Room", "quiet-room", "secret", "open").await;
    assert_eq!(secret_open.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&secret_open).contains("A secret group can only be joined by invitation"));
    assert!(secret_open.body.contains(r#"value="quiet-room""#));

    let created = create_group(&ann, "Riverside Tenants", "riverside", "closed", "request").await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), Some("/g/riverside?done=created"));
    let page = ann.get("/g/riverside?done=created").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.h1().as_deref(), Some("Riverside Tenants"));
    assert!(text(&page).contains("You are an admin of this group."));
    // The description is markdown, rendered under the page's own h2.
    assert!(page.body.contains("<em>meet</em>"), "{}", page.body);

    // Handles are unique, whatever their case.
    let again = create_group(&ann, "Another", "RIVERSIDE", "open", "open").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&again).contains("Another group already uses that handle"));

    let db = app.database().await;
    let role: String = sqlx::query_scalar(
        "SELECT m.role FROM memberships m JOIN groups g ON g.id = m.group_id JOIN accounts a ON a.id = m.account_id \
         WHERE g.handle = 'riverside' AND a.email = 'ann@example.org'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(role, "admin");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'group_created' AND group_id IS NOT NULL",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn people_join_open_groups_ask_to_join_others_and_admins_approve_or_ignore() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    let cat = signed_in_browser_named(&app, &sink, "cat@example.org", "Cat Poe").await;
    create_group(&ann, "Open Garden", "garden", "open", "open").await;
    create_group(&ann, "Closed Kitchen", "kitchen", "closed", "request").await;

    let joined = bob.submit("/g/garden", "/g/garden/join", &[]).await;
    assert_eq!(joined.location(), Some("/g/garden?done=joined"));
    assert!(text(&bob.get("/g/garden").await).contains("You are a member of this group."));

    // Closed: outsiders see the name and the way to ask, never the members.
    assert_eq!(
        bob.get("/g/kitchen/members").await.status,
        StatusCode::NOT_FOUND
    );
    let empty = bob
        .submit(
            "/g/kitchen/ask",
            "/g/kitchen/ask",
            &[("introduction", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&empty).contains("Write a short introduction"));
    let asked = bob
        .submit(
            "/g/kitchen/ask",
            "/g/kitchen/ask",
            &[("introduction", "I cook on Tuesdays.")],
        )
        .await;
    assert_eq!(asked.location(), Some("/g/kitchen?done=asked"));
    assert!(text(&bob.get("/g/kitchen").await).contains("You have asked to join"));
    assert_eq!(
        bob.get("/g/kitchen/ask").await.status,
        StatusCode::NOT_FOUND,
        "asking twice"
    );
    cat.submit(
        "/g/kitchen/ask",
        "/g/kitchen/ask",
        &[("introduction", "Hello.")],
    )
    .await;

    assert!(text(&ann.get("/g/kitchen").await).contains("Requests to join (2 waiting)"));
    let requests = ann.get("/g/kitchen/requests").await;
    assert!(text(&requests).contains("2 people are waiting."));
    assert!(text(&requests).contains("I cook on Tuesdays."));
    let bob_form = requests
        .body
        .split("<li")
        .find(|item| item.contains("Bob Roe"))
        .unwrap()
        .to_string();
    let action = support::between(&bob_form, r#"action=""#, "\"")
        .unwrap()
        .to_string();
    let approved = ann
        .submit_from(&requests.body, &action, &[("decision", "approve")])
        .await;
    if approved.status == StatusCode::FORBIDDEN {
        panic!("{action} {}", app.logs());
    }
    assert_eq!(
        approved.location(),
        Some("/g/kitchen/requests?done=approved"),
        "{} {}",
        approved.status,
        approved.body
    );
    let requests = ann.get("/g/kitchen/requests").await;
    let cat_action = support::browser::form_tags(&requests.body)
        .into_iter()
        .map(|(action, _)| action)
        .find(|action| action.contains("/requests/"))
        .unwrap();
    let ignored = ann
        .submit_from(&requests.body, &cat_action, &[("decision", "ignore")])
        .await;
    assert_eq!(ignored.location(), Some("/g/kitchen/requests?done=ignored"));
    assert!(text(&ann.get("/g/kitchen/requests").await).contains("Nobody is waiting."));

    assert_eq!(bob.get("/g/kitchen/members").await.status, StatusCode::OK);
    assert_eq!(
        cat.get("/g/kitchen/members").await.status,
        StatusCode::NOT_FOUND
    );
    // An ignored request is not shown again, and cannot be made again.
    assert_eq!(
        cat.get("/g/kitchen/ask").await.status,
        StatusCode::NOT_FOUND
    );

    let dashboard = bob.get("/dashboard").await;
    assert!(
        text(&dashboard).contains("You are in 2 groups."),
        "{}",
        text(&dashboard)
    );
    assert!(text(&dashboard).contains("Bob Roe joined in Closed Kitchen."));
}

#[tokio::test]
async fn a_group_always_keeps_an_admin() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Open Garden", "garden", "open", "open").await;
    bob.submit("/g/garden", "/g/garden/join", &[]).await;

    // The only admin is told why they cannot leave, and a forged post is refused.
    let leave = ann.get("/g/garden/leave").await;
    assert!(text(&leave).contains("A group always needs an admin"));
    let token = ann.csrf_token("/g/garden").await;
    let forced = ann
        .send_and_read(ann.post_with_token("/g/garden/leave", &token, ""))
        .await;
    assert_eq!(forced.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(forced.title().unwrap().starts_with("Error: "));

    // Nor can the only admin step down.
    let step_down = ann
        .send_and_read(ann.post_with_token(
            "/g/garden/members/role",
            &token,
            format!(
                "account={}&role=member",
                account_id(&app, "ann@example.org").await
            ),
        ))
        .await;
    assert_eq!(step_down.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&step_down).contains("A group must keep at least one admin"));

    // With Bob made admin, Ann can go.
    let bob_id = account_id(&app, "bob@example.org").await;
    let made = ann
        .send_and_read(ann.post_with_token(
            "/g/garden/members/role",
            &token,
            format!("account={bob_id}&role=admin"),
        ))
        .await;
    assert_eq!(made.location(), Some("/g/garden/members?done=admin"));
    let left = ann.submit("/g/garden/leave", "/g/garden/leave", &[]).await;
    assert_eq!(left.location(), Some("/dashboard?done=left"));
    assert!(text(&bob.get("/g/garden").await).contains("You are an admin of this group."));
    // Ann can still read the open group, but it is no longer hers to run.
    assert_eq!(ann.get("/g/garden").await.status, StatusCode::OK);
    assert_eq!(
        ann.get("/g/garden/settings").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn account_id(app: &support::TestApp, email: &str) -> String {
    let db = app.database().await;
    sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_invitation_brings_a_new_person_into_a_secret_group() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Night Shift", "night-shift", "secret", "invitation").await;

    // Bad lines are reported one by one and kept; good ones are invited at once.
    let sent = ann
        .submit(
            "/g/night-shift/invitations",
            "/g/night-shift/invitations",
            &[
                (
                    "addresses",
                    "dee@example.org\nnot an address\n\nEve@Example.org\nann@example.org\nfoo@",
                ),
                ("message", "Come and help <us>."),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(&sent);
    assert!(
        page.contains("Line 2: “not an address” is not an email address"),
        "{page}"
    );
    assert!(
        page.contains("Line 6: “foo@” is not an email address"),
        "{page}"
    );
    assert!(
        page.contains("Invitations sent to 2 addresses. 1 address belongs to already a member"),
        "{page}"
    );
    assert!(
        sent.body.contains("not an address\nfoo@</textarea>"),
        "{}",
        sent.body
    );
    assert!(page.contains("dee@example.org") && page.contains("eve@example.org"));

    let mail = sink.wait_for_mail_to("dee@example.org", 1).await;
    assert_eq!(
        mail.subject,
        "Ann Lee invited you to join Night Shift on Quorum"
    );
    assert!(mail.text.contains("Come and help <us>."));
    assert!(mail.raw.contains("Come and help &lt;us&gt;."));
    let link = mail.link_path("/invitations/");

    // A stranger holding nothing sees nothing of the group.
    let dee = app.browser();
    assert_eq!(
        dee.get("/g/night-shift").await.status,
        StatusCode::NOT_FOUND
    );

    // The link shows the invitation; signing in (a new account) comes back to it.
    let invitation = dee.get(&link).await;
    assert_eq!(invitation.status, StatusCode::OK);
    assert_eq!(invitation.header("referrer-policy"), Some("no-referrer"));
    assert!(text(&invitation).contains("Ann Lee invited you to join Night Shift on Quorum."));
    assert!(
        invitation
            .body
            .contains("/sign-in?next=%2Finvitations%2Faccept")
    );
    let (_, sign_in_mail) =
        request_sign_in(&dee, &sink, "dee@example.org", Some("/invitations/accept")).await;
    let signed_in = confirm_link(&dee, &sign_in_mail).await;
    let welcome = signed_in.location().unwrap().to_string();
    assert!(welcome.starts_with("/welcome"), "{welcome}");
    let named = dee
        .submit(&welcome, "/welcome", &[("name", TEST_NAME)])
        .await;
    assert_eq!(named.location(), Some("/invitations/accept"));
    let accept = dee.get("/invitations/accept").await;
    assert_eq!(accept.h1().as_deref(), Some("Join Night Shift"));
    let joined = dee
        .submit_from(&accept.body, "/invitations/accept", &[])
        .await;
    assert_eq!(joined.location(), Some("/g/night-shift?done=joined"));
    assert!(
        joined
            .set_cookie_names()
            .contains(&"quorum_invitation".to_string())
    );
    assert!(text(&dee.get("/g/night-shift").await).contains("You are a member of this group."));

    // The link worked once.
    assert_eq!(dee.get(&link).await.status, StatusCode::GONE);

    // Resending replaces the link; revoking kills it.
    let pending = ann.get("/g/night-shift/invitations").await;
    assert!(
        !text(&pending).contains("dee@example.org"),
        "accepted invitations are no longer pending"
    );
    let resend_action = action_ending(&pending.body, "/resend");
    let first = sink
        .wait_for_mail_to("eve@example.org", 1)
        .await
        .link_path("/invitations/");
    let resent = ann.submit_from(&pending.body, &resend_action, &[]).await;
    assert_eq!(
        resent.location(),
        Some("/g/night-shift/invitations?done=resent"),
        "{} {}",
        resent.status,
        resent.body
    );
    let second = sink
        .wait_for_mail_to("eve@example.org", 2)
        .await
        .link_path("/invitations/");
    assert_ne!(first, second);
    assert_eq!(app.browser().get(&first).await.status, StatusCode::GONE);
    assert_eq!(app.browser().get(&second).await.status, StatusCode::OK);
    let pending = ann.get("/g/night-shift/invitations").await;
    let revoke_action = resend_action.replace("/resend", "/revoke");
    let revoked = ann.submit_from(&pending.body, &revoke_action, &[]).await;
    assert_eq!(
        revoked.location(),
        Some("/g/night-shift/invitations?done=revoked"),
        "{} {}",
        revoked.status,
        revoked.body
    );
    assert_eq!(app.browser().get(&second).await.status, StatusCode::GONE);

    // No token reached the log.
    let log = app.logs();
    assert!(
        !log.contains(link.trim_start_matches("/invitations/")),
        "{log}"
    );
}

#[tokio::test]
async fn subgroups_stay_as_private_as_their_group_and_one_level_deep() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Union", "union", "closed", "request").await;
    let too_open = ann
        .submit(
            "/g/union/subgroups/new",
            "/g/union/subgroups/new",
            &[
                ("name", "Stewards"),
                ("handle", "stewards"),
                ("privacy", "open"),
                ("join_mode", "open"),
            ],
        )
        .await;
    assert_eq!(too_open.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&too_open).contains("A subgroup cannot be more visible than its group"));
    let made = ann
        .submit(
            "/g/union/subgroups/new",
            "/g/union/subgroups/new",
            &[
                ("name", "Stewards"),
                ("handle", "stewards"),
                ("privacy", "closed"),
                ("join_mode", "invitation"),
            ],
        )
        .await;
    assert_eq!(made.location(), Some("/g/stewards?done=created"));
    let stewards = ann.get("/g/stewards").await;
    assert!(text(&stewards).contains("Subgroup of Union"));
    assert_eq!(
        ann.get("/g/stewards/subgroups/new").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(text(&ann.get("/g/union/subgroups").await).contains("Stewards"));

    // The parent cannot become more private than its subgroup.
    let hidden = save_settings(
        &ann,
        "union",
        &[
            ("name", "Union"),
            ("handle", "union"),
            ("privacy", "secret"),
            ("join_mode", "invitation"),
        ],
        &DEFAULT_PERMISSIONS,
    )
    .await;
    assert_eq!(hidden.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(&hidden).contains("This group has closed subgroups"),
        "{}",
        text(&hidden)
    );

    // A new handle moves the group; the old address leads to it.
    let moved = save_settings(
        &ann,
        "union",
        &[
            ("name", "Union"),
            ("handle", "workers-union"),
            ("privacy", "closed"),
            ("join_mode", "request"),
        ],
        &DEFAULT_PERMISSIONS,
    )
    .await;
    assert_eq!(moved.location(), Some("/g/workers-union?done=settings"));
    let old = ann.get("/g/union").await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(old.location(), Some("/g/workers-union"));
    assert!(text(&ann.get("/g/stewards").await).contains("Subgroup of Union"));
}

/// Gives the group at `from` the handle `to` and the privacy `privacy`, as its admin.
async fn rename(admin: &Browser, from: &str, to: &str, privacy: &str) -> Reply {
    let join_mode = if privacy == "secret" {
        "invitation"
    } else {
        "open"
    };
    let fields = [
        ("name", "Riverside"),
        ("handle", to),
        ("privacy", privacy),
        ("join_mode", join_mode),
    ];
    save_settings(admin, from, &fields, &DEFAULT_PERMISSIONS).await
}

#[tokio::test]
async fn a_renamed_group_keeps_its_old_address_and_nobody_else_can_take_it() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let eve = signed_in_browser_named(&app, &sink, "eve@example.org", "Eve Doe").await;
    let made = create_group(&ann, "Riverside", "riverside", "open", "open").await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let moved = rename(&ann, "riverside", "riverside-tenants", "open").await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);

    // Old links and bookmarks lead on, with the rest of the address and its query.
    for (old, new) in [
        ("/g/riverside", "/g/riverside-tenants"),
        (
            "/g/riverside/members?page=2",
            "/g/riverside-tenants/members?page=2",
        ),
    ] {
        let reply = eve.get(old).await;
        assert_eq!(reply.status, StatusCode::MOVED_PERMANENTLY, "{old}");
        assert_eq!(reply.location(), Some(new), "{old}");
    }
    assert_eq!(
        eve.get("/g/nowhere").await.status,
        StatusCode::NOT_FOUND,
        "an unknown handle is still not found"
    );

    // Nobody else may set up a group at the old address.
    let impostor = create_group(&eve, "Riverside", "riverside", "open", "open").await;
    assert_eq!(impostor.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&impostor).contains("Another group already uses that handle"));

    // The group itself may take its old handle back; then the newer one is kept for it.
    let back = rename(&ann, "riverside-tenants", "riverside", "open").await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(eve.get("/g/riverside").await.status, StatusCode::OK);
    let reply = eve.get("/g/riverside-tenants").await;
    assert_eq!(reply.location(), Some("/g/riverside"));

    // A secret group's new handle is never told to someone who knew the old one.
    let hidden = rename(&ann, "riverside", "riverside-tenants", "secret").await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER, "{}", hidden.body);
    assert_eq!(eve.get("/g/riverside").await.status, StatusCode::NOT_FOUND);
    let impostor = create_group(&eve, "Riverside", "riverside", "open", "open").await;
    assert_eq!(impostor.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The admin may give the old address up sooner, from the settings page, which says what
    // that means. Nobody else may, and a handle the group never had is not its to give.
    let settings = ann.get("/g/riverside-tenants/settings").await;
    assert!(
        text(&settings).contains("/g/riverside, kept for the group until"),
        "{}",
        text(&settings)
    );
    assert!(text(&settings).contains("links to it will no longer work"));
    let release = "/g/riverside-tenants/settings/release";
    let token = eve.csrf_token("/").await;
    let refused = eve
        .send_and_read(eve.post_with_token(release, &token, "handle=riverside"))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let released = ann
        .submit_from(&settings.body, release, &[("handle", "riverside")])
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER, "{}", released.body);
    let after = ann.get(released.location().unwrap()).await;
    assert!(text(&after).contains("The old address is released"));
    assert!(!text(&after).contains("kept for the group until"));
    assert_eq!(eve.get("/g/riverside").await.status, StatusCode::NOT_FOUND);
    let taken = create_group(&eve, "Riverside Two", "riverside", "open", "open").await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    // Pressing again, or naming another group's handle, releases nothing.
    let again = ann
        .submit_from(&settings.body, release, &[("handle", "riverside")])
        .await;
    assert_eq!(again.location(), Some("/g/riverside-tenants/settings"));
    assert_eq!(
        eve.get("/g/riverside").await.h1().as_deref(),
        Some("Riverside Two")
    );
}

#[tokio::test]
async fn a_permission_no_checkbox_sends_is_refused_not_turned_off() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Riverside", "riverside", "open", "open").await;
    let fields = [
        ("name", "Riverside"),
        ("handle", "riverside"),
        ("privacy", "open"),
        ("join_mode", "open"),
    ];
    let mut tampered = DEFAULT_PERMISSIONS.to_vec();
    tampered.push("start_threadz");
    let refused = save_settings(&ann, "riverside", &fields, &tampered).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.title().unwrap().starts_with("Error: "));
    assert!(text(&refused).contains("Choose what members may do from the options listed"));
    // The answers are kept: the boxes that were ticked still are.
    assert!(
        refused.body.contains(r#"value="start_threads" checked"#),
        "{}",
        refused.body
    );
    let page = ann.get("/g/riverside/settings").await;
    for permission in DEFAULT_PERMISSIONS {
        assert!(
            page.body
                .contains(&format!(r#"value="{permission}" checked"#)),
            "{permission} is still on"
        );
    }
}

#[tokio::test]
async fn secret_subgroups_and_secret_parents_stay_unnamed_to_those_outside_them() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Tenants", "tenants", "open", "open").await;
    bob.submit("/g/tenants", "/g/tenants/join", &[]).await;
    let made = ann
        .submit(
            "/g/tenants/subgroups/new",
            "/g/tenants/subgroups/new",
            &[
                ("name", "Grievance Panel"),
                ("handle", "grievance"),
                ("privacy", "secret"),
                ("join_mode", "invitation"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);

    // Ann, in both, sees the event; Bob, only in the parent, sees neither it nor the name.
    assert!(
        text(&ann.get("/g/tenants").await)
            .contains("Ann Lee created the subgroup Grievance Panel.")
    );
    for page in [
        "/g/tenants",
        "/g/tenants/subgroups",
        "/dashboard",
        "/groups",
    ] {
        let reply = bob.get(page).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        assert!(
            !reply.body.contains("Grievance"),
            "{page} names the secret subgroup"
        );
    }

    // A secret parent is not named to someone who is only in its subgroup.
    create_group(&ann, "Board", "board", "secret", "invitation").await;
    ann.submit(
        "/g/board/subgroups/new",
        "/g/board/subgroups/new",
        &[
            ("name", "Audit"),
            ("handle", "audit"),
            ("privacy", "secret"),
            ("join_mode", "invitation"),
        ],
    )
    .await;
    ann.submit(
        "/g/audit/invitations",
        "/g/audit/invitations",
        &[("addresses", "bob@example.org")],
    )
    .await;
    let link = sink
        .wait_for_mail_to("bob@example.org", 2)
        .await
        .link_path("/invitations/");
    let invitation = bob.get(&link).await;
    let joined = bob
        .submit_from(&invitation.body, "/invitations/accept", &[])
        .await;
    assert_eq!(joined.location(), Some("/g/audit?done=joined"));
    for page in ["/g/audit", "/g/audit/members", "/dashboard"] {
        let reply = bob.get(page).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        assert!(
            !reply.body.contains("Board"),
            "{page} names the secret parent"
        );
    }
    assert!(text(&ann.get("/g/audit").await).contains("Subgroup of Board"));
}

#[tokio::test]
async fn members_who_may_invite_are_not_told_whose_address_is_whose() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    let bob = signed_in_browser_named(&app, &sink, "bob@example.org", "Bob Roe").await;
    create_group(&ann, "Open Garden", "garden", "open", "open").await;
    bob.submit("/g/garden", "/g/garden/join", &[]).await;
    let mut permissions = DEFAULT_PERMISSIONS.to_vec();
    permissions.push("add_members");
    let saved = save_settings(
        &ann,
        "garden",
        &[
            ("name", "Open Garden"),
            ("handle", "garden"),
            ("privacy", "open"),
            ("join_mode", "open"),
        ],
        &permissions,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let sent = bob
        .submit(
            "/g/garden/invitations",
            "/g/garden/invitations",
            &[("addresses", "ann@example.org\nnew@example.org")],
        )
        .await;
    let shown = text(&bob.get(sent.location().unwrap()).await);
    assert!(shown.contains("Done: 2 addresses."), "{shown}");
    assert!(!shown.contains("already a member"), "{shown}");
    sink.wait_for_mail_to("new@example.org", 1).await;
    assert!(
        sink.mail_to("ann@example.org")
            .iter()
            .all(|m| !m.subject.contains("invited you"))
    );
}

#[tokio::test]
async fn a_dead_invitation_forgets_the_kept_token() {
    let (app, sink) = start_with_mail().await;
    let ann = signed_in_browser_named(&app, &sink, "ann@example.org", "Ann Lee").await;
    create_group(&ann, "Open Garden", "garden", "open", "invitation").await;
    ann.submit(
        "/g/garden/invitations",
        "/g/garden/invitations",
        &[("addresses", "dee@example.org")],
    )
    .await;
    let link = sink
        .wait_for_mail_to("dee@example.org", 1)
        .await
        .link_path("/invitations/");
    let dee = app.browser();
    dee.get(&link).await;
    assert!(dee.cookie("quorum_invitation").is_some());
    // The invitation is revoked while Dee signs in.
    let pending = ann.get("/g/garden/invitations").await;
    let revoke = action_ending(&pending.body, "/revoke");
    ann.submit_from(&pending.body, &revoke, &[]).await;
    support::journey::sign_in_as(&dee, &sink, "dee@example.org").await;
    let kept = dee.get("/invitations/accept").await;
    assert_eq!(kept.status, StatusCode::GONE);
    assert!(
        kept.set_cookie_names()
            .contains(&"quorum_invitation".to_string())
    );
    assert!(dee.cookie("quorum_invitation").is_none());
}
