//! The part-1 gaps and languages: deleting from the results framework, and the pages in
//! English and Russian.

use super::*;

/// An indicator of the project that has actuals (the API refuses to delete it).
async fn indicator_with_actuals(app: &TestApp, project: &str) -> i64 {
    let (_, all) = app.get(&format!("/api/v1/projects/{project}/actuals")).await;
    all.as_array().and_then(|a| a.first()).expect("demo: actuals")["indicator_id"].as_i64().unwrap()
}

async fn a_coordinator_deletes_from_the_results_framework(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let (_, tree) = app.get("/api/v1/projects/UZB-PSD/results").await;
    let output = first_of_level(&tree["results"], "output").expect("demo: an output");
    let oid = output["id"].as_i64().unwrap();
    // A result with an indicator and a target, made through the API.
    let (s, r) = app
        .post(
            "/api/v1/projects/UZB-PSD/results",
            &json!({"parent_id": oid, "level": "activity_result", "code": "9.9", "title": "Short-lived result"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let rid = r["id"].as_i64().unwrap();
    let (s, i) = app
        .post(
            "/api/v1/projects/UZB-PSD/indicators",
            &json!({"result_id": rid, "code": "DEL1", "title": "Short-lived indicator", "unit": "persons",
                "measure": "number", "direction": "increase", "accumulation": "sum"}),
        )
        .await;
    assert_eq!(s, 201, "{i}");
    let iid = i["id"].as_i64().unwrap();
    let (s, t) = app.post(&format!("/api/v1/indicators/{iid}/targets"), &json!({"period": "LOP", "value": 40})).await;
    assert_eq!(s, 201, "{t}");
    let tid = t["id"].as_i64().unwrap();

    sign_in(&b, &app, COORDINATOR).await;
    // The output has children: refused with the API's reason, nothing deleted.
    go(&b, &app, "/projects/UZB-PSD/results").await;
    click(&b, &format!("a[href='/projects/UZB-PSD/results/{oid}/delete']")).await;
    assert!(text(&b, "h1").await.starts_with("Delete result"));
    submit(&b, "#confirm-delete").await;
    let refused = text(&b, "#delete-refused").await;
    assert!(refused.contains("still has") && refused.contains("delete them first"), "{refused}");
    assert_eq!(app.get(&format!("/api/v1/results/{oid}")).await.0, 200);
    screenshot(&b, backend, "framework-delete-refused-phone", PHONE, None, false).await;

    // An indicator with actuals likewise.
    let with_actuals = indicator_with_actuals(&app, "UZB-PSD").await;
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{with_actuals}/delete")).await;
    submit(&b, "#confirm-delete").await;
    assert!(text(&b, "#delete-refused").await.contains("actuals: delete them first"));
    assert_eq!(app.get(&format!("/api/v1/indicators/{with_actuals}")).await.0, 200);

    // The target, from the indicator's page: confirm, then it is gone.
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{iid}")).await;
    click(&b, &format!("a[href='/projects/UZB-PSD/indicators/{iid}/targets/{tid}/delete']")).await;
    assert!(text(&b, "#doomed").await.contains("40"));
    screenshot(&b, backend, "framework-delete-confirm-laptop", LAPTOP, None, false).await;
    // "No, keep it" keeps it.
    click(&b, "a.button.secondary").await;
    let (_, ind) = app.get(&format!("/api/v1/indicators/{iid}")).await;
    assert_eq!(ind["targets"].as_array().unwrap().len(), 1, "{ind}");
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{iid}/targets/{tid}/delete")).await;
    submit(&b, "#confirm-delete").await;
    assert_eq!(path_of(&b).await, format!("/projects/UZB-PSD/indicators/{iid}?deleted=target"));
    let (_, ind) = app.get(&format!("/api/v1/indicators/{iid}")).await;
    assert!(ind["targets"].as_array().unwrap().is_empty(), "{ind}");

    // The result still has its indicator: refused; the indicator goes, then the result.
    go(&b, &app, &format!("/projects/UZB-PSD/results/{rid}/delete")).await;
    submit(&b, "#confirm-delete").await;
    assert!(text(&b, "#delete-refused").await.contains("1 indicators"));
    go(&b, &app, "/projects/UZB-PSD/results").await;
    click(&b, &format!("a[href='/projects/UZB-PSD/indicators/{iid}/delete']")).await;
    submit(&b, "#confirm-delete").await;
    assert!(text(&b, ".notice").await.contains("DEL1"));
    assert_eq!(app.get(&format!("/api/v1/indicators/{iid}")).await.0, 404);
    click(&b, &format!("a[href='/projects/UZB-PSD/results/{rid}/delete']")).await;
    submit(&b, "#confirm-delete").await;
    assert!(text(&b, ".notice").await.contains("Deleted 9.9 Short-lived result"));
    assert_eq!(app.get(&format!("/api/v1/results/{rid}")).await.0, 404);
    // The same audit entries as through the API.
    let (_, audit) = app.get("/api/v1/projects/UZB-PSD/audit?entity=result").await;
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "delete" && e["entity_id"] == rid), "{audit}");
    sign_out(&b).await;

    // A manager reads the framework but may not delete.
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD/results").await;
    assert!(b.client.find_all(Locator::Css("a[href$='/delete']")).await.unwrap().is_empty());
    go(&b, &app, &format!("/projects/UZB-PSD/results/{oid}/delete")).await;
    assert!(b.client.find_all(Locator::Css("#confirm-delete")).await.unwrap().is_empty());
    b.close().await;
}

on_both_backends!(a_coordinator_deletes_from_the_results_framework);
