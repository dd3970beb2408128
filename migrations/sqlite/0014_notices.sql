-- Notices sent by an operator to every person with an account (`quorum notify-all`), such as a
-- breach notice. A notice is known by its subject and text (`content_sha256`), so that running
-- the command again with the same words resumes the same notice instead of starting another;
-- its text is kept as the record of what was sent (the outbox blanks it once delivered).
-- Portable DDL: runs unchanged on SQLite and PostgreSQL. Times are unix seconds.
CREATE TABLE notices (
    id             TEXT   PRIMARY KEY,
    subject        TEXT   NOT NULL,
    body           TEXT   NOT NULL,
    content_sha256 TEXT   NOT NULL UNIQUE,
    created_at     BIGINT NOT NULL,
    -- Set once every recipient has the notice in the outbox.
    finished_at    BIGINT
);

-- Who has been given a notice: a row is written in the same transaction as the recipient's
-- outbox row, so a run stopped at any point and started again queues each person exactly once.
CREATE TABLE notice_recipients (
    notice_id  TEXT   NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    queued_at  BIGINT NOT NULL,
    PRIMARY KEY (notice_id, account_id)
);
