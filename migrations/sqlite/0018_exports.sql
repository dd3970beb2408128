-- Personal exports: a copy of everything Quorum holds about a person, asked for on the account
-- page and built in the background. The zip itself is a file in the data folder
-- (exports/<id>.zip), never in the database. The link that fetches it is stored only as the
-- SHA-256 of its token; it works once, for the person who asked, for a day. Rows and files go
-- a day after the copy was ready (or, unbuilt, a day after it was asked for).
CREATE TABLE exports (
    id            TEXT   PRIMARY KEY,
    account_id    TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    requested_at  BIGINT NOT NULL,
    claimed_until BIGINT,            -- a server is building it until then
    ready_at      BIGINT,
    token_hash    TEXT   UNIQUE,     -- set when ready
    expires_at    BIGINT,            -- set when ready: the link works until then
    used_at       BIGINT
);
CREATE INDEX exports_account ON exports (account_id);
CREATE INDEX exports_pending ON exports (ready_at, requested_at);
