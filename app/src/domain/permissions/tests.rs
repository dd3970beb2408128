//! The permission rules written out by hand, as a table, and checked against `decide`.

use super::*;

/// Each row: privacy/join mode, relation, then one letter per action in `Action::ALL` order:
/// `Y` allowed, `S` sign in first, `.` refused (not found). With the default member permissions.
///
/// Actions: view, content, members, join, ask, leave, invite, review, manage, edit, subgroup,
/// thread, poll, participate, edit own, delete own, edit members' content, moderate, audit log.
const EXPECTED: &str = "
open/open         signed-out  YY.S...............
open/open         outsider    YY.Y...............
open/open         requester   YY.Y...............
open/open         member      YYY..Y.....YYYYY...
open/open         admin       YYY..YYYYYYYYYYY.YY
open/request      signed-out  YY..S..............
open/request      outsider    YY..Y..............
open/request      requester   YY.................
open/request      member      YYY..Y.....YYYYY...
open/request      admin       YYY..YYYYYYYYYYY.YY
open/invitation   signed-out  YY.................
open/invitation   outsider    YY.................
open/invitation   requester   YY.................
open/invitation   member      YYY..Y.....YYYYY...
open/invitation   admin       YYY..YYYYYYYYYYY.YY
closed/request    signed-out  Y...S..............
closed/request    outsider    Y...Y..............
closed/request    requester   Y..................
closed/request    member      YYY..Y.....YYYYY...
closed/request    admin       YYY..YYYYYYYYYYY.YY
closed/invitation signed-out  Y..................
closed/invitation outsider    Y..................
closed/invitation requester   Y..................
closed/invitation member      YYY..Y.....YYYYY...
closed/invitation admin       YYY..YYYYYYYYYYY.YY
secret/invitation signed-out  ...................
secret/invitation outsider    ...................
secret/invitation requester   ...................
secret/invitation member      YYY..Y.....YYYYY...
secret/invitation admin       YYY..YYYYYYYYYYY.YY
";

fn relation(name: &str) -> Relation {
    match name {
        "signed-out" => Relation::SignedOut,
        "outsider" => Relation::Outsider,
        "requester" => Relation::Requester,
        "member" => Relation::Member,
        "admin" => Relation::Admin,
        other => panic!("unknown relation {other}"),
    }
}

fn rules(kind: &str) -> GroupRules {
    let (privacy, join_mode) = kind.split_once('/').unwrap();
    GroupRules {
        privacy: Privacy::parse(privacy).unwrap(),
        join_mode: JoinMode::parse(join_mode).unwrap(),
        permissions: MemberPermissions::default(),
        is_subgroup: false,
    }
}

fn letter(decision: Decision) -> char {
    match decision {
        Decision::Allow => 'Y',
        Decision::SignInFirst => 'S',
        Decision::Deny => '.',
    }
}

#[test]
fn the_whole_matrix_matches_the_table() {
    let mut checked = 0;
    for line in EXPECTED.lines().filter(|l| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [kind, who, expected] = parts[..] else {
            panic!("bad row {line}")
        };
        let rules = rules(kind);
        let actual: String = Action::ALL
            .iter()
            .map(|action| letter(decide(&rules, relation(who), *action)))
            .collect();
        assert_eq!(actual, expected, "{kind} {who}");
        checked += Action::ALL.len();
    }
    assert_eq!(checked, 6 * 5 * 19);
}

#[test]
fn members_get_what_admins_allow_and_nothing_more() {
    let mut rules = rules("closed/request");
    assert_eq!(
        decide(&rules, Relation::Member, Action::Invite),
        Decision::Deny
    );
    rules.permissions.add_members = true;
    rules.permissions.create_subgroups = true;
    rules.permissions.start_threads = false;
    rules.permissions.start_polls = false;
    rules.permissions.edit_own_comments = false;
    rules.permissions.delete_own_comments = false;
    for (action, expected) in [
        (Action::Invite, Decision::Allow),
        (Action::CreateSubgroup, Decision::Allow),
        (Action::StartThread, Decision::Deny),
        (Action::StartPoll, Decision::Deny),
        (Action::EditOwnComments, Decision::Deny),
        (Action::DeleteOwnComments, Decision::Deny),
        (Action::ReviewRequests, Decision::Deny),
        (Action::EditSettings, Decision::Deny),
    ] {
        assert_eq!(
            decide(&rules, Relation::Member, action),
            expected,
            "{action:?}"
        );
    }
    // Admins keep their own powers whatever members are allowed.
    assert_eq!(
        decide(&rules, Relation::Admin, Action::StartThread),
        Decision::Allow
    );
    assert_eq!(
        decide(&rules, Relation::Admin, Action::EditOwnComments),
        Decision::Allow
    );
}

#[test]
fn only_admins_edit_members_content_and_only_when_the_group_says_so() {
    let mut rules = rules("open/open");
    assert_eq!(
        decide(&rules, Relation::Admin, Action::EditMembersContent),
        Decision::Deny
    );
    rules.permissions.admins_edit_member_content = true;
    assert_eq!(
        decide(&rules, Relation::Admin, Action::EditMembersContent),
        Decision::Allow
    );
    assert_eq!(
        decide(&rules, Relation::Member, Action::EditMembersContent),
        Decision::Deny
    );
}

#[test]
fn subgroups_have_no_subgroups() {
    let mut rules = rules("open/open");
    rules.is_subgroup = true;
    rules.permissions.create_subgroups = true;
    for who in Relation::ALL {
        assert_eq!(
            decide(&rules, who, Action::CreateSubgroup),
            Decision::Deny,
            "{who:?}"
        );
    }
}

#[test]
fn a_permit_is_given_only_for_an_allowed_action_and_names_it() {
    let rules = rules("secret/invitation");
    let permit = permit("g1", &rules, Relation::Member, Action::ViewMembers).unwrap();
    assert_eq!(permit.group_id(), "g1");
    assert!(permit.is_for(Action::ViewMembers));
    assert!(!permit.is_for(Action::ManageMembers));
    assert_eq!(
        super::permit("g1", &rules, Relation::Outsider, Action::ViewGroup),
        Err(Decision::Deny)
    );
}

#[test]
fn a_group_always_keeps_an_admin() {
    assert!(!may_lose_admin(1));
    assert!(may_lose_admin(2));
}
