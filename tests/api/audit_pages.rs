//! The audit trail in pages: `before` (and `after`) with `limit`, keyset on the entry id, the
//! filters kept; pages neither overlap nor leave a gap.

use crate::helpers::{Backend, TestApp, project_body};
use serde_json::{Value, json};

fn ids(page: &Value) -> Vec<i64> {
    page.as_array().unwrap_or_else(|| panic!("a list: {page}")).iter().map(|e| e["id"].as_i64().unwrap()).collect()
}

/// Walks a trail `limit` entries at a time through `before=`, until a page comes back short.
async fn walk(app: &TestApp, url: &str, limit: usize) -> Vec<Vec<i64>> {
    let mut pages = vec![];
    let mut before: Option<i64> = None;
    loop {
        let page_url = match before {
            None => format!("{url}&limit={limit}"),
            Some(b) => format!("{url}&limit={limit}&before={b}"),
        };
        let (status, page) = app.get(&page_url).await;
        assert_eq!(status, 200, "{page_url}: {page}");
        let page = ids(&page);
        let full = page.len() == limit;
        before = page.last().copied();
        if !page.is_empty() {
            pages.push(page);
        }
        if !full {
            return pages;
        }
    }
}

/// The pages, one after another, are the whole filtered trail: newest first, no entry twice,
/// none left out.
fn assert_pages_are_the_trail(pages: &[Vec<i64>], whole: &[i64]) {
    let walked: Vec<i64> = pages.concat();
    assert_eq!(walked, whole, "the pages one after another are the trail");
    assert!(walked.windows(2).all(|w| w[0] > w[1]), "newest first, no entry twice: {walked:?}");
}

async fn the_audit_trail_pages_through_every_entry(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    assert_eq!(app.post("/api/v1/projects", &project_body("P1")).await.0, 201);
    // 60 funding sources (the catalogue's trail) and 55 contributions of them to P1 (the project's).
    let mut sources = vec![];
    for i in 0..60 {
        let body = json!({"code": format!("SRC-{i:02}"), "name": format!("Source {i}"), "kind": "other"});
        let (status, s) = app.post("/api/v1/funding-sources", &body).await;
        assert_eq!(status, 201, "{s}");
        sources.push(s["id"].as_i64().unwrap());
    }
    for id in &sources[..55] {
        let body = json!({"funding_source_id": id, "amount_minor": 100_000, "currency": "USD"});
        let (status, c) = app.post("/api/v1/projects/P1/contributions", &body).await;
        assert_eq!(status, 201, "{c}");
    }

    // The whole trail of funding sources, in pages of 50: 50, then 10.
    let (_, whole) = app.get("/api/v1/audit?entity=funding_source&limit=1000").await;
    let whole = ids(&whole);
    assert_eq!(whole.len(), 60, "one entry per source created");
    let pages = walk(&app, "/api/v1/audit?entity=funding_source", 50).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [50, 10]);
    assert_pages_are_the_trail(&pages, &whole);
    // The filters stay: the second page has funding sources only, created ones with `action`.
    let (_, second) = app.get(&format!("/api/v1/audit?entity=funding_source&limit=50&before={}", pages[0][49])).await;
    assert!(second.as_array().unwrap().iter().all(|e| e["entity"] == "funding_source"), "{second}");
    let (_, created) =
        app.get(&format!("/api/v1/audit?entity=funding_source&action=create&limit=5&before={}", whole[2])).await;
    assert_eq!(ids(&created), whole[3..8], "before= with every filter");
    // `after=` the first entry of page 2 reads page 1 again (the 50 nearest, newest first).
    let (_, back) = app.get(&format!("/api/v1/audit?entity=funding_source&limit=50&after={}", pages[1][0])).await;
    assert_eq!(ids(&back), pages[0], "the newer page again");

    // Unfiltered, every entry (the project, the sources, the contributions) in pages of 50.
    let (_, all) = app.get("/api/v1/audit?limit=1000").await;
    let all = ids(&all);
    assert!(all.len() > 115, "{}", all.len());
    assert_pages_are_the_trail(&walk(&app, "/api/v1/audit?", 50).await, &all);

    // A project's trail likewise, in pages of 20: P1's entries only, filtered by action.
    let (_, p1) = app.get("/api/v1/projects/P1/audit?action=create&limit=1000").await;
    assert!(p1.as_array().unwrap().iter().all(|e| e["project_id"] == p1[0]["project_id"]), "{p1}");
    let p1 = ids(&p1);
    assert!(p1.len() >= 56, "the project and its 55 contributions: {}", p1.len());
    let pages = walk(&app, "/api/v1/projects/P1/audit?action=create", 20).await;
    assert_eq!(pages.len(), p1.len().div_ceil(20));
    assert_pages_are_the_trail(&pages, &p1);

    // Not an entry id: the API's 400, naming the parameter.
    let (status, problem) = app.get("/api/v1/audit?before=yesterday").await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem.to_string().contains("before"), "{problem}");
}

crate::on_both_backends!(the_audit_trail_pages_through_every_entry);
