-- Group exports loaded by `quorum import`: each file is known by the SHA-256 of its bytes, so
-- importing the same file again changes nothing. The record goes with the group.
CREATE TABLE imports (
    source_digest TEXT   PRIMARY KEY,
    group_id      TEXT   NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    imported_at   BIGINT NOT NULL
);
CREATE INDEX imports_group ON imports (group_id);
