//! smic's typed reads and its [`Registry`] formatting against net-snmp: scalars read as
//! generated types against `snmpget`, `ifTable` read as `IfEntry` rows against
//! `snmptable`, and a walk of the system and interfaces groups formatted through the
//! registry against `snmpwalk`, line by line.

use std::path::PathBuf;

use smic_mibs::if_mib::IfEntry;
use smic_mibs::snmpv2_mib::{SysDescr, SysObjectID, SysServices, SysUpTime};
use smic_smi::syntax::{Enum, Enumeration};
use smic_smi::{Oid, Registry, Scalar, Value, oid};
use smic_snmp::client::{BindingError, Client, Config, Error};
use smic_snmp::{VarBind, Version};
use smic_tests::{Snmpd, net_snmp};

/// sysServices is left out of the view, so that reading it gives `noSuchObject`.
const CONFIG: &str = "
view typed included .1
view typed excluded .1.3.6.1.2.1.1.7
rocommunity public 127.0.0.1 -V typed
sysLocation smic test lab
sysContact nobody
";

fn config(version: Version) -> Config {
    smic_tests::client_config(version, "public")
}

async fn ready(snmpd: &Snmpd, version: Version) -> Client {
    smic_tests::connect_when_ready(snmpd, config(version)).await
}

fn mibs() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../mibs")
        .display()
        .to_string()
}

/// `snmpget -v2c -c public` with more options, one instance.
fn snmpget(snmpd: &Snmpd, options: &[&str], oid: &str) -> String {
    let target = format!("udp:{}", snmpd.addr);
    let args = [&["-v2c", "-c", "public"][..], options, &[&target, oid]].concat();
    net_snmp("snmpget", &args).trim_end().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_scalars_match_snmpget() {
    let snmpd = Snmpd::start(CONFIG);
    let client = ready(&snmpd, Version::V2c).await;

    // sysDescr as a DisplayString: its text is what `snmpget -Oqv` prints (unquoted
    // when MIBs say it is a DisplayString).
    let descr = client
        .get_scalar::<SysDescr>()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let theirs = snmpget(
        &snmpd,
        &["-M", &mibs(), "-m", "SNMPv2-MIB", "-Oqv"],
        ".1.3.6.1.2.1.1.1.0",
    );
    assert!(!theirs.is_empty(), "snmpget printed nothing");
    assert_eq!(descr.to_string(), theirs);
    // ... and the bytes are the untyped get's.
    let raw = client
        .get(&[<SysDescr as Scalar>::instance()])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(raw[0].value, Value::OctetString(descr.get().clone()));

    // sysObjectID as an OID, against `-Oqvn`.
    let object_id = client
        .get_scalar::<SysObjectID>()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        format!(".{object_id}"),
        snmpget(&snmpd, &["-Oqvn"], ".1.3.6.1.2.1.1.2.0")
    );

    // sysUpTime as TimeTicks: net-snmp's reading (`-Oqvt`, bare ticks) falls between
    // two of smic's.
    let before = client
        .get_scalar::<SysUpTime>()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let theirs: u32 = snmpget(&snmpd, &["-Oqvt"], ".1.3.6.1.2.1.1.3.0")
        .parse()
        .unwrap_or_else(|e| panic!("sysUpTime from snmpget: {e}"));
    let after = client
        .get_scalar::<SysUpTime>()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        before.0 <= theirs && theirs <= after.0,
        "{before} .. {theirs} .. {after}"
    );

    // Outside the view: noSuchObject, said as such, for smic and for net-snmp.
    match client.get_scalar::<SysServices>().await {
        Err(Error::Binding(BindingError::Exception { object, oid, value })) => {
            assert_eq!(object, "sysServices");
            assert_eq!(oid.to_string(), "1.3.6.1.2.1.1.7.0");
            assert_eq!(value, Value::NoSuchObject);
        }
        other => panic!("expected noSuchObject, got {other:?}"),
    }
    assert!(
        snmpget(&snmpd, &["-On"], ".1.3.6.1.2.1.1.7.0").ends_with(&Value::NoSuchObject.to_string())
    );

    // SNMPv1 has no exceptions: the agent answers noSuchName(2).
    let v1 = ready(&snmpd, Version::V1).await;
    assert!(matches!(
        v1.get_scalar::<SysServices>().await,
        Err(Error::Agent {
            status: smic_snmp::message::ErrorStatus::NoSuchName,
            ..
        })
    ));
    assert_eq!(
        v1.get_scalar::<SysDescr>()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
        descr
    );
}

/// An enumeration as `snmptable` shows it: the label, or the number when unnamed.
fn label<E: Enumeration>(value: Option<Enum<E>>) -> String {
    match value {
        Some(Enum::Known(e)) => e.label().to_string(),
        Some(Enum::Unknown(n)) => n.to_string(),
        None => String::new(),
    }
}

fn text<T: ToString>(value: Option<&T>) -> String {
    value.map(ToString::to_string).unwrap_or_default()
}

/// The columns compared: ifIndex, ifDescr, ifType, ifMtu, ifSpeed, ifPhysAddress,
/// ifAdminStatus, ifOperStatus. The counters and ifLastChange move between two reads.
fn row_text(row: &IfEntry) -> String {
    [
        text(row.if_index.as_ref()),
        text(row.if_descr.as_ref()),
        label(row.if_type),
        text(row.if_mtu.as_ref()),
        text(row.if_speed.as_ref()),
        text(row.if_phys_address.as_ref()),
        label(row.if_admin_status),
        label(row.if_oper_status),
    ]
    .join("|")
}

#[tokio::test(flavor = "multi_thread")]
async fn if_table_rows_match_snmptable() {
    let snmpd = Snmpd::start(CONFIG);
    let client = ready(&snmpd, Version::V2c).await;
    let rows = client
        .table::<IfEntry>()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !rows.is_empty(),
        "no interfaces; snmpd log:\n{}",
        snmpd.log()
    );
    // Every row's decoded index is its ifIndex column, and rows come in index order.
    for row in &rows {
        assert_eq!(row.if_index, Some(row.index.if_index));
    }
    let indexes: Vec<i32> = rows.iter().map(|r| r.index.if_index.into_inner()).collect();
    assert!(indexes.windows(2).all(|w| w[0] < w[1]), "{indexes:?}");

    let target = format!("udp:{}", snmpd.addr);
    let theirs = net_snmp(
        "snmptable",
        &[
            "-v2c",
            "-c",
            "public",
            "-M",
            &mibs(),
            "-m",
            "IF-MIB",
            "-Cf",
            "|",
            "-CH",
            &target,
            "IF-MIB::ifTable",
        ],
    );
    // snmptable prints every column, ifIndex first; keep the first eight.
    let theirs: Vec<String> = theirs
        .lines()
        .map(|line| line.split('|').take(8).collect::<Vec<_>>().join("|"))
        .collect();
    let ours: Vec<String> = rows.iter().map(row_text).collect();
    assert_eq!(ours, theirs);

    // SNMPv1 reads the same table with GetNext.
    let v1 = ready(&snmpd, Version::V1).await;
    let by_next = v1
        .table::<IfEntry>()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(by_next.iter().map(row_text).collect::<Vec<_>>(), ours);
}

/// Objects whose values move while the test runs: the clock and the traffic counters
/// (the loopback interface carries the test's own requests).
fn volatile(value: &Value) -> Option<u64> {
    match value {
        Value::TimeTicks(n) | Value::Counter32(n) => Some(u64::from(*n)),
        Value::Counter64(n) => Some(*n),
        _ => None,
    }
}

async fn walk(client: &Client, root: &Oid) -> Vec<VarBind> {
    let mut walk = client.walk(root.clone());
    let mut out = Vec::new();
    while let Some(binding) = walk.next().await {
        out.push(binding.unwrap_or_else(|e| panic!("walk failed: {e}")));
    }
    out
}

/// The number in net-snmp's rendering of a counter or of time ticks.
fn number_in(line: &str) -> Option<u64> {
    let value = line.split_once(" = ")?.1;
    let value = value.split_once(": ")?.1;
    let digits = value.trim_start_matches('(');
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse().ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn registry_formats_a_walk_like_snmpwalk() {
    let snmpd = Snmpd::start(CONFIG);
    let client = ready(&snmpd, Version::V2c).await;
    let mut registry = Registry::new();
    smic_mibs::register_all(&mut registry);
    // net-snmp loads exactly the modules the registry holds (smic-mibs' default set and
    // what it imports), in the same order. Where two of them name one OID (RFC1213-MIB
    // and SNMPv2-MIB both define the system group; RFC1213-MIB and IP-MIB both define
    // `ip`, a sysORID value), net-snmp names it after the module it loaded first, which
    // in this order is the SMIv2 one, as the registry prefers.
    let modules = registry.modules().join(":");
    let target = format!("udp:{}", snmpd.addr);
    // The system and interfaces groups, ifXTable (IF-MIB's SMIv2 extensions) and the
    // snmp group (its counters move with the walks themselves). Not compared yet: tables
    // indexed by enumerations or InetAddress (IP-MIB's ipSystemStatsTable,
    // ipAddressTable, VACM's vacmAccessTable), which net-snmp names with labels and
    // dotted quads (`ipSystemStatsInReceives.ipv4`) and the registry with numbers, as
    // its row information carries index encodings but not the index objects' syntax.
    let roots = [
        oid!(1, 3, 6, 1, 2, 1, 1),
        oid!(1, 3, 6, 1, 2, 1, 2),
        oid!(1, 3, 6, 1, 2, 1, 31),
        oid!(1, 3, 6, 1, 2, 1, 11),
    ];
    for root in roots {
        let first = walk(&client, root).await;
        let theirs = net_snmp(
            "snmpwalk",
            &[
                "-v2c",
                "-c",
                "public",
                "-M",
                &mibs(),
                "-m",
                &modules,
                &target,
                &format!(".{root}"),
            ],
        );
        let second = walk(&client, root).await;
        let theirs: Vec<&str> = theirs.lines().collect();
        assert!(theirs.len() > 8, "snmpwalk {root}: {theirs:?}");
        assert_eq!(first.len(), theirs.len(), "{root}: {theirs:#?}");
        assert_eq!(second.len(), theirs.len());
        let mut differences = Vec::new();
        for ((a, b), line) in first.iter().zip(&second).zip(&theirs) {
            assert_eq!(a.oid, b.oid);
            let ours = registry.format_varbind(&a.oid, &a.value);
            if ours == *line {
                continue;
            }
            // A clock or counter: net-snmp's reading lies between smic's two, and
            // smic formats net-snmp's number exactly as net-snmp does.
            if let (Some(x), Some(y), Some(z)) =
                (volatile(&a.value), number_in(line), volatile(&b.value))
            {
                let same_number = match &a.value {
                    Value::TimeTicks(_) => u32::try_from(y).ok().map(Value::TimeTicks),
                    Value::Counter32(_) => u32::try_from(y).ok().map(Value::Counter32),
                    _ => Some(Value::Counter64(y)),
                };
                let theirs_by_us = same_number.map(|v| registry.format_varbind(&a.oid, &v));
                if x <= y && y <= z && theirs_by_us.as_deref() == Some(*line) {
                    continue;
                }
            }
            differences.push(format!("smic:     {ours}\nnet-snmp: {line}"));
        }
        assert!(
            differences.is_empty(),
            "{} of {} lines differ under {root}:\n{}",
            differences.len(),
            theirs.len(),
            differences.join("\n")
        );
    }
}
