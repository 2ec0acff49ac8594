//! The web pages' language as the API sets and shows it (`GET`/`PATCH /api/v1/auth/me`).

use crate::helpers::{Backend, TestApp, fields};
use serde_json::json;

async fn a_user_chooses_the_language_of_the_pages(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let token = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let me = |t: String| {
        let app = &app;
        async move { app.request_as(Some(&t), "GET", "/api/v1/auth/me", None).await }
    };
    let (status, m) = me(token.clone()).await;
    assert_eq!((status, &m["lang"]), (200, &json!(null)), "not chosen yet: {m}");

    let body = json!({"lang": "ru"}).to_string();
    let (status, m) = app.request_as(Some(&token), "PATCH", "/api/v1/auth/me", Some(&body)).await;
    assert_eq!((status, m["lang"].as_str()), (200, Some("ru")), "{m}");
    assert_eq!(m["email"], "coordinator@rbm.example");
    // Remembered for the user, not the session.
    let other = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    assert_eq!(me(other).await.1["lang"], "ru");
    // Audited like other changes.
    let (_, audit) = app.get("/api/v1/audit?entity=user_lang").await;
    assert!(audit.as_array().is_some_and(|a| a.iter().any(|e| e["after"]["lang"] == "ru")), "{audit}");

    // A language the pages do not have, or a malformed body, is a 422 naming `lang`; nothing changes.
    let (status, p) =
        app.request_as(Some(&token), "PATCH", "/api/v1/auth/me", Some(&json!({"lang": "xx"}).to_string())).await;
    assert_eq!((status, fields(&p)), (422, vec!["lang".to_string()]), "{p}");
    assert!(p["detail"].as_str().unwrap_or_default().contains("en, ru") || p.to_string().contains("en, ru"), "{p}");
    let (status, _) =
        app.request_as(Some(&token), "PATCH", "/api/v1/auth/me", Some(&json!({"lang": 5}).to_string())).await;
    assert_eq!(status, 422);
    assert_eq!(me(token.clone()).await.1["lang"], "ru");
    let (status, _) = app.request_as(None, "PATCH", "/api/v1/auth/me", Some(&body)).await;
    assert_eq!(status, 401);
}

crate::on_both_backends!(a_user_chooses_the_language_of_the_pages);
