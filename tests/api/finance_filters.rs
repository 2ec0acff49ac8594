//! The expenditure list's filters and the reports that used an exchange rate (the
//! expenditures and exchange-rate pages read the same).

use crate::helpers::{Backend, TestApp};
use serde_json::{Value, json};

async fn listed(app: &TestApp, query: &str) -> Vec<Value> {
    let (status, v) = app.get(&format!("/api/v1/projects/KAZ-HUB/expenditures?{query}")).await;
    assert_eq!(status, 200, "{query}: {v}");
    v.as_array().unwrap().clone()
}

async fn expenditures_filter_by_dates_activity_source_and_currency(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let all = listed(&app, "").await;
    assert!(all.len() > 5);
    let kzt = listed(&app, "currency=KZT").await;
    assert!(!kzt.is_empty() && kzt.len() < all.len());
    assert!(kzt.iter().all(|e| e["currency"] == "KZT" && e["exchange_rate"]["pair"] == "USD/KZT"));
    let march = listed(&app, "from=2013-03-15&to=2013-03-22").await;
    let dates: Vec<&str> = march.iter().map(|e| e["spent_on"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2013-03-15", "2013-03-20", "2013-03-22"]);
    // Activity 1.1.1.2 has the six lines of the round table (USD 23 500).
    let (_, plans) = app.get("/api/v1/projects/KAZ-HUB/work-plans").await;
    let plan_2013 = plans.as_array().unwrap().iter().find(|p| p["year"] == 2013).unwrap()["id"].clone();
    let (_, plan) = app.get(&format!("/api/v1/work-plans/{plan_2013}")).await;
    let lines: Vec<i64> = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["activity_code"] == "1.1.1.2")
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    let of_activity = listed(&app, "activity=1.1.1.2").await;
    assert_eq!(of_activity.len(), 6);
    assert!(of_activity.iter().all(|e| lines.contains(&e["budget_line_id"].as_i64().unwrap())));
    let (_, sources) = app.get("/api/v1/funding-sources").await;
    let mfa = sources.as_array().unwrap().iter().find(|s| s["code"] == "MFA").unwrap()["id"].clone();
    let on_mfa = listed(&app, &format!("funding_source_id={mfa}&activity=1.1.1.2")).await;
    let refs: Vec<&str> = on_mfa.iter().map(|e| e["reference"].as_str().unwrap()).collect();
    assert_eq!(refs, ["TA-2013-0012", "INV-2013-0031"]);
    let (status, v) = app.get("/api/v1/projects/KAZ-HUB/expenditures?from=2013-13-01").await;
    assert_eq!(status, 400, "{v}");
}

async fn a_rate_names_the_stored_reports_whose_period_used_it(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (_, rates) = app.get("/api/v1/exchange-rates?currency=KZT&from=2013-03&to=2013-04").await;
    let id = |month: &str| rates.as_array().unwrap().iter().find(|r| r["month"] == month).unwrap()["id"].clone();
    let (status, r) = app
        .post(
            "/api/v1/projects/KAZ-HUB/reports",
            &json!({"template": "undp-quarterly", "period": "2013-Q1", "format": "html"}),
        )
        .await;
    assert_eq!(status, 201, "{r}");
    // The translation of 2013-03-20 was paid in KZT at the March rate.
    let (status, used) = app.get(&format!("/api/v1/exchange-rates/{}/reports", id("2013-03"))).await;
    assert_eq!(status, 200, "{used}");
    let ours: Vec<&Value> = used.as_array().unwrap().iter().filter(|u| u["report_id"] == r["id"]).collect();
    assert_eq!(ours.len(), 1, "{used}");
    assert_eq!(ours[0]["project_code"], "KAZ-HUB");
    assert!(ours[0]["through"].as_array().unwrap().contains(&json!("expenditure")));
    // April is outside the report's quarter: no report used it.
    let (_, april) = app.get(&format!("/api/v1/exchange-rates/{}/reports", id("2013-04"))).await;
    assert!(april.as_array().unwrap().iter().all(|u| u["report_id"] != r["id"]), "{april}");
    assert_eq!(app.get("/api/v1/exchange-rates/999999/reports").await.0, 404);
}

crate::on_both_backends!(
    expenditures_filter_by_dates_activity_source_and_currency,
    a_rate_names_the_stored_reports_whose_period_used_it,
);
