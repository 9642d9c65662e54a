//! The shipped MIBs parse cleanly, and the vendor corpus (`../shared/corpus`, see
//! [`shared`]) parses at the promised rate.

use std::path::{Path, PathBuf};

use smic::Policy;
use smic::check::check_paths;

use crate::shared::shared;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn every_shipped_module_parses_without_errors() {
    let report = check_paths(&[root().join("mibs")], &Policy::default());
    let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let shipped = std::fs::read_dir(root().join("mibs"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
                .count()
        })
        .unwrap_or(0);
    assert!(shipped > 400, "mibs/ holds {shipped} modules");
    assert_eq!(report.modules.len(), shipped, "one module per shipped file");
    assert!(report.modules.iter().all(|m| m.module.is_some()));
}

#[test]
fn vendor_corpus_parses_at_least_99_percent_of_files() {
    let Some(corpus) = shared("corpus/vendor") else {
        return;
    };
    let report = check_paths(std::slice::from_ref(&corpus), &Policy::default());
    let files = report.sources.files().len();
    let failed: Vec<&Path> = report
        .sources
        .files()
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            report
                .diagnostics
                .iter()
                .any(|d| d.is_error() && d.file.is_some_and(|f| f.0 as usize == *i))
        })
        .map(|(_, f)| f.path.as_path())
        .collect();
    assert!(files > 2000, "only {files} corpus files found");
    let ok = files - failed.len();
    let rate = ok as f64 / files as f64;
    assert!(
        rate >= 0.99,
        "{ok}/{files} files parse cleanly; failing: {failed:#?}"
    );
}

#[test]
fn vendor_corpus_loads_at_least_98_percent_of_modules() {
    let Some(corpus) = shared("corpus/vendor") else {
        return;
    };
    let mut loader = smic::resolve::Loader::new();
    loader.target_path(&corpus).search_path(root().join("mibs"));
    let loaded = loader.load(&Policy::default());
    let modules = loaded.targets.len();
    let failed: Vec<&String> = loaded
        .targets
        .iter()
        .filter(|t| {
            loaded
                .diagnostics
                .get(*t)
                .is_some_and(|d| d.iter().any(|d| d.is_error()))
        })
        .collect();
    assert!(modules > 2000, "only {modules} corpus modules found");
    let rate = (modules - failed.len()) as f64 / modules as f64;
    assert!(
        rate >= 0.98,
        "{}/{modules} modules load cleanly; failing: {failed:#?}",
        modules - failed.len()
    );
}
