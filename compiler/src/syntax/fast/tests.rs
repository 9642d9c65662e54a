//! The fast path against pest: the same modules and diagnostics for every shipped MIB
//! and, when present, the vendor corpus; and, item by item, the same tree whenever the
//! fast path accepts.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use crate::source::{read_file, walk};
use crate::syntax::scan::scan;
use crate::syntax::{Reader, parse_module_with};

/// The one helper for tests that need `../shared` (skips loudly, fails under CI).
#[path = "../../../tests/all/shared.rs"]
mod shared;

thread_local! {
    /// Items the fast path accepted and declined on this thread.
    static COUNTS: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

/// Called by [`super::item`] in test builds.
pub(super) fn count(accepted: bool) {
    COUNTS.with(|c| {
        let (yes, no) = c.get();
        c.set(if accepted {
            (yes + 1, no)
        } else {
            (yes, no + 1)
        });
    });
}

/// Parses every module of every file under `dir` both ways and returns how many items
/// the fast path accepted and declined; panics on the first difference.
fn compare_tree(dir: &Path) -> (usize, usize) {
    COUNTS.with(|c| c.set((0, 0)));
    let files = walk(dir).expect("readable directory");
    assert!(!files.is_empty(), "no files under {}", dir.display());
    for path in files {
        let Ok((text, _)) = read_file(&path) else {
            continue;
        };
        for chunk in &scan(&text).modules {
            let pest = parse_module_with(&text, chunk, Reader::PestOnly);
            let fast = parse_module_with(&text, chunk, Reader::FastThenPest);
            assert_eq!(
                fast.diagnostics,
                pest.diagnostics,
                "{}: module {}: diagnostics differ",
                path.display(),
                chunk.name
            );
            let (Some(fast), Some(pest)) = (fast.module, pest.module) else {
                continue;
            };
            for (f, p) in fast.definitions.iter().zip(&pest.definitions) {
                assert_eq!(f, p, "{}: module {}", path.display(), chunk.name);
            }
            assert_eq!(fast, pest, "{}: module {}", path.display(), chunk.name);
        }
    }
    // Pest-only parses never reach the fast path: every count is the fast run's.
    COUNTS.with(Cell::get)
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn shipped_mibs_parse_alike_and_mostly_fast() {
    let (accepted, declined) = compare_tree(&root().join("mibs"));
    let share = accepted as f64 / (accepted + declined) as f64;
    // The shipped MIBs are clean SMI; only base modules (tags, MACROs), EXPORTS and the
    // quirks the checker warns about should need pest.
    assert!(
        share > 0.99,
        "the fast path took only {accepted} of {} items",
        accepted + declined
    );
}

#[test]
fn vendor_corpus_parses_alike() {
    let Some(corpus) = shared::shared("corpus/vendor") else {
        return;
    };
    let (accepted, declined) = compare_tree(&corpus);
    let share = accepted as f64 / (accepted + declined) as f64;
    assert!(
        share > 0.9,
        "the fast path took only {accepted} of {} items",
        accepted + declined
    );
}
