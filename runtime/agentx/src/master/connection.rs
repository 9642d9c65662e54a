//! Subagent connections: listeners on TCP and Unix sockets, and for each connection a
//! reader that answers the subagent's own PDUs (Open, Register, Notify, …) and hands
//! Responses to the requests waiting for them, and a writer that sends what the
//! master queued, several PDUs per write.

use std::io;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use smic_smi::{Oid, Value};
use smic_snmp::message::VarBind;
use smic_snmp::notify::Notice;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

use super::link::{Link, SessionInfo};
use super::registry::{Owner, RegisterError};
use super::{Listening, Shared};
use crate::subagent::MasterAddress;
use crate::wire::{
    Body, CloseReason, DecodeError, Flags, Frame, FrameError, Framer, Header, Pdu, PduType,
    Response, ResponseError,
};

/// `sysUpTime.0` and `snmpTrapOID.0`, the first bindings of a Notify.
const SYS_UP_TIME: &[u32] = &[1, 3, 6, 1, 2, 1, 1, 3, 0];
const SNMP_TRAP_OID: &[u32] = &[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];

/// How long a write to a subagent may take before its connection is given up.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

pub(super) async fn listen(
    shared: Arc<Shared>,
    address: &MasterAddress,
    unix_mode: Option<u32>,
) -> io::Result<Listening> {
    match address {
        MasterAddress::Tcp(addr) => {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            let local = listener.local_addr()?;
            info!(address = %format!("tcp:{local}"), "AgentX master listening");
            let mut stopping = shared.stopping.subscribe();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        accepted = listener.accept() => match accepted {
                            Ok((stream, peer)) => {
                                let _ = stream.set_nodelay(true);
                                spawn_connection(&shared, stream, format!("tcp:{peer}"));
                            }
                            Err(error) => {
                                warn!(%error, "AgentX accept failed");
                                tokio::time::sleep(Duration::from_millis(50)).await;
                            }
                        },
                        () = stopped(&mut stopping) => break,
                    }
                }
            });
            Ok(Listening::Tcp(local))
        }
        MasterAddress::Unix(path) => {
            // A socket file left by a master that died would make bind fail; a file
            // that is not a socket is not ours to remove.
            if let Ok(meta) = std::fs::symlink_metadata(path) {
                use std::os::unix::fs::FileTypeExt;
                if meta.file_type().is_socket() {
                    std::fs::remove_file(path)?;
                }
            }
            let listener = tokio::net::UnixListener::bind(path)?;
            if let Some(mode) = unix_mode {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
            }
            info!(address = %format!("unix:{}", path.display()), "AgentX master listening");
            let mut stopping = shared.stopping.subscribe();
            let owned = path.clone();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        accepted = listener.accept() => match accepted {
                            Ok((stream, _)) => {
                                spawn_connection(&shared, stream, format!("unix:{}", owned.display()));
                            }
                            Err(error) => {
                                warn!(%error, "AgentX accept failed");
                                tokio::time::sleep(Duration::from_millis(50)).await;
                            }
                        },
                        () = stopped(&mut stopping) => break,
                    }
                }
                let _ = std::fs::remove_file(&owned);
            });
            Ok(Listening::Unix(path.clone()))
        }
    }
}

/// Completes once the master is shutting down.
async fn stopped(stopping: &mut tokio::sync::watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`: dropped here, not held by a caller.
    let _ = stopping.wait_for(|stop| *stop).await;
}

fn spawn_connection<S>(shared: &Arc<Shared>, stream: S, peer: String)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let open = shared.connections.fetch_add(1, Ordering::AcqRel);
    if usize::try_from(open).unwrap_or(usize::MAX) >= shared.limits.max_connections {
        shared.connections.fetch_sub(1, Ordering::AcqRel);
        shared
            .stats
            .connections_refused
            .fetch_add(1, Ordering::Relaxed);
        warn!(%peer, limit = shared.limits.max_connections, "AgentX connection refused: too many");
        return;
    }
    let shared = Arc::clone(shared);
    tokio::spawn(async move {
        serve(Arc::clone(&shared), stream, peer).await;
        shared.connections.fetch_sub(1, Ordering::AcqRel);
    });
}

/// Serves one subagent connection until it ends, then forgets its sessions.
pub(super) async fn serve<S>(shared: Arc<Shared>, stream: S, peer: String)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (read, write) = tokio::io::split(stream);
    let (tx, rx) = mpsc::channel(shared.limits.write_queue.max(1));
    let writer = tokio::spawn(write_loop(write, rx));
    let mut connection = Connection {
        shared: Arc::clone(&shared),
        id: shared.connection_id(),
        peer,
        tx,
        sessions: Vec::new(),
    };
    connection.run(read).await;
    connection.end();
    // The writer ends once every sender (the connection's, the links') is gone.
    drop(connection);
    let _ = tokio::time::timeout(WRITE_TIMEOUT, writer).await;
}

/// Writes queued PDUs, as many as are waiting in one write.
async fn write_loop<W: AsyncWrite + Send + Unpin>(mut write: W, mut rx: mpsc::Receiver<Vec<u8>>) {
    let mut batch = Vec::new();
    while let Some(first) = rx.recv().await {
        batch.clear();
        batch.extend_from_slice(&first);
        while batch.len() < 64 * 1024 {
            match rx.try_recv() {
                Ok(more) => batch.extend_from_slice(&more),
                Err(_) => break,
            }
        }
        match tokio::time::timeout(WRITE_TIMEOUT, write.write_all(&batch)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                debug!(%error, "AgentX write failed");
                break;
            }
            Err(_) => {
                warn!("AgentX subagent not reading: connection given up");
                break;
            }
        }
    }
    let _ = write.shutdown().await;
}

struct Connection {
    shared: Arc<Shared>,
    id: u32,
    peer: String,
    tx: mpsc::Sender<Vec<u8>>,
    /// Sessions opened on this connection.
    sessions: Vec<Arc<Link>>,
}

/// What the reader does after one PDU.
enum Next {
    Continue,
    /// Close the connection, after a Close with this reason when given.
    End(Option<CloseReason>),
}

impl Connection {
    async fn run<R: AsyncRead + Send + Unpin>(&mut self, mut read: R) {
        let mut framer = Framer::new(self.shared.limits.max_payload);
        let mut buf = vec![0u8; 16 * 1024];
        let mut stopping = self.shared.stopping.subscribe();
        loop {
            let frame = match framer.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => {
                    let n = tokio::select! {
                        n = read.read(&mut buf) => n,
                        () = stopped(&mut stopping) => {
                            self.close_all(CloseReason::SHUTDOWN);
                            return;
                        }
                    };
                    match n {
                        Ok(0) => return,
                        Ok(n) => {
                            framer.push(buf.get(..n).unwrap_or_default());
                            continue;
                        }
                        Err(error) => {
                            debug!(peer = %self.peer, %error, "AgentX connection lost");
                            return;
                        }
                    }
                }
                Err(error) => {
                    self.shared
                        .stats
                        .parse_errors
                        .fetch_add(1, Ordering::Relaxed);
                    warn!(peer = %self.peer, %error, "AgentX stream cannot be framed: closing");
                    self.framing_close(&error);
                    return;
                }
            };
            match self.frame(frame) {
                Next::Continue => {}
                Next::End(reason) => {
                    if let Some(reason) = reason {
                        self.close_all(reason);
                    }
                    return;
                }
            }
        }
    }

    /// Close(parseError) for every session, or in the header's order with session 0
    /// when none is open.
    fn framing_close(&mut self, error: &FrameError) {
        debug!(?error, "framing");
        self.close_all(CloseReason::PARSE_ERROR);
    }

    fn close_all(&mut self, reason: CloseReason) {
        for link in &self.sessions {
            let _ = link.send_only(0, Body::Close(reason));
        }
    }

    /// Removes this connection's sessions from the master.
    fn end(&mut self) {
        for link in self.sessions.drain(..) {
            info!(session = link.id(), peer = %self.peer, "AgentX session ended");
            self.shared.drop_session(link.id());
        }
    }

    fn frame(&mut self, frame: Frame) -> Next {
        let pdu = match frame.decode() {
            Ok(pdu) => pdu,
            Err(error) => return self.undecodable(&frame.header, &error),
        };
        match pdu.body {
            Body::Response(response) => {
                match self.session(pdu.session_id) {
                    Some(link) if link.complete(pdu.packet_id, response) => {}
                    _ => {
                        self.shared
                            .stats
                            .unmatched_responses
                            .fetch_add(1, Ordering::Relaxed);
                        debug!(peer = %self.peer, packet = pdu.packet_id, "AgentX Response matches no request");
                    }
                }
                Next::Continue
            }
            Body::Open(_) => {
                self.open(&pdu);
                Next::Continue
            }
            Body::Get(_)
            | Body::GetNext(_)
            | Body::GetBulk(_)
            | Body::TestSet(_)
            | Body::CommitSet
            | Body::UndoSet
            | Body::CleanupSet => {
                warn!(peer = %self.peer, pdu = ?pdu.pdu_type(), "a subagent sent a master's PDU: closing");
                Next::End(Some(CloseReason::PROTOCOL_ERROR))
            }
            _ => {
                let Some(link) = self.session(pdu.session_id) else {
                    self.answer(&pdu, ResponseError::NOT_OPEN, 0, Vec::new());
                    return Next::Continue;
                };
                self.administer(&link, pdu)
            }
        }
    }

    fn session(&self, id: u32) -> Option<Arc<Link>> {
        self.sessions.iter().find(|l| l.id() == id).cloned()
    }

    /// A whole PDU that does not decode: parseError from its header (RFC 2741
    /// §7.1.1), which is all there is to answer with.
    fn undecodable(&mut self, header: &Header, error: &DecodeError) -> Next {
        self.shared
            .stats
            .parse_errors
            .fetch_add(1, Ordering::Relaxed);
        debug!(peer = %self.peer, %error, "undecodable AgentX PDU");
        if header.pdu_type() == Some(PduType::Response) {
            return Next::Continue;
        }
        let reply = Pdu {
            session_id: header.session_id,
            transaction_id: header.transaction_id,
            packet_id: header.packet_id,
            byte_order: header.byte_order(),
            flags: Flags::NONE,
            context: None,
            body: Body::Response(self.response(ResponseError::PARSE_ERROR, 0, Vec::new())),
        };
        self.write(&reply);
        Next::Continue
    }

    fn response(&self, error: ResponseError, index: u16, varbinds: Vec<VarBind>) -> Response {
        Response {
            sys_up_time: self.shared.uptime(),
            error,
            index,
            varbinds,
        }
    }

    fn answer(&self, request: &Pdu, error: ResponseError, index: u16, varbinds: Vec<VarBind>) {
        let reply = request.response(self.response(error, index, varbinds));
        self.write(&reply);
    }

    fn write(&self, pdu: &Pdu) {
        match pdu.encode() {
            Ok(bytes) => {
                if self.tx.try_send(bytes).is_err() {
                    self.shared.stats.busy.fetch_add(1, Ordering::Relaxed);
                    debug!(peer = %self.peer, "AgentX answer not queued: the subagent is not reading");
                }
            }
            Err(error) => debug!(%error, "AgentX answer not encodable"),
        }
    }

    fn open(&mut self, pdu: &Pdu) {
        let Body::Open(open) = &pdu.body else {
            return;
        };
        let limits = self.shared.limits;
        let total = self
            .shared
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .len();
        if self.sessions.len() >= limits.sessions_per_connection || total >= limits.max_sessions {
            self.shared
                .stats
                .opens_refused
                .fetch_add(1, Ordering::Relaxed);
            warn!(peer = %self.peer, "AgentX Open refused: too many sessions");
            self.answer(pdu, ResponseError::OPEN_FAILED, 0, Vec::new());
            return;
        }
        let id = self.shared.session_id();
        let info = SessionInfo {
            id,
            object_id: open.id.clone(),
            descr: open.descr.clone(),
            connection: self.id,
            timeout: open.timeout,
            byte_order: pdu.byte_order,
            opened: std::time::Instant::now(),
        };
        let timeout = match open.timeout {
            0 => limits.default_timeout,
            seconds => Duration::from_secs(u64::from(seconds)),
        };
        let link = Arc::new(Link::new(
            info,
            timeout,
            limits.max_timeout,
            self.tx.clone(),
        ));
        self.shared
            .sessions
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, Arc::clone(&link));
        self.sessions.push(link);
        self.shared
            .stats
            .sessions_opened
            .fetch_add(1, Ordering::Relaxed);
        info!(
            session = id,
            peer = %self.peer,
            descr = %String::from_utf8_lossy(&open.descr),
            "AgentX session opened"
        );
        // The Response to an Open carries the new session's ID in its header.
        let mut reply = pdu.response(self.response(ResponseError::NO_ERROR, 0, Vec::new()));
        reply.session_id = id;
        self.write(&reply);
    }

    /// A PDU of an open session other than Open and Response.
    fn administer(&mut self, link: &Arc<Link>, pdu: Pdu) -> Next {
        let context = pdu.context.clone().unwrap_or_default();
        let owner = Owner::Session(link.id());
        match &pdu.body {
            Body::Close(reason) => {
                info!(
                    session = link.id(),
                    reason = reason.name(),
                    "AgentX session closed by the subagent"
                );
                self.answer(&pdu, ResponseError::NO_ERROR, 0, Vec::new());
                self.sessions.retain(|l| l.id() != link.id());
                self.shared.drop_session(link.id());
            }
            Body::Register(register) => {
                let result = {
                    let mut registry = self.shared.registry_mut();
                    let result = registry.register(
                        owner,
                        &context,
                        register.subtree.clone(),
                        register.range,
                        register.priority,
                        register.timeout,
                    );
                    if let Ok(index) = result {
                        if pdu.flags.contains(Flags::INSTANCE_REGISTRATION) {
                            registry.mark_instance(index);
                        }
                    }
                    result
                };
                let error = match result {
                    Ok(_) => {
                        self.shared.changed(&self.shared.registrations_changed);
                        debug!(session = link.id(), subtree = %register.subtree, "registered");
                        ResponseError::NO_ERROR
                    }
                    Err(RegisterError::Duplicate) => ResponseError::DUPLICATE_REGISTRATION,
                    Err(RegisterError::Denied) => ResponseError::REQUEST_DENIED,
                };
                self.answer(&pdu, error, 0, Vec::new());
            }
            Body::Unregister(unregister) => {
                let found = self.shared.registry_mut().unregister(
                    owner,
                    &context,
                    &unregister.subtree,
                    unregister.range,
                    unregister.priority,
                );
                let error = if found {
                    self.shared.changed(&self.shared.registrations_changed);
                    ResponseError::NO_ERROR
                } else {
                    ResponseError::UNKNOWN_REGISTRATION
                };
                self.answer(&pdu, error, 0, Vec::new());
            }
            Body::Notify(varbinds) => {
                let error = self.notify(link, varbinds);
                self.answer(&pdu, error, 0, Vec::new());
            }
            Body::Ping => self.answer(&pdu, ResponseError::NO_ERROR, 0, Vec::new()),
            Body::IndexAllocate(varbinds) | Body::IndexDeallocate(varbinds) => {
                let request: Vec<(Oid, Value)> = varbinds
                    .iter()
                    .map(|vb| (vb.oid.clone(), vb.value.clone()))
                    .collect();
                let mut indexes = self
                    .shared
                    .indexes
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                let result = if matches!(pdu.body, Body::IndexAllocate(_)) {
                    indexes.allocate(
                        link.id(),
                        &context,
                        pdu.flags,
                        &request,
                        self.shared.limits.indexes_per_session,
                    )
                } else {
                    indexes
                        .deallocate(link.id(), &context, &request)
                        .map(|()| request)
                };
                drop(indexes);
                match result {
                    Ok(values) => {
                        let varbinds = values
                            .into_iter()
                            .map(|(oid, value)| VarBind { oid, value })
                            .collect();
                        self.answer(&pdu, ResponseError::NO_ERROR, 0, varbinds);
                    }
                    Err((error, index)) => self.answer(&pdu, error, index, varbinds.clone()),
                }
            }
            // Agent capabilities are acknowledged; sysORTable is not served from them
            // yet.
            Body::AddAgentCaps { .. } => self.answer(&pdu, ResponseError::NO_ERROR, 0, Vec::new()),
            Body::RemoveAgentCaps { .. } => {
                self.answer(&pdu, ResponseError::NO_ERROR, 0, Vec::new());
            }
            _ => {}
        }
        Next::Continue
    }

    /// Forwards a Notify to the agent; the answer to give the subagent.
    fn notify(&self, link: &Link, varbinds: &[VarBind]) -> ResponseError {
        let mut rest = varbinds;
        let mut uptime = self.shared.uptime();
        if let Some((first, after)) = rest.split_first() {
            if first.oid.arcs() == SYS_UP_TIME {
                if let Value::TimeTicks(ticks) = first.value {
                    uptime = ticks;
                }
                rest = after;
            }
        }
        let Some((trap, bindings)) = rest.split_first() else {
            return ResponseError::PROCESSING_ERROR;
        };
        let (true, Value::ObjectIdentifier(trap_oid)) =
            (trap.oid.arcs() == SNMP_TRAP_OID, &trap.value)
        else {
            debug!(session = link.id(), "Notify without snmpTrapOID.0");
            return ResponseError::PROCESSING_ERROR;
        };
        let notice = Notice {
            trap_oid: trap_oid.clone(),
            uptime,
            varbinds: bindings.to_vec(),
        };
        match self.shared.notices.try_send(notice) {
            Ok(()) => {
                self.shared
                    .stats
                    .notifications
                    .fetch_add(1, Ordering::Relaxed);
                ResponseError::NO_ERROR
            }
            Err(_) => {
                let dropped = self
                    .shared
                    .stats
                    .notifications_dropped
                    .fetch_add(1, Ordering::Relaxed)
                    + 1;
                warn!(
                    session = link.id(),
                    dropped, "notification queue full: Notify refused"
                );
                ResponseError::PROCESSING_ERROR
            }
        }
    }
}
