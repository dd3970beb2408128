//! Pages about the service itself: the accessibility statement, the privacy notice and the
//! privacy facts sheet.

pub mod accessibility;
pub mod privacy;
pub mod privacy_facts;
