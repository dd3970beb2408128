//! `/answers/<id>`: answers kept when a session ended before a form was sent, shown once to the
//! person whose session it was, in the browser that sent them, after they sign in again (see
//! `server::kept_answers`). Nothing is sent until they press "Send your answers"; anyone else,
//! another browser, a second look or a day's wait finds nothing, and the answers are discarded.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use leptos::prelude::*;

use super::{AppError, Ctx, FormData, html};
use crate::AppState;
use crate::auth::session::{KEPT_COOKIE, append_cookie};
use crate::auth::token;
use crate::store::unix_now;
use crate::ui::{Button, Form, Page, PageHeading, render_document};

const TITLE: &str = "Send your answers";

/// The fields a person writes, by the name a page gives them, shown back in words. Others
/// (choices, ticks) are sent as they were, and said to be kept.
const WRITTEN: [(&str, &str); 10] = [
    ("title", "Title"),
    ("body", "Your comment"),
    ("context", "Context"),
    ("details", "Details"),
    ("options", "Options"),
    ("reason", "Your reason"),
    ("statement", "Outcome"),
    ("name", "Name"),
    ("description", "Description"),
    ("message", "Message"),
];

/// `GET /answers/<id>`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let viewer = ctx.require_viewer()?;
    let cookies = state.config.cookies;
    let secret = cookies.read(&headers, KEPT_COOKIE);
    // Taken out whoever asks: shown once to the right person, discarded for anyone else.
    let kept = state
        .store
        .take_kept_answers(&id)
        .await?
        .filter(|kept| kept.expires_at > unix_now())
        .filter(|kept| kept.account_id == viewer.account_id)
        .filter(|kept| {
            secret
                .as_deref()
                .is_some_and(|s| token::digests_match(&token::digest(s), &kept.secret_hash))
        })
        .ok_or(AppError::NotFound)?;
    let fields = FormData::parse(kept.fields.as_bytes()).into_pairs();
    let action = kept.action;
    let page = render_document(&ctx.page(), move || answers_page(action, fields));
    let mut response = html(StatusCode::OK, page);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    append_cookie(headers, cookies.remove(KEPT_COOKIE));
    Ok(response)
}

fn answers_page(action: String, fields: Vec<(String, String)>) -> impl IntoView {
    let written = WRITTEN
        .iter()
        .filter_map(|(name, label)| {
            let text = fields
                .iter()
                .find(|(field, value)| field == name && !value.trim().is_empty())?
                .1
                .clone();
            let lines = text
                .lines()
                .map(|line| view! { <p>{line.to_string()}</p> })
                .collect_view();
            Some(view! { <h2>{*label}</h2><div class="q-inset">{lines}</div> })
        })
        .collect_view();
    let other = fields.iter().any(|(name, value)| {
        !value.is_empty() && name != "intent" && !WRITTEN.iter().any(|(w, _)| w == name)
    });
    let other = other.then(|| view! { <p>"The choices you made in the form are kept too."</p> });
    let hidden = fields
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
        .collect_view();
    view! {
        <Page title=TITLE>
            <PageHeading text=TITLE lead="Your session had ended when you sent this form, so nothing was saved. Quorum kept your answers: check them, then send them."/>
            {written}
            {other}
            <Form action=action>
                {hidden}
                <Button text="Send your answers"/>
            </Form>
            <p>"If you leave this page without sending them, your answers are discarded."</p>
        </Page>
    }
}
