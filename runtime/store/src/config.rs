//! How a store is opened: where, and how its writer batches and retries.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::StoreError;

/// Where the notifications go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL server, as a libpq-style URL (`postgresql://user@host:port/db`).
    Postgres(String),
}

impl Database {
    /// `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite:PATH`, `sqlite://PATH`
    /// or a plain path is SQLite.
    pub fn parse(url: &str) -> Result<Database, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Database::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err(StoreError::Url {
                url: url.to_owned(),
                reason: "no SQLite file named".to_owned(),
            });
        }
        if path.contains("://") {
            return Err(StoreError::Url {
                url: url.to_owned(),
                reason: "only postgresql:// URLs and SQLite paths are known".to_owned(),
            });
        }
        Ok(Database::Sqlite(PathBuf::from(path)))
    }
}

/// When SQLite calls `fsync`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SqliteSync {
    /// `synchronous=FULL`: the WAL is synced at every commit, so an acknowledged inform
    /// survives a power cut or an OS crash, not only a crash of this process. With
    /// batching that is one sync per batch. The default, because an acknowledgement
    /// tells the sender it may forget the notification.
    #[default]
    Full,
    /// `synchronous=NORMAL`: the WAL is synced only at checkpoints. A crash of the
    /// process loses nothing committed; a power cut can lose the last commits.
    Normal,
}

/// Everything [`crate::Store::open`] needs.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// Where to write.
    pub database: Database,
    /// The most records waiting for the writer; past it [`crate::Store::try_submit`]
    /// drops (and counts) and [`crate::Store::submit`] waits. This is also the memory
    /// bound while the database is unreachable.
    pub queue_bound: usize,
    /// The most records committed in one transaction.
    pub max_batch: usize,
    /// How long the writer waits for a batch to fill once it has a record. Zero
    /// commits whatever is queued at once (batches still form while a commit runs).
    pub max_delay: Duration,
    /// SQLite's durability (ignored for PostgreSQL).
    pub sqlite_sync: SqliteSync,
    /// The first wait before retrying after the database failed; doubled each time.
    pub retry_min: Duration,
    /// The longest wait between retries.
    pub retry_max: Duration,
    /// PostgreSQL only: a local SQLite file that takes the batches once the database
    /// has been unreachable for `spill_after`, drained into it when it answers again.
    /// `None`: records wait in the queue (bounded) until it answers.
    pub spill: Option<PathBuf>,
    /// How long the database may fail before batches go to `spill`.
    pub spill_after: Duration,
}

impl StoreConfig {
    /// The defaults for `database`: 10,000 records queued, batches of up to 512,
    /// gathered for up to 2 ms, FULL sync, retries from 50 ms to 5 s, no spill file
    /// (2 s before spilling when one is set).
    pub fn new(database: Database) -> StoreConfig {
        StoreConfig {
            database,
            queue_bound: 10_000,
            max_batch: 512,
            max_delay: Duration::from_millis(2),
            sqlite_sync: SqliteSync::Full,
            retry_min: Duration::from_millis(50),
            retry_max: Duration::from_secs(5),
            spill: None,
            spill_after: Duration::from_secs(2),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend() {
        assert_eq!(
            Database::parse("postgresql://u@127.0.0.1:5432/traps").ok(),
            Some(Database::Postgres(
                "postgresql://u@127.0.0.1:5432/traps".to_owned()
            ))
        );
        assert_eq!(
            Database::parse("sqlite:/var/lib/traps.db").ok(),
            Some(Database::Sqlite("/var/lib/traps.db".into()))
        );
        assert_eq!(
            Database::parse("traps.sqlite").ok(),
            Some(Database::Sqlite("traps.sqlite".into()))
        );
        assert!(Database::parse("mysql://x").is_err());
        assert!(Database::parse("sqlite:").is_err());
    }
}
