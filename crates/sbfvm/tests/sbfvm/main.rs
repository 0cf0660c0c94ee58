//! The `sbfvm` library: the facade under each loader, checks, scenarios, custom syscalls,
//! the upgradeable loader's instructions, progress, robustness, and the ZK ElGamal proof
//! program.

#[path = "../common/mod.rs"]
mod common;

mod address_space;
mod checks;
mod coverage;
mod custom_syscalls;
mod debugger;
mod dwarf;
mod features;
mod introspection;
mod jit_inline;
mod library;
mod loader;
mod precompiles;
mod profiles;
mod progress;
mod robustness;
mod scenarios;
mod transactions;
mod zk_elgamal_proof;
