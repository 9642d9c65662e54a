//! The agent's request path, bytes in and bytes out: arbitrary datagrams through
//! `Responder::handle` for an agent with the system group, a writable in-memory ifTable
//! read-only, read-write and restricted communities, and an SNMPv3 user. Nothing may panic, hang or
//! allocate without bound; every answer must decode as a message.
#![no_main]

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use smic_mibs::ianaiftype_mib::IANAifType;
use smic_mibs::if_mib::{IfAdminStatus, IfEntry, IfEntryIndex, InterfaceIndex};
use smic_smi::registry::Registry;
use smic_smi::snmpv2_tc::DisplayString;
use smic_smi::syntax::Enum;
use smic_smi::{TableEntry, oid};
use smic_snmp_proto::agent::{AccessControl, MemTable, Mib, Responder, TableObject, system};
use smic_snmp_proto::message::v3::peek_version;
use smic_snmp_proto::usm::{AuthProtocol, LocalEngine, PrivProtocol, User};
use smic_snmp_proto::message::SecurityLevel;

fn responder() -> &'static Responder {
    static RESPONDER: OnceLock<Responder> = OnceLock::new();
    RESPONDER.get_or_init(|| {
        let mut mib = Mib::new();
        let _ = system::register_system(
            &mut mib,
            system::SystemInfo {
                descr: "fuzz".into(),
                object_id: oid!(1, 3, 6, 1, 4, 1, 8072, 3, 2, 10).clone(),
                contact: String::new(),
                name: "fuzz".into(),
                location: String::new(),
                services: 72,
            },
        );
        let rows = (1..=3).filter_map(|i| {
            let mut row = IfEntry::new(IfEntryIndex {
                if_index: InterfaceIndex::new(i).ok()?,
            });
            row.if_index = Some(row.index.if_index);
            row.if_descr = DisplayString::new(format!("eth{i}").into_bytes()).ok();
            row.if_type = Some(Enum::from(IANAifType::EthernetCsmacd));
            row.if_admin_status = Some(Enum::from(IfAdminStatus::Up));
            Some(row)
        });
        let mut registry = Registry::new();
        smic_mibs::if_mib::register(&mut registry);
        let _ = mib.table(TableObject::new(Arc::new(MemTable::from_rows(rows))).access_from(&registry));
        let mut access = AccessControl::new();
        access
            .view("all", oid!(1).clone(), true)
            .view("system", oid!(1, 3, 6, 1, 2, 1, 1).clone(), true)
            .community("public", Some("all"), None)
            .community("private", Some("all"), Some("all"))
            .community("sys", Some("system"), Some("system"))
            .user("fuzz", SecurityLevel::AuthNoPriv, Some("all"), Some("all"));
        let responder = Responder::new(mib, access);
        // An SNMPv3 user, so v3 datagrams reach USM and VACM (keys derived once here).
        let users = User::new("fuzz")
            .with_auth(AuthProtocol::Sha1, b"fuzz-passphrase")
            .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"fuzz-passphrase"));
        let engine = LocalEngine::new(LocalEngine::text_id(8072, "fuzz"), 1, std::time::Instant::now());
        match users {
            Ok(user) => match responder.with_usm(engine, [user]) {
                Ok(responder) => responder,
                Err(_) => std::process::abort(),
            },
            Err(_) => std::process::abort(),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let from = SocketAddr::from(([127, 0, 0, 1], 1161));
    if let Some(answer) = responder().handle(data, from) {
        assert!(peek_version(&answer).is_ok());
    }
});
