//! Sends v2c traps to a daemon on 127.0.0.1 storing into a temporary SQLite file,
//! and prints how many were stored and how fast.
//!
//! `cargo run -p smic-trapd --example trapd_load -- [COUNT] [RATE_PER_S]`
//! (RATE 0 or absent: unpaced). With `SMIC_LOAD_TO=HOST:PORT` it only sends, to
//! another receiver (bench/compare-trapd.sh: snmptrapd, and `smic trapd` as a
//! process). Traps go out from eight source sockets in turn.

use std::io::Write;
use std::time::{Duration, Instant};

use smic_mibs::if_mib::LinkDown;
use smic_smi::{Oid, Value};
use smic_snmp::message::AnyPdu;
use smic_snmp::notify::Notice;
use smic_snmp::{Message, Pdu, PduType, VarBind, Version};
use smic_trapd::{Trapd, TrapdConfig};

fn datagram(n: u32) -> Vec<u8> {
    let mut notice = Notice {
        trap_oid: <LinkDown as smic_smi::object::Notification>::OID.clone(),
        uptime: n,
        varbinds: Vec::new(),
    };
    for column in [1, 7, 8] {
        notice.varbinds.push(VarBind {
            oid: Oid::from_vec(vec![1, 3, 6, 1, 2, 1, 2, 2, 1, column, 3]),
            value: Value::Integer(i32::try_from(column).unwrap_or(0)),
        });
    }
    Message {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind: PduType::TrapV2,
            request_id: i32::try_from(n).unwrap_or(0),
            error_status: 0,
            error_index: 0,
            varbinds: notice.to_varbinds(),
        }),
    }
    .encode()
}

/// Source sockets the traps are sent from in turn, as from several devices (a
/// receiver spreading senders over sockets sees more than one).
const SOURCES: usize = 8;

/// Sends `count` traps to `to`, `rate` a second (0: unpaced); how long it took.
fn send(count: u32, rate: u32, to: std::net::SocketAddr) -> std::io::Result<Duration> {
    let sockets = (0..SOURCES)
        .map(|_| std::net::UdpSocket::bind("127.0.0.1:0"))
        .collect::<std::io::Result<Vec<_>>>()?;
    let datagrams: Vec<Vec<u8>> = (0..count).map(datagram).collect();
    let start = Instant::now();
    for (n, datagram) in datagrams.iter().enumerate() {
        if rate > 0 {
            let due = start + Duration::from_secs_f64(n as f64 / f64::from(rate));
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        if let Some(socket) = sockets.get(n % SOURCES) {
            socket.send_to(datagram, to)?;
        }
    }
    Ok(start.elapsed())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: u32 = args.next().map_or(Ok(50_000), |c| c.parse())?;
    let rate: u32 = args.next().map_or(Ok(0), |r| r.parse())?;
    if let Ok(to) = std::env::var("SMIC_LOAD_TO") {
        let to: std::net::SocketAddr = to.parse()?;
        let sent_in = send(count, rate, to)?;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "sent {count} to {to} in {:.2} s",
            sent_in.as_secs_f64()
        )?;
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("smic-trapd-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let config = TrapdConfig {
        listen: vec!["udp:127.0.0.1:0".to_owned()],
        communities: vec!["public".to_owned()],
        database: dir.join("traps.sqlite").display().to_string(),
        queue_bound: 100_000,
        receive_buffer: Some(8 << 20),
        ..TrapdConfig::default()
    };
    let trapd = Trapd::bind(&config).await?;
    let to = trapd.udp_addresses()[0];
    let counters = trapd.counters();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    let start = Instant::now();
    let sent_in = tokio::task::spawn_blocking(move || send(count, rate, to)).await??;
    // Received stops growing once the socket's queue is empty.
    let mut last = u64::MAX;
    while counters.snapshot().received != last {
        last = counters.snapshot().received;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let received_in = start.elapsed() - Duration::from_millis(200);
    let _ = stop.send(());
    let stats = daemon.await?;
    let stored_in = start.elapsed();
    std::fs::remove_dir_all(&dir)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "sent {count} in {:.2} s ({:.0}/s{}); received {} ({:.1}%), stored {} in {:.2} s: {:.0} stored/s; dropped at the queue {}",
        sent_in.as_secs_f64(),
        f64::from(count) / sent_in.as_secs_f64(),
        if rate > 0 { ", paced" } else { ", unpaced" },
        stats.received,
        100.0 * stats.received as f64 / f64::from(count),
        stats.stored,
        stored_in.as_secs_f64(),
        stats.stored as f64 / received_in.as_secs_f64().max(stored_in.as_secs_f64()),
        stats.dropped,
    )?;
    Ok(())
}
