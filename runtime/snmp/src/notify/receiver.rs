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

/// [`log_refusal`] with a ceiling: a flood of bad datagrams (a misconfigured sender
/// retrying, a scan) logs at most `per_second` lines a second, and the first line
/// after a quiet spell says how many went unlogged. Every refusal is still counted
/// by the caller; only the log is thinned.
///
/// ```
/// use smic_snmp::notify::RefusalLog;
/// let log = RefusalLog::new(10);
/// assert_eq!(log.suppressed(), 0);
/// ```
#[derive(Debug)]
pub struct RefusalLog {
    per_second: u32,
    state: std::sync::Mutex<Window>,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    logged: u32,
    skipped: u64,
    skipped_total: u64,
}

impl RefusalLog {
    /// At most `per_second` lines a second (at least one).
    pub fn new(per_second: u32) -> RefusalLog {
        RefusalLog {
            per_second: per_second.max(1),
            state: std::sync::Mutex::new(Window {
                started: Instant::now(),
                logged: 0,
                skipped: 0,
                skipped_total: 0,
            }),
        }
    }

    /// Logs `refused` from `from` unless this second's lines are spent.
    pub fn log(&self, from: SocketAddr, refused: &crate::notify::Refused) {
        if refused.is_routine() {
            // Debug lines (discovery) cost nothing unless asked for.
            log_refusal(from, refused);
            return;
        }
        let mut window = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if now.duration_since(window.started) >= std::time::Duration::from_secs(1) {
            if window.skipped > 0 {
                tracing::warn!(
                    unlogged = window.skipped,
                    "notifications refused but not logged (more than {} a second)",
                    self.per_second
                );
            }
            window.started = now;
            window.logged = 0;
            window.skipped = 0;
        }
        if window.logged < self.per_second {
            window.logged += 1;
            drop(window);
            log_refusal(from, refused);
        } else {
            window.skipped += 1;
            window.skipped_total += 1;
        }
    }

    /// Refusals not logged so far, in all.
    pub fn suppressed(&self) -> u64 {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .skipped_total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_thinned_and_counted() {
        let log = RefusalLog::new(5);
        let from = SocketAddr::from(([127, 0, 0, 1], 1));
        let refused = crate::notify::Refused::UnknownCommunity;
        for _ in 0..105 {
            log.log(from, &refused);
        }
        assert_eq!(log.suppressed(), 100);
    }
}
