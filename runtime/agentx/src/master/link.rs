//! The master's side of one open session: requests to the subagent, each matched to
//! its Response by packetID, many in flight on one connection.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use smic_smi::Oid;
use tokio::sync::{mpsc, oneshot};

use crate::wire::{Body, ByteOrder, Flags, Pdu, Response};

/// Why a request to a subagent got no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallError {
    /// The session closed (or its connection went away) first.
    Closed,
    /// No Response within the timeout.
    Timeout,
    /// The connection's write queue is full: the subagent is not reading.
    Busy,
}

/// What the subagent said about itself in its Open.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    /// The session ID the master gave it.
    pub id: u32,
    /// `o.id`: the subagent's object identifier.
    pub object_id: Oid,
    /// `o.descr`.
    pub descr: Vec<u8>,
    /// The connection it came on (`agentxConnIndex`).
    pub connection: u32,
    /// `o.timeout` in seconds (0: the master's default).
    pub timeout: u8,
    /// Byte order of its PDUs.
    pub byte_order: ByteOrder,
    /// When it opened.
    pub opened: Instant,
}

/// One open session.
pub(crate) struct Link {
    pub(crate) info: SessionInfo,
    /// The default timeout of requests to it.
    timeout: Duration,
    /// The longest any request to it waits.
    max_timeout: Duration,
    writer: mpsc::Sender<Vec<u8>>,
    pending: Mutex<HashMap<u32, oneshot::Sender<Response>>>,
    next_packet: AtomicU32,
    /// Requests in a row that timed out.
    pub(crate) timeouts: AtomicU32,
    closed: AtomicBool,
}

/// A request sent, its Response still to come.
pub(crate) struct Pending {
    packet_id: u32,
    rx: oneshot::Receiver<Response>,
    timeout: Duration,
}

impl Link {
    pub(crate) fn new(
        info: SessionInfo,
        timeout: Duration,
        max_timeout: Duration,
        writer: mpsc::Sender<Vec<u8>>,
    ) -> Link {
        Link {
            info,
            timeout: timeout.min(max_timeout),
            max_timeout,
            writer,
            pending: Mutex::new(HashMap::new()),
            next_packet: AtomicU32::new(1),
            timeouts: AtomicU32::new(0),
            closed: AtomicBool::new(false),
        }
    }

    pub(crate) fn id(&self) -> u32 {
        self.info.id
    }

    /// Sends a request; `timeout` in seconds overrides the session's when not 0.
    pub(crate) fn start(
        &self,
        transaction_id: u32,
        context: &[u8],
        body: Body,
        timeout: u8,
    ) -> Result<Pending, CallError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(CallError::Closed);
        }
        let packet_id = self.next_packet.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending_map().insert(packet_id, tx);
        if let Err(error) = self.send(transaction_id, packet_id, context, body) {
            self.pending_map().remove(&packet_id);
            return Err(error);
        }
        let timeout = match timeout {
            0 => self.timeout,
            seconds => Duration::from_secs(u64::from(seconds)).min(self.max_timeout),
        };
        Ok(Pending {
            packet_id,
            rx,
            timeout,
        })
    }

    /// Sends a PDU that gets no Response (CleanupSet).
    pub(crate) fn send_only(&self, transaction_id: u32, body: Body) -> Result<(), CallError> {
        let packet_id = self.next_packet.fetch_add(1, Ordering::Relaxed);
        self.send(transaction_id, packet_id, b"", body)
    }

    fn send(
        &self,
        transaction_id: u32,
        packet_id: u32,
        context: &[u8],
        body: Body,
    ) -> Result<(), CallError> {
        let pdu = Pdu {
            session_id: self.info.id,
            transaction_id,
            packet_id,
            byte_order: self.info.byte_order,
            flags: Flags::NONE,
            context: (!context.is_empty() && body.pdu_type().has_context())
                .then(|| context.to_vec()),
            body,
        };
        // Only a PDU built from what a subagent sent can fail to encode (an OID too
        // long): it is as good as unanswered.
        let bytes = pdu.encode().map_err(|_| CallError::Closed)?;
        self.writer.try_send(bytes).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => CallError::Busy,
            mpsc::error::TrySendError::Closed(_) => CallError::Closed,
        })
    }

    /// Hands a Response to the request waiting for it; whether one was.
    pub(crate) fn complete(&self, packet_id: u32, response: Response) -> bool {
        match self.pending_map().remove(&packet_id) {
            Some(tx) => tx.send(response).is_ok(),
            None => false,
        }
    }

    /// Marks the session closed: every request waiting fails now.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.pending_map().clear();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    fn pending_map(&self) -> std::sync::MutexGuard<'_, HashMap<u32, oneshot::Sender<Response>>> {
        // The map holds no invariant a panic elsewhere could break.
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Pending {
    /// The Response, or why there is none.
    pub(crate) async fn wait(self, link: &Link) -> Result<Response, CallError> {
        match tokio::time::timeout(self.timeout, self.rx).await {
            Ok(Ok(response)) => {
                link.timeouts.store(0, Ordering::Relaxed);
                Ok(response)
            }
            Ok(Err(_)) => Err(CallError::Closed),
            Err(_) => {
                // A late Response then finds nobody waiting and is dropped.
                link.pending_map().remove(&self.packet_id);
                link.timeouts.fetch_add(1, Ordering::Relaxed);
                Err(CallError::Timeout)
            }
        }
    }
}
