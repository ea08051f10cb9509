-- Third-party evaluators' indicators and scores, and how a round's results are computed and
-- shown. Evaluators are named accounts: their scores are not secret, unlike deputies' ballots,
-- and nothing here touches the ballot tables.

-- How the results engine counts this round (src/results/engine.rs, `ResultsConfig` as JSON;
-- `{}` is every default: N = valid ballots, level weights 100/60/0, deputies 60 : evaluators
-- 40, 需重新办理 under 80 %, no trimming).
ALTER TABLE round ADD COLUMN results_config_json TEXT NOT NULL DEFAULT '{}';
-- Whether the venue's big screen shows results before the round closes (the office decides).
ALTER TABLE round ADD COLUMN results_public INTEGER NOT NULL DEFAULT 0
    CHECK (results_public IN (0, 1));

-- The evaluators' indicator system of a round. Editable while the round is a draft; its
-- weights add up to 100 (checked by the code that writes them, in one transaction).
CREATE TABLE indicator (
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 1),   -- the order evaluators see, from 1
    name TEXT NOT NULL,                                 -- 工作进度
    guidance TEXT NOT NULL DEFAULT '',                  -- what the evaluator looks at
    weight REAL NOT NULL CHECK (weight >= 0 AND weight <= 100),
    PRIMARY KEY (round_id, position),
    UNIQUE (round_id, name)
) WITHOUT ROWID;

-- One evaluator's sheet for one item: the evidence note, and when it was last saved.
CREATE TABLE score_sheet (
    round_id INTEGER NOT NULL,
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    item TEXT NOT NULL,                                 -- 't<task id>' or 'u<unit id>'
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (round_id, account_id, item),
    FOREIGN KEY (round_id, item) REFERENCES round_item (round_id, item) ON DELETE CASCADE
) WITHOUT ROWID;

-- The scores on a sheet, one per indicator given (a blank indicator has no row).
CREATE TABLE score (
    round_id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    item TEXT NOT NULL,
    position INTEGER NOT NULL,
    value REAL NOT NULL CHECK (value >= 0 AND value <= 100),
    PRIMARY KEY (round_id, account_id, item, position),
    FOREIGN KEY (round_id, account_id, item)
        REFERENCES score_sheet (round_id, account_id, item) ON DELETE CASCADE,
    FOREIGN KEY (round_id, position) REFERENCES indicator (round_id, position)
) WITHOUT ROWID;

-- An evaluator's submission of a round: from then on the sheets are final, and only
-- submitted sheets count in the results.
CREATE TABLE score_submission (
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    submitted_at TEXT NOT NULL,
    PRIMARY KEY (round_id, account_id)
) WITHOUT ROWID;

-- Rounds made before this migration get the default indicator system (the same as
-- `DEFAULT_INDICATORS` in src/server/repo/score.rs): what the plan itself promises.
INSERT INTO indicator (round_id, position, name, guidance, weight)
SELECT r.id, d.position, d.name, d.guidance, d.weight
FROM round r
CROSS JOIN (
    SELECT 1 AS position, '工作进度' AS name, '是否按进度安排完成各阶段任务' AS guidance, 25.0 AS weight
    UNION ALL SELECT 2, '指标完成', '子方案中可量化、可考核指标的完成情况', 25.0
    UNION ALL SELECT 3, '落实成效', '办理的实际效果，由“答复型”转向“落实型”', 25.0
    UNION ALL SELECT 4, '代表参与', '邀请代表参与、听取和吸纳代表意见的情况', 10.0
    UNION ALL SELECT 5, '机制与报送', '协调机制运转，信息月报、季调度等按时报送', 15.0
) d;

-- Results pages list deputies' comments on one item; comments are few, so a partial index
-- finds them without reading every choice of every ballot.
CREATE INDEX ballot_choice_comment ON ballot_choice (item) WHERE comment IS NOT NULL;
-- Turnout counts the codes issued and not revoked: covered by this index, no table reads.
CREATE INDEX invitation_round_revoked ON invitation (round_id, revoked);
