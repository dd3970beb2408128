//! `/g/<handle>/requests`: admins read requests to join and approve or ignore each. An ignored
//! request is not shown again and the person is not told; they cannot ask again.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

use super::GroupAccess;
use crate::AppState;
use crate::domain::permissions::Action;
use crate::domain::time::{format_utc, iso_utc};
use crate::pages::sign_in::audit_group_with;
use crate::pages::{AppError, ClientIp, Ctx, DoneQuery, FormData, html, see_other};
use crate::store::unix_now;
use crate::ui::{
    Button, ButtonStyle, Form, NavArea, Page, PageHeading, SuccessBanner, render_document,
};

const TITLE: &str = "Requests to join";

/// `GET /g/<handle>/requests`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(handle): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::ReviewRequests)?;
    let requests = state.store.join_requests(&permit).await?;
    let done = match query.done.as_str() {
        "approved" => Some("The request has been approved. They are now a member."),
        "ignored" => Some("The request has been ignored."),
        _ => None,
    };
    let crumbs = access.crumbs(TITLE);
    let base = access.href();
    let name = access.group.name.clone();
    let lead = match requests.len() {
        0 => "Nobody is waiting.".to_string(),
        1 => "1 person is waiting.".to_string(),
        n => format!("{n} people are waiting."),
    };
    // Forms are made inside the document, where they find the page's CSRF token.
    let items = move || {
        requests
            .into_iter()
            .map(|request| {
                let action = format!("{base}/requests/{}", request.id);
                let approve = format!("Approve {}", request.name);
                let ignore = format!("Ignore {}\u{2019}s request", request.name);
                let when = format_utc(request.created_at);
                let iso = iso_utc(request.created_at);
                view! {
                    <li class="q-session">
                        <h2 class="q-heading-s">{request.name.clone()}</h2>
                        <p>"Asked " <time datetime=iso>{when}</time> "."</p>
                        <blockquote class="q-quote">{request.introduction.clone()}</blockquote>
                        <Form action=action.clone() label=approve.clone()>
                            <input type="hidden" name="decision" value="approve"/>
                            <Button text=approve.clone()/>
                        </Form>
                        <Form action=action label=ignore.clone()>
                            <input type="hidden" name="decision" value="ignore"/>
                            <Button text=ignore.clone() style=ButtonStyle::Secondary/>
                        </Form>
                    </li>
                }
            })
            .collect_view()
    };
    Ok(html(
        StatusCode::OK,
        render_document(&ctx.page(), move || {
            let items = items();
            view! {
                <Page title=TITLE area=NavArea::Groups breadcrumbs=crumbs>
                    <SuccessBanner message=done.map(Into::into)/>
                    <PageHeading text=TITLE caption=name lead=lead/>
                    <ul class="q-list">{items}</ul>
                </Page>
            }
        }),
    ))
}

/// `POST /g/<handle>/requests/<id>`: `decision` is `approve` or `ignore`.
pub async fn decide(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path((handle, request_id)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, AppError> {
    let access = GroupAccess::load(&state, &ctx, &handle).await?;
    let permit = access.permit(&ctx, Action::ReviewRequests)?;
    let viewer = ctx.require_viewer()?;
    let approve = match form.text("decision") {
        "approve" => true,
        "ignore" => false,
        _ => return Err(AppError::NotFound),
    };
    let requester = state
        .store
        .decide_join_request(
            &permit,
            &request_id,
            approve,
            &viewer.account_id,
            unix_now(),
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let (action, done, detail) = if approve {
        ("join_request_approved", "approved", "They are now a member")
    } else {
        ("join_request_ignored", "ignored", "They were not told")
    };
    audit_group_with(
        &state,
        action,
        &viewer.account_id,
        &access.group.id,
        ip,
        Some(&requester),
        Some(detail),
    )
    .await;
    Ok(see_other(&format!(
        "{}/requests?done={done}",
        access.href()
    )))
}
