//! Templates and catalogues are data a team edits: a mistake in an edited template answers
//! 422 naming the template, its line and what is wrong (never a 500, nothing stored); the
//! language is chosen per report, and a translator adds one as files, without recompiling.

use crate::helpers::{Backend, TestApp, TestDb, fields};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

crate::on_both_backends!(
    an_edited_template_with_a_mistake_answers_422_naming_its_line,
    languages_are_chosen_per_report_and_added_as_files,
);

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

/// A copy of the shipped templates folder, to edit in a test.
fn templates_copy(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rbm-templates-{tag}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("report_templates"), &dir);
    dir
}

async fn app_with_templates(backend: Backend, dir: &Path) -> Option<TestApp> {
    let app = TestApp::spawn_with(TestDb::new(backend)?, Some(dir.to_path_buf())).await?;
    rbm::seeds::load_demo(&app.test_db.db).expect("demo seeds load");
    Some(app)
}

async fn generate(app: &TestApp, body: Value) -> (u16, Value) {
    app.post("/api/v1/projects/UZB-PSD/reports", &body).await
}

async fn report_count(app: &TestApp) -> usize {
    app.get("/api/v1/projects/UZB-PSD/reports").await.1.as_array().unwrap().len()
}

/// Inserts `line` as line `at` (1-based) of a template's source.
fn insert_line(dir: &Path, template: &str, at: usize, line: &str) {
    let file = dir.join(template).join("report.hbs");
    let mut lines: Vec<String> = std::fs::read_to_string(&file).unwrap().lines().map(String::from).collect();
    lines.insert(at - 1, line.to_string());
    std::fs::write(&file, lines.join("\n")).unwrap();
}

async fn an_edited_template_with_a_mistake_answers_422_naming_its_line(backend: Backend) {
    let dir = templates_copy("mistake");
    let Some(app) = app_with_templates(backend, &dir).await else { return };
    let body = json!({"template": "eu-interim", "period": "2025-Q3", "format": "pdf"});
    let (status, p) = generate(&app, body.clone()).await;
    assert_eq!(status, 201, "the shipped template renders: {p}");
    let stored = report_count(&app).await;

    // An element the markup does not know, on line 12 of the template.
    insert_line(&dir, "eu-interim", 12, "<section>Visibility</section>");
    let (status, p) = generate(&app, body.clone()).await;
    assert_eq!((status, fields(&p)), (422, vec!["template".to_string()]), "{p}");
    let msg = p["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("`eu-interim`") && msg.contains("line 12") && msg.contains("<section>"), "{msg}");

    // A handlebars error: an {{#each}} that is never closed, on line 12.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("report_templates/eu-interim/report.hbs"),
        dir.join("eu-interim/report.hbs"),
    )
    .unwrap();
    insert_line(&dir, "eu-interim", 12, "{{#each risks}}<p>{{description}}</p>");
    let (status, p) = generate(&app, body.clone()).await;
    assert_eq!(status, 422, "{p}");
    let msg = p["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("`eu-interim`") && msg.contains("line "), "{msg}");

    // A label the catalogue does not have.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("report_templates/eu-interim/report.hbs"),
        dir.join("eu-interim/report.hbs"),
    )
    .unwrap();
    insert_line(&dir, "eu-interim", 12, r#"<p>{{t "eu-no-such-label"}}</p>"#);
    let (status, p) = generate(&app, body.clone()).await;
    assert_eq!(status, 422, "{p}");
    let msg = p["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("`eu-interim`") && msg.contains("eu-no-such-label") && msg.contains("line 12"), "{msg}");

    assert_eq!(report_count(&app).await, stored, "nothing stored on a template error");
    std::fs::remove_dir_all(&dir).unwrap();
}

async fn languages_are_chosen_per_report_and_added_as_files(backend: Backend) {
    let dir = templates_copy("lang");
    let Some(app) = app_with_templates(backend, &dir).await else { return };
    let (status, p) =
        generate(&app, json!({"template": "iptt", "period": "2025-Q3", "format": "html", "lang": "xx"})).await;
    assert_eq!((status, fields(&p)), (422, vec!["lang".to_string()]), "{p}");
    let msg = p["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("`xx`") && msg.contains("en, ru"), "the available languages are listed: {msg}");

    // A translator adds Uzbek as catalogue files (here: the English ones, with one label
    // changed) and overrides a template for it; the running server uses them at once.
    std::fs::copy(dir.join("i18n/en.ftl"), dir.join("i18n/uz.ftl")).unwrap();
    let uz = std::fs::read_to_string(dir.join("i18n/uz.ftl")).unwrap();
    std::fs::write(dir.join("i18n/uz.ftl"), uz.replace("number-group-separator = ,", "number-group-separator = _"))
        .unwrap();
    // The template's own labels too (every template has its catalogue next to report.hbs).
    std::fs::copy(dir.join("iptt/en.ftl"), dir.join("iptt/uz.ftl")).unwrap();
    let own = std::fs::read_to_string(dir.join("iptt/report.hbs")).unwrap();
    std::fs::write(dir.join("iptt/report.uz.hbs"), own.replacen("<h1>", "<h1>Indikatorlar: ", 1)).unwrap();
    let (status, meta) =
        generate(&app, json!({"template": "iptt", "period": "2025-Q3", "format": "html", "lang": "uz"})).await;
    assert_eq!(status, 201, "{meta}");
    assert!(meta["file_name"].as_str().unwrap().ends_with("_uz.html"), "{meta}");
    let (_, _, html) = app.get_raw(&format!("/api/v1/reports/{}/file", meta["id"])).await;
    assert!(html.contains("<html lang=\"uz\""), "the document says its language");
    assert!(html.contains("Indikatorlar: "), "the Uzbek override of the template is used");
    assert!(html.contains("2_410"), "numbers are grouped the Uzbek catalogue's way (OP2 cumulative 2 410)");

    // Russian ships with rbm: numbers grouped with a no-break space.
    let (status, meta) =
        generate(&app, json!({"template": "iptt", "period": "2025-Q3", "format": "html", "lang": "ru"})).await;
    assert_eq!(status, 201, "{meta}");
    let (_, _, html) = app.get_raw(&format!("/api/v1/reports/{}/file", meta["id"])).await;
    assert!(html.contains("<html lang=\"ru\"") && html.contains("2\u{a0}410"), "Russian number format");
    std::fs::remove_dir_all(&dir).unwrap();
}
