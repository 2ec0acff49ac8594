//! The results framework (`/projects/{project}/results`, `/results/{id}`), indicators and targets.

use super::{created, no_content};
use crate::api::json::Json;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::access::Action;
use crate::error::{AppError, Problem};
use crate::services::framework::{self, Deletable};
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

#[utoipa::path(get, operation_id = "getResultsFramework", path = "/api/v1/projects/{project}/results", tag = "results",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, description = "The nested results tree with indicators and targets", body = ResultsTree),
        (status = 404, body = Problem)))]
pub async fn tree(db: web::Data<Db>, auth: Principal, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let key = path.into_inner();
    let t = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::Read)?;
            Ok(ResultsTree { project_id: p.id, project_code: p.code, results: results::tree(c, p.id)? })
        })
        .await?;
    Ok(HttpResponse::Ok().json(t))
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
    let (key, input, actor) = (path.into_inner(), body.0, auth.actor());
    let r = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::EditResults)?;
            results::create(c, &actor, p.id, &input)
        })
        .await?;
    Ok(created(&format!("/api/v1/results/{}", r.id), &r))
}

#[utoipa::path(get, operation_id = "getResult", path = "/api/v1/results/{id}", tag = "results",
    responses((status = 200, body = ResultNode), (status = 404, body = Problem)))]
pub async fn get(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let r = db
        .tx(move |c| {
            let r = results::get(c, id)?;
            auth.require(r.project_id, Action::Read)?;
            Ok(r)
        })
        .await?;
    Ok(HttpResponse::Ok().json(r))
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
    let (id, input, actor) = (path.into_inner(), body.0, auth.actor());
    let r = db
        .tx(move |c| {
            auth.require(results::get(c, id)?.project_id, Action::EditResults)?;
            results::update(c, &actor, id, &input)
        })
        .await?;
    Ok(HttpResponse::Ok().json(r))
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
    let key = path.into_inner();
    let all = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::Read)?;
            indicators::list(c, p.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(all))
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
    let (key, input, actor) = (path.into_inner(), body.0, auth.actor());
    let i = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::EditResults)?;
            indicators::create(c, &actor, p.id, &input)
        })
        .await?;
    Ok(created(&format!("/api/v1/indicators/{}", i.id), &i))
}

#[utoipa::path(get, operation_id = "getIndicator", path = "/api/v1/indicators/{id}", tag = "indicators",
    responses((status = 200, body = Indicator), (status = 404, body = Problem)))]
pub async fn get_indicator(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let i = db
        .tx(move |c| {
            let i = indicators::get(c, id)?;
            auth.require(i.project_id, Action::Read)?;
            Ok(i)
        })
        .await?;
    Ok(HttpResponse::Ok().json(i))
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
    let (id, input, actor) = (path.into_inner(), body.0, auth.actor());
    let i = db
        .tx(move |c| {
            auth.require(indicators::get(c, id)?.project_id, Action::EditResults)?;
            indicators::update(c, &actor, id, &input)
        })
        .await?;
    Ok(HttpResponse::Ok().json(i))
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
    let id = path.into_inner();
    let ts = db
        .tx(move |c| {
            let i = indicators::get(c, id)?;
            auth.require(i.project_id, Action::Read)?;
            Ok(i.targets)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ts))
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
    let (id, input, actor) = (path.into_inner(), body.0, auth.actor());
    let t = db
        .tx(move |c| {
            auth.require(indicators::get(c, id)?.project_id, Action::EditResults)?;
            indicators::create_target(c, &actor, id, &input)
        })
        .await?;
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
    let (id, input, actor) = (path.into_inner(), body.0, auth.actor());
    let t = db
        .tx(move |c| {
            let indicator_id = indicators::get_target(c, id)?.indicator_id;
            auth.require(indicators::get(c, indicator_id)?.project_id, Action::EditResults)?;
            indicators::update_target(c, &actor, id, &input)
        })
        .await?;
    Ok(HttpResponse::Ok().json(t))
}

#[utoipa::path(delete, operation_id = "deleteTarget", path = "/api/v1/targets/{id}", tag = "indicators",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_target(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    framework::delete(&db, &auth, None, Deletable::Target, path.into_inner()).await?;
    Ok(no_content())
}
