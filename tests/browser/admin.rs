//! The finance views, the finance checks with their explanations, and the administration
//! pages, in a real browser on both backends.

use super::*;

/// `USD 1,234.56` (or `USD -12.00`) in minor units.
fn minor(text: &str) -> i128 {
    let figure = text.trim().rsplit(' ').next().unwrap_or_default().replace(',', "");
    let (sign, digits) = match figure.strip_prefix('-') {
        Some(d) => (-1, d.to_string()),
        None => (1, figure.clone()),
    };
    let (whole, cents) = digits.split_once('.').unwrap_or_else(|| panic!("not money: {text}"));
    sign * (whole.parse::<i128>().unwrap() * 100 + cents.parse::<i128>().unwrap())
}

/// The texts of the cells matching `css` in a table.
async fn cells(b: &Browser, css: &str) -> Vec<String> {
    let mut out = vec![];
    for e in b.client.find_all(Locator::Css(css)).await.unwrap() {
        out.push(e.text().await.unwrap());
    }
    out
}

/// Every table of the finance page adds up (rows = total row), and its total is the API's.
async fn check_finance_tables(b: &Browser, api: &Value) {
    let total = (
        api["total"]["budget_minor"].as_i64().unwrap() as i128,
        api["total"]["expenditure_minor"].as_i64().unwrap() as i128,
    );
    assert_eq!((minor(&text(b, "#total-budget").await), minor(&text(b, "#total-spent").await)), total, "{api}");
    for (table, key) in [
        ("by-output", "by_output"),
        ("by-activity", "by_activity"),
        ("by-source", "by_funding_source"),
        ("by-account", "by_account"),
        ("by-heading", "by_eu_heading"),
    ] {
        let budgets = cells(b, &format!("#{table} tbody td.budget")).await;
        let spent = cells(b, &format!("#{table} tbody td.spent")).await;
        let unplanned = api["unplanned_expenditure_minor"].as_i64().unwrap();
        let api_rows = api[key].as_array().unwrap();
        assert_eq!(budgets.len(), api_rows.len() + usize::from(unplanned != 0), "{table}");
        for (row, cell) in api_rows.iter().zip(&budgets) {
            assert_eq!(minor(cell), row["budget_minor"].as_i64().unwrap() as i128, "{table}: {row}");
        }
        let sum_b: i128 = budgets.iter().map(|c| minor(c)).sum();
        let sum_s: i128 = spent.iter().map(|c| minor(c)).sum();
        let foot_b = minor(&text(b, &format!("#{table} tfoot td.budget")).await);
        let foot_s = minor(&text(b, &format!("#{table} tfoot td.spent")).await);
        assert_eq!((sum_b, sum_s), (foot_b, foot_s), "{table}: the total row is the sum of the rows");
        assert_eq!((foot_b, foot_s), total, "{table}: every table adds up to the project total");
    }
}

async fn the_finance_view_adds_up_and_follows_the_period(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    sign_in(&b, &app, FINANCE).await;
    go(&b, &app, "/projects/KAZ-HUB").await;
    submit(&b, "a[href='/projects/KAZ-HUB/finance']").await;
    assert_eq!(path_of(&b).await, "/projects/KAZ-HUB/finance");
    let (status, lop) = app.get("/api/v1/projects/KAZ-HUB/finance/summary").await;
    assert_eq!(status, 200, "{lop}");
    assert!(lop["total"]["expenditure_minor"].as_i64().unwrap() > 0, "the demo has expenditure");
    assert!(text(&b, "#period-label").await.contains("life of the project"));
    check_finance_tables(&b, &lop).await;
    // Plan-level lines: the row of no output reads as the store names it.
    if lop["by_output"].as_array().unwrap().iter().any(|r| r["key"] == "-") {
        assert!(body(&b).await.contains("Not assigned to an output (plan-level lines, e.g. GMS)"));
    }
    assert_eq!(b.client.find_all(Locator::Css("svg.chart")).await.unwrap().len(), 2, "charts by output and source");
    screenshot(&b, backend, "finance-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "finance-phone", PHONE, Some("#by-output-h"), false).await;

    // A year with expenditure, then a quarter of it: the figures are the API's for that period.
    let year = lop["work_plans"].as_array().unwrap()[1]["year"].as_i64().unwrap();
    for period in [year.to_string(), format!("{year}-Q2")] {
        select(&b, "#period", &period).await;
        submit(&b, "#show-period").await;
        assert_eq!(path_of(&b).await, format!("/projects/KAZ-HUB/finance?period={period}"));
        let (_, api) = app.get(&format!("/api/v1/projects/KAZ-HUB/finance/summary?period={period}")).await;
        assert_ne!(api["total"], lop["total"], "{period} is not the life of the project");
        assert_eq!(text(&b, "#period-label").await, period);
        check_finance_tables(&b, &api).await;
    }
    // A period that is not one: the message by the chooser, not a 500.
    go(&b, &app, "/projects/KAZ-HUB/finance?period=2014-Q7").await;
    assert!(text(&b, "#period-error").await.len() > 5);
    assert!(text(&b, ".error-summary").await.contains("There is a problem"));
    // Donors have the donor portal only.
    sign_out(&b).await;
    sign_in(&b, &app, DONOR).await;
    assert_eq!(status_with_session(&b, &app, "GET", "/projects/UZB-PSD/finance", "").await, 403);
    assert_eq!(status_with_session(&b, &app, "GET", "/projects/UZB-PSD/finance/checks", "").await, 403);
    b.close().await;
}

async fn a_finding_is_explained_and_shows_in_the_audit_trail(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let (_, before) = app.get("/api/v1/projects/KAZ-HUB/finance/checks").await;
    let all = before["findings"].as_array().unwrap().clone();
    assert!(!all.is_empty() && all.iter().all(|f| f["explanation"].is_null()), "{before}");
    let finding = &all[0];
    let key = finding["key"].as_str().unwrap().to_string();

    sign_in(&b, &app, FINANCE).await;
    go(&b, &app, "/projects/KAZ-HUB").await;
    assert!(text(&b, "#waiting").await.contains(&format!("Open finance findings ({})", all.len())));
    go(&b, &app, "/projects/KAZ-HUB/finance/checks").await;
    assert_eq!(text(&b, "#open-count").await, format!("{} open", all.len()));
    let item = format!("#finding-{key}");
    assert!(text(&b, &item).await.contains(finding["message"].as_str().unwrap()));
    // Every finding reads exactly as the API's message on an English page.
    for f in &all {
        let shown = text(&b, &format!("#finding-{} .finding-message", f["key"].as_str().unwrap())).await;
        assert_eq!(shown, f["message"].as_str().unwrap());
    }
    // Each finding links to what it concerns (a line or expenditure, or its plan).
    let links = b.client.find_all(Locator::Css(&format!("{item} .finding-links a"))).await.unwrap();
    assert!(!links.is_empty(), "links of {key}");
    screenshot(&b, backend, "finance-checks-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "finance-checks-phone", PHONE, Some(&item), false).await;

    // No reason: the message by the field.
    submit(&b, &format!("{item} .explain-button")).await;
    assert!(text(&b, &format!("#reason-{key}-error")).await.contains("Say why"));
    assert!(text(&b, ".error-summary").await.contains("Say why"));
    let reason = "Overspend agreed with the EU Delegation (letter of 3 May 2014)";
    fill(&b, &format!("#reason-{key}"), reason).await;
    submit(&b, &format!("{item} .explain-button")).await;
    assert!(path_of(&b).await.starts_with("/projects/KAZ-HUB/finance/checks?explained="));
    let shown = text(&b, &format!("#explained-findings {item}")).await;
    assert!(shown.contains("Explained") && shown.contains(reason) && shown.contains(FINANCE.0), "{shown}");
    assert_eq!(text(&b, "#open-count").await, format!("{} open", all.len() - 1));
    screenshot(&b, backend, "finance-checks-explained-laptop", LAPTOP, Some(&item), false).await;
    // The API says the same, and the dashboard counts one open finding less.
    let (_, after) = app.get("/api/v1/projects/KAZ-HUB/finance/checks").await;
    let f = after["findings"].as_array().unwrap().iter().find(|f| f["key"] == key.as_str()).unwrap().clone();
    assert_eq!(f["explanation"]["reason"], reason);
    assert_eq!(f["explanation"]["explained_by"], FINANCE.0);
    assert_eq!(after["explained"], 1);
    go(&b, &app, "/projects/KAZ-HUB").await;
    assert!(text(&b, "#waiting").await.contains(&format!("Open finance findings ({})", all.len() - 1)));
    sign_out(&b).await;

    // The administrator finds it in the audit trail by entity and action, with the reason.
    sign_in(&b, &app, ADMIN).await;
    b.client.find(Locator::Css("nav.account a[href='/admin/users']")).await.expect("a link for administrators");
    go(&b, &app, "/admin/audit").await;
    select(&b, "#entity", "finding_explanation").await;
    select(&b, "#action", "create").await;
    submit(&b, "#filter").await;
    assert_eq!(text(&b, "#audit-count").await, "1 change, newest first.");
    let entry = text(&b, "#audit-entries").await;
    assert!(entry.contains(reason) && entry.contains(FINANCE.0) && entry.contains("KAZ-HUB"), "{entry}");
    click(&b, "#audit-entries details summary").await;
    let diff = text(&b, "#audit-entries table.diff").await;
    assert!(diff.contains("finding_key") && diff.contains(&key) && diff.contains(reason), "{diff}");
    screenshot(&b, backend, "admin-audit-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "admin-audit-phone", PHONE, Some("#audit-entries"), false).await;
    // Another action filter leaves it out.
    select(&b, "#action", "delete").await;
    submit(&b, "#filter").await;
    assert!(!body(&b).await.contains(reason));
    b.close().await;
}

async fn an_admin_creates_a_donor_who_sees_only_that_project(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    sign_in(&b, &app, ADMIN).await;
    b.client.find(Locator::Css("nav.account a[href='/admin/users']")).await.expect("a link for administrators");
    go(&b, &app, "/admin/users").await;
    screenshot(&b, backend, "admin-users-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "admin-users-phone", PHONE, Some("#new-user-h"), false).await;
    let email = "new.donor@rbm.example";
    fill(&b, "#email", email).await;
    fill(&b, "#name", "New Donor").await;
    fill(&b, "#password", "short").await;
    submit(&b, "#create-user").await;
    assert!(text(&b, "#password-error").await.contains("between 10 and 200 characters"));
    assert_eq!(value(&b, "#email").await, email, "the form comes back filled");
    let password = "a-first-password-2026";
    fill(&b, "#password", password).await;
    submit(&b, "#create-user").await;
    assert!(path_of(&b).await.ends_with("?created=1"), "{}", path_of(&b).await);
    assert!(body(&b).await.contains("No role yet"));
    select(&b, "#project", "UZB-PSD").await;
    select(&b, "#role", "donor").await;
    submit(&b, "#give-role").await;
    let roles = text(&b, "#user-roles").await;
    assert!(roles.contains("UZB-PSD") && roles.contains("Donor"), "{roles}");
    // One role per project: a second one is refused next to the field.
    select(&b, "#project", "UZB-PSD").await;
    select(&b, "#role", "manager").await;
    submit(&b, "#give-role").await;
    assert!(text(&b, "#project-error").await.contains("already donor"), "{}", body(&b).await);
    screenshot(&b, backend, "admin-user-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "admin-user-phone", PHONE, Some("#roles"), false).await;
    // The project's page of roles lists the new donor; a role is given and taken away there too.
    go(&b, &app, "/admin/users").await;
    submit(&b, "a[href='/admin/projects/UZB-PSD']").await;
    let members = text(&b, "#members").await;
    assert!(members.contains(email) && members.contains("Donor") && members.contains(COORDINATOR.0), "{members}");
    select(&b, "#user-id", &{
        let (_, users) = app.get("/api/v1/users").await;
        users.as_array().unwrap().iter().find(|u| u["email"] == "admin@test.example").unwrap()["id"].to_string()
    })
    .await;
    select(&b, "#role", "manager").await;
    submit(&b, "#give-member-role").await;
    assert!(text(&b, "#members").await.contains("admin@test.example"));
    screenshot(&b, backend, "admin-members-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "admin-members-phone", PHONE, Some("#members-h"), false).await;
    let (_, members) = app.get("/api/v1/projects/UZB-PSD/members").await;
    let mid = members.as_array().unwrap().iter().find(|m| m["email"] == "admin@test.example").unwrap()["id"].clone();
    submit(&b, &format!("#remove-{mid}")).await;
    assert!(path_of(&b).await.starts_with("/admin/projects/UZB-PSD?removed=1"), "{}", path_of(&b).await);
    assert!(!text(&b, "#members").await.contains("admin@test.example"));
    let (_, users) = app.get("/api/v1/users").await;
    let created = users.as_array().unwrap().iter().find(|u| u["email"] == email).unwrap().clone();
    let (_, members) = app.get("/api/v1/projects/UZB-PSD/members").await;
    assert!(members.as_array().unwrap().iter().any(|m| m["user_id"] == created["id"] && m["role"] == "donor"));

    // Deactivating a user: the harness's own administrator (the API calls above are done).
    let test_admin =
        users.as_array().unwrap().iter().find(|u| u["email"] == "admin@test.example").unwrap()["id"].clone();
    go(&b, &app, &format!("/admin/users/{test_admin}")).await;
    assert!(is_checked(&b, "#active").await);
    click(&b, "#active").await;
    submit(&b, "#save-user").await;
    assert!(path_of(&b).await.ends_with("?saved=1"));
    assert!(!is_checked(&b, "#active").await);
    go(&b, &app, "/admin/users").await;
    let row = cells(&b, "#users tbody tr").await.into_iter().find(|r| r.contains("admin@test.example")).unwrap();
    assert!(row.contains("Deactivated"), "{row}");
    let token = app.admin_token.clone();
    assert_eq!(app.request_as(Some(&token), "GET", "/api/v1/auth/me", None).await.0, 401, "its token stopped working");
    // Now the last active administrator cannot deactivate itself: the API's 409, by the field.
    let me = users.as_array().unwrap().iter().find(|u| u["email"] == ADMIN.0).unwrap()["id"].clone();
    go(&b, &app, &format!("/admin/users/{me}")).await;
    click(&b, "#active").await;
    submit(&b, "#save-user").await;
    assert!(text(&b, "#active-error").await.contains("last active administrator"), "{}", body(&b).await);
    assert!(text(&b, ".error-summary").await.contains("last active administrator"));
    assert!(!is_checked(&b, "#active").await, "the form comes back as sent");

    // The catalogues.
    go(&b, &app, "/admin/accounts").await;
    assert!(text(&b, "#accounts").await.contains("71200"));
    fill(&b, "#code", "7x").await;
    fill(&b, "#name", "Bad code").await;
    submit(&b, "#create-account").await;
    assert!(text(&b, "#code-error").await.contains("3-10 digits"));
    assert_eq!(value(&b, "#name").await, "Bad code");
    screenshot(&b, backend, "admin-accounts-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "admin-accounts-phone", PHONE, Some("#new-account-h"), false).await;
    go(&b, &app, "/admin/funding-sources").await;
    fill(&b, "#code", "SIDA").await;
    fill(&b, "#name", "Swedish International Development Cooperation Agency").await;
    select(&b, "#kind", "other").await;
    submit(&b, "#create-source").await;
    assert!(text(&b, "#sources").await.contains("SIDA"));
    screenshot(&b, backend, "admin-sources-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "admin-sources-phone", PHONE, None, false).await;
    sign_out(&b).await;

    // The new user signs in and sees that project only, as its donor portal.
    sign_in(&b, &app, (email, password)).await;
    assert_eq!(path_of(&b).await, "/");
    let home = body(&b).await;
    assert!(home.contains("UZB-PSD") && !home.contains("KAZ-HUB"), "{home}");
    assert!(!home.contains("Administration"));
    go(&b, &app, "/projects/UZB-PSD").await;
    assert!(body(&b).await.contains("A project you fund"), "the donor portal");
    assert_eq!(status_with_session(&b, &app, "GET", "/projects/KAZ-HUB", "").await, 404);
    assert_eq!(status_with_session(&b, &app, "GET", "/admin/users", "").await, 403);
    b.close().await;
}

/// Whether a text has Cyrillic letters.
fn has_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}

/// A page's words are Russian: `lang="ru"`, a Cyrillic `h1`, none of `english` left.
async fn russian_page(b: &Browser, english: &[&str]) -> String {
    russian_page_at(b, "h1", english).await
}

/// Likewise with the Cyrillic heading at `css` (a user's page is headed by the email).
async fn russian_page_at(b: &Browser, css: &str, english: &[&str]) -> String {
    let lang = b.client.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("ru"));
    let heading = text(b, css).await;
    assert!(has_cyrillic(&heading), "{heading}");
    let page = body(b).await;
    for word in english {
        assert!(!page.contains(word), "“{word}” left in English: {page}");
    }
    page
}

/// An administrator who chose Russian reads the administration in Russian: users, roles,
/// the catalogues and the audit trail (with its dates as Russian dates), and the forms' rules
/// next to their fields.
async fn an_admin_reads_the_administration_in_russian(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let token = app.login(ADMIN.0, ADMIN.1).await;
    let lang = json!({ "lang": "ru" }).to_string();
    assert_eq!(app.request_as(Some(&token), "PATCH", "/api/v1/auth/me", Some(&lang)).await.0, 200);
    sign_in(&b, &app, ADMIN).await;

    go(&b, &app, "/admin/users").await;
    russian_page(
        &b,
        &[
            "Users and roles",
            "Create a user",
            "First password",
            "Roles by project",
            "Budget accounts",
            "Audit trail",
            "Deactivated",
        ],
    )
    .await;
    assert_eq!(text(&b, "h1").await, "Пользователи и роли");
    assert_eq!(text(&b, "#users thead").await, "Электронная почта Имя Администратор Статус");
    assert!(text(&b, "#users tbody").await.contains("Активен"));
    screenshot(&b, backend, "ru-admin-users-laptop", LAPTOP, None, false).await;
    // The use case's rules next to their fields, in Russian, the form still filled.
    fill(&b, "#email", "new.person@rbm.example").await;
    fill(&b, "#name", "Новый сотрудник").await;
    fill(&b, "#password", "short").await;
    submit(&b, "#create-user").await;
    assert_eq!(text(&b, "#error-summary-title").await, "Есть ошибки");
    assert!(text(&b, "#password-error").await.contains("От 10 до 200 символов"), "{}", body(&b).await);
    assert_eq!(value(&b, "#email").await, "new.person@rbm.example");
    fill(&b, "#email", COORDINATOR.0).await;
    fill(&b, "#password", "a-long-enough-password").await;
    submit(&b, "#create-user").await;
    let taken = text(&b, "#email-error").await;
    assert!(taken.contains(&format!("Пользователь с адресом {} уже есть", COORDINATOR.0)), "{taken}");

    // A user's page: the roles with their words and Russian dates; a second role is refused.
    let (_, users) = app.get("/api/v1/users").await;
    let coordinator = users.as_array().unwrap().iter().find(|u| u["email"] == COORDINATOR.0).unwrap()["id"].clone();
    go(&b, &app, &format!("/admin/users/{coordinator}")).await;
    russian_page_at(&b, "#roles-h", &["Roles on projects", "Give a role", "New password", "Remove", "Since"]).await;
    let roles = text(&b, "#user-roles").await;
    assert!(roles.contains("Координатор") && roles.contains("Снять"), "{roles}");
    let since = text(&b, "#user-roles tbody td:nth-child(3)").await;
    assert!(is_russian_date(&since), "{since}");
    select(&b, "#project", "UZB-PSD").await;
    select(&b, "#role", "manager").await;
    submit(&b, "#give-role").await;
    let refused = text(&b, "#project-error").await;
    assert!(refused.contains("У пользователя уже есть роль «Координатор» в этом проекте"), "{refused}");
    screenshot(&b, backend, "ru-admin-user-laptop", LAPTOP, None, false).await;

    // The catalogues: the EU words are the EU report's Russian ones.
    go(&b, &app, "/admin/accounts").await;
    let page =
        russian_page(&b, &["Add an account", "Account code", "EU heading", "Line of the EU format", "Human resources"])
            .await;
    assert!(page.contains("Людские ресурсы"), "{page}");
    fill(&b, "#code", "7x").await;
    submit(&b, "#create-account").await;
    assert!(text(&b, "#code-error").await.contains("От 3 до 10 цифр"));
    screenshot(&b, backend, "ru-admin-accounts-laptop", LAPTOP, None, false).await;
    go(&b, &app, "/admin/funding-sources").await;
    let page = russian_page(&b, &["Add a funding source", "Kind", "government cost sharing"]).await;
    assert!(page.contains("Источники финансирования") && page.contains("ЕС"), "{page}");

    // The audit trail: filters, entries and their dates in Russian.
    go(&b, &app, "/admin/audit?entity=funding_source").await;
    russian_page(&b, &["Audit trail", "Entity", "Action", "Clear the filters", "What changed", "newest first"]).await;
    assert_eq!(text(&b, "h1").await, "Журнал изменений");
    let head = text(&b, "#audit-entries .audit-head").await;
    assert!(head.contains("источник финансирования"), "{head}");
    assert!(has_cyrillic(&text(&b, "#audit-entries .audit-head strong").await), "the action in Russian: {head}");
    assert!(head.split_whitespace().any(is_russian_date), "a date like 31.12.2026 in {head}");
    go(&b, &app, "/admin/audit?from=2026-13-01").await;
    assert!(text(&b, "#from-error").await.contains("Дата в виде ГГГГ-ММ-ДД"));
    go(&b, &app, "/admin/audit").await;
    screenshot(&b, backend, "ru-admin-audit-laptop", LAPTOP, None, false).await;
    b.close().await;
}

/// The ids of the audit entries on the page, top to bottom.
async fn entry_ids(b: &Browser) -> Vec<i64> {
    let mut out = vec![];
    for e in b.client.find_all(Locator::Css("li.audit-entry")).await.unwrap() {
        let id = e.attr("id").await.unwrap().unwrap_or_default();
        out.push(id.trim_start_matches("audit-").parse().unwrap());
    }
    out
}

/// The audit trail page by page: 50 entries a page, "Older" and "Newer" keep the filters,
/// and the pages are the API's trail with no entry twice and none left out.
async fn an_admin_pages_through_the_audit_trail(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    for i in 0..60 {
        let body = json!({"code": format!("SRC-{i:02}"), "name": format!("Source {i}"), "kind": "other"});
        assert_eq!(app.post("/api/v1/funding-sources", &body).await.0, 201);
    }
    // Some other change in between, which the filters leave out.
    assert_eq!(app.post("/api/v1/funding-sources", &json!({"code": "ODD", "name": "Odd", "kind": "eu"})).await.0, 201);
    let (_, odd) = app.get("/api/v1/funding-sources").await;
    let odd = odd.as_array().unwrap().iter().find(|s| s["code"] == "ODD").unwrap().clone();
    let rename = json!({"code": "ODD", "name": "Odd, renamed", "kind": "eu", "version": odd["version"]});
    assert_eq!(app.put(&format!("/api/v1/funding-sources/{}", odd["id"]), &rename).await.0, 200);
    let (_, whole) = app.get("/api/v1/audit?entity=funding_source&action=create&limit=1000").await;
    let whole: Vec<i64> = whole.as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect();
    let total = whole.len();
    assert!((61..=100).contains(&total), "two pages: {total}");

    sign_in(&b, &app, ADMIN).await;
    go(&b, &app, "/admin/audit").await;
    select(&b, "#entity", "funding_source").await;
    select(&b, "#action", "create").await;
    submit(&b, "#filter").await;
    let first = entry_ids(&b).await;
    assert_eq!(first.len(), 50);
    assert_eq!(text(&b, "#audit-count").await, format!("Changes 1–50 of {total}, newest first."));
    assert!(b.client.find_all(Locator::Css("#audit-newer")).await.unwrap().is_empty(), "the newest page");
    screenshot(&b, backend, "admin-audit-pages-laptop", LAPTOP, Some(".pager"), false).await;

    click(&b, "#audit-older").await;
    let path = path_of(&b).await;
    assert!(
        path.contains("entity=funding_source") && path.contains("action=create") && path.contains("before="),
        "{path}"
    );
    assert_eq!(value(&b, "#entity").await, "funding_source", "the filters stay");
    assert_eq!(value(&b, "#action").await, "create");
    let second = entry_ids(&b).await;
    assert_eq!(text(&b, "#audit-count").await, format!("Changes 51–{total} of {total}, newest first."));
    assert!(b.client.find_all(Locator::Css("#audit-older")).await.unwrap().is_empty(), "the oldest page");
    assert_eq!([first.clone(), second].concat(), whole, "no entry twice, none left out");

    click(&b, "#audit-newer").await;
    assert!(path_of(&b).await.contains("after="));
    assert_eq!(entry_ids(&b).await, first, "back to the newest page");
    assert_eq!(text(&b, "#audit-count").await, format!("Changes 1–50 of {total}, newest first."));
    b.close().await;
}

/// The catalogues' entry pages (one shape for accounts and funding sources): save, a refused
/// delete next to the field with the form as sent, a delete that says what it removed.
async fn an_admin_edits_and_removes_catalogue_entries(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let (_, sources) = app.get("/api/v1/funding-sources").await;
    let find = |code: &str| sources.as_array().unwrap().iter().find(|s| s["code"] == code).unwrap()["id"].clone();
    let (used, free) = (find("RB"), {
        let (s, f) =
            app.post("/api/v1/funding-sources", &json!({"code": "SPARE", "name": "Spare", "kind": "other"})).await;
        assert_eq!(s, 201, "{f}");
        f["id"].clone()
    });
    sign_in(&b, &app, ADMIN).await;

    // A source that funds a project: the refusal by the code, nothing deleted.
    go(&b, &app, &format!("/admin/funding-sources/{used}")).await;
    fill(&b, "#name", "Renamed but not saved").await;
    submit(&b, "#delete-source").await;
    assert!(text(&b, "#code-error").await.contains("delete those contributions first"), "{}", body(&b).await);
    assert_eq!(value(&b, "#name").await, "Renamed but not saved", "the form as sent");
    assert_eq!(app.get(&format!("/api/v1/funding-sources/{used}")).await.0, 200);
    // Saved, then deleted.
    go(&b, &app, &format!("/admin/funding-sources/{free}")).await;
    fill(&b, "#name", "Spare, renamed").await;
    submit(&b, "#save-source").await;
    assert!(path_of(&b).await.ends_with(&format!("/admin/funding-sources/{free}?saved=1")));
    assert_eq!(text(&b, ".notice").await, "Saved.");
    assert_eq!(value(&b, "#name").await, "Spare, renamed");
    submit(&b, "#delete-source").await;
    assert_eq!(path_of(&b).await, "/admin/funding-sources?removed=1");
    assert_eq!(text(&b, ".notice").await, "Deleted the funding source.");
    assert!(!text(&b, "#sources").await.contains("SPARE"));

    // An account: a new one, edited with a line of another heading (refused by the line), retired.
    go(&b, &app, "/admin/accounts").await;
    fill(&b, "#code", "74599").await;
    fill(&b, "#name", "Sundry").await;
    select(&b, "#eu-heading", "5").await;
    submit(&b, "#create-account").await;
    assert_eq!(path_of(&b).await, "/admin/accounts?created=1");
    assert_eq!(text(&b, ".notice").await, "Created the account.");
    let (_, accounts) = app.get("/api/v1/budget-accounts").await;
    let id = accounts.as_array().unwrap().iter().find(|a| a["code"] == "74599").unwrap()["id"].clone();
    go(&b, &app, &format!("/admin/accounts/{id}")).await;
    select(&b, "#eu-line", "1.1").await;
    submit(&b, "#save-account").await;
    assert!(text(&b, "#eu-line-error").await.contains("is not a line of EU heading 5"), "{}", body(&b).await);
    submit(&b, "#delete-account").await;
    assert_eq!(path_of(&b).await, "/admin/accounts?removed=1");
    assert_eq!(text(&b, ".notice").await, "Retired the account.");
    assert_eq!(app.get(&format!("/api/v1/budget-accounts/{id}")).await.0, 404);
    b.close().await;
}

/// `31.12.2026`.
fn is_russian_date(s: &str) -> bool {
    let parts: Vec<&str> = s.trim().split('.').collect();
    parts.len() == 3
        && [2, 2, 4].iter().zip(&parts).all(|(n, p)| p.len() == *n && p.bytes().all(|c| c.is_ascii_digit()))
}

crate::on_both_backends!(
    the_finance_view_adds_up_and_follows_the_period,
    a_finding_is_explained_and_shows_in_the_audit_trail,
    an_admin_creates_a_donor_who_sees_only_that_project,
    an_admin_reads_the_administration_in_russian,
    an_admin_pages_through_the_audit_trail,
    an_admin_edits_and_removes_catalogue_entries,
);
