//! The agent: a command responder (RFC 3413 §3.2, RFC 3416 §4.2) serving typed
//! instrumentation behind community and VACM access control.
//!
//! - [`Mib`] holds the instrumentation by OID subtree; scalars ([`ScalarSource`],
//!   [`MemScalar`]) and tables ([`TableSource`], [`MemTable`], [`TableObject`]) are
//!   typed by the generated objects, and the engine does instance OIDs, GETNEXT order,
//!   and SET checks (type, size, range, enumeration, MAX-ACCESS) from their metadata;
//!   tables with a RowStatus column create and destroy rows as RFC 2579 says. Handlers
//!   are synchronous and answer from memory; async sources fill a
//!   `smic_snmp::agent::RefreshedTable` from a task of their own.
//! - [`AccessControl`] maps communities to VACM security names; [`vacm`] is RFC 3415.
//! - [`CommandResponder`] serves a request PDU for a [`Principal`]: GET, GETNEXT,
//!   GETBULK and two-phase SET under VACM. It knows no message format or security
//!   model, so AgentX and a proxy can drive it as the message layers do.
//! - [`Responder`] is the sans-IO agent: bytes in, bytes out ([`Responder::handle`]);
//!   SNMPv1 and SNMPv2c through the community models and, with
//!   [`Responder::with_usm`], SNMPv3 through a layer that owns the USM state (the
//!   authoritative engine, VACM per user and level: [`AccessControl::user`]).
//! - [`system`] registers the agent's own SNMPv2-MIB objects.
//!
//! `smic_snmp::agent` serves a responder on UDP (`Server`), reads agent configuration
//! files and refreshes tables from async sources.
//!
//! ```
//! use std::sync::Arc;
//! use smic_smi::oid;
//! use smic_snmp_proto::agent::{AccessControl, Mib, Responder, system};
//! let mut mib = Mib::new();
//! system::register_system(&mut mib, system::SystemInfo {
//!     descr: "smic agent".into(),
//!     object_id: oid!(1, 3, 6, 1, 4, 1, 8072, 3).clone(),
//!     contact: String::new(),
//!     name: "box".into(),
//!     location: String::new(),
//!     services: 72,
//! }).unwrap();
//! let mut access = AccessControl::new();
//! access.view("all", oid!(1).clone(), true).community("public", Some("all"), None);
//! let responder = Arc::new(Responder::new(mib, access));
//! # let _ = responder;
//! ```

mod accepted;
mod access;
mod check;
mod command;
mod community;
mod instrument;
mod mib;
mod responder;
mod scalar;
mod stats;
pub mod system;
mod table;
mod v3;
pub mod vacm;

pub use accepted::{Accepted, Step};
pub use access::{AccessControl, CommunityEntry};
pub use command::{CommandResponder, Limits, Outcome, Principal};
pub use instrument::{Instrument, Undo};
pub use mib::{Mib, OverlapError};
pub use responder::Responder;
pub use scalar::{MemScalar, ScalarSource};
pub use stats::{Stats, StatsSnapshot};
pub use table::{MemTable, TableObject, TableSource};
