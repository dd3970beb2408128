//! `/g/<handle>/invitations`: inviting people by email (admins, and members when the group
//! allows it), and the pending invitations, each of which can be sent again or revoked.
//!
//! Addresses come one per line. Good addresses are invited even when others are not: the page
//! then comes back with the bad lines alone in the box, each named in the error summary by its
//! line number, and a banner saying who was invited. Nothing typed is lost.

use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

use super::GroupAccess;
use crate::AppState;
use crate::auth::rate_limit;
use crate::auth::session::Viewer;
use crate::auth::token;
use crate::domain::permissions::{Action, Permit, Relation};
use crate::domain::time::format_utc;
use crate::domain::validation::{FormErrors, is_email_address};
use crate::mail::Email;
use crate::mail::templates::Block;
use crate::pages::sign_in::{audit_group_with, normalize_email};
use crate::pages::{AppError, ClientIp, Ctx, FormData, html, see_other};
use crate::store::{NewInvitation, PendingInvitation, unix_now};
use crate::ui::{
    Button, ButtonStyle, ErrorSummary, Form, NavArea, Page, PageHeading, SuccessBanner, Textarea,
    render_document,
};

const TITLE: &str = "Invite people";
/// How long an invitation link works.
pub const INVITATION_LIFETIME: i64 = 30 * 24 * 60 * 60;
/// The most addresses one post may hold.
const MAX_ADDRESSES: usize = 100;
/// The longest personal message, in characters.
const MESSAGE_MAX: usize = 1_000;

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    sent: usize,
    #[serde(default)]
    members: usize,
}

/// What one render of the page shows besides the pending invitations.
#[derive(Debug, Default)]
struct View {
    addresses: String,
    message: String,
    errors: FormErrors,
    banner: Option<String>,
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What was done, in one sentence. Admins, who run the membership, are told which addresses
/// already belonged to members; members who may invite are not, so that inviting cannot be used
/// to find out whose address is whose.
fn outcome(sent: usize, members: usize, admin: bool) -> String {
    if !admin {
        return format!(
            "Done: {}. Everyone among them who was not a member yet has been sent an invitation.",
            count(sent + members, "address", "addresses")
        );
    }
    let mut text = format!(
        "Invitations sent to {}.",
        count(sent, "address", "addresses")
    );
    if members > 0 {
        text.push_str(&format!(
            " {} already a member, so not invited.",
            count(members, "address belongs to", "addresses belong to")
        ));
    }
    text
}

/// `GET /g/<handle>/invitations`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::Invite)?;
    let banner = match query.done.as_str() {
        "sent" => Some(outcome(
            query.sent,
            query.members,
            access.relation == Relation::Admin,
        )),
        "resent" => Some("The invitation has been sent again with a new link.".to_string()),
        "revoked" => Some("The invitation has been revoked. Its link no longer works.".to_string()),
        _ => None,
    };
    let view = View {
        banner,
        ..View::default()
    };
    render(&state, &ctx, &access, &permit, view, StatusCode::OK).await
}

/// `POST /g/<handle>/invitations`.
pub async fn invite(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(handle): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::Invite)?;
    let viewer = ctx.require_viewer()?;
    let addresses = form.text("addresses").to_string();
    let message = form.text("message").trim().to_string();
    let lines: Vec<(usize, &str)> = addresses
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    let mut errors = FormErrors::new();
    if lines.is_empty() {
        errors.add(
            "addresses",
            "Enter at least one email address, one per line",
        );
    } else if lines.len() > MAX_ADDRESSES {
        errors.add(
            "addresses",
            format!(
                "You can invite up to 100 addresses at a time. You entered {}. Send them in smaller batches",
                lines.len()
            ),
        );
    }
    if message.chars().count() > MESSAGE_MAX {
        errors.add("message", "Your message must be 1,000 characters or fewer");
    }
    if !errors.is_empty() {
        let view = View {
            addresses,
            message,
            errors,
            banner: None,
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render(&state, &ctx, &access, &permit, view, status).await;
    }

    let mut kept: Vec<&str> = Vec::new();
    let mut invited: Vec<String> = Vec::new();
    let mut members = 0;
    let mut limited: Option<Duration> = None;
    for (number, line) in lines {
        if !is_email_address(line) {
            errors.add_another(
                "addresses",
                format!("Line {number}: \u{201c}{line}\u{201d} is not an email address. Enter it like name@example.org"),
            );
            kept.push(line);
            continue;
        }
        let email = normalize_email(line);
        if invited.contains(&email) {
            continue;
        }
        if state.store.is_member_by_email(&permit, &email).await? {
            members += 1;
            continue;
        }
        if limited.is_some() {
            kept.push(line);
            continue;
        }
        if let Err(wait) = state
            .limits
            .check(rate_limit::Action::Invitation, ip, Some(&viewer.account_id))
            .await?
        {
            limited = Some(wait);
            kept.push(line);
            continue;
        }
        send_invitation(&state, &permit, &access, viewer, &email, &message).await?;
        let line = InvitationLine {
            action: "invitations_sent",
            detail: "Sent by email",
        };
        audit_invitation(&state, line, viewer, &access, ip, &email).await?;
        invited.push(email);
    }
    if let Some(wait) = limited {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        errors.add_another(
            "addresses",
            format!("You have sent many invitations in a short time. The addresses left in the box were not invited: wait {minutes} minutes, then send them"),
        );
    }
    if errors.is_empty() {
        return Ok(see_other(&format!(
            "{}/invitations?done=sent&sent={}&members={members}",
            access.href(),
            invited.len()
        )));
    }
    let view = View {
        addresses: kept.join("\n"),
        message,
        errors,
        banner: (!invited.is_empty() || members > 0)
            .then(|| outcome(invited.len(), members, access.relation == Relation::Admin)),
    };
    render(
        &state,
        &ctx,
        &access,
        &permit,
        view,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The invitation email, with a new single-use link: stored together with the invitation.
fn invitation_email(
    state: &AppState,
    access: &GroupAccess,
    inviter: &str,
    email: &str,
    message: &str,
    token: &str,
    expires_at: i64,
) -> Email {
    let group = &access.group.name;
    let href = format!("{}/invitations/{token}", state.config.public_url);
    let mut blocks = vec![Block::Paragraph(format!(
        "{inviter} invited you to join the group {group} on Quorum, where its members discuss and decide together."
    ))];
    if !message.is_empty() {
        blocks.push(Block::Heading(format!("Message from {inviter}")));
        blocks.push(Block::Paragraph(message.to_string()));
    }
    blocks.extend([
        Block::Link {
            text: format!("Join {group}"),
            href,
        },
        Block::Paragraph(format!(
            "The link works once, until {}. If you have no Quorum account yet, you will make one with this email address; it takes a minute and needs no password.",
            format_utc(expires_at)
        )),
        Block::Paragraph(
            "If you were not expecting this invitation, you can ignore this email.".to_string(),
        ),
    ]);
    Email::compose(
        email,
        format!("{inviter} invited you to join {group} on Quorum"),
        &blocks,
    )
}

/// Stores one invitation and its email together, and wakes the mail sender.
async fn send_invitation(
    state: &AppState,
    permit: &Permit,
    access: &GroupAccess,
    inviter: &Viewer,
    email: &str,
    message: &str,
) -> Result<(), AppError> {
    let link_token = token::new_token().map_err(anyhow::Error::from)?;
    let id = token::new_id().map_err(anyhow::Error::from)?;
    let now = unix_now();
    let expires_at = now + INVITATION_LIFETIME;
    let mail = invitation_email(
        state,
        access,
        inviter.name(),
        email,
        message,
        link_token.expose(),
        expires_at,
    );
    let invitation = NewInvitation {
        id: &id,
        email,
        token_hash: &link_token.digest(),
        message,
        invited_by: &inviter.account_id,
        now,
        expires_at,
    };
    state
        .store
        .invite(permit, &invitation, &state.mailer.prepare(mail))
        .await?;
    state.mailer.wake();
    Ok(())
}

/// What an invitation's audit line says.
struct InvitationLine {
    action: &'static str,
    detail: &'static str,
}

/// Writes the audit line of one invitation. The person invited is named only by their account,
/// when the address has one; the address itself is never written to the log.
async fn audit_invitation(
    state: &AppState,
    line: InvitationLine,
    viewer: &Viewer,
    access: &GroupAccess,
    ip: std::net::IpAddr,
    email: &str,
) -> Result<(), AppError> {
    let invitee = state.store.account_by_email(email).await?;
    audit_group_with(
        state,
        line.action,
        &viewer.account_id,
        &access.group.id,
        ip,
        invitee.as_ref().map(|account| account.id.as_str()),
        Some(line.detail),
    )
    .await;
    Ok(())
}

/// `POST /g/<handle>/invitations/<id>/resend`: the same invitation with a new link.
pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path((handle, id)): Path<(String, String)>,
    _form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::Invite)?;
    let viewer = ctx.require_viewer()?;
    let now = unix_now();
    let invitation = state
        .store
        .pending_invitation(&permit, &id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Err(wait) = state
        .limits
        .check(rate_limit::Action::Invitation, ip, Some(&viewer.account_id))
        .await?
    {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        let mut errors = FormErrors::new();
        errors.add(
            "pending",
            format!("You have sent many invitations in a short time. Wait {minutes} minutes, then send it again"),
        );
        let view = View {
            errors,
            ..View::default()
        };
        return render(
            &state,
            &ctx,
            &access,
            &permit,
            view,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    let link_token = token::new_token().map_err(anyhow::Error::from)?;
    let expires_at = now + INVITATION_LIFETIME;
    let mail = invitation_email(
        &state,
        &access,
        &invitation.inviter_name,
        &invitation.email,
        &invitation.message,
        link_token.expose(),
        expires_at,
    );
    let resent = state
        .store
        .resend_invitation(
            &permit,
            &id,
            &link_token.digest(),
            now,
            expires_at,
            &state.mailer.prepare(mail),
        )
        .await?;
    if !resent {
        return Err(AppError::NotFound);
    }
    state.mailer.wake();
    let line = InvitationLine {
        action: "invitation_resent",
        detail: "Sent again with a new link",
    };
    audit_invitation(&state, line, viewer, &access, ip, &invitation.email).await?;
    Ok(see_other(&format!(
        "{}/invitations?done=resent",
        access.href()
    )))
}

/// `POST /g/<handle>/invitations/<id>/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path((handle, id)): Path<(String, String)>,
    _form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::Invite)?;
    let viewer = ctx.require_viewer()?;
    let email = state
        .store
        .revoke_invitation(&permit, &id, unix_now())
        .await?
        .ok_or(AppError::NotFound)?;
    let line = InvitationLine {
        action: "invitation_revoked",
        detail: "Its link no longer works",
    };
    audit_invitation(&state, line, viewer, &access, ip, &email).await?;
    Ok(see_other(&format!(
        "{}/invitations?done=revoked",
        access.href()
    )))
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    access: &GroupAccess,
    permit: &Permit,
    view: View,
    status: StatusCode,
) -> Result<Response, AppError> {
    let pending = state.store.pending_invitations(permit, unix_now()).await?;
    let crumbs = access.crumbs(TITLE);
    let base = access.href();
    let name = access.group.name.clone();
    let lead = format!(
        "Each person gets an email with a link that works once, for 30 days. After signing in, the link makes them a member of {name}."
    );
    let has_errors = !view.errors.is_empty();
    let errors = view.errors;
    let addresses_error = errors.all_for_field("addresses");
    let message_error = errors.for_field("message");
    let pending_error = errors.for_field("pending");
    Ok(html(
        status,
        render_document(&ctx.page(), move || {
            // Made inside the document, where the forms find the page's CSRF token.
            let pending_items = pending_list(pending, &base);
            view! {
                <Page title=TITLE has_errors=has_errors area=NavArea::Groups breadcrumbs=crumbs>
                    <ErrorSummary errors=errors/>
                    <SuccessBanner message=view.banner/>
                    <PageHeading text=TITLE caption=name lead=lead/>
                    <Form action=format!("{base}/invitations")>
                        <Textarea name="addresses" label="Email addresses" rows=6
                            hint="One address per line, up to 100 at a time."
                            value=view.addresses error=addresses_error/>
                        <Textarea name="message" label="Message (optional)" rows=4
                            hint="A few words from you, sent with each invitation. 1,000 characters at most."
                            value=view.message error=message_error max_chars=MESSAGE_MAX/>
                        <Button text="Send invitations"/>
                    </Form>
                    <h2 id="pending" tabindex="-1">"Pending invitations"</h2>
                    {pending_error.map(|e| view! { <p class="q-error-message"><span class="q-visually-hidden">"Error: "</span>{e}</p> })}
                    {pending_items}
                </Page>
            }
        }),
    ))
}

fn pending_list(pending: Vec<PendingInvitation>, base: &str) -> AnyView {
    if pending.is_empty() {
        return view! { <p>"No invitations are waiting to be accepted."</p> }.into_any();
    }
    let items = pending
        .into_iter()
        .map(|invitation| {
            let resend = format!("Send the invitation to {} again", invitation.email);
            let revoke = format!("Revoke the invitation to {}", invitation.email);
            let sent = format_utc(invitation.sent_at);
            let expires = format_utc(invitation.expires_at);
            let action = format!("{base}/invitations/{}", invitation.id);
            view! {
                <li class="q-session">
                    <h3 class="q-heading-s">{invitation.email.clone()}</h3>
                    <p>"Invited by " {invitation.inviter_name.clone()} ". Sent " {sent} ". The link works until " {expires} "."</p>
                    <Form action=format!("{action}/resend") label=resend.clone()>
                        <Button text=resend.clone() style=ButtonStyle::Secondary/>
                    </Form>
                    <Form action=format!("{action}/revoke") label=revoke.clone()>
                        <Button text=revoke.clone() style=ButtonStyle::Warning/>
                    </Form>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="q-list">{items}</ul> }.into_any()
}
