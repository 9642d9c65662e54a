//! Datagrams that are not notifications the daemon may store: refused and counted,
//! nothing stored, and the daemon goes on receiving.

use std::time::Duration;

use smic_mibs::snmpv2_mib::ColdStart;
use smic_snmp::message::AnyPdu;
use smic_snmp::notify::Notice;
use smic_snmp::{Message, Pdu, PduType, Version};
use smic_store::{Database, Query, Reader};
use smic_trapd::{Trapd, TrapdConfig};
use tokio::net::UdpSocket;

fn trap(community: &[u8], kind: PduType) -> Vec<u8> {
    Message {
        version: Version::V2c,
        community: community.to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind,
            request_id: 7,
            error_status: 0,
            error_index: 0,
            varbinds: Notice::typed(&ColdStart, 100).to_varbinds(),
        }),
    }
    .encode()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_unauthorized_datagrams_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("traps.sqlite");
    let config = TrapdConfig {
        listen: vec!["udp:127.0.0.1:0".to_owned()],
        communities: vec!["public".to_owned()],
        database: db.display().to_string(),
        ..TrapdConfig::default()
    };
    let trapd = Trapd::bind(&config).await.expect("bind");
    let to = trapd.udp_addresses()[0];
    let counters = trapd.counters();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));

    let good = trap(b"public", PduType::TrapV2);
    let mut trailing = good.clone();
    trailing.push(0);
    let bad: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0x30],
        vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        b"not SNMP at all".to_vec(),
        good[..good.len() - 3].to_vec(),
        trailing,
        trap(b"wrong", PduType::TrapV2),
        trap(b"public", PduType::Get),
        (0..=255u8).cycle().take(2_000).collect(),
    ];
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("socket");
    for datagram in &bad {
        socket.send_to(datagram, to).await.expect("send");
    }
    socket.send_to(&good, to).await.expect("send");

    let reader = Reader::open(&Database::Sqlite(db)).await.expect("reader");
    let mut stored = Vec::new();
    for _ in 0..200 {
        stored = reader.query(&Query::default()).await.expect("query");
        if !stored.is_empty() && counters.snapshot().refused >= bad.len() as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(stored.len(), 1, "only the good trap is stored");
    assert_eq!(
        stored[0].record.trap_name.as_deref(),
        Some("SNMPv2-MIB::coldStart")
    );
    assert_eq!(counters.snapshot().refused, bad.len() as u64);
    let _ = stop.send(());
    let stats = daemon.await.expect("daemon");
    assert_eq!((stats.received, stats.stored), (1, 1), "{stats:?}");
}

/// The largest notifications a datagram carries: 3,000 varbinds, a 60,000-byte value
/// that is not UTF-8. Stored whole, every byte read back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_largest_datagrams_are_stored_whole() {
    use smic_smi::{Oid, Value};
    use smic_snmp::VarBind;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("traps.sqlite");
    let config = TrapdConfig {
        listen: vec!["udp:127.0.0.1:0".to_owned()],
        communities: vec!["public".to_owned()],
        database: db.display().to_string(),
        receive_buffer: Some(1 << 20),
        ..TrapdConfig::default()
    };
    let trapd = Trapd::bind(&config).await.expect("bind");
    let to = trapd.udp_addresses()[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    let with = |varbinds: Vec<VarBind>| {
        let mut all = Notice::typed(&ColdStart, 1).to_varbinds();
        all.extend(varbinds);
        Message {
            version: Version::V2c,
            community: b"public".to_vec(),
            pdu: AnyPdu::Pdu(Pdu {
                kind: PduType::TrapV2,
                request_id: 1,
                error_status: 0,
                error_index: 0,
                varbinds: all,
            }),
        }
        .encode()
    };
    let many = with(
        (0..3_000u32)
            .map(|i| VarBind {
                oid: Oid::from_vec(vec![1, 3, 6, 1, 4, 1, 99999, 1, i]),
                value: Value::Integer(i as i32),
            })
            .collect(),
    );
    let blob = vec![0xff_u8; 60_000];
    let big = with(vec![VarBind {
        oid: Oid::from_vec(vec![1, 3, 6, 1, 4, 1, 99999, 2]),
        value: Value::OctetString(blob.clone()),
    }]);
    assert!(
        many.len() < 65_507 && big.len() < 65_507,
        "{} {}",
        many.len(),
        big.len()
    );
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("socket");
    socket.send_to(&many, to).await.expect("send");
    socket.send_to(&big, to).await.expect("send");
    let reader = Reader::open(&Database::Sqlite(db)).await.expect("reader");
    let mut stored = Vec::new();
    for _ in 0..500 {
        stored = reader.query(&Query::default()).await.expect("query");
        if stored.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(stored.len(), 2);
    let (mut counts, mut found_blob) = (Vec::new(), false);
    for row in &stored {
        counts.push(row.record.varbinds.len());
        if let Some(vb) = row
            .record
            .varbinds
            .first()
            .filter(|vb| vb.raw.len() == 60_000)
        {
            assert_eq!(vb.raw, blob);
            assert!(
                vb.value.starts_with("Hex-STRING: FF FF "),
                "{}",
                &vb.value[..40]
            );
            found_blob = true;
        }
    }
    counts.sort_unstable();
    assert_eq!(counts, [1, 3_000]);
    assert!(found_blob);
    let _ = stop.send(());
    daemon.await.expect("daemon");
}

/// 10,000 varbinds do not fit a datagram; over TCP (RFC 3430) they do, and are stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_varbinds_over_tcp_are_stored() {
    use smic_smi::{Oid, Value};
    use smic_snmp::VarBind;
    use smic_snmp::transport::Address;
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("traps.sqlite");
    let config = TrapdConfig {
        listen: vec!["tcp:127.0.0.1:0".to_owned()],
        communities: vec!["public".to_owned()],
        database: db.display().to_string(),
        ..TrapdConfig::default()
    };
    let trapd = Trapd::bind(&config).await.expect("bind");
    let Some(Address::Tcp(to)) = trapd.local_addrs().expect("addresses").into_iter().next() else {
        panic!("no TCP address");
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    let mut varbinds = Notice::typed(&ColdStart, 1).to_varbinds();
    varbinds.extend((0..10_000u32).map(|i| VarBind {
        oid: Oid::from_vec(vec![1, 3, 6, 1, 4, 1, 99999, 1, i]),
        value: Value::Integer(i as i32),
    }));
    let message = Message {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind: PduType::TrapV2,
            request_id: 1,
            error_status: 0,
            error_index: 0,
            varbinds,
        }),
    }
    .encode();
    assert!(message.len() > 65_535, "{}", message.len());
    let mut stream = tokio::net::TcpStream::connect(to).await.expect("connect");
    stream.write_all(&message).await.expect("write");
    let reader = Reader::open(&Database::Sqlite(db)).await.expect("reader");
    let mut stored = Vec::new();
    for _ in 0..500 {
        stored = reader.query(&Query::default()).await.expect("query");
        if !stored.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].record.varbinds.len(), 10_000);
    assert_eq!(stored[0].record.varbinds[9_999].value, "INTEGER: 9999");
    drop(stream);
    let _ = stop.send(());
    daemon.await.expect("daemon");
}
