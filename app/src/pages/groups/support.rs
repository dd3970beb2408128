//! Support access, from a group's settings page (admins only): `POST
//! /g/<handle>/settings/support` lets the instance's operators read the group for a chosen
//! time, and `POST /g/<handle>/settings/support/revoke` ends that early. Both are in the group's
//! audit log, and every admin of the group gets an email when a grant starts and when it ends
//! (a revoke here, or its time running out: see `server::jobs`). What an operator may do under
//! a grant is decided in [`super::GroupAccess`].

use axum::extract::{Path, State};
use axum::response::Response;
use leptos::prelude::*;

use super::{GroupAccess, settings};
use crate::AppState;
use crate::domain::permissions::Action;
use crate::domain::time::{format_utc, zones};
use crate::domain::validation::FormErrors;
use crate::mail::{Block, Email, Mailer};
use crate::pages::sign_in::audit_group_with;
use crate::pages::{AppError, Ctx, FormData, see_other};
use crate::store::{GrantNotice, NewMail, SupportGrant, unix_now};
use crate::ui::{Button, ButtonStyle, Form, Select};

/// The lengths a grant may have: the form's value, the length in seconds, and its words.
pub const DURATIONS: [(&str, i64, &str); 4] = [
    ("1h", 60 * 60, "1 hour"),
    ("1d", 24 * 60 * 60, "1 day"),
    ("3d", 3 * 24 * 60 * 60, "3 days"),
    ("7d", 7 * 24 * 60 * 60, "7 days"),
];

const DURATION_ERROR: &str =
    "Select how long support access lasts: 1 hour, 1 day, 3 days or 7 days";

/// The support access section of the settings page: its answer and the active grant.
#[derive(Debug, Clone)]
pub struct SupportShown {
    pub active: Option<SupportGrant>,
    pub duration: String,
}

impl SupportShown {
    pub async fn load(state: &AppState, group_id: &str) -> Result<Self, AppError> {
        Ok(Self {
            active: state
                .store
                .active_support_grant(group_id, unix_now())
                .await?,
            duration: DURATIONS[0].0.to_string(),
        })
    }
}

/// `POST /g/<handle>/settings/support`.
pub async fn grant(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    access.permit(&ctx, Action::EditSettings)?;
    let viewer = ctx.require_viewer()?;
    let answer = form.text("duration").to_string();
    let Some(&(_, seconds, words)) = DURATIONS.iter().find(|(value, ..)| *value == answer) else {
        let mut errors = FormErrors::new();
        errors.add("duration", DURATION_ERROR);
        let mut support = SupportShown::load(&state, &access.group.id).await?;
        support.duration = answer;
        return settings::page_with_support_error(&state, &ctx, &access, support, errors).await;
    };
    let now = unix_now();
    let started = state
        .store
        .grant_support(&access.group.id, &viewer.account_id, now, now + seconds)
        .await?;
    let href = format!("{}/settings", access.href());
    let Some(grant) = started else {
        // One is active already (a second press): the page shows it.
        return Ok(see_other(&format!("{href}#support")));
    };
    let detail = format!("for {words}, until {}", format_utc(grant.ends_at));
    audit_group_with(
        &state,
        "support_access_granted",
        &viewer.account_id,
        &access.group.id,
        ctx.ip,
        None,
        Some(&detail),
    )
    .await;
    let admin_name = viewer.name().to_string();
    tell_admins(&state, &access, |to| {
        started_mail(
            &state.mailer,
            &state.config.public_url,
            to,
            &access,
            &admin_name,
            &grant,
        )
    })
    .await?;
    Ok(see_other(&format!("{href}?done=support-granted#support")))
}

/// `POST /g/<handle>/settings/support/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    _form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    access.permit(&ctx, Action::EditSettings)?;
    let viewer = ctx.require_viewer()?;
    let href = format!("{}/settings", access.href());
    let ended = state
        .store
        .revoke_support(&access.group.id, &viewer.account_id, unix_now())
        .await?;
    let Some(grant) = ended else {
        // Ended already (a second press, or its time ran out).
        return Ok(see_other(&format!("{href}#support")));
    };
    audit_group_with(
        &state,
        "support_access_revoked",
        &viewer.account_id,
        &access.group.id,
        ctx.ip,
        None,
        Some(&format!(
            "granted until {}, ended early",
            format_utc(grant.ends_at)
        )),
    )
    .await;
    let notice = |to: &str| GrantNotice {
        email: to.to_string(),
        group_name: access.group.name.clone(),
        group_handle: access.group.handle.clone(),
    };
    let by = viewer.name().to_string();
    tell_admins(&state, &access, |to| {
        ended_mail(
            &state.mailer,
            &state.config.public_url,
            &grant,
            &notice(to),
            Some(&by),
        )
    })
    .await?;
    Ok(see_other(&format!("{href}?done=support-revoked#support")))
}

async fn tell_admins(
    state: &AppState,
    access: &GroupAccess,
    mail_for: impl Fn(&str) -> NewMail,
) -> Result<(), AppError> {
    for admin in state.store.group_admin_emails(&access.group.id).await? {
        state.store.enqueue_mail(&mail_for(&admin)).await?;
    }
    state.mailer.wake();
    Ok(())
}

/// The email that tells an admin support access has started.
fn started_mail(
    mailer: &Mailer,
    public_url: &str,
    to: &str,
    access: &GroupAccess,
    admin_name: &str,
    grant: &SupportGrant,
) -> NewMail {
    let group = &access.group.name;
    mailer.prepare(Email::compose(
        to,
        format!("Support access to {group} has started"),
        &[
            Block::Paragraph(format!(
                "{admin_name} let this Quorum\u{2019}s operators read {group} until {}.",
                format_utc(grant.ends_at)
            )),
            Block::Paragraph(
                "They can read its pages, threads and polls, but not post, vote or change anything. Every page they read is in the group\u{2019}s audit log. You will get another email when the access ends."
                    .into(),
            ),
            Block::Link {
                text: format!("End support access to {group} sooner"),
                href: format!("{public_url}{}/settings#support", access.href()),
            },
        ],
    ))
}

/// The email that tells an admin support access has ended: revoked by `revoked_by`, or run
/// out.
pub fn ended_mail(
    mailer: &Mailer,
    public_url: &str,
    grant: &SupportGrant,
    notice: &GrantNotice,
    revoked_by: Option<&str>,
) -> NewMail {
    let group = &notice.group_name;
    let how = match revoked_by {
        Some(name) => format!("{name} ended the operators\u{2019} support access to {group}."),
        None => format!(
            "The operators\u{2019} support access to {group} ran out at {}.",
            format_utc(grant.ends_at)
        ),
    };
    mailer.prepare(Email::compose(
        &notice.email,
        format!("Support access to {group} has ended"),
        &[
            Block::Paragraph(how),
            Block::Paragraph(
                "Operators can no longer read the group\u{2019}s content. The pages they read are in the group\u{2019}s audit log."
                    .into(),
            ),
            Block::Link {
                text: format!("Settings of {group}"),
                href: format!(
                    "{public_url}{}/settings#support",
                    super::group_href(&notice.group_handle)
                ),
            },
        ],
    ))
}

/// The "Support access" section of the settings page.
#[component]
pub fn SupportSection(
    #[prop(into)] action: String,
    support: SupportShown,
    errors: FormErrors,
    zone: jiff::tz::TimeZone,
    /// The group is open, so its content is public anyway.
    open: bool,
) -> impl IntoView {
    let revoke = format!("{action}/revoke");
    let body = match support.active {
        Some(grant) => {
            let until = zones::format_in_zone(grant.ends_at, &zone);
            view! {
                <p>{format!("This Quorum\u{2019}s operators can read the group until {until}. Every page they read is in the group\u{2019}s audit log.")}</p>
                <Form action=revoke label="Revoke support access">
                    <Button text="Revoke support access" style=ButtonStyle::Warning/>
                </Form>
            }
            .into_any()
        }
        None => {
            let who_reads = if open {
                "The group is open: anyone can read its content, the people who run this Quorum too. Support access matters when it is closed or secret."
            } else {
                "No one who runs this Quorum can read the group\u{2019}s content."
            };
            let options = DURATIONS
                .iter()
                .map(|(value, _, words)| (value.to_string(), words.to_string()))
                .collect();
            view! {
                <p>{who_reads}</p>
                <p>"To let this Quorum\u{2019}s operators help with a problem, grant them support access for a while: they can read the group\u{2019}s pages, threads and polls, but cannot post, vote or change anything. Every page they read is in the group\u{2019}s audit log, and the group\u{2019}s admins get an email when the access starts and ends."</p>
                <Form action=action label="Grant support access">
                    <Select name="duration" label="How long" options=options
                        selected=support.duration error=errors.for_field("duration")/>
                    <Button text="Grant support access" style=ButtonStyle::Secondary/>
                </Form>
            }
            .into_any()
        }
    };
    view! {
        <h2 id="support">"Support access"</h2>
        {body}
    }
}
