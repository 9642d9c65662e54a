//! The writer: a bounded queue in front of one task that commits batches, and the
//! acknowledgements that resolve once a record's batch is committed.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::error::{StoreError, TrySubmitError};
use crate::record::{KEY_LEN, NotificationRecord};

/// What became of a submitted record, once its batch is committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// A new row with this id.
    Inserted(i64),
    /// A retransmission of an inform already stored (or stored in the same batch).
    Duplicate,
    /// Committed to the local spill file while the database was unreachable; moved
    /// into the database (with an id there) once it answers again.
    Spilled,
}

/// A record with its de-duplication key, as the backends write it.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) record: NotificationRecord,
    pub(crate) key: [u8; KEY_LEN],
}

/// A record waiting for the writer, and where its outcome goes.
struct Job {
    entry: Arc<Entry>,
    ack: oneshot::Sender<Result<Stored, StoreError>>,
}

/// Why a backend could not write a batch.
#[derive(Debug)]
pub(crate) struct WriteError {
    /// Worth retrying as it is (connection lost, database busy, disk full): nothing of
    /// the batch was committed, or, if the commit's answer was lost, retrying it
    /// stores nothing twice (every record has a unique key).
    pub(crate) transient: bool,
    pub(crate) error: StoreError,
}

/// A database the writer commits to.
pub(crate) trait Backend: Send + 'static {
    /// Writes `batch` in one transaction: one outcome per entry, in order.
    fn write(
        &mut self,
        batch: Vec<Arc<Entry>>,
    ) -> impl Future<Output = Result<Vec<Stored>, WriteError>> + Send;
    /// Gets ready to write again after a transient failure (reconnects).
    fn recover(&mut self) -> impl Future<Output = Result<(), WriteError>> + Send;
    /// Called once the queue is closed and empty, before the writer ends.
    fn finish(&mut self) -> impl Future<Output = ()> + Send {
        async {}
    }
}

/// The writer's counters, shared with every [`Submitter`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    submitted: AtomicU64,
    dropped_full: AtomicU64,
    inserted: AtomicU64,
    duplicates: AtomicU64,
    spilled: AtomicU64,
    rejected: AtomicU64,
    batches: AtomicU64,
    retries: AtomicU64,
}

/// A snapshot of the writer's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Records taken into the queue.
    pub submitted: u64,
    /// Records dropped because the queue was full.
    pub dropped_full: u64,
    /// Records committed as new rows.
    pub inserted: u64,
    /// Records found to be retransmissions already stored.
    pub duplicates: u64,
    /// Records committed to the spill file while the database was unreachable.
    pub spilled: u64,
    /// Records the database refused for good.
    pub rejected: u64,
    /// Transactions committed.
    pub batches: u64,
    /// Writes retried after a transient failure.
    pub retries: u64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> StoreStats {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        StoreStats {
            submitted: get(&self.submitted),
            dropped_full: get(&self.dropped_full),
            inserted: get(&self.inserted),
            duplicates: get(&self.duplicates),
            spilled: get(&self.spilled),
            rejected: get(&self.rejected),
            batches: get(&self.batches),
            retries: get(&self.retries),
        }
    }
}

fn bump(counter: &AtomicU64) -> u64 {
    counter.fetch_add(1, Ordering::Relaxed) + 1
}

/// State shared by the submitters of one store.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) counters: Counters,
    /// Random per store: with `next_key`, the keys of records that are not informs.
    key_prefix: [u8; KEY_LEN - 8],
    next_key: AtomicU64,
}

impl Shared {
    pub(crate) fn new() -> Shared {
        let mut key_prefix = [0; KEY_LEN - 8];
        // Without the OS's randomness the prefix falls back to the clock and process,
        // still unique enough across restarts; the inform keys do not depend on it.
        if getrandom::fill(&mut key_prefix).is_err() {
            let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
            let digest: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(seed.as_bytes()).into();
            key_prefix.copy_from_slice(&digest[..KEY_LEN - 8]);
        }
        Shared {
            counters: Counters::default(),
            key_prefix,
            next_key: AtomicU64::new(0),
        }
    }

    /// An inform's content key, or a key no other record has: a retried batch then
    /// stores nothing twice, and distinct traps that look alike are all kept.
    fn key(&self, record: &NotificationRecord) -> [u8; KEY_LEN] {
        if let Some(key) = record.inform_key() {
            return key;
        }
        let mut key = [0; KEY_LEN];
        key[..KEY_LEN - 8].copy_from_slice(&self.key_prefix);
        let n = self.next_key.fetch_add(1, Ordering::Relaxed);
        key[KEY_LEN - 8..].copy_from_slice(&n.to_be_bytes());
        key
    }
}

/// The outcome of one submitted record: resolves when its batch is committed (or the
/// database refused it for good). Dropping it does not withdraw the record.
#[derive(Debug)]
pub struct Ack(oneshot::Receiver<Result<Stored, StoreError>>);

impl Future for Ack {
    type Output = Result<Stored, StoreError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|outcome| outcome.unwrap_or(Err(StoreError::Closed)))
    }
}

/// Hands records to the writer; cheap to clone, one per receiving task.
#[derive(Clone, Debug)]
pub struct Submitter {
    queue: mpsc::Sender<Job>,
    shared: Arc<Shared>,
}

impl Submitter {
    fn job(&self, record: NotificationRecord) -> (Job, Ack) {
        let key = self.shared.key(&record);
        let (ack, done) = oneshot::channel();
        let job = Job {
            entry: Arc::new(Entry { record, key }),
            ack,
        };
        (job, Ack(done))
    }

    /// Queues `record`, waiting for room; the [`Ack`] resolves once it is committed.
    pub async fn enqueue(&self, record: NotificationRecord) -> Result<Ack, StoreError> {
        let (job, ack) = self.job(record);
        self.queue.send(job).await.map_err(|_| StoreError::Closed)?;
        bump(&self.shared.counters.submitted);
        Ok(ack)
    }

    /// Queues `record` and waits until it is committed.
    pub async fn submit(&self, record: NotificationRecord) -> Result<Stored, StoreError> {
        self.enqueue(record).await?.await
    }

    /// Queues `record` if there is room, without waiting. A full queue drops the
    /// record: counted in [`StoreStats::dropped_full`], logged, and handed back.
    pub fn try_submit(&self, record: NotificationRecord) -> Result<Ack, TrySubmitError> {
        let (job, ack) = self.job(record);
        match self.queue.try_send(job) {
            Ok(()) => {
                bump(&self.shared.counters.submitted);
                Ok(ack)
            }
            Err(mpsc::error::TrySendError::Full(job)) => {
                let dropped = bump(&self.shared.counters.dropped_full);
                let record = unwrap_entry(job.entry);
                tracing::warn!(
                    source = %record.source,
                    trap_oid = %record.trap_oid,
                    dropped,
                    "store queue full: notification dropped"
                );
                Err(TrySubmitError::Full(Box::new(record)))
            }
            Err(mpsc::error::TrySendError::Closed(job)) => {
                Err(TrySubmitError::Closed(Box::new(unwrap_entry(job.entry))))
            }
        }
    }

    /// The writer's counters.
    pub fn stats(&self) -> StoreStats {
        self.shared.counters.snapshot()
    }

    /// The counters, without keeping the writer alive.
    pub(crate) fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }
}

/// The record of a job that never reached the writer (so its entry is not shared).
fn unwrap_entry(entry: Arc<Entry>) -> NotificationRecord {
    Arc::try_unwrap(entry).map_or_else(|shared| shared.record.clone(), |entry| entry.record)
}

/// How the writer batches and retries.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Batching {
    pub(crate) max_batch: usize,
    pub(crate) max_delay: Duration,
    pub(crate) retry_min: Duration,
    pub(crate) retry_max: Duration,
}

/// Starts the writer task over `backend`.
pub(crate) fn spawn<B: Backend>(
    backend: B,
    bound: usize,
    batching: Batching,
) -> (Submitter, tokio::task::JoinHandle<()>) {
    let (queue, jobs) = mpsc::channel(bound.max(1));
    let shared = Arc::new(Shared::new());
    let writer = Writer {
        backend,
        jobs,
        batching,
        shared: shared.clone(),
    };
    let task = tokio::spawn(writer.run());
    (Submitter { queue, shared }, task)
}

struct Writer<B> {
    backend: B,
    jobs: mpsc::Receiver<Job>,
    batching: Batching,
    shared: Arc<Shared>,
}

impl<B: Backend> Writer<B> {
    /// Commits batches until every submitter is gone and the queue is empty.
    async fn run(mut self) {
        let max = self.batching.max_batch.max(1);
        let mut jobs = Vec::with_capacity(max);
        while self.jobs.recv_many(&mut jobs, max).await > 0 {
            self.gather(&mut jobs, max).await;
            let batch: Vec<Arc<Entry>> = jobs.iter().map(|job| job.entry.clone()).collect();
            let outcomes = self.write_all(batch).await;
            let counters = &self.shared.counters;
            for (job, outcome) in jobs.drain(..).zip(outcomes) {
                match &outcome {
                    Ok(Stored::Inserted(_)) => bump(&counters.inserted),
                    Ok(Stored::Duplicate) => bump(&counters.duplicates),
                    Ok(Stored::Spilled) => bump(&counters.spilled),
                    Err(_) => bump(&counters.rejected),
                };
                // A submitter that stopped waiting is fine: the record is stored.
                let _ = job.ack.send(outcome);
            }
        }
        self.backend.finish().await;
    }

    /// Waits up to `max_delay` for the batch to fill.
    async fn gather(&mut self, jobs: &mut Vec<Job>, max: usize) {
        if self.batching.max_delay.is_zero() {
            return;
        }
        let deadline = Instant::now() + self.batching.max_delay;
        while jobs.len() < max {
            let room = max - jobs.len();
            match tokio::time::timeout_at(deadline, self.jobs.recv_many(jobs, room)).await {
                Ok(n) if n > 0 => {}
                _ => break,
            }
        }
    }

    /// One outcome per entry. A batch the database refuses for good is written again
    /// one record at a time, so one bad record costs only itself.
    async fn write_all(&mut self, batch: Vec<Arc<Entry>>) -> Vec<Result<Stored, StoreError>> {
        let len = batch.len();
        match self.write_retrying(batch.clone()).await {
            Ok(stored) => stored.into_iter().map(Ok).collect(),
            Err(error) if len == 1 => vec![Err(rejected(error))],
            Err(error) => {
                tracing::warn!(%error, len, "batch refused; writing its records one by one");
                let mut outcomes = Vec::with_capacity(len);
                for entry in batch {
                    outcomes.push(match self.write_retrying(vec![entry]).await {
                        Ok(mut stored) => stored.pop().ok_or(StoreError::Closed),
                        Err(error) => {
                            tracing::error!(%error, "record refused by the database");
                            Err(rejected(error))
                        }
                    });
                }
                outcomes
            }
        }
    }

    /// Writes `batch`, retrying transient failures with exponential back-off for as
    /// long as they last: nothing is acknowledged before it is committed.
    async fn write_retrying(&mut self, batch: Vec<Arc<Entry>>) -> Result<Vec<Stored>, StoreError> {
        let mut wait = self.batching.retry_min;
        loop {
            let failure = match self.backend.write(batch.clone()).await {
                Ok(stored) => {
                    bump(&self.shared.counters.batches);
                    return Ok(stored);
                }
                Err(failure) if !failure.transient => return Err(failure.error),
                Err(failure) => failure,
            };
            let retries = bump(&self.shared.counters.retries);
            tracing::warn!(error = %failure.error, retries, ?wait, "database write failed; retrying");
            loop {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(self.batching.retry_max);
                match self.backend.recover().await {
                    Ok(()) => break,
                    Err(failure) if !failure.transient => return Err(failure.error),
                    Err(failure) => {
                        tracing::warn!(error = %failure.error, ?wait, "database still unreachable");
                    }
                }
            }
        }
    }
}

fn rejected(error: StoreError) -> StoreError {
    match error {
        StoreError::Rejected(_) => error,
        other => StoreError::Rejected(other.to_string()),
    }
}
