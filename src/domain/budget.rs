//! Budget arithmetic, exact: integer minor units, rates in basis points (indirect costs) or
//! in millionths (exchange rates), and one rounding rule everywhere: **half away from zero**
//! (0.5 cent becomes 1 cent, -0.5 becomes -1). Nothing here touches a float.
//!
//! - indirect cost (GMS / F&A) on direct costs at a contribution's rate;
//! - quarterly phasing of a line, and the quarterly budget of a line without one;
//! - delivery rate (expenditure / budget);
//! - currency conversion at a monthly rate;
//! - the summary that groups budget and expenditure by output, activity, source, account,
//!   EU heading and quarter for a quarter, a year or the life of project.

use super::money::{Money, minor_unit_exponent};
use super::period::Quarter;
use super::{FieldError, vocabulary};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

vocabulary! {
    /// Where an annual work plan is: only a `draft` changes; the Project Board `approved` it
    /// (locked); approving a later revision makes it `superseded` (still readable).
    WorkPlanStatus {
        Draft = "draft",
        Approved = "approved",
        Superseded = "superseded",
    }
}

/// The EU budget headings (PRAG Annex III) the UNDP accounts map to.
pub const EU_HEADINGS: [(i32, &str); 7] = [
    (1, "Human resources"),
    (2, "Travel"),
    (3, "Equipment and supplies"),
    (4, "Local office"),
    (5, "Other costs, services"),
    (6, "Other"),
    (7, "Indirect costs"),
];

/// Accounts under this heading hold indirect costs (GMS / F&A, e.g. 75100).
pub const INDIRECT_HEADING: i32 = 7;

pub fn eu_heading_name(heading: i32) -> Option<&'static str> {
    EU_HEADINGS.iter().find(|(h, _)| *h == heading).map(|(_, n)| *n)
}

/// `n / d` rounded half away from zero. `d` must not be zero.
pub fn div_round(n: i128, d: i128) -> i128 {
    assert!(d != 0, "division by zero");
    let (q, r) = (n / d, n % d);
    if 2 * r.abs() >= d.abs() { q + if (n < 0) == (d < 0) { 1 } else { -1 } } else { q }
}

/// The indirect cost on `direct_minor` at `rate_bp` basis points (700 = 7 %), half away
/// from zero: 7 % of 58 500.00 is 4 095.00; 7 % of 0.07 is 0.0049, i.e. 0.00.
pub fn indirect_cost(direct_minor: i64, rate_bp: i32) -> i64 {
    div_round(i128::from(direct_minor) * i128::from(rate_bp), 10_000) as i64
}

/// Expenditure / budget in basis points (4523 = 45.23 %), half away from zero; `None`
/// when nothing is budgeted (a rate of spending against nothing means nothing).
pub fn delivery_rate_bp(expenditure_minor: i64, budget_minor: i64) -> Option<i64> {
    (budget_minor != 0).then(|| div_round(i128::from(expenditure_minor) * 10_000, i128::from(budget_minor)) as i64)
}

/// `4523` -> `45.23 %`.
pub fn format_bp(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let abs = bp.unsigned_abs();
    format!("{sign}{}.{:02} %", abs / 100, abs % 100)
}

/// A quarterly phasing must be four non-negative amounts adding up to the line's amount.
pub fn check_phasing(amount_minor: i64, currency: &str, phasing: &[i64; 4]) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = phasing
        .iter()
        .enumerate()
        .filter(|(_, v)| **v < 0)
        .map(|(i, _)| FieldError::new(format!("phasing[{i}]"), "must not be negative"))
        .collect();
    if errs.is_empty() {
        let sum: i128 = phasing.iter().map(|v| i128::from(*v)).sum();
        if sum != i128::from(amount_minor) {
            let shown = i64::try_from(sum).map_or_else(|_| sum.to_string(), |s| Money::new(s, currency).to_string());
            errs.push(FieldError::new(
                "phasing",
                format!(
                    "Q1-Q4 add up to {shown} but the amount is {}: the quarters must add up to the amount",
                    Money::new(amount_minor, currency)
                ),
            ));
        }
    }
    errs
}

/// Splits `amount` into `n` parts that differ by at most one minor unit and add up to it
/// exactly; the first parts take the remainder (10.00 in 3 -> 3.34, 3.33, 3.33).
pub fn split_even(amount: i64, n: usize) -> Vec<i64> {
    if n == 0 {
        return vec![];
    }
    let n_i = n as i64;
    let (base, rest) = (amount / n_i, amount % n_i);
    (0..n_i).map(|i| base + if i < rest.abs() { rest.signum() } else { 0 }).collect()
}

/// The budget of a line per quarter: its phasing when it has one; otherwise the amount
/// spread evenly over the quarters its activity is planned in (timeframe marks), or over
/// the whole year when there are no marks (a line outside any activity, e.g. GMS).
pub fn quarterly_budget(amount_minor: i64, phasing: Option<[i64; 4]>, marks: Option<[bool; 4]>) -> [i64; 4] {
    if let Some(p) = phasing {
        return p;
    }
    let marks = marks.filter(|m| m.iter().any(|x| *x)).unwrap_or([true; 4]);
    let parts = split_even(amount_minor, marks.iter().filter(|m| **m).count());
    let mut out = [0; 4];
    let mut it = parts.into_iter();
    for (q, marked) in marks.iter().enumerate() {
        if *marked {
            out[q] = it.next().expect("one part per marked quarter");
        }
    }
    out
}

/// Exchange rates are exact decimals with six places, stored as millionths.
pub const RATE_SCALE: i64 = 1_000_000;

/// Reads a rate written as a decimal (`"150.65"`, `"0.9215"`, `"1"`): positive, at most six
/// decimals. Floats are not accepted on purpose: `150.65` as a binary float is not 150.65.
pub fn parse_rate(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (s.contains('.') && frac.is_empty()) {
        return Err(format!("`{s}` is not a decimal rate: write it like \"150.65\""));
    }
    if frac.len() > 6 {
        return Err("at most six decimals".into());
    }
    let int: i64 = int.parse().map_err(|_| "the rate is too large".to_string())?;
    let frac_micros: i64 = format!("{frac:0<6}").parse().expect("six digits");
    let micros = int.checked_mul(RATE_SCALE).and_then(|v| v.checked_add(frac_micros));
    match micros {
        Some(m) if m > 0 => Ok(m),
        Some(_) => Err("must be greater than zero".into()),
        None => Err("the rate is too large".into()),
    }
}

/// `150650000` -> `150.65`; `1000000` -> `1`.
pub fn format_rate(micros: i64) -> String {
    let (int, frac) = (micros / RATE_SCALE, (micros % RATE_SCALE).abs());
    if frac == 0 {
        return int.to_string();
    }
    let f = format!("{frac:06}");
    format!("{int}.{}", f.trim_end_matches('0'))
}

/// A calendar month, the unit exchange rates are set for (`2013-05`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a month: expected e.g. 2013-05");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let (year, month): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !(1..=12).contains(&month) || !(1900..=2200).contains(&year) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }
}

/// How a stored rate `base/quote` (1 base = rate quote) turns an amount into another currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateUse {
    /// From base to quote: multiply (USD -> KZT with USD/KZT).
    Multiply,
    /// From quote to base: divide (KZT -> USD with USD/KZT).
    Divide,
}

/// Converts `amount_minor` of currency `from` into currency `to` with a rate of `rate_micros`
/// millionths, used as `how`. Exact integer arithmetic on the minor units of each currency,
/// rounded once, half away from zero. `None` for an unknown currency or an overflow.
///
/// KZT 225 000.00 at USD/KZT 150.71 (divide): 22 500 000 x 10^6 / 150 710 000 = 149 293.34...
/// cents, i.e. USD 1 492.93.
pub fn convert(amount_minor: i64, from: &str, to: &str, rate_micros: i64, how: RateUse) -> Option<i64> {
    let (fe, te) = (u32::from(minor_unit_exponent(from)?), u32::from(minor_unit_exponent(to)?));
    if rate_micros <= 0 {
        return None;
    }
    let (a, r, s) = (i128::from(amount_minor), i128::from(rate_micros), i128::from(RATE_SCALE));
    let (tp, fp) = (10i128.pow(te), 10i128.pow(fe));
    let v = match how {
        RateUse::Multiply => div_round(a * r * tp, s * fp),
        RateUse::Divide => div_round(a * s * tp, r * fp),
    };
    i64::try_from(v).ok()
}

/// Budget and expenditure of one group, in the ledger currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub budget_minor: i64,
    pub expenditure_minor: i64,
}

impl Tally {
    pub fn balance_minor(&self) -> i64 {
        self.budget_minor - self.expenditure_minor
    }

    pub fn delivery_rate_bp(&self) -> Option<i64> {
        delivery_rate_bp(self.expenditure_minor, self.budget_minor)
    }

    /// Adds budget; an overflow is an error, never a wrap.
    fn add_budget(&mut self, v: i64) -> Result<(), SumOverflow> {
        self.budget_minor = self.budget_minor.checked_add(v).ok_or(SumOverflow)?;
        Ok(())
    }

    /// Adds expenditure; an overflow is an error, never a wrap.
    fn add_spent(&mut self, v: i64) -> Result<(), SumOverflow> {
        self.expenditure_minor = self.expenditure_minor.checked_add(v).ok_or(SumOverflow)?;
        Ok(())
    }
}

/// A sum of a view does not fit 64 bits. Unreachable through validated input (every record
/// kind of a project adds up to at most [`crate::domain::money::MAX_TOTAL_MINOR`]), but a
/// view refuses to answer rather than print a wrapped figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SumOverflow;

impl fmt::Display for SumOverflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a finance figure is out of range (more than 9.2 x 10^18 minor units)")
    }
}

/// What the summary needs to know of one budget line of a current plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetFact {
    pub lineage_id: i64,
    pub year: i32,
    /// Output (result id) the line's activity belongs to; `None` for plan-level lines.
    pub output: Option<i64>,
    /// The activity's result id; `None` for plan-level lines (e.g. GMS).
    pub activity: Option<i64>,
    pub source: i64,
    pub account: String,
    /// `None` when the account is not in the catalogue.
    pub heading: Option<i32>,
    /// The line's budget per quarter ([`quarterly_budget`]).
    pub quarters: [i64; 4],
}

/// One expenditure, in the ledger currency, with the lineage of the line it was booked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpendFact {
    pub lineage_id: i64,
    pub date: NaiveDate,
    pub amount_minor: i64,
}

/// The period a summary is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Quarter(Quarter),
    Year(i32),
    LifeOfProject,
    /// The budget of the quarters `budget` against the expenditure of the quarters `spend`
    /// (first and last, both included): a report's window is the same range twice; its year
    /// to date is the whole year's budget against the quarters spent so far.
    Window {
        budget: (Quarter, Quarter),
        spend: (Quarter, Quarter),
    },
}

impl Scope {
    /// A window of whole quarters, budget and expenditure alike.
    pub fn quarters(first: Quarter, last: Quarter) -> Self {
        Scope::Window { budget: (first, last), spend: (first, last) }
    }

    /// Whether the budget of `q` counts (only lines of a plan for `q`'s year have any).
    fn takes_budget(self, q: Quarter) -> bool {
        match self {
            Scope::Window { budget: (a, b), .. } => a <= q && q <= b,
            _ => self.takes_spent(q),
        }
    }

    /// Whether expenditure dated in `q` counts.
    fn takes_spent(self, q: Quarter) -> bool {
        match self {
            Scope::Quarter(x) => x == q,
            Scope::Year(y) => q.year == y,
            Scope::LifeOfProject => true,
            Scope::Window { spend: (a, b), .. } => a <= q && q <= b,
        }
    }

    /// Whether the lines of the plan of `year` are shown (with their budget in the scope,
    /// possibly none), so that a view lists the same lines for a quarter as for its year.
    fn shows_year(self, year: i32) -> bool {
        match self {
            Scope::Quarter(q) => q.year == year,
            Scope::Year(y) => y == year,
            Scope::LifeOfProject => true,
            Scope::Window { budget: (a, b), .. } => a.year <= year && year <= b.year,
        }
    }
}

/// Budget vs expenditure grouped every way a finance officer reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: Tally,
    pub by_output: BTreeMap<Option<i64>, Tally>,
    pub by_activity: BTreeMap<Option<i64>, Tally>,
    pub by_source: BTreeMap<i64, Tally>,
    pub by_account: BTreeMap<String, Tally>,
    pub by_heading: BTreeMap<Option<i32>, Tally>,
    pub by_quarter: BTreeMap<Quarter, Tally>,
    /// Expenditure whose line is not in the current plan of its year (it was removed by a
    /// revision): counted in the total, never lost.
    pub unplanned: Tally,
}

/// Groups the budget of the current plans' lines and the expenditure booked on them for one
/// scope. Every group's figures add up to the total (each line is in exactly one group of
/// each dimension), so the views reconcile to the cent.
pub fn summarize(budget: &[BudgetFact], spending: &[SpendFact], scope: Scope) -> Result<Summary, SumOverflow> {
    let mut s = Summary::default();
    let mut by_lineage: HashMap<i64, usize> = HashMap::with_capacity(budget.len());
    for (i, f) in budget.iter().enumerate() {
        by_lineage.insert(f.lineage_id, i);
        if !scope.shows_year(f.year) {
            continue;
        }
        let mut amount: i64 = 0;
        for (qi, v) in f.quarters.iter().enumerate() {
            let q = Quarter { year: f.year, q: qi as u8 + 1 };
            if scope.takes_budget(q) {
                amount = amount.checked_add(*v).ok_or(SumOverflow)?;
                s.by_quarter.entry(q).or_default().add_budget(*v)?;
            }
        }
        s.total.add_budget(amount)?;
        s.by_output.entry(f.output).or_default().add_budget(amount)?;
        s.by_activity.entry(f.activity).or_default().add_budget(amount)?;
        s.by_source.entry(f.source).or_default().add_budget(amount)?;
        s.by_account.entry(f.account.clone()).or_default().add_budget(amount)?;
        s.by_heading.entry(f.heading).or_default().add_budget(amount)?;
    }
    // Sum per line first (100 000 expenditures, 10 000 lines), then spread over the groups.
    let mut per_lineage: HashMap<i64, i64> = HashMap::with_capacity(budget.len());
    for e in spending {
        let q = Quarter::of(e.date);
        if !scope.takes_spent(q) {
            continue;
        }
        s.total.add_spent(e.amount_minor)?;
        s.by_quarter.entry(q).or_default().add_spent(e.amount_minor)?;
        let line = per_lineage.entry(e.lineage_id).or_default();
        *line = line.checked_add(e.amount_minor).ok_or(SumOverflow)?;
    }
    for (lineage, amount) in per_lineage {
        match by_lineage.get(&lineage).map(|i| &budget[*i]) {
            Some(f) => {
                s.by_output.entry(f.output).or_default().add_spent(amount)?;
                s.by_activity.entry(f.activity).or_default().add_spent(amount)?;
                s.by_source.entry(f.source).or_default().add_spent(amount)?;
                s.by_account.entry(f.account.clone()).or_default().add_spent(amount)?;
                s.by_heading.entry(f.heading).or_default().add_spent(amount)?;
            }
            None => s.unplanned.add_spent(amount)?,
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round(5, 2), 3);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(4, 3), 1);
        assert_eq!(div_round(-4, 3), -1);
        assert_eq!(div_round(5, -2), -3);
        assert_eq!(div_round(7, 7), 1);
        assert_eq!(div_round(0, 9), 0);
        assert_eq!(div_round(149, 100), 1);
        assert_eq!(div_round(150, 100), 2);
    }

    #[test]
    fn indirect_cost_is_the_rate_of_direct_costs() {
        // KAZ-HUB 2013, activity result 1: 7 % of 58 500.00 USD.
        assert_eq!(indirect_cost(5_850_000, 700), 409_500);
        // 7 % of 122 430.00 = 8 570.10.
        assert_eq!(indirect_cost(12_243_000, 700), 857_010);
        // Half a cent rounds up, away from zero: 8 % of 0.50 = 0.04; 7 % of 0.50 = 0.035 -> 0.04.
        assert_eq!(indirect_cost(50, 800), 4);
        assert_eq!(indirect_cost(50, 700), 4);
        assert_eq!(indirect_cost(10, 700), 1);
        assert_eq!(indirect_cost(7, 700), 0);
        assert_eq!(indirect_cost(1_000_000, 0), 0);
        assert_eq!(indirect_cost(i64::MAX, 10_000), i64::MAX);
    }

    #[test]
    fn delivery_rate_in_basis_points() {
        assert_eq!(delivery_rate_bp(4_523, 10_000), Some(4_523));
        assert_eq!(delivery_rate_bp(1, 3), Some(3_333));
        assert_eq!(delivery_rate_bp(2, 3), Some(6_667));
        assert_eq!(delivery_rate_bp(11_000, 10_000), Some(11_000));
        assert_eq!(delivery_rate_bp(5, 0), None);
        assert_eq!(format_bp(4_523), "45.23 %");
        assert_eq!(format_bp(5), "0.05 %");
        assert_eq!(format_bp(10_000), "100.00 %");
    }

    #[test]
    fn phasing_must_add_up() {
        assert!(check_phasing(1_000_000, "USD", &[250_000, 250_000, 250_000, 250_000]).is_empty());
        assert!(check_phasing(0, "USD", &[0, 0, 0, 0]).is_empty());
        let errs = check_phasing(1_000_000, "USD", &[250_000, 250_000, 250_000, 200_000]);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "phasing");
        assert!(errs[0].message.contains("9,500.00 USD") && errs[0].message.contains("10,000.00 USD"), "{errs:?}");
        let errs = check_phasing(100, "USD", &[200, -100, 0, 0]);
        assert_eq!(errs, vec![FieldError::new("phasing[1]", "must not be negative")]);
        // No overflow on absurd input.
        assert_eq!(check_phasing(1, "USD", &[i64::MAX, i64::MAX, 0, 0]).len(), 1);
    }

    #[test]
    fn even_split_adds_up_exactly() {
        assert_eq!(split_even(1_000, 3), vec![334, 333, 333]);
        assert_eq!(split_even(1_001, 4), vec![251, 250, 250, 250]);
        assert_eq!(split_even(2, 4), vec![1, 1, 0, 0]);
        assert_eq!(split_even(-5, 2), vec![-3, -2]);
        assert!(split_even(5, 0).is_empty());
        for (a, n) in [(999_999, 7), (1, 4), (2_970_000, 4)] {
            assert_eq!(split_even(a, n).iter().sum::<i64>(), a);
        }
    }

    #[test]
    fn quarterly_budget_follows_phasing_then_timeframe_then_the_year() {
        assert_eq!(quarterly_budget(100, Some([10, 20, 30, 40]), Some([true, false, false, false])), [10, 20, 30, 40]);
        assert_eq!(quarterly_budget(1_000, None, Some([false, true, false, true])), [0, 500, 0, 500]);
        assert_eq!(quarterly_budget(1_000, None, Some([false, false, true, false])), [0, 0, 1_000, 0]);
        assert_eq!(quarterly_budget(1_001, None, None), [251, 250, 250, 250]);
        assert_eq!(quarterly_budget(1_001, None, Some([false; 4])), [251, 250, 250, 250]);
    }

    #[test]
    fn rates_are_exact_decimals() {
        assert_eq!(parse_rate("150.65"), Ok(150_650_000));
        assert_eq!(parse_rate("0.9215"), Ok(921_500));
        assert_eq!(parse_rate("1"), Ok(1_000_000));
        assert_eq!(parse_rate(" 12650.123456 "), Ok(12_650_123_456));
        for bad in ["", "abc", "1.2.3", "-1", "1,5", "1.", ".5", "0", "0.000000", "1e3"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_rate("1.1234567"), Err("at most six decimals".into()));
        assert!(parse_rate("99999999999999999").is_err());
        assert_eq!(format_rate(150_650_000), "150.65");
        assert_eq!(format_rate(1_000_000), "1");
        assert_eq!(format_rate(921_500), "0.9215");
        assert_eq!(format_rate(12_650_123_456), "12650.123456");
    }

    #[test]
    fn months_parse_and_print() {
        let m: Month = "2013-05".parse().unwrap();
        assert_eq!(m, Month { year: 2013, month: 5 });
        assert_eq!(m.to_string(), "2013-05");
        assert_eq!(Month::of(d(2014, 12, 31)).to_string(), "2014-12");
        for bad in ["2013-13", "2013-5", "13-05", "2013/05", "", "2013-00"] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
    }

    #[test]
    fn conversion_is_exact_and_rounded_once() {
        // KZT 225 000.00 at USD/KZT 150.71: 1 492.9334... -> 1 492.93 USD.
        assert_eq!(convert(22_500_000, "KZT", "USD", 150_710_000, RateUse::Divide), Some(149_293));
        // KZT 44 000 000 at exactly 150: the project document's 293 333.33 USD.
        assert_eq!(convert(4_400_000_000, "KZT", "USD", 150_000_000, RateUse::Divide), Some(29_333_333));
        // The other way: USD 100.00 at 150.71 = KZT 15 071.00.
        assert_eq!(convert(10_000, "USD", "KZT", 150_710_000, RateUse::Multiply), Some(1_507_100));
        // Half a cent rounds away from zero: 1.00 / 8 = 0.125 -> 0.13.
        assert_eq!(convert(100, "EUR", "USD", 8_000_000, RateUse::Divide), Some(13));
        // Different minor units: JPY has none, KWD three.
        assert_eq!(convert(1_000, "JPY", "USD", 150_000_000, RateUse::Divide), Some(667));
        assert_eq!(convert(1_000, "KWD", "USD", 307_000, RateUse::Divide), Some(326));
        assert_eq!(convert(100, "XXX", "USD", 1_000_000, RateUse::Divide), None);
        assert_eq!(convert(100, "USD", "EUR", 0, RateUse::Divide), None);
        assert_eq!(convert(i64::MAX, "KZT", "USD", 1, RateUse::Divide), None, "overflow is refused, not wrapped");
    }

    fn fact(lineage: i64, year: i32, activity: Option<i64>, source: i64, account: &str, q: [i64; 4]) -> BudgetFact {
        BudgetFact {
            lineage_id: lineage,
            year,
            output: activity.map(|_| 1),
            activity,
            source,
            account: account.into(),
            heading: if account == "75100" { Some(7) } else { Some(1) },
            quarters: q,
        }
    }

    #[test]
    fn summary_groups_reconcile_for_each_scope() {
        let budget = vec![
            fact(1, 2013, Some(10), 100, "71200", [1_000, 0, 0, 0]),
            fact(2, 2013, Some(11), 200, "71600", [0, 500, 500, 0]),
            fact(3, 2013, None, 100, "75100", [25, 25, 25, 25]),
            fact(4, 2014, Some(10), 100, "71200", [0, 0, 0, 2_000]),
        ];
        let spending = vec![
            SpendFact { lineage_id: 1, date: d(2013, 2, 1), amount_minor: 900 },
            SpendFact { lineage_id: 2, date: d(2013, 5, 1), amount_minor: 300 },
            SpendFact { lineage_id: 4, date: d(2014, 11, 1), amount_minor: 2_100 },
            SpendFact { lineage_id: 99, date: d(2014, 11, 2), amount_minor: 7 },
        ];
        let lop = summarize(&budget, &spending, Scope::LifeOfProject).unwrap();
        assert_eq!(lop.total, Tally { budget_minor: 4_100, expenditure_minor: 3_307 });
        assert_eq!(lop.unplanned.expenditure_minor, 7);
        for sums in [
            lop.by_source.values().copied().collect::<Vec<_>>(),
            lop.by_account.values().copied().collect(),
            lop.by_heading.values().copied().collect(),
            lop.by_output.values().copied().collect(),
            lop.by_activity.values().copied().collect(),
        ] {
            let b: i64 = sums.iter().map(|t| t.budget_minor).sum();
            let e: i64 = sums.iter().map(|t| t.expenditure_minor).sum();
            assert_eq!((b, e + lop.unplanned.expenditure_minor), (4_100, 3_307));
        }
        assert_eq!(lop.by_quarter.len(), 8);
        assert_eq!(lop.by_activity[&Some(10)], Tally { budget_minor: 3_000, expenditure_minor: 3_000 });
        assert_eq!(lop.by_heading[&Some(7)].budget_minor, 100);

        let y2013 = summarize(&budget, &spending, Scope::Year(2013)).unwrap();
        assert_eq!(y2013.total, Tally { budget_minor: 2_100, expenditure_minor: 1_200 });
        assert_eq!(y2013.total.delivery_rate_bp(), Some(5_714));
        assert_eq!(y2013.by_source[&100], Tally { budget_minor: 1_100, expenditure_minor: 900 });
        assert_eq!(
            y2013.by_quarter.keys().map(|q| q.to_string()).collect::<Vec<_>>(),
            ["2013-Q1", "2013-Q2", "2013-Q3", "2013-Q4"]
        );

        let q2: Quarter = "2013-Q2".parse().unwrap();
        let s = summarize(&budget, &spending, Scope::Quarter(q2)).unwrap();
        assert_eq!(s.total, Tally { budget_minor: 525, expenditure_minor: 300 });
        assert_eq!(s.by_account["71200"], Tally { budget_minor: 0, expenditure_minor: 0 });
        assert!(!s.by_activity.contains_key(&Some(10)) || s.by_activity[&Some(10)].budget_minor == 0);
        assert_eq!(s.by_quarter.len(), 1);
        assert_eq!(s.total.balance_minor(), 225);
    }

    #[test]
    fn a_window_is_its_quarters_added_up() {
        let budget = vec![
            fact(1, 2013, Some(10), 100, "71200", [1_000, 0, 0, 0]),
            fact(2, 2013, Some(11), 200, "71600", [0, 500, 500, 0]),
            fact(3, 2013, None, 100, "75100", [25, 25, 25, 25]),
            fact(4, 2014, Some(10), 100, "71200", [0, 0, 0, 2_000]),
        ];
        let spending = vec![
            SpendFact { lineage_id: 1, date: d(2013, 2, 1), amount_minor: 900 },
            SpendFact { lineage_id: 2, date: d(2013, 5, 1), amount_minor: 300 },
            SpendFact { lineage_id: 2, date: d(2013, 12, 1), amount_minor: 50 },
            SpendFact { lineage_id: 4, date: d(2014, 11, 1), amount_minor: 2_100 },
        ];
        let q = |s: &str| -> Quarter { s.parse().unwrap() };
        let w = summarize(&budget, &spending, Scope::quarters(q("2013-Q2"), q("2014-Q1"))).unwrap();
        // 2013-Q2..Q4 of lines 2 and 3, nothing of 2014-Q1; spent 300 + 50.
        assert_eq!(w.total, Tally { budget_minor: 1_075, expenditure_minor: 350 });
        let mut sum = Tally::default();
        for quarter in q("2013-Q2").through(q("2014-Q1")) {
            let one = summarize(&budget, &spending, Scope::Quarter(quarter)).unwrap();
            sum.budget_minor += one.total.budget_minor;
            sum.expenditure_minor += one.total.expenditure_minor;
        }
        assert_eq!(w.total, sum, "a window is the sum of its quarters");
        // Budget and expenditure of different quarters: the year to date of 2013-Q2.
        let ytd = Scope::Window { budget: (q("2013-Q1"), q("2013-Q4")), spend: (q("2013-Q1"), q("2013-Q2")) };
        let ytd = summarize(&budget, &spending, ytd).unwrap();
        assert_eq!(ytd.total, Tally { budget_minor: 2_100, expenditure_minor: 1_200 });
        assert_eq!(ytd.by_activity[&Some(11)], Tally { budget_minor: 1_000, expenditure_minor: 300 });
    }

    #[test]
    fn a_sum_past_i64_is_an_error_not_a_wrap() {
        // Not reachable through validated input (MAX_TOTAL_MINOR bounds every record kind of a
        // project to 10^18), so the pure rule is fed facts directly.
        let near = i64::MAX - 10;
        let budget = vec![
            fact(1, 2013, Some(10), 100, "71200", [near, 0, 0, 0]),
            fact(2, 2013, Some(10), 100, "71200", [0, 11, 0, 0]),
        ];
        let q = |s: &str| -> Quarter { s.parse().unwrap() };
        assert_eq!(
            summarize(&budget, &[], Scope::quarters(q("2013-Q1"), q("2013-Q1"))).unwrap().total.budget_minor,
            near
        );
        assert_eq!(summarize(&budget, &[], Scope::quarters(q("2013-Q1"), q("2013-Q2"))), Err(SumOverflow));
        let spending = vec![
            SpendFact { lineage_id: 1, date: d(2013, 2, 1), amount_minor: near },
            SpendFact { lineage_id: 1, date: d(2013, 5, 1), amount_minor: 11 },
        ];
        assert_eq!(summarize(&[], &spending, Scope::Year(2013)), Err(SumOverflow));
        assert_eq!(summarize(&[], &spending, Scope::Quarter(q("2013-Q1"))).unwrap().unplanned.expenditure_minor, near);
    }
}
