-- Named accounts of evaluators and of the office. Deputies have no account: a deputy's
-- invitation code opens nothing but that deputy's ballot.
CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('evaluator', 'office')),
    -- argon2id, PHC string format (salt and parameters included).
    password_hash TEXT NOT NULL,
    -- Failed sign-ins in a row; each makes the next attempt wait longer.
    failed_signins INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,               -- RFC 3339 UTC; no sign-in before it
    created_at TEXT NOT NULL
);

-- Signed-in sessions. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX session_account ON session (account_id);
