//! The agent: a command responder (RFC 3413 §3.2, RFC 3416 §4.2) serving typed
//! instrumentation behind community and VACM access control.
//!
//! - [`Mib`] holds the instrumentation by OID subtree; scalars ([`ScalarSource`],
//!   [`MemScalar`]) and tables ([`TableSource`], [`MemTable`], [`TableObject`]) are
//!   typed by the generated objects, and the engine does instance OIDs, GETNEXT order,
//!   and SET checks (type, size, range, enumeration, MAX-ACCESS) from their metadata;
//!   tables with a RowStatus column create and destroy rows as RFC 2579 says. Handlers
//!   are synchronous and answer from memory; async sources fill a
//!   [`RefreshedTable`] from a task of their own.
//! - [`AccessControl`] maps communities to VACM security names; [`vacm`] is RFC 3415.
//! - [`Responder`] is sans-IO: bytes in, bytes out ([`Responder::handle`]); GET,
//!   GETNEXT, GETBULK and two-phase SET for SNMPv1, SNMPv2c and, with
//!   [`Responder::with_usm`], SNMPv3 (USM as the authoritative engine, VACM per user
//!   and level: [`AccessControl::user`]).
//! - [`Server`] serves a responder on UDP with one socket per core.
//! - [`system`] registers the agent's own SNMPv2-MIB objects; [`config`] reads an
//!   agent configuration file.
//!
//! ```
//! use std::sync::Arc;
//! use smic_smi::oid;
//! use smic_snmp::agent::{AccessControl, Mib, Responder, system};
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

mod access;
mod check;
pub mod config;
mod instrument;
mod mib;
mod refresh;
mod responder;
mod scalar;
mod server;
mod stats;
mod status;
pub mod system;
mod table;
mod v3;
pub mod vacm;

pub use access::{AccessControl, CommunityEntry};
pub use instrument::{Instrument, Undo};
pub use mib::{Mib, OverlapError};
pub use refresh::RefreshedTable;
pub use responder::{Limits, Responder};
pub use scalar::{MemScalar, ScalarSource};
pub use server::Server;
pub use stats::{Stats, StatsSnapshot};
pub use status::ErrorStatus;
pub use table::{MemTable, TableObject, TableSource};
