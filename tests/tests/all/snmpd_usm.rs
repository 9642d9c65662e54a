//! smic's SNMPv3 manager against net-snmp's `snmpd`: one user per authentication and
//! privacy protocol snmpd offers (Debian's build: MD5, SHA, SHA-224 … SHA-512; DES,
//! AES, AES-192, AES-256 with the Blumenthal key extension, AES-192-C and AES-256-C
//! with the Reeder one; no 3DES), each doing a get and a walk that must equal what
//! net-snmp's own `snmpget`/`snmpwalk` see with the same user. Then the failures:
//! wrong passphrase, unknown user, wrong engine ID and a stale clock, each answered by
//! snmpd with the Report RFC 3414 prescribes and surfaced as the right error.

use smic_smi::{Oid, Value, oid};
use smic_snmp::client::{Client, Config, Error, Report, UsmConfig};
use smic_snmp::message::SecurityLevel;
use smic_snmp::usm::{AuthProtocol, Counter, PrivProtocol, User};
use smic_tests::{Snmpd, net_snmp};

/// `engineID smic-usm` gives the text engine ID 0x80001f8804 || "smic-usm".
const ENGINE_ID: &[u8] = b"\x80\x00\x1f\x88\x04smic-usm";
const AUTH_PASS: &str = "auth-passphrase";
const PRIV_PASS: &str = "priv-passphrase";

const AUTH: [AuthProtocol; 6] = AuthProtocol::ALL;
/// Every privacy protocol but 3DES, which net-snmp does not implement.
const PRIV: [PrivProtocol; 6] = [
    PrivProtocol::Des,
    PrivProtocol::Aes128,
    PrivProtocol::Aes192,
    PrivProtocol::Aes256,
    PrivProtocol::Aes192Cisco,
    PrivProtocol::Aes256Cisco,
];

fn user_name(auth: Option<AuthProtocol>, privacy: Option<PrivProtocol>) -> String {
    let part = |name: &str| name.to_ascii_lowercase().replace('-', "");
    match (auth, privacy) {
        (None, _) => "noauth".to_string(),
        (Some(a), None) => part(a.name()),
        (Some(a), Some(p)) => format!("{}-{}", part(a.name()), part(p.name())),
    }
}

/// Every combination: the noAuthNoPriv user, one per authentication protocol, one per
/// authentication and privacy pair.
fn combinations() -> Vec<(Option<AuthProtocol>, Option<PrivProtocol>)> {
    let mut out = vec![(None, None)];
    for auth in AUTH {
        out.push((Some(auth), None));
        for privacy in PRIV {
            out.push((Some(auth), Some(privacy)));
        }
    }
    out
}

/// The system group without sysUpTime, which changes between two walks.
fn config() -> String {
    let mut config = String::from(
        "engineID smic-usm\n\
         rocommunity usmstats 127.0.0.1 .1.3.6.1.6.3.15.1.1\n\
         view sys included .1.3.6.1.2.1.1\n\
         view sys excluded .1.3.6.1.2.1.1.3\n\
         sysLocation smic usm lab\n\
         sysContact nobody\n",
    );
    for (auth, privacy) in combinations() {
        let name = user_name(auth, privacy);
        let (create, level) = match (auth, privacy) {
            (None, _) => (String::new(), "noauth"),
            (Some(a), None) => (format!("{} {AUTH_PASS}", a.name()), "auth"),
            (Some(a), Some(p)) => (
                format!("{} {AUTH_PASS} {} {PRIV_PASS}", a.name(), p.name()),
                "priv",
            ),
        };
        config.push_str(&format!(
            "createUser {name} {create}\nrouser {name} {level} -V sys\n"
        ));
    }
    config
}

fn usm(auth: Option<AuthProtocol>, privacy: Option<PrivProtocol>) -> UsmConfig {
    let mut user = User::new(user_name(auth, privacy));
    let mut level = SecurityLevel::NoAuthNoPriv;
    if let Some(auth) = auth {
        user = user
            .with_auth(auth, AUTH_PASS.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        level = SecurityLevel::AuthNoPriv;
    }
    if let Some(privacy) = privacy {
        user = user
            .with_privacy(privacy, PRIV_PASS.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        level = SecurityLevel::AuthPriv;
    }
    UsmConfig::new(user, level)
}

fn client_config(usm: UsmConfig) -> Config {
    Config {
        timeout: std::time::Duration::from_millis(500),
        retries: 2,
        ..Config::usm(usm)
    }
}

/// net-snmp's flags for the same user.
fn net_snmp_flags(auth: Option<AuthProtocol>, privacy: Option<PrivProtocol>) -> Vec<String> {
    let mut flags = vec![
        "-v3".to_string(),
        "-u".to_string(),
        user_name(auth, privacy),
    ];
    match (auth, privacy) {
        (None, _) => flags.extend(["-l".into(), "noAuthNoPriv".into()]),
        (Some(a), None) => flags.extend([
            "-l".into(),
            "authNoPriv".into(),
            "-a".into(),
            a.name().into(),
            "-A".into(),
            AUTH_PASS.into(),
        ]),
        (Some(a), Some(p)) => flags.extend([
            "-l".into(),
            "authPriv".into(),
            "-a".into(),
            a.name().into(),
            "-A".into(),
            AUTH_PASS.into(),
            "-x".into(),
            p.name().into(),
            "-X".into(),
            PRIV_PASS.into(),
        ]),
    }
    flags
}

const SYS_LOCATION: &[u32] = &[1, 3, 6, 1, 2, 1, 1, 6, 0];

#[tokio::test(flavor = "multi_thread")]
async fn every_protocol_combination_gets_and_walks_like_net_snmp() {
    let snmpd = Snmpd::start(&config());
    let target = format!("udp:{}", snmpd.addr);
    let mut checked = 0;
    for (auth, privacy) in combinations() {
        let label = user_name(auth, privacy);
        let client =
            smic_tests::connect_when_ready(&snmpd, client_config(usm(auth, privacy))).await;
        let got = client
            .get(&[Oid::from_vec(SYS_LOCATION.to_vec())])
            .await
            .unwrap_or_else(|e| panic!("{label}: get: {e}\n{}", snmpd.log()));
        assert_eq!(
            got[0].value,
            Value::OctetString(b"smic usm lab".to_vec()),
            "{label}"
        );

        let ours = smic_tests::walk_comparable(oid!(1, 3, 6, 1, 2, 1, 1).clone(), &client).await;
        let mut args = net_snmp_flags(auth, privacy);
        args.extend(
            [
                "-On",
                "-Oe",
                "-Ot",
                "-Ox",
                "-t",
                "2",
                &target,
                ".1.3.6.1.2.1.1",
            ]
            .map(String::from),
        );
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let theirs = smic_tests::parse_snmpwalk(&net_snmp("snmpwalk", &args));
        assert!(ours.len() >= 10, "{label}: only {} bindings", ours.len());
        assert_eq!(ours, theirs, "{label}: smic's walk vs snmpwalk's");
        assert_eq!(client.usm_stats().get(Counter::WrongDigests), 0);
        checked += 1;
    }
    assert_eq!(checked, 1 + AUTH.len() * (1 + PRIV.len()));
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_the_reports_rfc_3414_prescribes() {
    let snmpd = Snmpd::start(&config());
    let good = (Some(AuthProtocol::Sha256), Some(PrivProtocol::Aes128));
    // Wait until snmpd answers at all.
    drop(smic_tests::connect_when_ready(&snmpd, client_config(usm(good.0, good.1))).await);
    let sys_location = Oid::from_vec(SYS_LOCATION.to_vec());

    let failure = |config: UsmConfig| {
        let sys_location = sys_location.clone();
        let addr = snmpd.addr;
        async move {
            let client = Client::connect(addr, client_config(config))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            client.get(&[sys_location]).await.err()
        }
    };

    // A wrong authentication passphrase: usmStatsWrongDigests.
    let mut wrong_auth = usm(good.0, None);
    wrong_auth.user = User::new(user_name(good.0, None))
        .with_auth(AuthProtocol::Sha256, b"not-the-passphrase")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(
            failure(wrong_auth).await,
            Some(Error::Report(Report::Usm(Counter::WrongDigests)))
        ),
        "wrong passphrase"
    );

    // A user snmpd does not know: usmStatsUnknownUserNames.
    let mut unknown = usm(good.0, good.1);
    unknown.user = User::new("nobody-here")
        .with_auth(AuthProtocol::Sha256, AUTH_PASS.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    unknown.level = SecurityLevel::AuthNoPriv;
    assert!(matches!(
        failure(unknown).await,
        Some(Error::Report(Report::Usm(Counter::UnknownUserNames)))
    ));

    // An engine ID that is not snmpd's (no discovery): usmStatsUnknownEngineIDs.
    let mut wrong_engine = usm(good.0, good.1);
    wrong_engine.engine_id = Some(b"\x80\x00\x1f\x88\x04not-snmpd".to_vec());
    assert!(matches!(
        failure(wrong_engine).await,
        Some(Error::Report(Report::Usm(Counter::UnknownEngineIds)))
    ));

    // A stale clock (net-snmp's -Z): snmpd answers usmStatsNotInTimeWindows with its
    // own boots and time, and the manager sends again, once, in time.
    let windows_before = usm_stat(&snmpd, Counter::NotInTimeWindows).await;
    let mut stale = usm(good.0, good.1);
    stale.engine_id = Some(ENGINE_ID.to_vec());
    stale.engine_time = Some((1, 1_000_000));
    let client = Client::connect(snmpd.addr, client_config(stale))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let got = client
        .get(std::slice::from_ref(&sys_location))
        .await
        .unwrap_or_else(|e| panic!("stale clock: {e}"));
    assert_eq!(got[0].value, Value::OctetString(b"smic usm lab".to_vec()));
    assert_eq!(
        usm_stat(&snmpd, Counter::NotInTimeWindows).await,
        windows_before + 1,
        "one stale request, one resynchronization"
    );

    // The same user reads what it may, but not outside its view.
    let client = Client::connect(snmpd.addr, client_config(usm(good.0, good.1)))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let outside = client
        .get(std::slice::from_ref(oid!(1, 3, 6, 1, 2, 1, 2, 1, 0)))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outside[0].value, Value::NoSuchObject);

    // snmpd counted what it refused, readable over SNMPv3 itself.
    let stats = client
        .get(&[
            Counter::WrongDigests.oid(),
            Counter::UnknownUserNames.oid(),
            Counter::UnknownEngineIds.oid(),
        ])
        .await;
    // usmStats is outside the user's view: snmpd hides it like any other object.
    assert!(stats.is_ok_and(|b| b.iter().all(|vb| vb.value == Value::NoSuchObject)));
}

/// One of snmpd's usmStats counters, read over SNMPv2c.
async fn usm_stat(snmpd: &Snmpd, counter: Counter) -> u32 {
    let client = Client::connect(
        snmpd.addr,
        smic_tests::client_config(smic_snmp::Version::V2c, "usmstats"),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let got = client
        .get(&[counter.oid()])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    match got[0].value {
        Value::Counter32(n) => n,
        ref other => panic!("{}: {other:?}", counter.name()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn many_concurrent_requests_share_one_discovery() {
    let snmpd = Snmpd::start(&config());
    let good = (Some(AuthProtocol::Sha1), Some(PrivProtocol::Aes128));
    drop(smic_tests::connect_when_ready(&snmpd, client_config(usm(good.0, good.1))).await);
    let before = usm_stat(&snmpd, Counter::UnknownEngineIds).await;
    let client = std::sync::Arc::new(
        Client::connect(snmpd.addr, client_config(usm(good.0, good.1)))
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    );
    // Fifty requests in flight before the engine is known: they wait for one probe.
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .get(&[Oid::from_vec(SYS_LOCATION.to_vec())])
                    .await
                    .map(|vb| vb[0].value.clone())
            })
        })
        .collect();
    for task in tasks {
        let value = task
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(value, Value::OctetString(b"smic usm lab".to_vec()));
    }
    // snmpd answered exactly one discovery probe for all fifty.
    assert_eq!(
        usm_stat(&snmpd, Counter::UnknownEngineIds).await,
        before + 1
    );
}
