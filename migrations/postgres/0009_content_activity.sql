-- A group's activity tells of its content too: a new thread, comment or poll, and an outcome.
-- A line names what it is about, and is shown only while that can still be read (not deleted,
-- and not in a private thread the reader may not see), so lines need no rewriting when it
-- changes; titles are looked up when shown.
ALTER TABLE group_activity ADD COLUMN thread_id TEXT REFERENCES threads (id) ON DELETE CASCADE;
ALTER TABLE group_activity ADD COLUMN comment_id TEXT REFERENCES comments (id) ON DELETE CASCADE;
ALTER TABLE group_activity ADD COLUMN poll_id TEXT REFERENCES polls (id) ON DELETE CASCADE;
CREATE INDEX group_activity_thread ON group_activity (thread_id);
-- The dashboard reads the newest lines of several groups at once.
CREATE INDEX group_activity_at ON group_activity (at);
