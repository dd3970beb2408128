-- Accounts, sign-in requests, sessions and the audit log.
-- Secrets are never stored as issued: link tokens, codes, browser handles and session ids are
-- stored as SHA-256 digests (hex), so a copy of the database cannot be used to sign in.
-- Portable DDL: runs unchanged on SQLite and PostgreSQL.

CREATE TABLE accounts (
    id            TEXT    PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,   -- trimmed and lower-cased
    display_name  TEXT,                      -- NULL until the first sign-in asks for it
    password_hash TEXT,                      -- argon2id PHC string; NULL when no password is set
    created_at    BIGINT  NOT NULL
);

-- One pending request per email address: a newer request replaces the older.
CREATE TABLE sign_in_requests (
    id            TEXT    PRIMARY KEY,
    email         TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,   -- the link's token
    code_hash     TEXT    NOT NULL,          -- the typed code, bound to this request
    handle_hash   TEXT    NOT NULL UNIQUE,   -- the requesting browser's cookie, for the code path
    next_path     TEXT    NOT NULL,
    code_attempts INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    used_at       BIGINT
);
CREATE INDEX sign_in_requests_email ON sign_in_requests (email);

CREATE TABLE sessions (
    id_hash      TEXT    PRIMARY KEY,
    public_id    TEXT    NOT NULL UNIQUE,    -- names the session on the account page
    account_id   TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    device       TEXT    NOT NULL,           -- a hint such as "Firefox on Linux"
    created_at   BIGINT  NOT NULL,
    last_seen_at BIGINT  NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

-- A change of email address waits for a link sent to the new address.
CREATE TABLE email_changes (
    id          TEXT   PRIMARY KEY,
    account_id  TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    new_email   TEXT   NOT NULL,
    token_hash  TEXT   NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

-- Sign-in and account events. The email is kept only as a keyed hash (HMAC with the instance
-- secret), so the log shows repeated attempts on one address without storing the address.
CREATE TABLE audit_events (
    id          TEXT   PRIMARY KEY,
    at          BIGINT NOT NULL,
    action      TEXT   NOT NULL,
    outcome     TEXT   NOT NULL,
    account_id  TEXT,
    email_hash  TEXT,
    ip          TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);

-- Secrets made once per instance, such as the key for hashing emails in the audit log.
CREATE TABLE instance_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
