//! Work plans, budget lines, expenditures, receipts, exchange rates, the budget-account
//! catalogue, and the finance views and checks. Thin handlers: parse, one use case of
//! [`crate::services`] (one transaction), wrap the answer.
//!
//! Who may do what: finance officers keep plans, lines, expenditures and receipts
//! (`EditFinance`), managers approve plans (`Manage`), every role on the project reads;
//! administrators keep the account catalogue; finance officers and administrators keep the
//! shared exchange rates.

use super::idempotency::{IdempotentJson, create_once};
use super::{created, no_content};
use crate::api::json::Json;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::finance_checks::Finding;
use crate::error::{AppError, Problem};
use crate::services::{self, workplan};
use crate::store::accounts::{BudgetAccount, BudgetAccountInput};
use crate::store::exchange::{ExchangeRate, ExchangeRateInput, RateFilter};
use crate::store::expenditures::{Expenditure, ExpenditureFilter, ExpenditureInput, Receipt, ReceiptInput};
use crate::store::explanations::ExplanationInput;
use crate::store::finance::{ChecksQuery, FinanceChecks, FinanceSummary, SummaryQuery};
use crate::store::reports::RateReportUse;
use crate::store::workplans::{
    ActivityInput, ApproveInput, BudgetLine, BudgetLineInput, PlanActivity, RevisionInput, WorkPlan, WorkPlanHeader,
    WorkPlanInput, WorkPlanListItem,
};
use actix_web::{HttpResponse, web};

// ---------------------------------------------------------------------------------------
// Budget-account catalogue

#[utoipa::path(get, operation_id = "listBudgetAccounts", path = "/api/v1/budget-accounts", tag = "finance",
    responses((status = 200, description = "The catalogue, by code", body = [BudgetAccount]), (status = 401, body = Problem)))]
pub async fn list_accounts(db: web::Data<Db>, _auth: Principal) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(services::admin::list_accounts(&db).await?))
}

#[utoipa::path(post, operation_id = "createBudgetAccount", path = "/api/v1/budget-accounts", tag = "finance", request_body = BudgetAccountInput,
    responses((status = 201, body = BudgetAccount), (status = 403, description = "Administrators only", body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_account(
    db: web::Data<Db>,
    auth: Principal,
    body: Json<BudgetAccountInput>,
) -> Result<HttpResponse, AppError> {
    let a = services::admin::create_account(&db, &auth, body.0).await?;
    Ok(created(&format!("/api/v1/budget-accounts/{}", a.id), &a))
}

#[utoipa::path(get, operation_id = "getBudgetAccount", path = "/api/v1/budget-accounts/{id}", tag = "finance",
    responses((status = 200, body = BudgetAccount), (status = 404, body = Problem)))]
pub async fn get_account(db: web::Data<Db>, _auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(services::admin::get_account(&db, path.into_inner()).await?))
}

#[utoipa::path(put, operation_id = "updateBudgetAccount", path = "/api/v1/budget-accounts/{id}", tag = "finance", request_body = BudgetAccountInput,
    responses((status = 200, body = BudgetAccount), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_account(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<BudgetAccountInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(services::admin::update_account(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteBudgetAccount", path = "/api/v1/budget-accounts/{id}", tag = "finance",
    responses((status = 204, description = "Retired; lines already on it are named by the finance checks"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_account(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    services::admin::delete_account(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}

// ---------------------------------------------------------------------------------------
// Exchange rates

#[utoipa::path(get, operation_id = "listExchangeRates", path = "/api/v1/exchange-rates", tag = "finance", params(RateFilter),
    responses((status = 200, body = [ExchangeRate]), (status = 400, body = Problem)))]
pub async fn list_rates(
    db: web::Data<Db>,
    _auth: Principal,
    query: web::Query<RateFilter>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(workplan::list_rates(&db, query.into_inner()).await?))
}

#[utoipa::path(post, operation_id = "createExchangeRate", path = "/api/v1/exchange-rates", tag = "finance", request_body = ExchangeRateInput,
    responses((status = 201, body = ExchangeRate), (status = 403, description = "Finance officers and administrators only", body = Problem),
        (status = 409, description = "The month has a rate for the pair", body = Problem), (status = 422, body = Problem)))]
pub async fn create_rate(
    db: web::Data<Db>,
    auth: Principal,
    body: Json<ExchangeRateInput>,
) -> Result<HttpResponse, AppError> {
    let r = workplan::add_rate(&db, &auth, body.0).await?;
    Ok(created(&format!("/api/v1/exchange-rates/{}", r.id), &r))
}

#[utoipa::path(get, operation_id = "getExchangeRate", path = "/api/v1/exchange-rates/{id}", tag = "finance",
    responses((status = 200, body = ExchangeRate), (status = 404, body = Problem)))]
pub async fn get_rate(db: web::Data<Db>, _auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(workplan::get_rate(&db, path.into_inner()).await?))
}

#[utoipa::path(put, operation_id = "updateExchangeRate", path = "/api/v1/exchange-rates/{id}", tag = "finance", request_body = ExchangeRateInput,
    responses((status = 200, description = "Figures already converted keep the rate they used", body = ExchangeRate),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_rate(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<ExchangeRateInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(workplan::update_rate(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteExchangeRate", path = "/api/v1/exchange-rates/{id}", tag = "finance",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_rate(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    workplan::delete_rate(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}

#[utoipa::path(get, operation_id = "getExchangeRateReports", path = "/api/v1/exchange-rates/{id}/reports", tag = "finance",
    responses((status = 200, description = "The stored reports (of projects you read; donors: issued ones) whose period has \
        expenditure or receipts converted at this rate, or whose contributions in another currency are converted at it \
        (the latest rate up to the period's end). Reports keep their bytes, not their rates: this is derived from what \
        each report covers.", body = [RateReportUse]),
        (status = 404, body = Problem)))]
pub async fn rate_reports(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(workplan::rate_reports(&db, &auth, path.into_inner()).await?))
}

// ---------------------------------------------------------------------------------------
// Work plans

#[utoipa::path(get, operation_id = "listProjectWorkPlans", path = "/api/v1/projects/{project}/work-plans", tag = "work plans",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, description = "Every plan and revision, by year and revision", body = [WorkPlanListItem]),
        (status = 404, body = Problem)))]
pub async fn list_plans(db: web::Data<Db>, auth: Principal, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, all) = workplan::list(&db, &auth, &path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(all))
}

#[utoipa::path(post, operation_id = "createWorkPlan", path = "/api/v1/projects/{project}/work-plans", tag = "work plans", request_body = WorkPlanInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, description = "A draft", body = WorkPlanHeader), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, description = "The year has a plan", body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_plan(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    body: Json<WorkPlanInput>,
) -> Result<HttpResponse, AppError> {
    let p = workplan::create_plan(&db, &auth, &path.into_inner(), body.0).await?;
    Ok(created(&format!("/api/v1/work-plans/{}", p.id), &p))
}

#[utoipa::path(get, operation_id = "getWorkPlan", path = "/api/v1/work-plans/{id}", tag = "work plans",
    responses((status = 200, description = "The plan with its activities, lines and totals by source (GMS as it should be)", body = WorkPlan),
        (status = 404, body = Problem)))]
pub async fn get_plan(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(workplan::get_plan(&db, &auth, path.into_inner()).await?))
}

#[utoipa::path(put, operation_id = "updateWorkPlan", path = "/api/v1/work-plans/{id}", tag = "work plans", request_body = WorkPlanInput,
    responses((status = 200, body = WorkPlanHeader), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Approved plans are locked", body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update_plan(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<WorkPlanInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(workplan::update_plan(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteWorkPlan", path = "/api/v1/work-plans/{id}", tag = "work plans",
    responses((status = 204, description = "The draft, its activities and lines"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, description = "Approved plans are never deleted", body = Problem)))]
pub async fn delete_plan(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    workplan::delete_plan(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}

#[utoipa::path(post, operation_id = "approveWorkPlan", path = "/api/v1/work-plans/{id}/approve", tag = "work plans", request_body = ApproveInput,
    responses((status = 200, description = "Approved and locked; the revision it replaces is superseded", body = WorkPlanHeader),
        (status = 403, description = "Managers and administrators only", body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Not a draft", body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn approve_plan(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<ApproveInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(workplan::approve(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(post, operation_id = "reviseWorkPlan", path = "/api/v1/work-plans/{id}/revisions", tag = "work plans", request_body = RevisionInput,
    responses((status = 201, description = "A draft revision copying the approved plan, which stays readable", body = WorkPlan),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Not the approved plan, or a draft revision exists", body = Problem),
        (status = 422, body = Problem)))]
pub async fn revise_plan(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<RevisionInput>,
) -> Result<HttpResponse, AppError> {
    let p = workplan::revise(&db, &auth, path.into_inner(), body.0).await?;
    Ok(created(&format!("/api/v1/work-plans/{}", p.plan.id), &p))
}

#[utoipa::path(post, operation_id = "addWorkPlanActivity", path = "/api/v1/work-plans/{id}/activities", tag = "work plans", request_body = ActivityInput,
    responses((status = 201, body = PlanActivity), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Locked plan, or the activity is scheduled already", body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_activity(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<ActivityInput>,
) -> Result<HttpResponse, AppError> {
    let a = workplan::add_activity(&db, &auth, path.into_inner(), body.0).await?;
    Ok(created(&format!("/api/v1/work-plan-activities/{}", a.id), &a))
}

#[utoipa::path(put, operation_id = "updateWorkPlanActivity", path = "/api/v1/work-plan-activities/{id}", tag = "work plans", request_body = ActivityInput,
    responses((status = 200, body = PlanActivity), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_activity(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<ActivityInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(workplan::update_activity(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteWorkPlanActivity", path = "/api/v1/work-plan-activities/{id}", tag = "work plans",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Locked plan, or the activity has lines", body = Problem)))]
pub async fn delete_activity(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    workplan::delete_activity(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}

#[utoipa::path(post, operation_id = "createBudgetLine", path = "/api/v1/work-plans/{id}/lines", tag = "work plans", request_body = BudgetLineInput,
    params(("id" = i64, Path, description = "Work plan id"), ("Idempotency-Key" = Option<String>, Header, description = "Optional, 1-255 visible ASCII characters (e.g. a UUID): a retry with the same key (same user, method and path) within 24 hours answers the first answer again, with `Idempotent-Replayed: true`, and creates nothing; the same key with another body is a 422")),
    responses((status = 201, body = BudgetLine), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The plan is approved and locked", body = Problem),
        (status = 422, description = "e.g. an unknown account, or a phasing that does not add up", body = Problem)))]
pub async fn add_line(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: IdempotentJson<BudgetLineInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input, user) = (path.into_inner(), body.input, auth.user_id);
    create_once(&db, user, body.key, move |c| {
        let l = workplan::add_line_in(c, &auth, id, &input)?;
        Ok((format!("/api/v1/budget-lines/{}", l.id), l))
    })
    .await
}

#[utoipa::path(get, operation_id = "getBudgetLine", path = "/api/v1/budget-lines/{id}", tag = "work plans",
    responses((status = 200, body = BudgetLine), (status = 404, body = Problem)))]
pub async fn get_line(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(workplan::get_line(&db, &auth, path.into_inner()).await?))
}

#[utoipa::path(put, operation_id = "updateBudgetLine", path = "/api/v1/budget-lines/{id}", tag = "work plans", request_body = BudgetLineInput,
    responses((status = 200, body = BudgetLine), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_line(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<BudgetLineInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(workplan::update_line(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteBudgetLine", path = "/api/v1/budget-lines/{id}", tag = "work plans",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Locked plan, or the line has expenditure", body = Problem)))]
pub async fn delete_line(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    workplan::delete_line(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}

// ---------------------------------------------------------------------------------------
// Expenditures and receipts

#[utoipa::path(get, operation_id = "listProjectExpenditures", path = "/api/v1/projects/{project}/expenditures", tag = "finance",
    params(("project" = String, Path, description = "Project id or code"), ExpenditureFilter),
    responses((status = 200, body = [Expenditure]), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn list_expenditures(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    query: web::Query<ExpenditureFilter>,
) -> Result<HttpResponse, AppError> {
    let all = workplan::list_expenditures(&db, &auth, &path.into_inner(), query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(all))
}

#[utoipa::path(post, operation_id = "createExpenditure", path = "/api/v1/projects/{project}/expenditures", tag = "finance", request_body = ExpenditureInput,
    params(("project" = String, Path, description = "Project id or code"), ("Idempotency-Key" = Option<String>, Header, description = "Optional, 1-255 visible ASCII characters (e.g. a UUID): a retry with the same key (same user, method and path) within 24 hours answers the first answer again, with `Idempotent-Replayed: true`, and creates nothing; the same key with another body is a 422")),
    responses((status = 201, body = Expenditure), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, description = "e.g. a draft plan's line, a date outside the project, no exchange rate for the month", body = Problem)))]
pub async fn create_expenditure(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    body: IdempotentJson<ExpenditureInput>,
) -> Result<HttpResponse, AppError> {
    let (key, input, user) = (path.into_inner(), body.input, auth.user_id);
    create_once(&db, user, body.key, move |c| {
        let e = workplan::add_expenditure_in(c, &auth, &key, &input)?;
        Ok((format!("/api/v1/expenditures/{}", e.id), e))
    })
    .await
}

#[utoipa::path(get, operation_id = "getExpenditure", path = "/api/v1/expenditures/{id}", tag = "finance",
    responses((status = 200, body = Expenditure), (status = 404, body = Problem)))]
pub async fn get_expenditure(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (_, e) = workplan::expenditure(&db, &auth, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(e))
}

#[utoipa::path(put, operation_id = "updateExpenditure", path = "/api/v1/expenditures/{id}", tag = "finance", request_body = ExpenditureInput,
    responses((status = 200, body = Expenditure), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_expenditure(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<ExpenditureInput>,
) -> Result<HttpResponse, AppError> {
    let e = workplan::update_expenditure(&db, &auth, path.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok().json(e))
}

#[utoipa::path(delete, operation_id = "deleteExpenditure", path = "/api/v1/expenditures/{id}", tag = "finance",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_expenditure(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    workplan::delete_expenditure(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}

#[utoipa::path(get, operation_id = "listProjectReceipts", path = "/api/v1/projects/{project}/receipts", tag = "finance",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, description = "Funds received, by date", body = [Receipt]), (status = 404, body = Problem)))]
pub async fn list_receipts(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let all = workplan::list_receipts(&db, &auth, &path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(all))
}

#[utoipa::path(post, operation_id = "createReceipt", path = "/api/v1/projects/{project}/receipts", tag = "finance", request_body = ReceiptInput,
    params(("project" = String, Path, description = "Project id or code"), ("Idempotency-Key" = Option<String>, Header, description = "Optional, 1-255 visible ASCII characters (e.g. a UUID): a retry with the same key (same user, method and path) within 24 hours answers the first answer again, with `Idempotent-Replayed: true`, and creates nothing; the same key with another body is a 422")),
    responses((status = 201, body = Receipt), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_receipt(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    body: IdempotentJson<ReceiptInput>,
) -> Result<HttpResponse, AppError> {
    let (key, input, user) = (path.into_inner(), body.input, auth.user_id);
    create_once(&db, user, body.key, move |c| {
        let r = workplan::add_receipt_in(c, &auth, &key, &input)?;
        Ok((format!("/api/v1/receipts/{}", r.id), r))
    })
    .await
}

#[utoipa::path(get, operation_id = "getReceipt", path = "/api/v1/receipts/{id}", tag = "finance",
    responses((status = 200, body = Receipt), (status = 404, body = Problem)))]
pub async fn get_receipt(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let (_, r) = workplan::receipt(&db, &auth, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(r))
}

#[utoipa::path(put, operation_id = "updateReceipt", path = "/api/v1/receipts/{id}", tag = "finance", request_body = ReceiptInput,
    responses((status = 200, body = Receipt), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_receipt(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<ReceiptInput>,
) -> Result<HttpResponse, AppError> {
    let r = workplan::update_receipt(&db, &auth, path.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok().json(r))
}

#[utoipa::path(delete, operation_id = "deleteReceipt", path = "/api/v1/receipts/{id}", tag = "finance",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_receipt(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    workplan::delete_receipt(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}

// ---------------------------------------------------------------------------------------
// Views and checks

#[utoipa::path(get, operation_id = "getFinanceSummary", path = "/api/v1/projects/{project}/finance/summary", tag = "finance",
    params(("project" = String, Path, description = "Project id or code"), SummaryQuery),
    responses((status = 200, description = "Budget vs expenditure by output, activity, funding source, account, EU heading and quarter; delivery; contributions", body = FinanceSummary),
        (status = 404, body = Problem), (status = 422, description = "A period that is not a quarter, a year, LOP or a window of quarters (`2014-Q1..2014-Q3`) in order", body = Problem)))]
pub async fn summary(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    query: web::Query<SummaryQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(services::finance::summary(&db, &auth, &path, query.into_inner()).await?))
}

#[utoipa::path(get, operation_id = "getFinanceChecks", path = "/api/v1/projects/{project}/finance/checks", tag = "finance",
    params(("project" = String, Path, description = "Project id or code"), ChecksQuery),
    responses((status = 200, description = "Findings with severity, the lines concerned and a sentence", body = FinanceChecks),
        (status = 404, body = Problem), (status = 422, description = "A year outside 1900-2200", body = Problem)))]
pub async fn checks(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    query: web::Query<ChecksQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(services::finance::checks(&db, &auth, &path, query.into_inner()).await?))
}

#[utoipa::path(post, operation_id = "explainFinanceFinding", path = "/api/v1/projects/{project}/finance/checks/{key}/explanation", tag = "finance",
    request_body = ExplanationInput,
    params(("project" = String, Path, description = "Project id or code"),
        ("key" = String, Path, description = "The finding's `key` as `GET /finance/checks` gives it")),
    responses((status = 200, description = "The finding with its explanation; it no longer counts as open. Audited with the reason (entity `finding_explanation`); explaining it again replaces the reason", body = Finding),
        (status = 403, description = "Finance officers, managers and administrators only", body = Problem),
        (status = 404, description = "No such finding in the current checks (its lines or expenditures changed since, or it is resolved)", body = Problem),
        (status = 422, description = "No reason", body = Problem)))]
pub async fn explain_finding(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<(String, String)>,
    body: Json<ExplanationInput>,
) -> Result<HttpResponse, AppError> {
    let (project, key) = path.into_inner();
    Ok(HttpResponse::Ok().json(services::finance::explain(&db, &auth, &project, &key, body.0).await?))
}
