//! Gathers everything a report shows for one project and window, in one read transaction,
//! with every figure computed by `domain/` (through the same store functions the API uses).
//! Templates receive this as JSON.

use crate::db::DbConnection;
use crate::domain::budget::{self, Month};
use crate::domain::period::Quarter;
use crate::domain::progress::{Thresholds, Window};
use crate::error::AppError;
use crate::store::exchange;
use crate::store::finance::{self, FinanceRow, FinanceSummary, SummaryQuery};
use crate::store::funding;
use crate::store::monitoring::{self, Narrative, Risk};
use crate::store::progress::{self, IndicatorProgress};
use crate::store::projects::Project;
use crate::store::results;
use crate::store::workplans;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    pub template: String,
    pub generated_at: String,
    pub generated_by: String,
    /// Unapproved data included (the report is watermarked).
    pub draft: bool,
    pub period: PeriodInfo,
    pub project: Project,
    pub donors: Vec<Donor>,
    /// The EU contribution's agreement reference (the EU contract number), if any.
    pub eu_contract: Option<String>,
    /// The EU financial statement (templates named `eu-*` of a project with an EU contribution).
    pub eu: Option<super::eu::EuReport>,
    /// Indicators grouped by the result they measure, in results-framework order.
    pub sections: Vec<Section>,
    /// Every indicator, flat.
    pub indicators: Vec<IndicatorLine>,
    pub activities: Vec<ActivityLine>,
    /// Narratives of the window's quarters, oldest first.
    pub narratives: Vec<Narrative>,
    /// The narrative of the window's last quarter, if written.
    pub narrative: Option<Narrative>,
    pub risks: Vec<Risk>,
    /// People reached in the window, from sex-disaggregated `sum` indicators counting persons.
    pub target_groups: TargetGroups,
    /// Bars of indicator % of the life-of-project target (numbers and percentages).
    pub chart: Vec<ChartBar>,
    /// Per quarter of the window: IPTT columns.
    pub iptt: Iptt,
    /// Financial part, when the project has a work plan (filled by the finance gatherer).
    pub finance: Option<serde_json::Value>,
    /// Changes to the project's data made during the window (the audit trail), newest first.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub date: String,
    pub user: String,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodInfo {
    pub label: String,
    pub from: String,
    pub to: String,
    pub start_date: String,
    pub end_date: String,
    pub next_quarter: String,
    pub quarters: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Donor {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub amount_minor: i64,
    pub currency: String,
    pub agreement_ref: Option<String>,
    pub indirect_rate_bp: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub code: String,
    pub level: String,
    /// "Impact", "Outcome", "Output", ...
    pub level_label: String,
    pub title: String,
    pub assumptions: Option<String>,
    pub indicators: Vec<IndicatorLine>,
}

/// One indicator's figures as templates use them.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorLine {
    #[serde(flatten)]
    pub progress: IndicatorProgress,
    /// Decimals to show (0 for counts, 1 otherwise).
    pub decimals: u8,
    /// Period actual disaggregated by sex, when the indicator has that dimension.
    pub women: Option<f64>,
    pub men: Option<f64>,
    /// The baseline in words when there is no number (qualitative indicators).
    pub baseline_note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityLine {
    pub code: String,
    pub title: String,
    pub parent_code: Option<String>,
    pub status: Option<String>,
    pub percent_complete: Option<i32>,
    pub narrative: Option<String>,
    /// Work-plan marks Q1..Q4 of the window's last year (empty without a work plan).
    pub planned: Vec<bool>,
    pub planned_this_quarter: bool,
    pub planned_next_quarter: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TargetGroups {
    pub women: f64,
    pub men: f64,
    pub total: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChartBar {
    pub label: String,
    pub value: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Iptt {
    /// The IPTT's periods: the window's quarters, or its years when it spans more than 8 quarters.
    pub periods: Vec<String>,
    pub rows: Vec<IpttRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IpttRow {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub result_code: String,
    pub level: String,
    pub measure: String,
    pub direction: String,
    pub accumulation: String,
    pub decimals: u8,
    pub baseline: Option<f64>,
    pub lop_target: Option<f64>,
    pub lop_actual: Option<f64>,
    pub lop_percent: Option<f64>,
    pub cells: Vec<IpttCell>,
    /// One row per disaggregation category (e.g. sex: women), actuals per quarter.
    pub disaggregation: Vec<IpttDisaggregation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IpttCell {
    pub target: Option<f64>,
    pub actual: Option<f64>,
    pub percent: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IpttDisaggregation {
    pub label: String,
    pub actuals: Vec<Option<f64>>,
}

fn level_label(level: &str) -> String {
    match level {
        "impact" => "Impact (overall objective)",
        "outcome" => "Outcome (specific objective)",
        "output" => "Output",
        "activity_result" => "Activity result",
        "activity" => "Activity",
        other => other,
    }
    .to_string()
}

fn line(p: IndicatorProgress, baseline_note: Option<String>) -> IndicatorLine {
    let whole = |v: Option<f64>| v.is_none_or(|x| x.fract() == 0.0);
    let pr = &p.progress;
    let decimals = if p.measure == "number"
        && whole(pr.baseline)
        && whole(pr.actual_period)
        && whole(pr.actual_cumulative)
        && whole(pr.target_lop)
    {
        0
    } else {
        1
    };
    let sex = pr.disaggregation.get("sex");
    IndicatorLine {
        women: sex.and_then(|m| m.get("women").copied()),
        men: sex.and_then(|m| m.get("men").copied()),
        decimals,
        // The note stands in for a baseline only when there is no number.
        baseline_note: baseline_note.filter(|_| pr.baseline.is_none()),
        progress: p,
    }
}

/// Gathers the report data. `include_unapproved` makes a draft.
#[allow(clippy::too_many_arguments)]
pub fn gather(
    conn: &mut DbConnection,
    project: &Project,
    template: &str,
    window: Window,
    include_unapproved: bool,
    thresholds: Thresholds,
    generated_by: &str,
) -> Result<ReportData, AppError> {
    progress::check_window(project, window)?;
    let inputs = progress::load_inputs(conn, project, window.to, include_unapproved)?;
    let progress = progress::compute_window(&inputs, window, thresholds);
    let notes: BTreeMap<i64, Option<String>> =
        inputs.indicators().iter().map(|i| (i.id, i.baseline_note.clone())).collect();
    let nodes = results::list(conn, project.id)?;

    let sources = funding::list_sources(conn)?;
    let donors: Vec<Donor> = funding::list_contributions(conn, project.id)?
        .into_iter()
        .filter_map(|c| {
            let s = sources.iter().find(|s| s.id == c.funding_source_id)?;
            Some(Donor {
                code: s.code.clone(),
                name: s.name.clone(),
                kind: s.kind.clone(),
                amount_minor: c.amount_minor,
                currency: c.currency,
                agreement_ref: c.agreement_ref,
                indirect_rate_bp: c.indirect_rate_bp,
            })
        })
        .collect();
    let eu_contract = donors.iter().find(|d| d.kind == "eu").and_then(|d| d.agreement_ref.clone());

    let lines: Vec<IndicatorLine> = progress
        .indicators
        .into_iter()
        .map(|p| line(p.clone(), notes.get(&p.indicator_id).cloned().flatten()))
        .collect();
    let mut sections: Vec<Section> = vec![];
    for l in &lines {
        match sections.iter_mut().find(|s| s.code == l.progress.result_code) {
            Some(s) => s.indicators.push(l.clone()),
            None => {
                let node = nodes.iter().find(|n| n.id == l.progress.result_id);
                sections.push(Section {
                    code: l.progress.result_code.clone(),
                    level: l.progress.result_level.clone(),
                    level_label: level_label(&l.progress.result_level),
                    title: l.progress.result_title.clone(),
                    assumptions: node.and_then(|n| n.assumptions.clone()),
                    indicators: vec![l.clone()],
                })
            }
        }
    }

    let mut target_groups = TargetGroups::default();
    for l in &lines {
        if let (true, Some(w), Some(m)) = (l.progress.accumulation == "sum", l.women, l.men) {
            target_groups.women += w;
            target_groups.men += m;
        }
    }
    target_groups.total = target_groups.women + target_groups.men;

    let chart = lines
        .iter()
        .filter_map(|l| {
            l.progress.progress.percent_of_lop_target.map(|v| ChartBar { label: l.progress.code.clone(), value: v })
        })
        .collect();

    // Activities with their progress in the window's last quarter.
    let last = window.to;
    let progress_rows = monitoring::list_activity_progress(conn, project.id, Some(last))?;
    let marks = progress::planned_marks(conn, project.id, last.year)?;
    let next = last.next();
    let next_marks =
        if next.year == last.year { marks.clone() } else { progress::planned_marks(conn, project.id, next.year)? };
    let activities = nodes
        .iter()
        .filter(|n| n.level == "activity")
        .map(|n| {
            let p = progress_rows.iter().find(|r| r.progress.result_id == n.id);
            ActivityLine {
                code: n.code.clone(),
                title: n.title.clone(),
                parent_code: n.parent_id.and_then(|pid| nodes.iter().find(|x| x.id == pid)).map(|x| x.code.clone()),
                status: p.map(|r| r.progress.status.clone()),
                percent_complete: p.map(|r| r.progress.percent_complete),
                narrative: p.and_then(|r| r.progress.narrative.clone()),
                planned: marks.get(&n.id).map(|m| m.to_vec()).unwrap_or_default(),
                planned_this_quarter: marks.get(&n.id).is_some_and(|m| m[usize::from(last.q) - 1]),
                planned_next_quarter: next_marks.get(&n.id).is_some_and(|m| m[usize::from(next.q) - 1]),
            }
        })
        .collect();

    let quarters: Vec<Quarter> = window.from.through(window.to).collect();
    let narratives: Vec<Narrative> = monitoring::list_narratives(conn, project.id)?
        .into_iter()
        .filter(|n| n.period.parse::<Quarter>().is_ok_and(|q| window.contains(q)))
        .collect();
    let narrative = narratives.iter().find(|n| n.period == last.to_string()).cloned();

    let iptt = build_iptt(&inputs, &lines, &quarters, thresholds);

    Ok(ReportData {
        template: template.to_string(),
        generated_at: chrono::Utc::now().format("%d %b %Y %H:%M UTC").to_string(),
        generated_by: generated_by.to_string(),
        draft: include_unapproved,
        period: PeriodInfo {
            label: window.label(),
            from: window.from.to_string(),
            to: window.to.to_string(),
            start_date: window.from.start().to_string(),
            end_date: window.to.end().to_string(),
            next_quarter: window.to.next().to_string(),
            quarters: quarters.iter().map(|q| q.to_string()).collect(),
        },
        project: project.clone(),
        donors,
        eu_contract,
        eu: super::eu::gather(conn, project, template, window, generated_by)?,
        sections,
        indicators: lines,
        activities,
        narratives,
        narrative,
        risks: monitoring::list_risks(conn, project.id)?,
        target_groups,
        chart,
        iptt,
        finance: gather_finance(conn, project, window)?,
        changes: crate::store::audit::list(
            conn,
            Some(project.id),
            &crate::store::audit::AuditFilter {
                from: Some(window.from.start()),
                to: Some(window.to.end()),
                limit: Some(500),
                ..Default::default()
            },
        )?
        .into_iter()
        .map(|e| Change {
            date: e.at.date().to_string(),
            user: e.user,
            entity: e.entity,
            entity_id: e.entity_id,
            action: e.action,
            reason: e.reason,
        })
        .collect(),
    })
}

/// IPTT: for each period (the window's quarters, or its years when it spans more than eight
/// quarters), the indicator's target, actual and % met, by the same `domain::progress` rules.
fn build_iptt(
    inputs: &progress::ProgressInputs,
    lines: &[IndicatorLine],
    quarters: &[Quarter],
    thresholds: Thresholds,
) -> Iptt {
    // Long windows get one column group per year, or the table would not fit a page.
    let windows: Vec<Window> = if quarters.len() > 8 {
        let (first, last) = (quarters[0], quarters[quarters.len() - 1]);
        (first.year..=last.year)
            .map(|y| {
                let w = Window::year(y);
                Window { from: w.from.max(first), to: w.to.min(last) }
            })
            .collect()
    } else {
        quarters.iter().map(|q| Window::quarter(*q)).collect()
    };
    let per_quarter: Vec<Vec<IndicatorProgress>> =
        windows.iter().map(|w| progress::compute_window(inputs, *w, thresholds).indicators).collect();
    let rows = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let cells: Vec<IpttCell> = per_quarter
                .iter()
                .map(|ind| {
                    let p = &ind[i].progress;
                    IpttCell { target: p.target_period, actual: p.actual_period, percent: p.percent_of_period_target }
                })
                .collect();
            let mut disaggregation = vec![];
            for (dim, cats) in &l.progress.progress.disaggregation {
                for cat in cats.keys() {
                    disaggregation.push(IpttDisaggregation {
                        label: format!("{dim}: {cat}"),
                        actuals: per_quarter
                            .iter()
                            .map(|ind| ind[i].progress.disaggregation.get(dim).and_then(|m| m.get(cat)).copied())
                            .collect(),
                    });
                }
            }
            let p = &l.progress.progress;
            IpttRow {
                code: l.progress.code.clone(),
                title: l.progress.title.clone(),
                unit: l.progress.unit.clone(),
                result_code: l.progress.result_code.clone(),
                level: l.progress.result_level.clone(),
                measure: l.progress.measure.clone(),
                direction: l.progress.direction.clone(),
                accumulation: l.progress.accumulation.clone(),
                decimals: l.decimals,
                baseline: p.baseline,
                lop_target: p.target_lop,
                lop_actual: p.actual_cumulative,
                lop_percent: p.percent_of_lop_target,
                cells,
                disaggregation,
            }
        })
        .collect();
    Iptt { periods: windows.iter().map(|w| w.label()).collect(), rows }
}

/// One line of a financial view in a report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MoneyRow {
    pub key: String,
    pub name: String,
    pub budget_minor: i64,
    pub expenditure_minor: i64,
    pub balance_minor: i64,
    pub delivery_percent: Option<f64>,
}

impl MoneyRow {
    fn new(key: String, name: String, budget_minor: i64, expenditure_minor: i64) -> Self {
        MoneyRow {
            key,
            name,
            budget_minor,
            expenditure_minor,
            balance_minor: budget_minor - expenditure_minor,
            delivery_percent: budget::delivery_rate_bp(expenditure_minor, budget_minor).map(|bp| bp as f64 / 100.0),
        }
    }

    /// The total of rows: sums, so a total always equals its lines.
    fn total(rows: &[MoneyRow]) -> MoneyRow {
        let (b, e) = rows.iter().fold((0, 0), |(b, e), r| (b + r.budget_minor, e + r.expenditure_minor));
        MoneyRow::new("Total".into(), String::new(), b, e)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MoneyView {
    pub sheet: String,
    pub label: String,
    pub rows: Vec<MoneyRow>,
    pub total: MoneyRow,
}

/// Adds up the quarter summaries' rows of one view, by key.
fn merge_view(summaries: &[FinanceSummary], pick: fn(&FinanceSummary) -> &Vec<FinanceRow>) -> Vec<MoneyRow> {
    let mut out: Vec<MoneyRow> = vec![];
    for s in summaries {
        for r in pick(s) {
            match out.iter_mut().find(|o| o.key == r.key) {
                Some(o) => {
                    o.budget_minor += r.budget_minor;
                    o.expenditure_minor += r.expenditure_minor;
                }
                None => out.push(MoneyRow {
                    key: r.key.clone(),
                    name: r.label.clone(),
                    budget_minor: r.budget_minor,
                    expenditure_minor: r.expenditure_minor,
                    ..Default::default()
                }),
            }
        }
    }
    out.into_iter().map(|r| MoneyRow::new(r.key, r.name, r.budget_minor, r.expenditure_minor)).collect()
}

/// The financial part of a report: budget (phased by quarter) against expenditure over the
/// window, by output, activity, funding source, account and EU heading; for EU-funded projects
/// the same in EUR at the stored rate of the window's last month.
pub fn gather_finance(
    conn: &mut DbConnection,
    project: &Project,
    window: Window,
) -> Result<Option<serde_json::Value>, AppError> {
    let plans = workplans::current_plans(conn, project.id)?;
    if !plans.iter().any(|p| p.year >= window.from.year && p.year <= window.to.year) {
        return Ok(None);
    }
    // Whole years in one summary each (a summary reads the plan once), other quarters alone.
    let mut periods = vec![];
    let mut q = window.from;
    while q <= window.to {
        let year_end = Quarter { year: q.year, q: 4 };
        if q.q == 1 && year_end <= window.to {
            periods.push(q.year.to_string());
            q = year_end.next();
        } else {
            periods.push(q.to_string());
            q = q.next();
        }
    }
    let mut summaries = vec![];
    for period in periods {
        summaries.push(finance::summary(conn, project, &SummaryQuery { period: Some(period) })?);
    }
    let lop = finance::summary(conn, project, &SummaryQuery { period: Some("LOP".into()) })?;
    let view = |sheet: &str, label: &str, rows: Vec<MoneyRow>| {
        let total = MoneyRow::total(&rows);
        MoneyView { sheet: sheet.into(), label: label.into(), rows, total }
    };
    let by_output = merge_view(&summaries, |s| &s.by_output);
    let by_source = merge_view(&summaries, |s| &s.by_funding_source);
    let by_heading = merge_view(&summaries, |s| &s.by_eu_heading);
    let views = vec![
        view("Finance by output", "Output", by_output.clone()),
        view("Finance by activity", "Activity", merge_view(&summaries, |s| &s.by_activity)),
        view("Finance by source", "Funding source", by_source.clone()),
        view("Finance by account", "Budget account", merge_view(&summaries, |s| &s.by_account)),
    ];
    let years: Vec<String> = plans
        .iter()
        .filter(|p| p.year >= window.from.year && p.year <= window.to.year)
        .map(|p| format!("{} revision {} ({})", p.year, p.revision, p.status))
        .collect();

    let sources = funding::list_sources(conn)?;
    let eu_source_codes: Vec<String> = sources.iter().filter(|s| s.kind == "eu").map(|s| s.code.clone()).collect();
    let has_eu = funding::list_contributions(conn, project.id)?
        .iter()
        .any(|c| sources.iter().any(|s| s.id == c.funding_source_id && s.kind == "eu"));
    let eu = if has_eu && project.currency != "EUR" {
        let month = Month { year: window.to.year, month: u32::from(window.to.q) * 3 };
        let rate = exchange::latest_up_to(conn, &project.currency, "EUR", month)?.ok_or_else(|| {
            AppError::field(
                "exchange_rate",
                format!(
                    "no {}/EUR exchange rate stored for {month} or earlier: add the UN operational rate first",
                    project.currency
                ),
            )
        })?;
        let how = rate.use_for(&project.currency);
        let eur = |minor: i64| budget::convert(minor, &project.currency, "EUR", rate.rate_micros, how).unwrap_or(0);
        let headings: Vec<serde_json::Value> = by_heading
            .iter()
            .map(|r| {
                serde_json::json!({"heading": r.key, "name": r.name, "budget_minor": eur(r.budget_minor),
                    "expenditure_minor": eur(r.expenditure_minor)})
            })
            .collect();
        let sources_eur: Vec<serde_json::Value> = by_source
            .iter()
            .map(|r| {
                let is_eu = eu_source_codes.contains(&r.key);
                serde_json::json!({"code": r.key, "name": r.name, "share": if is_eu { "EU contribution" } else { "co-financing" },
                    "budget_minor": eur(r.budget_minor), "expenditure_minor": eur(r.expenditure_minor)})
            })
            .collect();
        let sum = |v: &[serde_json::Value], k: &str| v.iter().map(|x| x[k].as_i64().unwrap_or(0)).sum::<i64>();
        Some(serde_json::json!({
            "rate": rate,
            "headings": headings,
            "headings_total": {"budget_minor": sum(&headings, "budget_minor"), "expenditure_minor": sum(&headings, "expenditure_minor")},
            "sources": sources_eur,
            "sources_total": {"budget_minor": sum(&sources_eur, "budget_minor"), "expenditure_minor": sum(&sources_eur, "expenditure_minor")},
        }))
    } else {
        None
    };
    Ok(Some(serde_json::json!({
        "currency": project.currency,
        "years": years.join(", "),
        "total_budget_minor": lop.total.budget_minor,
        "views": views,
        "by_output": by_output,
        "eu": eu,
    })))
}
