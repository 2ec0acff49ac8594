//! Threat: a money record written twice. A client whose `POST` timed out cannot know whether
//! the expenditure (receipt, budget line) was written; with an `Idempotency-Key` it retries
//! safely: the retry gets the first answer and creates nothing, the same key with another body
//! is refused, and two requests with one key at once create one record.

use crate::helpers::{Backend, TestApp, fields};
use serde_json::{Value, json};
use std::io::Write;

fn id(v: &(u16, Value)) -> i64 {
    assert!([200, 201].contains(&v.0), "{v:?}");
    v.1["id"].as_i64().unwrap()
}

/// POST as the test administrator, with an `Idempotency-Key` when given: status, the
/// `Idempotent-Replayed` header, body.
async fn post_with_key(app: &TestApp, path: &str, key: Option<&str>, body: &Value) -> (u16, bool, Value) {
    let (client, url, token) = (app.client.clone(), format!("{}{path}", app.address), app.admin_token.clone());
    send(client, url, token, key.map(String::from), body.clone()).await
}

async fn send(client: awc::Client, url: String, token: String, key: Option<String>, body: Value) -> (u16, bool, Value) {
    let mut req = client.post(url).bearer_auth(token).insert_header(("Content-Type", "application/json"));
    if let Some(k) = key {
        req = req.insert_header(("Idempotency-Key", k));
    }
    let mut res = req.send_body(body.to_string()).await.unwrap();
    let replayed = res.headers().get("idempotent-replayed").is_some();
    let body = res.json::<Value>().await.unwrap_or(Value::Null);
    (res.status().as_u16(), replayed, body)
}

/// The same POST `n` times at once, with one key.
async fn at_once(app: &TestApp, n: usize, path: &str, key: &str, body: &Value) -> Vec<(u16, bool, Value)> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (client, url, token) = (app.client.clone(), format!("{}{path}", app.address), app.admin_token.clone());
            actix_rt::spawn(send(client, url, token, Some(key.to_string()), body.clone()))
        })
        .collect();
    let mut out = vec![];
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// A project with an approved plan and one budget line: (plan id, line id, funding source id).
async fn setup(app: &TestApp) -> (i64, i64, i64) {
    id(&app.post("/api/v1/projects", &crate::helpers::project_body("IDEM")).await);
    let source =
        id(&app.post("/api/v1/funding-sources", &json!({"code": "DON", "name": "Donor", "kind": "other"})).await);
    let contribution = json!({"funding_source_id": source, "amount_minor": 100_000_000, "currency": "USD"});
    id(&app.post("/api/v1/projects/IDEM/contributions", &contribution).await);
    let output =
        id(&app.post("/api/v1/projects/IDEM/results", &json!({"level": "output", "code": "1", "title": "O"})).await);
    let activity = json!({"parent_id": output, "level": "activity", "code": "1.1", "title": "A"});
    let result = id(&app.post("/api/v1/projects/IDEM/results", &activity).await);
    let plan = id(&app.post("/api/v1/projects/IDEM/work-plans", &json!({"year": 2025})).await);
    let schedule = json!({"result_id": result, "quarters": [1], "responsible_party": "UNDP"});
    let activity = id(&app.post(&format!("/api/v1/work-plans/{plan}/activities"), &schedule).await);
    let line = json!({"activity_id": activity, "funding_source_id": source, "account_code": "72100",
        "description": "Printing", "amount_minor": 500_000, "currency": "USD"});
    let l = id(&app.post(&format!("/api/v1/work-plans/{plan}/lines"), &line).await);
    // A second line with a key, and its retry: one line.
    let lines = format!("/api/v1/work-plans/{plan}/lines");
    let mut other = line.clone();
    other["description"] = json!("Venue");
    let first = post_with_key(app, &lines, Some("line-1"), &other).await;
    let again = post_with_key(app, &lines, Some("line-1"), &other).await;
    assert_eq!((first.0, first.1, again.0, again.1), (201, false, 201, true));
    assert_eq!(first.2, again.2);
    id(&app
        .post(&format!("/api/v1/work-plans/{plan}/approve"), &json!({"approved_on": "2025-01-10", "version": 1}))
        .await);
    (plan, l, source)
}

async fn count(app: &TestApp, path: &str) -> usize {
    let (status, list) = app.get(path).await;
    assert_eq!(status, 200, "{list}");
    list.as_array().unwrap().len()
}

/// Sends the request on a raw connection and hangs up without reading the answer once the
/// record exists: the server wrote it, the client never heard (a client-side timeout).
async fn post_and_hang_up(app: &TestApp, path: &str, key: &str, body: &Value, list: &str, before: usize) {
    let body = body.to_string();
    let host = app.address.trim_start_matches("http://");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n\
         Idempotency-Key: {key}\r\nContent-Length: {}\r\n\r\n{body}",
        app.admin_token,
        body.len()
    );
    let mut socket = std::net::TcpStream::connect(host).unwrap();
    socket.write_all(request.as_bytes()).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while count(app, list).await == before {
        assert!(std::time::Instant::now() < deadline, "the first attempt was never written");
        actix_rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    drop(socket);
}

async fn a_retry_after_a_timeout_creates_one_record(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (_plan, line, source) = setup(&app).await;
    let spent = json!({"budget_line_id": line, "spent_on": "2025-03-10", "amount_minor": 12_345, "currency": "USD", "reference": "INV-1"});
    let (path, list) = ("/api/v1/projects/IDEM/expenditures", "/api/v1/projects/IDEM/expenditures");

    // The first attempt is written, but its answer never reaches the client; the retry gets it.
    post_and_hang_up(&app, path, "exp-1", &spent, list, 0).await;
    let (status, replayed, first) = post_with_key(&app, path, Some("exp-1"), &spent).await;
    assert_eq!((status, replayed), (201, true), "{first}");
    assert_eq!(count(&app, list).await, 1, "one expenditure");
    let (status, replayed, again) = post_with_key(&app, path, Some("exp-1"), &spent).await;
    assert_eq!((status, replayed, &again), (201, true, &first), "the first answer again");

    // The same key with another body: refused, nothing written.
    let mut other = spent.clone();
    other["amount_minor"] = json!(54_321);
    let (status, _, p) = post_with_key(&app, path, Some("exp-1"), &other).await;
    assert_eq!((status, fields(&p)), (422, vec!["Idempotency-Key".to_string()]), "{p}");
    assert_eq!(count(&app, list).await, 1);

    // Another key, or none, is another record; a malformed key is a 400.
    assert_eq!(post_with_key(&app, path, Some("exp-2"), &spent).await.0, 201);
    assert_eq!(post_with_key(&app, path, None, &spent).await.0, 201);
    assert_eq!(post_with_key(&app, path, None, &spent).await.0, 201);
    assert_eq!(count(&app, list).await, 4);
    assert_eq!(post_with_key(&app, path, Some(&"k".repeat(256)), &spent).await.0, 400);

    // Keys are per user: another finance officer's "exp-1" is their own.
    let u = json!({"email": "fin@test.example", "name": "Finance", "password": "a long enough password"});
    let user = id(&app.post("/api/v1/users", &u).await);
    id(&app.post("/api/v1/projects/IDEM/members", &json!({"user_id": user, "role": "finance"})).await);
    let token = app.login("fin@test.example", "a long enough password").await;
    let (status, theirs) = {
        let mut res = app
            .client
            .post(format!("{}{path}", app.address))
            .bearer_auth(&token)
            .insert_header(("Idempotency-Key", "exp-1"))
            .send_json(&spent)
            .await
            .unwrap();
        (res.status().as_u16(), res.json::<Value>().await.unwrap())
    };
    assert_eq!(status, 201);
    assert_ne!(theirs["id"], first["id"]);
    assert_eq!(count(&app, list).await, 5);

    // Receipts likewise; and eight retries at once with one key make one receipt.
    let receipt = json!({"funding_source_id": source, "received_on": "2025-05-05", "amount_minor": 100, "currency": "USD", "reference": "R-1"});
    let receipts = "/api/v1/projects/IDEM/receipts";
    post_and_hang_up(&app, receipts, "rec-1", &receipt, receipts, 0).await;
    let answers = at_once(&app, 8, receipts, "rec-1", &receipt).await;
    for (status, replayed, body) in &answers {
        assert_eq!((*status, *replayed), (201, true), "{body}");
        assert_eq!(body, &answers[0].2);
    }
    assert_eq!(count(&app, receipts).await, 1, "one receipt");
    let mut second = receipt.clone();
    second["reference"] = json!("R-2");
    let answers = at_once(&app, 8, receipts, "rec-2", &second).await;
    assert!(answers.iter().all(|(s, _, b)| *s == 201 && b == &answers[0].2), "{answers:?}");
    assert_eq!(answers.iter().filter(|(_, replayed, _)| !replayed).count(), 1, "one wrote, the others replayed");
    assert_eq!(count(&app, receipts).await, 2);
}

crate::on_both_backends!(a_retry_after_a_timeout_creates_one_record);
