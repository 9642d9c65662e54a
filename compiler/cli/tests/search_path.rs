//! The search path end to end: links that loop, the same file through two paths, files
//! that are not MIBs, duplicates, the index cache, and inputs that cannot be read.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch directory, removed on drop; its `cache` subdirectory is the index cache.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("smic-sp-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let file = self.0.join(name);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
        file
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }

    /// Runs smic with the index cache inside the scratch directory.
    fn smic(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_smic"))
            .args(args)
            .env("XDG_CACHE_HOME", self.0.join("cache"))
            .env_remove("SMIC_PATH")
            .output()
            .unwrap_or_else(|err| panic!("cannot run smic: {err}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn module(name: &str, arc: u32) -> String {
    format!(
        "{name} DEFINITIONS ::= BEGIN\n\
         IMPORTS enterprises FROM RFC1155-SMI;\n\
         node{arc} OBJECT IDENTIFIER ::= {{ enterprises {arc} }}\n\
         END\n"
    )
}

fn importer(name: &str, from: &str, arc: u32) -> String {
    format!(
        "{name} DEFINITIONS ::= BEGIN\n\
         IMPORTS node{arc} FROM {from};\n\
         sub{arc} OBJECT IDENTIFIER ::= {{ node{arc} 1 }}\n\
         END\n"
    )
}

#[cfg(unix)]
#[test]
fn back_links_are_followed_once() {
    let scratch = Scratch::new("loops");
    scratch.write("tree/A-MIB.mib", &module("A-MIB", 9001));
    scratch.write("tree/a/B-MIB.mib", &importer("B-MIB", "A-MIB", 9001));
    std::os::unix::fs::symlink(".", scratch.0.join("tree/self")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("..", scratch.0.join("tree/a/loop"))
        .unwrap_or_else(|e| panic!("{e}"));
    let tree = scratch.path("tree");
    let output = scratch.smic(&["check", &tree]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(
        text.ends_with("2 modules: 2 ok, 0 with errors; 0 errors, 0 warnings\n"),
        "{text}"
    );
    let output = scratch.smic(&["check", "-I", &tree, "B-MIB"]);
    assert!(output.status.success(), "{}", stdout(&output));
    assert!(
        !stdout(&output).contains("duplicate-module"),
        "{}",
        stdout(&output)
    );
    let output = scratch.smic(&["dump", "oids", &tree]);
    assert!(output.status.success());
    assert_eq!(stdout(&output).lines().count(), 2, "{}", stdout(&output));
}

#[test]
fn one_file_through_two_paths_counts_once() {
    let scratch = Scratch::new("overlap");
    let file = scratch.write("dir/sub/A-MIB.mib", &module("A-MIB", 9002));
    scratch.write("dir/B-MIB.mib", &importer("B-MIB", "A-MIB", 9002));
    let (dir, sub) = (scratch.path("dir"), scratch.path("dir/sub"));
    let file = file.display().to_string();
    for args in [
        vec!["check", "-I", &dir, "-I", &sub, "B-MIB"],
        vec!["check", "-I", &dir, &file],
        vec!["check", &dir, &sub],
    ] {
        let output = scratch.smic(&args);
        let text = stdout(&output);
        assert!(output.status.success(), "{args:?}: {text}");
        assert!(text.contains("0 warnings"), "{args:?}: {text}");
    }
}

#[test]
fn only_what_is_used_is_reported() {
    let scratch = Scratch::new("unused");
    scratch.write("path/README", "Build with: make MIBS ::= all\n");
    scratch.write(
        "path/BROKEN-MIB.mib",
        "BROKEN-MIB DEFINITIONS ::= BEGIN x ::= END\n",
    );
    scratch.write("path/A-MIB.mib", &module("A-MIB", 9003));
    scratch.write("path/B-MIB.mib", &importer("B-MIB", "A-MIB", 9003));
    let path = scratch.path("path");
    let output = scratch.smic(&["check", "-I", &path, "B-MIB"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert_eq!(
        text,
        "1 modules: 1 ok, 0 with errors; 0 errors, 0 warnings\n"
    );
    // The broken module speaks up once asked for.
    let output = scratch.smic(&["check", "-I", &path, "BROKEN-MIB"]);
    assert!(!output.status.success(), "{}", stdout(&output));
}

#[test]
fn a_duplicate_module_is_told_once_and_only_when_used() {
    let scratch = Scratch::new("duplicates");
    scratch.write("one/A-MIB.mib", &module("A-MIB", 9004));
    scratch.write("two/A-MIB.txt", &module("A-MIB", 9004));
    scratch.write("two/C-MIB.txt", &module("C-MIB", 9005));
    scratch.write("one/B-MIB.mib", &importer("B-MIB", "A-MIB", 9004));
    let (one, two) = (scratch.path("one"), scratch.path("two"));
    let output = scratch.smic(&["check", "-I", &one, "-I", &two, "C-MIB"]);
    assert!(
        !stdout(&output).contains("duplicate-module"),
        "{}",
        stdout(&output)
    );
    let output = scratch.smic(&["check", "-I", &one, "-I", &two, "A-MIB", "B-MIB"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert_eq!(text.matches("duplicate-module").count(), 1, "{text}");
    assert!(text.contains("two/A-MIB.txt"), "{text}");
}

#[test]
fn the_index_cache_is_refreshed_and_never_required() {
    let scratch = Scratch::new("cache");
    scratch.write("path/A-MIB.mib", &module("A-MIB", 9006));
    let path = scratch.path("path");
    let ok = |scratch: &Scratch, name: &str| {
        let output = scratch.smic(&["check", "-I", &path, name]);
        assert!(output.status.success(), "{name}: {}", stdout(&output));
    };
    ok(&scratch, "A-MIB");
    let cache = scratch.0.join("cache/smic");
    let files: Vec<PathBuf> = std::fs::read_dir(&cache)
        .unwrap_or_else(|e| panic!("no cache written: {e}"))
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    // A file that changes is scanned again: its new module is found.
    scratch.write("path/A-MIB.mib", &module("RENAMED-MIB", 9006));
    ok(&scratch, "RENAMED-MIB");
    // A corrupt cache costs a scan, nothing else.
    std::fs::write(&files[0], b"smic-index 1\n\xff\xfe garbage\tno\n")
        .unwrap_or_else(|e| panic!("{e}"));
    ok(&scratch, "RENAMED-MIB");
    std::fs::write(&files[0], b"").unwrap_or_else(|e| panic!("{e}"));
    ok(&scratch, "RENAMED-MIB");
    // A cache directory that cannot be created (a file is in the way) is no cache.
    let _ = std::fs::remove_dir_all(&cache);
    std::fs::write(&cache, b"in the way").unwrap_or_else(|e| panic!("{e}"));
    ok(&scratch, "RENAMED-MIB");
}

#[test]
fn dump_fails_when_an_input_failed() {
    let scratch = Scratch::new("dump");
    let big = scratch.0.join("BIG-MIB.mib");
    let file = std::fs::File::create(&big).unwrap_or_else(|e| panic!("{e}"));
    // Sparse: the size is what is refused, before anything is read.
    file.set_len(65 << 20).unwrap_or_else(|e| panic!("{e}"));
    let output = scratch.smic(&["dump", "oids", &big.display().to_string()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("file-too-large"));
    // An import that cannot be found leaves the dump incomplete.
    scratch.write("LOST-MIB.mib", &importer("LOST-MIB", "NOWHERE-MIB", 1));
    let output = scratch.smic(&["dump", "oids", &scratch.path("LOST-MIB.mib")]);
    assert!(!output.status.success(), "{}", stdout(&output));
    let good = scratch.write("good/A-MIB.mib", &module("A-MIB", 9007));
    let output = scratch.smic(&["dump", "oids", &good.display().to_string()]);
    assert!(output.status.success());
}

#[cfg(unix)]
#[test]
fn devices_and_pipes_are_not_read() {
    let scratch = Scratch::new("devices");
    scratch.write("path/A-MIB.mib", &module("A-MIB", 9008));
    let fifo = scratch.0.join("path/pipe.mib");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let path = scratch.path("path");
    let output = scratch.smic(&["check", "-I", &path, "A-MIB"]);
    assert!(output.status.success(), "{}", stdout(&output));
    if made.is_ok_and(|s| s.success()) {
        let output = scratch.smic(&["check", &fifo.display().to_string()]);
        assert!(!output.status.success());
    }
    let output = scratch.smic(&["check", "/dev/null"]);
    assert!(!output.status.success());
    assert!(stdout(&output).contains("smic::source::io") || !output.stderr.is_empty());
    assert!(Path::new("/dev/null").exists());
}
