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

use super::access::AccessControl;
use super::command::{CommandResponder, Limits};
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
    pub fn handle_at(&self, request: &[u8], _from: SocketAddr, now: Instant) -> Option<Vec<u8>> {
        let stats = self.core.stats();
        bump(&stats.in_pkts);
        match (peek_version(request), &self.usm) {
            (Ok(0 | 1), _) => community::handle(&self.core, request),
            (Ok(3), Some(usm)) => usm.handle(&self.core, request, now),
            (Ok(_), _) => {
                bump(&stats.in_bad_versions);
                None
            }
            (Err(_), _) => {
                bump(&stats.in_asn_parse_errs);
                None
            }
        }
    }
}
