-- PostgreSQL twin of migrations/sqlite/0001_instance.sql. Differs: `id` is BIGINT, not INTEGER.
-- One row that records when this Quorum instance was first set up. The health check reads it,
-- which proves the database is reachable and migrated, not merely open.
CREATE TABLE instance (
    id         BIGINT  PRIMARY KEY CHECK (id = 1),
    created_at BIGINT  NOT NULL
);
