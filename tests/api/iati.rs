//! IATI publishing (`GET /projects/{p}/iati.xml`, `rbm export iati`): the demo projects'
//! documents validate against the official 2.03 schema (a copy in tests/fixtures/iati-2.03),
//! and say what a donor checks: identifiers with the prefix, budgets equal to the approved work
//! plans, transactions adding up to the receipts and expenditures, approved actuals only.

use crate::helpers::{Backend, TestApp, fields, project_body};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

crate::on_both_backends!(
    demo_exports_validate_and_say_what_a_donor_checks,
    only_approved_actuals_are_published_with_their_dimensions,
    missing_settings_are_named_and_bad_ones_refused,
    no_text_breaks_the_document,
    the_command_line_writes_the_same_document,
    a_revised_plan_is_published_beside_the_original,
);

/// The namespace of `xml:lang`.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// GET with a token: status, content type, body.
async fn get_xml(app: &TestApp, token: &str, path: &str) -> (u16, String, String) {
    let mut res = app
        .client
        .get(format!("{}{}", app.address, path))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .expect("request succeeds");
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = res.body().limit(256 * 1024 * 1024).await.unwrap();
    (res.status().as_u16(), ct, String::from_utf8(body.to_vec()).expect("UTF-8"))
}

async fn export(app: &TestApp, project: &str) -> String {
    let (status, ct, xml) = get_xml(app, &app.admin_token, &format!("/api/v1/projects/{project}/iati.xml")).await;
    assert_eq!(status, 200, "{project}: {xml}");
    assert_eq!(ct, "application/xml; charset=utf-8");
    xml
}

/// Validates a document with xmllint against the schema copy in the repository. Without
/// xmllint the check is skipped, unless `RBM_REQUIRE_XMLLINT=1` (as `.ci/run` sets).
pub fn assert_schema_valid(xml: &str, what: &str) {
    let schema =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/iati-2.03/iati-activities-schema.xsd");
    let file = std::env::temp_dir().join(format!(
        "rbm_iati_{}_{}.xml",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    ));
    std::fs::write(&file, xml).unwrap();
    let run = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output();
    let _ = std::fs::remove_file(&file);
    match run {
        Err(e) => {
            assert!(
                std::env::var("RBM_REQUIRE_XMLLINT").is_err(),
                "RBM_REQUIRE_XMLLINT is set but xmllint cannot run: {e}"
            );
            eprintln!("skipped the schema validation of {what}: xmllint is not installed (Debian: libxml2-utils)");
        }
        Ok(out) => assert!(
            out.status.success(),
            "{what} does not validate against the IATI 2.03 schema:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

fn children<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children().filter(|c| c.has_tag_name(name)).collect()
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    n.children().find(|c| c.has_tag_name(name)).unwrap_or_else(|| panic!("<{}> has no <{name}>", n.tag_name().name()))
}

fn attr<'a>(n: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    n.attribute(name).unwrap_or_else(|| panic!("<{}> has no @{name}", n.tag_name().name()))
}

/// A decimal of the document in minor units (`293333.00` USD is 29333300).
fn minor(decimal: &str, currency: &str) -> i64 {
    let exp = match currency {
        "JPY" | "KRW" => 0,
        _ => 2,
    };
    let (int, frac) = decimal.split_once('.').unwrap_or((decimal, ""));
    assert_eq!(frac.len(), exp, "{decimal} {currency}: the currency's own decimals");
    format!("{int}{frac}").parse().unwrap()
}

fn narrative(n: roxmltree::Node) -> String {
    let narrative = child(n, "narrative");
    assert_eq!(narrative.attribute((XML_NS, "lang")), Some("en"), "a narrative says its language");
    narrative.text().unwrap_or_default().to_string()
}

async fn demo_exports_validate_and_say_what_a_donor_checks(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    for code in ["KAZ-HUB", "UZB-PSD"] {
        let xml = export(&app, code).await;
        assert_schema_valid(&xml, code);
        let (_, project) = app.get(&format!("/api/v1/projects/{code}")).await;
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let root = doc.root_element();
        assert_eq!((root.tag_name().name(), attr(root, "version")), ("iati-activities", "2.03"));
        let activities = children(root, "iati-activity");
        assert_eq!(activities.len(), 1);
        let a = activities[0];
        assert_eq!(a.attribute((XML_NS, "lang")), Some("en"));
        assert_eq!(attr(a, "default-currency"), "USD");

        // Identifiers: the prefix, then the award id (the code when there is none); the
        // reporting organisation's identifier starts it.
        let org_ref = attr(child(a, "reporting-org"), "ref");
        assert_eq!(org_ref, "XM-DAC-41114");
        let suffix = project["award_id"].as_str().unwrap_or(code);
        let identifier = child(a, "iati-identifier").text().unwrap();
        assert_eq!(identifier, format!("XM-DAC-41114-PROJECT-{suffix}"));
        assert!(identifier.starts_with(&format!("{org_ref}-")));
        assert_eq!(narrative(child(a, "title")), project["title"].as_str().unwrap());

        // Participating organisations: each funding source, UNDP accountable, the partner implementing.
        let (_, contributions) = app.get(&format!("/api/v1/projects/{code}/contributions")).await;
        let (_, sources) = app.get("/api/v1/funding-sources").await;
        let name_of = |id: &Value| -> String {
            sources.as_array().unwrap().iter().find(|s| &s["id"] == id).unwrap()["name"].as_str().unwrap().to_string()
        };
        let mut funders: Vec<String> =
            contributions.as_array().unwrap().iter().map(|c| name_of(&c["funding_source_id"])).collect();
        funders.sort();
        let orgs = children(a, "participating-org");
        let by_role = |role: &str| -> Vec<String> {
            let mut v: Vec<String> = orgs.iter().filter(|o| attr(**o, "role") == role).map(|o| narrative(*o)).collect();
            v.sort();
            v
        };
        assert_eq!(by_role("1"), funders);
        assert_eq!(by_role("2"), ["United Nations Development Programme"]);
        assert_eq!(by_role("4"), [project["implementing_partner"].as_str().unwrap()]);
        assert_eq!(attr(child(a, "recipient-country"), "code"), if code == "KAZ-HUB" { "KZ" } else { "UZ" });
        assert_eq!(attr(child(a, "activity-status"), "code"), "2");

        // Budgets: one per year of an approved work plan, its total; no draft counted.
        let (_, plans) = app.get(&format!("/api/v1/projects/{code}/work-plans")).await;
        let mut expected: BTreeMap<String, i64> = BTreeMap::new();
        let mut draft_years = BTreeSet::new();
        for p in plans.as_array().unwrap() {
            match p["status"].as_str().unwrap() {
                "approved" => {
                    expected.insert(p["year"].to_string(), p["total_minor"].as_i64().unwrap());
                }
                "draft" => {
                    draft_years.insert(p["year"].to_string());
                }
                _ => {}
            }
        }
        assert!(!expected.is_empty(), "{code} has approved plans");
        let mut budgets: BTreeMap<String, i64> = BTreeMap::new();
        for b in children(a, "budget") {
            assert_eq!((attr(b, "type"), attr(b, "status")), ("1", "2"), "original, committed");
            let start = attr(child(b, "period-start"), "iso-date");
            let end = attr(child(b, "period-end"), "iso-date");
            assert_eq!(start[..4], end[..4], "a budget covers at most one year");
            let value = child(b, "value");
            assert_eq!(attr(value, "value-date"), start);
            let currency = attr(value, "currency");
            budgets.insert(start[..4].to_string(), minor(value.text().unwrap(), currency));
        }
        assert_eq!(budgets, expected, "{code}: the budgets are the approved work plans' totals by year");
        if code == "UZB-PSD" {
            assert!(draft_years.contains("2026") && !budgets.contains_key("2026"), "the 2026 draft is no budget");
        }

        // Transactions: incoming funds are the receipts (as received), expenditure the
        // recorded expenditure by quarter (in the ledger currency).
        let transactions = children(a, "transaction");
        let of_type = |t: &str| -> Vec<roxmltree::Node> {
            transactions.iter().copied().filter(|x| attr(child(*x, "transaction-type"), "code") == t).collect()
        };
        let (_, receipts) = app.get(&format!("/api/v1/projects/{code}/receipts")).await;
        let mut received: BTreeMap<String, i64> = BTreeMap::new();
        for r in receipts.as_array().unwrap() {
            *received.entry(r["currency"].as_str().unwrap().to_string()).or_default() +=
                r["amount_minor"].as_i64().unwrap();
        }
        let mut incoming: BTreeMap<String, i64> = BTreeMap::new();
        for t in of_type("1") {
            let v = child(t, "value");
            assert_eq!(attr(v, "value-date"), attr(child(t, "transaction-date"), "iso-date"));
            assert!(!narrative(child(t, "provider-org")).is_empty());
            *incoming.entry(attr(v, "currency").to_string()).or_default() +=
                minor(v.text().unwrap(), attr(v, "currency"));
        }
        assert_eq!(of_type("1").len(), receipts.as_array().unwrap().len());
        assert_eq!(incoming, received, "{code}: incoming funds add up to the receipts, per currency");
        let (_, spent) = app.get(&format!("/api/v1/projects/{code}/expenditures?limit=10000")).await;
        let mut by_quarter: BTreeMap<String, i64> = BTreeMap::new();
        for e in spent.as_array().unwrap() {
            assert_eq!(e["ledger_currency"], "USD");
            *by_quarter.entry(e["quarter"].as_str().unwrap().to_string()).or_default() +=
                e["ledger_amount_minor"].as_i64().unwrap();
        }
        assert!(!by_quarter.is_empty());
        let mut expenditure: BTreeMap<String, i64> = BTreeMap::new();
        for t in of_type("4") {
            let date = attr(child(t, "transaction-date"), "iso-date");
            let (y, m) = (&date[..4], date[5..7].parse::<u32>().unwrap());
            let v = child(t, "value");
            assert_eq!(attr(v, "currency"), "USD");
            let quarter = format!("{y}-Q{}", (m - 1) / 3 + 1);
            assert!(expenditure.insert(quarter, minor(v.text().unwrap(), "USD")).is_none(), "one per quarter");
        }
        assert_eq!(expenditure, by_quarter, "{code}: expenditure transactions are the recorded expenditure by quarter");

        // Results: every indicator, under its result, with a baseline when one is recorded.
        let (_, inds) = app.get(&format!("/api/v1/projects/{code}/indicators")).await;
        let results = children(a, "result");
        let titles: BTreeSet<String> = results
            .iter()
            .flat_map(|r| children(*r, "indicator"))
            .map(|i| narrative(child(i, "title")).split(' ').next().unwrap().to_string())
            .collect();
        let codes: BTreeSet<String> =
            inds.as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_string()).collect();
        assert_eq!(titles, codes, "{code}: every indicator is published");
        for i in results.iter().flat_map(|r| children(*r, "indicator")) {
            for p in children(i, "period") {
                assert!(attr(child(p, "period-start"), "iso-date") <= attr(child(p, "period-end"), "iso-date"));
            }
        }
    }
}

/// The `actual`s of a period: value and dimensions (name, value) of each.
type Actuals = Vec<(Option<String>, Vec<(String, String)>)>;

/// The actuals of one indicator's quarter periods, as published, by period start.
fn quarter_actuals(a: roxmltree::Node, indicator: &str) -> BTreeMap<String, Actuals> {
    let mut out = BTreeMap::new();
    for i in a.descendants().filter(|n| n.has_tag_name("indicator")) {
        if narrative(child(i, "title")).split(' ').next() != Some(indicator) {
            continue;
        }
        for p in children(i, "period") {
            let (s, e) = (attr(child(p, "period-start"), "iso-date"), attr(child(p, "period-end"), "iso-date"));
            let days = (chrono::NaiveDate::parse_from_str(e, "%Y-%m-%d").unwrap()
                - chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
            .num_days();
            if days > 92 {
                continue;
            }
            let actuals = children(p, "actual")
                .into_iter()
                .map(|x| {
                    let dims = children(x, "dimension")
                        .into_iter()
                        .map(|d| (attr(d, "name").to_string(), attr(d, "value").to_string()))
                        .collect();
                    (x.attribute("value").map(str::to_string), dims)
                })
                .collect();
            out.insert(s.to_string(), actuals);
        }
    }
    out
}

async fn only_approved_actuals_are_published_with_their_dimensions(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (_, inds) = app.get("/api/v1/projects/UZB-PSD/indicators").await;
    let output = inds.as_array().unwrap().iter().find(|i| i["code"] == "OP2").unwrap()["result_id"].clone();
    let body = json!({"result_id": output, "code": "IATI1", "title": "People reached", "unit": "persons",
        "measure": "number", "direction": "increase", "accumulation": "sum", "baseline_value": 0, "baseline_year": 2024,
        "disaggregations": [{"name": "sex", "values": ["women", "men"]}]});
    let (status, ind) = app.post("/api/v1/projects/UZB-PSD/indicators", &body).await;
    assert_eq!(status, 201, "{ind}");
    let actuals = format!("/api/v1/indicators/{}/actuals", ind["id"]);
    let entered = |period: &str, value: i64, women: i64| json!({"period": period, "value": value, "disaggregations": {"sex": {"women": women, "men": value - women}}});
    let (_, approved) = app.post(&actuals, &entered("2025-Q1", 7, 4)).await;
    let (_, submitted) = app.post(&actuals, &entered("2025-Q2", 424_242, 1)).await;
    let (_, draft) = app.post(&actuals, &entered("2025-Q3", 535_353, 1)).await;
    let step =
        |a: &Value, what: &str| (format!("/api/v1/actuals/{}/{what}", a["id"]), json!({"version": a["version"]}));
    let (path, b) = step(&approved, "submit");
    let (status, approved) = app.post(&path, &b).await;
    assert_eq!(status, 200, "{approved}");
    let (path, b) = step(&approved, "approve");
    assert_eq!(app.post(&path, &b).await.0, 200);
    let (path, b) = step(&submitted, "submit");
    assert_eq!(app.post(&path, &b).await.0, 200);
    let (status, _) =
        app.post(&format!("/api/v1/indicators/{}/targets", ind["id"]), &json!({"period": "2025-Q3", "value": 9})).await;
    assert_eq!(status, 201);
    let _ = draft;

    let xml = export(&app, "UZB-PSD").await;
    assert_schema_valid(&xml, "UZB-PSD with unapproved actuals");
    assert!(!xml.contains("424242") && !xml.contains("535353"), "no unapproved value is published");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let a = child(doc.root_element(), "iati-activity");
    let mine = quarter_actuals(a, "IATI1");
    let sex = |c: &str| vec![("sex".to_string(), c.to_string())];
    assert_eq!(
        mine,
        BTreeMap::from([
            (
                "2025-01-01".to_string(),
                vec![(Some("7".into()), vec![]), (Some("3".into()), sex("men")), (Some("4".into()), sex("women"))]
            ),
            // A target without an approved actual: the period, with no actual.
            ("2025-07-01".to_string(), vec![]),
        ])
    );

    // Every demo indicator: a quarter's published actual is the approved one, and none of a
    // quarter whose actual is not approved.
    let (_, all) = app.get("/api/v1/projects/UZB-PSD/actuals").await;
    let code_of: BTreeMap<i64, String> = inds
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_i64().unwrap(), i["code"].as_str().unwrap().to_string()))
        .collect();
    let mut unapproved = 0;
    for x in all.as_array().unwrap() {
        let Some(code) = code_of.get(&x["indicator_id"].as_i64().unwrap()) else { continue };
        let q = x["period"].as_str().unwrap();
        let start = format!("{}-{:02}-01", &q[..4], (q[6..].parse::<u32>().unwrap() - 1) * 3 + 1);
        let published = quarter_actuals(a, code).remove(&start).unwrap_or_default();
        if x["status"] == "approved" {
            if let Some(v) = x["value"].as_f64().filter(|_| x["numerator"].is_null()) {
                assert_eq!(published[0].0.as_deref().map(|p| p.parse::<f64>().unwrap()), Some(v), "{code} {q}");
            }
        } else {
            unapproved += 1;
            assert!(published.is_empty(), "{code} {q} is {} and must not be published", x["status"]);
        }
    }
    assert!(unapproved >= 3, "the demo has draft, submitted and returned actuals");
}

async fn missing_settings_are_named_and_bad_ones_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let (status, p) = app.post("/api/v1/projects", &project_body("UZB-NEW")).await;
    assert_eq!(status, 201, "{p}");
    assert!(p["iati_reporting_org_ref"].is_null() && p["country_code"].is_null());
    let (status, _, body) = get_xml(&app, &app.admin_token, "/api/v1/projects/UZB-NEW/iati.xml").await;
    assert_eq!(status, 422);
    let problem: Value = serde_json::from_str(&body).unwrap();
    let mut named = fields(&problem);
    named.sort();
    assert_eq!(named, ["country_code", "iati_activity_prefix", "iati_reporting_org_ref"], "{problem}");

    // Bad settings are refused when set, each named.
    let mut body = project_body("UZB-NEW");
    body["version"] = p["version"].clone();
    for (field, value, also) in [
        ("country_code", "XX", None),
        ("country_code", "uz", None),
        ("iati_reporting_org_ref", "XM DAC 41114", None),
        ("iati_reporting_org_ref", "XM-DAC/41114", None),
        ("iati_implementing_org_ref", "UZ-&-1", None),
        ("iati_activity_prefix", "XM-DAC-41114-", None),
        ("iati_activity_prefix", "GB-COH-1-PROJECT", Some(("iati_reporting_org_ref", "XM-DAC-41114"))),
    ] {
        let mut b = body.clone();
        b[field] = json!(value);
        if let Some((k, v)) = also {
            b[k] = json!(v);
        }
        let (status, problem) = app.put("/api/v1/projects/UZB-NEW", &b).await;
        assert_eq!((status, fields(&problem)), (422, vec![field.to_string()]), "{field} = {value}: {problem}");
    }

    // With them, the (empty) project publishes, valid.
    body["country_code"] = json!("UZ");
    body["iati_reporting_org_ref"] = json!("XM-DAC-41114");
    body["iati_activity_prefix"] = json!("XM-DAC-41114-PROJECT");
    body["iati_implementing_org_ref"] = json!("UZ-INN-200523221");
    let (status, p) = app.put("/api/v1/projects/UZB-NEW", &body).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["iati_activity_prefix"], "XM-DAC-41114-PROJECT");
    let xml = export(&app, "UZB-NEW").await;
    assert_schema_valid(&xml, "a project without data");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let a = child(doc.root_element(), "iati-activity");
    assert_eq!(child(a, "iati-identifier").text(), Some("XM-DAC-41114-PROJECT-UZB-NEW"));
    let ip = children(a, "participating-org").into_iter().find(|o| attr(*o, "role") == "4").unwrap();
    assert_eq!(ip.attribute("ref"), Some("UZ-INN-200523221"));
    assert!(
        children(a, "budget").is_empty() && children(a, "transaction").is_empty() && children(a, "result").is_empty()
    );

    // An award id that cannot end an identifier is named too.
    body["award_id"] = json!("AWD 0001/2");
    body["version"] = p["version"].clone();
    assert_eq!(app.put("/api/v1/projects/UZB-NEW", &body).await.0, 200);
    let (status, _, problem) = get_xml(&app, &app.admin_token, "/api/v1/projects/UZB-NEW/iati.xml").await;
    assert_eq!((status, fields(&serde_json::from_str(&problem).unwrap())), (422, vec!["award_id".to_string()]));
}

async fn no_text_breaks_the_document(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    // The API refuses control characters, but older data, a seed or a direct import may hold
    // them: they are written straight into the database here.
    let nasty = "Dev & <b>\"Ops\"</b> ]]> \u{1}\u{8}\u{b}\u{c}\u{1f} line\ttab\r\nnext \u{fffe}Oʻzbekiston 😀";
    let mut body = project_body("NASTY");
    body["award_id"] = json!("00130468");
    body["country_code"] = json!("UZ");
    body["iati_reporting_org_ref"] = json!("XM-DAC-41114");
    body["iati_activity_prefix"] = json!("XM-DAC-41114-PROJECT");
    let (status, p) = app.post("/api/v1/projects", &body).await;
    assert_eq!(status, 201, "{p}");
    let (status, r) =
        app.post("/api/v1/projects/NASTY/results", &json!({"level": "outcome", "code": "1", "title": "x"})).await;
    assert_eq!(status, 201, "{r}");
    let ind = json!({"result_id": r["id"], "code": "Q1", "title": "x", "unit": "x", "measure": "qualitative",
        "direction": "increase", "accumulation": "latest", "baseline_note": "x", "baseline_year": 2025});
    let (status, i) = app.post("/api/v1/projects/NASTY/indicators", &ind).await;
    assert_eq!(status, 201, "{i}");
    let (status, t) = app
        .post(&format!("/api/v1/indicators/{}/targets", i["id"]), &json!({"period": "2025", "description": "x"}))
        .await;
    assert_eq!(status, 201, "{t}");
    app.test_db
        .db
        .tx_blocking(|c| {
            use diesel::prelude::*;
            use rbm::schema::{indicators, projects, results, targets};
            diesel::update(projects::table)
                .set((
                    projects::title.eq(nasty),
                    projects::description.eq(nasty),
                    projects::implementing_partner.eq(nasty),
                ))
                .execute(c)?;
            diesel::update(results::table)
                .set((results::title.eq(nasty), results::description.eq(nasty)))
                .execute(c)?;
            diesel::update(indicators::table)
                .set((
                    indicators::title.eq(nasty),
                    indicators::unit.eq(nasty),
                    indicators::baseline_note.eq(nasty),
                    indicators::means_of_verification.eq(nasty),
                ))
                .execute(c)?;
            diesel::update(targets::table).set(targets::description.eq(nasty)).execute(c)?;
            Ok(())
        })
        .unwrap();

    let xml = export(&app, "NASTY").await;
    assert_schema_valid(&xml, "a project with markup and control characters in its texts");
    let doc = roxmltree::Document::parse(&xml).expect("well formed");
    let a = child(doc.root_element(), "iati-activity");
    let kept: String =
        nasty.chars().filter(|c| !matches!(*c as u32, 0..=8 | 0xb | 0xc | 0xe..=0x1f | 0xfffe)).collect();
    assert_eq!(narrative(child(a, "title")), kept.trim());
    assert_eq!(child(a, "iati-identifier").text(), Some("XM-DAC-41114-PROJECT-00130468"));
    let other = child(a, "other-identifier");
    assert_eq!((attr(other, "ref"), attr(other, "type")), ("00130468", "A1"));
    let indicator = a.descendants().find(|n| n.has_tag_name("indicator")).unwrap();
    assert_eq!(attr(indicator, "measure"), "5");
    let target = a.descendants().find(|n| n.has_tag_name("target")).unwrap();
    assert!(target.attribute("value").is_none(), "a qualitative target has no value");
    assert_eq!(narrative(child(target, "comment")), kept.trim());
}

async fn the_command_line_writes_the_same_document(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let api = export(&app, "KAZ-HUB").await;
    let out = std::env::temp_dir().join(format!("rbm_iati_cli_{}_{backend:?}.xml", std::process::id()));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_rbm"))
        .args(["--database", &app.test_db.url(), "export", "iati", "--project", "KAZ-HUB", "-o"])
        .arg(&out)
        .env("RUST_LOG", "warn")
        .output()
        .expect("rbm runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("XM-DAC-41114-PROJECT-KAZ-HUB"));
    let cli = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    let without_time = |s: &str| {
        let i = s.find("generated-datetime=\"").unwrap();
        let j = i + s[i..].find("\">").unwrap();
        format!("{}{}", &s[..i], &s[j..])
    };
    assert_eq!(without_time(&cli), without_time(&api), "the CLI and the API write the same document");

    // To standard output without -o; an unknown project is an error.
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_rbm"))
        .args(["--database", &app.test_db.url(), "export", "iati", "--project", "UZB-PSD"])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(
        String::from_utf8(run.stdout)
            .unwrap()
            .contains("<iati-identifier>XM-DAC-41114-PROJECT-00130468</iati-identifier>")
    );
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_rbm"))
        .args(["--database", &app.test_db.url(), "export", "iati", "--project", "NOPE"])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(!run.status.success());
}

/// The budgets of a year: (type, value in minor units).
fn budgets_of(xml: &str, year: &str) -> Vec<(String, i64)> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let a = child(doc.root_element(), "iati-activity");
    children(a, "budget")
        .into_iter()
        .filter(|b| attr(child(*b, "period-start"), "iso-date").starts_with(year))
        .map(|b| (attr(b, "type").to_string(), minor(child(b, "value").text().unwrap(), "USD")))
        .collect()
}

async fn a_revised_plan_is_published_beside_the_original(backend: Backend) {
    let Some(app) = TestApp::with_demo(backend).await else { return };
    let (_, plans) = app.get("/api/v1/projects/UZB-PSD/work-plans").await;
    let plan =
        plans.as_array().unwrap().iter().find(|p| p["year"] == 2025 && p["status"] == "approved").unwrap().clone();
    let original = plan["total_minor"].as_i64().unwrap();
    assert_eq!(budgets_of(&export(&app, "UZB-PSD").await, "2025"), [("1".to_string(), original)]);

    // A revision adds 1 000.00: while it is a draft, nothing changes.
    let (status, revision) =
        app.post(&format!("/api/v1/work-plans/{}/revisions", plan["id"]), &json!({"reason": "Extra workshop"})).await;
    assert_eq!(status, 201, "{revision}");
    let source = revision["lines"][0]["funding_source_id"].clone();
    let line = json!({"funding_source_id": source, "account_code": "75700", "description": "Extra workshop",
        "amount_minor": 100_000, "currency": "USD"});
    let (status, l) = app.post(&format!("/api/v1/work-plans/{}/lines", revision["id"]), &line).await;
    assert_eq!(status, 201, "{l}");
    assert_eq!(budgets_of(&export(&app, "UZB-PSD").await, "2025"), [("1".to_string(), original)]);

    // Approved, it is published as the revised budget, beside the original.
    let (_, current) = app.get(&format!("/api/v1/work-plans/{}", revision["id"])).await;
    let body = json!({"approved_on": "2025-06-30", "version": current["version"]});
    let (status, approved) = app.post(&format!("/api/v1/work-plans/{}/approve", revision["id"]), &body).await;
    assert_eq!(status, 200, "{approved}");
    let xml = export(&app, "UZB-PSD").await;
    assert_schema_valid(&xml, "UZB-PSD with a revised plan");
    assert_eq!(budgets_of(&xml, "2025"), [("1".to_string(), original), ("2".to_string(), original + 100_000)]);
}
