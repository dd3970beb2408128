// Written by `scripts/statement write` (a11y-tests/acr/statement.mjs) from
// docs/accessibility/criteria.json: edit that file, not this one. `scripts/statement check`,
// run by scripts/test, fails when this file is not what the criteria file makes.

/// Quorum's conformance with WCAG 2.1 level AA, as the criteria file records it.
pub const STATUS: &str = "partially conforms";

/// Why the status is what it is.
pub const STATUS_REASON: &str = "It partially conforms because 2 criteria at levels A and AA have the known exceptions listed below (2.2.1, 3.1.2); and the manual checks of 18 criteria at levels A and AA, which no tool can decide, are not yet complete, so full conformance is not yet shown.";

/// Every criterion with known exceptions, at levels A, AA and the AAA criteria Quorum targets.
pub const EXCEPTIONS: &[KnownExceptions] = &[
    KnownExceptions {
        criterion: "2.2.1 Timing Adjustable (level A)",
        exceptions: &[
            KnownException {
                problem: "Sign-in links and codes expire after 10 minutes, for security, and cannot be extended.",
                workaround: "If yours has expired, choose “Start signing in again” on the page that says so and ask for a new one. Nothing you typed is lost: a form you sent after your session ended is kept, and sent once you have signed in again.",
            },
        ],
    },
    KnownExceptions {
        criterion: "3.1.2 Language of Parts (level AA)",
        exceptions: &[
            KnownException {
                problem: "Comments and other text written by people in a language other than English are not marked with their language, since Quorum does not know it, so a screen reader reads them with English rules.",
                workaround: "Switch your screen reader to the passage’s language by hand while you read it (most screen readers have a command or voice setting for this).",
            },
        ],
    },
    KnownExceptions {
        criterion: "2.2.3 No Timing (level AAA)",
        exceptions: &[
            KnownException {
                problem: "A sign-in link or code expires after 10 minutes.",
                workaround: "Ask for a new one: the page that says it has expired has a link to start signing in again.",
            },
            KnownException {
                problem: "A poll closes at the time its author set.",
                workaround: "The poll’s page says when it closes. If you need more time, ask its author or a group admin: they can change the closing time, or reopen a closed poll.",
            },
        ],
    },
    KnownExceptions {
        criterion: "2.4.8 Location (level AAA)",
        exceptions: &[
            KnownException {
                problem: "A few pages have no breadcrumbs: page not found, the server error page, the page that keeps your answers when Quorum is busy, the signed-out page, and the welcome page of a first sign-in.",
                workaround: "Each of these pages says where you are in its title and main heading, and the Quorum link at the top of every page leads to the home page.",
            },
        ],
    },
    KnownExceptions {
        criterion: "2.4.9 Link Purpose (Link Only) (level AAA)",
        exceptions: &[
            KnownException {
                problem: "Links written by people in their comments and descriptions carry the text their authors gave them, which Quorum cannot judge.",
                workaround: "Read the sentence around the link, or check the link’s web address (most browsers show it, and screen readers can read it) before following it.",
            },
            KnownException {
                problem: "Links to the pages of a long list (“Next page”, “Page 2”) say which list they belong to only through the navigation they are in.",
                workaround: "Screen readers name the navigation (such as “Pages of comments”) when you move into it; a list of all links may leave that name out.",
            },
        ],
    },
];

/// What the evidence is, in numbers.
pub const EVIDENCE: &[&str] = &[
    "59 criteria are assessed: every WCAG 2.0 and 2.1 criterion at levels A and AA, and the 9 level AAA criteria Quorum aims for.",
    "7 criteria do not apply to Quorum (it has no audio or video, for example).",
    "12 criteria are decided by the automated checks alone.",
    "40 criteria need a person to check what no tool can decide: 15 of these manual checks passed, 5 passed in part, 0 failed and 20 have not been run yet.",
];

/// Criteria whose manual check has not been run, or passed only in part.
pub const NOT_FULLY_CHECKED: &[&str] = &[
    "1.3.1 Info and Relationships (level A)",
    "1.3.2 Meaningful Sequence (level A)",
    "1.4.1 Use of Color (level A)",
    "2.2.1 Timing Adjustable (level A)",
    "2.5.3 Label in Name (level A)",
    "3.2.1 On Focus (level A)",
    "3.3.2 Labels or Instructions (level A)",
    "4.1.2 Name, Role, Value (level A)",
    "1.4.4 Resize Text (level AA)",
    "1.4.10 Reflow (level AA)",
    "1.4.11 Non-text Contrast (level AA)",
    "1.4.12 Text Spacing (level AA)",
    "2.4.5 Multiple Ways (level AA)",
    "2.4.6 Headings and Labels (level AA)",
    "3.1.2 Language of Parts (level AA)",
    "3.3.3 Error Suggestion (level AA)",
    "3.3.4 Error Prevention (Legal, Financial, Data) (level AA)",
    "4.1.3 Status Messages (level AA)",
    "1.4.8 Visual Presentation (level AAA)",
    "2.2.3 No Timing (level AAA)",
    "2.4.8 Location (level AAA)",
    "2.4.9 Link Purpose (Link Only) (level AAA)",
    "2.4.10 Section Headings (level AAA)",
    "3.3.5 Help (level AAA)",
    "3.3.6 Error Prevention (All) (level AAA)",
];

/// When the manual checks were last run.
pub const MANUAL_RUNS: &str = "The manual checks were last run on 7 December 2026.";
