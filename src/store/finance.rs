//! The finance views and checks of a project: read-only use cases that gather facts from the
//! work plans, expenditures, receipts and contributions, and hand them to the pure rules of
//! [`crate::domain::budget`] and [`crate::domain::finance_checks`].

use super::exchange::{self, RateUsed};
use super::workplans::{self, LineRecord, Names, WorkPlanHeader};
use crate::db::DbConnection;
use crate::domain::budget::{
    BudgetFact, Month, Scope, SpendFact, Tally, WorkPlanStatus, convert, eu_heading_name, format_bp, quarterly_budget,
    summarize,
};
use crate::domain::finance_checks::{
    self, CheckInput, CheckLine, CheckPlan, CheckSource, CheckSpend, Finding, Severity,
};
use crate::domain::period::{Period, Quarter};
use crate::domain::results::{ResultLevel, compare_codes};
use crate::error::AppError;
use crate::schema::{
    budget_lines, contributions, expenditures, funding_sources, receipts, results, work_plan_activities, work_plans,
};
use crate::store::projects::Project;
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use utoipa::{IntoParams, ToSchema};

/// Query of `GET /projects/{project}/finance/summary`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    /// `2013-Q2` (a quarter), `2013` (a year), `LOP` (life of project, the default), or a
    /// window of whole quarters from one to another, both included: `2013-Q2..2014-Q1`
    /// (a year on either side stands for its first or last quarter: `2013..2014`).
    pub period: Option<String>,
}

/// Query of `GET /projects/{project}/finance/checks`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ChecksQuery {
    /// Check the plan of this year only (contributions are compared with everything
    /// programmed up to it); all years when absent.
    pub year: Option<i32>,
}

/// Budget against expenditure for one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FinanceRow {
    /// Output or activity code, source code, account code, EU heading number, quarter;
    /// `-` for lines outside any activity (plan-level lines such as GMS).
    pub key: String,
    pub label: String,
    pub budget_minor: i64,
    pub expenditure_minor: i64,
    /// Budget minus expenditure.
    pub balance_minor: i64,
    /// Expenditure / budget in basis points (`4523` = 45.23 %); none when nothing is budgeted.
    pub delivery_rate_bp: Option<i64>,
    /// The same as text: `45.23 %`.
    pub delivery_rate: Option<String>,
}

impl FinanceRow {
    fn new(key: impl Into<String>, label: impl Into<String>, t: Tally) -> Self {
        let bp = t.delivery_rate_bp();
        FinanceRow {
            key: key.into(),
            label: label.into(),
            budget_minor: t.budget_minor,
            expenditure_minor: t.expenditure_minor,
            balance_minor: t.balance_minor(),
            delivery_rate_bp: bp,
            delivery_rate: bp.map(format_bp),
        }
    }
}

/// What a source committed, paid in, and what the plans programme and spend of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContributionStatus {
    pub funding_source_id: i64,
    pub source_code: String,
    /// The contribution agreement's amount, in its currency (whole project).
    pub committed_minor: i64,
    pub committed_currency: String,
    /// The same in the ledger currency (at `committed_rate` when the currencies differ);
    /// none when no rate is stored.
    pub committed_ledger_minor: Option<i64>,
    pub committed_rate: Option<RateUsed>,
    pub indirect_rate_bp: Option<i32>,
    /// Receipts dated in the period, in the ledger currency.
    pub received_minor: i64,
    /// Budget of the current plans on this source in the period.
    pub programmed_minor: i64,
    /// Expenditure on this source's lines in the period.
    pub expenditure_minor: i64,
    /// Received minus programmed: what is funded beyond the plan (negative: not yet funded).
    pub received_minus_programmed_minor: i64,
}

/// The plan a view counted for a year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanRef {
    pub id: i64,
    pub year: i32,
    pub revision: i32,
    pub status: crate::domain::budget::WorkPlanStatus,
}

impl From<&WorkPlanHeader> for PlanRef {
    fn from(p: &WorkPlanHeader) -> Self {
        PlanRef { id: p.id, year: p.year, revision: p.revision, status: p.status }
    }
}

/// `GET /projects/{project}/finance/summary`: budget vs expenditure every way.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FinanceSummary {
    pub project_id: i64,
    pub project_code: String,
    /// The ledger currency every figure is in.
    pub currency: String,
    /// `2013-Q2`, `2013`, `LOP` or a window `2013-Q2..2014-Q1`.
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The plan counted for each year: its approved revision (or its draft while none is).
    pub work_plans: Vec<PlanRef>,
    pub total: FinanceRow,
    pub by_output: Vec<FinanceRow>,
    pub by_activity: Vec<FinanceRow>,
    pub by_funding_source: Vec<FinanceRow>,
    pub by_account: Vec<FinanceRow>,
    pub by_eu_heading: Vec<FinanceRow>,
    pub by_quarter: Vec<FinanceRow>,
    /// Expenditure on lines a later revision removed (counted in `total`).
    pub unplanned_expenditure_minor: i64,
    pub contributions: Vec<ContributionStatus>,
    /// Every exchange rate behind a converted figure above.
    pub exchange_rates_used: Vec<RateUsed>,
}

/// `GET /projects/{project}/finance/checks`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FinanceChecks {
    pub project_id: i64,
    pub project_code: String,
    pub currency: String,
    pub year: Option<i32>,
    pub work_plans: Vec<PlanRef>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings someone explained (counted in the three above too); the rest are open.
    pub explained: usize,
    /// Errors first, then warnings, then information.
    pub findings: Vec<Finding>,
}

/// The period of a summary: its name, its scope and its first and last day.
fn parse_period(s: Option<&str>, project: &Project) -> Result<(String, Scope, NaiveDate, NaiveDate), AppError> {
    let bad = |e: crate::domain::period::PeriodError| AppError::field("period", e.0);
    if let Some((a, b)) = s.and_then(|s| s.split_once("..")) {
        let end = |p: Period, last: bool| match p {
            Period::Quarter(q) => Ok(q),
            Period::Year(y) => Ok(Quarter { year: y, q: if last { 4 } else { 1 } }),
            Period::LifeOfProject => Err(AppError::field("period", "a window runs from a quarter or year to another")),
        };
        let first = end(a.parse::<Period>().map_err(bad)?, false)?;
        let last = end(b.parse::<Period>().map_err(bad)?, true)?;
        if last < first {
            return Err(AppError::field("period", format!("the window ends ({last}) before it starts ({first})")));
        }
        return Ok((format!("{first}..{last}"), Scope::quarters(first, last), first.start(), last.end()));
    }
    let period = match s {
        None => Period::LifeOfProject,
        Some(s) => s.parse::<Period>().map_err(bad)?,
    };
    let scope = match period {
        Period::Quarter(q) => Scope::Quarter(q),
        Period::Year(y) => Scope::Year(y),
        Period::LifeOfProject => Scope::LifeOfProject,
    };
    let (from, to) = period.dates(project.start_date, project.end_date);
    Ok((period.to_string(), scope, from, to))
}

/// What the views need of the current plans: their lines with activity, output, timeframe
/// (also what the Combined Delivery Report groups expenditure by, so the two reconcile).
pub(crate) struct PlanFacts {
    pub plans: Vec<WorkPlanHeader>,
    pub lines: Vec<LineRecord>,
    /// plan activity id -> (activity result id, timeframe marks)
    pub activities: HashMap<i64, (i64, [bool; 4])>,
    pub names: Names,
    /// result id -> output result id
    pub outputs: HashMap<i64, i64>,
}

pub(crate) fn plan_facts(conn: &mut DbConnection, project_id: i64, year: Option<i32>) -> Result<PlanFacts, AppError> {
    let plans: Vec<WorkPlanHeader> =
        workplans::current_plans(conn, project_id)?.into_iter().filter(|p| year.is_none_or(|y| p.year == y)).collect();
    let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
    let lines = workplans::load_lines(conn, &ids)?;
    let activities: HashMap<i64, (i64, [bool; 4])> = work_plan_activities::table
        .filter(work_plan_activities::work_plan_id.eq_any(&ids))
        .select((
            work_plan_activities::id,
            work_plan_activities::result_id,
            work_plan_activities::q1,
            work_plan_activities::q2,
            work_plan_activities::q3,
            work_plan_activities::q4,
        ))
        .load::<(i64, i64, bool, bool, bool, bool)>(conn)?
        .into_iter()
        .map(|(id, r, a, b, c, d)| (id, (r, [a, b, c, d])))
        .collect();
    let tree: Vec<(i64, Option<i64>, String)> = results::table
        .filter(results::project_id.eq(project_id))
        .select((results::id, results::parent_id, results::level))
        .load(conn)?;
    let parent: HashMap<i64, Option<i64>> = tree.iter().map(|(id, p, _)| (*id, *p)).collect();
    let levels: HashMap<i64, String> = tree.iter().map(|(id, _, l)| (*id, l.clone())).collect();
    let mut outputs = HashMap::new();
    for (id, _, _) in &tree {
        let mut cur = Some(*id);
        for _ in 0..8 {
            let Some(c) = cur else { break };
            if levels.get(&c).map(String::as_str) == Some(ResultLevel::Output.as_str()) {
                outputs.insert(*id, c);
                break;
            }
            cur = parent.get(&c).copied().flatten();
        }
    }
    Ok(PlanFacts { plans, lines, activities, names: Names::load(conn, project_id)?, outputs })
}

impl PlanFacts {
    fn year_of(&self, plan_id: i64) -> i32 {
        self.plans.iter().find(|p| p.id == plan_id).map(|p| p.year).expect("line of a loaded plan")
    }

    fn result_label(&self, id: Option<i64>, what: &str) -> (String, String) {
        match id.and_then(|i| self.names.results.get(&i)) {
            Some((code, title)) => (code.clone(), title.clone()),
            None => ("-".into(), format!("Not assigned to an {what} (plan-level lines, e.g. GMS)")),
        }
    }
}

fn sort_rows_by_code(rows: &mut [FinanceRow]) {
    rows.sort_by(|a, b| match (a.key.as_str(), b.key.as_str()) {
        ("-", "-") => std::cmp::Ordering::Equal,
        ("-", _) => std::cmp::Ordering::Greater,
        (_, "-") => std::cmp::Ordering::Less,
        (x, y) => compare_codes(x, y),
    });
}

/// Which plans a finance view takes its budget from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetOf {
    /// The current plan of each year: its approved revision, or its draft while none is (the
    /// finance API shows what is being planned).
    CurrentPlans,
    /// Approved plans only: a draft is never a budget (the reports). Expenditure on a draft
    /// year's lines still counts, on their output, activity, source and account.
    ApprovedPlans,
}

/// Budget vs expenditure of a project for a quarter, a year, the life of project or a window
/// of quarters (`2013-Q2..2014-Q1`).
pub fn summary(conn: &mut DbConnection, project: &Project, q: &SummaryQuery) -> Result<FinanceSummary, AppError> {
    let (name, scope, from, to) = parse_period(q.period.as_deref(), project)?;
    summary_of(conn, project, name, scope, (from, to), BudgetOf::CurrentPlans)
}

/// Budget vs expenditure of a project over a window of quarters: the budget of the quarters
/// `budget` against the expenditure of the quarters `spend` (first and last included), in one
/// aggregation, as `GET /projects/{p}/finance/summary?period=2013-Q2..2014-Q1` answers when
/// the two ranges are the same. The reports read their window, year to date and cumulative
/// figures here.
pub fn summary_window(
    conn: &mut DbConnection,
    project: &Project,
    budget: (Quarter, Quarter),
    spend: (Quarter, Quarter),
    budget_of: BudgetOf,
) -> Result<FinanceSummary, AppError> {
    let name = if budget == spend {
        format!("{}..{}", spend.0, spend.1)
    } else {
        format!("{}..{} budget, {}..{} expenditure", budget.0, budget.1, spend.0, spend.1)
    };
    let scope = Scope::Window { budget, spend };
    summary_of(conn, project, name, scope, (spend.0.start(), spend.1.end()), budget_of)
}

/// The one aggregation behind [`summary`] and [`summary_window`]: expenditure and receipts
/// dated `from..=to` (every expenditure for the life of project).
fn summary_of(
    conn: &mut DbConnection,
    project: &Project,
    period: String,
    scope: Scope,
    (from, to): (NaiveDate, NaiveDate),
    budget_of: BudgetOf,
) -> Result<FinanceSummary, AppError> {
    let mut f = plan_facts(conn, project.id, None)?;
    let counted: HashSet<i64> = f
        .plans
        .iter()
        .filter(|p| budget_of == BudgetOf::CurrentPlans || p.status == WorkPlanStatus::Approved)
        .map(|p| p.id)
        .collect();
    let budget: Vec<BudgetFact> = f
        .lines
        .iter()
        .map(|l| {
            let activity = l.activity_id.and_then(|a| f.activities.get(&a));
            let account = f.names.accounts.get(&l.account_code);
            BudgetFact {
                lineage_id: l.lineage_id,
                year: f.year_of(l.work_plan_id),
                output: activity.and_then(|(r, _)| f.outputs.get(r).copied()),
                activity: activity.map(|(r, _)| *r),
                source: l.funding_source_id,
                account: l.account_code.clone(),
                heading: account.map(|a| a.eu_heading),
                quarters: if counted.contains(&l.work_plan_id) {
                    quarterly_budget(l.amount_minor, l.phasing(), activity.map(|(_, m)| *m))
                } else {
                    [0; 4]
                },
            }
        })
        .collect();
    f.plans.retain(|p| counted.contains(&p.id));
    // For the life of project, every expenditure counts, even one dated outside the plans.
    // One read of the covering index; lines map to their lineage in memory (no join).
    let lineage = lineages(conn, project.id)?;
    let mut spend_q = expenditures::table
        .filter(expenditures::project_id.eq(project.id))
        .select((
            expenditures::budget_line_id,
            expenditures::spent_on,
            expenditures::ledger_amount_minor,
            expenditures::fx_pair,
            expenditures::fx_month,
            expenditures::fx_rate_micros,
        ))
        .into_boxed();
    if scope != Scope::LifeOfProject {
        spend_q = spend_q.filter(expenditures::spent_on.ge(from)).filter(expenditures::spent_on.le(to));
    }
    let mut rates_used: BTreeSet<(String, String, i64)> = BTreeSet::new();
    let mut spending: Vec<SpendFact> = vec![];
    for (line, date, amount_minor, pair, month, micros) in spend_q.load::<SummarySpendRow>(conn)? {
        spending.push(SpendFact { lineage_id: lineage.get(&line).copied().unwrap_or(line), date, amount_minor });
        if let (Some(p), Some(m), Some(r)) = (pair, month, micros) {
            rates_used.insert((p, m, r));
        }
    }
    let s = summarize(&budget, &spending, scope).map_err(|e| AppError::Internal(e.to_string()))?;

    let mut by_output: Vec<FinanceRow> = s
        .by_output
        .iter()
        .map(|(id, t)| {
            let (k, l) = f.result_label(*id, "output");
            FinanceRow::new(k, l, *t)
        })
        .collect();
    sort_rows_by_code(&mut by_output);
    let mut by_activity: Vec<FinanceRow> = s
        .by_activity
        .iter()
        .map(|(id, t)| {
            let (k, l) = f.result_label(*id, "activity");
            FinanceRow::new(k, l, *t)
        })
        .collect();
    sort_rows_by_code(&mut by_activity);
    let source_name: HashMap<i64, (String, String)> = funding_sources::table
        .select((funding_sources::id, funding_sources::code, funding_sources::name))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, c, n)| (id, (c, n)))
        .collect();
    let mut by_funding_source: Vec<FinanceRow> = s
        .by_source
        .iter()
        .map(|(id, t)| {
            let (c, n) = source_name.get(id).cloned().unwrap_or_default();
            FinanceRow::new(c, n, *t)
        })
        .collect();
    by_funding_source.sort_by(|a, b| a.key.cmp(&b.key));
    let by_account: Vec<FinanceRow> = s
        .by_account
        .iter()
        .map(|(code, t)| {
            let name = f.names.accounts.get(code).map_or("(not in the catalogue)".to_string(), |a| a.name.clone());
            FinanceRow::new(code.clone(), name, *t)
        })
        .collect();
    let by_eu_heading: Vec<FinanceRow> = s
        .by_heading
        .iter()
        .filter(|(h, _)| h.is_some())
        .chain(s.by_heading.iter().filter(|(h, _)| h.is_none()))
        .map(|(h, t)| match h {
            Some(h) => FinanceRow::new(h.to_string(), eu_heading_name(*h).unwrap_or("?"), *t),
            None => FinanceRow::new("-", "Accounts not in the catalogue", *t),
        })
        .collect();
    let by_quarter: Vec<FinanceRow> =
        s.by_quarter.iter().map(|(q, t)| FinanceRow::new(q.to_string(), quarter_label(*q), *t)).collect();

    // Contributions: committed (whole project), received and programmed / spent in the period.
    let contribs: Vec<(i64, i64, String, Option<i32>)> = contributions::table
        .filter(contributions::project_id.eq(project.id))
        .select((
            contributions::funding_source_id,
            contributions::amount_minor,
            contributions::currency,
            contributions::indirect_rate_bp,
        ))
        .load(conn)?;
    let received_rows: Vec<ReceiptRow> = receipts::table
        .filter(receipts::project_id.eq(project.id))
        .filter(receipts::received_on.ge(from))
        .filter(receipts::received_on.le(to))
        .select((
            receipts::funding_source_id,
            receipts::ledger_amount_minor,
            receipts::fx_pair,
            receipts::fx_month,
            receipts::fx_rate_micros,
        ))
        .load(conn)?;
    let mut received: HashMap<i64, i64> = HashMap::new();
    for (source, amount, pair, month, micros) in received_rows {
        *received.entry(source).or_default() += amount;
        if let (Some(p), Some(m), Some(r)) = (pair, month, micros) {
            rates_used.insert((p, m, r));
        }
    }
    let up_to = Month::of(to.min(project.end_date));
    let mut contributions_out = vec![];
    for (source, amount, currency, rate_bp) in contribs {
        let (ledger, rate) = if currency == project.currency {
            (Some(amount), None)
        } else {
            match exchange::latest_up_to(conn, &currency, &project.currency, up_to)? {
                Some(r) => {
                    rates_used.insert((r.pair.clone(), r.month.clone(), r.rate_micros));
                    (convert(amount, &currency, &project.currency, r.rate_micros, r.use_for(&currency)), Some(r))
                }
                None => (None, None),
            }
        };
        let t = s.by_source.get(&source).copied().unwrap_or_default();
        let got = received.get(&source).copied().unwrap_or_default();
        contributions_out.push(ContributionStatus {
            funding_source_id: source,
            source_code: source_name.get(&source).map(|(c, _)| c.clone()).unwrap_or_default(),
            committed_minor: amount,
            committed_currency: currency,
            committed_ledger_minor: ledger,
            committed_rate: rate,
            indirect_rate_bp: rate_bp,
            received_minor: got,
            programmed_minor: t.budget_minor,
            expenditure_minor: t.expenditure_minor,
            received_minus_programmed_minor: got - t.budget_minor,
        });
    }
    contributions_out.sort_by(|a, b| a.source_code.cmp(&b.source_code));

    let exchange_rates_used =
        rates_used.into_iter().filter_map(|(p, m, r)| RateUsed::from_parts(Some(p), Some(m), Some(r))).collect();

    Ok(FinanceSummary {
        project_id: project.id,
        project_code: project.code.clone(),
        currency: project.currency.clone(),
        period,
        from,
        to,
        work_plans: f.plans.iter().map(PlanRef::from).collect(),
        total: FinanceRow::new("total", "Total", s.total),
        by_output,
        by_activity,
        by_funding_source,
        by_account,
        by_eu_heading,
        by_quarter,
        unplanned_expenditure_minor: s.unplanned.expenditure_minor,
        contributions: contributions_out,
        exchange_rates_used,
    })
}

fn quarter_label(q: Quarter) -> String {
    format!("{} to {}", q.start(), q.end())
}

/// An expenditure as the summary reads it: line, date, ledger amount, the rate's pair, month and value.
type SummarySpendRow = (i64, NaiveDate, i64, Option<String>, Option<String>, Option<i64>);

/// Every budget line of the project's plans (all revisions) and its lineage.
pub(crate) fn lineages(conn: &mut DbConnection, project_id: i64) -> Result<HashMap<i64, i64>, AppError> {
    Ok(budget_lines::table
        .inner_join(work_plans::table)
        .filter(work_plans::project_id.eq(project_id))
        .select((budget_lines::id, budget_lines::lineage_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect())
}

/// A receipt as the summary reads it: source, ledger amount, the rate's pair, month and value.
type ReceiptRow = (i64, i64, Option<String>, Option<String>, Option<i64>);

/// An expenditure as the checks read it.
type SpendRow = (i64, i64, NaiveDate, i64, String, i64, String, Option<String>, Option<i64>);

/// Runs the finance checks over the current plan of `year` (or of every year).
pub fn checks(conn: &mut DbConnection, project: &Project, q: &ChecksQuery) -> Result<FinanceChecks, AppError> {
    if q.year.is_some_and(|y| !(1900..=2200).contains(&y)) {
        return Err(AppError::field("year", "a year between 1900 and 2200"));
    }
    let f = plan_facts(conn, project.id, q.year)?;
    let lines: Vec<CheckLine> = f
        .lines
        .iter()
        .map(|l| {
            let activity = l.activity_id.and_then(|a| f.activities.get(&a));
            CheckLine {
                id: l.id,
                plan_id: l.work_plan_id,
                lineage_id: l.lineage_id,
                source_id: l.funding_source_id,
                source_code: f.names.sources.get(&l.funding_source_id).cloned().unwrap_or_default(),
                account_code: l.account_code.clone(),
                description: l.description.clone(),
                activity_code: activity.and_then(|(r, _)| f.names.results.get(r)).map(|(c, _)| c.clone()),
                marks: activity.map(|(_, m)| *m),
                heading: f.names.accounts.get(&l.account_code).map(|a| a.eu_heading),
                amount_minor: l.amount_minor,
                phasing: l.phasing(),
            }
        })
        .collect();
    let years: BTreeSet<i32> = f.plans.iter().map(|p| p.year).collect();
    let mut spending = vec![];
    if let (Some(first), Some(last)) = (years.first(), years.last()) {
        let (from, to) = (
            NaiveDate::from_ymd_opt(*first, 1, 1).expect("valid year"),
            NaiveDate::from_ymd_opt(*last, 12, 31).expect("valid year"),
        );
        let lineage = lineages(conn, project.id)?;
        let rows: Vec<SpendRow> = expenditures::table
            .filter(expenditures::project_id.eq(project.id))
            .filter(expenditures::spent_on.ge(from))
            .filter(expenditures::spent_on.le(to))
            .select((
                expenditures::id,
                expenditures::budget_line_id,
                expenditures::spent_on,
                expenditures::amount_minor,
                expenditures::currency,
                expenditures::ledger_amount_minor,
                expenditures::ledger_currency,
                expenditures::fx_pair,
                expenditures::fx_rate_micros,
            ))
            .load(conn)?;
        for (id, line, date, amount, currency, ledger, ledger_currency, pair, micros) in rows {
            let lineage_id = lineage.get(&line).copied().unwrap_or(line);
            if !years.contains(&date.year()) {
                continue;
            }
            let rate = match (pair, micros) {
                (Some(p), Some(m)) => Some((m, exchange::rate_use(&p, &currency))),
                _ => None,
            };
            spending.push(CheckSpend {
                id,
                lineage_id,
                date,
                amount_minor: amount,
                currency,
                ledger_amount_minor: ledger,
                ledger_currency,
                rate,
            });
        }
    }
    // Programmed to date: every current plan up to the last year checked.
    let all_plans = workplans::current_plans(conn, project.id)?;
    let to_date_ids: Vec<i64> = all_plans.iter().filter(|p| q.year.is_none_or(|y| p.year <= y)).map(|p| p.id).collect();
    let mut programmed_to_date: BTreeMap<i64, i64> = BTreeMap::new();
    for chunk in to_date_ids.chunks(500) {
        let rows: Vec<(i64, i64)> = budget_lines::table
            .filter(budget_lines::work_plan_id.eq_any(chunk))
            .select((budget_lines::funding_source_id, budget_lines::amount_minor))
            .load(conn)?;
        for (s, a) in rows {
            *programmed_to_date.entry(s).or_default() += a;
        }
    }
    let contribs: HashMap<i64, (i64, String, Option<i32>)> = contributions::table
        .filter(contributions::project_id.eq(project.id))
        .select((
            contributions::funding_source_id,
            contributions::amount_minor,
            contributions::currency,
            contributions::indirect_rate_bp,
        ))
        .load::<(i64, i64, String, Option<i32>)>(conn)?
        .into_iter()
        .map(|(s, a, c, r)| (s, (a, c, r)))
        .collect();
    let up_to = Month::of(match q.year {
        Some(y) => NaiveDate::from_ymd_opt(y, 12, 31).expect("valid year").min(project.end_date),
        None => project.end_date,
    });
    let source_ids: BTreeSet<i64> = contribs.keys().chain(programmed_to_date.keys()).copied().collect();
    let mut sources = vec![];
    for id in source_ids {
        let code = f.names.sources.get(&id).cloned().unwrap_or_default();
        let (ledger, rate_bp) = match contribs.get(&id) {
            None => (Err(format!("no contribution from {code} to this project")), None),
            Some((amount, currency, rate_bp)) if *currency == project.currency => (Ok(*amount), *rate_bp),
            Some((amount, currency, rate_bp)) => {
                let converted = match exchange::latest_up_to(conn, currency, &project.currency, up_to)? {
                    Some(r) => convert(*amount, currency, &project.currency, r.rate_micros, r.use_for(currency))
                        .ok_or_else(|| "the contribution is too large to convert".to_string()),
                    None => Err(format!("no exchange rate between {currency} and {} up to {up_to}", project.currency)),
                };
                (converted, *rate_bp)
            }
        };
        sources.push(CheckSource { id, code, contribution_ledger_minor: ledger, indirect_rate_bp: rate_bp });
    }
    let input = CheckInput {
        currency: project.currency.clone(),
        plans: f
            .plans
            .iter()
            .map(|p| CheckPlan {
                id: p.id,
                year: p.year,
                revision: p.revision,
                currency: p.currency.clone(),
                document_total_minor: p.document_total_minor,
            })
            .collect(),
        lines,
        spending,
        sources,
        programmed_to_date,
        last_year: q.year,
    };
    let mut findings = finance_checks::run(&input);
    let explanations = super::explanations::of_project(conn, project.id)?;
    for f in &mut findings {
        f.explanation = explanations.get(&f.key).cloned();
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    Ok(FinanceChecks {
        project_id: project.id,
        project_code: project.code.clone(),
        currency: project.currency.clone(),
        year: q.year,
        work_plans: f.plans.iter().map(PlanRef::from).collect(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        explained: findings.iter().filter(|f| f.explanation.is_some()).count(),
        findings,
    })
}

/// Expenditure of one budget account and funding source in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlySpend {
    pub account: String,
    pub source: i64,
    pub month: Month,
    /// In the ledger currency (minor units): expenditure booked in it or converted into it,
    /// except what was booked in the kept currency.
    pub ledger_minor: i64,
    /// Expenditure booked in the kept currency (e.g. EUR for an EU statement), in that
    /// currency: its exact amount, needing no conversion back.
    pub kept_minor: i64,
}

/// Expenditure of a project from its start up to `to`, added up per account, funding source
/// and month, counted as [`summary`] counts it: on the account and source of its line's lineage
/// in the current plans (else of the line it was booked on). Expenditure booked in `keep` is
/// kept in that currency. One read of the covering index, grouped in memory.
pub fn monthly_spending(
    conn: &mut DbConnection,
    project: &Project,
    to: NaiveDate,
    keep: &str,
) -> Result<Vec<MonthlySpend>, AppError> {
    let plans = workplans::current_plans(conn, project.id)?;
    let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
    let current: HashMap<i64, (String, i64)> = workplans::load_lines(conn, &ids)?
        .into_iter()
        .map(|l| (l.lineage_id, (l.account_code, l.funding_source_id)))
        .collect();
    let lines: HashMap<i64, (i64, String, i64)> = budget_lines::table
        .inner_join(work_plans::table)
        .filter(work_plans::project_id.eq(project.id))
        .select((
            budget_lines::id,
            budget_lines::lineage_id,
            budget_lines::account_code,
            budget_lines::funding_source_id,
        ))
        .load::<(i64, i64, String, i64)>(conn)?
        .into_iter()
        .map(|(id, lineage, account, source)| (id, (lineage, account, source)))
        .collect();
    let rows: Vec<(i64, NaiveDate, i64, i64, String)> = expenditures::table
        .filter(expenditures::project_id.eq(project.id))
        .filter(expenditures::spent_on.le(to))
        .select((
            expenditures::budget_line_id,
            expenditures::spent_on,
            expenditures::ledger_amount_minor,
            expenditures::amount_minor,
            expenditures::currency,
        ))
        .load(conn)?;
    let mut grouped: BTreeMap<(String, i64, Month), (i64, i64)> = BTreeMap::new();
    for (line, date, ledger, amount, currency) in rows {
        let Some((lineage, account, source)) = lines.get(&line) else { continue };
        let (account, source) = current.get(lineage).map_or((account, *source), |(a, s)| (a, *s));
        let sums = grouped.entry((account.clone(), source, Month::of(date))).or_default();
        if currency == keep && currency != project.currency {
            sums.1 += amount;
        } else {
            sums.0 += ledger;
        }
    }
    Ok(grouped
        .into_iter()
        .map(|((account, source, month), (ledger_minor, kept_minor))| MonthlySpend {
            account,
            source,
            month,
            ledger_minor,
            kept_minor,
        })
        .collect())
}

/// The work plan year of every budget line of a project (all revisions).
pub fn line_years(conn: &mut DbConnection, project_id: i64) -> Result<HashMap<i64, i32>, AppError> {
    Ok(budget_lines::table
        .inner_join(work_plans::table)
        .filter(work_plans::project_id.eq(project_id))
        .select((budget_lines::id, work_plans::year))
        .load::<(i64, i32)>(conn)?
        .into_iter()
        .collect())
}
