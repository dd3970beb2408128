//! `POST /account/sessions/end` and `/account/sessions/end-others`: ending sessions from the
//! account page. A session of another account is never found, so it cannot be ended from here.
//! Both are written to the audit log: ending sessions is what an intruder would do too.

use axum::extract::State;
use axum::response::Response;

use crate::AppState;
use crate::pages::sign_in::audit;
use crate::pages::{AppError, ClientIp, Ctx, FormData, see_other};

pub async fn end(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let target = form.text("session");
    if target == viewer.session_id || !state.store.end_session(&viewer.account_id, target).await? {
        return Err(AppError::NotFound);
    }
    audit(
        &state,
        "session_ended",
        "ok",
        Some(&viewer.account_id),
        None,
        ip,
    )
    .await;
    Ok(see_other("/account?done=session-ended"))
}

pub async fn end_others(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    _form: FormData,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    state
        .store
        .end_other_sessions(&viewer.account_id, &viewer.session_id)
        .await?;
    audit(
        &state,
        "other_sessions_ended",
        "ok",
        Some(&viewer.account_id),
        None,
        ip,
    )
    .await;
    Ok(see_other("/account?done=sessions-ended"))
}
