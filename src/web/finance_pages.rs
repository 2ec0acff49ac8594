//! The expenditures, receipts and exchange-rate pages: lists with filters and the entry
//! forms of finance officers, through the API's use cases ([`crate::services::workplan`]).
//! Every converted figure shows the amount as spent, the rate it used and the result.

use super::i18n::{self, Catalogue};
use super::workplan::{amount, amount_input, localised, parse_amount_in, typed_amount};
use super::{WebError, WebUser, format, html, render, see_other};
use crate::auth::Principal;
use crate::db::Db;
use crate::error::AppError;
use crate::services::workplan::{self as uc, BookableLine};
use crate::store::exchange::{ExchangeRate, ExchangeRateInput, RateFilter, RateUsed};
use crate::store::expenditures::{ExpenditureFilter, ExpenditureInput, ReceiptInput};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

type FormData = web::Form<HashMap<String, String>>;

fn text(form: &HashMap<String, String>, name: &str) -> Option<String> {
    form.get(name).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn rate_text(r: &Option<RateUsed>) -> Option<String> {
    r.as_ref().map(|r| format!("{} {} ({})", r.pair, r.rate, r.month))
}

fn date(
    c: &Catalogue,
    s: Option<String>,
    field: &str,
    label: &str,
    errs: &mut Vec<(String, String)>,
) -> Option<NaiveDate> {
    let s = s?;
    match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push((field.into(), c.t("fin-date-like", &[("label", label.to_string().into())])));
            None
        }
    }
}

/// A refused save on the form: each message by its field; other failures go on as they are.
fn refusal(c: &Catalogue, e: AppError, rename: &dyn Fn(&str) -> String) -> Result<Vec<(String, String)>, WebError> {
    match e {
        AppError::Validation(errs) => Ok(errs.into_iter().map(|e| (rename(&e.field), e.message)).collect()),
        AppError::Conflict { message, field } => Ok(vec![(rename(&field.unwrap_or_default()), message)]),
        AppError::PreconditionFailed(m) => {
            Ok(vec![(String::new(), c.t("fin-changed-meanwhile", &[("message", m.into())]))])
        }
        other => Err(other.into()),
    }
}

/// The form's labels in the page's language (`<prefix>-<field>` keys).
fn labels_in(c: &Catalogue, prefix: &str, labels: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    labels.iter().map(|(f, _)| (*f, c.tr(&format!("{prefix}-{f}")))).collect()
}

fn errors_json(
    c: &Catalogue,
    errs: &[(String, String)],
    labels: &[(&'static str, String)],
    fallback: &str,
) -> (Value, Value) {
    // Every field has its entry (the templates run in strict mode).
    let mut by_field: serde_json::Map<String, Value> = labels.iter().map(|(n, _)| (n.to_string(), json!(""))).collect();
    let mut summary = vec![];
    for (f, m) in errs {
        let label = labels.iter().find(|(n, _)| n == f).map(|(_, l)| l.as_str());
        let m = if m == "must not be empty" {
            c.t("fin-enter-the", &[("label", label.unwrap_or("value").to_lowercase().into())])
        } else {
            super::rules::said(c, m)
        };
        let id = if label.is_some() { f.replace('_', "-") } else { fallback.to_string() };
        summary.push(json!({"href": format!("#{id}"), "message": match label { Some(l) => format!("{l}: {m}"), None => m.clone() }}));
        let entry = by_field.entry(f.clone()).or_insert_with(|| json!(""));
        *entry = json!(if entry.as_str().unwrap_or("").is_empty() {
            m
        } else {
            format!("{}; {m}", entry.as_str().unwrap_or(""))
        });
    }
    (Value::Object(by_field), Value::Array(summary))
}

// ---- expenditures ------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct ExpenditureQuery {
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    line: Option<String>,
    activity: Option<String>,
    source: Option<String>,
    currency: Option<String>,
    saved: Option<i64>,
    /// The expenditure whose form is open (finance officers).
    edit: Option<i64>,
    /// `1` after a correction (the notice says so), after a deletion.
    corrected: Option<u8>,
    deleted: Option<u8>,
}

const EXPENDITURE_LABELS: [(&str, &str); 6] = [
    ("budget_line_id", "Budget line"),
    ("spent_on", "Date"),
    ("amount", "Amount"),
    ("currency", "Currency"),
    ("reference", "Reference"),
    ("description", "Description"),
];

fn line_label(c: &Catalogue, b: &BookableLine) -> String {
    let l = &b.line;
    format!(
        "{} · {} · {} · {} {} ({})",
        b.year,
        l.activity_code.as_deref().unwrap_or("plan"),
        l.source_code,
        l.account_code,
        l.description,
        localised(c, &amount(l.amount_minor, &l.currency))
    )
}

async fn expenditures_page(
    db: &Db,
    user: &WebUser,
    key: &str,
    q: &ExpenditureQuery,
    posted: Option<&HashMap<String, String>>,
    errs: &[(String, String)],
) -> Result<HttpResponse, WebError> {
    let c = i18n::catalogue(&user.lang);
    let mut filter_errors = vec![];
    let period = opt(&q.period);
    if let Some(p) = &period
        && p.parse::<crate::domain::period::Period>().is_err()
    {
        filter_errors.push(("period".to_string(), c.tr("exp-filter-period-error")));
    }
    let filter = ExpenditureFilter {
        period: period.filter(|_| filter_errors.is_empty()),
        from: date(&c, opt(&q.from), "from", &c.tr("exp-from"), &mut filter_errors),
        to: date(&c, opt(&q.to), "to", &c.tr("exp-to"), &mut filter_errors),
        budget_line_id: opt(&q.line).and_then(|s| s.parse().ok()),
        activity: opt(&q.activity),
        funding_source_id: opt(&q.source).and_then(|s| s.parse().ok()),
        currency: opt(&q.currency),
        limit: None,
        offset: None,
    };
    let view = uc::expenditures(db, &user.principal, key, filter, q.saved).await?;
    let editing = match q.edit.filter(|_| view.may_edit) {
        Some(id) => Some(
            Some(uc::expenditure(db, &user.principal, id).await?.1)
                .filter(|e| e.project_id == view.project.id)
                .ok_or_else(|| AppError::NotFound(format!("expenditure {id}")))?,
        ),
        None => None,
    };
    let ledger = view.project.currency.clone();
    let p = format::url_encode(&view.project.code);
    let names: HashMap<i64, &BookableLine> = view.lines.iter().map(|b| (b.line.id, b)).collect();
    let total: i128 = view.expenditures.iter().map(|e| i128::from(e.ledger_amount_minor)).sum();
    let rows: Vec<Value> = view
        .expenditures
        .iter()
        .map(|e| {
            let line = names.get(&e.budget_line_id);
            json!({
                "id": e.id,
                "date": c.day(e.spent_on),
                "quarter": e.quarter,
                "activity": line.and_then(|b| b.line.activity_code.clone()),
                "line": line.map(|b| format!("{} {} · {}", b.line.account_code, b.line.description, b.line.source_code)),
                "reference": e.reference,
                "description": e.description,
                "original": format!("{} {}", localised(&c, &amount(e.amount_minor, &e.currency)), e.currency),
                "rate": rate_text(&e.exchange_rate).map(|r| localised(&c, &r)),
                "converted": localised(&c, &amount(e.ledger_amount_minor, &e.ledger_currency)),
                "saved": q.saved == Some(e.id),
                "edit": view.may_edit.then(|| format!("/projects/{p}/expenditures?edit={}#expenditure-form", e.id)),
                "delete": view.may_edit.then(|| format!("/projects/{p}/expenditures/{}/delete", e.id)),
            })
        })
        .collect();
    let mut activities: Vec<String> = view.lines.iter().filter_map(|b| b.line.activity_code.clone()).collect();
    activities.sort_by(|a, b| crate::domain::results::compare_codes(a, b));
    activities.dedup();
    let mut sources: Vec<(i64, String)> =
        view.lines.iter().map(|b| (b.line.funding_source_id, b.line.source_code.clone())).collect();
    sources.sort_by(|a, b| a.1.cmp(&b.1));
    sources.dedup();
    // The form shows what was posted, else the expenditure being corrected, else nothing.
    let of_row = |name: &str| -> Option<String> {
        let e = editing.as_ref()?;
        Some(match name {
            "budget_line_id" => e.budget_line_id.to_string(),
            "spent_on" => e.spent_on.to_string(),
            "amount" => amount_input(&c, e.amount_minor, &e.currency),
            "currency" => e.currency.clone(),
            "reference" => e.reference.clone(),
            "description" => e.description.clone().unwrap_or_default(),
            "version" => e.version.to_string(),
            _ => String::new(),
        })
    };
    let pick = |name: &str| match posted {
        Some(p) => p.get(name).cloned().unwrap_or_default(),
        None => of_row(name).unwrap_or_default(),
    };
    let chosen_line = match posted {
        Some(p) => p.get("budget_line_id").cloned().unwrap_or_default(),
        None => of_row("budget_line_id").or_else(|| opt(&q.line)).unwrap_or_default(),
    };
    let (field_errors, mut summary) =
        errors_json(&c, errs, &labels_in(&c, "exp-label", &EXPENDITURE_LABELS), "expenditure-form");
    if let Value::Array(s) = &mut summary {
        s.extend(filter_errors.iter().map(|(f, m)| json!({"href": format!("#filter-{f}"), "message": m})));
    }
    let saved = view.saved.as_ref().map(|e| {
        json!({
            "original": format!("{} {}", localised(&c, &amount(e.amount_minor, &e.currency)), e.currency),
            "rate": rate_text(&e.exchange_rate).map(|r| localised(&c, &r)),
            "converted": format!("{} {}", localised(&c, &amount(e.ledger_amount_minor, &e.ledger_currency)), e.ledger_currency),
            "reference": e.reference,
            "line": names.get(&e.budget_line_id).map(|b| line_label(&c, b)),
        })
    });
    let code = &view.project.code;
    let data = json!({
        "code": code,
        "title": view.project.title,
        "ledger": ledger,
        "rows": rows,
        "count": view.expenditures.len(),
        "total": localised(&c, &amount(total as i64, &ledger)),
        "saved": saved,
        "may_edit": view.may_edit,
        "csrf": user.csrf(),
        "errors": summary,
        "field_errors": field_errors,
        "filter": {
            "period": q.period.clone().unwrap_or_default(),
            "from": q.from.clone().unwrap_or_default(),
            "to": q.to.clone().unwrap_or_default(),
            "currency": q.currency.clone().unwrap_or_default(),
            "lines": view.lines.iter().map(|b| json!({"value": b.line.id, "label": line_label(&c, b), "selected": opt(&q.line) == Some(b.line.id.to_string())})).collect::<Vec<_>>(),
            "activities": activities.iter().map(|a| json!({"value": a, "selected": opt(&q.activity).as_deref() == Some(a.as_str())})).collect::<Vec<_>>(),
            "sources": sources.iter().map(|(id, c)| json!({"value": id, "label": c, "selected": opt(&q.source) == Some(id.to_string())})).collect::<Vec<_>>(),
        },
        "form": {
            "lines": view.lines.iter().filter(|b| b.approved || chosen_line == b.line.id.to_string()).map(|b| json!({"value": b.line.id, "label": line_label(&c, b), "selected": chosen_line == b.line.id.to_string()})).collect::<Vec<_>>(),
            "spent_on": pick("spent_on"),
            "amount": pick("amount"),
            "currency": if posted.is_some() || editing.is_some() { pick("currency") } else { ledger.clone() },
            "reference": pick("reference"),
            "description": pick("description"),
            "version": pick("version"),
        },
        "editing": editing.as_ref().map(|e| json!({
            "reference": e.reference,
            "action": format!("/projects/{p}/expenditures/{}", e.id),
            "cancel": format!("/projects/{p}/expenditures#expenditure-{}", e.id),
        })),
        "corrected": q.corrected.is_some(),
        "deleted": q.deleted.is_some(),
        "work_plans": format!("/projects/{}/work-plans", format::url_encode(code)),
    });
    let status = if errs.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, render("expenditures", &c.t("exp-title", &[("code", code.clone().into())]), Some(user), &data)))
}

/// `GET /projects/{project}/expenditures[?period=&from=&to=&line=&activity=&source=&currency=]`.
pub async fn expenditures(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<ExpenditureQuery>,
) -> Result<HttpResponse, WebError> {
    expenditures_page(&db, &user, &path.into_inner(), &query, None, &[]).await
}

/// Reads the expenditure form into the API's input; the errors of what could not be read.
fn expenditure_input(
    c: &Catalogue,
    form: &HashMap<String, String>,
) -> (Option<ExpenditureInput>, Vec<(String, String)>) {
    let mut errs = vec![];
    let line = text(form, "budget_line_id").and_then(|s| s.parse::<i64>().ok());
    if line.is_none() {
        errs.push(("budget_line_id".to_string(), c.tr("exp-choose-line")));
    }
    let spent_on = match text(form, "spent_on") {
        None => {
            errs.push(("spent_on".into(), c.tr("exp-enter-date")));
            None
        }
        s => date(c, s, "spent_on", &c.tr("exp-label-spent_on"), &mut errs),
    };
    let currency = text(form, "currency").unwrap_or_default().to_ascii_uppercase();
    let amount_minor = parse_amount_in(c, form.get("amount").map(String::as_str).unwrap_or(""), &currency)
        .map_err(|m| errs.push(("amount".into(), m)))
        .ok();
    let input = match (line, spent_on, amount_minor) {
        (Some(budget_line_id), Some(spent_on), Some(amount_minor)) if errs.is_empty() => Some(ExpenditureInput {
            budget_line_id,
            spent_on,
            amount_minor,
            currency,
            reference: form.get("reference").cloned().unwrap_or_default(),
            description: text(form, "description"),
            version: form.get("version").and_then(|v| v.trim().parse().ok()),
        }),
        _ => None,
    };
    (input, errs)
}

/// The API's field names onto the expenditure form's.
fn expenditure_field(f: &str) -> String {
    match f {
        "amount_minor" => "amount".into(),
        other => other.split(['.', '[']).next().unwrap_or_default().to_string(),
    }
}

/// What a confirmation page asks to delete.
pub struct Doomed {
    heading: String,
    what: String,
    detail: Option<String>,
    action: String,
    back: String,
    crumb: Value,
}

fn confirm_page(user: &WebUser, code: &str, d: &Doomed, error: Option<String>) -> HttpResponse {
    let status = if error.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
    let data = json!({
        "code": code,
        "heading": d.heading,
        "what": d.what,
        "detail": d.detail,
        "action": d.action,
        "back": d.back,
        "crumb": d.crumb,
        "csrf": user.csrf(),
        "error": error,
    });
    html(status, render("confirm_delete", &format!("{} – {code}", d.heading), Some(user), &data))
}

/// The expenditure of the page's project (another project's is not found here), for
/// someone who may delete it.
async fn doomed_expenditure(db: &Db, user: &WebUser, key: &str, id: i64) -> Result<(String, Doomed), WebError> {
    let c = i18n::catalogue(&user.lang);
    let (project, e) = uc::expenditure(db, &user.principal, id).await?;
    if project.code != key && project.id.to_string() != key {
        return Err(AppError::NotFound(format!("expenditure {id}")).into());
    }
    user.principal.require(project.id, crate::domain::access::Action::EditFinance)?;
    let p = format::url_encode(&project.code);
    let d = Doomed {
        heading: c.t("exp-delete-h", &[("reference", e.reference.clone().into())]),
        what: format!(
            "{} · {} · {} {} = {} {}",
            c.day(e.spent_on),
            e.reference,
            localised(&c, &amount(e.amount_minor, &e.currency)),
            e.currency,
            localised(&c, &amount(e.ledger_amount_minor, &e.ledger_currency)),
            e.ledger_currency
        ),
        detail: e.description.clone(),
        action: format!("/projects/{p}/expenditures/{id}/delete"),
        back: format!("/projects/{p}/expenditures#expenditure-{id}"),
        crumb: json!({"href": format!("/projects/{p}/expenditures"), "label": c.tr("exp-heading")}),
    };
    Ok((project.code, d))
}

// ---- receipts ----------------------------------------------------------------------------

const RECEIPT_LABELS: [(&str, &str); 5] = [
    ("funding_source_id", "Funding source"),
    ("received_on", "Date received"),
    ("amount", "Amount"),
    ("currency", "Currency"),
    ("reference", "Reference"),
];

#[derive(Deserialize, Default)]
pub struct ReceiptQuery {
    saved: Option<i64>,
    /// The receipt whose form is open (finance officers).
    edit: Option<i64>,
    corrected: Option<u8>,
    deleted: Option<u8>,
}

async fn receipts_page(
    db: &Db,
    user: &WebUser,
    key: &str,
    q: &ReceiptQuery,
    posted: Option<&HashMap<String, String>>,
    errs: &[(String, String)],
) -> Result<HttpResponse, WebError> {
    let c = i18n::catalogue(&user.lang);
    let view = uc::receipts(db, &user.principal, key).await?;
    let editing = match q.edit.filter(|_| view.may_edit) {
        Some(id) => Some(
            view.receipts
                .iter()
                .find(|r| r.id == id)
                .cloned()
                .ok_or_else(|| AppError::NotFound(format!("receipt {id}")))?,
        ),
        None => None,
    };
    let p = format::url_encode(&view.project.code);
    let saved = q.saved;
    let ledger = view.project.currency.clone();
    let codes: HashMap<i64, &str> = view.sources.iter().map(|s| (s.id, s.code.as_str())).collect();
    let total: i128 = view.receipts.iter().map(|r| i128::from(r.ledger_amount_minor)).sum();
    let rows: Vec<Value> = view
        .receipts
        .iter()
        .map(|r| {
            json!({
                "date": c.day(r.received_on),
                "source": codes.get(&r.funding_source_id).copied().unwrap_or("?"),
                "reference": r.reference,
                "original": format!("{} {}", localised(&c, &amount(r.amount_minor, &r.currency)), r.currency),
                "rate": rate_text(&r.exchange_rate).map(|x| localised(&c, &x)),
                "converted": localised(&c, &amount(r.ledger_amount_minor, &r.ledger_currency)),
                "saved": saved == Some(r.id),
                "id": r.id,
                "edit": view.may_edit.then(|| format!("/projects/{p}/receipts?edit={}#receipt-form", r.id)),
                "delete": view.may_edit.then(|| format!("/projects/{p}/receipts/{}/delete", r.id)),
            })
        })
        .collect();
    // The form shows what was posted, else the receipt being corrected, else nothing.
    let of_row = |name: &str| -> Option<String> {
        let r = editing.as_ref()?;
        Some(match name {
            "funding_source_id" => r.funding_source_id.to_string(),
            "received_on" => r.received_on.to_string(),
            "amount" => amount_input(&c, r.amount_minor, &r.currency),
            "currency" => r.currency.clone(),
            "reference" => r.reference.clone(),
            "version" => r.version.to_string(),
            _ => String::new(),
        })
    };
    let pick = |name: &str| match posted {
        Some(p) => p.get(name).cloned().unwrap_or_default(),
        None => of_row(name).unwrap_or_default(),
    };
    let source = pick("funding_source_id");
    let (field_errors, summary) = errors_json(&c, errs, &labels_in(&c, "rec-label", &RECEIPT_LABELS), "receipt-form");
    let data = json!({
        "code": view.project.code,
        "title": view.project.title,
        "ledger": ledger,
        "rows": rows,
        "total": localised(&c, &amount(total as i64, &ledger)),
        "may_edit": view.may_edit,
        "csrf": user.csrf(),
        "errors": summary,
        "field_errors": field_errors,
        "saved": saved.is_some(),
        "corrected": q.corrected.is_some(),
        "deleted": q.deleted.is_some(),
        "editing": editing.as_ref().map(|r| json!({
            "reference": r.reference,
            "action": format!("/projects/{p}/receipts/{}", r.id),
            "cancel": format!("/projects/{p}/receipts#receipt-{}", r.id),
        })),
        "form": {
            "sources": view.sources.iter().map(|s| json!({"value": s.id, "label": format!("{} {}", s.code, s.name), "selected": source == s.id.to_string()})).collect::<Vec<_>>(),
            "received_on": pick("received_on"),
            "amount": pick("amount"),
            "currency": if posted.is_some() || editing.is_some() { pick("currency") } else { ledger.clone() },
            "reference": pick("reference"),
            "version": pick("version"),
        },
    });
    let status = if errs.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(
        status,
        render("receipts", &c.t("rec-title", &[("code", view.project.code.clone().into())]), Some(user), &data),
    ))
}

/// `GET /projects/{project}/receipts`.
pub async fn receipts(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<ReceiptQuery>,
) -> Result<HttpResponse, WebError> {
    receipts_page(&db, &user, &path.into_inner(), &query, None, &[]).await
}

/// Reads the receipt form into the API's input; the errors of what could not be read.
fn receipt_input(c: &Catalogue, form: &HashMap<String, String>) -> (Option<ReceiptInput>, Vec<(String, String)>) {
    let mut errs = vec![];
    let source = text(form, "funding_source_id").and_then(|s| s.parse::<i64>().ok());
    if source.is_none() {
        errs.push(("funding_source_id".to_string(), c.tr("rec-choose-source")));
    }
    let received_on = match text(form, "received_on") {
        None => {
            errs.push(("received_on".into(), c.tr("rec-enter-date")));
            None
        }
        s => date(c, s, "received_on", &c.tr("rec-label-received_on"), &mut errs),
    };
    let currency = text(form, "currency").unwrap_or_default().to_ascii_uppercase();
    let amount_minor = parse_amount_in(c, form.get("amount").map(String::as_str).unwrap_or(""), &currency)
        .map_err(|m| errs.push(("amount".into(), m)))
        .ok();
    let input = match (source, received_on, amount_minor) {
        (Some(funding_source_id), Some(received_on), Some(amount_minor)) if errs.is_empty() => Some(ReceiptInput {
            funding_source_id,
            received_on,
            amount_minor,
            currency,
            reference: form.get("reference").cloned().unwrap_or_default(),
            version: form.get("version").and_then(|v| v.trim().parse().ok()),
        }),
        _ => None,
    };
    (input, errs)
}

/// The API's field names onto the receipt form's.
fn receipt_field(f: &str) -> String {
    match f {
        "amount_minor" => "amount".into(),
        other => other.to_string(),
    }
}

/// The receipt of the page's project, for someone who may delete it.
async fn doomed_receipt(db: &Db, user: &WebUser, key: &str, id: i64) -> Result<(String, Doomed), WebError> {
    let c = i18n::catalogue(&user.lang);
    let (project, r) = uc::receipt(db, &user.principal, id).await?;
    if project.code != key && project.id.to_string() != key {
        return Err(AppError::NotFound(format!("receipt {id}")).into());
    }
    user.principal.require(project.id, crate::domain::access::Action::EditFinance)?;
    let p = format::url_encode(&project.code);
    let d = Doomed {
        heading: c.t("rec-delete-h", &[("reference", r.reference.clone().into())]),
        what: format!(
            "{} · {} · {} {} = {} {}",
            c.day(r.received_on),
            r.reference,
            localised(&c, &amount(r.amount_minor, &r.currency)),
            r.currency,
            localised(&c, &amount(r.ledger_amount_minor, &r.ledger_currency)),
            r.ledger_currency
        ),
        detail: None,
        action: format!("/projects/{p}/receipts/{id}/delete"),
        back: format!("/projects/{p}/receipts#receipt-{id}"),
        crumb: json!({"href": format!("/projects/{p}/receipts"), "label": c.tr("rec-crumb")}),
    };
    Ok((project.code, d))
}

// ---- one shape for the two ledgers -------------------------------------------------------

/// A ledger finance officers keep on a project's pages (expenditures, receipts): the list
/// with the entry form (`GET /projects/{p}/<PATH>`), recording one (`POST .../<PATH>`),
/// correcting one (`POST .../<PATH>/{id}`) and deleting one after a confirmation page
/// (`GET`/`POST .../<PATH>/{id}/delete`). An implementation gives its form, its use cases and
/// its page; [`record`], [`correct`], [`confirm_delete`] and [`delete`] are the handlers, so
/// both ledgers check the form, save and come back with the form kept the same way.
pub trait Ledger: 'static {
    type Input;
    /// `/projects/{p}/<PATH>`.
    const PATH: &'static str;
    /// The page's anchor after a save.
    const SAVED_AT: &'static str;
    /// Reads the form into the use case's input; the errors of what could not be read.
    fn input(c: &Catalogue, form: &HashMap<String, String>) -> (Option<Self::Input>, Vec<(String, String)>);
    /// The API's field names onto the form's.
    fn field(api: &str) -> String;
    /// Records a new entry (a version posted with it is not the new entry's): its id.
    async fn add(db: &Db, who: &Principal, key: &str, input: Self::Input) -> Result<i64, AppError>;
    async fn update(db: &Db, who: &Principal, id: i64, input: Self::Input) -> Result<i64, AppError>;
    async fn delete(db: &Db, who: &Principal, id: i64) -> Result<(), AppError>;
    /// The entry of the page's project (another project's is not found here), for someone who
    /// may delete it: the project's code and what the confirmation shows.
    async fn doomed(db: &Db, user: &WebUser, key: &str, id: i64) -> Result<(String, Doomed), WebError>;
    /// The page, with the form of entry `edit` open (else the new entry's); after a refusal,
    /// the form as `posted` and the `errs` by their fields.
    async fn page(
        db: &Db,
        user: &WebUser,
        key: &str,
        edit: Option<i64>,
        posted: Option<&HashMap<String, String>>,
        errs: &[(String, String)],
    ) -> Result<HttpResponse, WebError>;
}

/// Records (`id` none) or corrects an entry; a refusal comes back on the form, filled as sent.
async fn save<L: Ledger>(
    db: &Db,
    user: &WebUser,
    req: &HttpRequest,
    key: &str,
    id: Option<i64>,
    form: &HashMap<String, String>,
) -> Result<HttpResponse, WebError> {
    user.check_form(req, form.get("csrf").map(String::as_str))?;
    let c = i18n::catalogue(&user.lang);
    let (input, mut errs) = L::input(&c, form);
    if let Some(input) = input {
        let saved = match id {
            None => L::add(db, &user.principal, key, input).await,
            Some(id) => L::update(db, &user.principal, id, input).await,
        };
        match saved {
            Ok(saved) => {
                let corrected = if id.is_some() { "&corrected=1" } else { "" };
                return Ok(see_other(&format!(
                    "/projects/{}/{}?saved={saved}{corrected}#{}",
                    format::url_encode(key),
                    L::PATH,
                    L::SAVED_AT
                )));
            }
            Err(e) => errs = refusal(&c, e, &L::field)?,
        }
    }
    L::page(db, user, key, id, Some(form), &errs).await
}

/// `POST /projects/{project}/<PATH>`: records an entry; the page then shows its rate.
pub async fn record<L: Ledger>(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    path: web::Path<String>,
    form: FormData,
) -> Result<HttpResponse, WebError> {
    save::<L>(&db, &user, &req, &path.into_inner(), None, &form).await
}

/// `POST /projects/{project}/<PATH>/{id}`: corrects an entry (converted again at the month's
/// rate).
pub async fn correct<L: Ledger>(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    form: FormData,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    save::<L>(&db, &user, &req, &key, Some(id), &form).await
}

/// `GET /projects/{project}/<PATH>/{id}/delete`: asks before deleting (no JavaScript).
pub async fn confirm_delete<L: Ledger>(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    let (code, d) = L::doomed(&db, &user, &key, id).await?;
    Ok(confirm_page(&user, &code, &d, None))
}

/// `POST /projects/{project}/<PATH>/{id}/delete`: a refusal (409) comes back on the confirmation.
pub async fn delete<L: Ledger>(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    form: FormData,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    let (code, d) = L::doomed(&db, &user, &key, id).await?;
    match L::delete(&db, &user.principal, id).await {
        Ok(()) => Ok(see_other(&format!("/projects/{}/{}?deleted=1", format::url_encode(&code), L::PATH))),
        Err(AppError::Conflict { message, .. }) => Ok(confirm_page(&user, &code, &d, Some(message))),
        Err(e) => Err(e.into()),
    }
}

/// The expenditures: `/projects/{p}/expenditures[/{id}[/delete]]`.
pub struct Expenditures;

impl Ledger for Expenditures {
    type Input = ExpenditureInput;
    const PATH: &'static str = "expenditures";
    const SAVED_AT: &'static str = "saved";

    fn input(c: &Catalogue, form: &HashMap<String, String>) -> (Option<ExpenditureInput>, Vec<(String, String)>) {
        expenditure_input(c, form)
    }
    fn field(api: &str) -> String {
        expenditure_field(api)
    }
    async fn add(db: &Db, who: &Principal, key: &str, input: ExpenditureInput) -> Result<i64, AppError> {
        uc::add_expenditure(db, who, key, ExpenditureInput { version: None, ..input }).await.map(|e| e.id)
    }
    async fn update(db: &Db, who: &Principal, id: i64, input: ExpenditureInput) -> Result<i64, AppError> {
        uc::update_expenditure(db, who, id, input).await.map(|e| e.id)
    }
    async fn delete(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
        uc::delete_expenditure(db, who, id).await
    }
    async fn doomed(db: &Db, user: &WebUser, key: &str, id: i64) -> Result<(String, Doomed), WebError> {
        doomed_expenditure(db, user, key, id).await
    }
    async fn page(
        db: &Db,
        user: &WebUser,
        key: &str,
        edit: Option<i64>,
        posted: Option<&HashMap<String, String>>,
        errs: &[(String, String)],
    ) -> Result<HttpResponse, WebError> {
        expenditures_page(db, user, key, &ExpenditureQuery { edit, ..Default::default() }, posted, errs).await
    }
}

/// The receipts: `/projects/{p}/receipts[/{id}[/delete]]`.
pub struct Receipts;

impl Ledger for Receipts {
    type Input = ReceiptInput;
    const PATH: &'static str = "receipts";
    const SAVED_AT: &'static str = "receipt-table";

    fn input(c: &Catalogue, form: &HashMap<String, String>) -> (Option<ReceiptInput>, Vec<(String, String)>) {
        receipt_input(c, form)
    }
    fn field(api: &str) -> String {
        receipt_field(api)
    }
    async fn add(db: &Db, who: &Principal, key: &str, input: ReceiptInput) -> Result<i64, AppError> {
        uc::add_receipt(db, who, key, ReceiptInput { version: None, ..input }).await.map(|r| r.id)
    }
    async fn update(db: &Db, who: &Principal, id: i64, input: ReceiptInput) -> Result<i64, AppError> {
        uc::update_receipt(db, who, id, input).await.map(|r| r.id)
    }
    async fn delete(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
        uc::delete_receipt(db, who, id).await
    }
    async fn doomed(db: &Db, user: &WebUser, key: &str, id: i64) -> Result<(String, Doomed), WebError> {
        doomed_receipt(db, user, key, id).await
    }
    async fn page(
        db: &Db,
        user: &WebUser,
        key: &str,
        edit: Option<i64>,
        posted: Option<&HashMap<String, String>>,
        errs: &[(String, String)],
    ) -> Result<HttpResponse, WebError> {
        receipts_page(db, user, key, &ReceiptQuery { edit, ..Default::default() }, posted, errs).await
    }
}

// ---- exchange rates ----------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct RateQuery {
    currency: Option<String>,
    edit: Option<i64>,
    saved: Option<i64>,
}

const RATE_LABELS: [(&str, &str); 5] = [
    ("base_currency", "Base currency"),
    ("quote_currency", "Quote currency"),
    ("month", "Month"),
    ("rate", "Rate"),
    ("source", "Source"),
];

async fn rates_page(
    db: &Db,
    user: &WebUser,
    q: &RateQuery,
    failed: Option<(Option<i64>, &HashMap<String, String>)>,
    errs: &[(String, String)],
) -> Result<HttpResponse, WebError> {
    let c = i18n::catalogue(&user.lang);
    let filter = RateFilter { currency: opt(&q.currency).map(|c| c.to_ascii_uppercase()), from: None, to: None };
    let uc::RatesView { rates, used_by, may_edit } = uc::rates(db, &user.principal, filter).await?;
    let edit = match failed {
        Some((Some(id), _)) => Some(id),
        Some((None, _)) => None,
        None => q.edit.filter(|_| may_edit),
    };
    let (field_errors, summary) = errors_json(&c, errs, &labels_in(&c, "rates-label", &RATE_LABELS), "rate-form");
    let value = |r: &ExchangeRate, name: &str| -> String {
        match failed {
            Some((Some(id), p)) if id == r.id => p.get(name).cloned().unwrap_or_default(),
            _ => match name {
                "rate" => r.rate.replace('.', &c.locale.decimal),
                "source" => r.source.clone().unwrap_or_default(),
                _ => String::new(),
            },
        }
    };
    let rows: Vec<Value> = rates
        .iter()
        .map(|r| {
            let editing = edit == Some(r.id);
            json!({
                "id": r.id,
                "pair": format!("{}/{}", r.base_currency, r.quote_currency),
                "base": r.base_currency,
                "quote": r.quote_currency,
                "month": r.month,
                "rate": r.rate.replace('.', &c.locale.decimal),
                "source": r.source,
                "version": r.version,
                "editing": editing,
                "rate_value": value(r, "rate"),
                "source_value": value(r, "source"),
                "edit": (may_edit && !editing).then(|| format!("/exchange-rates?edit={}#rate-{}", r.id, r.id)),
                "saved": q.saved == Some(r.id),
                "used_by": used_by.get(&r.id).map(|all| all.iter().map(|u| json!({
                    "label": format!("{} {} {}", u.project_code, u.template, u.period),
                    "href": format!("/projects/{}/reports", format::url_encode(&u.project_code)),
                    "state": c.tr(if u.issued { "rates-issued" } else if u.draft { "rates-draft" } else { "rates-stored" }),
                    "through": u.through.join(", "),
                })).collect::<Vec<_>>()).unwrap_or_default(),
            })
        })
        .collect();
    let posted_new = match failed {
        Some((None, p)) => Some(p),
        _ => None,
    };
    let pick = |name: &str, default: &str| {
        posted_new.map(|p| p.get(name).cloned().unwrap_or_default()).unwrap_or_else(|| default.to_string())
    };
    let data = json!({
        "rows": rows,
        "may_edit": may_edit,
        "csrf": user.csrf(),
        "currency": q.currency.clone().unwrap_or_default(),
        "errors": summary,
        "field_errors": if posted_new.is_some() { field_errors.clone() } else { errors_json(&c, &[], &labels_in(&c, "rates-label", &RATE_LABELS), "").0 },
        "row_errors": if edit.is_some() && failed.is_some() { field_errors } else { errors_json(&c, &[], &labels_in(&c, "rates-label", &RATE_LABELS), "").0 },
        "form": {
            "base_currency": pick("base_currency", "USD"),
            "quote_currency": pick("quote_currency", ""),
            "month": pick("month", ""),
            "rate": pick("rate", ""),
            "source": pick("source", "UN operational rate"),
        },
    });
    let status = if errs.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, render("rates", &c.tr("rates-heading"), Some(user), &data)))
}

/// `GET /exchange-rates[?currency=KZT][&edit=id]`: the monthly rates of every pair.
pub async fn rates(db: web::Data<Db>, user: WebUser, query: web::Query<RateQuery>) -> Result<HttpResponse, WebError> {
    rates_page(&db, &user, &query, None, &[]).await
}

/// The form's rate, typed with the decimal separator of the page's language (`150,65`), as the
/// API reads it (`150.65`).
fn rate_input(user: &WebUser, form: &HashMap<String, String>) -> ExchangeRateInput {
    let c = i18n::catalogue(&user.lang);
    let rate = text(form, "rate").unwrap_or_default();
    let rate = if c.locale.decimal == "," { typed_amount(&c, &rate) } else { rate };
    ExchangeRateInput {
        base_currency: text(form, "base_currency").unwrap_or_default().to_ascii_uppercase(),
        quote_currency: text(form, "quote_currency").unwrap_or_default().to_ascii_uppercase(),
        month: text(form, "month").unwrap_or_default(),
        rate,
        source: text(form, "source"),
        version: form.get("version").and_then(|v| v.trim().parse().ok()),
    }
}

/// `POST /exchange-rates`: enters a month's rate (finance officers, administrators).
pub async fn add_rate(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    form: FormData,
) -> Result<HttpResponse, WebError> {
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    match uc::add_rate(&db, &user.principal, rate_input(&user, &form)).await {
        Ok(r) => Ok(see_other(&format!("/exchange-rates?saved={}#rate-{}", r.id, r.id))),
        Err(e) => {
            let errs = refusal(&i18n::catalogue(&user.lang), e, &|f| f.to_string())?;
            rates_page(&db, &user, &RateQuery::default(), Some((None, &form)), &errs).await
        }
    }
}

/// `POST /exchange-rates/{id}`: corrects a rate; figures already converted keep theirs.
pub async fn update_rate(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    path: web::Path<i64>,
    form: FormData,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    match uc::update_rate(&db, &user.principal, id, rate_input(&user, &form)).await {
        Ok(r) => Ok(see_other(&format!("/exchange-rates?saved={}#rate-{}", r.id, r.id))),
        Err(e) => {
            let errs = refusal(&i18n::catalogue(&user.lang), e, &|f| f.to_string())?;
            rates_page(&db, &user, &RateQuery::default(), Some((Some(id), &form)), &errs).await
        }
    }
}
