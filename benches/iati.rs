//! Times the IATI export (`GET /projects/{p}/iati.xml`: read + map + write the XML), release
//! mode, of the reports bench's synthetic project: 1 000 indicators x 20 quarters of approved,
//! sex-disaggregated actuals with yearly and life-of-project targets, 10 000 budget lines and
//! 100 000 expenditures (the finance bench's plan). The issue asks for under 1 s.
//!
//! ```sh
//! cargo bench --bench iati                 # median of 7 runs; validates the document once with xmllint when present
//! RBM_BENCH_PHASES=1 cargo bench --bench iati   # also: reading the data, writing the XML
//! ```

#[path = "reports.rs"]
#[allow(dead_code)]
mod reports_bench;

// The synthetic plan builder, also included by the reports bench above.
#[path = "finance.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod finance_bench;

use diesel::connection::SimpleConnection;
use rbm::db::Db;
use rbm::store::projects;
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn main() {
    let path = std::env::temp_dir().join(format!("rbm_bench_iati_{}.db", std::process::id()));
    let db = Db::connect(&path.to_string_lossy(), 2).expect("database");
    let t = Instant::now();
    let project_id = finance_bench::build(&db).expect("synthetic plan");
    reports_bench::add_indicators(&db, project_id).expect("synthetic indicators");
    db.tx_blocking(|c| {
        c.batch_execute(&format!(
            "UPDATE projects SET country_code = 'KZ', iati_reporting_org_ref = 'XM-DAC-41114', \
             iati_activity_prefix = 'XM-DAC-41114-PROJECT' WHERE id = {project_id}"
        ))?;
        Ok(())
    })
    .expect("IATI settings");
    println!(
        "synthetic: 1 000 indicators x 20 quarters, 10 000 budget lines, 100 000 expenditures (built in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    let project = db.tx_blocking(|c| projects::get(c, project_id)).expect("project");

    let mut times: Vec<Duration> = vec![];
    let mut xml = String::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        xml = db.tx_blocking(|c| rbm::iati::export(c, &project, rbm::store::now())).expect("the export").xml;
        times.push(t.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    if std::env::var("RBM_BENCH_PHASES").is_ok() {
        let t = Instant::now();
        let data = db.tx_blocking(|c| rbm::iati::data::gather(c, &project)).expect("data");
        let gathered = t.elapsed();
        let settings = rbm::iati::settings(&project).expect("settings");
        let t = Instant::now();
        let len = rbm::iati::render(&settings, &data, rbm::store::now()).len();
        println!("    gather {:.1} ms, render {:.1} ms ({len} bytes)", ms(gathered), ms(t.elapsed()));
    }
    println!(
        "  {:<40} median {:>8.1} ms (min {:.1}, max {:.1}, {RUNS} runs)  {:>8.1} KB",
        "synthetic-iati-xml",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1]),
        xml.len() as f64 / 1024.0
    );

    // The document is valid too (when xmllint is installed).
    let file = std::env::temp_dir().join(format!("rbm_bench_iati_{}.xml", std::process::id()));
    std::fs::write(&file, &xml).expect("write the document");
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/iati-2.03/iati-activities-schema.xsd");
    match std::process::Command::new("xmllint").args(["--noout", "--nonet", "--schema", schema]).arg(&file).output() {
        Ok(out) => println!(
            "  schema validation (xmllint): {}",
            if out.status.success() { "valid".to_string() } else { String::from_utf8_lossy(&out.stderr).into_owned() }
        ),
        Err(_) => println!("  schema validation skipped: no xmllint"),
    }
    let _ = std::fs::remove_file(&file);
    for s in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", path.display()));
    }
}
