-- Reply by email: one row per inbound message handled, so that a copy sent again (the same
-- Message-ID) is handled once: posted once, refused once, dropped once. Nothing of the message
-- is kept: its Message-ID only as a keyed hash, no address, no subject, no text.
-- Portable DDL: runs unchanged on SQLite and PostgreSQL. Times are unix seconds.

-- `outcome` is 'processing' while the message is handled, then 'posted' (comment_id says
-- which comment), 'refused' (a bounce was sent, or would have been to a sender that takes
-- none; `reason` says why) or 'dropped' (an auto-reply or a report, never answered).
-- `notification_id` is the notification whose reply address was used, once its token checked
-- out: a reply address posts one comment. Rows are deleted after 90 days by the housekeeping
-- job, and a row left 'processing' by a server that stopped after an hour.
CREATE TABLE inbound_mail (
    message_hash    TEXT   PRIMARY KEY,
    received_at     BIGINT NOT NULL,
    outcome         TEXT   NOT NULL
        CHECK (outcome IN ('processing', 'posted', 'refused', 'dropped')),
    reason          TEXT,
    notification_id TEXT   REFERENCES notifications (id) ON DELETE SET NULL,
    comment_id      TEXT   REFERENCES comments (id) ON DELETE SET NULL
);
CREATE INDEX inbound_mail_received ON inbound_mail (received_at);
CREATE INDEX inbound_mail_notification ON inbound_mail (notification_id);
CREATE INDEX inbound_mail_comment ON inbound_mail (comment_id);
-- A reply address is spent once a reply through it is posted (or being posted): a second
-- message through it is a replay.
CREATE UNIQUE INDEX inbound_mail_reply_once ON inbound_mail (notification_id)
    WHERE outcome IN ('processing', 'posted');
