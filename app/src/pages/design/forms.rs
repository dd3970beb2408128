//! `/design/forms`: the form pattern every Quorum form follows, kept as a living example.
//!
//! 1. `GET` renders the empty form.
//! 2. `POST` to the same URL reads the answers and checks all of them at once.
//! 3. Problems: the same page again, status 422, the title prefixed with "Error:", an error
//!    summary linking to each field, an inline error on each field, and every answer kept.
//! 4. No problems: act, then redirect with 303 to a confirmation page (post/redirect/get).
//!
//! All of it works without JavaScript: it is plain HTML forms and redirects.

use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::crumbs;
use crate::domain::validation::{FormErrors, is_email_address, required_text};
use crate::pages::{Ctx, FormData, html, see_other};
use crate::ui::{
    BackLink, Button, CheckboxGroup, Choice, ErrorSummary, Form, InputKind, NavArea,
    NotificationBanner, Page, PageHeading, RadioGroup, TextInput, Textarea, render_document,
};

const TITLE: &str = "Form pattern";
const NAME_MAX: usize = 100;
const MESSAGE_MAX: usize = 500;

/// The answers, as typed: kept whole so a failed submission shows them again.
#[derive(Debug, Default, Clone)]
struct Answers {
    name: String,
    email: String,
    contact: Option<String>,
    topics: Vec<String>,
    message: String,
}

impl Answers {
    fn from_form(form: &FormData) -> Self {
        Self {
            name: form.text("name").to_string(),
            email: form.text("email").to_string(),
            contact: form.choice("contact"),
            topics: form.all("topics"),
            message: form.text("message").to_string(),
        }
    }

    fn check(&self) -> FormErrors {
        let mut errors = FormErrors::new();
        required_text(
            &mut errors,
            "name",
            &self.name,
            "Enter your full name",
            NAME_MAX,
            "Full name must be 100 characters or fewer",
        );
        if self.email.trim().is_empty() {
            errors.add("email", "Enter your email address");
        } else if !is_email_address(&self.email) {
            errors.add(
                "email",
                "Enter an email address in the correct format, like name@example.org",
            );
        }
        match &self.contact {
            None => errors.add("contact", "Select how you would like us to contact you"),
            Some(value) if !contact_choices().iter().any(|c| &c.value == value) => {
                errors.add("contact", "Select one of the ways to contact you shown")
            }
            Some(_) => {}
        }
        if self
            .topics
            .iter()
            .any(|t| !topic_choices().iter().any(|c| &c.value == t))
        {
            errors.add("topics", "Select only topics from the list");
        }
        required_text(
            &mut errors,
            "message",
            &self.message,
            "Enter your message",
            MESSAGE_MAX,
            "Message must be 500 characters or fewer",
        );
        errors
    }
}

fn contact_choices() -> Vec<Choice> {
    vec![
        Choice::new("email", "Email"),
        Choice::new("post", "Post").with_hint("We will ask for your address in our reply."),
        Choice::new("none", "Do not contact me"),
    ]
}

fn topic_choices() -> Vec<Choice> {
    vec![
        Choice::new("discussions", "Discussions"),
        Choice::new("decisions", "Decisions and votes"),
        Choice::new("accessibility", "Accessibility"),
    ]
}

pub async fn show(ctx: Ctx) -> Response {
    let page = render_document(&ctx.page(), || {
        form_page(Answers::default(), FormErrors::new())
    });
    html(StatusCode::OK, page)
}

pub async fn submit(ctx: Ctx, form: FormData) -> Response {
    let answers = Answers::from_form(&form);
    let errors = answers.check();
    if errors.is_empty() {
        return see_other("/design/forms/done");
    }
    html(
        StatusCode::UNPROCESSABLE_ENTITY,
        render_document(&ctx.page(), move || form_page(answers, errors)),
    )
}

pub async fn done(ctx: Ctx) -> Response {
    html(StatusCode::OK, render_document(&ctx.page(), done_page))
}

fn form_page(answers: Answers, errors: FormErrors) -> impl IntoView {
    view! {
        <Page title=TITLE has_errors=!errors.is_empty() area=NavArea::Design breadcrumbs=crumbs(TITLE)>
            <ErrorSummary errors=errors.clone()/>
            <PageHeading
                text=TITLE
                lead="Send us a message. This example shows how every Quorum form checks answers and explains mistakes."
            />
            <Form action="/design/forms">
                <TextInput name="name" label="Full name" value=answers.name autocomplete="name"
                    error=errors.for_field("name") max_chars=NAME_MAX/>
                <TextInput name="email" label="Email address" kind=InputKind::Email
                    hint="We only use this to reply to you." value=answers.email autocomplete="email"
                    error=errors.for_field("email")/>
                <RadioGroup name="contact" legend="How would you like us to contact you?"
                    choices=contact_choices() selected=answers.contact error=errors.for_field("contact")/>
                <CheckboxGroup name="topics" legend="Which topics is your message about?"
                    hint="Select all that apply, or none." choices=topic_choices() selected=answers.topics
                    error=errors.for_field("topics")/>
                <Textarea name="message" label="Message" hint="You can enter up to 500 characters."
                    value=answers.message error=errors.for_field("message") max_chars=MESSAGE_MAX/>
                <Button text="Send message"/>
            </Form>
        </Page>
    }
}

fn done_page() -> impl IntoView {
    view! {
        <Page title="Message sent" area=NavArea::Design breadcrumbs=crumbs("Message sent")>
            <NotificationBanner title="Success" success=true>
                <p class="q-banner__heading">"Your message passed every check"</p>
            </NotificationBanner>
            <PageHeading text="Message sent"/>
            <p>"In a real form this page would say what happens next. Nothing was stored or sent: this is an example."</p>
            <BackLink href="/design/forms" text="Back to the form pattern"/>
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(
        name: &str,
        email: &str,
        contact: Option<&str>,
        topics: &[&str],
        message: &str,
    ) -> Answers {
        Answers {
            name: name.into(),
            email: email.into(),
            contact: contact.map(Into::into),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            message: message.into(),
        }
    }

    #[test]
    fn an_empty_form_reports_every_required_field_in_page_order() {
        let errors = Answers::default().check();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["name", "email", "contact", "message"]);
    }

    #[test]
    fn tampered_choices_are_refused_and_good_answers_pass() {
        let errors = answers("Ann", "ann@example.org", Some("fax"), &["weather"], "Hi").check();
        assert_eq!(
            errors.for_field("contact").as_deref(),
            Some("Select one of the ways to contact you shown")
        );
        assert_eq!(
            errors.for_field("topics").as_deref(),
            Some("Select only topics from the list")
        );
        assert!(
            answers("Ann", "ann@example.org", Some("post"), &["decisions"], "Hi")
                .check()
                .is_empty()
        );
    }

    #[test]
    fn limits_are_counted_in_characters() {
        let long = "é".repeat(MESSAGE_MAX + 1);
        let errors = answers("Ann", "ann@example.org", Some("none"), &[], &long).check();
        assert_eq!(
            errors.for_field("message").as_deref(),
            Some("Message must be 500 characters or fewer")
        );
    }
}
