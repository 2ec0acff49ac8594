use crate::helpers::{Backend, TestApp, TestDb, fields};
use rbm::seeds::{self, OnExisting};
use serde_json::Value;

async fn health_docs_and_openapi(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (status, health) = app.get("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(health["database"], if backend == Backend::Sqlite { "sqlite" } else { "postgres" });

    // The docs page and its assets come from the binary, not from a CDN.
    let (status, ct, html) = app.get_raw("/docs/").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("https://"), "the docs page must not load anything from the internet");
    let (status, _, js) = app.get_raw("/docs/swagger-ui-bundle.js").await;
    assert!(status == 200 && js.len() > 100_000, "bundled Swagger UI script, {status}");

    let (status, spec) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    // The spec is the contract: every documented GET answers on a real route.
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.len() >= 12, "{:?}", paths.keys());
    for (path, ops) in paths {
        if path == "/api/v1/auth/logout" {
            continue; // it would revoke this test's own token; tested in the auth tests
        }
        for (method, _) in ops.as_object().unwrap() {
            let (status, body) = match method.as_str() {
                "get" => {
                    app.get(&path.replace("{project}", "KAZ-HUB").replace("{id}", "1").replace("{year}", "2013")).await
                }
                // Not destructive: an id that does not exist must reach the handler, which
                // names the missing resource (a route-level 404 would not).
                "delete" => {
                    let (status, body) = app.delete(&path.replace("{project}", "NOPE").replace("{id}", "999999")).await;
                    assert_eq!(status, 404, "{path}");
                    assert_ne!(body["detail"], "the resource does not exist", "DELETE {path} is not routed");
                    continue;
                }
                // An empty object reaches the handler and fails validation, never a 404/405.
                _ => {
                    let concrete = path.replace("{project}", "KAZ-HUB").replace("{id}", "1").replace("{year}", "2013");
                    app.request(&method.to_uppercase(), &concrete, Some("{}")).await
                }
            };
            // A handler-level 404 names the missing resource; a route-level one would not.
            let routed = status != 404 || body["detail"] != "the resource does not exist";
            assert!(routed && ![405, 500].contains(&status), "{method} {path}: {status} {body}");
        }
    }
}

async fn unknown_routes_and_large_bodies_get_problems(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (status, p) = app.get("/api/v1/nothing-here").await;
    assert_eq!((status, p["status"].as_i64()), (404, Some(404)));
    let (status, _) = app.get("/api/v1/results/not-a-number").await;
    assert_eq!(status, 404);
    let big = format!("{{\"code\": \"{}\"}}", "A".repeat(2 * 1024 * 1024));
    let (status, p) = app.request("POST", "/api/v1/projects", Some(&big)).await;
    assert_eq!((status, p["status"].as_i64()), (413, Some(413)));
}

async fn demo_seed_is_idempotent(backend: Backend) {
    let Some(t) = TestDb::new(backend) else { return };
    let first = seeds::load_demo(&t.db).unwrap();
    assert_eq!(first.projects_created, ["KAZ-HUB", "UZB-PSD"]);
    assert!(first.indicators >= 8 && first.targets > first.indicators, "{first:?}");
    let again = seeds::load_demo(&t.db).unwrap();
    assert!(again.projects_created.is_empty());
    assert_eq!(again.projects_skipped, ["KAZ-HUB", "UZB-PSD"]);
    assert_eq!(again.funding_sources_created, 0);
}

async fn a_bad_seed_document_loads_nothing_and_points_at_the_field(backend: Backend) {
    let Some(t) = TestDb::new(backend) else { return };
    let mut doc: Value = serde_json::from_str(seeds::DEMO[0].1).unwrap();
    // Deep inside the tree, after many records were already inserted in the transaction.
    doc["projects"][0]["results"][0]["children"][0]["indicators"][0]["targets"][0]["period"] = "2031".into();
    let parsed = seeds::parse(&doc.to_string()).unwrap();
    let err = seeds::load(&t.db, &parsed, OnExisting::Fail).unwrap_err();
    let rbm::error::AppError::Validation(errs) = err else { panic!("{err:?}") };
    assert_eq!(errs[0].field, "projects[0].results[0].children[0].indicators[0].targets[0].period");
    assert!(seeds::is_empty(&t.db).unwrap(), "nothing of the document was written");
    let counts = t.db.tx_blocking(|c| Ok(rbm::store::funding::list_sources(c)?.len())).unwrap();
    assert_eq!(counts, 0, "not even the funding sources");

    // A document naming an existing project is refused whole.
    seeds::load_demo(&t.db).unwrap();
    let parsed = seeds::parse(seeds::DEMO[0].1).unwrap();
    let err = seeds::load(&t.db, &parsed, OnExisting::Fail).unwrap_err();
    assert!(err.to_string().contains("KAZ-HUB already exists"), "{err}");

    let err = seeds::parse(r#"{"projects": [{"code": "X", "colour": 1}]}"#).unwrap_err();
    let rbm::error::AppError::Validation(errs) = err else { panic!("{err:?}") };
    assert_eq!(errs[0].field, "projects[0].colour");
}

async fn wrong_database_urls_are_named(backend: Backend) {
    if backend == Backend::Postgres {
        let err = rbm::db::Db::connect("postgres://rbm:secret@127.0.0.1:1/none", 1).err().unwrap().to_string();
        assert!(err.contains("cannot open the postgres database"), "{err}");
        assert!(!err.contains("secret"), "the password never shows: {err}");
        assert!(err.contains("127.0.0.1"), "{err}");
    } else {
        let err = rbm::db::Db::connect("mysql://u@h/db", 1).err().unwrap().to_string();
        assert!(err.contains("unsupported database URL scheme `mysql://`"), "{err}");
        let err = rbm::db::Db::connect("/nonexistent-dir/sub/rbm.db", 1).err().unwrap().to_string();
        assert!(err.contains("cannot open the sqlite database /nonexistent-dir/sub/rbm.db"), "{err}");
    }
    let _ = fields(&Value::Null);
}

crate::on_both_backends!(
    health_docs_and_openapi,
    unknown_routes_and_large_bodies_get_problems,
    demo_seed_is_idempotent,
    a_bad_seed_document_loads_nothing_and_points_at_the_field,
    wrong_database_urls_are_named,
);
