//! `smic trapd` run as an operator runs it: one command with flags, net-snmp's
//! `snmptrap` and `snmpinform` as senders, SIGHUP to reload, SIGTERM to stop; then
//! `smic traps` reads back what was stored.

mod daemon;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use daemon::{Daemon, free_port};

fn net_snmp(tool: &str, args: &[&str]) -> Output {
    Command::new(tool)
        .args(["-M", "/nonexistent", "-m", ""])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}); install Debian's `snmp`"))
}

/// Sends with `snmptrap`, which exits 0 once the datagram is sent.
fn send_trap(args: &[&str]) {
    let sent = net_snmp("snmptrap", args);
    assert!(sent.status.success(), "snmptrap {args:?}: {sent:?}");
}

fn traps(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_smic"))
        .arg("traps")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.status.success(),
        "smic traps {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const LINK_DOWN: &str = "1.3.6.1.6.3.1.1.5.3";
const COLD_START: &str = "1.3.6.1.6.3.1.1.5.1";

#[test]
fn one_command_receives_reloads_and_stops_cleanly() {
    let dir = std::env::temp_dir().join(format!("smic-trapd-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let db = dir.join("traps.sqlite");
    let _ = std::fs::remove_file(&db);
    let config = dir.join("trapd.toml");
    std::fs::write(&config, "communities = [\"public\"]\n").unwrap_or_else(|e| panic!("{e}"));
    let port = free_port();
    let target = format!("127.0.0.1:{port}");
    let listen = format!("udp:{target}");
    let db_arg = db.display().to_string();
    let config_arg = config.display().to_string();
    let daemon = Daemon::start(
        "trapd",
        &[
            "--config",
            &config_arg,
            "--listen",
            &listen,
            "--db",
            &db_arg,
        ],
        &dir.join("trapd.log"),
    );
    daemon.wait_for("listening", 1);

    // A v2c trap, a v1 trap, an inform (acknowledged only once stored), and a trap
    // with a community the daemon does not know.
    send_trap(&[
        "-v2c",
        "-c",
        "public",
        &target,
        "",
        LINK_DOWN,
        "1.3.6.1.2.1.2.2.1.1.3",
        "i",
        "3",
        "1.3.6.1.2.1.2.2.1.8.3",
        "i",
        "2",
    ]);
    send_trap(&[
        "-v1",
        "-c",
        "public",
        &target,
        "1.3.6.1.4.1.8072",
        "127.0.0.1",
        "6",
        "17",
        "",
    ]);
    let inform = net_snmp(
        "snmpinform",
        &[
            "-v2c", "-c", "public", "-t", "2", "-r", "2", &target, "", COLD_START,
        ],
    );
    assert!(
        inform.status.success(),
        "snmpinform exits 0 only on an acknowledgement: {inform:?}\n{}",
        daemon.log()
    );
    send_trap(&["-v2c", "-c", "secret", &target, "", COLD_START]);
    let log = daemon.wait_for("notification refused", 1);
    assert!(log.contains("unknown community"), "{log}");
    assert!(
        !log.contains("secret"),
        "the community is not logged:\n{log}"
    );

    // SIGHUP: a configuration that does not parse changes nothing…
    std::fs::write(&config, "communities = 'not a list'\n").unwrap_or_else(|e| panic!("{e}"));
    daemon.signal("HUP");
    daemon.wait_for("configuration not reloaded", 1);
    send_trap(&["-v2c", "-c", "public", &target, "", COLD_START]);
    // …and a good one is taken: `secret` is accepted from now on.
    std::fs::write(&config, "communities = [\"public\", \"secret\"]\n")
        .unwrap_or_else(|e| panic!("{e}"));
    daemon.signal("HUP");
    daemon.wait_for("configuration reloaded", 1);
    send_trap(&["-v2c", "-c", "secret", &target, "", LINK_DOWN]);

    // Wait for the last trap to be stored, then stop.
    let deadline = Instant::now() + Duration::from_secs(20);
    while traps(&["--db", &db_arg, "--format", "json"])
        .lines()
        .count()
        < 5
    {
        assert!(Instant::now() < deadline, "not stored:\n{}", daemon.log());
        std::thread::sleep(Duration::from_millis(100));
    }
    let (clean, log) = daemon.stop();
    assert!(clean, "SIGTERM is a clean exit:\n{log}");
    assert!(log.contains("SIGTERM") && log.contains("stopped"), "{log}");

    let json = traps(&["--db", &db_arg, "--format", "json"]);
    let rows: Vec<serde_json::Value> = json
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let kinds: Vec<&str> = rows.iter().filter_map(|r| r["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        ["trap", "v1-trap", "inform", "trap", "trap"],
        "{json}"
    );
    let communities: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["security"]["community"].as_str())
        .collect();
    assert_eq!(
        communities,
        ["public", "public", "public", "public", "secret"]
    );
    assert_eq!(rows[0]["trap_name"], "IF-MIB::linkDown");
    let oper_status = rows[0]["varbinds"]
        .as_array()
        .and_then(|vbs| vbs.iter().find(|vb| vb["oid"] == "1.3.6.1.2.1.2.2.1.8.3"))
        .unwrap_or_else(|| panic!("ifOperStatus.3 stored: {}", rows[0]));
    assert_eq!(oper_status["name"], "IF-MIB::ifOperStatus.3");
    assert_eq!(oper_status["value"], "INTEGER: down(2)");
    assert_eq!(rows[1]["v1"]["specific"], 17);
    assert!(
        rows[2]["request_id"].is_i64(),
        "an inform's request-id is kept"
    );

    // Filters, and snmptrapd's shape in text.
    let link_downs = traps(&["--db", &db_arg, "--trap", "IF-MIB::linkDown"]);
    assert_eq!(
        link_downs
            .matches("snmpTrapOID.0 = OID: IF-MIB::linkDown")
            .count(),
        2,
        "{link_downs}"
    );
    let newest = traps(&["--db", &db_arg, "--newest", "-n", "1"]);
    assert!(newest.contains("community \"secret\""), "{newest}");
    assert!(
        newest.starts_with(char::is_numeric) && newest.contains("[UDP: [127.0.0.1]:"),
        "{newest}"
    );
    let none = traps(&["--db", &db_arg, "--since", "2099-01-01T00:00:00Z"]);
    assert_eq!(none, "");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_flags_and_files_are_refused_before_anything_starts() {
    let output = Command::new(env!("CARGO_BIN_EXE_smic"))
        .args([
            "trapd",
            "--listen",
            "udp:nowhere",
            "--db",
            "/nonexistent/dir/t.sqlite",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("udp:nowhere"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_smic"))
        .args(["trapd", "--config", "/nonexistent/trapd.toml"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/trapd.toml"));

    let output = Command::new(env!("CARGO_BIN_EXE_smic"))
        .args(["traps", "--db", "/nonexistent/traps.sqlite"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !output.status.success(),
        "a missing database is an error, not an empty list"
    );
}

/// An SNMPv2c inform of coldStart with this request-id (and uptime).
fn inform(request_id: i32) -> Vec<u8> {
    use smic_snmp::message::AnyPdu;
    use smic_snmp::notify::Notice;
    use smic_snmp::{Message, Pdu, PduType, Version};
    let notice = Notice {
        trap_oid: COLD_START.parse().unwrap_or_else(|e| panic!("{e:?}")),
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

/// The request-id of a Response, or `None` for anything else.
fn response_id(bytes: &[u8]) -> Option<i32> {
    match smic_snmp::Message::decode(bytes).ok()?.pdu {
        smic_snmp::message::AnyPdu::Pdu(pdu) => Some(pdu.request_id),
        smic_snmp::message::AnyPdu::TrapV1(_) => None,
    }
}

/// The request-ids of the informs acknowledged on `socket` until it goes quiet.
fn acknowledged(socket: &std::net::UdpSocket, quiet: Duration) -> Vec<i32> {
    socket
        .set_read_timeout(Some(quiet))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut buf = vec![0; 4096];
    let mut ids = Vec::new();
    while let Ok(n) = socket.recv(&mut buf) {
        ids.extend(response_id(&buf[..n]));
    }
    ids
}

/// `smic trapd` on a free UDP port storing into `db`, its log in `dir/log`; the
/// daemon and its port, once it listens.
fn start_trapd(dir: &std::path::Path, db: &std::path::Path, log: &str) -> (Daemon, u16) {
    let port = free_port();
    let listen = format!("udp:127.0.0.1:{port}");
    let db = db.display().to_string();
    let daemon = Daemon::start(
        "trapd",
        &["--listen", &listen, "--db", &db, "--community", "public"],
        &dir.join(log),
    );
    daemon.wait_for("listening", 1);
    (daemon, port)
}

/// A UDP socket connected to the daemon on `port`.
fn connected(port: u16) -> std::net::UdpSocket {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    socket
        .connect(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("{e}"));
    socket
}

/// The SQLite file's `PRAGMA integrity_check` and the request-ids stored, in order.
fn check_file(db: &std::path::Path) -> (String, Vec<i32>) {
    let connection = rusqlite::Connection::open(db).unwrap_or_else(|e| panic!("{e}"));
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<i32> = connection
        .prepare("SELECT request_id FROM notifications ORDER BY id")
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
        .unwrap_or_else(|e| panic!("{e}"));
    (integrity, ids)
}

/// `kill -9` in the middle of a burst of informs: after a restart, every inform that
/// was acknowledged is in the database, and the SQLite file is intact.
#[test]
fn a_kill_9_in_a_burst_loses_nothing_acknowledged() {
    let dir = std::env::temp_dir().join(format!("smic-trapd-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let db = dir.join("traps.sqlite");
    let (daemon, port) = start_trapd(&dir, &db, "first.log");
    let socket = connected(port);
    // Informs as fast as they go, acknowledgements read in between; the daemon is
    // killed while they still flow.
    let sender = socket.try_clone().unwrap_or_else(|e| panic!("{e}"));
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let burst = std::thread::spawn({
        let finished = finished.clone();
        move || {
            // About 30,000 a second for a second and a half.
            for id in 1..=45_000 {
                if sender.send(&inform(id)).is_err() {
                    break;
                }
                if id % 64 == 0 {
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
            finished.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    });
    // Read acknowledgements for a moment, then kill mid-burst.
    let mut acks = Vec::new();
    socket
        .set_read_timeout(Some(Duration::from_millis(20)))
        .unwrap_or_else(|e| panic!("{e}"));
    let killing_at = Instant::now() + Duration::from_millis(400);
    let mut buf = vec![0; 4096];
    while Instant::now() < killing_at {
        if let Ok(n) = socket.recv(&mut buf) {
            acks.extend(response_id(&buf[..n]));
        }
    }
    assert!(
        !finished.load(std::sync::atomic::Ordering::SeqCst),
        "the burst ended before the kill"
    );
    daemon.kill();
    // What the kernel still holds was sent before the kill.
    acks.extend(acknowledged(&socket, Duration::from_millis(200)));
    burst.join().unwrap_or_else(|_| panic!("burst"));
    assert!(
        acks.len() > 1000,
        "too few informs acknowledged before the kill to prove anything: {}",
        acks.len()
    );

    // The restart opens the file as it was left (recovering its WAL).
    let (daemon, _) = start_trapd(&dir, &db, "second.log");
    let (stopped, log) = daemon.stop();
    assert!(stopped, "{log}");
    let (integrity, ids) = check_file(&db);
    assert_eq!(integrity, "ok");
    let stored: std::collections::HashSet<i32> = ids.into_iter().collect();
    let lost: Vec<i32> = acks
        .iter()
        .copied()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged informs lost, e.g. {:?}",
        lost.len(),
        acks.len(),
        &lost[..lost.len().min(5)]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// The store's PostgreSQL harness, shared rather than copied; this test uses part of it.
#[allow(dead_code, unreachable_pub)]
#[path = "../../../runtime/store/tests/common/pg.rs"]
mod pg;

/// `smic trapd --db postgresql://…` and `smic traps --db postgresql://…`, against a
/// server the test starts: stored, listed as text and JSON, filtered, followed.
#[test]
fn trapd_and_traps_on_postgresql() {
    let Some(server) = pg::PgServer::start() else {
        return;
    };
    let url = server.url();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let port = free_port();
    let target = format!("127.0.0.1:{port}");
    let listen = format!("udp:{target}");
    let daemon = Daemon::start(
        "trapd",
        &["--listen", &listen, "--db", &url, "--community", "public"],
        &dir.path().join("trapd.log"),
    );
    daemon.wait_for("listening", 1);
    assert!(
        daemon.log().contains("PostgreSQL"),
        "the migration is logged:\n{}",
        daemon.log()
    );
    // `--follow` sees rows stored after it started.
    let mut follow = Command::new(env!("CARGO_BIN_EXE_smic"))
        .args(["traps", "--db", &url, "--follow", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(Duration::from_millis(500));
    send_trap(&[
        "-v2c",
        "-c",
        "public",
        &target,
        "",
        LINK_DOWN,
        "1.3.6.1.2.1.2.2.1.1.7",
        "i",
        "7",
    ]);
    send_trap(&["-v2c", "-c", "public", &target, "", COLD_START]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while traps(&["--db", &url, "--format", "json"]).lines().count() < 2 {
        assert!(Instant::now() < deadline, "{}", daemon.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = traps(&["--db", &url, "--trap", "IF-MIB::linkDown"]);
    assert!(
        text.contains("v2c trap community \"public\"")
            && text.contains("IF-MIB::ifIndex.7 = INTEGER: 7"),
        "{text}"
    );
    assert!(!text.contains("coldStart"), "{text}");
    // The follower printed both as they came.
    std::thread::sleep(Duration::from_millis(1500));
    let _ = follow.kill();
    let followed = follow.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let followed = String::from_utf8_lossy(&followed.stdout);
    assert_eq!(followed.lines().count(), 2, "{followed}");
    assert!(
        followed.contains("\"trap_name\":\"SNMPv2-MIB::coldStart\""),
        "{followed}"
    );
    let (stopped, log) = daemon.stop();
    assert!(stopped, "{log}");
}

/// Sends `inform(id)` to `port` every 300 ms until it is acknowledged or `within`
/// passes; whether it was.
fn acknowledged_within(socket: &std::net::UdpSocket, id: i32, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    socket
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut buf = vec![0; 4096];
    while Instant::now() < deadline {
        let _ = socket.send(&inform(id));
        while let Ok(n) = socket.recv(&mut buf) {
            if response_id(&buf[..n]) == Some(id) {
                return true;
            }
        }
    }
    false
}

/// The disk fills (here: the process's file size limit, lowered under it with
/// `prlimit`): informs go unacknowledged, the daemon keeps running and retrying; once
/// there is room again the waiting inform is stored and acknowledged, and the file is
/// intact.
#[test]
fn a_full_disk_holds_acknowledgements_until_there_is_room() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "prlimit (util-linux) is missing and CI is set"
        );
        eprintln!("SKIPPED: prlimit (util-linux) is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("smic-trapd-full-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let db = dir.join("traps.sqlite");
    let (mut daemon, port) = start_trapd(&dir, &db, "trapd.log");
    let socket = connected(port);
    assert!(acknowledged_within(&socket, 1, Duration::from_secs(5)));
    let pid = daemon.pid().to_string();
    let limit = |value: &str| {
        let status = Command::new("prlimit")
            .args(["--pid", &pid, &format!("--fsize={value}")])
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(status.success(), "prlimit --fsize={value}");
    };
    // Only the soft limit: raising it again needs no privilege.
    limit("1:unlimited");
    assert!(
        !acknowledged_within(&socket, 2, Duration::from_millis(1500)),
        "acknowledged although it could not be written"
    );
    assert!(daemon.is_running(), "the daemon died at the limit");
    limit("unlimited:unlimited");
    assert!(
        acknowledged_within(&socket, 2, Duration::from_secs(15)),
        "not acknowledged once there was room"
    );
    let (stopped, log) = daemon.stop();
    assert!(stopped, "{log}");
    let (integrity, ids) = check_file(&db);
    assert_eq!(integrity, "ok");
    assert_eq!(ids, [1, 2], "each inform once");
    let _ = std::fs::remove_dir_all(&dir);
}
