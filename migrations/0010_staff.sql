-- Failed sign-ins are now counted in the server's memory (service::throttle), per login, per
-- browser and per address, and reserved before the password is checked; a burst of attempts
-- no longer writes to the database at all. The old per-account counter goes.
ALTER TABLE account DROP COLUMN failed_signins;
ALTER TABLE account DROP COLUMN next_attempt_at;

-- Settings of the whole server that the office sets once: now the public address every link
-- Ceping writes starts with (`ceping base-url URL`; CEPING_BASE_URL or --base-url override it).
CREATE TABLE setting (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Account lifecycle. A disabled account cannot sign in and its sessions are ended; a password
-- the office reset must be changed by its holder at the next sign-in.
ALTER TABLE account ADD COLUMN disabled_at TEXT;
ALTER TABLE account ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- Sessions end after SESSION_HOURS (expires_at) or after IDLE_MINUTES without a request
-- (last_seen_at); the holder sees each with its browser and can end it.
ALTER TABLE session ADD COLUMN last_seen_at TEXT;
ALTER TABLE session ADD COLUMN agent TEXT NOT NULL DEFAULT '';
UPDATE session SET last_seen_at = created_at;
