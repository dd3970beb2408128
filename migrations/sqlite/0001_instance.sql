-- One row that records when this Quorum instance was first set up. The health check reads it,
-- which proves the database is reachable and migrated, not merely open.
-- Portable DDL: runs unchanged on SQLite and PostgreSQL.
CREATE TABLE instance (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    created_at BIGINT  NOT NULL
);
