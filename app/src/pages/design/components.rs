//! `/design/components`: every component of the kit, shown working with its accessibility notes.
//! The browser suite runs axe, the HTML checker and the keyboard walk on this page, which is how
//! each component's rendered markup is tested in a real browser.

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::crumbs;
use crate::domain::validation::FormErrors;
use crate::pages::{Ctx, html};
use crate::ui::{
    BackLink, Button, ButtonLink, ButtonStyle, CheckboxGroup, Choice, ErrorSummary, InputKind,
    NavArea, NotificationBanner, Page, PageHeading, RadioGroup, Table, TextInput, Textarea,
    render_document,
};

const TITLE: &str = "Components";

pub async fn show(ctx: Ctx) -> Response {
    html(
        StatusCode::OK,
        render_document(&ctx.page(), components_page),
    )
}

fn example_errors() -> FormErrors {
    let mut errors = FormErrors::new();
    errors.add("example-error", "Enter a group name");
    errors
}

fn components_page() -> impl IntoView {
    let privacy = vec![
        Choice::new("open", "Open").with_hint("Anyone can see the discussions."),
        Choice::new("closed", "Closed")
            .with_hint("Anyone can see the group’s name; only members see the discussions."),
        Choice::new("secret", "Secret").with_hint("Only members know the group exists."),
    ];
    let permissions = vec![
        Choice::new("threads", "Start threads"),
        Choice::new("polls", "Start polls"),
    ];
    view! {
        <Page title=TITLE area=NavArea::Design breadcrumbs=crumbs(TITLE)>
            <PageHeading text=TITLE lead="Each component below is the one pages are built from. Its notes say what a screen reader announces and how it works with a keyboard."/>

            <h2>"Notification banner"</h2>
            <p>"A status message, announced politely by screen readers and titled so colour is not the only cue."</p>
            <NotificationBanner title="Important"><p>"Voting closes at 5pm on Friday."</p></NotificationBanner>

            <h2>"Error summary"</h2>
            <p>"Shown at the top of a form with problems. It is announced as soon as the page loads, and each link moves focus to the field to fix."</p>
            <ErrorSummary errors=example_errors()/>

            <h2>"Text fields"</h2>
            <p>"Each field has a label. Hints and errors are read with the field, and errors start with the word “Error”."</p>
            <TextInput name="example-name" label="Your name" autocomplete="name"/>
            <TextInput name="example-email" label="Email address" kind=InputKind::Email hint="For example, name@example.org" autocomplete="email"/>
            <TextInput name="example-error" label="Group name" error=example_errors().for_field("example-error")/>
            <Textarea name="example-description" label="Description" hint="Say what the group is for." rows=3/>

            <h2>"Radios"</h2>
            <p>"Choose one. The legend asks the question; the arrow keys move between options."</p>
            <RadioGroup name="example-privacy" legend="Who can see this group?" choices=privacy selected=Some("closed".to_string())/>

            <h2>"Checkboxes"</h2>
            <p>"Choose any. The Space key ticks the focused box."</p>
            <CheckboxGroup name="example-permissions" legend="Members may" hint="Select all that apply." choices=permissions
                error=Some("Select at least one permission".to_string())/>

            <h2>"Buttons"</h2>
            <p>"A button’s text says what it does. One primary button per page."</p>
            <div class="q-button-group">
                <Button text="Save group"/>
                <Button text="Save as draft" style=ButtonStyle::Secondary/>
                <Button text="Delete group" style=ButtonStyle::Warning/>
                <ButtonLink href="/design/forms" text="Open the form pattern" style=ButtonStyle::Secondary/>
            </div>

            <h2>"Links"</h2>
            <p>"Link text makes sense on its own. A back link names where it goes."</p>
            <BackLink href="/design" text="Back to design examples"/>

            <h2>"Table"</h2>
            <p>"Every table has a caption and header cells, so each value is read with its row and column."</p>
            <Table caption="Votes on the proposal so far" head=vec!["Position".into(), "Votes".into(), "Share".into()]
                rows=vec![
                    vec!["Agree".into(), "12".into(), "60%".into()],
                    vec!["Abstain".into(), "5".into(), "25%".into()],
                    vec!["Disagree".into(), "3".into(), "15%".into()],
                ]
                row_headers=true numeric=vec![1, 2]/>
        </Page>
    }
}
