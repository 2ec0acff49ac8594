//! Funding sources (`/api/v1/funding-sources`) and project contributions.

use super::{created, no_content};
use crate::api::json::Json;
use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::store::funding::{self, Contribution, ContributionInput, FundingSource, FundingSourceInput};
use crate::store::projects;
use actix_web::{HttpResponse, web};

#[utoipa::path(get, path = "/api/v1/funding-sources", tag = "funding",
    responses((status = 200, body = [FundingSource])))]
pub async fn list_sources(db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(db.tx(funding::list_sources).await?))
}

#[utoipa::path(post, path = "/api/v1/funding-sources", tag = "funding", request_body = FundingSourceInput,
    responses((status = 201, body = FundingSource), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_source(db: web::Data<Db>, body: Json<FundingSourceInput>) -> Result<HttpResponse, AppError> {
    let input = body.0;
    let f = db.tx(move |c| funding::create_source(c, &input)).await?;
    Ok(created(&format!("/api/v1/funding-sources/{}", f.id), &f))
}

#[utoipa::path(get, path = "/api/v1/funding-sources/{id}", tag = "funding",
    responses((status = 200, body = FundingSource), (status = 404, body = Problem)))]
pub async fn get_source(db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    Ok(HttpResponse::Ok().json(db.tx(move |c| funding::get_source(c, id)).await?))
}

#[utoipa::path(put, path = "/api/v1/funding-sources/{id}", tag = "funding", request_body = FundingSourceInput,
    responses((status = 200, body = FundingSource), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_source(
    db: web::Data<Db>,
    path: web::Path<i64>,
    body: Json<FundingSourceInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (path.into_inner(), body.0);
    Ok(HttpResponse::Ok().json(db.tx(move |c| funding::update_source(c, id, &input)).await?))
}

#[utoipa::path(delete, path = "/api/v1/funding-sources/{id}", tag = "funding",
    responses((status = 204), (status = 404, body = Problem), (status = 409, description = "Still funds a project", body = Problem)))]
pub async fn delete_source(db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    db.tx(move |c| funding::delete_source(c, id)).await?;
    Ok(no_content())
}

#[utoipa::path(get, path = "/api/v1/projects/{project}/contributions", tag = "funding",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, body = [Contribution]), (status = 404, body = Problem)))]
pub async fn list_contributions(db: web::Data<Db>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let key = path.into_inner();
    let all = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            funding::list_contributions(c, p.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(all))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/contributions", tag = "funding", request_body = ContributionInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, body = Contribution), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_contribution(
    db: web::Data<Db>,
    path: web::Path<String>,
    body: Json<ContributionInput>,
) -> Result<HttpResponse, AppError> {
    let (key, input) = (path.into_inner(), body.0);
    let created_c = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            funding::create_contribution(c, p.id, &input)
        })
        .await?;
    Ok(created(&format!("/api/v1/contributions/{}", created_c.id), &created_c))
}

#[utoipa::path(get, path = "/api/v1/contributions/{id}", tag = "funding",
    responses((status = 200, body = Contribution), (status = 404, body = Problem)))]
pub async fn get_contribution(db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    Ok(HttpResponse::Ok().json(db.tx(move |c| funding::get_contribution(c, id)).await?))
}

#[utoipa::path(put, path = "/api/v1/contributions/{id}", tag = "funding", request_body = ContributionInput,
    responses((status = 200, body = Contribution), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_contribution(
    db: web::Data<Db>,
    path: web::Path<i64>,
    body: Json<ContributionInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (path.into_inner(), body.0);
    Ok(HttpResponse::Ok().json(db.tx(move |c| funding::update_contribution(c, id, &input)).await?))
}

#[utoipa::path(delete, path = "/api/v1/contributions/{id}", tag = "funding",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_contribution(db: web::Data<Db>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    db.tx(move |c| funding::delete_contribution(c, id)).await?;
    Ok(no_content())
}
