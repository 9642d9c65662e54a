//! The command responder, sans-IO: requests encoded by smic's codec go through
//! `Responder::handle`, responses are decoded and compared whole.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use crate::agent_fixture::{Agent, SYS_DESCR, agent};
use smic_smi::{Oid, Value, oid};
use smic_snmp::agent::Limits;
use smic_snmp::message::AnyPdu;
use smic_snmp::{Message, Pdu, PduType, VarBind, Version};

const FROM: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 5000);

fn o(text: &str) -> Oid {
    text.parse().expect("valid OID")
}

fn request(
    version: Version,
    community: &str,
    kind: PduType,
    status: i32,
    index: i32,
    varbinds: Vec<VarBind>,
) -> Vec<u8> {
    Message {
        version,
        community: community.as_bytes().to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind,
            request_id: 77,
            error_status: status,
            error_index: index,
            varbinds,
        }),
    }
    .encode()
}

/// Sends a request and decodes the response PDU; `None` when the agent dropped it.
fn ask(
    agent: &Agent,
    version: Version,
    community: &str,
    kind: PduType,
    varbinds: Vec<VarBind>,
) -> Option<Pdu> {
    ask_bulk(agent, version, community, kind, 0, 0, varbinds)
}

fn ask_bulk(
    agent: &Agent,
    version: Version,
    community: &str,
    kind: PduType,
    status: i32,
    index: i32,
    varbinds: Vec<VarBind>,
) -> Option<Pdu> {
    let bytes = agent.responder.handle(
        &request(version, community, kind, status, index, varbinds),
        FROM,
    )?;
    let message = Message::decode(&bytes).expect("the agent's response decodes");
    assert_eq!(message.version, version);
    assert_eq!(message.community, community.as_bytes());
    match message.pdu {
        AnyPdu::Pdu(pdu) => {
            assert_eq!(pdu.kind, PduType::Response);
            assert_eq!(pdu.request_id, 77);
            Some(pdu)
        }
        AnyPdu::TrapV1(_) => panic!("a trap in response"),
    }
}

fn nulls(oids: &[&str]) -> Vec<VarBind> {
    oids.iter().map(|t| VarBind::null(o(t))).collect()
}

fn set(bindings: &[(&str, Value)]) -> Vec<VarBind> {
    bindings
        .iter()
        .map(|(t, v)| VarBind {
            oid: o(t),
            value: v.clone(),
        })
        .collect()
}

fn pairs(pdu: &Pdu) -> Vec<(String, Value)> {
    pdu.varbinds
        .iter()
        .map(|vb| (vb.oid.to_string(), vb.value.clone()))
        .collect()
}

fn text(s: &str) -> Value {
    Value::OctetString(s.as_bytes().to_vec())
}

const SYS_DESCR_0: &str = "1.3.6.1.2.1.1.1.0";
const SYS_CONTACT_0: &str = "1.3.6.1.2.1.1.4.0";
const IF_ADMIN_1: &str = "1.3.6.1.2.1.2.2.1.7.1";
const IF_ADMIN_2: &str = "1.3.6.1.2.1.2.2.1.7.2";

#[test]
fn get_returns_values_and_v2c_exceptions() {
    let agent = agent(Limits::default());
    let pdu = ask(
        &agent,
        Version::V2c,
        "public",
        PduType::Get,
        nulls(&[
            SYS_DESCR_0,
            "1.3.6.1.2.1.2.2.1.2.2",
            "1.3.6.1.2.1.1.1",
            "1.3.6.1.2.1.2.2.1.2.9",
            "1.3.6.1.2.1.99.1.0",
            "1.3.6.1.2.1.2.2.1.99.1",
        ]),
    )
    .expect("answered");
    assert_eq!((pdu.error_status, pdu.error_index), (0, 0));
    assert_eq!(
        pairs(&pdu),
        vec![
            (SYS_DESCR_0.into(), text(SYS_DESCR)),
            ("1.3.6.1.2.1.2.2.1.2.2".into(), text("eth0")),
            ("1.3.6.1.2.1.1.1".into(), Value::NoSuchInstance),
            ("1.3.6.1.2.1.2.2.1.2.9".into(), Value::NoSuchInstance),
            ("1.3.6.1.2.1.99.1.0".into(), Value::NoSuchObject),
            ("1.3.6.1.2.1.2.2.1.99.1".into(), Value::NoSuchObject),
        ]
    );
}

#[test]
fn get_in_v1_answers_no_such_name_at_the_first_missing_binding() {
    let agent = agent(Limits::default());
    let asked = nulls(&[SYS_DESCR_0, "1.3.6.1.2.1.2.2.1.2.9", "1.3.6.1.2.1.99.0"]);
    let pdu = ask(&agent, Version::V1, "public", PduType::Get, asked.clone()).expect("answered");
    assert_eq!((pdu.error_status, pdu.error_index), (2, 2));
    assert_eq!(pdu.varbinds, asked, "an error response echoes the request");
}

/// Walks with GETNEXT from `start` until endOfMibView.
fn walk(agent: &Agent, version: Version, community: &str, start: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut cursor = o(start);
    loop {
        let pdu = ask(
            agent,
            version,
            community,
            PduType::GetNext,
            vec![VarBind::null(cursor.clone())],
        )
        .expect("answered");
        if pdu.error_status != 0 {
            assert_eq!(
                (version, pdu.error_status, pdu.error_index),
                (Version::V1, 2, 1),
                "v1 ends a walk with noSuchName"
            );
            return out;
        }
        let vb = pdu.varbinds.into_iter().next().expect("one binding");
        if vb.value == Value::EndOfMibView {
            assert_eq!(vb.oid, cursor, "endOfMibView names the requested OID");
            return out;
        }
        assert!(
            vb.oid > cursor,
            "GETNEXT goes forward: {} after {cursor}",
            vb.oid
        );
        cursor = vb.oid.clone();
        out.push((vb.oid.to_string(), vb.value));
        assert!(out.len() < 1000, "the walk ends");
    }
}

#[test]
fn getnext_orders_scalars_and_tables_across_modules() {
    let agent = agent(Limits::default());
    let oids: Vec<String> = walk(&agent, Version::V2c, "public", "0")
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    let system: Vec<String> = (1..=8).map(|n| format!("1.3.6.1.2.1.1.{n}.0")).collect();
    assert_eq!(oids[..8], system[..]);
    // The table column by column, rows in index order, then the snmp group.
    let table: Vec<String> = (1..=10)
        .flat_map(|column| (1..=2).map(move |row| format!("1.3.6.1.2.1.2.2.1.{column}.{row}")))
        .collect();
    assert_eq!(oids[8..28], table[..]);
    assert_eq!(oids[28], "1.3.6.1.2.1.11.1.0");
    assert_eq!(oids.last().map(String::as_str), Some("1.3.6.1.2.1.11.31.0"));
    let mut sorted = oids.clone();
    sorted.sort_by_key(|t| o(t));
    assert_eq!(oids, sorted);
    // v1 sees the same and ends with noSuchName.
    let v1: Vec<String> = walk(&agent, Version::V1, "public", "0")
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    assert_eq!(v1, oids);
}

#[test]
fn getnext_from_inside_a_table_row_and_past_columns() {
    let agent = agent(Limits::default());
    let pdu = ask(
        &agent,
        Version::V2c,
        "public",
        PduType::GetNext,
        nulls(&[
            "1.3.6.1.2.1.2.2.1.2.1",     // ifDescr.1 → ifDescr.2
            "1.3.6.1.2.1.2.2.1.2.2",     // ifDescr.2 → ifType.1
            "1.3.6.1.2.1.2.2.1.2.1.5.5", // inside row 1's arcs → ifDescr.2
            "1.3.6.1.2.1.2.2",           // the table → ifIndex.1
            "1.3.6.1.2.1.2.2.1.10.2",    // the last column → snmpInPkts.0
            "1.3.6.1.2.1.11.31.0",       // the last object → end
        ]),
    )
    .expect("answered");
    let oids: Vec<String> = pdu.varbinds.iter().map(|vb| vb.oid.to_string()).collect();
    assert_eq!(
        oids,
        [
            "1.3.6.1.2.1.2.2.1.2.2",
            "1.3.6.1.2.1.2.2.1.3.1",
            "1.3.6.1.2.1.2.2.1.2.2",
            "1.3.6.1.2.1.2.2.1.1.1",
            "1.3.6.1.2.1.11.1.0",
            "1.3.6.1.2.1.11.31.0",
        ]
    );
    assert_eq!(pdu.varbinds[5].value, Value::EndOfMibView);
}

#[test]
fn getbulk_repeats_after_non_repeaters() {
    let agent = agent(Limits::default());
    let pdu = ask_bulk(
        &agent,
        Version::V2c,
        "public",
        PduType::GetBulk,
        1,
        3,
        nulls(&[
            "1.3.6.1.2.1.1.1",
            "1.3.6.1.2.1.2.2.1.2",
            "1.3.6.1.2.1.11.30.0",
        ]),
    )
    .expect("answered");
    let oids: Vec<String> = pdu.varbinds.iter().map(|vb| vb.oid.to_string()).collect();
    assert_eq!(
        oids,
        [
            SYS_DESCR_0,
            "1.3.6.1.2.1.2.2.1.2.1",
            "1.3.6.1.2.1.11.31.0",
            "1.3.6.1.2.1.2.2.1.2.2",
            "1.3.6.1.2.1.11.31.0",
            "1.3.6.1.2.1.2.2.1.3.1",
            "1.3.6.1.2.1.11.31.0",
        ]
    );
    assert_eq!(pdu.varbinds[4].value, Value::EndOfMibView);
    assert_eq!(pdu.varbinds[6].value, Value::EndOfMibView);
}

#[test]
fn getbulk_stops_when_every_repeater_has_ended() {
    let agent = agent(Limits::default());
    let pdu = ask_bulk(
        &agent,
        Version::V2c,
        "public",
        PduType::GetBulk,
        0,
        50,
        nulls(&["1.3.6.1.2.1.11.30.0"]),
    )
    .expect("answered");
    assert_eq!(
        pairs(&pdu),
        vec![
            ("1.3.6.1.2.1.11.31.0".into(), pdu.varbinds[0].value.clone()),
            ("1.3.6.1.2.1.11.31.0".into(), Value::EndOfMibView),
        ]
    );
}

#[test]
fn getbulk_with_absurd_repetitions_is_truncated_to_the_size_limit() {
    let agent = agent(Limits {
        max_message_size: 484,
        max_repetitions: 1000,
    });
    let asked = request(
        Version::V2c,
        "public",
        PduType::GetBulk,
        -5,
        i32::MAX,
        nulls(&["0", "1.3.6.1.2.1.2"]),
    );
    let bytes = agent.responder.handle(&asked, FROM).expect("answered");
    assert!(bytes.len() <= 484, "{} bytes", bytes.len());
    let Ok(Message {
        pdu: AnyPdu::Pdu(pdu),
        ..
    }) = Message::decode(&bytes)
    else {
        panic!("decodes")
    };
    assert_eq!(pdu.error_status, 0, "GetBulk truncates, never tooBig");
    assert!(pdu.varbinds.len() > 10, "{} bindings", pdu.varbinds.len());
    assert!(
        bytes.len() > 400,
        "the response is nearly full: {} bytes",
        bytes.len()
    );
}

#[test]
fn a_response_over_the_limit_becomes_too_big() {
    let agent = agent(Limits {
        max_message_size: 200,
        max_repetitions: 10,
    });
    let asked = nulls(&[SYS_DESCR_0; 8]);
    let pdu = ask(&agent, Version::V2c, "public", PduType::Get, asked.clone()).expect("answered");
    assert_eq!(
        (pdu.error_status, pdu.error_index, pdu.varbinds.len()),
        (1, 0, 0)
    );
    // SNMPv1 echoes the request's bindings (RFC 1157 §4.1.2).
    let asked = nulls(&[SYS_DESCR_0; 6]);
    let pdu = ask(&agent, Version::V1, "public", PduType::Get, asked.clone()).expect("answered");
    assert_eq!((pdu.error_status, pdu.error_index), (1, 0));
    assert_eq!(pdu.varbinds, asked);
    // When not even that fits, the response is dropped and counted.
    let before = agent.responder.stats().silent_drops.load(Ordering::Relaxed);
    assert!(
        ask(
            &agent,
            Version::V1,
            "public",
            PduType::Get,
            nulls(&[SYS_DESCR_0; 13])
        )
        .is_none()
    );
    assert_eq!(
        agent.responder.stats().silent_drops.load(Ordering::Relaxed),
        before + 1
    );
}

#[test]
fn set_writes_scalars_and_columns() {
    let agent = agent(Limits::default());
    let bindings = set(&[
        (SYS_CONTACT_0, text("ops@example.net")),
        (IF_ADMIN_2, Value::Integer(2)),
    ]);
    let pdu = ask(
        &agent,
        Version::V2c,
        "private",
        PduType::Set,
        bindings.clone(),
    )
    .expect("answered");
    assert_eq!((pdu.error_status, pdu.error_index), (0, 0));
    assert_eq!(pdu.varbinds, bindings);
    let pdu = ask(
        &agent,
        Version::V2c,
        "public",
        PduType::Get,
        nulls(&[SYS_CONTACT_0, IF_ADMIN_2, IF_ADMIN_1]),
    )
    .expect("answered");
    assert_eq!(
        pdu.varbinds
            .iter()
            .map(|vb| vb.value.clone())
            .collect::<Vec<_>>(),
        vec![
            text("ops@example.net"),
            Value::Integer(2),
            Value::Integer(1),
        ]
    );
}

/// A SET whose `index`th binding is refused with `status`, leaving everything as it was.
fn refused(version: Version, bindings: &[(&str, Value)], status: i32, index: i32) {
    let agent = agent(Limits::default());
    let asked = set(bindings);
    let pdu = ask(&agent, version, "private", PduType::Set, asked.clone()).expect("answered");
    assert_eq!(
        (pdu.error_status, pdu.error_index),
        (status, index),
        "{bindings:?}"
    );
    assert_eq!(pdu.varbinds, asked);
    let now = ask(
        &agent,
        Version::V2c,
        "public",
        PduType::Get,
        nulls(&[SYS_CONTACT_0, IF_ADMIN_1, IF_ADMIN_2]),
    )
    .expect("answered");
    assert_eq!(
        now.varbinds
            .iter()
            .map(|vb| vb.value.clone())
            .collect::<Vec<_>>(),
        vec![text("nobody"), Value::Integer(1), Value::Integer(1),],
        "nothing changed after {bindings:?}"
    );
}

#[test]
fn set_refusals_carry_the_rfc_3416_status_and_index() {
    let contact = (SYS_CONTACT_0, text("changed"));
    // notWritable: a read-only scalar, a read-only column, an OID nothing serves.
    refused(
        Version::V2c,
        &[contact.clone(), (SYS_DESCR_0, text("x"))],
        17,
        2,
    );
    refused(
        Version::V2c,
        &[contact.clone(), ("1.3.6.1.2.1.2.2.1.2.1", text("x"))],
        17,
        2,
    );
    refused(
        Version::V2c,
        &[("1.3.6.1.4.1.9999.1.0", Value::Integer(1))],
        17,
        1,
    );
    // wrongType, wrongLength, wrongValue (outside the enumeration).
    refused(
        Version::V2c,
        &[contact.clone(), (SYS_CONTACT_0, Value::Integer(5))],
        7,
        2,
    );
    refused(Version::V2c, &[(IF_ADMIN_1, text("up"))], 7, 1);
    refused(Version::V2c, &[(IF_ADMIN_1, Value::Gauge32(1))], 7, 1);
    refused(
        Version::V2c,
        &[(SYS_CONTACT_0, Value::OctetString(vec![b'a'; 256]))],
        8,
        1,
    );
    refused(
        Version::V2c,
        &[contact.clone(), (IF_ADMIN_1, Value::Integer(7))],
        10,
        2,
    );
    // noCreation: a scalar's other instances, a row that does not exist.
    refused(Version::V2c, &[("1.3.6.1.2.1.1.4.1", text("x"))], 11, 1);
    refused(
        Version::V2c,
        &[
            contact.clone(),
            ("1.3.6.1.2.1.2.2.1.7.9", Value::Integer(1)),
        ],
        11,
        2,
    );
    // inconsistentValue: the handler's own check, after the MIB's.
    refused(
        Version::V2c,
        &[contact.clone(), (IF_ADMIN_2, Value::Integer(3))],
        12,
        2,
    );
    // SNMPv1 (RFC 3584 §4.4): badValue and noSuchName.
    refused(
        Version::V1,
        &[contact.clone(), (SYS_CONTACT_0, Value::Integer(5))],
        3,
        2,
    );
    refused(Version::V1, &[(IF_ADMIN_1, Value::Integer(7))], 3, 1);
    refused(
        Version::V1,
        &[contact.clone(), (SYS_DESCR_0, text("x"))],
        2,
        2,
    );
    refused(Version::V1, &[("1.3.6.1.2.1.1.4.1", text("x"))], 2, 1);
}

#[test]
fn a_failed_commit_undoes_the_committed_bindings() {
    let agent = agent(Limits::default());
    agent.interfaces.fail_writes_to.store(2, Ordering::Relaxed);
    let asked = set(&[
        (SYS_CONTACT_0, text("changed")),
        (IF_ADMIN_1, Value::Integer(2)),
        (IF_ADMIN_2, Value::Integer(2)),
    ]);
    let pdu = ask(&agent, Version::V2c, "private", PduType::Set, asked.clone()).expect("answered");
    assert_eq!(
        (pdu.error_status, pdu.error_index),
        (14, 3),
        "commitFailed at the third binding"
    );
    let now = ask(
        &agent,
        Version::V2c,
        "public",
        PduType::Get,
        nulls(&[SYS_CONTACT_0, IF_ADMIN_1]),
    )
    .expect("answered");
    assert_eq!(now.varbinds[0].value, text("nobody"));
    assert_eq!(now.varbinds[1].value, Value::Integer(1));
    // In SNMPv1 it is genErr.
    let pdu = ask(&agent, Version::V1, "private", PduType::Set, asked).expect("answered");
    assert_eq!((pdu.error_status, pdu.error_index), (5, 3));
}

#[test]
fn a_failed_undo_is_undo_failed() {
    let agent = agent(Limits::default());
    // One write succeeds (the first binding's commit), then every write fails: the
    // second binding's commit and the first one's undo.
    agent.interfaces.writes_left.store(1, Ordering::Relaxed);
    let asked = set(&[
        (IF_ADMIN_2, Value::Integer(2)),
        (IF_ADMIN_1, Value::Integer(2)),
    ]);
    let pdu = ask(&agent, Version::V2c, "private", PduType::Set, asked.clone()).expect("answered");
    assert_eq!((pdu.error_status, pdu.error_index), (15, 2), "undoFailed");
    assert_eq!(pdu.varbinds, asked);
}

#[test]
fn vacm_refusals() {
    let agent = agent(Limits::default());
    // notInView: noSuchObject in v2c, noSuchName in v1; GETNEXT skips; SET noAccess.
    let pdu = ask(
        &agent,
        Version::V2c,
        "sysonly",
        PduType::Get,
        nulls(&["1.3.6.1.2.1.2.2.1.2.1", SYS_DESCR_0]),
    )
    .expect("answered");
    assert_eq!(pdu.varbinds[0].value, Value::NoSuchObject);
    assert_eq!(pdu.varbinds[1].value, text(SYS_DESCR));
    let pdu = ask(
        &agent,
        Version::V1,
        "sysonly",
        PduType::Get,
        nulls(&[SYS_DESCR_0, "1.3.6.1.2.1.2.2.1.2.1"]),
    )
    .expect("answered");
    assert_eq!((pdu.error_status, pdu.error_index), (2, 2));
    let walked = walk(&agent, Version::V2c, "sysonly", "0");
    assert_eq!(walked.len(), 8, "{walked:?}");
    assert!(
        walked
            .iter()
            .all(|(oid, _)| oid.starts_with("1.3.6.1.2.1.1."))
    );
    let no_descr = walk(&agent, Version::V2c, "noifdescr", "1.3.6.1.2.1.2.2.1.1.2");
    assert_eq!(no_descr[0].0, "1.3.6.1.2.1.2.2.1.3.1", "ifDescr is skipped");
    let pdu = ask(
        &agent,
        Version::V2c,
        "sysonly",
        PduType::Set,
        set(&[(SYS_CONTACT_0, text("x")), (IF_ADMIN_1, Value::Integer(2))]),
    )
    .expect("answered");
    assert_eq!((pdu.error_status, pdu.error_index), (6, 2), "noAccess");
    let pdu = ask(
        &agent,
        Version::V1,
        "sysonly",
        PduType::Set,
        set(&[(IF_ADMIN_1, Value::Integer(2))]),
    )
    .expect("answered");
    assert_eq!(
        (pdu.error_status, pdu.error_index),
        (2, 1),
        "noAccess is noSuchName in v1"
    );
    // noSuchView (a community without a write view), noGroupName, noAccessEntry:
    // authorizationError in v2c, noSuchName in v1.
    for (community, kind) in [
        ("public", PduType::Set),
        ("ghost", PduType::Get),
        ("lonely", PduType::GetNext),
        ("ghost", PduType::GetBulk),
    ] {
        let asked = set(&[(SYS_CONTACT_0, text("x"))]);
        let pdu = ask(&agent, Version::V2c, community, kind, asked.clone()).expect("answered");
        assert_eq!(
            (pdu.error_status, pdu.error_index),
            (16, 0),
            "{community} {kind:?}"
        );
        assert_eq!(pdu.varbinds, asked);
        if kind != PduType::GetBulk {
            let pdu = ask(&agent, Version::V1, community, kind, asked).expect("answered");
            assert_eq!(
                (pdu.error_status, pdu.error_index),
                (2, 0),
                "{community} {kind:?} in v1"
            );
        }
    }
    assert_eq!(
        agent
            .responder
            .stats()
            .in_bad_community_uses
            .load(Ordering::Relaxed),
        2
    );
    // An unknown community and an unknown context are dropped, and counted.
    assert!(
        ask(
            &agent,
            Version::V2c,
            "nobody",
            PduType::Get,
            nulls(&[SYS_DESCR_0])
        )
        .is_none()
    );
    assert!(
        ask(
            &agent,
            Version::V2c,
            "elsewhere",
            PduType::Get,
            nulls(&[SYS_DESCR_0])
        )
        .is_none()
    );
    let stats = agent.responder.stats().snapshot();
    assert_eq!(
        (stats.in_bad_community_names, stats.unknown_contexts),
        (1, 1)
    );
}

#[test]
fn the_snmp_group_counts_what_the_responder_sees() {
    let agent = agent(Limits::default());
    assert!(agent.responder.handle(b"\x30\x03\x02\x01", FROM).is_none());
    assert!(
        agent
            .responder
            .handle(
                &request(Version::V2c, "x", PduType::Get, 0, 0, vec![]),
                FROM
            )
            .is_none()
    );
    let pdu = ask(
        &agent,
        Version::V2c,
        "public",
        PduType::Get,
        nulls(&[
            "1.3.6.1.2.1.11.1.0",
            "1.3.6.1.2.1.11.4.0",
            "1.3.6.1.2.1.11.6.0",
            "1.3.6.1.2.1.11.2.0",
        ]),
    )
    .expect("answered");
    assert_eq!(
        pdu.varbinds
            .iter()
            .map(|vb| vb.value.clone())
            .collect::<Vec<_>>(),
        vec![
            Value::Counter32(3),
            Value::Counter32(1),
            Value::Counter32(1),
            Value::Counter32(0),
        ]
    );
}

#[test]
fn malformed_and_unexpected_datagrams_are_dropped_and_counted() {
    let agent = agent(Limits::default());
    let valid = request(
        Version::V2c,
        "private",
        PduType::Set,
        0,
        0,
        set(&[(SYS_CONTACT_0, text("x")), (IF_ADMIN_1, Value::Integer(1))]),
    );
    // Every truncation, and every single-byte change, of a valid request: no panic.
    for len in 0..valid.len() {
        assert!(
            agent.responder.handle(&valid[..len], FROM).is_none(),
            "truncated to {len}"
        );
    }
    for i in 0..valid.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bytes = valid.clone();
            bytes[i] ^= flip;
            let _ = agent.responder.handle(&bytes, FROM);
        }
    }
    let trailing = [valid.clone(), vec![0]].concat();
    assert!(agent.responder.handle(&trailing, FROM).is_none());
    // SNMPv3 and unknown versions are bad versions; responses and traps are not
    // requests.
    let mut v3 = request(
        Version::V2c,
        "public",
        PduType::Get,
        0,
        0,
        nulls(&[SYS_DESCR_0]),
    );
    v3[4] = 3;
    let before = agent.responder.stats().snapshot();
    assert!(agent.responder.handle(&v3, FROM).is_none());
    assert!(
        agent
            .responder
            .handle(
                &request(Version::V2c, "public", PduType::Response, 0, 0, vec![]),
                FROM
            )
            .is_none()
    );
    assert!(
        agent
            .responder
            .handle(
                &request(Version::V2c, "public", PduType::TrapV2, 0, 0, vec![]),
                FROM
            )
            .is_none()
    );
    let after = agent.responder.stats().snapshot();
    assert_eq!(after.in_bad_versions, before.in_bad_versions + 1);
    assert_eq!(after.silent_drops, before.silent_drops + 2);
    assert!(after.in_asn_parse_errs > 0);
}

#[test]
fn overlapping_registrations_are_refused() {
    use smic_mibs::snmpv2_mib::SysDescr;
    use smic_snmp::agent::{MemScalar, Mib};
    let mut mib = Mib::new();
    let descr = || smic_smi::snmpv2_tc::DisplayString::new(b"x".to_vec()).expect("short");
    mib.scalar::<SysDescr, _>(MemScalar::<SysDescr>::new(descr()))
        .expect("first");
    let again = mib.scalar::<SysDescr, _>(MemScalar::<SysDescr>::new(descr()));
    assert!(again.is_err());
    let above = mib.register(
        oid!(1, 3, 6, 1, 2, 1, 1).clone(),
        std::sync::Arc::new(Nothing),
    );
    assert!(above.is_err(), "a subtree holding a registered one");
    let below = mib.register(
        oid!(1, 3, 6, 1, 2, 1, 1, 1, 5).clone(),
        std::sync::Arc::new(Nothing),
    );
    assert!(below.is_err(), "a subtree inside a registered one");
    assert!(
        mib.register(
            oid!(1, 3, 6, 1, 2, 1, 1, 2).clone(),
            std::sync::Arc::new(Nothing)
        )
        .is_ok()
    );
}

struct Nothing;

impl smic_snmp::agent::Instrument for Nothing {
    fn get(&self, _oid: &Oid) -> Value {
        Value::NoSuchInstance
    }
    fn next(&self, _after: &Oid) -> Option<(Oid, Value)> {
        None
    }
}

/// An async source: the table answers from the last fetch and follows the next ones.
#[tokio::test(flavor = "multi_thread")]
async fn a_refreshed_table_serves_what_its_async_source_fetched() {
    use std::sync::Arc;
    use std::sync::atomic::AtomicI32;
    use std::time::Duration;

    use smic_snmp::agent::RefreshedTable;

    let fetches = Arc::new(AtomicI32::new(0));
    let counter = Arc::clone(&fetches);
    // Each fetch has as many interfaces as fetches so far (1, then 2, …).
    let table = RefreshedTable::start(Duration::from_millis(50), move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            tokio::task::yield_now().await;
            (1..=n)
                .map(|i| {
                    crate::agent_fixture::interface(
                        i,
                        &format!("if{i}"),
                        smic_mibs::ianaiftype_mib::IANAifType::EthernetCsmacd,
                        &[],
                    )
                })
                .collect::<Vec<_>>()
        }
    })
    .await;
    let mut mib = smic_snmp::agent::Mib::new();
    let mut registry = smic_smi::registry::Registry::new();
    smic_mibs::if_mib::register(&mut registry);
    mib.table(smic_snmp::agent::TableObject::new(table.rows()).access_from(&registry))
        .unwrap_or_else(|e| panic!("{e}"));
    let responder = smic_snmp::agent::Responder::new(mib, crate::agent_fixture::access());
    let descr = |i: u32| Oid::from_vec([crate::agent_fixture::IF_DESCR.arcs(), &[i]].concat());
    let get = |oid: Oid| {
        let bytes = request(
            Version::V2c,
            "public",
            PduType::Get,
            0,
            0,
            vec![VarBind::null(oid)],
        );
        let answer = responder
            .handle(&bytes, FROM)
            .unwrap_or_else(|| panic!("answered"));
        let message = Message::decode(&answer).unwrap_or_else(|e| panic!("{e}"));
        let AnyPdu::Pdu(pdu) = message.pdu else {
            panic!("a response PDU");
        };
        pdu.varbinds[0].value.clone()
    };
    assert_eq!(get(descr(1)), Value::OctetString(b"if1".to_vec()));
    assert_eq!(get(descr(2)), Value::NoSuchInstance);
    // A few refreshes later the second interface is there.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(fetches.load(Ordering::SeqCst) >= 3);
    assert_eq!(get(descr(2)), Value::OctetString(b"if2".to_vec()));
    drop(table);
}
