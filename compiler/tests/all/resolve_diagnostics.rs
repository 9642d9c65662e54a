//! Snapshot tests of the diagnostics of the resolve stage: one small MIB (or a few
//! modules) per code, carrying exactly the defect, loaded the way `smic check` loads
//! target files (`Loader::target_text`, then `Loader::load`).
//!
//! Every case asserts that the expected code is among the targets' diagnostics and
//! snapshots all of them, rendered without colour, so a snapshot shows the whole picture:
//! message, snippet with carets, labels and help. The built-in modules (SNMPv2-SMI,
//! SNMPv2-TC, IF-MIB, ...) are always there to import from.
//!
//! This file owns every `smic::resolve::*` code and the quirks the resolver reports
//! (`unimported-symbol`, `import-from-wrong-module`, `historic-type`);
//! `tests/all/diagnostics.rs` lists them as covered here. [`every_owned_code_is_covered`]
//! keeps the list honest when codes are added.

#![allow(clippy::unwrap_used)]

use smic::render::HumanRenderer;
use smic::resolve::{Loaded, Loader};
use smic::{Code, Policy, Severity};

/// The imports of most cases.
const IMPORTS: &str = "MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI";

/// An SMIv2 module named `name` with `imports` (the text between `IMPORTS` and `;`)
/// around `body` (definitions after the MODULE-IDENTITY `caseMIB`, registered as
/// `enterprises 99999`).
fn module(name: &str, imports: &str, body: &str) -> String {
    format!(
        r#"{name} DEFINITIONS ::= BEGIN

IMPORTS
    {imports};

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

/// A well-formed SMIv2 module with the usual [`IMPORTS`] around `body`.
fn smiv2(name: &str, body: &str) -> String {
    module(name, IMPORTS, body)
}

/// Loads each `(path, text)` as a target file, under `policy`.
fn load_with(files: &[(&str, &str)], policy: &Policy) -> Loaded {
    let mut loader = Loader::new();
    for (path, text) in files {
        loader.target_text(*path, text);
    }
    loader.load(policy)
}

/// Loads `text` as the target file `CASE.mib` under the default policy.
fn load(text: &str) -> Loaded {
    load_with(&[("CASE.mib", text)], &Policy::default())
}

/// Every target diagnostic, rendered without colour, one after the other.
fn render_all(loaded: &Loaded) -> String {
    let renderer = HumanRenderer::new(false);
    loaded
        .target_diagnostics()
        .into_iter()
        .map(|d| renderer.render(d, &loaded.sources))
        .collect()
}

/// The codes of the targets' diagnostics, in order, for assertion messages.
fn codes(loaded: &Loaded) -> Vec<&'static str> {
    loaded
        .target_diagnostics()
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

/// Asserts that `code` is among the targets' diagnostics and returns them all rendered.
fn expect_code(loaded: &Loaded, code: Code) -> String {
    assert!(
        loaded.target_diagnostics().iter().any(|d| d.code == code),
        "expected {code}, got {:?}",
        codes(loaded)
    );
    render_all(loaded)
}

/// One case: the input (one text as `CASE.mib`, or several `(path, text)` files) goes
/// into the snapshot's description, the rendered diagnostics are the snapshot. Named
/// after the enclosing test function.
macro_rules! case {
    ($code:expr, $input:expr) => {{
        let input: &str = $input;
        let rendered = expect_code(&load(input), $code);
        insta::with_settings!({ description => input, omit_expression => true }, {
            insta::assert_snapshot!(rendered);
        });
    }};
    ($code:expr, files: $files:expr) => {{
        let files: &[(&str, &str)] = $files;
        let rendered = expect_code(&load_with(files, &Policy::default()), $code);
        let description: String = files
            .iter()
            .map(|(path, text)| format!("-- {path}\n{text}"))
            .collect();
        insta::with_settings!({ description => description, omit_expression => true }, {
            insta::assert_snapshot!(rendered);
        });
    }};
}

// ---------------------------------------------------------------- coverage

/// Whether this file owns `code`: the resolve stage and the quirks it reports.
fn owned(code: Code) -> bool {
    code.as_str().starts_with("smic::resolve::")
        || matches!(
            code,
            Code::UnimportedSymbol
                | Code::ImportFromWrongModule
                | Code::HistoricType
                | Code::MisplacedImplied
                | Code::UnknownIndexObject
                | Code::RenamedBaseModule
        )
}

/// Codes exercised by a case below.
const COVERED: &[Code] = &[
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

#[test]
fn every_owned_code_is_covered() {
    for &code in Code::ALL {
        let listed = COVERED.iter().filter(|&&c| c == code).count();
        let expected = usize::from(owned(code));
        assert_eq!(
            listed, expected,
            "{code} must be listed {expected} time(s) in COVERED"
        );
    }
}

// ---------------------------------------------------------------- modules and imports

/// IMPORTS from a module that is nowhere on the search path, and a use of what it
/// would have defined.
#[test]
fn module_not_found() {
    case!(
        Code::ModuleNotFound,
        &module(
            "CASE-MIB",
            "MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI
    caseWidgetObjects
        FROM CASE-WIDGET-MIB",
            r#"caseWidgetCount OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "How many widgets."
    ::= { caseWidgetObjects 1 }
"#
        )
    );
}

/// A name imported from SNMPv2-SMI that neither it nor any base module defines.
#[test]
fn import_not_found() {
    case!(
        Code::ImportNotFound,
        &module(
            "CASE-MIB",
            "MODULE-IDENTITY, OBJECT-TYPE, Unsigned64, enterprises
        FROM SNMPv2-SMI",
            r#"caseOctets OBJECT-TYPE
    SYNTAX      Unsigned64
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "Octets seen."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// Two modules importing from each other: legal, reported as advice on each.
#[test]
fn import_cycle() {
    let (mib, tc) = import_cycle_modules();
    case!(
        Code::ImportCycle,
        files: &[("CASE-MIB.mib", &mib), ("CASE-TC-MIB.mib", &tc)]
    );
}

/// CASE-TC-MIB registers its identity under CASE-MIB's `caseMIB`, and CASE-MIB uses
/// CASE-TC-MIB's textual convention.
fn import_cycle_modules() -> (String, String) {
    let mib = module(
        "CASE-MIB",
        "MODULE-IDENTITY, OBJECT-TYPE, enterprises
        FROM SNMPv2-SMI
    CaseStatus, caseTcModules
        FROM CASE-TC-MIB",
        r#"caseStatus OBJECT-TYPE
    SYNTAX      CaseStatus
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "The status."
    ::= { caseMIB 1 }

caseModuleCount OBJECT-TYPE
    SYNTAX      INTEGER
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "How many modules."
    ::= { caseTcModules 1 }
"#,
    );
    let tc = r#"CASE-TC-MIB DEFINITIONS ::= BEGIN

IMPORTS
    MODULE-IDENTITY FROM SNMPv2-SMI
    TEXTUAL-CONVENTION FROM SNMPv2-TC
    caseMIB FROM CASE-MIB;

caseTcMIB MODULE-IDENTITY
    LAST-UPDATED "202401150000Z"
    ORGANIZATION "Example Networks"
    CONTACT-INFO "noc@example.net"
    DESCRIPTION  "Textual conventions."
    ::= { caseMIB 100 }

caseTcModules OBJECT IDENTIFIER ::= { caseTcMIB 1 }

CaseStatus ::= TEXTUAL-CONVENTION
    STATUS      current
    DESCRIPTION "Up or down."
    SYNTAX      INTEGER { up(1), down(2) }

END
"#;
    (mib, tc.to_string())
}

/// A cycle of imports does not stop either module from resolving (both modules in one
/// file here).
#[test]
fn import_cycle_still_resolves_both_modules() {
    let (mib, tc) = import_cycle_modules();
    let loaded = load(&format!("{mib}\n{tc}"));
    let model = &loaded.model;
    let oid = |module: &str, name: &str| {
        let id = model
            .lookup(module, name)
            .unwrap_or_else(|| panic!("{module}::{name} is missing"));
        model.node(id).oid.to_string()
    };
    assert_eq!(oid("CASE-MIB", "caseMIB"), "1.3.6.1.4.1.99999");
    assert_eq!(oid("CASE-MIB", "caseStatus"), "1.3.6.1.4.1.99999.1");
    assert_eq!(oid("CASE-TC-MIB", "caseTcMIB"), "1.3.6.1.4.1.99999.100");
    assert_eq!(
        oid("CASE-TC-MIB", "caseTcModules"),
        "1.3.6.1.4.1.99999.100.1"
    );
    // Through both modules and back: CASE-MIB → CASE-TC-MIB → CASE-MIB.
    assert_eq!(
        oid("CASE-MIB", "caseModuleCount"),
        "1.3.6.1.4.1.99999.100.1.1"
    );
    let status = model.node(model.lookup("CASE-MIB", "caseStatus").unwrap());
    let syntax = status.syntax.as_ref().unwrap();
    assert_eq!(model.ty(syntax.named.unwrap()).name, "CaseStatus");
    let diagnostics = loaded.target_diagnostics();
    assert!(
        diagnostics.iter().all(|d| d.code == Code::ImportCycle),
        "got {:?}",
        codes(&loaded)
    );
    assert_eq!(diagnostics.len(), 1, "one advice per cycle");
}

/// A module naming itself in its IMPORTS.
#[test]
fn self_import() {
    case!(
        Code::SelfImport,
        &module(
            "CASE-MIB",
            "MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI
    caseMIB
        FROM CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// A vendor's stripped copy of SNMPv2-SMI, defining only `enterprises`.
#[test]
fn pinned_base_module() {
    case!(
        Code::PinnedBaseModule,
        r#"SNMPv2-SMI DEFINITIONS ::= BEGIN

-- Only what our MIBs need.
enterprises OBJECT IDENTIFIER ::= { iso org(3) dod(6) internet(1) private(4) 1 }

END
"#
    );
}

// ---------------------------------------------------------------- names

/// An OID parent that is defined nowhere.
#[test]
fn unknown_oid_parent() {
    case!(
        Code::UnknownSymbol,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseObjects 1 }
"#
        )
    );
}

/// A SYNTAX naming a type that is defined nowhere.
#[test]
fn unknown_type() {
    case!(
        Code::UnknownSymbol,
        &smiv2(
            "CASE-MIB",
            r#"caseState OBJECT-TYPE
    SYNTAX      CaseOperState
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "The state."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// A descriptor defined twice in one module.
#[test]
fn duplicate_definition() {
    case!(
        Code::DuplicateDefinition,
        &smiv2(
            "CASE-MIB",
            r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }

caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-write
    STATUS      current
    DESCRIPTION "The same name, pasted for a second object."
    ::= { caseMIB 2 }
"#
        )
    );
}

/// A type name where an OID parent belongs.
#[test]
fn wrong_kind() {
    case!(
        Code::WrongKind,
        r#"CASE-MIB DEFINITIONS ::= BEGIN

IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI
    DisplayString
        FROM SNMPv2-TC;

caseMIB MODULE-IDENTITY
    LAST-UPDATED "202401150000Z"
    ORGANIZATION "Example Networks"
    CONTACT-INFO "noc@example.net"
    DESCRIPTION  "Test module."
    ::= { enterprises 99999 }

caseName OBJECT-TYPE
    SYNTAX      DisplayString
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A name."
    ::= { DisplayString 1 }

END
"#
    );
}

/// An OID value naming the node itself as its parent.
#[test]
fn oid_registered_under_itself() {
    case!(
        Code::OidCycle,
        &smiv2(
            "CASE-MIB",
            "caseObjects OBJECT IDENTIFIER ::= { caseObjects 1 }\n"
        )
    );
}

/// Two OID assignments hanging from each other.
#[test]
fn oid_cycle() {
    case!(
        Code::OidCycle,
        &smiv2(
            "CASE-MIB",
            r#"caseObjects OBJECT IDENTIFIER ::= { caseConformance 1 }
caseConformance OBJECT IDENTIFIER ::= { caseObjects 2 }
"#
        )
    );
}

/// A name after the first component of an OID value.
#[test]
fn invalid_oid() {
    case!(
        Code::InvalidOid,
        &smiv2(
            "CASE-MIB",
            "caseObjects OBJECT IDENTIFIER ::= { iso org dod internet private enterprises 99999 1 }\n"
        )
    );
}

/// Two type assignments defined in terms of each other.
#[test]
fn type_cycle() {
    case!(
        Code::TypeCycle,
        &smiv2(
            "CASE-MIB",
            r#"CaseIndex ::= CaseIndexOrZero
CaseIndexOrZero ::= CaseIndex

caseIndex OBJECT-TYPE
    SYNTAX      CaseIndex
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "An index."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// A table whose INDEX and AUGMENTS are the tail of this body.
fn table(index: &str) -> String {
    format!(
        r#"caseTable OBJECT-TYPE
    SYNTAX      SEQUENCE OF CaseEntry
    MAX-ACCESS  not-accessible
    STATUS      current
    DESCRIPTION "A table."
    ::= {{ caseMIB 1 }}

caseEntry OBJECT-TYPE
    SYNTAX      CaseEntry
    MAX-ACCESS  not-accessible
    STATUS      current
    DESCRIPTION "A row."
    {index}
    ::= {{ caseTable 1 }}

CaseEntry ::= SEQUENCE {{
    caseIndex   Integer32,
    caseValue   Integer32
}}

caseIndex OBJECT-TYPE
    SYNTAX      Integer32 (1..100)
    MAX-ACCESS  not-accessible
    STATUS      current
    DESCRIPTION "The index."
    ::= {{ caseEntry 1 }}

caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= {{ caseEntry 2 }}
"#
    )
}

/// INDEX naming an OBJECT-GROUP instead of a column.
#[test]
fn index_names_a_group() {
    let body = format!(
        r#"{}
caseGroup OBJECT-GROUP
    OBJECTS     {{ caseValue }}
    STATUS      current
    DESCRIPTION "The values."
    ::= {{ caseMIB 2 }}
"#,
        table("INDEX       { caseGroup }")
    );
    case!(
        Code::InvalidIndex,
        &module(
            "CASE-MIB",
            "MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI
    OBJECT-GROUP
        FROM SNMPv2-CONF",
            &body
        )
    );
}

/// INDEX naming an OBJECT IDENTIFIER node instead of a column.
#[test]
fn index_names_a_non_object() {
    let body = format!(
        "{}\ncaseIndexes OBJECT IDENTIFIER ::= {{ caseMIB 2 }}\n",
        table("INDEX       { caseIndexes }")
    );
    case!(Code::InvalidIndex, &smiv2("CASE-MIB", &body));
}

/// INDEX naming an object the module never defines (vendor modules do this; net-snmp
/// loads them): accepted without that component.
#[test]
fn unknown_index_object() {
    let body = table("INDEX       { caseIndex, caseSlot }");
    case!(Code::UnknownIndexObject, &smiv2("CASE-MIB", &body));
    let loaded = load(&smiv2("CASE-MIB", &body));
    assert_eq!(loaded.error_count(), 0, "{:?}", codes(&loaded));
    let row = loaded.model.lookup("CASE-MIB", "caseEntry").unwrap();
    assert_eq!(loaded.model.node(row).index.len(), 1);
    let strict = load_with(
        &[("CASE.mib", &smiv2("CASE-MIB", &body))],
        &Policy {
            strict: true,
            ..Policy::default()
        },
    );
    assert_eq!(strict.error_count(), 1, "{:?}", codes(&strict));
}

/// IMPORTS from a vendor's renamed copy of a base module that is not on the path.
#[test]
fn renamed_base_module() {
    let text = module(
        "CASE-MIB",
        "MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI-v1",
        "caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION \"A value.\"
    ::= { caseMIB 1 }
",
    );
    case!(Code::RenamedBaseModule, &text);
    let loaded = load(&text);
    assert_eq!(loaded.error_count(), 0, "{:?}", codes(&loaded));
    let value = loaded.model.lookup("CASE-MIB", "caseValue").unwrap();
    assert_eq!(
        loaded.model.node(value).oid.to_string(),
        "1.3.6.1.4.1.99999.1"
    );
}

/// AUGMENTS naming a table instead of its row.
#[test]
fn augments_names_a_non_row() {
    case!(
        Code::InvalidIndex,
        &module(
            "CASE-MIB",
            "MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI
    ifTable
        FROM IF-MIB",
            &table("AUGMENTS    { ifTable }")
        )
    );
}

/// An OBJECT IDENTIFIER default naming an OID that is defined nowhere.
#[test]
fn unresolved_defval() {
    case!(
        Code::UnresolvedDefval,
        &smiv2(
            "CASE-MIB",
            r#"caseProduct OBJECT-TYPE
    SYNTAX      OBJECT IDENTIFIER
    MAX-ACCESS  read-write
    STATUS      current
    DESCRIPTION "The product."
    DEFVAL      { caseDefaultProduct }
    ::= { caseMIB 1 }
"#
        )
    );
}

// ---------------------------------------------------------------- quirks

/// `enterprises` used without being imported.
#[test]
fn unimported_symbol() {
    case!(Code::UnimportedSymbol, &unimported_enterprises());
}

/// A module that uses `enterprises` but imports only the macros.
fn unimported_enterprises() -> String {
    module(
        "CASE-MIB",
        "MODULE-IDENTITY, OBJECT-TYPE, Integer32
        FROM SNMPv2-SMI",
        r#"caseValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { caseMIB 1 }
"#,
    )
}

/// `DisplayString` used without being imported.
#[test]
fn unimported_type() {
    case!(
        Code::UnimportedSymbol,
        &smiv2(
            "CASE-MIB",
            r#"caseName OBJECT-TYPE
    SYNTAX      DisplayString
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A name."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// `DisplayString` imported from SNMPv2-SMI rather than SNMPv2-TC.
#[test]
fn import_from_wrong_module() {
    case!(
        Code::ImportFromWrongModule,
        &module(
            "CASE-MIB",
            "MODULE-IDENTITY, OBJECT-TYPE, DisplayString, enterprises
        FROM SNMPv2-SMI",
            r#"caseName OBJECT-TYPE
    SYNTAX      DisplayString
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A name."
    ::= { caseMIB 1 }
"#
        )
    );
}

/// `UInteger32` from the 1993 SNMPv2 drafts, imported from SNMPv2-SMI.
#[test]
fn historic_type() {
    case!(
        Code::HistoricType,
        &module(
            "CASE-MIB",
            "MODULE-IDENTITY, OBJECT-TYPE, UInteger32, enterprises
        FROM SNMPv2-SMI",
            r#"caseCount OBJECT-TYPE
    SYNTAX      UInteger32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A count."
    ::= { caseMIB 1 }
"#
        )
    );
}

// ---------------------------------------------------------------- depth and policy

/// A 200-deep chain of OID assignments: no recursion trouble; everything within RFC
/// 2578's 128 sub-identifiers resolves, and the first node beyond is one diagnostic.
#[test]
fn deep_oid_chain() {
    const DEPTH: usize = 200;
    let mut body = String::from("a0 OBJECT IDENTIFIER ::= { caseMIB 1 }\n");
    for i in 1..=DEPTH {
        body.push_str(&format!("a{i} OBJECT IDENTIFIER ::= {{ a{} 1 }}\n", i - 1));
    }
    let loaded = load(&smiv2("CASE-MIB", &body));
    // caseMIB is 1.3.6.1.4.1.99999 (7 arcs), a0 has 8: a120 is the deepest within 128.
    assert_eq!(
        codes(&loaded),
        [Code::InvalidOid.as_str()],
        "got {:?}",
        codes(&loaded)
    );
    let oid = |name: &str| {
        loaded
            .model
            .lookup("CASE-MIB", name)
            .map(|id| loaded.model.node(id).oid.to_string())
    };
    assert_eq!(
        oid("a120"),
        Some(format!("1.3.6.1.4.1.99999.1{}", ".1".repeat(120)))
    );
    assert_eq!(oid("a121"), Some(String::new()));
    assert_eq!(oid("a200"), Some(String::new()));
}

/// `--strict` turns the unimported-symbol quirk into an error.
#[test]
fn strict_turns_unimported_symbol_into_error() {
    let text = unimported_enterprises();
    let lenient = load(&text);
    let quirk = lenient
        .target_diagnostics()
        .into_iter()
        .find(|d| d.code == Code::UnimportedSymbol)
        .unwrap();
    assert_eq!(quirk.severity, Severity::Warning);
    assert_eq!(lenient.error_count(), 0);

    let strict = Policy {
        strict: true,
        allowed: vec![],
    };
    let loaded = load_with(&[("CASE.mib", &text)], &strict);
    let quirk = loaded
        .target_diagnostics()
        .into_iter()
        .find(|d| d.code == Code::UnimportedSymbol)
        .unwrap();
    assert_eq!(quirk.severity, Severity::Error);
    assert_eq!(loaded.error_count(), 1, "got {:?}", codes(&loaded));
    insta::assert_snapshot!(render_all(&loaded));
}

/// An OID longer than RFC 2578's 128 sub-identifiers is an error, found without
/// quadratic work: 8,000 named arcs in one value, and a 300-deep chain.
#[test]
fn overlong_oids_are_refused_cheaply() {
    let arcs: String = (0..8_000).map(|i| format!(" a{i}({i})")).collect();
    let text = module(
        "LONG-MIB",
        "",
        &format!("long OBJECT IDENTIFIER ::= {{ iso{arcs} }}\n"),
    );
    let loaded = load(&text);
    assert!(
        loaded
            .target_diagnostics()
            .iter()
            .any(|d| d.code == Code::InvalidOid)
    );

    let mut chain = String::from("c0 OBJECT IDENTIFIER ::= { iso 3 }\n");
    for i in 1..300 {
        chain.push_str(&format!("c{i} OBJECT IDENTIFIER ::= {{ c{} 1 }}\n", i - 1));
    }
    let loaded = load(&module("CHAIN-MIB", "", &chain));
    let too_long: Vec<_> = loaded
        .target_diagnostics()
        .into_iter()
        .filter(|d| d.code == Code::InvalidOid)
        .collect();
    assert_eq!(
        too_long.len(),
        1,
        "reported once, where the chain first exceeds 128 arcs"
    );
    assert_eq!(
        loaded
            .model
            .lookup("CHAIN-MIB", "c126")
            .map(|n| loaded.model.node(n).oid.len()),
        Some(128)
    );
}

/// A chain of type assignments deeper than any MIB needs is an error, whatever the order.
#[test]
fn type_chains_too_deep_are_reported() {
    let mut types = String::new();
    for i in 0..70 {
        types.push_str(&format!("T{i} ::= T{}\n", i + 1));
    }
    types.push_str("T70 ::= INTEGER\n");
    let loaded = load(&module("DEEP-MIB", "", &types));
    assert!(
        loaded
            .target_diagnostics()
            .iter()
            .any(|d| d.code == Code::TypeTooDeep)
    );
}

/// IMPLIED is only allowed on the last INDEX component, and only on a variable-length
/// string or OID (RFC 2578 §7.7); elsewhere it is a reported quirk and ignored.
#[test]
fn implied_where_it_cannot_be() {
    let table = |index: &str| {
        smiv2(
            "CASE-MIB",
            &format!(
                r#"caseTable OBJECT-TYPE SYNTAX SEQUENCE OF CaseEntry MAX-ACCESS not-accessible STATUS current DESCRIPTION "t" ::= {{ caseMIB 1 }}
caseEntry OBJECT-TYPE SYNTAX CaseEntry MAX-ACCESS not-accessible STATUS current DESCRIPTION "r" INDEX {{ {index} }} ::= {{ caseTable 1 }}
CaseEntry ::= SEQUENCE {{ caseName OCTET STRING, caseNumber Integer32 }}
caseName OBJECT-TYPE SYNTAX OCTET STRING (SIZE (0..32)) MAX-ACCESS not-accessible STATUS current DESCRIPTION "n" ::= {{ caseEntry 1 }}
caseNumber OBJECT-TYPE SYNTAX Integer32 MAX-ACCESS read-only STATUS current DESCRIPTION "i" ::= {{ caseEntry 2 }}
"#
            ),
        )
    };
    let invalid = |index: &str| {
        load(&table(index))
            .target_diagnostics()
            .iter()
            .filter(|d| d.code == Code::MisplacedImplied)
            .count()
    };
    assert_eq!(invalid("caseNumber, IMPLIED caseName"), 0);
    assert_eq!(invalid("IMPLIED caseName, caseNumber"), 1);
    assert_eq!(invalid("caseName, IMPLIED caseNumber"), 1);
}
