//! The JSON body extractor: a body in another format is a 415, malformed JSON is a 400, a
//! body that does not fit the DTO (wrong type, missing or unknown field) is a 422 naming the
//! field's path.

use crate::domain::FieldError;
use crate::error::AppError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// A request body parsed strictly; see the module doc.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = JsonBytes::from_request(req, payload);
        Box::pin(async move { parse(&bytes.await?.0).map(Json) })
    }
}

/// The bytes of a body that must be JSON, unparsed (login parses its own): 415 when the
/// `Content-Type` names another format (a body without one is read as JSON), 413 over the limit.
pub struct JsonBytes(pub web::Bytes);

impl FromRequest for JsonBytes {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let media_type = check_media_type(req);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            media_type?;
            let bytes = bytes.await.map_err(|e| match e.as_error::<actix_web::error::PayloadError>() {
                Some(actix_web::error::PayloadError::Overflow) => AppError::PayloadTooLarge,
                _ => AppError::BadRequest(format!("could not read the request body: {e}")),
            })?;
            Ok(JsonBytes(bytes))
        })
    }
}

/// `application/json` or any `+json` type, with any parameters (`; charset=utf-8`).
fn check_media_type(req: &HttpRequest) -> Result<(), AppError> {
    let Some(value) = req.headers().get(actix_web::http::header::CONTENT_TYPE) else { return Ok(()) };
    let value = value.to_str().unwrap_or_default();
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json")) {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType(format!("send the body as `Content-Type: application/json`, not `{value}`")))
    }
}

/// Parses JSON into `T`, classifying errors as above. A string holding the NUL character
/// (`\u0000`, which PostgreSQL text cannot store) is a 422 naming its field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(AppError::BadRequest("the request body is empty: send a JSON object".into()));
    }
    if let Some(field) = nul_field(bytes) {
        return Err(AppError::Validation(vec![FieldError::new(field, "must not contain the NUL character (\\u0000)")]));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = strip_position(&inner.to_string());
                AppError::Validation(vec![FieldError::new(field_path(&path, &message), message)])
            }
            _ => AppError::BadRequest(format!("malformed JSON: {inner}")),
        }
    })
}

/// The path of the first string (or key) holding a NUL character, if any.
pub fn nul_field(bytes: &[u8]) -> Option<String> {
    fn walk(v: &serde_json::Value, path: &str) -> Option<String> {
        let here = |p: &str| if p.is_empty() { "body".to_string() } else { p.to_string() };
        match v {
            serde_json::Value::String(s) if s.contains('\0') => Some(here(path)),
            serde_json::Value::Array(items) => {
                items.iter().enumerate().find_map(|(i, v)| walk(v, &format!("{path}[{i}]")))
            }
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                if k.contains('\0') { Some(here(path)) } else { walk(v, &p) }
            }),
            _ => None,
        }
    }
    // Only a body with the escape can hold one (a raw NUL is not JSON).
    if !bytes.windows(6).any(|w| w == b"\\u0000") {
        return None;
    }
    walk(&serde_json::from_slice(bytes).ok()?, "")
}

/// serde reports `missing field `title`` at the parent's path, and unknown fields by
/// name: turn both into the full path of the field concerned.
fn field_path(path: &str, message: &str) -> String {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|rest| rest.split('`').next());
    match named {
        Some(name) if path == "." || path.is_empty() => name.to_string(),
        Some(name) if !path.ends_with(name) => format!("{path}.{name}"),
        _ if path == "." => "body".to_string(),
        _ => path.to_string(),
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        amount_minor: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        title: String,
        lines: Vec<Inner>,
    }

    fn field_of(json: &str) -> (u16, String) {
        match parse::<Outer>(json.as_bytes()).unwrap_err() {
            AppError::Validation(errs) => (422, errs[0].field.clone()),
            AppError::BadRequest(m) => (400, m),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn classifies_and_names_fields() {
        assert_eq!(field_of(r#"{"title": 1, "lines": []}"#), (422, "title".into()));
        assert_eq!(field_of(r#"{"lines": []}"#), (422, "title".into()));
        assert_eq!(field_of(r#"{"title": "x", "lines": [], "colour": 1}"#), (422, "colour".into()));
        assert_eq!(
            field_of(r#"{"title": "x", "lines": [{"amount_minor": 1.5}]}"#),
            (422, "lines[0].amount_minor".into())
        );
        assert_eq!(field_of(r#"{"title": "x", "lines": [{"amount_minor": 1, "x": 2}]}"#), (422, "lines[0].x".into()));
        assert_eq!(field_of(r#"{"title": "x", "#).0, 400);
        assert_eq!(field_of(r#"{"title": "a\u0000b", "lines": []}"#), (422, "title".into()));
        assert_eq!(
            field_of(r#"{"title": "x", "lines": [{"amount_minor": 1, "note\u0000": 2}]}"#),
            (422, "lines[0]".into())
        );
        assert!(parse::<Outer>(br#"{"title": "a\\u0000b", "lines": []}"#).is_ok(), "an escaped backslash is no NUL");
        assert_eq!(field_of("").0, 400);
    }
}
