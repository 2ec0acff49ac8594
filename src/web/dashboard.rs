//! The list of the caller's projects (the home page) and a project's dashboard.

use super::i18n::{self, Catalogue};
use super::{WebError, WebUser, charts, html, render};
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
                "start": c.project.start_date,
                "end": c.project.end_date,
                "role": role_key(c.role),
                "status": c.project.status,
            })
        })
        .collect();
    let data = json!({"projects": projects, "email": user.principal.email});
    let title = i18n::catalogue(&user.lang).tr("your-projects");
    Ok(html(StatusCode::OK, render("projects", &title, Some(&user), &data)))
}

/// The indicator status at a glance (counts, chart, table) of approved progress: the
/// dashboard's and the donor portal's `status` partial.
pub fn status_view(c: &Catalogue, progress: &ProjectProgress, year: i32) -> Value {
    let counts: Vec<_> = [Status::OnTrack, Status::NeedsAttention, Status::OffTrack, Status::NoData, Status::NotRated]
        .iter()
        .map(|s| {
            json!({
                "label": c.locale.status(s.as_str()),
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
                    (None, "sum") => opt_num(c, pr.actual_year_to_date.or(pr.actual_period)),
                    (None, _) => opt_num(c, pr.actual_period),
                },
                "target": opt_num(c, pr.target_year.or(pr.target_period).or(pr.target_lop)),
                "percent": charts::shown_percent(pr),
                "status": c.locale.status(pr.status.as_str()),
                "class": charts::status_class(pr.status),
                "basis": pr.status_basis,
            })
        })
        .collect();
    let caption = c.t(
        "progress-caption",
        &[
            ("from", progress.from.clone().into()),
            ("to", progress.to.clone().into()),
            ("year", year.to_string().into()),
        ],
    );
    json!({
        "year": year,
        "quarter": progress.to,
        "counts": counts,
        "indicators": indicators,
        "has_indicators": !progress.indicators.is_empty(),
        "progress_chart": charts::progress_chart(c, &progress.indicators, &caption),
        "progress_caption": caption,
    })
}

/// How many findings the dashboard lists (errors first); the rest are counted.
const FINDINGS_SHOWN: usize = 8;

fn findings_view(c: &Catalogue, f: &FinanceChecks) -> Value {
    // Explained findings are not open: they no longer wait for anyone.
    let open: Vec<_> = f.findings.iter().filter(|x| x.explanation.is_none()).collect();
    let n = |s: Severity| open.iter().filter(|x| x.severity == s).count() as f64;
    let (errors, warnings, infos) = (n(Severity::Error), n(Severity::Warning), n(Severity::Info));
    let items: Vec<Value> = open
        .iter()
        .take(FINDINGS_SHOWN)
        .map(|x| {
            let (label, class) = match x.severity {
                Severity::Error => ("severity-error", "off-track"),
                Severity::Warning => ("severity-warning", "needs-attention"),
                Severity::Info => ("severity-info", "no-data"),
            };
            json!({"severity": c.tr(label), "class": class, "message": super::findings::message(c, x), "key": x.key})
        })
        .collect();
    json!({
        "count": open.len(),
        "explained": f.explained,
        "summary": c.t(
            "findings-summary",
            &[("errors", errors.into()), ("warnings", warnings.into()), ("infos", infos.into())],
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
    let c = i18n::catalogue(&user.lang);
    let l = &c.locale;
    let delivery_caption =
        c.t("delivery-caption", &[("year", year.to_string().into()), ("currency", cur.clone().into())]);
    let outputs: Vec<_> = d
        .finance
        .by_output
        .iter()
        .map(|r| {
            json!({
                "key": if r.key == "-" { c.tr("other") } else { r.key.clone() },
                "label": super::finance::row_label(&c, "by-output", r),
                "budget": i18n::money(l, r.budget_minor, cur),
                "spent": i18n::money(l, r.expenditure_minor, cur),
                "rate": rate(&c, r.delivery_rate_bp),
            })
        })
        .collect();
    let waiting = |w: &uc::Waiting| {
        json!({
            "code": w.indicator_code,
            "period": w.period,
            "status": c.tr(&format!("actual-{}", w.status.as_str())),
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
        .map(|x| json!({"source": x.source_code, "amount": i18n::money(l, x.committed_minor, &x.committed_currency)}))
        .collect();
    let data = json!({
        "code": p.code,
        "title": p.title,
        "award_id": p.award_id,
        "country": p.country,
        "partner": p.implementing_partner,
        "start": p.start_date,
        "end": p.end_date,
        "status": p.status,
        "currency": cur,
        "role": role_key(d.role),
        "quarter": d.quarter.to_string(),
        "quarters": quarters,
        "year": year,
        "glance": status_view(&c, &d.progress, year),
        "has_outputs": !d.finance.by_output.is_empty(),
        "delivery_chart": charts::delivery_chart(&c, &super::finance::labelled_rows(&c, "by-output", &d.finance.by_output), cur, &delivery_caption),
        "delivery_caption": delivery_caption,
        "outputs": outputs,
        "total_budget": i18n::money(l, d.finance.total.budget_minor, cur),
        "total_spent": i18n::money(l, d.finance.total.expenditure_minor, cur),
        "total_rate": rate(&c, d.finance.total.delivery_rate_bp),
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
        "findings": findings.as_ref().map(|f| findings_view(&c, f)),
    });
    let title = c.t("dashboard-title", &[("code", p.code.clone().into())]);
    Ok(html(StatusCode::OK, render("dashboard", &title, Some(&user), &data)))
}

/// A number in the page's language, "–" for none.
fn opt_num(c: &Catalogue, v: Option<f64>) -> String {
    v.map(|v| i18n::number(&c.locale, v)).unwrap_or_else(|| "–".into())
}

/// A delivery rate in basis points as a percentage with one decimal, in the page's language.
fn rate(c: &Catalogue, bp: Option<i64>) -> String {
    bp.map(|b| format!("{}\u{a0}%", i18n::number(&c.locale, (b as f64 / 10.0).round() / 10.0)))
        .unwrap_or_else(|| "–".into())
}

/// The catalogue key of a role (`role-coordinator`; administrators have none on a project).
fn role_key(r: Option<Role>) -> String {
    let code = match r {
        None => "admin",
        Some(Role::Coordinator) => "coordinator",
        Some(Role::Manager) => "manager",
        Some(Role::Finance) => "finance",
        Some(Role::Donor) => "donor",
    };
    format!("role-{code}")
}
