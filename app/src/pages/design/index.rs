//! `/design`: the list of design examples, and the previews of the error pages.

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use crate::pages::{Ctx, FormData, error, html};
use crate::ui::{Button, Crumb, Form, NavArea, Page, PageHeading, Textarea, render_document};

pub async fn show(ctx: Ctx) -> Response {
    html(StatusCode::OK, render_document(&ctx.page(), index))
}

/// `/design/errors/server-error`: the real 500 page with its real status, so the browser suite
/// can check the page people see when something breaks.
pub async fn server_error_example() -> Response {
    error::server_error()
}

/// `/design/errors/busy`: a form whose sending is answered exactly as a busy Quorum answers
/// any form, so the browser suite can check that page, with the answers it keeps.
pub async fn busy_example(ctx: Ctx) -> Response {
    html(StatusCode::OK, render_document(&ctx.page(), busy_form))
}

/// Sending the example form: the real 503 "busy" answer, which the server fills with the
/// answers sent, as it does for every form.
pub async fn busy_example_sent(_form: FormData) -> Response {
    error::busy()
}

fn busy_form() -> impl IntoView {
    const TITLE: &str = "Busy page";
    view! {
        <Page title=TITLE area=NavArea::Design breadcrumbs=super::crumbs(TITLE)>
            <PageHeading
                text=TITLE
                lead="When the database is too busy to take a form in time, Quorum answers with a page that keeps everything sent, ready to send again. This form is always answered that way."
            />
            <Form action="/design/errors/busy">
                <Textarea name="comment" label="Your comment" hint="Write anything: it is not saved."/>
                <Button text="Send as if Quorum were busy"/>
            </Form>
        </Page>
    }
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
                    <h2 class="q-heading-s"><a href="/design/errors/busy">"Busy page"</a></h2>
                    <p>"What people see when Quorum is too busy to take a form, with their answers kept."</p>
                </li>
                <li>
                    <h2 class="q-heading-s"><a href="/design/no-such-page">"Page not found"</a></h2>
                    <p>"What people see at an address that does not exist, or that they may not see."</p>
                </li>
            </ul>
        </Page>
    }
}
