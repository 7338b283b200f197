-- A conversation the bot resolved can be rated too (an `end` node with "csat": true); the
-- rating arrives with the outcome beacon.

ALTER TABLE conversations ADD COLUMN csat INTEGER;
ALTER TABLE conversations ADD COLUMN csat_comment TEXT;
