//! What the SQLite and PostgreSQL tests share: records, the checks every backend must
//! pass, and a real PostgreSQL server started for the test.
// Each test binary uses part of this module.
#![allow(dead_code)]

pub(crate) mod pg;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use smic_store::{
    NotificationRecord, PduKind, Query, Security, SecurityLevel, SnmpVersion, Store, Stored,
    V1Trap, VarbindRecord,
};

/// A time with whole microseconds (what the store keeps).
pub(crate) fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000 + seconds) + Duration::from_micros(123_456)
}

/// A v2c trap numbered `n` (request-id `n`, received `n` seconds after the base time).
pub(crate) fn trap(n: u32) -> NotificationRecord {
    NotificationRecord {
        received_at: at(u64::from(n)),
        source: "127.0.0.1".to_owned(),
        source_port: 40_000,
        transport: "udp".to_owned(),
        version: SnmpVersion::V2c,
        security: Security::Community(b"public".to_vec()),
        kind: PduKind::Trap,
        request_id: Some(i32::try_from(n).unwrap_or(i32::MAX)),
        trap_oid: "1.3.6.1.6.3.1.1.5.3".to_owned(),
        trap_name: Some("IF-MIB::linkDown".to_owned()),
        uptime: 4200 + n,
        v1: None,
        raw_message: None,
        varbinds: vec![
            VarbindRecord {
                oid: "1.3.6.1.2.1.2.2.1.1.3".to_owned(),
                name: Some("IF-MIB::ifIndex.3".to_owned()),
                ber_type: 0x02,
                value: "3".to_owned(),
                raw: vec![3],
            },
            VarbindRecord {
                oid: "1.3.6.1.4.1.99999.1".to_owned(),
                name: None,
                ber_type: 0x04,
                value: "\"caf\u{e9} \\xFF\"".to_owned(),
                raw: vec![b'c', b'a', b'f', 0xc3, 0xa9, b' ', 0xff, 0],
            },
        ],
    }
}

/// An SNMPv3 inform, authenticated and encrypted.
pub(crate) fn inform(n: u32) -> NotificationRecord {
    NotificationRecord {
        version: SnmpVersion::V3,
        kind: PduKind::Inform,
        security: Security::Usm {
            user: b"operator".to_vec(),
            level: SecurityLevel::AuthPriv,
            engine_id: vec![0x80, 0, 0x1f, 0x88, 4, b's', b'm', b'i', b'c'],
            context_engine_id: vec![0x80, 0, 0x1f, 0x88, 4, b'a'],
            context_name: b"ctx".to_vec(),
        },
        trap_oid: "1.3.6.1.6.3.1.1.5.1".to_owned(),
        trap_name: Some("SNMPv2-MIB::coldStart".to_owned()),
        raw_message: Some(vec![0x30, 0x03, 0x02, 0x01, 0x03]),
        source: "::1".to_owned(),
        ..trap(n)
    }
}

/// An SNMPv1 trap as RFC 3584 normalises it, its own fields kept.
pub(crate) fn v1_trap(n: u32) -> NotificationRecord {
    NotificationRecord {
        version: SnmpVersion::V1,
        kind: PduKind::V1Trap,
        request_id: None,
        trap_oid: "1.3.6.1.4.1.8072.2.3.0.1".to_owned(),
        trap_name: None,
        v1: Some(V1Trap {
            enterprise: "1.3.6.1.4.1.8072.2.3".to_owned(),
            agent_addr: "192.0.2.1".to_owned(),
            generic: 6,
            specific: 1,
        }),
        source: "127.0.0.2".to_owned(),
        varbinds: Vec::new(),
        ..trap(n)
    }
}

/// Everything a backend must do with the same records: store each kind exactly, find
/// retransmitted informs, keep alike traps apart, and filter.
pub(crate) async fn exercise(store: &Store) {
    let records = [trap(1), inform(2), v1_trap(3)];
    let mut ids = Vec::new();
    for record in &records {
        match store.submit(record.clone()).await {
            Ok(Stored::Inserted(id)) => ids.push(id),
            other => panic!("{other:?}"),
        }
    }
    let all = store.query(&Query::default()).await.expect("query");
    assert_eq!(all.len(), 3);
    for ((row, id), record) in all.iter().zip(&ids).zip(&records) {
        assert_eq!(row.id, *id);
        assert_eq!(&row.record, record, "stored and read back unchanged");
    }

    // An inform retransmitted, later and separately: stored once.
    let mut again = inform(2);
    again.received_at = at(60);
    assert_eq!(store.submit(again).await.ok(), Some(Stored::Duplicate));
    // Two retransmissions in one batch.
    let first = store.try_submit(inform(7)).expect("room");
    let second = store.try_submit(inform(7)).expect("room");
    let outcomes = [first.await.expect("first"), second.await.expect("second")];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, Stored::Inserted(_)))
            .count(),
        1,
        "{outcomes:?}"
    );
    assert!(outcomes.contains(&Stored::Duplicate), "{outcomes:?}");
    // Two traps alike are two events.
    for _ in 0..2 {
        assert!(matches!(
            store.submit(trap(9)).await,
            Ok(Stored::Inserted(_))
        ));
    }
    // An inform from another sender with the same request-id is another inform.
    let mut other = inform(2);
    other.source_port = 40_001;
    assert!(matches!(store.submit(other).await, Ok(Stored::Inserted(_))));

    let count = |query: Query| async move { store.query(&query).await.expect("query").len() };
    assert_eq!(count(Query::default()).await, 7);
    assert_eq!(
        count(Query {
            since: Some(at(3)),
            until: Some(at(8)),
            ..Query::default()
        })
        .await,
        2,
        "v1_trap(3) and inform(7)"
    );
    assert_eq!(
        count(Query {
            source: Some("127.0.0.2".to_owned()),
            ..Query::default()
        })
        .await,
        1
    );
    assert_eq!(
        count(Query {
            trap: Some("IF-MIB::linkDown".to_owned()),
            ..Query::default()
        })
        .await,
        3
    );
    assert_eq!(
        count(Query {
            trap: Some("1.3.6.1.4.1.8072.2.3.0.1".to_owned()),
            ..Query::default()
        })
        .await,
        1
    );
    let newest = store
        .query(&Query {
            newest_first: true,
            limit: Some(2),
            ..Query::default()
        })
        .await
        .expect("query");
    assert_eq!(newest.len(), 2);
    assert!(newest[0].id > newest[1].id);
    let after = store
        .query(&Query {
            after_id: Some(ids[1]),
            ..Query::default()
        })
        .await
        .expect("query");
    assert_eq!(after.len(), 5);
    assert!(after.iter().all(|row| row.id > ids[1]));

    let stats = store.stats();
    assert_eq!(stats.inserted, 7, "{stats:?}");
    assert_eq!(stats.duplicates, 2, "{stats:?}");
    assert_eq!(stats.rejected, 0, "{stats:?}");
    assert_eq!(stats.dropped_full, 0, "{stats:?}");
}

/// 10,000 varbinds, a 60 KB value, bytes that are not UTF-8: stored and read back
/// unchanged.
pub(crate) async fn exercise_large(store: &Store) {
    let mut big = trap(500);
    big.varbinds = (0..10_000)
        .map(|i| VarbindRecord {
            oid: format!("1.3.6.1.4.1.99999.2.{i}"),
            name: None,
            ber_type: 0x04,
            value: format!("Hex-STRING: {i:04X}"),
            raw: vec![0xff, 0xfe, (i % 256) as u8],
        })
        .collect();
    big.varbinds.push(VarbindRecord {
        oid: "1.3.6.1.4.1.99999.3".to_owned(),
        name: Some("X::blob".to_owned()),
        ber_type: 0x04,
        value: "x".repeat(60_000),
        raw: vec![0x80; 60_000],
    });
    big.raw_message = Some(vec![0xc0; 65_000]);
    let Ok(Stored::Inserted(id)) = store.submit(big.clone()).await else {
        panic!("the large record was not stored");
    };
    let found = store
        .query(&Query {
            after_id: Some(id - 1),
            limit: Some(1),
            ..Query::default()
        })
        .await
        .expect("query");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, id);
    assert!(found[0].record == big, "read back unchanged");
}
