//! Funding sources (`/api/v1/funding-sources`) and project contributions: thin handlers over
//! [`crate::services::admin`] and [`crate::services::funding`].

use super::{created, no_content};
use crate::api::json::Json;
use crate::auth::Principal;
use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::services;
use crate::services::funding as uc;
use crate::store::agreements::{AgreementBudget, AgreementBudgetInput};
use crate::store::funding::{Contribution, ContributionInput, FundingSource, FundingSourceInput};
use actix_web::{HttpResponse, web};

#[utoipa::path(get, operation_id = "listFundingSources", path = "/api/v1/funding-sources", tag = "funding",
    responses((status = 200, body = [FundingSource]), (status = 401, body = Problem)))]
pub async fn list_sources(db: web::Data<Db>, _auth: Principal) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(services::admin::list_sources(&db).await?))
}

#[utoipa::path(post, operation_id = "createFundingSource", path = "/api/v1/funding-sources", tag = "funding", request_body = FundingSourceInput,
    responses((status = 201, body = FundingSource), (status = 403, description = "Finance officers and administrators only", body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_source(
    db: web::Data<Db>,
    auth: Principal,
    body: Json<FundingSourceInput>,
) -> Result<HttpResponse, AppError> {
    let f = services::admin::create_source(&db, &auth, body.0).await?;
    Ok(created(&format!("/api/v1/funding-sources/{}", f.id), &f))
}

#[utoipa::path(get, operation_id = "getFundingSource", path = "/api/v1/funding-sources/{id}", tag = "funding",
    responses((status = 200, body = FundingSource), (status = 404, body = Problem)))]
pub async fn get_source(db: web::Data<Db>, _auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(services::admin::get_source(&db, path.into_inner()).await?))
}

#[utoipa::path(put, operation_id = "updateFundingSource", path = "/api/v1/funding-sources/{id}", tag = "funding", request_body = FundingSourceInput,
    responses((status = 200, body = FundingSource), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_source(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<FundingSourceInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(services::admin::update_source(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteFundingSource", path = "/api/v1/funding-sources/{id}", tag = "funding",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Still funds a project", body = Problem)))]
pub async fn delete_source(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    services::admin::delete_source(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}

#[utoipa::path(get, operation_id = "listProjectContributions", path = "/api/v1/projects/{project}/contributions", tag = "funding",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, body = [Contribution]), (status = 404, body = Problem)))]
pub async fn list_contributions(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::contributions(&db, &auth, &path.into_inner()).await?))
}

#[utoipa::path(post, operation_id = "createContribution", path = "/api/v1/projects/{project}/contributions", tag = "funding", request_body = ContributionInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, body = Contribution), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_contribution(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    body: Json<ContributionInput>,
) -> Result<HttpResponse, AppError> {
    let k = uc::create_contribution(&db, &auth, &path.into_inner(), body.0).await?;
    Ok(created(&format!("/api/v1/contributions/{}", k.id), &k))
}

#[utoipa::path(get, operation_id = "getContribution", path = "/api/v1/contributions/{id}", tag = "funding",
    responses((status = 200, body = Contribution), (status = 404, body = Problem)))]
pub async fn get_contribution(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::contribution(&db, &auth, path.into_inner()).await?))
}

#[utoipa::path(put, operation_id = "updateContribution", path = "/api/v1/contributions/{id}", tag = "funding", request_body = ContributionInput,
    responses((status = 200, body = Contribution), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_contribution(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<ContributionInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::update_contribution(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteContribution", path = "/api/v1/contributions/{id}", tag = "funding",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_contribution(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    uc::delete_contribution(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}

#[utoipa::path(get, path = "/api/v1/contributions/{id}/budget", tag = "funding", operation_id = "getContributionBudget",
    description = "The budget of the action as the contribution agreement states it (the EU agreement's Annex III), \
        by direct-cost line of the EU budget format, in the contribution's currency, with line 7 (direct costs), \
        8 (indirect costs at the agreement's rate, at most 7 %) and 9 (total eligible costs). The EU interim \
        report's financial statement shows it as the budget of the action.",
    params(("id" = i64, Path, description = "Contribution id")),
    responses((status = 200, body = AgreementBudget), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_contribution_budget(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::budget(&db, &auth, path.into_inner()).await?))
}

#[utoipa::path(put, path = "/api/v1/contributions/{id}/budget", tag = "funding", operation_id = "replaceContributionBudget",
    request_body = AgreementBudgetInput,
    description = "Replaces the whole budget of the action (an agreement is amended as a whole): each direct-cost \
        line once (`1.1` ... `5.8`, `6`, or a heading not split), amounts not negative, and a total of eligible costs \
        (line 9) not below the contribution. Needs the contribution's `version`, which it raises. Finance officers \
        and administrators.",
    params(("id" = i64, Path, description = "Contribution id")),
    responses((status = 200, body = AgreementBudget), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn replace_contribution_budget(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<AgreementBudgetInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::replace_budget(&db, &auth, path.into_inner(), body.0).await?))
}
