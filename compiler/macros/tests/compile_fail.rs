//! A broken MIB is a compile error that names the MIB file and line.
//!
//! The test writes a small crate that calls `mibs!` on `tests/mibs/BROKEN-MIB.txt` and
//! runs `cargo check` on it (what trybuild does, but with the MIB beside the crate, so
//! the path in the message is the one a user would write). Its dependencies build once
//! under `CARGO_TARGET_TMPDIR` and are reused by later runs.

use std::path::Path;
use std::process::Command;

#[test]
fn a_broken_mib_is_a_compile_error_naming_file_and_line() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("smic-macros-compile-fail");
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    };
    let mib = std::fs::read_to_string(here.join("tests/mibs/BROKEN-MIB.txt"))
        .unwrap_or_else(|e| panic!("BROKEN-MIB.txt: {e}"));
    write("mibs/BROKEN-MIB.txt", &mib);
    write(
        "Cargo.toml",
        &format!(
            "[package]\nname = \"uses-broken-mib\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\n\
             smic-macros = {{ path = {:?} }}\n\n[workspace]\n",
            here.display().to_string()
        ),
    );
    write(
        "lib.rs",
        "//! Uses a broken MIB.\n\nsmic_macros::mibs! {\n    search_path: \"mibs\",\n    modules: [\"BROKEN-MIB\"],\n}\n",
    );
    // The same dependency versions as the workspace, so nothing is fetched.
    if let Ok(lock) = std::fs::read(here.join("../../Cargo.lock")) {
        let _ = std::fs::write(dir.join("Cargo.lock"), lock);
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&dir)
        .args(["check", "--offline", "--quiet", "--message-format", "short"])
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("smic-user-crates-target"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the crate compiled:\n{stderr}");
    // One error per MIB problem, at the macro call, each naming the MIB file and line.
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        errors,
        [
            "lib.rs:3:1: error: mibs/BROKEN-MIB.txt:17:31: unexpected `)` [smic::syntax::unexpected-token]",
            "lib.rs:3:1: error: mibs/BROKEN-MIB.txt:28:11: unknown OID parent `noSuchParent` [smic::resolve::unknown-symbol]",
        ],
        "{stderr}"
    );
}
