-- Stored renderings of pages anyone may read (server/stored.rs) are kept until the content
-- they show changes. What changes it is counted here, by the database itself, so that no way of
-- writing (a page, a job, an import, the seed, an operator's command) can leave a stored page
-- stale: every insert, change or removal of a row a public page shows raises the version of its
-- family (a top-level group with its subgroups, named by the top-level group's id), and a change
-- to a person's name, handle or standing raises the version of everything (family '').
--
-- The triggers run once a statement (with the rows it changed), not once a row, and a family's
-- version is raised once per transaction (the transaction commits all it wrote at once, so once
-- is enough): a transaction-local setting remembers which were raised. So a transaction writing
-- many rows (a group's import, the seed) costs a few queries, not a few a row.
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

-- The families of the rows a statement changed (new_rows and old_rows, as each trigger names
-- them), found through the column TG_ARGV[0] names: group_id, thread_id, comment_id or poll_id;
-- or the groups themselves ('self').
CREATE FUNCTION content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed TEXT;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        FOR changed IN EXECUTE format(content_families_sql(TG_ARGV[0]), 'new_rows') LOOP
            PERFORM content_version_raise(changed);
        END LOOP;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        FOR changed IN EXECUTE format(content_families_sql(TG_ARGV[0]), 'old_rows') LOOP
            PERFORM content_version_raise(changed);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;

-- The query for the families of the rows in a transition table (its name left as %I).
CREATE FUNCTION content_families_sql(via TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE via
        WHEN 'self' THEN 'SELECT DISTINCT COALESCE(r.parent_id, r.id) FROM %I r'
        WHEN 'group_id' THEN 'SELECT DISTINCT COALESCE(g.parent_id, g.id) FROM %I r
            JOIN groups g ON g.id = r.group_id'
        WHEN 'thread_id' THEN 'SELECT DISTINCT COALESCE(g.parent_id, g.id) FROM %I r
            JOIN threads t ON t.id = r.thread_id JOIN groups g ON g.id = t.group_id'
        WHEN 'comment_id' THEN 'SELECT DISTINCT COALESCE(g.parent_id, g.id) FROM %I r
            JOIN comments c ON c.id = r.comment_id JOIN threads t ON t.id = c.thread_id
            JOIN groups g ON g.id = t.group_id'
        WHEN 'poll_id' THEN 'SELECT DISTINCT COALESCE(g.parent_id, g.id) FROM %I r
            JOIN polls p ON p.id = r.poll_id JOIN threads t ON t.id = p.thread_id
            JOIN groups g ON g.id = t.group_id'
    END
$$;

CREATE FUNCTION content_changed_everywhere() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM content_version_raise('');
    RETURN NULL;
END $$;

CREATE TRIGGER accounts_update_changes_pages AFTER UPDATE OF display_name, handle, deactivated_at ON accounts
    FOR EACH ROW EXECUTE FUNCTION content_changed_everywhere();
CREATE TRIGGER accounts_delete_changes_pages AFTER DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION content_changed_everywhere();

CREATE TRIGGER groups_insert_changes_pages AFTER INSERT ON groups REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('self');
CREATE TRIGGER groups_update_changes_pages AFTER UPDATE ON groups REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('self');
CREATE TRIGGER groups_delete_changes_pages AFTER DELETE ON groups REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('self');

CREATE TRIGGER memberships_insert_changes_pages AFTER INSERT ON memberships REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');
CREATE TRIGGER memberships_update_changes_pages AFTER UPDATE ON memberships REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');
CREATE TRIGGER memberships_delete_changes_pages AFTER DELETE ON memberships REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');

CREATE TRIGGER group_activity_insert_changes_pages AFTER INSERT ON group_activity REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');
CREATE TRIGGER group_activity_update_changes_pages AFTER UPDATE ON group_activity REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');
CREATE TRIGGER group_activity_delete_changes_pages AFTER DELETE ON group_activity REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');

CREATE TRIGGER attachments_insert_changes_pages AFTER INSERT ON attachments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');
CREATE TRIGGER attachments_update_changes_pages AFTER UPDATE ON attachments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');
CREATE TRIGGER attachments_delete_changes_pages AFTER DELETE ON attachments REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');

CREATE TRIGGER threads_insert_changes_pages AFTER INSERT ON threads REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');
CREATE TRIGGER threads_update_changes_pages AFTER UPDATE ON threads REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');
CREATE TRIGGER threads_delete_changes_pages AFTER DELETE ON threads REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('group_id');

CREATE TRIGGER thread_versions_insert_changes_pages AFTER INSERT ON thread_versions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('thread_id');
CREATE TRIGGER thread_versions_update_changes_pages AFTER UPDATE ON thread_versions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('thread_id');
CREATE TRIGGER thread_versions_delete_changes_pages AFTER DELETE ON thread_versions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('thread_id');

CREATE TRIGGER comments_insert_changes_pages AFTER INSERT ON comments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('thread_id');
CREATE TRIGGER comments_update_changes_pages AFTER UPDATE ON comments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('thread_id');
CREATE TRIGGER comments_delete_changes_pages AFTER DELETE ON comments REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('thread_id');

CREATE TRIGGER polls_insert_changes_pages AFTER INSERT ON polls REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('thread_id');
CREATE TRIGGER polls_update_changes_pages AFTER UPDATE ON polls REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('thread_id');
CREATE TRIGGER polls_delete_changes_pages AFTER DELETE ON polls REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('thread_id');

CREATE TRIGGER comment_versions_insert_changes_pages AFTER INSERT ON comment_versions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('comment_id');
CREATE TRIGGER comment_versions_update_changes_pages AFTER UPDATE ON comment_versions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('comment_id');
CREATE TRIGGER comment_versions_delete_changes_pages AFTER DELETE ON comment_versions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('comment_id');

CREATE TRIGGER reactions_insert_changes_pages AFTER INSERT ON reactions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('comment_id');
CREATE TRIGGER reactions_update_changes_pages AFTER UPDATE ON reactions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('comment_id');
CREATE TRIGGER reactions_delete_changes_pages AFTER DELETE ON reactions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('comment_id');

CREATE TRIGGER poll_options_insert_changes_pages AFTER INSERT ON poll_options REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
CREATE TRIGGER poll_options_update_changes_pages AFTER UPDATE ON poll_options REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
CREATE TRIGGER poll_options_delete_changes_pages AFTER DELETE ON poll_options REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');

CREATE TRIGGER poll_voters_insert_changes_pages AFTER INSERT ON poll_voters REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
CREATE TRIGGER poll_voters_update_changes_pages AFTER UPDATE ON poll_voters REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
CREATE TRIGGER poll_voters_delete_changes_pages AFTER DELETE ON poll_voters REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');

CREATE TRIGGER poll_participants_insert_changes_pages AFTER INSERT ON poll_participants REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
CREATE TRIGGER poll_participants_update_changes_pages AFTER UPDATE ON poll_participants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
CREATE TRIGGER poll_participants_delete_changes_pages AFTER DELETE ON poll_participants REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');

CREATE TRIGGER ballots_insert_changes_pages AFTER INSERT ON ballots REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
CREATE TRIGGER ballots_update_changes_pages AFTER UPDATE ON ballots REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
CREATE TRIGGER ballots_delete_changes_pages AFTER DELETE ON ballots REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');

CREATE TRIGGER poll_versions_insert_changes_pages AFTER INSERT ON poll_versions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
CREATE TRIGGER poll_versions_update_changes_pages AFTER UPDATE ON poll_versions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
CREATE TRIGGER poll_versions_delete_changes_pages AFTER DELETE ON poll_versions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed('poll_id');
