//! The REST API under `/api/v1`: routes, the OpenAPI document and shared helpers.
//! Handlers are thin: read the request, run one use case in one transaction, answer.

pub mod auth;
pub mod finance;
pub mod funding;
pub mod iati;
pub mod idempotency;
pub mod issues;
pub mod json;
pub mod problems;
pub mod progress;
pub mod projects;
pub mod reports;
pub mod results;
pub mod users;
pub mod workplan_io;

use crate::db::Db;
use crate::error::{AppError, Problem};
use actix_web::{HttpResponse, web};
use problems::ProblemResponses;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "rbm: results-based monitoring and donor reporting",
        description = "Projects, funding, results frameworks, indicators and targets, work plans and finance. \
            Errors are RFC 7807 `application/problem+json`; updates carry the `version` you read (412 when stale)."
    ),
    paths(
        health,
        projects::list, projects::create, projects::get, projects::update, projects::delete,
        iati::export,
        funding::list_sources, funding::create_source, funding::get_source, funding::update_source, funding::delete_source,
        funding::list_contributions, funding::create_contribution, funding::get_contribution,
        funding::update_contribution, funding::delete_contribution, funding::get_contribution_budget,
        funding::replace_contribution_budget,
        finance::list_accounts, finance::create_account, finance::get_account, finance::update_account,
        finance::delete_account, finance::list_rates, finance::create_rate, finance::get_rate, finance::update_rate, finance::rate_reports,
        finance::delete_rate, finance::list_plans, finance::create_plan, finance::get_plan, finance::update_plan,
        finance::delete_plan, finance::approve_plan, finance::revise_plan, finance::add_activity,
        finance::update_activity, finance::delete_activity, finance::add_line, finance::get_line, finance::update_line,
        finance::delete_line, finance::list_expenditures, finance::create_expenditure, finance::get_expenditure,
        finance::update_expenditure, finance::delete_expenditure, finance::list_receipts, finance::create_receipt,
        finance::get_receipt, finance::update_receipt, finance::delete_receipt, finance::summary, finance::checks,
        finance::explain_finding,
        results::tree, results::create, results::get, results::update, results::delete,
        results::list_indicators, results::create_indicator, results::get_indicator,
        results::update_indicator, results::delete_indicator,
        results::list_targets, results::create_target, results::update_target, results::delete_target,
        auth::login, auth::logout, auth::me, auth::update_me, auth::create_token, auth::list_tokens, auth::revoke_token,
        users::list_users, users::create_user, users::get_user, users::update_user,
        users::list_members, users::add_member, users::remove_member, users::project_audit, users::all_audit,
        progress::project_progress, progress::list_actuals, progress::create_actual, progress::get_actual,
        progress::update_actual, progress::delete_actual, progress::submit_actual, progress::approve_actual,
        progress::return_actual, progress::reopen_actual, progress::submit_quarter, progress::decide_quarter, progress::put_activity_progress,
        progress::list_activity_progress, progress::list_narratives, progress::put_narrative, progress::list_risks,
        progress::create_risk, progress::get_risk, progress::update_risk, progress::delete_risk, progress::add_risk_update, progress::put_risk_update,
        issues::list_issues, issues::create_issue, issues::get_issue, issues::update_issue, issues::delete_issue,
        reports::generate, reports::preview, reports::list, reports::get, reports::file, reports::issue,
        workplan_io::export, workplan_io::import,
    ),
    modifiers(&BearerAuth, &ProblemResponses),
    security(("bearer" = [])),
    components(schemas(Problem)),
    tags(
        (name = "projects", description = "Projects (awards)"),
        (name = "funding", description = "Funding sources and project contributions; money in minor units"),
        (name = "results", description = "The results framework: impact > outcome > output > activity result > activity"),
        (name = "indicators", description = "Indicators, baselines and targets per period"),
        (name = "progress", description = "Actuals and their approval, activity progress, narratives, the risk and issue logs, computed progress"),
        (name = "reports", description = "Donor reports (UNDP quarterly, EU interim, IPTT) as PDF, XLSX or HTML"),
        (name = "work plans", description = "Annual work plans: activities with Q1-Q4 timeframe, budget lines by source and account; draft -> approved, revisions"),
        (name = "finance", description = "Expenditures, receipts, exchange rates, the budget-account catalogue, finance views and checks; money in minor units"),
        (name = "auth", description = "Log in, personal API tokens"),
        (name = "admin", description = "Users, project memberships (roles) and the audit trail"),
    )
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme every endpoint but login and health requires.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("rbm_<64 hex>").build(),
            ),
        );
    }
}

/// Registers every route of the API (the OpenAPI `paths` above list the same ones; a test
/// checks that each documented path answers).
pub fn routes(cfg: &mut web::ServiceConfig) {
    use actix_web::web::{delete, get, patch, post, put, resource};
    cfg.service(resource("/healthz").route(get().to(health)));
    cfg.service(
        web::scope("/api/v1")
            .service(resource("/projects").route(get().to(projects::list)).route(post().to(projects::create)))
            .service(
                resource("/projects/{project}")
                    .route(get().to(projects::get))
                    .route(put().to(projects::update))
                    .route(delete().to(projects::delete)),
            )
            .service(resource("/projects/{project}/iati.xml").route(get().to(iati::export)))
            .service(
                resource("/projects/{project}/contributions")
                    .route(get().to(funding::list_contributions))
                    .route(post().to(funding::create_contribution)),
            )
            .service(
                resource("/projects/{project}/results")
                    .route(get().to(results::tree))
                    .route(post().to(results::create)),
            )
            .service(
                resource("/projects/{project}/indicators")
                    .route(get().to(results::list_indicators))
                    .route(post().to(results::create_indicator)),
            )
            .service(
                resource("/funding-sources")
                    .route(get().to(funding::list_sources))
                    .route(post().to(funding::create_source)),
            )
            .service(
                resource("/funding-sources/{id}")
                    .route(get().to(funding::get_source))
                    .route(put().to(funding::update_source))
                    .route(delete().to(funding::delete_source)),
            )
            .service(
                resource("/contributions/{id}")
                    .route(get().to(funding::get_contribution))
                    .route(put().to(funding::update_contribution))
                    .route(delete().to(funding::delete_contribution)),
            )
            .service(
                resource("/contributions/{id}/budget")
                    .route(get().to(funding::get_contribution_budget))
                    .route(put().to(funding::replace_contribution_budget)),
            )
            .service(
                resource("/results/{id}")
                    .route(get().to(results::get))
                    .route(put().to(results::update))
                    .route(delete().to(results::delete)),
            )
            .service(
                resource("/indicators/{id}")
                    .route(get().to(results::get_indicator))
                    .route(put().to(results::update_indicator))
                    .route(delete().to(results::delete_indicator)),
            )
            .service(
                resource("/indicators/{id}/targets")
                    .route(get().to(results::list_targets))
                    .route(post().to(results::create_target)),
            )
            .service(
                resource("/targets/{id}")
                    .route(put().to(results::update_target))
                    .route(delete().to(results::delete_target)),
            )
            .service(resource("/auth/login").route(post().to(auth::login)))
            .service(resource("/auth/logout").route(post().to(auth::logout)))
            .service(resource("/auth/me").route(get().to(auth::me)).route(patch().to(auth::update_me)))
            .service(resource("/auth/tokens").route(get().to(auth::list_tokens)).route(post().to(auth::create_token)))
            .service(resource("/auth/tokens/{id}").route(delete().to(auth::revoke_token)))
            .service(resource("/users").route(get().to(users::list_users)).route(post().to(users::create_user)))
            .service(resource("/users/{id}").route(get().to(users::get_user)).route(put().to(users::update_user)))
            .service(
                resource("/projects/{project}/members")
                    .route(get().to(users::list_members))
                    .route(post().to(users::add_member)),
            )
            .service(resource("/memberships/{id}").route(delete().to(users::remove_member)))
            .service(resource("/projects/{project}/audit").route(get().to(users::project_audit)))
            .service(resource("/audit").route(get().to(users::all_audit)))
            .service(resource("/projects/{project}/progress").route(get().to(progress::project_progress)))
            .service(resource("/projects/{project}/actuals").route(get().to(progress::list_actuals)))
            .service(resource("/indicators/{id}/actuals").route(post().to(progress::create_actual)))
            .service(
                resource("/actuals/{id}")
                    .route(get().to(progress::get_actual))
                    .route(put().to(progress::update_actual))
                    .route(delete().to(progress::delete_actual)),
            )
            .service(resource("/actuals/{id}/submit").route(post().to(progress::submit_actual)))
            .service(resource("/actuals/{id}/approve").route(post().to(progress::approve_actual)))
            .service(resource("/actuals/{id}/return").route(post().to(progress::return_actual)))
            .service(resource("/actuals/{id}/reopen").route(post().to(progress::reopen_actual)))
            .service(resource("/projects/{project}/periods/{period}/submit").route(post().to(progress::submit_quarter)))
            .service(resource("/projects/{project}/periods/{period}/decide").route(post().to(progress::decide_quarter)))
            .service(resource("/results/{id}/progress/{period}").route(put().to(progress::put_activity_progress)))
            .service(
                resource("/projects/{project}/activity-progress").route(get().to(progress::list_activity_progress)),
            )
            .service(resource("/projects/{project}/narratives").route(get().to(progress::list_narratives)))
            .service(resource("/projects/{project}/narratives/{period}").route(put().to(progress::put_narrative)))
            .service(
                resource("/projects/{project}/risks")
                    .route(get().to(progress::list_risks))
                    .route(post().to(progress::create_risk)),
            )
            .service(
                resource("/risks/{id}")
                    .route(get().to(progress::get_risk))
                    .route(put().to(progress::update_risk))
                    .route(delete().to(progress::delete_risk)),
            )
            .service(resource("/risks/{id}/updates").route(post().to(progress::add_risk_update)))
            .service(resource("/risks/{id}/updates/{period}").route(put().to(progress::put_risk_update)))
            .service(
                resource("/projects/{project}/issues")
                    .route(get().to(issues::list_issues))
                    .route(post().to(issues::create_issue)),
            )
            .service(
                resource("/issues/{id}")
                    .route(get().to(issues::get_issue))
                    .route(put().to(issues::update_issue))
                    .route(delete().to(issues::delete_issue)),
            )
            .service(
                resource("/projects/{project}/reports")
                    .route(get().to(reports::list))
                    .route(post().to(reports::generate)),
            )
            .service(resource("/projects/{project}/reports/preview").route(post().to(reports::preview)))
            .service(resource("/reports/{id}").route(get().to(reports::get)))
            .service(resource("/reports/{id}/file").route(get().to(reports::file)))
            .service(resource("/reports/{id}/issue").route(post().to(reports::issue)))
            .configure(finance_routes)
            .configure(workplan_io::routes),
    );
}

/// Work plans and finance (`api::finance`).
fn finance_routes(cfg: &mut web::ServiceConfig) {
    use actix_web::web::{delete, get, post, put, resource};
    cfg.service(
        resource("/budget-accounts").route(get().to(finance::list_accounts)).route(post().to(finance::create_account)),
    )
    .service(
        resource("/budget-accounts/{id}")
            .route(get().to(finance::get_account))
            .route(put().to(finance::update_account))
            .route(delete().to(finance::delete_account)),
    )
    .service(resource("/exchange-rates").route(get().to(finance::list_rates)).route(post().to(finance::create_rate)))
    .service(
        resource("/exchange-rates/{id}")
            .route(get().to(finance::get_rate))
            .route(put().to(finance::update_rate))
            .route(delete().to(finance::delete_rate)),
    )
    .service(resource("/exchange-rates/{id}/reports").route(get().to(finance::rate_reports)))
    .service(
        resource("/projects/{project}/work-plans")
            .route(get().to(finance::list_plans))
            .route(post().to(finance::create_plan)),
    )
    .service(
        resource("/work-plans/{id}")
            .route(get().to(finance::get_plan))
            .route(put().to(finance::update_plan))
            .route(delete().to(finance::delete_plan)),
    )
    .service(resource("/work-plans/{id}/approve").route(post().to(finance::approve_plan)))
    .service(resource("/work-plans/{id}/revisions").route(post().to(finance::revise_plan)))
    .service(resource("/work-plans/{id}/activities").route(post().to(finance::add_activity)))
    .service(
        resource("/work-plan-activities/{id}")
            .route(put().to(finance::update_activity))
            .route(delete().to(finance::delete_activity)),
    )
    .service(resource("/work-plans/{id}/lines").route(post().to(finance::add_line)))
    .service(
        resource("/budget-lines/{id}")
            .route(get().to(finance::get_line))
            .route(put().to(finance::update_line))
            .route(delete().to(finance::delete_line)),
    )
    .service(
        resource("/projects/{project}/expenditures")
            .route(get().to(finance::list_expenditures))
            .route(post().to(finance::create_expenditure)),
    )
    .service(
        resource("/expenditures/{id}")
            .route(get().to(finance::get_expenditure))
            .route(put().to(finance::update_expenditure))
            .route(delete().to(finance::delete_expenditure)),
    )
    .service(
        resource("/projects/{project}/receipts")
            .route(get().to(finance::list_receipts))
            .route(post().to(finance::create_receipt)),
    )
    .service(
        resource("/receipts/{id}")
            .route(get().to(finance::get_receipt))
            .route(put().to(finance::update_receipt))
            .route(delete().to(finance::delete_receipt)),
    )
    .service(resource("/projects/{project}/finance/summary").route(get().to(finance::summary)))
    .service(resource("/projects/{project}/finance/checks").route(get().to(finance::checks)))
    .service(
        resource("/projects/{project}/finance/checks/{key}/explanation").route(post().to(finance::explain_finding)),
    );
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` when the database answers.
    #[schema(example = "ok")]
    pub status: &'static str,
    pub database: crate::db::Backend,
    pub version: &'static str,
    /// `true` while an active user still logs in with a password published for the demo data
    /// (`admin@rbm.example` / `demo-admin-2025` ...): such a server must not be exposed.
    pub demo_credentials: bool,
}

/// Liveness and database reachability.
#[utoipa::path(get, operation_id = "getHealth", path = "/healthz", tag = "health", security(()),
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn health(
    db: web::Data<Db>,
    demo: Option<web::Data<crate::startup::DemoCredentials>>,
) -> Result<HttpResponse, AppError> {
    let backend = db.backend;
    let hashes = demo.map(|d| d.0.clone()).unwrap_or_default();
    let demo_credentials = db
        .tx(move |c| {
            use diesel::connection::SimpleConnection;
            c.batch_execute("SELECT 1").map_err(|e| AppError::Unavailable(e.to_string()))?;
            crate::seeds::demo_credentials_in_use(c, &hashes)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok",
        database: backend,
        version: env!("CARGO_PKG_VERSION"),
        demo_credentials,
    }))
}

pub(crate) fn created<T: Serialize>(location: &str, body: &T) -> HttpResponse {
    HttpResponse::Created().insert_header(("Location", location)).json(body)
}

pub(crate) fn no_content() -> HttpResponse {
    HttpResponse::NoContent().finish()
}

/// Answers routes that do not exist (and ids that are not numbers) with a problem+json 404.
pub async fn not_found() -> HttpResponse {
    actix_web::ResponseError::error_response(&AppError::NotFound("the resource".into()))
}
