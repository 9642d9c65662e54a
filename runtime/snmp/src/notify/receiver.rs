//! The notification receiver on UDP: [`ReceiverCore`] (sans-IO, in `smic-snmp-proto`)
//! driven by a tokio socket.

use std::net::SocketAddr;
use std::time::Instant;

use smic_snmp_proto::notify::{Outcome, Received, ReceiverConfig, ReceiverCore};
use smic_snmp_proto::usm::Stats;
use tokio::net::UdpSocket;

/// Receives notifications on a UDP socket.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use smic_snmp::notify::{Receiver, ReceiverConfig};
/// use smic_snmp::usm::LocalEngine;
/// let config = ReceiverConfig {
///     communities: vec![b"public".to_vec()],
///     users: Vec::new(),
///     engine: LocalEngine::new(LocalEngine::text_id(8072, "receiver"), 1, std::time::Instant::now()),
/// };
/// let mut receiver = Receiver::bind("0.0.0.0:162".parse().unwrap(), config).await?;
/// loop {
///     let received = receiver.recv().await?;
///     println!("{} from {}", received.notice.trap_oid, received.from);
/// }
/// # }
/// ```
pub struct Receiver {
    socket: UdpSocket,
    core: ReceiverCore,
    buf: Vec<u8>,
}

impl Receiver {
    /// Listens on `addr`.
    pub async fn bind(addr: SocketAddr, config: ReceiverConfig) -> std::io::Result<Receiver> {
        Ok(Receiver {
            socket: UdpSocket::bind(addr).await?,
            core: ReceiverCore::new(config),
            buf: vec![0; 65_536],
        })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// The next notification. Informs are acknowledged and discovery probes answered
    /// on the way; what is malformed or unauthorized is dropped (and counted in
    /// [`Receiver::usm_stats`]).
    pub async fn recv(&mut self) -> std::io::Result<Received> {
        loop {
            let (len, from) = self.socket.recv_from(&mut self.buf).await?;
            let datagram = self.buf.get(..len).unwrap_or_default();
            match self.core.handle(datagram, from, Instant::now()) {
                Outcome::Deliver(received, ack) => {
                    if let Some(ack) = ack {
                        self.socket.send_to(&ack, from).await?;
                    }
                    return Ok(received);
                }
                Outcome::Reply(report, refused) => {
                    log_refusal(from, &refused);
                    self.socket.send_to(&report, from).await?;
                }
                Outcome::Drop(refused) => log_refusal(from, &refused),
            }
        }
    }

    /// The `usmStats` of SNMPv3 messages refused.
    pub fn usm_stats(&self) -> &Stats {
        self.core.stats()
    }
}

/// One line per datagram refused: why, and from where (a discovery probe only at
/// `debug`, being the normal first step of an SNMPv3 inform).
///
/// Receivers that drive [`ReceiverCore`](crate::notify::ReceiverCore) themselves (the
/// trap daemon) log through it too, so every receiver says the same thing.
pub fn log_refusal(from: std::net::SocketAddr, refused: &crate::notify::Refused) {
    if refused.is_routine() {
        tracing::debug!(%from, reason = %refused, "answered");
    } else {
        tracing::info!(%from, reason = %refused, "notification refused");
    }
}
