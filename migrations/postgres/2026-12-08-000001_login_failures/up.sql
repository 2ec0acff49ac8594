-- Kept in step with migrations/sqlite.
-- The login limiter's failure counters (src/auth/login.rs), kept in the database so that
-- several instances behind one load balancer count the same attempts. One row per key:
-- 'pair:<account>|<address>', 'address:<address>' or 'account:<account>'. Rows whose last
-- failure is older than the policy's forget_after are deleted as attempts come in.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_last_failure_at ON login_failures (last_failure_at);
