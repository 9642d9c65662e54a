//! The daemon writing into a real PostgreSQL (started by the test, with the store's
//! harness), acknowledged by net-snmp's `snmpinform` only after the commit.

// The store's harness, shared rather than copied; this test uses part of it.
#[allow(dead_code)]
#[path = "../../store/tests/common/pg.rs"]
mod pg;

use std::process::Command;
use std::time::Duration;

use pg::PgServer;
use smic_store::{Database, PduKind, Query, Reader};
use smic_trapd::{Trapd, TrapdConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snmpinform_into_postgresql() {
    let Some(server) = PgServer::start() else {
        return;
    };
    if Command::new("snmpinform").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "net-snmp's snmpinform is missing (apt-get install snmp) and CI is set"
        );
        eprintln!("SKIPPED: net-snmp's snmpinform is not installed (apt-get install snmp)");
        return;
    }
    let config = TrapdConfig {
        listen: vec!["udp:127.0.0.1:0".to_owned()],
        communities: vec!["public".to_owned()],
        database: server.url(),
        ..TrapdConfig::default()
    };
    let trapd = Trapd::bind(&config).await.expect("bind");
    let to = trapd.udp_addresses()[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    let inform = tokio::task::spawn_blocking(move || {
        Command::new("snmpinform")
            .args(["-m", "", "-v", "2c", "-c", "public", "-r", "0", "-t", "5"])
            .arg(to.to_string())
            .args([
                "42",
                "1.3.6.1.6.3.1.1.5.4",
                "1.3.6.1.2.1.2.2.1.1.2",
                "i",
                "2",
            ])
            .output()
            .expect("snmpinform")
    })
    .await
    .expect("task");
    assert!(
        inform.status.success(),
        "{}",
        String::from_utf8_lossy(&inform.stderr)
    );
    let reader = Reader::open(&Database::Postgres(server.url()))
        .await
        .expect("reader");
    let rows = reader.query(&Query::default()).await.expect("query");
    assert_eq!(rows.len(), 1, "committed before it was acknowledged");
    let row = &rows[0].record;
    assert_eq!(row.kind, PduKind::Inform);
    assert_eq!(row.trap_name.as_deref(), Some("IF-MIB::linkUp"));
    assert_eq!(row.varbinds[0].name.as_deref(), Some("IF-MIB::ifIndex.2"));
    let _ = stop.send(());
    let stats = daemon.await.expect("daemon");
    assert_eq!((stats.stored, stats.acknowledged), (1, 1), "{stats:?}");
}

/// An SNMPv2c inform of coldStart with this request-id.
fn inform(request_id: i32) -> Vec<u8> {
    use smic_snmp::message::AnyPdu;
    use smic_snmp::notify::Notice;
    use smic_snmp::{Message, Pdu, PduType, Version};
    let notice = Notice {
        trap_oid: "1.3.6.1.6.3.1.1.5.1".parse().expect("oid"),
        uptime: request_id.unsigned_abs(),
        varbinds: Vec::new(),
    };
    Message {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind: PduType::Inform,
            request_id,
            error_status: 0,
            error_index: 0,
            varbinds: notice.to_varbinds(),
        }),
    }
    .encode()
}

/// Two daemons write into one PostgreSQL: every notification once, none lost. Then
/// the server restarts while informs keep coming: the daemon reconnects, and every
/// inform it acknowledged is there once (an inform unanswered while the server was
/// down is retransmitted by its sender, as this one does).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_daemons_share_one_postgresql_through_a_restart() {
    let Some(server) = PgServer::start() else {
        return;
    };
    let config = TrapdConfig {
        listen: vec!["udp:127.0.0.1:0".to_owned()],
        communities: vec!["public".to_owned()],
        database: server.url(),
        ..TrapdConfig::default()
    };
    let mut daemons = Vec::new();
    for _ in 0..2 {
        let trapd = Trapd::bind(&config).await.expect("bind");
        let to = trapd.udp_addresses()[0];
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let daemon = tokio::spawn(trapd.run(async {
            let _ = stopped.await;
        }));
        daemons.push((to, stop, daemon));
    }
    // Each daemon gets its own traps; the same informs go to both, as a sender with a
    // redundant pair of receivers sends them: stored once (the inform's key is the
    // sender's, not the receiver's), acknowledged by both.
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("socket");
    for (n, (to, _, _)) in daemons.iter().enumerate() {
        let sender =
            smic_snmp::notify::TrapSender::community(*to, smic_snmp::Version::V2c, "public")
                .await
                .expect("sender");
        for uptime in 0..500 {
            let notice = smic_snmp::notify::Notice {
                trap_oid: "1.3.6.1.6.3.1.1.5.3".parse().expect("oid"),
                uptime: uptime + 1000 * n as u32,
                varbinds: Vec::new(),
            };
            sender.send(&notice).await.expect("send");
            if uptime % 50 == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    // Informs with retransmission, until each is acknowledged by `to`.
    async fn deliver(
        socket: &tokio::net::UdpSocket,
        to: std::net::SocketAddr,
        ids: std::ops::Range<i32>,
    ) -> usize {
        let mut acknowledged = std::collections::HashSet::new();
        let mut buf = vec![0; 4096];
        for _round in 0..200 {
            for id in ids.clone().filter(|id| !acknowledged.contains(id)) {
                socket.send_to(&inform(id), to).await.expect("send");
            }
            let deadline = tokio::time::Instant::now() + Duration::from_millis(200);
            while let Ok(Ok((n, _))) =
                tokio::time::timeout_at(deadline, socket.recv_from(&mut buf)).await
            {
                if let Ok(smic_snmp::Message {
                    pdu: smic_snmp::message::AnyPdu::Pdu(pdu),
                    ..
                }) = smic_snmp::Message::decode(&buf[..n])
                {
                    acknowledged.insert(pdu.request_id);
                }
            }
            if ids.clone().all(|id| acknowledged.contains(&id)) {
                break;
            }
        }
        acknowledged.len()
    }
    let (first, second) = (daemons[0].0, daemons[1].0);
    assert_eq!(deliver(&socket, first, 1..101).await, 100);
    assert_eq!(deliver(&socket, second, 1..101).await, 100);

    // The server goes down; informs 101..=400 are sent to the first daemon while it
    // is down and until it is back: none is acknowledged before it can be stored.
    let server = tokio::task::spawn_blocking(move || {
        server.stop();
        server
    })
    .await
    .expect("stop");
    let down_at = std::time::Instant::now();
    let restart = tokio::task::spawn_blocking(move || {
        std::thread::sleep(Duration::from_millis(1500));
        server.start_again();
        server
    });
    assert_eq!(
        deliver(&socket, first, 101..401).await,
        300,
        "every inform acknowledged in the end"
    );
    assert!(
        down_at.elapsed() >= Duration::from_millis(1500),
        "informs acknowledged while the database was down"
    );
    let server = restart.await.expect("restart");

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
    let traps = all
        .iter()
        .filter(|r| r.record.kind == PduKind::Trap)
        .count();
    assert_eq!(traps, 1000, "every trap from both daemons, once");
    let mut informs: Vec<(u16, i32)> = all
        .iter()
        .filter(|r| r.record.kind == PduKind::Inform)
        .map(|r| {
            (
                r.record.source_port,
                r.record.request_id.expect("request-id"),
            )
        })
        .collect();
    let total = informs.len();
    informs.sort();
    informs.dedup();
    assert_eq!(total, informs.len(), "no inform stored twice");
    assert_eq!(total, 100 + 300, "every acknowledged inform stored");
    let mut duplicates = 0;
    for (_, stop, daemon) in daemons {
        let _ = stop.send(());
        duplicates += daemon.await.expect("daemon").duplicates;
    }
    assert!(duplicates >= 100, "the pair's second copies: {duplicates}");
}
