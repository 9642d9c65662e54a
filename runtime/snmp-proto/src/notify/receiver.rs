//! The notification receiver (RFC 3413 §3.4): traps and informs of every version,
//! delivered as [`Notice`]s with who sent them. Informs are acknowledged. For SNMPv3 the
//! receiver is the authoritative engine of informs (it answers discovery probes and
//! tells stale senders its clock, as RFC 3414 §4 says) and follows each trap sender's
//! clock.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use super::notice::{Notice, NoticeError};
use crate::ber;
use crate::message::SecurityLevel;
use crate::message::v3::{Flags, Header, MAX_SIZE, ScopedPdu, USM, UsmParams, peek_version};
use crate::message::{AnyPdu, Message, Pdu, PduType, Version};
use crate::usm::{
    self, EngineKeys, EngineTime, Failure, Incoming, LocalEngine, Salt, Stats, User, in_window,
};

/// Who may send notifications.
#[derive(Clone, Debug)]
pub struct ReceiverConfig {
    /// Communities accepted from SNMPv1 and SNMPv2c senders.
    pub communities: Vec<Vec<u8>>,
    /// SNMPv3 users, accepted from any sending engine (their keys are localized to it).
    pub users: Vec<User>,
    /// This receiver's engine, authoritative for SNMPv3 informs.
    pub engine: LocalEngine,
}

/// How a notification was secured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sender {
    /// SNMPv1 or SNMPv2c with this community.
    Community {
        /// v1 or v2c.
        version: Version,
        /// The community.
        community: Vec<u8>,
    },
    /// SNMPv3: the user, the level and the authoritative engine.
    Usm {
        /// `msgUserName`.
        user: Vec<u8>,
        /// The level the message had.
        level: SecurityLevel,
        /// The sending engine (traps) or this receiver's (informs).
        engine_id: Vec<u8>,
    },
}

/// A notification received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// Where it came from.
    pub from: SocketAddr,
    /// How it was secured.
    pub sender: Sender,
    /// Whether it was an InformRequest (acknowledged already).
    pub inform: bool,
    /// The notification, in SNMPv2 form (SNMPv1 traps translated per RFC 3584).
    pub notice: Notice,
}

/// What to do with a datagram.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Deliver, and send `reply` (an inform's acknowledgement) first.
    Deliver(Received, Option<Vec<u8>>),
    /// Send a Report: the datagram was refused, and its sender asked to be told why.
    Reply(Vec<u8>, Refused),
    /// Drop: malformed, unauthorized, or not a notification.
    Drop(Refused),
}

/// Why a datagram was not delivered: what a receiver logs, once per datagram, so an
/// operator whose traps do not arrive can see which side is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Not an SNMP message.
    #[error("malformed message: {0}")]
    Malformed(ber::Error),
    /// A `msgVersion` other than SNMPv1 (0), SNMPv2c (1) and SNMPv3 (3).
    #[error("SNMP version {0} is not one this receiver speaks")]
    Version(i32),
    /// An SNMPv1/v2c community that is not configured (not named in the log: a
    /// mistyped community is often the real one, off by a letter).
    #[error("unknown community")]
    UnknownCommunity,
    /// A request or response, not a trap or inform.
    #[error("a {0:?} PDU is not a notification")]
    NotANotification(PduType),
    /// A Trap-PDU or InformRequest whose bindings are not a notification's.
    #[error("not a notification: {0}")]
    Bindings(NoticeError),
    /// An SNMPv3 sender's discovery probe (empty engine ID), answered with a Report:
    /// the normal first step of an SNMPv3 inform, not a fault.
    #[error("SNMPv3 discovery probe")]
    Discovery,
    /// Refused by USM (and counted in its `usmStats`).
    #[error("SNMPv3: {0}")]
    Usm(Failure),
    /// An SNMPv3 inform whose authoritative engine is not this receiver.
    #[error("SNMPv3 inform addressed to another engine")]
    InformToOtherEngine,
}

impl Refused {
    /// Whether this is routine protocol traffic (a discovery probe) rather than a
    /// notification lost: receivers log those quietly.
    pub fn is_routine(&self) -> bool {
        matches!(self, Refused::Discovery)
    }
}

/// The receiver's sans-IO state: datagrams and time in, notifications and replies
/// out. `smic_snmp_proto::notify::Receiver` wraps it with a UDP socket; other transports
/// drive it directly.
pub struct ReceiverCore {
    config: ReceiverConfig,
    clocks: HashMap<Vec<u8>, EngineTime>,
    stats: Arc<Stats>,
    salt: Salt,
}

/// The most sending engines whose clocks are remembered; past it the table starts afresh.
const MAX_CLOCKS: usize = 65_536;

impl ReceiverCore {
    /// A receiver accepting what `config` allows.
    pub fn new(config: ReceiverConfig) -> ReceiverCore {
        ReceiverCore {
            config,
            clocks: HashMap::new(),
            stats: Arc::default(),
            salt: Salt::new(),
        }
    }

    /// One datagram from `from` at `now`: what to deliver and what to send back.
    pub fn handle(&mut self, bytes: &[u8], from: SocketAddr, now: Instant) -> Outcome {
        match peek_version(bytes) {
            Ok(0 | 1) => self.community(bytes, from),
            Ok(3) => self.usm(bytes, from, now),
            Ok(version) => Outcome::Drop(Refused::Version(version)),
            Err(error) => Outcome::Drop(Refused::Malformed(error)),
        }
    }

    fn community(&self, bytes: &[u8], from: SocketAddr) -> Outcome {
        let message = match Message::decode(bytes) {
            Ok(message) => message,
            Err(error) => return Outcome::Drop(Refused::Malformed(error)),
        };
        if !self.config.communities.contains(&message.community) {
            return Outcome::Drop(Refused::UnknownCommunity);
        }
        let sender = Sender::Community {
            version: message.version,
            community: message.community.clone(),
        };
        match &message.pdu {
            AnyPdu::TrapV1(trap) => Outcome::Deliver(
                Received {
                    from,
                    sender,
                    inform: false,
                    notice: Notice::from_v1(trap, &message.community),
                },
                None,
            ),
            AnyPdu::Pdu(pdu) => {
                let inform = pdu.kind == PduType::Inform;
                if pdu.kind != PduType::TrapV2 && !inform {
                    return Outcome::Drop(Refused::NotANotification(pdu.kind));
                }
                let notice = match Notice::from_varbinds(&pdu.varbinds) {
                    Ok(notice) => notice,
                    Err(error) => return Outcome::Drop(Refused::Bindings(error)),
                };
                let ack = inform.then(|| {
                    Message {
                        version: message.version,
                        community: message.community.clone(),
                        pdu: AnyPdu::Pdu(acknowledgement(pdu)),
                    }
                    .encode()
                });
                Outcome::Deliver(
                    Received {
                        from,
                        sender,
                        inform,
                        notice,
                    },
                    ack,
                )
            }
        }
    }

    fn usm(&mut self, bytes: &[u8], from: SocketAddr, now: Instant) -> Outcome {
        let incoming = match usm::decode(bytes) {
            Ok(incoming) => incoming,
            Err(failure) => return Outcome::Drop(Refused::Usm(failure)),
        };
        let engine = &self.config.engine;
        let authoritative = incoming.params.engine_id == engine.id();
        if incoming.params.engine_id.is_empty() {
            // A discovery probe (RFC 3414 §4): tell the sender who we are.
            return self.refuse(&incoming, Failure::UnknownEngineId, now);
        }
        let Some(user) = self
            .config
            .users
            .iter()
            .find(|u| u.name() == incoming.params.user_name)
        else {
            return self.refuse(&incoming, Failure::UnknownUserName, now);
        };
        let keys = user.keys(&incoming.params.engine_id);
        if let Err(failure) = incoming.authenticate(bytes, &keys) {
            return self.refuse(&incoming, failure, now);
        }
        if incoming.level != SecurityLevel::NoAuthNoPriv {
            let (boots, time) = (incoming.params.boots, incoming.params.time);
            let in_time = if authoritative {
                in_window(engine.boots(), engine.time(now), boots, time)
            } else {
                if self.clocks.len() >= MAX_CLOCKS {
                    self.clocks.clear();
                }
                self.clocks
                    .entry(incoming.params.engine_id.clone())
                    .or_insert_with(|| EngineTime::new(boots, time, now))
                    .receive(boots, time, now)
            };
            if !in_time {
                return self.refuse(&incoming, Failure::NotInTimeWindow, now);
            }
        }
        let scoped = match incoming.scoped_pdu(&keys) {
            Ok(scoped) => scoped,
            Err(failure) => return self.refuse(&incoming, failure, now),
        };
        let inform = scoped.pdu.kind == PduType::Inform;
        // Informs are requests to this engine; traps come from the sender's.
        if inform && !authoritative {
            return Outcome::Drop(Refused::InformToOtherEngine);
        }
        if scoped.pdu.kind != PduType::TrapV2 && !inform {
            return Outcome::Drop(Refused::NotANotification(scoped.pdu.kind));
        }
        let notice = match Notice::from_varbinds(&scoped.pdu.varbinds) {
            Ok(notice) => notice,
            Err(error) => return Outcome::Drop(Refused::Bindings(error)),
        };
        let ack = if inform {
            let header = Header {
                msg_id: incoming.message.header.msg_id,
                max_size: MAX_SIZE,
                flags: Flags::new(incoming.level, false),
                security_model: USM,
            };
            let params = self.params(&incoming, now);
            let scoped = ScopedPdu {
                pdu: acknowledgement(&scoped.pdu),
                ..scoped.clone()
            };
            usm::protect(header, params, &keys, &scoped, &self.salt).ok()
        } else {
            None
        };
        Outcome::Deliver(
            Received {
                from,
                sender: Sender::Usm {
                    user: incoming.params.user_name.clone(),
                    level: incoming.level,
                    engine_id: incoming.params.engine_id.clone(),
                },
                inform,
                notice,
            },
            ack,
        )
    }

    fn params(&self, incoming: &Incoming, now: Instant) -> UsmParams {
        UsmParams {
            engine_id: self.config.engine.id().to_vec(),
            boots: self.config.engine.boots(),
            time: self.config.engine.time(now),
            user_name: incoming.params.user_name.clone(),
            ..UsmParams::default()
        }
    }

    /// Counts a refusal and, when the sender asked for reports, answers with one
    /// (RFC 3414 §3.2, RFC 3412 §7.1 step 3): unauthenticated, but for
    /// notInTimeWindow, which is authenticated so the sender can trust our clock.
    fn refuse(&mut self, incoming: &Incoming, failure: Failure, now: Instant) -> Outcome {
        self.stats.record(&failure);
        let counter = failure.counter();
        let refused = if incoming.params.engine_id.is_empty() {
            Refused::Discovery
        } else {
            Refused::Usm(failure)
        };
        let Some(counter) = counter else {
            return Outcome::Drop(refused);
        };
        if !incoming.message.header.flags.reportable() {
            return Outcome::Drop(refused);
        }
        let level = counter.report_level();
        let keys = if level == SecurityLevel::NoAuthNoPriv {
            None
        } else {
            self.config
                .users
                .iter()
                .find(|u| u.name() == incoming.params.user_name)
                .map(|u| u.keys(self.config.engine.id()))
        };
        let no_keys = EngineKeys::none();
        let keys = keys.as_deref().unwrap_or(&no_keys);
        let pdu = usm::report_pdu(incoming.request_id(), counter.binding(&self.stats));
        match usm::report(
            incoming,
            &self.config.engine,
            now,
            pdu,
            level,
            keys,
            &self.salt,
        ) {
            Ok(bytes) => Outcome::Reply(bytes, refused),
            Err(_) => Outcome::Drop(refused),
        }
    }

    /// The `usmStats` of SNMPv3 messages refused.
    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }
}

/// The Response-PDU that acknowledges an inform: same request-id and bindings.
fn acknowledgement(inform: &Pdu) -> Pdu {
    Pdu {
        kind: PduType::Response,
        request_id: inform.request_id,
        error_status: 0,
        error_index: 0,
        varbinds: inform.varbinds.clone(),
    }
}
