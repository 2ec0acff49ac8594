//! Every template the server offers, for both demo projects and representative periods, as
//! PDF, read back page by page: no page is blank, holds only a heading or ends with one, no
//! word of a column label is split across lines and no figure wraps.

use crate::helpers::{Backend, TestApp};
use crate::pdf_reader::{label_words, layout_defects, read_pdf};
use rbm::reports::document::{self, Block, Document};
use serde_json::{Value, json};

/// Representative windows of the demo data (see `seeds/`): KAZ-HUB runs 2013-2014 (a year, a
/// quarter); UZB-PSD 2023-2026 (a quarter, the 2026-Q1 quarter with unapproved actuals as a
/// draft, and a run of twelve quarters, which the IPTT shows by year).
fn windows() -> Vec<(&'static str, Value)> {
    vec![
        ("KAZ-HUB", json!({"period": "2013"})),
        ("KAZ-HUB", json!({"period": "2014-Q2"})),
        ("UZB-PSD", json!({"period": "2025-Q3"})),
        ("UZB-PSD", json!({"period": "2026-Q1", "draft": true})),
        ("UZB-PSD", json!({"from": "2023-Q1", "to": "2025-Q4"})),
    ]
}

/// The words of every column label and header cell of the document's tables: the words a
/// header cell must never split.
fn header_words(doc: &Document) -> Vec<String> {
    let mut labels = Vec::new();
    for block in &doc.blocks {
        if let Block::Table(t) = block {
            labels.extend(t.columns.iter().map(|c| c.label.clone()));
            labels.extend(t.header.iter().flatten().map(|c| document::format(&c.value)));
        }
    }
    label_words(labels.iter().map(String::as_str))
}

async fn every_template_lays_out_without_defects(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let manager = app.login("manager@rbm.example", "demo-manager-2025").await;
    // The templates the server offers (the shipped ones and any added to the folder).
    let templates = rbm::reports::templates::Templates::from_env();
    let names = templates.names();
    for shipped in rbm::reports::templates::NAMES {
        assert!(names.iter().any(|n| n == shipped), "{shipped} is offered: {names:?}");
    }
    let mut defects = Vec::new();
    let mut reports = 0;
    for template in &names {
        for (project, window) in windows() {
            let mut body = json!({"template": template, "format": "pdf"});
            body.as_object_mut().unwrap().extend(window.as_object().unwrap().clone());
            let what = format!("{template} {project} {window}");
            let path = format!("/api/v1/projects/{project}/reports");
            let (status, meta) = app.request_as(Some(&manager), "POST", &path, Some(&body.to_string())).await;
            assert_eq!(status, 201, "{what}: {meta}");
            let bytes = download(&app, &manager, meta["id"].as_i64().unwrap()).await;
            let pages = read_pdf(&bytes);
            assert!(!pages.is_empty(), "{what}: no pages");

            // The column labels of the same report's document, built by the library.
            let req: rbm::reports::ReportRequest = serde_json::from_value(body.clone()).unwrap();
            let templates = templates.clone();
            let doc = app
                .test_db
                .db
                .tx_blocking(move |c| {
                    let p = rbm::store::projects::find(c, project)?;
                    rbm::reports::build_document(c, &templates, &p, &req, Default::default(), "test")
                })
                .unwrap();
            let words = header_words(&doc);
            assert!(words.len() > 5, "{what}: the tables have column labels: {words:?}");
            defects.extend(layout_defects(&pages, &words).into_iter().map(|d| format!("{what}: {d}")));
            reports += 1;
        }
    }
    assert!(reports >= 15, "{reports} reports");
    assert!(defects.is_empty(), "{} layout defects:\n{}", defects.len(), defects.join("\n"));
}

async fn download(app: &TestApp, token: &str, id: i64) -> Vec<u8> {
    let mut res = app
        .client
        .get(format!("{}/api/v1/reports/{id}/file", app.address))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.body().limit(256 * 1024 * 1024).await.unwrap().to_vec()
}

crate::on_both_backends!(every_template_lays_out_without_defects);
