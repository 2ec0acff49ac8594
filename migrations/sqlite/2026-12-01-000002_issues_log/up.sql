-- The issue log (UNDP POPP), kept beside the risk log: a risk may happen, an issue has
-- happened and needs a response. Type general | request_for_change | off_specification,
-- priority low | medium | high, status open | in_progress | closed (closed_on with closed).
CREATE TABLE issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    code TEXT NOT NULL,
    issue_type TEXT NOT NULL,
    description TEXT NOT NULL,
    raised_on DATE NOT NULL,
    raised_by TEXT,
    priority TEXT NOT NULL,
    response TEXT,
    owner TEXT,
    status TEXT NOT NULL,
    closed_on DATE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (project_id, code)
);
CREATE INDEX issues_project ON issues(project_id, raised_on);
