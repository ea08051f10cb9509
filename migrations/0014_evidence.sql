-- Evidence files (佐证材料) filed with a month's report: PDF, photos, XLSX, DOCX, up to 20 MB.
-- The bytes are kept once per content, named by their SHA-256, in the database itself: a
-- backup of the database holds them, and a report and its files are stored in one
-- transaction (never a report whose files are missing, never a file without its report).
CREATE TABLE evidence_blob (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    -- What the first bytes say the file is (never the browser's word or the file's name).
    kind TEXT NOT NULL CHECK (kind IN ('pdf', 'jpeg', 'png', 'webp', 'xlsx', 'docx')),
    size INTEGER NOT NULL CHECK (size > 0 AND size <= 20971520),
    chunks INTEGER NOT NULL CHECK (chunks >= 1)
);

-- The bytes, 1 MiB at a time (the last chunk shorter): written and read back one chunk at a
-- time, so that neither an upload nor a download holds a whole file in memory.
CREATE TABLE evidence_chunk (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES evidence_blob(sha256) ON DELETE CASCADE,
    seq INTEGER NOT NULL CHECK (seq >= 0),
    bytes BLOB NOT NULL,
    UNIQUE (sha256, seq)
);

-- Which report version carries which file, under the name the liaison gave it. A version
-- filed after a return carries the files the liaison kept, and any new ones.
CREATE TABLE report_evidence (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES progress_report(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL REFERENCES evidence_blob(sha256),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    UNIQUE (report_id, sha256)
);
CREATE INDEX report_evidence_report ON report_evidence (report_id);
