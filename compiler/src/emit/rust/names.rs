//! MIB names to Rust names: modules (`IF-MIB` → `if_mib`), types (`ifEntry` →
//! `IfEntry`), fields (`ifHCInOctets` → `if_hc_in_octets`), constants (`ifMIB` →
//! `IF_MIB`) and enum variants (`notInService` → `NotInService`).
//!
//! Type names keep the MIB's capitals (`IANAifType`, `IfHCInOctets`) so a reader finds
//! the descriptor by eye; fields and constants follow Rust's case conventions. Every
//! result is a valid, non-keyword identifier, whatever the input.

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase};

/// Words Rust reserves, now or for later editions.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Only ASCII letters, digits and underscores; never empty, never digit-first, never a
/// keyword.
fn legal(mut ident: String, digit_prefix: &str) -> String {
    ident.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident.is_empty() || ident.chars().all(|c| c == '_') {
        ident = format!("{digit_prefix}{ident}");
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident = format!("{digit_prefix}{ident}");
    }
    if KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// `IF-MIB` → `if_mib`, `SNMPv2-MIB` → `snmpv2_mib`.
pub fn module(name: &str) -> String {
    let lower: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    legal(lower, "m_")
}

/// `ifEntry` → `IfEntry`, `if-gsn` → `IfGsn`, `IANAifType` stays.
pub fn type_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = true;
    for c in name.chars() {
        if c == '-' || c == '_' || !c.is_ascii_alphanumeric() {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    legal(out, "N")
}

/// `ifHCInOctets` → `if_hc_in_octets`.
pub fn field(name: &str) -> String {
    legal(name.to_snake_case(), "n")
}

/// `ifMIB` → `IF_MIB`.
pub fn constant(name: &str) -> String {
    legal(name.to_shouty_snake_case(), "N")
}

/// Names handed out in one namespace; a taken name gets a deterministic alternative.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace with some names already reserved.
    pub fn with(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| (*s).to_string()).collect(),
        }
    }

    /// Claims `wanted`, or, if taken, `wanted` + `suffix`, then `wanted` + `suffix` + 2,
    /// 3, ... Returns the name and whether it differs from `wanted`.
    pub fn claim(&mut self, wanted: &str, suffix: &str) -> (String, bool) {
        if self.taken.insert(wanted.to_string()) {
            return (wanted.to_string(), false);
        }
        let base = format!("{wanted}{suffix}");
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.taken.insert(candidate.clone()) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        (candidate, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_mib_names() {
        assert_eq!(module("SNMPv2-MIB"), "snmpv2_mib");
        assert_eq!(module("3COM-MIB"), "m_3com_mib");
        assert_eq!(type_name("ifHCInOctets"), "IfHCInOctets");
        assert_eq!(type_name("if-gsn"), "IfGsn");
        assert_eq!(type_name("10BaseT"), "N10BaseT");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(field("ifHCInOctets"), "if_hc_in_octets");
        assert_eq!(field("type"), "type_");
        assert_eq!(field("802dot1"), "n802dot1");
        assert_eq!(constant("ifMIB"), "IF_MIB");
        // heck drops separators that stand alone: nothing is left but the prefix.
        assert_eq!(field("--"), "n");
    }

    #[test]
    fn collisions_resolve_deterministically() {
        let mut ns = Namespace::with(&["index"]);
        assert_eq!(ns.claim("index", "_column"), ("index_column".into(), true));
        assert_eq!(ns.claim("a", "X"), ("a".into(), false));
        assert_eq!(ns.claim("a", "X"), ("aX".into(), true));
        assert_eq!(ns.claim("a", "X"), ("aX2".into(), true));
    }
}
