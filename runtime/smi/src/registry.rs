//! The registry: every object that generated modules register, found by name or by OID.
//!
//! Each generated module has a `register(&mut Registry)` that adds its static table of
//! [`ObjectInfo`]s; nothing is allocated per object. A manager uses it to name the OIDs
//! it receives (`IF-MIB::ifOperStatus.1`) and show their values (`INTEGER: up(1)`).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::format::{self, ValueStyle};
use crate::index::{IndexEncoding, decode_values, format_values};
use crate::object::{MaxAccess, Notification, ObjectType, Status, TableEntry};
use crate::syntax::Syntax;
use crate::{Oid, Value};

/// What a registered node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A plain OID registration (OBJECT IDENTIFIER, OBJECT-IDENTITY, MODULE-IDENTITY).
    Node,
    /// A scalar object.
    Scalar,
    /// A table.
    Table,
    /// A conceptual row.
    Row,
    /// A column.
    Column,
    /// A notification (or an SMIv1 trap at its SNMPv2 OID).
    Notification,
    /// A group, compliance or capabilities statement.
    Conformance,
}

/// How an object's values look: its type's name and what formatting needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyntaxInfo {
    /// The type as written (`DisplayString`, `Integer32`, `INTEGER`).
    pub type_name: &'static str,
    /// `DISPLAY-HINT`.
    pub display_hint: Option<&'static str>,
    /// Enumeration values and labels.
    pub values: &'static [(i32, &'static str)],
    /// BITS positions and labels.
    pub bits: &'static [(u32, &'static str)],
    /// Whether the base type is BITS.
    pub is_bits: bool,
}

/// One registered node, as generated code describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The defining module.
    pub module: &'static str,
    /// The descriptor.
    pub name: &'static str,
    /// The OID.
    pub oid: &'static Oid,
    /// What it is.
    pub kind: Kind,
    /// Objects: their syntax.
    pub syntax: Option<SyntaxInfo>,
    /// Objects: `MAX-ACCESS`.
    pub access: Option<MaxAccess>,
    /// `STATUS`.
    pub status: Option<Status>,
    /// `UNITS`.
    pub units: Option<&'static str>,
    /// Rows: how each INDEX component is encoded.
    pub index: &'static [IndexEncoding],
}

impl ObjectInfo {
    /// A node that is not an object: its module, name, OID and kind.
    pub const fn node(
        module: &'static str,
        name: &'static str,
        oid: &'static Oid,
        kind: Kind,
    ) -> Self {
        ObjectInfo {
            module,
            name,
            oid,
            kind,
            syntax: None,
            access: None,
            status: None,
            units: None,
            index: &[],
        }
    }

    /// A scalar or column, from its generated type.
    pub const fn object<T: ObjectType>(kind: Kind) -> Self {
        ObjectInfo {
            module: T::MODULE,
            name: T::NAME,
            oid: T::OID,
            kind,
            syntax: Some(SyntaxInfo {
                type_name: <T::Syntax as Syntax>::TYPE_NAME,
                display_hint: <T::Syntax as Syntax>::DISPLAY_HINT,
                values: <T::Syntax as Syntax>::VALUES,
                bits: <T::Syntax as Syntax>::BITS,
                is_bits: <T::Syntax as Syntax>::IS_BITS,
            }),
            access: Some(T::ACCESS),
            status: Some(T::STATUS),
            units: T::UNITS,
            index: &[],
        }
    }

    /// A row, from its generated type.
    pub const fn row<T: TableEntry>(status: Status) -> Self {
        ObjectInfo {
            module: T::MODULE,
            name: T::NAME,
            oid: T::OID,
            kind: Kind::Row,
            syntax: None,
            access: Some(MaxAccess::NotAccessible),
            status: Some(status),
            units: None,
            index: T::INDEX,
        }
    }

    /// A notification, from its generated type.
    pub const fn notification<T: Notification>() -> Self {
        ObjectInfo {
            module: T::MODULE,
            name: T::NAME,
            oid: T::OID,
            kind: Kind::Notification,
            syntax: None,
            access: None,
            status: Some(T::STATUS),
            units: None,
            index: &[],
        }
    }

    /// The same node with a status.
    pub const fn with_status(mut self, status: Status) -> Self {
        self.status = Some(status);
        self
    }
}

/// Objects by name and by OID.
///
/// ```
/// use smic_smi::{Registry, Value, oid};
/// let mut registry = Registry::new();
/// smic_smi::snmpv2_tc::register(&mut registry);
/// smic_smi::snmpv2_smi::register(&mut registry);
/// let enterprises = registry.get("SNMPv2-SMI::enterprises").unwrap();
/// assert_eq!(enterprises.oid, oid!(1, 3, 6, 1, 4, 1));
/// assert_eq!(registry.name_of(&"1.3.6.1.4.1.8072.3".parse().unwrap()), "SNMPv2-SMI::enterprises.8072.3");
/// ```
///
/// Where several modules name the same OID or use the same descriptor (RFC1213-MIB and
/// SNMPv2-MIB both define `sysDescr`), an SMIv2 module's node wins over SMIv1 ones, as
/// in the compiler's model; among modules of the same language, the first registered.
/// A module counts as SMIv1 when one of its objects has an SMIv1 `STATUS` (`mandatory`
/// or `optional`).
#[derive(Clone, Debug, Default)]
pub struct Registry {
    by_oid: BTreeMap<&'static [u32], Vec<&'static ObjectInfo>>,
    by_name: HashMap<&'static str, Vec<&'static ObjectInfo>>,
    modules: Vec<&'static str>,
    smiv1: HashSet<&'static str>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Adds a module's objects; a module registered twice is added once.
    pub fn register(&mut self, module: &'static str, objects: &'static [ObjectInfo]) {
        if self.modules.contains(&module) {
            return;
        }
        self.modules.push(module);
        if objects
            .iter()
            .any(|info| matches!(info.status, Some(Status::Mandatory | Status::Optional)))
        {
            self.smiv1.insert(module);
        }
        for info in objects {
            self.by_oid.entry(info.oid.arcs()).or_default().push(info);
            self.by_name.entry(info.name).or_default().push(info);
        }
    }

    /// The registered modules, in registration order.
    pub fn modules(&self) -> &[&'static str] {
        &self.modules
    }

    /// Number of registered nodes.
    pub fn len(&self) -> usize {
        self.by_name.values().map(Vec::len).sum()
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// A node by `MODULE::name`, or by bare name (an SMIv2 module's wins, then the
    /// first registered).
    pub fn get(&self, name: &str) -> Option<&'static ObjectInfo> {
        let named = self.by_name.get(name.rsplit("::").next()?)?;
        match name.split_once("::") {
            Some((module, _)) => named.iter().find(|info| info.module == module).copied(),
            None => self.preferred(named),
        }
    }

    /// The node registered at exactly `oid` (an SMIv2 module's, where several are).
    pub fn at(&self, oid: &Oid) -> Option<&'static ObjectInfo> {
        self.by_oid.get(oid.arcs()).and_then(|v| self.preferred(v))
    }

    /// The node with the longest OID that prefixes `oid`, and the arcs after it.
    pub fn resolve<'o>(&self, oid: &'o Oid) -> Option<(&'static ObjectInfo, &'o [u32])> {
        let arcs = oid.arcs();
        (1..=arcs.len()).rev().find_map(|n| {
            let (prefix, rest) = arcs.split_at_checked(n)?;
            let info = self.preferred(self.by_oid.get(prefix)?)?;
            Some((info, rest))
        })
    }

    /// Of several nodes for one OID or name: the first from an SMIv2 module, else the first.
    fn preferred(&self, infos: &[&'static ObjectInfo]) -> Option<&'static ObjectInfo> {
        infos
            .iter()
            .find(|info| !self.smiv1.contains(info.module))
            .or(infos.first())
            .copied()
    }

    /// The row a column belongs to.
    pub fn row_of(&self, column: &ObjectInfo) -> Option<&'static ObjectInfo> {
        let arcs = column.oid.arcs();
        let parent = arcs.get(..arcs.len().checked_sub(1)?)?;
        self.by_oid
            .get(parent)?
            .iter()
            .find(|info| info.kind == Kind::Row)
            .copied()
    }

    /// `MODULE::name.suffix` with the index decoded where the row is registered
    /// (`IF-MIB::ifDescr.2`, `SNMP-VIEW-BASED-ACM-MIB::vacmGroupName.3."public"`), or
    /// the numeric OID with a leading dot when nothing registered covers it.
    pub fn name_of(&self, oid: &Oid) -> String {
        let Some((info, suffix)) = self.resolve(oid) else {
            return format!(".{oid}");
        };
        let mut out = format!("{}::{}", info.module, info.name);
        let decoded = match info.kind {
            Kind::Column => self
                .row_of(info)
                .and_then(|row| decode_values(row.index, suffix)),
            _ => None,
        };
        match decoded {
            Some(values) => out.push_str(&format_values(&values)),
            None => suffix.iter().for_each(|a| {
                out.push('.');
                out.push_str(&a.to_string());
            }),
        }
        out
    }

    /// A value shown as `snmpget` shows it for this OID: through the syntax of the
    /// object the OID is an instance of (the longest registered prefix that is an
    /// object, so an OID alias such as `sysUpTimeInstance` keeps `sysUpTime`'s syntax).
    pub fn format_value(&self, oid: &Oid, value: &Value) -> String {
        let arcs = oid.arcs();
        let info = (1..=arcs.len()).rev().find_map(|n| {
            let objects = self
                .by_oid
                .get(arcs.get(..n)?)?
                .iter()
                .filter(|i| i.syntax.is_some());
            objects
                .clone()
                .find(|i| !self.smiv1.contains(i.module))
                .or_else(|| objects.clone().next())
                .copied()
        });
        let syntax = info.and_then(|i| i.syntax);
        let style = ValueStyle {
            display_hint: syntax.and_then(|s| s.display_hint),
            values: syntax.map_or(&[], |s| s.values),
            bits: syntax.map_or(&[], |s| s.bits),
            units: info.and_then(|i| i.units),
            is_bits: syntax.is_some_and(|s| s.is_bits),
        };
        format::value(value, &style, &|o| self.name_of(o))
    }

    /// `name = value`, as `snmpwalk` prints a variable binding.
    pub fn format_varbind(&self, oid: &Oid, value: &Value) -> String {
        format!("{} = {}", self.name_of(oid), self.format_value(oid, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oid;

    const BRANCH: &Oid = oid!(1, 3, 9);
    const THING: &Oid = oid!(1, 3, 9, 1);
    const THING_INSTANCE: &Oid = oid!(1, 3, 9, 1, 0);

    const fn object(module: &'static str, status: Status) -> ObjectInfo {
        ObjectInfo {
            syntax: Some(SyntaxInfo {
                type_name: "INTEGER",
                display_hint: None,
                values: &[(1, "up"), (2, "down")],
                bits: &[],
                is_bits: false,
            }),
            access: Some(MaxAccess::ReadOnly),
            status: Some(status),
            ..ObjectInfo::node(module, "thing", THING, Kind::Scalar)
        }
    }

    static OLD: [ObjectInfo; 2] = [
        ObjectInfo::node("OLD-MIB", "branch", BRANCH, Kind::Node),
        object("OLD-MIB", Status::Mandatory),
    ];
    static NEW: [ObjectInfo; 3] = [
        ObjectInfo::node("NEW-MIB", "branch", BRANCH, Kind::Node),
        object("NEW-MIB", Status::Current),
        ObjectInfo::node("NEW-MIB", "thingInstance", THING_INSTANCE, Kind::Node),
    ];

    #[test]
    fn smiv2_names_win_whatever_the_registration_order() {
        let mut registry = Registry::new();
        registry.register("OLD-MIB", &OLD);
        registry.register("NEW-MIB", &NEW);
        let thing: Oid = "1.3.9.1.5".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(registry.name_of(&thing), "NEW-MIB::thing.5");
        assert_eq!(registry.get("branch").map(|i| i.module), Some("NEW-MIB"));
        assert_eq!(
            registry.get("OLD-MIB::branch").map(|i| i.module),
            Some("OLD-MIB")
        );
        assert_eq!(registry.at(BRANCH).map(|i| i.module), Some("NEW-MIB"));
        // Alone, the SMIv1 module still names its nodes.
        let mut old = Registry::new();
        old.register("OLD-MIB", &OLD);
        assert_eq!(old.name_of(&thing), "OLD-MIB::thing.5");
    }

    #[test]
    fn an_alias_below_an_object_keeps_the_object_syntax() {
        let mut registry = Registry::new();
        registry.register("NEW-MIB", &NEW);
        // The name is the alias (the longest match), as net-snmp names
        // `DISMAN-EXPRESSION-MIB::sysUpTimeInstance`; the value is shown through the object.
        assert_eq!(
            registry.format_varbind(THING_INSTANCE, &Value::Integer(2)),
            "NEW-MIB::thingInstance = INTEGER: down(2)"
        );
    }
}
