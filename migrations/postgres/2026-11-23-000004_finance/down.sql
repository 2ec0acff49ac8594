DROP TABLE receipts;
DROP TABLE expenditures;
DROP TABLE exchange_rates;
DROP TABLE budget_lines;
DROP TABLE work_plan_activities;
DROP TABLE work_plans;
DROP TABLE budget_accounts;
