//! The web application in a real browser: headless Chromium driven over WebDriver
//! (chromedriver on a random port), against the real server on a random port over a fresh
//! database with the demo data, on SQLite and on PostgreSQL.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`RBM_CHROMIUM` / `RBM_CHROMEDRIVER` name
//! other binaries). Without them the tests are skipped, unless `RBM_REQUIRE_BROWSER` is set
//! (as `.ci/run` does), where a missing browser fails them.
//!
//! Screenshots of the main pages, at a laptop and a phone width, go to `target/ui-screenshots/`.
//!
//! The part-2 pages have their own modules beside this file (`mod NAME;` below), which use
//! this harness through `use super::*;`.

// One browser at a time is enforced with a lock held across awaits; each test has its own
// thread and runtime, so holding it there cannot deadlock.
#![allow(clippy::await_holding_lock)]

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod admin;
mod awp;

use fantoccini::{Client, ClientBuilder, Locator};
use helpers::{Backend, TestApp};
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const COORDINATOR: (&str, &str) = ("coordinator@rbm.example", "demo-coordinator-2025");
const MANAGER: (&str, &str) = ("manager@rbm.example", "demo-manager-2025");
const FINANCE: (&str, &str) = ("finance@rbm.example", "demo-finance-2025");
const DONOR: (&str, &str) = ("donor.eu@rbm.example", "demo-donor-2025");
const ADMIN: (&str, &str) = ("admin@rbm.example", "demo-admin-2025");

const LAPTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);

mod i18n;

/// One browser at a time: two cores are shared with the rest of the test run.
static BROWSER_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The full path of a program (chromedriver wants one for the browser).
fn binary(var: &str, default: &str) -> Option<String> {
    let name = std::env::var(var).unwrap_or_else(|_| default.to_string());
    if name.contains('/') {
        return std::path::Path::new(&name).exists().then_some(name);
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).map(|dir| dir.join(&name)).find(|p| p.is_file()).map(|p| p.display().to_string())
}

/// chromedriver on a random port, and one Chromium session in a fresh profile.
struct Browser {
    client: Client,
    driver: Child,
    _profile: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Browser {
    async fn start() -> Option<Browser> {
        let (Some(chromium), Some(chromedriver)) =
            (binary("RBM_CHROMIUM", "chromium"), binary("RBM_CHROMEDRIVER", "chromedriver"))
        else {
            assert!(
                std::env::var_os("RBM_REQUIRE_BROWSER").is_none(),
                "RBM_REQUIRE_BROWSER is set but chromium / chromedriver are missing (apt-get install chromium chromium-driver)"
            );
            eprintln!("skipped: chromium and chromedriver are not installed");
            return None;
        };
        let port = free_port();
        // In a process group of its own, so that ending it ends the browsers it started too.
        let mut driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let profile = std::env::temp_dir().join(format!("rbm-chromium-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&profile).unwrap();
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--hide-scrollbars", "--lang=en-GB",
                    format!("--window-size={},{}", LAPTOP.0, LAPTOP.1),
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let caps: serde_json::Map<String, Value> = caps.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut last_err = String::new();
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
                Ok(client) => {
                    return Some(Browser { client, driver, _profile: TempDir(profile) });
                }
                Err(e) => {
                    last_err = e.to_string();
                    actix_rt::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        end_group(&mut driver);
        panic!("no WebDriver session from chromedriver: {last_err}");
    }

    async fn close(self) {
        let _ = self.client.clone().close().await;
        // Drop ends chromedriver.
    }
}

/// Ends chromedriver and every browser process it started (its process group), and reaps it.
fn end_group(driver: &mut Child) {
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", driver.id())]).status();
    let _ = driver.kill();
    let _ = driver.wait();
}

impl Drop for Browser {
    fn drop(&mut self) {
        end_group(&mut self.driver);
    }
}

/// The app with the demo data, and a browser; `None` when either is not available here.
async fn setup(backend: Backend) -> Option<(TestApp, Browser)> {
    let app = TestApp::with_demo(backend).await?;
    let browser = Browser::start().await?;
    Some((app, browser))
}

async fn go(b: &Browser, app: &TestApp, path: &str) {
    b.client.goto(&format!("{}{path}", app.address)).await.unwrap_or_else(|e| panic!("goto {path}: {e}"));
}

async fn path_of(b: &Browser) -> String {
    let url = b.client.current_url().await.unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

async fn text(b: &Browser, css: &str) -> String {
    b.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}")).text().await.unwrap()
}

async fn body(b: &Browser) -> String {
    text(b, "body").await
}

async fn value(b: &Browser, css: &str) -> String {
    let e = b.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}"));
    e.prop("value").await.unwrap().unwrap_or_default()
}

async fn fill(b: &Browser, css: &str, v: &str) {
    let e = b.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(v).await.unwrap();
}

async fn click(b: &Browser, css: &str) {
    b.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}")).click().await.unwrap();
}

/// Clicks a button that sends a form, and waits for the next page to replace this one.
async fn submit(b: &Browser, css: &str) {
    let old = b.client.find(Locator::Css("html")).await.unwrap();
    click(b, css).await;
    for _ in 0..200 {
        if old.tag_name().await.is_err() {
            // The old document is gone; wait for the new one to finish loading.
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
    panic!("clicking {css} did not load another page");
}

/// An HTTP client that does not follow redirects (to see the 303 itself).
fn plain_client() -> awc::Client {
    awc::Client::builder().disable_redirects().timeout(Duration::from_secs(30)).finish()
}

async fn sign_in(b: &Browser, app: &TestApp, (email, password): (&str, &str)) {
    go(b, app, "/sign-in").await;
    fill(b, "#email", email).await;
    fill(b, "#password", password).await;
    submit(b, "#sign-in").await;
    let body = body(b).await;
    assert!(!body.contains("There is a problem"), "sign in as {email}: {body}");
}

async fn sign_out(b: &Browser) {
    submit(b, "form[action='/sign-out'] button").await;
    assert_eq!(path_of(b).await, "/sign-in");
}

/// Writes a screenshot of the window at a width (SQLite run only: one set is enough),
/// scrolled to `anchor` when given; `full` makes the window as tall as the page (up to 3000 px).
async fn screenshot(b: &Browser, backend: Backend, name: &str, (w, h): (u32, u32), anchor: Option<&str>, full: bool) {
    if backend != Backend::Sqlite {
        return;
    }
    b.client.set_window_size(w, h).await.unwrap();
    if full {
        let height = b
            .client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(h as u64) as u32;
        b.client.set_window_size(w, height.clamp(h, 3000)).await.unwrap();
    }
    let script = match anchor {
        Some(css) => format!("document.querySelector({}).scrollIntoView()", json!(css)),
        None => "window.scrollTo(0, 0)".to_string(),
    };
    b.client.execute(&script, vec![]).await.unwrap();
    let png = b.client.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    b.client.set_window_size(LAPTOP.0, LAPTOP.1).await.unwrap();
}

async fn indicator_id(app: &TestApp, project: &str, code: &str) -> i64 {
    let (status, v) = app.get(&format!("/api/v1/projects/{project}/indicators")).await;
    assert_eq!(status, 200, "{v}");
    v.as_array().unwrap().iter().find(|i| i["code"] == code).unwrap()["id"].as_i64().unwrap()
}

async fn actuals(app: &TestApp, project: &str, period: &str) -> Vec<Value> {
    let (status, v) = app.get(&format!("/api/v1/projects/{project}/actuals?period={period}")).await;
    assert_eq!(status, 200, "{v}");
    v.as_array().unwrap().clone()
}

/// The dashboard's row of an indicator in the indicator table.
async fn dashboard_row(b: &Browser, code: &str) -> String {
    let rows = b.client.find_all(Locator::Css("#indicator-table tbody tr")).await.unwrap();
    for r in rows {
        let t = r.text().await.unwrap();
        if t.starts_with(code) {
            return t;
        }
    }
    panic!("no dashboard row for {code}");
}

async fn anonymous_requests_go_to_sign_in_and_come_back(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    go(&b, &app, "/").await;
    assert_eq!(path_of(&b).await, "/sign-in");
    assert_eq!(b.client.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap().as_deref(), Some("en"));
    go(&b, &app, "/projects/UZB-PSD/progress/2026-Q1").await;
    assert_eq!(path_of(&b).await, "/sign-in?next=/projects/UZB-PSD/progress/2026-Q1");
    fill(&b, "#email", COORDINATOR.0).await;
    fill(&b, "#password", COORDINATOR.1).await;
    submit(&b, "#sign-in").await;
    assert_eq!(path_of(&b).await, "/projects/UZB-PSD/progress/2026-Q1", "back where the user was going");
    // The session cookie is HttpOnly and SameSite=Lax (not Secure: this is plain HTTP).
    let cookie = b.client.get_named_cookie("rbm_session").await.unwrap();
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(format!("{:?}", cookie.same_site()), "Some(Lax)");
    assert_ne!(cookie.secure(), Some(true));
    // The JSON API is unchanged: no cookie sessions there.
    let (status, _) = app.request_as(None, "GET", "/api/v1/projects", None).await;
    assert_eq!(status, 401);
    sign_out(&b).await;
    go(&b, &app, "/projects/UZB-PSD").await;
    assert_eq!(path_of(&b).await, "/sign-in?next=/projects/UZB-PSD", "the session ended with sign-out");
    b.close().await;
}

async fn each_role_signs_in_and_sees_its_projects(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };

    // A wrong password: the error summary and the message next to the field; the email stays.
    go(&b, &app, "/sign-in").await;
    screenshot(&b, backend, "sign-in-laptop", LAPTOP, None, false).await;
    fill(&b, "#email", COORDINATOR.0).await;
    fill(&b, "#password", "not-the-password").await;
    submit(&b, "#sign-in").await;
    assert!(text(&b, ".error-summary").await.contains("The email address or the password is not right"));
    assert!(text(&b, "#password-error").await.contains("not right"));
    assert_eq!(value(&b, "#email").await, COORDINATOR.0, "the form comes back filled");
    assert_eq!(value(&b, "#password").await, "", "except the password");
    screenshot(&b, backend, "sign-in-error-phone", PHONE, None, false).await;

    for (who, expect, not_expected, role) in [
        (COORDINATOR, vec!["KAZ-HUB", "UZB-PSD"], vec![], "Coordinator"),
        (MANAGER, vec!["KAZ-HUB", "UZB-PSD"], vec![], "Manager"),
        (FINANCE, vec!["KAZ-HUB", "UZB-PSD"], vec![], "Finance"),
        (DONOR, vec!["UZB-PSD"], vec!["KAZ-HUB"], "Donor"),
        (ADMIN, vec!["KAZ-HUB", "UZB-PSD"], vec![], "Administrator"),
    ] {
        sign_in(&b, &app, who).await;
        assert_eq!(path_of(&b).await, "/");
        let page = body(&b).await;
        assert!(page.contains("Your projects"), "{page}");
        for code in &expect {
            assert!(page.contains(code), "{} sees {code}: {page}", who.0);
        }
        for code in &not_expected {
            assert!(!page.contains(code), "{} does not see {code}: {page}", who.0);
        }
        assert!(page.contains(role), "{} is shown as {role}", who.0);
        if who == COORDINATOR {
            screenshot(&b, backend, "projects-laptop", LAPTOP, None, false).await;
            screenshot(&b, backend, "projects-phone", PHONE, None, false).await;
        }
        // Every role opens the dashboard of a project it has.
        go(&b, &app, "/projects/UZB-PSD").await;
        let page = body(&b).await;
        assert!(page.contains("Indicators at a glance"), "{page}");
        // A donor's page is the donor portal: results and issued reports, no delivery figures.
        let delivery = b.client.find_all(Locator::Css("#delivery-h")).await.unwrap().len();
        assert_eq!(delivery, usize::from(who != DONOR), "{page}");
        assert_eq!(page.contains("Reports issued to you"), who == DONOR, "{page}");
        let charts = if who == DONOR { 1 } else { 2 };
        assert_eq!(b.client.find_all(Locator::Css("svg.chart")).await.unwrap().len(), charts, "server-drawn charts");
        let waits = b.client.find_all(Locator::Css("#waiting")).await.unwrap().len();
        assert_eq!(waits, usize::from(who != DONOR), "what waits is shown to {}", who.0);
        // Open finance findings wait for finance officers and managers: the API's checks.
        let findings = b.client.find_all(Locator::Css("#findings-h")).await.unwrap().len();
        assert_eq!(findings, usize::from(who == FINANCE || who == MANAGER || who == ADMIN), "findings for {}", who.0);
        if who == FINANCE {
            for code in ["UZB-PSD", "KAZ-HUB"] {
                go(&b, &app, &format!("/projects/{code}")).await;
                let (_, checks) = app.get(&format!("/api/v1/projects/{code}/finance/checks")).await;
                let all = checks["findings"].as_array().unwrap();
                assert!(!all.is_empty(), "the demo has findings on {code}");
                let waiting = text(&b, "#waiting").await;
                assert!(waiting.contains(&format!("Open finance findings ({})", all.len())), "{waiting}");
                let shown = b.client.find_all(Locator::Css("ul.findings li")).await.unwrap();
                assert_eq!(shown.len(), all.len().min(8));
                // Errors first, in the API's words.
                let first = shown[0].text().await.unwrap();
                assert!(first.contains(all[0]["message"].as_str().unwrap()), "{first}");
                if all[0]["severity"] == "error" {
                    assert!(first.starts_with("Error"), "{first}");
                }
            }
            screenshot(&b, backend, "dashboard-findings-laptop", LAPTOP, Some("#waiting"), false).await;
            screenshot(&b, backend, "dashboard-findings-phone", PHONE, Some("#findings-h"), false).await;
        }
        if who == MANAGER {
            screenshot(&b, backend, "dashboard-laptop", LAPTOP, None, true).await;
            screenshot(&b, backend, "dashboard-phone", PHONE, None, false).await;
            screenshot(&b, backend, "dashboard-phone-charts", PHONE, Some("#status-h"), false).await;
        }
        if who == DONOR {
            // A donor reaches nothing else: another project is "not found", entry is forbidden.
            go(&b, &app, "/projects/KAZ-HUB").await;
            assert!(body(&b).await.contains("Page not found"));
            go(&b, &app, "/projects/UZB-PSD/progress/2026-Q1").await;
            assert!(body(&b).await.contains("Not allowed"));
            go(&b, &app, "/projects/UZB-PSD/approvals").await;
            assert!(body(&b).await.contains("Not allowed"));
            go(&b, &app, "/").await;
        }
        sign_out(&b).await;
    }
    b.close().await;
}

async fn coordinator_fixes_a_disaggregation_submits_and_the_manager_approves(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let op2 = indicator_id(&app, "UZB-PSD", "OP2").await;

    // The manager's dashboard for 2026-Q2 before anything is entered.
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD?quarter=2026-Q2").await;
    let before = dashboard_row(&b, "OP2").await;
    sign_out(&b).await;

    sign_in(&b, &app, COORDINATOR).await;
    go(&b, &app, "/projects/UZB-PSD/progress/2026-Q2").await;
    fill(&b, &format!("#v-{op2}"), "30").await;
    fill(&b, &format!("#d-{op2}-0-0"), "10").await; // sex: women
    fill(&b, &format!("#d-{op2}-0-1"), "15").await; // sex: men
    fill(&b, &format!("#c-{op2}"), "Two trainings of PSC staff in Khavast").await;
    fill(&b, &format!("#e-{op2}"), "https://evidence.example.org/op2-2026-q2.pdf").await;
    // The live sum says so before sending (progressive enhancement).
    assert!(text(&b, &format!("#d-{op2}-0 .dim-sum")).await.contains("does not add up"));
    submit(&b, "#save").await;

    let summary = text(&b, ".error-summary").await;
    assert!(summary.contains("OP2"), "{summary}");
    assert!(summary.contains("men 15 + women 10 add up to 25, but the value is 30"), "{summary}");
    let next_to_field = text(&b, &format!("#d-{op2}-0-error")).await;
    assert!(next_to_field.contains("add up to 25"), "{next_to_field}");
    assert_eq!(value(&b, &format!("#v-{op2}")).await, "30", "nothing typed is lost");
    assert_eq!(value(&b, &format!("#d-{op2}-0-0")).await, "10");
    assert_eq!(value(&b, &format!("#d-{op2}-0-1")).await, "15");
    assert_eq!(value(&b, &format!("#c-{op2}")).await, "Two trainings of PSC staff in Khavast");
    assert_eq!(value(&b, &format!("#e-{op2}")).await, "https://evidence.example.org/op2-2026-q2.pdf");
    assert!(actuals(&app, "UZB-PSD", "2026-Q2").await.is_empty(), "nothing was saved");
    screenshot(&b, backend, "entry-error-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "entry-error-field-laptop", LAPTOP, Some(&format!("#ind-{op2}")), false).await;
    screenshot(&b, backend, "entry-error-phone", PHONE, None, false).await;
    screenshot(&b, backend, "entry-error-field-phone", PHONE, Some(&format!("#d-{op2}-0")), false).await;

    fill(&b, &format!("#d-{op2}-0-1"), "20").await;
    submit(&b, "#submit-quarter").await;
    let notice = text(&b, ".notice").await;
    assert!(notice.contains("The quarter is submitted: 1 actual went to the manager"), "{notice}");
    let saved = actuals(&app, "UZB-PSD", "2026-Q2").await;
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0]["status"], "submitted");
    assert_eq!(saved[0]["value"], 30.0);
    assert_eq!(saved[0]["disaggregations"], json!({"sex": {"women": 10.0, "men": 20.0}}));
    // The same audit entries as through the API: created, then submitted, by the coordinator.
    let (_, audit) =
        app.get(&format!("/api/v1/projects/UZB-PSD/audit?entity=actual&entity_id={}", saved[0]["id"])).await;
    let actions: Vec<&str> = audit.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"create") && actions.contains(&"submit"), "{audit}");
    // Submitted: read-only now.
    assert!(b.client.find_all(Locator::Css(&format!("#v-{op2}"))).await.unwrap().is_empty());
    screenshot(&b, backend, "entry-submitted-laptop", LAPTOP, Some(".notice"), false).await;
    sign_out(&b).await;

    // The manager: returning without a reason is refused next to the field, then approves.
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD/approvals").await;
    let id = saved[0]["id"].as_i64().unwrap();
    click(&b, &format!("#sel-{id}")).await;
    submit(&b, "#return").await;
    assert!(text(&b, "#reason-error").await.contains("Say why"));
    assert_eq!(
        b.client.find(Locator::Css(&format!("#sel-{id}"))).await.unwrap().prop("checked").await.unwrap().as_deref(),
        Some("true"),
        "the selection is kept"
    );
    screenshot(&b, backend, "approvals-error-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "approvals-error-phone", PHONE, None, false).await;
    submit(&b, "#approve").await;
    assert!(text(&b, ".notice").await.contains("Approved 1 actual"));
    assert_eq!(actuals(&app, "UZB-PSD", "2026-Q2").await[0]["status"], "approved");

    go(&b, &app, "/projects/UZB-PSD?quarter=2026-Q2").await;
    let after = dashboard_row(&b, "OP2").await;
    assert_ne!(before, after, "the dashboard counts the approved actual");
    let (_, progress) = app.get("/api/v1/projects/UZB-PSD/progress?from=2026-Q1&to=2026-Q2").await;
    let line = progress["indicators"].as_array().unwrap().iter().find(|l| l["code"] == "OP2").unwrap().clone();
    let to_date = line["actual_year_to_date"].as_f64().unwrap();
    assert!(after.contains(&format_number(to_date)), "the page shows the API's figure {to_date}: {after}");
    screenshot(&b, backend, "dashboard-after-approval-laptop", LAPTOP, Some("#status-h"), false).await;

    // Returning with a reason: the coordinator sees the reason and can change the actual again.
    let oc1 = indicator_id(&app, "UZB-PSD", "OC1").await;
    let q1 = actuals(&app, "UZB-PSD", "2026-Q1").await;
    let oc1_q1 =
        q1.iter().find(|a| a["indicator_id"] == oc1 && a["status"] == "submitted").expect("demo: OC1 2026-Q1 waits");
    go(&b, &app, "/projects/UZB-PSD/approvals").await;
    click(&b, &format!("#sel-{}", oc1_q1["id"])).await;
    fill(&b, "#reason", "Attach the queue data of March").await;
    submit(&b, "#return").await;
    assert!(text(&b, ".notice").await.contains("Returned 1 actual"));
    sign_out(&b).await;
    sign_in(&b, &app, COORDINATOR).await;
    go(&b, &app, "/projects/UZB-PSD/progress/2026-Q1").await;
    let section = text(&b, &format!("#ind-{oc1}")).await;
    assert!(section.contains("Returned by the manager: Attach the queue data of March"), "{section}");
    assert_eq!(value(&b, &format!("#v-{oc1}")).await, format_number(oc1_q1["value"].as_f64().unwrap()));
    screenshot(&b, backend, "entry-returned-laptop", LAPTOP, Some(&format!("#ind-{oc1}")), false).await;
    b.close().await;
}

fn format_number(v: f64) -> String {
    let whole = v.round() as i64;
    let s = whole.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A page on another origin (a different port of the same host: the same *site*, so the
/// SameSite=Lax cookie is sent) that posts a form to the app.
async fn attacker_page(target: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let server = actix_web::HttpServer::new(move || {
        let target = target.clone();
        actix_web::App::new().route(
            "/",
            actix_web::web::get().to(move || {
                let target = target.clone();
                async move {
                    actix_web::HttpResponse::Ok().content_type("text/html").body(format!(
                        r#"<!DOCTYPE html><html lang="en"><body><form method="post" action="{target}">
                        <input name="v_1" value="999"><input name="intent" value="submit">
                        <button id="go" type="submit">Win a prize</button></form></body></html>"#
                    ))
                }
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    actix_rt::spawn(server);
    address
}

async fn a_cross_site_form_post_is_refused(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    sign_in(&b, &app, COORDINATOR).await;
    let evil = attacker_page(format!("{}/projects/UZB-PSD/progress/2026-Q2", app.address)).await;
    b.client.goto(&evil).await.unwrap();
    submit(&b, "#go").await;
    let page = body(&b).await;
    assert!(page.contains("Form refused"), "{page}");
    assert!(actuals(&app, "UZB-PSD", "2026-Q2").await.is_empty(), "nothing was saved");

    // The same origin without the form's token (a request forged some other way) is refused too.
    let cookie = b.client.get_named_cookie("rbm_session").await.unwrap();
    let res = app
        .client
        .post(format!("{}/projects/UZB-PSD/progress/2026-Q2", app.address))
        .insert_header(("Cookie", format!("rbm_session={}", cookie.value())))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .send_body("intent=submit")
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    // ...and a wrong token as well, while the page's own token works.
    go(&b, &app, "/projects/UZB-PSD/progress/2026-Q2").await;
    let token = value(&b, "input[name=csrf]").await;
    for (csrf, expected) in [("0".repeat(64), 403), (token, 303)] {
        let res = plain_client()
            .post(format!("{}/projects/UZB-PSD/progress/2026-Q2", app.address))
            .insert_header(("Cookie", format!("rbm_session={}", cookie.value())))
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .send_body(format!("csrf={csrf}&intent=save"))
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), expected, "csrf {csrf}");
    }
    // Signing in is protected too: a post without the sign-in form's cookie token is refused.
    let res = app
        .client
        .post(format!("{}/sign-in", app.address))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .send_body(format!("email={}&password={}", COORDINATOR.0, COORDINATOR.1))
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    b.close().await;
}

async fn a_manager_approves_the_whole_queue(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let submitted = |all: Vec<Value>| all.into_iter().filter(|a| a["status"] == "submitted").count();
    let (_, all) = app.get("/api/v1/projects/UZB-PSD/actuals?status=submitted").await;
    let waiting = all.as_array().unwrap().len();
    assert!(waiting > 0, "the demo has submitted actuals");
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD").await;
    assert!(text(&b, "#waiting").await.contains(&format!("Actuals to approve ({waiting})")));
    go(&b, &app, "/projects/UZB-PSD/approvals").await;
    submit(&b, "#approve-all").await;
    let notice = text(&b, ".notice").await;
    assert!(notice.contains(&format!("Approved {waiting} actual")), "{notice}");
    assert!(body(&b).await.contains("Nothing waits for approval."));
    for period in ["2026-Q1", "2025-Q4"] {
        assert_eq!(submitted(actuals(&app, "UZB-PSD", period).await), 0);
    }
    b.close().await;
}

/// The bytes of a page fetched with the browser's session (a download, as the browser gets it).
async fn fetch_with_session(b: &Browser, app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let cookie = b.client.get_named_cookie("rbm_session").await.unwrap();
    let mut res = plain_client()
        .get(format!("{}{path}", app.address))
        .insert_header(("Cookie", format!("rbm_session={}", cookie.value())))
        .send()
        .await
        .unwrap();
    let kind = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = res.body().limit(50 * 1024 * 1024).await.unwrap().to_vec();
    (res.status().as_u16(), kind, bytes)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn select(b: &Browser, css: &str, value: &str) {
    let e = b.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}"));
    e.select_by_value(value).await.unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
}

async fn is_checked(b: &Browser, css: &str) -> bool {
    let e = b.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}"));
    e.is_selected().await.unwrap()
}

async fn reports_of(app: &TestApp, project: &str) -> Vec<Value> {
    let (status, v) = app.get(&format!("/api/v1/projects/{project}/reports")).await;
    assert_eq!(status, 200, "{v}");
    v.as_array().unwrap().clone()
}

async fn a_manager_previews_generates_downloads_and_issues_a_report(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD").await;
    click(&b, "a[href='/projects/UZB-PSD/reports']").await;
    assert_eq!(path_of(&b).await, "/projects/UZB-PSD/reports");
    assert!(body(&b).await.contains("No report has been generated for this project yet."));

    // A period with unapproved data: refused next to the "draft" box, the choices kept, nothing stored.
    select(&b, "#template", "undp-quarterly").await;
    fill(&b, "#period", "2026-Q1").await;
    click(&b, "#format-xlsx").await;
    select(&b, "#lang", "ru").await;
    submit(&b, "#generate").await;
    assert!(text(&b, ".error-summary").await.contains("2026-Q1 has unapproved data"));
    let next_to_field = text(&b, "#draft-error").await;
    assert!(next_to_field.contains("OC1 2026-Q1 (submitted)"), "{next_to_field}");
    assert!(next_to_field.contains("Include unapproved data"), "{next_to_field}");
    assert_eq!(value(&b, "#period").await, "2026-Q1", "the choices are kept");
    assert_eq!(value(&b, "#template").await, "undp-quarterly");
    assert_eq!(value(&b, "#lang").await, "ru");
    assert!(is_checked(&b, "#format-xlsx").await);
    assert!(reports_of(&app, "UZB-PSD").await.is_empty(), "nothing was stored");
    screenshot(&b, backend, "reports-error-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "reports-error-phone", PHONE, Some("#draft"), false).await;
    // A period that is not one: next to the period field.
    fill(&b, "#period", "2026-Q7").await;
    submit(&b, "#preview-button").await;
    assert!(!text(&b, "#period-error").await.is_empty());

    // An approved period: the HTML preview (nothing stored), in Russian.
    fill(&b, "#period", "2025-Q3").await;
    submit(&b, "#preview-button").await;
    assert!(!body(&b).await.contains("There is a problem"));
    let frame = b.client.find(Locator::Css("iframe.report-preview")).await.unwrap();
    frame.enter_frame().await.unwrap();
    let mut report_text = String::new();
    for _ in 0..200 {
        if let Ok(e) = b.client.find(Locator::Css("body")).await {
            report_text = e.text().await.unwrap_or_default();
        }
        if report_text.contains("2025") {
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
    let lang = b.client.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap();
    b.client.enter_parent_frame().await.unwrap();
    assert_eq!(lang.as_deref(), Some("ru"), "the preview is in the chosen language");
    assert!(
        report_text.contains("UZB-PSD") || report_text.contains("Uzbekistan") || report_text.contains("Узбекистан"),
        "{report_text}"
    );
    assert!(reports_of(&app, "UZB-PSD").await.is_empty(), "a preview stores nothing");
    screenshot(&b, backend, "reports-preview-laptop", LAPTOP, Some("#preview"), false).await;

    // Generate (the choices are still on the form), then PDF in English.
    submit(&b, "#generate").await;
    let stored = reports_of(&app, "UZB-PSD").await;
    assert_eq!(stored.len(), 1);
    let xlsx = &stored[0];
    assert_eq!(xlsx["format"], "xlsx");
    assert!(text(&b, ".notice").await.contains(xlsx["sha256"].as_str().unwrap()));
    fill(&b, "#period", "2025-Q3").await;
    click(&b, "#format-pdf").await;
    select(&b, "#lang", "en").await;
    submit(&b, "#generate").await;
    let stored = reports_of(&app, "UZB-PSD").await;
    assert_eq!(stored.len(), 2);
    let pdf = &stored[0];
    assert_eq!((pdf["format"].as_str(), pdf["template"].as_str()), (Some("pdf"), Some("undp-quarterly")));
    let sha = pdf["sha256"].as_str().unwrap();
    let row = text(&b, &format!("#report-{}", pdf["id"])).await;
    assert!(row.contains(sha), "the list shows the SHA-256: {row}");
    assert!(row.contains("not yet"), "{row}");

    // Download: the stored bytes, as the API sends them.
    let href = b
        .client
        .find(Locator::Css(&format!("#report-{} a", pdf["id"])))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let (status, kind, bytes) = fetch_with_session(&b, &app, &href).await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(sha256_hex(&bytes), sha);
    let (status, kind, bytes) =
        fetch_with_session(&b, &app, &format!("/projects/UZB-PSD/reports/{}/file", xlsx["id"])).await;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    assert!(bytes.starts_with(b"PK\x03\x04"), "an XLSX is a zip");
    assert_eq!(sha256_hex(&bytes), xlsx["sha256"].as_str().unwrap());
    // A report of another project is not found under this one.
    let (status, _, _) = fetch_with_session(&b, &app, &format!("/projects/KAZ-HUB/reports/{}/file", pdf["id"])).await;
    assert_eq!(status, 404);
    screenshot(&b, backend, "reports-list-laptop", LAPTOP, Some("#stored"), false).await;
    screenshot(&b, backend, "reports-list-phone", PHONE, Some("#stored"), false).await;

    // Issue it to the donors.
    submit(&b, &format!("#issue-{}", pdf["id"])).await;
    assert!(text(&b, ".notice").await.contains("Issued"));
    let (_, meta) = app.get(&format!("/api/v1/reports/{}", pdf["id"])).await;
    assert!(meta["issued_at"].is_string(), "{meta}");
    assert!(text(&b, &format!("#report-{}", pdf["id"])).await.contains("Issued"));
    assert!(b.client.find_all(Locator::Css(&format!("#issue-{}", pdf["id"]))).await.unwrap().is_empty());
    screenshot(&b, backend, "reports-laptop", LAPTOP, None, true).await;
    sign_out(&b).await;

    // A coordinator generates too, but does not issue; finance reads the list only.
    sign_in(&b, &app, COORDINATOR).await;
    go(&b, &app, "/projects/UZB-PSD/reports").await;
    assert!(b.client.find_all(Locator::Css("#generate")).await.unwrap().len() == 1);
    assert!(b.client.find_all(Locator::Css("button[id^=issue-]")).await.unwrap().is_empty());
    sign_out(&b).await;
    sign_in(&b, &app, FINANCE).await;
    go(&b, &app, "/projects/UZB-PSD/reports").await;
    assert!(body(&b).await.contains(sha));
    assert!(b.client.find_all(Locator::Css("#generate")).await.unwrap().is_empty());
    let (status, _, _) =
        fetch_with_session(&b, &app, "/projects/UZB-PSD/reports/preview?template=iptt&period=2025-Q3&lang=en").await;
    assert_eq!(status, 403, "finance does not generate reports");
    b.close().await;
}

/// The status of a request with the browser's session (GET, or a POST with the page's form
/// fields), without following redirects.
async fn status_with_session(b: &Browser, app: &TestApp, method: &str, path: &str, form: &str) -> u16 {
    let cookie = b.client.get_named_cookie("rbm_session").await.unwrap();
    let req = plain_client()
        .request(awc::http::Method::from_bytes(method.as_bytes()).unwrap(), format!("{}{path}", app.address))
        .insert_header(("Cookie", format!("rbm_session={}", cookie.value())));
    let res = if method == "GET" {
        req.send().await
    } else {
        req.insert_header(("Content-Type", "application/x-www-form-urlencoded")).send_body(form.to_string()).await
    };
    res.unwrap().status().as_u16()
}

/// A manager generates reports on the reports page and issues two; a draft cannot be issued.
async fn generate_on_the_page(b: &Browser, template: &str, period: &str, format: &str, lang: &str, draft: bool) {
    select(b, "#template", template).await;
    fill(b, "#period", period).await;
    click(b, &format!("#format-{format}")).await;
    select(b, "#lang", lang).await;
    if draft != is_checked(b, "#draft").await {
        click(b, "#draft").await;
    }
    submit(b, "#generate").await;
    let notice = text(b, ".notice").await;
    assert!(notice.contains("Generated and stored"), "{notice}");
}

async fn a_donor_downloads_issued_reports_and_reaches_nothing_else(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD/reports").await;
    generate_on_the_page(&b, "undp-quarterly", "2025-Q3", "pdf", "en", false).await;
    generate_on_the_page(&b, "iptt", "2025-Q1..2025-Q4", "xlsx", "ru", false).await;
    generate_on_the_page(&b, "undp-quarterly", "2026-Q1", "html", "en", true).await;
    let stored = reports_of(&app, "UZB-PSD").await;
    assert_eq!(stored.len(), 3);
    let (draft, xlsx, pdf) = (&stored[0], &stored[1], &stored[2]);
    assert_eq!(draft["draft"], true);
    assert!(
        b.client.find_all(Locator::Css(&format!("#issue-{}", draft["id"]))).await.unwrap().is_empty(),
        "drafts are never issued"
    );
    for r in [pdf, xlsx] {
        submit(&b, &format!("#issue-{}", r["id"])).await;
    }
    sign_out(&b).await;

    sign_in(&b, &app, DONOR).await;
    let home = body(&b).await;
    assert!(home.contains("UZB-PSD") && !home.contains("KAZ-HUB"), "{home}");
    go(&b, &app, "/projects/UZB-PSD").await;
    let issued = text(&b, "#issued").await;
    for r in [pdf, xlsx] {
        assert!(issued.contains(r["sha256"].as_str().unwrap()), "{issued}");
    }
    assert!(!issued.contains(draft["sha256"].as_str().unwrap()), "the draft is not the donor's");
    let page = body(&b).await;
    for not_for_donors in ["Waiting for you", "Enter progress", "Approval queue", "Make a report", "Ledger currency"] {
        assert!(!page.contains(not_for_donors), "{not_for_donors}: {page}");
    }
    for css in ["#delivery-h", "#waiting", "a[href$='/reports']", "a[href*='/progress']", "a[href$='/approvals']"] {
        assert!(b.client.find_all(Locator::Css(css)).await.unwrap().is_empty(), "no {css} for a donor");
    }
    // Approved data only: the figures are the API's approved progress (the demo has drafts,
    // submitted and returned actuals in 2026-Q1).
    go(&b, &app, "/projects/UZB-PSD?quarter=2026-Q1").await;
    let (_, approved) = app.get("/api/v1/projects/UZB-PSD/progress?from=2026-Q1&to=2026-Q1").await;
    let (_, everything) =
        app.get("/api/v1/projects/UZB-PSD/progress?from=2026-Q1&to=2026-Q1&include_unapproved=true").await;
    let figure = |v: &Value, code: &str| {
        let l = v["indicators"].as_array().unwrap().iter().find(|l| l["code"] == code).unwrap().clone();
        l["actual_year_to_date"].as_f64().or(l["actual_period"].as_f64())
    };
    let oc1 = dashboard_row(&b, "OC1").await;
    assert_ne!(figure(&approved, "OC1"), figure(&everything, "OC1"), "the demo's OC1 2026-Q1 waits for approval");
    match figure(&approved, "OC1") {
        Some(v) => assert!(oc1.contains(&format_number(v)), "{oc1}"),
        None => assert!(oc1.contains("No data"), "{oc1}"),
    }
    screenshot(&b, backend, "donor-laptop", LAPTOP, None, true).await;
    screenshot(&b, backend, "donor-phone", PHONE, None, false).await;

    // The downloads are the issued bytes: a PDF and an XLSX.
    go(&b, &app, "/projects/UZB-PSD").await;
    for (r, magic, kind) in [(pdf, &b"%PDF-"[..], "application/pdf"), (xlsx, &b"PK\x03\x04"[..], "spreadsheetml")] {
        let href = b
            .client
            .find(Locator::Css(&format!("#report-{} a", r["id"])))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        let (status, got_kind, bytes) = fetch_with_session(&b, &app, &href).await;
        assert_eq!(status, 200, "{href}");
        assert!(got_kind.contains(kind), "{got_kind}");
        assert!(bytes.starts_with(magic), "{href}");
        assert_eq!(sha256_hex(&bytes), r["sha256"].as_str().unwrap());
    }

    // Nothing else: every other page answers 403 or 404, in the browser and by direct request.
    let draft_file = format!("/projects/UZB-PSD/reports/{}/file", draft["id"]);
    let csrf = value(&b, "form[action='/sign-out'] input[name=csrf]").await;
    for (method, path, form, expected) in [
        ("GET", "/projects/UZB-PSD/progress/2026-Q1", String::new(), 403),
        ("POST", "/projects/UZB-PSD/progress/2026-Q1", format!("csrf={csrf}&intent=save"), 403),
        ("GET", "/projects/UZB-PSD/approvals", String::new(), 403),
        ("POST", "/projects/UZB-PSD/approvals", format!("csrf={csrf}&intent=approve_all"), 403),
        ("GET", "/projects/KAZ-HUB", String::new(), 404),
        ("GET", "/projects/KAZ-HUB/reports", String::new(), 404),
        ("GET", "/projects/UZB-PSD/reports", String::new(), 403),
        ("GET", "/projects/UZB-PSD/results", String::new(), 403),
        ("GET", "/projects/UZB-PSD/results/new", String::new(), 403),
        ("GET", "/projects/UZB-PSD/reports/preview?template=iptt&period=2025-Q3&lang=en", String::new(), 403),
        (
            "POST",
            "/projects/UZB-PSD/reports",
            format!("csrf={csrf}&intent=generate&template=iptt&period=2025-Q3&format=pdf&lang=en"),
            403,
        ),
        ("POST", &format!("/projects/UZB-PSD/reports/{}/issue", draft["id"]), format!("csrf={csrf}"), 404),
        ("GET", &draft_file, String::new(), 404),
    ] {
        assert_eq!(status_with_session(&b, &app, method, path, &form).await, expected, "{method} {path}");
    }
    assert_eq!(reports_of(&app, "UZB-PSD").await.len(), 3, "the donor generated nothing");
    go(&b, &app, "/projects/UZB-PSD/reports").await;
    assert!(body(&b).await.contains("Not allowed"));
    go(&b, &app, "/projects/KAZ-HUB").await;
    assert!(body(&b).await.contains("Page not found"));
    go(&b, &app, &draft_file).await;
    assert!(body(&b).await.contains("Page not found"));
    b.close().await;
}

async fn a_manager_reopens_an_approved_actual_with_a_reason(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let (_, all) = app.get("/api/v1/projects/UZB-PSD/actuals?status=approved").await;
    let newest = all.as_array().unwrap().iter().map(|a| a["period"].as_str().unwrap().to_string()).max().unwrap();
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD/approvals").await;
    let section = text(&b, "#reopen").await;
    assert!(section.contains(&format!("Which actual of {newest}?")), "the newest approved quarter first: {section}");

    // Another quarter through the picker; then the rule: a choice and a reason, next to their fields.
    let chosen =
        all.as_array().unwrap().iter().find(|a| a["period"] == "2025-Q3").expect("demo: approved 2025-Q3").clone();
    let id = chosen["id"].as_i64().unwrap();
    select(&b, "#reopen-quarter", "2025-Q3").await;
    submit(&b, "#reopen button[type=submit].secondary").await;
    assert!(path_of(&b).await.contains("reopen_quarter=2025-Q3"));
    submit(&b, "#reopen-button").await;
    assert!(text(&b, "#reopen-list-error").await.contains("Choose the approved actual"));
    assert!(text(&b, "#reopen-reason-error").await.contains("Say why"));
    assert!(text(&b, ".error-summary").await.contains("Choose the approved actual"));
    assert!(text(&b, "#reopen").await.contains("Which actual of 2025-Q3?"), "the quarter is kept");
    click(&b, &format!("#reopen-{id}")).await;
    submit(&b, "#reopen-button").await;
    assert!(b.client.find_all(Locator::Css("#reopen-list-error")).await.unwrap().is_empty());
    assert!(text(&b, "#reopen-reason-error").await.contains("Say why"));
    assert!(is_checked(&b, &format!("#reopen-{id}")).await, "the choice is kept");
    screenshot(&b, backend, "approvals-reopen-error-laptop", LAPTOP, Some("#reopen"), false).await;
    screenshot(&b, backend, "approvals-reopen-error-phone", PHONE, Some("#reopen-list"), false).await;
    fill(&b, "#reopen-reason", "The survey sample of Q3 was recounted: correct the figure").await;
    submit(&b, "#reopen-button").await;
    assert!(text(&b, ".notice").await.contains("Reopened"));
    let (_, after) = app.get(&format!("/api/v1/actuals/{id}")).await;
    assert_eq!(after["status"], "draft", "{after}");
    assert_eq!(after["status_reason"], "The survey sample of Q3 was recounted: correct the figure");
    // The same audit entry as the API's reopen, with the reason.
    let (_, audit) = app.get(&format!("/api/v1/projects/UZB-PSD/audit?entity=actual&entity_id={id}")).await;
    let entry =
        audit.as_array().unwrap().iter().find(|e| e["action"] == "reopen").unwrap_or_else(|| panic!("{audit}")).clone();
    assert_eq!(entry["reason"], "The survey sample of Q3 was recounted: correct the figure", "{entry}");
    assert!(!text(&b, "#reopen").await.contains(&format!("reopen-{id}")));
    assert!(b.client.find_all(Locator::Css(&format!("#reopen-{id}"))).await.unwrap().is_empty(), "no longer approved");

    // A stale page: reopening with the version read before is refused, nothing changes.
    let other = all.as_array().unwrap().iter().find(|a| a["period"] == "2025-Q3" && a["id"] != id).unwrap().clone();
    let csrf = value(&b, "form[action='/projects/UZB-PSD/approvals/reopen'] input[name=csrf]").await;
    let stale = format!("csrf={csrf}&actual={}:{}&reason=x", other["id"], other["version"].as_i64().unwrap() - 1);
    assert_eq!(status_with_session(&b, &app, "POST", "/projects/UZB-PSD/approvals/reopen", &stale).await, 422);
    assert_eq!(app.get(&format!("/api/v1/actuals/{}", other["id"])).await.1["status"], "approved");
    // Another project's actual through this project's page: not found.
    let (_, kaz) = app.get("/api/v1/projects/KAZ-HUB/actuals?status=approved").await;
    let k = &kaz.as_array().unwrap()[0];
    let foreign = format!("csrf={csrf}&actual={}:{}&reason=x", k["id"], k["version"]);
    assert_eq!(status_with_session(&b, &app, "POST", "/projects/UZB-PSD/approvals/reopen", &foreign).await, 404);
    sign_out(&b).await;

    // The coordinator sees why, and can correct it.
    sign_in(&b, &app, COORDINATOR).await;
    go(&b, &app, "/projects/UZB-PSD/approvals").await;
    assert!(b.client.find_all(Locator::Css("#reopen")).await.unwrap().is_empty(), "coordinators do not reopen");
    let csrf = value(&b, "form[action='/sign-out'] input[name=csrf]").await;
    let form = format!("csrf={csrf}&actual={}:{}&reason=x", other["id"], other["version"]);
    assert_eq!(status_with_session(&b, &app, "POST", "/projects/UZB-PSD/approvals/reopen", &form).await, 403);
    let ind = chosen["indicator_id"].as_i64().unwrap();
    go(&b, &app, "/projects/UZB-PSD/progress/2025-Q3").await;
    let section = text(&b, &format!("#ind-{ind}")).await;
    assert!(section.contains("Reopened by the manager: The survey sample of Q3 was recounted"), "{section}");
    assert!(
        !b.client.find_all(Locator::Css(&format!("#ind-{ind} input, #ind-{ind} textarea"))).await.unwrap().is_empty(),
        "editable again"
    );
    b.close().await;
}

/// The first result of a level in a results tree (depth first).
fn first_of_level(nodes: &Value, level: &str) -> Option<Value> {
    for n in nodes.as_array()? {
        if n["level"] == level {
            return Some(n.clone());
        }
        if let Some(found) = first_of_level(&n["children"], level) {
            return Some(found);
        }
    }
    None
}

/// What the entry page's other parts stored for UZB-PSD 2026-Q2: activity progress, the
/// narrative, the risk's update.
async fn saved_parts(app: &TestApp, rid: i64) -> (Vec<Value>, Option<Value>, Option<Value>) {
    let (_, ap) = app.get("/api/v1/projects/UZB-PSD/activity-progress?period=2026-Q2").await;
    let (_, narratives) = app.get("/api/v1/projects/UZB-PSD/narratives").await;
    let n = narratives.as_array().unwrap().iter().find(|n| n["period"] == "2026-Q2").cloned();
    let (_, risk) = app.get(&format!("/api/v1/risks/{rid}")).await;
    let u = risk["updates"].as_array().unwrap().iter().find(|u| u["period"] == "2026-Q2").cloned();
    (ap.as_array().unwrap().clone(), n, u)
}

async fn a_coordinator_reports_activities_narrative_and_risks_on_the_entry_page(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let (_, tree) = app.get("/api/v1/projects/UZB-PSD/results").await;
    let activity = first_of_level(&tree["results"], "activity").expect("demo: activities");
    let aid = activity["id"].as_i64().unwrap();
    let (_, risks) = app.get("/api/v1/projects/UZB-PSD/risks").await;
    let risk = risks.as_array().unwrap().iter().find(|r| r["status"] != "closed").unwrap().clone();
    let rid = risk["id"].as_i64().unwrap();
    let new_likelihood = if risk["likelihood"] == 5 { "4" } else { "5" };
    let op2 = indicator_id(&app, "UZB-PSD", "OP2").await;

    sign_in(&b, &app, COORDINATOR).await;
    go(&b, &app, "/projects/UZB-PSD/progress/2026-Q2").await;
    fill(&b, &format!("#v-{op2}"), "12").await;
    select(&b, &format!("#a-s-{aid}"), "completed").await;
    fill(&b, &format!("#a-p-{aid}"), "80").await;
    fill(&b, &format!("#a-n-{aid}"), "Trainers certified; the last cohort graduates in July").await;
    fill(&b, "#n-challenges", "Connectivity in the districts delayed the e-learning rollout").await;
    select(&b, &format!("#r-l-{rid}"), new_likelihood).await;
    submit(&b, "#save").await;

    // Every broken rule next to its field, in one go; nothing saved; nothing typed lost.
    let summary = text(&b, ".error-summary").await;
    assert!(summary.contains(&format!("Activity {}", activity["code"].as_str().unwrap())), "{summary}");
    assert!(summary.contains("Narrative, summary of the quarter"), "{summary}");
    assert!(summary.contains(&format!("Risk {}", risk["code"].as_str().unwrap())), "{summary}");
    assert!(text(&b, &format!("#a-p-{aid}-error")).await.contains("does not agree with status completed"));
    assert!(text(&b, "#n-summary-error").await.contains("Write a summary of the quarter"));
    assert!(text(&b, &format!("#r-note-{rid}-error")).await.contains("Write what changed"));
    assert_eq!(value(&b, &format!("#v-{op2}")).await, "12");
    assert_eq!(value(&b, &format!("#a-s-{aid}")).await, "completed");
    assert_eq!(value(&b, &format!("#a-p-{aid}")).await, "80");
    assert_eq!(value(&b, &format!("#a-n-{aid}")).await, "Trainers certified; the last cohort graduates in July");
    assert_eq!(value(&b, "#n-challenges").await, "Connectivity in the districts delayed the e-learning rollout");
    assert_eq!(value(&b, &format!("#r-l-{rid}")).await, new_likelihood);
    let (ap, n, u) = saved_parts(&app, rid).await;
    assert!(ap.is_empty() && n.is_none() && u.is_none(), "nothing saved: {ap:?} {n:?} {u:?}");
    assert!(actuals(&app, "UZB-PSD", "2026-Q2").await.is_empty(), "not even the valid actual");
    screenshot(&b, backend, "entry-parts-error-laptop", LAPTOP, Some("#activities"), false).await;
    screenshot(&b, backend, "entry-parts-error-phone", PHONE, Some(&format!("#act-{aid}")), false).await;
    screenshot(&b, backend, "entry-risks-error-laptop", LAPTOP, Some(&format!("#risk-{rid}")), false).await;

    fill(&b, &format!("#a-p-{aid}"), "100").await;
    fill(&b, "#n-summary", "Training of PSC staff continued; two districts connected").await;
    fill(&b, &format!("#r-note-{rid}"), "The new regulation was postponed to autumn").await;
    submit(&b, "#save").await;
    assert!(text(&b, ".notice").await.contains("Saved"), "{}", body(&b).await);
    let (ap, n, u) = saved_parts(&app, rid).await;
    assert_eq!(ap.len(), 1);
    assert_eq!(
        (ap[0]["result_id"].as_i64(), ap[0]["status"].as_str(), ap[0]["percent_complete"].as_i64()),
        (Some(aid), Some("completed"), Some(100))
    );
    let n = n.expect("the narrative is saved");
    assert_eq!(n["summary"], "Training of PSC staff continued; two districts connected");
    assert_eq!(n["challenges"], "Connectivity in the districts delayed the e-learning rollout");
    let u = u.expect("the risk update is saved");
    assert_eq!(u["note"], "The new regulation was postponed to autumn");
    assert_eq!(u["likelihood"].as_i64().unwrap().to_string(), new_likelihood);
    assert_eq!(actuals(&app, "UZB-PSD", "2026-Q2").await[0]["value"], 12.0);
    // The same audit entries as through the API.
    let (_, audit) = app.get("/api/v1/projects/UZB-PSD/audit?entity=narrative").await;
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "create"), "{audit}");

    // Back from the store: the values, the quarter's risk update filled in and editable; a
    // change of the activity's text saves against the version read, and a change of the risk
    // update replaces the quarter's update (`PUT /risks/{id}/updates/{period}`), no second one.
    assert_eq!(value(&b, &format!("#a-p-{aid}")).await, "100");
    assert_eq!(value(&b, "#n-summary").await, "Training of PSC staff continued; two districts connected");
    assert_eq!(value(&b, &format!("#r-note-{rid}")).await, "The new regulation was postponed to autumn");
    assert_eq!(value(&b, &format!("#r-l-{rid}")).await, new_likelihood);
    fill(&b, &format!("#a-n-{aid}"), "Trainers certified; the last cohort graduated in June").await;
    fill(&b, &format!("#r-note-{rid}"), "The regulation is now expected in October").await;
    select(&b, &format!("#r-s-{rid}"), "monitoring").await;
    submit(&b, "#save").await;
    assert!(text(&b, ".notice").await.contains("Saved"), "{}", body(&b).await);
    let (ap, _, u) = saved_parts(&app, rid).await;
    assert_eq!(ap[0]["narrative"], "Trainers certified; the last cohort graduated in June");
    assert_eq!(ap[0]["version"], 2);
    let u = u.expect("the risk update is still there");
    assert_eq!(
        (u["note"].as_str(), u["status"].as_str()),
        (Some("The regulation is now expected in October"), Some("monitoring"))
    );
    let (_, r) = app.get(&format!("/api/v1/risks/{rid}")).await;
    let q2: Vec<&Value> = r["updates"].as_array().unwrap().iter().filter(|u| u["period"] == "2026-Q2").collect();
    assert_eq!(q2.len(), 1, "one update for the quarter: {r}");
    assert_eq!(value(&b, &format!("#r-note-{rid}")).await, "The regulation is now expected in October");
    // Emptying the saved note is refused next to the field, nothing changes.
    fill(&b, &format!("#r-note-{rid}"), "").await;
    submit(&b, "#save").await;
    assert!(!text(&b, &format!("#r-note-{rid}-error")).await.is_empty());
    let (_, _, u) = saved_parts(&app, rid).await;
    assert_eq!(u.unwrap()["note"], "The regulation is now expected in October");
    screenshot(&b, backend, "entry-parts-laptop", LAPTOP, Some("#activities"), false).await;
    sign_out(&b).await;

    // The manager reads the same, without inputs.
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD/progress/2026-Q2").await;
    let page = text(&b, "#narrative").await;
    assert!(page.contains("Training of PSC staff continued"), "{page}");
    assert!(text(&b, &format!("#act-{aid}")).await.contains("Completed · 100 % complete"));
    assert!(b.client.find_all(Locator::Css("#n-summary, #save")).await.unwrap().is_empty());
    b.close().await;
}

async fn a_coordinator_keeps_the_results_framework(backend: Backend) {
    let _one = BROWSER_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some((app, b)) = setup(backend).await else { return };
    let (_, tree) = app.get("/api/v1/projects/UZB-PSD/results").await;
    let output = first_of_level(&tree["results"], "output").expect("demo: an output");
    let (oid, ocode) = (output["id"].as_i64().unwrap(), output["code"].as_str().unwrap().to_string());
    let op2 = indicator_id(&app, "UZB-PSD", "OP2").await;

    sign_in(&b, &app, COORDINATOR).await;
    go(&b, &app, "/projects/UZB-PSD").await;
    click(&b, "a[href='/projects/UZB-PSD/results']").await;
    // The tree with indicators, baselines and targets, as the API has them.
    let row = text(&b, &format!("#indicator-{op2}")).await;
    let (_, ind) = app.get(&format!("/api/v1/indicators/{op2}")).await;
    for t in ind["targets"].as_array().unwrap() {
        let period = if t["period"] == "LOP" {
            "Life of project".to_string()
        } else {
            t["period"].as_str().unwrap().to_string()
        };
        assert!(row.contains(&period), "{period} in {row}");
    }
    assert!(text(&b, &format!("#result-{oid}")).await.contains(&ocode));
    screenshot(&b, backend, "framework-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "framework-phone", PHONE, Some(&format!("#result-{oid}")), false).await;

    // A result below the output: the API's rules next to their fields, the form kept.
    click(&b, &format!("a[href='/projects/UZB-PSD/results/new?parent={oid}']")).await;
    assert_eq!(value(&b, "#parent").await, oid.to_string());
    assert_eq!(value(&b, "#level").await, "activity_result", "the level below the parent's");
    select(&b, "#level", "outcome").await;
    fill(&b, "#code", &ocode).await;
    fill(&b, "#description", "Regional roll-out of the e-learning courses").await;
    submit(&b, "#save").await;
    assert!(text(&b, "#level-error").await.contains("cannot sit under"), "{}", body(&b).await);
    assert!(text(&b, "#title-error").await.contains("Enter the title"));
    assert!(text(&b, ".error-summary").await.contains("Level: a result of level outcome cannot sit under"));
    assert_eq!(value(&b, "#code").await, ocode, "the form is kept");
    assert_eq!(value(&b, "#description").await, "Regional roll-out of the e-learning courses");
    assert_eq!(value(&b, "#level").await, "outcome");
    screenshot(&b, backend, "result-form-error-laptop", LAPTOP, None, false).await;
    screenshot(&b, backend, "result-form-error-phone", PHONE, None, false).await;
    select(&b, "#level", "activity_result").await;
    fill(&b, "#title", "Courses rolled out in the regions").await;
    submit(&b, "#save").await;
    assert!(text(&b, "#code-error").await.contains("already has a result with code"));
    let new_code = format!("{ocode}.9");
    fill(&b, "#code", &new_code).await;
    submit(&b, "#save").await;
    assert!(text(&b, ".notice").await.contains(&format!("Saved result {new_code}")));
    let (_, tree) = app.get("/api/v1/projects/UZB-PSD/results").await;
    let added = find_code(&tree["results"], &new_code).expect("the result is stored");
    assert_eq!((added["level"].as_str(), added["parent_id"].as_i64()), (Some("activity_result"), Some(oid)));
    let rid = added["id"].as_i64().unwrap();

    // An indicator of it.
    click(&b, &format!("a[href='/projects/UZB-PSD/indicators/new?result={rid}']")).await;
    assert_eq!(value(&b, "#result").await, rid.to_string());
    fill(&b, "#code", "OP9").await;
    fill(&b, "#title", "Regional staff who completed a course").await;
    fill(&b, "#unit", "persons").await;
    fill(&b, "#baseline-value", "twelve").await;
    fill(&b, "#disaggregations", "sex: women").await;
    submit(&b, "#save").await;
    assert!(text(&b, "#baseline-value-error").await.contains("Enter a number"));
    fill(&b, "#baseline-value", "12").await;
    submit(&b, "#save").await;
    assert!(text(&b, "#disaggregations-error").await.contains("at least two values"), "{}", body(&b).await);
    assert_eq!(value(&b, "#title").await, "Regional staff who completed a course");
    assert_eq!(value(&b, "#baseline-value").await, "12");
    screenshot(&b, backend, "indicator-form-error-laptop", LAPTOP, Some("#disaggregations"), false).await;
    fill(&b, "#disaggregations", "sex: women, men").await;
    submit(&b, "#save").await;
    assert!(text(&b, ".notice").await.contains("Saved indicator OP9"));
    let new_ind = indicator_id(&app, "UZB-PSD", "OP9").await;
    let (_, ind) = app.get(&format!("/api/v1/indicators/{new_ind}")).await;
    assert_eq!(ind["baseline_value"], 12.0);
    assert_eq!(ind["disaggregations"], json!([{"name": "sex", "values": ["women", "men"]}]));

    // Its targets: a period outside the project is refused next to it, then saved; a change
    // saves against the version read.
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{new_ind}")).await;
    fill(&b, "#t-period-new", "2031").await;
    fill(&b, "#t-value-new", "40").await;
    submit(&b, "#save-targets").await;
    assert!(text(&b, "#t-period-new-error").await.contains("outside the project dates"));
    assert_eq!(value(&b, "#t-value-new").await, "40", "kept");
    screenshot(&b, backend, "targets-error-laptop", LAPTOP, Some("#targets"), false).await;
    fill(&b, "#t-period-new", "2026").await;
    submit(&b, "#save-targets").await;
    assert!(text(&b, ".notice").await.contains("Saved 1 target of indicator OP9"));
    let (_, ind) = app.get(&format!("/api/v1/indicators/{new_ind}")).await;
    let target = ind["targets"][0].clone();
    assert_eq!((target["period"].as_str(), target["value"].as_f64()), (Some("2026"), Some(40.0)));
    go(&b, &app, &format!("/projects/UZB-PSD/indicators/{new_ind}")).await;
    fill(&b, &format!("#t-value-{}", target["id"]), "45").await;
    submit(&b, "#save-targets").await;
    let (_, ind) = app.get(&format!("/api/v1/indicators/{new_ind}")).await;
    assert_eq!((ind["targets"][0]["value"].as_f64(), ind["targets"][0]["version"].as_i64()), (Some(45.0), Some(2)));
    assert!(text(&b, &format!("#indicator-{new_ind}")).await.contains("2026: 45"));
    screenshot(&b, backend, "framework-saved-laptop", LAPTOP, Some(&format!("#result-{rid}")), false).await;
    sign_out(&b).await;

    // A manager reads the framework; editing is the coordinators'.
    sign_in(&b, &app, MANAGER).await;
    go(&b, &app, "/projects/UZB-PSD/results").await;
    assert!(body(&b).await.contains("OP9"));
    assert!(b.client.find_all(Locator::Css(".edit-links")).await.unwrap().is_empty());
    for path in ["/projects/UZB-PSD/results/new".to_string(), format!("/projects/UZB-PSD/indicators/{new_ind}")] {
        assert_eq!(status_with_session(&b, &app, "GET", &path, "").await, 403, "{path}");
    }
    b.close().await;
}

/// A result of a code in a results tree.
fn find_code(nodes: &Value, code: &str) -> Option<Value> {
    for n in nodes.as_array()? {
        if n["code"] == code {
            return Some(n.clone());
        }
        if let Some(found) = find_code(&n["children"], code) {
            return Some(found);
        }
    }
    None
}

on_both_backends!(
    anonymous_requests_go_to_sign_in_and_come_back,
    each_role_signs_in_and_sees_its_projects,
    coordinator_fixes_a_disaggregation_submits_and_the_manager_approves,
    a_cross_site_form_post_is_refused,
    a_manager_approves_the_whole_queue,
    a_manager_previews_generates_downloads_and_issues_a_report,
    a_donor_downloads_issued_reports_and_reaches_nothing_else,
    a_manager_reopens_an_approved_actual_with_a_reason,
    a_coordinator_reports_activities_narrative_and_risks_on_the_entry_page,
    a_coordinator_keeps_the_results_framework,
);
