//! Writes N notifications as fast as the store commits them and prints the rate.
//!
//! `cargo run -p smic-store --example store_load -- DATABASE [COUNT] [normal]`
//! (DATABASE: an SQLite path or a postgresql:// URL; `normal` for synchronous=NORMAL).

use std::io::Write;
use std::time::{Instant, SystemTime};

use smic_store::{
    Database, NotificationRecord, PduKind, Security, SnmpVersion, SqliteSync, Store, StoreConfig,
    VarbindRecord,
};

fn record(n: u32) -> NotificationRecord {
    NotificationRecord {
        received_at: SystemTime::now(),
        source: "127.0.0.1".to_owned(),
        source_port: 40_000,
        transport: "udp".to_owned(),
        version: SnmpVersion::V2c,
        security: Security::Community(b"public".to_vec()),
        kind: PduKind::Trap,
        request_id: Some(i32::try_from(n).unwrap_or(i32::MAX)),
        trap_oid: "1.3.6.1.6.3.1.1.5.3".to_owned(),
        trap_name: Some("IF-MIB::linkDown".to_owned()),
        uptime: n,
        v1: None,
        raw_message: None,
        varbinds: (1..=3)
            .map(|i| VarbindRecord {
                oid: format!("1.3.6.1.2.1.2.2.1.{i}.3"),
                name: Some(format!("IF-MIB::ifEntry.{i}.3")),
                ber_type: 0x02,
                value: format!("INTEGER: {i}"),
                raw: vec![i],
            })
            .collect(),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let database = Database::parse(&args.next().ok_or("usage: store_load DATABASE [COUNT]")?)?;
    let count: u32 = args.next().map_or(Ok(100_000), |c| c.parse())?;
    let sync = match args.next().as_deref() {
        Some("normal") => SqliteSync::Normal,
        _ => SqliteSync::Full,
    };
    let store = Store::open(StoreConfig {
        sqlite_sync: sync,
        ..StoreConfig::new(database)
    })
    .await?;
    let submitter = store.submitter();
    let start = Instant::now();
    let waiter = tokio::spawn(async move {
        let mut acks = Vec::with_capacity(count as usize);
        for n in 0..count {
            acks.push(submitter.enqueue(record(n)).await?);
        }
        for ack in acks {
            ack.await?;
        }
        Ok::<_, smic_store::StoreError>(())
    });
    waiter.await??;
    let elapsed = start.elapsed();
    let stats = store.stats();
    store.close().await;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{count} records (3 varbinds each) committed in {:.2} s: {:.0}/s, {} transactions ({:.0} records each), {:?} sync",
        elapsed.as_secs_f64(),
        f64::from(count) / elapsed.as_secs_f64(),
        stats.batches,
        f64::from(count) / stats.batches.max(1) as f64,
        sync
    )?;
    Ok(())
}
