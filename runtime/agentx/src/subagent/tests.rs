//! The subagent without a real master: the dispatcher's answers to every request and
//! SET phase (sans-IO), and the session against a fake master on a loopback socket
//! (open, registration, serving, reconnection, Close on shutdown, parseError).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use smic_mibs::if_mib::{IfAdminStatus, IfEntry, IfEntryIndex, InterfaceIndex};
use smic_smi::registry::Registry;
use smic_smi::snmpv2_tc::DisplayString;
use smic_smi::syntax::Enum;
use smic_smi::{Oid, TableEntry, Value};
use smic_snmp::agent::{Instrument, MemTable, Mib, TableObject, Undo};
use smic_snmp::message::ErrorStatus;
use smic_snmp::message::VarBind;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::serve::{Dispatcher, ServeLimits};
use super::*;
use crate::wire::{Framer, GetBulk, Pdu, SearchRange};

fn oid(text: &str) -> Oid {
    text.parse().unwrap()
}

const ADMIN: &str = "1.3.6.1.2.1.2.2.1.7";
const DESCR: &str = "1.3.6.1.2.1.2.2.1.2";

fn interface(i: i32) -> IfEntry {
    let mut row = IfEntry::new(IfEntryIndex {
        if_index: InterfaceIndex::new(i).unwrap(),
    });
    row.if_index = Some(row.index.if_index);
    row.if_descr = DisplayString::new(format!("eth{i}").into_bytes()).ok();
    row.if_admin_status = Some(Enum::from(IfAdminStatus::Up));
    row
}

/// A scalar at 1.3.6.1.4.1.99999.9.0 that accepts any Integer and fails at commit.
struct FailingCommit;

impl Instrument for FailingCommit {
    fn get(&self, _oid: &Oid) -> Value {
        Value::Integer(0)
    }
    fn next(&self, after: &Oid) -> Option<(Oid, Value)> {
        let me = oid("1.3.6.1.4.1.99999.9.0");
        (*after < me).then_some((me, Value::Integer(0)))
    }
    fn check_set(&self, _oid: &Oid, _value: &Value) -> Result<(), ErrorStatus> {
        Ok(())
    }
    fn commit_set(&self, _oid: &Oid, _value: &Value) -> Result<Undo, ErrorStatus> {
        Err(ErrorStatus::ResourceUnavailable)
    }
}

fn mib() -> (Mib, Arc<MemTable<IfEntry>>) {
    let rows = Arc::new(MemTable::from_rows([interface(1), interface(2)]));
    let mut registry = Registry::new();
    smic_mibs::if_mib::register(&mut registry);
    let mut mib = Mib::new();
    mib.table(TableObject::new(Arc::clone(&rows)).access_from(&registry))
        .unwrap();
    mib.register(oid("1.3.6.1.4.1.99999.9"), Arc::new(FailingCommit))
        .unwrap();
    (mib, rows)
}

fn dispatcher() -> (Dispatcher, Arc<MemTable<IfEntry>>) {
    let (mib, rows) = mib();
    let mut contexts = BTreeMap::new();
    let (other, _) = mib_with_one_row();
    contexts.insert(b"other".to_vec(), other);
    (Dispatcher::new(mib, contexts, ServeLimits::default()), rows)
}

fn mib_with_one_row() -> (Mib, Arc<MemTable<IfEntry>>) {
    let rows = Arc::new(MemTable::from_rows([interface(7)]));
    let mut mib = Mib::new();
    mib.table(TableObject::new(Arc::clone(&rows))).unwrap();
    (mib, rows)
}

fn ask(d: &mut Dispatcher, transaction: u32, body: Body) -> Response {
    ask_in(d, transaction, None, body)
}

fn ask_in(d: &mut Dispatcher, transaction: u32, context: Option<&[u8]>, body: Body) -> Response {
    let mut pdu = Pdu::new(1, transaction, 5, body);
    pdu.context = context.map(<[u8]>::to_vec);
    pdu.byte_order = ByteOrder::Little;
    let answer = d.handle(&pdu, 77).expect("an answer");
    assert_eq!(
        answer.byte_order,
        ByteOrder::Little,
        "answered in the request's order"
    );
    assert_eq!(
        (answer.session_id, answer.transaction_id, answer.packet_id),
        (1, transaction, 5)
    );
    match answer.body {
        Body::Response(res) => {
            assert_eq!(res.sys_up_time, 77);
            res
        }
        other => panic!("{other:?}"),
    }
}

fn range(start: &str, include: bool, end: &str) -> SearchRange {
    SearchRange {
        start: oid(start),
        include,
        end: if end.is_empty() {
            Oid::default()
        } else {
            oid(end)
        },
    }
}

fn names(res: &Response) -> Vec<(String, Value)> {
    res.varbinds
        .iter()
        .map(|vb| (vb.oid.to_string(), vb.value.clone()))
        .collect()
}

fn set(oid_text: &str, value: Value) -> VarBind {
    VarBind {
        oid: oid(oid_text),
        value,
    }
}

#[test]
fn get_and_get_next_with_ranges() {
    let (mut d, _) = dispatcher();
    let res = ask(
        &mut d,
        0,
        Body::Get(vec![
            range(&format!("{DESCR}.1"), false, ""),
            range(&format!("{DESCR}.9"), false, ""),
        ]),
    );
    assert_eq!(
        names(&res),
        [
            (format!("{DESCR}.1"), Value::OctetString(b"eth1".to_vec())),
            (format!("{DESCR}.9"), Value::NoSuchInstance),
        ]
    );
    let res = ask(
        &mut d,
        0,
        Body::GetNext(vec![
            // include: the start itself, which exists.
            range(&format!("{DESCR}.1"), true, ""),
            // exclusive: the next one.
            range(&format!("{DESCR}.1"), false, ""),
            // the next is ifDescr.2, past the range's end: endOfMibView at the start.
            range(&format!("{DESCR}.1"), false, &format!("{DESCR}.2")),
            // past the end of everything.
            range("1.3.6.1.4.1.99999.9.0", false, ""),
        ]),
    );
    assert_eq!(
        names(&res),
        [
            (format!("{DESCR}.1"), Value::OctetString(b"eth1".to_vec())),
            (format!("{DESCR}.2"), Value::OctetString(b"eth2".to_vec())),
            (format!("{DESCR}.1"), Value::EndOfMibView),
            ("1.3.6.1.4.1.99999.9.0".into(), Value::EndOfMibView),
        ]
    );
}

#[test]
fn contexts_serve_their_own_mib() {
    let (mut d, _) = dispatcher();
    let res = ask_in(
        &mut d,
        0,
        Some(b"other"),
        Body::GetNext(vec![range("1.3.6.1.2.1.2.2.1.1", false, "")]),
    );
    assert_eq!(res.varbinds[0].oid.to_string(), "1.3.6.1.2.1.2.2.1.1.7");
    let res = ask_in(
        &mut d,
        0,
        Some(b"nope"),
        Body::Get(vec![range("1.3", false, "")]),
    );
    assert_eq!(res.error, ResponseError::UNSUPPORTED_CONTEXT);
}

#[test]
fn get_bulk_repeats_within_ranges() {
    let (mut d, _) = dispatcher();
    let res = ask(
        &mut d,
        0,
        Body::GetBulk(GetBulk {
            non_repeaters: 1,
            max_repetitions: 3,
            ranges: vec![
                range("1.3.6.1.2.1.2.2.1.1", false, ""),
                range(DESCR, false, ADMIN),
                range(ADMIN, false, ""),
            ],
        }),
    );
    let text: Vec<(String, Value)> = names(&res);
    assert_eq!(text[0].0, "1.3.6.1.2.1.2.2.1.1.1");
    // Repetitions: ifDescr.1 / ifAdmin.1, ifDescr.2 / ifAdmin.2, end / next column.
    assert_eq!(text[1].0, format!("{DESCR}.1"));
    assert_eq!(text[2].0, format!("{ADMIN}.1"));
    assert_eq!(text[3].0, format!("{DESCR}.2"));
    assert_eq!(text[4].0, format!("{ADMIN}.2"));
    assert_eq!(text[5], (format!("{DESCR}.2"), Value::EndOfMibView));
    assert_eq!(text[6].0, "1.3.6.1.4.1.99999.9.0");
    assert_eq!(text.len(), 7);
    // A tight byte budget cuts the answer short, never refuses it.
    let (mib, _) = mib();
    let limits = ServeLimits {
        max_bulk_bytes: 100,
        ..ServeLimits::default()
    };
    let mut small = Dispatcher::new(mib, BTreeMap::new(), limits);
    let res = ask(
        &mut small,
        0,
        Body::GetBulk(GetBulk {
            non_repeaters: 0,
            max_repetitions: 50,
            ranges: vec![range("1.3", false, "")],
        }),
    );
    assert!(
        !res.varbinds.is_empty() && res.varbinds.len() < 5,
        "{}",
        res.varbinds.len()
    );
}

#[test]
fn test_commit_cleanup_changes_the_row() {
    let (mut d, rows) = dispatcher();
    let request = vec![set(&format!("{ADMIN}.1"), Value::Integer(2))];
    let res = ask(&mut d, 10, Body::TestSet(request));
    assert_eq!((res.error, res.index), (ResponseError::NO_ERROR, 0));
    // Nothing changes at TestSet.
    assert_eq!(
        rows.rows()[0].if_admin_status,
        Some(Enum::from(IfAdminStatus::Up))
    );
    let res = ask(&mut d, 10, Body::CommitSet);
    assert_eq!(res.error, ResponseError::NO_ERROR);
    assert_eq!(
        rows.rows()[0].if_admin_status,
        Some(Enum::from(IfAdminStatus::Down))
    );
    assert_eq!(d.open_transactions(), 1);
    assert!(
        d.handle(&Pdu::new(1, 10, 6, Body::CleanupSet), 0).is_none(),
        "CleanupSet is not answered"
    );
    assert_eq!(d.open_transactions(), 0);
}

#[test]
fn undo_set_restores_and_a_refused_test_changes_nothing() {
    let (mut d, rows) = dispatcher();
    let res = ask(
        &mut d,
        11,
        Body::TestSet(vec![set(&format!("{ADMIN}.2"), Value::Integer(2))]),
    );
    assert_eq!(res.error, ResponseError::NO_ERROR);
    assert_eq!(
        ask(&mut d, 11, Body::CommitSet).error,
        ResponseError::NO_ERROR
    );
    assert_eq!(
        rows.rows()[1].if_admin_status,
        Some(Enum::from(IfAdminStatus::Down))
    );
    assert_eq!(
        ask(&mut d, 11, Body::UndoSet).error,
        ResponseError::NO_ERROR
    );
    assert_eq!(
        rows.rows()[1].if_admin_status,
        Some(Enum::from(IfAdminStatus::Up))
    );

    // A read-only column second: notWritable at 2, and CommitSet is refused.
    let request = vec![
        set(&format!("{ADMIN}.1"), Value::Integer(2)),
        set(&format!("{DESCR}.1"), Value::OctetString(b"x".to_vec())),
    ];
    let res = ask(&mut d, 12, Body::TestSet(request));
    assert_eq!(
        (res.error, res.index),
        (ResponseError::snmp(ErrorStatus::NotWritable), 2)
    );
    assert_eq!(
        ask(&mut d, 12, Body::CommitSet).error,
        ResponseError::COMMIT_FAILED
    );
    assert_eq!(
        rows.rows()[0].if_admin_status,
        Some(Enum::from(IfAdminStatus::Up))
    );
    // A value outside the enumeration, and an OID nobody serves.
    let res = ask(
        &mut d,
        13,
        Body::TestSet(vec![set(&format!("{ADMIN}.1"), Value::Integer(9))]),
    );
    assert_eq!(
        (res.error, res.index),
        (ResponseError::snmp(ErrorStatus::WrongValue), 1)
    );
    let res = ask(
        &mut d,
        14,
        Body::TestSet(vec![set("1.3.6.1.4.1.1.1", Value::Integer(9))]),
    );
    assert_eq!(
        (res.error, res.index),
        (ResponseError::snmp(ErrorStatus::NotWritable), 1)
    );
}

#[test]
fn a_failed_commit_undoes_what_it_committed() {
    let (mut d, rows) = dispatcher();
    let request = vec![
        set(&format!("{ADMIN}.1"), Value::Integer(2)),
        set("1.3.6.1.4.1.99999.9.0", Value::Integer(5)),
    ];
    assert_eq!(
        ask(&mut d, 20, Body::TestSet(request)).error,
        ResponseError::NO_ERROR
    );
    let res = ask(&mut d, 20, Body::CommitSet);
    assert_eq!((res.error, res.index), (ResponseError::COMMIT_FAILED, 2));
    assert_eq!(
        rows.rows()[0].if_admin_status,
        Some(Enum::from(IfAdminStatus::Up))
    );
    // The master's UndoSet afterwards finds nothing left to undo.
    assert_eq!(
        ask(&mut d, 20, Body::UndoSet).error,
        ResponseError::NO_ERROR
    );
}

#[test]
fn transactions_are_bounded_and_keyed_by_session() {
    let (mib, _) = mib();
    let limits = ServeLimits {
        max_transactions: 2,
        ..ServeLimits::default()
    };
    let mut d = Dispatcher::new(mib, BTreeMap::new(), limits);
    let request = || Body::TestSet(vec![set(&format!("{ADMIN}.1"), Value::Integer(2))]);
    assert_eq!(ask(&mut d, 1, request()).error, ResponseError::NO_ERROR);
    assert_eq!(ask(&mut d, 2, request()).error, ResponseError::NO_ERROR);
    assert_eq!(
        ask(&mut d, 3, request()).error,
        ResponseError::RESOURCE_UNAVAILABLE
    );
    // Same transaction ID, other session: another transaction, its CommitSet unknown.
    let other = Pdu::new(2, 1, 9, Body::CommitSet);
    match d.handle(&other, 0).unwrap().body {
        Body::Response(res) => assert_eq!(res.error, ResponseError::COMMIT_FAILED),
        body => panic!("{body:?}"),
    }
    d.reset();
    assert_eq!(d.open_transactions(), 0);
}

// ------------------------------------------------------------ against a fake master

/// A master that answers Open with session 42 and every other request with noError,
/// recording what it received; the test drives it through its stream.
struct FakeMaster {
    stream: TcpStream,
    framer: Framer,
}

impl FakeMaster {
    async fn accept(listener: &TcpListener) -> FakeMaster {
        let (stream, _) = tokio::time::timeout(Duration::from_secs(10), listener.accept())
            .await
            .expect("the subagent connects")
            .unwrap();
        FakeMaster {
            stream,
            framer: Framer::new(1 << 16),
        }
    }

    /// The next PDU, or `None` at the end of the stream.
    async fn read(&mut self) -> Option<Pdu> {
        let mut buf = [0u8; 4096];
        loop {
            if let Some(frame) = self.framer.next_frame().unwrap() {
                return Some(frame.decode().unwrap());
            }
            let n = tokio::time::timeout(Duration::from_secs(10), self.stream.read(&mut buf))
                .await
                .expect("the subagent speaks")
                .unwrap_or(0);
            if n == 0 {
                return None;
            }
            self.framer.push(&buf[..n]);
        }
    }

    async fn send(&mut self, pdu: &Pdu) {
        self.stream.write_all(&pdu.encode().unwrap()).await.unwrap();
    }

    async fn answer(&mut self, request: &Pdu, session_id: u32) {
        let mut res = request.response(Response {
            sys_up_time: 1,
            error: ResponseError::NO_ERROR,
            index: 0,
            varbinds: Vec::new(),
        });
        res.session_id = session_id;
        self.send(&res).await;
    }

    /// Accepts Open and every Register until `count` registrations: their subtrees.
    async fn handshake(&mut self, count: usize) -> Vec<Oid> {
        let open = self.read().await.unwrap();
        assert!(matches!(open.body, Body::Open(_)), "{open:?}");
        self.answer(&open, 42).await;
        let mut subtrees = Vec::new();
        while subtrees.len() < count {
            let pdu = self.read().await.unwrap();
            assert_eq!(pdu.session_id, 42);
            match &pdu.body {
                Body::Register(r) => subtrees.push(r.subtree.clone()),
                other => panic!("{other:?}"),
            }
            self.answer(&pdu, 42).await;
        }
        subtrees
    }
}

#[tokio::test]
async fn a_session_registers_serves_reconnects_and_closes() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (mib, _) = mib();
    let subagent = Subagent::builder(mib)
        .master(MasterAddress::Tcp(addr))
        .backoff(Duration::from_millis(20), Duration::from_millis(50))
        .ping_interval(None)
        .build();
    let handle = subagent.handle();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(subagent.run(async {
        let _ = stopped.await;
    }));

    let mut master = FakeMaster::accept(&listener).await;
    let subtrees = master.handshake(2).await;
    assert_eq!(
        subtrees,
        [oid("1.3.6.1.2.1.2.2.1"), oid("1.3.6.1.4.1.99999.9")]
    );
    let state = handle.opened(1).await.unwrap();
    assert_eq!(
        state,
        State::Open {
            session_id: 42,
            generation: 1
        }
    );

    // A Get, little-endian: answered little-endian.
    let mut get = Pdu::new(
        42,
        0,
        900,
        Body::Get(vec![range(&format!("{DESCR}.2"), false, "")]),
    );
    get.byte_order = ByteOrder::Little;
    master.send(&get).await;
    let res = master.read().await.unwrap();
    assert_eq!((res.packet_id, res.byte_order), (900, ByteOrder::Little));
    match res.body {
        Body::Response(res) => {
            assert_eq!(res.varbinds[0].value, Value::OctetString(b"eth2".to_vec()))
        }
        other => panic!("{other:?}"),
    }
    // An unknown PDU type: parseError, from its header, and the session goes on.
    let mut unknown = Pdu::new(42, 0, 901, Body::Ping).encode().unwrap();
    unknown[1] = 77;
    master.stream.write_all(&unknown).await.unwrap();
    match master.read().await.unwrap() {
        Pdu {
            packet_id: 901,
            body: Body::Response(res),
            ..
        } => {
            assert_eq!(res.error, ResponseError::PARSE_ERROR);
        }
        other => panic!("{other:?}"),
    }
    // A wrong session ID: notOpen.
    master.send(&Pdu::new(7, 0, 902, Body::Get(vec![]))).await;
    match master.read().await.unwrap().body {
        Body::Response(res) => assert_eq!(res.error, ResponseError::NOT_OPEN),
        other => panic!("{other:?}"),
    }

    // A Notify through the handle, answered by the master.
    let notify = {
        let handle = handle.clone();
        tokio::spawn(async move {
            let trap = VarBind {
                oid: oid("1.3.6.1.6.3.1.1.4.1.0"),
                value: Value::ObjectIdentifier(oid("1.3.6.1.6.3.1.1.5.1")),
            };
            handle.notify_varbinds(vec![trap], None).await
        })
    };
    let pdu = master.read().await.unwrap();
    assert!(
        matches!(&pdu.body, Body::Notify(v) if v.len() == 1),
        "{pdu:?}"
    );
    master.answer(&pdu, 42).await;
    assert_eq!(notify.await.unwrap(), Ok(()));

    // The master goes away: the subagent comes back and registers everything again.
    drop(master);
    let mut master = FakeMaster::accept(&listener).await;
    assert_eq!(master.handshake(2).await.len(), 2);
    assert_eq!(
        handle.opened(2).await.unwrap(),
        State::Open {
            session_id: 42,
            generation: 2
        }
    );

    // Shutdown: Close(shutdown), then the stream ends.
    stop.send(()).unwrap();
    let close = master.read().await.unwrap();
    assert_eq!(close.body, Body::Close(CloseReason::SHUTDOWN));
    assert_eq!(close.session_id, 42);
    assert_eq!(master.read().await, None);
    task.await.unwrap();
    assert_eq!(handle.state(), State::Stopped);
    assert_eq!(handle.ping().await, Err(SubagentError::NotConnected));
}

#[tokio::test]
async fn garbage_from_the_master_closes_with_parse_error_and_reconnects() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (mib, _) = mib();
    let subagent = Subagent::builder(mib)
        .master(MasterAddress::Tcp(addr))
        .backoff(Duration::from_millis(10), Duration::from_millis(20))
        .ping_interval(None)
        .max_payload(1024)
        .build();
    let handle = subagent.handle();
    let task = tokio::spawn(subagent.run(std::future::pending()));
    let mut master = FakeMaster::accept(&listener).await;
    master.handshake(2).await;
    // A header announcing 1 MiB, over the subagent's maximum: it closes at once.
    let mut bogus = Pdu::new(42, 0, 1, Body::Ping).encode().unwrap();
    bogus[16..20].copy_from_slice(&(1u32 << 20).to_be_bytes());
    master.stream.write_all(&bogus).await.unwrap();
    let close = master.read().await.unwrap();
    assert_eq!(close.body, Body::Close(CloseReason::PARSE_ERROR));
    let mut master = FakeMaster::accept(&listener).await;
    master.handshake(2).await;
    assert!(matches!(
        handle.opened(2).await,
        Ok(State::Open { generation: 2, .. })
    ));
    task.abort();
}

#[tokio::test]
async fn a_refused_registration_is_reported_and_kept() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let subagent = Subagent::builder(Mib::new())
        .master(MasterAddress::Tcp(addr))
        .ping_interval(None)
        .build();
    let handle = subagent.handle();
    let task = tokio::spawn(subagent.run(std::future::pending()));
    let mut master = FakeMaster::accept(&listener).await;
    master.handshake(0).await;
    handle.opened(1).await.unwrap();
    let registration = Registration::subtree(oid("1.3.6.1.4.1.5")).priority(10);
    let asked = {
        let handle = handle.clone();
        let registration = registration.clone();
        tokio::spawn(async move { handle.register(registration).await })
    };
    let pdu = master.read().await.unwrap();
    match &pdu.body {
        Body::Register(r) => assert_eq!(
            (r.priority, r.subtree.to_string().as_str()),
            (10, "1.3.6.1.4.1.5")
        ),
        other => panic!("{other:?}"),
    }
    let res = pdu.response(Response {
        sys_up_time: 0,
        error: ResponseError::DUPLICATE_REGISTRATION,
        index: 0,
        varbinds: Vec::new(),
    });
    master.send(&res).await;
    assert_eq!(
        asked.await.unwrap(),
        Err(SubagentError::Refused {
            error: ResponseError::DUPLICATE_REGISTRATION,
            index: 0
        })
    );
    // Kept: the next session registers it.
    drop(master);
    let mut master = FakeMaster::accept(&listener).await;
    assert_eq!(master.handshake(1).await, [oid("1.3.6.1.4.1.5")]);
    task.abort();
}
