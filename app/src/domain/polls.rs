//! Pure rules of a decision: the kinds of poll, their settings, what a ballot may hold
//! ([`ballot`]) and how ballots are counted ([`tally`]).
//!
//! Strategy: every kind of poll is reduced to one shape. A poll has numbered options (fixed by
//! the kind for proposals, sense checks and counts; written by the author otherwise; the times
//! of a meeting poll), and a ballot is a list of marks, `(option, value)`: 1 for a choice, the
//! score, the number of dots, the rank (1 = first), or [`MEETING_YES`] and friends. "None of
//! the above" is one more option, the last, that may only be chosen alone. So the store keeps
//! every kind in the same two tables and the tallies are plain functions of that list.

pub mod ballot;
pub mod calendar;
pub mod setup;
pub mod tally;

/// The kinds of poll, as in Loomio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PollKind {
    /// A proposal with one of the [`Template`]s' fixed options.
    Proposal,
    /// A quick temperature check: looks good, not sure, concerned.
    SenseCheck,
    /// People opt in; the result is how many, against a target.
    Count,
    /// No options: each person answers in words.
    Question,
    /// Choose one option, or several within bounds.
    Choose,
    /// Score every option on a scale.
    Score,
    /// Share a fixed number of dots among the options.
    DotVote,
    /// Rank the options; counted by Borda count or instant runoff.
    Ranked,
    /// Say yes, if need be, or no to each proposed time.
    Meeting,
}

impl PollKind {
    pub const ALL: [Self; 9] = [
        Self::Proposal,
        Self::SenseCheck,
        Self::Count,
        Self::Question,
        Self::Choose,
        Self::Score,
        Self::DotVote,
        Self::Ranked,
        Self::Meeting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposal => "proposal",
            Self::SenseCheck => "sense-check",
            Self::Count => "count",
            Self::Question => "question",
            Self::Choose => "choose",
            Self::Score => "score",
            Self::DotVote => "dot-vote",
            Self::Ranked => "ranked",
            Self::Meeting => "meeting",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            Self::Proposal => "Proposal",
            Self::SenseCheck => "Sense check",
            Self::Count => "Count",
            Self::Question => "Question",
            Self::Choose => "Choose",
            Self::Score => "Score",
            Self::DotVote => "Dot vote",
            Self::Ranked => "Ranked choice",
            Self::Meeting => "Meeting time",
        }
    }

    /// One sentence on what the kind is for, shown when choosing one.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Proposal => {
                "Put a proposal to the group: people agree, abstain, disagree or block, consent or object, or give advice"
            }
            Self::SenseCheck => {
                "Check how people feel before a proposal: looks good, not sure, or concerned"
            }
            Self::Count => "See who is in, against a target number",
            Self::Question => "Ask a question that people answer in their own words",
            Self::Choose => "People choose one option, or several",
            Self::Score => "People give every option a score",
            Self::DotVote => "People share out a number of dots among the options",
            Self::Ranked => "People put the options in order of preference",
            Self::Meeting => "Find a time to meet: people say yes, if need be, or no to each time",
        }
    }

    /// Whether the author writes the options (otherwise they are fixed, or there are none).
    pub fn has_written_options(self) -> bool {
        matches!(
            self,
            Self::Choose | Self::Score | Self::DotVote | Self::Ranked | Self::Meeting
        )
    }
}

/// The option sets of a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Template {
    /// Agree, abstain, disagree, block.
    Consensus,
    /// Consent, objection.
    Consent,
    /// Agree, abstain: people advise the one who decides.
    Advice,
}

impl Template {
    pub const ALL: [Self; 3] = [Self::Consensus, Self::Consent, Self::Advice];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consensus => "consensus",
            Self::Consent => "consent",
            Self::Advice => "advice",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Consensus => "Consensus",
            Self::Consent => "Consent",
            Self::Advice => "Advice",
        }
    }

    pub fn explanation(self) -> &'static str {
        match self {
            Self::Consensus => "Agree, abstain, disagree or block",
            Self::Consent => "Consent, or object",
            Self::Advice => "Agree or abstain, to advise the person who decides",
        }
    }

    pub fn options(self) -> &'static [&'static str] {
        match self {
            Self::Consensus => &["Agree", "Abstain", "Disagree", "Block"],
            Self::Consent => &["Consent", "Objection"],
            Self::Advice => &["Agree", "Abstain"],
        }
    }
}

/// The fixed options of a sense check.
pub const SENSE_CHECK_OPTIONS: [&str; 3] = ["Looks good", "Not sure", "Concerned"];
/// The options of a count: only the first counts towards the target.
pub const COUNT_OPTIONS: [&str; 2] = ["Count me in", "Not this time"];
/// The extra last option of a choose poll that offers it.
pub const NONE_OF_THE_ABOVE: &str = "None of the above";

/// A meeting poll's answers for one time.
pub const MEETING_YES: i64 = 2;
pub const MEETING_IF_NEED_BE: i64 = 1;
pub const MEETING_NO: i64 = 0;

/// When results may be seen. Once set it can only be made stricter, never relaxed, so no one
/// who voted expecting a hidden count sees it shown early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HideResults {
    Never,
    UntilVoted,
    UntilClosed,
}

impl HideResults {
    pub const ALL: [Self; 3] = [Self::Never, Self::UntilVoted, Self::UntilClosed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::UntilVoted => "until-voted",
            Self::UntilClosed => "until-closed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Never => "Show results as votes come in",
            Self::UntilVoted => "Hide results until a person has voted",
            Self::UntilClosed => "Hide results until the poll closes",
        }
    }

    /// Whether results may be shown to a person now.
    pub fn shows(self, has_voted: bool, closed: bool) -> bool {
        closed
            || match self {
                Self::Never => true,
                Self::UntilVoted => has_voted,
                Self::UntilClosed => false,
            }
    }
}

/// Whether voters give a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonMode {
    Off,
    Optional,
    Required,
}

impl ReasonMode {
    pub const ALL: [Self; 3] = [Self::Off, Self::Optional, Self::Required];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Optional => "optional",
            Self::Required => "required",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Off => "No reasons",
            Self::Optional => "People may give a reason",
            Self::Required => "People must give a reason",
        }
    }
}

/// How a ranked-choice poll is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RankedMethod {
    /// As Loomio: with `n` options, first place earns `n` points, second `n - 1`, and so on.
    Borda,
    /// Last place is eliminated round by round until one option has a majority.
    InstantRunoff,
}

impl RankedMethod {
    pub const ALL: [Self; 2] = [Self::Borda, Self::InstantRunoff];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Borda => "borda",
            Self::InstantRunoff => "instant-runoff",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Borda => "Borda count: points for each place",
            Self::InstantRunoff => {
                "Instant runoff: last place is eliminated until one has a majority"
            }
        }
    }
}

/// The most options an author may write.
pub const OPTIONS_MAX: usize = 20;
/// The form field of each option's input, by number, for error messages that link to it
/// ("none of the above" included, so one more than [`OPTIONS_MAX`]).
pub const OPTION_FIELDS: [&str; OPTIONS_MAX + 1] = [
    "option-0",
    "option-1",
    "option-2",
    "option-3",
    "option-4",
    "option-5",
    "option-6",
    "option-7",
    "option-8",
    "option-9",
    "option-10",
    "option-11",
    "option-12",
    "option-13",
    "option-14",
    "option-15",
    "option-16",
    "option-17",
    "option-18",
    "option-19",
    "option-20",
];

/// Everything about a poll that checking a ballot and counting ballots depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollRules {
    pub kind: PollKind,
    /// The number of options, "none of the above" included when offered (it is the last).
    pub option_count: usize,
    /// Choose: whether the last option is "none of the above".
    pub none_of_the_above: bool,
    /// Choose: how many options a ballot marks, at least and at most. Single choice is 1 and 1.
    pub min_choices: i64,
    pub max_choices: i64,
    /// Score: the scale, inclusive.
    pub score_min: i64,
    pub score_max: i64,
    /// Dot vote: the dots each person shares out, at most.
    pub dot_total: i64,
    /// Ranked: how the ballots are counted.
    pub method: RankedMethod,
    /// Count: how many people are needed.
    pub count_target: i64,
    pub reason: ReasonMode,
    /// The longest reason, in characters.
    pub reason_max: usize,
}

impl PollRules {
    /// The rules of a poll of `kind` with `option_count` options and the usual settings: one
    /// choice, a 0–5 scale, 8 dots, Borda count, a target of 10, no reasons.
    pub fn new(kind: PollKind, option_count: usize) -> Self {
        Self {
            kind,
            option_count,
            none_of_the_above: false,
            min_choices: 1,
            max_choices: 1,
            score_min: 0,
            score_max: 5,
            dot_total: 8,
            method: RankedMethod::Borda,
            count_target: 10,
            reason: ReasonMode::Off,
            reason_max: setup::REASON_MAX,
        }
    }
}

/// One mark on a ballot: an option's number (from 0) and its value.
pub type Mark = (usize, i64);

/// A ballot as counted: the marks, one per option at most.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ballot {
    pub marks: Vec<Mark>,
}
