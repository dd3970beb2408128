-- Notifications: what a person is told of, in the app and by email, and how much they want.
-- Portable DDL: runs unchanged on SQLite and PostgreSQL. Times are unix seconds.

-- One row per person per event they hear of. `in_app` rows are listed on /notifications;
-- `email` is 'pending' until the notification mailer has written the email into the outbox
-- ('sent'), or found at that moment that the person may no longer read the item ('dropped');
-- 'none' when the volume asks for no email. Rows go with the person, the group or the item.
CREATE TABLE notifications (
    id          TEXT   PRIMARY KEY,
    account_id  TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    group_id    TEXT   NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    kind        TEXT   NOT NULL,
    actor_id    TEXT   REFERENCES accounts (id) ON DELETE SET NULL,
    thread_id   TEXT   REFERENCES threads (id) ON DELETE CASCADE,
    poll_id     TEXT   REFERENCES polls (id) ON DELETE CASCADE,
    comment_id  TEXT   REFERENCES comments (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT,
    in_app      BOOLEAN NOT NULL,
    email       TEXT   NOT NULL CHECK (email IN ('none', 'pending', 'sent', 'dropped'))
);
-- A person's list, newest first; their unread ones (the header's count, and those a thread's
-- page reads); a comment's (told once); pending email; and every reference, for the cascades.
CREATE INDEX notifications_of ON notifications (account_id, created_at, id);
CREATE INDEX notifications_unread ON notifications (account_id, thread_id)
    WHERE in_app AND read_at IS NULL;
CREATE INDEX notifications_comment ON notifications (comment_id, account_id);
CREATE INDEX notifications_email_pending ON notifications (created_at, id) WHERE email = 'pending';
CREATE INDEX notifications_actor ON notifications (actor_id);
CREATE INDEX notifications_group ON notifications (group_id);
CREATE INDEX notifications_thread ON notifications (thread_id);
CREATE INDEX notifications_poll ON notifications (poll_id);

-- How much a person hears of a group: NULL follows their default for groups.
ALTER TABLE memberships ADD COLUMN volume TEXT
    CHECK (volume IN ('mute', 'quiet', 'normal', 'loud'));
ALTER TABLE accounts ADD COLUMN default_volume TEXT NOT NULL DEFAULT 'normal'
    CHECK (default_volume IN ('mute', 'quiet', 'normal', 'loud'));

-- A thread's volume overrides the group's for that thread.
CREATE TABLE thread_volumes (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    thread_id  TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    volume     TEXT NOT NULL CHECK (volume IN ('mute', 'quiet', 'normal', 'loud')),
    PRIMARY KEY (account_id, thread_id)
);
CREATE INDEX thread_volumes_thread ON thread_volumes (thread_id);

-- The catch-up digest: how often (weekly on `digest_day`, 1 = Monday), and when the next one is
-- due (06:00 in the person's time zone, worked out when it is chosen and after each one).
ALTER TABLE accounts ADD COLUMN digest TEXT NOT NULL DEFAULT 'off'
    CHECK (digest IN ('off', 'daily', 'alternate', 'weekly'));
ALTER TABLE accounts ADD COLUMN digest_day SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN digest_due_at BIGINT;
ALTER TABLE accounts ADD COLUMN digest_sent_at BIGINT;
CREATE INDEX accounts_digest_due ON accounts (digest_due_at) WHERE digest_due_at IS NOT NULL;

-- Who is reminded 24 hours before a poll closes, chosen by its author; once.
ALTER TABLE polls ADD COLUMN remind TEXT NOT NULL DEFAULT 'undecided'
    CHECK (remind IN ('nobody', 'undecided', 'voters', 'author'));
ALTER TABLE polls ADD COLUMN reminded_at BIGINT;

-- Extra headers of an email, as a JSON list of [name, value] pairs (List-Unsubscribe,
-- Reply-To, In-Reply-To, References); NULL for none.
ALTER TABLE outbox ADD COLUMN headers TEXT;
