//! `rbm backup FILE` (README, Deploying): a consistent copy of a SQLite database taken while
//! the server runs and writes, which serves again as it was; on PostgreSQL it points to pg_dump.

use crate::helpers::{Backend, TestApp, table_counts};
use crate::settings::{Rbm, free_port, healthz};
use serde_json::{Value, json};

async fn a_backup_taken_while_serving_restores_everything(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let url = app.test_db.url();
    // A change just before the backup, while the server runs.
    let body = json!({"level": "outcome", "code": "OC-B", "title": "Written before the backup"});
    let (status, result) = app.post("/api/v1/projects/KAZ-HUB/results", &body).await;
    assert_eq!(status, 201, "{result}");

    let dir = std::env::temp_dir().join(format!("rbm_backup_{}_{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("copy.db");
    let copy_path = copy.to_str().unwrap();
    let out = Rbm::spawn(&["backup", "--database", &url, copy_path], &[]).finish();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if backend == Backend::Postgres {
        assert!(!out.status.success(), "PostgreSQL is not copied by rbm backup");
        assert!(stderr.contains("pg_dump"), "the advice names pg_dump: {stderr}");
        assert!(!copy.exists());
        return;
    }
    assert!(out.status.success(), "{stderr}");
    assert_eq!(table_counts(Backend::Sqlite, copy_path), table_counts(backend, &url), "every row copied");

    // A second backup to the same file is refused: nothing is overwritten.
    let again = Rbm::spawn(&["backup", "--database", &url, copy_path], &[]).finish();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // Restoring is serving the copy: the demo users sign in and the change is there.
    let address = format!("127.0.0.1:{}", free_port());
    let restored = Rbm::spawn(&["serve", "--database", copy_path, "--bind", &address, "--workers", "1"], &[]);
    assert_eq!(healthz(&address).await["status"], "ok");
    let client = awc::Client::default();
    let login = json!({"email": "coordinator@rbm.example", "password": "demo-coordinator-2025"});
    let mut res = client.post(format!("http://{address}/api/v1/auth/login")).send_json(&login).await.unwrap();
    assert_eq!(res.status(), 200);
    let token = res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let mut res = client
        .get(format!("http://{address}/api/v1/projects/KAZ-HUB/results"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let tree = String::from_utf8(res.body().limit(16 << 20).await.unwrap().to_vec()).unwrap();
    assert!(tree.contains("Written before the backup"), "the restored database has the last change");
    restored.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

crate::on_both_backends!(a_backup_taken_while_serving_restores_everything);
