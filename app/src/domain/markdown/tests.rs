use super::*;
use proptest::prelude::*;

/// One tag of rendered output, as a browser would lex it.
#[derive(Debug)]
struct Lexed {
    closing: bool,
    name: String,
    attributes: Vec<(String, String)>,
}

/// A tiny lexer for the HTML that ammonia writes: text never holds a raw `<` (html5ever escapes
/// it), so every `<` starts a tag, and attribute values are double-quoted with `&amp;` and
/// `&quot;` escaped. Anything else is reported as an error rather than skipped.
fn lex(html: &str) -> Result<Vec<Lexed>, String> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let closing = rest.starts_with('/');
        rest = rest.strip_prefix('/').unwrap_or(rest);
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .ok_or_else(|| format!("unterminated tag in {html:?}"))?;
        if name_len == 0 {
            return Err(format!("raw `<` in text: {html:?}"));
        }
        let name = rest[..name_len].to_ascii_lowercase();
        rest = &rest[name_len..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            let attr_len = rest
                .find(|c: char| c == '=' || c == '>' || c.is_whitespace())
                .ok_or_else(|| format!("unterminated attribute in {html:?}"))?;
            let attr = rest[..attr_len].to_ascii_lowercase();
            rest = &rest[attr_len..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix("=\"") {
                let end = after
                    .find('"')
                    .ok_or_else(|| format!("unterminated value in {html:?}"))?;
                value = decode(&after[..end]);
                rest = &after[end + 1..];
            } else if rest.starts_with('=') {
                return Err(format!("unquoted attribute value in {html:?}"));
            }
            attributes.push((attr, value));
        }
        tags.push(Lexed {
            closing,
            name,
            attributes,
        });
    }
    Ok(tags)
}

/// Undoes the character references a serialiser may write in an attribute value.
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Tags nothing rendered may ever contain, whatever the allow-list says.
const FORBIDDEN_TAGS: [&str; 11] = [
    "script", "img", "iframe", "object", "embed", "style", "svg", "form", "meta", "link", "base",
];

/// Every way rendered markdown could run a script or load something, checked on the lexed tags.
fn check_safe(html: &str) -> Result<(), String> {
    if html.to_ascii_lowercase().contains("<script") {
        return Err(format!("<script in {html:?}"));
    }
    for tag in lex(html)? {
        if FORBIDDEN_TAGS.contains(&tag.name.as_str()) {
            return Err(format!("forbidden <{}> in {html:?}", tag.name));
        }
        if !ALLOWED_TAGS.split(' ').any(|allowed| allowed == tag.name) {
            return Err(format!("unexpected <{}> in {html:?}", tag.name));
        }
        for (name, value) in &tag.attributes {
            if name.starts_with("on") {
                return Err(format!("event attribute {name} in {html:?}"));
            }
            if !["href", "title", "rel", "start"].contains(&name.as_str()) {
                return Err(format!("unexpected attribute {name} in {html:?}"));
            }
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                if squashed.starts_with(scheme) {
                    return Err(format!("{scheme} in {name} in {html:?}"));
                }
            }
            if name == "href" && !allowed_destination(value) {
                return Err(format!("href with a disallowed scheme in {html:?}"));
            }
        }
        if tag.name == "a" && !tag.closing {
            let rel = tag.attributes.iter().find(|(name, _)| name == "rel");
            if !matches!(rel, Some((_, value)) if value == LINK_REL) {
                return Err(format!("link without rel={LINK_REL:?} in {html:?}"));
            }
        }
    }
    Ok(())
}

/// Payloads in the style of the OWASP XSS filter evasion cheat sheet, as raw HTML and as markdown.
const XSS_CORPUS: &[&str] = &[
    // Script tags, plain and mangled.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<script/xss src=x></script>",
    "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script",
    "<svg><script>alert(1)</script></svg>",
    "\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E",
    // Images and their event attributes.
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<img src=`x` onerror=`alert(1)`>",
    "<img src=x onerror=alert(1)",
    "<img src=x onerror=\\u0061lert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
    // SVG, body and other event attributes in every form.
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<body onload=alert(1)>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\">",
    "<marquee onstart=alert(1)>",
    "<xss onafterscriptexecute=alert(1)>",
    "<a href=\"x\" onclick=\"alert(1)\">x</a>",
    "<a href=\"x\"\tONCLICK='alert(1)'>x</a>",
    "<a href=x onmouseover=alert(1)//>x</a>",
    // Frames, objects, forms, meta, link, base.
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<object type=\"text/x-scriptlet\" data=\"http://xss.rocks/scriptlet.html\"></object>",
    "<embed src=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">",
    "<EMBED SRC=\"http://ha.ckers.org/xss.swf\" AllowScriptAccess=\"always\"></EMBED>",
    "<form><button formaction=\"javascript:alert(1)\">x</button></form>",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    "<math href=\"javascript:alert(1)\">x</math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    // Style and expression().
    "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    // Raw anchors with obfuscated schemes.
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    "<a href=\"&#14;javascript:alert(1)\">x</a>",
    "<a href=javas&#99;ript:alert(1)>x</a>",
    "<a href=\"javascript:alert(1)\"",
    // Comments and parser differentials.
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    // Null bytes.
    "\u{0}<script>alert(1)</script>",
    "<scr\u{0}ipt>alert(1)</script>",
    "[x](\u{0}javascript:alert(1))",
    // Markdown links with bad schemes, plain and obfuscated.
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript:alert(1) \"t\")",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](javas&#99;ript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](<java\nscript:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](java%0ascript:alert(1))",
    "[x](javascript:\\u0061lert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[a](https://example.org)[c](javascript:d)",
    // Autolinks.
    "<javascript:alert(1)>",
    "<JavaScript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,x>",
    "<mailto:javascript:alert(1)>",
    "<https://example.org/\" onclick=\"alert(1)>",
    // Reference links.
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]: javascript:alert(1) \"title\"",
    "[x]\n\n[x]: <javascript:alert(1)>",
    "[x][r]\n\n[r]: &#106;avascript:alert(1)",
    // Images in markdown.
    "![x](javascript:alert(1))",
    "![x\" onerror=\"alert(1)](https://example.org/a.png)",
    "![x](https://example.org/a.png \"\\\" onerror=\\\"alert(1)\")",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    // Link titles and destinations with quotes.
    "[x](https://example.org \"\\\" onmouseover=\\\"alert(1)\")",
    "[x](https://example.org 'a\\' onclick=alert(1)')",
    "[x](https://example.org\"onclick=\"alert(1))",
    "[x](mailto:a@example.org?body=<script>)",
    "[x](//evil.example/%0a<script>)",
    // Raw HTML inside markdown structures, code and backticks.
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "[x](https://example.org)<img src=x onerror=alert(1)>",
    "**<script>**alert(1)**</script>**",
    "> <script>alert(1)</script>",
    "- <iframe src=//evil>",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "# <svg onload=alert(1)>",
    "`<script>alert(1)</script>`",
    "`<img src=x onerror=alert(1)>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
];

#[test]
fn xss_corpus_renders_harmlessly() {
    assert!(XSS_CORPUS.len() >= 60);
    for payload in XSS_CORPUS {
        for level in [0, 2, 6] {
            let html = render(payload, level);
            if let Err(problem) = check_safe(&html) {
                panic!("payload {payload:?} under h{level}: {problem}");
            }
        }
    }
}

#[test]
fn the_checker_itself_catches_what_it_must() {
    for bad in [
        "<script>x</script>",
        "<p onclick=\"x\">a</p>",
        "<a href=\"java\tscript:x\" rel=\"nofollow ugc noopener\">a</a>",
        "<a href=\"&#100;ata:x\" rel=\"nofollow ugc noopener\">a</a>",
        "<a href=\"/x\">no rel</a>",
        "<img src=\"x\">",
        "<p>raw < in text</p>",
        "<p class=\"x\">a</p>",
    ] {
        assert!(check_safe(bad).is_err(), "{bad}");
    }
    assert!(check_safe("<p>&lt;script&gt; is text</p>").is_ok());
}

#[test]
fn raw_html_shows_literally() {
    assert_eq!(render("<b>x</b>", 2), "<p>&lt;b&gt;x&lt;/b&gt;</p>\n");
    assert_eq!(
        render("<div>\nhi\n</div>", 2),
        "<p>&lt;div&gt;\nhi\n&lt;/div&gt;</p>\n"
    );
}

#[test]
fn headings_shift_under_the_page_heading_and_stop_at_h6() {
    assert_eq!(render("# A", 2), "<h3>A</h3>\n");
    assert_eq!(render("# A\n## B", 2), "<h3>A</h3>\n<h4>B</h4>\n");
    assert_eq!(
        render("# A\n## B\n### C\n#### D", 2),
        "<h3>A</h3>\n<h4>B</h4>\n<h5>C</h5>\n<h6>D</h6>\n"
    );
    assert_eq!(render("# A", 5), "<h6>A</h6>\n");
    assert_eq!(render("# A", u8::MAX), "<h6>A</h6>\n");
    assert_eq!(render("# A", 1), "<h2>A</h2>\n");
    assert_eq!(
        render("# A", 0),
        "<h2>A</h2>\n",
        "the page title is the only h1"
    );
    assert_eq!(render("A\n=", 2), "<h3>A</h3>\n");
}

#[test]
fn the_outline_never_skips_a_level_whatever_levels_people_use() {
    // Content that starts at `##`, or jumps from `#` to `###`, moves up to the next level.
    assert_eq!(render("## Agenda", 2), "<h3>Agenda</h3>\n");
    assert_eq!(render("###### F", 2), "<h3>F</h3>\n");
    assert_eq!(
        render("# A\n### C\n# D\n#### E", 2),
        "<h3>A</h3>\n<h4>C</h4>\n<h3>D</h3>\n<h4>E</h4>\n"
    );
    // Headings written at the same level stay siblings, wherever the first was placed.
    assert_eq!(
        render("## A\n## B\n### C\n## D", 1),
        "<h2>A</h2>\n<h2>B</h2>\n<h3>C</h3>\n<h2>D</h2>\n"
    );
    assert_eq!(
        render("# A\n### B\n### C\n## D", 2),
        "<h3>A</h3>\n<h4>B</h4>\n<h4>C</h4>\n<h4>D</h4>\n"
    );
    proptest::proptest!(|(levels in proptest::collection::vec(1usize..=6, 1..12), under in 1u8..=5)| {
        let source: String = levels.iter().map(|l| format!("{} h\n\n", "#".repeat(*l))).collect();
        let html = render(&source, under);
        let mut last = usize::from(under);
        for level in html.match_indices("<h").filter_map(|(i, _)| html[i + 2..].chars().next()?.to_digit(10)) {
            let level = level as usize;
            proptest::prop_assert!(level > usize::from(under) && level <= (last + 1).min(6), "{html}");
            last = level;
        }
    });
}

#[test]
fn links_keep_allowed_schemes_and_get_rel() {
    assert_eq!(
        render("[x](https://example.org/a?b=1&c=2)", 2),
        "<p><a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\">x</a></p>\n"
    );
    assert_eq!(
        render("[x](/g/x \"A title\")", 2),
        "<p><a href=\"/g/x\" title=\"A title\" rel=\"nofollow ugc noopener\">x</a></p>\n"
    );
    assert_eq!(
        render("<someone@example.org>", 2),
        "<p><a href=\"mailto:someone@example.org\" rel=\"nofollow ugc noopener\">someone@example.org</a></p>\n"
    );
    assert_eq!(
        render("<HTTP://example.org>", 2),
        "<p><a href=\"HTTP://example.org\" rel=\"nofollow ugc noopener\">HTTP://example.org</a></p>\n"
    );
    assert!(!render("[x](https://example.org)", 2).contains("target"));
}

#[test]
fn links_with_other_schemes_keep_only_their_text() {
    assert_eq!(
        render("[click *me*](javascript:alert(1))", 2),
        "<p>click <em>me</em></p>\n"
    );
    assert_eq!(render("[x](&#106;avascript:alert(1))", 2), "<p>x</p>\n");
    assert_eq!(render("[x](ftp://example.org)", 2), "<p>x</p>\n");
    assert_eq!(
        render("<javascript:alert(1)>", 2),
        "<p>javascript:alert(1)</p>\n"
    );
}

#[test]
fn images_become_links_to_their_url() {
    assert_eq!(
        render("![A cat](https://example.org/cat.png)", 2),
        "<p><a href=\"https://example.org/cat.png\" rel=\"nofollow ugc noopener\">A cat</a></p>\n"
    );
    assert_eq!(
        render("![](https://example.org/pixel.gif)", 2),
        "<p><a href=\"https://example.org/pixel.gif\" rel=\"nofollow ugc noopener\">image</a></p>\n"
    );
    assert_eq!(
        render(
            "[![A cat](https://example.org/cat.png)](https://example.org/)",
            2
        ),
        "<p><a href=\"https://example.org/\" rel=\"nofollow ugc noopener\">A cat</a></p>\n",
        "inside a link an image is its alt text"
    );
    assert_eq!(render("![A cat](javascript:x)", 2), "<p>A cat</p>\n");
}

#[test]
fn tables_strikethrough_lists_and_quotes_render() {
    assert_eq!(
        render("| a | b |\n|:--|--:|\n| 1 | 2 |", 2),
        "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>\n<tr><td>1</td><td>2</td></tr>\n</tbody></table>\n"
    );
    assert_eq!(render("~~gone~~", 2), "<p><del>gone</del></p>\n");
    assert_eq!(
        render("3. a\n4. b", 2),
        "<ol start=\"3\">\n<li>a</li>\n<li>b</li>\n</ol>\n"
    );
    assert_eq!(
        render("> **a**\n\n---", 2),
        "<blockquote>\n<p><strong>a</strong></p>\n</blockquote>\n<hr>\n"
    );
    assert_eq!(render("a  \nb", 2), "<p>a<br>\nb</p>\n");
    assert_eq!(render("- [ ] task", 2), "<ul>\n<li>[ ] task</li>\n</ul>\n");
}

#[test]
fn code_is_escaped_and_loses_its_class() {
    assert_eq!(
        render("```html\n<b>&amp;</b>\n```", 2),
        "<pre><code>&lt;b&gt;&amp;amp;&lt;/b&gt;\n</code></pre>\n"
    );
    assert_eq!(render("`<i>`", 2), "<p><code>&lt;i&gt;</code></p>\n");
}

#[test]
fn output_is_deterministic() {
    let source =
        "# T\n\n[a](https://example.org \"t\") ![b](/c) <x@example.org>\n\n| a |\n|---|\n| b |";
    assert_eq!(render(source, 2), render(source, 2));
}

#[test]
fn nesting_bombs_do_not_overflow_the_stack() {
    let depth = 10_000;
    for bomb in [
        format!("{}x", ">".repeat(depth)),
        format!("{}x", "> ".repeat(depth)),
        format!("{}x", "- ".repeat(depth)),
        format!("{}x", "1. ".repeat(depth)),
        format!("{}x{}", "*".repeat(depth), "*".repeat(depth)),
        format!("{}x{}", "[".repeat(depth), "](/y)".repeat(depth)),
        format!("{}x", "![".repeat(depth)),
        format!("{}x{}", "<b>".repeat(depth), "</b>".repeat(depth)),
        format!("{}x{}", "*_".repeat(depth / 2), "_*".repeat(depth / 2)),
        format!("{}x{}", "~~*".repeat(depth / 3), "*~~".repeat(depth / 3)),
        format!("{}x{}", "**_".repeat(depth / 3), "_**".repeat(depth / 3)),
    ] {
        let html = render(&bomb, 2);
        assert_eq!(check_safe(&html), Ok(()));
        plain_text(&bomb, 100);
    }
    let quoted = render(&format!("{}x", ">".repeat(depth)), 2);
    assert_eq!(quoted.matches("<blockquote>").count(), MAX_NESTING);
    assert_eq!(quoted.matches("</blockquote>").count(), MAX_NESTING);
    assert!(quoted.contains(">x<"));
    let listed = render(&format!("{}x", "- ".repeat(depth)), 2);
    assert_eq!(listed.matches("<ul>").count(), MAX_NESTING);
    assert_eq!(listed.matches("<li>").count(), MAX_NESTING);
}

#[test]
fn nesting_up_to_the_cap_is_kept() {
    let quoted = render(&format!("{}x", "> ".repeat(MAX_NESTING)), 2);
    assert_eq!(quoted.matches("<blockquote>").count(), MAX_NESTING);
    assert_eq!(
        render("> a\n> > b\n\n- c\n  - d", 2),
        "<blockquote>\n<p>a</p>\n<blockquote>\n<p>b</p>\n</blockquote>\n</blockquote>\n<ul>\n<li>c\n<ul>\n<li>d</li>\n</ul>\n</li>\n</ul>\n"
    );
}

#[test]
fn plain_text_drops_markup_and_collapses_whitespace() {
    assert_eq!(
        plain_text(
            "# Title\n\nSome **bold** and _it_alic, [a link](https://x.org) and ![alt](y.png).\n\n- one\n- two",
            200
        ),
        "Title Some bold and _it_alic, a link and alt. one two"
    );
    assert_eq!(
        plain_text("`code` <b>raw</b> &amp; \t  done", 200),
        "code <b>raw</b> & done"
    );
    assert_eq!(
        plain_text("| a | b |\n|---|---|\n| 1 | 2 |", 200),
        "a b 1 2"
    );
    assert_eq!(plain_text("", 10), "");
}

#[test]
fn plain_text_is_cut_on_a_word_boundary() {
    assert_eq!(plain_text("one two three", 13), "one two three");
    assert_eq!(plain_text("one two three", 12), "one two…");
    assert_eq!(plain_text("one two three", 9), "one two…");
    assert_eq!(plain_text("one two three", 8), "one two…");
    assert_eq!(plain_text("one two three", 7), "one…");
    assert_eq!(plain_text("héllo wörld ünïcode", 12), "héllo wörld…");
    assert_eq!(
        plain_text("abcdefghij", 5),
        "abcd…",
        "one long word is cut inside"
    );
    assert_eq!(plain_text("abc def", 1), "…");
    assert_eq!(plain_text("abc def", 0), "");
}

/// Markdown-significant characters and the words attacks are made of.
fn markdown_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[<>\\[\\]()!*_#&;:a-zA-Z \n\"'=/`|~-]{1,4}",
        Just("script".to_owned()),
        Just("javascript:".to_owned()),
        Just("onerror=".to_owned()),
        Just("<img src=x ".to_owned()),
        Just("&#106;".to_owned()),
        Just("](".to_owned()),
        Just("\n\n".to_owned()),
    ];
    proptest::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_string_renders_safely(source in any::<String>(), level in 0u8..8) {
        let html = render(&source, level);
        prop_assert!(check_safe(&html).is_ok(), "{:?}", check_safe(&html));
    }

    #[test]
    fn markdown_soup_renders_safely(source in markdown_soup(), level in 0u8..8) {
        let html = render(&source, level);
        prop_assert!(check_safe(&html).is_ok(), "{:?}", check_safe(&html));
    }

    #[test]
    fn plain_text_stays_within_its_length(source in markdown_soup(), max in 0usize..60) {
        let text = plain_text(&source, max);
        prop_assert!(text.chars().count() <= max);
        prop_assert!(!text.contains("  "));
    }
}

#[test]
fn a_kept_rendering_is_the_same_as_a_new_one_and_is_kept_per_level() {
    let source = "# Agenda\n\nBring **cake** and [the minutes](https://example.org/m).";
    for level in [1, 2, 1, 2] {
        assert_eq!(render(source, level), render_now(source, level));
    }
    assert_ne!(render(source, 1), render(source, 2));
    // An edited post is another source, rendered anew.
    assert!(render(&source.replace("cake", "tea"), 1).contains("<strong>tea</strong>"));
}
