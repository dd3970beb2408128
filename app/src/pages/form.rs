//! Reading a posted form. A field may appear more than once (ticked checkboxes share a name), so
//! the body is kept as the ordered list of pairs the browser sent.
//!
//! Every post is read through `FormData`, and `FormData` checks the CSRF token and the origin
//! before a handler sees a single field: the protection cannot be forgotten on a new form.
//!
//! A form with files (`multipart/form-data`) is read the same way: its text fields as pairs, its
//! files kept aside with the name the browser gave. Its body may be as large as the files a post
//! may carry (`UploadLimit`), where any other form's stops at the server's small body limit.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};

use super::AppError;
use crate::auth::csrf;
use crate::auth::session::RequestAuth;

#[derive(Debug, Default, Clone)]
pub struct FormData(Vec<(String, String)>, Vec<Upload>);

/// A file sent with a form.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The form field it came in.
    pub field: String,
    /// Its name as the browser gave it: not to be trusted, and not yet cleaned.
    pub name: String,
    pub bytes: Bytes,
}

/// The largest body a form with files may have, set by the server from its file limits.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimit(pub usize);

impl FormData {
    /// The first value sent for `name`, or "" when there is none.
    pub fn text(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// The first value for `name` when present and not blank.
    pub fn choice(&self, name: &str) -> Option<String> {
        let value = self.text(name).trim();
        (!value.is_empty()).then(|| value.to_string())
    }

    /// Every value sent for `name`, in order, without repeats.
    pub fn all(&self, name: &str) -> Vec<String> {
        let mut values: Vec<String> = Vec::new();
        for (_, value) in self.0.iter().filter(|(key, _)| key == name) {
            if !values.contains(value) {
                values.push(value.clone());
            }
        }
        values
    }

    /// Every name and value, in the order sent.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.0
    }

    /// The files sent in `field`, leaving out the empty part a browser sends when none was
    /// chosen.
    pub fn files(&self, field: &str) -> impl Iterator<Item = &Upload> {
        self.1
            .iter()
            .filter(move |u| u.field == field && !(u.name.is_empty() && u.bytes.is_empty()))
    }

    pub fn parse(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body).into_owned().collect(),
            Vec::new(),
        )
    }

    /// Reads a `multipart/form-data` body already read whole.
    pub async fn read_multipart(
        bytes: Bytes,
        boundary: String,
        limit: usize,
    ) -> Result<Self, AppError> {
        Self::multipart(axum::body::Body::from(bytes), boundary, limit).await
    }

    /// Reads a `multipart/form-data` body of at most `limit` bytes.
    async fn multipart(
        body: axum::body::Body,
        boundary: String,
        limit: usize,
    ) -> Result<Self, AppError> {
        let constraints = multer::Constraints::new().size_limit(
            multer::SizeLimit::new().whole_stream(u64::try_from(limit).unwrap_or(u64::MAX)),
        );
        let mut multipart =
            multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
        let mut form = Self::default();
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(multer::Error::StreamSizeExceeded { .. }) => {
                    return Err(AppError::PayloadTooLarge);
                }
                Err(_) => return Err(AppError::BadRequest),
            };
            let name = field.name().unwrap_or_default().to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(|e| match e {
                multer::Error::StreamSizeExceeded { .. } => AppError::PayloadTooLarge,
                _ => AppError::BadRequest,
            })?;
            match file_name {
                Some(file_name) => form.1.push(Upload {
                    field: name,
                    name: file_name,
                    bytes,
                }),
                None => form
                    .0
                    .push((name, String::from_utf8_lossy(&bytes).into_owned())),
            }
        }
        Ok(form)
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        let auth = request.extensions().get::<RequestAuth>();
        let cookie_token = auth.map(|auth| auth.csrf.expose().to_string());
        let public_authority = auth
            .map(|auth| auth.public_authority.clone())
            .unwrap_or_default();
        let boundary = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.starts_with("multipart/form-data"))
            .and_then(|v| multer::parse_boundary(v).ok());
        let form = match boundary {
            Some(boundary) => {
                let limit = request
                    .extensions()
                    .get::<UploadLimit>()
                    .map_or(0, |limit| limit.0);
                Self::multipart(request.into_body(), boundary, limit).await?
            }
            None => {
                let body = Bytes::from_request(request, state)
                    .await
                    .map_err(|_| AppError::PayloadTooLarge)?;
                Self::parse(&body)
            }
        };
        csrf::check(
            &headers,
            &public_authority,
            cookie_token.as_deref(),
            form.text(csrf::FIELD),
        )
        .map_err(AppError::Forbidden)?;
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_are_all_kept_and_decoding_is_done() {
        let form = FormData::parse(b"name=Ann+Lee&topic=a&topic=b&topic=a&note=%C3%A9%26");
        assert_eq!(form.text("name"), "Ann Lee");
        assert_eq!(form.all("topic"), ["a", "b"]);
        assert_eq!(form.text("note"), "é&");
        assert_eq!(form.text("missing"), "");
        assert_eq!(form.choice("missing"), None);
    }

    #[test]
    fn garbage_never_panics() {
        let form = FormData::parse(b"%%%&&==\xff\xfe=%zz");
        assert_eq!(form.text("x"), "");
    }
}
