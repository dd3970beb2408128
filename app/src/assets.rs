//! Files the binary carries inside itself, so that a self-hoster runs one file: the stylesheet
//! (built from `style/`) and the enhancement script (`public/enhance.js`), each served under a
//! content-hashed name so it can be cached for a year, and the few other files in `public/`.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// The style sources, in cascade order. Tokens first, then the base, then one block a component.
const STYLE_SOURCES: [&str; 4] = [
    include_str!("../../style/tokens.css"),
    include_str!("../../style/base.css"),
    include_str!("../../style/layout.css"),
    include_str!("../../style/components.css"),
];

/// The progressive enhancements: one small script, deferred, that no page needs (see the
/// comment at its top for what it does).
const SCRIPT_SOURCE: &str = include_str!("../../public/enhance.js");

/// A file with its content-hashed path, and its bytes compressed once, at the highest quality,
/// so that no request pays to compress it again.
pub struct HashedAsset {
    pub body: String,
    pub path: String,
    pub content_type: &'static str,
    pub brotli: Vec<u8>,
    pub gzip: Vec<u8>,
}

impl HashedAsset {
    /// `body` served as `/assets/quorum-<hash>.<extension>`.
    fn new(body: String, extension: &str, content_type: &'static str) -> Self {
        let digest = Sha256::digest(body.as_bytes());
        let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
        Self {
            path: format!("/assets/quorum-{hash}.{extension}"),
            content_type,
            brotli: brotli_of(body.as_bytes(), 11),
            gzip: gzip_of(body.as_bytes()),
            body,
        }
    }
}

/// Built once, on first use. Comments and blank lines are dropped: they cost bytes on every
/// first visit and say nothing to a browser.
pub static STYLESHEET: LazyLock<HashedAsset> = LazyLock::new(|| {
    HashedAsset::new(
        minify_css(&STYLE_SOURCES.concat()),
        "css",
        "text/css; charset=utf-8",
    )
});

/// Built once, on first use, and sent as written: there is no build step for it, and its
/// comments (which say why each behaviour is there) cost little once compressed.
pub static SCRIPT: LazyLock<HashedAsset> = LazyLock::new(|| {
    HashedAsset::new(
        SCRIPT_SOURCE.to_string(),
        "js",
        "text/javascript; charset=utf-8",
    )
});

/// The hashed assets, by the path they are served at.
pub fn hashed_asset(path: &str) -> Option<&'static HashedAsset> {
    [&*STYLESHEET, &*SCRIPT]
        .into_iter()
        .find(|asset| asset.path == path)
}

/// `bytes` compressed with brotli at `quality` (11 makes the smallest).
pub(crate) fn brotli_of(bytes: &[u8], quality: i32) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality,
        ..Default::default()
    };
    // Writing into memory cannot fail.
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out
}

/// `bytes` compressed with gzip at its best level.
fn gzip_of(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into memory cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// A file from `public/`, served at the root under its own name.
pub struct PublicFile {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

pub const PUBLIC_FILES: [PublicFile; 2] = [
    PublicFile {
        path: "/robots.txt",
        content_type: "text/plain; charset=utf-8",
        body: include_bytes!("../../public/robots.txt"),
    },
    PublicFile {
        path: "/favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../public/favicon.svg"),
    },
];

/// Removes `/* … */` comments, indentation and empty lines. Deliberately simple: the sources
/// contain no strings with `/*` in them (a test below holds that).
fn minify_css(source: &str) -> String {
    let mut without_comments = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find("/*") {
        without_comments.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => rest = "",
        }
    }
    without_comments.push_str(rest);
    without_comments
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheet_path_changes_with_content_and_has_no_comments() {
        assert!(STYLESHEET.path.starts_with("/assets/quorum-"));
        assert!(STYLESHEET.path.ends_with(".css"));
        assert!(!STYLESHEET.body.contains("/*"));
        assert!(STYLESHEET.body.contains(".q-skip-link"));
    }

    #[test]
    fn the_script_is_hashed_apart_from_the_stylesheet() {
        assert!(SCRIPT.path.starts_with("/assets/quorum-"));
        assert!(SCRIPT.path.ends_with(".js"));
        assert_eq!(SCRIPT.body, SCRIPT_SOURCE);
        assert!(std::ptr::eq(hashed_asset(&SCRIPT.path).unwrap(), &*SCRIPT));
        assert!(std::ptr::eq(
            hashed_asset(&STYLESHEET.path).unwrap(),
            &*STYLESHEET
        ));
        assert!(hashed_asset("/assets/quorum.js").is_none());
    }

    #[test]
    fn minify_keeps_rules_and_drops_comments() {
        let css = "/* a */\n  a {\n    color: red; /* b */\n  }\n\n";
        assert_eq!(minify_css(css), "a {\ncolor: red;\n}");
    }
}
