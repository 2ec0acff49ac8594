//! The results framework (`/projects/{project}/results`, `/results/{id}`), indicators and targets:
//! thin handlers over [`crate::services::framework`].

use super::{created, no_content};
use crate::api::json::Json;
use crate::auth::Principal;
use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::services::framework::{self, Deletable};
use crate::store::indicators::{Indicator, IndicatorInput, Target, TargetInput};
use crate::store::results::{ResultInput, ResultNode, ResultTreeNode};
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

/// The whole results framework of a project.
#[derive(Serialize, ToSchema)]
pub struct ResultsTree {
    pub project_id: i64,
    pub project_code: String,
    /// Top-level results (usually impact or outcomes), each with its indicators and children,
    /// ordered by code.
    pub results: Vec<ResultTreeNode>,
}

#[utoipa::path(get, operation_id = "getResultsFramework", path = "/api/v1/projects/{project}/results", tag = "results",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, description = "The nested results tree with indicators and targets", body = ResultsTree),
        (status = 404, body = Problem)))]
pub async fn tree(db: web::Data<Db>, auth: Principal, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let f = framework::framework(&db, &auth, &path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ResultsTree { project_id: f.project.id, project_code: f.project.code, results: f.tree }))
}

#[utoipa::path(post, operation_id = "createResult", path = "/api/v1/projects/{project}/results", tag = "results", request_body = ResultInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, body = ResultNode), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, description = "e.g. a level not below the parent's", body = Problem)))]
pub async fn create(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    body: Json<ResultInput>,
) -> Result<HttpResponse, AppError> {
    let r = framework::save_result(&db, &auth, &path.into_inner(), None, body.0).await?;
    Ok(created(&format!("/api/v1/results/{}", r.id), &r))
}

#[utoipa::path(get, operation_id = "getResult", path = "/api/v1/results/{id}", tag = "results",
    responses((status = 200, body = ResultNode), (status = 404, body = Problem)))]
pub async fn get(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(framework::result(&db, &auth, path.into_inner()).await?))
}

#[utoipa::path(put, operation_id = "updateResult", path = "/api/v1/results/{id}", tag = "results", request_body = ResultInput,
    responses((status = 200, body = ResultNode), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<ResultInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(framework::update_result(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteResult", path = "/api/v1/results/{id}", tag = "results",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, description = "Has children or indicators", body = Problem)))]
pub async fn delete(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    framework::delete(&db, &auth, None, Deletable::Result, path.into_inner()).await?;
    Ok(no_content())
}

#[utoipa::path(get, operation_id = "listProjectIndicators", path = "/api/v1/projects/{project}/indicators", tag = "indicators",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, body = [Indicator]), (status = 404, body = Problem)))]
pub async fn list_indicators(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(framework::indicators(&db, &auth, &path.into_inner()).await?))
}

#[utoipa::path(post, operation_id = "createIndicator", path = "/api/v1/projects/{project}/indicators", tag = "indicators", request_body = IndicatorInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, body = Indicator), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, description = "e.g. `result_id` names no result of this project", body = Problem)))]
pub async fn create_indicator(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    body: Json<IndicatorInput>,
) -> Result<HttpResponse, AppError> {
    let i = framework::save_indicator(&db, &auth, &path.into_inner(), None, body.0).await?;
    Ok(created(&format!("/api/v1/indicators/{}", i.id), &i))
}

#[utoipa::path(get, operation_id = "getIndicator", path = "/api/v1/indicators/{id}", tag = "indicators",
    responses((status = 200, body = Indicator), (status = 404, body = Problem)))]
pub async fn get_indicator(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(framework::indicator(&db, &auth, path.into_inner()).await?))
}

#[utoipa::path(put, operation_id = "updateIndicator", path = "/api/v1/indicators/{id}", tag = "indicators", request_body = IndicatorInput,
    responses((status = 200, body = Indicator), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_indicator(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<IndicatorInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(framework::update_indicator(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteIndicator", path = "/api/v1/indicators/{id}", tag = "indicators",
    responses((status = 204, description = "Deleted with its targets"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "It has actuals", body = Problem)))]
pub async fn delete_indicator(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    framework::delete(&db, &auth, None, Deletable::Indicator, path.into_inner()).await?;
    Ok(no_content())
}

#[utoipa::path(get, operation_id = "listIndicatorTargets", path = "/api/v1/indicators/{id}/targets", tag = "indicators",
    responses((status = 200, body = [Target]), (status = 404, body = Problem)))]
pub async fn list_targets(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(framework::targets(&db, &auth, path.into_inner()).await?))
}

#[utoipa::path(post, operation_id = "createTarget", path = "/api/v1/indicators/{id}/targets", tag = "indicators", request_body = TargetInput,
    responses((status = 201, body = Target), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "A target for that period exists", body = Problem),
        (status = 422, description = "e.g. a period outside the project dates", body = Problem)))]
pub async fn create_target(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<TargetInput>,
) -> Result<HttpResponse, AppError> {
    let t = framework::create_target(&db, &auth, path.into_inner(), body.0).await?;
    Ok(created(&format!("/api/v1/targets/{}", t.id), &t))
}

#[utoipa::path(put, operation_id = "updateTarget", path = "/api/v1/targets/{id}", tag = "indicators", request_body = TargetInput,
    responses((status = 200, body = Target), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_target(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<TargetInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(framework::update_target(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteTarget", path = "/api/v1/targets/{id}", tag = "indicators",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_target(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    framework::delete(&db, &auth, None, Deletable::Target, path.into_inner()).await?;
    Ok(no_content())
}
