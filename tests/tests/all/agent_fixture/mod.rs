//! The agent the agent tests serve: SNMPv2-MIB's system and snmp groups, a two-row
//! ifTable, and communities for every access-control case; [`agent_v3`] adds SNMPv3
//! users for every protocol combination the tests use and every VACM refusal.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Instant;

use smic_mibs::ianaiftype_mib::IANAifType;
use smic_mibs::if_mib::{IfAdminStatus, IfEntry, IfEntryIndex, IfOperStatus, InterfaceIndex};
use smic_smi::snmpv2_tc::{DisplayString, PhysAddress};
use smic_smi::syntax::{Counter32, Enum, TimeTicks};
use smic_smi::{Oid, Registry, TableEntry, oid};
use smic_snmp::agent::vacm::SecurityModel;
use smic_snmp::agent::{
    AccessControl, CommunityEntry, Limits, MemTable, Mib, Responder, Server, Stats, TableObject,
    TableSource, system,
};
use smic_snmp::message::ErrorStatus;
use smic_snmp::message::SecurityLevel;
use smic_snmp::usm::{AuthProtocol, LocalEngine, PrivProtocol, User};

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
    build(limits, access(), None)
}

/// The agent's SNMPv3 engine ID: RFC 3411's text format, net-snmp's enterprise.
pub const ENGINE_ID: &[u8] = b"\x80\x00\x1f\x88\x04smic-agent";
pub const AUTH_PASS: &str = "auth-passphrase";
pub const PRIV_PASS: &str = "priv-passphrase";

/// An SNMPv3 user of the agent: name, authentication and privacy protocols (net-snmp's
/// names), and the level its access entry needs.
pub struct V3User {
    pub name: &'static str,
    pub auth: Option<AuthProtocol>,
    pub privacy: Option<PrivProtocol>,
    pub level: SecurityLevel,
}

/// Users reading and writing everything at their own level, one per combination, and:
/// - `sha-aes-ro` reads at authNoPriv and writes only at authPriv;
/// - `sha-aes-strict` may do nothing below authPriv.
pub const V3_USERS: &[V3User] = &[
    V3User {
        name: "noauth",
        auth: None,
        privacy: None,
        level: SecurityLevel::NoAuthNoPriv,
    },
    V3User {
        name: "md5",
        auth: Some(AuthProtocol::Md5),
        privacy: None,
        level: SecurityLevel::AuthNoPriv,
    },
    V3User {
        name: "sha256",
        auth: Some(AuthProtocol::Sha256),
        privacy: None,
        level: SecurityLevel::AuthNoPriv,
    },
    V3User {
        name: "sha-des",
        auth: Some(AuthProtocol::Sha1),
        privacy: Some(PrivProtocol::Des),
        level: SecurityLevel::AuthPriv,
    },
    V3User {
        name: "sha-aes",
        auth: Some(AuthProtocol::Sha1),
        privacy: Some(PrivProtocol::Aes128),
        level: SecurityLevel::AuthPriv,
    },
    V3User {
        name: "sha512-aes256",
        auth: Some(AuthProtocol::Sha512),
        privacy: Some(PrivProtocol::Aes256),
        level: SecurityLevel::AuthPriv,
    },
    V3User {
        name: "sha-aes256c",
        auth: Some(AuthProtocol::Sha1),
        privacy: Some(PrivProtocol::Aes256Cisco),
        level: SecurityLevel::AuthPriv,
    },
    V3User {
        name: "sha-aes-ro",
        auth: Some(AuthProtocol::Sha1),
        privacy: Some(PrivProtocol::Aes128),
        level: SecurityLevel::AuthNoPriv,
    },
    V3User {
        name: "sha-aes-strict",
        auth: Some(AuthProtocol::Sha1),
        privacy: Some(PrivProtocol::Aes128),
        level: SecurityLevel::AuthPriv,
    },
];

impl V3User {
    /// The USM user with its keys.
    pub fn user(&self) -> User {
        let mut user = User::new(self.name);
        if let Some(auth) = self.auth {
            user = user
                .with_auth(auth, AUTH_PASS.as_bytes())
                .expect("long enough");
        }
        if let Some(privacy) = self.privacy {
            user = user
                .with_privacy(privacy, PRIV_PASS.as_bytes())
                .expect("long enough");
        }
        user
    }

    /// The user by name.
    pub fn named(name: &str) -> &'static V3User {
        V3_USERS
            .iter()
            .find(|u| u.name == name)
            .expect("a fixture user")
    }
}

/// The agent with SNMPv3 too: [`V3_USERS`], and a context `other` nobody may use.
pub fn agent_v3(limits: Limits) -> Agent {
    let mut access = access();
    for user in V3_USERS {
        let write = match user.name {
            "sha-aes-ro" => None,
            _ => Some("all"),
        };
        access.user(user.name, user.level, Some("all"), write);
    }
    access
        .user(
            "sha-aes-ro",
            SecurityLevel::AuthPriv,
            Some("all"),
            Some("all"),
        )
        .context(b"other");
    let users: Vec<User> = V3_USERS.iter().map(V3User::user).collect();
    build(limits, access, Some(users))
}

fn build(limits: Limits, access: AccessControl, users: Option<Vec<User>>) -> Agent {
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
    let mut responder = Responder::with_stats(mib, access, stats).with_limits(limits);
    if let Some(users) = users {
        let engine = LocalEngine::new(ENGINE_ID.to_vec(), 3, Instant::now());
        responder = responder.with_usm(engine, users).expect("no overlap");
    }
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

/// A responder served on a free loopback port by its own multi-threaded runtime, so
/// that blocking tools can run on the test's thread.
pub struct Served {
    pub server: Server,
    _runtime: tokio::runtime::Runtime,
}

impl Served {
    pub fn start(responder: &Arc<Responder>) -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let addr: SocketAddr = "127.0.0.1:0".parse().expect("an address");
        let server = runtime
            .block_on(Server::bind(addr, 2, Arc::clone(responder)))
            .expect("bound");
        Served {
            server,
            _runtime: runtime,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }
}
