-- PostgreSQL twin of migrations/sqlite/0006_polls.sql. Differs: BIGINT/BOOLEAN types, no WITHOUT ROWID, PL/pgSQL triggers.
-- Decisions: polls in threads, their options, who may vote, who has voted, and the ballots.
--
-- The secret ballot. In an anonymous poll, who voted (poll_participants) and what was voted
-- (ballots) are two tables with nothing in common but the poll: a ballot row has no voter and
-- no time, and its key is random. Triggers refuse a voter or a time on a secret ballot, and
-- refuse turning a poll's secrecy on or off once it exists.
--
-- What PostgreSQL keeps besides the columns, so what a database reader can still learn:
-- - Every row version carries the id of the transaction that wrote it (`xmin`), which any role
--   that may SELECT the table can read. A ballot written in the same transaction as its
--   poll_participants row has the same xmin: the ballot names its voter. Transaction ids only
--   grow, so even rows written in separate transactions line up: ballots in xmin order against
--   participants in voted_at (or xmin) order.
-- - New rows mostly go to the end of the table, so `ctid`, and the order of an unordered SELECT,
--   COPY or pg_dump, tends to be the order of casting; so does an index's order among equal
--   keys, such as ballots_poll's (poll_id, NULL) entries.
-- - With track_commit_timestamp on, pg_xact_commit_timestamp(xmin) dates each ballot.
-- - Row versions left by UPDATE or DELETE keep their xmin and contents until VACUUM removes
--   them (and their bytes may stay in the file until overwritten): a superuser (pageinspect),
--   or anyone holding a file-level backup, can read them.
-- - Outside the tables: the WAL (and any WAL archive, physical replica or logical decoding slot)
--   records each insert with its transaction id, in order; statement logging with parameters
--   can write both inserts of one vote side by side; a superuser can watch writes as they happen.
--   No schema hides a vote from the administrator of a running server or of its WAL and backups.
--   The aim is that the tables' visible rows (SELECT, pg_dump) do not link a voter to a ballot.
-- What the application must do, in the one transaction that casts a secret ballot (keeping the
-- poll_participants insert in it, so that a person votes once): after inserting the ballot,
-- rewrite all of the poll's ballots so that they share this transaction's xmin and lie in the
-- order of their random keys, not the order of casting; for example
--     WITH old AS (DELETE FROM ballots WHERE poll_id = $1 RETURNING *)
--     INSERT INTO ballots SELECT * FROM old ORDER BY id;
-- Then the newest xmin says only who voted last (as voted_at does), not which ballot is theirs.
-- Autovacuum then removes the dead versions; an operator who wants them gone sooner runs
-- VACUUM ballots after a vote. Nothing here can do this for the application: DDL cannot choose
-- where a row goes or what xmin it gets.

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
    anonymous         BOOLEAN NOT NULL,
    hide_results      TEXT    NOT NULL CHECK (hide_results IN ('never', 'until-voted', 'until-closed')),
    reason_mode       TEXT    NOT NULL CHECK (reason_mode IN ('off', 'optional', 'required')),
    reason_max        BIGINT  NOT NULL,
    allow_change      BOOLEAN NOT NULL,
    voters_only       BOOLEAN NOT NULL,
    none_of_the_above BOOLEAN NOT NULL DEFAULT FALSE,
    min_choices       BIGINT  NOT NULL DEFAULT 1,
    max_choices       BIGINT  NOT NULL DEFAULT 1,
    score_min         BIGINT  NOT NULL DEFAULT 0,
    score_max         BIGINT  NOT NULL DEFAULT 5,
    dot_total         BIGINT  NOT NULL DEFAULT 8,
    method            TEXT    NOT NULL DEFAULT 'borda' CHECK (method IN ('borda', 'instant-runoff')),
    count_target      BIGINT  NOT NULL DEFAULT 1,
    outcome           TEXT,                         -- markdown source, once written
    outcome_option    BIGINT,                       -- a meeting poll's chosen time
    outcome_by        TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    outcome_at        BIGINT,
    -- A secret ballot cannot be changed: there is no link from a person to their ballot.
    CHECK (NOT (anonymous AND allow_change)),
    CHECK (min_choices >= 1 AND max_choices >= min_choices),
    CHECK (score_max > score_min)
);
CREATE INDEX polls_thread ON polls (thread_id, created_at);
-- The closing job's question: which open polls are past their time?
CREATE INDEX polls_due ON polls (closes_at) WHERE closed_at IS NULL;

CREATE FUNCTION polls_secrecy_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a poll''s secrecy cannot change';
END;
$$;
CREATE TRIGGER polls_secrecy_is_fixed BEFORE UPDATE OF anonymous ON polls
FOR EACH ROW
WHEN (NEW.anonymous <> OLD.anonymous)
EXECUTE FUNCTION polls_secrecy_is_fixed();

-- Hidden results can be made stricter, never relaxed: someone who voted expecting the count to
-- stay hidden until the close must not see it shown early.
CREATE FUNCTION polls_hidden_results_stay_hidden() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hidden results cannot be relaxed';
END;
$$;
CREATE TRIGGER polls_hidden_results_stay_hidden BEFORE UPDATE OF hide_results ON polls
FOR EACH ROW
WHEN ((CASE NEW.hide_results WHEN 'never' THEN 0 WHEN 'until-voted' THEN 1 ELSE 2 END)
    < (CASE OLD.hide_results WHEN 'never' THEN 0 WHEN 'until-voted' THEN 1 ELSE 2 END))
EXECUTE FUNCTION polls_hidden_results_stay_hidden();

-- Options by number from 0; a meeting poll's options are times.
CREATE TABLE poll_options (
    poll_id   TEXT    NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    number    BIGINT  NOT NULL,
    label     TEXT    NOT NULL,
    starts_at BIGINT,
    PRIMARY KEY (poll_id, number)
);

-- When a poll is for named people only: who they are.
CREATE TABLE poll_voters (
    poll_id    TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (poll_id, account_id)
);

-- Who has voted, in every poll: for "who has not voted yet", and, in a secret ballot, to let a
-- person vote once. Never joined to ballots.
CREATE TABLE poll_participants (
    poll_id    TEXT   NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    voted_at   BIGINT NOT NULL,
    PRIMARY KEY (poll_id, account_id)
);

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
);
CREATE INDEX ballots_poll ON ballots (poll_id, replaced_at);
-- One current ballot per voter: a second one cannot slip in, however requests interleave.
CREATE UNIQUE INDEX ballots_current ON ballots (poll_id, voter_id)
    WHERE replaced_at IS NULL AND voter_id IS NOT NULL;

-- Both ballot triggers: the row-only half of SQLite's WHEN is the trigger's WHEN (which cannot
-- hold a subquery here); the poll's secrecy is looked up in the function.
CREATE FUNCTION ballots_refuse_secret() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT anonymous FROM polls WHERE id = NEW.poll_id) THEN
        RAISE EXCEPTION 'a secret ballot has no voter and no time';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER ballots_secret_insert BEFORE INSERT ON ballots
FOR EACH ROW
WHEN (NEW.voter_id IS NOT NULL OR NEW.cast_at IS NOT NULL)
EXECUTE FUNCTION ballots_refuse_secret();

CREATE TRIGGER ballots_secret_update BEFORE UPDATE ON ballots
FOR EACH ROW
WHEN (NEW.voter_id IS NOT NULL OR NEW.cast_at IS NOT NULL OR NEW.replaced_at IS NOT NULL)
EXECUTE FUNCTION ballots_refuse_secret();

-- An iCalendar event sent with an email (a meeting poll's outcome), blanked once sent.
ALTER TABLE outbox ADD COLUMN calendar TEXT;
