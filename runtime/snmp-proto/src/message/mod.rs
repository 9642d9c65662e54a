//! SNMPv1 (RFC 1157) and SNMPv2c (RFC 1901, RFC 3416) messages and their PDUs; SNMPv3
//! messages (RFC 3412) in [`v3`].

mod level;
mod status;
pub mod v3;

pub use level::SecurityLevel;
pub use status::ErrorStatus;

use smic_smi::{Oid, Value};

use crate::ber::{Error, Reader, Writer, tag};

/// The protocol version of a community-based message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// SNMPv1 (`version-1(0)`).
    V1,
    /// SNMPv2c (`version-2c(1)`).
    V2c,
}

impl Version {
    fn wire(self) -> i64 {
        match self {
            Version::V1 => 0,
            Version::V2c => 1,
        }
    }
}

/// Which PDU: the context-specific tag of RFC 3416 §3 (and RFC 1157's Trap).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PduType {
    /// `GetRequest-PDU` `[0]`.
    Get,
    /// `GetNextRequest-PDU` `[1]`.
    GetNext,
    /// `Response-PDU` `[2]` (v1 `GetResponse`).
    Response,
    /// `SetRequest-PDU` `[3]`.
    Set,
    /// `GetBulkRequest-PDU` `[5]` (v2c only).
    GetBulk,
    /// `InformRequest-PDU` `[6]` (v2c only).
    Inform,
    /// `SNMPv2-Trap-PDU` `[7]` (v2c only).
    TrapV2,
    /// `Report-PDU` `[8]` (v2c only).
    Report,
}

impl PduType {
    /// The BER tag.
    pub fn tag(self) -> u8 {
        match self {
            PduType::Get => 0xa0,
            PduType::GetNext => 0xa1,
            PduType::Response => 0xa2,
            PduType::Set => 0xa3,
            PduType::GetBulk => 0xa5,
            PduType::Inform => 0xa6,
            PduType::TrapV2 => 0xa7,
            PduType::Report => 0xa8,
        }
    }

    fn from_tag(tag: u8) -> Option<PduType> {
        Some(match tag {
            0xa0 => PduType::Get,
            0xa1 => PduType::GetNext,
            0xa2 => PduType::Response,
            0xa3 => PduType::Set,
            0xa5 => PduType::GetBulk,
            0xa6 => PduType::Inform,
            0xa7 => PduType::TrapV2,
            0xa8 => PduType::Report,
            _ => return None,
        })
    }

    /// Whether SNMPv1 knows this PDU.
    pub fn in_v1(self) -> bool {
        matches!(
            self,
            PduType::Get | PduType::GetNext | PduType::Response | PduType::Set
        )
    }
}

/// The tag of RFC 1157's `Trap-PDU` `[4]`.
pub const TRAP_V1_TAG: u8 = 0xa4;

/// A variable binding: a name and its value (`NULL` in requests).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VarBind {
    /// The instance OID.
    pub oid: Oid,
    /// The value.
    pub value: Value,
}

impl VarBind {
    /// Its encoded size in bytes, as a GetBulk answer's byte budget counts it.
    pub fn encoded_len(&self) -> usize {
        let mut w = crate::ber::Writer::new();
        w.sequence(|w| {
            w.oid(&self.oid);
            w.value(&self.value);
        });
        w.into_bytes().len()
    }

    /// A binding with a `NULL` value, as requests carry.
    pub fn null(oid: Oid) -> Self {
        VarBind {
            oid,
            value: Value::Null,
        }
    }
}

/// Every PDU but v1's Trap. For GetBulk, `error_status` and `error_index` carry
/// non-repeaters and max-repetitions, as on the wire (RFC 3416 §3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdu {
    /// Which PDU.
    pub kind: PduType,
    /// Correlates a response with its request.
    pub request_id: i32,
    /// `error-status` (RFC 3416 §3: noError(0) … inconsistentName(18)), or non-repeaters.
    pub error_status: i32,
    /// `error-index` (1-based position of the faulty binding), or max-repetitions.
    pub error_index: i32,
    /// The variable bindings.
    pub varbinds: Vec<VarBind>,
}

/// RFC 1157's `Trap-PDU`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrapV1 {
    /// `enterprise`: the sender's `sysObjectID` or the trap's enterprise.
    pub enterprise: Oid,
    /// `agent-addr`.
    pub agent_addr: [u8; 4],
    /// `generic-trap`: coldStart(0) … enterpriseSpecific(6).
    pub generic_trap: i32,
    /// `specific-trap`.
    pub specific_trap: i32,
    /// `time-stamp`: the sender's sysUpTime.
    pub time_stamp: u32,
    /// The variable bindings.
    pub varbinds: Vec<VarBind>,
}

/// A PDU of either kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnyPdu {
    /// Request, response, bulk, v2 trap, inform or report.
    Pdu(Pdu),
    /// v1 trap.
    TrapV1(TrapV1),
}

/// A community-based message.
///
/// ```
/// use smic_smi::oid;
/// use smic_snmp_proto::{Message, Pdu, PduType, VarBind, Version};
/// use smic_snmp_proto::message::AnyPdu;
/// let request = Message {
///     version: Version::V2c,
///     community: b"public".to_vec(),
///     pdu: AnyPdu::Pdu(Pdu {
///         kind: PduType::Get,
///         request_id: 42,
///         error_status: 0,
///         error_index: 0,
///         varbinds: vec![VarBind::null(oid!(1, 3, 6, 1, 2, 1, 1, 1, 0).clone())],
///     }),
/// };
/// let bytes = request.encode();
/// assert_eq!(Message::decode(&bytes).unwrap(), request);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// v1 or v2c.
    pub version: Version,
    /// The community string.
    pub community: Vec<u8>,
    /// The PDU.
    pub pdu: AnyPdu,
}

impl Message {
    /// Encodes the message.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.sequence(|w| {
            w.integer(self.version.wire());
            w.octets(&self.community);
            write_any_pdu(w, &self.pdu);
        });
        w.into_bytes()
    }

    /// Decodes a whole datagram: exactly one message, nothing after it.
    pub fn decode(bytes: &[u8]) -> Result<Message, Error> {
        let mut outer = Reader::new(bytes);
        let mut message = outer.sequence()?;
        outer.finish()?;
        let at = message.offset();
        let version = match message.integer()? {
            0 => Version::V1,
            1 => Version::V2c,
            other => {
                return Err(Error::InvalidValue {
                    what: "version",
                    value: i64::from(other),
                    at,
                });
            }
        };
        let community = message.octets()?.to_vec();
        let pdu = read_any_pdu(&mut message, version)?;
        message.finish()?;
        Ok(Message {
            version,
            community,
            pdu,
        })
    }
}

/// Writes a PDU of either kind.
pub(crate) fn write_any_pdu(w: &mut Writer, pdu: &AnyPdu) {
    match pdu {
        AnyPdu::Pdu(pdu) => write_pdu(w, pdu),
        AnyPdu::TrapV1(trap) => w.constructed(TRAP_V1_TAG, |w| {
            w.oid(&trap.enterprise);
            w.value(&Value::IpAddress(trap.agent_addr));
            w.integer(i64::from(trap.generic_trap));
            w.integer(i64::from(trap.specific_trap));
            w.value(&Value::TimeTicks(trap.time_stamp));
            write_varbinds(w, &trap.varbinds);
        }),
    }
}

/// Writes a PDU other than v1's Trap.
pub(crate) fn write_pdu(w: &mut Writer, pdu: &Pdu) {
    w.constructed(pdu.kind.tag(), |w| {
        w.integer(i64::from(pdu.request_id));
        w.integer(i64::from(pdu.error_status));
        w.integer(i64::from(pdu.error_index));
        write_varbinds(w, &pdu.varbinds);
    });
}

/// Reads a PDU of either kind, checking it is one `version` has.
pub(crate) fn read_any_pdu(message: &mut Reader<'_>, version: Version) -> Result<AnyPdu, Error> {
    let at = message.offset();
    let pdu_tag = message.peek_tag()?;
    let pdu = if pdu_tag == TRAP_V1_TAG {
        if version != Version::V1 {
            return Err(Error::InvalidValue {
                what: "v1 Trap-PDU in version",
                value: version.wire(),
                at,
            });
        }
        let mut body = message.constructed(TRAP_V1_TAG)?;
        let enterprise = body.oid()?;
        let at_addr = body.offset();
        let agent_addr = match body.value()? {
            Value::IpAddress(ip) => ip,
            _ => {
                return Err(Error::UnexpectedTag {
                    expected: tag::IP_ADDRESS,
                    found: 0,
                    at: at_addr,
                });
            }
        };
        let generic_trap = body.integer()?;
        let specific_trap = body.integer()?;
        let at_ticks = body.offset();
        let time_stamp = match body.value()? {
            Value::TimeTicks(t) => t,
            _ => {
                return Err(Error::UnexpectedTag {
                    expected: tag::TIMETICKS,
                    found: 0,
                    at: at_ticks,
                });
            }
        };
        let varbinds = read_varbinds(&mut body)?;
        body.finish()?;
        AnyPdu::TrapV1(TrapV1 {
            enterprise,
            agent_addr,
            generic_trap,
            specific_trap,
            time_stamp,
            varbinds,
        })
    } else {
        let kind = PduType::from_tag(pdu_tag).ok_or(Error::UnknownTag { tag: pdu_tag, at })?;
        if version == Version::V1 && !kind.in_v1() {
            return Err(Error::InvalidValue {
                what: "SNMPv2 PDU in version",
                value: 0,
                at,
            });
        }
        let mut body = message.constructed(pdu_tag)?;
        let request_id = body.integer()?;
        let error_status = body.integer()?;
        let error_index = body.integer()?;
        let varbinds = read_varbinds(&mut body)?;
        body.finish()?;
        AnyPdu::Pdu(Pdu {
            kind,
            request_id,
            error_status,
            error_index,
            varbinds,
        })
    };
    Ok(pdu)
}

/// Reads a PDU other than v1's Trap (SNMPv2 PDUs allowed).
pub(crate) fn read_pdu(message: &mut Reader<'_>) -> Result<Pdu, Error> {
    let at = message.offset();
    match read_any_pdu(message, Version::V2c)? {
        AnyPdu::Pdu(pdu) => Ok(pdu),
        // read_any_pdu already refuses it outside SNMPv1; this keeps the type honest.
        AnyPdu::TrapV1(_) => Err(Error::InvalidValue {
            what: "v1 Trap-PDU in version",
            value: 3,
            at,
        }),
    }
}

fn write_varbinds(w: &mut Writer, varbinds: &[VarBind]) {
    w.sequence(|w| {
        for vb in varbinds {
            w.sequence(|w| {
                w.oid(&vb.oid);
                w.value(&vb.value);
            });
        }
    });
}

fn read_varbinds(body: &mut Reader<'_>) -> Result<Vec<VarBind>, Error> {
    let mut list = body.sequence()?;
    let mut varbinds = Vec::new();
    while !list.is_empty() {
        let mut vb = list.sequence()?;
        let oid = vb.oid()?;
        let value = vb.value()?;
        vb.finish()?;
        varbinds.push(VarBind { oid, value });
    }
    Ok(varbinds)
}
