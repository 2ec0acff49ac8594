DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE memberships;
DROP TABLE users;
