-- PostgreSQL twin of migrations/sqlite/0012_speed_at_scale.sql. Differs: BIGINT.
--
-- Pages that cost the same however much a group has behind it (see README, "Performance").
--
-- A count of the votes cast in a poll, so that its results, counted once, are known to be
-- current without reading its ballots again: every vote adds one, in the same transaction as
-- its ballot. Results are kept in memory under (poll, options_version, ballot_version, open or
-- closed), which no later vote or edit can leave stale.
ALTER TABLE polls ADD COLUMN ballot_version BIGINT NOT NULL DEFAULT 0;

-- The poll page lists the newest votes first, a few at a time: read along this index, a page
-- of votes costs the same for ten ballots or ten thousand. A secret ballot's rows have no time,
-- so they come in the order of their random keys, which says nothing of who cast them.
CREATE INDEX ballots_recent ON ballots (poll_id, cast_at, id) WHERE replaced_at IS NULL;

-- A group's pinned threads, which its thread list shows first, without reading the others.
CREATE INDEX threads_pinned ON threads (group_id, pinned_at) WHERE pinned_at IS NOT NULL;

-- How many times a voter changed their vote, which the list of votes says beside each: read
-- along this index, it costs their own changes, not every change in the poll.
CREATE INDEX ballots_changes ON ballots (poll_id, voter_id, replaced_at);

-- A group's threads as its list shows them, most recently active first: read along this index,
-- the first page costs the same for twenty threads or twenty thousand (without it, PostgreSQL
-- sorts every thread of a large group).
CREATE INDEX threads_listed ON threads (group_id, last_activity_at DESC, id) WHERE deleted_at IS NULL;
