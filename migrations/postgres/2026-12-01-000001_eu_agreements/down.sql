DROP TABLE contribution_budget_lines;
ALTER TABLE contributions DROP COLUMN conversion_rule;
ALTER TABLE budget_accounts DROP COLUMN eu_line;
