//! The shipped modules, compiled into the library by `build.rs`, with two indexes that
//! let a query load only what it needs: names → modules (built from the texts at build
//! time) and OID subtrees → modules (`data/builtin-roots.tsv`, written by `smic index`
//! and checked fresh by a test).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::model::Oid;

/// A name's place in [`NAMES`]: start and end byte offsets.
#[derive(Clone, Copy)]
pub(crate) struct Str(u32, u32);

impl Str {
    fn get(self) -> &'static str {
        NAMES
            .get(self.0 as usize..self.1 as usize)
            .unwrap_or_default()
    }
}

include!(concat!(env!("OUT_DIR"), "/embedded_mibs.rs"));

/// The OID subtree roots of the built-in modules (`smic index -o data/builtin-roots.tsv mibs/`).
pub const ROOTS: &str = include_str!("../../data/builtin-roots.tsv");

/// The names of the built-in modules, sorted.
pub fn modules() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(name, ..)| name.get())
}

/// Whether `module` is one of the built-in modules (a binary search, no text read).
pub fn contains(module: &str) -> bool {
    find(module).is_some()
}

fn find(module: &str) -> Option<&'static (Str, Str, Str, u32)> {
    let i = EMBEDDED
        .binary_search_by(|(name, ..)| name.get().cmp(module))
        .ok()?;
    EMBEDDED.get(i)
}

/// The file name a built-in module was shipped as (`IF-MIB.txt`).
pub fn file_name(module: &str) -> Option<&'static str> {
    find(module).map(|(_, file, ..)| file.get())
}

/// The text of a built-in module, inflated from the copy embedded in the library (a
/// module of the shipped set inflates in well under a millisecond).
pub fn text(module: &str) -> Option<String> {
    let &(_, _, data, len) = find(module)?;
    let deflated = DEFLATED.get(data.0 as usize..data.1 as usize)?;
    // The limit is one past the known length: miniz_oxide reports a buffer filled to
    // exactly the limit as more output to come.
    let limit = (len as usize).saturating_add(1);
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(deflated, limit).ok()?;
    (bytes.len() == len as usize)
        .then(|| String::from_utf8(bytes).ok())
        .flatten()
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
        .binary_search_by(|(m, _)| m.get().cmp(module))
        .ok()
        .and_then(|i| POPULARITY.get(i))
        .map_or(0, |(_, count)| *count)
}

/// The built-in modules that define `symbol`, the most imported first.
pub fn defining(symbol: &str) -> impl Iterator<Item = &'static str> {
    // SYMBOLS is sorted by symbol, then by popularity: a binary search finds the run.
    let start = SYMBOLS.partition_point(|(s, _)| s.get() < symbol);
    SYMBOLS
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(move |(s, _)| s.get() == symbol)
        .map(|(_, module)| module.get())
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
        for module in super::modules() {
            let file = super::file_name(module).unwrap_or_default();
            let text = super::text(module).unwrap_or_default();
            let on_disk = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../mibs")
                    .join(file),
            )
            .unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(text, on_disk, "{module}: inflated text differs from {file}");
            let scan = crate::syntax::scan::scan(&text);
            let names: Vec<&str> = scan.modules.iter().map(|m| m.name.as_str()).collect();
            assert_eq!(names, [module], "{file}");
        }
        assert!(super::modules().is_sorted());
        assert_eq!(super::text("NO-SUCH-MIB"), None);
    }
}
