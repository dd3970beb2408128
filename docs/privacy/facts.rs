// Written by `scripts/privacy write` (docs/privacy/facts.mjs) from docs/privacy/data.json and
// the migrations: edit data.json, not this one. `scripts/privacy check`, run by scripts/test,
// fails when this file is not what they make.

/// What is stored nowhere, or kept out of the logs.
pub const NOT_STORED: &str = "No tracking, no analytics, no third-party resources. Files and images are not uploaded (no object store is used). The server log records no query strings, cookies, form answers or credentials (app/tests/logs.rs, app/tests/privacy.rs).";

/// Where personal data goes beyond Quorum's own server.
pub const PROCESSORS: &[Processor] = &[
    Processor {
        name: "SMTP relay (QUORUM_SMTP_URL)",
        receives: "every email: recipient address, subject, and the text of sign-in, invitation and notification emails",
        when: "when mail is set up; without it, email is written as .eml files in the data folder",
    },
    Processor {
        name: "PostgreSQL server (DATABASE_URL), when used instead of SQLite",
        receives: "the whole database",
        when: "when the instance runs on PostgreSQL, for example a managed service",
    },
    Processor {
        name: "Edge worker (Cloudflare), when deployed",
        receives: "every request through it: IP addresses, addresses of pages, sign-in posts (passed through) and cookies; it caches only public pages asked for without a session",
        when: "when an operator deploys edge/ in front of Quorum",
    },
    Processor {
        name: "Backup storage",
        receives: "backups, encrypted with age before they leave the server",
        when: "wherever the operator keeps quorum backup files",
    },
    Processor {
        name: "Mail server that receives replies by email, when reply by email is on",
        receives: "replies to notification emails: the sender's address and what they wrote, which Quorum reads once and keeps only as the comment it posts",
        when: "when QUORUM_INBOUND_SMTP_ADDR or QUORUM_INBOUND_SECRET is set; the operator's own mail server, or a mail service that forwards to Quorum",
    },
    Processor {
        name: "S3-compatible object store (QUORUM_STORAGE_URL), when used instead of the files folder",
        receives: "the bytes of every attached file (images as Quorum encoded them again, without their metadata), under random names; not who attached them, nor their names or words, which stay in the database",
        when: "when QUORUM_STORAGE_URL names a bucket, for example a cloud provider's",
    },
];

/// Every table that holds personal data, in the order the migrations make them.
pub const TABLES: &[Table] = &[
    Table {
        name: "outbox",
        personal: &[
            ("recipient", "the email address it goes to"),
            ("subject", "says what happened and where (a group or thread name)"),
            ("body_text", "the email, which may quote people's writing and hold a sign-in link or code, until sent"),
            ("body_html", "as body_text"),
            ("calendar", "a meeting poll's chosen time, until sent"),
            ("last_error", "the SMTP server's answer, which may name the address"),
            ("headers", "the unsubscribe link and reply address, which name the recipient's account, until sent"),
        ],
        purpose: "Email waiting to be sent, and a record of email sent, so that each is delivered once.",
        retention: "The subject and the text, HTML and calendar parts are blanked once the email is sent; the rest of the row (recipient, subject, times) is kept. Unsent email is retried for three days, then kept marked failed. When an account is deleted, mail to its address is blanked (recipient, subject, bodies) and its name is taken out of other people's mail; the email confirming the deletion forgets its recipient once delivered or given up (erase_when_sent).",
        who_can_see: "the people who run the instance (database access)",
    },
    Table {
        name: "accounts",
        personal: &[
            ("email", "their email address"),
            ("display_name", "the name they chose"),
            ("password_hash", "an argon2id hash of their optional password"),
            ("handle", "their @handle for mentions"),
            ("time_zone", "the time zone they chose"),
            ("deactivated_at", "when they deactivated their account, until they sign in again"),
            ("default_volume", "how much they want to hear of groups they have not set"),
            ("digest", "how often they want a catch-up digest"),
            ("digest_day", "the weekday of a weekly digest"),
            ("digest_due_at", "when their next digest is due"),
            ("digest_sent_at", "when their last digest was sent"),
        ],
        purpose: "Who a person is: to sign them in, show their name on what they write and send them email.",
        retention: "Until the person deletes their account (Your account, Leave Quorum): the row is deleted, and with it their sessions, sign-in requests, memberships, reactions and pending invitations; their name is replaced by \"Deleted account\" on what they wrote, their identity and IP addresses are erased from the audit log, and mail to them is blanked. Deactivating keeps the row, ends memberships and sessions, and is undone by signing in.",
        who_can_see: "The person (account page); the email address only by the person and the operators; the name and handle by everyone who can see what the person wrote or the member lists they are on.",
    },
    Table {
        name: "sign_in_requests",
        personal: &[
            ("email", "the address asked for"),
            ("next_path", "the page the person was going to"),
        ],
        purpose: "A sign-in in progress: the link, the code and the browser that asked.",
        retention: "Deleted a day after it expires (it expires after 10 minutes), or when a newer request for the same address replaces it.",
        who_can_see: "the people who run the instance (database access)",
    },
    Table {
        name: "sessions",
        personal: &[
            ("account_id", "whose session"),
            ("device", "a browser family hint such as \"Firefox on Linux\""),
            ("created_at", "when they signed in"),
            ("last_seen_at", "when they last used it"),
        ],
        purpose: "Signed-in browsers.",
        retention: "Until signed out or ended from the account page, or, when QUORUM_SESSION_IDLE_TIMEOUT is set, unused for that many minutes.",
        who_can_see: "The person (account page: device hint and times) and the operators.",
    },
    Table {
        name: "email_changes",
        personal: &[
            ("account_id", "whose change"),
            ("new_email", "the new address"),
        ],
        purpose: "A change of email address waiting for the new inbox to confirm it.",
        retention: "Until used or replaced by a newer change; expired rows are not yet removed.",
        who_can_see: "the people who run the instance (database access)",
    },
    Table {
        name: "audit_events",
        personal: &[
            ("account_id", "who acted"),
            ("email_hash", "an HMAC of the address a sign-in was asked for, so repeated attempts show without the address"),
            ("ip", "the IP address of the request"),
            ("at", "when"),
            ("subject_id", "whom a group action was done to (a member removed, a role changed)"),
            ("detail", "a short description of the action, such as the old and new setting; it may name a group's handle or a thread's title"),
        ],
        purpose: "A record of sign-ins, sign-outs, account changes and privileged group actions, for investigating misuse.",
        retention: "Deleted by the housekeeping job once older than QUORUM_AUDIT_RETENTION_DAYS (400 days by default). Nothing in Quorum changes a line once written.",
        who_can_see: "A group's admins see their group's lines (the group's audit log page: when, who, the action, whom and the detail; never the IP address or the email hash), and the operators.",
    },
    Table {
        name: "groups",
        personal: &[
            ("created_by", "who created it"),
        ],
        purpose: "Groups and their settings.",
        retention: "Groups cannot be deleted yet: for the life of the instance.",
        who_can_see: "Depends on the group's privacy: open and closed groups' names and descriptions are public; secret groups only to members.",
    },
    Table {
        name: "memberships",
        personal: &[
            ("account_id", "the member"),
            ("role", "admin or member"),
            ("joined_at", "when"),
            ("volume", "how much they want to hear of the group"),
        ],
        purpose: "Who belongs to which group, as admin or member.",
        retention: "Until the person leaves or is removed.",
        who_can_see: "The group's members (member list); never people outside the group, even of an open group.",
    },
    Table {
        name: "join_requests",
        personal: &[
            ("account_id", "who asked"),
            ("introduction", "what they wrote to the admins"),
            ("created_at", "when"),
            ("ignored_at", "when an admin ignored it"),
        ],
        purpose: "Requests to join a group that asks for approval.",
        retention: "Until approved; an ignored request is kept, marked ignored. (Groups cannot be deleted yet.)",
        who_can_see: "The person asking and the group's admins.",
    },
    Table {
        name: "invitations",
        personal: &[
            ("email", "the invited address"),
            ("message", "the inviter's message"),
            ("invited_by", "who invited"),
            ("accepted_by", "the account that accepted"),
        ],
        purpose: "Invitations to join a group by email.",
        retention: "Until accepted, revoked or expired (INVITATION_LIFETIME, 30 days); the rows are kept afterwards with the address.",
        who_can_see: "The group's admins (and members who may add members, who are not shown whose address became whose account).",
    },
    Table {
        name: "group_activity",
        personal: &[
            ("actor_id", "who did it"),
            ("at", "when"),
        ],
        purpose: "A group's activity list (new members, threads, comments, polls).",
        retention: "Until the thread, comment or poll it names is deleted or purged; otherwise for the life of the group (groups cannot be deleted yet).",
        who_can_see: "Those who can see the group's content.",
    },
    Table {
        name: "threads",
        personal: &[
            ("author_id", "who started it"),
            ("title", "what they wrote"),
            ("context", "what they wrote"),
            ("closed_by", "who closed it"),
            ("deleted_by", "who deleted it"),
        ],
        purpose: "Discussions.",
        retention: "Until deleted; a deleted thread is hidden at once and purged for good after 30 days (PURGE_AFTER_SECS), while an admin can restore it.",
        who_can_see: "Those who can see the group's content (public in an open group unless the thread is private).",
    },
    Table {
        name: "thread_versions",
        personal: &[
            ("title", "what was written"),
            ("context", "what was written"),
            ("editor_id", "who edited"),
            ("at", "when"),
        ],
        purpose: "Every earlier version of a thread's title and context, shown in its history.",
        retention: "As the thread.",
        who_can_see: "As the thread.",
    },
    Table {
        name: "comments",
        personal: &[
            ("author_id", "who wrote it"),
            ("body", "what they wrote"),
            ("created_at", "when"),
            ("edited_at", "when edited"),
        ],
        purpose: "Comments and replies.",
        retention: "Until deleted or the thread is purged: deleting a comment removes its text, earlier versions and reactions at once (a comment with replies keeps an empty row so the replies stay in place).",
        who_can_see: "As the thread.",
    },
    Table {
        name: "comment_versions",
        personal: &[
            ("body", "what was written"),
            ("editor_id", "who edited"),
            ("at", "when"),
        ],
        purpose: "Every earlier version of a comment, shown in its history.",
        retention: "As the comment.",
        who_can_see: "As the thread.",
    },
    Table {
        name: "reactions",
        personal: &[
            ("account_id", "who reacted"),
            ("kind", "how"),
            ("created_at", "when"),
        ],
        purpose: "Reactions to comments (agree, thanks, …).",
        retention: "Until taken back, or the comment is deleted.",
        who_can_see: "As the thread, with the names of who reacted.",
    },
    Table {
        name: "thread_reads",
        personal: &[
            ("account_id", "the reader"),
            ("ranges", "which comments they have read"),
            ("read_at", "when they last read"),
        ],
        purpose: "Which comments each person has read, to take them to the first unread.",
        retention: "Until the thread is purged or the account deleted.",
        who_can_see: "Only the person.",
    },
    Table {
        name: "search_text",
        personal: &[
            ("title", "a copy of what was written"),
            ("body", "a copy of what was written"),
        ],
        purpose: "A copy of titles and comments for search.",
        retention: "As the thread or comment it copies.",
        who_can_see: "Search results follow the same permissions as the thread.",
    },
    Table {
        name: "polls",
        personal: &[
            ("author_id", "who started it"),
            ("title", "what they wrote"),
            ("details", "what they wrote"),
            ("outcome", "what the outcome's author wrote"),
            ("outcome_by", "who wrote the outcome"),
            ("outcome_at", "when"),
        ],
        purpose: "Polls and their outcomes.",
        retention: "As the thread.",
        who_can_see: "As the thread.",
    },
    Table {
        name: "poll_options",
        personal: &[
            ("label", "what the author wrote"),
        ],
        purpose: "A poll's options.",
        retention: "As the poll.",
        who_can_see: "As the thread.",
    },
    Table {
        name: "poll_voters",
        personal: &[
            ("account_id", "a named voter"),
        ],
        purpose: "Who may vote, when a poll is limited to named voters.",
        retention: "As the poll.",
        who_can_see: "As the thread.",
    },
    Table {
        name: "poll_participants",
        personal: &[
            ("account_id", "who voted"),
            ("voted_at", "when"),
        ],
        purpose: "Who has voted (for every poll, secret ballots included), kept apart from what they voted.",
        retention: "As the poll.",
        who_can_see: "As the thread; in a secret ballot nothing links a voter to a ballot.",
    },
    Table {
        name: "ballots",
        personal: &[
            ("voter_id", "who voted (empty in a secret ballot)"),
            ("cast_at", "when (empty in a secret ballot)"),
            ("marks", "what they voted"),
            ("reason", "the reason they gave"),
        ],
        purpose: "Votes. In a secret ballot the voter and time are never stored (a trigger refuses them).",
        retention: "As the poll; a changed vote keeps the replaced ballot (replaced_at).",
        who_can_see: "As the poll's results allow (hidden until voted or closed when the poll says so); named ballots show who voted what, unless the poll is secret.",
    },
    Table {
        name: "poll_versions",
        personal: &[
            ("title", "what was written"),
            ("details", "what was written"),
            ("options", "what was written"),
            ("editor_id", "who edited"),
            ("at", "when"),
            ("earlier_outcome", "a set-aside outcome's text"),
            ("earlier_outcome_by", "who wrote it"),
            ("earlier_outcome_at", "when"),
        ],
        purpose: "Every earlier version of a poll, shown in its history.",
        retention: "As the poll.",
        who_can_see: "As the thread.",
    },
    Table {
        name: "kept_answers",
        personal: &[
            ("account_id", "whose answers"),
            ("action", "where the form was going"),
            ("fields", "what they had written (never passwords)"),
            ("kept_at", "when"),
        ],
        purpose: "A form sent after the session ended, kept so that the person need not type it again once signed in.",
        retention: "KEPT_FOR: a day, or until sent.",
        who_can_see: "Only the person, in the browser that sent it.",
    },
    Table {
        name: "ended_sessions",
        personal: &[
            ("account_id", "whose session"),
            ("ended_at", "when"),
        ],
        purpose: "Sessions ended recently, so that a form sent from one can be kept (kept_answers).",
        retention: "KEPT_FOR: a day.",
        who_can_see: "the people who run the instance (database access)",
    },
    Table {
        name: "notice_recipients",
        personal: &[
            ("account_id", "who was sent the notice"),
            ("queued_at", "when it was put in the outbox for them"),
        ],
        purpose: "Who has been given a notice, so that each person is sent it exactly once.",
        retention: "As long as the notice; a person's rows go when their account is deleted.",
        who_can_see: "the people who run the instance (database access)",
    },
    Table {
        name: "operators",
        personal: &[
            ("account_id", "who holds the role"),
            ("added_at", "when the role was given"),
        ],
        purpose: "Who runs the instance with the operator role (set with quorum operator add/remove): they see counts of people and groups and mail health, and may read a private group only while its admins grant support access.",
        retention: "Until the role is removed with quorum operator remove, or the account is deleted.",
        who_can_see: "the people who run the instance (database access)",
    },
    Table {
        name: "support_grants",
        personal: &[
            ("granted_by", "the admin who granted it"),
            ("granted_at", "when"),
            ("revoked_by", "the admin who ended it early"),
            ("revoked_at", "when"),
        ],
        purpose: "Support access: a group's admin lets the instance's operators read the group for a chosen time (1 hour to 7 days); every page an operator reads under it is in the group's audit log.",
        retention: "Kept with no time limit, as a record of who let operators in and when; deleted with the group.",
        who_can_see: "the group's admins (the active grant, on the group's settings page) and the people who run the instance (database access)",
    },
    Table {
        name: "exports",
        personal: &[
            ("account_id", "whose copy"),
            ("requested_at", "when they asked"),
            ("ready_at", "when it was ready"),
            ("used_at", "when they fetched it"),
        ],
        purpose: "A person's request for a copy of their data (the account page), and the one-use link that fetches it. The copy itself is a zip file in the data folder (exports/<id>.zip), never in the database.",
        retention: "A day after the copy is ready (or, if never built, a day after it was asked for), then the row and the file are deleted; the file goes at once when the link is used. When an account is deleted its rows go with it, and the housekeeping job deletes their files within the next hour or so.",
        who_can_see: "Only the person, signed in, through the link emailed to them; the people who run the instance (database access and the data folder).",
    },
    Table {
        name: "notifications",
        personal: &[
            ("account_id", "who is told"),
            ("actor_id", "who acted (cleared when that account is deleted)"),
            ("read_at", "when the person read it"),
            ("created_at", "when"),
        ],
        purpose: "What a person is told of in Quorum (/notifications) and by email: a new thread, a poll, an outcome, a mention, a reply, a reaction and the like.",
        retention: "Until the person deletes their account, or the group, thread, poll or comment it is about is deleted. Only shown while the person may still read the item.",
        who_can_see: "The person it is for (/notifications); the operators (database access).",
    },
    Table {
        name: "thread_volumes",
        personal: &[
            ("account_id", "who chose"),
            ("volume", "what they chose"),
        ],
        purpose: "How much a person wants to hear of one thread, overriding their choice for its group.",
        retention: "Until the person deletes their account or the thread is deleted.",
        who_can_see: "The person (the thread's notification settings); the operators (database access).",
    },
    Table {
        name: "inbound_mail",
        personal: &[
            ("notification_id", "the notification whose reply address was used, which names the person it was for (cleared when it is deleted)"),
            ("comment_id", "the comment the reply became, which names its author (cleared when it is deleted)"),
            ("received_at", "when the message arrived"),
        ],
        purpose: "Replies by email: that an inbound message was handled, so that a copy sent again posts once and is answered once, and that a reply address has been used.",
        retention: "90 days (INBOUND_KEPT_FOR), deleted by the housekeeping job; a row left unfinished by a stopped server goes after an hour. Nothing of the message itself is kept: no address, subject or text, and its Message-ID only as a keyed hash.",
        who_can_see: "the people who run the instance (database access)",
    },
    Table {
        name: "attachments",
        personal: &[
            ("uploader_id", "who attached the file (cleared when their account is deleted)"),
            ("name", "the file's name, which may name people"),
            ("alt", "an image's text alternative, in the uploader's words"),
            ("created_at", "when it was attached"),
            ("thread_id", "the thread it belongs to"),
            ("comment_id", "the comment it belongs to, which names its author"),
            ("poll_id", "the poll it belongs to"),
        ],
        purpose: "Files attached to a thread's context, a comment, a poll or an outcome: what each is, who attached it, what it belongs to, and an image's text alternative. The bytes are in the file storage (a folder in the data folder, or the S3-compatible bucket the instance names), under the row's id.",
        retention: "As long as the post it belongs to. A file taken off its post, or whose comment, poll or thread is deleted (a thread once purged), is deleted from storage by the file job within a minute, then its row. A file waiting in a form not yet posted goes after a day.",
        who_can_see: "whoever may read the post it belongs to, checked on every request; a waiting file only its uploader; the people who run the instance (database and storage access)",
    },
];

/// The tables with no personal data, and what each is for.
pub const OTHER_TABLES: &[(&str, &str)] = &[
    ("instance", "The instance's creation time."),
    ("instance_secrets", "Keys the instance makes for itself (sign-in link keys, the audit and rate-limit keys)."),
    ("rate_limits", "Sign-in rate limits."),
    ("former_handles", "A renamed group's old addresses, reserved so that nobody else takes them."),
    ("notices", "Notices an operator sent to everyone with an account (quorum notify-all), such as a breach notice: the record of what was sent, and what lets a run stopped half-way carry on without sending anyone a second copy."),
    ("imports", "Which group export files were loaded with quorum import, known by the SHA-256 of the file, so that loading the same file again changes nothing."),
    ("content_versions", "How many times each group family's public content has changed, so that a stored rendering of a public page is used only while nothing it shows has changed."),
];
