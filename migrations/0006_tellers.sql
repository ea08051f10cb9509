-- The tellers (监票人) of a round and their key ceremony (src/seal/ceremony.rs). Only public
-- data: the names the office gave, and the board of what the tellers posted (commitments,
-- public polynomials with proofs, shares sealed to each other, confirmations). The tellers'
-- secrets are in their own key files, never here.
CREATE TABLE round_tellers (
    round_id INTEGER PRIMARY KEY REFERENCES round(id),
    tellers INTEGER NOT NULL CHECK (tellers BETWEEN 1 AND 9),       -- n
    threshold INTEGER NOT NULL CHECK (threshold BETWEEN 1 AND tellers), -- k: who open the count
    -- 1 when one person made every key (`ceping tellers keygen --solo`, for trying Ceping alone).
    solo INTEGER NOT NULL DEFAULT 0 CHECK (solo IN (0, 1)),
    board_json TEXT NOT NULL,
    -- The joint key (hex), once every teller has finished.
    joint_key TEXT
);

CREATE TABLE teller (
    round_id INTEGER NOT NULL REFERENCES round_tellers(round_id),
    position INTEGER NOT NULL CHECK (position >= 0),   -- 0-based; shown from 1
    name TEXT NOT NULL,
    PRIMARY KEY (round_id, position)
) WITHOUT ROWID;
