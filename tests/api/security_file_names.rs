//! Threat: a name that breaks the download header. A report's file name comes from the project
//! code, the template (a folder a team may name as it likes) and the period; a quote, a
//! semicolon or a line break in it must not break or extend `Content-Disposition`, for new
//! reports and for ones stored before the rule.

use crate::helpers::{Backend, TestApp, TestDb};
use serde_json::json;
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The `Content-Disposition` of a report's download (and the answer's status).
async fn disposition(app: &TestApp, id: i64) -> (u16, String) {
    let res = app
        .client
        .get(format!("{}/api/v1/reports/{id}/file", app.address))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    let header = res.headers().get("content-disposition").map(|v| v.to_str().unwrap().to_string());
    (res.status().as_u16(), header.unwrap_or_default())
}

fn assert_safe(header: &str, case: &str) {
    let name = header
        .strip_prefix("attachment; filename=\"")
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{case}: {header:?}"));
    assert!(
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')),
        "{case}: {header:?}"
    );
}

async fn file_names_cannot_break_the_download_header(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("rbm-file-names-{}-{:?}", std::process::id(), backend));
    let _ = std::fs::remove_dir_all(&dir);
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("report_templates");
    copy_dir(&shipped, &dir);
    let names = ["q\"uote; filename=evil.exe", "line\r\nX-Injected: 1", "Oʻzbek report, 2025"];
    for name in names {
        copy_dir(&shipped.join("iptt"), &dir.join(name));
    }
    let Some(app) = TestApp::spawn_with(TestDb::new(backend).unwrap(), Some(dir.clone())).await else { return };
    rbm::seeds::load_demo(&app.test_db.db).expect("demo seeds load");

    let mut last = 0;
    for name in names {
        let body = json!({"template": name, "period": "2025-Q3", "format": "html", "draft": true});
        let (status, meta) = app.post("/api/v1/projects/UZB-PSD/reports", &body).await;
        assert_eq!(status, 201, "{name:?}: {meta}");
        let file_name = meta["file_name"].as_str().unwrap();
        assert_safe(&format!("attachment; filename=\"{file_name}\""), name);
        let (status, header) = disposition(&app, meta["id"].as_i64().unwrap()).await;
        assert_eq!(status, 200, "{name:?}");
        assert_safe(&header, name);
        last = meta["id"].as_i64().unwrap();
    }

    // A report stored before the rule, with a name that would inject a header.
    {
        use diesel::prelude::*;
        use rbm::schema::reports;
        app.test_db
            .db
            .tx_blocking(|c| {
                diesel::update(reports::table.find(last))
                    .set(reports::file_name.eq("old\"\r\nSet-Cookie: x=1;.html"))
                    .execute(c)?;
                Ok(())
            })
            .unwrap();
    }
    let (status, header) = disposition(&app, last).await;
    assert_eq!(status, 200);
    assert_safe(&header, "stored before");
    let _ = std::fs::remove_dir_all(&dir);
}

crate::on_both_backends!(file_names_cannot_break_the_download_header);
