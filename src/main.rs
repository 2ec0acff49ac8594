//! The `rbm` command line: serve the API (default), migrate, load seeds.

use clap::{Parser, Subcommand};
use rbm::configuration::Settings;
use rbm::db::{Db, redact_url};
use rbm::seeds::{self, OnExisting};
use rbm::startup::ServerOptions;
use std::net::TcpListener;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: see its line in `Cargo.toml`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "rbm", version, about = "Results-based monitoring and donor reporting for development projects")]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the REST API (the default). Loads the demo data when the database is empty.
    Serve,
    /// Apply pending database migrations and exit
    Migrate,
    /// Manage users (bootstrap the first administrator)
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Generate a donor report, store it, and write it to a file
    Report {
        /// Project code or id, e.g. KAZ-HUB
        #[arg(long)]
        project: String,
        /// undp-quarterly, eu-interim or iptt
        #[arg(long)]
        template: String,
        /// A quarter (2014-Q2) or a year (2014)
        #[arg(long)]
        period: Option<String>,
        /// First quarter of a run of quarters (with --to)
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// pdf, xlsx or html
        #[arg(long, default_value = "pdf")]
        format: String,
        /// Include unapproved data, watermarked DRAFT
        #[arg(long)]
        draft: bool,
        /// Language of the report: en (default), ru, or one added as catalogue files
        #[arg(long)]
        lang: Option<String>,
        /// Output file (default: the report's own file name)
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
    },
    /// Write data to a file: `export workplan` (the AWP workbook), `export iati` (IATI 2.03 XML)
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Read data from a file: `import workplan` (an AWP workbook; a dry run unless --apply)
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Copy a SQLite database, consistent while the server runs (`VACUUM INTO`), into a new
    /// file; on PostgreSQL use pg_dump (see the README's Deploying section)
    Backup {
        /// The copy to write (must not exist yet)
        file: std::path::PathBuf,
    },
    /// Load seed data
    Seed {
        #[command(subcommand)]
        what: SeedCommand,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The annual work plan of a year in the UNDP AWP layout, with the results framework (XLSX)
    Workplan(rbm::services::workplan_io::ExportWorkplanArgs),
    /// The project as an IATI 2.03 activity (`iati-activities` XML)
    Iati {
        /// Project code or id, e.g. KAZ-HUB
        #[arg(long)]
        project: String,
        /// Output file (default: standard output)
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input (one line)
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        name: String,
        /// `admin`, or a project role (coordinator, manager, finance, donor) with --project
        #[arg(long)]
        role: String,
        /// Project code for a project role
        #[arg(long)]
        project: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// An AWP workbook into the year's draft work plan and the targets: lists the changes and
    /// problems; --apply makes them
    Workplan(rbm::services::workplan_io::ImportWorkplanArgs),
}

#[derive(Subcommand)]
enum SeedCommand {
    /// Load the demo projects (KAZ-HUB, UZB-PSD) and their users (published passwords): only
    /// into an empty database (no users, no projects)
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
    let Cli { settings, command } = cli;
    let command = command.unwrap_or(Command::Serve);
    let db = Db::connect(&settings.database_url, settings.pool_size)?;
    match command {
        Command::Migrate => {
            println!("migrations applied on {}", redact_url(&settings.database_url));
        }
        Command::User { what: UserCommand::Create { email, name, role, project } } => {
            create_user(&db, email, name, &role, project)?;
        }
        Command::Report { project, template, period, from, to, format, draft, lang, output } => {
            let format: rbm::reports::Format = serde_json::from_value(serde_json::Value::String(format.clone()))
                .map_err(|_| format!("--format must be pdf, xlsx or html, not `{format}`"))?;
            let req = rbm::reports::ReportRequest { template, period, from, to, format, lang, draft };
            let templates = settings.templates();
            let (meta, bytes) = db.tx_blocking(|c| {
                let p = rbm::store::projects::find(c, &project)?;
                let meta = rbm::reports::generate(
                    c,
                    &rbm::store::audit::Actor::system(),
                    &templates,
                    &p,
                    &req,
                    settings.thresholds()?,
                    "rbm report (command line)",
                )?;
                let bytes = rbm::store::reports::content(c, meta.id)?;
                Ok((meta, bytes))
            })?;
            let path = output.unwrap_or_else(|| meta.file_name.clone().into());
            std::fs::write(&path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!(
                "report {} stored (sha256 {}), written to {} ({} bytes)",
                meta.id,
                meta.sha256,
                path.display(),
                bytes.len()
            );
        }
        Command::Export { what: ExportCommand::Iati { project, output } } => {
            rbm::iati::export_command(&db, &project, output.as_deref())?;
        }
        Command::Export { what: ExportCommand::Workplan(args) } => {
            println!("{}", rbm::services::workplan_io::cli_export(&db, &args)?);
        }
        Command::Import { what: ImportCommand::Workplan(args) } => {
            println!("{}", rbm::services::workplan_io::cli_import(&db, &args)?);
        }
        Command::Backup { file } => {
            db.backup(&file)?;
            println!("backup written to {} ({} bytes)", file.display(), std::fs::metadata(&file)?.len());
        }
        Command::Seed { what: SeedCommand::Demo } => {
            // The demo users' passwords are published: never beside real users or projects.
            if !seeds::is_empty(&db)? {
                return Err("the demo data (with its published passwords) goes only into an empty database: this one \
                            already has users or projects"
                    .into());
            }
            print_report(&seeds::load_demo(&db)?)
        }
        Command::Seed { what: SeedCommand::Load { file } } => {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let doc = seeds::parse(&text)?;
            print_report(&seeds::load(&db, &doc, OnExisting::Fail)?);
        }
        Command::Serve => {
            let options = ServerOptions::new(&settings)?;
            load_demo_if_wanted(&settings, &db)?;
            let bind = &settings.bind;
            let listener = TcpListener::bind(bind).map_err(|e| format!("cannot listen on {bind}: {e}"))?;
            let addr = listener.local_addr()?;
            println!(
                "rbm serving on http://{addr} ({} database {})",
                db.backend.name(),
                redact_url(&settings.database_url)
            );
            println!("API docs: http://{addr}/docs/   OpenAPI: http://{addr}/api/v1/openapi.json");
            actix_web::rt::System::new().block_on(async move { rbm::startup::run(listener, db, options)?.await })?;
        }
    }
    Ok(())
}

/// The demo data (with its published passwords) goes only into a database without users or
/// projects: on SQLite unless `--no-demo`, on PostgreSQL only with `--demo` (or `RBM_DEMO=1`).
fn load_demo_if_wanted(settings: &Settings, db: &Db) -> Result<(), Box<dyn std::error::Error>> {
    let wanted = settings.demo_wanted(db.backend);
    if !wanted && !settings.demo {
        if db.backend == rbm::db::Backend::Postgres && !settings.no_demo && seeds::is_empty(db)? {
            log::info!(
                "empty PostgreSQL database: no demo data loaded (pass --demo for it); create the first administrator \
                 with `rbm user create --email you@org --role admin`"
            );
        }
        return Ok(());
    }
    if seeds::is_empty(db)? {
        let r = seeds::load_demo(db)?;
        log::info!("empty database: loaded demo projects {:?}", r.projects_created);
    } else if settings.demo {
        log::warn!("--demo: the database already has users or projects, so the demo data was not loaded");
    }
    Ok(())
}

/// `rbm user create`: the password comes from standard input so it never shows in the
/// shell history or the process list.
fn create_user(
    db: &Db,
    email: String,
    name: String,
    role: &str,
    project: Option<String>,
) -> Result<(), Box<dyn std::error::Error>> {
    use rbm::domain::access::Role;
    use rbm::store::{audit::Actor, projects, users};
    let is_admin = role == "admin";
    let project_role = match (is_admin, project.as_deref()) {
        (true, None) => None,
        (true, Some(_)) => return Err("--role admin is global: leave out --project".into()),
        (false, Some(code)) => Some((
            code.to_string(),
            Role::parse(role).ok_or("role must be admin, coordinator, manager, finance or donor")?,
        )),
        (false, None) => return Err("a project role needs --project CODE".into()),
    };
    let mut password = String::new();
    std::io::stdin().read_line(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    let name = if name.is_empty() { email.clone() } else { name };
    let input = users::NewUser { email, name, password, is_admin };
    users::check_new_user(&input)?;
    let hash = rbm::auth::hash_password(&input.password)?;
    let user = db.tx_blocking(|c| {
        let user = users::create_user(c, &Actor::system(), &input, &hash)?;
        if let Some((code, role)) = &project_role {
            let p = projects::find(c, code)?;
            users::add_member(c, &Actor::system(), p.id, &users::MembershipInput { user_id: user.id, role: *role })?;
        }
        Ok(user)
    })?;
    println!("created user {} (id {}){}", user.email, user.id, if is_admin { " as administrator" } else { "" });
    Ok(())
}

fn print_report(r: &seeds::LoadReport) {
    println!(
        "loaded projects {:?} ({} results, {} indicators, {} targets, {} new funding sources, {} users); skipped existing {:?}",
        r.projects_created,
        r.results,
        r.indicators,
        r.targets,
        r.funding_sources_created,
        r.users_created,
        r.projects_skipped
    );
    println!(
        "  finance: {} work plans, {} budget lines, {} expenditures, {} receipts, {} new exchange rates, {} new budget accounts",
        r.work_plans, r.budget_lines, r.expenditures, r.receipts, r.exchange_rates_created, r.budget_accounts_created
    );
}
