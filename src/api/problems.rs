//! How the OpenAPI document describes failures: every answer of 400 and above is an RFC 7807
//! `application/problem+json` body of the [`Problem`](crate::error::Problem) schema.
//!
//! [`ProblemResponses`] adds to each operation the answers that follow from its shape, so no
//! handler can forget them: 400 (an unreadable body or query string), 401 (it needs a token),
//! 404 (it names a resource in its path), 413 / 415 / 422 (it takes a JSON body), 503 (the
//! database is busy or unreachable). The answers that depend on what a handler does (403,
//! 409, 412, a 422 of a query, 429) are listed in its `#[utoipa::path]`; a response listed
//! there without a description refers to the shared one of its status.

use utoipa::Modify;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

/// The shared answers, by status: component name and description.
const SHARED: &[(u16, &str, &str)] = &[
    (400, "BadRequest", "The request could not be read: malformed JSON, an empty body or a bad query string"),
    (401, "Unauthorized", "No bearer token, or one that is unknown, expired or revoked"),
    (403, "Forbidden", "Your role does not allow this"),
    (404, "NotFound", "No such resource, or one on a project you have no role on"),
    (408, "RequestTimeout", "The request body did not arrive within the client timeout (`--client-timeout`)"),
    (409, "Conflict", "In conflict with the current state: a duplicate, dependants still present, or a locked record"),
    (412, "PreconditionFailed", "Stale `version`: someone changed the resource since you read it; nothing was written"),
    (413, "PayloadTooLarge", "The request body is over 1 MiB"),
    (415, "UnsupportedMediaType", "The request body is not `application/json`"),
    (
        422,
        "ValidationFailed",
        "Validation failed: `errors` names each failing field (unknown fields and wrong types too)",
    ),
    (429, "TooManyRequests", "Too many failed attempts; retry after `Retry-After` seconds"),
    (503, "Unavailable", "The database is busy or unreachable; retry after `Retry-After` seconds"),
];

pub const PROBLEM_JSON: &str = "application/problem+json";

/// See the module documentation.
pub struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (status, name, description) in SHARED {
            components.responses.insert(name.to_string(), RefOr::T(problem_response(*status, description)));
        }
        for item in openapi.paths.paths.values_mut() {
            let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in ops.into_iter().flatten() {
                document_success(op);
                document_problems(op);
            }
        }
    }
}

fn problem_response(status: u16, description: &str) -> Response {
    let mut r = ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build());
    let string = || utoipa::openapi::schema::Object::with_type(utoipa::openapi::schema::Type::String);
    if status == 401 {
        r = r.header("WWW-Authenticate", HeaderBuilder::new().schema(string()).description(Some("`Bearer`")).build());
    }
    if status == 429 || status == 503 {
        let integer = utoipa::openapi::schema::Object::with_type(utoipa::openapi::schema::Type::Integer);
        r = r.header("Retry-After", HeaderBuilder::new().schema(integer).description(Some("Seconds to wait")).build());
    }
    r.build()
}

/// The component name of the shared answer of a status.
fn shared(status: u16) -> Option<&'static str> {
    SHARED.iter().find(|(s, ..)| *s == status).map(|(_, name, _)| *name)
}

/// The answers that follow from the operation's shape (see the module documentation).
fn implied_statuses(op: &Operation) -> Vec<u16> {
    let params = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
    let mut out = vec![503];
    let public = op.security.as_ref().is_some_and(|reqs| {
        reqs.iter().all(|r| serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty())))
    });
    if !public {
        out.push(401);
    }
    if has(ParameterIn::Path) {
        out.push(404);
    }
    if has(ParameterIn::Query) {
        out.push(400);
    }
    if op.request_body.is_some() {
        out.extend([400, 408, 413, 415]);
        // Login reads its body by hand so that no message can echo the password: a body
        // that does not fit is a 400 there.
        if op.operation_id.as_deref() != Some("login") {
            out.push(422);
        }
    }
    out
}

/// Success answers listed without a description get the usual one; a 201 says where the new
/// resource is (`Location`).
fn document_success(op: &mut Operation) {
    for (code, response) in op.responses.responses.iter_mut() {
        let (Ok(status), RefOr::T(r)) = (code.parse::<u16>(), response) else { continue };
        // A problem listed without words of its own gets the shared answer (below), not "OK".
        if r.description.is_empty() && status < 400 {
            r.description = match status {
                201 => "Created",
                204 => "Done; no content",
                _ => "OK",
            }
            .into();
        }
        if status == 201 {
            let string = utoipa::openapi::schema::Object::with_type(utoipa::openapi::schema::Type::String);
            let location = HeaderBuilder::new().schema(string).description(Some("The new resource's URL path")).build();
            r.headers.insert("Location".into(), location);
        }
    }
}

fn document_problems(op: &mut Operation) {
    for status in implied_statuses(op) {
        op.responses.responses.entry(status.to_string()).or_insert_with(|| RefOr::T(Response::new("")));
    }
    for (code, response) in op.responses.responses.iter_mut() {
        let Ok(status) = code.parse::<u16>() else { continue };
        if status < 400 {
            continue;
        }
        if let RefOr::T(r) = response {
            *response = match shared(status) {
                // Listed without a description of its own: the shared answer.
                Some(name) if r.description.is_empty() => RefOr::Ref(Ref::from_response_name(name)),
                _ => RefOr::T(problem_response(status, &r.description)),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_problem_answer_is_described_as_ok() {
        use utoipa::OpenApi;
        let doc = crate::api::ApiDoc::openapi();
        let mut wrong = vec![];
        for (path, item) in &doc.paths.paths {
            let ops = [&item.get, &item.put, &item.post, &item.delete, &item.patch];
            for op in ops.into_iter().flatten() {
                for (code, response) in &op.responses.responses {
                    if let (true, RefOr::T(r)) = (code.as_str() >= "400", response)
                        && ["OK", ""].contains(&r.description.as_str())
                    {
                        wrong.push(format!("{path} {code}: {:?}", r.description));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn every_status_the_errors_produce_has_a_shared_answer() {
        use crate::error::AppError;
        use actix_web::ResponseError;
        let errors = [
            AppError::BadRequest(String::new()),
            AppError::Validation(vec![]),
            AppError::PayloadTooLarge,
            AppError::UnsupportedMediaType(String::new()),
            AppError::Unauthorized(String::new()),
            AppError::Forbidden(String::new()),
            AppError::TooManyRequests { retry_after_secs: 1 },
            AppError::NotFound(String::new()),
            AppError::Conflict { message: String::new(), field: None },
            AppError::PreconditionFailed(String::new()),
            AppError::Unavailable(String::new()),
        ];
        for e in errors {
            let status = e.status_code().as_u16();
            assert!(shared(status).is_some(), "{status}");
            let response = e.error_response();
            assert_eq!(response.headers().get("content-type").unwrap(), PROBLEM_JSON, "{status}");
        }
    }
}
