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

mod actions;
mod config;
mod map;
mod names;

use std::borrow::Cow;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use smic_smi::Registry;
use smic_snmp::notify::{Outcome, ReceiverConfig, ReceiverCore, RefusalLog};
use smic_snmp::transport::Address;

use crate::actions::{Action, Actions, Pending};
use smic_snmp::transport::stream::{self, Listener, Peer, StreamLimits, StreamStats};
use smic_store::{Ack, Store, Stored, Submitter, TrySubmitError};

use crate::names::Names;
use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio::task::JoinSet;

pub use actions::{ActionConfig, VarbindMatch};
pub use config::{ConfigError, TrapdConfig, UserConfig};
pub use map::{Arrival, Namer, record};

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
    streams: Vec<Listener>,
    stream_limits: StreamLimits,
    stream_stats: Arc<StreamStats>,
    refusals: Arc<RefusalLog>,
    actions: Vec<Action>,
    receiver: ReceiverConfig,
    store: Store,
    names: Names,
    keep_raw: bool,
    counters: Arc<Counters>,
}

/// What every receiving task shares.
struct Shared {
    submitter: Submitter,
    refusals: Arc<RefusalLog>,
    actions: Actions,
    names: Names,
    keep_raw: bool,
    counters: Arc<Counters>,
}

/// How long actions may go on finishing their queues once the daemon is stopping.
const ACTION_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Trapd {
    /// Opens the store (migrating it) and binds every listen address.
    pub async fn bind(config: &TrapdConfig) -> Result<Trapd, TrapdError> {
        let addresses = config.listen_addresses()?;
        let unix_mode = config.unix_mode()?;
        let boots = match &config.state_dir {
            Some(dir) => smic_snmp::boots::next(dir)?,
            None => 1,
        };
        let receiver = config.receiver(boots)?;
        let actions = config.actions()?;
        let store = Store::open(config.store()?).await?;
        let per_address = config.sockets_per_address.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let mut sockets = Vec::new();
        let mut streams = Vec::new();
        for address in addresses {
            let Address::Udp(address) = address else {
                streams.push(Listener::bind(&address, unix_mode).await?);
                continue;
            };
            let first = udp_socket(address, config.receive_buffer)?;
            let bound = first.local_addr()?;
            sockets.push(Arc::new(first));
            for _ in 1..per_address.max(1) {
                sockets.push(Arc::new(udp_socket(bound, config.receive_buffer)?));
            }
        }
        let mut registry = Registry::new();
        smic_mibs::register_all(&mut registry);
        let (dirs, index) = (config.mib_dirs.clone(), config.oid_index.clone());
        let registry = Arc::new(registry);
        let names = tokio::task::spawn_blocking(move || Names::with_dirs(registry, dirs, index))
            .await
            .map_err(std::io::Error::other)??;
        Ok(Trapd {
            sockets,
            streams,
            stream_limits: config.stream_limits(),
            stream_stats: Arc::default(),
            refusals: Arc::new(RefusalLog::new(config.refusal_log_per_second)),
            actions,
            receiver,
            store,
            names,
            keep_raw: config.store_raw,
            counters: Arc::default(),
        })
    }

    /// The addresses listened on, as net-snmp writes them (each once, however many
    /// sockets share it).
    pub fn local_addrs(&self) -> std::io::Result<Vec<Address>> {
        let mut addresses: Vec<Address> = Vec::new();
        for socket in &self.sockets {
            let address = Address::Udp(socket.local_addr()?);
            if !addresses.contains(&address) {
                addresses.push(address);
            }
        }
        for listener in &self.streams {
            addresses.push(listener.address()?);
        }
        Ok(addresses)
    }

    /// The UDP addresses listened on (each once).
    pub fn udp_addresses(&self) -> Vec<SocketAddr> {
        let mut all: Vec<SocketAddr> = self
            .sockets
            .iter()
            .filter_map(|s| s.local_addr().ok())
            .collect();
        all.dedup();
        all
    }

    /// The stream server's counters (TCP and Unix connections).
    pub fn stream_stats(&self) -> Arc<StreamStats> {
        self.stream_stats.clone()
    }

    /// The counters, readable while the daemon runs.
    pub fn counters(&self) -> Arc<Counters> {
        self.counters.clone()
    }

    /// Receives until `shutdown` completes, then stops listening, acknowledges the
    /// informs still being committed, and drains the store.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> TrapdStats {
        let (stop, stopped) = watch::channel(false);
        let (actions, workers) = Actions::start(self.actions, &self.receiver.engine).await;
        let shared = Arc::new(Shared {
            submitter: self.store.submitter(),
            refusals: self.refusals,
            actions,
            names: self.names,
            keep_raw: self.keep_raw,
            counters: self.counters.clone(),
        });
        let mut tasks = JoinSet::new();
        for socket in self.sockets {
            let core = ReceiverCore::new(self.receiver.clone());
            tasks.spawn(serve(socket, core, shared.clone(), stopped.clone()));
        }
        // Stream peers share one receiver (its SNMPv3 clocks and counters).
        let core = Arc::new(Mutex::new(ReceiverCore::new(self.receiver.clone())));
        for listener in self.streams {
            let (shared, core) = (shared.clone(), core.clone());
            let service = move |message: Vec<u8>, peer: Peer| {
                let (shared, core) = (shared.clone(), core.clone());
                async move { stream_message(message, peer, &core, &shared).await }
            };
            let mut stopped = stopped.clone();
            tasks.spawn(stream::serve(
                listener,
                self.stream_limits,
                self.stream_stats.clone(),
                service,
                async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                },
            ));
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
        // The store is drained, so every job is queued: the actions get a moment.
        workers.stop(ACTION_GRACE).await;
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

/// What a message's reception asks of the transport.
enum Reception {
    /// Nothing to send back.
    Nothing,
    /// Send this back now (a Report).
    Reply(Vec<u8>),
    /// Once the store has committed it: send the Response (an inform's), and hand it
    /// to the actions that matched it.
    AfterCommit(Ack, Option<Vec<u8>>, Option<Box<Pending>>),
    /// The store is closed: stop receiving.
    Closed,
    /// Its names need modules of the MIB directories: store it once they are loaded.
    AfterLoading(Box<Delivered<'static>>, Vec<String>),
}

/// A notification the receiver delivered, with what the record needs of its arrival.
struct Delivered<'a> {
    received: smic_snmp::notify::Received,
    reply: Option<Vec<u8>>,
    bytes: Cow<'a, [u8]>,
    from: SocketAddr,
    transport: &'static str,
    at: SystemTime,
}

impl Delivered<'_> {
    /// Into the store's queue, named with the names of the moment.
    fn store(self, shared: &Shared) -> Reception {
        let arrival = map::Arrival {
            bytes: &self.bytes,
            from: self.from,
            transport: self.transport,
            at: self.at,
            keep_raw: shared.keep_raw,
        };
        let record = map::record(&self.received, &arrival, &shared.names.snapshot());
        let pending = shared.actions.pending(&record, &self.received.notice);
        match shared.submitter.try_submit(record) {
            Ok(ack) if self.reply.is_none() && pending.is_none() => {
                // A trap nothing waits for: the writer reports its failures.
                drop(ack);
                Reception::Nothing
            }
            Ok(ack) => Reception::AfterCommit(ack, self.reply, pending),
            Err(TrySubmitError::Full(_)) => {
                // The store logged and counted it; an inform goes unanswered.
                bump(&shared.counters.dropped);
                Reception::Nothing
            }
            Err(TrySubmitError::Closed(_)) => Reception::Closed,
        }
    }

    /// Loads the modules its names need, then stores it.
    async fn store_after_loading(
        self: Box<Self>,
        modules: Vec<String>,
        shared: &Shared,
    ) -> Reception {
        shared.names.load(modules).await;
        self.store(shared)
    }
}

/// One message through the receiver and into the store's queue.
fn receive(
    bytes: &[u8],
    from: SocketAddr,
    transport: &'static str,
    core: &mut ReceiverCore,
    shared: &Shared,
) -> Reception {
    match core.handle(bytes, from, Instant::now()) {
        Outcome::Deliver(received, reply) => {
            bump(&shared.counters.received);
            let delivered = Delivered {
                received,
                reply,
                bytes: Cow::Borrowed(bytes),
                from,
                transport,
                at: SystemTime::now(),
            };
            let missing = shared.names.missing(
                std::iter::once(&delivered.received.notice.trap_oid)
                    .chain(delivered.received.notice.varbinds.iter().map(|vb| &vb.oid)),
            );
            if missing.is_empty() {
                delivered.store(shared)
            } else {
                // Only a notification that waits for a module keeps a copy of its bytes.
                let delivered = Delivered {
                    bytes: Cow::Owned(delivered.bytes.into_owned()),
                    ..delivered
                };
                Reception::AfterLoading(Box::new(delivered), missing)
            }
        }
        Outcome::Reply(report, refused) => {
            if !refused.is_routine() {
                bump(&shared.counters.refused);
            }
            shared.refusals.log(from, &refused);
            Reception::Reply(report)
        }
        Outcome::Drop(refused) => {
            bump(&shared.counters.refused);
            shared.refusals.log(from, &refused);
            Reception::Nothing
        }
    }
}

/// Waits for a commit, then hands a newly stored notification to its actions (a
/// retransmitted inform's were handed the first time); `true` once it is stored,
/// when an inform's Response may be sent.
async fn committed(
    ack: Ack,
    from: SocketAddr,
    pending: Option<Box<Pending>>,
    shared: &Shared,
) -> bool {
    match ack.await {
        Ok(stored) => {
            match (pending, stored) {
                (Some(pending), Stored::Inserted(id)) => shared.actions.dispatch(pending, id),
                // In the spill file: no database id yet (0 in the actions' JSON).
                (Some(pending), Stored::Spilled) => shared.actions.dispatch(pending, 0),
                _ => {}
            }
            true
        }
        Err(error) => {
            tracing::error!(%from, %error, "notification not stored (an inform is not acknowledged)");
            false
        }
    }
}

/// One datagram; `false` once the store is closed.
async fn handle(
    bytes: &[u8],
    from: SocketAddr,
    socket: &Arc<UdpSocket>,
    core: &mut ReceiverCore,
    shared: &Arc<Shared>,
    acks: &mut JoinSet<()>,
) -> bool {
    match receive(bytes, from, "udp", core, shared) {
        Reception::Closed => return false,
        Reception::Reply(report) => {
            answer_udp(Reception::Reply(report), socket, from, shared).await
        }
        Reception::Nothing => {}
        // Answered from a task of its own, so the socket keeps being read while the
        // store commits (or a module loads).
        reception @ Reception::AfterCommit(..) => {
            let (socket, shared) = (socket.clone(), shared.clone());
            acks.spawn(async move { answer_udp(reception, &socket, from, &shared).await });
        }
        Reception::AfterLoading(delivered, modules) => {
            let (socket, shared) = (socket.clone(), shared.clone());
            acks.spawn(async move {
                let reception = delivered.store_after_loading(modules, &shared).await;
                answer_udp(reception, &socket, from, &shared).await;
            });
        }
    }
    true
}

/// Sends what a reception calls for back to a UDP sender (an inform's Response after
/// its commit).
async fn answer_udp(reception: Reception, socket: &UdpSocket, from: SocketAddr, shared: &Shared) {
    let reply = match reception {
        Reception::Reply(report) => report,
        Reception::AfterCommit(ack, reply, pending) => {
            match (committed(ack, from, pending, shared).await, reply) {
                (true, Some(reply)) => {
                    match socket.send_to(&reply, from).await {
                        Ok(_) => bump(&shared.counters.acknowledged),
                        Err(error) => {
                            tracing::warn!(%from, %error, "inform acknowledgement not sent");
                        }
                    }
                    return;
                }
                _ => return,
            }
        }
        // A load is resolved before this is called.
        Reception::Nothing | Reception::Closed | Reception::AfterLoading(..) => return,
    };
    if let Err(error) = socket.send_to(&reply, from).await {
        tracing::debug!(%from, %error, "report not sent");
    }
}

/// One message from a stream peer: the answer to write back, in order, on its
/// connection (an inform's after its commit).
async fn stream_message(
    bytes: Vec<u8>,
    peer: Peer,
    core: &Mutex<ReceiverCore>,
    shared: &Shared,
) -> Option<Vec<u8>> {
    let reception = {
        // Never held across an await: handling is quick and synchronous.
        let mut core = core
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        receive(&bytes, peer.address, peer.transport, &mut core, shared)
    };
    let reception = match reception {
        Reception::AfterLoading(delivered, modules) => {
            delivered.store_after_loading(modules, shared).await
        }
        other => other,
    };
    match reception {
        Reception::Nothing | Reception::Closed | Reception::AfterLoading(..) => None,
        Reception::Reply(report) => Some(report),
        Reception::AfterCommit(ack, reply, pending) => {
            let stored = committed(ack, peer.address, pending, shared).await;
            let reply = reply.filter(|_| stored);
            if reply.is_some() {
                bump(&shared.counters.acknowledged);
            }
            reply
        }
    }
}
