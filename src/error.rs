//! One error type for the whole service, answered as RFC 7807 `application/problem+json`.
//! A 500 is a bug: every expected failure has its own 4xx with the field named.

use crate::domain::FieldError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request could not be read (malformed JSON, bad query string).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Well-formed input that breaks one or more rules.
    #[error("validation failed: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Validation(Vec<FieldError>),
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// The body did not arrive within the client timeout (a slow or stalled client).
    #[error("the request body did not arrive within {0} s")]
    RequestTimeout(u64),
    /// A body in another format than the one the endpoint reads.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// No credentials, or credentials that are unknown, expired or revoked.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Authenticated, but the role does not allow this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("too many attempts: retry in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("{0} not found")]
    NotFound(String),
    /// The change conflicts with the current state (duplicate code, dependants exist).
    #[error("conflict: {message}")]
    Conflict { message: String, field: Option<String> },
    /// The client's `version` is stale: someone else changed the resource first.
    #[error("stale version: {0}")]
    PreconditionFailed(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("database: {0}")]
    Db(#[from] DieselError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Conflict { message: message.into(), field: Some(field.into()) }
    }

    /// Maps the database's own verdict when no rule caught it first (e.g. a race on a
    /// unique code between two requests).
    fn db_status(e: &DieselError) -> StatusCode {
        match e {
            DieselError::NotFound => StatusCode::NOT_FOUND,
            DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => StatusCode::CONFLICT,
            DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, _) => StatusCode::UNPROCESSABLE_ENTITY,
            DieselError::DatabaseError(_, info)
                if info.message().contains("database is locked") || info.message().contains("busy") =>
            {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For 422 (and some 409): each failing field path and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(e) => Self::db_status(e),
            AppError::Config(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (kind, title) = match status.as_u16() {
            400 => ("bad-request", "The request could not be read"),
            401 => ("unauthorized", "Authentication required"),
            403 => ("forbidden", "Not allowed for your role"),
            404 => ("not-found", "Not found"),
            408 => ("request-timeout", "The request took too long to arrive"),
            429 => ("too-many-requests", "Too many attempts"),
            409 => ("conflict", "Conflict with the current state"),
            413 => ("payload-too-large", "The request body is too large"),
            412 => ("stale-version", "The resource was changed by someone else"),
            415 => ("unsupported-media-type", "The request body must be JSON"),
            422 => ("validation-failed", "Validation failed"),
            503 => ("unavailable", "Service temporarily unavailable"),
            _ => ("internal", "Internal error"),
        };
        let detail = if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            log::error!("{self}");
            "an internal error occurred; it has been logged".to_string()
        } else {
            match self {
                AppError::Db(DieselError::DatabaseError(_, info)) => info.message().to_string(),
                AppError::Db(DieselError::NotFound) => "the resource does not exist".to_string(),
                AppError::NotFound(what) => format!("{what} does not exist"),
                AppError::Conflict { message, .. } => message.clone(),
                AppError::Validation(errs) if errs.len() == 1 => errs[0].to_string(),
                AppError::Validation(errs) => format!("{} fields failed validation", errs.len()),
                other => other.to_string(),
            }
        };
        let errors = match self {
            AppError::Validation(errs) => errs.clone(),
            AppError::Conflict { message, field: Some(f) } => vec![FieldError::new(f.clone(), message.clone())],
            _ => vec![],
        };
        let mut response = HttpResponse::build(status);
        match self {
            AppError::Unauthorized(_) => {
                response.insert_header(("WWW-Authenticate", "Bearer"));
            }
            AppError::TooManyRequests { retry_after_secs } => {
                response.insert_header(("Retry-After", retry_after_secs.to_string()));
            }
            // Busy (no hashing slot, a locked database): worth trying again shortly.
            _ if status == StatusCode::SERVICE_UNAVAILABLE => {
                response.insert_header(("Retry-After", "1"));
            }
            _ => {}
        }
        response.content_type("application/problem+json").json(Problem {
            kind: format!("/problems/{kind}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail,
            errors,
        })
    }
}
