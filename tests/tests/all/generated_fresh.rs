//! The checked-in generated code is what the generator makes of `mibs/` today.
//!
//! With `SMIC_REGENERATE=1` the test writes the files instead of comparing them.

use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = match smic_tests::regenerate::files(&root) {
        Ok(files) => files,
        Err(err) => panic!("cannot generate: {err}"),
    };
    assert!(files.len() > 400, "only {} files generated", files.len());
    let regenerate = std::env::var_os("SMIC_REGENERATE").is_some();
    let mut stale = Vec::new();
    for (path, text) in &files {
        let full = root.join(path);
        if regenerate {
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            }
            if std::fs::read_to_string(&full).ok().as_deref() != Some(text) {
                std::fs::write(&full, text).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
            }
        } else if std::fs::read_to_string(&full).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    // Files nobody generates any more.
    let on_disk = std::fs::read_dir(root.join("generated/src"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.path())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for path in on_disk {
        let relative = Path::new("generated/src").join(path.file_name().unwrap_or_default());
        if !files.contains_key(&relative) {
            if regenerate {
                let _ = std::fs::remove_file(&path);
            } else {
                stale.push(format!("{} (no longer generated)", relative.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files (run `SMIC_REGENERATE=1 cargo test -p smic-tests generated_fresh`):\n{}",
        stale.join("\n")
    );
}
