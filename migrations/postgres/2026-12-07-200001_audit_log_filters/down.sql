DROP INDEX audit_log_user;
DROP INDEX audit_log_entity;
