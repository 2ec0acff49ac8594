//! Upgrades keep data: a database made by any earlier release (0.1.0, 0.2.0, 0.3.0, 0.4.0) migrates forward
//! with nothing lost. The fixtures were made by each release's binary itself (see
//! tests/fixtures/README.md): its demo data, and the answers its API gave on them.

use crate::helpers::{Backend, TestApp, TestDb, fixtures_dir, table_counts};
use serde_json::Value;

crate::on_both_backends!(
    a_database_of_release_0_1_0_migrates_forward_with_nothing_lost,
    a_database_of_release_0_2_0_migrates_forward_with_nothing_lost,
    a_database_of_release_0_3_0_migrates_forward_with_nothing_lost,
    a_database_of_release_0_4_0_migrates_forward_with_nothing_lost
);

async fn a_database_of_release_0_1_0_migrates_forward_with_nothing_lost(backend: Backend) {
    migrates_forward_with_nothing_lost(backend, "0.1.0").await;
}

async fn a_database_of_release_0_2_0_migrates_forward_with_nothing_lost(backend: Backend) {
    migrates_forward_with_nothing_lost(backend, "0.2.0").await;
}

async fn a_database_of_release_0_3_0_migrates_forward_with_nothing_lost(backend: Backend) {
    migrates_forward_with_nothing_lost(backend, "0.3.0").await;
}

async fn a_database_of_release_0_4_0_migrates_forward_with_nothing_lost(backend: Backend) {
    migrates_forward_with_nothing_lost(backend, "0.4.0").await;
}

/// `old` is contained in `new`: every field the old release sent is still there with the
/// same value (a newer release may add fields, never drop or change one).
fn contained(old: &Value, new: &Value, path: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            for (k, v) in o {
                match n.get(k) {
                    Some(nv) => contained(v, nv, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k} is gone")),
                }
            }
        }
        (Value::Array(o), Value::Array(n)) => {
            if o.len() != n.len() {
                out.push(format!("{path}: {} items before, {} after", o.len(), n.len()));
            }
            for (i, (a, b)) in o.iter().zip(n).enumerate() {
                contained(a, b, &format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        // A timestamp may gain its UTC offset; the instant must stay.
        (Value::String(a), Value::String(b)) if utc(a) == utc(b) => {}
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: {a} before, {b} after")),
    }
}

/// The figures a deliberate change of a computation rule (README, progress rules) gives
/// differently, taken out of an old answer before the comparison; the stored data behind them
/// (numerator, denominator, the period's rate) must still be the same.
/// - 0.2.0: a percentage's year-to-date and cumulative rates are summed numerators over summed
///   denominators of their span (0.1.0 took the last quarter's rate), so its % of the year's and
///   life-of-project targets, its status and the progress summary's counts follow.
fn without_changed_rules(release: &str, mut answer: Value) -> Value {
    if release != "0.1.0" {
        return answer;
    }
    let derived = [
        "actual_cumulative",
        "actual_year_to_date",
        "percent_of_year_target",
        "percent_of_lop_target",
        "status",
        "status_basis",
    ];
    if let Some(indicators) = answer.get_mut("indicators").and_then(Value::as_array_mut) {
        for i in indicators.iter_mut().filter(|i| i["measure"] == "percentage") {
            let line = i.as_object_mut().expect("an indicator line");
            assert!(line.contains_key("numerator") && line.contains_key("actual_period"));
            for key in derived {
                line.remove(key);
            }
        }
        answer.as_object_mut().expect("a progress answer").remove("summary");
    }
    answer
}

fn utc(s: &str) -> &str {
    s.strip_suffix('Z').or_else(|| s.strip_suffix("+00:00")).unwrap_or(s)
}

async fn migrates_forward_with_nothing_lost(backend: Backend, release: &str) {
    let Some((test_db, before)) = TestDb::from_fixture(backend, release) else { return };
    let after = table_counts(backend, &test_db.url());
    assert!(before.len() >= 20 && before.values().sum::<i64>() > 1_000, "the fixture holds the demo data: {before:?}");
    for (table, n) in &before {
        assert_eq!(after.get(table), Some(n), "rows of {table} after the upgrade");
    }
    let app = TestApp::spawn_on(test_db).await.unwrap();

    // The demo users of the old database still sign in with their passwords.
    let coordinator = app.login("coordinator@rbm.example", "demo-coordinator-2025").await;
    assert!(!coordinator.is_empty());

    // What the old release answered, this one still answers (fields may be added).
    let answers: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures_dir().join(format!(
            "rbm-{release}.{}.answers.json",
            match backend {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            }
        )))
        .expect("recorded answers"),
    )
    .unwrap();
    let answers = answers.as_object().expect("path -> answer");
    assert!(answers.len() >= 4);
    let mut differences = vec![];
    for (path, old) in answers {
        let (status, new) = app.get(path).await;
        assert_eq!(status, 200, "GET {path}: {new}");
        let old = without_changed_rules(release, old.clone());
        contained(&old, &new, path, &mut differences);
    }
    assert!(differences.is_empty(), "the upgrade changed data:\n{}", differences.join("\n"));
}
