-- Two factors for staff accounts (crate::totp): a one-time code from an authenticator app
-- after the password. Office accounts must have one; the office may require it of every
-- account (setting `totp.required` = `all`).
--
-- totp_secret: the app's secret, sealed with a key the database does not hold (derived from
-- the audit key), NULL while the account has none. totp_last_step: the 30-second step of the
-- last code accepted; a code of that step or an earlier one is refused (no replay).
ALTER TABLE account ADD COLUMN totp_secret TEXT;
ALTER TABLE account ADD COLUMN totp_enabled_at TEXT;
ALTER TABLE account ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- totp_failures: wrong codes in a row; at MAX_CODE_FAILURES the code step is closed until the
-- password is set again (by the office, or by the holder before the lock).
ALTER TABLE account ADD COLUMN totp_failures INTEGER NOT NULL DEFAULT 0;

-- Whether a session passed the second factor: opened after a right code, or the one in which
-- the factor was set up. For an account with a factor, a session that did not is not live
-- (one opened with the password alone before the factor existed, in another browser).
ALTER TABLE session ADD COLUMN second_factor INTEGER NOT NULL DEFAULT 0;

-- One-time recovery codes, shown once at enrolment; only their SHA-256 is kept.
CREATE TABLE recovery_code (
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (account_id, code_hash)
) WITHOUT ROWID;
