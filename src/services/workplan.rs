//! Annual work plans and their budget lines, expenditures, receipts and exchange rates: the
//! use cases of the work plan and finance pages, which the JSON API's handlers call too
//! (`/projects/{p}/work-plans`, `/work-plans/{id}/...`, `/budget-lines/{id}`,
//! `/projects/{p}/expenditures`, `/projects/{p}/receipts`, `/exchange-rates`). Each checks
//! the access policy and runs in one transaction; the store writes the audit entries.
//!
//! The `*_in` functions run inside a transaction the caller opened (the API's idempotent
//! creations open theirs); the others open their own.

use super::project_for;
use crate::auth::Principal;
use crate::db::{Db, DbConnection};
use crate::domain::access::{Action, GlobalAction};
use crate::domain::budget::WorkPlanStatus;
use crate::error::AppError;
use crate::store::accounts::{self, BudgetAccount};
use crate::store::exchange::{self, ExchangeRate, ExchangeRateInput, RateFilter};
use crate::store::expenditures::{self, Expenditure, ExpenditureFilter, ExpenditureInput, Receipt, ReceiptInput};
use crate::store::finance::{self, FinanceSummary, SummaryQuery};
use crate::store::funding::{self, FundingSource};
use crate::store::projects::{self, Project};
use crate::store::reports::{self, RateReportUse};
use crate::store::results::{self, ResultNode};
use crate::store::workplans::{
    self, ActivityInput, ApproveInput, BudgetLine, BudgetLineInput, PlanActivity, RevisionInput, WorkPlan,
    WorkPlanHeader, WorkPlanInput, WorkPlanListItem,
};

/// A funding source the project has a contribution from (the choices of a line's source).
#[derive(Debug, Clone)]
pub struct ProjectSource {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// Everything the work plan page of a year shows.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub project: Project,
    pub year: i32,
    /// Every revision of the year's plan, oldest first.
    pub revisions: Vec<WorkPlanListItem>,
    /// The revision shown (the asked one, else the latest); none when the year has no plan.
    pub plan: Option<WorkPlan>,
    /// The revision the shown one revises, to show what changed.
    pub previous: Option<WorkPlan>,
    /// The project's results (outputs and activities name the table's groups).
    pub results: Vec<ResultNode>,
    pub sources: Vec<ProjectSource>,
    pub accounts: Vec<BudgetAccount>,
    /// Budget against expenditure of the year, by output and activity (the finance summary).
    pub delivery: FinanceSummary,
    pub may_edit: bool,
    pub may_approve: bool,
}

fn project_sources(c: &mut DbConnection, project_id: i64) -> Result<Vec<ProjectSource>, AppError> {
    let all: Vec<FundingSource> = funding::list_sources(c)?;
    let mut out: Vec<ProjectSource> = funding::list_contributions(c, project_id)?
        .into_iter()
        .filter_map(|k| all.iter().find(|s| s.id == k.funding_source_id))
        .map(|s| ProjectSource { id: s.id, code: s.code.clone(), name: s.name.clone() })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out.dedup_by_key(|s| s.id);
    Ok(out)
}

/// The work plan of a year (`revision`: that one, else the latest) with what the page needs.
pub async fn plan_view(
    db: &Db,
    who: &Principal,
    key: &str,
    year: i32,
    revision: Option<i32>,
) -> Result<PlanView, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::Read)?;
        let revisions: Vec<WorkPlanListItem> =
            workplans::list(c, project.id)?.into_iter().filter(|p| p.plan.year == year).collect();
        let chosen = match revision {
            Some(n) => Some(
                revisions
                    .iter()
                    .find(|p| p.plan.revision == n)
                    .ok_or_else(|| AppError::NotFound(format!("revision {n} of the {year} work plan")))?,
            ),
            None => revisions.last(),
        };
        let plan = chosen.map(|p| workplans::get(c, p.plan.id)).transpose()?;
        let previous = plan.as_ref().and_then(|p| p.plan.previous_id).map(|id| workplans::get(c, id)).transpose()?;
        let delivery = finance::summary(c, &project, &SummaryQuery { period: Some(year.to_string()) })?;
        Ok(PlanView {
            results: results::list(c, project.id)?,
            sources: project_sources(c, project.id)?,
            accounts: accounts::list(c)?,
            may_edit: who.may(project.id, Action::EditFinance),
            may_approve: who.may(project.id, Action::Manage),
            project,
            year,
            revisions,
            plan,
            previous,
            delivery,
        })
    })
    .await
}

/// Every plan of a project, every revision (`GET /projects/{p}/work-plans`).
pub fn list_in(c: &mut DbConnection, who: &Principal, key: &str) -> Result<(Project, Vec<WorkPlanListItem>), AppError> {
    let p = project_for(c, who, key, Action::Read)?;
    let all = workplans::list(c, p.id)?;
    Ok((p, all))
}

pub async fn list(db: &Db, who: &Principal, key: &str) -> Result<(Project, Vec<WorkPlanListItem>), AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| list_in(c, &who, &key)).await
}

/// Starts the draft plan of a year (finance officers).
pub async fn create_plan(
    db: &Db,
    who: &Principal,
    key: &str,
    input: WorkPlanInput,
) -> Result<WorkPlanHeader, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::EditFinance)?;
        workplans::create(c, &who.actor(), p.id, &input)
    })
    .await
}

/// One plan with its activities, lines and totals (read access).
pub async fn get_plan(db: &Db, who: &Principal, id: i64) -> Result<WorkPlan, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(workplans::header(c, id)?.project_id, Action::Read)?;
        workplans::get(c, id)
    })
    .await
}

/// Changes a draft plan's title, document total or notes (`input.version`: the one read).
pub async fn update_plan(db: &Db, who: &Principal, id: i64, input: WorkPlanInput) -> Result<WorkPlanHeader, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(workplans::header(c, id)?.project_id, Action::EditFinance)?;
        workplans::update(c, &who.actor(), id, &input)
    })
    .await
}

/// Deletes a draft plan with its activities and lines (approved plans never).
pub async fn delete_plan(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(workplans::header(c, id)?.project_id, Action::EditFinance)?;
        workplans::delete(c, &who.actor(), id)
    })
    .await
}

/// Reschedules an activity of a draft plan (quarters, responsible party).
pub async fn update_activity(
    db: &Db,
    who: &Principal,
    id: i64,
    input: ActivityInput,
) -> Result<PlanActivity, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(workplans::get_activity(c, id)?.1.project_id, Action::EditFinance)?;
        workplans::update_activity(c, &who.actor(), id, &input)
    })
    .await
}

/// Removes an activity (without lines) from a draft plan.
pub async fn delete_activity(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(workplans::get_activity(c, id)?.1.project_id, Action::EditFinance)?;
        workplans::delete_activity(c, &who.actor(), id)
    })
    .await
}

/// One budget line (read access).
pub async fn get_line(db: &Db, who: &Principal, id: i64) -> Result<BudgetLine, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        let (l, plan) = workplans::get_line(c, id)?;
        who.require(plan.project_id, Action::Read)?;
        Ok(l)
    })
    .await
}

/// Schedules an activity in a draft plan (finance officers).
pub async fn add_activity(
    db: &Db,
    who: &Principal,
    plan_id: i64,
    input: ActivityInput,
) -> Result<PlanActivity, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(workplans::header(c, plan_id)?.project_id, Action::EditFinance)?;
        workplans::add_activity(c, &who.actor(), plan_id, &input)
    })
    .await
}

/// Adds a budget line to a draft plan, inside the caller's transaction.
pub fn add_line_in(
    c: &mut DbConnection,
    who: &Principal,
    plan_id: i64,
    input: &BudgetLineInput,
) -> Result<BudgetLine, AppError> {
    who.require(workplans::header(c, plan_id)?.project_id, Action::EditFinance)?;
    workplans::add_line(c, &who.actor(), plan_id, input)
}

pub async fn add_line(db: &Db, who: &Principal, plan_id: i64, input: BudgetLineInput) -> Result<BudgetLine, AppError> {
    let who = who.clone();
    db.tx(move |c| add_line_in(c, &who, plan_id, &input)).await
}

/// Changes a line of a draft plan (`input.version`: the one read).
pub async fn update_line(db: &Db, who: &Principal, id: i64, input: BudgetLineInput) -> Result<BudgetLine, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(workplans::get_line(c, id)?.1.project_id, Action::EditFinance)?;
        workplans::update_line(c, &who.actor(), id, &input)
    })
    .await
}

/// Deletes a line of a draft plan (not one with expenditure).
pub async fn delete_line(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(workplans::get_line(c, id)?.1.project_id, Action::EditFinance)?;
        workplans::delete_line(c, &who.actor(), id)
    })
    .await
}

/// The manager records the Project Board's approval: the plan is locked.
pub async fn approve(db: &Db, who: &Principal, plan_id: i64, input: ApproveInput) -> Result<WorkPlanHeader, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(workplans::header(c, plan_id)?.project_id, Action::Manage)?;
        workplans::approve(c, &who.actor(), plan_id, &input)
    })
    .await
}

/// Starts a revision of an approved plan (a draft copying it; finance officers).
pub async fn revise(db: &Db, who: &Principal, plan_id: i64, input: RevisionInput) -> Result<WorkPlan, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(workplans::header(c, plan_id)?.project_id, Action::EditFinance)?;
        workplans::revise(c, &who.actor(), plan_id, &input)
    })
    .await
}

// ---------------------------------------------------------------------------------------
// Expenditures and receipts

/// The lines expenditure may be booked on: those of the project's approved plans.
#[derive(Debug, Clone)]
pub struct BookableLine {
    pub line: BudgetLine,
    pub year: i32,
    /// A line of the approved revision (superseded ones only name older expenditure).
    pub approved: bool,
}

/// What the expenditures page shows: the filtered list and the lines to choose from.
#[derive(Debug, Clone)]
pub struct ExpenditureView {
    pub project: Project,
    pub expenditures: Vec<Expenditure>,
    /// Every line of every approved (or superseded) plan, to name the lines of the list.
    pub lines: Vec<BookableLine>,
    /// The expenditure just recorded, to show its rate and converted figure.
    pub saved: Option<Expenditure>,
    pub may_edit: bool,
}

fn plan_lines(c: &mut DbConnection, project_id: i64) -> Result<Vec<BookableLine>, AppError> {
    let mut out = vec![];
    for p in workplans::list(c, project_id)? {
        if p.plan.status == WorkPlanStatus::Draft {
            continue;
        }
        let (year, approved) = (p.plan.year, p.plan.status == WorkPlanStatus::Approved);
        out.extend(workplans::get(c, p.plan.id)?.lines.into_iter().map(|line| BookableLine { line, year, approved }));
    }
    Ok(out)
}

/// The project's expenditures (the API's filter) with the lines they are booked on.
pub async fn expenditures(
    db: &Db,
    who: &Principal,
    key: &str,
    f: ExpenditureFilter,
    saved: Option<i64>,
) -> Result<ExpenditureView, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::Read)?;
        let saved = match saved {
            Some(id) => Some(expenditures::get(c, id)?).filter(|e| e.project_id == project.id),
            None => None,
        };
        Ok(ExpenditureView {
            saved,
            expenditures: expenditures::list(c, &project, &f)?,
            lines: plan_lines(c, project.id)?,
            may_edit: who.may(project.id, Action::EditFinance),
            project,
        })
    })
    .await
}

/// Records an expenditure, inside the caller's transaction (converted at the month's rate).
pub fn add_expenditure_in(
    c: &mut DbConnection,
    who: &Principal,
    key: &str,
    input: &ExpenditureInput,
) -> Result<Expenditure, AppError> {
    let p = project_for(c, who, key, Action::EditFinance)?;
    expenditures::create(c, &who.actor(), &p, input)
}

pub async fn add_expenditure(
    db: &Db,
    who: &Principal,
    key: &str,
    input: ExpenditureInput,
) -> Result<Expenditure, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| add_expenditure_in(c, &who, &key, &input)).await
}

/// The project's expenditures by the API's filter (`GET /projects/{p}/expenditures`).
pub async fn list_expenditures(
    db: &Db,
    who: &Principal,
    key: &str,
    f: ExpenditureFilter,
) -> Result<Vec<Expenditure>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        expenditures::list(c, &p, &f)
    })
    .await
}

/// One expenditure, with the project it is booked on (read access).
pub async fn expenditure(db: &Db, who: &Principal, id: i64) -> Result<(Project, Expenditure), AppError> {
    let who = who.clone();
    db.tx(move |c| {
        let e = expenditures::get(c, id)?;
        who.require(e.project_id, Action::Read)?;
        Ok((projects::get(c, e.project_id)?, e))
    })
    .await
}

/// Corrects an expenditure (`input.version`: the one read, else 412); converted again at
/// the month's rate.
pub async fn update_expenditure(
    db: &Db,
    who: &Principal,
    id: i64,
    input: ExpenditureInput,
) -> Result<Expenditure, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        let project_id = expenditures::get(c, id)?.project_id;
        let p = projects::get(c, project_id)?;
        who.require(p.id, Action::EditFinance)?;
        expenditures::update(c, &who.actor(), &p, id, &input)
    })
    .await
}

/// Deletes an expenditure.
pub async fn delete_expenditure(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(expenditures::get(c, id)?.project_id, Action::EditFinance)?;
        expenditures::delete(c, &who.actor(), id)
    })
    .await
}

/// What the receipts page shows.
#[derive(Debug, Clone)]
pub struct ReceiptView {
    pub project: Project,
    pub receipts: Vec<Receipt>,
    pub sources: Vec<ProjectSource>,
    pub may_edit: bool,
}

pub async fn receipts(db: &Db, who: &Principal, key: &str) -> Result<ReceiptView, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::Read)?;
        Ok(ReceiptView {
            receipts: expenditures::list_receipts(c, project.id)?,
            sources: project_sources(c, project.id)?,
            may_edit: who.may(project.id, Action::EditFinance),
            project,
        })
    })
    .await
}

/// Records funds received, inside the caller's transaction.
pub fn add_receipt_in(
    c: &mut DbConnection,
    who: &Principal,
    key: &str,
    input: &ReceiptInput,
) -> Result<Receipt, AppError> {
    let p = project_for(c, who, key, Action::EditFinance)?;
    expenditures::create_receipt(c, &who.actor(), &p, input)
}

pub async fn add_receipt(db: &Db, who: &Principal, key: &str, input: ReceiptInput) -> Result<Receipt, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| add_receipt_in(c, &who, &key, &input)).await
}

/// The project's receipts, by date (`GET /projects/{p}/receipts`).
pub async fn list_receipts(db: &Db, who: &Principal, key: &str) -> Result<Vec<Receipt>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        expenditures::list_receipts(c, p.id)
    })
    .await
}

/// One receipt, with its project (read access): `GET /receipts/{id}` and the pages' delete
/// confirmation, so both refuse alike (another project's receipt is "not found").
pub async fn receipt(db: &Db, who: &Principal, id: i64) -> Result<(Project, Receipt), AppError> {
    let who = who.clone();
    db.tx(move |c| {
        let r = expenditures::get_receipt(c, id)?;
        who.require(r.project_id, Action::Read)?;
        Ok((projects::get(c, r.project_id)?, r))
    })
    .await
}

/// Corrects a receipt (`input.version`: the one read, else 412).
pub async fn update_receipt(db: &Db, who: &Principal, id: i64, input: ReceiptInput) -> Result<Receipt, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        let project_id = expenditures::get_receipt(c, id)?.project_id;
        let p = projects::get(c, project_id)?;
        who.require(p.id, Action::EditFinance)?;
        expenditures::update_receipt(c, &who.actor(), &p, id, &input)
    })
    .await
}

/// Deletes a receipt.
pub async fn delete_receipt(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    let who = who.clone();
    db.tx(move |c| {
        who.require(expenditures::get_receipt(c, id)?.project_id, Action::EditFinance)?;
        expenditures::delete_receipt(c, &who.actor(), id)
    })
    .await
}

// ---------------------------------------------------------------------------------------
// Exchange rates

/// The shared monthly rates, the stored reports that used each (by rate id), and whether
/// the caller keeps them (finance officers, administrators).
pub struct RatesView {
    pub rates: Vec<ExchangeRate>,
    pub used_by: std::collections::HashMap<i64, Vec<RateReportUse>>,
    pub may_edit: bool,
}

pub async fn rates(db: &Db, who: &Principal, f: RateFilter) -> Result<RatesView, AppError> {
    let may_edit = who.may_global(GlobalAction::KeepExchangeRates);
    let who = who.clone();
    db.tx(move |c| {
        let rates = exchange::list(c, &f)?;
        let used_by = reports_by_rate(c, &who, &rates)?;
        Ok(RatesView { rates, used_by, may_edit })
    })
    .await
}

/// The shared monthly rates by the API's filter (every signed-in user reads them).
pub async fn list_rates(db: &Db, f: RateFilter) -> Result<Vec<ExchangeRate>, AppError> {
    db.tx(move |c| exchange::list(c, &f)).await
}

/// One monthly rate.
pub async fn get_rate(db: &Db, id: i64) -> Result<ExchangeRate, AppError> {
    db.tx(move |c| exchange::get(c, id)).await
}

/// Deletes a monthly rate (finance officers and administrators).
pub async fn delete_rate(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    who.require_global(GlobalAction::KeepExchangeRates)?;
    let actor = who.actor();
    db.tx(move |c| exchange::delete(c, &actor, id)).await
}

/// Enters a month's rate (finance officers and administrators).
pub async fn add_rate(db: &Db, who: &Principal, input: ExchangeRateInput) -> Result<ExchangeRate, AppError> {
    who.require_global(GlobalAction::KeepExchangeRates)?;
    let actor = who.actor();
    db.tx(move |c| exchange::create(c, &actor, &input)).await
}

/// Corrects a month's rate; figures already converted keep the rate they used.
pub async fn update_rate(
    db: &Db,
    who: &Principal,
    id: i64,
    input: ExchangeRateInput,
) -> Result<ExchangeRate, AppError> {
    who.require_global(GlobalAction::KeepExchangeRates)?;
    let actor = who.actor();
    db.tx(move |c| exchange::update(c, &actor, id, &input)).await
}

/// A project by key for a page that only needs its name (read access).
pub async fn project(db: &Db, who: &Principal, key: &str) -> Result<Project, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = projects::find(c, &key)?;
        who.require(p.id, Action::Read)?;
        Ok(p)
    })
    .await
}

/// The stored reports that used each rate (by rate id), as far as the caller sees them:
/// reports of projects the caller reads; donors only issued ones.
fn reports_by_rate(
    c: &mut DbConnection,
    who: &Principal,
    rates: &[ExchangeRate],
) -> Result<std::collections::HashMap<i64, Vec<RateReportUse>>, AppError> {
    let mut out: std::collections::HashMap<i64, Vec<RateReportUse>> = std::collections::HashMap::new();
    let uses = reports::rate_uses(c)?;
    for (report, used) in uses {
        if !who.may(report.project_id, Action::Read)
            || (super::reports::donor_only(who, report.project_id) && !report.issued)
        {
            continue;
        }
        for r in rates {
            let pair = format!("{}/{}", r.base_currency, r.quote_currency);
            let through: Vec<String> =
                used.iter().filter(|u| u.pair == pair && u.month == r.month).map(|u| u.through.to_string()).collect();
            if !through.is_empty() {
                let mut u = report.clone();
                u.through = through;
                out.entry(r.id).or_default().push(u);
            }
        }
    }
    Ok(out)
}

/// The stored reports that used a rate (`GET /exchange-rates/{id}/reports`).
pub async fn rate_reports(db: &Db, who: &Principal, id: i64) -> Result<Vec<RateReportUse>, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        let rate = exchange::get(c, id)?;
        Ok(reports_by_rate(c, &who, std::slice::from_ref(&rate))?.remove(&id).unwrap_or_default())
    })
    .await
}
