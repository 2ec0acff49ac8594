//! Threat model: input that breaks what is built from it later.
//!
//! - text pasted from Word (or typed by a script) with control characters: refused on input
//!   with a 422 naming the field (tab, line feed and carriage return are kept), and reports
//!   render even from old stored text that has them;
//! - NUL anywhere (body, path, query, login): a 4xx on both backends (PostgreSQL refuses NUL
//!   in text, which used to answer 500);
//! - dates: ISO 8601 `YYYY-MM-DD` only, within 1900-2200, the same on both backends
//!   (PostgreSQL answered 500 for year -262143, SQLite compares dates as text).

use crate::helpers::{Backend, TestApp, fields};
use diesel::prelude::*;
use serde_json::{Value, json};

const ALLOWED: [char; 3] = ['\t', '\n', '\r'];

fn controls() -> impl Iterator<Item = char> {
    (0u8..0x20).map(char::from)
}

/// The id of a result of UZB-PSD by code, from the tree.
fn find_result(node: &Value, code: &str) -> Option<i64> {
    if node["code"] == code {
        return node["id"].as_i64();
    }
    node["children"].as_array()?.iter().find_map(|c| find_result(c, code))
}

async fn output_id(app: &TestApp) -> i64 {
    let (_, tree) = app.get("/api/v1/projects/UZB-PSD/results").await;
    tree["results"].as_array().unwrap().iter().find_map(|n| find_result(n, "1.1.1")).expect("output 1.1.1")
}

async fn control_characters_are_refused_and_every_report_still_renders(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let output = output_id(&app).await;
    for (n, c) in controls().enumerate() {
        let text = format!("Pasted from Word:{c}end");
        let risk = json!({"code": format!("RC{n}"), "description": text, "category": "organizational",
            "likelihood": 2, "impact": 2, "status": "open"});
        let r = app.post("/api/v1/projects/UZB-PSD/risks", &risk).await;
        let (_, narratives) = app.get("/api/v1/projects/UZB-PSD/narratives").await;
        let version =
            narratives.as_array().unwrap().iter().find(|x| x["period"] == "2025-Q3").map(|x| x["version"].clone());
        let narrative = json!({"summary": text, "version": version});
        let nr = app.put("/api/v1/projects/UZB-PSD/narratives/2025-Q3", &narrative).await;
        let activity =
            json!({"parent_id": output, "level": "activity", "code": format!("1.1.1.{}", 50 + n), "title": text});
        let a = app.post("/api/v1/projects/UZB-PSD/results", &activity).await;
        let indicator = json!({"result_id": output, "code": format!("XC{n}"), "title": text, "unit": "u",
            "measure": "number", "direction": "increase", "accumulation": "sum"});
        let i = app.post("/api/v1/projects/UZB-PSD/indicators", &indicator).await;
        let got = [(r.0, fields(&r.1)), (nr.0, fields(&nr.1)), (a.0, fields(&a.1)), (i.0, fields(&i.1))];
        if ALLOWED.contains(&c) {
            assert_eq!(got.clone().map(|g| g.0), [201, 200, 201, 201], "U+{n:04X} is kept: {got:?}");
        } else {
            let expected = ["description", "summary", "title", "title"].map(|f| (422, vec![f.to_string()]));
            assert_eq!(got, expected, "U+{n:04X}");
            let (_, p) = r;
            assert!(p["detail"].as_str().unwrap().contains(&format!("U+{n:04X}")), "{p}");
        }
    }
    // The kept ones are stored as sent.
    let (_, risks) = app.get("/api/v1/projects/UZB-PSD/risks").await;
    let rc9 = risks.as_array().unwrap().iter().find(|r| r["code"] == "RC9").unwrap();
    assert_eq!(rc9["description"], "Pasted from Word:\tend");

    // Text stored before this rule (or by another way in): every control character straight
    // into the database (PostgreSQL cannot hold NUL at all).
    let all: String =
        controls().filter(|c| backend == Backend::Sqlite || *c != '\0').chain(['\u{FFFE}', '\u{FFFF}']).collect();
    let old = format!("Old text {all} end");
    app.test_db
        .db
        .tx_blocking(|c| {
            use rbm::schema::{indicators, narratives, results, risks};
            diesel::update(risks::table).set(risks::description.eq(risks::description.concat(&old))).execute(c)?;
            diesel::update(narratives::table)
                .set(narratives::summary.eq(narratives::summary.concat(&old)))
                .execute(c)?;
            diesel::update(results::table).set(results::title.eq(results::title.concat(&old))).execute(c)?;
            diesel::update(indicators::table).set(indicators::title.eq(indicators::title.concat(&old))).execute(c)?;
            Ok(())
        })
        .unwrap();

    // Every template in every format renders; the HTML holds the text without them.
    for template in ["undp-quarterly", "eu-interim", "iptt"] {
        for format in ["pdf", "xlsx", "html"] {
            let body = json!({"template": template, "period": "2025-Q3", "format": format});
            let (status, meta) = app.post("/api/v1/projects/UZB-PSD/reports", &body).await;
            assert_eq!(status, 201, "{template} {format}: {meta}");
            if format == "html" {
                let (status, _, html) = app.get_raw(&format!("/api/v1/reports/{}/file", meta["id"])).await;
                assert_eq!(status, 200);
                assert!(html.contains("Old text"), "{template}: the stored text is shown");
                assert!(
                    !html.chars().any(|c| (c as u32) < 0x20 && !ALLOWED.contains(&c)),
                    "{template}: a control character"
                );
            }
        }
    }
}

async fn nul_anywhere_is_a_client_error(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    // Body: a field of a create and of an update, a key of a map.
    let (status, p) = app.post("/api/v1/projects", &json!({"code": "X\u{0}", "title": "t"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["code".to_string()]), "{p}");
    let (status, p) =
        app.post("/api/v1/funding-sources", &json!({"code": "NUL", "name": "a\u{0}b", "kind": "other"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["name".to_string()]), "{p}");
    let (status, _) = app
        .post(
            "/api/v1/indicators/1/actuals",
            &json!({"period": "2025-Q3", "value": 1, "disaggregations": {"sex": {"wo\u{0}men": 1}}}),
        )
        .await;
    assert_eq!(status, 422);
    // Path and query.
    for path in [
        "/api/v1/projects/KAZ%00HUB",
        "/api/v1/projects/KAZ-HUB/results%00",
        "/api/v1/projects/KAZ-HUB/audit?entity=indicator%00",
        "/api/v1/projects/KAZ-HUB/progress?period=2025-Q3%00",
        "/api/v1/projects/KAZ-HUB/expenditures?period=%00",
        "/api/v1/exchange-rates?currency=%00",
    ] {
        let (status, p) = app.get(path).await;
        assert!((400..500).contains(&status), "{path}: {status} {p}");
        assert_eq!(p["status"].as_u64(), Some(u64::from(status)), "{path}: problem+json");
    }
    // Login: email and password.
    for body in
        [json!({"email": "admin@test.example\u{0}", "password": "x"}), json!({"email": "\u{0}", "password": "\u{0}"})]
    {
        let (status, _) = app.request_as(None, "POST", "/api/v1/auth/login", Some(&body.to_string())).await;
        assert!((400..500).contains(&status), "{body}: {status}");
    }
    let (status, _) = app
        .request_as(
            None,
            "POST",
            "/api/v1/auth/login",
            Some(r#"{"email": "admin@test.example", "password": "a\u0000b"}"#),
        )
        .await;
    assert_eq!(status, 401, "a NUL in a password is only a wrong password");
}

async fn dates_are_iso_and_between_1900_and_2200(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    for (field, value) in [
        ("start_date", "-262143-01-01"),
        ("start_date", "2025-1-1"),
        ("start_date", "1899-12-31"),
        ("end_date", "2201-01-01"),
        ("end_date", "+10000-01-01"),
        ("end_date", "2025-02-30"),
        ("end_date", "2025-01-01T00:00:00"),
    ] {
        let mut p = crate::helpers::project_body("DATES");
        p[field] = json!(value);
        let (status, problem) = app.post("/api/v1/projects", &p).await;
        assert_eq!((status, fields(&problem)), (422, vec![field.to_string()]), "{field} = {value}: {problem}");
        let (_, current) = app.get("/api/v1/projects/KAZ-HUB").await;
        let mut update = current.clone();
        for k in ["id", "created_at", "updated_at"] {
            update.as_object_mut().unwrap().remove(k);
        }
        update[field] = json!(value);
        let (status, problem) = app.put("/api/v1/projects/KAZ-HUB", &update).await;
        assert_eq!((status, fields(&problem)), (422, vec![field.to_string()]), "PUT {field} = {value}: {problem}");
    }
    let (status, _) = app.post("/api/v1/projects", &crate::helpers::project_body("DATES")).await;
    assert_eq!(status, 201, "1900-2200 in ISO form is fine");
    // Every other date the API takes.
    let far = "-262143-01-01";
    for (path, body, field) in [
        (
            "/api/v1/projects/KAZ-HUB/expenditures",
            json!({"budget_line_id": 1, "spent_on": far, "amount_minor": 1, "currency": "USD", "reference": "x"}),
            "spent_on",
        ),
        (
            "/api/v1/projects/KAZ-HUB/receipts",
            json!({"funding_source_id": 1, "received_on": "2013-2-20", "amount_minor": 1, "currency": "USD", "reference": "x"}),
            "received_on",
        ),
        ("/api/v1/work-plans/1/approve", json!({"approved_on": far, "version": 1}), "approved_on"),
        (
            "/api/v1/projects/KAZ-HUB/issues",
            json!({"code": "I9", "issue_type": "general", "description": "x", "raised_on": "2025-1-1",
                "priority": "low", "status": "open"}),
            "raised_on",
        ),
    ] {
        let (status, p) = app.post(path, &body).await;
        assert_eq!((status, fields(&p)), (422, vec![field.to_string()]), "{path}: {p}");
    }
    for query in ["from=-262143-01-01", "to=2025-1-1", "from=3000-01-01"] {
        let (status, p) = app.get(&format!("/api/v1/projects/KAZ-HUB/audit?{query}")).await;
        assert_eq!(status, 400, "{query}: {p}");
    }
}

crate::on_both_backends!(
    dates_are_iso_and_between_1900_and_2200,
    control_characters_are_refused_and_every_report_still_renders,
    nul_anywhere_is_a_client_error
);
