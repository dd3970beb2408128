//! `/account/export`: a copy of everything Quorum holds about the person (see `crate::export`).
//! `POST /account/export` records the request; the timed job ([`build_waiting`]) builds the zip
//! into the data folder and emails a link; `GET /account/export/{token}` serves it once, to the
//! person who asked, signed in, within 24 hours, and deletes the file. Any other use of a link
//! (another person, a second time, too late, a made-up token) answers 404, the same for each, so
//! that a link tells nothing to whoever finds it. The housekeeping job ([`purge`]) deletes what
//! is left when the day is over.

use std::path::PathBuf;

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tracing::warn;

use crate::AppState;
use crate::auth::{emails, token};
use crate::pages::sign_in::{audit, private};
use crate::pages::{AppError, ClientIp, Ctx, FormData, see_other};
use crate::store::{ExportJob, unix_now};

/// How old a file must be before the housekeeping job deletes it for having no row.
const ORPHAN_AFTER: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// The audit log's action for asking for and fetching a copy.
const AUDIT_ACTION: &str = "personal_export";

/// `POST /account/export`: asks for a copy, unless one is being prepared already or its link
/// is still good (one copy at a time keeps a stolen session from piling up copies).
pub async fn request(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    _form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let asked = state
        .store
        .request_export(&viewer.account_id, unix_now())
        .await?;
    if !asked {
        return Ok(see_other("/account?done=export-waiting"));
    }
    let account = Some(viewer.account_id.as_str());
    audit(&state, AUDIT_ACTION, "requested", account, None, ip).await;
    Ok(see_other("/account?done=export-requested"))
}

/// `GET /account/export/{token}`: the zip, once, to the person it was made for.
pub async fn download(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let link = token::parse_token(&raw).ok_or(AppError::NotFound)?;
    let digest = link.digest();
    let found = state
        .store
        .find_export(&digest, &viewer.account_id, unix_now())
        .await?
        .ok_or(AppError::NotFound)?;
    let path = file_of(&state, &found.id);
    // Read before the link is used up: a server that cannot read it (several servers whose
    // data folders are not shared, say) leaves the link working for another try.
    let bytes = match tokio::fs::read(&path).await {
        Ok(bytes) => bytes,
        Err(e) => {
            warn!("a personal export's file could not be read: {e}");
            return Err(AppError::NotFound);
        }
    };
    let taken = state
        .store
        .take_export(&digest, &viewer.account_id, unix_now())
        .await?
        .filter(|taken| taken.id == found.id)
        .ok_or(AppError::NotFound)?;
    if let Err(e) = tokio::fs::remove_file(&path).await {
        warn!("a fetched personal export's file could not be deleted: {e}");
    }
    let account = Some(viewer.account_id.as_str());
    audit(&state, AUDIT_ACTION, "downloaded", account, None, ip).await;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        crate::export::file_name(taken.ready_at)
    );
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    Ok(private(response))
}

/// Where a copy's file is kept.
fn file_of(state: &AppState, id: &str) -> PathBuf {
    state.config.exports_dir.join(format!("{id}.zip"))
}

/// Builds every copy that is waiting, oldest first; returns how many were built.
pub async fn build_waiting(state: &AppState) -> anyhow::Result<usize> {
    let mut built = 0;
    while let Some(job) = state.store.claim_export(unix_now()).await? {
        build(state, &job).await?;
        built += 1;
    }
    Ok(built)
}

/// Builds one copy, writes its file (readable by Quorum's user only), and emails its link.
async fn build(state: &AppState, job: &ExportJob) -> anyhow::Result<()> {
    let now = unix_now();
    let Some(data) = state.store.personal_data(&job.account_id).await? else {
        // The account was deleted meanwhile, and its request with it.
        return Ok(());
    };
    let instance = state.config.public_url.clone();
    // Each attached file's bytes go in beside the JSON; one gone from storage meanwhile (its
    // post deleted) is left out, as the next copy would not list it either.
    let mut files = Vec::new();
    for file in &data.files {
        if let Some(bytes) = state.config.files.get(&file.id).await? {
            files.push((file.path.clone(), bytes));
        }
    }
    let zip =
        tokio::task::spawn_blocking(move || crate::export::build(&data, &instance, now, &files))
            .await??;
    tokio::fs::create_dir_all(&state.config.exports_dir).await?;
    let path = file_of(state, &job.id);
    let part = path.with_extension("zip.part");
    write_private(&part, &zip).await?;
    tokio::fs::rename(&part, &path).await?;
    let link = token::new_token()?;
    let href = format!(
        "{}/account/export/{}",
        state.config.public_url,
        link.expose()
    );
    let mail = state
        .mailer
        .prepare(emails::export_ready(&job.email, &href));
    state
        .store
        .finish_export(&job.id, &link.digest(), now, &mail)
        .await?;
    state.mailer.wake();
    Ok(())
}

async fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).await?;
    file.write_all(bytes).await?;
    file.sync_all().await
}

/// Deletes the copies whose day is over, rows and files, and any file whose row is gone (its
/// account was deleted, which deletes the row with it); returns how many rows went.
pub async fn purge(state: &AppState) -> anyhow::Result<usize> {
    let purged = state.store.purge_exports(unix_now()).await?;
    for id in &purged {
        match tokio::fs::remove_file(file_of(state, id)).await {
            Ok(()) => {}
            // Fetched already, or never built.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => warn!("an expired personal export's file could not be deleted: {e}"),
        }
    }
    let known: std::collections::HashSet<String> =
        state.store.export_ids().await?.into_iter().collect();
    let mut folder = match tokio::fs::read_dir(&state.config.exports_dir).await {
        Ok(folder) => folder,
        // No copy was ever built here.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(purged.len()),
        Err(e) => return Err(e.into()),
    };
    while let Some(entry) = folder.next_entry().await? {
        let name = entry.file_name();
        let id = name.to_string_lossy();
        let id = id.split('.').next().unwrap_or_default();
        // A file younger than an hour may be a copy built while the ids were being read.
        let recent = entry
            .metadata()
            .await
            .and_then(|m| m.modified())
            .is_ok_and(|at| at.elapsed().is_ok_and(|age| age < ORPHAN_AFTER));
        if known.contains(id) || recent {
            continue;
        }
        if let Err(e) = tokio::fs::remove_file(entry.path()).await {
            warn!("a personal export's file without a row could not be deleted: {e}");
        }
    }
    Ok(purged.len())
}
