-- Finance findings are computed on every run of the checks; a finding someone looked at and
-- explained (e.g. an agreed overspend) keeps its explanation here, under the finding's stable
-- key (its check and a hash of the entities concerned). A finding whose entities change gets a
-- new key and is open again.
CREATE TABLE finding_explanations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    finding_key TEXT NOT NULL,
    check_kind TEXT NOT NULL,
    message TEXT NOT NULL,
    reason TEXT NOT NULL,
    explained_by BIGINT REFERENCES users(id),
    explained_at TIMESTAMP NOT NULL,
    UNIQUE (project_id, finding_key)
);
