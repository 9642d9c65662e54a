//! An AgentX subagent (RFC 2741 §7) on tokio, serving a [`Mib`].
//!
//! The same instrumentation smic's own agent serves (`TableSource`, `MemTable`,
//! `MemScalar`, RowStatus tables, raw [`Instrument`](smic_snmp::agent::Instrument)s)
//! answers a master's Get, GetNext, GetBulk and the SET phases; one handler runs under
//! either.
//!
//! [`Subagent::run`] connects (TCP, default `127.0.0.1:705`, or a Unix socket, default
//! `/var/agentx/master`), opens a session, registers every subtree of the MIB (or the
//! [`Registration`]s given), and serves until the shutdown future completes, when it
//! sends Close(shutdown). A lost connection, a Close from the master or a master that
//! stops answering Pings is followed by reconnection with exponential back-off, and
//! everything is registered again. A [`Handle`] sends notifications, registers and
//! unregisters, allocates indexes and pings, from any task; its queue is bounded.

mod serve;
mod session;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use smic_smi::Oid;
use smic_snmp::agent::Mib;
use smic_snmp::message::VarBind;
use smic_snmp::notify::Notice;
use tokio::sync::{mpsc, oneshot, watch};
use tracing::{debug, info, warn};

pub use serve::ServeLimits;

use crate::wire::{
    Body, ByteOrder, CloseReason, Flags, Open, Range, Register, Response, ResponseError, Unregister,
};
use serve::Dispatcher;
use session::{Incoming, Lost, Session, Stream};

/// Where the master listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MasterAddress {
    /// TCP (RFC 2741 §8.1: port 705).
    Tcp(SocketAddr),
    /// A Unix-domain stream socket (net-snmp's default is `/var/agentx/master`).
    Unix(PathBuf),
}

impl MasterAddress {
    /// `127.0.0.1:705`.
    pub fn default_tcp() -> MasterAddress {
        MasterAddress::Tcp(SocketAddr::from(([127, 0, 0, 1], 705)))
    }

    /// `/var/agentx/master`.
    pub fn default_unix() -> MasterAddress {
        MasterAddress::Unix(PathBuf::from("/var/agentx/master"))
    }
}

impl Default for MasterAddress {
    fn default() -> Self {
        MasterAddress::default_tcp()
    }
}

impl fmt::Display for MasterAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MasterAddress::Tcp(addr) => write!(f, "tcp:{addr}"),
            MasterAddress::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

/// net-snmp's `agentXSocket` notation: `tcp:HOST:PORT`, `unix:PATH`, a bare `/PATH`
/// or a bare `HOST:PORT`.
///
/// ```
/// use smic_agentx::subagent::MasterAddress;
/// assert_eq!("tcp:127.0.0.1:1705".parse(), Ok(MasterAddress::Tcp("127.0.0.1:1705".parse().unwrap())));
/// assert_eq!("/tmp/x".parse(), Ok(MasterAddress::Unix("/tmp/x".into())));
/// ```
impl FromStr for MasterAddress {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let tcp = |addr: &str| {
            addr.parse()
                .map(MasterAddress::Tcp)
                .map_err(|_| format!("not an address:port: {addr:?}"))
        };
        if let Some(path) = text.strip_prefix("unix:") {
            Ok(MasterAddress::Unix(PathBuf::from(path)))
        } else if let Some(addr) = text.strip_prefix("tcp:") {
            tcp(addr)
        } else if text.starts_with('/') {
            Ok(MasterAddress::Unix(PathBuf::from(text)))
        } else {
            tcp(text)
        }
    }
}

/// One subtree registered with the master (RFC 2741 §6.2.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// The subtree (or, with [`Registration::instance`], one instance).
    pub subtree: Oid,
    /// Lower wins when registrations overlap; 127 is the RFC's default.
    pub priority: u8,
    /// Seconds the master waits for answers here (0: the session's timeout).
    pub timeout: u8,
    /// A range of subtrees (`r.range_subid`, `r.upper_bound`).
    pub range: Option<Range>,
    /// The context (`None`: the default context).
    pub context: Option<Vec<u8>>,
    /// `INSTANCE_REGISTRATION`: the OID is one instance, not a subtree.
    pub instance: bool,
}

impl Registration {
    /// The subtree at priority 127 in the default context.
    pub fn subtree(subtree: Oid) -> Registration {
        Registration {
            subtree,
            priority: 127,
            timeout: 0,
            range: None,
            context: None,
            instance: false,
        }
    }

    /// The same at another priority.
    pub fn priority(mut self, priority: u8) -> Registration {
        self.priority = priority;
        self
    }

    /// The same in a context.
    pub fn context(mut self, context: impl Into<Vec<u8>>) -> Registration {
        self.context = Some(context.into());
        self
    }

    /// The same as a range registration: arc `subid` (from 1) runs up to `upper_bound`.
    pub fn range(mut self, subid: u8, upper_bound: u32) -> Registration {
        self.range = Some(Range { subid, upper_bound });
        self
    }

    fn register_pdu(&self) -> (Body, Option<Vec<u8>>, Flags) {
        let flags = if self.instance {
            Flags::INSTANCE_REGISTRATION
        } else {
            Flags::NONE
        };
        let body = Body::Register(Register {
            timeout: self.timeout,
            priority: self.priority,
            subtree: self.subtree.clone(),
            range: self.range,
        });
        (body, self.context.clone(), flags)
    }

    fn unregister_pdu(&self) -> (Body, Option<Vec<u8>>, Flags) {
        let body = Body::Unregister(Unregister {
            priority: self.priority,
            subtree: self.subtree.clone(),
            range: self.range,
        });
        (body, self.context.clone(), Flags::NONE)
    }
}

/// Why a request of the subagent's failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubagentError {
    /// No session is open now (the subagent is connecting, or has stopped).
    #[error("no AgentX session is open")]
    NotConnected,
    /// The master answered with an error.
    #[error("the master refused: error {}, index {index}", error.0)]
    Refused {
        /// `res.error`.
        error: ResponseError,
        /// `res.index`.
        index: u16,
    },
    /// The master did not answer in time (the session is dropped and reopened).
    #[error("the master did not answer in time")]
    Timeout,
    /// The master closed the session.
    #[error("the master closed the session (reason {})", .0.0)]
    Closed(CloseReason),
    /// The connection failed.
    #[error("connection: {0}")]
    Io(String),
    /// The master sent bytes that are no AgentX.
    #[error("protocol: {0}")]
    Protocol(String),
}

/// A request from a [`Handle`] to the session task.
enum Command {
    /// Send a PDU and answer with its Response.
    Request {
        body: Body,
        context: Option<Vec<u8>>,
        flags: Flags,
        reply: oneshot::Sender<Result<Response, SubagentError>>,
    },
    /// Register (and keep registering after reconnections).
    Register(Registration, oneshot::Sender<Result<(), SubagentError>>),
    /// Unregister (and stop registering).
    Unregister(Registration, oneshot::Sender<Result<(), SubagentError>>),
}

impl Command {
    fn fail(self, error: SubagentError) {
        match self {
            Command::Request { reply, .. } => {
                let _ = reply.send(Err(error));
            }
            Command::Register(_, reply) | Command::Unregister(_, reply) => {
                let _ = reply.send(Err(error));
            }
        }
    }
}

/// Whether the subagent holds a session now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Connecting, or waiting to reconnect.
    Connecting,
    /// A session is open and every registration was sent; the session ID, and how
    /// many sessions were opened so far (1 for the first).
    Open {
        /// The session ID the master gave.
        session_id: u32,
        /// Sessions opened since the subagent started.
        generation: u64,
    },
    /// [`Subagent::run`] returned.
    Stopped,
}

/// Talks to a running [`Subagent`]; cheap to clone.
#[derive(Clone)]
pub struct Handle {
    commands: mpsc::Sender<Command>,
    state: watch::Receiver<State>,
    started: Instant,
}

impl Handle {
    /// The state now.
    pub fn state(&self) -> State {
        *self.state.borrow()
    }

    /// Waits until a session is open (and registered) whose generation is at least
    /// `generation`: `1` for the first session, `n + 1` for the one after session `n`.
    /// Returns its state; [`SubagentError::NotConnected`] when the subagent stopped.
    pub async fn opened(&self, generation: u64) -> Result<State, SubagentError> {
        let mut state = self.state.clone();
        let found = state
            .wait_for(|s| match s {
                State::Open { generation: g, .. } => *g >= generation,
                State::Stopped => true,
                State::Connecting => false,
            })
            .await
            .map_err(|_| SubagentError::NotConnected)?;
        match *found {
            State::Open { .. } => Ok(*found),
            _ => Err(SubagentError::NotConnected),
        }
    }

    async fn request(
        &self,
        body: Body,
        context: Option<Vec<u8>>,
        flags: Flags,
    ) -> Result<Response, SubagentError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Request {
                body,
                context,
                flags,
                reply,
            })
            .await
            .map_err(|_| SubagentError::NotConnected)?;
        let res = answer.await.map_err(|_| SubagentError::NotConnected)??;
        if res.error != ResponseError::NO_ERROR {
            return Err(SubagentError::Refused {
                error: res.error,
                index: res.index,
            });
        }
        Ok(res)
    }

    /// Hundredths of a second since the subagent was built (its `sysUpTime`).
    pub fn uptime(&self) -> u32 {
        centiseconds(self.started)
    }

    /// Sends a notification (RFC 2741 §6.2.10) in the default context:
    /// `sysUpTime.0`, `snmpTrapOID.0` and its bindings.
    pub async fn notify(&self, notice: &Notice) -> Result<(), SubagentError> {
        self.notify_varbinds(notice.to_varbinds(), None).await
    }

    /// Sends a Notify with these bindings (they must start with `snmpTrapOID.0`,
    /// optionally after `sysUpTime.0`), in `context`.
    pub async fn notify_varbinds(
        &self,
        varbinds: Vec<VarBind>,
        context: Option<Vec<u8>>,
    ) -> Result<(), SubagentError> {
        self.request(Body::Notify(varbinds), context, Flags::NONE)
            .await
            .map(drop)
    }

    /// Pings the master (RFC 2741 §6.2.11).
    pub async fn ping(&self) -> Result<(), SubagentError> {
        self.request(Body::Ping, None, Flags::NONE).await.map(drop)
    }

    /// Registers a subtree now and after every reconnection. The registration is kept
    /// even when it fails now (the master refuses it, or no session is open).
    pub async fn register(&self, registration: Registration) -> Result<(), SubagentError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Register(registration, reply))
            .await
            .map_err(|_| SubagentError::NotConnected)?;
        answer.await.map_err(|_| SubagentError::NotConnected)?
    }

    /// Unregisters a subtree registered as `registration` was (same subtree, priority,
    /// range and context), and stops registering it.
    pub async fn unregister(&self, registration: Registration) -> Result<(), SubagentError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Unregister(registration, reply))
            .await
            .map_err(|_| SubagentError::NotConnected)?;
        answer.await.map_err(|_| SubagentError::NotConnected)?
    }

    /// Allocates index values (RFC 2741 §6.2.12): each binding names an index object
    /// and a value (`ANY_INDEX` or `NEW_INDEX` in `flags` ask the master to choose);
    /// the master's answer holds the values allocated.
    pub async fn allocate_index(
        &self,
        varbinds: Vec<VarBind>,
        flags: Flags,
        context: Option<Vec<u8>>,
    ) -> Result<Vec<VarBind>, SubagentError> {
        let flags = Flags::from_bits(flags.bits() & (Flags::ANY_INDEX | Flags::NEW_INDEX).bits());
        let res = self
            .request(Body::IndexAllocate(varbinds), context, flags)
            .await?;
        Ok(res.varbinds)
    }

    /// Releases index values allocated before (RFC 2741 §6.2.13).
    pub async fn deallocate_index(
        &self,
        varbinds: Vec<VarBind>,
        context: Option<Vec<u8>>,
    ) -> Result<(), SubagentError> {
        self.request(Body::IndexDeallocate(varbinds), context, Flags::NONE)
            .await
            .map(drop)
    }

    /// Announces an agent capability (RFC 2741 §6.2.14).
    pub async fn add_agent_caps(&self, id: Oid, descr: &[u8]) -> Result<(), SubagentError> {
        let body = Body::AddAgentCaps {
            id,
            descr: descr.to_vec(),
        };
        self.request(body, None, Flags::NONE).await.map(drop)
    }

    /// Withdraws an agent capability (RFC 2741 §6.2.15).
    pub async fn remove_agent_caps(&self, id: Oid) -> Result<(), SubagentError> {
        self.request(Body::RemoveAgentCaps { id }, None, Flags::NONE)
            .await
            .map(drop)
    }
}

/// How a [`Subagent`] behaves; [`Subagent::builder`] starts from the defaults.
#[derive(Clone, Debug)]
struct Config {
    master: MasterAddress,
    id: Oid,
    descr: Vec<u8>,
    /// `o.timeout`, seconds.
    open_timeout: u8,
    /// How long a request waits for its Response.
    request_timeout: Duration,
    ping_interval: Option<Duration>,
    backoff_min: Duration,
    backoff_max: Duration,
    max_payload: u32,
    byte_order: ByteOrder,
}

/// Builds a [`Subagent`].
pub struct Builder {
    config: Config,
    default: Mib,
    contexts: BTreeMap<Vec<u8>, Mib>,
    registrations: Option<Vec<Registration>>,
    limits: ServeLimits,
    queue: usize,
}

impl Builder {
    /// The master's address (default `tcp:127.0.0.1:705`).
    pub fn master(mut self, master: MasterAddress) -> Builder {
        self.config.master = master;
        self
    }

    /// `o.descr` (default `smic subagent`).
    pub fn description(mut self, descr: impl Into<Vec<u8>>) -> Builder {
        self.config.descr = descr.into();
        self
    }

    /// `o.id`: the subagent's identity (default the null OID).
    pub fn id(mut self, id: Oid) -> Builder {
        self.config.id = id;
        self
    }

    /// `o.timeout`: how long the master waits for this subagent's answers, in seconds
    /// (default 0, the master's own default).
    pub fn master_timeout(mut self, seconds: u8) -> Builder {
        self.config.open_timeout = seconds;
        self
    }

    /// How long the subagent waits for the master's Responses (default 5 s); a master
    /// that takes longer loses the session.
    pub fn request_timeout(mut self, timeout: Duration) -> Builder {
        self.config.request_timeout = timeout;
        self
    }

    /// Pings the master this often (default every 15 s; `None`: never).
    pub fn ping_interval(mut self, interval: Option<Duration>) -> Builder {
        self.config.ping_interval = interval;
        self
    }

    /// The first and longest wait between connection attempts (default 100 ms, 5 s):
    /// each failure doubles it.
    pub fn backoff(mut self, min: Duration, max: Duration) -> Builder {
        self.config.backoff_min = min;
        self.config.backoff_max = max.max(min);
        self
    }

    /// The longest payload accepted from the master (default 1 MiB).
    pub fn max_payload(mut self, bytes: u32) -> Builder {
        self.config.max_payload = bytes;
        self
    }

    /// The byte order of the subagent's own PDUs (default network byte order);
    /// answers use the order of the request.
    pub fn byte_order(mut self, order: ByteOrder) -> Builder {
        self.config.byte_order = order;
        self
    }

    /// Serves `mib` in the non-default context `name` as well.
    pub fn context(mut self, name: impl Into<Vec<u8>>, mib: Mib) -> Builder {
        self.contexts.insert(name.into(), mib);
        self
    }

    /// Registers these instead of every subtree of every context's MIB.
    pub fn registrations(mut self, registrations: Vec<Registration>) -> Builder {
        self.registrations = Some(registrations);
        self
    }

    /// Bounds on the work of one request.
    pub fn limits(mut self, limits: ServeLimits) -> Builder {
        self.limits = limits;
        self
    }

    /// How many [`Handle`] requests may wait for the session task (default 64).
    pub fn queue(mut self, depth: usize) -> Builder {
        self.queue = depth.max(1);
        self
    }

    /// The subagent, not yet connected: see [`Subagent::run`].
    pub fn build(self) -> Subagent {
        let dispatcher = Dispatcher::new(self.default, self.contexts, self.limits);
        let registrations = self.registrations.unwrap_or_else(|| {
            dispatcher
                .mibs()
                .flat_map(|(context, mib)| {
                    mib.subtrees()
                        .map(|subtree| {
                            let r = Registration::subtree(subtree.clone());
                            match context {
                                Some(c) => r.context(c),
                                None => r,
                            }
                        })
                        .collect::<Vec<_>>()
                })
                .collect()
        });
        let (commands, inbox) = mpsc::channel(self.queue);
        let (state_tx, state) = watch::channel(State::Connecting);
        let started = Instant::now();
        Subagent {
            config: self.config,
            dispatcher,
            registrations,
            inbox,
            state: state_tx,
            handle: Handle {
                commands,
                state,
                started,
            },
        }
    }
}

/// An AgentX subagent: build with [`Subagent::builder`], talk to it through
/// [`Subagent::handle`], drive it with [`Subagent::run`].
pub struct Subagent {
    config: Config,
    dispatcher: Dispatcher,
    registrations: Vec<Registration>,
    inbox: mpsc::Receiver<Command>,
    state: watch::Sender<State>,
    handle: Handle,
}

/// Why one session ended.
enum End {
    Shutdown,
    Lost(Lost),
}

impl Subagent {
    /// A builder serving `mib` in the default context.
    pub fn builder(mib: Mib) -> Builder {
        Builder {
            config: Config {
                master: MasterAddress::default(),
                id: Oid::default(),
                descr: b"smic subagent".to_vec(),
                open_timeout: 0,
                request_timeout: Duration::from_secs(5),
                ping_interval: Some(Duration::from_secs(15)),
                backoff_min: Duration::from_millis(100),
                backoff_max: Duration::from_secs(5),
                max_payload: 1 << 20,
                byte_order: ByteOrder::Big,
            },
            default: mib,
            contexts: BTreeMap::new(),
            registrations: None,
            limits: ServeLimits::default(),
            queue: 64,
        }
    }

    /// A handle for notifications, registrations and the session's state.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Connects, serves, reconnects, until `shutdown` completes; then closes the
    /// session with Close(shutdown) and returns.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        let shutdown = std::pin::pin!(shutdown);
        let mut shutdown = shutdown;
        let mut backoff = self.config.backoff_min;
        let mut generation = 0u64;
        loop {
            let _ = self.state.send(State::Connecting);
            let connected = tokio::select! {
                () = &mut shutdown => break,
                connected = self.connect_and_open() => connected,
            };
            match connected {
                Ok(mut session) => {
                    generation += 1;
                    backoff = self.config.backoff_min;
                    info!(master = %self.config.master, session_id = session.id, "AgentX session open");
                    let _ = self.state.send(State::Open {
                        session_id: session.id,
                        generation,
                    });
                    let end = self.serve(&mut session, &mut shutdown).await;
                    self.dispatcher.reset();
                    match end {
                        End::Shutdown => {
                            info!("closing the AgentX session");
                            session.close(CloseReason::SHUTDOWN).await;
                            break;
                        }
                        End::Lost(lost) => warn!(?lost, "AgentX session lost"),
                    }
                }
                Err(error) => {
                    debug!(%error, master = %self.config.master, "cannot open an AgentX session")
                }
            }
            let _ = self.state.send(State::Connecting);
            // The wait between attempts: requests fail at once meanwhile.
            let sleep = tokio::time::sleep(backoff);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    () = &mut shutdown => {
                        let _ = self.state.send(State::Stopped);
                        return;
                    }
                    () = &mut sleep => break,
                    command = self.inbox.recv() => match command {
                        Some(command) => self.offline(command),
                        // No handle left: nothing to answer, just wait.
                        None => (&mut sleep).await,
                    },
                }
            }
            backoff = (backoff * 2).min(self.config.backoff_max);
        }
        let _ = self.state.send(State::Stopped);
    }

    /// A command while no session is open: registrations are kept for the next one.
    fn offline(&mut self, command: Command) {
        match command {
            Command::Register(registration, reply) => {
                self.remember(registration);
                let _ = reply.send(Err(SubagentError::NotConnected));
            }
            Command::Unregister(registration, reply) => {
                self.registrations.retain(|r| *r != registration);
                let _ = reply.send(Err(SubagentError::NotConnected));
            }
            command => command.fail(SubagentError::NotConnected),
        }
    }

    fn remember(&mut self, registration: Registration) {
        if !self.registrations.contains(&registration) {
            self.registrations.push(registration);
        }
    }

    /// Connects, opens a session and sends every registration.
    async fn connect_and_open(&mut self) -> Result<Session, SubagentError> {
        let stream = connect(&self.config)
            .await
            .map_err(|e| SubagentError::Io(e.to_string()))?;
        let mut session = Session::new(
            stream,
            self.config.max_payload,
            self.config.byte_order,
            self.config.request_timeout,
        );
        let open = Body::Open(Open {
            timeout: self.config.open_timeout,
            id: self.config.id.clone(),
            descr: self.config.descr.clone(),
        });
        let started = self.handle.started;
        let (pdu, res) = session
            .call(open, None, Flags::NONE, &mut self.dispatcher, || {
                centiseconds(started)
            })
            .await?;
        if res.error != ResponseError::NO_ERROR {
            return Err(SubagentError::Refused {
                error: res.error,
                index: res.index,
            });
        }
        session.id = pdu.session_id;
        for registration in self.registrations.clone() {
            // A refused registration (taken by another session, say) does not stop the
            // others; it is tried again after the next reconnection.
            if let Err(error) = self.register(&mut session, &registration).await {
                match error {
                    SubagentError::Refused { .. } => {
                        warn!(%error, subtree = %registration.subtree, "registration refused");
                    }
                    error => return Err(error),
                }
            }
        }
        Ok(session)
    }

    async fn register(
        &mut self,
        session: &mut Session,
        registration: &Registration,
    ) -> Result<(), SubagentError> {
        let (body, context, flags) = registration.register_pdu();
        self.call(session, body, context, flags).await.map(drop)
    }

    /// A request of the subagent's, answered; an error Response is
    /// [`SubagentError::Refused`].
    async fn call(
        &mut self,
        session: &mut Session,
        body: Body,
        context: Option<Vec<u8>>,
        flags: Flags,
    ) -> Result<Response, SubagentError> {
        let started = self.handle.started;
        let (_, res) = session
            .call(body, context, flags, &mut self.dispatcher, || {
                centiseconds(started)
            })
            .await?;
        if res.error != ResponseError::NO_ERROR {
            return Err(SubagentError::Refused {
                error: res.error,
                index: res.index,
            });
        }
        Ok(res)
    }

    /// Serves one open session until shutdown or until it is lost.
    async fn serve<S: Future<Output = ()> + Unpin>(
        &mut self,
        session: &mut Session,
        shutdown: &mut S,
    ) -> End {
        enum Event {
            Shutdown,
            Incoming(Result<Incoming, Lost>),
            Command(Option<Command>),
            Ping,
        }
        let ping_every = self.config.ping_interval;
        let mut ping = tokio::time::interval(ping_every.unwrap_or(Duration::from_secs(3600)));
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is immediate: the session was just proven alive.
        ping.tick().await;
        let mut handles_alive = true;
        let started = self.handle.started;
        loop {
            let event = tokio::select! {
                biased;
                () = &mut *shutdown => Event::Shutdown,
                incoming = session.read() => Event::Incoming(incoming),
                command = self.inbox.recv(), if handles_alive => Event::Command(command),
                _ = ping.tick(), if ping_every.is_some() => Event::Ping,
            };
            let result: Result<(), Lost> = match event {
                Event::Shutdown => return End::Shutdown,
                Event::Incoming(Err(lost)) => Err(lost),
                Event::Incoming(Ok(Incoming::Pdu(pdu))) => {
                    if matches!(pdu.body, Body::Response(_)) {
                        debug!(
                            packet_id = pdu.packet_id,
                            "a Response to no pending request"
                        );
                        Ok(())
                    } else {
                        session
                            .serve(pdu, &mut self.dispatcher, centiseconds(started))
                            .await
                    }
                }
                Event::Incoming(Ok(Incoming::Undecodable(header, error))) => {
                    session.refuse(&header, &error, centiseconds(started)).await
                }
                Event::Command(None) => {
                    handles_alive = false;
                    Ok(())
                }
                Event::Command(Some(command)) => self.execute(session, command).await,
                Event::Ping => match self.call(session, Body::Ping, None, Flags::NONE).await {
                    Ok(_) => Ok(()),
                    Err(error) => {
                        warn!(%error, "the master did not answer a Ping");
                        Err(Lost::Timeout)
                    }
                },
            };
            if let Err(lost) = result {
                if let Lost::Framing(_) = &lost {
                    session.close(CloseReason::PARSE_ERROR).await;
                }
                return End::Lost(lost);
            }
        }
    }

    /// Runs a handle's command on the open session. Only a failure of the session
    /// itself is returned; the master's refusals go back to the handle.
    async fn execute(&mut self, session: &mut Session, command: Command) -> Result<(), Lost> {
        let (result, reply): (Result<Response, SubagentError>, Reply) = match command {
            Command::Request {
                body,
                context,
                flags,
                reply,
            } => (
                self.call(session, body, context, flags).await,
                Reply::Response(reply),
            ),
            Command::Register(registration, reply) => {
                self.remember(registration.clone());
                let (body, context, flags) = registration.register_pdu();
                (
                    self.call(session, body, context, flags).await,
                    Reply::Done(reply),
                )
            }
            Command::Unregister(registration, reply) => {
                self.registrations.retain(|r| *r != registration);
                let (body, context, flags) = registration.unregister_pdu();
                (
                    self.call(session, body, context, flags).await,
                    Reply::Done(reply),
                )
            }
        };
        let lost = match &result {
            Err(SubagentError::Timeout) => Some(Lost::Timeout),
            Err(SubagentError::Closed(reason)) => Some(Lost::Closed(*reason)),
            Err(SubagentError::Io(e)) => Some(Lost::Io(std::io::Error::other(e.clone()))),
            Err(SubagentError::Protocol(e)) => Some(Lost::Io(std::io::Error::other(e.clone()))),
            _ => None,
        };
        match reply {
            Reply::Response(reply) => {
                let _ = reply.send(result);
            }
            Reply::Done(reply) => {
                let _ = reply.send(result.map(drop));
            }
        }
        lost.map_or(Ok(()), Err)
    }
}

/// Where a command's outcome goes.
enum Reply {
    Response(oneshot::Sender<Result<Response, SubagentError>>),
    Done(oneshot::Sender<Result<(), SubagentError>>),
}

/// A stream to the master, within the request timeout.
async fn connect(config: &Config) -> std::io::Result<Box<dyn Stream>> {
    let connect = async {
        Ok::<Box<dyn Stream>, std::io::Error>(match &config.master {
            MasterAddress::Tcp(addr) => {
                let stream = tokio::net::TcpStream::connect(addr).await?;
                stream.set_nodelay(true)?;
                Box::new(stream)
            }
            #[cfg(unix)]
            MasterAddress::Unix(path) => Box::new(tokio::net::UnixStream::connect(path).await?),
            #[cfg(not(unix))]
            MasterAddress::Unix(_) => {
                return Err(std::io::ErrorKind::Unsupported.into());
            }
        })
    };
    tokio::time::timeout(config.request_timeout, connect)
        .await
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))?
}

/// Hundredths of a second since `started`, wrapping as TimeTicks do.
fn centiseconds(started: Instant) -> u32 {
    (started.elapsed().as_millis() / 10) as u32
}
