//! What the IATI activity says, read from the database in one transaction: the funders, the
//! budgets of the approved work plans, receipts and quarterly expenditure, and the results
//! framework with approved actuals only. Plain values; [`super::render`] writes them as XML.

use crate::db::DbConnection;
use crate::domain::FundingKind;
use crate::domain::budget::WorkPlanStatus;
use crate::domain::indicators::{Accumulation, Measure};
use crate::domain::period::{Period, Quarter};
use crate::domain::progress::{self, ActualStatus, Definition, Point, Thresholds, Window};
use crate::error::AppError;
use crate::schema::{actuals, expenditures};
use crate::store::expenditures::Receipt;
use crate::store::indicators::{self, Indicator};
use crate::store::projects::Project;
use crate::store::results::{self, ResultNode};
use crate::store::{expenditures as spending, funding, workplans};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// A funding source with a contribution to the project.
#[derive(Debug, Clone)]
pub struct Funder {
    pub source_id: i64,
    pub code: String,
    pub name: String,
    pub kind: FundingKind,
}

/// One year's budget: an approved work plan's total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub year: i32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The plan as first approved (`false`), or an approved revision of it (`true`).
    pub revised: bool,
    pub revision: i32,
    pub amount_minor: i64,
    pub currency: String,
}

/// The expenditure of one quarter, in the ledger currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterSpend {
    pub quarter: Quarter,
    pub amount_minor: i64,
    pub currency: String,
    pub payments: usize,
}

/// A target or an actual of a period: the value (none for qualitative indicators), a comment,
/// and the disaggregated values (dimension, category, value).
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub value: Option<f64>,
    pub comment: Option<String>,
    pub dimensions: Vec<(String, String, f64)>,
}

/// One period of an indicator: a quarter, a year or the life of the project.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorPeriod {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub target: Option<Measured>,
    pub actual: Option<Measured>,
}

#[derive(Debug, Clone)]
pub struct IndicatorData {
    pub indicator: Indicator,
    pub measure: Measure,
    pub periods: Vec<IndicatorPeriod>,
}

#[derive(Debug, Clone)]
pub struct ResultData {
    pub node: ResultNode,
    pub indicators: Vec<IndicatorData>,
}

/// Everything the activity document says.
#[derive(Debug, Clone)]
pub struct ActivityData {
    pub project: Project,
    pub funders: Vec<Funder>,
    pub budgets: Vec<Budget>,
    pub receipts: Vec<Receipt>,
    pub spending: Vec<QuarterSpend>,
    pub results: Vec<ResultData>,
    /// The latest change to anything the document shows.
    pub last_updated: NaiveDateTime,
}

/// Reads the activity's data (approved work plans and approved actuals only).
pub fn gather(conn: &mut DbConnection, project: &Project) -> Result<ActivityData, AppError> {
    let mut last_updated = project.updated_at;
    let mut seen = |t: NaiveDateTime| last_updated = last_updated.max(t);

    let sources: HashMap<i64, funding::FundingSource> =
        funding::list_sources(conn)?.into_iter().map(|s| (s.id, s)).collect();
    let mut funders: Vec<Funder> = funding::list_contributions(conn, project.id)?
        .into_iter()
        .filter_map(|c| {
            seen(c.updated_at);
            let s = sources.get(&c.funding_source_id)?;
            Some(Funder { source_id: s.id, code: s.code.clone(), name: s.name.clone(), kind: s.kind })
        })
        .collect();
    funders.sort_by(|a, b| a.code.cmp(&b.code));

    let budgets = budgets(conn, project, &mut seen)?;

    let receipts = spending::list_receipts(conn, project.id)?;
    for r in &receipts {
        seen(r.updated_at);
    }

    let rows: Vec<(NaiveDate, i64, String, NaiveDateTime)> = expenditures::table
        .filter(expenditures::project_id.eq(project.id))
        .select((
            expenditures::spent_on,
            expenditures::ledger_amount_minor,
            expenditures::ledger_currency,
            expenditures::updated_at,
        ))
        .load(conn)?;
    let mut by_quarter: BTreeMap<(Quarter, String), (i64, usize)> = BTreeMap::new();
    for (on, amount, currency, updated) in rows {
        seen(updated);
        let e = by_quarter.entry((Quarter::of(on), currency)).or_default();
        e.0 += amount;
        e.1 += 1;
    }
    let spending = by_quarter
        .into_iter()
        .map(|((quarter, currency), (amount_minor, payments))| QuarterSpend {
            quarter,
            amount_minor,
            currency,
            payments,
        })
        .collect();

    let results = results_framework(conn, project, &mut seen)?;
    Ok(ActivityData { project: project.clone(), funders, budgets, receipts, spending, results, last_updated })
}

/// Per year, the approved work plan: as first approved (type original), and its approved
/// revision when there is one (type revised). Drafts are never a budget.
fn budgets(
    conn: &mut DbConnection,
    project: &Project,
    seen: &mut impl FnMut(NaiveDateTime),
) -> Result<Vec<Budget>, AppError> {
    let plans = workplans::list(conn, project.id)?;
    let mut out = vec![];
    let mut years: Vec<i32> = plans.iter().map(|p| p.plan.year).collect();
    years.dedup();
    for year in years {
        let of_year: Vec<&workplans::WorkPlanListItem> = plans.iter().filter(|p| p.plan.year == year).collect();
        let Some(current) = of_year.iter().find(|p| p.plan.status() == WorkPlanStatus::Approved) else { continue };
        let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year").max(project.start_date);
        let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year").min(project.end_date);
        let budget = |p: &workplans::WorkPlanListItem, revised: bool| Budget {
            year,
            start,
            end,
            revised,
            revision: p.plan.revision,
            amount_minor: p.total_minor,
            currency: p.plan.currency.clone(),
        };
        seen(current.plan.updated_at);
        if current.plan.revision > 1 {
            // The original: the first revision, approved and since superseded.
            if let Some(first) =
                of_year.iter().filter(|p| p.plan.status() == WorkPlanStatus::Superseded).min_by_key(|p| p.plan.revision)
            {
                out.push(budget(first, false));
            }
            out.push(budget(current, true));
        } else {
            out.push(budget(current, false));
        }
    }
    Ok(out)
}

/// An approved actual as the export reads it.
#[derive(Queryable)]
struct ApprovedActual {
    indicator_id: i64,
    period: String,
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    text: Option<String>,
    disaggregations: String,
    comment: Option<String>,
    updated_at: NaiveDateTime,
}

fn results_framework(
    conn: &mut DbConnection,
    project: &Project,
    seen: &mut impl FnMut(NaiveDateTime),
) -> Result<Vec<ResultData>, AppError> {
    let nodes = results::list(conn, project.id)?;
    let mut by_result: HashMap<i64, Vec<Indicator>> = HashMap::new();
    for ind in indicators::list(conn, project.id)? {
        by_result.entry(ind.result_id).or_default().push(ind);
    }
    // Approved actuals only: what donors see anywhere.
    let rows: Vec<ApprovedActual> = actuals::table
        .filter(actuals::project_id.eq(project.id))
        .filter(actuals::status.eq(ActualStatus::Approved.as_str()))
        .select((
            actuals::indicator_id,
            actuals::period,
            actuals::value,
            actuals::numerator,
            actuals::denominator,
            actuals::text,
            actuals::disaggregations,
            actuals::comment,
            actuals::updated_at,
        ))
        .load(conn)?;
    let mut points: HashMap<i64, Vec<(Point, Option<String>)>> = HashMap::new();
    for a in rows {
        seen(a.updated_at);
        let Ok(quarter) = a.period.parse::<Quarter>() else { continue };
        let entry = progress::Entry {
            value: a.value,
            numerator: a.numerator,
            denominator: a.denominator,
            text: a.text,
            disaggregations: serde_json::from_str(&a.disaggregations).unwrap_or_default(),
        };
        points.entry(a.indicator_id).or_default().push((Point { quarter, entry }, a.comment));
    }
    let span = (Quarter::of(project.start_date), Quarter::of(project.end_date));
    let mut out = vec![];
    for node in nodes {
        seen(node.updated_at);
        let Some(mut inds) = by_result.remove(&node.id) else { continue };
        inds.sort_by(|a, b| crate::domain::results::compare_codes(&a.code, &b.code));
        let indicators = inds
            .into_iter()
            .map(|ind| {
                seen(ind.updated_at);
                for t in &ind.targets {
                    seen(t.updated_at);
                }
                let mut pts = points.remove(&ind.id).unwrap_or_default();
                pts.sort_by_key(|(p, _)| p.quarter);
                let (pts, comments): (Vec<Point>, Vec<Option<String>>) = pts.into_iter().unzip();
                indicator_periods(project, span, ind, &pts, &comments)
            })
            .collect();
        out.push(ResultData { node, indicators });
    }
    Ok(out)
}

/// The indicator's periods: every quarter with a target or an approved actual (the actual as
/// entered), every year with a target, and the life of the project when it has a target (their
/// actuals computed from the approved quarters in them, by the progress rules).
fn indicator_periods(
    project: &Project,
    span: (Quarter, Quarter),
    ind: Indicator,
    pts: &[Point],
    comments: &[Option<String>],
) -> IndicatorData {
    let measure = ind.measure;
    let def =
        Definition { measure, direction: ind.direction, accumulation: ind.accumulation, baseline: ind.baseline_value };
    let clip = |(s, e): (NaiveDate, NaiveDate)| (s.max(project.start_date), e.min(project.end_date));
    let mut targets: BTreeMap<(i32, u8), (Period, Measured)> = BTreeMap::new();
    for t in &ind.targets {
        let Ok(p) = t.period.parse::<Period>() else { continue };
        let comment = t.description.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string);
        let value = if measure == Measure::Qualitative { None } else { t.value };
        targets.insert(p.sort_key(), (p, Measured { value, comment, dimensions: vec![] }));
    }
    let mut quarters: Vec<Quarter> = pts.iter().map(|p| p.quarter).collect();
    for (p, _) in targets.values() {
        if let Period::Quarter(q) = p {
            quarters.push(*q);
        }
    }
    quarters.sort();
    quarters.dedup();

    let no_targets = HashMap::new();
    let actual_of = |window: Window, own_comment: Option<&str>| -> Option<Measured> {
        // The points are in quarter order: the window's are one run of them.
        let (a, b) =
            (pts.partition_point(|p| p.quarter < window.from), pts.partition_point(|p| p.quarter <= window.to));
        let inside = &pts[a..b];
        let (first, last) = (inside.first()?.quarter, inside.last()?.quarter);
        let got = progress::compute(&def, &no_targets, inside, window, span, Thresholds::default());
        let value = if measure == Measure::Qualitative { None } else { got.actual_period };
        let quarters = if first == last { format!("of {first}") } else { format!("of {first} to {last}") };
        let basis = match (window.from == window.to, measure, def.accumulation) {
            (true, _, _) => None,
            (false, Measure::Number, Accumulation::Sum) => Some(format!("Sum of the approved actuals {quarters}.")),
            (false, Measure::Percentage, _) => {
                Some(format!("Total numerator over total denominator of the approved actuals {quarters}."))
            }
            (false, _, _) => Some(format!("As reported for {last} (the latest approved value).")),
        };
        let text = if measure == Measure::Qualitative { got.text.clone() } else { None };
        let comment: Vec<String> = [text, own_comment.map(str::to_string), basis]
            .into_iter()
            .flatten()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        let mut dimensions = vec![];
        if measure == Measure::Number {
            for (dim, cats) in &got.disaggregation {
                for (cat, v) in cats {
                    dimensions.push((dim.clone(), cat.clone(), *v));
                }
            }
        }
        if value.is_none() && comment.is_empty() {
            return None;
        }
        Some(Measured { value, comment: (!comment.is_empty()).then(|| comment.join(" ")), dimensions })
    };

    let mut periods = vec![];
    for q in quarters {
        let own = pts.iter().position(|p| p.quarter == q).and_then(|i| comments[i].as_deref());
        let (start, end) = clip((q.start(), q.end()));
        periods.push(IndicatorPeriod {
            start,
            end,
            target: targets.get(&Period::Quarter(q).sort_key()).map(|(_, m)| m.clone()),
            actual: actual_of(Window::quarter(q), own),
        });
    }
    for (p, target) in targets.values() {
        let window = match p {
            Period::Quarter(_) => continue,
            Period::Year(y) => Window::year(*y),
            Period::LifeOfProject => Window { from: span.0, to: span.1 },
        };
        let (start, end) = clip(p.dates(project.start_date, project.end_date));
        periods.push(IndicatorPeriod { start, end, target: Some(target.clone()), actual: actual_of(window, None) });
    }
    periods.sort_by_key(|p| (p.start, std::cmp::Reverse(p.end)));
    IndicatorData { indicator: ind, measure, periods }
}
