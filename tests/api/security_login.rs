//! Threat model: password guessing against `POST /auth/login`.
//!
//! - a burst of simultaneous guesses must not pass a limit checked before any of them failed
//!   (each attempt is counted before its hash is computed);
//! - password hashes in flight are bounded (memory): the excess is answered at once;
//! - five wrong passwords from someone else must not lock the account's owner out
//!   (limits per account x address pair and per address; per account only a high ceiling);
//! - `X-Forwarded-For` is believed only from a configured trusted proxy.

use crate::helpers::{Backend, TEST_ADMIN_PASSWORD, TestApp};
use rbm::auth::LoginPolicy;
use rbm::startup::ServerOptions;
use serde_json::json;
use std::time::Duration;

const ADMIN: &str = "admin@test.example";

/// One login; the status and the Retry-After header (seconds) when there is one.
async fn login(
    client: &awc::Client,
    app: &str,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> (u16, Option<u64>) {
    let mut req = client.post(format!("{app}/api/v1/auth/login")).insert_header(("Content-Type", "application/json"));
    if let Some(f) = forwarded_for {
        req = req.insert_header(("X-Forwarded-For", f));
    }
    let res = req.send_body(json!({"email": email, "password": password}).to_string()).await.expect("login answers");
    let retry = res.headers().get("Retry-After").map(|v| v.to_str().unwrap().parse().unwrap());
    (res.status().as_u16(), retry)
}

/// A client that really opens that many connections at once (awc's default is 100).
fn wide_client() -> awc::Client {
    awc::Client::builder().connector(awc::Connector::new().limit(512)).timeout(Duration::from_secs(120)).finish()
}

/// Sends `n` logins at once; `who(i)` gives the email and X-Forwarded-For of the i-th.
async fn burst(app: &TestApp, n: usize, who: impl Fn(usize) -> (String, Option<String>)) -> Vec<(u16, Option<u64>)> {
    let client = wide_client();
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (client, address, (email, fwd)) = (client.clone(), app.address.clone(), who(i));
            actix_rt::spawn(
                async move { login(&client, &address, &email, "wrong-password-guess", fwd.as_deref()).await },
            )
        })
        .collect();
    let mut out = vec![];
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

fn count(results: &[(u16, Option<u64>)], status: u16) -> usize {
    results.iter().filter(|(s, _)| *s == status).count()
}

/// Every answer is 401 (evaluated), or refused at once with 429/503 and a Retry-After.
fn assert_only_evaluated_or_refused(results: &[(u16, Option<u64>)]) {
    for (status, retry) in results {
        match status {
            401 => {}
            429 | 503 => assert!(retry.is_some_and(|r| r >= 1), "{status} without Retry-After"),
            other => panic!("unexpected {other}"),
        }
    }
}

async fn a_burst_from_one_address_is_counted_before_hashing(backend: Backend) {
    // Hashing slots for more than the limit, so that only the limiter can hold the burst.
    let options = ServerOptions { workers: Some(2), hashes_in_flight: Some(32), ..Default::default() };
    let Some(app) = TestApp::spawn_with_options(backend, options).await else { return };
    // 128 simultaneous guesses at 128 accounts from one address: the address allows 20.
    let results = burst(&app, 128, |i| (format!("user{i}@guess.example"), None)).await;
    assert_only_evaluated_or_refused(&results);
    let evaluated = count(&results, 401);
    assert!(evaluated <= 20, "{evaluated} of 128 simultaneous guesses were evaluated against a limit of 20");
    assert_eq!(count(&results, 503), 0, "no more reserved attempts than hashing slots");
    // Sequential guesses reach exactly 20 evaluated in all, then 429.
    let client = wide_client();
    let mut total = evaluated;
    for i in 0..40 {
        let (status, retry) = login(&client, &app.address, &format!("late{i}@guess.example"), "x-x-x-x-x", None).await;
        match status {
            401 => total += 1,
            429 => {
                assert!(retry.is_some_and(|r| (1..=15 * 60).contains(&r)), "{retry:?}");
                break;
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!(total, 20, "exactly the address's allowance is evaluated");
}

async fn simultaneous_guesses_at_one_account_stop_at_the_pair_limit(backend: Backend) {
    let Some(app) = TestApp::spawn_with_options(
        backend,
        ServerOptions { workers: Some(2), hashes_in_flight: Some(64), ..Default::default() },
    )
    .await
    else {
        return;
    };
    // 48 at once at one account from one address: the pair allows 5, even with hashing
    // slots for all of them.
    let results = burst(&app, 48, |_| (ADMIN.to_string(), None)).await;
    assert_only_evaluated_or_refused(&results);
    assert!(count(&results, 401) <= 5, "{} of 48 evaluated against a limit of 5", count(&results, 401));
    assert_eq!(count(&results, 503), 0, "enough hashing slots: the limiter alone refused");
    // The owner, from this address, waits too ...
    let (status, _) = login(&app.client, &app.address, ADMIN, TEST_ADMIN_PASSWORD, None).await;
    assert_eq!(status, 429);
}

async fn hashes_in_flight_are_bounded(backend: Backend) {
    let Some(app) = TestApp::spawn_with_options(
        backend,
        ServerOptions {
            workers: Some(2),
            hashes_in_flight: Some(2),
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
            ..Default::default()
        },
    )
    .await
    else {
        return;
    };
    // 64 guesses from 64 addresses: no limit applies, but only 2 hashes run at once; the
    // rest is answered 503 at once and not counted against anyone.
    let results = burst(&app, 64, |i| (format!("u{i}@guess.example"), Some(format!("198.51.100.{i}")))).await;
    assert_only_evaluated_or_refused(&results);
    assert!(count(&results, 503) > 0, "some found no free hashing slot: {results:?}");
    assert_eq!(count(&results, 429), 0);
    assert!(app.login(ADMIN, TEST_ADMIN_PASSWORD).await.starts_with("rbm_"), "the owner logs in afterwards");
}

async fn wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(backend: Backend) {
    let policy = LoginPolicy { per_account: 12, ..LoginPolicy::default() };
    let Some(app) = TestApp::spawn_with_options(
        backend,
        ServerOptions {
            workers: Some(2),
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
            login_policy: Some(policy),
            ..Default::default()
        },
    )
    .await
    else {
        return;
    };
    let c = &app.client;
    let attacker = Some("203.0.113.66");
    for _ in 0..5 {
        assert_eq!(login(c, &app.address, ADMIN, "guess-guess", attacker).await.0, 401);
    }
    let (status, retry) = login(c, &app.address, ADMIN, TEST_ADMIN_PASSWORD, attacker).await;
    assert_eq!(status, 429, "the attacker's pair waits, even with the right password");
    assert!(retry.is_some_and(|r| r >= 1));
    // The owner, from their own address, is not locked out ...
    let owner = Some("198.51.100.7");
    assert_eq!(login(c, &app.address, ADMIN, TEST_ADMIN_PASSWORD, owner).await.0, 200);
    // ... and a few typos of their own do not add up with the attacker's guesses.
    for _ in 0..4 {
        assert_eq!(login(c, &app.address, ADMIN, "typo", owner).await.0, 401);
    }
    assert_eq!(login(c, &app.address, ADMIN, TEST_ADMIN_PASSWORD, owner).await.0, 200);

    // A spoofed entry left of what the proxy appended is not believed: this is still the
    // attacker's address, still waiting.
    let spoofed = Some("198.51.100.7, 203.0.113.66");
    assert_eq!(login(c, &app.address, ADMIN, TEST_ADMIN_PASSWORD, spoofed).await.0, 429);

    // Guesses spread over many addresses meet the per-account ceiling (12 here; 100 by
    // default): 9 failures so far, 3 more and then everyone waits.
    for i in 0..3 {
        assert_eq!(login(c, &app.address, ADMIN, "guess", Some(&format!("192.0.2.{i}"))).await.0, 401);
    }
    assert_eq!(login(c, &app.address, ADMIN, TEST_ADMIN_PASSWORD, Some("192.0.2.200")).await.0, 429);
}

async fn forwarded_for_is_ignored_without_a_trusted_proxy(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    // A client varying X-Forwarded-For is still one address: 20 failures, then 429.
    for i in 0..20 {
        let fwd = format!("10.1.2.{i}");
        let (status, _) = login(&app.client, &app.address, &format!("a{i}@x.example"), "guess", Some(&fwd)).await;
        assert_eq!(status, 401);
    }
    let (status, _) = login(&app.client, &app.address, "b@x.example", "guess", Some("10.9.9.9")).await;
    assert_eq!(status, 429);
}

crate::on_both_backends!(
    a_burst_from_one_address_is_counted_before_hashing,
    simultaneous_guesses_at_one_account_stop_at_the_pair_limit,
    hashes_in_flight_are_bounded,
    wrong_passwords_from_elsewhere_do_not_lock_the_owner_out,
    forwarded_for_is_ignored_without_a_trusted_proxy,
);
