//! The index cache: which modules each file on a search path declares, remembered
//! between runs so that a warm search path costs a `stat` per file instead of a read.
//!
//! One file per search-path directory (named after a hash of its canonical path) under
//! the cache directory. An entry holds a file's path, size, modification time and
//! inode; any of them changed and the file is scanned again. The cache is never
//! required: a missing, unreadable, read-only or corrupt one only costs the time of the
//! scan. It is written to a temporary file and renamed into place, so two processes
//! writing at once leave one whole version or the other, never a mix.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::hash::HashMap;

/// The first line of every cache file; another version is ignored (and overwritten).
const MAGIC: &str = "smic-index 1";

/// What is known about one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The file's size in bytes.
    pub(crate) size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub(crate) mtime: u128,
    /// The file's inode (0 where there are none).
    pub(crate) inode: u64,
    /// The modules it declares, in file order.
    pub(crate) modules: Vec<String>,
}

/// Cache entries of one search-path directory, by file path.
pub(crate) type Entries = HashMap<PathBuf, Entry>;

/// Where the index of `root` (a canonical path) is kept under `dir`.
fn cache_file(dir: &Path, root: &Path) -> PathBuf {
    // FNV-1a: stable across runs and versions, unlike the randomly keyed map hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in root.as_os_str().as_encoded_bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    dir.join(format!("index-{hash:016x}"))
}

/// Reads the cached index of `root`; empty when there is none or it is unusable.
pub(crate) fn load(dir: &Path, root: &Path) -> Entries {
    let Ok(text) = std::fs::read_to_string(cache_file(dir, root)) else {
        return Entries::default();
    };
    parse(&text, root).unwrap_or_default()
}

/// The entries of a cache file's text, or `None` if it is not one for `root` or any
/// line is damaged (a cache half right is not worth trusting).
fn parse(text: &str, root: &Path) -> Option<Entries> {
    let mut lines = text.lines();
    if lines.next()? != MAGIC || Path::new(lines.next()?) != root {
        return None;
    }
    let mut entries = Entries::default();
    for line in lines {
        // The path comes last: it is the only field that may hold a tab.
        let mut fields = line.splitn(5, '\t');
        let size = fields.next()?.parse().ok()?;
        let mtime = fields.next()?.parse().ok()?;
        let inode = fields.next()?.parse().ok()?;
        let modules = fields.next()?;
        let path = fields.next()?;
        let modules = modules
            .split(' ')
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect();
        entries.insert(
            PathBuf::from(path),
            Entry {
                size,
                mtime,
                inode,
                modules,
            },
        );
    }
    Some(entries)
}

/// Writes the index of `root`; failures are ignored (the next run scans again).
pub(crate) fn store(dir: &Path, root: &Path, entries: &[(&Path, &Entry)]) {
    let Some(root_text) = root.to_str().filter(|r| !r.contains(['\n', '\r'])) else {
        return;
    };
    let mut text = format!("{MAGIC}\n{root_text}\n");
    for (path, entry) in entries {
        // A path that is not UTF-8 or holds a line break cannot be written back as it
        // was: such files are scanned every time.
        let Some(path) = path.to_str().filter(|p| !p.contains(['\n', '\r'])) else {
            continue;
        };
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{path}\n",
            entry.size,
            entry.mtime,
            entry.inode,
            entry.modules.join(" ")
        ));
    }
    let _ = write_atomically(&cache_file(dir, root), text.as_bytes());
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(format!(
        ".{}.{}.{nanos}.tmp",
        path.file_name()
            .map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    let written = std::fs::File::create(&temp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_data()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temp, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    renamed
}

/// The default cache directory: `$XDG_CACHE_HOME/smic`, else `~/.cache/smic`.
pub fn default_dir() -> Option<PathBuf> {
    let from_xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = from_xdg.or_else(|| {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .map(|home| home.join(".cache"))
    })?;
    Some(base.join("smic"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(modules: &[&str]) -> Entry {
        Entry {
            size: 10,
            mtime: 1_700_000_000_123_456_789,
            inode: 42,
            modules: modules.iter().map(|m| m.to_string()).collect(),
        }
    }

    #[test]
    fn round_trip_and_damage() {
        let dir = std::env::temp_dir().join(format!("smic-cache-{}", std::process::id()));
        let root = Path::new("/some/root");
        let a = entry(&["A-MIB", "B-MIB"]);
        let none = entry(&[]);
        let tabbed = Path::new("/some/root/with\ttab");
        store(
            &dir,
            root,
            &[(Path::new("/some/root/a"), &a), (tabbed, &none)],
        );
        let loaded = load(&dir, root);
        assert_eq!(loaded.get(Path::new("/some/root/a")), Some(&a));
        assert_eq!(loaded.get(tabbed), Some(&none));
        // Another root's index is another file.
        assert!(load(&dir, Path::new("/other")).is_empty());
        // A damaged line discards the whole file.
        let file = cache_file(&dir, root);
        let mut text = std::fs::read_to_string(&file).expect("cache written");
        text.push_str("12\tnot a number\t1\tX\t/some/root/x\n");
        std::fs::write(&file, text).expect("write");
        assert!(load(&dir, root).is_empty());
        std::fs::write(&file, [0xff, 0xfe, 0]).expect("write");
        assert!(load(&dir, root).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
