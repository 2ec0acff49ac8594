//! The work plan and budget page, expenditures, receipts and exchange rates in the browser.

use super::*;

/// The Kazakhstan project (results framework, contributions) as a second project `KAZ-AWP`
/// without work plans, receipts or monitoring data, with the demo finance officer and
/// manager on it: the 2013 AWP is then entered through the page.
async fn empty_kazakhstan(app: &TestApp) {
    let mut doc: Value = serde_json::from_str(include_str!("../../seeds/kaz-hub.json")).unwrap();
    doc.as_object_mut().unwrap().remove("funding_sources");
    doc.as_object_mut().unwrap().remove("exchange_rates");
    let p = &mut doc["projects"][0];
    p["code"] = json!("KAZ-AWP");
    p["award_id"] = json!("00099999");
    for k in ["work_plans", "receipts", "iati_activity_prefix"] {
        p.as_object_mut().unwrap().remove(k);
    }
    let doc = rbm::seeds::parse(&doc.to_string()).expect("seed parses");
    rbm::seeds::load(&app.test_db.db, &doc, rbm::seeds::OnExisting::Fail).expect("project loads");
    let (_, users) = app.get("/api/v1/users").await;
    for (email, role) in [(FINANCE.0, "finance"), (MANAGER.0, "manager")] {
        let id = users.as_array().unwrap().iter().find(|u| u["email"] == email).unwrap()["id"].clone();
        let (status, v) = app.post("/api/v1/projects/KAZ-AWP/members", &json!({"user_id": id, "role": role})).await;
        assert_eq!(status, 201, "{v}");
    }
}

/// Presses Enter in a field, and waits for the page the form's answer loads.
async fn press_enter(b: &Browser, css: &str) {
    let old = b.client.find(Locator::Css("html")).await.unwrap();
    let e = b.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}"));
    e.send_keys("\u{E007}").await.unwrap();
    for _ in 0..400 {
        if old.tag_name().await.is_err() {
            for _ in 0..200 {
                let ready = b.client.execute("return document.readyState", vec![]).await;
                if ready.is_ok_and(|r| r == "complete") {
                    return;
                }
                actix_rt::time::sleep(Duration::from_millis(25)).await;
            }
        }
        actix_rt::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("Enter in {css} did not load another page");
}

/// Sets a date input (typing into one depends on the browser's locale).
async fn set_value(b: &Browser, id: &str, v: &str) {
    let script = format!("document.getElementById({}).value = {}", json!(id), json!(v));
    b.client.execute(&script, vec![]).await.unwrap();
}

async fn plan_of(app: &TestApp, project: &str, year: i64) -> Value {
    let (_, all) = app.get(&format!("/api/v1/projects/{project}/work-plans")).await;
    let id = all.as_array().unwrap().iter().rev().find(|p| p["year"] == year).expect("a plan")["id"].as_i64().unwrap();
    app.get(&format!("/api/v1/work-plans/{id}")).await.1
}

/// Section IV of the project document, Activity Result 1 Action 1 (2013): six lines, USD 23 500.
const LINES_2013: [(&str, &str, &str, &str); 6] = [
    ("RB", "72100", "Contracts with companies", "10 000"),
    ("RB", "71600", "Tickets for participants", "5 000"),
    ("MFA", "71600", "DSA for participants", "4 000"),
    ("MFA", "74200", "Translation services", "1 500"),
    ("RB", "74500", "Others", "1 000"),
    ("RB", "71300", "Local consultants", "2 000"),
];

async fn finance_enters_the_2013_awp_the_manager_approves_and_an_expenditure_in_kzt_delivers(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    empty_kazakhstan(&app).await;
    let (_, sources) = app.get("/api/v1/funding-sources").await;
    let source_id = |code: &str| -> String {
        sources.as_array().unwrap().iter().find(|s| s["code"] == code).unwrap()["id"].to_string()
    };

    // From the dashboard to the year's (empty) plan, which finance starts.
    sign_in(&b, &app, FINANCE).await;
    go(&b, &app, "/projects/KAZ-AWP").await;
    click(&b, "a[href='/projects/KAZ-AWP/work-plans']").await;
    assert!(text(&b, "#plans").await.contains("2014"));
    screenshot(&b, backend, "workplans-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "workplans-phone", PHONE, None, false).await;
    click(&b, "a[href='/projects/KAZ-AWP/work-plans/2013']").await;
    assert!(body(&b).await.contains("has no work plan for 2013 yet"));
    submit(&b, "#create-plan").await;
    assert!(text(&b, "#plan-status").await.contains("Draft"));

    // Schedule activity 1.1.1.2 (round table, Q1, ACSA and UNDP).
    let script = "var s = document.getElementById('activity-result'); \
        var o = Array.from(s.options).find(function (o) { return o.text.indexOf('1.1.1.2 ') === 0; }); \
        s.value = o.value; return o.value;";
    b.client.execute(script, vec![]).await.unwrap();
    click(&b, "input[name='quarter'][value='1']").await;
    fill(&b, "#activity-party", "ACSA, UNDP").await;
    submit(&b, "#add-activity").await;
    let plan = plan_of(&app, "KAZ-AWP", 2013).await;
    let act = plan["activities"][0]["id"].as_i64().unwrap();
    let row = format!("add-{act}");
    assert!(text(&b, &format!("[id='{row}']")).await.contains("New line"));

    // The six lines, each typed into the new-line row and saved with Enter; the third one
    // first with a wrong amount, which is refused next to its cell with the row still filled.
    for (i, (source, account, description, amount)) in LINES_2013.iter().enumerate() {
        select(&b, &format!("#{row}-funding-source-id"), &source_id(source)).await;
        fill(&b, &format!("#{row}-account-code"), account).await;
        fill(&b, &format!("#{row}-description"), description).await;
        if i == 2 {
            fill(&b, &format!("#{row}-amount"), "4 000 USD").await;
            press_enter(&b, &format!("#{row}-amount")).await;
            let cell_error = text(&b, &format!("#{row}-amount-error")).await;
            assert!(cell_error.contains("Enter an amount in USD"), "{cell_error}");
            assert!(text(&b, ".error-summary").await.contains("Amount: Enter an amount in USD"));
            assert_eq!(value(&b, &format!("#{row}-description")).await, *description);
            assert_eq!(value(&b, &format!("#{row}-account-code")).await, *account);
            assert_eq!(value(&b, &format!("#{row}-funding-source-id")).await, source_id(source));
            assert_eq!(value(&b, &format!("#{row}-amount")).await, "4 000 USD");
            screenshot(&b, backend, "awp-line-error-laptop", LAPTOP, Some(&format!("[id='{row}']")), false).await;
            screenshot(&b, backend, "awp-line-error-phone", PHONE, Some(&format!("[id='{row}']")), false).await;
            assert_eq!(plan_of(&app, "KAZ-AWP", 2013).await["lines"].as_array().unwrap().len(), 2, "nothing saved");
        }
        fill(&b, &format!("#{row}-amount"), amount).await;
        press_enter(&b, &format!("#{row}-amount")).await;
        assert!(!body(&b).await.contains("There is a problem"), "line {i}: {}", body(&b).await);
        // The next line starts where the last one was typed.
        let focused = b.client.execute("return document.activeElement.id", vec![]).await.unwrap();
        assert_eq!(focused, json!(format!("{row}-funding-source-id")));
    }
    let total = text(&b, "[id='total-1.1.1.2']").await;
    assert!(total.contains("23,500.00"), "{total}");
    assert!(text(&b, "#plan-total").await.contains("23,500.00"));
    let rb = text(&b, "#awp tfoot").await;
    assert!(rb.contains("Total of funding source MFA") && rb.contains("5,500.00") && rb.contains("18,000.00"), "{rb}");
    let plan = plan_of(&app, "KAZ-AWP", 2013).await;
    let amounts: i64 = plan["lines"].as_array().unwrap().iter().map(|l| l["amount_minor"].as_i64().unwrap()).sum();
    assert_eq!(amounts, 2_350_000);
    assert_eq!(plan["totals"]["total_minor"], 2_350_000);

    // Editing a line in place: Escape leaves it as it was.
    let translation = plan["lines"].as_array().unwrap().iter().find(|l| l["account_code"] == "74200").unwrap().clone();
    let tid = translation["id"].as_i64().unwrap();
    click(&b, &format!("#line-{tid} a[href*='edit=']")).await;
    fill(&b, &format!("#line-{tid}-amount"), "1600").await;
    let old = b.client.find(Locator::Css("html")).await.unwrap();
    b.client.find(Locator::Css(&format!("#line-{tid}-amount"))).await.unwrap().send_keys("\u{E00C}").await.unwrap();
    for _ in 0..200 {
        if old.tag_name().await.is_err() {
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(25)).await;
    }
    actix_rt::time::sleep(Duration::from_millis(200)).await;
    assert!(b.client.find_all(Locator::Css(&format!("#line-{tid}-amount"))).await.unwrap().is_empty());
    assert!(text(&b, "[id='total-1.1.1.2']").await.contains("23,500.00"));
    screenshot(&b, backend, "awp-draft-laptop", LAPTOP, None, true).await;
    screenshot(&b, backend, "awp-draft-phone", PHONE, None, false).await;
    sign_out(&b).await;

    // The manager approves with the Board's date; the plan is then read-only.
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/KAZ-AWP/work-plans/2013").await;
    assert!(b.client.find_all(Locator::Css("tr.row-add")).await.unwrap().is_empty(), "managers do not edit lines");
    submit(&b, "#approve").await;
    assert!(text(&b, ".error-summary").await.contains("date of the Project Board"));
    set_value(&b, "approved-on", "2013-02-08").await;
    submit(&b, "#approve").await;
    assert!(text(&b, "#plan-status").await.contains("Approved"));
    assert_eq!(text(&b, "#approved-on-date").await, "2013-02-08");
    assert_eq!(plan_of(&app, "KAZ-AWP", 2013).await["approved_on"], "2013-02-08");
    sign_out(&b).await;

    // Finance: no edit links on the approved plan; an expenditure in KZT shows its rate.
    sign_in(&b, &app, FINANCE).await;
    go(&b, &app, "/projects/KAZ-AWP/work-plans/2013").await;
    assert!(b.client.find_all(Locator::Css("a[href*='edit=']")).await.unwrap().is_empty());
    assert!(b.client.find_all(Locator::Css("tr.row-add")).await.unwrap().is_empty());
    let before = text(&b, "[id='total-1.1.1.2'] .delivery").await;
    assert!(before.contains("spent 0.00 of 23,500.00"), "{before}");
    screenshot(&b, backend, "awp-approved-laptop", LAPTOP, None, true).await;
    go(&b, &app, "/projects/KAZ-AWP/expenditures").await;
    select(&b, "#budget-line-id", &tid.to_string()).await;
    set_value(&b, "spent-on", "2013-03-20").await;
    fill(&b, "#amount", "225 000").await;
    fill(&b, "#currency", "KZT").await;
    fill(&b, "#reference", "INV-2013-0031").await;
    fill(&b, "#description", "Simultaneous translation, Russian-English").await;
    submit(&b, "#record").await;
    // 225 000 KZT at 150.71 KZT per USD (March 2013) = 1 492.93 USD.
    assert_eq!(text(&b, "#saved-rate").await, "USD/KZT 150.71 (2013-03)");
    assert_eq!(text(&b, "#saved-converted").await, "1,492.93 USD");
    let row = text(&b, "#expenditure-table tbody tr").await;
    assert!(row.contains("225,000.00 KZT") && row.contains("USD/KZT 150.71") && row.contains("1,492.93"), "{row}");
    let (_, spent) = app.get("/api/v1/projects/KAZ-AWP/expenditures").await;
    assert_eq!(spent[0]["ledger_amount_minor"], 149_293);
    screenshot(&b, backend, "expenditures-laptop", LAPTOP, None, true).await;
    screenshot(&b, backend, "expenditures-phone", PHONE, None, false).await;
    // Filters: by currency and by activity find it, by another source does not.
    go(&b, &app, "/projects/KAZ-AWP/expenditures?currency=KZT&activity=1.1.1.2").await;
    assert!(text(&b, "#expenditure-table caption").await.starts_with("1 expenditures"));
    go(&b, &app, &format!("/projects/KAZ-AWP/expenditures?source={}", source_id("RB"))).await;
    assert!(text(&b, "#expenditure-table caption").await.starts_with("0 expenditures"));
    go(&b, &app, "/projects/KAZ-AWP/expenditures?period=2013-Q2").await;
    assert!(text(&b, "#expenditure-table caption").await.starts_with("0 expenditures"));

    // The delivery of the activity and its output moved by the converted figure.
    go(&b, &app, "/projects/KAZ-AWP/work-plans/2013").await;
    let after = text(&b, "[id='total-1.1.1.2'] .delivery").await;
    assert!(after.contains("spent 1,492.93 of 23,500.00 (6.35 %)"), "{after}");
    let output = text(&b, "tr.output-total .delivery").await;
    assert!(output.contains("spent 1,492.93 of 23,500.00"), "{output}");
    b.close().await;
}

async fn a_revision_shows_what_changed_beside_the_approved_plan(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    sign_in(&b, &app, FINANCE).await;
    go(&b, &app, "/projects/KAZ-HUB/work-plans/2014").await;
    fill(&b, "#revision-reason", "Board decision: more for the steering committee").await;
    submit(&b, "#revise").await;
    assert!(text(&b, "#plan-status").await.contains("Draft"));
    assert!(text(&b, ".revisions").await.contains("Revision 1"));
    let plan = plan_of(&app, "KAZ-HUB", 2014).await;
    assert_eq!(plan["revision"], 2);
    let line = plan["lines"][0].clone();
    let id = line["id"].as_i64().unwrap();
    click(&b, &format!("#line-{id} a[href*='edit=']")).await;
    fill(&b, &format!("#line-{id}-amount"), "2 500").await;
    press_enter(&b, &format!("#line-{id}-amount")).await;
    let changed = text(&b, &format!("#line-{id}")).await;
    assert!(changed.contains("2,500.00") && changed.contains("was 2,250.00"), "{changed}");
    assert!(b.client.find(Locator::Css(&format!("#line-{id}.row-changed"))).await.is_ok());
    // The delivery beside a draft revision is that of the approved one, and says so.
    assert!(text(&b, "[id='total-1.1.1.3'] .delivery").await.starts_with("revision 1 as approved: spent"));
    // Delete another line (one without expenditure): listed as removed.
    let gone = plan["lines"].as_array().unwrap().iter().find(|l| l["account_code"] == "74500").unwrap().clone();
    submit(&b, &format!("#line-{} button.link-danger", gone["id"])).await;
    assert!(b.client.find_all(Locator::Css(&format!("#line-{}", gone["id"]))).await.unwrap().is_empty());
    assert!(text(&b, "#removed-h").await.contains("revision 1"));
    screenshot(&b, backend, "awp-revision-laptop", LAPTOP, Some(".revisions"), false).await;
    // The approved revision is still there, read-only.
    go(&b, &app, "/projects/KAZ-HUB/work-plans/2014?revision=1").await;
    assert!(text(&b, "#plan-status").await.contains("Approved"));
    assert!(text(&b, &format!("#line-{}", line["lineage_id"])).await.contains("2,250.00"));
    assert!(b.client.find_all(Locator::Css("a[href*='edit=']")).await.unwrap().is_empty());
    b.close().await;
}

async fn receipts_and_exchange_rates_are_entered_and_corrected(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    sign_in(&b, &app, FINANCE).await;
    go(&b, &app, "/projects/KAZ-HUB/receipts").await;
    let (_, sources) = app.get("/api/v1/funding-sources").await;
    let mfa = sources.as_array().unwrap().iter().find(|s| s["code"] == "MFA").unwrap()["id"].to_string();
    select(&b, "#funding-source-id", &mfa).await;
    set_value(&b, "received-on", "2013-04-15").await;
    fill(&b, "#amount", "1 500 000").await;
    fill(&b, "#currency", "KZT").await;
    submit(&b, "#record").await;
    assert!(text(&b, ".error-summary").await.contains("Reference"));
    assert_eq!(value(&b, "#amount").await, "1 500 000");
    fill(&b, "#reference", "MFA-2013-02").await;
    submit(&b, "#record").await;
    let saved = text(&b, "#receipt-table tr.row-saved").await;
    // 1 500 000 KZT at 150.87 (April 2013) = 9 942.33 USD.
    assert!(
        saved.contains("1,500,000.00 KZT") && saved.contains("USD/KZT 150.87 (2013-04)") && saved.contains("9,942.33"),
        "{saved}"
    );
    screenshot(&b, backend, "receipts-laptop", LAPTOP, None, true).await;
    screenshot(&b, backend, "receipts-phone", PHONE, None, false).await;

    // A stored report of 2013-Q1 used the March rate (the KZT translation invoice of 2013-03-20) ...
    let report = json!({"template": "undp-quarterly", "period": "2013-Q1", "format": "html"});
    let (status, r) = app.post("/api/v1/projects/KAZ-HUB/reports", &report).await;
    assert_eq!(status, 201, "{r}");
    go(&b, &app, "/exchange-rates?currency=KZT").await;
    let march = b.client.find_all(Locator::Css("#rate-table tbody tr")).await.unwrap();
    let mut found = vec![];
    for row in march {
        let t = row.text().await.unwrap();
        if t.contains("KAZ-HUB undp-quarterly 2013-Q1") {
            found.push(t);
        }
    }
    // ... and the February rate, at which the RB receipt of 2013-02 in KZT was converted.
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("2013-02") && found[0].contains("(stored; receipt)"), "{found:?}");
    assert!(found[1].contains("2013-03") && found[1].contains("(stored; expenditure)"), "{found:?}");

    // A new month's rate, then a correction of it.
    go(&b, &app, "/exchange-rates?currency=KZT").await;
    fill(&b, "#quote-currency", "KZT").await;
    fill(&b, "#month", "2015-01").await;
    fill(&b, "#rate", "182,5").await;
    submit(&b, "#add-rate").await;
    assert!(text(&b, "#rate-error").await.len() > 3);
    assert_eq!(value(&b, "#month").await, "2015-01");
    fill(&b, "#rate", "182.50").await;
    submit(&b, "#add-rate").await;
    let row = text(&b, "tr.row-saved").await;
    assert!(row.contains("USD/KZT") && row.contains("2015-01") && row.contains("182.5"), "{row}");
    let id = b.client.find(Locator::Css("tr.row-saved")).await.unwrap().attr("id").await.unwrap().unwrap();
    click(&b, &format!("#{id} a")).await;
    fill(&b, &format!("#{id}-rate"), "183.10").await;
    press_enter(&b, &format!("#{id}-rate")).await;
    assert!(text(&b, &format!("#{id}")).await.contains("183.1"));
    let (_, rates) = app.get("/api/v1/exchange-rates?currency=KZT&from=2015-01&to=2015-01").await;
    assert_eq!(rates[0]["rate"], "183.1");
    screenshot(&b, backend, "rates-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "rates-phone", PHONE, None, false).await;
    sign_out(&b).await;

    // A coordinator reads the rates but neither enters nor corrects them.
    sign_in(&b, &app, COORDINATOR).await;
    go(&b, &app, "/exchange-rates").await;
    assert!(b.client.find_all(Locator::Css("#rate-form")).await.unwrap().is_empty());
    assert!(b.client.find_all(Locator::Css("#rate-table a[href*='edit=']")).await.unwrap().is_empty());
    let csrf = value(&b, "form[action='/sign-out'] input[name='csrf']").await;
    let form = format!("csrf={csrf}&base_currency=USD&quote_currency=KZT&month=2015-01&rate=1&version=2");
    assert_eq!(status_with_session(&b, &app, "POST", &format!("/exchange-rates/{}", &id[5..]), &form).await, 403);
    let (_, rates) = app.get("/api/v1/exchange-rates?currency=KZT&from=2015-01&to=2015-01").await;
    assert_eq!(rates[0]["rate"], "183.1");
    b.close().await;
}

on_both_backends!(
    finance_enters_the_2013_awp_the_manager_approves_and_an_expenditure_in_kzt_delivers,
    a_revision_shows_what_changed_beside_the_approved_plan,
    receipts_and_exchange_rates_are_entered_and_corrected,
);
