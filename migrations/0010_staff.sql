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
