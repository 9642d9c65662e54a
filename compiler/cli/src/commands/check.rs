//! `smic check`: parse and resolve, print diagnostics and a summary.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use smic::render::{HumanRenderer, render_json};
use smic::{Code, Policy, Severity};

use crate::load::LoadArgs;

/// Parse and resolve every module found under PATHs (or named), report what is wrong.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Files or directories to check (every module declared in them), or module names.
    #[arg(required = true, value_name = "PATH|MODULE")]
    inputs: Vec<String>,
    /// Treat vendor quirks as errors.
    #[arg(long)]
    strict: bool,
    /// Silence a warning code, e.g. `quirk::missing-comma` (repeatable).
    #[arg(short = 'A', long = "allow", value_name = "CODE")]
    allow: Vec<String>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Run the lint checks up to LEVEL (3 = changes recommended … 6 = style; 0 = none).
    #[arg(short = 'l', long = "lint", value_name = "LEVEL", default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=6))]
    lint: u8,
    /// Print errors only (warnings still count in the summary).
    #[arg(short, long)]
    quiet: bool,
    /// Print every diagnostic: without it, at most 20 per module are shown as
    /// snippets (errors first), and the rest counted.
    #[arg(short, long)]
    verbose: bool,
}

/// Diagnostics shown per module without `-v`: a module that draws hundreds says what
/// is wrong with it in the first few, and rendering snippets is what a large check
/// spends its time on.
const SHOWN_PER_MODULE: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Snippets with carets, for people.
    Human,
    /// One JSON object per line, for tools.
    Json,
}

/// Builds the policy from `--strict` and `--allow`, or says which code is unknown.
pub(crate) fn policy(strict: bool, allow: &[String]) -> Result<Policy, ExitCode> {
    let mut allowed = Vec::new();
    for name in allow {
        match Code::from_name(name) {
            Some(code) => allowed.push(code),
            None => {
                eprintln!("smic: unknown diagnostic code `{name}`; known codes:");
                for code in Code::ALL {
                    eprintln!("  {code}");
                }
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok(Policy { strict, allowed })
}

pub(crate) fn run(args: CheckArgs, load: &LoadArgs) -> ExitCode {
    let policy = match policy(args.strict, &args.allow) {
        Ok(policy) => policy,
        Err(code) => return code,
    };
    let mut loader = load.loader(&args.inputs);
    loader.lint(args.lint);
    let loaded = loader.load(&policy);
    let diagnostics = loaded.target_diagnostics();
    let errors_in = |module: &str| {
        loaded
            .diagnostics
            .get(module)
            .is_some_and(|d| d.iter().any(|d| d.is_error()))
    };
    let with_errors = loaded.targets.iter().filter(|t| errors_in(t)).count();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let modules = loaded.targets.len();
    let summary = serde_json::json!({
        "modules": modules, "ok": modules - with_errors, "with_errors": with_errors,
        "errors": errors, "warnings": warnings,
    });

    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let renderer = HumanRenderer::new(color);
    // A closed pipe (`smic check | head`) is not worth a panic.
    let _ = (|| -> std::io::Result<()> {
        let wanted = |d: &smic::Diagnostic| !args.quiet || d.is_error();
        match args.format {
            Format::Json => {
                for diagnostic in diagnostics.iter().filter(|d| wanted(d)) {
                    writeln!(out, "{}", render_json(diagnostic, &loaded.sources))?;
                }
            }
            Format::Human => {
                let groups = std::iter::once((None, loaded.general.iter().collect::<Vec<_>>()))
                    .chain(loaded.targets.iter().map(|t| {
                        let list = loaded.diagnostics.get(t).into_iter().flatten().collect();
                        (Some(t.as_str()), list)
                    }));
                for (module, list) in groups {
                    let list: Vec<&smic::Diagnostic> =
                        list.into_iter().filter(|d| wanted(d)).collect();
                    let (shown, held) = if args.verbose {
                        (list, 0)
                    } else {
                        shown_first(list, SHOWN_PER_MODULE)
                    };
                    for diagnostic in shown {
                        write!(out, "{}", renderer.render(diagnostic, &loaded.sources))?;
                    }
                    if held > 0 {
                        let module = module.unwrap_or("the load");
                        writeln!(
                            out,
                            "… and {held} more diagnostics of {module} (-v shows all)\n"
                        )?;
                    }
                }
            }
        }
        match args.format {
            Format::Human => writeln!(
                out,
                "{modules} modules: {} ok, {with_errors} with errors; {errors} errors, {warnings} warnings",
                modules - with_errors
            )?,
            Format::Json => writeln!(out, "{}", serde_json::json!({ "summary": summary }))?,
        }
        out.flush()
    })();
    // As in `dump`: the process ends here, and the system takes the memory back whole,
    // sooner than the model and the sources could be freed piece by piece.
    std::mem::forget(loaded);
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The first `cap` of `list` worth showing, errors before the rest, in `list`'s order;
/// and how many were held back.
fn shown_first(list: Vec<&smic::Diagnostic>, cap: usize) -> (Vec<&smic::Diagnostic>, usize) {
    if list.len() <= cap {
        return (list, 0);
    }
    let mut chosen: Vec<usize> = (0..list.len()).filter(|&i| list[i].is_error()).collect();
    chosen.extend((0..list.len()).filter(|&i| !list[i].is_error()));
    chosen.truncate(cap);
    chosen.sort_unstable();
    let held = list.len() - chosen.len();
    (chosen.into_iter().map(|i| list[i]).collect(), held)
}
