//! Access control for the responder: the community table of RFC 3584 §5.1 in front of
//! [VACM](super::vacm).
//!
//! A community message's community selects a security name and a context; VACM then
//! decides what that name may read and write there, with security model SNMPv1 or
//! SNMPv2c and level noAuthNoPriv. An unknown community is dropped and counted
//! (`snmpInBadCommunityNames`), never answered.
//!
//! An SNMPv3 message names its user and context itself: the security name is the USM
//! user name, the model USM and the level the message's own; [`AccessControl::user`]
//! gives a user its views (its keys are the responder's business:
//! [`Responder::with_usm`](super::Responder::with_usm)).

use std::collections::HashMap;

use smic_smi::Oid;

use super::vacm::{AccessEntry, ContextMatch, SecurityModel, Vacm};
use crate::message::SecurityLevel;

/// A row of `snmpCommunityTable` (RFC 3584): what a community stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommunityEntry {
    /// `snmpCommunitySecurityName`.
    pub security_name: Vec<u8>,
    /// `snmpCommunityContextName`.
    pub context: Vec<u8>,
}

/// Communities and the VACM tables behind them.
///
/// ```
/// use smic_smi::oid;
/// use smic_snmp_proto::agent::AccessControl;
/// use smic_snmp_proto::message::SecurityLevel;
/// let mut access = AccessControl::new();
/// access
///     .view("all", oid!(1).clone(), true)
///     .view("system", oid!(1, 3, 6, 1, 2, 1, 1).clone(), true)
///     .community("public", Some("all"), None)
///     .community("private", Some("all"), Some("system"))
///     // SNMPv3: `ops` reads everything when authenticated, and writes the system
///     // group only when its requests are encrypted too.
///     .user("ops", SecurityLevel::AuthNoPriv, Some("all"), None)
///     .user("ops", SecurityLevel::AuthPriv, Some("all"), Some("system"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct AccessControl {
    communities: HashMap<Vec<u8>, CommunityEntry>,
    vacm: Vacm,
}

impl AccessControl {
    /// No community, no view.
    pub fn new() -> Self {
        AccessControl::default()
    }

    /// Adds a raw `snmpCommunityTable` row; the VACM side is configured separately.
    pub fn add_community(&mut self, community: &[u8], entry: CommunityEntry) -> &mut Self {
        self.communities.insert(community.to_vec(), entry);
        self
    }

    /// A community that reads `read_view` and writes `write_view` in the default
    /// context, for SNMPv1 and SNMPv2c: security name and group are named after it
    /// (`community:<name>`), with one access entry for any model at noAuthNoPriv.
    pub fn community(
        &mut self,
        community: &str,
        read_view: Option<&str>,
        write_view: Option<&str>,
    ) -> &mut Self {
        let group = format!("community:{community}");
        self.add_community(
            community.as_bytes(),
            CommunityEntry {
                security_name: community.as_bytes().to_vec(),
                context: Vec::new(),
            },
        );
        self.vacm
            .add_group(SecurityModel::V1, community.as_bytes(), &group)
            .add_group(SecurityModel::V2c, community.as_bytes(), &group)
            .add_access(AccessEntry {
                group,
                context_prefix: Vec::new(),
                model: SecurityModel::Any,
                level: SecurityLevel::NoAuthNoPriv,
                context_match: ContextMatch::Exact,
                read_view: read_view.map(str::to_string),
                write_view: write_view.map(str::to_string),
                notify_view: None,
            });
        self
    }

    /// A USM user (SNMPv3) that reads `read_view` and writes `write_view` in the
    /// default context when its requests have at least `level`; a request at a lower
    /// level gets authorizationError. The security name is the user name, the group
    /// `usm:<name>`; each call adds one access entry (for model USM at `level`), so a
    /// user can get more at a higher level by being added again.
    pub fn user(
        &mut self,
        name: &str,
        level: SecurityLevel,
        read_view: Option<&str>,
        write_view: Option<&str>,
    ) -> &mut Self {
        self.user_in_context(name, level, b"", read_view, write_view)
    }

    /// [`AccessControl::user`] in one context (added to the known contexts).
    pub fn user_in_context(
        &mut self,
        name: &str,
        level: SecurityLevel,
        context: &[u8],
        read_view: Option<&str>,
        write_view: Option<&str>,
    ) -> &mut Self {
        let group = format!("usm:{name}");
        self.vacm
            .add_context(context)
            .add_group(SecurityModel::Usm, name.as_bytes(), &group)
            .add_access(AccessEntry {
                group,
                context_prefix: context.to_vec(),
                model: SecurityModel::Usm,
                level,
                context_match: ContextMatch::Exact,
                read_view: read_view.map(str::to_string),
                write_view: write_view.map(str::to_string),
                notify_view: None,
            });
        self
    }

    /// Adds a context (`vacmContextTable`): requests naming a context that was never
    /// added are refused as unknown (`snmpUnknownContexts`).
    pub fn context(&mut self, name: &[u8]) -> &mut Self {
        self.vacm.add_context(name);
        self
    }

    /// Adds a family to a view, with an empty mask (the whole subtree).
    pub fn view(&mut self, name: &str, subtree: Oid, included: bool) -> &mut Self {
        self.vacm.add_view(name, subtree, &[], included);
        self
    }

    /// The VACM tables.
    pub fn vacm(&self) -> &Vacm {
        &self.vacm
    }

    /// The VACM tables, to configure groups, access entries and masked views directly.
    pub fn vacm_mut(&mut self) -> &mut Vacm {
        &mut self.vacm
    }

    /// What a community stands for, if it is known.
    pub fn lookup(&self, community: &[u8]) -> Option<&CommunityEntry> {
        self.communities.get(community)
    }
}
