//! The community-based security models (RFC 3584 §5): an SNMPv1 or SNMPv2c message's
//! community mapped to a security name and context through [`AccessControl`], the PDU
//! served by the command responder as security model 1 or 2 at noAuthNoPriv.
//!
//! [`AccessControl`]: super::AccessControl

use super::accepted::{Accepted, Reply, Step};
use super::command::{CommandResponder, Outcome};
use super::stats::bump;
use super::vacm::SecurityModel;
use crate::message::{AnyPdu, ErrorStatus, Message, Pdu, PduType, SecurityLevel, VarBind, Version};

/// Accepts an SNMPv1 or SNMPv2c message whose community is known; drops the rest (the
/// reason is counted).
pub(super) fn accept(core: &CommandResponder, request: &[u8]) -> Step {
    let Ok(message) = Message::decode(request) else {
        bump(&core.stats().in_asn_parse_errs);
        return Step::Answered(None);
    };
    let AnyPdu::Pdu(pdu) = message.pdu else {
        bump(&core.stats().silent_drops);
        return Step::Answered(None);
    };
    let Some(entry) = core.access().lookup(&message.community) else {
        bump(&core.stats().in_bad_community_names);
        return Step::Answered(None);
    };
    let max = core.limits().max_message_size;
    let budget = if pdu.kind == PduType::GetBulk {
        // What the bindings may take: the limit, less the empty response and a
        // margin for three length fields growing (message, PDU, binding list).
        let empty = response(
            message.version,
            &message.community,
            &pdu,
            ErrorStatus::NoError,
            0,
            Vec::new(),
        )
        .encode();
        max.saturating_sub(empty.len() + 12)
    } else {
        0
    };
    Step::Serve(Accepted {
        v1: message.version == Version::V1,
        model: match message.version {
            Version::V1 => SecurityModel::V1,
            Version::V2c => SecurityModel::V2c,
        },
        name: entry.security_name.clone(),
        level: SecurityLevel::NoAuthNoPriv,
        context: entry.context.clone(),
        pdu,
        max,
        budget,
        reply: Reply::Community {
            version: message.version,
            community: message.community,
        },
    })
}

/// The Response to an accepted request, in its version and community.
pub(super) fn answer(
    core: &CommandResponder,
    accepted: &Accepted,
    version: Version,
    community: &[u8],
    outcome: Outcome,
) -> Option<Vec<u8>> {
    let pdu = &accepted.pdu;
    core.finish(
        accepted.v1,
        &pdu.varbinds,
        outcome,
        accepted.max,
        |status, index, varbinds| {
            Some(response(version, community, pdu, status, index, varbinds).encode())
        },
    )
}

/// A Response to `pdu` in `version` and `community`.
fn response(
    version: Version,
    community: &[u8],
    pdu: &Pdu,
    status: ErrorStatus,
    index: usize,
    varbinds: Vec<VarBind>,
) -> Message {
    Message {
        version,
        community: community.to_vec(),
        pdu: AnyPdu::Pdu(Pdu {
            kind: PduType::Response,
            request_id: pdu.request_id,
            error_status: status.code(),
            error_index: i32::try_from(index).unwrap_or(i32::MAX),
            varbinds,
        }),
    }
}
