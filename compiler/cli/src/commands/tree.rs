//! `smic tree`: the OID tree, like `snmptranslate -Tp`.

use std::process::ExitCode;

use clap::Args;
use smic::Policy;
use smic::model::{Access, Model, NodeId, NodeKind, Oid, Syntax};

use crate::load::LoadArgs;

/// Draw the OID tree of modules, or the subtree under an OID or name.
#[derive(Debug, Args)]
pub(crate) struct TreeArgs {
    /// Also load these modules (or files and directories).
    #[arg(short = 'm', long = "module", value_name = "MODULE|PATH")]
    modules: Vec<String>,
    /// A module (its whole tree), an OID or a `MODULE::name` (the subtree under it).
    #[arg(required = true, value_name = "MODULE|OID|NAME")]
    roots: Vec<String>,
}

pub(crate) fn run(args: TreeArgs, load: &LoadArgs) -> ExitCode {
    let mut modules = args.modules.clone();
    for root in &args.roots {
        if let Some((module, _)) = root.split_once("::") {
            modules.push(module.to_string());
        } else if root.parse::<Oid>().is_ok() {
            modules.extend(
                smic::resolve::builtin::covering(&root.parse().unwrap_or_default())
                    .map(str::to_string),
            );
        } else {
            modules.push(root.clone());
        }
    }
    let loaded = load.load(&modules, &Policy::default());
    crate::report_load_errors(&loaded);
    let model = &loaded.model;
    let mut out = String::new();
    for root in &args.roots {
        let oids: Vec<Oid> = if let Ok(oid) = root.parse::<Oid>() {
            model.subtree(&oid).map(|(o, _)| o.clone()).collect()
        } else if let Some((module, name)) = root.split_once("::") {
            match model.lookup(module, name) {
                Some(id) => model
                    .subtree(&model.node(id).oid)
                    .map(|(o, _)| o.clone())
                    .collect(),
                None => Vec::new(),
            }
        } else {
            model
                .module_id(root)
                .map(|m| {
                    model
                        .module(m)
                        .nodes
                        .iter()
                        .map(|&n| model.node(n).oid.clone())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        if oids.is_empty() {
            eprintln!("smic: nothing to draw for {root}");
            return ExitCode::FAILURE;
        }
        draw(model, oids, &mut out);
    }
    print!("{out}");
    ExitCode::SUCCESS
}

/// Draws the given OIDs as a tree, each under its nearest drawn ancestor.
fn draw(model: &Model, mut oids: Vec<Oid>, out: &mut String) {
    oids.sort();
    oids.dedup();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); oids.len()];
    let mut roots = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for (i, oid) in oids.iter().enumerate() {
        while stack
            .last()
            .is_some_and(|&top| !oid.starts_with(&oids[top]))
        {
            stack.pop();
        }
        match stack.last() {
            Some(&parent) => children[parent].push(i),
            None => roots.push(i),
        }
        stack.push(i);
    }
    for (n, &root) in roots.iter().enumerate() {
        render(model, &oids, &children, root, "", n + 1 == roots.len(), out);
    }
}

fn render(
    model: &Model,
    oids: &[Oid],
    children: &[Vec<usize>],
    i: usize,
    prefix: &str,
    last: bool,
    out: &mut String,
) {
    let oid = &oids[i];
    let arc = oid.arcs().last().copied().unwrap_or(0);
    let label = match model.at_oid(oid).first() {
        Some(&id) => line(model, id, arc),
        None => format!("({arc})"),
    };
    out.push_str(&format!("{prefix}+--{label}\n"));
    // Under a node with siblings still to come, its children carry that sibling's guide.
    let child_prefix = format!("{prefix}{}", if last { "   " } else { "|  " });
    let count = children[i].len();
    for (n, &child) in children[i].iter().enumerate() {
        render(
            model,
            oids,
            children,
            child,
            &child_prefix,
            n + 1 == count,
            out,
        );
    }
}

fn line(model: &Model, id: NodeId, arc: u32) -> String {
    let node = model.node(id);
    let name = format!("{}({arc})", node.name);
    match node.kind {
        NodeKind::Scalar | NodeKind::Column => {
            let syntax = node
                .syntax
                .as_ref()
                .map_or_else(String::new, |s| describe(model, s));
            format!("{} {syntax} {name}", access(node.access))
        }
        NodeKind::Row => {
            let index: Vec<&str> = node.index.iter().map(|c| c.name.as_str()).collect();
            format!("{name}  Index: {}", index.join(", "))
        }
        NodeKind::Notification | NodeKind::Trap => format!("{name} NOTIFICATION"),
        NodeKind::ObjectGroup | NodeKind::NotificationGroup => format!("{name} GROUP"),
        NodeKind::Compliance => format!("{name} COMPLIANCE"),
        NodeKind::Capabilities => format!("{name} CAPABILITIES"),
        _ => name,
    }
}

/// net-snmp's access flags: C(reate) R(ead) W(rite) N(otify).
fn access(access: Option<Access>) -> &'static str {
    match access {
        Some(Access::ReadOnly) => "-R--",
        Some(Access::ReadWrite) => "-RW-",
        Some(Access::ReadCreate) => "CR--",
        Some(Access::WriteOnly) => "--W-",
        Some(Access::AccessibleForNotify) => "---N",
        _ => "----",
    }
}

fn describe(model: &Model, syntax: &Syntax) -> String {
    let mut out = crate::syntax_name(model, syntax);
    if !syntax.values.is_empty() {
        const SHOWN: usize = 6;
        let mut values: Vec<String> = syntax
            .values
            .iter()
            .take(SHOWN)
            .map(|v| format!("{}({})", v.label, v.value))
            .collect();
        if syntax.values.len() > SHOWN {
            values.push(format!("… {} more", syntax.values.len() - SHOWN));
        }
        out.push_str(&format!(" {{{}}}", values.join(", ")));
    } else if let Some(range) = syntax
        .ranges
        .first()
        .filter(|r| syntax.ranges.len() == 1 && !is_natural(syntax.base, r))
    {
        out.push_str(&format!(" ({}..{})", range.min, range.max));
    } else if let Some(size) = syntax.sizes.first().filter(|_| syntax.sizes.len() == 1) {
        out.push_str(&format!(" (SIZE {}..{})", size.min, size.max));
    }
    out
}

/// Whether a range is just the whole range of its base type (not worth printing).
fn is_natural(base: smic::model::BaseType, range: &smic::model::Bounds) -> bool {
    use smic::model::BaseType;
    let (min, max) = match base {
        BaseType::Integer32 => (i128::from(i32::MIN), i128::from(i32::MAX)),
        BaseType::Counter64 => (0, i128::from(u64::MAX)),
        _ => (0, i128::from(u32::MAX)),
    };
    range.min == min && range.max == max
}
