-- Each sealed ballot's tracking code (seal::record::tracking_code: 80 bits of SHA-256 over its
-- cells), stored with it so that a deputy's check at /track/{round} is one indexed look-up
-- rather than a hash of every ballot. The index is ordered by the code, a hash: it says nothing
-- of arrival. Ballots sealed before this migration have none (there were none in use).
ALTER TABLE ballot ADD COLUMN tracking TEXT;
CREATE INDEX ballot_tracking ON ballot (round_id, tracking);
