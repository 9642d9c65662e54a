//! `smic index`: an OID → module index of a MIB tree.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use smic::Policy;

use crate::load::LoadArgs;

/// Write an OID → module index for the modules under PATHs.
#[derive(Debug, Args)]
pub(crate) struct IndexArgs {
    /// Where to write the index (`-` for standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
    /// Files or directories (or module names).
    #[arg(required = true, value_name = "PATH")]
    inputs: Vec<String>,
}

pub(crate) fn run(args: IndexArgs, load: &LoadArgs) -> ExitCode {
    let loaded = load.load(&args.inputs, &Policy::default());
    let index = smic::emit::index::build(&loaded.model, &loaded.targets);
    let text = smic::emit::index::to_text(&index);
    if args.output.as_os_str() == "-" {
        print!("{text}");
        return ExitCode::SUCCESS;
    }
    match smic::write_if_changed(&args.output, text.as_bytes()) {
        Ok(_) => {
            eprintln!(
                "smic: {} OIDs from {} modules in {}",
                index.len(),
                loaded.targets.len(),
                args.output.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("smic: cannot write {}: {err}", args.output.display());
            ExitCode::FAILURE
        }
    }
}
