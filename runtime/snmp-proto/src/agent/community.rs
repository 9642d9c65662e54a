//! The community-based security models (RFC 3584 §5): an SNMPv1 or SNMPv2c message's
//! community mapped to a security name and context through [`AccessControl`], the PDU
//! served by the command responder as security model 1 or 2 at noAuthNoPriv.
//!
//! [`AccessControl`]: super::AccessControl

use super::command::{CommandResponder, Principal};
use super::stats::bump;
use super::vacm::SecurityModel;
use crate::message::{AnyPdu, ErrorStatus, Message, Pdu, PduType, SecurityLevel, VarBind, Version};

/// Answers an SNMPv1 or SNMPv2c message; `None` drops it (the reason is counted).
pub(super) fn handle(core: &CommandResponder, request: &[u8]) -> Option<Vec<u8>> {
    let Ok(message) = Message::decode(request) else {
        bump(&core.stats().in_asn_parse_errs);
        return None;
    };
    let AnyPdu::Pdu(pdu) = &message.pdu else {
        bump(&core.stats().silent_drops);
        return None;
    };
    let Some(entry) = core.access().lookup(&message.community) else {
        bump(&core.stats().in_bad_community_names);
        return None;
    };
    let who = Principal {
        v1: message.version == Version::V1,
        model: match message.version {
            Version::V1 => SecurityModel::V1,
            Version::V2c => SecurityModel::V2c,
        },
        name: &entry.security_name,
        level: SecurityLevel::NoAuthNoPriv,
        context: &entry.context,
    };
    let budget = || {
        // What the bindings may take: the limit, less the empty response and a
        // margin for three length fields growing (message, PDU, binding list).
        let empty = response(&message, pdu, ErrorStatus::NoError, 0, Vec::new()).encode();
        core.limits()
            .max_message_size
            .saturating_sub(empty.len() + 12)
    };
    let outcome = core.serve(who, pdu, budget)?;
    core.finish(
        who.v1,
        &pdu.varbinds,
        outcome,
        core.limits().max_message_size,
        |status, index, varbinds| Some(response(&message, pdu, status, index, varbinds).encode()),
    )
}

/// A Response to `pdu` in `message`'s version and community.
fn response(
    message: &Message,
    pdu: &Pdu,
    status: ErrorStatus,
    index: usize,
    varbinds: Vec<VarBind>,
) -> Message {
    Message {
        version: message.version,
        community: message.community.clone(),
        pdu: AnyPdu::Pdu(Pdu {
            kind: PduType::Response,
            request_id: pdu.request_id,
            error_status: status.code(),
            error_index: i32::try_from(index).unwrap_or(i32::MAX),
            varbinds,
        }),
    }
}
