//! `smic check`: load every module under some paths, parse them on all cores, and
//! account for the outcome per module.

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, FileId, Policy, Severity};
use crate::source::{ModuleLocation, Sources};
use crate::syntax::{self, Module};

/// The outcome for one module.
#[derive(Clone, Debug)]
pub struct ModuleOutcome {
    /// The module name.
    pub name: String,
    /// The file it came from.
    pub file: FileId,
    /// The parsed module, unless its header was unreadable.
    pub module: Option<Module>,
    /// Errors, after policy.
    pub errors: usize,
    /// Warnings, after policy.
    pub warnings: usize,
}

/// Everything `check` found.
#[derive(Debug)]
pub struct CheckReport {
    /// The loaded files.
    pub sources: Sources,
    /// One entry per module, in load order.
    pub modules: Vec<ModuleOutcome>,
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

/// The counts printed on the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Modules found.
    pub modules: usize,
    /// Modules without errors.
    pub ok: usize,
    /// Modules with at least one error.
    pub with_errors: usize,
    /// Errors in total (including file-level ones).
    pub errors: usize,
    /// Warnings in total.
    pub warnings: usize,
}

impl CheckReport {
    /// Counts for the summary line.
    pub fn summary(&self) -> Summary {
        let with_errors = self.modules.iter().filter(|m| m.errors > 0).count();
        Summary {
            modules: self.modules.len(),
            ok: self.modules.len() - with_errors,
            with_errors,
            errors: self
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count(),
            warnings: self
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count(),
        }
    }

    /// Whether anything failed.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads every file under `paths` and parses every module in them.
pub fn check_paths(paths: &[PathBuf], policy: &Policy) -> CheckReport {
    let mut sources = Sources::new();
    for path in paths {
        sources.add_path(path);
    }
    check_sources(sources, policy)
}

/// Parses every module of already loaded sources, on all available cores.
pub fn check_sources(mut sources: Sources, policy: &Policy) -> CheckReport {
    let parsed = parse_all(&sources);
    let mut diagnostics = std::mem::take(&mut sources.diagnostics);
    policy.apply(&mut diagnostics);
    let mut modules = Vec::with_capacity(parsed.len());
    for (location, mut result) in sources.modules().iter().zip(parsed) {
        policy.apply(&mut result.diagnostics);
        let errors = result
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = result
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        let file_errors = diagnostics
            .iter()
            .filter(|d| d.is_error() && d.file == Some(location.file))
            .filter(|d| {
                d.primary
                    .as_ref()
                    .is_some_and(|l| location.chunk.span.contains(l.span.start))
            })
            .count();
        modules.push(ModuleOutcome {
            name: location.chunk.name.clone(),
            file: location.file,
            module: result.module,
            errors: errors + file_errors,
            warnings,
        });
        diagnostics.extend(
            result
                .diagnostics
                .into_iter()
                .map(|d| d.in_file(location.file)),
        );
    }
    diagnostics.sort_by_key(|d| (d.file, d.primary.as_ref().map(|l| l.span.start)));
    CheckReport {
        sources,
        modules,
        diagnostics,
    }
}

/// Parses every module, spreading the work over the machine's cores.
fn parse_all(sources: &Sources) -> Vec<syntax::Parsed> {
    parse_locations(sources, sources.modules())
}

/// Parses the modules at `locations`, spreading the work over the machine's cores;
/// results come back in the order of `locations`.
pub fn parse_locations(sources: &Sources, locations: &[ModuleLocation]) -> Vec<syntax::Parsed> {
    parse_with_progress(sources, locations, &|| {})
}

/// [`parse_locations`], calling `progress` once per module parsed (from any thread).
pub fn parse_with_progress(
    sources: &Sources,
    locations: &[ModuleLocation],
    progress: &(dyn Fn() + Sync),
) -> Vec<syntax::Parsed> {
    // A panicking worker would be a bug; its modules are then reported unparsed.
    let parsed = crate::parallel::map_on_all_cores(locations, |location| {
        let text = sources.file(location.file).map_or("", |f| f.text.as_str());
        let parsed = syntax::parse_module(text, &location.chunk);
        progress();
        parsed
    });
    parsed
        .into_iter()
        .map(|r| {
            r.unwrap_or(syntax::Parsed {
                module: None,
                diagnostics: Vec::new(),
            })
        })
        .collect()
}
