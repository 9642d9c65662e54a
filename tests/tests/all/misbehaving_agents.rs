//! The manager against agents that misbehave — answering with OIDs that go backwards,
//! with the wrong request ID, from the wrong address, or not at all. The peer here is a
//! few lines of UDP written for each case (net-snmp's snmpd never misbehaves this way).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use smic_smi::{Oid, Value, oid};
use smic_snmp::client::{Client, Config, Error};
use smic_snmp::{AnyPdu, Message, Pdu, PduType, VarBind};
use tokio::net::UdpSocket;

fn config() -> Config {
    Config {
        timeout: Duration::from_millis(200),
        retries: 1,
        ..Config::default()
    }
}

/// Serves every request with `answer(request) -> Option<(response, send from another socket)>`.
async fn agent(answer: impl Fn(&Pdu) -> Option<(Pdu, bool)> + Send + 'static) -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let other = UdpSocket::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = socket.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let mut buf = vec![0u8; 65_536];
        while let Ok((len, from)) = socket.recv_from(&mut buf).await {
            let Ok(request) = Message::decode(&buf[..len]) else {
                continue;
            };
            let AnyPdu::Pdu(pdu) = &request.pdu else {
                continue;
            };
            if let Some((reply, elsewhere)) = answer(pdu) {
                let message = Message {
                    version: request.version,
                    community: request.community.clone(),
                    pdu: AnyPdu::Pdu(reply),
                };
                let from_socket = if elsewhere { &other } else { &socket };
                let _ = from_socket.send_to(&message.encode(), from).await;
            }
        }
    });
    addr
}

fn response(request: &Pdu, varbinds: Vec<VarBind>) -> Pdu {
    Pdu {
        kind: PduType::Response,
        request_id: request.request_id,
        error_status: 0,
        error_index: 0,
        varbinds,
    }
}

#[tokio::test]
async fn a_walk_that_goes_backwards_stops_with_an_error() {
    // Every GetBulk is answered with the same two bindings: the second walk step goes back.
    let addr = agent(|request| {
        let vbs = [1u32, 2]
            .iter()
            .map(|&n| VarBind {
                oid: Oid::from_vec(vec![1, 3, 6, 1, 9, n]),
                value: Value::Integer(1),
            })
            .collect();
        Some((response(request, vbs), false))
    })
    .await;
    let client = Client::connect(addr, config())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut walk = client.walk(oid!(1, 3, 6, 1).clone());
    let started = Instant::now();
    let mut seen = 0;
    let error = loop {
        match walk.next().await {
            Some(Ok(_)) => seen += 1,
            Some(Err(err)) => break err,
            None => panic!("the walk ended without noticing the loop"),
        }
    };
    assert_eq!(seen, 2);
    assert!(matches!(error, Error::NonIncreasing { .. }), "{error}");
    assert!(walk.next().await.is_none(), "a failed walk stays ended");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn wrong_request_ids_and_wrong_sources_are_ignored() {
    // The answers carry another request ID, or come from another port: both are dropped,
    // and the request times out after its retry instead of taking a forged answer.
    let wrong_id = agent(|request| {
        let mut reply = response(request, vec![VarBind::null(oid!(1, 3).clone())]);
        reply.request_id = request.request_id.wrapping_add(1);
        Some((reply, false))
    })
    .await;
    let wrong_source = agent(|request| {
        Some((
            response(request, vec![VarBind::null(oid!(1, 3).clone())]),
            true,
        ))
    })
    .await;
    for addr in [wrong_id, wrong_source] {
        let client = Client::connect(addr, config())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let started = Instant::now();
        assert!(matches!(
            client.get(std::slice::from_ref(oid!(1, 3))).await,
            Err(Error::Timeout)
        ));
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_millis(390) && elapsed < Duration::from_secs(2),
            "{elapsed:?}"
        );
    }
}

#[tokio::test]
async fn too_big_answers_are_retried_in_halves() {
    // The agent says tooBig(1) to any request with more than two bindings.
    let addr = agent(|request| {
        let mut reply = response(
            request,
            request
                .varbinds
                .iter()
                .map(|vb| VarBind {
                    oid: vb.oid.clone(),
                    value: Value::Integer(7),
                })
                .collect(),
        );
        if request.varbinds.len() > 2 {
            reply.error_status = 1;
            reply.varbinds = request.varbinds.clone();
        }
        Some((reply, false))
    })
    .await;
    let client = Client::connect(addr, config())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let oids: Vec<Oid> = (1..=7)
        .map(|n| Oid::from_vec(vec![1, 3, 6, 1, 9, n]))
        .collect();
    let got = client.get(&oids).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        got.iter().map(|vb| vb.oid.clone()).collect::<Vec<_>>(),
        oids
    );
    assert!(got.iter().all(|vb| vb.value == Value::Integer(7)));
}

#[tokio::test]
async fn an_agent_error_status_is_reported() {
    let addr = agent(|request| {
        let mut reply = response(request, request.varbinds.clone());
        reply.error_status = 17; // notWritable
        reply.error_index = 1;
        Some((reply, false))
    })
    .await;
    let client = Client::connect(addr, config())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let result = client
        .set(vec![VarBind {
            oid: oid!(1, 3, 6, 1, 2, 1, 1, 5, 0).clone(),
            value: Value::Integer(1),
        }])
        .await;
    match result {
        Err(
            err @ Error::Agent {
                status: smic_snmp::message::ErrorStatus::NotWritable,
                index: 1,
            },
        ) => assert!(err.to_string().contains("notWritable")),
        other => panic!("{other:?}"),
    }
}
