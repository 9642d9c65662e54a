//! smic-agentx: AgentX (RFC 2741) for smic.
//!
//! - [`wire`] is the protocol, sans-IO: every PDU of RFC 2741 §6 in both byte orders,
//!   and a stream [`Framer`](wire::Framer) that bounds a PDU's size before buffering it.
//! - [`subagent`] attaches a [`smic_snmp::agent::Mib`] (the same typed instrumentation
//!   smic's own agent serves: `TableSource`, `MemTable`, scalars, RowStatus) to an
//!   AgentX master such as net-snmp's `snmpd`, over TCP or a Unix socket, with
//!   reconnection, keep-alive and a clean Close.
//!
//! ```no_run
//! use smic_agentx::subagent::{MasterAddress, Subagent};
//! use smic_snmp::agent::Mib;
//! # async fn run() {
//! let mib = Mib::new(); // tables and scalars registered here
//! let subagent = Subagent::builder(mib)
//!     .master(MasterAddress::Tcp("127.0.0.1:705".parse().unwrap()))
//!     .description("my daemon")
//!     .build();
//! let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! subagent.run(async { let _ = stopped.await; }).await;
//! # }
//! ```

// Library code does not panic on what it is given: every index is checked, and an
// `expect` is a bug (tests index freely).
#![cfg_attr(not(test), warn(clippy::indexing_slicing, clippy::expect_used))]

pub mod master;
pub mod subagent;
pub mod wire;
