//! A vendor's notification named through a MIB directory: the module is found by
//! the OIDs it defines and loaded when the first notification needs it; files that
//! are not MIBs, and modules never needed, change nothing.

use std::time::Duration;

use smic_smi::{Oid, Value};
use smic_snmp::notify::{Notice, TrapSender};
use smic_snmp::{VarBind, Version};
use smic_store::{Database, Query, Reader};
use smic_trapd::{Trapd, TrapdConfig};

const ACME_MIB: &str = r#"ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, NOTIFICATION-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI
    DisplayString FROM SNMPv2-TC;

acme MODULE-IDENTITY
    LAST-UPDATED "202612030000Z"
    ORGANIZATION "Acme"
    CONTACT-INFO "noc@acme.example"
    DESCRIPTION "Acme fans."
    ::= { enterprises 99998 }

acmeFans OBJECT IDENTIFIER ::= { acme 1 }
acmeTraps OBJECT IDENTIFIER ::= { acme 2 }

acmeFanTable OBJECT-TYPE
    SYNTAX SEQUENCE OF AcmeFanEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "Fans."
    ::= { acmeFans 1 }

acmeFanEntry OBJECT-TYPE
    SYNTAX AcmeFanEntry
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "A fan."
    INDEX { acmeFanIndex }
    ::= { acmeFanTable 1 }

AcmeFanEntry ::= SEQUENCE { acmeFanIndex Integer32, acmeFanState INTEGER, acmeFanName DisplayString }

acmeFanIndex OBJECT-TYPE
    SYNTAX Integer32 (1..64)
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "Its number."
    ::= { acmeFanEntry 1 }

acmeFanState OBJECT-TYPE
    SYNTAX INTEGER { ok(1), failed(2) }
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "Its state."
    ::= { acmeFanEntry 2 }

acmeFanName OBJECT-TYPE
    SYNTAX DisplayString
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "Its name."
    ::= { acmeFanEntry 3 }

acmeFanFailure NOTIFICATION-TYPE
    OBJECTS { acmeFanState, acmeFanName }
    STATUS current
    DESCRIPTION "A fan failed."
    ::= { acmeTraps 0 1 }

END
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_trap_is_named_through_a_mib_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mibs = dir.path().join("mibs");
    std::fs::create_dir_all(mibs.join("other")).expect("dirs");
    std::fs::write(mibs.join("ACME-MIB.my"), ACME_MIB).expect("mib");
    // Not a MIB, and a module that is broken and never needed.
    std::fs::write(mibs.join("README"), "These are Acme's MIBs ::= read them").expect("readme");
    std::fs::write(
        mibs.join("other/BROKEN-MIB.txt"),
        "BROKEN-MIB DEFINITIONS ::= BEGIN\n x OBJECT IDENTIFIER ::= { nowhere 1 }\n",
    )
    .expect("broken");
    let db = dir.path().join("traps.sqlite");
    let config = TrapdConfig {
        listen: vec!["udp:127.0.0.1:0".to_owned()],
        communities: vec!["public".to_owned()],
        database: db.display().to_string(),
        mib_dirs: vec![mibs.clone()],
        ..TrapdConfig::default()
    };
    let trapd = Trapd::bind(&config).await.expect("bind");
    let to = trapd.udp_addresses()[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    let sender = TrapSender::community(to, Version::V2c, "public")
        .await
        .expect("sender");
    let acme = |arcs: &[u32]| {
        let mut all = vec![1, 3, 6, 1, 4, 1, 99998];
        all.extend_from_slice(arcs);
        Oid::from_vec(all)
    };
    for (fan, state) in [(3, 2), (4, 1)] {
        let notice = Notice {
            trap_oid: acme(&[2, 0, 1]),
            uptime: 10,
            varbinds: vec![
                VarBind {
                    oid: acme(&[1, 1, 1, 2, fan]),
                    value: Value::Integer(state),
                },
                VarBind {
                    oid: acme(&[1, 1, 1, 3, fan]),
                    value: Value::OctetString(b"rear fan".to_vec()),
                },
            ],
        };
        sender.send(&notice).await.expect("send");
    }
    let reader = Reader::open(&Database::Sqlite(db.clone()))
        .await
        .expect("reader");
    let mut rows = Vec::new();
    for _ in 0..500 {
        rows = reader.query(&Query::default()).await.expect("query");
        if rows.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(rows.len(), 2);
    let mut rows: Vec<_> = rows.into_iter().map(|r| r.record).collect();
    rows.sort_by_key(|r| r.varbinds[0].oid.clone());
    for (row, fan, state) in [(&rows[0], 3, "failed(2)"), (&rows[1], 4, "ok(1)")] {
        assert_eq!(row.trap_name.as_deref(), Some("ACME-MIB::acmeFanFailure"));
        assert_eq!(
            row.varbinds[0].name.as_deref(),
            Some(format!("ACME-MIB::acmeFanState.{fan}").as_str())
        );
        assert_eq!(row.varbinds[0].value, format!("INTEGER: {state}"));
        // DisplayString's DISPLAY-HINT "255a": unquoted, as net-snmp shows it.
        assert_eq!(row.varbinds[1].value, "STRING: rear fan");
    }
    let _ = stop.send(());
    let stats = daemon.await.expect("daemon");
    assert_eq!(stats.stored, 2, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_oid_index_is_an_error_at_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = TrapdConfig {
        listen: vec!["udp:127.0.0.1:0".to_owned()],
        database: dir.path().join("t.sqlite").display().to_string(),
        mib_dirs: vec![dir.path().to_path_buf()],
        oid_index: Some(dir.path().join("nowhere.idx")),
        ..TrapdConfig::default()
    };
    let error = Trapd::bind(&config)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(error.contains("nowhere.idx"), "{error}");
}
