//! Notifications (RFC 3413 §3): [`TrapSender`] sends traps of every version,
//! [`crate::client::Client::inform`] sends acknowledged informs, [`Receiver`] receives
//! both, and [`Notice`] is a notification in SNMPv2 form, built from generated
//! NOTIFICATION-TYPEs ([`Notice::typed`]) and translated to and from SNMPv1 traps as
//! RFC 3584 says.

mod notice;
mod originator;
mod receiver;

pub use notice::{
    ColumnValue, DecodeError, Notice, NoticeError, SNMP_TRAP_ADDRESS, SNMP_TRAP_COMMUNITY,
    SNMP_TRAP_ENTERPRISE, SNMP_TRAP_OID, SNMP_TRAPS, SYS_UP_TIME,
};
pub use originator::TrapSender;
pub use receiver::{Outcome, Received, Receiver, ReceiverConfig, ReceiverCore, Sender};
