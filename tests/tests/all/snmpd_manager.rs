//! smic's manager against net-snmp's `snmpd`: get, walk (GetBulk and GetNext), set and
//! errors, compared with what net-snmp's own `snmpget` and `snmpwalk` see.

use std::collections::BTreeMap;

use smic_smi::{Oid, Value, oid};
use smic_snmp::client::{Client, Config, Error};
use smic_snmp::{VarBind, Version};
use smic_tests::{Snmpd, net_snmp};

/// Tables whose rows come and go with the walkers themselves (processes, sockets), and
/// load figures that wander up and down (memory, load averages, CPU), are left out of
/// the view, so that three walks in a row can be compared.
const CONFIG: &str = "
view stable included .1
view stable excluded .1.3.6.1.2.1.25.4
view stable excluded .1.3.6.1.2.1.25.5
view stable excluded .1.3.6.1.2.1.6.13
view stable excluded .1.3.6.1.2.1.6.19
view stable excluded .1.3.6.1.2.1.6.20
view stable excluded .1.3.6.1.2.1.7.5
view stable excluded .1.3.6.1.2.1.7.7
view stable excluded .1.3.6.1.2.1.4.31.3
view stable excluded .1.3.6.1.4.1.2021.4
view stable excluded .1.3.6.1.4.1.2021.10
view stable excluded .1.3.6.1.4.1.2021.11
view stable excluded .1.3.6.1.2.1.25.3.3
rocommunity public 127.0.0.1 -V stable
rwcommunity private 127.0.0.1 .1.3.6.1.2.1.1
sysLocation smic test lab
sysContact nobody
sysServices 72
";

fn config(version: Version, community: &str) -> Config {
    smic_tests::client_config(version, community)
}

async fn ready(snmpd: &Snmpd) -> Client {
    smic_tests::connect_when_ready(snmpd, config(Version::V2c, "public")).await
}

async fn walk_oids(client: &Client, root: &Oid) -> Vec<Oid> {
    let mut walk = client.walk(root.clone());
    let mut out = Vec::new();
    while let Some(binding) = walk.next().await {
        out.push(binding.unwrap_or_else(|e| panic!("{e}")).oid);
    }
    out
}

fn numeric(kind: &str) -> bool {
    matches!(
        kind,
        "Counter32" | "Counter64" | "Gauge32" | "Timeticks" | "INTEGER"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn full_walk_equals_snmpwalk() {
    let snmpd = Snmpd::start(CONFIG);
    let client = ready(&snmpd).await;
    let target = format!("udp:{}", snmpd.addr);
    // smic, then net-snmp, then smic again: a value net-snmp saw must be one of smic's,
    // or lie between them when it only grows or wanders (counters, gauges, uptime); a
    // string that changed between smic's walks (the agent's clock) is compared by type.
    let first = smic_tests::walk_comparable(oid!(1).clone(), &client).await;
    let theirs = smic_tests::parse_snmpwalk(&net_snmp(
        "snmpwalk",
        &[
            "-v2c", "-c", "public", "-On", "-Oe", "-Ot", "-Ox", "-t", "2", &target, ".1",
        ],
    ));
    let second = smic_tests::walk_comparable(oid!(1).clone(), &client).await;
    assert!(
        theirs.len() > 500,
        "snmpwalk saw only {} bindings; snmpd log:\n{}",
        theirs.len(),
        snmpd.log()
    );
    let keys = |m: &BTreeMap<String, (String, String)>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&first),
        keys(&theirs),
        "smic's walk and snmpwalk saw different OIDs"
    );
    assert_eq!(keys(&second), keys(&theirs));
    let mut differences = Vec::new();
    for (oid, (kind, value)) in &theirs {
        let (a, c) = (&first[oid], &second[oid]);
        if &a.0 != kind {
            differences.push(format!("{oid}: type {} vs net-snmp {kind}", a.0));
            continue;
        }
        // A value that changed between smic's own two walks (a clock, a counter) can only
        // be compared by type.
        if a.1 != c.1 && !numeric(kind) {
            continue;
        }
        let between = numeric(kind)
            && matches!((a.1.parse::<i128>(), value.parse::<i128>(), c.1.parse::<i128>()),
                (Ok(x), Ok(y), Ok(z)) if x.min(z) <= y && y <= x.max(z));
        if &a.1 != value && &c.1 != value && !between {
            differences.push(format!("{oid}: {} / {} vs net-snmp {value}", a.1, c.1));
        }
    }
    assert!(
        differences.is_empty(),
        "{} values differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn get_matches_snmpget_and_v1_walk_matches_bulk_walk() {
    let snmpd = Snmpd::start(CONFIG);
    let client = ready(&snmpd).await;
    let target = format!("udp:{}", snmpd.addr);
    let oids = [
        oid!(1, 3, 6, 1, 2, 1, 1, 1, 0).clone(),
        oid!(1, 3, 6, 1, 2, 1, 1, 6, 0).clone(),
    ];
    let got = client.get(&oids).await.unwrap_or_else(|e| panic!("{e}"));
    let theirs = net_snmp(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            &target,
            ".1.3.6.1.2.1.1.1.0",
            ".1.3.6.1.2.1.1.6.0",
        ],
    );
    let ours: Vec<String> = got
        .iter()
        .map(|vb| format!(".{} = {}", vb.oid, vb.value))
        .collect();
    assert_eq!(ours.join("\n"), theirs.trim_end());
    assert_eq!(got[1].value, Value::OctetString(b"smic test lab".to_vec()));

    // SNMPv1 walks with GetNext and ends on noSuchName; it must see what GetBulk sees.
    let v1 = Client::connect(snmpd.addr, config(Version::V1, "public"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let system = oid!(1, 3, 6, 1, 2, 1, 1).clone();
    let (by_next, by_bulk) = (
        walk_oids(&v1, &system).await,
        walk_oids(&client, &system).await,
    );
    assert!(by_next.len() > 8);
    assert_eq!(by_next, by_bulk);
}

#[tokio::test(flavor = "multi_thread")]
async fn set_and_errors() {
    let snmpd = Snmpd::start(CONFIG);
    let _ = ready(&snmpd).await;
    let writer = Client::connect(snmpd.addr, config(Version::V2c, "private"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sys_name = oid!(1, 3, 6, 1, 2, 1, 1, 5, 0).clone();
    let set = vec![VarBind {
        oid: sys_name.clone(),
        value: Value::OctetString(b"smic-set".to_vec()),
    }];
    writer.set(set).await.unwrap_or_else(|e| panic!("{e}"));
    let back = writer
        .get(std::slice::from_ref(&sys_name))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back[0].value, Value::OctetString(b"smic-set".to_vec()));

    // A wrong type is refused with wrongType(7) at the first binding.
    let wrong = vec![VarBind {
        oid: sys_name.clone(),
        value: Value::Integer(1),
    }];
    match writer.set(wrong).await {
        Err(Error::Agent {
            status: smic_snmp::message::ErrorStatus::WrongType,
            index: 1,
        }) => {}
        other => panic!("expected wrongType, got {other:?}"),
    }
    // An instance that does not exist reads as an exception, not an error, in SNMPv2c.
    let missing = writer
        .get(std::slice::from_ref(oid!(1, 3, 6, 1, 2, 1, 1, 99, 0)))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(missing[0].value.is_exception());

    // A community the agent does not know gets no answer at all: a timeout.
    let stranger = Client::connect(snmpd.addr, config(Version::V2c, "wrong"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        stranger.get(&[sys_name]).await,
        Err(Error::Timeout)
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn many_requests_in_flight_on_one_socket() {
    let snmpd = Snmpd::start(CONFIG);
    let client = std::sync::Arc::new(ready(&snmpd).await);
    let tasks: Vec<_> = (1..=7u32)
        .map(|n| {
            let client = client.clone();
            tokio::spawn(async move {
                let oid = Oid::from_vec(vec![1, 3, 6, 1, 2, 1, 1, n, 0]);
                client.get(&[oid]).await.map(|vb| vb[0].oid.clone())
            })
        })
        .collect();
    for (n, task) in (1..=7u32).zip(tasks) {
        let answered = task
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(answered, Oid::from_vec(vec![1, 3, 6, 1, 2, 1, 1, n, 0]));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ipv6() {
    let snmpd = Snmpd::start_at(
        "rocommunity6 public ::1\nsysLocation smic test lab\n",
        "::1".parse().unwrap_or_else(|e| panic!("{e}")),
    );
    let client = ready(&snmpd).await;
    let location = client
        .get(std::slice::from_ref(oid!(1, 3, 6, 1, 2, 1, 1, 6, 0)))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        location[0].value,
        Value::OctetString(b"smic test lab".to_vec())
    );
    assert!(walk_oids(&client, oid!(1, 3, 6, 1, 2, 1, 1)).await.len() > 8);
}
