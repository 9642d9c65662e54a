//! RowStatus (RFC 2579) row creation and deletion in the agent, on SNMP-NOTIFICATION-MIB's
//! snmpNotifyTable (read-create columns and a RowStatus column): sans-IO requests
//! through `Responder::handle` for every transition and refusal, undo of created,
//! destroyed and changed rows, and net-snmp's `snmpset`, `snmpget` and `snmpwalk`
//! against the served agent with exact output.

use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;

use crate::agent_fixture::{Served, access};
use smic_mibs::if_mib::IfEntry;
use smic_mibs::snmp_framework_mib::SnmpAdminString;
use smic_mibs::snmp_notification_mib::{
    SnmpNotifyEntry, SnmpNotifyEntryIndex, SnmpNotifyRowStatus, SnmpNotifyStorageType,
    SnmpNotifyTag, SnmpNotifyType,
};
use smic_mibs::snmp_target_mib::SnmpTagValue;
use smic_smi::snmpv2_tc::{RowStatus, StorageType};
use smic_smi::syntax::Enum;
use smic_smi::{Oid, Registry, TableEntry, Value};
use smic_snmp::agent::{MemTable, Mib, Responder, TableObject, TableSource};
use smic_snmp::message::AnyPdu;
use smic_snmp::message::ErrorStatus;
use smic_snmp::{Message, Pdu, PduType, VarBind, Version};

const FROM: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 5000);

/// snmpNotifyEntry.
const ENTRY: &str = "1.3.6.1.6.3.13.1.1.1";
const TAG: u32 = 2;
const TYPE: u32 = 3;
const STORAGE: u32 = 4;
const STATUS: u32 = 5;

/// The row name whose creation the source refuses at commit (to exercise undo).
const BOOM: &str = "boom";

/// The snmpNotifyTable's source: a memory table whose rows need a tag to be ready,
/// which refuses rows of storage type `readOnly` (inconsistentValue), and which
/// fails to create the row named [`BOOM`].
struct Notifies {
    rows: MemTable<SnmpNotifyEntry>,
}

impl TableSource<SnmpNotifyEntry> for Notifies {
    fn row(&self, index: &SnmpNotifyEntryIndex) -> Option<SnmpNotifyEntry> {
        self.rows.row(index)
    }

    fn next_row(&self, after: Option<&[u32]>) -> Option<SnmpNotifyEntry> {
        self.rows.next_row(after)
    }

    fn check_row(&self, row: &SnmpNotifyEntry) -> Result<(), ErrorStatus> {
        if row.snmp_notify_storage_type == Some(Enum::from(StorageType::ReadOnly)) {
            return Err(ErrorStatus::InconsistentValue);
        }
        Ok(())
    }

    fn write_row(&self, row: SnmpNotifyEntry) -> Result<(), ErrorStatus> {
        self.rows.write_row(row)
    }

    fn is_ready(&self, row: &SnmpNotifyEntry) -> bool {
        self.rows.is_ready(row)
    }

    fn create_row(&self, row: SnmpNotifyEntry) -> Result<(), ErrorStatus> {
        if row.index.snmp_notify_name.get().as_slice() == BOOM.as_bytes() {
            return Err(ErrorStatus::ResourceUnavailable);
        }
        self.rows.create_row(row)
    }

    fn destroy_row(&self, index: &SnmpNotifyEntryIndex) -> Result<(), ErrorStatus> {
        self.rows.destroy_row(index)
    }
}

fn index(name: &str) -> SnmpNotifyEntryIndex {
    SnmpNotifyEntryIndex {
        snmp_notify_name: SnmpAdminString::new(name.as_bytes().to_vec()).expect("short name"),
    }
}

/// An existing, active row.
fn notify(name: &str, tag: &str) -> SnmpNotifyEntry {
    let mut row = SnmpNotifyEntry::new(index(name));
    row.snmp_notify_tag = Some(SnmpTagValue::new(tag.as_bytes().to_vec()).expect("short tag"));
    row.snmp_notify_type = Some(Enum::from(SnmpNotifyType::Trap));
    row.snmp_notify_storage_type = Some(Enum::from(StorageType::Volatile));
    row.snmp_notify_row_status = Some(Enum::from(RowStatus::Active));
    row
}

struct Agent {
    responder: Arc<Responder>,
    notifies: Arc<Notifies>,
}

/// An agent serving snmpNotifyTable with one active row, `ops`, behind the fixture's
/// communities (`private` writes everything).
fn agent() -> Agent {
    let notifies = Arc::new(Notifies {
        rows: MemTable::from_rows([notify("ops", "site")]).require_columns(&[TAG]),
    });
    let mut registry = Registry::new();
    smic_mibs::snmp_notification_mib::register(&mut registry);
    let table = TableObject::new(Arc::clone(&notifies)).access_from(&registry);
    assert_eq!(table.status_column(), Some(STATUS));
    let mut mib = Mib::new();
    mib.table(table).expect("no overlap");
    Agent {
        responder: Arc::new(Responder::new(mib, access())),
        notifies,
    }
}

/// The instance OID of a column of the row named `name` (IMPLIED: no length).
fn col(column: u32, name: &str) -> String {
    let mut text = format!("{ENTRY}.{column}");
    for byte in name.bytes() {
        text.push_str(&format!(".{byte}"));
    }
    text
}

fn o(text: &str) -> Oid {
    text.parse().expect("valid OID")
}

fn text(s: &str) -> Value {
    Value::OctetString(s.as_bytes().to_vec())
}

/// Sends one request as `community` and decodes the response PDU.
fn ask(agent: &Agent, version: Version, kind: PduType, varbinds: Vec<VarBind>) -> Pdu {
    let community = if kind == PduType::Set {
        "private"
    } else {
        "public"
    };
    let bytes = Message {
        version,
        community: community.as_bytes().to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind,
            request_id: 9,
            error_status: 0,
            error_index: 0,
            varbinds,
        }),
    }
    .encode();
    let answer = agent.responder.handle(&bytes, FROM).expect("answered");
    match Message::decode(&answer).expect("decodes").pdu {
        AnyPdu::Pdu(pdu) => pdu,
        AnyPdu::TrapV1(_) => panic!("a trap in response"),
    }
}

/// A v2c SET: (error status, error index).
fn set(agent: &Agent, bindings: &[(String, Value)]) -> (i32, i32) {
    let varbinds = bindings
        .iter()
        .map(|(t, v)| VarBind {
            oid: o(t),
            value: v.clone(),
        })
        .collect();
    let pdu = ask(agent, Version::V2c, PduType::Set, varbinds);
    (pdu.error_status, pdu.error_index)
}

/// The row `name`'s four columns, as GET answers them.
fn get_row(agent: &Agent, name: &str) -> Vec<Value> {
    let varbinds = [TAG, TYPE, STORAGE, STATUS]
        .iter()
        .map(|&c| VarBind::null(o(&col(c, name))))
        .collect();
    let pdu = ask(agent, Version::V2c, PduType::Get, varbinds);
    assert_eq!((pdu.error_status, pdu.error_index), (0, 0));
    pdu.varbinds.into_iter().map(|vb| vb.value).collect()
}

fn status(agent: &Agent, name: &str) -> Value {
    get_row(agent, name).remove(3)
}

const NO_ERROR: (i32, i32) = (0, 0);
const WRONG_TYPE: i32 = 7;
const WRONG_VALUE: i32 = 10;
const NO_CREATION: i32 = 11;
const INCONSISTENT_VALUE: i32 = 12;
const COMMIT_FAILED: i32 = 14;
const NOT_WRITABLE: i32 = 17;
const INCONSISTENT_NAME: i32 = 18;

fn int(n: i32) -> Value {
    Value::Integer(n)
}

#[test]
fn the_status_column_is_found_from_either_metadata() {
    let rows = || MemTable::<SnmpNotifyEntry>::new();
    let mut registry = Registry::new();
    smic_mibs::snmp_notification_mib::register(&mut registry);
    smic_mibs::if_mib::register(&mut registry);
    assert_eq!(
        TableObject::new(rows())
            .access_from(&registry)
            .status_column(),
        Some(STATUS)
    );
    let typed = TableObject::new(rows())
        .column::<SnmpNotifyTag>()
        .column::<SnmpNotifyType>()
        .column::<SnmpNotifyStorageType>()
        .column::<SnmpNotifyRowStatus>();
    assert_eq!(typed.status_column(), Some(STATUS));
    // Read-create columns alone do not make a status column, nor does a table without.
    let untyped = TableObject::new(rows()).column::<SnmpNotifyTag>();
    assert_eq!(untyped.status_column(), None);
    let interfaces = TableObject::new(MemTable::<IfEntry>::new()).access_from(&registry);
    assert_eq!(interfaces.status_column(), None);
}

#[test]
fn create_and_go_creates_an_active_row_from_one_request() {
    let agent = agent();
    // The status binding anywhere among the row's columns.
    let asked = [
        (col(TAG, "new"), text("lab")),
        (col(STATUS, "new"), int(4)),
        (col(TYPE, "new"), int(2)),
    ];
    assert_eq!(set(&agent, &asked), NO_ERROR);
    assert_eq!(
        get_row(&agent, "new"),
        vec![text("lab"), int(2), Value::NoSuchInstance, int(1)]
    );
    // Status first, and the response echoes the request.
    let asked = [
        (col(STATUS, "second"), int(4)),
        (col(TAG, "second"), text("x")),
        (col(STORAGE, "second"), int(3)),
    ];
    let varbinds: Vec<VarBind> = asked
        .iter()
        .map(|(t, v)| VarBind {
            oid: o(t),
            value: v.clone(),
        })
        .collect();
    let pdu = ask(&agent, Version::V2c, PduType::Set, varbinds.clone());
    assert_eq!((pdu.error_status, pdu.error_index), (0, 0));
    assert_eq!(pdu.varbinds, varbinds);
    assert_eq!(
        get_row(&agent, "second"),
        vec![text("x"), Value::NoSuchInstance, int(3), int(1)]
    );
    // Both rows, and the old one, in index order ("new" < "ops" < "second").
    let names: Vec<Vec<u8>> = agent
        .notifies
        .rows
        .rows()
        .iter()
        .map(|r| r.index.snmp_notify_name.get().clone())
        .collect();
    assert_eq!(names, [&b"new"[..], b"ops", b"second"]);
}

#[test]
fn create_and_go_of_a_row_that_is_not_ready_is_inconsistent_value() {
    let agent = agent();
    // No tag: the source finds the row not ready. The refusal points at the status.
    let asked = [(col(TYPE, "bare"), int(1)), (col(STATUS, "bare"), int(4))];
    assert_eq!(set(&agent, &asked), (INCONSISTENT_VALUE, 2));
    assert_eq!(status(&agent, "bare"), Value::NoSuchInstance);
    // The source's own check of the new row: storage readOnly refused.
    let asked = [
        (col(STATUS, "ro"), int(4)),
        (col(TAG, "ro"), text("t")),
        (col(STORAGE, "ro"), int(5)),
    ];
    assert_eq!(set(&agent, &asked), (INCONSISTENT_VALUE, 1));
    assert_eq!(status(&agent, "ro"), Value::NoSuchInstance);
}

#[test]
fn create_and_wait_leaves_the_row_not_ready_until_it_has_what_it_needs() {
    let agent = agent();
    assert_eq!(set(&agent, &[(col(STATUS, "w"), int(5))]), NO_ERROR);
    assert_eq!(
        get_row(&agent, "w"),
        vec![
            Value::NoSuchInstance,
            Value::NoSuchInstance,
            Value::NoSuchInstance,
            int(3)
        ]
    );
    // Not ready: neither active nor notInService.
    assert_eq!(
        set(&agent, &[(col(STATUS, "w"), int(1))]),
        (INCONSISTENT_VALUE, 1)
    );
    assert_eq!(
        set(&agent, &[(col(STATUS, "w"), int(2))]),
        (INCONSISTENT_VALUE, 1)
    );
    assert_eq!(status(&agent, "w"), int(3));
    // Given its tag, it becomes notInService by itself (RFC 2579 note 1)...
    assert_eq!(set(&agent, &[(col(TAG, "w"), text("t"))]), NO_ERROR);
    assert_eq!(status(&agent, "w"), int(2));
    // ... then active, and back.
    assert_eq!(set(&agent, &[(col(STATUS, "w"), int(1))]), NO_ERROR);
    assert_eq!(status(&agent, "w"), int(1));
    assert_eq!(set(&agent, &[(col(STATUS, "w"), int(2))]), NO_ERROR);
    assert_eq!(status(&agent, "w"), int(2));
    // A row given everything at once waits notInService.
    let asked = [(col(STATUS, "w2"), int(5)), (col(TAG, "w2"), text("t"))];
    assert_eq!(set(&agent, &asked), NO_ERROR);
    assert_eq!(status(&agent, "w2"), int(2));
    // A row made ready and active in one request.
    assert_eq!(set(&agent, &[(col(STATUS, "w3"), int(5))]), NO_ERROR);
    let asked = [(col(TAG, "w3"), text("t")), (col(STATUS, "w3"), int(1))];
    assert_eq!(set(&agent, &asked), NO_ERROR);
    assert_eq!(status(&agent, "w3"), int(1));
}

#[test]
fn creating_an_existing_row_is_inconsistent_value() {
    let agent = agent();
    for asked in [4, 5] {
        let bindings = [
            (col(TAG, "ops"), text("x")),
            (col(STATUS, "ops"), int(asked)),
        ];
        assert_eq!(set(&agent, &bindings), (INCONSISTENT_VALUE, 2), "{asked}");
    }
    assert_eq!(
        get_row(&agent, "ops"),
        vec![text("site"), int(1), int(2), int(1)]
    );
}

#[test]
fn not_ready_is_never_settable() {
    let agent = agent();
    for name in ["ops", "missing"] {
        assert_eq!(
            set(&agent, &[(col(STATUS, name), int(3))]),
            (WRONG_VALUE, 1),
            "{name}"
        );
    }
    // Nor anything outside the enumeration, nor another type.
    assert_eq!(
        set(&agent, &[(col(STATUS, "ops"), int(7))]),
        (WRONG_VALUE, 1)
    );
    assert_eq!(
        set(&agent, &[(col(STATUS, "ops"), int(0))]),
        (WRONG_VALUE, 1)
    );
    assert_eq!(
        set(&agent, &[(col(STATUS, "new"), text("createAndGo"))]),
        (WRONG_TYPE, 1)
    );
    assert_eq!(status(&agent, "ops"), int(1));
}

#[test]
fn active_or_not_in_service_on_a_missing_row_is_inconsistent_value() {
    let agent = agent();
    for asked in [1, 2] {
        let bindings = [
            (col(TAG, "gone"), text("t")),
            (col(STATUS, "gone"), int(asked)),
        ];
        assert_eq!(set(&agent, &bindings), (INCONSISTENT_VALUE, 2), "{asked}");
    }
    assert_eq!(status(&agent, "gone"), Value::NoSuchInstance);
}

#[test]
fn active_and_not_in_service_change_an_existing_row() {
    let agent = agent();
    assert_eq!(set(&agent, &[(col(STATUS, "ops"), int(2))]), NO_ERROR);
    assert_eq!(status(&agent, "ops"), int(2));
    // With another column in the same request.
    let asked = [
        (col(STATUS, "ops"), int(1)),
        (col(TAG, "ops"), text("moved")),
    ];
    assert_eq!(set(&agent, &asked), NO_ERROR);
    assert_eq!(
        get_row(&agent, "ops"),
        vec![text("moved"), int(1), int(2), int(1)]
    );
    // Other columns of an active row, without the status.
    assert_eq!(set(&agent, &[(col(TYPE, "ops"), int(2))]), NO_ERROR);
    assert_eq!(get_row(&agent, "ops")[1], int(2));
}

#[test]
fn destroy_deletes_the_row_and_is_harmless_on_a_missing_one() {
    let agent = agent();
    assert_eq!(set(&agent, &[(col(STATUS, "ops"), int(6))]), NO_ERROR);
    assert_eq!(get_row(&agent, "ops"), vec![Value::NoSuchInstance; 4]);
    assert!(agent.notifies.rows.rows().is_empty());
    assert_eq!(set(&agent, &[(col(STATUS, "ops"), int(6))]), NO_ERROR);
    assert!(agent.notifies.rows.rows().is_empty());
    // Created again after.
    let asked = [(col(STATUS, "ops"), int(4)), (col(TAG, "ops"), text("t"))];
    assert_eq!(set(&agent, &asked), NO_ERROR);
    assert_eq!(status(&agent, "ops"), int(1));
}

#[test]
fn other_columns_of_a_missing_row_are_inconsistent_name() {
    let agent = agent();
    // No status binding to create it.
    let asked = [(col(TAG, "nope"), text("t")), (col(TYPE, "nope"), int(1))];
    assert_eq!(set(&agent, &asked), (INCONSISTENT_NAME, 1));
    // A status that does not create it: refused at the status binding.
    let asked = [(col(TAG, "nope"), text("t")), (col(STATUS, "nope"), int(6))];
    assert_eq!(set(&agent, &asked), (INCONSISTENT_NAME, 2));
    assert_eq!(status(&agent, "nope"), Value::NoSuchInstance);
    // A column's own refusals still come first, at its own binding.
    let asked = [(col(TYPE, "nope"), int(9)), (col(STATUS, "nope"), int(4))];
    assert_eq!(set(&agent, &asked), (WRONG_VALUE, 1));
    let asked = [(col(TAG, "nope"), int(1)), (col(STATUS, "nope"), int(4))];
    assert_eq!(set(&agent, &asked), (WRONG_TYPE, 1));
    // The index column is not-accessible: never writable.
    let asked = [
        (col(1, "nope"), text("nope")),
        (col(STATUS, "nope"), int(4)),
    ];
    assert_eq!(set(&agent, &asked), (NOT_WRITABLE, 1));
    // An index that cannot be decoded (an IMPLIED string's arcs are octets).
    assert_eq!(
        set(&agent, &[(format!("{ENTRY}.{STATUS}.300"), int(4))]),
        (NO_CREATION, 1)
    );
}

#[test]
fn snmpv1_hears_inconsistent_value_as_bad_value() {
    let agent = agent();
    let pdu = ask(
        &agent,
        Version::V1,
        PduType::Set,
        vec![VarBind {
            oid: o(&col(STATUS, "ops")),
            value: int(4),
        }],
    );
    // RFC 3584 §4.4: inconsistentValue → badValue(3).
    assert_eq!((pdu.error_status, pdu.error_index), (3, 1));
    let pdu = ask(
        &agent,
        Version::V1,
        PduType::Set,
        vec![
            VarBind {
                oid: o(&col(STATUS, "v1")),
                value: int(4),
            },
            VarBind {
                oid: o(&col(TAG, "v1")),
                value: text("t"),
            },
        ],
    );
    assert_eq!((pdu.error_status, pdu.error_index), (0, 0));
    assert_eq!(status(&agent, "v1"), int(1));
}

#[test]
fn a_failed_commit_removes_created_rows_and_restores_destroyed_and_changed_ones() {
    let agent = agent();
    let before = agent.notifies.rows.rows();
    // Created, destroyed, changed, then a creation the source fails at commit.
    let asked = [
        (col(STATUS, "fresh"), int(4)),
        (col(TAG, "fresh"), text("t")),
        (col(TAG, BOOM), text("t")),
        (col(STATUS, BOOM), int(4)),
    ];
    assert_eq!(set(&agent, &asked), (COMMIT_FAILED, 3));
    assert_eq!(agent.notifies.rows.rows(), before);
    let asked = [
        (col(STATUS, "ops"), int(6)),
        (col(STATUS, BOOM), int(4)),
        (col(TAG, BOOM), text("t")),
    ];
    assert_eq!(set(&agent, &asked), (COMMIT_FAILED, 2));
    assert_eq!(agent.notifies.rows.rows(), before);
    let asked = [
        (col(TAG, "ops"), text("changed")),
        (col(STATUS, "ops"), int(2)),
        (col(STATUS, BOOM), int(5)),
    ];
    assert_eq!(set(&agent, &asked), (COMMIT_FAILED, 3));
    assert_eq!(agent.notifies.rows.rows(), before);
    assert_eq!(
        get_row(&agent, "ops"),
        vec![text("site"), int(1), int(2), int(1)]
    );
}

#[test]
fn a_source_that_cannot_create_fails_at_commit() {
    // A read-only source: the trait's defaults refuse creation and writes.
    struct Fixed(MemTable<SnmpNotifyEntry>);
    impl TableSource<SnmpNotifyEntry> for Fixed {
        fn row(&self, index: &SnmpNotifyEntryIndex) -> Option<SnmpNotifyEntry> {
            self.0.row(index)
        }
        fn next_row(&self, after: Option<&[u32]>) -> Option<SnmpNotifyEntry> {
            self.0.next_row(after)
        }
    }
    let mut registry = Registry::new();
    smic_mibs::snmp_notification_mib::register(&mut registry);
    let mut mib = Mib::new();
    mib.table(TableObject::new(Fixed(MemTable::new())).access_from(&registry))
        .expect("no overlap");
    let agent = Agent {
        responder: Arc::new(Responder::new(mib, access())),
        notifies: Arc::new(Notifies {
            rows: MemTable::new(),
        }),
    };
    let asked = [(col(STATUS, "x"), int(4)), (col(TAG, "x"), text("t"))];
    assert_eq!(set(&agent, &asked), (COMMIT_FAILED, 1));
    assert_eq!(status(&agent, "x"), Value::NoSuchInstance);
}

/// Runs a net-snmp tool against `served` with SNMPv2c, one try of one second and
/// numeric OIDs: (stdout, stderr).
fn run(served: &Served, tool: &str, community: &str, operands: &[&str]) -> (String, String) {
    let target = format!("udp:{}", served.addr());
    let output = Command::new(tool)
        .args(["-v", "2c", "-c", community, "-r", "0", "-t", "1", "-On"])
        .arg(&target)
        .args(operands)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {tool} ({err}); install Debian's `snmp`"));
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `snmpset` that must be refused with exactly `expected` on stderr.
fn refused(served: &Served, operands: &[&str], expected: &str) {
    let (out, err) = run(served, "snmpset", "private", operands);
    assert_eq!(out, "", "{operands:?}");
    assert_eq!(err, expected, "{operands:?}");
}

#[test]
fn snmpset_creates_reads_back_and_destroys_rows() {
    let agent = agent();
    let served = Served::start(&agent.responder);
    // "lab" = .108.97.98: createAndGo with two other columns in one snmpset.
    let (out, err) = run(
        &served,
        "snmpset",
        "private",
        &[
            ".1.3.6.1.6.3.13.1.1.1.2.108.97.98",
            "s",
            "routers",
            ".1.3.6.1.6.3.13.1.1.1.3.108.97.98",
            "i",
            "2",
            ".1.3.6.1.6.3.13.1.1.1.5.108.97.98",
            "i",
            "4",
        ],
    );
    assert_eq!(
        out,
        "\
.1.3.6.1.6.3.13.1.1.1.2.108.97.98 = STRING: \"routers\"
.1.3.6.1.6.3.13.1.1.1.3.108.97.98 = INTEGER: 2
.1.3.6.1.6.3.13.1.1.1.5.108.97.98 = INTEGER: 4
",
        "{err}"
    );
    let (out, err) = run(
        &served,
        "snmpget",
        "public",
        &[
            ".1.3.6.1.6.3.13.1.1.1.2.108.97.98",
            ".1.3.6.1.6.3.13.1.1.1.4.108.97.98",
            ".1.3.6.1.6.3.13.1.1.1.5.108.97.98",
        ],
    );
    assert_eq!(
        out,
        "\
.1.3.6.1.6.3.13.1.1.1.2.108.97.98 = STRING: \"routers\"
.1.3.6.1.6.3.13.1.1.1.4.108.97.98 = No Such Instance currently exists at this OID
.1.3.6.1.6.3.13.1.1.1.5.108.97.98 = INTEGER: 1
",
        "{err}"
    );
    // "ops" = .111.112.115 was there before; "lab" sorts first. The table is the
    // last thing the agent serves: snmpwalk shows the endOfMibView it stopped at.
    let (out, err) = run(&served, "snmpwalk", "public", &[".1.3.6.1.6.3.13.1.1"]);
    assert_eq!(
        out,
        "\
.1.3.6.1.6.3.13.1.1.1.2.108.97.98 = STRING: \"routers\"
.1.3.6.1.6.3.13.1.1.1.2.111.112.115 = STRING: \"site\"
.1.3.6.1.6.3.13.1.1.1.3.108.97.98 = INTEGER: 2
.1.3.6.1.6.3.13.1.1.1.3.111.112.115 = INTEGER: 1
.1.3.6.1.6.3.13.1.1.1.4.111.112.115 = INTEGER: 2
.1.3.6.1.6.3.13.1.1.1.5.108.97.98 = INTEGER: 1
.1.3.6.1.6.3.13.1.1.1.5.111.112.115 = INTEGER: 1
.1.3.6.1.6.3.13.1.1.1.5.111.112.115 = No more variables left in this MIB View (It is past the end of the MIB tree)
",
        "{err}"
    );
    // createAndWait: notReady without a tag.
    let (_, err) = run(
        &served,
        "snmpset",
        "private",
        &[".1.3.6.1.6.3.13.1.1.1.5.119", "i", "5"],
    );
    assert_eq!(err, "");
    let (out, _) = run(
        &served,
        "snmpget",
        "public",
        &[".1.3.6.1.6.3.13.1.1.1.5.119"],
    );
    assert_eq!(out, ".1.3.6.1.6.3.13.1.1.1.5.119 = INTEGER: 3\n");

    // The refusals, with net-snmp's words.
    refused(
        &served,
        &[".1.3.6.1.6.3.13.1.1.1.5.108.97.98", "i", "4"],
        "\
Error in packet.
Reason: inconsistentValue (The set value is illegal or unsupported in some way)
Failed object: .1.3.6.1.6.3.13.1.1.1.5.108.97.98

",
    );
    refused(
        &served,
        &[".1.3.6.1.6.3.13.1.1.1.5.108.97.98", "i", "3"],
        "\
Error in packet.
Reason: wrongValue (The set value is illegal or unsupported in some way)
Failed object: .1.3.6.1.6.3.13.1.1.1.5.108.97.98

",
    );
    refused(
        &served,
        &[".1.3.6.1.6.3.13.1.1.1.5.110", "i", "1"],
        "\
Error in packet.
Reason: inconsistentValue (The set value is illegal or unsupported in some way)
Failed object: .1.3.6.1.6.3.13.1.1.1.5.110

",
    );
    refused(
        &served,
        &[".1.3.6.1.6.3.13.1.1.1.5.119", "i", "1"],
        "\
Error in packet.
Reason: inconsistentValue (The set value is illegal or unsupported in some way)
Failed object: .1.3.6.1.6.3.13.1.1.1.5.119

",
    );
    refused(
        &served,
        &[".1.3.6.1.6.3.13.1.1.1.2.110", "s", "t"],
        "\
Error in packet.
Reason: inconsistentName (That object can not currently be created)
Failed object: .1.3.6.1.6.3.13.1.1.1.2.110

",
    );
    refused(
        &served,
        &[".1.3.6.1.6.3.13.1.1.1.5.110", "i", "4"],
        "\
Error in packet.
Reason: inconsistentValue (The set value is illegal or unsupported in some way)
Failed object: .1.3.6.1.6.3.13.1.1.1.5.110

",
    );

    // destroy: the walk is back to the old row alone.
    for name in [".108.97.98", ".119"] {
        let (_, err) = run(
            &served,
            "snmpset",
            "private",
            &[&format!(".1.3.6.1.6.3.13.1.1.1.5{name}"), "i", "6"],
        );
        assert_eq!(err, "", "{name}");
    }
    let (out, _) = run(&served, "snmpwalk", "public", &[".1.3.6.1.6.3.13.1.1"]);
    assert_eq!(
        out,
        "\
.1.3.6.1.6.3.13.1.1.1.2.111.112.115 = STRING: \"site\"
.1.3.6.1.6.3.13.1.1.1.3.111.112.115 = INTEGER: 1
.1.3.6.1.6.3.13.1.1.1.4.111.112.115 = INTEGER: 2
.1.3.6.1.6.3.13.1.1.1.5.111.112.115 = INTEGER: 1
.1.3.6.1.6.3.13.1.1.1.5.111.112.115 = No more variables left in this MIB View (It is past the end of the MIB tree)
"
    );
}
