-- Deputies' secret ballot: rounds, invitation codes, ballots and running tallies.
--
-- Secrecy is a property of this schema, not of the code around it (README, "Why a ballot cannot
-- be linked to a deputy"): `invitation` and `ballot` share no column, ballots carry no time and
-- are keyed by random ids in WITHOUT ROWID tables (stored in id order, not arrival order), and an
-- invitation records only that it was used and on which day.

-- An evaluation round (测评轮次) of a plan.
CREATE TABLE round (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plan(id),
    name TEXT NOT NULL,                  -- "2020年度满意度测评", "半年检查"
    opens_at TEXT,                       -- planned opening, RFC 3339 UTC (shown to deputies)
    closes_at TEXT,                      -- planned closing
    state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed')),
    -- The rating scale as JSON (levels with key, label, weight), so a four-level scale needs no
    -- schema change. A ballot stores a level as its index in this list.
    scale_json TEXT NOT NULL,
    comments_allowed INTEGER NOT NULL DEFAULT 1 CHECK (comments_allowed IN (0, 1)),
    comment_max_chars INTEGER NOT NULL DEFAULT 300 CHECK (comment_max_chars BETWEEN 0 AND 5000),
    created_at TEXT NOT NULL
);
CREATE INDEX round_plan ON round (plan_id);

-- Every change of a round's state, reopening included: who and when.
CREATE TABLE round_event (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    action TEXT NOT NULL CHECK (action IN ('create', 'open', 'close', 'reopen')),
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT
);

-- The items a round rates, fixed with the round: 't<task id>' or 'u<unit id>'.
CREATE TABLE round_item (
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('task', 'unit')),
    ref_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (round_id, item)
) WITHOUT ROWID;

-- One invitation code per deputy. The code itself is never stored, only its SHA-256.
-- No column here refers to a ballot, and no ballot refers here.
CREATE TABLE invitation (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    label TEXT,                          -- the deputy's name, known to the office
    delegation TEXT,                     -- 代表团, for turnout by delegation
    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    used INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
    used_on TEXT,                        -- the day only: enough to remind, too coarse to pair
    failed_receipts INTEGER NOT NULL DEFAULT 0,   -- wrong receipts tried with this code
    reissued_from INTEGER REFERENCES invitation(id),
    created_at TEXT NOT NULL
);
CREATE INDEX invitation_round ON invitation (round_id, used);

-- A ballot: random id, no time, no invitation. The receipt (shown once to the deputy) is kept
-- only as a hash; with their code it opens the ballot for revision until the round closes.
CREATE TABLE ballot (
    id TEXT PRIMARY KEY,                 -- 128 random bits, hex
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    receipt_hash TEXT NOT NULL UNIQUE,
    comment TEXT                         -- an overall comment, if any
) WITHOUT ROWID;
CREATE INDEX ballot_round ON ballot (round_id);

-- One row per ballot and rated item. level NULL = not rated: recorded, but outside that item's
-- valid count.
CREATE TABLE ballot_choice (
    ballot_id TEXT NOT NULL REFERENCES ballot(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    level INTEGER,
    comment TEXT,
    PRIMARY KEY (ballot_id, item)
) WITHOUT ROWID;

-- Running counts per item and level, updated in the same transaction as the ballot, so results
-- never scan the ballots. level -1 counts "not rated".
CREATE TABLE tally (
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    level INTEGER NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (round_id, item, level)
) WITHOUT ROWID;

-- Ballots per round, kept with the tallies (turnout without counting rows).
CREATE TABLE round_turnout (
    round_id INTEGER PRIMARY KEY REFERENCES round(id) ON DELETE CASCADE,
    ballots INTEGER NOT NULL DEFAULT 0 CHECK (ballots >= 0)
);

-- Server-side secrets made at first start (never in the repository): the key that derives
-- receipts from idempotency keys, so a retried post gets the first answer without storing it.
CREATE TABLE server_secret (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
