//! Serving the embedded stylesheet, enhancement script and public files.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::assets::{PUBLIC_FILES, hashed_asset};
use crate::pages;

/// A file whose name changes with its content can be kept for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Files with fixed names are revalidated daily.
const DAILY: &str = "public, max-age=86400";

pub fn router() -> Router<AppState> {
    let mut router = Router::new().route("/assets/{file}", get(hashed));
    for file in &PUBLIC_FILES {
        router = router.route(
            file.path,
            get(move || async move {
                (
                    StatusCode::OK,
                    [
                        (header::CONTENT_TYPE, file.content_type),
                        (header::CACHE_CONTROL, DAILY),
                    ],
                    file.body,
                )
                    .into_response()
            }),
        );
    }
    router
}

/// Only the current names of the stylesheet and the script are served; an old or made-up name is
/// a 404, so a stale name can never be cached for a year with the wrong content. Each is sent as
/// compressed at start-up, in the best encoding the browser accepts (the compression layer leaves
/// an encoded body be).
async fn hashed(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = hashed_asset(&format!("/assets/{file}")) else {
        return pages::not_found();
    };
    let (encoding, body): (Option<&str>, &'static [u8]) = if accepts(&headers, "br") {
        (Some("br"), &asset.brotli)
    } else if accepts(&headers, "gzip") {
        (Some("gzip"), &asset.gzip)
    } else {
        (None, asset.body.as_bytes())
    };
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, IMMUTABLE),
            (header::VARY, "accept-encoding"),
        ],
        body,
    )
        .into_response();
    if let Some(encoding) = encoding {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// Whether `Accept-Encoding` allows `coding` (named, or `*`, with a quality above zero).
pub(crate) fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next()?;
            let quality = parts
                .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .map_or(Some(1.0), |q| q.parse::<f32>().ok())?;
            Some((name.to_ascii_lowercase(), quality))
        })
        .any(|(name, quality)| (name == coding || name == "*") && quality > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn accepted_encodings_are_read_with_their_quality() {
        assert!(accepts(&with("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&with("gzip;q=1.0, br;q=0.5"), "br"));
        assert!(!accepts(&with("gzip, br;q=0"), "br"));
        assert!(accepts(&with("gzip, br;q=0"), "gzip"));
        assert!(accepts(&with("*"), "br"));
        assert!(!accepts(&with("identity"), "gzip"));
        assert!(!accepts(&HeaderMap::new(), "br"));
    }
}
