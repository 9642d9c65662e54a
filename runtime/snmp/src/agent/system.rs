//! The agent's own objects from SNMPv2-MIB (RFC 3418), served through the generated
//! types like any user's: the `system` group and the `snmp` group's counters.
//!
//! smic-snmp depends on smic-mibs with only the SNMPv2-MIB feature: generated code
//! depends on smic-smi alone, so there is no cycle (DESIGN.md's dependency direction
//! `smic-snmp → smic-mibs → smic-smi`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use smic_mibs::snmpv2_mib as mib2;
use smic_smi::snmpv2_tc::{DisplayString, TimeStamp};
use smic_smi::syntax::{Counter32, Enum, TimeTicks};
use smic_smi::textual::TextualConvention;
use smic_smi::{Oid, Scalar};

use super::mib::{Mib, OverlapError};
use super::scalar::MemScalar;
use super::stats::Stats;

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
