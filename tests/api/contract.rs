//! The OpenAPI document is the contract. The server's real answers, walked through the demo
//! data, validate against the schemas the document gives for them (JSON Schema 2020-12, as
//! OpenAPI 3.1 says, formats included: a `date-time` without an offset fails); the errors it
//! answers are documented where they happen; every enum value an input may carry is accepted;
//! the document itself is the committed `tests/fixtures/openapi.json` (changed on purpose only).
//! (`.ci/run` also validates the document itself and runs schemathesis against it.)

use crate::helpers::{Backend, TestApp, project_body};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The document as served, and validators for its response schemas.
pub struct Contract {
    spec: Value,
    validators: std::cell::RefCell<BTreeMap<String, std::rc::Rc<jsonschema::Validator>>>,
}

/// One answer of the server, as sent.
pub struct Answer {
    pub status: u16,
    content_type: String,
    headers: awc::http::header::HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn call(app: &TestApp, token: Option<&str>, method: &str, path: &str, body: Option<(&str, &str)>) -> Answer {
    let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = app.client.request(method, format!("{}{path}", app.address));
    if let Some(t) = token {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    let mut res = match body {
        Some((content_type, b)) => req.insert_header(("Content-Type", content_type)).send_body(b.to_string()).await,
        None => req.send().await,
    }
    .unwrap_or_else(|e| panic!("{path}: {e}"));
    let bytes = res.body().limit(64 * 1024 * 1024).await.unwrap().to_vec();
    let content_type = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    Answer { status: res.status().as_u16(), content_type, headers: res.headers().clone(), bytes }
}

impl Contract {
    pub async fn load(app: &TestApp) -> Contract {
        let a = call(app, None, "GET", "/api/v1/openapi.json", None).await;
        assert_eq!(a.status, 200);
        Contract { spec: a.json(), validators: Default::default() }
    }

    fn operation(&self, method: &str, template: &str) -> &Value {
        let op = &self.spec["paths"][template][method.to_lowercase()];
        assert!(op.is_object(), "{method} {template} is not in the document");
        op
    }

    /// The documented response of a status (a `$ref` to a shared response resolved).
    fn response(&self, method: &str, template: &str, status: u16) -> Option<&Value> {
        let r = self.operation(method, template)["responses"].get(status.to_string())?;
        match r["$ref"].as_str() {
            Some(reference) => {
                let name = reference.strip_prefix("#/components/responses/").expect("a response reference");
                Some(&self.spec["components"]["responses"][name])
            }
            None => Some(r),
        }
    }

    fn validator(&self, schema: &Value) -> std::rc::Rc<jsonschema::Validator> {
        let key = schema.to_string();
        if let Some(v) = self.validators.borrow().get(&key) {
            return v.clone();
        }
        // The schema, with the document's components beside it so `#/components/...` resolves.
        let mut root = schema.clone();
        root["components"] = self.spec["components"].clone();
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("schema {schema}: {e}"));
        let v = std::rc::Rc::new(v);
        self.validators.borrow_mut().insert(key, v.clone());
        v
    }

    /// Checks an answer against the document: its status is listed, its media type is the
    /// documented one, its body validates and its documented headers are there.
    fn check(&self, method: &str, template: &str, url: &str, a: &Answer) {
        let what = format!("{method} {url} ({template}) answered {}", a.status);
        let Some(response) = self.response(method, template, a.status) else {
            panic!("{what}, which the document does not list: {}", String::from_utf8_lossy(&a.bytes));
        };
        for (name, _) in response["headers"].as_object().into_iter().flatten() {
            assert!(a.headers.contains_key(name.as_str()), "{what} without its documented header {name}");
        }
        let Some(content) = response["content"].as_object() else {
            assert!(a.bytes.is_empty(), "{what} with a body the document does not describe");
            return;
        };
        let essence = a.content_type.split(';').next().unwrap_or_default().trim();
        let Some(media) = content.get(essence) else {
            panic!("{what} as `{}`; documented: {:?}", a.content_type, content.keys().collect::<Vec<_>>());
        };
        if !essence.ends_with("json") {
            return;
        }
        let body: Value =
            serde_json::from_slice(&a.bytes).unwrap_or_else(|e| panic!("{what} with a body that is not JSON: {e}"));
        let errors: Vec<String> = self
            .validator(&media["schema"])
            .iter_errors(&body)
            .map(|e| format!("  at {}: {e}", e.instance_path()))
            .take(10)
            .collect();
        assert!(errors.is_empty(), "{what} with a body its schema refuses:\n{}\nbody: {body:#}", errors.join("\n"));
    }

    /// Sends a request and checks the answer against the document.
    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        app: &TestApp,
        token: Option<&str>,
        method: &str,
        template: &str,
        url: &str,
        body: Option<(&str, &str)>,
    ) -> Answer {
        let a = call(app, token, method, url, body).await;
        self.check(method, template, url, &a);
        a
    }

    /// The document's path that a concrete URL is an instance of (literal segments win).
    fn template_of(&self, method: &str, url: &str) -> String {
        let segments: Vec<&str> = url.split('?').next().unwrap().split('/').collect();
        let paths = self.spec["paths"].as_object().unwrap();
        let fits = |t: &&String| {
            let ts: Vec<&str> = t.split('/').collect();
            paths[t.as_str()].get(method.to_lowercase()).is_some()
                && ts.len() == segments.len()
                && ts.iter().zip(&segments).all(|(t, s)| t == s || t.starts_with('{'))
        };
        let literal = |t: &&String| t.split('/').filter(|s| !s.starts_with('{')).count();
        paths
            .keys()
            .filter(fits)
            .max_by_key(literal)
            .unwrap_or_else(|| panic!("{method} {url} is not in the document"))
            .clone()
    }

    /// Sends a request as the administrator that must succeed: its body validates against the
    /// documented request schema (the document is not stricter than the server), the answer
    /// against its response.
    async fn accept(&self, app: &TestApp, method: &str, url: &str, body: Option<&Value>) -> Value {
        let template = self.template_of(method, url);
        if let Some(b) = body {
            let schema = &self.operation(method, &template)["requestBody"]["content"]["application/json"]["schema"];
            let errors: Vec<String> =
                self.validator(schema).iter_errors(b).map(|e| format!("  at {}: {e}", e.instance_path())).collect();
            assert!(errors.is_empty(), "{method} {url}: its documented schema refuses {b}:\n{}", errors.join("\n"));
        }
        let text = body.map(Value::to_string);
        let a = self
            .send(app, Some(&app.admin_token), method, &template, url, text.as_deref().map(|t| ("application/json", t)))
            .await;
        assert!(
            (200..300).contains(&a.status),
            "{method} {url} {text:?}: {} {}",
            a.status,
            String::from_utf8_lossy(&a.bytes)
        );
        a.json()
    }

    /// Sends a JSON request (or none) and checks the answer against the operation the URL is
    /// an instance of.
    pub async fn exchange(
        &self,
        app: &TestApp,
        token: Option<&str>,
        method: &str,
        url: &str,
        body: Option<&str>,
    ) -> Answer {
        let template = self.template_of(method, url);
        self.send(app, token, method, &template, url, body.map(|b| ("application/json", b))).await
    }

    fn enum_values(&self, schema: &str) -> Vec<String> {
        let values = self.spec["components"]["schemas"][schema]["enum"].as_array();
        values.unwrap_or_else(|| panic!("{schema} is not an enum")).iter().map(|v| v.as_str().unwrap().into()).collect()
    }

    /// The enum schemas an input (a request body or a parameter) may carry.
    fn input_enums(&self) -> BTreeSet<String> {
        fn refs(spec: &Value, v: &Value, out: &mut BTreeSet<String>) {
            match v {
                Value::Object(o) => {
                    if let Some(name) = o.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next())
                        && out.insert(name.to_string())
                    {
                        refs(spec, &spec["components"]["schemas"][name], out);
                    }
                    o.values().for_each(|v| refs(spec, v, out));
                }
                Value::Array(a) => a.iter().for_each(|v| refs(spec, v, out)),
                _ => {}
            }
        }
        let mut reached = BTreeSet::new();
        for item in self.spec["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                refs(&self.spec, &op["requestBody"], &mut reached);
                refs(&self.spec, &op["parameters"], &mut reached);
            }
        }
        reached.retain(|name| self.spec["components"]["schemas"][name]["enum"].is_array());
        reached
    }
}

/// Ids of the demo data, by the path segment that names them (`/funding-sources/{id}`).
async fn demo_ids(app: &TestApp) -> BTreeMap<&'static str, Vec<i64>> {
    let ids_of = |v: &Value| -> Vec<i64> { v.as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect() };
    let mut ids: BTreeMap<&'static str, Vec<i64>> = BTreeMap::new();
    for kind in ["funding-sources", "budget-accounts", "exchange-rates", "users"] {
        ids.insert(kind, ids_of(&app.get(&format!("/api/v1/{kind}")).await.1));
    }
    for project in ["KAZ-HUB", "UZB-PSD"] {
        for kind in [
            "contributions",
            "indicators",
            "actuals",
            "risks",
            "issues",
            "reports",
            "work-plans",
            "expenditures",
            "receipts",
        ] {
            let (status, list) = app.get(&format!("/api/v1/projects/{project}/{kind}")).await;
            assert_eq!(status, 200, "{kind}: {list}");
            ids.entry(kind).or_default().extend(ids_of(&list));
        }
        fn walk(nodes: &Value, out: &mut Vec<i64>) {
            for n in nodes.as_array().unwrap() {
                out.push(n["id"].as_i64().unwrap());
                walk(&n["children"], out);
            }
        }
        walk(
            &app.get(&format!("/api/v1/projects/{project}/results")).await.1["results"],
            ids.entry("results").or_default(),
        );
    }
    for plan in ids["work-plans"].clone() {
        let lines = ids_of(&app.get(&format!("/api/v1/work-plans/{plan}")).await.1["lines"]);
        ids.entry("budget-lines").or_default().extend(lines);
    }
    // At most 30 of each, spread over the list: enough to meet every shape of record.
    for list in ids.values_mut() {
        assert!(!list.is_empty());
        if list.len() > 30 {
            let step = list.len() as f64 / 30.0;
            *list = (0..30).map(|i| list[(i as f64 * step) as usize]).collect();
        }
    }
    ids
}

/// Query strings worth asking each GET for, besides none.
fn queries(template: &str) -> &'static [&'static str] {
    match template {
        "/api/v1/projects/{project}/progress" => &[
            "KAZ-HUB?period=2014-Q2",
            "KAZ-HUB?period=2014",
            "KAZ-HUB?from=2013-Q3&to=2014-Q2&include_unapproved=true",
            "UZB-PSD?period=2025",
            "UZB-PSD?period=2025-Q3&include_unapproved=true",
        ],
        "/api/v1/projects/{project}/finance/summary" => {
            &["KAZ-HUB?period=2013", "KAZ-HUB?period=2013-Q2", "KAZ-HUB?period=LOP", "UZB-PSD?period=2026"]
        }
        "/api/v1/projects/{project}/finance/checks" => &["KAZ-HUB?year=2013", "UZB-PSD?year=2026"],
        "/api/v1/projects/{project}/expenditures" => &["KAZ-HUB?period=2013-Q1", "KAZ-HUB?limit=5&offset=2"],
        "/api/v1/projects/{project}/actuals" => &["KAZ-HUB?status=approved", "UZB-PSD?period=2025-Q3"],
        "/api/v1/projects/{project}/activity-progress" => &["KAZ-HUB?period=2013-Q1"],
        "/api/v1/projects/{project}/audit" => &[
            "KAZ-HUB?limit=5",
            "UZB-PSD?entity=actual&action=update",
            "KAZ-HUB?limit=5&before=100",
            "UZB-PSD?after=10",
        ],
        "/api/v1/audit" => &["?limit=50", "?entity=funding_source", "?limit=20&before=200", "?limit=3&after=1"],
        "/api/v1/exchange-rates" => &["?currency=KZT&from=2013-01&to=2013-12"],
        _ => &[],
    }
}

/// The URLs to ask for a GET path of the document.
fn urls(template: &str, ids: &BTreeMap<&'static str, Vec<i64>>) -> Vec<String> {
    let mut out = vec![];
    if template.contains("{project}") {
        for q in queries(template) {
            let (project, query) = q.split_once('?').unwrap();
            out.push(format!("{}?{query}", template.replace("{project}", project)));
        }
        // The progress needs a period; everything else answers without a query too.
        if !template.ends_with("/progress") {
            out.extend(["KAZ-HUB", "UZB-PSD", "1"].iter().map(|p| template.replace("{project}", p)));
        }
    } else if template.contains("{id}") {
        let kind = template.split("/{id}").next().unwrap().rsplit('/').next().unwrap();
        let known = ids.get(kind).unwrap_or_else(|| panic!("no demo ids known for {template}: add them to demo_ids"));
        out = known.iter().map(|id| template.replace("{id}", &id.to_string())).collect();
    } else {
        out.push(template.to_string());
        out.extend(queries(template).iter().map(|q| format!("{template}{q}")));
    }
    // A work plan's year: one each demo project has a plan for.
    let out: Vec<String> = out
        .into_iter()
        .map(|u| if u.contains("/UZB-PSD/") { u.replace("{year}", "2025") } else { u.replace("{year}", "2013") })
        .collect();
    assert!(!out.iter().any(|u| u.contains('{')), "{template}: a placeholder nobody fills");
    out
}

async fn every_get_answers_as_its_schema_says(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let contract = Contract::load(&app).await;
    let admin = app.admin_token.clone();
    // Reports to read back: a draft, and an issued one.
    let draft = json!({"template": "iptt", "period": "2025-Q3", "format": "html", "draft": true});
    let (status, d) = app.post("/api/v1/projects/UZB-PSD/reports", &draft).await;
    assert_eq!(status, 201, "{d}");
    let final_report = json!({"template": "iptt", "period": "2014", "format": "xlsx"});
    let (status, r) = app.post("/api/v1/projects/KAZ-HUB/reports", &final_report).await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(app.post(&format!("/api/v1/reports/{}/issue", r["id"]), &json!({})).await.0, 200);

    // The validator is not vacuous: a timestamp without its offset, a Rust variant name or a
    // missing field are refused.
    let v = contract.validator(&json!({"$ref": "#/components/schemas/Project"}));
    let (_, project) = app.get("/api/v1/projects/KAZ-HUB").await;
    assert!(v.is_valid(&project), "{project}");
    for (field, wrong) in
        [("created_at", json!("2025-01-01T00:00:00")), ("status", json!("Active")), ("code", Value::Null)]
    {
        let mut p = project.clone();
        p[field] = wrong;
        assert!(!v.is_valid(&p), "{field}: {p}");
    }

    let ids = demo_ids(&app).await;
    let mut asked = 0;
    for (template, item) in contract.spec["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        for url in urls(template, &ids) {
            let a = contract.send(&app, Some(&admin), "GET", template, &url, None).await;
            assert_eq!(a.status, 200, "GET {url}: {}", String::from_utf8_lossy(&a.bytes));
            asked += 1;
        }
    }
    assert!(asked > 200, "{asked} answers checked");

    // What each demo user sees of itself and of the projects.
    for (email, password) in [
        ("coordinator@rbm.example", "demo-coordinator-2025"),
        ("donor.eu@rbm.example", "demo-donor-2025"),
        ("finance@rbm.example", "demo-finance-2025"),
    ] {
        let body = json!({"email": email, "password": password}).to_string();
        let login = contract
            .send(&app, None, "POST", "/api/v1/auth/login", "/api/v1/auth/login", Some(("application/json", &body)))
            .await;
        let token = login.json()["token"].as_str().unwrap().to_string();
        for path in ["/api/v1/auth/me", "/api/v1/projects", "/api/v1/auth/tokens"] {
            assert_eq!(contract.send(&app, Some(&token), "GET", path, path, None).await.status, 200);
        }
        let reports = "/api/v1/projects/{project}/reports";
        contract.send(&app, Some(&token), "GET", reports, "/api/v1/projects/UZB-PSD/reports", None).await;
    }
}

/// The failures the server answers are listed for the operation, as problem+json.
async fn errors_are_documented_where_they_happen(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let c = Contract::load(&app).await;
    let admin = Some(app.admin_token.as_str());
    let json = "application/json";
    let (projects, project) = ("/api/v1/projects", "/api/v1/projects/{project}");

    let a = c.send(&app, None, "GET", projects, projects, None).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.headers.get("WWW-Authenticate").unwrap(), "Bearer");
    assert_eq!(c.send(&app, Some("rbm_nope"), "GET", project, "/api/v1/projects/KAZ-HUB", None).await.status, 401);
    assert_eq!(c.send(&app, admin, "GET", project, "/api/v1/projects/NOPE", None).await.status, 404);

    let body = project_body("ENUM-X").to_string();
    assert_eq!(c.send(&app, admin, "POST", projects, projects, Some(("text/plain", &body))).await.status, 415);
    assert_eq!(c.send(&app, admin, "POST", projects, projects, Some((json, "{\"code\": "))).await.status, 400);
    assert_eq!(c.send(&app, admin, "POST", projects, projects, Some((json, "{}"))).await.status, 422);
    let huge = format!("{{\"code\": \"{}\"}}", "A".repeat(2 * 1024 * 1024));
    assert_eq!(c.send(&app, admin, "POST", projects, projects, Some((json, &huge))).await.status, 413);
    assert_eq!(c.send(&app, admin, "POST", projects, projects, Some((json, &body))).await.status, 201);
    assert_eq!(c.send(&app, admin, "POST", projects, projects, Some((json, &body))).await.status, 409);
    let mut stale = project_body("ENUM-X");
    stale["version"] = json!(7);
    let stale = stale.to_string();
    assert_eq!(c.send(&app, admin, "PUT", project, "/api/v1/projects/ENUM-X", Some((json, &stale))).await.status, 412);

    let donor = app.login("donor.eu@rbm.example", "demo-donor-2025").await;
    let a = c.send(&app, Some(&donor), "PUT", project, "/api/v1/projects/UZB-PSD", Some((json, &body))).await;
    assert_eq!(a.status, 403);
    let audit = "/api/v1/projects/{project}/audit";
    assert_eq!(c.send(&app, Some(&donor), "GET", audit, "/api/v1/projects/UZB-PSD/audit", None).await.status, 403);
    assert_eq!(c.send(&app, Some(&donor), "GET", audit, "/api/v1/projects/KAZ-HUB/audit", None).await.status, 404);
    let progress = "/api/v1/projects/{project}/progress";
    let a = c.send(&app, admin, "GET", progress, "/api/v1/projects/KAZ-HUB/progress?period=2031", None).await;
    assert_eq!(a.status, 422);
    let a = c.send(&app, admin, "GET", progress, "/api/v1/projects/KAZ-HUB/progress?colour=red", None).await;
    assert_eq!(a.status, 400);
    // PostgreSQL text cannot hold NUL: refused before it reaches the database.
    assert_eq!(c.send(&app, admin, "GET", project, "/api/v1/projects/KAZ%00HUB", None).await.status, 404);
    let a = c.send(&app, admin, "GET", audit, "/api/v1/projects/KAZ-HUB/audit?entity=a%00b", None).await;
    assert_eq!(a.status, 400);
    let mut nul = project_body("ENUM-Y");
    nul["title"] = json!("a\u{0}b");
    let a = c.send(&app, admin, "POST", projects, projects, Some((json, &nul.to_string()))).await;
    assert_eq!((a.status, crate::helpers::fields(&a.json())), (422, vec!["title".to_string()]));
    let login = "/api/v1/auth/login";
    let nul = json!({"email": "a\u{0}@rbm.example", "password": "x"}).to_string();
    assert_eq!(c.send(&app, None, "POST", login, login, Some((json, &nul))).await.status, 400);
    assert_eq!(c.send(&app, None, "POST", login, login, Some((json, "{\"email\": 1}"))).await.status, 400);
    let wrong = json!({"email": "admin@rbm.example", "password": "not it"}).to_string();
    assert_eq!(c.send(&app, None, "POST", login, login, Some((json, &wrong))).await.status, 401);
}

/// Every value of every enum an input may carry is accepted where it is used.
async fn every_enum_value_of_the_inputs_is_accepted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let c = Contract::load(&app).await;
    let mut covered = BTreeSet::new();
    let mut cover = |schema: &str| {
        covered.insert(schema.to_string());
        c.enum_values(schema)
    };

    for (i, status) in cover("ProjectStatus").iter().enumerate() {
        let mut p = project_body(&format!("ENUM-{i}"));
        p["status"] = json!(status);
        c.accept(&app, "POST", "/api/v1/projects", Some(&p)).await;
    }
    c.accept(&app, "POST", "/api/v1/projects", Some(&project_body("P"))).await;
    let mut sources = vec![];
    for kind in cover("FundingKind") {
        let f = json!({"code": format!("F-{}", kind.to_uppercase()), "name": format!("Donor {kind}"), "kind": kind});
        sources.push(c.accept(&app, "POST", "/api/v1/funding-sources", Some(&f)).await["id"].clone());
    }
    // One contribution per source and project: each conversion rule on its own source.
    for (rule, source) in cover("ConversionRule").iter().zip(&sources) {
        let b = json!({"funding_source_id": source, "amount_minor": 10_000_000, "currency": "EUR",
            "conversion_rule": rule});
        c.accept(&app, "POST", "/api/v1/projects/P/contributions", Some(&b)).await;
    }
    let mut parent = Value::Null;
    let mut by_level = BTreeMap::new();
    for (depth, level) in cover("ResultLevel").iter().enumerate() {
        let code = (1..=depth + 1).map(|_| "1").collect::<Vec<_>>().join(".");
        let r =
            json!({"level": level, "code": code, "title": format!("A result of level {level}"), "parent_id": parent});
        let created = c.accept(&app, "POST", "/api/v1/projects/P/results", Some(&r)).await;
        parent = created["id"].clone();
        by_level.insert(level.clone(), parent.clone());
    }
    let (measures, directions, accumulations) = (cover("Measure"), cover("Direction"), cover("Accumulation"));
    let mut n = 0;
    for measure in &measures {
        for direction in &directions {
            for accumulation in &accumulations {
                if accumulation == "sum" && (measure != "number" || direction == "decrease") {
                    continue; // only increasing numbers add up (the rule, answered 422)
                }
                n += 1;
                let i = json!({"result_id": by_level["outcome"], "code": format!("I{n}"), "title": "Indicator",
                    "unit": "units", "measure": measure, "direction": direction, "accumulation": accumulation});
                c.accept(&app, "POST", "/api/v1/projects/P/indicators", Some(&i)).await;
            }
        }
    }
    for (i, status) in cover("ActivityStatus").iter().enumerate() {
        let percent = match status.as_str() {
            "completed" => 100,
            "not_started" | "cancelled" => 0,
            _ => 50,
        };
        let url = format!("/api/v1/results/{}/progress/2025-Q{}", by_level["activity"], i % 4 + 1);
        let url = if i >= 4 { url.replace("2025-", "2026-") } else { url };
        c.accept(&app, "PUT", &url, Some(&json!({"status": status, "percent_complete": percent}))).await;
    }
    // A manager's decisions: one submitted actual per decision, each in its own quarter.
    let i = json!({"result_id": by_level["outcome"], "code": "DEC", "title": "Decided", "unit": "units",
        "measure": "number", "direction": "increase", "accumulation": "sum"});
    let decided = c.accept(&app, "POST", "/api/v1/projects/P/indicators", Some(&i)).await["id"].clone();
    for (i, decision) in cover("Decision").iter().enumerate() {
        let period = format!("2025-Q{}", i + 1);
        let a = json!({"period": period, "value": 1});
        let a = c.accept(&app, "POST", &format!("/api/v1/indicators/{decided}/actuals"), Some(&a)).await;
        let v = json!({"version": a["version"]});
        c.accept(&app, "POST", &format!("/api/v1/actuals/{}/submit", a["id"]), Some(&v)).await;
        let d = json!({"decision": decision, "reason": "Checked against the evidence"});
        c.accept(&app, "POST", &format!("/api/v1/projects/P/periods/{period}/decide"), Some(&d)).await;
    }
    for status in cover("ActualStatus") {
        c.accept(&app, "GET", &format!("/api/v1/projects/P/actuals?status={status}"), None).await;
    }
    let statuses = cover("RiskStatus");
    let mut risk = Value::Null;
    for (i, category) in cover("RiskCategory").iter().enumerate() {
        let r = json!({"code": format!("R{i}"), "description": "A risk", "category": category, "likelihood": 2,
            "impact": 3, "status": statuses[i % statuses.len()]});
        risk = c.accept(&app, "POST", "/api/v1/projects/P/risks", Some(&r)).await["id"].clone();
    }
    for (i, status) in statuses.iter().enumerate() {
        let u = json!({"period": format!("2025-Q{}", i + 1), "note": "Reviewed", "likelihood": 1, "impact": 1, "status": status});
        c.accept(&app, "POST", &format!("/api/v1/risks/{risk}/updates"), Some(&u)).await;
    }
    let (priorities, issue_statuses) = (cover("IssuePriority"), cover("IssueStatus"));
    for (i, issue_type) in cover("IssueType").iter().enumerate() {
        for (j, status) in issue_statuses.iter().enumerate() {
            let mut b = json!({"code": format!("I{i}-{j}"), "issue_type": issue_type, "description": "An issue",
                "raised_on": "2025-03-01", "priority": priorities[(i + j) % priorities.len()], "status": status});
            if status == "closed" {
                b["closed_on"] = json!("2025-04-01");
            }
            c.accept(&app, "POST", "/api/v1/projects/P/issues", Some(&b)).await;
        }
    }
    for role in cover("Role") {
        let u = json!({"email": format!("{role}@enum.example"), "name": role, "password": "a long enough password"});
        let user = c.accept(&app, "POST", "/api/v1/users", Some(&u)).await;
        let m = json!({"user_id": user["id"], "role": role});
        c.accept(&app, "POST", "/api/v1/projects/P/members", Some(&m)).await;
    }
    for format in cover("Format") {
        let r = json!({"template": "iptt", "period": "2025-Q1", "format": format, "draft": true});
        c.accept(&app, "POST", "/api/v1/projects/P/reports", Some(&r)).await;
    }
    assert_eq!(covered, c.input_enums(), "every enum an input may carry is tried here");
}

crate::on_both_backends!(
    every_get_answers_as_its_schema_says,
    errors_are_documented_where_they_happen,
    every_enum_value_of_the_inputs_is_accepted,
);

// ---------------------------------------------------------------------------------------
// The committed document

/// Where the document as served is committed: a change to the contract shows in review as a
/// change to this file, and is made on purpose (`RBM_BLESS=1`), never by a renamed column.
fn committed_document() -> std::path::PathBuf {
    crate::helpers::fixtures_dir().join("openapi.json")
}

/// Re-indents JSON text two spaces a level, keeping its keys in the order they came (the
/// order of a schema's properties is the order the fields go out on the wire; a parsed
/// `serde_json::Value` would sort them).
fn pretty_in_order(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    let mut chars = json.chars().peekable();
    let (mut in_string, mut escaped) = (false, false);
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                    chars.next();
                }
                if let Some(&close @ ('}' | ']')) = chars.peek() {
                    chars.next();
                    out.push(c);
                    out.push(close);
                } else {
                    out.push(c);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

/// The places where two documents differ, one line each (`+` added, `-` removed, `~` changed),
/// as a path of keys from the root.
fn differences(path: &str, old: &Value, new: &Value, out: &mut Vec<String>) {
    let short = |v: &Value| {
        let s = v.to_string();
        if s.chars().count() > 100 { format!("{}...", s.chars().take(100).collect::<String>()) } else { s }
    };
    let at = |step: &str| if path.is_empty() { step.to_string() } else { format!("{path} > {step}") };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => differences(&at(k), v, w, out),
                    None => out.push(format!("- {}: {}", at(k), short(v))),
                }
            }
            for (k, w) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                out.push(format!("+ {}: {}", at(k), short(w)));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                differences(&at(&format!("[{i}]")), v, w, out);
            }
        }
        (a, b) if a != b => out.push(format!("~ {path}: {} -> {}", short(a), short(b))),
        _ => {}
    }
}

/// The document the server serves is the committed `tests/fixtures/openapi.json`, to the
/// order of the fields: the API's JSON types are the contract, and changing them (or, through
/// them, a column) must be a deliberate act that refreshes the file. `info.version` is left
/// out: a release changes it and nothing else. `RBM_BLESS=1` rewrites the file from the server.
#[actix_rt::test]
async fn the_served_document_is_the_committed_one() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let served = call(&app, None, "GET", "/api/v1/openapi.json", None).await;
    assert_eq!(served.status, 200);
    let text = String::from_utf8(served.bytes).expect("the document is UTF-8");
    let release = format!("\"version\":\"{}\"", env!("CARGO_PKG_VERSION"));
    assert_eq!(text.matches(&release).count(), 1, "the release's version appears once, in `info`");
    let served = pretty_in_order(&text.replace(&release, "\"version\":\"(the release)\""));
    let path = committed_document();
    if std::env::var_os("RBM_BLESS").is_some() {
        std::fs::write(&path, &served).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("wrote {}", path.display());
        return;
    }
    let bless = format!(
        "If the change is intended, refresh the file and commit it with the change:\n    \
         RBM_BLESS=1 cargo test --test api the_served_document_is_the_committed_one\n\
         (then review `git diff {}`).",
        path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(&path).display()
    );
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}\nThere is no committed document yet. {bless}", path.display()));
    if committed == served {
        return;
    }
    let (old, new): (Value, Value) =
        (serde_json::from_str(&committed).unwrap(), serde_json::from_str(&served).unwrap());
    let mut changed = vec![];
    differences("", &old, &new, &mut changed);
    if changed.is_empty() {
        // Same content in another order: show where the text parts.
        let at = committed.lines().zip(served.lines()).position(|(a, b)| a != b).unwrap_or(0);
        let around = |t: &str| t.lines().skip(at.saturating_sub(3)).take(7).collect::<Vec<_>>().join("\n");
        changed.push(format!(
            "the same content in another order (fields go out in this order), from line {}:\n--- committed\n{}\n+++ served\n{}",
            at + 1,
            around(&committed),
            around(&served)
        ));
    }
    let more = changed.len().saturating_sub(60);
    changed.truncate(60);
    if more > 0 {
        changed.push(format!("... and {more} more"));
    }
    panic!("The served OpenAPI document differs from {}:\n{}\n\n{bless}", path.display(), changed.join("\n"));
}
