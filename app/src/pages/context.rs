//! The request facts every page handler needs: who is signed in, the CSRF token, the path, the
//! client's address and whether the request only reads.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;

use super::{AppError, ClientIp};
use crate::AppState;
use crate::auth::session::{RequestAuth, Viewer};
use crate::ui::PageContext;

#[derive(Debug, Clone)]
pub struct Ctx {
    pub viewer: Option<Viewer>,
    pub csrf_token: String,
    pub path: String,
    /// The client's address, for the audit log.
    pub ip: IpAddr,
    /// A GET or HEAD: the request reads a page and changes nothing.
    pub reading: bool,
}

impl Ctx {
    /// What the component kit needs to render the page shell and forms.
    pub fn page(&self) -> PageContext {
        PageContext {
            signed_in_as: self.viewer.as_ref().map(|v| v.name().to_string()),
            csrf_token: self.csrf_token.clone(),
            path: self.path.clone(),
            unread_notifications: self.viewer.as_ref().map_or(0, |v| v.unread_notifications),
        }
    }

    /// The signed-in person, or the redirect to sign in and come back here.
    pub fn require_viewer(&self) -> Result<&Viewer, AppError> {
        self.viewer
            .as_ref()
            .ok_or_else(|| AppError::SignInRequired(self.path.clone()))
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        let auth = parts
            .extensions
            .get::<RequestAuth>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the auth layer did not run")))?;
        Ok(Self {
            viewer: auth.viewer,
            csrf_token: auth.csrf.expose().to_string(),
            path: parts.uri.path().to_string(),
            ip,
            reading: parts.method == Method::GET || parts.method == Method::HEAD,
        })
    }
}
