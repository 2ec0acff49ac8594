//! Test harness: each test gets its own fresh database (a SQLite file, or a new PostgreSQL
//! database created from `RBM_TEST_POSTGRES_URL`) and the real server on a random port.

use rbm::db::Db;
use serde_json::Value;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend for each named async test function `fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[actix_rt::test] async fn $name() { super::$name($crate::helpers::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[actix_rt::test] async fn $name() { super::$name($crate::helpers::Backend::Postgres).await } )*
        }
    };
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("rbm_test_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst), nanos)
}

/// A fresh, empty (migrated) database; removed again when dropped.
pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// `None` when PostgreSQL is not configured for this run (and not required).
    pub fn new(backend: Backend) -> Option<TestDb> {
        let name = unique_name();
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                (path.to_string_lossy().into_owned(), Cleanup::File(path))
            }
            Backend::Postgres => {
                let Ok(admin_url) = std::env::var("RBM_TEST_POSTGRES_URL") else {
                    assert!(
                        std::env::var("RBM_REQUIRE_POSTGRES").is_err(),
                        "RBM_REQUIRE_POSTGRES is set but RBM_TEST_POSTGRES_URL is not"
                    );
                    eprintln!("skipped on PostgreSQL: RBM_TEST_POSTGRES_URL is not set");
                    return None;
                };
                admin_sql(&admin_url, &format!("CREATE DATABASE {name}"));
                (with_database(&admin_url, &name), Cleanup::Postgres { admin_url, name })
            }
        };
        let db = Db::connect(&url, 4).expect("test database opens and migrates");
        Some(TestDb { db, cleanup })
    }
}

/// Where the databases made by earlier releases are kept (see tests/fixtures/README.md).
pub fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Row counts of every application table, read with plain SQL (no schema of ours).
pub fn table_counts(backend: Backend, url: &str) -> std::collections::BTreeMap<String, i64> {
    use diesel::sql_types::{BigInt, Text};
    use diesel::{Connection, QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let keep = |n: &Name| !n.name.starts_with("__diesel") && !n.name.starts_with("sqlite_");
    macro_rules! count_all {
        ($c:expr, $names:expr) => {
            $names
                .into_iter()
                .filter(keep)
                .map(|n| {
                    let q = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {}", n.name));
                    let c: Count = q.get_result($c).unwrap_or_else(|e| panic!("count {}: {e}", n.name));
                    (n.name, c.n)
                })
                .collect()
        };
    }
    match backend {
        Backend::Sqlite => {
            let mut c = diesel::SqliteConnection::establish(url).expect("fixture opens");
            let names: Vec<Name> =
                diesel::sql_query("SELECT name FROM sqlite_master WHERE type = 'table'").load(&mut c).unwrap();
            count_all!(&mut c, names)
        }
        Backend::Postgres => {
            let mut c = diesel::PgConnection::establish(url).expect("fixture opens");
            let names: Vec<Name> = diesel::sql_query(
                "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .load(&mut c)
            .unwrap();
            count_all!(&mut c, names)
        }
    }
}

impl TestDb {
    /// A copy of the database the previous release made (`tests/fixtures/rbm-0.1.0.*`),
    /// migrated forward by this release; with the row counts it had before migrating.
    pub fn from_fixture(backend: Backend, release: &str) -> Option<(TestDb, std::collections::BTreeMap<String, i64>)> {
        let name = unique_name();
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                std::fs::copy(fixtures_dir().join(format!("rbm-{release}.sqlite")), &path).expect("fixture copies");
                (path.to_string_lossy().into_owned(), Cleanup::File(path))
            }
            Backend::Postgres => {
                let Ok(admin_url) = std::env::var("RBM_TEST_POSTGRES_URL") else {
                    assert!(std::env::var("RBM_REQUIRE_POSTGRES").is_err(), "RBM_REQUIRE_POSTGRES is set");
                    return None;
                };
                admin_sql(&admin_url, &format!("CREATE DATABASE {name}"));
                let url = with_database(&admin_url, &name);
                let dump =
                    std::fs::read_to_string(fixtures_dir().join(format!("rbm-{release}.postgres.sql"))).expect("dump");
                {
                    use diesel::Connection;
                    use diesel::connection::SimpleConnection;
                    let mut c = diesel::PgConnection::establish(&url).expect("fixture database");
                    c.batch_execute(&dump).expect("the dump of the previous release loads");
                }
                (url, Cleanup::Postgres { admin_url, name })
            }
        };
        let before = table_counts(backend, &url);
        let db = Db::connect(&url, 4).expect("the previous release's database migrates forward");
        Some((TestDb { db, cleanup }, before))
    }

    /// The database's URL (for plain-SQL checks).
    pub fn url(&self) -> String {
        match &self.cleanup {
            Cleanup::File(p) => p.to_string_lossy().into_owned(),
            Cleanup::Postgres { admin_url, name } => with_database(admin_url, name),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                admin_sql(admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn admin_sql(admin_url: &str, sql: &str) {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let mut c = diesel::PgConnection::establish(admin_url).expect("RBM_TEST_POSTGRES_URL connects");
    c.batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Replaces the database name of a postgres URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The real server on a random port, over its own fresh database.
pub struct TestApp {
    pub address: String,
    pub client: awc::Client,
    pub test_db: TestDb,
    /// Bearer token of an administrator, used by `get`/`post`/`put`/`delete`.
    pub admin_token: String,
}

/// The password of the test administrator (`admin@test.example`).
pub const TEST_ADMIN_PASSWORD: &str = "test-admin-password";

/// argon2 is slow on purpose: hash the test administrator's password once per process.
fn admin_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| rbm::auth::hash_password(TEST_ADMIN_PASSWORD).unwrap())
}

impl TestApp {
    /// An empty database with one administrator.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_on(TestDb::new(backend)?).await
    }

    /// The server over a given database, with one more administrator (`admin@test.example`).
    pub async fn spawn_on(test_db: TestDb) -> Option<TestApp> {
        Self::spawn_with(test_db, None).await
    }

    /// The server over a given database and report-templates folder.
    pub async fn spawn_with(test_db: TestDb, templates_dir: Option<std::path::PathBuf>) -> Option<TestApp> {
        let mut options = rbm::startup::ServerOptions { workers: Some(2), ..Default::default() };
        if let Some(dir) = templates_dir {
            options.templates = rbm::reports::templates::Templates::new(Some(dir));
        }
        Self::start(test_db, options).await
    }

    /// An empty database, with server options of the test's own (trusted proxies, login policy ...).
    pub async fn spawn_with_options(backend: Backend, options: rbm::startup::ServerOptions) -> Option<TestApp> {
        Self::start(TestDb::new(backend)?, options).await
    }

    async fn start(test_db: TestDb, options: rbm::startup::ServerOptions) -> Option<TestApp> {
        use rbm::store::{audit::Actor, users};
        let token = rbm::auth::new_token();
        let hash = rbm::auth::token_hash(&token);
        test_db
            .db
            .tx_blocking(|c| {
                let input = users::NewUser {
                    email: "admin@test.example".into(),
                    name: "Test admin".into(),
                    password: TEST_ADMIN_PASSWORD.into(),
                    is_admin: true,
                };
                let u = users::create_user(c, &Actor::system(), &input, admin_hash())?;
                users::create_token(c, &Actor::system(), u.id, "tests", "personal", &hash, None)
            })
            .expect("test admin");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
        let address = format!("http://{}", listener.local_addr().unwrap());
        let server = rbm::startup::run(listener, test_db.db.clone(), options).expect("server starts");
        actix_rt::spawn(server);
        let client = awc::Client::builder().timeout(std::time::Duration::from_secs(30)).finish();
        Some(TestApp { address, client, test_db, admin_token: token })
    }

    /// Logs in through the API and returns the session token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let body = serde_json::json!({"email": email, "password": password}).to_string();
        let (status, v) = self.request_as(None, "POST", "/api/v1/auth/login", Some(&body)).await;
        assert_eq!(status, 200, "login {email}: {v}");
        v["token"].as_str().unwrap().to_string()
    }

    /// With the demo projects (KAZ-HUB, UZB-PSD) loaded from `seeds/`.
    pub async fn with_demo(backend: Backend) -> Option<TestApp> {
        let app = Self::spawn(backend).await?;
        rbm::seeds::load_demo(&app.test_db.db).expect("demo seeds load");
        Some(app)
    }

    /// As the test administrator.
    pub async fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        self.request_as(Some(&self.admin_token.clone()), method, path, body).await
    }

    /// With the given bearer token (or none).
    pub async fn request_as(&self, token: Option<&str>, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        let url = format!("{}{}", self.address, path);
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, url).insert_header(("Content-Type", "application/json"));
        if let Some(t) = token {
            req = req.insert_header(("Authorization", format!("Bearer {t}")));
        }
        let mut res = match body {
            Some(b) => req.send_body(b.to_string()).await,
            None => req.send().await,
        }
        .expect("request succeeds");
        let status = res.status().as_u16();
        let bytes = res.body().limit(64 * 1024 * 1024).await.expect("body reads");
        let value = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        (status, value)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.request("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.request("POST", path, Some(&body.to_string())).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        self.request("PUT", path, Some(&body.to_string())).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.request("DELETE", path, None).await
    }

    /// GETs and returns the raw response: status, content type, body text.
    pub async fn get_raw(&self, path: &str) -> (u16, String, String) {
        let mut res = self
            .client
            .get(format!("{}{}", self.address, path))
            .insert_header(("Authorization", format!("Bearer {}", self.admin_token)))
            .send()
            .await
            .expect("request succeeds");
        let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let body = res.body().limit(16 * 1024 * 1024).await.unwrap();
        (res.status().as_u16(), ct, String::from_utf8_lossy(&body).into_owned())
    }
}

/// The field paths a problem+json names.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map_or(vec![], |a| a.iter().map(|e| e["field"].as_str().unwrap().to_string()).collect())
}

/// A valid project body to vary in tests.
pub fn project_body(code: &str) -> Value {
    serde_json::json!({
        "code": code,
        "title": "Further Improvement of Public Service Delivery in Oʻzbekiston",
        "country": "Uzbekistan",
        "implementing_partner": "Ministry of Justice",
        "start_date": "2025-01-01",
        "end_date": "2026-12-31",
        "currency": "USD",
        "status": "active"
    })
}

#[test]
fn with_database_replaces_only_the_name() {
    assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
    assert_eq!(with_database("postgres://u@h/postgres?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
}
