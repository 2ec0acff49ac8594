//! The manager's approval queue: submitted actuals beside their targets and the quarter
//! before; approve the selected ones, or return them with a reason.

use super::{WebError, WebUser, format, html, render, see_other};
use crate::db::Db;
use crate::domain::FieldError;
use crate::domain::indicators::Measure;
use crate::domain::progress::Transition;
use crate::error::AppError;
use crate::services::progress::{self as uc, ApprovalQueue};
use crate::store::progress::Actual;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

fn shown(a: &Actual, measure: &str) -> String {
    match Measure::parse(measure) {
        Some(Measure::YesNo) => match a.value {
            Some(v) if v >= 1.0 => "Yes".into(),
            Some(_) => "No".into(),
            None => "–".into(),
        },
        Some(Measure::Percentage) => match (a.numerator, a.denominator) {
            (Some(n), Some(d)) if d > 0.0 => {
                format!("{} % ({} of {})", format::num(n / d * 100.0), format::num(n), format::num(d))
            }
            _ => "–".into(),
        },
        Some(Measure::Qualitative) => a.text.clone().unwrap_or_default(),
        _ => format::opt_num(a.value),
    }
}

fn view(
    user: &WebUser,
    q: &ApprovalQueue,
    selected: &[String],
    reason: &str,
    errors: &[FieldError],
    notice: Option<String>,
) -> Value {
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
                .or_else(|| it.targets.lop.as_ref().map(|t| ("LOP".to_string(), t)));
            let disagg: Vec<String> = it
                .actual
                .disaggregations
                .iter()
                .map(|(d, vals)| {
                    format!("{d}: {}", vals.iter().map(|(k, v)| format!("{k} {}", format::num(*v))).collect::<Vec<_>>().join(", "))
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
                "value": shown(&it.actual, &it.indicator.measure),
                "disaggregation": disagg.join("; "),
                "target": target.map(|(p, t)| format!("{} ({p})", t.value.map(format::num).or(t.description.clone()).unwrap_or_else(|| "–".into()))),
                "previous": it.previous.as_ref().map(|p| format!("{} ({})", shown(p, &it.indicator.measure), p.period)),
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
        "errors": errors.iter().map(|e| json!({"href": if e.field == "reason" { "#reason" } else { "#queue" }, "message": e.message})).collect::<Vec<_>>(),
        "notice": notice,
        "csrf": user.csrf(),
    })
}

#[derive(Deserialize)]
pub struct DoneQuery {
    approved: Option<usize>,
    returned: Option<usize>,
}

/// `GET /projects/{project}/approvals`.
pub async fn page(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, WebError> {
    let q = uc::approval_queue(&db, &user.principal, &path.into_inner()).await?;
    let notice = match (query.approved, query.returned) {
        (Some(n), _) => Some(format!("Approved {n} actual{}.", if n == 1 { "" } else { "s" })),
        (_, Some(n)) => Some(format!("Returned {n} actual{} to the coordinator.", if n == 1 { "" } else { "s" })),
        _ => None,
    };
    let body = view(&user, &q, &[], "", &[], notice);
    Ok(html(StatusCode::OK, render("approvals", &format!("Approvals – {}", q.project.code), Some(&user), &body)))
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
    let mut errors = vec![];
    if chosen.is_empty() {
        errors.push(FieldError::new("selected", "Select at least one actual"));
    }
    if t == Transition::Return && reason.is_none() {
        errors.push(FieldError::new("reason", "Say why you return them, so the coordinator knows what to fix"));
    }
    if errors.is_empty() {
        match uc::decide(&db, &user.principal, &key, chosen, t, reason.clone()).await {
            Ok(n) => {
                let what = if t == Transition::Return { "returned" } else { "approved" };
                return Ok(see_other(&format!("/projects/{}/approvals?{what}={n}", format::url_encode(&key))));
            }
            Err(AppError::Validation(errs)) => errors = errs,
            Err(e @ (AppError::Conflict { .. } | AppError::PreconditionFailed(_))) => errors.push(FieldError::new(
                "selected",
                format!("{e}. Someone else acted on these actuals first: the list below is current."),
            )),
            Err(e) => return Err(e.into()),
        }
    }
    let q = uc::approval_queue(&db, &user.principal, &key).await?;
    let body = view(&user, &q, &selected, reason.as_deref().unwrap_or_default(), &errors, None);
    Ok(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        render("approvals", &format!("Error: Approvals – {}", q.project.code), Some(&user), &body),
    ))
}
