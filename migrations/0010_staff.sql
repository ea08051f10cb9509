-- Failed sign-ins are now counted in the server's memory (service::throttle), per login, per
-- browser and per address, and reserved before the password is checked; a burst of attempts
-- no longer writes to the database at all. The old per-account counter goes.
ALTER TABLE account DROP COLUMN failed_signins;
ALTER TABLE account DROP COLUMN next_attempt_at;
