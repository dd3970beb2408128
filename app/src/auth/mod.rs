//! Sign-in and sessions: sign-in requests, one-time codes, sessions and optional passwords.
//!
//! Each concern has its own module; the rules they follow are in DESIGN.md, "Sign-in and
//! sessions".

pub mod password;
