//! The README's walkthrough ("Your first quarter") run as written: every shell block marked
//! `<!-- walkthrough -->` is extracted in order and run by bash against a server on a fresh demo
//! database, so the README cannot drift from the code. The data it leaves is then checked
//! through the API.

use crate::helpers::{Backend, TestApp};

/// The marked `sh` blocks of the README, in order.
fn walkthrough_blocks(readme: &str) -> Vec<String> {
    let mut blocks = vec![];
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "<!-- walkthrough -->" {
            continue;
        }
        assert_eq!(lines.next().map(str::trim), Some("```sh"), "a walkthrough marker stands right above a ```sh block");
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        blocks.push(block.join("\n"));
    }
    blocks
}

async fn the_readme_walkthrough_runs_as_written(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks = walkthrough_blocks(&readme);
    assert!(blocks.len() >= 5, "the walkthrough has its blocks: {}", blocks.len());
    let dir = std::env::temp_dir().join(format!("rbm_readme_{}_{}", std::process::id(), crate::settings::free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    // Each block must succeed: bash stops at the first failing command (curl -f fails on 4xx/5xx).
    let script = format!("set -euo pipefail\n{}\n", blocks.join("\n"));
    // Off the test's runtime, which also drives the server.
    let (address, cwd) = (app.address.clone(), dir.clone());
    let out = actix_rt::task::spawn_blocking(move || {
        std::process::Command::new("bash").arg("-c").arg(&script).env("RBM", address).current_dir(cwd).output()
    })
    .await
    .unwrap()
    .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the walkthrough failed:\n{stdout}\n{stderr}");

    // What the README says the reader sees.
    assert!(stdout.contains("422\n"), "the split that does not add up is refused: {stdout}");
    assert!(stdout.contains(r#""field":"disaggregations.sex""#), "the refusal names the field: {stdout}");
    assert!(stdout.contains(r#""period":"2026-Q2","value":260,"status":"draft""#), "{stdout}");
    assert!(stdout.contains(r#"["approved"]"#), "{stdout}");
    assert!(stdout.contains(r#""actual_period":260"#), "the progress counts the approved actual: {stdout}");
    assert!(stdout.contains("sha256 matches"), "{stdout}");
    let pdf = std::fs::read(dir.join("UZB-PSD-2026-Q2.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "the donor downloaded a PDF");

    // And the data behind it, through the API.
    let (_, actuals) = app.get("/api/v1/projects/UZB-PSD/actuals?period=2026-Q2").await;
    let op2: Vec<_> = actuals.as_array().unwrap().iter().filter(|a| a["value"].as_f64() == Some(260.0)).collect();
    assert_eq!(op2.len(), 1, "one actual stored (the refused one left nothing): {actuals}");
    assert_eq!(op2[0]["status"], "approved");
    let (_, reports) = app.get("/api/v1/projects/UZB-PSD/reports").await;
    let issued: Vec<_> = reports.as_array().unwrap().iter().filter(|r| r["issued_at"].is_string()).collect();
    assert_eq!(issued.len(), 1, "{reports}");
    let _ = std::fs::remove_dir_all(&dir);
}

crate::on_both_backends!(the_readme_walkthrough_runs_as_written);
