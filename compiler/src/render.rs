//! Showing diagnostics: miette's graphical reports with source snippets, or JSON lines.

use std::borrow::Borrow;
use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};
use serde_json::json;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Sources};

/// Text of one file under its path, as miette wants it: borrowed while rendering, shared
/// (`Arc<str>`) in the diagnostics a build returns.
pub(crate) struct NamedText<T> {
    pub(crate) name: String,
    pub(crate) text: T,
}

impl<T: AsRef<str> + Send + Sync> SourceCode for NamedText<T> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, miette::MietteError> {
        // miette finds lines by reading the text from its start, for every label: in a
        // file of 40,000 lines with a few hundred findings that is most of the rendering.
        // It reads from a line start a little before the span instead, and the lines
        // skipped are counted once, the way miette counts them.
        let text = self.text.as_ref();
        let (start, lines_before) = window_start(text, span.offset(), context_lines_before);
        let window = text.get(start..).unwrap_or_default();
        let local = SourceSpan::new((span.offset() - start).into(), span.len());
        let contents = window.read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + start).into(),
                contents.span().len(),
            ),
            contents.line() + lines_before,
            contents.column(),
            contents.line_count() + lines_before,
        )))
    }
}

/// Where to start reading for a span at `offset` with `context` lines before it: just
/// after a line feed far enough back (or 0), and how many line breaks precede that point
/// as miette counts them (`\n`, `\r\n` and a lone `\r` are one each).
fn window_start(text: &str, offset: usize, context: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    // The span's own line, the context lines, and one more for good measure.
    let mut feeds = context + 2;
    let mut start = 0;
    for (i, &b) in bytes.iter().take(offset).enumerate().rev() {
        if b == b'\n' {
            feeds -= 1;
            if feeds == 0 {
                start = i + 1;
                break;
            }
        }
    }
    let skipped = bytes.get(..start).unwrap_or_default();
    let feeds = skipped.iter().filter(|&&b| b == b'\n').count();
    let returns = skipped.iter().filter(|&&b| b == b'\r').count();
    let pairs = if returns == 0 {
        0
    } else {
        skipped.windows(2).filter(|w| w == b"\r\n").count()
    };
    (start, feeds + returns - pairs)
}

/// A diagnostic bound to its file, implementing [`miette::Diagnostic`]: borrowed while
/// rendering, owned (`Bound<Diagnostic, Arc<str>>`) in the diagnostics a build returns.
pub(crate) struct Bound<D, T> {
    pub(crate) diagnostic: D,
    pub(crate) source: Option<NamedText<T>>,
}

impl<D: Borrow<Diagnostic>, T> fmt::Debug for Bound<D, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic.borrow(), f)
    }
}

impl<D: Borrow<Diagnostic>, T> fmt::Display for Bound<D, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.borrow().message)
    }
}

impl<D: Borrow<Diagnostic>, T> std::error::Error for Bound<D, T> {}

impl<D: Borrow<Diagnostic>, T: AsRef<str> + Send + Sync> miette::Diagnostic for Bound<D, T> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.borrow().code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.borrow().severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Advice => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .borrow()
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let diagnostic = self.diagnostic.borrow();
        let primary = diagnostic.primary.iter().map(|l| {
            let text = (!l.message.is_empty()).then(|| l.message.clone());
            LabeledSpan::new_primary_with_span(text, l.span)
        });
        let secondary = diagnostic.secondary.iter().map(|l| {
            let text = (!l.message.is_empty()).then(|| l.message.clone());
            LabeledSpan::new_with_span(text, l.span)
        });
        Some(Box::new(primary.chain(secondary)))
    }
}

/// Renders diagnostics as miette's graphical reports.
pub struct HumanRenderer {
    handler: GraphicalReportHandler,
}

impl HumanRenderer {
    /// A renderer; `color` selects ANSI colours (for terminals).
    pub fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        HumanRenderer {
            handler: GraphicalReportHandler::new_themed(theme).with_width(100),
        }
    }

    /// One diagnostic, with a snippet of its file when it has one.
    pub fn render(&self, diagnostic: &Diagnostic, sources: &Sources) -> String {
        let source = diagnostic
            .file
            .and_then(|f| sources.file(f))
            .map(|file| NamedText {
                name: file.path.display().to_string(),
                text: &file.text,
            });
        self.render_bound(&Bound { diagnostic, source })
    }

    /// A diagnostic already bound to its file.
    pub(crate) fn render_bound<D: Borrow<Diagnostic>, T: AsRef<str> + Send + Sync>(
        &self,
        bound: &Bound<D, T>,
    ) -> String {
        let mut out = String::new();
        if self.handler.render_report(&mut out, bound).is_err() {
            let diagnostic = bound.diagnostic.borrow();
            out = format!("{}: {}\n", diagnostic.code, diagnostic.message);
        }
        out
    }
}

/// One diagnostic on one line, as compilers print them: `path:line:column: message
/// [code]` (the position of the primary label; without one, the path or nothing).
///
/// What a build script hands to `cargo:warning` and the proc-macro to `compile_error!`.
pub fn render_line(diagnostic: &Diagnostic, sources: &Sources) -> String {
    let file = diagnostic.file.and_then(|f| sources.file(f));
    let place = match (file, &diagnostic.primary) {
        (Some(file), Some(label)) => {
            let (line, column) = file.line_col(label.span.start);
            format!("{}:{line}:{column}: ", file.path.display())
        }
        (Some(file), None) => format!("{}: ", file.path.display()),
        (None, _) => String::new(),
    };
    let message = diagnostic.message.replace(['\n', '\r'], " ");
    format!("{place}{message} [{}]", diagnostic.code)
}

/// One diagnostic as a single JSON line: code, severity, message, file, 1-based
/// line/column of the start and end, labels and help.
pub fn render_json(diagnostic: &Diagnostic, sources: &Sources) -> String {
    let file = diagnostic.file.and_then(|f| sources.file(f));
    let position = |file: Option<&SourceFile>, offset: u32| file.map(|f| f.line_col(offset));
    let label = |l: &crate::diagnostic::Label| {
        let start = position(file, l.span.start);
        let end = position(file, l.span.end);
        json!({
            "message": l.message,
            "offset": l.span.start,
            "length": l.span.len(),
            "line": start.map(|p| p.0),
            "column": start.map(|p| p.1),
            "end_line": end.map(|p| p.0),
            "end_column": end.map(|p| p.1),
        })
    };
    let primary = diagnostic.primary.as_ref().map(label);
    let value = json!({
        "code": diagnostic.code.as_str(),
        "severity": diagnostic.severity,
        "quirk": diagnostic.code.is_quirk(),
        "message": diagnostic.message,
        "file": file.map(|f| f.path.display().to_string()),
        "line": primary.as_ref().and_then(|p| p["line"].as_u64()),
        "column": primary.as_ref().and_then(|p| p["column"].as_u64()),
        "primary": primary,
        "secondary": diagnostic.secondary.iter().map(label).collect::<Vec<_>>(),
        "help": diagnostic.help,
    });
    value.to_string()
}
