use crate::helpers::{Backend, TestApp, fields, project_body};
use serde_json::{Value, json};

fn find<'a>(nodes: &'a Value, code: &str) -> &'a Value {
    nodes.as_array().unwrap().iter().find(|n| n["code"] == code).unwrap_or_else(|| panic!("no node {code}"))
}

async fn demo_results_tree_matches_the_kazakhstan_project_document(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (status, tree) = app.get("/api/v1/projects/KAZ-HUB/results").await;
    assert_eq!(status, 200, "{tree}");
    let outcome = find(&tree["results"], "1");
    assert_eq!(outcome["level"], "outcome");
    let oc1 = &outcome["indicators"][0];
    assert_eq!(oc1["baseline_value"], 0.0);
    let lop = oc1["targets"].as_array().unwrap().iter().find(|t| t["period"] == "LOP").unwrap();
    assert_eq!(lop["value"], 2.0, "outcome target: two joint initiatives");

    let output = find(&outcome["children"], "1.1");
    assert_eq!(output["level"], "output");
    let periods: Vec<&str> = output["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["targets"].as_array().unwrap().iter().map(|t| t["period"].as_str().unwrap()))
        .collect();
    assert!(
        periods.contains(&"2013") && periods.contains(&"2014"),
        "Output 1 has its 2013 and 2014 targets: {periods:?}"
    );

    let ars = output["children"].as_array().unwrap();
    let codes: Vec<&str> = ars.iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["1.1.1", "1.1.2", "1.1.3", "1.1.4"], "four activity results, ordered by code");
    assert!(ars.iter().all(|r| r["level"] == "activity_result"));
    let actions: Vec<usize> = ars.iter().map(|r| r["children"].as_array().unwrap().len()).collect();
    assert_eq!(&actions[..3], [6, 6, 2], "numbered actions under activity results 1-3");
    assert_eq!(find(&ars[0]["children"], "1.1.1.2")["level"], "activity");

    let (_, uzb) = app.get("/api/v1/projects/UZB-PSD/indicators").await;
    let trained = uzb.as_array().unwrap().iter().find(|i| i["title"].as_str().unwrap().contains("trained")).unwrap();
    assert!(trained["disaggregations"].as_array().unwrap().iter().any(|d| d["name"] == "sex"));
    let lop = trained["targets"].as_array().unwrap().iter().find(|t| t["period"] == "LOP").unwrap();
    assert_eq!(lop["value"], 3494.0, "staff trained out of 3 494");
}

async fn result_levels_and_parents_are_checked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.post("/api/v1/projects", &project_body("P1")).await;
    app.post("/api/v1/projects", &project_body("P2")).await;
    let (status, outcome) =
        app.post("/api/v1/projects/P1/results", &json!({"level": "outcome", "code": "1", "title": "Outcome"})).await;
    assert_eq!(status, 201, "{outcome}");
    let oid = outcome["id"].as_i64().unwrap();
    let (status, output) = app
        .post(
            "/api/v1/projects/P1/results",
            &json!({"parent_id": oid, "level": "output", "code": "1.1", "title": "Output"}),
        )
        .await;
    assert_eq!(status, 201, "{output}");
    let out_id = output["id"].as_i64().unwrap();

    // An outcome under an output: its level must be below its parent's.
    let (status, p) = app
        .post(
            "/api/v1/projects/P1/results",
            &json!({"parent_id": out_id, "level": "outcome", "code": "1.1.1", "title": "x"}),
        )
        .await;
    assert_eq!((status, fields(&p)), (422, vec!["level".to_string()]), "{p}");
    // A parent from another project does not exist for this one.
    let (status, p) = app
        .post("/api/v1/projects/P2/results", &json!({"parent_id": oid, "level": "output", "code": "1", "title": "x"}))
        .await;
    assert_eq!((status, fields(&p)), (422, vec!["parent_id".to_string()]), "{p}");
    let (status, p) =
        app.post("/api/v1/projects/P1/results", &json!({"level": "goal", "code": "9", "title": "x"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["level".to_string()]), "{p}");
    let (status, p) =
        app.post("/api/v1/projects/P1/results", &json!({"level": "outcome", "code": "1", "title": "dup"})).await;
    assert_eq!((status, fields(&p)), (409, vec!["code".to_string()]), "{p}");
    assert_eq!(
        app.post("/api/v1/projects/NOPE/results", &json!({"level": "outcome", "code": "1", "title": "x"})).await.0,
        404
    );

    // Codes sort as people read them: 1.2 before 1.10.
    for code in ["1.10", "1.2"] {
        let (s, _) = app
            .post(
                "/api/v1/projects/P1/results",
                &json!({"parent_id": oid, "level": "output", "code": code, "title": code}),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (_, tree) = app.get("/api/v1/projects/P1/results").await;
    let codes: Vec<&str> =
        tree["results"][0]["children"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["1.1", "1.2", "1.10"]);

    // Raising the outcome to output would put it level with its children.
    let (status, p) = app
        .put(&format!("/api/v1/results/{oid}"), &json!({"level": "output", "code": "1", "title": "x", "version": 1}))
        .await;
    assert_eq!((status, fields(&p)), (422, vec!["level".to_string()]), "{p}");
    assert_eq!(app.delete(&format!("/api/v1/results/{oid}")).await.0, 409, "it still has children");
    assert_eq!(app.delete(&format!("/api/v1/results/{out_id}")).await.0, 204);
    assert_eq!(app.get(&format!("/api/v1/results/{out_id}")).await.0, 404);
}

fn indicator(result_id: i64, code: &str) -> Value {
    json!({
        "result_id": result_id, "code": code, "title": "PSA/PSC staff trained on the e-learning platform",
        "unit": "persons", "measure": "number", "direction": "increase", "accumulation": "sum",
        "baseline_value": 0, "baseline_year": 2024,
        "disaggregations": [{"name": "sex", "values": ["women", "men"]}]
    })
}

async fn indicators_and_targets_are_checked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.post("/api/v1/projects", &project_body("P1")).await; // 2025-01-01 .. 2026-12-31
    let (_, output) =
        app.post("/api/v1/projects/P1/results", &json!({"level": "output", "code": "1", "title": "Output"})).await;
    let rid = output["id"].as_i64().unwrap();

    let (status, p) = app.post("/api/v1/projects/P1/indicators", &indicator(999_999, "I1")).await;
    assert_eq!((status, fields(&p)), (422, vec!["result_id".to_string()]), "an indicator on a missing result: {p}");
    let mut pct = indicator(rid, "I1");
    pct["measure"] = json!("percentage");
    pct["baseline_value"] = json!(140);
    let (status, p) = app.post("/api/v1/projects/P1/indicators", &pct).await;
    assert_eq!((status, fields(&p)), (422, vec!["accumulation".to_string(), "baseline_value".to_string()]), "{p}");
    let mut dims = indicator(rid, "I1");
    dims["disaggregations"] = json!([{"name": "sex", "values": ["women"]}]);
    let (status, p) = app.post("/api/v1/projects/P1/indicators", &dims).await;
    assert_eq!((status, fields(&p)), (422, vec!["disaggregations[0].values".to_string()]), "{p}");

    let (status, ind) = app.post("/api/v1/projects/P1/indicators", &indicator(rid, "I1")).await;
    assert_eq!(status, 201, "{ind}");
    let iid = ind["id"].as_i64().unwrap();
    let targets = format!("/api/v1/indicators/{iid}/targets");

    let (status, p) = app.post(&targets, &json!({"period": "2024", "value": 100})).await;
    assert_eq!((status, fields(&p)), (422, vec!["period".to_string()]), "a year before the project: {p}");
    let (status, p) = app.post(&targets, &json!({"period": "2027-Q1", "value": 100})).await;
    assert_eq!((status, fields(&p)), (422, vec!["period".to_string()]), "{p}");
    let (status, p) = app.post(&targets, &json!({"period": "2025-Q5", "value": 100})).await;
    assert_eq!((status, fields(&p)), (422, vec!["period".to_string()]), "{p}");
    let (status, p) = app.post(&targets, &json!({"period": "2025"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["value".to_string()]), "{p}");

    for (period, value) in [("LOP", 3494), ("2026", 1994), ("2025-q3", 500), ("2025", 1500)] {
        let (status, t) = app.post(&targets, &json!({"period": period, "value": value})).await;
        assert_eq!(status, 201, "{t}");
    }
    let (status, p) = app.post(&targets, &json!({"period": "2025", "value": 1})).await;
    assert_eq!((status, fields(&p)), (409, vec!["period".to_string()]), "{p}");

    let (_, ind) = app.get(&format!("/api/v1/indicators/{iid}")).await;
    let periods: Vec<&str> = ind["targets"].as_array().unwrap().iter().map(|t| t["period"].as_str().unwrap()).collect();
    assert_eq!(periods, ["2025-Q3", "2025", "2026", "LOP"], "canonical periods in order");

    // Turning the indicator qualitative would orphan its numeric targets.
    let mut q = indicator(rid, "I1");
    q["measure"] = json!("qualitative");
    q["accumulation"] = json!("latest");
    q["baseline_value"] = Value::Null;
    q["version"] = json!(1);
    let (status, p) = app.put(&format!("/api/v1/indicators/{iid}"), &q).await;
    assert_eq!((status, fields(&p)), (422, vec!["measure".to_string()]), "{p}");

    // Moving the project's dates would leave targets outside: refused.
    let mut shrink = project_body("P1");
    shrink["end_date"] = json!("2025-12-31");
    shrink["version"] = json!(1);
    let (status, p) = app.put("/api/v1/projects/P1", &shrink).await;
    assert_eq!((status, fields(&p)), (422, vec!["end_date".to_string()]), "{p}");

    assert_eq!(app.delete(&format!("/api/v1/indicators/{iid}")).await.0, 204);
    assert_eq!(app.get(&targets).await.0, 404);
}

crate::on_both_backends!(
    demo_results_tree_matches_the_kazakhstan_project_document,
    result_levels_and_parents_are_checked,
    indicators_and_targets_are_checked,
);
