-- The work plan, as imported from its official text by the pure importer (src/plan/parse.rs).
-- Everything a plan holds is stored in one transaction (src/server/repo/plan.rs): never half a plan.

-- One row per imported plan document.
CREATE TABLE plan (
    id INTEGER PRIMARY KEY,
    -- SHA-256 of the source text (line endings and trailing spaces normalised): importing
    -- the same text twice finds this row instead of storing a second copy.
    source_sha256 TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,                       -- 市十四届人大五次会议3号议案办理工作方案
    proposal_session TEXT NOT NULL,            -- 市十四届人大五次会议
    proposal_number INTEGER NOT NULL,          -- 3
    proposal_title TEXT NOT NULL,              -- 关于加快……案
    issuer TEXT,                               -- 武汉市人民政府办公厅
    issued_on TEXT,                            -- ISO date the plan was signed
    published_at TEXT,                         -- when the web page was published, as written
    general_requirements TEXT NOT NULL,        -- 总体要求, prose
    office_unit TEXT,                          -- where the leading group's office sits
    source_text TEXT NOT NULL,                 -- the full document, kept so any import can be re-checked
    warnings_json TEXT NOT NULL DEFAULT '[]',  -- the importer's warnings, for the office to review
    imported_at TEXT NOT NULL                  -- UTC, RFC 3339
);

-- 工作任务 groups: (一)…(三).
CREATE TABLE plan_section (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    UNIQUE (plan_id, number)
);

-- Numbered tasks; `number` counts within the section, as the document does.
CREATE TABLE task (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    section_id INTEGER NOT NULL REFERENCES plan_section(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT,                 -- a short title sentence when the task opens with one
    body TEXT NOT NULL,         -- the task without its unit note
    full_text TEXT NOT NULL,    -- the task as written, unit note included
    source_line INTEGER NOT NULL,
    UNIQUE (section_id, number)
);
CREATE INDEX task_plan ON task (plan_id);

-- Units named by the plan. Units are per plan because names, aliases and scope notes are the
-- document's own; a later plan may rename a department.
CREATE TABLE unit (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    name TEXT NOT NULL,         -- canonical name
    kind TEXT NOT NULL CHECK (kind IN ('municipal', 'district', 'zone', 'collective')),
    is_member INTEGER NOT NULL CHECK (is_member IN (0, 1)),  -- a 成员 unit of the leading group: rated by deputies
    position INTEGER NOT NULL,  -- the importer's order (kind, then first appearance)
    UNIQUE (plan_id, name)
);

-- Other names of a unit: misprints, short forms, names in notes such as 〈汉南区人民政府〉.
CREATE TABLE unit_alias (
    unit_id INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    PRIMARY KEY (unit_id, alias)
);

-- Which units lead or share a task. A collective such as 各区人民政府 has its own row (via NULL)
-- and one row per member it stands for (via = the collective).
CREATE TABLE task_unit (
    task_id INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('lead', 'responsible')),
    via_unit_id INTEGER REFERENCES unit(id) ON DELETE CASCADE,
    scope TEXT,                 -- a scope note such as 含开发区管委会
    position INTEGER NOT NULL,  -- order as written
    PRIMARY KEY (task_id, unit_id, role)
);
-- "the tasks of a unit" is the unit page's main query.
CREATE INDEX task_unit_unit ON task_unit (unit_id);

-- 进度安排 phases with their date ranges (ISO dates, inclusive).
CREATE TABLE phase (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT NOT NULL,
    description TEXT NOT NULL,
    UNIQUE (plan_id, number),
    CHECK (start_on <= end_on)
);

-- 有关要求 items.
CREATE TABLE requirement (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (plan_id, number)
);

-- The leading group's roster, in the document's order.
CREATE TABLE roster_member (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('leader', 'deputy_leader', 'member')),
    role_label TEXT NOT NULL,   -- 组长 / 副组长 / 成员, as written
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    title_as_written TEXT NOT NULL,
    unit_id INTEGER REFERENCES unit(id) ON DELETE SET NULL,
    UNIQUE (plan_id, position)
);
CREATE INDEX roster_member_unit ON roster_member (unit_id);
