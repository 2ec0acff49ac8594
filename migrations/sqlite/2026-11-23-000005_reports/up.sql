-- Generated reports: immutable snapshots (bytes and their SHA-256), issued to donors by a manager.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    template TEXT NOT NULL,
    period TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    content BLOB NOT NULL,
    draft BOOLEAN NOT NULL,
    generated_by BIGINT,
    generated_at TIMESTAMP NOT NULL,
    issued_by BIGINT,
    issued_at TIMESTAMP
);
CREATE INDEX reports_project ON reports(project_id, id);

-- EU logframes carry assumptions per result.
ALTER TABLE results ADD COLUMN assumptions TEXT;
