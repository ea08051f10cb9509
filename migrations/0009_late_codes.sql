-- Codes issued or reissued after a round opened (the office could otherwise vote with codes
-- it made for nobody): each carries the reason given, is marked on the turnout page and in the
-- audit trail, and their number is printed on the results and in the report.
ALTER TABLE invitation ADD COLUMN late_reason TEXT;

-- A deputy whose code shows "already submitted" without their having voted tells the office
-- from the ballot page; the reports are counted on the desk, the results and the report. Only
-- the day is kept (as for a used code), with the invitation it concerns.
CREATE TABLE code_report (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    invitation_id INTEGER NOT NULL REFERENCES invitation(id) ON DELETE CASCADE,
    reported_on TEXT NOT NULL,
    UNIQUE (invitation_id)
);
CREATE INDEX code_report_round ON code_report (round_id);
