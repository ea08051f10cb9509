-- The year of handling: each unit's sub-plan (分方案) with measurable indicators, its monthly
-- reports (信息月报送), and the office's review. Nothing here is overwritten: a sub-plan
-- changes through a new version, a report through a new version, an audited value through a
-- new row; every submission, return, approval and audited value is an audit-chain entry.

-- A liaison (联络员) account reports for one unit. The role itself is admitted by widening
-- the account table's CHECK, which SQLite can only do by rebuilding the table with foreign
-- keys off: `db::migrate` does that right after the migrations (a migration runs inside a
-- transaction, where foreign keys cannot be switched off, and dropping the table with them on
-- would delete every session, score sheet and second factor through ON DELETE CASCADE).
ALTER TABLE account ADD COLUMN unit_id INTEGER REFERENCES unit(id);

-- Per plan: when sub-plans are due, which months are reported, and how the measures weigh.
-- A plan without a row uses the defaults (`handling::period`, `handling::measure`).
CREATE TABLE handling_setting (
    plan_id INTEGER PRIMARY KEY REFERENCES plan(id) ON DELETE CASCADE,
    subplan_due TEXT NOT NULL,              -- ISO date
    first_period TEXT NOT NULL,             -- 'YYYY-MM'
    last_period TEXT NOT NULL,              -- 'YYYY-MM'
    due_day INTEGER NOT NULL DEFAULT 28 CHECK (due_day BETWEEN 1 AND 28),
    amber_points REAL NOT NULL DEFAULT 10 CHECK (amber_points >= 0),
    lead_weight REAL NOT NULL DEFAULT 2 CHECK (lead_weight > 0),
    responsible_weight REAL NOT NULL DEFAULT 1 CHECK (responsible_weight > 0),
    CHECK (first_period <= last_period)
);

-- One version of a unit's sub-plan. A draft is edited in place; a submitted version is
-- frozen; a returned or approved one is never changed again. Revising means a new version.
CREATE TABLE subplan (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'returned')),
    measures TEXT NOT NULL DEFAULT '',      -- 措施, free text
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    submitted_at TEXT,
    submitted_by TEXT,
    decided_at TEXT,
    decided_by TEXT,
    reason TEXT,                            -- the office's reason for returning it
    UNIQUE (unit_id, version)
);
-- At most one version in the works (a draft or one waiting for the office) per unit.
CREATE UNIQUE INDEX subplan_one_open ON subplan (unit_id) WHERE state IN ('draft', 'submitted');

-- An indicator of a sub-plan version. `code` names the same indicator across versions (and in
-- reports), so a revised target keeps the indicator's history.
CREATE TABLE subplan_indicator (
    subplan_id INTEGER NOT NULL REFERENCES subplan(id) ON DELETE CASCADE,
    code INTEGER NOT NULL,
    position INTEGER NOT NULL,
    task_id INTEGER NOT NULL REFERENCES task(id),
    name TEXT NOT NULL,
    measure_unit TEXT NOT NULL,
    baseline REAL NOT NULL,
    target REAL NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower', 'milestone')),
    starts_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    weight REAL NOT NULL CHECK (weight > 0),
    PRIMARY KEY (subplan_id, code),
    CHECK (starts_on <= due_on)
) WITHOUT ROWID;

CREATE TABLE subplan_milestone (
    subplan_id INTEGER NOT NULL REFERENCES subplan(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    task_id INTEGER NOT NULL REFERENCES task(id),
    due_on TEXT NOT NULL,
    what TEXT NOT NULL,
    PRIMARY KEY (subplan_id, position)
) WITHOUT ROWID;

-- A unit's report for a month. Reports have no drafts: a report is filed whole; one the
-- office returns is answered by filing the next version.
CREATE TABLE progress_report (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
    period TEXT NOT NULL,                   -- 'YYYY-MM'
    version INTEGER NOT NULL CHECK (version >= 1),
    -- The sub-plan version the values answer to.
    subplan_id INTEGER NOT NULL REFERENCES subplan(id),
    state TEXT NOT NULL CHECK (state IN ('submitted', 'accepted', 'returned')),
    submitted_at TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    reviewed_at TEXT,
    reviewed_by TEXT,
    reason TEXT,
    UNIQUE (unit_id, period, version)
);
CREATE INDEX progress_report_state ON progress_report (state);

-- The value each indicator reached to date, as the unit reports it.
CREATE TABLE report_value (
    report_id INTEGER NOT NULL REFERENCES progress_report(id) ON DELETE CASCADE,
    code INTEGER NOT NULL,
    value REAL NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, code)
) WITHOUT ROWID;

-- Each task's status in the report.
CREATE TABLE report_task (
    report_id INTEGER NOT NULL REFERENCES progress_report(id) ON DELETE CASCADE,
    task_id INTEGER NOT NULL REFERENCES task(id),
    status TEXT NOT NULL CHECK (status IN ('not_started', 'on_track', 'behind', 'done')),
    reason TEXT NOT NULL DEFAULT '',        -- why it is behind
    narrative TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, task_id),
    CHECK (status <> 'behind' OR reason <> '')
) WITHOUT ROWID;

-- The office's audited value (审核值) where the evidence does not support the reported one.
-- The latest row per (report, code) counts; earlier rows are its history.
CREATE TABLE audited_value (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES progress_report(id) ON DELETE CASCADE,
    code INTEGER NOT NULL,
    value REAL NOT NULL,
    reason TEXT NOT NULL CHECK (reason <> ''),
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE INDEX audited_value_report ON audited_value (report_id, code);
