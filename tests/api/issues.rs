//! The issue log beside the risk log: rules, optimistic locking, the seeds and the audit trail.

use crate::helpers::{Backend, TestApp, fields};
use serde_json::json;

async fn the_issue_log_keeps_what_happened_and_the_response(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    // The demo seeds carry an issue log for both projects, oldest first.
    let (status, log) = app.get("/api/v1/projects/UZB-PSD/issues").await;
    assert_eq!(status, 200, "{log}");
    let codes: Vec<&str> = log.as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["I1", "I2", "I3", "I4"]);
    assert_eq!((log[2]["issue_type"].as_str(), log[2]["status"].as_str()), (Some("general"), Some("in_progress")));
    assert_eq!(log[1]["closed_on"], "2024-08-30");

    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let post = |body: serde_json::Value| {
        let (app, t) = (&app, coordinator.clone());
        async move { app.request_as(Some(&t), "POST", "/api/v1/projects/UZB-PSD/issues", Some(&body.to_string())).await }
    };
    let issue = json!({"code": "I5", "issue_type": "off_specification", "description": "Training videos lack subtitles",
        "raised_on": "2026-02-03", "raised_by": "PSA training unit", "priority": "low", "status": "open"});
    // A closed issue says when; an open one does not; nothing closes before it is raised or
    // is raised outside the project; unknown vocabulary and fields are named.
    let mut bad = issue.clone();
    bad["status"] = json!("closed");
    let (status, p) = post(bad.clone()).await;
    assert_eq!((status, fields(&p)), (422, vec!["closed_on".to_string()]), "{p}");
    bad["closed_on"] = json!("2026-01-10");
    bad["raised_on"] = json!("2022-12-31");
    let (status, p) = post(bad).await;
    assert_eq!((status, fields(&p)), (422, vec!["raised_on".to_string()]), "{p}");
    let mut bad = issue.clone();
    bad["closed_on"] = json!("2026-03-01");
    bad["priority"] = json!("urgent");
    let (status, p) = post(bad).await;
    assert_eq!(status, 422, "{p}");
    assert!(fields(&p).contains(&"priority".to_string()), "{p}");
    let (status, _) =
        post(json!({"code": "I1", "issue_type": "general", "description": "x", "raised_on": "2025-01-01",
        "priority": "low", "status": "open"}))
        .await;
    assert_eq!(status, 409, "the code is taken");
    let (_, log) = app.get("/api/v1/projects/UZB-PSD/issues").await;
    assert_eq!(log.as_array().unwrap().len(), 4, "nothing stored on error");

    let (status, created) = post(issue.clone()).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("/api/v1/issues/{}", created["id"]);
    // Closing it: a stale version is refused, the right one closes it.
    let mut closing = issue.clone();
    closing["status"] = json!("closed");
    closing["closed_on"] = json!("2026-03-02");
    closing["response"] = json!("Subtitles added by the contractor");
    closing["version"] = json!(7);
    assert_eq!(app.request_as(Some(&coordinator), "PUT", &path, Some(&closing.to_string())).await.0, 412);
    closing["version"] = created["version"].clone();
    let (status, closed) = app.request_as(Some(&coordinator), "PUT", &path, Some(&closing.to_string())).await;
    assert_eq!(
        (status, closed["status"].as_str(), closed["closed_on"].as_str()),
        (200, Some("closed"), Some("2026-03-02"))
    );
    let (_, trail) = app.get(&format!("/api/v1/projects/UZB-PSD/audit?entity=issue&entity_id={}", created["id"])).await;
    let actions: Vec<&str> = trail.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["update", "create"], "{trail}");
    assert_eq!(trail[0]["after"]["response"], "Subtitles added by the contractor");
    // Donors read the log but do not keep it.
    let donor = app.login("donor.eu@rbm.example", "demo-donor-2025").await;
    assert_eq!(app.request_as(Some(&donor), "GET", &path, None).await.0, 200);
    assert_eq!(app.request_as(Some(&donor), "DELETE", &path, None).await.0, 403);
    assert_eq!(app.request_as(Some(&coordinator), "DELETE", &path, None).await.0, 204);
    assert_eq!(app.get(&path).await.0, 404);
}

crate::on_both_backends!(the_issue_log_keeps_what_happened_and_the_response);
