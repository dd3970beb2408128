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
    /// What the page belongs to, such as the group's name, shown small above the heading.
    #[prop(optional, into)]
    caption: Option<String>,
) -> impl IntoView {
    view! {
        {caption.map(|caption| view! { <p class="q-caption">{caption}</p> })}
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
        // `<!>` marks the absent caption; `render_document` removes such markers.
        assert!(
            html.trim_start_matches("<!>")
                .starts_with(r#"<h1 class="q-heading-xl">Groups</h1>"#),
            "{html}"
        );
        assert!(html.contains(r#"<p class="q-lead">All your groups.</p>"#));
        let html = render_fragment(|| view! { <PageHeading text="Groups"/> });
        assert!(!html.contains("q-lead"));
    }

    #[test]
    fn a_caption_comes_before_the_h1_and_outside_it() {
        let html = render_fragment(|| view! { <PageHeading text="Members" caption="Riverside"/> });
        assert!(
            html.starts_with(
                r#"<p class="q-caption">Riverside</p><h1 class="q-heading-xl">Members</h1>"#
            ),
            "{html}"
        );
    }
}
