//! The accessible component kit. Every page is composed from these components, each of which
//! encodes one GOV.UK Design System pattern and says in its doc comment what a screen reader
//! announces, how it behaves with the keyboard, and what happens with CSS or JavaScript off.
//!
//! Components render only what they are given: no data access, no request handling.

mod banner;
mod breadcrumbs;
mod button;
mod choices;
mod error_summary;
mod field;
mod form;
mod heading;
mod layout;
mod link;
mod pagination;
mod table;

pub use banner::{NotificationBanner, SuccessBanner};
pub use breadcrumbs::{Breadcrumbs, Crumb};
pub use button::{Button, ButtonLink, ButtonStyle};
pub use choices::{CheckboxGroup, Choice, RadioGroup};
pub use error_summary::ErrorSummary;
pub use field::{InputKind, Select, TextInput, Textarea};
pub use form::Form;
pub use heading::PageHeading;
pub use layout::{NavArea, Page};
pub use link::BackLink;
pub use pagination::{Pagination, page_count, page_href};
pub use table::Table;

use leptos::prelude::*;

/// What every page needs to know about the request: who is signed in and the CSRF token forms
/// must carry. Given to `render_document` and read by components through Leptos context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageContext {
    /// The signed-in person's name, when someone is signed in.
    pub signed_in_as: Option<String>,
    pub csrf_token: String,
    /// The path of the page, so "Sign in" can bring people back to it.
    pub path: String,
    /// The signed-in person's unread notifications, said in the header's link.
    pub unread_notifications: i64,
}

/// Renders a whole document to a string, in order: everything a page needs is resolved before
/// rendering starts, so nothing is streamed later or hidden in a `<template>` for a script.
pub fn render_document<V: IntoView + 'static>(
    ctx: &PageContext,
    page: impl FnOnce() -> V,
) -> String {
    let owner = Owner::new();
    let ctx = ctx.clone();
    let body = owner.with(move || {
        provide_context(ctx);
        without_hydration_markers(page().to_html())
    });
    format!("<!DOCTYPE html>{body}")
}

/// Leptos marks the boundaries of lists and empty options with `<!>` so that a client bundle
/// could hydrate the page. Quorum ships no such bundle, and `<!>` is a parse error in HTML (a
/// "bogus comment" to the Nu checker), so the markers are removed. This is safe: Leptos escapes
/// `<` in every text and attribute value, and the one element whose text it leaves raw
/// (`textarea`) is escaped by our `Textarea`, so a literal `<!>` can only be a marker.
fn without_hydration_markers(html: String) -> String {
    if html.contains("<!>") {
        html.replace("<!>", "")
    } else {
        html
    }
}

/// The `aria-describedby` value for a field: its hint and error ids, when it has them.
fn described_by(id: &str, has_hint: bool, has_error: bool) -> Option<String> {
    let ids: Vec<String> = [(has_hint, "hint"), (has_error, "error")]
        .into_iter()
        .filter(|(present, _)| *present)
        .map(|(_, suffix)| format!("{id}-{suffix}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

#[cfg(test)]
pub(crate) fn render_fragment<V: IntoView + 'static>(view: impl FnOnce() -> V) -> String {
    render_fragment_with(&PageContext::default(), view)
}

#[cfg(test)]
pub(crate) fn render_fragment_with<V: IntoView + 'static>(
    ctx: &PageContext,
    view: impl FnOnce() -> V,
) -> String {
    let owner = Owner::new();
    let ctx = ctx.clone();
    owner.with(move || {
        provide_context(ctx);
        view().to_html()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_go_but_typed_markup_stays_escaped() {
        let html = render_document(&PageContext::default(), || {
            view! {
                <ul>{vec!["a", "b"].into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul>
                <crate::ui::TextInput name="n" label="Name" value="<!>"/>
                <crate::ui::Textarea name="m" label="Message" value="<!>"/>
            }
        });
        assert!(!html.contains("<!>"), "{html}");
        assert!(html.contains(r#"value="&lt;!&gt;""#), "{html}");
        assert!(html.contains("&lt;!&gt;</textarea>"), "{html}");
    }

    #[test]
    fn described_by_lists_hint_then_error() {
        assert_eq!(
            described_by("name", true, true).as_deref(),
            Some("name-hint name-error")
        );
        assert_eq!(
            described_by("name", false, true).as_deref(),
            Some("name-error")
        );
        assert_eq!(described_by("name", false, false), None);
    }
}
