//! Links with a fixed role in a page.
//!
//! Accessibility: a back link is an ordinary link whose text names where it goes
//! ("Back to design examples", WCAG 2.4.9), placed before `main`'s heading so it is read before
//! the page content. The arrow is drawn with CSS borders, not text, so it is not read out.

use leptos::prelude::*;

#[component]
pub fn BackLink(#[prop(into)] href: String, #[prop(into)] text: String) -> impl IntoView {
    view! { <a href=href class="q-back-link">{text}</a> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment;

    #[test]
    fn the_back_link_names_its_destination() {
        let html =
            render_fragment(|| view! { <BackLink href="/design" text="Back to design examples"/> });
        assert_eq!(
            html,
            r#"<a href="/design" class="q-back-link">Back to design examples</a>"#
        );
    }
}
