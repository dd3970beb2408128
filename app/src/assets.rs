//! Files the binary carries inside itself, so that a self-hoster runs one file: the stylesheet
//! (built from `style/`, served under a content-hashed name so it can be cached for a year) and
//! the few files in `public/`.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// The style sources, in cascade order. Tokens first, then the base, then one block a component.
const STYLE_SOURCES: [&str; 4] = [
    include_str!("../../style/tokens.css"),
    include_str!("../../style/base.css"),
    include_str!("../../style/layout.css"),
    include_str!("../../style/components.css"),
];

/// The stylesheet with its content-hashed path, and its bytes compressed once, at the highest
/// quality, so that no request pays to compress it again.
pub struct Stylesheet {
    pub body: String,
    pub path: String,
    pub brotli: Vec<u8>,
    pub gzip: Vec<u8>,
}

/// Built once, on first use. Comments and blank lines are dropped: they cost bytes on every
/// first visit and say nothing to a browser.
pub static STYLESHEET: LazyLock<Stylesheet> = LazyLock::new(|| {
    let body = minify_css(&STYLE_SOURCES.concat());
    let digest = Sha256::digest(body.as_bytes());
    let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    Stylesheet {
        path: format!("/assets/quorum-{hash}.css"),
        brotli: brotli_of(body.as_bytes()),
        gzip: gzip_of(body.as_bytes()),
        body,
    }
});

/// `bytes` compressed with brotli at quality 11, the smallest it makes.
fn brotli_of(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
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
    fn minify_keeps_rules_and_drops_comments() {
        let css = "/* a */\n  a {\n    color: red; /* b */\n  }\n\n";
        assert_eq!(minify_css(css), "a {\ncolor: red;\n}");
    }
}
