//! What stands between a password guesser and the argon2 hashes: the login limiter, the
//! bounded pool of password hashes in flight, and the client address it counts by.
//!
//! - **Counted before hashing.** An attempt is reserved (counted as a failure) before its
//!   password is hashed and released only when it succeeds, so a burst of simultaneous
//!   guesses cannot all pass a check made before any of them failed.
//! - **Who is limited.** Failures count per (account, address) pair, per address (any
//!   accounts), and per account from all addresses as a much higher ceiling: five wrong
//!   passwords from an attacker lock out the attacker's pair, not the account's owner.
//!   Past its allowance a key waits an exponentially growing time after its last failure;
//!   a key is forgotten once it has had no failure for [`LoginPolicy::forget_after`].
//! - **Shared.** The counters are rows of the database (`login_failures`), so several
//!   instances behind a load balancer, and every worker of one, count the same attempts.
//! - **Memory.** At most [`HashPool`]'s size hashes run at once, each in its own reused
//!   argon2 memory; an attempt finding none free is answered 503 at once.
//! - **Address.** The TCP peer, unless the peer is a configured trusted proxy: then the
//!   right-most `X-Forwarded-For` entry that is not itself a trusted proxy.

use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::store::users;
use actix_web::HttpRequest;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// argon2id with the OWASP parameters: 19 MiB, two passes, one lane.
pub const ARGON2_M_COST_KIB: u32 = 19 * 1024;
pub const ARGON2_T_COST: u32 = 2;
pub const ARGON2_P_COST: u32 = 1;
/// A stored hash asking for more memory than this is refused rather than computed.
const MAX_VERIFY_M_COST_KIB: u32 = 64 * 1024;

pub fn argon2() -> Argon2<'static> {
    let params = Params::new(ARGON2_M_COST_KIB, ARGON2_T_COST, ARGON2_P_COST, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// How many failures each key may have and how long it then waits.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    /// Failures allowed per (account, address) pair before back-off.
    pub per_pair: u32,
    /// Failures allowed per client address, whatever the accounts.
    pub per_address: u32,
    /// Failures allowed per account from all addresses together: the global ceiling.
    pub per_account: u32,
    /// The wait after the allowance is used up; it doubles with every further failure ...
    pub first_backoff: Duration,
    /// ... up to this.
    pub max_backoff: Duration,
    /// A key with no failure for this long starts again from zero.
    pub forget_after: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            per_pair: 5,
            per_address: 20,
            per_account: 100,
            first_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(60 * 60),
        }
    }
}

impl LoginPolicy {
    /// The wait after `failures` failures against an allowance of `allowed` (none below it).
    fn backoff(&self, failures: u32, allowed: u32) -> Option<Duration> {
        let over = failures.checked_sub(allowed)?;
        let factor = 1u32.checked_shl(over.min(31)).unwrap_or(u32::MAX);
        Some(self.first_backoff.saturating_mul(factor).min(self.max_backoff))
    }
}

/// The three keys of an attempt, as stored in `login_failures.key`, with the allowance of each.
fn keys(email: &str, address: &str) -> [String; 3] {
    let mut account = users::normalize_email(email);
    if account.len() > 254 {
        let cut = (0..=254).rev().find(|i| account.is_char_boundary(*i)).unwrap_or(0);
        account.truncate(cut);
    }
    [format!("pair:{account}|{address}"), format!("address:{address}"), format!("account:{account}")]
}

/// Key of the PostgreSQL advisory lock under which attempts are counted ("rbm login").
const LOGIN_LOCK: i64 = 0x72626d_6c6f67696e;

/// The failure counters: rows of `login_failures`, so that every worker and every instance on
/// one database counts the same attempts. Each attempt is read, checked and counted in one
/// transaction; on PostgreSQL under a transaction-scoped advisory lock (two instances cannot
/// both pass a check made before either counted), on SQLite under its single writer.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoginLimiter {
    policy: LoginPolicy,
}

impl LoginLimiter {
    pub fn new(policy: LoginPolicy) -> Self {
        LoginLimiter { policy }
    }

    fn allowed(&self, which: usize) -> u32 {
        match which {
            0 => self.policy.per_pair,
            1 => self.policy.per_address,
            _ => self.policy.per_account,
        }
    }

    /// Counts an attempt before its password is checked; refuses with 429 and the seconds
    /// to wait when any of its keys is backing off. Returns the attempt's keys.
    fn count(&self, conn: &mut DbConnection, email: &str, address: &str) -> Result<[String; 3], AppError> {
        use crate::schema::login_failures as f;
        if let DbConnection::Postgres(pg) = conn {
            pg.batch_execute(&format!("SELECT pg_advisory_xact_lock({LOGIN_LOCK})"))?;
        }
        let now = crate::store::now();
        let forget = chrono::Duration::from_std(self.policy.forget_after).unwrap_or(chrono::Duration::MAX);
        // Keys with no failure for `forget_after` start again from zero: their rows go.
        diesel::delete(f::table.filter(f::last_failure_at.lt(now - forget))).execute(conn)?;
        let keys = keys(email, address);
        let found: Vec<(String, i32, chrono::NaiveDateTime)> =
            f::table.filter(f::key.eq_any(&keys)).select((f::key, f::failures, f::last_failure_at)).load(conn)?;
        let mut wait = Duration::ZERO;
        for (which, key) in keys.iter().enumerate() {
            let Some((_, failures, last)) = found.iter().find(|(k, ..)| k == key) else { continue };
            if let Some(backoff) = self.policy.backoff(u32::try_from(*failures).unwrap_or(0), self.allowed(which)) {
                let since = (now - *last).to_std().unwrap_or(Duration::ZERO);
                wait = wait.max(backoff.saturating_sub(since));
            }
        }
        if !wait.is_zero() {
            return Err(AppError::TooManyRequests { retry_after_secs: wait.as_secs_f64().ceil() as u64 });
        }
        for key in &keys {
            if found.iter().any(|(k, ..)| k == key) {
                diesel::update(f::table.find(key))
                    .set((f::failures.eq(f::failures + 1), f::last_failure_at.eq(now)))
                    .execute(conn)?;
            } else {
                diesel::insert_into(f::table)
                    .values((f::key.eq(key), f::failures.eq(1), f::last_failure_at.eq(now)))
                    .execute(conn)?;
            }
        }
        Ok(keys)
    }

    /// Gives an attempt back: one failure less on each key, or (the right password) the
    /// pair's row removed.
    fn give_back(conn: &mut DbConnection, keys: &[String; 3], reset_pair: bool) -> Result<(), AppError> {
        use crate::schema::login_failures as f;
        for (which, key) in keys.iter().enumerate() {
            if reset_pair && which == 0 {
                diesel::delete(f::table.find(key)).execute(conn)?;
            } else {
                diesel::update(f::table.find(key).filter(f::failures.gt(0)))
                    .set(f::failures.eq(f::failures - 1))
                    .execute(conn)?;
            }
        }
        Ok(())
    }

    /// Counts an attempt (see [`LoginLimiter::count`]) in its own transaction.
    pub async fn reserve(&self, db: &Db, email: &str, address: &str) -> Result<Attempt, AppError> {
        let (limiter, email, address) = (*self, email.to_string(), address.to_string());
        let keys = db.tx(move |c| limiter.count(c, &email, &address)).await?;
        Ok(Attempt { db: db.clone(), keys })
    }

    /// Failures currently counted for the key kinds of one attempt (tests, diagnostics).
    pub fn failures(conn: &mut DbConnection, email: &str, address: &str) -> Result<[u32; 3], AppError> {
        use crate::schema::login_failures as f;
        let mut out = [0; 3];
        for (i, key) in keys(email, address).iter().enumerate() {
            let n: Option<i32> = f::table.find(key).select(f::failures).first(conn).optional()?;
            out[i] = n.map_or(0, |n| u32::try_from(n).unwrap_or(0));
        }
        Ok(out)
    }
}

/// One reserved attempt: counted as a failure unless [`Attempt::succeeded`] or
/// [`Attempt::not_evaluated`] says otherwise (dropped on an error, it stays counted).
pub struct Attempt {
    db: Db,
    keys: [String; 3],
}

impl Attempt {
    /// The right password: the pair starts again from zero; the address and the account
    /// only get this attempt back (a valid login of one's own must not wipe out the count
    /// of guesses at other accounts).
    pub async fn succeeded(self) -> Result<(), AppError> {
        let keys = self.keys;
        self.db.tx(move |c| LoginLimiter::give_back(c, &keys, true)).await
    }

    /// The password was never checked (no hashing slot was free): not a failure.
    pub async fn not_evaluated(self) -> Result<(), AppError> {
        let keys = self.keys;
        self.db.tx(move |c| LoginLimiter::give_back(c, &keys, false)).await
    }

    /// A wrong password: it stays counted.
    pub fn failed(self) {}
}

/// A bounded set of argon2 memories: taking one is the permission to hash a password.
pub struct HashPool {
    free: Mutex<Vec<Vec<Block>>>,
    size: usize,
}

impl HashPool {
    pub fn new(size: usize) -> Arc<HashPool> {
        let size = size.max(1);
        Arc::new(HashPool { free: Mutex::new((0..size).map(|_| Vec::new()).collect()), size })
    }

    /// Hashes in flight allowed by default: one per core, at least 2 and at most 8
    /// (8 x 19 MiB of argon2 memory at most).
    pub fn default_size() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8)
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// A slot when one is free, at once; `None` when all are busy.
    pub fn try_acquire(self: &Arc<Self>) -> Option<HashPermit> {
        let memory = self.free.lock().expect("hash pool lock").pop()?;
        Some(HashPermit { pool: Arc::clone(self), memory })
    }
}

/// One hashing slot with its memory; returned to the pool when dropped.
pub struct HashPermit {
    pool: Arc<HashPool>,
    memory: Vec<Block>,
}

impl Drop for HashPermit {
    fn drop(&mut self) {
        let memory = std::mem::take(&mut self.memory);
        self.pool.free.lock().expect("hash pool lock").push(memory);
    }
}

impl HashPermit {
    fn blocks(&mut self, count: usize) -> &mut [Block] {
        if self.memory.len() < count {
            self.memory.resize(count, Block::default());
        }
        &mut self.memory[..count]
    }

    /// Checks a password against a stored PHC string with this slot's memory. A malformed
    /// hash, another algorithm or one asking for more memory than allowed does not match.
    pub fn verify(&mut self, password: &str, stored: &str) -> bool {
        let Ok(hash) = PasswordHash::new(stored) else { return false };
        let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(hash.algorithm), Params::try_from(&hash)) else {
            return false;
        };
        let version = match hash.version.map(Version::try_from) {
            None => Version::default(),
            Some(Ok(v)) => v,
            Some(Err(_)) => return false,
        };
        let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else { return false };
        if params.m_cost() > MAX_VERIFY_M_COST_KIB {
            log::warn!("a stored password hash asks for {} KiB of memory: refused", params.m_cost());
            return false;
        }
        let mut salt_buf = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_buf) else { return false };
        let mut out = vec![0u8; expected.len()];
        let blocks = params.block_count();
        let argon = Argon2::new(algorithm, version, params);
        if argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, self.blocks(blocks)).is_err() {
            return false;
        }
        Output::new(&out).is_ok_and(|o| o == expected)
    }

    /// Hashes a new password (argon2id, the parameters above) with this slot's memory.
    pub fn hash(&mut self, password: &str) -> Result<String, AppError> {
        let salt = SaltString::generate(&mut OsRng);
        let argon = argon2();
        let internal = |e: &dyn std::fmt::Display| AppError::Internal(format!("password hashing failed: {e}"));
        let mut salt_buf = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(|e| internal(&e))?;
        let mut out = [0u8; 32];
        let blocks = argon.params().block_count();
        argon
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, self.blocks(blocks))
            .map_err(|e| internal(&e))?;
        let output = Output::new(&out).map_err(|e| internal(&e))?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: argon.params().try_into().map_err(|e: argon2::password_hash::Error| internal(&e))?,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        };
        Ok(phc.to_string())
    }
}

/// Where login attempts come from, and the pool their hashes run in.
pub struct Login {
    pub limiter: LoginLimiter,
    pub hashes: Arc<HashPool>,
    /// Peers whose `X-Forwarded-For` is believed (the reverse proxies in front).
    pub trusted_proxies: Vec<IpAddr>,
}

impl Login {
    pub fn new(policy: LoginPolicy, hashes_in_flight: usize, trusted_proxies: Vec<IpAddr>) -> Self {
        Login { limiter: LoginLimiter::new(policy), hashes: HashPool::new(hashes_in_flight), trusted_proxies }
    }

    /// A hashing slot, or 503 with Retry-After when all are busy.
    pub fn permit(&self) -> Result<HashPermit, AppError> {
        self.hashes.try_acquire().ok_or_else(|| {
            AppError::Unavailable("too many logins are being checked at this moment: retry in a second".into())
        })
    }

    /// The address a request is counted under (see the module doc).
    pub fn client_address(&self, req: &HttpRequest) -> String {
        let peer = req.peer_addr().map(|a| a.ip());
        let ip = match peer {
            Some(p) if self.trusted_proxies.contains(&canonical(p)) => {
                forwarded_client(req, &self.trusted_proxies).unwrap_or(p)
            }
            Some(p) => p,
            None => return "unknown".into(),
        };
        address_key(ip)
    }
}

/// The right-most `X-Forwarded-For` entry that is not a trusted proxy: what the nearest
/// trusted proxy saw. Entries further left were written by the client and are not believed.
fn forwarded_client(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let values: Vec<&str> = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).collect();
    let mut last = None;
    for entry in values.iter().flat_map(|v| v.split(',')).rev() {
        let ip = parse_forwarded_ip(entry.trim())?;
        last = Some(ip);
        if !trusted.contains(&canonical(ip)) {
            return Some(ip);
        }
    }
    last
}

fn parse_forwarded_ip(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    // `1.2.3.4:5678` or `[2001:db8::1]:5678`
    s.parse::<std::net::SocketAddr>().ok().map(|a| a.ip())
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// IPv4 addresses as they are; IPv6 by their /64 (one host usually has a whole /64).
fn address_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> LoginPolicy {
        LoginPolicy {
            per_pair: 2,
            per_address: 3,
            per_account: 5,
            first_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(600),
            forget_after: Duration::from_secs(3600),
        }
    }

    /// A fresh migrated SQLite database in the temp folder (removed when dropped).
    struct Scratch(Db, std::path::PathBuf);
    impl Drop for Scratch {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.1.display()));
            }
        }
    }
    fn scratch() -> Scratch {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!("rbm-login-{}-{n}.db", std::process::id()));
        Scratch(Db::connect(path.to_str().unwrap(), 2).unwrap(), path)
    }

    impl Scratch {
        fn reserve(&self, l: &LoginLimiter, email: &str, address: &str) -> Result<[String; 3], AppError> {
            let (l, email, address) = (*l, email.to_string(), address.to_string());
            self.0.tx_blocking(move |c| l.count(c, &email, &address))
        }
        fn give_back(&self, keys: &[String; 3], reset_pair: bool) {
            self.0.tx_blocking(|c| LoginLimiter::give_back(c, keys, reset_pair)).unwrap()
        }
        fn failures(&self, email: &str, address: &str) -> [u32; 3] {
            self.0.tx_blocking(|c| LoginLimiter::failures(c, email, address)).unwrap()
        }
    }

    #[test]
    fn an_attempt_counts_before_it_is_checked() {
        let (db, l) = (scratch(), LoginLimiter::new(policy()));
        let a = db.reserve(&l, "a@x.org", "1.1.1.1").unwrap();
        let _b = db.reserve(&l, "A@x.org", "1.1.1.1").unwrap();
        // Two attempts still in flight already use up the pair's allowance.
        let Err(AppError::TooManyRequests { retry_after_secs }) = db.reserve(&l, "a@x.org", "1.1.1.1") else {
            panic!()
        };
        assert_eq!(retry_after_secs, 60);
        db.give_back(&a, true);
        assert_eq!(db.failures("a@x.org", "1.1.1.1"), [0, 1, 1], "success resets the pair, releases the rest");
    }

    #[test]
    fn guesses_from_elsewhere_do_not_lock_out_the_owner() {
        let (db, l) = (scratch(), LoginLimiter::new(policy()));
        for _ in 0..2 {
            db.reserve(&l, "owner@x.org", "6.6.6.6").unwrap();
        }
        assert!(db.reserve(&l, "owner@x.org", "6.6.6.6").is_err(), "the guesser's pair waits");
        let owner = db.reserve(&l, "owner@x.org", "7.7.7.7").unwrap();
        db.give_back(&owner, true);
        // The address limit counts guesses at any account.
        db.reserve(&l, "other@x.org", "6.6.6.6").unwrap();
        assert!(db.reserve(&l, "third@x.org", "6.6.6.6").is_err());
        // The account ceiling: many addresses together.
        for i in 0..5 {
            db.reserve(&l, "ceiling@x.org", &format!("9.9.9.{i}")).unwrap();
        }
        assert!(db.reserve(&l, "ceiling@x.org", "9.9.9.200").is_err());
    }

    #[test]
    fn failures_older_than_forget_after_are_forgotten() {
        let db = scratch();
        let l = LoginLimiter::new(LoginPolicy { forget_after: Duration::from_secs(600), ..policy() });
        for _ in 0..2 {
            db.reserve(&l, "a@x.org", "1.1.1.1").unwrap();
        }
        assert!(db.reserve(&l, "a@x.org", "1.1.1.1").is_err());
        // Eleven minutes later (the rows' clock moved back), the key starts from zero.
        db.0.tx_blocking(|c| {
            use crate::schema::login_failures as f;
            let earlier = crate::store::now() - chrono::Duration::minutes(11);
            diesel::update(f::table).set(f::last_failure_at.eq(earlier)).execute(c)?;
            Ok(())
        })
        .unwrap();
        db.reserve(&l, "a@x.org", "1.1.1.1").unwrap();
        assert_eq!(db.failures("a@x.org", "1.1.1.1"), [1, 1, 1]);
    }

    #[test]
    fn back_off_doubles_up_to_the_maximum() {
        let p = policy();
        assert_eq!(p.backoff(1, 2), None);
        assert_eq!(p.backoff(2, 2), Some(Duration::from_secs(60)));
        assert_eq!(p.backoff(3, 2), Some(Duration::from_secs(120)));
        assert_eq!(p.backoff(5, 2), Some(Duration::from_secs(480)));
        assert_eq!(p.backoff(6, 2), Some(Duration::from_secs(600)));
        assert_eq!(p.backoff(u32::MAX, 2), Some(Duration::from_secs(600)));
    }

    #[test]
    fn an_attempt_never_checked_is_given_back() {
        let (db, l) = (scratch(), LoginLimiter::new(policy()));
        let keys = db.reserve(&l, "a@x.org", "1.1.1.1").unwrap();
        db.give_back(&keys, false);
        assert_eq!(db.failures("a@x.org", "1.1.1.1"), [0, 0, 0]);
    }

    #[test]
    fn the_pool_bounds_hashes_in_flight_and_verifies_like_argon2() {
        let pool = HashPool::new(2);
        let mut a = pool.try_acquire().unwrap();
        let b = pool.try_acquire().unwrap();
        assert!(pool.try_acquire().is_none());
        drop(b);
        let h = a.hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(a.verify("correct horse battery", &h));
        assert!(!a.verify("correct horse batterY", &h));
        assert!(!a.verify("x", "not a hash"));
        // Hashes made by the argon2 crate itself (and other parameters) verify too.
        let other = crate::auth::hash_password("pässword").unwrap();
        assert!(a.verify("pässword", &other));
        let big = "$argon2id$v=19$m=1048576,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert!(!a.verify("x", big), "a hash asking for 1 GiB is not computed");
    }

    #[test]
    fn addresses_are_keyed_by_host_or_ipv6_prefix() {
        assert_eq!(address_key("10.0.0.1".parse().unwrap()), "10.0.0.1");
        assert_eq!(address_key("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
        assert_eq!(address_key("2001:db8:1:2:aaaa::1".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(parse_forwarded_ip("[2001:db8::1]:443"), Some("2001:db8::1".parse().unwrap()));
    }
}
