//! The master with smic's own subagents (and a few hand-made misbehaving ones) over
//! loopback sockets: the agent's requests served across local objects and subagent
//! subtrees, SETs as one transaction, registrations, Notify, indexes, timeouts, Close.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use smic_mibs::if_mib::{IfAdminStatus, IfEntry, IfEntryIndex, InterfaceIndex};
use smic_smi::registry::Registry as Names;
use smic_smi::snmpv2_tc::DisplayString;
use smic_smi::syntax::Enum;
use smic_smi::{Oid, TableEntry, Value};
use smic_snmp::agent::vacm::{AccessEntry, ContextMatch, SecurityModel};
use smic_snmp::agent::{AccessControl, MemTable, Mib, Responder, Step, TableObject, system};
use smic_snmp::message::{AnyPdu, ErrorStatus, Message, Pdu, PduType, VarBind, Version};
use smic_snmp::notify::Notice;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

use super::*;
use crate::subagent::{Handle, MasterAddress, Subagent, SubagentError};
use crate::wire::{Body, Flags, Framer, Open, Pdu as XPdu, Register, ResponseError};

fn oid(text: &str) -> Oid {
    text.parse().unwrap()
}

const SYS_DESCR: &str = "1.3.6.1.2.1.1.1.0";
const IF_DESCR: &str = "1.3.6.1.2.1.2.2.1.2";
const IF_ADMIN: &str = "1.3.6.1.2.1.2.2.1.7";

fn interface(i: i32) -> IfEntry {
    let mut row = IfEntry::new(IfEntryIndex {
        if_index: InterfaceIndex::new(i).unwrap(),
    });
    row.if_index = Some(row.index.if_index);
    row.if_descr = DisplayString::new(format!("eth{i}").into_bytes()).ok();
    row.if_admin_status = Some(Enum::from(IfAdminStatus::Up));
    row
}

struct Agent {
    responder: Responder,
    master: Master,
    notices: mpsc::Receiver<Notice>,
    addr: SocketAddr,
}

async fn agent(limits: MasterLimits) -> Agent {
    let mut mib = Mib::new();
    system::register_system(
        &mut mib,
        system::SystemInfo {
            descr: "master under test".into(),
            object_id: oid("1.3.6.1.4.1.8072.3.2.10"),
            contact: String::new(),
            name: "m".into(),
            location: String::new(),
            services: 72,
        },
    )
    .unwrap();
    let mut access = AccessControl::new();
    access
        .view("all", oid("1"), true)
        .community("public", Some("all"), None)
        .community("private", Some("all"), Some("all"));
    // `public@ctx`: the public community's access, in the context "ctx".
    access.add_community(
        b"public@ctx",
        smic_snmp::agent::CommunityEntry {
            security_name: b"public".to_vec(),
            context: b"ctx".to_vec(),
        },
    );
    access
        .vacm_mut()
        .add_context(b"ctx")
        .add_access(AccessEntry {
            group: "community:public".into(),
            context_prefix: b"ctx".to_vec(),
            model: SecurityModel::Any,
            level: smic_snmp::message::SecurityLevel::NoAuthNoPriv,
            context_match: ContextMatch::Exact,
            read_view: Some("all".into()),
            write_view: None,
            notify_view: None,
        });
    let responder = Responder::new(mib, access);
    let (master, notices) = Master::new(responder.mib(), limits);
    let listening = master
        .listen(&MasterAddress::Tcp("127.0.0.1:0".parse().unwrap()), None)
        .await
        .unwrap();
    let Listening::Tcp(addr) = listening else {
        panic!("{listening:?}")
    };
    Agent {
        responder,
        master,
        notices,
        addr,
    }
}

impl Agent {
    async fn ask(
        &self,
        kind: PduType,
        community: &str,
        varbinds: Vec<VarBind>,
        bulk: (i32, i32),
    ) -> Pdu {
        let message = Message {
            version: Version::V2c,
            community: community.as_bytes().to_vec(),
            pdu: AnyPdu::Pdu(Pdu {
                kind,
                request_id: 9,
                error_status: bulk.0,
                error_index: bulk.1,
                varbinds,
            }),
        };
        let from = "127.0.0.1:5000".parse().unwrap();
        let Step::Serve(accepted) =
            self.responder
                .accept_at(&message.encode(), from, Instant::now())
        else {
            panic!("not accepted")
        };
        let outcome = self.master.serve(&self.responder, &accepted).await.unwrap();
        let bytes = self.responder.answer(&accepted, outcome).unwrap();
        match Message::decode(&bytes).unwrap().pdu {
            AnyPdu::Pdu(pdu) => pdu,
            other => panic!("{other:?}"),
        }
    }

    async fn get(&self, oids: &[&str]) -> Pdu {
        let vbs = oids.iter().map(|o| VarBind::null(oid(o))).collect();
        self.ask(PduType::Get, "public", vbs, (0, 0)).await
    }

    /// Every OID and value a GETNEXT walk from `from` visits.
    async fn walk(&self, from: &str) -> Vec<(Oid, Value)> {
        let mut cursor = oid(from);
        let mut seen = Vec::new();
        loop {
            let pdu = self
                .ask(
                    PduType::GetNext,
                    "public",
                    vec![VarBind::null(cursor.clone())],
                    (0, 0),
                )
                .await;
            assert_eq!(pdu.error_status, 0, "{pdu:?}");
            let vb = pdu.varbinds.into_iter().next().unwrap();
            if vb.value == Value::EndOfMibView {
                return seen;
            }
            assert!(vb.oid > cursor, "{} after {cursor}", vb.oid);
            cursor = vb.oid.clone();
            seen.push((vb.oid, vb.value));
            assert!(seen.len() < 1000, "the walk does not end");
        }
    }
}

fn if_mib(rows: &[i32]) -> (Mib, Arc<MemTable<IfEntry>>) {
    let rows = Arc::new(MemTable::from_rows(rows.iter().map(|&i| interface(i))));
    let mut names = Names::new();
    smic_mibs::if_mib::register(&mut names);
    let mut mib = Mib::new();
    mib.table(TableObject::new(Arc::clone(&rows)).access_from(&names))
        .unwrap();
    (mib, rows)
}

/// A running smic subagent; dropping the sender stops it.
async fn subagent(
    mib: Mib,
    addr: SocketAddr,
) -> (Handle, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let subagent = Subagent::builder(mib)
        .master(MasterAddress::Tcp(addr))
        .description("test subagent")
        .backoff(Duration::from_millis(20), Duration::from_millis(100))
        .build();
    let handle = subagent.handle();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(subagent.run(async {
        let _ = stopped.await;
    }));
    handle.opened(1).await.unwrap();
    (handle, stop, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_getnext_and_getbulk_across_local_objects_and_a_subagent() {
    let agent = agent(MasterLimits::default()).await;
    let (mib, _rows) = if_mib(&[1, 2]);
    let (_handle, _stop, _task) = subagent(mib, agent.addr).await;
    assert_eq!(agent.master.sessions().len(), 1);

    let pdu = agent
        .get(&[
            SYS_DESCR,
            &format!("{IF_DESCR}.2"),
            &format!("{IF_DESCR}.9"),
        ])
        .await;
    assert_eq!(pdu.error_status, 0);
    assert_eq!(
        pdu.varbinds[0].value,
        Value::OctetString(b"master under test".to_vec())
    );
    assert_eq!(pdu.varbinds[1].value, Value::OctetString(b"eth2".to_vec()));
    assert_eq!(pdu.varbinds[2].value, Value::NoSuchInstance);

    // A walk of everything: the system group, then the subagent's table, in order.
    let all = agent.walk("1.3").await;
    let descrs: Vec<&Value> = all
        .iter()
        .filter(|(o, _)| o.starts_with(&oid(IF_DESCR)))
        .map(|(_, v)| v)
        .collect();
    assert_eq!(
        descrs,
        [
            &Value::OctetString(b"eth1".to_vec()),
            &Value::OctetString(b"eth2".to_vec())
        ]
    );
    assert_eq!(all[0].0, oid(SYS_DESCR));
    let first_if = all
        .iter()
        .position(|(o, _)| o.starts_with(&oid("1.3.6.1.2.1.2")))
        .unwrap();
    assert!(
        all[..first_if]
            .iter()
            .all(|(o, _)| o.starts_with(&oid("1.3.6.1.2.1.1")))
    );

    // GETBULK over the same ground gives the same sequence.
    let bulk = agent
        .ask(
            PduType::GetBulk,
            "public",
            vec![VarBind::null(oid("1.3"))],
            (0, 200),
        )
        .await;
    let bulk: Vec<(Oid, Value)> = bulk
        .varbinds
        .into_iter()
        .take_while(|vb| vb.value != Value::EndOfMibView)
        .map(|vb| (vb.oid, vb.value))
        .collect();
    assert_eq!(bulk, all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_set_spanning_two_subagents_is_one_transaction() {
    let agent = agent(MasterLimits::default()).await;
    let (first, first_rows) = if_mib(&[1]);
    let (second_mib, second_rows) = {
        // A second subagent serves one other column: ifAlias of ifXTable would do,
        // but the same table under a range registration shows the dispatch as well.
        if_mib(&[2])
    };
    let (_h1, _s1, _t1) = subagent(first, agent.addr).await;
    // The second one registers only the instances of row 2 (a range over columns).
    let sub2 = Subagent::builder(second_mib)
        .master(MasterAddress::Tcp(agent.addr))
        .registrations(vec![
            crate::subagent::Registration::subtree(oid("1.3.6.1.2.1.2.2.1.1.2"))
                .range(10, 22)
                .priority(100),
        ])
        .build();
    let h2 = sub2.handle();
    let (_s2, stopped) = oneshot::channel::<()>();
    tokio::spawn(sub2.run(async {
        let _ = stopped.await;
    }));
    h2.opened(1).await.unwrap();

    let down = Value::Integer(IfAdminStatus::Down as i32);
    let set = |vbs: Vec<VarBind>| agent.ask(PduType::Set, "private", vbs, (0, 0));
    let ok = set(vec![
        VarBind {
            oid: oid(&format!("{IF_ADMIN}.1")),
            value: down.clone(),
        },
        VarBind {
            oid: oid(&format!("{IF_ADMIN}.2")),
            value: down.clone(),
        },
    ])
    .await;
    assert_eq!(ok.error_status, 0, "{ok:?}");
    let status = |rows: &MemTable<IfEntry>, i: i32| {
        rows.rows()
            .into_iter()
            .find(|r| r.index.if_index == InterfaceIndex::new(i).unwrap())
            .and_then(|r| r.if_admin_status)
    };
    assert_eq!(
        status(&first_rows, 1),
        Some(Enum::from(IfAdminStatus::Down))
    );
    assert_eq!(
        status(&second_rows, 2),
        Some(Enum::from(IfAdminStatus::Down))
    );

    // A bad value in one subagent's binding: the other subagent's binding is not
    // written either.
    let up = Value::Integer(IfAdminStatus::Up as i32);
    let refused = set(vec![
        VarBind {
            oid: oid(&format!("{IF_ADMIN}.1")),
            value: up,
        },
        VarBind {
            oid: oid(&format!("{IF_ADMIN}.2")),
            value: Value::Integer(99),
        },
    ])
    .await;
    assert_eq!(
        ErrorStatus::from_code(refused.error_status),
        Some(ErrorStatus::WrongValue)
    );
    assert_eq!(refused.error_index, 2);
    assert_eq!(
        status(&first_rows, 1),
        Some(Enum::from(IfAdminStatus::Down))
    );

    // Not writable through a read-only community.
    let ro = agent
        .ask(
            PduType::Set,
            "public",
            vec![VarBind {
                oid: oid(&format!("{IF_ADMIN}.1")),
                value: Value::Integer(1),
            }],
            (0, 0),
        )
        .await;
    assert_ne!(ro.error_status, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_are_refused_and_notifications_and_indexes_reach_the_master() {
    let mut agent = agent(MasterLimits::default()).await;
    let (mib, _rows) = if_mib(&[1]);
    let (handle, _stop, _task) = subagent(mib, agent.addr).await;

    // sysDescr is the agent's own at priority 127.
    let refused = handle
        .register(crate::subagent::Registration::subtree(oid(
            "1.3.6.1.2.1.1.1",
        )))
        .await;
    assert!(
        matches!(refused, Err(SubagentError::Refused { error, .. }) if error == ResponseError::DUPLICATE_REGISTRATION),
        "{refused:?}"
    );

    let notice = Notice {
        trap_oid: oid("1.3.6.1.6.3.1.1.5.4"),
        uptime: 42,
        varbinds: vec![VarBind {
            oid: oid(&format!("{IF_ADMIN}.1")),
            value: Value::Integer(1),
        }],
    };
    handle.notify(&notice).await.unwrap();
    let got = tokio::time::timeout(Duration::from_secs(5), agent.notices.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.trap_oid, notice.trap_oid);
    assert_eq!(got.varbinds, notice.varbinds);

    let index = VarBind {
        oid: oid("1.3.6.1.2.1.2.2.1.1"),
        value: Value::Integer(0),
    };
    let first = handle
        .allocate_index(vec![index.clone()], Flags::ANY_INDEX, None)
        .await
        .unwrap();
    let second = handle
        .allocate_index(vec![index.clone()], Flags::ANY_INDEX, None)
        .await
        .unwrap();
    assert_ne!(first[0].value, second[0].value);
    let taken = handle
        .allocate_index(first.clone(), Flags::NONE, None)
        .await;
    assert!(
        matches!(taken, Err(SubagentError::Refused { error, .. }) if error == ResponseError::INDEX_ALREADY_ALLOCATED)
    );
    handle.deallocate_index(first.clone(), None).await.unwrap();
    handle
        .allocate_index(first, Flags::NONE, None)
        .await
        .unwrap();
}

/// A subagent by hand: opens, registers `subtree`, then reads and never answers.
async fn silent_subagent(addr: SocketAddr, subtree: &str) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut framer = Framer::new(1 << 16);
    let next = async |stream: &mut tokio::net::TcpStream, framer: &mut Framer| loop {
        if let Some(frame) = framer.next_frame().unwrap() {
            return frame.decode().unwrap();
        }
        let mut buf = [0u8; 4096];
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "master closed");
        framer.push(&buf[..n]);
    };
    let open = XPdu::new(
        0,
        0,
        1,
        Body::Open(Open {
            timeout: 0,
            id: oid("1.3.6.1.4.1.99999"),
            descr: b"silent".to_vec(),
        }),
    );
    stream.write_all(&open.encode().unwrap()).await.unwrap();
    let answer = next(&mut stream, &mut framer).await;
    let session = answer.session_id;
    let register = XPdu::new(
        session,
        0,
        2,
        Body::Register(Register {
            timeout: 0,
            priority: 127,
            subtree: oid(subtree),
            range: None,
        }),
    );
    stream.write_all(&register.encode().unwrap()).await.unwrap();
    let answer = next(&mut stream, &mut framer).await;
    let Body::Response(res) = answer.body else {
        panic!()
    };
    assert_eq!(res.error, ResponseError::NO_ERROR);
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subagent_that_stops_answering_costs_its_subtree_only() {
    let limits = MasterLimits {
        default_timeout: Duration::from_millis(200),
        max_timeouts: 2,
        ..MasterLimits::default()
    };
    let agent = agent(limits).await;
    let (mib, _rows) = if_mib(&[1]);
    let (_handle, _stop, _task) = subagent(mib, agent.addr).await;
    let _silent = silent_subagent(agent.addr, "1.3.6.1.4.1.99999").await;
    assert_eq!(agent.master.sessions().len(), 2);

    // Others' subtrees answer at once.
    let pdu = agent.get(&[SYS_DESCR, &format!("{IF_DESCR}.1")]).await;
    assert_eq!(pdu.error_status, 0);
    // The silent one's: genErr after the timeout, at its binding.
    let started = Instant::now();
    let pdu = agent.get(&[SYS_DESCR, "1.3.6.1.4.1.99999.1.0"]).await;
    assert_eq!(
        ErrorStatus::from_code(pdu.error_status),
        Some(ErrorStatus::GenErr)
    );
    assert_eq!(pdu.error_index, 2);
    assert!(started.elapsed() < Duration::from_secs(2));
    // A walk running into it fails too; after two timeouts in a row the session is
    // closed and the walk goes through.
    let walk = agent
        .ask(
            PduType::GetNext,
            "public",
            vec![VarBind::null(oid("1.3.6.1.4.1"))],
            (0, 0),
        )
        .await;
    assert_eq!(
        ErrorStatus::from_code(walk.error_status),
        Some(ErrorStatus::GenErr)
    );
    assert_eq!(
        agent.master.sessions().len(),
        1,
        "closed after its timeouts"
    );
    let walk = agent.walk("1.3.6.1.2.1.2").await;
    assert!(walk.iter().any(|(o, _)| o.starts_with(&oid(IF_DESCR))));
    assert!(
        agent
            .master
            .stats()
            .timeouts
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_and_limits_close_or_refuse_without_harming_others() {
    let limits = MasterLimits {
        sessions_per_connection: 2,
        max_payload: 1024,
        ..MasterLimits::default()
    };
    let agent = agent(limits).await;
    let (mib, _rows) = if_mib(&[1]);
    let (_handle, _stop, _task) = subagent(mib, agent.addr).await;

    // A header announcing more than the maximum: Close(parseError) is not even
    // owed (no session), the connection just ends.
    let mut junk = tokio::net::TcpStream::connect(agent.addr).await.unwrap();
    let mut header = vec![1u8, 1, 0x10, 0];
    header.extend_from_slice(&[0; 12]);
    header.extend_from_slice(&(1u32 << 30).to_be_bytes());
    junk.write_all(&header).await.unwrap();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(5), junk.read(&mut buf))
        .await
        .unwrap()
        .unwrap_or(0);
    assert_eq!(n, 0, "connection closed");

    // Opens beyond the per-connection limit get openFailed.
    let mut many = tokio::net::TcpStream::connect(agent.addr).await.unwrap();
    let mut framer = Framer::new(1 << 16);
    let mut errors = Vec::new();
    for packet in 0..3 {
        let open = XPdu::new(
            0,
            0,
            packet,
            Body::Open(Open {
                timeout: 0,
                id: Oid::default(),
                descr: b"many".to_vec(),
            }),
        );
        many.write_all(&open.encode().unwrap()).await.unwrap();
        let reply = loop {
            if let Some(frame) = framer.next_frame().unwrap() {
                break frame.decode().unwrap();
            }
            let n = many.read(&mut buf).await.unwrap();
            framer.push(&buf[..n]);
        };
        let Body::Response(res) = reply.body else {
            panic!()
        };
        errors.push(res.error);
    }
    assert_eq!(
        errors,
        [
            ResponseError::NO_ERROR,
            ResponseError::NO_ERROR,
            ResponseError::OPEN_FAILED
        ]
    );
    // A PDU for a session this connection never opened: notOpen.
    let ping = XPdu::new(4242, 0, 9, Body::Ping);
    many.write_all(&ping.encode().unwrap()).await.unwrap();
    let reply = loop {
        if let Some(frame) = framer.next_frame().unwrap() {
            break frame.decode().unwrap();
        }
        let n = many.read(&mut buf).await.unwrap();
        framer.push(&buf[..n]);
    };
    let Body::Response(res) = reply.body else {
        panic!()
    };
    assert_eq!(res.error, ResponseError::NOT_OPEN);

    // The well-behaved subagent never noticed.
    let pdu = agent.get(&[&format!("{IF_DESCR}.1")]).await;
    assert_eq!(pdu.varbinds[0].value, Value::OctetString(b"eth1".to_vec()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_every_session_and_subagents_come_back() {
    let agent = agent(MasterLimits::default()).await;
    let (mib, _rows) = if_mib(&[1]);
    let (handle, _stop, _task) = subagent(mib, agent.addr).await;
    agent.master.shutdown().await;
    // The subagent saw Close(shutdown) and is reconnecting (to nobody).
    let deadline = Instant::now() + Duration::from_secs(5);
    while matches!(handle.state(), crate::subagent::State::Open { .. }) {
        assert!(
            Instant::now() < deadline,
            "the subagent never saw the Close"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(agent.master.sessions().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrations_in_a_non_default_context_answer_there_only() {
    let agent = agent(MasterLimits::default()).await;
    let (mib, _rows) = if_mib(&[1]);
    let (other, _other_rows) = if_mib(&[7]);
    let subagent = Subagent::builder(mib)
        .master(MasterAddress::Tcp(agent.addr))
        .context("ctx", other)
        .build();
    let handle = subagent.handle();
    let (_stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(subagent.run(async {
        let _ = stopped.await;
    }));
    handle.opened(1).await.unwrap();
    let in_ctx = |community: &'static str, oid: String| {
        agent.ask(
            PduType::Get,
            community,
            vec![VarBind::null(self::oid(&oid))],
            (0, 0),
        )
    };
    let pdu = in_ctx("public@ctx", format!("{IF_DESCR}.7")).await;
    assert_eq!(pdu.varbinds[0].value, Value::OctetString(b"eth7".to_vec()));
    let pdu = in_ctx("public@ctx", format!("{IF_DESCR}.1")).await;
    assert_eq!(pdu.varbinds[0].value, Value::NoSuchInstance);
    let pdu = in_ctx("public", format!("{IF_DESCR}.7")).await;
    assert_eq!(pdu.varbinds[0].value, Value::NoSuchInstance);
    // The agent's own objects are the default context's.
    let pdu = in_ctx("public@ctx", SYS_DESCR.to_owned()).await;
    assert_eq!(pdu.varbinds[0].value, Value::NoSuchObject);
    let contexts: Vec<Vec<u8>> = agent
        .master
        .registrations()
        .into_iter()
        .filter(|r| r.owner != Owner::Local)
        .map(|r| r.context)
        .collect();
    assert!(contexts.contains(&b"ctx".to_vec()) && contexts.contains(&Vec::new()));
}
