//! Quorum: an accessible, privacy-respecting place for groups to discuss and decide together.
//!
//! Every page is complete HTML rendered on the server; every task is a plain form post followed
//! by a redirect. See the README for running it.

pub mod assets;
pub mod auth;
pub mod backup;
pub mod config;
pub mod domain;
pub mod export;
pub mod group_export;
pub mod inbound;
pub mod mail;
pub mod metrics;
pub mod notice;
pub mod notify;
pub mod operator;
pub mod pages;
pub mod seed;
pub mod server;
pub mod storage;
pub mod store;
pub mod ui;
pub mod zip;

use std::sync::Arc;

use auth::rate_limit::Limits;
use auth::session::CookiePolicy;
use store::Store;

/// What every request handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub mailer: mail::Mailer,
    pub config: Arc<RuntimeConfig>,
    pub limits: Limits,
    /// What `/metrics` reports: counted by requests, the mail sender and the timed jobs.
    pub metrics: Arc<metrics::Metrics>,
    /// Renderings of pages anyone may read, kept until what they show changes.
    pub stored: Arc<server::stored::StoredPages>,
}

/// Settings worked out at start-up.
#[derive(Debug)]
pub struct RuntimeConfig {
    /// The address people use, without a trailing slash, such as `https://quorum.example.org`.
    pub public_url: String,
    pub cookies: CookiePolicy,
    /// Seconds a session may go unused before it ends; `None` for no idle timeout.
    pub session_idle_timeout: Option<i64>,
    /// A reverse proxy whose `X-Forwarded-For` names the client.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// Key for hashing email addresses in the audit log.
    pub audit_key: String,
    /// Seconds an audit log line is kept before the housekeeping job deletes it.
    pub audit_retention: i64,
    /// Keys that sign and check sign-in links (shared with an edge worker, if there is one).
    pub link_keys: magic_link::KeyRing,
    /// Where personal exports are kept until fetched: `exports` in the data folder.
    pub exports_dir: std::path::PathBuf,
    /// Key for the tokens notification emails carry (one-click unsubscribe, reply address).
    pub mail_key: String,
    /// The domain of reply addresses, when reply by email is on.
    pub reply_domain: Option<String>,
    /// Opens `POST /inbound/email` (reply by email); without it the endpoint is closed.
    pub inbound_secret: Option<inbound::http::InboundSecret>,
    /// Where attached files' bytes are kept.
    pub files: storage::FileStorage,
    /// How large and how many attached files may be.
    pub file_limits: domain::files::Limits,
    /// Opens `/metrics`; without it the page is closed.
    pub metrics_token: Option<server::metrics::MetricsToken>,
}
