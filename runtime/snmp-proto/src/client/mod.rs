//! The manager's protocol state, without I/O: [`requests`] matches responses to
//! requests (ids, deadlines, retransmissions), [`session`] is an SNMPv3 session to one
//! agent (discovery, protected requests, answers checked, the agent's clock followed).
//! `smic_snmp::client::Client` drives both over tokio.

pub mod requests;
pub mod session;

pub use session::{Report, UsmConfig};
