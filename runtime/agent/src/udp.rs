//! SNMP over UDP: several sockets on one port (`SO_REUSEPORT`), one task each. A
//! request for the agent's own objects is answered on the spot; one that needs a
//! subagent gets a task of its own, so the socket keeps reading meanwhile.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use smic_snmp::agent::Step;
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;
use tracing::{debug, warn};

use crate::Shared;

/// A non-blocking UDP socket with `SO_REUSEPORT`, bound to `addr`.
pub(crate) fn socket(addr: SocketAddr) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    socket.set_reuse_port(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    UdpSocket::from_std(socket.into())
}

/// One socket's loop: receive, answer (or hand to a task), send.
pub(crate) async fn serve(socket: Arc<UdpSocket>, shared: Arc<Shared>) {
    // The largest UDP payload: a longer datagram would be truncated and fail to decode.
    let mut buffer = vec![0u8; 65535];
    loop {
        let (len, from) = match socket.recv_from(&mut buffer).await {
            Ok(received) => received,
            // ICMP errors of earlier sends surface here on some systems: keep serving.
            Err(error) => {
                debug!(%error, "receive failed");
                continue;
            }
        };
        let Some(request) = buffer.get(..len) else {
            continue;
        };
        let accepted = match shared.responder.accept_at(request, from, Instant::now()) {
            Step::Answered(Some(answer)) => {
                let _ = socket.send_to(&answer, from).await;
                continue;
            }
            Step::Answered(None) => continue,
            Step::Serve(accepted) => accepted,
        };
        shared.counters.requests.fetch_add(1, Ordering::Relaxed);
        if shared.master.is_local(&accepted) {
            let responder = &shared.responder;
            let outcome = responder
                .core()
                .serve(accepted.principal(), accepted.pdu(), || accepted.budget());
            if let Some(answer) = outcome.and_then(|o| responder.answer(&accepted, o)) {
                // A client that went away is not the agent's problem.
                let _ = socket.send_to(&answer, from).await;
            }
            continue;
        }
        let Ok(permit) = Arc::clone(&shared.in_flight).try_acquire_owned() else {
            let dropped = shared.counters.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            // One line per thousand: a flood must not become a flood of logs.
            if dropped % 1000 == 1 {
                warn!(%from, dropped, "too many requests waiting for subagents: dropped");
            }
            continue;
        };
        let (socket, shared) = (Arc::clone(&socket), Arc::clone(&shared));
        tokio::spawn(async move {
            let responder = &shared.responder;
            let outcome = shared.master.serve(responder, &accepted).await;
            if let Some(answer) = outcome.and_then(|o| responder.answer(&accepted, o)) {
                let _ = socket.send_to(&answer, from).await;
            }
            drop(permit);
        });
    }
}
