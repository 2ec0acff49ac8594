//! Threat: published demo passwords on a production server. The demo data and its users
//! (`admin@rbm.example` / `demo-admin-2025` ...) go only into a database without users and
//! projects; never with `--no-demo`; on PostgreSQL only when asked (`--demo`, `RBM_DEMO=1`).
//! While a demo password works, the server warns at start and `/healthz` says so. These tests
//! run the built binary, as an operator would.

use crate::helpers::{Backend, TestDb};
use crate::settings::{Rbm, free_port, healthz};
use std::io::Write;
use std::process::{Command, Stdio};

/// Starts `rbm` on `url` with the given flags and environment; returns it, its address and `/healthz`.
async fn serve(url: &str, args: &[&str], env: &[(&str, &str)]) -> (Rbm, String, serde_json::Value) {
    let address = format!("127.0.0.1:{}", free_port());
    let mut all = vec!["serve", "--database", url, "--bind", &address, "--workers", "1"];
    all.extend_from_slice(args);
    let rbm = Rbm::spawn(&all, env);
    let health = healthz(&address).await;
    (rbm, address, health)
}

async fn login_status(address: &str, email: &str, password: &str) -> u16 {
    let body = serde_json::json!({"email": email, "password": password});
    let res = awc::Client::default().post(format!("http://{address}/api/v1/auth/login")).send_json(&body).await;
    res.expect("login answers").status().as_u16()
}

/// The demo administrator can log in, and the server says so (start-up warning, `/healthz`).
async fn assert_demo(rbm: Rbm, address: &str, health: &serde_json::Value, expected: bool, case: &str) {
    let demo_login = login_status(address, "admin@rbm.example", "demo-admin-2025").await;
    let out = rbm.stop();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(health["demo_credentials"].as_bool(), Some(expected), "{case}: {health}");
    assert_eq!(demo_login, if expected { 200 } else { 401 }, "{case}: the demo administrator's login");
    assert_eq!(stderr.contains("DEMO CREDENTIALS IN USE"), expected, "{case}: {stderr}");
    assert_eq!(stderr.contains("loaded demo projects"), expected, "{case}: {stderr}");
}

async fn an_empty_database_gets_the_demo_only_where_asked(backend: Backend) {
    // Bare `rbm serve`: SQLite, the embedded default, gets the demo; PostgreSQL does not.
    let Some(t) = TestDb::new(backend) else { return };
    let (rbm, address, health) = serve(&t.url(), &[], &[]).await;
    assert_demo(rbm, &address, &health, backend == Backend::Sqlite, "bare").await;

    // Asked for: --demo, or RBM_DEMO=1.
    let t = TestDb::new(backend).unwrap();
    let (rbm, address, health) = serve(&t.url(), &["--demo"], &[]).await;
    assert_demo(rbm, &address, &health, true, "--demo").await;
    let t = TestDb::new(backend).unwrap();
    let (rbm, address, health) = serve(&t.url(), &[], &[("RBM_DEMO", "1")]).await;
    assert_demo(rbm, &address, &health, true, "RBM_DEMO=1").await;

    // Never with --no-demo; and the two together are refused.
    let t = TestDb::new(backend).unwrap();
    let (rbm, address, health) = serve(&t.url(), &["--no-demo"], &[]).await;
    assert_demo(rbm, &address, &health, false, "--no-demo").await;
    let out = Rbm::spawn(&["serve", "--database", &t.url(), "--demo", "--no-demo"], &[]).finish();
    assert!(!out.status.success(), "--demo --no-demo is refused");
}

async fn a_database_with_users_never_gets_the_demo(backend: Backend) {
    // As the README says for production: create the first administrator, then serve.
    let Some(t) = TestDb::new(backend) else { return };
    let mut create = Command::new(env!("CARGO_BIN_EXE_rbm"))
        .args(["user", "create", "--database", &t.url(), "--email", "me@org.example", "--role", "admin"])
        .env_remove("RBM_DEMO")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    create.stdin.take().unwrap().write_all(b"my own long password\n").unwrap();
    let out = create.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // `rbm seed demo` refuses it too, saying why, and loads nothing.
    let out = Command::new(env!("CARGO_BIN_EXE_rbm"))
        .args(["seed", "demo", "--database", &t.url()])
        .env_remove("RBM_DEMO")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "rbm seed demo into a database with a user: {stderr}");
    assert!(stderr.contains("only into an empty database"), "{stderr}");

    // Even when asked for, the demo stays out of a database that has a user.
    let (rbm, address, health) = serve(&t.url(), &["--demo"], &[]).await;
    assert_eq!(login_status(&address, "me@org.example", "my own long password").await, 200);
    let projects = awc::Client::default().get(format!("http://{address}/api/v1/projects")).send().await.unwrap();
    assert_eq!(projects.status(), 401);
    let (stderr, demo) = {
        let demo = login_status(&address, "admin@rbm.example", "demo-admin-2025").await;
        (String::from_utf8_lossy(&rbm.stop().stderr).into_owned(), demo)
    };
    assert_eq!(demo, 401, "no demo administrator");
    assert_eq!(health["demo_credentials"], false, "{health}");
    assert!(stderr.contains("the demo data was not loaded"), "{stderr}");
    assert!(!stderr.contains("DEMO CREDENTIALS IN USE"), "{stderr}");
    let n = t.db.tx_blocking(::rbm::store::projects::list).unwrap();
    assert!(n.is_empty(), "no demo project");
}

async fn the_warning_ends_with_the_demo_password(backend: Backend) {
    // Once the demo administrator's password is changed (and the others deactivated), /healthz says so.
    let Some(t) = TestDb::new(backend) else { return };
    let (rbm, address, health) = serve(&t.url(), &["--demo"], &[]).await;
    assert_eq!(health["demo_credentials"], true);
    let body = serde_json::json!({"email": "admin@rbm.example", "password": "demo-admin-2025"});
    let mut res =
        awc::Client::default().post(format!("http://{address}/api/v1/auth/login")).send_json(&body).await.unwrap();
    let token = res.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let client = awc::Client::default();
    let mut res = client.get(format!("http://{address}/api/v1/users")).bearer_auth(&token).send().await.unwrap();
    let mut users: Vec<serde_json::Value> = res.json().await.unwrap();
    // The administrator's own new password ends its session: last.
    users.sort_by_key(|u| u["email"] == "admin@rbm.example");
    for u in &users {
        let me = u["email"] == "admin@rbm.example";
        let mut body =
            serde_json::json!({"name": u["name"], "is_admin": u["is_admin"], "active": me, "version": u["version"]});
        if me {
            body["password"] = "a new password of my own".into();
        }
        let res = client
            .put(format!("http://{address}/api/v1/users/{}", u["id"]))
            .bearer_auth(&token)
            .send_json(&body)
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{u}");
    }
    assert_eq!(healthz(&address).await["demo_credentials"], false);
    rbm.stop();
}

crate::on_both_backends!(
    an_empty_database_gets_the_demo_only_where_asked,
    a_database_with_users_never_gets_the_demo,
    the_warning_ends_with_the_demo_password,
);
