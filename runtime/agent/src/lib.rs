//! `smic agent`: an SNMP agent (v1, v2c, v3 with USM and VACM) and AgentX master
//! (RFC 2741) for subagents — net-snmp's, or smic's own — as a daemon.
//!
//! The agent serves its built-in groups and whatever subagents register, in one
//! lexicographic tree. Requests that only touch the agent's own objects are answered
//! on the receiving task; those that need a subagent run on a task of their own, so
//! a slow subagent never holds up the others (at most `max_in_flight` at once; past
//! it requests are dropped and counted). Notifications subagents send go out to the
//! configured targets as the agent's own.
//!
//! ```no_run
//! # async fn demo() -> Result<(), smic_agent::AgentError> {
//! use smic_agent::{Agent, AgentConfig};
//! let config = AgentConfig::parse(&std::fs::read_to_string("agent.toml")?)?;
//! let agent = Agent::bind(&config).await?;
//! eprintln!("listening on {:?}", agent.udp_addresses());
//! let stats = agent.run(std::future::pending()).await; // or a signal's future
//! eprintln!("{} requests served", stats.requests);
//! # Ok(()) }
//! ```

// Library code does not panic on what it is given: every index is checked, and an
// `expect` is a bug (tests index freely).
#![cfg_attr(not(test), warn(clippy::indexing_slicing, clippy::expect_used))]

mod agentx_mib;
mod config;
mod forward;
mod stream;
mod udp;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use smic_agentx::master::{Listening, Master};
use smic_snmp::agent::{Mib, Responder, Stats, system};
use smic_snmp::notify::Notice;
use smic_snmp::transport::stream::{Listener, Peer, StreamLimits, StreamStats};
use smic_snmp::transport::{self, Address};
use smic_snmp::usm::LocalEngine;
use tokio::net::UdpSocket;
use tokio::sync::{Semaphore, mpsc};
use tracing::info;

pub use config::{
    AgentConfig, AgentxConfig, CommunityConfig, ConfigError, NotifyConfig, SystemConfig, Target,
    UserAccess, UserConfig, ViewConfig,
};

/// Why the agent could not start.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The configuration is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A socket could not be bound, or a state file read or written.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Two built-in groups claim the same subtree (a bug, or a group given twice).
    #[error("{0}")]
    Mib(String),
}

/// The agent's counters.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    dropped: AtomicU64,
    forwarded: AtomicU64,
    forward_failures: AtomicU64,
    streams: Arc<StreamStats>,
}

/// A snapshot of the agent's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AgentStats {
    /// Requests served (answered or refused by the command responder).
    pub requests: u64,
    /// Requests dropped because `max_in_flight` requests were waiting for
    /// subagents.
    pub dropped: u64,
    /// Notifications from subagents sent to targets (one per target).
    pub forwarded: u64,
    /// Notifications that could not be sent to a target.
    pub forward_failures: u64,
    /// Stream connections closed on arrival: too many open.
    pub connections_refused: u64,
    /// Stream connections closed because their bytes were not SNMP messages (an
    /// indefinite or oversized length, another tag).
    pub stream_errors: u64,
    /// Stream connections closed because they were idle, too slow to finish a
    /// message, or not reading their answers.
    pub stream_timeouts: u64,
}

impl Counters {
    fn snapshot(&self) -> AgentStats {
        AgentStats {
            requests: self.requests.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            forwarded: self.forwarded.load(Ordering::Relaxed),
            forward_failures: self.forward_failures.load(Ordering::Relaxed),
            connections_refused: self.streams.refused(),
            stream_errors: self.streams.broken(),
            stream_timeouts: self.streams.timed_out(),
        }
    }
}

/// What every serving task shares.
pub(crate) struct Shared {
    pub(crate) responder: Responder,
    pub(crate) master: Master,
    pub(crate) in_flight: Arc<Semaphore>,
    pub(crate) counters: Counters,
}

/// A bound agent, not yet running: its addresses are known (port 0 picks one).
pub struct Agent {
    sockets: Vec<Arc<UdpSocket>>,
    streams: Vec<Listener>,
    stream_limits: StreamLimits,
    shared: Arc<Shared>,
    notices: mpsc::Receiver<Notice>,
    agentx: Vec<Listening>,
    targets: Vec<Target>,
    engine: LocalEngine,
}

impl Agent {
    /// Builds the agent from `config` and binds every socket: SNMP, then the AgentX
    /// master's.
    pub async fn bind(config: &AgentConfig) -> Result<Agent, AgentError> {
        config.check()?;
        let groups = config.groups()?;
        let stats = Arc::new(Stats::default());
        let mut mib = Mib::new();
        let mib_error = |e: smic_snmp::agent::OverlapError| AgentError::Mib(e.to_string());
        if groups.contains("system") {
            system::register_system(&mut mib, config.system_info()?).map_err(mib_error)?;
        }
        if groups.contains("snmp") {
            system::register_snmp_group(&mut mib, &stats).map_err(mib_error)?;
        }
        let master_cell = agentx_mib::MasterCell::default();
        if groups.contains("agentx") {
            agentx_mib::register(&mut mib, &master_cell).map_err(mib_error)?;
        }
        let boots = match &config.state_dir {
            Some(dir) => smic_snmp::boots::next(dir)?,
            None => 1,
        };
        let engine = LocalEngine::new(config.engine_id()?, boots, Instant::now());
        let users = config.users()?;
        let mut responder = Responder::with_stats(mib, config.access()?, stats);
        if !users.is_empty() {
            responder = responder
                .with_usm(engine.clone(), users.into_iter().map(|u| u.user))
                .map_err(mib_error)?;
        }
        let (master, notices) = Master::new(responder.mib(), config.master_limits());
        // Only this function sets it, once.
        let _ = master_cell.set(master.clone());
        let mut sockets = Vec::new();
        let per_address = config.sockets_per_address.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let mut streams = Vec::new();
        for address in config.listen_addresses()? {
            match address {
                Address::Udp(address) => {
                    let first = udp::socket(address)?;
                    let bound = first.local_addr()?;
                    sockets.push(Arc::new(first));
                    for _ in 1..per_address.max(1) {
                        sockets.push(Arc::new(udp::socket(bound)?));
                    }
                }
                stream => streams.push(Listener::bind(&stream, config.unix_socket_mode()?).await?),
            }
        }
        let stream_limits = StreamLimits {
            max_connections: config.stream_connections.unwrap_or(256),
            idle: std::time::Duration::from_secs(config.stream_idle_seconds.unwrap_or(60).max(1)),
            max_message: responder_limit(),
        };
        let mut agentx = Vec::new();
        let mode = config.socket_mode()?;
        for address in config.agentx_addresses()? {
            agentx.push(master.listen(&address, Some(mode)).await?);
        }
        let shared = Arc::new(Shared {
            responder,
            master,
            in_flight: Arc::new(Semaphore::new(config.max_in_flight.unwrap_or(4096).max(1))),
            counters: Counters::default(),
        });
        Ok(Agent {
            sockets,
            streams,
            stream_limits,
            shared,
            notices,
            agentx,
            targets: config.targets()?,
            engine,
        })
    }

    /// The UDP addresses the agent answers on (one per listen address).
    pub fn udp_addresses(&self) -> Vec<SocketAddr> {
        let mut all: Vec<SocketAddr> = self
            .sockets
            .iter()
            .filter_map(|s| s.local_addr().ok())
            .collect();
        all.dedup();
        all
    }

    /// The stream addresses the agent answers on: `tcp:ADDR`, `unix:PATH`.
    pub fn stream_addresses(&self) -> Vec<String> {
        self.streams
            .iter()
            .filter_map(|l| l.address().ok())
            .map(|a| a.to_string())
            .collect()
    }

    /// Where the AgentX master listens.
    pub fn agentx_addresses(&self) -> &[Listening] {
        &self.agentx
    }

    /// The AgentX master (its sessions and registrations).
    pub fn master(&self) -> &Master {
        &self.shared.master
    }

    /// The SNMPv3 engine (its ID and boots).
    pub fn engine(&self) -> &LocalEngine {
        &self.engine
    }

    /// Serves until `shutdown` completes; then sends Close(shutdown) to every
    /// subagent and returns the counters.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> AgentStats {
        let mut tasks = tokio::task::JoinSet::new();
        for socket in &self.sockets {
            tasks.spawn(udp::serve(Arc::clone(socket), Arc::clone(&self.shared)));
        }
        info!(
            udp = ?self.udp_addresses(),
            agentx = ?self.agentx,
            "smic agent serving"
        );
        for listener in self.streams {
            if let Ok(address) = listener.address() {
                info!(%address, "listening");
            }
            let shared = Arc::clone(&self.shared);
            let service = move |request: Vec<u8>, peer: Peer| {
                let shared = Arc::clone(&shared);
                async move { stream::answer(&shared, &request, peer.address).await }
            };
            tasks.spawn(transport::stream::serve(
                listener,
                self.stream_limits,
                Arc::clone(&self.shared.counters.streams),
                service,
                std::future::pending(),
            ));
        }
        let forwarder = forward::Forwarder::start(&self.targets, &self.engine).await;
        tasks.spawn(forwarder.run(self.notices, Arc::clone(&self.shared)));
        shutdown.await;
        self.shared.master.shutdown().await;
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
        let stats = self.shared.counters.snapshot();
        info!(
            requests = stats.requests,
            dropped = stats.dropped,
            forwarded = stats.forwarded,
            "smic agent stopped"
        );
        stats
    }
}

/// The largest request a stream may carry: what the command responder answers at most.
fn responder_limit() -> usize {
    smic_snmp::agent::Limits::default().max_message_size
}

/// Binds and runs an agent until `shutdown` completes.
pub async fn run(
    config: AgentConfig,
    shutdown: impl Future<Output = ()>,
) -> Result<AgentStats, AgentError> {
    Ok(Agent::bind(&config).await?.run(shutdown).await)
}
