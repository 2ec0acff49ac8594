//! The UNDP reports read back as a programme analyst reads them: the quarterly progress report
//! (approved budgets only, delivery for the quarter, the year to date and since the start, the
//! delivery chart, values in words, the issue log, the certification block, the change log),
//! the Combined Delivery Report (every total the sum of its lines and the finance API's, quarter
//! by quarter) and the IPTT (the peer systems' columns, disaggregation shares), in English and
//! Russian. Figures come out of the PDF and XLSX files and are compared with the API's.

use crate::helpers::{Backend, TestApp};
use crate::xlsx_reader::{Book, Sheet, decimal_units};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Generates a report as `token` and downloads it.
async fn report(app: &TestApp, token: &str, project: &str, body: Value) -> Vec<u8> {
    let path = format!("/api/v1/projects/{project}/reports");
    let (status, meta) = app.request_as(Some(token), "POST", &path, Some(&body.to_string())).await;
    assert_eq!(status, 201, "{body}: {meta}");
    let mut res = app
        .client
        .get(format!("{}/api/v1/reports/{}/file", app.address, meta["id"]))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.body().limit(64 * 1024 * 1024).await.unwrap().to_vec()
}

fn pdf_text(bytes: &[u8]) -> String {
    crate::pdf_reader::all_text(&crate::pdf_reader::read_pdf(bytes))
}

/// The sheet's cells by row, then column letters.
fn rows(sheet: &Sheet) -> BTreeMap<u32, BTreeMap<String, String>> {
    let mut out: BTreeMap<u32, BTreeMap<String, String>> = BTreeMap::new();
    for (r, c) in &sheet.cells {
        let split = r.find(|ch: char| ch.is_ascii_digit()).unwrap();
        let (col, row) = r.split_at(split);
        out.entry(row.parse().unwrap()).or_default().insert(col.to_string(), c.text().to_string());
    }
    out
}

/// Rows whose column A starts with `prefix`.
fn rows_starting<'a>(
    all: &'a BTreeMap<u32, BTreeMap<String, String>>,
    prefix: &str,
) -> Vec<(u32, &'a BTreeMap<String, String>)> {
    all.iter().filter(|(_, r)| r.get("A").is_some_and(|a| a.starts_with(prefix))).map(|(n, r)| (*n, r)).collect()
}

fn cents(row: &BTreeMap<String, String>, col: &str) -> i64 {
    row.get(col).map_or(0, |t| decimal_units(t, 2) as i64)
}

/// A finance summary of the API.
async fn summary(app: &TestApp, project: &str, period: &str) -> Value {
    let (status, s) = app.get(&format!("/api/v1/projects/{project}/finance/summary?period={period}")).await;
    assert_eq!(status, 200, "{s}");
    s
}

/// (budget, expenditure) of one key of a summary's view (0 when the view has no such row).
fn of(summary: &Value, view: &str, key: &str) -> (i64, i64) {
    summary[view]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .map_or((0, 0), |r| (r["budget_minor"].as_i64().unwrap(), r["expenditure_minor"].as_i64().unwrap()))
}

fn money(minor: i64) -> String {
    rbm::domain::money::Money::new(minor, "USD").to_string()
}

async fn the_quarterly_report_counts_approved_plans_only(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    // UZB-PSD: the 2025 plan is approved, the 2026 plan a draft. The finance API's life of
    // project counts the draft (a year without an approved plan shows its draft); a report
    // never takes a draft for a budget.
    let (_, plans) = app.get("/api/v1/projects/UZB-PSD/work-plans").await;
    let draft = plans.as_array().unwrap().iter().find(|p| p["status"] == "draft").unwrap().clone();
    let approved: i64 = plans
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "approved")
        .map(|p| p["total_minor"].as_i64().unwrap())
        .sum();
    let lop = summary(&app, "UZB-PSD", "LOP").await;
    let lop_budget = lop["total"]["budget_minor"].as_i64().unwrap();
    assert_eq!(lop_budget, approved + draft["total_minor"].as_i64().unwrap(), "the API's LOP includes the draft");

    let body = json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "xlsx"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "UZB-PSD", body).await);
    let award = rows(book.sheet("Award"));
    let (_, project) = app.get("/api/v1/projects/UZB-PSD").await;
    assert_eq!(rows_starting(&award, "Award ID")[0].1["B"], project["award_id"].as_str().unwrap());
    let line = rows_starting(&award, "Approved annual work plans")[0].1;
    assert_eq!(cents(line, "B"), approved, "the report's budget is the approved plans'");
    let pdf = pdf_text(
        &report(&app, &manager, "UZB-PSD", json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "pdf"}))
            .await,
    );
    assert!(pdf.contains(&format!("Approved annual work plans (all years) {}", money(approved))), "{pdf}");
    assert!(!pdf.contains(&money(lop_budget)), "the draft's total is nowhere a budget");
    assert!(pdf.contains("not a budget until the Project Board approves it"), "the draft is named as a draft");

    // Once the Board approves the 2026 plan, it is a budget.
    let (status, p) = app
        .post(
            &format!("/api/v1/work-plans/{}/approve", draft["id"]),
            &json!({"approved_on": "2025-12-12", "version": draft["version"]}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    let body = json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "xlsx"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "UZB-PSD", body).await);
    let award = rows(book.sheet("Award"));
    assert_eq!(cents(rows_starting(&award, "Approved annual work plans")[0].1, "B"), lop_budget);

    // The award: each donor's contribution in USD at the rate of the period's end, as the
    // finance API converts it, and their total.
    let at_end = summary(&app, "UZB-PSD", "2025-Q3").await;
    let donors = rows(book.sheet("Donors"));
    let mut total = 0;
    for c in at_end["contributions"].as_array().unwrap() {
        let code = c["source_code"].as_str().unwrap();
        let row = donors.values().find(|r| r.get("A").is_some_and(|a| a.ends_with(&format!("({code})")))).unwrap();
        assert_eq!(cents(row, "D"), c["committed_ledger_minor"].as_i64().unwrap(), "{code}");
        total += c["committed_ledger_minor"].as_i64().unwrap();
    }
    assert_eq!(cents(rows_starting(&donors, "Total")[0].1, "D"), total);
    assert_eq!(cents(rows_starting(&award, "Total award budget")[0].1, "B"), total);
}

async fn delivery_for_the_quarter_the_year_and_since_the_start_is_the_finance_apis(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    // KAZ-HUB 2014-Q2: both years' plans are approved and spent on.
    let body = json!({"template": "undp-quarterly", "period": "2014-Q2", "format": "xlsx"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "KAZ-HUB", body).await);
    let award = rows(book.sheet("Award"));
    assert_eq!(rows_starting(&award, "Award ID")[0].1["B"], "not recorded", "the project document leaves it blank");
    let (quarter, year, q1, y2013) = (
        summary(&app, "KAZ-HUB", "2014-Q2").await,
        summary(&app, "KAZ-HUB", "2014").await,
        summary(&app, "KAZ-HUB", "2014-Q1").await,
        summary(&app, "KAZ-HUB", "2013").await,
    );
    for (sheet, view) in [
        ("Finance by output", "by_output"),
        ("Finance by activity", "by_activity"),
        ("Finance by source", "by_funding_source"),
        ("Finance by account", "by_account"),
    ] {
        let all = rows(book.sheet(sheet));
        let header = *all.iter().find(|(_, r)| r.get("B").is_some_and(|b| b == "Budget")).unwrap().0;
        let total_row = rows_starting(&all, "Total")[0].0;
        let lines: Vec<&BTreeMap<String, String>> = all.range(header + 1..total_row).map(|(_, r)| r).collect();
        assert!(!lines.is_empty(), "{sheet}");
        // Columns: B-D the quarter, E-G the year to date against the 2014 AWP, H-J since the start.
        let mut sums = [0i64; 6];
        for r in &lines {
            let label = &r["A"];
            let key = if label.starts_with("Plan-level lines") { "-" } else { label.split(' ').next().unwrap() };
            let (qb, qe) = of(&quarter, view, key);
            let (awp, _) = of(&year, view, key);
            let ytd = of(&q1, view, key).1 + qe;
            let (b13, e13) = of(&y2013, view, key);
            let expected = [qb, qe, awp, ytd, b13 + awp, e13 + ytd];
            let got = [cents(r, "B"), cents(r, "C"), cents(r, "E"), cents(r, "F"), cents(r, "H"), cents(r, "I")];
            assert_eq!(got, expected, "{sheet} {label}");
            for (s, g) in sums.iter_mut().zip(got) {
                *s += g;
            }
        }
        let t = &all[&total_row];
        let totals = [cents(t, "B"), cents(t, "C"), cents(t, "E"), cents(t, "F"), cents(t, "H"), cents(t, "I")];
        assert_eq!(totals, sums, "{sheet}: the totals are the sums of the lines");
    }
    // The totals are the API's: the quarter, the year to date (Q1 + Q2 of the approved 2014 AWP),
    // cumulative (2013 and 2014).
    let t = rows(book.sheet("Finance by output"));
    let t = rows_starting(&t, "Total")[0].1;
    let api = |s: &Value, k: &str| s["total"][k].as_i64().unwrap();
    assert_eq!(cents(t, "C"), api(&quarter, "expenditure_minor"));
    assert_eq!(cents(t, "E"), api(&year, "budget_minor"));
    assert_eq!(cents(t, "F"), api(&q1, "expenditure_minor") + api(&quarter, "expenditure_minor"));
    assert_eq!(cents(t, "H"), api(&y2013, "budget_minor") + api(&year, "budget_minor"));
    assert_eq!(
        cents(t, "I"),
        api(&y2013, "expenditure_minor") + api(&q1, "expenditure_minor") + api(&quarter, "expenditure_minor")
    );
    // Delivery: expenditure / budget, rounded to basis points as the finance API does.
    let delivery = t["G"].parse::<f64>().unwrap();
    let bp = (10_000.0 * cents(t, "F") as f64 / cents(t, "E") as f64).round();
    assert!((delivery - bp / 10_000.0).abs() < 1e-9, "{delivery} vs {bp} bp");
}

async fn a_zero_percent_output_stays_in_the_delivery_chart(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let (year, q1, q2, q3) = (
        summary(&app, "UZB-PSD", "2025").await,
        summary(&app, "UZB-PSD", "2025-Q1").await,
        summary(&app, "UZB-PSD", "2025-Q2").await,
        summary(&app, "UZB-PSD", "2025-Q3").await,
    );
    // Every output the 2025 AWP budgets, with its delivery for the year to date.
    let expected: Vec<(String, f64)> = year["by_output"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["budget_minor"].as_i64().unwrap() > 0)
        .map(|r| {
            let key = r["key"].as_str().unwrap();
            let spent: i64 = [&q1, &q2, &q3].iter().map(|s| of(s, "by_output", key).1).sum();
            let bp = (10_000.0 * spent as f64 / r["budget_minor"].as_i64().unwrap() as f64).round();
            (if key == "-" { "Plan-level lines (GMS, ...)".to_string() } else { key.to_string() }, bp / 100.0)
        })
        .collect();
    assert!(expected.iter().any(|(k, v)| k == "1.1.4" && *v == 0.0), "the demo has a 0 % output: {expected:?}");
    let pdf = pdf_text(
        &report(&app, &manager, "UZB-PSD", json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "pdf"}))
            .await,
    );
    let chart = pdf.split("Delivery by output, year to date").nth(1).unwrap();
    let chart = chart.split("Budget and delivery by output").next().unwrap();
    for (label, value) in &expected {
        assert!(chart.contains(&format!("{label} ")), "{label} missing from the chart: {chart}");
        assert!(chart.contains(&format!("{value:.1} %")), "{label}: {value:.1} % missing: {chart}");
    }
    assert!(chart.contains("1.1.4 "));
}

async fn values_are_written_for_people(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let body = json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "pdf"});
    let pdf = pdf_text(&report(&app, &coordinator, "UZB-PSD", body).await);
    // OP4 is a yes/no milestone with baseline 0: "No", not 0.0.
    let op4 = pdf.split("OP4: ").nth(1).unwrap();
    assert!(op4.starts_with("E-learning hub transferred to the Public Service Agency yes/no No"), "{op4}");
    // Statuses in words, never codes.
    for code in ["on_track", "needs_attention", "off_track", "no_data", "not_started", "in_progress", "yes_no"] {
        assert!(!pdf.replace("yes/no", "").contains(code), "{code} printed as a code");
    }
    assert!(pdf.contains("On track") && pdf.contains("Needs attention") && pdf.contains("Delayed"));
    assert!(pdf.contains("Regulatory") && pdf.contains("Substantial"), "risk categories and levels in words");
    // The unit has its own column: the title carries it once, never twice.
    assert!(pdf.contains("OC1: Average waiting time for a public service at pilot PSCs (minutes) minutes"), "{pdf}");
    assert!(!pdf.contains("(minutes) (minutes)"));
    // The issue log beside the risk log: I3 (raised 12 Aug 2025, in progress) is open in the
    // quarter; I1 and I2 were closed before it, I4 raised after it.
    let issues = pdf.split("Issue log").nth(1).unwrap();
    assert!(issues.contains("I3 Issue or concern 12 Aug 2025"), "{issues}");
    assert!(issues.contains("High") && issues.contains("In progress"));
    for other in ["I1 ", "I2 ", "I4 "] {
        assert!(!issues.contains(other), "{other}");
    }
}

async fn the_certification_block_names_who_prepares_and_who_approves(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let name_of = |users: &Value, email: &str| {
        users.as_array().unwrap().iter().find(|u| u["email"] == email).unwrap()["name"].as_str().unwrap().to_string()
    };
    let (_, users) = app.get("/api/v1/users").await;
    let (_, members) = app.get("/api/v1/projects/UZB-PSD/members").await;
    let managers: Vec<String> = members
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "manager")
        .map(|m| name_of(&users, m["email"].as_str().unwrap()))
        .collect();
    assert!(!managers.is_empty());
    let prepared = name_of(&users, "coordinator@rbm.example");
    let today = rbm::reports::document::format(&rbm::reports::document::Value::Date(chrono::Utc::now().date_naive()));
    for template in ["undp-quarterly", "undp-cdr"] {
        let body = json!({"template": template, "period": "2025-Q3", "format": "pdf"});
        let pdf = pdf_text(&report(&app, &coordinator, "UZB-PSD", body).await);
        let block = pdf.rsplit("Certification").next().unwrap();
        assert!(
            block.contains(&format!("Prepared by {prepared} (coordinator@rbm.example) Project coordinator {today}")),
            "{template}: {block}"
        );
        for m in &managers {
            assert!(block.contains(&format!("{m} (manager@rbm.example) Project manager")), "{template}: {block}");
        }
        assert!(block.contains("Signature") && block.contains("____"), "{template}: a line to sign on");
        if template == "undp-cdr" {
            assert!(
                block.contains("Ministry of Justice of the Republic of Uzbekistan"),
                "the implementing partner signs"
            );
            assert!(block.contains("UNDP"));
        } else {
            assert!(block.contains("Approved by"));
        }
    }
}

async fn an_empty_change_log_says_so(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    // A project running today: what is done to it now is in this quarter's change log.
    let mut body = crate::helpers::project_body("UZB-NOW");
    body["start_date"] = json!("2024-01-01");
    body["end_date"] = json!("2035-12-31");
    let (status, p) = app.post("/api/v1/projects", &body).await;
    assert_eq!(status, 201, "{p}");
    let (status, r) = app
        .post("/api/v1/projects/UZB-NOW/results", &json!({"level": "outcome", "code": "1", "title": "Faster services"}))
        .await;
    assert_eq!(status, 201, "{r}");
    let now = chrono::Utc::now().date_naive();
    let this_quarter = rbm::domain::period::Quarter::of(now).to_string();
    let admin = app.admin_token.clone();
    let pdf = pdf_text(
        &report(
            &app,
            &admin,
            "UZB-NOW",
            json!({"template": "undp-quarterly", "period": this_quarter, "format": "pdf"}),
        )
        .await,
    );
    let log = pdf.split("Annex: change log").nth(1).unwrap();
    assert!(log.contains("Created") && log.contains("Result") && log.contains("admin@test.example"), "{log}");
    assert!(!log.contains("No changes recorded"));
    let pdf = pdf_text(
        &report(&app, &admin, "UZB-NOW", json!({"template": "undp-quarterly", "period": "2024-Q1", "format": "pdf"}))
            .await,
    );
    let log = pdf.split("Annex: change log").nth(1).unwrap();
    assert!(log.contains("No changes recorded in the period."), "{log}");
    assert!(!log.contains("Who"), "no empty table: {log}");
}

/// Checks a CDR workbook against the finance API: for each output sheet, every activity subtotal
/// and the output total are the sums of their lines and the API's by_activity / by_output, per
/// column (the sum of the API's summaries of the column's periods) and in total; the fund and
/// grand totals likewise.
async fn check_cdr(app: &TestApp, book: &Book, project: &str, columns: &[Vec<&str>]) {
    let mut per_col: Vec<Vec<Value>> = vec![];
    for periods in columns {
        let mut s = vec![];
        for p in periods {
            s.push(summary(app, project, p).await);
        }
        per_col.push(s);
    }
    let n = columns.len();
    let quarters = columns;
    let cols: Vec<String> = (0..n).map(|i| ((b'D' + i as u8) as char).to_string()).collect();
    let total_col = ((b'D' + n as u8) as char).to_string();
    let expenditure = |view: &str, key: &str| -> Vec<i64> {
        per_col.iter().map(|ss| ss.iter().map(|s| of(s, view, key).1).sum()).collect()
    };
    let amounts = |r: &BTreeMap<String, String>| -> Vec<i64> { cols.iter().map(|c| cents(r, c)).collect() };
    let mut outputs_seen = 0;
    let mut grand = vec![0i64; quarters.len()];
    for sheet in book.sheets.iter().filter(|s| s.name.starts_with("Output ") || s.name == "Plan-level lines") {
        outputs_seen += 1;
        let all = rows(sheet);
        let output = sheet.name.strip_prefix("Output ").unwrap_or("-");
        let mut activity: Option<String> = None;
        let (mut act_sum, mut out_sum) = (vec![0i64; quarters.len()], vec![0i64; quarters.len()]);
        let mut closed = false;
        for r in all.values() {
            let a = r.get("A").map(String::as_str).unwrap_or_default();
            if a.starts_with("Activity ") || a.starts_with("Lines outside any activity") {
                activity = Some(match a.strip_prefix("Activity ") {
                    Some(rest) => rest.split(':').next().unwrap().into(),
                    None => "-".into(),
                });
                act_sum = vec![0; quarters.len()];
            } else if a.starts_with("Total activity") || a == "Total plan-level lines" && activity.is_some() && !closed
            {
                let key = activity.take().unwrap();
                assert_eq!(amounts(r), act_sum, "{project} {}: activity {key} is the sum of its lines", sheet.name);
                assert_eq!(amounts(r), expenditure("by_activity", &key), "{project}: activity {key} is the API's");
                assert_eq!(
                    cents(r, &total_col),
                    act_sum.iter().sum::<i64>(),
                    "{key}: the total is the sum of the quarters"
                );
            } else if a.starts_with("Total output") || a == "Total plan-level lines" {
                assert_eq!(amounts(r), out_sum, "{project}: output {output} is the sum of its lines");
                assert_eq!(amounts(r), expenditure("by_output", output), "{project}: output {output} is the API's");
                assert_eq!(cents(r, &total_col), out_sum.iter().sum::<i64>());
                for (g, v) in grand.iter_mut().zip(&out_sum) {
                    *g += v;
                }
                closed = true;
            } else if activity.is_some() && r.contains_key(&total_col) {
                let line = amounts(r);
                assert_eq!(cents(r, &total_col), line.iter().sum::<i64>(), "a line's total is its quarters'");
                for i in 0..quarters.len() {
                    act_sum[i] += line[i];
                    out_sum[i] += line[i];
                }
            }
        }
        assert!(closed, "{}: no output total", sheet.name);
    }
    assert!(outputs_seen > 0, "{:?}", book.names());
    let api_total: Vec<i64> =
        per_col.iter().map(|ss| ss.iter().map(|s| s["total"]["expenditure_minor"].as_i64().unwrap()).sum()).collect();
    assert_eq!(grand, api_total, "{project}: the outputs add up to the finance API's total, quarter by quarter");
    // Totals per fund: the API's by funding source, and the grand total (one label column: the
    // quarters from B).
    let cols: Vec<String> = (0..n).map(|i| ((b'B' + i as u8) as char).to_string()).collect();
    let total_col = ((b'B' + n as u8) as char).to_string();
    let amounts = |r: &BTreeMap<String, String>| -> Vec<i64> { cols.iter().map(|c| cents(r, c)).collect() };
    let funds = rows(book.sheet("CDR by fund"));
    let mut sum = vec![0i64; quarters.len()];
    for r in funds.values() {
        let a = r.get("A").map(String::as_str).unwrap_or_default();
        if a == "Grand total" {
            assert_eq!(amounts(r), api_total, "{project}: grand total");
            assert_eq!(amounts(r), sum, "{project}: the grand total is the sum of the funds");
            assert_eq!(cents(r, &total_col), api_total.iter().sum::<i64>());
        } else if r.contains_key(&total_col) && a != "Fund" && !a.is_empty() {
            let code = a.split(' ').next().unwrap();
            assert_eq!(amounts(r), expenditure("by_funding_source", code), "{project}: fund {code}");
            for (s, v) in sum.iter_mut().zip(amounts(r)) {
                *s += v;
            }
        }
    }
    assert_eq!(sum, api_total);
}

async fn the_cdr_reconciles_with_the_finance_views(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let q = |p: &'static str| vec![p];
    let year = [q("2013-Q1"), q("2013-Q2"), q("2013-Q3"), q("2013-Q4")];
    let body = json!({"template": "undp-cdr", "period": "2013", "format": "xlsx"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "KAZ-HUB", body).await);
    check_cdr(&app, &book, "KAZ-HUB", &year).await;
    let header = rows(book.sheet("CDR by fund"));
    let labels: Vec<&String> =
        header.values().find(|r| r.get("A").is_some_and(|a| a == "Fund")).unwrap().values().collect();
    assert_eq!(labels, ["Fund", "Q1", "Q2", "Q3", "Q4", "Total"]);

    // A quarter runs from 1 January: Q1..Q3 and the year to date.
    let body = json!({"template": "undp-cdr", "period": "2013-Q3", "format": "xlsx"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "KAZ-HUB", body).await);
    check_cdr(&app, &book, "KAZ-HUB", &year[..3]).await;
    let header = rows(book.sheet("CDR by fund"));
    let labels: Vec<&String> =
        header.values().find(|r| r.get("A").is_some_and(|a| a == "Fund")).unwrap().values().collect();
    assert_eq!(labels, ["Fund", "Q1", "Q2", "Q3", "Total, year to date"]);
    // UZB-PSD 2025 (EU and UNDP funds, one implementing agent per activity).
    let body = json!({"template": "undp-cdr", "period": "2025", "format": "xlsx"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "UZB-PSD", body).await);
    check_cdr(&app, &book, "UZB-PSD", &[q("2025-Q1"), q("2025-Q2"), q("2025-Q3"), q("2025-Q4")]).await;

    // The PDF: the header, the lines with fund, agent and account, the totals as the API has them.
    let body = json!({"template": "undp-cdr", "period": "2013", "format": "pdf"});
    let pdf = pdf_text(&report(&app, &manager, "KAZ-HUB", body).await);
    let y2013 = summary(&app, "KAZ-HUB", "2013").await;
    assert!(pdf.contains("Combined Delivery Report, 2013"), "{pdf}");
    assert!(pdf.contains("Implementing partner Agency for Civil Service Affairs of the Republic of Kazakhstan"));
    assert!(pdf.contains("Period 2013 (01 Jan 2013 to 31 Dec 2013)") && pdf.contains("Currency USD"));
    assert!(pdf.contains("MFA ") && pdf.contains("ACSA, UNDP") && pdf.contains("74200 "), "fund, agent, account");
    let total = y2013["total"]["expenditure_minor"].as_i64().unwrap();
    assert_eq!(money(total), "167,135.65 USD", "the README's worked example");
    assert!(pdf.contains(&money(total)), "{pdf}");
    for fund in y2013["by_funding_source"].as_array().unwrap() {
        assert!(pdf.contains(&money(fund["expenditure_minor"].as_i64().unwrap())), "{fund}");
    }

    // Across years (a cumulative statement): one column per year, each the part of it in the run.
    let body = json!({"template": "undp-cdr", "from": "2013-Q3", "to": "2014-Q2", "format": "xlsx"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "KAZ-HUB", body).await);
    check_cdr(&app, &book, "KAZ-HUB", &[vec!["2013-Q3", "2013-Q4"], vec!["2014-Q1", "2014-Q2"]]).await;
    let header = rows(book.sheet("CDR by fund"));
    let labels: Vec<&String> =
        header.values().find(|r| r.get("A").is_some_and(|a| a == "Fund")).unwrap().values().collect();
    assert_eq!(labels, ["Fund", "2013 (Q3–Q4)", "2014 (Q1–Q2)", "Total"]);
}

async fn the_iptt_has_the_columns_people_know(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let body = json!({"template": "iptt", "period": "2025", "format": "xlsx"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "UZB-PSD", body).await);
    let all = rows(book.sheet("IPTT"));
    let (labels_row, labels) = all.iter().find(|(_, r)| r.get("A").is_some_and(|a| a == "No.")).unwrap();
    let labels: Vec<&str> = labels.values().map(String::as_str).collect();
    assert_eq!(
        labels[..11],
        ["No.", "Indicator", "Level", "Unit", "+/−", "C/NC", "#/%", "Baseline", "Target", "Actual", "% met"]
    );
    assert_eq!(labels.len(), 11 + 4 * 3, "four quarters of target / actual / % met");
    let groups = &all[&(labels_row - 1)];
    assert_eq!(
        (groups["A"].as_str(), groups["I"].as_str(), groups["L"].as_str(), groups["U"].as_str()),
        ("Indicator", "Life of project", "Q1 2025", "Q4 2025")
    );
    let (_, lop) = app.get("/api/v1/projects/UZB-PSD/progress?period=2025").await;
    let (_, q3) = app.get("/api/v1/projects/UZB-PSD/progress?period=2025-Q3").await;
    let (_, since_start) = app.get("/api/v1/projects/UZB-PSD/progress?from=2023-Q1&to=2025-Q4").await;
    let find =
        |v: &Value, code: &str| v["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap().clone();
    let op2 = find(&lop, "OP2");
    let (n, row) = all.iter().find(|(_, r)| r.get("B").is_some_and(|b| b.starts_with("OP2: "))).unwrap();
    let num = |r: &BTreeMap<String, String>, c: &str| r[c].parse::<f64>().unwrap();
    assert_eq!(
        (row["C"].as_str(), row["D"].as_str(), row["E"].as_str(), row["F"].as_str(), row["G"].as_str()),
        ("Output", "persons", "+", "NC", "#")
    );
    assert_eq!(num(row, "H"), 0.0);
    assert_eq!(num(row, "I"), op2["target_lop"].as_f64().unwrap());
    assert_eq!(num(row, "J"), op2["actual_cumulative"].as_f64().unwrap());
    assert!((num(row, "K") - op2["percent_of_lop_target"].as_f64().unwrap() / 100.0).abs() < 1e-9);
    // 2025-Q3: columns R (target), S (actual), T (% met).
    assert_eq!(num(row, "S"), find(&q3, "OP2")["actual_period"].as_f64().unwrap());
    // A level that should go down: C, and "−".
    let oc1 = all.values().find(|r| r.get("B").is_some_and(|b| b.starts_with("OC1: "))).unwrap();
    assert_eq!((oc1["E"].as_str(), oc1["F"].as_str(), oc1["G"].as_str()), ("−", "C", "#"));
    let op4 = all.values().find(|r| r.get("B").is_some_and(|b| b.starts_with("OP4: "))).unwrap();
    assert_eq!((op4["G"].as_str(), op4["H"].as_str()), ("Yes/No", "No"), "a milestone in words");

    // Disaggregation rows under OP2: the life-of-project actual of each category (the progress
    // API since the start) and its share; the 2025-Q3 actual and share.
    let dis = find(&since_start, "OP2")["disaggregation"]["sex"].clone();
    let q3_dis = find(&q3, "OP2")["disaggregation"]["sex"].clone();
    let (women, men) = (dis["women"].as_f64().unwrap(), dis["men"].as_f64().unwrap());
    let (qw, qm) = (q3_dis["women"].as_f64().unwrap(), q3_dis["men"].as_f64().unwrap());
    let under: Vec<&BTreeMap<String, String>> =
        all.range(n + 1..).map(|(_, r)| r).take_while(|r| r.get("A").is_none_or(|a| a.is_empty())).collect();
    let women_row = under.iter().find(|r| r["B"] == "Sex: women").unwrap();
    let men_row = under.iter().find(|r| r["B"] == "Sex: men").unwrap();
    assert_eq!(num(women_row, "J"), women);
    assert_eq!(num(men_row, "J"), men);
    assert!((num(women_row, "K") - women / (women + men)).abs() < 1e-9, "share of the life of project");
    assert!((num(women_row, "K") + num(men_row, "K") - 1.0).abs() < 1e-9, "shares add up to 100 %");
    assert_eq!(num(women_row, "S"), qw);
    assert!((num(women_row, "T") - qw / (qw + qm)).abs() < 1e-9, "share of 2025-Q3");

    // The PDF shows the same columns with the grouped header.
    let body = json!({"template": "iptt", "period": "2025", "format": "pdf"});
    let pdf = pdf_text(&report(&app, &manager, "UZB-PSD", body).await);
    // (Header cells may wrap inside a word in narrow columns: compared without spaces.)
    let packed = pdf.replace(' ', "");
    assert!(packed.contains("IndicatorLifeofprojectQ12025Q22025Q32025Q42025"), "{pdf}");
    assert!(packed.contains("No.IndicatorLevelUnit+/−C/NC#/%BaselineTargetActual%met"), "{pdf}");
    let share = women / (women + men) * 100.0;
    assert!(pdf.contains(&format!("Sex: women {} {share:.1} %", crate::reports::grouped(women))), "{pdf}");
}

async fn the_three_reports_in_russian(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let nb = '\u{a0}';
    let (_, plans) = app.get("/api/v1/projects/UZB-PSD/work-plans").await;
    let approved =
        plans.as_array().unwrap().iter().find(|p| p["status"] == "approved").unwrap()["total_minor"].as_i64().unwrap();
    // `1 234 567,89 USD` with no-break spaces (the PDF reader reads them as spaces).
    let ru_money = |minor: i64| {
        let en = money(minor);
        en.replace(',', "\u{1}").replace('.', ",").replace('\u{1}', &nb.to_string())
    };
    let ru_pdf = |minor: i64| ru_money(minor).replace(nb, " ");

    // The quarterly report: labels, quarters, dates and figures in the text as Russian writes them.
    let body = json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "pdf", "lang": "ru"});
    let pdf = pdf_text(&report(&app, &manager, "UZB-PSD", body).await);
    assert!(pdf.contains("Ежеквартальный отчёт о ходе реализации проекта, 3 кв. 2025 г."), "{pdf}");
    assert!(pdf.contains("3 кв. 2025 г. (с 01.07.2025 по 30.09.2025)"), "{pdf}");
    assert!(pdf.contains(&format!("2025: редакция 1, утверждён 14.02.2025: {}", ru_pdf(approved))), "{pdf}");
    assert!(
        pdf.contains("4. Финансовое исполнение") && pdf.contains("Журнал проблем") && pdf.contains("Удостоверение")
    );
    assert!(pdf.contains("Задерживается") && pdf.contains("Нет"), "words from the catalogue");
    assert!(pdf.contains("За период изменений не зарегистрировано."));
    // The rates in the running text too: `0,852`, not the English `0.852`.
    assert!(pdf.contains("USD/EUR 0,852 (сентябрь 2025)") && !pdf.contains("0.852"), "{pdf}");
    // Typed cells too: money, dates and the page label in the report's language.
    assert!(pdf.contains(&format!("(все годы) {}", ru_pdf(approved))), "{pdf}");
    assert!(pdf.contains("Дата начала 01.01.2023") && pdf.contains("стр. 1 из "), "{pdf}");
    // Typed cells carry the language too (the HTML preview formats them by the catalogue).
    let body = json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "html", "lang": "ru"});
    let html = String::from_utf8(report(&app, &manager, "UZB-PSD", body).await).unwrap();
    assert!(html.contains(&ru_money(approved)), "{}", ru_money(approved));
    assert!(html.contains("01.01.2023") && html.contains("По плану"), "dates and statuses");
    let body = json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "xlsx", "lang": "ru"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "UZB-PSD", body).await);
    for sheet in ["Проект", "Доноры", "Финансы по результатам", "Риски", "Проблемы", "Удостоверение"]
    {
        assert!(book.names().contains(&sheet), "{sheet}: {:?}", book.names());
    }
    let fin = rows(book.sheet("Финансы по результатам"));
    let t = rows_starting(&fin, "Итого")[0].1;
    assert_eq!(cents(t, "E"), approved, "figures stay numbers in any language");

    // The CDR.
    let body = json!({"template": "undp-cdr", "period": "2025-Q3", "format": "pdf", "lang": "ru"});
    let pdf = pdf_text(&report(&app, &manager, "UZB-PSD", body).await);
    assert!(pdf.contains("Сводный отчёт об исполнении (CDR), январь – сентябрь 2025 г."), "{pdf}");
    assert!(pdf.contains("с 01.01.2025 по 30.09.2025") && pdf.contains("Итого по мероприятию 1.1.2.1"), "{pdf}");
    assert!(pdf.contains("Партнёр-исполнитель: Ministry of Justice") && pdf.contains("Подпись"));
    assert!(pdf.contains("стр. 1 из "));
    let body = json!({"template": "undp-cdr", "period": "2025-Q3", "format": "html", "lang": "ru"});
    let html = String::from_utf8(report(&app, &manager, "UZB-PSD", body).await).unwrap();
    let ytd: i64 = [
        summary(&app, "UZB-PSD", "2025-Q1").await,
        summary(&app, "UZB-PSD", "2025-Q2").await,
        summary(&app, "UZB-PSD", "2025-Q3").await,
    ]
    .iter()
    .map(|s| s["total"]["expenditure_minor"].as_i64().unwrap())
    .sum();
    assert!(html.contains(&ru_money(ytd)), "the year to date, {}", ru_money(ytd));
    assert!(pdf.contains(&ru_pdf(ytd)), "the grand total in the PDF: {pdf}");
    let body = json!({"template": "undp-cdr", "period": "2025-Q3", "format": "xlsx", "lang": "ru"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "UZB-PSD", body).await);
    assert!(book.names().contains(&"CDR по фондам") && book.names().contains(&"Результат 1.1.2"), "{:?}", book.names());
    let funds = rows(book.sheet("CDR по фондам"));
    assert_eq!(cents(rows_starting(&funds, "Всего")[0].1, "E"), ytd);

    // The IPTT.
    let body = json!({"template": "iptt", "period": "2025", "format": "pdf", "lang": "ru"});
    let pdf = pdf_text(&report(&app, &manager, "UZB-PSD", body).await);
    assert!(pdf.contains("Таблица отслеживания выполнения индикаторов, 2025 г."), "{pdf}");
    let packed = pdf.replace(' ', "");
    assert!(packed.contains("Весьсрокпроекта1кв.20252кв.20253кв.20254кв.2025"), "{pdf}");
    assert!(packed.contains("№ИндикаторУровеньЕд.изм.+/−Н/НН#/%БазаЦельФакт"), "{pdf}");
    assert!(pdf.contains("Пол: женщины") && pdf.contains("Промежут. результат"), "{pdf}");
    assert!(pdf.contains("3 494") && pdf.contains("стр. 1 из "), "grouped figures, the page label: {pdf}");
    let body = json!({"template": "iptt", "period": "2025", "format": "xlsx", "lang": "ru"});
    let book = crate::xlsx_reader::read(&report(&app, &manager, "UZB-PSD", body).await);
    let all = rows(book.sheet("IPTT"));
    assert!(all.values().any(|r| r.get("B").is_some_and(|b| b == "Пол: мужчины")));
    let body = json!({"template": "iptt", "period": "2025", "format": "html", "lang": "ru"});
    let html = String::from_utf8(report(&app, &manager, "UZB-PSD", body).await).unwrap();
    assert!(html.contains(&format!("3{nb}494")), "thousands grouped with a no-break space");
    let (_, progress) = app.get("/api/v1/projects/UZB-PSD/progress?period=2025").await;
    let op2 = progress["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "OP2").unwrap();
    let ru = rbm::reports::i18n::Catalogue::load(None, "iptt", "ru", &[]).unwrap().locale();
    let met = ru.percent(op2["percent_of_lop_target"].as_f64().unwrap());
    assert!(met.contains(',') && html.contains(&met), "OP2's % met with a decimal comma: {met}");
}

crate::on_both_backends!(
    the_quarterly_report_counts_approved_plans_only,
    delivery_for_the_quarter_the_year_and_since_the_start_is_the_finance_apis,
    a_zero_percent_output_stays_in_the_delivery_chart,
    values_are_written_for_people,
    the_certification_block_names_who_prepares_and_who_approves,
    an_empty_change_log_says_so,
    the_cdr_reconciles_with_the_finance_views,
    the_iptt_has_the_columns_people_know,
    the_three_reports_in_russian,
);
