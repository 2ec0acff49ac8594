//! The EU interim report's financial statement in the EU budget format: headings 1-9 with their
//! subtotals read back out of the PDF and the XLSX, month-by-month conversion computed by hand,
//! the instalments' rate, every missing rate named, the Russian report, the agreement budget
//! API and the upgrade of an existing database.

use crate::helpers::{Backend, TestApp, fields};
use serde_json::{Value, json};

fn i(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

/// Downloads a stored report's bytes.
async fn file(app: &TestApp, id: i64) -> Vec<u8> {
    let mut res = app
        .client
        .get(format!("{}/api/v1/reports/{id}/file", app.address))
        .insert_header(("Authorization", format!("Bearer {}", app.admin_token)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.body().limit(64 * 1024 * 1024).await.unwrap().to_vec()
}

/// Generates a report as the administrator and returns its bytes.
async fn report(app: &TestApp, project: &str, body: Value) -> Vec<u8> {
    let (status, meta) = app.post(&format!("/api/v1/projects/{project}/reports"), &body).await;
    assert_eq!(status, 201, "{body}: {meta}");
    file(app, i(&meta["id"])).await
}

/// The text rows of a PDF: runs on the same baseline of a page, left to right.
fn pdf_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut out = vec![];
    for page in crate::pdf_reader::read_pdf(bytes) {
        let mut runs: Vec<&crate::pdf_reader::Run> = page.runs.iter().filter(|r| !r.rotated).collect();
        runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
        let mut row: Vec<String> = vec![];
        let mut y = f32::NAN;
        for r in runs {
            if (r.y - y).abs() > 0.5 && !row.is_empty() {
                out.push(std::mem::take(&mut row));
            }
            y = r.y;
            row.push(r.text.trim().to_string());
        }
        if !row.is_empty() {
            out.push(row);
        }
    }
    out
}

/// `1,234.56 EUR` (or `1 234,56 EUR`) in minor units.
fn money(text: &str, decimal: char) -> Option<i64> {
    let figure = text.strip_suffix(" EUR")?;
    let digits: String = figure.chars().filter(|c| c.is_ascii_digit() || *c == decimal || *c == '-').collect();
    let (int, frac) = digits.split_once(decimal)?;
    assert_eq!(frac.len(), 2, "{text}");
    Some(format!("{int}{frac}").parse().unwrap())
}

/// One statement row: its label and its money columns (budget, period, cumulative, balance).
#[derive(Debug, Clone)]
struct StatementRow {
    label: String,
    money: Vec<i64>,
}

/// The rows of the financial statement in a PDF (from its header row, whose first column is
/// `header`, to line 9): the lines "1.1 ...", "Subtotal 1. ...", "7. ...", "8. ...", "9. ...",
/// in the order printed, with their figures.
fn statement(bytes: &[u8], header: &str, subtotal: &str, decimal: char) -> Vec<StatementRow> {
    let numbered = |s: &str| {
        let b = s.as_bytes();
        b.len() > 2 && b[0].is_ascii_digit() && (b[1] == b' ' || b[1] == b'.')
    };
    let rows = pdf_rows(bytes);
    let start = rows.iter().position(|r| r[0] == header).unwrap_or_else(|| panic!("no statement header {header}"));
    let end = start + rows[start..].iter().position(|r| r[0].starts_with("9. ")).expect("line 9");
    rows[start..=end]
        .iter()
        .filter(|r| numbered(&r[0]) || r[0].starts_with(subtotal))
        // A heading repeated at the top of the next page is the same heading, not a new one.
        .filter(|r| !r[0].ends_with(" (continued)") && !r[0].ends_with(" (продолжение)"))
        .map(|r| StatementRow {
            label: r[0].clone(),
            money: r.iter().skip(1).filter_map(|t| money(t, decimal)).collect(),
        })
        .filter(|r| r.money.len() == 4 || r.money.is_empty())
        .collect()
}

/// Checks the statement's arithmetic: each subtotal is the sum of its lines, 7 the sum of the
/// subtotals, 8 the rate of 7 (half away from zero, column by column), 9 = 7 + 8, balance =
/// budget - cumulative. Returns rows 7, 8 and 9.
fn check_statement(rows: &[StatementRow], subtotal: &str, rate_bp: i64) -> [Vec<i64>; 3] {
    let groups: Vec<&str> = rows.iter().filter(|r| r.money.is_empty()).map(|r| r.label.as_str()).collect();
    assert_eq!(groups.len(), 6, "six headings, each shown: {groups:?}");
    for (n, g) in groups.iter().enumerate() {
        assert!(g.starts_with(&format!("{}. ", n + 1)), "heading {} in order: {groups:?}", n + 1);
    }
    let mut lines: Vec<Vec<i64>> = vec![];
    let mut subtotals: Vec<Vec<i64>> = vec![];
    let mut totals: Vec<(char, Vec<i64>)> = vec![];
    for r in rows.iter().filter(|r| !r.money.is_empty()) {
        assert_eq!(r.money[0] - r.money[2], r.money[3], "{}: balance = budget - cumulative", r.label);
        if r.label.starts_with(subtotal) {
            let sum: Vec<i64> = (0..4).map(|c| lines.iter().map(|l| l[c]).sum()).collect();
            assert_eq!(r.money, sum, "{}: the subtotal is the sum of its lines {lines:?}", r.label);
            subtotals.push(r.money.clone());
            lines.clear();
        } else if ["7.", "8.", "9."].iter().any(|p| r.label.starts_with(p)) {
            assert!(lines.is_empty(), "every line is under a heading");
            totals.push((r.label.chars().next().unwrap(), r.money.clone()));
        } else {
            assert!(totals.is_empty(), "{}: lines come before 7", r.label);
            lines.push(r.money.clone());
        }
    }
    assert_eq!(subtotals.len(), 6, "a subtotal for each heading");
    assert_eq!(totals.iter().map(|t| t.0).collect::<String>(), "789", "7, 8 and 9 in order");
    let (seven, eight, nine) = (totals[0].1.clone(), totals[1].1.clone(), totals[2].1.clone());
    for c in 0..3 {
        assert_eq!(seven[c], subtotals.iter().map(|s| s[c]).sum::<i64>(), "7 is the sum of 1-6 (column {c})");
        let indirect = (i128::from(seven[c]) * i128::from(rate_bp) * 2 + 10_000) / 20_000; // half up, positive
        assert_eq!(i128::from(eight[c]), indirect, "8 is {rate_bp} bp of 7 (column {c})");
        assert_eq!(nine[c], seven[c] + eight[c], "9 = 7 + 8 (column {c})");
    }
    [seven, eight, nine]
}

async fn demo_statement_follows_the_eu_format_and_the_finance_figures(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let window = json!({"template": "eu-interim", "from": "2025-Q1", "to": "2025-Q3", "format": "pdf"});
    let pdf = report(&app, "UZB-PSD", window.clone()).await;
    let rows = statement(&pdf, "Budget line", "Subtotal", '.');
    let [seven, eight, nine] = check_statement(&rows, "Subtotal", 700);
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    for line in [
        "1.1 Salaries",
        "1.2 Salaries",
        "1.3 Per diems",
        "2.1 International travel",
        "2.2 Local transportation",
        "5.5 Translation",
        "5.7 Costs of conferences",
        "5.8 Visibility actions",
        "6 Other",
    ] {
        assert!(labels.iter().any(|l| l.starts_with(line)), "{line} shown: {labels:?}");
    }
    assert!(labels.contains(&"4. Local office"), "an empty heading is shown: {labels:?}");

    // The budget of the action is the agreement's, as the API keeps it.
    let (_, contributions) = app.get("/api/v1/projects/UZB-PSD/contributions").await;
    let (_, sources) = app.get("/api/v1/funding-sources").await;
    let eu_source = arr(&sources).iter().find(|s| s["code"] == "EU").unwrap()["id"].clone();
    let eu = arr(&contributions).iter().find(|c| c["funding_source_id"] == eu_source).unwrap();
    assert_eq!(eu["conversion_rule"], "monthly_rate");
    let (status, budget) = app.get(&format!("/api/v1/contributions/{}/budget", eu["id"])).await;
    assert_eq!(status, 200, "{budget}");
    assert_eq!(
        (seven[0], eight[0], nine[0]),
        (i(&budget["direct_minor"]), i(&budget["indirect_minor"]), i(&budget["total_minor"]))
    );
    assert_eq!(nine[0], 545_700_000, "EUR 5 457 000.00, the seeded budget of the action");
    let row = |code: &str| rows.iter().find(|r| r.label.starts_with(&format!("{code} "))).unwrap();
    let stored = |line: &str| i(&arr(&budget["lines"]).iter().find(|l| l["eu_line"] == line).unwrap()["amount_minor"]);
    assert_eq!(row("1.1").money[0], stored("1.1"));
    assert_eq!(row("5.7").money[0], stored("5.7"));

    // Expenditure: the finance API's, converted month by month at the stored rates.
    let (_, rates) = app.get("/api/v1/exchange-rates?currency=EUR").await;
    let rate_of = |month: &str| -> i64 {
        i(&arr(&rates).iter().find(|r| r["month"] == month && r["base_currency"] == "USD").unwrap()["rate_micros"])
    };
    let (_, accounts) = app.get("/api/v1/budget-accounts").await;
    let line_of = |account: &str| -> String {
        arr(&accounts).iter().find(|a| a["code"] == account).unwrap()["eu_line"].as_str().unwrap().to_string()
    };
    let (_, spent) = app.get("/api/v1/projects/UZB-PSD/expenditures?limit=1000").await;
    let mut by_grain: std::collections::BTreeMap<(String, i64, String), i64> = Default::default();
    for e in arr(&spent) {
        let (_, l) = app.get(&format!("/api/v1/budget-lines/{}", e["budget_line_id"])).await;
        let month = e["spent_on"].as_str().unwrap()[..7].to_string();
        let key = (line_of(l["account_code"].as_str().unwrap()), i(&l["funding_source_id"]), month);
        *by_grain.entry(key).or_default() += i(&e["ledger_amount_minor"]);
    }
    let mut by_line: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for ((line, _, month), usd) in &by_grain {
        let eur =
            rbm::domain::budget::convert(*usd, "USD", "EUR", rate_of(month), rbm::domain::budget::RateUse::Multiply)
                .unwrap();
        let e = by_line.entry(line.clone()).or_default();
        e.1 += eur;
        if month.as_str() >= "2025-01" {
            e.0 += eur;
        }
    }
    for (line, (period, cumulative)) in &by_line {
        let r = row(line);
        assert_eq!((r.money[1], r.money[2]), (*period, *cumulative), "{line}: the API's expenditure in EUR");
    }
    assert_eq!(seven[2], by_line.values().map(|v| v.1).sum::<i64>());
    // ... and in USD, the finance summary of the same quarters (no GMS booked in the demo).
    let (_, fin) = app.get("/api/v1/projects/UZB-PSD/finance/summary?period=2025").await;
    let usd_q1_q3: i64 =
        arr(&fin["by_quarter"]).iter().filter(|q| q["key"] != "2025-Q4").map(|q| i(&q["expenditure_minor"])).sum();
    assert_eq!(usd_q1_q3, by_grain.values().sum::<i64>());
    let text = crate::pdf_reader::all_text(&crate::pdf_reader::read_pdf(&pdf));
    let usd_total = rbm::domain::money::Money::new(usd_q1_q3, "USD").to_string();
    assert!(text.contains(&usd_total), "the rates table converts the finance API's total, {usd_total}");
    for m in ["March 2025", "May 2025", "September 2025"] {
        assert!(text.contains(m), "the rate of {m} is listed");
    }

    // The XLSX: the same figures, subtotals and 9 as SUM formulas, the rate a number.
    let mut x = window.clone();
    x["format"] = json!("xlsx");
    let book = crate::xlsx_reader::read(&report(&app, "UZB-PSD", x).await);
    let sheet = book.sheet("Financial statement");
    let mut found = 0;
    for r in 1..200u32 {
        let label = sheet.text(&format!("A{r}")).to_string();
        let Some(pdf_row) = rows.iter().find(|x| x.label == label && !x.money.is_empty()) else { continue };
        found += 1;
        let cells: Vec<i64> = ["B", "C", "D", "F"]
            .iter()
            .map(|c| crate::xlsx_reader::decimal_units(sheet.cell(&format!("{c}{r}")).text(), 2) as i64)
            .collect();
        assert_eq!(cells, pdf_row.money, "{label}: XLSX = PDF");
        if label.starts_with("Subtotal") || label.starts_with("9.") {
            let f = sheet.cell(&format!("B{r}")).formula.clone().unwrap_or_default();
            assert!(f.starts_with("SUM("), "{label}: {f}");
        }
    }
    assert_eq!(found, rows.iter().filter(|r| !r.money.is_empty()).count(), "every row is in the workbook");
    let rates_sheet = book.sheet("Exchange rates");
    let sep = rates_sheet.find("September 2025").expect("September's rate listed");
    let row_n: u32 = sep[1..].parse().unwrap();
    let rate = rates_sheet.cell(&format!("C{row_n}"));
    assert_eq!(rate.number(), 0.852, "the rate is a number: {rate:?}");
    assert!(rate.num_format.contains("0.0000"), "shown with four decimals: {rate:?}");
}

/// A project built for the hand computation: EU (EUR 100 000, 7 %) and UNDP, a 2027 plan.
struct Hand {
    eu_contribution: i64,
    eu_source: i64,
    lines: std::collections::HashMap<&'static str, i64>,
}

async fn hand_project(app: &TestApp) -> Hand {
    let created = |(status, v): (u16, Value)| {
        assert_eq!(status, 201, "{v}");
        i(&v["id"])
    };
    let mut p = crate::helpers::project_body("EU-HAND");
    p["start_date"] = json!("2027-01-01");
    p["end_date"] = json!("2028-12-31");
    created(app.post("/api/v1/projects", &p).await);
    let eu_source = created(
        app.post("/api/v1/funding-sources", &json!({"code": "EU", "name": "European Union", "kind": "eu"})).await,
    );
    let undp = created(
        app.post("/api/v1/funding-sources", &json!({"code": "UNDP", "name": "UNDP", "kind": "undp_core"})).await,
    );
    let eu_contribution = created(
        app.post(
            "/api/v1/projects/EU-HAND/contributions",
            &json!({"funding_source_id": eu_source, "amount_minor": 10_000_000, "currency": "EUR",
                "agreement_ref": "ENI/2027/123-456", "indirect_rate_bp": 700}),
        )
        .await,
    );
    created(
        app.post(
            "/api/v1/projects/EU-HAND/contributions",
            &json!({"funding_source_id": undp, "amount_minor": 1_000_000, "currency": "USD", "indirect_rate_bp": 0}),
        )
        .await,
    );
    let (_, c) = app.get(&format!("/api/v1/contributions/{eu_contribution}")).await;
    let budget = json!({"version": c["version"], "lines": [
        {"eu_line": "1.1", "amount_minor": 4_000_000}, {"eu_line": "2.1", "amount_minor": 1_000_000},
        {"eu_line": "5.7", "amount_minor": 3_000_000}, {"eu_line": "6", "amount_minor": 1_500_000}]});
    let (status, b) = app.put(&format!("/api/v1/contributions/{eu_contribution}/budget"), &budget).await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(
        (i(&b["direct_minor"]), i(&b["indirect_minor"]), i(&b["total_minor"])),
        (9_500_000, 665_000, 10_165_000)
    );
    // International travel tickets: an Atlas sub-account an administrator adds with its EU line.
    let travel = json!({"code": "71605", "name": "Travel tickets - international", "eu_heading": 2, "eu_line": "2.1"});
    created(app.post("/api/v1/budget-accounts", &travel).await);
    let plan = created(app.post("/api/v1/projects/EU-HAND/work-plans", &json!({"year": 2027})).await);
    let mut lines = std::collections::HashMap::new();
    for (name, source, account, amount) in [
        ("eu-local", eu_source, "71300", 3_000_000),
        ("eu-travel", eu_source, "71605", 800_000),
        ("eu-conf", eu_source, "75700", 2_000_000),
        ("undp-local", undp, "71300", 500_000),
    ] {
        let body = json!({"funding_source_id": source, "account_code": account, "description": name,
            "amount_minor": amount, "currency": "USD"});
        lines.insert(name, created(app.post(&format!("/api/v1/work-plans/{plan}/lines"), &body).await));
    }
    let (status, v) = app
        .post(&format!("/api/v1/work-plans/{plan}/approve"), &json!({"approved_on": "2027-01-05", "version": 1}))
        .await;
    assert_eq!(status, 200, "{v}");
    Hand { eu_contribution, eu_source, lines }
}

async fn rate(app: &TestApp, month: &str, rate: &str) {
    let body = json!({"base_currency": "USD", "quote_currency": "EUR", "month": month, "rate": rate, "source": "UN operational rate"});
    let (status, v) = app.post("/api/v1/exchange-rates", &body).await;
    assert_eq!(status, 201, "{v}");
}

async fn three_months_at_three_rates_computed_by_hand(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let h = hand_project(&app).await;
    rate(&app, "2027-01", "0.9000").await;
    // Expenditure in January, February and March; February's and March's rates come later.
    for (line, date, amount) in [
        ("eu-local", "2027-01-20", 100_000),  // USD 1 000.00
        ("eu-local", "2027-02-10", 200_000),  // USD 2 000.00
        ("eu-travel", "2027-02-12", 33_333),  // USD 333.33
        ("eu-conf", "2027-03-03", 123_456),   // USD 1 234.56
        ("undp-local", "2027-03-30", 50_000), // USD 500.00
    ] {
        let body = json!({"budget_line_id": h.lines[line], "spent_on": date, "amount_minor": amount, "currency": "USD", "reference": line});
        let (status, v) = app.post("/api/v1/projects/EU-HAND/expenditures", &body).await;
        assert_eq!(status, 201, "{v}");
    }
    // Every missing month is named, and nothing is stored.
    let body = json!({"template": "eu-interim", "period": "2027-Q1", "format": "pdf"});
    let (status, p) = app.post("/api/v1/projects/EU-HAND/reports", &body).await;
    assert_eq!((status, fields(&p)), (422, vec!["exchange_rate".to_string()]), "{p}");
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("USD/EUR") && detail.contains("2027-02, 2027-03"), "{detail}");
    assert!(!detail.contains("2027-01"), "January has its rate: {detail}");
    assert_eq!(app.get("/api/v1/projects/EU-HAND/reports").await.1, json!([]), "nothing stored");
    rate(&app, "2027-02", "0.9500").await;
    rate(&app, "2027-03", "0.8000").await;
    // The EU instalments: EUR 20 000 in January (booked at 0.90: USD 22 222.22) and EUR 10 000 in March (0.80: 12 500.00).
    for (date, amount) in [("2027-01-15", 2_000_000), ("2027-03-10", 1_000_000)] {
        let body = json!({"funding_source_id": h.eu_source, "received_on": date, "amount_minor": amount, "currency": "EUR", "reference": format!("EU instalment {date}")});
        let (status, v) = app.post("/api/v1/projects/EU-HAND/receipts", &body).await;
        assert_eq!(status, 201, "{v}");
    }

    // By hand, each month at its own rate:
    //   1.1  EU  January   1 000.00 x 0.90 =   900.00
    //        EU  February  2 000.00 x 0.95 = 1 900.00
    //        UNDP March      500.00 x 0.80 =   400.00   -> 3 200.00
    //   2.1  EU  February    333.33 x 0.95 =   316.6635 -> 316.66
    //   5.7  EU  March     1 234.56 x 0.80 =   987.648  -> 987.65
    //   7 = 4 504.31; 8 = 7 % of 7 = 315.3017 -> 315.30; 9 = 4 819.61.
    // (At March's rate for the whole quarter, 1.1 would be 3 500.00 x 0.80 = 2 800.00.)
    let pdf = report(&app, "EU-HAND", body.clone()).await;
    let rows = statement(&pdf, "Budget line", "Subtotal", '.');
    let [seven, eight, nine] = check_statement(&rows, "Subtotal", 700);
    let line = |code: &str| rows.iter().find(|r| r.label.starts_with(&format!("{code} "))).unwrap().money.clone();
    assert_eq!(line("1.1"), vec![4_000_000, 320_000, 320_000, 3_680_000]);
    assert_eq!(line("2.1"), vec![1_000_000, 31_666, 31_666, 968_334]);
    assert_eq!(line("5.7"), vec![3_000_000, 98_765, 98_765, 2_901_235]);
    assert_eq!(line("6"), vec![1_500_000, 0, 0, 1_500_000]);
    assert_eq!(seven, vec![9_500_000, 450_431, 450_431, 9_049_569]);
    assert_eq!(eight, vec![665_000, 31_530, 31_530, 633_470]);
    assert_eq!(nine, vec![10_165_000, 481_961, 481_961, 9_683_039]);
    let text = crate::pdf_reader::all_text(&crate::pdf_reader::read_pdf(&pdf));
    for listed in ["January 2027 0.9000", "February 2027 0.9500", "March 2027 0.8000"] {
        assert!(text.contains(listed), "rate {listed} listed: {text}");
    }
    // Sources: EU direct 4 104.31 + its share of 315.30 (in proportion 4 104.31 : 400.00 -> 287.30) = 4 391.61;
    // UNDP 400.00 + 28.00 = 428.00; together line 9. EU funds: 30 000.00 received - 4 391.61 = 25 608.39.
    assert!(text.contains("4,391.61 EUR") && text.contains("428.00 EUR") && text.contains("4,819.61 EUR"), "{text}");
    assert!(text.contains("30,000.00 EUR") && text.contains("25,608.39 EUR"), "{text}");
    assert!(text.contains("ENI/2027/123-456"), "the contract number");

    // The same agreement converting at the instalments' rate: Σ EUR 30 000.00 / Σ USD 34 722.22
    // = 0.864000 (0.86400005...); every month at 0.8640:
    //   1.1 = 864.00 + 1 728.00 + 432.00 = 3 024.00; 2.1 = 333.33 x 0.864 = 287.997 -> 288.00;
    //   5.7 = 1 234.56 x 0.864 = 1 066.659 -> 1 066.66; 7 = 4 378.66; 8 = 306.5062 -> 306.51; 9 = 4 685.17.
    let (_, c) = app.get(&format!("/api/v1/contributions/{}", h.eu_contribution)).await;
    let mut update = json!({"funding_source_id": h.eu_source, "amount_minor": 10_000_000, "currency": "EUR",
        "agreement_ref": "ENI/2027/123-456", "indirect_rate_bp": 700, "conversion_rule": "instalment_rate", "version": c["version"]});
    let (status, v) = app.put(&format!("/api/v1/contributions/{}", h.eu_contribution), &update).await;
    assert_eq!((status, v["conversion_rule"].as_str()), (200, Some("instalment_rate")), "{v}");
    let pdf = report(&app, "EU-HAND", body.clone()).await;
    let rows = statement(&pdf, "Budget line", "Subtotal", '.');
    let [seven, eight, nine] = check_statement(&rows, "Subtotal", 700);
    let line = |code: &str| rows.iter().find(|r| r.label.starts_with(&format!("{code} "))).unwrap().money.clone();
    assert_eq!((line("1.1")[2], line("2.1")[2], line("5.7")[2]), (302_400, 28_800, 106_666));
    assert_eq!((seven[2], eight[2], nine[2]), (437_866, 30_651, 468_517));
    let text = crate::pdf_reader::all_text(&crate::pdf_reader::read_pdf(&pdf));
    assert!(text.contains("USD/EUR") && text.contains("0.8640"), "the instalments' rate is listed: {text}");
    assert!(!text.contains("0.9500"), "no monthly rate is used");

    // Without any instalment, that rule cannot convert: 422, nothing stored.
    let before = arr(&app.get("/api/v1/projects/EU-HAND/reports").await.1).len();
    let (_, receipts) = app.get("/api/v1/projects/EU-HAND/receipts").await;
    for r in arr(&receipts) {
        assert_eq!(app.delete(&format!("/api/v1/receipts/{}", r["id"])).await.0, 204);
    }
    let (status, p) = app.post("/api/v1/projects/EU-HAND/reports", &body).await;
    assert_eq!((status, fields(&p)), (422, vec!["conversion_rule".to_string()]), "{p}");
    assert_eq!(arr(&app.get("/api/v1/projects/EU-HAND/reports").await.1).len(), before);
    // An unknown rule is refused by name.
    update["conversion_rule"] = json!("average");
    update["version"] = v["version"].clone();
    let (status, p) = app.put(&format!("/api/v1/contributions/{}", h.eu_contribution), &update).await;
    assert_eq!((status, fields(&p)), (422, vec!["conversion_rule".to_string()]), "{p}");
}

async fn the_russian_statement(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let body = json!({"template": "eu-interim", "from": "2025-Q1", "to": "2025-Q3", "format": "pdf", "lang": "ru"});
    let pdf = report(&app, "UZB-PSD", body).await;
    let rows = statement(&pdf, "Статья бюджета", "Итого по разделу", ',');
    let [_, _, nine] = check_statement(&rows, "Итого по разделу", 700);
    assert_eq!(nine[0], 545_700_000);
    let text = crate::pdf_reader::all_text(&crate::pdf_reader::read_pdf(&pdf));
    for label in [
        "5. Финансовый отчёт",
        "1. Людские ресурсы",
        "7. Итого прямые приемлемые расходы",
        "8. Косвенные расходы",
        "6. Источники финансирования",
        "7. Полученные средства ЕС",
        "8. Применённые обменные курсы",
        "Взнос ЕС",
        "Финансируется Европейским союзом",
        "Подготовил",
        "Утвердил",
        "стр. 1 из",
    ] {
        assert!(text.contains(label), "{label} missing");
    }
    // Grouped by (no-break) spaces, decimal comma; the text read back turns spaces into plain ones.
    assert!(text.contains("5 457 000,00 EUR"), "1 234,56-style money");
    assert!(text.contains("01.01.2025 – 30.09.2025"), "01.07.2025-style dates");
    for english in
        ["Financial statement", "Human resources", "Sources of funding", "Subtotal", "Prepared by", "On track"]
    {
        assert!(!text.contains(english), "English left in the Russian report: {english}");
    }
}

async fn the_agreement_budget_is_kept_by_finance(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let finance = app.login("finance@rbm.example", "demo-finance-2025").await;
    let (_, contributions) = app.get("/api/v1/projects/UZB-PSD/contributions").await;
    let eu = arr(&contributions).iter().find(|c| c["currency"] == "EUR").unwrap().clone();
    let path = format!("/api/v1/contributions/{}/budget", eu["id"]);
    let (_, budget) = app.get(&path).await;
    let codes: Vec<&str> = arr(&budget["lines"]).iter().map(|l| l["eu_line"].as_str().unwrap()).collect();
    assert_eq!(codes[..4], ["1.1", "1.2", "1.3", "2.1"], "in the order of the format");
    assert_eq!(codes.last(), Some(&"5"), "a heading not split comes after its sub-lines");
    assert_eq!(i(&budget["indirect_rate_bp"]), 700);
    assert_eq!(i(&budget["version"]), i(&eu["version"]));

    let put = |body: Value| {
        let (app, path, t) = (&app, path.clone(), finance.clone());
        async move { app.request_as(Some(&t), "PUT", &path, Some(&body.to_string())).await }
    };
    // Bad lines are named; nothing changes.
    let (status, p) = put(json!({"version": eu["version"], "lines": [
        {"eu_line": "1.1", "amount_minor": 500_000_000}, {"eu_line": "8", "amount_minor": 1},
        {"eu_line": "1.1", "amount_minor": 2}, {"eu_line": "2.3", "amount_minor": -5}]}))
    .await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(
        fields(&p),
        ["lines[1].eu_line", "lines[2].eu_line", "lines[3].amount_minor", "lines[3].eu_line"],
        "{p}"
    );
    let (status, p) = put(json!({"version": eu["version"], "lines": [{"eu_line": "1.1", "amount_minor": 100}]})).await;
    assert_eq!((status, fields(&p)), (422, vec!["lines".to_string()]), "a budget below the contribution: {p}");
    assert!(p["detail"].as_str().unwrap().contains("5,000,000.00 EUR"), "{p}");
    let (status, _) = put(json!({"version": 1_000, "lines": []})).await;
    assert_eq!(status, 412);
    assert_eq!(app.get(&path).await.1["lines"], budget["lines"], "unchanged");

    // An amendment replaces the budget and raises the contribution's version.
    let (status, amended) = put(json!({"version": eu["version"], "lines": [
        {"eu_line": "1.1", "amount_minor": 300_000_000}, {"eu_line": "5.7", "amount_minor": 200_000_000}]}))
    .await;
    assert_eq!(status, 200, "{amended}");
    assert_eq!(
        (i(&amended["direct_minor"]), i(&amended["indirect_minor"]), i(&amended["total_minor"])),
        (500_000_000, 35_000_000, 535_000_000)
    );
    assert_eq!(i(&amended["version"]), i(&eu["version"]) + 1);
    let (_, c) = app.get(&format!("/api/v1/contributions/{}", eu["id"])).await;
    assert_eq!(c["version"], amended["version"]);
    let (_, trail) =
        app.get(&format!("/api/v1/projects/UZB-PSD/audit?entity=contribution_budget&entity_id={}", eu["id"])).await;
    assert_eq!(arr(&trail)[0]["user"], "finance@rbm.example", "{trail}");
    // The report shows the amended budget: only 1.1 and 5.7 are budgeted now.
    let pdf = report(&app, "UZB-PSD", json!({"template": "eu-interim", "period": "2025-Q3", "format": "pdf"})).await;
    let rows = statement(&pdf, "Budget line", "Subtotal", '.');
    let [seven, _, nine] = check_statement(&rows, "Subtotal", 700);
    assert_eq!((seven[0], nine[0]), (500_000_000, 535_000_000));

    // The account catalogue names each account's EU line, within its heading.
    let (_, accounts) = app.get("/api/v1/budget-accounts").await;
    let line = |code: &str| arr(&accounts).iter().find(|a| a["code"] == code).unwrap()["eu_line"].clone();
    assert_eq!(
        (line("71200"), line("71300"), line("71615"), line("71605"), line("71610")),
        (json!("1.2"), json!("1.1"), json!("1.3"), json!("2.1"), json!("2.2"))
    );
    assert_eq!(
        (line("74220"), line("75700"), line("74215"), line("75100"), line("74500")),
        (json!("5.5"), json!("5.7"), json!("5.8"), json!("8"), json!("6"))
    );
    let (status, p) = app
        .post("/api/v1/budget-accounts", &json!({"code": "71699", "name": "x", "eu_heading": 1, "eu_line": "2.1"}))
        .await;
    assert_eq!((status, fields(&p)), (422, vec!["eu_line".to_string()]), "{p}");
    let (status, a) =
        app.post("/api/v1/budget-accounts", &json!({"code": "71699", "name": "Travel, other", "eu_heading": 2})).await;
    assert_eq!((status, a["eu_line"].as_str()), (201, Some("2")), "the heading, not split: {a}");
}

/// An existing database (migrated before this change, with data) upgrades without losing it:
/// every account gets its EU line, an administrator's own account its heading, contributions
/// the monthly rule. (tests/api/upgrade.rs does the same on the 0.1.0 release's databases.)
async fn the_upgrade_keeps_the_data(backend: Backend) {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel_migrations::{FileBasedMigrations, MigrationHarness};
    let name = format!("rbm_upgrade_{}_{}", std::process::id(), rand_suffix());
    let (url, admin) = match backend {
        Backend::Sqlite => (std::env::temp_dir().join(format!("{name}.db")).to_string_lossy().into_owned(), None),
        Backend::Postgres => {
            let Ok(admin) = std::env::var("RBM_TEST_POSTGRES_URL") else { return };
            let mut c = diesel::PgConnection::establish(&admin).unwrap();
            c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
            let base = admin.rsplit_once('/').unwrap().0.to_string();
            (format!("{base}/{name}"), Some(admin))
        }
    };
    let seed = "INSERT INTO projects (code, title, country, implementing_partner, start_date, end_date, currency, status, created_at, updated_at) \
            VALUES ('OLD', 'Old project', 'Uzbekistan', 'MoJ', '2025-01-01', '2025-12-31', 'USD', 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
        INSERT INTO funding_sources (code, name, kind, created_at, updated_at) VALUES ('EU', 'European Union', 'eu', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
        INSERT INTO contributions (project_id, funding_source_id, amount_minor, currency, indirect_rate_bp, created_at, updated_at) \
            SELECT p.id, s.id, 100000, 'EUR', 700, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM projects p, funding_sources s;
        INSERT INTO budget_accounts (code, name, eu_heading, created_at, updated_at) VALUES ('99123', 'Own account', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
        UPDATE budget_accounts SET eu_heading = 5 WHERE code = '71200';";
    let before_this = 5; // the migrations before 2026-12-01-000001
    match backend {
        Backend::Sqlite => {
            let mut c = diesel::SqliteConnection::establish(&url).unwrap();
            let m = FileBasedMigrations::from_path("migrations/sqlite").unwrap();
            for _ in 0..before_this {
                c.run_next_migration(m.clone()).unwrap();
            }
            c.batch_execute(seed).unwrap();
        }
        Backend::Postgres => {
            let mut c = diesel::PgConnection::establish(&url).unwrap();
            let m = FileBasedMigrations::from_path("migrations/postgres").unwrap();
            for _ in 0..before_this {
                c.run_next_migration(m.clone()).unwrap();
            }
            c.batch_execute(seed).unwrap();
        }
    }
    // Opening the database runs the rest.
    let db = rbm::db::Db::connect(&url, 1).expect("the upgrade runs");
    let accounts = db.tx_blocking(rbm::store::accounts::list).unwrap();
    let get = |code: &str| accounts.iter().find(|a| a.code == code).unwrap_or_else(|| panic!("{code} kept"));
    assert_eq!(get("99123").eu_line, "3", "an administrator's own account: its heading, not split");
    assert_eq!(
        (get("71200").eu_heading, get("71200").eu_line.as_str()),
        (5, "5"),
        "a remapped account keeps its heading"
    );
    assert_eq!(get("71300").eu_line, "1.1");
    assert_eq!(get("75100").eu_line, "8");
    assert_eq!(accounts.len(), 19, "the 18 shipped accounts and the administrator's: none added, none lost");
    assert!(accounts.iter().all(|a| rbm::domain::eu::line_fits_heading(&a.eu_line, a.eu_heading)), "{accounts:?}");
    let project = db.tx_blocking(|c| rbm::store::projects::find(c, "OLD")).unwrap();
    let contributions = db.tx_blocking(|c| rbm::store::funding::list_contributions(c, project.id)).unwrap();
    assert_eq!((contributions.len(), contributions[0].amount_minor), (1, 100_000), "the contribution is kept");
    assert_eq!(contributions[0].conversion_rule, rbm::domain::eu::ConversionRule::MonthlyRate);
    drop(db);
    match admin {
        None => {
            for s in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{url}{s}"));
            }
        }
        Some(admin) => {
            let mut c = diesel::PgConnection::establish(&admin).unwrap();
            c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        }
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
}

crate::on_both_backends!(
    demo_statement_follows_the_eu_format_and_the_finance_figures,
    three_months_at_three_rates_computed_by_hand,
    the_russian_statement,
    the_agreement_budget_is_kept_by_finance,
    the_upgrade_keeps_the_data,
);
