//! Signing in and staying signed in: one-time sign-in links and codes, optional passwords,
//! sessions, CSRF protection and rate limits. Secrets are made from the operating system's random
//! source, given to the user once, and stored only as digests or argon2id hashes.

pub mod csrf;
pub mod emails;
pub mod password;
pub mod rate_limit;
pub mod session;
pub mod token;
