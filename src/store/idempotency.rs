//! Idempotent writes: the first answer to a `POST` sent with an `Idempotency-Key` header is
//! kept, per user, method and path, in the same transaction as the record it created, so that
//! a client that retries after a timeout gets that answer again instead of a second record.
//! Only successful answers are kept (a failed request wrote nothing and may be retried as is);
//! keys are forgotten after [`KEEP_HOURS`].

use crate::db::DbConnection;
use crate::error::AppError;
use crate::schema::idempotency_keys as k;
use diesel::prelude::*;

/// How long a key is remembered.
pub const KEEP_HOURS: i64 = 24;

/// A request's key, where it was sent, and the SHA-256 of its body (as parsed JSON, so spacing
/// and key order do not matter).
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub key: String,
    pub method: String,
    pub path: String,
    pub request_sha256: String,
}

/// The answer given to the first request with a key.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

/// The first answer to this user's key on this method and path, if any; 422 naming the
/// header when the key came with a different body then.
pub fn replay(conn: &mut DbConnection, user_id: i64, key: &IdempotencyKey) -> Result<Option<Answer>, AppError> {
    let cutoff = super::now() - chrono::Duration::hours(KEEP_HOURS);
    let row: Option<(String, i32, Option<String>, String)> = k::table
        .filter(k::user_id.eq(user_id))
        .filter(k::method.eq(&key.method))
        .filter(k::path.eq(&key.path))
        .filter(k::idempotency_key.eq(&key.key))
        .filter(k::created_at.gt(cutoff))
        .select((k::request_sha256, k::status, k::location, k::response))
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some((sha, ..)) if sha != key.request_sha256 => Err(AppError::field(
            "Idempotency-Key",
            format!(
                "the key `{}` was used for a different request body on {} {}: use a new key for a new request",
                key.key, key.method, key.path
            ),
        )),
        Some((_, status, location, body)) => Ok(Some(Answer { status: status as u16, location, body })),
    }
}

/// Keeps the answer to the first request with this key (in the transaction that wrote the
/// record), and forgets keys older than [`KEEP_HOURS`].
pub fn remember(conn: &mut DbConnection, user_id: i64, key: &IdempotencyKey, answer: &Answer) -> Result<(), AppError> {
    let at = super::now();
    diesel::delete(k::table.filter(k::created_at.le(at - chrono::Duration::hours(KEEP_HOURS)))).execute(conn)?;
    diesel::insert_into(k::table)
        .values((
            k::user_id.eq(user_id),
            k::idempotency_key.eq(&key.key),
            k::method.eq(&key.method),
            k::path.eq(&key.path),
            k::request_sha256.eq(&key.request_sha256),
            k::status.eq(i32::from(answer.status)),
            k::location.eq(answer.location.as_deref()),
            k::response.eq(&answer.body),
            k::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
