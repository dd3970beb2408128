//! An HTML-only reply turned into Markdown: its words, paragraphs and line breaks, list items,
//! and links as `[text](url)`; never any HTML.
//!
//! Strategy: html5ever's tokenizer (already in the tree through ammonia) reads the HTML the way
//! a browser does, entities and broken markup included, and each token is turned into text
//! here; no tree is built. Everything that is not words a person wrote is left out: `<script>`,
//! `<style>`, `<head>` and the like with their content, and the quoted message mail programs
//! put in a `<blockquote>` (or Gmail's `gmail_quote`, Thunderbird's `moz-cite-prefix`); Outlook
//! puts the message replied to after a `divRplyFwdMsg` block, where reading stops. Characters
//! that mean something in Markdown (`*`, `_`, `[`, `]`, `` ` ``, `\`) are escaped with a
//! backslash, and `<` and `>` written as `&lt;` and `&gt;`, so text shows as the sender saw it
//! and can never become markup (nor look like a quote to `reply_text`). A
//! link keeps its address only for `http`, `https` and `mailto`; any other (`javascript:`,
//! `data:`…) is dropped and its text kept. The comment is then rendered by the same sanitising
//! Markdown renderer as every comment.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Elements whose content is never words of the reply.
const HIDDEN: [&str; 11] = [
    "script",
    "style",
    "head",
    "title",
    "template",
    "noscript",
    "object",
    "iframe",
    "svg",
    "math",
    "blockquote",
];

/// Classes (and ids) of the blocks mail programs wrap a quoted message or a signature in.
const QUOTE_MARKERS: [&str; 5] = [
    "gmail_quote",
    "gmail_signature",
    "moz-cite-prefix",
    "moz-signature",
    "yahoo_quoted",
];

/// Ids after which Outlook puts the message replied to: reading stops there.
const OUTLOOK_CUT: [&str; 2] = ["divRplyFwdMsg", "appendonsend"];

/// Elements that start and end a paragraph.
const PARAGRAPHS: [&str; 13] = [
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "hr", "address",
];

/// Elements that start and end a line.
const LINES: [&str; 6] = ["div", "tr", "dt", "dd", "section", "article"];

/// Elements that have no end tag.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param",
];

/// The Markdown of `html`'s words (see the module's doc).
pub fn to_markdown(html: &str) -> String {
    let sink = Sink::default();
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let state = tokenizer.sink.state.into_inner();
    tidy(&state.out)
}

#[derive(Default)]
struct Sink {
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    out: String,
    /// The element being skipped with its content, and how deeply it is nested in itself.
    skipping: Option<(String, u32)>,
    /// Everything after this point is the message replied to.
    done: bool,
    /// The address of the link being read (when it may be kept), and where its text starts.
    link: Option<(Option<String>, usize)>,
    /// Inside `<pre>`: white space is kept.
    pre: u32,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        if state.done {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::TagToken(tag) => return state.tag(&tag),
            Token::CharacterTokens(text) if state.skipping.is_none() => state.text(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

impl State {
    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        if let Some((skipped, depth)) = &mut self.skipping {
            if skipped.as_str() == name && !VOID.contains(&name) && !tag.self_closing {
                if start {
                    *depth += 1;
                } else {
                    *depth -= 1;
                }
                if *depth == 0 {
                    self.skipping = None;
                }
            }
            return TokenSinkResult::Continue;
        }
        if start {
            if attribute(tag, "id").is_some_and(|id| OUTLOOK_CUT.contains(&id.as_str())) {
                self.done = true;
                return TokenSinkResult::Continue;
            }
            let quoted = ["class", "id"].iter().any(|which| {
                attribute(tag, which).is_some_and(|value| {
                    value
                        .split_whitespace()
                        .any(|word| QUOTE_MARKERS.contains(&word))
                })
            });
            if (HIDDEN.contains(&name) || quoted) && !VOID.contains(&name) && !tag.self_closing {
                self.skipping = Some((name.to_string(), 1));
                // The tokenizer must read a script's or a style's content as text, not as tags.
                return match name {
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "noscript" | "iframe" => TokenSinkResult::RawData(RawKind::Rawtext),
                    "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                    _ => TokenSinkResult::Continue,
                };
            }
        }
        match (name, start) {
            ("br", _) if start => self.out.push('\n'),
            ("li", true) => {
                self.line();
                self.out.push_str("- ");
            }
            ("a", true) => {
                let href = attribute(tag, "href").and_then(|href| safe_url(&href));
                self.link = Some((href, self.out.len()));
            }
            ("a", false) => self.end_link(),
            ("img", true) => {
                if let Some(alt) = attribute(tag, "alt").filter(|alt| !alt.trim().is_empty()) {
                    self.text(&alt);
                }
            }
            ("pre", true) => {
                self.paragraph();
                self.pre += 1;
            }
            ("pre", false) => {
                self.pre = self.pre.saturating_sub(1);
                self.paragraph();
            }
            (name, _) if PARAGRAPHS.contains(&name) => self.paragraph(),
            (name, _) if LINES.contains(&name) || name == "li" => self.line(),
            _ => {}
        }
        TokenSinkResult::Continue
    }

    /// Words, with white space collapsed as a browser does (outside `<pre>`), and escaped.
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            if self.pre == 0 && c.is_whitespace() {
                let at_start = self.out.is_empty() || self.out.ends_with(['\n', ' ']);
                if !at_start {
                    self.out.push(' ');
                }
                continue;
            }
            match c {
                // As entities, so that no tag, not even an escaped one, is in the text.
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '\\' | '`' | '*' | '_' | '[' | ']' => {
                    self.out.push('\\');
                    self.out.push(c);
                }
                '\r' => {}
                c => self.out.push(c),
            }
        }
    }

    fn end_link(&mut self) {
        let Some((href, start)) = self.link.take() else {
            return;
        };
        let Some(href) = href else { return };
        let text = self.out.get(start..).unwrap_or_default().trim().to_string();
        if text.is_empty() {
            return;
        }
        self.out.truncate(start);
        self.out.push_str(&format!("[{text}]({href})"));
    }

    /// Starts a new line, unless at the start of one.
    fn line(&mut self) {
        trim_spaces(&mut self.out);
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    /// Starts a new paragraph, unless at the start of one.
    fn paragraph(&mut self) {
        self.line();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }
}

fn trim_spaces(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
}

/// The value of the attribute `name` of `tag`.
fn attribute(tag: &Tag, name: &str) -> Option<String> {
    tag.attrs
        .iter()
        .find(|attr| &*attr.name.local == name)
        .map(|attr| attr.value.to_string())
}

/// `href` when it is a web or mail address, written so that it cannot end the Markdown link
/// early: spaces, brackets and angle brackets percent-encoded.
fn safe_url(href: &str) -> Option<String> {
    let href = href.trim();
    let scheme = href.split_once(':')?.0.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "mailto") {
        return None;
    }
    let mut safe = String::with_capacity(href.len());
    for c in href.chars() {
        match c {
            ' ' => safe.push_str("%20"),
            '(' => safe.push_str("%28"),
            ')' => safe.push_str("%29"),
            '<' => safe.push_str("%3C"),
            '>' => safe.push_str("%3E"),
            '[' => safe.push_str("%5B"),
            ']' => safe.push_str("%5D"),
            '\\' => safe.push_str("%5C"),
            '"' => safe.push_str("%22"),
            c if c.is_control() || c.is_whitespace() => {}
            c => safe.push(c),
        }
    }
    Some(safe)
}

/// Lines without trailing spaces, at most one blank line in a row, none at either end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    #[test]
    fn paragraphs_lines_and_lists_are_kept() {
        assert_eq!(
            to_markdown(
                "<html><head><title>x</title></head><body><p>One  two\nthree</p><p>Four<br>five</p><ul><li>a</li><li>b</li></ul></body></html>"
            ),
            "One two three\n\nFour\nfive\n\n- a\n- b"
        );
        // Gmail writes a line per <div>, and a blank line as <div><br></div>.
        assert_eq!(
            to_markdown("<div dir=\"ltr\"><div>Hello</div><div><br></div><div>Bye</div></div>"),
            "Hello\n\nBye"
        );
    }

    #[test]
    fn links_become_markdown_links_only_for_web_and_mail_addresses() {
        assert_eq!(
            to_markdown(r#"<p>See <a href="https://example.org/a b(1)">the plan</a>.</p>"#),
            "See [the plan](https://example.org/a%20b%281%29)."
        );
        assert_eq!(
            to_markdown(
                r#"<a href="javascript:alert(1)">click</a> <a href="mailto:a@example.org">mail</a>"#
            ),
            "click [mail](mailto:a@example.org)"
        );
        assert_eq!(to_markdown(r#"<a href="https://x.org"></a>ok"#), "ok");
    }

    #[test]
    fn no_markup_survives_and_scripts_and_styles_go_with_their_content() {
        let markdown = to_markdown(
            "<style>p{color:red}</style><p onclick=\"x()\">Hi <b>there</b></p>\
             <script>alert('<p>1</p>')</script><p>&lt;script&gt;bad()&lt;/script&gt; *not bold*</p>\
             <iframe src=\"https://evil.example\">frame</iframe>",
        );
        assert_eq!(
            markdown,
            "Hi there\n\n&lt;script&gt;bad()&lt;/script&gt; \\*not bold\\*"
        );
        assert!(!markdown.contains("<script"));
        assert!(!markdown.contains("alert"));
    }

    #[test]
    fn quoted_messages_are_left_out() {
        let gmail = "<div dir=\"ltr\">Count me in.</div><br><div class=\"gmail_quote\">\
            <div dir=\"ltr\" class=\"gmail_attr\">On Mon, 3 Jun 2024, Ann wrote:<br></div>\
            <blockquote class=\"gmail_quote\"><div>Who comes? <div>nested</div></div></blockquote></div>";
        assert_eq!(to_markdown(gmail), "Count me in.");
        let apple = "<div>Yes.</div><div><br><blockquote type=\"cite\"><div>Question?</div>\
            <blockquote>older</blockquote><div>still quoted</div></blockquote></div><div>After.</div>";
        assert_eq!(to_markdown(apple), "Yes.\n\nAfter.");
        let outlook = "<div>Agreed.</div><div id=\"appendonsend\"></div><hr>\
            <div id=\"divRplyFwdMsg\"><b>From:</b> Quorum</div><div>The original</div>";
        assert_eq!(to_markdown(outlook), "Agreed.");
    }

    #[test]
    fn pre_keeps_its_spacing_and_images_their_text() {
        assert_eq!(
            to_markdown("<pre>a  b\n  c</pre><img src=\"x.png\" alt=\"A map\">"),
            "a  b\n  c\n\nA map"
        );
    }
}
