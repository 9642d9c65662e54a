//! SQL storage for received SNMP notifications: SQLite (embedded, the default) or
//! PostgreSQL, one versioned schema on both.
//!
//! A [`Store`] has one writer task behind a bounded queue. [`Submitter::submit`] and
//! [`Submitter::try_submit`] hand it a [`NotificationRecord`]; the [`Ack`] they return
//! resolves only once the transaction holding the record is committed, so a receiver
//! acknowledges an inform only after it is durable. The writer commits in batches (by
//! count and by a short delay); while the database is unreachable it retries the same
//! batch with back-off (reconnecting to PostgreSQL), the queue fills, and
//! `try_submit` drops what does not fit, counted and logged.
//!
//! # De-duplication
//!
//! Every row has a unique `dedup_key`, and every INSERT is `ON CONFLICT DO NOTHING`.
//! For an inform the key is a SHA-256 digest of what a retransmission repeats (source
//! address, port and transport, version, community or USM user, engine and context,
//! request-id, `snmpTrapOID.0`, `sysUpTime.0` and every binding's OID, type and
//! value), not of when it arrived: a retransmission is stored once, however late, and
//! two receivers writing into one PostgreSQL store it once between them. Traps are
//! never retransmitted and two alike are two events, so each gets a key of its own (a
//! random per-store prefix and a counter): a batch retried after a commit whose answer
//! was lost is then not stored twice.
//!
//! ```no_run
//! # async fn demo(record: smic_store::NotificationRecord) -> Result<(), smic_store::StoreError> {
//! use smic_store::{Database, Store, StoreConfig};
//! let store = Store::open(StoreConfig::new(Database::parse("traps.sqlite")?)).await?;
//! let stored = store.submit(record).await?; // committed when this returns
//! store.close().await;
//! # Ok(()) }
//! ```

// Library code does not panic on what it is given: every index is checked, and an
// `expect` is a bug (tests index freely).
#![cfg_attr(not(test), warn(clippy::indexing_slicing, clippy::expect_used))]

mod config;
mod error;
mod json;
mod migrate;
mod postgres;
mod query;
mod record;
mod spill;
mod sqlite;
mod writer;

use std::sync::Arc;
use std::time::Duration;

pub use config::{Database, SqliteSync, StoreConfig};
pub use error::{StoreError, TrySubmitError};
pub use query::{Query, StoredNotification};
pub use record::{
    NotificationRecord, PduKind, Security, SecurityLevel, SnmpVersion, V1Trap, VarbindRecord,
};
pub use writer::{Ack, StoreStats, Stored, Submitter};

/// The schema version this program writes (the newest migration).
pub fn schema_version() -> i64 {
    migrate::latest()
}

/// An open store: the writer and a reader.
pub struct Store {
    submitter: Submitter,
    writer: tokio::task::JoinHandle<()>,
    reader: Reader,
}

impl Store {
    /// Opens (creating the SQLite file if needed), migrates the schema, and starts the
    /// writer on the current tokio runtime.
    pub async fn open(config: StoreConfig) -> Result<Store, StoreError> {
        let batching = writer::Batching {
            max_batch: config.max_batch,
            max_delay: config.max_delay,
            retry_min: config.retry_min,
            retry_max: config.retry_max,
        };
        let (submitter, writer, reader) = match &config.database {
            Database::Sqlite(path) => {
                let path = path.clone();
                let sync = config.sqlite_sync;
                let connection = tokio::task::spawn_blocking(move || {
                    let mut connection = sqlite::connect(&path, sync)?;
                    sqlite::migrate(&mut connection)?;
                    let reader = sqlite::SqliteReader::open(&path)?;
                    Ok::<_, StoreError>((connection, reader))
                })
                .await
                .map_err(|join| StoreError::Worker(join.to_string()))?;
                let (connection, reader) = connection?;
                let (submitter, writer) = writer::spawn(
                    sqlite::SqliteWriter::new(connection),
                    config.queue_bound,
                    batching,
                );
                (submitter, writer, Reader(Backing::Sqlite(reader)))
            }
            Database::Postgres(url) => {
                let mut client = postgres::connect(url).await?;
                postgres::migrate(&mut client).await?;
                let backend = postgres::PgWriter::new(url.clone(), client).await?;
                let reader = postgres::PgReader::open(url.clone()).await?;
                let (submitter, writer) = match &config.spill {
                    None => writer::spawn(backend, config.queue_bound, batching),
                    Some(path) => {
                        let path = path.clone();
                        let sync = config.sqlite_sync;
                        let opened = tokio::task::spawn_blocking({
                            let path = path.clone();
                            move || {
                                let mut connection = sqlite::connect(&path, sync)?;
                                sqlite::migrate(&mut connection)?;
                                let reader = sqlite::SqliteReader::open(&path)?;
                                Ok::<_, StoreError>((connection, reader))
                            }
                        })
                        .await
                        .map_err(|join| StoreError::Worker(join.to_string()))?;
                        let (connection, spill_reader) = opened?;
                        let backend = spill::Spilling::new(
                            backend,
                            sqlite::SqliteWriter::new(connection),
                            spill_reader,
                            path,
                            config.spill_after,
                        );
                        writer::spawn(backend, config.queue_bound, batching)
                    }
                };
                (
                    submitter,
                    writer,
                    Reader(Backing::Postgres(Arc::new(reader))),
                )
            }
        };
        Ok(Store {
            submitter,
            writer,
            reader,
        })
    }

    /// A handle for submitting from other tasks.
    pub fn submitter(&self) -> Submitter {
        self.submitter.clone()
    }

    /// [`Submitter::submit`]: queues and waits until committed.
    pub async fn submit(&self, record: NotificationRecord) -> Result<Stored, StoreError> {
        self.submitter.submit(record).await
    }

    /// [`Submitter::try_submit`]: queues without waiting, or drops.
    pub fn try_submit(&self, record: NotificationRecord) -> Result<Ack, TrySubmitError> {
        self.submitter.try_submit(record)
    }

    /// The writer's counters.
    pub fn stats(&self) -> StoreStats {
        self.submitter.stats()
    }

    /// The reading side.
    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    /// [`Reader::query`].
    pub async fn query(&self, query: &Query) -> Result<Vec<StoredNotification>, StoreError> {
        self.reader.query(query).await
    }

    /// Stops taking records and waits until everything queued is committed (or
    /// refused). Other [`Submitter`]s still alive keep the writer running until they
    /// are dropped too.
    ///
    /// Returns the writer's final counters.
    pub async fn close(self) -> StoreStats {
        let shared = self.submitter.shared();
        drop(self.submitter);
        if let Err(error) = self.writer.await {
            tracing::error!(%error, "the store's writer failed");
        }
        shared.counters.snapshot()
    }
}

/// Reads notifications back, from a [`Store`] or on its own (`smic traps`).
#[derive(Clone)]
pub struct Reader(Backing);

#[derive(Clone)]
enum Backing {
    Sqlite(sqlite::SqliteReader),
    Postgres(Arc<postgres::PgReader>),
}

impl Reader {
    /// Opens a database that a store has migrated, for reading only.
    pub async fn open(database: &Database) -> Result<Reader, StoreError> {
        match database {
            Database::Sqlite(path) => {
                let path = path.clone();
                let reader = tokio::task::spawn_blocking(move || sqlite::SqliteReader::open(&path))
                    .await
                    .map_err(|join| StoreError::Worker(join.to_string()))??;
                Ok(Reader(Backing::Sqlite(reader)))
            }
            Database::Postgres(url) => Ok(Reader(Backing::Postgres(Arc::new(
                postgres::PgReader::open(url.clone()).await?,
            )))),
        }
    }

    /// The notifications matching `query`, with their varbinds.
    pub async fn query(&self, query: &Query) -> Result<Vec<StoredNotification>, StoreError> {
        match &self.0 {
            Backing::Sqlite(reader) => reader.query(query).await,
            Backing::Postgres(reader) => reader.query(query).await,
        }
    }

    /// New notifications matching `query` as they are stored, polling every
    /// `interval`: starts after `query.after_id` (or at the beginning), oldest first.
    pub fn follow(&self, query: Query, interval: Duration) -> Follow {
        Follow {
            reader: self.clone(),
            query: Query {
                newest_first: false,
                ..query
            },
            interval,
        }
    }
}

/// New rows as they come: see [`Reader::follow`].
pub struct Follow {
    reader: Reader,
    query: Query,
    interval: Duration,
}

impl Follow {
    /// The next rows after those already returned; waits until there is at least one.
    ///
    /// With several PostgreSQL writers, ids are taken before commit, so a row can
    /// commit after one with a greater id and be passed over; with one writer, or
    /// SQLite, ids follow commit order.
    pub async fn next(&mut self) -> Result<Vec<StoredNotification>, StoreError> {
        loop {
            let rows = self.reader.query(&self.query).await?;
            if let Some(last) = rows.last() {
                self.query.after_id = Some(last.id);
                return Ok(rows);
            }
            tokio::time::sleep(self.interval).await;
        }
    }
}
