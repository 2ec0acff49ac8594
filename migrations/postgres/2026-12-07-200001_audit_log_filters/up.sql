-- Kept in step with the other backend's folder.
-- The audit trail pages newest first by id (keyset: `id < before`), filtered by entity or by
-- user: these let a filtered page read only its own entries instead of scanning the trail.
-- (The primary key serves the unfiltered trail, audit_log_project a project's.)
CREATE INDEX audit_log_entity ON audit_log(entity, id);
CREATE INDEX audit_log_user ON audit_log(user_id, id);
