//! The AgentX master's session handling: arbitrary bytes as what a subagent sends
//! on one connection (Opens, Registers, Notifies, Responses with guessed packetIDs,
//! garbage), while the agent asks the master a GET and a GETNEXT that may land in
//! whatever was registered. Nothing may panic, hang or allocate without bound, and
//! once the connection ends nothing of it may remain: no session, no registration.
#![no_main]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use smic_agentx::master::{Master, MasterLimits, Owner, RegistryLimits};
use smic_smi::oid;
use smic_snmp_proto::agent::{AccessControl, Mib, Responder, Step, system};
use smic_snmp_proto::message::{AnyPdu, Message, Pdu, PduType, VarBind, Version};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn responder() -> Responder {
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
    let mut access = AccessControl::new();
    access
        .view("all", oid!(1).clone(), true)
        .community("public", Some("all"), None);
    Responder::new(mib, access)
}

fn request(kind: PduType, oid: smic_smi::Oid) -> Vec<u8> {
    Message {
        version: Version::V2c,
        community: b"public".to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind,
            request_id: 1,
            error_status: 0,
            error_index: 0,
            varbinds: vec![VarBind::null(oid)],
        }),
    }
    .encode()
}

fuzz_target!(|data: &[u8]| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let responder = responder();
    let limits = MasterLimits {
        default_timeout: Duration::from_millis(1),
        max_timeout: Duration::from_millis(2),
        sessions_per_connection: 8,
        max_payload: 4096,
        write_queue: 64,
        notify_queue: 4,
        indexes_per_session: 64,
        registry: RegistryLimits {
            max_range: 16,
            per_session: 64,
            total: 256,
        },
        ..MasterLimits::default()
    };
    let (master, _notices) = Master::new(responder.mib(), limits);
    runtime.block_on(async {
        let (mut client, server) = tokio::io::duplex(1 << 16);
        let serving = tokio::spawn({
            let master = master.clone();
            async move { master.serve_connection(server, "fuzz").await }
        });
        client.write_all(data).await.expect("the pipe takes it");
        for _ in 0..16 {
            tokio::task::yield_now().await;
        }
        let from: SocketAddr = "127.0.0.1:1".parse().expect("an address");
        for (kind, oid) in [
            (PduType::Get, oid!(1, 3, 6, 1, 4, 1, 1, 0).clone()),
            (PduType::GetNext, oid!(1, 3, 6, 1, 2, 1, 1, 9).clone()),
        ] {
            let bytes = request(kind, oid);
            let Step::Serve(accepted) = responder.accept_at(&bytes, from, Instant::now()) else {
                panic!("a known community is accepted");
            };
            if let Some(outcome) = master.serve(&responder, &accepted).await {
                assert!(responder.answer(&accepted, outcome).is_some());
            }
        }
        // The subagent hangs up; whatever the master wrote is read and dropped.
        client.shutdown().await.expect("shutdown");
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), client.read_to_end(&mut sink)).await;
        tokio::time::timeout(Duration::from_secs(10), serving)
            .await
            .expect("the connection ends")
            .expect("no panic");
    });
    assert!(master.sessions().is_empty(), "sessions outlive their connection");
    assert!(
        master.registrations().iter().all(|r| r.owner == Owner::Local),
        "registrations outlive their session"
    );
});
