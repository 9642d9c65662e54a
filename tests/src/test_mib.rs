//! `SMIC-TEST-MIB` (`tests/mibs/`), compiled to Rust by `build.rs` through
//! `smic::Builder`, with the modules its code uses (`INET-ADDRESS-MIB`).
//!
//! The module exercises every shape the generator handles (scalars of the common
//! textual conventions, enumerations, BITS, tables indexed by integers, strings of
//! variable and fixed size, IMPLIED strings, OIDs, IP addresses, several components,
//! AUGMENTS and a foreign index, a notification) and the names and texts that are
//! awkward once in Rust (colliding descriptors, Rust keywords, labels that start with
//! digits, duplicate enumeration values, DESCRIPTIONs full of Markdown and HTML).
//! `tests/typed_objects.rs` checks the result.

include!(concat!(env!("OUT_DIR"), "/mibs.rs"));
