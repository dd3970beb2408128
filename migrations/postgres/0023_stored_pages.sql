-- Stored renderings of pages anyone may read (server/stored.rs) are kept until the content
-- they show changes. What changes it is counted here, by the database itself, so that no way of
-- writing (a page, a job, an import, the seed, an operator's command) can leave a stored page
-- stale: every insert, change or removal of a row a public page shows raises the version of its
-- family (a top-level group with its subgroups, named by the top-level group's id), and a change
-- to a person's name, handle or standing raises the version of everything (family '').
--
-- A family's version is raised once per transaction (the transaction commits all it wrote at
-- once, so once is enough): a transaction-local setting remembers which were raised, so that a
-- transaction writing many rows (a group's import, the seed) does not update one row of
-- content_versions once per row.
CREATE TABLE content_versions (
    family  TEXT    PRIMARY KEY,
    version BIGINT  NOT NULL
);

CREATE FUNCTION content_version_raise(changed TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    seen TEXT := 'quorum.raised_' || md5(changed);
BEGIN
    IF changed IS NULL OR current_setting(seen, true) = 'yes' THEN
        RETURN;
    END IF;
    INSERT INTO content_versions (family, version) VALUES (changed, 1)
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    PERFORM set_config(seen, 'yes', true);
END $$;

-- The family of a group, thread, comment or poll, once per transaction for each of them.
CREATE FUNCTION content_version_raise_from(kind TEXT, source TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    seen TEXT := 'quorum.from_' || md5(kind || ':' || source);
BEGIN
    IF source IS NULL OR current_setting(seen, true) = 'yes' THEN
        RETURN;
    END IF;
    PERFORM content_version_raise(CASE kind
        WHEN 'group' THEN (SELECT COALESCE(g.parent_id, g.id) FROM groups g WHERE g.id = source)
        WHEN 'thread' THEN (SELECT COALESCE(g.parent_id, g.id) FROM threads t
                            JOIN groups g ON g.id = t.group_id WHERE t.id = source)
        WHEN 'comment' THEN (SELECT COALESCE(g.parent_id, g.id) FROM comments c
                             JOIN threads t ON t.id = c.thread_id
                             JOIN groups g ON g.id = t.group_id WHERE c.id = source)
        WHEN 'poll' THEN (SELECT COALESCE(g.parent_id, g.id) FROM polls p
                          JOIN threads t ON t.id = p.thread_id
                          JOIN groups g ON g.id = t.group_id WHERE p.id = source)
    END);
    PERFORM set_config(seen, 'yes', true);
END $$;

CREATE FUNCTION content_changed_group_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM content_version_raise(COALESCE(NEW.parent_id, NEW.id)); END IF;
    IF TG_OP <> 'INSERT' THEN PERFORM content_version_raise(COALESCE(OLD.parent_id, OLD.id)); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION content_changed_in_group() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM content_version_raise_from('group', NEW.group_id); END IF;
    IF TG_OP <> 'INSERT' THEN PERFORM content_version_raise_from('group', OLD.group_id); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION content_changed_in_thread() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM content_version_raise_from('thread', NEW.thread_id); END IF;
    IF TG_OP <> 'INSERT' THEN PERFORM content_version_raise_from('thread', OLD.thread_id); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION content_changed_in_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM content_version_raise_from('comment', NEW.comment_id); END IF;
    IF TG_OP <> 'INSERT' THEN PERFORM content_version_raise_from('comment', OLD.comment_id); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION content_changed_in_poll() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM content_version_raise_from('poll', NEW.poll_id); END IF;
    IF TG_OP <> 'INSERT' THEN PERFORM content_version_raise_from('poll', OLD.poll_id); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION content_changed_everywhere() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM content_version_raise('');
    RETURN NULL;
END $$;

CREATE TRIGGER groups_changes_pages AFTER INSERT OR UPDATE OR DELETE ON groups
    FOR EACH ROW EXECUTE FUNCTION content_changed_group_row();
CREATE TRIGGER accounts_update_changes_pages AFTER UPDATE OF display_name, handle, deactivated_at ON accounts
    FOR EACH ROW EXECUTE FUNCTION content_changed_everywhere();
CREATE TRIGGER accounts_delete_changes_pages AFTER DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION content_changed_everywhere();
CREATE TRIGGER memberships_changes_pages AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_group();
CREATE TRIGGER group_activity_changes_pages AFTER INSERT OR UPDATE OR DELETE ON group_activity
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_group();
CREATE TRIGGER attachments_changes_pages AFTER INSERT OR UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_group();
CREATE TRIGGER threads_changes_pages AFTER INSERT OR UPDATE OR DELETE ON threads
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_group();
CREATE TRIGGER thread_versions_changes_pages AFTER INSERT OR UPDATE OR DELETE ON thread_versions
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_thread();
CREATE TRIGGER comments_changes_pages AFTER INSERT OR UPDATE OR DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_thread();
CREATE TRIGGER polls_changes_pages AFTER INSERT OR UPDATE OR DELETE ON polls
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_thread();
CREATE TRIGGER comment_versions_changes_pages AFTER INSERT OR UPDATE OR DELETE ON comment_versions
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_comment();
CREATE TRIGGER reactions_changes_pages AFTER INSERT OR UPDATE OR DELETE ON reactions
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_comment();
CREATE TRIGGER poll_options_changes_pages AFTER INSERT OR UPDATE OR DELETE ON poll_options
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_poll();
CREATE TRIGGER poll_voters_changes_pages AFTER INSERT OR UPDATE OR DELETE ON poll_voters
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_poll();
CREATE TRIGGER poll_participants_changes_pages AFTER INSERT OR UPDATE OR DELETE ON poll_participants
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_poll();
CREATE TRIGGER ballots_changes_pages AFTER INSERT OR UPDATE OR DELETE ON ballots
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_poll();
CREATE TRIGGER poll_versions_changes_pages AFTER INSERT OR UPDATE OR DELETE ON poll_versions
    FOR EACH ROW EXECUTE FUNCTION content_changed_in_poll();
