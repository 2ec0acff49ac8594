-- Work plans and finance: the budget-account catalogue, annual work plans with their
-- activities and budget lines, monthly exchange rates, expenditures and receipts.
-- Kept in step with migrations/postgres; money is integer minor units, rates are
-- integer millionths (rate_micros), never floats.

-- The UNDP chart of accounts, each mapped to an EU budget heading (1 Human resources,
-- 2 Travel, 3 Equipment and supplies, 4 Local office, 5 Other costs and services, 6 Other,
-- 7 Indirect costs). Data an administrator changes through the API, shipped here so that
-- every database (not only the demo) can take budget lines from the start.
CREATE TABLE budget_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    eu_heading INTEGER NOT NULL CHECK (eu_heading BETWEEN 1 AND 7),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

INSERT INTO budget_accounts (code, name, eu_heading, created_at, updated_at) VALUES
    ('71200', 'International consultants', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('71300', 'Local consultants', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('71400', 'Contractual services - individuals', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('71600', 'Travel', 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('72100', 'Contractual services - companies', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('72200', 'Equipment and furniture', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('72300', 'Materials and goods', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('72400', 'Communication and audio visual equipment', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('72500', 'Supplies', 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('72800', 'Information technology equipment', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('73100', 'Rental and maintenance - premises', 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('73400', 'Rental and maintenance of other equipment', 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('74100', 'Professional services', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('74200', 'Audio visual and print production costs', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('74500', 'Miscellaneous', 6, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('74700', 'Transport, shipping and handling', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('75100', 'Facilities and administration (GMS)', 7, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('75700', 'Training, workshops and conferences', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- An annual work plan: project x year x revision. Only a draft changes; approving a
-- revision supersedes the one before it, which stays readable.
CREATE TABLE work_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    year INTEGER NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    previous_id BIGINT REFERENCES work_plans(id),
    status TEXT NOT NULL,
    title TEXT,
    currency TEXT NOT NULL,
    document_total_minor BIGINT CHECK (document_total_minor >= 0),
    revision_reason TEXT,
    approved_on DATE,
    approved_by BIGINT,
    notes TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (project_id, year, revision)
);

-- The activities a plan schedules: Q1-Q4 timeframe marks and the responsible party.
CREATE TABLE work_plan_activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_plan_id BIGINT NOT NULL REFERENCES work_plans(id),
    result_id BIGINT NOT NULL REFERENCES results(id),
    q1 BOOLEAN NOT NULL DEFAULT FALSE,
    q2 BOOLEAN NOT NULL DEFAULT FALSE,
    q3 BOOLEAN NOT NULL DEFAULT FALSE,
    q4 BOOLEAN NOT NULL DEFAULT FALSE,
    responsible_party TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (work_plan_id, result_id)
);

-- A budget line: plan x activity x funding source x account. The account is kept as its
-- code (no foreign key): the catalogue may change under an existing plan, and the finance
-- checks name the lines left on a code the catalogue no longer has. lineage_id is the id
-- of the line's first version, carried through revisions, so expenditures recorded against
-- one revision count against the same line in the next.
CREATE TABLE budget_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_plan_id BIGINT NOT NULL REFERENCES work_plans(id),
    activity_id BIGINT REFERENCES work_plan_activities(id),
    funding_source_id BIGINT NOT NULL REFERENCES funding_sources(id),
    account_code TEXT NOT NULL,
    description TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    q1_minor BIGINT,
    q2_minor BIGINT,
    q3_minor BIGINT,
    q4_minor BIGINT,
    lineage_id BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX budget_lines_plan ON budget_lines(work_plan_id);
CREATE INDEX budget_lines_lineage ON budget_lines(lineage_id);

-- Monthly exchange rates (UN operational rates): one unit of base = rate quote units,
-- stored as rate_micros = rate x 1 000 000 (e.g. USD/KZT 150.65 -> 150650000).
CREATE TABLE exchange_rates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    base_currency TEXT NOT NULL,
    quote_currency TEXT NOT NULL,
    month TEXT NOT NULL,
    rate_micros BIGINT NOT NULL CHECK (rate_micros > 0),
    source TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (base_currency, quote_currency, month)
);

-- Expenditure against a budget line, in any currency; the ledger amount (the project's
-- currency) and the rate it was converted at are kept with it.
CREATE TABLE expenditures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    budget_line_id BIGINT NOT NULL REFERENCES budget_lines(id),
    spent_on DATE NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    ledger_amount_minor BIGINT NOT NULL,
    ledger_currency TEXT NOT NULL,
    fx_pair TEXT,
    fx_month TEXT,
    fx_rate_micros BIGINT,
    reference TEXT NOT NULL,
    description TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Covers what the finance views and checks read of every expenditure of a project, so they
-- run from the index alone instead of visiting 100 000 rows one by one.
CREATE INDEX expenditures_project ON expenditures(project_id, spent_on, budget_line_id, ledger_amount_minor,
    amount_minor, currency, ledger_currency, fx_pair, fx_month, fx_rate_micros);
CREATE INDEX expenditures_line ON expenditures(budget_line_id);

-- Funds received from a source for a project (instalments), converted like expenditures.
CREATE TABLE receipts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    funding_source_id BIGINT NOT NULL REFERENCES funding_sources(id),
    received_on DATE NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    ledger_amount_minor BIGINT NOT NULL,
    ledger_currency TEXT NOT NULL,
    fx_pair TEXT,
    fx_month TEXT,
    fx_rate_micros BIGINT,
    reference TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX receipts_project ON receipts(project_id);
