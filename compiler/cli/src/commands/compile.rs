//! `smic compile`: write one output file per module.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use smic::Policy;
use smic::emit::{json, rust};

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
    /// Rust only: the path generated code names the runtime crate by.
    #[arg(long, value_name = "PATH", default_value = "::smic_smi")]
    runtime: String,
    /// Modules (by name) or files and directories.
    #[arg(required = true, value_name = "MODULE|PATH")]
    inputs: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One JSON document per module (schema `schema/smic-module.schema.json`).
    Json,
    /// One Rust file per module, plus the modules they use and `mibs.rs`, which
    /// includes them all.
    Rust,
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
    if args.format == Format::Rust {
        return write_rust(&args, &loaded);
    }
    for target in &loaded.targets {
        let Some(id) = loaded.model.module_id(target) else {
            continue;
        };
        let text = match args.format {
            Format::Json | Format::Rust => json::to_string(&json::module(&loaded.model, id)),
        };
        let path = args.out.join(format!("{target}.json"));
        if let Err(err) = smic::write_if_changed(&path, text.as_bytes()) {
            eprintln!("smic: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn write_rust(args: &CompileArgs, loaded: &smic::resolve::Loaded) -> ExitCode {
    let targets: Vec<_> = loaded
        .targets
        .iter()
        .filter_map(|t| loaded.model.module_id(t))
        .collect();
    let options = rust::Options {
        runtime: args.runtime.clone(),
    };
    let generated = rust::generate_with_dependencies(&loaded.model, &targets, &options);
    let renderer = smic::render::HumanRenderer::new(false);
    for diagnostic in &generated.diagnostics {
        eprint!("{}", renderer.render(diagnostic, &loaded.sources));
    }
    let mut files: Vec<(String, String)> = generated
        .modules
        .iter()
        .map(|m| (m.file_name.clone(), m.code.clone()))
        .collect();
    files.push((
        "mibs.rs".to_string(),
        rust::include_file(&generated.modules),
    ));
    for (name, text) in files {
        let path = args.out.join(name);
        if let Err(err) = smic::write_if_changed(&path, text.as_bytes()) {
            eprintln!("smic: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
