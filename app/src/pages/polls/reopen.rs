//! `/p/<id>/reopen`: the author or an admin opens a closed poll again, with a new closing time
//! (in the person's zone, within the limits of a new poll). The page first says what happens
//! (WCAG 3.3.6): every vote already cast is kept and still counts, the secret-ballot and
//! hidden-results rules hold as before, and an outcome already written is set aside as the
//! earlier outcome, because it was the outcome of a vote that is no longer over. When the poll
//! closes again its author is asked for a new outcome, and members are emailed that one.

use axum::extract::{Path, State};
use axum::response::Response;
use leptos::prelude::*;

use super::PollAccess;
use super::edit::VERSION_FIELD;
use crate::AppState;
use crate::domain::polls::HideResults;
use crate::domain::polls::setup::check_reopen;
use crate::domain::time::zones;
use crate::domain::validation::FormErrors;
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::{ChangeProblem, StoreError, unix_now};
use crate::ui::{
    Button, ErrorSummary, Form, InputKind, NavArea, Page, PageHeading, Select, TextInput,
    render_document,
};

const TITLE: &str = "Reopen the poll?";
const STALE: &str = "Someone else changed this poll after you opened this page, so it has not been reopened. Check what happens now, below, and reopen it again if you still want to";
const OPEN: &str =
    "Someone else has reopened this poll already. Go back to the poll to see its closing time";

/// The answers of the reopen form.
#[derive(Debug, Clone, Default)]
struct Answers {
    time_zone: String,
    closes_at: String,
}

/// `GET /p/<id>/reopen`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    access.change_permit(&ctx)?;
    if !access.is_closed() {
        return Ok(see_other(&access.href()));
    }
    let voted = state.store.turnout(&access.read, &id).await?.1;
    let answers = Answers {
        time_zone: access.zone.iana_name().unwrap_or("UTC").to_string(),
        closes_at: String::new(),
    };
    let version = access.poll.version;
    Ok(render(
        &ctx,
        &access,
        voted,
        answers,
        version,
        FormErrors::new(),
    ))
}

/// `POST /p/<id>/reopen`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    let permit = access.change_permit(&ctx)?;
    let viewer = ctx.require_viewer()?;
    let answers = Answers {
        time_zone: form.text("time_zone").to_string(),
        closes_at: form.text("closes_at").to_string(),
    };
    let expected = form.text(VERSION_FIELD).parse::<i64>().unwrap_or(0);
    let voted = state.store.turnout(&access.read, &id).await?.1;
    let closes_at = match check_reopen(&answers.time_zone, &answers.closes_at, unix_now()) {
        Ok(at) => at,
        Err(errors) => return Ok(render(&ctx, &access, voted, answers, expected, errors)),
    };
    let reopened = state
        .store
        .reopen_poll(
            &permit,
            &access.poll.id,
            &viewer.account_id,
            expected,
            closes_at,
            unix_now(),
        )
        .await;
    let mut errors = FormErrors::new();
    match reopened {
        Ok(Ok(_)) => {
            access.audit_change(&state, &ctx, "poll_reopened", ip).await;
            return Ok(see_other(&format!("{}?done=reopened", access.href())));
        }
        Ok(Err(ChangeProblem::Stale { current })) => {
            // What the page says happens may have changed (an outcome written meanwhile).
            let now = PollAccess::load(&state, &ctx, &id).await?;
            errors.add(VERSION_FIELD, STALE);
            return Ok(render(&ctx, &now, voted, answers, current, errors));
        }
        Ok(Err(_)) => errors.add(VERSION_FIELD, OPEN),
        Err(StoreError::NotPermitted) => return Err(AppError::NotFound),
        Err(error) => return Err(error.into()),
    }
    Ok(render(&ctx, &access, voted, answers, expected, errors))
}

/// What reopening does, one sentence a point, for this poll.
fn consequences(access: &PollAccess, voted: i64) -> Vec<String> {
    let poll = &access.poll;
    let mut said = vec![match voted {
        0 => "Nobody has voted yet. People can vote until the new closing time.".to_string(),
        1 => "The 1 vote already cast is kept and still counts. People can vote until the new closing time.".to_string(),
        n => format!("The {n} votes already cast are kept and still count. People can vote until the new closing time."),
    }];
    said.push(if poll.anonymous {
        "This is a secret ballot: people who have voted cannot vote again, and no vote is linked to anyone.".to_string()
    } else if poll.allow_change {
        "People who have voted can change their vote.".to_string()
    } else {
        "People who have voted cannot vote again: this poll does not allow votes to change.".to_string()
    });
    match poll.hide_results {
        HideResults::UntilClosed => {
            said.push("The results are hidden again until the poll closes.".to_string());
        }
        HideResults::UntilVoted => said.push(
            "The results are hidden again from people who have not voted, until the poll closes."
                .to_string(),
        ),
        HideResults::Never => {}
    }
    if let Some(outcome) = &poll.outcome {
        let hidden = if poll.hide_results == HideResults::Never {
            ""
        } else {
            ", shown when the results are"
        };
        said.push(format!(
            "The outcome {} wrote on {} is set aside: the poll's page keeps it as the earlier outcome{hidden}. When the poll closes again you write a new outcome, and members are emailed it.",
            outcome.by_name,
            zones::format_in_zone(outcome.at, &access.zone),
        ));
    }
    said
}

fn render(
    ctx: &Ctx,
    access: &PollAccess,
    voted: i64,
    answers: Answers,
    version: i64,
    errors: FormErrors,
) -> Response {
    let crumbs = access.crumbs("Reopen");
    let caption = access.poll.title.clone();
    let action = format!("{}/reopen", access.href());
    let has_errors = !errors.is_empty();
    let items = consequences(access, voted)
        .into_iter()
        .map(|s| view! { <li>{s}</li> })
        .collect_view();
    let zones: Vec<(String, String)> = zones::names()
        .into_iter()
        .map(|z| (z.clone(), z.replace('_', " ")))
        .collect();
    let back = access.href();
    html(
        crate::pages::form_status(has_errors),
        render_document(&ctx.page(), move || {
            view! {
                <Page title=TITLE has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=TITLE caption=caption
                        lead="Voting starts again until the closing time you choose."/>
                    <h2 id=VERSION_FIELD>"What happens"</h2>
                    <ul class="q-list">{items}</ul>
                    <Form action=action>
                        <input type="hidden" name=VERSION_FIELD value=version.to_string()/>
                        <Select name="time_zone" label="Time zone"
                            hint="The zone the closing time is in. People see it in their own zone."
                            options=zones selected=answers.time_zone error=errors.for_field("time_zone")/>
                        <TextInput name="closes_at" label="New closing time" kind=InputKind::DateTimeLocal
                            hint="When voting ends, within a year. Type it like 2026-12-10T17:00 if your browser shows a text box."
                            value=answers.closes_at error=errors.for_field("closes_at")/>
                        <Button text="Reopen the poll"/>
                    </Form>
                    <p><a href=back>"Keep it closed and go back to the poll"</a></p>
                </Page>
            }
        }),
    )
}
