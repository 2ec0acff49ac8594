//! Threat: two instances behind a load balancer stepping on each other. Several `rbm serve`
//! started at the same moment on one fresh database (PostgreSQL, or one SQLite file) all come
//! up: the migrations run once, under PostgreSQL's advisory lock (SQLite: one exclusive
//! transaction), and the instances then share the data, sessions included, and the login
//! limits: guesses spread over the instances count as guesses at one server.

use crate::helpers::Backend;
use crate::settings::{Rbm, free_port, healthz};
use diesel::Connection;
use diesel::connection::SimpleConnection;

const INSTANCES: usize = 3;

/// A fresh database nobody has migrated yet: its URL, and what drops it again.
struct Fresh {
    url: String,
    drop_with: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

impl Fresh {
    fn new(backend: Backend) -> Option<Fresh> {
        let name = format!("rbm_instances_{}_{}", std::process::id(), free_port());
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).unwrap();
                let url = dir.join("shared.db").to_string_lossy().into_owned();
                Some(Fresh { url, drop_with: None, dir: Some(dir) })
            }
            Backend::Postgres => {
                let admin = std::env::var("RBM_TEST_POSTGRES_URL").ok()?;
                diesel::PgConnection::establish(&admin)
                    .unwrap()
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                let (base, query) = admin.split_once('?').map_or((admin.as_str(), None), |(b, q)| (b, Some(q)));
                let server =
                    &base[..base.rfind('/').filter(|i| *i > base.find("://").unwrap() + 2).unwrap_or(base.len())];
                let url = format!("{server}/{name}{}", query.map(|q| format!("?{q}")).unwrap_or_default());
                Some(Fresh { url, drop_with: Some((admin, name)), dir: None })
            }
        }
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.drop_with
            && let Ok(mut c) = diesel::PgConnection::establish(admin)
        {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

async fn instances_started_at_once_all_come_up(backend: Backend) {
    let Some(fresh) = Fresh::new(backend) else { return };
    let addresses: Vec<String> = (0..INSTANCES).map(|_| format!("127.0.0.1:{}", free_port())).collect();
    // All at the same moment, on a database without a single table.
    let instances: Vec<Rbm> = addresses
        .iter()
        .map(|a| Rbm::spawn(&["serve", "--database", &fresh.url, "--bind", a, "--workers", "1", "--no-demo"], &[]))
        .collect();
    for a in &addresses {
        assert_eq!(healthz(a).await["status"], "ok", "instance on {a}");
    }
    // One instance's session works on the others (sessions live in the database).
    let mut bootstrap = std::process::Command::new(env!("CARGO_BIN_EXE_rbm"))
        .args(["user", "create", "--database", &fresh.url, "--email", "ops@org.example", "--role", "admin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut bootstrap.stdin.take().unwrap(), b"a long ops password\n").unwrap();
    assert!(bootstrap.wait().unwrap().success());
    let client = awc::Client::default();
    let body = serde_json::json!({"email": "ops@org.example", "password": "a long ops password"});
    let mut res = client.post(format!("http://{}/api/v1/auth/login", addresses[0])).send_json(&body).await.unwrap();
    assert_eq!(res.status(), 200);
    let token = res.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    for a in &addresses {
        let res = client.get(format!("http://{a}/api/v1/auth/me")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.status(), 200, "the session on {a}");
    }

    // Wrong passwords sent in turn to each instance count together: the sixth from this
    // address at one account waits, whichever instance it reaches (five allowed per pair).
    let guess = |a: &String, email: &str| {
        let body = serde_json::json!({"email": email, "password": "not the password"});
        client.post(format!("http://{a}/api/v1/auth/login")).send_json(&body)
    };
    for i in 0..5 {
        let res = guess(&addresses[i % INSTANCES], "ops@org.example").await.unwrap();
        assert_eq!(res.status(), 401, "guess {i} is checked");
    }
    for a in &addresses {
        let res = guess(a, "ops@org.example").await.unwrap();
        assert_eq!(res.status(), 429, "the sixth guess on {a} waits");
        assert!(res.headers().contains_key("retry-after"));
    }
    // A burst of simultaneous guesses over all instances: no more are checked than one
    // server allows (each is counted before its hash, in the shared table).
    let handles: Vec<_> = (0..24)
        .map(|i| {
            let address = addresses[i % INSTANCES].clone();
            actix_rt::spawn(async move {
                let body = serde_json::json!({"email": "nobody@org.example", "password": "not the password"});
                let client = awc::Client::builder().timeout(std::time::Duration::from_secs(60)).finish();
                client
                    .post(format!("http://{address}/api/v1/auth/login"))
                    .send_json(&body)
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = vec![];
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!((1..=5).contains(&checked), "checked guesses in the burst: {statuses:?}");
    assert!(statuses.iter().all(|s| [401, 429, 503].contains(s)), "{statuses:?}");

    for rbm in instances {
        let out = rbm.stop();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("migrations failed"), "{stderr}");
    }
}

crate::on_both_backends!(instances_started_at_once_all_come_up);
