//! The AgentX-MIB (RFC 2742) served from the master's state: its scalars, the
//! session table and the registration table, read fresh on every request.
//!
//! The objects are registered before the master exists (the master claims the MIB's
//! subtrees when it is made), so they read it through a cell filled right after.

use std::sync::{Arc, OnceLock};

use smic_agentx::master::{Master, Owner};
use smic_mibs::agentx_mib::{
    AgentxDefaultTimeout, AgentxMasterAgentXVer, AgentxRegistrationEntry,
    AgentxRegistrationEntryIndex, AgentxRegistrationTableLastChange, AgentxSessionAdminStatus,
    AgentxSessionEntry, AgentxSessionEntryIndex, AgentxSessionTableLastChange,
};
use smic_mibs::snmp_framework_mib::SnmpAdminString;
use smic_smi::TableEntry;
use smic_smi::index::Index;
use smic_smi::registry::Registry;
use smic_smi::snmpv2_tc::{TimeStamp, TruthValue};
use smic_smi::syntax::{Enum, TimeTicks};
use smic_snmp::agent::{Mib, OverlapError, ScalarSource, TableObject, TableSource};

/// The master, once it is made.
pub(crate) type MasterCell = Arc<OnceLock<Master>>;

/// Registers the AgentX-MIB objects in `mib`, reading the master from `cell`.
pub(crate) fn register(mib: &mut Mib, cell: &MasterCell) -> Result<(), OverlapError> {
    let mut names = Registry::new();
    smic_mibs::agentx_mib::register(&mut names);
    mib.scalar::<AgentxDefaultTimeout, _>(Scalar(Arc::clone(cell), |m| {
        i32::try_from(m.default_timeout().as_secs().min(255)).ok()
    }))?;
    mib.scalar::<AgentxMasterAgentXVer, _>(Scalar(Arc::clone(cell), |_| Some(1)))?;
    mib.scalar::<AgentxSessionTableLastChange, _>(Scalar(Arc::clone(cell), |m| {
        time_stamp(m.last_changes().0)
    }))?;
    mib.scalar::<AgentxRegistrationTableLastChange, _>(Scalar(Arc::clone(cell), |m| {
        time_stamp(m.last_changes().1)
    }))?;
    mib.table(TableObject::new(Rows(Arc::clone(cell), sessions)).access_from(&names))?;
    mib.table(TableObject::new(Rows(Arc::clone(cell), registrations)).access_from(&names))?;
    Ok(())
}

fn time_stamp(ticks: u32) -> Option<TimeStamp> {
    // A TimeStamp is any TimeTicks: never refused.
    TimeStamp::new(TimeTicks(ticks)).ok()
}

/// A scalar computed from the master.
struct Scalar<S>(MasterCell, fn(&Master) -> Option<S>);

impl<T> ScalarSource<T> for Scalar<T::Syntax>
where
    T: smic_smi::Scalar,
    T::Syntax: Send + Sync + 'static,
{
    fn get(&self) -> Option<T::Syntax> {
        self.0.get().and_then(self.1)
    }
}

/// A table computed from the master, in index order.
struct Rows<T>(MasterCell, fn(&Master) -> Vec<T>);

impl<T: TableEntry + Clone + Send + Sync + 'static> TableSource<T> for Rows<T> {
    fn row(&self, index: &T::Index) -> Option<T> {
        let wanted = index.to_arcs();
        self.rows()
            .into_iter()
            .find(|r| r.index().to_arcs() == wanted)
    }

    fn next_row(&self, after: Option<&[u32]>) -> Option<T> {
        self.rows()
            .into_iter()
            .find(|r| after.is_none_or(|after| r.index().to_arcs().as_slice() > after))
    }
}

impl<T: TableEntry> Rows<T> {
    fn rows(&self) -> Vec<T> {
        let mut rows = self.0.get().map(self.1).unwrap_or_default();
        rows.sort_by_key(|r| r.index().to_arcs());
        rows
    }
}

fn sessions(master: &Master) -> Vec<AgentxSessionEntry> {
    master
        .sessions()
        .into_iter()
        .map(|s| {
            let mut row = AgentxSessionEntry::new(AgentxSessionEntryIndex {
                agentx_conn_index: s.connection,
                agentx_session_index: s.id,
            });
            row.agentx_session_object_id = Some(s.object_id.clone());
            // SnmpAdminString is at most 255 octets; a longer description is cut.
            let descr: Vec<u8> = s.descr.iter().copied().take(255).collect();
            row.agentx_session_descr = SnmpAdminString::new(descr).ok();
            row.agentx_session_admin_status = Some(Enum::from(AgentxSessionAdminStatus::Up));
            row.agentx_session_open_time = time_stamp(master.uptime_at(s.opened));
            row.agentx_session_agent_x_ver = Some(1);
            row.agentx_session_timeout = Some(i32::from(s.timeout));
            row
        })
        .collect()
}

fn registrations(master: &Master) -> Vec<AgentxRegistrationEntry> {
    let sessions = master.sessions();
    master
        .registrations()
        .into_iter()
        .filter_map(|r| {
            let Owner::Session(id) = r.owner else {
                return None;
            };
            let session = sessions.iter().find(|s| s.id == id)?;
            let mut row = AgentxRegistrationEntry::new(AgentxRegistrationEntryIndex {
                agentx_conn_index: session.connection,
                agentx_session_index: id,
                agentx_reg_index: r.index,
            });
            row.agentx_reg_context = Some(r.context.clone());
            row.agentx_reg_start = Some(r.subtree.clone());
            row.agentx_reg_range_sub_id = Some(r.range.map_or(0, |range| u32::from(range.subid)));
            row.agentx_reg_upper_bound = Some(r.range.map_or(0, |range| range.upper_bound));
            row.agentx_reg_priority = Some(u32::from(r.priority));
            row.agentx_reg_timeout = Some(i32::from(r.timeout));
            row.agentx_reg_instance = Some(Enum::from(if r.instance {
                TruthValue::True
            } else {
                TruthValue::False
            }));
            Some(row)
        })
        .collect()
}
