//! Gathers everything a report shows for one project and window, in one read transaction,
//! with every figure computed by `domain/` (through the same store functions the API uses).
//! Templates receive this as JSON.

use super::cdr::Cdr;
use crate::db::DbConnection;
use crate::domain::FundingKind;
use crate::domain::budget::WorkPlanStatus;
use crate::domain::budget::{self, Month};
use crate::domain::indicators::Accumulation;
use crate::domain::indicators::Measure;
use crate::domain::monitoring::IssueStatus;
use crate::domain::period::Quarter;
use crate::domain::progress::{Thresholds, Window};
use crate::domain::results::ResultLevel;
use crate::domain::results::compare_codes;
use crate::error::AppError;
use crate::schema::{memberships, users};
use crate::store::exchange::{self, RateUsed};
use crate::store::finance::{self, FinanceRow, FinanceSummary, SummaryQuery};
use crate::store::funding;
use crate::store::issues;
use crate::store::monitoring::{self, Narrative};
use crate::store::progress::{self, IndicatorProgress};
use crate::store::projects::Project;
use crate::store::results;
use crate::store::workplans;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    pub template: String,
    pub generated_at: String,
    pub generated_by: String,
    /// The day the report is generated (`2025-10-06`) and the time (`14:05 UTC`), for labels
    /// that write the date in the report's language.
    pub generated_on: String,
    pub generated_time: String,
    /// Unapproved data included (the report is watermarked).
    pub draft: bool,
    pub period: PeriodInfo,
    pub project: Project,
    pub donors: Vec<Donor>,
    /// The award: every contribution in the ledger currency at the window's end.
    pub award: Award,
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
    /// The risk log as it stood at the window's end.
    pub risks: Vec<RiskLine>,
    /// The issue log: issues raised by the window's end and not closed before it began.
    pub issues: Vec<IssueLine>,
    /// People reached in the window, from sex-disaggregated `sum` indicators counting persons.
    pub target_groups: TargetGroups,
    /// Bars of indicator % of the life-of-project target (numbers and percentages).
    pub chart: Vec<ChartBar>,
    /// Per quarter of the window: IPTT columns.
    pub iptt: Iptt,
    /// Financial part, when the project has a work plan up to the window's year.
    pub finance: Option<Finance>,
    /// The Combined Delivery Report: expenditure per output, activity, fund, implementing agent
    /// and account, per quarter (per year for a run across years). Filled by `reports::build_document`
    /// for the templates that use it (their source mentions `cdr.`), else none.
    pub cdr: Option<Cdr>,
    /// Who prepared the report and who approves it (the certification block).
    pub certification: Certification,
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
    /// `quarter`, `year` or `range` (any other run of quarters), for labels.
    pub kind: &'static str,
    pub from_year: i32,
    pub from_q: u8,
    pub to_year: i32,
    pub to_q: u8,
    pub from: String,
    pub to: String,
    pub start_date: String,
    pub end_date: String,
    /// 1 January of the window's last year (the start of the year to date).
    pub year_start_date: String,
    pub next_quarter: String,
    pub next_year: i32,
    pub next_q: u8,
    pub quarters: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Donor {
    pub code: String,
    pub name: String,
    pub kind: FundingKind,
    pub amount_minor: i64,
    pub currency: String,
    pub agreement_ref: Option<String>,
    pub indirect_rate_bp: Option<i32>,
    /// The contribution in the project's ledger currency (at `rate` when the currencies
    /// differ: the latest stored rate up to the window's end); none without a rate.
    pub ledger_minor: Option<i64>,
    pub rate: Option<RateUsed>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Award {
    pub currency: String,
    /// The sum of the donors' `ledger_minor`.
    pub total_minor: i64,
    /// Whether every contribution could be converted (else the total leaves some out).
    pub complete: bool,
    /// The rates the conversions used.
    pub rates: Vec<RateUsed>,
}

/// Who prepared a report and who approves it.
#[derive(Debug, Clone, Serialize)]
pub struct Certification {
    /// The user who generates the report.
    pub prepared_by: Signatory,
    /// The generation date (`YYYY-MM-DD`).
    pub prepared_on: String,
    /// The project's managers (by membership): they approve and issue reports. Empty when the
    /// project has none: the block then leaves the name to be written in.
    pub approvers: Vec<Signatory>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Signatory {
    pub name: String,
    pub email: Option<String>,
    /// The role on the project (`coordinator`, `manager`, ...), `admin`, or none.
    pub role: Option<String>,
}

/// A risk as it stood at the window's end: the rating of its latest review at or before the
/// end (its current rating when it had none by then).
#[derive(Debug, Clone, Serialize)]
pub struct RiskLine {
    pub code: String,
    pub description: String,
    pub category: crate::domain::monitoring::RiskCategory,
    pub likelihood: i32,
    pub impact: i32,
    pub level: &'static str,
    pub mitigation: Option<String>,
    pub owner: Option<String>,
    pub status: crate::domain::monitoring::RiskStatus,
    /// The quarter of that review (`2025-Q3`, and as year and quarter) and its note.
    pub reviewed: Option<String>,
    pub reviewed_year: Option<i32>,
    pub reviewed_q: Option<u8>,
    pub note: Option<String>,
}

/// An issue as it stood at the window's end (closed only if closed by then).
#[derive(Debug, Clone, Serialize)]
pub struct IssueLine {
    pub code: String,
    pub issue_type: crate::domain::monitoring::IssueType,
    pub description: String,
    pub raised_on: String,
    pub raised_by: Option<String>,
    pub priority: crate::domain::monitoring::IssuePriority,
    pub response: Option<String>,
    pub owner: Option<String>,
    pub status: IssueStatus,
    pub closed_on: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub code: String,
    pub level: ResultLevel,
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
    /// A yes/no milestone: its values as yes (1) or no (0), for "Yes" / "No" in words.
    pub yes_no: bool,
    pub baseline_yes: Option<bool>,
    pub target_year_yes: Option<bool>,
    pub target_lop_yes: Option<bool>,
    pub actual_period_yes: Option<bool>,
    pub actual_cumulative_yes: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityLine {
    pub code: String,
    pub title: String,
    pub parent_code: Option<String>,
    pub status: Option<crate::domain::monitoring::ActivityStatus>,
    pub percent_complete: Option<i32>,
    pub narrative: Option<String>,
    /// Work-plan marks Q1..Q4 of the window's last year (empty without a work plan).
    pub planned: Vec<bool>,
    /// The same as quarter numbers (`[2, 3]`).
    pub planned_quarters: Vec<u8>,
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
    pub periods: Vec<IpttPeriod>,
    pub rows: Vec<IpttRow>,
}

/// A column group of the IPTT: a quarter, or (part of) a year.
#[derive(Debug, Clone, Serialize)]
pub struct IpttPeriod {
    pub label: String,
    pub year: i32,
    /// The quarter, for a quarter column; none for a year.
    pub quarter: Option<u8>,
    /// For a year column: the quarters it covers (1 and 4 for a whole year).
    pub from_q: u8,
    pub to_q: u8,
    pub whole_year: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct IpttRow {
    /// The row's number in the table (1, 2, ...).
    pub number: usize,
    pub code: String,
    pub title: String,
    pub unit: String,
    pub result_code: String,
    pub level: ResultLevel,
    pub measure: Measure,
    pub direction: crate::domain::indicators::Direction,
    pub accumulation: Accumulation,
    pub decimals: u8,
    pub baseline: Option<f64>,
    pub lop_target: Option<f64>,
    pub lop_actual: Option<f64>,
    pub lop_percent: Option<f64>,
    /// Text targets and values (qualitative indicators).
    pub lop_target_text: Option<String>,
    pub lop_text: Option<String>,
    /// Yes/no milestones: the values as yes or no.
    pub yes_no: bool,
    pub baseline_yes: Option<bool>,
    pub lop_target_yes: Option<bool>,
    pub lop_actual_yes: Option<bool>,
    /// % met is baseline-aware (levels): (actual - baseline) / (target - baseline).
    pub baseline_aware: bool,
    pub cells: Vec<IpttCell>,
    /// One row per disaggregation category (e.g. sex: women): its actual to date and share,
    /// and its actual and share in each period.
    pub disaggregation: Vec<IpttDisaggregation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IpttCell {
    pub target: Option<f64>,
    pub actual: Option<f64>,
    pub percent: Option<f64>,
    pub target_text: Option<String>,
    pub text: Option<String>,
    pub target_yes: Option<bool>,
    pub actual_yes: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IpttDisaggregation {
    /// `sex: women`
    pub label: String,
    pub dimension: String,
    pub category: String,
    /// Life of project (to the window's end): the category's actual and its share of the
    /// dimension's total (%).
    pub lop_actual: Option<f64>,
    pub lop_share: Option<f64>,
    pub actuals: Vec<Option<f64>>,
    pub shares: Vec<Option<f64>>,
}

fn level_label(level: ResultLevel) -> String {
    match level {
        ResultLevel::Impact => "Impact (overall objective)",
        ResultLevel::Outcome => "Outcome (specific objective)",
        ResultLevel::Output => "Output",
        ResultLevel::ActivityResult => "Activity result",
        ResultLevel::Activity => "Activity",
    }
    .to_string()
}

/// A yes/no milestone's value (1 yes, 0 no) as a yes or a no.
fn yes(v: Option<f64>) -> Option<bool> {
    v.map(|x| x >= 0.5)
}

fn line(p: IndicatorProgress, baseline_note: Option<String>) -> IndicatorLine {
    let whole = |v: Option<f64>| v.is_none_or(|x| x.fract() == 0.0);
    let pr = &p.progress;
    let decimals = if p.measure == Measure::Number
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
    let yes_no = p.measure == Measure::YesNo;
    let yn = |v: Option<f64>| if yes_no { yes(v) } else { None };
    IndicatorLine {
        women: sex.and_then(|m| m.get("women").copied()),
        men: sex.and_then(|m| m.get("men").copied()),
        decimals,
        // The note stands in for a baseline only when there is no number.
        baseline_note: baseline_note.filter(|_| pr.baseline.is_none()),
        yes_no,
        baseline_yes: yn(pr.baseline),
        target_year_yes: yn(pr.target_year),
        target_lop_yes: yn(pr.target_lop),
        actual_period_yes: yn(pr.actual_period),
        actual_cumulative_yes: yn(pr.actual_cumulative),
        progress: p,
    }
}

fn period_info(window: Window) -> PeriodInfo {
    let kind = match window.as_period() {
        Some(crate::domain::period::Period::Quarter(_)) => "quarter",
        Some(crate::domain::period::Period::Year(_)) => "year",
        _ => "range",
    };
    let next = window.to.next();
    PeriodInfo {
        label: window.label(),
        kind,
        from_year: window.from.year,
        from_q: window.from.q,
        to_year: window.to.year,
        to_q: window.to.q,
        from: window.from.to_string(),
        to: window.to.to_string(),
        start_date: window.from.start().to_string(),
        end_date: window.to.end().to_string(),
        year_start_date: Quarter { year: window.to.year, q: 1 }.start().to_string(),
        next_quarter: next.to_string(),
        next_year: next.year,
        next_q: next.q,
        quarters: window.from.through(window.to).map(|q| q.to_string()).collect(),
    }
}

/// The risk log at the window's end.
fn risks_at(conn: &mut DbConnection, project: &Project, window: Window) -> Result<Vec<RiskLine>, AppError> {
    let end = window.to.to_string();
    Ok(monitoring::list_risks(conn, project.id)?
        .into_iter()
        .map(|r| {
            let review = r.updates.iter().filter(|u| u.period <= end).max_by(|a, b| a.period.cmp(&b.period));
            let (likelihood, impact, status) = match review {
                Some(u) => (u.likelihood, u.impact, u.status),
                None => (r.likelihood, r.impact, r.status),
            };
            RiskLine {
                code: r.code,
                description: r.description,
                category: r.category,
                likelihood,
                impact,
                level: crate::domain::monitoring::risk_level(likelihood, impact).as_str(),
                mitigation: r.mitigation,
                owner: r.owner,
                status,
                reviewed: review.map(|u| u.period.clone()),
                reviewed_year: review.and_then(|u| u.period.parse::<Quarter>().ok()).map(|q| q.year),
                reviewed_q: review.and_then(|u| u.period.parse::<Quarter>().ok()).map(|q| q.q),
                note: review.map(|u| u.note.clone()),
            }
        })
        .collect())
}

/// The issue log of the window: raised by its end, not closed before it began; an issue
/// closed after the window's end is shown as it stood then (open).
fn issues_in(conn: &mut DbConnection, project: &Project, window: Window) -> Result<Vec<IssueLine>, AppError> {
    let (start, end) = (window.from.start(), window.to.end());
    Ok(issues::list(conn, project.id)?
        .into_iter()
        .filter(|i| i.raised_on <= end && i.closed_on.is_none_or(|c| c >= start))
        .map(|i| {
            let closed = i.closed_on.filter(|c| *c <= end);
            let status = if i.status == IssueStatus::Closed && closed.is_none() { IssueStatus::Open } else { i.status };
            IssueLine {
                code: i.code,
                issue_type: i.issue_type,
                description: i.description,
                raised_on: i.raised_on.to_string(),
                raised_by: i.raised_by,
                priority: i.priority,
                response: i.response,
                owner: i.owner,
                status,
                closed_on: closed.map(|c| c.to_string()),
            }
        })
        .collect())
}

/// Who prepares (the user generating, found by email) and who approves (the project's managers).
fn certification(conn: &mut DbConnection, project: &Project, generated_by: &str) -> Result<Certification, AppError> {
    let user: Option<(i64, String, String, bool)> = users::table
        .filter(users::email.eq(generated_by))
        .select((users::id, users::name, users::email, users::is_admin))
        .first(conn)
        .optional()?;
    let prepared_by = match user {
        Some((id, name, email, is_admin)) => {
            let role: Option<String> = memberships::table
                .filter(memberships::user_id.eq(id))
                .filter(memberships::project_id.eq(project.id))
                .select(memberships::role)
                .first(conn)
                .optional()?;
            Signatory { name, email: Some(email), role: role.or_else(|| is_admin.then(|| "admin".to_string())) }
        }
        None => Signatory { name: generated_by.to_string(), email: None, role: None },
    };
    let approvers = memberships::table
        .inner_join(users::table)
        .filter(memberships::project_id.eq(project.id))
        .filter(memberships::role.eq("manager"))
        .filter(users::active.eq(true))
        .select((users::name, users::email))
        .order(users::name)
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(name, email)| Signatory { name, email: Some(email), role: Some("manager".into()) })
        .collect();
    Ok(Certification { prepared_by, prepared_on: chrono::Utc::now().date_naive().to_string(), approvers })
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

    // Contributions in the ledger currency at the window's end, as the finance summary of the
    // window's last quarter converts them.
    let at_end = finance::summary(conn, project, &SummaryQuery { period: Some(window.to.to_string()) })?;
    let sources = funding::list_sources(conn)?;
    let donors: Vec<Donor> = funding::list_contributions(conn, project.id)?
        .into_iter()
        .filter_map(|c| {
            let s = sources.iter().find(|s| s.id == c.funding_source_id)?;
            let status = at_end.contributions.iter().find(|x| x.funding_source_id == c.funding_source_id);
            Some(Donor {
                code: s.code.clone(),
                name: s.name.clone(),
                kind: s.kind,
                amount_minor: c.amount_minor,
                currency: c.currency,
                agreement_ref: c.agreement_ref,
                indirect_rate_bp: c.indirect_rate_bp,
                ledger_minor: status.and_then(|x| x.committed_ledger_minor),
                rate: status.and_then(|x| x.committed_rate.clone()),
            })
        })
        .collect();
    let eu_contract = donors.iter().find(|d| d.kind == FundingKind::Eu).and_then(|d| d.agreement_ref.clone());
    let award_total: i128 = donors.iter().filter_map(|d| d.ledger_minor).map(i128::from).sum();
    let award = Award {
        currency: project.currency.clone(),
        total_minor: i64::try_from(award_total).map_err(|_| AppError::Internal("award out of range".into()))?,
        complete: donors.iter().all(|d| d.ledger_minor.is_some()),
        rates: donors.iter().filter_map(|d| d.rate.clone()).collect(),
    };

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
                    level: l.progress.result_level,
                    level_label: level_label(l.progress.result_level),
                    title: l.progress.result_title.clone(),
                    assumptions: node.and_then(|n| n.assumptions.clone()),
                    indicators: vec![l.clone()],
                })
            }
        }
    }

    let mut target_groups = TargetGroups::default();
    for l in &lines {
        if let (true, Some(w), Some(m)) = (l.progress.accumulation == Accumulation::Sum, l.women, l.men) {
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
        .filter(|n| n.level == ResultLevel::Activity)
        .map(|n| {
            let p = progress_rows.iter().find(|r| r.progress.result_id == n.id);
            let planned = marks.get(&n.id).map(|m| m.to_vec()).unwrap_or_default();
            ActivityLine {
                code: n.code.clone(),
                title: n.title.clone(),
                parent_code: n.parent_id.and_then(|pid| nodes.iter().find(|x| x.id == pid)).map(|x| x.code.clone()),
                status: p.map(|r| r.progress.status),
                percent_complete: p.map(|r| r.progress.percent_complete),
                narrative: p.and_then(|r| r.progress.narrative.clone()),
                planned_quarters: (1..=4u8).filter(|q| planned.get(usize::from(q - 1)) == Some(&true)).collect(),
                planned,
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

    let iptt = build_iptt(&inputs, &lines, &quarters, project, thresholds);
    let now = chrono::Utc::now();

    Ok(ReportData {
        template: template.to_string(),
        generated_at: now.format("%d %b %Y %H:%M UTC").to_string(),
        generated_by: generated_by.to_string(),
        generated_on: now.date_naive().to_string(),
        generated_time: now.format("%H:%M UTC").to_string(),
        draft: include_unapproved,
        period: period_info(window),
        project: project.clone(),
        donors,
        award,
        eu_contract,
        eu: super::eu::gather(conn, project, template, window, generated_by)?,
        sections,
        indicators: lines,
        activities,
        narratives,
        narrative,
        risks: risks_at(conn, project, window)?,
        issues: issues_in(conn, project, window)?,
        target_groups,
        chart,
        iptt,
        finance: gather_finance(conn, project, window)?,
        cdr: None,
        certification: certification(conn, project, generated_by)?,
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
/// quarters), the indicator's target, actual and % met, by the same `domain::progress` rules;
/// life of project to the window's end; disaggregation with shares.
fn build_iptt(
    inputs: &progress::ProgressInputs,
    lines: &[IndicatorLine],
    quarters: &[Quarter],
    project: &Project,
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
    let yearly = quarters.len() > 8;
    let per_window: Vec<Vec<IndicatorProgress>> =
        windows.iter().map(|w| progress::compute_window(inputs, *w, thresholds).indicators).collect();
    // Life of project to the window's end: the disaggregation of everything counted so far.
    let end = quarters[quarters.len() - 1];
    let start = Quarter::of(project.start_date).min(end);
    let lop = progress::compute_window(inputs, Window { from: start, to: end }, thresholds).indicators;
    let share = |part: Option<f64>, whole: f64| part.filter(|_| whole > 0.0).map(|p| 100.0 * p / whole);
    let rows = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let yes_no = l.progress.measure == Measure::YesNo;
            let qualitative = l.progress.measure == Measure::Qualitative;
            let yn = |v: Option<f64>| if yes_no { yes(v) } else { None };
            let cells: Vec<IpttCell> = per_window
                .iter()
                .map(|ind| {
                    let p = &ind[i].progress;
                    IpttCell {
                        target: p.target_period,
                        actual: p.actual_period,
                        percent: p.percent_of_period_target,
                        // A described target stands in for a number only for qualitative indicators.
                        target_text: p.target_text.clone().filter(|_| qualitative && p.target_period.is_none()),
                        text: p.text.clone(),
                        target_yes: yn(p.target_period),
                        actual_yes: yn(p.actual_period),
                    }
                })
                .collect();
            let mut disaggregation = vec![];
            let lop_dis = &lop[i].progress.disaggregation;
            let mut dims: Vec<&String> = lop_dis.keys().collect();
            for ind in &per_window {
                dims.extend(ind[i].progress.disaggregation.keys());
            }
            dims.sort();
            dims.dedup();
            for dim in dims {
                let mut cats: Vec<&String> = lop_dis.get(dim).map(|m| m.keys().collect()).unwrap_or_default();
                for ind in &per_window {
                    cats.extend(ind[i].progress.disaggregation.get(dim).into_iter().flat_map(|m| m.keys()));
                }
                cats.sort();
                cats.dedup();
                let lop_total: f64 = lop_dis.get(dim).map(|m| m.values().sum()).unwrap_or(0.0);
                for cat in cats {
                    let lop_actual = lop_dis.get(dim).and_then(|m| m.get(cat)).copied();
                    let actuals: Vec<Option<f64>> = per_window
                        .iter()
                        .map(|ind| ind[i].progress.disaggregation.get(dim).and_then(|m| m.get(cat)).copied())
                        .collect();
                    let shares = per_window
                        .iter()
                        .zip(&actuals)
                        .map(|(ind, a)| {
                            let whole =
                                ind[i].progress.disaggregation.get(dim).map(|m| m.values().sum()).unwrap_or(0.0);
                            share(*a, whole)
                        })
                        .collect();
                    disaggregation.push(IpttDisaggregation {
                        label: format!("{dim}: {cat}"),
                        dimension: dim.clone(),
                        category: cat.clone(),
                        lop_actual,
                        lop_share: share(lop_actual, lop_total),
                        actuals,
                        shares,
                    });
                }
            }
            let p = &l.progress.progress;
            IpttRow {
                number: i + 1,
                code: l.progress.code.clone(),
                title: l.progress.title.clone(),
                unit: l.progress.unit.clone(),
                result_code: l.progress.result_code.clone(),
                level: l.progress.result_level,
                measure: l.progress.measure,
                direction: l.progress.direction,
                accumulation: l.progress.accumulation,
                decimals: l.decimals,
                baseline: p.baseline,
                lop_target: p.target_lop,
                lop_actual: p.actual_cumulative,
                lop_percent: p.percent_of_lop_target,
                lop_target_text: lop[i].progress.target_text.clone().filter(|_| qualitative && p.target_lop.is_none()),
                lop_text: p.text.clone(),
                yes_no,
                baseline_yes: yn(p.baseline),
                lop_target_yes: yn(p.target_lop),
                lop_actual_yes: yn(p.actual_cumulative),
                baseline_aware: !(l.progress.accumulation == Accumulation::Sum
                    && l.progress.measure == Measure::Number),
                cells,
                disaggregation,
            }
        })
        .collect();
    let periods = windows
        .iter()
        .map(|w| IpttPeriod {
            label: w.label(),
            year: w.to.year,
            quarter: (!yearly).then_some(w.to.q),
            from_q: w.from.q,
            to_q: w.to.q,
            whole_year: w.from.q == 1 && w.to.q == 4,
        })
        .collect();
    Iptt { periods, rows }
}

/// One line of a financial view in a report: a row of the finance aggregation, as is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MoneyRow {
    pub key: String,
    pub name: String,
    pub budget_minor: i64,
    pub expenditure_minor: i64,
    pub balance_minor: i64,
    pub delivery_percent: Option<f64>,
}

impl From<&FinanceRow> for MoneyRow {
    fn from(r: &FinanceRow) -> Self {
        MoneyRow {
            key: r.key.clone(),
            name: r.label.clone(),
            budget_minor: r.budget_minor,
            expenditure_minor: r.expenditure_minor,
            balance_minor: r.balance_minor,
            delivery_percent: r.delivery_rate_bp.map(|bp| bp as f64 / 100.0),
        }
    }
}

/// Budget against expenditure over one scope (the period, the year to date, since the start).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Delivery {
    pub budget_minor: i64,
    pub expenditure_minor: i64,
    pub balance_minor: i64,
    /// Expenditure / budget (%, from basis points rounded half away from zero); none without budget.
    pub delivery_percent: Option<f64>,
}

/// A sum that does not fit 64 bits is an error, never a wrapped figure.
fn narrow(v: i128) -> Result<i64, AppError> {
    i64::try_from(v).map_err(|_| AppError::Internal("finance figure out of range".into()))
}

impl Delivery {
    /// From an exact budget and expenditure, `[budget, expenditure]`.
    fn of([budget, spent]: [i128; 2]) -> Result<Self, AppError> {
        let (budget_minor, expenditure_minor) = (narrow(budget)?, narrow(spent)?);
        Ok(Delivery {
            budget_minor,
            expenditure_minor,
            balance_minor: narrow(budget - spent)?,
            delivery_percent: budget::delivery_rate_bp(expenditure_minor, budget_minor).map(|bp| bp as f64 / 100.0),
        })
    }
}

/// A line of a delivery view: one output, activity, funding source or account.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryRow {
    /// Code of the output, activity, source or account; `-` for lines outside any activity.
    pub key: String,
    pub name: String,
    /// False for the `-` row (plan-level lines such as GMS).
    pub assigned: bool,
    /// The window: its budget (the approved plans' quarterly budget) and expenditure.
    pub period: Delivery,
    /// The year to date: against the approved work plan of the window's year (its whole budget).
    pub ytd: Delivery,
    /// Since the start of the project: against the approved work plans of every year to the
    /// window's year.
    pub cumulative: Delivery,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeliveryView {
    /// `output`, `activity`, `source` or `account`.
    pub kind: &'static str,
    pub rows: Vec<DeliveryRow>,
    /// The sum of the rows.
    pub total: DeliveryRow,
}

/// A year's work plan as the report counts it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanLine {
    pub year: i32,
    pub revision: i32,
    pub status: WorkPlanStatus,
    pub approved_on: Option<String>,
    pub total_minor: i64,
    /// Only an approved plan is a budget; a draft is shown but not counted.
    pub counted: bool,
}

/// The financial part of a report, in the project's ledger currency.
#[derive(Debug, Clone, Serialize)]
pub struct Finance {
    pub currency: String,
    /// The plans of the window's years, in words (`2025 revision 1 (approved)`).
    pub years: String,
    /// Every year's current plan, counted or not.
    pub plans: Vec<PlanLine>,
    /// Years whose plan is still a draft: no budget for them.
    pub draft_years: Vec<i32>,
    /// The approved work plans of every year.
    pub total_budget_minor: i64,
    /// Output, activity, funding source, account: the window, the year to date, since the start.
    pub views: Vec<DeliveryView>,
    /// Budget and expenditure of the window by output.
    pub by_output: Vec<MoneyRow>,
    /// Delivery by output for the year to date against the approved AWP of the year: every
    /// output the plan budgets, 0 % included.
    pub chart: Vec<ChartBar>,
    /// The EU statement (EUR at the stored rate of the window's last month).
    pub eu: Option<serde_json::Value>,
}

/// Budget and expenditure per scope (period, year to date, cumulative), exact.
type Scoped = [[i128; 2]; 3];

/// The four views' lines side by side: each scope is one finance summary's rows, as is.
#[derive(Default)]
struct Views {
    /// view -> key -> (name, [scope][budget, expenditure])
    rows: [BTreeMap<String, (String, Scoped)>; 4],
}

const VIEW_KINDS: [&str; 4] = ["output", "activity", "source", "account"];

impl Views {
    /// Puts a summary's rows in a scope (0 the period, 1 the year to date, 2 since the start).
    fn set(&mut self, s: &FinanceSummary, scope: usize) {
        let groups: [&Vec<FinanceRow>; 4] = [&s.by_output, &s.by_activity, &s.by_funding_source, &s.by_account];
        for (view, rows) in groups.into_iter().enumerate() {
            for r in rows {
                let slot = self.rows[view].entry(r.key.clone()).or_insert_with(|| (r.label.clone(), [[0; 2]; 3]));
                slot.1[scope] = [i128::from(r.budget_minor), i128::from(r.expenditure_minor)];
            }
        }
    }

    /// The views with their totals: the sum of their rows, exact, narrowed with an error.
    fn finish(self) -> Result<Vec<DeliveryView>, AppError> {
        let mut out = vec![];
        for (view, rows) in self.rows.into_iter().enumerate() {
            let mut lines = vec![];
            let mut sums = [[0i128; 2]; 3];
            for (key, (name, v)) in rows {
                for (s, x) in sums.iter_mut().zip(v.iter()) {
                    s[0] += x[0];
                    s[1] += x[1];
                }
                lines.push(DeliveryRow {
                    assigned: key != "-",
                    key,
                    name,
                    period: Delivery::of(v[0])?,
                    ytd: Delivery::of(v[1])?,
                    cumulative: Delivery::of(v[2])?,
                });
            }
            if view < 2 {
                lines.sort_by(|a, b| match (a.assigned, b.assigned) {
                    (true, true) => compare_codes(&a.key, &b.key),
                    (x, y) => y.cmp(&x),
                });
            }
            let total = DeliveryRow {
                key: "total".into(),
                name: String::new(),
                assigned: true,
                period: Delivery::of(sums[0])?,
                ytd: Delivery::of(sums[1])?,
                cumulative: Delivery::of(sums[2])?,
            };
            out.push(DeliveryView { kind: VIEW_KINDS[view], rows: lines, total });
        }
        Ok(out)
    }
}

/// The financial part of a report: budget against expenditure by output, activity, funding
/// source and account, for the window (the approved plans' quarterly budget), the year to date
/// (against the approved AWP of the year) and since the start (against the approved AWPs to
/// date), each scope one finance aggregation ([`finance::summary_window`], the one behind
/// `GET /projects/{p}/finance/summary?period=2014-Q1..2014-Q3`). A draft plan is never a
/// budget: its years count no budget. For EU-funded projects the window's figures in EUR at
/// the stored rate of its last month.
fn gather_finance(conn: &mut DbConnection, project: &Project, window: Window) -> Result<Option<Finance>, AppError> {
    let plans = workplans::current_plans(conn, project.id)?;
    if !plans.iter().any(|p| p.year <= window.to.year) {
        return Ok(None);
    }
    let totals: HashMap<i64, i64> =
        workplans::list(conn, project.id)?.into_iter().map(|p| (p.plan.id, p.total_minor)).collect();

    let approved = finance::BudgetOf::ApprovedPlans;
    let year = window.to.year;
    let (first, last) = (Quarter { year, q: 1 }, Quarter { year, q: 4 });
    let start = Quarter { year: chrono::Datelike::year(&project.start_date), q: 1 };
    // The window; the year to date: the whole approved AWP of the year against what is spent
    // since Q1; since the start: every approved AWP to the year against everything spent.
    let in_window =
        finance::summary_window(conn, project, (window.from, window.to), (window.from, window.to), approved)?;
    let ytd = finance::summary_window(conn, project, (first, last), (first, window.to), approved)?;
    let cumulative = finance::summary_window(conn, project, (start, last), (start, window.to), approved)?;
    let mut views = Views::default();
    for (scope, s) in [&in_window, &ytd, &cumulative].into_iter().enumerate() {
        views.set(s, scope);
    }
    let views = views.finish()?;
    let chart = views[0]
        .rows
        .iter()
        .filter(|r| r.ytd.budget_minor > 0)
        .map(|r| ChartBar { label: r.key.clone(), value: r.ytd.delivery_percent.unwrap_or(0.0) })
        .collect();
    let rows = |rows: &[FinanceRow]| -> Vec<MoneyRow> { rows.iter().map(MoneyRow::from).collect() };

    let plan_lines: Vec<PlanLine> = plans
        .iter()
        .map(|p| PlanLine {
            year: p.year,
            revision: p.revision,
            status: p.status,
            approved_on: p.approved_on.map(|d| d.to_string()),
            total_minor: totals.get(&p.id).copied().unwrap_or_default(),
            counted: p.status == WorkPlanStatus::Approved,
        })
        .collect();
    let total_budget_minor = plan_lines.iter().filter(|p| p.counted).map(|p| i128::from(p.total_minor)).sum::<i128>();
    let years: Vec<String> = plans
        .iter()
        .filter(|p| p.year >= window.from.year && p.year <= window.to.year)
        .map(|p| format!("{} revision {} ({})", p.year, p.revision, p.status))
        .collect();

    Ok(Some(Finance {
        currency: project.currency.clone(),
        years: years.join(", "),
        draft_years: plans.iter().filter(|p| p.status != WorkPlanStatus::Approved).map(|p| p.year).collect(),
        plans: plan_lines,
        total_budget_minor: narrow(total_budget_minor)?,
        views,
        by_output: rows(&in_window.by_output),
        chart,
        eu: eu_statement(conn, project, window, &rows(&in_window.by_funding_source), &rows(&in_window.by_eu_heading))?,
    }))
}

/// The window's figures in EUR at the stored rate of its last month, for EU-funded projects.
fn eu_statement(
    conn: &mut DbConnection,
    project: &Project,
    window: Window,
    by_source: &[MoneyRow],
    by_heading: &[MoneyRow],
) -> Result<Option<serde_json::Value>, AppError> {
    let sources = funding::list_sources(conn)?;
    let eu_source_codes: Vec<String> =
        sources.iter().filter(|s| s.kind == FundingKind::Eu).map(|s| s.code.clone()).collect();
    let has_eu = funding::list_contributions(conn, project.id)?
        .iter()
        .any(|c| sources.iter().any(|s| s.id == c.funding_source_id && s.kind == FundingKind::Eu));
    if !has_eu || project.currency == "EUR" {
        return Ok(None);
    }
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
    let eur = |minor: i64| {
        budget::convert(minor, &project.currency, "EUR", rate.rate_micros, how)
            .ok_or_else(|| AppError::field("exchange_rate", "an amount is too large to convert"))
    };
    let mut headings: Vec<serde_json::Value> = vec![];
    for r in by_heading {
        headings.push(serde_json::json!({"heading": r.key, "name": r.name, "budget_minor": eur(r.budget_minor)?,
            "expenditure_minor": eur(r.expenditure_minor)?}));
    }
    let mut sources_eur: Vec<serde_json::Value> = vec![];
    for r in by_source {
        let is_eu = eu_source_codes.contains(&r.key);
        sources_eur.push(serde_json::json!({"code": r.key, "name": r.name,
            "share": if is_eu { "EU contribution" } else { "co-financing" },
            "budget_minor": eur(r.budget_minor)?, "expenditure_minor": eur(r.expenditure_minor)?}));
    }
    // Totals: the sum of the converted lines, exact.
    let sum = |v: &[serde_json::Value], k: &str| narrow(v.iter().map(|x| i128::from(x[k].as_i64().unwrap_or(0))).sum());
    Ok(Some(serde_json::json!({
        "rate": rate,
        "headings": headings,
        "headings_total": {"budget_minor": sum(&headings, "budget_minor")?, "expenditure_minor": sum(&headings, "expenditure_minor")?},
        "sources": sources_eur,
        "sources_total": {"budget_minor": sum(&sources_eur, "budget_minor")?, "expenditure_minor": sum(&sources_eur, "expenditure_minor")?},
    })))
}
