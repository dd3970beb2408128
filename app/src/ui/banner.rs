//! Notification banner: tells the user something happened ("Your answers were sent").
//!
//! Accessibility: `role="status"` with the title as its accessible name, so a screen reader
//! announces it politely and it can be found by its heading (`h2`). It is the first thing in
//! `main`, so the skip link lands right before it. Colour is never the only cue: the title says
//! what kind of message it is.

use leptos::prelude::*;

/// The banner that confirms a completed action on the page a form post redirected to, when
/// there is one.
#[component]
pub fn SuccessBanner(message: Option<String>) -> impl IntoView {
    message.map(|message| {
        view! { <NotificationBanner title="Done" success=true><p>{message}</p></NotificationBanner> }
    })
}

#[component]
pub fn NotificationBanner(
    /// Short title such as "Success" or "Important".
    #[prop(into)]
    title: String,
    /// Green border for a completed action; otherwise the neutral style.
    #[prop(optional)]
    success: bool,
    children: Children,
) -> impl IntoView {
    let class = if success {
        "q-banner q-banner--success"
    } else {
        "q-banner"
    };
    view! {
        <div class=class role="status" aria-labelledby="q-banner-title">
            <h2 class="q-banner__title" id="q-banner-title">{title}</h2>
            <div class="q-banner__content">{children()}</div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment;

    #[test]
    fn the_banner_is_a_named_status_message() {
        let html = render_fragment(
            || view! { <NotificationBanner title="Success" success=true><p>"Saved"</p></NotificationBanner> },
        );
        assert!(
            html.contains(r#"role="status" aria-labelledby="q-banner-title""#),
            "{html}"
        );
        assert!(html.contains(r#"<h2 id="q-banner-title" class="q-banner__title">Success</h2>"#));
        assert!(html.contains("q-banner--success"));
    }
}
