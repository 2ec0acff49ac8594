//! The finance pages: budget vs expenditure and delivery of a period (by output, activity,
//! funding source, budget account and EU heading, with charts), and the finance checks with
//! their explanations. Figures are the API's (`/finance/summary`, `/finance/checks`), through
//! the same use cases ([`crate::services::finance`]).

use super::i18n::{self, Catalogue};
use super::{WebError, WebUser, charts, format, html, render, see_other};
use crate::db::Db;
use crate::domain::FieldError;
use crate::domain::budget::{Tally, format_bp};
use crate::domain::finance_checks::{Finding, Severity};
use crate::error::AppError;
use crate::services::finance as uc;
use crate::store::explanations::ExplanationInput;
use crate::store::finance::{ChecksQuery, FinanceChecks, FinanceRow, FinanceSummary, SummaryQuery};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

/// Money in minor units, exactly (cents shown), so that a column adds up on the page:
/// `USD 1,234.56`.
pub fn money_exact(minor: i128, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{currency} {sign}{grouped}.{:02}", abs % 100)
}

/// [`money_exact`] with the separators of the page's language (`USD 1 234,56` in Russian).
fn money_in(l: &crate::reports::document::Locale, minor: i128, currency: &str) -> String {
    money_exact(minor, currency)
        .chars()
        .map(|ch| match ch {
            ',' => l.group.clone(),
            '.' => l.decimal.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// A delivery rate (`45.30 %`) with the decimal separator of the page's language; "–" when
/// there is nothing budgeted.
fn rate_in(l: &crate::reports::document::Locale, bp: Option<i64>) -> String {
    bp.map(|bp| format_bp(bp).replace('.', &l.decimal)).unwrap_or_else(|| "–".into())
}

/// The `-` row of a table in the page's language: the store names it in English (budget not
/// assigned to an output or activity, accounts outside the catalogue). `table` is the table's
/// id (`by-output`, `by-activity`, `by-account`); other tables have no such row.
pub fn row_label(c: &Catalogue, table: &str, r: &FinanceRow) -> String {
    match (r.key.as_str(), table) {
        ("-", "by-output" | "by-activity" | "by-account") => c.tr(&format!("finance-{table}-none")),
        _ => r.label.clone(),
    }
}

/// The rows with their `-` row labelled by [`row_label`] (for the charts, which show labels).
pub fn labelled_rows(c: &Catalogue, table: &str, rows: &[FinanceRow]) -> Vec<FinanceRow> {
    rows.iter().map(|r| FinanceRow { label: row_label(c, table, r), ..r.clone() }).collect()
}

/// Donors see the donor portal only; everyone else on the project reads the finance pages.
fn refuse_donors(user: &WebUser, project_id: i64) -> Result<(), WebError> {
    if crate::services::portal::is_donor(&user.principal, project_id) {
        return Err(AppError::Forbidden("donors see the donor portal of the project".into()).into());
    }
    Ok(())
}

/// One table of the finance page: its rows, and a total row that is the sum of the rows shown
/// (expenditure on lines a revision removed is a row of its own, so every table adds up to
/// the project total).
fn table(c: &Catalogue, id: &str, rows: &[FinanceRow], unplanned: i64, cur: &str) -> Value {
    let l = &c.locale;
    let mut sum = (0i128, 0i128);
    let mut out: Vec<Value> = rows
        .iter()
        .map(|r| {
            sum.0 += i128::from(r.budget_minor);
            sum.1 += i128::from(r.expenditure_minor);
            json!({
                "key": if r.key == "-" { String::new() } else { r.key.clone() },
                "label": row_label(c, id, r),
                "budget": money_in(l, r.budget_minor.into(), cur),
                "spent": money_in(l, r.expenditure_minor.into(), cur),
                "balance": money_in(l, r.balance_minor.into(), cur),
                "rate": rate_in(l, r.delivery_rate_bp),
                "bp": r.delivery_rate_bp.unwrap_or(0).clamp(0, 10_000) / 100,
            })
        })
        .collect();
    if unplanned != 0 {
        sum.1 += i128::from(unplanned);
        out.push(json!({
            "key": "",
            "label": c.tr("finance-unplanned"),
            "budget": money_in(l, 0, cur),
            "spent": money_in(l, unplanned.into(), cur),
            "balance": money_in(l, (-unplanned).into(), cur),
            "rate": "–",
            "bp": 0,
        }));
    }
    let rate = match (i64::try_from(sum.0), i64::try_from(sum.1)) {
        (Ok(b), Ok(e)) => Tally { budget_minor: b, expenditure_minor: e }.delivery_rate_bp(),
        _ => None,
    };
    json!({
        "id": id,
        "title": c.tr(&format!("finance-{id}")),
        "first": c.tr(&format!("finance-{id}-first")),
        "rows": out,
        "empty": rows.is_empty() && unplanned == 0,
        "total_budget": money_in(l, sum.0, cur),
        "total_spent": money_in(l, sum.1, cur),
        "total_balance": money_in(l, sum.0 - sum.1, cur),
        "total_rate": rate_in(l, rate),
    })
}

/// The periods of the chooser: the life of project, each year, each quarter.
fn periods(c: &Catalogue, s: &FinanceSummary, project: &crate::store::projects::Project) -> Value {
    let quarters = crate::services::dashboard::quarters(project);
    let mut years: Vec<i32> = quarters.iter().map(|q| q.year).collect();
    years.dedup();
    let opt = |v: String, label: String| json!({"value": v, "label": label, "selected": v == s.period});
    json!({
        "lop": opt(
            "LOP".into(),
            c.t(
                "finance-lop-option",
                &[("from", c.day(project.start_date).into()), ("to", c.day(project.end_date).into())],
            ),
        ),
        "years": years.iter().map(|y| opt(y.to_string(), y.to_string())).collect::<Vec<_>>(),
        "quarters": quarters.iter().map(|q| opt(q.to_string(), q.to_string())).collect::<Vec<_>>(),
    })
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
}

/// `GET /projects/{project}/finance[?period=2026-Q1|2026|LOP]`.
pub async fn page(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, WebError> {
    let key = path.into_inner();
    let asked = query.into_inner().period.filter(|p| !p.trim().is_empty());
    let (s, error) = match uc::summary(&db, &user.principal, &key, SummaryQuery { period: asked.clone() }).await {
        Ok(s) => (s, None),
        // A period that is not one: the message by the chooser, and the life of project below.
        Err(AppError::Validation(errs)) => {
            (uc::summary(&db, &user.principal, &key, SummaryQuery::default()).await?, errs.into_iter().next())
        }
        Err(e) => return Err(e.into()),
    };
    let project = crate::services::dashboard::project(&db, &user.principal, &key).await?.0;
    refuse_donors(&user, project.id)?;
    let c = i18n::catalogue(&user.lang);
    let l = &c.locale;
    let cur = &s.currency;
    let un = s.unplanned_expenditure_minor;
    let period_label = match s.period.as_str() {
        "LOP" => c.tr("finance-the-lop"),
        p => p.to_string(),
    };
    let (from, to) = (c.day(s.from), c.day(s.to));
    let caption = |what: &str| {
        c.t(
            &format!("finance-caption-{what}"),
            &[("from", from.clone().into()), ("to", to.clone().into()), ("currency", cur.clone().into())],
        )
    };
    let contributions: Vec<Value> = s
        .contributions
        .iter()
        .map(|k| {
            json!({
                "source": k.source_code,
                "committed": money_in(l, k.committed_minor.into(), &k.committed_currency),
                "committed_ledger": k.committed_ledger_minor.map(|m| money_in(l, m.into(), cur)),
                "received": money_in(l, k.received_minor.into(), cur),
                "programmed": money_in(l, k.programmed_minor.into(), cur),
                "spent": money_in(l, k.expenditure_minor.into(), cur),
            })
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let data = json!({
        "code": project.code,
        "title": project.title,
        "currency": cur,
        "period": s.period,
        "period_label": period_label,
        "from": from,
        "to": to,
        "periods": periods(&c, &s, &project),
        "asked": asked,
        "error": error.as_ref().map(|e| e.message.clone()),
        "total_budget": money_in(l, s.total.budget_minor.into(), cur),
        "total_spent": money_in(l, s.total.expenditure_minor.into(), cur),
        "total_balance": money_in(l, s.total.balance_minor.into(), cur),
        "total_rate": rate_in(l, s.total.delivery_rate_bp),
        "output_chart": charts::titled_delivery_chart(&c, "fo", &c.tr("finance-chart-output"), &labelled_rows(&c, "by-output", &s.by_output), cur, &caption("output")),
        "output_caption": caption("output"),
        "source_chart": charts::titled_delivery_chart(&c, "fs", &c.tr("finance-chart-source"), &s.by_funding_source, cur, &caption("source")),
        "source_caption": caption("source"),
        "tables": [
            table(&c, "by-output", &s.by_output, un, cur),
            table(&c, "by-activity", &s.by_activity, un, cur),
            table(&c, "by-source", &s.by_funding_source, un, cur),
            table(&c, "by-account", &s.by_account, un, cur),
            table(&c, "by-heading", &s.by_eu_heading, un, cur),
        ],
        "contributions": contributions,
        "has_contributions": !s.contributions.is_empty(),
        "plans": s.work_plans.iter().map(|p| json!({"year": p.year, "revision": p.revision, "status": p.status})).collect::<Vec<_>>(),
        "may_check": crate::services::findings::acts_on_findings(&user.principal, project.id),
    });
    let title = c.t(
        if error.is_some() { "finance-title-error" } else { "finance-title" },
        &[("code", project.code.clone().into())],
    );
    Ok(html(status, render("finance", &title, Some(&user), &data)))
}

fn severity_view(c: &Catalogue, s: Severity) -> (String, &'static str) {
    let (key, class) = match s {
        Severity::Error => ("checks-severity-error", "off-track"),
        Severity::Warning => ("checks-severity-warning", "needs-attention"),
        Severity::Info => ("checks-severity-info", "no-data"),
    };
    (c.tr(key), class)
}

/// What the checks page shows of a finding, with links to the lines concerned.
fn finding_view(
    c: &Catalogue,
    f: &Finding,
    code: &str,
    years: &std::collections::HashMap<i64, i32>,
    plan_years: &std::collections::HashMap<i64, i32>,
    form: Option<(&str, &str, Option<&str>)>,
) -> Value {
    let (label, class) = severity_view(c, f.severity);
    let line = |id: &i64| c.t("checks-line", &[("id", id.to_string().into())]);
    let lines: Vec<Value> = f
        .line_ids
        .iter()
        .map(|id| match years.get(id) {
            Some(y) => {
                json!({"text": line(id), "href": format!("/projects/{code}/work-plans/{y}#line-{id}")})
            }
            None => json!({"text": line(id), "href": null}),
        })
        .collect();
    let spent: Vec<Value> = f
        .expenditure_ids
        .iter()
        .map(|id| json!({"text": c.t("checks-expenditure-n", &[("id", id.to_string().into())]), "href": format!("/projects/{code}/expenditures#expenditure-{id}")}))
        .collect();
    let plan = f
        .work_plan_id
        .and_then(|id| plan_years.get(&id))
        .map(|y| json!({"text": c.t("checks-the-plan", &[("year", y.to_string().into())]), "href": format!("/projects/{code}/work-plans/{y}")}));
    // The reason typed, and its error, when this finding's form comes back.
    let (reason, error) = match form {
        Some((k, r, e)) if k == f.key => (r.to_string(), e.map(str::to_string)),
        _ => (String::new(), None),
    };
    json!({
        "key": f.key,
        "severity": label,
        "class": class,
        "check": c.tr(&format!("finding-check-{}", f.check.as_str().replace('_', "-"))),
        "message": super::findings::message(c, f),
        "plan": plan,
        "lines": lines,
        "shown_lines": lines.iter().take(12).cloned().collect::<Vec<_>>(),
        "more_lines": lines.len().saturating_sub(12),
        "expenditures": spent.iter().take(12).cloned().collect::<Vec<_>>(),
        "more_expenditures": spent.len().saturating_sub(12),
        "explanation": f.explanation.as_ref().map(|e| json!({
            "reason": e.reason,
            "by": e.explained_by,
            "at": format!("{} {}", c.day(e.explained_at.date()), e.explained_at.format("%H:%M UTC")),
        })),
        "reason": reason,
        "reason_error": error,
    })
}

fn checks_view(
    c: &Catalogue,
    user: &WebUser,
    fc: &FinanceChecks,
    years: &std::collections::HashMap<i64, i32>,
    may_explain: bool,
    form: Option<(&str, &str, Option<&str>)>,
    notice: Option<String>,
) -> Value {
    let plan_years: std::collections::HashMap<i64, i32> = fc.work_plans.iter().map(|p| (p.id, p.year)).collect();
    let open: Vec<Value> = fc
        .findings
        .iter()
        .filter(|f| f.explanation.is_none())
        .map(|f| finding_view(c, f, &fc.project_code, years, &plan_years, form))
        .collect();
    let explained: Vec<Value> = fc
        .findings
        .iter()
        .filter(|f| f.explanation.is_some())
        .map(|f| finding_view(c, f, &fc.project_code, years, &plan_years, form))
        .collect();
    let errors: Vec<Value> = match form {
        Some((k, _, Some(e))) => vec![json!({"href": format!("#reason-{k}"), "message": e})],
        _ => vec![],
    };
    json!({
        "code": fc.project_code,
        "currency": fc.currency,
        "year": fc.year,
        "plans": fc.work_plans.iter().map(|p| json!({"year": p.year, "revision": p.revision, "status": p.status})).collect::<Vec<_>>(),
        "n_errors": fc.errors,
        "n_warnings": fc.warnings,
        "n_infos": fc.infos,
        "n_open": open.len(),
        "n_explained": explained.len(),
        "open": open,
        "explained": explained,
        "may_explain": may_explain,
        "errors": errors,
        "notice": notice,
        "csrf": user.csrf(),
    })
}

#[derive(Deserialize)]
pub struct ChecksPageQuery {
    explained: Option<String>,
}

async fn checks_page_data(
    db: &Db,
    user: &WebUser,
    key: &str,
) -> Result<(FinanceChecks, std::collections::HashMap<i64, i32>, bool), WebError> {
    let c = uc::checks(db, &user.principal, key, ChecksQuery { year: None }).await?;
    refuse_donors(user, c.project_id)?;
    let years = uc::line_years(db, &user.principal, key).await?;
    let may = crate::services::findings::acts_on_findings(&user.principal, c.project_id);
    Ok((c, years, may))
}

/// `GET /projects/{project}/finance/checks`: the findings, open first, then the explained ones.
pub async fn checks_page(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<ChecksPageQuery>,
) -> Result<HttpResponse, WebError> {
    let key = path.into_inner();
    let (c, years, may) = checks_page_data(&db, &user, &key).await?;
    let cat = i18n::catalogue(&user.lang);
    let notice = query.explained.as_ref().map(|_| cat.tr("checks-notice-explained"));
    let data = checks_view(&cat, &user, &c, &years, may, None, notice);
    let title = cat.t("checks-title", &[("code", c.project_code.clone().into())]);
    Ok(html(StatusCode::OK, render("finance_checks", &title, Some(&user), &data)))
}

#[derive(Deserialize)]
pub struct ExplainForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    reason: String,
}

/// `POST /projects/{project}/finance/checks/{key}/explanation`: explains a finding with a
/// reason (the API's use case, audited).
pub async fn explain(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, String)>,
    form: web::Form<ExplainForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    user.check_form(&req, form.csrf.as_deref())?;
    let (key, finding) = path.into_inner();
    let cat = i18n::catalogue(&user.lang);
    let error: FieldError =
        match uc::explain(&db, &user.principal, &key, &finding, ExplanationInput { reason: form.reason.clone() }).await
        {
            Ok(f) => {
                return Ok(see_other(&format!(
                    "/projects/{}/finance/checks?explained={}#finding-{}",
                    format::url_encode(&key),
                    format::url_encode(&f.key),
                    format::url_encode(&f.key)
                )));
            }
            Err(AppError::Validation(errs)) => {
                errs.into_iter().next().unwrap_or_else(|| FieldError::new("reason", cat.tr("checks-say-why-short")))
            }
            Err(AppError::NotFound(m)) if m.starts_with("finding") => FieldError::new("reason", cat.tr("checks-gone")),
            Err(e) => return Err(e.into()),
        };
    let message = if error.field == "reason" && form.reason.trim().is_empty() {
        cat.tr("checks-say-why")
    } else {
        super::rules::said(&cat, &error.message)
    };
    let (c, years, may) = checks_page_data(&db, &user, &key).await?;
    let data = checks_view(&cat, &user, &c, &years, may, Some((&finding, &form.reason, Some(&message))), None);
    let title = cat.t("checks-title-error", &[("code", c.project_code.clone().into())]);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, render("finance_checks", &title, Some(&user), &data)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, label: &str) -> FinanceRow {
        FinanceRow {
            key: key.into(),
            label: label.into(),
            budget_minor: 100,
            expenditure_minor: 50,
            balance_minor: 50,
            delivery_rate_bp: Some(5000),
            delivery_rate: Some("50.00 %".into()),
        }
    }

    /// The store names the `-` rows in English; English pages read them as before, Russian
    /// pages in Russian, and named rows keep their names.
    #[test]
    fn the_rows_of_no_output_or_activity_in_the_pages_language() {
        let (en, ru) = (i18n::catalogue("en"), i18n::catalogue("ru"));
        for (table, store_label) in [
            ("by-output", "Not assigned to an output (plan-level lines, e.g. GMS)"),
            ("by-activity", "Not assigned to an activity (plan-level lines, e.g. GMS)"),
            ("by-account", "Accounts not in the catalogue"),
        ] {
            let r = row("-", store_label);
            assert_eq!(row_label(&en, table, &r), store_label);
            let russian = row_label(&ru, table, &r);
            assert!(!russian.is_empty() && russian != store_label && !russian.contains("Not"), "{russian}");
            assert_eq!(row_label(&ru, table, &row("1.1", "Output one")), "Output one");
        }
        assert_eq!(row_label(&ru, "by-output", &row("-", "x")), "Вне результатов (строки уровня плана, например GMS)");
        let rows = labelled_rows(&ru, "by-activity", &[row("1.1.1", "A"), row("-", "B")]);
        assert_eq!((rows[0].label.as_str(), rows[1].budget_minor), ("A", 100));
        assert!(rows[1].label.starts_with("Вне мероприятий"));
    }
}
