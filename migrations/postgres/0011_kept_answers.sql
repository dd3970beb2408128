-- Answers kept when a session ends before a form is sent (WCAG 2.2.5: re-authenticating must not
-- cost work). A form posted with a session that has ended is kept here, bound to the browser
-- that sent it (by a secret in a cookie, stored only as a hash) and to the person whose session
-- it was; after signing in again that person, in that browser, is shown it once, to send. Kept
-- for 24 hours at most.
CREATE TABLE kept_answers (
    id          TEXT   PRIMARY KEY,               -- names it in /answers/<id>
    secret_hash TEXT   NOT NULL,                  -- SHA-256 of the browser's cookie secret
    account_id  TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    action      TEXT   NOT NULL,                  -- where the form posted (path and query)
    fields      TEXT   NOT NULL,                  -- what it sent, form-encoded, without its token
    kept_at     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX kept_answers_expiry ON kept_answers (expires_at);

-- Whose a session was, for a day after it ended (idle, signed out, or ended from another
-- device), so that a form sent with it can be kept for the same person. Only the session id's
-- hash, as in `sessions`.
CREATE TABLE ended_sessions (
    id_hash    TEXT   PRIMARY KEY,
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    ended_at   BIGINT NOT NULL
);
CREATE INDEX ended_sessions_at ON ended_sessions (ended_at);
