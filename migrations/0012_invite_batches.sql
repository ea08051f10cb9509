-- A batch of invitation codes made from the office's form, by the key the form carried: the
-- same form posted again (a reload of the slip page, a double tap) makes no second batch.
CREATE TABLE invite_batch (
    batch TEXT PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES round(id),
    codes INTEGER NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
