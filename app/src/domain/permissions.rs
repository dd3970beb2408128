//! Who may do what in a group: the one place that decides.
//!
//! Strategy: [`decide`] is a pure function of the group's settings, the person's relation to the
//! group and the action. Pages ask it through [`permit`], which hands out a [`Permit`] only when
//! the answer is yes; the store's functions that read or change group content take a `Permit`
//! for the matching action, and a `Permit` cannot be made anywhere else. So a query of group
//! content cannot run without the decision having been made.
//!
//! A refusal never says "forbidden": a group or page a person may not see or use answers "not
//! found", so a secret group cannot be told apart from one that does not exist. The one
//! exception is a signed-out person asking for something they could do once signed in, who is
//! sent to sign in.

use super::groups::{JoinMode, MemberPermissions, Privacy};

/// How the person asking stands with the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    SignedOut,
    /// Signed in, not a member, no request waiting.
    Outsider,
    /// Signed in and has asked to join; the request is waiting.
    Requester,
    Member,
    Admin,
}

impl Relation {
    pub const ALL: [Self; 5] = [
        Self::SignedOut,
        Self::Outsider,
        Self::Requester,
        Self::Member,
        Self::Admin,
    ];

    fn is_member(self) -> bool {
        matches!(self, Self::Member | Self::Admin)
    }
}

/// Everything a person can do with a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See that the group exists: its name, description and how to join.
    ViewGroup,
    /// Read what is inside: threads, decisions, subgroups, activity.
    ViewContent,
    /// See who the members are.
    ViewMembers,
    /// Join at once.
    Join,
    /// Ask to join, with an introduction.
    AskToJoin,
    Leave,
    /// Invite people by email, and see, resend and revoke pending invitations.
    Invite,
    /// Approve or ignore requests to join.
    ReviewRequests,
    /// Make and remove admins, remove members.
    ManageMembers,
    /// Change the name, handle, description, privacy, join mode and permissions.
    EditSettings,
    CreateSubgroup,
    StartThread,
    StartPoll,
    /// Comment, reply, react and vote.
    Participate,
    EditOwnComments,
    DeleteOwnComments,
    EditMembersContent,
    /// Keep the discussion in order: pin threads, close, edit, move or delete anyone's thread,
    /// and delete anyone's comment.
    Moderate,
    /// Read the group's audit log.
    ViewAuditLog,
}

impl Action {
    pub const ALL: [Self; 19] = [
        Self::ViewGroup,
        Self::ViewContent,
        Self::ViewMembers,
        Self::Join,
        Self::AskToJoin,
        Self::Leave,
        Self::Invite,
        Self::ReviewRequests,
        Self::ManageMembers,
        Self::EditSettings,
        Self::CreateSubgroup,
        Self::StartThread,
        Self::StartPoll,
        Self::Participate,
        Self::EditOwnComments,
        Self::DeleteOwnComments,
        Self::EditMembersContent,
        Self::Moderate,
        Self::ViewAuditLog,
    ];
}

/// The facts about a group that decisions depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupRules {
    pub privacy: Privacy,
    pub join_mode: JoinMode,
    pub permissions: MemberPermissions,
    /// Subgroups cannot have subgroups of their own (one level, as in Loomio).
    pub is_subgroup: bool,
}

/// The answer to "may this person do this?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Not while signed out, but a signed-in outsider could: sign in first.
    SignInFirst,
    /// No, and the person is not told why: the answer is "not found".
    Deny,
}

/// Decides whether a person in `relation` to a group with `rules` may do `action`.
pub fn decide(rules: &GroupRules, relation: Relation, action: Action) -> Decision {
    if allowed(rules, relation, action) {
        Decision::Allow
    } else if relation == Relation::SignedOut && allowed(rules, Relation::Outsider, action) {
        Decision::SignInFirst
    } else {
        Decision::Deny
    }
}

fn allowed(rules: &GroupRules, relation: Relation, action: Action) -> bool {
    let member = relation.is_member();
    let admin = relation == Relation::Admin;
    let can_see_group = member || rules.privacy != Privacy::Secret;
    let signed_in = relation != Relation::SignedOut;
    let p = &rules.permissions;
    match action {
        Action::ViewGroup => can_see_group,
        Action::ViewContent => member || rules.privacy == Privacy::Open,
        Action::ViewMembers | Action::Participate | Action::Leave => member,
        Action::Join => can_see_group && signed_in && !member && rules.join_mode == JoinMode::Open,
        Action::AskToJoin => {
            can_see_group && relation == Relation::Outsider && rules.join_mode == JoinMode::Request
        }
        Action::Invite => admin || (member && p.add_members),
        Action::ReviewRequests
        | Action::ManageMembers
        | Action::EditSettings
        | Action::Moderate
        | Action::ViewAuditLog => admin,
        Action::CreateSubgroup => !rules.is_subgroup && (admin || (member && p.create_subgroups)),
        Action::StartThread => admin || (member && p.start_threads),
        Action::StartPoll => admin || (member && p.start_polls),
        Action::EditOwnComments => admin || (member && p.edit_own_comments),
        Action::DeleteOwnComments => admin || (member && p.delete_own_comments),
        Action::EditMembersContent => admin && p.admins_edit_member_content,
    }
}

/// Proof that a person may do `action` in the group `group_id`. Only [`permit`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permit {
    group_id: String,
    action: Action,
    /// A `ViewContent` permit that reaches private threads too: a support reader's
    /// ([`support_read_permit`]). It is still a `ViewContent` permit, so nothing that changes
    /// content accepts it.
    private_too: bool,
}

impl Permit {
    pub fn group_id(&self) -> &str {
        &self.group_id
    }

    /// Whether this permit is for `action`.
    pub fn is_for(&self, action: Action) -> bool {
        self.action == action
    }

    /// Whether this reading permit reaches private threads as well (see [`support_read_permit`]).
    pub fn reads_private(&self) -> bool {
        self.private_too
    }
}

/// The permit an operator reads a group with while one of its admins grants support access: a
/// member's reading, private threads included, and nothing else. The caller (`GroupAccess`)
/// gives it only while the group has an active grant and the person is an operator.
pub fn support_read_permit(group_id: &str) -> Permit {
    Permit {
        group_id: group_id.to_string(),
        action: Action::ViewContent,
        private_too: true,
    }
}

/// A permit for `action` in group `group_id`, or the decision that refused it.
pub fn permit(
    group_id: &str,
    rules: &GroupRules,
    relation: Relation,
    action: Action,
) -> Result<Permit, Decision> {
    match decide(rules, relation, action) {
        Decision::Allow => Ok(Permit {
            group_id: group_id.to_string(),
            action,
            private_too: false,
        }),
        refused => Err(refused),
    }
}

/// Whether a person can stop being an admin (by leaving, being removed or stepping down): a
/// group always keeps at least one admin, so that someone can always run it.
pub fn may_lose_admin(admin_count: u64) -> bool {
    admin_count > 1
}

#[cfg(test)]
mod tests;
