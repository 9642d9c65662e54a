//! smic's agent against net-snmp's command-line tools: `snmpget`, `snmpgetnext`,
//! `snmpwalk`, `snmpbulkwalk`, `snmpset` and `snmptable`, SNMPv1 and SNMPv2c, with
//! exact expected output, errors and access-control refusals included.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use crate::agent_fixture::agent;
use smic_snmp::agent::{Limits, Server};

/// The fixture agent served on a free loopback port by its own multi-threaded runtime,
/// so that the tools can block the test's thread.
struct Running {
    server: Server,
    _runtime: tokio::runtime::Runtime,
}

impl Running {
    fn start() -> Running {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let fixture = agent(Limits::default());
        let addr: SocketAddr = "127.0.0.1:0".parse().expect("an address");
        let server = runtime
            .block_on(Server::bind(addr, 2, Arc::clone(&fixture.responder)))
            .expect("bound");
        Running {
            server,
            _runtime: runtime,
        }
    }

    /// Runs a net-snmp tool with `-v version -c community`, one try of one second,
    /// numeric OIDs, then `options`, the agent and `operands`: (stdout, stderr).
    fn run(
        &self,
        tool: &str,
        version: &str,
        community: &str,
        options: &[&str],
        operands: &[&str],
    ) -> (String, String) {
        let mut all = vec!["-On"];
        all.extend_from_slice(options);
        self.run_named(tool, version, community, &all, operands)
    }

    /// [`Running::run`] without `-On`.
    fn run_named(
        &self,
        tool: &str,
        version: &str,
        community: &str,
        options: &[&str],
        operands: &[&str],
    ) -> (String, String) {
        let target = format!("udp:{}", self.server.local_addr());
        let output = Command::new(tool)
            .args(["-v", version, "-c", community, "-r", "0", "-t", "1"])
            .args(options)
            .arg(&target)
            .args(operands)
            .output()
            .unwrap_or_else(|err| panic!("cannot run {tool} ({err}); install Debian's `snmp`"));
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

fn mibs() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../mibs")
        .display()
        .to_string()
}

const IF_TABLE_WALK: &str = "\
.1.3.6.1.2.1.2.2.1.1.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2
.1.3.6.1.2.1.2.2.1.2.1 = STRING: \"lo\"
.1.3.6.1.2.1.2.2.1.2.2 = STRING: \"eth0\"
.1.3.6.1.2.1.2.2.1.3.1 = INTEGER: 24
.1.3.6.1.2.1.2.2.1.3.2 = INTEGER: 6
.1.3.6.1.2.1.2.2.1.4.1 = INTEGER: 1500
.1.3.6.1.2.1.2.2.1.4.2 = INTEGER: 1500
.1.3.6.1.2.1.2.2.1.5.1 = Gauge32: 1000000000
.1.3.6.1.2.1.2.2.1.5.2 = Gauge32: 1000000000
.1.3.6.1.2.1.2.2.1.6.1 = \"\"
.1.3.6.1.2.1.2.2.1.6.2 = Hex-STRING: 00 16 3E 01 02 03 
.1.3.6.1.2.1.2.2.1.7.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.7.2 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.8.2 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.9.1 = Timeticks: (0) 0:00:00.00
.1.3.6.1.2.1.2.2.1.9.2 = Timeticks: (0) 0:00:00.00
.1.3.6.1.2.1.2.2.1.10.1 = Counter32: 1000
.1.3.6.1.2.1.2.2.1.10.2 = Counter32: 2000
";

#[test]
fn snmpget_reads_values_and_exceptions() {
    let agent = Running::start();
    let oids = [
        ".1.3.6.1.2.1.1.1.0",
        ".1.3.6.1.2.1.1.5.0",
        ".1.3.6.1.2.1.1.9.0",
        ".1.3.6.1.2.1.2.2.1.2.7",
    ];
    let (out, err) = agent.run("snmpget", "2c", "public", &[], &oids);
    assert_eq!(
        out,
        "\
.1.3.6.1.2.1.1.1.0 = STRING: \"smic test agent\"
.1.3.6.1.2.1.1.5.0 = STRING: \"smic\"
.1.3.6.1.2.1.1.9.0 = No Such Object available on this agent at this OID
.1.3.6.1.2.1.2.2.1.2.7 = No Such Instance currently exists at this OID
",
        "{err}"
    );
    // net-snmp's snmpget drops the binding a v1 agent names and asks again.
    let (out, err) = agent.run("snmpget", "1", "public", &[], &oids);
    assert_eq!(
        out,
        ".1.3.6.1.2.1.1.1.0 = STRING: \"smic test agent\"\n.1.3.6.1.2.1.1.5.0 = STRING: \"smic\"\n"
    );
    assert_eq!(
        err,
        "\
Error in packet
Reason: (noSuchName) There is no such variable name in this MIB.
Failed object: .1.3.6.1.2.1.1.9.0

Error in packet
Reason: (noSuchName) There is no such variable name in this MIB.
Failed object: .1.3.6.1.2.1.2.2.1.2.7

"
    );
}

#[test]
fn snmpgetnext_steps_across_scalars_and_columns() {
    let agent = Running::start();
    let oids = [
        ".1.3.6.1.2.1.1.7.0",
        ".1.3.6.1.2.1.2.2.1.2.2",
        ".1.3.6.1.2.1.1.9",
    ];
    let expected = "\
.1.3.6.1.2.1.1.8.0 = Timeticks: (0) 0:00:00.00
.1.3.6.1.2.1.2.2.1.3.1 = INTEGER: 24
.1.3.6.1.2.1.2.2.1.1.1 = INTEGER: 1
";
    for version in ["1", "2c"] {
        let (out, err) = agent.run("snmpgetnext", version, "public", &[], &oids);
        assert_eq!(out, expected, "v{version}: {err}");
    }
}

#[test]
fn snmpwalk_and_snmpbulkwalk_see_the_same_table() {
    let agent = Running::start();
    for version in ["1", "2c"] {
        let (out, err) = agent.run("snmpwalk", version, "public", &[], &[".1.3.6.1.2.1.2"]);
        assert_eq!(out, IF_TABLE_WALK, "v{version}: {err}");
    }
    for repetitions in ["-Cr1", "-Cr3", "-Cr50"] {
        let (out, err) = agent.run(
            "snmpbulkwalk",
            "2c",
            "public",
            &[repetitions],
            &[".1.3.6.1.2.1.2"],
        );
        assert_eq!(out, IF_TABLE_WALK, "{repetitions}: {err}");
    }
}

#[test]
fn snmpwalk_of_the_system_group() {
    let agent = Running::start();
    let (out, err) = agent.run("snmpwalk", "2c", "public", &[], &[".1.3.6.1.2.1.1"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 8, "{out}{err}");
    assert!(
        lines[2].starts_with(".1.3.6.1.2.1.1.3.0 = Timeticks: ("),
        "{}",
        lines[2]
    );
    let without_uptime: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, l)| *l)
        .collect();
    assert_eq!(
        without_uptime,
        [
            ".1.3.6.1.2.1.1.1.0 = STRING: \"smic test agent\"",
            ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10",
            ".1.3.6.1.2.1.1.4.0 = STRING: \"nobody\"",
            ".1.3.6.1.2.1.1.5.0 = STRING: \"smic\"",
            ".1.3.6.1.2.1.1.6.0 = STRING: \"lab\"",
            ".1.3.6.1.2.1.1.7.0 = INTEGER: 72",
            ".1.3.6.1.2.1.1.8.0 = Timeticks: (0) 0:00:00.00",
        ]
    );
    // A view of the system group only: the walk of everything is the same walk.
    let (all, _) = agent.run("snmpwalk", "2c", "sysonly", &[], &[".1"]);
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 9, "{all}");
    assert!(
        lines.iter().all(|l| l.starts_with(".1.3.6.1.2.1.1.")),
        "{all}"
    );
    assert_eq!(
        lines[8],
        ".1.3.6.1.2.1.1.8.0 = No more variables left in this MIB View (It is past the end of the MIB tree)"
    );
}

#[test]
fn snmptable_shows_the_typed_rows() {
    let agent = Running::start();
    let mibs = mibs();
    let (out, err) = agent.run_named(
        "snmptable",
        "2c",
        "public",
        &["-M", &mibs, "-m", "IF-MIB", "-Cf", ",", "-Oe"],
        &["IF-MIB::ifTable"],
    );
    assert_eq!(
        out,
        "\
SNMP table: IF-MIB::ifTable

ifIndex,ifDescr,ifType,ifMtu,ifSpeed,ifPhysAddress,ifAdminStatus,ifOperStatus,ifLastChange,ifInOctets,ifInUcastPkts,ifInNUcastPkts,ifInDiscards,ifInErrors,ifInUnknownProtos,ifOutOctets,ifOutUcastPkts,ifOutNUcastPkts,ifOutDiscards,ifOutErrors,ifOutQLen,ifSpecific
1,lo,24,1500,1000000000,,1,1,0:0:00:00.00,1000,?,?,?,?,?,?,?,?,?,?,?,?
2,eth0,6,1500,1000000000,0:16:3e:1:2:3,1,1,0:0:00:00.00,2000,?,?,?,?,?,?,?,?,?,?,?,?
",
        "{err}"
    );
}

#[test]
fn snmpset_writes_and_the_next_get_sees_it() {
    let agent = Running::start();
    let (out, err) = agent.run(
        "snmpset",
        "2c",
        "private",
        &[],
        &[
            ".1.3.6.1.2.1.1.4.0",
            "s",
            "ops@example.net",
            ".1.3.6.1.2.1.2.2.1.7.2",
            "i",
            "2",
        ],
    );
    assert_eq!(
        out,
        ".1.3.6.1.2.1.1.4.0 = STRING: \"ops@example.net\"\n.1.3.6.1.2.1.2.2.1.7.2 = INTEGER: 2\n",
        "{err}"
    );
    let (out, err) = agent.run(
        "snmpset",
        "1",
        "private",
        &[],
        &[".1.3.6.1.2.1.1.6.0", "s", "rack 4"],
    );
    assert_eq!(out, ".1.3.6.1.2.1.1.6.0 = STRING: \"rack 4\"\n", "{err}");
    let (out, _) = agent.run(
        "snmpget",
        "1",
        "public",
        &["-Oqv"],
        &[
            ".1.3.6.1.2.1.1.4.0",
            ".1.3.6.1.2.1.1.6.0",
            ".1.3.6.1.2.1.2.2.1.7.2",
        ],
    );
    assert_eq!(out, "\"ops@example.net\"\n\"rack 4\"\n2\n");
}

/// A refused SET: nothing on stdout, net-snmp's error report on stderr.
fn refused(agent: &Running, version: &str, community: &str, operands: &[&str], expected: &str) {
    let (out, err) = agent.run("snmpset", version, community, &[], operands);
    assert_eq!(out, "", "{operands:?}");
    assert_eq!(err, expected, "v{version} {community} {operands:?}");
}

#[test]
fn snmpset_errors() {
    let agent = Running::start();
    refused(
        &agent,
        "2c",
        "private",
        &[".1.3.6.1.2.1.1.1.0", "s", "x"],
        "\
Error in packet.
Reason: notWritable (That object does not support modification)
Failed object: .1.3.6.1.2.1.1.1.0

",
    );
    refused(
        &agent,
        "1",
        "private",
        &[".1.3.6.1.2.1.1.1.0", "s", "x"],
        "\
Error in packet.
Reason: (noSuchName) There is no such variable name in this MIB.
Failed object: .1.3.6.1.2.1.1.1.0

",
    );
    refused(
        &agent,
        "2c",
        "private",
        &[
            ".1.3.6.1.2.1.1.4.0",
            "s",
            "ok",
            ".1.3.6.1.2.1.1.5.0",
            "i",
            "3",
        ],
        "\
Error in packet.
Reason: wrongType (The set datatype does not match the data type the agent expects)
Failed object: .1.3.6.1.2.1.1.5.0

",
    );
    refused(
        &agent,
        "1",
        "private",
        &[".1.3.6.1.2.1.1.5.0", "i", "3"],
        "\
Error in packet.
Reason: (badValue) The value given has the wrong type or length.
Failed object: .1.3.6.1.2.1.1.5.0

",
    );
    refused(
        &agent,
        "2c",
        "private",
        &[".1.3.6.1.2.1.2.2.1.7.1", "i", "7"],
        "\
Error in packet.
Reason: wrongValue (The set value is illegal or unsupported in some way)
Failed object: .1.3.6.1.2.1.2.2.1.7.1

",
    );
    refused(
        &agent,
        "2c",
        "private",
        &[".1.3.6.1.2.1.2.2.1.7.9", "i", "1"],
        "\
Error in packet.
Reason: noCreation (That table does not support row creation or that object can not ever be created)
Failed object: .1.3.6.1.2.1.2.2.1.7.9

",
    );
    // VACM: outside the write view, and no write view at all.
    refused(
        &agent,
        "2c",
        "sysonly",
        &[".1.3.6.1.2.1.2.2.1.7.1", "i", "2"],
        "\
Error in packet.
Reason: noAccess
Failed object: .1.3.6.1.2.1.2.2.1.7.1

",
    );
    refused(
        &agent,
        "2c",
        "public",
        &[".1.3.6.1.2.1.1.4.0", "s", "x"],
        "\
Error in packet.
Reason: authorizationError (access denied to that object)
",
    );
    // Nothing changed.
    let (out, _) = agent.run(
        "snmpget",
        "2c",
        "public",
        &["-Oqv"],
        &[".1.3.6.1.2.1.1.4.0", ".1.3.6.1.2.1.2.2.1.7.1"],
    );
    assert_eq!(out, "\"nobody\"\n1\n");
}

#[test]
fn refusals_of_access_control() {
    let agent = Running::start();
    // An unknown community is never answered.
    let (out, err) = agent.run("snmpget", "2c", "wrong", &[], &[".1.3.6.1.2.1.1.1.0"]);
    assert_eq!(out, "");
    assert!(
        err.starts_with("Timeout: No Response from udp:127.0.0.1:"),
        "{err}"
    );
    // No group, no access entry: authorizationError.
    for community in ["ghost", "lonely"] {
        let (out, err) = agent.run("snmpget", "2c", community, &[], &[".1.3.6.1.2.1.1.1.0"]);
        assert_eq!(out, "");
        assert_eq!(
            err, "Error in packet\nReason: authorizationError (access denied to that object)\n",
            "{community}"
        );
    }
    // Outside the read view: noSuchObject, and skipped by walks.
    let (out, _) = agent.run("snmpget", "2c", "sysonly", &[], &[".1.3.6.1.2.1.2.2.1.2.1"]);
    assert_eq!(
        out,
        ".1.3.6.1.2.1.2.2.1.2.1 = No Such Object available on this agent at this OID\n"
    );
    let (out, _) = agent.run("snmpbulkwalk", "2c", "noifdescr", &[], &[".1.3.6.1.2.1.2"]);
    let expected: String = IF_TABLE_WALK
        .lines()
        .filter(|l| !l.starts_with(".1.3.6.1.2.1.2.2.1.2."))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(out, expected);
}
