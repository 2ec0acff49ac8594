//! The annual work plan (AWP) and results framework as an Excel workbook, both ways.
//!
//! - [`export`] writes the UNDP AWP layout: one row per budget line, activities grouped under
//!   their output (and activity result), Q1-Q4 timeframe marks as `X`, responsible party,
//!   funding source, budget account and description, amount, `SUBTOTAL` formulas per activity
//!   and output and a grand total; a second sheet with the results framework (indicators,
//!   baselines, targets per year and for the life of the project).
//! - [`import`] reads that layout back, and one typed by a person: columns found by their
//!   header text (English or Russian), merged cells and activity text spread over several rows,
//!   subtotal and total rows recognised and checked; it compares the workbook with the stored
//!   plan and targets and lists every change and every problem with its place
//!   (`AWP 2013!I14: unknown budget account "7160"`).
//!
//! Both work on [`AwpData`], a plain snapshot of what the database holds (gathered by
//! `services::workplan_io`), so the layout rules are tested without a database.

pub mod export;
pub mod import;

use std::collections::HashMap;

/// The largest workbook the import reads.
pub const MAX_WORKBOOK_BYTES: usize = 20 * 1024 * 1024;

/// The XLSX media type.
pub const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Which plan a snapshot is of.
#[derive(Debug, Clone)]
pub struct PlanInfo {
    pub id: i64,
    pub revision: i32,
    /// `draft`, `approved`, `superseded`.
    pub status: crate::domain::budget::WorkPlanStatus,
}

/// A result of the framework.
#[derive(Debug, Clone)]
pub struct ResultInfo {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// `outcome`, `output`, `activity_result`, `activity`, ...
    pub level: crate::domain::results::ResultLevel,
    pub code: String,
    pub title: String,
}

/// An activity the plan schedules.
#[derive(Debug, Clone)]
pub struct ActivityInfo {
    pub id: i64,
    /// The activity in the results framework.
    pub result_id: i64,
    pub marks: [bool; 4],
    pub responsible_party: String,
    pub version: i32,
}

/// A budget line of the plan.
#[derive(Debug, Clone)]
pub struct LineInfo {
    pub id: i64,
    pub lineage_id: i64,
    /// The results-framework activity (result id) the line is on; `None` for plan-level lines.
    pub activity_result_id: Option<i64>,
    pub source_id: i64,
    pub source_code: String,
    pub account_code: String,
    pub description: String,
    pub amount_minor: i64,
    pub phasing: Option<[i64; 4]>,
    pub version: i32,
    /// Expenditure is booked on the line's lineage (it cannot be deleted).
    pub spent: bool,
}

/// A funding source with a contribution to the project.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct TargetInfo {
    pub id: i64,
    /// `2013`, `LOP` (quarter targets are not part of the workbook).
    pub period: String,
    pub value: Option<f64>,
    pub description: Option<String>,
    pub version: i32,
}

#[derive(Debug, Clone)]
pub struct IndicatorInfo {
    pub id: i64,
    pub result_id: i64,
    pub code: String,
    pub title: String,
    pub unit: String,
    /// `number`, `percentage`, `yes_no`, `qualitative`.
    pub measure: crate::domain::indicators::Measure,
    pub baseline_value: Option<f64>,
    pub baseline_year: Option<i32>,
    pub baseline_note: Option<String>,
    pub targets: Vec<TargetInfo>,
}

/// Everything the workbook shows and the import compares with.
#[derive(Debug, Clone)]
pub struct AwpData {
    pub project_code: String,
    pub project_title: String,
    /// The ledger currency, and its number of decimals.
    pub currency: String,
    pub exp: u32,
    pub year: i32,
    /// The years the project runs through (target columns).
    pub years: Vec<i32>,
    /// `None` when the project has no plan for the year yet (an import creates a draft).
    pub plan: Option<PlanInfo>,
    /// Ordered by code as people read them.
    pub results: Vec<ResultInfo>,
    pub activities: Vec<ActivityInfo>,
    pub lines: Vec<LineInfo>,
    pub sources: Vec<SourceInfo>,
    /// Every source code of the catalogue, to tell "not a source at all" from "not funding this project".
    pub catalogue_sources: Vec<String>,
    /// The account catalogue: code -> (name, EU heading).
    pub accounts: HashMap<String, (String, i32)>,
    pub indicators: Vec<IndicatorInfo>,
    /// Result id -> its index in `results` (see [`AwpData::index`]).
    pub result_index: HashMap<i64, usize>,
}

impl AwpData {
    /// Builds `result_index` (after `results` is filled).
    pub fn index(&mut self) {
        self.result_index = self.results.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    }

    pub fn result(&self, id: i64) -> Option<&ResultInfo> {
        match self.result_index.get(&id) {
            Some(i) => self.results.get(*i),
            None if self.result_index.is_empty() => self.results.iter().find(|r| r.id == id),
            None => None,
        }
    }

    /// The nearest ancestor (or the result itself) of a level.
    pub fn ancestor(&self, id: i64, level: crate::domain::results::ResultLevel) -> Option<&ResultInfo> {
        let mut cur = self.result(id);
        while let Some(r) = cur {
            if r.level == level {
                return Some(r);
            }
            cur = r.parent_id.and_then(|p| self.result(p));
        }
        None
    }
}

/// `62 600` or `62 600.50`: thousands grouped with a space as the source documents write them,
/// decimals only when there are any.
pub fn amount_text(minor: i64, exp: u32) -> String {
    let scale = 10_i64.pow(exp);
    let (neg, abs) = (minor < 0, minor.unsigned_abs());
    let whole = abs / scale as u64;
    let frac = abs % scale as u64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(ch);
    }
    let sign = if neg { "-" } else { "" };
    if frac == 0 { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{frac:0w$}", w = exp as usize) }
}

/// `A1`-style column letters for a 0-based column.
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// `AWP 2013!K14` for a 0-based row and column.
pub fn cell_place(sheet: &str, row: u32, col: u32) -> String {
    format!("{sheet}!{}{}", column_letters(col), row + 1)
}

/// `AWP 2013, row 31` for a 0-based row.
pub fn row_place(sheet: &str, row: u32) -> String {
    format!("{sheet}, row {}", row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_places_read_as_people_write_them() {
        assert_eq!(amount_text(6_260_000, 2), "62 600");
        assert_eq!(amount_text(20_800_050, 2), "208 000.50");
        assert_eq!(amount_text(-100, 2), "-1");
        assert_eq!(amount_text(999, 0), "999");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(cell_place("AWP 2013", 13, 7), "AWP 2013!H14");
        assert_eq!(row_place("AWP 2013", 30), "AWP 2013, row 31");
    }
}
