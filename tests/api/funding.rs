use crate::helpers::{Backend, TestApp, fields, project_body};
use serde_json::{Value, json};

async fn source_id(app: &TestApp, code: &str) -> i64 {
    let (_, all) = app.get("/api/v1/funding-sources").await;
    all.as_array().unwrap().iter().find(|f| f["code"] == code).expect("source exists")["id"].as_i64().unwrap()
}

async fn demo_contributions_add_up_to_the_project_document(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (status, list) = app.get("/api/v1/projects/KAZ-HUB/contributions").await;
    assert_eq!(status, 200);
    let (rb, undp, mfa) = (source_id(&app, "RB").await, source_id(&app, "UNDP").await, source_id(&app, "MFA").await);
    let amount_of = |id: i64| -> i64 {
        list.as_array().unwrap().iter().find(|c| c["funding_source_id"] == id).unwrap()["amount_minor"]
            .as_i64()
            .unwrap()
    };
    assert_eq!((amount_of(rb), amount_of(undp), amount_of(mfa)), (29_333_300, 10_000_000, 3_800_000));
    let total: i64 = list.as_array().unwrap().iter().map(|c| c["amount_minor"].as_i64().unwrap()).sum();
    assert_eq!(total, 43_133_300, "total allocated resources: USD 431 333");
}

async fn contribution_rules(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.post("/api/v1/projects", &project_body("P1")).await;
    let (status, eu) =
        app.post("/api/v1/funding-sources", &json!({"code": "EU", "name": "European Union", "kind": "eu"})).await;
    assert_eq!(status, 201, "{eu}");
    let eu_id = eu["id"].as_i64().unwrap();
    let body = |amount: Value, currency: &str, source: i64| json!({"funding_source_id": source, "amount_minor": amount, "currency": currency, "indirect_rate_bp": 700});

    let (status, p) = app.post("/api/v1/projects/P1/contributions", &body(json!(-1), "EUR", eu_id)).await;
    assert_eq!((status, fields(&p)), (422, vec!["amount_minor".to_string()]), "{p}");
    let (status, p) = app.post("/api/v1/projects/P1/contributions", &body(json!(10.5), "EUR", eu_id)).await;
    assert_eq!((status, fields(&p)), (422, vec!["amount_minor".to_string()]), "{p}");
    let (status, p) = app.post("/api/v1/projects/P1/contributions", &body(json!(100), "EURO", eu_id)).await;
    assert_eq!((status, fields(&p)), (422, vec!["currency".to_string()]), "{p}");
    let (status, p) = app.post("/api/v1/projects/P1/contributions", &body(json!(100), "EUR", 987_654)).await;
    assert_eq!((status, fields(&p)), (422, vec!["funding_source_id".to_string()]), "{p}");
    let mut bad_rate = body(json!(100), "EUR", eu_id);
    bad_rate["indirect_rate_bp"] = json!(12_000);
    let (status, p) = app.post("/api/v1/projects/P1/contributions", &bad_rate).await;
    assert_eq!((status, fields(&p)), (422, vec!["indirect_rate_bp".to_string()]), "{p}");
    assert_eq!(app.get("/api/v1/projects/P1/contributions").await.1, json!([]), "nothing half-written");

    let (status, c) = app.post("/api/v1/projects/P1/contributions", &body(json!(500_000_000), "EUR", eu_id)).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["amount_minor"], 500_000_000);
    let (status, p) = app.post("/api/v1/projects/P1/contributions", &body(json!(1), "EUR", eu_id)).await;
    assert_eq!((status, fields(&p)), (409, vec!["funding_source_id".to_string()]), "{p}");

    // A source that funds a project cannot be deleted; the contribution can.
    assert_eq!(app.delete(&format!("/api/v1/funding-sources/{eu_id}")).await.0, 409);
    let cid = c["id"].as_i64().unwrap();
    let mut change = body(json!(400_000_000), "EUR", eu_id);
    change["version"] = json!(1);
    let (status, updated) = app.put(&format!("/api/v1/contributions/{cid}"), &change).await;
    assert_eq!((status, updated["amount_minor"].as_i64()), (200, Some(400_000_000)));
    let (status, _) = app.put(&format!("/api/v1/contributions/{cid}"), &change).await;
    assert_eq!(status, 412);
    assert_eq!(app.delete(&format!("/api/v1/contributions/{cid}")).await.0, 204);
    assert_eq!(app.delete(&format!("/api/v1/funding-sources/{eu_id}")).await.0, 204);
}

async fn funding_source_rules(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (status, p) = app.post("/api/v1/funding-sources", &json!({"code": "eu", "name": "", "kind": "bank"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["kind".to_string()]), "{p}");
    let (status, p) = app.post("/api/v1/funding-sources", &json!({"code": "eu", "name": "", "kind": "eu"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["code".to_string(), "name".to_string()]), "{p}");
    assert_eq!(app.post("/api/v1/funding-sources", &json!({"code": "EU", "name": "EU", "kind": "eu"})).await.0, 201);
    let (status, p) = app.post("/api/v1/funding-sources", &json!({"code": "EU", "name": "Again", "kind": "eu"})).await;
    assert_eq!((status, fields(&p)), (409, vec!["code".to_string()]));
    assert_eq!(app.get("/api/v1/funding-sources/424242").await.0, 404);
}

crate::on_both_backends!(demo_contributions_add_up_to_the_project_document, contribution_rules, funding_source_rules);
