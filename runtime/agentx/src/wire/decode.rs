//! Reading PDUs: a bounds-checked cursor over one payload.

use smic_smi::{Oid, Value};
use smic_snmp::message::VarBind;

use super::{
    Body, ByteOrder, CloseReason, Flags, GetBulk, HEADER_LEN, Header, MAX_OID_ARCS, Open, Pdu,
    PduType, Range, Register, Response, ResponseError, SearchRange, Unregister, VERSION,
};

/// Why bytes are not a PDU. Offsets count from the start of the PDU (its header).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Fewer bytes than a header.
    #[error("{0} bytes is shorter than an AgentX header (20)")]
    ShortHeader(usize),
    /// `h.version` is not 1.
    #[error("unsupported AgentX version {0}")]
    UnsupportedVersion(u8),
    /// `h.payload_length` is not a multiple of 4 (RFC 2741 §5: every field is aligned).
    #[error("payload length {0} is not a multiple of 4")]
    Misaligned(u32),
    /// `h.payload_length` is not the number of bytes after the header.
    #[error("the header announces {declared} payload bytes, {present} are present")]
    PayloadLength {
        /// What the header says.
        declared: u32,
        /// What there is.
        present: usize,
    },
    /// `h.type` is no PDU type of RFC 2741.
    #[error("unknown PDU type {0}")]
    UnknownType(u8),
    /// A field runs past the end of the payload.
    #[error("a field at offset {0} runs past the end of the payload")]
    Truncated(usize),
    /// The payload holds more than its PDU type does.
    #[error("{count} trailing bytes at offset {at}")]
    TrailingBytes {
        /// Where they start.
        at: usize,
        /// How many.
        count: usize,
    },
    /// An OID with more sub-identifiers than the SMI allows.
    #[error("an OID at offset {at} has {arcs} sub-identifiers (at most 128)")]
    OidTooLong {
        /// Where it starts.
        at: usize,
        /// How many it would have.
        arcs: usize,
    },
    /// A VarBind's `v.type` is no type of RFC 2741 §5.4.
    #[error("unknown value type {kind} at offset {at}")]
    UnknownValueType {
        /// Where the VarBind starts.
        at: usize,
        /// The type.
        kind: u16,
    },
    /// An IpAddress whose octet string is not 4 bytes long.
    #[error("an IpAddress at offset {at} has {len} bytes")]
    BadIpAddress {
        /// Where the value starts.
        at: usize,
        /// Its length.
        len: usize,
    },
    /// `NON_DEFAULT_CONTEXT` on a PDU type that carries no context.
    #[error("{0:?} PDUs carry no context")]
    ContextNotAllowed(PduType),
    /// A range registration whose `r.range_subid` is past the end of its subtree.
    #[error("range sub-identifier {subid} of a {arcs}-arc subtree")]
    BadRange {
        /// `r.range_subid`.
        subid: u8,
        /// The subtree's length.
        arcs: usize,
    },
}

impl Header {
    /// Reads a header. Checks the version and the payload's alignment, not its length
    /// (which the caller bounds: see [`Framer`](super::Framer)).
    pub fn decode(bytes: &[u8]) -> Result<Header, DecodeError> {
        let bytes: &[u8; HEADER_LEN] = bytes
            .get(..HEADER_LEN)
            .and_then(|b| b.try_into().ok())
            .ok_or(DecodeError::ShortHeader(bytes.len()))?;
        // RFC 2741 §6.1: version, type, flags, reserved, then four 32-bit words.
        #[rustfmt::skip]
        let [
            version, type_code, flags, _reserved,
            s0, s1, s2, s3,
            t0, t1, t2, t3,
            p0, p1, p2, p3,
            l0, l1, l2, l3,
        ] = *bytes;
        if version != VERSION {
            return Err(DecodeError::UnsupportedVersion(version));
        }
        let flags = Flags::from_bits(flags);
        let order = if flags.contains(Flags::NETWORK_BYTE_ORDER) {
            ByteOrder::Big
        } else {
            ByteOrder::Little
        };
        let word = |w: [u8; 4]| match order {
            ByteOrder::Big => u32::from_be_bytes(w),
            ByteOrder::Little => u32::from_le_bytes(w),
        };
        let header = Header {
            type_code,
            flags,
            session_id: word([s0, s1, s2, s3]),
            transaction_id: word([t0, t1, t2, t3]),
            packet_id: word([p0, p1, p2, p3]),
            payload_length: word([l0, l1, l2, l3]),
        };
        if header.payload_length % 4 != 0 {
            return Err(DecodeError::Misaligned(header.payload_length));
        }
        Ok(header)
    }
}

impl Pdu {
    /// Reads one whole PDU: a header and exactly the payload it announces.
    pub fn decode(bytes: &[u8]) -> Result<Pdu, DecodeError> {
        let header = Header::decode(bytes)?;
        let payload = bytes.get(HEADER_LEN..).unwrap_or_default();
        if usize::try_from(header.payload_length).ok() != Some(payload.len()) {
            return Err(DecodeError::PayloadLength {
                declared: header.payload_length,
                present: payload.len(),
            });
        }
        Pdu::decode_payload(&header, payload)
    }

    /// Reads the payload that follows `header` (its length is not checked against the
    /// header's: the caller cut it so).
    pub fn decode_payload(header: &Header, payload: &[u8]) -> Result<Pdu, DecodeError> {
        let kind = header
            .pdu_type()
            .ok_or(DecodeError::UnknownType(header.type_code))?;
        let mut r = Reader {
            bytes: payload,
            pos: 0,
            order: header.byte_order(),
        };
        let context = if header.flags.contains(Flags::NON_DEFAULT_CONTEXT) {
            if !kind.has_context() {
                return Err(DecodeError::ContextNotAllowed(kind));
            }
            Some(r.octets()?)
        } else {
            None
        };
        let body = r.body(kind)?;
        if r.pos != payload.len() {
            return Err(DecodeError::TrailingBytes {
                at: HEADER_LEN + r.pos,
                count: payload.len() - r.pos,
            });
        }
        Ok(Pdu {
            session_id: header.session_id,
            transaction_id: header.transaction_id,
            packet_id: header.packet_id,
            byte_order: header.byte_order(),
            flags: Flags::from_bits(header.flags.bits() & Flags::SEMANTIC.bits()),
            context,
            body,
        })
    }
}

/// A cursor over one payload. Every read checks the bytes left first.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    order: ByteOrder,
}

impl<'a> Reader<'a> {
    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Absolute offset of the cursor in the PDU, for errors.
    fn offset(&self) -> usize {
        HEADER_LEN + self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let slice = self
            .bytes
            .get(self.pos..)
            .and_then(|rest| rest.get(..n))
            .ok_or(DecodeError::Truncated(self.offset()))?;
        self.pos += n;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let at = self.offset();
        self.take(N)?
            .try_into()
            .map_err(|_| DecodeError::Truncated(at))
    }

    fn u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.array()?;
        Ok(match self.order {
            ByteOrder::Big => u16::from_be_bytes(b),
            ByteOrder::Little => u16::from_le_bytes(b),
        })
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.array()?;
        Ok(match self.order {
            ByteOrder::Big => u32::from_be_bytes(b),
            ByteOrder::Little => u32::from_le_bytes(b),
        })
    }

    fn u64(&mut self) -> Result<u64, DecodeError> {
        let b = self.array()?;
        Ok(match self.order {
            ByteOrder::Big => u64::from_be_bytes(b),
            ByteOrder::Little => u64::from_le_bytes(b),
        })
    }

    /// An Object Identifier (RFC 2741 §5.1) and its include flag.
    fn oid(&mut self) -> Result<(Oid, bool), DecodeError> {
        let at = self.offset();
        let [n_subid, prefix, include, _reserved] = self.array()?;
        let n = usize::from(n_subid);
        let arcs_len = n + if prefix != 0 { 5 } else { 0 };
        if arcs_len > MAX_OID_ARCS {
            return Err(DecodeError::OidTooLong { at, arcs: arcs_len });
        }
        // Bounded by the checks above (at most 128 arcs) and by the bytes present.
        let raw = self.take(n * 4)?;
        let mut arcs = Vec::with_capacity(arcs_len);
        if prefix != 0 {
            arcs.extend_from_slice(&[1, 3, 6, 1, u32::from(prefix)]);
        }
        for w in raw
            .chunks_exact(4)
            .filter_map(|c| <[u8; 4]>::try_from(c).ok())
        {
            arcs.push(match self.order {
                ByteOrder::Big => u32::from_be_bytes(w),
                ByteOrder::Little => u32::from_le_bytes(w),
            });
        }
        Ok((Oid::from_vec(arcs), include != 0))
    }

    /// An Octet String (RFC 2741 §5.3): length, bytes, padding to 4.
    fn octets(&mut self) -> Result<Vec<u8>, DecodeError> {
        let at = self.offset();
        let len = usize::try_from(self.u32()?).map_err(|_| DecodeError::Truncated(at))?;
        let padded = len
            .checked_add(3)
            .map(|n| n & !3)
            .ok_or(DecodeError::Truncated(at))?;
        // `take` checks the length against the bytes present before anything is copied.
        let bytes = self.take(padded).map_err(|_| DecodeError::Truncated(at))?;
        let content = bytes.get(..len).ok_or(DecodeError::Truncated(at))?;
        Ok(content.to_vec())
    }

    /// A VarBind (RFC 2741 §5.4).
    fn varbind(&mut self) -> Result<VarBind, DecodeError> {
        let at = self.offset();
        let kind = self.u16()?;
        let _reserved = self.u16()?;
        let (oid, _) = self.oid()?;
        let value = match kind {
            2 => Value::Integer(self.u32()? as i32),
            4 => Value::OctetString(self.octets()?),
            5 => Value::Null,
            6 => Value::ObjectIdentifier(self.oid()?.0),
            64 => {
                let value_at = self.offset();
                let bytes = self.octets()?;
                let len = bytes.len();
                Value::IpAddress(
                    bytes
                        .try_into()
                        .map_err(|_| DecodeError::BadIpAddress { at: value_at, len })?,
                )
            }
            65 => Value::Counter32(self.u32()?),
            66 => Value::Gauge32(self.u32()?),
            67 => Value::TimeTicks(self.u32()?),
            68 => Value::Opaque(self.octets()?),
            70 => Value::Counter64(self.u64()?),
            128 => Value::NoSuchObject,
            129 => Value::NoSuchInstance,
            130 => Value::EndOfMibView,
            kind => return Err(DecodeError::UnknownValueType { at, kind }),
        };
        Ok(VarBind { oid, value })
    }

    /// A VarBindList: VarBinds to the end of the payload.
    fn varbinds(&mut self) -> Result<Vec<VarBind>, DecodeError> {
        let mut out = Vec::new();
        while !self.at_end() {
            out.push(self.varbind()?);
        }
        Ok(out)
    }

    /// A SearchRangeList: ranges to the end of the payload.
    fn ranges(&mut self) -> Result<Vec<SearchRange>, DecodeError> {
        let mut out = Vec::new();
        while !self.at_end() {
            let (start, include) = self.oid()?;
            let (end, _) = self.oid()?;
            out.push(SearchRange {
                start,
                include,
                end,
            });
        }
        Ok(out)
    }

    /// A registration's subtree and, when `range_subid` is not 0, its upper bound.
    fn subtree(&mut self, range_subid: u8) -> Result<(Oid, Option<Range>), DecodeError> {
        let (subtree, _) = self.oid()?;
        if range_subid == 0 {
            return Ok((subtree, None));
        }
        if usize::from(range_subid) > subtree.len() {
            return Err(DecodeError::BadRange {
                subid: range_subid,
                arcs: subtree.len(),
            });
        }
        let upper_bound = self.u32()?;
        Ok((
            subtree,
            Some(Range {
                subid: range_subid,
                upper_bound,
            }),
        ))
    }

    fn body(&mut self, kind: PduType) -> Result<Body, DecodeError> {
        Ok(match kind {
            PduType::Open => {
                let [timeout, ..] = self.array::<4>()?;
                let (id, _) = self.oid()?;
                let descr = self.octets()?;
                Body::Open(Open { timeout, id, descr })
            }
            PduType::Close => {
                let [reason, ..] = self.array::<4>()?;
                Body::Close(CloseReason(reason))
            }
            PduType::Register => {
                let [timeout, priority, range_subid, _] = self.array()?;
                let (subtree, range) = self.subtree(range_subid)?;
                Body::Register(Register {
                    timeout,
                    priority,
                    subtree,
                    range,
                })
            }
            PduType::Unregister => {
                let [_, priority, range_subid, _] = self.array()?;
                let (subtree, range) = self.subtree(range_subid)?;
                Body::Unregister(Unregister {
                    priority,
                    subtree,
                    range,
                })
            }
            PduType::Get => Body::Get(self.ranges()?),
            PduType::GetNext => Body::GetNext(self.ranges()?),
            PduType::GetBulk => {
                let non_repeaters = self.u16()?;
                let max_repetitions = self.u16()?;
                Body::GetBulk(GetBulk {
                    non_repeaters,
                    max_repetitions,
                    ranges: self.ranges()?,
                })
            }
            PduType::TestSet => Body::TestSet(self.varbinds()?),
            PduType::CommitSet => Body::CommitSet,
            PduType::UndoSet => Body::UndoSet,
            PduType::CleanupSet => Body::CleanupSet,
            PduType::Notify => Body::Notify(self.varbinds()?),
            PduType::Ping => Body::Ping,
            PduType::IndexAllocate => Body::IndexAllocate(self.varbinds()?),
            PduType::IndexDeallocate => Body::IndexDeallocate(self.varbinds()?),
            PduType::AddAgentCaps => {
                let (id, _) = self.oid()?;
                let descr = self.octets()?;
                Body::AddAgentCaps { id, descr }
            }
            PduType::RemoveAgentCaps => {
                let (id, _) = self.oid()?;
                Body::RemoveAgentCaps { id }
            }
            PduType::Response => {
                let sys_up_time = self.u32()?;
                let error = ResponseError(self.u16()?);
                let index = self.u16()?;
                Body::Response(Response {
                    sys_up_time,
                    error,
                    index,
                    varbinds: self.varbinds()?,
                })
            }
        })
    }
}
