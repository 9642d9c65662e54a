//! smic-smi: the vocabulary shared by generated MIB code and the SNMP engine.
//!
//! Today: [`Oid`] (with `const` construction through [`oid!`]) and [`Value`], every
//! SNMP application type and the SNMPv2 exceptions. Textual conventions, object traits,
//! index codecs and the registry join them as code generation arrives.

pub mod display_hint;
mod oid;
mod value;

pub use oid::{Oid, ParseOidError};
pub use value::Value;
