//! All SQL lives here, behind one API: the rest of the app asks the store for what it needs and
//! never writes a query of its own. SQLite is the default (one file, created and migrated at
//! start-up); PostgreSQL serves the same API from the same queries (see `engine.rs` for how,
//! and where the two differ).

/// SQL put together from the store's own constants, never from anything a person typed (their
/// input is always bound): safe by construction. Bare `?` placeholders are numbered in order.
macro_rules! sql {
    ($($arg:tt)*) => {
        sqlx::AssertSqlSafe($crate::store::engine::numbered(format!($($arg)*)))
    };
}

/// Runs `$body` with `$pool` bound to the store's pool: the body is compiled once per engine,
/// each time against that engine's own types.
macro_rules! on_engine {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::engine::Pool::Sqlite($pool) => $body,
            $crate::store::engine::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the connection a caller lent (`Conn`), once per engine.
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::store::engine::Conn::Sqlite($c) => $body,
            $crate::store::engine::Conn::Postgres($c) => $body,
        }
    };
}

/// Runs `$body` in a write transaction `$tx` on `$pool` (see `Engine::begin_write`). The body
/// commits it (or returns, which rolls it back) and gives the method's result. When PostgreSQL
/// ends the transaction to break a deadlock (or a serialization failure), the body runs again
/// from the start, in a new transaction, a few times before the error is returned: so the body
/// must not consume what it borrows.
macro_rules! write_tx {
    ($pool:expr, |$tx:ident| $body:expr) => {{
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome: Result<_, $crate::store::StoreError> = async {
                #[allow(unused_mut, reason = "a body that only reads through the transaction")]
                let mut $tx = $crate::store::engine::Engine::begin_write($pool).await?;
                $body
            }
            .await;
            match outcome {
                Err(error)
                    if error.is_retryable() && attempt < $crate::store::engine::WRITE_ATTEMPTS =>
                {
                    $crate::store::engine::pause_before_retry(attempt).await;
                }
                other => break other,
            }
        }
    }};
}

mod engine;
mod outbox;

pub use outbox::{NewMail, OutboxBacklog, OutboxMail};

use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub(crate) use engine::Conn;
use engine::Pool;

mod accounts;
mod attachments;
mod audit;
mod bulk;
mod comments;
mod exports;
mod group_export;
mod groups;
mod inbound;
mod kept;
mod leaving;
mod notices;
mod notifications;
mod operators;
mod page_versions;
pub mod personal_data;
mod poll_changes;
mod polls;
mod rate_limits;
mod search;
mod threads;
pub use accounts::*;
pub use attachments::{Attachment, Claim, ImageSizes, NewAttachment, Owner};
pub use audit::*;
pub use bulk::{Bulk, Value};
pub use comments::*;
pub use exports::*;
pub use group_export::*;
pub use groups::*;
pub use inbound::*;
pub use kept::*;
pub use leaving::*;
pub use notices::*;
pub use notifications::*;
pub use operators::*;
pub use page_versions::{ContentVersion, PageSubject, PageVersion};
pub use personal_data::{PersonalData, TextVersion, when};
pub use poll_changes::*;
pub use polls::*;
pub use rate_limits::*;
pub use search::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Which engine a database URL names, or `None` for a URL of another kind.
pub fn engine_of(url: &str) -> Option<&'static str> {
    if url.starts_with("sqlite:") {
        Some("SQLite")
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some("PostgreSQL")
    } else {
        None
    }
}
pub use threads::*;

/// Why the store could not be opened or used. The message is for the person running Quorum;
/// pages never show it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database URL is not valid: {0}")]
    BadUrl(String),
    #[error("the database cannot be opened: {0}")]
    Unreachable(String),
    #[error("the database could not be upgraded: {0}")]
    Migration(String),
    #[error(
        "the database was upgraded by a newer release of Quorum (its migration {0} is unknown to this one); run that release or a later one"
    )]
    NewerThanBinary(i64),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    /// A query of group content was asked for without a permit for it: a programming mistake,
    /// answered as "not found" so that it fails closed.
    #[error("no permit for this group action")]
    NotPermitted,
}

impl StoreError {
    /// Whether the database was too busy to answer in time: other work held it past the busy
    /// timeout, or no connection came free. Nothing was changed, the same request may simply
    /// be sent again, and the person is told so (503) rather than shown an error.
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Query(sqlx::Error::PoolTimedOut) => true,
            // The database went away (a restart, a fail-over): the next request may find it.
            Self::Query(sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolClosed) => true,
            Self::Query(sqlx::Error::Database(db)) => match db.code().as_deref() {
                // PostgreSQL: lock_timeout, statement_timeout, too many connections, a server
                // shutting down or starting up, and a retried transaction that still collided.
                Some(
                    "55P03" | "57014" | "53300" | "57P01" | "57P02" | "57P03" | "40001" | "40P01",
                ) => true,
                // SQLite's extended result codes keep the primary code in the low byte:
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with all their variants.
                Some(code) => code
                    .parse::<i32>()
                    .is_ok_and(|code| matches!(code & 0xff, 5 | 6)),
                None => false,
            },
            _ => false,
        }
    }

    /// Whether a write transaction failed only because another ran at the same time and may
    /// simply be run again: PostgreSQL's serialization failure and deadlock.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Query(sqlx::Error::Database(db))
            if matches!(db.code().as_deref(), Some("40001" | "40P01")))
    }
}

/// How long a write waits for another to finish before the request is answered "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a free connection before it is answered "busy".
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections of the pool at one moment (see `Store::pool_usage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

/// A handle on the database: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// The database file, when there is one: several servers starting at once on it take turns
    /// to migrate it.
    file: Option<PathBuf>,
    /// This process's shared hold on the file (see `serve_lock`), for as long as any clone of
    /// the store lives.
    _serving: Option<std::sync::Arc<std::fs::File>>,
}

impl Store {
    /// Opens (creating when missing) the database at `url`: WAL journal so readers never wait for
    /// the writer, foreign keys enforced, and a busy timeout so that concurrent writers queue
    /// instead of failing. `synchronous = NORMAL` in WAL mode keeps every committed transaction
    /// across a crash of the process (only a power cut can lose the last ones).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        match engine_of(url) {
            Some("PostgreSQL") => Self::open_postgres(url).await,
            _ => Self::open_sqlite(url).await,
        }
    }

    /// Opens a PostgreSQL database. A lock wait or a statement past its time is answered
    /// "busy" rather than holding a request; the pool is larger than SQLite's, as the server
    /// runs statements in parallel.
    async fn open_postgres(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadUrl(e.to_string()))?
            .application_name("quorum")
            .options([
                ("lock_timeout", "5s"),
                ("statement_timeout", "20s"),
                ("idle_in_transaction_session_timeout", "60s"),
            ]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unreachable(describe(&e)))?;
        Ok(Self {
            pool: Pool::Postgres(pool),
            file: None,
            _serving: None,
        })
    }

    async fn open_sqlite(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadUrl(e.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let file = options.get_filename();
        let file = (file.as_os_str() != ":memory:" && !file.as_os_str().is_empty())
            .then(|| file.to_path_buf());
        let serving = match &file {
            Some(file) => Some(std::sync::Arc::new(serving_turn(file)?)),
            None => None,
        };
        // The first connection creates the file and switches it to WAL, which SQLite refuses at
        // once ("database is locked", without waiting) while another process has the new file
        // open; so servers starting at once take turns until the file is set up.
        let turn = match &file {
            Some(file) => Some(setup_turn(file).await?),
            None => None,
        };
        // A connection to a file is not tested before each use, as one to a server is: it cannot
        // be cut off, and the test is one more trip to the connection's thread for every query.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unreachable(describe(&e)))?;
        drop(turn);
        Ok(Self {
            pool: Pool::Sqlite(pool),
            file,
            _serving: serving,
        })
    }

    /// The SQLite pool, for unit tests that look inside the file.
    #[cfg(test)]
    pub(crate) fn sqlite(&self) -> &sqlx::SqlitePool {
        match &self.pool {
            Pool::Sqlite(pool) => pool,
            Pool::Postgres(_) => panic!("the unit tests run on SQLite"),
        }
    }

    /// Brings the schema up to date and records the instance's creation time once. Servers
    /// starting at once on one database file take turns: each holds an exclusive lock on
    /// `<file>.migrate-lock` while it migrates, so the second finds the work done instead of
    /// failing halfway through the same migration.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let _turn = match &self.file {
            Some(file) => Some(setup_turn(file).await?),
            None => None,
        };
        // PostgreSQL's migrator holds an advisory lock while it works, so servers starting at
        // once take turns there too.
        let migrated = match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await,
            Pool::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await,
        };
        migrated.map_err(|error| match error {
            sqlx::migrate::MigrateError::VersionMissing(version) => {
                StoreError::NewerThanBinary(version)
            }
            other => StoreError::Migration(other.to_string()),
        })?;
        on_engine!(self, |pool| {
            sqlx::query(
                "INSERT INTO instance (id, created_at) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
            )
            .bind(unix_now())
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Proves the database answers and is migrated: used by `/healthz`.
    pub async fn check(&self) -> Result<(), StoreError> {
        let created_at: i64 = on_engine!(self, |pool| {
            sqlx::query_scalar("SELECT created_at FROM instance WHERE id = 1")
                .fetch_one(pool)
                .await
        })?;
        debug_assert!(created_at > 0);
        Ok(())
    }

    /// How many of the pool's connections are lent out, idle, and allowed at most: a pool
    /// always in use means requests wait for a connection.
    pub fn pool_usage(&self) -> PoolUsage {
        on_engine!(self, |pool| {
            let open = pool.size();
            let idle = u32::try_from(pool.num_idle()).unwrap_or(open);
            PoolUsage {
                in_use: open.saturating_sub(idle),
                idle,
                max: pool.options().get_max_connections(),
            }
        })
    }

    /// Finishes open work; on SQLite this checkpoints the WAL, so the file is complete on its
    /// own.
    pub async fn close(&self) {
        on_engine!(self, |pool| pool.close().await);
    }
}

/// Waits for this process's turn to set up or migrate the database at `file`; the turn lasts as
/// long as the returned file stays open, and ends when the process does, however it ends.
async fn setup_turn(file: &std::path::Path) -> Result<std::fs::File, StoreError> {
    let mut lock_path = file.as_os_str().to_owned();
    lock_path.push(".migrate-lock");
    let locked = tokio::task::spawn_blocking(move || {
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        lock.lock()?;
        Ok::<_, std::io::Error>(lock)
    })
    .await
    .map_err(|e| StoreError::Migration(e.to_string()))?;
    locked.map_err(|e| StoreError::Migration(crate::config::plain_io_reason(&e)))
}

/// The newest migration this release carries for PostgreSQL (`postgres`) or SQLite.
pub fn latest_migration(postgres: bool) -> i64 {
    let migrator = if postgres {
        sqlx::migrate!("../migrations/postgres")
    } else {
        sqlx::migrate!("../migrations/sqlite")
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

/// While a server has the database file open it holds a shared lock on `<file>.serve-lock`, and
/// a restore holds it exclusively: so a restore never replaces a file a server is writing, and a
/// server never starts on a file half-way through being replaced. The lock ends with the process.
fn serve_lock(file: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut path = file.as_os_str().to_owned();
    path.push(".serve-lock");
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

/// A server's hold on the database file at `file`, refused while a restore replaces it.
fn serving_turn(file: &std::path::Path) -> Result<std::fs::File, StoreError> {
    let unreachable =
        |e: std::io::Error| StoreError::Unreachable(crate::config::plain_io_reason(&e));
    let lock = serve_lock(file).map_err(unreachable)?;
    match lock.try_lock_shared() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Unreachable(
            "it is being restored from a backup; start Quorum again once that has finished".into(),
        )),
        Err(std::fs::TryLockError::Error(error)) => Err(unreachable(error)),
    }
}

/// A restore's hold on the database file at `file`, refused while a server has it open.
pub fn restore_turn(file: &std::path::Path) -> anyhow::Result<std::fs::File> {
    let lock = serve_lock(file)?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "a Quorum server is using {}; stop it before restoring (nothing was changed)",
            file.display()
        ),
        Err(std::fs::TryLockError::Error(error)) => Err(error.into()),
    }
}

fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Io(io) => crate::config::plain_io_reason(io),
        other => other.to_string(),
    }
}

/// 128 random bits as 32 hex digits: ids for rows the store makes itself.
pub(crate) fn random_id() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    // The operating system's random source failing is an I/O failure in all but name.
    getrandom::fill(&mut bytes).map_err(|e| sqlx::Error::Io(std::io::Error::from(e)))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The time to the nanosecond as 24 hex digits: the start of an id that must sort in the order
/// rows were written (activity lines, named ballots, notifications).
pub(crate) fn time_prefix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:024x}")
}

/// An id that sorts in the order rows were written: [`time_prefix`] and 8 random hex digits.
pub(crate) fn time_ordered_id() -> Result<String, StoreError> {
    Ok(format!(
        "{}{}",
        time_prefix(),
        random_id()?.get(..8).unwrap_or("0")
    ))
}

pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// What the store's unit tests share: a fresh database with one account ("a1"), group
/// settings, and an admin's permit.
#[cfg(test)]
pub(crate) mod test_support {
    use super::Store;
    use crate::domain::groups::{JoinMode, MemberPermissions, Privacy, Settings};
    use crate::domain::permissions::{Action, Permit, Relation, permit};

    pub async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("q.db").display());
        let store = Store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        store
            .find_or_create_account("a1", "ann@example.org", 1)
            .await
            .unwrap();
        (dir, store)
    }

    pub fn settings(handle: &str, privacy: Privacy) -> Settings {
        Settings {
            name: handle.to_string(),
            handle: handle.to_string(),
            description: String::new(),
            privacy,
            join_mode: JoinMode::Invitation,
            permissions: MemberPermissions::default(),
        }
    }

    pub async fn admin_permit(store: &Store, handle: &str, action: Action) -> Permit {
        let group = store.group_by_handle(handle).await.unwrap().unwrap();
        permit(&group.id, &group.rules(), Relation::Admin, action).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_new_file_is_created_migrated_and_healthy_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("q.db").display());
        let store = Store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        store.migrate().await.unwrap();
        store.check().await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(store.sqlite())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(store.sqlite())
            .await
            .unwrap();
        assert_eq!(fk, 1);
        store.close().await;
    }

    #[tokio::test]
    async fn a_missing_folder_makes_the_database_unreachable() {
        let error = Store::open("sqlite:///nonexistent-quorum-dir/q.db")
            .await
            .err();
        assert!(
            matches!(error, Some(StoreError::Unreachable(_))),
            "{error:?}"
        );
    }
}
