//! The manager (command generator): get, get-next, get-bulk, set and walk over UDP,
//! many requests in flight on one socket.
//!
//! A driver task owns the socket and the sans-IO [`core::Requests`] table; callers send
//! it requests and await their responses. Responses from the wrong address, for unknown
//! requests or that do not decode are dropped, as on any UDP manager.
//!
//! Besides the raw operations on OIDs and [`Value`]s, the client reads MIB objects as
//! the Rust types smic generates: [`Client::get_scalar`], [`Client::get_column`],
//! [`Client::table`] and [`Client::table_partial`], generic over the traits of
//! [`smic_smi::object`] and failing with [`BindingError`] where a binding does not fit.

pub mod core;
mod typed;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use smic_smi::{Oid, Value};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use self::core::{Event, Requests};
pub use self::typed::{BindingError, PartialTable};
use crate::message::{AnyPdu, Message, Pdu, PduType, VarBind, Version};

/// How a [`Client`] talks to its agent.
#[derive(Clone, Debug)]
pub struct Config {
    /// SNMPv1 or SNMPv2c.
    pub version: Version,
    /// The community.
    pub community: Vec<u8>,
    /// How long to wait for each attempt.
    pub timeout: Duration,
    /// How many times to send again after the first attempt.
    pub retries: u32,
    /// `max-repetitions` of the GetBulk requests a walk sends.
    pub max_repetitions: u32,
    /// Whether SNMPv2c walks use GetBulk (GetNext otherwise; SNMPv1 always does).
    pub bulk: bool,
}

impl Default for Config {
    /// net-snmp's defaults: v2c, community `public`, 1 s timeout, 5 retries, 10 repetitions.
    fn default() -> Self {
        Config {
            version: Version::V2c,
            community: b"public".to_vec(),
            timeout: Duration::from_secs(1),
            retries: 5,
            max_repetitions: 10,
            bulk: true,
        }
    }
}

/// RFC 3416 §3's error-status names, indexed by value.
pub const ERROR_STATUS: [&str; 19] = [
    "noError",
    "tooBig",
    "noSuchName",
    "badValue",
    "readOnly",
    "genErr",
    "noAccess",
    "wrongType",
    "wrongLength",
    "wrongEncoding",
    "wrongValue",
    "noCreation",
    "inconsistentValue",
    "resourceUnavailable",
    "commitFailed",
    "undoFailed",
    "authorizationError",
    "notWritable",
    "inconsistentName",
];

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
    #[error("the agent answered {} (error-index {index})", status_name(*.status))]
    Agent {
        /// error-status.
        status: i32,
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
    /// A typed read got a binding that does not fit its object: an exception, a value
    /// of the wrong type or out of range, an instance that is not a valid index.
    #[error(transparent)]
    Binding(#[from] BindingError),
}

fn status_name(status: i32) -> String {
    usize::try_from(status)
        .ok()
        .and_then(|s| ERROR_STATUS.get(s))
        .map_or_else(
            || format!("error-status {status}"),
            |name| (*name).to_string(),
        )
}

struct Command {
    pdu: Pdu,
    reply: oneshot::Sender<Result<Message, Error>>,
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
        let seed = seed();
        let requests = Requests::new(config.timeout, config.retries, seed);
        let (commands, receiver) = mpsc::unbounded_channel();
        tokio::spawn(drive(socket, agent, requests, receiver, config.clone()));
        Ok(Client { config, commands })
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
        let message = response.await.map_err(|_| Error::Closed)??;
        match message.pdu {
            AnyPdu::Pdu(pdu) => Ok(pdu),
            AnyPdu::TrapV1(_) => Err(Error::Malformed("a trap in answer to a request")),
        }
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
                status => Err(Error::Agent {
                    status,
                    index: pdu.error_index,
                }),
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
            status => Err(Error::Agent {
                status,
                index: pdu.error_index,
            }),
        }
    }

    /// `SetRequest`.
    pub async fn set(&self, varbinds: Vec<VarBind>) -> Result<Vec<VarBind>, Error> {
        let pdu = self.request(PduType::Set, varbinds, (0, 0)).await?;
        match pdu.error_status {
            0 => Ok(pdu.varbinds),
            status => Err(Error::Agent {
                status,
                index: pdu.error_index,
            }),
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
        let bulk = self.client.config.version == Version::V2c && self.client.config.bulk;
        let batch = match if bulk { Version::V2c } else { Version::V1 } {
            Version::V2c => {
                let repetitions =
                    i32::try_from(self.client.config.max_repetitions).unwrap_or(i32::MAX);
                self.client
                    .get_bulk(0, repetitions, std::slice::from_ref(&self.cursor))
                    .await?
            }
            Version::V1 => match self
                .client
                .get_next(std::slice::from_ref(&self.cursor))
                .await
            {
                // SNMPv1 ends a walk with noSuchName; SNMPv2c with endOfMibView (below).
                Err(Error::Agent { status: 2, .. }) => Vec::new(),
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

/// The driver: owns the socket, sends what callers ask, routes responses, retransmits
/// and times out.
async fn drive(
    socket: UdpSocket,
    agent: SocketAddr,
    mut requests: Requests,
    mut commands: mpsc::UnboundedReceiver<Command>,
    config: Config,
) {
    let mut waiting: HashMap<i32, oneshot::Sender<Result<Message, Error>>> = HashMap::new();
    let mut buf = vec![0u8; 65_536];
    let mut open = true;
    while open || !waiting.is_empty() {
        let deadline = requests.next_deadline();
        tokio::select! {
            command = commands.recv(), if open => match command {
                None => open = false,
                Some(Command { mut pdu, reply }) => {
                    let id = requests.allocate();
                    pdu.request_id = id;
                    let message = Message { version: config.version, community: config.community.clone(), pdu: AnyPdu::Pdu(pdu) };
                    let bytes = requests.start(id, message.encode(), agent, Instant::now()).to_vec();
                    match socket.send_to(&bytes, agent).await {
                        Ok(_) => {
                            waiting.insert(id, reply);
                        }
                        Err(err) => {
                            requests.cancel(id);
                            let _ = reply.send(Err(Error::Io(err)));
                        }
                    }
                }
            },
            received = socket.recv_from(&mut buf) => {
                if let Ok((len, from)) = received {
                    if let Ok(Event::Response(id, message)) = requests.receive(from, &buf[..len]) {
                        if let Some(reply) = waiting.remove(&id) {
                            let _ = reply.send(Ok(message));
                        }
                    }
                }
            },
            () = sleep_until(deadline), if deadline.is_some() => {
                let (resend, expired) = requests.poll(Instant::now());
                for (bytes, target) in resend {
                    let _ = socket.send_to(&bytes, target).await;
                }
                for event in expired {
                    if let Event::TimedOut(id) = event {
                        if let Some(reply) = waiting.remove(&id) {
                            let _ = reply.send(Err(Error::Timeout));
                        }
                    }
                }
            },
        }
        // Callers that gave up (dropped their future) free their slot.
        waiting.retain(|id, reply| {
            let keep = !reply.is_closed();
            if !keep {
                requests.cancel(*id);
            }
            keep
        });
    }
}

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
