//! `/account/leave`: deactivating or deleting one's account, in two steps. The first page says
//! what each choice ends and what stays, and asks which; the second repeats exactly what will
//! happen and asks to confirm (WCAG 3.3.4 and 3.3.6); only that second post changes anything.
//! A person who is a group's only admin is asked to hand it over first, with a link to each
//! group's members page.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

use crate::AppState;
use crate::auth::emails;
use crate::auth::session::{SESSION_COOKIE, append_cookie};
use crate::domain::validation::FormErrors;
use crate::pages::sign_in::{audit, audit_unnamed, private};
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::unix_now;
use crate::store::{Leaving, SoleAdminGroup};
use crate::ui::{
    Button, ButtonLink, ButtonStyle, Choice, Crumb, ErrorSummary, Form, NavArea,
    NotificationBanner, Page, PageHeading, RadioGroup, render_document,
};

const TITLE: &str = "Leave Quorum";

/// The two ways to leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    Deactivate,
    Delete,
}

impl Way {
    fn parse(value: &str) -> Option<Self> {
        match value {
            "deactivate" => Some(Self::Deactivate),
            "delete" => Some(Self::Delete),
            _ => None,
        }
    }

    const fn value(self) -> &'static str {
        match self {
            Self::Deactivate => "deactivate",
            Self::Delete => "delete",
        }
    }
}

/// What deactivating ends, and what stays.
const DEACTIVATE_ENDS: [&str; 3] = [
    "You stop being a member of every group, and any request to join a group is withdrawn.",
    "You are signed out on every device.",
    "Quorum stops emailing you about your groups.",
];
const DEACTIVATE_STAYS: [&str; 2] = [
    "Your account, with your name and email address, so that you can come back: sign in again and join your groups again.",
    "What you wrote and your votes, under your name.",
];
/// What deleting erases, and what stays.
const DELETE_ENDS: [&str; 6] = [
    "Your name, email address, @handle and password.",
    "Your sessions, sign-in requests and invitations sent to your address.",
    "Your memberships, reactions and the record of what you have read.",
    "Your identity and IP addresses in the audit log.",
    "Email to you that is not sent yet, and the record of email sent to you. Your name is taken out of email to other people that mentions you.",
    "You cannot undo this. Signing in with the same address later makes a new, empty account.",
];
const DELETE_STAYS: [&str; 2] = [
    "Threads, comments, polls, outcomes and votes you wrote or cast stay with their groups, shown as written by \u{201c}Deleted account\u{201d}. They are the group's shared record.",
    "Secret ballots stay as they are: they were never linked to you.",
];

fn list(items: &'static [&'static str]) -> impl IntoView {
    view! { <ul class="q-list q-list--bullet">{items.iter().map(|item| view! { <li>{*item}</li> }).collect_view()}</ul> }
}

/// `GET /account/leave`.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    render_choose(&state, &ctx, None, FormErrors::new(), StatusCode::OK).await
}

/// `POST /account/leave`: the choice, answered by the page that asks to confirm it.
pub async fn choose(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    ctx.require_viewer()?;
    let Some(choice) = form.choice("choice").as_deref().and_then(Way::parse) else {
        let mut errors = FormErrors::new();
        errors.add(
            "choice",
            "Choose whether to deactivate or delete your account",
        );
        return render_choose(&state, &ctx, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    Ok(render_confirm(&ctx, choice))
}

/// `POST /account/leave/confirm`: deactivates or deletes the account, ends the session here
/// and says so on a signed-out page.
pub async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?.clone();
    let Some(choice) = Way::parse(form.text("choice")) else {
        return render_choose(
            &state,
            &ctx,
            None,
            FormErrors::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let outcome = match choice {
        Way::Deactivate => {
            let href = format!("{}/sign-in", state.config.public_url);
            let mail = state
                .mailer
                .prepare(emails::account_deactivated(&viewer.email, &href));
            state
                .store
                .deactivate_account(&viewer.account_id, unix_now(), &mail)
                .await?
        }
        Way::Delete => {
            let mail = state.mailer.prepare(emails::account_deleted(&viewer.email));
            let email_hash = crate::auth::keyed_hash(&state.config.audit_key, &viewer.email);
            state
                .store
                .delete_account(&viewer.account_id, &email_hash, &mail)
                .await?
        }
    };
    if let Leaving::SoleAdmin(_) = outcome {
        let mut errors = FormErrors::new();
        errors.add(
            "choice",
            "You are the only admin of a group, so you cannot leave Quorum yet",
        );
        return render_choose(
            &state,
            &ctx,
            Some(choice),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state.mailer.wake();
    let done = match choice {
        Way::Deactivate => {
            let account = Some(viewer.account_id.as_str());
            audit(&state, "account_deactivated", "ok", account, None, ip).await;
            "deactivated"
        }
        Way::Delete => {
            // Its line names nobody and no address: those were just erased.
            audit_unnamed(&state, "account_deleted").await;
            "deleted"
        }
    };
    let mut response = see_other(&format!("/account/left?done={done}"));
    append_cookie(
        response.headers_mut(),
        state.config.cookies.remove(SESSION_COOKIE),
    );
    Ok(private(response))
}

#[derive(Debug, Deserialize)]
pub struct LeftQuery {
    #[serde(default)]
    done: String,
}

/// `GET /account/left`: the signed-out page after leaving.
pub async fn left(ctx: Ctx, Query(query): Query<LeftQuery>) -> Result<Response, AppError> {
    let (title, lines): (&str, &[&str]) = match query.done.as_str() {
        "deactivated" => (
            "Your account is deactivated",
            &[
                "You are no longer a member of any group, and you are signed out everywhere. We have sent an email to say so.",
                "To come back, sign in with the same email address and join your groups again.",
            ],
        ),
        "deleted" => (
            "Your account is deleted",
            &[
                "Your name, email address, password and sessions are erased. What you wrote stays with each group as written by \u{201c}Deleted account\u{201d}.",
                "We have sent one last email to say so; once it is sent, Quorum keeps no record of your address.",
            ],
        ),
        _ => return Err(AppError::NotFound),
    };
    let page = render_document(&ctx.page(), move || {
        view! {
            <Page title=title area=NavArea::SignIn>
                <NotificationBanner title="Done" success=true><p>{title}"."</p></NotificationBanner>
                <PageHeading text=title/>
                {lines.iter().map(|line| view! { <p>{*line}</p> }).collect_view()}
                <ButtonLink href="/" text="Go to the home page"/>
            </Page>
        }
    });
    Ok(private(html(StatusCode::OK, page)))
}

fn crumbs(current: &'static str) -> Vec<Crumb> {
    vec![
        Crumb::link("Home", "/"),
        Crumb::link("Your account", "/account"),
        Crumb::current(current),
    ]
}

async fn render_choose(
    state: &AppState,
    ctx: &Ctx,
    selected: Option<Way>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let sole = state.store.sole_admin_groups(&viewer.account_id).await?;
    let has_errors = !errors.is_empty();
    let page = render_document(&ctx.page(), move || {
        view! {
            <Page title=TITLE has_errors=has_errors area=NavArea::Account breadcrumbs=crumbs(TITLE)>
                <ErrorSummary errors=errors.clone()/>
                <PageHeading text=TITLE lead="You can deactivate your account and come back later, or delete it for good."/>
                <h2>"If you deactivate your account"</h2>
                <h3>"What ends"</h3>
                {list(&DEACTIVATE_ENDS)}
                <h3>"What stays"</h3>
                {list(&DEACTIVATE_STAYS)}
                <h2>"If you delete your account"</h2>
                <h3>"What is erased"</h3>
                {list(&DELETE_ENDS)}
                <h3>"What stays"</h3>
                {list(&DELETE_STAYS)}
                {sole_admin_or_form(sole, selected, errors.for_field("choice"))}
            </Page>
        }
    });
    Ok(html(status, page))
}

/// The question, or, for a group's only admin, what to do first.
fn sole_admin_or_form(
    sole: Vec<SoleAdminGroup>,
    selected: Option<Way>,
    error: Option<String>,
) -> impl IntoView {
    if sole.is_empty() {
        let choices = vec![
            Choice::new("deactivate", "Deactivate my account")
                .with_hint("You can come back by signing in."),
            Choice::new("delete", "Delete my account").with_hint("This cannot be undone."),
        ];
        return view! {
            <h2>"Choose"</h2>
            <Form action="/account/leave">
                <RadioGroup name="choice" legend="What do you want to do?" choices=choices
                    selected=selected.map(|c| c.value().to_string()) error=error/>
                <p>"Nothing happens yet: the next page asks you to confirm."</p>
                <Button text="Continue"/>
            </Form>
            <p><a href="/account">"Keep my account"</a></p>
        }
        .into_any();
    }
    view! {
        <h2>"Hand over your groups first"</h2>
        <p>{error.unwrap_or_default()}</p>
        <p>"A group always needs an admin, and you are the only admin of these groups. Make another member an admin on each group's members page, or delete the group, then come back here."</p>
        <ul class="q-list q-list--bullet">
            {sole.into_iter().map(|group| {
                let href = format!("/g/{}/members", group.handle);
                let text = format!("Members of {} (@{})", group.name, group.handle);
                view! { <li><a href=href>{text}</a></li> }
            }).collect_view()}
        </ul>
        <p><a href="/account">"Back to your account"</a></p>
    }
    .into_any()
}

fn render_confirm(ctx: &Ctx, choice: Way) -> Response {
    let (title, ends_heading, ends, stays, button): (
        _,
        _,
        &'static [&'static str],
        &'static [&'static str],
        _,
    ) = match choice {
        Way::Deactivate => (
            "Deactivate your account?",
            "What ends",
            &DEACTIVATE_ENDS,
            &DEACTIVATE_STAYS,
            "Deactivate my account",
        ),
        Way::Delete => (
            "Delete your account?",
            "What is erased",
            &DELETE_ENDS,
            &DELETE_STAYS,
            "Delete my account",
        ),
    };
    let value = choice.value();
    let page = render_document(&ctx.page(), move || {
        view! {
            <Page title=title area=NavArea::Account breadcrumbs=crumbs(TITLE)>
                <PageHeading text=title lead="Check what will happen. Nothing has changed yet."/>
                <h2>{ends_heading}</h2>
                {list(ends)}
                <h2>"What stays"</h2>
                {list(stays)}
                <Form action="/account/leave/confirm">
                    <input type="hidden" name="choice" value=value/>
                    <Button text=button style=ButtonStyle::Warning/>
                </Form>
                <p><a href="/account">"Cancel and keep my account"</a></p>
            </Page>
        }
    });
    html(StatusCode::OK, page)
}
