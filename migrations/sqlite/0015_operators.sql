-- Instance operators: people who run the instance, named with `quorum operator add EMAIL`. The
-- role shows them counts and mail health, never a group's content.
CREATE TABLE operators (
    account_id TEXT   PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    added_at   BIGINT NOT NULL
);

-- Support access: a group's admin lets operators read the group for a while (1 hour to 7
-- days). A grant is active while it is neither revoked nor past ends_at; its admins are told
-- when it ends once, and end_notified_at records that they were.
CREATE TABLE support_grants (
    id              TEXT   PRIMARY KEY,
    group_id        TEXT   NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    granted_by      TEXT   REFERENCES accounts (id) ON DELETE SET NULL,
    granted_at      BIGINT NOT NULL,
    ends_at         BIGINT NOT NULL,
    revoked_at      BIGINT,
    revoked_by      TEXT   REFERENCES accounts (id) ON DELETE SET NULL,
    end_notified_at BIGINT
);
CREATE INDEX support_grants_group ON support_grants (group_id, ends_at);
CREATE INDEX support_grants_unnotified ON support_grants (ends_at) WHERE end_notified_at IS NULL;
