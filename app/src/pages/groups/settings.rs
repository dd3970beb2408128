//! `/g/<handle>/settings`: an admin changes the group's name, handle, description, privacy,
//! join mode and what members may do, all in one form; and gives up, before their year is out,
//! the old addresses a change of handle left reserved for the group
//! (`/g/<handle>/settings/release`). The page also grants and revokes support access
//! (`support.rs`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::settings_form::{SettingsFields, answers_from};
use super::support::{SupportSection, SupportShown};
use super::{GroupAccess, group_href};
use crate::AppState;
use crate::domain::groups::{
    PrivacyBounds, Settings, SettingsAnswers, check_settings, settings_changes,
};
use crate::domain::permissions::Action;
use crate::domain::time::format_utc;
use crate::domain::validation::FormErrors;
use crate::pages::sign_in::audit_group_with;
use crate::pages::{AppError, ClientIp, Ctx, DoneQuery, FormData, html, see_other};
use crate::store::unix_now;
use crate::ui::{
    Button, ButtonStyle, ErrorSummary, Form, NavArea, Page, PageHeading, SuccessBanner,
    render_document,
};

const TITLE: &str = "Group settings";

/// `GET /g/<handle>/settings`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::EditSettings)?;
    let former = state.store.former_handles(&permit, unix_now()).await?;
    let done = match query.done.as_str() {
        "released" => Some(
            "The old address is released: links to it no longer lead here, and any group may take it.",
        ),
        "support-granted" => {
            Some("Support access is granted. The group\u{2019}s admins are told by email.")
        }
        "support-revoked" => {
            Some("Support access has ended. The group\u{2019}s admins are told by email.")
        }
        _ => None,
    };
    let support = SupportShown::load(&state, &access.group.id).await?;
    Ok(render(
        &ctx,
        &access,
        Shown {
            answers: saved_answers(&access),
            errors: FormErrors::new(),
            former,
            done,
            support,
        },
        StatusCode::OK,
    ))
}

/// The settings as saved, for the form's first view.
fn saved_answers(access: &GroupAccess) -> SettingsAnswers {
    let group = &access.group;
    SettingsAnswers {
        name: group.name.clone(),
        handle: group.handle.clone(),
        description: group.description.clone(),
        privacy: group.privacy().as_str().to_string(),
        join_mode: group.join_mode().as_str().to_string(),
        permissions: Some(group.permissions().ticked()),
    }
}

/// The settings page again after a support access form with a mistake: the settings as saved,
/// the support answer kept, and its error.
pub(super) async fn page_with_support_error(
    state: &AppState,
    ctx: &Ctx,
    access: &GroupAccess,
    support: SupportShown,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let permit = access.permit(ctx, Action::EditSettings)?;
    let former = state.store.former_handles(&permit, unix_now()).await?;
    Ok(render(
        ctx,
        access,
        Shown {
            answers: saved_answers(access),
            errors,
            former,
            done: None,
            support,
        },
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

/// `POST /g/<handle>/settings`.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(handle): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::EditSettings)?;
    let viewer = ctx.require_viewer()?;
    let answers = answers_from(&form, true);
    let bounds = PrivacyBounds {
        parent: access.group.parent_privacy(),
        most_visible_subgroup: state
            .store
            .subgroup_privacies(&permit)
            .await?
            .into_iter()
            .min(),
    };
    let former = state.store.former_handles(&permit, unix_now()).await?;
    let settings = match check_settings(&answers, bounds) {
        Ok(settings) => settings,
        Err(errors) => {
            let shown = Shown {
                answers,
                errors,
                former,
                done: None,
                support: SupportShown::load(&state, &access.group.id).await?,
            };
            return Ok(render(
                &ctx,
                &access,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let saved = state
        .store
        .update_group_settings(&permit, &settings, &viewer.account_id, unix_now())
        .await?;
    if let Err(problem) = saved {
        let shown = Shown {
            answers,
            errors: super::new::save_problem(problem),
            former,
            done: None,
            support: SupportShown::load(&state, &access.group.id).await?,
        };
        return Ok(render(
            &ctx,
            &access,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let group = &access.group;
    let before = Settings {
        name: group.name.clone(),
        handle: group.handle.clone(),
        description: group.description.clone(),
        privacy: group.privacy(),
        join_mode: group.join_mode(),
        permissions: group.permissions(),
    };
    let changes = settings_changes(&before, &settings);
    audit_group_with(
        &state,
        "group_settings_changed",
        &viewer.account_id,
        &group.id,
        ip,
        None,
        Some(&changes),
    )
    .await;
    Ok(see_other(&format!(
        "{}?done=settings",
        group_href(&settings.handle)
    )))
}

/// `POST /g/<handle>/settings/release`: gives up the old address in the `handle` field.
pub async fn release(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(handle): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::EditSettings)?;
    let viewer = ctx.require_viewer()?;
    let old = form.text("handle");
    let settings = format!("{}/settings", access.href());
    if !state.store.release_former_handle(&permit, old).await? {
        // Released already (a second press), or never the group's: the list shows what is left.
        return Ok(see_other(&settings));
    }
    let detail = format!("Released {}", group_href(old));
    audit_group_with(
        &state,
        "group_handle_released",
        &viewer.account_id,
        &access.group.id,
        ip,
        None,
        Some(&detail),
    )
    .await;
    Ok(see_other(&format!(
        "{settings}?done=released#old-addresses"
    )))
}

/// What the settings page shows besides the group itself.
struct Shown {
    answers: SettingsAnswers,
    errors: FormErrors,
    /// Old handles still reserved for the group, with when each runs out.
    former: Vec<(String, i64)>,
    done: Option<&'static str>,
    support: SupportShown,
}

fn render(ctx: &Ctx, access: &GroupAccess, shown: Shown, status: StatusCode) -> Response {
    let Shown {
        answers,
        errors,
        former,
        done,
        support,
    } = shown;
    let zone = crate::pages::polls::viewer_zone(ctx);
    let support_action = format!("{}/settings/support", access.href());
    let support_errors = errors.clone();
    let open = access.group.privacy() == crate::domain::groups::Privacy::Open;
    let crumbs = access.crumbs(TITLE);
    let action = format!("{}/settings", access.href());
    let release = format!("{action}/release");
    let audit = format!("{}/audit", access.href());
    let caption = access.group.name.clone();
    let export = format!("{}/export.json", access.href());
    let archive = format!("{}/export.zip", access.href());
    let has_errors = !errors.is_empty();
    // Forms are made inside the document, which gives them their token.
    let old_addresses = move || {
        (!former.is_empty()).then(|| {
        let items = former
            .into_iter()
            .map(|(handle, until)| {
                let address = group_href(&handle);
                let kept = format!("{address}, kept for the group until {}.", format_utc(until));
                view! {
                    <li>
                        <p>{kept}</p>
                        <Form action=release.clone() label=format!("Release {address}")>
                            <input type="hidden" name="handle" value=handle/>
                            <Button text=format!("Release {address}") style=ButtonStyle::Secondary/>
                        </Form>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h2 id="old-addresses">"Old addresses"</h2>
            <p>"When the group\u{2019}s handle changes, links to its old address keep leading here for a year, and no other group may take it. Release an old address to end that sooner: links to it will no longer work, and any group may take it."</p>
            <ul class="q-list">{items}</ul>
        }
        })
    };
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=TITLE has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <SuccessBanner message=done.map(Into::into)/>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=TITLE caption=caption/>
                    <Form action=action>
                        <SettingsFields answers=answers errors=errors.clone()/>
                        <Button text="Save settings"/>
                    </Form>
                    {old_addresses()}
                    <SupportSection action=support_action.clone() support=support.clone() errors=support_errors.clone() zone=zone.clone() open=open/>
                    <h2 id="audit-log">"Audit log"</h2>
                    <p>"Every change to the group\u{2019}s settings, roles and membership, and every moderation, is recorded with who did it and when."</p>
                    <p><a href=audit>"Read the group\u{2019}s audit log"</a></p>
                    <h2 id="export">"Export"</h2>
                    <p>"Everything the group and its subgroups hold, in one file: settings, members (with their email addresses), threads, comments and their earlier versions, polls, votes (secret ones still without their voters), outcomes and the audit log. It holds no passwords, sign-in links or IP addresses. Downloading it is written to the audit log."</p>
                    <ul class="q-list">
                        <li><a href=export download="">"Download the group\u{2019}s data as JSON"</a>" (one file, which "<code>"quorum import"</code>" loads into another Quorum)"</li>
                        <li><a href=archive download="">"Download the group\u{2019}s data as a ZIP archive"</a>" (a CSV file per list for spreadsheets, and a page to read offline)"</li>
                    </ul>
                </Page>
            }
        }),
    )
}
