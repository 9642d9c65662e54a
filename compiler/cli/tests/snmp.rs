//! `smic get`, `smic walk` and `smic set` against net-snmp's `snmpd`, with output
//! compared line for line with `snmpget` and `snmpwalk` loading the same MIBs.

use std::path::PathBuf;
use std::process::Command;

use smic_tests::{Snmpd, net_snmp};

const CONFIG: &str = "
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1 .1.3.6.1.2.1.1
sysLocation smic test lab
sysContact nobody
";

fn smic(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_smic"))
        .args(args)
        .env_remove("SMIC_PATH")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

fn mibs() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../mibs")
        .display()
        .to_string()
}

fn wait(snmpd: &Snmpd, target: &str) {
    for _ in 0..50 {
        if !net_snmp(
            "snmpget",
            &[
                "-v2c",
                "-c",
                "public",
                "-t",
                "0.1",
                "-r",
                "0",
                target,
                ".1.3.6.1.2.1.1.1.0",
            ],
        )
        .is_empty()
        {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("snmpd did not start:\n{}", snmpd.log());
}

#[test]
fn get_prints_what_snmpget_prints() {
    let snmpd = Snmpd::start(CONFIG);
    let target = format!("udp:{}", snmpd.addr);
    wait(&snmpd, &target);
    let names = [
        "sysDescr.0",
        "SNMPv2-MIB::sysLocation.0",
        "ifOperStatus.1",
        "ifPhysAddress.1",
        "sysObjectID.0",
        "ifSpeed.1",
        "ifType.1",
        "ifDescr.1",
        // UNITS ("KBytes"), shown after the value.
        "hrMemorySize.0",
        "ifPromiscuousMode.1",
    ];
    let (ok, ours) = smic(&[&["get", target.as_str()][..], &names].concat());
    assert!(ok, "{ours}");
    let theirs = net_snmp(
        "snmpget",
        &[
            &[
                "-v2c",
                "-c",
                "public",
                "-M",
                &mibs(),
                "-m",
                "ALL",
                target.as_str(),
            ][..],
            &names,
        ]
        .concat(),
    );
    assert_eq!(ours, theirs);
    // Numeric form, like -On.
    let (_, ours) = smic(&["get", "-n", &target, "1.3.6.1.2.1.1.6.0"]);
    assert_eq!(
        ours,
        net_snmp(
            "snmpget",
            &["-v2c", "-c", "public", "-On", &target, ".1.3.6.1.2.1.1.6.0"]
        )
    );
}

#[test]
fn walk_prints_what_snmpwalk_prints() {
    let snmpd = Snmpd::start(CONFIG);
    let target = format!("udp:{}", snmpd.addr);
    wait(&snmpd, &target);
    // The interfaces table: names, enumerations, DISPLAY-HINTs and counters.
    for root in ["IF-MIB::ifTable", "SNMPv2-MIB::sysORTable"] {
        let (ok, ours) = smic(&["walk", &target, root]);
        assert!(ok, "{ours}");
        let theirs = net_snmp(
            "snmpbulkwalk",
            &[
                "-v2c",
                "-c",
                "public",
                "-M",
                &mibs(),
                "-m",
                "ALL",
                &target,
                root,
            ],
        );
        let volatile = |line: &&str| {
            ["Octets", "Pkts", "Discards", "Errors", "LastChange"]
                .iter()
                .any(|c| line.contains(c))
        };
        // Where two modules name the same OID value (IP-MIB::ip, RFC1213-MIB::ip), smic
        // prefers the SMIv2 one: compare OID values by the name without its module.
        let unqualified = |line: &str| match line.split_once(" = OID: ") {
            Some((name, value)) => format!(
                "{name} = OID: {}",
                value.rsplit("::").next().unwrap_or(value)
            ),
            None => line.to_string(),
        };
        let ours: Vec<String> = ours
            .lines()
            .filter(|l| !volatile(l))
            .map(unqualified)
            .collect();
        let theirs: Vec<String> = theirs
            .lines()
            .filter(|l| !volatile(l))
            .map(unqualified)
            .collect();
        assert!(ours.len() > 5, "{root}: {ours:?}");
        assert_eq!(ours, theirs, "{root}");
    }
    // GetNext-only walks (SNMPv1, and --no-bulk) see the same bindings.
    let (_, bulk) = smic(&["walk", "-n", &target, "1.3.6.1.2.1.1"]);
    let (_, v1) = smic(&["walk", "-n", "-v", "1", &target, "1.3.6.1.2.1.1"]);
    let (_, next) = smic(&["walk", "-n", "--no-bulk", &target, "1.3.6.1.2.1.1"]);
    let oids = |text: &str| {
        text.lines()
            .map(|l| l.split(" = ").next().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(oids(&bulk), oids(&v1));
    assert_eq!(oids(&bulk), oids(&next));
}

#[test]
fn set_changes_the_value_and_errors_are_reported() {
    let snmpd = Snmpd::start(CONFIG);
    let target = format!("udp:{}", snmpd.addr);
    wait(&snmpd, &target);
    let (ok, out) = smic(&[
        "set",
        "-c",
        "private",
        &target,
        "sysName.0",
        "s",
        "set-by-smic",
    ]);
    assert!(ok, "{out}");
    assert_eq!(out, "SNMPv2-MIB::sysName.0 = STRING: set-by-smic\n");
    let theirs = net_snmp(
        "snmpget",
        &["-v2c", "-c", "public", "-On", &target, ".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(theirs, ".1.3.6.1.2.1.1.5.0 = STRING: \"set-by-smic\"\n");
    // `=` takes the type from the MIB.
    let (ok, out) = smic(&["set", "-c", "private", &target, "sysName.0", "=", "ops"]);
    assert!(ok, "{out}");
    assert_eq!(out, "SNMPv2-MIB::sysName.0 = STRING: ops\n");
    // A wrong type: the agent's wrongType, said plainly, and a failing exit status.
    let (ok, out) = smic(&["set", "-c", "private", &target, "sysName.0", "i", "5"]);
    assert!(!ok);
    assert!(out.contains("wrongType"), "{out}");
    // No answer at all (wrong community): a timeout.
    let (ok, out) = smic(&[
        "get",
        "-c",
        "nope",
        "-t",
        "0.2",
        "-r",
        "1",
        &target,
        "sysDescr.0",
    ]);
    assert!(!ok);
    assert!(out.contains("timeout"), "{out}");
}

#[test]
fn v3_with_net_snmp_flags_prints_what_snmpwalk_prints() {
    let config = format!(
        "{CONFIG}createUser ops SHA-512 auth-passphrase AES-256-C priv-passphrase\n\
         createUser reader SHA auth-passphrase\n\
         rouser ops priv\nrouser reader auth\n"
    );
    let snmpd = Snmpd::start(&config);
    let target = format!("udp:{}", snmpd.addr);
    wait(&snmpd, &target);
    let v3 = [
        "-v",
        "3",
        "-u",
        "ops",
        "-l",
        "authPriv",
        "-a",
        "SHA-512",
        "-A",
        "auth-passphrase",
        "-x",
        "AES-256-C",
        "-X",
        "priv-passphrase",
    ];
    let (ok, ours) = smic(&[&["walk"][..], &v3, &[&target, "SNMPv2-MIB::sysORDescr"]].concat());
    assert!(ok, "{ours}");
    let theirs = net_snmp(
        "snmpwalk",
        &[
            &v3[..],
            &[
                "-M",
                &mibs(),
                "-m",
                "ALL",
                &target,
                "SNMPv2-MIB::sysORDescr",
            ],
        ]
        .concat(),
    );
    assert!(ours.lines().count() > 5, "{ours}");
    assert_eq!(ours, theirs);

    // authNoPriv, the level inferred from the passphrases given.
    let (ok, ours) = smic(&[
        "get",
        "-v",
        "3",
        "-u",
        "reader",
        "-a",
        "SHA",
        "-A",
        "auth-passphrase",
        &target,
        "sysLocation.0",
    ]);
    assert!(ok, "{ours}");
    assert_eq!(ours, "SNMPv2-MIB::sysLocation.0 = STRING: smic test lab\n");

    // Mistakes are named: the wrong passphrase, a level without its passphrase, an
    // unknown protocol.
    let (ok, out) = smic(&[
        "get",
        "-v",
        "3",
        "-u",
        "reader",
        "-a",
        "SHA",
        "-A",
        "wrong-passphrase",
        &target,
        "sysLocation.0",
    ]);
    assert!(!ok);
    assert!(
        out.contains("usmStatsWrongDigests") && out.contains("wrong authentication passphrase"),
        "{out}"
    );
    let (ok, out) = smic(&[
        "get",
        "-v",
        "3",
        "-u",
        "reader",
        "-l",
        "authPriv",
        "-A",
        "auth-passphrase",
        &target,
        "sysLocation.0",
    ]);
    assert!(!ok);
    assert!(out.contains("authPriv needs"), "{out}");
    let (ok, out) = smic(&[
        "get",
        "-v",
        "3",
        "-u",
        "reader",
        "-a",
        "SHA-3",
        "-A",
        "auth-passphrase",
        &target,
        "sysLocation.0",
    ]);
    assert!(!ok);
    assert!(out.contains("unknown authentication protocol"), "{out}");
    let (ok, out) = smic(&[
        "get",
        "-v",
        "3",
        "-u",
        "reader",
        "-A",
        "short",
        &target,
        "sysLocation.0",
    ]);
    assert!(!ok);
    assert!(out.contains("at least 8"), "{out}");
}

/// smic's manager against `snmpd` listening on TCP (RFC 3430): what `snmpget` and
/// `snmpwalk` print over the same connection type.
#[test]
fn get_and_walk_over_tcp_print_what_net_snmp_prints() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let target = format!("tcp:127.0.0.1:{port}");
    let snmpd = Snmpd::start_listening(&format!("{CONFIG}\nagentAddress {target}\n"));
    wait(&snmpd, &target);
    let (ok, ours) = smic(&["get", &target, "sysDescr.0", "sysLocation.0", "ifDescr.1"]);
    assert!(ok, "{ours}");
    let theirs = net_snmp(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "public",
            "-M",
            &mibs(),
            "-m",
            "ALL",
            &target,
            "sysDescr.0",
            "sysLocation.0",
            "ifDescr.1",
        ],
    );
    assert_eq!(ours, theirs);
    let (ok, ours) = smic(&["walk", "-n", &target, "1.3.6.1.2.1.2.2.1.2"]);
    assert!(ok, "{ours}");
    let theirs = net_snmp(
        "snmpbulkwalk",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            &target,
            ".1.3.6.1.2.1.2.2.1.2",
        ],
    );
    assert_eq!(ours, theirs);
    assert!(ours.lines().count() >= 1, "{ours}");
}
