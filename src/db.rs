//! Database access on SQLite (embedded default) and PostgreSQL (production) through one
//! `diesel::MultiConnection`, an r2d2 pool and embedded per-backend migrations.

use crate::error::AppError;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One connection type for both backends; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(diesel::SqliteConnection),
    Postgres(diesel::PgConnection),
}

/// Runs a diesel query on the backend's own connection inside the [`DbConnection`], for the
/// read path's hot queries: `native!(conn, |c| query.load::<Row>(c))`.
///
/// diesel's `MultiConnection` wraps each query so that, on every run, each of diesel's passes
/// over it (the statement cache's check, the bind collection) writes the whole SQL text out
/// again, quoting every identifier: a fifth of the instructions of reading a project's
/// progress. The backend's own connection finds its prepared statement by the query's type
/// instead. The body is compiled once per backend, so it must be a query both accept; it runs
/// on the same connection, inside the same transaction.
#[macro_export]
macro_rules! native {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgres($c) => $body,
        }
    };
}
pub use native;

/// The database engine behind the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = DatabaseBackend)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Chooses the backend from the URL scheme, so a typo is named instead of every
    /// backend being tried and a generic "invalid url" reported.
    pub fn from_url(url: &str) -> Result<Backend, AppError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") || !url.contains("://") {
            Ok(Backend::Sqlite)
        } else {
            let scheme = url.split("://").next().unwrap_or_default();
            Err(AppError::Config(format!(
                "unsupported database URL scheme `{scheme}://`: use postgres://user@host/db or a SQLite file path (e.g. rbm.db or sqlite://rbm.db)"
            )))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Strips an optional `sqlite://` / `sqlite:` prefix to get the file path.
fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

/// Hides the password of a URL before it is shown in a message or a log line.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***{}", &url[..s], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// r2d2 manager that opens the right backend and sets SQLite's pragmas on every connection.
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    backend: Backend,
}

impl Manager {
    pub fn new(url: &str) -> Result<Self, AppError> {
        Ok(Manager { url: url.to_string(), backend: Backend::from_url(url)? })
    }

    fn open(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match self.backend {
            Backend::Sqlite => {
                let mut c = diesel::SqliteConnection::establish(sqlite_path(&self.url))?;
                c.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(c))
            }
            Backend::Postgres => Ok(DbConnection::Postgres(diesel::PgConnection::establish(&self.url)?)),
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.open().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// The database handle the app shares: the pool and which backend it is.
#[derive(Clone)]
pub struct Db {
    pub pool: Pool,
    pub backend: Backend,
}

impl Db {
    /// Opens the pool, failing fast with the backend's own message (unreachable host,
    /// unknown database, unwritable file), and runs pending migrations.
    pub fn connect(url: &str, max_size: u32) -> Result<Db, AppError> {
        let manager = Manager::new(url)?;
        let backend = manager.backend;
        // Open one connection by hand first: r2d2 would only report a timeout.
        let mut first = manager.open().map_err(|e| {
            AppError::Config(format!("cannot open the {} database {}: {e}", backend.name(), redact_url(url)))
        })?;
        run_migrations(&mut first)?;
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            // A PostgreSQL connection can go stale (a server restart, an idle timeout), so it
            // is checked (`SELECT 1`) on each checkout; a SQLite file cannot, and the check
            // was one more statement on every request.
            .test_on_check_out(backend == Backend::Postgres)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| AppError::Config(format!("cannot open the database pool: {e}")))?;
        Ok(Db { pool, backend })
    }

    /// Writes a consistent copy of a SQLite database to a new file (`VACUUM INTO`: one read
    /// transaction, so the server may keep running and writing). PostgreSQL is backed up with
    /// its own tool, `pg_dump`, which this refuses with that advice.
    pub fn backup(&self, file: &std::path::Path) -> Result<(), AppError> {
        if self.backend == Backend::Postgres {
            return Err(AppError::Config(
                "rbm backup copies SQLite databases; back up PostgreSQL with pg_dump \
                 (pg_dump --format=custom --file rbm.dump DATABASE_URL; restore with pg_restore)"
                    .into(),
            ));
        }
        if file.exists() {
            return Err(AppError::Config(format!("{} exists already: name a new file", file.display())));
        }
        let path = file.to_str().ok_or_else(|| AppError::Config("the backup's path is not UTF-8".into()))?;
        let mut conn = self.conn()?;
        conn.batch_execute(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
            .map_err(|e| AppError::Config(format!("cannot write the backup {}: {e}", file.display())))
    }

    pub fn conn(&self) -> Result<PooledConn, AppError> {
        self.pool.get().map_err(|e| AppError::Unavailable(format!("no database connection: {e}")))
    }

    /// Runs `f` in one transaction on a pooled connection, off the async workers.
    /// Retried while SQLite reports a busy database or PostgreSQL a serialization failure, so
    /// concurrent writers queue instead of failing (see [`Db::run`]).
    pub async fn tx<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: Fn(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.tx_blocking(f))
            .await
            .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Like [`Db::tx`], for a read bounded by one project's results framework (the framework,
    /// its indicators, computed progress, the caller's roles): on SQLite it runs right here on
    /// the HTTP worker when a pooled connection is free at once, instead of hopping to the
    /// blocking pool and back. That hop (two thread wake-ups per request) was a quarter of the
    /// read path's throughput on two cores and most of its p99. A read in WAL mode takes no
    /// lock that a writer holds, so it does not wait; should SQLite still answer busy, or no
    /// connection be free, the read goes the [`Db::tx`] way (which waits and retries off the
    /// worker). PostgreSQL, whose every query is a network round trip, always goes that way.
    /// Not for reports, whole-database scans or anything that writes.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: Fn(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        if self.backend == Backend::Sqlite
            && let Some(mut conn) = self.pool.try_get()
        {
            let outcome = conn.transaction(|c| f(c));
            after_transaction();
            match outcome {
                Err(AppError::Db(e)) if is_retryable(&e) => {}
                done => return done,
            }
        }
        self.tx(f).await
    }

    /// The same as [`Db::tx`] for callers already off the async runtime (CLI, seeds).
    pub fn tx_blocking<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: Fn(&mut DbConnection) -> Result<T, AppError>,
    {
        self.run(f, true)
    }

    /// Like [`Db::tx`], for a long read that ends with a short write (report generation): a
    /// retry on SQLite stays a deferred transaction, so the reading never holds the write lock.
    pub async fn tx_snapshot<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: Fn(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.run(f, false))
            .await
            .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    }

    /// One transaction, retried while SQLite is busy (or PostgreSQL reports a serialization
    /// failure) for up to [`RETRY_FOR`], with a jittered back-off; then the busy error (503
    /// with `Retry-After`). On SQLite the first attempt is a deferred transaction, so reads
    /// take no lock; one that had to be retried is a writer that lost a race (a snapshot
    /// older than another writer's commit, which the busy timeout cannot wait out), so its
    /// retries begin `IMMEDIATE`: they queue for the write lock within the busy timeout and
    /// cannot lose that race again.
    fn run<T, F>(&self, f: F, immediate_retries: bool) -> Result<T, AppError>
    where
        F: Fn(&mut DbConnection) -> Result<T, AppError>,
    {
        let mut conn = self.conn()?;
        let started = std::time::Instant::now();
        let mut attempt: u32 = 0;
        loop {
            let sqlite = matches!(*conn, DbConnection::Sqlite(_));
            let outcome = if sqlite && attempt > 0 && immediate_retries {
                immediate_transaction(&mut conn, &f)
            } else {
                conn.transaction(|c| f(c))
            };
            // Callers cached before a change to users, memberships or tokens committed are
            // looked up again (see `services::session::principal`).
            after_transaction();
            match outcome {
                Err(AppError::Db(e)) if is_retryable(&e) && started.elapsed() < RETRY_FOR => {
                    attempt += 1;
                    let backoff = 5u64 << attempt.min(5); // 10, 20, 40, 80, 160 ms
                    let jitter = u64::from(
                        std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.subsec_nanos()),
                    ) % backoff;
                    std::thread::sleep(Duration::from_millis(backoff / 2 + jitter));
                }
                other => return other,
            }
        }
    }
}

/// How long a transaction is retried while the database is busy before answering 503.
pub const RETRY_FOR: Duration = Duration::from_secs(15);

/// `BEGIN IMMEDIATE` on SQLite: takes the write lock at the start (waiting up to the busy
/// timeout), through diesel's own transaction manager so that nested transactions still nest.
fn immediate_transaction<T, F>(conn: &mut DbConnection, f: &F) -> Result<T, AppError>
where
    F: Fn(&mut DbConnection) -> Result<T, AppError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(c) = conn else { return conn.transaction(|c| f(c)) };
    AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let DbConnection::Sqlite(c) = conn else { unreachable!("the connection stays SQLite") };
    match result {
        Ok(v) => match AnsiTransactionManager::commit_transaction(c) {
            Ok(()) => Ok(v),
            Err(e) => {
                let _ = AnsiTransactionManager::rollback_transaction(c);
                Err(e.into())
            }
        },
        Err(e) => {
            let _ = AnsiTransactionManager::rollback_transaction(c);
            Err(e)
        }
    }
}

fn is_retryable(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("database is locked") || m.contains("database is busy")
        }
        _ => false,
    }
}

/// Key of the PostgreSQL advisory lock held while migrating ("rbm migrate" in ASCII).
const MIGRATION_LOCK: i64 = 0x0072_626d_5f6d_6967;

/// Applies the embedded migrations of the connection's backend, once even when several
/// instances start at the same moment on one database: on PostgreSQL under a session advisory
/// lock (the others wait, then find nothing pending); on SQLite in one `BEGIN EXCLUSIVE`
/// transaction (each migration a savepoint in it; the others wait in the busy timeout).
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let failed = |e: &dyn std::fmt::Display| AppError::Config(format!("migrations failed: {e}"));
    let names = |v: Vec<diesel::migration::MigrationVersion>| v.iter().map(|m| m.to_string()).collect::<Vec<_>>();
    match conn {
        DbConnection::Sqlite(c) => {
            let mut waited = 0;
            // The busy timeout covers a short wait; another instance migrating a large database may take longer.
            while let Err(e) = AnsiTransactionManager::begin_transaction_sql(c, "BEGIN EXCLUSIVE") {
                waited += 1;
                if waited > 12 {
                    return Err(failed(&e));
                }
            }
            let applied = c.run_pending_migrations(SQLITE_MIGRATIONS).map(names).map_err(|e| failed(&e));
            match applied {
                Ok(v) => {
                    AnsiTransactionManager::commit_transaction(c).map_err(|e| failed(&e))?;
                    Ok(v)
                }
                Err(e) => {
                    let _ = AnsiTransactionManager::rollback_transaction(c);
                    Err(e)
                }
            }
        }
        DbConnection::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).map_err(|e| failed(&e))?;
            let applied = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(names).map_err(|e| failed(&e));
            let unlocked = c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"));
            let applied = applied?;
            unlocked.map_err(|e| failed(&e))?;
            Ok(applied)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every form SQLite may hold reads as diesel's own chrono parsing reads it: what diesel
    /// writes (with and without a fraction), `CURRENT_TIMESTAMP`, ISO forms with `T` and `Z`,
    /// an offset; NULL reads as none and text that is no timestamp is an error.
    #[test]
    fn stored_timestamps_read_as_diesel_reads_them() {
        use diesel::sql_types::{Nullable, Timestamp};
        let mut c = DbConnection::Sqlite(diesel::SqliteConnection::establish(":memory:").unwrap());
        let written =
            chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap().and_hms_micro_opt(9, 30, 5, 123_456).unwrap();
        let texts = [
            "2025-07-01 09:30:05.123456",
            "2025-07-01 09:30:05",
            "2025-07-01T09:30:05.5Z",
            "2025-07-01T09:30:05",
            "2025-07-01 09:30:05.123456789",
            "2025-07-01 09:30:05+02:00",
            "2025-07-01 09:30",
        ];
        for text in texts {
            let ours: NaiveDateTimeOf<StoredTime> =
                diesel::select(diesel::dsl::sql::<Timestamp>(&format!("'{text}'"))).get_result(&mut c).unwrap();
            let DbConnection::Sqlite(raw) = &mut c else { unreachable!() };
            let diesels: chrono::NaiveDateTime =
                diesel::select(diesel::dsl::sql::<Timestamp>(&format!("'{text}'"))).get_result(raw).unwrap();
            assert_eq!(ours.0.0, diesels, "{text}");
        }
        let round: NaiveDateTimeOf<StoredTime> =
            diesel::select(written.into_sql::<Timestamp>()).get_result(&mut c).unwrap();
        assert_eq!(round.0.0, written, "what diesel writes reads back whole");
        let now: NaiveDateTimeOf<StoredTime> =
            diesel::select(diesel::dsl::sql::<Timestamp>("CURRENT_TIMESTAMP")).get_result(&mut c).unwrap();
        assert!((chrono::Utc::now().naive_utc() - now.0.0).num_seconds().abs() < 60);
        let none: NaiveDateTimeOf<MaybeStoredTime> =
            diesel::select(diesel::dsl::sql::<Nullable<Timestamp>>("NULL")).get_result(&mut c).unwrap();
        assert_eq!(none.0.0, None);
        let some: NaiveDateTimeOf<MaybeStoredTime> =
            diesel::select(diesel::dsl::sql::<Nullable<Timestamp>>("'2025-07-01 09:30:05.123456'"))
                .get_result(&mut c)
                .unwrap();
        assert_eq!(some.0.0, Some(written));
        let bad = diesel::select(diesel::dsl::sql::<Timestamp>("'yesterday'"))
            .get_result::<NaiveDateTimeOf<StoredTime>>(&mut c)
            .unwrap_err()
            .to_string();
        assert!(bad.contains("yesterday"), "a text that is no timestamp is refused: {bad}");
    }

    /// The SQLite built in is the one `.cargo/config.toml` asks for: plans that do not depend
    /// on bound values (so `LIMIT ?` statements stay prepared) and no per-connection mutex.
    #[test]
    fn sqlite_is_built_with_stable_plans_and_for_a_pool() {
        #[derive(diesel::QueryableByName)]
        struct CompileOption {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        let mut c = diesel::SqliteConnection::establish(":memory:").unwrap();
        let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<CompileOption>(&mut c)
            .unwrap()
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        for wanted in ["ENABLE_QPSG", "THREADSAFE=2"] {
            assert!(options.iter().any(|o| o == wanted), "{wanted} missing from {options:?}");
        }
    }

    /// [`Db::read`] on SQLite: with a writer in the middle of a transaction it reads the
    /// committed rows at once, on the calling thread; with every pooled connection taken it
    /// does not fail but waits off the worker until one is given back.
    #[actix_rt::test]
    async fn a_read_runs_on_the_worker_and_waits_elsewhere_for_a_connection() {
        use diesel::sql_types::BigInt;
        let path = std::env::temp_dir().join(format!("rbm-read-{}.db", std::process::id()));
        let db = Db::connect(path.to_str().unwrap(), 2).unwrap();
        db.tx_blocking(|c| Ok(c.batch_execute("CREATE TABLE seen (n INTEGER); INSERT INTO seen VALUES (1)")?)).unwrap();
        let count = |c: &mut DbConnection| -> Result<(i64, std::thread::ThreadId), AppError> {
            let n = diesel::select(diesel::dsl::sql::<BigInt>("(SELECT count(*) FROM seen)")).get_result(c)?;
            Ok((n, std::thread::current().id()))
        };

        let mut writer = db.conn().unwrap();
        writer.batch_execute("BEGIN IMMEDIATE; INSERT INTO seen VALUES (2)").unwrap();
        let (n, on) = db.read(count).await.unwrap();
        assert_eq!(n, 1, "the committed rows, not the writer's pending one");
        assert_eq!(on, std::thread::current().id(), "read on the worker, without a hop");

        let other = db.conn().unwrap();
        let waiting = actix_rt::spawn({
            let db = db.clone();
            async move { db.read(count).await }
        });
        actix_rt::time::sleep(Duration::from_millis(200)).await;
        assert!(!waiting.is_finished(), "no connection is free, so the read waits for one");
        writer.batch_execute("COMMIT").unwrap();
        drop((writer, other));
        let (n, on) = waiting.await.unwrap().unwrap();
        assert_eq!(n, 2);
        assert_ne!(on, std::thread::current().id(), "it waited in the blocking pool, not on the worker");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    /// A one-column row read through the `deserialize_as` wrapper, as the store's rows do.
    #[derive(Debug)]
    struct NaiveDateTimeOf<T>(T);

    impl<T, ST> diesel::deserialize::Queryable<ST, MultiBackend> for NaiveDateTimeOf<T>
    where
        T: diesel::deserialize::FromSql<ST, MultiBackend>,
        ST: diesel::sql_types::SingleValue,
        MultiBackend: diesel::sql_types::HasSqlType<ST>,
    {
        type Row = T;
        fn build(row: T) -> diesel::deserialize::Result<Self> {
            Ok(NaiveDateTimeOf(row))
        }
    }

    #[test]
    fn backend_comes_from_the_scheme() {
        assert_eq!(Backend::from_url("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert_eq!(Backend::from_url("postgresql://u@h/db").unwrap(), Backend::Postgres);
        assert_eq!(Backend::from_url("rbm.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("sqlite://rbm.db").unwrap(), Backend::Sqlite);
        let err = Backend::from_url("mysql://u@h/db").unwrap_err().to_string();
        assert!(err.contains("mysql://"), "{err}");
        assert_eq!(sqlite_path("sqlite://x/rbm.db"), "x/rbm.db");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://rbm:s3cret@db/rbm"), "postgres://rbm:***@db/rbm");
        assert_eq!(redact_url("postgres://rbm@db/rbm"), "postgres://rbm@db/rbm");
        assert_eq!(redact_url("rbm.db"), "rbm.db");
    }
}

/// Bumped by every store function that changes who may do what (users, memberships, tokens):
/// callers cached under an older generation (`services::session`) are looked up again. It
/// lives here, beside the transaction that ends the change, so the store and the services both
/// read it without the database layer knowing about either.
static AUTH_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

std::thread_local! {
    /// Set by [`auth_changed`] inside a transaction, cleared when it ends.
    static AUTH_CHANGED_IN_TRANSACTION: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Says that users, memberships or tokens are being changed (called by the store inside the
/// transaction). The generation moves now and once more when the transaction ends, so a lookup
/// that read the old rows while the change was not yet committed is not reused either.
pub fn auth_changed() {
    AUTH_GENERATION.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    AUTH_CHANGED_IN_TRANSACTION.with(|c| c.set(true));
}

/// The current generation of who may do what (see [`auth_changed`]).
pub fn auth_generation() -> u64 {
    AUTH_GENERATION.load(std::sync::atomic::Ordering::SeqCst)
}

/// Called by [`Db::run`] when a transaction has ended (committed or not).
fn after_transaction() {
    if AUTH_CHANGED_IN_TRANSACTION.with(|c| c.replace(false)) {
        AUTH_GENERATION.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A timestamp column read back from the database (`#[diesel(deserialize_as = StoredTime)]` on
/// a row's `NaiveDateTime` field). SQLite keeps timestamps as text, which diesel parses with
/// chrono's format strings, trying up to eighteen of them: on the results framework that was
/// an eighth of the request's work. The forms this service writes (`2025-07-01 09:30:00`, with
/// an optional fraction; `T` and a trailing `Z` are accepted too) are read directly; anything
/// else still goes through chrono. PostgreSQL's binary timestamps are read as diesel reads them.
#[derive(Debug, Clone, Copy, diesel::deserialize::FromSqlRow)]
pub struct StoredTime(pub chrono::NaiveDateTime);

impl From<StoredTime> for chrono::NaiveDateTime {
    fn from(t: StoredTime) -> Self {
        t.0
    }
}

impl StoredTime {
    /// `YYYY-MM-DD HH:MM:SS[.fraction][Z]` (or with `T`), without chrono's format machinery.
    fn parse_plain(s: &str) -> Option<chrono::NaiveDateTime> {
        let b = s.as_bytes();
        if b.len() < 19
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b' ' | b'T')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?;
        let mut rest = &b[19..];
        let mut nanos = 0;
        if let [b'.', digits @ ..] = rest {
            let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 || n > 9 {
                return None;
            }
            nanos = num(20..20 + n)? * 10u32.pow(9 - n as u32);
            rest = &digits[n..];
        }
        if !(rest.is_empty() || rest == b"Z") {
            return None;
        }
        date.and_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)
    }

    /// Whatever else SQLite may hold: diesel's own formats in diesel's order, through chrono
    /// (an offset is read and dropped, as diesel does).
    fn parse_other(s: &str) -> Option<chrono::NaiveDateTime> {
        const DIESELS_FORMATS: [&str; 18] = [
            "%F %T%.f",
            "%F %T%.f%:z",
            "%F %T",
            "%F %T%:z",
            "%F %R",
            "%F %RZ",
            "%F %R%:z",
            "%F %TZ",
            "%F %T%.fZ",
            "%FT%R",
            "%FT%RZ",
            "%FT%R%:z",
            "%FT%T",
            "%FT%TZ",
            "%FT%T%:z",
            "%FT%T%.f",
            "%FT%T%.fZ",
            "%FT%T%.f%:z",
        ];
        DIESELS_FORMATS.iter().find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
    }
}

impl diesel::deserialize::FromSql<diesel::sql_types::Timestamp, diesel::sqlite::Sqlite> for StoredTime {
    fn from_sql(value: diesel::sqlite::SqliteValue<'_, '_, '_>) -> diesel::deserialize::Result<Self> {
        let text =
            <String as diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite>>::from_sql(value)?;
        let text = text.as_str();
        StoredTime::parse_plain(text)
            .or_else(|| StoredTime::parse_other(text))
            .map(StoredTime)
            .ok_or_else(|| format!("`{text}` is not a timestamp").into())
    }
}

impl diesel::deserialize::FromSql<diesel::sql_types::Timestamp, diesel::pg::Pg> for StoredTime {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
        <chrono::NaiveDateTime as diesel::deserialize::FromSql<diesel::sql_types::Timestamp, diesel::pg::Pg>>::from_sql(
            value,
        )
        .map(StoredTime)
    }
}

impl diesel::deserialize::FromSql<diesel::sql_types::Timestamp, MultiBackend> for StoredTime {
    fn from_sql(value: MultiRawValue<'_>) -> diesel::deserialize::Result<Self> {
        value.from_sql::<Self, diesel::sql_types::Timestamp>()
    }
}

/// [`StoredTime`] for a column that may be NULL (`#[diesel(deserialize_as = MaybeStoredTime)]`
/// on an `Option<NaiveDateTime>` field).
#[derive(Debug, Clone, Copy, diesel::deserialize::FromSqlRow)]
pub struct MaybeStoredTime(pub Option<chrono::NaiveDateTime>);

impl From<MaybeStoredTime> for Option<chrono::NaiveDateTime> {
    fn from(t: MaybeStoredTime) -> Self {
        t.0
    }
}

type NullableTimestamp = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>;

impl<DB> diesel::deserialize::FromSql<NullableTimestamp, DB> for MaybeStoredTime
where
    DB: diesel::backend::Backend,
    StoredTime: diesel::deserialize::FromSql<diesel::sql_types::Timestamp, DB>,
{
    fn from_sql(value: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        <StoredTime as diesel::deserialize::FromSql<diesel::sql_types::Timestamp, DB>>::from_sql(value)
            .map(|t| MaybeStoredTime(Some(t.0)))
    }

    fn from_nullable_sql(value: Option<DB::RawValue<'_>>) -> diesel::deserialize::Result<Self> {
        match value {
            Some(v) => Self::from_sql(v),
            None => Ok(MaybeStoredTime(None)),
        }
    }
}
