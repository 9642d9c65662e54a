//! smic-snmp: the SNMP engine on tokio.
//!
//! The protocol lives in the sans-IO crate [`smic_snmp_proto`] (re-exported here, so
//! `smic_snmp::ber`, `smic_snmp::message` and `smic_snmp::usm` are its modules); this
//! crate moves its bytes: [`client::Client`] is the manager, [`agent::Server`] serves a
//! [`agent::Responder`], [`notify`] sends and receives notifications.

// Library code does not panic on what it is given: every index is checked, and an
// `expect` is a bug (tests index freely).
#![cfg_attr(not(test), warn(clippy::indexing_slicing, clippy::expect_used))]

pub mod agent;
pub mod boots;
pub mod client;
pub mod notify;
pub mod transport;

pub use smic_snmp_proto::{
    AnyPdu, Message, Pdu, PduType, TrapV1, VarBind, Version, ber, message, stream, usm,
};
