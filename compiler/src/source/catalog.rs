//! The search path as an index: which file declares which module, learnt from a scan of
//! each file's headers (or the index cache), without keeping or parsing any text.
//! A file is read again, and kept, only once one of its modules is asked for.

use std::path::{Path, PathBuf};

use super::cache::{self, Entry};
use super::walk::{Identity, walk};
use super::{MAX_FILE_SIZE, ModuleChunk, read_file, scan};
use crate::diagnostic::{Diagnostic, FileId};
use crate::hash::{HashMap, HashSet};

/// One file of the search path.
#[derive(Debug)]
pub(crate) struct CatalogFile {
    pub(crate) path: PathBuf,
    /// Once read: the file, its modules' extents, and its diagnostics not yet handed
    /// to a module. `None` inside when reading failed.
    pub(crate) loaded: Option<Option<LoadedFile>>,
}

/// A search-path file that was read because one of its modules was wanted.
#[derive(Debug)]
pub(crate) struct LoadedFile {
    pub(crate) id: FileId,
    pub(crate) chunks: Vec<ModuleChunk>,
    /// Findings of decoding and scanning, handed out with the modules they concern.
    pub(crate) pending: Vec<Diagnostic>,
    /// Whether the findings outside every module were handed out yet.
    pub(crate) general_given: bool,
}

/// Every file of the search path, in search order, and who declares what.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    pub(crate) files: Vec<CatalogFile>,
    /// Indexes into `files` of each module's declarers, in search order.
    pub(crate) by_name: HashMap<String, Vec<u32>>,
    /// Files that could not be read while indexing (said when a module is not found).
    pub(crate) unreadable: usize,
}

/// What the walk learnt of one file before its contents.
struct Found {
    path: PathBuf,
    size: u64,
    mtime: u128,
    inode: u64,
}

impl Catalog {
    /// Indexes every file under `root` not seen before (by identity), using and
    /// refreshing the index cache in `cache_dir`.
    pub(crate) fn add_root(
        &mut self,
        root: &Path,
        cache_dir: Option<&Path>,
        seen: &mut HashSet<Identity>,
    ) -> Result<(), Diagnostic> {
        let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let walked = walk(&canonical)?;
        let mut found = Vec::with_capacity(walked.len());
        for path in walked {
            let Ok(meta) = std::fs::metadata(&path) else {
                self.unreadable += 1;
                continue;
            };
            if !meta.is_file() || !seen.insert(Identity::of(&path, &meta)) {
                continue;
            }
            found.push(Found {
                size: meta.len(),
                mtime: meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos()),
                inode: inode(&meta),
                path,
            });
        }
        let cached = cache_dir.map(|dir| cache::load(dir, &canonical));
        let fresh = |f: &Found| {
            let entry = cached.as_ref()?.get(&f.path)?;
            (entry.size == f.size && entry.mtime == f.mtime && entry.inode == f.inode)
                .then(|| entry.modules.clone())
        };
        let known: Vec<Option<Vec<String>>> = found.iter().map(fresh).collect();
        let stale: Vec<&Found> = found
            .iter()
            .zip(&known)
            .filter(|(_, k)| k.is_none())
            .map(|(f, _)| f)
            .collect();
        let scanned = crate::parallel::map_on_all_cores(&stale, |f| module_names(f));
        let mut scanned = scanned.into_iter();
        let mut entries: Vec<(&Path, Entry)> = Vec::with_capacity(found.len());
        for (f, known) in found.iter().zip(known) {
            let modules = match known {
                Some(modules) => Some(modules),
                None => scanned.next().flatten().flatten(),
            };
            let Some(modules) = modules else {
                self.unreadable += 1;
                continue;
            };
            entries.push((
                &f.path,
                Entry {
                    size: f.size,
                    mtime: f.mtime,
                    inode: f.inode,
                    modules,
                },
            ));
        }
        // Written when anything changed: a file scanned anew, or one gone.
        if let (Some(dir), Some(cached)) = (cache_dir, &cached) {
            if !stale.is_empty() || cached.len() != entries.len() {
                let refs: Vec<(&Path, &Entry)> = entries.iter().map(|(p, e)| (*p, e)).collect();
                cache::store(dir, &canonical, &refs);
            }
        }
        for (path, entry) in entries {
            let index = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
            for module in &entry.modules {
                let holders = self.by_name.entry(module.clone()).or_default();
                if holders.last() != Some(&index) {
                    holders.push(index);
                }
            }
            self.files.push(CatalogFile {
                path: path.to_path_buf(),
                loaded: None,
            });
        }
        Ok(())
    }
}

/// The modules a file declares: `Some(empty)` for a file that is not MIB text (no
/// `::=` at all, or too large to be a MIB), `None` if it cannot be read.
fn module_names(found: &Found) -> Option<Vec<String>> {
    if found.size > MAX_FILE_SIZE {
        return Some(Vec::new());
    }
    let (text, _) = read_file(&found.path).ok()?;
    if memchr::memmem::find(text.as_bytes(), b"::=").is_none() {
        return Some(Vec::new());
    }
    Some(
        scan::scan(&text)
            .modules
            .into_iter()
            .map(|m| m.name)
            .collect(),
    )
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}
