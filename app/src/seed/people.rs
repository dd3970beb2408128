//! The people, the groups and who belongs to which.

use super::rng::Rng;
use super::{ACTIVITY_COLUMNS, Activity, Group, Writer, words};
use crate::domain::groups::MemberPermissions;
use crate::store::{StoreError, Value};

const DAY: i64 = 86_400;

/// Writes `1,000 × scale` accounts; their ids, in order.
pub(super) async fn write_people(
    out: &mut Writer,
    mut rng: Rng,
    scale: usize,
) -> Result<Vec<String>, StoreError> {
    let count = 1_000 * scale;
    let mut ids = Vec::with_capacity(count);
    let mut rows = Vec::with_capacity(count);
    for n in 1..=count {
        let id = out.ids.next();
        let name = words::person_name(&mut rng);
        let created_at = out.now - 400 * DAY + rng.between(0, 30 * DAY);
        rows.push(vec![
            id.clone().into(),
            format!("person-{n:05}@example.org").into(),
            name.clone().into(),
            words::handle(&name, n).into(),
            created_at.into(),
        ]);
        ids.push(id);
    }
    out.bulk
        .insert(
            "accounts",
            &["id", "email", "display_name", "handle", "created_at"],
            &rows,
        )
        .await?;
    Ok(ids)
}

/// The groups' sizes: the first holds everyone, then a Zipf-like fall (size ∝ 1/k^1.5), never
/// fewer than 3.
fn sizes(people: usize, groups: usize) -> Vec<usize> {
    (1..=groups)
        .map(|k| {
            let size = people as f64 / (k as f64).powf(1.5);
            (size.round() as usize).clamp(3, people)
        })
        .collect()
}

/// Writes `10 × scale` groups (a fifth of them subgroups), their memberships and their
/// "created" and "subgroup" activity.
pub(super) async fn write_groups(
    out: &mut Writer,
    mut rng: Rng,
    scale: usize,
    people: &[String],
) -> Result<Vec<Group>, StoreError> {
    let top = 8 * scale;
    let subgroups = 2 * scale;
    let everyone: Vec<usize> = (0..people.len()).collect();
    let mut groups = Vec::new();
    let mut rows = Vec::new();
    let mut sub_rows = Vec::new();
    let mut parents = Vec::new();
    for (k, size) in sizes(people.len(), top).into_iter().enumerate() {
        let members = if k == 0 {
            everyone.clone()
        } else {
            rng.sample(&everyone, size)
        };
        // Every kind of group at any scale, the largest open to all.
        let (privacy, join_mode) = match (k, k % 6) {
            (0, _) | (_, 1 | 4) => ("open", "open"),
            (_, 2) => ("open", "request"),
            (_, 3) => ("closed", "request"),
            (_, 5) => ("closed", "invitation"),
            _ => ("secret", "invitation"),
        };
        groups.push(new_group(out, k, privacy == "open", members));
        parents.push(None);
        rows.push((privacy, join_mode));
    }
    for s in 0..subgroups {
        // Subgroups belong to the large groups, most to the largest.
        let parent = rng.below(3.min(top)).min(rng.below(3.min(top)));
        let parent_size = groups[parent].members.len();
        let size = (parent_size / rng.between(4, 10).unsigned_abs() as usize).max(3);
        let members = rng.sample(&groups[parent].members, size);
        let privacy = if rows[parent].0 == "secret" {
            "secret"
        } else {
            "closed"
        };
        let join_mode = if privacy == "secret" {
            "invitation"
        } else {
            "request"
        };
        groups.push(new_group(out, top + s, false, members));
        parents.push(Some(parent));
        rows.push((privacy, join_mode));
    }

    let permissions = MemberPermissions::default();
    let mut memberships = Vec::new();
    let mut activity = Vec::new();
    for (k, group) in groups.iter().enumerate() {
        let name = words::group_name(&mut rng);
        let created_at = out.now - 380 * DAY + rng.between(0, 10 * DAY);
        let creator = people[group.members[0]].as_str();
        let parent_id = parents[k].map(|p| groups[p].id.clone());
        let (privacy, join_mode) = rows[k];
        let row = vec![
            group.id.clone().into(),
            group.handle.clone().into(),
            format!("{name} {}", k + 1).into(),
            words::sentences(&mut rng, 2).into(),
            parent_id.clone().into(),
            privacy.into(),
            join_mode.into(),
            permissions.start_threads.into(),
            permissions.start_polls.into(),
            permissions.add_members.into(),
            permissions.edit_own_comments.into(),
            permissions.delete_own_comments.into(),
            permissions.create_subgroups.into(),
            permissions.admins_edit_member_content.into(),
            creator.into(),
            created_at.into(),
            created_at.into(),
        ];
        sub_rows.push((parents[k].is_some(), row));
        for (n, member) in group.members.iter().enumerate() {
            let role = if n < group.admins { "admin" } else { "member" };
            memberships.push(vec![
                group.id.clone().into(),
                people[*member].clone().into(),
                role.into(),
                (created_at + rng.between(0, 300 * DAY)).into(),
            ]);
        }
        activity.push(out.activity(&Activity {
            group_id: &group.id,
            actor_id: creator,
            kind: "created",
            at: created_at,
            subgroup: None,
            thread: None,
            comment: None,
            poll: None,
        }));
        if let Some(parent) = &parent_id {
            activity.push(out.activity(&Activity {
                group_id: parent,
                actor_id: creator,
                kind: "subgroup",
                at: created_at,
                subgroup: Some(&group.id),
                thread: None,
                comment: None,
                poll: None,
            }));
        }
    }
    // Parents first: a subgroup names its parent.
    for subgroup in [false, true] {
        let batch: Vec<Vec<Value>> = sub_rows
            .iter()
            .filter(|(is_sub, _)| *is_sub == subgroup)
            .map(|(_, row)| row.clone())
            .collect();
        out.bulk.insert("groups", GROUP_COLUMNS, &batch).await?;
    }
    out.bulk
        .insert(
            "memberships",
            &["group_id", "account_id", "role", "joined_at"],
            &memberships,
        )
        .await?;
    out.bulk
        .insert("group_activity", ACTIVITY_COLUMNS, &activity)
        .await?;
    Ok(groups)
}

const GROUP_COLUMNS: &[&str] = &[
    "id",
    "handle",
    "name",
    "description",
    "parent_id",
    "privacy",
    "join_mode",
    "members_start_threads",
    "members_start_polls",
    "members_add_members",
    "members_edit_own_comments",
    "members_delete_own_comments",
    "members_create_subgroups",
    "admins_edit_member_content",
    "created_by",
    "created_at",
    "updated_at",
];

fn new_group(out: &mut Writer, k: usize, open: bool, members: Vec<usize>) -> Group {
    let admins = (members.len() / 50).clamp(1, 5);
    Group {
        id: out.ids.next(),
        handle: format!("group-{}", k + 1),
        open,
        members,
        admins,
    }
}
