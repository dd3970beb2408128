//! `/accessibility`: the accessibility statement, in the shape of the UK government's and New
//! Zealand's templates. What it says about conformance (the status, the known exceptions with
//! their workarounds, what is not yet checked by hand, the date of the evidence) is not written
//! here: it is derived from the conformance report's data, docs/accessibility/criteria.json, by
//! `scripts/statement write` into docs/accessibility/statement.rs, included below at compile
//! time; `scripts/statement check` (run by scripts/test) fails when the two part.

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use crate::pages::{Ctx, html};
use crate::ui::{Crumb, Page, PageHeading, render_document};

/// The statement's derived content, also read by the tests that check the page says all of it.
pub mod derived {
    /// A criterion and its known exceptions.
    pub struct KnownExceptions {
        pub criterion: &'static str,
        pub exceptions: &'static [KnownException],
    }

    /// One known exception, and what a person can do about it.
    pub struct KnownException {
        pub problem: &'static str,
        pub workaround: &'static str,
    }

    include!("../../../../docs/accessibility/statement.rs");
}

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
            <h2>"Conformance status"</h2>
            <p>{format!("Quorum {} with the Web Content Accessibility Guidelines (WCAG) version 2.1 at level AA.", derived::STATUS)}</p>
            <p>{derived::STATUS_REASON}</p>
            <p>
                "Quorum also aims to meet these level AAA criteria: "
                "contrast of at least 7 to 1 (1.4.6), lines no longer than 80 characters with 1.5 line spacing (1.4.8), "
                "keyboard use with no exceptions (2.1.3), no time limits outside poll deadlines (2.2.3), "
                "breadcrumbs on inner pages (2.4.8), links that make sense on their own (2.4.9), section headings (2.4.10), "
                "help text on forms (3.3.5) and a chance to review before a vote or deletion counts (3.3.6)."
            </p>
            <h2>"Known exceptions"</h2>
            <p>"These parts of Quorum do not fully meet the standard above, or the level AAA criteria it aims for. Each says what you can do instead."</p>
            {derived::EXCEPTIONS.iter().map(|criterion| view! {
                <h3 class="q-heading-s">{criterion.criterion}</h3>
                {criterion.exceptions.iter().map(|exception| view! {
                    <p>{exception.problem}</p>
                    <p>{format!("What you can do: {}", exception.workaround)}</p>
                }).collect_view()}
            }).collect_view()}
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
            <h2>"How we test"</h2>
            <p>"Every change to Quorum must pass automated checks of every page, in each of its states, including forms showing errors:"</p>
            <ul class="q-list q-list--bullet">
                <li>"axe-core, for WCAG 2.0 and 2.1 level A and AA, AAA contrast and best practice"</li>
                <li>"the Nu HTML Checker, for valid HTML"</li>
                <li>"a keyboard walk that checks the skip link, the tab order and the visible focus of every control"</li>
                <li>"a snapshot of what assistive technology is told about landmarks and headings"</li>
                <li>"checks at 320 pixels wide, with text at twice its size and in forced colours"</li>
                <li>"the same journeys in a browser with JavaScript turned off, and in the Lynx text browser"</li>
                <li>"a size budget: every page and its styles fit in 14 KB, so pages load quickly on slow connections"</li>
            </ul>
            <p>"Automated checks find only some problems, so each criterion that no tool can decide has a written procedure for a person to follow. What the evidence covers:"</p>
            <ul class="q-list q-list--bullet">
                {derived::EVIDENCE.iter().map(|line| view! { <li>{*line}</li> }).collect_view()}
            </ul>
            <h2>"What we have not yet checked by hand"</h2>
            <p>"The manual checks of these criteria have not been run yet, or passed only in part. Until they have, we do not claim that Quorum meets them in full:"</p>
            <ul class="q-list q-list--bullet">
                {derived::NOT_FULLY_CHECKED.iter().map(|criterion| view! { <li>{*criterion}</li> }).collect_view()}
            </ul>
            <h2>"About this statement"</h2>
            <p>
                "This statement is built from the same record of evidence as Quorum’s Accessibility Conformance Report, each time Quorum is built, so the two always agree. "
                {derived::MANUAL_RUNS}
                " The automated checks run on every change to Quorum."
            </p>
            <p>"Whoever runs this Quorum can produce the full report, criterion by criterion with the checks and pages that prove each one, from the results of Quorum’s browser tests with the command scripts/acr in Quorum’s source code."</p>
        </Page>
    }
}
