//! Times report generation (gather from the database + template + layout + render), release mode:
//!
//! - the demo quarterly report (UZB-PSD, 2025-Q3) and Combined Delivery Report (UZB-PSD, 2025) as PDF and XLSX;
//! - the demo EU interim report (UZB-PSD, 2025-Q1..2025-Q3: nine months converted to EUR) as PDF and XLSX;
//! - a synthetic project of 1 000 indicators x 20 quarters of approved, sex-disaggregated actuals,
//!   10 000 budget lines and 100 000 expenditures (the finance bench's plan): the UNDP quarterly
//!   report of 2025-Q4 and the IPTT of 2025-Q1..2029-Q4, as PDF and XLSX; its `EU` source made an
//!   EU one with twelve USD/EUR rates, the EU interim report of 2025-Q1..2025-Q4 (100 000
//!   expenditures converted month by month); the CDR of 2025.
//!
//! ```sh
//! cargo bench --bench reports                      # all cases, median of several runs
//! RBM_BENCH_CASE=synthetic-iptt-pdf /usr/bin/time -v target/release/deps/reports-* # one case once, for peak memory
//! # instructions of a warm run (repeatable on a busy machine): the 2-run total minus the 1-run total
//! RBM_BENCH_CASE=demo-pdf RBM_BENCH_RUNS=2 valgrind --tool=callgrind --toggle-collect='*reports::generate*' target/release/deps/reports-*
//! ```

#[path = "finance.rs"]
#[allow(dead_code)]
mod finance_bench;

use diesel::connection::SimpleConnection;
use rbm::db::Db;
use rbm::domain::progress::Thresholds;
use rbm::error::AppError;
use rbm::reports::templates::Templates;
use rbm::reports::{self, Format, ReportRequest};
use rbm::store::projects::{self, Project};
use std::time::{Duration, Instant};

const INDICATORS: usize = 1_000;
const QUARTERS: usize = 20;

/// 1 000 indicators on the synthetic plan's activities, with yearly and LOP targets and 20
/// quarters of approved actuals each (multi-row INSERTs: loading is not what is measured).
pub fn add_indicators(db: &Db, project_id: i64) -> Result<(), AppError> {
    db.tx_blocking(|c| {
        c.batch_execute(&format!("UPDATE projects SET end_date = '2029-12-31' WHERE id = {project_id}"))?;
        use diesel::prelude::*;
        use rbm::schema::results;
        let activities: Vec<i64> = results::table
            .filter(results::project_id.eq(project_id))
            .filter(results::level.eq("activity"))
            .select(results::id)
            .load(c)?;
        let now = "'2025-01-01 00:00:00'";
        let dims = r#"[{"name":"sex","values":["women","men"]}]"#;
        let rows: Vec<String> = (0..INDICATORS)
            .map(|n| {
                let r = activities[n % activities.len()];
                format!(
                    "({project_id}, {r}, 'I{n}', 'People trained in course {n}', 'persons', 'number', 'increase', 'sum', 0, 2024, '{dims}', 1, {now}, {now})"
                )
            })
            .collect();
        for chunk in rows.chunks(500) {
            c.batch_execute(&format!(
                "INSERT INTO indicators (project_id, result_id, code, title, unit, measure, direction, accumulation, \
                 baseline_value, baseline_year, disaggregations, version, created_at, updated_at) VALUES {}",
                chunk.join(",")
            ))?;
        }
        use rbm::schema::indicators;
        let ids: Vec<i64> =
            indicators::table.filter(indicators::project_id.eq(project_id)).select(indicators::id).load(c)?;
        let mut targets = vec![];
        let mut actuals = vec![];
        for id in &ids {
            for y in 2025..2030 {
                targets.push(format!("({id}, '{y}', 80, 1, {now}, {now})"));
            }
            targets.push(format!("({id}, 'LOP', 400, 1, {now}, {now})"));
            for q in 0..QUARTERS {
                let (year, qn) = (2025 + q / 4, q % 4 + 1);
                let (w, m) = (11 + (q % 3), 9);
                actuals.push(format!(
                    "({project_id}, {id}, '{year}-Q{qn}', {}, '{{\"sex\":{{\"men\":{m},\"women\":{w}}}}}', 'approved', 1, {now}, {now})",
                    w + m
                ));
            }
        }
        for chunk in targets.chunks(1_000) {
            c.batch_execute(&format!(
                "INSERT INTO targets (indicator_id, period, value, version, created_at, updated_at) VALUES {}",
                chunk.join(",")
            ))?;
        }
        for chunk in actuals.chunks(1_000) {
            c.batch_execute(&format!(
                "INSERT INTO actuals (project_id, indicator_id, period, value, disaggregations, status, version, \
                 created_at, updated_at) VALUES {}",
                chunk.join(",")
            ))?;
        }
        Ok(())
    })
}

/// The synthetic `EU` source becomes an EU one, with a USD/EUR rate for every month of 2025.
fn make_eu(db: &Db) -> Result<(), AppError> {
    db.tx_blocking(|c| {
        c.batch_execute("UPDATE funding_sources SET kind = 'eu' WHERE code = 'EU'")?;
        let rows: Vec<String> = (1..=12)
            .map(|m| format!("('USD', 'EUR', '2025-{m:02}', {}, 'bench', 1, '2025-01-01 00:00:00', '2025-01-01 00:00:00')", 900_000 + m * 1_250))
            .collect();
        c.batch_execute(&format!(
            "INSERT INTO exchange_rates (base_currency, quote_currency, month, rate_micros, source, version, created_at, updated_at) VALUES {}",
            rows.join(",")
        ))?;
        Ok(())
    })
}

fn request(template: &str, window: (&str, &str), format: Format) -> ReportRequest {
    ReportRequest {
        template: template.into(),
        period: None,
        from: Some(window.0.into()),
        to: Some(window.1.into()),
        format,
        lang: None,
        draft: false,
    }
}

/// Gathers, lays out and renders one report; returns its size.
fn generate(db: &Db, templates: &Templates, project: &Project, req: &ReportRequest) -> usize {
    let t = Instant::now();
    let doc = db
        .tx_blocking(|c| reports::build_document(c, templates, project, req, Thresholds::default(), "bench"))
        .expect("report data");
    let gathered = t.elapsed();
    let bytes = reports::render(&doc, req.format).expect("renders").len();
    if std::env::var("RBM_BENCH_PHASES").is_ok() {
        println!(
            "    data + template + markup {:.1} ms, render {:.1} ms",
            gathered.as_secs_f64() * 1e3,
            (t.elapsed() - gathered).as_secs_f64() * 1e3
        );
    }
    bytes
}

fn time(label: &str, runs: usize, mut f: impl FnMut() -> usize) {
    let mut times: Vec<Duration> = vec![];
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        size = f();
        times.push(t.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  {label:<40} median {:>8.1} ms (min {:.1}, max {:.1}, {runs} runs)  {:>8.1} KB",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1]),
        size as f64 / 1024.0
    );
}

fn main() {
    let only = std::env::var("RBM_BENCH_CASE").ok();
    // One case runs once (for peak memory), unless RBM_BENCH_RUNS says how often (for
    // instruction counts of a warm run under callgrind: two runs minus one run).
    let fixed: Option<usize> = std::env::var("RBM_BENCH_RUNS").ok().and_then(|n| n.parse().ok());
    let runs = |n: usize| fixed.unwrap_or(if only.is_some() { 1 } else { n });
    let wanted = |case: &str| only.as_deref().is_none_or(|o| o == case);
    let templates = Templates::new(Some("report_templates".into()));
    let dir = std::env::temp_dir();
    let pid = std::process::id();

    if ["demo-pdf", "demo-xlsx", "demo-cdr-pdf", "demo-cdr-xlsx", "demo-eu-pdf", "demo-eu-xlsx"]
        .iter()
        .any(|c| wanted(c))
    {
        let path = dir.join(format!("rbm_bench_demo_{pid}.db"));
        let db = Db::connect(&path.to_string_lossy(), 2).expect("database");
        rbm::seeds::load_demo(&db).expect("demo data");
        let project = db.tx_blocking(|c| projects::find(c, "UZB-PSD")).expect("project");
        println!("demo: UZB-PSD, UNDP quarterly report 2025-Q3");
        for (case, format) in [("demo-pdf", Format::Pdf), ("demo-xlsx", Format::Xlsx)] {
            if wanted(case) {
                let req = request("undp-quarterly", ("2025-Q3", "2025-Q3"), format);
                time(case, runs(25), || generate(&db, &templates, &project, &req));
            }
        }
        println!("demo: UZB-PSD, EU interim report 2025-Q1..2025-Q3");
        for (case, format) in [("demo-eu-pdf", Format::Pdf), ("demo-eu-xlsx", Format::Xlsx)] {
            if wanted(case) {
                let req = request("eu-interim", ("2025-Q1", "2025-Q3"), format);
                time(case, runs(25), || generate(&db, &templates, &project, &req));
            }
        }
        println!("demo: UZB-PSD, Combined Delivery Report 2025");
        for (case, format) in [("demo-cdr-pdf", Format::Pdf), ("demo-cdr-xlsx", Format::Xlsx)] {
            if wanted(case) {
                let req = request("undp-cdr", ("2025-Q1", "2025-Q4"), format);
                time(case, runs(25), || generate(&db, &templates, &project, &req));
            }
        }
        for s in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{s}", path.display()));
        }
    }

    if only.as_deref().is_none_or(|o| o.starts_with("synthetic")) {
        let path = dir.join(format!("rbm_bench_reports_{pid}.db"));
        let db = Db::connect(&path.to_string_lossy(), 2).expect("database");
        let t = Instant::now();
        let project_id = finance_bench::build(&db).expect("synthetic plan");
        add_indicators(&db, project_id).expect("synthetic indicators");
        println!(
            "synthetic: {INDICATORS} indicators x {QUARTERS} quarters, 10 000 budget lines, 100 000 expenditures (built in {:.1} s)",
            t.elapsed().as_secs_f64()
        );
        make_eu(&db).expect("EU source and rates");
        let project = db.tx_blocking(|c| projects::get(c, project_id)).expect("project");
        for (case, template, window, format) in [
            ("synthetic-quarterly-pdf", "undp-quarterly", ("2025-Q4", "2025-Q4"), Format::Pdf),
            ("synthetic-quarterly-xlsx", "undp-quarterly", ("2025-Q4", "2025-Q4"), Format::Xlsx),
            ("synthetic-iptt-pdf", "iptt", ("2025-Q1", "2029-Q4"), Format::Pdf),
            ("synthetic-iptt-xlsx", "iptt", ("2025-Q1", "2029-Q4"), Format::Xlsx),
            ("synthetic-eu-pdf", "eu-interim", ("2025-Q1", "2025-Q4"), Format::Pdf),
            ("synthetic-eu-xlsx", "eu-interim", ("2025-Q1", "2025-Q4"), Format::Xlsx),
            ("synthetic-cdr-pdf", "undp-cdr", ("2025-Q1", "2025-Q4"), Format::Pdf),
            ("synthetic-cdr-xlsx", "undp-cdr", ("2025-Q1", "2025-Q4"), Format::Xlsx),
        ] {
            if wanted(case) {
                let req = request(template, window, format);
                time(case, runs(5), || generate(&db, &templates, &project, &req));
            }
        }
        for s in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{s}", path.display()));
        }
    }
}
