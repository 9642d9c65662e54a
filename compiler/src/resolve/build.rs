//! Building the model from parsed modules, in dependency order: symbols, types, OIDs,
//! then what objects are (scalar, table, row, column), their indexes and defaults.
//!
//! Every lookup goes through the module's own definitions and IMPORTS. Reported
//! fallbacks reach further, in this order: a base module that defines the symbol, then
//! any other loaded module (the most imported one); the loader may then load a built-in
//! module that defines a symbol still unknown and build again. The ASN.1 roots `iso`,
//! `ccitt` and `joint-iso-ccitt` are known everywhere without a word, as the SMI says.

// The builder keeps parallel arenas (nodes, their sources, symbol tables and import
// tables per module, type states) and indexes them with the ids it hands out while
// building: an id out of range is a bug in this file, never a property of the input.
#![expect(
    clippy::indexing_slicing,
    reason = "arenas indexed by the ids this builder hands out"
)]

use std::cell::Cell;

use super::BASE_MODULES;
use crate::diagnostic::{Code, Diagnostic, FileId, Span};
use crate::hash::{HashMap, HashSet, map_with_capacity};
use crate::model::{
    Access, BaseType, Bounds, DefVal, IndexComponent, IndexEncoding, Model, Module, ModuleId,
    NamedValue, Node, NodeId, NodeKind, Oid, Status, Syntax, TypeDef, TypeId,
};
use crate::syntax::Module as Ast;
use crate::syntax::ast::{
    self, BracedItem, ComplianceItem, Constraint, Definition, Ident, OidComponent, RangeValue,
    SyntaxKind, Value,
};

/// What [`build`] produced.
pub(super) struct Built {
    pub(super) model: Model,
    pub(super) diagnostics: Vec<(String, Diagnostic)>,
    /// Symbols no loaded module defines: the loader may find them in built-in modules.
    pub(super) unknown: Vec<String>,
    /// Nodes made from definitions, with the definition's index in its module's syntax
    /// tree (what [`move_texts`] needs).
    pub(super) origins: Vec<(NodeId, usize)>,
}

/// Builds the model of `order` (dependency order) from `parsed`.
pub(super) fn build(order: &[String], parsed: &HashMap<String, (FileId, Ast)>) -> Built {
    let mut builder = Builder::default();
    let asts: Vec<(FileId, &Ast)> = order
        .iter()
        .filter_map(|name| parsed.get(name))
        .map(|(file, ast)| (*file, ast))
        .collect();
    // Nodes are large: the arena is sized for one per definition (named arcs add a few
    // more), rather than doubled and copied on the way.
    let nodes = asts.iter().map(|(_, ast)| ast.definitions.len()).sum();
    builder.model.reserve_nodes(nodes);
    builder.sources.reserve(nodes);
    for (file, ast) in asts {
        builder.register(file, ast);
    }
    builder.resolve_types();
    builder.resolve_oids();
    builder.resolve_objects();
    Built {
        model: builder.model,
        diagnostics: builder.diagnostics,
        unknown: builder.unknown,
        origins: builder.origins,
    }
}

/// Moves the names and descriptive texts (DESCRIPTION, REFERENCE, UNITS and the module
/// identity's clauses) of the definitions in `origins` from the syntax trees into the
/// model.
///
/// The build only borrows the trees, and may run twice (see `Loader::load`); once its
/// model is final the trees are done with, and moving tens of thousands of descriptions
/// costs nothing where copying them cost megabytes of fresh memory.
pub(super) fn move_texts(
    model: &mut Model,
    origins: &[(NodeId, usize)],
    parsed: &mut HashMap<String, (FileId, Ast)>,
) {
    // A module's nodes are contiguous: its tree is looked up once per run of them.
    let mut current: Option<(ModuleId, Option<&mut Ast>)> = None;
    for &(id, index) in origins {
        let module = model.nodes[id.0 as usize].module;
        if current.as_ref().is_none_or(|(m, _)| *m != module) {
            let ast = parsed
                .get_mut(&model.modules[module.0 as usize].name)
                .map(|(_, ast)| ast);
            current = Some((module, ast));
        }
        let Some((_, Some(ast))) = current.as_mut() else {
            continue;
        };
        let Some(definition) = ast.definitions.get_mut(index) else {
            continue;
        };
        model.nodes[id.0 as usize].name = std::mem::take(&mut definition.name_mut().name);
        let text = |t: &mut Option<ast::Text>| t.take().map(|t| t.value);
        let describe = |node: &mut Node, description: &mut Option<ast::Text>, reference| {
            node.description = text(description);
            node.reference = text(reference);
        };
        let node = &mut model.nodes[id.0 as usize];
        match definition {
            Definition::ModuleIdentity(d) => {
                let description = text(&mut d.description);
                node.description.clone_from(&description);
                let info = &mut model.modules[module.0 as usize];
                info.last_updated = text(&mut d.last_updated);
                info.organization = text(&mut d.organization);
                info.contact_info = text(&mut d.contact_info);
                info.description = description;
                info.revisions = d
                    .revisions
                    .iter_mut()
                    .map(|r| {
                        (
                            std::mem::take(&mut r.date.value),
                            r.description.take().map_or(String::new(), |t| t.value),
                        )
                    })
                    .collect();
            }
            Definition::ObjectType(d) => {
                node.units = d.units.take().map(|t| t.value);
                describe(node, &mut d.description, &mut d.reference);
            }
            // The macros whose descriptive clauses are DESCRIPTION and REFERENCE.
            Definition::TrapType(d) => describe(node, &mut d.description, &mut d.reference),
            Definition::ObjectIdentity(d) => describe(node, &mut d.description, &mut d.reference),
            Definition::NotificationType(d) => {
                describe(node, &mut d.description, &mut d.reference);
            }
            Definition::ObjectGroup(d) | Definition::NotificationGroup(d) => {
                describe(node, &mut d.description, &mut d.reference);
            }
            Definition::ModuleCompliance(d) => {
                describe(node, &mut d.description, &mut d.reference);
            }
            Definition::AgentCapabilities(d) => {
                describe(node, &mut d.description, &mut d.reference);
            }
            _ => {}
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Symbol {
    Node(NodeId),
    Type(TypeId),
    /// A macro (OBJECT-TYPE, ...) or a non-OID value: importable, not usable as a node or type.
    Other,
}

/// How a node's OID is computed: arcs (kept in one list for all nodes, see
/// `resolve_oids`) under the root or under another node.
#[derive(Clone, Copy, Debug)]
enum Dep {
    Root,
    Node(NodeId),
    Fail,
}

/// A symbol in IMPORTS.
struct Import<'a> {
    /// The module it is imported from.
    from: &'a str,
    /// Where the symbol stands in the IMPORTS clause.
    span: Span,
    /// What it resolved to, once looked up.
    resolved: Cell<Option<Option<Symbol>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Todo,
    Busy,
    Done,
    Failed,
}

/// Where a node's definition came from.
struct Source<'a> {
    /// OID components to evaluate, the trap number whose `0, n` follows them
    /// (TRAP-TYPE), and where the value stands.
    oid: Option<(Components<'a>, Option<u32>, Span)>,
    definition: Option<&'a Definition>,
}

/// OID components as written, borrowed from the syntax tree: an OID value, a value
/// assignment's braced value, or a dotted OID. A node and every arc it names hold a
/// prefix of the same list, so copying them would cost a list per arc.
#[derive(Clone, Copy)]
enum Components<'a> {
    Oid(&'a [OidComponent]),
    /// Braced items with no nested braces (those are not OID values).
    Braced(&'a [BracedItem]),
    Dotted(&'a [u32], Span),
}

/// One OID component, wherever it was written.
#[derive(Clone, Copy)]
enum Component<'a> {
    /// `n`.
    Number(ast::Number),
    /// `name(n)`.
    NamedNumber(&'a Ident, ast::Number),
    /// `name` or `MODULE.name`.
    Name {
        module: Option<&'a Ident>,
        name: &'a Ident,
    },
}

impl<'a> Components<'a> {
    fn len(&self) -> usize {
        match self {
            Components::Oid(all) => all.len(),
            Components::Braced(all) => all.len(),
            Components::Dotted(all, _) => all.len(),
        }
    }

    /// The first `len` components.
    fn prefix(&self, len: usize) -> Self {
        match *self {
            Components::Oid(all) => Components::Oid(&all[..len.min(all.len())]),
            Components::Braced(all) => Components::Braced(&all[..len.min(all.len())]),
            Components::Dotted(all, span) => Components::Dotted(&all[..len.min(all.len())], span),
        }
    }

    fn iter(&self) -> impl Iterator<Item = Component<'a>> + use<'a> {
        let this = *self;
        (0..this.len()).map(move |i| this.get(i))
    }

    fn get(&self, i: usize) -> Component<'a> {
        match *self {
            Components::Oid(all) => match &all[i] {
                OidComponent::Number(n) => Component::Number(*n),
                OidComponent::NamedNumber(name, n) => Component::NamedNumber(name, *n),
                OidComponent::Name { module, name } => Component::Name {
                    module: module.as_ref(),
                    name,
                },
            },
            Components::Braced(all) => match &all[i] {
                BracedItem::Number(n) => Component::Number(*n),
                BracedItem::NamedNumber(name, n) => Component::NamedNumber(name, *n),
                BracedItem::Name(name) => Component::Name { module: None, name },
                // Ruled out when the components were taken (see `register_definition`).
                BracedItem::Braced(_, span) => Component::Number(ast::Number {
                    value: -1,
                    span: *span,
                }),
            },
            Components::Dotted(all, span) => Component::Number(ast::Number {
                value: i128::from(all[i]),
                span,
            }),
        }
    }
}

#[derive(Default)]
struct Builder<'a> {
    model: Model,
    files: Vec<FileId>,
    /// Each module's own definitions, by name (borrowed from the syntax tree).
    symbols: Vec<HashMap<&'a str, Symbol>>,
    /// Each module's IMPORTS, by symbol.
    imports: Vec<HashMap<&'a str, Import<'a>>>,
    sources: Vec<Source<'a>>,
    types: Vec<(&'a ast::Syntax, Option<&'a ast::TextualConvention>)>,
    type_state: Vec<State>,
    diagnostics: Vec<(String, Diagnostic)>,
    /// (module, symbol) fallbacks already reported, so each is said once.
    reported: HashSet<(ModuleId, String)>,
    /// Names found nowhere.
    unknown: Vec<String>,
    /// Types being resolved, outermost first (to name a loop).
    type_stack: Vec<TypeId>,
    /// Nodes made from definitions, with the definition's index in its module.
    origins: Vec<(NodeId, usize)>,
}

impl<'a> Builder<'a> {
    fn report(&mut self, module: ModuleId, diagnostic: Diagnostic) {
        let file = self.files[module.0 as usize];
        let name = self.model.module(module).name.clone();
        self.diagnostics.push((name, diagnostic.in_file(file)));
    }

    // ------------------------------------------------------------------ symbols

    fn register(&mut self, file: FileId, ast: &'a Ast) {
        let is_base = BASE_MODULES.contains(&ast.name.name.as_str());
        let module = self.model.add_module(Module {
            name: ast.name.name.clone(),
            file: Some(file),
            path: String::new(),
            language: ast.language,
            imports: ast
                .imports
                .iter()
                .map(|i| {
                    (
                        i.from.name.clone(),
                        i.symbols.iter().map(|s| s.name.clone()).collect(),
                    )
                })
                .collect(),
            identity: None,
            last_updated: None,
            organization: None,
            contact_info: None,
            description: None,
            revisions: Vec::new(),
            nodes: Vec::new(),
            types: Vec::new(),
            is_base,
        });
        self.files.push(file);
        let mut imports = map_with_capacity(ast.imports.iter().map(|i| i.symbols.len()).sum());
        for import in &ast.imports {
            for symbol in &import.symbols {
                imports.entry(symbol.name.as_str()).or_insert(Import {
                    from: import.from.name.as_str(),
                    span: symbol.span,
                    resolved: Cell::new(None),
                });
            }
        }
        self.imports.push(imports);
        self.symbols.push(map_with_capacity(ast.definitions.len()));
        self.model.modules[module.0 as usize]
            .nodes
            .reserve(ast.definitions.len());

        let first = self.model.nodes.len();
        for (i, definition) in ast.definitions.iter().enumerate() {
            self.register_definition(module, i, definition);
        }
        // Named arcs (`iso(1) org(3)`) name nodes too, unless the module defines the name.
        // The module's nodes so far are those its definitions just added.
        for owner in first..self.model.nodes.len() {
            let Some((components, _, span)) = self.sources[owner].oid else {
                continue;
            };
            if components.len() > MAX_OID_ARCS {
                continue; // the owner fails with a length error; naming its arcs would cost quadratic memory
            }
            for (i, component) in components.iter().enumerate() {
                let Component::NamedNumber(name, _) = component else {
                    continue;
                };
                if self.symbols[module.0 as usize].contains_key(name.name.as_str()) {
                    continue;
                }
                let node = self.new_node(module, name.name.clone(), NodeKind::Node, name.span);
                self.model.nodes[node.0 as usize].implicit = true;
                self.sources.push(Source {
                    oid: Some((components.prefix(i + 1), None, span)),
                    definition: None,
                });
                self.symbols[module.0 as usize].insert(name.name.as_str(), Symbol::Node(node));
            }
        }
    }

    fn new_node(&mut self, module: ModuleId, name: String, kind: NodeKind, span: Span) -> NodeId {
        self.model.add_node(Node {
            module,
            name,
            oid: Oid::default(),
            kind,
            implicit: false,
            syntax: None,
            access: None,
            status: None,
            units: None,
            description: None,
            reference: None,
            index: Vec::new(),
            augments: None,
            defval: None,
            members: Vec::new(),
            span,
        })
    }

    fn define(&mut self, module: ModuleId, name: &'a Ident, symbol: Symbol) -> bool {
        let table = &mut self.symbols[module.0 as usize];
        if let Some(first) = table.get(name.name.as_str()).copied() {
            let first_span = match first {
                Symbol::Node(id) => Some(self.model.node(id).span),
                Symbol::Type(id) => Some(self.model.ty(id).span),
                Symbol::Other => None,
            };
            let mut diagnostic = Diagnostic::new(
                Code::DuplicateDefinition,
                format!("`{}` is defined twice in this module", name.name),
            )
            .at(name.span, "defined again here")
            .help("rename or remove one definition; the first is used");
            if let Some(span) = first_span {
                diagnostic = diagnostic.also(span, "first defined here");
            }
            self.report(module, diagnostic);
            return false;
        }
        table.insert(name.name.as_str(), symbol);
        true
    }

    /// Registers definition `index` of `module`'s syntax tree.
    fn register_definition(&mut self, module: ModuleId, index: usize, definition: &'a Definition) {
        let name = definition.name();
        let oid_of =
            |value: &'a ast::OidValue| Some((Components::Oid(&value.components), None, value.span));
        let (kind, oid) = match definition {
            Definition::ModuleIdentity(d) => (NodeKind::ModuleIdentity, oid_of(&d.oid)),
            Definition::ObjectIdentity(d) => (NodeKind::ObjectIdentity, oid_of(&d.oid)),
            Definition::ObjectType(d) => (NodeKind::Scalar, oid_of(&d.oid)),
            Definition::NotificationType(d) => (NodeKind::Notification, oid_of(&d.oid)),
            Definition::TrapType(d) => {
                // RFC 3584 §3: a trap's SNMPv2 OID is its enterprise, then 0, then its number.
                let number = d.number.and_then(|n| u32::try_from(n.value).ok());
                let oid = match (&d.enterprise, number) {
                    (Some(enterprise), Some(n)) => Some((
                        Components::Oid(&enterprise.components),
                        Some(n),
                        enterprise.span,
                    )),
                    _ => None,
                };
                (NodeKind::Trap, oid)
            }
            Definition::ObjectGroup(d) => (NodeKind::ObjectGroup, oid_of(&d.oid)),
            Definition::NotificationGroup(d) => (NodeKind::NotificationGroup, oid_of(&d.oid)),
            Definition::ModuleCompliance(d) => (NodeKind::Compliance, oid_of(&d.oid)),
            Definition::AgentCapabilities(d) => (NodeKind::Capabilities, oid_of(&d.oid)),
            Definition::ValueAssignment(d) => {
                let components = match (&d.syntax.kind, &d.value) {
                    // Nested braces are not an OID value.
                    (SyntaxKind::ObjectIdentifier, Value::Braced(items, _))
                        if !items.iter().any(|i| matches!(i, BracedItem::Braced(..))) =>
                    {
                        Some(Components::Braced(items))
                    }
                    (SyntaxKind::ObjectIdentifier, Value::DottedOid(arcs, span)) => {
                        Some(Components::Dotted(arcs, *span))
                    }
                    _ => None,
                };
                match components {
                    Some(components) => (NodeKind::Node, Some((components, None, d.value_span()))),
                    None => {
                        self.define(module, name, Symbol::Other);
                        return;
                    }
                }
            }
            Definition::TypeAssignment(d) => {
                self.register_type(module, name, &d.syntax, None, name.span);
                return;
            }
            Definition::TextualConvention(d) => {
                self.register_type(module, name, &d.syntax, Some(d), name.span);
                return;
            }
            Definition::Macro(_) => {
                self.define(module, name, Symbol::Other);
                return;
            }
        };
        let id = NodeId(self.model.nodes.len() as u32);
        if !self.define(module, name, Symbol::Node(id)) {
            return;
        }
        // The name is moved from the tree at the end (see `move_texts`), not copied.
        let node = self.new_node(module, String::new(), kind, name.span);
        self.sources.push(Source {
            oid,
            definition: Some(definition),
        });
        self.describe(module, node, definition);
        self.origins.push((node, index));
    }

    fn register_type(
        &mut self,
        module: ModuleId,
        name: &'a Ident,
        syntax: &'a ast::Syntax,
        tc: Option<&'a ast::TextualConvention>,
        span: Span,
    ) {
        let id = TypeId(self.model.types.len() as u32);
        if !self.define(module, name, Symbol::Type(id)) {
            return;
        }
        self.model.add_type(TypeDef {
            module,
            name: name.name.clone(),
            syntax: Syntax::base(BaseType::Opaque),
            textual_convention: tc.is_some(),
            display_hint: tc
                .and_then(|t| t.display_hint.as_ref())
                .map(|t| t.value.clone()),
            status: tc
                .and_then(|t| t.status.as_ref())
                .and_then(|s| Status::parse(&s.name)),
            description: tc
                .and_then(|t| t.description.as_ref())
                .map(|t| t.value.clone()),
            reference: tc
                .and_then(|t| t.reference.as_ref())
                .map(|t| t.value.clone()),
            span,
        });
        self.types.push((syntax, tc));
        self.type_state.push(State::Todo);
    }

    /// Takes the status and access of a definition onto its node (its texts come later,
    /// see [`move_texts`]).
    fn describe(&mut self, module: ModuleId, id: NodeId, definition: &'a Definition) {
        let status = |s: &Option<Ident>| s.as_ref().and_then(|s| Status::parse(&s.name));
        let node = &mut self.model.nodes[id.0 as usize];
        match definition {
            Definition::ModuleIdentity(_) => {
                self.model.modules[module.0 as usize].identity = Some(id);
            }
            Definition::ObjectType(d) => {
                node.status = status(&d.status);
                node.access = d.access.as_ref().and_then(|a| Access::parse(&a.value.name));
            }
            Definition::ObjectIdentity(d) => node.status = status(&d.status),
            Definition::NotificationType(d) => node.status = status(&d.status),
            Definition::ObjectGroup(d) | Definition::NotificationGroup(d) => {
                node.status = status(&d.status);
            }
            Definition::ModuleCompliance(d) => node.status = status(&d.status),
            Definition::AgentCapabilities(d) => node.status = status(&d.status),
            _ => {}
        }
    }

    /// Resolves `name` as used in `module`: own definitions, then IMPORTS, then the
    /// reported base-module fallback. Unknown names return `None` (the caller reports).
    fn lookup(&mut self, module: ModuleId, name: &str, span: Span) -> Option<Symbol> {
        let m = module.0 as usize;
        if let Some(&symbol) = self.symbols[m].get(name) {
            return Some(symbol);
        }
        if let Some(import) = self.imports[m].get(name) {
            if let Some(resolved) = import.resolved.get() {
                return resolved;
            }
            let (from, import_span) = (import.from, import.span);
            let resolved = self.resolve_import(module, name, from, import_span);
            if let Some(import) = self.imports[m].get(name) {
                import.resolved.set(Some(resolved));
            }
            return resolved;
        }
        let (base, symbol) = match self.in_base_module(name) {
            Some(found) => found,
            None => self.in_any_module(module, name)?,
        };
        if self.reported.insert((module, name.to_string())) {
            let diagnostic = Diagnostic::new(
                Code::UnimportedSymbol,
                format!("`{name}` is used without being imported; found in {base}"),
            )
            .at(span, "not imported")
            .help(format!("add `{name}` to the IMPORTS FROM {base}"));
            self.report(module, diagnostic);
        }
        Some(symbol)
    }

    /// Resolves `name`, imported by `module` from `from`. The answer is the same at every
    /// use (the symbol tables are complete before anything is looked up, and each
    /// finding is reported once), so `lookup` keeps it with the import.
    fn resolve_import(
        &mut self,
        module: ModuleId,
        name: &str,
        from: &str,
        import_span: Span,
    ) -> Option<Symbol> {
        let Some(source) = self.model.module_id(from) else {
            return None; // the module is missing: said once, where it is imported
        };
        if let Some(symbol) = self.exported(source, name, 0) {
            return Some(symbol);
        }
        if let Some((base, symbol)) = self
            .in_base_module(name)
            .or_else(|| self.in_any_module(module, name))
        {
            if self.reported.insert((module, format!("import:{name}"))) {
                let diagnostic = Diagnostic::new(
                    Code::ImportFromWrongModule,
                    format!("{from} does not define `{name}`; {base} does, and is used"),
                )
                .at(import_span, format!("imported from {from}"))
                .help(format!("import `{name}` FROM {base}"));
                self.report(module, diagnostic);
            }
            return Some(symbol);
        }
        if name == "UInteger32" {
            return None; // a historic type: the caller maps it and says so
        }
        if self.reported.insert((module, format!("import:{name}"))) {
            let diagnostic = Diagnostic::new(
                Code::ImportNotFound,
                format!("{from} does not define `{name}`"),
            )
            .at(import_span, format!("imported from {from}"))
            .help(match super::builtin::defining(name).next() {
                Some(definer) => format!("{definer} defines `{name}`: import it from there"),
                None => format!(
                    "check the spelling, or import `{name}` from the module that defines it"
                ),
            });
            self.report(module, diagnostic);
        }
        None
    }

    /// `name` as `module` offers it: defined there, or imported by it (a re-export that
    /// vendors rely on and the SMI tolerates).
    fn exported(&self, module: ModuleId, name: &str, depth: usize) -> Option<Symbol> {
        let m = module.0 as usize;
        if let Some(&symbol) = self.symbols[m].get(name) {
            return Some(symbol);
        }
        let from = self.imports[m].get(name)?.from;
        let source = self.model.module_id(from)?;
        if depth >= 8 || source == module {
            return None;
        }
        self.exported(source, name, depth + 1)
    }

    /// The last resort, as net-snmp's global namespace would have it: another loaded
    /// module that defines `name`.
    fn in_any_module(&self, module: ModuleId, name: &str) -> Option<(String, Symbol)> {
        // Among several, the module most imported by the IETF set is the likeliest meant
        // (IF-MIB's InterfaceIndex, not DECNET-PHIV-MIB's).
        let (i, symbol) = self
            .symbols
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != module.0 as usize)
            .filter_map(|(i, table)| {
                table
                    .get(name)
                    .filter(|s| !matches!(s, Symbol::Other))
                    .map(|&s| (i, s))
            })
            .max_by_key(|&(i, _)| {
                (
                    super::builtin::popularity(&self.model.modules[i].name),
                    std::cmp::Reverse(i),
                )
            })?;
        Some((self.model.modules[i].name.clone(), symbol))
    }

    fn in_base_module(&self, name: &str) -> Option<(String, Symbol)> {
        BASE_MODULES.iter().find_map(|base| {
            let id = self.model.module_id(base)?;
            self.symbols[id.0 as usize]
                .get(name)
                .map(|&s| (base.to_string(), s))
        })
    }

    /// `UInteger32`, from the 1993 SNMPv2 SMI (RFC 1442), became `Unsigned32`.
    fn historic_type(&mut self, module: ModuleId, name: &Ident) -> Option<TypeId> {
        if name.name != "UInteger32" {
            return None;
        }
        let smi = self.model.module_id("SNMPv2-SMI")?;
        let Some(&Symbol::Type(id)) = self.symbols[smi.0 as usize].get("Unsigned32") else {
            return None;
        };
        if self.reported.insert((module, "historic:UInteger32".into())) {
            let diagnostic = Diagnostic::new(
                Code::HistoricType,
                "`UInteger32` is from the 1993 SNMPv2 SMI (RFC 1442); read as Unsigned32",
            )
            .at(name.span, "historic type")
            .help("write `Unsigned32` and import it from SNMPv2-SMI");
            self.report(module, diagnostic);
        }
        Some(id)
    }

    fn unknown(&mut self, module: ModuleId, name: &Ident, what: &str) {
        // An imported name that did not resolve was reported at its import (missing module,
        // or a module that does not define it); saying it again at every use is noise.
        if self.imports[module.0 as usize].contains_key(name.name.as_str()) {
            self.unknown.push(name.name.clone());
            return;
        }
        if !self
            .reported
            .insert((module, format!("unknown:{}", name.name)))
        {
            return;
        }
        self.unknown.push(name.name.clone());
        let diagnostic = Diagnostic::new(
            Code::UnknownSymbol,
            format!("unknown {what} `{}`", name.name),
        )
        .at(name.span, "not defined in this module nor imported")
        .help(format!(
            "define `{}` or add it to IMPORTS from the module that defines it",
            name.name
        ));
        self.report(module, diagnostic);
    }

    fn node_symbol(&mut self, module: ModuleId, name: &Ident, what: &str) -> Option<NodeId> {
        match self.lookup(module, &name.name, name.span) {
            Some(Symbol::Node(id)) => Some(id),
            Some(_) => {
                let diagnostic = Diagnostic::new(
                    Code::WrongKind,
                    format!(
                        "`{}` is a type or macro, not an object or OID name",
                        name.name
                    ),
                )
                .at(
                    name.span,
                    format!("{} {what} is expected here", article(what)),
                )
                .help("name an object, notification or OID registration here");
                self.report(module, diagnostic);
                None
            }
            None => {
                self.unknown(module, name, what);
                None
            }
        }
    }

    // ------------------------------------------------------------------ types

    fn resolve_types(&mut self) {
        for i in 0..self.model.types.len() {
            self.resolve_type(TypeId(i as u32), 0);
        }
    }

    fn resolve_type(&mut self, id: TypeId, depth: usize) -> bool {
        let i = id.0 as usize;
        match self.type_state[i] {
            State::Done => return true,
            State::Failed => return false,
            State::Busy => {
                let ty = self.model.ty(id);
                let (module, span) = (ty.module, ty.span);
                let start = self.type_stack.iter().position(|&t| t == id).unwrap_or(0);
                let mut names: Vec<String> = self.type_stack[start..]
                    .iter()
                    .map(|&t| self.model.ty(t).name.clone())
                    .collect();
                names.push(self.model.ty(id).name.clone());
                let diagnostic = Diagnostic::new(
                    Code::TypeCycle,
                    format!(
                        "types are defined in terms of each other: {}",
                        names.join(" → ")
                    ),
                )
                .at(span, "part of the loop")
                .help("a type must end in a base type (INTEGER, OCTET STRING, ...)");
                self.report(module, diagnostic);
                self.type_state[i] = State::Failed;
                return false;
            }
            State::Todo => {}
        }
        if depth > MAX_TYPE_DEPTH {
            let ty = self.model.ty(id);
            let (module, span, name) = (ty.module, ty.span, ty.name.clone());
            let diagnostic = Diagnostic::new(
                Code::TypeTooDeep,
                format!("type `{name}` is derived through more than {MAX_TYPE_DEPTH} types"),
            )
            .at(span, "too deep")
            .help("textual conventions refine a base type in a step or two");
            self.report(module, diagnostic);
            self.type_state[i] = State::Failed;
            return false;
        }
        self.type_state[i] = State::Busy;
        self.type_stack.push(id);
        let (syntax, _) = self.types[i];
        let module = self.model.ty(id).module;
        let resolved = self.syntax(module, syntax, depth + 1);
        self.type_stack.pop();
        let Some(mut resolved) = resolved else {
            self.type_state[i] = State::Failed;
            return false;
        };
        let ty = &self.model.types[i];
        if self.model.modules[module.0 as usize].is_base {
            if let Some(base) = application_type(&ty.name) {
                resolved.base = base;
                resolved.named = None;
            }
        }
        let inherited_hint = resolved
            .named
            .and_then(|parent| self.model.ty(parent).display_hint.clone());
        let ty = &mut self.model.types[i];
        ty.syntax = resolved;
        if ty.display_hint.is_none() {
            ty.display_hint = inherited_hint;
        }
        if self.type_state[i] == State::Busy {
            self.type_state[i] = State::Done;
        }
        self.type_state[i] == State::Done
    }

    /// Resolves a syntax as written in `module`.
    fn syntax(
        &mut self,
        module: ModuleId,
        syntax: &'a ast::Syntax,
        depth: usize,
    ) -> Option<Syntax> {
        Some(match &syntax.kind {
            SyntaxKind::Integer { named, constraint } => {
                let mut s = Syntax::base(BaseType::Integer32);
                s.values = named_values(named);
                self.constrain(&mut s, constraint.as_deref());
                s
            }
            SyntaxKind::OctetString { constraint } => {
                let mut s = Syntax::base(BaseType::OctetString);
                self.constrain(&mut s, constraint.as_deref());
                s
            }
            SyntaxKind::ObjectIdentifier => Syntax::base(BaseType::ObjectIdentifier),
            SyntaxKind::Bits { named } => {
                let mut s = Syntax::base(BaseType::Bits);
                s.values = named_values(named);
                s
            }
            SyntaxKind::Sequence(_) => Syntax::base(BaseType::Sequence),
            SyntaxKind::SequenceOf(entry) => {
                let mut s = Syntax::base(BaseType::SequenceOf);
                if let SyntaxKind::Named { name, .. } = &entry.kind {
                    s.entry = Some(name.name.clone());
                }
                s
            }
            SyntaxKind::Choice(_) => Syntax::base(BaseType::Opaque),
            SyntaxKind::Named {
                module: qualifier,
                name,
                named,
                constraint,
            } => {
                let found = match qualifier {
                    Some(q) => self
                        .model
                        .module_id(&q.name)
                        .and_then(|m| self.exported(m, &name.name, 0)),
                    None => self.lookup(module, &name.name, name.span),
                };
                let id = match found {
                    Some(Symbol::Type(id)) => id,
                    Some(_) => {
                        let diagnostic = Diagnostic::new(
                            Code::WrongKind,
                            format!("`{}` is not a type", name.name),
                        )
                        .at(name.span, "a type is expected here");
                        self.report(module, diagnostic);
                        return None;
                    }
                    None => match self.historic_type(module, name) {
                        Some(id) => id,
                        None => {
                            self.unknown(module, name, "type");
                            return None;
                        }
                    },
                };
                if !self.resolve_type(id, depth) {
                    return None;
                }
                let mut s = self.model.ty(id).syntax.clone();
                s.named = Some(id);
                if s.base == BaseType::Sequence {
                    s.entry = Some(name.name.clone());
                }
                if !named.is_empty() {
                    s.values = named_values(named);
                }
                self.constrain(&mut s, constraint.as_deref());
                s
            }
        })
    }

    fn constrain(&mut self, syntax: &mut Syntax, constraint: Option<&Constraint>) {
        match constraint {
            Some(Constraint::Size(ranges, _)) => syntax.sizes = bounds(ranges, (0, 65535)),
            Some(Constraint::Range(ranges, _)) => {
                syntax.ranges = bounds(ranges, limits(syntax.base))
            }
            None => {}
        }
    }

    // ------------------------------------------------------------------ OIDs

    fn resolve_oids(&mut self) {
        let count = self.model.nodes.len();
        // Each node's arcs below its parent, all in one list: a list per node would be
        // tens of thousands of small allocations.
        let mut arcs: Vec<u32> = Vec::with_capacity(count * 2);
        let deps: Vec<(Dep, std::ops::Range<usize>)> = (0..count)
            .map(|i| {
                let start = arcs.len();
                let dep = self.dependency(NodeId(i as u32), &mut arcs);
                if matches!(dep, Dep::Fail) {
                    arcs.truncate(start);
                }
                (dep, start..arcs.len())
            })
            .collect();
        let mut state = vec![State::Todo; count];
        for start in 0..count {
            let mut stack = vec![start];
            while let Some(&n) = stack.last() {
                match state[n] {
                    State::Done | State::Failed => {
                        stack.pop();
                        continue;
                    }
                    State::Todo | State::Busy => {}
                }
                let (dep, ref range) = deps[n];
                let oid = match dep {
                    Dep::Fail => None,
                    Dep::Root => Some(Oid::from_vec(arcs[range.clone()].to_vec())),
                    Dep::Node(parent) => {
                        let p = parent.0 as usize;
                        match state[p] {
                            State::Done => {
                                let parent = self.model.nodes[p].oid.arcs();
                                let mut oid = Vec::with_capacity(parent.len() + range.len());
                                oid.extend_from_slice(parent);
                                oid.extend_from_slice(&arcs[range.clone()]);
                                Some(Oid::from_vec(oid))
                            }
                            State::Failed => None,
                            State::Todo => {
                                state[n] = State::Busy;
                                stack.push(p);
                                continue;
                            }
                            State::Busy => {
                                self.report_cycle(&stack, p);
                                for &member in &stack {
                                    state[member] = State::Failed;
                                }
                                stack.clear();
                                continue;
                            }
                        }
                    }
                };
                state[n] = match oid {
                    Some(oid) if oid.len() > MAX_OID_ARCS => {
                        self.report_too_long(n, oid.len());
                        State::Failed
                    }
                    Some(oid) => {
                        self.model.nodes[n].oid = oid;
                        State::Done
                    }
                    None => State::Failed,
                };
                stack.pop();
            }
        }
    }

    /// A node's name while the model is built: those of definitions are moved into the
    /// model only once it is final (see [`move_texts`]).
    fn node_name(&self, n: usize) -> &str {
        match self.sources[n].definition {
            Some(definition) => &definition.name().name,
            None => &self.model.nodes[n].name,
        }
    }

    fn report_too_long(&mut self, n: usize, len: usize) {
        let node = &self.model.nodes[n];
        let (module, span) = (node.module, node.span);
        let name = self.node_name(n).to_string();
        let diagnostic = Diagnostic::new(
            Code::InvalidOid,
            format!("the OID of `{name}` has {len} arcs; at most {MAX_OID_ARCS} are allowed"),
        )
        .at(span, "registered too deep")
        .help("RFC 2578 §3.5 limits OIDs to 128 sub-identifiers; register it closer to the root");
        self.report(module, diagnostic);
    }

    fn report_cycle(&mut self, stack: &[usize], back_to: usize) {
        let start = stack.iter().position(|&n| n == back_to).unwrap_or(0);
        let mut names: Vec<String> = stack[start..]
            .iter()
            .map(|&n| self.node_name(n).to_string())
            .collect();
        names.push(self.node_name(back_to).to_string());
        let node = &self.model.nodes[back_to];
        let (module, span) = (node.module, node.span);
        let diagnostic = Diagnostic::new(
            Code::OidCycle,
            format!("OID assignments loop: {}", names.join(" → ")),
        )
        .at(span, "its OID depends on itself")
        .help("one of these must be registered under a node outside the loop");
        self.report(module, diagnostic);
    }

    /// What a node's OID hangs from, looked up once; its arcs below that go to `arcs`
    /// (the caller drops them if the answer is `Fail`).
    fn dependency(&mut self, id: NodeId, arcs: &mut Vec<u32>) -> Dep {
        let module = self.model.node(id).module;
        let Some((components, trap, span)) = self.sources[id.0 as usize].oid else {
            return Dep::Fail;
        };
        if components.len() == 0 {
            let diagnostic = Diagnostic::new(Code::InvalidOid, "empty OID value")
                .at(span, "nothing between the braces");
            self.report(module, diagnostic);
            return Dep::Fail;
        }
        // A slot for the first arc, filled in if the value starts with a number or a root.
        let slot = arcs.len();
        arcs.push(0);
        for component in components.iter().skip(1) {
            match component {
                Component::Number(n) | Component::NamedNumber(_, n) => {
                    match u32::try_from(n.value) {
                        Ok(arc) => arcs.push(arc),
                        Err(_) => return Dep::Fail, // reported by the parser
                    }
                }
                Component::Name { name, .. } => {
                    let diagnostic = Diagnostic::new(
                        Code::InvalidOid,
                        format!(
                            "`{}` cannot follow the first component of an OID value",
                            name.name
                        ),
                    )
                    .at(name.span, "only numbers or `name(number)` may follow")
                    .help(format!(
                        "write `{}(n)` with its number, or define it separately",
                        name.name
                    ));
                    self.report(module, diagnostic);
                    return Dep::Fail;
                }
            }
        }
        // RFC 3584 §3: a trap's SNMPv2 OID is its enterprise, then 0, then its number.
        if let Some(n) = trap {
            arcs.extend([0, n]);
        }
        let root = |arcs: &mut Vec<u32>, arc: u32| {
            arcs[slot] = arc;
            Dep::Root
        };
        match components.get(0) {
            Component::Number(n) | Component::NamedNumber(_, n) => match u32::try_from(n.value) {
                Ok(arc) => root(arcs, arc),
                Err(_) => Dep::Fail,
            },
            Component::Name {
                module: qualifier,
                name,
            } => {
                let found = match qualifier {
                    Some(q) => match self.model.module_id(&q.name) {
                        Some(m) => self.exported(m, &name.name, 0),
                        None => None,
                    },
                    None => self.lookup(module, &name.name, name.span),
                };
                match found {
                    Some(Symbol::Node(parent)) if parent == id => {
                        let diagnostic = Diagnostic::new(
                            Code::OidCycle,
                            format!("`{}` is registered under itself", name.name),
                        )
                        .at(name.span, "its own parent")
                        .help("register it under the node it belongs to");
                        self.report(module, diagnostic);
                        Dep::Fail
                    }
                    Some(Symbol::Node(parent)) => {
                        arcs.remove(slot);
                        Dep::Node(parent)
                    }
                    None if qualifier.is_none() => match name.name.as_str() {
                        "ccitt" | "itu-t" => root(arcs, 0),
                        "iso" => root(arcs, 1),
                        "joint-iso-ccitt" | "joint-iso-itu-t" => root(arcs, 2),
                        _ => {
                            self.unknown(module, name, "OID parent");
                            Dep::Fail
                        }
                    },
                    Some(_) => {
                        let diagnostic =
                            Diagnostic::new(Code::WrongKind, format!("`{}` has no OID", name.name))
                                .at(name.span, "an OID name is expected here");
                        self.report(module, diagnostic);
                        Dep::Fail
                    }
                    None => {
                        self.unknown(module, name, "OID parent");
                        Dep::Fail
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ objects

    fn resolve_objects(&mut self) {
        let count = self.model.nodes.len();
        // Syntaxes first: classification and indexes need them.
        for i in 0..count {
            let Some(Definition::ObjectType(ot)) = self.sources[i].definition else {
                continue;
            };
            let module = self.model.nodes[i].module;
            let syntax = ot.syntax.as_ref().and_then(|s| self.syntax(module, s, 0));
            let is_row = ot.index.is_some()
                || ot.augments.is_some()
                || syntax
                    .as_ref()
                    .is_some_and(|s| s.base == BaseType::Sequence);
            let node = &mut self.model.nodes[i];
            node.kind = match &syntax {
                Some(s) if s.base == BaseType::SequenceOf => NodeKind::Table,
                _ if is_row => NodeKind::Row,
                _ => NodeKind::Scalar,
            };
            node.syntax = syntax;
        }
        // Scalars right under a row are its columns.
        let columns: Vec<usize> = {
            let nodes = &self.model.nodes;
            let mut rows: HashSet<&[u32]> = HashSet::default();
            rows.extend(
                nodes
                    .iter()
                    .filter(|n| n.kind == NodeKind::Row && !n.oid.is_empty())
                    .map(|n| n.oid.arcs()),
            );
            (0..count)
                .filter(|&i| {
                    let arcs = nodes[i].oid.arcs();
                    nodes[i].kind == NodeKind::Scalar
                        && arcs.len() > 1
                        && rows.contains(&arcs[..arcs.len() - 1])
                })
                .collect()
        };
        for i in columns {
            self.model.nodes[i].kind = NodeKind::Column;
        }
        for i in 0..count {
            let Some(definition) = self.sources[i].definition else {
                continue;
            };
            let id = NodeId(i as u32);
            let module = self.model.nodes[i].module;
            match definition {
                Definition::ObjectType(ot) => {
                    if let Some(items) = &ot.index {
                        let index = self.index(module, items);
                        self.model.nodes[i].index = index;
                    }
                    if let Some(value) = &ot.defval {
                        let defval = self.defval(module, id, value);
                        self.model.nodes[i].defval = defval;
                    }
                }
                Definition::NotificationType(d) => self.members(module, id, &d.objects, "object"),
                Definition::TrapType(d) => self.members(module, id, &d.variables, "object"),
                Definition::ObjectGroup(d) => self.members(module, id, &d.members, "object"),
                Definition::NotificationGroup(d) => {
                    self.members(module, id, &d.members, "notification")
                }
                Definition::ModuleCompliance(d) => {
                    let groups: Vec<&'a Ident> = d
                        .modules
                        .iter()
                        .filter(|m| m.module.is_none())
                        .flat_map(|m| {
                            m.mandatory_groups
                                .iter()
                                .chain(m.items.iter().filter_map(|item| match item {
                                    ComplianceItem::Group { name, .. } => Some(name),
                                    ComplianceItem::Object(_) => None,
                                }))
                        })
                        .collect();
                    self.model.nodes[i].members.reserve_exact(groups.len());
                    for group in groups {
                        if let Some(member) = self.node_symbol(module, group, "group") {
                            self.model.nodes[i].members.push(member);
                        }
                    }
                }
                _ => {}
            }
        }
        // AUGMENTS last: the augmented row's index must be known.
        for i in 0..count {
            let Some(Definition::ObjectType(ot)) = self.sources[i].definition else {
                continue;
            };
            let Some(target) = &ot.augments else { continue };
            let module = self.model.nodes[i].module;
            let Some(row) = self.node_symbol(module, target, "row") else {
                continue;
            };
            // The row may itself augment another, declared before or after: follow the
            // AUGMENTS clauses (not the model, which may not be filled in yet) to a row
            // with its own INDEX.
            let mut base = row;
            for _ in 0..8 {
                let next = match self.sources[base.0 as usize].definition {
                    Some(Definition::ObjectType(t)) => t.augments.as_ref(),
                    _ => None,
                };
                let base_module = self.model.node(base).module;
                match next.and_then(|n| {
                    self.symbols[base_module.0 as usize]
                        .get(n.name.as_str())
                        .copied()
                }) {
                    Some(Symbol::Node(next)) if next != base => base = next,
                    _ => break,
                }
            }
            if self.model.node(row).kind != NodeKind::Row {
                let diagnostic = Diagnostic::new(
                    Code::InvalidIndex,
                    format!("AUGMENTS names `{}`, which is not a row", target.name),
                )
                .at(target.span, "a conceptual row is expected")
                .help("AUGMENTS takes the row (…Entry) whose index this row shares");
                self.report(module, diagnostic);
                continue;
            }
            let index = self.model.node(base).index.clone();
            let node = &mut self.model.nodes[i];
            node.augments = Some(row);
            node.index = index;
        }
    }

    fn members(&mut self, module: ModuleId, id: NodeId, names: &'a [Ident], what: &str) {
        // Sized once: groups list hundreds of objects, and growing by doubling copies them.
        self.model.nodes[id.0 as usize]
            .members
            .reserve_exact(names.len());
        for name in names {
            if let Some(member) = self.node_symbol(module, name, what) {
                self.model.nodes[id.0 as usize].members.push(member);
            }
        }
    }

    fn index(&mut self, module: ModuleId, items: &'a [ast::IndexItem]) -> Vec<IndexComponent> {
        let mut index = Vec::with_capacity(items.len());
        for item in items {
            let name = &item.name;
            // SMIv1 allows types in INDEX.
            let builtin = match name.name.as_str() {
                "INTEGER" => Some(Syntax::base(BaseType::Integer32)),
                "OCTET STRING" => Some(Syntax::base(BaseType::OctetString)),
                "OBJECT IDENTIFIER" => Some(Syntax::base(BaseType::ObjectIdentifier)),
                _ => None,
            };
            let (object, syntax) = match builtin {
                Some(syntax) => (None, Some(syntax)),
                None => match self.lookup(module, &name.name, name.span) {
                    Some(Symbol::Node(object)) => {
                        let node = self.model.node(object);
                        if !node.kind.is_object() {
                            let diagnostic = Diagnostic::new(
                                Code::InvalidIndex,
                                format!("INDEX names `{}`, which is not an object", name.name),
                            )
                            .at(name.span, "an index column is expected")
                            .help("index a row by its columns (or columns of another table)");
                            self.report(module, diagnostic);
                            continue;
                        }
                        (Some(object), node.syntax.clone())
                    }
                    Some(Symbol::Type(ty)) => {
                        self.resolve_type(ty, 0);
                        (None, Some(self.model.ty(ty).syntax.clone()))
                    }
                    // net-snmp and libsmi load a row whose INDEX names an object
                    // the module never defines (and never imports): its OIDs do not
                    // depend on the index. So does smic, without that component.
                    None if !self.imports[module.0 as usize].contains_key(name.name.as_str()) => {
                        self.unknown.push(name.name.clone());
                        let diagnostic = Diagnostic::new(
                            Code::UnknownIndexObject,
                            format!(
                                "INDEX names `{}`, which this module neither defines nor imports; the component is left out",
                                name.name
                            ),
                        )
                        .at(name.span, "not defined in this module nor imported")
                        .help("the row's OIDs are unaffected, but its instances cannot be encoded; define the column or import it");
                        self.report(module, diagnostic);
                        continue;
                    }
                    _ => {
                        self.unknown(module, name, "index object");
                        continue;
                    }
                },
            };
            let Some(syntax) = syntax else { continue };
            let mut implied = item.implied;
            // RFC 2578 §7.7: IMPLIED only on the last component, and only where the
            // length would otherwise be encoded (a variable-length string or an OID).
            // net-snmp accepts it anywhere; smic too, reading the component as if the
            // IMPLIED were not there, which is the only decodable reading.
            let last = std::ptr::eq(item, items.last().unwrap_or(item));
            let variable = matches!(
                encoding(&syntax, true),
                IndexEncoding::ImpliedString | IndexEncoding::ImpliedObjectIdentifier
            );
            if implied && (!last || !variable) {
                let why = if last {
                    "its length is fixed"
                } else {
                    "it is not the last component"
                };
                let diagnostic = Diagnostic::new(Code::MisplacedImplied, format!("IMPLIED `{}`, but {why}: ignored", name.name))
                    .at(name.span, "IMPLIED does not apply here")
                    .help("IMPLIED may only precede the last INDEX component, a variable-length string or OID (RFC 2578 §7.7)");
                self.report(module, diagnostic);
                implied = false;
            }
            index.push(IndexComponent {
                object,
                name: name.name.clone(),
                implied,
                encoding: encoding(&syntax, implied),
            });
        }
        index
    }

    fn defval(&mut self, module: ModuleId, id: NodeId, value: &'a Value) -> Option<DefVal> {
        let base = self.model.node(id).syntax.as_ref().map(|s| s.base);
        Some(match value {
            Value::Number(n) => DefVal::Integer(n.value),
            Value::String(t) => DefVal::Text(t.value.clone()),
            Value::Hex(digits, _) | Value::Binary(digits, _) => {
                let radix = if matches!(value, Value::Hex(..)) {
                    16
                } else {
                    2
                };
                let integer = matches!(
                    base,
                    Some(
                        BaseType::Integer32
                            | BaseType::Unsigned32
                            | BaseType::Gauge32
                            | BaseType::Counter32
                            | BaseType::Counter64
                            | BaseType::TimeTicks
                    )
                );
                match (
                    integer,
                    i128::from_str_radix(if digits.is_empty() { "0" } else { digits }, radix),
                ) {
                    (true, Ok(n)) => DefVal::Integer(n),
                    _ => DefVal::Bytes(digits_to_bytes(digits, radix)),
                }
            }
            Value::Name(name) if base == Some(BaseType::ObjectIdentifier) => {
                match self.lookup(module, &name.name, name.span) {
                    Some(Symbol::Node(target)) => DefVal::Oid(self.model.node(target).oid.clone()),
                    _ => {
                        let diagnostic = Diagnostic::new(
                            Code::UnresolvedDefval,
                            format!("DEFVAL `{}` is not an OID name known here", name.name),
                        )
                        .at(name.span, "not defined in this module nor imported")
                        .help(format!(
                            "import `{}` from the module that defines it",
                            name.name
                        ));
                        self.report(module, diagnostic);
                        DefVal::Label(name.name.clone())
                    }
                }
            }
            Value::Name(name) => DefVal::Label(name.name.clone()),
            Value::DottedOid(arcs, _) => DefVal::Oid(Oid::from_vec(arcs.clone())),
            Value::Braced(items, _) if base == Some(BaseType::ObjectIdentifier) => {
                let mut oid = Oid::default();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        BracedItem::Number(n) | BracedItem::NamedNumber(_, n) => {
                            oid.extend(&[u32::try_from(n.value).ok()?])
                        }
                        BracedItem::Name(name) if i == 0 => {
                            let target = self.node_symbol(module, name, "OID value")?;
                            oid = self.model.node(target).oid.clone();
                        }
                        _ => return None,
                    }
                }
                DefVal::Oid(oid)
            }
            Value::Braced(items, _) => DefVal::Bits(
                items
                    .iter()
                    .filter_map(|item| match item {
                        BracedItem::Name(name) => Some(name.name.clone()),
                        _ => None,
                    })
                    .collect(),
            ),
        })
    }
}

impl ast::ValueAssignment {
    fn value_span(&self) -> Span {
        match &self.value {
            Value::Braced(_, span)
            | Value::DottedOid(_, span)
            | Value::Hex(_, span)
            | Value::Binary(_, span) => *span,
            Value::Number(n) => n.span,
            Value::String(t) => t.span,
            Value::Name(n) => n.span,
        }
    }
}

/// RFC 2578 §3.5: at most 128 sub-identifiers. Also what keeps OID values from costing
/// quadratic memory (each named arc and each node stores its whole OID).
const MAX_OID_ARCS: usize = 128;

/// How many named types a syntax may pass through on its way to a base type.
const MAX_TYPE_DEPTH: usize = 64;

/// "a" or "an" before `word`.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'O']) {
        "an"
    } else {
        "a"
    }
}

fn named_values(named: &[ast::NamedNumber]) -> Vec<NamedValue> {
    named
        .iter()
        .map(|n| NamedValue {
            label: n.name.name.clone(),
            value: i64::try_from(n.value.value).unwrap_or(i64::MAX),
        })
        .collect()
}

/// The SMI application types, by the names the base modules give them.
fn application_type(name: &str) -> Option<BaseType> {
    Some(match name {
        "IpAddress" => BaseType::IpAddress,
        "Counter32" | "Counter" => BaseType::Counter32,
        "Gauge32" | "Gauge" => BaseType::Gauge32,
        "Unsigned32" => BaseType::Unsigned32,
        "TimeTicks" => BaseType::TimeTicks,
        "Opaque" => BaseType::Opaque,
        "Counter64" => BaseType::Counter64,
        "Integer32" => BaseType::Integer32,
        "NetworkAddress" => BaseType::NetworkAddress,
        _ => return None,
    })
}

/// The value range of a base type, for MIN and MAX.
fn limits(base: BaseType) -> (i128, i128) {
    match base {
        BaseType::Integer32 => (i128::from(i32::MIN), i128::from(i32::MAX)),
        BaseType::Counter64 => (0, i128::from(u64::MAX)),
        _ => (0, i128::from(u32::MAX)),
    }
}

fn bounds(ranges: &[ast::Range], (min, max): (i128, i128)) -> Vec<Bounds> {
    let value = |v: &RangeValue| -> i128 {
        match v {
            RangeValue::Number(n) => n.value,
            RangeValue::Hex(digits, _) => i128::from_str_radix(digits, 16).unwrap_or(0),
            RangeValue::Binary(digits, _) => i128::from_str_radix(digits, 2).unwrap_or(0),
            RangeValue::Name(name) if name.name == "MIN" => min,
            RangeValue::Name(_) => max,
        }
    };
    ranges
        .iter()
        .map(|r| {
            let low = value(&r.low);
            Bounds {
                min: low,
                max: r.high.as_ref().map_or(low, value),
            }
        })
        .collect()
}

/// How an index component of this syntax is encoded (RFC 2578 §7.7).
fn encoding(syntax: &Syntax, implied: bool) -> IndexEncoding {
    match syntax.base {
        BaseType::OctetString | BaseType::Opaque | BaseType::Bits => {
            match (syntax.fixed_size(), implied) {
                (Some(n), _) => IndexEncoding::FixedString(n),
                (None, true) => IndexEncoding::ImpliedString,
                (None, false) => IndexEncoding::String,
            }
        }
        BaseType::ObjectIdentifier if implied => IndexEncoding::ImpliedObjectIdentifier,
        BaseType::ObjectIdentifier => IndexEncoding::ObjectIdentifier,
        BaseType::IpAddress => IndexEncoding::IpAddress,
        BaseType::NetworkAddress => IndexEncoding::NetworkAddress,
        _ => IndexEncoding::Integer,
    }
}

fn digits_to_bytes(digits: &str, radix: u32) -> Vec<u8> {
    let per_byte = if radix == 16 { 2 } else { 8 };
    let padded = format!(
        "{digits:0<width$}",
        width = digits.len().div_ceil(per_byte) * per_byte
    );
    padded
        .as_bytes()
        .chunks(per_byte)
        .filter_map(|chunk| {
            std::str::from_utf8(chunk)
                .ok()
                .and_then(|s| u8::from_str_radix(s, radix).ok())
        })
        .collect()
}
