//! The checked model: every module resolved, every named node at its absolute OID,
//! every type traced to its base, tables understood.
//!
//! Built by [`crate::resolve`] from parsed modules. Nodes and types live in arenas
//! indexed by [`NodeId`] and [`TypeId`]; lookups by name are always scoped by module
//! (`IF-MIB::ifDescr`), with bare-name search across modules as an explicit, separate
//! query.

pub mod instance;
use std::sync::OnceLock;

use serde::Serialize;
/// Object identifiers: the runtime's type, so the model and the engine share one.
pub use smic_smi::{Oid, ParseOidError};

use crate::diagnostic::{FileId, Span};
use crate::hash::HashMap;
use crate::syntax::ast::Language;

/// Index of a module in [`Model::modules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ModuleId(pub u32);

/// Index of a node in [`Model::nodes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct NodeId(pub u32);

/// Index of a type in [`Model::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TypeId(pub u32);

/// One loaded module.
#[derive(Clone, Debug, Serialize)]
pub struct Module {
    /// The module name.
    pub name: String,
    /// The file it was read from (`None` for built-in text).
    #[serde(skip)]
    pub file: Option<FileId>,
    /// The file's path as given, or `<builtin>/NAME` for the modules smic ships.
    pub path: String,
    /// SMIv1 or SMIv2.
    pub language: Language,
    /// `IMPORTS`: module name and the symbols taken from it, in source order.
    pub imports: Vec<(String, Vec<String>)>,
    /// The MODULE-IDENTITY node, if any.
    pub identity: Option<NodeId>,
    /// `LAST-UPDATED`.
    pub last_updated: Option<String>,
    /// `ORGANIZATION`.
    pub organization: Option<String>,
    /// `CONTACT-INFO`.
    pub contact_info: Option<String>,
    /// Module `DESCRIPTION`.
    pub description: Option<String>,
    /// `REVISION`s: date and description.
    pub revisions: Vec<(String, String)>,
    /// Nodes defined here, in source order.
    pub nodes: Vec<NodeId>,
    /// Types defined here, in source order.
    pub types: Vec<TypeId>,
    /// Whether this is one of the pinned base modules (SNMPv2-SMI, RFC1155-SMI, ...).
    pub is_base: bool,
}

/// What a named node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// An OID registration: `OBJECT IDENTIFIER` value, or a named arc such as `iso(1)`.
    Node,
    /// MODULE-IDENTITY.
    ModuleIdentity,
    /// OBJECT-IDENTITY.
    ObjectIdentity,
    /// An OBJECT-TYPE outside any table.
    Scalar,
    /// An OBJECT-TYPE with `SEQUENCE OF` syntax.
    Table,
    /// The conceptual row of a table.
    Row,
    /// A columnar object of a row.
    Column,
    /// NOTIFICATION-TYPE.
    Notification,
    /// TRAP-TYPE (SMIv1), placed at its SNMPv2 OID (RFC 3584 §3).
    Trap,
    /// OBJECT-GROUP.
    ObjectGroup,
    /// NOTIFICATION-GROUP.
    NotificationGroup,
    /// MODULE-COMPLIANCE.
    Compliance,
    /// AGENT-CAPABILITIES.
    Capabilities,
}

impl NodeKind {
    /// The kind as printed by `smic dump oids` and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Node => "node",
            NodeKind::ModuleIdentity => "module-identity",
            NodeKind::ObjectIdentity => "object-identity",
            NodeKind::Scalar => "scalar",
            NodeKind::Table => "table",
            NodeKind::Row => "row",
            NodeKind::Column => "column",
            NodeKind::Notification => "notification",
            NodeKind::Trap => "trap",
            NodeKind::ObjectGroup => "object-group",
            NodeKind::NotificationGroup => "notification-group",
            NodeKind::Compliance => "compliance",
            NodeKind::Capabilities => "capabilities",
        }
    }

    /// Whether the node is an OBJECT-TYPE (it has syntax and access).
    pub fn is_object(self) -> bool {
        matches!(
            self,
            NodeKind::Scalar | NodeKind::Table | NodeKind::Row | NodeKind::Column
        )
    }
}

/// `STATUS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// `current`.
    Current,
    /// `deprecated`.
    Deprecated,
    /// `obsolete`.
    Obsolete,
    /// `mandatory` (SMIv1; means current).
    Mandatory,
    /// `optional` (SMIv1).
    Optional,
}

impl Status {
    /// Parses a STATUS value.
    pub fn parse(text: &str) -> Option<Status> {
        Some(match text {
            "current" => Status::Current,
            "deprecated" => Status::Deprecated,
            "obsolete" => Status::Obsolete,
            "mandatory" => Status::Mandatory,
            "optional" => Status::Optional,
            _ => return None,
        })
    }

    /// The MIB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Deprecated => "deprecated",
            Status::Obsolete => "obsolete",
            Status::Mandatory => "mandatory",
            Status::Optional => "optional",
        }
    }
}

/// `MAX-ACCESS` / `ACCESS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// `not-accessible`.
    NotAccessible,
    /// `accessible-for-notify`.
    AccessibleForNotify,
    /// `read-only`.
    ReadOnly,
    /// `read-write`.
    ReadWrite,
    /// `read-create`.
    ReadCreate,
    /// `write-only` (SMIv1).
    WriteOnly,
    /// `not-implemented` (AGENT-CAPABILITIES).
    NotImplemented,
}

impl Access {
    /// Parses an access value.
    pub fn parse(text: &str) -> Option<Access> {
        Some(match text {
            "not-accessible" => Access::NotAccessible,
            "accessible-for-notify" => Access::AccessibleForNotify,
            "read-only" => Access::ReadOnly,
            "read-write" => Access::ReadWrite,
            "read-create" => Access::ReadCreate,
            "write-only" => Access::WriteOnly,
            "not-implemented" => Access::NotImplemented,
            _ => return None,
        })
    }

    /// The MIB spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::NotAccessible => "not-accessible",
            Access::AccessibleForNotify => "accessible-for-notify",
            Access::ReadOnly => "read-only",
            Access::ReadWrite => "read-write",
            Access::ReadCreate => "read-create",
            Access::WriteOnly => "write-only",
            Access::NotImplemented => "not-implemented",
        }
    }
}

/// The SMI base types every syntax resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum BaseType {
    /// `INTEGER` / `Integer32` (with or without enumeration).
    Integer32,
    /// `Unsigned32`.
    Unsigned32,
    /// `Gauge32` / `Gauge`.
    Gauge32,
    /// `Counter32` / `Counter`.
    Counter32,
    /// `Counter64`.
    Counter64,
    /// `TimeTicks`.
    TimeTicks,
    /// `OCTET STRING`.
    OctetString,
    /// `OBJECT IDENTIFIER`.
    ObjectIdentifier,
    /// `IpAddress`.
    IpAddress,
    /// `Opaque`.
    Opaque,
    /// `BITS`.
    Bits,
    /// `NetworkAddress` (SMIv1: a CHOICE of IpAddress).
    NetworkAddress,
    /// `SEQUENCE { ... }`: a row type.
    Sequence,
    /// `SEQUENCE OF`: a table type.
    SequenceOf,
}

impl BaseType {
    /// The name as `smic dump oids` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            BaseType::Integer32 => "Integer32",
            BaseType::Unsigned32 => "Unsigned32",
            BaseType::Gauge32 => "Gauge32",
            BaseType::Counter32 => "Counter32",
            BaseType::Counter64 => "Counter64",
            BaseType::TimeTicks => "TimeTicks",
            BaseType::OctetString => "OCTET STRING",
            BaseType::ObjectIdentifier => "OBJECT IDENTIFIER",
            BaseType::IpAddress => "IpAddress",
            BaseType::Opaque => "Opaque",
            BaseType::Bits => "BITS",
            BaseType::NetworkAddress => "NetworkAddress",
            BaseType::Sequence => "SEQUENCE",
            BaseType::SequenceOf => "SEQUENCE OF",
        }
    }
}

/// A value range or size range, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Bounds {
    /// Lowest value.
    pub min: i128,
    /// Highest value.
    pub max: i128,
}

/// `label(value)` in an enumeration or BITS.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct NamedValue {
    /// The label.
    pub label: String,
    /// The number (bit position for BITS).
    pub value: i64,
}

/// A syntax with everything resolved: base type, the textual convention it uses (if
/// any), and the effective constraints (the innermost refinement wins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Syntax {
    /// The base type.
    pub base: BaseType,
    /// The named type (textual convention or type assignment) it is written with.
    pub named: Option<TypeId>,
    /// Value ranges (integers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Bounds>,
    /// Size ranges (strings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sizes: Vec<Bounds>,
    /// Enumeration labels or BITS positions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<NamedValue>,
    /// For `SEQUENCE OF` and row types: the row type name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
}

impl Syntax {
    /// A bare base type.
    pub fn base(base: BaseType) -> Self {
        Syntax {
            base,
            named: None,
            ranges: Vec::new(),
            sizes: Vec::new(),
            values: Vec::new(),
            entry: None,
        }
    }

    /// A fixed length, when the size constraint allows exactly one.
    pub fn fixed_size(&self) -> Option<u32> {
        match self.sizes.as_slice() {
            [only] if only.min == only.max => u32::try_from(only.min).ok(),
            _ => None,
        }
    }
}

/// A named type: textual convention or plain type assignment.
#[derive(Clone, Debug, Serialize)]
pub struct TypeDef {
    /// The module that defines it.
    pub module: ModuleId,
    /// The type name.
    pub name: String,
    /// Its resolved syntax (with `named` pointing at the parent type, if any).
    pub syntax: Syntax,
    /// Whether it was written as a TEXTUAL-CONVENTION.
    pub textual_convention: bool,
    /// `DISPLAY-HINT`, own or inherited from the parent convention.
    pub display_hint: Option<String>,
    /// `STATUS`.
    pub status: Option<Status>,
    /// `DESCRIPTION`.
    pub description: Option<String>,
    /// `REFERENCE`.
    pub reference: Option<String>,
    /// Where it is defined.
    #[serde(skip)]
    pub span: Span,
}

/// How one INDEX component is encoded in an instance OID (RFC 2578 §7.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "encoding", content = "length")]
pub enum IndexEncoding {
    /// One sub-identifier.
    Integer,
    /// A string of fixed length: that many sub-identifiers.
    FixedString(u32),
    /// A length sub-identifier, then the octets.
    String,
    /// IMPLIED: the octets to the end of the OID.
    ImpliedString,
    /// A length, then the sub-identifiers.
    ObjectIdentifier,
    /// IMPLIED: the sub-identifiers to the end.
    ImpliedObjectIdentifier,
    /// Four sub-identifiers.
    IpAddress,
    /// `NetworkAddress`: a 1 (internet), then four sub-identifiers (RFC 1212).
    NetworkAddress,
}

impl IndexEncoding {
    /// The runtime's name for the same encoding (whose codecs decode instances).
    pub fn to_runtime(self) -> smic_smi::index::IndexEncoding {
        use smic_smi::index::IndexEncoding as R;
        match self {
            IndexEncoding::Integer => R::Integer,
            IndexEncoding::FixedString(n) => R::FixedString(n),
            IndexEncoding::String => R::String,
            IndexEncoding::ImpliedString => R::ImpliedString,
            IndexEncoding::ObjectIdentifier => R::ObjectIdentifier,
            IndexEncoding::ImpliedObjectIdentifier => R::ImpliedObjectIdentifier,
            IndexEncoding::IpAddress => R::IpAddress,
            IndexEncoding::NetworkAddress => R::NetworkAddress,
        }
    }
}

/// One component of a row's index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndexComponent {
    /// The object supplying the value (may live in another table: a foreign index);
    /// `None` for an SMIv1 index written as a type.
    pub object: Option<NodeId>,
    /// The name as written in INDEX.
    pub name: String,
    /// Whether `IMPLIED` precedes it.
    pub implied: bool,
    /// How it is encoded.
    #[serde(flatten)]
    pub encoding: IndexEncoding,
}

/// A default value, as far as it can be understood without the object's syntax.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum DefVal {
    /// A number.
    Integer(i128),
    /// An enumeration label.
    Label(String),
    /// A set of BITS.
    Bits(Vec<String>),
    /// A quoted string.
    Text(String),
    /// Octets from a hex or binary string.
    Bytes(Vec<u8>),
    /// An OID.
    Oid(Oid),
}

/// A named node in the OID tree.
#[derive(Clone, Debug, Serialize)]
pub struct Node {
    /// The module that defines it.
    pub module: ModuleId,
    /// The descriptor.
    pub name: String,
    /// Its absolute OID (empty when it could not be resolved; such nodes are not in the tree).
    pub oid: Oid,
    /// What it is.
    pub kind: NodeKind,
    /// Named only by an arc in another node's OID value (`iso(1)` in `{ iso(1) org(3) }`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
    /// `SYNTAX` of objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub syntax: Option<Syntax>,
    /// `MAX-ACCESS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    /// `STATUS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// `UNITS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
    /// `DESCRIPTION`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `REFERENCE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Rows: the index, resolved (through AUGMENTS too).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub index: Vec<IndexComponent>,
    /// Rows: the row this one augments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub augments: Option<NodeId>,
    /// `DEFVAL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defval: Option<DefVal>,
    /// Notification objects, group members, or the groups a compliance names for its own
    /// module (MANDATORY-GROUPS and conditional GROUP clauses alike).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<NodeId>,
    /// Where it is defined.
    #[serde(skip)]
    pub span: Span,
}

/// Every loaded module, node and type, indexed for lookup.
#[derive(Debug, Default)]
pub struct Model {
    /// Modules in load order.
    pub modules: Vec<Module>,
    /// All named nodes.
    pub nodes: Vec<Node>,
    /// All named types.
    pub types: Vec<TypeDef>,
    module_index: HashMap<String, ModuleId>,
    /// The nodes that have an OID, by OID, then by id; built on first use. Commands
    /// such as `dump oids` never look a node up by OID, and sorting tens of thousands
    /// of OIDs is a visible share of a load.
    by_oid: OnceLock<Vec<NodeId>>,
    /// Every node by name, then by id; built on first use, for the same reason. Sorted
    /// ids rather than a map of owned names: no copy of every name, no list per name.
    by_name: OnceLock<Vec<NodeId>>,
}

impl Model {
    /// A module by name.
    pub fn module_id(&self, name: &str) -> Option<ModuleId> {
        self.module_index.get(name).copied()
    }

    /// A module.
    ///
    /// # Panics
    ///
    /// If `id` was not handed out by this model (ids, like indexes, belong to the
    /// arena that made them).
    #[expect(
        clippy::indexing_slicing,
        reason = "an id is an index this model handed out"
    )]
    pub fn module(&self, id: ModuleId) -> &Module {
        &self.modules[id.0 as usize]
    }

    /// A node.
    ///
    /// # Panics
    ///
    /// If `id` was not handed out by this model.
    #[expect(
        clippy::indexing_slicing,
        reason = "an id is an index this model handed out"
    )]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// A type.
    ///
    /// # Panics
    ///
    /// If `id` was not handed out by this model.
    #[expect(
        clippy::indexing_slicing,
        reason = "an id is an index this model handed out"
    )]
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0 as usize]
    }

    /// `MODULE::name` of a node.
    pub fn qualified_name(&self, id: NodeId) -> String {
        let node = self.node(id);
        format!("{}::{}", self.module(node.module).name, node.name)
    }

    /// The node `name` defined in module `module`.
    pub fn lookup(&self, module: &str, name: &str) -> Option<NodeId> {
        let module = self.module_id(module)?;
        self.lookup_bare(name)
            .iter()
            .copied()
            .find(|&id| self.node(id).module == module)
    }

    /// Every node named `name`, in any module.
    pub fn lookup_bare(&self, name: &str) -> &[NodeId] {
        let by_name = self.by_name.get_or_init(|| {
            let mut ids: Vec<NodeId> = (0..self.nodes.len()).map(|i| NodeId(i as u32)).collect();
            ids.sort_unstable_by(|&a, &b| {
                self.node(a).name.cmp(&self.node(b).name).then(a.cmp(&b))
            });
            ids
        });
        let start = by_name.partition_point(|&id| self.node(id).name.as_str() < name);
        run_from(by_name, start, |id| self.node(id).name == name)
    }

    /// The nodes registered at exactly `oid`.
    pub fn at_oid(&self, oid: &Oid) -> &[NodeId] {
        self.with_arcs(oid.arcs())
    }

    /// The nodes whose OID is exactly `arcs`, from the OID index.
    fn with_arcs(&self, arcs: &[u32]) -> &[NodeId] {
        let by_oid = self.by_oid();
        let start = by_oid.partition_point(|&id| self.node(id).oid.arcs() < arcs);
        run_from(by_oid, start, |id| self.node(id).oid.arcs() == arcs)
    }

    /// The node with the longest OID that is a prefix of `oid` (for instance OIDs). Where
    /// several modules name that OID, an SMIv2 module's name wins over SMIv1 ones
    /// (`SNMPv2-SMI::enterprises`, not `RFC1155-SMI::enterprises`).
    pub fn longest_prefix(&self, oid: &Oid) -> Option<NodeId> {
        let arcs = oid.arcs();
        (1..=arcs.len()).rev().find_map(|n| {
            let ids = self.with_arcs(arcs.get(..n)?);
            let smiv2 =
                |id: &&NodeId| self.module(self.node(**id).module).language == Language::SMIv2;
            ids.iter().find(smiv2).or(ids.first()).copied()
        })
    }

    /// Every registered OID in order, with the nodes at it.
    pub fn tree(&self) -> impl Iterator<Item = (&Oid, &[NodeId])> {
        self.groups(self.by_oid())
    }

    /// The registered OIDs under `prefix` (itself included), in order.
    pub fn subtree<'a>(&'a self, prefix: &'a Oid) -> impl Iterator<Item = (&'a Oid, &'a [NodeId])> {
        let by_oid = self.by_oid();
        let start = by_oid.partition_point(|&id| self.node(id).oid < *prefix);
        self.groups(run_from(by_oid, start, |id| {
            self.node(id).oid.starts_with(prefix)
        }))
    }

    /// Runs of `ids` (sorted by OID) that share an OID, with that OID.
    fn groups<'a>(&'a self, ids: &'a [NodeId]) -> impl Iterator<Item = (&'a Oid, &'a [NodeId])> {
        ids.chunk_by(move |&a, &b| self.node(a).oid == self.node(b).oid)
            .filter_map(move |run| Some((&self.node(*run.first()?).oid, run)))
    }

    /// The OID index: every node with an OID, sorted by OID, then by id.
    fn by_oid(&self) -> &[NodeId] {
        self.by_oid.get_or_init(|| {
            let mut ids: Vec<NodeId> = (0..self.nodes.len())
                .map(|i| NodeId(i as u32))
                .filter(|&id| !self.node(id).oid.is_empty())
                .collect();
            ids.sort_unstable_by(|&a, &b| {
                self.node(a)
                    .oid
                    .arcs()
                    .cmp(self.node(b).oid.arcs())
                    .then(a.cmp(&b))
            });
            ids
        })
    }

    /// Room for `nodes` more nodes, allocated at once (nodes are large; growing the
    /// arena a doubling at a time copies it each time).
    pub(crate) fn reserve_nodes(&mut self, nodes: usize) {
        self.nodes.reserve(nodes);
    }

    pub(crate) fn add_module(&mut self, module: Module) -> ModuleId {
        let id = ModuleId(u32::try_from(self.modules.len()).unwrap_or(u32::MAX));
        self.module_index.insert(module.name.clone(), id);
        self.modules.push(module);
        id
    }

    pub(crate) fn add_node(&mut self, node: Node) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        let module = node.module;
        self.nodes.push(node);
        self.module_mut(module).nodes.push(id);
        id
    }

    pub(crate) fn add_type(&mut self, ty: TypeDef) -> TypeId {
        let id = TypeId(u32::try_from(self.types.len()).unwrap_or(u32::MAX));
        let module = ty.module;
        self.types.push(ty);
        self.module_mut(module).types.push(id);
        id
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "an id is an index this model handed out"
    )]
    fn module_mut(&mut self, id: ModuleId) -> &mut Module {
        &mut self.modules[id.0 as usize]
    }
}

/// The ids of `sorted` from `start` on for which `in_run` holds, up to the first that
/// does not (`in_run` partitions that part of the slice).
fn run_from<T: Copy>(sorted: &[T], start: usize, in_run: impl Fn(T) -> bool) -> &[T] {
    let rest = sorted.get(start..).unwrap_or_default();
    let len = rest.partition_point(|&id| in_run(id));
    rest.get(..len).unwrap_or_default()
}
