//! Times the work plan to and from Excel on a synthetic plan of 10 000 budget lines
//! (100 activities under 10 outputs, 3 funding sources, 10 indicators with yearly targets).
//!
//! ```sh
//! cargo bench --bench awp                       # SQLite (a file in the temp directory)
//! RBM_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench awp
//! ```
//!
//! Measured, each the median of several runs, through the use cases the API calls
//! (`services::workplan_io`): the export of the workbook (goal: under 1 s); the dry run of
//! its import (10 000 lines read, matched and compared; goal: under 2 s); the import applied
//! into an emptied draft of the plan (10 000 lines, 100 activities and their audit entries
//! written in one transaction; goal: under 2 s). The setup writes the lines with multi-row
//! INSERTs, since loading them is not what is measured.

use diesel::connection::SimpleConnection;
use rbm::auth::Principal;
use rbm::db::Db;
use rbm::domain::indicators::{Accumulation, Direction, Measure};
use rbm::domain::results::ResultLevel;
use rbm::domain::{FundingKind, ProjectStatus};
use rbm::error::AppError;
use rbm::services::workplan_io;
use rbm::store::audit::Actor;
use rbm::store::funding::{self, ContributionInput, FundingSourceInput};
use rbm::store::indicators::{self, IndicatorInput, TargetInput};
use rbm::store::projects::{self, ProjectInput};
use rbm::store::results::{self, ResultInput};
use rbm::store::workplans::{self, ActivityInput, WorkPlanInput};
use std::time::{Duration, Instant};

const LINES: usize = 10_000;
const ACTIVITIES: usize = 100;
const RUNS: usize = 5;

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn admin() -> Principal {
    Principal {
        user_id: 0,
        email: "bench".into(),
        is_admin: true,
        token_id: 0,
        roles: Default::default(),
        reason: None,
    }
}

/// The project, sources, results, indicators, the plan and its activities (use cases); the
/// lines (multi-row INSERTs). Returns the plan's id.
fn build(db: &Db) -> Result<i64, AppError> {
    let (plan_id, activities, sources) = db.tx_blocking(|c| {
        let system = Actor::system();
        let project = projects::create(
            c,
            &system,
            &ProjectInput {
                code: "BENCH".into(),
                award_id: None,
                title: "Synthetic project for the AWP workbook benchmark".into(),
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
        for code in ["EU", "GOV", "UNDP"] {
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
                    indirect_rate_bp: Some(700),
                    conversion_rule: None,
                    version: None,
                },
            )?;
            sources.push(s.id);
        }
        let result = |code: String, level: ResultLevel, parent: Option<i64>, title: String| ResultInput {
            parent_id: parent,
            level,
            code,
            title,
            description: None,
            assumptions: None,
            version: None,
        };
        let outcome = results::create(
            c,
            &system,
            project.id,
            &result("1".into(), ResultLevel::Outcome, None, "Synthetic outcome".into()),
        )?;
        let plan = workplans::create(
            c,
            &system,
            project.id,
            &WorkPlanInput { year: 2025, title: None, document_total_minor: None, notes: None, version: None },
        )?;
        let mut activities = vec![];
        for o in 1..=ACTIVITIES / 10 {
            let output = results::create(
                c,
                &system,
                project.id,
                &result(format!("1.{o}"), ResultLevel::Output, Some(outcome.id), format!("Output number {o}")),
            )?;
            let ind = indicators::create(
                c,
                &system,
                project.id,
                &IndicatorInput {
                    result_id: output.id,
                    code: format!("OP{o}"),
                    title: format!("People trained under output {o}"),
                    unit: "persons".into(),
                    measure: Measure::Number,
                    direction: Direction::Increase,
                    accumulation: Accumulation::Sum,
                    baseline_value: Some(0.0),
                    baseline_year: Some(2024),
                    baseline_note: None,
                    means_of_verification: None,
                    disaggregations: vec![],
                    version: None,
                },
            )?;
            for (period, value) in [("2025", 100.0), ("2026", 150.0), ("LOP", 250.0)] {
                let t = TargetInput { period: period.into(), value: Some(value), description: None, version: None };
                indicators::create_target(c, &system, ind.id, &t)?;
            }
            for a in 1..=10 {
                let r = results::create(
                    c,
                    &system,
                    project.id,
                    &result(
                        format!("1.{o}.{a}"),
                        ResultLevel::Activity,
                        Some(output.id),
                        format!("Synthetic activity {a} of output {o}: workshops, studies and equipment"),
                    ),
                )?;
                let quarters = vec![((a % 4) + 1) as u8, (((a + 1) % 4) + 1) as u8];
                let input =
                    ActivityInput { result_id: r.id, quarters, responsible_party: "UNDP".into(), version: None };
                activities.push(workplans::add_activity(c, &system, plan.id, &input)?.id);
            }
        }
        Ok((plan.id, activities, sources))
    })?;
    let accounts = ["71200", "71300", "71400", "71600", "72100", "72200", "72500", "72800", "74200", "74500", "75700"];
    let now = "'2025-01-01 00:00:00'";
    let mut rows = Vec::with_capacity(LINES);
    let mut seed: u64 = 0x5eed_1234_abcd_ef01;
    for n in 0..LINES {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let activity = activities[n % activities.len()];
        let source = sources[(n / 7) % sources.len()];
        let (activity, account) = if n % 50 == 49 {
            ("NULL".to_string(), "75100")
        } else {
            (activity.to_string(), accounts[(seed % 11) as usize])
        };
        let amount = 100_000 + (seed % 5_000_000) as i64;
        rows.push(format!(
            "({plan_id}, {activity}, {source}, '{account}', 'Synthetic line {n}', {amount}, 'USD', 0, 1, {now}, {now})"
        ));
    }
    db.tx_blocking(|c| {
        for chunk in rows.chunks(1_000) {
            c.batch_execute(&format!(
                "INSERT INTO budget_lines (work_plan_id, activity_id, funding_source_id, account_code, description, \
                 amount_minor, currency, lineage_id, version, created_at, updated_at) VALUES {}",
                chunk.join(",")
            ))?;
        }
        c.batch_execute(&format!("UPDATE budget_lines SET lineage_id = id WHERE work_plan_id = {plan_id}"))?;
        Ok(())
    })?;
    Ok(plan_id)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// Runs `f` RUNS times (with `before`, untimed, ahead of each run) and prints the median.
fn time<T>(label: &str, goal_ms: f64, mut before: impl FnMut(), mut f: impl FnMut() -> T) -> T {
    let mut out = None;
    let mut runs = vec![];
    for _ in 0..RUNS {
        before();
        let t = Instant::now();
        out = Some(f());
        runs.push(t.elapsed());
    }
    runs.sort();
    let (med, min, max) = (runs[RUNS / 2], runs[0], runs[RUNS - 1]);
    let verdict = if ms(med) < goal_ms { "ok" } else { "OVER THE GOAL" };
    println!(
        "  {label:<52} median {:>7.1} ms   (min {:.1}, max {:.1}, {RUNS} runs; goal < {goal_ms:.0} ms: {verdict})",
        ms(med),
        ms(min),
        ms(max)
    );
    out.expect("ran")
}

fn run(backend: &str, url: &str) -> Result<(), AppError> {
    let db = Db::connect(url, 2)?;
    let t = Instant::now();
    let plan_id = build(&db)?;
    println!("{backend}: built a plan of {LINES} lines in {:.1} s", t.elapsed().as_secs_f64());
    let who = admin();
    let file = time(
        "export of the workbook (10 000 lines)",
        1_000.0,
        || {},
        || db.tx_blocking(|c| workplan_io::export(c, &who, "BENCH", 2025, None)).expect("export"),
    );
    println!("    {} bytes", file.bytes.len());
    let report = time(
        "import, dry run (10 000 lines, nothing to change)",
        2_000.0,
        || {},
        || {
            db.tx_blocking(|c| workplan_io::import(c, &who, &Actor::system(), "BENCH", 2025, &file.bytes, false))
                .expect("dry run")
        },
    );
    assert!(report.problems.is_empty(), "{:?}", &report.problems[..report.problems.len().min(5)]);
    assert_eq!((report.totals.lines, report.changes.len()), (LINES, 0));
    // Applied into the plan emptied before each run: every activity and line is created.
    let empty = || {
        db.tx_blocking(|c| {
            c.batch_execute(&format!(
                "DELETE FROM budget_lines WHERE work_plan_id = {plan_id}; \
                 DELETE FROM work_plan_activities WHERE work_plan_id = {plan_id}; \
                 DELETE FROM audit_log WHERE entity IN ('budget_line', 'work_plan_activity')"
            ))?;
            Ok(())
        })
        .expect("emptied")
    };
    let applied = time("import, applied (creates 100 activities, 10 000 lines)", 2_000.0, empty, || {
        db.tx_blocking(|c| workplan_io::import(c, &who, &Actor::system(), "BENCH", 2025, &file.bytes, true))
            .expect("apply")
    });
    assert!(applied.applied);
    assert_eq!((applied.summary.lines.created, applied.summary.activities.created), (LINES, ACTIVITIES));
    let plan = db.tx_blocking(|c| workplans::get(c, plan_id))?;
    assert_eq!((plan.lines.len(), plan.totals.total_minor), (LINES, report.totals.amount_minor));
    Ok(())
}

fn main() {
    let stamp = format!("rbm_bench_awp_{}", std::process::id());
    let path = std::env::temp_dir().join(format!("{stamp}.db"));
    let sqlite = path.to_string_lossy().into_owned();
    let result = run("sqlite", &sqlite);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{sqlite}{suffix}"));
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
