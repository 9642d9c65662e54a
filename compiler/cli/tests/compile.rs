//! `smic compile` end to end: the binary writes one JSON document per target module, and
//! two runs write byte-identical files.

use std::path::{Path, PathBuf};
use std::process::Command;

/// An output directory under the system temporary directory, removed on drop.
struct OutDir(PathBuf);

impl OutDir {
    fn new(tag: &str) -> OutDir {
        let dir = std::env::temp_dir().join(format!("smic-compile-{}-{tag}", std::process::id()));
        // Left over from an earlier run with the same process id: start empty.
        let _ = std::fs::remove_dir_all(&dir);
        OutDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// The file names in the directory, sorted.
    fn files(&self) -> Vec<String> {
        let entries = std::fs::read_dir(&self.0)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", self.0.display()));
        let mut names: Vec<String> = entries
            .map(|entry| {
                let entry = entry.unwrap_or_else(|e| panic!("{e}"));
                entry.file_name().to_string_lossy().into_owned()
            })
            .collect();
        names.sort();
        names
    }

    fn read(&self, name: &str) -> Vec<u8> {
        let path = self.0.join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn compile_json(out: &Path, modules: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_smic"))
        .arg("compile")
        .args(["--format", "json", "-o"])
        .arg(out)
        .args(modules)
        .env_remove("SMIC_PATH")
        .output()
        .unwrap_or_else(|err| panic!("cannot run smic: {err}"));
    assert!(
        output.status.success(),
        "smic compile failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn compile_json_writes_one_document_per_module_deterministically() {
    let modules = ["IF-MIB", "SNMPv2-MIB"];
    let first = OutDir::new("1");
    let second = OutDir::new("2");
    compile_json(first.path(), &modules);
    compile_json(second.path(), &modules);

    let expected = vec!["IF-MIB.json".to_string(), "SNMPv2-MIB.json".to_string()];
    assert_eq!(first.files(), expected);
    assert_eq!(second.files(), expected);

    for name in &expected {
        let a = first.read(name);
        let b = second.read(name);
        assert!(a == b, "{name}: the two runs differ");
        let text = String::from_utf8(a).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.ends_with("}\n"), "{name}: no final newline");
        let doc: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc["schema"], "smic-module/1", "{name}");
        assert_eq!(doc["name"], name.trim_end_matches(".json"), "{name}");
    }
}
