//! The JSON body extractor: a body in another format is a 415, malformed JSON is a 400, a
//! body that does not fit the DTO (wrong type, missing or unknown field) is a 422 naming the
//! field's path.
//!
//! Rules for every body, checked here once rather than per field:
//! - **text**: no control character other than tab, line feed and carriage return in any
//!   string (value or key): 422 naming the field. NUL, form feed, vertical tab ... would
//!   break the XML of the reports and PostgreSQL refuses NUL in text.
//! - **money**: every number under a key ending in `_minor` (and every quarter of a
//!   `phasing`) is at most [`MAX_AMOUNT_MINOR`] either way: 422 naming the field.

use crate::domain::FieldError;
use crate::domain::money::{MAX_AMOUNT_MINOR, amount_problem};
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
        let limit = req.app_data::<BodyTimeout>().copied().unwrap_or_default();
        Box::pin(async move {
            media_type?;
            // A client that trickles its body holds a connection, not a thread; it is cut off
            // after the timeout so that slow clients cannot pile up.
            let bytes = actix_web::rt::time::timeout(limit.0, bytes)
                .await
                .map_err(|_| AppError::RequestTimeout(limit.0.as_secs()))?;
            let bytes = bytes.map_err(|e| match e.as_error::<actix_web::error::PayloadError>() {
                Some(actix_web::error::PayloadError::Overflow) => AppError::PayloadTooLarge,
                _ => AppError::BadRequest(format!("could not read the request body: {e}")),
            })?;
            Ok(JsonBytes(bytes))
        })
    }
}

/// How long a request body may take to arrive (`--client-timeout`; the headers have the same
/// limit, set on the server).
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

impl Default for BodyTimeout {
    fn default() -> Self {
        BodyTimeout(std::time::Duration::from_secs(crate::configuration::DEFAULT_CLIENT_TIMEOUT_SECS))
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
    check_body(bytes)?;
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

/// The rules of the module doc, on the body as a JSON tree. Only bodies that may break one
/// are read twice: raw control characters are already malformed JSON, so a control
/// character can only arrive escaped (`\u0000`, `\b`, `\f`); amounts come with their key.
fn check_body(bytes: &[u8]) -> Result<(), AppError> {
    let escaped_control = bytes.windows(2).any(|w| w[0] == b'\\' && matches!(w[1], b'u' | b'b' | b'f'));
    let money = bytes.windows(7).any(|w| w == b"_minor\"" || w == b"phasing");
    if !escaped_control && !money {
        return Ok(());
    }
    // Malformed JSON is left to the typed parse below, which says where.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else { return Ok(()) };
    let mut errs = vec![];
    walk(&value, &mut String::new(), &mut errs);
    if errs.is_empty() { Ok(()) } else { Err(AppError::Validation(errs)) }
}

fn walk(v: &serde_json::Value, path: &mut String, errs: &mut Vec<FieldError>) {
    use serde_json::Value;
    let here = |path: &str| if path.is_empty() { "body".to_string() } else { path.to_string() };
    match v {
        Value::String(s) => {
            if let Some(m) = text_problem(s) {
                errs.push(FieldError::new(here(path), m));
            }
        }
        Value::Number(n) if is_amount(path) => {
            let wide = n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
            // A float is refused by the typed parse (amounts are integers) unless it is huge.
            let too_big = match wide {
                Some(w) => amount_problem(w),
                None => {
                    n.as_f64().filter(|f| f.abs() > MAX_AMOUNT_MINOR as f64).and_then(|_| amount_problem(i128::MAX))
                }
            };
            if let Some(m) = too_big {
                errs.push(FieldError::new(here(path), m));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, errs);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if let Some(m) = text_problem(key) {
                    errs.push(FieldError::new(here(path), format!("a key {m}")));
                    continue;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(item, path, errs);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Is the value at `path` an amount: a field `..._minor`, or an element of one or of a
/// `phasing` (`lines[0].phasing[2]`)?
fn is_amount(path: &str) -> bool {
    let mut field = path.rsplit('.').next().unwrap_or(path);
    while let Some(open) = field.rfind('[').filter(|_| field.ends_with(']')) {
        field = &field[..open];
    }
    field.ends_with("_minor") || field == "phasing"
}

/// Why a text may not be stored, if it may not: a control character other than tab, line
/// feed or carriage return.
pub fn text_problem(s: &str) -> Option<String> {
    let c = s.chars().find(|c| (*c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))?;
    Some(format!(
        "contains the control character U+{:04X}: remove it (tab, line feed and carriage return are allowed)",
        c as u32
    ))
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

    #[test]
    fn amounts_are_bounded_wherever_they_are() {
        assert_eq!(
            field_of(&format!(r#"{{"title": "x", "lines": [{{"amount_minor": {}}}]}}"#, i64::MAX)),
            (422, "lines[0].amount_minor".into())
        );
        assert_eq!(
            field_of(r#"{"title": "x", "lines": [{"amount_minor": -1000000000000001}]}"#),
            (422, "lines[0].amount_minor".into())
        );
        assert_eq!(
            field_of(r#"{"title": "x", "lines": [{"amount_minor": 1e300}]}"#),
            (422, "lines[0].amount_minor".into())
        );
        assert_eq!(
            field_of(r#"{"title": "x", "lines": [{"amount_minor": 99999999999999999999}]}"#),
            (422, "lines[0].amount_minor".into())
        );
        // At the bound, the typed parse decides (here: the field `phasing` is unknown).
        let at =
            r#"{"title": "x", "lines": [{"amount_minor": 1000000000000000}], "phasing": [9223372036854775807, 0]}"#;
        assert_eq!(field_of(at), (422, "phasing[0]".into()));
        let ok: Outer = parse(br#"{"title": "x", "lines": [{"amount_minor": -1000000000000000}]}"#).unwrap();
        assert_eq!(ok.lines[0].amount_minor, -1_000_000_000_000_000);
        assert!(is_amount("x_minor") && is_amount("a.phasing[3]") && is_amount("q_minor[1][2]"));
        assert!(!is_amount("version") && !is_amount("minor") && !is_amount("phasing_note"));
    }

    #[test]
    fn control_characters_are_refused_with_their_field() {
        for c in (0u32..0x20).filter(|c| ![9, 10, 13].contains(c)) {
            let json = format!(r#"{{"title": "a\u{c:04x}b", "lines": [{{"amount_minor": 1}}]}}"#);
            assert_eq!(field_of(&json), (422, "title".into()), "U+{c:04X}");
        }
        assert_eq!(field_of(r#"{"title": "a\bb\fc", "lines": []}"#), (422, "title".into()));
        let ok: Outer = parse(br#"{"title": "tab\tline\nreturn\r\u0009 \\b \u00e9", "lines": []}"#).unwrap();
        assert_eq!(ok.title, "tab\tline\nreturn\r\t \\b é");
        let nested = r#"{"title": "x", "lines": [{"amount_minor": 1}, {"note": "\u0000"}]}"#;
        assert_eq!(field_of(nested), (422, "lines[1].note".into()));
        // A raw control byte is not JSON at all.
        assert_eq!(field_of("{\"title\": \"a\u{1}b\", \"lines\": []}").0, 400);
    }
}
