//! Lint checks: each fires on a module written to trigger it, at its level and not below.

use smic::resolve::Loader;
use smic::{Code, Policy};

const HEADER: &str = "LINT-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Integer32, Counter32, enterprises FROM SNMPv2-SMI
        TEXTUAL-CONVENTION, DisplayString, RowStatus FROM SNMPv2-TC
        OBJECT-GROUP FROM SNMPv2-CONF;
lintMIB MODULE-IDENTITY LAST-UPDATED \"202611210000Z\" ORGANIZATION \"smic\"
    CONTACT-INFO \"nobody\" DESCRIPTION \"Lint cases.\" ::= { enterprises 99997 }
";

fn lint_codes(body: &str, level: u8) -> Vec<Code> {
    let text = format!("{HEADER}{body}\nEND\n");
    let mut loader = Loader::new();
    loader.target_text("LINT-MIB.mib", &text).lint(level);
    let loaded = loader.load(&Policy::default());
    assert_eq!(
        loaded.error_count(),
        0,
        "{:#?}",
        loaded.target_diagnostics()
    );
    loaded
        .target_diagnostics()
        .iter()
        .map(|d| d.code)
        .filter(|c| c.lint_level().is_some())
        .collect()
}

fn fires(code: Code, body: &str) {
    let level = code.lint_level().unwrap_or(0);
    assert!(
        lint_codes(body, level).contains(&code),
        "{code} did not fire at level {level}"
    );
    assert!(
        !lint_codes(body, level - 1).contains(&code),
        "{code} fired below its level"
    );
}

const TABLE: &str = "
lintTable OBJECT-TYPE SYNTAX SEQUENCE OF LintEntry MAX-ACCESS not-accessible STATUS current
    DESCRIPTION \"t\" ::= { lintMIB 1 }
lintEntry OBJECT-TYPE SYNTAX LintEntry MAX-ACCESS not-accessible STATUS current
    DESCRIPTION \"r\" INDEX { lintIndex } ::= { lintTable 1 }
LintEntry ::= SEQUENCE { lintIndex Integer32, lintName DisplayString }
lintIndex OBJECT-TYPE SYNTAX Integer32 (1..10) MAX-ACCESS INDEX_ACCESS STATUS current
    DESCRIPTION \"i\" ::= { lintEntry 1 }
lintName OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS NAME_ACCESS STATUS current
    DESCRIPTION \"n\" ::= { lintEntry 2 }
";

fn table(index_access: &str, name_access: &str) -> String {
    TABLE
        .replace("INDEX_ACCESS", index_access)
        .replace("NAME_ACCESS", name_access)
}

#[test]
fn clean_table_has_no_findings() {
    assert_eq!(lint_codes(&table("not-accessible", "read-only"), 6), []);
}

#[test]
fn each_check_fires_at_its_level() {
    fires(Code::LintAccessibleIndex, &table("read-only", "read-only"));
    fires(
        Code::LintCreateWithoutRowStatus,
        &table("not-accessible", "read-create"),
    );
    fires(
        Code::LintTableNaming,
        &table("not-accessible", "read-only").replace("lintTable", "lintList"),
    );
    fires(
        Code::LintEntryTypeName,
        &table("not-accessible", "read-only").replace("LintEntry", "LintRow"),
    );
    let scalar = "lintCount OBJECT-TYPE SYNTAX Counter32 MAX-ACCESS read-write STATUS current
        DESCRIPTION \"c\" ::= { lintMIB 2 }
        lintState OBJECT-TYPE SYNTAX INTEGER { off(0), on(1) } MAX-ACCESS read-only STATUS current
        DESCRIPTION \"s\" ::= { lintMIB 3 }
        lintGroup OBJECT-GROUP OBJECTS { lintCount } STATUS current DESCRIPTION \"g\" ::= { lintMIB 4 }";
    fires(Code::LintWritableCounter, scalar);
    fires(Code::LintEnumZero, scalar);
    fires(Code::LintNotInGroup, scalar);
    let long = format!(
        "l{} OBJECT-TYPE SYNTAX Integer32 MAX-ACCESS read-only STATUS current DESCRIPTION \"x\" ::= {{ lintMIB 5 }}",
        "x".repeat(70)
    );
    fires(Code::LintLongDescriptor, &long);
    let types = "LintOld ::= TEXTUAL-CONVENTION STATUS deprecated DESCRIPTION \"o\" SYNTAX Integer32
        LintText ::= TEXTUAL-CONVENTION DISPLAY-HINT \"255a\" STATUS current DESCRIPTION \"t\" SYNTAX Integer32
        lintOld OBJECT-TYPE SYNTAX LintOld MAX-ACCESS read-only STATUS current DESCRIPTION \"x\" ::= { lintMIB 6 }
        lintText OBJECT-TYPE SYNTAX LintText MAX-ACCESS read-only STATUS current DESCRIPTION \"x\" ::= { lintMIB 7 }";
    fires(Code::LintUsesDeprecated, types);
    fires(Code::LintDisplayHint, types);
}

#[test]
fn allow_silences_a_lint() {
    let text = format!("{HEADER}{}\nEND\n", table("read-only", "read-only"));
    let mut loader = Loader::new();
    loader.target_text("LINT-MIB.mib", &text).lint(6);
    let policy = Policy {
        strict: false,
        allowed: vec![Code::LintAccessibleIndex],
    };
    let loaded = loader.load(&policy);
    assert!(
        loaded
            .target_diagnostics()
            .iter()
            .all(|d| d.code != Code::LintAccessibleIndex)
    );
}
