//! Authentication, the role matrix (every endpoint x role) and the audit trail.

use crate::helpers::{Backend, TestApp, fields};
use serde_json::{Value, json};
use std::collections::BTreeSet;

async fn id_of(app: &TestApp, path: &str, key: &str, value: &str) -> i64 {
    let (_, list) = app.get(path).await;
    list.as_array().unwrap().iter().find(|x| x[key] == value).unwrap_or_else(|| panic!("{path}: {value}"))["id"]
        .as_i64()
        .unwrap()
}

async fn login_tokens_and_logout(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    // Wrong password and unknown account read the same.
    let bad = json!({"email": "coordinator@rbm.example", "password": "not-the-password"}).to_string();
    let (status, p1) = app.request_as(None, "POST", "/api/v1/auth/login", Some(&bad)).await;
    assert_eq!(status, 401);
    let unknown = json!({"email": "nobody@rbm.example", "password": "whatever-it-is"}).to_string();
    let (status, p2) = app.request_as(None, "POST", "/api/v1/auth/login", Some(&unknown)).await;
    assert_eq!((status, &p1["detail"]), (401, &p2["detail"]));
    assert!(!p1.to_string().contains("not-the-password"));

    let token = app.login("Coordinator@rbm.example", "demo-coordinator-2025").await;
    let (status, me) = app.request_as(Some(&token), "GET", "/api/v1/auth/me", None).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "coordinator@rbm.example");
    let roles: Vec<(&str, &str)> = me["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["project_code"].as_str().unwrap(), p["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles, [("KAZ-HUB", "coordinator"), ("UZB-PSD", "coordinator")]);

    // A personal token for scripts: shown once, listed without its secret, revocable.
    let body = json!({"name": "quarterly export", "expires_in_days": 30}).to_string();
    let (status, issued) = app.request_as(Some(&token), "POST", "/api/v1/auth/tokens", Some(&body)).await;
    assert_eq!(status, 201, "{issued}");
    let script = issued["token"].as_str().unwrap().to_string();
    assert!(script.starts_with("rbm_"));
    let (status, list) = app.request_as(Some(&script), "GET", "/api/v1/auth/tokens", None).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&script[4..]), "the secret is never listed");
    let bad_body = json!({"name": "", "expires_in_days": 1000}).to_string();
    let (status, p) = app.request_as(Some(&token), "POST", "/api/v1/auth/tokens", Some(&bad_body)).await;
    assert_eq!((status, fields(&p)), (422, vec!["expires_in_days".to_string(), "name".to_string()]));
    let tid = issued["token_id"].as_i64().unwrap();
    let (status, _) = app.request_as(Some(&token), "DELETE", &format!("/api/v1/auth/tokens/{tid}"), None).await;
    assert_eq!(status, 204);
    assert_eq!(app.request_as(Some(&script), "GET", "/api/v1/auth/me", None).await.0, 401);

    // Logout ends the session token.
    assert_eq!(app.request_as(Some(&token), "POST", "/api/v1/auth/logout", None).await.0, 204);
    assert_eq!(app.request_as(Some(&token), "GET", "/api/v1/auth/me", None).await.0, 401);

    // Malformed credentials never echo what was sent.
    let weird = json!({"email": "x@y.z", "password": 12345678901u64}).to_string();
    let (status, p) = app.request_as(None, "POST", "/api/v1/auth/login", Some(&weird)).await;
    assert_eq!(status, 400);
    assert!(!p.to_string().contains("12345678901"), "{p}");
}

async fn failed_logins_are_rate_limited(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let bad = json!({"email": "finance@rbm.example", "password": "guess-guess-guess"}).to_string();
    for _ in 0..5 {
        assert_eq!(app.request_as(None, "POST", "/api/v1/auth/login", Some(&bad)).await.0, 401);
    }
    let good = json!({"email": "finance@rbm.example", "password": "demo-finance-2025"}).to_string();
    let url = format!("{}/api/v1/auth/login", app.address);
    let res = app.client.post(url).insert_header(("Content-Type", "application/json")).send_body(good).await.unwrap();
    assert_eq!(res.status().as_u16(), 429, "even the right password waits once the account is locked");
    let retry: u64 = res.headers().get("Retry-After").unwrap().to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60);
    // Other accounts are not locked out by it.
    app.login("manager@rbm.example", "demo-manager-2025").await;
}

/// Resolves a placeholder to a resource created just for one attempt (deletes destroy it).
async fn fresh(app: &TestApp, kind: &str, n: usize, ctx: &Ctx) -> String {
    let created = |(status, v): (u16, Value)| {
        assert_eq!(status, 201, "{kind}: {v}");
        v["id"].as_i64().unwrap()
    };
    match kind {
        // The current checks' first finding (earlier rows change lines and expenditure, and
        // with them the findings' keys).
        "finding" => {
            let (status, checks) = app.get("/api/v1/projects/UZB-PSD/finance/checks").await;
            assert_eq!(status, 200, "{checks}");
            let key = checks["findings"][0]["key"].as_str().expect("the demo has findings on UZB-PSD").to_string();
            format!("/api/v1/projects/UZB-PSD/finance/checks/{key}/explanation")
        }
        "contribution" => {
            let src = created(
                app.post("/api/v1/funding-sources", &json!({"code": format!("SRC{n}"), "name": "x", "kind": "other"}))
                    .await,
            );
            let body = json!({"funding_source_id": src, "amount_minor": 100, "currency": "USD"});
            format!(
                "/api/v1/contributions/{}",
                created(app.post("/api/v1/projects/UZB-PSD/contributions", &body).await)
            )
        }
        "result" => {
            let body = json!({"parent_id": ctx.output, "level": "activity", "code": format!("1.1.2.{}", 100 + n), "title": "x"});
            format!("/api/v1/results/{}", created(app.post("/api/v1/projects/UZB-PSD/results", &body).await))
        }
        "indicator" => {
            let body = json!({"result_id": ctx.output, "code": format!("X{n}"), "title": "x", "unit": "u",
                "measure": "number", "direction": "increase", "accumulation": "sum"});
            format!("/api/v1/indicators/{}", created(app.post("/api/v1/projects/UZB-PSD/indicators", &body).await))
        }
        "target" => {
            let body = json!({"period": format!("2026-Q{}", n % 4 + 1), "value": 1});
            let ind = Box::pin(fresh(app, "indicator", n, ctx)).await;
            format!("/api/v1/targets/{}", created(app.post(&format!("{ind}/targets"), &body).await))
        }
        "membership" => {
            let user = created(
                app.post(
                    "/api/v1/users",
                    &json!({"email": format!("m{n}@x.org"), "name": "m", "password": "long-enough-password"}),
                )
                .await,
            );
            let body = json!({"user_id": user, "role": "donor"});
            format!("/api/v1/memberships/{}", created(app.post("/api/v1/projects/UZB-PSD/members", &body).await))
        }
        "actual" => {
            let ind = Box::pin(fresh(app, "indicator", n, ctx)).await;
            let id = created(app.post(&format!("{ind}/actuals"), &json!({"period": "2026-Q1", "value": 3})).await);
            format!("/api/v1/actuals/{id}")
        }
        "risk" => {
            let body = json!({"code": format!("RD{n}"), "description": "x", "category": "social", "likelihood": 1, "impact": 1, "status": "open"});
            format!("/api/v1/risks/{}", created(app.post("/api/v1/projects/UZB-PSD/risks", &body).await))
        }
        "issue" => {
            let body = json!({"code": format!("ID{n}"), "issue_type": "general", "description": "x", "raised_on": "2025-05-05", "priority": "low", "status": "open"});
            format!("/api/v1/issues/{}", created(app.post("/api/v1/projects/UZB-PSD/issues", &body).await))
        }
        "account" => format!(
            "/api/v1/budget-accounts/{}",
            created(
                app.post("/api/v1/budget-accounts", &json!({"code": format!("8{n:04}"), "name": "x", "eu_heading": 6}))
                    .await
            )
        ),
        "rate" => format!(
            "/api/v1/exchange-rates/{}",
            created(
                app.post(
                    "/api/v1/exchange-rates",
                    &json!({"base_currency": "USD", "quote_currency": "GBP", "month": format!("{}-{:02}", 1900 + n / 12, n % 12 + 1), "rate": "0.8"}),
                )
                .await
            )
        ),
        "work_plan" => {
            // 2023 is kept for these: remove the draft a refused attempt left behind.
            let (_, plans) = app.get("/api/v1/projects/UZB-PSD/work-plans").await;
            for p in plans.as_array().unwrap().iter().filter(|p| p["year"] == 2023) {
                assert_eq!(app.delete(&format!("/api/v1/work-plans/{}", p["id"])).await.0, 204);
            }
            let body = json!({"year": 2023, "title": format!("plan {n}")});
            format!("/api/v1/work-plans/{}", created(app.post("/api/v1/projects/UZB-PSD/work-plans", &body).await))
        }
        "activity" => {
            let body = json!({"parent_id": ctx.output, "level": "activity", "code": format!("1.1.2.{}", 500 + n), "title": "x"});
            let result = created(app.post("/api/v1/projects/UZB-PSD/results", &body).await);
            let body = json!({"result_id": result, "quarters": [1], "responsible_party": "UNDP"});
            let path = format!("/api/v1/work-plans/{}/activities", ctx.draft_plan);
            format!("/api/v1/work-plan-activities/{}", created(app.post(&path, &body).await))
        }
        "line" => {
            let path = format!("/api/v1/work-plans/{}/lines", ctx.draft_plan);
            format!("/api/v1/budget-lines/{}", created(app.post(&path, &ctx.line_body).await))
        }
        "expenditure" => format!(
            "/api/v1/expenditures/{}",
            created(app.post("/api/v1/projects/UZB-PSD/expenditures", &ctx.expenditure_body).await)
        ),
        "receipt" => format!(
            "/api/v1/receipts/{}",
            created(app.post("/api/v1/projects/UZB-PSD/receipts", &ctx.receipt_body).await)
        ),
        "source" => format!(
            "/api/v1/funding-sources/{}",
            created(
                app.post("/api/v1/funding-sources", &json!({"code": format!("DEL{n}"), "name": "x", "kind": "other"}))
                    .await
            )
        ),
        other => panic!("no fresh {other}"),
    }
}

struct Ctx {
    output: i64,
    /// UZB-PSD's 2026 draft plan.
    draft_plan: i64,
    line_body: Value,
    expenditure_body: Value,
    receipt_body: Value,
}

/// A number indicator on the output, for actuals that must not disturb the demo's own.
async fn ctx_indicator(app: &TestApp, output: i64) -> i64 {
    let body = json!({"result_id": output, "code": "MATRIX", "title": "matrix", "unit": "u",
        "measure": "number", "direction": "increase", "accumulation": "sum"});
    let (status, v) = app.post("/api/v1/projects/UZB-PSD/indicators", &body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn every_endpoint_checks_the_role(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    // An outsider: coordinator of KAZ-HUB only, so UZB-PSD must look non-existent to it.
    let body = json!({"email": "outsider@rbm.example", "name": "Outsider", "password": "outsider-password"});
    let outsider_id = app.post("/api/v1/users", &body).await.1["id"].as_i64().unwrap();
    let member = json!({"user_id": outsider_id, "role": "coordinator"});
    assert_eq!(app.post("/api/v1/projects/KAZ-HUB/members", &member).await.0, 201);

    let mut tokens = vec![];
    for (who, email, password) in [
        ('A', "admin@rbm.example", "demo-admin-2025"),
        ('C', "coordinator@rbm.example", "demo-coordinator-2025"),
        ('M', "manager@rbm.example", "demo-manager-2025"),
        ('F', "finance@rbm.example", "demo-finance-2025"),
        ('D', "donor.eu@rbm.example", "demo-donor-2025"),
        ('O', "outsider@rbm.example", "outsider-password"),
    ] {
        tokens.push((who, app.login(email, password).await));
    }

    let output = id_of(&app, "/api/v1/projects/UZB-PSD/indicators", "code", "OP2").await;
    let output = app.get(&format!("/api/v1/indicators/{output}")).await.1["result_id"].as_i64().unwrap();
    let (_, contributions) = app.get("/api/v1/projects/UZB-PSD/contributions").await;
    let contribution = contributions[0]["id"].as_i64().unwrap();
    let eu = id_of(&app, "/api/v1/funding-sources", "code", "EU").await;
    // Finance: the approved 2025 plan, the 2026 draft, one of each resource.
    let (_, plans) = app.get("/api/v1/projects/UZB-PSD/work-plans").await;
    let plan_of =
        |year: i64| plans.as_array().unwrap().iter().find(|p| p["year"] == year).unwrap()["id"].as_i64().unwrap();
    let (plan, draft_plan) = (plan_of(2025), plan_of(2026));
    let (_, awp) = app.get(&format!("/api/v1/work-plans/{plan}")).await;
    let (wp_activity, line) = (awp["activities"][0]["id"].as_i64().unwrap(), awp["lines"][0]["id"].as_i64().unwrap());
    let expenditure = app.get("/api/v1/projects/UZB-PSD/expenditures").await.1[0]["id"].as_i64().unwrap();
    let receipt = app.get("/api/v1/projects/UZB-PSD/receipts").await.1[0]["id"].as_i64().unwrap();
    let account = id_of(&app, "/api/v1/budget-accounts", "code", "71200").await;
    let rate = app.get("/api/v1/exchange-rates?currency=UZS").await.1[0]["id"].as_i64().unwrap();
    let line_body = json!({"funding_source_id": eu, "account_code": "72100", "description": "x", "amount_minor": 100, "currency": "USD"});
    let expenditure_body = json!({"budget_line_id": line, "spent_on": "2025-05-05", "amount_minor": 100, "currency": "USD", "reference": "x"});
    let receipt_body = json!({"funding_source_id": eu, "received_on": "2025-05-05", "amount_minor": 100, "currency": "USD", "reference": "x"});
    let with_version = |mut v: Value| {
        v["version"] = json!(99);
        v
    };
    let ctx = Ctx {
        output,
        draft_plan,
        line_body: line_body.clone(),
        expenditure_body: expenditure_body.clone(),
        receipt_body: receipt_body.clone(),
    };
    let (_, inds) = app.get("/api/v1/projects/UZB-PSD/indicators").await;
    let indicator = inds[0]["id"].as_i64().unwrap();
    let target = inds[0]["targets"][0]["id"].as_i64().unwrap();
    let user = id_of(&app, "/api/v1/users", "email", "manager@rbm.example").await;
    let created_id = |(status, v): (u16, Value)| {
        assert_eq!(status, 201, "{v}");
        v["id"].as_i64().unwrap()
    };
    let ind = format!("/api/v1/indicators/{}/actuals", ctx_indicator(&app, output).await);
    let actual = created_id(app.post(&ind, &json!({"period": "2026-Q4", "value": 5})).await);
    // Everyone on the project reads an approved actual; a draft only those who make and approve it.
    let approved = app.get("/api/v1/projects/UZB-PSD/actuals?status=approved").await.1[0]["id"].as_i64().unwrap();
    let risk = created_id(
        app.post(
            "/api/v1/projects/UZB-PSD/risks",
            &json!({"code": "RM", "description": "x", "category": "social", "likelihood": 2, "impact": 2, "status": "open"}),
        )
        .await,
    );
    let issue = created_id(
        app.post(
            "/api/v1/projects/UZB-PSD/issues",
            &json!({"code": "IM", "issue_type": "general", "description": "x", "raised_on": "2025-05-05", "priority": "low", "status": "open"}),
        )
        .await,
    );
    let activity = created_id(
        app.post(
            "/api/v1/projects/UZB-PSD/results",
            &json!({"parent_id": output, "level": "activity", "code": "1.1.2.99", "title": "matrix activity"}),
        )
        .await,
    );
    let report_body = json!({"template": "iptt", "period": "2025-Q3", "format": "html"});
    let report = created_id(app.post("/api/v1/projects/UZB-PSD/reports", &report_body).await);
    // Issued first, so the donor may read it (unissued reports are not found for donors).
    assert_eq!(app.post(&format!("/api/v1/reports/{report}/issue"), &json!({})).await.0, 200);
    let mut project = crate::helpers::project_body("UZB-PSD");
    project["version"] = json!(999);

    // (method, path, body, roles allowed, scoped to UZB-PSD)
    // A path `fresh:KIND` gets a new resource for every attempt; `{n}` in a body is the attempt number.
    let cases: Vec<(&str, String, Option<Value>, &str, bool)> = vec![
        ("GET", "/api/v1/projects".into(), None, "ACMFDO", false),
        ("POST", "/api/v1/projects".into(), Some(crate::helpers::project_body("NEW-{n}")), "A", false),
        ("GET", "/api/v1/projects/UZB-PSD".into(), None, "ACMFD", true),
        ("PUT", "/api/v1/projects/UZB-PSD".into(), Some(project.clone()), "AM", true),
        ("DELETE", "/api/v1/projects/UZB-PSD".into(), None, "A", true),
        ("GET", "/api/v1/projects/UZB-PSD/iati.xml".into(), None, "ACMFD", true),
        ("GET", "/api/v1/funding-sources".into(), None, "ACMFDO", false),
        (
            "POST",
            "/api/v1/funding-sources".into(),
            Some(json!({"code": "FS{n}", "name": "x", "kind": "other"})),
            "AF",
            false,
        ),
        ("GET", format!("/api/v1/funding-sources/{eu}"), None, "ACMFDO", false),
        (
            "PUT",
            format!("/api/v1/funding-sources/{eu}"),
            Some(json!({"code": "EU", "name": "EU", "kind": "eu", "version": 99})),
            "AF",
            false,
        ),
        ("DELETE", "fresh:source".into(), None, "AF", false),
        ("GET", "/api/v1/projects/UZB-PSD/contributions".into(), None, "ACMFD", true),
        (
            "POST",
            "/api/v1/projects/UZB-PSD/contributions".into(),
            Some(json!({"funding_source_id": eu, "amount_minor": 1, "currency": "EUR"})),
            "AF",
            true,
        ),
        ("GET", format!("/api/v1/contributions/{contribution}"), None, "ACMFD", true),
        (
            "PUT",
            format!("/api/v1/contributions/{contribution}"),
            Some(json!({"funding_source_id": eu, "amount_minor": 1, "currency": "EUR", "version": 99})),
            "AF",
            true,
        ),
        ("DELETE", "fresh:contribution".into(), None, "AF", true),
        ("GET", format!("/api/v1/contributions/{contribution}/budget"), None, "ACMFD", true),
        (
            "PUT",
            format!("/api/v1/contributions/{contribution}/budget"),
            Some(json!({"lines": [{"eu_line": "1.1", "amount_minor": 1}], "version": 99})),
            "AF",
            true,
        ),
        ("GET", "/api/v1/projects/UZB-PSD/results".into(), None, "ACMFD", true),
        (
            "POST",
            "/api/v1/projects/UZB-PSD/results".into(),
            Some(json!({"parent_id": output, "level": "activity", "code": "1.1.2.{n}", "title": "x"})),
            "AC",
            true,
        ),
        ("GET", format!("/api/v1/results/{output}"), None, "ACMFD", true),
        (
            "PUT",
            format!("/api/v1/results/{output}"),
            Some(json!({"level": "output", "code": "1.1.2", "title": "x", "version": 99})),
            "AC",
            true,
        ),
        ("DELETE", "fresh:result".into(), None, "AC", true),
        ("GET", "/api/v1/projects/UZB-PSD/indicators".into(), None, "ACMFD", true),
        (
            "POST",
            "/api/v1/projects/UZB-PSD/indicators".into(),
            Some(
                json!({"result_id": output, "code": "N{n}", "title": "x", "unit": "u", "measure": "number", "direction": "increase", "accumulation": "sum"}),
            ),
            "AC",
            true,
        ),
        ("GET", format!("/api/v1/indicators/{indicator}"), None, "ACMFD", true),
        (
            "PUT",
            format!("/api/v1/indicators/{indicator}"),
            Some(
                json!({"result_id": output, "code": "IM1", "title": "x", "unit": "u", "measure": "number", "direction": "increase", "accumulation": "sum", "version": 99}),
            ),
            "AC",
            true,
        ),
        ("DELETE", "fresh:indicator".into(), None, "AC", true),
        ("GET", format!("/api/v1/indicators/{indicator}/targets"), None, "ACMFD", true),
        (
            "POST",
            format!("/api/v1/indicators/{indicator}/targets"),
            Some(json!({"period": "2026-Q{n}", "value": 1})),
            "AC",
            true,
        ),
        (
            "PUT",
            format!("/api/v1/targets/{target}"),
            Some(json!({"period": "2026", "value": 1, "version": 99})),
            "AC",
            true,
        ),
        ("DELETE", "fresh:target".into(), None, "AC", true),
        ("GET", "/api/v1/projects/UZB-PSD/members".into(), None, "ACMF", true),
        ("POST", "/api/v1/projects/UZB-PSD/members".into(), Some(json!({"user_id": user, "role": "donor"})), "A", true),
        ("DELETE", "fresh:membership".into(), None, "A", true),
        ("GET", "/api/v1/projects/UZB-PSD/audit".into(), None, "ACMF", true),
        ("GET", "/api/v1/audit".into(), None, "A", false),
        ("GET", "/api/v1/users".into(), None, "A", false),
        (
            "POST",
            "/api/v1/users".into(),
            Some(json!({"email": "u{n}@x.org", "name": "u", "password": "long-enough-password"})),
            "A",
            false,
        ),
        ("GET", format!("/api/v1/users/{user}"), None, "A", false),
        (
            "PUT",
            format!("/api/v1/users/{user}"),
            Some(json!({"name": "x", "is_admin": false, "active": true, "version": 99})),
            "A",
            false,
        ),
        ("GET", "/api/v1/auth/me".into(), None, "ACMFDO", false),
        ("PATCH", "/api/v1/auth/me".into(), Some(json!({"lang": "en"})), "ACMFDO", false),
        ("GET", "/api/v1/auth/tokens".into(), None, "ACMFDO", false),
        ("GET", "/api/v1/projects/UZB-PSD/progress?period=2025-Q3".into(), None, "ACMFD", true),
        ("GET", "/api/v1/projects/UZB-PSD/actuals".into(), None, "ACMFD", true),
        ("POST", ind.clone(), Some(json!({"period": "2026-Q3", "value": 1})), "AC", true),
        ("GET", format!("/api/v1/actuals/{approved}"), None, "ACMFD", true),
        (
            "POST",
            "/api/v1/projects/UZB-PSD/periods/2026-Q4/decide".into(),
            Some(json!({"decision": "approve"})),
            "AM",
            true,
        ),
        (
            "PUT",
            format!("/api/v1/actuals/{actual}"),
            Some(json!({"period": "2026-Q4", "value": 1, "version": 99})),
            "AC",
            true,
        ),
        ("DELETE", "fresh:actual".into(), None, "AC", true),
        ("POST", format!("/api/v1/actuals/{actual}/submit"), Some(json!({"version": 99})), "AC", true),
        ("POST", format!("/api/v1/actuals/{actual}/approve"), Some(json!({"version": 99})), "AM", true),
        ("POST", format!("/api/v1/actuals/{actual}/return"), Some(json!({"version": 99, "reason": "x"})), "AM", true),
        ("POST", format!("/api/v1/actuals/{actual}/reopen"), Some(json!({"version": 99, "reason": "x"})), "AM", true),
        ("POST", "/api/v1/projects/UZB-PSD/periods/2026-Q4/submit".into(), None, "AC", true),
        (
            "PUT",
            format!("/api/v1/results/{activity}/progress/2026-Q2"),
            Some(json!({"status": "on_track", "percent_complete": 10, "version": 1})),
            "AC",
            true,
        ),
        ("GET", "/api/v1/projects/UZB-PSD/activity-progress".into(), None, "ACMFD", true),
        ("GET", "/api/v1/projects/UZB-PSD/narratives".into(), None, "ACMFD", true),
        (
            "PUT",
            "/api/v1/projects/UZB-PSD/narratives/2026-Q4".into(),
            Some(json!({"summary": "x", "version": 1})),
            "AC",
            true,
        ),
        ("GET", "/api/v1/projects/UZB-PSD/risks".into(), None, "ACMFD", true),
        (
            "POST",
            "/api/v1/projects/UZB-PSD/risks".into(),
            Some(
                json!({"code": "RX{n}", "description": "x", "category": "social", "likelihood": 1, "impact": 1, "status": "open"}),
            ),
            "AC",
            true,
        ),
        ("GET", format!("/api/v1/risks/{risk}"), None, "ACMFD", true),
        (
            "PUT",
            format!("/api/v1/risks/{risk}"),
            Some(
                json!({"code": "RM", "description": "x", "category": "social", "likelihood": 1, "impact": 1, "status": "open", "version": 99}),
            ),
            "AC",
            true,
        ),
        ("DELETE", "fresh:risk".into(), None, "AC", true),
        (
            "POST",
            format!("/api/v1/risks/{risk}/updates"),
            Some(json!({"period": "2026-Q3", "note": "x", "likelihood": 1, "impact": 1, "status": "open"})),
            "AC",
            true,
        ),
        (
            "PUT",
            format!("/api/v1/risks/{risk}/updates/2026-Q3"),
            Some(json!({"note": "x", "likelihood": 1, "impact": 1, "status": "open"})),
            "AC",
            true,
        ),
        ("GET", "/api/v1/projects/UZB-PSD/issues".into(), None, "ACMFD", true),
        (
            "POST",
            "/api/v1/projects/UZB-PSD/issues".into(),
            Some(
                json!({"code": "IX{n}", "issue_type": "request_for_change", "description": "x", "raised_on": "2025-06-01", "priority": "high", "status": "open"}),
            ),
            "AC",
            true,
        ),
        ("GET", format!("/api/v1/issues/{issue}"), None, "ACMFD", true),
        (
            "PUT",
            format!("/api/v1/issues/{issue}"),
            Some(
                json!({"code": "IM", "issue_type": "general", "description": "x", "raised_on": "2025-05-05", "priority": "low", "status": "open", "version": 99}),
            ),
            "AC",
            true,
        ),
        ("DELETE", "fresh:issue".into(), None, "AC", true),
        (
            "POST",
            "/api/v1/projects/UZB-PSD/reports".into(),
            Some(json!({"template": "iptt", "period": "2025-Q3", "format": "html"})),
            "ACM",
            true,
        ),
        (
            "POST",
            "/api/v1/projects/UZB-PSD/reports/preview".into(),
            Some(json!({"template": "iptt", "period": "2025-Q3", "format": "pdf"})),
            "ACM",
            true,
        ),
        ("GET", "/api/v1/projects/UZB-PSD/reports".into(), None, "ACMFD", true),
        ("GET", format!("/api/v1/reports/{report}"), None, "ACMFD", true),
        ("GET", format!("/api/v1/reports/{report}/file"), None, "ACMFD", true),
        ("POST", format!("/api/v1/reports/{report}/issue"), None, "AM", true),
        // Work plans and finance.
        ("GET", "/api/v1/budget-accounts".into(), None, "ACMFDO", false),
        (
            "POST",
            "/api/v1/budget-accounts".into(),
            Some(json!({"code": "9{n}0", "name": "x", "eu_heading": 5})),
            "A",
            false,
        ),
        ("GET", format!("/api/v1/budget-accounts/{account}"), None, "ACMFDO", false),
        (
            "PUT",
            format!("/api/v1/budget-accounts/{account}"),
            Some(json!({"code": "71200", "name": "x", "eu_heading": 1, "version": 99})),
            "A",
            false,
        ),
        ("DELETE", "fresh:account".into(), None, "A", false),
        ("GET", "/api/v1/exchange-rates".into(), None, "ACMFDO", false),
        (
            "POST",
            "/api/v1/exchange-rates".into(),
            Some(json!({"base_currency": "USD", "quote_currency": "CHF", "month": "2099-01", "rate": "0.9"})),
            "AF",
            false,
        ),
        ("GET", format!("/api/v1/exchange-rates/{rate}"), None, "ACMFDO", false),
        ("GET", format!("/api/v1/exchange-rates/{rate}/reports"), None, "ACMFDO", false),
        (
            "PUT",
            format!("/api/v1/exchange-rates/{rate}"),
            Some(
                json!({"base_currency": "USD", "quote_currency": "UZS", "month": "2025-01", "rate": "1", "version": 99}),
            ),
            "AF",
            false,
        ),
        ("DELETE", "fresh:rate".into(), None, "AF", false),
        ("GET", "/api/v1/projects/UZB-PSD/work-plans".into(), None, "ACMFD", true),
        ("POST", "/api/v1/projects/UZB-PSD/work-plans".into(), Some(json!({"year": 2024})), "AF", true),
        ("GET", format!("/api/v1/work-plans/{plan}"), None, "ACMFD", true),
        ("PUT", format!("/api/v1/work-plans/{plan}"), Some(json!({"year": 2025, "version": 99})), "AF", true),
        ("DELETE", "fresh:work_plan".into(), None, "AF", true),
        (
            "POST",
            format!("/api/v1/work-plans/{plan}/approve"),
            Some(json!({"approved_on": "2025-02-14", "version": 99})),
            "AM",
            true,
        ),
        ("POST", format!("/api/v1/work-plans/{plan}/revisions"), Some(json!({"reason": "x"})), "AF", true),
        (
            "POST",
            format!("/api/v1/work-plans/{draft_plan}/activities"),
            Some(json!({"result_id": output, "quarters": [1], "responsible_party": "x"})),
            "AF",
            true,
        ),
        (
            "PUT",
            format!("/api/v1/work-plan-activities/{wp_activity}"),
            Some(json!({"result_id": output, "quarters": [1], "responsible_party": "x", "version": 99})),
            "AF",
            true,
        ),
        ("DELETE", "fresh:activity".into(), None, "AF", true),
        ("POST", format!("/api/v1/work-plans/{draft_plan}/lines"), Some(line_body.clone()), "AF", true),
        ("GET", format!("/api/v1/budget-lines/{line}"), None, "ACMFD", true),
        ("PUT", format!("/api/v1/budget-lines/{line}"), Some(with_version(line_body)), "AF", true),
        ("DELETE", "fresh:line".into(), None, "AF", true),
        ("GET", "/api/v1/projects/UZB-PSD/expenditures".into(), None, "ACMFD", true),
        ("POST", "/api/v1/projects/UZB-PSD/expenditures".into(), Some(expenditure_body.clone()), "AF", true),
        ("GET", format!("/api/v1/expenditures/{expenditure}"), None, "ACMFD", true),
        ("PUT", format!("/api/v1/expenditures/{expenditure}"), Some(with_version(expenditure_body)), "AF", true),
        ("DELETE", "fresh:expenditure".into(), None, "AF", true),
        ("GET", "/api/v1/projects/UZB-PSD/receipts".into(), None, "ACMFD", true),
        ("POST", "/api/v1/projects/UZB-PSD/receipts".into(), Some(receipt_body.clone()), "AF", true),
        ("GET", format!("/api/v1/receipts/{receipt}"), None, "ACMFD", true),
        ("PUT", format!("/api/v1/receipts/{receipt}"), Some(with_version(receipt_body)), "AF", true),
        ("DELETE", "fresh:receipt".into(), None, "AF", true),
        ("GET", "/api/v1/projects/UZB-PSD/finance/summary?period=2025".into(), None, "ACMFD", true),
        ("GET", "/api/v1/projects/UZB-PSD/finance/checks?year=2025".into(), None, "ACMFD", true),
        ("POST", "fresh:finding".into(), Some(json!({"reason": "Agreed with the donor"})), "AMF", true),
        // The work plan to and from Excel: every role reads the workbook; finance officers import
        // (a JSON body is refused as 415, after the role is checked).
        ("GET", "/api/v1/projects/UZB-PSD/workplans/2025/export.xlsx".into(), None, "ACMFD", true),
        ("POST", "/api/v1/projects/UZB-PSD/workplans/2026/import".into(), Some(json!({})), "AF", true),
    ];

    let spec = app.get("/api/v1/openapi.json").await.1;
    let documented: usize = spec["paths"].as_object().unwrap().values().map(|ops| ops.as_object().unwrap().len()).sum();
    // Login, logout, token creation/revocation and health are covered by the auth tests.
    assert_eq!(cases.len() + 5, documented, "every documented endpoint is in the matrix");

    let contract = crate::contract::Contract::load(&app).await;
    let mut n = 0;
    for (method, path, body, allowed, scoped) in &cases {
        for (who, token) in
            tokens.iter().map(|(w, t)| (*w, Some(t.as_str()))).chain([('-', None), ('?', Some("rbm_bogus"))])
        {
            n += 1;
            let path = match path.strip_prefix("fresh:") {
                Some(kind) => fresh(&app, kind, n, &ctx).await,
                None => path.clone(),
            };
            let body = body.as_ref().map(|b| b.to_string().replace("{n}", &n.to_string()));
            // Every answer, allowed or refused, is one the document describes.
            let answer = contract.exchange(&app, token, method, &path, body.as_deref()).await;
            let (status, problem) = (answer.status, answer.json());
            let expected = match who {
                '-' | '?' => Some(401),
                'O' if *scoped => Some(404),
                w if allowed.contains(w) => None,
                _ => Some(403),
            };
            match expected {
                Some(code) => assert_eq!(status, code, "{who} {method} {path}: {problem}"),
                None => {
                    assert!(![401, 403, 404, 405, 500].contains(&status), "{who} {method} {path}: {status} {problem}")
                }
            }
        }
    }
}

/// A donor reads approved progress only, on every endpoint: the lists leave the rest out, a
/// draft, submitted or returned actual is not found, and the progress view refuses a preview.
async fn donors_read_approved_actuals_only(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let donor = app.login("donor.eu@rbm.example", "demo-donor-2025").await;
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    // 2026-Q1 of UZB-PSD holds a draft, a submitted and a returned actual in the demo data.
    let url = "/api/v1/projects/UZB-PSD/actuals?period=2026-Q1";
    let (status, staff) = app.request_as(Some(&coordinator), "GET", url, None).await;
    assert_eq!(status, 200);
    let statuses = |v: &Value| {
        v.as_array().unwrap().iter().map(|a| a["status"].as_str().unwrap().to_string()).collect::<BTreeSet<_>>()
    };
    assert!(statuses(&staff).is_superset(&["draft", "submitted", "returned"].map(String::from).into()), "{staff}");
    let (status, seen) = app.request_as(Some(&donor), "GET", url, None).await;
    assert_eq!(status, 200);
    assert!(statuses(&seen).iter().all(|s| s == "approved"), "{seen}");
    assert_eq!(
        seen.as_array().unwrap().len(),
        staff.as_array().unwrap().iter().filter(|a| a["status"] == "approved").count()
    );
    let (_, all) = app.request_as(Some(&donor), "GET", "/api/v1/projects/UZB-PSD/actuals", None).await;
    assert!(!all.as_array().unwrap().is_empty() && statuses(&all).iter().all(|s| s == "approved"));
    for status in ["draft", "submitted", "returned"] {
        let (code, none) = app.request_as(Some(&donor), "GET", &format!("{url}&status={status}"), None).await;
        assert_eq!((code, none), (200, json!([])), "{status}");
        let hidden = staff.as_array().unwrap().iter().find(|a| a["status"] == status).unwrap()["id"].clone();
        let path = format!("/api/v1/actuals/{hidden}");
        assert_eq!(app.request_as(Some(&donor), "GET", &path, None).await.0, 404, "{status}");
        assert_eq!(app.request_as(Some(&coordinator), "GET", &path, None).await.0, 200, "{status}");
    }
    let preview = "/api/v1/projects/UZB-PSD/progress?period=2026-Q1&include_unapproved=true";
    assert_eq!(app.request_as(Some(&donor), "GET", preview, None).await.0, 403);
}

/// Every refusal is a row of the one policy and says what was refused, in its own words: an
/// exchange rate refused is not "funding sources" (it was), a report refused speaks of reports.
async fn each_refusal_says_what_was_refused(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let finance = app.login("finance@rbm.example", "demo-finance-2025").await;
    let donor = app.login("donor.eu@rbm.example", "demo-donor-2025").await;
    let refused = |(status, p): (u16, Value)| {
        assert_eq!(status, 403, "{p}");
        p["detail"].as_str().unwrap().to_string()
    };
    let rate = json!({"base_currency": "USD", "quote_currency": "CHF", "month": "2099-01", "rate": "0.9"}).to_string();
    let why = refused(app.request_as(Some(&coordinator), "POST", "/api/v1/exchange-rates", Some(&rate)).await);
    assert!(why.contains("exchange rates"), "{why}");
    let source = json!({"code": "FSX", "name": "x", "kind": "other"}).to_string();
    let why = refused(app.request_as(Some(&coordinator), "POST", "/api/v1/funding-sources", Some(&source)).await);
    assert!(why.contains("funding sources"), "{why}");
    // Finance officers keep both (the policy's finance role on any project).
    assert_eq!(app.request_as(Some(&finance), "POST", "/api/v1/exchange-rates", Some(&rate)).await.0, 201);

    let report = json!({"template": "iptt", "period": "2025-Q3", "format": "html"}).to_string();
    for path in ["/api/v1/projects/UZB-PSD/reports", "/api/v1/projects/UZB-PSD/reports/preview"] {
        let why = refused(app.request_as(Some(&finance), "POST", path, Some(&report)).await);
        assert!(why.contains("coordinators and managers generate reports"), "{path}: {why}");
    }
    let preview = "/api/v1/projects/UZB-PSD/progress?period=2026-Q1&include_unapproved=true";
    let why = refused(app.request_as(Some(&donor), "GET", preview, None).await);
    assert!(why.contains("only coordinators and managers preview unapproved data"), "{why}");
    let project = crate::helpers::project_body("NEW-REFUSED").to_string();
    let why = refused(app.request_as(Some(&coordinator), "POST", "/api/v1/projects", Some(&project)).await);
    assert!(why.contains("administrator"), "{why}");
}

async fn the_audit_trail_records_who_what_and_before_after(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    let (_, inds) = app.get("/api/v1/projects/KAZ-HUB/indicators").await;
    let oc1 = inds.as_array().unwrap().iter().find(|i| i["code"] == "OC1").unwrap();
    let target = oc1["targets"][0].clone();
    let path = format!("/api/v1/targets/{}", target["id"]);
    let body = json!({"period": target["period"], "value": 3, "description": "Three joint initiatives", "version": target["version"]});
    let url = format!("{}{}", app.address, path);
    let res = app
        .client
        .put(url)
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("Authorization", format!("Bearer {coordinator}")))
        .insert_header(("X-Change-Reason", "Project Board raised the target"))
        .send_body(body.to_string())
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);

    let (status, trail) =
        app.request_as(Some(&coordinator), "GET", "/api/v1/projects/KAZ-HUB/audit?entity=target", None).await;
    assert_eq!(status, 200, "{trail}");
    let entry = &trail[0];
    assert_eq!(entry["user"], "coordinator@rbm.example");
    assert_eq!(entry["action"], "update");
    assert_eq!(entry["entity_id"], target["id"]);
    assert_eq!(entry["before"]["value"], 2.0);
    assert_eq!(entry["after"]["value"], 3.0);
    assert_eq!(entry["reason"], "Project Board raised the target");
    // The seed's own records are attributed to the system.
    let (_, created) = app.get("/api/v1/projects/KAZ-HUB/audit?action=create&entity=project").await;
    assert_eq!(created[0]["user"], "system");
    // Filters narrow; an unknown filter is refused.
    let (_, none) = app.get("/api/v1/projects/KAZ-HUB/audit?entity=target&from=2000-01-01&to=2000-12-31").await;
    assert_eq!(none, json!([]));
    assert_eq!(app.get("/api/v1/projects/KAZ-HUB/audit?colour=red").await.0, 400);
    // Donors do not read the trail; the KAZ-HUB trail is not the UZB-PSD one.
    let donor = app.login("donor.eu@rbm.example", "demo-donor-2025").await;
    assert_eq!(app.request_as(Some(&donor), "GET", "/api/v1/projects/UZB-PSD/audit", None).await.0, 403);
    let (_, uzb) = app.get("/api/v1/projects/UZB-PSD/audit?entity=target&action=update").await;
    assert_eq!(uzb, json!([]));
}

crate::on_both_backends!(
    login_tokens_and_logout,
    failed_logins_are_rate_limited,
    every_endpoint_checks_the_role,
    donors_read_approved_actuals_only,
    each_refusal_says_what_was_refused,
    the_audit_trail_records_who_what_and_before_after,
);
