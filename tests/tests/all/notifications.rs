//! Notifications against net-snmp: `snmptrapd` receives smic's SNMPv1, SNMPv2c and
//! SNMPv3 traps and informs (informs acknowledged), and smic's receiver gets what
//! `snmptrap` and `snmpinform` send, in every version, acknowledging informs so that
//! `snmpinform` succeeds.

use std::time::Instant;

use smic_mibs::if_mib::{IfAdminStatus, IfEntryIndex, IfOperStatus, InterfaceIndex, LinkDown};
use smic_mibs::snmpv2_mib::{ColdStart, SysName};
use smic_smi::{Oid, Value};
use smic_snmp::client::{Client, Config, UsmConfig};
use smic_snmp::message::SecurityLevel;
use smic_snmp::notify::{Notice, Received, Receiver, ReceiverConfig, Sender, TrapSender};
use smic_snmp::usm::{AuthProtocol, Counter, LocalEngine, PrivProtocol, User};
use smic_snmp::{VarBind, Version};
use smic_tests::Snmpd;

const AUTH_PASS: &str = "auth-passphrase";
const PRIV_PASS: &str = "priv-passphrase";
/// smic's engine when it sends SNMPv3 traps: `LocalEngine::text_id(8072, "smic-sender")`.
const SENDER_ENGINE: &str = "0x80001f8804736d69632d73656e646572";

fn user() -> User {
    User::new("trapuser")
        .with_auth(AuthProtocol::Sha256, AUTH_PASS.as_bytes())
        .and_then(|u| u.with_privacy(PrivProtocol::Aes128, PRIV_PASS.as_bytes()))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn link_down() -> Notice {
    let index = IfEntryIndex {
        if_index: InterfaceIndex::new(2).unwrap_or_else(|e| panic!("{e}")),
    };
    let notification = LinkDown {
        if_index: (index.clone(), index.if_index),
        if_admin_status: (index.clone(), IfAdminStatus::Up.into()),
        if_oper_status: (index, IfOperStatus::Down.into()),
    };
    Notice::typed(&notification, 4242)
}

/// `snmptrapd` with a community, the SNMPv3 user for traps from smic's engine and for
/// informs to snmptrapd's own, logging `version/security|trap OID|bindings`.
fn trapd() -> Snmpd {
    let config = format!(
        "authCommunity log public\n\
         createUser -e {SENDER_ENGINE} trapuser SHA-256 {AUTH_PASS} AES {PRIV_PASS}\n\
         createUser trapuser SHA-256 {AUTH_PASS} AES {PRIV_PASS}\n\
         authUser log trapuser priv\n"
    );
    Snmpd::start_trapd(&config, "%P|%N|%w|%q|%v\\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn snmptrapd_receives_traps_and_informs_of_every_version() {
    let trapd = trapd();
    let v2_binds = ".1.3.6.1.2.1.1.3.0 = Timeticks: (4242) 0:00:42.42\t\
                    .1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.3\t\
                    .1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2\t\
                    .1.3.6.1.2.1.2.2.1.7.2 = INTEGER: 1\t\
                    .1.3.6.1.2.1.2.2.1.8.2 = INTEGER: 2";

    // SNMPv1: linkDown becomes generic trap 2 (RFC 3584).
    let v1 = TrapSender::community(trapd.addr, Version::V1, "public")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    v1.send(&link_down())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    trapd.wait_for_log(|log| {
        log.contains(
            "TRAP, SNMP v1, community public|.1.3.6.1.6.3.1.1.5|2|0|\
             .1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2\t.1.3.6.1.2.1.2.2.1.7.2 = INTEGER: 1\t\
             .1.3.6.1.2.1.2.2.1.8.2 = INTEGER: 2",
        )
    });

    // SNMPv2c trap, and an unknown community that snmptrapd must not log.
    let wrong = TrapSender::community(trapd.addr, Version::V2c, "not-public")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    wrong
        .send(&Notice::typed(&ColdStart, 1))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let v2c = TrapSender::community(trapd.addr, Version::V2c, "public")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    v2c.send(&link_down())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    trapd.wait_for_log(|log| {
        log.contains(&format!(
            "TRAP2, SNMP v2c, community public|.|0|0|{v2_binds}"
        ))
    });

    // SNMPv2c inform: acknowledged.
    let client = Client::connect(
        trapd.addr,
        smic_tests::client_config(Version::V2c, "public"),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    client
        .inform(&link_down())
        .await
        .unwrap_or_else(|e| panic!("v2c inform: {e}"));
    trapd.wait_for_log(|log| {
        log.contains(&format!(
            "INFORM, SNMP v2c, community public|.|0|0|{v2_binds}"
        ))
    });

    // SNMPv3 trap, authPriv, from smic's engine.
    let engine = LocalEngine::new(LocalEngine::text_id(8072, "smic-sender"), 3, Instant::now());
    let v3 = TrapSender::usm(
        trapd.addr,
        UsmConfig::new(user(), SecurityLevel::AuthPriv),
        engine,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    v3.send(&link_down())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    trapd.wait_for_log(|log| {
        log.contains(&format!(
            "TRAP2, SNMP v3, user trapuser, context |.|0|0|{v2_binds}"
        ))
    });

    // SNMPv3 inform, authPriv: snmptrapd is the authoritative engine, discovered first.
    let client = Client::connect(
        trapd.addr,
        Config {
            timeout: std::time::Duration::from_millis(500),
            retries: 2,
            ..Config::usm(UsmConfig::new(user(), SecurityLevel::AuthPriv))
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    client
        .inform(&link_down())
        .await
        .unwrap_or_else(|e| panic!("v3 inform: {e}"));
    let log = trapd.wait_for_log(|log| {
        log.contains(&format!(
            "INFORM, SNMP v3, user trapuser, context |.|0|0|{v2_binds}"
        ))
    });
    assert!(!log.contains("not-public"), "{log}");
}

/// Starts a net-snmp tool on a blocking thread at once; the handle gives whether it
/// succeeded and its output.
fn tool(name: &'static str, args: Vec<String>) -> Tool {
    Tool(tokio::task::spawn_blocking(move || {
        let output = std::process::Command::new(name)
            .args(&args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {name} ({e}); install Debian's `snmp`"));
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
        )
    }))
}

/// A running net-snmp tool.
struct Tool(tokio::task::JoinHandle<(bool, String)>);

impl Tool {
    async fn finish(self) -> (bool, String) {
        self.0.await.unwrap_or_else(|e| panic!("{e}"))
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| (*a).to_string()).collect()
}

async fn next(receiver: &mut Receiver) -> Received {
    tokio::time::timeout(std::time::Duration::from_secs(5), receiver.recv())
        .await
        .unwrap_or_else(|_| panic!("no notification within 5 s"))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_receiver_gets_what_snmptrap_and_snmpinform_send() {
    let engine = LocalEngine::new(
        LocalEngine::text_id(8072, "smic-receiver"),
        1,
        Instant::now(),
    );
    let config = ReceiverConfig {
        communities: vec![b"public".to_vec()],
        users: vec![user()],
        engine,
    };
    let mut receiver = Receiver::bind(
        "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        config,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let target = format!(
        "udp:{}",
        receiver.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let sys_name = VarBind {
        oid: Oid::from_vec(vec![1, 3, 6, 1, 2, 1, 1, 5, 0]),
        value: Value::OctetString(b"hello".to_vec()),
    };

    // SNMPv1: enterprise-specific trap 17, translated to enterprise.0.17.
    let sent = tool(
        "snmptrap",
        args(&[
            "-v1",
            "-c",
            "public",
            &target,
            ".1.3.6.1.4.1.8072.2.3",
            "192.0.2.7",
            "6",
            "17",
            "",
            ".1.3.6.1.2.1.1.5.0",
            "s",
            "hello",
        ]),
    );
    let got = next(&mut receiver).await;
    assert!(sent.finish().await.0);
    assert_eq!(
        got.sender,
        Sender::Community {
            version: Version::V1,
            community: b"public".to_vec()
        }
    );
    assert_eq!(got.notice.trap_oid.to_string(), "1.3.6.1.4.1.8072.2.3.0.17");
    assert_eq!(got.notice.varbinds[0], sys_name);
    assert_eq!(
        got.notice.varbinds[1].value,
        Value::IpAddress([192, 0, 2, 7])
    );
    assert!(!got.inform);

    // A wrong community is dropped; the next trap is the one delivered.
    assert!(
        tool(
            "snmptrap",
            args(&["-v2c", "-c", "private", &target, "", ".1.3.6.1.6.3.1.1.5.2"])
        )
        .finish()
        .await
        .0
    );
    let sent = tool(
        "snmptrap",
        args(&[
            "-v2c",
            "-c",
            "public",
            &target,
            "",
            ".1.3.6.1.6.3.1.1.5.3",
            ".1.3.6.1.2.1.1.5.0",
            "s",
            "hello",
            ".1.3.6.1.2.1.2.2.1.8.2",
            "i",
            "2",
            ".1.3.6.1.2.1.2.2.1.7.7",
            "i",
            "9",
        ]),
    );
    let got = next(&mut receiver).await;
    assert!(sent.finish().await.0);
    assert_eq!(got.notice.trap_oid.to_string(), "1.3.6.1.6.3.1.1.5.3");
    assert_eq!(got.notice.varbinds[0], sys_name);
    // Read through the generated types: which notification, and its objects typed.
    assert!(got.notice.is::<LinkDown>());
    let name = got
        .notice
        .scalar::<SysName>()
        .map(|r| r.map(|v| v.to_string()));
    assert_eq!(name, Some(Ok("hello".to_string())));
    let Some(Ok((index, status))) = got.notice.column::<IfOperStatus>() else {
        panic!("ifOperStatus.2 decodes");
    };
    assert_eq!(index.if_index.into_inner(), 2);
    assert_eq!(status, IfOperStatus::Down);
    // ifAdminStatus 9 is outside its enumeration: kept as an unknown value, not lost.
    let admin = got.notice.column::<IfAdminStatus>().and_then(Result::ok);
    assert_eq!(admin.map(|(_, v)| v.to_i32()), Some(9));

    // SNMPv2c inform: snmpinform succeeds only if acknowledged.
    let sent = tool(
        "snmpinform",
        args(&[
            "-v2c",
            "-c",
            "public",
            "-t",
            "2",
            "-r",
            "0",
            &target,
            "",
            ".1.3.6.1.6.3.1.1.5.1",
        ]),
    );
    let got = next(&mut receiver).await;
    assert!(got.inform);
    let (ok, out) = sent.finish().await;
    assert!(ok, "{out}");
    assert_eq!(got.notice.trap_oid, *ColdStart_oid());

    // SNMPv3 trap from net-snmp's engine, authPriv; a wrong passphrase is counted.
    let v3 = [
        "-v3", "-u", "trapuser", "-l", "authPriv", "-a", "SHA-256", "-A", AUTH_PASS, "-x", "AES",
        "-X", PRIV_PASS,
    ];
    let bad = [
        "-v3",
        "-u",
        "trapuser",
        "-l",
        "authPriv",
        "-a",
        "SHA-256",
        "-A",
        "wrong-passphrase",
        "-x",
        "AES",
        "-X",
        PRIV_PASS,
    ];
    assert!(
        tool(
            "snmptrap",
            args(
                &[
                    &["-e", "0x80001f8804736e6d7074726170"][..],
                    &bad,
                    &[&target, "", ".1.3.6.1.6.3.1.1.5.2"]
                ]
                .concat()
            )
        )
        .finish()
        .await
        .0
    );
    let sent = tool(
        "snmptrap",
        args(
            &[
                &["-e", "0x80001f8804736e6d7074726170"][..],
                &v3,
                &[&target, "", ".1.3.6.1.6.3.1.1.5.4"],
            ]
            .concat(),
        ),
    );
    let got = next(&mut receiver).await;
    assert!(sent.finish().await.0);
    assert_eq!(got.notice.trap_oid.to_string(), "1.3.6.1.6.3.1.1.5.4");
    assert_eq!(
        got.sender,
        Sender::Usm {
            user: b"trapuser".to_vec(),
            level: SecurityLevel::AuthPriv,
            engine_id: b"\x80\x00\x1f\x88\x04snmptrap".to_vec(),
        }
    );
    assert_eq!(receiver.usm_stats().get(Counter::WrongDigests), 1);

    // SNMPv3 inform: snmpinform discovers the receiver's engine, then is acknowledged.
    let sent = tool(
        "snmpinform",
        args(
            &[
                &v3[..],
                &["-t", "2", "-r", "1", &target, "", ".1.3.6.1.6.3.1.1.5.1"],
            ]
            .concat(),
        ),
    );
    let got = next(&mut receiver).await;
    assert!(got.inform);
    let (ok, out) = sent.finish().await;
    assert!(ok, "{out}");
    assert_eq!(
        got.sender,
        Sender::Usm {
            user: b"trapuser".to_vec(),
            level: SecurityLevel::AuthPriv,
            engine_id: LocalEngine::text_id(8072, "smic-receiver"),
        }
    );
}

#[allow(non_snake_case)]
fn ColdStart_oid() -> &'static Oid {
    <ColdStart as smic_smi::object::Notification>::OID
}
