//! Syntax: MIB text in, `(AST, diagnostics)` out.
//!
//! No file system and no import resolution here, and pest types never cross this
//! module's boundary. [`scan`] cuts a file into modules; [`parse_module`] parses one.

pub mod ast;
mod grammar;
mod lower;
pub mod scan;

use crate::diagnostic::{Code, Diagnostic};
pub use ast::Module;
pub use scan::ModuleChunk;

/// The result of parsing one module.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The module, unless its header could not be parsed.
    pub module: Option<Module>,
    /// Everything found wrong or quirky, spans relative to the file text.
    pub diagnostics: Vec<Diagnostic>,
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
    let mut lowerer = lower::Lowerer::new(text, start);
    let module = lowerer.module(chunk.has_end);
    let mut diagnostics = lowerer.diagnostics;
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
