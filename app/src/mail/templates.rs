//! Email bodies made from one description of the content, so the plain-text part and the HTML
//! part always say the same thing.
//!
//! Strategy: a message is a subject and a list of [`Block`]s. The text part is complete on its
//! own (a link is its text followed by the address on a line of its own, which every mail
//! program can open). The HTML part is a small accessible document: `lang="en"`, a `<title>`,
//! one `<h1>` (the subject), headings and paragraphs, link text that makes sense out of context
//! (WCAG 2.4.9), colours with at least 7:1 contrast (the same tokens as the site: text #0b0c0c,
//! links #0b4c8c on white), no layout tables, no images, no external resources, nothing that
//! tracks. Every piece of text is HTML-escaped, so text a user typed cannot become markup.

use super::Email;

/// One piece of an email's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A section heading (`<h2>`).
    Heading(String),
    Paragraph(String),
    /// A link on its own line. `text` must make sense without the words around it, such as
    /// "Sign in to Quorum", never "click here".
    Link {
        text: String,
        href: String,
    },
    /// A short code to type, shown large and spaced.
    Code(String),
}

impl Email {
    /// An email whose text and HTML parts are both made from `blocks`.
    /// The subject may hold names people chose; any line break or other control character in
    /// it becomes a space, so it stays one header line.
    pub fn compose(to: impl Into<String>, subject: impl Into<String>, blocks: &[Block]) -> Self {
        let subject: String = subject
            .into()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        Self {
            to: to.into(),
            text: plain_text(&subject, blocks),
            html: html(&subject, blocks),
            subject,
        }
    }
}

/// The text part: the subject as a first line, then the blocks separated by blank lines.
pub fn plain_text(subject: &str, blocks: &[Block]) -> String {
    let mut out = String::new();
    out.push_str(subject);
    out.push('\n');
    for block in blocks {
        out.push('\n');
        match block {
            Block::Heading(text) | Block::Paragraph(text) | Block::Code(text) => {
                out.push_str(text);
            }
            Block::Link { text, href } => {
                out.push_str(text);
                out.push_str(":\n");
                out.push_str(href);
            }
        }
        out.push('\n');
    }
    out
}

const TEXT_COLOUR: &str = "#0b0c0c";
const LINK_COLOUR: &str = "#0b4c8c";

/// The HTML part: a complete, small document with inline styles only (mail programs drop
/// style sheets), readable with styles off as well.
pub fn html(subject: &str, blocks: &[Block]) -> String {
    let subject = escape(subject);
    let mut body = String::new();
    for block in blocks {
        match block {
            Block::Heading(text) => {
                body.push_str(&format!(
                    "<h2 style=\"margin:24px 0 8px;font-size:20px\">{}</h2>\n",
                    escape(text)
                ));
            }
            Block::Paragraph(text) => {
                body.push_str(&format!(
                    "<p style=\"margin:0 0 16px\">{}</p>\n",
                    escape(text)
                ));
            }
            Block::Link { text, href } => {
                body.push_str(&format!(
                    "<p style=\"margin:0 0 16px\"><a href=\"{}\" style=\"color:{LINK_COLOUR};\
                     text-decoration:underline\">{}</a></p>\n",
                    escape(href),
                    escape(text)
                ));
            }
            Block::Code(text) => {
                body.push_str(&format!(
                    "<p style=\"margin:0 0 16px;font-family:monospace;font-size:24px;\
                     letter-spacing:0.1em\">{}</p>\n",
                    escape(text)
                ));
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n\
         <html lang=\"en\">\n\
         <head>\n\
         <meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{subject}</title>\n\
         </head>\n\
         <body style=\"margin:0;padding:16px;background:#ffffff;color:{TEXT_COLOUR};\
         font-family:sans-serif;font-size:16px;line-height:1.5\">\n\
         <div style=\"max-width:40em\">\n\
         <h1 style=\"margin:0 0 16px;font-size:24px\">{subject}</h1>\n\
         {body}\
         </div>\n\
         </body>\n\
         </html>\n"
    )
}

/// Escapes text for use in HTML content and in double- or single-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Email {
        Email::compose(
            "ana@example.org",
            "Sign in to Quorum",
            &[
                Block::Paragraph("Someone asked to sign in as ana@example.org.".into()),
                Block::Link {
                    text: "Sign in to Quorum".into(),
                    href: "https://quorum.example.org/sign-in/t?x=1&y=2".into(),
                },
                Block::Heading("Or type this code".into()),
                Block::Code("ABCD-1234".into()),
            ],
        )
    }

    #[test]
    fn the_text_part_is_complete_on_its_own() {
        let email = sample();
        assert!(email.text.starts_with("Sign in to Quorum\n"));
        assert!(
            email
                .text
                .contains("Sign in to Quorum:\nhttps://quorum.example.org/sign-in/t?x=1&y=2\n")
        );
        assert!(email.text.contains("ABCD-1234"));
        assert!(email.text.contains("Or type this code"));
        assert!(!email.text.contains('<'));
    }

    #[test]
    fn the_html_part_is_a_small_accessible_document() {
        let html = sample().html;
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("<title>Sign in to Quorum</title>"));
        assert_eq!(html.matches("<h1").count(), 1);
        assert!(html.contains("<h2"));
        assert!(html.contains(
            "href=\"https://quorum.example.org/sign-in/t?x=1&amp;y=2\" style=\"color:#0b4c8c;"
        ));
        assert!(html.contains(">Sign in to Quorum</a>"));
        for banned in ["<img", "<table", "<script", "<link", "url(", "src="] {
            assert!(!html.contains(banned), "{banned} in {html}");
        }
    }

    #[test]
    fn user_text_is_escaped_in_the_html_part() {
        let email = Email::compose(
            "ana@example.org",
            "A \"thread\" <b>bold</b> & more",
            &[
                Block::Paragraph("<img src=x onerror=alert(1)> & 'quotes'".into()),
                Block::Link {
                    text: "<script>alert(1)</script>".into(),
                    href: "https://example.org/\"><script>".into(),
                },
            ],
        );
        let html = &email.html;
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &#39;quotes&#39;"));
        assert!(html.contains("<title>A &quot;thread&quot; &lt;b&gt;bold&lt;/b&gt; &amp; more"));
        assert!(html.contains("href=\"https://example.org/&quot;&gt;&lt;script&gt;\""));
        // The text part keeps the words as typed.
        assert!(
            email
                .text
                .contains("<img src=x onerror=alert(1)> & 'quotes'")
        );
    }
}
