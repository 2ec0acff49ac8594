//! Gathers everything a report shows for one project and window, in one read transaction,
//! with every figure computed by `domain/` (through the same store functions the API uses).
//! Templates receive this as JSON.

use crate::db::DbConnection;
use crate::domain::period::Quarter;
use crate::domain::progress::{Thresholds, Window};
use crate::error::AppError;
use crate::store::funding;
use crate::store::monitoring::{self, Narrative, Risk};
use crate::store::progress::{self, IndicatorProgress};
use crate::store::projects::Project;
use crate::store::results;
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
    pub quarters: Vec<String>,
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
        baseline_note,
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
    let indicators_full = crate::store::indicators::list(conn, project.id)?;
    let notes: BTreeMap<i64, Option<String>> =
        indicators_full.iter().map(|i| (i.id, i.baseline_note.clone())).collect();
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
                planned: vec![],
                planned_this_quarter: false,
                planned_next_quarter: false,
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
        sections,
        indicators: lines,
        activities,
        narratives,
        narrative,
        risks: monitoring::list_risks(conn, project.id)?,
        target_groups,
        chart,
        iptt,
        finance: None,
    })
}

/// IPTT: for each quarter of the window, the indicator's target, actual and % met, computed by
/// the same `domain::progress` rules for a one-quarter window.
fn build_iptt(
    inputs: &progress::ProgressInputs,
    lines: &[IndicatorLine],
    quarters: &[Quarter],
    thresholds: Thresholds,
) -> Iptt {
    let per_quarter: Vec<Vec<IndicatorProgress>> =
        quarters.iter().map(|q| progress::compute_window(inputs, Window::quarter(*q), thresholds).indicators).collect();
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
    Iptt { quarters: quarters.iter().map(|q| q.to_string()).collect(), rows }
}
