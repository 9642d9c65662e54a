//! `smic::Builder`: compile MIB modules to Rust from a build script, prost-build style.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     smic::Builder::new().search_path("mibs").compile(&["ACME-MIB"])?;
//!     Ok(())
//! }
//! // src/lib.rs
//! // include!(concat!(env!("OUT_DIR"), "/mibs.rs"));
//! ```
//!
//! The named modules and every module their code uses are written to `OUT_DIR` (one
//! file each, plus `mibs.rs` including them all), only when their text changed, so
//! cargo rebuilds nothing that did not change. Cargo is told to rerun the script when
//! any MIB file read (imports included) or any search directory changes.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::emit::rust::{self, Options, RustModule};
use crate::render::{HumanRenderer, render_line};
use crate::resolve::{Loaded, Loader};
use crate::{Code, Policy};

/// Configures and runs the compilation of MIB modules to Rust.
#[derive(Clone, Debug)]
pub struct Builder {
    search: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    runtime: String,
    builtin: bool,
    rerun: bool,
    policy: Policy,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

/// The MIB errors that stopped a build, rendered with file, line and snippet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    /// The errors, rendered as `smic check` renders them (snippets included).
    pub report: String,
    /// The same errors, one line each: `file:line:column: message [code]`.
    pub errors: Vec<String>,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report)
    }
}

impl std::error::Error for BuildError {}

/// What a build produced.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// Every generated module (the requested ones and those their code uses).
    pub modules: Vec<RustModule>,
    /// The text of `mibs.rs`, which includes them all.
    pub include: String,
    /// Every MIB file read (search directories are read whole).
    pub files: Vec<PathBuf>,
    /// Warnings, rendered.
    pub warnings: String,
    /// The same warnings, one line each: `file:line:column: message [code]` (what
    /// [`Builder::compile`] prints as `cargo:warning`).
    pub warning_lines: Vec<String>,
}

impl Builder {
    /// A builder with the shipped MIBs as the last search path and output to `OUT_DIR`.
    pub fn new() -> Self {
        Builder {
            search: Vec::new(),
            out_dir: None,
            runtime: "::smic_smi".to_string(),
            builtin: true,
            rerun: true,
            policy: Policy::default(),
        }
    }

    /// Adds a directory (or file) to search for modules, before the shipped ones.
    pub fn search_path(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.search.push(path.into());
        self
    }

    /// Where to write (default: `OUT_DIR`).
    pub fn out_dir(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(path.into());
        self
    }

    /// The path generated code uses for the runtime crate (default `::smic_smi`), for
    /// crates that rename or re-export it.
    pub fn runtime_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.runtime = path.into();
        self
    }

    /// Whether the MIBs shipped inside smic are searched after the given paths
    /// (default: yes).
    pub fn builtin_mibs(&mut self, enabled: bool) -> &mut Self {
        self.builtin = enabled;
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default: yes; turn off outside
    /// build scripts).
    pub fn emit_rerun_if_changed(&mut self, enabled: bool) -> &mut Self {
        self.rerun = enabled;
        self
    }

    /// Silences a warning code, as `smic check --allow` (errors cannot be silenced).
    ///
    /// ```no_run
    /// // A vendor MIB with digit-initial enumeration labels, known and accepted:
    /// smic::Builder::new()
    ///     .search_path("mibs")
    ///     .allow(smic::Code::DigitInitialLabel)
    ///     .compile(&["ACME-MIB"])?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allow(&mut self, code: Code) -> &mut Self {
        self.policy.allowed.push(code);
        self
    }

    /// Treats quirks as errors, as `smic check --strict`.
    pub fn strict(&mut self, strict: bool) -> &mut Self {
        self.policy.strict = strict;
        self
    }

    /// Compiles `modules` and writes the files.
    pub fn compile<S: AsRef<str>>(
        &self,
        modules: &[S],
    ) -> Result<Compiled, Box<dyn std::error::Error>> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or("OUT_DIR is not set: call Builder::out_dir outside build scripts")?,
        };
        let compiled = self.generate(modules)?;
        std::fs::create_dir_all(&out_dir)?;
        for module in &compiled.modules {
            write_if_changed(&out_dir.join(&module.file_name), &module.code)?;
        }
        write_if_changed(&out_dir.join("mibs.rs"), &compiled.include)?;
        if self.rerun {
            for warning in &compiled.warning_lines {
                cargo_says(&format!("cargo:warning={warning}"));
            }
        }
        Ok(compiled)
    }

    /// Compiles `modules` without writing anything (what the proc-macro uses).
    pub fn generate<S: AsRef<str>>(&self, modules: &[S]) -> Result<Compiled, BuildError> {
        let mut loader = Loader::new();
        loader.builtin(self.builtin);
        for path in &self.search {
            loader.search_path(path);
        }
        for module in modules {
            loader.target_module(module.as_ref());
        }
        let loaded = loader.load(&self.policy);
        let files: Vec<PathBuf> = loaded
            .sources
            .files()
            .iter()
            .map(|f| f.path.clone())
            .filter(|p| !p.to_string_lossy().starts_with('<'))
            .collect();
        if self.rerun {
            for path in self.search.iter().chain(&files) {
                cargo_says(&format!("cargo:rerun-if-changed={}", path.display()));
            }
        }
        let rendered = render(&loaded);
        if !rendered.errors.is_empty() {
            return Err(BuildError {
                report: rendered.report,
                errors: rendered.errors,
            });
        }
        let targets: Vec<_> = modules
            .iter()
            .filter_map(|m| loaded.model.module_id(m.as_ref()))
            .collect();
        let options = Options {
            runtime: self.runtime.clone(),
        };
        let mut generated = rust::generate_with_dependencies(&loaded.model, &targets, &options);
        self.policy.apply(&mut generated.diagnostics);
        let renderer = HumanRenderer::new(false);
        let (mut warnings, mut warning_lines) = (rendered.warnings, rendered.warning_lines);
        for d in &generated.diagnostics {
            warnings.push_str(&renderer.render(d, &loaded.sources));
            warning_lines.push(render_line(d, &loaded.sources));
        }
        Ok(Compiled {
            include: rust::include_file(&generated.modules),
            modules: generated.modules,
            files,
            warnings,
            warning_lines,
        })
    }
}

/// What a load reported, rendered in full and one line each.
#[derive(Default)]
struct Rendered {
    /// The errors, rendered in full.
    report: String,
    errors: Vec<String>,
    warnings: String,
    warning_lines: Vec<String>,
}

/// Errors and warnings of the requested modules and what they import, rendered.
fn render(loaded: &Loaded) -> Rendered {
    let renderer = HumanRenderer::new(false);
    let mut out = Rendered::default();
    let mut modules: Vec<&String> = loaded.diagnostics.keys().collect();
    modules.sort();
    let all = loaded
        .general
        .iter()
        .chain(modules.into_iter().flat_map(|m| &loaded.diagnostics[m]));
    for d in all {
        // The shipped modules' own quirks are smic's business, not the build's.
        let shipped = d
            .file
            .and_then(|f| loaded.sources.file(f))
            .is_some_and(|f| f.path.to_string_lossy().starts_with('<'));
        if d.severity == crate::Severity::Error {
            out.report.push_str(&renderer.render(d, &loaded.sources));
            out.errors.push(render_line(d, &loaded.sources));
        } else if d.severity == crate::Severity::Warning && !shipped {
            out.warnings.push_str(&renderer.render(d, &loaded.sources));
            out.warning_lines.push(render_line(d, &loaded.sources));
        }
    }
    out
}

fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, text)
}

/// A build script talks to cargo on stdout.
#[allow(clippy::print_stdout)]
fn cargo_says(line: &str) {
    println!("{line}");
}
