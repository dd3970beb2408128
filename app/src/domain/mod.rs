//! Pure rules of Quorum: no SQL, no HTTP, no markup. Everything here can be tested on its own.

pub mod time;
pub mod validation;
