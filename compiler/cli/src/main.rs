//! `smic`: the MIB compiler's command line.

mod commands;
mod load;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use smic::model::{Model, Syntax};
use smic::resolve::Loaded;

/// smic: compile, check and explore SNMP MIB modules.
#[derive(Debug, Parser)]
#[command(name = "smic", version, about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    load: load::LoadArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(commands::check::CheckArgs),
    Dump(commands::dump::DumpArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => commands::check::run(args, &cli.load),
        Command::Dump(args) => commands::dump::run(args, &cli.load),
    }
}

/// Prints the errors of a load on stderr (commands other than `check` still say why
/// something is missing).
fn report_load_errors(loaded: &Loaded) {
    let renderer = smic::render::HumanRenderer::new(false);
    for diagnostic in loaded
        .target_diagnostics()
        .into_iter()
        .filter(|d| d.is_error())
    {
        eprint!("{}", renderer.render(diagnostic, &loaded.sources));
    }
}

/// A syntax as people write it: the textual convention's name, or the base type.
fn syntax_name(model: &Model, syntax: &Syntax) -> String {
    match (syntax.named, &syntax.entry) {
        (_, Some(entry)) if syntax.base == smic::model::BaseType::SequenceOf => {
            format!("SEQUENCE OF {entry}")
        }
        (_, Some(entry)) => entry.clone(),
        (Some(ty), None) => model.ty(ty).name.clone(),
        (None, None) => syntax.base.as_str().to_string(),
    }
}
