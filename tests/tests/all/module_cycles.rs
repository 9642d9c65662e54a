//! No module of the engine crates depends on another that depends back on it: the
//! protocol crate and the tokio crate each form an acyclic module graph.

use std::path::Path;

use smic_tests::modules::ModuleGraph;

fn graph(crate_dir: &str) -> ModuleGraph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_dir)
        .join("src");
    ModuleGraph::read(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()))
}

#[test]
fn the_engine_crates_have_no_module_cycles() {
    for crate_dir in ["runtime/snmp-proto", "runtime/snmp"] {
        let graph = graph(crate_dir);
        // The reader must have seen the crate, or an empty graph would pass.
        assert!(
            graph.modules().count() > 5,
            "{crate_dir}: too few modules read"
        );
        let cycles = graph.cycles();
        assert!(
            cycles.is_empty(),
            "{crate_dir} has module cycles:\n{}",
            cycles.join("\n")
        );
    }
}

#[test]
fn the_layers_depend_in_one_direction() {
    let proto = graph("runtime/snmp-proto");
    // The command responder knows nothing of USM; the SNMPv3 layer wraps it.
    let command = proto.dependencies(&["agent", "command"]);
    assert!(
        !command
            .iter()
            .any(|m| m.starts_with("usm") || m == "agent::v3"),
        "{command:?}"
    );
    assert!(
        proto
            .dependencies(&["agent", "v3"])
            .contains("agent::command")
    );
    // The codec depends on no policy.
    for codec in [&["ber"][..], &["message"], &["message", "v3"]] {
        let deps = proto.dependencies(codec);
        assert!(
            deps.iter()
                .all(|m| m.starts_with("ber") || m.starts_with("message")),
            "{codec:?} -> {deps:?}"
        );
    }
    // The USM protocols are a leaf.
    assert!(proto.dependencies(&["usm", "protocol"]).is_empty());
}
