-- Handles a group has given up by taking a new one. Old links to /g/<handle> lead on to the
-- group (301), and no other group may take the handle until `reserved_until`: otherwise anyone
-- could set up an impostor at the address members have bookmarked.
CREATE TABLE former_handles (
    handle         TEXT   PRIMARY KEY,
    group_id       TEXT   NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    reserved_until BIGINT NOT NULL
);
CREATE INDEX former_handles_by_group ON former_handles (group_id);
