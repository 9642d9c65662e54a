//! `smic compile`: write one output file per module.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use smic::Policy;
use smic::emit::json;

use crate::load::LoadArgs;

/// Compile modules to files (one per module).
#[derive(Debug, Args)]
pub(crate) struct CompileArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Output directory (created if missing).
    #[arg(short = 'o', long = "out-dir", value_name = "DIR")]
    out: PathBuf,
    /// Modules (by name) or files and directories.
    #[arg(required = true, value_name = "MODULE|PATH")]
    inputs: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One JSON document per module (schema `schema/smic-module.schema.json`).
    Json,
}

pub(crate) fn run(args: CompileArgs, load: &LoadArgs) -> ExitCode {
    let loaded = load.load(&args.inputs, &Policy::default());
    if crate::report_load_errors(&loaded) {
        return ExitCode::FAILURE;
    }
    if let Err(err) = std::fs::create_dir_all(&args.out) {
        eprintln!("smic: cannot create {}: {err}", args.out.display());
        return ExitCode::FAILURE;
    }
    for target in &loaded.targets {
        let Some(id) = loaded.model.module_id(target) else {
            continue;
        };
        let text = match args.format {
            Format::Json => json::to_string(&json::module(&loaded.model, id)),
        };
        let path = args.out.join(format!("{target}.json"));
        if let Err(err) = crate::write_if_changed(&path, text.as_bytes()) {
            eprintln!("smic: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
