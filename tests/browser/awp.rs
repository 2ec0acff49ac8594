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

/// Minor units as a Russian page writes them: `1 234,50` (no-break spaces read as spaces).
fn ru_amount(minor: i64) -> String {
    let whole = (minor / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(ch);
    }
    format!("{grouped},{:02}", minor % 100)
}

/// Whether the page fits the window (no sideways scrolling), and the window is a phone's.
async fn fits_a_phone(b: &Browser) -> (u64, u64) {
    let w = b
        .client
        .execute("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]", vec![])
        .await
        .unwrap();
    (w[0].as_u64().unwrap(), w[1].as_u64().unwrap())
}

/// Whether an element is shown and lies inside the window's width.
async fn shown_in_window(b: &Browser, css: &str) -> bool {
    let script = format!(
        "var e = document.querySelector({}); if (!e) return false; var r = e.getBoundingClientRect(); \
         return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth;",
        json!(css)
    );
    b.client.execute(&script, vec![]).await.unwrap() == json!(true)
}

/// The work plan of a year in Russian (words, column heads, totals the Russian way, an amount
/// typed with a decimal comma) and on a phone (cards, no sideways scrolling, still editable).
async fn the_work_plan_in_russian_and_on_a_phone(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let token = app.login(FINANCE.0, FINANCE.1).await;
    let lang = |l: &str| json!({ "lang": l }).to_string();
    assert_eq!(app.request_as(Some(&token), "PATCH", "/api/v1/auth/me", Some(&lang("ru"))).await.0, 200);
    sign_in(&b, &app, FINANCE).await;
    go(&b, &app, "/projects/KAZ-HUB/work-plans/2014").await;
    let h1 = text(&b, "h1").await;
    assert!(h1.starts_with("Рабочий план и бюджет на 2014 год"), "{h1}");
    assert_eq!(text(&b, "#plan-status").await, "Утверждён");
    // Column heads in Russian (read from the DOM: a phone hides them visually).
    let heads = b
        .client
        .execute("return document.querySelector('#awp thead').textContent.replace(/\\s+/g, ' ')", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    for head in ["Мероприятие", "Сроки", "Ответственная сторона", "Источник финансирования", "Сумма", "1 кв."]
    {
        assert!(heads.contains(head), "{head} in {heads}");
    }
    for english in ["Activity", "Timeframe", "Responsible", "Funding source", "Amount", "Phasing", "Q1"] {
        assert!(!heads.contains(english), "{english} left in English: {heads}");
    }
    let plan = plan_of(&app, "KAZ-HUB", 2014).await;
    let total_minor = plan["totals"]["total_minor"].as_i64().unwrap();
    let total = text(&b, "#plan-total td.amount").await.replace('\u{a0}', " ");
    assert_eq!(total, ru_amount(total_minor));
    assert!(total.contains(' ') && total.contains(',') && !total.contains('.'), "{total}");
    let foot = text(&b, "#awp tfoot").await;
    assert!(foot.contains("Итого по плану") && foot.contains("Итого по источнику финансирования"), "{foot}");
    assert!(!foot.contains("Total of") && !foot.contains("spent"), "{foot}");
    let delivery = text(&b, "#plan-total .delivery").await;
    assert!(delivery.starts_with("израсходовано "), "{delivery}");

    // A revision, then a line's amount typed the Russian way.
    fill(&b, "#revision-reason", "Решение Совета").await;
    submit(&b, "#revise").await;
    assert_eq!(text(&b, "#plan-status").await, "Черновик");
    let plan = plan_of(&app, "KAZ-HUB", 2014).await;
    let line = plan["lines"][0].clone();
    let id = line["id"].as_i64().unwrap();
    let was = line["amount_minor"].as_i64().unwrap();
    click(&b, &format!("#line-{id} a[href*='edit=']")).await;
    assert_eq!(value(&b, &format!("#line-{id}-amount")).await, ru_amount(was).replace(' ', ""));
    // A wrong amount: the message in Russian next to the cell, the row still filled.
    fill(&b, &format!("#line-{id}-amount"), "12,3,4").await;
    press_enter(&b, &format!("#line-{id}-amount")).await;
    let err = text(&b, &format!("#line-{id}-amount-error")).await;
    assert!(err.contains("Ошибка:") && err.contains("Введите сумму в USD"), "{err}");
    assert_eq!(text(&b, "#error-summary-title").await, "Есть ошибки");
    assert!(text(&b, ".error-summary").await.contains("Сумма: Введите сумму"));
    assert_eq!(value(&b, &format!("#line-{id}-amount")).await, "12,3,4");
    fill(&b, &format!("#line-{id}-amount"), "1 234,50").await;
    press_enter(&b, &format!("#line-{id}-amount")).await;
    let plan = plan_of(&app, "KAZ-HUB", 2014).await;
    let saved = plan["lines"].as_array().unwrap().iter().find(|l| l["id"] == id).expect("the line").clone();
    assert_eq!(saved["amount_minor"], 123_450, "{saved}");
    let row = text(&b, &format!("#line-{id}")).await.replace('\u{a0}', " ");
    assert!(row.contains("1 234,50") && row.contains(&format!("было {}", ru_amount(was))), "{row}");
    assert!(text(&b, ".notice").await.starts_with("Строка сохранена"));
    let total = text(&b, "#plan-total td.amount").await.replace('\u{a0}', " ");
    assert_eq!(total, ru_amount(plan["totals"]["total_minor"].as_i64().unwrap()));
    let legend = text(&b, ".revisions").await;
    assert!(legend.contains("Редакция 1") && legend.contains("изменённые"), "{legend}");
    screenshot(&b, backend, "ru-awp-laptop", LAPTOP, None, true).await;

    // On a phone: cards, no sideways scrolling (in Russian and English), the first line's
    // amount and the plan's total in the window, and a line still edited in place.
    b.client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    for l in ["ru", "en"] {
        assert_eq!(app.request_as(Some(&token), "PATCH", "/api/v1/auth/me", Some(&lang(l))).await.0, 200);
        go(&b, &app, "/projects/KAZ-HUB/work-plans/2014").await;
        let (scroll, client) = fits_a_phone(&b).await;
        assert!(client <= PHONE.0 as u64 && scroll <= client, "{l}: the page is {scroll} px wide in {client} px");
        assert!(shown_in_window(&b, &format!("#line-{id} td.amount")).await, "{l}: the first line's amount");
        assert!(shown_in_window(&b, "#plan-total td.amount").await, "{l}: the plan's total");
        assert!(shown_in_window(&b, &format!("#line-{id} a[href*='edit=']")).await, "{l}: the edit link");
    }
    click(&b, &format!("#line-{id} a[href*='edit=']")).await;
    let (scroll, client) = fits_a_phone(&b).await;
    assert!(scroll <= client, "editing: {scroll} > {client}");
    assert!(shown_in_window(&b, &format!("#line-{id}-amount")).await);
    fill(&b, &format!("#line-{id}-amount"), "1300").await;
    press_enter(&b, &format!("#line-{id}-amount")).await;
    let plan = plan_of(&app, "KAZ-HUB", 2014).await;
    let saved = plan["lines"].as_array().unwrap().iter().find(|l| l["id"] == id).expect("the line").clone();
    assert_eq!(saved["amount_minor"], 130_000, "{saved}");
    assert!(text(&b, &format!("#line-{id}")).await.contains("1,300.00"));
    screenshot(&b, backend, "awp-phone-cards", PHONE, Some(&format!("#line-{id}")), false).await;
    screenshot(&b, backend, "awp-phone-totals", PHONE, Some("#plan-total"), false).await;
    b.close().await;
}

/// Minor units as the English pages write them: `1,234.50`.
fn en_amount(minor: i64) -> String {
    ru_amount(minor).replace(',', ".").replace(' ', ",")
}

/// The expenditure input as the API takes it, from what the API answered.
fn expenditure_body(e: &Value, amount_minor: i64, description: &str) -> Value {
    json!({"budget_line_id": e["budget_line_id"], "spent_on": e["spent_on"], "amount_minor": amount_minor,
        "currency": e["currency"], "reference": e["reference"], "description": description, "version": e["version"]})
}

/// Whether the project KAZ-HUB still has a receipt (the API lists them; it has no GET of one).
async fn receipt_exists(app: &TestApp, id: i64) -> bool {
    let (_, all) = app.get("/api/v1/projects/KAZ-HUB/receipts").await;
    all.as_array().unwrap().iter().any(|r| r["id"] == id)
}

/// Finance corrects an expenditure and deletes a receipt on the pages (a wrong amount is
/// refused next to its field with the form kept; a correction made meanwhile by someone else
/// is not overwritten); the audit trail has both; other roles see no edit or delete.
async fn finance_corrects_an_expenditure_and_deletes_a_receipt(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let (_, spent) = app.get("/api/v1/projects/KAZ-HUB/expenditures").await;
    // One spent in another currency than the ledger's (its converted figure uses a rate).
    let e = spent.as_array().unwrap().iter().find(|e| e["currency"] != e["ledger_currency"]).expect("demo").clone();
    let id = e["id"].as_i64().unwrap();
    let (old_minor, old_ledger) = (e["amount_minor"].as_i64().unwrap(), e["ledger_amount_minor"].as_i64().unwrap());
    let reference = e["reference"].as_str().unwrap().to_string();
    sign_in(&b, &app, FINANCE).await;
    go(&b, &app, "/projects/KAZ-HUB/expenditures").await;
    click(&b, &format!("#expenditure-{id} a[href*='edit=']")).await;
    assert_eq!(text(&b, "#expenditure-form h2").await, format!("Correct the expenditure {reference}"));
    assert_eq!(value(&b, "#amount").await, en_amount(old_minor).replace(',', ""));
    assert_eq!(value(&b, "#reference").await, reference);
    // A wrong amount: the message next to the field, the form still filled and still a correction.
    fill(&b, "#amount", "12abc").await;
    submit(&b, "#save").await;
    let err = text(&b, "#amount-error").await;
    assert!(err.contains("Enter an amount in"), "{err}");
    assert_eq!(value(&b, "#amount").await, "12abc");
    assert_eq!(value(&b, "#reference").await, reference);
    assert_eq!(text(&b, "#expenditure-form h2").await, format!("Correct the expenditure {reference}"));
    screenshot(&b, backend, "expenditure-edit-error-laptop", LAPTOP, Some("#expenditure-form"), false).await;
    screenshot(&b, backend, "expenditure-edit-error-phone", PHONE, Some("label[for='amount']"), false).await;
    let (_, same) = app.get(&format!("/api/v1/expenditures/{id}")).await;
    assert_eq!(same["amount_minor"], old_minor, "nothing saved");
    // Twice the amount: converted again, the page shows the new figure.
    fill(&b, "#amount", &en_amount(old_minor * 2)).await;
    submit(&b, "#save").await;
    assert!(path_of(&b).await.contains(&format!("saved={id}&corrected=1")), "{}", body(&b).await);
    let (_, after) = app.get(&format!("/api/v1/expenditures/{id}")).await;
    assert_eq!(after["amount_minor"], old_minor * 2);
    let new_ledger = after["ledger_amount_minor"].as_i64().unwrap();
    assert!((new_ledger - 2 * old_ledger).abs() <= 1, "{old_ledger} -> {new_ledger}");
    let ledger = after["ledger_currency"].as_str().unwrap();
    assert_eq!(text(&b, "#saved-converted").await, format!("{} {ledger}", en_amount(new_ledger)));
    assert!(text(&b, "#saved").await.starts_with(&format!("Corrected {reference}")));
    assert!(text(&b, &format!("#expenditure-{id}")).await.contains(&en_amount(new_ledger)));

    // Someone else corrects it while the form is open: the page does not overwrite theirs.
    go(&b, &app, &format!("/projects/KAZ-HUB/expenditures?edit={id}")).await;
    let (status, theirs) =
        app.put(&format!("/api/v1/expenditures/{id}"), &expenditure_body(&after, old_minor * 2, "Checked")).await;
    assert_eq!(status, 200, "{theirs}");
    // The API refuses a stale version with 412.
    let (status, stale) =
        app.put(&format!("/api/v1/expenditures/{id}"), &expenditure_body(&after, old_minor, "")).await;
    assert_eq!(status, 412, "{stale}");
    fill(&b, "#amount", &en_amount(old_minor)).await;
    submit(&b, "#save").await;
    assert!(text(&b, ".error-summary").await.contains("Someone changed it meanwhile: reload the page"));
    let (_, kept) = app.get(&format!("/api/v1/expenditures/{id}")).await;
    assert_eq!((kept["amount_minor"].as_i64(), kept["description"].as_str()), (Some(old_minor * 2), Some("Checked")));

    // A receipt deleted after confirming (a page that works without JavaScript).
    let (_, receipts) = app.get("/api/v1/projects/KAZ-HUB/receipts").await;
    let r = receipts[0].clone();
    let rid = r["id"].as_i64().unwrap();
    go(&b, &app, "/projects/KAZ-HUB/receipts").await;
    click(&b, &format!("#receipt-{rid} a[href$='/delete']")).await;
    assert_eq!(text(&b, "h1").await, format!("Delete the receipt {}", r["reference"].as_str().unwrap()));
    assert!(text(&b, "#doomed").await.contains(r["reference"].as_str().unwrap()));
    screenshot(&b, backend, "receipt-delete-confirm-phone", PHONE, None, false).await;
    click(&b, "a.button.secondary").await;
    assert!(receipt_exists(&app, rid).await, "kept");
    click(&b, &format!("#receipt-{rid} a[href$='/delete']")).await;
    submit(&b, "#confirm-delete").await;
    assert_eq!(path_of(&b).await, "/projects/KAZ-HUB/receipts?deleted=1");
    assert_eq!(text(&b, "#deleted").await, "The receipt is deleted.");
    assert!(!receipt_exists(&app, rid).await, "deleted");
    // The audit trail has the correction and the deletion, as through the API.
    let (_, audit) = app.get("/api/v1/projects/KAZ-HUB/audit?entity=expenditure").await;
    assert!(audit.as_array().unwrap().iter().any(|a| a["action"] == "update" && a["entity_id"] == id), "{audit}");
    let (_, audit) = app.get("/api/v1/projects/KAZ-HUB/audit?entity=receipt").await;
    assert!(audit.as_array().unwrap().iter().any(|a| a["action"] == "delete" && a["entity_id"] == rid), "{audit}");

    // The same in Russian: the words, an amount with a decimal comma, the confirmation.
    let token = app.login(FINANCE.0, FINANCE.1).await;
    let body_ru = json!({ "lang": "ru" }).to_string();
    assert_eq!(app.request_as(Some(&token), "PATCH", "/api/v1/auth/me", Some(&body_ru)).await.0, 200);
    go(&b, &app, "/projects/KAZ-HUB/expenditures").await;
    assert_eq!(text(&b, &format!("#expenditure-{id} a[href*='edit=']")).await, "Изменить");
    click(&b, &format!("#expenditure-{id} a[href*='edit=']")).await;
    assert_eq!(text(&b, "#expenditure-form h2").await, format!("Исправить расход {reference}"));
    fill(&b, "#amount", "1 2,3,4").await;
    submit(&b, "#save").await;
    assert!(text(&b, "#amount-error").await.contains("Введите сумму"));
    fill(&b, "#amount", "1 234,50").await;
    submit(&b, "#save").await;
    let (_, ru) = app.get(&format!("/api/v1/expenditures/{id}")).await;
    assert_eq!(ru["amount_minor"], 123_450);
    assert!(text(&b, "#saved").await.starts_with("Исправлено"));
    let other = receipts[1]["id"].as_i64().unwrap();
    go(&b, &app, &format!("/projects/KAZ-HUB/receipts/{other}/delete")).await;
    assert!(text(&b, "h1").await.starts_with("Удалить поступление"));
    submit(&b, "#confirm-delete").await;
    assert_eq!(text(&b, "#deleted").await, "Поступление удалено.");
    screenshot(&b, backend, "ru-receipts-deleted-laptop", LAPTOP, None, false).await;
    sign_out(&b).await;

    // A coordinator reads both lists but neither corrects nor deletes.
    sign_in(&b, &app, COORDINATOR).await;
    go(&b, &app, "/projects/KAZ-HUB/expenditures").await;
    assert!(b.client.find_all(Locator::Css("#expenditure-table a[href*='edit=']")).await.unwrap().is_empty());
    assert!(b.client.find_all(Locator::Css("#expenditure-table a[href$='/delete']")).await.unwrap().is_empty());
    go(&b, &app, &format!("/projects/KAZ-HUB/expenditures?edit={id}")).await;
    assert!(b.client.find_all(Locator::Css("#save")).await.unwrap().is_empty());
    assert_eq!(
        status_with_session(&b, &app, "GET", &format!("/projects/KAZ-HUB/expenditures/{id}/delete"), "").await,
        403
    );
    let csrf = value(&b, "form[action='/sign-out'] input[name='csrf']").await;
    let path = format!("/projects/KAZ-HUB/expenditures/{id}/delete");
    assert_eq!(status_with_session(&b, &app, "POST", &path, &format!("csrf={csrf}")).await, 403);
    assert_eq!(app.get(&format!("/api/v1/expenditures/{id}")).await.0, 200);
    b.close().await;
}

on_both_backends!(
    finance_enters_the_2013_awp_the_manager_approves_and_an_expenditure_in_kzt_delivers,
    a_revision_shows_what_changed_beside_the_approved_plan,
    receipts_and_exchange_rates_are_entered_and_corrected,
    the_work_plan_in_russian_and_on_a_phone,
    finance_corrects_an_expenditure_and_deletes_a_receipt,
);
