//! `/design/…`: the living examples of Quorum's components and form pattern. Every later form is
//! built the way `forms.rs` is, and every component is shown in `components.rs`, where the browser
//! suite checks it.

pub mod components;
pub mod forms;
pub mod index;

use crate::ui::Crumb;

/// The breadcrumb trail for a page under `/design`.
fn crumbs(current: &str) -> Vec<Crumb> {
    vec![
        Crumb::link("Home", "/"),
        Crumb::link("Design examples", "/design"),
        Crumb::current(current),
    ]
}
