//! Settings: built once, by clap, from the command line, the environment and the defaults (a
//! flag beats its environment variable, which beats the default), for every subcommand
//! including the bare `rbm`. Nothing else reads the configuration.

use crate::domain::progress::Thresholds;
use crate::error::AppError;
use std::path::PathBuf;

/// Where the embedded default keeps its data: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "rbm.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Seconds a client has to send its request headers, and again its body.
pub const DEFAULT_CLIENT_TIMEOUT_SECS: u64 = 10;
/// Largest JSON body accepted by any endpoint.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Every setting of `rbm`. The options are global: `rbm --bind ADDR` and
/// `rbm serve --bind ADDR` are the same.
#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct Settings {
    /// Database: a SQLite file path (default, created if missing) or postgres://user@host/db
    #[arg(long = "database", value_name = "URL", global = true, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Address to listen on
    #[arg(long, global = true, env = "RBM_BIND", default_value = DEFAULT_BIND, help_heading = "Server")]
    pub bind: String,
    /// HTTP worker threads (default: one per core)
    #[arg(long, global = true, env = "RBM_WORKERS", help_heading = "Server")]
    pub workers: Option<usize>,
    /// Do not load the demo data into an empty database
    #[arg(long, global = true, help_heading = "Server", conflicts_with = "demo")]
    pub no_demo: bool,
    /// Load the demo data (with its published passwords) into an empty PostgreSQL database too
    /// (SQLite gets it by default); never into a database that has users or projects
    #[arg(long, global = true, env = "RBM_DEMO", action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new(), help_heading = "Server")]
    pub demo: bool,
    /// Indicator status: on track at or above this % of the (prorated) target
    #[arg(long, global = true, env = "RBM_ON_TRACK_PCT", default_value_t = 90.0, help_heading = "Server")]
    pub on_track_pct: f64,
    /// Indicator status: needs attention at or above this %, off track below
    #[arg(long, global = true, env = "RBM_NEEDS_ATTENTION_PCT", default_value_t = 60.0, help_heading = "Server")]
    pub needs_attention_pct: f64,
    /// Seconds a client has to send its request headers, and again its body (slow clients are cut off: 408)
    #[arg(long = "client-timeout", global = true, env = "RBM_CLIENT_TIMEOUT", default_value_t = DEFAULT_CLIENT_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..=3600), help_heading = "Server")]
    pub client_timeout_secs: u64,
    /// Open connections per worker thread, at most (beyond it new connections wait in the backlog)
    #[arg(
        long = "max-connections",
        global = true,
        env = "RBM_MAX_CONNECTIONS",
        default_value_t = 2048,
        help_heading = "Server"
    )]
    pub max_connections: usize,
    /// Report templates folder (the shipped templates are compiled in for when it is absent)
    #[arg(long, global = true, env = "RBM_TEMPLATES_DIR", default_value = "report_templates")]
    pub templates_dir: PathBuf,
    /// Reverse proxy address(es), comma-separated, whose X-Forwarded-For names the client (login limits)
    #[arg(
        long = "trusted-proxy",
        global = true,
        env = "RBM_TRUSTED_PROXY",
        value_delimiter = ',',
        help_heading = "Server"
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Database connections in the pool.
    #[arg(skip = 8u32)]
    pub pool_size: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: DEFAULT_DATABASE_URL.to_string(),
            bind: DEFAULT_BIND.to_string(),
            workers: None,
            no_demo: false,
            demo: false,
            on_track_pct: 90.0,
            needs_attention_pct: 60.0,
            templates_dir: "report_templates".into(),
            client_timeout_secs: DEFAULT_CLIENT_TIMEOUT_SECS,
            max_connections: 2048,
            trusted_proxies: vec![],
            pool_size: 8,
        }
    }
}

impl Settings {
    /// The indicator status thresholds, checked.
    pub fn thresholds(&self) -> Result<Thresholds, AppError> {
        let (on_track, needs_attention) = (self.on_track_pct, self.needs_attention_pct);
        if !(0.0..=1000.0).contains(&needs_attention) || on_track.is_nan() || needs_attention > on_track {
            return Err(AppError::Config("--needs-attention-pct must be between 0 and --on-track-pct".into()));
        }
        Ok(Thresholds { on_track, needs_attention })
    }

    /// Whether `rbm serve` may load the demo data into an empty database of this backend: on
    /// SQLite unless `--no-demo`, on PostgreSQL (production) only with `--demo` / `RBM_DEMO=1`.
    pub fn demo_wanted(&self, backend: crate::db::Backend) -> bool {
        !self.no_demo && (self.demo || backend == crate::db::Backend::Sqlite)
    }

    pub fn templates(&self) -> crate::reports::templates::Templates {
        crate::reports::templates::Templates::new(Some(self.templates_dir.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
        #[command(subcommand)]
        command: Option<Command>,
    }

    #[derive(clap::Subcommand)]
    enum Command {
        Serve,
        Migrate,
    }

    fn parse(args: &[&str]) -> Settings {
        Cli::try_parse_from(std::iter::once("rbm").chain(args.iter().copied())).unwrap().settings
    }

    #[test]
    fn the_same_options_before_or_after_the_subcommand() {
        let bare = parse(&["--bind", "127.0.0.1:9000", "--workers", "3", "--database", "x.db"]);
        assert_eq!((bare.bind.as_str(), bare.workers, bare.database_url.as_str()), ("127.0.0.1:9000", Some(3), "x.db"));
        assert_eq!(parse(&["serve", "--bind", "127.0.0.1:9000", "--workers", "3", "--database", "x.db"]), bare);
        assert_eq!(parse(&["--database", "x.db", "migrate"]).database_url, "x.db");
    }

    #[test]
    fn demo_data_on_sqlite_by_default_on_postgres_when_asked() {
        use crate::db::Backend::{Postgres, Sqlite};
        assert!(parse(&[]).demo_wanted(Sqlite));
        assert!(!parse(&[]).demo_wanted(Postgres));
        assert!(parse(&["--demo"]).demo_wanted(Postgres));
        assert!(!parse(&["--no-demo"]).demo_wanted(Sqlite));
        assert!(Cli::try_parse_from(["rbm", "--demo", "--no-demo"]).is_err());
    }

    #[test]
    fn thresholds_are_checked() {
        let s = Settings { on_track_pct: 80.0, needs_attention_pct: 50.0, ..Settings::default() };
        assert_eq!(s.thresholds().unwrap(), Thresholds { on_track: 80.0, needs_attention: 50.0 });
        assert!(Settings { needs_attention_pct: 95.0, ..Settings::default() }.thresholds().is_err());
        assert!(Settings { needs_attention_pct: f64::NAN, ..Settings::default() }.thresholds().is_err());
    }
}
