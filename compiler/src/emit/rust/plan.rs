//! The naming pass: every generated module, type and node gets its Rust name before any
//! code is written, so references across modules agree and collisions are settled in
//! one deterministic order (modules by name, then definitions in source order).

use std::collections::{HashMap, HashSet};

use super::names::{self, Namespace};
use super::{Options, collision};
use crate::diagnostic::Diagnostic;
use crate::model::{BaseType, Model, ModuleId, NodeId, NodeKind, TypeId};

/// The base modules whose generated code lives in the runtime (`smic_smi::snmpv2_tc`).
pub fn is_runtime_module(name: &str) -> bool {
    matches!(name, "SNMPv2-SMI" | "SNMPv2-TC")
}

/// Rust names for everything that may be generated.
pub(super) struct Plan<'a> {
    pub(super) model: &'a Model,
    pub(super) runtime: String,
    modules: HashMap<ModuleId, String>,
    nodes: HashMap<NodeId, String>,
    indexes: HashMap<NodeId, String>,
    types: HashMap<TypeId, String>,
    diagnostics: HashMap<ModuleId, Vec<Diagnostic>>,
    requested: HashSet<ModuleId>,
}

impl<'a> Plan<'a> {
    pub(super) fn new(model: &'a Model, options: &Options) -> Self {
        let mut plan = Plan {
            model,
            runtime: options.runtime.clone(),
            modules: HashMap::new(),
            nodes: HashMap::new(),
            indexes: HashMap::new(),
            types: HashMap::new(),
            diagnostics: HashMap::new(),
            requested: HashSet::new(),
        };
        let mut order: Vec<ModuleId> = (0..model.modules.len() as u32).map(ModuleId).collect();
        order.sort_by(|a, b| model.module(*a).name.cmp(&model.module(*b).name));
        let mut module_names = Namespace::default();
        for id in order {
            let (name, _) = module_names.claim(&names::module(&model.module(id).name), "_");
            plan.modules.insert(id, name);
            plan.name_items(id);
        }
        plan
    }

    /// Marks a module as generated (its diagnostics are reported).
    pub(super) fn request(&mut self, id: ModuleId) {
        self.requested.insert(id);
    }

    /// The diagnostics of the requested modules, in module order.
    pub(super) fn into_diagnostics(mut self) -> Vec<Diagnostic> {
        let mut ids: Vec<ModuleId> = self.requested.iter().copied().collect();
        ids.sort();
        ids.into_iter()
            .flat_map(|id| self.diagnostics.remove(&id).unwrap_or_default())
            .collect()
    }

    fn name_items(&mut self, id: ModuleId) {
        let model = self.model;
        let module = model.module(id);
        let mut ns = Namespace::with(&["MODULE", "OBJECTS"]);
        for &t in &module.types {
            if self.is_generated_type(t) {
                let (name, _) = ns.claim(&names::type_name(&model.ty(t).name), "Type");
                self.types.insert(t, name);
            }
        }
        for &n in &module.nodes {
            if !self.is_emitted(n) {
                continue;
            }
            let node = model.node(n);
            let (wanted, suffix) = match node.kind {
                NodeKind::Scalar | NodeKind::Column | NodeKind::Row => {
                    (names::type_name(&node.name), "Object")
                }
                NodeKind::Notification | NodeKind::Trap => {
                    (names::type_name(&node.name), "Notification")
                }
                _ => (names::constant(&node.name), "_OID"),
            };
            let (name, renamed) = ns.claim(&wanted, suffix);
            if renamed {
                self.report(id, collision(model, n, &wanted, &name));
            }
            self.nodes.insert(n, name);
        }
        for &n in &module.nodes {
            if model.node(n).kind != NodeKind::Row {
                continue;
            }
            // An emitted node was named by the loop above.
            if let Some(row) = self.nodes.get(&n).filter(|_| self.is_emitted(n)) {
                let wanted = format!("{row}Index");
                let (name, renamed) = ns.claim(&wanted, "_");
                if renamed {
                    self.report(id, collision(model, n, &wanted, &name));
                }
                self.indexes.insert(n, name);
            }
        }
    }

    pub(super) fn report(&mut self, module: ModuleId, diagnostic: Diagnostic) {
        self.diagnostics.entry(module).or_default().push(diagnostic);
    }

    /// Whether a named type becomes a Rust type: types of ordinary modules and of
    /// SNMPv2-TC; the other base modules' types are the SMI's own base types.
    pub(super) fn is_generated_type(&self, t: TypeId) -> bool {
        let ty = self.model.ty(t);
        let module = self.model.module(ty.module);
        (!module.is_base || module.name == "SNMPv2-TC")
            && !matches!(ty.syntax.base, BaseType::Sequence | BaseType::SequenceOf)
    }

    /// Whether a node gets an item: it has an OID and is not just an arc's name.
    pub(super) fn is_emitted(&self, n: NodeId) -> bool {
        let node = self.model.node(n);
        !node.implicit && !node.oid.is_empty()
    }

    /// Whether a scalar or column has a value type (it has a SYNTAX).
    pub(super) fn has_type(&self, n: NodeId) -> bool {
        let node = self.model.node(n);
        self.is_emitted(n)
            && matches!(node.kind, NodeKind::Scalar | NodeKind::Column)
            && node.syntax.is_some()
    }

    pub(super) fn module_name(&self, id: ModuleId) -> &str {
        self.modules.get(&id).map_or("unnamed", String::as_str)
    }

    pub(super) fn node_name(&self, n: NodeId) -> &str {
        self.nodes.get(&n).map_or("Unnamed", String::as_str)
    }

    pub(super) fn index_name(&self, row: NodeId) -> &str {
        self.indexes
            .get(&row)
            .map_or("UnnamedIndex", String::as_str)
    }

    pub(super) fn type_name(&self, t: TypeId) -> &str {
        self.types.get(&t).map_or("Unnamed", String::as_str)
    }
}
