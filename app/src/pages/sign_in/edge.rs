//! The sign-in pages an edge worker answers itself, written out by `quorum edge-pages` when the
//! worker is built, so that the edge serves exactly this server's markup (and its stylesheet's
//! hashed name). Each page has placeholders the worker fills in, HTML-escaped.

use std::path::Path;

use super::link::{confirm_document, expired_document};
use super::too_many_document;
use crate::ui::PageContext;

/// Replaced by the masked address from the link.
pub const HINT: &str = "QUORUM-EDGE-HINT";
/// Replaced by the link's token.
pub const TOKEN: &str = "QUORUM-EDGE-TOKEN";
/// Replaced by the browser's CSRF token.
pub const CSRF: &str = "QUORUM-EDGE-CSRF";
/// Replaced by how long to wait ("2 minutes").
pub const WAIT: &str = "QUORUM-EDGE-WAIT";

/// Each page's file name and markup.
pub fn pages() -> [(&'static str, String); 3] {
    let context = |path: &str| PageContext {
        signed_in_as: None,
        csrf_token: CSRF.to_string(),
        path: path.to_string(),
        unread_notifications: 0,
    };
    [
        (
            "confirm.html",
            confirm_document(
                &context("/sign-in/link"),
                HINT.to_string(),
                TOKEN.to_string(),
            ),
        ),
        ("expired.html", expired_document(&context("/sign-in/link"))),
        (
            "too-many.html",
            too_many_document(&context("/sign-in"), WAIT.to_string()),
        ),
    ]
}

/// `quorum edge-pages --out DIR`: writes the pages into `dir`, and `headers.txt`, the headers
/// this server gives them.
pub fn write(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, markup) in pages() {
        std::fs::write(dir.join(name), markup)?;
    }
    std::fs::write(
        dir.join("headers.txt"),
        crate::server::sign_in_page_headers(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_survives_rendering_where_the_worker_expects_it() {
        let [(_, confirm), (_, expired), (_, too_many)] = pages();
        assert_eq!(confirm.matches(HINT).count(), 2, "lead and button");
        assert_eq!(confirm.matches(TOKEN).count(), 1);
        assert!(confirm.contains(&format!(r#"name="csrf_token" value="{CSRF}""#)));
        assert!(confirm.contains(r#"action="/sign-in/link""#));
        assert!(expired.contains("This sign-in link has expired"));
        assert!(!expired.contains(CSRF) && !too_many.contains(CSRF));
        assert_eq!(too_many.matches(WAIT).count(), 1);
    }

    #[test]
    fn the_edge_gets_the_headers_of_a_sign_in_page() {
        let headers = crate::server::sign_in_page_headers();
        for line in [
            "cache-control: no-store",
            "referrer-policy: no-referrer",
            "content-type: text/html; charset=utf-8",
            "x-frame-options: DENY",
            "x-content-type-options: nosniff",
        ] {
            assert!(headers.lines().any(|l| l == line), "{line} in {headers}");
        }
        assert!(headers.contains("content-security-policy: default-src 'none'"));
        assert!(headers.contains("strict-transport-security: "));
    }
}
