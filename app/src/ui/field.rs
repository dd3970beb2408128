//! Text fields: single-line inputs and text areas, each with a label, an optional hint and an
//! inline error.
//!
//! Accessibility: the `<label for>` names the field; hint and error are tied to it with
//! `aria-describedby` (hint first, then error), so a screen reader reads "Email address, edit
//! text, We only use this to reply. Error: Enter an email address…". The error starts with a
//! visually hidden "Error:" and the field gets `aria-invalid="true"`; the red left border is
//! never the only cue. The field's `id` is its `name`, which is what the error summary links to.
//! Typed answers are always put back after a failed submission. Paste is never blocked.
//!
//! A field with a length limit (`max_chars`) carries it as `data-maxlength`, never `maxlength`:
//! a browser silently cuts pasted text at `maxlength`, and the person may never notice the end of
//! their words has gone. The server checks the length and says what to do, as for any error.
//! Where scripts run, `public/enhance.js` follows the GOV.UK character count: a message under the
//! field ("You have 120 characters remaining", "You have 5 characters too many", red when over)
//! updated as the person types and added to the field's `aria-describedby`, and the same words
//! put in a visually hidden polite live region once typing pauses, so a screen reader announces
//! the count without interrupting each keystroke. Without scripts the hint or the error says
//! the limit.

use leptos::prelude::*;

use super::described_by;

/// The kind of single-line input; each picks the right keyboard and autofill on phones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InputKind {
    #[default]
    Text,
    Email,
    /// Shown as dots; never given a value back after an error.
    Password,
    /// Words to search for.
    Search,
    /// A date and time without a zone (`datetime-local`). Browsers without a picker show a
    /// text box; the hint gives the format, `2026-12-03T10:00`, which is also accepted with a
    /// space for the `T`.
    DateTimeLocal,
}

impl InputKind {
    fn attribute(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Email => "email",
            Self::Password => "password",
            Self::Search => "search",
            Self::DateTimeLocal => "datetime-local",
        }
    }
}

#[component]
pub fn TextInput(
    /// The form field name; also the element `id`.
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    /// The answer to show: what the user typed last time.
    #[prop(optional, into)]
    value: String,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional)] kind: InputKind,
    /// An `autocomplete` token such as `name` or `email` (WCAG 1.3.5).
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// An `inputmode` such as `numeric`, for the right on-screen keyboard.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// The most characters the server accepts, for the character count.
    #[prop(optional)]
    max_chars: Option<usize>,
) -> impl IntoView {
    let hint = hint_with_limit(hint, max_chars);
    let describedby = described_by(name, hint.is_some(), error.is_some());
    let has_error = error.is_some();
    let invalid = has_error.then_some("true");
    let spellcheck = matches!(kind, InputKind::Email | InputKind::Password).then_some("false");
    let value = if kind == InputKind::Password {
        String::new()
    } else {
        value
    };
    view! {
        <div class=group_class(has_error)>
            <label class="q-label" for=name>{label}</label>
            <FieldHint id=name hint=hint/>
            <FieldError id=name error=error/>
            <input
                class="q-input"
                id=name
                name=name
                type=kind.attribute()
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                spellcheck=spellcheck
                aria-describedby=describedby
                aria-invalid=invalid
                data-maxlength=max_chars.map(|n| n.to_string())
            />
        </div>
    }
}

#[component]
pub fn Textarea(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] value: String,
    #[prop(default = None)] error: Option<String>,
    #[prop(default = 5)] rows: u32,
    /// The most characters the server accepts, for the character count.
    #[prop(optional)]
    max_chars: Option<usize>,
) -> impl IntoView {
    let hint = hint_with_limit(hint, max_chars);
    let describedby = described_by(name, hint.is_some(), error.is_some());
    let has_error = error.is_some();
    let invalid = has_error.then_some("true");
    // Leptos writes a textarea's children unescaped (it treats the element like `<script>`), so
    // the answer is escaped here: otherwise typing `</textarea>` would inject markup. The HTML
    // parser also drops one newline straight after `<textarea>`; a leading newline of our own
    // keeps the user's first line (even an empty one) exactly as typed.
    let text = format!("\n{}", escape_text(&value));
    view! {
        <div class=group_class(has_error)>
            <label class="q-label" for=name>{label}</label>
            <FieldHint id=name hint=hint/>
            <FieldError id=name error=error/>
            <textarea
                class="q-textarea"
                id=name
                name=name
                rows=rows
                aria-describedby=describedby
                aria-invalid=invalid
                data-maxlength=max_chars.map(|n| n.to_string())
            >{text}</textarea>
        </div>
    }
}

/// The hint of a field with a length limit says the limit, so that people know it before they
/// write, with or without the script's count (GOV.UK's "You can enter up to N characters"),
/// unless the hint says it already.
fn hint_with_limit(hint: Option<String>, max_chars: Option<usize>) -> Option<String> {
    let Some(max) = max_chars else {
        return hint;
    };
    let limit = crate::domain::grouped(i64::try_from(max).unwrap_or(i64::MAX));
    let sentence = format!("You can enter up to {limit} characters.");
    match hint {
        Some(hint) if hint.contains(&limit) || hint.contains(&max.to_string()) => Some(hint),
        Some(hint) => Some(format!("{} {sentence}", hint.trim_end())),
        None => Some(sentence),
    }
}

/// A drop-down list, for one choice among many (a time zone, a rank), where radios would be
/// too long. A native `select`: arrow keys and typing the first letters move through it, and
/// it is announced with its label, hint and error like any field.
#[component]
pub fn Select(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    /// `(value, text)` pairs, in order.
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: String,
    #[prop(default = None)] error: Option<String>,
) -> impl IntoView {
    let describedby = described_by(name, hint.is_some(), error.is_some());
    let has_error = error.is_some();
    let invalid = has_error.then_some("true");
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let chosen = value == selected;
            view! { <option value=value selected=chosen>{text}</option> }
        })
        .collect_view();
    view! {
        <div class=group_class(has_error)>
            <label class="q-label" for=name>{label}</label>
            <FieldHint id=name hint=hint/>
            <FieldError id=name error=error/>
            <select class="q-select" id=name name=name aria-describedby=describedby aria-invalid=invalid>
                {options}
            </select>
        </div>
    }
}

/// Escapes text for an element whose content Leptos does not escape.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub(super) fn group_class(has_error: bool) -> &'static str {
    if has_error {
        "q-form-group q-form-group--error"
    } else {
        "q-form-group"
    }
}

/// The hint under a label or legend, with the id fields refer to.
#[component]
pub(super) fn FieldHint(id: &'static str, hint: Option<String>) -> impl IntoView {
    hint.map(|hint| view! { <div class="q-hint" id=format!("{id}-hint")>{hint}</div> })
}

/// The inline error, with a visually hidden "Error:" so it is announced as one.
#[component]
pub(super) fn FieldError(id: &'static str, error: Option<String>) -> impl IntoView {
    error.map(|error| {
        view! {
            <p class="q-error-message" id=format!("{id}-error")>
                <span class="q-visually-hidden">"Error: "</span>{error}
            </p>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment;

    #[test]
    fn a_field_with_hint_and_error_is_described_by_both() {
        let html = render_fragment(|| {
            view! {
                <TextInput name="email" label="Email address" hint="We reply here." value="a@b"
                    error=Some("Enter an email address in the correct format".to_string())
                    kind=InputKind::Email autocomplete="email"/>
            }
        });
        assert!(
            html.contains(r#"<label for="email" class="q-label">Email address</label>"#),
            "{html}"
        );
        assert!(html.contains(r#"<div id="email-hint" class="q-hint">We reply here.</div>"#));
        assert!(html.contains(r#"id="email-error" class="q-error-message"><span class="q-visually-hidden">Error: </span>"#));
        assert!(html.contains(r#"aria-describedby="email-hint email-error""#));
        assert!(html.contains(r#"aria-invalid="true""#));
        assert!(html.contains(r#"type="email""#) && html.contains(r#"value="a@b""#));
        assert!(html.contains("q-form-group--error"));
    }

    #[test]
    fn a_plain_field_has_no_description_and_escapes_its_value() {
        let html =
            render_fragment(|| view! { <TextInput name="n" label="Name" value="<b>\"x\"</b>"/> });
        assert!(
            !html.contains("aria-describedby") && !html.contains("aria-invalid"),
            "{html}"
        );
        assert!(
            html.contains(r#"value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;""#),
            "{html}"
        );
    }

    #[test]
    fn a_textarea_keeps_the_answer_as_plain_text() {
        let html = render_fragment(
            || view! { <Textarea name="m" label="Message" value="</textarea><b>&amp;"/> },
        );
        assert!(html.contains("<textarea id=\"m\" name=\"m\" rows=\"5\" class=\"q-textarea\">\n&lt;/textarea&gt;&lt;b&gt;&amp;amp;</textarea>"), "{html}");
    }

    #[test]
    fn a_length_limit_is_data_for_the_count_and_never_cuts_text() {
        let html = render_fragment(|| {
            view! {
                <TextInput name="n" label="Name" max_chars=60/>
                <Textarea name="m" label="Message" max_chars=10_000/>
            }
        });
        assert!(html.contains(r#"data-maxlength="60""#), "{html}");
        assert!(html.contains(r#"data-maxlength="10000""#), "{html}");
        assert!(!html.contains(" maxlength="), "{html}");
        let plain = render_fragment(|| view! { <Textarea name="m" label="Message"/> });
        assert!(!plain.contains("maxlength"), "{plain}");
    }

    #[test]
    fn a_length_limit_is_said_in_the_hint_unless_the_hint_says_it() {
        let html = render_fragment(|| {
            view! {
                <Textarea name="m" label="Message" hint="Markdown works." max_chars=10_000/>
                <TextInput name="n" label="Name" max_chars=60/>
                <TextInput name="t" label="Title" hint="150 characters or fewer." max_chars=150/>
            }
        });
        assert!(
            html.contains(r#"id="m-hint" class="q-hint">Markdown works. You can enter up to 10,000 characters.</div>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"id="n-hint" class="q-hint">You can enter up to 60 characters.</div>"#),
            "{html}"
        );
        assert!(html.contains(r#"aria-describedby="n-hint""#), "{html}");
        assert!(
            html.contains(r#"id="t-hint" class="q-hint">150 characters or fewer.</div>"#),
            "{html}"
        );
    }
}
