//! The View-based Access Control Model (RFC 3415), configured in code.
//!
//! [`Vacm::is_access_allowed`] is RFC 3415 §3.2's abstract service: context, then
//! group, then the best access entry, then the view, then the OID in the view; each
//! step has its own refusal ([`VacmError`]). The responder asks for the view once per
//! request ([`Vacm::view`]) and then tests each OID against it ([`View::contains`]).

use crate::message::SecurityLevel;
use std::collections::{BTreeSet, HashMap};

use smic_smi::Oid;

/// `SnmpSecurityModel` (RFC 3411): who vouches for the principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecurityModel {
    /// `any(0)`: in access entries only, matches every model.
    Any,
    /// SNMPv1 community (`1`).
    V1,
    /// SNMPv2c community (`2`).
    V2c,
    /// USM (`3`).
    Usm,
}

/// Which of an access entry's views a request uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViewType {
    /// GET, GETNEXT, GETBULK.
    Read,
    /// SET.
    Write,
    /// Notifications.
    Notify,
}

/// `vacmAccessContextMatch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContextMatch {
    /// The context name must equal the prefix.
    Exact,
    /// The context name must start with the prefix.
    Prefix,
}

/// Why [`Vacm::is_access_allowed`] refused (RFC 3415 §3.2's errorIndications).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum VacmError {
    /// The context is not in `vacmContextTable`.
    #[error("no such context")]
    NoSuchContext,
    /// The security model and name have no group.
    #[error("no group for this security name")]
    NoGroupName,
    /// The group has no access entry for this context, model and level.
    #[error("no access entry")]
    NoAccessEntry,
    /// The access entry names no view of this type, or a view with no family.
    #[error("no such view")]
    NoSuchView,
    /// The OID is outside the view.
    #[error("not in view")]
    NotInView,
}

/// A row of `vacmAccessTable`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessEntry {
    /// `vacmGroupName`.
    pub group: String,
    /// `vacmAccessContextPrefix`.
    pub context_prefix: Vec<u8>,
    /// `vacmAccessSecurityModel` ([`SecurityModel::Any`] for every model).
    pub model: SecurityModel,
    /// `vacmAccessSecurityLevel`: the least level a request needs.
    pub level: SecurityLevel,
    /// `vacmAccessContextMatch`.
    pub context_match: ContextMatch,
    /// `vacmAccessReadViewName` (`None`: no read access).
    pub read_view: Option<String>,
    /// `vacmAccessWriteViewName`.
    pub write_view: Option<String>,
    /// `vacmAccessNotifyViewName`.
    pub notify_view: Option<String>,
}

/// A row of `vacmViewTreeFamilyTable`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewFamily {
    /// `vacmViewTreeFamilySubtree`.
    pub subtree: Oid,
    /// `vacmViewTreeFamilyMask`: bit `i` (most significant first) set means arc `i`
    /// must match; missing bits are ones, so an empty mask matches the whole subtree.
    pub mask: Vec<u8>,
    /// `included(1)` or `excluded(2)`.
    pub included: bool,
}

impl ViewFamily {
    /// Whether `oid` is in this family's subtree under its mask.
    pub fn matches(&self, oid: &Oid) -> bool {
        let subtree = self.subtree.arcs();
        let arcs = oid.arcs();
        arcs.len() >= subtree.len()
            && subtree
                .iter()
                .zip(arcs)
                .enumerate()
                .all(|(i, (arc, actual))| {
                    let wildcard = self
                        .mask
                        .get(i / 8)
                        .is_some_and(|byte| byte & (0x80 >> (i % 8)) == 0);
                    wildcard || actual == arc
                })
    }
}

/// A MIB view: the families that share a view name.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    families: &'a [ViewFamily],
}

impl View<'_> {
    /// Whether `oid` is in the view (RFC 3415 §5, `vacmViewTreeFamilyTable`): the
    /// matching family with the longest subtree decides, the lexicographically greater
    /// subtree among equally long ones; no match is not in view.
    pub fn contains(&self, oid: &Oid) -> bool {
        self.families
            .iter()
            .filter(|f| f.matches(oid))
            .max_by(|a, b| {
                a.subtree
                    .len()
                    .cmp(&b.subtree.len())
                    .then_with(|| a.subtree.cmp(&b.subtree))
            })
            .is_some_and(|f| f.included)
    }
}

/// The VACM tables.
///
/// ```
/// use smic_smi::{Oid, oid};
/// use smic_snmp_proto::agent::vacm::*;
/// use smic_snmp_proto::message::SecurityLevel;
/// let mut vacm = Vacm::new();
/// vacm.add_group(SecurityModel::V2c, b"public", "readers");
/// vacm.add_access(AccessEntry {
///     group: "readers".into(),
///     context_prefix: Vec::new(),
///     model: SecurityModel::Any,
///     level: SecurityLevel::NoAuthNoPriv,
///     context_match: ContextMatch::Exact,
///     read_view: Some("system".into()),
///     write_view: None,
///     notify_view: None,
/// });
/// vacm.add_view("system", oid!(1, 3, 6, 1, 2, 1, 1).clone(), &[], true);
/// let allowed = |oid: &Oid, view| vacm.is_access_allowed(
///     SecurityModel::V2c, b"public", SecurityLevel::NoAuthNoPriv, view, b"", oid);
/// assert_eq!(allowed(&oid!(1, 3, 6, 1, 2, 1, 1, 1, 0).clone(), ViewType::Read), Ok(()));
/// assert_eq!(allowed(&oid!(1, 3, 6, 1, 2, 1, 2, 1, 0).clone(), ViewType::Read), Err(VacmError::NotInView));
/// assert_eq!(allowed(&oid!(1, 3, 6, 1, 2, 1, 1, 1, 0).clone(), ViewType::Write), Err(VacmError::NoSuchView));
/// ```
#[derive(Clone, Debug)]
pub struct Vacm {
    contexts: BTreeSet<Vec<u8>>,
    groups: HashMap<(SecurityModel, Vec<u8>), String>,
    access: Vec<AccessEntry>,
    views: HashMap<String, Vec<ViewFamily>>,
}

impl Default for Vacm {
    fn default() -> Self {
        Vacm::new()
    }
}

impl Vacm {
    /// Tables with the default context `""` and nothing else.
    pub fn new() -> Self {
        Vacm {
            contexts: BTreeSet::from([Vec::new()]),
            groups: HashMap::new(),
            access: Vec::new(),
            views: HashMap::new(),
        }
    }

    /// Adds a context (`vacmContextTable`).
    pub fn add_context(&mut self, name: &[u8]) -> &mut Self {
        self.contexts.insert(name.to_vec());
        self
    }

    /// Whether `name` is in `vacmContextTable`.
    pub fn has_context(&self, name: &[u8]) -> bool {
        self.contexts.contains(name)
    }

    /// Maps a security model and name to a group (`vacmSecurityToGroupTable`).
    pub fn add_group(&mut self, model: SecurityModel, name: &[u8], group: &str) -> &mut Self {
        self.groups
            .insert((model, name.to_vec()), group.to_string());
        self
    }

    /// Adds an access entry (`vacmAccessTable`); one with the same group, context
    /// prefix, model and level is replaced, as the table's index would.
    pub fn add_access(&mut self, entry: AccessEntry) -> &mut Self {
        self.access.retain(|e| {
            (&e.group, &e.context_prefix, e.model, e.level)
                != (
                    &entry.group,
                    &entry.context_prefix,
                    entry.model,
                    entry.level,
                )
        });
        self.access.push(entry);
        self
    }

    /// Adds a family to a view (`vacmViewTreeFamilyTable`).
    pub fn add_view(&mut self, view: &str, subtree: Oid, mask: &[u8], included: bool) -> &mut Self {
        let families = self.views.entry(view.to_string()).or_default();
        families.retain(|f| f.subtree != subtree);
        families.push(ViewFamily {
            subtree,
            mask: mask.to_vec(),
            included,
        });
        self
    }

    /// RFC 3415 §4's choice among the access entries of a group that fit the request:
    /// a specific model over `any`, an exact context match over a prefix, the longer
    /// prefix, then the higher level.
    fn best_access(
        &self,
        group: &str,
        model: SecurityModel,
        level: SecurityLevel,
        context: &[u8],
    ) -> Option<&AccessEntry> {
        self.access
            .iter()
            .filter(|e| e.group == group)
            .filter(|e| e.model == SecurityModel::Any || e.model == model)
            .filter(|e| e.level <= level)
            .filter(|e| match e.context_match {
                ContextMatch::Exact => e.context_prefix == context,
                ContextMatch::Prefix => context.starts_with(&e.context_prefix),
            })
            .max_by_key(|e| {
                (
                    e.model == model,
                    e.context_prefix == context,
                    e.context_prefix.len(),
                    e.level,
                )
            })
    }

    /// Steps one to four of `isAccessAllowed`: the view a principal gets in a context.
    pub fn view(
        &self,
        model: SecurityModel,
        name: &[u8],
        level: SecurityLevel,
        view_type: ViewType,
        context: &[u8],
    ) -> Result<View<'_>, VacmError> {
        if !self.contexts.contains(context) {
            return Err(VacmError::NoSuchContext);
        }
        let group = self
            .groups
            .get(&(model, name.to_vec()))
            .ok_or(VacmError::NoGroupName)?;
        let entry = self
            .best_access(group, model, level, context)
            .ok_or(VacmError::NoAccessEntry)?;
        let view_name = match view_type {
            ViewType::Read => &entry.read_view,
            ViewType::Write => &entry.write_view,
            ViewType::Notify => &entry.notify_view,
        };
        let families = view_name
            .as_ref()
            .and_then(|name| self.views.get(name))
            .filter(|families| !families.is_empty())
            .ok_or(VacmError::NoSuchView)?;
        Ok(View { families })
    }

    /// RFC 3415 §3.2 `isAccessAllowed`.
    pub fn is_access_allowed(
        &self,
        model: SecurityModel,
        name: &[u8],
        level: SecurityLevel,
        view_type: ViewType,
        context: &[u8],
        oid: &Oid,
    ) -> Result<(), VacmError> {
        let view = self.view(model, name, level, view_type, context)?;
        if view.contains(oid) {
            Ok(())
        } else {
            Err(VacmError::NotInView)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(text: &str) -> Oid {
        text.parse().unwrap_or_default()
    }

    fn entry(group: &str, model: SecurityModel, level: SecurityLevel, view: &str) -> AccessEntry {
        AccessEntry {
            group: group.into(),
            context_prefix: Vec::new(),
            model,
            level,
            context_match: ContextMatch::Exact,
            read_view: Some(view.into()),
            write_view: None,
            notify_view: None,
        }
    }

    #[test]
    fn masks_wildcard_arcs_and_the_longest_family_wins() {
        let mut vacm = Vacm::new();
        // Every column of ifEntry (mask 0xff 0x80: arcs 0..=8 match, arc 9, the column,
        // is wild), except ifDescr.2.
        vacm.add_view("v", oid("1.3.6.1.2.1.2.2.1.1"), &[0xff, 0x80], true)
            .add_view("v", oid("1.3.6.1.2.1.2.2.1.2.2"), &[], false);
        let view = vacm.views.get("v").map(|f| View { families: f });
        let Some(view) = view else {
            panic!("the view exists")
        };
        assert!(view.contains(&oid("1.3.6.1.2.1.2.2.1.7.5")));
        assert!(view.contains(&oid("1.3.6.1.2.1.2.2.1.2.1")));
        assert!(!view.contains(&oid("1.3.6.1.2.1.2.2.1.2.2")));
        assert!(
            !view.contains(&oid("1.3.6.1.2.1.2.2.2.1.1")),
            "arc 8 is not wild"
        );
        assert!(
            !view.contains(&oid("1.3.6.1.2.1.2")),
            "shorter than the subtree"
        );
    }

    #[test]
    fn the_best_access_entry_is_chosen_in_rfc_order() {
        let mut vacm = Vacm::new();
        vacm.add_group(SecurityModel::V2c, b"n", "g")
            .add_view("any", oid("1.1"), &[], true)
            .add_view("model", oid("1.2"), &[], true)
            .add_view("strong", oid("1.3"), &[], true)
            .add_access(entry(
                "g",
                SecurityModel::Any,
                SecurityLevel::NoAuthNoPriv,
                "any",
            ));
        let read = |vacm: &Vacm, o: &str| {
            vacm.is_access_allowed(
                SecurityModel::V2c,
                b"n",
                SecurityLevel::NoAuthNoPriv,
                ViewType::Read,
                b"",
                &oid(o),
            )
        };
        assert_eq!(read(&vacm, "1.1.1"), Ok(()));
        // A specific model beats `any`.
        vacm.add_access(entry(
            "g",
            SecurityModel::V2c,
            SecurityLevel::NoAuthNoPriv,
            "model",
        ));
        assert_eq!(read(&vacm, "1.1.1"), Err(VacmError::NotInView));
        assert_eq!(read(&vacm, "1.2.1"), Ok(()));
        // An entry that needs a stronger level than the request's does not apply.
        vacm.add_access(entry(
            "g",
            SecurityModel::V2c,
            SecurityLevel::AuthNoPriv,
            "strong",
        ));
        assert_eq!(read(&vacm, "1.2.1"), Ok(()));
        // Unknown contexts, names and groups without entries.
        let in_context = vacm.is_access_allowed(
            SecurityModel::V2c,
            b"n",
            SecurityLevel::NoAuthNoPriv,
            ViewType::Read,
            b"other",
            &oid("1.2.1"),
        );
        assert_eq!(in_context, Err(VacmError::NoSuchContext));
        vacm.add_context(b"other");
        let in_context = vacm.is_access_allowed(
            SecurityModel::V2c,
            b"n",
            SecurityLevel::NoAuthNoPriv,
            ViewType::Read,
            b"other",
            &oid("1.2.1"),
        );
        assert_eq!(in_context, Err(VacmError::NoAccessEntry));
        let stranger = vacm.is_access_allowed(
            SecurityModel::V1,
            b"n",
            SecurityLevel::NoAuthNoPriv,
            ViewType::Read,
            b"",
            &oid("1.2.1"),
        );
        assert_eq!(stranger, Err(VacmError::NoGroupName));
    }
}
