//! Computed progress: the one implementation of how actuals combine over periods and how
//! they compare with targets. The API's progress endpoint and every report call it.
//!
//! Rules (also in the README):
//! - `sum` indicators (numbers only, direction increase): values are increments since the
//!   baseline. Period actual = sum of the window's quarters; cumulative = sum from the start
//!   to the window's end; year to date = sum from Q1 of the end's year. % of a target =
//!   actual / target (the baseline is already excluded from increments).
//! - `latest` indicators (always for percentages, yes/no and qualitative): values are levels.
//!   The actual at a period is the latest value at or before the period's end. % of a target is
//!   baseline-aware, (actual - baseline) / (target - baseline), so a decreasing indicator
//!   (waiting time 45 -> 20 minutes) measures correctly and an overshoot shows above 100 %.
//! - Percentages combine by summing numerators and denominators, never by averaging rates.
//! - Undefined cases (no target, target equal to the baseline, no data) say so in `notes`
//!   instead of dividing by zero.
//! - Status compares with the period's own target when there is one, else with the year's
//!   target prorated to the quarters elapsed, else with the life-of-project target prorated to
//!   the project's elapsed quarters; thresholds come from configuration.

use super::FieldError;
use super::indicators::{Accumulation, Dimension, Direction, Measure};
use super::period::{Period, Quarter};
use super::vocabulary;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Disaggregated values: dimension -> category -> value, e.g. sex -> women -> 12.
pub type Disaggregation = BTreeMap<String, BTreeMap<String, f64>>;

vocabulary! {
    /// Where an actual is in its approval workflow.
    ActualStatus {
        Draft = "draft",
        Submitted = "submitted",
        Approved = "approved",
        Returned = "returned",
    }
}

/// A step of the approval workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Submit,
    Approve,
    Return,
    Reopen,
}

impl Transition {
    pub fn name(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Approve => "approve",
            Transition::Return => "return",
            Transition::Reopen => "reopen",
        }
    }
}

vocabulary! {
    /// A manager's decision on submitted actuals.
    Decision {
        Approve = "approve",
        Return = "return",
    }
}

impl Decision {
    pub fn transition(self) -> Transition {
        match self {
            Decision::Approve => Transition::Approve,
            Decision::Return => Transition::Return,
        }
    }
}

/// `draft -> submitted -> approved`; `submitted -> returned` (back to the coordinator);
/// `returned -> submitted`; `approved -> draft` only by reopening.
pub fn transition(from: ActualStatus, t: Transition) -> Result<ActualStatus, String> {
    use ActualStatus::*;
    match (from, t) {
        (Draft | Returned, Transition::Submit) => Ok(Submitted),
        (Submitted, Transition::Approve) => Ok(Approved),
        (Submitted, Transition::Return) => Ok(Returned),
        (Approved, Transition::Reopen) => Ok(Draft),
        (from, t) => Err(format!("an actual that is {from} cannot be {}", past(t))),
    }
}

fn past(t: Transition) -> &'static str {
    match t {
        Transition::Submit => "submitted",
        Transition::Approve => "approved (only submitted actuals are)",
        Transition::Return => "returned (only submitted actuals are)",
        Transition::Reopen => "reopened (only approved actuals are)",
    }
}

/// Draft and returned actuals can be edited; submitted ones wait for the manager and
/// approved ones are locked until reopened.
pub fn editable(status: ActualStatus) -> bool {
    matches!(status, ActualStatus::Draft | ActualStatus::Returned)
}

/// What a coordinator enters for one indicator and quarter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub text: Option<String>,
    pub disaggregations: Disaggregation,
}

/// Checks an entry against the indicator's measure and dimensions; every failure names its field.
pub fn check_entry(measure: Measure, dims: &[Dimension], e: &Entry) -> Vec<FieldError> {
    let mut errs = vec![];
    let forbid = |errs: &mut Vec<FieldError>, field: &str, present: bool, why: &str| {
        if present {
            errs.push(FieldError::new(field, why.to_string()));
        }
    };
    match measure {
        Measure::Number | Measure::YesNo => {
            match e.value {
                None => errs.push(FieldError::new("value", format!("a {measure} indicator needs a value"))),
                Some(v) => {
                    if let Err(m) = super::indicators::check_value(measure, v) {
                        errs.push(FieldError::new("value", m));
                    }
                }
            }
            let why = format!("a {measure} indicator takes a value, not a numerator/denominator or text");
            forbid(&mut errs, "numerator", e.numerator.is_some(), &why);
            forbid(&mut errs, "denominator", e.denominator.is_some(), &why);
            forbid(&mut errs, "text", e.text.is_some(), &why);
        }
        Measure::Percentage => {
            match (e.numerator, e.denominator) {
                (Some(n), Some(d)) => {
                    if !(d.is_finite() && d > 0.0) {
                        errs.push(FieldError::new("denominator", "must be greater than 0"));
                    } else if !(n.is_finite() && n >= 0.0 && n <= d) {
                        errs.push(FieldError::new("numerator", "must be between 0 and the denominator"));
                    }
                }
                (n, d) => {
                    if n.is_none() {
                        errs.push(FieldError::new("numerator", "a percentage needs a numerator and a denominator"));
                    }
                    if d.is_none() {
                        errs.push(FieldError::new("denominator", "a percentage needs a numerator and a denominator"));
                    }
                }
            }
            let why = "a percentage is entered as numerator and denominator";
            forbid(&mut errs, "value", e.value.is_some(), why);
            forbid(&mut errs, "text", e.text.is_some(), why);
        }
        Measure::Qualitative => {
            if e.text.as_deref().is_none_or(|t| t.trim().is_empty()) {
                errs.push(FieldError::new("text", "a qualitative indicator needs a text"));
            }
            let why = "a qualitative indicator takes text only";
            forbid(&mut errs, "value", e.value.is_some(), why);
            forbid(&mut errs, "numerator", e.numerator.is_some(), why);
            forbid(&mut errs, "denominator", e.denominator.is_some(), why);
        }
    }
    if !e.disaggregations.is_empty() && measure != Measure::Number {
        errs.push(FieldError::new("disaggregations", format!("a {measure} indicator is not disaggregated")));
        return errs;
    }
    for (dim, values) in &e.disaggregations {
        let field = format!("disaggregations.{dim}");
        let Some(def) = dims.iter().find(|d| &d.name == dim) else {
            let known: Vec<&str> = dims.iter().map(|d| d.name.as_str()).collect();
            errs.push(FieldError::new(field, format!("unknown dimension `{dim}`; this indicator has {known:?}")));
            continue;
        };
        let mut ok = true;
        for (cat, v) in values {
            if !def.values.contains(cat) {
                errs.push(FieldError::new(
                    format!("{field}.{cat}"),
                    format!("`{cat}` is not a value of {dim}: {:?}", def.values),
                ));
                ok = false;
            } else if !(v.is_finite() && *v >= 0.0) {
                errs.push(FieldError::new(format!("{field}.{cat}"), "must be a number of at least 0"));
                ok = false;
            }
        }
        if let (true, Some(total)) = (ok, e.value) {
            let sum: f64 = values.values().sum();
            if (sum - total).abs() > 1e-9 * total.abs().max(1.0) {
                let parts: Vec<String> = values.iter().map(|(k, v)| format!("{k} {}", fmt_num(*v))).collect();
                errs.push(FieldError::new(
                    field,
                    format!("{} add up to {}, but the value is {}", parts.join(" + "), fmt_num(sum), fmt_num(total)),
                ));
            }
        }
    }
    errs
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

/// One counted actual (the caller decides whether unapproved ones count).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub quarter: Quarter,
    pub entry: Entry,
}

/// The indicator as far as computing progress goes.
#[derive(Debug, Clone)]
pub struct Definition {
    pub measure: Measure,
    pub direction: Direction,
    pub accumulation: Accumulation,
    pub baseline: Option<f64>,
}

/// A run of quarters: one quarter, a year, or an EU reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Quarter,
    pub to: Quarter,
}

impl Window {
    pub fn quarter(q: Quarter) -> Self {
        Window { from: q, to: q }
    }

    pub fn year(y: i32) -> Self {
        Window { from: Quarter { year: y, q: 1 }, to: Quarter { year: y, q: 4 } }
    }

    pub fn contains(&self, q: Quarter) -> bool {
        self.from <= q && q <= self.to
    }

    /// The period this window is, when it is exactly one quarter or one calendar year.
    pub fn as_period(&self) -> Option<Period> {
        if self.from == self.to {
            Some(Period::Quarter(self.from))
        } else if self.from.year == self.to.year && self.from.q == 1 && self.to.q == 4 {
            Some(Period::Year(self.from.year))
        } else {
            None
        }
    }

    /// `2025-Q3`, `2025`, or `2024-Q3..2025-Q2`.
    pub fn label(&self) -> String {
        match self.as_period() {
            Some(p) => p.to_string(),
            None => format!("{}..{}", self.from, self.to),
        }
    }
}

/// Status thresholds, in % of the (prorated) target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Thresholds {
    /// At or above: on track (default 90).
    pub on_track: f64,
    /// At or above: needs attention; below: off track (default 60).
    pub needs_attention: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { on_track: 90.0, needs_attention: 60.0 }
    }
}

vocabulary! {
    /// How an indicator stands (`not_rated`: qualitative, or no target to compare with).
    #[schema(as = IndicatorStatus)]
    Status {
        OnTrack = "on_track",
        NeedsAttention = "needs_attention",
        OffTrack = "off_track",
        NoData = "no_data",
        NotRated = "not_rated",
    }
}

/// Progress of one indicator over one window.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub baseline: Option<f64>,
    /// Target of the window itself (its quarter or year, or the sum of its quarters' targets).
    pub target_period: Option<f64>,
    /// Target of the calendar year the window ends in.
    pub target_year: Option<f64>,
    /// Life-of-project target (given, or derived from yearly targets).
    pub target_lop: Option<f64>,
    /// Target in words (qualitative indicators, or described targets).
    pub target_text: Option<String>,
    /// Sum over the window (`sum`), or the level at its end (`latest`).
    pub actual_period: Option<f64>,
    /// Sum from the start to the window's end (`sum`), or the level at its end (`latest`).
    pub actual_cumulative: Option<f64>,
    /// `sum` only: from Q1 of the end's year to the window's end.
    pub actual_year_to_date: Option<f64>,
    /// Percentages: the summed numerator and denominator behind `actual_period`.
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// Qualitative: the latest text at or before the window's end.
    pub text: Option<String>,
    /// The quarter the level was reported in (`latest` indicators).
    pub as_of: Option<String>,
    pub percent_of_period_target: Option<f64>,
    pub percent_of_year_target: Option<f64>,
    pub percent_of_lop_target: Option<f64>,
    #[schema(value_type = Status)]
    pub status: Status,
    /// What the status was measured against, in words.
    pub status_basis: String,
    /// Why a figure is missing or undefined.
    pub notes: Vec<String>,
    /// Disaggregated actuals over the window (`sum`) or of the level's quarter (`latest`).
    #[schema(value_type = Object)]
    pub disaggregation: Disaggregation,
}

/// A target value (or description) per period.
pub type Targets = HashMap<Period, (Option<f64>, Option<String>)>;

/// Computes progress for one indicator. `points` are the counted actuals (any order);
/// `project` is the project's first and last quarter (to prorate the life-of-project target).
pub fn compute(
    def: &Definition,
    targets: &Targets,
    points: &[Point],
    window: Window,
    project: (Quarter, Quarter),
    thresholds: Thresholds,
) -> Progress {
    let mut pts: Vec<&Point> = points.iter().filter(|p| p.quarter <= window.to).collect();
    pts.sort_by_key(|p| p.quarter);
    let mut notes = vec![];
    let value = |p: &Point| p.entry.value;

    let mut out = Progress {
        baseline: def.baseline,
        target_period: None,
        target_year: None,
        target_lop: None,
        target_text: None,
        actual_period: None,
        actual_cumulative: None,
        actual_year_to_date: None,
        numerator: None,
        denominator: None,
        text: None,
        as_of: None,
        percent_of_period_target: None,
        percent_of_year_target: None,
        percent_of_lop_target: None,
        status: Status::NoData,
        status_basis: String::new(),
        notes: vec![],
        disaggregation: Disaggregation::new(),
    };
    let t = |p: Period| targets.get(&p).and_then(|(v, _)| *v);
    let summing = def.accumulation == Accumulation::Sum && def.measure == Measure::Number;

    // Targets.
    out.target_period = match window.as_period() {
        Some(p) if t(p).is_some() => t(p),
        Some(Period::Year(y)) if summing => {
            sum_all(Window::year(y).from.through(Window::year(y).to).map(|q| t(Period::Quarter(q))))
        }
        _ if summing => sum_all(window.from.through(window.to).map(|q| t(Period::Quarter(q)))),
        _ => t(Period::Quarter(window.to))
            .or_else(|| (window.to.q == 4).then(|| t(Period::Year(window.to.year))).flatten()),
    };
    out.target_year = t(Period::Year(window.to.year)).or_else(|| {
        summing
            .then(|| {
                sum_all(
                    Window::year(window.to.year)
                        .from
                        .through(Window::year(window.to.year).to)
                        .map(|q| t(Period::Quarter(q))),
                )
            })
            .flatten()
    });
    out.target_lop = t(Period::LifeOfProject).or_else(|| {
        let mut years: Vec<(i32, f64)> = targets
            .iter()
            .filter_map(|(p, (v, _))| match (p, v) {
                (Period::Year(y), Some(v)) => Some((*y, *v)),
                _ => None,
            })
            .collect();
        years.sort_by_key(|(y, _)| *y);
        if years.is_empty() {
            None
        } else if summing {
            notes.push("life-of-project target derived as the sum of the yearly targets".into());
            Some(years.iter().map(|(_, v)| v).sum())
        } else {
            notes.push("life-of-project target taken from the last yearly target".into());
            years.last().map(|(_, v)| *v)
        }
    });
    out.target_text = window
        .as_period()
        .and_then(|p| targets.get(&p))
        .or_else(|| targets.get(&Period::Year(window.to.year)))
        .or_else(|| targets.get(&Period::LifeOfProject))
        .and_then(|(_, d)| d.clone());

    if pts.is_empty() {
        out.status = Status::NoData;
        out.status_basis = format!("no approved data at or before {}", window.to);
        out.notes = notes;
        return out;
    }

    // Actuals.
    if summing {
        let in_window: Vec<&&Point> = pts.iter().filter(|p| window.contains(p.quarter)).collect();
        out.actual_period = (!in_window.is_empty()).then(|| in_window.iter().filter_map(|p| value(p)).sum());
        out.actual_cumulative = Some(pts.iter().filter_map(|p| value(p)).sum());
        out.actual_year_to_date =
            Some(pts.iter().filter(|p| p.quarter.year == window.to.year).filter_map(|p| value(p)).sum());
        for p in &in_window {
            for (dim, cats) in &p.entry.disaggregations {
                let slot = out.disaggregation.entry(dim.clone()).or_default();
                for (cat, v) in cats {
                    *slot.entry(cat.clone()).or_default() += v;
                }
            }
        }
        if out.actual_period.is_none() {
            notes.push(format!("no approved data in {}", window.label()));
        }
    } else {
        let last = pts.last().expect("non-empty");
        out.as_of = Some(last.quarter.to_string());
        out.disaggregation = last.entry.disaggregations.clone();
        match def.measure {
            Measure::Percentage => {
                // One rule for every span: a rate is the total numerator over the total
                // denominator of the span's approved quarters (never an average of rates).
                let sums = |span: &mut dyn Iterator<Item = &Point>| {
                    span.fold((0.0, 0.0), |(n, d), p| {
                        (n + p.entry.numerator.unwrap_or(0.0), d + p.entry.denominator.unwrap_or(0.0))
                    })
                };
                let rate = |(n, d): (f64, f64)| (d > 0.0).then(|| 100.0 * n / d);
                let in_window: Vec<&Point> = pts.iter().copied().filter(|p| window.contains(p.quarter)).collect();
                let (n, d) = if in_window.is_empty() {
                    sums(&mut std::iter::once(*last))
                } else {
                    sums(&mut in_window.into_iter())
                };
                out.numerator = Some(n);
                out.denominator = Some(d);
                out.actual_period = rate((n, d));
                let this_year = sums(&mut pts.iter().copied().filter(|p| p.quarter.year == window.to.year));
                out.actual_year_to_date = rate(this_year);
                out.actual_cumulative = rate(sums(&mut pts.iter().copied()));
            }
            Measure::Qualitative => {
                out.text = last.entry.text.clone();
            }
            _ => {
                out.actual_period = value(last);
                out.actual_cumulative = value(last);
            }
        }
        if !window.contains(last.quarter) {
            notes.push(format!("latest value reported in {}, before {}", last.quarter, window.label()));
        }
    }

    if def.measure == Measure::Qualitative {
        out.status = Status::NotRated;
        out.status_basis = "qualitative indicator: read the text".into();
        out.notes = notes;
        return out;
    }

    // Percent of targets.
    let baseline = def.baseline;
    let pct = |actual: Option<f64>, target: Option<f64>, label: &str, notes: &mut Vec<String>| -> Option<f64> {
        let (a, tg) = (actual?, target?);
        if summing {
            if tg == 0.0 {
                notes.push(format!("{label} target is 0: % undefined"));
                return None;
            }
            Some(100.0 * a / tg)
        } else {
            let b = baseline.unwrap_or(0.0);
            if tg == b {
                notes.push(format!("{label} target equals the baseline: % undefined"));
                return None;
            }
            Some(100.0 * (a - b) / (tg - b))
        }
    };
    if !summing && baseline.is_none() {
        notes.push("no baseline: progress measured from 0".into());
    }
    // Each target is compared with the actual of the span it covers: the period's with the
    // period's, the year's with the year to date, the life of project's with the cumulative.
    // Sums and percentages have an actual per span; a level is the latest value for all three.
    let level = out.actual_cumulative.or(out.actual_period);
    let spans = summing || def.measure == Measure::Percentage;
    let period_actual = if spans { out.actual_period } else { out.actual_period.or(level) };
    let year_actual = if summing { out.actual_year_to_date } else { out.actual_year_to_date.or(level) };
    let lop_actual = if summing { out.actual_cumulative } else { level };
    out.percent_of_period_target = pct(period_actual, out.target_period, "the period's", &mut notes);
    out.percent_of_year_target = pct(year_actual, out.target_year, "the year's", &mut notes);
    out.percent_of_lop_target = pct(lop_actual, out.target_lop, "the life-of-project", &mut notes);
    if let (Some(b), Some(tg)) = (baseline, out.target_lop) {
        let wrong_way = match def.direction {
            Direction::Increase => tg < b,
            Direction::Decrease => tg > b,
        };
        if wrong_way {
            notes.push(format!("the target moves against the indicator's direction ({})", def.direction));
        }
    }

    // Status: the period's own target, else the year's prorated, else life of project prorated.
    let rated = if let Some(p) = out.percent_of_period_target {
        Some((p, format!("{} target", window.label())))
    } else if let Some(tg) = out.target_year {
        let share = f64::from(window.to.q) / 4.0;
        let actual = year_actual;
        prorated(actual, tg, share, summing, baseline)
            .map(|p| (p, format!("{} target prorated to {} of 4 quarters", window.to.year, window.to.q)))
    } else if let Some(tg) = out.target_lop {
        let total = project.0.through(project.1).count().max(1) as f64;
        let elapsed = project.0.through(window.to.min(project.1)).count() as f64;
        let actual = lop_actual;
        prorated(actual, tg, elapsed / total, summing, baseline)
            .map(|p| (p, format!("life-of-project target prorated to {elapsed} of {total} quarters")))
    } else {
        None
    };
    match rated {
        Some((p, basis)) => {
            out.status = if p >= thresholds.on_track {
                Status::OnTrack
            } else if p >= thresholds.needs_attention {
                Status::NeedsAttention
            } else {
                Status::OffTrack
            };
            // Rounded first, so a figure just below zero does not print as "-0.0 %".
            let shown = (p * 10.0).round() / 10.0 + 0.0;
            out.status_basis = format!("{shown:.1} % of the {basis}");
        }
        None => {
            out.status = Status::NotRated;
            out.status_basis = "no target to compare with".into();
        }
    }
    out.notes = notes;
    out
}

/// % of a target scaled to the share of time elapsed (share in 0..=1).
fn prorated(actual: Option<f64>, target: f64, share: f64, summing: bool, baseline: Option<f64>) -> Option<f64> {
    let a = actual?;
    if summing {
        let expected = target * share;
        (expected != 0.0).then(|| 100.0 * a / expected)
    } else {
        let b = baseline.unwrap_or(0.0);
        let expected = b + (target - b) * share;
        (expected != b).then(|| 100.0 * (a - b) / (expected - b))
    }
}

/// The sum of all values, or `None` when any is missing (a partial sum would mislead).
fn sum_all(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let mut total = 0.0;
    let mut any = false;
    for v in values {
        total += v?;
        any = true;
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        s.parse().unwrap()
    }

    fn num(quarter: &str, v: f64) -> Point {
        Point { quarter: q(quarter), entry: Entry { value: Some(v), ..Entry::default() } }
    }

    fn pct_point(quarter: &str, n: f64, d: f64) -> Point {
        Point { quarter: q(quarter), entry: Entry { numerator: Some(n), denominator: Some(d), ..Entry::default() } }
    }

    fn targets(list: &[(&str, f64)]) -> Targets {
        list.iter().map(|(p, v)| (p.parse().unwrap(), (Some(*v), None))).collect()
    }

    fn sum_def() -> Definition {
        Definition {
            measure: Measure::Number,
            direction: Direction::Increase,
            accumulation: Accumulation::Sum,
            baseline: Some(0.0),
        }
    }

    const PROJECT: (Quarter, Quarter) = (Quarter { year: 2023, q: 1 }, Quarter { year: 2026, q: 4 });

    fn run(def: &Definition, t: &Targets, pts: &[Point], w: &str) -> Progress {
        let window = match w.parse::<Period>().unwrap() {
            Period::Quarter(x) => Window::quarter(x),
            Period::Year(y) => Window::year(y),
            Period::LifeOfProject => unreachable!(),
        };
        compute(def, t, pts, window, PROJECT, Thresholds::default())
    }

    #[test]
    fn sum_indicator_with_several_entries() {
        let t = targets(&[("2025", 1000.0), ("LOP", 3494.0)]);
        let pts = [num("2024-Q4", 400.0), num("2025-Q1", 200.0), num("2025-Q2", 250.0), num("2025-Q3", 300.0)];
        let p = run(&sum_def(), &t, &pts, "2025-Q3");
        assert_eq!(p.actual_period, Some(300.0));
        assert_eq!(p.actual_year_to_date, Some(750.0));
        assert_eq!(p.actual_cumulative, Some(1150.0));
        assert_eq!(p.percent_of_year_target, Some(75.0));
        assert!((p.percent_of_lop_target.unwrap() - 100.0 * 1150.0 / 3494.0).abs() < 1e-9);
        // No quarter target: status against the year's target prorated to 3/4: 750 / 750 = 100 %.
        assert_eq!(p.status, Status::OnTrack);
        assert!(p.status_basis.contains("prorated to 3 of 4"), "{}", p.status_basis);
        // Later quarters never leak into an earlier period.
        let early = run(&sum_def(), &t, &pts, "2025-Q1");
        assert_eq!(early.actual_cumulative, Some(600.0));
    }

    #[test]
    fn updating_an_earlier_quarter_after_a_later_one_recomputes_everything() {
        let t = targets(&[("LOP", 100.0)]);
        let mut pts = vec![num("2025-Q3", 30.0), num("2025-Q1", 10.0)];
        assert_eq!(run(&sum_def(), &t, &pts, "2025-Q3").actual_cumulative, Some(40.0));
        pts[1] = num("2025-Q1", 25.0); // corrected after Q3 was entered
        let p = run(&sum_def(), &t, &pts, "2025-Q3");
        assert_eq!(p.actual_cumulative, Some(55.0));
        assert_eq!(p.percent_of_lop_target, Some(55.0));
    }

    #[test]
    fn a_year_window_sums_its_quarters_and_uses_the_year_target() {
        let t = targets(&[("2025", 1000.0)]);
        let pts = [num("2025-Q1", 200.0), num("2025-Q4", 900.0)];
        let p = run(&sum_def(), &t, &pts, "2025");
        assert_eq!(
            (p.actual_period, p.target_period, p.percent_of_period_target),
            (Some(1100.0), Some(1000.0), Some(110.0))
        );
        assert_eq!(p.status, Status::OnTrack);
    }

    #[test]
    fn decreasing_indicator_that_overshoots_its_target() {
        let def = Definition {
            measure: Measure::Number,
            direction: Direction::Decrease,
            accumulation: Accumulation::Latest,
            baseline: Some(45.0),
        };
        let t = targets(&[("2025", 28.0), ("LOP", 20.0)]);
        let pts = [num("2024-Q4", 36.0), num("2025-Q2", 30.0), num("2025-Q4", 15.0)];
        let p = run(&def, &t, &pts, "2025-Q4");
        assert_eq!(p.actual_period, Some(15.0));
        // (15 - 45) / (28 - 45) = 176.5 %; (15 - 45) / (20 - 45) = 120 %.
        assert!((p.percent_of_year_target.unwrap() - 100.0 * 30.0 / 17.0).abs() < 1e-9);
        assert_eq!(p.percent_of_lop_target, Some(120.0));
        assert_eq!(p.status, Status::OnTrack);
        // At 2025-Q3 the level is still the Q2 value: latest at or before the period's end.
        let p = run(&def, &t, &pts, "2025-Q3");
        assert_eq!((p.actual_period, p.as_of.as_deref()), (Some(30.0), Some("2025-Q2")));
        assert!(p.notes.iter().any(|n| n.contains("reported in 2025-Q2")));
        // Prorated: expected level at Q3 = 45 - 17 * 3/4 = 32.25; achieved 15 of 12.75 minutes.
        assert!(p.status_basis.starts_with("117.6 %"), "{}", p.status_basis);
    }

    #[test]
    fn percentages_combine_numerators_and_denominators() {
        let def = Definition {
            measure: Measure::Percentage,
            direction: Direction::Increase,
            accumulation: Accumulation::Latest,
            baseline: Some(54.0),
        };
        let t = targets(&[("LOP", 75.0)]);
        let pts = [pct_point("2025-Q1", 30.0, 50.0), pct_point("2025-Q2", 90.0, 100.0)];
        let w = Window { from: q("2025-Q1"), to: q("2025-Q2") };
        let p = compute(&def, &t, &pts, w, PROJECT, Thresholds::default());
        // 120 / 150 = 80 %, not the average of 60 % and 90 % (75 %).
        assert_eq!(p.actual_period, Some(80.0));
        assert_eq!((p.numerator, p.denominator), (Some(120.0), Some(150.0)));
        // Since the start and in the year, the same rule: 120 / 150.
        assert_eq!((p.actual_cumulative, p.actual_year_to_date), (Some(80.0), Some(80.0)));
        // (80 - 54) / (75 - 54)
        assert!((p.percent_of_lop_target.unwrap() - 100.0 * 26.0 / 21.0).abs() < 1e-9);
    }

    /// For a year, the period's target and the year's are the same target: one rate, one %
    /// (the combined 120 / 165 of the year's quarters), not the last quarter's alone.
    #[test]
    fn a_percentage_has_one_rate_per_span() {
        let def = Definition {
            measure: Measure::Percentage,
            direction: Direction::Increase,
            accumulation: Accumulation::Latest,
            baseline: Some(0.0),
        };
        let t = targets(&[("2013", 80.0), ("LOP", 90.0)]);
        let pts = [
            pct_point("2012-Q4", 10.0, 100.0),
            pct_point("2013-Q1", 30.0, 50.0),
            pct_point("2013-Q2", 40.0, 50.0),
            pct_point("2013-Q4", 50.0, 65.0),
        ];
        let p = compute(&def, &t, &pts, Window::year(2013), PROJECT, Thresholds::default());
        assert_eq!(p.actual_period, Some(100.0 * 120.0 / 165.0));
        assert_eq!(p.actual_year_to_date, p.actual_period);
        assert_eq!(p.percent_of_period_target, p.percent_of_year_target);
        assert!((p.percent_of_year_target.unwrap() - 100.0 * (120.0 / 165.0) / 0.8).abs() < 1e-9);
        // Since the start: 130 / 265.
        assert!((p.actual_cumulative.unwrap() - 100.0 * 130.0 / 265.0).abs() < 1e-9);
        // A quarter of the year: its own rate for the period, the year to date for the year.
        let p = compute(&def, &t, &pts, Window::quarter(q("2013-Q2")), PROJECT, Thresholds::default());
        assert_eq!(p.actual_period, Some(80.0));
        assert_eq!(p.actual_year_to_date, Some(70.0));
    }

    #[test]
    fn undefined_cases_say_why() {
        let def = Definition {
            measure: Measure::Number,
            direction: Direction::Increase,
            accumulation: Accumulation::Latest,
            baseline: Some(5.0),
        };
        let p = run(&def, &targets(&[("LOP", 5.0)]), &[num("2025-Q1", 7.0)], "2025-Q1");
        assert_eq!(p.percent_of_lop_target, None);
        assert!(p.notes.iter().any(|n| n.contains("equals the baseline")), "{:?}", p.notes);
        assert_eq!(p.status, Status::NotRated);

        let p = run(&sum_def(), &targets(&[("LOP", 10.0)]), &[], "2025-Q1");
        assert_eq!((p.status, p.actual_period), (Status::NoData, None));

        let p = run(&sum_def(), &Targets::new(), &[num("2025-Q1", 3.0)], "2025-Q1");
        assert_eq!((p.status, p.status_basis.as_str()), (Status::NotRated, "no target to compare with"));
    }

    #[test]
    fn lop_target_is_derived_from_yearly_targets_when_missing() {
        let t = targets(&[("2025", 100.0), ("2026", 50.0)]);
        let p = run(&sum_def(), &t, &[num("2025-Q1", 30.0)], "2025-Q1");
        assert_eq!(p.target_lop, Some(150.0));
        assert_eq!(p.percent_of_lop_target, Some(20.0));
        assert!(p.notes.iter().any(|n| n.contains("sum of the yearly targets")));
    }

    #[test]
    fn status_thresholds() {
        let t = targets(&[("2025-Q1", 100.0)]);
        let status = |v: f64| run(&sum_def(), &t, &[num("2025-Q1", v)], "2025-Q1").status;
        assert_eq!(status(95.0), Status::OnTrack);
        assert_eq!(status(90.0), Status::OnTrack);
        assert_eq!(status(75.0), Status::NeedsAttention);
        assert_eq!(status(59.0), Status::OffTrack);
    }

    #[test]
    fn disaggregations_add_up_over_the_window() {
        let mut a = num("2025-Q1", 10.0);
        a.entry.disaggregations.insert("sex".into(), [("women".into(), 6.0), ("men".into(), 4.0)].into());
        let mut b = num("2025-Q2", 5.0);
        b.entry.disaggregations.insert("sex".into(), [("women".into(), 2.0), ("men".into(), 3.0)].into());
        let w = Window { from: q("2025-Q1"), to: q("2025-Q2") };
        let p = compute(&sum_def(), &Targets::new(), &[a, b], w, PROJECT, Thresholds::default());
        assert_eq!(p.disaggregation["sex"]["women"], 8.0);
        assert_eq!(p.disaggregation["sex"]["men"], 7.0);
    }

    fn dims() -> Vec<Dimension> {
        vec![Dimension { name: "sex".into(), values: vec!["women".into(), "men".into()] }]
    }

    fn entry(value: f64, women: f64, men: f64) -> Entry {
        let mut e = Entry { value: Some(value), ..Entry::default() };
        e.disaggregations.insert("sex".into(), [("women".into(), women), ("men".into(), men)].into());
        e
    }

    #[test]
    fn disaggregation_must_add_up_to_the_value() {
        assert!(check_entry(Measure::Number, &dims(), &entry(22.0, 12.0, 10.0)).is_empty());
        let errs = check_entry(Measure::Number, &dims(), &entry(22.0, 12.0, 9.0));
        assert_eq!(errs[0].field, "disaggregations.sex");
        assert!(errs[0].message.contains("add up to 21, but the value is 22"), "{}", errs[0].message);
        let mut e = entry(22.0, 12.0, 10.0);
        e.disaggregations.get_mut("sex").unwrap().insert("other".into(), 0.0);
        assert_eq!(check_entry(Measure::Number, &dims(), &e)[0].field, "disaggregations.sex.other");
        let mut e = Entry { value: Some(3.0), ..Entry::default() };
        e.disaggregations.insert("age".into(), [("youth".into(), 3.0)].into());
        assert_eq!(check_entry(Measure::Number, &dims(), &e)[0].field, "disaggregations.age");
    }

    #[test]
    fn entries_must_fit_the_measure() {
        let fields =
            |m: Measure, e: Entry| -> Vec<String> { check_entry(m, &[], &e).into_iter().map(|f| f.field).collect() };
        assert_eq!(fields(Measure::Number, Entry::default()), ["value"]);
        assert_eq!(fields(Measure::YesNo, Entry { value: Some(2.0), ..Entry::default() }), ["value"]);
        let pct = Entry { numerator: Some(3.0), denominator: Some(0.0), ..Entry::default() };
        assert_eq!(fields(Measure::Percentage, pct), ["denominator"]);
        let pct = Entry { numerator: Some(30.0), denominator: Some(20.0), ..Entry::default() };
        assert_eq!(fields(Measure::Percentage, pct), ["numerator"]);
        assert_eq!(
            fields(Measure::Percentage, Entry { value: Some(50.0), ..Entry::default() }),
            ["numerator", "denominator", "value"]
        );
        assert_eq!(fields(Measure::Qualitative, Entry { text: Some("  ".into()), ..Entry::default() }), ["text"]);
        let mut yes = entry(1.0, 1.0, 0.0);
        yes.value = Some(1.0);
        assert_eq!(fields(Measure::YesNo, yes), ["disaggregations"]);
    }

    #[test]
    fn workflow_transitions() {
        use ActualStatus::*;
        assert_eq!(transition(Draft, Transition::Submit), Ok(Submitted));
        assert_eq!(transition(Returned, Transition::Submit), Ok(Submitted));
        assert_eq!(transition(Submitted, Transition::Approve), Ok(Approved));
        assert_eq!(transition(Submitted, Transition::Return), Ok(Returned));
        assert_eq!(transition(Approved, Transition::Reopen), Ok(Draft));
        assert!(transition(Draft, Transition::Approve).is_err());
        assert!(transition(Approved, Transition::Submit).is_err());
        assert!(transition(Draft, Transition::Reopen).unwrap_err().contains("only approved"));
        assert!(editable(Draft) && editable(Returned) && !editable(Submitted) && !editable(Approved));
    }
}
