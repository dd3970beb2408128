//! `/p/<id>/edit`: the author or an admin changes an open poll. The title, details and closing
//! time can change while it is open; the options and how they are counted only while nobody
//! has voted, because a vote's marks name options by number. Once anyone has voted, the form
//! says so in words and lists what is fixed, rather than showing controls that do nothing.
//!
//! Each save is a new version (see `history.rs`). The form carries the version it was made
//! from: when someone else saved in between, nothing is saved, the person's answers come back
//! with the poll as it is now beside them, and saving again is a choice made knowingly.

use axum::extract::{Path, State};
use axum::response::Response;
use leptos::prelude::*;

use super::new::{PollFields, answers_from};
use super::{PollAccess, noun};
use crate::AppState;
use crate::domain::markdown;
use crate::domain::polls::setup::{PollAnswers, TIMES_MAX, check_edit};
use crate::domain::polls::{NONE_OF_THE_ABOVE, PollKind};
use crate::domain::time::zones;
use crate::domain::validation::FormErrors;
use crate::pages::attachments::{AttachFields, Attaching, Target};
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::Owner;
use crate::store::{ChangeProblem, StoreError, unix_now};
use crate::ui::{Button, ErrorSummary, Form, NavArea, Page, PageHeading, render_document};

/// The hidden field naming the version the form was made from.
pub const VERSION_FIELD: &str = "version";
/// The hidden field present when the form showed the options and counting.
const SETUP_FIELD: &str = "setup";

const STALE: &str = "Someone else changed this poll after you opened this page, so your changes have not been saved. Compare them with the poll as it is now, shown below, then save again";
const VOTED: &str = "Someone voted while you were changing the poll, so its options and how they are counted are now fixed, and your changes to them have not been saved. Check your other changes and save again";
const CLOSED: &str =
    "The poll has closed, so your changes have not been saved. To change it, reopen it first";

/// `GET /p/<id>/edit`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    access.change_permit(&ctx)?;
    if access.is_closed() {
        return Ok(see_other(&access.href()));
    }
    let voted = voted(&state, &access).await?;
    let answers = answers_of(&access);
    let version = access.poll.version;
    let attaching = Attaching::of_post(
        &state,
        &access.thread.group.group.id,
        Owner::Poll {
            thread: &access.poll.thread_id,
            poll: &access.poll.id,
        },
    )
    .await?;
    Ok(render(
        &ctx,
        &access,
        voted,
        answers,
        version,
        FormErrors::new(),
        false,
        attaching,
    ))
}

/// `POST /p/<id>/edit`.
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
    let poll = &access.poll;
    // Only what this form changes is read from it; the voting settings are the poll's own.
    let answers = PollAnswers {
        anonymous: poll.anonymous,
        allow_change: poll.allow_change,
        hide_results: poll.hide_results.as_str().into(),
        reason: poll.rules.reason.as_str().into(),
        voters: String::new(),
        ..answers_from(&form)
    };
    let expected = form.text(VERSION_FIELD).parse::<i64>().unwrap_or(0);
    let voted = voted(&state, &access).await?;
    // The files are taken first, so that whatever else is wrong, the ones sent are kept.
    let mut file_errors = FormErrors::new();
    let attaching = Attaching::take(
        &state,
        &ctx,
        &access.thread.group.group.id,
        Target::Edit(Owner::Poll {
            thread: &access.poll.thread_id,
            poll: &access.poll.id,
        }),
        &form,
        &mut file_errors,
    )
    .await?;
    if options_fixed(poll.kind, voted) && !form.text(SETUP_FIELD).is_empty() {
        let mut errors = FormErrors::new();
        errors.add("options-fixed", VOTED);
        return Ok(render(
            &ctx, &access, voted, answers, expected, errors, false, attaching,
        ));
    }
    let edit = match check_edit(
        poll.kind,
        &answers,
        options_fixed(poll.kind, voted),
        unix_now(),
    ) {
        Ok(edit) if file_errors.is_empty() => edit,
        checked => {
            let mut errors = checked.err().unwrap_or_default();
            for error in file_errors.iter() {
                errors.add(error.field.clone(), error.message.clone());
            }
            return Ok(render(
                &ctx, &access, voted, answers, expected, errors, false, attaching,
            ));
        }
    };
    let claims = attaching.claims();
    let saved = state
        .store
        .edit_poll(
            &permit,
            &poll.id,
            &viewer.account_id,
            expected,
            &edit,
            &claims,
            unix_now(),
        )
        .await;
    let mut errors = FormErrors::new();
    match saved {
        Ok(Ok(_)) => {
            access.audit_change(&state, &ctx, "poll_edited", ip).await;
            return Ok(see_other(&format!("{}?done=edited", access.href())));
        }
        Ok(Err(ChangeProblem::Stale { .. })) => {
            // Show the poll as it now is, and make the next save knowingly replace it.
            let now = PollAccess::load(&state, &ctx, &id).await?;
            let current = now.poll.version;
            let voted = self::voted(&state, &now).await?;
            errors.add(VERSION_FIELD, STALE);
            return Ok(render(
                &ctx, &now, voted, answers, current, errors, true, attaching,
            ));
        }
        Ok(Err(ChangeProblem::Voted)) => errors.add("options-fixed", VOTED),
        Ok(Err(ChangeProblem::Closed | ChangeProblem::Open)) => errors.add(VERSION_FIELD, CLOSED),
        Err(StoreError::NotPermitted) => return Err(AppError::NotFound),
        Err(error) => return Err(error.into()),
    }
    let voted = self::voted(&state, &access).await?.max(1);
    let show_current = errors.for_field(VERSION_FIELD).is_some();
    Ok(render(
        &ctx,
        &access,
        voted,
        answers,
        expected,
        errors,
        show_current,
        attaching,
    ))
}

/// Whether the kind has options or counting its author chooses: a question has no options,
/// and a sense check's are the same for every poll.
fn has_setup(kind: PollKind) -> bool {
    !matches!(kind, PollKind::Question | PollKind::SenseCheck)
}

/// Whether the options and counting are fixed: once anyone has voted, and always for a kind
/// without any to choose.
fn options_fixed(kind: PollKind, voted: i64) -> bool {
    voted > 0 || !has_setup(kind)
}

/// How many people have voted: any vote fixes the options.
async fn voted(state: &AppState, access: &PollAccess) -> Result<i64, AppError> {
    Ok(state.store.turnout(&access.read, &access.poll.id).await?.1)
}

/// The form filled in with the poll as it is, times in the person's zone.
fn answers_of(access: &PollAccess) -> PollAnswers {
    let poll = &access.poll;
    let zone_name = access.zone.iana_name().unwrap_or("UTC").to_string();
    let mut labels = poll.labels();
    if poll.rules.none_of_the_above && labels.last().is_some_and(|l| l == NONE_OF_THE_ABOVE) {
        labels.pop();
    }
    let mut times: Vec<String> = poll
        .options
        .iter()
        .filter_map(|o| o.starts_at)
        .map(|at| zones::unix_to_local_input(at, &access.zone))
        .collect();
    times.resize(TIMES_MAX, String::new());
    let r = &poll.rules;
    PollAnswers {
        title: poll.title.clone(),
        details: poll.details.clone(),
        template: poll
            .template
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        options: if poll.kind == PollKind::Meeting {
            String::new()
        } else {
            labels.join("\n")
        },
        times,
        time_zone: zone_name,
        closes_at: zones::unix_to_local_input(poll.closes_at, &access.zone),
        anonymous: poll.anonymous,
        hide_results: poll.hide_results.as_str().into(),
        reason: r.reason.as_str().into(),
        allow_change: poll.allow_change,
        voters: String::new(),
        remind: String::new(),
        min_choices: r.min_choices.to_string(),
        max_choices: r.max_choices.to_string(),
        none_of_the_above: r.none_of_the_above,
        score_min: r.score_min.to_string(),
        score_max: r.score_max.to_string(),
        dot_total: r.dot_total.to_string(),
        method: r.method.as_str().into(),
        count_target: r.count_target.to_string(),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one form, each kept as sent"
)]
fn render(
    ctx: &Ctx,
    access: &PollAccess,
    voted: i64,
    answers: PollAnswers,
    version: i64,
    errors: FormErrors,
    show_current: bool,
    attaching: Attaching,
) -> Response {
    let poll = &access.poll;
    let kind = poll.kind;
    let heading = format!("Edit the {}", noun(kind));
    let crumbs = access.crumbs("Edit");
    let caption = poll.title.clone();
    let action = format!("{}/edit", access.href());
    let has_errors = !errors.is_empty();
    let fixed = options_fixed(kind, voted);
    let has_setup = has_setup(kind);
    let setup_shown = (!fixed && has_setup)
        .then(|| view! { <input type="hidden" name=SETUP_FIELD value="shown"/> });
    let fixed_note = (fixed && has_setup).then(|| fixed_options(access, voted, &errors));
    let current = show_current.then(|| current_poll(access));
    let back = access.href();
    html(
        crate::pages::form_status(has_errors),
        render_document(&ctx.page(), move || {
            view! {
                <Page title=heading.clone() has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=heading.clone() caption=caption
                        lead="Your changes are saved as a new version, and anyone who can read the poll can see earlier versions. The kind of poll, the voting settings and who can vote stay as they are."/>
                    {current}
                    <Form action=action files=true>
                        <input type="hidden" name=VERSION_FIELD value=version.to_string()/>
                        {setup_shown}
                        <PollFields kind=kind answers=answers errors=errors.clone() setup=!fixed voting=false/>
                        <AttachFields attaching=attaching.clone() errors=errors.clone()/>
                        {fixed_note}
                        <Button text="Save changes"/>
                    </Form>
                    <p><a href=back>"Back to the poll without saving"</a></p>
                </Page>
            }
        }),
    )
}

/// Why the options cannot change, and what they are.
fn fixed_options(access: &PollAccess, voted: i64, errors: &FormErrors) -> impl IntoView + use<> {
    let people = if voted == 1 {
        "1 person has voted".to_string()
    } else {
        format!("{voted} people have voted")
    };
    let why = format!(
        "The options and how they are counted cannot change any more: {people}, and changing them would change what those votes mean."
    );
    let items = access
        .labels()
        .into_iter()
        .map(|l| view! { <li>{l}</li> })
        .collect_view();
    let counting = super::history::counting_in_words(
        access.poll.kind,
        access.poll.template,
        &access.poll.rules,
    )
    .map(|c| view! { <p>{c}</p> });
    let error = errors
        .for_field("options-fixed")
        .map(|e| view! { <p class="q-error-message"><span class="q-visually-hidden">"Error: "</span>{e}</p> });
    view! {
        <div class="q-inset" id="options-fixed">
            <h2>"Options"</h2>
            {error}
            <p>{why}</p>
            <ul class="q-list">{items}</ul>
            {counting}
        </div>
    }
}

/// The poll as it is now, beside a form whose save was refused as stale.
fn current_poll(access: &PollAccess) -> impl IntoView + use<> {
    let poll = &access.poll;
    let closes = zones::format_in_zone(poll.closes_at, &access.zone);
    let details = (!poll.details.trim().is_empty()).then(|| {
        let html = markdown::render(&poll.details, 2);
        view! { <div class="q-prose" inner_html=html></div> }
    });
    let options = (!poll.options.is_empty()).then(|| {
        let items = access
            .labels()
            .into_iter()
            .map(|l| view! { <li>{l}</li> })
            .collect_view();
        view! { <p><strong>"Options:"</strong></p><ul class="q-list">{items}</ul> }
    });
    view! {
        <section class="q-inset" aria-labelledby=VERSION_FIELD>
            <h2 id=VERSION_FIELD>{format!("The {} as it is now", noun(poll.kind))}</h2>
            <p><strong>"Title: "</strong>{poll.title.clone()}</p>
            <p><strong>"Closes: "</strong>{closes}</p>
            {details}
            {options}
        </section>
    }
}
