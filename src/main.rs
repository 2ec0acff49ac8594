//! The `rbm` command line: serve the API (default), migrate, load seeds.

use clap::{Parser, Subcommand};
use rbm::configuration::{DEFAULT_BIND, DEFAULT_DATABASE_URL, Settings};
use rbm::db::{Db, redact_url};
use rbm::seeds::{self, OnExisting};
use std::net::TcpListener;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "rbm", version, about = "Results-based monitoring and donor reporting for development projects")]
struct Cli {
    /// Database: a SQLite file path (default, created if missing) or postgres://user@host/db
    #[arg(long, global = true, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the REST API (the default). Loads the demo data when the database is empty.
    Serve {
        /// Address to listen on
        #[arg(long, env = "RBM_BIND", default_value = DEFAULT_BIND)]
        bind: String,
        /// Do not load the demo data into an empty database
        #[arg(long)]
        no_demo: bool,
        /// HTTP worker threads (default: one per core)
        #[arg(long, env = "RBM_WORKERS")]
        workers: Option<usize>,
    },
    /// Apply pending database migrations and exit
    Migrate,
    /// Load seed data
    Seed {
        #[command(subcommand)]
        what: SeedCommand,
    },
}

#[derive(Subcommand)]
enum SeedCommand {
    /// Load the demo projects (KAZ-HUB, UZB-PSD); projects already present are skipped
    Demo,
    /// Load a seed document (JSON, format in the README); all or nothing
    Load { file: std::path::PathBuf },
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rbm: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let command = cli.command.unwrap_or(Command::Serve { bind: DEFAULT_BIND.into(), no_demo: false, workers: None });
    let settings = Settings { database_url: cli.database, ..Settings::default() };
    let db = Db::connect(&settings.database_url, settings.pool_size)?;
    match command {
        Command::Migrate => {
            println!("migrations applied on {}", redact_url(&settings.database_url));
        }
        Command::Seed { what: SeedCommand::Demo } => print_report(&seeds::load_demo(&db)?),
        Command::Seed { what: SeedCommand::Load { file } } => {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let doc = seeds::parse(&text)?;
            print_report(&seeds::load(&db, &doc, OnExisting::Fail)?);
        }
        Command::Serve { bind, no_demo, workers } => {
            if !no_demo && seeds::is_empty(&db)? {
                let r = seeds::load_demo(&db)?;
                log::info!("empty database: loaded demo projects {:?}", r.projects_created);
            }
            let listener = TcpListener::bind(&bind).map_err(|e| format!("cannot listen on {bind}: {e}"))?;
            let addr = listener.local_addr()?;
            println!(
                "rbm serving on http://{addr} ({} database {})",
                db.backend.name(),
                redact_url(&settings.database_url)
            );
            println!("API docs: http://{addr}/docs/   OpenAPI: http://{addr}/api/v1/openapi.json");
            actix_web::rt::System::new().block_on(async move { rbm::startup::run(listener, db, workers)?.await })?;
        }
    }
    Ok(())
}

fn print_report(r: &seeds::LoadReport) {
    println!(
        "loaded projects {:?} ({} results, {} indicators, {} targets, {} new funding sources); skipped existing {:?}",
        r.projects_created, r.results, r.indicators, r.targets, r.funding_sources_created, r.projects_skipped
    );
}
