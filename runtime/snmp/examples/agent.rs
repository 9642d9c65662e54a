//! An SNMP agent serving the system group and an ifTable built from the host's
//! interfaces (`/sys/class/net`), configured from a file.
//!
//! ```text
//! cargo run --release -p smic-snmp --example agent -- runtime/snmp/examples/agent.conf
//! snmpwalk -v2c -c public 127.0.0.1:1161 IF-MIB::ifTable
//! snmpset  -v2c -c private 127.0.0.1:1161 SNMPv2-MIB::sysName.0 s edge-1
//! snmpget  -v3 -u ops -l authPriv -a SHA-256 -A ops-auth-pass -x AES -X ops-priv-pass \
//!          127.0.0.1:1161 SNMPv2-MIB::sysDescr.0
//! ```
//!
//! What a developer writes is how to make the generated `IfEntry` rows; a
//! `RefreshedTable` serves them (read again every second), and the engine encodes
//! indexes, orders GETNEXT, answers GETBULK and checks SETs.
#![allow(missing_docs)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use smic_mibs::ianaiftype_mib::IANAifType;
use smic_mibs::if_mib::{IfAdminStatus, IfEntry, IfEntryIndex, IfOperStatus, InterfaceIndex};
use smic_smi::TableEntry;
use smic_smi::registry::Registry;
use smic_smi::snmpv2_tc::{DisplayString, PhysAddress};
use smic_smi::syntax::{Counter32, Enum};
use smic_snmp::agent::config::AgentConfig;
use smic_snmp::agent::{Mib, RefreshedTable, Responder, Server, Stats, TableObject, system};

/// The host's interfaces, as the kernel lists them in sysfs.
fn host_interfaces(root: &Path) -> Vec<IfEntry> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| interface(&entry.path(), &entry.file_name().to_string_lossy()))
        .collect()
}

/// One interface as an `IfEntry`; attributes the kernel does not give are left out
/// (the engine then answers noSuchInstance for them).
fn interface(dir: &Path, name: &str) -> Option<IfEntry> {
    let read = |file: &str| std::fs::read_to_string(dir.join(file)).ok();
    let number = |file: &str| read(file).and_then(|s| s.trim().parse::<u64>().ok());
    let if_index = InterfaceIndex::new(i32::try_from(number("ifindex")?).ok()?).ok()?;
    let mut row = IfEntry::new(IfEntryIndex { if_index });
    row.if_index = Some(if_index);
    row.if_descr = DisplayString::new(name.as_bytes().to_vec()).ok();
    // ARPHRD_LOOPBACK is 772, ARPHRD_ETHER 1.
    row.if_type = Some(Enum::from(match number("type") {
        Some(772) => IANAifType::SoftwareLoopback,
        Some(1) => IANAifType::EthernetCsmacd,
        _ => IANAifType::Other,
    }));
    row.if_mtu = number("mtu").and_then(|n| i32::try_from(n).ok());
    // Mb/s in sysfs; ifSpeed is bits per second, saturating at its maximum.
    row.if_speed = number("speed").map(|mbps| (mbps * 1_000_000).min(u64::from(u32::MAX)) as u32);
    row.if_phys_address = read("address").and_then(|mac| {
        let bytes: Option<Vec<u8>> = mac
            .trim()
            .split(':')
            .map(|h| u8::from_str_radix(h, 16).ok())
            .collect();
        // The loopback's all-zero address is shown empty, as net-snmp does.
        PhysAddress::new(
            bytes?
                .into_iter()
                .filter(|_| number("type") != Some(772))
                .collect(),
        )
        .ok()
    });
    // IFF_UP is bit 0 of the interface flags.
    let flags =
        read("flags").and_then(|f| u64::from_str_radix(f.trim().trim_start_matches("0x"), 16).ok());
    row.if_admin_status = flags.map(|flags| {
        Enum::from(if flags & 1 == 1 {
            IfAdminStatus::Up
        } else {
            IfAdminStatus::Down
        })
    });
    row.if_oper_status = read("operstate").map(|state| {
        Enum::from(match state.trim() {
            "up" => IfOperStatus::Up,
            "down" => IfOperStatus::Down,
            "dormant" => IfOperStatus::Dormant,
            "notpresent" => IfOperStatus::NotPresent,
            "lowerlayerdown" => IfOperStatus::LowerLayerDown,
            "testing" => IfOperStatus::Testing,
            // The loopback reports "unknown" and is up.
            _ if number("type") == Some(772) => IfOperStatus::Up,
            _ => IfOperStatus::Unknown,
        })
    });
    // Counter32 wraps, so the 64-bit kernel counters are taken modulo 2^32.
    let counter = |file: &str| number(&format!("statistics/{file}")).map(|n| Counter32(n as u32));
    row.if_in_octets = counter("rx_bytes");
    row.if_in_ucast_pkts = counter("rx_packets");
    row.if_in_discards = counter("rx_dropped");
    row.if_in_errors = counter("rx_errors");
    row.if_out_octets = counter("tx_bytes");
    row.if_out_ucast_pkts = counter("tx_packets");
    row.if_out_discards = counter("tx_dropped");
    row.if_out_errors = counter("tx_errors");
    Some(row)
}

async fn run(path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let config = AgentConfig::parse(&text).map_err(|e| format!("{path}: {e}"))?;
    let stats = Arc::new(Stats::default());
    let mut mib = Mib::new();
    system::register_system(&mut mib, config.system).map_err(|e| e.to_string())?;
    system::register_snmp_group(&mut mib, &stats).map_err(|e| e.to_string())?;
    let mut registry = Registry::new();
    smic_mibs::if_mib::register(&mut registry);
    // sysfs is read by a task of its own, once a second; requests see the last read.
    let interfaces = RefreshedTable::start(Duration::from_secs(1), || async {
        host_interfaces(Path::new("/sys/class/net"))
    })
    .await;
    mib.table(TableObject::new(interfaces.rows()).access_from(&registry))
        .map_err(|e| e.to_string())?;
    let mut responder = Responder::with_stats(mib, config.access, stats);
    if !config.users.is_empty() {
        responder = responder
            .with_usm(config.engine, config.users)
            .map_err(|e| e.to_string())?;
    }
    let responder = Arc::new(responder);
    let server = Server::bind(config.listen, config.sockets, responder)
        .await
        .map_err(|e| format!("{}: {e}", config.listen))?;
    eprintln!("smic example agent listening on {}", server.local_addr());
    // Serve until the process is stopped.
    std::future::pending::<()>().await;
    drop(server);
    Ok(())
}

fn main() -> std::process::ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "runtime/snmp/examples/agent.conf".to_string());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("agent: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&path)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("agent: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
