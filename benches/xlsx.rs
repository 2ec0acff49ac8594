//! XLSX renderer benchmark: `cargo bench --bench xlsx [-- demo|synthetic]`.
//!
//! Cases (documents from `tests/xlsx/documents.rs`):
//! - `demo`: the demo quarterly report (5 tables, 5 to 24 rows each, a chart);
//! - `synthetic`: 1 000 indicator rows and 10 000 budget lines (500 subtotals, a grand total).
//!
//! Each case renders once to warm up, then `XLSX_BENCH_RUNS` times (default 50 for the demo,
//! 10 for the synthetic document); the median, minimum and maximum are printed.
//!
//! The Python peer (`benches/peers/xlsx_peer.py`, XlsxWriter) writes the same synthetic workbook
//! in the same run when `XLSX_PEER_PYTHON` names a Python with `xlsxwriter` installed; the ratio
//! of the medians is printed. `XLSX_BENCH_OUT=dir` saves each workbook for a look in Excel.
//!
//! Peak memory: run the bench binary on one case with one run under `/usr/bin/time -v`, e.g.
//! `XLSX_BENCH_RUNS=1 /usr/bin/time -v target/release/deps/xlsx-<hash> synthetic`.

#[path = "../tests/xlsx/documents.rs"]
mod documents;

use std::process::Command;
use std::time::{Duration, Instant};

use rbm::reports::document::Document;
use rbm::reports::xlsx::render;

struct Measured {
    median: Duration,
    min: Duration,
    max: Duration,
    bytes: usize,
}

fn measure(doc: &Document, runs: usize) -> Measured {
    let bytes = render(doc).expect("renders").len();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let out = render(doc).expect("renders");
            let elapsed = start.elapsed();
            std::hint::black_box(out);
            elapsed
        })
        .collect();
    times.sort_unstable();
    Measured { median: times[times.len() / 2], min: times[0], max: times[times.len() - 1], bytes }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn runs(default: usize) -> usize {
    std::env::var("XLSX_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).filter(|r| *r > 0).unwrap_or(default)
}

/// Runs the Python peer on the synthetic workbook; its median in ms.
fn peer(python: &str, indicators: usize, budget_lines: usize, runs: usize) -> Option<f64> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers/xlsx_peer.py");
    let mut command = Command::new(python);
    command.args([script, "--indicators", &indicators.to_string(), "--budget-lines", &budget_lines.to_string()]);
    command.args(["--runs", &runs.to_string()]);
    if let Ok(dir) = std::env::var("XLSX_BENCH_OUT") {
        command.args(["--out", &format!("{dir}/synthetic-python.xlsx")]);
    }
    let output = command.output().map_err(|e| eprintln!("peer: {python}: {e}")).ok()?;
    if !output.status.success() {
        eprintln!("peer failed: {}", String::from_utf8_lossy(&output.stderr));
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    stdout.lines().find_map(|l| l.split("median_ms=").nth(1)).and_then(|v| v.split_whitespace().next()?.parse().ok())
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument selects cases by name.
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let wanted = |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
    let (indicators, budget_lines) = (1_000, 10_000);

    if wanted("demo") {
        let doc = documents::demo_quarterly();
        let m = measure(&doc, runs(50));
        save("demo", &doc);
        println!(
            "xlsx demo quarterly report: median {:.2} ms (min {:.2}, max {:.2}) over {} runs, {} bytes",
            ms(m.median),
            ms(m.min),
            ms(m.max),
            runs(50),
            m.bytes
        );
    }
    if wanted("synthetic") {
        let start = Instant::now();
        let doc = documents::synthetic(indicators, budget_lines);
        let built = start.elapsed();
        let m = measure(&doc, runs(10));
        save("synthetic", &doc);
        println!(
            "xlsx synthetic ({indicators} indicators, {budget_lines} budget lines): median {:.1} ms (min {:.1}, max {:.1}) \
             over {} runs, {} bytes (document built in {:.1} ms, not counted)",
            ms(m.median),
            ms(m.min),
            ms(m.max),
            runs(10),
            m.bytes,
            ms(built)
        );
        if let Ok(python) = std::env::var("XLSX_PEER_PYTHON") {
            if let Some(peer_ms) = peer(&python, indicators, budget_lines, runs(10)) {
                println!(
                    "ratio Python XlsxWriter / rust_xlsxwriter (synthetic, medians): {:.1}x ({peer_ms:.1} ms / {:.1} ms)",
                    peer_ms / ms(m.median),
                    ms(m.median)
                );
            }
        } else {
            println!("(set XLSX_PEER_PYTHON to a Python with xlsxwriter to measure the peer)");
        }
    }
}

fn save(name: &str, doc: &Document) {
    if let Ok(dir) = std::env::var("XLSX_BENCH_OUT") {
        std::fs::create_dir_all(&dir).expect("output directory");
        std::fs::write(format!("{dir}/{name}.xlsx"), render(doc).expect("renders")).expect("written");
    }
}
