//! Error summary: the list of everything wrong with a submitted form, at the top of `main`.
//!
//! Accessibility: the inner `role="alert"` makes a screen reader read it out as soon as the page
//! loads, with no script; its heading "There is a problem" is an `h2` so it can be found by
//! heading; each item is a link to the field (`#id`), and following it moves focus into that
//! field. Nothing is rendered when there are no errors. The page title also starts with "Error:"
//! (see `Page`), which is the first thing announced after a submission.

use leptos::prelude::*;

use crate::domain::validation::FormErrors;

#[component]
pub fn ErrorSummary(errors: FormErrors) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        let items = errors
            .iter()
            .map(|e| view! { <li><a href=format!("#{}", e.field)>{e.message.clone()}</a></li> })
            .collect_view();
        view! {
            <div class="q-error-summary">
                <div role="alert">
                    <h2 class="q-error-summary__title">"There is a problem"</h2>
                    <ul class="q-error-summary__list">{items}</ul>
                </div>
            </div>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment;

    #[test]
    fn every_error_links_to_its_field_in_order() {
        let mut errors = FormErrors::new();
        errors.add("name", "Enter your full name");
        errors.add("email", "Enter your email address");
        let html = render_fragment(move || view! { <ErrorSummary errors=errors/> });
        assert!(
            html.contains(
                r#"<div role="alert"><h2 class="q-error-summary__title">There is a problem</h2>"#
            ),
            "{html}"
        );
        let name = html
            .find(r##"<a href="#name">Enter your full name</a>"##)
            .unwrap();
        let email = html
            .find(r##"<a href="#email">Enter your email address</a>"##)
            .unwrap();
        assert!(name < email);
    }

    #[test]
    fn nothing_is_rendered_without_errors() {
        let html = render_fragment(|| view! { <ErrorSummary errors=FormErrors::new()/> });
        assert!(!html.contains("q-error-summary"), "{html}");
    }
}
