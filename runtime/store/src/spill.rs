//! A local SQLite file that takes the batches while the primary database
//! (PostgreSQL) is unreachable, so informs are still acknowledged — once durably in the
//! file — and bursts are not dropped at the queue. When the primary answers again, the
//! file is drained into it, oldest first, a batch at a time after each batch of new
//! records, under their original keys: a row moved twice (a crash between the
//! primary's commit and the file's delete) is stored once.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::query::Query;
use crate::sqlite::{SqliteReader, SqliteWriter};
use crate::writer::{Backend, Entry, Stored, WriteError};

/// Rows moved from the file to the primary per batch.
const DRAIN_BATCH: u32 = 256;

/// The primary with a spill file behind it.
pub(crate) struct Spilling<P> {
    primary: P,
    file: SqliteWriter,
    reader: SqliteReader,
    path: PathBuf,
    /// How long the primary may fail before batches go to the file.
    after: Duration,
    down_since: Option<Instant>,
    /// When the primary was last tried while spilling.
    probed: Instant,
    /// Rows may be waiting in the file.
    pending: bool,
}

impl<P: Backend> Spilling<P> {
    /// Over `primary`, spilling into the SQLite file at `path` (opened and migrated by
    /// the caller); rows already in it are drained first.
    pub(crate) fn new(
        primary: P,
        file: SqliteWriter,
        reader: SqliteReader,
        path: PathBuf,
        after: Duration,
    ) -> Spilling<P> {
        Spilling {
            primary,
            file,
            reader,
            path,
            after,
            down_since: None,
            probed: Instant::now(),
            pending: true,
        }
    }

    fn spilling(&self) -> bool {
        self.down_since
            .is_some_and(|since| since.elapsed() >= self.after)
    }

    /// Moves one batch of spilled rows into the primary; `false` when the file is
    /// empty or the primary failed (the rows stay in the file).
    async fn drain_one(&mut self) -> bool {
        let rows = match self
            .reader
            .query(&Query {
                limit: Some(DRAIN_BATCH),
                ..Query::default()
            })
            .await
        {
            Ok(rows) => rows,
            Err(error) => {
                tracing::error!(%error, path = %self.path.display(), "spill file unreadable");
                return false;
            }
        };
        if rows.is_empty() {
            if self.pending {
                tracing::info!(path = %self.path.display(), "spill file drained");
            }
            self.pending = false;
            return false;
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let keys = match self.reader.keys(ids.clone()).await {
            Ok(keys) => keys,
            Err(error) => {
                tracing::error!(%error, "spill file keys unreadable");
                return false;
            }
        };
        let entries: Vec<Arc<Entry>> = rows
            .into_iter()
            .zip(keys)
            .map(|(row, key)| {
                Arc::new(Entry {
                    record: row.record,
                    key,
                })
            })
            .collect();
        let moved = entries.len();
        if let Err(failure) = self.primary.write(entries).await {
            tracing::warn!(error = %failure.error, "spilled rows not moved yet");
            return false;
        }
        if let Err(error) = self.file.delete(ids).await {
            // Moved but still in the file: moved again later, stored once by key.
            tracing::error!(%error, "spilled rows moved but not deleted from the file");
            return false;
        }
        tracing::debug!(moved, "spilled rows moved to the database");
        true
    }
}

impl<P: Backend> Backend for Spilling<P> {
    async fn write(&mut self, batch: Vec<Arc<Entry>>) -> Result<Vec<Stored>, WriteError> {
        // While spilling, the primary is tried again every `after`.
        if self.spilling() && self.probed.elapsed() >= self.after {
            self.probed = Instant::now();
            if self.primary.recover().await.is_ok() {
                self.down_since = None;
            }
        }
        if !self.spilling() {
            match self.primary.write(batch.clone()).await {
                Ok(stored) => {
                    if self.down_since.take().is_some() {
                        tracing::info!("database reachable again");
                    }
                    if self.pending {
                        self.drain_one().await;
                    }
                    return Ok(stored);
                }
                Err(failure) if !failure.transient => return Err(failure),
                Err(failure) => {
                    let since = *self.down_since.get_or_insert_with(Instant::now);
                    if since.elapsed() < self.after {
                        return Err(failure);
                    }
                }
            }
        }
        // The primary has been failing for `after`: into the file, durably.
        let stored = self.file.write(batch).await?;
        if !self.pending {
            tracing::warn!(path = %self.path.display(), "database unreachable: spilling into the local file");
        }
        self.pending = true;
        Ok(stored
            .into_iter()
            .map(|s| match s {
                Stored::Inserted(_) => Stored::Spilled,
                other => other,
            })
            .collect())
    }

    async fn recover(&mut self) -> Result<(), WriteError> {
        match self.primary.recover().await {
            Ok(()) => {
                // Reconnected: the next write goes to the primary again.
                self.down_since = None;
                Ok(())
            }
            // While spilling, the file is there to write to.
            Err(failure) if failure.transient && self.spilling() => Ok(()),
            Err(failure) => {
                self.down_since.get_or_insert_with(Instant::now);
                Err(failure)
            }
        }
    }

    async fn finish(&mut self) {
        // What the file holds goes to the primary before the writer ends, as far as
        // it answers; the rest waits in the file for the next start.
        if self.spilling() {
            return;
        }
        while self.pending && self.drain_one().await {}
    }
}
