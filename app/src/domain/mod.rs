//! Pure rules of Quorum: no SQL, no HTTP, no views. Everything here can be tested on its own.

pub mod groups;
pub mod markdown;
pub mod permissions;
pub mod polls;
pub mod threads;
pub mod time;
pub mod validation;
