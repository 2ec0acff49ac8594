//! The list of the caller's projects (the home page) and a project's dashboard.

use super::{WebError, WebUser, charts, format, html, render};
use crate::db::Db;
use crate::domain::access::Role;
use crate::domain::finance_checks::Severity;
use crate::domain::progress::{Status, Thresholds};
use crate::services::dashboard as uc;
use crate::store::finance::FinanceChecks;
use crate::store::progress::ProjectProgress;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

/// `GET /`: the projects the caller has a role on.
pub async fn home(db: web::Data<Db>, user: WebUser) -> Result<HttpResponse, WebError> {
    let cards = uc::my_projects(&db, &user.principal).await?;
    let projects: Vec<_> = cards
        .iter()
        .map(|c| {
            json!({
                "code": c.project.code,
                "title": c.project.title,
                "country": c.project.country,
                "dates": format!("{} to {}", c.project.start_date, c.project.end_date),
                "role": format::role_label(c.role),
                "status": c.project.status.replace('_', " "),
            })
        })
        .collect();
    let data = json!({"projects": projects, "email": user.principal.email});
    Ok(html(StatusCode::OK, render("projects", "Your projects", Some(&user), &data)))
}

/// The indicator status at a glance (counts, chart, table) of approved progress: the
/// dashboard's and the donor portal's `status` partial.
pub fn status_view(progress: &ProjectProgress, year: i32) -> Value {
    let counts: Vec<_> = [Status::OnTrack, Status::NeedsAttention, Status::OffTrack, Status::NoData, Status::NotRated]
        .iter()
        .map(|s| {
            json!({
                "label": format::status_label(*s),
                "class": charts::status_class(*s),
                "count": progress.summary.get(s.as_str()).copied().unwrap_or(0),
            })
        })
        .filter(|c| c["count"] != 0 || c["class"] != "not-rated")
        .collect();
    let indicators: Vec<_> = progress
        .indicators
        .iter()
        .map(|l| {
            let pr = &l.progress;
            json!({
                "code": l.code,
                "title": l.title,
                "unit": l.unit,
                // What the % compares: the year to date of a summed indicator, the level at
                // the quarter's end of the others.
                "actual": match (&pr.text, l.accumulation.as_str()) {
                    (Some(t), _) => t.clone(),
                    (None, "sum") => format::opt_num(pr.actual_year_to_date.or(pr.actual_period)),
                    (None, _) => format::opt_num(pr.actual_period),
                },
                "target": format::opt_num(pr.target_year.or(pr.target_period).or(pr.target_lop)),
                "percent": format::percent(charts::shown_percent(pr)),
                "status": format::status_label(pr.status),
                "class": charts::status_class(pr.status),
                "basis": pr.status_basis,
            })
        })
        .collect();
    let caption = format!(
        "Approved actuals from {} to {}, as % of the {year} target (the life-of-project target where there is no yearly one). \
         The colour is the status, which compares with the target prorated to the quarters elapsed.",
        progress.from, progress.to
    );
    json!({
        "year": year,
        "quarter": progress.to,
        "counts": counts,
        "indicators": indicators,
        "has_indicators": !progress.indicators.is_empty(),
        "progress_chart": charts::progress_chart(&progress.indicators, &caption),
        "progress_caption": caption,
    })
}

/// How many findings the dashboard lists (errors first); the rest are counted.
const FINDINGS_SHOWN: usize = 8;

fn findings_view(f: &FinanceChecks) -> Value {
    // Explained findings are not open: they no longer wait for anyone.
    let open: Vec<_> = f.findings.iter().filter(|x| x.explanation.is_none()).collect();
    let n = |s: Severity| open.iter().filter(|x| x.severity == s).count();
    let (errors, warnings, infos) = (n(Severity::Error), n(Severity::Warning), n(Severity::Info));
    let items: Vec<Value> = open
        .iter()
        .take(FINDINGS_SHOWN)
        .map(|x| {
            let (label, class) = match x.severity {
                Severity::Error => ("Error", "off-track"),
                Severity::Warning => ("Warning", "needs-attention"),
                Severity::Info => ("Not checked", "no-data"),
            };
            json!({"severity": label, "class": class, "message": x.message, "key": x.key})
        })
        .collect();
    json!({
        "count": open.len(),
        "explained": f.explained,
        "summary": format!(
            "{} error{}, {} warning{}{}",
            errors,
            if errors == 1 { "" } else { "s" },
            warnings,
            if warnings == 1 { "" } else { "s" },
            if infos > 0 { format!(", {infos} not checked") } else { String::new() }
        ),
        "items": items,
        "more": open.len().saturating_sub(FINDINGS_SHOWN),
    })
}

#[derive(Deserialize)]
pub struct QuarterQuery {
    quarter: Option<String>,
}

/// `GET /projects/{project}`: award facts, indicator status, delivery, what waits.
pub async fn dashboard(
    db: web::Data<Db>,
    thresholds: web::Data<Thresholds>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<QuarterQuery>,
) -> Result<HttpResponse, WebError> {
    let key = path.into_inner();
    // A donor's page of a project is the donor portal (looked up only for donors).
    let principal = &user.principal;
    if !principal.is_admin && principal.roles.values().any(|r| *r == Role::Donor) {
        let (p, _) = uc::project(&db, principal, &key).await?;
        if crate::services::portal::is_donor(principal, p.id) {
            return super::portal::donor_page(&db, **thresholds, &user, &key, query.quarter.as_deref()).await;
        }
    }
    let d = uc::dashboard(&db, &user.principal, &key, query.quarter.as_deref(), **thresholds).await?;
    let p = &d.project;
    let findings = if crate::services::findings::acts_on_findings(principal, p.id) {
        crate::services::findings::open_findings(&db, principal, &p.code).await?
    } else {
        None
    };
    let cur = &d.finance.currency;
    let year = d.quarter.year;
    let delivery_caption = format!(
        "Budget of the {year} work plan and expenditure to date, by output, in {cur}; delivery = expenditure / budget."
    );
    let outputs: Vec<_> = d
        .finance
        .by_output
        .iter()
        .map(|r| {
            json!({
                "key": if r.key == "-" { "Other".to_string() } else { r.key.clone() },
                "label": r.label,
                "budget": format::money(r.budget_minor, cur),
                "spent": format::money(r.expenditure_minor, cur),
                "rate": r.delivery_rate.clone().unwrap_or_else(|| "–".into()),
            })
        })
        .collect();
    let waiting = |w: &uc::Waiting| {
        json!({
            "code": w.indicator_code,
            "period": w.period,
            "status": format::actual_status_label(w.status),
            "class": w.status.as_str(),
            "reason": w.reason,
        })
    };
    let quarters: Vec<_> =
        d.quarters.iter().rev().map(|q| json!({"value": q.to_string(), "selected": *q == d.quarter})).collect();
    let contributions: Vec<_> = d
        .finance
        .contributions
        .iter()
        .map(|c| json!({"source": c.source_code, "amount": format::money(c.committed_minor, &c.committed_currency)}))
        .collect();
    let data = json!({
        "code": p.code,
        "title": p.title,
        "award_id": p.award_id,
        "country": p.country,
        "partner": p.implementing_partner,
        "dates": format!("{} to {}", p.start_date, p.end_date),
        "status": p.status.replace('_', " "),
        "currency": cur,
        "role": format::role_label(d.role),
        "quarter": d.quarter.to_string(),
        "quarters": quarters,
        "year": year,
        "glance": status_view(&d.progress, year),
        "has_outputs": !d.finance.by_output.is_empty(),
        "delivery_chart": charts::delivery_chart(&d.finance.by_output, cur, &delivery_caption),
        "delivery_caption": delivery_caption,
        "outputs": outputs,
        "total_budget": format::money(d.finance.total.budget_minor, cur),
        "total_spent": format::money(d.finance.total.expenditure_minor, cur),
        "total_rate": d.finance.total.delivery_rate.clone().unwrap_or_else(|| "–".into()),
        "contributions": contributions,
        "to_submit": d.to_submit.iter().map(waiting).collect::<Vec<_>>(),
        "to_approve": d.to_approve.iter().map(waiting).collect::<Vec<_>>(),
        "missing": d.missing.iter().map(|m| json!({"code": m.indicator_code, "title": m.title})).collect::<Vec<_>>(),
        "n_submit": d.to_submit.len(),
        "n_approve": d.to_approve.len(),
        "n_missing": d.missing.len(),
        "may_enter": d.may_enter,
        "may_approve": d.may_approve,
        "shows_waiting": d.may_enter || d.may_approve || findings.is_some(),
        "findings": findings.as_ref().map(findings_view),
    });
    Ok(html(StatusCode::OK, render("dashboard", &format!("{} dashboard", p.code), Some(&user), &data)))
}
