//! `smic`: the MIB compiler's command line.

// Standard output is this program's product, not stray debugging.
#![allow(clippy::print_stdout)]

mod commands;
mod daemon;
mod load;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use smic::model::{Model, Syntax};
use smic::resolve::Loaded;

/// Loading builds millions of small strings and vectors on both cores; mimalloc's
/// per-thread heaps take a third off the time glibc's allocator spends on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    Compile(commands::compile::CompileArgs),
    Translate(commands::translate::TranslateArgs),
    Tree(commands::tree::TreeArgs),
    Deps(commands::deps::DepsArgs),
    Index(commands::index::IndexArgs),
    Dump(commands::dump::DumpArgs),
    Get(commands::snmp::GetArgs),
    Walk(commands::snmp::WalkArgs),
    Set(commands::snmp::SetArgs),
    Agent(commands::agent::AgentArgs),
    Trapd(commands::trapd::TrapdArgs),
    Traps(commands::trapd::TrapsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => commands::check::run(args, &cli.load),
        Command::Compile(args) => commands::compile::run(args, &cli.load),
        Command::Translate(args) => commands::translate::run(args, &cli.load),
        Command::Tree(args) => commands::tree::run(args, &cli.load),
        Command::Deps(args) => commands::deps::run(args, &cli.load),
        Command::Index(args) => commands::index::run(args, &cli.load),
        Command::Dump(args) => commands::dump::run(args, &cli.load),
        Command::Get(args) => commands::snmp::get(args, &cli.load),
        Command::Walk(args) => commands::snmp::walk(args, &cli.load),
        Command::Set(args) => commands::snmp::set(args, &cli.load),
        Command::Agent(args) => commands::agent::run(args),
        Command::Trapd(args) => commands::trapd::run(args, &cli.load),
        Command::Traps(args) => commands::trapd::list(args),
    }
}

/// Prints the errors of a load on stderr (commands other than `check` still say why
/// something is missing); whether there were any.
fn report_load_errors(loaded: &Loaded) -> bool {
    let renderer = smic::render::HumanRenderer::new(false);
    let mut any = false;
    for diagnostic in loaded
        .target_diagnostics()
        .into_iter()
        .filter(|d| d.is_error())
    {
        eprint!("{}", renderer.render(diagnostic, &loaded.sources));
        any = true;
    }
    any
}

/// A syntax as people write it: the textual convention's name, or the base type.
fn syntax_name(model: &Model, syntax: &Syntax) -> String {
    let (prefix, name) = syntax_parts(model, syntax);
    format!("{prefix}{name}")
}

/// [`syntax_name`] in two borrowed pieces, for writers that should not build a string
/// per line: a prefix (`SEQUENCE OF ` or nothing) and a name.
fn syntax_parts<'m>(model: &'m Model, syntax: &'m Syntax) -> (&'static str, &'m str) {
    match (syntax.named, &syntax.entry) {
        (_, Some(entry)) if syntax.base == smic::model::BaseType::SequenceOf => {
            ("SEQUENCE OF ", entry)
        }
        (_, Some(entry)) => ("", entry),
        (Some(ty), None) => ("", &model.ty(ty).name),
        (None, None) => ("", syntax.base.as_str()),
    }
}
