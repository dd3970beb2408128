//! Quorum: an accessible, privacy-respecting place for groups to discuss and decide together.
//!
//! Every page is complete HTML rendered on the server; every task is a plain form post followed
//! by a redirect. See the README for running it and `DESIGN` notes in module docs for the why.

pub mod assets;
pub mod auth;
pub mod config;
pub mod domain;
pub mod pages;
pub mod server;
pub mod store;
pub mod ui;

use store::Store;

/// What every request handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
}
