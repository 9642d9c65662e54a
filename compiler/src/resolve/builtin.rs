//! The shipped modules, compiled into the library by `build.rs`, with two indexes that
//! let a query load only what it needs: names → modules (built from the texts at build
//! time) and OID subtrees → modules (`data/builtin-roots.tsv`, written by `smic index`
//! and checked fresh by a test).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::model::Oid;

include!(concat!(env!("OUT_DIR"), "/embedded_mibs.rs"));

/// The OID subtree roots of the built-in modules (`smic index -o data/builtin-roots.tsv mibs/`).
pub const ROOTS: &str = include_str!("../../data/builtin-roots.tsv");

/// The names of the built-in modules.
pub fn modules() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(name, _, _)| *name)
}

/// The text of a built-in module.
pub fn text(module: &str) -> Option<&'static str> {
    EMBEDDED
        .iter()
        .find(|(name, _, _)| *name == module)
        .map(|(_, _, text)| *text)
}

/// The built-in modules whose subtrees contain `oid`.
pub fn covering(oid: &Oid) -> impl Iterator<Item = &'static str> {
    static INDEX: OnceLock<BTreeMap<Oid, Vec<String>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| crate::emit::index::parse(ROOTS));
    crate::emit::index::covering(index, oid)
        .into_iter()
        .map(String::as_str)
}

/// How many built-in modules import `module` (0 for modules not built in).
pub fn popularity(module: &str) -> u32 {
    POPULARITY
        .binary_search_by(|(m, _)| (*m).cmp(module))
        .map_or(0, |i| POPULARITY[i].1)
}

/// The built-in modules that define `symbol`, the most imported first.
pub fn defining(symbol: &str) -> impl Iterator<Item = &'static str> {
    // SYMBOLS is sorted by symbol, then by popularity: a binary search finds the run.
    let start = SYMBOLS.partition_point(|(s, _)| *s < symbol);
    SYMBOLS[start..]
        .iter()
        .take_while(move |(s, _)| *s == symbol)
        .map(|(_, module)| *module)
}

#[cfg(test)]
mod tests {
    use super::EMBEDDED;

    #[test]
    fn symbol_index_knows_common_names() {
        assert!(super::defining("ifIndex").any(|m| m == "IF-MIB"));
        assert!(super::defining("InetAddress").any(|m| m == "INET-ADDRESS-MIB"));
        assert_eq!(super::defining("noSuchSymbolAnywhere").count(), 0);
        assert_eq!(super::defining("InterfaceIndex").next(), Some("IF-MIB"));
        assert!(super::popularity("SNMPv2-SMI") > super::popularity("IF-MIB"));
    }

    #[test]
    fn every_embedded_file_declares_the_module_it_is_named_after() {
        assert!(EMBEDDED.len() > 400);
        for (module, file, text) in EMBEDDED {
            let scan = crate::syntax::scan::scan(text);
            let names: Vec<&str> = scan.modules.iter().map(|m| m.name.as_str()).collect();
            assert_eq!(names, [*module], "{file}");
        }
    }
}
