//! A request the message and security layers accepted, between [`Responder::accept`]
//! and [`Responder::answer`]: who asks, the PDU, and what its answer needs.
//!
//! The split exists for servers that answer part of a request elsewhere and
//! asynchronously — an AgentX master, whose subtrees live in subagents, or a proxy —
//! while the community models, USM and VACM stay the responder's. A plain agent never
//! sees it: [`Responder::handle`] accepts, serves and answers in one call.
//!
//! [`Responder::accept`]: super::Responder::accept
//! [`Responder::answer`]: super::Responder::answer
//! [`Responder::handle`]: super::Responder::handle

use std::time::Instant;

use super::command::Principal;
use super::vacm::SecurityModel;
use crate::message::{Pdu, SecurityLevel, Version};
use crate::usm::Incoming;

/// What one datagram came to: answered (or dropped) by the message layers themselves,
/// or a request to serve.
pub enum Step {
    /// The layers answered (a Report, a refusal) or dropped it (`None`); counted.
    Answered(Option<Vec<u8>>),
    /// An authenticated, authorized-to-ask request: serve its PDU, then
    /// [`Responder::answer`](super::Responder::answer).
    Serve(Accepted),
}

/// A request to serve: the principal and PDU the message layers established, and the
/// size bounds of its answer.
pub struct Accepted {
    pub(super) v1: bool,
    pub(super) model: SecurityModel,
    pub(super) name: Vec<u8>,
    pub(super) level: SecurityLevel,
    pub(super) context: Vec<u8>,
    pub(super) pdu: Pdu,
    /// The largest answer, in bytes.
    pub(super) max: usize,
    /// What a GetBulk answer's bindings may take, in bytes (0 for other PDUs).
    pub(super) budget: usize,
    pub(super) reply: Reply,
}

/// How the answer is wrapped.
pub(super) enum Reply {
    /// SNMPv1 or SNMPv2c, back in the request's community.
    Community {
        version: Version,
        community: Vec<u8>,
    },
    /// SNMPv3 with USM, protected at the request's level for its user.
    Usm {
        incoming: Box<Incoming>,
        now: Instant,
    },
}

impl Accepted {
    /// Who asks, for [`CommandResponder::serve`](super::CommandResponder::serve) or an
    /// access check of one's own.
    pub fn principal(&self) -> Principal<'_> {
        Principal {
            v1: self.v1,
            model: self.model,
            name: &self.name,
            level: self.level,
            context: &self.context,
        }
    }

    /// The request PDU.
    pub fn pdu(&self) -> &Pdu {
        &self.pdu
    }

    /// What a GetBulk answer's bindings may take, in bytes: the largest answer less
    /// the message around the bindings (0 for other PDUs).
    pub fn budget(&self) -> usize {
        self.budget
    }
}
