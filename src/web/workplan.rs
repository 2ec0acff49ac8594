//! The work plan and budget page (`/projects/{code}/work-plans/{year}`): the AWP of a year as
//! the UNDP table (output, activity, Q1-Q4 marks, responsible party, funding source, budget
//! account, description, amount, quarterly phasing) with totals per activity, output, funding
//! source and plan, and each activity's delivery (expenditure against budget) of the year.
//!
//! A finance officer edits a draft in place: a row becomes a form whose inputs sit in the
//! cells (`form=` attributes, so the table stays a table); Enter saves, Tab moves on, Escape
//! cancels (`app.js`); without JavaScript the same is a plain form post. A manager records the
//! Board's approval; an approved plan is read-only and changes through a revision, shown
//! beside the revision before it with the differences marked.

use super::i18n::{self, Catalogue};
use super::{WebError, WebUser, format, html, render, see_other};
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::budget::WorkPlanStatus;
use crate::domain::money::{format_minor, minor_unit_exponent};
use crate::domain::results::ResultLevel;
use crate::error::AppError;
use crate::services::workplan::{self as uc, PlanView};
use crate::store::finance::FinanceRow;
use crate::store::workplans::{ActivityInput, ApproveInput, BudgetLine, BudgetLineInput, RevisionInput, WorkPlanInput};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use fluent_bundle::FluentValue;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Decimals of a currency's minor unit (2 when unknown).
pub(super) fn exponent(currency: &str) -> u32 {
    u32::from(minor_unit_exponent(currency).unwrap_or(2))
}

/// An amount as people read it: `23,500.00`.
pub(super) fn amount(minor: i64, currency: &str) -> String {
    format_minor(minor, exponent(currency))
}

/// An amount as typed back into an input: `23500.00` (no grouping; `23500,00` in Russian).
pub(super) fn amount_input(c: &Catalogue, minor: i64, currency: &str) -> String {
    format_minor(minor, exponent(currency)).replace(',', "").replace('.', &c.locale.decimal)
}

/// Why a typed amount cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum AmountProblem {
    Missing,
    Negative,
    Malformed,
    TooManyDecimals(u32),
    TooLarge(String),
}

impl AmountProblem {
    /// The message in the page's language (`awp-amount-*` keys).
    pub(super) fn message(&self, c: &Catalogue, currency: &str) -> String {
        let cur = || ("currency", FluentValue::from(currency.to_string()));
        match self {
            AmountProblem::Missing => c.t("awp-amount-missing", &[cur()]),
            AmountProblem::Negative => c.tr("awp-amount-negative"),
            AmountProblem::Malformed => c.t("awp-amount-bad", &[cur()]),
            AmountProblem::TooManyDecimals(d) => {
                c.t("awp-amount-decimals", &[cur(), ("decimals", FluentValue::from(d.to_string()))])
            }
            AmountProblem::TooLarge(p) => c.t("awp-amount-too-large", &[("problem", FluentValue::from(p.clone()))]),
        }
    }
}

/// Reads an amount typed as people write it in English (`10 000`, `10,000.50`, `10000`) into
/// minor units of the currency.
fn read_amount(s: &str, currency: &str) -> Result<i64, AmountProblem> {
    let exp = exponent(currency);
    let clean: String = s.chars().filter(|c| !c.is_whitespace() && *c != ',' && *c != '\u{a0}').collect();
    if clean.is_empty() {
        return Err(AmountProblem::Missing);
    }
    if clean.starts_with('-') {
        return Err(AmountProblem::Negative);
    }
    let (int, frac) = clean.split_once('.').unwrap_or((&clean, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(AmountProblem::Malformed);
    }
    if frac.len() > exp as usize {
        return Err(AmountProblem::TooManyDecimals(exp));
    }
    let major: i128 = if int.is_empty() { 0 } else { int.parse().map_err(|_| AmountProblem::Malformed)? };
    let mut minor_part: i128 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| AmountProblem::Malformed)? };
    minor_part *= 10i128.pow(exp - frac.len() as u32);
    let total =
        major.checked_mul(10i128.pow(exp)).and_then(|m| m.checked_add(minor_part)).ok_or(AmountProblem::Malformed)?;
    if let Some(p) = crate::domain::money::amount_problem(total) {
        return Err(AmountProblem::TooLarge(p.to_string()));
    }
    Ok(total as i64)
}

/// Reads an amount typed in the page's language (`1 234,50` in Russian, `1,234.50` in
/// English); the message is in that language.
pub(super) fn parse_amount_in(c: &Catalogue, s: &str, currency: &str) -> Result<i64, String> {
    read_amount(&typed_amount(c, s), currency).map_err(|p| p.message(c, currency))
}

/// An amount typed in a language with a decimal comma (`10 000,50`) as [`read_amount`] reads
/// it (`10000.50`). Without a comma the text is left alone, so `1234.50` is not read as
/// `123450`.
pub(super) fn typed_amount(c: &Catalogue, s: &str) -> String {
    if c.locale.decimal == "," && s.contains(',') {
        s.chars().filter(|ch| !ch.is_whitespace() && *ch != '.').map(|ch| if ch == ',' { '.' } else { ch }).collect()
    } else {
        s.to_string()
    }
}

/// An amount as the page's language writes it (`1 234,56` in Russian).
pub(super) fn localised(c: &Catalogue, english: &str) -> String {
    english
        .chars()
        .map(|ch| match ch {
            ',' => c.locale.group.clone(),
            '.' => c.locale.decimal.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn base(code: &str, year: i32) -> String {
    format!("/projects/{}/work-plans/{year}", format::url_encode(code))
}

/// A plan's status word in the page's language (an unknown status as it is).
fn status_label(c: &Catalogue, s: &str) -> String {
    let key = format!("awp-status-{s}");
    let w = c.tr(&key);
    if w == key { s.to_string() } else { w }
}

/// An argument of a catalogue message.
fn arg(name: &'static str, v: impl ToString) -> (&'static str, FluentValue<'static>) {
    (name, FluentValue::from(v.to_string()))
}

/// What a failed save of a line brings back: the row (`add-{activity}` / `line-{id}`), the
/// values typed and the messages by field.
struct Failed {
    row: String,
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

/// The line form's fields (their labels: `awp-field-<name>`).
const LINE_FIELDS: [&str; 8] = ["funding_source_id", "account_code", "description", "amount", "q1", "q2", "q3", "q4"];

/// A line field's label in the page's language; none for what is not a field of the form.
fn field_label(c: &Catalogue, name: &str) -> Option<String> {
    LINE_FIELDS.contains(&name).then(|| c.tr(&format!("awp-field-{name}")))
}

fn error_for(errors: &[(String, String)], name: &str) -> Option<String> {
    let m: Vec<&str> = errors.iter().filter(|(f, _)| f == name).map(|(_, m)| m.as_str()).collect();
    (!m.is_empty()).then(|| m.join("; "))
}

/// The input cells of a line's row in form mode. `form`: the form the inputs belong to.
fn line_form_cells(
    c: &Catalogue,
    view: &PlanView,
    form: &str,
    values: &HashMap<String, String>,
    errors: &[(String, String)],
    focus: bool,
) -> Value {
    let cell = |name: &str| -> Value {
        let id = format!("{form}-{}", name.replace('_', "-"));
        let label = field_label(c, name).unwrap_or_else(|| name.to_string());
        let error = error_for(errors, name);
        json!({
            "id": id,
            "name": name,
            "label": label,
            "value": values.get(name).cloned().unwrap_or_default(),
            "error": error,
        })
    };
    let source = values.get("funding_source_id").cloned().unwrap_or_default();
    let phasing: Vec<Value> = ["q1", "q2", "q3", "q4"].iter().map(|q| cell(q)).collect();
    json!({
        "form": format!("form-{form}"),
        "focus": focus,
        "source": cell("funding_source_id"),
        "sources": view.sources.iter().map(|s| json!({"value": s.id.to_string(), "label": s.code, "selected": s.id.to_string() == source})).collect::<Vec<_>>(),
        "account": cell("account_code"),
        "description": cell("description"),
        "amount": cell("amount"),
        "phasing": phasing,
    })
}

fn line_values(c: &Catalogue, l: &BudgetLine) -> HashMap<String, String> {
    let mut v = HashMap::from([
        ("funding_source_id".to_string(), l.funding_source_id.to_string()),
        ("account_code".to_string(), l.account_code.clone()),
        ("description".to_string(), l.description.clone()),
        ("amount".to_string(), amount_input(c, l.amount_minor, &l.currency)),
        ("version".to_string(), l.version.to_string()),
    ]);
    if let Some(p) = l.phasing {
        for (i, q) in ["q1", "q2", "q3", "q4"].iter().enumerate() {
            v.insert(q.to_string(), amount_input(c, p[i], &l.currency));
        }
    }
    v
}

/// The output an activity sits under (its nearest ancestor of level output).
fn output_of(results: &HashMap<i64, (Option<i64>, String, String, String)>, mut id: i64) -> Option<i64> {
    for _ in 0..16 {
        let (parent, level, _, _) = results.get(&id)?;
        if level == ResultLevel::Output.as_str() {
            return Some(id);
        }
        id = (*parent)?;
    }
    None
}

/// Expenditure against budget (`spent 1,492.93 of 23,500.00 (6.35 %)` in the template);
/// `counted`: the revision the finance views count (the approved one while a draft revision is
/// shown), named when it is not the one shown.
fn delivery_text(c: &Catalogue, row: Option<&FinanceRow>, currency: &str, counted: Option<i32>) -> Option<Value> {
    row.map(|r| {
        json!({
            "spent": localised(c, &amount(r.expenditure_minor, currency)),
            "budget": localised(c, &amount(r.budget_minor, currency)),
            "rate": r.delivery_rate.as_deref().map(|d| localised(c, d)).unwrap_or_else(|| "–".into()),
            "counted": counted,
        })
    })
}

/// The notices the page shows after a change (`?notice=`).
const NOTICES: [&str; 6] = ["created", "activity", "saved", "deleted", "approved", "revision"];

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    revision: Option<i32>,
    edit: Option<i64>,
    saved: Option<i64>,
    focus: Option<String>,
    notice: Option<String>,
}

/// The page's data: the table as rows (output headings, lines, forms, totals).
fn plan_data(
    user: &WebUser,
    view: &PlanView,
    q: &PlanQuery,
    failed: Option<&Failed>,
    other: &[(String, String)],
) -> Value {
    let c = i18n::catalogue(&user.lang);
    let c = c.as_ref();
    let code = &view.project.code;
    let base = base(code, view.year);
    let Some(plan) = view.plan.as_ref() else {
        return json!({
            "code": code,
            "title": view.project.title,
            "year": view.year,
            "base": base,
            "plan": null,
            "may_edit": view.may_edit,
            "csrf": user.csrf(),
            "errors": other.iter().map(|(f, m)| json!({"href": format!("#{}", if f.is_empty() { "create" } else { f }), "message": m})).collect::<Vec<_>>(),
        });
    };
    let cur = &plan.plan.currency;
    // Amounts as the page's language writes them.
    let amount = |minor: i64, currency: &str| localised(c, &amount(minor, currency));
    let draft = plan.plan.status == WorkPlanStatus::Draft;
    let editing = draft && view.may_edit;
    let results: HashMap<i64, (Option<i64>, String, String, String)> = view
        .results
        .iter()
        .map(|r| (r.id, (r.parent_id, r.level.to_string(), r.code.clone(), r.title.clone())))
        .collect();
    let by_activity: HashMap<&str, &FinanceRow> =
        view.delivery.by_activity.iter().map(|r| (r.key.as_str(), r)).collect();
    let by_output: HashMap<&str, &FinanceRow> = view.delivery.by_output.iter().map(|r| (r.key.as_str(), r)).collect();
    // The finance views count the approved revision of the year; say so beside a draft one.
    let counted: Option<i32> =
        view.delivery.work_plans.iter().find(|p| p.year == view.year && p.id != plan.plan.id).map(|p| p.revision);
    // What changed since the revision before (lines matched by lineage).
    let before: Option<HashMap<i64, &BudgetLine>> =
        view.previous.as_ref().map(|p| p.lines.iter().map(|l| (l.lineage_id, l)).collect());

    // Group: output -> activities (in code order) -> lines; plan-level lines last.
    let mut outputs: Vec<(Option<i64>, Vec<usize>)> = vec![];
    for (i, a) in plan.activities.iter().enumerate() {
        let out = output_of(&results, a.result_id);
        match outputs.iter_mut().find(|(o, _)| *o == out) {
            Some((_, v)) => v.push(i),
            None => outputs.push((out, vec![i])),
        }
    }
    let mut rows: Vec<Value> = vec![];
    let mut forms: Vec<Value> = vec![];
    let failed_row = failed.map(|f| f.row.as_str());
    let empty = HashMap::new();
    let edit_id = if editing { q.edit } else { None };
    let line_row = |l: &BudgetLine,
                    first: Option<&crate::store::workplans::PlanActivity>,
                    rows: &mut Vec<Value>,
                    forms: &mut Vec<Value>| {
        let key = format!("line-{}", l.id);
        let change = before.as_ref().map(|b| match b.get(&l.lineage_id) {
            None => ("row-added", "added".to_string()),
            Some(old)
                if old.amount_minor != l.amount_minor
                    || old.description != l.description
                    || old.account_code != l.account_code
                    || old.funding_source_id != l.funding_source_id =>
            {
                ("row-changed", c.t("awp-was", &[arg("amount", amount(old.amount_minor, cur))]))
            }
            Some(_) => ("", String::new()),
        });
        let activity = first.map(|a| {
            json!({
                "code": a.code,
                "title": a.title,
                "marks": (1..=4u8).map(|q| a.quarters.contains(&q)).collect::<Vec<_>>(),
                "party": a.responsible_party,
            })
        });
        let in_form = failed_row == Some(key.as_str()) || edit_id == Some(l.id);
        let form = in_form.then(|| {
            let (values, errors) = match failed {
                Some(f) if f.row == key => (f.values.clone(), f.errors.clone()),
                _ => (line_values(c, l), vec![]),
            };
            forms.push(json!({
                "id": format!("form-{key}"),
                "action": format!("{base}/lines/{}", l.id),
                "hidden": [
                    {"name": "plan_id", "value": plan.plan.id},
                    {"name": "activity_id", "value": l.activity_id.map(|a| a.to_string()).unwrap_or_default()},
                    {"name": "version", "value": values.get("version").cloned().unwrap_or_default()},
                ],
            }));
            line_form_cells(c, view, &key, &values, &errors, true)
        });
        rows.push(json!({
            "is_line": true,
            "key": key,
            "activity": activity,
            "source": l.source_code,
            "account": l.account_code,
            "account_name": l.account_name,
            "description": l.description,
            "amount": amount(l.amount_minor, cur),
            "phasing": l.phasing.map(|p| p.iter().map(|v| amount(*v, cur)).collect::<Vec<_>>()),
            "form": form,
            "cancel": format!("{base}#{key}"),
            "edit": (editing && !in_form).then(|| format!("{base}?edit={}#{key}", l.id)),
            "delete": (editing && !in_form).then(|| format!("{base}/lines/{}/delete", l.id)),
            "saved": q.saved == Some(l.id),
            "change_class": change.as_ref().map(|c| c.0),
            "change": change.map(|c| c.1).filter(|c| !c.is_empty()),
        }));
    };
    let add_row = |activity_id: Option<i64>, rows: &mut Vec<Value>, forms: &mut Vec<Value>| {
        let key = match activity_id {
            Some(a) => format!("add-{a}"),
            None => "add-plan".to_string(),
        };
        let (values, errors) = match failed {
            Some(f) if f.row == key => (f.values.clone(), f.errors.clone()),
            _ => (empty.clone(), vec![]),
        };
        let mut hidden = vec![json!({"name": "plan_id", "value": plan.plan.id})];
        if let Some(a) = activity_id {
            hidden.push(json!({"name": "activity_id", "value": a}));
        }
        forms.push(json!({"id": format!("form-{key}"), "action": format!("{base}/lines"), "hidden": hidden}));
        let focus = q.focus.as_deref() == Some(key.as_str()) || failed_row == Some(key.as_str());
        rows.push(json!({
            "is_add": true,
            "key": key,
            "form": line_form_cells(c, view, &key, &values, &errors, focus),
            "cancel": format!("{base}#{key}"),
        }));
    };
    let mut output_totals: Vec<Value> = vec![];
    for (out, acts) in &outputs {
        let (ocode, otitle) = out
            .and_then(|o| results.get(&o))
            .map(|(_, _, c, t)| (c.clone(), t.clone()))
            .unwrap_or_else(|| ("–".into(), c.tr("awp-outside-output")));
        rows.push(json!({"is_output": true, "code": ocode, "title": otitle}));
        let mut output_sum: i128 = 0;
        for &i in acts {
            let a = &plan.activities[i];
            let lines: Vec<&BudgetLine> = plan.lines.iter().filter(|l| l.activity_id == Some(a.id)).collect();
            let sum: i128 = lines.iter().map(|l| i128::from(l.amount_minor)).sum();
            output_sum += sum;
            if lines.is_empty() {
                rows.push(json!({
                    "is_empty_activity": true,
                    "activity": {"code": a.code, "title": a.title, "marks": (1..=4u8).map(|q| a.quarters.contains(&q)).collect::<Vec<_>>(), "party": a.responsible_party},
                }));
            }
            for (k, l) in lines.iter().enumerate() {
                line_row(l, (k == 0).then_some(a), &mut rows, &mut forms);
            }
            if editing {
                add_row(Some(a.id), &mut rows, &mut forms);
            }
            rows.push(json!({
                "is_total": true,
                "label": c.t("awp-total-activity", &[arg("code", &a.code)]),
                "id": format!("total-{}", a.code),
                "amount": amount(sum as i64, cur),
                "delivery": delivery_text(c, by_activity.get(a.code.as_str()).copied(), cur, counted),
            }));
        }
        rows.push(json!({
            "is_total": true,
            "is_output_total": true,
            "label": c.t("awp-total-output", &[arg("code", &ocode)]),
            "id": format!("output-total-{ocode}"),
            "amount": amount(output_sum as i64, cur),
            "delivery": delivery_text(c, by_output.get(ocode.as_str()).copied(), cur, counted),
        }));
        output_totals.push(json!({"code": ocode, "amount": amount(output_sum as i64, cur)}));
    }
    let plan_level: Vec<&BudgetLine> = plan.lines.iter().filter(|l| l.activity_id.is_none()).collect();
    if !plan_level.is_empty() || editing {
        rows.push(json!({"is_output": true, "code": "", "title": c.tr("awp-plan-level")}));
        let sum: i128 = plan_level.iter().map(|l| i128::from(l.amount_minor)).sum();
        for l in &plan_level {
            line_row(l, None, &mut rows, &mut forms);
        }
        if editing {
            add_row(None, &mut rows, &mut forms);
        }
        rows.push(json!({"is_total": true, "label": c.tr("awp-total-plan-level"), "id": "total-plan-level", "amount": amount(sum as i64, cur), "delivery": null}));
    }
    let removed: Vec<Value> = match (&view.previous, &before) {
        (Some(prev), Some(_)) => {
            let now: std::collections::HashSet<i64> = plan.lines.iter().map(|l| l.lineage_id).collect();
            prev.lines
                .iter()
                .filter(|l| !now.contains(&l.lineage_id))
                .map(|l| json!({"activity": l.activity_code, "source": l.source_code, "account": l.account_code, "description": l.description, "amount": amount(l.amount_minor, cur)}))
                .collect()
        }
        _ => vec![],
    };
    let mut summary: Vec<Value> = vec![];
    if let Some(f) = failed {
        for (field, m) in &f.errors {
            let label = field_label(c, field);
            let href = match label {
                Some(_) => format!("#{}-{}", f.row, field.replace('_', "-")),
                None => format!("#{}", f.row),
            };
            summary.push(
                json!({"href": href, "message": match label { Some(l) => format!("{l}: {m}"), None => m.clone() }}),
            );
        }
    }
    for (f, m) in other {
        summary.push(json!({"href": format!("#{}", if f.is_empty() { "plan-actions" } else { f }), "message": m}));
    }
    let scheduled: Vec<i64> = plan.activities.iter().map(|a| a.result_id).collect();
    let activity_choices: Vec<Value> = view
        .results
        .iter()
        .filter(|r| r.level == ResultLevel::Activity && !scheduled.contains(&r.id))
        .map(|r| json!({"value": r.id, "label": format!("{} {}", r.code, r.title)}))
        .collect();
    let has_draft = view.revisions.iter().any(|r| r.plan.status == WorkPlanStatus::Draft);
    let revisions: Vec<Value> = view
        .revisions
        .iter()
        .map(|r| {
            json!({
                "revision": r.plan.revision,
                "status": status_label(c, r.plan.status.as_str()),
                "class": r.plan.status,
                "href": format!("{base}?revision={}", r.plan.revision),
                "current": r.plan.id == plan.plan.id,
                "total": amount(r.total_minor, cur),
                "approved_on": r.plan.approved_on.map(|d| c.day(d)),
                "reason": r.plan.revision_reason,
            })
        })
        .collect();
    json!({
        "code": code,
        "title": view.project.title,
        "year": view.year,
        "base": base,
        "csrf": user.csrf(),
        "plan": {
            "id": plan.plan.id,
            "revision": plan.plan.revision,
            "status": status_label(c, plan.plan.status.as_str()),
            "class": plan.plan.status,
            "title": plan.plan.title,
            "currency": cur,
            "approved_on": plan.plan.approved_on.map(|d| c.day(d)),
            "version": plan.plan.version,
            "reason": plan.plan.revision_reason,
            "document_total": plan.plan.document_total_minor.map(|t| amount(t, cur)),
        },
        "previous": view.previous.as_ref().map(|p| json!({"revision": p.plan.revision, "href": format!("{base}?revision={}", p.plan.revision)})),
        "removed": removed,
        "revisions": revisions,
        "multiple_revisions": view.revisions.len() > 1,
        "rows": rows,
        // The quarters' short names (a phone shows a line's marks and phasing by them).
        "quarters": (1..=4).map(|n| c.t("awp-q", &[("n", FluentValue::from(n))])).collect::<Vec<_>>(),
        "forms": forms,
        "editing": editing,
        "may_edit": view.may_edit,
        "accounts": view.accounts.iter().map(|a| json!({"code": a.code, "name": a.name})).collect::<Vec<_>>(),
        "by_source": plan.totals.by_source.iter().map(|s| json!({
            "code": s.source_code,
            "amount": amount(s.total_minor, cur),
            "gms": s.indirect_expected_minor.map(|e| amount(e, cur)),
            "gms_planned": amount(s.indirect_minor, cur),
        })).collect::<Vec<_>>(),
        "output_totals": output_totals,
        "total": amount(plan.totals.total_minor, cur),
        "delivery_total": delivery_text(c, Some(&view.delivery.total), cur, counted),
        "may_approve": draft && view.may_approve,
        "may_revise": plan.plan.status == WorkPlanStatus::Approved && view.may_edit && !has_draft,
        "activity_choices": activity_choices,
        "errors": summary,
        // Which notice the template shows (its words are the template's).
        "notice": q.notice.as_deref().filter(|n| NOTICES.contains(n)).map(|n| {
            NOTICES.iter().map(|k| (k.to_string(), json!(*k == n))).collect::<serde_json::Map<String, Value>>()
        }),
        "today": chrono::Utc::now().date_naive().to_string(),
    })
}

fn page(
    user: &WebUser,
    view: &PlanView,
    q: &PlanQuery,
    failed: Option<&Failed>,
    other: &[(String, String)],
) -> HttpResponse {
    let status = if failed.is_some() || !other.is_empty() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let c = i18n::catalogue(&user.lang);
    // The use cases' rules in the page's language.
    let said = |errs: &[(String, String)]| -> Vec<(String, String)> {
        errs.iter().map(|(f, m)| (f.clone(), super::rules::said(&c, m))).collect()
    };
    let failed = failed.map(|f| Failed { row: f.row.clone(), values: f.values.clone(), errors: said(&f.errors) });
    let data = plan_data(user, view, q, failed.as_ref(), &said(other));
    let title = c.t("awp-title", &[arg("year", view.year), arg("code", &view.project.code)]);
    html(status, render("workplan", &title, Some(user), &data))
}

/// `GET /projects/{project}/work-plans`: the plans by year (the dashboard links here).
pub async fn index(db: web::Data<Db>, user: WebUser, path: web::Path<String>) -> Result<HttpResponse, WebError> {
    let c = super::i18n::catalogue(&user.lang);
    let (project, plans) = uc::list(&db, &user.principal, &path.into_inner()).await?;
    // A plan's status word in the page's language (English keeps its own words).
    let status_in = |code: &str| {
        let key = format!("wps-status-{code}");
        let w = c.tr(&key);
        if w == key { status_label(&c, code) } else { w }
    };
    let amount_in = |minor: i64, currency: &str| -> String {
        amount(minor, currency)
            .chars()
            .map(|ch| match ch {
                ',' => c.locale.group.clone(),
                '.' => c.locale.decimal.clone(),
                other => other.to_string(),
            })
            .collect()
    };
    let first = project.start_date.format("%Y").to_string().parse::<i32>().unwrap_or(2000);
    let last = project.end_date.format("%Y").to_string().parse::<i32>().unwrap_or(first);
    let years: Vec<Value> = (first..=last)
        .map(|y| {
            let of_year: Vec<Value> = plans
                .iter()
                .filter(|p| p.plan.year == y)
                .map(|p| json!({"revision": p.plan.revision, "status": status_in(p.plan.status.as_str()), "class": p.plan.status, "total": amount_in(p.total_minor, &p.plan.currency), "lines": p.line_count}))
                .collect();
            json!({"year": y, "href": base(&project.code, y), "plans": of_year})
        })
        .collect();
    let data = json!({"code": project.code, "title": project.title, "years": years});
    Ok(html(
        StatusCode::OK,
        render("workplans", &c.t("wps-title", &[("code", project.code.clone().into())]), Some(&user), &data),
    ))
}

/// `GET /projects/{project}/work-plans/{year}[?revision=N][&edit=line]`.
pub async fn show(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i32)>,
    query: web::Query<PlanQuery>,
) -> Result<HttpResponse, WebError> {
    let (key, year) = path.into_inner();
    let view = uc::plan_view(&db, &user.principal, &key, year, query.revision).await?;
    Ok(page(&user, &view, &query, None, &[]))
}

fn text(form: &HashMap<String, String>, name: &str) -> Option<String> {
    form.get(name).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The API's field names onto the line form's.
fn line_field(api: &str) -> String {
    let base = api.split(['.', '[']).next().unwrap_or_default();
    match base {
        "amount_minor" => "amount".into(),
        "phasing" => "q1".into(),
        "funding_source_id" | "account_code" | "description" => base.into(),
        _ => String::new(),
    }
}

/// What a refused save says on the form; other failures go on as they are.
fn refusal(c: &Catalogue, e: AppError, rename: fn(&str) -> String) -> Result<Vec<(String, String)>, WebError> {
    match e {
        AppError::Validation(errs) => Ok(errs.into_iter().map(|e| (rename(&e.field), e.message)).collect()),
        AppError::Conflict { message, field } => Ok(vec![(rename(&field.unwrap_or_default()), message)]),
        AppError::PreconditionFailed(m) => {
            Ok(vec![(String::new(), c.t("awp-changed-meanwhile", &[arg("message", m)]))])
        }
        other => Err(other.into()),
    }
}

/// Reads a line's form into the API's input; the errors of what could not be read.
fn line_input(
    c: &Catalogue,
    form: &HashMap<String, String>,
    currency: &str,
) -> (BudgetLineInput, Vec<(String, String)>) {
    let mut errs = vec![];
    let source = match form.get("funding_source_id").and_then(|s| s.trim().parse::<i64>().ok()) {
        Some(s) => s,
        None => {
            errs.push(("funding_source_id".to_string(), c.tr("awp-choose-source")));
            0
        }
    };
    let amount_minor = match parse_amount_in(c, form.get("amount").map(String::as_str).unwrap_or(""), currency) {
        Ok(v) => v,
        Err(m) => {
            errs.push(("amount".into(), m));
            0
        }
    };
    let qs: Vec<Option<String>> = ["q1", "q2", "q3", "q4"].iter().map(|q| text(form, q)).collect();
    let phasing = if qs.iter().all(Option::is_none) {
        None
    } else {
        let mut p = [0i64; 4];
        for (i, q) in qs.iter().enumerate() {
            match q.as_deref().map(|s| parse_amount_in(c, s, currency)).unwrap_or(Ok(0)) {
                Ok(v) => p[i] = v,
                Err(m) => errs.push((format!("q{}", i + 1), m)),
            }
        }
        Some(p)
    };
    let input = BudgetLineInput {
        activity_id: form.get("activity_id").and_then(|s| s.trim().parse().ok()),
        funding_source_id: source,
        account_code: text(form, "account_code").unwrap_or_default(),
        description: form.get("description").cloned().unwrap_or_default(),
        amount_minor,
        currency: currency.to_string(),
        phasing,
        version: form.get("version").and_then(|v| v.trim().parse().ok()),
    };
    (input, errs)
}

/// The API's terse "must not be empty" in the form's words.
fn humane(c: &Catalogue, errors: Vec<(String, String)>) -> Vec<(String, String)> {
    errors
        .into_iter()
        .map(|(f, m)| {
            let m = match (f.as_str(), m.as_str()) {
                ("description", "must not be empty") => c.tr("awp-enter-description"),
                ("account_code", "must not be empty") => c.tr("awp-enter-account"),
                _ => m,
            };
            (f, m)
        })
        .collect()
}

type FormData = web::Form<HashMap<String, String>>;

async fn save_line(
    db: &Db,
    user: &WebUser,
    req: &HttpRequest,
    key: &str,
    year: i32,
    line: Option<i64>,
    form: HashMap<String, String>,
) -> Result<HttpResponse, WebError> {
    user.check_form(req, form.get("csrf").map(String::as_str))?;
    let view = uc::plan_view(db, &user.principal, key, year, None).await?;
    let plan = view.plan.as_ref().ok_or_else(|| AppError::NotFound(format!("the {year} work plan")))?;
    let c = i18n::catalogue(&user.lang);
    let (input, mut errs) = line_input(&c, &form, &plan.plan.currency);
    let row = match (line, input.activity_id) {
        (Some(id), _) => format!("line-{id}"),
        (None, Some(a)) => format!("add-{a}"),
        (None, None) => "add-plan".into(),
    };
    if errs.is_empty() {
        let saved = match line {
            Some(id) => uc::update_line(db, &user.principal, id, input).await,
            None => uc::add_line(db, &user.principal, plan.plan.id, input).await,
        };
        match saved {
            Ok(l) => {
                let next = match line {
                    Some(_) => format!("{}?notice=saved&saved={}#line-{}", base(&view.project.code, year), l.id, l.id),
                    // No fragment: focusing the new-line row scrolls to it (a fragment would
                    // stop the browser's autofocus).
                    None => format!("{}?notice=saved&saved={}&focus={row}", base(&view.project.code, year), l.id),
                };
                return Ok(see_other(&next));
            }
            Err(e) => errs = refusal(&c, e, line_field)?,
        }
    }
    let failed = Failed { row, values: form, errors: humane(&c, errs) };
    Ok(page(user, &view, &PlanQuery::default(), Some(&failed), &[]))
}

/// `POST /projects/{project}/work-plans/{year}/lines`: adds a line (the row's form).
pub async fn add_line(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    path: web::Path<(String, i32)>,
    form: FormData,
) -> Result<HttpResponse, WebError> {
    let (key, year) = path.into_inner();
    save_line(&db, &user, &req, &key, year, None, form.into_inner()).await
}

/// `POST /projects/{project}/work-plans/{year}/lines/{id}`: saves a changed line.
pub async fn update_line(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    path: web::Path<(String, i32, i64)>,
    form: FormData,
) -> Result<HttpResponse, WebError> {
    let (key, year, id) = path.into_inner();
    save_line(&db, &user, &req, &key, year, Some(id), form.into_inner()).await
}

/// `POST /projects/{project}/work-plans/{year}/lines/{id}/delete`.
pub async fn delete_line(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    path: web::Path<(String, i32, i64)>,
    form: FormData,
) -> Result<HttpResponse, WebError> {
    let (key, year, id) = path.into_inner();
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    match uc::delete_line(&db, &user.principal, id).await {
        Ok(()) => Ok(see_other(&format!("{}?notice=deleted", base(&key, year)))),
        Err(e) => {
            let errs = refusal(&i18n::catalogue(&user.lang), e, |_| String::new())?;
            let view = uc::plan_view(&db, &user.principal, &key, year, None).await?;
            Ok(page(&user, &view, &PlanQuery::default(), None, &errs))
        }
    }
}

/// Re-renders the page with errors of a plan-level form (create, activity, approve, revise).
async fn plan_refused(
    db: &Db,
    user: &WebUser,
    key: &str,
    year: i32,
    errs: Vec<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let view = uc::plan_view(db, &user.principal, key, year, None).await?;
    Ok(page(user, &view, &PlanQuery::default(), None, &errs))
}

/// `POST /projects/{project}/work-plans/{year}`: starts the year's draft plan.
pub async fn create(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    path: web::Path<(String, i32)>,
    form: FormData,
) -> Result<HttpResponse, WebError> {
    let (key, year) = path.into_inner();
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    let input =
        WorkPlanInput { year, title: text(&form, "title"), document_total_minor: None, notes: None, version: None };
    match uc::create_plan(&db, &user.principal, &key, input).await {
        Ok(_) => Ok(see_other(&format!("{}?notice=created", base(&key, year)))),
        Err(e) => {
            let errs = refusal(&i18n::catalogue(&user.lang), e, |_| "create".into())?;
            plan_refused(&db, &user, &key, year, errs).await
        }
    }
}

/// `POST /projects/{project}/work-plans/{year}/activities`: schedules an activity.
pub async fn add_activity(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    path: web::Path<(String, i32)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let (key, year) = path.into_inner();
    // Repeated `quarter` checkboxes: read the pairs, not a map.
    let pairs = form.into_inner();
    let get = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.trim().to_string());
    user.check_form(&req, get("csrf").as_deref())?;
    let plan_id = get("plan_id").and_then(|s| s.parse().ok()).unwrap_or(0);
    let Some(result_id) = get("result_id").and_then(|s| s.parse().ok()) else {
        let message = i18n::catalogue(&user.lang).tr("awp-choose-activity");
        return plan_refused(&db, &user, &key, year, vec![("activity-result".into(), message)]).await;
    };
    let input = ActivityInput {
        result_id,
        quarters: pairs.iter().filter(|(k, _)| k == "quarter").filter_map(|(_, v)| v.parse().ok()).collect(),
        responsible_party: get("responsible_party").unwrap_or_default(),
        version: None,
    };
    match uc::add_activity(&db, &user.principal, plan_id, input).await {
        Ok(a) => Ok(see_other(&format!("{}?notice=activity&focus=add-{}#add-{}", base(&key, year), a.id, a.id))),
        Err(e) => {
            let errs = refusal(&i18n::catalogue(&user.lang), e, |f| match f {
                "responsible_party" => "activity-party".into(),
                _ => "activity-result".into(),
            })?;
            plan_refused(&db, &user, &key, year, errs).await
        }
    }
}

/// A step of the whole plan taken with a form on its page (the Board's approval, a revision):
/// one shape: the form checked, the plan and the step's input read, one use case, then the
/// page with the step's notice, or again with the refusal by the step's field.
/// [`plan_step`] is the handler.
pub trait PlanStep: 'static {
    type Input;
    /// The page's notice after the step (`?notice=`, one of [`NOTICES`]).
    const NOTICE: &'static str;
    /// The form's field (its input's id) the refusals show by.
    const FIELD: &'static str;
    /// The step's input from the form, or the message of what could not be read.
    fn input(c: &Catalogue, form: &HashMap<String, String>) -> Result<Self::Input, String>;
    /// A refusal's message in the form's words (as the use case says it unless told).
    fn message(_c: &Catalogue, m: String) -> String {
        m
    }
    async fn take(db: &Db, who: &Principal, plan_id: i64, input: Self::Input) -> Result<(), AppError>;
}

/// `POST /projects/{project}/work-plans/{year}/<step>`: see [`PlanStep`].
pub async fn plan_step<S: PlanStep>(
    db: web::Data<Db>,
    user: WebUser,
    req: HttpRequest,
    path: web::Path<(String, i32)>,
    form: FormData,
) -> Result<HttpResponse, WebError> {
    let (key, year) = path.into_inner();
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    let plan_id = form.get("plan_id").and_then(|s| s.parse().ok()).unwrap_or(0);
    let c = i18n::catalogue(&user.lang);
    let input = match S::input(&c, &form) {
        Ok(input) => input,
        Err(m) => return plan_refused(&db, &user, &key, year, vec![(S::FIELD.into(), m)]).await,
    };
    match S::take(&db, &user.principal, plan_id, input).await {
        Ok(()) => Ok(see_other(&format!("{}?notice={}", base(&key, year), S::NOTICE))),
        Err(e) => {
            let errs = refusal(&c, e, |_| S::FIELD.into())?.into_iter().map(|(f, m)| (f, S::message(&c, m))).collect();
            plan_refused(&db, &user, &key, year, errs).await
        }
    }
}

/// `POST /projects/{project}/work-plans/{year}/approve`: the Board's approval (managers).
pub struct Approve;

impl PlanStep for Approve {
    type Input = ApproveInput;
    const NOTICE: &'static str = "approved";
    const FIELD: &'static str = "approved-on";

    fn input(c: &Catalogue, form: &HashMap<String, String>) -> Result<ApproveInput, String> {
        // A browser without a date picker sends what was typed: the ISO date or the Russian `08.02.2013`.
        let date = text(form, "approved_on").and_then(|d| {
            chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .or_else(|_| chrono::NaiveDate::parse_from_str(&d, "%d.%m.%Y"))
                .ok()
        });
        let approved_on = date.ok_or_else(|| c.tr("awp-enter-board-date"))?;
        Ok(ApproveInput { approved_on, version: form.get("version").and_then(|v| v.parse().ok()) })
    }

    async fn take(db: &Db, who: &Principal, plan_id: i64, input: ApproveInput) -> Result<(), AppError> {
        uc::approve(db, who, plan_id, input).await.map(drop)
    }
}

/// `POST /projects/{project}/work-plans/{year}/revise`: starts a revision (finance officers).
pub struct Revise;

impl PlanStep for Revise {
    type Input = RevisionInput;
    const NOTICE: &'static str = "revision";
    const FIELD: &'static str = "revision-reason";

    fn input(_c: &Catalogue, form: &HashMap<String, String>) -> Result<RevisionInput, String> {
        Ok(RevisionInput { reason: form.get("reason").cloned().unwrap_or_default() })
    }

    fn message(c: &Catalogue, m: String) -> String {
        if m == "must not be empty" { c.tr("awp-enter-reason") } else { m }
    }

    async fn take(db: &Db, who: &Principal, plan_id: i64, input: RevisionInput) -> Result<(), AppError> {
        uc::revise(db, who, plan_id, input).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_write_them() {
        assert_eq!(read_amount("10 000", "USD"), Ok(1_000_000));
        assert_eq!(read_amount("10,000.5", "USD"), Ok(1_000_050));
        assert_eq!(read_amount("0.05", "USD"), Ok(5));
        assert_eq!(read_amount("225 000", "KZT"), Ok(22_500_000));
        assert_eq!(read_amount("1000", "JPY"), Ok(1000));
        assert!(read_amount("1.5", "JPY").is_err());
        assert!(read_amount("12abc", "USD").is_err());
        assert!(read_amount("-5", "USD").is_err());
        assert!(read_amount("", "USD").is_err());
        assert!(read_amount(".", "USD").is_err());
        assert!(read_amount("99999999999999999999999", "USD").is_err());
    }

    #[test]
    fn amounts_are_read_and_written_in_the_pages_language() {
        let (ru, en) = (i18n::catalogue("ru"), i18n::catalogue("en"));
        assert_eq!(parse_amount_in(&ru, "1 234,50", "USD"), Ok(123_450));
        assert_eq!(parse_amount_in(&ru, "1\u{a0}234,5", "USD"), Ok(123_450));
        // Without a comma a dot stays the decimal point (never a hundredfold amount).
        assert_eq!(parse_amount_in(&ru, "1234.50", "USD"), Ok(123_450));
        assert_eq!(parse_amount_in(&en, "1,234.50", "USD"), Ok(123_450));
        assert_eq!(
            parse_amount_in(&en, "4 000 USD", "USD").unwrap_err(),
            "Enter an amount in USD, like 10 000 or 10 000.50"
        );
        assert_eq!(
            parse_amount_in(&ru, "4 000 USD", "USD").unwrap_err(),
            "Введите сумму в USD, например 10 000 или 10 000,50"
        );
        assert_eq!(parse_amount_in(&en, "1.555", "USD").unwrap_err(), "USD amounts have at most 2 decimals");
        assert_eq!(localised(&ru, &amount(2_350_000, "USD")), "23\u{a0}500,00");
        assert_eq!(localised(&en, &amount(2_350_000, "USD")), "23,500.00");
        assert_eq!(amount_input(&ru, 2_350_000, "USD"), "23500,00");
        assert_eq!(status_label(&ru, "approved"), "Утверждён");
        assert_eq!(status_label(&en, "approved"), "Approved");
    }
}
