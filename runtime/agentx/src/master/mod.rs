//! An AgentX master (RFC 2741 §7.1) for smic's agent.
//!
//! The agent keeps its message layers ([`Responder::accept_at`]: community, USM,
//! VACM) and hands each accepted request to [`Master::serve`], which answers it from
//! the agent's own [`Mib`] and from the subagents together: GET split by owner, GETNEXT
//! and GETBULK walking local and subagent subtrees in one lexicographic order, a SET
//! across several subagents and local objects as one transaction (TestSet to all, then
//! CommitSet or CleanupSet, UndoSet when a commit fails).
//!
//! Subagents connect over TCP or Unix sockets ([`Master::listen`]), open sessions,
//! register subtrees ([`registry`] decides who answers an OID), send notifications
//! (forwarded to the agent through the channel [`Master::new`] returns) and allocate
//! indexes. A subagent that hangs costs only the requests to its subtrees their
//! timeout; one that times out three times in a row is closed.
//!
//! [`Responder::accept_at`]: smic_snmp::agent::Responder::accept_at

mod connection;
mod dispatch;
mod indexes;
mod link;
pub mod registry;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use smic_snmp::agent::{Accepted, Mib, Outcome, Responder};
use smic_snmp::notify::Notice;
use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

pub use link::SessionInfo;
pub use registry::{Owner, Registration, RegistryLimits};

use crate::subagent::MasterAddress;
use indexes::Indexes;
use link::Link;
use registry::Registry;

/// Bounds on what subagents may make the master hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MasterLimits {
    /// Connections open at once; more are closed as they arrive.
    pub max_connections: usize,
    /// Sessions open at once, over every connection; more Opens get openFailed.
    pub max_sessions: usize,
    /// Sessions one connection may open.
    pub sessions_per_connection: usize,
    /// The largest PDU payload accepted; a larger header closes the connection.
    pub max_payload: u32,
    /// PDUs waiting to be written to one connection; when full, requests to its
    /// subagents fail at once rather than queue without end.
    pub write_queue: usize,
    /// Notifications from subagents waiting for the agent; when full, a Notify is
    /// answered processingError (and counted) instead of acknowledged and lost.
    pub notify_queue: usize,
    /// How long a request waits for a subagent that set no timeout of its own.
    pub default_timeout: Duration,
    /// The longest a request waits, whatever timeout a subagent asked for in its Open
    /// or Register (up to 255 s): a manager has given up long before.
    pub max_timeout: Duration,
    /// Requests in a row that time out before the session is closed (reasonTimeouts).
    pub max_timeouts: u32,
    /// Indexes one session may hold allocated.
    pub indexes_per_session: usize,
    /// Registrations.
    pub registry: RegistryLimits,
}

impl Default for MasterLimits {
    fn default() -> Self {
        MasterLimits {
            max_connections: 256,
            max_sessions: 1024,
            sessions_per_connection: 64,
            max_payload: 1 << 20,
            write_queue: 1024,
            notify_queue: 1024,
            default_timeout: Duration::from_secs(1),
            max_timeout: Duration::from_secs(10),
            max_timeouts: 3,
            indexes_per_session: 10_000,
            registry: RegistryLimits::default(),
        }
    }
}

/// Counters of the master, for logs and the AgentX-MIB.
#[derive(Debug, Default)]
pub struct MasterStats {
    /// Sessions opened since start.
    pub sessions_opened: AtomicU64,
    /// Opens refused (limits).
    pub opens_refused: AtomicU64,
    /// Connections closed at once because there were too many.
    pub connections_refused: AtomicU64,
    /// PDUs that did not decode (answered parseError) or framing that failed.
    pub parse_errors: AtomicU64,
    /// Requests to subagents that timed out.
    pub timeouts: AtomicU64,
    /// Requests to subagents not sent because their connection's queue was full.
    pub busy: AtomicU64,
    /// Responses that matched no request (late, or a wrong packetID).
    pub unmatched_responses: AtomicU64,
    /// Notifications forwarded to the agent.
    pub notifications: AtomicU64,
    /// Notifications refused because the agent's queue was full.
    pub notifications_dropped: AtomicU64,
}

/// What every task of the master shares.
pub(crate) struct Shared {
    pub(crate) registry: RwLock<Registry>,
    pub(crate) sessions: RwLock<HashMap<u32, Arc<Link>>>,
    pub(crate) indexes: std::sync::Mutex<Indexes>,
    pub(crate) limits: MasterLimits,
    pub(crate) stats: MasterStats,
    pub(crate) notices: mpsc::Sender<Notice>,
    /// SETs run one at a time, as the agent's own do.
    pub(crate) set_lock: tokio::sync::Mutex<()>,
    next_session: AtomicU32,
    next_connection: AtomicU32,
    next_transaction: AtomicU32,
    pub(crate) connections: AtomicU32,
    /// `sysUpTime` when a session last opened or closed (`agentxSessionTableLastChange`).
    pub(crate) sessions_changed: AtomicU32,
    /// The same for registrations (`agentxRegistrationTableLastChange`).
    pub(crate) registrations_changed: AtomicU32,
    pub(crate) started: Instant,
    /// `true` once the master is shutting down: connections send Close(shutdown).
    pub(crate) stopping: watch::Sender<bool>,
}

impl Shared {
    pub(crate) fn registry(&self) -> std::sync::RwLockReadGuard<'_, Registry> {
        // The registry is only changed by whole operations: a panic cannot leave half.
        self.registry.read().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn registry_mut(&self) -> std::sync::RwLockWriteGuard<'_, Registry> {
        self.registry.write().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn link(&self, session: u32) -> Option<Arc<Link>> {
        let sessions = self.sessions.read().unwrap_or_else(|p| p.into_inner());
        sessions.get(&session).cloned()
    }

    pub(crate) fn session_id(&self) -> u32 {
        // 0 is never a session: a PDU before Open carries it.
        loop {
            let id = self.next_session.fetch_add(1, Ordering::Relaxed);
            if id != 0 {
                return id;
            }
        }
    }

    pub(crate) fn connection_id(&self) -> u32 {
        self.next_connection.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn transaction_id(&self) -> u32 {
        self.next_transaction.fetch_add(1, Ordering::Relaxed)
    }

    /// `sysUpTime` of the master, for the Responses it sends.
    pub(crate) fn uptime(&self) -> u32 {
        self.uptime_at(Instant::now())
    }

    /// Records a change of a table at `sysUpTime` now.
    pub(crate) fn changed(&self, table: &AtomicU32) {
        table.store(self.uptime(), Ordering::Relaxed);
    }

    /// `sysUpTime` at `at`.
    pub(crate) fn uptime_at(&self, at: Instant) -> u32 {
        let hundredths = at.saturating_duration_since(self.started).as_millis() / 10;
        u32::try_from(hundredths % (1 << 32)).unwrap_or(0)
    }

    /// Removes a closed session: its registrations, indexes and waiting requests.
    pub(crate) fn drop_session(&self, id: u32) {
        let link = {
            let mut sessions = self.sessions.write().unwrap_or_else(|p| p.into_inner());
            sessions.remove(&id)
        };
        if let Some(link) = link {
            link.close();
            self.changed(&self.sessions_changed);
            self.changed(&self.registrations_changed);
        }
        self.registry_mut().remove_owner(Owner::Session(id));
        self.indexes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .release_session(id);
    }
}

/// The master: registrations, sessions and the request path. Cheap to clone (one
/// shared state).
#[derive(Clone)]
pub struct Master {
    shared: Arc<Shared>,
}

/// Where [`Master::listen`] ended up listening.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Listening {
    /// A TCP port (the one bound, when 0 was asked).
    Tcp(std::net::SocketAddr),
    /// A Unix socket path.
    Unix(PathBuf),
}

impl Master {
    /// A master for the agent whose MIB is `mib` (its subtrees are claimed in the
    /// default context at priority 127, so a subagent registering one of them there
    /// at that priority gets duplicateRegistration). Notifications subagents send
    /// arrive on the receiver; the agent forwards them to its targets.
    pub fn new(mib: &Mib, limits: MasterLimits) -> (Master, mpsc::Receiver<Notice>) {
        let (notices, rx) = mpsc::channel(limits.notify_queue.max(1));
        let mut registry = Registry::new(limits.registry);
        for subtree in mib.subtrees() {
            // The MIB's subtrees never overlap, so none is a duplicate.
            let _ = registry.register(Owner::Local, b"", subtree.clone(), None, 127, 0);
        }
        let (stopping, _) = watch::channel(false);
        let shared = Shared {
            registry: RwLock::new(registry),
            sessions: RwLock::new(HashMap::new()),
            indexes: std::sync::Mutex::new(Indexes::default()),
            limits,
            stats: MasterStats::default(),
            notices,
            set_lock: tokio::sync::Mutex::new(()),
            next_session: AtomicU32::new(1),
            next_connection: AtomicU32::new(1),
            next_transaction: AtomicU32::new(1),
            connections: AtomicU32::new(0),
            sessions_changed: AtomicU32::new(0),
            registrations_changed: AtomicU32::new(0),
            started: Instant::now(),
            stopping,
        };
        (
            Master {
                shared: Arc::new(shared),
            },
            rx,
        )
    }

    /// Listens for subagents on `address` (TCP, or a Unix socket created with
    /// `unix_mode` permissions, e.g. `0o600`; a stale socket file is replaced) and
    /// serves them from a task of its own until [`Master::shutdown`].
    pub async fn listen(
        &self,
        address: &MasterAddress,
        unix_mode: Option<u32>,
    ) -> io::Result<Listening> {
        connection::listen(Arc::clone(&self.shared), address, unix_mode).await
    }

    /// Serves one subagent over a stream the caller connected (a transport of its
    /// own, or a test's in-memory pipe) until it closes; its sessions and
    /// registrations are gone when this returns. `peer` names it in logs.
    pub async fn serve_connection<S>(&self, stream: S, peer: impl Into<String>)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
    {
        self.shared.connections.fetch_add(1, Ordering::AcqRel);
        connection::serve(Arc::clone(&self.shared), stream, peer.into()).await;
        self.shared.connections.fetch_sub(1, Ordering::AcqRel);
    }

    /// Serves one accepted request: local objects from `responder`'s MIB, the rest
    /// from the subagents that registered them. `None` drops the request (an unknown
    /// context, counted as the responder does).
    pub async fn serve(&self, responder: &Responder, accepted: &Accepted) -> Option<Outcome> {
        dispatch::serve(&self.shared, responder.core(), accepted).await
    }

    /// Whether `accepted` only touches the agent's own MIB, so that
    /// [`CommandResponder::serve`](smic_snmp::agent::CommandResponder::serve) can answer
    /// it at once, without a task.
    pub fn is_local(&self, accepted: &Accepted) -> bool {
        dispatch::is_local(&self.shared, accepted)
    }

    /// The open sessions, by ID.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        let sessions = self
            .shared
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner());
        let mut all: Vec<SessionInfo> = sessions.values().map(|l| l.info.clone()).collect();
        all.sort_by_key(|s| s.id);
        all
    }

    /// Every registration, local ones included, by index.
    pub fn registrations(&self) -> Vec<Registration> {
        self.shared.registry().registrations().cloned().collect()
    }

    /// The master's `sysUpTime` (hundredths of a second since it was made) at `at`,
    /// for TimeStamps such as `agentxSessionOpenTime`.
    pub fn uptime_at(&self, at: Instant) -> u32 {
        self.shared.uptime_at(at)
    }

    /// When the session and registration tables last changed, as `sysUpTime` values
    /// (`agentxSessionTableLastChange`, `agentxRegistrationTableLastChange`).
    pub fn last_changes(&self) -> (u32, u32) {
        (
            self.shared.sessions_changed.load(Ordering::Relaxed),
            self.shared.registrations_changed.load(Ordering::Relaxed),
        )
    }

    /// The timeout of requests to subagents that set none (`agentxDefaultTimeout`
    /// serves it in whole seconds).
    pub fn default_timeout(&self) -> Duration {
        self.shared.limits.default_timeout
    }

    /// The counters.
    pub fn stats(&self) -> &MasterStats {
        &self.shared.stats
    }

    /// Sends Close(shutdown) on every session and stops listening. Subagents then
    /// reconnect to the next master that starts.
    pub async fn shutdown(&self) {
        let open = self.sessions().len();
        self.shared.stopping.send_replace(true);
        // The connections' tasks send the Closes; give them a moment to.
        let deadline = Instant::now() + Duration::from_secs(2);
        while self.shared.connections.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let left = self.shared.connections.load(Ordering::Acquire);
        if left > 0 {
            warn!(
                connections = left,
                "AgentX connections still open at shutdown"
            );
        }
        info!(sessions = open, "AgentX master stopped");
    }
}
