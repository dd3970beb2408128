//! Buttons, and links that look like buttons.
//!
//! Accessibility: a real `<button type="submit">` (Enter and Space both press it, a screen reader
//! says "button") whose text says what it does ("Send answers", never "OK"). `ButtonLink` is a
//! real link for navigation that only looks like a button, so it keeps link semantics and needs
//! no script. Both show the shared 3 px focus ring and keep a visible border in forced colours.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ButtonStyle {
    /// The main action on a page: one per page.
    #[default]
    Primary,
    /// Other actions.
    Secondary,
    /// Actions that delete or cannot easily be undone.
    Warning,
}

impl ButtonStyle {
    fn class(self) -> &'static str {
        match self {
            Self::Primary => "q-button",
            Self::Secondary => "q-button q-button--secondary",
            Self::Warning => "q-button q-button--warning",
        }
    }
}

/// A submit button. `name` and `value`, when given, tell the server which of a form's buttons
/// was pressed (such as "Preview" beside "Post comment").
#[component]
pub fn Button(
    #[prop(into)] text: String,
    #[prop(optional)] style: ButtonStyle,
    #[prop(optional)] name: Option<&'static str>,
    #[prop(optional)] value: Option<&'static str>,
) -> impl IntoView {
    view! { <button type="submit" class=style.class() name=name value=value>{text}</button> }
}

#[component]
pub fn ButtonLink(
    #[prop(into)] href: String,
    #[prop(into)] text: String,
    #[prop(optional)] style: ButtonStyle,
) -> impl IntoView {
    view! { <a href=href class=style.class()>{text}</a> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment;

    #[test]
    fn a_button_submits_and_a_button_link_stays_a_link() {
        let html = render_fragment(|| view! { <Button text="Send answers"/> });
        assert_eq!(
            html,
            r#"<button type="submit" class="q-button">Send answers</button>"#
        );
        let html = render_fragment(
            || view! { <ButtonLink href="/start" text="Start now" style=ButtonStyle::Secondary/> },
        );
        assert_eq!(
            html,
            r#"<a href="/start" class="q-button q-button--secondary">Start now</a>"#
        );
    }
}
