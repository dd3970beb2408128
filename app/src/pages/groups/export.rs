//! `/g/<handle>/export.json` and `/g/<handle>/export.zip`: a group's admin downloads everything
//! the group holds (settings, subgroups, members, threads, comments with their versions,
//! polls, ballots, outcomes and the group's audit log), as one JSON file in the format
//! docs/group-export-schema.md describes, or as a ZIP of one CSV file per list and a page to
//! read offline. Anyone else, signed in or not, is told the address does not exist (404), so
//! a group's existence does not leak through it. Each download is written to the audit log.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::GroupAccess;
use crate::AppState;
use crate::domain::permissions::Action;
use crate::pages::sign_in::audit_group_with;
use crate::pages::{AppError, ClientIp, Ctx};
use crate::store::unix_now;

/// `GET /g/<handle>/export.json`.
pub async fn json(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    let (group, export) = load(&state, ip, &ctx, &handle, "JSON").await?;
    let body = crate::group_export::to_file(&export.document);
    Ok(download(
        "application/json",
        &format!("{group}-export.json"),
        body,
    ))
}

/// `GET /g/<handle>/export.zip`.
pub async fn zip(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    let (group, export) = load(&state, ip, &ctx, &handle, "CSV and HTML archive").await?;
    // The files' bytes go in beside the lists, each at the path its entry names; one deleted
    // from storage meanwhile (its post deleted as the export was made) is left out.
    let mut files = Vec::new();
    for (path, key) in &export.files {
        if let Some(bytes) = state
            .config
            .files
            .get(key)
            .await
            .map_err(|e| AppError::Internal(e.into()))?
        {
            files.push((path.clone(), bytes));
        }
    }
    let body = crate::group_export::archive::zip(&export.document, unix_now(), &files)
        .map_err(anyhow::Error::from)?;
    Ok(download(
        "application/zip",
        &format!("{group}-export.zip"),
        body,
    ))
}

/// The export of the group `handle` for its admin, written to the audit log; the group's
/// handle with it.
async fn load(
    state: &AppState,
    ip: std::net::IpAddr,
    ctx: &Ctx,
    handle: &str,
    kind: &str,
) -> Result<(String, crate::group_export::Export), AppError> {
    // Every refusal is "not found", even the one that would ask a signed-out person to sign in.
    let access = GroupAccess::load(state, ctx, handle)
        .await
        .map_err(|_| AppError::NotFound)?;
    let permit = access
        .permit(ctx, Action::EditSettings)
        .map_err(|_| AppError::NotFound)?;
    let viewer = ctx.viewer.as_ref().ok_or(AppError::NotFound)?;
    let document = crate::group_export::build(&state.store, &permit, unix_now()).await?;
    audit_group_with(
        state,
        "group_exported",
        &viewer.account_id,
        &access.group.id,
        ip,
        None,
        Some(kind),
    )
    .await;
    Ok((access.group.handle.clone(), document))
}

fn download(content_type: &'static str, file_name: &str, body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}
