//! `snmpEngineBoots` across restarts (RFC 3414 §2.2.2): read from a daemon's state
//! directory, incremented, written back before it answers anything, so a peer's
//! cached engine time never looks replayed.
//!
//! ```
//! let dir = std::env::temp_dir().join(format!("smic-boots-doc-{}", std::process::id()));
//! let first = smic_snmp::boots::next(&dir).unwrap();
//! assert_eq!(smic_snmp::boots::next(&dir).unwrap(), first + 1);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::io;
use std::path::Path;

const FILE: &str = "engine-boots";

/// The boot count of this start: one more than the file says (1 without a file).
pub fn next(dir: &Path) -> io::Result<u32> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(FILE);
    let previous = match std::fs::read_to_string(&path) {
        Ok(text) => text.trim().parse::<u32>().map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: not a boot count: {:?}", path.display(), text.trim()),
            )
        })?,
        Err(error) if error.kind() == io::ErrorKind::NotFound => 0,
        Err(error) => return Err(error),
    };
    // RFC 3414: at 2147483647 the engine stays there (and needs new keys).
    let boots = previous.saturating_add(1).min(2_147_483_647);
    // Written aside and renamed: a crash mid-write never leaves a truncated count.
    let temporary = dir.join(format!("{FILE}.tmp"));
    std::fs::write(&temporary, format!("{boots}\n"))?;
    std::fs::rename(&temporary, &path)?;
    Ok(boots)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn boots_grow_with_every_start_and_garbage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(super::next(dir.path()).unwrap(), 1);
        assert_eq!(super::next(dir.path()).unwrap(), 2);
        std::fs::write(dir.path().join("engine-boots"), "many").unwrap();
        assert!(super::next(dir.path()).is_err());
    }
}
