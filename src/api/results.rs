//! The results framework (`/projects/{project}/results`, `/results/{id}`), indicators and targets.

use super::{created, no_content};
use crate::api::json::Json;
use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::store::indicators::{self, Indicator, IndicatorInput, Target, TargetInput};
use crate::store::projects;
use crate::store::results::{self, ResultInput, ResultNode, ResultTreeNode};
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

#[utoipa::path(get, path = "/api/v1/projects/{project}/results", tag = "results",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, description = "The nested results tree with indicators and targets", body = ResultsTree),
        (status = 404, body = Problem)))]
pub async fn tree(db: web::Data<Db>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let key = path.into_inner();
    let t = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            Ok(ResultsTree { project_id: p.id, project_code: p.code, results: results::tree(c, p.id)? })
        })
        .await?;
    Ok(HttpResponse::Ok().json(t))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/results", tag = "results", request_body = ResultInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, body = ResultNode), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, description = "e.g. a level not below the parent's", body = Problem)))]
pub async fn create(
    db: web::Data<Db>,
    path: web::Path<String>,
    body: Json<ResultInput>,
) -> Result<HttpResponse, AppError> {
    let (key, input) = (path.into_inner(), body.0);
    let r = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            results::create(c, p.id, &input)
        })
        .await?;
    Ok(created(&format!("/api/v1/results/{}", r.id), &r))
}

#[utoipa::path(get, path = "/api/v1/results/{id}", tag = "results",
    responses((status = 200, body = ResultNode), (status = 404, body = Problem)))]
pub async fn get(db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    Ok(HttpResponse::Ok().json(db.tx(move |c| results::get(c, id)).await?))
}

#[utoipa::path(put, path = "/api/v1/results/{id}", tag = "results", request_body = ResultInput,
    responses((status = 200, body = ResultNode), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    db: web::Data<Db>,
    path: web::Path<i64>,
    body: Json<ResultInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (path.into_inner(), body.0);
    Ok(HttpResponse::Ok().json(db.tx(move |c| results::update(c, id, &input)).await?))
}

#[utoipa::path(delete, path = "/api/v1/results/{id}", tag = "results",
    responses((status = 204), (status = 404, body = Problem), (status = 409, description = "Has children or indicators", body = Problem)))]
pub async fn delete(db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    db.tx(move |c| results::delete(c, id)).await?;
    Ok(no_content())
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/indicators", tag = "indicators",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, body = [Indicator]), (status = 404, body = Problem)))]
pub async fn list_indicators(db: web::Data<Db>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let key = path.into_inner();
    let all = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            indicators::list(c, p.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(all))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/indicators", tag = "indicators", request_body = IndicatorInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, body = Indicator), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, description = "e.g. `result_id` names no result of this project", body = Problem)))]
pub async fn create_indicator(
    db: web::Data<Db>,
    path: web::Path<String>,
    body: Json<IndicatorInput>,
) -> Result<HttpResponse, AppError> {
    let (key, input) = (path.into_inner(), body.0);
    let i = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            indicators::create(c, p.id, &input)
        })
        .await?;
    Ok(created(&format!("/api/v1/indicators/{}", i.id), &i))
}

#[utoipa::path(get, path = "/api/v1/indicators/{id}", tag = "indicators",
    responses((status = 200, body = Indicator), (status = 404, body = Problem)))]
pub async fn get_indicator(db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    Ok(HttpResponse::Ok().json(db.tx(move |c| indicators::get(c, id)).await?))
}

#[utoipa::path(put, path = "/api/v1/indicators/{id}", tag = "indicators", request_body = IndicatorInput,
    responses((status = 200, body = Indicator), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_indicator(
    db: web::Data<Db>,
    path: web::Path<i64>,
    body: Json<IndicatorInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (path.into_inner(), body.0);
    Ok(HttpResponse::Ok().json(db.tx(move |c| indicators::update(c, id, &input)).await?))
}

#[utoipa::path(delete, path = "/api/v1/indicators/{id}", tag = "indicators",
    responses((status = 204, description = "Deleted with its targets"), (status = 404, body = Problem)))]
pub async fn delete_indicator(db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    db.tx(move |c| indicators::delete(c, id)).await?;
    Ok(no_content())
}

#[utoipa::path(get, path = "/api/v1/indicators/{id}/targets", tag = "indicators",
    responses((status = 200, body = [Target]), (status = 404, body = Problem)))]
pub async fn list_targets(db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    Ok(HttpResponse::Ok().json(db.tx(move |c| Ok(indicators::get(c, id)?.targets)).await?))
}

#[utoipa::path(post, path = "/api/v1/indicators/{id}/targets", tag = "indicators", request_body = TargetInput,
    responses((status = 201, body = Target), (status = 404, body = Problem),
        (status = 409, description = "A target for that period exists", body = Problem),
        (status = 422, description = "e.g. a period outside the project dates", body = Problem)))]
pub async fn create_target(
    db: web::Data<Db>,
    path: web::Path<i64>,
    body: Json<TargetInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (path.into_inner(), body.0);
    let t = db.tx(move |c| indicators::create_target(c, id, &input)).await?;
    Ok(created(&format!("/api/v1/targets/{}", t.id), &t))
}

#[utoipa::path(put, path = "/api/v1/targets/{id}", tag = "indicators", request_body = TargetInput,
    responses((status = 200, body = Target), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_target(
    db: web::Data<Db>,
    path: web::Path<i64>,
    body: Json<TargetInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (path.into_inner(), body.0);
    Ok(HttpResponse::Ok().json(db.tx(move |c| indicators::update_target(c, id, &input)).await?))
}

#[utoipa::path(delete, path = "/api/v1/targets/{id}", tag = "indicators",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_target(db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    db.tx(move |c| indicators::delete_target(c, id)).await?;
    Ok(no_content())
}
