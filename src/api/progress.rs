//! Progress entry and computed progress: actuals and their workflow, quarter submission,
//! activity progress, narratives, risks, and `GET /projects/{project}/progress`.

use super::{created, no_content};
use crate::api::json::Json;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::access::Action;
use crate::domain::progress::{ActualStatus, Thresholds, Transition};
use crate::error::{AppError, Problem};
use crate::services::progress::QuarterDecision;
use crate::store::monitoring::{
    self, ActivityProgress, ActivityProgressInput, ActivityProgressLine, Narrative, NarrativeInput, Risk, RiskInput,
    RiskUpdateInput,
};
use crate::store::progress::{
    self, Actual, ActualFilter, ActualInput, ProgressQuery, ProjectProgress, QuarterSubmission, TransitionInput,
};
use crate::store::{indicators, projects};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

#[utoipa::path(get, operation_id = "getProjectProgress", path = "/api/v1/projects/{project}/progress", tag = "progress",
    params(("project" = String, Path, description = "Project id or code"), ProgressQuery),
    responses((status = 200, description = "Per indicator: baseline, targets, period and cumulative actuals, % of target, status", body = ProjectProgress),
        (status = 403, description = "`include_unapproved` is for coordinators and managers", body = Problem),
        (status = 404, body = Problem), (status = 422, description = "Bad or out-of-project period", body = Problem)))]
pub async fn project_progress(
    db: web::Data<Db>,
    auth: Principal,
    thresholds: web::Data<Thresholds>,
    path: web::Path<String>,
    query: web::Query<ProgressQuery>,
) -> Result<HttpResponse, AppError> {
    let (key, query, thresholds) = (path.into_inner(), query.into_inner(), **thresholds);
    let report = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::Read)?;
            let window = query.window_in(&p)?;
            if query.include_unapproved && !auth.may(p.id, Action::PreviewUnapproved) {
                return Err(AppError::Forbidden("only coordinators and managers preview unapproved data".into()));
            }
            progress::project_progress(c, &p, window, query.include_unapproved, thresholds)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[utoipa::path(get, operation_id = "listProjectActuals", path = "/api/v1/projects/{project}/actuals", tag = "progress",
    params(("project" = String, Path, description = "Project id or code"), ActualFilter),
    responses((status = 200, body = [Actual]), (status = 404, body = Problem)))]
pub async fn list_actuals(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    query: web::Query<ActualFilter>,
) -> Result<HttpResponse, AppError> {
    let (key, filter) = (path.into_inner(), query.into_inner());
    let all = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::Read)?;
            if auth.may(p.id, Action::PreviewUnapproved) {
                return progress::list(c, p.id, &filter);
            }
            // Approved actuals only: asking for drafts finds none.
            if filter.status.is_some_and(|s| s != ActualStatus::Approved) {
                return Ok(vec![]);
            }
            progress::list(c, p.id, &ActualFilter { status: Some(ActualStatus::Approved), ..filter.clone() })
        })
        .await?;
    Ok(HttpResponse::Ok().json(all))
}

#[utoipa::path(post, operation_id = "createActual", path = "/api/v1/indicators/{id}/actuals", tag = "progress", request_body = ActualInput,
    responses((status = 201, description = "A draft actual", body = Actual), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The quarter already has an actual", body = Problem),
        (status = 422, description = "Wrong kind of value, disaggregation not adding up, quarter outside the project", body = Problem)))]
pub async fn create_actual(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<ActualInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input, actor) = (path.into_inner(), body.0, auth.actor());
    let a = db
        .tx(move |c| {
            auth.require(indicators::get(c, id)?.project_id, Action::EditResults)?;
            progress::create(c, &actor, id, &input)
        })
        .await?;
    Ok(created(&format!("/api/v1/actuals/{}", a.id), &a))
}

#[utoipa::path(get, operation_id = "getActual", path = "/api/v1/actuals/{id}", tag = "progress",
    responses((status = 200, body = Actual), (status = 404, body = Problem)))]
pub async fn get_actual(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let a = db
        .tx(move |c| {
            let a = progress::get(c, id)?;
            auth.require(a.project_id, Action::Read)?;
            if a.status != ActualStatus::Approved && !auth.may(a.project_id, Action::PreviewUnapproved) {
                return Err(AppError::NotFound("the actual".into()));
            }
            Ok(a)
        })
        .await?;
    Ok(HttpResponse::Ok().json(a))
}

#[utoipa::path(put, operation_id = "updateActual", path = "/api/v1/actuals/{id}", tag = "progress", request_body = ActualInput,
    responses((status = 200, body = Actual), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Submitted or approved (locked until reopened)", body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_actual(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<ActualInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input, actor) = (path.into_inner(), body.0, auth.actor());
    let a = db
        .tx(move |c| {
            auth.require(progress::get(c, id)?.project_id, Action::EditResults)?;
            progress::update(c, &actor, id, &input)
        })
        .await?;
    Ok(HttpResponse::Ok().json(a))
}

#[utoipa::path(delete, operation_id = "deleteActual", path = "/api/v1/actuals/{id}", tag = "progress",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Submitted or approved", body = Problem)))]
pub async fn delete_actual(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let (id, actor) = (path.into_inner(), auth.actor());
    db.tx(move |c| {
        auth.require(progress::get(c, id)?.project_id, Action::EditResults)?;
        progress::delete(c, &actor, id)
    })
    .await?;
    Ok(no_content())
}

async fn step(
    db: web::Data<Db>,
    auth: Principal,
    id: i64,
    t: Transition,
    input: TransitionInput,
) -> Result<HttpResponse, AppError> {
    let a = crate::services::workflow::step(&db, &auth, None, id, t, input).await?;
    Ok(HttpResponse::Ok().json(a))
}

#[utoipa::path(post, operation_id = "submitActual", path = "/api/v1/actuals/{id}/submit", tag = "progress", request_body = TransitionInput,
    responses((status = 200, description = "Submitted to the manager", body = Actual), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, description = "Not allowed from its current state", body = Problem),
        (status = 412, body = Problem)))]
pub async fn submit_actual(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<TransitionInput>,
) -> Result<HttpResponse, AppError> {
    step(db, auth, path.into_inner(), Transition::Submit, body.0).await
}

#[utoipa::path(post, operation_id = "approveActual", path = "/api/v1/actuals/{id}/approve", tag = "progress", request_body = TransitionInput,
    responses((status = 200, description = "Approved: counts in progress and reports, locked", body = Actual),
        (status = 403, description = "Managers only", body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem)))]
pub async fn approve_actual(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<TransitionInput>,
) -> Result<HttpResponse, AppError> {
    step(db, auth, path.into_inner(), Transition::Approve, body.0).await
}

#[utoipa::path(post, operation_id = "returnActual", path = "/api/v1/actuals/{id}/return", tag = "progress", request_body = TransitionInput,
    responses((status = 200, description = "Returned to the coordinator with the reason", body = Actual),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, description = "No reason given", body = Problem)))]
pub async fn return_actual(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<TransitionInput>,
) -> Result<HttpResponse, AppError> {
    step(db, auth, path.into_inner(), Transition::Return, body.0).await
}

#[utoipa::path(post, operation_id = "reopenActual", path = "/api/v1/actuals/{id}/reopen", tag = "progress", request_body = TransitionInput,
    responses((status = 200, description = "Back to draft; the reason is in the audit trail", body = Actual),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, description = "No reason given", body = Problem)))]
pub async fn reopen_actual(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<TransitionInput>,
) -> Result<HttpResponse, AppError> {
    step(db, auth, path.into_inner(), Transition::Reopen, body.0).await
}

#[utoipa::path(post, operation_id = "submitQuarter", path = "/api/v1/projects/{project}/periods/{period}/submit", tag = "progress",
    params(("project" = String, Path, description = "Project id or code"), ("period" = String, Path, description = "A quarter, e.g. 2025-Q3")),
    responses((status = 200, description = "What was submitted and what is missing", body = QuarterSubmission),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn submit_quarter(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let ((key, period), actor) = (path.into_inner(), auth.actor());
    let out = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::EditResults)?;
            progress::submit_quarter(c, &actor, &p, &period)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[utoipa::path(put, operation_id = "setActivityProgress", path = "/api/v1/results/{id}/progress/{period}", tag = "progress", request_body = ActivityProgressInput,
    params(("id" = i64, Path, description = "The activity (result of level activity)"), ("period" = String, Path, description = "A quarter")),
    responses((status = 200, body = ActivityProgress), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn put_activity_progress(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<(i64, String)>,
    body: Json<ActivityProgressInput>,
) -> Result<HttpResponse, AppError> {
    let ((id, period), input, actor) = (path.into_inner(), body.0, auth.actor());
    let out = db
        .tx(move |c| {
            auth.require(crate::store::results::get(c, id)?.project_id, Action::EditResults)?;
            monitoring::put_activity_progress(c, &actor, id, &period, &input)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Optional quarter filter.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeriodFilter {
    /// A quarter, e.g. `2025-Q3`.
    pub period: Option<String>,
}

#[utoipa::path(get, operation_id = "listProjectActivityProgress", path = "/api/v1/projects/{project}/activity-progress", tag = "progress",
    params(("project" = String, Path, description = "Project id or code"), PeriodFilter),
    responses((status = 200, body = [ActivityProgressLine]), (status = 404, body = Problem),
        (status = 422, description = "The period is outside the project dates", body = Problem)))]
pub async fn list_activity_progress(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    query: web::Query<PeriodFilter>,
) -> Result<HttpResponse, AppError> {
    let (key, period) = (path.into_inner(), query.into_inner().period);
    let out = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::Read)?;
            let q = period.as_deref().map(|s| monitoring::project_quarter(&p, s)).transpose()?;
            monitoring::list_activity_progress(c, p.id, q)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[utoipa::path(get, operation_id = "listProjectNarratives", path = "/api/v1/projects/{project}/narratives", tag = "progress",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, body = [Narrative]), (status = 404, body = Problem)))]
pub async fn list_narratives(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let key = path.into_inner();
    let out = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::Read)?;
            monitoring::list_narratives(c, p.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[utoipa::path(put, operation_id = "setNarrative", path = "/api/v1/projects/{project}/narratives/{period}", tag = "progress", request_body = NarrativeInput,
    params(("project" = String, Path, description = "Project id or code"), ("period" = String, Path, description = "A quarter")),
    responses((status = 200, body = Narrative), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn put_narrative(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<(String, String)>,
    body: Json<NarrativeInput>,
) -> Result<HttpResponse, AppError> {
    let ((key, period), input, actor) = (path.into_inner(), body.0, auth.actor());
    let out = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::EditResults)?;
            monitoring::put_narrative(c, &actor, &p, &period, &input)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[utoipa::path(get, operation_id = "listProjectRisks", path = "/api/v1/projects/{project}/risks", tag = "progress",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, body = [Risk]), (status = 404, body = Problem)))]
pub async fn list_risks(db: web::Data<Db>, auth: Principal, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let key = path.into_inner();
    let out = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::Read)?;
            monitoring::list_risks(c, p.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[utoipa::path(post, operation_id = "createRisk", path = "/api/v1/projects/{project}/risks", tag = "progress", request_body = RiskInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, body = Risk), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_risk(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    body: Json<RiskInput>,
) -> Result<HttpResponse, AppError> {
    let (key, input, actor) = (path.into_inner(), body.0, auth.actor());
    let r = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::EditResults)?;
            monitoring::create_risk(c, &actor, p.id, &input)
        })
        .await?;
    Ok(created(&format!("/api/v1/risks/{}", r.id), &r))
}

#[utoipa::path(get, operation_id = "getRisk", path = "/api/v1/risks/{id}", tag = "progress",
    responses((status = 200, body = Risk), (status = 404, body = Problem)))]
pub async fn get_risk(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let r = db
        .tx(move |c| {
            let r = monitoring::get_risk(c, id)?;
            auth.require(r.project_id, Action::Read)?;
            Ok(r)
        })
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

#[utoipa::path(put, operation_id = "updateRisk", path = "/api/v1/risks/{id}", tag = "progress", request_body = RiskInput,
    responses((status = 200, body = Risk), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_risk(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<RiskInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input, actor) = (path.into_inner(), body.0, auth.actor());
    let r = db
        .tx(move |c| {
            auth.require(monitoring::get_risk(c, id)?.project_id, Action::EditResults)?;
            monitoring::update_risk(c, &actor, id, &input)
        })
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

#[utoipa::path(delete, operation_id = "deleteRisk", path = "/api/v1/risks/{id}", tag = "progress",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_risk(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let (id, actor) = (path.into_inner(), auth.actor());
    db.tx(move |c| {
        auth.require(monitoring::get_risk(c, id)?.project_id, Action::EditResults)?;
        monitoring::delete_risk(c, &actor, id)
    })
    .await?;
    Ok(no_content())
}

#[utoipa::path(post, operation_id = "addRiskUpdate", path = "/api/v1/risks/{id}/updates", tag = "progress", request_body = RiskUpdateInput,
    responses((status = 201, description = "The risk with its new quarterly update", body = Risk), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, description = "The quarter already has an update", body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_risk_update(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<RiskUpdateInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input, actor) = (path.into_inner(), body.0, auth.actor());
    let r = db
        .tx(move |c| {
            auth.require(monitoring::get_risk(c, id)?.project_id, Action::EditResults)?;
            monitoring::add_risk_update(c, &actor, id, &input)
        })
        .await?;
    Ok(created(&format!("/api/v1/risks/{}", r.id), &r))
}

/// A risk's review for the quarter named in the path.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskReviewInput {
    /// What changed in the quarter.
    #[schema(min_length = 1, pattern = "\\S", max_length = 4000)]
    pub note: String,
    /// 1 (rare) to 5 (almost certain).
    #[schema(minimum = 1, maximum = 5)]
    pub likelihood: i32,
    /// 1 (minimal) to 5 (extreme).
    #[schema(minimum = 1, maximum = 5)]
    pub impact: i32,
    pub status: crate::domain::monitoring::RiskStatus,
}

#[utoipa::path(put, operation_id = "putRiskUpdate", path = "/api/v1/risks/{id}/updates/{period}", tag = "progress", request_body = RiskReviewInput,
    params(("id" = i64, Path, description = "Risk id"), ("period" = String, Path, description = "A quarter inside the project's dates, e.g. 2025-Q3")),
    responses((status = 200, description = "The quarter's update replaced; the risk as it is now", body = Risk),
        (status = 201, description = "The quarter's update added; the risk as it is now", body = Risk),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
/// Adds or replaces a risk's review for a quarter (the entry page's use case): unlike
/// `POST /risks/{id}/updates`, a saved review can be corrected.
pub async fn put_risk_update(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<(i64, String)>,
    body: Json<RiskReviewInput>,
) -> Result<HttpResponse, AppError> {
    let (id, period) = path.into_inner();
    let b = body.0;
    let input = RiskUpdateInput {
        period: period.clone(),
        note: b.note,
        likelihood: b.likelihood,
        impact: b.impact,
        status: b.status,
    };
    let (r, created_now) = crate::services::quarter::put_risk_update(&db, &auth, id, &period, input).await?;
    Ok(if created_now { created(&format!("/api/v1/risks/{}", r.id), &r) } else { HttpResponse::Ok().json(r) })
}

#[utoipa::path(post, operation_id = "decideQuarter", path = "/api/v1/projects/{project}/periods/{period}/decide", tag = "progress",
    request_body = QuarterDecision,
    params(("project" = String, Path, description = "Project id or code"), ("period" = String, Path, description = "A quarter, e.g. 2025-Q3")),
    responses((status = 200, description = "The actuals decided, as they are now (all or none)", body = [Actual]),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "An actual chosen is not submitted", body = Problem),
        (status = 412, body = Problem),
        (status = 422, description = "No reason to return, an actual of another quarter, or nothing to decide on", body = Problem)))]
pub async fn decide_quarter(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<(String, String)>,
    body: Json<QuarterDecision>,
) -> Result<HttpResponse, AppError> {
    let (key, period) = path.into_inner();
    let out = crate::services::progress::decide_quarter(&db, &auth, &key, &period, body.0).await?;
    Ok(HttpResponse::Ok().json(out))
}
