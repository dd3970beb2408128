//! `/t/<id>/polls/new`: start a poll in a thread. Two steps, both plain forms: first the kind
//! (a `GET` form of radios, so the choice is in the address and the back button works), then
//! `?kind=<kind>` shows the form for that kind: only the settings that kind has.

use axum::extract::{Path, Query, RawQuery, State};
use axum::response::Response;
use leptos::prelude::*;

use super::{poll_href, viewer_zone};
use crate::AppState;
use crate::domain::permissions::Action;
use crate::domain::polls::setup::{
    DETAILS_MAX, PollAnswers, REMIND, TIMES_MAX, TITLE_MAX, check_poll,
};
use crate::domain::polls::{HideResults, PollKind, RankedMethod, ReasonMode, Template};
use crate::domain::time::zones;
use crate::domain::validation::FormErrors;
use crate::pages::attachments::{AttachFields, Attaching, Target};
use crate::pages::threads::{MARKDOWN_HINT, ThreadAccess};
use crate::pages::{AppError, Ctx, FormData, html, see_other};
use crate::store::{new_content_id, unix_now};
use crate::ui::{
    Button, CheckboxGroup, Choice, ErrorSummary, Form, InputKind, NavArea, Page, PageHeading,
    RadioGroup, Select, TextInput, Textarea, render_document,
};

const TITLE: &str = "Start a poll";

/// The fields of the meeting times, by number.
pub const TIME_FIELDS: [&str; TIMES_MAX] = [
    "time-0", "time-1", "time-2", "time-3", "time-4", "time-5", "time-6", "time-7",
];

#[derive(Debug, Default, serde::Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    pub kind: String,
}

/// `GET /t/<id>/polls/new[?kind=…]`. The kind form sends itself here: sent without a kind
/// chosen, its address ends in a bare `?`, and the page asks for the kind with an error.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<KindQuery>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    access.group.permit(&ctx, Action::StartPoll)?;
    if access.thread.is_closed() {
        return Err(AppError::NotFound);
    }
    let zone = viewer_zone(&ctx);
    let zone_name = zone.iana_name().unwrap_or("UTC").to_string();
    match PollKind::parse(&query.kind) {
        Some(kind) => Ok(render(
            &ctx,
            &access,
            kind,
            PollAnswers::defaults(&zone_name),
            FormErrors::new(),
            Attaching::empty(&state, &access.group.group.id).await?,
        )),
        None => Ok(render_kinds(&ctx, &access, raw.is_some())),
    }
}

/// `POST /t/<id>/polls/new?kind=…`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<KindQuery>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    let permit = access.group.permit(&ctx, Action::StartPoll)?;
    let viewer = ctx.require_viewer()?;
    let kind = PollKind::parse(&query.kind).ok_or(AppError::NotFound)?;
    let answers = answers_from(&form);
    let checked = check_poll(kind, &answers, unix_now());
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    let attaching = Attaching::take(
        &state,
        &ctx,
        &access.group.group.id,
        Target::New { thread: Some(&id) },
        &form,
        &mut errors,
    )
    .await?;
    let spec = match checked {
        Ok(spec) if errors.is_empty() => spec,
        _ => return Ok(render(&ctx, &access, kind, answers, errors, attaching)),
    };
    let poll_id = new_content_id()?;
    let claims = attaching.claims();
    let stored = state
        .store
        .create_poll(
            &permit,
            &poll_id,
            &access.thread.id,
            &viewer.account_id,
            &spec,
            &claims,
            unix_now(),
        )
        .await;
    match stored {
        Ok(Ok(())) => Ok(see_other(&format!("{}?done=started", poll_href(&poll_id)))),
        Ok(Err(unknown)) => {
            let mut errors = FormErrors::new();
            errors.add(
                "voters",
                format!(
                    "No member of {} has the handle {}. Check the spelling, or leave it out",
                    access.group.group.name,
                    unknown
                        .iter()
                        .map(|h| format!("@{h}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            Ok(render(&ctx, &access, kind, answers, errors, attaching))
        }
        // The thread was closed or deleted since the form was shown.
        Err(crate::store::StoreError::NotPermitted) => Err(AppError::NotFound),
        Err(error) => Err(error.into()),
    }
}

pub(super) fn answers_from(form: &FormData) -> PollAnswers {
    let settings = form.all("settings");
    PollAnswers {
        title: form.text("title").to_string(),
        details: form.text("details").to_string(),
        template: form.text("template").to_string(),
        options: form.text("options").to_string(),
        times: TIME_FIELDS
            .iter()
            .map(|f| form.text(f).to_string())
            .collect(),
        time_zone: form.text("time_zone").to_string(),
        closes_at: form.text("closes_at").to_string(),
        anonymous: settings.iter().any(|s| s == "anonymous"),
        hide_results: form.text("hide_results").to_string(),
        // Left unchosen, the default is shown chosen when the form comes back.
        remind: form
            .choice("remind")
            .unwrap_or_else(|| crate::domain::polls::setup::REMIND[0].0.to_string()),
        reason: form.text("reason").to_string(),
        allow_change: settings.iter().any(|s| s == "allow_change"),
        voters: form.text("voters").to_string(),
        min_choices: form.text("min_choices").to_string(),
        max_choices: form.text("max_choices").to_string(),
        none_of_the_above: !form.all("none_of_the_above").is_empty(),
        score_min: form.text("score_min").to_string(),
        score_max: form.text("score_max").to_string(),
        dot_total: form.text("dot_total").to_string(),
        method: form.text("method").to_string(),
        count_target: form.text("count_target").to_string(),
    }
}

fn render_kinds(ctx: &Ctx, access: &ThreadAccess, missing: bool) -> Response {
    let crumbs = access.crumbs(TITLE);
    let action = format!("{}/polls/new", access.href());
    let caption = access.thread.title.clone();
    let choices: Vec<Choice> = PollKind::ALL
        .into_iter()
        .map(|k| Choice::new(k.as_str(), k.label()).with_hint(k.explanation()))
        .collect();
    let error = missing.then(|| "Choose the kind of poll".to_string());
    let mut errors = FormErrors::new();
    if missing {
        errors.add("kind", "Choose the kind of poll");
    }
    html(
        crate::pages::form_status(missing),
        render_document(&ctx.page(), move || {
            view! {
                <Page title=TITLE has_errors=missing area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors/>
                    <PageHeading text=TITLE caption=caption lead="Members vote in the thread, and you write the outcome when it closes."/>
                    <form method="get" action=action class="q-form" novalidate>
                        <RadioGroup name="kind" legend="What kind of poll?" choices=choices error=error/>
                        <Button text="Continue"/>
                    </form>
                </Page>
            }
        }),
    )
}

fn render(
    ctx: &Ctx,
    access: &ThreadAccess,
    kind: PollKind,
    answers: PollAnswers,
    errors: FormErrors,
    attaching: Attaching,
) -> Response {
    let crumbs = access.crumbs(TITLE);
    let action = format!("{}/polls/new?kind={}", access.href(), kind.as_str());
    let heading = format!("Start a poll: {}", kind.label().to_lowercase());
    let caption = access.thread.title.clone();
    let has_errors = !errors.is_empty();
    let status = crate::pages::form_status(has_errors);
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=heading.clone() has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=heading.clone() caption=caption lead=kind.explanation()/>
                    <Form action=action files=true>
                        <PollFields kind=kind answers=answers errors=errors.clone()/>
                        <AttachFields attaching=attaching.clone() errors=errors.clone()/>
                        <Button text="Start poll"/>
                    </Form>
                </Page>
            }
        }),
    )
}

/// The fields of the poll form for one kind, in the order the errors are reported. `setup`
/// shows the options and how they are counted, `voting` the voting settings: a new poll has
/// both; an edit has the setup only while nobody has voted, and never the voting settings.
#[component]
pub(super) fn PollFields(
    kind: PollKind,
    answers: PollAnswers,
    errors: FormErrors,
    #[prop(default = true)] setup: bool,
    #[prop(default = true)] voting: bool,
) -> impl IntoView {
    let (title_label, title_hint) = match kind {
        PollKind::Question => (
            "Question",
            "What you are asking, in 150 characters or fewer.",
        ),
        PollKind::Proposal => (
            "Proposal",
            "What you propose, in a short sentence of 150 characters or fewer.",
        ),
        _ => (
            "Title",
            "What people are deciding, in 150 characters or fewer.",
        ),
    };
    let template = (setup && kind == PollKind::Proposal).then(|| {
        let choices: Vec<Choice> = Template::ALL
            .into_iter()
            .map(|t| Choice::new(t.as_str(), t.label()).with_hint(t.explanation()))
            .collect();
        view! {
            <RadioGroup name="template" legend="How do people respond?" choices=choices
                selected=Some(answers.template.clone()) error=errors.for_field("template")/>
        }
    });
    let options = (setup && kind.has_written_options() && kind != PollKind::Meeting).then(|| {
        view! {
            <Textarea name="options" label="Options"
                hint="Write each option on its own line: from 2 to 20 options, each 100 characters or fewer."
                value=answers.options.clone() error=errors.for_field("options") rows=6/>
        }
    });
    let zones: Vec<(String, String)> = zones::names()
        .into_iter()
        .map(|z| (z.clone(), z.replace('_', " ")))
        .collect();
    let zone = view! {
        <Select name="time_zone" label="Time zone"
            hint="The zone the times below are in. People see them in their own zone."
            options=zones selected=answers.time_zone.clone() error=errors.for_field("time_zone")/>
    };
    let times = (setup && kind == PollKind::Meeting).then(|| {
        let error = errors.for_field("time-0");
        let inputs = TIME_FIELDS
            .iter()
            .enumerate()
            .map(|(n, field)| {
                let value = answers.times.get(n).cloned().unwrap_or_default();
                let label = if n == 0 {
                    "Time 1".to_string()
                } else {
                    format!("Time {} (optional)", n + 1)
                };
                let error = if n == 0 { error.clone() } else { None };
                view! { <TextInput name=field label=label value=value kind=InputKind::DateTimeLocal error=error/> }
            })
            .collect_view();
        view! {
            <fieldset class="q-fieldset">
                <legend class="q-fieldset__legend">"Times to choose from"</legend>
                <p class="q-hint">"From 1 to 8 times, in the future. Type a time like 2026-12-03T10:00 if your browser shows a text box."</p>
                {inputs}
            </fieldset>
        }
    });
    let kind_settings = match kind {
        _ if !setup => None,
        PollKind::Choose => Some(view! {
            <TextInput name="min_choices" label="Fewest options each person chooses" inputmode="numeric"
                value=answers.min_choices.clone() error=errors.for_field("min_choices")/>
            <TextInput name="max_choices" label="Most options each person chooses"
                hint="1 gives one choice each, with radio buttons; more gives tick boxes." inputmode="numeric"
                value=answers.max_choices.clone() error=errors.for_field("max_choices")/>
            <CheckboxGroup name="none_of_the_above" legend="None of the above"
                choices=vec![Choice::new("yes", "Offer \u{201c}None of the above\u{201d}").with_hint("It can only be chosen on its own.")]
                selected=if answers.none_of_the_above { vec!["yes".to_string()] } else { Vec::new() }/>
        }.into_any()),
        PollKind::Score => Some(view! {
            <TextInput name="score_min" label="Lowest score" inputmode="numeric"
                value=answers.score_min.clone() error=errors.for_field("score_min")/>
            <TextInput name="score_max" label="Highest score" inputmode="numeric"
                value=answers.score_max.clone() error=errors.for_field("score_max")/>
        }.into_any()),
        PollKind::DotVote => Some(view! {
            <TextInput name="dot_total" label="Dots each person shares out" inputmode="numeric"
                value=answers.dot_total.clone() error=errors.for_field("dot_total")/>
        }.into_any()),
        PollKind::Ranked => {
            let choices: Vec<Choice> = RankedMethod::ALL
                .into_iter()
                .map(|m| Choice::new(m.as_str(), m.label()))
                .collect();
            Some(view! {
                <RadioGroup name="method" legend="How are the rankings counted?" choices=choices
                    selected=Some(answers.method.clone()) error=errors.for_field("method")/>
            }.into_any())
        }
        PollKind::Count => Some(view! {
            <TextInput name="count_target" label="How many people are needed?" inputmode="numeric"
                value=answers.count_target.clone() error=errors.for_field("count_target")/>
        }.into_any()),
        _ => None,
    };
    let voting = voting.then(|| voting_settings(kind, &answers, &errors));
    view! {
        <TextInput name="title" label=title_label hint=title_hint value=answers.title.clone() error=errors.for_field("title")
            max_chars=TITLE_MAX/>
        <Textarea name="details" label="Details (optional)"
            hint=format!("Background and what happens after the decision. {MARKDOWN_HINT}")
            value=answers.details.clone() error=errors.for_field("details") rows=6 max_chars=DETAILS_MAX/>
        {template}
        {options}
        {zone}
        {times}
        <TextInput name="closes_at" label="Closing time" kind=InputKind::DateTimeLocal
            hint="When voting ends, within a year. Type it like 2026-12-10T17:00 if your browser shows a text box."
            value=answers.closes_at.clone() error=errors.for_field("closes_at")/>
        {kind_settings}
        {voting}
    }
}

/// Who votes and how: fixed once the poll has started.
fn voting_settings(
    kind: PollKind,
    answers: &PollAnswers,
    errors: &FormErrors,
) -> impl IntoView + use<> {
    let hide: Vec<Choice> = HideResults::ALL
        .into_iter()
        .map(|h| Choice::new(h.as_str(), h.label()))
        .collect();
    let reason = (kind != PollKind::Question).then(|| {
        let choices: Vec<Choice> = ReasonMode::ALL
            .into_iter()
            .map(|r| Choice::new(r.as_str(), r.label()))
            .collect();
        view! {
            <RadioGroup name="reason" legend="Reasons" hint="A reason is up to 500 characters."
                choices=choices selected=Some(answers.reason.clone()) error=errors.for_field("reason")/>
        }
    });
    let mut ticked = Vec::new();
    if answers.anonymous {
        ticked.push("anonymous".to_string());
    }
    if answers.allow_change {
        ticked.push("allow_change".to_string());
    }
    let remind: Vec<Choice> = REMIND
        .iter()
        .map(|(value, label, hint)| Choice::new(*value, *label).with_hint(*hint))
        .collect();
    let settings = vec![
        Choice::new("allow_change", "People can change their vote while the poll is open")
            .with_hint("Earlier votes are kept in the poll's record."),
        Choice::new("anonymous", "Secret ballot").with_hint(
            "Nobody, admins included, can see who voted what. Quorum keeps who has voted apart from the ballots, so a secret ballot cannot be changed once cast.",
        ),
    ];
    view! {
        <CheckboxGroup name="settings" legend="Voting" choices=settings selected=ticked
            error=errors.for_field("settings")/>
        <RadioGroup name="hide_results" legend="Results"
            hint="Once the poll starts this cannot be relaxed. Everyone sees the results when it closes."
            choices=hide selected=Some(answers.hide_results.clone()) error=errors.for_field("hide_results")/>
        {reason}
        <RadioGroup name="remind" legend="Reminder a day before it closes"
            hint="Sent in Quorum and, for those whose settings ask for it, by email."
            choices=remind
            selected=Some(answers.remind.clone()) error=errors.for_field("remind")/>
        <Textarea name="voters" label="Who can vote (optional)"
            hint="Leave empty for every member. To let only some members vote, write their handles, like @ana @sam."
            value=answers.voters.clone() error=errors.for_field("voters") rows=2/>
    }
}
