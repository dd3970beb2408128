//! Radios (choose one) and checkboxes (choose any), always in a `fieldset` with a `legend`.
//!
//! Accessibility: the legend is the question and is read with every option ("How should we
//! contact you?, group, Email, radio button, 1 of 3"); the group's hint and error are tied to the
//! fieldset with `aria-describedby`; an option's own hint is tied to its input. Native inputs
//! are used, enlarged with CSS, so arrow keys move between radios, Space ticks a checkbox, and
//! forced-colours mode draws them in system colours. The first input's id is the group name,
//! which is where the error summary link lands; the others are `name-2`, `name-3`, ….

use leptos::prelude::*;

use super::described_by;
use super::field::{FieldError, FieldHint, group_class};

/// One option of a radio or checkbox group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Radio,
    Checkbox,
}

#[component]
pub fn RadioGroup(
    name: &'static str,
    #[prop(into)] legend: String,
    #[prop(optional, into)] hint: Option<String>,
    choices: Vec<Choice>,
    /// The value chosen last time, if any.
    #[prop(default = None)]
    selected: Option<String>,
    #[prop(default = None)] error: Option<String>,
) -> impl IntoView {
    let selected: Vec<String> = selected.into_iter().collect();
    choice_group(Kind::Radio, name, legend, hint, choices, selected, error)
}

#[component]
pub fn CheckboxGroup(
    name: &'static str,
    #[prop(into)] legend: String,
    #[prop(optional, into)] hint: Option<String>,
    choices: Vec<Choice>,
    /// The values ticked last time.
    #[prop(optional)]
    selected: Vec<String>,
    #[prop(default = None)] error: Option<String>,
) -> impl IntoView {
    choice_group(Kind::Checkbox, name, legend, hint, choices, selected, error)
}

fn choice_group(
    kind: Kind,
    name: &'static str,
    legend: String,
    hint: Option<String>,
    choices: Vec<Choice>,
    selected: Vec<String>,
    error: Option<String>,
) -> impl IntoView {
    let describedby = described_by(name, hint.is_some(), error.is_some());
    let (block, input_type) = match kind {
        Kind::Radio => ("q-radios", "radio"),
        Kind::Checkbox => ("q-checkboxes", "checkbox"),
    };
    let has_error = error.is_some();
    let items = choices
        .into_iter()
        .enumerate()
        .map(|(index, choice)| {
            let id = if index == 0 { name.to_string() } else { format!("{name}-{}", index + 1) };
            let checked = selected.contains(&choice.value);
            let hint_id = choice.hint.as_ref().map(|_| format!("{id}-item-hint"));
            view! {
                <div class=format!("{block}__item")>
                    <input
                        class=format!("{block}__input")
                        id=id.clone()
                        name=name
                        type=input_type
                        value=choice.value
                        checked=checked
                        aria-describedby=hint_id.clone()
                    />
                    <label class=format!("q-label {block}__label") for=id>{choice.label}</label>
                    {choice.hint.map(|hint| view! { <div class=format!("q-hint {block}__hint") id=hint_id>{hint}</div> })}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class=group_class(has_error)>
            <fieldset class="q-fieldset" aria-describedby=describedby>
                <legend class="q-fieldset__legend">{legend}</legend>
                <FieldHint id=name hint=hint/>
                <FieldError id=name error=error/>
                <div class=block>{items}</div>
            </fieldset>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment;

    #[test]
    fn radios_sit_in_a_described_fieldset_and_keep_the_choice() {
        let html = render_fragment(|| {
            view! {
                <RadioGroup name="contact" legend="How should we contact you?" hint="Choose one."
                    choices=vec![Choice::new("email", "Email"), Choice::new("none", "Do not contact me").with_hint("We will not reply.")]
                    selected=Some("none".to_string()) error=Some("Select how".to_string())/>
            }
        });
        assert!(html.contains(r#"<fieldset aria-describedby="contact-hint contact-error" class="q-fieldset"><legend class="q-fieldset__legend">How should we contact you?</legend>"#), "{html}");
        assert!(
            html.contains(
                r#"id="contact" name="contact" type="radio" value="email" class="q-radios__input">"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"id="contact-2" name="contact" type="radio" value="none" checked aria-describedby="contact-2-item-hint" class="q-radios__input">"#), "{html}");
        assert!(html.contains(
            r#"id="contact-2-item-hint" class="q-hint q-radios__hint">We will not reply.</div>"#
        ));
    }

    #[test]
    fn checkboxes_keep_every_ticked_value() {
        let html = render_fragment(|| {
            view! {
                <CheckboxGroup name="topics" legend="Topics"
                    choices=vec![Choice::new("a", "A"), Choice::new("b", "B"), Choice::new("c", "C")]
                    selected=vec!["a".to_string(), "c".to_string()]/>
            }
        });
        assert_eq!(html.matches(" checked").count(), 2, "{html}");
        assert!(html.contains(r#"type="checkbox" value="c" checked"#));
        assert!(!html.contains("aria-describedby=\""), "{html}");
    }
}
