-- Kept in step with migrations/postgres.
-- The EU contribution agreement: the statement lines of the EU budget format (PRAG Annex III)
-- the accounts map to, how an agreement converts to EUR, and the budget of the action.
-- Existing databases keep their data: columns are added with the mapping filled in; no row
-- is added or removed (the Atlas sub-accounts for per diems, international and local travel,
-- translation and visibility come with the demo seed, or an administrator adds them).

-- Each account's line of the EU budget: a sub-line ("1.1" local staff, "1.2" international
-- staff, "1.3" per diems, "2.1" international travel, "2.2" local transportation, "3.2"
-- furniture and computer equipment, "4.2" office rent, "5.5" translation, "5.7" conferences,
-- "5.8" visibility, ...), the heading itself when the account is not split further ("2",
-- "5", "6"), or "8" for the indirect-cost (GMS) accounts of heading 7.
ALTER TABLE budget_accounts ADD COLUMN eu_line TEXT NOT NULL DEFAULT '';

UPDATE budget_accounts SET eu_line = CASE code
    WHEN '71200' THEN '1.2'
    WHEN '71300' THEN '1.1'
    WHEN '71400' THEN '1.1'
    WHEN '71600' THEN '2'
    WHEN '72100' THEN '5'
    WHEN '72200' THEN '3.2'
    WHEN '72300' THEN '3.5'
    WHEN '72400' THEN '3.5'
    WHEN '72500' THEN '4.3'
    WHEN '72800' THEN '3.2'
    WHEN '73100' THEN '4.2'
    WHEN '73400' THEN '4.4'
    WHEN '74100' THEN '5'
    WHEN '74200' THEN '5.1'
    WHEN '74500' THEN '6'
    WHEN '74700' THEN '3.5'
    WHEN '75100' THEN '8'
    WHEN '75700' THEN '5.7'
    ELSE '' END;
-- An account an administrator added, or remapped to another heading: its heading, not split
-- (heading 7 holds the indirect costs, line 8 of the statement).
UPDATE budget_accounts SET eu_line = CASE WHEN eu_heading = 7 THEN '8' ELSE CAST(eu_heading AS TEXT) END
    WHERE eu_line = '' OR substr(eu_line, 1, 1) <> CAST(CASE WHEN eu_heading = 7 THEN 8 ELSE eu_heading END AS TEXT);

-- How the agreement's statement converts the ledger currency to EUR: `monthly_rate` (each
-- expenditure at the UN operational rate of its own month) or `instalment_rate` (at the
-- weighted average rate of the EU instalments received up to the end of the period).
ALTER TABLE contributions ADD COLUMN conversion_rule TEXT NOT NULL DEFAULT 'monthly_rate';

-- The budget of the action as the agreement states it (Annex III), in the contribution's
-- currency, by direct-cost line of the EU format ("1.1" ... "6"); lines 7 (direct subtotal),
-- 8 (indirect costs at the agreement's rate) and 9 (total) follow from these.
CREATE TABLE contribution_budget_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contribution_id BIGINT NOT NULL REFERENCES contributions(id) ON DELETE CASCADE,
    eu_line TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (contribution_id, eu_line)
);
