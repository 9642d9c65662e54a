//! Syntax: MIB text in, `(AST, diagnostics)` out.
//!
//! No file system and no import resolution here, and pest types never cross this
//! module's boundary. [`scan`] cuts a file into modules; [`parse_module`] parses one.

pub mod ast;
mod fast;
mod grammar;
mod lower;
pub mod scan;

use crate::diagnostic::{Code, Diagnostic, Span};
pub use ast::Module;
pub use scan::ModuleChunk;

/// One item of a module body, as the fast path or the pest lowering reads it.
enum Item {
    Imports(Vec<ast::Import>),
    Exports,
    Definition(ast::Definition),
}

/// The result of parsing one module.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The module, unless its header could not be parsed.
    pub module: Option<Module>,
    /// Everything found wrong or quirky, spans relative to the file text.
    pub diagnostics: Vec<Diagnostic>,
}

/// Which readers parse the items of a module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reader {
    /// The hand-written fast path first, pest for every item it declines (the default;
    /// the results are the same, only faster).
    #[default]
    FastThenPest,
    /// pest alone, the grammar of record: for differential tests of the fast path.
    PestOnly,
}

/// Parses the module `chunk` found by [`scan::scan`] in `file_text`.
///
/// ```
/// let text = "DEMO-MIB DEFINITIONS ::= BEGIN demo OBJECT IDENTIFIER ::= { enterprises 9999 } END";
/// let chunk = &smic::syntax::scan::scan(text).modules[0];
/// let parsed = smic::syntax::parse_module(text, chunk);
/// assert!(parsed.diagnostics.is_empty());
/// assert_eq!(parsed.module.unwrap().definitions[0].name().name, "demo");
/// ```
pub fn parse_module(file_text: &str, chunk: &ModuleChunk) -> Parsed {
    parse_module_with(file_text, chunk, Reader::default())
}

/// [`parse_module`] with the readers chosen.
///
/// ```
/// use smic::syntax::{Reader, parse_module_with, scan::scan};
/// let text = "DEMO-MIB DEFINITIONS ::= BEGIN demo OBJECT IDENTIFIER ::= { enterprises 9999 } END";
/// let chunk = &scan(text).modules[0];
/// let fast = parse_module_with(text, chunk, Reader::FastThenPest);
/// let pest = parse_module_with(text, chunk, Reader::PestOnly);
/// assert_eq!(fast.module, pest.module);
/// ```
pub fn parse_module_with(file_text: &str, chunk: &ModuleChunk, reader: Reader) -> Parsed {
    let fast = reader == Reader::FastThenPest;
    if !chunk.parseable {
        return Parsed {
            module: None,
            diagnostics: Vec::new(),
        };
    }
    let (start, end) = (chunk.span.start as usize, chunk.span.end as usize);
    let Some(text) = file_text.get(start..end) else {
        return Parsed {
            module: None,
            diagnostics: Vec::new(),
        };
    };
    let mut lowerer = lower::Lowerer::new(text, start, fast);
    let mut module = lowerer.module(chunk.has_end);
    let mut diagnostics = lowerer.diagnostics;
    // Text after a comment closed mid-line that does not parse was meant as comment
    // (vendors write `-- see -- below` as one comment): read it so, and say so.
    let failed_in = |span: &Span, diagnostics: &[Diagnostic]| {
        diagnostics.iter().any(|d| {
            d.code == Code::UnexpectedToken
                && d.primary
                    .as_ref()
                    .is_some_and(|l| span.contains(l.span.start))
        })
    };
    let repairs: Vec<Span> = chunk
        .comments_closed_mid_line
        .iter()
        .copied()
        .filter(|s| failed_in(s, &diagnostics))
        .collect();
    if !repairs.is_empty() {
        let mut blanked = text.as_bytes().to_vec();
        for span in &repairs {
            // Keep the closing `--` (it still opens the comment's continuation) and blank
            // the rest; spaces keep every offset.
            // A module may end (END) on the comment's line: blank only what is in it.
            let from = (span.start as usize + 2).saturating_sub(start);
            let to = (span.end as usize).saturating_sub(start).min(blanked.len());
            for b in blanked.get_mut(from..to).unwrap_or_default() {
                *b = b' ';
            }
        }
        let blanked = String::from_utf8(blanked).unwrap_or_default();
        let mut second = lower::Lowerer::new(&blanked, start, fast);
        let repaired = second.module(chunk.has_end);
        let errors = |d: &[Diagnostic]| d.iter().filter(|d| d.is_error()).count();
        if errors(&second.diagnostics) < errors(&diagnostics) {
            module = repaired;
            diagnostics = second.diagnostics;
            for span in repairs {
                diagnostics.push(
                    Diagnostic::new(Code::CommentEndsMidLine, "text after a `--` that ends a comment was read as part of the comment")
                        .at(Span::new(span.start as usize, span.start as usize + 2), "the SMI ends the comment here")
                        .also(Span::new(span.start as usize + 2, span.end as usize), "taken as comment: it is not MIB text")
                        .help("in the SMI a comment runs to the end of the line or to the next `--`; avoid `--` inside comments"),
                );
            }
            diagnostics.sort_by_key(|d| d.primary.as_ref().map(|l| l.span.start));
        }
    }
    if let Some(quote) = chunk.unterminated_string {
        // Past an unterminated string everything is misread; the scanner already said why.
        diagnostics.retain(|d| {
            !(matches!(d.code, Code::UnexpectedToken | Code::MissingEnd)
                && d.primary.as_ref().is_some_and(|l| l.span.start >= quote))
        });
    }
    Parsed {
        module,
        diagnostics,
    }
}

/// Scans `text` and parses every module in it: the whole front end for text in memory.
///
/// ```
/// let (modules, diagnostics) = smic::syntax::parse_str("A DEFINITIONS ::= BEGIN END B DEFINITIONS ::= BEGIN END");
/// assert_eq!(modules.len(), 2);
/// assert!(diagnostics.is_empty());
/// ```
pub fn parse_str(text: &str) -> (Vec<Module>, Vec<Diagnostic>) {
    let scan = scan::scan(text);
    let mut diagnostics = scan.diagnostics;
    if scan.modules.is_empty() {
        diagnostics.push(
            Diagnostic::new(Code::NoModule, "no MIB module in this text")
                .help("a module starts with `NAME DEFINITIONS ::= BEGIN`"),
        );
    }
    let mut modules = Vec::new();
    for chunk in &scan.modules {
        let parsed = parse_module(text, chunk);
        diagnostics.extend(parsed.diagnostics);
        modules.extend(parsed.module);
    }
    (modules, diagnostics)
}
