//! Reading a posted form. A field may appear more than once (ticked checkboxes share a name), so
//! the body is kept as the ordered list of pairs the browser sent.
//!
//! Every post is read through `FormData`, and `FormData` checks the CSRF token and the origin
//! before a handler sees a single field: the protection cannot be forgotten on a new form.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};

use super::AppError;
use crate::auth::csrf;
use crate::auth::session::RequestAuth;

#[derive(Debug, Default, Clone)]
pub struct FormData(Vec<(String, String)>);

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

    pub fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
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
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let form = Self::parse(&body);
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
