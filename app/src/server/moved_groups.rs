//! Old addresses of renamed groups: a page of `/g/<old handle>` that is not found leads on, with
//! a permanent redirect, to the same page under the group's new handle, while the old handle is
//! reserved for the group (see `store::HANDLE_RESERVED_FOR`). Only for groups anybody may know
//! of: a secret group's new handle is never told to someone who knew the old one.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

pub async fn follow(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let reading = matches!(*request.method(), Method::GET | Method::HEAD);
    let uri = request.uri().clone();
    let response = next.run(request).await;
    if !reading || response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    let Some((handle, rest)) = group_path(uri.path()) else {
        return response;
    };
    match state
        .store
        .moved_group(handle, crate::store::unix_now())
        .await
    {
        Ok(Some(new)) => {
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            let location = format!("/g/{new}{rest}{query}");
            (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response()
        }
        Ok(None) => response,
        Err(error) => {
            tracing::warn!(cause = %error, "cannot look up a group's former handle");
            response
        }
    }
}

/// `("old", "/threads")` from `/g/old/threads`.
fn group_path(path: &str) -> Option<(&str, &str)> {
    let after = path.strip_prefix("/g/")?;
    let (handle, rest) = after.find('/').map_or((after, ""), |at| after.split_at(at));
    (!handle.is_empty()).then_some((handle, rest))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_handle_and_the_rest_of_the_path_are_told_apart() {
        assert_eq!(super::group_path("/g/old"), Some(("old", "")));
        assert_eq!(
            super::group_path("/g/old/threads/new"),
            Some(("old", "/threads/new"))
        );
        assert_eq!(super::group_path("/g/"), None);
        assert_eq!(super::group_path("/groups"), None);
    }
}
