//! Diagnostics: stable codes, severities, labelled spans and help, rendered with miette
//! or as JSON lines.
//!
//! One data-carrying [`Diagnostic`] type serves every stage rather than an enum per
//! error kind: a batch of thousands of modules must be filtered, re-levelled
//! (`--strict`, `--allow`), counted and serialized uniformly, and the stable identity
//! of each kind lives in [`Code`].

use std::fmt;

use serde::Serialize;

/// A byte range in the text of one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets; offsets past `u32::MAX` saturate (files are capped far below).
    pub fn new(start: usize, end: usize) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The same span moved `by` bytes later.
    pub fn offset(self, by: usize) -> Self {
        Span::new(self.start as usize + by, self.end as usize + by)
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the span.
    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start as usize, span.len()).into()
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something worth knowing; never fails a build.
    Advice,
    /// Accepted, but not what the SMI says (vendor quirks are warnings by default).
    Warning,
    /// The definition or module could not be understood.
    Error,
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $severity:ident, $quirk:literal; )*) => {
        /// The stable identity of a diagnostic kind. The string form (`smic::syntax::unexpected-token`)
        /// never changes once released; it is what `--allow` and JSON consumers match on.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable string form.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity used unless policy changes it.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// Whether this is a vendor quirk: accepted by default, an error under `--strict`.
            pub fn is_quirk(self) -> bool {
                match self { $(Code::$variant => $quirk,)* }
            }
        }
    };
}

codes! {
    /// A file or directory could not be read.
    Io = "smic::source::io", Error, false;
    /// A file is larger than any MIB module could be.
    FileTooLarge = "smic::source::file-too-large", Error, false;
    /// A file holds no `NAME DEFINITIONS ::= BEGIN`.
    NoModule = "smic::source::no-module", Error, false;
    /// Two files (or two places in one) define the same module name.
    DuplicateModule = "smic::source::duplicate-module", Warning, false;

        /// An imported or requested module is not on the search path.
    ModuleNotFound = "smic::resolve::module-not-found", Error, false;
    /// A name is neither defined in its module nor imported.
    UnknownSymbol = "smic::resolve::unknown-symbol", Error, false;
    /// An imported symbol is not defined by the module named in IMPORTS.
    ImportNotFound = "smic::resolve::import-not-found", Error, false;
        /// A DEFVAL names an OID that cannot be resolved (the default is kept as a label).
    UnresolvedDefval = "smic::resolve::unresolved-defval", Warning, false;
    /// A type from the 1993 SNMPv2 drafts (`UInteger32`), read as its RFC 2578 successor.
    HistoricType = "smic::quirk::historic-type", Warning, true;
    /// A name is defined twice in one module.
    DuplicateDefinition = "smic::resolve::duplicate-definition", Error, false;
    /// OID assignments refer to each other in a loop.
    OidCycle = "smic::resolve::oid-cycle", Error, false;
    /// An OID value that cannot be evaluated (a name after the first component, ...).
    InvalidOid = "smic::resolve::invalid-oid", Error, false;
    /// Type definitions refer to each other in a loop.
    TypeCycle = "smic::resolve::type-cycle", Error, false;
        /// A type derived through more named types than any MIB needs.
    TypeTooDeep = "smic::resolve::type-too-deep", Error, false;
    /// An INDEX or AUGMENTS that does not name a column or row.
    InvalidIndex = "smic::resolve::invalid-index", Error, false;
    /// A name that must be a type is not one (or the reverse).
    WrongKind = "smic::resolve::wrong-kind", Error, false;
    /// Modules import each other in a cycle (legal, loaded together).
    ImportCycle = "smic::resolve::import-cycle", Advice, false;
    /// A module imports from itself.
    SelfImport = "smic::resolve::self-import", Warning, false;
    /// A copy of a base module on the search path was ignored for the built-in one.
    PinnedBaseModule = "smic::resolve::pinned-base-module", Warning, false;
        /// A table whose name does not end in `Table`, or a row not in `Entry`.
    LintTableNaming = "smic::lint::table-naming", Advice, false;
    /// A row's SEQUENCE type is not named after the row (`ifEntry` → `IfEntry`).
    LintEntryTypeName = "smic::lint::entry-type-name", Advice, false;
    /// A descriptor longer than the 64 characters RFC 2578 §3.1 allows.
    LintLongDescriptor = "smic::lint::long-descriptor", Advice, false;
    /// An SMIv2 index column that is accessible (RFC 2578 §7.7 wants not-accessible).
    LintAccessibleIndex = "smic::lint::accessible-index", Advice, false;
    /// A counter that can be written.
    LintWritableCounter = "smic::lint::writable-counter", Advice, false;
    /// An enumeration that uses 0 (RFC 2578 §7.1.1 advises against it).
    LintEnumZero = "smic::lint::enum-zero", Advice, false;
    /// A table with read-create columns but no RowStatus column.
    LintCreateWithoutRowStatus = "smic::lint::create-without-rowstatus", Advice, false;
    /// A current definition that uses a deprecated or obsolete one.
    LintUsesDeprecated = "smic::lint::uses-deprecated", Advice, false;
    /// An SMIv2 object or notification that no group lists.
    LintNotInGroup = "smic::lint::not-in-group", Advice, false;
    /// A DISPLAY-HINT that does not fit its base type.
    LintDisplayHint = "smic::lint::display-hint", Advice, false;
    /// Two definitions turn into the same Rust name; the later one gets another.
    RustNameCollision = "smic::codegen::name-collision", Warning, false;
    /// An enumeration or BITS value that the generated Rust enum cannot hold.
    RustEnumValueDropped = "smic::codegen::enum-value-dropped", Warning, false;
    /// The parser met a token it did not expect.
    UnexpectedToken = "smic::syntax::unexpected-token", Error, false;
    /// A string literal has no closing quote.
    UnterminatedString = "smic::syntax::unterminated-string", Error, false;
    /// Braces nest deeper than any MIB needs.
    NestingTooDeep = "smic::syntax::nesting-too-deep", Error, false;
    /// A clause the macro requires is missing.
    MissingClause = "smic::syntax::missing-clause", Error, false;
    /// A clause appears twice in one definition.
    DuplicateClause = "smic::syntax::duplicate-clause", Warning, false;
        /// A number outside -2^63 .. 2^64-1.
    NumberOverflow = "smic::syntax::number-overflow", Error, false;
    /// A STATUS or ACCESS value the SMI does not define.
    InvalidKeywordValue = "smic::syntax::invalid-value", Error, false;
    /// A number where the SMI allows none (`[APPLICATION n]` out of range, ...).
    InvalidNumber = "smic::syntax::invalid-number", Error, false;
    /// An identifier contains `_`.
    Underscore = "smic::quirk::underscore-in-identifier", Warning, true;
    /// An identifier ends in `-`.
    TrailingHyphen = "smic::quirk::trailing-hyphen", Warning, true;
    /// Items in a list are not separated by commas.
    MissingComma = "smic::quirk::missing-comma", Warning, true;
    /// A list ends with a comma.
    TrailingComma = "smic::quirk::trailing-comma", Warning, true;
    /// `IMPORTS` is not closed by `;`.
    MissingSemicolon = "smic::quirk::missing-semicolon", Warning, true;
    /// A value or object name starts with an upper-case letter.
    UppercaseValueName = "smic::quirk::uppercase-value-name", Warning, true;
    /// A type name starts with a lower-case letter.
    LowercaseTypeName = "smic::quirk::lowercase-type-name", Warning, true;
    /// `ENTERPRISE { name }` instead of `ENTERPRISE name` in TRAP-TYPE.
    EnterpriseBraces = "smic::quirk::enterprise-braces", Warning, true;
    /// SMIv1 constructs (ACCESS, mandatory, types in INDEX) in an SMIv2 module.
    Smiv1InSmiv2 = "smic::quirk::smiv1-in-smiv2", Warning, true;
    /// LAST-UPDATED or REVISION is not `YYMMDDHHMMZ` or `YYYYMMDDHHMMZ`.
    MalformedDate = "smic::quirk::malformed-date", Warning, true;
    /// A hex or binary string as DEFVAL of an integer.
    HexDefvalForInteger = "smic::quirk::hex-defval-for-integer", Warning, true;
    /// An SMIv2 module without MODULE-IDENTITY.
    MissingModuleIdentity = "smic::quirk::missing-module-identity", Warning, true;
    /// MIB text inside RFC page layout (page headers and footers were stripped).
    RfcLayout = "smic::quirk::rfc-page-layout", Warning, true;
    /// The file is not UTF-8 (decoded as Latin-1).
    NotUtf8 = "smic::quirk::not-utf8", Warning, true;
    /// A module ends without `END`.
    MissingEnd = "smic::quirk::missing-end", Warning, true;
    /// A clause the SMI requires is missing but the meaning is clear without it.
        MissingOptionalClause = "smic::quirk::omitted-clause", Warning, true;
        /// A symbol used without IMPORTS, found in a standard base module.
    UnimportedSymbol = "smic::quirk::unimported-symbol", Warning, true;
    /// A symbol imported from a module that does not define it, found in a base module.
    ImportFromWrongModule = "smic::quirk::import-from-wrong-module", Warning, true;
        /// A `--` comment closed mid-line with more text after it on the line.
    CommentEndsMidLine = "smic::quirk::comment-ends-mid-line", Warning, true;
        /// IMPLIED on an INDEX component other than a final variable-length one (ignored).
    MisplacedImplied = "smic::quirk::misplaced-implied", Warning, true;
    /// An enumeration label starts with a digit (`8021x(11)`).
    DigitInitialLabel = "smic::quirk::digit-initial-label", Warning, true;
    /// An OID value written in dotted form (`DEFVAL { 0.0 }`).
    DottedOid = "smic::quirk::dotted-oid-value", Warning, true;
    /// Clauses of a macro appear out of the SMI's order.
    ClauseOrder = "smic::quirk::clause-order", Warning, true;
    /// An INDEX names an object the module neither defines nor imports (left out).
    UnknownIndexObject = "smic::quirk::unknown-index-object", Warning, true;
    /// An import from a renamed copy of a base module (`SNMPv2-SMI-v1`) not on the path.
    RenamedBaseModule = "smic::quirk::renamed-base-module", Warning, true;
}

impl Code {
    /// For `smic::lint::*` codes, the level at which the check runs (smilint's scale:
    /// 3 = change recommended, 4 = warning, 5 = information, 6 = style).
    pub fn lint_level(self) -> Option<u8> {
        Some(match self {
            Code::LintLongDescriptor | Code::LintWritableCounter | Code::LintDisplayHint => 3,
            Code::LintCreateWithoutRowStatus | Code::LintUsesDeprecated => 4,
            Code::LintNotInGroup | Code::LintAccessibleIndex => 5,
            Code::LintTableNaming | Code::LintEntryTypeName | Code::LintEnumZero => 6,
            _ => return None,
        })
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Code {
    /// The code whose string form is `name` (with or without the `smic::` prefix).
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| {
            let full = code.as_str();
            full == name || full.strip_prefix("smic::") == Some(name)
        })
    }
}

/// A labelled span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
}

/// One finding about the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of finding.
    pub code: Code,
    /// How serious, after policy.
    pub severity: Severity,
    /// One sentence: what is wrong.
    pub message: String,
    /// The file it concerns, as an index into the loader's files; `None` for whole-run findings.
    pub file: Option<FileId>,
    /// The primary location.
    pub primary: Option<Label>,
    /// Secondary locations ("first defined here").
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
}

/// Index of a loaded source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

impl Diagnostic {
    /// A diagnostic of `code` at its default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            file: None,
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Points the diagnostic at `span`, with a label.
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label {
            span,
            message: label.into(),
        });
        self
    }

    /// Adds a secondary label.
    pub fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: label.into(),
        });
        self
    }

    /// Adds help text.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the file.
    pub fn in_file(mut self, file: FileId) -> Self {
        self.file = Some(file);
        self
    }

    /// Moves every span `by` bytes later (for text parsed out of a larger file).
    pub fn offset(mut self, by: usize) -> Self {
        if let Some(label) = &mut self.primary {
            label.span = label.span.offset(by);
        }
        for label in &mut self.secondary {
            label.span = label.span.offset(by);
        }
        self
    }

    /// Whether this is an error after policy.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// How quirks and warnings are treated.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Quirks become errors.
    pub strict: bool,
    /// Warning codes that are dropped (errors are never dropped).
    pub allowed: Vec<Code>,
}

impl Policy {
    /// Applies the policy: drops allowed codes and promotes quirks under `strict`.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        // Errors cannot be allowed away: the module they concern did not load.
        diagnostics.retain(|d| d.is_error() || !self.allowed.contains(&d.code));
        if self.strict {
            for d in diagnostics.iter_mut().filter(|d| d.code.is_quirk()) {
                d.severity = Severity::Error;
            }
        }
    }
}
