//! The daemon writing into a real PostgreSQL (started by the test, with the store's
//! harness), acknowledged by net-snmp's `snmpinform` only after the commit.

// The store's harness, shared rather than copied; this test uses part of it.
#[allow(dead_code)]
#[path = "../../store/tests/common/pg.rs"]
mod pg;

use std::process::Command;

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
