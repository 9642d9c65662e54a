//! Compiles the generated Rust of every module of a MIB tree that loads without error,
//! and reports how many compile: the codegen leniency figure of issue 4.
//!
//! ```text
//! cargo run --release -p smic --example codegen_corpus -- ../shared/corpus/vendor [WORK_DIR] [CHUNK]
//! ```
//!
//! The modules are split into chunks of CHUNK (default 150) target modules; each chunk
//! becomes a crate in WORK_DIR (default a temporary directory) holding the chunk and
//! every module its code uses, checked with `cargo check` against this workspace's
//! smic-smi. A module that has a compile error is dropped, with what uses it, and the
//! chunk is checked again until it is clean, so one error cannot hide another.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use smic::Policy;
use smic::emit::rust::{self, Options};
use smic::model::ModuleId;
use smic::resolve::Loader;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let tree = PathBuf::from(
        args.first()
            .map_or("../shared/corpus/vendor", String::as_str),
    );
    let work = args.get(1).map_or_else(
        || std::env::temp_dir().join("smic-codegen-corpus"),
        PathBuf::from,
    );
    let chunk: usize = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(150);
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../runtime/smi")
        .canonicalize()
        .unwrap();

    let mut loader = Loader::new();
    loader.target_path(&tree);
    let loaded = loader.load(&Policy::default());
    let model = &loaded.model;
    let mut clean: Vec<(String, ModuleId)> = loaded
        .targets
        .iter()
        .filter(|t| {
            !loaded
                .diagnostics
                .get(*t)
                .is_some_and(|d| d.iter().any(|d| d.is_error()))
        })
        .filter_map(|t| Some((path_of(model, t), model.module_id(t)?)))
        .filter(|(_, id)| !model.module(*id).is_base)
        .collect();
    clean.sort();
    println!(
        "{} modules in {}; {} load without error",
        loaded.targets.len(),
        tree.display(),
        clean.len()
    );

    let mut failed: BTreeMap<String, String> = BTreeMap::new();
    let mut compiled = 0usize;
    for (n, group) in clean.chunks(chunk).enumerate() {
        let dir = work.join(format!("chunk{n:03}"));
        let mut targets: Vec<ModuleId> = group.iter().map(|(_, id)| *id).collect();
        loop {
            let generated = rust::generate_with_dependencies(model, &targets, &Options::default());
            write_crate(&dir, &runtime, &generated.modules);
            let errors = check(&dir);
            if errors.is_empty() {
                compiled += targets.len();
                println!("chunk {n}: {} modules compile", targets.len());
                break;
            }
            // Drop the modules with errors, and the targets whose code uses them.
            let bad: BTreeSet<String> = generated
                .modules
                .iter()
                .filter(|m| errors.contains_key(&m.file_name))
                .map(|m| m.module.clone())
                .collect();
            for m in &generated.modules {
                if let Some(e) = errors.get(&m.file_name) {
                    failed.insert(m.module.clone(), e.clone());
                }
            }
            let before = targets.len();
            targets.retain(|&id| {
                let name = &model.module(id).name;
                let module = generated.modules.iter().find(|m| &m.module == name);
                !bad.contains(name)
                    && !module.is_some_and(|m| m.depends_on.iter().any(|d| bad.contains(d)))
            });
            for &(_, id) in group {
                let name = &model.module(id).name;
                if !targets.contains(&id) {
                    failed
                        .entry(name.clone())
                        .or_insert_with(|| "uses a module that does not compile".to_string());
                }
            }
            if targets.len() == before || targets.is_empty() {
                println!("chunk {n}: gave up with {} targets left", targets.len());
                break;
            }
        }
    }
    let total = clean.len();
    println!(
        "\n{compiled}/{total} modules compile ({:.2}%)",
        100.0 * compiled as f64 / total.max(1) as f64
    );
    for (module, error) in &failed {
        println!("  {module}: {error}");
    }
}

fn path_of(model: &smic::model::Model, name: &str) -> String {
    model
        .module_id(name)
        .map(|id| model.module(id).path.clone())
        .unwrap_or_default()
}

fn write_crate(dir: &Path, runtime: &Path, modules: &[rust::RustModule]) {
    let src = dir.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"corpus-chunk\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\nsmic-smi = {{ path = \"{}\" }}\n\n[workspace]\n",
            runtime.display()
        ),
    )
    .unwrap();
    for m in modules {
        std::fs::write(src.join(&m.file_name), &m.code).unwrap();
    }
    std::fs::write(
        src.join("lib.rs"),
        format!("#![allow(missing_docs)]\n{}", rust::include_file(modules)),
    )
    .unwrap();
}

/// `cargo check`'s errors, by file name: the first message for each file.
fn check(dir: &Path) -> BTreeMap<String, String> {
    let out = Command::new("cargo")
        .args(["check", "--quiet", "--message-format=short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("../target"))
        .output()
        .unwrap();
    let mut errors = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        let Some((path, rest)) = line.split_once(':') else {
            continue;
        };
        if !rest.contains("error") {
            continue;
        }
        let file = Path::new(path)
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        errors.entry(file).or_insert_with(|| line.to_string());
    }
    if errors.is_empty() && !out.status.success() {
        errors.insert(
            "?".to_string(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
    }
    errors
}
