//! Threat: locking everyone out of administration. The last active administrator cannot remove
//! its own admin flag or deactivate itself (409 saying why), and nobody can do it for them;
//! with another active administrator both are allowed.

use crate::helpers::{Backend, TestApp};
use serde_json::{Value, json};

async fn user(app: &TestApp, token: &str, id: i64) -> Value {
    let (status, u) = app.request_as(Some(token), "GET", &format!("/api/v1/users/{id}"), None).await;
    assert_eq!(status, 200, "{u}");
    u
}

/// PUT /users/{id} as `token` with the given flags; the user's current version is read first.
async fn set_flags(app: &TestApp, token: &str, id: i64, is_admin: bool, active: bool) -> (u16, Value) {
    let u = user(app, token, id).await;
    let body = json!({"name": u["name"], "is_admin": is_admin, "active": active, "version": u["version"]});
    app.request_as(Some(token), "PUT", &format!("/api/v1/users/{id}"), Some(&body.to_string())).await
}

async fn create_admin(app: &TestApp, email: &str) -> i64 {
    let body = json!({"email": email, "name": email, "password": "a long enough password", "is_admin": true});
    let (status, u) = app.post("/api/v1/users", &body).await;
    assert_eq!(status, 201, "{u}");
    u["id"].as_i64().unwrap()
}

async fn the_last_administrator_stays_one(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let admin = app.admin_token.clone();
    let me = app.request_as(Some(&admin), "GET", "/api/v1/auth/me", None).await.1["user_id"].as_i64().unwrap();

    // Alone: neither the admin flag nor the account can go.
    let (status, p) = set_flags(&app, &admin, me, false, true).await;
    assert_eq!(status, 409, "{p}");
    assert_eq!(p["errors"][0]["field"], "is_admin", "{p}");
    assert!(p["detail"].as_str().unwrap().contains("you are the last active administrator"), "{p}");
    let (status, p) = set_flags(&app, &admin, me, true, false).await;
    assert_eq!(status, 409, "{p}");
    assert_eq!(p["errors"][0]["field"], "active", "{p}");
    let (status, p) = set_flags(&app, &admin, me, false, false).await;
    assert_eq!(status, 409, "{p}");
    let u = user(&app, &admin, me).await;
    assert_eq!((u["is_admin"].as_bool(), u["active"].as_bool()), (Some(true), Some(true)), "nothing changed: {u}");

    // An inactive administrator does not count.
    let sleeper = create_admin(&app, "sleeper@test.example").await;
    assert_eq!(set_flags(&app, &admin, sleeper, true, false).await.0, 200);
    assert_eq!(set_flags(&app, &admin, me, false, true).await.0, 409);

    // With a second active administrator, either may step down, once.
    let second = create_admin(&app, "second@test.example").await;
    let second_token = app.login("second@test.example", "a long enough password").await;
    let (status, p) = set_flags(&app, &second_token, me, false, true).await;
    assert_eq!(status, 200, "another administrator remains: {p}");
    let (status, p) = set_flags(&app, &second_token, second, true, false).await;
    assert_eq!(status, 409, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("you are the last active administrator"), "{p}");
    let (status, p) = set_flags(&app, &second_token, second, false, true).await;
    assert_eq!(status, 409, "{p}");
    // Renaming the last administrator, or giving the flag back, is fine.
    assert_eq!(set_flags(&app, &second_token, second, true, true).await.0, 200);
    assert_eq!(set_flags(&app, &second_token, me, true, true).await.0, 200);
    assert_eq!(set_flags(&app, &second_token, second, true, false).await.0, 200, "two again: one may go");
}

crate::on_both_backends!(the_last_administrator_stays_one);
