-- PostgreSQL twin of migrations/sqlite/0010_poll_versions.sql. Differs: BIGINT/BOOLEAN types,
-- no WITHOUT ROWID, string_agg for the options of existing polls.
--
-- Changing a poll while it is open, and reopening it once closed.
--
-- Every version of what a person can change is kept, as for threads and comments: the title,
-- details and closing time always (while open), and the options and how they are counted only
-- until the first vote. `polls.version` is the newest row of poll_versions; an edit names the
-- version it started from, and is refused when another was saved in between (no silent
-- overwrite). `options_version` is the version whose options and counting are current: a
-- ballot form names it, so a vote is never counted against options it was not cast for.
--
-- Reopening keeps every ballot. A poll's outcome belongs to the round that closed, so
-- reopening sets it aside in the version the reopening made (`earlier_outcome…`), and the next
-- close asks for a new one. The secret-ballot and hidden-results triggers of 0006 are untouched.

ALTER TABLE polls ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE polls ADD COLUMN options_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE polls ADD COLUMN edited_at BIGINT;
ALTER TABLE polls ADD COLUMN reopened_at BIGINT;

CREATE TABLE poll_versions (
    poll_id              TEXT    NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    version              BIGINT  NOT NULL,
    change               TEXT    NOT NULL CHECK (change IN ('started', 'edited', 'reopened')),
    title                TEXT    NOT NULL,
    details              TEXT    NOT NULL,
    closes_at            BIGINT  NOT NULL,
    options              TEXT    NOT NULL,  -- the options' names, one a line, in order
    template             TEXT,
    none_of_the_above    BOOLEAN NOT NULL,
    min_choices          BIGINT  NOT NULL,
    max_choices          BIGINT  NOT NULL,
    score_min            BIGINT  NOT NULL,
    score_max            BIGINT  NOT NULL,
    dot_total            BIGINT  NOT NULL,
    method               TEXT    NOT NULL,
    count_target         BIGINT  NOT NULL,
    editor_id            TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    at                   BIGINT  NOT NULL,
    -- Set by a reopening: the outcome the poll had when it was reopened.
    earlier_outcome      TEXT,
    earlier_outcome_option BIGINT,  -- a meeting poll's chosen time
    earlier_outcome_by   TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    earlier_outcome_at   BIGINT,
    PRIMARY KEY (poll_id, version)
);

-- Polls started before versions were kept: their first version is the poll as it stands (a
-- poll closed early already had its closing time moved to the moment it closed).
INSERT INTO poll_versions (poll_id, version, change, title, details, closes_at, options,
    template, none_of_the_above, min_choices, max_choices, score_min, score_max, dot_total,
    method, count_target, editor_id, at)
SELECT p.id, 1, 'started', p.title, p.details, p.closes_at,
    COALESCE((SELECT string_agg(o.label, E'\n' ORDER BY o.number) FROM poll_options o
        WHERE o.poll_id = p.id), ''),
    p.template, p.none_of_the_above, p.min_choices, p.max_choices, p.score_min, p.score_max,
    p.dot_total, p.method, p.count_target, p.author_id, p.created_at
FROM polls p;
