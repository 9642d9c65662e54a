//! smic's agent over SNMPv3 against net-snmp's command-line tools (`snmpget`,
//! `snmpwalk`, `snmpbulkwalk`, `snmpset`, `snmptable`) and smic's own manager: USM as
//! the authoritative engine for several authentication and privacy combinations, and
//! VACM per user and level, with exact expected output; then each refusal (wrong
//! passphrase, unknown user, a level below what the access entry needs, unknown
//! context) and the `usmStats` counters that count them.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use crate::agent_fixture::{AUTH_PASS, ENGINE_ID, PRIV_PASS, Served, V3User, agent_v3};
use smic_smi::{Oid, Value, oid};
use smic_snmp::VarBind;
use smic_snmp::agent::Limits;
use smic_snmp::client::{Client, Config, Error, Report, UsmConfig};
use smic_snmp::message::SecurityLevel;
use smic_snmp::usm::{AuthProtocol, Counter, User};

/// The fixture agent with SNMPv3, served on a free loopback port.
struct Running {
    served: Served,
}

impl Running {
    fn start() -> Running {
        let fixture = agent_v3(Limits::default());
        Running {
            served: Served::start(&fixture.responder),
        }
    }

    /// Runs a net-snmp tool as `user` at `level` (net-snmp's `-l`), with `-On`, one
    /// try of one second, then `options`, the agent and `operands`: (stdout, stderr).
    fn run(
        &self,
        tool: &str,
        user: &V3User,
        level: SecurityLevel,
        options: &[&str],
        operands: &[&str],
    ) -> (String, String) {
        let mut args = vec![
            "-v3".to_string(),
            "-u".into(),
            user.name.into(),
            "-l".into(),
            level.name().into(),
        ];
        if let Some(auth) = user.auth {
            args.extend([
                "-a".into(),
                auth.name().into(),
                "-A".into(),
                AUTH_PASS.into(),
            ]);
        }
        if let Some(privacy) = user.privacy {
            args.extend([
                "-x".into(),
                privacy.name().into(),
                "-X".into(),
                PRIV_PASS.into(),
            ]);
        }
        args.extend(["-r", "0", "-t", "1"].map(String::from));
        args.extend(options.iter().map(|o| o.to_string()));
        args.push(format!("udp:{}", self.served.addr()));
        args.extend(operands.iter().map(|o| o.to_string()));
        let output = Command::new(tool)
            // No user configuration (~/.snmp) may change what the tools print.
            .env("SNMPCONFPATH", "/nonexistent")
            .env("MIBS", "")
            .args(&args)
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

/// Every user that reads and writes at its own level, and that level.
fn combinations() -> Vec<&'static V3User> {
    [
        "noauth",
        "md5",
        "sha256",
        "sha-des",
        "sha-aes",
        "sha512-aes256",
        "sha-aes256c",
    ]
    .into_iter()
    .map(V3User::named)
    .collect()
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
fn snmpget_and_walks_for_every_combination() {
    let agent = Running::start();
    for user in combinations() {
        let (out, err) = agent.run(
            "snmpget",
            user,
            user.level,
            &["-On"],
            &[
                ".1.3.6.1.2.1.1.1.0",
                ".1.3.6.1.2.1.1.5.0",
                ".1.3.6.1.2.1.1.9.0",
            ],
        );
        assert_eq!(
            out,
            "\
.1.3.6.1.2.1.1.1.0 = STRING: \"smic test agent\"
.1.3.6.1.2.1.1.5.0 = STRING: \"smic\"
.1.3.6.1.2.1.1.9.0 = No Such Object available on this agent at this OID
",
            "{}: {err}",
            user.name
        );
        let (out, err) = agent.run("snmpwalk", user, user.level, &["-On"], &[".1.3.6.1.2.1.2"]);
        assert_eq!(out, IF_TABLE_WALK, "{}: {err}", user.name);
        let (out, err) = agent.run(
            "snmpbulkwalk",
            user,
            user.level,
            &["-On", "-Cr3"],
            &[".1.3.6.1.2.1.2"],
        );
        assert_eq!(out, IF_TABLE_WALK, "{}: {err}", user.name);
    }
}

#[test]
fn snmpset_and_snmptable() {
    let agent = Running::start();
    let user = V3User::named("sha512-aes256");
    let (out, err) = agent.run(
        "snmpset",
        user,
        SecurityLevel::AuthPriv,
        &["-On"],
        &[
            ".1.3.6.1.2.1.1.4.0",
            "s",
            "v3@example.net",
            ".1.3.6.1.2.1.2.2.1.7.2",
            "i",
            "2",
        ],
    );
    assert_eq!(
        out,
        ".1.3.6.1.2.1.1.4.0 = STRING: \"v3@example.net\"\n.1.3.6.1.2.1.2.2.1.7.2 = INTEGER: 2\n",
        "{err}"
    );
    let (out, err) = agent.run(
        "snmpset",
        V3User::named("md5"),
        SecurityLevel::AuthNoPriv,
        &["-On"],
        &[".1.3.6.1.2.1.2.2.1.7.1", "i", "7"],
    );
    assert_eq!(out, "");
    assert_eq!(
        err,
        "\
Error in packet.
Reason: wrongValue (The set value is illegal or unsupported in some way)
Failed object: .1.3.6.1.2.1.2.2.1.7.1

"
    );
    let mibs = mibs();
    let (out, err) = agent.run(
        "snmptable",
        V3User::named("sha-aes256c"),
        SecurityLevel::AuthPriv,
        &["-M", &mibs, "-m", "IF-MIB", "-Cf", ",", "-Oe"],
        &["IF-MIB::ifTable"],
    );
    assert_eq!(
        out,
        "\
SNMP table: IF-MIB::ifTable

ifIndex,ifDescr,ifType,ifMtu,ifSpeed,ifPhysAddress,ifAdminStatus,ifOperStatus,ifLastChange,ifInOctets,ifInUcastPkts,ifInNUcastPkts,ifInDiscards,ifInErrors,ifInUnknownProtos,ifOutOctets,ifOutUcastPkts,ifOutNUcastPkts,ifOutDiscards,ifOutErrors,ifOutQLen,ifSpecific
1,lo,24,1500,1000000000,,1,1,0:0:00:00.00,1000,?,?,?,?,?,?,?,?,?,?,?,?
2,eth0,6,1500,1000000000,0:16:3e:1:2:3,2,1,0:0:00:00.00,2000,?,?,?,?,?,?,?,?,?,?,?,?
",
        "{err}"
    );
    // The engine's objects.
    let (out, err) = agent.run(
        "snmpget",
        V3User::named("sha-des"),
        SecurityLevel::AuthPriv,
        &["-On"],
        &[
            ".1.3.6.1.6.3.10.2.1.1.0",
            ".1.3.6.1.6.3.10.2.1.2.0",
            ".1.3.6.1.6.3.10.2.1.4.0",
        ],
    );
    assert_eq!(
        out,
        "\
.1.3.6.1.6.3.10.2.1.1.0 = Hex-STRING: 80 00 1F 88 04 73 6D 69 63 2D 61 67 65 6E 74 
.1.3.6.1.6.3.10.2.1.2.0 = INTEGER: 3
.1.3.6.1.6.3.10.2.1.4.0 = INTEGER: 65507
",
        "{err}"
    );
}

#[test]
fn refusals_and_the_usm_stats_that_count_them() {
    let agent = Running::start();
    let get = |user: &V3User, level, options: &[&str]| {
        let mut all = vec!["-On"];
        all.extend_from_slice(options);
        agent.run("snmpget", user, level, &all, &[".1.3.6.1.2.1.1.5.0"])
    };
    // A wrong authentication passphrase: usmStatsWrongDigests.
    let (out, err) = agent.run(
        "snmpget",
        V3User::named("md5"),
        SecurityLevel::AuthNoPriv,
        &["-On", "-A", "wrong-passphrase"],
        &[".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(out, "");
    assert_eq!(
        err, "snmpget: Authentication failure (incorrect password, community or key)\n",
        "wrong passphrase"
    );
    // An unknown user: usmStatsUnknownUserNames.
    let stranger = V3User {
        name: "stranger",
        auth: Some(AuthProtocol::Sha1),
        privacy: None,
        level: SecurityLevel::AuthNoPriv,
    };
    let (out, err) = get(&stranger, SecurityLevel::AuthNoPriv, &[]);
    assert_eq!(out, "");
    assert_eq!(err, "snmpget: Unknown user name\n");
    // A level the user has no keys for: usmStatsUnsupportedSecLevels.
    let keyless = V3User {
        name: "noauth",
        auth: Some(AuthProtocol::Sha1),
        privacy: None,
        level: SecurityLevel::AuthNoPriv,
    };
    let (out, err) = get(&keyless, SecurityLevel::AuthNoPriv, &[]);
    assert_eq!(out, "");
    assert_eq!(err, "snmpget: Unsupported security level\n");
    // The right authentication passphrase, the wrong privacy one:
    // usmStatsDecryptionErrors.
    let (out, err) = get(
        V3User::named("sha-aes"),
        SecurityLevel::AuthPriv,
        &["-X", "wrong-passphrase"],
    );
    assert_eq!(out, "");
    assert_eq!(err, "snmpget: Decryption error\n");
    // Below the level the access entry needs: authorizationError.
    let (out, err) = get(
        V3User::named("sha-aes-strict"),
        SecurityLevel::AuthNoPriv,
        &[],
    );
    assert_eq!(out, "");
    assert_eq!(
        err, "Error in packet\nReason: authorizationError (access denied to that object)\n",
        "below the level"
    );
    let (out, err) = agent.run(
        "snmpset",
        V3User::named("sha-aes-ro"),
        SecurityLevel::AuthNoPriv,
        &["-On"],
        &[".1.3.6.1.2.1.1.6.0", "s", "x"],
    );
    assert_eq!(out, "");
    assert_eq!(
        err, "Error in packet.\nReason: authorizationError (access denied to that object)\n",
        "write below authPriv"
    );
    // Unknown context; a known context without access.
    let (out, err) = get(
        V3User::named("sha-aes"),
        SecurityLevel::AuthPriv,
        &["-n", "nowhere"],
    );
    assert_eq!(out, "");
    assert_eq!(err, "snmpget: Bad context specified\n");
    let (out, err) = get(
        V3User::named("sha-aes"),
        SecurityLevel::AuthPriv,
        &["-n", "other"],
    );
    assert_eq!(out, "");
    assert_eq!(
        err, "Error in packet\nReason: authorizationError (access denied to that object)\n",
        "context without access"
    );
    // What was counted, read over SNMPv3.
    let (out, err) = agent.run(
        "snmpget",
        V3User::named("sha256"),
        SecurityLevel::AuthNoPriv,
        &["-On"],
        &[
            ".1.3.6.1.6.3.15.1.1.1.0",
            ".1.3.6.1.6.3.15.1.1.3.0",
            ".1.3.6.1.6.3.15.1.1.5.0",
            ".1.3.6.1.6.3.15.1.1.6.0",
            ".1.3.6.1.6.3.12.1.5.0",
        ],
    );
    assert_eq!(
        out,
        "\
.1.3.6.1.6.3.15.1.1.1.0 = Counter32: 1
.1.3.6.1.6.3.15.1.1.3.0 = Counter32: 1
.1.3.6.1.6.3.15.1.1.5.0 = Counter32: 1
.1.3.6.1.6.3.15.1.1.6.0 = Counter32: 1
.1.3.6.1.6.3.12.1.5.0 = Counter32: 1
",
        "{err}"
    );
}

/// The engine ID in net-snmp's `-e` form.
fn engine_hex() -> String {
    let hex: String = ENGINE_ID.iter().map(|b| format!("{b:02x}")).collect();
    format!("0x{hex}")
}

#[test]
fn a_stale_clock_is_corrected_by_an_authenticated_report() {
    let agent = Running::start();
    let user = V3User::named("sha-aes");
    // No discovery (-e), and a clock far in the future (-Z): the agent answers
    // usmStatsNotInTimeWindows with its own boots and time, authenticated, and
    // snmpget sends again in time.
    let engine = engine_hex();
    let (out, err) = agent.run(
        "snmpget",
        user,
        SecurityLevel::AuthPriv,
        &["-On", "-e", &engine, "-Z", "3,1000000"],
        &[".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(out, ".1.3.6.1.2.1.1.5.0 = STRING: \"smic\"\n", "{err}");
    let (out, err) = agent.run(
        "snmpget",
        user,
        SecurityLevel::AuthPriv,
        &["-On", "-Oqv"],
        &[".1.3.6.1.6.3.15.1.1.2.0", ".1.3.6.1.6.3.15.1.1.4.0"],
    );
    // One stale request; one discovery (this snmpget's: the first had `-e`).
    assert_eq!(out, "1\n1\n", "{err}");
}

fn usm(user: &V3User, level: SecurityLevel) -> Config {
    Config {
        timeout: std::time::Duration::from_millis(500),
        retries: 1,
        ..Config::usm(UsmConfig::new(user.user(), level))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smic_manager_against_smic_agent() {
    let fixture = agent_v3(Limits::default());
    let server = smic_snmp::agent::Server::bind(
        "127.0.0.1:0".parse().expect("an address"),
        2,
        Arc::clone(&fixture.responder),
    )
    .await
    .expect("bound");
    let addr = server.local_addr();
    let sys_name = oid!(1, 3, 6, 1, 2, 1, 1, 5, 0).clone();
    for user in combinations() {
        let client = Client::connect(addr, usm(user, user.level))
            .await
            .expect("a client");
        let got = client
            .get(std::slice::from_ref(&sys_name))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", user.name));
        assert_eq!(got[0].value, Value::OctetString(b"smic".to_vec()));
        let mut walk = client.walk(oid!(1, 3, 6, 1, 2, 1, 2, 2, 1, 2).clone());
        let mut descrs = Vec::new();
        while let Some(vb) = walk.next().await {
            descrs.push(vb.unwrap_or_else(|e| panic!("{}: {e}", user.name)).value);
        }
        assert_eq!(
            descrs,
            [
                Value::OctetString(b"lo".to_vec()),
                Value::OctetString(b"eth0".to_vec())
            ]
        );
    }
    // A SET at authPriv, then refusals.
    let writer = Client::connect(
        addr,
        usm(V3User::named("sha-aes-ro"), SecurityLevel::AuthPriv),
    )
    .await
    .expect("a client");
    let location = VarBind {
        oid: oid!(1, 3, 6, 1, 2, 1, 1, 6, 0).clone(),
        value: Value::OctetString(b"rack 9".to_vec()),
    };
    writer
        .set(vec![location.clone()])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let reader = Client::connect(
        addr,
        usm(V3User::named("sha-aes-ro"), SecurityLevel::AuthNoPriv),
    )
    .await
    .expect("a client");
    let refused = reader.set(vec![location]).await;
    assert!(
        matches!(
            refused,
            Err(Error::Agent {
                status: smic_snmp::message::ErrorStatus::AuthorizationError,
                ..
            })
        ),
        "authorizationError: {refused:?}"
    );
    let mut wrong = UsmConfig::new(
        User::new("md5")
            .with_auth(AuthProtocol::Md5, b"wrong-passphrase")
            .expect("long enough"),
        SecurityLevel::AuthNoPriv,
    );
    let client = Client::connect(
        addr,
        Config {
            retries: 0,
            ..Config::usm(wrong.clone())
        },
    )
    .await
    .expect("a client");
    let refused = client.get(std::slice::from_ref(&sys_name)).await;
    assert!(
        matches!(
            refused,
            Err(Error::Report(Report::Usm(Counter::WrongDigests)))
        ),
        "{refused:?}"
    );
    wrong.user = V3User::named("sha-aes").user();
    wrong.level = SecurityLevel::AuthPriv;
    wrong.context_name = b"nowhere".to_vec();
    let client = Client::connect(
        addr,
        Config {
            retries: 0,
            ..Config::usm(wrong)
        },
    )
    .await
    .expect("a client");
    let refused = client.get(std::slice::from_ref(&sys_name)).await;
    let unknown_contexts: Oid = "1.3.6.1.6.3.12.1.5.0".parse().expect("an OID");
    assert!(
        matches!(&refused, Err(Error::Report(Report::Other(oid))) if *oid == unknown_contexts),
        "{refused:?}"
    );
    // A stale clock is corrected once.
    let mut stale = UsmConfig::new(V3User::named("sha256").user(), SecurityLevel::AuthNoPriv);
    stale.engine_id = Some(ENGINE_ID.to_vec());
    stale.engine_time = Some((3, 1_000_000));
    let client = Client::connect(
        addr,
        Config {
            retries: 1,
            ..Config::usm(stale)
        },
    )
    .await
    .expect("a client");
    let got = client.get(std::slice::from_ref(&sys_name)).await;
    assert!(got.is_ok(), "{got:?}");
    let stats = fixture.responder.usm_stats().expect("SNMPv3 configured");
    assert_eq!(stats.get(Counter::WrongDigests), 1);
    assert_eq!(stats.get(Counter::NotInTimeWindows), 1);
}
