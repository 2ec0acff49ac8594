//! Donor reports: generate (off the HTTP workers), list, download, issue.

use super::created;
use crate::api::json::Json;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::progress::Thresholds;
use crate::error::{AppError, Problem};
use crate::reports::ReportRequest;
use crate::reports::templates::Templates;
use crate::services::reports as uc;
use crate::store::reports::ReportMeta;
use actix_web::{HttpResponse, web};

/// The bytes of a stored report (PDF, XLSX or HTML), for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct ReportFile(Vec<u8>);

#[utoipa::path(post, operation_id = "generateReport", path = "/api/v1/projects/{project}/reports", tag = "reports", request_body = ReportRequest,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, description = "Generated and stored; download it from /reports/{id}/file", body = ReportMeta),
        (status = 403, description = "Coordinators and managers generate reports", body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The period has unapproved data (listed); ask for a draft", body = Problem),
        (status = 422, description = "Unknown template, bad or out-of-project period, missing exchange rate", body = Problem)))]
pub async fn generate(
    db: web::Data<Db>,
    auth: Principal,
    templates: web::Data<Templates>,
    thresholds: web::Data<Thresholds>,
    path: web::Path<String>,
    body: Json<ReportRequest>,
) -> Result<HttpResponse, AppError> {
    // On the blocking pool, one snapshot of the data: a large report never holds up the HTTP workers.
    let meta = uc::generate(&db, &auth, templates.into_inner(), **thresholds, &path.into_inner(), body.0).await?;
    Ok(created(&format!("/api/v1/reports/{}", meta.id), &meta))
}

/// The HTML of a preview, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String)]
#[allow(dead_code)]
pub struct ReportHtml(String);

#[utoipa::path(post, operation_id = "previewReport", path = "/api/v1/projects/{project}/reports/preview", tag = "reports", request_body = ReportRequest,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, description = "What `generateReport` would store, as HTML (the format asked for is ignored); nothing is stored. \
            Served with a sandboxing Content-Security-Policy (no scripts).",
            content((ReportHtml = "text/html"))),
        (status = 403, description = "Coordinators and managers preview reports", body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The period has unapproved data (listed); ask for a draft", body = Problem),
        (status = 422, description = "Unknown template, bad or out-of-project period, missing exchange rate", body = Problem)))]
pub async fn preview(
    db: web::Data<Db>,
    auth: Principal,
    templates: web::Data<Templates>,
    thresholds: web::Data<Thresholds>,
    path: web::Path<String>,
    body: Json<ReportRequest>,
) -> Result<HttpResponse, AppError> {
    let html = uc::preview(&db, &auth, templates.into_inner(), **thresholds, &path.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok()
        .content_type(crate::reports::Format::Html.content_type())
        .insert_header(("Content-Security-Policy", uc::PREVIEW_CSP))
        .body(html))
}

#[utoipa::path(get, operation_id = "listProjectReports", path = "/api/v1/projects/{project}/reports", tag = "reports",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, description = "Newest first; donors see issued reports only", body = [ReportMeta]),
        (status = 404, body = Problem)))]
pub async fn list(db: web::Data<Db>, auth: Principal, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let all = uc::list(&db, &auth, &path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(all))
}

#[utoipa::path(get, operation_id = "getReport", path = "/api/v1/reports/{id}", tag = "reports",
    responses((status = 200, body = ReportMeta), (status = 404, body = Problem)))]
pub async fn get(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::get(&db, &auth, path.into_inner()).await?))
}

#[utoipa::path(get, operation_id = "downloadReportFile", path = "/api/v1/reports/{id}/file", tag = "reports",
    responses((status = 200, description = "The stored bytes, in the report's format, as an attachment with its file name",
            content((ReportFile = "application/pdf"), (ReportFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (ReportFile = "text/html")),
            headers(("ETag" = String, description = "The SHA-256 of the bytes, quoted"),
                ("Content-Disposition" = String, description = "`attachment; filename=\"...\"`: the name has ASCII letters, digits, `.`, `-` and `_` only"))),
        (status = 404, body = Problem)))]
pub async fn file(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let (meta, bytes) = uc::file(&db, &auth, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type(meta.content_type.as_str())
        // Safe characters only, also for reports stored before file names were (see `safe_file_name`).
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", crate::reports::safe_file_name(&meta.file_name)),
        ))
        .insert_header(("ETag", format!("\"{}\"", meta.sha256)))
        .body(bytes))
}

#[utoipa::path(post, operation_id = "issueReport", path = "/api/v1/reports/{id}/issue", tag = "reports",
    responses((status = 200, description = "Issued to the project's donors", body = ReportMeta),
        (status = 403, description = "Managers issue reports", body = Problem), (status = 404, body = Problem),
        (status = 409, description = "A draft cannot be issued", body = Problem)))]
pub async fn issue(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let meta = uc::issue(&db, &auth, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(meta))
}
