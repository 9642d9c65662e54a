//! One module per subcommand.

pub(crate) mod agent;
pub(crate) mod check;
pub(crate) mod compile;
pub(crate) mod deps;
pub(crate) mod dump;
pub(crate) mod index;
pub(crate) mod snmp;
pub(crate) mod translate;
pub(crate) mod trapd;
pub(crate) mod tree;
