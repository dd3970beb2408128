-- PostgreSQL twin of migrations/sqlite/0004_groups.sql. Differs: the 7 permission flags (read as bool) are BOOLEAN.
-- Groups, their members, requests to join, invitations and what happened in them.
-- Booleans are BOOLEAN here (0/1 integers on SQLite).

CREATE TABLE groups (
    id           TEXT    PRIMARY KEY,
    handle       TEXT    NOT NULL UNIQUE,    -- lower-case, used in URLs: /g/<handle>
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '', -- markdown source, rendered and sanitised on display
    parent_id    TEXT    REFERENCES groups (id) ON DELETE CASCADE, -- one level of subgroups
    privacy      TEXT    NOT NULL CHECK (privacy IN ('open', 'closed', 'secret')),
    join_mode    TEXT    NOT NULL CHECK (join_mode IN ('open', 'request', 'invitation')),
    members_start_threads       BOOLEAN NOT NULL,
    members_start_polls         BOOLEAN NOT NULL,
    members_add_members         BOOLEAN NOT NULL,
    members_edit_own_comments   BOOLEAN NOT NULL,
    members_delete_own_comments BOOLEAN NOT NULL,
    members_create_subgroups    BOOLEAN NOT NULL,
    admins_edit_member_content  BOOLEAN NOT NULL,
    created_by   TEXT    REFERENCES accounts (id) ON DELETE SET NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    CHECK (NOT (privacy = 'secret' AND join_mode <> 'invitation')),
    CHECK (NOT (privacy = 'closed' AND join_mode = 'open'))
);
CREATE INDEX groups_parent ON groups (parent_id);
CREATE INDEX groups_directory ON groups (privacy, name);

CREATE TABLE memberships (
    group_id   TEXT   NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role       TEXT   NOT NULL CHECK (role IN ('admin', 'member')),
    joined_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, account_id)
);
CREATE INDEX memberships_account ON memberships (account_id);

-- A request to join waits until an admin approves it (then it is deleted and a membership made)
-- or ignores it (then it stays, marked, so the person is not asked again and again).
CREATE TABLE join_requests (
    id           TEXT   PRIMARY KEY,
    group_id     TEXT   NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    account_id   TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    introduction TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    ignored_at   BIGINT,
    UNIQUE (group_id, account_id)
);

-- An email invitation. The link's token is stored as its SHA-256 digest; a newer invitation to
-- the same address replaces the older; accepting uses it up in one update.
CREATE TABLE invitations (
    id          TEXT   PRIMARY KEY,
    group_id    TEXT   NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    email       TEXT   NOT NULL,
    token_hash  TEXT   NOT NULL UNIQUE,
    message     TEXT   NOT NULL DEFAULT '',
    invited_by  TEXT   REFERENCES accounts (id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    accepted_at BIGINT,
    accepted_by TEXT   REFERENCES accounts (id) ON DELETE SET NULL,
    revoked_at  BIGINT
);
CREATE INDEX invitations_group ON invitations (group_id, email);

-- What happened in a group, for members' dashboards. Names are looked up when shown, so a
-- deleted account shows as "Deleted account", and a subgroup named in an event is shown only to
-- those who may see it now.
CREATE TABLE group_activity (
    id               TEXT   PRIMARY KEY,
    group_id         TEXT   NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    at               BIGINT NOT NULL,
    actor_id         TEXT   REFERENCES accounts (id) ON DELETE SET NULL,
    kind             TEXT   NOT NULL,
    subject_group_id TEXT   REFERENCES groups (id) ON DELETE CASCADE  -- e.g. a new subgroup
);
CREATE INDEX group_activity_group ON group_activity (group_id, at);

-- Privileged actions in a group go to the audit log with the group they concern.
ALTER TABLE audit_events ADD COLUMN group_id TEXT;
