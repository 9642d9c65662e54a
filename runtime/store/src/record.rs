//! What is stored: a notification as plain data. The store knows nothing of BER or
//! SNMP decoding; the receiver fills these fields in (names already resolved, values
//! already shown as text).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::error::StoreError;

/// A received notification, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationRecord {
    /// When it was received (stored to the microsecond).
    pub received_at: SystemTime,
    /// The sender's address as text: an IP address, or a socket path.
    pub source: String,
    /// The sender's port (0 where the transport has none).
    pub source_port: u16,
    /// The transport it came over: `udp`, `tcp`, `unix`, ….
    pub transport: String,
    /// The message's SNMP version.
    pub version: SnmpVersion,
    /// How it was secured.
    pub security: Security,
    /// Trap, inform or SNMPv1 trap.
    pub kind: PduKind,
    /// The PDU's request-id (none for SNMPv1 traps, whose PDU has none).
    pub request_id: Option<i32>,
    /// `snmpTrapOID.0` in dotted decimal.
    pub trap_oid: String,
    /// `snmpTrapOID.0` named through the MIBs (`IF-MIB::linkDown`), when known.
    pub trap_name: Option<String>,
    /// `sysUpTime.0`, in hundredths of a second.
    pub uptime: u32,
    /// For SNMPv1 traps, the Trap-PDU's fields that RFC 3584 folded into the SNMPv2 form.
    pub v1: Option<V1Trap>,
    /// The whole message as received, when the receiver keeps it.
    pub raw_message: Option<Vec<u8>>,
    /// The bindings in order (position = index in this list).
    pub varbinds: Vec<VarbindRecord>,
}

/// SNMP message versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SnmpVersion {
    /// SNMPv1.
    V1,
    /// SNMPv2c.
    V2c,
    /// SNMPv3.
    V3,
}

/// What a notification PDU was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PduKind {
    /// SNMPv2-Trap-PDU: never acknowledged.
    Trap,
    /// InformRequest-PDU: acknowledged, and retransmitted until it is.
    Inform,
    /// SNMPv1's Trap-PDU.
    V1Trap,
}

/// USM security levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecurityLevel {
    /// Neither authenticated nor encrypted.
    NoAuthNoPriv,
    /// Authenticated.
    AuthNoPriv,
    /// Authenticated and encrypted.
    AuthPriv,
}

/// How a notification was secured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Security {
    /// SNMPv1 and SNMPv2c: the community.
    Community(Vec<u8>),
    /// SNMPv3 with USM.
    Usm {
        /// `msgUserName`.
        user: Vec<u8>,
        /// The message's level.
        level: SecurityLevel,
        /// `msgAuthoritativeEngineID`: the sender's for traps, the receiver's for informs.
        engine_id: Vec<u8>,
        /// The scoped PDU's `contextEngineID`.
        context_engine_id: Vec<u8>,
        /// The scoped PDU's `contextName`.
        context_name: Vec<u8>,
    },
}

/// An SNMPv1 Trap-PDU's own fields (RFC 3584 §3.1 maps them onto `snmpTrapOID.0`,
/// `snmpTrapEnterprise.0` and `snmpTrapAddress.0`; they are kept as received too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V1Trap {
    /// `enterprise`, dotted decimal.
    pub enterprise: String,
    /// `agent-addr`, dotted quad.
    pub agent_addr: String,
    /// `generic-trap` (0 … 6).
    pub generic: i32,
    /// `specific-trap`.
    pub specific: i32,
}

/// One variable binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarbindRecord {
    /// The instance OID, dotted decimal.
    pub oid: String,
    /// The OID named through the MIBs (`IF-MIB::ifIndex.3`), when known.
    pub name: Option<String>,
    /// The value's BER tag (0x02 INTEGER, 0x04 OCTET STRING, 0x41 Counter32, …).
    pub ber_type: u8,
    /// The value as a person reads it (enum labels, DISPLAY-HINT applied).
    pub value: String,
    /// The value's BER contents octets, as received.
    pub raw: Vec<u8>,
}

impl SnmpVersion {
    /// The text stored: `v1`, `v2c`, `v3`.
    pub fn as_str(self) -> &'static str {
        match self {
            SnmpVersion::V1 => "v1",
            SnmpVersion::V2c => "v2c",
            SnmpVersion::V3 => "v3",
        }
    }

    /// Reads [`SnmpVersion::as_str`] back.
    pub fn parse(text: &str) -> Option<SnmpVersion> {
        Some(match text {
            "v1" => SnmpVersion::V1,
            "v2c" => SnmpVersion::V2c,
            "v3" => SnmpVersion::V3,
            _ => return None,
        })
    }
}

impl PduKind {
    /// The text stored: `trap`, `inform`, `v1-trap`.
    pub fn as_str(self) -> &'static str {
        match self {
            PduKind::Trap => "trap",
            PduKind::Inform => "inform",
            PduKind::V1Trap => "v1-trap",
        }
    }

    /// Reads [`PduKind::as_str`] back.
    pub fn parse(text: &str) -> Option<PduKind> {
        Some(match text {
            "trap" => PduKind::Trap,
            "inform" => PduKind::Inform,
            "v1-trap" => PduKind::V1Trap,
            _ => return None,
        })
    }
}

impl SecurityLevel {
    /// The text stored, as net-snmp spells the levels.
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityLevel::NoAuthNoPriv => "noAuthNoPriv",
            SecurityLevel::AuthNoPriv => "authNoPriv",
            SecurityLevel::AuthPriv => "authPriv",
        }
    }

    /// Reads [`SecurityLevel::as_str`] back.
    pub fn parse(text: &str) -> Option<SecurityLevel> {
        Some(match text {
            "noAuthNoPriv" => SecurityLevel::NoAuthNoPriv,
            "authNoPriv" => SecurityLevel::AuthNoPriv,
            "authPriv" => SecurityLevel::AuthPriv,
            _ => return None,
        })
    }
}

/// Microseconds since the Unix epoch, as stored (times before 1970 are stored as negative).
pub(crate) fn to_micros(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_micros()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_micros()).map_or(i64::MIN, |m| -m),
    }
}

/// [`to_micros`] read back.
pub(crate) fn from_micros(micros: i64) -> SystemTime {
    let magnitude = Duration::from_micros(micros.unsigned_abs());
    if micros >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}

/// The length of every de-duplication key.
pub(crate) const KEY_LEN: usize = 32;

impl NotificationRecord {
    /// The de-duplication key of an inform: what stays the same when a sender
    /// retransmits one (RFC 3416 §4.2.7: same request-id, same bindings) and differs
    /// between two informs. Traps are never retransmitted, so they have none; the
    /// writer gives them a key of their own (see the crate documentation).
    ///
    /// The receiving time is left out, so a retransmission seconds later is still the
    /// same inform; the sender's `sysUpTime.0` is in, so a sender that restarted and
    /// reuses request-ids sends new informs.
    pub fn inform_key(&self) -> Option<[u8; KEY_LEN]> {
        if self.kind != PduKind::Inform {
            return None;
        }
        let mut hash = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_be_bytes());
            hash.update(bytes);
        };
        field(b"smic-store inform key 1");
        field(self.source.as_bytes());
        field(&self.source_port.to_be_bytes());
        field(self.transport.as_bytes());
        field(self.version.as_str().as_bytes());
        match &self.security {
            Security::Community(community) => field(community),
            Security::Usm {
                user,
                engine_id,
                context_engine_id,
                context_name,
                ..
            } => {
                field(user);
                field(engine_id);
                field(context_engine_id);
                field(context_name);
            }
        }
        field(&self.request_id.unwrap_or(0).to_be_bytes());
        field(self.trap_oid.as_bytes());
        field(&self.uptime.to_be_bytes());
        for varbind in &self.varbinds {
            field(varbind.oid.as_bytes());
            field(&[varbind.ber_type]);
            field(&varbind.raw);
        }
        Some(hash.finalize().into())
    }
}

/// A `dedup_key` read back from a database: exactly as long as the writer's.
pub(crate) fn key_of(bytes: &[u8]) -> Result<[u8; KEY_LEN], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Rejected(format!("a dedup_key of {} bytes", bytes.len())))
}
