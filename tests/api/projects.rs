use crate::helpers::{Backend, TestApp, fields, project_body};
use serde_json::json;

async fn create_read_update_delete(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (status, created) = app.post("/api/v1/projects", &project_body("UZB-PSD")).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["version"], 1);
    assert_eq!(created["title"], "Further Improvement of Public Service Delivery in Oʻzbekiston");
    let id = created["id"].as_i64().unwrap();

    // Readable by id and by code.
    assert_eq!(app.get(&format!("/api/v1/projects/{id}")).await.1["code"], "UZB-PSD");
    assert_eq!(app.get("/api/v1/projects/UZB-PSD").await.1["id"], id);

    let mut change = project_body("UZB-PSD");
    change["title"] = json!("Public Service Delivery, phase II");
    change["version"] = json!(1);
    let (status, updated) = app.put("/api/v1/projects/UZB-PSD", &change).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["title"], "Public Service Delivery, phase II");

    // The same stale version again: 412, and nothing changes.
    change["title"] = json!("Overwritten by a stale client");
    let (status, problem) = app.put("/api/v1/projects/UZB-PSD", &change).await;
    assert_eq!(status, 412, "{problem}");
    assert_eq!(problem["status"], 412);
    assert_eq!(app.get("/api/v1/projects/UZB-PSD").await.1["title"], "Public Service Delivery, phase II");

    // An update without a version is refused, naming the field.
    let (status, problem) = app.put("/api/v1/projects/UZB-PSD", &project_body("UZB-PSD")).await;
    assert_eq!((status, fields(&problem)), (422, vec!["version".to_string()]));

    assert_eq!(app.delete("/api/v1/projects/UZB-PSD").await.0, 204);
    assert_eq!(app.get("/api/v1/projects/UZB-PSD").await.0, 404);
    assert_eq!(app.delete("/api/v1/projects/UZB-PSD").await.0, 404);
}

async fn bad_project_input_gets_a_problem_naming_each_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let mut body = project_body("KAZ-HUB");
    body["title"] = json!("   ");
    body["end_date"] = json!("2024-12-31");
    body["currency"] = json!("XYZ");
    let (status, problem) = app.post("/api/v1/projects", &body).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["currency", "end_date", "title"]);

    let (status, problem) = app.request("POST", "/api/v1/projects", Some("{\"code\": \"KAZ")).await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["type"], "/problems/bad-request");

    let mut body = project_body("KAZ-HUB");
    body["colour"] = json!("blue");
    let (status, problem) = app.post("/api/v1/projects", &body).await;
    assert_eq!((status, fields(&problem)), (422, vec!["colour".to_string()]));

    let mut body = project_body("KAZ-HUB");
    body["start_date"] = json!("2025-02-30");
    let (status, problem) = app.post("/api/v1/projects", &body).await;
    assert_eq!((status, fields(&problem)), (422, vec!["start_date".to_string()]));

    let mut body = project_body("kaz hub");
    body["status"] = json!("finished");
    let (status, problem) = app.post("/api/v1/projects", &body).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["status"], "the status is read before other rules run");

    // Nothing of the above was written.
    assert_eq!(app.get("/api/v1/projects").await.1, json!([]));

    assert_eq!(app.post("/api/v1/projects", &project_body("KAZ-HUB")).await.0, 201);
    let (status, problem) = app.post("/api/v1/projects", &project_body("KAZ-HUB")).await;
    assert_eq!((status, fields(&problem)), (409, vec!["code".to_string()]));
    assert_eq!(app.get("/api/v1/projects/NOPE").await.0, 404);
    assert_eq!(app.get("/api/v1/projects/999999").await.0, 404);
}

async fn concurrent_updates_with_the_same_version_let_exactly_one_win(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.post("/api/v1/projects", &project_body("RACE")).await;
    // Six clients read version 1 and all send their change at once.
    let mut handles = vec![];
    for i in 0..6 {
        let mut b = project_body("RACE");
        b["title"] = json!(format!("writer {i}"));
        b["version"] = json!(1);
        let (client, url) = (app.client.clone(), format!("{}/api/v1/projects/RACE", app.address));
        let auth = format!("Bearer {}", app.admin_token);
        handles.push(actix_rt::spawn(async move {
            let req = client
                .put(url)
                .insert_header(("Content-Type", "application/json"))
                .insert_header(("Authorization", auth));
            req.send_body(b.to_string()).await.expect("request succeeds").status().as_u16()
        }));
    }
    let mut statuses = vec![];
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 412), "{statuses:?}");
    assert_eq!(app.get("/api/v1/projects/RACE").await.1["version"], 2);
}

crate::on_both_backends!(
    create_read_update_delete,
    bad_project_input_gets_a_problem_naming_each_field,
    concurrent_updates_with_the_same_version_let_exactly_one_win,
);
