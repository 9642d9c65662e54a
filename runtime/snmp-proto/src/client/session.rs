//! The manager's SNMPv3 session (sans-IO): engine discovery, protecting requests,
//! checking responses and reports, following the agent's clock. The driver in
//! [`super`] moves the bytes; this decides what they mean.

use std::sync::Arc;
use std::time::Instant;

use smic_smi::Oid;

use crate::message::SecurityLevel;
use crate::message::v3::{Flags, Header, MAX_SIZE, ScopedPdu, USM, UsmParams};
use crate::message::{Pdu, PduType};
use crate::usm::{self, Counter, EngineKeys, EngineTime, Failure, Salt, Stats, User};

/// How a manager talks SNMPv3 to one agent.
#[derive(Clone, Debug)]
pub struct UsmConfig {
    /// The user, with its keys.
    pub user: User,
    /// The level requests are sent at (at most what the user's keys allow).
    pub level: SecurityLevel,
    /// `contextName` (empty: the default context).
    pub context_name: Vec<u8>,
    /// `contextEngineID`; the agent's engine ID when `None`.
    pub context_engine_id: Option<Vec<u8>>,
    /// The agent's engine ID, when known in advance (net-snmp's `-e`): no discovery.
    pub engine_id: Option<Vec<u8>>,
    /// The agent's boots and time, when known in advance (net-snmp's `-Z`).
    pub engine_time: Option<(u32, u32)>,
}

impl UsmConfig {
    /// A configuration for `user` at `level`, default context, engine discovered.
    pub fn new(user: User, level: SecurityLevel) -> UsmConfig {
        UsmConfig {
            user,
            level,
            context_name: Vec::new(),
            context_engine_id: None,
            engine_id: None,
            engine_time: None,
        }
    }

    /// Whether the user has the keys the level needs.
    pub fn check(&self) -> Result<(), &'static str> {
        let auth = self.user.auth_protocol().is_some();
        let privacy = self.user.privacy_protocol().is_some();
        match self.level {
            SecurityLevel::AuthNoPriv if !auth => {
                Err("authNoPriv needs an authentication protocol and passphrase (-a, -A)")
            }
            SecurityLevel::AuthPriv if !auth || !privacy => Err(
                "authPriv needs authentication and privacy protocols and passphrases (-a, -A, -x, -X)",
            ),
            _ => Ok(()),
        }
    }
}

/// A Report the agent sent in answer to a request (RFC 3412 §7.2 step 3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// One of the `usmStats` counters.
    Usm(Counter),
    /// Another counter (`snmpUnknownContexts`, `snmpUnavailableContexts` …).
    Other(Oid),
}

impl Report {
    fn of(pdu: &Pdu) -> Report {
        let oid = pdu
            .varbinds
            .first()
            .map_or_else(|| Oid::from_vec(Vec::new()), |vb| vb.oid.clone());
        Counter::from_oid(&oid).map_or(Report::Other(oid), Report::Usm)
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Report::Usm(counter) => {
                let hint = match counter {
                    Counter::UnsupportedSecLevels => {
                        "the user cannot use this security level at the agent"
                    }
                    Counter::NotInTimeWindows => "the agent's clock could not be followed",
                    Counter::UnknownUserNames => "the agent has no such user",
                    Counter::UnknownEngineIds => "the engine ID given is not the agent's",
                    Counter::WrongDigests => {
                        "authentication failed: wrong authentication passphrase or protocol"
                    }
                    Counter::DecryptionErrors => {
                        "decryption failed: wrong privacy passphrase or protocol"
                    }
                };
                write!(f, "{} ({hint})", counter.name())
            }
            Report::Other(oid) => {
                let name = match oid.arcs() {
                    [1, 3, 6, 1, 6, 3, 12, 1, 4, 0] => "snmpUnavailableContexts",
                    [1, 3, 6, 1, 6, 3, 12, 1, 5, 0] => "snmpUnknownContexts (no such context)",
                    [1, 3, 6, 1, 6, 3, 11, 2, 1, 1, 0] => "snmpUnknownSecurityModels",
                    [1, 3, 6, 1, 6, 3, 11, 2, 1, 2, 0] => "snmpInvalidMsgs",
                    [1, 3, 6, 1, 6, 3, 11, 2, 1, 3, 0] => "snmpUnknownPDUHandlers",
                    _ => return write!(f, "a report of {oid}"),
                };
                f.write_str(name)
            }
        }
    }
}

/// What an incoming datagram turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// A response, checked, decrypted and at the request's level.
    Response {
        /// The msgID it answers.
        msg_id: i32,
        /// The response PDU.
        pdu: Pdu,
    },
    /// A report about the request `msg_id`.
    Report {
        /// The msgID it reports on.
        msg_id: i32,
        /// What it reports.
        report: Report,
    },
}

struct Engine {
    id: Vec<u8>,
    time: Option<EngineTime>,
    keys: Arc<EngineKeys>,
}

/// One manager's SNMPv3 state for one agent: datagrams and time in, datagrams and
/// checked answers out.
pub struct Session {
    config: UsmConfig,
    engine: Option<Engine>,
    salt: Salt,
    stats: Arc<Stats>,
}

impl Session {
    /// A session for `config`, counting refusals into `stats`; an engine ID given in
    /// the configuration spares the discovery.
    pub fn new(config: UsmConfig, stats: Arc<Stats>, now: Instant) -> Session {
        let mut session = Session {
            engine: None,
            salt: Salt::new(),
            stats,
            config,
        };
        if let Some(id) = session.config.engine_id.clone() {
            session.learn_engine(id, session.config.engine_time, now);
        }
        session
    }

    fn learn_engine(&mut self, id: Vec<u8>, time: Option<(u32, u32)>, now: Instant) {
        let keys = self.config.user.keys(&id);
        self.engine = Some(Engine {
            id,
            time: time.map(|(boots, time)| EngineTime::new(boots, time, now)),
            keys,
        });
    }

    /// Whether the agent's engine ID must be discovered before requests can be sent.
    pub fn needs_discovery(&self) -> bool {
        self.engine.is_none()
    }

    /// The probe of RFC 3414 §4: an unauthenticated, reportable, empty request that
    /// the agent answers with a `usmStatsUnknownEngineIDs` Report carrying its engine
    /// ID, boots and time.
    pub fn discovery(&self, msg_id: i32) -> Vec<u8> {
        usm::discovery_probe(msg_id)
    }

    /// A request, protected at the configured level; `None` when the engine is not
    /// known yet or the request cannot be protected (nothing is ever sent unprotected).
    pub fn encode(&self, msg_id: i32, pdu: &Pdu, now: Instant) -> Option<Vec<u8>> {
        let engine = self.engine.as_ref()?;
        let (boots, time) = engine.time.map_or((0, 0), |t| t.estimate(now));
        let header = Header {
            msg_id,
            max_size: MAX_SIZE,
            flags: Flags::new(self.config.level, true),
            security_model: USM,
        };
        let params = UsmParams {
            engine_id: engine.id.clone(),
            boots,
            time,
            user_name: self.config.user.name().to_vec(),
            ..UsmParams::default()
        };
        let scoped = ScopedPdu {
            context_engine_id: self
                .config
                .context_engine_id
                .clone()
                .unwrap_or_else(|| engine.id.clone()),
            context_name: self.config.context_name.clone(),
            pdu: pdu.clone(),
        };
        usm::protect(header, params, &engine.keys, &scoped, &self.salt).ok()
    }

    /// Checks an incoming datagram (RFC 3412 §7.2, RFC 3414 §3.2 for the
    /// non-authoritative side). Refusals are counted in [`Session::stats`].
    pub fn receive(&mut self, bytes: &[u8], now: Instant) -> Result<Received, Failure> {
        let result = self.check(bytes, now);
        if let Err(failure) = &result {
            self.stats.record(failure);
        }
        result
    }

    fn check(&mut self, bytes: &[u8], now: Instant) -> Result<Received, Failure> {
        let incoming = usm::decode(bytes)?;
        let msg_id = incoming.message.header.msg_id;
        let params = &incoming.params;
        if incoming.level == SecurityLevel::NoAuthNoPriv {
            let scoped = incoming.scoped_pdu(&EngineKeys::none())?;
            return match scoped.pdu.kind {
                PduType::Report => {
                    let report = Report::of(&scoped.pdu);
                    if report == Report::Usm(Counter::UnknownEngineIds)
                        && self.engine.is_none()
                        && !params.engine_id.is_empty()
                    {
                        let time = Some((params.boots, params.time));
                        self.learn_engine(params.engine_id.clone(), time, now);
                    }
                    Ok(Received::Report { msg_id, report })
                }
                PduType::Response if self.config.level == SecurityLevel::NoAuthNoPriv => {
                    if self
                        .engine
                        .as_ref()
                        .is_some_and(|e| e.id != params.engine_id)
                    {
                        return Err(Failure::UnknownEngineId);
                    }
                    Ok(Received::Response {
                        msg_id,
                        pdu: scoped.pdu,
                    })
                }
                _ => Err(Failure::Invalid(
                    "an unauthenticated answer to an authenticated request",
                )),
            };
        }
        let engine = self.engine.as_mut().ok_or(Failure::UnknownEngineId)?;
        if params.engine_id != engine.id {
            return Err(Failure::UnknownEngineId);
        }
        if params.user_name != self.config.user.name() {
            return Err(Failure::UnknownUserName);
        }
        incoming.authenticate(bytes, &engine.keys)?;
        // Authenticated: the clock it carries can be trusted. A notInTimeWindow Report
        // is the agent telling us its time (RFC 3414 §4), so it is taken as is;
        // everything else must fall in the window.
        let scoped = incoming.scoped_pdu(&engine.keys);
        let is_time_report = scoped.as_ref().is_ok_and(|s| {
            s.pdu.kind == PduType::Report
                && Report::of(&s.pdu) == Report::Usm(Counter::NotInTimeWindows)
        });
        match &mut engine.time {
            Some(clock) if !is_time_report => {
                if !clock.receive(params.boots, params.time, now) {
                    return Err(Failure::NotInTimeWindow);
                }
            }
            clock => *clock = Some(EngineTime::new(params.boots, params.time, now)),
        }
        let scoped = scoped?;
        match scoped.pdu.kind {
            PduType::Report => Ok(Received::Report {
                msg_id,
                report: Report::of(&scoped.pdu),
            }),
            PduType::Response if incoming.level == self.config.level => Ok(Received::Response {
                msg_id,
                pdu: scoped.pdu,
            }),
            PduType::Response => Err(Failure::Invalid(
                "a response at another security level than its request",
            )),
            _ => Err(Failure::Invalid("neither a response nor a report")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use smic_smi::{Value, oid};

    use super::*;
    use crate::VarBind;
    use crate::usm::{AuthProtocol, PrivProtocol};

    const ENGINE: &[u8] = b"\x80\x00\x1f\x88\x04agent";

    fn user() -> User {
        User::new("ops")
            .with_auth(AuthProtocol::Sha256, b"auth-passphrase")
            .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"priv-passphrase"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// What an agent would send: `kind` with one binding, at `level`, its clock at
    /// (`boots`, `time`), signed with `user`'s keys.
    fn from_agent(
        user: &User,
        level: SecurityLevel,
        kind: PduType,
        binding: VarBind,
        clock: (u32, u32),
        msg_id: i32,
    ) -> Vec<u8> {
        let header = Header {
            msg_id,
            max_size: MAX_SIZE,
            flags: Flags::new(level, false),
            security_model: USM,
        };
        let params = UsmParams {
            engine_id: ENGINE.to_vec(),
            boots: clock.0,
            time: clock.1,
            user_name: if level == SecurityLevel::NoAuthNoPriv {
                Vec::new()
            } else {
                user.name().to_vec()
            },
            ..UsmParams::default()
        };
        let scoped = ScopedPdu {
            context_engine_id: ENGINE.to_vec(),
            context_name: Vec::new(),
            pdu: Pdu {
                kind,
                request_id: msg_id,
                error_status: 0,
                error_index: 0,
                varbinds: vec![binding],
            },
        };
        usm::protect(header, params, &user.keys(ENGINE), &scoped, &Salt::new())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn report(counter: Counter) -> VarBind {
        VarBind {
            oid: counter.oid(),
            value: Value::Counter32(1),
        }
    }

    fn answer() -> VarBind {
        VarBind {
            oid: oid!(1, 3, 6, 1, 2, 1, 1, 5, 0).clone(),
            value: Value::OctetString(b"agent".to_vec()),
        }
    }

    fn discovered(now: Instant) -> Session {
        let mut session = Session::new(
            UsmConfig::new(user(), SecurityLevel::AuthPriv),
            Arc::default(),
            now,
        );
        assert!(session.needs_discovery());
        let probe = session.discovery(1);
        let incoming = usm::decode(&probe).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(incoming.level, SecurityLevel::NoAuthNoPriv);
        assert!(incoming.message.header.flags.reportable());
        assert!(incoming.params.engine_id.is_empty());
        let reply = from_agent(
            &user(),
            SecurityLevel::NoAuthNoPriv,
            PduType::Report,
            report(Counter::UnknownEngineIds),
            (3, 1000),
            1,
        );
        assert_eq!(
            session.receive(&reply, now),
            Ok(Received::Report {
                msg_id: 1,
                report: Report::Usm(Counter::UnknownEngineIds)
            })
        );
        assert!(!session.needs_discovery());
        session
    }

    #[test]
    fn discovery_then_protected_requests_and_responses() {
        let now = Instant::now();
        let mut session = discovered(now);
        let request = session
            .encode(
                2,
                &Pdu {
                    kind: PduType::Get,
                    request_id: 2,
                    error_status: 0,
                    error_index: 0,
                    varbinds: vec![VarBind::null(answer().oid)],
                },
                now + Duration::from_secs(5),
            )
            .unwrap_or_else(|| panic!("engine known"));
        let incoming = usm::decode(&request).unwrap_or_else(|e| panic!("{e}"));
        // The agent's clock as the report gave it, moved on by the time elapsed.
        assert_eq!((incoming.params.boots, incoming.params.time), (3, 1005));
        assert_eq!(incoming.params.engine_id, ENGINE);
        assert_eq!(incoming.level, SecurityLevel::AuthPriv);

        let response = from_agent(
            &user(),
            SecurityLevel::AuthPriv,
            PduType::Response,
            answer(),
            (3, 1006),
            2,
        );
        let Ok(Received::Response { msg_id: 2, pdu }) =
            session.receive(&response, now + Duration::from_secs(6))
        else {
            panic!("the response is accepted");
        };
        assert_eq!(pdu.varbinds, vec![answer()]);
    }

    #[test]
    fn forged_stale_and_downgraded_answers_are_refused_and_counted() {
        let now = Instant::now();
        let stats = Arc::new(Stats::default());
        let mut session = discovered(now);
        session.stats = Arc::clone(&stats);
        let later = now + Duration::from_secs(1);

        // Signed with another passphrase: wrong digest.
        let impostor = User::new("ops")
            .with_auth(AuthProtocol::Sha256, b"not-the-passphrase")
            .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"priv-passphrase"))
            .unwrap_or_else(|e| panic!("{e}"));
        let forged = from_agent(
            &impostor,
            SecurityLevel::AuthPriv,
            PduType::Response,
            answer(),
            (3, 1001),
            2,
        );
        assert_eq!(session.receive(&forged, later), Err(Failure::WrongDigest));
        assert_eq!(stats.get(Counter::WrongDigests), 1);

        // More than 150 s behind the agent's clock: not in the time window.
        let stale = from_agent(
            &user(),
            SecurityLevel::AuthPriv,
            PduType::Response,
            answer(),
            (3, 800),
            2,
        );
        assert_eq!(
            session.receive(&stale, later),
            Err(Failure::NotInTimeWindow)
        );
        assert_eq!(stats.get(Counter::NotInTimeWindows), 1);

        // An earlier boot: not in the time window either.
        let rebooted = from_agent(
            &user(),
            SecurityLevel::AuthPriv,
            PduType::Response,
            answer(),
            (2, 1001),
            2,
        );
        assert_eq!(
            session.receive(&rebooted, later),
            Err(Failure::NotInTimeWindow)
        );

        // A response below the request's level is refused, signed or not.
        let downgraded = from_agent(
            &user(),
            SecurityLevel::AuthNoPriv,
            PduType::Response,
            answer(),
            (3, 1001),
            2,
        );
        assert!(matches!(
            session.receive(&downgraded, later),
            Err(Failure::Invalid(_))
        ));
        let clear = from_agent(
            &user(),
            SecurityLevel::NoAuthNoPriv,
            PduType::Response,
            answer(),
            (3, 1001),
            2,
        );
        assert!(matches!(
            session.receive(&clear, later),
            Err(Failure::Invalid(_))
        ));

        // Every truncation of a good answer fails cleanly.
        let good = from_agent(
            &user(),
            SecurityLevel::AuthPriv,
            PduType::Response,
            answer(),
            (3, 1001),
            2,
        );
        for len in 0..good.len() {
            assert!(session.receive(&good[..len], later).is_err());
        }
        assert!(session.receive(&good, later).is_ok());
    }

    #[test]
    fn a_not_in_time_window_report_resets_the_clock() {
        let now = Instant::now();
        let mut session = discovered(now);
        // The agent rebooted long ago and says so in an authenticated report.
        let report_bytes = from_agent(
            &user(),
            SecurityLevel::AuthNoPriv,
            PduType::Report,
            report(Counter::NotInTimeWindows),
            (4, 20),
            7,
        );
        assert_eq!(
            session.receive(&report_bytes, now),
            Ok(Received::Report {
                msg_id: 7,
                report: Report::Usm(Counter::NotInTimeWindows)
            })
        );
        let request = session
            .encode(
                8,
                &Pdu {
                    kind: PduType::Get,
                    request_id: 8,
                    error_status: 0,
                    error_index: 0,
                    varbinds: Vec::new(),
                },
                now,
            )
            .unwrap_or_else(|| panic!("engine known"));
        let incoming = usm::decode(&request).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((incoming.params.boots, incoming.params.time), (4, 20));
        // An unauthenticated report cannot move the clock.
        let forged = from_agent(
            &user(),
            SecurityLevel::NoAuthNoPriv,
            PduType::Report,
            report(Counter::NotInTimeWindows),
            (9, 9),
            9,
        );
        assert!(session.receive(&forged, now).is_ok());
        let request = session
            .encode(
                10,
                &Pdu {
                    kind: PduType::Get,
                    request_id: 10,
                    error_status: 0,
                    error_index: 0,
                    varbinds: Vec::new(),
                },
                now,
            )
            .unwrap_or_else(|| panic!("engine known"));
        let incoming = usm::decode(&request).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((incoming.params.boots, incoming.params.time), (4, 20));
    }
}
