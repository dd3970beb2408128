//! `/accessibility`: the accessibility statement, written to the structure public bodies use.

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use crate::pages::{Ctx, html};
use crate::ui::{Crumb, Page, PageHeading, render_document};

pub async fn show(ctx: Ctx) -> Response {
    html(StatusCode::OK, render_document(&ctx.page(), statement))
}

fn statement() -> impl IntoView {
    view! {
        <Page title="Accessibility statement" breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::current("Accessibility statement")]>
            <PageHeading
                text="Accessibility statement"
                lead="This statement covers the Quorum web application: every page it serves and every email it sends."
            />
            <h2>"Using Quorum"</h2>
            <p>"We want as many people as possible to be able to use Quorum. You should be able to:"</p>
            <ul class="q-list q-list--bullet">
                <li>"zoom in up to 400% without text spilling off the screen"</li>
                <li>"use every page at a width of 320 pixels without scrolling sideways"</li>
                <li>"change colours, contrast and fonts, including Windows high contrast mode"</li>
                <li>"navigate every page using just a keyboard, with the focus always visible"</li>
                <li>"use every page with a screen reader such as NVDA, JAWS or VoiceOver"</li>
                <li>"do everything with JavaScript turned off, on a slow connection or in a text browser"</li>
            </ul>
            <h2>"The standard we meet"</h2>
            <p>
                "Quorum aims to meet the Web Content Accessibility Guidelines (WCAG) version 2.1 at level AA, and these level AAA criteria: "
                "contrast of at least 7 to 1 (1.4.6), lines no longer than 80 characters with 1.5 line spacing (1.4.8), "
                "keyboard use with no exceptions (2.1.3), no time limits outside poll deadlines (2.2.3), "
                "breadcrumbs on inner pages (2.4.8), links that make sense on their own (2.4.9), section headings (2.4.10), "
                "help text on forms (3.3.5) and a chance to review before a vote or deletion counts (3.3.6)."
            </p>
            <h2>"How we test"</h2>
            <p>"Every change to Quorum must pass automated checks of every page, in each of its states, including forms showing errors:"</p>
            <ul class="q-list q-list--bullet">
                <li>"axe-core, for WCAG 2.0 and 2.1 level A and AA, AAA contrast and best practice"</li>
                <li>"the Nu HTML Checker, for valid HTML"</li>
                <li>"a keyboard walk that checks the skip link, the tab order and the visible focus of every control"</li>
                <li>"a snapshot of what assistive technology is told about landmarks and headings"</li>
                <li>"the same journeys in a browser with JavaScript turned off, and in the Lynx text browser"</li>
                <li>"a size budget: every page and its styles fit in 14 KB, so pages load quickly on slow connections"</li>
            </ul>
            <p>"Automated checks find only some problems, so we also test with screen readers and keyboards by hand before each release."</p>
            <h2>"Known problems"</h2>
            <p>"We know of no failures of the standard above. Quorum is new: if you find one, please tell us."</p>
            <h2>"Reporting a problem"</h2>
            <p>
                "If you find a problem, or need something in a different format, contact the people who run this Quorum. "
                "Tell us the web address of the page, what you were trying to do and what assistive technology you use, if any. "
                "We aim to reply within 5 working days."
            </p>
            <p>
                "If you are in the UK and not happy with our response, contact the Equality Advisory and Support Service (EASS). "
                "In other countries, your national equality or accessibility body can help."
            </p>
            <h2>"About this statement"</h2>
            <p>"This statement is a draft prepared with the first release of Quorum. It is reviewed every time a new kind of page is added."</p>
        </Page>
    }
}
