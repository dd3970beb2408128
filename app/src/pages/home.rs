//! `/`: what Quorum is and how to start.

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::{Ctx, html};
use crate::ui::{ButtonLink, NavArea, Page, PageHeading, render_document};

pub async fn show(ctx: Ctx) -> Response {
    html(StatusCode::OK, render_document(&ctx.page(), home_page))
}

fn home_page() -> impl IntoView {
    view! {
        <Page title="Discuss and decide together" area=NavArea::Home>
            <PageHeading
                text="Discuss and decide together"
                lead="Quorum is a place for groups to talk things through and reach decisions everyone can see and trust."
            />
            <h2>"What your group can do"</h2>
            <ul class="q-list q-list--bullet">
                <li>"Start a thread for each topic and reply to one another."</li>
                <li>"Make a proposal or run a poll, and vote with your reasons."</li>
                <li>"Use a secret ballot when the group needs one."</li>
                <li>"Record the outcome, so everyone knows what was decided and why."</li>
            </ul>
            <h2>"Made for everyone in your group"</h2>
            <p>
                "Every page works with a screen reader, with a keyboard alone, at 200% text size, on a slow connection and with JavaScript turned off. "
                <a href="/accessibility">"Read how we test Quorum’s accessibility"</a>"."
            </p>
            <p>
                "Quorum collects only what it needs to run and never tracks you. "
                <a href="/privacy">"Read the privacy notice"</a>"."
            </p>
            <h2>"Find or start a group"</h2>
            <p>"Open groups can be read by anyone. Sign in to join one, or create a group of your own and invite people by email."</p>
            <ButtonLink href="/groups" text="Browse open groups"/>
            <h2>"How to start"</h2>
            <p>"Quorum is free software: anyone can run it for their own groups on a computer they control. One command runs it with everything it needs:"</p>
            <pre class="q-code"><code>"cargo run --release"</code></pre>
            <p>"Organisations building on Quorum can use the same page and form patterns it uses."</p>
            <ButtonLink href="/design" text="See the design examples"/>
        </Page>
    }
}
