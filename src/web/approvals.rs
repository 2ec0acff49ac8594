//! The manager's approval queue: submitted actuals beside their targets and the quarter
//! before; approve the selected ones, or return them with a reason.

use super::i18n::{self, Catalogue};
use super::{WebError, WebUser, format, html, render, see_other};
use crate::db::Db;
use crate::domain::FieldError;
use crate::domain::indicators::Measure;
use crate::domain::progress::Transition;
use crate::error::AppError;
use crate::services::progress::{self as uc, ApprovalQueue};
use crate::services::workflow::{self, Approved};
use crate::store::progress::Actual;
use crate::store::progress::TransitionInput;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

fn shown(c: &Catalogue, a: &Actual, measure: &str) -> String {
    match Measure::parse(measure) {
        Some(Measure::Qualitative) => a.text.clone().unwrap_or_default(),
        m => super::entry::shown(c, a, m.unwrap_or(Measure::Number)),
    }
}

fn title(c: &Catalogue, code: &str, error: bool) -> String {
    let t = format!("{} – {code}", c.tr("approvals"));
    if error { format!("{}: {t}", c.tr("error")) } else { t }
}

/// What the *Reopen* form shows: the approved actuals of a quarter, and what was sent.
struct Reopen<'a> {
    approved: &'a Approved,
    selected: &'a str,
    reason: &'a str,
}

fn reopen_view(c: &Catalogue, r: &Reopen) -> Value {
    let items: Vec<Value> = r
        .approved
        .items
        .iter()
        .map(|it| {
            let key = format!("{}:{}", it.actual.id, it.actual.version);
            json!({
                "id": format!("reopen-{}", it.actual.id),
                "key": key,
                "checked": r.selected == key,
                "code": it.indicator.code,
                "title": it.indicator.title,
                "value": shown(c, &it.actual, it.indicator.measure.as_str()),
                "unit": it.indicator.unit,
                "approved_at": it.actual.approved_at.map(|t| c.day(t.date())),
            })
        })
        .collect();
    let quarters: Vec<Value> = r
        .approved
        .quarters
        .iter()
        .map(|q| json!({"value": q, "selected": Some(q) == r.approved.quarter.as_ref()}))
        .collect();
    json!({
        "quarter": r.approved.quarter,
        "quarters": quarters,
        "has_quarters": !r.approved.quarters.is_empty(),
        "items": items,
        "reason": r.reason,
    })
}

fn view(
    user: &WebUser,
    q: &ApprovalQueue,
    selected: &[String],
    reason: &str,
    errors: &[FieldError],
    notice: Option<String>,
    reopen: Option<&Reopen>,
) -> Value {
    let c = i18n::catalogue(&user.lang);
    // The use cases' rules in the page's language.
    let errors: Vec<FieldError> =
        errors.iter().map(|e| FieldError::new(e.field.clone(), super::rules::said(&c, &e.message))).collect();
    let errors = &errors[..];
    let num = |v: f64| i18n::number(&c.locale, v);
    let items: Vec<Value> = q
        .items
        .iter()
        .map(|it| {
            let key = format!("{}:{}", it.actual.id, it.actual.version);
            let target = it
                .targets
                .quarter
                .as_ref()
                .map(|t| (it.actual.period.clone(), t))
                .or_else(|| it.targets.year.as_ref().map(|t| (it.actual.period[..4].to_string(), t)))
                .or_else(|| it.targets.lop.as_ref().map(|t| (c.tr("lop"), t)));
            let disagg: Vec<String> = it
                .actual
                .disaggregations
                .iter()
                .map(|(d, vals)| {
                    format!("{d}: {}", vals.iter().map(|(k, v)| format!("{k} {}", num(*v))).collect::<Vec<_>>().join(", "))
                })
                .collect();
            json!({
                "id": format!("sel-{}", it.actual.id),
                "key": key,
                "checked": selected.contains(&key),
                "period": it.actual.period,
                "code": it.indicator.code,
                "title": it.indicator.title,
                "unit": it.indicator.unit,
                "value": shown(&c, &it.actual, it.indicator.measure.as_str()),
                "disaggregation": disagg.join("; "),
                "target": target.map(|(p, t)| format!("{} ({p})", t.value.map(num).or(t.description.clone()).unwrap_or_else(|| "–".into()))),
                "previous": it.previous.as_ref().map(|p| format!("{} ({})", shown(&c, p, it.indicator.measure.as_str()), p.period)),
                "comment": it.actual.comment,
                "evidence": format::safe_link(it.actual.evidence_url.as_deref()),
                "evidence_text": it.actual.evidence_url,
            })
        })
        .collect();
    let err = |f: &str| errors.iter().find(|e| e.field == f).map(|e| e.message.clone());
    json!({
        "code": q.project.code,
        "title": q.project.title,
        "items": items,
        "empty": q.items.is_empty(),
        "count": q.items.len(),
        "may_decide": q.may_decide,
        "reason": reason,
        "reason_error": err("reason"),
        "selected_error": err("selected"),
        "errors": errors.iter().map(|e| json!({"href": match e.field.as_str() {
            "reason" => "#reason",
            "reopen_reason" => "#reopen-reason",
            "reopen" => "#reopen-list",
            _ => "#queue",
        }, "message": e.message})).collect::<Vec<_>>(),
        "reopen": reopen.map(|r| reopen_view(&c, r)),
        "reopen_error": err("reopen"),
        "reopen_reason_error": err("reopen_reason"),
        "notice": notice,
        "csrf": user.csrf(),
    })
}

#[derive(Deserialize)]
pub struct DoneQuery {
    approved: Option<usize>,
    returned: Option<usize>,
    reopened: Option<String>,
    /// The quarter whose approved actuals the *Reopen* form lists.
    reopen_quarter: Option<String>,
}

/// `GET /projects/{project}/approvals`.
pub async fn page(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, WebError> {
    let key = path.into_inner();
    let q = uc::approval_queue(&db, &user.principal, &key).await?;
    let c = i18n::catalogue(&user.lang);
    let notice = match (query.approved, query.returned, &query.reopened) {
        (Some(n), _, _) => Some(c.t("approved-n", &[("n", (n as f64).into())])),
        (_, Some(n), _) => Some(c.t("returned-n", &[("n", (n as f64).into())])),
        (_, _, Some(_)) => Some(c.tr("reopened-notice")),
        _ => None,
    };
    let approved = approved_for(&db, &user, &q, &key, query.reopen_quarter.as_deref()).await?;
    let reopen = approved.as_ref().map(|approved| Reopen { approved, selected: "", reason: "" });
    let body = view(&user, &q, &[], "", &[], notice, reopen.as_ref());
    Ok(html(StatusCode::OK, render("approvals", &title(&c, &q.project.code, false), Some(&user), &body)))
}

/// `POST /projects/{project}/approvals`: `intent=approve|approve_all|return`, `sel=id:version`...
/// (the selected ones; `all=` lists every one on the page), `reason`.
pub async fn decide(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let pairs = form.into_inner();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    user.check_form(&req, get("csrf").as_deref())?;
    let key = path.into_inner();
    let intent = get("intent").unwrap_or_default();
    // "Approve all" takes every actual listed on the page the manager saw (with the versions read).
    let field = if intent == "approve_all" { "all" } else { "sel" };
    let selected: Vec<String> = pairs.iter().filter(|(n, _)| n == field).map(|(_, v)| v.clone()).collect();
    let chosen: Vec<(i64, i32)> = selected
        .iter()
        .filter_map(|s| {
            let (id, v) = s.split_once(':')?;
            Some((id.parse().ok()?, v.parse().ok()?))
        })
        .collect();
    let t = if intent == "return" { Transition::Return } else { Transition::Approve };
    let reason = get("reason").map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    let c = i18n::catalogue(&user.lang);
    let mut errors = vec![];
    if chosen.is_empty() {
        errors.push(FieldError::new("selected", c.tr("select-at-least-one")));
    }
    if t == Transition::Return && reason.is_none() {
        errors.push(FieldError::new("reason", c.tr("say-why-return")));
    }
    if errors.is_empty() {
        match uc::decide(&db, &user.principal, &key, chosen, t, reason.clone()).await {
            Ok(n) => {
                let what = if t == Transition::Return { "returned" } else { "approved" };
                return Ok(see_other(&format!("/projects/{}/approvals?{what}={n}", format::url_encode(&key))));
            }
            Err(AppError::Validation(errs)) => errors = errs,
            Err(e @ (AppError::Conflict { .. } | AppError::PreconditionFailed(_))) => {
                errors.push(FieldError::new("selected", format!("{e}. {}", c.tr("someone-else-acted"))))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let q = uc::approval_queue(&db, &user.principal, &key).await?;
    let approved = approved_for(&db, &user, &q, &key, None).await?;
    let reopen = approved.as_ref().map(|approved| Reopen { approved, selected: "", reason: "" });
    let body = view(&user, &q, &selected, reason.as_deref().unwrap_or_default(), &errors, None, reopen.as_ref());
    Ok(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        render("approvals", &title(&c, &q.project.code, true), Some(&user), &body),
    ))
}

/// The approved actuals a manager may reopen (`None` for those who may not).
async fn approved_for(
    db: &Db,
    user: &WebUser,
    q: &ApprovalQueue,
    key: &str,
    quarter: Option<&str>,
) -> Result<Option<Approved>, WebError> {
    if !q.may_decide {
        return Ok(None);
    }
    let quarter = quarter.filter(|s| !s.is_empty());
    Ok(Some(workflow::approved(db, &user.principal, key, quarter).await?))
}

#[derive(Deserialize)]
pub struct ReopenForm {
    #[serde(default)]
    csrf: Option<String>,
    /// `id:version` of the approved actual.
    #[serde(default)]
    actual: Option<String>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    reopen_quarter: Option<String>,
}

/// `POST /projects/{project}/approvals/reopen`: a manager reopens an approved actual with a
/// reason (the API's `POST /actuals/{id}/reopen`): it becomes a draft the coordinator can
/// correct and submit again.
pub async fn reopen(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<ReopenForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    user.check_form(&req, form.csrf.as_deref())?;
    let key = path.into_inner();
    let selected = form.actual.clone().unwrap_or_default();
    let chosen = selected.split_once(':').and_then(|(id, v)| Some((id.parse::<i64>().ok()?, v.parse::<i32>().ok()?)));
    let reason = form.reason.trim().to_string();
    let c = i18n::catalogue(&user.lang);
    let mut errors = vec![];
    if chosen.is_none() {
        errors.push(FieldError::new("reopen", c.tr("choose-to-reopen")));
    }
    if reason.is_empty() {
        errors.push(FieldError::new("reopen_reason", c.tr("say-why-reopen")));
    }
    if let (Some((id, version)), true) = (chosen, errors.is_empty()) {
        let input = TransitionInput { version: Some(version), reason: Some(reason.clone()) };
        match workflow::step(&db, &user.principal, Some(&key), id, Transition::Reopen, input).await {
            Ok(a) => {
                return Ok(see_other(&format!(
                    "/projects/{}/approvals?reopened={}#reopen",
                    format::url_encode(&key),
                    a.id
                )));
            }
            Err(AppError::Validation(errs)) => errors.extend(errs.into_iter().map(|e| {
                let field = if e.field == "reason" { "reopen_reason" } else { "reopen" };
                FieldError::new(field, e.message)
            })),
            Err(e @ (AppError::Conflict { .. } | AppError::PreconditionFailed(_))) => {
                errors.push(FieldError::new("reopen", format!("{e}. {}", c.tr("someone-else-acted-one"))))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let q = uc::approval_queue(&db, &user.principal, &key).await?;
    let approved = approved_for(&db, &user, &q, &key, form.reopen_quarter.as_deref()).await?;
    let reopen = approved.as_ref().map(|approved| Reopen { approved, selected: &selected, reason: &reason });
    let body = view(&user, &q, &[], "", &errors, None, reopen.as_ref());
    Ok(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        render("approvals", &title(&c, &q.project.code, true), Some(&user), &body),
    ))
}
