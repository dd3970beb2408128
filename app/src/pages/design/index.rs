//! `/design`: the list of design examples, and the preview of the server error page.

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use crate::pages::{Ctx, error, html};
use crate::ui::{Crumb, NavArea, Page, PageHeading, render_document};

pub async fn show(ctx: Ctx) -> Response {
    html(StatusCode::OK, render_document(&ctx.page(), index))
}

/// `/design/errors/server-error`: the real 500 page with its real status, so the browser suite
/// can check the page people see when something breaks.
pub async fn server_error_example() -> Response {
    error::server_error()
}

fn index() -> impl IntoView {
    view! {
        <Page title="Design examples" area=NavArea::Design breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::current("Design examples")]>
            <PageHeading
                text="Design examples"
                lead="The building blocks every Quorum page is made from, shown working, so they can be checked and reused."
            />
            <ul class="q-list">
                <li>
                    <h2 class="q-heading-s"><a href="/design/components">"Components"</a></h2>
                    <p>"Each part of a page, with what it tells a screen reader and how it works with a keyboard."</p>
                </li>
                <li>
                    <h2 class="q-heading-s"><a href="/design/forms">"Form pattern"</a></h2>
                    <p>"A complete form: send it with mistakes to see how errors are shown, then correct them."</p>
                </li>
                <li>
                    <h2 class="q-heading-s"><a href="/design/errors/server-error">"Server error page"</a></h2>
                    <p>"What people see when something goes wrong on our side."</p>
                </li>
                <li>
                    <h2 class="q-heading-s"><a href="/design/no-such-page">"Page not found"</a></h2>
                    <p>"What people see at an address that does not exist, or that they may not see."</p>
                </li>
            </ul>
        </Page>
    }
}
