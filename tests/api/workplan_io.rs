//! The work plan to and from Excel (`/projects/{p}/workplans/{year}/export.xlsx` and
//! `/import`): round trip, three edited cells, the Kazakhstan 2013 AWP typed by a person
//! (`tests/fixtures/awp-kaz-hub-2013.xlsx`, made by `make_kaz_hub_2013_fixture` below), and
//! every kind of bad workbook with its 4xx.

use crate::helpers::{Backend, TestApp};
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use serde_json::{Value, json};
use std::io::{Cursor, Read, Write};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(crate::helpers::fixtures_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

async fn download(app: &TestApp, token: &str, path: &str) -> (u16, String, String, Vec<u8>) {
    let mut res = app
        .client
        .get(format!("{}{path}", app.address))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .expect("request succeeds");
    let header = |n: &str| res.headers().get(n).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let (ct, cd) = (header("content-type"), header("content-disposition"));
    let bytes = res.body().limit(64 * 1024 * 1024).await.unwrap().to_vec();
    (res.status().as_u16(), ct, cd, bytes)
}

async fn upload(app: &TestApp, token: &str, path: &str, content_type: &str, bytes: Vec<u8>) -> (u16, Value) {
    let mut res = app
        .client
        .post(format!("{}{path}", app.address))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("Content-Type", content_type))
        .send_body(bytes)
        .await
        .expect("request succeeds");
    let status = res.status().as_u16();
    let body = res.body().limit(64 * 1024 * 1024).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn export(app: &TestApp, project: &str, year: i32) -> Vec<u8> {
    let (status, ct, cd, bytes) =
        download(app, &app.admin_token, &format!("/api/v1/projects/{project}/workplans/{year}/export.xlsx")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(ct, XLSX);
    assert_eq!(cd, format!("attachment; filename=\"{project}-awp-{year}.xlsx\""));
    bytes
}

async fn import(app: &TestApp, project: &str, year: i32, apply: bool, bytes: Vec<u8>) -> (u16, Value) {
    let q = if apply { "?apply=true" } else { "" };
    upload(app, &app.admin_token, &format!("/api/v1/projects/{project}/workplans/{year}/import{q}"), XLSX, bytes).await
}

/// A draft revision of the KAZ-HUB 2013 plan (a copy of the approved one), to import into.
async fn revise_2013(app: &TestApp) -> i64 {
    let (_, plans) = app.get("/api/v1/projects/KAZ-HUB/work-plans").await;
    let approved = plans.as_array().unwrap().iter().find(|p| p["year"] == 2013).unwrap()["id"].as_i64().unwrap();
    let (status, draft) =
        app.post(&format!("/api/v1/work-plans/{approved}/revisions"), &json!({"reason": "import test"})).await;
    assert_eq!(status, 201, "{draft}");
    draft["id"].as_i64().unwrap()
}

fn problems(report: &Value) -> Vec<String> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}: {}", p["place"].as_str().unwrap(), p["message"].as_str().unwrap()))
        .collect()
}

fn summary(report: &Value) -> Vec<(String, i64, i64, i64)> {
    ["activities", "lines", "targets"]
        .iter()
        .map(|k| {
            let s = &report["summary"][*k];
            (
                k.to_string(),
                s["created"].as_i64().unwrap(),
                s["changed"].as_i64().unwrap(),
                s["deleted"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn no_changes() -> Vec<(String, i64, i64, i64)> {
    vec![("activities".into(), 0, 0, 0), ("lines".into(), 0, 0, 0), ("targets".into(), 0, 0, 0)]
}

// ---------------------------------------------------------------------------------------
// Editing a workbook as a person would (cells rewritten, formulas recalculated)

/// A cell's new content.
pub enum Cell {
    Number(f64),
    Text(&'static str),
}

fn sheet_part(bytes: &[u8], sheet: usize) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{sheet}.xml")).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

fn replace_part(bytes: &[u8], part: &str, xml: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = vec![];
        f.read_to_end(&mut data).unwrap();
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(if name == part { xml.as_bytes() } else { &data }).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Rewrites one cell of sheet `sheet` (1-based), keeping its style.
pub fn set_cell(bytes: &[u8], sheet: usize, reference: &str, value: Cell) -> Vec<u8> {
    let xml = sheet_part(bytes, sheet);
    let start = xml.find(&format!("<c r=\"{reference}\"")).unwrap_or_else(|| panic!("no cell {reference}"));
    let head_end = start + xml[start..].find('>').unwrap();
    let self_closing = xml.as_bytes()[head_end - 1] == b'/';
    let end = if self_closing { head_end + 1 } else { head_end + xml[head_end..].find("</c>").unwrap() + 4 };
    let head = &xml[start..head_end];
    let style =
        head.split(" s=\"").nth(1).map(|s| format!(" s=\"{}\"", s.split('"').next().unwrap())).unwrap_or_default();
    let cell = match value {
        Cell::Number(n) => format!("<c r=\"{reference}\"{style}><v>{n}</v></c>"),
        Cell::Text(t) => format!("<c r=\"{reference}\"{style} t=\"inlineStr\"><is><t>{t}</t></is></c>"),
    };
    let xml = format!("{}{cell}{}", &xml[..start], &xml[end..]);
    replace_part(bytes, &format!("xl/worksheets/sheet{sheet}.xml"), &xml)
}

/// Recalculates every `SUBTOTAL(9, K{a}:K{b})` of sheet 1 as a spreadsheet program would
/// (the cells in range that are not formulas), writing the result as the cached value.
pub fn recalculate(bytes: &[u8]) -> Vec<u8> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let name = wb.sheet_names()[0].clone();
    let values = wb.worksheet_range(&name).unwrap();
    let formulas = wb.worksheet_formula(&name).unwrap();
    let mut xml = sheet_part(bytes, 1);
    let (start, end) = (formulas.start().unwrap(), formulas.end().unwrap());
    for r in start.0..=end.0 {
        for c in start.1..=end.1 {
            let Some(f) = formulas.get_value((r, c)).filter(|f| f.starts_with("SUBTOTAL(9,")) else { continue };
            let range = f.trim_start_matches("SUBTOTAL(9,").trim_end_matches(')');
            let (a, b) = range.split_once(':').unwrap();
            let row = |s: &str| s.trim_start_matches(|ch: char| ch.is_ascii_alphabetic()).parse::<u32>().unwrap() - 1;
            let mut sum = 0.0;
            for rr in row(a)..=row(b) {
                if formulas.get_value((rr, c)).is_some_and(|f| !f.is_empty()) {
                    continue;
                }
                if let Some(Data::Float(v)) = values.get_value((rr, c)) {
                    sum += v;
                }
            }
            let reference = format!("{}{}", rbm::awp::column_letters(c), r + 1);
            let at = xml.find(&format!("<c r=\"{reference}\"")).unwrap();
            let v0 = at + xml[at..].find("<v>").unwrap() + 3;
            let v1 = v0 + xml[v0..].find("</v>").unwrap();
            xml.replace_range(v0..v1, &format!("{}", (sum * 100.0).round() / 100.0));
        }
    }
    replace_part(bytes, "xl/worksheets/sheet1.xml", &xml)
}

/// The 1-based row of sheet `sheet` whose column `col` (0-based) reads `text`.
fn row_of(bytes: &[u8], sheet: usize, col: u32, text: &str) -> u32 {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let name = wb.sheet_names()[sheet - 1].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let (s, e) = (range.start().unwrap(), range.end().unwrap());
    (s.0..=e.0)
        .find(|r| match range.get_value((*r, col)) {
            Some(Data::String(t)) => t == text,
            Some(Data::Float(f)) => f.to_string() == text,
            _ => false,
        })
        .unwrap_or_else(|| panic!("no {text} in column {col}"))
        + 1
}

// ---------------------------------------------------------------------------------------
// The tests

async fn exported_plan_imports_back_unchanged(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let draft = revise_2013(&app).await;
    let bytes = export(&app, "KAZ-HUB", 2013).await;

    // The workbook: the AWP layout and the results framework; totals as formulas with their figures.
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["AWP 2013", "Results framework"]);
    let awp = wb.worksheet_range("AWP 2013").unwrap();
    let formulas = wb.worksheet_formula("AWP 2013").unwrap();
    let total_row = row_of(&bytes, 1, 1, "Total") - 1;
    assert_eq!(formulas.get_value((total_row, 10)).unwrap(), &format!("SUBTOTAL(9,K6:K{})", total_row));
    assert_eq!(awp.get_value((total_row, 10)), Some(&Data::Float(208_000.0)));
    let sub = row_of(&bytes, 1, 1, "Subtotal 1.1.1.2") - 1;
    assert_eq!(awp.get_value((sub, 10)), Some(&Data::Float(23_500.0)));
    let round_table = row_of(
        &bytes,
        1,
        1,
        "1.1.1.2 Round table on the establishment of the Regional Hub “Regional problems of civil service: the actuality and prospects”",
    ) - 1;
    assert_eq!(awp.get_value((round_table, 2)), Some(&Data::String("X".into())), "Q1 mark");
    assert_eq!(awp.get_value((round_table, 6)), Some(&Data::String("ACSA, UNDP".into())));
    let out = row_of(&bytes, 1, 1, "Total output 1.1") - 1;
    assert_eq!(awp.get_value((out, 10)), Some(&Data::Float(199_430.0)), "output 1.1 without the plan-level GMS");
    let rf = wb.worksheet_range("Results framework").unwrap();
    let op3 = row_of(&bytes, 2, 2, "OP3") - 1;
    assert_eq!(rf.get_value((3, 7)), Some(&Data::String("Target 2013".into())));
    assert_eq!(rf.get_value((op3, 7)), Some(&Data::Float(30.0)));
    assert_eq!(rf.get_value((op3, 9)), Some(&Data::Float(80.0)), "LOP");

    // Importing it changes nothing, dry run or applied.
    let (status, report) = import(&app, "KAZ-HUB", 2013, false, bytes.clone()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(problems(&report), Vec::<String>::new());
    assert_eq!(summary(&report), no_changes(), "{report:#}");
    assert_eq!((report["work_plan_id"].as_i64(), report["plan_status"].as_str()), (Some(draft), Some("draft")));
    assert_eq!(report["totals"]["amount_minor"], 20_800_000);
    assert_eq!(report["totals"]["lines"], 32);
    assert!(report["totals"]["subtotals_checked"].as_i64().unwrap() >= 12);
    let audit_before = app.get("/api/v1/projects/KAZ-HUB/audit?limit=1000").await.1.as_array().unwrap().len();
    let (status, applied) = import(&app, "KAZ-HUB", 2013, true, bytes.clone()).await;
    assert_eq!((status, &applied["applied"]), (200, &json!(true)), "{applied}");
    assert_eq!(summary(&applied), no_changes());
    let audit_after = app.get("/api/v1/projects/KAZ-HUB/audit?limit=1000").await.1.as_array().unwrap().len();
    assert_eq!(audit_before, audit_after, "nothing written");

    // The command line writes the same workbook and reads it the same way.
    let (status, plan) = app.get(&format!("/api/v1/work-plans/{draft}")).await;
    assert_eq!((status, plan["lines"].as_array().unwrap().len()), (200, 32));
}

async fn three_edited_cells_change_exactly_three_things(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let draft = revise_2013(&app).await;
    let bytes = export(&app, "KAZ-HUB", 2013).await;
    let (_, plan) = app.get(&format!("/api/v1/work-plans/{draft}")).await;
    let line =
        plan["lines"].as_array().unwrap().iter().find(|l| l["description"] == "Local consultants").unwrap().clone();
    // 1. The amount of the round table's local consultants (found by its line reference).
    let row = row_of(&bytes, 1, 11, &line["lineage_id"].to_string());
    let edited = set_cell(&bytes, 1, &format!("K{row}"), Cell::Number(2_750.0));
    // 2. The global conference also in Q3.
    let conference = row_of(
        &bytes,
        1,
        1,
        "1.1.1.4 Global conference on the issues of civil service within VI Astana Economic Forum, including discussion of a baseline research results",
    );
    let edited = set_cell(&edited, 1, &format!("E{conference}"), Cell::Text("X"));
    // 3. The 2013 target of OP3 (civil servants trained): 30 -> 35.
    let op3 = row_of(&bytes, 2, 2, "OP3");
    let edited = recalculate(&set_cell(&edited, 2, &format!("H{op3}"), Cell::Number(35.0)));

    let (status, report) = import(&app, "KAZ-HUB", 2013, false, edited.clone()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(problems(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(
        summary(&report),
        vec![("activities".into(), 0, 1, 0), ("lines".into(), 0, 1, 0), ("targets".into(), 0, 1, 0)],
        "{report:#}"
    );
    let details: Vec<&str> =
        report["changes"].as_array().unwrap().iter().map(|c| c["detail"].as_str().unwrap()).collect();
    assert_eq!(details[0], "activity 1.1.1.4: timeframe Q2 -> Q2 Q3");
    assert!(details[1].ends_with("amount 2 000 -> 2 750"), "{}", details[1]);
    assert_eq!(details[2], "target of OP3 for 2013: 30 -> 35");
    assert_eq!(report["totals"]["amount_minor"], 20_800_000 + 75_000);

    // Applied: exactly those three things, in one audited transaction.
    let (status, applied) = import(&app, "KAZ-HUB", 2013, true, edited.clone()).await;
    assert_eq!((status, &applied["applied"]), (200, &json!(true)), "{applied}");
    let (_, after) = app.get(&format!("/api/v1/work-plans/{draft}")).await;
    let changed = after["lines"].as_array().unwrap().iter().find(|l| l["id"] == line["id"]).unwrap();
    assert_eq!((changed["amount_minor"].as_i64(), changed["version"].as_i64()), (Some(275_000), Some(2)));
    let others_same = after["lines"]
        .as_array()
        .unwrap()
        .iter()
        .zip(plan["lines"].as_array().unwrap())
        .filter(|(a, b)| {
            a["id"] != line["id"] && a["version"] == b["version"] && a["amount_minor"] == b["amount_minor"]
        })
        .count();
    assert_eq!(others_same, 31);
    let conf = after["activities"].as_array().unwrap().iter().find(|a| a["code"] == "1.1.1.4").unwrap();
    assert_eq!(conf["quarters"], json!([2, 3]));
    let (_, inds) = app.get("/api/v1/projects/KAZ-HUB/indicators").await;
    let op3 = inds.as_array().unwrap().iter().find(|i| i["code"] == "OP3").unwrap();
    let t2013 = op3["targets"].as_array().unwrap().iter().find(|t| t["period"] == "2013").unwrap();
    assert_eq!(t2013["value"], json!(35.0));
    let (_, audit) = app.get("/api/v1/projects/KAZ-HUB/audit?action=update&limit=10").await;
    let entities: Vec<&str> = audit.as_array().unwrap().iter().take(3).map(|e| e["entity"].as_str().unwrap()).collect();
    assert_eq!(entities, ["target", "budget_line", "work_plan_activity"], "{audit:#}");
    assert!(audit[0]["reason"].as_str().unwrap().contains("import"));

    // The same workbook again: nothing left to change.
    let (_, again) = import(&app, "KAZ-HUB", 2013, false, edited).await;
    assert_eq!(summary(&again), no_changes(), "{again:#}");
}

async fn the_kazakhstan_2013_awp_typed_by_a_person_imports_with_its_totals(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    revise_2013(&app).await;
    let typed = fixture("awp-kaz-hub-2013.xlsx");
    // Against the plan the demo holds (the same document, keyed in by hand): the same plan.
    let (status, report) = import(&app, "KAZ-HUB", 2013, false, typed.clone()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(problems(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(summary(&report), no_changes(), "{report:#}");
    assert_eq!(report["sheets"], json!(["ГПР 2013"]));
    let totals = &report["totals"];
    assert_eq!((totals["lines"].as_i64(), totals["amount_minor"].as_i64()), (Some(32), Some(20_800_000)));
    // Every subtotal row of the table was found and checked: 9 under actions, 4 SUBTOTAL / ПОДИТОГ, Итого.
    assert_eq!(totals["subtotals_checked"], 14);
    let by = |k: &str| -> Vec<(String, i64)> {
        totals[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| (g["key"].as_str().unwrap().to_string(), g["amount_minor"].as_i64().unwrap()))
            .collect()
    };
    assert_eq!(by("by_output"), [("1.1".to_string(), 19_943_000), ("plan level".to_string(), 857_000)]);
    assert_eq!(
        by("by_funding_source"),
        [("MFA".to_string(), 2_700_000), ("RB".to_string(), 13_100_000), ("UNDP".to_string(), 5_000_000)]
    );
    let act = by("by_activity");
    assert_eq!(act[0], ("1.1.1.2".to_string(), 2_350_000));
    assert_eq!(act.last().unwrap(), &("1.1.4.1".to_string(), 5_000_000));

    // Into a project with the same results framework and no work plan yet: the table makes the
    // 2013 plan (a draft), its activities and lines.
    let mut seed: Value = serde_json::from_str(include_str!("../../seeds/kaz-hub.json")).unwrap();
    seed.as_object_mut().unwrap().remove("exchange_rates");
    let project = &mut seed["projects"][0];
    project["code"] = json!("KAZ-COPY");
    project.as_object_mut().unwrap().remove("work_plans");
    project.as_object_mut().unwrap().remove("receipts");
    let doc = rbm::seeds::parse(&seed.to_string()).unwrap();
    let db = app.test_db.db.clone();
    actix_web::rt::task::spawn_blocking(move || rbm::seeds::load(&db, &doc, rbm::seeds::OnExisting::Skip).unwrap())
        .await
        .unwrap();
    let (status, report) = import(&app, "KAZ-COPY", 2013, false, typed.clone()).await;
    assert_eq!((status, problems(&report)), (200, vec![]), "{report:#}");
    assert_eq!(report["work_plan_id"], Value::Null);
    let (status, applied) = import(&app, "KAZ-COPY", 2013, true, typed).await;
    assert_eq!(status, 200, "{applied}");
    assert_eq!((applied["revision"].as_i64(), applied["plan_status"].as_str()), (Some(1), Some("draft")));
    let copy = applied["work_plan_id"].as_i64().unwrap();
    assert_eq!(
        summary(&applied),
        vec![("activities".into(), 10, 0, 0), ("lines".into(), 32, 0, 0), ("targets".into(), 0, 0, 0)]
    );
    let (_, plan) = app.get(&format!("/api/v1/work-plans/{copy}")).await;
    assert_eq!(plan["totals"]["total_minor"], 20_800_000);
    let by_source: Vec<(String, i64)> = plan["totals"]["by_source"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["source_code"].as_str().unwrap().to_string(), s["total_minor"].as_i64().unwrap()))
        .collect();
    assert_eq!(by_source, [("MFA".into(), 2_700_000), ("RB".into(), 13_100_000), ("UNDP".into(), 5_000_000)]);
    let conf = plan["activities"].as_array().unwrap().iter().find(|a| a["code"] == "1.1.1.4").unwrap();
    assert_eq!((conf["quarters"].clone(), conf["responsible_party"].clone()), (json!([2]), json!("ACSA, UNDP")));
    let pm = plan["activities"].as_array().unwrap().iter().find(|a| a["code"] == "1.1.4.1").unwrap();
    assert_eq!((pm["quarters"].clone(), pm["responsible_party"].clone()), (json!([1, 2, 3, 4]), json!("UNDP")));
    let gms: Vec<i64> = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["activity_id"].is_null())
        .map(|l| l["amount_minor"].as_i64().unwrap())
        .collect();
    assert_eq!(gms, [410_000, 447_000], "the GMS lines are plan-level lines");
}

async fn mistakes_in_a_typed_table_are_each_named_and_nothing_is_imported(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let draft = revise_2013(&app).await;
    let (bytes, places) = kaz_hub_2013_table(true);
    let (status, report) = import(&app, "KAZ-HUB", 2013, false, bytes.clone()).await;
    assert_eq!(status, 200, "{report}");
    let found = problems(&report);
    for expected in &places {
        assert!(found.contains(expected), "missing `{expected}` in {found:#?}");
    }
    assert_eq!(found.len(), places.len(), "{found:#?}");
    // Applying: a 422 listing every problem with its place; nothing written.
    let (_, before) = app.get(&format!("/api/v1/work-plans/{draft}")).await;
    let (status, problem) = import(&app, "KAZ-HUB", 2013, true, bytes).await;
    assert_eq!(status, 422, "{problem}");
    let listed: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}: {}", e["field"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(listed.len(), places.len());
    let (_, after) = app.get(&format!("/api/v1/work-plans/{draft}")).await;
    assert_eq!(before, after);
}

async fn bad_workbooks_get_their_4xx(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let path = "/api/v1/projects/KAZ-HUB/workplans/2013/import";
    let admin = app.admin_token.clone();
    let refused = |(status, p): (u16, Value), code: u16, words: &str| {
        assert_eq!(status, code, "{p}");
        let text = p.to_string();
        assert!(text.contains(words), "`{words}` not in {p}");
    };
    // Not an XLSX, an old .xls, a password-protected workbook, no header, over 20 MB, another media type.
    refused(upload(&app, &admin, path, XLSX, b"Output;Activity;Amount\n1;2;3\n".to_vec()).await, 422, "not an XLSX");
    refused(upload(&app, &admin, path, XLSX, fixture("awp-password-protected.xlsx")).await, 422, "password-protected");
    let mut blank = Workbook::new();
    blank.add_worksheet().write_string(0, 0, "Notes of the board meeting").unwrap();
    refused(upload(&app, &admin, path, XLSX, blank.save_to_buffer().unwrap()).await, 422, "no recognisable header row");
    refused(upload(&app, &admin, path, XLSX, vec![b'P'; 20 * 1024 * 1024 + 1]).await, 422, "at most 20 MB");
    refused(upload(&app, &admin, path, "application/json", b"{}".to_vec()).await, 415, "Content-Type");
    refused(
        upload(&app, &admin, "/api/v1/projects/KAZ-HUB/workplans/2031/import", XLSX, vec![]).await,
        422,
        "outside the project",
    );

    // The approved plan is locked: the dry run says so, applying is a 409.
    let bytes = export(&app, "KAZ-HUB", 2013).await;
    let (status, report) = import(&app, "KAZ-HUB", 2013, false, bytes.clone()).await;
    assert_eq!(status, 200);
    assert!(report["notes"].to_string().contains("approved"), "{report}");
    refused(import(&app, "KAZ-HUB", 2013, true, bytes.clone()).await, 409, "start a revision");
    // The 2014 workbook is not the 2013 plan.
    let other = export(&app, "KAZ-HUB", 2014).await;
    let (_, report) = import(&app, "KAZ-HUB", 2013, false, other).await;
    assert!(problems(&report).iter().any(|p| p.contains("this is the 2014 work plan")), "{report:#}");

    // A formula without a calculated value, a quarter mark that is not X, an amount that is
    // not a number, an unknown account: each named; applying is refused.
    revise_2013(&app).await;
    let total = row_of(&bytes, 1, 1, "Total");
    let xml = sheet_part(&bytes, 1);
    let at = xml.find(&format!("<c r=\"K{total}\"")).unwrap();
    let (v0, v1) = (at + xml[at..].find("<v>").unwrap(), at + xml[at..].find("</v>").unwrap() + 4);
    let no_value = replace_part(&bytes, "xl/worksheets/sheet1.xml", &format!("{}{}", &xml[..v0], &xml[v1..]));
    let round_table = row_of(
        &bytes,
        1,
        1,
        "1.1.1.2 Round table on the establishment of the Regional Hub “Regional problems of civil service: the actuality and prospects”",
    );
    let edited = set_cell(&no_value, 1, &format!("D{round_table}"), Cell::Text("yes"));
    let edited = set_cell(&edited, 1, &format!("K{}", round_table + 1), Cell::Text("five thousand"));
    let edited = set_cell(&edited, 1, &format!("I{}", round_table + 2), Cell::Text("7160"));
    let (status, report) = import(&app, "KAZ-HUB", 2013, false, edited.clone()).await;
    assert_eq!(status, 200);
    let found = problems(&report);
    for expected in [
        format!(
            "AWP 2013!K{total}: formula =SUBTOTAL(9,K6:K{}) has no calculated value: open the workbook in Excel or LibreOffice, let it calculate and save it",
            total - 1
        ),
        format!("AWP 2013!D{round_table}: quarter mark \"yes\" in Q2: write X or leave the cell empty"),
        format!("AWP 2013!K{}: amount \"five thousand\" is not a number", round_table + 1),
        format!("AWP 2013!I{}: unknown budget account \"7160\"", round_table + 2),
    ] {
        assert!(found.contains(&expected), "missing `{expected}` in {found:#?}");
    }
    refused(import(&app, "KAZ-HUB", 2013, true, edited).await, 422, "unknown budget account");

    // Roles: a donor reads the workbook but imports nothing; a coordinator may not import a plan.
    let donor = app.login("donor.eu@rbm.example", "demo-donor-2025").await;
    assert_eq!(download(&app, &donor, "/api/v1/projects/UZB-PSD/workplans/2025/export.xlsx").await.0, 200);
    assert_eq!(download(&app, &donor, "/api/v1/projects/KAZ-HUB/workplans/2013/export.xlsx").await.0, 404);
    let u = "/api/v1/projects/UZB-PSD/workplans/2025/import";
    assert_eq!(upload(&app, &donor, u, XLSX, b"x".to_vec()).await.0, 403);
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    assert_eq!(upload(&app, &coordinator, path, XLSX, bytes).await.0, 403);
    assert_eq!(download(&app, &admin, "/api/v1/projects/UZB-PSD/workplans/2024/export.xlsx").await.0, 404);
    assert_eq!(download(&app, &admin, "/api/v1/projects/UZB-PSD/workplans/2027/export.xlsx").await.0, 422);
}

crate::on_both_backends!(
    exported_plan_imports_back_unchanged,
    three_edited_cells_change_exactly_three_things,
    the_kazakhstan_2013_awp_typed_by_a_person_imports_with_its_totals,
    mistakes_in_a_typed_table_are_each_named_and_nothing_is_imported,
    bad_workbooks_get_their_4xx,
);

// ---------------------------------------------------------------------------------------
// The fixture: the 2013 AWP of the Kazakhstan project document, typed as a person would

/// Writes `tests/fixtures/awp-kaz-hub-2013.xlsx`: `cargo test --test api -- --ignored make_kaz_hub_2013_fixture`.
#[test]
#[ignore]
fn make_kaz_hub_2013_fixture() {
    let (bytes, _) = kaz_hub_2013_table(false);
    std::fs::write(crate::helpers::fixtures_dir().join("awp-kaz-hub-2013.xlsx"), bytes).unwrap();
}

/// The committed fixture is what the function above makes (same cells).
#[test]
fn the_committed_fixture_is_the_typed_table() {
    let read = |bytes: Vec<u8>| {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let name = wb.sheet_names()[0].clone();
        (name.clone(), wb.worksheet_range(&name).unwrap(), wb.merge_cells_by_sheet_name(&name).unwrap())
    };
    let (a, b) = (read(fixture("awp-kaz-hub-2013.xlsx")), read(kaz_hub_2013_table(false).0));
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}

struct Typist<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    wrap: Format,
    money: Format,
}

/// One budget line as the document prints it: source, "account description", amount.
type Line = (&'static str, &'static str, f64);

impl Typist<'_> {
    /// An activity: its text in column B (one merged cell, or one row per piece when `spread`),
    /// marks on its first row, the responsible party merged over its rows, its lines, and the
    /// subtotal row the document types under it (amount only).
    fn activity(&mut self, text: &[&str], marks: &[u16], party: &str, lines: &[Line], subtotal: Option<f64>) {
        let first = self.row;
        let n = (lines.len().max(text.len()).max(1)) as u32;
        let last = first + n - 1;
        if text.len() == 1 && n > 1 {
            self.ws.merge_range(first, 1, last, 1, text[0], &self.wrap).unwrap();
        } else {
            for (i, t) in text.iter().enumerate() {
                self.ws.write_string_with_format(first + i as u32, 1, *t, &self.wrap).unwrap();
            }
        }
        for q in marks {
            // Some marks typed with the Cyrillic Х, as happens on a Russian keyboard.
            let x = if *q == 4 { "Х" } else { "X" };
            self.ws.write_string(first, 1 + q, x).unwrap();
        }
        if !party.is_empty() {
            if n > 1 {
                self.ws.merge_range(first, 6, last, 6, party, &self.wrap).unwrap();
            } else {
                self.ws.write_string_with_format(first, 6, party, &self.wrap).unwrap();
            }
        }
        for (i, l) in lines.iter().enumerate() {
            self.line(first + i as u32, l);
        }
        self.row = last + 1;
        if let Some(s) = subtotal {
            self.ws.write_number_with_format(self.row, 9, s, &self.money).unwrap();
            self.row += 1;
        }
    }

    fn line(&mut self, row: u32, (source, description, amount): &Line) {
        self.ws.write_string(row, 7, *source).unwrap();
        self.ws.write_string_with_format(row, 8, *description, &self.wrap).unwrap();
        self.ws.write_number_with_format(row, 9, *amount, &self.money).unwrap();
    }

    fn labelled(&mut self, label: &str, amount: f64) {
        self.ws.write_string(self.row, 8, label).unwrap();
        self.ws.write_number_with_format(self.row, 9, amount, &self.money).unwrap();
        self.row += 1;
    }
}

/// The 2013 AWP of `../shared/seed-docs/001_a01fbdcb14848cef.txt` (section IV) as a person
/// types it in Excel, with Russian headers: the header over two rows (Сроки over the quarters,
/// Планируемый бюджет over source, description and amount); the output merged in column A
/// with its target, baseline and indicator typed further down; each activity result and its
/// first action in one cell, as the document prints them; the global conference's text spread
/// over three rows; the account inside the budget description (`72100 Contracts with
/// companies`); the subtotal rows as the document types them (an amount alone, `SUBTOTAL:`,
/// `ПОДИТОГ:`) and `Итого`. The readings of the seed (`seeds/README.md`) are kept: `RB (MFA)`
/// lines on MFA, `P5` is RB, project management on UNDP, the lines lost in the flattened text
/// as the seed reconstructs them, the GMS lines after their activity results.
///
/// With `mistakes`, five typing errors the import must name (returned with their place).
pub fn kaz_hub_2013_table(mistakes: bool) -> (Vec<u8>, Vec<String>) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("ГПР 2013").unwrap();
    let wrap = Format::new().set_text_wrap();
    let head = Format::new().set_bold().set_text_wrap().set_border(rust_xlsxwriter::FormatBorder::Thin);
    let money = Format::new().set_num_format("# ##0");
    ws.write_string(0, 0, "IV. ГОДОВОЙ ПЛАН РАБОТ").unwrap();
    ws.write_string(1, 0, "Год: 2013").unwrap();
    ws.merge_range(3, 0, 4, 0, "Ожидаемые результаты\nИсходные данные, индикаторы и целевые показатели", &head)
        .unwrap();
    ws.merge_range(3, 1, 4, 1, "Запланированные мероприятия\nРезультаты деятельности и связанные действия", &head)
        .unwrap();
    ws.merge_range(3, 2, 3, 5, "Сроки", &head).unwrap();
    for (i, q) in ["I кв.", "II кв.", "III кв.", "IV кв."].iter().enumerate() {
        ws.write_string_with_format(4, 2 + i as u16, *q, &head).unwrap();
    }
    ws.merge_range(3, 6, 4, 6, "Ответственная сторона", &head).unwrap();
    ws.merge_range(3, 7, 3, 9, "Планируемый бюджет", &head).unwrap();
    ws.write_string_with_format(4, 7, "Источник финансирования", &head).unwrap();
    ws.write_string_with_format(4, 8, "Описание бюджета", &head).unwrap();
    ws.write_string_with_format(4, 9, "Сумма, долл. США", &head).unwrap();
    for (c, w) in
        [(0, 30.0), (1, 50.0), (2, 5.0), (3, 5.0), (4, 5.0), (5, 5.0), (6, 16.0), (7, 12.0), (8, 44.0), (9, 12.0)]
    {
        ws.set_column_width(c, w).unwrap();
    }
    let sheet = "ГПР 2013";
    let mut expected = vec![];
    let mut t = Typist { ws, row: 5, wrap: wrap.clone(), money };

    let acsa = "ACSA, UNDP";
    t.activity(
        &["1. Activity Result Partnership and networks Action 1. Round Table on the establishment of the Regional Hub \"Regional problems of civil service: the actuality and prospects\""],
        &[1],
        acsa,
        &[
            ("RB", "72100 Contracts with companies", 10_000.0),
            ("RB", "71600 Tickets for participants", 5_000.0),
            ("MFA", "71600 DSA for participants", 4_000.0),
            ("MFA", "74200 Translation services", 1_500.0),
            ("RB", "74500 Others", 1_000.0),
            ("RB", "71300 Local consultants", 2_000.0),
        ],
        Some(23_500.0),
    );
    t.activity(
        &[
            "Action 2. Global conference in the sphere of civil service",
            "in the frames of VI Astana Economic Forum, including",
            "discussion of a baseline research results",
        ],
        &[2],
        acsa,
        &[
            ("RB", "71200 International Consultants", 30_000.0),
            ("RB", "72100 Contracts with companies", 1_500.0),
            ("RB", "74500 Others", 1_000.0),
        ],
        Some(32_500.0),
    );
    t.activity(
        &["Action 3. Round tables with state donors and international organizations representatives for determination of the potential sources of funding and formation of a general strategy of financing for medium and long term period"],
        &[1],
        acsa,
        &[("MFA", "72100 Contracts with companies", 2_000.0), ("RB", "74500 Others", 500.0)],
        Some(2_500.0),
    );
    let gms_row = t.row;
    let gms = if mistakes { 3_600.0 } else { 4_100.0 };
    t.line(gms_row, &("RB", "75100 Administrative expenses (GMS 7%), activity result 1", gms));
    t.row += 1;
    if mistakes {
        expected.push(format!("{sheet}, row {}: subtotal 62 600 differs from its lines, 62 100", t.row + 1));
    }
    t.labelled("SUBTOTAL:", 62_600.0);

    let apa = "APA, UNDP";
    t.activity(
        &["2. Activity Result Training & Experience exchange Action 1. Conduction a baseline study for the identification of priority areas and spheres, where regional cooperation and exchange of experiences will be able to increase the capacity of national institutions"],
        &[1],
        apa,
        &[("RB", "71200 International Consultants", 10_000.0), ("RB", "74500 Others", 500.0)],
        Some(10_500.0),
    );
    let exchange_row = t.row;
    t.activity(
        &["Action 2. Exchange of experience and information in the sphere of civil service with the international partners (organization of meetings and online conferences)"],
        &[2, 3],
        apa,
        &[
            ("MFA", "71600 Tickets for participants", 9_000.0),
            ("MFA", "71600 DSA for participants", 9_000.0),
            ("MFA", "74500 Others", 1_500.0),
        ],
        Some(19_500.0),
    );
    let lectures_row = t.row;
    t.activity(
        &["Action 3. Conducting lectures, seminars and master-classes in the APA with involvement of civil servants from foreign countries and states of the region"],
        &[3, 4],
        apa,
        &[
            ("RB", "71300 International consultant (account 71300 as printed)", 10_000.0),
            ("RB", "71600 Tickets for participants", 9_500.0),
            ("RB", "71600 DSA for participants (reconstructed: not legible in the source)", 9_500.0),
            ("RB", "74500 Others (reconstructed: not legible in the source)", 500.0),
        ],
        Some(29_500.0),
    );
    t.activity(
        &["Action 4. Executing of pilot seminars for civil servants of the states of the region based on the jointly developed program"],
        &[4],
        apa,
        &[("RB", "75700 Pilot seminars for civil servants of the region (reconstructed: not legible in the source)", 8_000.0)],
        Some(8_000.0),
    );
    t.labelled("ПОДИТОГ:", 67_500.0);

    let km = "ACSA, UNDP, APA";
    t.activity(
        &["3. Activity Result Knowledge Management Action 1. Release of electronic journal in the sphere of civil service reform for states of the region, including creation of a roster of Kazakhstan's experts"],
        &[3, 4],
        km,
        &[
            ("RB", "71300 Local consultants: e-journal editor, roster of experts (reconstructed: not legible in the source)", 6_000.0),
            ("RB", "74200 E-journal production (reconstructed: not legible in the source)", 3_430.0),
        ],
        Some(9_430.0),
    );
    t.activity(
        &["Action 2. Creating a portal and internet-forum for the public service to scholars, experts and practitioners from the region and electronic library in the sphere of civil service"],
        &[2, 3, 4],
        km,
        &[
            ("RB", "72100 Contracts with companies: portal and internet forum (reconstructed: not legible in the source)", 12_000.0),
            ("RB", "72800 IT equipment for the portal (reconstructed: not legible in the source)", 2_000.0),
        ],
        Some(14_000.0),
    );
    let gms2 = t.row;
    t.line(
        gms2,
        &(
            "RB",
            "75100 Administrative expenses (GMS 7%), activity results 2-3 (reconstructed: not legible in the source)",
            4_470.0,
        ),
    );
    t.row += 1;
    t.labelled("SUBTOTAL:", 27_900.0);

    // Activity result 4 has no actions in the document: its lines are the project management's.
    let pm_row = t.row;
    t.ws.write_string_with_format(pm_row, 1, "4. Activity Result Effective project management", &wrap).unwrap();
    for q in 1..=4u16 {
        t.ws.write_string(pm_row, 1 + q, "X").unwrap();
    }
    t.ws.write_string(pm_row, 6, "UNDP").unwrap();
    t.row += 1;
    for l in [
        ("UNDP", "71400 Project Manager (amount from the 50 000 subtotal; account assumed)", 29_700.0),
        ("UNDP", "71400 Project Assistant", 10_800.0),
        ("UNDP", "72200 Office equipment", 2_000.0),
        ("UNDP", "71300 Local Consultants", 6_000.0),
        ("UNDP", "72500 Supplies", 1_500.0),
    ] {
        let r = t.row;
        t.line(r, &l);
        t.row += 1;
    }
    t.labelled("ПОДИТОГ:", 50_000.0);
    let total_row = t.row;
    t.ws.write_string(total_row, 0, "Итого").unwrap();
    t.ws.write_number(total_row, 9, 208_000.0).unwrap();
    if mistakes {
        // Without the line whose amount is not a number (9 000) and with the GMS 500 short.
        expected.push(format!("{sheet}, row {}: total 208 000 differs from its lines, 198 500", total_row + 1));
    }
    let last = t.row - 1;

    // Column A: the output, merged over its first rows, then its target, baseline and indicator.
    let ws = t.ws;
    ws.merge_range(
        5,
        0,
        10,
        0,
        "Output 1 Strengthening cooperation and continuous practice of excellence in public service in the region",
        &wrap,
    )
    .unwrap();
    ws.write_string_with_format(12, 0, "Target 1 (2013 year) Establishment of the regional hub for civil service Baseline: In the region there are no centers for civil service", &wrap).unwrap();
    ws.write_string_with_format(
        16,
        0,
        "Indicator: Approval of the regional concept of the regional hub by countries in the",
        &wrap,
    )
    .unwrap();
    ws.write_string_with_format(17, 0, "region", &wrap).unwrap();
    let _ = last;

    if mistakes {
        // `P5`: the Cyrillic РБ read as Latin, as in the source.
        ws.write_string(lectures_row, 7, "P5").unwrap();
        expected.push(format!(
            "{sheet}!H{}: funding source \"P5\" is not a source of this project (MFA, RB, UNDP)",
            lectures_row + 1
        ));
        ws.write_string_with_format(lectures_row + 1, 8, "7160 Tickets for participants", &wrap).unwrap();
        expected.push(format!("{sheet}!I{}: unknown budget account \"7160\"", lectures_row + 2));
        ws.write_string(exchange_row + 1, 9, "9 000 USD").unwrap();
        expected.push(format!("{sheet}!J{}: amount \"9 000 USD\" is not a number", exchange_row + 2));
        ws.write_string(exchange_row, 4, "V").unwrap();
        expected
            .push(format!("{sheet}!E{}: quarter mark \"V\" in Q3: write X or leave the cell empty", exchange_row + 1));
        // The subtotals around the broken cells no longer check either.
        expected.push(format!("{sheet}, row {}: subtotal 19 500 differs from its lines, 10 500", exchange_row + 4));
        expected.push(format!("{sheet}, row {}: subtotal 67 500 differs from its lines, 58 500", lectures_row + 8));
        let _ = pm_row;
    }
    (wb.save_to_buffer().unwrap(), expected)
}
