//! SNMP over a byte stream (RFC 3430: TCP; also Unix sockets): messages back to back,
//! each delimited by its own outer BER length.
//!
//! [`Framer`] cuts a stream into messages. It reads only the outer header to decide:
//! an indefinite length is refused (RFC 3430 §2.1 allows only definite lengths), and
//! so is a message announced longer than the maximum, before its body is held — a
//! peer that claims 2 GiB costs nothing but the header's bytes.
//!
//! ```
//! use smic_snmp_proto::stream::Framer;
//! let mut framer = Framer::new(65_535);
//! framer.push(&[0x30, 0x03, 0x02, 0x01]); // a message and a half
//! assert_eq!(framer.next_message(), Ok(None));
//! framer.push(&[0x00, 0x30, 0x00]);
//! assert_eq!(framer.next_message(), Ok(Some(vec![0x30, 0x03, 0x02, 0x01, 0x00])));
//! assert_eq!(framer.next_message(), Ok(Some(vec![0x30, 0x00])));
//! assert_eq!(framer.next_message(), Ok(None));
//! ```

/// Why a stream cannot be cut into messages; the connection is then unusable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FramerError {
    /// The next message does not start with a SEQUENCE tag.
    #[error("not an SNMP message: tag 0x{0:02x} where a SEQUENCE (0x30) starts")]
    NotASequence(u8),
    /// An indefinite length (0x80), which RFC 3430 forbids.
    #[error("indefinite length")]
    Indefinite,
    /// A message longer than the maximum (or a length of more than four octets).
    #[error("a message of {length} bytes announced; at most {max} are accepted")]
    TooLong {
        /// The length announced (header included), saturated.
        length: u64,
        /// The maximum.
        max: usize,
    },
}

/// Cuts a byte stream into whole SNMP messages.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    /// Where the next message starts in `buf`.
    start: usize,
    max: usize,
}

impl Framer {
    /// A framer accepting messages of at most `max` bytes (header included).
    pub fn new(max: usize) -> Framer {
        Framer {
            buf: Vec::new(),
            start: 0,
            max,
        }
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        // Consumed bytes are dropped once they are most of the buffer, so that many
        // pipelined messages cost linear time.
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes held that are not yet a whole message.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// The next whole message, `None` until one has arrived, or why the stream is
    /// broken. After an error every later call fails the same way.
    pub fn next_message(&mut self) -> Result<Option<Vec<u8>>, FramerError> {
        let pending = self.buf.get(self.start..).unwrap_or_default();
        let Some(total) = message_length(pending, self.max)? else {
            return Ok(None);
        };
        let Some(message) = pending.get(..total) else {
            return Ok(None);
        };
        let message = message.to_vec();
        self.start += total;
        Ok(Some(message))
    }
}

/// The whole length of the message starting `bytes` (header included), `None` while
/// its header is incomplete.
fn message_length(bytes: &[u8], max: usize) -> Result<Option<usize>, FramerError> {
    let Some((&tag, rest)) = bytes.split_first() else {
        return Ok(None);
    };
    if tag != 0x30 {
        return Err(FramerError::NotASequence(tag));
    }
    let Some((&first, rest)) = rest.split_first() else {
        return Ok(None);
    };
    let (header, body): (usize, u64) = match first {
        0x80 => return Err(FramerError::Indefinite),
        short if short < 0x80 => (2, u64::from(short)),
        long => {
            let octets = usize::from(long & 0x7f);
            if octets > 4 {
                return Err(FramerError::TooLong {
                    length: u64::MAX,
                    max,
                });
            }
            let Some(digits) = rest.get(..octets) else {
                return Ok(None);
            };
            let body = digits
                .iter()
                .fold(0u64, |acc, &d| (acc << 8) | u64::from(d));
            (2 + octets, body)
        }
    };
    let total = body + header as u64;
    match usize::try_from(total) {
        Ok(total) if total <= max => Ok(Some(total)),
        _ => Err(FramerError::TooLong { length: total, max }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::message::{AnyPdu, Message, Pdu, PduType, VarBind, Version};

    fn message(id: i32) -> Vec<u8> {
        Message {
            version: Version::V2c,
            community: b"public".to_vec(),
            pdu: AnyPdu::Pdu(Pdu {
                kind: PduType::Get,
                request_id: id,
                error_status: 0,
                error_index: 0,
                varbinds: vec![VarBind::null("1.3.6.1.2.1.1.1.0".parse().unwrap())],
            }),
        }
        .encode()
    }

    #[test]
    fn messages_split_at_every_byte_come_out_whole() {
        let stream: Vec<u8> = (1..=3).flat_map(message).collect();
        for cut in 0..=stream.len() {
            let mut framer = Framer::new(1500);
            let mut out = Vec::new();
            for piece in [&stream[..cut], &stream[cut..]] {
                framer.push(piece);
                while let Some(m) = framer.next_message().unwrap() {
                    out.push(m);
                }
            }
            assert_eq!(out, [message(1), message(2), message(3)], "cut at {cut}");
            assert_eq!(framer.buffered(), 0);
        }
        // One byte at a time.
        let mut framer = Framer::new(1500);
        let mut count = 0;
        for byte in &stream {
            framer.push(std::slice::from_ref(byte));
            while framer.next_message().unwrap().is_some() {
                count += 1;
            }
        }
        assert_eq!(count, 3);
    }

    #[test]
    fn long_forms_and_refusals() {
        let mut framer = Framer::new(70_000);
        let mut long = vec![0x30, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(0u8, 256));
        framer.push(&long);
        assert_eq!(framer.next_message().unwrap().map(|m| m.len()), Some(260));

        let refuse = |bytes: &[u8], max: usize| {
            let mut framer = Framer::new(max);
            framer.push(bytes);
            framer.next_message()
        };
        assert_eq!(refuse(&[0x30, 0x80], 100), Err(FramerError::Indefinite));
        assert_eq!(
            refuse(&[0x04, 0x00], 100),
            Err(FramerError::NotASequence(4))
        );
        // 2 GiB announced: refused from the header, nothing else read.
        assert_eq!(
            refuse(&[0x30, 0x84, 0x80, 0, 0, 0], 65_535),
            Err(FramerError::TooLong {
                length: 0x8000_0006,
                max: 65_535
            })
        );
        assert!(matches!(
            refuse(&[0x30, 0x85, 1, 0, 0, 0, 0], 65_535),
            Err(FramerError::TooLong { .. })
        ));
        assert_eq!(
            refuse(&[0x30, 0x82, 0x01], 65_535),
            Ok(None),
            "header incomplete"
        );
        assert_eq!(
            refuse(&[0x30, 0x05, 0x01], 4),
            Err(FramerError::TooLong { length: 7, max: 4 })
        );
    }
}
