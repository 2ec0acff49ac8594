//! The budget of the action as a contribution agreement states it (the EU agreement's Annex
//! III): an amount per direct-cost line of the EU format (`1.1` ... `6`), in the contribution's
//! currency (EUR for the EU). Line 7 (direct subtotal), 8 (indirect costs at the agreement's
//! rate, at most 7 %) and 9 (total eligible costs) follow from the lines, by
//! [`crate::domain::eu`]. Finance officers keep it: the whole budget is replaced at once (an
//! agreement is amended as a whole), against the contribution's version, which it raises.

use super::audit::{self, Actor};
use super::funding::{self, Contribution};
use super::{check_version, now, required_version};
use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::eu::{self, Figures};
use crate::domain::money::Money;
use crate::error::AppError;
use crate::schema::{contribution_budget_lines, contributions};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// One line of the budget of the action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgreementBudgetLine {
    /// A direct-cost line of the EU format: `1.1`, `1.2`, `1.3`, `2.1`, ..., `5.8`, or a heading
    /// not split into sub-lines (`3`, `6`).
    #[schema(example = "1.1")]
    pub eu_line: String,
    /// The heading (1-6) the line belongs to.
    pub eu_heading: i32,
    /// The line's name in the EU format, e.g. `Salaries (gross amounts, local staff)`.
    pub name: String,
    /// In the contribution's currency, minor units.
    pub amount_minor: i64,
}

/// `GET /contributions/{id}/budget`: the budget of the action by line, with lines 7-9.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgreementBudget {
    pub contribution_id: i64,
    pub project_id: i64,
    pub funding_source_id: i64,
    /// The contribution's currency (EUR for an EU agreement).
    pub currency: String,
    /// The direct-cost lines, in the order of the EU format (empty: no budget recorded).
    pub lines: Vec<AgreementBudgetLine>,
    /// Line 7: subtotal of direct eligible costs (1-6).
    pub direct_minor: i64,
    /// The rate line 8 applies: the contribution's indirect-cost rate, at most 700 (7 %).
    pub indirect_rate_bp: i32,
    /// Line 8: indirect costs, `indirect_rate_bp` of line 7 (half away from zero).
    pub indirect_minor: i64,
    /// Line 9: total eligible costs (7 + 8).
    pub total_minor: i64,
    /// The contribution's version: send it back to replace the budget.
    pub version: i32,
}

/// One line to store.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementBudgetLineInput {
    #[schema(example = "1.1")]
    pub eu_line: String,
    #[schema(example = 84000000)]
    pub amount_minor: i64,
}

/// `PUT /contributions/{id}/budget`: the whole budget of the action (lines left out are
/// removed; an empty list removes the budget).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementBudgetInput {
    pub lines: Vec<AgreementBudgetLineInput>,
    /// The contribution's version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

/// The stored lines of a contribution's budget: line -> amount.
pub fn lines_of(conn: &mut DbConnection, contribution_id: i64) -> Result<BTreeMap<String, i64>, AppError> {
    Ok(contribution_budget_lines::table
        .filter(contribution_budget_lines::contribution_id.eq(contribution_id))
        .select((contribution_budget_lines::eu_line, contribution_budget_lines::amount_minor))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect())
}

fn budget_of(c: &Contribution, stored: BTreeMap<String, i64>) -> AgreementBudget {
    let figures: BTreeMap<String, Figures> =
        stored.iter().map(|(l, a)| (l.clone(), Figures { budget_minor: *a, ..Default::default() })).collect();
    let s = eu::statement(&figures, &[], c.indirect_rate_bp);
    let mut lines: Vec<AgreementBudgetLine> = stored
        .into_iter()
        .map(|(l, amount_minor)| AgreementBudgetLine {
            eu_heading: eu::heading_of(&l).map_or(0, i32::from),
            name: eu::line_name(&l).unwrap_or("?").to_string(),
            eu_line: l,
            amount_minor,
        })
        .collect();
    lines.sort_by(|a, b| eu::compare_lines(&a.eu_line, &b.eu_line));
    AgreementBudget {
        contribution_id: c.id,
        project_id: c.project_id,
        funding_source_id: c.funding_source_id,
        currency: c.currency.clone(),
        lines,
        direct_minor: s.direct.budget_minor,
        indirect_rate_bp: s.indirect_rate_bp,
        indirect_minor: s.indirect.budget_minor,
        total_minor: s.total.budget_minor,
        version: c.version,
    }
}

/// A contribution's budget of the action (lines empty when none is recorded).
pub fn get(conn: &mut DbConnection, contribution_id: i64) -> Result<AgreementBudget, AppError> {
    let c = funding::get_contribution(conn, contribution_id)?;
    let stored = lines_of(conn, c.id)?;
    Ok(budget_of(&c, stored))
}

/// Checks a budget: known direct lines, each once, amounts not negative, and a total of
/// eligible costs (9) that covers the contribution (an agreement's contribution is a share of
/// the action, never more than it).
fn check_input(c: &Contribution, input: &AgreementBudgetInput) -> Vec<FieldError> {
    let mut errs = vec![];
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, l) in input.lines.iter().enumerate() {
        let line = l.eu_line.trim();
        if eu::heading_of(line).is_none() {
            let why = match line {
                "7" | "9" => "lines 7 and 9 are totals: the statement adds them up".to_string(),
                "8" => "line 8 (indirect costs) is the agreement's rate of line 7: set `indirect_rate_bp` on the contribution".to_string(),
                other => format!(
                    "`{other}` is not a direct-cost line of the EU format: use 1.1, 1.2, 1.3, 2.1, 2.2, 3.1-3.5, 4.1-4.4, 5.1-5.8, 6, or a heading 1-5 not split"
                ),
            };
            errs.push(FieldError::new(format!("lines[{i}].eu_line"), why));
        } else if let Some(first) = seen.insert(line, i) {
            errs.push(FieldError::new(
                format!("lines[{i}].eu_line"),
                format!("line {line} is already given in lines[{first}]: give each line once"),
            ));
        }
        if l.amount_minor < 0 {
            errs.push(FieldError::new(format!("lines[{i}].amount_minor"), "must not be negative"));
        }
    }
    if errs.is_empty() && !input.lines.is_empty() {
        let direct: i128 = input.lines.iter().map(|l| i128::from(l.amount_minor)).sum();
        match i64::try_from(direct) {
            Err(_) => errs.push(FieldError::new("lines", "the lines add up to more than can be stored")),
            Ok(direct) => {
                let rate = eu::indirect_rate(c.indirect_rate_bp);
                let total = i128::from(direct) + i128::from(crate::domain::budget::indirect_cost(direct, rate));
                if total < i128::from(c.amount_minor) {
                    let total = i64::try_from(total).unwrap_or(i64::MAX);
                    errs.push(FieldError::new(
                        "lines",
                        format!(
                            "the total eligible costs of the action (9 = 7 + 8 at {}) are {}, less than the contribution of {}: the contribution is a share of the action",
                            crate::domain::budget::format_bp(i64::from(rate)),
                            Money::new(total, &c.currency),
                            Money::new(c.amount_minor, &c.currency)
                        ),
                    ));
                }
            }
        }
    }
    errs
}

/// Replaces a contribution's budget of the action; raises the contribution's version.
pub fn replace(
    conn: &mut DbConnection,
    actor: &Actor,
    contribution_id: i64,
    input: &AgreementBudgetInput,
) -> Result<AgreementBudget, AppError> {
    let sent = required_version(input.version)?;
    let c = funding::get_contribution(conn, contribution_id)?;
    check_version(c.version, sent, "the contribution")?;
    let mut errs = check_input(&c, input);
    if !errs.is_empty() {
        errs.sort_by(|a, b| a.field.cmp(&b.field));
        return Err(AppError::Validation(errs));
    }
    let before = budget_of(&c, lines_of(conn, c.id)?);
    let at = now();
    let n = diesel::update(contributions::table.find(c.id).filter(contributions::version.eq(sent)))
        .set((contributions::version.eq(sent + 1), contributions::updated_at.eq(at)))
        .execute(conn)?;
    super::expect_one_row(n, "the contribution")?;
    diesel::delete(contribution_budget_lines::table.filter(contribution_budget_lines::contribution_id.eq(c.id)))
        .execute(conn)?;
    for l in &input.lines {
        diesel::insert_into(contribution_budget_lines::table)
            .values((
                contribution_budget_lines::contribution_id.eq(c.id),
                contribution_budget_lines::eu_line.eq(l.eu_line.trim()),
                contribution_budget_lines::amount_minor.eq(l.amount_minor),
                contribution_budget_lines::created_at.eq(at),
                contribution_budget_lines::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    let after = get(conn, c.id)?;
    audit::updated(conn, actor, Some(c.project_id), "contribution_budget", c.id, &before, &after)?;
    Ok(after)
}
