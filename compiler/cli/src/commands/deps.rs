//! `smic deps`: the import graph.

use std::collections::HashSet;
use std::process::ExitCode;

use clap::Args;
use smic::Policy;
use smic::resolve::ImportGraph;

use crate::load::LoadArgs;

/// Show what modules import, as a tree or as Graphviz DOT.
#[derive(Debug, Args)]
pub(crate) struct DepsArgs {
    /// Print Graphviz DOT instead of a tree.
    #[arg(long)]
    dot: bool,
    /// Modules (by name) or files and directories.
    #[arg(required = true, value_name = "MODULE|PATH")]
    inputs: Vec<String>,
}

pub(crate) fn run(args: DepsArgs, load: &LoadArgs) -> ExitCode {
    let loaded = load.load(&args.inputs, &Policy::default());
    crate::report_load_errors(&loaded);
    if args.dot {
        print!("{}", loaded.graph.dot(&loaded.targets));
        return ExitCode::SUCCESS;
    }
    let mut out = String::new();
    for target in &loaded.targets {
        out.push_str(target);
        out.push('\n');
        let mut shown = HashSet::new();
        tree(&loaded.graph, target, "", &mut shown, &mut out);
    }
    print!("{out}");
    ExitCode::SUCCESS
}

/// Draws the imports of `module`; a module already drawn is marked `(*)`, not repeated.
fn tree(
    graph: &ImportGraph,
    module: &str,
    prefix: &str,
    shown: &mut HashSet<String>,
    out: &mut String,
) {
    let imports = graph.imports(module);
    for (i, import) in imports.iter().enumerate() {
        let last = i + 1 == imports.len();
        let repeated = !shown.insert(import.to_string());
        let has_children = !graph.imports(import).is_empty();
        let mark = if repeated && has_children { " (*)" } else { "" };
        out.push_str(&format!(
            "{prefix}{}{import}{mark}\n",
            if last { "└── " } else { "├── " }
        ));
        if !repeated {
            let child_prefix = format!("{prefix}{}", if last { "    " } else { "│   " });
            tree(graph, import, &child_prefix, shown, out);
        }
    }
}
