//! `smic`: the MIB compiler's command line.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use smic::check::{CheckReport, check_sources};
use smic::render::{HumanRenderer, render_json};
use smic::source::Sources;
use smic::{Code, Policy, Severity};

/// smic: compile, check and explore SNMP MIB modules.
#[derive(Debug, Parser)]
#[command(name = "smic", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse every module found under PATHs and report what is wrong, with the line and a fix.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Files or directories to check (every module declared in them is parsed), or
    /// module names to find on the search path.
    #[arg(required = true, value_name = "PATH|MODULE")]
    paths: Vec<PathBuf>,
    /// Search path for imported modules (repeatable; also read from SMIC_PATH, `:`-separated).
    #[arg(short = 'I', long = "include", value_name = "PATH")]
    include: Vec<PathBuf>,
    /// Treat vendor quirks as errors.
    #[arg(long)]
    strict: bool,
    /// Silence a warning code, e.g. `quirk::missing-comma` (repeatable).
    #[arg(short = 'A', long = "allow", value_name = "CODE")]
    allow: Vec<String>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print errors only (warnings still count in the summary).
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Snippets with carets, for people.
    Human,
    /// One JSON object per line, for tools.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let mut allowed = Vec::new();
    for name in &args.allow {
        match Code::from_name(name) {
            Some(code) => allowed.push(code),
            None => {
                eprintln!("smic: unknown diagnostic code `{name}`; known codes:");
                for code in Code::ALL {
                    eprintln!("  {code}");
                }
                return ExitCode::from(2);
            }
        }
    }
    let policy = Policy {
        strict: args.strict,
        allowed,
    };
    let mut sources = Sources::new();
    let mut by_name = Vec::new();
    for path in &args.paths {
        // A bare word that is not a file is a module name; anything path-like is a path.
        if path.exists() || path.components().count() > 1 {
            sources.add_path(path);
        } else {
            by_name.push(path.display().to_string());
        }
    }
    if !by_name.is_empty() {
        let search_path: Vec<PathBuf> = args.include.iter().cloned().chain(smic_path()).collect();
        if let Err(message) = add_modules_by_name(&mut sources, &by_name, &search_path) {
            eprintln!("smic: {message}");
            return ExitCode::from(2);
        }
    }
    let report = check_sources(sources, &policy);
    print_report(&report, args.format, args.quiet);
    if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Finds each named module on the search path and adds the file that declares it.
fn add_modules_by_name(
    sources: &mut Sources,
    names: &[String],
    search_path: &[PathBuf],
) -> Result<(), String> {
    let mut index = Sources::new();
    for dir in search_path {
        index.add_path(dir);
    }
    for name in names {
        let Some(location) = index.module(name) else {
            let searched: Vec<String> = search_path
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            return Err(format!(
                "`{name}` is neither a file nor a module found on the search path [{}]; add one with -I or SMIC_PATH",
                searched.join(", ")
            ));
        };
        let Some(file) = index.file(location.file) else {
            continue;
        };
        if sources.files().iter().all(|f| f.path != file.path) {
            let (text, diagnostics) = smic::source::decode(file.text.clone().into_bytes());
            sources.add_text(file.path.clone(), text, diagnostics);
        }
    }
    Ok(())
}

fn smic_path() -> Vec<PathBuf> {
    std::env::var_os("SMIC_PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default()
}

fn print_report(report: &CheckReport, format: Format, quiet: bool) {
    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let renderer = HumanRenderer::new(color);
    let shown = report
        .diagnostics
        .iter()
        .filter(|d| !quiet || d.severity == Severity::Error);
    let summary = report.summary();
    // A closed pipe (`smic check | head`) is not an error worth a panic.
    let _ = (|| -> std::io::Result<()> {
        for diagnostic in shown {
            match format {
                Format::Human => write!(out, "{}", renderer.render(diagnostic, &report.sources))?,
                Format::Json => writeln!(out, "{}", render_json(diagnostic, &report.sources))?,
            }
        }
        match format {
            Format::Human => writeln!(
                out,
                "{} modules: {} ok, {} with errors; {} errors, {} warnings",
                summary.modules, summary.ok, summary.with_errors, summary.errors, summary.warnings
            )?,
            Format::Json => writeln!(out, "{}", serde_json::json!({ "summary": summary }))?,
        }
        out.flush()
    })();
}
