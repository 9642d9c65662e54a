//! The AgentX wire format (RFC 2741 §5, §6), sans-IO: bytes to [`Pdu`]s and back.
//!
//! - [`Header`]: the 20-byte header every PDU starts with; its flags say the byte
//!   order of everything after them ([`ByteOrder`]), so the header alone tells how long
//!   the payload is ([`Header::decode`]).
//! - [`Pdu`]: one whole PDU, every type of §6.2 as a [`Body`], with the non-default
//!   context (§6.1.1) where the type carries one. [`Pdu::encode`] writes it in the byte
//!   order it names; [`Pdu::decode`] reads a whole PDU, [`Pdu::decode_payload`] a payload
//!   whose header was read already.
//! - [`Framer`]: cuts a byte stream into whole PDUs, refusing a header whose payload is
//!   longer than a maximum before any of that payload is buffered.
//!
//! Decoding never panics and never allocates from a length field before checking it
//! against the bytes present; a payload with bytes left over is refused
//! ([`DecodeError::TrailingBytes`]); an unknown PDU type is [`DecodeError::UnknownType`],
//! so that a peer can answer it as RFC 2741 §7.1 says (parseError, or
//! Close(protocolError)).

mod decode;
mod encode;
mod frame;
#[cfg(test)]
mod tests;

pub use decode::DecodeError;
pub use encode::EncodeError;
pub use frame::{Frame, FrameError, Framer};

use smic_smi::Oid;
use smic_snmp::message::VarBind;

/// The length of the header (RFC 2741 §6.1).
pub const HEADER_LEN: usize = 20;

/// The protocol version this codec speaks (`h.version`).
pub const VERSION: u8 = 1;

/// The most sub-identifiers an OID may have (RFC 2741 §5.1 defers to the SMI's 128).
pub const MAX_OID_ARCS: usize = Oid::MAX_ARCS;

/// The byte order of a PDU's multi-byte integers, header fields included: big-endian
/// when `NETWORK_BYTE_ORDER` is set, little-endian otherwise (net-snmp's subagents on
/// x86 send little-endian).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Network byte order (`NETWORK_BYTE_ORDER` set).
    #[default]
    Big,
    /// Little-endian (`NETWORK_BYTE_ORDER` clear).
    Little,
}

/// `h.flags` (RFC 2741 §6.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(u8);

impl Flags {
    /// No flag.
    pub const NONE: Flags = Flags(0);
    /// Register: the subtree is one instance, not a whole subtree.
    pub const INSTANCE_REGISTRATION: Flags = Flags(0x01);
    /// IndexAllocate: a value never allocated before.
    pub const NEW_INDEX: Flags = Flags(0x02);
    /// IndexAllocate: any value not allocated now.
    pub const ANY_INDEX: Flags = Flags(0x04);
    /// The payload starts with a context name.
    pub const NON_DEFAULT_CONTEXT: Flags = Flags(0x08);
    /// Multi-byte integers are big-endian.
    pub const NETWORK_BYTE_ORDER: Flags = Flags(0x10);

    /// The flags a [`Pdu`] keeps in [`Pdu::flags`]: the two others are derived from its
    /// context and byte order.
    pub const SEMANTIC: Flags = Flags(0x07);

    /// The flags of a header byte (reserved bits are dropped: RFC 2741 §6.1 has them
    /// sent as zero, and they mean nothing).
    pub const fn from_bits(bits: u8) -> Flags {
        Flags(bits & 0x1f)
    }

    /// The header byte.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// These flags and `other`'s.
    pub const fn union(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }

    /// These flags less `other`'s.
    pub const fn without(self, other: Flags) -> Flags {
        Flags(self.0 & !other.0)
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, other: Flags) -> Flags {
        self.union(other)
    }
}

/// `h.type` (RFC 2741 §6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PduType {
    /// agentx-Open-PDU.
    Open = 1,
    /// agentx-Close-PDU.
    Close = 2,
    /// agentx-Register-PDU.
    Register = 3,
    /// agentx-Unregister-PDU.
    Unregister = 4,
    /// agentx-Get-PDU.
    Get = 5,
    /// agentx-GetNext-PDU.
    GetNext = 6,
    /// agentx-GetBulk-PDU.
    GetBulk = 7,
    /// agentx-TestSet-PDU.
    TestSet = 8,
    /// agentx-CommitSet-PDU.
    CommitSet = 9,
    /// agentx-UndoSet-PDU.
    UndoSet = 10,
    /// agentx-CleanupSet-PDU.
    CleanupSet = 11,
    /// agentx-Notify-PDU.
    Notify = 12,
    /// agentx-Ping-PDU.
    Ping = 13,
    /// agentx-IndexAllocate-PDU.
    IndexAllocate = 14,
    /// agentx-IndexDeallocate-PDU.
    IndexDeallocate = 15,
    /// agentx-AddAgentCaps-PDU.
    AddAgentCaps = 16,
    /// agentx-RemoveAgentCaps-PDU.
    RemoveAgentCaps = 17,
    /// agentx-Response-PDU.
    Response = 18,
}

impl PduType {
    /// The type with this code, if there is one.
    pub fn from_code(code: u8) -> Option<PduType> {
        use PduType::*;
        Some(match code {
            1 => Open,
            2 => Close,
            3 => Register,
            4 => Unregister,
            5 => Get,
            6 => GetNext,
            7 => GetBulk,
            8 => TestSet,
            9 => CommitSet,
            10 => UndoSet,
            11 => CleanupSet,
            12 => Notify,
            13 => Ping,
            14 => IndexAllocate,
            15 => IndexDeallocate,
            16 => AddAgentCaps,
            17 => RemoveAgentCaps,
            18 => Response,
            _ => return None,
        })
    }

    /// The wire code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Whether the PDU may carry a non-default context (RFC 2741 §6.1.1): every type
    /// but Open, Close, CommitSet, UndoSet, CleanupSet and Response.
    pub fn has_context(self) -> bool {
        !matches!(
            self,
            PduType::Open
                | PduType::Close
                | PduType::CommitSet
                | PduType::UndoSet
                | PduType::CleanupSet
                | PduType::Response
        )
    }
}

/// A PDU header (RFC 2741 §6.1), as read from the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header {
    /// `h.type`, raw: an unknown type still has a header to answer.
    pub type_code: u8,
    /// `h.flags`.
    pub flags: Flags,
    /// `h.sessionID`.
    pub session_id: u32,
    /// `h.transactionID`.
    pub transaction_id: u32,
    /// `h.packetID`.
    pub packet_id: u32,
    /// `h.payload_length`: the bytes after the header.
    pub payload_length: u32,
}

impl Header {
    /// The byte order the flags name.
    pub fn byte_order(&self) -> ByteOrder {
        if self.flags.contains(Flags::NETWORK_BYTE_ORDER) {
            ByteOrder::Big
        } else {
            ByteOrder::Little
        }
    }

    /// The PDU type, when the code is one.
    pub fn pdu_type(&self) -> Option<PduType> {
        PduType::from_code(self.type_code)
    }
}

/// `c.reason` of a Close-PDU (RFC 2741 §6.2.2); unknown values are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CloseReason(pub u8);

impl CloseReason {
    /// reasonOther(1).
    pub const OTHER: CloseReason = CloseReason(1);
    /// reasonParseError(2).
    pub const PARSE_ERROR: CloseReason = CloseReason(2);
    /// reasonProtocolError(3).
    pub const PROTOCOL_ERROR: CloseReason = CloseReason(3);
    /// reasonTimeouts(4).
    pub const TIMEOUTS: CloseReason = CloseReason(4);
    /// reasonShutdown(5).
    pub const SHUTDOWN: CloseReason = CloseReason(5);
    /// reasonByManager(6).
    pub const BY_MANAGER: CloseReason = CloseReason(6);

    /// The reason's name as RFC 2741 §6.2.2 spells it, for logs.
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "reasonOther",
            2 => "reasonParseError",
            3 => "reasonProtocolError",
            4 => "reasonTimeouts",
            5 => "reasonShutdown",
            6 => "reasonByManager",
            _ => "unknown",
        }
    }
}

/// `res.error` of a Response-PDU (RFC 2741 §6.2.16): the SNMP error statuses (0 to 18)
/// and AgentX's own (256 on); unknown values are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResponseError(pub u16);

impl ResponseError {
    /// noAgentXError(0).
    pub const NO_ERROR: ResponseError = ResponseError(0);
    /// tooBig(1), as SNMP's.
    pub const TOO_BIG: ResponseError = ResponseError(1);
    /// genErr(5), as SNMP's.
    pub const GEN_ERR: ResponseError = ResponseError(5);
    /// resourceUnavailable(13), as SNMP's.
    pub const RESOURCE_UNAVAILABLE: ResponseError = ResponseError(13);
    /// commitFailed(14), as SNMP's.
    pub const COMMIT_FAILED: ResponseError = ResponseError(14);
    /// undoFailed(15), as SNMP's.
    pub const UNDO_FAILED: ResponseError = ResponseError(15);
    /// openFailed(256).
    pub const OPEN_FAILED: ResponseError = ResponseError(256);
    /// notOpen(257).
    pub const NOT_OPEN: ResponseError = ResponseError(257);
    /// indexWrongType(258).
    pub const INDEX_WRONG_TYPE: ResponseError = ResponseError(258);
    /// indexAlreadyAllocated(259).
    pub const INDEX_ALREADY_ALLOCATED: ResponseError = ResponseError(259);
    /// indexNoneAvailable(260).
    pub const INDEX_NONE_AVAILABLE: ResponseError = ResponseError(260);
    /// indexNotAllocated(261).
    pub const INDEX_NOT_ALLOCATED: ResponseError = ResponseError(261);
    /// unsupportedContext(262).
    pub const UNSUPPORTED_CONTEXT: ResponseError = ResponseError(262);
    /// duplicateRegistration(263).
    pub const DUPLICATE_REGISTRATION: ResponseError = ResponseError(263);
    /// unknownRegistration(264).
    pub const UNKNOWN_REGISTRATION: ResponseError = ResponseError(264);
    /// unknownAgentCaps(265).
    pub const UNKNOWN_AGENT_CAPS: ResponseError = ResponseError(265);
    /// parseError(266).
    pub const PARSE_ERROR: ResponseError = ResponseError(266);
    /// requestDenied(267).
    pub const REQUEST_DENIED: ResponseError = ResponseError(267);
    /// processingError(268).
    pub const PROCESSING_ERROR: ResponseError = ResponseError(268);

    /// The SNMP error status with this code (0 to 18), as a response error.
    pub fn snmp(status: smic_snmp::message::ErrorStatus) -> ResponseError {
        // Every SNMP status is 0..=18.
        ResponseError(u16::try_from(status.code()).unwrap_or(5))
    }
}

/// A range registration's varying sub-identifier (RFC 2741 §6.2.3): the arc at
/// position `subid` (from 1, in the whole OID, before prefix compression) of the
/// subtree runs from its value there up to `upper_bound`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Range {
    /// `r.range_subid`, never 0 (0 means no range).
    pub subid: u8,
    /// `r.upper_bound`.
    pub upper_bound: u32,
}

/// agentx-Open-PDU (RFC 2741 §6.2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Open {
    /// `o.timeout`, seconds (0: the master's default).
    pub timeout: u8,
    /// `o.id`: the subagent's identity (may be the null OID).
    pub id: Oid,
    /// `o.descr`.
    pub descr: Vec<u8>,
}

/// agentx-Register-PDU (RFC 2741 §6.2.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Register {
    /// `r.timeout`, seconds (0: the session's).
    pub timeout: u8,
    /// `r.priority`: lower wins (127 is the default).
    pub priority: u8,
    /// `r.subtree`.
    pub subtree: Oid,
    /// `r.range_subid` and `r.upper_bound`, for a range registration.
    pub range: Option<Range>,
}

/// agentx-Unregister-PDU (RFC 2741 §6.2.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unregister {
    /// `u.priority`, as registered.
    pub priority: u8,
    /// `u.subtree`, as registered.
    pub subtree: Oid,
    /// The range, as registered.
    pub range: Option<Range>,
}

/// A SearchRange (RFC 2741 §5.2): from `start` (itself included when `include`) up to,
/// not including, `end` (the null OID: no end).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRange {
    /// The starting OID.
    pub start: Oid,
    /// Whether `start` itself is a candidate (GetNext).
    pub include: bool,
    /// The ending OID, excluded; empty for none.
    pub end: Oid,
}

/// agentx-GetBulk-PDU's fields (RFC 2741 §6.2.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetBulk {
    /// `g.non_repeaters`.
    pub non_repeaters: u16,
    /// `g.max_repetitions`.
    pub max_repetitions: u16,
    /// The SearchRangeList.
    pub ranges: Vec<SearchRange>,
}

/// agentx-Response-PDU (RFC 2741 §6.2.16).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// `res.sysUpTime`, hundredths of a second (the master's, in answers to a
    /// subagent's administrative PDUs).
    pub sys_up_time: u32,
    /// `res.error`.
    pub error: ResponseError,
    /// `res.index`: the 1-based position of the failing binding, 0 for none.
    pub index: u16,
    /// The VarBindList (empty when there is none).
    pub varbinds: Vec<VarBind>,
}

/// What follows the header (and the context), per PDU type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// agentx-Open-PDU.
    Open(Open),
    /// agentx-Close-PDU.
    Close(CloseReason),
    /// agentx-Register-PDU.
    Register(Register),
    /// agentx-Unregister-PDU.
    Unregister(Unregister),
    /// agentx-Get-PDU: the ranges' ends are null.
    Get(Vec<SearchRange>),
    /// agentx-GetNext-PDU.
    GetNext(Vec<SearchRange>),
    /// agentx-GetBulk-PDU.
    GetBulk(GetBulk),
    /// agentx-TestSet-PDU.
    TestSet(Vec<VarBind>),
    /// agentx-CommitSet-PDU.
    CommitSet,
    /// agentx-UndoSet-PDU.
    UndoSet,
    /// agentx-CleanupSet-PDU.
    CleanupSet,
    /// agentx-Notify-PDU: `sysUpTime.0` (optional) and `snmpTrapOID.0` first.
    Notify(Vec<VarBind>),
    /// agentx-Ping-PDU.
    Ping,
    /// agentx-IndexAllocate-PDU.
    IndexAllocate(Vec<VarBind>),
    /// agentx-IndexDeallocate-PDU.
    IndexDeallocate(Vec<VarBind>),
    /// agentx-AddAgentCaps-PDU.
    AddAgentCaps {
        /// `a.id`.
        id: Oid,
        /// `a.descr`.
        descr: Vec<u8>,
    },
    /// agentx-RemoveAgentCaps-PDU.
    RemoveAgentCaps {
        /// `a.id`.
        id: Oid,
    },
    /// agentx-Response-PDU.
    Response(Response),
}

impl Body {
    /// The PDU type of this body.
    pub fn pdu_type(&self) -> PduType {
        match self {
            Body::Open(_) => PduType::Open,
            Body::Close(_) => PduType::Close,
            Body::Register(_) => PduType::Register,
            Body::Unregister(_) => PduType::Unregister,
            Body::Get(_) => PduType::Get,
            Body::GetNext(_) => PduType::GetNext,
            Body::GetBulk(_) => PduType::GetBulk,
            Body::TestSet(_) => PduType::TestSet,
            Body::CommitSet => PduType::CommitSet,
            Body::UndoSet => PduType::UndoSet,
            Body::CleanupSet => PduType::CleanupSet,
            Body::Notify(_) => PduType::Notify,
            Body::Ping => PduType::Ping,
            Body::IndexAllocate(_) => PduType::IndexAllocate,
            Body::IndexDeallocate(_) => PduType::IndexDeallocate,
            Body::AddAgentCaps { .. } => PduType::AddAgentCaps,
            Body::RemoveAgentCaps { .. } => PduType::RemoveAgentCaps,
            Body::Response(_) => PduType::Response,
        }
    }
}

/// One AgentX PDU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdu {
    /// `h.sessionID`.
    pub session_id: u32,
    /// `h.transactionID`.
    pub transaction_id: u32,
    /// `h.packetID`.
    pub packet_id: u32,
    /// The byte order it travels in (`NETWORK_BYTE_ORDER`).
    pub byte_order: ByteOrder,
    /// `INSTANCE_REGISTRATION`, `NEW_INDEX`, `ANY_INDEX` (the others are derived from
    /// [`Pdu::byte_order`] and [`Pdu::context`]; [`Flags::SEMANTIC`] masks them).
    pub flags: Flags,
    /// The non-default context (`NON_DEFAULT_CONTEXT`), for the types that carry one
    /// ([`PduType::has_context`]); `None` is the default context.
    pub context: Option<Vec<u8>>,
    /// The rest.
    pub body: Body,
}

impl Pdu {
    /// A PDU in the default context, no flags, network byte order.
    pub fn new(session_id: u32, transaction_id: u32, packet_id: u32, body: Body) -> Pdu {
        Pdu {
            session_id,
            transaction_id,
            packet_id,
            byte_order: ByteOrder::Big,
            flags: Flags::NONE,
            context: None,
            body,
        }
    }

    /// The answer to this PDU: same session, transaction and packet IDs, same byte
    /// order (a session answers in the order its peer uses).
    pub fn response(&self, response: Response) -> Pdu {
        Pdu {
            session_id: self.session_id,
            transaction_id: self.transaction_id,
            packet_id: self.packet_id,
            byte_order: self.byte_order,
            flags: Flags::NONE,
            context: None,
            body: Body::Response(response),
        }
    }

    /// The PDU type.
    pub fn pdu_type(&self) -> PduType {
        self.body.pdu_type()
    }
}
