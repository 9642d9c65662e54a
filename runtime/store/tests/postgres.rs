//! The PostgreSQL backend against a real server the test starts (see `common/pg.rs`).

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::pg::PgServer;
use common::{exercise, exercise_large, inform, trap};
use smic_store::{Database, Query, Reader, Store, StoreConfig, StoreError, Stored};

fn config(server: &PgServer) -> StoreConfig {
    StoreConfig {
        retry_min: Duration::from_millis(20),
        retry_max: Duration::from_millis(500),
        ..StoreConfig::new(Database::Postgres(server.url()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_every_kind_deduplicates_and_filters() {
    let Some(server) = PgServer::start() else {
        return;
    };
    // Two stores starting together migrate once (the advisory lock).
    let (one, two) = tokio::join!(Store::open(config(&server)), Store::open(config(&server)));
    let (one, two) = (one.expect("open"), two.expect("open"));
    two.close().await;
    exercise(&one).await;
    exercise_large(&one).await;
    // PostgreSQL refuses NUL in text: that record alone fails, its batch is stored.
    let mut bad = trap(100);
    bad.trap_name = Some("bad\0name".to_owned());
    let bad = one.try_submit(bad).expect("room");
    let good = one.try_submit(trap(101)).expect("room");
    assert!(matches!(bad.await, Err(StoreError::Rejected(_))));
    assert!(matches!(good.await, Ok(Stored::Inserted(_))));
    assert_eq!(one.stats().rejected, 1);
    one.close().await;
    // A reader of its own sees the same rows.
    let reader = Reader::open(&Database::Postgres(server.url()))
        .await
        .expect("reader");
    assert_eq!(
        reader.query(&Query::default()).await.expect("query").len(),
        9,
        "exercise's 7, the large one and trap(101)"
    );
}

/// The server is stopped and started again while a burst is being written: the writer
/// reconnects, every record is acknowledged in the end, each is stored exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_restart_mid_burst_loses_and_duplicates_nothing() {
    const TOTAL: u32 = 6_000;
    let Some(server) = PgServer::start() else {
        return;
    };
    let store = Store::open(StoreConfig {
        queue_bound: 2_000,
        max_batch: 256,
        ..config(&server)
    })
    .await
    .expect("open");
    let submitter = store.submitter();
    let acked = Arc::new(AtomicUsize::new(0));
    let producer = {
        let acked = acked.clone();
        tokio::spawn(async move {
            let mut waiting = Vec::new();
            for n in 0..TOTAL {
                let ack = submitter.enqueue(trap(n)).await.expect("queued");
                let acked = acked.clone();
                waiting.push(tokio::spawn(async move {
                    let outcome = ack.await;
                    acked.fetch_add(1, Ordering::Relaxed);
                    (n, outcome)
                }));
                if n % 64 == 0 {
                    // Paced a little, so the restart lands mid-burst.
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
            let mut outcomes = Vec::new();
            for task in waiting {
                outcomes.push(task.await.expect("ack task"));
            }
            outcomes
        })
    };
    while acked.load(Ordering::Relaxed) < 1_000 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let at_stop = acked.load(Ordering::Relaxed);
    // Kept until the end: dropping the server stops it.
    let _server = tokio::task::spawn_blocking({
        let server = Arc::new(server);
        move || {
            server.stop();
            std::thread::sleep(Duration::from_millis(500));
            server.start_again();
            server
        }
    })
    .await
    .expect("restart");
    let outcomes = tokio::time::timeout(Duration::from_secs(120), producer)
        .await
        .expect("every record acknowledged after the restart")
        .expect("producer");
    assert!(at_stop < TOTAL as usize, "the restart came mid-burst");
    for (n, outcome) in &outcomes {
        assert!(
            matches!(outcome, Ok(Stored::Inserted(_))),
            "{n}: {outcome:?}"
        );
    }
    let stats = store.stats();
    assert!(stats.retries > 0, "the writer saw the server go: {stats:?}");

    let rows = store
        .query(&Query {
            limit: Some(1_000_000),
            ..Query::default()
        })
        .await
        .expect("query");
    let mut copies: BTreeMap<i32, usize> = BTreeMap::new();
    for row in &rows {
        *copies
            .entry(row.record.request_id.unwrap_or(-1))
            .or_default() += 1;
        assert_eq!(row.record.varbinds.len(), 2, "row {} is whole", row.id);
    }
    assert_eq!(copies.len(), TOTAL as usize, "nothing lost");
    assert!(copies.values().all(|&c| c == 1), "nothing stored twice");
    eprintln!(
        "PostgreSQL restart mid-burst: {TOTAL} records, {at_stop} acknowledged before the stop, \
         {} retries, {} transactions",
        stats.retries, stats.batches
    );
    store.close().await;
}

/// With a spill file: while the server is down, records are acknowledged once they
/// are in the local file; when it is back, the file drains into it — every record
/// once, the file left empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_spills_into_a_local_file_and_drains_back() {
    let Some(server) = PgServer::start() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let spill = dir.path().join("spill.sqlite");
    let store = Store::open(StoreConfig {
        spill: Some(spill.clone()),
        spill_after: Duration::from_millis(300),
        ..config(&server)
    })
    .await
    .expect("open");
    assert!(matches!(
        store.submit(inform(1)).await,
        Ok(Stored::Inserted(_))
    ));
    let server = tokio::task::spawn_blocking(move || {
        server.stop();
        server
    })
    .await
    .expect("stop");
    // Acknowledged although the server is down: spilled (the first after the wait).
    let started = std::time::Instant::now();
    let mut spilled = 0;
    for n in 2..=201 {
        let record = if n % 2 == 0 { inform(n) } else { trap(n) };
        match tokio::time::timeout(Duration::from_secs(20), store.submit(record)).await {
            Ok(Ok(Stored::Spilled)) => spilled += 1,
            other => panic!("record {n}: {other:?}"),
        }
    }
    assert_eq!(spilled, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    // A retransmitted inform is still a duplicate, in the file.
    assert!(matches!(
        store.submit(inform(2)).await,
        Ok(Stored::Duplicate)
    ));
    let server = tokio::task::spawn_blocking(move || {
        server.start_again();
        server
    })
    .await
    .expect("start");
    // New records go to the server again, and each batch moves spilled ones.
    let mut back = false;
    for n in 202..=260 {
        if let Ok(Stored::Inserted(_)) = store.submit(trap(n)).await {
            back = true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(back, "never wrote to the server again");
    let stats = store.close().await;
    // The records of the first moments after the restart may still be spilled: the
    // server is tried again every `spill_after`.
    assert!(stats.spilled >= 200, "{stats:?}");
    let reader = Reader::open(&Database::Postgres(server.url()))
        .await
        .expect("reader");
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = reader
            .query(&Query {
                after_id: after,
                limit: Some(1000),
                ..Query::default()
            })
            .await
            .expect("query");
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        all.extend(page);
    }
    let mut uptimes: Vec<u32> = all.iter().map(|r| r.record.uptime).collect();
    uptimes.sort_unstable();
    let total = uptimes.len();
    uptimes.dedup();
    assert_eq!(total, uptimes.len(), "a record stored twice");
    assert_eq!(total, 260, "every record in the server");
    let file = Reader::open(&Database::Sqlite(spill)).await.expect("spill");
    assert!(
        file.query(&Query::default())
            .await
            .expect("query")
            .is_empty(),
        "the spill file is drained"
    );
}
