//! The words a person wrote in a reply, without what their mail program added: the quoted
//! message, the line introducing it, the message replied to as Outlook appends it, and their
//! signature.
//!
//! Strategy: line by line, in two kinds of rule.
//! - Lines left out wherever they are, so that words written between quotes (an inline reply)
//!   are kept: quoted lines (`>`), and the line introducing a quote, "On <date>, <name> wrote:"
//!   and its common translations, also when the mail program wrapped it onto a second line.
//! - Lines from which everything below is left out: the signature delimiter (`-- `, also
//!   without its trailing space, which many programs drop), Outlook's `-----Original
//!   Message-----` and `________________________________` separators and its header block
//!   (`From:` followed within a few lines by `Sent:` or `Date:`), and "Begin forwarded
//!   message:". A last line such as "Sent from my phone" goes too.
//!
//! Then trailing white space goes from every line, and blank lines from both ends and runs of
//! them. An empty result means the reply said nothing.

/// How the line introducing a quote starts, in the languages mail programs write it in.
const ATTRIBUTION_STARTS: [&str; 9] = [
    "on ", "am ", "le ", "el ", "il ", "op ", "den ", "em ", "w dniu ",
];

/// The verb of the line introducing a quote, which ends with a colon: "On …, Ann wrote:",
/// "Am … schrieb Ann <ann@example.org>:".
const ATTRIBUTION_VERBS: [&str; 9] = [
    " wrote",
    " schrieb ",
    " a écrit",
    " escribió",
    " ha scritto",
    " schreef",
    " skrev",
    " escreveu",
    " napisał",
];

/// The longest line introducing a quote: a sentence that merely ends in "wrote:" is longer
/// rarely, and then it is more likely the person's own words.
const ATTRIBUTION_MAX_CHARS: usize = 300;

/// The words of the reply `text` (see the module's doc).
pub fn reply_words(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .iter()
        .enumerate()
        .position(|(at, _)| starts_the_rest(&lines, at))
        .unwrap_or(lines.len());
    let lines = &lines[..end];
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    let mut at = 0;
    while at < lines.len() {
        let line = lines[at];
        if is_quoted(line) {
            at += 1;
            continue;
        }
        if let Some(taken) = attribution(lines, at) {
            at += taken;
            continue;
        }
        kept.push(line.trim_end());
        at += 1;
    }
    // "Sent from my phone" and the like, as the last line.
    while kept.last().is_some_and(|line| line.trim().is_empty()) {
        kept.pop();
    }
    if kept.last().is_some_and(|line| is_device_signature(line)) {
        kept.pop();
    }
    tidy(&kept)
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// How many lines from `at` introduce a quote ("On …, Ann wrote:"), if they do: one, or two
/// when a mail program wrapped the line.
fn attribution(lines: &[&str], at: usize) -> Option<usize> {
    let first = lines[at].trim();
    let lower = first.to_lowercase();
    if !ATTRIBUTION_STARTS
        .iter()
        .any(|start| lower.starts_with(start))
    {
        return None;
    }
    let ends = |text: &str| {
        let text = text.to_lowercase();
        text.chars().count() <= ATTRIBUTION_MAX_CHARS
            && text.ends_with(':')
            && ATTRIBUTION_VERBS.iter().any(|verb| text.contains(verb))
    };
    if ends(first) {
        return Some(1);
    }
    let second = lines.get(at + 1)?.trim();
    ends(&format!("{first} {second}")).then_some(2)
}

/// Whether the line at `at` starts what is not the reply: a signature, or a message replied to
/// or forwarded as Outlook and others append it.
fn starts_the_rest(lines: &[&str], at: usize) -> bool {
    let line = lines[at];
    if line == "-- " || line.trim_end() == "--" {
        return true;
    }
    let trimmed = line.trim();
    let lower = trimmed.to_lowercase();
    if lower.starts_with('-') && lower.contains("original message") {
        return true;
    }
    if lower == "begin forwarded message:" || lower.starts_with("---------- forwarded message") {
        return true;
    }
    if trimmed.len() >= 20 && trimmed.chars().all(|c| c == '_') {
        return true;
    }
    // Outlook's header block: "From: …" with "Sent: …" (or "Date: …") within the next lines.
    let header = |text: &str, names: &[&str]| {
        let text = text.trim_start_matches('*').trim_start().to_lowercase();
        names.iter().any(|name| text.starts_with(name))
    };
    if header(trimmed, &["from:", "von:", "de :", "de:", "van:"]) {
        return lines.iter().skip(at + 1).take(4).any(|next| {
            header(
                next,
                &["sent:", "date:", "gesendet:", "envoyé :", "verzonden:"],
            )
        });
    }
    false
}

fn is_device_signature(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    (lower.starts_with("sent from my ") || lower.starts_with("get outlook for "))
        && lower.chars().count() < 60
}

/// The lines joined, without blank lines at either end or more than one in a row.
fn tidy(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in lines {
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::reply_words;

    #[test]
    fn quoted_text_its_introduction_and_the_signature_go() {
        let text = "I can bring the seeds.  \r\nSee you Saturday.\r\n\r\nOn Mon, 3 Jun 2024 at 10:02, \
                    Quorum <reply+abc@quorum.example> wrote:\r\n> Ann Lee replied to your comment\r\n\
                    > in \u{201c}Spring\u{201d}\r\n>\r\n> > older\r\n\r\n-- \r\nBob Roe\r\nGarden Club\r\n";
        assert_eq!(
            reply_words(text),
            "I can bring the seeds.\nSee you Saturday."
        );
    }

    #[test]
    fn a_wrapped_introduction_and_an_inline_reply_keep_the_persons_words() {
        let text = "Top words.\n\nOn Mon, 3 Jun 2024 at 10:02, Ann Lee\n<ann@example.org> wrote:\n\
                    > First question?\nMy answer.\n> Second question?\n\nAnother answer.\n";
        assert_eq!(
            reply_words(text),
            "Top words.\n\nMy answer.\n\nAnother answer."
        );
    }

    #[test]
    fn outlook_appends_the_message_replied_to_below_a_header_block() {
        let separator = "Agreed.\n\n-----Original Message-----\nFrom: Quorum\nSent: Monday\nBody";
        assert_eq!(reply_words(separator), "Agreed.");
        let block = "Agreed.\n\n________________________________\nFrom: Quorum <q@example.org>\n\
                     Sent: Monday, 3 June 2024 10:02\nTo: Bob\nSubject: Re: x\n\nOriginal text";
        assert_eq!(reply_words(block), "Agreed.");
        let bold = "Yes.\r\n\r\n*From:* Quorum\r\n*Sent:* Monday\r\nOriginal";
        assert_eq!(reply_words(bold), "Yes.");
        // A line that merely starts with "From:" is the person's own.
        assert_eq!(
            reply_words("From: the garden, with love.\nThanks"),
            "From: the garden, with love.\nThanks"
        );
    }

    #[test]
    fn other_languages_and_device_signatures() {
        assert_eq!(
            reply_words("Ja.\n\nAm 03.06.2024 um 10:02 schrieb Ann Lee <a@example.org>:\n> Frage"),
            "Ja."
        );
        assert_eq!(
            reply_words("Oui.\n\nLe lun. 3 juin 2024, Ann <a@example.org> a écrit :\n> Q"),
            "Oui."
        );
        assert_eq!(
            reply_words("Sure thing\n\nSent from my iPhone\n"),
            "Sure thing"
        );
        // "wrote:" at the end of the person's own sentence stays.
        assert_eq!(
            reply_words("Here is what Ann wrote:\nplant early"),
            "Here is what Ann wrote:\nplant early"
        );
    }

    #[test]
    fn only_quotes_and_a_signature_leave_nothing() {
        assert_eq!(reply_words("> quoted\n> more\n\n--\nBob\n"), "");
        assert_eq!(reply_words("   \n\n"), "");
    }
}
