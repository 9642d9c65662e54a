//! Hash maps for names read from MIB files.
//!
//! Loading thousands of modules hashes every descriptor several times (symbol tables,
//! imports, the module index), and std's SipHash was a visible share of the load.
//! foldhash is several times cheaper on short keys. The names come from files anyone
//! can write, so the hasher is still keyed at random: once per process from the
//! operating system's randomness (through std's `RandomState`), and per map on top,
//! so collisions cannot be crafted in advance.

use std::hash::BuildHasher;
use std::sync::OnceLock;

use foldhash::SharedSeed;
use foldhash::fast::SeedableRandomState;

/// A hash map with [`RandomState`].
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, RandomState>;

/// A hash set with [`RandomState`].
pub(crate) type HashSet<T> = std::collections::HashSet<T, RandomState>;

/// foldhash keyed from the operating system's randomness.
#[derive(Clone, Debug)]
pub(crate) struct RandomState(SeedableRandomState);

impl Default for RandomState {
    fn default() -> Self {
        static SHARED: OnceLock<SharedSeed> = OnceLock::new();
        // std's RandomState draws its keys from the OS (and varies them per instance):
        // hashing a constant with it yields a random number without another dependency.
        let shared =
            SHARED.get_or_init(|| SharedSeed::from_u64(std::hash::RandomState::new().hash_one(0)));
        let per_map = std::hash::RandomState::new().hash_one(1);
        RandomState(SeedableRandomState::with_seed(per_map, shared))
    }
}

impl BuildHasher for RandomState {
    type Hasher = <SeedableRandomState as BuildHasher>::Hasher;

    #[inline]
    fn build_hasher(&self) -> Self::Hasher {
        self.0.build_hasher()
    }
}

/// A map with room for `capacity` entries.
pub(crate) fn map_with_capacity<K, V>(capacity: usize) -> HashMap<K, V> {
    HashMap::with_capacity_and_hasher(capacity, RandomState::default())
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    #[test]
    fn maps_are_keyed_differently() {
        let (a, b) = (super::RandomState::default(), super::RandomState::default());
        assert_ne!(a.hash_one("ifIndex"), b.hash_one("ifIndex"));
        assert_eq!(a.hash_one("ifIndex"), a.hash_one("ifIndex"));
        let mut map = super::map_with_capacity(4);
        map.insert("ifIndex", 1);
        assert_eq!(map.get("ifIndex"), Some(&1));
    }
}
