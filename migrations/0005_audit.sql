-- The audit trail: every office action (sign-ins, plan imports, round changes, settings, codes
-- issued or revoked, exports, accounts), with who and when, in a hash chain (src/audit): each
-- entry's hash covers the previous hash and its own fields, so an altered or deleted entry is
-- detected by `ceping audit verify`. Nothing here says how any deputy voted.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY CHECK (seq >= 1),   -- 1, 2, 3, … without gaps
    at TEXT NOT NULL,                           -- RFC 3339 UTC
    actor TEXT NOT NULL,                        -- a login, or 'cli:<user>'
    action TEXT NOT NULL,                       -- 'round.open', 'invite.issue', 'sign-in', …
    subject TEXT NOT NULL DEFAULT '',           -- 'round 1', 'plan 1', a login
    detail TEXT NOT NULL DEFAULT '{}',          -- compact JSON
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);

-- The chain's head, updated with every entry. Writing it first makes each new entry take the
-- database's write lock before it reads the previous hash, so two entries never share one.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
