//! Times the work plan, expenditures, receipts and exchange-rate pages: the real server
//! (in this process, one worker) answering GETs over the loopback, so each figure is the
//! page's use case, its rendering and the HTTP round trip (goal: the AWP page of a 2 000-line
//! plan under 200 ms, the other pages under 50 ms on the demo data).
//!
//! ```sh
//! cargo bench --bench web_awp        # SQLite (a file in the temp directory)
//! ```
//!
//! The demo data is loaded, then a copy of the Kazakhstan project (`KAZ-AWP`) gets a draft
//! 2013 plan of 2 000 lines over its activities through the store's use cases. Pages are
//! read as the demo administrator (who may edit: the draft shows every new-line row).
//! Each figure is the median of the runs, after one warm-up request.

use rbm::db::Db;
use rbm::error::AppError;
use rbm::store::audit::Actor;
use rbm::store::workplans::{self, ActivityInput, BudgetLineInput, WorkPlanInput};
use std::net::TcpListener;
use std::time::{Duration, Instant};

const LINES: usize = 2_000;
const RUNS: usize = 21;

/// The Kazakhstan project again as `KAZ-AWP` (no plans, receipts or monitoring data).
fn load_project(db: &Db) -> Result<(), AppError> {
    let mut doc: serde_json::Value = serde_json::from_str(include_str!("../seeds/kaz-hub.json")).expect("seed is JSON");
    doc.as_object_mut().unwrap().remove("funding_sources");
    doc.as_object_mut().unwrap().remove("exchange_rates");
    let p = &mut doc["projects"][0];
    p["code"] = "KAZ-AWP".into();
    p["award_id"] = "00099999".into();
    for k in ["work_plans", "receipts", "iati_activity_prefix"] {
        p.as_object_mut().unwrap().remove(k);
    }
    let doc = rbm::seeds::parse(&doc.to_string())?;
    rbm::seeds::load(db, &doc, rbm::seeds::OnExisting::Fail)?;
    Ok(())
}

/// A draft 2013 plan of `LINES` lines spread over every activity of the project.
fn build_plan(db: &Db) -> Result<(), AppError> {
    use rbm::store::{accounts, funding, projects, results};
    db.tx_blocking(|c| {
        let system = Actor::system();
        let project = projects::find(c, "KAZ-AWP")?;
        let plan = workplans::create(
            c,
            &system,
            project.id,
            &WorkPlanInput {
                year: 2013,
                title: Some("Bench".into()),
                document_total_minor: None,
                notes: None,
                version: None,
            },
        )?;
        let mut activities = vec![];
        for r in
            results::list(c, project.id)?.into_iter().filter(|r| r.level == rbm::domain::results::ResultLevel::Activity)
        {
            let input = ActivityInput {
                result_id: r.id,
                quarters: vec![1, 2],
                responsible_party: "ACSA, UNDP".into(),
                version: None,
            };
            activities.push(workplans::add_activity(c, &system, plan.id, &input)?.id);
        }
        let sources: Vec<i64> =
            funding::list_contributions(c, project.id)?.into_iter().map(|k| k.funding_source_id).collect();
        let accounts: Vec<String> =
            accounts::list(c)?.into_iter().filter(|a| a.eu_heading != 7).map(|a| a.code).take(8).collect();
        for i in 0..LINES {
            let amount = 100_000 + (i as i64 * 7_919) % 900_000;
            let input = BudgetLineInput {
                activity_id: Some(activities[i % activities.len()]),
                funding_source_id: sources[i % sources.len()],
                account_code: accounts[i % accounts.len()].clone(),
                description: format!("Bench line {i}: contracts, travel and workshops"),
                amount_minor: amount,
                currency: project.currency.clone(),
                phasing: (i % 3 == 0).then(|| [amount / 2, amount - amount / 2, 0, 0]),
                version: None,
            };
            workplans::add_line(c, &system, plan.id, &input)?;
        }
        println!("plan: {LINES} lines over {} activities", activities.len());
        Ok(())
    })
}

async fn time_page(client: &awc::Client, base: &str, cookie: &str, path: &str) -> (Duration, usize) {
    let mut times = vec![];
    let mut size = 0;
    for i in 0..=RUNS {
        let t = Instant::now();
        let mut res = client
            .get(format!("{base}{path}"))
            .insert_header(("Cookie", format!("rbm_session={cookie}")))
            .send()
            .await
            .expect("request");
        let body = res.body().limit(64 * 1024 * 1024).await.expect("body");
        let elapsed = t.elapsed();
        assert_eq!(res.status().as_u16(), 200, "{path}: {}", String::from_utf8_lossy(&body));
        size = body.len();
        if i > 0 {
            times.push(elapsed);
        }
    }
    times.sort();
    (times[times.len() / 2], size)
}

fn main() {
    let path = std::env::temp_dir().join(format!("rbm_bench_web_awp_{}.db", std::process::id()));
    let url = path.to_string_lossy().into_owned();
    let db = Db::connect(&url, 4).expect("database");
    rbm::seeds::load_demo(&db).expect("demo data");
    load_project(&db).expect("KAZ-AWP");
    let t = Instant::now();
    build_plan(&db).expect("plan");
    println!("built in {:.1} s", t.elapsed().as_secs_f64());

    actix_rt::System::new().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").expect("port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let options = rbm::startup::ServerOptions { workers: Some(1), ..Default::default() };
        let server = rbm::startup::run(listener, db.clone(), options).expect("server");
        actix_rt::spawn(server);
        let client = awc::Client::builder().timeout(Duration::from_secs(60)).finish();
        let mut res = client
            .post(format!("{base}/api/v1/auth/login"))
            .send_json(&serde_json::json!({"email": "admin@rbm.example", "password": "demo-admin-2025"}))
            .await
            .expect("login");
        let v: serde_json::Value = res.json().await.expect("login answer");
        let token = v["token"].as_str().expect("a session token").to_string();
        for (label, page) in [
            ("AWP page, 2 000-line draft (KAZ-AWP 2013)", "/projects/KAZ-AWP/work-plans/2013"),
            ("AWP page, demo plan (KAZ-HUB 2013)", "/projects/KAZ-HUB/work-plans/2013"),
            ("work plans by year (KAZ-HUB)", "/projects/KAZ-HUB/work-plans"),
            ("expenditures (KAZ-HUB, all)", "/projects/KAZ-HUB/expenditures"),
            ("expenditures (UZB-PSD, all)", "/projects/UZB-PSD/expenditures"),
            ("receipts (KAZ-HUB)", "/projects/KAZ-HUB/receipts"),
            ("exchange rates (all, with the reports that used them)", "/exchange-rates"),
        ] {
            let (median, size) = time_page(&client, &base, &token, page).await;
            println!("{label}: median {:.1} ms ({} KiB)", median.as_secs_f64() * 1000.0, size / 1024);
        }
    });
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{url}{suffix}"));
    }
}
