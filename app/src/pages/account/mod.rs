//! `/account`: the signed-in person's name, email address, password, sessions, a copy of their
//! data, and leaving. Each part is its own small form posting to its own URL; a problem
//! re-renders this page (422) with the error in that part and the answer kept, and success
//! comes back here with a status message.

pub mod email;
pub mod export;
pub mod leave;
pub mod password;
pub mod sessions;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::sign_in::welcome::{NAME_MAX, check_name};
use super::{AppError, Ctx, DoneQuery, FormData, html, see_other};
use crate::AppState;
use crate::auth::session::Viewer;
use crate::domain::time::{format_utc, zones};
use crate::domain::validation::FormErrors;
use crate::store::SessionSummary;
use crate::ui::{
    Button, ButtonStyle, Crumb, ErrorSummary, Form, InputKind, NavArea, Page, PageHeading, Select,
    SuccessBanner, TextInput, render_document,
};

const TITLE: &str = "Your account";

/// What one render of the account page shows: the answers and errors of the form that was
/// sent, if any, and a status message after a success.
#[derive(Debug, Default, Clone)]
pub struct AccountView {
    pub name: Option<String>,
    pub new_email: String,
    pub errors: FormErrors,
    pub done: Option<&'static str>,
}

/// The status messages a redirect back to `/account?done=…` can show, in one place.
fn done_message(key: &str) -> Option<&'static str> {
    Some(match key {
        "name" => "Your name has been saved.",
        "time-zone" => "Your time zone has been saved. Times are now shown in it.",
        "email-sent" => {
            "We have sent a link to your new email address. Your address changes when you open it."
        }
        "email-changed" => "Your email address has been changed.",
        "password-set" => {
            "Your password has been saved. You can now sign in with it or with an email link."
        }
        "password-removed" => "Your password has been removed. You sign in with email links.",
        "session-ended" => "That session has been ended.",
        "sessions-ended" => "All your other sessions have been ended.",
        "export-requested" => {
            "We are preparing a copy of your data. We will email you a link to it, usually within a few minutes."
        }
        "export-waiting" => {
            "We are already preparing a copy of your data, or have emailed you a link to one. Use that link: you can ask for a new copy once it has been used or has expired."
        }
        _ => return None,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let view = AccountView {
        done: done_message(&query.done),
        ..AccountView::default()
    };
    render(&state, &ctx, view, StatusCode::OK).await
}

/// Renders the account page for the signed-in person.
pub async fn render(
    state: &AppState,
    ctx: &Ctx,
    view: AccountView,
    status: StatusCode,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?.clone();
    let sessions = state.store.sessions_of(&viewer.account_id).await?;
    let operator = state.store.is_operator(&viewer.account_id).await?;
    let page = render_document(&ctx.page(), move || {
        account_page(viewer, sessions, view, operator)
    });
    Ok(html(status, page))
}

/// `POST /account/time-zone`.
pub async fn save_time_zone(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let zone = form.text("time_zone").trim().to_string();
    if zones::zone(&zone).is_none() {
        let mut errors = FormErrors::new();
        errors.add("time_zone", "Choose your time zone from the list");
        let view = AccountView {
            errors,
            ..AccountView::default()
        };
        return render(&state, &ctx, view, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    state.store.set_time_zone(&viewer.account_id, &zone).await?;
    // A digest comes at 06:00 in the person's zone: the next one moves with it.
    let (digest, day) = state.store.digest_setting(&viewer.account_id).await?;
    if let (Some(frequency), Some(zone)) = (
        crate::notify::digest::Frequency::parse(&digest),
        zones::zone(&zone),
    ) {
        let due = crate::notify::digest::first_due(
            crate::store::unix_now(),
            frequency,
            i8::try_from(day).unwrap_or(1),
            &zone,
        );
        state
            .store
            .set_digest(&viewer.account_id, &digest, day, due)
            .await?;
    }
    Ok(see_other("/account?done=time-zone"))
}

/// `POST /account/name`.
pub async fn save_name(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let name = form.text("name").to_string();
    let errors = check_name(&name);
    if !errors.is_empty() {
        let view = AccountView {
            name: Some(name),
            errors,
            ..AccountView::default()
        };
        return render(&state, &ctx, view, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    state
        .store
        .set_display_name(&viewer.account_id, name.trim())
        .await?;
    Ok(see_other("/account?done=name"))
}

/// `operator`: the person runs this Quorum, and the page links to the instance page.
fn account_page(
    viewer: Viewer,
    sessions: Vec<SessionSummary>,
    view: AccountView,
    operator: bool,
) -> impl IntoView {
    let name = view
        .name
        .clone()
        .unwrap_or_else(|| viewer.display_name.clone().unwrap_or_default());
    let errors = view.errors.clone();
    let has_errors = !errors.is_empty();
    let (name_error, email_error, password_error) = (
        errors.for_field("name"),
        errors.for_field("new_email"),
        errors.for_field("new_password"),
    );
    let new_email = view.new_email.clone();
    let zone_error = errors.for_field("time_zone");
    let zone_options: Vec<(String, String)> = zones::names()
        .into_iter()
        .map(|z| (z.clone(), z.replace('_', " ")))
        .collect();
    let time_zone = viewer.time_zone.clone();
    let current = viewer.session_id.clone();
    let others = sessions.iter().filter(|s| s.public_id != current).count();
    let session_items = sessions
        .into_iter()
        .map(|session| {
            let this_device = session.public_id == current;
            let since = format_utc(session.created_at);
            let seen = format_utc(session.last_seen_at);
            let label = format!("Sign out {} (signed in {since}, last used {seen})", session.device);
            view! {
                <li class="q-session">
                    <h3 class="q-heading-s">{session.device.clone()}{this_device.then_some(" (this device)")}</h3>
                    <p>"Signed in " {since.clone()} ". Last used " {seen} "."</p>
                    {(!this_device).then(|| view! {
                        <Form action="/account/sessions/end" label=label.clone()>
                            <input type="hidden" name="session" value=session.public_id.clone()/>
                            <Button text=label.clone() style=ButtonStyle::Secondary/>
                        </Form>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <Page title=TITLE has_errors=has_errors area=NavArea::Account breadcrumbs=vec![Crumb::link("Home", "/"), Crumb::current(TITLE)]>
            <ErrorSummary errors=errors/>
            <SuccessBanner message=view.done.map(Into::into)/>
            <PageHeading text=TITLE lead=format!("You are signed in as {}.", viewer.email)/>
            {operator.then(|| view! {
                <p>"You are an operator of this Quorum. " <a href="/operator">"Instance overview for operators"</a></p>
            })}

            <h2>"Your name"</h2>
            <Form action="/account/name" label="Your name">
                <TextInput name="name" label="Name" hint="The name other members of your groups see." value=name
                    autocomplete="name" error=name_error max_chars=NAME_MAX/>
                <Button text="Save name" style=ButtonStyle::Secondary/>
            </Form>

            <h2>"Time zone"</h2>
            <Form action="/account/time-zone" label="Time zone">
                <Select name="time_zone" label="Your time zone"
                    hint="Poll closing times and meeting times are shown in it, and new polls start in it."
                    options=zone_options selected=time_zone error=zone_error/>
                <Button text="Save time zone" style=ButtonStyle::Secondary/>
            </Form>

            <h2>"Email address"</h2>
            <p>"You sign in and receive email at " <strong>{viewer.email.clone()}</strong> "."</p>
            <Form action="/account/email" label="Change email address">
                <TextInput name="new_email" label="New email address" kind=InputKind::Email autocomplete="email"
                    hint="We will send a link to the new address. Your address changes only when you open it."
                    value=new_email error=email_error/>
                <Button text="Send a confirmation link" style=ButtonStyle::Secondary/>
            </Form>

            <h2>"Password"</h2>
            {password::section(viewer.has_password, password_error)}

            <h2>"Where you are signed in"</h2>
            <ul class="q-list">{session_items}</ul>
            {(others > 0).then(|| view! {
                <Form action="/account/sessions/end-others" label="Sign out everywhere else">
                    <Button text="Sign out everywhere else" style=ButtonStyle::Warning/>
                </Form>
            })}

            <h2>"Your data"</h2>
            <p>"You can have a copy of everything Quorum holds about you: your profile, groups, threads, comments and their earlier versions, polls, votes, reactions, sessions and sign-in history. It comes as one zip file with a page to read in a browser and a JSON file for programs."</p>
            <p>"We will email you a link to it when it is ready. The link works once, for 24 hours, while you are signed in."</p>
            <Form action="/account/export" label="Prepare a copy of your data">
                <Button text="Prepare a copy of your data" style=ButtonStyle::Secondary/>
            </Form>

            <h2>"Leave Quorum"</h2>
            <p>"You can deactivate your account and come back later, or delete it. The next page says what each one ends and what stays, before anything changes."</p>
            <p><a href="/account/leave">"Deactivate or delete your account"</a></p>
        </Page>
    }
}
