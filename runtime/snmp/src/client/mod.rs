//! The manager (command generator): get, get-next, get-bulk, set and walk over UDP
//! ([`Client::connect`]) or over a TCP or Unix stream ([`Client::connect_to`], RFC
//! 3430: one connection, requests pipelined, no retransmissions), many requests in
//! flight at once, with SNMPv1, SNMPv2c or SNMPv3 (USM).
//!
//! A driver task owns the socket and the sans-IO [`requests::Requests`] table; callers send
//! it requests and await their responses. Responses from the wrong address, for unknown
//! requests or that do not decode are dropped, as on any UDP manager. With SNMPv3 the
//! driver discovers the agent's engine once, while requests wait without blocking
//! anything else, then protects every request and checks every answer
//! ([`UsmConfig`]); a Report fails its request with [`Error::Report`], except the
//! `notInTimeWindow` one, which is how the agent tells its clock: the request is sent
//! again once with the agent's time.
//!
//! Besides the raw operations on OIDs and [`Value`]s, the client reads MIB objects as
//! the Rust types smic generates: [`Client::get_scalar`], [`Client::get_column`],
//! [`Client::table`] and [`Client::table_partial`], generic over the traits of
//! [`smic_smi::object`] and failing with [`BindingError`] where a binding does not fit.

mod typed;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use smic_smi::{Oid, Value};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

pub use self::typed::{BindingError, PartialTable};
use crate::message::{AnyPdu, ErrorStatus, Message, Pdu, PduType, VarBind, Version};
use crate::usm::Stats;
pub use smic_snmp_proto::client::requests;
use smic_snmp_proto::client::requests::{Event, Requests};
use smic_snmp_proto::client::session::{Received, Session};
pub use smic_snmp_proto::client::{Report, UsmConfig};

/// Which message processing model and security a [`Client`] uses.
#[derive(Clone, Debug)]
pub enum Security {
    /// SNMPv1 or SNMPv2c with a community string.
    Community {
        /// v1 or v2c.
        version: Version,
        /// The community.
        community: Vec<u8>,
    },
    /// SNMPv3 with the User-based Security Model.
    Usm(UsmConfig),
}

impl Security {
    /// Whether walks may use GetBulk (SNMPv2c and SNMPv3).
    fn has_bulk(&self) -> bool {
        !matches!(
            self,
            Security::Community {
                version: Version::V1,
                ..
            }
        )
    }
}

/// How a [`Client`] talks to its agent.
#[derive(Clone, Debug)]
pub struct Config {
    /// Version and security: community or USM.
    pub security: Security,
    /// How long to wait for each attempt.
    pub timeout: Duration,
    /// How many times to send again after the first attempt.
    pub retries: u32,
    /// `max-repetitions` of the GetBulk requests a walk sends.
    pub max_repetitions: u32,
    /// Whether SNMPv2c and SNMPv3 walks use GetBulk (GetNext otherwise; SNMPv1 always
    /// does).
    pub bulk: bool,
}

impl Config {
    /// SNMPv1 or SNMPv2c with `community`, other settings as net-snmp's defaults.
    pub fn community(version: Version, community: impl Into<Vec<u8>>) -> Config {
        Config {
            security: Security::Community {
                version,
                community: community.into(),
            },
            ..Config::default()
        }
    }

    /// SNMPv3 with USM, other settings as net-snmp's defaults.
    ///
    /// ```
    /// use smic_snmp::client::{Config, UsmConfig};
    /// use smic_snmp::usm::{AuthProtocol, PrivProtocol, User};
    /// use smic_snmp::message::SecurityLevel;
    /// let user = User::new("admin")
    ///     .with_auth(AuthProtocol::Sha256, b"authpassword")?
    ///     .with_privacy(PrivProtocol::Aes128, b"privpassword")?;
    /// let config = Config::usm(UsmConfig::new(user, SecurityLevel::AuthPriv));
    /// # Ok::<(), smic_snmp::usm::KeyError>(())
    /// ```
    pub fn usm(usm: UsmConfig) -> Config {
        Config {
            security: Security::Usm(usm),
            ..Config::default()
        }
    }
}

impl Default for Config {
    /// net-snmp's defaults: v2c, community `public`, 1 s timeout, 5 retries, 10 repetitions.
    fn default() -> Self {
        Config {
            security: Security::Community {
                version: Version::V2c,
                community: b"public".to_vec(),
            },
            timeout: Duration::from_secs(1),
            retries: 5,
            max_repetitions: 10,
            bulk: true,
        }
    }
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The socket failed.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    /// No response after every retry.
    #[error("timeout: no response from the agent")]
    Timeout,
    /// The agent answered with an error status.
    #[error("the agent answered {status} (error-index {index})")]
    Agent {
        /// error-status.
        status: ErrorStatus,
        /// error-index (1-based; 0 when no binding is at fault).
        index: i32,
    },
    /// A walk met an OID that does not follow the previous one: the agent loops.
    #[error("OID not increasing: {next} after {previous}")]
    NonIncreasing {
        /// The OID before.
        previous: Oid,
        /// The OID that should have been greater.
        next: Oid,
    },
    /// The answer does not fit the question (binding count, PDU type).
    #[error("malformed response: {0}")]
    Malformed(&'static str),
    /// The client's driver task is gone.
    #[error("the client was closed")]
    Closed,
    /// The agent answered an SNMPv3 request with a Report.
    #[error("the agent reported {0}")]
    Report(Report),
    /// The SNMPv3 configuration cannot work (a level without its keys).
    #[error("SNMPv3 configuration: {0}")]
    Security(&'static str),
    /// A typed read got a binding that does not fit its object: an exception, a value
    /// of the wrong type or out of range, an instance that is not a valid index.
    #[error(transparent)]
    Binding(#[from] BindingError),
}

/// The error of a response with a non-zero error-status; a status RFC 3416 does not
/// define makes the response malformed.
fn agent_error(status: i32, index: i32) -> Error {
    match ErrorStatus::from_code(status) {
        Some(status) => Error::Agent { status, index },
        None => Error::Malformed("the response has an undefined error-status"),
    }
}

struct Command {
    pdu: Pdu,
    reply: oneshot::Sender<Result<Pdu, Error>>,
}

/// A manager for one agent.
///
/// ```no_run
/// # async fn demo() -> Result<(), smic_snmp::client::Error> {
/// use smic_smi::oid;
/// use smic_snmp::client::{Client, Config};
/// let client = Client::connect("127.0.0.1:161".parse().unwrap(), Config::default()).await?;
/// let descr = client.get(&[oid!(1, 3, 6, 1, 2, 1, 1, 1, 0).clone()]).await?;
/// let mut walk = client.walk(oid!(1, 3, 6, 1, 2, 1, 2, 2).clone());
/// while let Some(binding) = walk.next().await {
///     println!("{} = {}", binding?.oid, descr[0].value);
/// }
/// # Ok(()) }
/// ```
pub struct Client {
    config: Config,
    commands: mpsc::UnboundedSender<Command>,
    stats: Arc<Stats>,
}

impl Client {
    /// Binds a UDP socket (IPv4 or IPv6, as `agent` is) and starts the driver task.
    pub async fn connect(agent: SocketAddr, config: Config) -> Result<Client, Error> {
        let local: SocketAddr = if agent.is_ipv4() {
            "0.0.0.0:0"
        } else {
            "[::]:0"
        }
        .parse()
        .map_err(|_| Error::Malformed("local address"))?;
        let socket = UdpSocket::bind(local).await?;
        Client::start(Link::Udp(socket), agent, config)
    }

    /// Connects to `agent` over UDP, TCP or a Unix socket (net-snmp's `udp:`, `tcp:`,
    /// `unix:` notation) and starts the driver task. On a stream, requests are not
    /// retransmitted (the stream is reliable): one that is not answered in the
    /// timeout fails with [`Error::Timeout`].
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), smic_snmp::client::Error> {
    /// use smic_snmp::Version;
    /// use smic_snmp::client::{Client, Config};
    /// let agent = "tcp:127.0.0.1:1161".parse().unwrap();
    /// let client = Client::connect_to(&agent, Config::community(Version::V2c, "public")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_to(
        agent: &crate::transport::Address,
        config: Config,
    ) -> Result<Client, Error> {
        use crate::transport::Address;
        match agent {
            Address::Udp(agent) => Client::connect(*agent, config).await,
            Address::Tcp(agent) => {
                let stream = tokio::net::TcpStream::connect(agent).await?;
                let _ = stream.set_nodelay(true);
                let (reader, writer) = stream.into_split();
                Client::start(Link::stream(reader, writer), *agent, config)
            }
            Address::Unix(path) => {
                let stream = tokio::net::UnixStream::connect(path).await?;
                let (reader, writer) = stream.into_split();
                // A Unix peer has no address; answers are matched by request alone.
                let agent = SocketAddr::from(([0, 0, 0, 0], 0));
                Client::start(Link::stream(reader, writer), agent, config)
            }
        }
    }

    fn start(link: Link, agent: SocketAddr, config: Config) -> Result<Client, Error> {
        let stats = Arc::new(Stats::default());
        let protocol = match &config.security {
            Security::Community { version, community } => Protocol::Community {
                version: *version,
                community: community.clone(),
            },
            Security::Usm(usm) => {
                usm.check().map_err(Error::Security)?;
                Protocol::Usm(Box::new(Session::new(
                    usm.clone(),
                    Arc::clone(&stats),
                    Instant::now(),
                )))
            }
        };
        let seed = seed();
        let (commands, receiver) = mpsc::unbounded_channel();
        let driver = Driver {
            link,
            agent,
            requests: Requests::new(config.timeout, config.retries, seed),
            protocol,
            waiting: HashMap::new(),
            pending: Vec::new(),
            discovery: None,
        };
        tokio::spawn(driver.run(receiver));
        Ok(Client {
            config,
            commands,
            stats,
        })
    }

    /// The `usmStats` counters of SNMPv3 answers this client refused (wrong digest,
    /// outside the time window …); all zero for community-based clients.
    pub fn usm_stats(&self) -> &Stats {
        &self.stats
    }

    /// Sends one PDU (its request-id is assigned here) and waits for the response PDU.
    pub async fn request(
        &self,
        kind: PduType,
        varbinds: Vec<VarBind>,
        fields: (i32, i32),
    ) -> Result<Pdu, Error> {
        let pdu = Pdu {
            kind,
            request_id: 0,
            error_status: fields.0,
            error_index: fields.1,
            varbinds,
        };
        let (reply, response) = oneshot::channel();
        self.commands
            .send(Command { pdu, reply })
            .map_err(|_| Error::Closed)?;
        response.await.map_err(|_| Error::Closed)?
    }

    /// `GetRequest`. A `tooBig` answer to several OIDs is retried in halves.
    pub async fn get(&self, oids: &[Oid]) -> Result<Vec<VarBind>, Error> {
        self.split_on_too_big(PduType::Get, oids).await
    }

    /// `GetNextRequest`.
    pub async fn get_next(&self, oids: &[Oid]) -> Result<Vec<VarBind>, Error> {
        self.split_on_too_big(PduType::GetNext, oids).await
    }

    fn split_on_too_big<'a>(
        &'a self,
        kind: PduType,
        oids: &'a [Oid],
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<VarBind>, Error>> + Send + 'a>>
    {
        Box::pin(async move {
            let varbinds = oids.iter().cloned().map(VarBind::null).collect();
            let pdu = self.request(kind, varbinds, (0, 0)).await?;
            match pdu.error_status {
                0 if pdu.varbinds.len() == oids.len() => Ok(pdu.varbinds),
                0 => Err(Error::Malformed(
                    "the response has another number of bindings",
                )),
                1 if oids.len() > 1 => {
                    let (left, right) = oids.split_at(oids.len() / 2);
                    let mut out = self.split_on_too_big(kind, left).await?;
                    out.extend(self.split_on_too_big(kind, right).await?);
                    Ok(out)
                }
                status => Err(agent_error(status, pdu.error_index)),
            }
        })
    }

    /// `GetBulkRequest` (SNMPv2c).
    pub async fn get_bulk(
        &self,
        non_repeaters: i32,
        max_repetitions: i32,
        oids: &[Oid],
    ) -> Result<Vec<VarBind>, Error> {
        let varbinds = oids.iter().cloned().map(VarBind::null).collect();
        let pdu = self
            .request(PduType::GetBulk, varbinds, (non_repeaters, max_repetitions))
            .await?;
        match pdu.error_status {
            0 => Ok(pdu.varbinds),
            status => Err(agent_error(status, pdu.error_index)),
        }
    }

    /// `SetRequest`.
    pub async fn set(&self, varbinds: Vec<VarBind>) -> Result<Vec<VarBind>, Error> {
        let pdu = self.request(PduType::Set, varbinds, (0, 0)).await?;
        match pdu.error_status {
            0 => Ok(pdu.varbinds),
            status => Err(agent_error(status, pdu.error_index)),
        }
    }

    /// Sends an InformRequest (SNMPv2c or SNMPv3) and waits for the receiver's
    /// acknowledgement, retransmitting as for any request.
    pub async fn inform(&self, notice: &crate::notify::Notice) -> Result<(), Error> {
        if let Security::Community {
            version: Version::V1,
            ..
        } = self.config.security
        {
            return Err(Error::Malformed("SNMPv1 has no InformRequest"));
        }
        let pdu = self
            .request(PduType::Inform, notice.to_varbinds(), (0, 0))
            .await?;
        match pdu.error_status {
            0 => Ok(()),
            status => Err(agent_error(status, pdu.error_index)),
        }
    }

    /// Every binding under `root`, in order: GetBulk with SNMPv2c, GetNext with SNMPv1.
    /// Stops at the end of the subtree or the MIB view; an agent that returns a
    /// non-increasing OID ends the walk with [`Error::NonIncreasing`].
    pub fn walk(&self, root: Oid) -> Walk<'_> {
        Walk {
            client: self,
            root: root.clone(),
            cursor: root,
            buffered: Vec::new(),
            done: false,
        }
    }
}

/// A walk in progress (see [`Client::walk`]).
pub struct Walk<'c> {
    client: &'c Client,
    root: Oid,
    cursor: Oid,
    buffered: Vec<VarBind>,
    done: bool,
}

impl Walk<'_> {
    /// The next binding, or `None` at the end of the subtree.
    pub async fn next(&mut self) -> Option<Result<VarBind, Error>> {
        if self.buffered.is_empty() && !self.done {
            if let Err(err) = self.fetch().await {
                self.done = true;
                return Some(Err(err));
            }
        }
        if self.buffered.is_empty() {
            return None;
        }
        Some(Ok(self.buffered.remove(0)))
    }

    async fn fetch(&mut self) -> Result<(), Error> {
        let bulk = self.client.config.security.has_bulk() && self.client.config.bulk;
        let batch = match bulk {
            true => {
                let repetitions =
                    i32::try_from(self.client.config.max_repetitions).unwrap_or(i32::MAX);
                self.client
                    .get_bulk(0, repetitions, std::slice::from_ref(&self.cursor))
                    .await?
            }
            false => match self
                .client
                .get_next(std::slice::from_ref(&self.cursor))
                .await
            {
                // SNMPv1 ends a walk with noSuchName; SNMPv2c with endOfMibView (below).
                Err(Error::Agent {
                    status: ErrorStatus::NoSuchName,
                    ..
                }) => Vec::new(),
                other => other?,
            },
        };
        if batch.is_empty() {
            self.done = true;
        }
        for binding in batch {
            if binding.value == Value::EndOfMibView || !binding.oid.starts_with(&self.root) {
                self.done = true;
                break;
            }
            if binding.oid <= self.cursor {
                self.done = true;
                return Err(Error::NonIncreasing {
                    previous: self.cursor.clone(),
                    next: binding.oid,
                });
            }
            self.cursor = binding.oid.clone();
            self.buffered.push(binding);
        }
        Ok(())
    }
}

/// How the driver turns PDUs into datagrams and back.
enum Protocol {
    Community {
        version: Version,
        community: Vec<u8>,
    },
    Usm(Box<Session>),
}

/// A request sent and not yet answered.
struct Waiting {
    pdu: Pdu,
    reply: oneshot::Sender<Result<Pdu, Error>>,
    /// Whether it was already sent again after a notInTimeWindow Report.
    resynchronized: bool,
}

/// The driver: owns the socket, sends what callers ask, routes responses, retransmits
/// and times out; with SNMPv3, discovers the engine and follows its clock.
struct Driver {
    link: Link,
    agent: SocketAddr,
    requests: Requests,
    protocol: Protocol,
    waiting: HashMap<i32, Waiting>,
    /// Requests waiting for engine discovery.
    pending: Vec<(i32, Waiting)>,
    /// The outstanding discovery probe.
    discovery: Option<i32>,
}

impl Driver {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut buf = vec![0u8; 65_536];
        let mut open = true;
        while open || !self.waiting.is_empty() || !self.pending.is_empty() {
            let deadline = self.requests.next_deadline();
            tokio::select! {
                command = commands.recv(), if open => match command {
                    None => open = false,
                    Some(Command { pdu, reply }) => {
                        let waiting = Waiting { pdu, reply, resynchronized: false };
                        self.submit(waiting).await;
                    }
                },
                received = self.link.recv(&mut buf, self.agent) => {
                    if let Some((message, from)) = received {
                        self.receive(from, &message).await;
                    }
                },
                () = sleep_until(deadline), if deadline.is_some() => self.expire().await,
            }
            // Callers that gave up (dropped their future) free their slot.
            let requests = &mut self.requests;
            self.waiting.retain(|id, waiting| {
                let keep = !waiting.reply.is_closed();
                if !keep {
                    requests.cancel(*id);
                }
                keep
            });
        }
    }

    /// Sends a new request, or parks it until the engine is discovered.
    async fn submit(&mut self, mut waiting: Waiting) {
        let id = self.requests.allocate();
        waiting.pdu.request_id = id;
        if let Protocol::Usm(session) = &self.protocol {
            if session.needs_discovery() {
                if self.discovery.is_none() {
                    let probe = self.requests.allocate();
                    let bytes = session.discovery(probe);
                    self.discovery = Some(probe);
                    if let Err(err) = self.send(probe, bytes).await {
                        self.discovery = None;
                        let _ = waiting.reply.send(Err(err));
                        return;
                    }
                }
                self.pending.push((id, waiting));
                return;
            }
        }
        self.transmit(id, waiting).await;
    }

    /// Encodes and sends a request and waits for its answer.
    async fn transmit(&mut self, id: i32, waiting: Waiting) {
        let bytes = match &self.protocol {
            Protocol::Community { version, community } => Message {
                version: *version,
                community: community.clone(),
                pdu: AnyPdu::Pdu(waiting.pdu.clone()),
            }
            .encode(),
            Protocol::Usm(session) => match session.encode(id, &waiting.pdu, Instant::now()) {
                Some(bytes) => bytes,
                None => {
                    let _ = waiting
                        .reply
                        .send(Err(Error::Security("no key for the security level")));
                    return;
                }
            },
        };
        match self.send(id, bytes).await {
            Ok(()) => {
                self.waiting.insert(id, waiting);
            }
            Err(err) => {
                let _ = waiting.reply.send(Err(err));
            }
        }
    }

    async fn send(&mut self, id: i32, bytes: Vec<u8>) -> Result<(), Error> {
        let bytes = self
            .requests
            .start(id, bytes, self.agent, Instant::now())
            .to_vec();
        if let Err(err) = self.link.send(&bytes, self.agent).await {
            self.requests.cancel(id);
            return Err(Error::Io(err));
        }
        Ok(())
    }

    async fn receive(&mut self, from: SocketAddr, bytes: &[u8]) {
        match &mut self.protocol {
            Protocol::Community { .. } => {
                if let Ok(Event::Response(id, message)) = self.requests.receive(from, bytes) {
                    if let (Some(waiting), AnyPdu::Pdu(pdu)) =
                        (self.waiting.remove(&id), message.pdu)
                    {
                        let _ = waiting.reply.send(Ok(pdu));
                    }
                }
            }
            Protocol::Usm(session) => match session.receive(bytes, Instant::now()) {
                Ok(Received::Response { msg_id, pdu }) => {
                    if pdu.request_id == msg_id && self.requests.complete(msg_id, from).is_ok() {
                        if let Some(waiting) = self.waiting.remove(&msg_id) {
                            let _ = waiting.reply.send(Ok(pdu));
                        }
                    }
                }
                Ok(Received::Report { msg_id, report }) => {
                    if self.requests.complete(msg_id, from).is_ok() {
                        self.report(msg_id, report).await;
                    }
                }
                // Refused messages are counted by the session and otherwise dropped,
                // as RFC 3412 §7.2 says: an attacker must not be able to end a request.
                Err(_) => {}
            },
        }
    }

    async fn report(&mut self, msg_id: i32, report: Report) {
        if self.discovery == Some(msg_id) {
            self.discovery = None;
            let discovered = matches!(&self.protocol, Protocol::Usm(s) if !s.needs_discovery());
            for (id, waiting) in std::mem::take(&mut self.pending) {
                if discovered {
                    self.transmit(id, waiting).await;
                } else {
                    let _ = waiting.reply.send(Err(Error::Report(report.clone())));
                }
            }
            return;
        }
        let Some(mut waiting) = self.waiting.remove(&msg_id) else {
            return;
        };
        if report == Report::Usm(crate::usm::Counter::NotInTimeWindows) && !waiting.resynchronized {
            // The session took the agent's clock from the report: send again, once.
            waiting.resynchronized = true;
            let id = self.requests.allocate();
            waiting.pdu.request_id = id;
            self.transmit(id, waiting).await;
            return;
        }
        let _ = waiting.reply.send(Err(Error::Report(report)));
    }

    async fn expire(&mut self) {
        let (resend, expired) = self.requests.poll(Instant::now());
        if self.link.retransmits() {
            for (bytes, target) in resend {
                let _ = self.link.send(&bytes, target).await;
            }
        }
        for event in expired {
            let Event::TimedOut(id) = event else {
                continue;
            };
            if self.discovery == Some(id) {
                self.discovery = None;
                for (_, waiting) in std::mem::take(&mut self.pending) {
                    let _ = waiting.reply.send(Err(Error::Timeout));
                }
            } else if let Some(waiting) = self.waiting.remove(&id) {
                let _ = waiting.reply.send(Err(Error::Timeout));
            }
        }
    }
}

/// What the driver talks to the agent over.
enum Link {
    Udp(UdpSocket),
    Stream {
        reader: Box<dyn tokio::io::AsyncRead + Send + Unpin>,
        writer: Box<dyn tokio::io::AsyncWrite + Send + Unpin>,
        framer: crate::stream::Framer,
        /// The agent closed the stream (or broke it): nothing more will come.
        closed: bool,
    },
}

impl Link {
    fn stream(
        reader: impl tokio::io::AsyncRead + Send + Unpin + 'static,
        writer: impl tokio::io::AsyncWrite + Send + Unpin + 'static,
    ) -> Link {
        Link::Stream {
            reader: Box::new(reader),
            writer: Box::new(writer),
            framer: crate::stream::Framer::new(MAX_STREAM_MESSAGE),
            closed: false,
        }
    }

    /// Streams deliver or fail; only datagrams are sent again.
    fn retransmits(&self) -> bool {
        matches!(self, Link::Udp(_))
    }

    async fn send(&mut self, bytes: &[u8], to: SocketAddr) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        match self {
            Link::Udp(socket) => socket.send_to(bytes, to).await.map(|_| ()),
            Link::Stream { writer, .. } => writer.write_all(bytes).await,
        }
    }

    /// The next message and who sent it; `None` for a datagram that could not be
    /// read. A closed stream never yields again (its requests time out).
    async fn recv(&mut self, buf: &mut [u8], agent: SocketAddr) -> Option<(Vec<u8>, SocketAddr)> {
        use tokio::io::AsyncReadExt;
        match self {
            Link::Udp(socket) => {
                let (len, from) = socket.recv_from(buf).await.ok()?;
                // recv_from never reports more than the buffer holds.
                Some((buf.get(..len)?.to_vec(), from))
            }
            Link::Stream {
                reader,
                framer,
                closed,
                ..
            } => loop {
                if *closed {
                    std::future::pending::<()>().await;
                }
                match framer.next_message() {
                    Ok(Some(message)) => return Some((message, agent)),
                    Ok(None) => {}
                    Err(error) => {
                        tracing::debug!(%error, "the agent's stream cannot be cut into messages");
                        *closed = true;
                        continue;
                    }
                }
                match reader.read(buf).await {
                    Ok(0) | Err(_) => *closed = true,
                    Ok(n) => framer.push(buf.get(..n).unwrap_or_default()),
                }
            },
        }
    }
}

/// The largest answer read from a stream.
const MAX_STREAM_MESSAGE: usize = 1 << 20;

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(deadline) = deadline {
        tokio::time::sleep_until(deadline.into()).await;
    }
}

/// A request-id seed that differs between processes and runs.
fn seed() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    nanos ^ std::process::id().rotate_left(16)
}
