//! What a group is made of and the rules its settings must keep: privacy, join mode, the
//! permissions admins give members, the handle used in its URLs, and how a settings form is
//! checked. Everything a person can choose is named here once, with the words the pages show.

use super::validation::{FormErrors, required_text};

/// Who can see a group, from most to least visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Privacy {
    /// Everything is public except the member list.
    Open,
    /// The name and description are public; threads, decisions and members are for members.
    Closed,
    /// Only members know the group exists; people join by invitation.
    Secret,
}

/// How people become members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinMode {
    /// Anyone signed in may join at once.
    Open,
    /// People ask, with a short introduction, and an admin approves.
    Request,
    /// Only people an admin (or a member, when allowed) invites.
    Invitation,
}

impl Privacy {
    pub const ALL: [Self; 3] = [Self::Open, Self::Closed, Self::Secret];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Secret => "secret",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }

    /// The option's label on the settings form.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Closed => "Closed",
            Self::Secret => "Secret",
        }
    }

    /// What the option means, shown as its hint (and on the group's page).
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Open => {
                "Anyone can find the group and read its threads and decisions. Only members see who the members are."
            }
            Self::Closed => {
                "Anyone can find the group and read its name and description. Only members see its threads, decisions and members."
            }
            Self::Secret => {
                "Only members know the group exists. Everyone else gets \u{201c}Page not found\u{201d}. People join by invitation."
            }
        }
    }
}

impl JoinMode {
    pub const ALL: [Self; 3] = [Self::Open, Self::Request, Self::Invitation];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Request => "request",
            Self::Invitation => "invitation",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Anyone may join",
            Self::Request => "People ask to join and an admin approves",
            Self::Invitation => "Invitation only",
        }
    }

    pub fn explanation(self) -> &'static str {
        match self {
            Self::Open => "Anyone signed in to Quorum can join at once. Only for open groups.",
            Self::Request => {
                "People write a short introduction, and an admin approves or ignores it. Not for secret groups."
            }
            Self::Invitation => "People join only from an email invitation.",
        }
    }
}

/// What admins allow members to do. Admins may always do all of it, except editing other
/// members' content, which is itself a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemberPermissions {
    pub start_threads: bool,
    pub start_polls: bool,
    pub add_members: bool,
    pub edit_own_comments: bool,
    pub delete_own_comments: bool,
    pub create_subgroups: bool,
    pub admins_edit_member_content: bool,
}

impl Default for MemberPermissions {
    /// A new group lets members discuss and decide, and keeps membership with its admins.
    fn default() -> Self {
        Self {
            start_threads: true,
            start_polls: true,
            add_members: false,
            edit_own_comments: true,
            delete_own_comments: true,
            create_subgroups: false,
            admins_edit_member_content: false,
        }
    }
}

/// One permission: its form value and the words of its checkbox.
#[derive(Debug, Clone, Copy)]
pub struct PermissionOption {
    pub value: &'static str,
    pub label: &'static str,
    get: fn(&MemberPermissions) -> bool,
    set: fn(&mut MemberPermissions, bool),
}

/// Every permission, in the order the form lists them.
pub const PERMISSION_OPTIONS: [PermissionOption; 7] = [
    PermissionOption {
        value: "start_threads",
        label: "Members may start threads",
        get: |p| p.start_threads,
        set: |p, v| p.start_threads = v,
    },
    PermissionOption {
        value: "start_polls",
        label: "Members may start proposals and polls",
        get: |p| p.start_polls,
        set: |p, v| p.start_polls = v,
    },
    PermissionOption {
        value: "add_members",
        label: "Members may invite people",
        get: |p| p.add_members,
        set: |p, v| p.add_members = v,
    },
    PermissionOption {
        value: "edit_own_comments",
        label: "Members may edit their own comments",
        get: |p| p.edit_own_comments,
        set: |p, v| p.edit_own_comments = v,
    },
    PermissionOption {
        value: "delete_own_comments",
        label: "Members may delete their own comments",
        get: |p| p.delete_own_comments,
        set: |p, v| p.delete_own_comments = v,
    },
    PermissionOption {
        value: "create_subgroups",
        label: "Members may create subgroups",
        get: |p| p.create_subgroups,
        set: |p, v| p.create_subgroups = v,
    },
    PermissionOption {
        value: "admins_edit_member_content",
        label: "Admins may edit members\u{2019} threads and comments",
        get: |p| p.admins_edit_member_content,
        set: |p, v| p.admins_edit_member_content = v,
    },
];

impl MemberPermissions {
    /// The form values of the permissions that are on.
    pub fn ticked(&self) -> Vec<String> {
        PERMISSION_OPTIONS
            .iter()
            .filter(|o| (o.get)(self))
            .map(|o| o.value.to_string())
            .collect()
    }

    /// The permissions whose checkboxes were ticked (`check_settings` refuses unknown values).
    pub fn from_ticked(values: &[String]) -> Self {
        let mut permissions = Self {
            start_threads: false,
            start_polls: false,
            add_members: false,
            edit_own_comments: false,
            delete_own_comments: false,
            create_subgroups: false,
            admins_edit_member_content: false,
        };
        for option in &PERMISSION_OPTIONS {
            (option.set)(&mut permissions, values.iter().any(|v| v == option.value));
        }
        permissions
    }
}

/// Whether a privacy and join mode make sense together. A secret group is invisible, so nobody
/// could find it to join or ask; a closed group keeps its content for members, and letting
/// anyone join at once would make that content public to anyone with an account.
pub fn combination_problem(privacy: Privacy, join_mode: JoinMode) -> Option<&'static str> {
    match (privacy, join_mode) {
        (Privacy::Secret, JoinMode::Open | JoinMode::Request) => Some(
            "A secret group can only be joined by invitation. Choose \u{201c}Invitation only\u{201d}, or make the group open or closed",
        ),
        (Privacy::Closed, JoinMode::Open) => Some(
            "A closed group cannot let anyone join at once. Choose \u{201c}People ask to join\u{201d} or \u{201c}Invitation only\u{201d}, or make the group open",
        ),
        _ => None,
    }
}

/// The longest handle, in characters.
pub const HANDLE_MAX: usize = 40;
/// The longest group name, in characters.
pub const NAME_MAX: usize = 100;
/// The longest description, in characters.
pub const DESCRIPTION_MAX: usize = 5_000;

/// Handles that would clash with the site's own words in URLs or mislead people.
const RESERVED_HANDLES: &[&str] = &[
    "admin", "new", "edit", "groups", "group", "quorum", "settings", "support", "help", "about",
    "api", "sign-in", "account", "staff", "root",
];

/// A handle as stored and compared: trimmed and lower-cased.
pub fn normalize_handle(value: &str) -> String {
    value.trim().to_lowercase()
}

/// What is wrong with a (normalised) handle, if anything.
pub fn handle_problem(handle: &str) -> Option<&'static str> {
    let length = handle.chars().count();
    if handle.is_empty() {
        Some("Enter a handle for the group's web address")
    } else if !(3..=HANDLE_MAX).contains(&length) {
        Some("The handle must be between 3 and 40 characters")
    } else if !handle
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Some("The handle can only use letters a to z, numbers and hyphens (-)")
    } else if handle.starts_with('-') || handle.ends_with('-') || handle.contains("--") {
        Some("The handle must start and end with a letter or number, with single hyphens between")
    } else if RESERVED_HANDLES.contains(&handle) {
        Some("That handle is not available. Choose another")
    } else {
        None
    }
}

/// A handle suggested from a group's name: "Tenants' Association 2026" → "tenants-association-2026".
pub fn suggest_handle(name: &str) -> String {
    let mut handle = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            handle.push(c);
        } else if !handle.is_empty() && !handle.ends_with('-') {
            handle.push('-');
        }
        if handle.len() >= HANDLE_MAX {
            break;
        }
    }
    handle.trim_end_matches('-').to_string()
}

/// A group's settings as typed into its form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsAnswers {
    pub name: String,
    pub handle: String,
    pub description: String,
    pub privacy: String,
    pub join_mode: String,
    /// Ticked permissions; `None` on the form that does not show them (a new group).
    pub permissions: Option<Vec<String>>,
}

/// A group's settings once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub name: String,
    pub handle: String,
    pub description: String,
    pub privacy: Privacy,
    pub join_mode: JoinMode,
    pub permissions: MemberPermissions,
}

/// The privacy limits that come from a group's place: a subgroup may not be more visible than
/// its parent, and a parent may not become more private than its subgroups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrivacyBounds {
    /// The parent's privacy, for a subgroup.
    pub parent: Option<Privacy>,
    /// The most visible privacy among the group's subgroups.
    pub most_visible_subgroup: Option<Privacy>,
}

/// Checks a settings form whole: every problem at once, in the order of the form.
pub fn check_settings(
    answers: &SettingsAnswers,
    bounds: PrivacyBounds,
) -> Result<Settings, FormErrors> {
    let mut errors = FormErrors::new();
    required_text(
        &mut errors,
        "name",
        &answers.name,
        "Enter the group's name",
        NAME_MAX,
        "The group's name must be 100 characters or fewer",
    );
    let handle = normalize_handle(&answers.handle);
    if let Some(problem) = handle_problem(&handle) {
        errors.add("handle", problem);
    }
    if answers.description.chars().count() > DESCRIPTION_MAX {
        errors.add(
            "description",
            "The description must be 5,000 characters or fewer",
        );
    }
    let privacy = Privacy::parse(&answers.privacy);
    let join_mode = JoinMode::parse(&answers.join_mode);
    match privacy {
        None => errors.add("privacy", "Choose who can see the group"),
        Some(privacy) => {
            if let Some(parent) = bounds.parent.filter(|parent| privacy < *parent) {
                errors.add(
                    "privacy",
                    format!(
                        "A subgroup cannot be more visible than its group, which is {}. Choose {}",
                        parent.as_str(),
                        if parent == Privacy::Closed {
                            "closed or secret"
                        } else {
                            "secret"
                        }
                    ),
                );
            }
            if let Some(child) = bounds
                .most_visible_subgroup
                .filter(|child| privacy > *child)
            {
                errors.add(
                    "privacy",
                    format!(
                        "This group has {} subgroups, which cannot be more visible than it. Make them more private first, or choose {}",
                        child.as_str(),
                        child.as_str()
                    ),
                );
            }
        }
    }
    match (privacy, join_mode) {
        (_, None) => errors.add("join_mode", "Choose how people join the group"),
        (Some(privacy), Some(join_mode)) => {
            if let Some(problem) = combination_problem(privacy, join_mode) {
                errors.add("join_mode", problem);
            }
        }
        (None, Some(_)) => {}
    }
    // A value no checkbox sends is a tampered or out-of-date form: refused, never read as "off".
    let known = |value: &String| PERMISSION_OPTIONS.iter().any(|o| o.value == value);
    if answers
        .permissions
        .as_ref()
        .is_some_and(|ticked| !ticked.iter().all(known))
    {
        errors.add(
            "permissions",
            "Choose what members may do from the options listed",
        );
    }
    match (privacy, join_mode, errors.is_empty()) {
        (Some(privacy), Some(join_mode), true) => Ok(Settings {
            name: answers.name.trim().to_string(),
            handle,
            description: answers.description.trim().to_string(),
            privacy,
            join_mode,
            permissions: answers
                .permissions
                .as_deref()
                .map_or_else(MemberPermissions::default, MemberPermissions::from_ticked),
        }),
        _ => Err(errors),
    }
}

/// What changed between two versions of a group's settings, in words for the audit log, such as
/// "Privacy: Closed → Open; Handle: tenants → renters"; "No change" when nothing did.
pub fn settings_changes(before: &Settings, after: &Settings) -> String {
    let mut changes = Vec::new();
    if before.name != after.name {
        changes.push(format!("Name: {} \u{2192} {}", before.name, after.name));
    }
    if before.handle != after.handle {
        changes.push(format!(
            "Handle: {} \u{2192} {}",
            before.handle, after.handle
        ));
    }
    if before.description != after.description {
        changes.push("Description changed".to_string());
    }
    if before.privacy != after.privacy {
        changes.push(format!(
            "Privacy: {} \u{2192} {}",
            before.privacy.label(),
            after.privacy.label()
        ));
    }
    if before.join_mode != after.join_mode {
        changes.push(format!(
            "Joining: {} \u{2192} {}",
            before.join_mode.label(),
            after.join_mode.label()
        ));
    }
    let yes_no = |on: bool| if on { "yes" } else { "no" };
    for option in &PERMISSION_OPTIONS {
        let (was, is) = (
            (option.get)(&before.permissions),
            (option.get)(&after.permissions),
        );
        if was != is {
            changes.push(format!(
                "{}: {} \u{2192} {}",
                option.label,
                yes_no(was),
                yes_no(is)
            ));
        }
    }
    if changes.is_empty() {
        "No change".to_string()
    } else {
        changes.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(privacy: &str, join_mode: &str) -> SettingsAnswers {
        SettingsAnswers {
            name: "Riverside Tenants".into(),
            handle: " Riverside-Tenants ".into(),
            description: "We meet monthly.".into(),
            privacy: privacy.into(),
            join_mode: join_mode.into(),
            permissions: None,
        }
    }

    #[test]
    fn every_sensible_combination_is_accepted_and_the_rest_refused() {
        let mut accepted = Vec::new();
        for privacy in Privacy::ALL {
            for join_mode in JoinMode::ALL {
                if combination_problem(privacy, join_mode).is_none() {
                    accepted.push((privacy, join_mode));
                }
            }
        }
        assert_eq!(
            accepted,
            [
                (Privacy::Open, JoinMode::Open),
                (Privacy::Open, JoinMode::Request),
                (Privacy::Open, JoinMode::Invitation),
                (Privacy::Closed, JoinMode::Request),
                (Privacy::Closed, JoinMode::Invitation),
                (Privacy::Secret, JoinMode::Invitation),
            ]
        );
    }

    #[test]
    fn a_secret_group_open_to_join_is_refused_with_a_way_out() {
        let errors =
            check_settings(&answers("secret", "open"), PrivacyBounds::default()).unwrap_err();
        let message = errors.for_field("join_mode").unwrap();
        assert!(message.contains("Invitation only"), "{message}");
    }

    #[test]
    fn good_answers_are_trimmed_and_the_handle_lower_cased() {
        let settings =
            check_settings(&answers("closed", "request"), PrivacyBounds::default()).unwrap();
        assert_eq!(settings.handle, "riverside-tenants");
        assert_eq!(settings.privacy, Privacy::Closed);
        assert_eq!(settings.permissions, MemberPermissions::default());
    }

    #[test]
    fn every_problem_is_reported_at_once_in_form_order() {
        let bad = SettingsAnswers {
            description: "x".repeat(DESCRIPTION_MAX + 1),
            ..SettingsAnswers::default()
        };
        let errors = check_settings(&bad, PrivacyBounds::default()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            ["name", "handle", "description", "privacy", "join_mode"]
        );
    }

    #[test]
    fn handles_are_checked_for_shape_and_reserved_words() {
        for ok in ["abc", "river-side", "team42", &"a".repeat(40)] {
            assert_eq!(handle_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "ab",
            "Ab c",
            "-abc",
            "abc-",
            "a--b",
            "über",
            "new",
            &"a".repeat(41),
        ] {
            assert!(handle_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn a_handle_is_suggested_from_the_name() {
        assert_eq!(
            suggest_handle("Tenants' Association 2026"),
            "tenants-association-2026"
        );
        assert_eq!(suggest_handle("  ¡Hola!  "), "hola");
    }

    #[test]
    fn subgroups_stay_at_least_as_private_as_their_group_and_parents_as_visible_as_subgroups() {
        let under_closed = PrivacyBounds {
            parent: Some(Privacy::Closed),
            most_visible_subgroup: None,
        };
        assert!(check_settings(&answers("open", "open"), under_closed).is_err());
        assert!(check_settings(&answers("closed", "request"), under_closed).is_ok());
        let with_open_child = PrivacyBounds {
            parent: None,
            most_visible_subgroup: Some(Privacy::Open),
        };
        let errors = check_settings(&answers("secret", "invitation"), with_open_child).unwrap_err();
        assert!(errors.for_field("privacy").unwrap().contains("subgroups"));
    }

    #[test]
    fn an_unknown_permission_is_refused_not_read_as_off() {
        let mut given = answers("open", "open");
        given.permissions = Some(vec!["start_threads".into(), "start_thread".into()]);
        let errors = check_settings(&given, PrivacyBounds::default()).unwrap_err();
        assert_eq!(
            errors.for_field("permissions").as_deref(),
            Some("Choose what members may do from the options listed")
        );
        given.permissions = Some(vec!["start_threads".into()]);
        assert!(check_settings(&given, PrivacyBounds::default()).is_ok());
    }

    #[test]
    fn ticked_permissions_round_trip() {
        let permissions = MemberPermissions {
            add_members: true,
            start_polls: false,
            ..MemberPermissions::default()
        };
        assert_eq!(
            MemberPermissions::from_ticked(&permissions.ticked()),
            permissions
        );
        assert_eq!(
            MemberPermissions::from_ticked(&["nonsense".to_string()]),
            MemberPermissions::from_ticked(&[])
        );
    }

    #[test]
    fn settings_changes_say_what_changed_from_what_to_what() {
        let before = Settings {
            name: "Tenants".into(),
            handle: "tenants".into(),
            description: "Our building.".into(),
            privacy: Privacy::Closed,
            join_mode: JoinMode::Invitation,
            permissions: MemberPermissions::default(),
        };
        assert_eq!(settings_changes(&before, &before), "No change");
        let mut after = before.clone();
        after.handle = "renters".into();
        after.privacy = Privacy::Open;
        after.permissions.start_polls = !before.permissions.start_polls;
        let was = if before.permissions.start_polls {
            "yes"
        } else {
            "no"
        };
        let is = if after.permissions.start_polls {
            "yes"
        } else {
            "no"
        };
        assert_eq!(
            settings_changes(&before, &after),
            format!(
                "Handle: tenants \u{2192} renters; Privacy: Closed \u{2192} Open; Members may start proposals and polls: {was} \u{2192} {is}"
            )
        );
    }
}
