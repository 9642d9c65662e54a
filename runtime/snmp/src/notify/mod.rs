//! Notifications on UDP (RFC 3413 §3): [`TrapSender`] sends traps of every version,
//! [`crate::client::Client::inform`] sends acknowledged informs, [`Receiver`] receives
//! both. The protocol — [`Notice`], RFC 3584 translation, [`ReceiverCore`] — is
//! [`smic_snmp_proto::notify`], re-exported here whole.

mod originator;
mod receiver;

pub use originator::TrapSender;
pub use receiver::{Receiver, RefusalLog, log_refusal};
pub use smic_snmp_proto::notify::*;
