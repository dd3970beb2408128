//! Closing a poll early (`/p/<id>/close`, which asks to confirm first; `reopen.rs` opens it
//! again) and writing its outcome (`/p/<id>/outcome`), for the poll's author and the group's
//! admins. The first outcome of each close is emailed to every member; a meeting poll's
//! outcome names the chosen time and carries it as an `invite.ics` event.

use axum::extract::{Path, State};
use axum::response::Response;
use leptos::prelude::*;

use super::PollAccess;
use crate::AppState;
use crate::domain::polls::PollKind;
use crate::domain::polls::setup::{OUTCOME_MAX, check_outcome};
use crate::domain::time::zones;
use crate::domain::validation::FormErrors;
use crate::pages::attachments::{AttachFields, Attaching, Target};
use crate::pages::threads::MARKDOWN_HINT;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::Owner;
use crate::store::{OutcomeProblem, unix_now};
use crate::ui::{
    Button, Choice, ErrorSummary, Form, NavArea, Page, PageHeading, RadioGroup, Textarea,
    render_document,
};

const CLOSE_TITLE: &str = "Close the poll now?";
const OUTCOME_TITLE: &str = "Outcome";

/// `GET /p/<id>/close`.
pub async fn show_close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    access.change_permit(&ctx)?;
    if access.is_closed() {
        return Ok(see_other(&access.href()));
    }
    let crumbs = access.crumbs("Close");
    let caption = access.poll.title.clone();
    let action = format!("{}/close", access.href());
    let lead = format!(
        "Voting ends at once, instead of at the closing time ({}). Nobody can vote after this. You can reopen the poll later with a new closing time, and the votes cast stay counted.",
        zones::format_in_zone(access.poll.closes_at, &access.zone)
    );
    Ok(html(
        axum::http::StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=CLOSE_TITLE area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=CLOSE_TITLE caption=caption lead=lead/>
                    <Form action=action>
                        <Button text="Close the poll"/>
                    </Form>
                </Page>
            }
        }),
    ))
}

/// `POST /p/<id>/close`. It reads no field, but takes the form all the same: `FormData` is
/// what checks the CSRF token and origin, as on every other post.
pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    _form: FormData,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    let permit = access.change_permit(&ctx)?;
    let viewer = ctx.require_viewer()?;
    state
        .store
        .close_poll(&permit, &access.poll.id, &viewer.account_id, unix_now())
        .await?;
    access.audit_change(&state, &ctx, "poll_closed", ip).await;
    Ok(see_other(&format!("{}?done=closed", access.href())))
}

/// `GET /p/<id>/outcome`.
pub async fn show_outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    access.change_permit(&ctx)?;
    if !access.is_closed() {
        return Err(AppError::NotFound);
    }
    let (statement, chosen) = access
        .poll
        .outcome
        .as_ref()
        .map(|o| (o.statement.clone(), o.option.map(|n| n.to_string())))
        .unwrap_or_default();
    let attaching = Attaching::of_post(
        &state,
        &access.thread.group.group.id,
        Owner::Outcome {
            thread: &access.poll.thread_id,
            poll: &access.poll.id,
        },
    )
    .await?;
    Ok(render_outcome(
        &ctx,
        &access,
        statement,
        chosen,
        FormErrors::new(),
        attaching,
    ))
}

/// `POST /p/<id>/outcome`.
pub async fn submit_outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    let permit = access.change_permit(&ctx)?;
    let viewer = ctx.require_viewer()?;
    if !access.is_closed() {
        return Err(AppError::NotFound);
    }
    let statement = form.text("statement").to_string();
    let chosen = form.choice("chosen");
    let poll = &access.poll;
    let checked = check_outcome(poll.kind, &statement, chosen.as_deref(), poll.options.len());
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    let attaching = Attaching::take(
        &state,
        &ctx,
        &access.thread.group.group.id,
        Target::Edit(Owner::Outcome {
            thread: &access.poll.thread_id,
            poll: &access.poll.id,
        }),
        &form,
        &mut errors,
    )
    .await?;
    let option = match checked {
        Ok(option) if errors.is_empty() => option,
        _ => {
            return Ok(render_outcome(
                &ctx, &access, statement, chosen, errors, attaching,
            ));
        }
    };
    let claims = attaching.claims();
    let now = unix_now();
    let saved = state
        .store
        .set_outcome(
            &permit,
            &poll.id,
            &viewer.account_id,
            statement.trim_end(),
            option,
            &claims,
            now,
        )
        .await?;
    state.mailer.wake();
    match saved {
        Ok(()) => Ok(see_other(&format!("{}?done=outcome", access.href()))),
        Err(OutcomeProblem::StillOpen) => Err(AppError::NotFound),
    }
}

fn render_outcome(
    ctx: &Ctx,
    access: &PollAccess,
    statement: String,
    chosen: Option<String>,
    errors: FormErrors,
    attaching: Attaching,
) -> Response {
    let crumbs = access.crumbs(OUTCOME_TITLE);
    let caption = access.poll.title.clone();
    let action = format!("{}/outcome", access.href());
    let has_errors = !errors.is_empty();
    let first = access.poll.outcome.is_none();
    let lead = if first {
        "Say what was decided and what happens next. Every member of the group gets it by email."
    } else {
        "Correct the outcome. Members were emailed the first version and are not emailed again."
    };
    let times = (access.poll.kind == PollKind::Meeting).then(|| {
        let choices: Vec<Choice> = access
            .labels()
            .into_iter()
            .enumerate()
            .map(|(n, label)| Choice::new(n.to_string(), label))
            .collect();
        view! {
            <RadioGroup name="chosen" legend="When is the meeting?"
                hint="The email carries the time as a calendar event." choices=choices
                selected=chosen error=errors.for_field("chosen")/>
        }
    });
    let heading = if first {
        "Write the outcome"
    } else {
        "Edit the outcome"
    };
    html(
        crate::pages::form_status(has_errors),
        render_document(&ctx.page(), move || {
            view! {
                <Page title=heading has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=heading caption=caption lead=lead/>
                    <Form action=action files=true>
                        {times}
                        <Textarea name="statement" label="Outcome statement" hint=MARKDOWN_HINT
                            value=statement error=errors.for_field("statement") rows=8 max_chars=OUTCOME_MAX/>
                        <AttachFields attaching=attaching.clone() errors=errors.clone()/>
                        <Button text="Save outcome"/>
                    </Form>
                </Page>
            }
        }),
    )
}
