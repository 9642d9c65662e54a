//! smic: a MIB compiler.
//!
//! The pipeline is source discovery ([`source`]) → syntax ([`syntax`]) → resolution and
//! model → lint → code generation. Every stage reports problems as [`Diagnostic`]s
//! with stable codes and spans instead of failing, so one broken module never hides
//! the rest of a batch.

// Library code does not panic on what it is given: every index is checked, and an
// `expect` is a bug (tests index freely).
#![cfg_attr(not(test), warn(clippy::indexing_slicing, clippy::expect_used))]

mod builder;
pub mod check;
pub mod diagnostic;
pub mod emit;
mod hash;
pub mod lint;
pub mod model;
mod parallel;
pub mod render;
pub mod resolve;
pub mod source;
pub mod syntax;

pub use builder::{BuildError, Builder, Compiled, MibDiagnostic, write_if_changed};
pub use diagnostic::{Code, Diagnostic, FileId, Policy, Severity, Span};
