//! What people write in posts, proposals and descriptions: CommonMark turned into HTML that is
//! safe to put on a page, and into plain text for excerpts, emails and search snippets.
//!
//! The strategy has two layers, so that one mistake is not enough for a script to get through:
//!
//! 1. The markdown never emits raw HTML. pulldown-cmark's `Html`/`InlineHtml` events become
//!    ordinary text, so `<b>x</b>` shows literally; links whose scheme is not `http`, `https` or
//!    `mailto` lose the link and keep their text; images become links to their URL (so no remote
//!    image, and no tracking pixel, ever loads); headings are shifted under the page's own.
//! 2. The HTML that comes out then goes through ammonia with a strict allow-list of tags and
//!    attributes (no `id`, `class`, `style` or event attributes; only `http`, `https`, `mailto`
//!    and relative URLs), which also adds `rel="nofollow ugc noopener"` to every link.
//!
//! Nothing here recurses on the input's nesting (pulldown-cmark parses iteratively; ammonia
//! cleans, serialises and drops its tree with explicit stacks), so a 10 000-level `>>>>…` does
//! not overflow the stack (tested). But html5ever, ammonia's parser, takes time quadratic in the
//! nesting depth: 10 000 nested list levels, 20 KB of input, took over a second. So blockquotes,
//! lists and emphasis nest at most `MAX_NESTING` deep; deeper ones are flattened, text kept.
//! Table column alignment is lost, since pulldown-cmark writes it as a `style` attribute.
//! Very large inputs are the caller's problem: callers cap the length of what people write.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

#[cfg(test)]
mod tests;

/// The only tags that may appear in rendered markdown, separated by spaces.
const ALLOWED_TAGS: &str = "p br hr em strong del code pre blockquote ul ol li a \
    h2 h3 h4 h5 h6 table thead tbody tr th td";

/// The only URL schemes a link may use; relative URLs (`/g/x`, `#top`) are allowed too.
const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// What every link gets: no search-engine credit, marked as user content, no `window.opener`.
const LINK_REL: &str = "nofollow ugc noopener";

/// How deeply blockquotes, lists and emphasis may nest; deeper ones are flattened into the
/// deepest allowed level (their text is kept). See the module documentation for why.
const MAX_NESTING: usize = 32;

/// The second layer: ammonia with nothing allowed but what rendered markdown needs. The rest is
/// as `Builder::empty()` leaves it: no classes, comments stripped, `<script>`/`<style>` dropped
/// with their content.
static SANITISER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::empty();
    builder
        .tags(ALLOWED_TAGS.split(' ').collect())
        .generic_attributes(HashSet::new())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href", "title"])),
            ("ol", HashSet::from(["start"])),
        ]))
        .url_schemes(ALLOWED_SCHEMES.into_iter().collect())
        .url_relative(UrlRelative::PassThrough)
        .link_rel(Some(LINK_REL));
    builder
});

/// Tables and strikethrough on; nothing that needs more tags (task lists, footnotes, maths).
const OPTIONS: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH);

/// Renders `source` (CommonMark) as sanitised HTML for a page where the user content sits under a
/// heading of level `under_level` (e.g. 2 → a markdown `# x` becomes `<h3>`), capping at h6.
///
/// An `under_level` of 0 is treated as 1: the page's own title is its only `<h1>`.
///
/// Rendering costs tens of microseconds a post, which a page of twenty comments read again and
/// again would pay each time; so what was rendered is kept in memory (up to
/// [`RENDERED_BYTES`]), under the source text itself and the level: the result depends on
/// nothing else, so a kept rendering is never stale, and an edited post is a new source.
pub fn render(source: &str, under_level: u8) -> String {
    let key = (under_level, Arc::<str>::from(source));
    if let Some(html) = rendered().map.get(&key) {
        return html.to_string();
    }
    let html: Arc<str> = Arc::from(render_now(source, under_level));
    let mut kept = rendered();
    let size = source.len() + html.len();
    if size <= RENDERED_BYTES && kept.map.insert(key.clone(), html.clone()).is_none() {
        kept.bytes += size;
        kept.order.push_back(key);
        while kept.bytes > RENDERED_BYTES {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some(gone) = kept.map.remove(&oldest) {
                kept.bytes -= oldest.1.len() + gone.len();
            }
        }
    }
    html.to_string()
}

/// How much rendered markdown (source and HTML) is kept in memory at most; the oldest goes
/// first.
pub const RENDERED_BYTES: usize = 32 * 1024 * 1024;

#[derive(Default)]
struct Rendered {
    map: HashMap<(u8, Arc<str>), Arc<str>>,
    order: VecDeque<(u8, Arc<str>)>,
    bytes: usize,
}

static RENDERED: LazyLock<Mutex<Rendered>> = LazyLock::new(Mutex::default);

/// The kept renderings. An entry and its size are written together, so a lock poisoned by a
/// panic elsewhere holds nothing half-written and is used as it is.
fn rendered() -> MutexGuard<'static, Rendered> {
    RENDERED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// [`render`] without what is kept: the work itself.
fn render_now(source: &str, under_level: u8) -> String {
    let events = safe_events(source, under_level);
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    SANITISER.clean(&unsafe_html).to_string()
}

/// The words of `source` a reader sees as prose: its text without inline code, code blocks or
/// link addresses, with a line break between blocks and a space where markup was. What a
/// `@mention` is looked for in, so that `@name` shown as code mentions nobody.
pub fn prose(source: &str) -> String {
    let mut words = String::with_capacity(source.len());
    let mut in_code_block = false;
    for event in Parser::new_ext(source, OPTIONS) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) if !in_code_block => {
                words.push_str(&text);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => words.push('\n'),
            _ => words.push(' '),
        }
    }
    words
}

/// A link or image that has been opened and not yet closed.
struct OpenLink {
    /// Whether its start was written out, so its end must be too.
    emitted: bool,
    /// An image written as a link: it needs the text "image" if it had no alt text.
    image: bool,
    /// How many non-blank texts had been written when it opened.
    texts_before: usize,
}

/// The first layer: the parser's events with raw HTML turned into text, unsafe links unlinked,
/// images turned into links, headings shifted and nesting capped.
fn safe_events(source: &str, under_level: u8) -> Vec<Event<'_>> {
    let mut out = Vec::new();
    let mut links: Vec<OpenLink> = Vec::new();
    let mut in_link = false;
    let mut depth = 0usize;
    let mut texts = 0usize;
    let mut outline = Outline::new(under_level);
    let mut heading = HeadingLevel::H6;
    for event in Parser::new_ext(source, OPTIONS) {
        let (event, image) = match event {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => (
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }),
                true,
            ),
            other => (other, false),
        };
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => out.push(Event::Text(raw)),
            Event::Start(Tag::HtmlBlock) => out.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => out.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::Heading { level, .. }) => {
                heading = outline.place(level);
                out.push(Event::Start(Tag::Heading {
                    level: heading,
                    id: None,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(_)) => out.push(Event::End(TagEnd::Heading(heading))),
            // Links cannot nest, so inside a link an image is just its alt text.
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let emitted = !in_link && allowed_destination(dest_url);
                links.push(OpenLink {
                    emitted,
                    image,
                    texts_before: texts,
                });
                if emitted {
                    in_link = true;
                    out.push(event);
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(link) = links.pop()
                    && link.emitted
                {
                    if link.image && texts == link.texts_before {
                        out.push(Event::Text(CowStr::Borrowed("image")));
                    }
                    out.push(Event::End(TagEnd::Link));
                    in_link = false;
                }
            }
            Event::Start(ref tag) if nests(&tag.to_end()) => {
                depth += 1;
                if depth <= MAX_NESTING {
                    out.push(event);
                }
            }
            Event::End(tag) if nests(&tag) => {
                if depth <= MAX_NESTING {
                    out.push(event);
                }
                depth = depth.saturating_sub(1);
            }
            // An item goes with its list.
            Event::Start(Tag::Item) | Event::End(TagEnd::Item) if depth > MAX_NESTING => {}
            Event::Text(ref text) | Event::Code(ref text) => {
                if !text.trim().is_empty() {
                    texts += 1;
                }
                out.push(event);
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether this element can nest inside itself, and so counts towards `MAX_NESTING`.
fn nests(tag: &TagEnd) -> bool {
    use TagEnd::{BlockQuote, Emphasis, List, Strikethrough, Strong};
    matches!(
        tag,
        BlockQuote(_) | List(_) | Emphasis | Strong | Strikethrough
    )
}

/// Whether this element sits inside a line of text rather than making a block.
fn is_inline(tag: &TagEnd) -> bool {
    use TagEnd::{Emphasis, Image, Link, Strikethrough, Strong};
    matches!(tag, Emphasis | Strong | Strikethrough | Link | Image)
}

/// Where the headings of user content go in the page's outline. Markdown's `level` is shifted
/// below the page heading of `under_level` (`#` one level below it), and each heading sits one
/// level under the nearest open heading of a higher markdown level (or under the page heading
/// when there is none). So content that starts at `##` or jumps from `#` to `###` leaves no
/// level skipped, and headings written at the same level stay siblings: `## A` then `## B` are
/// both one level under the page heading, not B under A. The deepest is h6.
struct Outline {
    under: usize,
    /// The headings still open: each one's markdown level and the level it was placed at.
    open: Vec<(usize, usize)>,
}

impl Outline {
    fn new(under_level: u8) -> Self {
        let under = usize::from(under_level.max(1));
        Self {
            under,
            open: Vec::new(),
        }
    }

    fn place(&mut self, level: HeadingLevel) -> HeadingLevel {
        let wanted = level as usize;
        while self
            .open
            .last()
            .is_some_and(|(written, _)| *written >= wanted)
        {
            self.open.pop();
        }
        let parent = self.open.last().map_or(self.under, |(_, placed)| *placed);
        let placed = (parent + 1).min(6);
        self.open.push((wanted, placed));
        HeadingLevel::try_from(placed).unwrap_or(HeadingLevel::H6)
    }
}

/// Whether a link may point at `destination` (already entity-decoded by the parser): relative,
/// or with an allowed scheme. Browsers ignore tabs and newlines inside a URL and control
/// characters and spaces around it, so those are dropped before looking at the scheme; anything
/// before a `:` that is not exactly an allowed scheme (`java script:`, `&#0;javascript:`) is
/// refused rather than second-guessed.
fn allowed_destination(destination: &str) -> bool {
    let Some(end) = destination.find([':', '/', '?', '#']) else {
        return true;
    };
    if !destination[end..].starts_with(':') {
        return true;
    }
    let scheme: String = destination[..end]
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect();
    ALLOWED_SCHEMES.contains(&scheme.as_str())
}

/// Plain text of the markdown (for excerpts, emails, search snippets): markup removed, whitespace
/// collapsed, cut at `max_chars` characters on a word boundary with "…" when cut.
///
/// The result is text, not HTML: escape it before putting it in a page. Raw HTML in the source is
/// kept as the text it is shown as; images give their alt text; links their text, not their URL.
/// The "…" counts towards `max_chars`; a single word longer than that is cut inside the word.
pub fn plain_text(source: &str, max_chars: usize) -> String {
    let mut text = String::with_capacity(source.len());
    for event in Parser::new_ext(source, OPTIONS) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t);
            }
            // Inline markup joins onto the words around it: `**in**line` is "inline".
            Event::Start(tag) if is_inline(&tag.to_end()) => {}
            Event::End(tag) if is_inline(&tag) => {}
            _ => text.push(' '),
        }
    }
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    cut(&collapsed, max_chars)
}

/// `text` (whitespace already collapsed to single spaces) cut to at most `max_chars` characters,
/// "…" included, at the last space that fits.
fn cut(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    let end = text
        .char_indices()
        .nth(max_chars - 1)
        .map_or(text.len(), |(index, _)| index);
    let at = if text[end..].starts_with(' ') {
        end
    } else {
        text[..end].rfind(' ').unwrap_or(end)
    };
    format!("{}…", text[..at].trim_end())
}
