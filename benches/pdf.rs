//! PDF rendering benchmark: `cargo bench --bench pdf`.
//!
//! Renders the demo quarterly report (about ten pages) and the large synthetic document
//! (a 1 000-row indicator table and a 10 000-line budget table) several times each and
//! prints the median, fastest and slowest time in ms, the size and the page count.
//! `RBM_BENCH_RUNS` sets the number of runs; `RBM_BENCH_ONLY=demo|synthetic` runs one case
//! (for measuring its peak memory); `RBM_PDF_OUT=dir` also writes the PDFs there.

#[path = "../tests/pdf_docs/mod.rs"]
mod pdf_docs;

use std::time::Instant;

use rbm::reports::document::Document;
use rbm::reports::pdf::render;

fn bench(name: &str, doc: &Document, runs: usize) {
    let first = Instant::now();
    let bytes = render(doc).expect("render");
    let first_ms = first.elapsed().as_secs_f64() * 1e3;
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let out = render(doc).expect("render");
            let ms = t.elapsed().as_secs_f64() * 1e3;
            std::hint::black_box(out);
            ms
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    // Page objects ("/Type/Page", not the "/Type/Pages" tree); objects are not compressed.
    let pages = bytes.windows(11).filter(|w| &w[..10] == b"/Type/Page" && w[10] != b's').count();
    println!(
        "{name:<10} median {median:>8.2} ms  min {:>8.2} ms  max {:>8.2} ms  (first run {first_ms:.2} ms, {runs} runs)  \
         {:>8.1} KB  {pages} pages",
        times[0],
        times[times.len() - 1],
        bytes.len() as f64 / 1024.0,
    );
    if let Ok(dir) = std::env::var("RBM_PDF_OUT") {
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.pdf")), &bytes).expect("write the PDF");
    }
}

fn main() {
    let runs: usize = std::env::var("RBM_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(0);
    let only = std::env::var("RBM_BENCH_ONLY").unwrap_or_default();
    if only.is_empty() || only == "demo" {
        bench("demo", &pdf_docs::demo_quarterly(), if runs > 0 { runs } else { 51 });
    }
    if only.is_empty() || only == "synthetic" {
        bench("synthetic", &pdf_docs::synthetic(1_000, 10_000), if runs > 0 { runs } else { 7 });
    }
}
