//! The SNMPv3 layer around the command responder: message processing (RFC 3412 §7.2)
//! and USM as the authoritative engine (RFC 3414 §3.2), in the RFCs' order, before the
//! PDU is handed to [`CommandResponder::serve`] like any other, under VACM with model
//! USM, the user as security name and the message's level. The layer owns the USM
//! state; the command responder knows nothing of it.
//!
//! The order: decode → engine ID (unknown or empty: a `usmStatsUnknownEngineIDs`
//! Report, which is also how managers discover this engine) → user → level and digest
//! → time window → decryption → PDU class → contextEngineID → contextName. Each
//! refusal is counted; a Report goes back only when the reportable flag asks for one
//! and never to a Report, Response or Trap.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use smic_smi::{Oid, Value};

use super::accepted::{Accepted, Reply, Step};
use super::command::{CommandResponder, Outcome};
use super::mib::OverlapError;
use super::stats::bump;
use super::system;
use super::vacm::SecurityModel;
use crate::message::ErrorStatus;
use crate::message::SecurityLevel;
use crate::message::v3::{Flags, Header, MAX_SIZE, ScopedPdu, ScopedPduData, USM, UsmParams};
use crate::message::{Pdu, PduType, VarBind};
use crate::usm::{self, EngineKeys, Failure, Incoming, LocalEngine, Salt, Stats, User};

/// `snmpUnknownPDUHandlers.0` (SNMP-MPD-MIB): the Report for another contextEngineID.
const UNKNOWN_PDU_HANDLERS: [u32; 11] = [1, 3, 6, 1, 6, 3, 11, 2, 1, 3, 0];
/// `snmpUnknownContexts.0` (SNMP-TARGET-MIB): the Report for an unknown contextName.
const UNKNOWN_CONTEXTS: [u32; 10] = [1, 3, 6, 1, 6, 3, 12, 1, 5, 0];

/// The responder's SNMPv3 engine: its identity and clock, its users' keys localized to
/// it once, the `usmStats` counters and the salt counter of its encrypted answers.
pub(super) struct UsmLayer {
    engine: LocalEngine,
    users: HashMap<Vec<u8>, EngineKeys>,
    stats: Arc<Stats>,
    salt: Salt,
}

impl UsmLayer {
    /// The layer for `engine` and `users` (their keys localized to the engine here,
    /// once); the engine's own objects join `core`'s MIB.
    pub(super) fn new(
        core: &mut CommandResponder,
        engine: LocalEngine,
        users: impl IntoIterator<Item = User>,
    ) -> Result<UsmLayer, OverlapError> {
        let stats = Arc::new(Stats::default());
        let agent_stats = Arc::clone(core.stats());
        system::register_engine(core.mib_mut(), &engine, &stats, &agent_stats)?;
        let users = users
            .into_iter()
            .map(|user| {
                let keys = user.keys(engine.id());
                (user.name().to_vec(), EngineKeys::clone(&keys))
            })
            .collect();
        Ok(UsmLayer {
            engine,
            users,
            stats,
            salt: Salt::new(),
        })
    }

    /// The `usmStats` counters.
    pub(super) fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    /// The authoritative engine.
    pub(super) fn engine(&self) -> &LocalEngine {
        &self.engine
    }

    /// Accepts an SNMPv3 request (RFC 3412 §7.2, RFC 3414 §3.2), or answers it with a
    /// Report, or drops it.
    pub(super) fn accept(&self, core: &CommandResponder, bytes: &[u8], now: Instant) -> Step {
        let usm = self;
        let incoming = match usm::decode(bytes) {
            Ok(incoming) => incoming,
            Err(failure) => {
                let counter = match failure {
                    Failure::UnknownSecurityModel(_) => &core.stats().unknown_security_models,
                    Failure::Invalid(_) => &core.stats().invalid_msgs,
                    _ => &core.stats().in_asn_parse_errs,
                };
                bump(counter);
                return Step::Answered(None);
            }
        };
        // A PDU in the clear shows its class now; an encrypted one is trusted to have
        // set the flag rightly until it is decrypted (RFC 3412 §7.2 step 13 note).
        let reportable = incoming.message.header.flags.reportable()
            && match &incoming.message.data {
                ScopedPduData::Plaintext(scoped) => confirmed(scoped.pdu.kind),
                ScopedPduData::Encrypted(_) => true,
            };
        let refuse = |failure: Failure, keys: Option<&EngineKeys>| {
            Step::Answered(self.refuse(core, &incoming, failure, reportable, keys, now))
        };
        if incoming.params.engine_id != usm.engine.id() {
            return refuse(Failure::UnknownEngineId, None);
        }
        let Some(keys) = usm.users.get(&incoming.params.user_name) else {
            return refuse(Failure::UnknownUserName, None);
        };
        if let Err(failure) = incoming.authenticate(bytes, keys) {
            return refuse(failure, None);
        }
        if incoming.level != SecurityLevel::NoAuthNoPriv {
            let (boots, time) = (incoming.params.boots, incoming.params.time);
            let engine = &usm.engine;
            if !usm::in_window(engine.boots(), engine.time(now), boots, time) {
                return refuse(Failure::NotInTimeWindow, Some(keys));
            }
        }
        let scoped = match incoming.scoped_pdu(keys) {
            Ok(scoped) => scoped,
            Err(failure) => return refuse(failure, None),
        };
        if !CommandResponder::is_request(scoped.pdu.kind) {
            // Responses, Reports, Traps and Informs are not a command responder's.
            bump(&core.stats().silent_drops);
            return Step::Answered(None);
        }
        let answer = Answer {
            usm,
            incoming: &incoming,
            keys,
            context_name: &scoped.context_name,
            request_id: scoped.pdu.request_id,
            now,
        };
        if scoped.context_engine_id != usm.engine.id() {
            // RFC 3412 §7.2 step 13: no application handles this contextEngineID.
            bump(&core.stats().unknown_pdu_handlers);
            let binding =
                counter_binding(&UNKNOWN_PDU_HANDLERS, &core.stats().unknown_pdu_handlers);
            return Step::Answered(self.report(core, &answer, reportable, binding));
        }
        if !core.access().vacm().has_context(&scoped.context_name) {
            // RFC 3413 §3.2 step 3: isAccessAllowed says noSuchContext.
            bump(&core.stats().unknown_contexts);
            let binding = counter_binding(&UNKNOWN_CONTEXTS, &core.stats().unknown_contexts);
            return Step::Answered(self.report(core, &answer, reportable, binding));
        }
        let max = core
            .limits()
            .max_message_size
            .min(usize::try_from(incoming.message.header.max_size).unwrap_or(0));
        let budget = if scoped.pdu.kind == PduType::GetBulk {
            // The empty response as it will be sent, less a margin for the three
            // length fields that grow and for the cipher's padding.
            let empty = answer.response(ErrorStatus::NoError, 0, Vec::new());
            max.saturating_sub(empty.map_or(max, |e| e.len()) + 12 + 16)
        } else {
            0
        };
        let ScopedPdu {
            context_name, pdu, ..
        } = scoped;
        Step::Serve(Accepted {
            v1: false,
            model: SecurityModel::Usm,
            name: incoming.params.user_name.clone(),
            level: incoming.level,
            context: context_name,
            pdu,
            max,
            budget,
            reply: Reply::Usm {
                incoming: Box::new(incoming),
                now,
            },
        })
    }

    /// The Response to an accepted request, protected for its user at its level.
    pub(super) fn answer(
        &self,
        core: &CommandResponder,
        accepted: &Accepted,
        incoming: &Incoming,
        now: Instant,
        outcome: Outcome,
    ) -> Option<Vec<u8>> {
        // The users are fixed when the layer is made: an accepted request's is there.
        let keys = self.users.get(&incoming.params.user_name)?;
        let answer = Answer {
            usm: self,
            incoming,
            keys,
            context_name: &accepted.context,
            request_id: accepted.pdu.request_id,
            now,
        };
        core.finish(
            false,
            &accepted.pdu.varbinds,
            outcome,
            accepted.max,
            |status, index, varbinds| answer.response(status, index, varbinds),
        )
    }

    /// Counts a USM refusal and answers with its Report when the sender may have one.
    fn refuse(
        &self,
        core: &CommandResponder,
        incoming: &Incoming,
        failure: Failure,
        reportable: bool,
        keys: Option<&EngineKeys>,
        now: Instant,
    ) -> Option<Vec<u8>> {
        self.stats.record(&failure);
        let counter = failure.counter()?;
        if !reportable {
            return None;
        }
        let level = counter.report_level();
        let none = EngineKeys::none();
        let keys = match level {
            SecurityLevel::NoAuthNoPriv => &none,
            _ => keys?,
        };
        let pdu = usm::report_pdu(incoming.request_id(), counter.binding(&self.stats));
        let bytes = usm::report(incoming, &self.engine, now, pdu, level, keys, &self.salt).ok()?;
        bump(&core.stats().out_pkts);
        Some(bytes)
    }

    /// A Report about an authenticated, decrypted request, at the request's level
    /// (the sender proved who it is, so the Report can be as protected as its request).
    fn report(
        &self,
        core: &CommandResponder,
        answer: &Answer<'_>,
        reportable: bool,
        binding: VarBind,
    ) -> Option<Vec<u8>> {
        if !reportable {
            return None;
        }
        let pdu = usm::report_pdu(answer.request_id, binding);
        let bytes = usm::report(
            answer.incoming,
            &answer.usm.engine,
            answer.now,
            pdu,
            answer.incoming.level,
            answer.keys,
            &answer.usm.salt,
        )
        .ok()?;
        bump(&core.stats().out_pkts);
        Some(bytes)
    }
}

/// Whether a PDU is of the confirmed class (RFC 3411 §2.8): only those may be
/// answered with a Report.
fn confirmed(kind: PduType) -> bool {
    !matches!(kind, PduType::Response | PduType::Report | PduType::TrapV2)
}

/// What an accepted SNMPv3 request's answers need.
struct Answer<'a> {
    usm: &'a UsmLayer,
    incoming: &'a Incoming,
    keys: &'a EngineKeys,
    context_name: &'a [u8],
    request_id: i32,
    now: Instant,
}

impl Answer<'_> {
    /// The Response, protected at the request's level with this engine's ID, boots and
    /// time, the request's msgID and context, not reportable.
    fn response(
        &self,
        status: ErrorStatus,
        index: usize,
        varbinds: Vec<VarBind>,
    ) -> Option<Vec<u8>> {
        let engine = &self.usm.engine;
        let header = Header {
            msg_id: self.incoming.message.header.msg_id,
            max_size: MAX_SIZE,
            flags: Flags::new(self.incoming.level, false),
            security_model: USM,
        };
        let params = UsmParams {
            engine_id: engine.id().to_vec(),
            boots: engine.boots(),
            time: engine.time(self.now),
            user_name: self.incoming.params.user_name.clone(),
            ..UsmParams::default()
        };
        let scoped = ScopedPdu {
            context_engine_id: engine.id().to_vec(),
            context_name: self.context_name.to_vec(),
            pdu: Pdu {
                kind: PduType::Response,
                request_id: self.request_id,
                error_status: status.code(),
                error_index: i32::try_from(index).unwrap_or(i32::MAX),
                varbinds,
            },
        };
        usm::protect(header, params, self.keys, &scoped, &self.usm.salt).ok()
    }
}

/// A Report binding for one of the responder's own counters.
fn counter_binding(oid: &[u32], counter: &std::sync::atomic::AtomicU32) -> VarBind {
    VarBind {
        oid: Oid::from_vec(oid.to_vec()),
        value: Value::Counter32(counter.load(std::sync::atomic::Ordering::Relaxed)),
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::time::Duration;

    use smic_smi::oid;

    use super::*;
    use crate::agent::{AccessControl, Mib, Responder, system};
    use crate::usm::{AuthProtocol, Counter, PrivProtocol};

    const ENGINE: &[u8] = b"\x80\x00\x1f\x88\x04agent-test";

    fn from() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 5000))
    }

    fn ops() -> User {
        User::new("ops")
            .with_auth(AuthProtocol::Sha256, b"auth-passphrase")
            .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"priv-passphrase"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// `ops` reads at authNoPriv and writes at authPriv; `reader` has no keys and
    /// reads; `secret` has keys but access at authPriv only.
    fn responder(t0: Instant) -> Responder {
        let mut mib = Mib::new();
        system::register_system(
            &mut mib,
            system::SystemInfo {
                descr: "v3 test".into(),
                object_id: oid!(1, 3, 6, 1, 4, 1, 8072).clone(),
                contact: String::new(),
                name: "box".into(),
                location: String::new(),
                services: 72,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut access = AccessControl::new();
        access
            .view("all", oid!(1).clone(), true)
            .user("ops", SecurityLevel::AuthNoPriv, Some("all"), None)
            .user("ops", SecurityLevel::AuthPriv, Some("all"), Some("all"))
            .user("reader", SecurityLevel::NoAuthNoPriv, Some("all"), None)
            .user("secret", SecurityLevel::AuthPriv, Some("all"), None)
            .context(b"other");
        let secret = User::new("secret")
            .with_auth(AuthProtocol::Sha1, b"auth-passphrase")
            .and_then(|u| u.with_privacy(PrivProtocol::Des, b"priv-passphrase"))
            .unwrap_or_else(|e| panic!("{e}"));
        Responder::new(mib, access)
            .with_usm(
                LocalEngine::new(ENGINE.to_vec(), 7, t0),
                [ops(), User::new("reader"), secret],
            )
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// What a manager sends.
    struct Request {
        user: User,
        level: SecurityLevel,
        engine_id: Vec<u8>,
        clock: (u32, u32),
        kind: PduType,
        context_engine_id: Vec<u8>,
        context_name: Vec<u8>,
        reportable: bool,
        varbinds: Vec<VarBind>,
    }

    impl Request {
        fn new(user: User, level: SecurityLevel) -> Request {
            Request {
                user,
                level,
                engine_id: ENGINE.to_vec(),
                clock: (7, 10),
                kind: PduType::Get,
                context_engine_id: ENGINE.to_vec(),
                context_name: Vec::new(),
                reportable: true,
                varbinds: vec![VarBind::null(oid!(1, 3, 6, 1, 2, 1, 1, 5, 0).clone())],
            }
        }

        fn encode(&self) -> Vec<u8> {
            let header = Header {
                msg_id: 4242,
                max_size: MAX_SIZE,
                flags: Flags::new(self.level, self.reportable),
                security_model: USM,
            };
            let params = UsmParams {
                engine_id: self.engine_id.clone(),
                boots: self.clock.0,
                time: self.clock.1,
                user_name: self.user.name().to_vec(),
                ..UsmParams::default()
            };
            let scoped = ScopedPdu {
                context_engine_id: self.context_engine_id.clone(),
                context_name: self.context_name.clone(),
                pdu: Pdu {
                    kind: self.kind,
                    request_id: 99,
                    error_status: 0,
                    error_index: 0,
                    varbinds: self.varbinds.clone(),
                },
            };
            usm::protect(
                header,
                params,
                &self.user.keys(ENGINE),
                &scoped,
                &Salt::new(),
            )
            .unwrap_or_else(|e| panic!("{e}"))
        }
    }

    /// An answer, checked as a manager would with `user`'s keys: (level, PDU).
    fn open(bytes: &[u8], user: &User) -> (SecurityLevel, Pdu) {
        let incoming = usm::decode(bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(incoming.message.header.msg_id, 4242);
        assert!(!incoming.message.header.flags.reportable());
        assert_eq!(incoming.params.engine_id, ENGINE);
        assert_eq!(incoming.params.boots, 7);
        let keys = user.keys(ENGINE);
        incoming
            .authenticate(bytes, &keys)
            .unwrap_or_else(|e| panic!("{e}"));
        let scoped = incoming.scoped_pdu(&keys).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scoped.context_engine_id, ENGINE);
        (incoming.level, scoped.pdu)
    }

    fn reported(bytes: Option<Vec<u8>>, user: &User) -> (SecurityLevel, Oid) {
        let bytes = bytes.unwrap_or_else(|| panic!("a report"));
        let (level, pdu) = open(&bytes, user);
        assert_eq!(pdu.kind, PduType::Report);
        (level, pdu.varbinds[0].oid.clone())
    }

    #[test]
    fn discovery_then_requests_at_every_level() {
        let t0 = Instant::now();
        let r = responder(t0);
        let now = t0 + Duration::from_secs(10);
        // Discovery: empty engine ID and user, noAuthNoPriv.
        let mut probe = Request::new(User::new(""), SecurityLevel::NoAuthNoPriv);
        probe.engine_id = Vec::new();
        probe.context_engine_id = Vec::new();
        probe.varbinds = Vec::new();
        let answer = r.handle_at(&probe.encode(), from(), now);
        let (level, oid) = reported(answer.clone(), &User::new(""));
        assert_eq!(level, SecurityLevel::NoAuthNoPriv);
        assert_eq!(oid, Counter::UnknownEngineIds.oid());
        let params = usm::decode(&answer.unwrap_or_default())
            .map(|i| i.params)
            .unwrap_or_default();
        assert_eq!((params.boots, params.time), (7, 10));

        for (user, level) in [
            (ops(), SecurityLevel::AuthPriv),
            (ops(), SecurityLevel::AuthNoPriv),
            (User::new("reader"), SecurityLevel::NoAuthNoPriv),
        ] {
            let request = Request::new(user.clone(), level);
            let answer = r.handle_at(&request.encode(), from(), now);
            let (got, pdu) = open(&answer.unwrap_or_default(), &user);
            assert_eq!(got, level, "answered at the request's level");
            assert_eq!(pdu.kind, PduType::Response);
            assert_eq!(pdu.request_id, 99);
            assert_eq!(pdu.varbinds[0].value, Value::OctetString(b"box".to_vec()));
        }
        let usm = r.usm_stats().map(|s| s.get(Counter::UnknownEngineIds));
        assert_eq!(usm, Some(1));
    }

    #[test]
    fn usm_refusals_are_reported_in_rfc_order_and_counted() {
        let t0 = Instant::now();
        let r = responder(t0);
        let now = t0 + Duration::from_secs(10);
        let count = |c: Counter| r.usm_stats().map_or(0, |s| s.get(c));

        // Another engine ID, even with a known user: unknownEngineID first.
        let mut request = Request::new(ops(), SecurityLevel::AuthPriv);
        request.engine_id = b"\x80\x00\x1f\x88\x04elsewhere".to_vec();
        let (_, oid) = reported(r.handle_at(&request.encode(), from(), now), &ops());
        assert_eq!(oid, Counter::UnknownEngineIds.oid());

        // Unknown user.
        let stranger = User::new("stranger")
            .with_auth(AuthProtocol::Sha256, b"auth-passphrase")
            .unwrap_or_else(|e| panic!("{e}"));
        let request = Request::new(stranger, SecurityLevel::AuthNoPriv);
        let (level, oid) = reported(r.handle_at(&request.encode(), from(), now), &ops());
        assert_eq!(
            (level, oid),
            (SecurityLevel::NoAuthNoPriv, Counter::UnknownUserNames.oid())
        );

        // A level the user cannot have: `reader` has no keys.
        let with_keys = User::new("reader")
            .with_auth(AuthProtocol::Md5, b"auth-passphrase")
            .unwrap_or_else(|e| panic!("{e}"));
        let request = Request::new(with_keys, SecurityLevel::AuthNoPriv);
        let (_, oid) = reported(r.handle_at(&request.encode(), from(), now), &ops());
        assert_eq!(oid, Counter::UnsupportedSecLevels.oid());

        // The wrong key, and a tampered message: wrongDigest.
        let impostor = User::new("ops")
            .with_auth(AuthProtocol::Sha256, b"not-the-passphrase")
            .unwrap_or_else(|e| panic!("{e}"));
        let request = Request::new(impostor, SecurityLevel::AuthNoPriv);
        let (_, oid) = reported(r.handle_at(&request.encode(), from(), now), &ops());
        assert_eq!(oid, Counter::WrongDigests.oid());
        let mut tampered = Request::new(ops(), SecurityLevel::AuthPriv).encode();
        let last = tampered.len() - 1;
        tampered[last] ^= 0x40;
        let (_, oid) = reported(r.handle_at(&tampered, from(), now), &ops());
        assert_eq!(oid, Counter::WrongDigests.oid());

        // Stale, at engine time 160: 151 s ahead, 151 s behind, or an old boot count.
        // The Report is authenticated and carries the engine's clock.
        for clock in [(7, 311), (7, 9), (6, 160)] {
            let mut request = Request::new(ops(), SecurityLevel::AuthPriv);
            request.clock = clock;
            let later = t0 + Duration::from_secs(160);
            let bytes = r.handle_at(&request.encode(), from(), later);
            let bytes = bytes.unwrap_or_default();
            let (level, pdu) = open(&bytes, &ops());
            assert_eq!(level, SecurityLevel::AuthNoPriv, "{clock:?}");
            assert_eq!(pdu.varbinds[0].oid, Counter::NotInTimeWindows.oid());
            let params = usm::decode(&bytes).map(|i| i.params).unwrap_or_default();
            assert_eq!((params.boots, params.time), (7, 160));
        }
        // 150 s off is still in time.
        let mut request = Request::new(ops(), SecurityLevel::AuthPriv);
        request.clock = (7, 160);
        let (_, pdu) = open(
            &r.handle_at(&request.encode(), from(), now)
                .unwrap_or_default(),
            &ops(),
        );
        assert_eq!(pdu.kind, PduType::Response);

        // The right authentication key, the wrong privacy key: decryptionError.
        let half = User::new("ops")
            .with_auth(AuthProtocol::Sha256, b"auth-passphrase")
            .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"other-passphrase"))
            .unwrap_or_else(|e| panic!("{e}"));
        let request = Request::new(half, SecurityLevel::AuthPriv);
        let (_, oid) = reported(r.handle_at(&request.encode(), from(), now), &ops());
        assert_eq!(oid, Counter::DecryptionErrors.oid());

        assert_eq!(count(Counter::UnknownEngineIds), 1);
        assert_eq!(count(Counter::UnknownUserNames), 1);
        assert_eq!(count(Counter::UnsupportedSecLevels), 1);
        assert_eq!(count(Counter::WrongDigests), 2);
        assert_eq!(count(Counter::NotInTimeWindows), 3);
        assert_eq!(count(Counter::DecryptionErrors), 1);
    }

    #[test]
    fn no_report_unless_asked_and_never_to_a_report() {
        let t0 = Instant::now();
        let r = responder(t0);
        let now = t0 + Duration::from_secs(10);
        let stranger = User::new("stranger");
        for kind in [PduType::Report, PduType::Response, PduType::TrapV2] {
            let mut request = Request::new(stranger.clone(), SecurityLevel::NoAuthNoPriv);
            request.kind = kind;
            assert_eq!(
                r.handle_at(&request.encode(), from(), now),
                None,
                "{kind:?}"
            );
        }
        let mut request = Request::new(stranger, SecurityLevel::NoAuthNoPriv);
        request.reportable = false;
        assert_eq!(r.handle_at(&request.encode(), from(), now), None);
        // Counted all the same.
        let count = r
            .usm_stats()
            .map_or(0, |s| s.get(Counter::UnknownUserNames));
        assert_eq!(count, 4);
        // A Report from a real user is not a request either: dropped, not answered.
        let mut report = Request::new(ops(), SecurityLevel::AuthPriv);
        report.kind = PduType::Report;
        assert_eq!(r.handle_at(&report.encode(), from(), now), None);
        assert_eq!(r.stats().snapshot().silent_drops, 1);
    }

    #[test]
    fn truncated_and_garbled_messages_are_dropped() {
        let t0 = Instant::now();
        let r = responder(t0);
        let now = t0 + Duration::from_secs(10);
        let bytes = Request::new(ops(), SecurityLevel::AuthPriv).encode();
        for len in 0..bytes.len() {
            assert_eq!(r.handle_at(&bytes[..len], from(), now), None, "{len}");
        }
        // Another security model; privacy without authentication.
        let mut message =
            crate::message::v3::MessageV3::decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
        message.header.security_model = 4;
        assert_eq!(r.handle_at(&message.encode(), from(), now), None);
        message.header.security_model = USM;
        message.header.flags = Flags(Flags::PRIV | Flags::REPORTABLE);
        assert_eq!(r.handle_at(&message.encode(), from(), now), None);
        let stats = r.stats().snapshot();
        assert_eq!(stats.unknown_security_models, 1);
        assert_eq!(stats.invalid_msgs, 1);
        assert_eq!(stats.out_pkts, 0);
        // Without USM configured, SNMPv3 is a version the responder does not speak.
        let plain = Responder::new(Mib::new(), AccessControl::new());
        assert_eq!(plain.handle_at(&bytes, from(), now), None);
        assert_eq!(plain.stats().snapshot().in_bad_versions, 1);
    }

    #[test]
    fn contexts_and_access_by_level() {
        let t0 = Instant::now();
        let r = responder(t0);
        let now = t0 + Duration::from_secs(10);
        // Another contextEngineID: snmpUnknownPDUHandlers, at the request's level.
        let mut request = Request::new(ops(), SecurityLevel::AuthPriv);
        request.context_engine_id = b"\x80\x00\x1f\x88\x04elsewhere".to_vec();
        let (level, oid) = reported(r.handle_at(&request.encode(), from(), now), &ops());
        assert_eq!(level, SecurityLevel::AuthPriv);
        assert_eq!(oid, Oid::from_vec(UNKNOWN_PDU_HANDLERS.to_vec()));
        // An unknown context: snmpUnknownContexts; a known one without access:
        // authorizationError.
        let mut request = Request::new(ops(), SecurityLevel::AuthPriv);
        request.context_name = b"nowhere".to_vec();
        let (_, oid) = reported(r.handle_at(&request.encode(), from(), now), &ops());
        assert_eq!(oid, Oid::from_vec(UNKNOWN_CONTEXTS.to_vec()));
        request.context_name = b"other".to_vec();
        let (_, pdu) = open(
            &r.handle_at(&request.encode(), from(), now)
                .unwrap_or_default(),
            &ops(),
        );
        assert_eq!(pdu.error_status, ErrorStatus::AuthorizationError.code());
        // `secret` may read at authPriv only; `ops` may write at authPriv only.
        let secret = User::new("secret")
            .with_auth(AuthProtocol::Sha1, b"auth-passphrase")
            .and_then(|u| u.with_privacy(PrivProtocol::Des, b"priv-passphrase"))
            .unwrap_or_else(|e| panic!("{e}"));
        for (level, status) in [
            (SecurityLevel::AuthNoPriv, ErrorStatus::AuthorizationError),
            (SecurityLevel::AuthPriv, ErrorStatus::NoError),
        ] {
            let request = Request::new(secret.clone(), level);
            let answer = r.handle_at(&request.encode(), from(), now);
            let (_, pdu) = open(&answer.unwrap_or_default(), &secret);
            assert_eq!(pdu.error_status, status.code(), "{level}");
        }
        let set = |level| {
            let mut request = Request::new(ops(), level);
            request.kind = PduType::Set;
            request.varbinds = vec![VarBind {
                oid: oid!(1, 3, 6, 1, 2, 1, 1, 5, 0).clone(),
                value: Value::OctetString(b"renamed".to_vec()),
            }];
            let answer = r.handle_at(&request.encode(), from(), now);
            open(&answer.unwrap_or_default(), &ops()).1.error_status
        };
        assert_eq!(
            set(SecurityLevel::AuthNoPriv),
            ErrorStatus::AuthorizationError.code()
        );
        assert_eq!(set(SecurityLevel::AuthPriv), ErrorStatus::NoError.code());
        // The engine's objects are served.
        let mut request = Request::new(ops(), SecurityLevel::AuthNoPriv);
        request.varbinds = [
            "1.3.6.1.6.3.10.2.1.1.0",
            "1.3.6.1.6.3.10.2.1.2.0",
            "1.3.6.1.6.3.10.2.1.4.0",
            "1.3.6.1.6.3.15.1.1.3.0",
            "1.3.6.1.6.3.12.1.5.0",
            "1.3.6.1.6.3.11.2.1.3.0",
        ]
        .iter()
        .map(|o| VarBind::null(o.parse().unwrap_or_default()))
        .collect();
        let answer = r.handle_at(&request.encode(), from(), now);
        let values: Vec<Value> = open(&answer.unwrap_or_default(), &ops())
            .1
            .varbinds
            .into_iter()
            .map(|vb| vb.value)
            .collect();
        assert_eq!(
            values,
            [
                Value::OctetString(ENGINE.to_vec()),
                Value::Integer(7),
                Value::Integer(65507),
                Value::Counter32(0),
                Value::Counter32(1),
                Value::Counter32(1),
            ]
        );
    }
}
