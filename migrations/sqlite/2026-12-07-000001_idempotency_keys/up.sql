-- Idempotent writes: the first answer to a POST that creates a money record (expenditure,
-- receipt, budget line) sent with an `Idempotency-Key` header, per user, method and path, so a
-- retry with the same key gets that answer again instead of a second record. Written in the
-- same transaction as the record; kept 24 hours.
CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    idempotency_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    status INTEGER NOT NULL,
    location TEXT,
    response TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, method, path, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
