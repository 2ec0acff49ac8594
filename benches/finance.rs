//! Times the finance summary and the finance checks on a synthetic work plan of 10 000 budget
//! lines and 100 000 expenditures (10 % of them in KZT, converted at a monthly rate).
//!
//! ```sh
//! cargo bench --bench finance                       # SQLite (a file in the temp directory)
//! RBM_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench finance
//! ```
//!
//! The small parts (project, results, activities, approval) go through the use cases; the
//! 110 000 lines and expenditures are written with multi-row INSERTs, since loading them is
//! not what is measured. Each measurement is repeated and the median reported.

use diesel::connection::SimpleConnection;
use rbm::db::{Db, DbConnection};
use rbm::domain::budget::{RateUse, convert};
use rbm::domain::results::ResultLevel;
use rbm::domain::{FundingKind, ProjectStatus};
use rbm::error::AppError;
use rbm::store::audit::Actor;
use rbm::store::finance::{self, ChecksQuery, SummaryQuery};
use rbm::store::funding::{self, ContributionInput, FundingSourceInput};
use rbm::store::projects::{self, ProjectInput};
use rbm::store::results::{self, ResultInput};
use rbm::store::workplans::{self, ActivityInput, ApproveInput, WorkPlanInput};
use std::time::{Duration, Instant};

const LINES: usize = 10_000;
const EXPENDITURES: usize = 100_000;
const ACTIVITIES: usize = 100;
const RUNS: usize = 7;
const KZT_RATE_MICROS: i64 = 450_000_000;

/// xorshift64: reproducible data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The project, sources, results, the plan's activities: through the use cases.
fn setup(c: &mut DbConnection) -> Result<(i64, i64, Vec<i64>, Vec<i64>), AppError> {
    let system = Actor::system();
    let project = projects::create(
        c,
        &system,
        &ProjectInput {
            code: "BENCH".into(),
            award_id: None,
            title: "Synthetic project for the finance benchmark".into(),
            country: "Kazakhstan".into(),
            implementing_partner: "Bench".into(),
            start_date: date(2025, 1, 1),
            end_date: date(2026, 12, 31),
            currency: "USD".into(),
            status: ProjectStatus::Active,
            description: None,
            country_code: None,
            iati_reporting_org_ref: None,
            iati_activity_prefix: None,
            iati_implementing_org_ref: None,
            version: None,
        },
    )?;
    let mut sources = vec![];
    for (code, rate) in [("EU", 700), ("GOV", 800), ("UNDP", 0)] {
        let s = funding::create_source(
            c,
            &system,
            &FundingSourceInput { code: code.into(), name: code.into(), kind: FundingKind::Other, version: None },
        )?;
        funding::create_contribution(
            c,
            &system,
            project.id,
            &ContributionInput {
                funding_source_id: s.id,
                amount_minor: 50_000_000_000,
                currency: "USD".into(),
                agreement_ref: None,
                indirect_rate_bp: Some(rate),
                conversion_rule: None,
                version: None,
            },
        )?;
        sources.push(s.id);
    }
    let result = |code: String, level: ResultLevel, parent: Option<i64>| ResultInput {
        parent_id: parent,
        level,
        code,
        title: "Synthetic result".into(),
        description: None,
        assumptions: None,
        version: None,
    };
    let outcome = results::create(c, &system, project.id, &result("1".into(), ResultLevel::Outcome, None))?;
    let plan = workplans::create(
        c,
        &system,
        project.id,
        &WorkPlanInput { year: 2025, title: None, document_total_minor: None, notes: None, version: None },
    )?;
    let mut activities = vec![];
    for o in 1..=ACTIVITIES / 10 {
        let output =
            results::create(c, &system, project.id, &result(format!("1.{o}"), ResultLevel::Output, Some(outcome.id)))?;
        for a in 1..=10 {
            let r = results::create(
                c,
                &system,
                project.id,
                &result(format!("1.{o}.{a}"), ResultLevel::Activity, Some(output.id)),
            )?;
            let quarters = vec![((a % 4) + 1) as u8, (((a + 1) % 4) + 1) as u8];
            let input = ActivityInput { result_id: r.id, quarters, responsible_party: "UNDP".into(), version: None };
            activities.push(workplans::add_activity(c, &system, plan.id, &input)?.id);
        }
    }
    Ok((project.id, plan.id, activities, sources))
}

fn insert_in_chunks(c: &mut DbConnection, head: &str, rows: &[String]) -> Result<(), AppError> {
    for chunk in rows.chunks(1_000) {
        c.batch_execute(&format!("{head} VALUES {}", chunk.join(",")))?;
    }
    Ok(())
}

pub fn build(db: &Db) -> Result<i64, AppError> {
    let (project_id, plan_id, activities, sources) = db.tx_blocking(setup)?;
    let accounts = ["71200", "71300", "71400", "71600", "72100", "72200", "72500", "72800", "74200", "74500", "75700"];
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let now = "'2025-01-01 00:00:00'";
    let mut rows = Vec::with_capacity(LINES);
    for n in 0..LINES {
        let activity = activities[n % activities.len()];
        let source = sources[(n / 7) % sources.len()];
        let account = if n % 50 == 49 { "75100" } else { accounts[rng.below(accounts.len() as u64) as usize] };
        let amount = 100_000 + rng.below(5_000_000) as i64;
        let (activity, phasing) = if account == "75100" {
            ("NULL".to_string(), "NULL, NULL, NULL, NULL".to_string())
        } else if n % 3 == 0 {
            let q = amount / 4;
            (activity.to_string(), format!("{q}, {q}, {q}, {}", amount - 3 * q))
        } else {
            (activity.to_string(), "NULL, NULL, NULL, NULL".to_string())
        };
        rows.push(format!(
            "({plan_id}, {activity}, {source}, '{account}', 'Synthetic line {n}', {amount}, 'USD', {phasing}, 0, 1, {now}, {now})"
        ));
    }
    db.tx_blocking(|c| {
        insert_in_chunks(
            c,
            "INSERT INTO budget_lines (work_plan_id, activity_id, funding_source_id, account_code, description, \
             amount_minor, currency, q1_minor, q2_minor, q3_minor, q4_minor, lineage_id, version, created_at, updated_at)",
            &rows,
        )?;
        c.batch_execute(&format!("UPDATE budget_lines SET lineage_id = id WHERE work_plan_id = {plan_id}"))?;
        workplans::approve(
            c,
            &Actor::system(),
            plan_id,
            &ApproveInput { approved_on: date(2025, 1, 20), version: Some(1) },
        )?;
        Ok(())
    })?;
    let line_ids: Vec<i64> = db.tx_blocking(|c| {
        use diesel::prelude::*;
        use rbm::schema::budget_lines;
        Ok(budget_lines::table
            .filter(budget_lines::work_plan_id.eq(plan_id))
            .select(budget_lines::id)
            .order(budget_lines::id)
            .load::<i64>(c)?)
    })?;
    let mut rows = Vec::with_capacity(EXPENDITURES);
    for n in 0..EXPENDITURES {
        let line = line_ids[rng.below(line_ids.len() as u64) as usize];
        let day = date(2025, 1, 1) + chrono::Duration::days(rng.below(365) as i64);
        let month = day.format("%Y-%m");
        let (amount, currency, ledger, fx) = if n % 10 == 0 {
            let kzt = 1_000_000 + rng.below(50_000_000) as i64;
            let usd = convert(kzt, "KZT", "USD", KZT_RATE_MICROS, RateUse::Divide).expect("converts");
            (kzt, "KZT", usd, format!("'USD/KZT', '{month}', {KZT_RATE_MICROS}"))
        } else {
            let usd = 1_000 + rng.below(100_000) as i64;
            (usd, "USD", usd, "NULL, NULL, NULL".to_string())
        };
        rows.push(format!(
            "({project_id}, {line}, '{day}', {amount}, '{currency}', {ledger}, 'USD', {fx}, 'V-{n}', 1, {now}, {now})"
        ));
    }
    db.tx_blocking(|c| {
        insert_in_chunks(
            c,
            "INSERT INTO expenditures (project_id, budget_line_id, spent_on, amount_minor, currency, \
             ledger_amount_minor, ledger_currency, fx_pair, fx_month, fx_rate_micros, reference, version, created_at, updated_at)",
            &rows,
        )
    })?;
    if db.backend == rbm::db::Backend::Postgres {
        db.tx_blocking(|c| Ok(c.batch_execute("ANALYZE")?))?;
    }
    Ok(project_id)
}

fn median(mut xs: Vec<Duration>) -> (Duration, Duration, Duration) {
    xs.sort();
    (xs[xs.len() / 2], xs[0], xs[xs.len() - 1])
}

fn time<T>(label: &str, mut f: impl FnMut() -> T) -> T {
    let mut out = None;
    let mut runs = vec![];
    for _ in 0..RUNS {
        let t = Instant::now();
        out = Some(f());
        runs.push(t.elapsed());
    }
    let (med, min, max) = median(runs);
    println!("  {label:<44} median {:>8.1} ms   (min {:.1}, max {:.1}, {RUNS} runs)", ms(med), ms(min), ms(max));
    out.expect("ran")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn run(backend: &str, url: &str) -> Result<(), AppError> {
    let db = Db::connect(url, 2)?;
    let t = Instant::now();
    let project_id = build(&db)?;
    println!("{backend}: built {LINES} lines and {EXPENDITURES} expenditures in {:.1} s", t.elapsed().as_secs_f64());
    let project = db.tx_blocking(|c| projects::get(c, project_id))?;
    for period in ["2025", "LOP", "2025-Q2"] {
        let q = SummaryQuery { period: Some(period.into()) };
        let s = time(&format!("finance summary, period {period}"), || {
            db.tx_blocking(|c| finance::summary(c, &project, &q)).expect("summary")
        });
        assert_eq!(
            s.by_funding_source.iter().map(|r| r.budget_minor).sum::<i64>(),
            s.total.budget_minor,
            "the views reconcile"
        );
        if period == "2025" {
            println!(
                "    total budget {} minor, expenditure {} minor, delivery {}",
                s.total.budget_minor,
                s.total.expenditure_minor,
                s.total.delivery_rate.as_deref().unwrap_or("-")
            );
        }
    }
    let q = ChecksQuery { year: Some(2025) };
    let c = time("finance checks, year 2025", || db.tx_blocking(|c| finance::checks(c, &project, &q)).expect("checks"));
    println!("    {} findings ({} errors, {} warnings)", c.findings.len(), c.errors, c.warnings);
    let id = time("work plan of 10 000 lines (workplans::get)", || {
        db.tx_blocking(|c| {
            let id = c_plan(c, project_id)?;
            workplans::get(c, id)
        })
        .expect("plan")
        .lines
        .len()
    });
    assert_eq!(id, LINES);
    Ok(())
}

fn c_plan(c: &mut DbConnection, project_id: i64) -> Result<i64, AppError> {
    Ok(workplans::current_plans(c, project_id)?[0].id)
}

fn main() {
    let stamp = format!("rbm_bench_{}", std::process::id());
    let path = std::env::temp_dir().join(format!("{stamp}.db"));
    let sqlite = path.to_string_lossy().into_owned();
    let result = run("sqlite", &sqlite);
    if std::env::var("RBM_BENCH_KEEP").is_ok() {
        println!("kept the SQLite database: {sqlite}");
    } else {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{sqlite}{suffix}"));
        }
    }
    result.expect("sqlite bench");

    if let Ok(admin) = std::env::var("RBM_BENCH_POSTGRES_URL") {
        use diesel::Connection;
        let mut c = diesel::PgConnection::establish(&admin).expect("RBM_BENCH_POSTGRES_URL connects");
        c.batch_execute(&format!("CREATE DATABASE {stamp}")).expect("create bench database");
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{stamp}"),
            None => admin.clone(),
        };
        let result = run("postgres", &url);
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {stamp} WITH (FORCE)")).expect("drop bench database");
        result.expect("postgres bench");
    } else {
        println!("(set RBM_BENCH_POSTGRES_URL to time PostgreSQL too)");
    }
}
