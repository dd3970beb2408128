//! Pages about the service itself: the accessibility statement and the privacy notice.

pub mod accessibility;
pub mod privacy;
