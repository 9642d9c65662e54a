//! The OID → module index: which modules to load to name an unknown OID.
//!
//! A text file, one line per subtree root: `OID<TAB>MODULE[,MODULE...]`, sorted by OID.
//! A root is an OID a module registers whose parent that module does not register (named
//! arcs such as `iso(1)` aside), so every node a module defines lies under one of its
//! roots. To name an OID, load the modules
//! of every root that is a prefix of it.

use std::collections::{BTreeMap, HashSet};

use crate::model::{Model, Oid};

/// The subtree roots of `modules` (all loaded modules when empty).
pub fn build(model: &Model, modules: &[String]) -> BTreeMap<Oid, Vec<String>> {
    let mut index: BTreeMap<Oid, Vec<String>> = BTreeMap::new();
    for module in &model.modules {
        if !modules.is_empty() && !modules.contains(&module.name) {
            continue;
        }
        // Named arcs (`iso(1)`) are landmarks, not what the module defines: a parent that
        // is only a named arc does not make its child part of the module's own subtree.
        let own: HashSet<&Oid> = module
            .nodes
            .iter()
            .map(|&id| model.node(id))
            .filter(|n| !n.implicit)
            .map(|n| &n.oid)
            .collect();
        for &id in &module.nodes {
            let node = model.node(id);
            // Named arcs (`iso(1)`) are landmarks, not what the module defines.
            if node.oid.is_empty()
                || node.implicit
                || own.contains(&node.oid.prefix(node.oid.len() - 1))
            {
                continue;
            }
            let names = index.entry(node.oid.clone()).or_default();
            if !names.contains(&module.name) {
                names.push(module.name.clone());
            }
        }
    }
    for names in index.values_mut() {
        names.sort();
    }
    index
}

/// The index as text.
pub fn to_text(index: &BTreeMap<Oid, Vec<String>>) -> String {
    let mut out = String::new();
    for (oid, modules) in index {
        out.push_str(&format!("{oid}\t{}\n", modules.join(",")));
    }
    out
}

/// Reads an index written by [`to_text`]; malformed lines are skipped.
pub fn parse(text: &str) -> BTreeMap<Oid, Vec<String>> {
    text.lines()
        .filter_map(|line| {
            let (oid, modules) = line.split_once('\t')?;
            Some((
                oid.parse().ok()?,
                modules.split(',').map(str::to_string).collect(),
            ))
        })
        .collect()
}

/// The modules with a root that is a prefix of `oid` (or `oid` itself), deduplicated.
pub fn covering<'a>(index: &'a BTreeMap<Oid, Vec<String>>, oid: &Oid) -> Vec<&'a String> {
    let mut modules: Vec<&String> = (1..=oid.len())
        .filter_map(|n| index.get(&oid.prefix(n)))
        .flatten()
        .collect();
    modules.sort();
    modules.dedup();
    modules
}
