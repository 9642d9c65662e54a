//! What a build reports: each MIB finding as a [`MibDiagnostic`] that owns its snippet,
//! and the [`BuildError`] that stops a build.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{LabeledSpan, SourceCode};

use crate::diagnostic::Diagnostic;
use crate::render::{Bound, HumanRenderer, NamedText, render_line};
use crate::source::Sources;

/// One finding of a build, an error or a warning: the [`Diagnostic`] with the file it
/// points into, so it renders with file, line, snippet, code and help on its own, and
/// implements [`miette::Diagnostic`] for build scripts that report through miette.
pub struct MibDiagnostic {
    bound: Bound<Diagnostic, Arc<str>>,
    file: Option<PathBuf>,
    position: Option<(u32, u32)>,
    summary: String,
    report: String,
}

impl MibDiagnostic {
    /// Binds `diagnostic` to its file in `sources`; `texts` shares each file's text
    /// between the findings in it.
    pub(crate) fn new(
        diagnostic: &Diagnostic,
        sources: &Sources,
        texts: &mut Vec<(u32, Arc<str>)>,
        renderer: &HumanRenderer,
    ) -> Self {
        let file = diagnostic
            .file
            .and_then(|f| sources.file(f).map(|file| (f, file)));
        let source = file.map(|(id, file)| {
            let text = match texts.iter().find(|(f, _)| *f == id.0) {
                Some((_, text)) => Arc::clone(text),
                None => {
                    let text: Arc<str> = Arc::from(file.text.as_str());
                    texts.push((id.0, Arc::clone(&text)));
                    text
                }
            };
            NamedText {
                name: file.path.display().to_string(),
                text,
            }
        });
        let position = file
            .zip(diagnostic.primary.as_ref())
            .map(|((_, file), label)| file.line_col(label.span.start));
        let bound = Bound {
            diagnostic: diagnostic.clone(),
            source,
        };
        MibDiagnostic {
            report: renderer.render_bound(&bound),
            summary: render_line(diagnostic, sources),
            file: file.map(|(_, f)| f.path.clone()),
            position: position.map(|(line, column)| (line as u32, column as u32)),
            bound,
        }
    }

    /// The finding: code, severity, message, spans and help.
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.bound.diagnostic
    }

    /// The MIB file it is in (shipped modules have pseudo-paths such as `<embedded>/IF-MIB`).
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Line and column (1-based) of its primary location.
    pub fn position(&self) -> Option<(u32, u32)> {
        self.position
    }

    /// One line, as compilers print them: `file:line:column: message [code]` (what a
    /// build script hands to `cargo:warning` and the proc-macro to `compile_error!`).
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// Rendered in full, as `smic check` shows it: message, code, file and line, the
    /// snippet with its labels, and help.
    pub fn report(&self) -> &str {
        &self.report
    }
}

impl fmt::Debug for MibDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

impl fmt::Display for MibDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic().message)
    }
}

impl std::error::Error for MibDiagnostic {}

impl miette::Diagnostic for MibDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.bound.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.bound.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.bound.help()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.bound.source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.bound.labels()
    }
}

/// Why a build stopped.
///
/// `Debug` shows what `Display` shows, and for MIB errors that is every error rendered
/// with file, line, snippet and code: a build script whose `main` returns
/// `Result<(), Box<dyn Error>>` and meets one prints them in `cargo build`'s output.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The modules have errors (in the order the loader found them; never empty).
    #[error("{}", mib_report(.0))]
    Mib(Vec<MibDiagnostic>),
    /// [`Builder::compile`](super::Builder::compile) was called with no output directory
    /// and no `OUT_DIR` (outside a build script).
    #[error("OUT_DIR is not set: call Builder::out_dir outside build scripts")]
    NoOutDir,
    /// [`Builder::runtime_path`](super::Builder::runtime_path) is not a Rust path.
    #[error("runtime path `{path}` is not a Rust path: {reason}")]
    InvalidRuntimePath {
        /// The path as given.
        path: String,
        /// What the Rust parser said.
        reason: String,
    },
    /// A generated file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
}

impl BuildError {
    /// The MIB errors, when that is why the build stopped.
    pub fn mib_errors(&self) -> &[MibDiagnostic] {
        match self {
            BuildError::Mib(errors) => errors,
            _ => &[],
        }
    }
}

fn mib_report(errors: &[MibDiagnostic]) -> String {
    errors.iter().map(MibDiagnostic::report).collect()
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Code, source, span and help are the first MIB error's; the others are related.
impl miette::Diagnostic for BuildError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self {
            BuildError::Mib(errors) => errors.first()?.code(),
            BuildError::NoOutDir => Some(Box::new("smic::build::no-out-dir")),
            BuildError::InvalidRuntimePath { .. } => {
                Some(Box::new("smic::build::invalid-runtime-path"))
            }
            BuildError::Write { .. } => Some(Box::new("smic::build::write")),
        }
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self {
            BuildError::Mib(errors) => errors.first()?.help(),
            BuildError::InvalidRuntimePath { .. } => {
                Some(Box::new("give a path such as `::smic_smi` or `crate::smi`"))
            }
            _ => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.mib_errors().first()?.source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.mib_errors().first()?.labels()
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        let rest = self.mib_errors().get(1..)?;
        Some(Box::new(rest.iter().map(|e| e as &dyn miette::Diagnostic)))
    }
}
