//! Snapshot tests of the human-readable diagnostics, one small broken MIB per
//! diagnostic code, plus error recovery, `--strict`, `--allow` and JSON output.
//!
//! Every case loads its text the way `smic check` loads a file (`source::decode`, then
//! `Sources::add_text`, then `check::check_sources`), asserts that the expected code is
//! reported, and snapshots every rendered diagnostic of the run (no colour), so a
//! snapshot shows the whole picture: message, snippet with carets, labels and help.
//!
//! Codes of [`Code::ALL`] that are not covered here:
//!
//! - `smic::source::io` and `smic::source::file-too-large`: raised only while reading
//!   files from disk (`source::read_file`, `source::walk`), never for text in memory.
//! - every `smic::resolve::*` code and the quirks the resolver reports
//!   (`unimported-symbol`, `import-from-wrong-module`, `historic-type`): they need
//!   IMPORTS followed through the loader, and are covered by `tests/all/resolve_diagnostics.rs`.
//! - the `smic::codegen::*` codes: raised by the Rust generator, covered by the user
//!   crate's tests (`tests/tests/all/typed_objects.rs` in the workspace).
//!
//! [`every_code_is_covered_or_skipped`] keeps these lists honest when codes are added.

#![allow(clippy::unwrap_used)]

use smic::check::{CheckReport, check_sources};
use smic::render::{HumanRenderer, render_json};
use smic::source::{Sources, decode};
use smic::syntax::scan::MAX_NESTING;
use smic::{Code, Policy, Severity};

/// Loads `bytes` as the file `file` and checks it under `policy`.
fn check_bytes(file: &str, bytes: impl Into<Vec<u8>>, policy: &Policy) -> CheckReport {
    let mut sources = Sources::new();
    let (text, diags) = decode(bytes.into());
    sources.add_text(file, text, diags);
    check_sources(sources, policy)
}

/// Every diagnostic of the report, rendered without colour, one after the other.
fn render_all(report: &CheckReport) -> String {
    let renderer = HumanRenderer::new(false);
    report
        .diagnostics
        .iter()
        .map(|d| renderer.render(d, &report.sources))
        .collect()
}

/// The codes of the report, in order, for assertion messages.
fn codes(report: &CheckReport) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// Checks `bytes` with the default policy, asserts that `code` is reported and returns
/// every diagnostic rendered.
fn expect_code(file: &str, bytes: impl Into<Vec<u8>>, code: Code) -> String {
    let report = check_bytes(file, bytes, &Policy::default());
    assert!(
        report.diagnostics.iter().any(|d| d.code == code),
        "expected {code} in {file}, got {:?}",
        codes(&report)
    );
    render_all(&report)
}

/// One case: the input goes into the snapshot's description, the rendered
/// diagnostics are the snapshot. Named after the enclosing test function.
macro_rules! case {
    ($file:expr, $code:expr, $input:expr) => {{
        let input: &str = $input;
        let rendered = expect_code($file, input, $code);
        insta::with_settings!({ description => input, omit_expression => true }, {
            insta::assert_snapshot!(rendered);
        });
    }};
}

/// A well-formed SMIv2 module named `name` around `body` (definitions after the
/// MODULE-IDENTITY `caseMIB`).
fn smiv2(name: &str, body: &str) -> String {
    format!(
        r#"{name} DEFINITIONS ::= BEGIN

IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI;

caseMIB MODULE-IDENTITY
    LAST-UPDATED "202401150000Z"
    ORGANIZATION "Example Networks"
    CONTACT-INFO "noc@example.net"
    DESCRIPTION  "Test module."
    ::= {{ enterprises 99999 }}

{body}
END
"#
    )
}

// ---------------------------------------------------------------- coverage

/// Codes exercised by a case below.
const COVERED: &[Code] = &[
    Code::NoModule,
    Code::DuplicateModule,
    Code::UnexpectedToken,
    Code::UnterminatedString,
    Code::NestingTooDeep,
    Code::MissingClause,
    Code::DuplicateClause,
    Code::NumberOverflow,
    Code::InvalidNumber,
    Code::Underscore,
    Code::TrailingHyphen,
    Code::MissingComma,
    Code::TrailingComma,
    Code::MissingSemicolon,
    Code::UppercaseValueName,
    Code::LowercaseTypeName,
    Code::EnterpriseBraces,
    Code::Smiv1InSmiv2,
    Code::MalformedDate,
    Code::HexDefvalForInteger,
    Code::MissingModuleIdentity,
    Code::RfcLayout,
    Code::NotUtf8,
    Code::MissingEnd,
    Code::MissingOptionalClause,
    Code::DottedOid,
    Code::ClauseOrder,
    Code::InvalidKeywordValue,
    Code::DigitInitialLabel,
    Code::CommentEndsMidLine,
];

/// Codes not produced from one text in memory (see the crate documentation).
const SKIPPED: &[Code] = &[Code::Io, Code::FileTooLarge];

/// Codes of the resolve stage, covered by `tests/all/resolve_diagnostics.rs` (which keeps
/// its own coverage test for them).
const COVERED_ELSEWHERE: &[Code] = &[
    // Raised by the Rust generator: `tests/tests/all/typed_objects.rs` checks both on a module
    // built to collide and to repeat enumeration values.
    Code::RustNameCollision,
    Code::RustEnumValueDropped,
    Code::ModuleNotFound,
    Code::UnknownSymbol,
    Code::ImportNotFound,
    Code::UnresolvedDefval,
    Code::HistoricType,
    Code::DuplicateDefinition,
    Code::OidCycle,
    Code::InvalidOid,
    Code::TypeCycle,
    Code::TypeTooDeep,
    Code::MisplacedImplied,
    Code::InvalidIndex,
    Code::WrongKind,
    Code::ImportCycle,
    Code::SelfImport,
    Code::PinnedBaseModule,
    Code::UnimportedSymbol,
    Code::ImportFromWrongModule,
    Code::UnknownIndexObject,
    Code::RenamedBaseModule,
];

/// Lint codes: each is exercised at its level by `lint.rs`.
const LINTS: &[Code] = &[
    Code::LintTableNaming,
    Code::LintEntryTypeName,
    Code::LintLongDescriptor,
    Code::LintAccessibleIndex,
    Code::LintWritableCounter,
    Code::LintEnumZero,
    Code::LintCreateWithoutRowStatus,
    Code::LintUsesDeprecated,
    Code::LintNotInGroup,
    Code::LintDisplayHint,
];

#[test]
fn every_code_is_covered_or_skipped() {
    for code in Code::ALL {
        let listed = [COVERED, SKIPPED, COVERED_ELSEWHERE, LINTS]
            .iter()
            .filter(|list| list.contains(code))
            .count();
        assert_eq!(listed, 1, "{code} must be listed exactly once");
    }
}

// ---------------------------------------------------------------- source stage

/// The header lacks `::=`, so the file holds no module at all.
#[test]
fn no_module() {
    case!(
        "NO-MODULE.mib",
        Code::NoModule,
        r#"CASE-MIB DEFINITIONS BEGIN

IMPORTS
    MODULE-IDENTITY, enterprises FROM SNMPv2-SMI;

caseMIB MODULE-IDENTITY
    LAST-UPDATED "202401150000Z"
    ORGANIZATION "Example Networks"
    CONTACT-INFO "noc@example.net"
    DESCRIPTION  "Test module."
    ::= { enterprises 99999 }

END
"#
    );
}

/// The same module twice in one file (a copy pasted below the original).
#[test]
fn duplicate_module() {
    let module = smiv2(
        "CASE-MIB",
        r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#,
    );
    case!(
        "DUPLICATE-MODULE.mib",
        Code::DuplicateModule,
        &format!("{module}\n{module}")
    );
}

/// MIB text cut out of an RFC with its page footer and header still in it.
#[test]
fn rfc_page_layout() {
    case!(
        "RFC-PAGE-LAYOUT.mib",
        Code::RfcLayout,
        &smiv2(
            "CASE-MIB",
            "caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only

Example                     Standards Track                   [Page 12]
\u{c}
RFC 9999                    The Case MIB                   January 2024

    STATUS      current
    DESCRIPTION \"A value.\"
    ::= { caseMIB 1 }
"
        )
    );
}

/// A Latin-1 `é` in a DESCRIPTION.
#[test]
fn not_utf8() {
    let mut bytes = smiv2(
        "CASE-MIB",
        r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "Valeur mesur?e."
    ::= { caseMIB 1 }
"#,
    )
    .into_bytes();
    let at = bytes.iter().position(|&b| b == b'?').unwrap();
    bytes[at] = 0xE9;
    let report = check_bytes("NOT-UTF8.mib", bytes, &Policy::default());
    assert!(
        report.diagnostics.iter().any(|d| d.code == Code::NotUtf8),
        "got {:?}",
        codes(&report)
    );
    insta::assert_snapshot!(render_all(&report));
}

// ---------------------------------------------------------------- syntax errors

/// `::=` forgotten before the OID value of an OBJECT-TYPE.
#[test]
fn unexpected_token() {
    case!(
        "UNEXPECTED-TOKEN.mib",
        Code::UnexpectedToken,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    { caseMIB 1 }
"#
        )
    );
}

/// A DESCRIPTION whose closing quote is missing.
#[test]
fn unterminated_string() {
    case!(
        "UNTERMINATED-STRING.mib",
        Code::UnterminatedString,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value.
    ::= { caseMIB 1 }
"#
        )
    );
}

/// Runaway braces in an OID value.
#[test]
fn nesting_too_deep() {
    let open = "{ ".repeat(MAX_NESTING + 1);
    let close = "} ".repeat(MAX_NESTING + 1);
    case!(
        "NESTING-TOO-DEEP.mib",
        Code::NestingTooDeep,
        &smiv2(
            "CASE-MIB",
            &format!("caseNode OBJECT IDENTIFIER ::= {open}caseMIB 1 {close}\n")
        )
    );
}

/// An OBJECT-TYPE without SYNTAX.
#[test]
fn missing_clause() {
    case!(
        "MISSING-CLAUSE.mib",
        Code::MissingClause,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// Two DESCRIPTION clauses in one OBJECT-TYPE.
#[test]
fn duplicate_clause() {
    case!(
        "DUPLICATE-CLAUSE.mib",
        Code::DuplicateClause,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    DESCRIPTION "The same value, described again."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// An OID arc far beyond any integer type.
#[test]
fn number_overflow() {
    case!(
        "NUMBER-OVERFLOW.mib",
        Code::NumberOverflow,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1234567890123456789012345678901234567890 }
"#
        )
    );
}

/// A STATUS value the SMI does not define.
#[test]
fn invalid_keyword_value() {
    case!(
        "INVALID-VALUE.mib",
        Code::InvalidKeywordValue,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      currnet
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// An `[APPLICATION n]` tag number beyond 32 bits.
#[test]
fn invalid_number() {
    case!(
        "INVALID-NUMBER.mib",
        Code::InvalidNumber,
        r#"CASE-SMI DEFINITIONS ::= BEGIN

IMPORTS
    ObjectName FROM RFC1155-SMI;

CaseCounter ::= [APPLICATION 4294967296] IMPLICIT INTEGER (0..4294967295)

END
"#
    );
}

// ---------------------------------------------------------------- quirks

/// An object descriptor with `_`.
#[test]
fn underscore_in_identifier() {
    case!(
        "UNDERSCORE.mib",
        Code::Underscore,
        &smiv2(
            "CASE-MIB",
            r#"case_value OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// An object descriptor ending in `-`.
#[test]
fn trailing_hyphen() {
    case!(
        "TRAILING-HYPHEN.mib",
        Code::TrailingHyphen,
        &smiv2(
            "CASE-MIB",
            r#"caseValue- OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// IMPORTS with a comma missing between two symbols.
#[test]
fn missing_comma() {
    case!(
        "MISSING-COMMA.mib",
        Code::MissingComma,
        r#"CASE-MIB DEFINITIONS ::= BEGIN

IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE Integer32, enterprises
        FROM SNMPv2-SMI;

caseMIB MODULE-IDENTITY
    LAST-UPDATED "202401150000Z"
    ORGANIZATION "Example Networks"
    CONTACT-INFO "noc@example.net"
    DESCRIPTION  "Test module."
    ::= { enterprises 99999 }

caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }

END
"#
    );
}

/// An enumeration whose last item is followed by a comma.
#[test]
fn trailing_comma() {
    case!(
        "TRAILING-COMMA.mib",
        Code::TrailingComma,
        &smiv2(
            "CASE-MIB",
            r#"caseState OBJECT-TYPE
    SYNTAX      INTEGER { up(1), down(2), }
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "The state."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// IMPORTS not closed by `;`.
#[test]
fn missing_semicolon() {
    case!(
        "MISSING-SEMICOLON.mib",
        Code::MissingSemicolon,
        r#"CASE-MIB DEFINITIONS ::= BEGIN

IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI

caseMIB MODULE-IDENTITY
    LAST-UPDATED "202401150000Z"
    ORGANIZATION "Example Networks"
    CONTACT-INFO "noc@example.net"
    DESCRIPTION  "Test module."
    ::= { enterprises 99999 }

caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }

END
"#
    );
}

/// An object descriptor starting upper-case.
#[test]
fn uppercase_value_name() {
    case!(
        "UPPERCASE-VALUE-NAME.mib",
        Code::UppercaseValueName,
        &smiv2(
            "CASE-MIB",
            r#"CaseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// A textual convention named lower-case.
#[test]
fn lowercase_type_name() {
    case!(
        "LOWERCASE-TYPE-NAME.mib",
        Code::LowercaseTypeName,
        r#"CASE-TC DEFINITIONS ::= BEGIN

IMPORTS
    TEXTUAL-CONVENTION FROM SNMPv2-TC;

caseState ::= TEXTUAL-CONVENTION
    STATUS      current
    DESCRIPTION "Up or down."
    SYNTAX      INTEGER { up(1), down(2) }

END
"#
    );
}

/// `ENTERPRISE { name }` in an SMIv1 TRAP-TYPE.
#[test]
fn enterprise_braces() {
    case!(
        "ENTERPRISE-BRACES.mib",
        Code::EnterpriseBraces,
        r#"CASE-TRAP-MIB DEFINITIONS ::= BEGIN

IMPORTS
    enterprises FROM RFC1155-SMI
    TRAP-TYPE FROM RFC-1215;

caseMIB OBJECT IDENTIFIER ::= { enterprises 99999 }

caseAlarm TRAP-TYPE
    ENTERPRISE  { caseMIB }
    DESCRIPTION "Something is on fire."
    ::= 1

END
"#
    );
}

/// An SMIv1 `ACCESS` clause in an SMIv2 module.
#[test]
fn smiv1_in_smiv2() {
    case!(
        "SMIV1-IN-SMIV2.mib",
        Code::Smiv1InSmiv2,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    ACCESS      read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// LAST-UPDATED written as an ISO date.
#[test]
fn malformed_date() {
    case!(
        "MALFORMED-DATE.mib",
        Code::MalformedDate,
        r#"CASE-MIB DEFINITIONS ::= BEGIN

IMPORTS
    MODULE-IDENTITY, enterprises FROM SNMPv2-SMI;

caseMIB MODULE-IDENTITY
    LAST-UPDATED "2024-01-15"
    ORGANIZATION "Example Networks"
    CONTACT-INFO "noc@example.net"
    DESCRIPTION  "Test module."
    ::= { enterprises 99999 }

END
"#
    );
}

/// A hex string as the default of an Integer32 object.
#[test]
fn hex_defval_for_integer() {
    case!(
        "HEX-DEFVAL.mib",
        Code::HexDefvalForInteger,
        &smiv2(
            "CASE-MIB",
            r#"caseLimit OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-write
    STATUS      current
    DESCRIPTION "A limit."
    DEFVAL      { '0A'H }
    ::= { caseMIB 1 }
"#
        )
    );
}

/// An SMIv2 module defining objects without a MODULE-IDENTITY.
#[test]
fn missing_module_identity() {
    case!(
        "MISSING-MODULE-IDENTITY.mib",
        Code::MissingModuleIdentity,
        r#"CASE-MIB DEFINITIONS ::= BEGIN

IMPORTS
    OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;

caseMIB OBJECT IDENTIFIER ::= { enterprises 99999 }

caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }

END
"#
    );
}

/// A module whose END was cut off.
#[test]
fn missing_end() {
    let text = smiv2(
        "CASE-MIB",
        r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#,
    );
    let text = text.trim_end().strip_suffix("END").unwrap();
    case!("MISSING-END.mib", Code::MissingEnd, text);
}

/// An OBJECT-TYPE without STATUS.
#[test]
fn missing_optional_clause() {
    case!(
        "MISSING-OPTIONAL-CLAUSE.mib",
        Code::MissingOptionalClause,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// An enumeration label starting with a digit.
#[test]
fn digit_initial_label() {
    case!(
        "DIGIT-INITIAL-LABEL.mib",
        Code::DigitInitialLabel,
        &smiv2(
            "CASE-MIB",
            r#"caseAuthMethod OBJECT-TYPE
    SYNTAX      INTEGER { none(1), 8021x(2) }
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "How ports authenticate."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// An OBJECT IDENTIFIER default written as dotted numbers.
#[test]
fn dotted_oid_value() {
    case!(
        "DOTTED-OID.mib",
        Code::DottedOid,
        &smiv2(
            "CASE-MIB",
            r#"caseProduct OBJECT-TYPE
    SYNTAX      OBJECT IDENTIFIER
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "The product."
    DEFVAL      { 0.0 }
    ::= { caseMIB 1 }
"#
        )
    );
}

/// A comment closed by `--` mid-line, with text after it that the SMI then reads.
#[test]
fn comment_ends_mid_line() {
    case!(
        "COMMENT-MID-LINE.mib",
        Code::CommentEndsMidLine,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32 -- units -- seconds
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// STATUS before SYNTAX.
#[test]
fn clause_order() {
    case!(
        "CLAUSE-ORDER.mib",
        Code::ClauseOrder,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    STATUS      current
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#
        )
    );
}

// ---------------------------------------------------------------- recovery and policy

/// Three broken definitions among good ones: three errors, and every good definition
/// is still in the module.
#[test]
fn recovers_after_broken_definitions() {
    let input = smiv2(
        "RECOVERY-MIB",
        r#"caseFirst OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "Good."
    ::= { caseMIB 1 }

caseBrokenSyntax OBJECT-TYPE
    SYNTAX      Integer32 (0..
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "Range never closed."
    ::= { caseMIB 2 }

caseSecond OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "Good."
    ::= { caseMIB 3 }

caseBrokenAssign OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "No ::= before the OID."
    { caseMIB 4 }

caseThird OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "Good."
    ::= { caseMIB 5 }

caseBrokenOid OBJECT IDENTIFIER ::= { caseMIB 6

caseFourth OBJECT IDENTIFIER ::= { caseMIB 7 }
"#,
    );
    let report = check_bytes("RECOVERY-MIB.mib", input.as_str(), &Policy::default());
    let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 3, "got {:?}", codes(&report));
    assert!(errors.iter().all(|d| d.code == Code::UnexpectedToken));
    assert_eq!(report.modules.len(), 1);
    assert_eq!(report.modules[0].errors, 3);
    let names: Vec<&str> = report.modules[0]
        .module
        .as_ref()
        .unwrap()
        .definitions
        .iter()
        .map(|d| d.name().name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "caseMIB",
            "caseFirst",
            "caseSecond",
            "caseThird",
            "caseFourth"
        ]
    );
    insta::with_settings!({ description => input.as_str(), omit_expression => true }, {
        insta::assert_snapshot!(render_all(&report));
    });
}

/// `--strict` turns a quirk from a warning into an error.
#[test]
fn strict_turns_quirk_into_error() {
    let input = smiv2(
        "STRICT-MIB",
        r#"case_value OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#,
    );
    let lenient = check_bytes("STRICT-MIB.mib", input.as_str(), &Policy::default());
    let quirk = lenient
        .diagnostics
        .iter()
        .find(|d| d.code == Code::Underscore)
        .unwrap();
    assert_eq!(quirk.severity, Severity::Warning);
    assert!(!lenient.has_errors());
    assert_eq!(lenient.summary().with_errors, 0);

    let strict = Policy {
        strict: true,
        allowed: vec![],
    };
    let report = check_bytes("STRICT-MIB.mib", input.as_str(), &strict);
    let quirk = report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::Underscore)
        .unwrap();
    assert_eq!(quirk.severity, Severity::Error);
    assert!(report.has_errors());
    assert_eq!(report.modules[0].errors, 1);
    assert_eq!(report.summary().with_errors, 1);
    insta::assert_snapshot!(render_all(&report));
}

/// `allowed` drops a warning code, but an error listed there is still reported.
#[test]
fn allowed_silences_warnings_but_not_errors() {
    let input = smiv2(
        "ALLOW-MIB",
        r#"case_value OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A warning: underscore."
    ::= { caseMIB 1 }

caseMissing OBJECT-TYPE
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "An error: no SYNTAX."
    ::= { caseMIB 2 }
"#,
    );
    let all = check_bytes("ALLOW-MIB.mib", input.as_str(), &Policy::default());
    assert!(all.diagnostics.iter().any(|d| d.code == Code::Underscore));
    assert!(
        all.diagnostics
            .iter()
            .any(|d| d.code == Code::MissingClause)
    );

    let policy = Policy {
        strict: false,
        allowed: vec![Code::Underscore, Code::MissingClause],
    };
    let report = check_bytes("ALLOW-MIB.mib", input.as_str(), &policy);
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::Underscore),
        "got {:?}",
        codes(&report)
    );
    let error = report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MissingClause)
        .unwrap();
    assert_eq!(error.severity, Severity::Error);
    assert!(report.has_errors());
    assert_eq!(report.modules[0].errors, 1);
    assert_eq!(report.modules[0].warnings, 0);
}

/// One diagnostic as a JSON line.
#[test]
fn json_line() {
    let input = smiv2(
        "JSON-MIB",
        r#"caseValue OBJECT-TYPE
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#,
    );
    let report = check_bytes("JSON-MIB.mib", input.as_str(), &Policy::default());
    assert_eq!(report.diagnostics.len(), 1, "got {:?}", codes(&report));
    let line = render_json(&report.diagnostics[0], &report.sources);
    assert!(!line.contains('\n'), "one line: {line}");
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(value["code"], "smic::syntax::missing-clause");
    assert_eq!(value["severity"], "error");
    assert_eq!(value["file"], "JSON-MIB.mib");
    // `caseValue` opens line 14 of the module (see `smiv2`).
    assert_eq!(value["line"], 14);
    assert_eq!(value["column"], 1);
    insta::assert_snapshot!(line);
}
