//! The page heading: the one `h1` of a page, with an optional lead paragraph.
//!
//! Accessibility: exactly one `h1` per page, matching the `<title>`, so a screen-reader user who
//! jumps by heading lands on what the page is about. Sections below it use `h2` and `h3` in order
//! (WCAG 2.4.10); the kit's CSS sizes headings by level, so the level is never picked for looks.

use leptos::prelude::*;

#[component]
pub fn PageHeading(
    #[prop(into)] text: String,
    /// One sentence under the heading that says what the page is for.
    #[prop(optional, into)]
    lead: Option<String>,
) -> impl IntoView {
    view! {
        <h1 class="q-heading-xl">{text}</h1>
        {lead.map(|lead| view! { <p class="q-lead">{lead}</p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment;

    #[test]
    fn one_h1_and_an_optional_lead() {
        let html =
            render_fragment(|| view! { <PageHeading text="Groups" lead="All your groups."/> });
        assert!(
            html.starts_with(r#"<h1 class="q-heading-xl">Groups</h1>"#),
            "{html}"
        );
        assert!(html.contains(r#"<p class="q-lead">All your groups.</p>"#));
        let html = render_fragment(|| view! { <PageHeading text="Groups"/> });
        assert!(!html.contains("q-lead"));
    }
}
