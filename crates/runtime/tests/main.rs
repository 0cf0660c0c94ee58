//! The runtime's integration tests: builtins, the invoke machinery and transactions through
//! the crate's public API. One test binary; helpers shared by every module live in
//! `common`.

mod common;

mod address_lookup_table;
mod bpf_loader;
mod compute_budget;
mod invoke_context;
mod precompiles;
mod processor;
mod system;
mod transactions;
