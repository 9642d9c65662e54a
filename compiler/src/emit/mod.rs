//! Outputs derived from the model: JSON per module, the OID → module index.

pub mod index;
pub mod json;
pub mod rust;
