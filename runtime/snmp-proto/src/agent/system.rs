//! The agent's own objects, served through the generated types like any user's: from
//! SNMPv2-MIB (RFC 3418) the `system` group and the `snmp` group's counters; for
//! SNMPv3 the SNMP-FRAMEWORK-MIB `snmpEngine` group, the `usmStats` counters
//! (SNMP-USER-BASED-SM-MIB), `snmpMPDStats` (SNMP-MPD-MIB) and `snmpUnknownContexts`
//! (SNMP-TARGET-MIB).
//!
//! smic-snmp depends on smic-mibs with only those modules' features: generated code
//! depends on smic-smi alone, so there is no cycle (DESIGN.md's dependency direction
//! `smic-snmp → smic-mibs → smic-smi`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use smic_mibs::snmp_framework_mib as framework;
use smic_mibs::snmp_mpd_mib as mpd;
use smic_mibs::snmp_target_mib as target;
use smic_mibs::snmp_user_based_sm_mib as usm_mib;
use smic_mibs::snmpv2_mib as mib2;
use smic_smi::snmpv2_tc::{DisplayString, TimeStamp};
use smic_smi::syntax::{Counter32, Enum, TimeTicks};
use smic_smi::textual::TextualConvention;
use smic_smi::{Oid, Scalar};

use super::mib::{Mib, OverlapError};
use super::scalar::MemScalar;
use super::stats::Stats;
use crate::message::v3::MAX_SIZE;
use crate::usm::{self, Counter, LocalEngine};

/// What the `system` group says of this agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemInfo {
    /// `sysDescr`.
    pub descr: String,
    /// `sysObjectID`.
    pub object_id: Oid,
    /// `sysContact` (writable).
    pub contact: String,
    /// `sysName` (writable).
    pub name: String,
    /// `sysLocation` (writable).
    pub location: String,
    /// `sysServices`: the layers served, as RFC 3418 sums them (72: applications and
    /// end-to-end).
    pub services: i32,
}

/// A DisplayString from text, cut to the convention's 255 octets.
fn display(text: &str) -> DisplayString {
    let mut bytes = text.as_bytes().to_vec();
    bytes.truncate(255);
    // Cut to the size the convention allows, so nothing is left to check.
    DisplayString::from_base_unchecked(bytes)
}

/// Registers the `system` group's scalars: `sysUpTime` counts from now; contact, name
/// and location are writable in memory; `sysORTable` is not served yet.
pub fn register_system(mib: &mut Mib, info: SystemInfo) -> Result<(), OverlapError> {
    let started = Instant::now();
    let descr = display(&info.descr);
    let object_id = info.object_id.clone();
    let services = info.services;
    mib.scalar::<mib2::SysDescr, _>(move || descr.clone())?;
    mib.scalar::<mib2::SysObjectID, _>(move || object_id.clone())?;
    mib.scalar::<mib2::SysUpTime, _>(move || {
        // Hundredths of a second, wrapping as TimeTicks do after 497 days.
        TimeTicks((started.elapsed().as_millis() / 10) as u32)
    })?;
    mib.scalar::<mib2::SysContact, _>(MemScalar::<mib2::SysContact>::new(display(&info.contact)))?;
    mib.scalar::<mib2::SysName, _>(MemScalar::<mib2::SysName>::new(display(&info.name)))?;
    mib.scalar::<mib2::SysLocation, _>(MemScalar::<mib2::SysLocation>::new(display(
        &info.location,
    )))?;
    mib.scalar::<mib2::SysServices, _>(move || services)?;
    if let Ok(zero) = TimeStamp::new(TimeTicks(0)) {
        mib.scalar::<mib2::SysORLastChange, _>(MemScalar::<mib2::SysORLastChange>::new(zero))?;
    }
    Ok(())
}

/// Registers one counter scalar reading a [`Stats`] field.
fn counter<T>(
    mib: &mut Mib,
    stats: &Arc<Stats>,
    field: fn(&Stats) -> &AtomicU32,
) -> Result<(), OverlapError>
where
    T: Scalar<Syntax = Counter32> + 'static,
{
    let stats = Arc::clone(stats);
    mib.scalar::<T, _>(move || Counter32(field(&stats).load(Ordering::Relaxed)))
}

/// Registers the `snmp` group's counters (those a command responder keeps) and
/// `snmpEnableAuthenTraps` (disabled; the agent sends no notifications yet).
pub fn register_snmp_group(mib: &mut Mib, stats: &Arc<Stats>) -> Result<(), OverlapError> {
    counter::<mib2::SnmpInPkts>(mib, stats, |s| &s.in_pkts)?;
    counter::<mib2::SnmpOutPkts>(mib, stats, |s| &s.out_pkts)?;
    counter::<mib2::SnmpInBadVersions>(mib, stats, |s| &s.in_bad_versions)?;
    counter::<mib2::SnmpInBadCommunityNames>(mib, stats, |s| &s.in_bad_community_names)?;
    counter::<mib2::SnmpInBadCommunityUses>(mib, stats, |s| &s.in_bad_community_uses)?;
    counter::<mib2::SnmpInASNParseErrs>(mib, stats, |s| &s.in_asn_parse_errs)?;
    counter::<mib2::SnmpSilentDrops>(mib, stats, |s| &s.silent_drops)?;
    counter::<mib2::SnmpInGetRequests>(mib, stats, |s| &s.in_get_requests)?;
    counter::<mib2::SnmpInGetNexts>(mib, stats, |s| &s.in_get_nexts)?;
    counter::<mib2::SnmpInSetRequests>(mib, stats, |s| &s.in_set_requests)?;
    counter::<mib2::SnmpInTotalReqVars>(mib, stats, |s| &s.in_total_req_vars)?;
    counter::<mib2::SnmpInTotalSetVars>(mib, stats, |s| &s.in_total_set_vars)?;
    counter::<mib2::SnmpOutGetResponses>(mib, stats, |s| &s.out_get_responses)?;
    counter::<mib2::SnmpOutTooBigs>(mib, stats, |s| &s.out_too_bigs)?;
    counter::<mib2::SnmpOutNoSuchNames>(mib, stats, |s| &s.out_no_such_names)?;
    counter::<mib2::SnmpOutBadValues>(mib, stats, |s| &s.out_bad_values)?;
    counter::<mib2::SnmpOutGenErrs>(mib, stats, |s| &s.out_gen_errs)?;
    mib.scalar::<mib2::SnmpEnableAuthenTraps, _>(MemScalar::<mib2::SnmpEnableAuthenTraps>::new(
        Enum::from(mib2::SnmpEnableAuthenTraps::Disabled),
    ))
}

/// Registers the objects of an SNMPv3 engine: the `snmpEngine` group (ID, boots, time
/// counted from `engine`'s start, and the largest message: a UDP datagram's), the
/// `usmStats` counters from `usm_stats`, and from the responder's `stats` the
/// SNMP-MPD-MIB counters and `snmpUnknownContexts`.
/// [`Responder::with_usm`](super::Responder::with_usm) calls it.
pub fn register_engine(
    mib: &mut Mib,
    engine: &LocalEngine,
    usm_stats: &Arc<usm::Stats>,
    stats: &Arc<Stats>,
) -> Result<(), OverlapError> {
    // Served as the engine is configured, even an ID outside the convention's 5..32
    // octets: the manager should see what goes on the wire.
    let id = framework::SnmpEngineID::from_base_unchecked(engine.id().to_vec());
    mib.scalar::<framework::SnmpEngineIDObject, _>(move || id.clone())?;
    let boots = i32::try_from(engine.boots()).unwrap_or(i32::MAX);
    mib.scalar::<framework::SnmpEngineBoots, _>(move || boots)?;
    let clock = engine.clone();
    mib.scalar::<framework::SnmpEngineTime, _>(move || {
        i32::try_from(clock.time(Instant::now())).unwrap_or(i32::MAX)
    })?;
    mib.scalar::<framework::SnmpEngineMaxMessageSize, _>(|| MAX_SIZE)?;
    usm_counter::<usm_mib::UsmStatsUnsupportedSecLevels>(
        mib,
        usm_stats,
        Counter::UnsupportedSecLevels,
    )?;
    usm_counter::<usm_mib::UsmStatsNotInTimeWindows>(mib, usm_stats, Counter::NotInTimeWindows)?;
    usm_counter::<usm_mib::UsmStatsUnknownUserNames>(mib, usm_stats, Counter::UnknownUserNames)?;
    usm_counter::<usm_mib::UsmStatsUnknownEngineIDs>(mib, usm_stats, Counter::UnknownEngineIds)?;
    usm_counter::<usm_mib::UsmStatsWrongDigests>(mib, usm_stats, Counter::WrongDigests)?;
    usm_counter::<usm_mib::UsmStatsDecryptionErrors>(mib, usm_stats, Counter::DecryptionErrors)?;
    counter::<mpd::SnmpUnknownSecurityModels>(mib, stats, |s| &s.unknown_security_models)?;
    counter::<mpd::SnmpInvalidMsgs>(mib, stats, |s| &s.invalid_msgs)?;
    counter::<mpd::SnmpUnknownPDUHandlers>(mib, stats, |s| &s.unknown_pdu_handlers)?;
    counter::<target::SnmpUnknownContexts>(mib, stats, |s| &s.unknown_contexts)
}

/// Registers one `usmStats` counter.
fn usm_counter<T>(
    mib: &mut Mib,
    stats: &Arc<usm::Stats>,
    which: Counter,
) -> Result<(), OverlapError>
where
    T: Scalar<Syntax = Counter32> + 'static,
{
    let stats = Arc::clone(stats);
    mib.scalar::<T, _>(move || Counter32(stats.get(which)))
}
