//! The request facts every page handler needs: who is signed in, the CSRF token, and the path.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::AppError;
use crate::auth::session::{RequestAuth, Viewer};
use crate::ui::PageContext;

#[derive(Debug, Clone)]
pub struct Ctx {
    pub viewer: Option<Viewer>,
    pub csrf_token: String,
    pub path: String,
}

impl Ctx {
    /// What the component kit needs to render the page shell and forms.
    pub fn page(&self) -> PageContext {
        PageContext {
            signed_in_as: self.viewer.as_ref().map(|v| v.name().to_string()),
            csrf_token: self.csrf_token.clone(),
            path: self.path.clone(),
        }
    }

    /// The signed-in person, or the redirect to sign in and come back here.
    pub fn require_viewer(&self) -> Result<&Viewer, AppError> {
        self.viewer
            .as_ref()
            .ok_or_else(|| AppError::SignInRequired(self.path.clone()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let auth = parts
            .extensions
            .get::<RequestAuth>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the auth layer did not run")))?;
        Ok(Self {
            viewer: auth.viewer,
            csrf_token: auth.csrf.expose().to_string(),
            path: parts.uri.path().to_string(),
        })
    }
}
