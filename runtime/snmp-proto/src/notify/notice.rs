//! A notification in SNMPv2 form, and its translation to and from SNMPv1's Trap-PDU
//! (RFC 3584 §3).

use smic_smi::index::Index;
use smic_smi::object::Notification;
use smic_smi::{Column, Oid, Scalar, TableEntry, Value};

use crate::message::{TrapV1, VarBind};

/// `sysUpTime.0`.
pub const SYS_UP_TIME: &[u32] = &[1, 3, 6, 1, 2, 1, 1, 3, 0];
/// `snmpTrapOID.0`.
pub const SNMP_TRAP_OID: &[u32] = &[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];
/// `snmpTrapEnterprise.0`.
pub const SNMP_TRAP_ENTERPRISE: &[u32] = &[1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0];
/// `snmpTraps`: the generic traps are its children 1 … 6.
pub const SNMP_TRAPS: &[u32] = &[1, 3, 6, 1, 6, 3, 1, 1, 5];
/// `snmpTrapAddress.0` (RFC 3584): a v1 trap's agent-addr.
pub const SNMP_TRAP_ADDRESS: &[u32] = &[1, 3, 6, 1, 6, 3, 18, 1, 3, 0];
/// `snmpTrapCommunity.0` (RFC 3584): a v1 trap's community.
pub const SNMP_TRAP_COMMUNITY: &[u32] = &[1, 3, 6, 1, 6, 3, 18, 1, 4, 0];

/// A notification: which one (`snmpTrapOID.0`), when (`sysUpTime.0`) and its bindings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// `snmpTrapOID.0`.
    pub trap_oid: Oid,
    /// `sysUpTime.0`, in hundredths of a second.
    pub uptime: u32,
    /// The bindings after those two.
    pub varbinds: Vec<VarBind>,
}

/// A column's value in a notification: the row's index and the typed value.
pub type ColumnValue<C> = (
    <<C as Column>::Entry as TableEntry>::Index,
    <C as smic_smi::ObjectType>::Syntax,
);

/// Why a binding of a received notification does not fit its object.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The instance suffix is not a valid index of the object's table.
    #[error("{0}: the instance is not a valid index of its table")]
    Index(Oid),
    /// The value has the wrong type or is out of the object's range.
    #[error("{0}: the value does not fit the object's syntax")]
    Value(Oid),
}

/// Why bindings are not a notification.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    /// RFC 3416 §4.2.6: the first two bindings must be sysUpTime.0 and snmpTrapOID.0.
    #[error("a notification starts with sysUpTime.0 (TimeTicks) and snmpTrapOID.0 (OID)")]
    MissingHeader,
}

impl Notice {
    /// A generated notification's `snmpTrapOID.0` and objects.
    ///
    /// ```
    /// use smic_mibs::snmpv2_mib::ColdStart;
    /// use smic_snmp_proto::notify::Notice;
    /// let notice = Notice::typed(&ColdStart, 4200);
    /// assert_eq!(notice.trap_oid.to_string(), "1.3.6.1.6.3.1.1.5.1");
    /// ```
    pub fn typed<N: Notification>(notification: &N, uptime: u32) -> Notice {
        Notice {
            trap_oid: N::OID.clone(),
            uptime,
            varbinds: notification
                .varbinds()
                .into_iter()
                .map(|(oid, value)| VarBind { oid, value })
                .collect(),
        }
    }

    /// Whether this is the generated notification `N` (its `snmpTrapOID.0`).
    ///
    /// ```
    /// use smic_mibs::if_mib::LinkDown;
    /// use smic_mibs::snmpv2_mib::ColdStart;
    /// use smic_snmp_proto::notify::Notice;
    /// let notice = Notice::typed(&ColdStart, 0);
    /// assert!(notice.is::<ColdStart>());
    /// assert!(!notice.is::<LinkDown>());
    /// ```
    pub fn is<N: Notification>(&self) -> bool {
        self.trap_oid == *N::OID
    }

    /// The first binding of column `C`, decoded: the row's index and the typed value.
    /// `None` when no binding is an instance of `C`; an error when one is, but its
    /// index or value does not fit the MIB.
    pub fn column<C: Column>(&self) -> Option<Result<ColumnValue<C>, DecodeError>> {
        let binding = self
            .varbinds
            .iter()
            .find(|vb| vb.oid.starts_with(C::OID) && vb.oid.len() > C::OID.len())?;
        let suffix = binding.oid.arcs().get(C::OID.len()..)?;
        Some(
            <C::Entry as TableEntry>::Index::from_arcs(suffix)
                .map_err(|_| DecodeError::Index(binding.oid.clone()))
                .and_then(|index| {
                    C::decode(&binding.value)
                        .map(|value| (index, value))
                        .map_err(|_| DecodeError::Value(binding.oid.clone()))
                }),
        )
    }

    /// The binding of scalar `S` (`S.0`), decoded.
    pub fn scalar<S: Scalar>(&self) -> Option<Result<S::Syntax, DecodeError>> {
        let instance = S::instance();
        let binding = self.varbinds.iter().find(|vb| vb.oid == instance)?;
        Some(S::decode(&binding.value).map_err(|_| DecodeError::Value(binding.oid.clone())))
    }

    /// The bindings of an SNMPv2-Trap or InformRequest: sysUpTime.0, snmpTrapOID.0,
    /// then the notification's own.
    pub fn to_varbinds(&self) -> Vec<VarBind> {
        let mut out = Vec::with_capacity(self.varbinds.len() + 2);
        out.push(VarBind {
            oid: Oid::from_vec(SYS_UP_TIME.to_vec()),
            value: Value::TimeTicks(self.uptime),
        });
        out.push(VarBind {
            oid: Oid::from_vec(SNMP_TRAP_OID.to_vec()),
            value: Value::ObjectIdentifier(self.trap_oid.clone()),
        });
        out.extend(self.varbinds.iter().cloned());
        out
    }

    /// Reads the bindings of an SNMPv2-Trap or InformRequest.
    pub fn from_varbinds(varbinds: &[VarBind]) -> Result<Notice, NoticeError> {
        match varbinds {
            [
                VarBind {
                    oid: up,
                    value: Value::TimeTicks(uptime),
                },
                VarBind {
                    oid: trap,
                    value: Value::ObjectIdentifier(trap_oid),
                },
                rest @ ..,
            ] if up.arcs() == SYS_UP_TIME && trap.arcs() == SNMP_TRAP_OID => Ok(Notice {
                trap_oid: trap_oid.clone(),
                uptime: *uptime,
                varbinds: rest.to_vec(),
            }),
            _ => Err(NoticeError::MissingHeader),
        }
    }

    /// The SNMPv1 Trap-PDU for this notification (RFC 3584 §3.2): generic traps for
    /// the six of `snmpTraps`, enterprise-specific ones otherwise; Counter64 bindings,
    /// which SNMPv1 cannot carry, are left out.
    pub fn to_v1(&self, agent_addr: [u8; 4]) -> TrapV1 {
        let arcs = self.trap_oid.arcs();
        let generic = match arcs.split_last() {
            Some((&last, parent)) if parent == SNMP_TRAPS && (1..=6).contains(&last) => {
                Some(last as i32 - 1)
            }
            _ => None,
        };
        let (enterprise, generic_trap, specific_trap) = match generic {
            Some(generic) => {
                let enterprise = self
                    .varbinds
                    .iter()
                    .find(|vb| vb.oid.arcs() == SNMP_TRAP_ENTERPRISE)
                    .and_then(|vb| match &vb.value {
                        Value::ObjectIdentifier(oid) => Some(oid.clone()),
                        _ => None,
                    })
                    .unwrap_or_else(|| Oid::from_vec(SNMP_TRAPS.to_vec()));
                (enterprise, generic, 0)
            }
            None => {
                let (specific, parent) = arcs.split_last().map_or((0, arcs), |(l, p)| (*l, p));
                let enterprise = match parent.split_last() {
                    Some((0, grandparent)) => grandparent,
                    _ => parent,
                };
                (
                    Oid::from_vec(enterprise.to_vec()),
                    6,
                    i32::try_from(specific).unwrap_or(i32::MAX),
                )
            }
        };
        TrapV1 {
            enterprise,
            agent_addr,
            generic_trap,
            specific_trap,
            time_stamp: self.uptime,
            varbinds: self
                .varbinds
                .iter()
                .filter(|vb| !matches!(vb.value, Value::Counter64(_)))
                .cloned()
                .collect(),
        }
    }

    /// The SNMPv2 form of an SNMPv1 Trap-PDU (RFC 3584 §3.1): `snmpTraps.N` for the
    /// generic traps, `enterprise.0.specific` otherwise; agent-addr, community and
    /// enterprise appended as `snmpTrapAddress.0`, `snmpTrapCommunity.0` and
    /// `snmpTrapEnterprise.0`.
    pub fn from_v1(trap: &TrapV1, community: &[u8]) -> Notice {
        let trap_oid = if (0..6).contains(&trap.generic_trap) {
            let mut arcs = SNMP_TRAPS.to_vec();
            arcs.push(trap.generic_trap as u32 + 1);
            Oid::from_vec(arcs)
        } else {
            let mut arcs = trap.enterprise.arcs().to_vec();
            arcs.push(0);
            arcs.push(u32::try_from(trap.specific_trap).unwrap_or(0));
            Oid::from_vec(arcs)
        };
        let mut varbinds = trap.varbinds.clone();
        varbinds.push(VarBind {
            oid: Oid::from_vec(SNMP_TRAP_ADDRESS.to_vec()),
            value: Value::IpAddress(trap.agent_addr),
        });
        varbinds.push(VarBind {
            oid: Oid::from_vec(SNMP_TRAP_COMMUNITY.to_vec()),
            value: Value::OctetString(community.to_vec()),
        });
        varbinds.push(VarBind {
            oid: Oid::from_vec(SNMP_TRAP_ENTERPRISE.to_vec()),
            value: Value::ObjectIdentifier(trap.enterprise.clone()),
        });
        Notice {
            trap_oid,
            uptime: trap.time_stamp,
            varbinds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vb(arcs: &[u32], value: Value) -> VarBind {
        VarBind {
            oid: Oid::from_vec(arcs.to_vec()),
            value,
        }
    }

    #[test]
    fn v2_bindings_round_trip() {
        let notice = Notice {
            trap_oid: Oid::from_vec(vec![1, 3, 6, 1, 6, 3, 1, 1, 5, 3]),
            uptime: 77,
            varbinds: vec![vb(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 2], Value::Integer(2))],
        };
        assert_eq!(
            Notice::from_varbinds(&notice.to_varbinds()),
            Ok(notice.clone())
        );
        assert_eq!(
            Notice::from_varbinds(&notice.varbinds),
            Err(NoticeError::MissingHeader)
        );
    }

    #[test]
    fn rfc3584_translation_both_ways() {
        // linkDown is generic trap 2.
        let link_down = Notice {
            trap_oid: Oid::from_vec(vec![1, 3, 6, 1, 6, 3, 1, 1, 5, 3]),
            uptime: 5,
            varbinds: vec![
                vb(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 2], Value::Integer(2)),
                vb(&[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 2], Value::Counter64(1)),
            ],
        };
        let v1 = link_down.to_v1([192, 0, 2, 1]);
        assert_eq!((v1.generic_trap, v1.specific_trap), (2, 0));
        assert_eq!(v1.enterprise.arcs(), SNMP_TRAPS);
        assert_eq!(v1.varbinds.len(), 1, "Counter64 cannot travel in SNMPv1");
        let back = Notice::from_v1(&v1, b"public");
        assert_eq!(back.trap_oid, link_down.trap_oid);
        assert_eq!(back.varbinds[0], link_down.varbinds[0]);
        assert_eq!(
            back.varbinds[1],
            vb(SNMP_TRAP_ADDRESS, Value::IpAddress([192, 0, 2, 1]))
        );

        // An enterprise trap defined as enterprise.0.specific, and one without the 0.
        let specific = Notice {
            trap_oid: Oid::from_vec(vec![1, 3, 6, 1, 4, 1, 8072, 2, 3, 0, 1]),
            uptime: 9,
            varbinds: Vec::new(),
        };
        let v1 = specific.to_v1([127, 0, 0, 1]);
        assert_eq!(v1.enterprise.to_string(), "1.3.6.1.4.1.8072.2.3");
        assert_eq!((v1.generic_trap, v1.specific_trap), (6, 1));
        assert_eq!(Notice::from_v1(&v1, b"").trap_oid, specific.trap_oid);
        let no_zero = Notice {
            trap_oid: Oid::from_vec(vec![1, 3, 6, 1, 4, 1, 9, 9, 41, 2, 1]),
            ..specific
        };
        let v1 = no_zero.to_v1([127, 0, 0, 1]);
        assert_eq!(v1.enterprise.to_string(), "1.3.6.1.4.1.9.9.41.2");
        assert_eq!(v1.specific_trap, 1);
    }
}
