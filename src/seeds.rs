//! The seed document: one JSON file describing funding sources and whole projects (results
//! tree, indicators, targets, contributions, work plans with their lines and expenditures,
//! receipts), plus monthly exchange rates and budget accounts. `rbm seed load FILE` takes it,
//! the demo data in `seeds/` uses it, and every record goes through the same use cases (and
//! rules) as the API.

use crate::db::{Db, DbConnection};
use crate::domain::access::Role;
use crate::domain::budget::WorkPlanStatus;
use crate::domain::indicators::{Accumulation, Dimension, Direction, Measure};
use crate::domain::monitoring::{ActivityStatus, RiskCategory, RiskStatus};
use crate::domain::progress::{ActualStatus, Transition};
use crate::domain::results::ResultLevel;
use crate::domain::{FundingKind, ProjectStatus};
use crate::error::AppError;
use crate::store::agreements::{self, AgreementBudgetInput};
use crate::store::audit::Actor;
use crate::store::expenditures::{self, ExpenditureInput, ReceiptInput};
use crate::store::funding::{self, ContributionInput, FundingSourceInput};
use crate::store::indicators::{self, IndicatorInput, TargetInput};
use crate::store::monitoring::{self, ActivityProgressInput, NarrativeInput, RiskInput, RiskUpdateInput};
use crate::store::progress::{self as actuals, ActualInput, TransitionInput};
use crate::store::projects::{self, ProjectInput};
use crate::store::results::{self, ResultInput};
use crate::store::users::{self, MembershipInput, NewUser};
use crate::store::workplans::{self, ActivityInput, ApproveInput, BudgetLineInput, WorkPlanInput};
use crate::store::{accounts, exchange};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;

/// The demo projects shipped in `seeds/` (compiled in, so the binary works anywhere).
pub const DEMO: &[(&str, &str)] = &[
    ("seeds/kaz-hub.json", include_str!("../seeds/kaz-hub.json")),
    ("seeds/uzb-psd.json", include_str!("../seeds/uzb-psd.json")),
    ("seeds/demo-progress.json", include_str!("../seeds/demo-progress.json")),
    ("seeds/demo-users.json", include_str!("../seeds/demo-users.json")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedDocument {
    #[serde(default)]
    pub funding_sources: Vec<SeedFundingSource>,
    /// Accounts to add to the budget-account catalogue (one whose code exists is kept).
    #[serde(default)]
    pub budget_accounts: Vec<accounts::BudgetAccountInput>,
    /// Monthly exchange rates (one already stored for the pair and month is kept).
    #[serde(default)]
    pub exchange_rates: Vec<SeedRate>,
    #[serde(default)]
    pub projects: Vec<SeedProject>,
    /// Monitoring data of projects (this document's or ones already in the database).
    #[serde(default)]
    pub progress: Vec<SeedProgress>,
    /// Users and their roles; loaded after the projects they name.
    #[serde(default)]
    pub users: Vec<SeedUser>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedProgress {
    /// Project code.
    pub project: String,
    #[serde(default)]
    pub actuals: Vec<SeedActual>,
    #[serde(default)]
    pub activity_progress: Vec<SeedActivityProgress>,
    #[serde(default)]
    pub narratives: Vec<SeedNarrative>,
    #[serde(default)]
    pub risks: Vec<SeedRisk>,
    /// The issue log (what has happened and needs a response), beside the risk log.
    #[serde(default)]
    pub issues: Vec<crate::store::issues::IssueInput>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedActual {
    /// Indicator code.
    pub indicator: String,
    pub period: String,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub numerator: Option<f64>,
    #[serde(default)]
    pub denominator: Option<f64>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub disaggregations: crate::domain::progress::Disaggregation,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub evidence_url: Option<String>,
    /// Where the workflow stands: draft (default), submitted, approved or returned.
    #[serde(default)]
    pub status: Option<ActualStatus>,
    /// Required with `returned`.
    #[serde(default)]
    pub return_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedActivityProgress {
    /// Activity (result) code.
    pub activity: String,
    pub period: String,
    pub status: ActivityStatus,
    pub percent_complete: i32,
    #[serde(default)]
    pub narrative: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedNarrative {
    pub period: String,
    pub summary: String,
    #[serde(default)]
    pub challenges: Option<String>,
    #[serde(default)]
    pub lessons_learned: Option<String>,
    #[serde(default)]
    pub next_quarter: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRisk {
    pub code: String,
    pub description: String,
    pub category: RiskCategory,
    pub likelihood: i32,
    pub impact: i32,
    #[serde(default)]
    pub mitigation: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    pub status: RiskStatus,
    #[serde(default)]
    pub updates: Vec<RiskUpdateInput>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    pub email: String,
    pub name: String,
    pub password: String,
    #[serde(default)]
    pub is_admin: bool,
    #[serde(default)]
    pub roles: Vec<SeedRole>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRole {
    /// Project code.
    pub project: String,
    pub role: Role,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFundingSource {
    pub code: String,
    pub name: String,
    pub kind: FundingKind,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRate {
    pub base: String,
    pub quote: String,
    /// `2013-05`
    pub month: String,
    /// A decimal string: `"150.65"` (1 base = 150.65 quote).
    pub rate: String,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedWorkPlan {
    pub year: i32,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub document_total_minor: Option<i64>,
    #[serde(default)]
    pub notes: Option<String>,
    /// `draft` (default) or `approved` (then `approved_on` is required).
    #[serde(default)]
    pub status: Option<WorkPlanStatus>,
    #[serde(default, deserialize_with = "crate::domain::date::iso_opt")]
    pub approved_on: Option<NaiveDate>,
    #[serde(default)]
    pub activities: Vec<SeedActivity>,
    #[serde(default)]
    pub lines: Vec<SeedLine>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedActivity {
    /// Code of a result of level activity, e.g. `1.1.1.2`.
    pub result: String,
    pub quarters: Vec<u8>,
    pub responsible_party: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedLine {
    /// The activity's result code (one of the plan's activities); none for a plan-level line.
    #[serde(default)]
    pub activity: Option<String>,
    /// Funding source code.
    pub source: String,
    /// Account code of the catalogue.
    pub account: String,
    pub description: String,
    pub amount_minor: i64,
    /// Defaults to the project's currency.
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub phasing: Option<[i64; 4]>,
    /// Recorded once the plan is approved.
    #[serde(default)]
    pub expenditures: Vec<SeedExpenditure>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedExpenditure {
    #[serde(deserialize_with = "crate::domain::date::iso")]
    pub spent_on: NaiveDate,
    pub amount_minor: i64,
    /// Defaults to the project's currency; another needs the month's exchange rate.
    #[serde(default)]
    pub currency: Option<String>,
    pub reference: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedReceipt {
    /// Funding source code.
    pub source: String,
    #[serde(deserialize_with = "crate::domain::date::iso")]
    pub received_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: String,
    pub reference: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedProject {
    pub code: String,
    #[serde(default)]
    pub award_id: Option<String>,
    pub title: String,
    pub country: String,
    pub implementing_partner: String,
    #[serde(deserialize_with = "crate::domain::date::iso")]
    pub start_date: NaiveDate,
    #[serde(deserialize_with = "crate::domain::date::iso")]
    pub end_date: NaiveDate,
    pub currency: String,
    pub status: ProjectStatus,
    #[serde(default)]
    pub description: Option<String>,
    /// IATI publishing settings (see `ProjectInput`).
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub iati_reporting_org_ref: Option<String>,
    #[serde(default)]
    pub iati_activity_prefix: Option<String>,
    #[serde(default)]
    pub iati_implementing_org_ref: Option<String>,
    #[serde(default)]
    pub contributions: Vec<SeedContribution>,
    #[serde(default)]
    pub results: Vec<SeedResult>,
    /// Annual work plans, loaded after the results they schedule.
    #[serde(default)]
    pub work_plans: Vec<SeedWorkPlan>,
    /// Funds received from the project's contributors.
    #[serde(default)]
    pub receipts: Vec<SeedReceipt>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedContribution {
    /// Funding source code (defined in this document or already in the database).
    pub source: String,
    pub amount_minor: i64,
    pub currency: String,
    #[serde(default)]
    pub agreement_ref: Option<String>,
    #[serde(default)]
    pub indirect_rate_bp: Option<i32>,
    /// How the agreement's EU statement converts to EUR (`monthly_rate` when absent).
    #[serde(default)]
    pub conversion_rule: Option<crate::domain::eu::ConversionRule>,
    /// The budget of the action by line of the EU format, in the contribution's currency.
    #[serde(default)]
    pub budget: Vec<crate::store::agreements::AgreementBudgetLineInput>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedResult {
    pub code: String,
    pub level: ResultLevel,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub assumptions: Option<String>,
    #[serde(default)]
    pub indicators: Vec<SeedIndicator>,
    #[serde(default)]
    pub children: Vec<SeedResult>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedIndicator {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub measure: Measure,
    pub direction: Direction,
    pub accumulation: Accumulation,
    #[serde(default)]
    pub baseline_value: Option<f64>,
    #[serde(default)]
    pub baseline_year: Option<i32>,
    #[serde(default)]
    pub baseline_note: Option<String>,
    #[serde(default)]
    pub means_of_verification: Option<String>,
    #[serde(default)]
    pub disaggregations: Vec<Dimension>,
    #[serde(default)]
    pub targets: Vec<TargetInput>,
}

/// What to do with a project whose code is already in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExisting {
    /// Leave it as it is (the demo seed is idempotent).
    Skip,
    /// Refuse the whole document (a team loading its own project).
    Fail,
}

/// What a load did, for the CLI to print.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub projects_created: Vec<String>,
    pub projects_skipped: Vec<String>,
    pub funding_sources_created: usize,
    pub results: usize,
    pub indicators: usize,
    pub targets: usize,
    pub users_created: usize,
    pub actuals: usize,
    pub budget_accounts_created: usize,
    pub exchange_rates_created: usize,
    pub work_plans: usize,
    pub budget_lines: usize,
    pub expenditures: usize,
    pub receipts: usize,
}

/// Puts `path` in front of every field an error names, so a seed error points into the file.
fn at(path: String) -> impl Fn(AppError) -> AppError {
    move |e| match e {
        AppError::Validation(errs) => AppError::Validation(
            errs.into_iter()
                .map(|mut f| {
                    f.field = format!("{path}.{}", f.field);
                    f
                })
                .collect(),
        ),
        AppError::Conflict { message, field } => {
            AppError::Conflict { message: format!("{path}: {message}"), field: field.map(|f| format!("{path}.{f}")) }
        }
        other => other,
    }
}

pub fn parse(json: &str) -> Result<SeedDocument, AppError> {
    crate::api::json::parse(json.as_bytes())
}

/// Loads one document in one transaction: all of it, or nothing.
pub fn load(db: &Db, doc: &SeedDocument, on_existing: OnExisting) -> Result<LoadReport, AppError> {
    db.tx_blocking(|c| load_in(c, doc, on_existing, None))
}

/// Loads the demo projects; those already present are left untouched.
pub fn load_demo(db: &Db) -> Result<LoadReport, AppError> {
    let mut total = LoadReport::default();
    for (name, json) in DEMO {
        let doc = parse(json).map_err(|e| AppError::Internal(format!("{name}: {e}")))?;
        // Monitoring data goes only to demo projects created now, so a rerun adds nothing.
        let fresh = total.projects_created.clone();
        let r = db.tx_blocking(|c| load_in(c, &doc, OnExisting::Skip, Some(&fresh)))?;
        total.projects_created.extend(r.projects_created);
        total.projects_skipped.extend(r.projects_skipped);
        total.funding_sources_created += r.funding_sources_created;
        total.results += r.results;
        total.indicators += r.indicators;
        total.targets += r.targets;
        total.users_created += r.users_created;
        total.actuals += r.actuals;
        total.budget_accounts_created += r.budget_accounts_created;
        total.exchange_rates_created += r.exchange_rates_created;
        total.work_plans += r.work_plans;
        total.budget_lines += r.budget_lines;
        total.expenditures += r.expenditures;
        total.receipts += r.receipts;
    }
    Ok(total)
}

fn load_in(
    c: &mut DbConnection,
    doc: &SeedDocument,
    on_existing: OnExisting,
    progress_only_for: Option<&[String]>,
) -> Result<LoadReport, AppError> {
    let mut report = LoadReport::default();
    let system = Actor::system();
    for (i, f) in doc.funding_sources.iter().enumerate() {
        // Funding sources are a shared catalogue: one already there is reused.
        if funding::find_source_by_code(c, &f.code)?.is_none() {
            let input = FundingSourceInput { code: f.code.clone(), name: f.name.clone(), kind: f.kind, version: None };
            funding::create_source(c, &system, &input).map_err(at(format!("funding_sources[{i}]")))?;
            report.funding_sources_created += 1;
        }
    }
    for (i, a) in doc.budget_accounts.iter().enumerate() {
        if accounts::find_by_code(c, &a.code)?.is_none() {
            accounts::create(c, &system, a).map_err(at(format!("budget_accounts[{i}]")))?;
            report.budget_accounts_created += 1;
        }
    }
    for (i, r) in doc.exchange_rates.iter().enumerate() {
        let input = exchange::ExchangeRateInput {
            base_currency: r.base.clone(),
            quote_currency: r.quote.clone(),
            month: r.month.clone(),
            rate: r.rate.clone(),
            source: r.source.clone(),
            version: None,
        };
        let exists =
            exchange::list(c, &exchange::RateFilter { currency: Some(r.quote.clone()), ..Default::default() })?
                .iter()
                .any(|x| x.base_currency == r.base && x.quote_currency == r.quote && x.month == r.month);
        if !exists {
            exchange::create(c, &system, &input).map_err(at(format!("exchange_rates[{i}]")))?;
            report.exchange_rates_created += 1;
        }
    }
    for (i, p) in doc.projects.iter().enumerate() {
        let path = format!("projects[{i}]");
        if projects::find(c, &p.code).is_ok() {
            match on_existing {
                OnExisting::Skip => {
                    report.projects_skipped.push(p.code.clone());
                    continue;
                }
                OnExisting::Fail => {
                    return Err(AppError::conflict(
                        format!("{path}.code"),
                        format!("project {} already exists: nothing was loaded", p.code),
                    ));
                }
            }
        }
        let input = ProjectInput {
            code: p.code.clone(),
            award_id: p.award_id.clone(),
            title: p.title.clone(),
            country: p.country.clone(),
            implementing_partner: p.implementing_partner.clone(),
            start_date: p.start_date,
            end_date: p.end_date,
            currency: p.currency.clone(),
            status: p.status,
            description: p.description.clone(),
            country_code: p.country_code.clone(),
            iati_reporting_org_ref: p.iati_reporting_org_ref.clone(),
            iati_activity_prefix: p.iati_activity_prefix.clone(),
            iati_implementing_org_ref: p.iati_implementing_org_ref.clone(),
            version: None,
        };
        let project = projects::create(c, &system, &input).map_err(at(path.clone()))?;
        for (j, k) in p.contributions.iter().enumerate() {
            let cpath = format!("{path}.contributions[{j}]");
            let source = funding::find_source_by_code(c, &k.source)?.ok_or_else(|| {
                AppError::field(format!("{cpath}.source"), format!("no funding source with code {}", k.source))
            })?;
            let input = ContributionInput {
                funding_source_id: source.id,
                amount_minor: k.amount_minor,
                currency: k.currency.clone(),
                agreement_ref: k.agreement_ref.clone(),
                indirect_rate_bp: k.indirect_rate_bp,
                conversion_rule: k.conversion_rule,
                version: None,
            };
            let created = funding::create_contribution(c, &system, project.id, &input).map_err(at(cpath.clone()))?;
            if !k.budget.is_empty() {
                let budget = AgreementBudgetInput { lines: k.budget.clone(), version: Some(created.version) };
                agreements::replace(c, &system, created.id, &budget).map_err(at(format!("{cpath}.budget")))?;
            }
        }
        for (j, r) in p.results.iter().enumerate() {
            load_result(c, project.id, None, r, &format!("{path}.results[{j}]"), &mut report)?;
        }
        for (j, w) in p.work_plans.iter().enumerate() {
            load_work_plan(c, &project, w, &format!("{path}.work_plans[{j}]"), &mut report)?;
        }
        for (j, r) in p.receipts.iter().enumerate() {
            let rpath = format!("{path}.receipts[{j}]");
            let source = funding::find_source_by_code(c, &r.source)?.ok_or_else(|| {
                AppError::field(format!("{rpath}.source"), format!("no funding source with code {}", r.source))
            })?;
            let input = ReceiptInput {
                funding_source_id: source.id,
                received_on: r.received_on,
                amount_minor: r.amount_minor,
                currency: r.currency.clone(),
                reference: r.reference.clone(),
                version: None,
            };
            expenditures::create_receipt(c, &system, &project, &input).map_err(at(rpath))?;
            report.receipts += 1;
        }
        report.projects_created.push(p.code.clone());
    }
    for (i, p) in doc.progress.iter().enumerate() {
        let created_now = report.projects_created.contains(&p.project);
        if progress_only_for.is_some_and(|only| !only.contains(&p.project)) && !created_now {
            continue;
        }
        report.actuals += load_progress(c, p, &format!("progress[{i}]"))?;
    }
    for (i, u) in doc.users.iter().enumerate() {
        let path = format!("users[{i}]");
        // An existing account is left as it is (its password is never overwritten by a seed).
        if users::credentials(c, &u.email)?.is_some() {
            continue;
        }
        let input = NewUser {
            email: u.email.clone(),
            name: u.name.clone(),
            password: u.password.clone(),
            is_admin: u.is_admin,
        };
        users::check_new_user(&input).map_err(at(path.clone()))?;
        let hash = crate::auth::hash_password(&u.password)?;
        let user = users::create_user(c, &system, &input, &hash).map_err(at(path.clone()))?;
        for (j, r) in u.roles.iter().enumerate() {
            let project = projects::find(c, &r.project).map_err(|_| {
                AppError::field(format!("{path}.roles[{j}].project"), format!("no project {}", r.project))
            })?;
            let m = MembershipInput { user_id: user.id, role: r.role };
            users::add_member(c, &system, project.id, &m).map_err(at(format!("{path}.roles[{j}]")))?;
        }
        report.users_created += 1;
    }
    Ok(report)
}

fn load_result(
    c: &mut DbConnection,
    project_id: i64,
    parent_id: Option<i64>,
    r: &SeedResult,
    path: &str,
    report: &mut LoadReport,
) -> Result<(), AppError> {
    let input = ResultInput {
        parent_id,
        level: r.level,
        code: r.code.clone(),
        title: r.title.clone(),
        description: r.description.clone(),
        assumptions: r.assumptions.clone(),
        version: None,
    };
    let node = results::create(c, &Actor::system(), project_id, &input).map_err(at(path.to_string()))?;
    report.results += 1;
    for (k, ind) in r.indicators.iter().enumerate() {
        let ipath = format!("{path}.indicators[{k}]");
        let input = IndicatorInput {
            result_id: node.id,
            code: ind.code.clone(),
            title: ind.title.clone(),
            unit: ind.unit.clone(),
            measure: ind.measure,
            direction: ind.direction,
            accumulation: ind.accumulation,
            baseline_value: ind.baseline_value,
            baseline_year: ind.baseline_year,
            baseline_note: ind.baseline_note.clone(),
            means_of_verification: ind.means_of_verification.clone(),
            disaggregations: ind.disaggregations.clone(),
            version: None,
        };
        let created = indicators::create(c, &Actor::system(), project_id, &input).map_err(at(ipath.clone()))?;
        report.indicators += 1;
        for (t, target) in ind.targets.iter().enumerate() {
            indicators::create_target(c, &Actor::system(), created.id, target)
                .map_err(at(format!("{ipath}.targets[{t}]")))?;
            report.targets += 1;
        }
    }
    for (k, child) in r.children.iter().enumerate() {
        load_result(c, project_id, Some(node.id), child, &format!("{path}.children[{k}]"), report)?;
    }
    Ok(())
}

/// Loads one project's monitoring data through the same use cases as the API.
fn load_progress(c: &mut DbConnection, p: &SeedProgress, path: &str) -> Result<usize, AppError> {
    let system = Actor::system();
    let project = projects::find(c, &p.project)
        .map_err(|_| AppError::field(format!("{path}.project"), format!("no project {}", p.project)))?;
    let inds = indicators::list(c, project.id)?;
    let nodes = results::list(c, project.id)?;
    for (j, a) in p.actuals.iter().enumerate() {
        let apath = format!("{path}.actuals[{j}]");
        let ind = inds.iter().find(|i| i.code == a.indicator).ok_or_else(|| {
            AppError::field(format!("{apath}.indicator"), format!("no indicator {} in {}", a.indicator, p.project))
        })?;
        let input = ActualInput {
            period: a.period.clone(),
            value: a.value,
            numerator: a.numerator,
            denominator: a.denominator,
            text: a.text.clone(),
            disaggregations: a.disaggregations.clone(),
            comment: a.comment.clone(),
            evidence_url: a.evidence_url.clone(),
            version: None,
        };
        let mut actual = actuals::create(c, &system, ind.id, &input).map_err(at(apath.clone()))?;
        let steps: &[Transition] = match a.status.unwrap_or(ActualStatus::Draft) {
            ActualStatus::Draft => &[],
            ActualStatus::Submitted => &[Transition::Submit],
            ActualStatus::Approved => &[Transition::Submit, Transition::Approve],
            ActualStatus::Returned => &[Transition::Submit, Transition::Return],
        };
        for t in steps {
            let reason = (*t == Transition::Return).then(|| a.return_reason.clone()).flatten();
            let input = TransitionInput { version: Some(actual.version), reason };
            actual = actuals::apply(c, &system, actual.id, *t, &input).map_err(at(apath.clone()))?;
        }
    }
    for (j, a) in p.activity_progress.iter().enumerate() {
        let apath = format!("{path}.activity_progress[{j}]");
        let node = nodes.iter().find(|n| n.code == a.activity).ok_or_else(|| {
            AppError::field(format!("{apath}.activity"), format!("no result {} in {}", a.activity, p.project))
        })?;
        let input = ActivityProgressInput {
            status: a.status,
            percent_complete: a.percent_complete,
            narrative: a.narrative.clone(),
            version: None,
        };
        monitoring::put_activity_progress(c, &system, node.id, &a.period, &input).map_err(at(apath))?;
    }
    for (j, n) in p.narratives.iter().enumerate() {
        let input = NarrativeInput {
            summary: n.summary.clone(),
            challenges: n.challenges.clone(),
            lessons_learned: n.lessons_learned.clone(),
            next_quarter: n.next_quarter.clone(),
            version: None,
        };
        monitoring::put_narrative(c, &system, &project, &n.period, &input)
            .map_err(at(format!("{path}.narratives[{j}]")))?;
    }
    for (j, r) in p.risks.iter().enumerate() {
        let rpath = format!("{path}.risks[{j}]");
        let input = RiskInput {
            code: r.code.clone(),
            description: r.description.clone(),
            category: r.category,
            likelihood: r.likelihood,
            impact: r.impact,
            mitigation: r.mitigation.clone(),
            owner: r.owner.clone(),
            status: r.status,
            version: None,
        };
        let risk = monitoring::create_risk(c, &system, project.id, &input).map_err(at(rpath.clone()))?;
        for (k, u) in r.updates.iter().enumerate() {
            monitoring::add_risk_update(c, &system, risk.id, u).map_err(at(format!("{rpath}.updates[{k}]")))?;
        }
    }
    for (j, issue) in p.issues.iter().enumerate() {
        crate::store::issues::create(c, &system, project.id, issue).map_err(at(format!("{path}.issues[{j}]")))?;
    }
    Ok(p.actuals.len())
}

/// A work plan through the API's use cases: the draft, its activities, its lines, the
/// Project Board's approval, then the expenditures booked on its lines.
fn load_work_plan(
    c: &mut DbConnection,
    project: &projects::Project,
    w: &SeedWorkPlan,
    path: &str,
    report: &mut LoadReport,
) -> Result<(), AppError> {
    let system = Actor::system();
    let input = WorkPlanInput {
        year: w.year,
        title: w.title.clone(),
        document_total_minor: w.document_total_minor,
        notes: w.notes.clone(),
        version: None,
    };
    let plan = workplans::create(c, &system, project.id, &input).map_err(at(path.to_string()))?;
    report.work_plans += 1;
    let results: HashMap<String, i64> = results::list(c, project.id)?.into_iter().map(|r| (r.code, r.id)).collect();
    let mut activities: HashMap<String, i64> = HashMap::new();
    for (k, a) in w.activities.iter().enumerate() {
        let apath = format!("{path}.activities[{k}]");
        let result_id = *results.get(&a.result).ok_or_else(|| {
            AppError::field(format!("{apath}.result"), format!("no result with code {} in the project", a.result))
        })?;
        let input = ActivityInput {
            result_id,
            quarters: a.quarters.clone(),
            responsible_party: a.responsible_party.clone(),
            version: None,
        };
        let created = workplans::add_activity(c, &system, plan.id, &input).map_err(at(apath))?;
        activities.insert(a.result.clone(), created.id);
    }
    let mut line_ids = vec![];
    for (k, l) in w.lines.iter().enumerate() {
        let lpath = format!("{path}.lines[{k}]");
        let activity_id = match &l.activity {
            None => None,
            Some(code) => Some(*activities.get(code).ok_or_else(|| {
                AppError::field(format!("{lpath}.activity"), format!("activity {code} is not in the plan's activities"))
            })?),
        };
        let source = funding::find_source_by_code(c, &l.source)?.ok_or_else(|| {
            AppError::field(format!("{lpath}.source"), format!("no funding source with code {}", l.source))
        })?;
        let input = BudgetLineInput {
            activity_id,
            funding_source_id: source.id,
            account_code: l.account.clone(),
            description: l.description.clone(),
            amount_minor: l.amount_minor,
            currency: l.currency.clone().unwrap_or_else(|| project.currency.clone()),
            phasing: l.phasing,
            version: None,
        };
        line_ids.push(workplans::add_line(c, &system, plan.id, &input).map_err(at(lpath))?.id);
        report.budget_lines += 1;
    }
    match (w.status.unwrap_or(WorkPlanStatus::Draft), w.approved_on) {
        (WorkPlanStatus::Draft, _) => {}
        (WorkPlanStatus::Approved, Some(approved_on)) => {
            let input = ApproveInput { approved_on, version: Some(plan.version) };
            workplans::approve(c, &system, plan.id, &input).map_err(at(path.to_string()))?;
        }
        (WorkPlanStatus::Approved, None) => {
            return Err(AppError::field(
                format!("{path}.approved_on"),
                "an approved plan needs the Project Board's date",
            ));
        }
        (WorkPlanStatus::Superseded, _) => {
            return Err(AppError::field(
                format!("{path}.status"),
                "draft or approved (revisions are made through the API)",
            ));
        }
    }
    for (k, l) in w.lines.iter().enumerate() {
        for (e, x) in l.expenditures.iter().enumerate() {
            let input = ExpenditureInput {
                budget_line_id: line_ids[k],
                spent_on: x.spent_on,
                amount_minor: x.amount_minor,
                currency: x.currency.clone().unwrap_or_else(|| project.currency.clone()),
                reference: x.reference.clone(),
                description: x.description.clone(),
                version: None,
            };
            expenditures::create(c, &system, project, &input)
                .map_err(at(format!("{path}.lines[{k}].expenditures[{e}]")))?;
            report.expenditures += 1;
        }
    }
    Ok(())
}

/// True when the database holds no project and no user yet (a first start): the only database
/// the demo data may go into, so that no published demo password reaches one in use.
pub fn is_empty(db: &Db) -> Result<bool, AppError> {
    use crate::schema::{projects as p, users as u};
    use diesel::prelude::*;
    db.tx_blocking(|c| {
        let projects: i64 = p::table.count().get_result(c)?;
        let users: i64 = u::table.count().get_result(c)?;
        Ok(projects == 0 && users == 0)
    })
}

/// The demo users whose passwords are published (README, `seeds/demo-users.json`): email and password.
pub fn demo_users() -> Vec<(String, String)> {
    let (_, json) = DEMO.iter().find(|(name, _)| *name == "seeds/demo-users.json").expect("the demo users ship");
    let doc = parse(json).expect("the shipped demo users parse");
    doc.users.into_iter().map(|u| (u.email, u.password)).collect()
}

/// The active users that still log in with a published demo password, with their password hashes
/// (empty when there are none). A hash changes with the password, so `/healthz` can tell
/// cheaply whether any of them is still in use ([`demo_credentials_in_use`]).
pub fn demo_credentials(db: &Db) -> Result<Vec<(String, String)>, AppError> {
    let mut found = vec![];
    for (email, password) in demo_users() {
        if let Some((_, hash, true)) = db.tx_blocking(|c| users::credentials(c, &email))?
            && crate::auth::verify_password(&password, &hash)
        {
            found.push((email, hash));
        }
    }
    Ok(found)
}

/// Whether an active user still has one of the given (demo) password hashes.
pub fn demo_credentials_in_use(c: &mut DbConnection, hashes: &[String]) -> Result<bool, AppError> {
    use crate::schema::users as u;
    use diesel::prelude::*;
    if hashes.is_empty() {
        return Ok(false);
    }
    let n: i64 = u::table.filter(u::active.eq(true)).filter(u::password_hash.eq_any(hashes)).count().get_result(c)?;
    Ok(n > 0)
}
