//! `smic dump oids`: one line per named node.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use smic::Policy;
use smic::model::{Model, NodeId};

use crate::load::LoadArgs;

/// Print what the compiler derived, in line-oriented form for diffing.
#[derive(Debug, Args)]
pub(crate) struct DumpArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Every named node of the modules: OID, MODULE::name, kind, syntax, access, status (tab-separated).
    Oids {
        /// Modules (by name) or files and directories.
        #[arg(required = true, value_name = "MODULE|PATH")]
        inputs: Vec<String>,
    },
}

pub(crate) fn run(args: DumpArgs, load: &LoadArgs) -> ExitCode {
    let What::Oids { inputs } = args.what;
    let loaded = load.load(&inputs, &Policy::default());
    crate::report_load_errors(&loaded);
    let model = &loaded.model;
    let mut rows: Vec<(&smic::model::Oid, NodeId)> = Vec::new();
    for target in &loaded.targets {
        let Some(module) = model.module_id(target) else {
            continue;
        };
        for &id in &model.module(module).nodes {
            let node = model.node(id);
            if !node.oid.is_empty() {
                rows.push((&node.oid, id));
            }
        }
    }
    // By OID, then by `MODULE::name` as one string (not module, then name: `A-B::x`
    // sorts before `A::x`), compared in place rather than formatted per row.
    let qualified = |id: NodeId| {
        let node = model.node(id);
        let module = &model.module(node.module).name;
        module.bytes().chain(*b"::").chain(node.name.bytes())
    };
    rows.sort_unstable_by(|a, b| {
        a.0.cmp(b.0)
            .then_with(|| qualified(a.1).cmp(qualified(b.1)))
            .then(a.1.cmp(&b.1))
    });
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let _ = (|| -> std::io::Result<()> {
        for (oid, id) in rows {
            let node = model.node(id);
            let module = &model.module(node.module).name;
            write!(out, "{oid}\t{module}::{}\t", node.name)?;
            write_description(&mut out, model, id)?;
            out.write_all(b"\n")?;
        }
        out.flush()
    })();
    // Freeing a model of thousands of modules node by node takes longer than building
    // some of it did; the process ends here and the system takes the memory back whole.
    std::mem::forget(loaded);
    ExitCode::SUCCESS
}

/// kind, syntax, access, status: tab-separated, `-` where a field does not apply.
fn write_description(out: &mut impl Write, model: &Model, id: NodeId) -> std::io::Result<()> {
    let node = model.node(id);
    let access = node.access.map_or("-", |a| a.as_str());
    let status = node.status.map_or("-", |s| s.as_str());
    let kind = node.kind.as_str();
    match &node.syntax {
        Some(syntax) => {
            let syntax = crate::syntax_name(model, syntax);
            write!(out, "{kind}\t{syntax}\t{access}\t{status}")
        }
        None => write!(out, "{kind}\t-\t{access}\t{status}"),
    }
}
