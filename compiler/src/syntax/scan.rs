//! A fast lexical pass over a whole file: finds the modules in it and checks what would
//! make the parser misbehave (unterminated strings, runaway nesting) before it runs.
//!
//! The scanner knows comments, strings, words, `::=` and braces, and nothing else. It is
//! what lets one file hold several modules, lets RFC prose surround a module, and lets
//! the loader index a directory of thousands of files without parsing them.

use crate::diagnostic::{Code, Diagnostic, Span};

/// How deep braces (or `SEQUENCE OF`s) may nest inside a module. Real MIBs use at most
/// three levels; the limit keeps the recursive parsers far from the stack's end.
pub const MAX_NESTING: usize = 64;

/// A module found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleChunk {
    /// The module name from its header.
    pub name: String,
    /// Where the name stands.
    pub name_span: Span,
    /// From the name to the end of `END` (or to where the module was cut off).
    pub span: Span,
    /// Whether the module was closed by `END`.
    pub has_end: bool,
    /// Whether the module can be handed to the parser (it nests within limits).
    pub parseable: bool,
    /// Where a string that never closes starts, if one does: the parser's complaints
    /// past it are consequences, not news.
    pub unterminated_string: Option<u32>,
    /// Comments closed by `--` mid-line with text after them: from the closing `--` to
    /// the end of the line. If that text does not parse, it was meant as comment.
    pub comments_closed_mid_line: Vec<Span>,
}

/// What the scanner found in one file.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// Modules in file order.
    pub modules: Vec<ModuleChunk>,
    /// Problems found on the way.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Word,
    Assign,
    Open,
    Close,
    Str,
    Other,
}

struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Comments closed by `--` with more text after them on the same line: the SMI reads
    /// that text as MIB text, which is rarely what the author meant.
    closed_mid_line: Vec<(usize, usize)>,
}

/// Bytes that make up a word: letters, digits, `_` and `-` (tables, as the scanner
/// looks at every byte of every file).
#[expect(
    clippy::indexing_slicing,
    reason = "built at compile time: an index out of bounds fails the build"
)]
const WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        b += 1;
    }
    table
};

/// [`WORD`] without `-`, which needs a look at the next byte (`--` ends a word).
#[expect(
    clippy::indexing_slicing,
    reason = "built at compile time: an index out of bounds fails the build"
)]
const WORD_NOT_DASH: [bool; 256] = {
    let mut table = WORD;
    table[b'-' as usize] = false;
    table
};

/// Whitespace between tokens: ASCII whitespace and the vertical tab.
#[expect(
    clippy::indexing_slicing,
    reason = "built at compile time: an index out of bounds fails the build"
)]
const SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_whitespace() || c == 0x0b;
        b += 1;
    }
    table
};

/// How many bytes at the start of `bytes` are in `class`. A loop of its own, over a
/// slice: written against the lexer's fields, the position went through memory on
/// every byte.
fn run(bytes: &[u8], class: &[bool; 256]) -> usize {
    bytes
        .iter()
        .position(|&c| !is(class, c))
        .unwrap_or(bytes.len())
}

/// Whether `c` is in `class`.
#[expect(
    clippy::indexing_slicing,
    reason = "a table of 256 entries indexed by a byte"
)]
fn is(class: &[bool; 256], c: u8) -> bool {
    class[usize::from(c)]
}

/// The bytes from `at` on (none past the end); the fast parser's cursor uses it too.
pub(super) fn after(bytes: &[u8], at: usize) -> &[u8] {
    bytes.get(at..).unwrap_or_default()
}

impl Lexer<'_> {
    /// The next token and its byte range. `strings` decides whether `"` opens a string
    /// (inside a module) or is just a character (in prose around modules).
    fn next(&mut self, strings: bool) -> Option<(Tok, usize, usize, bool)> {
        let b = self.bytes;
        loop {
            self.pos += run(after(b, self.pos), &SPACE);
            if after(b, self.pos).starts_with(b"--") {
                self.pos += 2;
                self.skip_comment();
                continue;
            }
            break;
        }
        let start = self.pos;
        let &c = b.get(start)?;
        if is(&WORD, c) {
            self.pos += 1;
            loop {
                self.pos += run(after(b, self.pos), &WORD_NOT_DASH);
                // A dash continues the word unless it starts a comment (`--`).
                if b.get(self.pos) == Some(&b'-') && b.get(self.pos + 1) != Some(&b'-') {
                    self.pos += 1;
                    continue;
                }
                break;
            }
            return Some((Tok::Word, start, self.pos, true));
        }
        if strings && c == b'"' {
            // Descriptions are most of a MIB's text: find the closing quote with memchr
            // rather than byte by byte.
            return match memchr::memchr(b'"', after(b, start + 1)) {
                Some(n) => {
                    self.pos = start + 1 + n + 1;
                    Some((Tok::Str, start, self.pos, true))
                }
                None => {
                    self.pos = b.len();
                    Some((Tok::Str, start, self.pos, false))
                }
            };
        }
        if after(b, start).starts_with(b"::=") {
            self.pos += 3;
            return Some((Tok::Assign, start, self.pos, true));
        }
        // Step over the whole character: the tokens' ranges must stay on char boundaries.
        self.pos += match c {
            0xF0..=0xFF => 4,
            0xE0..=0xEF => 3,
            0xC0..=0xDF => 2,
            _ => 1,
        };
        self.pos = self.pos.min(b.len());
        let tok = match c {
            b'{' => Tok::Open,
            b'}' => Tok::Close,
            _ => Tok::Other,
        };
        Some((tok, start, self.pos, true))
    }

    /// Skips a comment's text, from after its opening `--` to the end of the line or a
    /// closing `--`.
    fn skip_comment(&mut self) {
        let b = self.bytes;
        // Only a line end or a dash can end a comment: jump between those.
        while let Some(n) = memchr::memchr3(b'\n', b'\r', b'-', after(b, self.pos)) {
            self.pos += n;
            if b.get(self.pos) != Some(&b'-') {
                return;
            }
            if after(b, self.pos).starts_with(b"--") {
                self.pos += 2;
                let rest = after(b, self.pos);
                let line = memchr::memchr2(b'\n', b'\r', rest)
                    .map_or(rest, |n| rest.get(..n).unwrap_or(rest));
                let line_end = self.pos + line.len();
                let text = line.iter().position(|c| !c.is_ascii_whitespace());
                if text.is_some_and(|at| !after(line, at).starts_with(b"-")) {
                    self.closed_mid_line.push((self.pos - 2, line_end));
                }
                return;
            }
            self.pos += 1;
        }
        self.pos = b.len();
    }
}

/// Header recognition: `NAME [{ oid }] DEFINITIONS [IMPLICIT TAGS] ::= BEGIN`.
#[derive(Clone, Copy, Debug)]
enum Header {
    Idle,
    Definitions { name: (usize, usize) },
    Assign { name: (usize, usize) },
}

struct Open {
    name: (usize, usize),
    begins: usize,
    braces: usize,
    /// `OF`s since the last `::=`: `SEQUENCE OF SEQUENCE OF ...` nests types without
    /// braces, and the parsers recurse on it as on braces.
    of_chain: usize,
    too_deep: bool,
    unterminated_string: Option<u32>,
}

/// Finds every module in `text`.
pub fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        pos: 0,
        closed_mid_line: Vec::new(),
    };
    let mut header = Header::Idle;
    // The last word seen outside braces: a module name candidate.
    let mut candidate: Option<(usize, usize)> = None;
    let mut outer_braces = 0usize;
    let mut open: Option<Open> = None;

    let close = |out: &mut Scan, m: Open, end: usize, has_end: bool| {
        out.modules.push(ModuleChunk {
            name: text[m.name.0..m.name.1].to_string(),
            name_span: Span::new(m.name.0, m.name.1),
            span: Span::new(m.name.0, end),
            has_end,
            parseable: !m.too_deep,
            unterminated_string: m.unterminated_string,
            comments_closed_mid_line: Vec::new(),
        });
    };

    while let Some((tok, start, end, terminated)) = lexer.next(open.is_some()) {
        // Words are ASCII: compared as bytes, with no char-boundary checks.
        let word: &[u8] = if tok == Tok::Word {
            text.as_bytes().get(start..end).unwrap_or_default()
        } else {
            b""
        };
        if !terminated {
            if let Some(m) = &mut open {
                m.unterminated_string = Some(u32::try_from(start).unwrap_or(u32::MAX));
            }
            out.diagnostics.push(
                Diagnostic::new(Code::UnterminatedString, "string literal is never closed")
                    .at(
                        Span::new(start, start + 1),
                        "this quote opens a string that runs to the end of the file",
                    )
                    .help(
                        "add the closing `\"`; SMI strings may span lines but cannot contain `\"`",
                    ),
            );
        }
        // Header recognition runs everywhere: a header inside an open module means the
        // previous one lost its END.
        let braces = open.as_ref().map_or(outer_braces, |m| m.braces);
        header = match (tok, header) {
            (Tok::Word, _) if word == b"DEFINITIONS" => match candidate {
                Some(name) => Header::Definitions { name },
                None => Header::Idle,
            },
            (Tok::Word, h @ Header::Definitions { .. })
                if matches!(word, b"IMPLICIT" | b"EXPLICIT" | b"AUTOMATIC" | b"TAGS") =>
            {
                h
            }
            (Tok::Assign, Header::Definitions { name }) => Header::Assign { name },
            (Tok::Word, Header::Assign { name }) if word == b"BEGIN" => {
                if let Some(previous) = open.take() {
                    close(&mut out, previous, name.0, false);
                }
                open = Some(Open {
                    name,
                    begins: 1,
                    braces: 0,
                    of_chain: 0,
                    too_deep: false,
                    unterminated_string: None,
                });
                candidate = None;
                header = Header::Idle;
                continue;
            }
            _ => Header::Idle,
        };
        match tok {
            Tok::Word if braces == 0 => candidate = Some((start, end)),
            Tok::Word | Tok::Str | Tok::Assign | Tok::Other => {}
            Tok::Open => match &mut open {
                Some(m) => {
                    m.braces += 1;
                    if m.braces > MAX_NESTING && !m.too_deep {
                        m.too_deep = true;
                        out.diagnostics.push(
                            Diagnostic::new(
                                Code::NestingTooDeep,
                                format!("braces nest more than {MAX_NESTING} deep"),
                            )
                            .at(Span::new(start, end), "too deep here")
                            .help("no SMI construct nests this deep; look for unbalanced `{`"),
                        );
                    }
                }
                None => outer_braces += 1,
            },
            Tok::Close => match &mut open {
                Some(m) => m.braces = m.braces.saturating_sub(1),
                None => outer_braces = outer_braces.saturating_sub(1),
            },
        }
        if let (Some(m), Tok::Assign) = (&mut open, tok) {
            m.of_chain = 0;
        }
        if let (Some(m), Tok::Word) = (&mut open, tok) {
            match word {
                b"OF" => {
                    m.of_chain += 1;
                    if m.of_chain > MAX_NESTING && !m.too_deep {
                        m.too_deep = true;
                        out.diagnostics.push(
                            Diagnostic::new(
                                Code::NestingTooDeep,
                                format!("`SEQUENCE OF` nests more than {MAX_NESTING} deep"),
                            )
                            .at(Span::new(start, end), "too deep here")
                            .help("a table's SYNTAX is one `SEQUENCE OF Entry`; look for a repeated `SEQUENCE OF`"),
                        );
                    }
                }
                b"BEGIN" => m.begins += 1,
                b"END" => {
                    m.begins -= 1;
                    if m.begins == 0 {
                        if let Some(m) = open.take() {
                            close(&mut out, m, end, true);
                        }
                        candidate = None;
                        outer_braces = 0;
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(m) = open.take() {
        close(&mut out, m, text.len(), false);
    }
    // The parser decides what they mean (see `parse_module`); prose around modules is not
    // MIB text and is left alone.
    for (dashes, line_end) in lexer.closed_mid_line {
        if let Some(m) = out
            .modules
            .iter_mut()
            .find(|m| m.span.contains(dashes as u32))
        {
            m.comments_closed_mid_line.push(Span::new(dashes, line_end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        scan(text).modules.into_iter().map(|m| m.name).collect()
    }

    #[test]
    fn finds_several_modules_in_one_file() {
        let text = "A-MIB DEFINITIONS ::= BEGIN x OBJECT IDENTIFIER ::= { a 1 } END\n\
                    -- between\nB-MIB DEFINITIONS ::= BEGIN END";
        assert_eq!(names(text), ["A-MIB", "B-MIB"]);
        assert!(scan(text).modules.iter().all(|m| m.has_end));
    }

    #[test]
    fn skips_prose_quotes_and_macro_bodies() {
        let text = "The \"quoted prose is unbalanced\n\
                    SNMPv2-SMI DEFINITIONS ::= BEGIN\n\
                    OBJECT-TYPE MACRO ::= BEGIN TYPE NOTATION ::= \"SYNTAX\" END\n\
                    x OBJECT IDENTIFIER ::= { iso 1 }\nEND\n trailing prose END";
        let scan = scan(text);
        assert_eq!(scan.modules.len(), 1);
        assert!(scan.modules[0].has_end);
        assert!(
            text[scan.modules[0].span.start as usize..scan.modules[0].span.end as usize]
                .ends_with("}\nEND")
        );
    }

    #[test]
    fn module_oid_and_tag_default_in_header() {
        assert_eq!(
            names("X-MIB { iso 3 } DEFINITIONS IMPLICIT TAGS ::= BEGIN END"),
            ["X-MIB"]
        );
    }

    #[test]
    fn missing_end_is_closed_by_next_header() {
        let scan = scan(
            "A DEFINITIONS ::= BEGIN x OBJECT IDENTIFIER ::= { a 1 }\nB DEFINITIONS ::= BEGIN END",
        );
        assert_eq!(scan.modules.len(), 2);
        assert!(!scan.modules[0].has_end);
        assert!(scan.modules[1].has_end);
    }

    #[test]
    fn comments_closed_mid_line_are_noted_only_inside_modules() {
        let text = "-- prose -- around\nA DEFINITIONS ::= BEGIN -- a -- b OBJECT IDENTIFIER ::= { a 1 }\n------\n-- c -- -- d\nEND";
        let scan = scan(text);
        assert_eq!(scan.modules[0].comments_closed_mid_line.len(), 1);
        let span = scan.modules[0].comments_closed_mid_line[0];
        assert!(text[span.start as usize..span.end as usize].starts_with("-- b OBJECT"));
    }

    #[test]
    fn rejects_deep_nesting_and_unterminated_strings() {
        let deep = format!("A DEFINITIONS ::= BEGIN x {} END", "{".repeat(10_000));
        let scan1 = scan(&deep);
        assert!(!scan1.modules[0].parseable);
        assert_eq!(scan1.diagnostics[0].code, Code::NestingTooDeep);
        let scan2 = scan("A DEFINITIONS ::= BEGIN x OBJECT-TYPE DESCRIPTION \"never closed END");
        assert_eq!(scan2.diagnostics[0].code, Code::UnterminatedString);
        assert!(!scan2.modules[0].has_end);
    }
}
