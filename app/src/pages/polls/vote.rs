//! `POST /p/<id>/vote`: the ballot, in two steps (WCAG 3.3.6). "Continue" checks the answers:
//! with problems the poll page comes back with the error summary and the answers kept; without,
//! "Check your vote" lists the choices in words, with "Cast vote" (which counts it) and "Change
//! my answers" (back to the form, filled in). Nothing is counted before "Cast vote", and the
//! answers are checked again then, since hidden fields can be edited.

use axum::extract::{Path, State};
use axum::response::Response;
use leptos::prelude::*;

use super::ballot::{HiddenAnswers, OPTIONS_VERSION_FIELD, answers_from};
use super::show::{PollPage, render as render_poll};
use super::{PollAccess, noun};
use crate::AppState;
use crate::domain::polls::ballot::{BallotAnswers, check_ballot, describe, reason_of};
use crate::domain::polls::{Ballot, PollKind};
use crate::domain::validation::FormErrors;
use crate::pages::{AppError, Ctx, FormData, html, see_other};
use crate::store::{CastProblem, unix_now};
use crate::ui::{Button, ButtonStyle, Form, NavArea, Page, PageHeading, render_document};

const CHECK_TITLE: &str = "Check your vote";

#[derive(Debug, Default, serde::Deserialize)]
pub struct AnswerQuery {
    #[serde(default)]
    answer: String,
}

/// `GET /p/<id>/vote?answer=<n>`: "Check your vote" with one answer filled in, as the answer
/// links of a poll's email open it, for the kinds where one answer is a whole ballot. It
/// changes nothing: only "Cast vote" there counts the vote. A person signed out is asked to
/// sign in and comes back here; any other kind of poll, or an answer that is not one of its
/// options, leads to the poll page.
pub async fn check_from_link(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<AnswerQuery>,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    let answer = query
        .answer
        .parse::<usize>()
        .ok()
        .filter(|n| *n < access.poll.options.len());
    let one_answer = crate::store::ONE_ANSWER_KINDS.contains(&access.poll.kind.as_str())
        && (access.poll.kind != PollKind::Choose || access.poll.rules.max_choices <= 1);
    let Some(answer) = answer.filter(|_| one_answer) else {
        return Ok(see_other(&access.href()));
    };
    if ctx.viewer.is_none() {
        return Err(AppError::SignInRequired(format!(
            "{}/vote?answer={answer}",
            access.href()
        )));
    }
    let permit = access.vote_permit(&ctx)?;
    let viewer = ctx.require_viewer()?;
    if let Some(problem) = may_not_vote(&state, &access, &permit, &viewer.account_id).await? {
        let mut errors = FormErrors::new();
        errors.add("vote", refusal(problem));
        return Ok(render_refused(&ctx, &access, errors));
    }
    let poll = &access.poll;
    let answers = BallotAnswers {
        choice: Some(answer.to_string()),
        ..BallotAnswers::default()
    };
    match check_ballot(&poll.rules, &access.labels(), &answers) {
        Ok(ballot) => Ok(render_check(&ctx, &access, &ballot, answers)),
        Err(errors) => {
            let page = PollPage::load(&state, &ctx, access, Some((answers, errors))).await?;
            Ok(render_poll(&ctx, page))
        }
    }
}

/// `POST /p/<id>/vote`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    let permit = access.vote_permit(&ctx)?;
    let viewer = ctx.require_viewer()?.clone();
    let rules = access.poll.rules.clone();
    let labels = access.labels();
    let answers = answers_from(&form, rules.option_count);
    let intent = form.text("intent").to_string();
    if let Some(problem) = may_not_vote(&state, &access, &permit, &viewer.account_id).await? {
        let mut errors = FormErrors::new();
        errors.add("vote", refusal(problem));
        return Ok(render_refused(&ctx, &access, errors));
    }
    let poll = &access.poll;
    // The form names the options it was shown with: if they were changed since, its marks
    // would count for other options, so it is shown again with the options as they are now.
    let shown_options = form.text(OPTIONS_VERSION_FIELD).parse::<i64>().ok();
    if shown_options.is_some_and(|v| v != poll.options_version) {
        let mut errors = FormErrors::new();
        errors.add("vote", refusal(CastProblem::OptionsChanged));
        let page = PollPage::load(
            &state,
            &ctx,
            access,
            Some((BallotAnswers::default(), errors)),
        )
        .await?;
        return Ok(render_poll(&ctx, page));
    }
    if intent == "change" {
        let page = PollPage::load(&state, &ctx, access, Some((answers, FormErrors::new()))).await?;
        return Ok(render_poll(&ctx, page));
    }
    let ballot = match check_ballot(&rules, &labels, &answers) {
        Ok(ballot) => ballot,
        Err(errors) => {
            let page = PollPage::load(&state, &ctx, access, Some((answers, errors))).await?;
            return Ok(render_poll(&ctx, page));
        }
    };
    if intent != "cast" {
        return Ok(render_check(&ctx, &access, &ballot, answers));
    }
    let reason = reason_of(&rules, &answers);
    let cast = state
        .store
        .cast_ballot(
            &permit,
            &access.poll.id,
            &viewer.account_id,
            &ballot,
            reason.as_deref(),
            shown_options,
            unix_now(),
        )
        .await?;
    match cast {
        Ok(()) => Ok(see_other(&format!("{}?done=voted", access.href()))),
        Err(problem) => {
            let mut errors = FormErrors::new();
            errors.add("vote", refusal(problem));
            Ok(render_refused(&ctx, &access, errors))
        }
    }
}

/// Why the person cannot vote now, before any answer is read: the poll has closed, or they have
/// voted and their vote cannot change.
async fn may_not_vote(
    state: &AppState,
    access: &PollAccess,
    permit: &crate::domain::permissions::Permit,
    account_id: &str,
) -> Result<Option<CastProblem>, AppError> {
    if access.is_closed() {
        return Ok(Some(CastProblem::Closed));
    }
    let poll = &access.poll;
    if (poll.anonymous || !poll.allow_change)
        && state.store.has_voted(permit, &poll.id, account_id).await?
    {
        return Ok(Some(CastProblem::AlreadyVoted));
    }
    Ok(None)
}

fn refusal(problem: CastProblem) -> &'static str {
    match problem {
        CastProblem::Closed => "Voting has closed, so your vote was not counted",
        CastProblem::NotAVoter => {
            "Only the members the author named can vote, so your vote was not counted"
        }
        CastProblem::AlreadyVoted => {
            "You have already voted, and this poll does not allow a vote to change"
        }
        CastProblem::OptionsChanged => {
            "The options were changed after you opened the poll, so your vote was not counted. Choose again from the options as they are now"
        }
    }
}

fn render_check(
    ctx: &Ctx,
    access: &PollAccess,
    ballot: &Ballot,
    answers: BallotAnswers,
) -> Response {
    let poll = &access.poll;
    let lines = describe(&poll.rules, &access.labels(), ballot);
    let reason = answers.reason.trim().to_string();
    let reason_label = if poll.kind == PollKind::Question {
        "Your answer"
    } else {
        "Your reason"
    };
    let crumbs = access.crumbs(CHECK_TITLE);
    let caption = poll.title.clone();
    let action = format!("{}/vote", access.href());
    let after = if poll.anonymous {
        "This is a secret ballot: once cast, your vote is not linked to you and cannot be changed."
            .to_string()
    } else if poll.allow_change {
        format!(
            "You can change your vote until the {} closes.",
            noun(poll.kind)
        )
    } else {
        "Once cast, your vote cannot be changed.".to_string()
    };
    let options_version = poll.options_version;
    let items = lines
        .into_iter()
        .map(|l| view! { <li>{l}</li> })
        .collect_view();
    let reason_block = (!reason.is_empty()).then(|| {
        view! {
            <h2>{reason_label}</h2>
            <p class="q-inset">{reason}</p>
        }
    });
    html(
        axum::http::StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=CHECK_TITLE area=NavArea::Groups breadcrumbs=crumbs>
                    <PageHeading text=CHECK_TITLE caption=caption lead="Your vote is not counted until you cast it."/>
                    <h2>"Your choices"</h2>
                    <ul class="q-list">{items}</ul>
                    {reason_block}
                    <p>{after}</p>
                    <Form action=action>
                        <HiddenAnswers answers=answers/>
                        <input type="hidden" name=OPTIONS_VERSION_FIELD value=options_version.to_string()/>
                        <div class="q-button-group">
                            <Button text="Cast vote" name="intent" value="cast"/>
                            <Button text="Change my answers" style=ButtonStyle::Secondary name="intent" value="change"/>
                        </div>
                    </Form>
                </Page>
            }
        }),
    )
}

fn render_refused(ctx: &Ctx, access: &PollAccess, errors: FormErrors) -> Response {
    let crumbs = access.crumbs(CHECK_TITLE);
    let href = access.href();
    let caption = access.poll.title.clone();
    html(
        axum::http::StatusCode::CONFLICT,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=CHECK_TITLE has_errors=true area=NavArea::Groups breadcrumbs=crumbs>
                    <crate::ui::ErrorSummary errors=errors/>
                    <PageHeading text="Your vote was not counted" caption=caption/>
                    <p id="vote"><a href=href>"Back to the poll"</a></p>
                </Page>
            }
        }),
    )
}
