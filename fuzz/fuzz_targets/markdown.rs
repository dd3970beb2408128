//! Fuzzes the Markdown renderer with whatever bytes libFuzzer makes up: `cargo +nightly fuzz run
//! markdown` (see `fuzz/README.md`).
//!
//! The first byte chooses the heading level the content sits under (`render`) and the length to
//! cut at (`plain_text`); the rest, as UTF-8 (invalid sequences replaced), is the Markdown.
//! Neither function may panic; `plain_text` stays within its length; and the HTML `render` makes
//! must hold no `<script`, no event attribute (`on…=`) and no `javascript:`, `vbscript:` or
//! `data:` URL. Those words may appear as text, which is harmless, so the HTML is read tag by tag
//! rather than searched. The stable, always-run counterpart is the proptests in
//! `app/src/domain/markdown/tests.rs` (`any_string_renders_safely` and the XSS corpus).

#![no_main]

use libfuzzer_sys::fuzz_target;
use quorum::domain::markdown::{plain_text, render};

fuzz_target!(
    init: checker_catches_what_it_must(),
    |data: &[u8]| {
        let Some((&first, rest)) = data.split_first() else {
            return;
        };
        let source = String::from_utf8_lossy(rest);

        let html = render(&source, first % 8);
        if let Err(problem) = check(&html) {
            panic!("{problem}\nsource: {source:?}\nhtml: {html:?}");
        }

        let max_chars = usize::from(first);
        let text = plain_text(&source, max_chars);
        assert!(
            text.chars().count() <= max_chars,
            "plain_text is longer than {max_chars} characters: {text:?}"
        );
    }
);

/// Finds what could run a script in rendered HTML. Ammonia's serialiser escapes every `<` in text,
/// and writes attribute values double-quoted with `&`, `"` and no-break spaces escaped (a value
/// may hold a raw `>` or `<`), so every `<` opens a tag and a tag ends at the first `>` outside
/// quotes.
fn check(html: &str) -> Result<(), String> {
    if html.to_ascii_lowercase().contains("<script") {
        return Err("<script in the output".into());
    }
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let mut quoted = false;
        let close = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })
            .map(|(at, _)| at)
            .ok_or("a tag that never ends")?;
        let tag = &rest[..close];
        rest = &rest[close + 1..];
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        if name_end == 0 || !tag[..name_end].bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(format!("a raw `<` in text, or a malformed tag: <{tag}>"));
        }
        check_attributes(&tag[name_end..])?;
    }
    Ok(())
}

/// Checks the attributes of one tag, written `name="value"` (or a bare `name`).
fn check_attributes(mut rest: &str) -> Result<(), String> {
    loop {
        rest = rest.trim_start();
        if rest.is_empty() || rest == "/" {
            return Ok(());
        }
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        if name.starts_with("on") {
            return Err(format!("an event attribute: {name}"));
        }
        let Some(quoted) = rest.strip_prefix("=\"") else {
            if rest.starts_with('=') {
                return Err(format!("an unquoted value for {name}"));
            }
            continue;
        };
        let end = quoted.find('"').ok_or("an unterminated attribute value")?;
        let value = decode(&quoted[..end])?;
        rest = &quoted[end + 1..];
        // A title is text shown on hover; every other attribute could be followed as a URL.
        if name == "title" {
            continue;
        }
        // Browsers drop spaces and control characters around a URL and tabs and newlines in it.
        let squashed: String = value
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .flat_map(char::to_lowercase)
            .collect();
        for scheme in ["javascript:", "vbscript:", "data:"] {
            if squashed.starts_with(scheme) {
                return Err(format!("a {scheme} URL in {name}"));
            }
        }
    }
}

/// The value a browser reads from an attribute as the serialiser writes it. Only the references
/// it writes are expected; any other `&…;` (such as `&#9;` or `&colon;`, which a browser would
/// decode) means the output was not escaped as it should be, and is reported.
fn decode(raw: &str) -> Result<String, String> {
    const REFERENCES: [(&str, char); 5] = [
        ("&amp;", '&'),
        ("&quot;", '"'),
        ("&nbsp;", '\u{a0}'),
        ("&lt;", '<'),
        ("&gt;", '>'),
    ];
    let mut value = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        value.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let (reference, c) = REFERENCES
            .into_iter()
            .find(|(reference, _)| rest.starts_with(reference))
            .ok_or_else(|| format!("an unexpected `&` in an attribute value: {raw:?}"))?;
        value.push(c);
        rest = &rest[reference.len()..];
    }
    value.push_str(rest);
    Ok(value)
}

/// Runs once, before fuzzing: a checker that let these through would make the fuzzing worthless.
fn checker_catches_what_it_must() {
    for bad in [
        "<script>alert(1)</script>",
        "<p>x</p><SCRIPT src=x>",
        r#"<a href="javascript:alert(1)">x</a>"#,
        r#"<a href=" JaVa&#9;Script:alert(1)">x</a>"#,
        "<a href=\"java\tscript:alert(1)\">x</a>",
        r#"<a href="data:text/html,x">x</a>"#,
        r#"<p onclick="alert(1)">x</p>"#,
        r#"<a title="x" onmouseover="alert(1)">x</a>"#,
        "<p>1 < 2</p>",
        "<a href=javascript:alert(1)>x</a>",
    ] {
        assert!(check(bad).is_err(), "the checker lets {bad:?} through");
    }
    for good in [
        "<p>javascript:alert(1) and onclick=x are only words here</p>",
        "<p>&lt;script&gt; is text</p>",
        r#"<p><a href="https://example.org/?a=1&amp;b=2" title="javascript: a > b" rel="nofollow ugc noopener">x</a></p>"#,
        r#"<ol start="3"><li>x</li></ol><br><hr>"#,
    ] {
        assert_eq!(check(good), Ok(()), "the checker refuses {good:?}");
    }
}
