//! Writing PDUs in either byte order.

use smic_smi::{Oid, Value};
use smic_snmp::message::VarBind;

use super::{
    Body, ByteOrder, Flags, HEADER_LEN, MAX_OID_ARCS, Pdu, PduType, Range, SearchRange, VERSION,
};

/// Why a [`Pdu`] cannot be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// An OID with more sub-identifiers than the SMI allows.
    #[error("an OID of {0} sub-identifiers (at most 128)")]
    OidTooLong(usize),
    /// An octet string or payload longer than a 32-bit length says.
    #[error("a field of {0} bytes is longer than AgentX lengths allow")]
    TooLong(usize),
    /// A context on a PDU type that carries none.
    #[error("{0:?} PDUs carry no context")]
    ContextNotAllowed(PduType),
    /// A range whose sub-identifier is 0 or past the end of its subtree.
    #[error("range sub-identifier {subid} of a {arcs}-arc subtree")]
    BadRange {
        /// The range's sub-identifier.
        subid: u8,
        /// The subtree's length.
        arcs: usize,
    },
}

impl Pdu {
    /// The PDU's bytes: header and payload, in [`Pdu::byte_order`].
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let kind = self.pdu_type();
        if self.context.is_some() && !kind.has_context() {
            return Err(EncodeError::ContextNotAllowed(kind));
        }
        let mut w = Writer {
            out: Vec::with_capacity(64),
            order: self.byte_order,
        };
        let mut flags = Flags::from_bits(self.flags.bits() & Flags::SEMANTIC.bits());
        if self.byte_order == ByteOrder::Big {
            flags = flags | Flags::NETWORK_BYTE_ORDER;
        }
        if self.context.is_some() {
            flags = flags | Flags::NON_DEFAULT_CONTEXT;
        }
        // The header, its length patched in once the payload is written.
        w.out
            .extend_from_slice(&[VERSION, kind.code(), flags.bits(), 0]);
        w.u32(self.session_id);
        w.u32(self.transaction_id);
        w.u32(self.packet_id);
        w.u32(0);
        if let Some(context) = &self.context {
            w.octets(context)?;
        }
        w.body(&self.body)?;
        let payload = w.out.len() - HEADER_LEN;
        let len = u32::try_from(payload).map_err(|_| EncodeError::TooLong(payload))?;
        let len = match self.byte_order {
            ByteOrder::Big => len.to_be_bytes(),
            ByteOrder::Little => len.to_le_bytes(),
        };
        // The header was written first, with a zero length in its last word.
        if let Some(length_word) = w.out.get_mut(16..HEADER_LEN) {
            length_word.copy_from_slice(&len);
        }
        Ok(w.out)
    }
}

struct Writer {
    out: Vec<u8>,
    order: ByteOrder,
}

impl Writer {
    fn u16(&mut self, n: u16) {
        let b = match self.order {
            ByteOrder::Big => n.to_be_bytes(),
            ByteOrder::Little => n.to_le_bytes(),
        };
        self.out.extend_from_slice(&b);
    }

    fn u32(&mut self, n: u32) {
        let b = match self.order {
            ByteOrder::Big => n.to_be_bytes(),
            ByteOrder::Little => n.to_le_bytes(),
        };
        self.out.extend_from_slice(&b);
    }

    fn u64(&mut self, n: u64) {
        let b = match self.order {
            ByteOrder::Big => n.to_be_bytes(),
            ByteOrder::Little => n.to_le_bytes(),
        };
        self.out.extend_from_slice(&b);
    }

    /// An OID, with the internet prefix compressed (RFC 2741 §5.1): `1.3.6.1.x.…` with
    /// `x` in 1..=255 travels as prefix `x` and the arcs after it.
    fn oid(&mut self, oid: &Oid, include: bool) -> Result<(), EncodeError> {
        let arcs = oid.arcs();
        if arcs.len() > MAX_OID_ARCS {
            return Err(EncodeError::OidTooLong(arcs.len()));
        }
        let (prefix, rest) = match arcs {
            [1, 3, 6, 1, x @ 1..=255, rest @ ..] => (*x as u8, rest),
            _ => (0, arcs),
        };
        // At most 128 arcs, so the count fits its byte.
        let n = u8::try_from(rest.len()).map_err(|_| EncodeError::OidTooLong(arcs.len()))?;
        self.out
            .extend_from_slice(&[n, prefix, u8::from(include), 0]);
        for &arc in rest {
            self.u32(arc);
        }
        Ok(())
    }

    fn octets(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        let len = u32::try_from(bytes.len())
            .ok()
            .filter(|&n| n <= u32::MAX - 3)
            .ok_or(EncodeError::TooLong(bytes.len()))?;
        self.u32(len);
        self.out.extend_from_slice(bytes);
        let padding = (4 - bytes.len() % 4) % 4;
        self.out.resize(self.out.len() + padding, 0);
        Ok(())
    }

    fn varbind(&mut self, vb: &VarBind) -> Result<(), EncodeError> {
        let kind: u16 = match &vb.value {
            Value::Integer(_) => 2,
            Value::OctetString(_) => 4,
            Value::Null => 5,
            Value::ObjectIdentifier(_) => 6,
            Value::IpAddress(_) => 64,
            Value::Counter32(_) => 65,
            Value::Gauge32(_) => 66,
            Value::TimeTicks(_) => 67,
            Value::Opaque(_) => 68,
            Value::Counter64(_) => 70,
            Value::NoSuchObject => 128,
            Value::NoSuchInstance => 129,
            Value::EndOfMibView => 130,
        };
        self.u16(kind);
        self.u16(0);
        self.oid(&vb.oid, false)?;
        match &vb.value {
            Value::Integer(n) => self.u32(*n as u32),
            Value::OctetString(b) | Value::Opaque(b) => self.octets(b)?,
            Value::ObjectIdentifier(oid) => self.oid(oid, false)?,
            Value::IpAddress(a) => self.octets(a)?,
            Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => self.u32(*n),
            Value::Counter64(n) => self.u64(*n),
            Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {}
        }
        Ok(())
    }

    fn varbinds(&mut self, list: &[VarBind]) -> Result<(), EncodeError> {
        list.iter().try_for_each(|vb| self.varbind(vb))
    }

    fn ranges(&mut self, list: &[SearchRange]) -> Result<(), EncodeError> {
        for range in list {
            self.oid(&range.start, range.include)?;
            self.oid(&range.end, false)?;
        }
        Ok(())
    }

    /// The four bytes before a registration's subtree, its subtree and upper bound.
    fn registration(
        &mut self,
        first: u8,
        priority: u8,
        subtree: &Oid,
        range: Option<Range>,
    ) -> Result<(), EncodeError> {
        let subid = range.map_or(0, |r| r.subid);
        if range.is_some() && (subid == 0 || usize::from(subid) > subtree.len()) {
            return Err(EncodeError::BadRange {
                subid,
                arcs: subtree.len(),
            });
        }
        self.out.extend_from_slice(&[first, priority, subid, 0]);
        self.oid(subtree, false)?;
        if let Some(range) = range {
            self.u32(range.upper_bound);
        }
        Ok(())
    }

    fn body(&mut self, body: &Body) -> Result<(), EncodeError> {
        match body {
            Body::Open(open) => {
                self.out.extend_from_slice(&[open.timeout, 0, 0, 0]);
                self.oid(&open.id, false)?;
                self.octets(&open.descr)?;
            }
            Body::Close(reason) => self.out.extend_from_slice(&[reason.0, 0, 0, 0]),
            Body::Register(r) => self.registration(r.timeout, r.priority, &r.subtree, r.range)?,
            Body::Unregister(u) => self.registration(0, u.priority, &u.subtree, u.range)?,
            Body::Get(ranges) | Body::GetNext(ranges) => self.ranges(ranges)?,
            Body::GetBulk(bulk) => {
                self.u16(bulk.non_repeaters);
                self.u16(bulk.max_repetitions);
                self.ranges(&bulk.ranges)?;
            }
            Body::TestSet(list)
            | Body::Notify(list)
            | Body::IndexAllocate(list)
            | Body::IndexDeallocate(list) => self.varbinds(list)?,
            Body::CommitSet | Body::UndoSet | Body::CleanupSet | Body::Ping => {}
            Body::AddAgentCaps { id, descr } => {
                self.oid(id, false)?;
                self.octets(descr)?;
            }
            Body::RemoveAgentCaps { id } => self.oid(id, false)?,
            Body::Response(res) => {
                self.u32(res.sys_up_time);
                self.u16(res.error.0);
                self.u16(res.index);
                self.varbinds(&res.varbinds)?;
            }
        }
        Ok(())
    }
}
