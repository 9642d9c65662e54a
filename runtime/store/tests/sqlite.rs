//! The SQLite backend on real files in temporary directories.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{exercise, exercise_large, trap};
use smic_store::{Database, Query, Reader, SqliteSync, Store, StoreConfig, Stored, TrySubmitError};

fn config(path: &Path) -> StoreConfig {
    StoreConfig::new(Database::Sqlite(path.to_owned()))
}

fn integrity(path: &Path) -> String {
    let connection = rusqlite::Connection::open(path).expect("open");
    connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity_check")
}

fn all() -> Query {
    Query {
        limit: Some(1_000_000),
        ..Query::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_every_kind_deduplicates_and_filters() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(config(&dir.path().join("traps.sqlite")))
        .await
        .expect("open");
    exercise(&store).await;
    exercise_large(&store).await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopened_store_sees_everything_acknowledged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("traps.sqlite");
    let store = Store::open(config(&path)).await.expect("open");
    let submitter = store.submitter();
    let mut acks = Vec::new();
    for n in 0..2_000 {
        acks.push(submitter.enqueue(trap(n)).await.expect("queued"));
    }
    for ack in acks {
        assert!(matches!(ack.await, Ok(Stored::Inserted(_))));
    }
    let batches = store.stats().batches;
    assert!(
        batches < 2_000,
        "records were batched: {batches} transactions"
    );
    drop(submitter);
    store.close().await;

    let store = Store::open(config(&path)).await.expect("reopen");
    let rows = store.query(&all()).await.expect("query");
    let found: BTreeSet<i32> = rows.iter().filter_map(|r| r.record.request_id).collect();
    assert_eq!(found, (0..2_000).collect());
    assert!(
        rows.iter()
            .all(|r| r.record == trap(r.record.request_id.unwrap_or(-1) as u32))
    );
    store.close().await;

    let connection = rusqlite::Connection::open(&path).expect("open");
    let migrations: i64 = connection
        .query_row("SELECT COUNT(*) FROM smic_schema_migrations", [], |row| {
            row.get(0)
        })
        .expect("migrations");
    assert_eq!(migrations, smic_store::schema_version(), "migrated once");
    let mode: String = connection
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("journal_mode");
    assert_eq!(mode, "wal");
    assert_eq!(integrity(&path), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_drops_counts_and_hands_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("traps.sqlite");
    let store = Store::open(StoreConfig {
        queue_bound: 4,
        max_batch: 1,
        max_delay: Duration::ZERO,
        ..config(&path)
    })
    .await
    .expect("open");
    // Another process's write lock stalls the writer (SQLITE_BUSY, retried).
    let blocker = rusqlite::Connection::open(&path).expect("open");
    blocker.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let mut acks = Vec::new();
    let dropped = loop {
        match store.try_submit(trap(acks.len() as u32)) {
            Ok(ack) => acks.push(ack),
            Err(TrySubmitError::Full(record)) => break record,
            Err(other) => panic!("{other:?}"),
        }
        assert!(acks.len() <= 4 + 1, "the bound held: {} queued", acks.len());
        tokio::task::yield_now().await;
    };
    assert_eq!(
        dropped.request_id,
        Some(acks.len() as i32),
        "the record is handed back"
    );
    assert_eq!(store.stats().dropped_full, 1);
    blocker.execute_batch("COMMIT").expect("unlock");
    for ack in acks {
        assert!(matches!(ack.await, Ok(Stored::Inserted(_))));
    }
    let stored = store.query(&all()).await.expect("query").len();
    assert_eq!(stored as u64, store.stats().submitted);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_opens_only_a_migrated_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("empty.sqlite");
    rusqlite::Connection::open(&path).expect("create");
    assert!(matches!(
        Reader::open(&Database::Sqlite(path.clone())).await,
        Err(smic_store::StoreError::NoSchema)
    ));
    let store = Store::open(config(&path)).await.expect("open");
    store.submit(trap(1)).await.expect("stored");
    let reader = Reader::open(&Database::Sqlite(path)).await.expect("reader");
    let mut follow = reader.follow(Query::default(), Duration::from_millis(10));
    assert_eq!(follow.next().await.expect("first").len(), 1);
    store.submit(trap(2)).await.expect("stored");
    store.submit(trap(3)).await.expect("stored");
    let next = follow.next().await.expect("next");
    let ids: Vec<Option<i32>> = next.iter().map(|r| r.record.request_id).collect();
    assert_eq!(ids, [Some(2), Some(3)]);
    store.close().await;
}

/// The environment variable that makes this test binary the child writer of
/// [`kill_9_mid_burst_loses_nothing_acknowledged`].
const CHILD: &str = "SMIC_STORE_KILL_CHILD";
/// How many acknowledgements the parent waits for before it kills the child.
const ACKS_BEFORE_KILL: usize = 3_000;

/// The child: writes traps as fast as it can and prints each one's number once it is
/// acknowledged, until it is killed.
async fn child_writer(path: &Path) {
    let store = Store::open(StoreConfig {
        sqlite_sync: SqliteSync::Full,
        ..config(path)
    })
    .await
    .expect("open");
    let submitter = store.submitter();
    for n in 0..1_000_000 {
        let ack = submitter.enqueue(trap(n)).await.expect("queued");
        tokio::spawn(async move {
            if let Ok(Stored::Inserted(_)) = ack.await {
                let mut out = std::io::stdout().lock();
                // A closed pipe means the parent is gone; nothing to do.
                let _ = writeln!(out, "acked {n}").and_then(|()| out.flush());
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_burst_loses_nothing_acknowledged() {
    if let Some(path) = std::env::var_os(CHILD) {
        child_writer(Path::new(&path)).await;
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("traps.sqlite");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "kill_9_mid_burst_loses_nothing_acknowledged",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the child writer");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut acked = BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.len() < ACKS_BEFORE_KILL {
        assert!(
            Instant::now() < deadline,
            "the child acknowledged only {}",
            acked.len()
        );
        let line = lines.next().expect("the child died early").expect("read");
        if let Some(n) = line.strip_prefix("acked ") {
            acked.insert(n.parse::<i32>().expect("a number"));
        }
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    // Acknowledgements printed before the kill count too.
    for line in lines {
        if let Some(n) = line.expect("read").strip_prefix("acked ") {
            acked.insert(n.parse::<i32>().expect("a number"));
        }
    }

    assert_eq!(integrity(&path), "ok");
    let store = Store::open(config(&path))
        .await
        .expect("reopen after kill -9");
    let rows = store.query(&all()).await.expect("query");
    let stored: BTreeSet<i32> = rows.iter().filter_map(|r| r.record.request_id).collect();
    let lost: Vec<&i32> = acked.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged rows lost: {lost:?}",
        lost.len()
    );
    assert!(
        rows.iter().all(|r| r.record.varbinds.len() == 2),
        "every stored row is whole"
    );
    eprintln!(
        "kill -9: {} acknowledged, {} stored, 0 lost",
        acked.len(),
        rows.len()
    );
    store.close().await;
}
