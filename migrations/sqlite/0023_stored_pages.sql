-- Stored renderings of pages anyone may read (server/stored.rs) are kept until the content
-- they show changes. What changes it is counted here, by the database itself, so that no way of
-- writing (a page, a job, an import, the seed, an operator's command) can leave a stored page
-- stale: every insert, change or removal of a row a public page shows raises the version of its
-- family (a top-level group with its subgroups, named by the top-level group's id), and a change
-- to a person's name, handle or standing raises the version of everything (family '').
CREATE TABLE content_versions (
    family  TEXT    PRIMARY KEY,
    version BIGINT  NOT NULL
);

CREATE TRIGGER groups_insert_changes_pages AFTER INSERT ON groups
BEGIN
    INSERT INTO content_versions (family, version) SELECT COALESCE(NEW.parent_id, NEW.id), 1 WHERE true
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER groups_update_changes_pages AFTER UPDATE ON groups
BEGIN
    INSERT INTO content_versions (family, version) SELECT COALESCE(NEW.parent_id, NEW.id), 1 WHERE true
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version) SELECT COALESCE(OLD.parent_id, OLD.id), 1 WHERE true
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER groups_delete_changes_pages AFTER DELETE ON groups
BEGIN
    INSERT INTO content_versions (family, version) SELECT COALESCE(OLD.parent_id, OLD.id), 1 WHERE true
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER accounts_update_changes_pages AFTER UPDATE OF display_name, handle, deactivated_at ON accounts
BEGIN
    INSERT INTO content_versions (family, version) VALUES ('', 1)
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER accounts_delete_changes_pages AFTER DELETE ON accounts
BEGIN
    INSERT INTO content_versions (family, version) VALUES ('', 1)
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER memberships_insert_changes_pages AFTER INSERT ON memberships
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = NEW.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER memberships_update_changes_pages AFTER UPDATE ON memberships
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = NEW.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = OLD.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER memberships_delete_changes_pages AFTER DELETE ON memberships
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = OLD.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER group_activity_insert_changes_pages AFTER INSERT ON group_activity
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = NEW.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER group_activity_update_changes_pages AFTER UPDATE ON group_activity
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = NEW.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = OLD.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER group_activity_delete_changes_pages AFTER DELETE ON group_activity
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = OLD.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER attachments_insert_changes_pages AFTER INSERT ON attachments
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = NEW.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER attachments_update_changes_pages AFTER UPDATE ON attachments
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = NEW.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = OLD.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER attachments_delete_changes_pages AFTER DELETE ON attachments
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = OLD.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER threads_insert_changes_pages AFTER INSERT ON threads
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = NEW.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER threads_update_changes_pages AFTER UPDATE ON threads
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = NEW.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = OLD.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER threads_delete_changes_pages AFTER DELETE ON threads
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM groups g WHERE g.id = OLD.group_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER thread_versions_insert_changes_pages AFTER INSERT ON thread_versions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = NEW.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER thread_versions_update_changes_pages AFTER UPDATE ON thread_versions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = NEW.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = OLD.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER thread_versions_delete_changes_pages AFTER DELETE ON thread_versions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = OLD.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER comments_insert_changes_pages AFTER INSERT ON comments
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = NEW.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER comments_update_changes_pages AFTER UPDATE ON comments
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = NEW.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = OLD.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER comments_delete_changes_pages AFTER DELETE ON comments
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = OLD.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER polls_insert_changes_pages AFTER INSERT ON polls
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = NEW.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER polls_update_changes_pages AFTER UPDATE ON polls
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = NEW.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = OLD.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER polls_delete_changes_pages AFTER DELETE ON polls
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM threads t JOIN groups g ON g.id = t.group_id WHERE t.id = OLD.thread_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER comment_versions_insert_changes_pages AFTER INSERT ON comment_versions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM comments c JOIN threads t ON t.id = c.thread_id JOIN groups g ON g.id = t.group_id WHERE c.id = NEW.comment_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER comment_versions_update_changes_pages AFTER UPDATE ON comment_versions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM comments c JOIN threads t ON t.id = c.thread_id JOIN groups g ON g.id = t.group_id WHERE c.id = NEW.comment_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM comments c JOIN threads t ON t.id = c.thread_id JOIN groups g ON g.id = t.group_id WHERE c.id = OLD.comment_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER comment_versions_delete_changes_pages AFTER DELETE ON comment_versions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM comments c JOIN threads t ON t.id = c.thread_id JOIN groups g ON g.id = t.group_id WHERE c.id = OLD.comment_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER reactions_insert_changes_pages AFTER INSERT ON reactions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM comments c JOIN threads t ON t.id = c.thread_id JOIN groups g ON g.id = t.group_id WHERE c.id = NEW.comment_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER reactions_update_changes_pages AFTER UPDATE ON reactions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM comments c JOIN threads t ON t.id = c.thread_id JOIN groups g ON g.id = t.group_id WHERE c.id = NEW.comment_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM comments c JOIN threads t ON t.id = c.thread_id JOIN groups g ON g.id = t.group_id WHERE c.id = OLD.comment_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER reactions_delete_changes_pages AFTER DELETE ON reactions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM comments c JOIN threads t ON t.id = c.thread_id JOIN groups g ON g.id = t.group_id WHERE c.id = OLD.comment_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_options_insert_changes_pages AFTER INSERT ON poll_options
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = NEW.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_options_update_changes_pages AFTER UPDATE ON poll_options
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = NEW.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = OLD.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_options_delete_changes_pages AFTER DELETE ON poll_options
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = OLD.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_voters_insert_changes_pages AFTER INSERT ON poll_voters
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = NEW.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_voters_update_changes_pages AFTER UPDATE ON poll_voters
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = NEW.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = OLD.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_voters_delete_changes_pages AFTER DELETE ON poll_voters
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = OLD.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_participants_insert_changes_pages AFTER INSERT ON poll_participants
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = NEW.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_participants_update_changes_pages AFTER UPDATE ON poll_participants
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = NEW.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = OLD.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_participants_delete_changes_pages AFTER DELETE ON poll_participants
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = OLD.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER ballots_insert_changes_pages AFTER INSERT ON ballots
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = NEW.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER ballots_update_changes_pages AFTER UPDATE ON ballots
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = NEW.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = OLD.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER ballots_delete_changes_pages AFTER DELETE ON ballots
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = OLD.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_versions_insert_changes_pages AFTER INSERT ON poll_versions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = NEW.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_versions_update_changes_pages AFTER UPDATE ON poll_versions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = NEW.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = OLD.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

CREATE TRIGGER poll_versions_delete_changes_pages AFTER DELETE ON poll_versions
BEGIN
    INSERT INTO content_versions (family, version)
        SELECT COALESCE(g.parent_id, g.id), 1 FROM polls p JOIN threads t ON t.id = p.thread_id JOIN groups g ON g.id = t.group_id WHERE p.id = OLD.poll_id
        ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1;
END;

