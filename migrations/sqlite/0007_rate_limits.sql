-- Rate limits, shared by every server on the database: one row per bucket, named by a keyed
-- hash (never an address in clear), holding the time in milliseconds at which the bucket will
-- be full again (the "theoretical arrival time" of the generic cell rate algorithm).
CREATE TABLE rate_limits (
    bucket  TEXT   PRIMARY KEY,
    full_at BIGINT NOT NULL
);
CREATE INDEX rate_limits_full_at ON rate_limits (full_at);
