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
    let mut rows: Vec<(&smic::model::Oid, String, NodeId)> = Vec::new();
    for target in &loaded.targets {
        let Some(module) = model.module_id(target) else {
            continue;
        };
        for &id in &model.module(module).nodes {
            let node = model.node(id);
            if !node.oid.is_empty() {
                rows.push((&node.oid, model.qualified_name(id), id));
            }
        }
    }
    rows.sort();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = (|| -> std::io::Result<()> {
        for (oid, name, id) in rows {
            writeln!(out, "{oid}\t{name}\t{}", describe(model, id))?;
        }
        out.flush()
    })();
    ExitCode::SUCCESS
}

/// kind, syntax, access, status: tab-separated, `-` where a field does not apply.
pub(crate) fn describe(model: &Model, id: NodeId) -> String {
    let node = model.node(id);
    let syntax = node
        .syntax
        .as_ref()
        .map_or_else(|| "-".to_string(), |s| crate::syntax_name(model, s));
    let access = node.access.map_or("-", |a| a.as_str());
    let status = node.status.map_or("-", |s| s.as_str());
    format!("{}\t{syntax}\t{access}\t{status}", node.kind.as_str())
}
