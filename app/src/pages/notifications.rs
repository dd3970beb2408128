//! Notifications in the app and how much a person hears:
//!
//! - `/notifications`: the list, newest first, 25 a page, each a link to its item with "Unread"
//!   or "Read" in words, and "Mark all as read" as a form;
//! - `/notifications/settings`: the volume of each group, the default for groups not set, and
//!   the catch-up digest;
//! - `/t/<id>/notifications`: one thread's volume, which overrides the group's;
//! - `/unsubscribe/<token>`: the page an email's "Stop email" link opens, signed in or not. A
//!   GET shows what will stop and a button; a POST stops it, with no cookie and no form token,
//!   so that a mail program's one-click unsubscribe (RFC 8058: a POST of
//!   `List-Unsubscribe=One-Click`) works too. The token names one person and one scope and is
//!   signed, so it can stop nothing else.
//!
//! Every page works without JavaScript, and every form keeps its answers when it is refused.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

use crate::AppState;
use crate::domain::permissions::Action;
use crate::domain::time::zones;
use crate::domain::validation::FormErrors;
use crate::notify::Volume;
use crate::notify::digest::{self, Frequency, WEEKDAYS};
use crate::notify::emails::{describe, href};
use crate::notify::tokens::{Scope, check_unsubscribe};
use crate::pages::polls::viewer_zone;
use crate::pages::threads::ThreadAccess;
use crate::pages::threads::show::page_number;
use crate::pages::{AppError, Ctx, FormData, form_status, html, see_other};
use crate::store::{GroupVolume, NotificationItem, Unsubscribed, unix_now};
use crate::ui::{
    Button, ButtonStyle, Choice, Crumb, ErrorSummary, Form, NavArea, Page, PageHeading, RadioGroup,
    Select, SuccessBanner, page_href, render_document,
};

const TITLE: &str = "Notifications";
const SETTINGS_TITLE: &str = "Notification settings";
/// Notifications a page.
pub const PER_PAGE: i64 = 25;
const UNKNOWN_VOLUME: &str = "Choose mute, quiet, normal or loud";

/// The query of the list (`page`) and of a page after a form (`done`).
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    done: String,
}

/// `GET /notifications[?page=<n>]`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let page = page_number(query.page.as_deref());
    let found = state
        .store
        .notifications_page(
            &viewer.account_id,
            (page - 1).saturating_mul(PER_PAGE),
            PER_PAGE,
        )
        .await?;
    if page > 1 && found.items.is_empty() {
        return Err(AppError::NotFound);
    }
    let zone = viewer_zone(&ctx);
    let unread = viewer.unread_notifications;
    let done =
        (query.done == "read").then(|| "All your notifications are marked as read.".to_string());
    let title = if page == 1 {
        TITLE.to_string()
    } else {
        format!("{TITLE} (page {page})")
    };
    let lead = match unread {
        0 => "What happened in your groups, newest first. Nothing is unread.".to_string(),
        1 => "What happened in your groups, newest first. 1 is unread.".to_string(),
        n @ 2..100 => format!("What happened in your groups, newest first. {n} are unread."),
        _ => "What happened in your groups, newest first. 100 or more are unread.".to_string(),
    };
    let items: Vec<AnyView> = found
        .items
        .iter()
        .map(|item| item_view(item, &zone))
        .collect();
    let empty = items.is_empty();
    let newer = (page > 1).then(|| {
        let href = page_href("/notifications", page - 1, "");
        view! { <li><a href=href rel="prev">"Newer notifications"</a></li> }
    });
    let older = found.more.then(|| {
        let href = page_href("/notifications", page + 1, "");
        view! { <li><a href=href rel="next">"Older notifications"</a></li> }
    });
    let pages = (newer.is_some() || older.is_some()).then(|| {
        view! {
            <nav class="q-pagination" aria-label="Pages of notifications">
                <ul class="q-pagination__list">{newer}{older}</ul>
            </nav>
        }
    });
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::current(TITLE)];
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title area=NavArea::Notifications breadcrumbs=crumbs>
                    <SuccessBanner message=done/>
                    <PageHeading text=TITLE lead=lead/>
                    {(unread > 0).then(|| view! {
                        <Form action="/notifications/read" label="Mark all as read">
                            <Button text="Mark all as read" style=ButtonStyle::Secondary/>
                        </Form>
                    })}
                    {if empty {
                        view! { <p>"You have no notifications yet. When something happens in your groups that you hear of, it is listed here."</p> }.into_any()
                    } else {
                        view! { <ol class="q-list">{items}</ol> }.into_any()
                    }}
                    {pages}
                    <p><a href="/notifications/settings">"Choose how much you hear of each group, and by email"</a></p>
                </Page>
            }
        }),
    ))
}

/// One notification: "Unread" or "Read" in words, what happened as a link, and when.
fn item_view(item: &NotificationItem, zone: &jiff::tz::TimeZone) -> AnyView {
    let state = if item.read { "Read" } else { "Unread" };
    let class = if item.read {
        "q-notification"
    } else {
        "q-notification q-notification--unread"
    };
    let when = zones::format_short_in_zone(item.created_at, zone);
    let iso = crate::domain::time::iso_utc(item.created_at);
    view! {
        <li class=class>
            <strong class="q-notification__state">{state}": "</strong>
            <a href=href(item)>{describe(item)}</a>
            " "<time datetime=iso>{when}</time>
        </li>
    }
    .into_any()
}

/// `POST /notifications/read`.
pub async fn mark_read(
    State(state): State<AppState>,
    ctx: Ctx,
    _form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    state
        .store
        .mark_all_notifications_read(&viewer.account_id, unix_now())
        .await?;
    Ok(see_other("/notifications?done=read"))
}

/// What the settings form holds: as saved, or as sent when it was refused.
struct SettingsForm {
    default: String,
    /// (group, chosen value: "" for the default, or a volume).
    groups: Vec<(GroupVolume, String)>,
    digest: String,
    digest_day: String,
    errors: FormErrors,
    done: bool,
}

/// `GET /notifications/settings`.
pub async fn settings(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let (default, groups) = state.store.group_volumes(&viewer.account_id).await?;
    let (digest, digest_day) = state.store.digest_setting(&viewer.account_id).await?;
    let groups = groups
        .into_iter()
        .map(|group| {
            let chosen = group.volume.map_or("", Volume::as_str).to_string();
            (group, chosen)
        })
        .collect();
    Ok(render_settings(
        &ctx,
        SettingsForm {
            default: default.as_str().into(),
            groups,
            digest,
            digest_day: digest_day.to_string(),
            errors: FormErrors::new(),
            done: query.done == "saved",
        },
    ))
}

/// The form field of a group's volume.
fn group_field(group: &GroupVolume) -> String {
    format!("group-{}", group.handle)
}

/// `POST /notifications/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let (_, groups) = state.store.group_volumes(&viewer.account_id).await?;
    let mut errors = FormErrors::new();
    let default_text = form.text("default_volume").to_string();
    let default = Volume::parse(&default_text);
    if default.is_none() {
        errors.add("default_volume", UNKNOWN_VOLUME);
    }
    let mut chosen = Vec::new();
    let mut shown = Vec::new();
    for group in groups {
        let field = group_field(&group);
        // A group the form did not show (joined, or renamed, since it was loaded) keeps its
        // setting.
        if form.all(&field).is_empty() {
            continue;
        }
        let value = form.text(&field).to_string();
        let volume = if value.is_empty() {
            Some(None)
        } else {
            Volume::parse(&value).map(Some)
        };
        match volume {
            Some(volume) => chosen.push((group.group_id.clone(), volume)),
            None => errors.add(
                field.clone(),
                format!("Choose how much you hear of {}", group.name),
            ),
        }
        shown.push((group, value));
    }
    let digest_text = form.text("digest").to_string();
    let frequency = Frequency::parse(&digest_text);
    if frequency.is_none() {
        errors.add("digest", "Choose how often you want a digest, or no digest");
    }
    let day_text = form.text("digest_day").to_string();
    let day = day_text
        .parse::<i8>()
        .ok()
        .filter(|day| WEEKDAYS.iter().any(|(d, _)| d == day));
    if day.is_none() {
        errors.add(
            "digest_day",
            "Choose the day of the week for a weekly digest",
        );
    }
    let (Some(default), Some(frequency), Some(day), true) =
        (default, frequency, day, errors.is_empty())
    else {
        return Ok(render_settings(
            &ctx,
            SettingsForm {
                default: default_text,
                groups: shown,
                digest: digest_text,
                digest_day: day_text,
                errors,
                done: false,
            },
        ));
    };
    state
        .store
        .set_volumes(&viewer.account_id, default, &chosen)
        .await?;
    let zone = viewer_zone(&ctx);
    let due = digest::first_due(unix_now(), frequency, day, &zone);
    state
        .store
        .set_digest(&viewer.account_id, frequency.as_str(), i16::from(day), due)
        .await?;
    Ok(see_other("/notifications/settings?done=saved"))
}

fn volume_choices() -> Vec<Choice> {
    Volume::ALL
        .iter()
        .map(|v| Choice::new(v.as_str(), v.label()).with_hint(v.explanation()))
        .collect()
}

fn render_settings(ctx: &Ctx, form: SettingsForm) -> Response {
    let SettingsForm {
        default,
        groups,
        digest,
        digest_day,
        errors,
        done,
    } = form;
    let has_errors = !errors.is_empty();
    let status = form_status(has_errors);
    let zone = viewer_zone(ctx);
    let zone_name = zone.iana_name().unwrap_or("UTC").to_string();
    let default_label = Volume::parse(&default).map_or("your default", Volume::label);
    let group_fields: Vec<AnyView> = groups
        .iter()
        .map(|(group, value)| {
            let field = group_field(group);
            let error = errors.for_field(&field);
            let mut options = vec![(String::new(), format!("Your default ({default_label})"))];
            options.extend(
                Volume::ALL
                    .iter()
                    .map(|v| (v.as_str().to_string(), v.label().to_string())),
            );
            volume_select(field, group.name.clone(), options, value.clone(), error)
        })
        .collect();
    let no_groups = group_fields.is_empty();
    let digest_choices: Vec<Choice> = Frequency::ALL
        .iter()
        .map(|f| Choice::new(f.as_str(), f.label()))
        .collect();
    let day_options: Vec<(String, String)> = WEEKDAYS
        .iter()
        .map(|(n, name)| (n.to_string(), (*name).to_string()))
        .collect();
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link(TITLE, "/notifications"),
        Crumb::current(SETTINGS_TITLE),
    ];
    let done = done.then(|| "Your notification settings are saved.".to_string());
    let lead = "How much you hear of each of your groups, in Quorum and by email. A thread's own setting, on the thread, comes before its group's.";
    html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=SETTINGS_TITLE has_errors=has_errors area=NavArea::Notifications breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <SuccessBanner message=done/>
                    <PageHeading text=SETTINGS_TITLE lead=lead/>
                    <h2>"What each setting means"</h2>
                    <ul class="q-list q-list--bullet">
                        {Volume::ALL.iter().map(|v| view! {
                            <li><strong>{v.label()}": "</strong>{v.explanation()}</li>
                        }).collect_view()}
                    </ul>
                    <p>"You never hear of what you did yourself, nor of anything you may not read. A reaction to your comment is only ever shown in Quorum."</p>
                    <Form action="/notifications/settings" label=SETTINGS_TITLE>
                        <h2>"Your groups"</h2>
                        {if no_groups {
                            view! { <p>"You are not in any group yet."</p> }.into_any()
                        } else {
                            group_fields.into_any()
                        }}
                        <RadioGroup name="default_volume" legend="Your default, for groups you have not set and groups you join"
                            choices=volume_choices() selected=Some(default.clone())
                            error=errors.for_field("default_volume")/>
                        <h2>"Catch-up digest"</h2>
                        <p>{format!("One email with what you have not read, grouped by group and thread, and the open polls you have not voted in. It comes at 06:00 in your time zone ({zone_name}), and not at all when there is nothing new. You get it even when your groups are set to quiet.")}</p>
                        <RadioGroup name="digest" legend="How often do you want a digest?"
                            choices=digest_choices selected=Some(digest.clone())
                            error=errors.for_field("digest")/>
                        <Select name="digest_day" label="Day of a weekly digest" options=day_options
                            selected=digest_day.clone() error=errors.for_field("digest_day")/>
                        <Button text="Save notification settings"/>
                    </Form>
                    <p><a href="/account">"Change your time zone on your account page"</a></p>
                </Page>
            }
        }),
    )
}

/// A select for one group's volume. The field's name is made from the group's handle, which the
/// shared `Select` (for fixed names) cannot take.
fn volume_select(
    field: String,
    label: String,
    options: Vec<(String, String)>,
    selected: String,
    error: Option<String>,
) -> AnyView {
    let class = if error.is_some() {
        "q-form-group q-form-group--error"
    } else {
        "q-form-group"
    };
    let error_id = format!("{field}-error");
    let describedby = error.is_some().then(|| error_id.clone());
    let invalid = error.is_some().then_some("true");
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let chosen = value == selected;
            view! { <option value=value selected=chosen>{text}</option> }
        })
        .collect_view();
    view! {
        <div class=class>
            <label class="q-label" for=field.clone()>{label}</label>
            {error.map(|error| view! {
                <p id=error_id class="q-error-message"><span class="q-visually-hidden">"Error: "</span>{error}</p>
            })}
            <select class="q-select" id=field.clone() name=field aria-describedby=describedby aria-invalid=invalid>
                {options}
            </select>
        </div>
    }
    .into_any()
}

/// `GET /t/<id>/notifications`.
pub async fn thread_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    access.group.permit(&ctx, Action::Participate)?;
    let viewer = ctx.require_viewer()?;
    let volume = state
        .store
        .thread_volume(&viewer.account_id, &access.thread.id)
        .await?;
    let chosen = volume.map_or("group", Volume::as_str).to_string();
    render_thread_settings(&state, &ctx, &access, chosen, FormErrors::new()).await
}

/// `POST /t/<id>/notifications`.
pub async fn save_thread_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = ThreadAccess::load(&state, &ctx, &id).await?;
    access.group.permit(&ctx, Action::Participate)?;
    let viewer = ctx.require_viewer()?;
    let chosen = form.text("volume").to_string();
    let volume = match chosen.as_str() {
        "group" => Some(None),
        other => Volume::parse(other).map(Some),
    };
    let Some(volume) = volume else {
        let mut errors = FormErrors::new();
        errors.add("volume", "Choose how much you hear of this thread");
        return render_thread_settings(&state, &ctx, &access, chosen, errors).await;
    };
    state
        .store
        .set_thread_volume(&viewer.account_id, &access.thread.id, volume)
        .await?;
    Ok(see_other(&format!("{}?done=volume", access.href())))
}

async fn render_thread_settings(
    state: &AppState,
    ctx: &Ctx,
    access: &ThreadAccess,
    chosen: String,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let (default, groups) = state.store.group_volumes(&viewer.account_id).await?;
    let group_volume = groups
        .iter()
        .find(|g| g.group_id == access.group.group.id)
        .and_then(|g| g.volume)
        .unwrap_or(default);
    let title = "Notifications for this thread";
    let mut choices = vec![
        Choice::new("group", format!("As the group ({})", group_volume.label())).with_hint(
            format!(
                "Follow your setting for {}, now {}.",
                access.group.group.name,
                group_volume.label().to_lowercase()
            ),
        ),
    ];
    choices.extend(volume_choices());
    let crumbs = access.crumbs(title);
    let caption = access.thread.title.clone();
    let action = format!("{}/notifications", access.href());
    let has_errors = !errors.is_empty();
    let status = form_status(has_errors);
    Ok(html(
        status,
        render_document(&ctx.page(), move || {
            view! {
                <Page title=title has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors.clone()/>
                    <PageHeading text=title caption=caption lead="How much you hear of this thread, in Quorum and by email. It comes before your setting for the group."/>
                    <Form action=action.clone()>
                        <RadioGroup name="volume" legend="How much do you want to hear of this thread?"
                            choices=choices selected=Some(chosen.clone()) error=errors.for_field("volume")/>
                        <Button text="Save"/>
                    </Form>
                </Page>
            }
        }),
    ))
}

/// What an unsubscribe page says of its scope: the name of what stops.
fn scope_words(target: &Unsubscribed) -> String {
    match target {
        Unsubscribed::Group { name, .. } => name.clone(),
        Unsubscribed::Thread { title, .. } => format!("the thread \u{201c}{title}\u{201d}"),
        Unsubscribed::Digest => "the catch-up digest".into(),
    }
}

/// The token's person and scope, and what it would stop; "not found" for a token that does not
/// check out or names something the person is no longer part of.
async fn unsubscribe_target(
    state: &AppState,
    token: &str,
) -> Result<(String, Scope, Unsubscribed), AppError> {
    let found = check_unsubscribe(&state.config.mail_key, token).ok_or(AppError::NotFound)?;
    let target = state
        .store
        .unsubscribe_target(&found.account_id, &found.scope)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((found.account_id, found.scope, target))
}

/// The page context of an unsubscribe page: its "Sign in" link leads to the notification
/// settings, never back to the page, so the token goes nowhere but the email it came in.
fn without_token(ctx: &Ctx) -> crate::ui::PageContext {
    crate::ui::PageContext {
        path: "/notifications/settings".into(),
        ..ctx.page()
    }
}

/// `GET /unsubscribe/<token>`: what will stop, and the button that stops it.
pub async fn show_unsubscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let (_, scope, target) = unsubscribe_target(&state, &token).await?;
    let what = scope_words(&target);
    let title = format!("Stop email from {what}?");
    let stops = match scope {
        Scope::Digest => "You will no longer get the catch-up digest.".to_string(),
        _ => format!(
            "You will no longer get email about {what}. Its notifications stay in Quorum, where you see them when you sign in."
        ),
    };
    let action = format!("/unsubscribe/{token}");
    Ok(html(
        StatusCode::OK,
        render_document(&without_token(&ctx), move || {
            view! {
                <Page title=title.clone()>
                    <PageHeading text=title.clone()/>
                    <p>{stops.clone()}</p>
                    <p>"You can turn it back on at any time in your notification settings."</p>
                    // No form token: the link in the email is the proof, and it works signed out.
                    <form method="post" action=action.clone() novalidate>
                        <Button text="Stop email"/>
                    </form>
                </Page>
            }
        }),
    ))
}

/// `POST /unsubscribe/<token>`: stops it, from this page or from a mail program's one click.
/// Needs no cookie and no form token; doing it twice changes nothing more.
pub async fn unsubscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let (account_id, scope, _) = unsubscribe_target(&state, &token).await?;
    let target = state
        .store
        .unsubscribe(&account_id, &scope)
        .await?
        .ok_or(AppError::NotFound)?;
    let what = scope_words(&target);
    let title = format!("Email from {what} stopped");
    let undo = match &target {
        Unsubscribed::Digest => {
            "To get the digest again, choose how often in your notification settings.".to_string()
        }
        Unsubscribed::Group { name, .. } => format!(
            "{name} is now set to quiet: notifications in Quorum only. To get email again, choose normal or loud for it in your notification settings."
        ),
        Unsubscribed::Thread { .. } => "The thread is now set to quiet: notifications in Quorum only. To get email again, choose another setting on the thread's notifications page.".to_string(),
    };
    Ok(html(
        StatusCode::OK,
        render_document(&without_token(&ctx), move || {
            view! {
                <Page title=title.clone()>
                    <PageHeading text=title.clone()/>
                    <p>{undo.clone()}</p>
                    <p><a href="/notifications/settings">"Notification settings"</a>" (you may be asked to sign in first)"</p>
                </Page>
            }
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Kind;

    #[test]
    fn every_kind_reads_as_a_sentence_and_links_somewhere() {
        for kind in Kind::ALL {
            let item = NotificationItem {
                id: "n".into(),
                kind,
                created_at: 0,
                read: false,
                group_id: "g".into(),
                group_name: "Tea Club".into(),
                group_handle: "tea".into(),
                thread_id: Some("t".into()),
                thread_title: Some("Seeds".into()),
                poll_id: matches!(
                    kind,
                    Kind::NewPoll | Kind::Outcome | Kind::PollClosing | Kind::PollClosed
                )
                .then(|| "p".into()),
                poll_title: Some("Which seeds?".into()),
                poll_kind: Some("proposal".into()),
                poll_closes_at: None,
                comment_id: None,
                comment_body: None,
                comment_seq: None,
                actor_name: Some("Ann Lee".into()),
            };
            let words = describe(&item);
            assert!(words.contains("Tea Club"), "{words}");
            assert!(href(&item).starts_with('/'), "{kind:?}");
        }
    }
}
