//! The agent on tokio: the sans-IO responder of [`smic_snmp_proto::agent`]
//! (re-exported here whole) served on UDP by [`Server`], configured from a file with
//! [`config`], and tables refreshed from async sources by [`RefreshedTable`].
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

pub mod config;
mod refresh;
mod server;

pub use refresh::RefreshedTable;
pub use server::Server;
pub use smic_snmp_proto::agent::*;
