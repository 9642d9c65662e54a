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

mod error;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{BuildError, MibDiagnostic};

use crate::emit::rust::{self, Options, RustModule};
use crate::render::HumanRenderer;
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

/// What a build produced.
#[derive(Debug)]
pub struct Compiled {
    /// Every generated module (the requested ones and those their code uses).
    pub modules: Vec<RustModule>,
    /// The text of `mibs.rs`, which includes them all.
    pub include: String,
    /// Every MIB file read (search directories are read whole).
    pub files: Vec<PathBuf>,
    /// The warnings of the requested modules, what they import and the generated code
    /// ([`Builder::compile`] prints each as `cargo:warning=file:line:column: ...`).
    pub warnings: Vec<MibDiagnostic>,
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
    /// crates that rename or re-export it. A build with a string that is not a Rust path
    /// fails with [`BuildError::InvalidRuntimePath`].
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
    pub fn compile<S: AsRef<str>>(&self, modules: &[S]) -> Result<Compiled, BuildError> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        let compiled = self.generate(modules)?;
        let write = |path: PathBuf, text: &str| match write_if_changed(&path, text) {
            Ok(_) => Ok(()),
            Err(source) => Err(BuildError::Write { path, source }),
        };
        std::fs::create_dir_all(&out_dir).map_err(|source| BuildError::Write {
            path: out_dir.clone(),
            source,
        })?;
        for module in &compiled.modules {
            write(out_dir.join(&module.file_name), &module.code)?;
        }
        write(out_dir.join("mibs.rs"), &compiled.include)?;
        if self.rerun {
            for warning in &compiled.warnings {
                cargo_says(&format!("cargo:warning={}", warning.summary()));
            }
        }
        Ok(compiled)
    }

    /// Compiles `modules` without writing anything (what the proc-macro uses).
    pub fn generate<S: AsRef<str>>(&self, modules: &[S]) -> Result<Compiled, BuildError> {
        // Checked before any work: a typo here would otherwise surface as rustc errors
        // inside generated code.
        if let Err(err) = syn::parse_str::<syn::Path>(&self.runtime) {
            return Err(BuildError::InvalidRuntimePath {
                path: self.runtime.clone(),
                reason: err.to_string(),
            });
        }
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
        let mut findings = Findings::new(&loaded);
        findings.load();
        if !findings.errors.is_empty() {
            return Err(BuildError::Mib(findings.errors));
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
        for d in &generated.diagnostics {
            findings.add(d);
        }
        Ok(Compiled {
            include: rust::include_file(&generated.modules),
            modules: generated.modules,
            files,
            warnings: findings.warnings,
        })
    }
}

/// Writes `bytes` to `path` unless it already holds exactly them, and says whether it
/// wrote: an unchanged file keeps its mtime, so cargo and other build systems rebuild
/// nothing that depends on it.
pub fn write_if_changed(path: &Path, bytes: impl AsRef<[u8]>) -> std::io::Result<bool> {
    let bytes = bytes.as_ref();
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    std::fs::write(path, bytes)?;
    Ok(true)
}

/// The errors and warnings of a build, bound to their files as they are found.
struct Findings<'a> {
    loaded: &'a Loaded,
    renderer: HumanRenderer,
    texts: Vec<(u32, Arc<str>)>,
    errors: Vec<MibDiagnostic>,
    warnings: Vec<MibDiagnostic>,
}

impl<'a> Findings<'a> {
    fn new(loaded: &'a Loaded) -> Self {
        Findings {
            loaded,
            renderer: HumanRenderer::new(false),
            texts: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The findings of the requested modules and what they import.
    fn load(&mut self) {
        let loaded = self.loaded;
        let mut modules: Vec<(&String, &Vec<crate::Diagnostic>)> =
            loaded.diagnostics.iter().collect();
        modules.sort_by_key(|&(name, _)| name);
        let all = loaded
            .general
            .iter()
            .chain(modules.into_iter().flat_map(|(_, diagnostics)| diagnostics));
        for d in all {
            // The shipped modules' own quirks are smic's business, not the build's.
            let shipped = d
                .file
                .and_then(|f| loaded.sources.file(f))
                .is_some_and(|f| f.path.to_string_lossy().starts_with('<'));
            if d.severity == crate::Severity::Error || !shipped {
                self.add(d);
            }
        }
    }

    /// Keeps an error or a warning (advice is for `smic check`).
    fn add(&mut self, d: &crate::Diagnostic) {
        let list = match d.severity {
            crate::Severity::Error => &mut self.errors,
            crate::Severity::Warning => &mut self.warnings,
            crate::Severity::Advice => return,
        };
        let sources = &self.loaded.sources;
        list.push(MibDiagnostic::new(
            d,
            sources,
            &mut self.texts,
            &self.renderer,
        ));
    }
}

/// A build script talks to cargo on stdout.
#[allow(clippy::print_stdout)]
fn cargo_says(line: &str) {
    println!("{line}");
}
