//! Reads who is signed in, and the CSRF token, for every request, and sets the CSRF cookie when
//! the browser has none. Handlers find both in a `RequestAuth` extension.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::session::{CSRF_COOKIE, RequestAuth, SESSION_COOKIE, Viewer, append_cookie};
use crate::auth::token;
use crate::store::unix_now;

pub async fn load(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let cookies = state.config.cookies;
    let headers = request.headers();
    let session_cookie = cookies.read(headers, SESSION_COOKIE);
    // Asked for by someone not signed in, a page anyone may read is the same for everyone: sent
    // as stored while what it shows is unchanged, before any other work.
    let shared = if session_cookie.is_none() {
        super::caching::shared_policy(request.method(), request.uri().path())
    } else {
        None
    };
    let stored = match shared {
        Some(_) => {
            let (method, uri) = (request.method().clone(), request.uri().clone());
            state.stored.look_up(&state.store, &method, &uri).await
        }
        None => super::stored::Lookup::Pass,
    };
    if let super::stored::Lookup::Hit(page) = &stored {
        state.metrics.record_stored("sent");
        return super::stored::answer(page, request.headers());
    }
    let headers = request.headers();
    let mut viewer = None;
    let mut stale_session = false;
    let mut ended_session_of = None;
    let posting = request.method() == axum::http::Method::POST;
    if let Some(value) = &session_cookie {
        match token::parse_token(value) {
            Some(id) => match state
                .store
                .session_account(&id.digest(), unix_now(), state.config.session_idle_timeout)
                .await
            {
                Ok(Some(row)) => {
                    viewer = Some(Viewer {
                        account_id: row.account_id,
                        email: row.email,
                        display_name: row.display_name,
                        has_password: row.has_password,
                        session_id: row.public_id,
                        time_zone: row.time_zone,
                        unread_notifications: row.unread_notifications,
                    })
                }
                Ok(None) => {
                    stale_session = true;
                    // A form sent after the session ended: whose it was, to keep the answers.
                    if posting {
                        match state
                            .store
                            .ended_session_account(&id.digest(), unix_now())
                            .await
                        {
                            Ok(account) => ended_session_of = account,
                            Err(error) => {
                                tracing::warn!(cause = %error, "could not look up an ended session");
                            }
                        }
                    }
                }
                // Answering as if signed out would show the wrong page, or send a form to the
                // sign-in page: ask to try again instead.
                Err(error) if error.is_busy() => {
                    tracing::warn!(cause = %error, "the database was too busy to read the session: asked to try again");
                    return crate::pages::busy();
                }
                Err(error) => tracing::error!(cause = %error, "could not read the session"),
            },
            None => stale_session = true,
        }
    }
    let existing_csrf = cookies
        .read(headers, CSRF_COOKIE)
        .and_then(|v| token::parse_token(&v));
    let (csrf, new_csrf) = match existing_csrf {
        Some(csrf) => (csrf, false),
        None => match token::new_token() {
            Ok(csrf) => (csrf, true),
            Err(error) => {
                tracing::error!(cause = %error, "no CSRF token could be made");
                return crate::pages::AppError::Internal(error.into()).into_response();
            }
        },
    };
    let accept = stored_accept(&stored, request.headers());
    request.extensions_mut().insert(RequestAuth {
        viewer,
        csrf: csrf.clone(),
        public_authority: authority(&state.config.public_url),
        ended_session_of,
    });
    let mut response = next.run(request).await;
    // A page anyone may read, asked for by someone not signed in, is shared, and so gets no
    // cookie: the CSRF cookie waits for the first page with a form.
    if let Some(policy) = shared
        && super::caching::may_share(&response)
    {
        super::caching::share(&mut response, policy);
        if let super::stored::Lookup::Miss(pending) = stored {
            return state
                .stored
                .keep(&state.store, &state.metrics, pending, response, &accept)
                .await;
        }
        return response;
    }
    let headers = response.headers_mut();
    // A handler that signs in or out sets these cookies itself; do not undo what it set.
    if new_csrf && !sets_cookie(headers, &cookies.name(CSRF_COOKIE)) {
        append_cookie(
            headers,
            cookies.set(
                CSRF_COOKIE,
                csrf.expose(),
                Some(crate::auth::session::SESSION_COOKIE_AGE),
            ),
        );
    }
    if stale_session && !sets_cookie(headers, &cookies.name(SESSION_COOKIE)) {
        append_cookie(headers, cookies.remove(SESSION_COOKIE));
    }
    response
}

/// The request's `Accept-Encoding`, kept when its page is to be stored, to answer in kind.
fn stored_accept(stored: &super::stored::Lookup, headers: &HeaderMap) -> HeaderMap {
    let mut accept = HeaderMap::new();
    if let (super::stored::Lookup::Miss(_), Some(value)) =
        (stored, headers.get(axum::http::header::ACCEPT_ENCODING))
    {
        accept.insert(axum::http::header::ACCEPT_ENCODING, value.clone());
    }
    accept
}

fn sets_cookie(headers: &HeaderMap, name: &str) -> bool {
    let prefix = format!("{name}=");
    headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .any(|value| value.to_str().is_ok_and(|v| v.starts_with(&prefix)))
}

/// `https://q.example.org:8443/x` → `q.example.org:8443`.
fn authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or("").to_string()
}
