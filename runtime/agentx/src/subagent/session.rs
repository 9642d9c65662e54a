//! One connection to the master: PDUs read through the [`Framer`], written whole, and
//! the subagent's own requests matched to their Responses while the master's requests
//! keep being served.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tracing::{debug, warn};

use super::SubagentError;
use super::serve::Dispatcher;
use crate::wire::{
    Body, ByteOrder, CloseReason, DecodeError, Flags, Frame, FrameError, Framer, Header, Pdu,
    Response, ResponseError,
};

/// The size of one read from the socket.
const READ_CHUNK: usize = 16 * 1024;

/// A byte stream to the master (TCP or Unix).
pub(super) trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

/// What came from the master.
pub(super) enum Incoming {
    /// A PDU that decoded.
    Pdu(Pdu),
    /// A whole PDU that did not decode: answered from its header.
    Undecodable(Header, DecodeError),
}

/// How a session ended.
#[derive(Debug)]
pub(super) enum Lost {
    /// The stream closed or failed.
    Io(std::io::Error),
    /// The stream carried bytes that cannot be cut into PDUs.
    Framing(FrameError),
    /// The master closed the session.
    Closed(CloseReason),
    /// The master stopped answering.
    Timeout,
}

impl From<Lost> for SubagentError {
    fn from(lost: Lost) -> Self {
        match lost {
            Lost::Io(e) => SubagentError::Io(e.to_string()),
            Lost::Framing(e) => SubagentError::Protocol(e.to_string()),
            Lost::Closed(reason) => SubagentError::Closed(reason),
            Lost::Timeout => SubagentError::Timeout,
        }
    }
}

pub(super) struct Session {
    stream: Box<dyn Stream>,
    framer: Framer,
    buf: Vec<u8>,
    /// The session ID the master gave in its answer to Open (0 before).
    pub(super) id: u32,
    next_packet: u32,
    /// The order of the subagent's own PDUs.
    order: ByteOrder,
    /// How long a request waits for its Response, and a write for the socket.
    timeout: Duration,
}

impl Session {
    pub(super) fn new(
        stream: Box<dyn Stream>,
        max_payload: u32,
        order: ByteOrder,
        timeout: Duration,
    ) -> Session {
        Session {
            stream,
            framer: Framer::new(max_payload),
            buf: vec![0; READ_CHUNK],
            id: 0,
            next_packet: 1,
            order,
            timeout,
        }
    }

    /// The next PDU from the master. Cancel-safe: bytes read are kept in the framer.
    pub(super) async fn read(&mut self) -> Result<Incoming, Lost> {
        loop {
            if let Some(frame) = self.framer.next_frame().map_err(Lost::Framing)? {
                return Ok(decoded(frame));
            }
            let n = self.stream.read(&mut self.buf).await.map_err(Lost::Io)?;
            if n == 0 {
                return Err(Lost::Io(std::io::ErrorKind::UnexpectedEof.into()));
            }
            self.framer.push(self.buf.get(..n).unwrap_or_default());
        }
    }

    pub(super) async fn write(&mut self, pdu: &Pdu) -> Result<(), Lost> {
        let bytes = pdu
            .encode()
            .map_err(|e| Lost::Io(std::io::Error::other(e.to_string())))?;
        match tokio::time::timeout(self.timeout, self.stream.write_all(&bytes)).await {
            Ok(result) => result.map_err(Lost::Io),
            Err(_) => Err(Lost::Timeout),
        }
    }

    /// Sends Close and flushes it; errors are moot, the session is over.
    pub(super) async fn close(&mut self, reason: CloseReason) {
        let pdu = self.pdu(Body::Close(reason), None, Flags::NONE);
        if let Err(e) = self.write(&pdu).await {
            debug!(?e, "Close not delivered");
        }
        let _ = self.stream.shutdown().await;
    }

    fn pdu(&mut self, body: Body, context: Option<Vec<u8>>, flags: Flags) -> Pdu {
        let packet_id = self.next_packet;
        self.next_packet = self.next_packet.wrapping_add(1).max(1);
        Pdu {
            session_id: self.id,
            transaction_id: 0,
            packet_id,
            byte_order: self.order,
            flags,
            context,
            body,
        }
    }

    /// Sends one of the subagent's requests and waits for its Response, serving the
    /// master's requests meanwhile. Returns the Response PDU (its header carries the
    /// session ID, which Open needs).
    pub(super) async fn call(
        &mut self,
        body: Body,
        context: Option<Vec<u8>>,
        flags: Flags,
        dispatcher: &mut Dispatcher,
        uptime: impl Fn() -> u32,
    ) -> Result<(Pdu, Response), Lost> {
        let request = self.pdu(body, context, flags);
        self.write(&request).await?;
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let incoming = match tokio::time::timeout_at(deadline, self.read()).await {
                Ok(incoming) => incoming?,
                Err(_) => return Err(Lost::Timeout),
            };
            match incoming {
                Incoming::Pdu(pdu) => match &pdu.body {
                    Body::Response(res) if pdu.packet_id == request.packet_id => {
                        let res = res.clone();
                        return Ok((pdu, res));
                    }
                    Body::Response(_) => {
                        debug!(
                            packet_id = pdu.packet_id,
                            "a Response to no pending request"
                        );
                    }
                    _ => self.serve(pdu, dispatcher, uptime()).await?,
                },
                Incoming::Undecodable(header, error) => {
                    self.refuse(&header, &error, uptime()).await?;
                }
            }
        }
    }

    /// Answers one PDU of the master's; a Close ends the session.
    pub(super) async fn serve(
        &mut self,
        pdu: Pdu,
        dispatcher: &mut Dispatcher,
        sys_up_time: u32,
    ) -> Result<(), Lost> {
        if let Body::Close(reason) = pdu.body {
            return Err(Lost::Closed(reason));
        }
        if pdu.session_id != self.id {
            // §7.1: a PDU for a session this connection does not hold.
            let answer = pdu.response(Response {
                sys_up_time,
                error: ResponseError::NOT_OPEN,
                index: 0,
                varbinds: Vec::new(),
            });
            return self.write(&answer).await;
        }
        match dispatcher.handle(&pdu, sys_up_time) {
            Some(answer) => self.write(&answer).await,
            None => Ok(()),
        }
    }

    /// Answers a PDU that did not decode with parseError (RFC 2741 §7.2.2), in the
    /// order its header used.
    pub(super) async fn refuse(
        &mut self,
        header: &Header,
        error: &DecodeError,
        sys_up_time: u32,
    ) -> Result<(), Lost> {
        warn!(%error, type_code = header.type_code, "undecodable PDU from the master");
        if header.type_code == crate::wire::PduType::Response.code() {
            // A Response is never answered.
            return Ok(());
        }
        let answer = Pdu {
            session_id: header.session_id,
            transaction_id: header.transaction_id,
            packet_id: header.packet_id,
            byte_order: header.byte_order(),
            flags: Flags::NONE,
            context: None,
            body: Body::Response(Response {
                sys_up_time,
                error: ResponseError::PARSE_ERROR,
                index: 0,
                varbinds: Vec::new(),
            }),
        };
        self.write(&answer).await
    }
}

fn decoded(frame: Frame) -> Incoming {
    match frame.decode() {
        Ok(pdu) => Incoming::Pdu(pdu),
        Err(e) => Incoming::Undecodable(frame.header, e),
    }
}
