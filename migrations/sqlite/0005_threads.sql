-- Threads, comments, their versions, reactions, read state, and the search index.
-- Portable DDL but for the search index at the end, which is SQLite's FTS5; PostgreSQL keeps the
-- same words in a tsvector column with a GIN index behind the same store function.

-- The name members are mentioned by: `@handle`. Given when a name is first chosen.
ALTER TABLE accounts ADD COLUMN handle TEXT;
UPDATE accounts SET handle = 'member-' || substr(id, 1, 16) WHERE display_name IS NOT NULL;
CREATE UNIQUE INDEX accounts_handle ON accounts (handle);

CREATE TABLE threads (
    id               TEXT    PRIMARY KEY,
    group_id         TEXT    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    author_id        TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    title            TEXT    NOT NULL,
    context          TEXT    NOT NULL DEFAULT '',  -- markdown source
    private          INTEGER NOT NULL CHECK (private IN (0, 1)), -- members only, even in an open group
    version          INTEGER NOT NULL DEFAULT 1,   -- the newest row of thread_versions
    comment_seq      INTEGER NOT NULL DEFAULT 0,   -- the number given to the newest comment
    created_at       BIGINT  NOT NULL,
    edited_at        BIGINT,
    last_activity_at BIGINT  NOT NULL,
    closed_at        BIGINT,
    closed_by        TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    pinned_at        BIGINT,
    deleted_at       BIGINT,                       -- hidden at once, purged after a while
    deleted_by       TEXT    REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX threads_group ON threads (group_id, deleted_at, last_activity_at);
CREATE INDEX threads_deleted ON threads (deleted_at);

-- Every version of a thread's title and context, the first one included.
CREATE TABLE thread_versions (
    thread_id TEXT    NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    version   INTEGER NOT NULL,
    title     TEXT    NOT NULL,
    context   TEXT    NOT NULL,
    editor_id TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    at        BIGINT  NOT NULL,
    PRIMARY KEY (thread_id, version)
);

-- A comment, or a reply to one (one level). Reading order is (root_seq, seq): each comment in
-- the order posted, its replies straight after it. A deleted comment with replies stays as a
-- blank placeholder; one without replies is removed.
CREATE TABLE comments (
    id         TEXT    PRIMARY KEY,
    thread_id  TEXT    NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    root_seq   INTEGER NOT NULL,
    parent_id  TEXT    REFERENCES comments (id) ON DELETE CASCADE,
    author_id  TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    body       TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT  NOT NULL,
    edited_at  BIGINT,
    deleted_at BIGINT,
    UNIQUE (thread_id, seq)
);
CREATE INDEX comments_reading ON comments (thread_id, root_seq, seq);
CREATE INDEX comments_parent ON comments (parent_id);

CREATE TABLE comment_versions (
    comment_id TEXT    NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    editor_id  TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    at         BIGINT  NOT NULL,
    PRIMARY KEY (comment_id, version)
);

CREATE TABLE reactions (
    comment_id TEXT   NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind       TEXT   NOT NULL CHECK (kind IN ('agree', 'thanks', 'celebrate', 'question', 'concern')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (comment_id, account_id, kind)
);

-- Which comments of a thread a person has seen, as ranges of comment numbers ("1-12,15").
CREATE TABLE thread_reads (
    thread_id  TEXT   NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    ranges     TEXT   NOT NULL,
    read_at    BIGINT NOT NULL,
    PRIMARY KEY (thread_id, account_id)
);
CREATE INDEX thread_reads_account ON thread_reads (account_id);

-- The words of threads and comments, as plain text, for search. One row per thread (comment_id
-- empty) and per comment; the store keeps it in step in the same transactions as the content.
CREATE VIRTUAL TABLE search_text USING fts5 (
    title,
    body,
    thread_id UNINDEXED,
    comment_id UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
