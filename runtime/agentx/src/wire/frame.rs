//! Cutting a byte stream into PDUs.

use super::{DecodeError, HEADER_LEN, Header, Pdu};

/// One PDU cut from a stream: its header and exactly its payload, not yet decoded (so
/// that a PDU that does not decode can still be answered from its header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The header.
    pub header: Header,
    /// The payload.
    pub payload: Vec<u8>,
}

impl Frame {
    /// Decodes the PDU.
    pub fn decode(&self) -> Result<Pdu, DecodeError> {
        Pdu::decode_payload(&self.header, &self.payload)
    }
}

/// Why a stream cannot be cut further. The stream is lost after one: the next PDU's
/// start is unknown, so the session must be closed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// A header that does not decode (version, alignment).
    #[error("bad header: {0}")]
    Header(DecodeError),
    /// A header announcing a payload longer than the maximum.
    #[error("a payload of {length} bytes is longer than the maximum {max}")]
    TooLong {
        /// The header.
        header: Header,
        /// What it announces.
        length: u32,
        /// The maximum.
        max: u32,
    },
}

/// A stream framer: bytes in ([`Framer::push`]), whole PDUs out ([`Framer::next_frame`]).
///
/// Each header is checked as soon as its 20 bytes are in: a payload longer than the
/// maximum is refused then, before any of it is held, so the framer never holds more
/// than one PDU of the maximum size and what the last push added.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    /// Where the unread bytes of `buf` start.
    start: usize,
    max_payload: u32,
}

impl Framer {
    /// A framer refusing payloads longer than `max_payload` bytes.
    pub fn new(max_payload: u32) -> Framer {
        Framer {
            buf: Vec::new(),
            start: 0,
            max_payload,
        }
    }

    /// The longest payload accepted.
    pub fn max_payload(&self) -> u32 {
        self.max_payload
    }

    /// Adds bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        // Reclaim what earlier frames used before growing.
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The bytes held that no frame has taken yet.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// How many more bytes the next frame needs before [`Framer::next_frame`] can return
    /// it (0: it is complete, or its header is bad); a reader may read just that many.
    pub fn wanted(&self) -> usize {
        let held = self.buffered();
        if held < HEADER_LEN {
            return HEADER_LEN - held;
        }
        match self.header() {
            Ok(Some(header)) => {
                let total = HEADER_LEN + header.payload_length as usize;
                total.saturating_sub(held)
            }
            _ => 0,
        }
    }

    /// The next frame's header, when its 20 bytes are in, checked.
    fn header(&self) -> Result<Option<Header>, FrameError> {
        let Some(bytes) = self.buf.get(self.start..self.start + HEADER_LEN) else {
            return Ok(None);
        };
        let header = Header::decode(bytes).map_err(FrameError::Header)?;
        if header.payload_length > self.max_payload {
            return Err(FrameError::TooLong {
                header,
                length: header.payload_length,
                max: self.max_payload,
            });
        }
        Ok(Some(header))
    }

    /// The next whole frame, `None` until its bytes are all in.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        let Some(header) = self.header()? else {
            return Ok(None);
        };
        // Bounded by the maximum just checked.
        let len = header.payload_length as usize;
        let from = self.start + HEADER_LEN;
        let Some(payload) = self.buf.get(from..from + len) else {
            return Ok(None);
        };
        let payload = payload.to_vec();
        self.start = from + len;
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
        Ok(Some(Frame { header, payload }))
    }
}
