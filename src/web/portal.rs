//! The donor portal: a donor's page of a project it funds (its results, approved data only,
//! and the reports issued to it, with downloads). Every other page answers 403 or 404 to a
//! donor, through the same access policy as the API.

use super::dashboard::status_view;
use super::reports::{report_row, template_label};
use super::{WebError, WebUser, html, render};
use crate::db::Db;
use crate::domain::progress::Thresholds;
use crate::services::portal as uc;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

/// `GET /projects/{project}` for a donor.
pub async fn donor_page(
    db: &Db,
    thresholds: Thresholds,
    user: &WebUser,
    key: &str,
    quarter: Option<&str>,
) -> Result<HttpResponse, WebError> {
    let d = uc::donor_view(db, &user.principal, key, quarter, thresholds).await?;
    let c = super::i18n::catalogue(&user.lang);
    let p = &d.project;
    let quarters: Vec<_> =
        d.quarters.iter().rev().map(|q| json!({"value": q.to_string(), "selected": *q == d.quarter})).collect();
    let reports: Vec<_> = d
        .reports
        .iter()
        .map(|r| {
            let mut row = report_row(&c, &p.code, r, false, None);
            row["template"] = json!(template_label(&c, &r.template));
            row
        })
        .collect();
    let data = json!({
        "code": p.code,
        "title": p.title,
        "award_id": p.award_id,
        "country": p.country,
        "partner": p.implementing_partner,
        "dates": c.t("date-range", &[("from", c.day(p.start_date).into()), ("to", c.day(p.end_date).into())]),
        "status": c.tr(&format!("project-{}", p.status)),
        "quarter": d.quarter.to_string(),
        "quarters": quarters,
        "year": d.quarter.year,
        "reports": reports,
        "glance": status_view(&c, &d.progress, d.quarter.year),
    });
    Ok(html(StatusCode::OK, render("donor", &p.code, Some(user), &data)))
}
