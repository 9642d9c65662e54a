//! A subagent serving a generated table (IF-MIB's ifTable) to any AgentX master:
//! net-snmp's snmpd (`master agentx`) or `smic agent --agentx …`.
//!
//! ```text
//! cargo run -p smic-agentx --example subagent -- tcp:127.0.0.1:705
//! snmpwalk -v2c -c public 127.0.0.1 IF-MIB::ifDescr
//! ```
#![allow(missing_docs)]

use std::sync::Arc;

use smic_agentx::subagent::Subagent;
use smic_mibs::if_mib::{IfAdminStatus, IfEntry, IfEntryIndex, InterfaceIndex};
use smic_smi::{TableEntry, registry::Registry, snmpv2_tc::DisplayString, syntax::Enum};
use smic_snmp::agent::{MemTable, Mib, TableObject};

fn interface(i: i32) -> Option<IfEntry> {
    let mut row = IfEntry::new(IfEntryIndex {
        if_index: InterfaceIndex::new(i).ok()?,
    });
    row.if_index = Some(row.index.if_index);
    row.if_descr = DisplayString::new(format!("port{i}").into_bytes()).ok();
    row.if_admin_status = Some(Enum::from(IfAdminStatus::Up));
    Some(row)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let master = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tcp:127.0.0.1:705".into());
    let rows = Arc::new(MemTable::from_rows((1..=4).filter_map(interface)));
    let mut names = Registry::new();
    smic_mibs::if_mib::register(&mut names);
    let mut mib = Mib::new();
    // Every column the MIB says is writable (ifAdminStatus) can be set.
    mib.table(TableObject::new(rows).access_from(&names))?;
    let subagent = Subagent::builder(mib)
        .master(master.parse()?)
        .description("smic example")
        .build();
    subagent
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    Ok(())
}
