//! The shipped modules, compiled into the library by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/embedded_mibs.rs"));

/// The built-in modules that define `symbol`.
pub(crate) fn defining(symbol: &str) -> impl Iterator<Item = &'static str> {
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
