//! The page shell every page is rendered in.
//!
//! Accessibility: `<html lang="en">`; a unique `<title>` that starts with `Error: ` when the page
//! shows form errors (so a screen reader says so first); a skip link that is the first thing Tab
//! reaches and moves focus to `<main id="main" tabindex="-1">`; landmarks for the header
//! (banner), primary navigation (labelled "Primary"), main and footer (contentinfo); the current
//! navigation item marked with `aria-current="page"`. Works the same with CSS and JavaScript off:
//! the order of the source is the reading and Tab order.
//!
//! The head links the one enhancement script, `defer`red so it never holds up the page and runs
//! only once the document is whole. It adds to a few form controls (a character count, the dot
//! vote's running total); nothing on a page waits for it or needs it.

use leptos::prelude::*;

use super::PageContext;
use super::breadcrumbs::{Breadcrumbs, Crumb};
use crate::assets::{SCRIPT, STYLESHEET};

/// Which primary navigation item, if any, the page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavArea {
    Home,
    Groups,
    Dashboard,
    Design,
    Account,
    Notifications,
    SignIn,
}

const PRIMARY_NAV: [(NavArea, &str, &str); 3] = [
    (NavArea::Home, "/", "Home"),
    (NavArea::Groups, "/groups", "Groups"),
    (NavArea::Design, "/design", "Design examples"),
];

/// A complete HTML document around `children`.
#[component]
pub fn Page(
    /// The page's own name, usually the text of its `h1`; " – Quorum" is added.
    #[prop(into)]
    title: String,
    /// True when the page shows form errors: the title then starts with "Error: ".
    #[prop(optional)]
    has_errors: bool,
    /// The primary navigation item to mark as current.
    #[prop(optional)]
    area: Option<NavArea>,
    /// The trail from the home page to this page's parent, then this page.
    #[prop(optional)]
    breadcrumbs: Vec<Crumb>,
    children: Children,
) -> impl IntoView {
    let prefix = if has_errors { "Error: " } else { "" };
    let full_title = format!("{prefix}{title} – Quorum");
    let nav_items = PRIMARY_NAV
        .iter()
        .map(|(item, href, label)| {
            let current = (area == Some(*item)).then_some("page");
            view! { <li><a class="q-nav__link" href=*href aria-current=current>{*label}</a></li> }
        })
        .collect_view();
    let ctx = use_context::<PageContext>().unwrap_or_default();
    let account_items = match &ctx.signed_in_as {
        Some(name) => {
            let current = (area == Some(NavArea::Account)).then_some("page");
            let dashboard = (area == Some(NavArea::Dashboard)).then_some("page");
            let notifications = (area == Some(NavArea::Notifications)).then_some("page");
            let notifications_text = match ctx.unread_notifications {
                0 => "Notifications".to_string(),
                n @ 1..100 => format!("Notifications, {n} unread"),
                _ => "Notifications, 100 or more unread".to_string(),
            };
            view! {
                <li><a class="q-nav__link" href="/dashboard" aria-current=dashboard>"Your groups"</a></li>
                <li><a class="q-nav__link" href="/notifications" aria-current=notifications>{notifications_text}</a></li>
                <li><a class="q-nav__link" href="/account" aria-current=current>"Your account"<span class="q-visually-hidden">" ("{name.clone()}")"</span></a></li>
                <li>
                    <form class="q-nav__form" method="post" action="/sign-out">
                        <input type="hidden" name="csrf_token" value=ctx.csrf_token.clone()/>
                        <button class="q-nav__button" type="submit">"Sign out"</button>
                    </form>
                </li>
            }
            .into_any()
        }
        None => {
            let current = (area == Some(NavArea::SignIn)).then_some("page");
            let href = sign_in_href(&ctx.path);
            view! { <li><a class="q-nav__link" href=href aria-current=current>"Sign in"</a></li> }
                .into_any()
        }
    };
    let crumbs = (!breadcrumbs.is_empty()).then(|| view! { <Breadcrumbs crumbs=breadcrumbs/> });

    view! {
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{full_title}</title>
                <link rel="stylesheet" href=STYLESHEET.path.as_str()/>
                <script src=SCRIPT.path.as_str() defer=true></script>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
            </head>
            <body>
                <a class="q-skip-link" href="#main">"Skip to main content"</a>
                <header class="q-header">
                    <div class="q-width q-header__inner">
                        <a class="q-header__name" href="/">"Quorum"<span class="q-visually-hidden">" home page"</span></a>
                        <nav class="q-nav" aria-label="Primary">
                            <ul class="q-nav__list">{nav_items}{account_items}</ul>
                        </nav>
                    </div>
                </header>
                <div class="q-width">
                    {crumbs}
                    <main id="main" class="q-main" tabindex="-1">{children()}</main>
                </div>
                <footer class="q-footer">
                    <div class="q-width">
                        <h2 class="q-visually-hidden">"Support links"</h2>
                        <ul class="q-footer__list">
                            <li><a href="/accessibility">"Accessibility statement"</a></li>
                            <li><a href="/privacy">"Privacy notice"</a></li>
                        </ul>
                        <p>"Quorum is free software for groups that discuss and decide together."</p>
                    </div>
                </footer>
            </body>
        </html>
    }
}

/// The sign-in link, bringing people back to the page they were on.
fn sign_in_href(path: &str) -> String {
    // Pages reached by a one-time link carry its token in their path: never copy it into `next`.
    if path.is_empty()
        || path == "/"
        || path.starts_with("/sign-in")
        || path.starts_with("/account/email/confirm")
        || path.starts_with("/invitations/")
    {
        "/sign-in".to_string()
    } else {
        let encoded: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
        format!("/sign-in?next={encoded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::render_document;

    fn page(has_errors: bool) -> String {
        render_document(&PageContext::default(), move || {
            view! { <Page title="Example" has_errors=has_errors area=NavArea::Design><h1>"Example"</h1></Page> }
        })
    }

    #[test]
    fn the_skip_link_comes_first_and_targets_main() {
        let html = page(false);
        let body = &html[html.find("<body>").unwrap()..];
        let first_link = body.find("<a ").unwrap();
        assert!(body[first_link..].starts_with(r##"<a class="q-skip-link" href="#main">"##));
        assert!(html.contains(r#"<main id="main" tabindex="-1" class="q-main">"#));
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    }

    #[test]
    fn the_head_links_the_one_script_deferred() {
        let html = page(false);
        let head = &html[..html.find("</head>").unwrap()];
        let tag = format!(r#"<script src="{}" defer></script>"#, SCRIPT.path);
        assert!(head.contains(&tag), "{head}");
        assert_eq!(html.matches("<script").count(), 1, "{html}");
    }

    #[test]
    fn the_title_is_prefixed_with_error_only_when_there_are_errors() {
        assert!(page(false).contains("<title>Example – Quorum</title>"));
        assert!(page(true).contains("<title>Error: Example – Quorum</title>"));
    }

    #[test]
    fn the_current_area_is_marked_for_assistive_technology() {
        let html = page(false);
        assert!(
            html.contains(r#"href="/design" aria-current="page""#),
            "{html}"
        );
        assert!(!html.contains(r#"href="/" aria-current"#));
    }

    #[test]
    fn signed_in_people_get_their_account_and_a_sign_out_button() {
        let ctx = PageContext {
            signed_in_as: Some("Ann".into()),
            csrf_token: "t".into(),
            path: "/x".into(),
            unread_notifications: 3,
        };
        let html = render_document(&ctx, || view! { <Page title="X"><h1>"X"</h1></Page> });
        assert!(html.contains(r#"<a href="/account" class="q-nav__link">Your account<span class="q-visually-hidden"> (Ann)</span></a>"#), "{html}");
        // The unread count is part of the link's text, so a screen reader says it.
        assert!(
            html.contains(
                r#"<a href="/notifications" class="q-nav__link">Notifications, 3 unread</a>"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"<form method="post" action="/sign-out" class="q-nav__form"><input type="hidden" name="csrf_token" value="t">"#), "{html}");
        let ctx = PageContext {
            path: "/design/forms".into(),
            ..PageContext::default()
        };
        let html = render_document(&ctx, || view! { <Page title="X"><h1>"X"</h1></Page> });
        assert!(
            html.contains(r#"href="/sign-in?next=%2Fdesign%2Fforms""#),
            "{html}"
        );
    }
}
