//! A MIB error met by a build script shows in `cargo build`'s output with file, line,
//! snippet and code.
//!
//! The test writes a small crate whose `build.rs` calls `smic::Builder` on a broken MIB
//! beside it and returns the error from `main` (as most build scripts do), then runs
//! `cargo build` on it. Dependencies build once under `CARGO_TARGET_TMPDIR` (shared with
//! smic-macros' compile-fail test) and are reused by later runs.

use std::path::Path;
use std::process::Command;

/// Line 17 is the one with the mistake: a range without an upper bound.
const BROKEN_MIB: &str = "BROKEN-MIB DEFINITIONS ::= BEGIN

-- A module with two mistakes, for the build-script test.

IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises
        FROM SNMPv2-SMI;

brokenMIB MODULE-IDENTITY
    LAST-UPDATED \"202501010000Z\"
    ORGANIZATION \"smic\"
    CONTACT-INFO \"smic\"
    DESCRIPTION  \"Broken on purpose.\"
    ::= { enterprises 99998 }

brokenRange OBJECT-TYPE
    SYNTAX      Integer32 (1..)
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION \"A range without an upper bound.\"
    ::= { brokenMIB 1 }

brokenParent OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION \"Under a parent that is not defined.\"
    ::= { noSuchParent 2 }

END
";

#[test]
fn a_broken_mib_in_a_build_script_shows_file_line_snippet_and_code() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join("smic-build-script");
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    };
    write("mibs/BROKEN-MIB.txt", BROKEN_MIB);
    write(
        "Cargo.toml",
        &format!(
            "[package]\nname = \"builds-broken-mib\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\nbuild = \"build.rs\"\n\n[lib]\npath = \"lib.rs\"\n\n\
             [build-dependencies]\nsmic = {{ path = {:?} }}\n\n[workspace]\n",
            here.display().to_string()
        ),
    );
    write(
        "build.rs",
        "fn main() -> Result<(), Box<dyn std::error::Error>> {\n    \
         smic::Builder::new().search_path(\"mibs\").compile(&[\"BROKEN-MIB\"])?;\n    Ok(())\n}\n",
    );
    write("lib.rs", "//! Would include the generated code.\n");
    // The same dependency versions as the workspace, so nothing is fetched.
    if let Ok(lock) = std::fs::read(here.join("../Cargo.lock")) {
        let _ = std::fs::write(dir.join("Cargo.lock"), lock);
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&dir)
        .args(["build", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", tmp.join("smic-user-crates-target"))
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the crate built:\n{stderr}");
    for expected in [
        // File, line and column of each error, and its code.
        "mibs/BROKEN-MIB.txt:17:31",
        "smic::syntax::unexpected-token",
        "mibs/BROKEN-MIB.txt:28:11",
        "smic::resolve::unknown-symbol",
        // The snippet: the offending line as it is in the file, with its number.
        "17 │     SYNTAX      Integer32 (1..)",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }
}

#[test]
fn a_runtime_path_that_is_not_a_rust_path_is_an_error() {
    let err = smic::Builder::new()
        .emit_rerun_if_changed(false)
        .runtime_path("smic smi")
        .generate(&["SNMPv2-MIB"])
        .err();
    assert!(
        matches!(&err, Some(smic::BuildError::InvalidRuntimePath { path, .. }) if path == "smic smi"),
        "{err:?}"
    );
}
