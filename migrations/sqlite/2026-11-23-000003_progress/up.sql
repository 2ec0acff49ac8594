-- Progress entry: indicator actuals with their approval workflow, activity progress,
-- quarterly narratives and the risk log.

CREATE TABLE actuals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    period TEXT NOT NULL,
    value DOUBLE PRECISION,
    numerator DOUBLE PRECISION,
    denominator DOUBLE PRECISION,
    text TEXT,
    disaggregations TEXT NOT NULL DEFAULT '{}',
    comment TEXT,
    evidence_url TEXT,
    status TEXT NOT NULL,
    status_reason TEXT,
    submitted_by BIGINT,
    submitted_at TIMESTAMP,
    approved_by BIGINT,
    approved_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (indicator_id, period)
);
CREATE INDEX actuals_project_period ON actuals(project_id, period);

CREATE TABLE activity_progress (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    result_id BIGINT NOT NULL REFERENCES results(id),
    period TEXT NOT NULL,
    status TEXT NOT NULL,
    percent_complete INTEGER NOT NULL CHECK (percent_complete BETWEEN 0 AND 100),
    narrative TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (result_id, period)
);
CREATE INDEX activity_progress_project ON activity_progress(project_id, period);

CREATE TABLE narratives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    period TEXT NOT NULL,
    summary TEXT NOT NULL,
    challenges TEXT,
    lessons_learned TEXT,
    next_quarter TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (project_id, period)
);

CREATE TABLE risks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    likelihood INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    impact INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    mitigation TEXT,
    owner TEXT,
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (project_id, code)
);

CREATE TABLE risk_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    risk_id BIGINT NOT NULL REFERENCES risks(id),
    period TEXT NOT NULL,
    note TEXT NOT NULL,
    likelihood INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    impact INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (risk_id, period)
);
