//! Reports from an authoritative engine (RFC 3412 §7.1 step 3, RFC 3414 §3.2): the
//! answer to a refused message whose sender asked for one. The agent's responder and
//! the notification receiver (for informs) both build them here, so discovery and
//! clock resynchronization look the same from every smic engine.

use std::time::Instant;

use smic_smi::Value;

use super::process::{Incoming, ProtectError, Salt, protect};
use super::stats::{Counter, Stats};
use super::time::LocalEngine;
use super::user::EngineKeys;
use crate::message::SecurityLevel;
use crate::message::v3::{Flags, Header, MAX_SIZE, ScopedPdu, USM, UsmParams};
use crate::message::{Pdu, PduType, VarBind};

impl Counter {
    /// The level RFC 3414 §3.2 sends this counter's Report at: notInTimeWindow is
    /// authenticated (step 7b: the sender must be able to trust the clock it carries),
    /// every other refusal happened before the sender was authenticated, so it is not.
    pub fn report_level(self) -> SecurityLevel {
        match self {
            Counter::NotInTimeWindows => SecurityLevel::AuthNoPriv,
            _ => SecurityLevel::NoAuthNoPriv,
        }
    }

    /// The binding a Report of this counter carries: `usmStatsX.0` and its value now.
    pub fn binding(self, stats: &Stats) -> VarBind {
        VarBind {
            oid: self.oid(),
            value: Value::Counter32(stats.get(self)),
        }
    }
}

/// A Report-PDU carrying one binding (the counter that explains the refusal).
pub fn report_pdu(request_id: i32, binding: VarBind) -> Pdu {
    Pdu {
        kind: PduType::Report,
        request_id,
        error_status: 0,
        error_index: 0,
        varbinds: vec![binding],
    }
}

/// The Report `engine` sends at `now` in answer to `incoming`: same msgID, not
/// reportable, this engine's ID, boots and time, the request's user name, and `pdu`
/// scoped to this engine's default context. `keys` are the user's keys at this engine
/// when `level` needs them.
///
/// Whether to send a Report at all (the reportable flag, never to a Report) is the
/// caller's decision.
pub fn report(
    incoming: &Incoming,
    engine: &LocalEngine,
    now: Instant,
    pdu: Pdu,
    level: SecurityLevel,
    keys: &EngineKeys,
    salt: &Salt,
) -> Result<Vec<u8>, ProtectError> {
    let header = Header {
        msg_id: incoming.message.header.msg_id,
        max_size: MAX_SIZE,
        flags: Flags::new(level, false),
        security_model: USM,
    };
    let params = UsmParams {
        engine_id: engine.id().to_vec(),
        boots: engine.boots(),
        time: engine.time(now),
        user_name: incoming.params.user_name.clone(),
        ..UsmParams::default()
    };
    let scoped = ScopedPdu {
        context_engine_id: engine.id().to_vec(),
        context_name: Vec::new(),
        pdu,
    };
    protect(header, params, keys, &scoped, salt)
}

#[cfg(test)]
mod tests {
    use smic_smi::oid;

    use super::*;
    use crate::message::v3::ScopedPduData;
    use crate::usm::{AuthProtocol, User, decode};

    #[test]
    fn reports_carry_the_engine_clock_and_the_request_msg_id() {
        let engine = LocalEngine::new(LocalEngine::text_id(8072, "r"), 4, Instant::now());
        let probe = protect(
            Header {
                msg_id: 77,
                max_size: MAX_SIZE,
                flags: Flags::new(SecurityLevel::NoAuthNoPriv, true),
                security_model: USM,
            },
            UsmParams::default(),
            &EngineKeys::none(),
            &ScopedPdu {
                context_engine_id: Vec::new(),
                context_name: Vec::new(),
                pdu: Pdu {
                    kind: PduType::Get,
                    request_id: 5,
                    error_status: 0,
                    error_index: 0,
                    varbinds: Vec::new(),
                },
            },
            &Salt::new(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let incoming = decode(&probe).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(incoming.request_id(), 5);
        let stats = Stats::default();
        let pdu = report_pdu(
            incoming.request_id(),
            Counter::UnknownEngineIds.binding(&stats),
        );
        let bytes = report(
            &incoming,
            &engine,
            Instant::now(),
            pdu,
            Counter::UnknownEngineIds.report_level(),
            &EngineKeys::none(),
            &Salt::new(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let answer = decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(answer.message.header.msg_id, 77);
        assert!(!answer.message.header.flags.reportable());
        assert_eq!(answer.params.engine_id, engine.id());
        assert_eq!(answer.params.boots, 4);
        let ScopedPduData::Plaintext(scoped) = answer.message.data else {
            panic!("a noAuthNoPriv report is in the clear");
        };
        assert_eq!(scoped.pdu.kind, PduType::Report);
        assert_eq!(
            scoped.pdu.varbinds[0].oid,
            *oid!(1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0)
        );
        // An authenticated report needs the user's key.
        let user = User::new("u")
            .with_auth(AuthProtocol::Sha1, b"authpassword")
            .unwrap_or_else(|e| panic!("{e}"));
        let level = Counter::NotInTimeWindows.report_level();
        let pdu = report_pdu(0, Counter::NotInTimeWindows.binding(&stats));
        let none = report(
            &incoming,
            &engine,
            Instant::now(),
            pdu.clone(),
            level,
            &EngineKeys::none(),
            &Salt::new(),
        );
        assert_eq!(none, Err(ProtectError::MissingKey(level)));
        let keys = user.keys(engine.id());
        let signed = report(
            &incoming,
            &engine,
            Instant::now(),
            pdu,
            level,
            &keys,
            &Salt::new(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let signed = decode(&signed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(signed.level, SecurityLevel::AuthNoPriv);
    }
}
