//! Work plans, budget lines, expenditures, receipts and the finance views and checks: the figures a
//! finance officer verifies, every refused input with its field, locking and revisions.

use crate::helpers::{Backend, TestApp, fields};
use serde_json::{Value, json};

fn i(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

/// The row of a grouping with `key`.
fn row<'a>(rows: &'a Value, key: &str) -> &'a Value {
    arr(rows).iter().find(|r| r["key"] == key).unwrap_or_else(|| panic!("no row {key} in {rows}"))
}

/// Sums `field` over a list.
fn sum(rows: &Value, field: &str) -> i64 {
    arr(rows).iter().map(|r| i(&r[field])).sum()
}

async fn plan_id(app: &TestApp, project: &str, year: i64) -> i64 {
    let (_, plans) = app.get(&format!("/api/v1/projects/{project}/work-plans")).await;
    let found = arr(&plans)
        .iter()
        .filter(|p| p["year"] == year && p["status"] != "superseded")
        .max_by_key(|p| i(&p["revision"]));
    i(&found.unwrap_or_else(|| panic!("{project} has no {year} plan: {plans}"))["id"])
}

async fn kazakhstan_plans_reconcile_with_the_project_document(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (status, plans) = app.get("/api/v1/projects/KAZ-HUB/work-plans").await;
    assert_eq!(status, 200, "{plans}");
    let summary: Vec<(i64, i64, &str, i64, i64)> = arr(&plans)
        .iter()
        .map(|p| {
            (
                i(&p["year"]),
                i(&p["revision"]),
                p["status"].as_str().unwrap(),
                i(&p["total_minor"]),
                i(&p["document_total_minor"]),
            )
        })
        .collect();
    // 2013: USD 208 000, 2014: USD 233 333, as on the cover and in section IV of the document.
    assert_eq!(summary, [(2013, 1, "approved", 20_800_000, 20_800_000), (2014, 1, "approved", 23_333_300, 23_333_300)]);

    for (year, by_source) in [
        (2013, [("MFA", 2_700_000), ("RB", 13_100_000), ("UNDP", 5_000_000)]),
        (2014, [("MFA", 1_100_000), ("RB", 17_233_300), ("UNDP", 5_000_000)]),
    ] {
        let id = plan_id(&app, "KAZ-HUB", year).await;
        let (status, plan) = app.get(&format!("/api/v1/work-plans/{id}")).await;
        assert_eq!(status, 200, "{plan}");
        let lines = &plan["lines"];
        let totals = &plan["totals"];
        assert_eq!(i(&totals["total_minor"]), sum(lines, "amount_minor"), "{year}: the total is the sum of the lines");
        assert_eq!(i(&totals["total_minor"]), i(&plan["document_total_minor"]));
        assert_eq!(sum(&totals["by_source"], "total_minor"), i(&totals["total_minor"]));
        for (code, amount) in by_source {
            let t = arr(&totals["by_source"]).iter().find(|t| t["source_code"] == code).unwrap();
            let of_lines: i64 =
                arr(lines).iter().filter(|l| l["source_code"] == code).map(|l| i(&l["amount_minor"])).sum();
            assert_eq!((i(&t["total_minor"]), of_lines), (amount, amount), "{year} {code}");
            assert_eq!(i(&t["direct_minor"]) + i(&t["indirect_minor"]), amount);
        }
        assert!(arr(lines).iter().all(|l| l["currency"] == "USD"));
    }

    // Lines as printed in the document: activity result 1, action 1 (round table, Q1) and its GMS.
    let id = plan_id(&app, "KAZ-HUB", 2013).await;
    let (_, plan) = app.get(&format!("/api/v1/work-plans/{id}")).await;
    let round_table: Vec<(String, String, i64)> = arr(&plan["lines"])
        .iter()
        .filter(|l| l["activity_code"] == "1.1.1.2")
        .map(|l| {
            (
                l["source_code"].as_str().unwrap().into(),
                l["account_code"].as_str().unwrap().into(),
                i(&l["amount_minor"]),
            )
        })
        .collect();
    let expected: Vec<(String, String, i64)> = [
        ("RB", "72100", 1_000_000),
        ("RB", "71600", 500_000),
        ("MFA", "71600", 400_000),
        ("MFA", "74200", 150_000),
        ("RB", "74500", 100_000),
        ("RB", "71300", 200_000),
    ]
    .iter()
    .map(|(s, a, m)| (s.to_string(), a.to_string(), *m))
    .collect();
    assert_eq!(round_table, expected);
    assert_eq!(round_table.iter().map(|l| l.2).sum::<i64>(), 2_350_000, "the document's subtotal 23 500");
    let round_table_activity = arr(&plan["activities"]).iter().find(|a| a["code"] == "1.1.1.2").unwrap();
    assert_eq!(round_table_activity["quarters"], json!([1]));
    assert_eq!(round_table_activity["responsible_party"], "ACSA, UNDP");
    let gms: Vec<i64> =
        arr(&plan["lines"]).iter().filter(|l| l["account_code"] == "75100").map(|l| i(&l["amount_minor"])).collect();
    assert_eq!(gms, [410_000, 447_000], "the document's 4 100 and the reconstructed balance");
    // The GMS of RB as it should be: 7 % of its direct costs of 122 430.00 is 8 570.10.
    let rb = arr(&plan["totals"]["by_source"]).iter().find(|t| t["source_code"] == "RB").unwrap();
    assert_eq!(
        (
            i(&rb["direct_minor"]),
            i(&rb["indirect_minor"]),
            i(&rb["indirect_rate_bp"]),
            i(&rb["indirect_expected_minor"])
        ),
        (12_243_000, 857_000, 700, 857_010)
    );

    // Both years together: 441 333, against 431 333 of contributions (a gap in the source itself).
    let (_, lop) = app.get("/api/v1/projects/KAZ-HUB/finance/summary").await;
    assert_eq!(i(&lop["total"]["budget_minor"]), 44_133_300);
    assert_eq!(sum(&lop["contributions"], "committed_ledger_minor"), 43_133_300);
}

async fn finance_views_reconcile_every_way(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let finance = app.login("finance@rbm.example", "demo-finance-2025").await;
    let get = |path: String| {
        let token = finance.clone();
        let app = &app;
        async move {
            let (status, v) = app.request_as(Some(&token), "GET", &path, None).await;
            assert_eq!(status, 200, "{path}: {v}");
            v
        }
    };
    let mut year_totals = vec![];
    for period in ["LOP", "2013", "2014", "2013-Q1", "2013-Q3", "2014-Q2"] {
        let s = get(format!("/api/v1/projects/KAZ-HUB/finance/summary?period={period}")).await;
        assert_eq!(s["period"], period);
        let total = &s["total"];
        let (budget, spent) = (i(&total["budget_minor"]), i(&total["expenditure_minor"]));
        assert_eq!(i(&total["balance_minor"]), budget - spent);
        for grouping in ["by_output", "by_activity", "by_funding_source", "by_account", "by_eu_heading", "by_quarter"] {
            let rows = &s[grouping];
            assert_eq!(sum(rows, "budget_minor"), budget, "{period} {grouping}");
            assert_eq!(
                sum(rows, "expenditure_minor") + i(&s["unplanned_expenditure_minor"]),
                spent,
                "{period} {grouping}"
            );
            for r in arr(rows) {
                assert_eq!(i(&r["balance_minor"]), i(&r["budget_minor"]) - i(&r["expenditure_minor"]));
            }
        }
        if period.len() == 4 {
            year_totals.push((budget, spent));
            assert_eq!(arr(&s["by_quarter"]).len(), 4);
        }
        if period == "LOP" {
            year_totals.push((budget, spent));
        }
    }
    let (lop, years) = (year_totals[0], &year_totals[1..]);
    assert_eq!((years[0].0 + years[1].0, years[0].1 + years[1].1), lop, "2013 + 2014 = life of project");

    // 2013 by hand: USD 208 000 budgeted, 167 135.65 spent (KZT converted at the month's rate).
    let y = get("/api/v1/projects/KAZ-HUB/finance/summary?period=2013".into()).await;
    assert_eq!((i(&y["total"]["budget_minor"]), i(&y["total"]["expenditure_minor"])), (20_800_000, 16_713_565));
    assert_eq!((i(&y["total"]["delivery_rate_bp"]), y["total"]["delivery_rate"].as_str()), (8_035, Some("80.35 %")));
    let by_source: Vec<(&str, i64, i64)> = arr(&y["by_funding_source"])
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), i(&r["budget_minor"]), i(&r["expenditure_minor"])))
        .collect();
    assert_eq!(
        by_source,
        [("MFA", 2_700_000, 2_479_293), ("RB", 13_100_000, 9_640_700), ("UNDP", 5_000_000, 4_593_572)]
    );
    let quarters: Vec<i64> = arr(&y["by_quarter"]).iter().map(|r| i(&r["expenditure_minor"])).collect();
    assert_eq!(quarters, [4_702_293, 5_960_572, 1_992_500, 4_058_200]);
    // The EU view of the same plan: headings 1-7; indirect costs are the GMS lines.
    assert_eq!(i(&row(&y["by_eu_heading"], "7")["budget_minor"]), 857_000);
    assert_eq!(row(&y["by_eu_heading"], "1")["label"], "Human resources");
    assert_eq!(i(&row(&y["by_account"], "75100")["budget_minor"]), 857_000);
    // By output and activity: the round table spent 23 402.93 of 23 500.00.
    let rt = row(&y["by_activity"], "1.1.1.2");
    assert_eq!((i(&rt["budget_minor"]), i(&rt["expenditure_minor"])), (2_350_000, 2_340_293));
    assert_eq!(i(&row(&y["by_output"], "-")["budget_minor"]), 857_000, "GMS lines sit outside the outputs");
    assert_eq!(i(&row(&y["by_output"], "1.1")["budget_minor"]), 20_800_000 - 857_000);
    // A quarter's budget comes from the phasing, else from the activity's timeframe.
    let q1 = get("/api/v1/projects/KAZ-HUB/finance/summary?period=2013-Q1".into()).await;
    assert_eq!(i(&row(&q1["by_activity"], "1.1.1.2")["budget_minor"]), 2_350_000, "the round table is a Q1 activity");
    assert_eq!(i(&row(&q1["by_activity"], "1.1.1.4")["budget_minor"]), 0, "the global conference is in Q2");
    let q3 = get("/api/v1/projects/KAZ-HUB/finance/summary?period=2013-Q3".into()).await;
    assert_eq!(i(&row(&q3["by_account"], "72100")["budget_minor"]), 600_000, "the portal's phasing puts 6 000 in Q3");

    // The KZT translation invoice keeps the rate it was converted at.
    let spent = get("/api/v1/projects/KAZ-HUB/expenditures?period=2013-Q1".into()).await;
    let kzt = arr(&spent).iter().find(|e| e["currency"] == "KZT").unwrap();
    assert_eq!((i(&kzt["amount_minor"]), i(&kzt["ledger_amount_minor"])), (22_500_000, 149_293));
    assert_eq!(
        kzt["exchange_rate"],
        json!({"pair": "USD/KZT", "month": "2013-03", "rate": "150.71", "rate_micros": 150_710_000})
    );
    assert!(arr(&y["exchange_rates_used"]).iter().any(|r| r["month"] == "2013-03" && r["rate"] == "150.71"));

    // Contributions received vs programmed: RB's 22 mln tenge of February 2013 at 150.74.
    let rb = arr(&y["contributions"]).iter().find(|c| c["source_code"] == "RB").unwrap();
    assert_eq!((i(&rb["received_minor"]), i(&rb["programmed_minor"])), (14_594_666, 13_100_000));
    assert_eq!(i(&rb["received_minus_programmed_minor"]), 1_494_666);
    assert_eq!(i(&rb["committed_minor"]), 29_333_300);

    // UZB-PSD: an EUR contribution is converted at the latest rate up to the period.
    let u = get("/api/v1/projects/UZB-PSD/finance/summary?period=2025".into()).await;
    let eu = arr(&u["contributions"]).iter().find(|c| c["source_code"] == "EU").unwrap();
    assert_eq!(eu["committed_rate"]["month"], "2025-12");
    assert_eq!(i(&eu["committed_ledger_minor"]), 580_720_093, "EUR 5 000 000 at USD/EUR 0.861");

    let (status, p) = app.get("/api/v1/projects/KAZ-HUB/finance/summary?period=2013-Q5").await;
    assert_eq!((status, fields(&p)), (422, vec!["period".to_string()]));
    assert_eq!(app.get("/api/v1/projects/KAZ-HUB/finance/summary?colour=red").await.0, 400);
}

async fn demo_checks_name_the_document_gaps(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (status, c) = app.get("/api/v1/projects/KAZ-HUB/finance/checks").await;
    assert_eq!(status, 200, "{c}");
    let messages: Vec<&str> = arr(&c["findings"]).iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert!(
        messages.contains(
            &"The work plans programme 303,333.00 USD of RB funds, but RB's contribution is 293,333.00 USD: 10,000.00 USD over."
        ),
        "{messages:#?}"
    );
    assert!(messages.contains(
        &"In the 2013 work plan, the GMS of RB is 8,570.00 USD, but 7.00 % of its direct costs of 122,430.00 USD is 8,570.10 USD (0.10 USD too little)."
    ));
    assert_eq!(i(&c["errors"]), 2, "{messages:#?}");
    // For 2013 alone, RB's contributions are not yet overspent.
    let (_, y) = app.get("/api/v1/projects/KAZ-HUB/finance/checks?year=2013").await;
    assert!(arr(&y["findings"]).iter().all(|f| f["check"] != "budget_over_contribution"), "{y}");
    assert_eq!(app.get("/api/v1/projects/KAZ-HUB/finance/checks?year=20133").await.0, 422);
}

/// A small project built through the API: two sources, an output with two activities, a
/// draft plan for 2025 scheduling them in Q1 and Q2-Q3.
struct Small {
    plan: i64,
    don: i64,
    gov: i64,
    a11: i64,
    a12: i64,
    output: i64,
}

async fn small_project(app: &TestApp) -> Small {
    let created = |(status, v): (u16, Value)| {
        assert_eq!(status, 201, "{v}");
        i(&v["id"])
    };
    let mut p = crate::helpers::project_body("FIN-T");
    p["start_date"] = json!("2025-01-01");
    p["end_date"] = json!("2025-12-31");
    created(app.post("/api/v1/projects", &p).await);
    let don =
        created(app.post("/api/v1/funding-sources", &json!({"code": "DON", "name": "Donor", "kind": "other"})).await);
    let gov = created(
        app.post(
            "/api/v1/funding-sources",
            &json!({"code": "GOV", "name": "Government", "kind": "government_cost_sharing"}),
        )
        .await,
    );
    let contribution = |source: i64, amount: i64, rate: Value| json!({"funding_source_id": source, "amount_minor": amount, "currency": "USD", "indirect_rate_bp": rate});
    created(app.post("/api/v1/projects/FIN-T/contributions", &contribution(don, 2_000_000, json!(700))).await);
    created(app.post("/api/v1/projects/FIN-T/contributions", &contribution(gov, 500_000, Value::Null)).await);
    let output = created(
        app.post("/api/v1/projects/FIN-T/results", &json!({"level": "output", "code": "1", "title": "Output"})).await,
    );
    let activity = |code: &str| json!({"parent_id": output, "level": "activity", "code": code, "title": format!("Activity {code}")});
    let r11 = created(app.post("/api/v1/projects/FIN-T/results", &activity("1.1")).await);
    let r12 = created(app.post("/api/v1/projects/FIN-T/results", &activity("1.2")).await);
    let plan = created(
        app.post("/api/v1/projects/FIN-T/work-plans", &json!({"year": 2025, "document_total_minor": 3_000_000})).await,
    );
    let schedule =
        |result: i64, quarters: Value| json!({"result_id": result, "quarters": quarters, "responsible_party": "UNDP"});
    let a11 = created(app.post(&format!("/api/v1/work-plans/{plan}/activities"), &schedule(r11, json!([1]))).await);
    let a12 = created(app.post(&format!("/api/v1/work-plans/{plan}/activities"), &schedule(r12, json!([2, 3]))).await);
    Small { plan, don, gov, a11, a12, output }
}

fn line(activity: Option<i64>, source: i64, account: &str, description: &str, amount: i64) -> Value {
    json!({"activity_id": activity, "funding_source_id": source, "account_code": account,
        "description": description, "amount_minor": amount, "currency": "USD"})
}

fn spend(line: i64, date: &str, amount: i64, currency: &str) -> Value {
    json!({"budget_line_id": line, "spent_on": date, "amount_minor": amount, "currency": currency, "reference": "V-1"})
}

async fn each_finance_check_finds_its_problem(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let s = small_project(&app).await;
    let add = |body: Value| {
        let app = &app;
        let path = format!("/api/v1/work-plans/{}/lines", s.plan);
        async move {
            let (status, v) = app.post(&path, &body).await;
            assert_eq!(status, 201, "{v}");
            i(&v["id"])
        }
    };
    let special = json!({"code": "99001", "name": "Special equipment", "eu_heading": 3});
    let (status, account) = app.post("/api/v1/budget-accounts", &special).await;
    assert_eq!(status, 201, "{account}");
    let l1 = add(line(Some(s.a11), s.don, "72100", "Workshop venue", 1_000_000)).await;
    let mut phased = line(Some(s.a12), s.don, "71300", "Local consultant", 1_200_000);
    phased["phasing"] = json!([0, 600_000, 600_000, 0]);
    let l2 = add(phased).await;
    let l3 = add(line(None, s.don, "75100", "GMS", 150_000)).await;
    let l4 = add(line(Some(s.a12), s.gov, "99001", "Special equipment", 300_000)).await;
    let l5 = add(line(Some(s.a11), s.don, "71600", "Travel", 200_000)).await;
    let (status, clean) = app.get("/api/v1/projects/FIN-T/finance/checks?year=2025").await;
    assert_eq!(status, 200);
    let checks_of = |v: &Value| -> Vec<String> {
        arr(&v["findings"]).iter().map(|f| f["check"].as_str().unwrap().to_string()).collect()
    };
    assert!(!checks_of(&clean).contains(&"expenditure_over_budget".to_string()));

    let (status, approved) = app
        .post(&format!("/api/v1/work-plans/{}/approve", s.plan), &json!({"approved_on": "2025-01-15", "version": 1}))
        .await;
    assert_eq!((status, approved["status"].as_str()), (200, Some("approved")), "{approved}");
    let rate = json!({"base_currency": "USD", "quote_currency": "KZT", "month": "2025-05", "rate": "500"});
    assert_eq!(app.post("/api/v1/exchange-rates", &rate).await.0, 201);
    let mut ids = vec![];
    for body in [
        spend(l1, "2025-02-10", 1_020_000, "USD"),
        spend(l2, "2025-08-01", 500_000, "USD"),
        spend(l5, "2025-07-15", 30_000, "USD"),
        spend(l2, "2025-05-05", 15_000_000, "KZT"),
    ] {
        let (status, e) = app.post("/api/v1/projects/FIN-T/expenditures", &body).await;
        assert_eq!(status, 201, "{e}");
        ids.push(i(&e["id"]));
    }
    let (_, kzt) = app.get(&format!("/api/v1/expenditures/{}", ids[3])).await;
    assert_eq!(i(&kzt["ledger_amount_minor"]), 30_000, "KZT 150 000.00 at 500 = USD 300.00");

    // Data that bypassed the rules (an old import, a hand edit): a phasing and a converted
    // figure that no longer add up; and an account retired from the catalogue.
    let (l2c, e4) = (l2, ids[3]);
    app.test_db
        .db
        .tx_blocking(move |c| {
            use diesel::prelude::*;
            use rbm::schema::{budget_lines, expenditures};
            diesel::update(budget_lines::table.find(l2c)).set(budget_lines::q4_minor.eq(Some(1i64))).execute(c)?;
            diesel::update(expenditures::table.find(e4))
                .set(expenditures::ledger_amount_minor.eq(31_000i64))
                .execute(c)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(app.delete(&format!("/api/v1/budget-accounts/{}", i(&account["id"]))).await.0, 204);

    let (status, c) = app.get("/api/v1/projects/FIN-T/finance/checks?year=2025").await;
    assert_eq!(status, 200, "{c}");
    let found: Vec<(String, String, String, Vec<i64>)> = arr(&c["findings"])
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                arr(&f["line_ids"]).iter().map(i).collect(),
            )
        })
        .collect();
    let expect = |check: &str, severity: &str, message: String, lines: Vec<i64>| {
        assert!(
            found.iter().any(|f| f.0 == check && f.1 == severity && f.2 == message && f.3 == lines),
            "missing {check}: {message}\nfound: {found:#?}"
        );
    };
    expect(
        "budget_over_contribution",
        "error",
        "The work plans up to 2025 programme 25,500.00 USD of DON funds, but DON's contribution is 20,000.00 USD: 5,500.00 USD over.".into(),
        vec![l1, l2, l3, l5],
    );
    expect(
        "expenditure_over_budget",
        "error",
        format!(
            "Budget line {l1} (1.1, DON, 72100 Workshop venue) has spent 10,200.00 USD against a budget of 10,000.00 USD: 200.00 USD over."
        ),
        vec![l1],
    );
    expect(
        "indirect_cost_mismatch",
        "warning",
        "In the 2025 work plan, the GMS of DON is 1,500.00 USD, but 7.00 % of its direct costs of 24,000.00 USD is 1,680.00 USD (180.00 USD too little).".into(),
        vec![l3],
    );
    expect(
        "spending_outside_planned_quarter",
        "warning",
        format!(
            "300.00 USD was spent in 2025-Q3 on line {l5} (1.1, DON, 71600 Travel), but activity 1.1 is planned in Q1 only."
        ),
        vec![l5],
    );
    expect(
        "account_not_in_catalogue",
        "error",
        format!(
            "Budget line {l4} (1.2, GOV, 99001 Special equipment) is on account 99001, which is not in the budget-account catalogue: it counts under no EU heading and its indirect costs cannot be told apart."
        ),
        vec![l4],
    );
    expect(
        "totals_do_not_add_up",
        "error",
        format!(
            "The quarterly phasing of budget line {l2} (1.2, DON, 71300 Local consultant) adds up to 12,000.01 USD, not to its amount of 12,000.00 USD."
        ),
        vec![l2],
    );
    expect(
        "totals_do_not_add_up",
        "error",
        format!(
            "Expenditure {e4} of 150,000.00 KZT on 2025-05-05 is recorded as 310.00 USD, but at the rate it states it is 300.00 USD."
        ),
        vec![],
    );
    expect(
        "plan_total_differs_from_document",
        "error",
        "The lines of the 2025 work plan add up to 28,500.00 USD, but the project document gives 30,000.00 USD for 2025: 1,500.00 USD less.".into(),
        vec![],
    );
    assert_eq!(found.len(), 8, "{found:#?}");
    assert_eq!((i(&c["errors"]), i(&c["warnings"]), i(&c["infos"])), (6, 2, 0));
    assert_eq!(found[0].1, "error", "errors come first");
    // The finding's expenditures are named too.
    let over = arr(&c["findings"]).iter().find(|f| f["check"] == "spending_outside_planned_quarter").unwrap();
    assert_eq!(over["expenditure_ids"], json!([ids[2]]));
    // The summary counts the line on the retired account under no heading.
    let (_, s2025) = app.get("/api/v1/projects/FIN-T/finance/summary?period=2025").await;
    assert_eq!(i(&row(&s2025["by_eu_heading"], "-")["budget_minor"]), 300_000);
    let _ = s.output;
}

async fn bad_input_is_refused_naming_the_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let s = small_project(&app).await;
    let lines_path = format!("/api/v1/work-plans/{}/lines", s.plan);
    let refused = |body: Value, status: u16, field: &str| {
        let (app, path, field) = (&app, lines_path.clone(), field.to_string());
        async move {
            let (got, p) = app.post(&path, &body).await;
            assert_eq!((got, fields(&p)), (status, vec![field.clone()]), "{body} -> {p}");
            assert_eq!(p["status"], status, "problem+json");
            p
        }
    };
    let ok = line(Some(s.a11), s.don, "72100", "Workshop venue", 1_000_000);
    let with = |key: &str, v: Value| {
        let mut b = ok.clone();
        b[key] = v;
        b
    };
    refused(with("amount_minor", json!(-1)), 422, "amount_minor").await;
    refused(with("amount_minor", json!(10.5)), 422, "amount_minor").await;
    refused(with("amount_minor", json!("100")), 422, "amount_minor").await;
    let p = refused(with("currency", json!("USX")), 422, "currency").await;
    assert!(p["detail"].as_str().unwrap().contains("unknown currency"), "{p}");
    let p = refused(with("currency", json!("EUR")), 422, "currency").await;
    assert!(p["detail"].as_str().unwrap().contains("the work plan is in USD"), "{p}");
    let p = refused(with("account_code", json!("71250")), 422, "account_code").await;
    assert!(p["detail"].as_str().unwrap().contains("unknown account 71250"), "{p}");
    let p = refused(with("phasing", json!([250_000, 250_000, 250_000, 200_000])), 422, "phasing").await;
    assert_eq!(
        p["detail"],
        "phasing: Q1-Q4 add up to 9,500.00 USD but the amount is 10,000.00 USD: the quarters must add up to the amount"
    );
    refused(with("phasing", json!([1_100_000, -100_000, 0, 0])), 422, "phasing[1]").await;
    refused(with("phasing", json!([1_000_000, 0, 0])), 422, "phasing").await;
    refused(with("activity_id", json!(999_999)), 422, "activity_id").await;
    refused(with("funding_source_id", json!(999_999)), 422, "funding_source_id").await;
    refused(with("colour", json!("red")), 422, "colour").await;
    let nothing = app
        .post("/api/v1/funding-sources", &json!({"code": "NOPE", "name": "No contribution", "kind": "other"}))
        .await
        .1;
    let p = refused(with("funding_source_id", nothing["id"].clone()), 422, "funding_source_id").await;
    assert!(p["detail"].as_str().unwrap().contains("NOPE has no contribution to this project"), "{p}");
    // Several faults at once: each named.
    let mut many = with("amount_minor", json!(-5));
    many["account_code"] = json!("1");
    many["description"] = json!(" ");
    let (status, p) = app.post(&lines_path, &many).await;
    assert_eq!(
        (status, fields(&p)),
        (422, vec!["account_code".to_string(), "amount_minor".into(), "description".into()])
    );
    // An activity must be a result of level activity of this project.
    let (status, p) = app
        .post(
            &format!("/api/v1/work-plans/{}/activities", s.plan),
            &json!({"result_id": s.output, "quarters": [1], "responsible_party": "x"}),
        )
        .await;
    assert_eq!((status, fields(&p)), (422, vec!["result_id".to_string()]), "{p}");
    let (status, p) = app
        .post(
            &format!("/api/v1/work-plans/{}/activities", s.plan),
            &json!({"result_id": s.output, "quarters": [5, 1, 1], "responsible_party": ""}),
        )
        .await;
    assert_eq!(
        (status, fields(&p)),
        (422, vec!["quarters".to_string(), "responsible_party".into(), "result_id".into()])
    );
    // A plan for a year outside the project, or a second plan for a year.
    let (status, p) = app.post("/api/v1/projects/FIN-T/work-plans", &json!({"year": 2027})).await;
    assert_eq!((status, fields(&p)), (422, vec!["year".to_string()]));
    let (status, p) = app.post("/api/v1/projects/FIN-T/work-plans", &json!({"year": 2025})).await;
    assert_eq!((status, fields(&p)), (409, vec!["year".to_string()]));
    // Nothing of the refused lines was written.
    let (_, plan) = app.get(&format!("/api/v1/work-plans/{}", s.plan)).await;
    assert_eq!(plan["lines"], json!([]));

    // Expenditure on a draft plan's line.
    let (status, l1) = app.post(&lines_path, &ok).await;
    assert_eq!(status, 201, "{l1}");
    let l1 = i(&l1["id"]);
    let (status, p) = app.post("/api/v1/projects/FIN-T/expenditures", &spend(l1, "2025-02-01", 100, "USD")).await;
    assert_eq!((status, fields(&p)), (422, vec!["budget_line_id".to_string()]));
    assert!(p["detail"].as_str().unwrap().contains("is a draft"), "{p}");
    // Approving needs the version read; then the plan is locked.
    let approve = format!("/api/v1/work-plans/{}/approve", s.plan);
    let (status, p) = app.post(&approve, &json!({"approved_on": "2025-01-15"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["version".to_string()]));
    assert_eq!(app.post(&approve, &json!({"approved_on": "2025-01-15", "version": 7})).await.0, 412);
    assert_eq!(app.post(&approve, &json!({"approved_on": "2025-01-15", "version": 1})).await.0, 200);
    assert_eq!(app.post(&approve, &json!({"approved_on": "2025-01-15", "version": 2})).await.0, 409);
    let (status, p) = app.post(&lines_path, &ok).await;
    assert_eq!(status, 409, "approved plans are locked: {p}");
    assert!(p["detail"].as_str().unwrap().contains("start a revision"), "{p}");
    let mut change = ok.clone();
    change["version"] = json!(1);
    assert_eq!(app.put(&format!("/api/v1/budget-lines/{l1}"), &change).await.0, 409);
    assert_eq!(app.delete(&format!("/api/v1/budget-lines/{l1}")).await.0, 409);
    assert_eq!(app.delete(&format!("/api/v1/work-plans/{}", s.plan)).await.0, 409);
    assert_eq!(app.put(&format!("/api/v1/work-plans/{}", s.plan), &json!({"year": 2025, "version": 2})).await.0, 409);

    // Expenditures: dates, amounts, currencies.
    let e = |body: Value, field: &str| {
        let (app, field) = (&app, field.to_string());
        async move {
            let (status, p) = app.post("/api/v1/projects/FIN-T/expenditures", &body).await;
            assert_eq!((status, fields(&p)), (422, vec![field]), "{body} -> {p}");
            p
        }
    };
    let p = e(spend(l1, "2026-01-05", 100, "USD"), "spent_on").await;
    assert!(p["detail"].as_str().unwrap().contains("outside the project (2025-01-01 to 2025-12-31)"), "{p}");
    e(spend(l1, "2025-03-01", -100, "USD"), "amount_minor").await;
    e(spend(l1, "2025-03-01", 0, "USD"), "amount_minor").await;
    e(json!({"budget_line_id": l1, "spent_on": "2025-03-01", "amount_minor": 99.99, "currency": "USD", "reference": "x"}), "amount_minor").await;
    e(spend(l1, "2025-03-01", 100, "XYZ"), "currency").await;
    e(spend(l1, "2025-13-01", 100, "USD"), "spent_on").await;
    e(spend(999_999, "2025-03-01", 100, "USD"), "budget_line_id").await;
    let p = e(spend(l1, "2025-05-20", 100_000, "GBP"), "currency").await;
    assert_eq!(
        p["detail"],
        "currency: no exchange rate USD/GBP for 2025-05: record the month's UN operational rate first (POST /api/v1/exchange-rates)"
    );
    let (_, list) = app.get("/api/v1/projects/FIN-T/expenditures").await;
    assert_eq!(list, json!([]), "nothing half-written");
    // With the month's rate it goes through, converted, and keeps the rate.
    let rate = json!({"base_currency": "USD", "quote_currency": "GBP", "month": "2025-05", "rate": "0.79"});
    let (status, r) = app.post("/api/v1/exchange-rates", &rate).await;
    assert_eq!(status, 201, "{r}");
    let (status, x) = app.post("/api/v1/projects/FIN-T/expenditures", &spend(l1, "2025-05-20", 100_000, "GBP")).await;
    assert_eq!(status, 201, "{x}");
    assert_eq!(i(&x["ledger_amount_minor"]), 126_582, "GBP 1 000.00 / 0.79 = USD 1 265.82");
    assert_eq!(x["exchange_rate"]["pair"], "USD/GBP");
    // Stale versions.
    let mut upd = spend(l1, "2025-05-21", 100_000, "GBP");
    upd["version"] = json!(1);
    let xid = i(&x["id"]);
    assert_eq!(app.put(&format!("/api/v1/expenditures/{xid}"), &upd).await.0, 200);
    assert_eq!(app.put(&format!("/api/v1/expenditures/{xid}"), &upd).await.0, 412);
    let (status, p) = app.put(&format!("/api/v1/expenditures/{xid}"), &spend(l1, "2025-05-21", 1, "USD")).await;
    assert_eq!((status, fields(&p)), (422, vec!["version".to_string()]));
    // Correcting the rate leaves the converted figure as it was, with the rate it used.
    let rid = i(&r["id"]);
    let mut fixed = rate.clone();
    fixed["rate"] = json!("0.80");
    fixed["version"] = json!(1);
    let (status, r2) = app.put(&format!("/api/v1/exchange-rates/{rid}"), &fixed).await;
    assert_eq!((status, r2["rate"].as_str()), (200, Some("0.8")), "{r2}");
    let (_, x2) = app.get(&format!("/api/v1/expenditures/{xid}")).await;
    assert_eq!((i(&x2["ledger_amount_minor"]), x2["exchange_rate"]["rate"].as_str()), (126_582, Some("0.79")));
    assert_eq!(app.put(&format!("/api/v1/exchange-rates/{rid}"), &fixed).await.0, 412);

    // Exchange rates: exact decimals only, one per pair and month in one direction.
    let bad_rate = |patch: Value, field: &str| {
        let (app, field) = (&app, field.to_string());
        let mut body = json!({"base_currency": "USD", "quote_currency": "UZS", "month": "2025-06", "rate": "12660"});
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        async move {
            let (status, p) = app.post("/api/v1/exchange-rates", &body).await;
            assert_eq!((status, fields(&p)), (422, vec![field]), "{body} -> {p}");
        }
    };
    bad_rate(json!({"rate": 12660.5}), "rate").await;
    bad_rate(json!({"rate": "12,660"}), "rate").await;
    bad_rate(json!({"rate": "0"}), "rate").await;
    bad_rate(json!({"rate": "1.1234567"}), "rate").await;
    bad_rate(json!({"month": "2025-13"}), "month").await;
    bad_rate(json!({"quote_currency": "USD"}), "quote_currency").await;
    bad_rate(json!({"quote_currency": "UZX"}), "quote_currency").await;
    let inverse = json!({"base_currency": "GBP", "quote_currency": "USD", "month": "2025-05", "rate": "1.25"});
    let (status, p) = app.post("/api/v1/exchange-rates", &inverse).await;
    assert_eq!((status, fields(&p)), (409, vec!["base_currency".to_string()]), "{p}");
    assert_eq!(app.post("/api/v1/exchange-rates", &rate).await.0, 409);

    // Budget accounts: admin data with its own rules.
    let (status, p) = app.post("/api/v1/budget-accounts", &json!({"code": "7A", "name": "", "eu_heading": 8})).await;
    assert_eq!((status, fields(&p)), (422, vec!["code".to_string(), "eu_heading".into(), "name".into()]));
    let (status, p) =
        app.post("/api/v1/budget-accounts", &json!({"code": "71200", "name": "Again", "eu_heading": 1})).await;
    assert_eq!((status, fields(&p)), (409, vec!["code".to_string()]));
    let _ = s.gov + s.a12;
}

async fn revisions_keep_the_approved_plan_readable(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let finance = app.login("finance@rbm.example", "demo-finance-2025").await;
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let as_ = |token: &str, method: &str, path: String, body: Option<Value>| {
        let (app, token, method) = (&app, token.to_string(), method.to_string());
        async move { app.request_as(Some(&token), &method, &path, body.map(|b| b.to_string()).as_deref()).await }
    };
    let v1 = plan_id(&app, "KAZ-HUB", 2013).await;
    let (_, before) = app.get(&format!("/api/v1/work-plans/{v1}")).await;
    let (_, summary_before) = app.get("/api/v1/projects/KAZ-HUB/finance/summary?period=2013").await;

    // Only finance (and admins) start a revision, and it needs a reason.
    let path = format!("/api/v1/work-plans/{v1}/revisions");
    assert_eq!(as_(&coordinator, "POST", path.clone(), Some(json!({"reason": "x"}))).await.0, 403);
    let (status, p) = as_(&finance, "POST", path.clone(), Some(json!({"reason": "  "}))).await;
    assert_eq!((status, fields(&p)), (422, vec!["reason".to_string()]));
    let reason = "Project Board of 14 June 2013: more for the portal, less for the baseline study";
    let (status, v2) = as_(&finance, "POST", path.clone(), Some(json!({"reason": reason}))).await;
    assert_eq!(status, 201, "{v2}");
    assert_eq!((i(&v2["revision"]), v2["status"].as_str(), i(&v2["previous_id"])), (2, Some("draft"), v1));
    assert_eq!(v2["revision_reason"], reason);
    assert_eq!(v2["totals"]["total_minor"], before["totals"]["total_minor"], "a copy of the approved plan");
    assert_eq!(arr(&v2["lines"]).len(), arr(&before["lines"]).len());
    assert_eq!(
        as_(&finance, "POST", path, Some(json!({"reason": "again"}))).await.0,
        409,
        "one draft revision at a time"
    );
    let v2id = i(&v2["id"]);

    // Move 500.00 from the baseline study's miscellaneous line to the portal, in the draft.
    let line_of = |plan: &Value, activity: &str, account: &str| -> Value {
        arr(&plan["lines"])
            .iter()
            .find(|l| l["activity_code"] == activity && l["account_code"] == account)
            .unwrap()
            .clone()
    };
    let misc = line_of(&v2, "1.1.2.1", "74500");
    let portal = line_of(&v2, "1.1.3.2", "72100");
    assert_eq!(misc["lineage_id"], line_of(&before, "1.1.2.1", "74500")["lineage_id"], "lines keep their lineage");
    let edit = |l: &Value, amount: i64, phasing: Value| {
        json!({"activity_id": l["activity_id"], "funding_source_id": l["funding_source_id"], "account_code": l["account_code"],
            "description": l["description"], "amount_minor": amount, "currency": "USD", "phasing": phasing, "version": l["version"]})
    };
    let (status, p) =
        as_(&finance, "PUT", format!("/api/v1/budget-lines/{}", misc["id"]), Some(edit(&misc, 0, Value::Null))).await;
    assert_eq!(status, 200, "{p}");
    let (status, p) = as_(
        &finance,
        "PUT",
        format!("/api/v1/budget-lines/{}", portal["id"]),
        Some(edit(&portal, 1_250_000, json!([0, 0, 600_000, 600_000]))),
    )
    .await;
    assert_eq!((status, fields(&p)), (422, vec!["phasing".to_string()]), "{p}");
    let (status, p) = as_(
        &finance,
        "PUT",
        format!("/api/v1/budget-lines/{}", portal["id"]),
        Some(edit(&portal, 1_250_000, json!([0, 0, 650_000, 600_000]))),
    )
    .await;
    assert_eq!(status, 200, "{p}");
    // A line with expenditure cannot leave the plan.
    let pm = line_of(&v2, "1.1.4.1", "71400");
    let (status, p) = as_(&finance, "DELETE", format!("/api/v1/budget-lines/{}", pm["id"]), None).await;
    assert_eq!(status, 409, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("cannot be removed"), "{p}");

    // The manager approves; finance may not.
    let approve = format!("/api/v1/work-plans/{v2id}/approve");
    let body = json!({"approved_on": "2013-06-14", "version": 1});
    assert_eq!(as_(&finance, "POST", approve.clone(), Some(body.clone())).await.0, 403);
    let (status, p) = as_(&manager, "POST", approve, Some(body)).await;
    assert_eq!((status, p["status"].as_str()), (200, Some("approved")), "{p}");

    // Revision 1 is superseded and still reads exactly as approved.
    let (_, old) = app.get(&format!("/api/v1/work-plans/{v1}")).await;
    assert_eq!(old["status"], "superseded");
    assert_eq!(old["lines"], before["lines"]);
    assert_eq!(old["approved_on"], "2013-02-08");
    let mut change = edit(&line_of(&old, "1.1.2.1", "74500"), 1, Value::Null);
    change["version"] = json!(1);
    let (status, p) =
        as_(&finance, "PUT", format!("/api/v1/budget-lines/{}", line_of(&old, "1.1.2.1", "74500")["id"]), Some(change))
            .await;
    assert_eq!(status, 409, "{p}");

    // The views follow revision 2; expenditure booked on revision 1 counts on the same lines.
    let (_, after) = app.get("/api/v1/projects/KAZ-HUB/finance/summary?period=2013").await;
    let refs: Vec<(i64, i64)> = arr(&after["work_plans"]).iter().map(|p| (i(&p["year"]), i(&p["revision"]))).collect();
    assert_eq!(refs, [(2013, 2), (2014, 1)]);
    assert_eq!(after["total"]["expenditure_minor"], summary_before["total"]["expenditure_minor"]);
    assert_eq!(i(&after["unplanned_expenditure_minor"]), 0);
    assert_eq!(i(&after["total"]["budget_minor"]), 20_800_000, "500.00 moved, nothing added");
    let study = row(&after["by_activity"], "1.1.2.1");
    assert_eq!(i(&study["budget_minor"]), 1_000_000);
    let portal_row = row(&after["by_activity"], "1.1.3.2");
    assert_eq!(i(&portal_row["budget_minor"]), 1_450_000);

    // New expenditure goes on the current revision: a superseded line is refused with a pointer.
    let old_line = line_of(&old, "1.1.3.2", "72100");
    let body = spend(i(&old_line["id"]), "2013-10-01", 10_000, "USD");
    let (status, p) = as_(&finance, "POST", "/api/v1/projects/KAZ-HUB/expenditures".into(), Some(body)).await;
    assert_eq!((status, fields(&p)), (422, vec!["budget_line_id".to_string()]));
    assert!(
        p["detail"].as_str().unwrap().contains(&format!("record it against line {} of revision 2", portal["id"])),
        "{p}"
    );
    let (status, p) = as_(
        &finance,
        "POST",
        "/api/v1/projects/KAZ-HUB/expenditures".into(),
        Some(spend(i(&portal["id"]), "2013-10-01", 10_000, "USD")),
    )
    .await;
    assert_eq!(status, 201, "{p}");

    // The trail has the approval, the supersession and the revision with its reason.
    let (_, trail) = app.get("/api/v1/projects/KAZ-HUB/audit?entity=work_plan").await;
    let actions: Vec<(&str, i64)> =
        arr(&trail).iter().map(|e| (e["action"].as_str().unwrap(), i(&e["entity_id"]))).collect();
    assert!(actions.contains(&("approve", v2id)) && actions.contains(&("supersede", v1)), "{actions:?}");
    let created = arr(&trail).iter().find(|e| e["action"] == "create" && i(&e["entity_id"]) == v2id).unwrap();
    assert_eq!((created["reason"].as_str(), created["user"].as_str()), (Some(reason), Some("finance@rbm.example")));
}

async fn the_catalogue_is_data_an_admin_changes(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (_, accounts) = app.get("/api/v1/budget-accounts").await;
    let codes: Vec<&str> = arr(&accounts).iter().map(|a| a["code"].as_str().unwrap()).collect();
    for code in
        ["71200", "71300", "71400", "71600", "72100", "72200", "72500", "72800", "74200", "74500", "75100", "75700"]
    {
        assert!(codes.contains(&code), "{code}");
    }
    let misc = arr(&accounts).iter().find(|a| a["code"] == "74500").unwrap().clone();
    assert_eq!((i(&misc["eu_heading"]), misc["eu_heading_name"].as_str()), (6, Some("Other")));
    let (_, before) = app.get("/api/v1/projects/KAZ-HUB/finance/summary?period=2013").await;
    let other = i(&row(&before["by_eu_heading"], "6")["budget_minor"]);
    assert_eq!(other, 500_000, "the 74500 lines of 2013");
    // Remap 74500 to heading 5: the EU view moves at once, nothing else changes.
    let body = json!({"code": "74500", "name": "Miscellaneous", "eu_heading": 5, "version": misc["version"]});
    let (status, p) = app.put(&format!("/api/v1/budget-accounts/{}", misc["id"]), &body).await;
    assert_eq!(status, 200, "{p}");
    let (_, after) = app.get("/api/v1/projects/KAZ-HUB/finance/summary?period=2013").await;
    assert!(arr(&after["by_eu_heading"]).iter().all(|r| r["key"] != "6"));
    assert_eq!(
        i(&row(&after["by_eu_heading"], "5")["budget_minor"]),
        i(&row(&before["by_eu_heading"], "5")["budget_minor"]) + other
    );
    assert_eq!(after["total"], before["total"]);
    assert_eq!(app.put(&format!("/api/v1/budget-accounts/{}", misc["id"]), &body).await.0, 412);
    let finance = app.login("finance@rbm.example", "demo-finance-2025").await;
    let (status, _) = app
        .request_as(Some(&finance), "PUT", &format!("/api/v1/budget-accounts/{}", misc["id"]), Some(&body.to_string()))
        .await;
    assert_eq!(status, 403);
}

async fn a_bad_finance_seed_loads_nothing_and_names_the_place(backend: Backend) {
    use rbm::seeds::{self, OnExisting};
    let Some(t) = crate::helpers::TestDb::new(backend) else { return };
    let mut doc: Value = serde_json::from_str(seeds::DEMO[0].1).unwrap();
    // Deep in the 2014 plan, after the 2013 plan and its expenditures were written.
    doc["projects"][0]["work_plans"][1]["lines"][4]["account"] = json!("71250");
    let err = seeds::load(&t.db, &seeds::parse(&doc.to_string()).unwrap(), OnExisting::Fail).unwrap_err();
    let rbm::error::AppError::Validation(errs) = err else { panic!("{err:?}") };
    let named: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(named, ["projects[0].work_plans[1].lines[4].account_code"]);
    assert!(seeds::is_empty(&t.db).unwrap(), "nothing of the document was written");
    // A foreign-currency expenditure whose month has no rate names the pair and the month.
    let mut doc: Value = serde_json::from_str(seeds::DEMO[0].1).unwrap();
    doc["exchange_rates"] = json!([]);
    let err = seeds::load(&t.db, &seeds::parse(&doc.to_string()).unwrap(), OnExisting::Fail).unwrap_err();
    assert!(
        err.to_string()
            .contains("work_plans[0].lines[3].expenditures[0].currency: no exchange rate USD/KZT for 2013-03"),
        "{err}"
    );
    let report = seeds::load_demo(&t.db).unwrap();
    // UZB-PSD's USD/EUR rates run from the start of the action (2023-01); its seed adds the Atlas
    // sub-accounts the EU statement's sub-lines need.
    assert_eq!((report.work_plans, report.exchange_rates_created, report.budget_accounts_created), (4, 72, 7));
    assert!(report.expenditures > 40 && report.budget_lines > 70, "{report:?}");
}

/// A finding is explained with a reason under its stable key: the checks show the explanation,
/// the audit trail keeps who said what, a second explanation replaces the first; a blank reason
/// is a 422 naming the field, an unknown key a 404, a coordinator a 403.
async fn a_finding_is_explained_under_its_stable_key(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (_, first) = app.get("/api/v1/projects/KAZ-HUB/finance/checks").await;
    let (_, again) = app.get("/api/v1/projects/KAZ-HUB/finance/checks").await;
    let keys = |v: &Value| {
        v["findings"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(keys(&first), keys(&again), "the keys are stable from one run to the next");
    let unique: std::collections::BTreeSet<_> = keys(&first).into_iter().collect();
    assert_eq!(unique.len(), keys(&first).len(), "one key per finding");
    let f = &first["findings"][0];
    let key = f["key"].as_str().unwrap();
    assert!(key.starts_with(f["check"].as_str().unwrap()), "{key}");
    assert_eq!((first["explained"].clone(), f["explanation"].clone()), (json!(0), Value::Null));

    let path = format!("/api/v1/projects/KAZ-HUB/finance/checks/{key}/explanation");
    let (status, p) = app.post(&path, &json!({"reason": "  "})).await;
    assert_eq!((status, fields(&p)), (422, vec!["reason".to_string()]), "{p}");
    let (status, _) =
        app.post("/api/v1/projects/KAZ-HUB/finance/checks/nothing-0000/explanation", &json!({"reason": "x"})).await;
    assert_eq!(status, 404);
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let body = json!({"reason": "x"}).to_string();
    assert_eq!(app.request_as(Some(&coordinator), "POST", &path, Some(&body)).await.0, 403);

    let finance = app.login("finance@rbm.example", "demo-finance-2025").await;
    let body = json!({"reason": "Agreed with the donor in the 2014 Board"}).to_string();
    let (status, explained) = app.request_as(Some(&finance), "POST", &path, Some(&body)).await;
    assert_eq!(status, 200, "{explained}");
    assert_eq!(explained["key"], key);
    assert_eq!(explained["explanation"]["reason"], "Agreed with the donor in the 2014 Board");
    assert_eq!(explained["explanation"]["explained_by"], "finance@rbm.example");
    let (_, now) = app.get("/api/v1/projects/KAZ-HUB/finance/checks").await;
    assert_eq!(now["explained"], 1);
    let found = now["findings"].as_array().unwrap().iter().find(|x| x["key"] == key).unwrap();
    assert_eq!(found["explanation"]["reason"], "Agreed with the donor in the 2014 Board");
    // Explaining again replaces the reason; the trail keeps both.
    let (status, _) = app.post(&path, &json!({"reason": "Agreed in writing"})).await;
    assert_eq!(status, 200);
    let (_, trail) = app.get("/api/v1/projects/KAZ-HUB/audit?entity=finding_explanation").await;
    let trail = trail.as_array().unwrap();
    assert_eq!(trail.len(), 2, "{trail:?}");
    assert_eq!((trail[0]["action"].as_str(), trail[0]["reason"].as_str()), (Some("update"), Some("Agreed in writing")));
    assert_eq!(trail[0]["before"]["reason"], "Agreed with the donor in the 2014 Board");
    assert_eq!((trail[1]["action"].as_str(), trail[1]["user"].as_str()), (Some("create"), Some("finance@rbm.example")));
    assert_eq!(trail[1]["after"]["finding_key"], key);
}

/// `GET /receipts/{id}` answers the receipt exactly as the project's list shows it, to whoever
/// reads the project's finance; to anyone else it does not exist, as an expenditure does not.
async fn a_receipt_reads_back_as_its_list_shows_it(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let mut kaz_receipt = None;
    for project in ["KAZ-HUB", "UZB-PSD"] {
        let (status, list) = app.get(&format!("/api/v1/projects/{project}/receipts")).await;
        assert_eq!(status, 200, "{list}");
        assert!(!arr(&list).is_empty(), "{project} has demo receipts");
        for listed in arr(&list) {
            let (status, one) = app.get(&format!("/api/v1/receipts/{}", listed["id"])).await;
            assert_eq!((status, &one), (200, listed));
        }
        if project == "KAZ-HUB" {
            kaz_receipt = Some(i(&list[0]["id"]));
        }
    }
    let kaz_receipt = kaz_receipt.unwrap();

    // An id nobody has: 404 as problem+json.
    let (status, content_type, body) = app.get_raw("/api/v1/receipts/999999999").await;
    assert_eq!((status, content_type.as_str()), (404, "application/problem+json"), "{body}");
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["status"], 404, "{problem}");

    // The EU donor reads UZB-PSD only: its receipt yes, KAZ-HUB's is "not found", like an
    // expenditure of KAZ-HUB.
    let donor = app.login("donor.eu@rbm.example", "demo-donor-2025").await;
    let (_, uzb) = app.get("/api/v1/projects/UZB-PSD/receipts").await;
    let (status, seen) = app.request_as(Some(&donor), "GET", &format!("/api/v1/receipts/{}", uzb[0]["id"]), None).await;
    assert_eq!((status, &seen), (200, &uzb[0]));
    let (status, refused) = app.request_as(Some(&donor), "GET", &format!("/api/v1/receipts/{kaz_receipt}"), None).await;
    assert_eq!(status, 404, "{refused}");
    assert_eq!(refused["status"], 404, "{refused}");
    let (_, kaz_spent) = app.get("/api/v1/projects/KAZ-HUB/expenditures").await;
    let expenditure = format!("/api/v1/expenditures/{}", kaz_spent[0]["id"]);
    assert_eq!(app.request_as(Some(&donor), "GET", &expenditure, None).await.0, status);
    // No token: 401.
    assert_eq!(app.request_as(None, "GET", &format!("/api/v1/receipts/{kaz_receipt}"), None).await.0, 401);
}

crate::on_both_backends!(
    a_receipt_reads_back_as_its_list_shows_it,
    a_finding_is_explained_under_its_stable_key,
    a_bad_finance_seed_loads_nothing_and_names_the_place,
    kazakhstan_plans_reconcile_with_the_project_document,
    finance_views_reconcile_every_way,
    demo_checks_name_the_document_gaps,
    each_finance_check_finds_its_problem,
    bad_input_is_refused_naming_the_field,
    revisions_keep_the_approved_plan_readable,
    the_catalogue_is_data_an_admin_changes,
);
