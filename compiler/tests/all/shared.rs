//! The shared test material beside the repository (`../shared`: the vendor corpus, the
//! golden files of the reference implementations).
//!
//! A test that needs it calls [`shared`]: on a developer's machine without the material
//! the test says so on stderr and passes without testing; under CI (`CI` set) it fails,
//! so a CI that lost the material cannot stay green. Compiled into the integration tests
//! (`tests/all/`) and, through `#[path]`, into the library's unit tests.

use std::path::{Path, PathBuf};

/// `../shared/<relative>` beside the repository, when it exists; `None` after saying so
/// on stderr when it does not.
///
/// # Panics
/// When it does not exist and `CI` is set.
pub(crate) fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(
        !ci,
        "{} is missing and CI is set: the shared test material must be there",
        path.display()
    );
    eprintln!(
        "SKIPPED: {} is missing; this test needs the shared test material",
        path.display()
    );
    None
}
