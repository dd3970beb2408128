//! `/p/<id>`: a poll. Its question and details, when it closes and how many have voted, the
//! ballot (or the person's vote), the results as a table with a caption and a one-sentence
//! summary, the newest votes (who voted what, unless the ballot is secret) with a link to all
//! of them, a link to who has not voted yet (members only), and the outcome once written.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use leptos::prelude::*;

use super::ballot::{BallotFields, OPTIONS_VERSION_FIELD, answers_of};
use super::{PollAccess, noun};
use crate::AppState;
use crate::domain::grouped;
use crate::domain::markdown;
use crate::domain::polls::ballot::{BallotAnswers, describe};
use crate::domain::polls::tally::{Results, Stage};
use crate::domain::polls::{PollKind, RankedMethod};
use crate::domain::time::zones;
use crate::domain::validation::FormErrors;
use crate::pages::attachments::AttachmentList;
use crate::pages::{AppError, Ctx, DoneQuery, html};
use crate::store::{EarlierOutcome, ShownBallot};
use crate::ui::{
    Button, ButtonLink, ButtonStyle, ErrorSummary, Form, NavArea, Page, PageHeading, SuccessBanner,
    Table, render_document,
};

/// How many votes the poll page lists, newest first; the rest are a page of their own
/// (`/p/<id>/votes`), as are the names of those who have not voted (`/p/<id>/not-voted`), so
/// that a poll of 10,000 voters is a page of the same size, and the same cost, as one of ten.
pub const SHOWN_HERE: i64 = 20;

fn done_message(key: &str) -> Option<&'static str> {
    match key {
        "started" => Some("The poll has started. Members can vote until it closes."),
        "voted" => Some("Your vote has been counted."),
        "closed" => Some("The poll is closed. Write the outcome when you are ready."),
        "outcome" => Some("The outcome has been saved, and members have been told."),
        "edited" => Some("Your changes have been saved."),
        "reopened" => Some("The poll is open again. Votes already cast still count."),
        _ => None,
    }
}

/// Where the person stands with voting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    SignedOut,
    /// Signed in but not a member, or not one of the named voters.
    NotAVoter {
        named_only: bool,
    },
    /// May vote: `voted` when they have, with their ballot in words unless it is secret.
    Voter {
        voted: bool,
        mine: Option<Vec<String>>,
    },
}

/// Everything the poll page shows.
pub struct PollPage {
    pub access: PollAccess,
    pub standing: Standing,
    pub results: Option<std::sync::Arc<Results>>,
    /// The first votes listed, and how many there are in all.
    pub ballots: (Vec<ShownBallot>, i64),
    pub turnout: (i64, i64),
    /// A member, who may see who has not voted yet.
    pub member: bool,
    /// Outcomes set aside by reopening, when the results may be seen.
    pub earlier: Vec<EarlierOutcome>,
    pub can_change: bool,
    /// The ballot form's answers and errors, when the form is shown.
    pub form: Option<(BallotAnswers, FormErrors)>,
    pub done: Option<&'static str>,
    /// The files of the poll's details, and of its outcome.
    pub files: (Vec<crate::store::Attachment>, Vec<crate::store::Attachment>),
}

impl PollPage {
    /// Loads the page. `form` replaces the ballot form's answers (after an error, or "Change
    /// my answers" on the check page); without it the form starts from the person's current
    /// vote, if any.
    pub async fn load(
        state: &AppState,
        ctx: &Ctx,
        access: PollAccess,
        form: Option<(BallotAnswers, FormErrors)>,
    ) -> Result<Self, AppError> {
        let store = &state.store;
        let poll = &access.poll;
        let member = access.vote_permit(ctx).ok();
        let mut own_answers = None;
        let standing = match (&ctx.viewer, &member) {
            (None, _) => Standing::SignedOut,
            (Some(_), None) => Standing::NotAVoter { named_only: false },
            (Some(viewer), Some(permit)) => {
                if store.may_vote(permit, &poll.id, &viewer.account_id).await? {
                    let voted = store
                        .has_voted(permit, &poll.id, &viewer.account_id)
                        .await?;
                    let own = if poll.anonymous {
                        None
                    } else {
                        store
                            .own_ballot(permit, &poll.id, &viewer.account_id)
                            .await?
                    };
                    let mine = own.map(|(ballot, reason)| {
                        let mut lines = describe(&poll.rules, &access.labels(), &ballot);
                        // Changing a vote starts from the one cast.
                        own_answers = Some(answers_of(&poll.rules, &ballot, reason.clone()));
                        if let Some(reason) = reason {
                            lines.push(format!("Reason: {reason}"));
                        }
                        lines
                    });
                    Standing::Voter { voted, mine }
                } else {
                    Standing::NotAVoter { named_only: true }
                }
            }
        };
        let voted = matches!(standing, Standing::Voter { voted: true, .. });
        let shows = poll.hide_results.shows(voted, access.is_closed());
        let (results, ballots) = if shows {
            let stage = if access.is_closed() {
                Stage::Closed
            } else {
                Stage::Open
            };
            let results =
                super::counted::results(store, &access.read, poll, stage, &access.labels()).await?;
            // The first few votes; the rest are a page of their own (`/p/<id>/votes`).
            let shown = store
                .shown_ballots(&access.read, &poll.id, SHOWN_HERE, 0)
                .await?;
            let total = if shown.len() < usize::try_from(SHOWN_HERE).unwrap_or(usize::MAX) {
                i64::try_from(shown.len()).unwrap_or(i64::MAX)
            } else {
                store
                    .shown_ballot_count(&access.read, &poll.id, poll.anonymous)
                    .await?
            };
            (Some(results), (shown, total))
        } else {
            (None, (Vec::new(), 0))
        };
        // An earlier outcome may tell the results, so it is shown only when they are.
        let earlier = if shows && poll.reopened_at.is_some() {
            store.earlier_outcomes(&access.read, &poll.id).await?
        } else {
            Vec::new()
        };
        let turnout = store.turnout(&access.read, &poll.id).await?;
        let open = !access.is_closed();
        let can_vote_now = open
            && match &standing {
                Standing::Voter { voted, .. } => !voted || poll.allow_change,
                _ => false,
            };
        let form = if can_vote_now {
            Some(form.unwrap_or_else(|| (own_answers.unwrap_or_default(), FormErrors::new())))
        } else {
            None
        };
        let can_change = access.change_permit(ctx).is_ok();
        let (details_files, outcome_files): (Vec<_>, Vec<_>) = store
            .thread_attachments(&poll.thread_id)
            .await?
            .into_iter()
            .filter(|f| f.poll_id.as_deref() == Some(poll.id.as_str()))
            .partition(|f| f.part == "poll");
        Ok(Self {
            files: (details_files, outcome_files),
            access,
            standing,
            results,
            ballots,
            turnout,
            member: member.is_some(),
            earlier,
            can_change,
            form,
            done: None,
        })
    }
}

/// `GET /p/<id>`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let access = PollAccess::load(&state, &ctx, &id).await?;
    let mut page = PollPage::load(&state, &ctx, access, None).await?;
    page.done = done_message(&query.done);
    Ok(render(&ctx, page))
}

/// The poll page, with the ballot form's errors when there are any (then 422).
pub fn render(ctx: &Ctx, page: PollPage) -> Response {
    let has_errors = page
        .form
        .as_ref()
        .is_some_and(|(_, errors)| !errors.is_empty());
    html(
        crate::pages::form_status(has_errors),
        render_document(&ctx.page(), move || poll_page(page, has_errors)),
    )
}

/// The page itself, built inside the document so its forms carry the CSRF token.
fn poll_page(page: PollPage, has_errors: bool) -> impl IntoView {
    let access = &page.access;
    let poll = access.poll.clone();
    let labels = access.labels();
    let title = poll.title.clone();
    let crumbs = {
        let mut crumbs = access.thread.group_crumbs();
        crumbs.push(crate::ui::Crumb::link(
            access.thread.thread.title.clone(),
            access.thread.href(),
        ));
        crumbs.push(crate::ui::Crumb::current(poll.title.clone()));
        crumbs
    };
    let caption = format!("{} in {}", poll.kind.label(), access.thread.thread.title);
    let (eligible, voted) = page.turnout;
    let status = format!(
        "{}. {voted} of {eligible} {} voted.",
        access.status_line(),
        if eligible == 1 {
            "person has"
        } else {
            "people have"
        }
    );
    let secrecy = poll
        .anonymous
        .then_some("Secret ballot: nobody, admins included, can see who voted what.");
    // The details sit right under the h1, and the outcome's statement under its h2, so their
    // headings start one level below those.
    let details = (!poll.details.trim().is_empty()).then(|| markdown::render(&poll.details, 1));
    let href = access.href();
    let closed = access.is_closed();
    let outcome = poll.outcome.clone().map(|o| {
        let chosen = o
            .option
            .and_then(|n| poll.options.get(n))
            .and_then(|opt| opt.starts_at)
            .map(|at| {
                format!(
                    "The meeting is on {}.",
                    zones::format_in_zone(at, &access.zone)
                )
            });
        let by = format!(
            "Written by {} on {}",
            o.by_name,
            zones::format_in_zone(o.at, &access.zone)
        );
        let text = markdown::render(&o.statement, 2);
        view! {
            <section aria-labelledby="outcome" class="q-inset">
                <h2 id="outcome">"Outcome"</h2>
                {chosen.map(|c| view! { <p><strong>{c}</strong></p> })}
                <div class="q-prose" inner_html=text></div>
                <AttachmentList files=page.files.1.clone()/>
                <p class="q-meta">{by}</p>
            </section>
        }
    });
    let vote_section = vote_section(&page, &labels);
    let results = results_section(&page, &labels);
    // Members only: who has not voted is a list of its own, as long as the group is large.
    let not_voted = page.member.then(|| {
        view! {
            <section aria-labelledby="not-voted">
                <h2 id="not-voted">"Not voted yet"</h2>
                <p><a href=format!("{}/not-voted", access.href())>"See who has not voted yet"</a></p>
            </section>
        }
    });
    let manage = page.can_change.then(|| {
        if closed {
            let text = if poll.outcome.is_some() {
                "Edit the outcome"
            } else {
                "Write the outcome"
            };
            view! {
                <div class="q-button-group">
                    <ButtonLink href=format!("{href}/outcome") text=text/>
                    <ButtonLink href=format!("{href}/reopen") text="Reopen the poll" style=ButtonStyle::Secondary/>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="q-button-group">
                    <ButtonLink href=format!("{href}/edit") text="Edit the poll" style=ButtonStyle::Secondary/>
                    <ButtonLink href=format!("{href}/close") text="Close the poll now" style=ButtonStyle::Secondary/>
                </div>
            }
            .into_any()
        }
    });
    let changed = changed_line(access);
    let details_files = page.files.0.clone();
    let earlier = earlier_outcomes(access, &page.earlier);
    let done = page.done;
    let form_errors = page
        .form
        .as_ref()
        .map(|(_, e)| e.clone())
        .unwrap_or_default();
    view! {
                <Page title=title.clone() has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=form_errors/>
                    <SuccessBanner message=done.map(Into::into)/>
                    <article class="q-poll">
                        <PageHeading text=title.clone() caption=caption/>
                        <p class="q-meta">{status}</p>
                        {secrecy.map(|s| view! { <p>{s}</p> })}
                        {details.map(|d| view! { <div class="q-prose" inner_html=d></div> })}
                        <AttachmentList files=details_files/>
                        {changed}
                        {outcome}
                        {earlier}
                        {manage}
                        {vote_section}
                        {results}
                        {not_voted}
                    </article>
                </Page>
    }
}

/// "Edited …", "Reopened …" and the link to the versions, once the poll has more than one.
fn changed_line(access: &super::PollAccess) -> impl IntoView + use<> {
    let poll = &access.poll;
    (poll.version > 1).then(|| {
        let mut said = String::new();
        if let Some(at) = poll.edited_at {
            said.push_str(&format!(
                "Edited {}. ",
                zones::format_in_zone(at, &access.zone)
            ));
        }
        if let Some(at) = poll.reopened_at {
            said.push_str(&format!(
                "Reopened {}. ",
                zones::format_in_zone(at, &access.zone)
            ));
        }
        let link = format!(
            "History of the {} ({} versions)",
            noun(poll.kind),
            poll.version
        );
        view! {
            <p class="q-meta">{said}<a href=format!("{}/history", access.href())>{link}</a></p>
        }
    })
}

/// The outcomes reopening set aside, each said to be earlier.
fn earlier_outcomes(
    access: &super::PollAccess,
    earlier: &[EarlierOutcome],
) -> impl IntoView + use<> {
    (!earlier.is_empty()).then(|| {
        let heading = if earlier.len() == 1 {
            "Earlier outcome"
        } else {
            "Earlier outcomes"
        };
        let items = earlier
            .iter()
            .map(|o| {
                let chosen = o
                    .option
                    .and_then(|n| access.poll.options.get(n))
                    .and_then(|opt| opt.starts_at)
                    .map(|at| {
                        format!(
                            "The meeting was to be on {}.",
                            zones::format_in_zone(at, &access.zone)
                        )
                    });
                let by = format!(
                    "Written by {} on {}, before the poll was reopened on {}.",
                    o.by_name,
                    zones::format_in_zone(o.written_at, &access.zone),
                    zones::format_in_zone(o.reopened_at, &access.zone)
                );
                let text = markdown::render(&o.statement, 2);
                view! {
                    <div class="q-inset">
                        {chosen.map(|c| view! { <p><strong>{c}</strong></p> })}
                        <div class="q-prose" inner_html=text></div>
                        <p class="q-meta">{by}</p>
                    </div>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="earlier-outcome">
                <h2 id="earlier-outcome">{heading}</h2>
                {items}
            </section>
        }
    })
}

fn vote_section(page: &PollPage, labels: &[String]) -> impl IntoView + use<> {
    let poll = &page.access.poll;
    let closed = page.access.is_closed();
    let href = page.access.href();
    let heading_text = match &page.standing {
        Standing::Voter { voted: true, .. } => "Your vote",
        _ => "Vote",
    };
    let intro: Option<AnyView> = match &page.standing {
        Standing::SignedOut if !closed => Some(
            view! { <p><a href=format!("/sign-in?next={href}")>"Sign in to vote"</a>", if you are a member of the group."</p> }
                .into_any(),
        ),
        Standing::NotAVoter { named_only: true } if !closed => Some(
            view! { <p>"Only the members the author named can vote in this " {noun(poll.kind)} "."</p> }
                .into_any(),
        ),
        Standing::NotAVoter { .. } | Standing::SignedOut => None,
        Standing::Voter { voted: true, mine } => {
            let lines = match mine {
                Some(lines) if !lines.is_empty() => {
                    let items = lines.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view();
                    view! { <p>"You voted:"</p><ul class="q-list">{items}</ul> }.into_any()
                }
                _ if poll.anonymous => view! {
                    <p>"You have voted. This is a secret ballot, so your vote is not linked to you, and it cannot be changed."</p>
                }
                .into_any(),
                _ => view! { <p>"You have voted."</p> }.into_any(),
            };
            let after = (!poll.allow_change && !poll.anonymous && !closed)
                .then(|| view! { <p>"This poll does not allow votes to change."</p> });
            Some(view! { {lines} {after} }.into_any())
        }
        Standing::Voter { voted: false, .. } if closed => {
            Some(view! { <p>"You did not vote. Voting has closed."</p> }.into_any())
        }
        Standing::Voter { .. } => None,
    };
    let rules = poll.rules.clone();
    let labels = labels.to_vec();
    let anonymous = poll.anonymous;
    let options_version = poll.options_version;
    let form = page.form.clone().map(move |(answers, errors)| {
        let legend = match poll.kind {
            PollKind::Proposal | PollKind::SenseCheck => "Your position".to_string(),
            PollKind::Count => "Are you in?".to_string(),
            _ => "Your choice".to_string(),
        };
        let secret = anonymous.then(|| {
            view! { <p class="q-hint">"Secret ballot: once cast, your vote cannot be changed."</p> }
        });
        view! {
            {secret}
            <Form action=format!("{href}/vote") label="Your ballot">
                <input type="hidden" name=OPTIONS_VERSION_FIELD value=options_version.to_string()/>
                <BallotFields rules=rules labels=labels answers=answers errors=errors legend=legend/>
                <p class="q-hint">"Next you can check your vote before it counts."</p>
                <Button text="Continue"/>
            </Form>
        }
    });
    let show = intro.is_some() || form.is_some();
    show.then(|| {
        view! {
            <section aria-labelledby="vote">
                <h2 id="vote">{heading_text}</h2>
                {intro}
                {form}
            </section>
        }
    })
}

fn results_section(page: &PollPage, labels: &[String]) -> impl IntoView + use<> {
    let poll = &page.access.poll;
    let Some(results) = page.results.clone() else {
        let why = match poll.hide_results {
            crate::domain::polls::HideResults::UntilVoted => {
                "Results are hidden until you vote, and shown to everyone when the poll closes."
            }
            _ => "Results are hidden until the poll closes.",
        };
        return view! {
            <section aria-labelledby="results">
                <h2 id="results">"Results"</h2>
                <p>{why}</p>
            </section>
        }
        .into_any();
    };
    let label_of = |n: usize| labels.get(n).cloned().unwrap_or_default();
    let table = (!results.rows.is_empty()).then(|| {
        let mut head = vec!["Option".to_string()];
        head.extend(results.columns.iter().map(|c| (*c).to_string()));
        let numeric: Vec<usize> = (1..head.len()).collect();
        let rows: Vec<Vec<String>> = results
            .rows
            .iter()
            .map(|r| {
                let mut cells = vec![label_of(r.option)];
                cells.extend(r.cells.iter().cloned());
                cells
            })
            .collect();
        let caption = format!(
            "Results of \u{201c}{}\u{201d}: {} {} counted",
            poll.title,
            results.counted,
            if results.counted == 1 {
                "vote"
            } else {
                "votes"
            }
        );
        view! { <Table caption=caption head=head rows=rows row_headers=true numeric=numeric/> }
    });
    let rounds = (poll.rules.method == RankedMethod::InstantRunoff
        && poll.kind == PollKind::Ranked
        && !results.rounds.is_empty())
    .then(|| {
        let items = results
            .rounds
            .iter()
            .enumerate()
            .map(|(n, round)| {
                let counts = round
                    .counts
                    .iter()
                    .map(|(o, v)| format!("{} {v}", label_of(*o)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let out = if round.eliminated.is_empty() {
                    String::new()
                } else {
                    format!(
                        ". Eliminated: {}",
                        round
                            .eliminated
                            .iter()
                            .map(|o| label_of(*o))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let exhausted = if round.exhausted > 0 {
                    format!(". Ballots with no choice left: {}", round.exhausted)
                } else {
                    String::new()
                };
                view! { <li>{format!("Round {}: {counts}{out}{exhausted}.", n + 1)}</li> }
            })
            .collect_view();
        view! {
            <h3>"Rounds of the instant runoff"</h3>
            <ol class="q-list">{items}</ol>
        }
    });
    let (ballots, total) = &page.ballots;
    let votes = votes_list(ballots, &poll.rules, labels).map(|list| {
        let more = i64::try_from(ballots.len())
            .ok()
            .filter(|shown| shown < total)
            .map(|_| {
                let what = if poll.anonymous { "reasons given" } else { "votes" };
                view! {
                    <p><a href=format!("{}/votes", page.access.href())>{format!("All {} {what}", grouped(*total))}</a></p>
                }
            });
        let heading = if poll.anonymous { "Reasons given" } else { "Votes" };
        view! { <h3>{heading}</h3>{list}{more} }
    });
    view! {
        <section aria-labelledby="results">
            <h2 id="results">"Results"</h2>
            <p class="q-lead">{results.summary.clone()}</p>
            {table}
            {rounds}
            {votes}
        </section>
    }
    .into_any()
}

/// The votes as a list, `None` when there are none: who voted what and why, or in a secret
/// ballot the reasons alone.
pub fn votes_list(
    ballots: &[ShownBallot],
    rules: &crate::domain::polls::PollRules,
    labels: &[String],
) -> Option<impl IntoView + use<>> {
    if ballots.is_empty() {
        return None;
    }
    let items = ballots
        .iter()
        .map(|b| {
            let what = describe(rules, labels, &b.ballot).join("; ");
            let who = b.voter_name.clone();
            let changed = (b.changes > 0).then(|| {
                if b.changes == 1 {
                    " (changed once)".to_string()
                } else {
                    format!(" (changed {} times)", b.changes)
                }
            });
            let reason = b.reason.clone().map(|r| view! { <br/>{format!("\u{201c}{r}\u{201d}")} });
            match who {
                Some(who) => view! {
                    <li><strong>{who}</strong>{(!what.is_empty()).then(|| format!(": {what}"))}{changed}{reason}</li>
                }
                .into_any(),
                None => view! { <li>{b.reason.clone().unwrap_or_default()}</li> }.into_any(),
            }
        })
        .collect_view();
    Some(view! { <ul class="q-list q-votes">{items}</ul> })
}
