-- How many people have voted in a poll, kept with the poll: a first vote adds one in the same
-- transaction as its ballot and its row in poll_participants. Lists of polls on group and thread
-- pages then say how many voted without counting a poll's voters, which cost up to ten thousand
-- rows a poll in a large group.
ALTER TABLE polls ADD COLUMN voted_count INTEGER NOT NULL DEFAULT 0;
UPDATE polls SET voted_count = (SELECT COUNT(*) FROM poll_participants pp WHERE pp.poll_id = polls.id);
