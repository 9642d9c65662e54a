//! The responder's counters: the SNMPv2-MIB `snmp` group (RFC 3418 §2) and the drops
//! it has no counter for.

use std::sync::atomic::{AtomicU32, Ordering};

macro_rules! counters {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Counters of what the responder received, refused and sent. `Counter32`s:
        /// they wrap.
        #[derive(Debug, Default)]
        pub struct Stats {
            $($(#[$doc])* pub $name: AtomicU32,)*
        }

        /// A copy of [`Stats`] at one moment.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct StatsSnapshot {
            $($(#[$doc])* pub $name: u32,)*
        }

        impl Stats {
            /// The counters now.
            pub fn snapshot(&self) -> StatsSnapshot {
                StatsSnapshot { $($name: self.$name.load(Ordering::Relaxed),)* }
            }
        }
    };
}

counters! {
    /// `snmpInPkts`: every datagram handed to the responder.
    in_pkts,
    /// `snmpOutPkts`: every response sent.
    out_pkts,
    /// `snmpInBadVersions`: a version the responder does not speak.
    in_bad_versions,
    /// `snmpInBadCommunityNames`: an unknown community (dropped).
    in_bad_community_names,
    /// `snmpInBadCommunityUses`: a known community asking for what it may not (a SET
    /// without a write view).
    in_bad_community_uses,
    /// `snmpInASNParseErrs`: undecodable datagrams (dropped).
    in_asn_parse_errs,
    /// `snmpSilentDrops`: a response that did not fit even as tooBig, and PDUs a
    /// responder does not take (responses, traps).
    silent_drops,
    /// `snmpUnknownContexts` (SNMP-TARGET-MIB): a community mapped to, or an SNMPv3
    /// request naming, a context VACM lacks.
    unknown_contexts,
    /// `snmpUnknownSecurityModels` (SNMP-MPD-MIB): an SNMPv3 message for a security
    /// model other than USM (dropped).
    unknown_security_models,
    /// `snmpInvalidMsgs` (SNMP-MPD-MIB): an SNMPv3 message with inconsistent flags
    /// (dropped).
    invalid_msgs,
    /// `snmpUnknownPDUHandlers` (SNMP-MPD-MIB): an SNMPv3 request for another
    /// contextEngineID (answered with a Report).
    unknown_pdu_handlers,
    /// `snmpInGetRequests`.
    in_get_requests,
    /// `snmpInGetNexts`.
    in_get_nexts,
    /// GetBulk requests (SNMPv2-MIB has no counter for them).
    in_get_bulks,
    /// `snmpInSetRequests`.
    in_set_requests,
    /// `snmpInTotalReqVars`: bindings read by GET and GETNEXT requests.
    in_total_req_vars,
    /// `snmpInTotalSetVars`: bindings written by successful SETs.
    in_total_set_vars,
    /// `snmpOutGetResponses`.
    out_get_responses,
    /// `snmpOutTooBigs`.
    out_too_bigs,
    /// `snmpOutNoSuchNames`.
    out_no_such_names,
    /// `snmpOutBadValues`.
    out_bad_values,
    /// `snmpOutGenErrs`.
    out_gen_errs,
}

/// Adds one to a counter (wrapping, as a Counter32 does).
pub(crate) fn bump(counter: &AtomicU32) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Adds `n` to a counter.
pub(crate) fn add(counter: &AtomicU32, n: usize) {
    counter.fetch_add(u32::try_from(n).unwrap_or(u32::MAX), Ordering::Relaxed);
}
