//! Notifications (RFC 3413 §3) without I/O: [`Notice`] is a notification in SNMPv2
//! form, built from generated NOTIFICATION-TYPEs ([`Notice::typed`]) and translated to
//! and from SNMPv1 traps as RFC 3584 says; [`ReceiverCore`] receives traps and informs
//! of every version. `smic_snmp::notify` sends and receives them over UDP.

mod notice;
mod receiver;

pub use notice::{
    ColumnValue, DecodeError, Notice, NoticeError, SNMP_TRAP_ADDRESS, SNMP_TRAP_COMMUNITY,
    SNMP_TRAP_ENTERPRISE, SNMP_TRAP_OID, SNMP_TRAPS, SYS_UP_TIME,
};
pub use receiver::{Outcome, Received, ReceiverConfig, ReceiverCore, Refused, Sender};
