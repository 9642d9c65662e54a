//! The agent the agent tests serve: SNMPv2-MIB's system and snmp groups, a two-row
//! ifTable, and communities for every access-control case.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use smic_mibs::ianaiftype_mib::IANAifType;
use smic_mibs::if_mib::{IfAdminStatus, IfEntry, IfEntryIndex, IfOperStatus, InterfaceIndex};
use smic_smi::snmpv2_tc::{DisplayString, PhysAddress};
use smic_smi::syntax::{Counter32, Enum, TimeTicks};
use smic_smi::{Oid, Registry, TableEntry, oid};
use smic_snmp::agent::vacm::SecurityModel;
use smic_snmp::agent::{
    AccessControl, CommunityEntry, ErrorStatus, Limits, MemTable, Mib, Responder, Stats,
    TableObject, TableSource, system,
};

/// The ifTable's source: a memory table whose writes fail for one row (to exercise
/// commitFailed), and which refuses `ifAdminStatus` `testing(3)` (inconsistentValue).
pub struct Interfaces {
    pub rows: MemTable<IfEntry>,
    /// Writes to this ifIndex fail; 0 for none.
    pub fail_writes_to: AtomicI32,
    /// How many more writes succeed; negative for no limit.
    pub writes_left: AtomicI32,
}

impl TableSource<IfEntry> for Interfaces {
    fn row(&self, index: &IfEntryIndex) -> Option<IfEntry> {
        self.rows.row(index)
    }

    fn next_row(&self, after: Option<&[u32]>) -> Option<IfEntry> {
        self.rows.next_row(after)
    }

    fn check_row(&self, row: &IfEntry) -> Result<(), ErrorStatus> {
        if row.if_admin_status == Some(Enum::from(IfAdminStatus::Testing)) {
            return Err(ErrorStatus::InconsistentValue);
        }
        Ok(())
    }

    fn write_row(&self, row: IfEntry) -> Result<(), ErrorStatus> {
        if *row.index.if_index.get() == self.fail_writes_to.load(Ordering::Relaxed) {
            return Err(ErrorStatus::ResourceUnavailable);
        }
        if self.writes_left.fetch_sub(1, Ordering::Relaxed) == 0 {
            self.writes_left.store(0, Ordering::Relaxed);
            return Err(ErrorStatus::ResourceUnavailable);
        }
        self.rows.write_row(row)
    }
}

fn text(s: &str) -> DisplayString {
    DisplayString::new(s.as_bytes().to_vec()).expect("short text")
}

/// One interface row.
pub fn interface(index: i32, descr: &str, kind: IANAifType, mac: &[u8]) -> IfEntry {
    let mut row = IfEntry::new(IfEntryIndex {
        if_index: InterfaceIndex::new(index).expect("positive"),
    });
    row.if_index = Some(row.index.if_index);
    row.if_descr = Some(text(descr));
    row.if_type = Some(Enum::from(kind));
    row.if_mtu = Some(1500);
    row.if_speed = Some(1_000_000_000);
    row.if_phys_address = Some(PhysAddress::new(mac.to_vec()).expect("any size"));
    row.if_admin_status = Some(Enum::from(IfAdminStatus::Up));
    row.if_oper_status = Some(Enum::from(IfOperStatus::Up));
    row.if_last_change = Some(TimeTicks(0));
    row.if_in_octets = Some(Counter32(1000 * index as u32));
    row
}

pub const SYS_DESCR: &str = "smic test agent";

/// The test agent, with its interfaces to poke at.
pub struct Agent {
    pub responder: Arc<Responder>,
    pub interfaces: Arc<Interfaces>,
}

pub fn agent(limits: Limits) -> Agent {
    let stats = Arc::new(Stats::default());
    let mut mib = Mib::new();
    system::register_system(
        &mut mib,
        system::SystemInfo {
            descr: SYS_DESCR.into(),
            object_id: oid!(1, 3, 6, 1, 4, 1, 8072, 3, 2, 10).clone(),
            contact: "nobody".into(),
            name: "smic".into(),
            location: "lab".into(),
            services: 72,
        },
    )
    .expect("no overlap");
    system::register_snmp_group(&mut mib, &stats).expect("no overlap");
    let interfaces = Arc::new(Interfaces {
        rows: MemTable::from_rows([
            interface(1, "lo", IANAifType::SoftwareLoopback, &[]),
            interface(
                2,
                "eth0",
                IANAifType::EthernetCsmacd,
                &[0, 0x16, 0x3e, 1, 2, 3],
            ),
        ]),
        fail_writes_to: AtomicI32::new(0),
        writes_left: AtomicI32::new(-1),
    });
    let mut registry = Registry::new();
    smic_mibs::if_mib::register(&mut registry);
    mib.table(TableObject::new(Arc::clone(&interfaces)).access_from(&registry))
        .expect("no overlap");
    let responder = Responder::with_stats(mib, access(), stats).with_limits(limits);
    Agent {
        responder: Arc::new(responder),
        interfaces,
    }
}

pub const SYSTEM: &Oid = oid!(1, 3, 6, 1, 2, 1, 1);
pub const IF_DESCR: &Oid = oid!(1, 3, 6, 1, 2, 1, 2, 2, 1, 2);

/// Communities:
/// - `public` reads everything, writes nothing (no write view: authorizationError);
/// - `private` reads and writes everything;
/// - `sysonly` reads the system group only;
/// - `noifdescr` reads everything but ifDescr;
/// - `ghost` has a security name with no group (noGroupName);
/// - `lonely` has a group with no access entry (noAccessEntry);
/// - `elsewhere` maps to a context VACM does not know (dropped).
pub fn access() -> AccessControl {
    let mut access = AccessControl::new();
    access
        .view("all", oid!(1).clone(), true)
        .view("system", SYSTEM.clone(), true)
        .view("noifdescr", oid!(1).clone(), true)
        .view("noifdescr", IF_DESCR.clone(), false)
        .community("public", Some("all"), None)
        .community("private", Some("all"), Some("all"))
        .community("sysonly", Some("system"), Some("system"))
        .community("noifdescr", Some("noifdescr"), None)
        .add_community(
            b"ghost",
            CommunityEntry {
                security_name: b"ghost".to_vec(),
                context: Vec::new(),
            },
        )
        .add_community(
            b"lonely",
            CommunityEntry {
                security_name: b"lonely".to_vec(),
                context: Vec::new(),
            },
        )
        .add_community(
            b"elsewhere",
            CommunityEntry {
                security_name: b"public".to_vec(),
                context: b"nowhere".to_vec(),
            },
        );
    access
        .vacm_mut()
        .add_group(SecurityModel::V2c, b"lonely", "lonely")
        .add_group(SecurityModel::V1, b"lonely", "lonely");
    access
}
