//! Made-up words for made-up people, groups, threads and comments: plain English, so that
//! search finds them and pages read like a real group's.

use super::rng::Rng;

const FIRST_NAMES: &[&str] = &[
    "Ada", "Ben", "Chidi", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena",
    "Mo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tomas", "Uma", "Vik", "Wen", "Yara",
    "Zoe", "Aled", "Bea", "Cai", "Dev", "Esme",
];

const LAST_NAMES: &[&str] = &[
    "Abbott", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jones",
    "Khan", "Lopez", "Morgan", "Nowak", "Okafor", "Patel", "Quist", "Reyes", "Singh", "Taylor",
    "Usman", "Varga", "Walsh", "Xu", "Young", "Zeller",
];

const PLACES: &[&str] = &[
    "Riverside",
    "Northgate",
    "Elm Street",
    "Harbour",
    "Hillcrest",
    "Old Town",
    "Westfield",
    "Meadow Lane",
    "Station Road",
    "Brookside",
    "Castle Hill",
    "Mill Bank",
];

const BODIES: &[&str] = &[
    "Tenants' Association",
    "Allotment Society",
    "Food Co-op",
    "Parents' Forum",
    "Cycling Club",
    "Library Friends",
    "Housing Co-op",
    "Youth Council",
    "Choir",
    "Repair Café",
    "Climate Action",
    "Residents' Panel",
    "Credit Union",
    "Arts Collective",
];

const TOPICS: &[&str] = &[
    "the annual budget",
    "the summer fair",
    "new opening hours",
    "the shared garden",
    "bike storage",
    "the meeting room",
    "recycling bins",
    "the newsletter",
    "volunteer rotas",
    "the roof repairs",
    "membership fees",
    "the website",
    "street lighting",
    "the kitchen rules",
    "the next workshop",
    "noise at night",
    "the bulk order",
    "parking spaces",
    "the playground",
    "the heating schedule",
    "a grant application",
    "the spring clean-up",
    "the bookshelves",
    "the tool library",
];

const OPENERS: &[&str] = &[
    "Proposal about",
    "Questions on",
    "Ideas for",
    "Update on",
    "Let's decide on",
    "Feedback wanted on",
    "Plans for",
    "A problem with",
    "Thoughts about",
    "Vote on",
];

const SENTENCES: &[&str] = &[
    "I think we should keep it simple and try it for a month first.",
    "Could someone share the figures from last year before we decide?",
    "I agree with the last point, and I would add that the cost matters.",
    "We talked about this at the meeting and most people were in favour.",
    "I am not sure this works for people who cannot come in the evenings.",
    "Thanks for writing this up, it is much clearer now.",
    "Can we make sure the notes are shared with everyone afterwards?",
    "I would rather wait until the spring, when more volunteers are around.",
    "The quote we got was higher than expected, so we may need a second one.",
    "I can help with this on Saturday mornings if that is useful.",
    "Has anyone asked the neighbours what they think?",
    "Let's write down what we agree on so it is easy to find later.",
    "I like the idea but the timing feels rushed to me.",
    "We should check the rules before we change anything.",
    "There is a cheaper option that does the same job.",
    "My concern is that nobody will have time to look after it.",
    "This was tried before and it went well, so I am in favour.",
    "Could we split this into two smaller decisions?",
    "I will bring it up with the committee and report back.",
    "Accessibility should be part of this from the start, not an afterthought.",
];

const OPTION_WORDS: &[&str] = &[
    "Saturday morning",
    "Sunday afternoon",
    "Community hall",
    "The park",
    "Online",
    "Blue",
    "Green",
    "Keep as it is",
    "Try something new",
    "Split the cost",
    "Ask for a grant",
    "Hire someone",
    "Do it ourselves",
    "Wait a year",
    "Start now",
];

/// The `n`th person's name: the same for the same seed.
pub fn person_name(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

/// A group's name, such as "Riverside Food Co-op".
pub fn group_name(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(PLACES), rng.pick(BODIES))
}

/// A thread's title, such as "Ideas for the summer fair".
pub fn thread_title(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(OPENERS), rng.pick(TOPICS))
}

/// `n` sentences as one paragraph.
pub fn sentences(rng: &mut Rng, n: usize) -> String {
    (0..n.max(1))
        .map(|_| *rng.pick(SENTENCES))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A comment of one to four sentences, sometimes in two paragraphs.
pub fn comment(rng: &mut Rng) -> String {
    let first = rng.between(1, 3);
    let text = sentences(rng, usize::try_from(first).unwrap_or(1));
    if rng.chance(0.25) {
        format!("{text}\n\n{}", sentences(rng, 1))
    } else {
        text
    }
}

/// `n` distinct option names.
pub fn options(rng: &mut Rng, n: usize) -> Vec<String> {
    rng.sample(OPTION_WORDS, n)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// A lower-case handle made of the words of `name`, with `n` to keep it unique.
pub fn handle(name: &str, n: usize) -> String {
    let mut handle = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            handle.push(c);
        } else if !handle.ends_with('-') && !handle.is_empty() {
            handle.push('-');
        }
    }
    let handle = handle.trim_end_matches('-');
    let cut: String = handle.chars().take(30).collect();
    format!("{}-{n}", cut.trim_end_matches('-'))
}

/// A poll's title, such as "Where should we hold the summer fair?".
pub fn poll_title(rng: &mut Rng) -> String {
    const ASKS: &[&str] = &[
        "What should we do about",
        "Shall we go ahead with",
        "How do you feel about",
        "Choose a plan for",
        "When should we discuss",
    ];
    format!("{} {}?", rng.pick(ASKS), rng.pick(TOPICS))
}
