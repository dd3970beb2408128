-- Leaving Quorum. A deactivated account has no memberships and no sessions; signing in again
-- clears the mark and the person rejoins groups as anyone would. A deleted account is gone:
-- its row is deleted (what it wrote stays with the group as "Deleted account"), and the one
-- email that tells its owner so is marked to forget its recipient once delivered or given up.
ALTER TABLE accounts ADD COLUMN deactivated_at BIGINT;
ALTER TABLE outbox ADD COLUMN erase_when_sent BOOLEAN NOT NULL DEFAULT FALSE;
