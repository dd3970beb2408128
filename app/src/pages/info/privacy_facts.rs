//! `/privacy/facts`: the privacy facts sheet, the page a data protection officer asks for: every
//! database table that holds personal data, with each such column, why it is kept, for how long,
//! who can see it, and which processors personal data reaches. The facts are not written here:
//! `scripts/privacy write` derives them from docs/privacy/data.json and the migrations into
//! docs/privacy/facts.rs (with docs/privacy/facts.md, their Markdown twin), included below at
//! compile time; `scripts/privacy check` (run by scripts/test) fails when a column is not
//! accounted for or the files are out of date.

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use crate::pages::{Ctx, html};
use crate::ui::{Crumb, Page, PageHeading, Table, render_document};

/// The facts, derived from docs/privacy/data.json.
mod derived {
    /// Someone else's service that may receive personal data.
    pub struct Processor {
        pub name: &'static str,
        pub receives: &'static str,
        pub when: &'static str,
    }

    /// A table holding personal data: its personal columns, each with what it holds.
    pub struct Table {
        pub name: &'static str,
        pub personal: &'static [(&'static str, &'static str)],
        pub purpose: &'static str,
        pub retention: &'static str,
        pub who_can_see: &'static str,
    }

    include!("../../../../docs/privacy/facts.rs");
}

pub async fn show(ctx: Ctx) -> Response {
    html(StatusCode::OK, render_document(&ctx.page(), facts))
}

fn facts() -> impl IntoView {
    let processors = derived::PROCESSORS
        .iter()
        .map(|p| {
            vec![
                p.name.to_string(),
                p.receives.to_string(),
                p.when.to_string(),
            ]
        })
        .collect::<Vec<_>>();
    view! {
        <Page
            title="Privacy facts"
            breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::link("Privacy notice", "/privacy"), Crumb::current("Privacy facts")]
        >
            <PageHeading
                text="Privacy facts"
                lead="For data protection officers: what personal data Quorum stores, why, for how long, who can see it, and where it goes."
            />
            <p>"These facts are made from Quorum’s own database structure each time Quorum is built: every table and column is accounted for, and Quorum’s tests fail when one is added without saying what it holds."</p>
            <p>{derived::NOT_STORED}</p>
            <h2>"Where personal data goes"</h2>
            <Table
                caption="Services of others that may receive personal data"
                head=vec!["Service".to_string(), "What it receives".to_string(), "When".to_string()]
                rows=processors
                row_headers=true
            />
            <h2>"Personal data, table by table"</h2>
            <p>"Each database table that holds personal data, with what each of its personal columns holds."</p>
            {derived::TABLES.iter().map(|table| view! {
                <h3 class="q-heading-s">{format!("The {} table", table.name)}</h3>
                <ul class="q-list q-list--bullet">
                    {table.personal.iter().map(|(column, holds)| view! { <li>{format!("{column}: {holds}")}</li> }).collect_view()}
                </ul>
                <p>{format!("Why: {}", table.purpose)}</p>
                <p>{format!("Kept for: {}", table.retention)}</p>
                <p>{format!("Who can see it: {}", table.who_can_see)}</p>
            }).collect_view()}
            <h2>"Tables with no personal data"</h2>
            <ul class="q-list q-list--bullet">
                {derived::OTHER_TABLES.iter().map(|(name, purpose)| view! { <li>{format!("{name}: {purpose}")}</li> }).collect_view()}
            </ul>
        </Page>
    }
}
