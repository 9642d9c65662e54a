//! `smic trapd`: receives SNMP traps and informs and stores every one in SQLite or
//! PostgreSQL ([`smic_store`]), named through the MIBs of `smic-mibs`.
//!
//! Informs are acknowledged only once the store has committed them: a sender whose
//! inform was not stored (queue full, database down) gets no answer and retransmits.
//!
//! ```no_run
//! # async fn demo() -> Result<(), smic_trapd::TrapdError> {
//! use smic_trapd::{TrapdConfig, run};
//! let config = TrapdConfig::parse(&std::fs::read_to_string("trapd.toml")?)?;
//! let stats = run(config, std::future::pending()).await?; // or a signal's future
//! eprintln!("{} notifications stored", stats.stored);
//! # Ok(()) }
//! ```

// Library code does not panic on what it is given: every index is checked, and an
// `expect` is a bug (tests index freely).
#![cfg_attr(not(test), warn(clippy::indexing_slicing, clippy::expect_used))]

mod config;
mod map;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

use smic_smi::Registry;
use smic_snmp::notify::{Outcome, ReceiverConfig, ReceiverCore, log_refusal};
use smic_store::{Store, Submitter, TrySubmitError};
use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio::task::JoinSet;

pub use config::{ConfigError, TrapdConfig, UserConfig};

/// Why the daemon could not start.
#[derive(Debug, thiserror::Error)]
pub enum TrapdError {
    /// The configuration is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] smic_store::StoreError),
    /// A socket could not be bound, or a file read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The daemon's counters.
#[derive(Debug, Default)]
pub struct Counters {
    received: AtomicU64,
    refused: AtomicU64,
    dropped: AtomicU64,
    acknowledged: AtomicU64,
}

/// A snapshot of the daemon's counters and its store's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrapdStats {
    /// Notifications accepted by the receiver (authorized, well formed).
    pub received: u64,
    /// Datagrams dropped by the receiver: malformed, unknown community or user, bad
    /// keys, or not a notification (SNMPv3 failures are also in the usmStats).
    pub refused: u64,
    /// Notifications dropped because the store's queue was full.
    pub dropped: u64,
    /// Informs acknowledged (each after its commit).
    pub acknowledged: u64,
    /// Rows stored.
    pub stored: u64,
    /// Informs found to be retransmissions already stored.
    pub duplicates: u64,
}

/// A bound daemon, not yet running: its addresses are known (port 0 picks one).
pub struct Trapd {
    sockets: Vec<Arc<UdpSocket>>,
    receiver: ReceiverConfig,
    store: Store,
    registry: Arc<Registry>,
    keep_raw: bool,
    counters: Arc<Counters>,
}

/// What every receiving task shares.
struct Shared {
    submitter: Submitter,
    registry: Arc<Registry>,
    keep_raw: bool,
    counters: Arc<Counters>,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Trapd {
    /// Opens the store (migrating it) and binds every listen address.
    pub async fn bind(config: &TrapdConfig) -> Result<Trapd, TrapdError> {
        let receiver = config.receiver()?;
        let addresses = config.udp_addresses()?;
        let store = Store::open(config.store()?).await?;
        let per_address = config.sockets_per_address.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let mut sockets = Vec::new();
        for address in addresses {
            let first = udp_socket(address, config.receive_buffer)?;
            let bound = first.local_addr()?;
            sockets.push(Arc::new(first));
            for _ in 1..per_address.max(1) {
                sockets.push(Arc::new(udp_socket(bound, config.receive_buffer)?));
            }
        }
        let mut registry = Registry::new();
        smic_mibs::register_all(&mut registry);
        Ok(Trapd {
            sockets,
            receiver,
            store,
            registry: Arc::new(registry),
            keep_raw: config.store_raw,
            counters: Arc::default(),
        })
    }

    /// The addresses listened on (each once, however many sockets share it).
    pub fn local_addrs(&self) -> std::io::Result<Vec<SocketAddr>> {
        let mut addresses: Vec<SocketAddr> = Vec::new();
        for socket in &self.sockets {
            let address = socket.local_addr()?;
            if !addresses.contains(&address) {
                addresses.push(address);
            }
        }
        Ok(addresses)
    }

    /// The counters, readable while the daemon runs.
    pub fn counters(&self) -> Arc<Counters> {
        self.counters.clone()
    }

    /// Receives until `shutdown` completes, then stops listening, acknowledges the
    /// informs still being committed, and drains the store.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> TrapdStats {
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            submitter: self.store.submitter(),
            registry: self.registry,
            keep_raw: self.keep_raw,
            counters: self.counters.clone(),
        });
        let mut tasks = JoinSet::new();
        for socket in self.sockets {
            let core = ReceiverCore::new(self.receiver.clone());
            tasks.spawn(serve(socket, core, shared.clone(), stopped.clone()));
        }
        shutdown.await;
        tracing::info!("shutting down: draining the store");
        // Every task has the receiver end; a send error means they are gone already.
        let _ = stop.send(true);
        while let Some(done) = tasks.join_next().await {
            if let Err(error) = done {
                tracing::error!(%error, "a receiving task failed");
            }
        }
        drop(shared);
        let store_stats = self.store.close().await;
        stats(&self.counters, store_stats)
    }
}

/// A non-blocking UDP socket bound to `address` with `SO_REUSEPORT` (so several can
/// share it) and the receive buffer asked for.
fn udp_socket(address: SocketAddr, receive_buffer: Option<usize>) -> std::io::Result<UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(
        Domain::for_address(address),
        Type::DGRAM,
        Some(Protocol::UDP),
    )?;
    #[cfg(unix)]
    socket.set_reuse_port(true)?;
    if let Some(bytes) = receive_buffer {
        socket.set_recv_buffer_size(bytes)?;
    }
    socket.set_nonblocking(true)?;
    socket.bind(&address.into())?;
    UdpSocket::from_std(socket.into())
}

fn stats(counters: &Counters, store: smic_store::StoreStats) -> TrapdStats {
    let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
    TrapdStats {
        received: get(&counters.received),
        refused: get(&counters.refused),
        dropped: get(&counters.dropped),
        acknowledged: get(&counters.acknowledged),
        stored: store.inserted,
        duplicates: store.duplicates,
    }
}

impl Counters {
    /// The daemon's counters now (the store's are in [`TrapdStats`] at the end).
    pub fn snapshot(&self) -> TrapdStats {
        stats(self, smic_store::StoreStats::default())
    }
}

/// Binds, receives until `shutdown`, drains: the whole daemon.
pub async fn run(
    config: TrapdConfig,
    shutdown: impl Future<Output = ()>,
) -> Result<TrapdStats, TrapdError> {
    let trapd = Trapd::bind(&config).await?;
    for address in trapd.local_addrs()? {
        tracing::info!(%address, database = %config.database, "listening");
    }
    Ok(trapd.run(shutdown).await)
}

/// One socket's loop: datagrams through the receiver, notifications to the store,
/// inform acknowledgements sent from tasks that wait for the commit.
///
/// Once told to stop, it reads what the kernel still holds for the socket before
/// closing it: those datagrams were sent to a daemon that was running.
async fn serve(
    socket: Arc<UdpSocket>,
    mut core: ReceiverCore,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut buf = vec![0; 65_536];
    let mut acks = JoinSet::new();
    loop {
        let (len, from) = tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok(received) => received,
                Err(error) => {
                    // ICMP errors surface here on some systems; the socket still works.
                    tracing::debug!(%error, "receive failed");
                    continue;
                }
            },
            Some(_) = acks.join_next(), if !acks.is_empty() => continue,
            _ = stopped.changed() => break,
        };
        let datagram = buf.get(..len).unwrap_or_default();
        if !handle(datagram, from, &socket, &mut core, &shared, &mut acks).await {
            break;
        }
    }
    let mut drained = 0u64;
    while let Ok((len, from)) = socket.try_recv_from(&mut buf) {
        drained += 1;
        let datagram = buf.get(..len).unwrap_or_default();
        if !handle(datagram, from, &socket, &mut core, &shared, &mut acks).await {
            break;
        }
    }
    if drained > 0 {
        tracing::debug!(drained, "datagrams read after the stop");
    }
    while acks.join_next().await.is_some() {}
}

/// One datagram through the receiver; `false` once the store is closed.
async fn handle(
    bytes: &[u8],
    from: SocketAddr,
    socket: &Arc<UdpSocket>,
    core: &mut ReceiverCore,
    shared: &Shared,
    acks: &mut JoinSet<()>,
) -> bool {
    match core.handle(bytes, from, Instant::now()) {
        Outcome::Deliver(received, reply) => {
            bump(&shared.counters.received);
            let arrival = map::Arrival {
                bytes,
                from,
                transport: "udp",
                at: SystemTime::now(),
                keep_raw: shared.keep_raw,
            };
            let record = map::record(&received, &arrival, &shared.registry);
            match shared.submitter.try_submit(record) {
                Ok(ack) => {
                    if let Some(reply) = reply {
                        let socket = socket.clone();
                        let counters = shared.counters.clone();
                        acks.spawn(async move {
                                match ack.await {
                                    Ok(_) => match socket.send_to(&reply, from).await {
                                        Ok(_) => bump(&counters.acknowledged),
                                        Err(error) => {
                                            tracing::warn!(%from, %error, "inform acknowledgement not sent");
                                        }
                                    },
                                    Err(error) => {
                                        tracing::error!(%from, %error, "inform not stored, not acknowledged");
                                    }
                                }
                            });
                    }
                }
                Err(TrySubmitError::Full(_)) => {
                    // The store logged and counted it; an inform goes unanswered.
                    bump(&shared.counters.dropped);
                }
                Err(TrySubmitError::Closed(_)) => return false,
            }
        }
        Outcome::Reply(report, refused) => {
            if !refused.is_routine() {
                bump(&shared.counters.refused);
            }
            log_refusal(from, &refused);
            if let Err(error) = socket.send_to(&report, from).await {
                tracing::debug!(%from, %error, "report not sent");
            }
        }
        Outcome::Drop(refused) => {
            bump(&shared.counters.refused);
            log_refusal(from, &refused);
        }
    }
    true
}
