-- The checking period (核对期): minutes after a round closes during which its count cannot
-- begin, so that deputies can look for their tracking codes at /track/{round} (and anyone can
-- compare the list of sealed ballots with the turnout) before anything is decrypted. It is set
-- with the tellers, as part of what they take on; rounds keyed before it existed have none.
ALTER TABLE round_tellers ADD COLUMN check_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (check_minutes BETWEEN 0 AND 10080);
