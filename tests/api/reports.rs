//! Donor reports through the API: generation rules, storage as snapshots, issuing to donors,
//! and the figures in the files compared with the progress API.

use crate::helpers::{Backend, TestApp, fields};
use serde_json::{Value, json};

/// Downloads a stored report: (status, content type, content disposition, bytes).
async fn download(app: &TestApp, token: &str, id: i64) -> (u16, String, String, Vec<u8>) {
    let mut res = app
        .client
        .get(format!("{}/api/v1/reports/{id}/file", app.address))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    let header = |name: &str| res.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let (ct, cd) = (header("content-type"), header("content-disposition"));
    let bytes = res.body().limit(256 * 1024 * 1024).await.unwrap().to_vec();
    (res.status().as_u16(), ct, cd, bytes)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Formats a figure the way reports show numbers with no decimals.
pub fn grouped(v: f64) -> String {
    rbm::reports::document::format(&rbm::reports::document::Value::Number { value: v, decimals: 0 })
}

async fn html_report_snapshot_and_figures(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let body = json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "html"}).to_string();
    let (status, meta) = app.request_as(Some(&manager), "POST", "/api/v1/projects/UZB-PSD/reports", Some(&body)).await;
    assert_eq!(status, 201, "{meta}");
    assert_eq!(
        (meta["template"].as_str(), meta["period"].as_str(), meta["draft"].as_bool()),
        (Some("undp-quarterly"), Some("2025-Q3"), Some(false))
    );
    let (status, ct, cd, bytes) = download(&app, &manager, meta["id"].as_i64().unwrap()).await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(cd.contains("UZB-PSD_undp-quarterly_2025-Q3.html"), "{cd}");
    assert_eq!(sha256_hex(&bytes), meta["sha256"].as_str().unwrap(), "the stored hash is the file's");
    assert_eq!(bytes.len() as i64, meta["size_bytes"].as_i64().unwrap());
    let html = String::from_utf8(bytes).unwrap();

    // Every indicator is there with the figures the progress API computes.
    let (_, progress) = app.get("/api/v1/projects/UZB-PSD/progress?period=2025-Q3").await;
    for ind in progress["indicators"].as_array().unwrap() {
        let code = ind["code"].as_str().unwrap();
        assert!(html.contains(&format!("{code}: ")), "{code} missing");
        let cumulative = ind["actual_cumulative"].as_f64().filter(|c| c.fract() == 0.0);
        if let (Some(c), "number") = (cumulative, ind["measure"].as_str().unwrap()) {
            assert!(html.contains(&grouped(c)), "{code}: cumulative {c} not shown");
        }
    }
    assert!(html.contains("2,410"), "OP2 cumulative, as in the README's worked example");
    assert!(html.contains("Oʻzbekiston") || html.contains("Uzbekistan"));
}

async fn generation_rules_and_nothing_stored_on_error(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let post = |body: Value| {
        let t = coordinator.clone();
        let app = &app;
        async move { app.request_as(Some(&t), "POST", "/api/v1/projects/UZB-PSD/reports", Some(&body.to_string())).await }
    };
    let (status, p) = post(json!({"template": "world-bank", "period": "2025-Q3", "format": "pdf"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["template".to_string()]), "{p}");
    let (status, p) = post(json!({"template": "iptt", "period": "2031-Q1", "format": "html"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["period".to_string()]), "{p}");
    let (status, p) = post(json!({"template": "iptt", "period": "2025-Q3", "format": "docx"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["format".to_string()]), "{p}");
    // 2026-Q1 holds a draft, a submitted and a returned actual.
    let (status, p) = post(json!({"template": "undp-quarterly", "period": "2026-Q1", "format": "html"})).await;
    assert_eq!(status, 409, "{p}");
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("OP2 2026-Q1 (draft)") && detail.contains("OC1 2026-Q1 (submitted)"), "{detail}");
    let (_, list) = app.get("/api/v1/projects/UZB-PSD/reports").await;
    assert_eq!(list, json!([]), "nothing stored");

    // Asked for, a draft is generated and says so on every page.
    let (status, meta) =
        post(json!({"template": "undp-quarterly", "period": "2026-Q1", "format": "html", "draft": true})).await;
    assert_eq!((status, meta["draft"].as_bool()), (201, Some(true)), "{meta}");
    let (_, _, cd, bytes) = download(&app, &coordinator, meta["id"].as_i64().unwrap()).await;
    assert!(cd.contains("_DRAFT.html"));
    assert!(String::from_utf8(bytes).unwrap().contains("DRAFT: includes unapproved data"));
    // A draft is never issued.
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let (status, _) =
        app.request_as(Some(&manager), "POST", &format!("/api/v1/reports/{}/issue", meta["id"]), None).await;
    assert_eq!(status, 409);

    // The other templates and a run of quarters.
    for (template, window) in
        [("eu-interim", json!({"from": "2024-Q3", "to": "2025-Q2"})), ("iptt", json!({"period": "2025"}))]
    {
        let mut body = json!({"template": template, "format": "html"});
        body.as_object_mut().unwrap().extend(window.as_object().unwrap().clone());
        let (status, m) = post(body).await;
        assert_eq!(status, 201, "{template}: {m}");
    }
}

async fn donors_download_issued_reports_only(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let donor = app.login("donor.eu@rbm.example", "demo-donor-2025").await;
    let finance = app.login("finance@rbm.example", "demo-finance-2025").await;
    let body = json!({"template": "eu-interim", "period": "2025-Q3", "format": "html"}).to_string();
    assert_eq!(app.request_as(Some(&donor), "POST", "/api/v1/projects/UZB-PSD/reports", Some(&body)).await.0, 403);
    assert_eq!(app.request_as(Some(&finance), "POST", "/api/v1/projects/UZB-PSD/reports", Some(&body)).await.0, 403);
    let (_, meta) = app.request_as(Some(&manager), "POST", "/api/v1/projects/UZB-PSD/reports", Some(&body)).await;
    let id = meta["id"].as_i64().unwrap();
    let (_, list) = app.request_as(Some(&donor), "GET", "/api/v1/projects/UZB-PSD/reports", None).await;
    assert_eq!(list, json!([]), "not issued yet");
    assert_eq!(download(&app, &donor, id).await.0, 404);
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    assert_eq!(app.request_as(Some(&coordinator), "POST", &format!("/api/v1/reports/{id}/issue"), None).await.0, 403);
    let (status, issued) = app.request_as(Some(&manager), "POST", &format!("/api/v1/reports/{id}/issue"), None).await;
    assert_eq!(status, 200);
    assert!(issued["issued_at"].is_string());
    let (_, list) = app.request_as(Some(&donor), "GET", "/api/v1/projects/UZB-PSD/reports", None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (status, _, _, bytes) = download(&app, &donor, id).await;
    assert_eq!(status, 200);
    assert_eq!(sha256_hex(&bytes), meta["sha256"].as_str().unwrap(), "the donor gets the stored snapshot");
    // A donor of another project does not see KAZ-HUB's reports at all.
    assert_eq!(app.request_as(Some(&donor), "GET", "/api/v1/projects/KAZ-HUB/reports", None).await.0, 404);
}

/// The row (1-based, as in "A12") of the first cell whose text starts with `prefix` in column A.
fn row_starting(sheet: &crate::xlsx_reader::Sheet, prefix: &str) -> u32 {
    let mut rows: Vec<u32> = sheet
        .cells
        .iter()
        .filter(|(r, c)| {
            r.starts_with('A') && r[1..].chars().all(|d| d.is_ascii_digit()) && c.text().starts_with(prefix)
        })
        .map(|(r, _)| r[1..].parse().unwrap())
        .collect();
    rows.sort();
    *rows.first().unwrap_or_else(|| panic!("{}: no row starting with {prefix}", sheet.name))
}

async fn xlsx_report_reconciles_with_the_api(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let body = json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "xlsx"}).to_string();
    let (status, meta) = app.request_as(Some(&manager), "POST", "/api/v1/projects/UZB-PSD/reports", Some(&body)).await;
    assert_eq!(status, 201, "{meta}");
    let (_, ct, _, bytes) = download(&app, &manager, meta["id"].as_i64().unwrap()).await;
    assert_eq!(ct, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let book = crate::xlsx_reader::read(&bytes);

    // Indicator figures are the progress API's.
    let (_, progress) = app.get("/api/v1/projects/UZB-PSD/progress?period=2025-Q3").await;
    let op2 = progress["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "OP2").unwrap();
    let sheet = book.sheet("Results 1.1.2");
    let row = row_starting(sheet, "OP2: ");
    // Indicator, unit, baseline, annual target, period actual, year to date, cumulative, ...
    assert_eq!(sheet.text(&format!("B{row}")), "persons", "the unit has its own column");
    assert_eq!(sheet.cell(&format!("E{row}")).number(), op2["actual_period"].as_f64().unwrap(), "quarter actual");
    assert_eq!(sheet.cell(&format!("F{row}")).number(), op2["actual_year_to_date"].as_f64().unwrap(), "year to date");
    assert_eq!(sheet.cell(&format!("G{row}")).number(), op2["actual_cumulative"].as_f64().unwrap(), "cumulative");
    assert_eq!(sheet.cell(&format!("G{row}")).number(), 2410.0);

    // Finance: the total is a SUM formula whose cached result is the sum of the lines and the
    // finance API's total, to the cent.
    let (status, fin) = app.get("/api/v1/projects/UZB-PSD/finance/summary?period=2025-Q3").await;
    assert_eq!(status, 200, "{fin}");
    let sheet = book.sheet("Finance by output");
    let total_row = row_starting(sheet, "Total");
    let header_row = row_starting(sheet, "Output");
    for (col, key) in [("B", "budget_minor"), ("C", "expenditure_minor")] {
        let total = sheet.cell(&format!("{col}{total_row}"));
        let formula = total.formula.as_deref().unwrap_or_default();
        assert!(formula.starts_with("SUM("), "{col}{total_row}: {formula}");
        let lines: i128 = (header_row + 1..total_row)
            .filter_map(|r| sheet.get(&format!("{col}{r}")))
            .map(|c| crate::xlsx_reader::decimal_units(c.text(), 2))
            .sum();
        let cached = crate::xlsx_reader::decimal_units(total.text(), 2);
        assert_eq!(cached, lines, "{col}: the total equals its lines");
        assert_eq!(cached, i128::from(fin["total"][key].as_i64().unwrap()), "{col}: the total is the finance API's");
    }
    assert!(book.names().contains(&"Risks") && book.names().contains(&"Issues"), "{:?}", book.names());
    // Nothing changed in 2025-Q3 (the demo's audit trail starts when it is loaded): no empty table.
    assert!(!book.names().contains(&"Change log"), "{:?}", book.names());
    assert!(book.sheet("Report").find("No changes recorded in the period.").is_some());
}

/// The report's finance views over a window of several quarters, across a year end, are the
/// finance API's for the same window (`period=2024-Q3..2025-Q2`), line by line; its year to
/// date and cumulative columns the API's approved AWPs against the quarters spent so far.
async fn report_window_figures_are_the_finance_apis(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let body = json!({"template": "undp-quarterly", "from": "2024-Q3", "to": "2025-Q2", "format": "xlsx"});
    let (status, meta) = app.post("/api/v1/projects/UZB-PSD/reports", &body).await;
    assert_eq!(status, 201, "{meta}");
    let (_, _, _, bytes) = download(&app, &app.admin_token, meta["id"].as_i64().unwrap()).await;
    let book = crate::xlsx_reader::read(&bytes);
    let api = |period: String| {
        let app = &app;
        async move {
            let (status, fin) = app.get(&format!("/api/v1/projects/UZB-PSD/finance/summary?period={period}")).await;
            assert_eq!(status, 200, "{period}: {fin}");
            fin
        }
    };
    let window = api("2024-Q3..2025-Q2".into()).await;
    assert_eq!(window["period"], "2024-Q3..2025-Q2");
    assert_eq!((window["from"].as_str(), window["to"].as_str()), (Some("2024-07-01"), Some("2025-06-30")));
    // The demo's plans for 2024 and 2025 are approved: the API's budget is the report's.
    for p in window["work_plans"].as_array().unwrap().iter().filter(|p| p["year"] == 2024 || p["year"] == 2025) {
        assert_eq!(p["status"], "approved", "{p}");
    }
    let (_, project) = app.get("/api/v1/projects/UZB-PSD").await;
    let start_year = &project["start_date"].as_str().unwrap()[..4];
    let awp = api("2025".into()).await;
    let spent_ytd = api("2025-Q1..2025-Q2".into()).await;
    let awps = api(format!("{start_year}..2025")).await;
    let spent_since_start = api(format!("{start_year}..2025-Q2")).await;
    let money = |sheet: &crate::xlsx_reader::Sheet, cell: String| {
        i64::try_from(crate::xlsx_reader::decimal_units(sheet.text(&cell), 2)).unwrap()
    };
    let figure = |fin: &Value, group: &str, key: &str, what: &str| -> i64 {
        fin[group].as_array().unwrap().iter().find(|r| r["key"] == key).map_or(0, |r| r[what].as_i64().unwrap())
    };
    let mut compared = 0;
    for (sheet, group) in [
        ("Finance by output", "by_output"),
        ("Finance by activity", "by_activity"),
        ("Finance by source", "by_funding_source"),
        ("Finance by account", "by_account"),
    ] {
        let sheet = book.sheet(sheet);
        let (mut budget, mut spent) = (0i64, 0i64);
        for r in window[group].as_array().unwrap().iter().filter(|r| r["key"] != "-") {
            let key = r["key"].as_str().unwrap();
            let row = row_starting(sheet, &format!("{key} "));
            let (b, e) = (r["budget_minor"].as_i64().unwrap(), r["expenditure_minor"].as_i64().unwrap());
            assert_eq!(
                (money(sheet, format!("B{row}")), money(sheet, format!("C{row}"))),
                (b, e),
                "{group} {key}: window"
            );
            let ytd = (figure(&awp, group, key, "budget_minor"), figure(&spent_ytd, group, key, "expenditure_minor"));
            assert_eq!((money(sheet, format!("E{row}")), money(sheet, format!("F{row}"))), ytd, "{group} {key}: YTD");
            let cumulative = (
                figure(&awps, group, key, "budget_minor"),
                figure(&spent_since_start, group, key, "expenditure_minor"),
            );
            assert_eq!(
                (money(sheet, format!("H{row}")), money(sheet, format!("I{row}"))),
                cumulative,
                "{group} {key}: cumulative"
            );
            (budget, spent) = (budget + b, spent + e);
            compared += 1;
        }
        for r in window[group].as_array().unwrap().iter().filter(|r| r["key"] == "-") {
            (budget, spent) =
                (budget + r["budget_minor"].as_i64().unwrap(), spent + r["expenditure_minor"].as_i64().unwrap());
        }
        let total = row_starting(sheet, "Total");
        assert_eq!(
            (money(sheet, format!("B{total}")), money(sheet, format!("C{total}"))),
            (budget, spent),
            "{group}: total"
        );
    }
    assert!(compared >= 10, "every view has lines: {compared}");
    let total = &window["total"];
    assert!(total["budget_minor"].as_i64().unwrap() > 0 && total["expenditure_minor"].as_i64().unwrap() > 0, "{total}");
    // A window is its quarters added up.
    let mut quarters = (0, 0);
    for q in ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"] {
        let one = api(q.into()).await;
        quarters.0 += one["total"]["budget_minor"].as_i64().unwrap();
        quarters.1 += one["total"]["expenditure_minor"].as_i64().unwrap();
    }
    assert_eq!((total["budget_minor"].as_i64().unwrap(), total["expenditure_minor"].as_i64().unwrap()), quarters);
    // A window that ends before it starts, or runs to the life of project, names the field.
    for bad in ["2025-Q2..2024-Q3", "2024-Q3..LOP", "2024-Q5..2025-Q1"] {
        let (status, p) = app.get(&format!("/api/v1/projects/UZB-PSD/finance/summary?period={bad}")).await;
        assert_eq!((status, fields(&p)), (422, vec!["period".to_string()]), "{bad}: {p}");
    }
}

async fn a_missing_exchange_rate_is_named(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    // Remove the USD/EUR rates: the EU statement cannot be converted.
    let (_, rates) = app.get("/api/v1/exchange-rates").await;
    for r in rates.as_array().unwrap().iter().filter(|r| r["quote_currency"] == "EUR" || r["base_currency"] == "EUR") {
        assert_eq!(app.delete(&format!("/api/v1/exchange-rates/{}", r["id"])).await.0, 204, "{r}");
    }
    let body = json!({"template": "eu-interim", "period": "2025-Q3", "format": "pdf"});
    let (status, p) = app.post("/api/v1/projects/UZB-PSD/reports", &body).await;
    assert_eq!((status, fields(&p)), (422, vec!["exchange_rate".to_string()]), "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("USD/EUR") && p["detail"].as_str().unwrap().contains("2025-09"),
        "{p}"
    );
    assert_eq!(app.get("/api/v1/projects/UZB-PSD/reports").await.1, json!([]), "nothing stored");
}

async fn pdf_reports_read_back_with_the_api_figures(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let (_, progress) = app.get("/api/v1/projects/UZB-PSD/progress?period=2025-Q3").await;
    let (_, fin) = app.get("/api/v1/projects/UZB-PSD/finance/summary?period=2025-Q3").await;
    for template in ["undp-quarterly", "eu-interim", "iptt"] {
        let body = json!({"template": template, "period": "2025-Q3", "format": "pdf"}).to_string();
        let (status, meta) =
            app.request_as(Some(&manager), "POST", "/api/v1/projects/UZB-PSD/reports", Some(&body)).await;
        assert_eq!(status, 201, "{template}: {meta}");
        let (_, ct, _, bytes) = download(&app, &manager, meta["id"].as_i64().unwrap()).await;
        assert_eq!(ct, "application/pdf");
        assert!(bytes.len() < 400 * 1024, "{template}: fonts subset, {} bytes", bytes.len());
        let pages = crate::pdf_reader::read_pdf(&bytes);
        let text = crate::pdf_reader::all_text(&pages);
        let n = pages.len();
        for (i, p) in pages.iter().enumerate() {
            assert!(p.text().contains(&format!("page {} of {n}", i + 1)), "{template}: page {} of {n}", i + 1);
            assert!(p.text().contains("UZB-PSD"), "{template}: header on page {}", i + 1);
        }
        // Every indicator with its cumulative figure as the API computes it.
        for ind in progress["indicators"].as_array().unwrap() {
            let code = ind["code"].as_str().unwrap();
            assert!(text.contains(code), "{template}: {code} missing");
        }
        match template {
            "undp-quarterly" => {
                assert!(text.contains("OP2: PSA/PSC staff trained"), "{template}");
                assert!(text.contains("2,410") && text.contains("74.0 %"), "OP2 cumulative and % of the 2025 target");
                let total = rbm::domain::money::Money::new(fin["total"]["budget_minor"].as_i64().unwrap(), "USD");
                assert!(text.contains(&total.to_string()), "{template}: finance total {total}");
            }
            "eu-interim" => {
                assert!(text.contains("Funded by the European Union"));
                assert!(text.contains("USD/EUR") && text.contains("September 2025"), "the rate used is listed");
                assert!(text.contains("Draft legal acts are adopted"), "the logframe carries the assumptions");
                assert!(text.contains("EUR"));
            }
            _ => assert!(text.contains("Indicator performance tracking table")),
        }
    }
    // Cyrillic and Uzbek Latin from the 2024-Q2 narrative come back exactly.
    let body = json!({"template": "eu-interim", "period": "2024-Q2", "format": "pdf"}).to_string();
    let (status, meta) = app.request_as(Some(&manager), "POST", "/api/v1/projects/UZB-PSD/reports", Some(&body)).await;
    assert_eq!(status, 201, "{meta}");
    let (_, _, _, bytes) = download(&app, &manager, meta["id"].as_i64().unwrap()).await;
    let text = crate::pdf_reader::all_text(&crate::pdf_reader::read_pdf(&bytes));
    assert!(text.contains("Oʻzbekiston") && text.contains("Агентство государственных услуг"), "{text}");
}

/// `POST /projects/{p}/reports/preview`: the report `generateReport` would store, as HTML,
/// under the same rules, with nothing stored (the web page's preview is the same use case).
async fn a_preview_shows_the_report_and_stores_nothing(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let preview = |body: Value| {
        let (app, t) = (&app, coordinator.clone());
        async move {
            let mut res = app
                .client
                .post(format!("{}/api/v1/projects/UZB-PSD/reports/preview", app.address))
                .insert_header(("Authorization", format!("Bearer {t}")))
                .send_json(&body)
                .await
                .unwrap();
            let header = |n: &str| res.headers().get(n).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            let (ct, csp) = (header("content-type"), header("content-security-policy"));
            let bytes = res.body().limit(64 * 1024 * 1024).await.unwrap();
            (res.status().as_u16(), ct, csp, String::from_utf8(bytes.to_vec()).unwrap())
        }
    };
    // The format asked for is ignored: a preview is HTML.
    let (status, ct, csp, html) =
        preview(json!({"template": "undp-quarterly", "period": "2025-Q3", "format": "pdf"})).await;
    assert_eq!(status, 200, "{html}");
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(csp.contains("sandbox") && csp.contains("default-src 'none'"), "no scripts in a preview: {csp}");
    assert!(html.contains("2,410"), "OP2 cumulative, as in the stored report");
    let (_, list) = app.get("/api/v1/projects/UZB-PSD/reports").await;
    assert_eq!(list, json!([]), "a preview stores nothing");

    // The same rules as generation: unapproved data only as a draft; errors name the field.
    let (status, _, _, body) =
        preview(json!({"template": "undp-quarterly", "period": "2026-Q1", "format": "html"})).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("OP2 2026-Q1 (draft)"), "{body}");
    let (status, _, _, html) =
        preview(json!({"template": "undp-quarterly", "period": "2026-Q1", "format": "html", "draft": true})).await;
    assert_eq!(status, 200);
    assert!(html.contains("DRAFT: includes unapproved data"));
    let (status, _, _, body) = preview(json!({"template": "world-bank", "period": "2025-Q3", "format": "html"})).await;
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((status, fields(&problem)), (422, vec!["template".to_string()]), "{body}");
}

crate::on_both_backends!(
    a_preview_shows_the_report_and_stores_nothing,
    pdf_reports_read_back_with_the_api_figures,
    xlsx_report_reconciles_with_the_api,
    a_missing_exchange_rate_is_named,
    report_window_figures_are_the_finance_apis,
    html_report_snapshot_and_figures,
    generation_rules_and_nothing_stored_on_error,
    donors_download_issued_reports_only,
);
