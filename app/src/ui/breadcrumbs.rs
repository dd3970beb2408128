//! Breadcrumbs: where this page sits (WCAG 2.4.8, location).
//!
//! Accessibility: a `nav` landmark labelled "Breadcrumb" holding an ordered list, so a screen
//! reader announces "Breadcrumb, navigation, list, 3 items"; the last item is the current page,
//! plain text with `aria-current="page"`, not a link to itself. Separators are CSS borders on an empty
//! box, not generated text, so they are not read out (the accessibility-tree snapshot shows it); with CSS off the list still reads in order.

use leptos::prelude::*;

/// One step of the trail. `href: None` marks the current page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

impl Crumb {
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            href: Some(href.into()),
        }
    }

    pub fn current(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            href: None,
        }
    }
}

#[component]
pub fn Breadcrumbs(crumbs: Vec<Crumb>) -> impl IntoView {
    let items = crumbs
        .into_iter()
        .map(|crumb| match crumb.href {
            Some(href) => {
                view! { <li class="q-breadcrumbs__item"><a href=href>{crumb.label}</a></li> }
                    .into_any()
            }
            None => {
                view! { <li class="q-breadcrumbs__item" aria-current="page">{crumb.label}</li> }
                    .into_any()
            }
        })
        .collect_view();
    view! {
        <nav class="q-breadcrumbs" aria-label="Breadcrumb">
            <ol class="q-breadcrumbs__list">{items}</ol>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment;

    #[test]
    fn links_lead_to_a_current_page_that_is_not_a_link() {
        let html = render_fragment(|| {
            view! { <Breadcrumbs crumbs=vec![Crumb::link("Home", "/"), Crumb::current("Forms")]/> }
        });
        assert!(
            html.contains(r#"<nav aria-label="Breadcrumb" class="q-breadcrumbs"><ol"#),
            "{html}"
        );
        assert!(html.contains(r#"<a href="/">Home</a>"#));
        assert!(html.contains(r#"aria-current="page" class="q-breadcrumbs__item">Forms</li>"#));
    }
}
