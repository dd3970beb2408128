-- The audit log names whom an action was done to (an account, shown by its current name, so
-- that erasing an account erases it here too) and a short detail in words, such as the old and
-- new setting; a group's admins read their group's log newest first, along this index.
ALTER TABLE audit_events ADD COLUMN subject_id TEXT;
ALTER TABLE audit_events ADD COLUMN detail TEXT;
CREATE INDEX audit_events_group ON audit_events (group_id, at, id);
