//! Pure rules of a discussion: what a thread and a comment may hold, the reactions, `@mentions`,
//! which comments a person has read, and how typed words become a search.

use std::collections::BTreeSet;

use super::validation::FormErrors;

/// The longest thread title, in characters.
pub const TITLE_MAX: usize = 150;
/// The longest thread context, in characters.
pub const CONTEXT_MAX: usize = 20_000;
/// The longest comment, in characters.
pub const COMMENT_MAX: usize = 10_000;
/// Comments on one page of a thread.
pub const COMMENTS_PER_PAGE: i64 = 25;
/// Threads on one page of a group's thread list.
pub const THREADS_PER_PAGE: i64 = 25;
/// How long a deleted thread can be restored before it is purged, in seconds.
pub const PURGE_AFTER_SECS: i64 = 30 * 24 * 60 * 60;

/// About how many kilobytes the printable version of a thread is, from the characters of its
/// context and comments and the number of comments: the words (their Markdown becomes about as
/// many bytes of HTML), plus each comment's heading and frame. This is the page's own size,
/// what a browser holds and prints; it arrives compressed, so a slow link carries less. The
/// page-weight budget check holds this to within a third of the real page. Never less than 1.
pub fn print_size_kb(text_length: i64, comments: i64) -> i64 {
    let bytes = PRINT_PAGE_BYTES + text_length + comments * PRINT_COMMENT_BYTES;
    (bytes / 1024).max(1)
}
const PRINT_PAGE_BYTES: i64 = 5_000;
const PRINT_COMMENT_BYTES: i64 = 200;

/// The answers of the thread form, as typed.
#[derive(Debug, Clone, Default)]
pub struct ThreadAnswers {
    pub title: String,
    pub context: String,
    /// "public" or "private"; only offered in open groups.
    pub visibility: String,
}

/// Checks a thread's title and context, with every problem at once.
pub fn check_thread(answers: &ThreadAnswers, offer_visibility: bool) -> FormErrors {
    let mut errors = FormErrors::new();
    let title = answers.title.trim();
    if title.is_empty() {
        errors.add("title", "Enter a title for the thread");
    } else if title.chars().count() > TITLE_MAX {
        errors.add("title", "The title must be 150 characters or fewer");
    }
    if answers.context.chars().count() > CONTEXT_MAX {
        errors.add(
            "context",
            "The context must be 20,000 characters or fewer. Move some of it into a comment",
        );
    }
    if offer_visibility && !matches!(answers.visibility.as_str(), "public" | "private") {
        errors.add(
            "visibility",
            "Choose who can read the thread: anyone, or members only",
        );
    }
    errors
}

/// Checks a comment's text.
pub fn check_comment(body: &str) -> FormErrors {
    let mut errors = FormErrors::new();
    if body.trim().is_empty() {
        errors.add("body", "Write your comment");
    } else if body.chars().count() > COMMENT_MAX {
        errors.add(
            "body",
            "Your comment must be 10,000 characters or fewer. Split it into two comments",
        );
    }
    errors
}

/// The small fixed set of reactions. Each is shown with its name in words, the emoji beside it
/// hidden from screen readers, so it is announced by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reaction {
    Agree,
    Thanks,
    Celebrate,
    Question,
    Concern,
}

impl Reaction {
    pub const ALL: [Self; 5] = [
        Self::Agree,
        Self::Thanks,
        Self::Celebrate,
        Self::Question,
        Self::Concern,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agree => "agree",
            Self::Thanks => "thanks",
            Self::Celebrate => "celebrate",
            Self::Question => "question",
            Self::Concern => "concern",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// The name people see and hear.
    pub fn label(self) -> &'static str {
        match self {
            Self::Agree => "Agree",
            Self::Thanks => "Thanks",
            Self::Celebrate => "Celebrate",
            Self::Question => "Question",
            Self::Concern => "Concern",
        }
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Self::Agree => "\u{1f44d}",
            Self::Thanks => "\u{1f64f}",
            Self::Celebrate => "\u{1f389}",
            Self::Question => "\u{2753}",
            Self::Concern => "\u{26a0}\u{fe0f}",
        }
    }
}

/// The longest mention handle, in characters.
pub const HANDLE_MAX: usize = 24;
/// The most people one comment can mention (and so email).
pub const MENTIONS_MAX: usize = 20;

/// The handles `@mentioned` in `text`, lower-cased, each once, in the order first written.
///
/// A mention is `@` at the start or after a character that is not a letter, digit or `@` (so an
/// email address is not a mention), followed by a handle: letters a–z, digits and hyphens, not
/// ending in a hyphen. `text` is Markdown: a handle inside inline code or a code block is shown
/// as code, and mentions nobody.
pub fn mentions(text: &str) -> Vec<String> {
    let text = super::markdown::prose(text);
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c != '@' {
            continue;
        }
        if i > 0 {
            let before = chars[i - 1];
            if before.is_alphanumeric() || before == '@' || before == '_' || before == '.' {
                continue;
            }
        }
        let handle: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        let handle = handle.trim_end_matches('-').to_string();
        if handle.is_empty() || handle.len() > HANDLE_MAX {
            continue;
        }
        if seen.insert(handle.clone()) {
            found.push(handle);
            if found.len() == MENTIONS_MAX {
                break;
            }
        }
    }
    found
}

/// A mention handle made from a display name: "Ada Lovelace" → "ada-lovelace". Letters outside
/// a–z are dropped; a name with none gives "member".
pub fn handle_from_name(name: &str) -> String {
    let mut handle = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            handle.push(c);
        } else if !handle.is_empty() && !handle.ends_with('-') {
            handle.push('-');
        }
    }
    // Room is left for a suffix of up to 7 characters ("-" and 6 more) when the handle is taken.
    let mut handle: String = handle.chars().take(HANDLE_MAX - 7).collect();
    while handle.ends_with('-') {
        handle.pop();
    }
    if handle.is_empty() {
        "member".to_string()
    } else {
        handle
    }
}

/// Which comments (by number) a person has read in a thread: a set of ranges, stored as text
/// like "1-12,15". Malformed text reads as nothing read, never as an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadRanges(Vec<(i64, i64)>);

/// Stored ranges longer than this are not trusted (they cannot be made by the app).
const RANGES_TEXT_MAX: usize = 64 * 1024;

impl ReadRanges {
    pub fn parse(text: &str) -> Self {
        if text.len() > RANGES_TEXT_MAX {
            return Self::default();
        }
        let mut ranges = Self::default();
        for part in text.split(',').filter(|p| !p.is_empty()) {
            let (a, b) = part.split_once('-').unwrap_or((part, part));
            match (a.parse::<i64>(), b.parse::<i64>()) {
                (Ok(a), Ok(b)) if a >= 1 && a <= b => ranges.add(a, b),
                _ => return Self::default(),
            }
        }
        ranges
    }

    /// Adds the numbers `from..=to`, merging with neighbours.
    pub fn add(&mut self, from: i64, to: i64) {
        if from > to {
            return;
        }
        let (mut from, mut to) = (from, to);
        let mut kept = Vec::with_capacity(self.0.len() + 1);
        for &(a, b) in &self.0 {
            if b.saturating_add(1) < from || to.saturating_add(1) < a {
                kept.push((a, b));
            } else {
                from = from.min(a);
                to = to.max(b);
            }
        }
        kept.push((from, to));
        kept.sort_unstable();
        self.0 = kept;
    }

    /// Adds each of `numbers`.
    pub fn add_all(&mut self, numbers: impl IntoIterator<Item = i64>) {
        for n in numbers {
            self.add(n, n);
        }
    }

    pub fn contains(&self, n: i64) -> bool {
        self.0.iter().any(|&(a, b)| a <= n && n <= b)
    }

    /// The ranges of numbers in `1..=upto` not read, first to last, at most `limit` of them.
    pub fn gaps(&self, upto: i64, limit: usize) -> Vec<(i64, i64)> {
        let mut gaps = Vec::new();
        let mut next = 1;
        for &(a, b) in &self.0 {
            if gaps.len() == limit || next > upto {
                return gaps;
            }
            if a > next {
                gaps.push((next, (a - 1).min(upto)));
            }
            next = next.max(b.saturating_add(1));
        }
        if next <= upto && gaps.len() < limit {
            gaps.push((next, upto));
        }
        gaps
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for ReadRanges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, &(a, b)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}-{b}")?;
            }
        }
        Ok(())
    }
}

/// The most words a search uses.
pub const SEARCH_WORDS_MAX: usize = 8;

/// The words of a search as typed: letters and digits, lower-cased, at most
/// [`SEARCH_WORDS_MAX`] of them. Everything else separates words, so no search syntax can be
/// typed in: each word is matched as a word (and its other forms, such as plurals).
pub fn search_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word: String = word.chars().take(40).collect::<String>().to_lowercase();
        if !words.contains(&word) {
            words.push(word);
        }
        if words.len() == SEARCH_WORDS_MAX {
            break;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_thread_needs_a_title_within_its_limit() {
        let mut answers = ThreadAnswers {
            title: "  ".into(),
            context: "x".repeat(CONTEXT_MAX + 1),
            visibility: "maybe".into(),
        };
        let errors = check_thread(&answers, true);
        assert_eq!(errors.len(), 3);
        assert!(
            check_thread(&answers, false)
                .for_field("visibility")
                .is_none()
        );
        answers.title = "é".repeat(TITLE_MAX);
        answers.context = "é".repeat(CONTEXT_MAX);
        answers.visibility = "private".into();
        assert!(check_thread(&answers, true).is_empty());
        answers.title.push('x');
        assert_eq!(
            check_thread(&answers, true).for_field("title").as_deref(),
            Some("The title must be 150 characters or fewer")
        );
    }

    #[test]
    fn a_comment_needs_words_within_its_limit() {
        assert!(check_comment(" \n ").for_field("body").is_some());
        assert!(check_comment(&"a".repeat(COMMENT_MAX)).is_empty());
        assert!(
            check_comment(&"a".repeat(COMMENT_MAX + 1))
                .for_field("body")
                .is_some()
        );
    }

    #[test]
    fn reactions_round_trip_and_have_names() {
        for r in Reaction::ALL {
            assert_eq!(Reaction::parse(r.as_str()), Some(r));
            assert!(!r.label().is_empty());
        }
        assert_eq!(Reaction::parse("love"), None);
    }

    #[test]
    fn mentions_are_found_once_and_emails_are_not_mentions() {
        assert_eq!(
            mentions(
                "Thanks @Ada-Lovelace and @bob! (@ada-lovelace again) mail ada@example.org @- @"
            ),
            vec!["ada-lovelace", "bob"]
        );
        assert_eq!(mentions("@carol-, see @dan"), vec!["carol", "dan"]);
        assert!(mentions(&format!("@{}", "a".repeat(HANDLE_MAX + 1))).is_empty());
        assert!(mentions(&format!("@{}-more", "a".repeat(HANDLE_MAX))).is_empty());
        let many: String = (0..30).map(|n| format!("@m{n} ")).collect();
        assert_eq!(mentions(&many).len(), MENTIONS_MAX);
        assert_eq!(mentions("**@eve**"), vec!["eve"]);
        assert_eq!(mentions("[@fay](https://example.org/@gus)"), vec!["fay"]);
    }

    #[test]
    fn handles_shown_as_code_mention_nobody() {
        let text = "Ask @ada: run `git log --author=@bob`.\n\n```\n@carol in a block\n```\n\n    @dan indented\n\n~~~\n@eve\n~~~\nThanks @fay";
        assert_eq!(mentions(text), vec!["ada", "fay"]);
        assert_eq!(mentions("`@gus`@hal"), vec!["hal"]);
    }

    #[test]
    fn handles_come_from_names() {
        assert_eq!(handle_from_name("Ada Lovelace"), "ada-lovelace");
        assert_eq!(handle_from_name("  José  O'Neil "), "jos-o-neil");
        assert_eq!(handle_from_name("李小龙"), "member");
        assert!(handle_from_name(&"abc ".repeat(40)).len() <= HANDLE_MAX - 7);
        assert!(!handle_from_name("a b c d e f g h i j k l m n").ends_with('-'));
    }

    #[test]
    fn read_ranges_merge_and_print() {
        let mut r = ReadRanges::default();
        r.add(5, 7);
        r.add(1, 2);
        r.add(3, 4);
        r.add(10, 10);
        assert_eq!(r.to_string(), "1-7,10");
        r.add(8, 9);
        assert_eq!(r.to_string(), "1-10");
        assert_eq!(ReadRanges::parse("1-10"), r);
        assert_eq!(ReadRanges::parse("3,1-2"), ReadRanges::parse("1-3"));
    }

    #[test]
    fn malformed_ranges_read_as_nothing() {
        for bad in [
            "x",
            "3-1",
            "0-2",
            "-1",
            "1-",
            "1--2",
            "99999999999999999999",
        ] {
            assert!(ReadRanges::parse(bad).is_empty(), "{bad}");
        }
    }

    #[test]
    fn gaps_are_the_unread_numbers() {
        let r = ReadRanges::parse("2-4,7");
        assert_eq!(r.gaps(9, 10), vec![(1, 1), (5, 6), (8, 9)]);
        assert_eq!(r.gaps(9, 2), vec![(1, 1), (5, 6)]);
        assert_eq!(r.gaps(3, 10), vec![(1, 1)]);
        assert_eq!(ReadRanges::default().gaps(3, 10), vec![(1, 3)]);
        assert!(ReadRanges::parse("1-5").gaps(5, 10).is_empty());
        assert!(ReadRanges::default().gaps(0, 10).is_empty());
    }

    #[test]
    fn search_words_carry_no_syntax() {
        assert_eq!(
            search_words("\"budget\" OR NEAR(x) -draft* budget"),
            vec!["budget", "or", "near", "x", "draft"]
        );
        assert_eq!(search_words("a b c d e f g h i j").len(), SEARCH_WORDS_MAX);
        assert!(search_words(" ***  ").is_empty());
    }

    proptest! {
        #[test]
        fn ranges_hold_exactly_what_was_added(numbers in proptest::collection::vec(1i64..60, 0..40)) {
            let mut r = ReadRanges::default();
            r.add_all(numbers.iter().copied());
            let again = ReadRanges::parse(&r.to_string());
            prop_assert_eq!(&again, &r);
            for n in 1..62 {
                prop_assert_eq!(r.contains(n), numbers.contains(&n));
            }
            let unread: i64 = r.gaps(61, usize::MAX).iter().map(|(a, b)| b - a + 1).sum();
            let distinct = numbers.iter().collect::<BTreeSet<_>>().len();
            prop_assert_eq!(unread, 61 - i64::try_from(distinct).unwrap());
        }

        #[test]
        fn any_text_parses_without_panicking(text in any::<String>()) {
            let _ = ReadRanges::parse(&text);
            let _ = mentions(&text);
            prop_assert!(search_words(&text).len() <= SEARCH_WORDS_MAX);
        }
    }
}
