//! Finding the files under a path: each directory visited once, however many links
//! lead to it.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::hash::HashSet;

/// What identifies a file or directory whatever path reaches it: device and inode on
/// Unix, the canonical path elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Identity(IdentityInner);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum IdentityInner {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

impl Identity {
    /// The identity of what `meta` describes, reached at `path`.
    pub fn of(path: &Path, meta: &std::fs::Metadata) -> Identity {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let _ = path;
            Identity(IdentityInner::Inode(meta.dev(), meta.ino()))
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Identity(IdentityInner::Path(
                std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
            ))
        }
    }
}

/// Every regular file under `path` (itself, if a file), sorted for determinism; hidden
/// files and directories are skipped, and so are devices, sockets and pipes (reading
/// them could block forever or never end).
///
/// Links are followed, but every directory is entered once, by [`Identity`]: a link back
/// up the tree (`self -> .`, `a/loop -> ..`) leads nowhere new. A file linked under two
/// names is listed under both; [`Identity`] tells the loader they are one.
pub fn walk(path: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let io_error = |p: &Path, err: std::io::Error| {
        Diagnostic::new(Code::Io, format!("cannot read {}: {err}", p.display()))
    };
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !meta.is_dir() {
        return Err(Diagnostic::new(
            Code::Io,
            format!(
                "{} is neither a regular file nor a directory",
                path.display()
            ),
        )
        .help("devices, pipes and sockets are not read: they may never end"));
    }
    let mut visited: HashSet<Identity> = HashSet::default();
    visited.insert(Identity::of(path, &meta));
    let mut files = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries = Vec::new();
        // A subdirectory that cannot be listed loses its files, not the whole walk; the
        // directory asked for must be readable.
        let listing = match std::fs::read_dir(&dir) {
            Ok(listing) => listing,
            Err(err) if dir == path => return Err(io_error(&dir, err)),
            Err(_) => continue,
        };
        for entry in listing.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            // The directory listing says what most entries are; only links (and
            // directories, for their identity) need a look at what they are.
            entries.push((entry.path(), entry.file_type().ok()));
        }
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut subdirectories = Vec::new();
        for (entry, kind) in entries {
            match kind {
                Some(kind) if kind.is_file() => files.push(entry),
                Some(kind) if !kind.is_dir() && !kind.is_symlink() => {}
                // Directories and links: where they lead decides. A looping or dangling
                // link fails here and is skipped.
                _ => match std::fs::metadata(&entry) {
                    Ok(m) if m.is_dir() && visited.insert(Identity::of(&entry, &m)) => {
                        subdirectories.push(entry);
                    }
                    Ok(m) if m.is_file() => files.push(entry),
                    _ => {}
                },
            }
        }
        stack.extend(subdirectories.into_iter().rev());
    }
    files.sort();
    files.dedup();
    Ok(files)
}

#[cfg(all(test, unix))]
mod tests {
    use super::walk;

    #[test]
    fn back_links_lead_nowhere_new() {
        let root = std::env::temp_dir().join(format!("smic-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("a")).expect("temp dir");
        std::fs::write(root.join("top.mib"), "x").expect("write");
        std::fs::write(root.join("a/inner.mib"), "y").expect("write");
        std::os::unix::fs::symlink(".", root.join("self")).expect("link");
        std::os::unix::fs::symlink("..", root.join("a/loop")).expect("link");
        let files = walk(&root).expect("walk");
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(files, [root.join("a/inner.mib"), root.join("top.mib")]);
    }
}
