//! Threat model: amounts that make totals wrap.
//!
//! - one amount beyond 10^15 minor units (`i64::MAX` above all) anywhere money is sent: 422
//!   naming the field, also when only its conversion into the ledger currency is too large;
//! - many large records: a write that would carry a project's total of budget lines,
//!   expenditures or receipts over 10^18 is refused, so every sum the views, checks and
//!   reports compute fits and stays exact.

use crate::helpers::{Backend, TestApp, fields};
use diesel::prelude::*;
use serde_json::{Value, json};

const BOUND: i64 = 1_000_000_000_000_000; // 10^15
const CAP: i64 = 1_000 * BOUND; // 10^18

fn id(v: &(u16, Value)) -> i64 {
    assert!([200, 201].contains(&v.0), "{v:?}");
    v.1["id"].as_i64().unwrap()
}

struct Setup {
    plan: i64,
    source: i64,
    activity: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let mut p = crate::helpers::project_body("MNY");
    p["start_date"] = json!("2025-01-01");
    p["end_date"] = json!("2025-12-31");
    id(&app.post("/api/v1/projects", &p).await);
    let source =
        id(&app.post("/api/v1/funding-sources", &json!({"code": "DON", "name": "Donor", "kind": "other"})).await);
    let contribution = json!({"funding_source_id": source, "amount_minor": i64::MAX, "currency": "USD"});
    let (status, p) = app.post("/api/v1/projects/MNY/contributions", &contribution).await;
    assert_eq!((status, fields(&p)), (422, vec!["amount_minor".to_string()]), "{p}");
    let contribution = json!({"funding_source_id": source, "amount_minor": BOUND, "currency": "USD"});
    id(&app.post("/api/v1/projects/MNY/contributions", &contribution).await);
    let output =
        id(&app.post("/api/v1/projects/MNY/results", &json!({"level": "output", "code": "1", "title": "O"})).await);
    let result = id(&app
        .post(
            "/api/v1/projects/MNY/results",
            &json!({"parent_id": output, "level": "activity", "code": "1.1", "title": "A"}),
        )
        .await);
    let (status, p) =
        app.post("/api/v1/projects/MNY/work-plans", &json!({"year": 2025, "document_total_minor": i64::MAX})).await;
    assert_eq!((status, fields(&p)), (422, vec!["document_total_minor".to_string()]), "{p}");
    let plan =
        id(&app.post("/api/v1/projects/MNY/work-plans", &json!({"year": 2025, "document_total_minor": BOUND})).await);
    let schedule = json!({"result_id": result, "quarters": [1], "responsible_party": "UNDP"});
    let activity = id(&app.post(&format!("/api/v1/work-plans/{plan}/activities"), &schedule).await);
    Setup { plan, source, activity }
}

fn line(s: &Setup, amount: i64) -> Value {
    json!({"activity_id": s.activity, "funding_source_id": s.source, "account_code": "72100",
        "description": "Large line", "amount_minor": amount, "currency": "USD"})
}

async fn one_amount_beyond_the_bound_is_refused_by_name(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let s = setup(&app).await;
    let lines = format!("/api/v1/work-plans/{}/lines", s.plan);
    for amount in [i64::MAX, i64::MIN, BOUND + 1] {
        let (status, p) = app.post(&lines, &line(&s, amount)).await;
        assert_eq!((status, fields(&p)), (422, vec!["amount_minor".to_string()]), "{amount}: {p}");
    }
    let mut phased = line(&s, BOUND);
    phased["phasing"] = json!([i64::MAX, i64::MAX, 2, BOUND]);
    let (status, p) = app.post(&lines, &phased).await;
    assert_eq!((status, fields(&p)), (422, vec!["phasing[0]".to_string(), "phasing[1]".to_string()]), "{p}");
    let l = id(&app.post(&lines, &line(&s, BOUND)).await);

    let approve = json!({"approved_on": "2025-01-10", "version": 1});
    id(&app.post(&format!("/api/v1/work-plans/{}/approve", s.plan), &approve).await);
    let spend = |amount: i64, currency: &str| json!({"budget_line_id": l, "spent_on": "2025-03-10", "amount_minor": amount, "currency": currency, "reference": "X"});
    let (status, p) = app.post("/api/v1/projects/MNY/expenditures", &spend(i64::MAX, "USD")).await;
    assert_eq!((status, fields(&p)), (422, vec!["amount_minor".to_string()]), "{p}");
    let receipt = |amount: i64| json!({"funding_source_id": s.source, "received_on": "2025-03-01", "amount_minor": amount, "currency": "USD", "reference": "R"});
    let (status, p) = app.post("/api/v1/projects/MNY/receipts", &receipt(i64::MAX)).await;
    assert_eq!((status, fields(&p)), (422, vec!["amount_minor".to_string()]), "{p}");

    // Within the bound in yen, beyond it once converted at a (silly) rate into dollars.
    let rate = json!({"base_currency": "USD", "quote_currency": "JPY", "month": "2025-03", "rate": "0.001"});
    id(&app.post("/api/v1/exchange-rates", &rate).await);
    let (status, p) = app.post("/api/v1/projects/MNY/expenditures", &spend(1_000_000_000_000, "JPY")).await;
    assert_eq!((status, fields(&p)), (422, vec!["amount_minor".to_string()]), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("converted into USD"), "{p}");
    let (_, list) = app.get("/api/v1/projects/MNY/expenditures").await;
    assert_eq!(list.as_array().unwrap().len(), 0, "nothing was written");
}

async fn many_large_records_cannot_make_a_total_wrap(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let s = setup(&app).await;
    // 1 000 lines of 10^15 (10^18 in all, the most a project's lines may add up to) ...
    let first = id(&app.post(&format!("/api/v1/work-plans/{}/lines", s.plan), &line(&s, BOUND)).await);
    let plan = s.plan;
    app.test_db
        .db
        .tx_blocking(move |c| {
            use diesel::connection::SimpleConnection;
            let cols = "work_plan_id, activity_id, funding_source_id, account_code, description, amount_minor, \
                currency, lineage_id, version, created_at, updated_at";
            let copy = format!("INSERT INTO budget_lines ({cols}) SELECT {cols} FROM budget_lines WHERE id = {first};");
            c.batch_execute(&copy.repeat(999))?;
            c.batch_execute(&format!("UPDATE budget_lines SET lineage_id = id WHERE work_plan_id = {plan}"))?;
            Ok(())
        })
        .unwrap();
    // ... and not one more (at 9 224 of them, an i64 total would have wrapped).
    let (status, p) = app.post(&format!("/api/v1/work-plans/{}/lines", s.plan), &line(&s, 1)).await;
    assert_eq!((status, fields(&p)), (422, vec!["amount_minor".to_string()]), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("10^18"), "{p}");

    // The views add up exactly.
    let (status, summary) = app.get("/api/v1/projects/MNY/finance/summary?period=2025").await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["total"]["budget_minor"].as_i64(), Some(CAP));
    assert_eq!(summary["by_quarter"][0]["budget_minor"].as_i64(), Some(CAP), "all in Q1, the activity's quarter");
    let (status, plan) = app.get(&format!("/api/v1/work-plans/{}", s.plan)).await;
    assert_eq!((status, plan["totals"]["total_minor"].as_i64()), (200, Some(CAP)), "{}", plan["totals"]);
    let (status, checks) = app.get("/api/v1/projects/MNY/finance/checks?year=2025").await;
    assert_eq!(status, 200, "{checks}");
    let over = checks["findings"].as_array().unwrap().iter().any(|f| f["check"] == "budget_over_contribution");
    assert!(over, "10^18 programmed against a contribution of 10^15: {checks}");

    // Spending: one expenditure, then as if a great many had added up to just under 10^18.
    id(&app
        .post(&format!("/api/v1/work-plans/{}/approve", s.plan), &json!({"approved_on": "2025-01-10", "version": 1}))
        .await);
    let spend = json!({"budget_line_id": first, "spent_on": "2025-03-10", "amount_minor": BOUND, "currency": "USD", "reference": "X"});
    let e = id(&app.post("/api/v1/projects/MNY/expenditures", &spend).await);
    app.test_db
        .db
        .tx_blocking(move |c| {
            use rbm::schema::expenditures;
            diesel::update(expenditures::table.find(e))
                .set(expenditures::ledger_amount_minor.eq(CAP - BOUND / 2))
                .execute(c)?;
            Ok(())
        })
        .unwrap();
    let (status, p) = app.post("/api/v1/projects/MNY/expenditures", &spend).await;
    assert_eq!((status, fields(&p)), (422, vec!["amount_minor".to_string()]), "{p}");
    let (_, summary) = app.get("/api/v1/projects/MNY/finance/summary?period=LOP").await;
    assert_eq!(summary["total"]["expenditure_minor"].as_i64(), Some(CAP - BOUND / 2));
    assert_eq!(summary["total"]["balance_minor"].as_i64(), Some(BOUND / 2));

    // Receipts likewise.
    let receipt = json!({"funding_source_id": s.source, "received_on": "2025-03-01", "amount_minor": BOUND, "currency": "USD", "reference": "R"});
    let r = id(&app.post("/api/v1/projects/MNY/receipts", &receipt).await);
    app.test_db
        .db
        .tx_blocking(move |c| {
            use rbm::schema::receipts;
            diesel::update(receipts::table.find(r)).set(receipts::ledger_amount_minor.eq(CAP)).execute(c)?;
            Ok(())
        })
        .unwrap();
    let (status, p) = app.post("/api/v1/projects/MNY/receipts", &receipt).await;
    assert_eq!((status, fields(&p)), (422, vec!["amount_minor".to_string()]), "{p}");

    // And the reports, in every format.
    for format in ["pdf", "xlsx", "html"] {
        for template in ["undp-quarterly", "eu-interim"] {
            let body = json!({"template": template, "period": "2025-Q1", "format": format});
            let (status, meta) = app.post("/api/v1/projects/MNY/reports", &body).await;
            assert_eq!(status, 201, "{template} {format}: {meta}");
        }
    }
}

crate::on_both_backends!(one_amount_beyond_the_bound_is_refused_by_name, many_large_records_cannot_make_a_total_wrap);
