//! smic's AgentX subagent (`smic-agentx`) attached to net-snmp's `snmpd` as master,
//! over TCP and over a Unix socket: a typed table of `SMIC-TEST-MIB` (a `MemTable`
//! with a RowStatus column) and a writable scalar, read with `snmpget`, `snmpwalk`,
//! `snmpbulkwalk` and `snmptable`, written with `snmpset` through TestSet, CommitSet
//! and CleanupSet (rows created and destroyed with RowStatus; a SET with one bad
//! binding changes nothing), and snmpd restarted under a running subagent.
//!
//! Needs Debian's `snmpd` and `snmp`: without them the tests fail under `CI`, and are
//! skipped loudly otherwise.

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use smic_agentx::subagent::{Handle, MasterAddress, State, Subagent};
use smic_smi::registry::Registry;
use smic_smi::snmpv2_tc::{DisplayString, RowStatus};
use smic_smi::syntax::Enum;
use smic_smi::{ObjectType, TableEntry};
use smic_snmp::agent::{MemScalar, MemTable, Mib, TableObject};
use smic_tests::Snmpd;
use smic_tests::test_mib::smic_test_mib as mib;

/// testIntEntry.
const ENTRY: &str = "1.3.6.1.4.1.99999.1.2.1.1";
/// testName.0.
const NAME: &str = "1.3.6.1.4.1.99999.1.1.1.0";

/// Whether net-snmp is here; without it, a failure under CI and a loud skip elsewhere.
pub(crate) fn net_snmp_present(test: &str) -> bool {
    let tools = [
        "snmpget",
        "snmpwalk",
        "snmpbulkwalk",
        "snmpset",
        "snmptable",
    ];
    let missing_tool = tools.iter().find(|tool| {
        Command::new(tool)
            .arg("-V")
            .output()
            .map(|o| !o.status.success() && o.stdout.is_empty() && o.stderr.is_empty())
            .unwrap_or(true)
    });
    let snmpd = ["/usr/sbin/snmpd", "/usr/local/sbin/snmpd"]
        .iter()
        .any(|p| Path::new(p).exists());
    let missing = match (snmpd, missing_tool) {
        (true, None) => return true,
        (false, _) => "snmpd".to_string(),
        (true, Some(tool)) => tool.to_string(),
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: {missing} is missing; CI installs Debian's snmpd and snmp"
    );
    eprintln!("SKIPPED {test}: {missing} is missing (install Debian's snmpd and snmp)");
    false
}

fn free_udp() -> SocketAddr {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free UDP port")
}

fn free_tcp() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free TCP port")
}

/// snmpd as AgentX master on `agentx` (net-snmp's `agentXSocket` notation).
fn snmpd_config(agentx: &str) -> String {
    format!(
        "master agentx\n\
         agentXSocket {agentx}\n\
         agentXTimeout 3\n\
         agentXRetries 1\n\
         rocommunity public 127.0.0.1\n\
         rwcommunity private 127.0.0.1\n"
    )
}

fn row(index: i32, name: &str, level: mib::TestStatus) -> mib::TestIntEntry {
    let mut row = mib::TestIntEntry::new(mib::TestIntEntryIndex {
        test_int_index: index,
    });
    row.test_int_name = DisplayString::new(name.as_bytes().to_vec()).ok();
    row.test_int_level = Some(Enum::from(level));
    row.type_ = Some(index);
    row.test_int_status = Some(Enum::from(RowStatus::Active));
    row
}

/// The subagent's instrumentation: testIntTable (two rows; a row needs a name to be
/// ready) and testName.0 (read-write).
pub(crate) fn instrumentation() -> (Mib, Arc<MemTable<mib::TestIntEntry>>) {
    let rows = Arc::new(
        MemTable::from_rows([
            row(1, "one", mib::TestStatus::Ok),
            row(2, "two", mib::TestStatus::Degraded),
        ])
        .require_columns(&[2]),
    );
    let mut registry = Registry::new();
    smic_smi::snmpv2_tc::register(&mut registry);
    mib::register(&mut registry);
    let table = TableObject::new(Arc::clone(&rows)).access_from(&registry);
    assert_eq!(table.status_column(), Some(9));
    let mut m = Mib::new();
    m.table(table).expect("no overlap");
    m.scalar::<mib::TestName, _>(MemScalar::new(
        DisplayString::new(b"smic".to_vec()).expect("short"),
    ))
    .expect("no overlap");
    assert_eq!(mib::TestName::OID.child(0).to_string(), NAME);
    (m, rows)
}

/// A subagent running on its own runtime (so that the tools may block the test's
/// thread), stopped with Close(shutdown) when dropped.
pub(crate) struct Running {
    pub(crate) handle: Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    pub(crate) runtime: tokio::runtime::Runtime,
}

impl Running {
    pub(crate) fn start(mib: Mib, master: MasterAddress) -> Running {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let subagent = Subagent::builder(mib)
            .master(master)
            .description("smic interop subagent")
            .backoff(Duration::from_millis(50), Duration::from_millis(500))
            .ping_interval(Some(Duration::from_secs(1)))
            .build();
        let handle = subagent.handle();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = runtime.spawn(subagent.run(async {
            let _ = stopped.await;
        }));
        Running {
            handle,
            stop: Some(stop),
            task: Some(task),
            runtime,
        }
    }

    /// Waits for session number `generation` to be open and registered.
    fn opened(&self, generation: u64, snmpd: &Snmpd) -> State {
        // Timers need the runtime: the timeout is made inside it.
        let wait = async {
            tokio::time::timeout(Duration::from_secs(20), self.handle.opened(generation)).await
        };
        match self.runtime.block_on(wait) {
            Ok(Ok(state)) => state,
            other => panic!(
                "no AgentX session {generation} ({other:?}); snmpd's log:\n{}",
                snmpd.log()
            ),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = self
                .runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(5), task).await });
        }
    }
}

/// Runs a net-snmp tool against snmpd: numeric OIDs, enumerations as numbers, one
/// try of three seconds; (stdout, stderr).
fn tool(
    snmpd: &Snmpd,
    tool: &str,
    community: &str,
    options: &[&str],
    operands: &[&str],
) -> (String, String) {
    let agent = format!("udp:{}", snmpd.addr);
    let output = Command::new(tool)
        .args(["-v2c", "-c", community, "-r", "0", "-t", "3", "-On", "-Oe"])
        .args(options)
        .arg(&agent)
        .args(operands)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn get(snmpd: &Snmpd, oids: &[&str]) -> String {
    let (out, err) = tool(snmpd, "snmpget", "public", &[], oids);
    assert!(
        err.is_empty(),
        "snmpget: {err}\nsnmpd's log:\n{}",
        snmpd.log()
    );
    out
}

fn col(column: u32, index: i32) -> String {
    format!("{ENTRY}.{column}.{index}")
}

/// What a walk of testIntEntry shows for these rows (name, level, type, status).
fn expected_walk(rows: &[(i32, &str, i32, i32)]) -> String {
    let mut out = String::new();
    for column in [2, 3, 4, 9] {
        for &(index, name, level, status) in rows {
            let value = match column {
                2 => format!("STRING: \"{name}\""),
                3 => format!("INTEGER: {level}"),
                4 => format!("INTEGER: {index}"),
                _ => format!("INTEGER: {status}"),
            };
            out.push_str(&format!(".{ENTRY}.{column}.{index} = {value}\n"));
        }
    }
    out
}

/// Waits up to ten seconds for a GET of testName.0 through snmpd to answer with the
/// subagent's value (snmpd may take a moment to accept a re-opened session's
/// registrations).
fn wait_answering(snmpd: &Snmpd) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        let (out, err) = tool(snmpd, "snmpget", "public", &[], &[NAME]);
        if out.contains("STRING") {
            return out;
        }
        last = format!("{out}{err}");
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!(
        "snmpd never answered from the subagent: {last}\nsnmpd's log:\n{}",
        snmpd.log()
    );
}

#[test]
fn snmpd_serves_a_typed_table_from_the_subagent_over_tcp() {
    if !net_snmp_present("snmpd_serves_a_typed_table_from_the_subagent_over_tcp") {
        return;
    }
    let agentx = free_tcp();
    let snmpd = Snmpd::start_on(&snmpd_config(&format!("tcp:{agentx}")), free_udp());
    let (mib, rows) = instrumentation();
    let running = Running::start(mib, MasterAddress::Tcp(agentx));
    running.opened(1, &snmpd);
    wait_answering(&snmpd);

    // GET of instances, one missing.
    assert_eq!(
        get(&snmpd, &[&col(2, 1), &col(3, 2), &col(2, 9), NAME]),
        format!(
            ".{} = STRING: \"one\"\n.{} = INTEGER: 2\n.{} = No Such Instance currently exists at this OID\n.{NAME} = STRING: \"smic\"\n",
            col(2, 1),
            col(3, 2),
            col(2, 9)
        )
    );

    // Walks, GETNEXT and GETBULK, in column order.
    let two_rows = expected_walk(&[(1, "one", 1, 1), (2, "two", 2, 1)]);
    let (walk, err) = tool(&snmpd, "snmpwalk", "public", &[], &[ENTRY]);
    assert_eq!((walk.as_str(), err.as_str()), (two_rows.as_str(), ""));
    let (bulk, err) = tool(&snmpd, "snmpbulkwalk", "public", &["-Cr5"], &[ENTRY]);
    assert_eq!((bulk.as_str(), err.as_str()), (two_rows.as_str(), ""));

    // snmptable, with the module's names.
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mibdirs = format!(
        "{}:{}",
        repo.join("mibs").display(),
        repo.join("../mibs").display()
    );
    let output = Command::new("snmptable")
        .args(["-v2c", "-c", "public", "-r", "0", "-t", "3", "-Cf", ","])
        .args(["-M", &mibdirs, "-m", "SMIC-TEST-MIB"])
        .arg(format!("udp:{}", snmpd.addr))
        .arg("SMIC-TEST-MIB::testIntTable")
        .output()
        .expect("snmptable runs");
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains(
            "testIntName,testIntLevel,type,match,self,collideABCount,collideAbCount,testIntStatus"
        ),
        "{table}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(table.contains("one,ok,1,?,?,?,?,active"), "{table}");
    assert!(table.contains("two,degraded,2,?,?,?,?,active"), "{table}");

    // SET of a writable column: TestSet, CommitSet, CleanupSet through snmpd.
    let (out, err) = tool(&snmpd, "snmpset", "private", &[], &[&col(3, 1), "i", "3"]);
    assert_eq!(
        (out.trim(), err.as_str()),
        (format!(".{} = INTEGER: 3", col(3, 1)).as_str(), "")
    );
    assert_eq!(
        rows.rows()[0].test_int_level,
        Some(Enum::from(mib::TestStatus::Failed))
    );
    let (out, err) = tool(&snmpd, "snmpset", "private", &[], &[NAME, "s", "renamed"]);
    assert!(err.is_empty() && out.contains("renamed"), "{out}{err}");
    assert!(get(&snmpd, &[NAME]).contains("\"renamed\""));

    // A failing binding (type out of 0..10) after a good one: nothing changes.
    let (out, err) = tool(
        &snmpd,
        "snmpset",
        "private",
        &[],
        &[&col(3, 2), "i", "1", &col(4, 2), "i", "11"],
    );
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("wrongValue") && err.contains("Failed object"),
        "{err}"
    );
    assert_eq!(
        rows.rows()[1].test_int_level,
        Some(Enum::from(mib::TestStatus::Degraded))
    );
    assert!(get(&snmpd, &[&col(3, 2)]).contains("INTEGER: 2"));

    // RowStatus: createAndGo with the name the row needs, then destroy.
    let (out, err) = tool(
        &snmpd,
        "snmpset",
        "private",
        &[],
        &[
            &col(9, 3),
            "i",
            "4",
            &col(2, 3),
            "s",
            "three",
            &col(4, 3),
            "i",
            "3",
        ],
    );
    assert!(err.is_empty(), "{err}\nsnmpd's log:\n{}", snmpd.log());
    assert!(out.contains("INTEGER: 4"), "{out}");
    assert_eq!(rows.rows().len(), 3);
    let (walk, _) = tool(&snmpd, "snmpwalk", "public", &[], &[ENTRY]);
    assert_eq!(
        walk,
        expected_walk(&[(1, "one", 3, 1), (2, "two", 2, 1), (3, "three", 0, 1)])
            .lines()
            .filter(|l| !l.starts_with(&format!(".{ENTRY}.3.3 ")))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    // createAndGo of a row without its name is inconsistentValue, and creates nothing.
    let (_, err) = tool(&snmpd, "snmpset", "private", &[], &[&col(9, 4), "i", "4"]);
    assert!(err.contains("inconsistentValue"), "{err}");
    assert_eq!(rows.rows().len(), 3);
    let (out, err) = tool(&snmpd, "snmpset", "private", &[], &[&col(9, 3), "i", "6"]);
    assert!(err.is_empty() && out.contains("INTEGER: 6"), "{out}{err}");
    assert_eq!(rows.rows().len(), 2);
    assert!(get(&snmpd, &[&col(2, 3)]).contains("No Such Instance"));

    // Read-only community: snmpd refuses before the subagent sees anything.
    let (_, err) = tool(&snmpd, "snmpset", "public", &[], &[&col(3, 1), "i", "1"]);
    assert!(
        err.contains("noAccess") || err.contains("authorizationError"),
        "{err}"
    );
    assert_eq!(
        rows.rows()[0].test_int_level,
        Some(Enum::from(mib::TestStatus::Failed))
    );
}

#[test]
fn the_subagent_comes_back_after_snmpd_restarts_over_a_unix_socket() {
    if !net_snmp_present("the_subagent_comes_back_after_snmpd_restarts_over_a_unix_socket") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("smic-agentx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let socket = dir.join("master");
    let udp = free_udp();
    let config = snmpd_config(&format!("unix:{}", socket.display()));
    let snmpd = Snmpd::start_on(&config, udp);
    let (mib, _rows) = instrumentation();
    let running = Running::start(mib, MasterAddress::Unix(socket.clone()));
    let first = running.opened(1, &snmpd);
    assert!(wait_answering(&snmpd).contains("\"smic\""));
    let (walk, _) = tool(&snmpd, "snmpwalk", "public", &[], &[ENTRY]);
    assert_eq!(walk, expected_walk(&[(1, "one", 1, 1), (2, "two", 2, 1)]));

    // snmpd goes away and comes back on the same addresses: the subagent reconnects
    // by itself, opens a new session and registers everything again.
    drop(snmpd);
    let snmpd = Snmpd::start_on(&config, udp);
    let second = running.opened(2, &snmpd);
    assert!(
        matches!(second, State::Open { generation: 2, .. }),
        "{first:?} then {second:?}"
    );
    assert!(wait_answering(&snmpd).contains("\"smic\""));
    let (walk, _) = tool(&snmpd, "snmpbulkwalk", "public", &[], &[ENTRY]);
    assert_eq!(walk, expected_walk(&[(1, "one", 1, 1), (2, "two", 2, 1)]));

    // Shutdown closes the session: snmpd forgets the registrations at once.
    drop(running);
    let (out, _) = tool(&snmpd, "snmpget", "public", &[], &[NAME]);
    assert!(
        out.contains("No Such Object"),
        "{out}\nsnmpd's log:\n{}",
        snmpd.log()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_notify_reaches_snmptrapd_through_snmpd() {
    if !net_snmp_present("a_notify_reaches_snmptrapd_through_snmpd") {
        return;
    }
    let trapd = Snmpd::start_trapd("authCommunity log public\n", "%N|%v\\n");
    let agentx = free_tcp();
    let config = format!(
        "{}trap2sink udp:{} public\n",
        snmpd_config(&format!("tcp:{agentx}")),
        trapd.addr
    );
    let snmpd = Snmpd::start_on(&config, free_udp());
    let (mib, _rows) = instrumentation();
    let running = Running::start(mib, MasterAddress::Tcp(agentx));
    running.opened(1, &snmpd);
    let notice = smic_snmp::notify::Notice {
        trap_oid: "1.3.6.1.4.1.99999.0.42".parse().expect("an OID"),
        uptime: 7,
        varbinds: vec![smic_snmp::message::VarBind {
            oid: NAME.parse().expect("an OID"),
            value: smic_smi::Value::OctetString(b"notified".to_vec()),
        }],
    };
    let sent = running.runtime.block_on(running.handle.notify(&notice));
    assert!(sent.is_ok(), "{sent:?}\n{}", snmpd.log());
    let log = trapd.wait_for_log(|log| log.contains(".1.3.6.1.4.1.99999.0.42"));
    assert!(log.contains("notified"), "{log}");
}
