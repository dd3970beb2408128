//! The fields of a group's settings, shared by "Create a group", "Create a subgroup" and a
//! group's settings page, and how they are read from a post.

use leptos::prelude::*;

use crate::domain::groups::{
    DESCRIPTION_MAX, HANDLE_MAX, JoinMode, NAME_MAX, PERMISSION_OPTIONS, Privacy, SettingsAnswers,
    suggest_handle,
};
use crate::domain::validation::FormErrors;
use crate::pages::FormData;
use crate::ui::{CheckboxGroup, Choice, RadioGroup, TextInput, Textarea};

/// Reads the settings fields from a post. `with_permissions` is true on the form that shows
/// the permission checkboxes (an unticked box sends nothing, so absence means "off" there).
pub fn answers_from(form: &FormData, with_permissions: bool) -> SettingsAnswers {
    let name = form.text("name").to_string();
    let typed_handle = form.text("handle").trim().to_string();
    SettingsAnswers {
        handle: if typed_handle.is_empty() {
            suggest_handle(&name)
        } else {
            typed_handle
        },
        name,
        description: form.text("description").to_string(),
        privacy: form.text("privacy").to_string(),
        join_mode: form.text("join_mode").to_string(),
        permissions: with_permissions.then(|| form.all("permissions")),
    }
}

/// The settings fields, filled with `answers` and showing `errors`.
#[component]
pub fn SettingsFields(answers: SettingsAnswers, errors: FormErrors) -> impl IntoView {
    let privacy_choices = Privacy::ALL
        .iter()
        .map(|p| Choice::new(p.as_str(), p.label()).with_hint(p.explanation()))
        .collect();
    let join_choices = JoinMode::ALL
        .iter()
        .map(|m| Choice::new(m.as_str(), m.label()).with_hint(m.explanation()))
        .collect();
    let permissions = answers.permissions.clone().map(|ticked| {
        let choices = PERMISSION_OPTIONS
            .iter()
            .map(|o| Choice::new(o.value, o.label))
            .collect();
        view! {
            <CheckboxGroup name="permissions" legend="What members may do"
                hint="Admins can always do all of these, except editing members\u{2019} content, which only the last option allows."
                choices=choices selected=ticked/>
        }
    });
    let selected = |value: &str| (!value.is_empty()).then(|| value.to_string());
    view! {
        <TextInput name="name" label="Group name" value=answers.name.clone() error=errors.for_field("name")
            max_chars=NAME_MAX/>
        <TextInput name="handle" label="Handle"
            hint="The group\u{2019}s web address will be /g/ followed by the handle. Use letters a to z, numbers and hyphens. Leave it empty to make one from the name."
            value=answers.handle.clone() autocomplete="off" error=errors.for_field("handle") max_chars=HANDLE_MAX/>
        <Textarea name="description" label="Description (optional)"
            hint="What the group is for. You can use Markdown: *emphasis*, **strong**, [links](https://example.org) and lists."
            value=answers.description.clone() rows=6 error=errors.for_field("description")
            max_chars=DESCRIPTION_MAX/>
        <RadioGroup name="privacy" legend="Who can see the group?" choices=privacy_choices
            selected=selected(&answers.privacy) error=errors.for_field("privacy")/>
        <RadioGroup name="join_mode" legend="How do people join?" choices=join_choices
            selected=selected(&answers.join_mode) error=errors.for_field("join_mode")/>
        {permissions}
    }
}
