//! The EU budget format (PRAG Annex III "Budget for the Action") and the rules of the EU
//! financial statement, exact like the rest of the budget arithmetic (integer minor units,
//! half away from zero):
//!
//! - the lines of the format: headings 1-6 and their sub-lines (`1.1` ... `5.8`), which the
//!   budget accounts map to; `7` the subtotal of direct eligible costs (1-6), `8` indirect
//!   costs at the agreement's rate (at most 7 % of 7), `9` total eligible costs (7 + 8);
//! - [`statement`]: the lines' figures (budget of the action, this period, cumulative) into
//!   headings with their subtotals, 7, 8 and 9, every total the sum of its lines;
//! - [`allocate`]: line 8 shared among the funding sources in proportion to their direct costs,
//!   adding up to line 8 to the cent;
//! - [`weighted_rate_micros`]: the weighted average rate of the EU instalments received, for
//!   agreements converting at the instalments' rate ([`ConversionRule::InstalmentRate`]).

use super::budget::{RATE_SCALE, div_round, indirect_cost};
use super::money::minor_unit_exponent;
use super::vocabulary;
use std::cmp::Ordering;
use std::collections::BTreeMap;

vocabulary! {
    /// How an EU agreement's statement turns the ledger currency (USD) into EUR:
    /// `monthly_rate` (the default), each month's expenditure at the UN operational rate of that
    /// month; `instalment_rate`, every figure at the weighted average rate of the EU instalments
    /// received up to the end of the reporting period (the EUR received divided by the USD they
    /// were booked at).
    ConversionRule {
        MonthlyRate = "monthly_rate",
        InstalmentRate = "instalment_rate",
    }
}

/// The most the EU accepts as indirect costs: 7 % of the direct eligible costs (line 7).
pub const MAX_INDIRECT_BP: i32 = 700;

/// The indirect-cost line of the statement; accounts of the catalogue's heading 7 (GMS / F&A)
/// map to it.
pub const INDIRECT_LINE: &str = "8";

/// The catalogue's heading for indirect-cost accounts (75100), shown as line 8.
pub const INDIRECT_ACCOUNT_HEADING: i32 = 7;

/// The direct-cost headings of the EU format.
pub const HEADINGS: [(u8, &str); 6] = [
    (1, "Human resources"),
    (2, "Travel"),
    (3, "Equipment and supplies"),
    (4, "Local office"),
    (5, "Other costs, services"),
    (6, "Other"),
];

/// Every direct-cost line of the EU format in the order of the format: the sub-lines, and each
/// heading itself (for accounts that are not split into sub-lines; heading 6 has none).
pub const LINES: &[(&str, &str)] = &[
    ("1.1", "Salaries (gross amounts, local staff)"),
    ("1.2", "Salaries (gross amounts, international staff)"),
    ("1.3", "Per diems for missions and travel"),
    ("1", "Human resources, not split"),
    ("2.1", "International travel"),
    ("2.2", "Local transportation"),
    ("2", "Travel, not split"),
    ("3.1", "Purchase or rent of vehicles"),
    ("3.2", "Furniture, computer equipment"),
    ("3.3", "Machines, tools"),
    ("3.4", "Spare parts, equipment for machines and tools"),
    ("3.5", "Other equipment and supplies"),
    ("3", "Equipment and supplies, not split"),
    ("4.1", "Vehicle costs"),
    ("4.2", "Office rent"),
    ("4.3", "Consumables, office supplies"),
    ("4.4", "Other services (telephone, electricity, maintenance)"),
    ("4", "Local office, not split"),
    ("5.1", "Publications"),
    ("5.2", "Studies, research"),
    ("5.3", "Expenditure verification, audit"),
    ("5.4", "Evaluation costs"),
    ("5.5", "Translation, interpreters"),
    ("5.6", "Financial services"),
    ("5.7", "Costs of conferences and seminars"),
    ("5.8", "Visibility actions"),
    ("5", "Other costs and services, not split"),
    ("6", "Other"),
];

/// The English name of a direct line, or of line 8.
pub fn line_name(line: &str) -> Option<&'static str> {
    if line == INDIRECT_LINE {
        return Some("Indirect costs");
    }
    LINES.iter().find(|(l, _)| *l == line).map(|(_, n)| *n)
}

/// The heading (1-6) of a direct line; `None` for line 8 or an unknown line.
pub fn heading_of(line: &str) -> Option<u8> {
    LINES.iter().any(|(l, _)| *l == line).then(|| line.as_bytes()[0] - b'0')
}

/// Where a line comes in the format (for sorting).
fn position(line: &str) -> usize {
    LINES.iter().position(|(l, _)| *l == line).unwrap_or(usize::MAX)
}

/// Orders lines as the format does (`1.1`, `1.2`, `1.3`, `1`, `2.1`, ...).
pub fn compare_lines(a: &str, b: &str) -> Ordering {
    position(a).cmp(&position(b)).then_with(|| a.cmp(b))
}

/// Whether an account of the catalogue's `heading` (1-6, or 7 for indirect costs) may map to
/// `line`: a line of its own heading, or line 8 for heading 7.
pub fn line_fits_heading(line: &str, heading: i32) -> bool {
    if heading == INDIRECT_ACCOUNT_HEADING {
        return line == INDIRECT_LINE;
    }
    heading_of(line).is_some_and(|h| i32::from(h) == heading)
}

/// The line of an account whose line is not given: its heading, not split (line 8 for 7).
pub fn default_line(heading: i32) -> String {
    if heading == INDIRECT_ACCOUNT_HEADING { INDIRECT_LINE.to_string() } else { heading.to_string() }
}

/// Why `line` cannot be used for an account of `heading`, naming the lines that can.
pub fn line_error(line: &str, heading: i32) -> String {
    if heading == INDIRECT_ACCOUNT_HEADING {
        return format!("`{line}`: accounts of heading 7 (indirect costs) map to line 8");
    }
    let allowed: Vec<&str> = LINES.iter().filter(|(l, _)| line_fits_heading(l, heading)).map(|(l, _)| *l).collect();
    format!("`{line}` is not a line of EU heading {heading}: use one of {}", allowed.join(", "))
}

/// The figures of one line of the statement, in EUR minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Figures {
    /// The budget of the action (the agreement's).
    pub budget_minor: i64,
    /// Expenditure in the reporting period.
    pub period_minor: i64,
    /// Expenditure since the start of the action, up to the end of the period.
    pub cumulative_minor: i64,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.budget_minor += o.budget_minor;
        self.period_minor += o.period_minor;
        self.cumulative_minor += o.cumulative_minor;
    }

    /// The indirect costs on these direct costs at `rate_bp`, column by column.
    pub fn indirect(&self, rate_bp: i32) -> Figures {
        Figures {
            budget_minor: indirect_cost(self.budget_minor, rate_bp),
            period_minor: indirect_cost(self.period_minor, rate_bp),
            cumulative_minor: indirect_cost(self.cumulative_minor, rate_bp),
        }
    }

    /// Budget minus cumulative expenditure.
    pub fn balance_minor(&self) -> i64 {
        self.budget_minor - self.cumulative_minor
    }

    /// Cumulative expenditure / budget in basis points; none without a budget.
    pub fn spent_bp(&self) -> Option<i64> {
        super::budget::delivery_rate_bp(self.cumulative_minor, self.budget_minor)
    }
}

/// One line of a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub line: String,
    pub figures: Figures,
}

/// One heading with its lines and subtotal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementHeading {
    pub heading: u8,
    pub lines: Vec<StatementLine>,
    pub subtotal: Figures,
}

/// The statement: headings 1-6 (always all six), 7, 8 and 9.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub headings: Vec<StatementHeading>,
    /// Line 7: the sum of headings 1-6.
    pub direct: Figures,
    /// The rate line 8 applies: the agreement's, at most 7 %.
    pub indirect_rate_bp: i32,
    /// Line 8: `indirect_rate_bp` of line 7, each column rounded half away from zero.
    pub indirect: Figures,
    /// Line 9: 7 + 8.
    pub total: Figures,
}

/// The indirect-cost rate the statement applies: the agreement's, capped at 7 % (none: 0).
pub fn indirect_rate(agreement_bp: Option<i32>) -> i32 {
    agreement_bp.unwrap_or(0).clamp(0, MAX_INDIRECT_BP)
}

/// Builds the statement from each direct line's figures. `shown` lists lines to show even
/// when they hold nothing (the lines the account catalogue maps to); a line with figures is
/// always shown. Lines that are not direct lines of the format are ignored (the caller maps
/// unknown accounts to line 6). Every heading is there, with nothing as zeros.
pub fn statement(figures: &BTreeMap<String, Figures>, shown: &[String], agreement_rate_bp: Option<i32>) -> Statement {
    let mut headings: Vec<StatementHeading> = HEADINGS
        .iter()
        .map(|(h, _)| StatementHeading { heading: *h, lines: vec![], subtotal: Figures::default() })
        .collect();
    let mut lines: Vec<&str> = figures.keys().map(String::as_str).chain(shown.iter().map(String::as_str)).collect();
    lines.sort_by(|a, b| compare_lines(a, b));
    lines.dedup();
    for line in lines {
        let Some(h) = heading_of(line) else { continue };
        let f = figures.get(line).copied().unwrap_or_default();
        let heading = &mut headings[usize::from(h) - 1];
        heading.subtotal.add(&f);
        heading.lines.push(StatementLine { line: line.to_string(), figures: f });
    }
    let mut direct = Figures::default();
    for h in &headings {
        direct.add(&h.subtotal);
    }
    let rate = indirect_rate(agreement_rate_bp);
    let indirect = direct.indirect(rate);
    let mut total = direct;
    total.add(&indirect);
    Statement { headings, direct, indirect_rate_bp: rate, indirect, total }
}

/// Shares `total` among parts in proportion to `weights`, so the shares add up to `total`
/// exactly (largest remainder: each share rounded down, the cents left over go one each to the
/// largest fractions, ties to the first). All zero weights share nothing but a zero total;
/// a non-zero total then goes to the first part.
pub fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    if weights.is_empty() {
        return vec![];
    }
    let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    if sum == 0 {
        let mut out = vec![0; weights.len()];
        out[0] = total;
        return out;
    }
    let t = i128::from(total);
    let mut shares: Vec<i128> = Vec::with_capacity(weights.len());
    let mut rests: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let n = t * i128::from(*w);
        let q = n.div_euclid(sum);
        shares.push(q);
        rests.push((n.rem_euclid(sum), i));
    }
    let mut left = t - shares.iter().sum::<i128>();
    rests.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rests {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares.into_iter().map(|s| s as i64).collect()
}

/// The weighted average rate of instalments received in `quote` (EUR) and booked in `base`
/// (the ledger currency, USD): the rate `base/quote` (1 base = rate quote) of all of them
/// together, Σ quote / Σ base, in millionths, rounded half away from zero. Each instalment is
/// (amount in `quote` minor units, amount booked in `base` minor units). `None` without
/// instalments, for an unknown currency or a total booked as zero.
pub fn weighted_rate_micros(instalments: &[(i64, i64)], base: &str, quote: &str) -> Option<i64> {
    let (be, qe) = (u32::from(minor_unit_exponent(base)?), u32::from(minor_unit_exponent(quote)?));
    let q: i128 = instalments.iter().map(|(q, _)| i128::from(*q)).sum();
    let b: i128 = instalments.iter().map(|(_, b)| i128::from(*b)).sum();
    if b <= 0 || q <= 0 {
        return None;
    }
    let micros = div_round(q * i128::from(RATE_SCALE) * 10i128.pow(be), b * 10i128.pow(qe));
    i64::try_from(micros).ok().filter(|m| *m > 0)
}

/// Decimals to show a rate with: those it has, at least four (0.9610 reads as a rate), at
/// most six (what is stored).
pub fn rate_decimals(micros: i64) -> u8 {
    let mut frac = (micros % RATE_SCALE).abs();
    let mut decimals = 6u8;
    while decimals > 4 && frac % 10 == 0 {
        frac /= 10;
        decimals -= 1;
    }
    decimals
}

#[cfg(test)]
// Amounts are written as major_minor (100_000_00 = 100 000.00), as a reader checks them.
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;
    use crate::domain::budget::{RateUse, convert};

    fn f(b: i64, p: i64, c: i64) -> Figures {
        Figures { budget_minor: b, period_minor: p, cumulative_minor: c }
    }

    #[test]
    fn lines_belong_to_their_heading() {
        assert_eq!(heading_of("1.1"), Some(1));
        assert_eq!(heading_of("5.8"), Some(5));
        assert_eq!(heading_of("6"), Some(6));
        assert_eq!(heading_of("8"), None);
        assert_eq!(heading_of("6.1"), None);
        assert_eq!(heading_of("7"), None);
        assert!(line_fits_heading("1.3", 1));
        assert!(!line_fits_heading("2.1", 1));
        assert!(line_fits_heading("5", 5));
        assert!(line_fits_heading("8", 7));
        assert!(!line_fits_heading("6", 7));
        assert_eq!(default_line(7), "8");
        assert_eq!(default_line(3), "3");
        assert!(line_error("2.1", 1).contains("1.1, 1.2, 1.3, 1"), "{}", line_error("2.1", 1));
        let mut v = vec!["5", "1", "1.2", "6", "5.10", "1.10", "2.2", "1.1", "5.7"];
        v.sort_by(|a, b| compare_lines(a, b));
        assert_eq!(v, ["1.1", "1.2", "1", "2.2", "5.7", "5", "6", "1.10", "5.10"]);
        assert_eq!(line_name("5.5"), Some("Translation, interpreters"));
        assert_eq!(line_name("8"), Some("Indirect costs"));
    }

    #[test]
    fn statement_shows_every_heading_and_adds_up() {
        let mut figures = BTreeMap::new();
        figures.insert("1.1".to_string(), f(100_000_00, 10_000_00, 30_000_00));
        figures.insert("1.2".to_string(), f(50_000_00, 0, 5_000_00));
        figures.insert("5.7".to_string(), f(20_000_00, 3_333_33, 3_333_33));
        figures.insert("9.9".to_string(), f(1, 1, 1)); // not a line of the format: ignored
        let shown = vec!["2.2".to_string(), "1.1".to_string()];
        let s = statement(&figures, &shown, Some(700));
        assert_eq!(s.headings.iter().map(|h| h.heading).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
        let lines: Vec<Vec<&str>> =
            s.headings.iter().map(|h| h.lines.iter().map(|l| l.line.as_str()).collect()).collect();
        assert_eq!(lines, vec![vec!["1.1", "1.2"], vec!["2.2"], vec![], vec![], vec!["5.7"], vec![]]);
        assert_eq!(s.headings[0].subtotal, f(150_000_00, 10_000_00, 35_000_00));
        assert_eq!(s.headings[1].subtotal, Figures::default());
        assert_eq!(s.direct, f(170_000_00, 13_333_33, 38_333_33));
        // 7 % of each column of line 7, half away from zero: 933.33331 -> 933.33.
        assert_eq!(s.indirect, f(11_900_00, 933_33, 2_683_33));
        assert_eq!(s.total, f(181_900_00, 14_266_66, 41_016_66));
        assert_eq!(s.total.balance_minor(), 181_900_00 - 41_016_66);
        assert_eq!(s.direct.spent_bp(), Some(2_255));
    }

    #[test]
    fn indirect_rate_is_the_agreements_at_most_seven_percent() {
        assert_eq!(indirect_rate(Some(700)), 700);
        assert_eq!(indirect_rate(Some(500)), 500);
        assert_eq!(indirect_rate(Some(800)), 700);
        assert_eq!(indirect_rate(None), 0);
        let s = statement(&BTreeMap::from([("6".to_string(), f(1_000, 10, 10))]), &[], Some(800));
        assert_eq!((s.indirect_rate_bp, s.indirect), (700, f(70, 1, 1)));
    }

    #[test]
    fn allocation_adds_up_to_the_cent() {
        assert_eq!(allocate(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(allocate(10, &[3, 7]), vec![3, 7]);
        // 70.00 shared about 2:1: 46.666.. and 23.333.. -> 46.67 and 23.33.
        assert_eq!(allocate(7_000, &[66_667, 33_334]), vec![4_667, 2_333]);
        assert_eq!(allocate(0, &[5, 5]), vec![0, 0]);
        assert_eq!(allocate(5, &[0, 0]), vec![5, 0]);
        assert!(allocate(5, &[]).is_empty());
        for (t, w) in [(12_345, vec![1, 2, 3, 4]), (1, vec![1, 1, 1]), (999_999, vec![7, 0, 13])] {
            assert_eq!(allocate(t, &w).iter().sum::<i64>(), t);
        }
    }

    #[test]
    fn weighted_average_rate_of_the_instalments() {
        // EUR 1 500 000.00 booked as USD 1 560 874.09 (at 0.9610) and EUR 1 000 000.00 booked
        // as USD 1 168 224.30 (at 0.8560): 2 500 000 / 2 729 098.39 = 0.916053...
        let i = [(150_000_000, 156_087_409), (100_000_000, 116_822_430)];
        assert_eq!(weighted_rate_micros(&i, "USD", "EUR"), Some(916_053));
        assert_eq!(weighted_rate_micros(&i[..1], "USD", "EUR"), Some(961_000));
        assert_eq!(weighted_rate_micros(&[], "USD", "EUR"), None);
        assert_eq!(weighted_rate_micros(&[(100, 0)], "USD", "EUR"), None);
        assert_eq!(weighted_rate_micros(&i, "XXX", "EUR"), None);
        // The rate converts like a stored one: USD 1 000.00 at 0.916053 = EUR 916.05.
        assert_eq!(convert(100_000, "USD", "EUR", 916_053, RateUse::Multiply), Some(91_605));
    }

    #[test]
    fn rates_show_four_to_six_decimals() {
        assert_eq!(rate_decimals(961_000), 4);
        assert_eq!(rate_decimals(916_053), 6);
        assert_eq!(rate_decimals(916_050), 5);
        assert_eq!(rate_decimals(1_000_000), 4);
        assert_eq!(rate_decimals(12_950_000_000), 4);
    }
}
