//! One `Settings` for every subcommand: the bare `rbm` honours `RBM_BIND` and `RBM_WORKERS`,
//! and `rbm --bind ADDR` works without `serve` (a flag beats the environment).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The built `rbm` binary, running in a scratch directory of its own.
pub(crate) struct Rbm {
    child: Option<Child>,
    pub(crate) dir: PathBuf,
}

impl Rbm {
    pub(crate) fn spawn(args: &[&str], env: &[(&str, &str)]) -> Rbm {
        let dir = std::env::temp_dir().join(format!("rbm_settings_{}_{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rbm"));
        for var in ["DATABASE_URL", "RBM_BIND", "RBM_WORKERS", "RBM_TEMPLATES_DIR", "RBM_DEMO"] {
            cmd.env_remove(var);
        }
        let child = cmd
            .args(args)
            .envs(env.iter().copied())
            .env("RUST_LOG", "info")
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rbm starts");
        Rbm { child: Some(child), dir }
    }

    /// Stops the server and returns what it printed.
    pub(crate) fn stop(mut self) -> Output {
        let mut child = self.child.take().unwrap();
        let _ = child.kill();
        child.wait_with_output().unwrap()
    }

    /// Waits for `rbm` to exit by itself (killed after 30 s).
    pub(crate) fn finish(mut self) -> Output {
        let child = self.child.as_mut().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        self.stop()
    }
}

impl Drop for Rbm {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// GET /healthz until it answers (the bare `rbm` loads the demo data first).
pub(crate) async fn healthz(address: &str) -> serde_json::Value {
    let client = awc::Client::default();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(mut res) = client.get(format!("http://{address}/healthz")).send().await
            && res.status() == 200
        {
            return res.json().await.unwrap();
        }
        assert!(Instant::now() < deadline, "no answer on {address}");
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_rt::test]
async fn bare_rbm_honours_rbm_bind_and_rbm_workers() {
    let address = format!("127.0.0.1:{}", free_port());
    let rbm = Rbm::spawn(&[], &[("RBM_BIND", &address), ("RBM_WORKERS", "3")]);
    let health = healthz(&address).await;
    assert_eq!((health["status"].as_str(), health["database"].as_str()), (Some("ok"), Some("sqlite")));
    assert!(rbm.dir.join("rbm.db").is_file(), "the default database is rbm.db in the working directory");
    let out = rbm.stop();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("rbm serving on http://{address}")), "{stdout}");
    assert!(stderr.contains("starting 3 workers"), "{stderr}");
}

#[actix_rt::test]
async fn bind_and_workers_flags_without_serve_beat_the_environment() {
    let address = format!("127.0.0.1:{}", free_port());
    let rbm = Rbm::spawn(
        &["--bind", &address, "--workers", "1", "--no-demo", "--database", "flags.db"],
        &[("RBM_BIND", "127.0.0.1:1"), ("RBM_WORKERS", "4")],
    );
    healthz(&address).await;
    assert!(rbm.dir.join("flags.db").is_file());
    let out = rbm.stop();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("starting 1 workers"), "{stderr}");
    assert!(!stderr.contains("loaded demo projects"), "--no-demo: {stderr}");
}

#[test]
fn bad_thresholds_are_refused_before_anything_starts() {
    let rbm = Rbm::spawn(&["serve", "--needs-attention-pct", "95", "--no-demo"], &[]);
    let out = rbm.finish();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("--needs-attention-pct must be between 0 and --on-track-pct"), "{stderr}");
}
