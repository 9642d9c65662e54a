//! The compiler's integration tests, one binary: each module was its own test crate,
//! and linking seven binaries against the library took longer than running them.

mod build_script;
mod corpus;
mod diagnostics;
mod differential;
mod json_output;
mod lint;
mod resolve_diagnostics;
mod robustness;
mod shared;
