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
//! Columns: for a year, Q1 to Q4; for a quarter, the CDR runs from the start of its year
//! (UNDP's CDR is a year-to-date statement): Q1 .. that quarter, the total being the year to
//! date; for another run of quarters within a year, its quarters; for a run across years (a
//! cumulative CDR, e.g. at operational closure), one column per year (or the part of it the run
//! covers), the total being the whole run.

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

/// Amounts per column (quarter or year) and their total, in minor units of the ledger currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Amounts {
    pub columns: Vec<i64>,
    pub total_minor: i64,
}

impl Amounts {
    /// Sums of `parts`, column by column (exact: i128, refused beyond i64).
    fn sum<'a>(n: usize, parts: impl Iterator<Item = &'a Amounts>) -> Result<Amounts, AppError> {
        let mut cols = vec![0i128; n];
        for p in parts {
            for (c, v) in cols.iter_mut().zip(&p.columns) {
                *c += i128::from(*v);
            }
        }
        Amounts::from_wide(cols)
    }

    fn from_wide(cols: Vec<i128>) -> Result<Amounts, AppError> {
        let total: i128 = cols.iter().sum();
        let narrow = |v: i128| i64::try_from(v).map_err(|_| AppError::Internal("CDR amount out of range".into()));
        Ok(Amounts { columns: cols.into_iter().map(narrow).collect::<Result<_, _>>()?, total_minor: narrow(total)? })
    }
}

/// A column: a quarter, or (part of) a year.
#[derive(Debug, Clone, Serialize)]
pub struct CdrColumn {
    pub year: i32,
    /// The quarter of a quarter column; none for a year column.
    pub quarter: Option<u8>,
    /// The quarters a year column covers (1 and 4 for a whole year).
    pub from_q: u8,
    pub to_q: u8,
    pub whole_year: bool,
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
    /// The first and last year of the statement (the same for a year or a quarter).
    pub first_year: i32,
    pub year: i32,
    /// One column per year (a run across years) instead of one per quarter.
    pub by_year: bool,
    pub start_date: String,
    pub end_date: String,
    /// The first and last month of the statement (1-12), for its heading.
    pub from_month: u32,
    pub to_month: u32,
    /// Whether it covers whole years.
    pub full_year: bool,
    pub currency: String,
    pub columns: Vec<CdrColumn>,
    pub outputs: Vec<CdrOutput>,
    pub funds: Vec<CdrTotal>,
    pub agents: Vec<CdrTotal>,
    /// Expenditure on lines no current plan holds (removed by a revision); none when there is none.
    pub unplanned: Option<Amounts>,
    /// Everything: the outputs' totals plus `unplanned`.
    pub total: Amounts,
}

/// The columns of the CDR for `window`: quarters within a year (Q1 to the window's last quarter
/// for a single quarter), or the years of a run across years, each clipped to the run.
pub fn columns(window: Window) -> Vec<Window> {
    if window.from.year == window.to.year {
        let first = if window.from == window.to { Quarter { year: window.to.year, q: 1 } } else { window.from };
        return first.through(window.to).map(Window::quarter).collect();
    }
    (window.from.year..=window.to.year)
        .map(|y| {
            let w = Window::year(y);
            Window { from: w.from.max(window.from), to: w.to.min(window.to) }
        })
        .collect()
}

type Key = (Option<i64>, Option<i64>, i64, Option<String>, String);

/// Gathers the CDR of `window` (see [`columns`]).
pub fn gather(conn: &mut DbConnection, project: &Project, window: Window) -> Result<Cdr, AppError> {
    let windows = columns(window);
    let n = windows.len();
    let (from, to) = (windows[0].from.start(), windows[n - 1].to.end());
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
        let q = Quarter::of(date);
        let col = windows.iter().position(|w| w.contains(q)).expect("dated inside the statement");
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
    let (first, last) = (windows[0].from, windows[n - 1].to);
    let by_year = first.year != last.year;
    Ok(Cdr {
        first_year: first.year,
        year: last.year,
        by_year,
        start_date: from.to_string(),
        end_date: to.to_string(),
        from_month: u32::from(first.q) * 3 - 2,
        to_month: u32::from(last.q) * 3,
        full_year: first.q == 1 && last.q == 4,
        currency: project.currency.clone(),
        columns: windows
            .iter()
            .map(|w| CdrColumn {
                year: w.to.year,
                quarter: (!by_year).then_some(w.to.q),
                from_q: w.from.q,
                to_q: w.to.q,
                whole_year: w.from.q == 1 && w.to.q == 4,
                start_date: w.from.start().to_string(),
                end_date: w.to.end().to_string(),
            })
            .collect(),
        outputs,
        funds,
        agents: agents_out,
        unplanned,
        total,
    })
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
    fn a_quarter_runs_from_the_start_of_its_year_and_a_run_across_years_goes_by_year() {
        let quarters = |w: Window| columns(w).iter().map(|c| (c.from, c.to)).collect::<Vec<_>>();
        assert_eq!(
            quarters(Window::quarter(q(2025, 3))),
            [(q(2025, 1), q(2025, 1)), (q(2025, 2), q(2025, 2)), (q(2025, 3), q(2025, 3))]
        );
        assert_eq!(columns(Window::year(2013)).len(), 4);
        assert_eq!(
            quarters(Window { from: q(2025, 2), to: q(2025, 3) }),
            [(q(2025, 2), q(2025, 2)), (q(2025, 3), q(2025, 3))]
        );
        assert_eq!(
            quarters(Window { from: q(2023, 3), to: q(2025, 2) }),
            [(q(2023, 3), q(2023, 4)), (q(2024, 1), q(2024, 4)), (q(2025, 1), q(2025, 2))],
            "years, clipped to the run"
        );
    }

    #[test]
    fn sums_are_exact_and_column_by_column() {
        let a = Amounts { columns: vec![i64::MAX / 2, 1], total_minor: 0 };
        let b = Amounts { columns: vec![i64::MAX / 2 - 5, 2], total_minor: 0 };
        let s = Amounts::sum(2, [&a, &b].into_iter()).unwrap();
        assert_eq!((s.columns.as_slice(), s.total_minor), ([i64::MAX - 6, 3].as_slice(), i64::MAX - 3));
        assert!(Amounts::sum(2, [&a, &b, &b].into_iter()).is_err(), "overflow is an error, not a wrap");
    }
}
