//! smic-snmp: the SNMP engine.
//!
//! Wire before policy: [`ber`] reads and writes the Basic Encoding Rules subset SNMP
//! uses, never panicking, never trusting a length for allocation, rejecting trailing
//! bytes and bounding nesting; [`message`] builds SNMPv1, SNMPv2c and SNMPv3 messages and
//! every PDU on top of it. Security ([`usm`]), access control and dispatch live outside
//! the codec. [`client`] is the manager, [`notify`] sends and receives notifications.

pub mod agent;
pub mod ber;
pub mod client;
pub mod message;
pub mod notify;
pub mod usm;

pub use message::{AnyPdu, Message, Pdu, PduType, TrapV1, VarBind, Version};
