//! Lint: checks in the spirit of smilint, over the resolved model. Each finding is an
//! Advice with a `smic::lint::*` code and a level (see [`Code::lint_level`]); `--lint N`
//! runs the checks up to level N, and `--allow CODE` silences one.

use std::collections::HashSet;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Access, BaseType, Model, ModuleId, NodeId, NodeKind, Status};
use crate::syntax::ast::Language;

/// Lints `modules` at `level` (1..=6; 0 runs nothing). Findings come with the module
/// they concern.
pub fn lint(model: &Model, modules: &[ModuleId], level: u8) -> Vec<(ModuleId, Diagnostic)> {
    let mut out = Lints {
        model,
        level,
        found: Vec::new(),
    };
    if level < 3 {
        return out.found; // no check runs below level 3
    }
    for &module in modules {
        out.module(module);
    }
    out.found
}

struct Lints<'m> {
    model: &'m Model,
    level: u8,
    found: Vec<(ModuleId, Diagnostic)>,
}

impl Lints<'_> {
    fn report(&mut self, module: ModuleId, code: Code, node: NodeId, message: String, help: &str) {
        if code.lint_level().is_some_and(|l| l <= self.level) {
            let file = self.model.module(module).file;
            let mut diagnostic = Diagnostic::new(code, message)
                .at(self.model.node(node).span, "")
                .help(help);
            diagnostic.file = file;
            self.found.push((module, diagnostic));
        }
    }

    fn module(&mut self, module: ModuleId) {
        let model = self.model;
        let info = model.module(module);
        let smiv2 = info.language == Language::SMIv2;
        let grouped: HashSet<NodeId> = info
            .nodes
            .iter()
            .filter(|&&n| {
                matches!(
                    model.node(n).kind,
                    NodeKind::ObjectGroup | NodeKind::NotificationGroup
                )
            })
            .flat_map(|&n| model.node(n).members.iter().copied())
            .collect();
        let has_groups = info.nodes.iter().any(|&n| {
            matches!(
                model.node(n).kind,
                NodeKind::ObjectGroup | NodeKind::NotificationGroup
            )
        });
        for &id in &info.nodes {
            let node = model.node(id);
            if node.implicit {
                continue;
            }
            if node.name.len() > 64 {
                self.report(
                    module,
                    Code::LintLongDescriptor,
                    id,
                    format!(
                        "descriptor `{}` is {} characters long",
                        node.name,
                        node.name.len()
                    ),
                    "RFC 2578 §3.1: descriptors must not exceed 64 characters (32 recommended)",
                );
            }
            match node.kind {
                NodeKind::Table if !node.name.ends_with("Table") => self.report(
                    module,
                    Code::LintTableNaming,
                    id,
                    format!("table `{}` does not end in `Table`", node.name),
                    "RFC 2578 §7.1.12: tables are conventionally named …Table",
                ),
                NodeKind::Row => self.row(module, id, smiv2),
                _ => {}
            }
            if smiv2 && has_groups && !grouped.contains(&id) && self.needs_group(id) {
                self.report(
                    module,
                    Code::LintNotInGroup,
                    id,
                    format!("`{}` is not in any group of this module", node.name),
                    "RFC 2580 §3: every object and notification belongs to a group",
                );
            }
            let Some(syntax) = &node.syntax else { continue };
            let counter = matches!(syntax.base, BaseType::Counter32 | BaseType::Counter64);
            if counter
                && matches!(
                    node.access,
                    Some(Access::ReadWrite | Access::ReadCreate | Access::WriteOnly)
                )
            {
                self.report(
                    module,
                    Code::LintWritableCounter,
                    id,
                    format!("counter `{}` is writable", node.name),
                    "counters only increase; make it read-only",
                );
            }
            if smiv2
                && syntax.base == BaseType::Integer32
                && syntax.values.iter().any(|v| v.value == 0)
            {
                self.report(
                    module,
                    Code::LintEnumZero,
                    id,
                    format!("enumeration of `{}` uses 0", node.name),
                    "RFC 2578 §7.1.1: enumerated values should not include 0",
                );
            }
            let current = matches!(node.status, Some(Status::Current | Status::Mandatory));
            if let Some(ty) = syntax.named.map(|t| model.ty(t)) {
                if current && matches!(ty.status, Some(Status::Deprecated | Status::Obsolete)) {
                    self.report(
                        module,
                        Code::LintUsesDeprecated,
                        id,
                        format!(
                            "current object `{}` uses {} type `{}`",
                            node.name,
                            ty.status.map_or("", |s| s.as_str()),
                            ty.name
                        ),
                        "use the type's replacement, or deprecate the object too",
                    );
                }
                if let Some(hint) = &ty.display_hint {
                    let octet_hint =
                        matches!(syntax.base, BaseType::OctetString | BaseType::Opaque);
                    let integer_hint =
                        hint.starts_with(['d', 'x', 'o', 'b']) && !hint.contains(['a', 't']);
                    if !octet_hint && !integer_hint {
                        self.report(
                            module,
                            Code::LintDisplayHint,
                            id,
                            format!(
                                "DISPLAY-HINT \"{hint}\" of `{}` does not fit {}",
                                ty.name,
                                syntax.base.as_str()
                            ),
                            "integer hints are d[-n], x, o or b (RFC 2579 §3.1)",
                        );
                    }
                }
            }
        }
    }

    fn needs_group(&self, id: NodeId) -> bool {
        let node = self.model.node(id);
        match node.kind {
            NodeKind::Scalar | NodeKind::Column => node.access != Some(Access::NotAccessible),
            NodeKind::Notification => true,
            _ => false,
        }
    }

    fn row(&mut self, module: ModuleId, id: NodeId, smiv2: bool) {
        let model = self.model;
        let node = model.node(id);
        if !node.name.ends_with("Entry") {
            self.report(
                module,
                Code::LintTableNaming,
                id,
                format!("row `{}` does not end in `Entry`", node.name),
                "RFC 2578 §7.1.12: rows are conventionally named …Entry",
            );
        }
        if let Some(entry) = node.syntax.as_ref().and_then(|s| s.entry.as_ref()) {
            let mut expected = node.name.clone();
            if let Some(first) = expected.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            if *entry != expected {
                self.report(
                    module,
                    Code::LintEntryTypeName,
                    id,
                    format!(
                        "row `{}` has SEQUENCE type `{entry}`, not `{expected}`",
                        node.name
                    ),
                    "RFC 2578 §7.1.12: the row type is the row's name with an upper-case initial",
                );
            }
        }
        if node.oid.is_empty() {
            return; // unresolved: its OID error says enough
        }
        // The row's own columns: its direct children in this module.
        let columns: Vec<NodeId> = model
            .subtree(&node.oid)
            .filter(|(oid, _)| oid.len() == node.oid.len() + 1)
            .flat_map(|(_, ids)| ids.iter().copied())
            .filter(|&c| model.node(c).kind == NodeKind::Column && model.node(c).module == module)
            .collect();
        if node.augments.is_none() && smiv2 {
            for component in &node.index {
                let Some(object) = component.object else {
                    continue;
                };
                let column = model.node(object);
                if columns.contains(&object)
                    && !matches!(column.access, Some(Access::NotAccessible) | None)
                {
                    // An index column that is the only column may be read-only (RFC 2578 §7.7 note).
                    if columns.len() > 1 {
                        self.report(
                            module,
                            Code::LintAccessibleIndex,
                            object,
                            format!(
                                "index column `{}` is {}",
                                column.name,
                                column.access.map_or("", |a| a.as_str())
                            ),
                            "RFC 2578 §7.7: auxiliary index objects should be not-accessible",
                        );
                    }
                }
            }
        }
        let creatable = columns
            .iter()
            .any(|&c| model.node(c).access == Some(Access::ReadCreate));
        let row_status = columns.iter().any(|&c| {
            model
                .node(c)
                .syntax
                .as_ref()
                .and_then(|s| s.named)
                .is_some_and(|t| model.ty(t).name == "RowStatus")
        });
        if creatable && !row_status && node.augments.is_none() {
            self.report(
                module,
                Code::LintCreateWithoutRowStatus,
                id,
                format!(
                    "row `{}` has read-create columns but no RowStatus column",
                    node.name
                ),
                "rows that managers create need a RowStatus column (RFC 2579)",
            );
        }
    }
}
