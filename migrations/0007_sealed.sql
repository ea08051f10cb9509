-- Sealed ballots (src/seal): a ballot is stored as ciphertexts to its round's tellers' joint
-- key. Nobody can read one ballot, the people who run the server included; only k tellers
-- together open the sum, after the round has closed. No per-item figure exists before that:
-- `tally` is written by the count, and comments reach `round_comment` only then, shuffled.

-- items × levels cells of 64 bytes, item by item (seal::cell).
ALTER TABLE ballot ADD COLUMN cells BLOB;
-- The ballot's comments, sealed (seal::comment); NULL when it says nothing in words.
ALTER TABLE ballot ADD COLUMN sealed_comments BLOB;

-- Each teller's part of the count, checked against their public key share when posted.
CREATE TABLE count_share (
    round_id INTEGER NOT NULL REFERENCES round(id),
    teller INTEGER NOT NULL CHECK (teller >= 0),    -- 0-based
    share_json TEXT NOT NULL,                       -- seal::CountShare
    posted_at TEXT NOT NULL,
    PRIMARY KEY (round_id, teller)
) WITHOUT ROWID;

-- A counted round. Its per-item counts are in `tally`, its comments in `round_comment`.
CREATE TABLE round_count (
    round_id INTEGER PRIMARY KEY REFERENCES round(id),
    counted_at TEXT NOT NULL,
    ballots INTEGER NOT NULL CHECK (ballots >= 0),
    -- The tellers whose shares opened the count, 1-based, as JSON ([] when counted in the
    -- clear, before sealing existed).
    tellers TEXT NOT NULL,
    sealed INTEGER NOT NULL CHECK (sealed IN (0, 1))
);

-- The comments of a counted round, in the random order the count wrote them: nothing ties a
-- row to a ballot. item NULL = an overall comment.
CREATE TABLE round_comment (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES round(id),
    item TEXT,
    body TEXT NOT NULL
);
CREATE INDEX round_comment_round ON round_comment (round_id, item);

-- Rounds that had begun before sealing were counted in the clear, as they always had been:
-- their tallies stand, and their comments move to where counted comments are read.
INSERT INTO round_count (round_id, counted_at, ballots, tellers, sealed)
SELECT r.id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
       COALESCE((SELECT ballots FROM round_turnout t WHERE t.round_id = r.id), 0), '[]', 0
FROM round r WHERE r.state != 'draft';

INSERT INTO round_comment (round_id, item, body)
SELECT b.round_id, c.item, c.comment FROM ballot_choice c JOIN ballot b ON b.id = c.ballot_id
WHERE c.comment IS NOT NULL AND c.comment != '' ORDER BY random();

INSERT INTO round_comment (round_id, item, body)
SELECT round_id, NULL, comment FROM ballot WHERE comment IS NOT NULL AND comment != ''
ORDER BY random();
