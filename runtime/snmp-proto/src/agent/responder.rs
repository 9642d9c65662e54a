//! The agent's message dispatcher (RFC 3411 §4.1): one datagram in, the answer out.
//!
//! Sans-IO: [`Responder::handle`] takes a datagram and returns the datagram to send
//! back, or nothing when it is to be dropped (undecodable, unknown community, not a
//! request, a version not spoken); every drop is counted. The version picks the
//! message-processing model — the community models, or the SNMPv3 layer when one is
//! configured — and both hand the PDU to the same [`CommandResponder`]. Transports
//! (`smic_snmp::agent::Server`) only move bytes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use super::accepted::{Accepted, Reply, Step};
use super::access::AccessControl;
use super::command::{CommandResponder, Limits, Outcome};
use super::community;
use super::mib::{Mib, OverlapError};
use super::stats::{Stats, bump};
use super::v3::UsmLayer;
use crate::message::v3::peek_version;
use crate::usm::{self, LocalEngine, User};

/// A whole agent without I/O: the command responder, reached through the community
/// models and, when configured, SNMPv3 with USM.
pub struct Responder {
    core: CommandResponder,
    /// Without it SNMPv3 messages are a version this agent does not speak.
    usm: Option<UsmLayer>,
}

impl Responder {
    /// A responder with default [`Limits`] and its own counters.
    pub fn new(mib: Mib, access: AccessControl) -> Self {
        Responder::from_core(CommandResponder::new(mib, access))
    }

    /// A responder counting into `stats` (so that the MIB can serve them: see
    /// [`system::register_snmp_group`](super::system::register_snmp_group)).
    pub fn with_stats(mib: Mib, access: AccessControl, stats: Arc<Stats>) -> Self {
        Responder::from_core(CommandResponder::with_stats(mib, access, stats))
    }

    /// The community models in front of `core`, no SNMPv3 yet.
    pub fn from_core(core: CommandResponder) -> Self {
        Responder { core, usm: None }
    }

    /// The same responder with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.core = self.core.with_limits(limits);
        self
    }

    /// Speaks SNMPv3 as the authoritative engine `engine`, for `users` (their keys are
    /// localized to the engine here, once). What each user may do is configured in
    /// the [`AccessControl`](super::AccessControl) with
    /// [`AccessControl::user`](super::AccessControl::user); a user without an access
    /// entry is refused with authorizationError.
    ///
    /// The engine's own objects join the MIB: the SNMP-FRAMEWORK-MIB `snmpEngine`
    /// group, the `usmStats` counters, SNMP-MPD-MIB's `snmpMPDStats` and
    /// `snmpUnknownContexts`; an error if the MIB already serves one of them.
    ///
    /// ```
    /// use std::time::Instant;
    /// use smic_smi::oid;
    /// use smic_snmp_proto::agent::{AccessControl, Mib, Responder};
    /// use smic_snmp_proto::message::SecurityLevel;
    /// use smic_snmp_proto::usm::{AuthProtocol, LocalEngine, PrivProtocol, User};
    /// let engine = LocalEngine::new(LocalEngine::text_id(8072, "agent"), 1, Instant::now());
    /// let ops = User::new("ops")
    ///     .with_auth(AuthProtocol::Sha256, b"auth-passphrase")?
    ///     .with_privacy(PrivProtocol::Aes128, b"priv-passphrase")?;
    /// let mut access = AccessControl::new();
    /// access
    ///     .view("all", oid!(1).clone(), true)
    ///     .user("ops", SecurityLevel::AuthPriv, Some("all"), Some("all"));
    /// let responder = Responder::new(Mib::new(), access).with_usm(engine, [ops])?;
    /// # let _ = responder;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_usm(
        mut self,
        engine: LocalEngine,
        users: impl IntoIterator<Item = User>,
    ) -> Result<Responder, OverlapError> {
        self.usm = Some(UsmLayer::new(&mut self.core, engine, users)?);
        Ok(self)
    }

    /// The command responder behind the message layers.
    pub fn core(&self) -> &CommandResponder {
        &self.core
    }

    /// The counters.
    pub fn stats(&self) -> &Arc<Stats> {
        self.core.stats()
    }

    /// The MIB served.
    pub fn mib(&self) -> &Mib {
        self.core.mib()
    }

    /// The `usmStats` counters, when SNMPv3 is configured.
    pub fn usm_stats(&self) -> Option<&Arc<usm::Stats>> {
        self.usm.as_ref().map(UsmLayer::stats)
    }

    /// The SNMPv3 engine, when configured.
    pub fn engine(&self) -> Option<&LocalEngine> {
        self.usm.as_ref().map(UsmLayer::engine)
    }

    /// Answers one datagram; `None` means drop it (the reason is counted).
    ///
    /// Never panics, whatever the bytes.
    pub fn handle(&self, request: &[u8], from: SocketAddr) -> Option<Vec<u8>> {
        self.handle_at(request, from, Instant::now())
    }

    /// [`Responder::handle`] with the time given: SNMPv3's time window and the engine
    /// time in answers are taken at `now`.
    pub fn handle_at(&self, request: &[u8], from: SocketAddr, now: Instant) -> Option<Vec<u8>> {
        match self.accept_at(request, from, now) {
            Step::Answered(answer) => answer,
            Step::Serve(accepted) => {
                let outcome = self
                    .core
                    .serve(accepted.principal(), accepted.pdu(), || accepted.budget())?;
                self.answer(&accepted, outcome)
            }
        }
    }

    /// The first half of [`Responder::handle`]: the message and security layers
    /// (community or USM, Reports, the context) run, and a request they accept comes
    /// back to be served by the caller — by [`CommandResponder::serve`] or by a server
    /// of its own, such as an AgentX master — and answered with [`Responder::answer`].
    ///
    /// Never panics, whatever the bytes.
    ///
    /// ```
    /// use std::time::Instant;
    /// use smic_smi::oid;
    /// use smic_snmp_proto::agent::{AccessControl, Mib, Responder, Step};
    /// use smic_snmp_proto::message::AnyPdu;
    /// use smic_snmp_proto::{Message, Pdu, PduType, VarBind, Version};
    /// let mut access = AccessControl::new();
    /// access.view("all", oid!(1).clone(), true).community("public", Some("all"), None);
    /// let responder = Responder::new(Mib::new(), access);
    /// let get = Message {
    ///     version: Version::V2c,
    ///     community: b"public".to_vec(),
    ///     pdu: AnyPdu::Pdu(Pdu {
    ///         kind: PduType::Get,
    ///         request_id: 7,
    ///         error_status: 0,
    ///         error_index: 0,
    ///         varbinds: vec![VarBind::null(oid!(1, 3, 6, 1, 2, 1, 1, 1, 0).clone())],
    ///     }),
    /// };
    /// let from = "127.0.0.1:5000".parse().unwrap();
    /// let Step::Serve(accepted) = responder.accept_at(&get.encode(), from, Instant::now()) else {
    ///     panic!("a known community is accepted");
    /// };
    /// let outcome = responder.core().serve(accepted.principal(), accepted.pdu(), || accepted.budget());
    /// let answer = responder.answer(&accepted, outcome.unwrap()).unwrap();
    /// assert_eq!(Message::decode(&answer).unwrap().community, b"public");
    /// ```
    pub fn accept_at(&self, request: &[u8], _from: SocketAddr, now: Instant) -> Step {
        let stats = self.core.stats();
        bump(&stats.in_pkts);
        match (peek_version(request), &self.usm) {
            (Ok(0 | 1), _) => community::accept(&self.core, request),
            (Ok(3), Some(usm)) => usm.accept(&self.core, request, now),
            (Ok(_), _) => {
                bump(&stats.in_bad_versions);
                Step::Answered(None)
            }
            (Err(_), _) => {
                bump(&stats.in_asn_parse_errs);
                Step::Answered(None)
            }
        }
    }

    /// The second half: the answer to an accepted request, encoded and protected as
    /// its message layer requires (tooBig when it does not fit); `None` drops it.
    pub fn answer(&self, accepted: &Accepted, outcome: Outcome) -> Option<Vec<u8>> {
        match &accepted.reply {
            Reply::Community { version, community } => {
                community::answer(&self.core, accepted, *version, community, outcome)
            }
            Reply::Usm { incoming, now } => {
                let usm = self.usm.as_ref()?;
                usm.answer(&self.core, accepted, incoming, *now, outcome)
            }
        }
    }
}
