//! The entry page's other parts: the activities' progress, the narrative and the quarter's
//! risk updates (read from the form; shown filled from the store, or from what was posted
//! after an error, each error next to its field).

use super::i18n::Catalogue;
use crate::domain::FieldError;
use crate::domain::monitoring::{ActivityStatus, RiskStatus, risk_level};
use crate::services::quarter::{ActivityEntry, QuarterTexts, RiskEntry};
use crate::store::monitoring::{ActivityProgress, ActivityProgressInput, NarrativeInput, RiskUpdateInput};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The prefixes of the errors shown on these parts.
pub fn is_mine(field: &str) -> bool {
    field.starts_with("activities.")
        || field == "narrative"
        || field.starts_with("narrative.")
        || field.starts_with("risks.")
}

/// The word of an activity's or a risk's status (`state-<code>`), the code when there is none.
fn status_label(c: &Catalogue, s: &str) -> String {
    let key = format!("state-{s}");
    let w = c.tr(&key);
    if w == key { s.to_string() } else { w }
}

fn text(form: &HashMap<String, String>, name: &str) -> Option<String> {
    form.get(name).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn progress_text(c: &Catalogue, p: &ActivityProgress) -> String {
    c.t(
        "activity-progress",
        &[
            ("status", status_label(c, p.status.as_str()).into()),
            ("percent", p.percent_complete.to_string().into()),
            ("period", p.period.clone().into()),
        ],
    )
}

/// "likelihood 3 x impact 4 = 12 (substantial)" in the page's language.
fn rating(c: &Catalogue, likelihood: i32, impact: i32) -> String {
    let level = risk_level(likelihood, impact);
    c.t(
        "risk-rating",
        &[
            ("likelihood", likelihood.to_string().into()),
            ("impact", impact.to_string().into()),
            ("score", (likelihood * impact).to_string().into()),
            ("level", c.tr(&format!("risk-level-{}", level.as_str())).into()),
        ],
    )
}

/// Reads what was entered or changed: a new activity report when anything was given, a
/// changed one when it differs from the stored; the narrative likewise; a risk update when a
/// note was written or the rating or status changed. A number that is not one is an error
/// here (the rest are the API's rules, checked by the use case).
pub fn read(
    c: &Catalogue,
    texts: &QuarterTexts,
    form: &HashMap<String, String>,
    errs: &mut Vec<FieldError>,
) -> (Vec<ActivityEntry>, Option<NarrativeInput>, Vec<RiskEntry>) {
    let mut activities = vec![];
    for line in &texts.activities {
        let id = line.activity.id;
        let status = text(form, &format!("a_s_{id}"));
        let percent = text(form, &format!("a_p_{id}"));
        let narrative = text(form, &format!("a_n_{id}"));
        if let Some(cur) = &line.current {
            let same = status.as_deref() == Some(cur.status.as_str())
                && percent.as_deref() == Some(cur.percent_complete.to_string().as_str())
                && narrative == cur.narrative.as_ref().map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
            if same {
                continue;
            }
        } else if status.is_none() && percent.is_none() && narrative.is_none() {
            continue;
        }
        let at = |f: &str| format!("activities.{id}.{f}");
        let parsed_status = status.as_deref().and_then(ActivityStatus::parse);
        if parsed_status.is_none() {
            errs.push(FieldError::new(at("status"), c.tr("choose-activity-status")));
        }
        let percent_complete = match (&percent, parsed_status) {
            (Some(p), _) => match p.trim_end_matches('%').trim().parse::<i32>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errs.push(FieldError::new(at("percent_complete"), c.tr("enter-whole-percent")));
                    None
                }
            },
            (None, Some(ActivityStatus::NotStarted)) => Some(0),
            (None, Some(ActivityStatus::Completed)) => Some(100),
            (None, _) => {
                errs.push(FieldError::new(at("percent_complete"), c.tr("enter-how-far")));
                None
            }
        };
        if let (Some(status), Some(percent_complete)) = (parsed_status, percent_complete) {
            activities.push(ActivityEntry {
                result_id: id,
                input: ActivityProgressInput {
                    status,
                    percent_complete,
                    narrative,
                    version: form.get(&format!("a_ver_{id}")).and_then(|v| v.parse().ok()),
                },
            });
        }
    }

    let fields = ["n_summary", "n_challenges", "n_lessons", "n_next"].map(|n| text(form, n));
    let stored = texts.narrative.as_ref().map(|n| {
        [Some(n.summary.clone()), n.challenges.clone(), n.lessons_learned.clone(), n.next_quarter.clone()]
            .map(|v| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()))
    });
    let changed = match &stored {
        Some(s) => *s != fields,
        None => fields.iter().any(Option::is_some),
    };
    let narrative = changed.then(|| {
        let [summary, challenges, lessons_learned, next_quarter] = fields;
        NarrativeInput {
            summary: summary.unwrap_or_default(),
            challenges,
            lessons_learned,
            next_quarter,
            version: form.get("n_ver").and_then(|v| v.parse().ok()),
        }
    });

    let mut risks = vec![];
    for r in &texts.risks {
        // The quarter's saved review is what the form starts from (and what "unchanged" means);
        // without one, the risk's current rating and no note.
        let saved = r.updates.iter().find(|u| u.period == texts.quarter.to_string());
        let (was_note, was_l, was_i, was_s) = match saved {
            Some(u) => (Some(u.note.clone()), u.likelihood, u.impact, u.status),
            None => (None, r.likelihood, r.impact, r.status),
        };
        let id = r.id;
        let note = text(form, &format!("r_note_{id}"));
        let number = |name: String, current: i32| -> Option<i32> {
            match text(form, &name) {
                None => Some(current),
                Some(v) => v.parse().ok(),
            }
        };
        let likelihood = number(format!("r_l_{id}"), was_l);
        let impact = number(format!("r_i_{id}"), was_i);
        let status = text(form, &format!("r_s_{id}")).unwrap_or_else(|| was_s.to_string());
        let touched =
            note != was_note || likelihood != Some(was_l) || impact != Some(was_i) || status != was_s.as_str();
        if !touched {
            continue;
        }
        let at = |f: &str| format!("risks.{id}.{f}");
        let parsed_status = RiskStatus::parse(&status);
        if parsed_status.is_none() {
            errs.push(FieldError::new(at("status"), c.tr("choose-risk-status")));
        }
        if likelihood.is_none() {
            errs.push(FieldError::new(at("likelihood"), c.tr("choose-likelihood")));
        }
        if impact.is_none() {
            errs.push(FieldError::new(at("impact"), c.tr("choose-impact")));
        }
        if let (Some(status), Some(likelihood), Some(impact)) = (parsed_status, likelihood, impact) {
            risks.push(RiskEntry {
                risk_id: id,
                input: RiskUpdateInput {
                    period: texts.quarter.to_string(),
                    note: note.unwrap_or_default(),
                    likelihood,
                    impact,
                    status,
                },
            });
        }
    }
    (activities, narrative, risks)
}

/// The page's words for the API's terse "must not be empty" on these parts.
fn friendly(c: &Catalogue, field: &str, message: &str) -> String {
    if message != "must not be empty" {
        return super::rules::said(c, message);
    }
    if field.ends_with(".note") {
        c.tr("write-risk-note")
    } else if field == "narrative.summary" {
        c.tr("write-summary")
    } else {
        c.tr("enter-some-text")
    }
}

/// The messages of the errors of a field (joined).
fn error_of(c: &Catalogue, errors: &[FieldError], name: &str) -> Option<String> {
    let m: Vec<String> = errors.iter().filter(|e| e.field == name).map(|e| friendly(c, &e.field, &e.message)).collect();
    (!m.is_empty()).then(|| m.join("; "))
}

fn options(c: &Catalogue, all: &[&str], chosen: &str, blank: Option<String>) -> Vec<Value> {
    let mut out: Vec<Value> =
        blank.map(|b| json!({"value": "", "label": b, "selected": chosen.is_empty()})).into_iter().collect();
    out.extend(all.iter().map(|v| json!({"value": v, "label": status_label(c, v), "selected": *v == chosen})));
    out
}

/// The 1-5 choices of a likelihood or an impact (`likelihood-3`: "3 possible").
fn scale(c: &Catalogue, what: &str, chosen: &str) -> Vec<Value> {
    (1..=5)
        .map(|n| json!({"value": n, "label": c.tr(&format!("{what}-{n}")), "selected": chosen == n.to_string()}))
        .collect()
}

/// The data of the three parts, and their entries in the error summary (`href`, `message`).
pub fn view(
    c: &Catalogue,
    texts: &QuarterTexts,
    posted: &HashMap<String, String>,
    errors: &[FieldError],
    editable: bool,
) -> (Value, Vec<Value>) {
    let from_form = !posted.is_empty();
    let value_of = |name: &str, stored: Option<String>| -> String {
        if from_form { posted.get(name).cloned().unwrap_or_default() } else { stored.unwrap_or_default() }
    };
    let mut summary = vec![];
    let q = texts.quarter.to_string();
    let statuses: Vec<&str> = ActivityStatus::ALL.iter().map(|s| s.as_str()).collect();
    let activities: Vec<Value> = texts
        .activities
        .iter()
        .map(|line| {
            let id = line.activity.id;
            let cur = line.current.as_ref();
            let err = |f: &str| error_of(c, errors, &format!("activities.{id}.{f}"));
            let general = error_of(c, errors, &format!("activities.{id}"))
                .into_iter()
                .chain(error_of(c, errors, &format!("activities.{id}.version")))
                .chain(error_of(c, errors, &format!("activities.{id}.result_id")))
                .collect::<Vec<_>>();
            for e in errors.iter().filter(|e| e.field.starts_with(&format!("activities.{id}"))) {
                let anchor = match e.field.rsplit('.').next() {
                    Some("percent_complete") => format!("a-p-{id}"),
                    Some("narrative") => format!("a-n-{id}"),
                    Some("status") => format!("a-s-{id}"),
                    _ => format!("act-{id}"),
                };
                summary.push(json!({"href": format!("#{anchor}"), "message": c.t("summary-activity", &[("code", line.activity.code.clone().into()), ("message", friendly(c, &e.field, &e.message).into())])}));
            }
            let status = value_of(&format!("a_s_{id}"), cur.map(|p| p.status.to_string()));
            json!({
                "id": id,
                "anchor": format!("act-{id}"),
                "code": line.activity.code,
                "title": line.activity.title,
                "last": line.last.as_ref().map(|p| progress_text(c, p)),
                "shown": cur.map(|p| progress_text(c, p)),
                "shown_narrative": cur.and_then(|p| p.narrative.clone()),
                "version": if from_form { posted.get(&format!("a_ver_{id}")).cloned() } else { cur.map(|p| p.version.to_string()) },
                "statuses": options(c, &statuses, &status, Some(c.tr("not-reported-choice"))),
                "percent": value_of(&format!("a_p_{id}"), cur.map(|p| p.percent_complete.to_string())),
                "narrative": value_of(&format!("a_n_{id}"), cur.and_then(|p| p.narrative.clone())),
                "status_error": err("status"),
                "percent_error": err("percent_complete"),
                "narrative_error": err("narrative"),
                "general_error": (!general.is_empty()).then(|| general.join("; ")),
                "has_error": errors.iter().any(|e| e.field.starts_with(&format!("activities.{id}."))),
            })
        })
        .collect();

    let n = texts.narrative.as_ref();
    let narrative_fields = [
        ("summary", "n_summary", "n-summary", c.tr("narrative-summary"), n.map(|n| n.summary.clone())),
        (
            "challenges",
            "n_challenges",
            "n-challenges",
            c.tr("narrative-challenges"),
            n.and_then(|n| n.challenges.clone()),
        ),
        (
            "lessons_learned",
            "n_lessons",
            "n-lessons",
            c.tr("narrative-lessons"),
            n.and_then(|n| n.lessons_learned.clone()),
        ),
        ("next_quarter", "n_next", "n-next", c.tr("narrative-next"), n.and_then(|n| n.next_quarter.clone())),
    ];
    let mut narrative = vec![];
    for (field, name, anchor, label, stored) in narrative_fields {
        let error = error_of(c, errors, &format!("narrative.{field}"));
        if let Some(m) = &error {
            let message = c
                .t("summary-narrative-field", &[("field", label.to_lowercase().into()), ("message", m.clone().into())]);
            summary.push(json!({"href": format!("#{anchor}"), "message": message}));
        }
        narrative.push(json!({
            "name": name,
            "id": anchor,
            "label": label,
            "optional": field != "summary",
            "value": value_of(name, stored.clone()),
            "shown": stored,
            "error": error,
        }));
    }
    let narrative_general: Vec<String> = errors
        .iter()
        .filter(|e| e.field == "narrative" || e.field == "narrative.version" || e.field == "narrative.period")
        .map(|e| super::rules::said(c, &e.message))
        .collect();
    for m in &narrative_general {
        summary
            .push(json!({"href": "#narrative", "message": c.t("summary-narrative", &[("message", m.clone().into())])}));
    }

    let risk_statuses: Vec<&str> = RiskStatus::ALL.iter().map(|s| s.as_str()).collect();
    let risks: Vec<Value> = texts
        .risks
        .iter()
        .map(|r| {
            let id = r.id;
            let this = r.updates.iter().find(|u| u.period == q);
            let err = |f: &str| error_of(c, errors, &format!("risks.{id}.{f}"));
            for e in errors.iter().filter(|e| e.field == format!("risks.{id}") || e.field.starts_with(&format!("risks.{id}."))) {
                let anchor = match e.field.rsplit('.').next() {
                    Some("likelihood") => format!("r-l-{id}"),
                    Some("impact") => format!("r-i-{id}"),
                    Some("status") => format!("r-s-{id}"),
                    Some("note") => format!("r-note-{id}"),
                    _ => format!("risk-{id}"),
                };
                summary.push(json!({"href": format!("#{anchor}"), "message": c.t("summary-risk", &[("code", r.code.clone().into()), ("message", friendly(c, &e.field, &e.message).into())])}));
            }
            let general: Vec<String> = [err("period"), error_of(c, errors, &format!("risks.{id}"))].into_iter().flatten().collect();
            let l = value_of(&format!("r_l_{id}"), Some(this.map_or(r.likelihood, |u| u.likelihood).to_string()));
            let i = value_of(&format!("r_i_{id}"), Some(this.map_or(r.impact, |u| u.impact).to_string()));
            let s = value_of(&format!("r_s_{id}"), Some(this.map_or(r.status, |u| u.status).to_string()));
            json!({
                "id": id,
                "anchor": format!("risk-{id}"),
                "code": r.code,
                "description": r.description,
                "rating": rating(c, r.likelihood, r.impact),
                "status": status_label(c, r.status.as_str()),
                "mitigation": r.mitigation,
                "last": r.updates.iter().filter(|u| u.period < q).max_by(|a, b| a.period.cmp(&b.period)).map(|u| format!("{}: {}", u.period, u.note)),
                "quarter_update": this.map(|u| json!({
                    "note": u.note,
                    "rating": format!("{}, {}", rating(c, u.likelihood, u.impact), status_label(c, u.status.as_str()).to_lowercase()),
                })),
                "note": value_of(&format!("r_note_{id}"), this.map(|u| u.note.clone())),
                "likelihoods": scale(c, "likelihood", &l),
                "impacts": scale(c, "impact", &i),
                "statuses": options(c, &risk_statuses, &s, None),
                "note_error": err("note"),
                "likelihood_error": err("likelihood"),
                "impact_error": err("impact"),
                "status_error": err("status"),
                "general_error": (!general.is_empty()).then(|| general.join("; ")),
                "has_error": errors.iter().any(|e| e.field.starts_with(&format!("risks.{id}"))),
            })
        })
        .collect();
    let data = json!({
        "editable": editable,
        "activities": activities,
        "has_activities": !texts.activities.is_empty(),
        "narrative": narrative,
        "narrative_version": if from_form { posted.get("n_ver").cloned() } else { n.map(|n| n.version.to_string()) },
        "narrative_error": (!narrative_general.is_empty()).then(|| narrative_general.join("; ")),
        "has_narrative": n.is_some(),
        "risks": risks,
        "has_risks": !texts.risks.is_empty(),
    });
    (data, summary)
}
