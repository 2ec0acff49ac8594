//! The Combined Delivery Report (CDR): UNDP's statement of expenditure for a year or a quarter
//! of it, per output and activity x fund (funding source) x implementing agent (the responsible
//! party the work plan names for the line's activity) x budget account, with the expenditure
//! of each quarter and the total.
//!
//! Expenditure is grouped exactly as the finance views group it (`store::finance`): an
//! expenditure counts against the line of its lineage in the current plan of the year, and takes
//! that line's activity, output, source and account; so each quarter's totals per activity,
//! output and fund are the finance summary's for that quarter, to the cent. Expenditure on a
//! line no current plan holds any more is shown apart (the summary counts it in its total only).
//!
//! For a quarter, the CDR runs from the start of its year (UNDP's CDR is a year-to-date
//! statement): columns Q1 .. that quarter, the total being the year to date.

use crate::db::DbConnection;
use crate::domain::period::Quarter;
use crate::domain::progress::Window;
use crate::domain::results::compare_codes;
use crate::error::AppError;
use crate::schema::{expenditures, funding_sources, work_plan_activities};
use crate::store::finance;
use crate::store::projects::Project;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Amounts per column (quarter) and their total, in minor units of the ledger currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Amounts {
    pub quarters: Vec<i64>,
    pub total_minor: i64,
}

impl Amounts {
    /// Sums of `parts`, column by column (exact: i128, refused beyond i64).
    fn sum<'a>(n: usize, parts: impl Iterator<Item = &'a Amounts>) -> Result<Amounts, AppError> {
        let mut cols = vec![0i128; n];
        for p in parts {
            for (c, v) in cols.iter_mut().zip(&p.quarters) {
                *c += i128::from(*v);
            }
        }
        Amounts::from_wide(cols)
    }

    fn from_wide(cols: Vec<i128>) -> Result<Amounts, AppError> {
        let total: i128 = cols.iter().sum();
        let narrow = |v: i128| i64::try_from(v).map_err(|_| AppError::Internal("CDR amount out of range".into()));
        Ok(Amounts { quarters: cols.into_iter().map(narrow).collect::<Result<_, _>>()?, total_minor: narrow(total)? })
    }
}

/// A quarter column.
#[derive(Debug, Clone, Serialize)]
pub struct CdrQuarter {
    pub year: i32,
    pub q: u8,
    pub start_date: String,
    pub end_date: String,
}

/// One line of the statement: fund x implementing agent x account within an activity.
#[derive(Debug, Clone, Serialize)]
pub struct CdrLine {
    pub fund: String,
    pub fund_name: String,
    /// The responsible party of the line's activity in the work plan; none for plan-level lines.
    pub agent: Option<String>,
    pub account: String,
    /// None when the account is not in the catalogue.
    pub account_name: Option<String>,
    #[serde(flatten)]
    pub amounts: Amounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct CdrActivity {
    /// Activity code; none for plan-level lines (GMS, ...).
    pub code: Option<String>,
    pub title: Option<String>,
    pub lines: Vec<CdrLine>,
    pub total: Amounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct CdrOutput {
    /// Output code; none for lines outside any output.
    pub code: Option<String>,
    pub title: Option<String>,
    pub activities: Vec<CdrActivity>,
    pub total: Amounts,
}

/// A total per fund or per implementing agent.
#[derive(Debug, Clone, Serialize)]
pub struct CdrTotal {
    pub key: Option<String>,
    pub name: Option<String>,
    #[serde(flatten)]
    pub amounts: Amounts,
}

/// The statement.
#[derive(Debug, Clone, Serialize)]
pub struct Cdr {
    pub year: i32,
    pub start_date: String,
    pub end_date: String,
    /// The first and last month of the statement (1-12), for its heading.
    pub from_month: u32,
    pub to_month: u32,
    /// Whether it covers the whole year.
    pub full_year: bool,
    pub currency: String,
    pub quarters: Vec<CdrQuarter>,
    pub outputs: Vec<CdrOutput>,
    pub funds: Vec<CdrTotal>,
    pub agents: Vec<CdrTotal>,
    /// Expenditure on lines no current plan holds (removed by a revision); none when there is none.
    pub unplanned: Option<Amounts>,
    /// Everything: the outputs' totals plus `unplanned`.
    pub total: Amounts,
}

/// The quarters a CDR for `window` shows: Q1 (or the window's first quarter, when the window
/// is longer than one quarter) to the window's last; `None` when the window spans years.
pub fn columns(window: Window) -> Option<Vec<Quarter>> {
    if window.from.year != window.to.year {
        return None;
    }
    let first = if window.from == window.to { Quarter { year: window.to.year, q: 1 } } else { window.from };
    Some(first.through(window.to).collect())
}

type Key = (Option<i64>, Option<i64>, i64, Option<String>, String);

/// Gathers the CDR of `window` (quarters of one year; see [`columns`]).
pub fn gather(conn: &mut DbConnection, project: &Project, window: Window) -> Result<Option<Cdr>, AppError> {
    let Some(quarters) = columns(window) else { return Ok(None) };
    let n = quarters.len();
    let (from, to) = (quarters[0].start(), quarters[n - 1].end());
    let f = finance::plan_facts(conn, project.id, None)?;
    let lineage = finance::lineages(conn, project.id)?;
    let current: HashMap<i64, usize> = f.lines.iter().enumerate().map(|(i, l)| (l.lineage_id, i)).collect();
    let ids: Vec<i64> = f.plans.iter().map(|p| p.id).collect();
    let agents: HashMap<i64, String> = work_plan_activities::table
        .filter(work_plan_activities::work_plan_id.eq_any(&ids))
        .select((work_plan_activities::id, work_plan_activities::responsible_party))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let fund_names: HashMap<i64, (String, String)> = funding_sources::table
        .select((funding_sources::id, funding_sources::code, funding_sources::name))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, c, name)| (id, (c, name)))
        .collect();
    let spending: Vec<(i64, chrono::NaiveDate, i64)> = expenditures::table
        .filter(expenditures::project_id.eq(project.id))
        .filter(expenditures::spent_on.ge(from))
        .filter(expenditures::spent_on.le(to))
        .select((expenditures::budget_line_id, expenditures::spent_on, expenditures::ledger_amount_minor))
        .load(conn)?;

    // Add up per key and quarter (i128: exact whatever the volume).
    let mut cells: HashMap<Key, Vec<i128>> = HashMap::new();
    let mut unplanned: Option<Vec<i128>> = None;
    for (line, date, amount) in spending {
        let col = quarters.iter().position(|q| *q == Quarter::of(date)).expect("dated inside the statement");
        let lin = lineage.get(&line).copied().unwrap_or(line);
        let Some(l) = current.get(&lin).map(|i| &f.lines[*i]) else {
            unplanned.get_or_insert_with(|| vec![0; n])[col] += i128::from(amount);
            continue;
        };
        let activity = l.activity_id.and_then(|a| f.activities.get(&a).map(|(r, _)| *r));
        let output = activity.and_then(|r| f.outputs.get(&r).copied());
        let agent = l.activity_id.and_then(|a| agents.get(&a).cloned());
        let key = (output, activity, l.funding_source_id, agent, l.account_code.clone());
        cells.entry(key).or_insert_with(|| vec![0; n])[col] += i128::from(amount);
    }

    // Outputs > activities > lines, in results-framework order (lines outside any last).
    let code = |id: Option<i64>| id.and_then(|i| f.names.results.get(&i)).map(|(c, _)| c.clone());
    let title = |id: Option<i64>| id.and_then(|i| f.names.results.get(&i)).map(|(_, t)| t.clone());
    let by_code = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(x), Some(y)) => compare_codes(x, y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    };
    let mut tree: BTreeMap<Option<i64>, BTreeMap<Option<i64>, Vec<CdrLine>>> = BTreeMap::new();
    let mut fund_sums: BTreeMap<String, (String, Vec<i128>)> = BTreeMap::new();
    let mut agent_sums: BTreeMap<Option<String>, Vec<i128>> = BTreeMap::new();
    for ((output, activity, source, agent, account), cols) in cells {
        let (fund, fund_name) = fund_names.get(&source).cloned().unwrap_or_default();
        let f_slot = &mut fund_sums.entry(fund.clone()).or_insert_with(|| (fund_name.clone(), vec![0; n])).1;
        let a_slot = agent_sums.entry(agent.clone()).or_insert_with(|| vec![0; n]);
        for (i, v) in cols.iter().enumerate() {
            f_slot[i] += v;
            a_slot[i] += v;
        }
        tree.entry(output).or_default().entry(activity).or_default().push(CdrLine {
            fund,
            fund_name,
            agent,
            account_name: f.names.accounts.get(&account).map(|a| a.name.clone()),
            account,
            amounts: Amounts::from_wide(cols)?,
        });
    }
    let mut outputs = vec![];
    for (output, acts) in tree {
        let mut activities = vec![];
        for (activity, mut lines) in acts {
            lines.sort_by(|a, b| (&a.fund, &a.agent, &a.account).cmp(&(&b.fund, &b.agent, &b.account)));
            let total = Amounts::sum(n, lines.iter().map(|l| &l.amounts))?;
            activities.push(CdrActivity { code: code(activity), title: title(activity), lines, total });
        }
        activities.sort_by(|a, b| by_code(&a.code, &b.code));
        let total = Amounts::sum(n, activities.iter().map(|a| &a.total))?;
        outputs.push(CdrOutput { code: code(output), title: title(output), activities, total });
    }
    outputs.sort_by(|a, b| by_code(&a.code, &b.code));
    let funds = fund_sums
        .into_iter()
        .map(|(k, (name, cols))| Ok(CdrTotal { key: Some(k), name: Some(name), amounts: Amounts::from_wide(cols)? }))
        .collect::<Result<Vec<_>, AppError>>()?;
    let mut agents_out = agent_sums
        .into_iter()
        .map(|(k, cols)| Ok(CdrTotal { key: k, name: None, amounts: Amounts::from_wide(cols)? }))
        .collect::<Result<Vec<_>, AppError>>()?;
    // Named agents first, the plan-level lines (no agent) last.
    agents_out.sort_by(|a, b| by_code_str(&a.key, &b.key));
    let unplanned = unplanned.map(Amounts::from_wide).transpose()?;
    let total = Amounts::sum(n, outputs.iter().map(|o| &o.total).chain(unplanned.iter()))?;
    let (first, last) = (quarters[0], quarters[n - 1]);
    Ok(Some(Cdr {
        year: last.year,
        start_date: from.to_string(),
        end_date: to.to_string(),
        from_month: u32::from(first.q) * 3 - 2,
        to_month: u32::from(last.q) * 3,
        full_year: first.q == 1 && last.q == 4,
        currency: project.currency.clone(),
        quarters: quarters
            .iter()
            .map(|q| CdrQuarter {
                year: q.year,
                q: q.q,
                start_date: q.start().to_string(),
                end_date: q.end().to_string(),
            })
            .collect(),
        outputs,
        funds,
        agents: agents_out,
        unplanned,
        total,
    }))
}

fn by_code_str(a: &Option<String>, b: &Option<String>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(year: i32, q: u8) -> Quarter {
        Quarter { year, q }
    }

    #[test]
    fn a_quarter_runs_from_the_start_of_its_year() {
        assert_eq!(columns(Window::quarter(q(2025, 3))).unwrap(), [q(2025, 1), q(2025, 2), q(2025, 3)]);
        assert_eq!(columns(Window::year(2013)).unwrap().len(), 4);
        assert_eq!(columns(Window { from: q(2025, 2), to: q(2025, 3) }).unwrap(), [q(2025, 2), q(2025, 3)]);
        assert!(columns(Window { from: q(2024, 4), to: q(2025, 1) }).is_none(), "one year at most");
    }

    #[test]
    fn sums_are_exact_and_column_by_column() {
        let a = Amounts { quarters: vec![i64::MAX / 2, 1], total_minor: 0 };
        let b = Amounts { quarters: vec![i64::MAX / 2 - 5, 2], total_minor: 0 };
        let s = Amounts::sum(2, [&a, &b].into_iter()).unwrap();
        assert_eq!((s.quarters.as_slice(), s.total_minor), ([i64::MAX - 6, 3].as_slice(), i64::MAX - 3));
        assert!(Amounts::sum(2, [&a, &b, &b].into_iter()).is_err(), "overflow is an error, not a wrap");
    }
}
