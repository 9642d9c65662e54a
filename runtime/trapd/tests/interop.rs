//! net-snmp's `snmptrap` and `snmpinform` against the daemon on 127.0.0.1, the rows
//! read back from SQLite.

use std::net::SocketAddr;
use std::process::{Command, Output};
use std::time::Duration;

use smic_snmp::transport::Address;
use smic_store::{Database, PduKind, Query, Reader, Security, SnmpVersion, StoredNotification};
use smic_trapd::{Trapd, TrapdConfig};

/// Whether net-snmp's tools are here; under `CI` they must be.
fn net_snmp() -> bool {
    let found = ["snmptrap", "snmpinform"].iter().all(|tool| {
        Command::new(tool)
            .arg("-V")
            .output()
            .is_ok_and(|out| out.status.success())
    });
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "net-snmp's snmptrap/snmpinform are missing (apt-get install snmp) and CI is set"
        );
        eprintln!(
            "SKIPPED: net-snmp's snmptrap/snmpinform are not installed (apt-get install snmp)"
        );
    }
    found
}

/// Runs a net-snmp tool with no MIBs loaded (numeric OIDs only), and a persistent
/// directory of its own: tests run at once, and net-snmp rewrites its persistent
/// file (users localized per engine ID) as it exits.
async fn net_snmp_tool(tool: &'static str, args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let persistent = tempfile::tempdir().expect("persistent dir");
        Command::new(tool)
            .env("SNMP_PERSISTENT_DIR", persistent.path())
            .env("SNMPCONFPATH", persistent.path())
            .args(["-m", ""])
            .args(&args)
            .output()
            .expect("run net-snmp")
    })
    .await
    .expect("tool task")
}

/// The daemon's (first) UDP address.
fn udp(trapd: &Trapd) -> SocketAddr {
    trapd.udp_addresses()[0]
}

fn args(line: &str, to: impl std::fmt::Display) -> Vec<String> {
    line.replace("{to}", &to.to_string())
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// The rows stored so far, waiting up to two seconds for `count` of them.
async fn rows(reader: &Reader, count: usize) -> Vec<StoredNotification> {
    for _ in 0..200 {
        let rows = reader.query(&Query::default()).await.expect("query");
        if rows.len() >= count {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    reader.query(&Query::default()).await.expect("query")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn net_snmp_traps_and_informs_land_in_sqlite() {
    if !net_snmp() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("traps.sqlite");
    let config = TrapdConfig {
        listen: vec!["udp:127.0.0.1:0".to_owned()],
        communities: vec!["public".to_owned()],
        database: db.display().to_string(),
        store_raw: true,
        ..TrapdConfig::default()
    };
    let trapd = Trapd::bind(&config).await.expect("bind");
    let to = udp(&trapd);
    let counters = trapd.counters();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    let reader = Reader::open(&Database::Sqlite(db.clone()))
        .await
        .expect("reader");

    // An inform is acknowledged (exit code 0) only once it is committed: the row is
    // there as soon as snmpinform returns, without waiting.
    let inform = net_snmp_tool(
        "snmpinform",
        args(
            "-v 2c -c public -r 0 -t 5 {to} 777 1.3.6.1.6.3.1.1.5.4 1.3.6.1.2.1.2.2.1.1.4 i 4",
            to,
        ),
    )
    .await;
    assert!(
        inform.status.success(),
        "snmpinform: {}",
        String::from_utf8_lossy(&inform.stderr)
    );
    let now = reader.query(&Query::default()).await.expect("query");
    assert_eq!(
        now.len(),
        1,
        "the inform was stored before it was acknowledged"
    );
    let row = &now[0].record;
    assert_eq!(row.kind, PduKind::Inform);
    assert_eq!(row.version, SnmpVersion::V2c);
    assert_eq!(row.trap_name.as_deref(), Some("IF-MIB::linkUp"));
    assert_eq!(row.uptime, 777);
    assert!(row.request_id.is_some());

    let trap = net_snmp_tool(
        "snmptrap",
        args(
            "-v 2c -c public {to} 1234 1.3.6.1.6.3.1.1.5.3 \
             1.3.6.1.2.1.2.2.1.1.3 i 3 1.3.6.1.2.1.2.2.1.7.3 i 2 1.3.6.1.2.1.2.2.1.2.3 s eth0",
            to,
        ),
    )
    .await;
    assert!(trap.status.success());
    let v1 = net_snmp_tool(
        "snmptrap",
        args(
            "-v 1 -c public {to} 1.3.6.1.4.1.8072.2.3 127.0.0.1 6 17 4321 \
             1.3.6.1.4.1.8072.2.3.2.1 i 5",
            to,
        ),
    )
    .await;
    assert!(v1.status.success());
    // A wrong community is refused: nothing stored, no acknowledgement.
    let refused = net_snmp_tool(
        "snmpinform",
        args("-v 2c -c secret -r 0 -t 1 {to} 1 1.3.6.1.6.3.1.1.5.1", to),
    )
    .await;
    assert!(
        !refused.status.success(),
        "an unknown community is not acknowledged"
    );

    let stored = rows(&reader, 3).await;
    assert_eq!(stored.len(), 3, "{stored:#?}");
    let trap = &stored[1].record;
    assert_eq!(trap.kind, PduKind::Trap);
    assert_eq!(trap.source, "127.0.0.1");
    assert_eq!(trap.transport, "udp");
    assert_eq!(trap.security, Security::Community(b"public".to_vec()));
    assert_eq!(trap.trap_oid, "1.3.6.1.6.3.1.1.5.3");
    assert_eq!(trap.trap_name.as_deref(), Some("IF-MIB::linkDown"));
    assert_eq!(trap.uptime, 1234);
    assert!(
        trap.raw_message
            .as_ref()
            .is_some_and(|raw| raw.first() == Some(&0x30))
    );
    let shown: Vec<(Option<&str>, &str, u8)> = trap
        .varbinds
        .iter()
        .map(|vb| (vb.name.as_deref(), vb.value.as_str(), vb.ber_type))
        .collect();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert_eq!(shown[0], (Some("IF-MIB::ifIndex.3"), "INTEGER: 3", 0x02));
    assert_eq!(
        shown[1],
        (Some("IF-MIB::ifAdminStatus.3"), "INTEGER: down(2)", 0x02),
        "the enumeration's label"
    );
    assert_eq!(shown[2], (Some("IF-MIB::ifDescr.3"), "STRING: eth0", 0x04));
    assert_eq!(trap.varbinds[2].raw, b"eth0");

    let v1 = &stored[2].record;
    assert_eq!(v1.kind, PduKind::V1Trap);
    assert_eq!(v1.version, SnmpVersion::V1);
    assert_eq!(v1.request_id, None);
    assert_eq!(v1.trap_oid, "1.3.6.1.4.1.8072.2.3.0.17", "RFC 3584 §3.1");
    assert_eq!(v1.uptime, 4321);
    let fields = v1.v1.as_ref().expect("v1 fields");
    assert_eq!(
        (
            fields.enterprise.as_str(),
            fields.agent_addr.as_str(),
            fields.generic,
            fields.specific
        ),
        ("1.3.6.1.4.1.8072.2.3", "127.0.0.1", 6, 17)
    );
    assert_eq!(v1.varbinds[0].oid, "1.3.6.1.4.1.8072.2.3.2.1");

    let _ = stop.send(());
    let stats = daemon.await.expect("daemon");
    assert_eq!(stats.stored, 3, "{stats:?}");
    assert_eq!(stats.acknowledged, 1, "{stats:?}");
    assert!(stats.refused >= 1, "{stats:?}");
    assert_eq!(counters.snapshot().received, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn net_snmp_v3_informs_and_traps_land_in_sqlite() {
    if !net_snmp() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("traps.sqlite");
    let config = TrapdConfig::parse(&format!(
        "listen = ['udp:127.0.0.1:0']\n\
         database = '{}'\n\
         engine_id = '80001f8804736d69632d74657374'\n\
         [[users]]\n\
         name = 'monitor'\n\
         auth_protocol = 'SHA'\n\
         auth_password = 'authpass1'\n\
         privacy_protocol = 'AES'\n\
         privacy_password = 'privpass1'\n",
        db.display()
    ))
    .expect("config");
    let trapd = Trapd::bind(&config).await.expect("bind");
    let to = udp(&trapd);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    let reader = Reader::open(&Database::Sqlite(db.clone()))
        .await
        .expect("reader");
    let security = "-v 3 -u monitor -l authPriv -a SHA -A authpass1 -x AES -X privpass1";

    // The inform: net-snmp discovers this receiver's engine, then sends.
    let inform = net_snmp_tool(
        "snmpinform",
        args(
            &format!("{security} -r 1 -t 3 {{to}} 99 1.3.6.1.6.3.1.1.5.1"),
            to,
        ),
    )
    .await;
    assert!(
        inform.status.success(),
        "snmpinform -v3: {}",
        String::from_utf8_lossy(&inform.stderr)
    );
    let now = reader.query(&Query::default()).await.expect("query");
    assert_eq!(now.len(), 1, "stored before it was acknowledged");
    let row = &now[0].record;
    assert_eq!((row.kind, row.version), (PduKind::Inform, SnmpVersion::V3));
    assert_eq!(row.trap_name.as_deref(), Some("SNMPv2-MIB::coldStart"));
    assert!(
        matches!(
            &row.security,
            Security::Usm { user, level: smic_store::SecurityLevel::AuthPriv, engine_id, .. }
                if user == b"monitor" && engine_id == b"\x80\x00\x1f\x88\x04smic-test"
        ),
        "{:?}",
        row.security
    );

    // A trap, from the sender's own engine.
    let trap = net_snmp_tool(
        "snmptrap",
        args(
            &format!("{security} -e 0x80001f880474726170 {{to}} 55 1.3.6.1.6.3.1.1.5.2"),
            to,
        ),
    )
    .await;
    assert!(
        trap.status.success(),
        "{}",
        String::from_utf8_lossy(&trap.stderr)
    );
    let stored = rows(&reader, 2).await;
    assert_eq!(stored.len(), 2);
    let trap = &stored[1].record;
    assert_eq!((trap.kind, trap.version), (PduKind::Trap, SnmpVersion::V3));
    assert_eq!(trap.trap_name.as_deref(), Some("SNMPv2-MIB::warmStart"));
    assert!(
        matches!(
            &trap.security,
            Security::Usm { engine_id, .. } if engine_id == b"\x80\x00\x1f\x88\x04trap"
        ),
        "{:?}",
        trap.security
    );

    let _ = stop.send(());
    let stats = daemon.await.expect("daemon");
    assert_eq!((stats.stored, stats.acknowledged), (2, 1), "{stats:?}");
}

/// While the database is locked by another process, an inform is not acknowledged
/// (it is not committed); once the lock goes, it is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_acknowledgement_before_the_commit() {
    if !net_snmp() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("traps.sqlite");
    let config = TrapdConfig {
        listen: vec!["udp:127.0.0.1:0".to_owned()],
        communities: vec!["public".to_owned()],
        database: db.display().to_string(),
        ..TrapdConfig::default()
    };
    let trapd = Trapd::bind(&config).await.expect("bind");
    let to = udp(&trapd);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    let (locked, is_locked) = std::sync::mpsc::channel();
    let blocker = std::thread::spawn({
        let db = db.clone();
        move || {
            let connection = rusqlite::Connection::open(&db).expect("open");
            connection.execute_batch("BEGIN EXCLUSIVE").expect("lock");
            locked.send(()).expect("tell");
            std::thread::sleep(Duration::from_millis(1_500));
            connection.execute_batch("COMMIT").expect("unlock");
        }
    });
    is_locked.recv().expect("locked");
    let inform = net_snmp_tool(
        "snmpinform",
        args("-v 2c -c public -r 0 -t 1 {to} 5 1.3.6.1.6.3.1.1.5.1", to),
    )
    .await;
    assert!(
        !inform.status.success(),
        "acknowledged while the database was locked"
    );
    blocker.join().expect("blocker");
    let reader = Reader::open(&Database::Sqlite(db.clone()))
        .await
        .expect("reader");
    assert_eq!(rows(&reader, 1).await.len(), 1, "stored once the lock went");
    let _ = stop.send(());
    let stats = daemon.await.expect("daemon");
    // Its acknowledgement went out after the commit, too late for snmpinform.
    assert_eq!((stats.stored, stats.acknowledged), (1, 1), "{stats:?}");
}

/// SNMP over TCP (RFC 3430) and Unix sockets: net-snmp's informs are acknowledged on
/// their connection after the commit, traps stored with their transport.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn net_snmp_over_tcp_and_unix_sockets() {
    if !net_snmp() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("traps.sqlite");
    let socket = dir.path().join("trapd.sock");
    let config = TrapdConfig::parse(&format!(
        "listen = ['tcp:127.0.0.1:0', 'unix:{}']\n\
         communities = ['public']\n\
         database = '{}'\n\
         unix_socket_mode = '0640'\n\
         engine_id = '80001f8804736d69632d73747265616d'\n\
         [[users]]\n\
         name = 'monitor'\n\
         auth_protocol = 'SHA-256'\n\
         auth_password = 'authpass1'\n\
         privacy_protocol = 'AES'\n\
         privacy_password = 'privpass1'\n",
        socket.display(),
        db.display()
    ))
    .expect("config");
    let trapd = Trapd::bind(&config).await.expect("bind");
    let addresses = trapd.local_addrs().expect("addresses");
    let tcp = addresses[0].to_string();
    assert!(tcp.starts_with("tcp:127.0.0.1:"), "{tcp}");
    assert_eq!(addresses[1], Address::Unix(socket.clone()));
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&socket)
            .expect("socket file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let streams = trapd.stream_stats();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    let reader = Reader::open(&Database::Sqlite(db.clone()))
        .await
        .expect("reader");

    let inform = net_snmp_tool(
        "snmpinform",
        args(
            "-v 2c -c public -r 0 -t 5 {to} 11 1.3.6.1.6.3.1.1.5.4",
            &tcp,
        ),
    )
    .await;
    assert!(
        inform.status.success(),
        "snmpinform tcp: {}",
        String::from_utf8_lossy(&inform.stderr)
    );
    assert_eq!(
        reader.query(&Query::default()).await.expect("query").len(),
        1,
        "stored before it was acknowledged"
    );
    let v3 = net_snmp_tool(
        "snmpinform",
        args(
            "-v 3 -u monitor -l authPriv -a SHA-256 -A authpass1 -x AES -X privpass1 \
             -r 0 -t 5 {to} 12 1.3.6.1.6.3.1.1.5.1",
            &tcp,
        ),
    )
    .await;
    assert!(
        v3.status.success(),
        "snmpinform -v3 tcp: {}",
        String::from_utf8_lossy(&v3.stderr)
    );
    let unix = format!("unix:{}", socket.display());
    let trap = net_snmp_tool(
        "snmptrap",
        args(
            "-v 2c -c public {to} 13 1.3.6.1.6.3.1.1.5.3 1.3.6.1.2.1.2.2.1.1.3 i 3",
            &unix,
        ),
    )
    .await;
    assert!(
        trap.status.success(),
        "snmptrap unix: {}",
        String::from_utf8_lossy(&trap.stderr)
    );
    let refused = net_snmp_tool(
        "snmpinform",
        args(
            "-v 2c -c secret -r 0 -t 1 {to} 14 1.3.6.1.6.3.1.1.5.1",
            &tcp,
        ),
    )
    .await;
    assert!(
        !refused.status.success(),
        "an unknown community acknowledged"
    );

    let stored = rows(&reader, 3).await;
    let seen: Vec<(&str, &str, PduKind, SnmpVersion, u32)> = stored
        .iter()
        .map(|r| {
            let r = &r.record;
            (
                r.transport.as_str(),
                r.source.as_str(),
                r.kind,
                r.version,
                r.uptime,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("tcp", "127.0.0.1", PduKind::Inform, SnmpVersion::V2c, 11),
            ("tcp", "127.0.0.1", PduKind::Inform, SnmpVersion::V3, 12),
            ("unix", "0.0.0.0", PduKind::Trap, SnmpVersion::V2c, 13),
        ]
    );
    assert_eq!(
        stored[2].record.trap_name.as_deref(),
        Some("IF-MIB::linkDown")
    );
    let _ = stop.send(());
    let stats = daemon.await.expect("daemon");
    assert_eq!((stats.stored, stats.acknowledged), (3, 2), "{stats:?}");
    // One connection per tool run (the v3 inform's discovery shares its connection).
    assert!(streams.accepted() >= 4, "{}", streams.accepted());
    assert!(!socket.exists(), "the socket file is removed on stop");
}

/// The same traps and informs sent to `snmptrapd` and to the daemon, side by side:
/// what snmptrapd logs of each (security, trap, uptime, every varbind's name and
/// value as its MIBs show them) is what the daemon stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_fields_match_what_snmptrapd_logs() {
    if !net_snmp() {
        return;
    }
    if Command::new("snmptrapd").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "net-snmp's snmptrapd is missing (apt-get install snmptrapd) and CI is set"
        );
        eprintln!("SKIPPED: snmptrapd is not installed (apt-get install snmptrapd)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("traps.sqlite");
    let config = TrapdConfig::parse(&format!(
        "listen = ['udp:127.0.0.1:0', 'tcp:127.0.0.1:0']\n\
         communities = ['public']\n\
         database = '{}'\n\
         [[users]]\n\
         name = 'monitor'\n\
         auth_protocol = 'SHA'\n\
         auth_password = 'authpass1'\n\
         privacy_protocol = 'AES'\n\
         privacy_password = 'privpass1'\n",
        db.display()
    ))
    .expect("config");
    let trapd = Trapd::bind(&config).await.expect("bind");
    let smic = udp(&trapd);
    let smic_tcp = trapd
        .local_addrs()
        .expect("addresses")
        .into_iter()
        .find(|a| matches!(a, Address::Tcp(_)))
        .expect("a TCP address")
        .to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    let reader = Reader::open(&Database::Sqlite(db.clone()))
        .await
        .expect("reader");

    // snmptrapd, naming through the same MIB files smic ships.
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free port")
        .port();
    let tcp_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free port")
        .port();
    let net_snmp_log = dir.path().join("snmptrapd.log");
    std::fs::write(
        dir.path().join("snmptrapd.conf"),
        "authCommunity log public\n\
         createUser -e 0x80001f880474726170 monitor SHA authpass1 AES privpass1\n\
         createUser monitor SHA authpass1 AES privpass1\n\
         authUser log monitor\n",
    )
    .expect("config");
    let mibs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../mibs");
    let mut snmptrapd = Command::new("snmptrapd")
        .env("SNMP_PERSISTENT_DIR", dir.path().join("persistent"))
        .arg("-f")
        .arg("-C")
        .arg("-c")
        .arg(dir.path().join("snmptrapd.conf"))
        .args(["-M", mibs, "-m", "IF-MIB:SNMPv2-MIB:IP-MIB"])
        .args(["-F", "%P|%v\n", "-Lf"])
        .arg(&net_snmp_log)
        .arg(format!("udp:127.0.0.1:{port},tcp:127.0.0.1:{tcp_port}"))
        .spawn()
        .expect("snmptrapd");
    let logged = |count: usize| {
        let path = net_snmp_log.clone();
        async move {
            for _ in 0..500 {
                let lines: Vec<String> = std::fs::read_to_string(&path)
                    .unwrap_or_default()
                    .lines()
                    .filter(|l| l.contains('|'))
                    .map(str::to_owned)
                    .collect();
                if lines.len() >= count {
                    return lines;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            panic!("snmptrapd logged fewer than {count} notifications");
        }
    };
    // Until snmptrapd answers, a trap would be lost: wait for its first line.
    let v3 = "-v 3 -u monitor -l authPriv -a SHA -A authpass1 -x AES -X privpass1";
    let sends = [
        (
            "snmptrap",
            "-v 2c -c public {to} 1234 1.3.6.1.6.3.1.1.5.3 \
             1.3.6.1.2.1.2.2.1.1.3 i 3 1.3.6.1.2.1.2.2.1.7.3 i 2 1.3.6.1.2.1.2.2.1.2.3 s eth0 \
             1.3.6.1.2.1.2.2.1.6.3 x 00163e0102ff 1.3.6.1.2.1.2.2.1.10.3 c 4000000000 \
             1.3.6.1.2.1.2.2.1.5.3 u 1000000000 1.3.6.1.2.1.2.2.1.9.3 t 12345 \
             1.3.6.1.2.1.2.2.1.22.3 o 1.3.6.1.4.1.8072 1.3.6.1.2.1.4.20.1.1.10.0.0.1 a 10.0.0.1 \
             1.3.6.1.2.1.31.1.1.1.6.3 C 12345678901234 1.3.6.1.4.1.99999.1 x fffe00 \
             1.3.6.1.2.1.31.1.1.1.18.3 s uplink-to-core"
                .to_owned(),
        ),
        (
            "snmptrap",
            "-v 1 -c public {to} 1.3.6.1.4.1.8072.2.3 127.0.0.1 6 17 4321 \
             1.3.6.1.4.1.8072.2.3.2.1 i 5"
                .to_owned(),
        ),
        (
            "snmpinform",
            "-v 2c -c public -r 1 -t 3 {to} 777 1.3.6.1.6.3.1.1.5.4 1.3.6.1.2.1.2.2.1.8.4 i 1"
                .to_owned(),
        ),
        (
            "snmptrap",
            format!("{v3} -e 0x80001f880474726170 {{to}} 55 1.3.6.1.6.3.1.1.5.2"),
        ),
        (
            "snmpinform",
            format!("{v3} -r 1 -t 3 {{to}} 66 1.3.6.1.6.3.1.1.5.1"),
        ),
    ];
    // Over UDP, then the same again over TCP (RFC 3430) to both.
    let targets = [
        [format!("127.0.0.1:{port}"), smic.to_string()],
        [format!("tcp:127.0.0.1:{tcp_port}"), smic_tcp.clone()],
    ];
    let all_sends: Vec<(&(&str, String), &[String; 2])> = targets
        .iter()
        .flat_map(|pair| sends.iter().map(move |send| (send, pair)))
        .collect();
    let mut first = true;
    for (n, ((tool, line), pair)) in all_sends.iter().enumerate() {
        for to in pair.iter() {
            loop {
                let out = net_snmp_tool(tool, args(line, to)).await;
                assert!(
                    out.status.success(),
                    "{tool} to {to}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                if !first || !to.ends_with(&port.to_string()) {
                    break;
                }
                // The first trap to snmptrapd: sent again until it is up.
                if std::fs::read_to_string(&net_snmp_log)
                    .is_ok_and(|log| log.lines().any(|l| l.contains('|')))
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            first = false;
        }
        // One at a time, so both keep the sending order.
        logged(n + 1).await;
        assert_eq!(rows(&reader, n + 1).await.len(), n + 1);
    }
    let _ = snmptrapd.kill();
    let _ = snmptrapd.wait();
    let lines = logged(all_sends.len()).await;
    // A trap sent again while snmptrapd was starting may be logged twice.
    let mut lines: Vec<String> = lines;
    lines.dedup();
    let stored = rows(&reader, all_sends.len()).await;
    let transports: Vec<&str> = stored.iter().map(|r| r.record.transport.as_str()).collect();
    assert_eq!(
        transports.iter().filter(|t| **t == "tcp").count(),
        sends.len()
    );
    assert_eq!(lines.len(), stored.len(), "{lines:#?}");
    for (line, row) in lines.iter().zip(&stored) {
        let row = &row.record;
        let (security, varbinds) = line.split_once('|').expect("format %P|%v");
        let security_text = match &row.security {
            Security::Community(c) => format!("community {}", String::from_utf8_lossy(c)),
            Security::Usm { user, .. } => format!("user {}", String::from_utf8_lossy(user)),
        };
        assert!(
            security.contains(&security_text),
            "{security} / {security_text}"
        );
        let version = match row.version {
            SnmpVersion::V1 => "SNMP v1",
            SnmpVersion::V2c => "SNMP v2c",
            SnmpVersion::V3 => "SNMP v3",
        };
        assert!(security.contains(version), "{security} / {version}");
        let mut theirs: Vec<&str> = varbinds.split('\t').collect();
        if row.version != SnmpVersion::V1 {
            // sysUpTime.0 and snmpTrapOID.0 lead an SNMPv2 notification.
            let uptime = theirs.remove(0);
            assert!(
                uptime.contains(&format!("Timeticks: ({})", row.uptime)),
                "{uptime}"
            );
            let trap = theirs.remove(0);
            let name = row.trap_name.as_deref().expect("a named trap");
            assert_eq!(trap, format!("SNMPv2-MIB::snmpTrapOID.0 = OID: {name}"));
        }
        let ours: Vec<String> = row
            .varbinds
            .iter()
            .map(|vb| {
                format!(
                    "{} = {}",
                    vb.name.as_deref().unwrap_or(vb.oid.as_str()),
                    vb.value
                )
            })
            .collect();
        assert_eq!(ours, theirs, "{line}");
    }
    let _ = stop.send(());
    daemon.await.expect("daemon");
}

/// SNMPv3 traps with a wrong passphrase or from an unknown user: refused, counted,
/// not stored; the right user's next trap is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_traps_with_wrong_keys_or_unknown_users_are_not_stored() {
    if !net_snmp() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("traps.sqlite");
    let config = TrapdConfig::parse(&format!(
        "listen = ['udp:127.0.0.1:0']\n\
         database = '{}'\n\
         [[users]]\n\
         name = 'monitor'\n\
         auth_protocol = 'SHA'\n\
         auth_password = 'authpass1'\n",
        db.display()
    ))
    .expect("config");
    let trapd = Trapd::bind(&config).await.expect("bind");
    let to = udp(&trapd);
    let counters = trapd.counters();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let daemon = tokio::spawn(trapd.run(async {
        let _ = stopped.await;
    }));
    for user in [
        "-u monitor -l authNoPriv -a SHA -A wrongpass1",
        "-u stranger -l authNoPriv -a SHA -A authpass1",
        "-u monitor -l authNoPriv -a SHA -A authpass1",
    ] {
        let sent = net_snmp_tool(
            "snmptrap",
            args(
                &format!("-v 3 {user} -e 0x80001f880474726170 {{to}} 5 1.3.6.1.6.3.1.1.5.1"),
                to,
            ),
        )
        .await;
        assert!(sent.status.success());
    }
    let reader = Reader::open(&Database::Sqlite(db)).await.expect("reader");
    let stored = rows(&reader, 1).await;
    assert_eq!(stored.len(), 1);
    assert!(matches!(&stored[0].record.security, Security::Usm { user, .. } if user == b"monitor"));
    let mut refused = 0;
    for _ in 0..200 {
        refused = counters.snapshot().refused;
        if refused >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(refused, 2, "the wrong digest and the unknown user");
    let _ = stop.send(());
    let stats = daemon.await.expect("daemon");
    assert_eq!(stats.stored, 1, "{stats:?}");
}
