//! `/g/<handle>/export.json`: a group's admin downloads everything the group holds (settings,
//! subgroups, members, threads, comments with their versions, polls, ballots, outcomes and
//! the group's audit log) as one JSON file, in the format docs/group-export-schema.md
//! describes. Anyone else, signed in or not, is told the address does not exist (404), so a
//! group's existence does not leak through it. Each download is written to the audit log.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::GroupAccess;
use crate::AppState;
use crate::domain::permissions::Action;
use crate::pages::sign_in::audit_group;
use crate::pages::{AppError, ClientIp, Ctx};
use crate::store::unix_now;

/// `GET /g/<handle>/export.json`.
pub async fn json(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    // Every refusal is "not found", even the one that would ask a signed-out person to sign in.
    let access = GroupAccess::load(&state, &ctx, &handle)
        .await
        .map_err(|_| AppError::NotFound)?;
    let permit = access
        .permit(&ctx, Action::EditSettings)
        .map_err(|_| AppError::NotFound)?;
    let viewer = ctx.viewer.as_ref().ok_or(AppError::NotFound)?;
    let document = crate::group_export::build(&state.store, &permit, unix_now()).await?;
    let body = serde_json::to_vec_pretty(&document).map_err(anyhow::Error::from)?;
    audit_group(
        &state,
        "group_exported",
        &viewer.account_id,
        &access.group.id,
        ip,
    )
    .await;
    let disposition = format!(
        "attachment; filename=\"{}-export.json\"",
        access.group.handle
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
