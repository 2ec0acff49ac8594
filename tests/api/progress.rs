//! Progress entry: actuals and their approval workflow, computed progress, quarter
//! submission, activity progress, narratives and risks.

use crate::helpers::{Backend, TestApp, fields, project_body};
use serde_json::{Value, json};

/// A project (2025-2026) with an output, an activity, and three indicators:
/// staff trained (number, sum, by sex), satisfaction (percentage) and waiting time (decrease).
struct Setup {
    coordinator: String,
    manager: String,
    trained: i64,
    satisfaction: i64,
    waiting: i64,
    activity: i64,
    output: i64,
}

async fn setup(app: &TestApp) -> Setup {
    assert_eq!(app.post("/api/v1/projects", &project_body("P1")).await.0, 201);
    let mut ids = vec![];
    for (email, role) in [("coord@p1.org", "coordinator"), ("manager@p1.org", "manager")] {
        let (_, u) =
            app.post("/api/v1/users", &json!({"email": email, "name": role, "password": "long-enough-pass"})).await;
        let (s, _) = app.post("/api/v1/projects/P1/members", &json!({"user_id": u["id"], "role": role})).await;
        assert_eq!(s, 201);
        ids.push(app.login(email, "long-enough-pass").await);
    }
    let (_, output) =
        app.post("/api/v1/projects/P1/results", &json!({"level": "output", "code": "1", "title": "Capacity"})).await;
    let output = output["id"].as_i64().unwrap();
    let (_, activity) = app
        .post(
            "/api/v1/projects/P1/results",
            &json!({"parent_id": output, "level": "activity", "code": "1.1", "title": "Training"}),
        )
        .await;
    let ind = |code: &str, body: Value| {
        let mut b = json!({"result_id": output, "code": code, "title": code, "unit": "u", "direction": "increase"});
        b.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
        b
    };
    let trained = ind(
        "TR",
        json!({"measure": "number", "accumulation": "sum", "baseline_value": 0,
        "disaggregations": [{"name": "sex", "values": ["women", "men"]}]}),
    );
    let satisfaction = ind("SAT", json!({"measure": "percentage", "accumulation": "latest", "baseline_value": 54}));
    let waiting = ind(
        "WAIT",
        json!({"measure": "number", "accumulation": "latest", "direction": "decrease", "baseline_value": 45}),
    );
    let mut out = vec![];
    for (body, targets) in [
        (trained, vec![("2025", 1000), ("LOP", 2000)]),
        (satisfaction, vec![("LOP", 75)]),
        (waiting, vec![("2025", 28), ("LOP", 20)]),
    ] {
        let (s, i) = app.post("/api/v1/projects/P1/indicators", &body).await;
        assert_eq!(s, 201, "{i}");
        let id = i["id"].as_i64().unwrap();
        for (period, value) in targets {
            assert_eq!(
                app.post(&format!("/api/v1/indicators/{id}/targets"), &json!({"period": period, "value": value}))
                    .await
                    .0,
                201
            );
        }
        out.push(id);
    }
    Setup {
        coordinator: ids[0].clone(),
        manager: ids[1].clone(),
        trained: out[0],
        satisfaction: out[1],
        waiting: out[2],
        activity: activity["id"].as_i64().unwrap(),
        output,
    }
}

async fn send(app: &TestApp, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    app.request_as(Some(token), method, path, Some(&body.to_string())).await
}

/// Enters, submits and approves an actual; returns its id.
async fn approved(app: &TestApp, s: &Setup, indicator: i64, body: Value) -> i64 {
    let (status, a) = send(app, &s.coordinator, "POST", &format!("/api/v1/indicators/{indicator}/actuals"), body).await;
    assert_eq!(status, 201, "{a}");
    let id = a["id"].as_i64().unwrap();
    let (status, a) =
        send(app, &s.coordinator, "POST", &format!("/api/v1/actuals/{id}/submit"), json!({"version": 1})).await;
    assert_eq!((status, a["status"].as_str()), (200, Some("submitted")), "{a}");
    let (status, a) =
        send(app, &s.manager, "POST", &format!("/api/v1/actuals/{id}/approve"), json!({"version": 2})).await;
    assert_eq!((status, a["status"].as_str()), (200, Some("approved")), "{a}");
    id
}

async fn bad_actuals_are_refused_naming_the_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let s = setup(&app).await;
    let post = |ind: i64, body: Value| {
        let token = s.coordinator.clone();
        let app = &app;
        async move { send(app, &token, "POST", &format!("/api/v1/indicators/{ind}/actuals"), body).await }
    };
    let cases = [
        (s.trained, json!({"period": "2024-Q4", "value": 5}), "period"),
        (s.trained, json!({"period": "2025-Q5", "value": 5}), "period"),
        (s.trained, json!({"period": "2025", "value": 5}), "period"),
        (s.trained, json!({"period": "2025-Q1", "text": "many"}), "text"),
        (
            s.trained,
            json!({"period": "2025-Q1", "value": 22, "disaggregations": {"sex": {"women": 12, "men": 9}}}),
            "disaggregations.sex",
        ),
        (
            s.trained,
            json!({"period": "2025-Q1", "value": 22, "disaggregations": {"sex": {"women": 12, "other": 10}}}),
            "disaggregations.sex.other",
        ),
        (
            s.trained,
            json!({"period": "2025-Q1", "value": 22, "disaggregations": {"age": {"youth": 22}}}),
            "disaggregations.age",
        ),
        (s.trained, json!({"period": "2025-Q1", "value": "22"}), "value"),
        (s.satisfaction, json!({"period": "2025-Q1", "numerator": 5, "denominator": 0}), "denominator"),
        (s.satisfaction, json!({"period": "2025-Q1", "value": 60}), "numerator"),
        (s.trained, json!({"period": "2025-Q1", "value": 5, "evidence_url": "not a url"}), "evidence_url"),
        (s.trained, json!({"period": "2025-Q1", "value": 5, "evidence_url": "javascript:alert(1)"}), "evidence_url"),
        (
            s.trained,
            json!({"period": "2025-Q1", "value": 5, "evidence_url": "data:text/html,<b>x</b>"}),
            "evidence_url",
        ),
        (s.trained, json!({"period": "2025-Q1", "value": 5, "evidence_url": "ftp://files.example/x"}), "evidence_url"),
    ];
    for (ind, body, field) in cases {
        let (status, p) = post(ind, body.clone()).await;
        assert_eq!(status, 422, "{body}: {p}");
        assert!(fields(&p).contains(&field.to_string()), "{body}: expected {field} in {p}");
    }
    let (_, list) = app.get("/api/v1/projects/P1/actuals").await;
    assert_eq!(list, json!([]), "nothing half-written");
    assert_eq!(post(s.trained, json!({"period": "2025-Q1", "value": 22})).await.0, 201);
    let (status, p) = post(s.trained, json!({"period": "2025-Q1", "value": 1})).await;
    assert_eq!((status, fields(&p)), (409, vec!["period".to_string()]));
}

async fn actuals_go_through_draft_submitted_approved_and_lock(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let s = setup(&app).await;
    let body = json!({"period": "2025-Q1", "value": 22, "disaggregations": {"sex": {"women": 12, "men": 10}},
        "comment": "first cohort", "evidence_url": "https://elearning.example/reports/2025-q1"});
    let (_, a) = send(&app, &s.coordinator, "POST", &format!("/api/v1/indicators/{}/actuals", s.trained), body).await;
    let path = format!("/api/v1/actuals/{}", a["id"]);
    assert_eq!(a["status"], "draft");

    // Only a manager approves, and only what was submitted.
    let (status, _) = send(&app, &s.manager, "POST", &format!("{path}/approve"), json!({"version": 1})).await;
    assert_eq!(status, 409, "a draft is not approved");
    let (status, _) = send(&app, &s.coordinator, "POST", &format!("{path}/submit"), json!({"version": 1})).await;
    assert_eq!(status, 200);
    let (status, _) = send(&app, &s.coordinator, "POST", &format!("{path}/approve"), json!({"version": 2})).await;
    assert_eq!(status, 403, "coordinators do not approve");
    let update =
        json!({"period": "2025-Q1", "value": 23, "disaggregations": {"sex": {"women": 13, "men": 10}}, "version": 2});
    let (status, p) = send(&app, &s.coordinator, "PUT", &path, update.clone()).await;
    assert_eq!(status, 409, "submitted values wait for the manager: {p}");

    // Returned with a reason, corrected, resubmitted, approved.
    let (status, p) = send(&app, &s.manager, "POST", &format!("{path}/return"), json!({"version": 2})).await;
    assert_eq!((status, fields(&p)), (422, vec!["reason".to_string()]));
    let (status, a) = send(
        &app,
        &s.manager,
        "POST",
        &format!("{path}/return"),
        json!({"version": 2, "reason": "women count differs from the attendance sheet"}),
    )
    .await;
    assert_eq!(
        (status, a["status"].as_str(), a["status_reason"].as_str()),
        (200, Some("returned"), Some("women count differs from the attendance sheet"))
    );
    let mut fix = update.clone();
    fix["version"] = json!(3);
    let (status, a) = send(&app, &s.coordinator, "PUT", &path, fix).await;
    assert_eq!((status, a["value"].as_f64()), (200, Some(23.0)), "{a}");
    send(&app, &s.coordinator, "POST", &format!("{path}/submit"), json!({"version": 4})).await;
    let (status, a) = send(&app, &s.manager, "POST", &format!("{path}/approve"), json!({"version": 5})).await;
    assert_eq!((status, a["status"].as_str()), (200, Some("approved")));

    // Approved is locked: editing is a 409 until a manager reopens it, with a reason.
    let mut edit = update.clone();
    edit["version"] = json!(6);
    assert_eq!(send(&app, &s.coordinator, "PUT", &path, edit.clone()).await.0, 409);
    assert_eq!(send(&app, &s.coordinator, "DELETE", &path, Value::Null).await.0, 409);
    let (status, p) =
        send(&app, &s.manager, "POST", &format!("{path}/reopen"), json!({"version": 6, "reason": " "})).await;
    assert_eq!((status, fields(&p)), (422, vec!["reason".to_string()]));
    let (status, p) =
        send(&app, &s.manager, "POST", &format!("{path}/reopen"), json!({"version": 5, "reason": "x"})).await;
    assert_eq!(status, 412, "stale version: {p}");
    let (status, a) = send(
        &app,
        &s.manager,
        "POST",
        &format!("{path}/reopen"),
        json!({"version": 6, "reason": "Attendance sheets re-checked by M&E"}),
    )
    .await;
    assert_eq!((status, a["status"].as_str()), (200, Some("draft")));
    edit["version"] = json!(7);
    assert_eq!(send(&app, &s.coordinator, "PUT", &path, edit).await.0, 200);

    let (_, trail) =
        app.get(&format!("/api/v1/projects/P1/audit?entity=actual&entity_id={}&action=reopen", a["id"])).await;
    assert_eq!(trail[0]["reason"], "Attendance sheets re-checked by M&E");
    assert_eq!(trail[0]["user"], "manager@p1.org");
    assert_eq!(trail[0]["before"]["status"], "approved");
}

async fn computed_progress_follows_the_rules(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let s = setup(&app).await;
    // Staff trained: 400 in 2025-Q1, 350 in Q3, entered in that order, then Q2 = 200 entered late.
    for (q, v, w) in [("2025-Q1", 400, 220), ("2025-Q3", 350, 200), ("2025-Q2", 200, 90)] {
        approved(
            &app,
            &s,
            s.trained,
            json!({"period": q, "value": v, "disaggregations": {"sex": {"women": w, "men": v - w}}}),
        )
        .await;
    }
    // Satisfaction surveys: 30/50 then 90/100.
    approved(&app, &s, s.satisfaction, json!({"period": "2025-Q1", "numerator": 30, "denominator": 50})).await;
    approved(&app, &s, s.satisfaction, json!({"period": "2025-Q2", "numerator": 90, "denominator": 100})).await;
    // Waiting time 45 -> 30 (Q2) -> 15 (Q4): overshoots the 20-minute target.
    approved(&app, &s, s.waiting, json!({"period": "2025-Q2", "value": 30})).await;
    approved(&app, &s, s.waiting, json!({"period": "2025-Q4", "value": 15})).await;
    // A draft does not count.
    send(
        &app,
        &s.coordinator,
        "POST",
        &format!("/api/v1/indicators/{}/actuals", s.trained),
        json!({"period": "2025-Q4", "value": 999}),
    )
    .await;

    let line = |report: &Value, code: &str| {
        report["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap().clone()
    };
    let (status, r) = app.get("/api/v1/projects/P1/progress?period=2025-Q3").await;
    assert_eq!(status, 200, "{r}");
    let tr = line(&r, "TR");
    assert_eq!(tr["actual_period"], 350.0);
    assert_eq!(tr["actual_cumulative"], 950.0, "Q1 + late Q2 + Q3");
    assert_eq!(tr["actual_year_to_date"], 950.0);
    assert_eq!(tr["percent_of_year_target"], 95.0);
    assert_eq!(tr["percent_of_lop_target"], 47.5);
    assert_eq!(tr["status"], "on_track", "950 of the 750 expected by Q3: {}", tr["status_basis"]);
    assert_eq!(tr["disaggregation"]["sex"]["women"], 200.0);
    let wait = line(&r, "WAIT");
    assert_eq!((wait["actual_period"].as_f64(), wait["as_of"].as_str()), (Some(30.0), Some("2025-Q2")));

    let (_, r) = app.get("/api/v1/projects/P1/progress?period=2025-Q4").await;
    let wait = line(&r, "WAIT");
    assert_eq!(wait["percent_of_lop_target"], 120.0, "(15 - 45) / (20 - 45)");
    assert_eq!(line(&r, "TR")["actual_period"], Value::Null, "the Q4 draft does not count");

    let (_, r) = app.get("/api/v1/projects/P1/progress?from=2025-Q1&to=2025-Q2").await;
    assert_eq!(r["period"], "2025-Q1..2025-Q2");
    let sat = line(&r, "SAT");
    assert_eq!((sat["numerator"].as_f64(), sat["denominator"].as_f64()), (Some(120.0), Some(150.0)));
    assert_eq!(sat["actual_period"], 80.0, "summed numerators over denominators, not the mean of 60 and 90");
    assert_eq!(line(&r, "TR")["actual_period"], 600.0);

    let (_, r) = app.get("/api/v1/projects/P1/progress?period=2025").await;
    assert_eq!(line(&r, "TR")["percent_of_period_target"], 95.0);

    // The coordinator's preview includes the draft; donors may not ask for it.
    let (status, r) = app
        .request_as(
            Some(&s.coordinator),
            "GET",
            "/api/v1/projects/P1/progress?period=2025-Q4&include_unapproved=true",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(line(&r, "TR")["actual_period"], 999.0);
    let (_, u) =
        app.post("/api/v1/users", &json!({"email": "donor@p1.org", "name": "d", "password": "long-enough-pass"})).await;
    app.post("/api/v1/projects/P1/members", &json!({"user_id": u["id"], "role": "donor"})).await;
    let donor = app.login("donor@p1.org", "long-enough-pass").await;
    let preview = "/api/v1/projects/P1/progress?period=2025-Q4&include_unapproved=true";
    assert_eq!(app.request_as(Some(&donor), "GET", preview, None).await.0, 403);
    assert_eq!(app.request_as(Some(&donor), "GET", "/api/v1/projects/P1/progress?period=2025-Q4", None).await.0, 200);

    // Bad windows name the parameter.
    for (q, field) in
        [("period=2025-Q9", "period"), ("from=2025-Q3&to=2025-Q1", "to"), ("period=2031", "period"), ("", "period")]
    {
        let (status, p) = app.get(&format!("/api/v1/projects/P1/progress?{q}")).await;
        assert_eq!((status, fields(&p)), (422, vec![field.to_string()]), "{q}: {p}");
    }
}

async fn submitting_a_quarter_submits_every_draft_and_lists_gaps(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let s = setup(&app).await;
    let url = |i: i64| format!("/api/v1/indicators/{i}/actuals");
    send(&app, &s.coordinator, "POST", &url(s.trained), json!({"period": "2025-Q3", "value": 10})).await;
    send(
        &app,
        &s.coordinator,
        "POST",
        &url(s.satisfaction),
        json!({"period": "2025-Q3", "numerator": 1, "denominator": 2}),
    )
    .await;
    // The activity reported on track in Q2, so it is expected in Q3 too.
    let (status, _) = send(
        &app,
        &s.coordinator,
        "PUT",
        &format!("/api/v1/results/{}/progress/2025-Q2", s.activity),
        json!({"status": "on_track", "percent_complete": 40, "narrative": "two cohorts trained"}),
    )
    .await;
    assert_eq!(status, 200);

    let (status, r) =
        send(&app, &s.coordinator, "POST", "/api/v1/projects/P1/periods/2025-Q3/submit", Value::Null).await;
    assert_eq!(status, 200, "{r}");
    let codes: Vec<&str> =
        r["submitted"].as_array().unwrap().iter().map(|x| x["indicator_code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 2);
    assert!(codes.contains(&"TR") && codes.contains(&"SAT"));
    let missing: Vec<&str> =
        r["missing_actuals"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert_eq!(missing, ["WAIT"], "it has a 2025 target and no 2025-Q3 actual");
    assert_eq!(r["missing_activity_progress"][0]["code"], "1.1");
    let (_, list) = app.get("/api/v1/projects/P1/actuals?period=2025-Q3&status=submitted").await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (status, p) =
        send(&app, &s.coordinator, "POST", "/api/v1/projects/P1/periods/2030-Q1/submit", Value::Null).await;
    assert_eq!((status, fields(&p)), (422, vec!["period".to_string()]));
    let (status, _) = send(&app, &s.manager, "POST", "/api/v1/projects/P1/periods/2025-Q3/submit", Value::Null).await;
    assert_eq!(status, 403);
}

async fn activity_progress_narratives_and_risks(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let s = setup(&app).await;
    let c = &s.coordinator;
    let ap = format!("/api/v1/results/{}/progress/2025-Q2", s.activity);
    let (status, p) = send(&app, c, "PUT", &ap, json!({"status": "completed", "percent_complete": 80})).await;
    assert_eq!((status, fields(&p)), (422, vec!["percent_complete".to_string()]));
    let (status, p) = send(
        &app,
        c,
        "PUT",
        &format!("/api/v1/results/{}/progress/2025-Q2", s.output),
        json!({"status": "on_track", "percent_complete": 50}),
    )
    .await;
    assert_eq!((status, fields(&p)), (422, vec!["result_id".to_string()]), "progress is for activities: {p}");
    let (status, a) = send(
        &app,
        c,
        "PUT",
        &ap,
        json!({"status": "delayed", "percent_complete": 30, "narrative": "venue not available"}),
    )
    .await;
    assert_eq!((status, a["version"].as_i64()), (200, Some(1)));
    let (status, _) = send(&app, c, "PUT", &ap, json!({"status": "on_track", "percent_complete": 50})).await;
    assert_eq!(status, 422, "an existing quarter needs the version");
    let (status, _) =
        send(&app, c, "PUT", &ap, json!({"status": "on_track", "percent_complete": 50, "version": 7})).await;
    assert_eq!(status, 412);
    let (status, a) =
        send(&app, c, "PUT", &ap, json!({"status": "on_track", "percent_complete": 50, "version": 1})).await;
    assert_eq!((status, a["percent_complete"].as_i64()), (200, Some(50)));
    let (_, list) = app.get("/api/v1/projects/P1/activity-progress?period=2025-Q2").await;
    assert_eq!((list[0]["result_code"].as_str(), list[0]["status"].as_str()), (Some("1.1"), Some("on_track")));

    let n = json!({"summary": "Навчання розпочато; Oʻzbekiston PSC staff enrolled", "challenges": "Internet in Bakhmal", "next_quarter": "Second cohort"});
    let (status, narrative) = send(&app, c, "PUT", "/api/v1/projects/P1/narratives/2025-Q2", n.clone()).await;
    assert_eq!(status, 200, "{narrative}");
    let (_, all) = app.get("/api/v1/projects/P1/narratives").await;
    assert_eq!(all[0]["summary"], "Навчання розпочато; Oʻzbekiston PSC staff enrolled");
    let (status, p) = send(&app, c, "PUT", "/api/v1/projects/P1/narratives/2025-Q2", json!({"summary": ""})).await;
    assert_eq!((status, fields(&p)), (422, vec!["summary".to_string()]));

    let risk = json!({"code": "R1", "description": "Staff turnover at PSCs", "category": "organizational", "likelihood": 4, "impact": 3, "status": "open"});
    let (status, r) = send(&app, c, "POST", "/api/v1/projects/P1/risks", risk.clone()).await;
    assert_eq!((status, r["level"].as_str()), (201, Some("substantial")), "{r}");
    let mut bad = risk.clone();
    bad["likelihood"] = json!(6);
    bad["category"] = json!("weather");
    let (status, p) = send(&app, c, "POST", "/api/v1/projects/P1/risks", bad).await;
    assert_eq!((status, fields(&p)), (422, vec!["category".to_string()]), "{p}");
    let mut bad = risk.clone();
    bad["likelihood"] = json!(6);
    bad["code"] = json!("R2");
    let (status, p) = send(&app, c, "POST", "/api/v1/projects/P1/risks", bad).await;
    assert_eq!((status, fields(&p)), (422, vec!["likelihood".to_string()]), "{p}");
    assert_eq!(send(&app, c, "POST", "/api/v1/projects/P1/risks", risk).await.0, 409);
    let upd = json!({"period": "2025-Q2", "note": "Retention bonus agreed", "likelihood": 2, "impact": 3, "status": "monitoring"});
    let (status, r) = send(&app, c, "POST", &format!("/api/v1/risks/{}/updates", r["id"]), upd.clone()).await;
    assert_eq!((status, r["likelihood"].as_i64(), r["status"].as_str()), (201, Some(2), Some("monitoring")), "{r}");
    assert_eq!(r["updates"].as_array().unwrap().len(), 1);
    assert_eq!(send(&app, c, "POST", &format!("/api/v1/risks/{}/updates", r["id"]), upd).await.0, 409);

    // The quarter's review is corrected with PUT (200), or added by it for a new quarter (201).
    let put = format!("/api/v1/risks/{}/updates/2025-Q2", r["id"]);
    let fix = json!({"note": "Retention bonus paid", "likelihood": 1, "impact": 3, "status": "open"});
    let (status, r2) = send(&app, c, "PUT", &put, fix.clone()).await;
    assert_eq!((status, r2["likelihood"].as_i64(), r2["status"].as_str()), (200, Some(1), Some("open")), "{r2}");
    let ups = r2["updates"].as_array().unwrap();
    assert_eq!((ups.len(), ups[0]["note"].as_str()), (1, Some("Retention bonus paid")), "{r2}");
    let (status, r3) = send(&app, c, "PUT", &format!("/api/v1/risks/{}/updates/2025-Q3", r["id"]), fix.clone()).await;
    assert_eq!((status, r3["updates"].as_array().unwrap().len()), (201, 2), "{r3}");
    // An earlier quarter's correction leaves the current rating (the latest review's) alone.
    let old = json!({"note": "Re-rated", "likelihood": 5, "impact": 5, "status": "open"});
    let (status, r4) = send(&app, c, "PUT", &put, old).await;
    assert_eq!((status, r4["likelihood"].as_i64(), r4["updates"][0]["likelihood"].as_i64()), (200, Some(1), Some(5)));
    let (status, p) =
        send(&app, c, "PUT", &put, json!({"note": " ", "likelihood": 6, "impact": 1, "status": "open"})).await;
    assert_eq!(status, 422, "{p}");
    assert!(fields(&p).contains(&"likelihood".to_string()) && fields(&p).contains(&"note".to_string()), "{p}");
    let (status, p) = send(&app, c, "PUT", &format!("/api/v1/risks/{}/updates/1999-Q1", r["id"]), fix).await;
    assert_eq!(status, 422, "{p}");
}

crate::on_both_backends!(
    bad_actuals_are_refused_naming_the_field,
    actuals_go_through_draft_submitted_approved_and_lock,
    computed_progress_follows_the_rules,
    submitting_a_quarter_submits_every_draft_and_lists_gaps,
    activity_progress_narratives_and_risks,
    demo_progress_can_be_checked_by_hand,
    a_manager_decides_a_quarter_in_one_call,
);

/// A manager approves or returns a quarter in one call: every submitted actual of it, or the
/// chosen ones with the versions read; all or none.
async fn a_manager_decides_a_quarter_in_one_call(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let url = "/api/v1/projects/UZB-PSD/periods/2026-Q1/decide";
    let statuses = |list: &Value| -> Vec<(i64, String)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|a| (a["id"].as_i64().unwrap(), a["status"].as_str().unwrap().into()))
            .collect()
    };
    let (_, before) = app.get("/api/v1/projects/UZB-PSD/actuals?period=2026-Q1").await;
    // The coordinator submits the quarter's drafts (and the returned one stays returned).
    let (status, _) =
        send(&app, &coordinator, "POST", "/api/v1/projects/UZB-PSD/periods/2026-Q1/submit", json!({})).await;
    assert_eq!(status, 200);
    let (_, submitted) = app.get("/api/v1/projects/UZB-PSD/actuals?period=2026-Q1&status=submitted").await;
    let submitted = statuses(&submitted);
    assert!(submitted.len() >= 2, "{submitted:?}");
    // Returning needs a reason: refused, and nothing changed.
    let (status, p) = send(&app, &manager, "POST", url, json!({"decision": "return"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["reason".to_string()]), "{p}");
    // A stale version among the chosen: all or none.
    let (_, first) = app.get(&format!("/api/v1/actuals/{}", submitted[0].0)).await;
    let (_, second) = app.get(&format!("/api/v1/actuals/{}", submitted[1].0)).await;
    let chosen = json!({"decision": "return", "reason": "Evidence missing",
        "actuals": [{"id": first["id"], "version": first["version"]}, {"id": second["id"], "version": 0}]});
    assert_eq!(send(&app, &manager, "POST", url, chosen).await.0, 412);
    let (_, still) = app.get("/api/v1/projects/UZB-PSD/actuals?period=2026-Q1&status=submitted").await;
    assert_eq!(statuses(&still), submitted, "nothing was decided");
    // The chosen one returned with its reason; then the rest of the quarter approved at once.
    let chosen = json!({"decision": "return", "reason": "Evidence missing",
        "actuals": [{"id": first["id"], "version": first["version"]}]});
    let (status, out) = send(&app, &manager, "POST", url, chosen).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out[0]["status"], "returned");
    assert_eq!(out[0]["status_reason"], "Evidence missing");
    let (status, out) = send(&app, &manager, "POST", url, json!({"decision": "approve"})).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out.as_array().unwrap().len(), submitted.len() - 1);
    assert!(statuses(&out).iter().all(|(_, s)| s == "approved"));
    // Nothing is left to decide; an actual of another quarter is named.
    let (status, p) = send(&app, &manager, "POST", url, json!({"decision": "approve"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["actuals".to_string()]), "{p}");
    let other = before.as_array().unwrap().len();
    assert!(other > 0);
    let (_, q4) = app.get("/api/v1/projects/UZB-PSD/actuals?period=2025-Q4").await;
    let elsewhere = json!({"decision": "approve", "actuals": [{"id": q4[0]["id"], "version": q4[0]["version"]}]});
    let (status, p) = send(&app, &manager, "POST", url, elsewhere).await;
    assert_eq!((status, fields(&p)), (422, vec!["actuals[0].id".to_string()]), "{p}");
    // Coordinators do not decide.
    assert_eq!(send(&app, &coordinator, "POST", url, json!({"decision": "approve"})).await.0, 403);
}

/// The README's worked example, recomputed here from the seed file itself and compared
/// with what the API says.
async fn demo_progress_can_be_checked_by_hand(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let seed: Value = serde_json::from_str(include_str!("../../seeds/demo-progress.json")).unwrap();
    let uzb = seed["progress"].as_array().unwrap().iter().find(|p| p["project"] == "UZB-PSD").unwrap();
    let approved = |code: &str| -> Vec<(String, f64)> {
        uzb["actuals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["indicator"] == code && a["status"] == "approved")
            .map(|a| (a["period"].as_str().unwrap().to_string(), a["value"].as_f64().unwrap()))
            .collect()
    };
    let op2 = approved("OP2");
    let upto = |p: &str| op2.iter().filter(|(q, _)| q.as_str() <= p).map(|(_, v)| v).sum::<f64>();
    let (_, r) = app.get("/api/v1/projects/UZB-PSD/progress?period=2025-Q3").await;
    let line = |code: &str| r["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).unwrap().clone();
    let got = line("OP2");
    assert_eq!(got["actual_cumulative"].as_f64(), Some(upto("2025-Q3")));
    assert_eq!(got["actual_year_to_date"].as_f64(), Some(upto("2025-Q3") - upto("2024-Q4")));
    // The README's figures.
    assert_eq!(got["actual_period"], 280.0);
    assert_eq!(got["actual_cumulative"], 2410.0);
    assert_eq!(got["actual_year_to_date"], 740.0);
    assert_eq!(format!("{:.2}", got["percent_of_lop_target"].as_f64().unwrap()), "68.98");
    assert_eq!(got["percent_of_year_target"], 74.0);
    assert_eq!(got["status"], "on_track");
    // The life of the project is one period of the API's vocabulary, as in the finance summary.
    let (status, lop) = app.get("/api/v1/projects/UZB-PSD/progress?period=LOP").await;
    assert_eq!(status, 200, "{lop}");
    let (_, run) = app.get("/api/v1/projects/UZB-PSD/progress?from=2023-Q1&to=2026-Q4").await;
    assert_eq!(lop["indicators"], run["indicators"]);
    let lop_op2 = lop["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "OP2").unwrap();
    assert_eq!(lop_op2["actual_period"].as_f64(), Some(op2.iter().map(|(_, v)| v).sum::<f64>()));
    let oc1 = line("OC1");
    let level =
        approved("OC1").into_iter().filter(|(q, _)| q.as_str() <= "2025-Q3").max_by(|a, b| a.0.cmp(&b.0)).unwrap().1;
    assert_eq!(oc1["actual_period"].as_f64(), Some(level));
    assert_eq!(format!("{:.2}", oc1["percent_of_year_target"].as_f64().unwrap()), "94.12", "(29 - 45) / (28 - 45)");
    // 2026-Q1 holds a draft, a submitted and a returned actual: none of them counts.
    let (_, r) = app.get("/api/v1/projects/UZB-PSD/actuals?period=2026-Q1").await;
    let statuses: Vec<&str> = r.as_array().unwrap().iter().map(|a| a["status"].as_str().unwrap()).collect();
    assert!(
        statuses.contains(&"draft") && statuses.contains(&"submitted") && statuses.contains(&"returned"),
        "{statuses:?}"
    );
}
