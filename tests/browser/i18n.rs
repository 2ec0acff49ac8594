//! The part-1 gaps and languages: deleting from the results framework, and the pages in
//! English and Russian.

use super::*;

/// An indicator of the project that has actuals (the API refuses to delete it).
async fn indicator_with_actuals(app: &TestApp, project: &str) -> i64 {
    let (_, all) = app.get(&format!("/api/v1/projects/{project}/actuals")).await;
    all.as_array().and_then(|a| a.first()).expect("demo: actuals")["indicator_id"].as_i64().unwrap()
}

async fn a_coordinator_deletes_from_the_results_framework(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let (_, tree) = app.get("/api/v1/projects/UZB-PSD/results").await;
    let output = first_of_level(&tree["results"], "output").expect("demo: an output");
    let oid = output["id"].as_i64().unwrap();
    // A result with an indicator and a target, made through the API.
    let (s, r) = app
        .post(
            "/api/v1/projects/UZB-PSD/results",
            &json!({"parent_id": oid, "level": "activity_result", "code": "9.9", "title": "Short-lived result"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let rid = r["id"].as_i64().unwrap();
    let (s, i) = app
        .post(
            "/api/v1/projects/UZB-PSD/indicators",
            &json!({"result_id": rid, "code": "DEL1", "title": "Short-lived indicator", "unit": "persons",
                "measure": "number", "direction": "increase", "accumulation": "sum"}),
        )
        .await;
    assert_eq!(s, 201, "{i}");
    let iid = i["id"].as_i64().unwrap();
    let (s, t) = app.post(&format!("/api/v1/indicators/{iid}/targets"), &json!({"period": "LOP", "value": 40})).await;
    assert_eq!(s, 201, "{t}");
    let tid = t["id"].as_i64().unwrap();

    sign_in(&b, &app, COORDINATOR).await;
    // The output has children: refused with the API's reason, nothing deleted.
    go(&b, &app, "/projects/UZB-PSD/results").await;
    click(&b, &format!("a[href='/projects/UZB-PSD/results/{oid}/delete']")).await;
    assert!(text(&b, "h1").await.starts_with("Delete result"));
    submit(&b, "#confirm-delete").await;
    let refused = text(&b, "#delete-refused").await;
    assert!(refused.contains("still has") && refused.contains("delete them first"), "{refused}");
    assert_eq!(app.get(&format!("/api/v1/results/{oid}")).await.0, 200);
    screenshot(&b, backend, "framework-delete-refused-phone", PHONE, None, false).await;

    // An indicator with actuals likewise.
    let with_actuals = indicator_with_actuals(&app, "UZB-PSD").await;
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{with_actuals}/delete")).await;
    submit(&b, "#confirm-delete").await;
    assert!(text(&b, "#delete-refused").await.contains("actuals: delete them first"));
    assert_eq!(app.get(&format!("/api/v1/indicators/{with_actuals}")).await.0, 200);

    // The target, from the indicator's page: confirm, then it is gone.
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{iid}")).await;
    click(&b, &format!("a[href='/projects/UZB-PSD/indicators/{iid}/targets/{tid}/delete']")).await;
    assert!(text(&b, "#doomed").await.contains("40"));
    screenshot(&b, backend, "framework-delete-confirm-laptop", LAPTOP, None, false).await;
    // "No, keep it" keeps it.
    click(&b, "a.button.secondary").await;
    let (_, ind) = app.get(&format!("/api/v1/indicators/{iid}")).await;
    assert_eq!(ind["targets"].as_array().unwrap().len(), 1, "{ind}");
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{iid}/targets/{tid}/delete")).await;
    submit(&b, "#confirm-delete").await;
    assert_eq!(path_of(&b).await, format!("/projects/UZB-PSD/indicators/{iid}?deleted=target"));
    let (_, ind) = app.get(&format!("/api/v1/indicators/{iid}")).await;
    assert!(ind["targets"].as_array().unwrap().is_empty(), "{ind}");

    // The result still has its indicator: refused; the indicator goes, then the result.
    go(&b, &app, &format!("/projects/UZB-PSD/results/{rid}/delete")).await;
    submit(&b, "#confirm-delete").await;
    assert!(text(&b, "#delete-refused").await.contains("1 indicators"));
    go(&b, &app, "/projects/UZB-PSD/results").await;
    click(&b, &format!("a[href='/projects/UZB-PSD/indicators/{iid}/delete']")).await;
    submit(&b, "#confirm-delete").await;
    assert!(text(&b, ".notice").await.contains("DEL1"));
    assert_eq!(app.get(&format!("/api/v1/indicators/{iid}")).await.0, 404);
    click(&b, &format!("a[href='/projects/UZB-PSD/results/{rid}/delete']")).await;
    submit(&b, "#confirm-delete").await;
    assert!(text(&b, ".notice").await.contains("Deleted 9.9 Short-lived result"));
    assert_eq!(app.get(&format!("/api/v1/results/{rid}")).await.0, 404);
    // The same audit entries as through the API.
    let (_, audit) = app.get("/api/v1/projects/UZB-PSD/audit?entity=result").await;
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "delete" && e["entity_id"] == rid), "{audit}");
    sign_out(&b).await;

    // A manager reads the framework but may not delete.
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD/results").await;
    assert!(b.client.find_all(Locator::Css("a[href$='/delete']")).await.unwrap().is_empty());
    go(&b, &app, &format!("/projects/UZB-PSD/results/{oid}/delete")).await;
    assert!(b.client.find_all(Locator::Css("#confirm-delete")).await.unwrap().is_empty());
    b.close().await;
}

/// Whether a text has Cyrillic letters.
fn has_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}

async fn html_lang(b: &Browser) -> String {
    b.client.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap().unwrap_or_default()
}

async fn a_manager_switches_to_russian_and_it_is_remembered(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    // English by default (the browser asks for English); the switch offers Russian.
    go(&b, &app, "/sign-in").await;
    assert_eq!(html_lang(&b).await, "en");
    assert_eq!(text(&b, "#lang-ru").await, "Русский");
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/KAZ-HUB").await;
    assert_eq!(html_lang(&b).await, "en");
    assert!(text(&b, "h2#status-h").await.contains("Indicators at a glance"));

    // Switch: back on the same page, in Russian.
    submit(&b, "#lang-ru").await;
    assert_eq!(path_of(&b).await, "/projects/KAZ-HUB");
    assert_eq!(html_lang(&b).await, "ru");
    let glance = text(&b, "h2#status-h").await;
    assert_eq!(glance, "Индикаторы: общая картина");
    let page = body(&b).await;
    for label in ["Рамка результатов", "Бюджет", "Проекты", "Выйти", "Квартал", "Ждёт вас"]
    {
        assert!(page.to_lowercase().contains(&label.to_lowercase()), "{label} in {page}");
    }
    for english in ["Indicators at a glance", "Waiting for you", "Sign out", "Delivery in", "Award", "Approval queue"] {
        assert!(!page.contains(english), "{english} left in English: {page}");
    }
    // The page's own words (not the finance checks' messages, which are the API's and English).
    let delivery = text(&b, "section[aria-labelledby='delivery-h']").await;
    for english in ["Budget", "budget", "spent", "Output", "Other"] {
        assert!(!delivery.contains(english), "{english} left in English: {delivery}");
    }
    // Russian numbers: a no-break space between thousands (the award's money, the budget).
    let delivery = text(&b, "#delivery-h").await;
    assert!(has_cyrillic(&delivery), "{delivery}");
    let figures = text(&b, "section[aria-labelledby='delivery-h'] p").await;
    // (WebDriver reads the no-break space as a space.) "USD 233 333", "освоение 16,3 %".
    let c: Vec<char> = figures.replace('\u{a0}', " ").chars().collect();
    let between = |sep: char| c.windows(3).any(|w| w[0].is_ascii_digit() && w[1] == sep && w[2].is_ascii_digit());
    assert!(between(' '), "thousands grouped with a space: {figures:?}");
    assert!(between(','), "a decimal comma: {figures:?}");
    assert!(
        !c.windows(5).any(|w| w[0].is_ascii_digit() && w[1] == ',' && w[2..].iter().all(|d| d.is_ascii_digit())),
        "no English grouping: {figures}"
    );
    // Dates as the reports write them in Russian: 31.12.2027.
    let facts = text(&b, "section[aria-labelledby='award-h']").await;
    assert!(
        facts.split_whitespace().any(|w| w.len() == 10 && w.as_bytes()[2] == b'.' && w.as_bytes()[5] == b'.'),
        "{facts}"
    );
    screenshot(&b, backend, "ru-dashboard-laptop", LAPTOP, None, true).await;
    screenshot(&b, backend, "ru-dashboard-phone", PHONE, None, false).await;
    go(&b, &app, "/projects/KAZ-HUB/results").await;
    assert!(text(&b, "h1").await.starts_with("Рамка результатов"));
    let tag = text(&b, ".level-tag").await;
    assert!(has_cyrillic(&tag), "{tag}");
    screenshot(&b, backend, "ru-framework-phone", PHONE, None, false).await;
    go(&b, &app, "/").await;
    assert!(text(&b, "h1").await.contains("Ваши проекты"));
    screenshot(&b, backend, "ru-projects-phone", PHONE, None, false).await;

    // Remembered for the user: the API shows it; after signing out and in again, with the
    // browser's language cookie gone, the pages are still Russian.
    let token = app.login("manager@rbm.example", "demo-manager-2025").await;
    let (_, me) = app.request_as(Some(&token), "GET", "/api/v1/auth/me", None).await;
    assert_eq!(me["lang"], "ru");
    sign_out(&b).await;
    assert_eq!(html_lang(&b).await, "ru", "the sign-in page stays in the user's language");
    assert_eq!(text(&b, "h1").await, "Войти");
    screenshot(&b, backend, "ru-sign-in-phone", PHONE, None, false).await;
    b.client.delete_cookie("rbm_lang").await.unwrap();
    go(&b, &app, "/sign-in").await;
    assert_eq!(html_lang(&b).await, "en");
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/KAZ-HUB").await;
    assert_eq!(html_lang(&b).await, "ru");
    assert_eq!(text(&b, "h2#status-h").await, "Индикаторы: общая картина");

    // A sign-in error is in the page's language.
    sign_out(&b).await;
    fill(&b, "#email", "manager@rbm.example").await;
    submit(&b, "#sign-in").await;
    assert_eq!(text(&b, "#password-error").await.replace('\n', " "), "Ошибка: Введите пароль");
    // Back to English with the switch.
    submit(&b, "#lang-en").await;
    assert_eq!(html_lang(&b).await, "en");
    assert_eq!(text(&b, "h1").await, "Sign in");
    b.close().await;
}

/// Every part-1 page fits a phone (390 px): the page itself never scrolls sideways (wide
/// tables scroll inside their own box), in English and in Russian (longer words).
async fn part_one_pages_fit_a_phone(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let op2 = indicator_id(&app, "UZB-PSD", "OP2").await;
    sign_in(&b, &app, COORDINATOR).await;
    b.client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    let pages = [
        "/".to_string(),
        "/projects/UZB-PSD".into(),
        "/projects/UZB-PSD/progress/2026-Q2".into(),
        "/projects/UZB-PSD/approvals".into(),
        "/projects/UZB-PSD/results".into(),
        format!("/projects/UZB-PSD/indicators/{op2}"),
        "/projects/UZB-PSD/results/new".into(),
        "/projects/UZB-PSD/reports".into(),
    ];
    let mut wide = vec![];
    for lang in ["en", "ru"] {
        let token = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
        let body = json!({ "lang": lang }).to_string();
        assert_eq!(app.request_as(Some(&token), "PATCH", "/api/v1/auth/me", Some(&body)).await.0, 200);
        for p in &pages {
            go(&b, &app, p).await;
            let w = b
                .client
                .execute("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]", vec![])
                .await
                .unwrap();
            let (scroll, client) = (w[0].as_u64().unwrap(), w[1].as_u64().unwrap());
            if scroll > client {
                let who = b.client.execute("return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.table-scroll')).slice(0, 4).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(' | ')", vec![]).await.unwrap();
                wide.push(format!("{lang} {p}: {scroll} > {client} ({who})"));
            }
        }
    }
    b.client.set_window_size(LAPTOP.0, LAPTOP.1).await.unwrap();
    assert!(wide.is_empty(), "pages wider than a phone: {wide:?}");
    b.close().await;
}

/// Chooses a user's language through the API (`PATCH /auth/me`), as the switch would.
async fn choose_lang(app: &TestApp, (email, password): (&str, &str), lang: &str) {
    let token = app.login(email, password).await;
    let body = json!({ "lang": lang }).to_string();
    assert_eq!(app.request_as(Some(&token), "PATCH", "/api/v1/auth/me", Some(&body)).await.0, 200);
}

/// The page is Russian: `lang="ru"`, Cyrillic in its heading (`css`), and none of the page's
/// own English words (the data, e.g. indicator titles, may be English).
async fn is_russian_at(b: &Browser, css: &str, english: &[&str]) -> String {
    assert_eq!(html_lang(b).await, "ru");
    let heading = text(b, css).await;
    assert!(has_cyrillic(&heading), "{heading}");
    let page = body(b).await;
    for word in english {
        assert!(!page.contains(word), "“{word}” left in English: {page}");
    }
    page
}

async fn is_russian(b: &Browser, english: &[&str]) -> String {
    is_russian_at(b, "h1", english).await
}

async fn russian_entry_approvals_reports_forms_and_errors(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let op2 = indicator_id(&app, "UZB-PSD", "OP2").await;
    for who in [COORDINATOR, MANAGER, DONOR] {
        choose_lang(&app, who, "ru").await;
    }

    // The entry page: every heading, label and button in Russian.
    sign_in(&b, &app, COORDINATOR).await;
    go(&b, &app, "/projects/UZB-PSD/progress/2026-Q2").await;
    let page = is_russian(
        &b,
        &[
            "Progress for",
            "Save as draft",
            "Save and submit",
            "Activities in",
            "Narrative of",
            "Risk updates for",
            "Last value",
            "Baseline",
            "Evidence link",
            "Comment",
            "What changed in",
            "Likelihood",
            "Not reported",
            "Summary of the quarter",
            "Parts of this page",
            "none yet",
            "complete (",
        ],
    )
    .await;
    for label in ["Ход реализации за 2026-Q2", "Сохранить черновик", "Исходное значение", "Вероятность", "Мероприятия"]
    {
        assert!(page.contains(label), "{label} in {page}");
    }
    assert_eq!(text(&b, "#submit-quarter").await, "Сохранить и отправить квартал");
    screenshot(&b, backend, "ru-entry-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "ru-entry-phone", PHONE, None, false).await;
    screenshot(&b, backend, "ru-entry-risks-laptop", LAPTOP, Some("#risks"), false).await;
    // A number that is not one: the page's own message, in Russian, by the field.
    fill(&b, &format!("#v-{op2}"), "много").await;
    submit(&b, "#save").await;
    assert_eq!(text(&b, "#error-summary-title").await, "Есть ошибки");
    let err = text(&b, &format!("#v-{op2}-error")).await;
    assert!(err.contains("Ошибка:") && err.contains("Введите число, например 12 или 12,5"), "{err}");
    // Russian numbers typed with a decimal comma (and a space between thousands).
    fill(&b, &format!("#v-{op2}"), "1 234,5").await;
    fill(&b, &format!("#d-{op2}-0-0"), "1000,5").await;
    fill(&b, &format!("#d-{op2}-0-1"), "234").await;
    let sum = text(&b, &format!("#d-{op2}-0 .dim-sum")).await;
    assert_eq!(sum, "Сумма: 1234,5 – сходится");
    submit(&b, "#submit-quarter").await;
    let notice = text(&b, ".notice").await;
    assert!(notice.starts_with("Квартал отправлен"), "{notice}");
    let saved = actuals(&app, "UZB-PSD", "2026-Q2").await;
    assert_eq!(saved[0]["value"], 1234.5);
    assert_eq!(saved[0]["disaggregations"], json!({"sex": {"women": 1000.5, "men": 234.0}}));
    let shown = text(&b, &format!("#ind-{op2} .shown")).await.replace('\u{a0}', " ");
    assert_eq!(shown, "1 234,5");

    // The result form: labels, hints, buttons and the page's validation message.
    go(&b, &app, "/projects/UZB-PSD/results/new").await;
    is_russian(&b, &["Sits under", "Its place in the tree", "Add the result", "Cancel", "(optional)", "Level"]).await;
    submit(&b, "#save").await;
    let summary = text(&b, ".error-summary").await;
    // The page's words, and the API's rule about codes in Russian, named by its Russian label.
    assert!(summary.contains("Заполните поле «Название»") && summary.contains("Код: "), "{summary}");
    // The indicator form with its targets.
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{op2}")).await;
    is_russian(
        &b,
        &["Measures the result", "Baseline value", "Means of verification", "Save the targets", "New target", "Cancel"],
    )
    .await;
    assert_eq!(text(&b, "#targets-h").await, "Целевые значения");
    // The delete confirmation.
    let (_, ind) = app.get(&format!("/api/v1/indicators/{op2}")).await;
    let tid = ind["targets"][0]["id"].as_i64().expect("demo: OP2 has a target");
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{op2}/targets/{tid}/delete")).await;
    is_russian(&b, &["Delete a target", "Yes, delete it", "No, keep it", "cannot be undone", "Life of project"]).await;
    assert_eq!(text(&b, "#confirm-delete").await, "Да, удалить");
    // An error page in the user's language (the handler's error has no user: the request's page does).
    go(&b, &app, "/projects/NO-SUCH-PROJECT/approvals").await;
    is_russian(&b, &["Page not found", "There is no such page", "Go to your projects"]).await;
    assert_eq!(text(&b, "h1").await, "Страница не найдена");
    go(&b, &app, "/").await;
    sign_out(&b).await;

    // The approval queue: the Russian number, buttons and the page's messages.
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD/approvals").await;
    let page = is_russian(
        &b,
        &[
            "Approval queue",
            "Approve selected",
            "Approve all",
            "Return selected",
            "Quarter before",
            "Comment and evidence",
            "Reopen an approved actual",
            "Why reopen",
            "Reason",
        ],
    )
    .await;
    assert!(page.replace('\u{a0}', " ").contains("1 234,5"), "{page}");
    assert_eq!(text(&b, "#approve").await, "Утвердить выбранные");
    assert_eq!(text(&b, "#return").await, "Вернуть выбранные на доработку");
    screenshot(&b, backend, "ru-approvals-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "ru-approvals-phone", PHONE, None, false).await;
    submit(&b, "#return").await;
    assert!(text(&b, "#reason-error").await.contains("Укажите причину возврата"));
    let id = saved[0]["id"].as_i64().unwrap();
    click(&b, &format!("#sel-{id}")).await;
    submit(&b, "#approve").await;
    assert_eq!(text(&b, ".notice").await, "Утверждено фактических значений: 1.");

    // The reports page.
    go(&b, &app, "/projects/UZB-PSD/reports").await;
    is_russian(
        &b,
        &[
            "Make a report",
            "Template",
            "Include unapproved data",
            "Generate and store",
            "Stored reports",
            "UNDP quarterly progress report",
            "Web page",
        ],
    )
    .await;
    assert_eq!(text(&b, "#generate").await, "Сформировать и сохранить");
    fill(&b, "#period", "").await;
    submit(&b, "#generate").await;
    assert!(text(&b, "#period-error").await.contains("Укажите период"));
    select(&b, "#template", "undp-quarterly").await;
    fill(&b, "#period", "2025-Q3").await;
    click(&b, "#format-pdf").await;
    select(&b, "#lang", "ru").await;
    submit(&b, "#generate").await;
    let notice = text(&b, ".notice").await;
    assert!(notice.starts_with("Отчёт сформирован и сохранён"), "{notice}");
    let stored = text(&b, "#stored").await;
    assert!(stored.contains("КБ") && !stored.contains("not yet"), "{stored}");
    // Dates as 31.12.2026 in Russian.
    assert!(
        stored.split_whitespace().any(|w| w.len() == 10 && w.as_bytes()[2] == b'.' && w.as_bytes()[5] == b'.'),
        "{stored}"
    );
    screenshot(&b, backend, "ru-reports-laptop", LAPTOP, None, true).await;
    screenshot(&b, backend, "ru-reports-phone", PHONE, None, false).await;
    let report = reports_of(&app, "UZB-PSD").await[0]["id"].clone();
    submit(&b, &format!("#issue-{report}")).await;
    sign_out(&b).await;

    // The donor portal's own words.
    sign_in(&b, &app, DONOR).await;
    go(&b, &app, "/projects/UZB-PSD").await;
    let page = is_russian_at(
        &b,
        "#issued-h",
        &["Reports issued to you", "Results up to", "A project you fund", "Implementing partner", "issued "],
    )
    .await;
    assert!(page.contains("Отчёты, переданные вам"), "{page}");
    screenshot(&b, backend, "ru-donor-phone", PHONE, None, false).await;
    b.close().await;

    // Before signing in, an error page follows the language cookie.
    let b = Browser::start().await.expect("browser");
    go(&b, &app, "/sign-in").await;
    submit(&b, "#lang-ru").await;
    go(&b, &app, "/assets/no-such-file.css").await;
    assert_eq!(html_lang(&b).await, "ru");
    assert_eq!(text(&b, "h1").await, "Страница не найдена");
    b.close().await;
}

/// Records a receipt of KAZ-HUB from source `mfa` in `XYZ`, a currency that does not exist.
async fn record_receipt_in_xyz(b: &Browser, app: &TestApp, mfa: &str) {
    go(b, app, "/projects/KAZ-HUB/receipts").await;
    select(b, "#funding-source-id", mfa).await;
    b.client.execute("document.getElementById('received-on').value = '2013-04-15'", vec![]).await.unwrap();
    fill(b, "#amount", "1 500").await;
    fill(b, "#currency", "XYZ").await;
    fill(b, "#reference", "MFA-2013-09").await;
    submit(b, "#record").await;
}

/// The use cases' rules (the API words them in English) on Russian forms: each in Russian
/// next to its field, the form still filled; the same rules on English pages as the API says.
async fn russian_forms_show_the_use_cases_rules_in_russian(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let op2 = indicator_id(&app, "UZB-PSD", "OP2").await;
    choose_lang(&app, COORDINATOR, "ru").await;
    sign_in(&b, &app, COORDINATOR).await;

    // A result: the code's rule (a `validator` attribute of the store) in Russian.
    go(&b, &app, "/projects/UZB-PSD/results/new").await;
    fill(&b, "#code", "1 2").await;
    fill(&b, "#title", "Региональные курсы").await;
    fill(&b, "#description", "Курсы в областях").await;
    submit(&b, "#save").await;
    let err = text(&b, "#code-error").await;
    assert!(err.contains("От 1 до 32 символов: латинские буквы, цифры"), "{err}");
    assert!(!err.contains("characters"), "{err}");
    assert!(text(&b, ".error-summary").await.contains("Код: От 1 до 32 символов"));
    assert_eq!(value(&b, "#code").await, "1 2", "the form is kept");
    assert_eq!(value(&b, "#title").await, "Региональные курсы");
    assert_eq!(value(&b, "#description").await, "Курсы в областях");

    // An indicator: a baseline year out of range and a title too long, each by its field.
    let (_, ind) = app.get(&format!("/api/v1/indicators/{op2}")).await;
    let result = ind["result_id"].as_i64().unwrap();
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/new?result={result}")).await;
    let long = "п".repeat(1001);
    fill(&b, "#code", "OP-RU").await;
    fill(&b, "#unit", "человек").await;
    fill(&b, "#baseline-year", "1800").await;
    b.client.execute("document.getElementById('title').value = arguments[0]", vec![json!(long)]).await.unwrap();
    submit(&b, "#save").await;
    let year = text(&b, "#baseline-year-error").await;
    assert!(year.contains("Год от 1900 до 2200"), "{year}");
    let title = text(&b, "#title-error").await;
    assert!(title.contains("Не более 1000 символов"), "{title}");
    let page = body(&b).await;
    for english in ["a year between", "at most 1000"] {
        assert!(!page.contains(english), "“{english}” left in English");
    }
    assert_eq!(value(&b, "#baseline-year").await, "1800", "the form is kept");
    assert_eq!(value(&b, "#unit").await, "человек");
    assert_eq!(value(&b, "#title").await, long);
    screenshot(&b, backend, "ru-indicator-form-rules-laptop", LAPTOP, None, false).await;

    // A target outside the project's dates (a domain rule naming values): Russian, with them.
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{op2}")).await;
    fill(&b, "#t-period-new", "2031").await;
    fill(&b, "#t-value-new", "40").await;
    submit(&b, "#save-targets").await;
    let err = text(&b, "#t-period-new-error").await;
    assert!(err.contains("2031 выходит за сроки проекта: с 01.01.2023 по 31.12.2026"), "{err}");
    assert_eq!(value(&b, "#t-value-new").await, "40", "kept");
    screenshot(&b, backend, "ru-targets-rules-laptop", LAPTOP, Some("#targets"), false).await;
    sign_out(&b).await;

    // A receipt in a currency that does not exist, on the finance officer's Russian page.
    choose_lang(&app, FINANCE, "ru").await;
    sign_in(&b, &app, FINANCE).await;
    let (_, sources) = app.get("/api/v1/funding-sources").await;
    let mfa = sources.as_array().unwrap().iter().find(|s| s["code"] == "MFA").unwrap()["id"].to_string();
    record_receipt_in_xyz(&b, &app, &mfa).await;
    let err = text(&b, "#currency-error").await;
    assert!(err.contains("Неизвестная валюта: укажите код ISO 4217"), "{err}");
    assert_eq!(value(&b, "#amount").await, "1 500", "the form is kept");
    assert_eq!(value(&b, "#reference").await, "MFA-2013-09");
    screenshot(&b, backend, "ru-receipt-rules-laptop", LAPTOP, None, false).await;
    sign_out(&b).await;

    // In English the same rule reads as the API words it.
    choose_lang(&app, FINANCE, "en").await;
    sign_in(&b, &app, FINANCE).await;
    record_receipt_in_xyz(&b, &app, &mfa).await;
    let err = text(&b, "#currency-error").await;
    assert!(err.contains("unknown currency: use an ISO 4217 code such as USD, EUR, KZT or UZS"), "{err}");
    b.close().await;
}

/// The part-2 pages in Russian: the finance staff's pages, with Russian numbers.
async fn russian_finance_and_work_plan_pages(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    choose_lang(&app, FINANCE, "ru").await;
    sign_in(&b, &app, FINANCE).await;

    // The finance view: headings, tables and charts in Russian, money with Russian separators.
    go(&b, &app, "/projects/KAZ-HUB/finance").await;
    let page = is_russian(
        &b,
        &[
            "Budget and expenditure",
            "By output",
            "By funding source",
            "By budget account",
            "Nothing budgeted",
            "Work plans counted",
            "Delivery",
            "Balance",
        ],
    )
    .await;
    assert!(text(&b, "h1").await.starts_with("Бюджет и расходы"));
    for label in ["Итого", "По источникам финансирования", "По бюджетным счетам", "Освоение", "весь срок проекта"]
    {
        assert!(page.contains(label), "{label} in {page}");
    }
    let total = text(&b, "#total-budget").await.replace('\u{a0}', " ");
    assert!(total.contains(',') && !total.contains('.'), "Russian money: {total}");
    let chart = text(&b, "#chart-output-h").await;
    assert_eq!(chart, "По результатам");
    // The rows of plan-level lines (no output, no activity) are named in Russian too.
    let (_, summary) = app.get("/api/v1/projects/KAZ-HUB/finance/summary").await;
    let none = |by: &str| summary[by].as_array().unwrap().iter().any(|r| r["key"] == "-");
    assert!(none("by_output") && none("by_activity"), "demo: plan-level lines (GMS)");
    assert!(!page.contains("Not assigned to an"), "{page}");
    assert!(page.contains("Вне результатов (строки уровня плана, например GMS)"), "{page}");
    assert!(page.contains("Вне мероприятий (строки уровня плана, например GMS)"), "{page}");
    screenshot(&b, backend, "ru-finance-laptop", LAPTOP, None, false).await;

    // The finance checks: the page's words in Russian, and its own message by the field.
    let (_, checks) = app.get("/api/v1/projects/KAZ-HUB/finance/checks").await;
    let key = checks["findings"][0]["key"].as_str().expect("demo: a finding").to_string();
    go(&b, &app, "/projects/KAZ-HUB/finance/checks").await;
    let page = is_russian(
        &b,
        &["Finance checks", "Open findings", "Why is this acceptable", "Mark as explained", "Budget lines:", " open"],
    )
    .await;
    assert!(page.contains("Открытые замечания"), "{page}");
    assert!(text(&b, "#open-count").await.starts_with("открыто: "));
    // Each finding in Russian words, with Russian money (`303 333,00 USD`), no English sentence.
    for f in checks["findings"].as_array().unwrap() {
        let english = f["message"].as_str().unwrap();
        let shown = text(&b, &format!("#finding-{} .finding-message", f["key"].as_str().unwrap())).await;
        assert!(has_cyrillic(&shown) && !page.contains(english), "{shown} / {english}");
        for word in ["Budget line", "work plan", "was spent", "programme", "contribution is", "add up to", "over."] {
            assert!(!shown.contains(word), "“{word}” in {shown}");
        }
        if english.contains(".00 USD") {
            assert!(shown.contains(",00 USD") && !shown.contains(".00 USD"), "Russian money: {shown}");
        }
        // The check's name too.
        let head = text(&b, &format!("#finding-{} p", f["key"].as_str().unwrap())).await;
        assert!(!head.contains(&f["check"].as_str().unwrap().replace('_', " ")), "{head}");
    }
    // The dashboard's list of open findings says them in Russian as well.
    go(&b, &app, "/projects/KAZ-HUB").await;
    let listed = b.client.find_all(Locator::Css("ul.findings li")).await.unwrap();
    assert!(!listed.is_empty(), "demo: open findings on the dashboard");
    for (li, f) in listed.iter().zip(checks["findings"].as_array().unwrap()) {
        let shown = li.text().await.unwrap();
        assert!(has_cyrillic(&shown) && !shown.contains(f["message"].as_str().unwrap()), "{shown}");
    }
    go(&b, &app, "/projects/KAZ-HUB/finance/checks").await;
    submit(&b, &format!("#finding-{key} .explain-button")).await;
    assert_eq!(text(&b, "#error-summary-title").await, "Есть ошибки");
    let err = text(&b, &format!("#reason-{key}-error")).await;
    assert!(err.contains("Ошибка:") && err.contains("Укажите, почему"), "{err}");
    screenshot(&b, backend, "ru-finance-checks-laptop", LAPTOP, None, false).await;

    // The expenditures: Russian words, and an amount typed with a decimal comma is read as such.
    let (_, spent) = app.get("/api/v1/projects/KAZ-HUB/expenditures").await;
    let line = spent[0]["budget_line_id"].as_i64().expect("demo: an expenditure");
    go(&b, &app, "/projects/KAZ-HUB/expenditures").await;
    is_russian(&b, &["Expenditures", "Record an expenditure", "Budget line", "Amount as spent", "Rate used", "Filter"])
        .await;
    submit(&b, "#record").await;
    assert_eq!(text(&b, "#error-summary-title").await, "Есть ошибки");
    assert!(text(&b, "#budget-line-id-error").await.contains("Выберите бюджетную строку"));
    select(&b, "#budget-line-id", &line.to_string()).await;
    b.client
        .execute("document.getElementById('spent-on').value = arguments[0]", vec![json!("2013-03-10")])
        .await
        .unwrap();
    fill(&b, "#amount", "1 234,50").await;
    fill(&b, "#currency", "USD").await;
    fill(&b, "#reference", "RU-2013-1").await;
    submit(&b, "#record").await;
    assert!(path_of(&b).await.contains("saved="), "{}", body(&b).await);
    assert_eq!(text(&b, "#saved-converted").await.replace('\u{a0}', " "), "1 234,50 USD");
    let (_, after) = app.get("/api/v1/projects/KAZ-HUB/expenditures").await;
    let mine = after.as_array().unwrap().iter().find(|e| e["reference"] == "RU-2013-1").expect("recorded").clone();
    assert_eq!(mine["amount_minor"], 123_450);
    screenshot(&b, backend, "ru-expenditures-laptop", LAPTOP, None, false).await;

    // The receipts: Russian words, its own message by the field.
    go(&b, &app, "/projects/KAZ-HUB/receipts").await;
    is_russian(
        &b,
        &["Receipts of contributions", "Record funds received", "Date received", "Total received", "Rate used"],
    )
    .await;
    submit(&b, "#record").await;
    assert_eq!(text(&b, "#error-summary-title").await, "Есть ошибки");
    assert!(text(&b, "#funding-source-id-error").await.contains("Выберите источник финансирования"));
    screenshot(&b, backend, "ru-receipts-laptop", LAPTOP, None, false).await;

    // The exchange rates: Russian words, a rate shown and typed with a decimal comma.
    go(&b, &app, "/exchange-rates").await;
    let page =
        is_russian(&b, &["Exchange rates", "Enter a month's rate", "Quote currency", "Used by stored reports"]).await;
    assert!(page.contains("Валюта котировки"), "{page}");
    fill(&b, "#quote-currency", "KGS").await;
    fill(&b, "#month", "2013-04").await;
    fill(&b, "#rate", "48,25").await;
    submit(&b, "#add-rate").await;
    assert!(path_of(&b).await.contains("saved="), "{}", body(&b).await);
    assert!(text(&b, ".row-saved").await.contains("48,25"));
    let (_, rates) = app.get("/api/v1/exchange-rates?currency=KGS").await;
    assert!(rates.to_string().contains("48.25"), "{rates}");
    screenshot(&b, backend, "ru-rates-laptop", LAPTOP, None, false).await;

    // The work plans by year.
    go(&b, &app, "/projects/KAZ-HUB/work-plans").await;
    let page = is_russian(&b, &["Work plans and budget", "Revisions", "Revision 1", "Approved", " lines, "]).await;
    assert!(page.contains("Редакция 1") && page.contains("Утверждён"), "{page}");
    screenshot(&b, backend, "ru-workplans-laptop", LAPTOP, None, false).await;
    b.close().await;
}

on_both_backends!(
    russian_forms_show_the_use_cases_rules_in_russian,
    russian_finance_and_work_plan_pages,
    russian_entry_approvals_reports_forms_and_errors,
    part_one_pages_fit_a_phone,
    a_coordinator_deletes_from_the_results_framework,
    a_manager_switches_to_russian_and_it_is_remembered
);
