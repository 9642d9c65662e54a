//! Why a message was refused, and the counters RFC 3412 and RFC 3414 keep for it.

use std::sync::atomic::{AtomicU32, Ordering};

use smic_smi::Oid;

use crate::ber;

/// Why an incoming SNMPv3 message was refused (RFC 3414 §3.2, RFC 3412 §7.2).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The message or its security parameters do not decode (`snmpInASNParseErrs`).
    #[error("malformed message: {0}")]
    Parse(#[from] ber::Error),
    /// A security model other than USM (`snmpUnknownSecurityModels`).
    #[error("unknown security model {0}")]
    UnknownSecurityModel(i32),
    /// Inconsistent flags, or a response that does not match its request
    /// (`snmpInvalidMsgs`).
    #[error("invalid message: {0}")]
    Invalid(&'static str),
    /// The level is one the user cannot have (`usmStatsUnsupportedSecLevels`).
    #[error("unsupported security level")]
    UnsupportedSecLevel,
    /// Outside the time window (`usmStatsNotInTimeWindows`).
    #[error("not in time window")]
    NotInTimeWindow,
    /// No such user at that engine (`usmStatsUnknownUserNames`).
    #[error("unknown user name")]
    UnknownUserName,
    /// Not addressed to a known engine (`usmStatsUnknownEngineIDs`).
    #[error("unknown engine ID")]
    UnknownEngineId,
    /// The HMAC does not match: wrong key or altered message (`usmStatsWrongDigests`).
    #[error("wrong digest (authentication failure)")]
    WrongDigest,
    /// The encrypted PDU cannot be decrypted (`usmStatsDecryptionErrors`).
    #[error("decryption error")]
    DecryptionError,
}

impl Failure {
    /// The counter RFC 3414 §3.2 increments for it, if it is one of USM's.
    pub fn counter(&self) -> Option<Counter> {
        Some(match self {
            Failure::UnsupportedSecLevel => Counter::UnsupportedSecLevels,
            Failure::NotInTimeWindow => Counter::NotInTimeWindows,
            Failure::UnknownUserName => Counter::UnknownUserNames,
            Failure::UnknownEngineId => Counter::UnknownEngineIds,
            Failure::WrongDigest => Counter::WrongDigests,
            Failure::DecryptionError => Counter::DecryptionErrors,
            Failure::Parse(_) | Failure::UnknownSecurityModel(_) | Failure::Invalid(_) => {
                return None;
            }
        })
    }
}

/// The `usmStats` counters (RFC 3414 §5, `1.3.6.1.6.3.15.1.1.N.0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counter {
    /// `usmStatsUnsupportedSecLevels` (.1).
    UnsupportedSecLevels = 1,
    /// `usmStatsNotInTimeWindows` (.2).
    NotInTimeWindows = 2,
    /// `usmStatsUnknownUserNames` (.3).
    UnknownUserNames = 3,
    /// `usmStatsUnknownEngineIDs` (.4).
    UnknownEngineIds = 4,
    /// `usmStatsWrongDigests` (.5).
    WrongDigests = 5,
    /// `usmStatsDecryptionErrors` (.6).
    DecryptionErrors = 6,
}

/// `usmStats` (1.3.6.1.6.3.15.1.1): each counter is an arc under it.
const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];

impl Counter {
    /// Every counter, in OID order.
    pub const ALL: [Counter; 6] = [
        Counter::UnsupportedSecLevels,
        Counter::NotInTimeWindows,
        Counter::UnknownUserNames,
        Counter::UnknownEngineIds,
        Counter::WrongDigests,
        Counter::DecryptionErrors,
    ];

    /// The instance OID a Report carries (`usmStatsX.0`).
    pub fn oid(self) -> Oid {
        let mut arcs = USM_STATS.to_vec();
        arcs.extend([self as u32, 0]);
        Oid::from_vec(arcs)
    }

    /// The counter a Report's first binding names, if it is one of USM's.
    pub fn from_oid(oid: &Oid) -> Option<Counter> {
        let (prefix, &[arc, 0]) = oid.arcs().split_last_chunk::<2>()? else {
            return None;
        };
        if prefix != USM_STATS.as_slice() {
            return None;
        }
        Counter::ALL.into_iter().find(|c| *c as u32 == arc)
    }

    /// The MIB name.
    pub fn name(self) -> &'static str {
        match self {
            Counter::UnsupportedSecLevels => "usmStatsUnsupportedSecLevels",
            Counter::NotInTimeWindows => "usmStatsNotInTimeWindows",
            Counter::UnknownUserNames => "usmStatsUnknownUserNames",
            Counter::UnknownEngineIds => "usmStatsUnknownEngineIDs",
            Counter::WrongDigests => "usmStatsWrongDigests",
            Counter::DecryptionErrors => "usmStatsDecryptionErrors",
        }
    }
}

/// The six `usmStats` counters of one engine, shared between threads.
#[derive(Debug, Default)]
pub struct Stats {
    counters: [AtomicU32; 6],
}

impl Stats {
    /// Counts a refused message (failures USM does not count are ignored).
    pub fn record(&self, failure: &Failure) {
        if let Some(counter) = failure.counter() {
            self.counter(counter).fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A counter's value (`Counter32`: wraps).
    pub fn get(&self, counter: Counter) -> u32 {
        self.counter(counter).load(Ordering::Relaxed)
    }

    fn counter(&self, counter: Counter) -> &AtomicU32 {
        let [unsupported, time, user, engine, digest, decryption] = &self.counters;
        match counter {
            Counter::UnsupportedSecLevels => unsupported,
            Counter::NotInTimeWindows => time,
            Counter::UnknownUserNames => user,
            Counter::UnknownEngineIds => engine,
            Counter::WrongDigests => digest,
            Counter::DecryptionErrors => decryption,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_map_to_their_oids_and_count() {
        for counter in Counter::ALL {
            assert_eq!(Counter::from_oid(&counter.oid()), Some(counter));
        }
        assert_eq!(
            Counter::WrongDigests.oid().to_string(),
            "1.3.6.1.6.3.15.1.1.5.0"
        );
        assert_eq!(
            Counter::from_oid(&Oid::from_vec(vec![1, 3, 6, 1, 6, 3, 15, 1, 1, 7, 0])),
            None
        );
        let stats = Stats::default();
        stats.record(&Failure::WrongDigest);
        stats.record(&Failure::WrongDigest);
        stats.record(&Failure::Invalid("x"));
        assert_eq!(stats.get(Counter::WrongDigests), 2);
        assert_eq!(stats.get(Counter::DecryptionErrors), 0);
    }
}
