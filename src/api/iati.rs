//! `GET /api/v1/projects/{project}/iati.xml`: the project as an IATI 2.03 activity.

use crate::auth::Principal;
use crate::db::Db;
use crate::error::{AppError, Problem};
use actix_web::{HttpResponse, web};

/// An `iati-activities` document (IATI Standard 2.03), for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String)]
#[allow(dead_code)]
pub struct IatiXml(String);

#[utoipa::path(get, operation_id = "exportProjectIati", path = "/api/v1/projects/{project}/iati.xml", tag = "projects",
    params(("project" = String, Path, description = "Project id or code, e.g. `KAZ-HUB`")),
    responses(
        (status = 200, description = "The project as one `iati-activity` of an `iati-activities` document, version 2.03, \
            valid against the official schema: reporting and participating organisations, title and description, status \
            and dates, recipient country, a budget per year of the approved work plans, incoming funds (receipts) and \
            expenditure by quarter, and the results framework with baselines, targets and approved actuals only \
            (disaggregations as dimensions). Any role on the project may read it.",
            content((IatiXml = "application/xml"))),
        (status = 404, body = Problem),
        (status = 422, description = "A setting the document needs is missing: `errors` names each of \
            `iati_reporting_org_ref`, `iati_activity_prefix`, `country_code` (or an `award_id` that cannot be part \
            of an identifier); set them with `PUT /api/v1/projects/{project}`", body = Problem)))]
pub async fn export(db: web::Data<Db>, auth: Principal, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let doc = crate::services::iati::export(&db, &auth, &path.into_inner()).await?;
    Ok(HttpResponse::Ok().content_type("application/xml; charset=utf-8").body(doc.xml))
}
