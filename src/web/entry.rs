//! Quarterly progress entry: every indicator of a project for one quarter, with its targets,
//! last value and the inputs for the actual; save as draft, or save and submit the quarter.
//! A rule broken comes back next to its field with everything typed still there.

use super::i18n::{self, Catalogue};
use super::{WebError, WebUser, format, html, render, see_other};
use crate::db::Db;
use crate::domain::FieldError;
use crate::domain::indicators::Measure;
use crate::domain::progress::{ActualStatus, Disaggregation, editable};
use crate::error::AppError;
use crate::services::progress::{self as uc, EntryInput, QuarterSheet, SheetLine};
use crate::services::quarter::{self as report, QuarterReport, QuarterTexts};
use crate::store::progress::{Actual, ActualInput};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

#[derive(Deserialize)]
pub struct QuarterQuery {
    quarter: Option<String>,
}

/// `GET /projects/{project}/progress[?quarter=]`: on to a quarter's page (today's by default).
pub async fn current(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<QuarterQuery>,
) -> Result<HttpResponse, WebError> {
    let (p, q) = crate::services::dashboard::project(&db, &user.principal, &path.into_inner()).await?;
    let q = query.quarter.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| q.to_string());
    Ok(see_other(&format!("/projects/{}/progress/{}", format::url_encode(&p.code), format::url_encode(&q))))
}

#[derive(Deserialize)]
pub struct DoneQuery {
    saved: Option<usize>,
    submitted: Option<usize>,
}

/// `GET /projects/{project}/progress/{quarter}`.
pub async fn page(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, String)>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, WebError> {
    let (key, quarter) = path.into_inner();
    let sheet = uc::quarter_sheet(&db, &user.principal, &key, &quarter).await?;
    let texts = report::quarter_texts(&db, &user.principal, &key, &quarter).await?;
    let c = i18n::catalogue(&user.lang);
    let notice = match (query.saved, query.submitted) {
        (_, Some(n)) => Some(c.t("entry-submitted", &[("n", (n as f64).into())])),
        (Some(n), None) => Some(c.t("entry-saved", &[("n", (n as f64).into())])),
        _ => None,
    };
    let values = HashMap::new();
    let body = view(&user, &sheet, &texts, &values, &[], notice);
    Ok(html(StatusCode::OK, render("entry", &title(&c, &sheet, false), Some(&user), &body)))
}

fn title(c: &Catalogue, sheet: &QuarterSheet, error: bool) -> String {
    let t = c.t(
        "entry-title",
        &[("quarter", sheet.quarter.to_string().into()), ("code", sheet.project.code.clone().into())],
    );
    if error { format!("{}: {t}", c.tr("error")) } else { t }
}

/// `POST /projects/{project}/progress/{quarter}`: save as draft (`intent=save`) or save and
/// submit the quarter (`intent=submit`).
pub async fn save(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let form: HashMap<String, String> = form.into_inner().into_iter().collect();
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    let (key, quarter) = path.into_inner();
    let sheet = uc::quarter_sheet(&db, &user.principal, &key, &quarter).await?;
    if !sheet.may_edit {
        return Err(AppError::Forbidden("only the project's coordinators enter progress".into()).into());
    }
    let texts = report::quarter_texts(&db, &user.principal, &key, &quarter).await?;
    let c = i18n::catalogue(&user.lang);
    let submit = form.get("intent").is_some_and(|i| i == "submit");
    let (entries, mut parse_errors) = read_entries(&c, &sheet, &form);
    let (activities, narrative, risk_updates) = super::quarter::read(&c, &texts, &form, &mut parse_errors);
    let errors = if parse_errors.is_empty() {
        let all = QuarterReport { entries, activities, narrative, risk_updates };
        match report::save(&db, &user.principal, &key, &quarter, all, submit).await {
            Ok(done) => {
                let base = format!("/projects/{}/progress/{}", format::url_encode(&sheet.project.code), sheet.quarter);
                let to = match done.submission {
                    Some(s) => format!("{base}?submitted={}", s.submitted.len()),
                    None => format!("{base}?saved={}", done.saved),
                };
                return Ok(see_other(&to));
            }
            Err(AppError::Validation(errs)) => errs,
            Err(e) => return Err(e.into()),
        }
    } else {
        parse_errors
    };
    let body = view(&user, &sheet, &texts, &form, &errors, None);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, render("entry", &title(&c, &sheet, true), Some(&user), &body)))
}

fn field(form: &HashMap<String, String>, name: &str) -> Option<String> {
    form.get(name).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A number as typed: grouped with spaces, and with a decimal comma where the language
/// writes one (Russian `12,5`).
pub fn parse_number(c: &Catalogue, s: &str) -> Option<f64> {
    let mut s = s.replace([' ', '\u{a0}', '\u{202f}'], "");
    if c.locale.decimal == "," {
        s = s.replace(',', ".");
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn number(
    c: &Catalogue,
    form: &HashMap<String, String>,
    name: &str,
    id: i64,
    path: &str,
    errs: &mut Vec<FieldError>,
) -> Option<f64> {
    let s = field(form, name)?;
    match parse_number(c, &s) {
        Some(v) => Some(v),
        None => {
            errs.push(FieldError::new(format!("indicators.{id}.{path}"), c.tr("enter-a-number")));
            None
        }
    }
}

/// Reads each editable indicator's inputs into an entry (skipping untouched new ones).
fn read_entries(
    c: &Catalogue,
    sheet: &QuarterSheet,
    form: &HashMap<String, String>,
) -> (Vec<EntryInput>, Vec<FieldError>) {
    let mut entries = vec![];
    let mut errs = vec![];
    for line in &sheet.lines {
        if !line_editable(line) {
            continue;
        }
        let id = line.indicator.id;
        let measure = line.indicator.measure;
        let mut disaggregations = Disaggregation::new();
        for (di, dim) in line.indicator.disaggregations.iter().enumerate() {
            for (ci, cat) in dim.values.iter().enumerate() {
                let path = format!("disaggregations.{}.{cat}", dim.name);
                if let Some(v) = number(c, form, &format!("d_{id}_{di}_{ci}"), id, &path, &mut errs) {
                    disaggregations.entry(dim.name.clone()).or_default().insert(cat.clone(), v);
                }
            }
        }
        let mut input = ActualInput {
            period: sheet.quarter.to_string(),
            value: None,
            numerator: None,
            denominator: None,
            text: None,
            disaggregations,
            comment: field(form, &format!("c_{id}")),
            evidence_url: field(form, &format!("e_{id}")),
            version: form.get(&format!("ver_{id}")).and_then(|v| v.parse().ok()),
        };
        match measure {
            Measure::Number | Measure::YesNo => {
                input.value = number(c, form, &format!("v_{id}"), id, "value", &mut errs)
            }
            Measure::Percentage => {
                input.numerator = number(c, form, &format!("n_{id}"), id, "numerator", &mut errs);
                input.denominator = number(c, form, &format!("dn_{id}"), id, "denominator", &mut errs);
            }
            Measure::Qualitative => input.text = field(form, &format!("t_{id}")),
        }
        let touched = input.value.is_some()
            || input.numerator.is_some()
            || input.denominator.is_some()
            || input.text.is_some()
            || !input.disaggregations.is_empty()
            || input.comment.is_some()
            || input.evidence_url.is_some();
        if line.actual.is_some() || touched {
            entries.push(EntryInput { indicator_id: id, actual_id: line.actual.as_ref().map(|a| a.id), input });
        }
    }
    (entries, errs)
}

fn line_editable(line: &SheetLine) -> bool {
    line.actual.as_ref().is_none_or(|a| Some(a.status).is_some_and(editable))
}

/// An actual as the page's language writes it (also the approval queue's).
pub fn shown(c: &Catalogue, a: &Actual, measure: Measure) -> String {
    let num = |v: f64| i18n::number(&c.locale, v);
    match measure {
        Measure::Number => a.value.map(num).unwrap_or_else(|| "–".into()),
        Measure::YesNo => match a.value {
            Some(v) if v >= 1.0 => c.tr("yes"),
            Some(_) => c.tr("no"),
            None => "–".into(),
        },
        Measure::Percentage => match (a.numerator, a.denominator) {
            (Some(n), Some(d)) if d > 0.0 => c.t(
                "percent-of",
                &[("percent", num(n / d * 100.0).into()), ("numerator", num(n).into()), ("denominator", num(d).into())],
            ),
            _ => "–".into(),
        },
        Measure::Qualitative => a.text.clone().unwrap_or_else(|| "–".into()),
    }
}

/// Builds the page's data: from the stored actuals, or from the posted form after an error.
fn view(
    user: &WebUser,
    sheet: &QuarterSheet,
    texts: &QuarterTexts,
    posted: &HashMap<String, String>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Value {
    let c = i18n::catalogue(&user.lang);
    let num = |v: f64| i18n::number(&c.locale, v);
    // A stored value typed back into its input: ungrouped, with the language's decimal separator.
    let raw = |v: f64| format::raw(v).replace('.', &c.locale.decimal);
    let from_form = !posted.is_empty();
    let mut summary = vec![];
    let lines: Vec<Value> = sheet
        .lines
        .iter()
        .map(|line| {
            let ind = &line.indicator;
            let id = ind.id;
            let measure = ind.measure;
            let prefix = format!("indicators.{id}");
            let mine: Vec<(String, String)> = errors
                .iter()
                .filter_map(|e| {
                    let rest = e.field.strip_prefix(&prefix)?;
                    Some((rest.trim_start_matches('.').to_string(), super::rules::said(&c, &e.message)))
                })
                .collect();
            let err = |f: &str| -> Option<String> {
                let m: Vec<&str> = mine.iter().filter(|(k, _)| k == f).map(|(_, m)| m.as_str()).collect();
                (!m.is_empty()).then(|| m.join("; "))
            };
            for (f, m) in &mine {
                let anchor = match f.as_str() {
                    "value" => format!("v-{id}"),
                    "numerator" => format!("n-{id}"),
                    "denominator" => format!("dn-{id}"),
                    "text" => format!("t-{id}"),
                    "comment" => format!("c-{id}"),
                    "evidence_url" => format!("e-{id}"),
                    f if f.starts_with("disaggregations") => {
                        let dim = f.split('.').nth(1).unwrap_or_default();
                        let di = ind.disaggregations.iter().position(|d| d.name == dim).unwrap_or(0);
                        format!("d-{id}-{di}-0")
                    }
                    _ => format!("ind-{id}"),
                };
                summary.push(json!({"href": format!("#{anchor}"), "message": format!("{}: {m}", ind.code)}));
            }
            let status = line.actual.as_ref().map(|a| a.status);
            let editable_now = sheet.may_edit && line_editable(line);
            // What the inputs show: what was posted, else what is stored.
            let stored = line.actual.as_ref();
            let value_of = |name: String, from_actual: Option<String>| -> String {
                if from_form { posted.get(&name).cloned().unwrap_or_default() } else { from_actual.unwrap_or_default() }
            };
            let v = value_of(format!("v_{id}"), stored.and_then(|a| a.value).map(raw));
            let dims: Vec<Value> = ind
                .disaggregations
                .iter()
                .enumerate()
                .map(|(di, dim)| {
                    let derr: Vec<String> = mine
                        .iter()
                        .filter(|(k, _)| k == &format!("disaggregations.{}", dim.name) || k.starts_with(&format!("disaggregations.{}.", dim.name)))
                        .map(|(_, m)| m.clone())
                        .collect();
                    let inputs: Vec<Value> = dim
                        .values
                        .iter()
                        .enumerate()
                        .map(|(ci, cat)| {
                            let stored_v = stored.and_then(|a| a.disaggregations.get(&dim.name)?.get(cat).copied());
                            json!({
                                "id": format!("d-{id}-{di}-{ci}"),
                                "name": format!("d_{id}_{di}_{ci}"),
                                "label": cat,
                                "value": value_of(format!("d_{id}_{di}_{ci}"), stored_v.map(raw)),
                                "shown": stored_v.map(num).unwrap_or_else(|| "–".into()),
                            })
                        })
                        .collect();
                    json!({
                        "id": format!("d-{id}-{di}"),
                        "name": dim.name,
                        "error": (!derr.is_empty()).then(|| derr.join("; ")),
                        "inputs": inputs,
                        "total_for": format!("v-{id}"),
                    })
                })
                .collect();
            let mut targets = vec![];
            for (label, t, lop) in [
                (sheet.quarter.to_string(), &line.targets.quarter, false),
                (sheet.quarter.year.to_string(), &line.targets.year, false),
                (c.tr("life-of-project"), &line.targets.lop, true),
            ] {
                if let Some(t) = t {
                    let text = match (t.value, &t.description) {
                        (Some(v), _) if measure == Measure::YesNo => if v >= 1.0 { c.tr("yes") } else { c.tr("no") },
                        (Some(v), _) => num(v),
                        (None, Some(d)) => d.clone(),
                        (None, None) => "–".into(),
                    };
                    targets.push(json!({"label": label, "value": text, "lop": lop}));
                }
            }
            let general: Vec<String> =
                mine.iter().filter(|(k, _)| !matches!(k.as_str(), "value" | "numerator" | "denominator" | "text" | "comment" | "evidence_url") && !k.starts_with("disaggregations")).map(|(_, m)| m.clone()).collect();
            let mut view = json!({
                "id": id,
                "anchor": format!("ind-{id}"),
                "code": ind.code,
                "title": ind.title,
                "unit": ind.unit,
                "result": format!("{} {}", line.result_code, line.result_title),
                "measure": c.tr(&format!("unit-measure-{}", measure.as_str())),
                "is_number": measure == Measure::Number,
                "is_percentage": measure == Measure::Percentage,
                "is_yes_no": measure == Measure::YesNo,
                "is_text": measure == Measure::Qualitative,
                "baseline": ind.baseline_value.map(|b| format!("{}{}", num(b), ind.baseline_year.map(|y| format!(" ({y})")).unwrap_or_default())),
                "targets": targets,
                "last": line.last.as_ref().map(|a| c.t("last-in", &[("value", shown(&c, a, measure).into()), ("period", a.period.clone().into()), ("status", c.tr(&format!("actual-{}", a.status)).to_lowercase().into())])),
                "status": status.map(|s| c.tr(&format!("actual-{}", s.as_str()))).unwrap_or_else(|| c.tr("not-entered")),
                "status_class": status.map(|s| s.as_str()).unwrap_or("none"),
                "returned_reason": line.actual.as_ref().filter(|a| a.status == ActualStatus::Returned).and_then(|a| a.status_reason.clone()),
                "editable": editable_now,
                "shown": stored.map(|a| shown(&c, a, measure)).unwrap_or_else(|| "–".into()),
                "shown_comment": stored.and_then(|a| a.comment.clone()),
                "shown_evidence": stored.and_then(|a| a.evidence_url.clone()),
                "actual_id": stored.map(|a| a.id),
                "version": if from_form { posted.get(&format!("ver_{id}")).cloned() } else { stored.map(|a| a.version.to_string()) },
                "value": v,
                "yes": v == "1",
                "no": v == "0",
                "numerator": value_of(format!("n_{id}"), stored.and_then(|a| a.numerator).map(raw)),
                "denominator": value_of(format!("dn_{id}"), stored.and_then(|a| a.denominator).map(raw)),
                "text": value_of(format!("t_{id}"), stored.and_then(|a| a.text.clone())),
                "comment": value_of(format!("c_{id}"), stored.and_then(|a| a.comment.clone())),
                "evidence": value_of(format!("e_{id}"), stored.and_then(|a| a.evidence_url.clone())),
                "dims": dims,
                "has_dims": !ind.disaggregations.is_empty(),
                "value_error": err("value"),
                "numerator_error": err("numerator"),
                "denominator_error": err("denominator"),
                "text_error": err("text"),
                "comment_error": err("comment"),
                "evidence_error": err("evidence_url"),
                "general_error": (!general.is_empty()).then(|| general.join("; ")),
                "has_error": !mine.is_empty(),
            });
            // A draft with a reason was reopened by the manager (approved, then unlocked).
            view["reopened_reason"] =
                json!(line.actual.as_ref().filter(|a| a.status == ActualStatus::Draft).and_then(|a| a.status_reason.clone()));
            view["evidence_link"] = json!(format::safe_link(stored.and_then(|a| a.evidence_url.as_deref())));
            view
        })
        .collect();
    // The activities, the narrative and the risk updates.
    let (more, mut more_summary) = super::quarter::view(&c, texts, posted, errors, sheet.may_edit);
    summary.append(&mut more_summary);
    // Errors not tied to an indicator or a part (the quarter itself).
    for e in errors.iter().filter(|e| !e.field.starts_with("indicators.") && !super::quarter::is_mine(&e.field)) {
        summary.push(json!({"href": "#entry-form", "message": super::rules::said(&c, &e.message)}));
    }
    let quarters: Vec<Value> =
        sheet.quarters.iter().rev().map(|q| json!({"value": q.to_string(), "selected": *q == sheet.quarter})).collect();
    let editable_lines = sheet.may_edit && sheet.lines.iter().any(line_editable);
    json!({
        "code": sheet.project.code,
        "title": sheet.project.title,
        "quarter": sheet.quarter.to_string(),
        "quarters": quarters,
        "lines": lines,
        "errors": summary,
        "notice": notice,
        "may_save": sheet.may_edit,
        "may_submit": editable_lines,
        "more": more,
        "read_only": !sheet.may_edit,
        "csrf": user.csrf(),
    })
}
