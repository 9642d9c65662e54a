//! The integration tests of the engine and the generated code, one binary: each module
//! was its own test crate, and linking fourteen binaries against the engine and every
//! generated module took longer than most of them run.

mod agent_fixture;
mod agent_master;
mod agent_netsnmp;
mod agent_responder;
mod agent_rowstatus;
mod agent_streams;
mod agent_v3;
mod agentx_snmpd;
mod generated_fresh;
mod macro_mibs;
mod misbehaving_agents;
mod module_cycles;
mod notifications;
mod snmpd_manager;
mod snmpd_typed;
mod snmpd_usm;
mod typed_objects;
