//! The `Idempotency-Key` header of the `POST`s that create money records (expenditures,
//! receipts, budget lines): a retry with the same key, by the same user, on the same method and
//! path, gets the first answer (status and body) and creates nothing; the same key with another
//! body is a 422 naming the header. See [`crate::store::idempotency`].

use crate::api::json::{self, JsonBytes};
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::store::idempotency::{self, Answer, IdempotencyKey};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::pin::Pin;

pub const HEADER: &str = "Idempotency-Key";
/// Says that an answer is the replay of the first one to its key.
pub const REPLAYED: &str = "Idempotent-Replayed";

/// A strict JSON body (see [`json::Json`]) and the request's idempotency key, if it sent one
/// (400 when the header is not 1-255 visible ASCII characters).
pub struct IdempotentJson<T> {
    pub input: T,
    pub key: Option<IdempotencyKey>,
}

impl<T: DeserializeOwned + 'static> FromRequest for IdempotentJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let header = req.headers().get(HEADER).map(|v| v.as_bytes().to_vec());
        let (method, path) = (req.method().to_string(), req.path().to_string());
        let bytes = JsonBytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await?.0;
            let input: T = json::parse(&bytes)?;
            let key = match header {
                None => None,
                Some(h) => {
                    if h.is_empty() || h.len() > 255 || !h.iter().all(|b| b.is_ascii_graphic()) {
                        return Err(AppError::BadRequest(format!(
                            "the {HEADER} header must be 1 to 255 visible ASCII characters (e.g. a UUID)"
                        )));
                    }
                    // The body as parsed (it is valid JSON by now): spacing and key order do not count.
                    let canonical =
                        serde_json::from_slice::<serde_json::Value>(&bytes).map(|v| v.to_string()).unwrap_or_default();
                    let request_sha256 =
                        Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
                    Some(IdempotencyKey { key: String::from_utf8(h).unwrap_or_default(), method, path, request_sha256 })
                }
            };
            Ok(IdempotentJson { input, key })
        })
    }
}

/// Runs `create` (one transaction, answering the new record and its URL path) unless the key
/// was seen: then the first answer is given again. The key is kept in the same transaction as
/// the record, so a record and its key exist together or not at all. Of two requests with the
/// same key at once, one creates; the other, refused by the key's uniqueness, answers as the
/// first did.
pub async fn create_once<T, F>(
    db: &Db,
    user_id: i64,
    key: Option<IdempotencyKey>,
    create: F,
) -> Result<HttpResponse, AppError>
where
    T: Serialize,
    F: Fn(&mut DbConnection) -> Result<(String, T), AppError> + Send + 'static,
{
    let first_key = key.clone();
    let outcome = db
        .tx(move |c| {
            if let Some(k) = &key
                && let Some(answer) = idempotency::replay(c, user_id, k)?
            {
                return Ok((answer, true));
            }
            let (location, record) = create(c)?;
            let body = serde_json::to_string(&record).map_err(|e| AppError::Internal(e.to_string()))?;
            let answer = Answer { status: 201, location: Some(location), body };
            if let Some(k) = &key {
                idempotency::remember(c, user_id, k, &answer)?;
            }
            Ok((answer, false))
        })
        .await;
    let (answer, replayed) = match (outcome, first_key) {
        (Err(AppError::Db(e)), Some(k)) if is_unique_violation(&e) => {
            match db.tx(move |c| idempotency::replay(c, user_id, &k)).await? {
                Some(answer) => (answer, true),
                None => return Err(AppError::Db(e)),
            }
        }
        (outcome, _) => outcome?,
    };
    let status = actix_web::http::StatusCode::from_u16(answer.status)
        .map_err(|e| AppError::Internal(format!("stored status: {e}")))?;
    let mut response = HttpResponse::build(status);
    response.content_type("application/json");
    if let Some(location) = &answer.location {
        response.insert_header(("Location", location.as_str()));
    }
    if replayed {
        response.insert_header((REPLAYED, "true"));
    }
    Ok(response.body(answer.body))
}

fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}
