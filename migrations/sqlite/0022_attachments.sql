-- Attached files: of a thread's context, a comment, a poll's details or an outcome. The bytes
-- are in the file storage (a folder in the data folder, or an S3-compatible object store) under
-- the row's id, and an image's preview under `<id>.preview`; this table keeps what is needed to
-- list, check and serve them. Portable DDL: runs unchanged on SQLite and PostgreSQL.

-- `part` is what the file belongs to, or 'pending' while it waits in a form not yet posted (a
-- preview, or an answer with an error), so nobody has to choose it again. A pending file is
-- its uploader's alone, and is removed after a day.
-- There are no foreign keys to the post: when a thread, comment or poll goes, the row stays
-- until the file job has deleted the bytes from storage, then goes too. `removed_at` marks a
-- file taken off a post that stays.
-- `alt` is an image's text alternative, '' when its uploader said it is decorative, and NULL
-- for a file that is not an image.
CREATE TABLE attachments (
    id             TEXT    PRIMARY KEY,
    group_id       TEXT    NOT NULL,
    uploader_id    TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    part           TEXT    NOT NULL
        CHECK (part IN ('pending', 'context', 'comment', 'poll', 'outcome')),
    thread_id      TEXT,
    comment_id     TEXT,
    poll_id        TEXT,
    position       BIGINT  NOT NULL DEFAULT 0,
    name           TEXT    NOT NULL,
    file_type      TEXT    NOT NULL,
    size           BIGINT  NOT NULL,
    sha256         TEXT    NOT NULL,
    width          BIGINT,
    height         BIGINT,
    preview_size   BIGINT,
    preview_width  BIGINT,
    preview_height BIGINT,
    alt            TEXT,
    created_at     BIGINT  NOT NULL,
    removed_at     BIGINT
);
CREATE INDEX attachments_thread ON attachments (thread_id, part, position);
CREATE INDEX attachments_comment ON attachments (comment_id);
CREATE INDEX attachments_poll ON attachments (poll_id);
CREATE INDEX attachments_group ON attachments (group_id);
CREATE INDEX attachments_uploader ON attachments (uploader_id, part);
