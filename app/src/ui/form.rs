//! A form that posts to Quorum, with its CSRF token.
//!
//! Accessibility: a plain `<form method="post">`, so it works with JavaScript off and in text
//! browsers; `novalidate` leaves checking to the server, whose messages follow the error
//! pattern (browser bubbles are not announced reliably and cannot be styled for contrast).

use leptos::prelude::*;

use super::PageContext;

#[component]
pub fn Form(
    /// Where the form posts: the page's own URL, by the form pattern.
    #[prop(into)]
    action: String,
    /// An accessible name, when a page has several forms.
    #[prop(optional, into)]
    label: Option<String>,
    /// The form takes files: sent as `multipart/form-data`.
    #[prop(optional)]
    files: bool,
    children: Children,
) -> impl IntoView {
    let context = use_context::<PageContext>();
    // A form made before `render_document` provides the context would post without a token
    // and be refused: fail where it is made, in every test that renders the page.
    debug_assert!(
        context.is_some(),
        "a Form was rendered outside render_document, so it has no CSRF token"
    );
    let token = context.map(|ctx| ctx.csrf_token).unwrap_or_default();
    view! {
        <form method="post" action=action novalidate aria-label=label
            enctype=files.then_some("multipart/form-data")>
            <input type="hidden" name="csrf_token" value=token/>
            {children()}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_fragment_with;

    #[test]
    fn the_token_of_the_page_goes_in_a_hidden_field() {
        let ctx = PageContext {
            csrf_token: "tok".into(),
            ..PageContext::default()
        };
        let html = render_fragment_with(&ctx, || view! { <Form action="/x"><p>"Hi"</p></Form> });
        assert!(html.starts_with(r#"<form method="post" action="/x" novalidate><input type="hidden" name="csrf_token" value="tok">"#), "{html}");
    }
}
