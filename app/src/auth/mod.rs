//! Signing in and staying signed in: one-time sign-in links and codes, optional passwords,
//! sessions, CSRF protection and rate limits. Secrets are made from the operating system's random
//! source, given to the user once, and stored only as digests or argon2id hashes.

pub mod csrf;
pub mod emails;
pub mod password;
pub mod rate_limit;
pub mod session;
pub mod token;

/// A keyed hash (HMAC-SHA-256, hex) of `value`: a stable name for something that must not be
/// stored in clear, such as an email address in the audit log or a rate-limit bucket.
pub fn keyed_hash(key: &str, value: &str) -> String {
    use hmac::{Hmac, Mac};
    match Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()) {
        Ok(mut mac) => {
            mac.update(value.as_bytes());
            mac.finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        }
        Err(_) => String::new(),
    }
}
