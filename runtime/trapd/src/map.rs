//! A received notification as the store's plain record: names and values shown
//! through the MIBs, BER types and bytes kept.

use std::net::SocketAddr;
use std::time::SystemTime;

use smic_smi::{Oid, Registry, Value};
use smic_snmp::ber::Writer;
use smic_snmp::message::SecurityLevel as UsmLevel;
use smic_snmp::message::{AnyPdu, Message, TrapV1, Version};
use smic_snmp::notify::{Received, Sender};
use smic_store::{
    NotificationRecord, PduKind, Security, SecurityLevel, SnmpVersion, V1Trap, VarbindRecord,
};

/// What the daemon knows about a message besides what the receiver delivered.
#[derive(Clone, Copy, Debug)]
pub struct Arrival<'a> {
    /// The message as received.
    pub bytes: &'a [u8],
    /// Its sender (`0.0.0.0:0` on a Unix socket).
    pub from: SocketAddr,
    /// `udp`, `tcp` or `unix`.
    pub transport: &'static str,
    /// When it arrived.
    pub at: SystemTime,
    /// Whether `raw_message` keeps the bytes.
    pub keep_raw: bool,
}

/// What names OIDs and shows values: the generated modules' [`Registry`], or that
/// and modules loaded from MIB directories as they are needed.
pub trait Namer {
    /// `MODULE::name` and the instance, or `None` for an OID no module covers.
    fn name(&self, oid: &Oid) -> Option<String>;
    /// The value as net-snmp shows it for that object (enumeration labels,
    /// DISPLAY-HINT).
    fn value(&self, oid: &Oid, value: &Value) -> String;
}

impl Namer for Registry {
    fn name(&self, oid: &Oid) -> Option<String> {
        let name = self.name_of(oid);
        // Unnamed OIDs come back numeric, with a leading dot.
        (!name.starts_with('.')).then_some(name)
    }

    fn value(&self, oid: &Oid, value: &Value) -> String {
        self.format_value(oid, value)
    }
}

/// The row the daemon stores for a notification the receiver delivered: names and
/// values shown through `registry`, an SNMPv1 trap's own fields and the request-id
/// read from the message.
pub fn record(
    received: &Received,
    arrival: &Arrival<'_>,
    registry: &dyn Namer,
) -> NotificationRecord {
    // The receiver hands over the notification in SNMPv2 form; the request-id and an
    // SNMPv1 trap's own fields are read from the message itself (community-based
    // messages only: a v3 message's PDU may be encrypted).
    let message = match received.sender {
        Sender::Community { .. } => Message::decode(arrival.bytes).ok(),
        Sender::Usm { .. } => None,
    };
    let (request_id, v1, v1_varbinds) = match message.map(|m| m.pdu) {
        Some(AnyPdu::Pdu(pdu)) => (Some(pdu.request_id), None, None),
        Some(AnyPdu::TrapV1(trap)) => (None, Some(v1_fields(&trap)), Some(trap.varbinds)),
        None => (None, None, None),
    };
    let (version, security) = match &received.sender {
        Sender::Community { version, community } => (
            match version {
                Version::V1 => SnmpVersion::V1,
                Version::V2c => SnmpVersion::V2c,
            },
            Security::Community(community.clone()),
        ),
        Sender::Usm {
            user,
            level,
            engine_id,
        } => (
            SnmpVersion::V3,
            Security::Usm {
                user: user.clone(),
                level: match level {
                    UsmLevel::NoAuthNoPriv => SecurityLevel::NoAuthNoPriv,
                    UsmLevel::AuthNoPriv => SecurityLevel::AuthNoPriv,
                    UsmLevel::AuthPriv => SecurityLevel::AuthPriv,
                },
                engine_id: engine_id.clone(),
                // Not delivered by the receiver yet.
                context_engine_id: Vec::new(),
                context_name: Vec::new(),
            },
        ),
    };
    let kind = if received.inform {
        PduKind::Inform
    } else if v1.is_some() || version == SnmpVersion::V1 {
        PduKind::V1Trap
    } else {
        PduKind::Trap
    };
    let notice = &received.notice;
    NotificationRecord {
        received_at: arrival.at,
        source: arrival.from.ip().to_string(),
        source_port: arrival.from.port(),
        transport: arrival.transport.to_owned(),
        version,
        security,
        kind,
        request_id,
        trap_oid: notice.trap_oid.to_string(),
        trap_name: registry.name(&notice.trap_oid),
        uptime: notice.uptime,
        v1,
        raw_message: arrival.keep_raw.then(|| arrival.bytes.to_vec()),
        // An SNMPv1 trap's own bindings, as snmptrapd shows them: the three RFC 3584
        // §3.1 appends in the SNMPv2 form (snmpTrapAddress, snmpTrapCommunity,
        // snmpTrapEnterprise) are in the v1 columns and the community already.
        varbinds: v1_varbinds
            .as_ref()
            .unwrap_or(&notice.varbinds)
            .iter()
            .map(|vb| varbind(registry, &vb.oid, &vb.value))
            .collect(),
    }
}

fn v1_fields(trap: &TrapV1) -> V1Trap {
    let [a, b, c, d] = trap.agent_addr;
    V1Trap {
        enterprise: trap.enterprise.to_string(),
        agent_addr: format!("{a}.{b}.{c}.{d}"),
        generic: trap.generic_trap,
        specific: trap.specific_trap,
    }
}

fn varbind(registry: &dyn Namer, oid: &Oid, value: &Value) -> VarbindRecord {
    let (ber_type, raw) = ber(value);
    VarbindRecord {
        oid: oid.to_string(),
        name: registry.name(oid),
        ber_type,
        value: text(registry.value(oid, value)),
        raw,
    }
}

/// The value's BER tag and contents octets.
fn ber(value: &Value) -> (u8, Vec<u8>) {
    let mut writer = Writer::new();
    writer.value(value);
    let bytes = writer.into_bytes();
    let tag = bytes.first().copied().unwrap_or(0);
    let header = match bytes.get(1) {
        Some(&len) if len < 0x80 => 2,
        Some(&len) => 2 + usize::from(len & 0x7f),
        None => bytes.len(),
    };
    (tag, bytes.get(header..).unwrap_or_default().to_vec())
}

/// Display text without NUL characters (PostgreSQL's text refuses them).
fn text(shown: String) -> String {
    if shown.contains('\0') {
        shown.replace('\0', "\\0")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ber_splits_tag_and_contents() {
        assert_eq!(ber(&Value::Integer(3)), (0x02, vec![3]));
        assert_eq!(ber(&Value::Counter32(256)), (0x41, vec![1, 0]));
        let long = vec![b'x'; 300];
        assert_eq!(ber(&Value::OctetString(long.clone())), (0x04, long));
        assert_eq!(ber(&Value::Null), (0x05, Vec::new()));
        assert_eq!(text("a\0b".to_owned()), "a\\0b");
    }
}
