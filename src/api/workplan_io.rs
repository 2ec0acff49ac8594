//! A work plan to and from Excel: `GET /projects/{p}/workplans/{year}/export.xlsx` and
//! `POST /projects/{p}/workplans/{year}/import` (the workbook's bytes as the body; a dry run
//! unless `?apply=true`): thin handlers over `services::workplan_io`.

use crate::auth::Principal;
use crate::awp::{MAX_WORKBOOK_BYTES, XLSX_CONTENT_TYPE};
use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::services::workplan_io::{self, ImportReport};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;
use utoipa::IntoParams;

/// The bytes of an XLSX workbook, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct Workbook(Vec<u8>);

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// A revision of the year's plan (default: the latest, i.e. the draft being prepared or the approved plan).
    pub revision: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true` makes the changes (one transaction, audited, on a draft plan only); otherwise a dry run.
    pub apply: Option<bool>,
}

#[utoipa::path(get, operation_id = "exportWorkPlanWorkbook", path = "/api/v1/projects/{project}/workplans/{year}/export.xlsx", tag = "work plans",
    params(("project" = String, Path, description = "Project id or code"), ("year" = i32, Path, description = "The plan's year, e.g. 2013"), ExportQuery),
    responses((status = 200, description = "The UNDP AWP layout (one row per budget line, activities under their output, Q1-Q4 marks as X, \
            subtotals per activity and output as formulas) and a sheet with the results framework (indicators, baselines, targets per year)",
            content((Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"KAZ-HUB-awp-2013.xlsx\"`"))),
        (status = 404, description = "No such project or revision, or the year has no work plan", body = Problem),
        (status = 422, description = "A year outside the project", body = Problem)))]
pub async fn export(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<(String, i32)>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let ((key, year), revision) = (path.into_inner(), query.revision);
    let file = workplan_io::export_workbook(&db, &auth, &key, year, revision).await?;
    Ok(HttpResponse::Ok()
        .content_type(XLSX_CONTENT_TYPE)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{}\"", file.file_name)))
        .body(file.bytes))
}

#[utoipa::path(post, operation_id = "importWorkPlanWorkbook", path = "/api/v1/projects/{project}/workplans/{year}/import", tag = "work plans",
    params(("project" = String, Path, description = "Project id or code"), ("year" = i32, Path, description = "The plan's year, e.g. 2013"), ImportQuery),
    request_body(content = Workbook, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        description = "The workbook (.xlsx, at most 20 MB): the layout the export writes, or an AWP table typed by a person \
            (columns found by their English or Russian header text)"),
    responses((status = 200, description = "What the workbook creates, changes and deletes (activities, budget lines, targets), every problem \
            with its place (`AWP 2013!I14: unknown budget account \"7160\"`) and the workbook's totals; `applied` says whether it was done", body = ImportReport),
        (status = 403, description = "Finance officers import work plans; changing targets needs a coordinator's right too", body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "The plan is approved (or superseded) and locked: start a revision", body = Problem),
        (status = 415, description = "The body is not sent as an XLSX workbook", body = Problem),
        (status = 422, description = "Not an XLSX, password-protected, no recognisable header row, over 20 MB, a year outside the project; \
            with `apply=true`, every problem of the workbook (each in `errors`, its place as `field`); nothing is written", body = Problem)))]
pub async fn import(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<(String, i32)>,
    query: web::Query<ImportQuery>,
    body: WorkbookBody,
) -> Result<HttpResponse, AppError> {
    let ((key, year), apply) = (path.into_inner(), query.apply.unwrap_or(false));
    let report = workplan_io::import_workbook(&db, &auth, &key, year, body.0, apply).await?;
    Ok(HttpResponse::Ok().json(report))
}

pub use crate::services::workplan_io::BodyProblem;

/// The body of an import: the workbook's bytes, or why they could not be taken. Never fails
/// as an extractor, so that a caller without the right hears 403/404 first.
pub struct WorkbookBody(pub Result<Vec<u8>, BodyProblem>);

impl FromRequest for WorkbookBody {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let sent = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or_default().to_string());
        let essence = sent.as_deref().map(|s| s.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
        let media_ok = matches!(essence.as_deref(), None | Some(XLSX_CONTENT_TYPE | "application/octet-stream"));
        let bytes = web::Bytes::from_request(req, payload);
        let limit = req.app_data::<crate::api::json::BodyTimeout>().copied().unwrap_or_default();
        Box::pin(async move {
            if !media_ok {
                return Ok(WorkbookBody(Err(BodyProblem::MediaType(sent.unwrap_or_default()))));
            }
            let Ok(bytes) = actix_web::rt::time::timeout(limit.0, bytes).await else {
                return Ok(WorkbookBody(Err(BodyProblem::Timeout(limit.0.as_secs()))));
            };
            Ok(WorkbookBody(match bytes {
                Ok(b) if b.len() > MAX_WORKBOOK_BYTES => Err(BodyProblem::TooLarge),
                Ok(b) => Ok(b.to_vec()),
                Err(e) => match e.as_error::<actix_web::error::PayloadError>() {
                    Some(actix_web::error::PayloadError::Overflow) => Err(BodyProblem::TooLarge),
                    _ => Err(BodyProblem::Unreadable(e.to_string())),
                },
            }))
        })
    }
}

/// The routes (registered by `api::routes`): the import reads bodies up to 20 MB.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use actix_web::web::{get, post, resource};
    cfg.service(resource("/projects/{project}/workplans/{year}/export.xlsx").route(get().to(export))).service(
        resource("/projects/{project}/workplans/{year}/import")
            .app_data(web::PayloadConfig::new(MAX_WORKBOOK_BYTES + 1))
            .route(post().to(import)),
    );
}
