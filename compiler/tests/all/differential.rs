//! Differential checks against the reference implementations: every (name, OID) pair
//! net-snmp derives from the shipped modules, and every node kind libsmi reports,
//! derived identically by smic — with each known disagreement listed and explained.
//!
//! The golden files come from `../shared/golden` (net-snmp 5.9.3 `snmptranslate -Tz`,
//! libsmi 0.4.8 `smidump -f identifiers` over the same `mibs/`).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use smic::Policy;
use smic::model::{Model, NodeKind};
use smic::resolve::Loader;

use crate::shared::shared;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A golden file of `../shared/golden` (see [`shared`]).
fn golden(name: &str) -> Option<String> {
    let path = shared(&format!("golden/{name}"))?;
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn shipped_model() -> Model {
    let mut loader = Loader::new();
    loader.target_path(&root().join("mibs"));
    let loaded = loader.load(&Policy::default());
    assert_eq!(
        loaded.error_count(),
        0,
        "the shipped modules must resolve cleanly"
    );
    loaded.model
}

#[test]
fn every_netsnmp_name_and_oid_is_derived_identically() {
    let Some(text) = golden("ietf.netsnmp-oids.tsv") else {
        return;
    };
    let model = shipped_model();
    let ours: BTreeSet<(String, String)> = model
        .nodes
        .iter()
        .filter(|n| !n.oid.is_empty())
        .map(|n| (n.name.clone(), n.oid.to_string()))
        .collect();
    let mut missing = Vec::new();
    let mut compared = 0;
    for line in text.lines() {
        let Some((name, oid)) = line.split_once('\t') else {
            continue;
        };
        // net-snmp names the nodes it invents: `anonymous#N` for unnamed arcs and
        // `enterprise#` for the `.0` arc under which SMIv1 traps live. They are not
        // names any MIB defines, so smic does not invent them.
        if name.contains('#') {
            continue;
        }
        compared += 1;
        if !ours.contains(&(name.to_string(), oid.to_string())) {
            missing.push(format!("{name}\t{oid}"));
        }
    }
    assert!(compared > 33_000, "only {compared} pairs compared");
    assert!(
        missing.is_empty(),
        "{} pairs differ from net-snmp:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// libsmi's kind for a smic node.
fn libsmi_kind(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Node | NodeKind::ModuleIdentity | NodeKind::ObjectIdentity => "node",
        NodeKind::Scalar => "scalar",
        NodeKind::Table => "table",
        NodeKind::Row => "row",
        NodeKind::Column => "column",
        NodeKind::Notification | NodeKind::Trap => "notification",
        NodeKind::ObjectGroup | NodeKind::NotificationGroup => "group",
        NodeKind::Compliance => "compliance",
        NodeKind::Capabilities => "capabilities",
    }
}

#[test]
fn libsmi_kinds_and_oids_agree() {
    let Some(text) = golden("ietf.libsmi-identifiers.tsv") else {
        return;
    };
    let model = shipped_model();
    let mut ours: HashMap<(String, String), (NodeKind, String)> = HashMap::new();
    for node in &model.nodes {
        let module = model.module(node.module).name.clone();
        ours.insert(
            (module, node.name.clone()),
            (node.kind, node.oid.to_string()),
        );
    }
    let types: BTreeSet<(String, String)> = model
        .types
        .iter()
        .map(|t| (model.module(t.module).name.clone(), t.name.clone()))
        .collect();
    let mut disagreements = Vec::new();
    let (mut implicit_arcs, mut rfc1158_columns, mut compared) = (0, 0, 0);
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [module, name, kind, oid] = fields[..] else {
            continue;
        };
        compared += 1;
        let key = (module.to_string(), name.to_string());
        if kind == "type" {
            if !types.contains(&key) {
                disagreements.push(format!("{module}::{name}: libsmi has a type, smic none"));
            }
            continue;
        }
        let Some((our_kind, our_oid)) = ours.get(&key) else {
            disagreements.push(format!("{module}::{name}: missing in smic"));
            continue;
        };
        if our_oid != oid {
            disagreements.push(format!("{module}::{name}: OID {our_oid}, libsmi {oid}"));
            continue;
        }
        let ours = libsmi_kind(*our_kind);
        if ours == kind {
            continue;
        }
        match (kind, ours) {
            // Named arcs such as `iso(1) std(0)` in an OID value: libsmi registers them
            // with an unknown kind, smic as plain nodes.
            ("<unknown>", "node") if model.nodes.iter().any(|n| n.implicit && n.name == name) => {
                implicit_arcs += 1
            }
            // RFC 1158 predates INDEX: libsmi cannot tell its ifEntry columns from scalars.
            // smic knows ifEntry is a row (its syntax is a SEQUENCE), so its children are columns.
            ("scalar", "column") if module == "RFC1158-MIB" => rfc1158_columns += 1,
            _ => disagreements.push(format!("{module}::{name}: kind {ours}, libsmi {kind}")),
        }
    }
    assert!(compared > 35_000, "only {compared} identifiers compared");
    assert!(
        disagreements.is_empty(),
        "{} disagreements with libsmi:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    // The explained disagreements are exactly the known ones; a change in either is news.
    assert_eq!(implicit_arcs, 89);
    assert_eq!(rfc1158_columns, 67);
}

/// `compiler/data/builtin-roots.tsv` is what `smic index` derives from `mibs/` today.
#[test]
fn builtin_oid_index_is_fresh() {
    let mut loader = Loader::new();
    loader.target_path(&root().join("mibs"));
    let loaded = loader.load(&Policy::default());
    let index = smic::emit::index::build(&loaded.model, &loaded.targets);
    let fresh = smic::emit::index::to_text(&index);
    assert!(
        fresh == smic::resolve::builtin::ROOTS,
        "stale: run `cargo run --release -p smic-cli -- index -o compiler/data/builtin-roots.tsv mibs/`"
    );
}
