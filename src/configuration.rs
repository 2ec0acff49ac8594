//! Settings, from the command line or the environment (the CLI reads both through clap).

/// Where the embedded default keeps its data: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "rbm.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Largest JSON body accepted by any endpoint.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `postgres://...` for PostgreSQL, anything else is a SQLite file path.
    pub database_url: String,
    pub bind: String,
    /// Database connections in the pool.
    pub pool_size: u32,
    /// HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: DEFAULT_DATABASE_URL.to_string(),
            bind: DEFAULT_BIND.to_string(),
            pool_size: 8,
            workers: None,
        }
    }
}
