-- PostgreSQL twin of migrations/sqlite/0002_outbox.sql. Differs: `attempts` is BIGINT, not INTEGER.
-- Outgoing email, written in the same transaction as the change that causes it and delivered
-- by the background sender. A row is never deleted: once sent, its bodies are blanked (they may
-- carry single-use sign-in tokens) and the rest stays as the record of what was sent and when.
-- A row that could not be delivered for days is marked failed, not dropped. Times are unix seconds.
CREATE TABLE outbox (
    id              TEXT    PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    -- The Message-ID header, made once and reused on every attempt, so that a copy delivered
    -- twice (a crash between the server's acceptance and the row being marked) is recognisable.
    message_id      TEXT    NOT NULL UNIQUE,
    created_at      BIGINT  NOT NULL,
    next_attempt_at BIGINT  NOT NULL,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    -- Set while a sender is delivering the row; another sender may take it only after this time
    -- (so a sender that died mid-delivery does not hold the message for ever).
    claimed_until   BIGINT,
    sent_at         BIGINT,
    failed_at       BIGINT,
    last_error      TEXT
);

-- The sender's question: which unsent rows are due?
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
