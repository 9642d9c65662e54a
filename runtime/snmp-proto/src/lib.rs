//! smic-snmp-proto: the SNMP protocol engine without I/O.
//!
//! Bytes and time in, bytes and events out — as `quinn-proto` is to `quinn`. Nothing
//! here opens a socket, spawns a task or reads a clock it was not handed; the tokio
//! crate `smic-snmp` moves the bytes.
//!
//! Wire before policy: [`ber`] reads and writes the Basic Encoding Rules subset SNMP
//! uses, never panicking, never trusting a length for allocation, rejecting trailing
//! bytes and bounding nesting; [`message`] builds SNMPv1, SNMPv2c and SNMPv3 messages
//! and every PDU on top of it, and is the single home of the protocol's vocabulary
//! ([`message::ErrorStatus`], [`message::SecurityLevel`], [`PduType`]). Security
//! ([`usm`]), access control ([`agent::vacm`]) and dispatch live outside the codec:
//! [`agent`] is the command responder (its SNMPv3 layer wraps it), [`client`] the
//! manager's request table and SNMPv3 session, [`notify`] notifications and the
//! receiver's core.

// Library code does not panic on what it is given: every index is checked, and an
// `expect` is a bug (tests index freely).
#![cfg_attr(not(test), warn(clippy::indexing_slicing, clippy::expect_used))]

pub mod agent;
pub mod ber;
pub mod client;
pub mod message;
pub mod notify;
pub mod stream;
pub mod usm;

pub use message::{AnyPdu, Message, Pdu, PduType, TrapV1, VarBind, Version};
