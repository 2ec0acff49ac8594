//! Threat: writers crowding each other out. SQLite has one writer at a time; when the database
//! stays busy the answer is a `503` problem+json with `Retry-After`, but the write path waits
//! and retries long enough that eight clients writing as fast as they can for ten seconds never
//! see one (PostgreSQL likewise).

use crate::helpers::{Backend, TestApp};
use serde_json::json;
use std::time::{Duration, Instant};

const WRITERS: usize = 8;
const SECONDS: u64 = 10;

async fn eight_writers_for_ten_seconds_see_no_503(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    assert_eq!(app.post("/api/v1/projects", &crate::helpers::project_body("BUSY")).await.0, 201);
    let until = Instant::now() + Duration::from_secs(SECONDS);
    let handles: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (client, address, token) = (app.client.clone(), app.address.clone(), app.admin_token.clone());
            actix_rt::spawn(async move {
                let (mut statuses, mut latencies) = (std::collections::BTreeMap::<u16, usize>::new(), vec![]);
                let mut i = 0;
                while Instant::now() < until {
                    // Reads the project and the codes, then inserts and audits: a read-then-write transaction.
                    let body =
                        json!({"level": "outcome", "code": format!("{}", w * 100_000 + i + 1), "title": "Outcome"});
                    let t = Instant::now();
                    let mut res = client
                        .post(format!("{address}/api/v1/projects/BUSY/results"))
                        .bearer_auth(&token)
                        .send_json(&body)
                        .await
                        .expect("an answer");
                    latencies.push(t.elapsed());
                    let status = res.status().as_u16();
                    if status == 503 {
                        assert_eq!(res.headers().get("retry-after").map(|v| v.to_str().unwrap()), Some("1"));
                        let ct = res.headers().get("content-type").unwrap().to_str().unwrap().to_string();
                        assert_eq!(ct, "application/problem+json");
                        let _ = res.body().await;
                    }
                    *statuses.entry(status).or_default() += 1;
                    i += 1;
                }
                (statuses, latencies)
            })
        })
        .collect();
    let (mut statuses, mut latencies) = (std::collections::BTreeMap::<u16, usize>::new(), vec![]);
    for h in handles {
        let (s, l) = h.await.unwrap();
        for (k, v) in s {
            *statuses.entry(k).or_default() += v;
        }
        latencies.extend(l);
    }
    latencies.sort();
    let writes: usize = statuses.values().sum();
    let pct = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    eprintln!(
        "{backend:?}: {WRITERS} writers, {SECONDS} s: {writes} writes ({:.0}/s), statuses {statuses:?}, latency p50 {:?} p99 {:?} max {:?}",
        writes as f64 / SECONDS as f64,
        pct(50),
        pct(99),
        latencies.last().unwrap()
    );
    assert_eq!(statuses.keys().copied().collect::<Vec<_>>(), vec![201], "only 201s: {statuses:?}");
}

crate::on_both_backends!(eight_writers_for_ten_seconds_see_no_503);
