-- Decisions: polls in threads, their options, who may vote, who has voted, and the ballots.
-- Portable DDL but for `WITHOUT ROWID` (PostgreSQL tables have no rowid to hide) and the
-- triggers' RAISE, which PostgreSQL writes as a function.
--
-- The secret ballot. In an anonymous poll, who voted (poll_participants) and what was voted
-- (ballots) are two tables with nothing in common but the poll: a ballot row has no voter and
-- no time, its key is random, and both tables are WITHOUT ROWID, so neither a column, nor the
-- order rows were written in, nor the time joins one to the other. Triggers refuse a voter or a
-- time on a secret ballot, and refuse turning a poll's secrecy on or off once it exists.

-- The zone a person reads and writes times in.
ALTER TABLE accounts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

CREATE TABLE polls (
    id                TEXT    PRIMARY KEY,
    thread_id         TEXT    NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    author_id         TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('proposal', 'sense-check', 'count',
                          'question', 'choose', 'score', 'dot-vote', 'ranked', 'meeting')),
    template          TEXT    CHECK (template IN ('consensus', 'consent', 'advice')),
    title             TEXT    NOT NULL,
    details           TEXT    NOT NULL DEFAULT '',  -- markdown source
    created_at        BIGINT  NOT NULL,
    closes_at         BIGINT  NOT NULL,
    closed_at         BIGINT,
    anonymous         INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
    hide_results      TEXT    NOT NULL CHECK (hide_results IN ('never', 'until-voted', 'until-closed')),
    reason_mode       TEXT    NOT NULL CHECK (reason_mode IN ('off', 'optional', 'required')),
    reason_max        INTEGER NOT NULL,
    allow_change      INTEGER NOT NULL CHECK (allow_change IN (0, 1)),
    voters_only       INTEGER NOT NULL CHECK (voters_only IN (0, 1)),
    none_of_the_above INTEGER NOT NULL DEFAULT 0 CHECK (none_of_the_above IN (0, 1)),
    min_choices       INTEGER NOT NULL DEFAULT 1,
    max_choices       INTEGER NOT NULL DEFAULT 1,
    score_min         INTEGER NOT NULL DEFAULT 0,
    score_max         INTEGER NOT NULL DEFAULT 5,
    dot_total         INTEGER NOT NULL DEFAULT 8,
    method            TEXT    NOT NULL DEFAULT 'borda' CHECK (method IN ('borda', 'instant-runoff')),
    count_target      INTEGER NOT NULL DEFAULT 1,
    outcome           TEXT,                         -- markdown source, once written
    outcome_option    INTEGER,                      -- a meeting poll's chosen time
    outcome_by        TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    outcome_at        BIGINT,
    -- A secret ballot cannot be changed: there is no link from a person to their ballot.
    CHECK (NOT (anonymous = 1 AND allow_change = 1)),
    CHECK (min_choices >= 1 AND max_choices >= min_choices),
    CHECK (score_max > score_min)
);
CREATE INDEX polls_thread ON polls (thread_id, created_at);
-- The closing job's question: which open polls are past their time?
CREATE INDEX polls_due ON polls (closes_at) WHERE closed_at IS NULL;

CREATE TRIGGER polls_secrecy_is_fixed BEFORE UPDATE OF anonymous ON polls
WHEN NEW.anonymous <> OLD.anonymous
BEGIN
    SELECT RAISE(ABORT, 'a poll''s secrecy cannot change');
END;

-- Hidden results can be made stricter, never relaxed: someone who voted expecting the count to
-- stay hidden until the close must not see it shown early.
CREATE TRIGGER polls_hidden_results_stay_hidden BEFORE UPDATE OF hide_results ON polls
WHEN (CASE NEW.hide_results WHEN 'never' THEN 0 WHEN 'until-voted' THEN 1 ELSE 2 END)
   < (CASE OLD.hide_results WHEN 'never' THEN 0 WHEN 'until-voted' THEN 1 ELSE 2 END)
BEGIN
    SELECT RAISE(ABORT, 'hidden results cannot be relaxed');
END;

-- Options by number from 0; a meeting poll's options are times.
CREATE TABLE poll_options (
    poll_id   TEXT    NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    number    INTEGER NOT NULL,
    label     TEXT    NOT NULL,
    starts_at BIGINT,
    PRIMARY KEY (poll_id, number)
) WITHOUT ROWID;

-- When a poll is for named people only: who they are.
CREATE TABLE poll_voters (
    poll_id    TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (poll_id, account_id)
) WITHOUT ROWID;

-- Who has voted, in every poll: for "who has not voted yet", and, in a secret ballot, to let a
-- person vote once. Never joined to ballots.
CREATE TABLE poll_participants (
    poll_id    TEXT   NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    voted_at   BIGINT NOT NULL,
    PRIMARY KEY (poll_id, account_id)
) WITHOUT ROWID;

-- Ballots. `marks` is "option=value" pairs separated by ";" ("0=1;3=2"). In an open poll each
-- change adds a ballot and marks the one before as replaced, so the history stays; in a secret
-- ballot `voter_id` and `cast_at` are always NULL.
CREATE TABLE ballots (
    id          TEXT   PRIMARY KEY,
    poll_id     TEXT   NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    voter_id    TEXT   REFERENCES accounts (id) ON DELETE SET NULL,
    cast_at     BIGINT,
    marks       TEXT   NOT NULL,
    reason      TEXT,
    replaced_at BIGINT
) WITHOUT ROWID;
CREATE INDEX ballots_poll ON ballots (poll_id, replaced_at);
-- One current ballot per voter: a second one cannot slip in, however requests interleave.
CREATE UNIQUE INDEX ballots_current ON ballots (poll_id, voter_id)
    WHERE replaced_at IS NULL AND voter_id IS NOT NULL;

CREATE TRIGGER ballots_secret_insert BEFORE INSERT ON ballots
WHEN (NEW.voter_id IS NOT NULL OR NEW.cast_at IS NOT NULL)
 AND (SELECT anonymous FROM polls WHERE id = NEW.poll_id) = 1
BEGIN
    SELECT RAISE(ABORT, 'a secret ballot has no voter and no time');
END;

CREATE TRIGGER ballots_secret_update BEFORE UPDATE ON ballots
WHEN (NEW.voter_id IS NOT NULL OR NEW.cast_at IS NOT NULL OR NEW.replaced_at IS NOT NULL)
 AND (SELECT anonymous FROM polls WHERE id = NEW.poll_id) = 1
BEGIN
    SELECT RAISE(ABORT, 'a secret ballot has no voter and no time');
END;

-- An iCalendar event sent with an email (a meeting poll's outcome), blanked once sent.
ALTER TABLE outbox ADD COLUMN calendar TEXT;
